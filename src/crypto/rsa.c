/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSA signatures (RFC 8017 §8.1 RSASSA-PSS, §8.2 RSASSA-PKCS1-v1_5) as SPDM
 * carries them: BaseAsymAlgo TPM_ALG_RSASSA_2048/3072/4096 and
 * TPM_ALG_RSAPSS_2048/3072/4096 (DSP0274 1.2 §10.4 Table "BaseAsymAlgo"),
 * k-byte signatures over H(M') with the negotiated hash. See opentsm/crypto.h.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

static const uint8_t empty_msg[1];

static int rsa_bits(ot_curve key) { return (int)(8 * ot_curve_size(key)); }

/*
 * The public exponent we accept: odd, 3 <= e < 2^32. RFC 8017 §3.1 asks for
 * 3 <= e <= n - 1 and odd; FIPS 186-5 §5.4 wants 2^16 < e < 2^256, but a
 * verifier only needs the exponent well-formed, and 4 bytes keep the raw
 * format fixed-size (every certificate in practice has 65537).
 */
static bool exponent_ok(uint32_t e) { return e >= 3 && (e & 1u); }

ot_status ot_pkey_rsa_to_raw_public(EVP_PKEY *key, ot_curve *type, uint8_t *pub, size_t cap,
                                    size_t *pub_len) {
  ot_curve t;
  switch (EVP_PKEY_get_bits(key)) {
  case 2048: t = OT_KEY_RSA2048; break;
  case 3072: t = OT_KEY_RSA3072; break;
  case 4096: t = OT_KEY_RSA4096; break;
  default: OT_BAIL(OT_E_UNSUPPORTED); /* SPDM defines these three sizes only */
  }
  size_t k = ot_curve_size(t);
  OT_ENSURE(cap >= OT_RSA_PUBLIC_SIZE(k), OT_E_NO_SPACE);
  BIGNUM *n = NULL, *e = NULL;
  ot_status st = ot_status_of(OT_E_LIBRARY);
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) == 1) {
    st = ot_status_of(OT_E_BAD_KEY);
    if (BN_num_bits(e) <= 32 && BN_bn2binpad(n, pub, (int)k) == (int)k &&
        BN_bn2binpad(e, pub + k, 4) == 4) {
      uint32_t ev = (uint32_t)pub[k] << 24 | (uint32_t)pub[k + 1] << 16 |
                    (uint32_t)pub[k + 2] << 8 | pub[k + 3];
      if (exponent_ok(ev)) st = OT_SUCCESS;
    }
  }
  BN_free(n);
  BN_free(e);
  ERR_clear_error();
  OT_GUARD(st);
  *type = t;
  *pub_len = OT_RSA_PUBLIC_SIZE(k);
  return OT_SUCCESS;
}

size_t ot_rsa_private_der_len(const uint8_t *der) {
  /* SEQUENCE with a long-form length of one or two octets (RFC 8017 §A.1.2 keys
   * of 2048..4096 bits are 1.2..2.4 KB). The length is self-describing. */
  if (der[0] != 0x30) return 0;
  size_t len = der[1] == 0x82 ? (4 + ((size_t)der[2] << 8 | der[3]))
               : der[1] == 0x81 ? (size_t)3 + der[2]
                                : 0;
  return len <= OT_RSA_PRIVATE_MAX ? len : 0;
}

ot_status ot_pkey_rsa_from_public(ot_curve key, const uint8_t *pub, size_t pub_len,
                                  EVP_PKEY **out) {
  size_t k = ot_curve_size(key);
  OT_ENSURE(pub_len == OT_RSA_PUBLIC_SIZE(k), OT_E_BAD_KEY);
  /* The modulus's top bit set: a k-byte string that is a (8k)-bit number. */
  OT_ENSURE(pub[0] & 0x80u, OT_E_BAD_KEY);
  OT_ENSURE(pub[k - 1] & 1u, OT_E_BAD_KEY); /* RFC 8017 §3.1: n is odd (a product of odd primes) */
  uint32_t e = (uint32_t)pub[k] << 24 | (uint32_t)pub[k + 1] << 16 | (uint32_t)pub[k + 2] << 8 |
               pub[k + 3];
  OT_ENSURE(exponent_ok(e), OT_E_BAD_KEY);
  ot_status st = ot_status_of(OT_E_LIBRARY);
  BIGNUM *bn_n = BN_bin2bn(pub, (int)k, NULL), *bn_e = BN_bin2bn(pub + k, 4, NULL);
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
  if (!bn_n || !bn_e || !bld || !ctx) goto out;
  if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) != 1)
    goto out;
  params = OSSL_PARAM_BLD_to_param(bld);
  if (!params || EVP_PKEY_fromdata_init(ctx) != 1) goto out;
  st = EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) == 1 ? OT_SUCCESS
                                                                      : ot_status_of(OT_E_BAD_KEY);
out:
  ERR_clear_error();
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  EVP_PKEY_CTX_free(ctx);
  BN_free(bn_n);
  BN_free(bn_e);
  return st;
}

ot_status ot_pkey_rsa_from_private(ot_curve key, const uint8_t *der, size_t len, EVP_PKEY **out) {
  OT_ENSURE(ot_key_is_rsa(key), OT_E_UNSUPPORTED);
  OT_ENSURE(der != NULL && out != NULL, OT_E_ARG);
  OT_ENSURE(len > 0 && len <= OT_RSA_PRIVATE_MAX, OT_E_BAD_KEY);
  const unsigned char *p = der;
  EVP_PKEY *k = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, (long)len);
  if (!k || p != der + len || EVP_PKEY_get_bits(k) != rsa_bits(key)) {
    ERR_clear_error();
    EVP_PKEY_free(k);
    OT_BAIL(OT_E_BAD_KEY);
  }
  *out = k;
  return OT_SUCCESS;
}

/* Padding parameters on a signing or verification context (RFC 8017 §8.1 / §8.2). */
static bool set_padding(EVP_PKEY_CTX *pctx, ot_rsa_padding pad, const EVP_MD *md) {
  if (pad == OT_RSA_PKCS1_V15) return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  /* DSP0274 1.2 "Signature generation" (FIPS 186-5 §5.4): salt length = hash length,
   * MGF1 over the same hash, as libspdm signs and verifies. */
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
}

ot_status ot_rsa_sign(ot_curve key, ot_rsa_padding pad, ot_hash_alg hash, const uint8_t *priv,
                      size_t priv_len, const uint8_t *msg, size_t msg_len, uint8_t *sig,
                      size_t sig_cap) {
  const EVP_MD *md = ot_evp_md(hash);
  OT_ENSURE(md != NULL && ot_key_is_rsa(key), OT_E_UNSUPPORTED);
  OT_ENSURE(pad == OT_RSA_PKCS1_V15 || pad == OT_RSA_PSS, OT_E_UNSUPPORTED);
  OT_ENSURE(priv != NULL && sig != NULL && (msg != NULL || msg_len == 0), OT_E_ARG);
  size_t k = ot_curve_size(key);
  OT_ENSURE(sig_cap >= k, OT_E_NO_SPACE);
  EVP_PKEY *pk = NULL;
  OT_GUARD(ot_pkey_rsa_from_private(key, priv, priv_len, &pk));
  EVP_MD_CTX *mctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX *pctx = NULL; /* owned by mctx */
  size_t len = k;
  int ok = mctx != NULL &&
           EVP_DigestSignInit_ex(mctx, &pctx, EVP_MD_get0_name(md), NULL, NULL, pk, NULL) == 1 &&
           set_padding(pctx, pad, md) &&
           EVP_DigestSign(mctx, sig, &len, msg_len ? msg : empty_msg, msg_len) == 1 && len == k;
  EVP_MD_CTX_free(mctx);
  EVP_PKEY_free(pk); /* clears the private key it holds */
  if (!ok) {
    ERR_clear_error();
    ot_zeroize(sig, k);
    OT_BAIL(OT_E_LIBRARY);
  }
  return OT_SUCCESS;
}

ot_status ot_rsa_verify(ot_curve key, ot_rsa_padding pad, ot_hash_alg hash, const uint8_t *pub,
                        size_t pub_len, const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                        size_t sig_len) {
  const EVP_MD *md = ot_evp_md(hash);
  OT_ENSURE(md != NULL && ot_key_is_rsa(key), OT_E_UNSUPPORTED);
  OT_ENSURE(pad == OT_RSA_PKCS1_V15 || pad == OT_RSA_PSS, OT_E_UNSUPPORTED);
  OT_ENSURE(pub != NULL && (msg != NULL || msg_len == 0) && (sig != NULL || sig_len == 0),
            OT_E_ARG);
  EVP_PKEY *pk = NULL;
  OT_GUARD(ot_pkey_rsa_from_public(key, pub, pub_len, &pk));
  /* RFC 8017 §8.1.2 / §8.2.2 step 1: the signature is exactly k octets. */
  int rc = -1;
  if (sig_len == ot_curve_size(key)) {
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    if (mctx &&
        EVP_DigestVerifyInit_ex(mctx, &pctx, EVP_MD_get0_name(md), NULL, NULL, pk, NULL) == 1 &&
        set_padding(pctx, pad, md))
      rc = EVP_DigestVerify(mctx, sig, sig_len, msg_len ? msg : empty_msg, msg_len);
    EVP_MD_CTX_free(mctx);
  }
  EVP_PKEY_free(pk);
  if (rc != 1) {
    ERR_clear_error();
    OT_BAIL(OT_E_VERIFY); /* only an explicit "valid" passes */
  }
  return OT_SUCCESS;
}

/*
 * The same signatures over a digest computed beforehand: EMSA-PKCS1-v1_5 puts
 * the DigestInfo of `hash` around it (RFC 8017 §9.2 step 2), PSS uses it as
 * mHash (§9.1.1 step 2). SPDM 1.0/1.1 sign the transcript T itself with the
 * negotiated hash, so the signer hashes T once and signs that digest
 * (DSP0274 1.1 "Signature generation"; libspdm passes Hash(T) as the
 * message digest to the RSA primitive).
 */
static EVP_PKEY_CTX *digest_ctx(EVP_PKEY *pk, ot_rsa_padding pad, const EVP_MD *md, bool sign) {
  EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
  if (pctx == NULL) return NULL;
  if ((sign ? EVP_PKEY_sign_init(pctx) : EVP_PKEY_verify_init(pctx)) == 1 &&
      set_padding(pctx, pad, md) && EVP_PKEY_CTX_set_signature_md(pctx, md) == 1)
    return pctx;
  EVP_PKEY_CTX_free(pctx);
  return NULL;
}

ot_status ot_rsa_sign_digest(ot_curve key, ot_rsa_padding pad, ot_hash_alg hash,
                             const uint8_t *priv, size_t priv_len, const uint8_t *digest,
                             size_t digest_len, uint8_t *sig, size_t sig_cap) {
  const EVP_MD *md = ot_evp_md(hash);
  OT_ENSURE(md != NULL && ot_key_is_rsa(key), OT_E_UNSUPPORTED);
  OT_ENSURE(pad == OT_RSA_PKCS1_V15 || pad == OT_RSA_PSS, OT_E_UNSUPPORTED);
  OT_ENSURE(priv != NULL && sig != NULL && digest != NULL, OT_E_ARG);
  OT_ENSURE(digest_len == ot_hash_size(hash), OT_E_ARG);
  size_t k = ot_curve_size(key);
  OT_ENSURE(sig_cap >= k, OT_E_NO_SPACE);
  EVP_PKEY *pk = NULL;
  OT_GUARD(ot_pkey_rsa_from_private(key, priv, priv_len, &pk));
  EVP_PKEY_CTX *pctx = digest_ctx(pk, pad, md, true);
  size_t len = k;
  int ok = pctx != NULL && EVP_PKEY_sign(pctx, sig, &len, digest, digest_len) == 1 && len == k;
  EVP_PKEY_CTX_free(pctx);
  EVP_PKEY_free(pk);
  if (!ok) {
    ERR_clear_error();
    ot_zeroize(sig, k);
    OT_BAIL(OT_E_LIBRARY);
  }
  return OT_SUCCESS;
}

ot_status ot_rsa_verify_digest(ot_curve key, ot_rsa_padding pad, ot_hash_alg hash,
                               const uint8_t *pub, size_t pub_len, const uint8_t *digest,
                               size_t digest_len, const uint8_t *sig, size_t sig_len) {
  const EVP_MD *md = ot_evp_md(hash);
  OT_ENSURE(md != NULL && ot_key_is_rsa(key), OT_E_UNSUPPORTED);
  OT_ENSURE(pad == OT_RSA_PKCS1_V15 || pad == OT_RSA_PSS, OT_E_UNSUPPORTED);
  OT_ENSURE(pub != NULL && digest != NULL && (sig != NULL || sig_len == 0), OT_E_ARG);
  OT_ENSURE(digest_len == ot_hash_size(hash), OT_E_ARG);
  EVP_PKEY *pk = NULL;
  OT_GUARD(ot_pkey_rsa_from_public(key, pub, pub_len, &pk));
  int rc = -1;
  /* RFC 8017 §8.1.2 / §8.2.2 step 1: the signature is exactly k octets. */
  if (sig_len == ot_curve_size(key)) {
    EVP_PKEY_CTX *pctx = digest_ctx(pk, pad, md, false);
    if (pctx != NULL) rc = EVP_PKEY_verify(pctx, sig, sig_len, digest, digest_len);
    EVP_PKEY_CTX_free(pctx);
  }
  EVP_PKEY_free(pk);
  if (rc != 1) {
    ERR_clear_error();
    OT_BAIL(OT_E_VERIFY); /* only an explicit "valid" passes */
  }
  return OT_SUCCESS;
}

ot_status ot_rsa_public(ot_curve key, const uint8_t *priv, size_t priv_len, uint8_t *pub,
                        size_t pub_cap) {
  OT_ENSURE(pub != NULL, OT_E_ARG);
  OT_ENSURE(ot_key_is_rsa(key), OT_E_UNSUPPORTED);
  OT_ENSURE(pub_cap >= ot_curve_public_size(key), OT_E_NO_SPACE);
  EVP_PKEY *pk = NULL;
  OT_GUARD(ot_pkey_rsa_from_private(key, priv, priv_len, &pk));
  ot_curve t = 0;
  size_t len = 0;
  ot_status st = ot_pkey_rsa_to_raw_public(pk, &t, pub, pub_cap, &len);
  EVP_PKEY_free(pk);
  OT_GUARD(st);
  OT_ENSURE(t == key, OT_E_BAD_KEY);
  return OT_SUCCESS;
}

ot_status ot_rsa_generate(ot_curve key, uint8_t *priv, size_t priv_cap, size_t *priv_len,
                          uint8_t *pub, size_t pub_cap) {
  OT_ENSURE(ot_key_is_rsa(key), OT_E_UNSUPPORTED);
  OT_ENSURE(priv != NULL && priv_len != NULL && pub != NULL, OT_E_ARG);
  OT_ENSURE(pub_cap >= ot_curve_public_size(key), OT_E_NO_SPACE);
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
  EVP_PKEY *pk = NULL;
  ot_status st = ot_status_of(OT_E_LIBRARY);
  unsigned int bits = (unsigned int)rsa_bits(key);
  /* e = 65537 is OpenSSL's default (FIPS 186-5 §A.1.1: 2^16 < e < 2^256). */
  if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) != 1 ||
      EVP_PKEY_generate(ctx, &pk) != 1)
    goto out;
  int len = i2d_PrivateKey(pk, NULL);
  if (len <= 0) goto out;
  st = ot_status_of(OT_E_NO_SPACE);
  if ((size_t)len > priv_cap) goto out;
  unsigned char *p = priv;
  st = ot_status_of(OT_E_LIBRARY);
  if (i2d_PrivateKey(pk, &p) != len) goto out;
  ot_curve t = 0;
  size_t pl = 0;
  st = ot_pkey_rsa_to_raw_public(pk, &t, pub, pub_cap, &pl);
  if (ot_ok(st) && t != key) st = ot_status_of(OT_E_INTERNAL);
  if (ot_ok(st)) *priv_len = (size_t)len;
out:
  if (!ot_ok(st)) {
    ERR_clear_error();
    ot_zeroize(priv, priv_cap);
  }
  EVP_PKEY_free(pk);
  EVP_PKEY_CTX_free(ctx);
  return st;
}
