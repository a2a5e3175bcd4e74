/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSA signatures under the per-version SPDM signing rules
 * (src/spdm/transcript_sign.c): SPDM 1.0/1.1 sign Hash(T) itself, no
 * prefix (DSP0274 1.1 "Signature generation"); 1.2+ sign
 * combined_spdm_prefix || Hash(T) (DSP0274 1.2 "Signature generation").
 * Known answers: RSASSA-PKCS1-v1_5 is deterministic, so the signatures below
 * were made independently with the OpenSSL command line and the DMTF sample
 * requester key (rsa2048/end_requester.key.der):
 *   1.1: openssl dgst -sha256 -sign KEY T          (T: byte i = 7i + 3, 200 bytes)
 *   1.2: openssl dgst -sha256 -sign KEY M'         (M' = 4 x "dmtf-spdm-v1.2.*" |
 *        zero pad | "requester-challenge_auth signing" | SHA-256(T))
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/spdm_transcript.h"
#include "opentsm/x509.h"
#include "testsupport.h"

static const char ctx[] = "requester-challenge_auth signing";

static const char sig11_hex[] =
    "277b72c175485e0745d44e12f678f30a292d8294c4e89c8af3aca2d813d50dea"
    "4a89b2814f17cd31396e4c118461fe3a2fc99e2c026ed7a06b7a9a24b9239240"
    "775b34015319f3c74d9c2119a63bc65ddac674b0bcbc152fc88238c3ce090e92"
    "16edb2cec78f68db0e881f54a805a300e37e0d2dba89539757f5d3b9f98c2077"
    "deaf81e0dfb4349b114ee86089a1ec5bfbe8a6c7fdc5f3d89874ab0e2d5074c6"
    "6a15e6cfcf510d4adc26d2ea4eb1918020fad1752275561ce36298e1d250aa65"
    "8b5a5ed3ad35465e9bd248be729068581a2f58375b545489ba42f6a68f43a3b2"
    "4af68ad7769e9cb5c87abbbc66dce13a1c32260bf1bbd7f47344d976b1990ef8";
static const char sig12_hex[] =
    "4f16c27201fb545b21b4f05e935edf373336195501701d89935f3c4587799c18"
    "c2e3cd58897dd0602d9e7fdd3dbb918f7c0217966274bc0979b3701ba104b9ba"
    "531c7176f848c238c032ce752045033498ce101d7eddc7cb81db4ffc2063e11f"
    "802a30cff14e57e8f48fe340535945cefe0d2d027132fa7b43b2d380e3e35c2d"
    "f6f6f5cd9789b0511b8250af1edabcbaa118f3a60b5a939ec6e0d1b66d8a0965"
    "419c83545e797a5ad8c4f358c5ee71a5bef9771824d4494c19ab1df6d59986e8"
    "4460214b3b09c48fe377dc1004300d731c9483ecd5feb7d6abe672f41232fddd"
    "73a90a2e661f13ee9508ed0b731ed979f9ea698a6bc7bde736c5324f26b84e83";

typedef struct key {
  uint8_t priv[OT_PRIVATE_KEY_MAX];
  size_t priv_len;
  uint8_t pub[OT_PUBLIC_KEY_MAX];
  uint8_t t[200], th[32];
} key;

static void unhex(const char *hex, uint8_t *out, size_t n) {
  assert_int_equal(strlen(hex), 2 * n);
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
    out[i] = (uint8_t)v;
  }
}

static key *load(void) {
  key *k = calloc(1, sizeof(*k));
  assert_non_null(k);
  size_t len = 0;
  uint8_t *der = ts_read_vector("spdm-emu/sample_key/rsa2048/end_requester.key.der", &len);
  ot_curve c;
  assert_ot_ok(ot_x509_private_key_raw(der, len, &c, k->priv, sizeof k->priv, &k->priv_len));
  free(der);
  assert_int_equal(c, OT_KEY_RSA2048);
  assert_ot_ok(ot_rsa_public(OT_KEY_RSA2048, k->priv, k->priv_len, k->pub, sizeof k->pub));
  for (size_t i = 0; i < sizeof k->t; i++) k->t[i] = (uint8_t)(7 * i + 3);
  assert_ot_ok(ot_hash(OT_HASH_SHA256, k->t, sizeof k->t, k->th, sizeof k->th));
  return k;
}

static void sign_at(key *k, uint8_t version, uint32_t alg, uint8_t *sig) {
  size_t n = 0;
  assert_ot_ok(ot_spdm_signature_sign(version, alg, OT_HASH_SHA256, k->priv, k->priv_len, ctx,
                                      k->th, sizeof k->th, sig, 256, &n));
  assert_int_equal(n, 256);
}

static ot_status verify_at(key *k, uint8_t version, uint32_t alg, const uint8_t *sig) {
  return ot_spdm_signature_verify(version, alg, OT_HASH_SHA256, k->pub, 256 + 4, ctx, k->th,
                                  sizeof k->th, sig, 256);
}

/* RSASSA 1.1 and 1.2: the known answers, and each only under its own rule. */
static void rsassa_known_answers(void **state) {
  (void)state;
  key *k = load();
  uint8_t sig[256], want[256];
  for (uint8_t v = OT_SPDM_VERSION_10; v <= OT_SPDM_VERSION_11; v++) {
    sign_at(k, v, OT_SPDM_ASYM_RSASSA_2048, sig);
    unhex(sig11_hex, want, sizeof want);
    assert_memory_equal(sig, want, sizeof want);
    assert_ot_ok(verify_at(k, v, OT_SPDM_ASYM_RSASSA_2048, want));
    /* A 1.2 verifier (the prefix) does not accept it. */
    assert_ot_code(verify_at(k, OT_SPDM_VERSION_12, OT_SPDM_ASYM_RSASSA_2048, want), OT_E_VERIFY);
  }
  sign_at(k, OT_SPDM_VERSION_12, OT_SPDM_ASYM_RSASSA_2048, sig);
  unhex(sig12_hex, want, sizeof want);
  assert_memory_equal(sig, want, sizeof want);
  assert_ot_code(verify_at(k, OT_SPDM_VERSION_11, OT_SPDM_ASYM_RSASSA_2048, want), OT_E_VERIFY);
  /* The 1.1 signature is RSASSA over T with SHA-256, as a message signer makes it. */
  unhex(sig11_hex, want, sizeof want);
  assert_ot_ok(ot_rsa_verify(OT_KEY_RSA2048, OT_RSA_PKCS1_V15, OT_HASH_SHA256, k->pub, 260, k->t,
                             sizeof k->t, want, sizeof want));
  free(k);
}

/* RSAPSS at 1.1 (randomised): verifies as PSS over T with sLen = hLen, not as
 * PKCS#1 v1.5, not at 1.2, and not once a bit flips. */
static void rsapss_at_11(void **state) {
  (void)state;
  key *k = load();
  uint8_t sig[256], again[256];
  sign_at(k, OT_SPDM_VERSION_11, OT_SPDM_ASYM_RSAPSS_2048, sig);
  sign_at(k, OT_SPDM_VERSION_11, OT_SPDM_ASYM_RSAPSS_2048, again);
  assert_memory_not_equal(sig, again, sizeof sig); /* a fresh salt each time */
  assert_ot_ok(verify_at(k, OT_SPDM_VERSION_11, OT_SPDM_ASYM_RSAPSS_2048, sig));
  assert_ot_ok(ot_rsa_verify(OT_KEY_RSA2048, OT_RSA_PSS, OT_HASH_SHA256, k->pub, 260, k->t,
                             sizeof k->t, sig, sizeof sig));
  assert_ot_code(verify_at(k, OT_SPDM_VERSION_11, OT_SPDM_ASYM_RSASSA_2048, sig), OT_E_VERIFY);
  assert_ot_code(verify_at(k, OT_SPDM_VERSION_12, OT_SPDM_ASYM_RSAPSS_2048, sig), OT_E_VERIFY);
  sig[100] ^= 0x10;
  assert_ot_code(verify_at(k, OT_SPDM_VERSION_11, OT_SPDM_ASYM_RSAPSS_2048, sig), OT_E_VERIFY);
  free(k);
}

/* Bad arguments change nothing: a digest of the wrong size, a short signature,
 * a key of another size than the algorithm names. */
static void rsa_digest_arguments(void **state) {
  (void)state;
  key *k = load();
  uint8_t sig[512];
  size_t n = 0;
  assert_ot_code(ot_spdm_signature_sign(OT_SPDM_VERSION_11, OT_SPDM_ASYM_RSASSA_2048,
                                        OT_HASH_SHA256, k->priv, k->priv_len, ctx, k->th, 31, sig,
                                        sizeof sig, &n),
                 OT_E_ARG);
  assert_ot_code(ot_rsa_sign_digest(OT_KEY_RSA2048, OT_RSA_PKCS1_V15, OT_HASH_SHA256, k->priv,
                                    k->priv_len, k->th, sizeof k->th, sig, 255),
                 OT_E_NO_SPACE);
  assert_ot_code(ot_rsa_sign_digest(OT_KEY_RSA3072, OT_RSA_PKCS1_V15, OT_HASH_SHA256, k->priv,
                                    k->priv_len, k->th, sizeof k->th, sig, sizeof sig),
                 OT_E_BAD_KEY);
  sign_at(k, OT_SPDM_VERSION_11, OT_SPDM_ASYM_RSASSA_2048, sig);
  assert_ot_code(ot_rsa_verify_digest(OT_KEY_RSA2048, OT_RSA_PKCS1_V15, OT_HASH_SHA256, k->pub,
                                      260, k->th, sizeof k->th, sig, 255),
                 OT_E_VERIFY);
  assert_ot_code(ot_rsa_verify_digest(OT_KEY_RSA2048, OT_RSA_PKCS1_V15, OT_HASH_SHA384, k->pub,
                                      260, k->th, sizeof k->th, sig, 256),
                 OT_E_ARG);
  free(k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rsassa_known_answers),
      cmocka_unit_test(rsapss_at_11),
      cmocka_unit_test(rsa_digest_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
