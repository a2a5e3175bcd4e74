/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PKIX key files in DER: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), SEC 1
 * ECPrivateKey (RFC 5915) and PKCS#8 PrivateKeyInfo (RFC 5208 / 5958), to and
 * from opentsm's raw key formats. See opentsm/x509.h.
 */
#include "x509_internal.h"
#include "x509_parse.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <string.h>

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

/* ---- P-256 / P-384 with the DER reader --------------------------------------- */
/*
 * The common EC forms are read here without OpenSSL's decoders (OpenSSL 3.0
 * builds its whole decoder set the first time one is used: the bulk of
 * reading a key file or a certificate's key). Anything else, or anything
 * these readers do not accept, goes to OpenSSL as before, so they change
 * no verdict, only the cost.
 */

/* Contents octets of the OIDs (RFC 5480 §2.1.1, §2.1.1.1). */
static const uint8_t oid_ec_public_key[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};
static const uint8_t oid_p256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
static const uint8_t oid_p384[] = {0x2B, 0x81, 0x04, 0x00, 0x22};

#define TAG_INTEGER 0x02u
#define TAG_BIT_STRING 0x03u
#define TAG_CTX0 0xA0u
#define TAG_CTX1 0xA1u

static bool span_is(const ot_reader *r, const uint8_t *v, size_t n) {
  return ot_reader_remaining(r) == n && memcmp(r->data + r->off, v, n) == 0;
}

/* The curve a namedCurve OID names: P-256, P-384, else 0. */
static ot_curve named_curve(const ot_reader *oid) {
  if (span_is(oid, oid_p256, sizeof oid_p256)) return OT_CURVE_P256;
  if (span_is(oid, oid_p384, sizeof oid_p384)) return OT_CURVE_P384;
  return (ot_curve)0;
}

static uint8_t peek(const ot_reader *r) {
  ot_reader copy = *r, content;
  uint8_t tag = 0;
  return ot_ok(ot_der_read_tlv(&copy, &tag, &content)) ? tag : 0;
}

/* AlgorithmIdentifier { id-ecPublicKey, namedCurve } (RFC 5480 §2.1.1). */
static ot_curve ec_algorithm(ot_reader *r) {
  ot_reader alg, oid, curve;
  if (!ot_ok(ot_der_expect(r, OT_DER_SEQUENCE, &alg)) ||
      !ot_ok(ot_der_expect(&alg, OT_DER_OID, &oid)) ||
      !span_is(&oid, oid_ec_public_key, sizeof oid_ec_public_key) ||
      !ot_ok(ot_der_expect(&alg, OT_DER_OID, &curve)) || ot_reader_remaining(&alg) != 0)
    return (ot_curve)0;
  return named_curve(&curve);
}

bool ot_x509_ec_spki_read(const uint8_t *der, size_t len, ot_curve *curve, const uint8_t **point) {
  ot_reader r, spki, bits;
  ot_reader_init(&r, der, len);
  if (!ot_ok(ot_der_expect(&r, OT_DER_SEQUENCE, &spki)) || ot_reader_remaining(&r) != 0)
    return false;
  ot_curve c = ec_algorithm(&spki);
  if (c == 0 || !ot_ok(ot_der_expect(&spki, TAG_BIT_STRING, &bits)) ||
      ot_reader_remaining(&spki) != 0)
    return false;
  /* BIT STRING: no unused bits, then the uncompressed point 04 || X || Y
   * (RFC 5480 §2.2, SEC 1 §2.3.3). */
  size_t n = ot_curve_size(c);
  const uint8_t *b = bits.data + bits.off;
  if (ot_reader_remaining(&bits) != 2 + 2 * n || b[0] != 0 || b[1] != 0x04) return false;
  *curve = c;
  *point = b + 2;
  return true;
}

bool ot_x509_ec_spki_fast(const uint8_t *der, size_t len, ot_curve *curve, uint8_t *pub, size_t cap,
                          size_t *pub_len) {
  ot_curve c;
  const uint8_t *point;
  if (!ot_x509_ec_spki_read(der, len, &c, &point)) return false;
  size_t n = ot_curve_size(c);
  if (cap < 2 * n) return false;
  /* Validated as OpenSSL's decoding would: on the curve, not infinity. */
  EVP_PKEY *key = NULL;
  if (!ot_ok(ot_pkey_from_raw_public(c, point, &key))) return false;
  EVP_PKEY_free(key);
  memcpy(pub, point, 2 * n);
  *curve = c;
  *pub_len = 2 * n;
  return true;
}

/* ECPrivateKey (RFC 5915 §3) in r: version 1, the scalar, [0] namedCurve
 * (required unless `outer` names the curve, and then equal), [1] public key
 * (not read: ot_key_public derives it). */
static bool ec_private_key(ot_reader *r, ot_curve outer, ot_curve *curve, const uint8_t **d) {
  ot_reader v, priv, params, oid, x;
  static const uint8_t one[] = {0x01};
  if (!ot_ok(ot_der_expect(r, TAG_INTEGER, &v)) || !span_is(&v, one, 1) ||
      !ot_ok(ot_der_expect(r, OT_DER_OCTET_STRING, &priv)))
    return false;
  ot_curve c = outer;
  if (peek(r) == TAG_CTX0) {
    if (!ot_ok(ot_der_expect(r, TAG_CTX0, &params)) ||
        !ot_ok(ot_der_expect(&params, OT_DER_OID, &oid)) || ot_reader_remaining(&params) != 0)
      return false;
    ot_curve named = named_curve(&oid);
    if (named == 0 || (outer != 0 && named != outer)) return false;
    c = named;
  }
  if (peek(r) == TAG_CTX1 && !ot_ok(ot_der_expect(r, TAG_CTX1, &x))) return false;
  if (c == 0 || ot_reader_remaining(r) != 0) return false;
  /* RFC 5915 §3: privateKey is ceiling(log2(n)/8) octets; in [1, n-1]. */
  size_t n = ot_curve_size(c);
  if (ot_reader_remaining(&priv) != n || !ot_scalar_in_range(c, priv.data + priv.off, n))
    return false;
  *curve = c;
  *d = priv.data + priv.off;
  return true;
}

/* SEC 1 ECPrivateKey, or PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208
 * §5, RFC 5958 §2) holding one, for P-256 / P-384. */
static bool ec_private_fast(const uint8_t *der, size_t len, ot_curve *curve, uint8_t *priv,
                            size_t cap, size_t *priv_len) {
  ot_reader r, body, v, inner_tlv, inner, x;
  ot_reader_init(&r, der, len);
  if (!ot_ok(ot_der_expect(&r, OT_DER_SEQUENCE, &body)) || ot_reader_remaining(&r) != 0)
    return false;
  ot_curve c = (ot_curve)0;
  const uint8_t *d = NULL;
  ot_reader probe = body;
  if (!ot_ok(ot_der_expect(&probe, TAG_INTEGER, &v))) return false;
  if (peek(&probe) == OT_DER_OCTET_STRING) {
    if (!ec_private_key(&body, (ot_curve)0, &c, &d)) return false;
  } else {
    static const uint8_t v0[] = {0x00}, v1[] = {0x01};
    if (!(span_is(&v, v0, 1) || span_is(&v, v1, 1))) return false;
    ot_curve outer = ec_algorithm(&probe);
    if (outer == 0 || !ot_ok(ot_der_expect(&probe, OT_DER_OCTET_STRING, &inner_tlv)) ||
        !ot_ok(ot_der_expect(&inner_tlv, OT_DER_SEQUENCE, &inner)) ||
        ot_reader_remaining(&inner_tlv) != 0 || !ec_private_key(&inner, outer, &c, &d))
      return false;
    /* attributes [0], publicKey [1] (RFC 5958 §2): not needed. */
    if (peek(&probe) == TAG_CTX0 && !ot_ok(ot_der_expect(&probe, TAG_CTX0, &x))) return false;
    if (peek(&probe) == 0x81u && !ot_ok(ot_der_expect(&probe, 0x81u, &x))) return false;
    if (ot_reader_remaining(&probe) != 0) return false;
  }
  size_t n = ot_curve_size(c);
  if (cap < n) return false;
  memcpy(priv, d, n);
  *curve = c;
  *priv_len = n;
  return true;
}

ot_status ot_x509_spki_public_key(const uint8_t *der, size_t len, ot_curve *curve, uint8_t *pub,
                                  size_t cap, size_t *pub_len) {
  OT_ENSURE(der != NULL && curve != NULL && pub != NULL && pub_len != NULL, OT_E_ARG);
  OT_ENSURE(len <= OT_X509_MAX_CERT_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(check_one_tlv(der, len));
  if (ot_x509_ec_spki_fast(der, len, curve, pub, cap, pub_len)) return OT_SUCCESS;
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
  if (ec_private_fast(der, len, curve, priv, cap, priv_len)) return OT_SUCCESS;
  const unsigned char *p = der;
  /* Recognises both SEC 1 and PKCS#8 framing of the same key. */
  key = d2i_AutoPrivateKey(NULL, &p, (long)len);
  OT_ENSURE_GOTO(st, key != NULL && (size_t)(p - der) == len, OT_E_MALFORMED, out);

  /* The curve, from the public half every private key object carries. */
  uint8_t pub[OT_PUBLIC_KEY_MAX];
  size_t pub_len;
  ot_curve c;
  OT_GUARD_GOTO(st, ot_pkey_to_raw_public(key, &c, pub, sizeof pub, &pub_len), out);
  size_t n = ot_curve_size(c);
  if (ot_key_is_rsa(c)) {
    /* RSA: the raw private form is DER RSAPrivateKey (RFC 8017 §A.1.2), whatever
     * framing (PKCS#1 or PKCS#8) the file had. */
    int dl = i2d_PrivateKey(key, NULL);
    OT_ENSURE_GOTO(st, dl > 0, OT_E_LIBRARY, out);
    OT_ENSURE_GOTO(st, (size_t)dl <= cap, OT_E_NO_SPACE, out);
    unsigned char *w = priv;
    OT_ENSURE_GOTO(st, i2d_PrivateKey(key, &w) == dl, OT_E_LIBRARY, out);
    n = (size_t)dl;
  } else if (c == OT_CURVE_ED25519) {
    OT_ENSURE_GOTO(st, cap >= n, OT_E_NO_SPACE, out);
    size_t got = cap;
    OT_ENSURE_GOTO(st, EVP_PKEY_get_raw_private_key(key, priv, &got) == 1 && got == n, OT_E_BAD_KEY,
                   out);
  } else {
    OT_ENSURE_GOTO(st, cap >= n, OT_E_NO_SPACE, out);
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
