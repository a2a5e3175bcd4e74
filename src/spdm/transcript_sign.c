/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPDM 1.2+ signing rules: the combined_spdm_prefix and the message M' that
 * is signed (DSP0274 1.2 §"Signature generation" and §"Signature
 * verification"; SPEC-FACTS §2.16, T6). See spdm_transcript.h.
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/secure.h"
#include "opentsm/spdm_features.h"
#include "opentsm/spdm_transcript.h"

/* "dmtf-spdm-v1.X.*": the version string of DSP0274 1.2 §"Signature
 * generation", 16 ASCII bytes, X the negotiated minor version. */
static const char version_prefix_fmt[OT_SPDM_SIGN_VERSION_PREFIX_SIZE + 1] = "dmtf-spdm-v1.?.*";
enum { VERSION_DIGIT_AT = 13 };

ot_status ot_spdm_signing_message(uint8_t version, const char *context, const uint8_t *th_hash,
                                  size_t hash_len, uint8_t *out, size_t cap, size_t *out_len) {
  OT_ENSURE(context != NULL && th_hash != NULL && out != NULL && out_len != NULL, OT_E_ARG);
  OT_ENSURE(version >= OT_SPDM_VERSION_12 && version <= OT_SPDM_VERSION_14, OT_E_VERSION);
  OT_ENSURE(hash_len == 32 || hash_len == 48 || hash_len == 64, OT_E_ARG);
  size_t ctx_len = strlen(context);
  OT_ENSURE(ctx_len >= 1 && ctx_len <= OT_SPDM_SIGN_CONTEXT_FIELD_SIZE, OT_E_ARG);

  char vp[OT_SPDM_SIGN_VERSION_PREFIX_SIZE + 1];
  memcpy(vp, version_prefix_fmt, sizeof(vp));
  vp[VERSION_DIGIT_AT] = (char)('0' + (version & 0x0fu));

  ot_writer w;
  ot_writer_init(&w, out, cap);
  for (unsigned i = 0; i < OT_SPDM_SIGN_VERSION_PREFIX_COUNT; i++)
    OT_IGNORE(ot_write_bytes(&w, (const uint8_t *)vp, OT_SPDM_SIGN_VERSION_PREFIX_SIZE));
  /* The context is right-aligned in its 36-byte field, zero bytes before it. */
  OT_IGNORE(ot_write_zeros(&w, OT_SPDM_SIGN_CONTEXT_FIELD_SIZE - ctx_len));
  OT_IGNORE(ot_write_bytes(&w, (const uint8_t *)context, ctx_len));
  OT_IGNORE(ot_write_bytes(&w, th_hash, hash_len));
  OT_GUARD(ot_writer_status(&w)); /* sticky: the first failure (OT_E_NO_SPACE) */
  *out_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

/*
 * The signature scheme and key type of a BaseAsymSel we implement
 * (DSP0274 1.2 §10.4 Table "BaseAsymAlgo"); OT_E_UNSUPPORTED otherwise.
 */
static ot_status scheme_of(uint32_t base_asym_sel, ot_sig_scheme *scheme, ot_curve *key) {
  switch (base_asym_sel) {
  case OT_SPDM_ASYM_ECDSA_P256: *scheme = OT_SIG_ECDSA, *key = OT_CURVE_P256; break;
  case OT_SPDM_ASYM_ECDSA_P384: *scheme = OT_SIG_ECDSA, *key = OT_CURVE_P384; break;
  case OT_SPDM_ASYM_ECDSA_P521: *scheme = OT_SIG_ECDSA, *key = OT_CURVE_P521; break;
  case OT_SPDM_ASYM_ED25519: *scheme = OT_SIG_EDDSA, *key = OT_CURVE_ED25519; break;
  case OT_SPDM_ASYM_ED448: *scheme = OT_SIG_EDDSA, *key = OT_CURVE_ED448; break;
  case OT_SPDM_ASYM_RSASSA_2048: *scheme = OT_SIG_RSASSA, *key = OT_KEY_RSA2048; break;
  case OT_SPDM_ASYM_RSASSA_3072: *scheme = OT_SIG_RSASSA, *key = OT_KEY_RSA3072; break;
  case OT_SPDM_ASYM_RSASSA_4096: *scheme = OT_SIG_RSASSA, *key = OT_KEY_RSA4096; break;
  case OT_SPDM_ASYM_RSAPSS_2048: *scheme = OT_SIG_RSAPSS, *key = OT_KEY_RSA2048; break;
  case OT_SPDM_ASYM_RSAPSS_3072: *scheme = OT_SIG_RSAPSS, *key = OT_KEY_RSA3072; break;
  case OT_SPDM_ASYM_RSAPSS_4096: *scheme = OT_SIG_RSAPSS, *key = OT_KEY_RSA4096; break;
  default: OT_BAIL(OT_E_UNSUPPORTED);
  }
  return OT_SUCCESS;
}

/*
 * EdDSA signs M' itself; ECDSA and RSA (RSASSA-PKCS1-v1_5, RSASSA-PSS with
 * sLen = hLen) sign H(M') with the negotiated BaseHashAlgo (DSP0274 1.2
 * §"Signature generation", SPEC-FACTS §2.16; libspdm hashes M' and signs
 * the digest the same way for every RSA and ECDSA size).
 *
 * DSP0274 1.0 / 1.1 "Signature generation": the signer signs the transcript
 * itself with the negotiated asymmetric algorithm, whose ECDSA and RSA forms
 * hash it with BaseHashSel: the signature is over Hash(T), the th_hash given,
 * with no combined_spdm_prefix (RSASSA: the DigestInfo of that hash; RSAPSS:
 * it is mHash, sLen = hLen). EdDSA is not defined before 1.2 (BaseAsymAlgo
 * bits 10/11 come with 1.2). libspdm verifies 1.0/1.1 ECDSA signatures as
 * r||s in big-endian by default, as written here, and signs RSA the same way
 * over Hash(T).
 */
static ot_rsa_padding rsa_padding(ot_sig_scheme scheme) {
  return scheme == OT_SIG_RSAPSS ? OT_RSA_PSS : OT_RSA_PKCS1_V15;
}
static bool is_rsa(ot_sig_scheme scheme) {
  return scheme == OT_SIG_RSASSA || scheme == OT_SIG_RSAPSS;
}
/* A build without 1.0/1.1 signs and verifies no Hash(T) alone: an older
 * version is refused by ot_spdm_signing_message (OT_E_VERSION). */
static bool pre_12(uint8_t version) { return OT_SPDM_PRE_12(version); }

ot_status ot_spdm_signature_verify(uint8_t version, uint32_t base_asym_sel, ot_hash_alg hash,
                                   const uint8_t *pub, size_t pub_len, const char *context,
                                   const uint8_t *th_hash, size_t hash_len, const uint8_t *sig,
                                   size_t sig_len) {
  ot_sig_scheme scheme;
  ot_curve key;
  OT_GUARD(scheme_of(base_asym_sel, &scheme, &key));
  if (pre_12(version)) {
    OT_ENSURE(version >= OT_SPDM_VERSION_10, OT_E_VERSION);
    OT_ENSURE(scheme == OT_SIG_ECDSA || is_rsa(scheme), OT_E_UNSUPPORTED);
    OT_ENSURE(th_hash != NULL && hash_len == ot_hash_size(hash), OT_E_ARG);
    if (is_rsa(scheme))
      return ot_rsa_verify_digest(key, rsa_padding(scheme), hash, pub, pub_len, th_hash, hash_len,
                                  sig, sig_len);
    return ot_ecdsa_verify_digest(key, pub, pub_len, th_hash, hash_len, sig, sig_len);
  }
  uint8_t m[OT_SPDM_SIGN_MESSAGE_MAX];
  size_t m_len;
  OT_GUARD(ot_spdm_signing_message(version, context, th_hash, hash_len, m, sizeof(m), &m_len));
  return ot_sig_verify(scheme, key, hash, pub, pub_len, m, m_len, sig, sig_len);
}

ot_status ot_spdm_signature_sign(uint8_t version, uint32_t base_asym_sel, ot_hash_alg hash,
                                 const uint8_t *priv, size_t priv_len, const char *context,
                                 const uint8_t *th_hash, size_t hash_len, uint8_t *sig,
                                 size_t sig_cap, size_t *sig_len) {
  OT_ENSURE(sig_len != NULL, OT_E_ARG);
  ot_sig_scheme scheme;
  ot_curve key;
  OT_GUARD(scheme_of(base_asym_sel, &scheme, &key));
  if (pre_12(version)) {
    OT_ENSURE(version >= OT_SPDM_VERSION_10, OT_E_VERSION);
    OT_ENSURE(scheme == OT_SIG_ECDSA || is_rsa(scheme), OT_E_UNSUPPORTED);
    OT_ENSURE(th_hash != NULL && hash_len == ot_hash_size(hash), OT_E_ARG);
    if (is_rsa(scheme))
      OT_GUARD(ot_rsa_sign_digest(key, rsa_padding(scheme), hash, priv, priv_len, th_hash,
                                  hash_len, sig, sig_cap));
    else
      OT_GUARD(ot_ecdsa_sign_digest(key, priv, priv_len, th_hash, hash_len, sig, sig_cap));
    *sig_len = ot_curve_signature_size(key);
    return OT_SUCCESS;
  }
  uint8_t m[OT_SPDM_SIGN_MESSAGE_MAX];
  size_t m_len;
  OT_GUARD(ot_spdm_signing_message(version, context, th_hash, hash_len, m, sizeof(m), &m_len));
  return ot_sig_sign(scheme, key, hash, priv, priv_len, m, m_len, sig, sig_cap, sig_len);
}
