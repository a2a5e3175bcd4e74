/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ed25519 (RFC 8032 §5.1) and Ed448 verification (§5.2, empty context), pure: EVP_DigestSign/Verify
 * with no digest, the whole message in one call. See opentsm/crypto.h.
 */
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto_internal.h"

static const uint8_t empty_msg[1];

ot_status ot_ed25519_sign(const uint8_t *priv, size_t priv_len, const uint8_t *msg, size_t msg_len,
                          uint8_t *sig, size_t sig_cap) {
  OT_ENSURE(priv != NULL && sig != NULL && (msg != NULL || msg_len == 0), OT_E_ARG);
  OT_ENSURE(priv_len == OT_ED25519_KEY_SIZE, OT_E_BAD_KEY);
  OT_ENSURE(sig_cap >= OT_ED25519_SIG_SIZE, OT_E_NO_SPACE);
  EVP_PKEY *key = NULL;
  OT_GUARD(ot_pkey_from_raw_private(OT_CURVE_ED25519, priv, &key));
  EVP_MD_CTX *mctx = EVP_MD_CTX_new();
  size_t len = OT_ED25519_SIG_SIZE;
  int ok = mctx != NULL && EVP_DigestSignInit(mctx, NULL, NULL, NULL, key) == 1 &&
           EVP_DigestSign(mctx, sig, &len, msg_len ? msg : empty_msg, msg_len) == 1 &&
           len == OT_ED25519_SIG_SIZE;
  EVP_MD_CTX_free(mctx);
  EVP_PKEY_free(key); /* clears the seed copy */
  if (!ok) {
    ERR_clear_error();
    OT_BAIL(OT_E_LIBRARY);
  }
  return OT_SUCCESS;
}

static ot_status eddsa_verify(ot_curve curve, const uint8_t *pub, size_t pub_len,
                              const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                              size_t sig_len) {
  OT_ENSURE(pub != NULL && (msg != NULL || msg_len == 0) && (sig != NULL || sig_len == 0),
            OT_E_ARG);
  OT_ENSURE(pub_len == ot_curve_public_size(curve), OT_E_BAD_KEY);
  /* RFC 8032 §5.1.7 / §5.2.7: a signature is exactly 64 / 114 bytes. */
  OT_ENSURE(sig_len == ot_curve_signature_size(curve), OT_E_VERIFY);
  EVP_PKEY *key = NULL;
  OT_GUARD(ot_pkey_from_raw_public(curve, pub, &key));
  EVP_MD_CTX *mctx = EVP_MD_CTX_new();
  /*
   * The library decodes A and R (§5.1.3) and rejects S >= L (§5.1.7 step 1);
   * only an explicit "valid" passes.
   */
  int rc = -1;
  if (mctx && EVP_DigestVerifyInit(mctx, NULL, NULL, NULL, key) == 1)
    rc = EVP_DigestVerify(mctx, sig, sig_len, msg_len ? msg : empty_msg, msg_len);
  EVP_MD_CTX_free(mctx);
  EVP_PKEY_free(key);
  if (rc != 1) {
    ERR_clear_error();
    OT_BAIL(OT_E_VERIFY);
  }
  return OT_SUCCESS;
}

ot_status ot_ed25519_verify(const uint8_t *pub, size_t pub_len, const uint8_t *msg, size_t msg_len,
                            const uint8_t *sig, size_t sig_len) {
  return eddsa_verify(OT_CURVE_ED25519, pub, pub_len, msg, msg_len, sig, sig_len);
}

ot_status ot_ed448_verify(const uint8_t *pub, size_t pub_len, const uint8_t *msg, size_t msg_len,
                          const uint8_t *sig, size_t sig_len) {
  return eddsa_verify(OT_CURVE_ED448, pub, pub_len, msg, msg_len, sig, sig_len);
}
