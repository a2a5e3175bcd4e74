/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differential fuzzer of the two chain validators behind
 * ot_x509_chain_verify (src/crypto/x509_path.c, the fast path over our own
 * DER parser; src/crypto/x509_verify.c, OpenSSL's X509_verify_cert).
 * Aborts when the fast path accepts a chain OpenSSL refuses, when both
 * accept but describe the leaf differently, or when the public function's
 * verdict is not OpenSSL's.
 *
 * Mutating a signed certificate only breaks its signature, so the input is
 * mostly TBSCertificate bytes that the harness signs itself, with fixed
 * keys, under a fixed root (and intermediate):
 *   byte 0, bits 0-1: 0 = data is the leaf's TBSCertificate, signed by the
 *                         fixed intermediate;
 *                     1 = u16 length, the intermediate's TBSCertificate
 *                         (signed by the root), then the leaf's (signed by
 *                         the intermediate's key);
 *                     2, 3 = data is a whole chain; the anchor is its first
 *                         certificate;
 *           bits 2-3: the policy's role, bit 4: AliasCert model, bit 5:
 *                     required curve P-256 (else any), bits 6-7: the time
 *                     (2025, 2019, 2031, 2050).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/crypto/x509_parse.h"
#include "../support/x509_craft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t root_priv[32], inter_priv[32], root_pub[64], inter_pub[64], leaf_pub[64];
static craft_buf root_cert, inter_cert;

static void init(void) {
  static bool done;
  if (done) return;
  for (size_t i = 0; i < 32; i++) {
    root_priv[i] = (uint8_t)(8 + i * 13);
    inter_priv[i] = (uint8_t)(15 + i * 13);
  }
  root_priv[0] = inter_priv[0] = 1;
  uint8_t leaf_priv[32];
  memcpy(leaf_priv, inter_priv, 32);
  leaf_priv[31] ^= 0x5a;
  if (!ot_ok(ot_key_public(OT_CURVE_P256, root_priv, 32, root_pub, 64)) ||
      !ot_ok(ot_key_public(OT_CURVE_P256, inter_priv, 32, inter_pub, 64)) ||
      !ot_ok(ot_key_public(OT_CURVE_P256, leaf_priv, 32, leaf_pub, 64)))
    abort();
  craft_spec r, i;
  craft_default(&r);
  r.issuer = r.subject = "Fuzz Root";
  r.ca = r.bc_critical = r.skid = r.akid = true;
  r.ku = 0x86;
  r.pub = root_pub;
  craft_cert(&r, OT_CURVE_P256, root_priv, root_pub, &root_cert);
  craft_default(&i);
  i.issuer = "Fuzz Root";
  i.subject = "Fuzz Intermediate";
  i.ca = i.bc_critical = i.skid = i.akid = true;
  i.ku = 0x86;
  i.serial = 2;
  i.pub = inter_pub;
  craft_cert(&i, OT_CURVE_P256, root_priv, root_pub, &inter_cert);
  done = true;
}

/* Certificate { tbs, ecdsa-with-SHA256, signature by priv } into out. */
static bool sign_tbs(const uint8_t *tbs, size_t n, const uint8_t *priv, craft_buf *out) {
  static const uint8_t alg[] = {0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48,
                                0xCE, 0x3D, 0x04, 0x03, 0x02};
  uint8_t raw[64];
  if (n > 1500 || !ot_ok(ot_ecdsa_sign(OT_CURVE_P256, OT_HASH_SHA256, priv, 32, tbs, n, raw,
                                       sizeof raw)))
    return false;
  craft_buf sv = {.n = 0}, seq = {.n = 0}, sig = {.n = 0}, cert = {.n = 0};
  craft_uint(&sv, raw, 32);
  craft_uint(&sv, raw + 32, 32);
  craft_wrap(&seq, 0x30, &sv);
  craft_byte(&sig, 0);
  craft_put(&sig, seq.b, seq.n);
  craft_put(&cert, tbs, n);
  craft_put(&cert, alg, sizeof alg);
  craft_wrap(&cert, 0x03, &sig);
  out->n = 0;
  craft_wrap(out, 0x30, &cert);
  return true;
}

static const time_t times[4] = {1735689600, 1546300800, 1924992000, 2524608000};

static void differ(const ot_x509_chain *chain, const ot_x509_cert *anchor,
                   const ot_x509_policy *p) {
  ot_x509_leaf_info io, ifast, iapi;
  ot_x509_verdict vo, vf, vapi;
  memset(&io, 0, sizeof io);
  memset(&ifast, 0, sizeof ifast);
  memset(&iapi, 0, sizeof iapi);
  ot_status so = ot_x509_chain_verify_openssl(chain, anchor, 1, p, &io, &vo);
  ot_status sf = ot_x509_chain_verify_fast(chain, anchor, 1, p, &ifast, &vf);
  ot_status sa = ot_x509_chain_verify(chain, anchor, 1, p, &iapi, &vapi);
  if (ot_ok(sf) && (!ot_ok(so) || memcmp(&io, &ifast, sizeof io) != 0)) abort();
  if (!ot_ok(sf) && !ot_is(sf, OT_E_CERT) && !ot_is(sf, OT_E_UNSUPPORTED) &&
      !ot_is(sf, OT_E_NOMEM))
    abort();
  if (ot_ok(sa) != ot_ok(so) || vapi.reason != vo.reason) abort();
  if (ot_ok(sa) && memcmp(&iapi, &io, sizeof io) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  init();
  uint8_t mode = data[0];
  data++, size--;
  ot_x509_policy p = {.now = times[mode >> 6],
                      .role = (ot_x509_role)((mode >> 2) % 3),
                      .model = (mode & 0x10) ? OT_X509_MODEL_ALIAS : OT_X509_MODEL_DEVICE,
                      .curve = (mode & 0x20) ? OT_CURVE_P256 : (ot_curve)0};
  static uint8_t der[8192];
  size_t len = 0;
  ot_x509_cert anchor = {root_cert.b, root_cert.n};
  static craft_buf a, b;
  switch (mode & 3) {
  case 0:
    if (!sign_tbs(data, size, inter_priv, &b)) return 0;
    memcpy(der, root_cert.b, root_cert.n);
    memcpy(der + root_cert.n, inter_cert.b, inter_cert.n);
    memcpy(der + root_cert.n + inter_cert.n, b.b, b.n);
    len = root_cert.n + inter_cert.n + b.n;
    break;
  case 1: {
    if (size < 2) return 0;
    size_t n = (size_t)data[0] << 8 | data[1];
    if (n > size - 2) return 0;
    if (!sign_tbs(data + 2, n, root_priv, &a) ||
        !sign_tbs(data + 2 + n, size - 2 - n, inter_priv, &b))
      return 0;
    memcpy(der, root_cert.b, root_cert.n);
    memcpy(der + root_cert.n, a.b, a.n);
    memcpy(der + root_cert.n + a.n, b.b, b.n);
    len = root_cert.n + a.n + b.n;
    break;
  }
  default:
    if (size > sizeof der) return 0;
    memcpy(der, data, size);
    len = size;
    break;
  }
  ot_x509_chain chain;
  if (!ot_ok(ot_x509_chain_parse(der, len, &chain))) return 0;
  if ((mode & 3) >= 2) anchor = chain.certs[0];
  differ(&chain, &anchor, &p);
  return 0;
}
