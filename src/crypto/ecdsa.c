/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECDSA over P-256 / P-384 with raw r || s signatures (IEEE P1363, as SPDM
 * carries them, DSP0274 1.3 §15). OpenSSL speaks DER (X9.62 Ecdsa-Sig-Value);
 * the conversion goes through ECDSA_SIG. See opentsm/crypto.h.
 */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

/* SEQUENCE { INTEGER r, INTEGER s }: 3 + 2 * (3 + 67) bytes at most for P-521. */
#define DER_MAX 160
_Static_assert(DER_MAX >= 3 + 2 * (3 + OT_ECC_MAX_SCALAR + 1), "DER signature buffer");

/* DER -> r || s (each n bytes). */
static ot_status der_to_raw(const uint8_t *der, size_t der_len, size_t n, uint8_t *sig) {
  const unsigned char *p = der;
  ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
  OT_ENSURE(es != NULL, OT_E_LIBRARY);
  const BIGNUM *r = NULL, *s = NULL;
  ECDSA_SIG_get0(es, &r, &s);
  int ok = p == der + der_len && BN_bn2binpad(r, sig, (int)n) == (int)n &&
           BN_bn2binpad(s, sig + n, (int)n) == (int)n;
  ECDSA_SIG_free(es);
  OT_ENSURE(ok, OT_E_LIBRARY);
  return OT_SUCCESS;
}

/* r || s -> DER. */
static ot_status raw_to_der(const uint8_t *sig, size_t n, uint8_t der[static DER_MAX],
                            size_t *der_len) {
  ECDSA_SIG *es = ECDSA_SIG_new();
  BIGNUM *r = BN_bin2bn(sig, (int)n, NULL);
  BIGNUM *s = BN_bin2bn(sig + n, (int)n, NULL);
  if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    OT_BAIL(OT_E_LIBRARY);
  }
  /* es owns r and s now. */
  int len = i2d_ECDSA_SIG(es, NULL);
  unsigned char *p = der;
  int ok = len > 0 && len <= DER_MAX && i2d_ECDSA_SIG(es, &p) == len;
  ECDSA_SIG_free(es);
  OT_ENSURE(ok, OT_E_LIBRARY);
  *der_len = (size_t)len;
  return OT_SUCCESS;
}

static const uint8_t empty_msg[1];

/* Signs msg (md != NULL: hashed inside) or a digest (md == NULL). */
static ot_status ecdsa_sign(ot_curve curve, const EVP_MD *md, const uint8_t *priv, size_t priv_len,
                            const uint8_t *in, size_t in_len, uint8_t *sig, size_t sig_cap) {
  size_t n = ot_curve_size(curve);
  OT_ENSURE(ot_curve_is_weierstrass(curve), OT_E_UNSUPPORTED);
  OT_ENSURE(priv != NULL && sig != NULL && (in != NULL || in_len == 0), OT_E_ARG);
  OT_ENSURE(priv_len == n, OT_E_BAD_KEY);
  OT_ENSURE(sig_cap >= 2 * n, OT_E_NO_SPACE);

  EVP_PKEY *key = NULL;
  /* Signing uses the scalar only (FIPS 186-5 §6.4.1): no public point needed. */
  OT_GUARD(ot_pkey_from_raw_scalar(curve, priv, &key));
  uint8_t der[DER_MAX];
  size_t der_len = sizeof der;
  int ok;
  if (md) {
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    ok = mctx != NULL &&
         EVP_DigestSignInit_ex(mctx, NULL, EVP_MD_get0_name(md), NULL, NULL, key, NULL) == 1 &&
         EVP_DigestSign(mctx, der, &der_len, in_len ? in : empty_msg, in_len) == 1;
    EVP_MD_CTX_free(mctx);
  } else {
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    ok = pctx != NULL && EVP_PKEY_sign_init(pctx) == 1 &&
         EVP_PKEY_sign(pctx, der, &der_len, in, in_len) == 1;
    EVP_PKEY_CTX_free(pctx);
  }
  EVP_PKEY_free(key);
  if (!ok) {
    ERR_clear_error();
    OT_BAIL(OT_E_LIBRARY);
  }
  return der_to_raw(der, der_len, n, sig);
}

ot_status ot_ecdsa_sign(ot_curve curve, ot_hash_alg hash, const uint8_t *priv, size_t priv_len,
                        const uint8_t *msg, size_t msg_len, uint8_t *sig, size_t sig_cap) {
  const EVP_MD *md = ot_evp_md(hash);
  OT_ENSURE(md != NULL, OT_E_UNSUPPORTED);
  return ecdsa_sign(curve, md, priv, priv_len, msg, msg_len, sig, sig_cap);
}

ot_status ot_ecdsa_sign_digest(ot_curve curve, const uint8_t *priv, size_t priv_len,
                               const uint8_t *digest, size_t digest_len, uint8_t *sig,
                               size_t sig_cap) {
  OT_ENSURE(digest != NULL && digest_len >= 1 && digest_len <= OT_HASH_MAX_SIZE, OT_E_ARG);
  return ecdsa_sign(curve, NULL, priv, priv_len, digest, digest_len, sig, sig_cap);
}

/* Verifies over msg (md != NULL) or a digest (md == NULL). */
static ot_status ecdsa_verify(ot_curve curve, const EVP_MD *md, const uint8_t *pub, size_t pub_len,
                              const uint8_t *in, size_t in_len, const uint8_t *sig,
                              size_t sig_len) {
  size_t n = ot_curve_size(curve);
  OT_ENSURE(ot_curve_is_weierstrass(curve), OT_E_UNSUPPORTED);
  OT_ENSURE(pub != NULL && (in != NULL || in_len == 0) && (sig != NULL || sig_len == 0), OT_E_ARG);
  OT_ENSURE(pub_len == 2 * n, OT_E_BAD_KEY);
  EVP_PKEY *key = NULL;
  OT_GUARD(ot_pkey_from_raw_public(curve, pub, &key));

  ot_status st = ot_status_of(OT_E_VERIFY);
  uint8_t der[DER_MAX];
  size_t der_len = 0;
  /* FIPS 186-5 §6.4.2 step 1: reject unless 0 < r < n and 0 < s < n. */
  if (sig_len != 2 * n || !ot_scalar_in_range(curve, sig, n) ||
      !ot_scalar_in_range(curve, sig + n, n))
    goto out;
  OT_GUARD_GOTO(st, raw_to_der(sig, n, der, &der_len), out);
  int rc = -1;
  if (md) {
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    if (mctx &&
        EVP_DigestVerifyInit_ex(mctx, NULL, EVP_MD_get0_name(md), NULL, NULL, key, NULL) == 1)
      rc = EVP_DigestVerify(mctx, der, der_len, in_len ? in : empty_msg, in_len);
    EVP_MD_CTX_free(mctx);
  } else {
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    if (pctx && EVP_PKEY_verify_init(pctx) == 1)
      rc = EVP_PKEY_verify(pctx, der, der_len, in, in_len);
    EVP_PKEY_CTX_free(pctx);
  }
  /* Only an explicit "valid" passes; any error counts as a failed check. */
  st = rc == 1 ? OT_SUCCESS : ot_status_of(OT_E_VERIFY);
out:
  if (!ot_ok(st)) ERR_clear_error();
  EVP_PKEY_free(key);
  return st;
}

ot_status ot_ecdsa_verify(ot_curve curve, ot_hash_alg hash, const uint8_t *pub, size_t pub_len,
                          const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len) {
  const EVP_MD *md = ot_evp_md(hash);
  OT_ENSURE(md != NULL, OT_E_UNSUPPORTED);
  return ecdsa_verify(curve, md, pub, pub_len, msg, msg_len, sig, sig_len);
}

ot_status ot_ecdsa_verify_digest(ot_curve curve, const uint8_t *pub, size_t pub_len,
                                 const uint8_t *digest, size_t digest_len, const uint8_t *sig,
                                 size_t sig_len) {
  OT_ENSURE(digest != NULL && digest_len >= 1 && digest_len <= OT_HASH_MAX_SIZE, OT_E_ARG);
  return ecdsa_verify(curve, NULL, pub, pub_len, digest, digest_len, sig, sig_len);
}
