/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One signing and one verification entry point over every scheme SPDM
 * negotiates as BaseAsymAlgo (DSP0274 1.2 §10.4): ECDSA (ecdsa.c), EdDSA
 * (eddsa.c), RSASSA-PKCS1-v1_5 and RSASSA-PSS (rsa.c). See opentsm/crypto.h.
 */
#include "crypto_internal.h"

/* The scheme and key type go together (an RSA scheme with an RSA key, ...). */
static bool fits(ot_sig_scheme scheme, ot_curve key) {
  switch (scheme) {
  case OT_SIG_ECDSA: return ot_curve_is_weierstrass(key);
  case OT_SIG_EDDSA: return key == OT_CURVE_ED25519 || key == OT_CURVE_ED448;
  case OT_SIG_RSASSA:
  case OT_SIG_RSAPSS: return ot_key_is_rsa(key);
  default: return false;
  }
}

static ot_rsa_padding padding_of(ot_sig_scheme scheme) {
  return scheme == OT_SIG_RSAPSS ? OT_RSA_PSS : OT_RSA_PKCS1_V15;
}

ot_status ot_sig_sign(ot_sig_scheme scheme, ot_curve key, ot_hash_alg hash, const uint8_t *priv,
                      size_t priv_len, const uint8_t *msg, size_t msg_len, uint8_t *sig,
                      size_t sig_cap, size_t *sig_len) {
  OT_ENSURE(sig_len != NULL, OT_E_ARG);
  OT_ENSURE(fits(scheme, key), OT_E_UNSUPPORTED);
  switch (scheme) {
  case OT_SIG_ECDSA:
    OT_GUARD(ot_ecdsa_sign(key, hash, priv, priv_len, msg, msg_len, sig, sig_cap));
    break;
  case OT_SIG_EDDSA:
    /* Ed448 is verified only: no identity here signs with it. */
    OT_ENSURE(key == OT_CURVE_ED25519, OT_E_UNSUPPORTED);
    OT_GUARD(ot_ed25519_sign(priv, priv_len, msg, msg_len, sig, sig_cap));
    break;
  default:
    OT_GUARD(ot_rsa_sign(key, padding_of(scheme), hash, priv, priv_len, msg, msg_len, sig,
                         sig_cap));
    break;
  }
  *sig_len = ot_curve_signature_size(key);
  return OT_SUCCESS;
}

ot_status ot_sig_verify(ot_sig_scheme scheme, ot_curve key, ot_hash_alg hash, const uint8_t *pub,
                        size_t pub_len, const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                        size_t sig_len) {
  OT_ENSURE(fits(scheme, key), OT_E_UNSUPPORTED);
  switch (scheme) {
  case OT_SIG_ECDSA: return ot_ecdsa_verify(key, hash, pub, pub_len, msg, msg_len, sig, sig_len);
  case OT_SIG_EDDSA:
    if (key == OT_CURVE_ED448) return ot_ed448_verify(pub, pub_len, msg, msg_len, sig, sig_len);
    return ot_ed25519_verify(pub, pub_len, msg, msg_len, sig, sig_len);
  default:
    return ot_rsa_verify(key, padding_of(scheme), hash, pub, pub_len, msg, msg_len, sig, sig_len);
  }
}
