/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PKIX key files in DER: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), SEC 1
 * ECPrivateKey (RFC 5915) and PKCS#8 PrivateKeyInfo (RFC 5208 / 5958), to and
 * from opentsm's raw key formats. See opentsm/x509.h.
 */
#include "x509_internal.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

/* DER-walks der[0..len) as one TLV, so that no BER reaches the decoders. */
static ot_status check_one_tlv(const uint8_t *der, size_t len) {
  ot_reader r;
  ot_reader_init(&r, der, len);
  uint8_t tag;
  ot_reader body;
  OT_GUARD(ot_der_read_tlv(&r, &tag, &body));
  OT_ENSURE(tag == OT_DER_SEQUENCE, OT_E_MALFORMED);
  OT_GUARD(ot_reader_finish(&r));
  return ot_der_walk(&body);
}

ot_status ot_x509_spki_public_key(const uint8_t *der, size_t len, ot_curve *curve, uint8_t *pub,
                                  size_t cap, size_t *pub_len) {
  OT_ENSURE(der != NULL && curve != NULL && pub != NULL && pub_len != NULL, OT_E_ARG);
  OT_ENSURE(len <= OT_X509_MAX_CERT_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(check_one_tlv(der, len));
  const unsigned char *p = der;
  EVP_PKEY *key = d2i_PUBKEY(NULL, &p, (long)len);
  OT_ENSURE(key != NULL, OT_E_MALFORMED);
  ot_status st = (size_t)(p - der) == len ? ot_pkey_to_raw_public(key, curve, pub, cap, pub_len)
                                          : ot_status_of(OT_E_MALFORMED);
  EVP_PKEY_free(key);
  return st;
}

/* The scalar of an EC key, big-endian, exactly n bytes. */
static ot_status ec_scalar(EVP_PKEY *key, uint8_t *priv, size_t n) {
  BIGNUM *d = NULL;
  OT_ENSURE(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1, OT_E_BAD_KEY);
  int ok = BN_bn2binpad(d, priv, (int)n) == (int)n;
  BN_clear_free(d);
  return ok ? OT_SUCCESS : ot_status_of(OT_E_BAD_KEY);
}

ot_status ot_x509_private_key_raw(const uint8_t *der, size_t len, ot_curve *curve, uint8_t *priv,
                                  size_t cap, size_t *priv_len) {
  OT_ENSURE(der != NULL && curve != NULL && priv != NULL && priv_len != NULL, OT_E_ARG);
  ot_status st;
  EVP_PKEY *key = NULL;
  OT_ENSURE_GOTO(st, len <= OT_X509_MAX_CERT_SIZE, OT_E_TOO_LARGE, out);
  OT_GUARD_GOTO(st, check_one_tlv(der, len), out);
  const unsigned char *p = der;
  /* Recognises both SEC 1 and PKCS#8 framing of the same key. */
  key = d2i_AutoPrivateKey(NULL, &p, (long)len);
  OT_ENSURE_GOTO(st, key != NULL && (size_t)(p - der) == len, OT_E_MALFORMED, out);

  /* The curve, from the public half every private key object carries. */
  uint8_t pub[OT_ECC_MAX_PUBLIC];
  size_t pub_len;
  ot_curve c;
  OT_GUARD_GOTO(st, ot_pkey_to_raw_public(key, &c, pub, sizeof pub, &pub_len), out);
  size_t n = ot_curve_size(c);
  OT_ENSURE_GOTO(st, cap >= n, OT_E_NO_SPACE, out);
  if (c == OT_CURVE_ED25519) {
    size_t got = cap;
    OT_ENSURE_GOTO(st, EVP_PKEY_get_raw_private_key(key, priv, &got) == 1 && got == n, OT_E_BAD_KEY,
                   out);
  } else {
    OT_GUARD_GOTO(st, ec_scalar(key, priv, n), out);
  }
  *curve = c;
  *priv_len = n;
  st = OT_SUCCESS;
out:
  EVP_PKEY_free(key);
  if (!ot_ok(st)) ot_zeroize(priv, cap);
  return st;
}
