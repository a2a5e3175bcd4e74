/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PKCS#10 certification requests (RFC 2986) for a device key: what SPDM
 * GET_CSR returns (DSP0274 1.2 "GET_CSR request and CSR response"). The
 * requester may supply its own CertificationRequestInfo (RequesterInfo): its
 * subject and attributes are kept, its SubjectPublicKeyInfo must be the
 * device key's, and the request is signed with the device key.
 */
#include "x509_internal.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string.h>

#include "crypto_internal.h"

/* A whole CertificationRequest around `info` (DER CertificationRequestInfo)
 * with a placeholder algorithm and an empty signature, for OpenSSL to parse;
 * it is re-signed before anything leaves. */
static ot_status wrap_info(const uint8_t *info, size_t len, X509_REQ **out) {
  static const uint8_t tail[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, /* ecdsa-with-SHA256 */
                                 0x03, 0x01, 0x00};                  /* BIT STRING, no bits */
  OT_ENSURE(len > 0 && len < 0xff00u, OT_E_MALFORMED);
  size_t body = len + sizeof(tail);
  uint8_t *der = OPENSSL_malloc(body + 4);
  OT_ENSURE(der != NULL, OT_E_NOMEM);
  /* X.690 §10.1: the shortest length form. */
  size_t h = 0;
  der[h++] = 0x30;
  if (body < 0x80) {
    der[h++] = (uint8_t)body;
  } else if (body < 0x100) {
    der[h++] = 0x81;
    der[h++] = (uint8_t)body;
  } else {
    der[h++] = 0x82;
    der[h++] = (uint8_t)(body >> 8);
    der[h++] = (uint8_t)body;
  }
  memcpy(der + h, info, len);
  memcpy(der + h + len, tail, sizeof(tail));
  const unsigned char *p = der;
  X509_REQ *req = d2i_X509_REQ(NULL, &p, (long)(body + h));
  bool whole = req != NULL && p == der + body + h;
  OPENSSL_free(der);
  if (!whole) {
    X509_REQ_free(req);
    OT_BAIL(OT_E_MALFORMED);
  }
  *out = req;
  return OT_SUCCESS;
}

ot_status ot_x509_csr_generate(ot_curve curve, const uint8_t *priv, const uint8_t *requester_info,
                               size_t info_len, const char *common_name, uint8_t *out, size_t cap,
                               size_t *out_len) {
  OT_ENSURE(priv != NULL && out != NULL && out_len != NULL, OT_E_ARG);
  OT_ENSURE(requester_info != NULL || info_len == 0, OT_E_ARG);
  const EVP_MD *md = curve == OT_CURVE_P256   ? ot_evp_md(OT_HASH_SHA256)
                     : curve == OT_CURVE_P384 ? ot_evp_md(OT_HASH_SHA384)
                     : curve == OT_CURVE_P521 ? ot_evp_md(OT_HASH_SHA512)
                                              : NULL;
  OT_ENSURE(md != NULL, OT_E_UNSUPPORTED);
  ot_status st;
  EVP_PKEY *key = NULL, *theirs = NULL;
  X509_REQ *req = NULL;
  OT_GUARD_GOTO(st, ot_pkey_from_raw_private(curve, priv, &key), out);
  if (info_len) {
    OT_GUARD_GOTO(st, wrap_info(requester_info, info_len, &req), out);
    /* RFC 2986 §4.1: version 0. The key it names must be ours: a CSR binds
     * the requester's subject to the device key, never to another. */
    OT_ENSURE_GOTO(st, X509_REQ_get_version(req) == 0, OT_E_MALFORMED, out);
    theirs = X509_REQ_get_pubkey(req);
    OT_ENSURE_GOTO(st, theirs != NULL, OT_E_MALFORMED, out);
    uint8_t a[OT_ECC_MAX_PUBLIC], b[OT_ECC_MAX_PUBLIC];
    size_t alen = 0, blen = 0;
    ot_curve ca, cb;
    OT_GUARD_GOTO(st, ot_pkey_to_raw_public(key, &ca, a, sizeof(a), &alen), out);
    if (!ot_ok(ot_pkey_to_raw_public(theirs, &cb, b, sizeof(b), &blen)) || ca != cb ||
        alen != blen || memcmp(a, b, alen) != 0) {
      st = ot_status_of(OT_E_BAD_KEY);
      goto out;
    }
  } else {
    req = X509_REQ_new();
    OT_ENSURE_GOTO(st, req != NULL, OT_E_NOMEM, out);
    OT_ENSURE_GOTO(st, X509_REQ_set_version(req, 0) == 1, OT_E_LIBRARY, out);
    OT_ENSURE_GOTO(st, X509_REQ_set_pubkey(req, key) == 1, OT_E_LIBRARY, out);
    X509_NAME *name = X509_REQ_get_subject_name(req);
    OT_ENSURE_GOTO(
        st,
        X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                   (const unsigned char *)(common_name ? common_name : "device"),
                                   -1, -1, 0) == 1,
        OT_E_LIBRARY, out);
  }
  OT_ENSURE_GOTO(st, X509_REQ_sign(req, key, md) > 0, OT_E_LIBRARY, out);
  int n = i2d_X509_REQ(req, NULL);
  OT_ENSURE_GOTO(st, n > 0, OT_E_LIBRARY, out);
  OT_ENSURE_GOTO(st, (size_t)n <= cap, OT_E_NO_SPACE, out);
  unsigned char *p = out;
  OT_ENSURE_GOTO(st, i2d_X509_REQ(req, &p) == n, OT_E_LIBRARY, out);
  *out_len = (size_t)n;
  st = OT_SUCCESS;
out:
  X509_REQ_free(req);
  EVP_PKEY_free(theirs);
  EVP_PKEY_free(key);
  return st;
}

ot_status ot_x509_csr_check(const uint8_t *der, size_t len, ot_curve *curve, uint8_t *pub,
                            size_t cap, size_t *pub_len) {
  OT_ENSURE(der != NULL && len > 0 && len < (size_t)INT32_MAX, OT_E_ARG);
  const unsigned char *p = der;
  X509_REQ *req = d2i_X509_REQ(NULL, &p, (long)len);
  ot_status st;
  EVP_PKEY *key = NULL;
  OT_ENSURE_GOTO(st, req != NULL && p == der + len, OT_E_MALFORMED, out);
  key = X509_REQ_get_pubkey(req);
  OT_ENSURE_GOTO(st, key != NULL, OT_E_MALFORMED, out);
  /* The self-signature proves possession of the key (RFC 2986 §3). */
  OT_ENSURE_GOTO(st, X509_REQ_verify(req, key) == 1, OT_E_VERIFY, out);
  st = pub ? ot_pkey_to_raw_public(key, curve, pub, cap, pub_len) : OT_SUCCESS;
out:
  EVP_PKEY_free(key);
  X509_REQ_free(req);
  return st;
}
