/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading the DMTF sample identity (libspdm's sample_key hierarchy, the one the
 * reference emulator's responder presents; SPEC-FACTS §2.7 "Reference-emulator
 * chains") from files.
 */
#include <stdio.h>
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/spdm_identity.h"

#define FILE_MAX 8192u

/* Reads a whole (small) file; the buffer is wiped by the caller if secret. */
static ot_status read_path(const char *path, uint8_t *buf, size_t cap, size_t *len) {
  FILE *f = fopen(path, "rb");
  OT_ENSURE(f != NULL, OT_E_NOT_FOUND);
  size_t got = fread(buf, 1, cap, f);
  bool err = ferror(f) != 0, more = !feof(f);
  fclose(f);
  OT_ENSURE(!err, OT_E_IO);
  OT_ENSURE(!more, OT_E_TOO_LARGE);
  *len = got;
  return OT_SUCCESS;
}

static ot_status read_file(const char *dir, const char *sub, const char *name, uint8_t *buf,
                           size_t cap, size_t *len) {
  char path[1024];
  int n = snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
  OT_ENSURE(n > 0 && (size_t)n < sizeof(path), OT_E_ARG);
  return read_path(path, buf, cap, len);
}

static int b64_value(uint8_t c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* RFC 7468 PEM: the base64 body between the BEGIN and END lines, decoded in
 * place (the output never outruns the input). */
static ot_status pem_to_der(uint8_t *buf, size_t len, size_t *der_len) {
  static const char begin[] = "-----BEGIN ", end[] = "-----END ";
  OT_ENSURE(len > sizeof(begin) && memcmp(buf, begin, sizeof(begin) - 1) == 0, OT_E_MALFORMED);
  size_t i = 0;
  while (i < len && buf[i] != '\n')
    i++; /* skip the BEGIN line */
  size_t out = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (; i < len; i++) {
    uint8_t c = buf[i];
    if (c == '-') break; /* END line */
    if (c == '\n' || c == '\r' || c == '=') continue;
    int v = b64_value(c);
    OT_ENSURE(v >= 0, OT_E_MALFORMED);
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      buf[out++] = (uint8_t)(acc >> bits);
    }
  }
  OT_ENSURE(i + sizeof(end) - 1 <= len && memcmp(buf + i, end, sizeof(end) - 1) == 0,
            OT_E_MALFORMED);
  *der_len = out;
  return OT_SUCCESS;
}

/* Loads a raw private key (DER, or PEM when `pem`) into keys[index]. */
static ot_status load_key(ot_spdm_identity *id, const char *dir, const char *sub, const char *name,
                          bool pem, size_t index, uint8_t key_pair_id) {
  uint8_t file[FILE_MAX], priv[OT_PRIVATE_KEY_MAX];
  size_t len, plen = 0;
  ot_curve curve;
  ot_status st;
  OT_GUARD_GOTO(st, read_file(dir, sub, name, file, sizeof(file), &len), out);
  if (pem) OT_GUARD_GOTO(st, pem_to_der(file, len, &len), out);
  OT_GUARD_GOTO(st, ot_x509_private_key_raw(file, len, &curve, priv, sizeof(priv), &plen), out);
  st = ot_spdm_identity_set_key(id, index, curve, priv, plen, key_pair_id);
out:
  ot_zeroize(file, sizeof(file));
  ot_zeroize(priv, sizeof(priv));
  return st;
}

static ot_status load_slot(ot_spdm_identity *id, const char *dir, const char *sub, const char *name,
                           uint8_t slot, size_t key) {
  uint8_t der[OT_SPDM_ID_CHAIN_MAX];
  size_t len;
  OT_GUARD(read_file(dir, sub, name, der, sizeof(der), &len));
  return ot_spdm_identity_set_slot(id, slot, key, der, len);
}

/* KeyPairIDs as the SPDM 1.3 recording's DIGESTS shows them (SPEC-FACTS §2.6). */
#define SAMPLE_KEY_PAIR_ID_MAIN 0x04u
#define SAMPLE_KEY_PAIR_ID_SLOT4 0x10u

OT_RESULT ot_spdm_identity_load_dmtf_sample(ot_spdm_identity *id, const char *dir, ot_curve curve,
                                            bool with_slot4) {
  OT_ENSURE(dir != NULL, OT_E_ARG);
  const char *sub = curve == OT_CURVE_P256    ? "ecp256"
                    : curve == OT_CURVE_P384  ? "ecp384"
                    : curve == OT_KEY_RSA2048 ? "rsa2048"
                    : curve == OT_KEY_RSA3072 ? "rsa3072"
                    : curve == OT_KEY_RSA4096 ? "rsa4096"
                                              : NULL;
  OT_ENSURE(sub != NULL, OT_E_UNSUPPORTED);
  OT_GUARD(load_key(id, dir, sub, "end_responder.key.der", false, 0, SAMPLE_KEY_PAIR_ID_MAIN));
  OT_GUARD(load_slot(id, dir, sub, "bundle_responder.certchain.der", 0, 0));
  OT_GUARD(load_slot(id, dir, sub, "bundle_responder.certchain1.der", 1, 0));
  if (!with_slot4) return OT_SUCCESS;
  OT_GUARD(load_key(id, dir, sub, "end_responder4.key", true, 1, SAMPLE_KEY_PAIR_ID_SLOT4));
  return load_slot(id, dir, sub, "bundle_responder.certchain4.der", 4, 1);
}

/* A private key file in any of the forms the tools write: DER (SEC1, PKCS#1
 * RSAPrivateKey or PKCS#8, first byte 0x30), PEM, or the raw big-endian scalar `opentsm certs`
 * writes (its length names the curve: 32 P-256, 48 P-384, 66 P-521). */
static ot_status key_from_file(uint8_t *file, size_t len, ot_curve *curve, uint8_t *priv,
                               size_t cap, size_t *plen) {
  static const char pem[] = "-----BEGIN ";
  if (len > sizeof(pem) && memcmp(file, pem, sizeof(pem) - 1) == 0)
    OT_GUARD(pem_to_der(file, len, &len));
  if (len > 0 && file[0] == 0x30) return ot_x509_private_key_raw(file, len, curve, priv, cap, plen);
  switch (len) {
  case 32: *curve = OT_CURVE_P256; break;
  case 48: *curve = OT_CURVE_P384; break;
  case 66: *curve = OT_CURVE_P521; break;
  default: OT_BAIL(OT_E_MALFORMED);
  }
  OT_ENSURE(len <= cap, OT_E_TOO_LARGE);
  memcpy(priv, file, len);
  *plen = len;
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_identity_load_files(ot_spdm_identity *id, uint8_t slot, size_t key,
                                      uint8_t key_pair_id, const char *chain_path,
                                      const char *key_path) {
  OT_ENSURE(id && chain_path && key_path, OT_E_ARG);
  uint8_t file[FILE_MAX], priv[OT_PRIVATE_KEY_MAX]; /* RSA: DER RSAPrivateKey */
  size_t len, plen = 0;
  ot_curve curve;
  ot_status st;
  OT_GUARD_GOTO(st, read_path(key_path, file, sizeof(file), &len), out);
  OT_GUARD_GOTO(st, key_from_file(file, len, &curve, priv, sizeof(priv), &plen), out);
  OT_GUARD_GOTO(st, ot_spdm_identity_set_key(id, key, curve, priv, plen, key_pair_id), out);
  ot_zeroize(file, sizeof(file));
  OT_GUARD_GOTO(st, read_path(chain_path, file, sizeof(file), &len), out);
  st = ot_spdm_identity_set_slot(id, slot, key, file, len);
out:
  ot_zeroize(file, sizeof(file));
  ot_zeroize(priv, sizeof(priv));
  return st;
}
