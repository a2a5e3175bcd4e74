/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transcripts and the 1.2+ signing rules (DSP0274 1.2/1.3; SPEC-FACTS §2.16,
 * §2.17): each running hash equals the hash of the concatenation the facts
 * give, the signed message M' has the exact prefix bytes, and the bounds and
 * states are enforced. Known answers against recorded signatures:
 * tests/e2e/test_spdm_recorded_sessions.c.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/spdm_transcript.h"
#include "testsupport.h"

static const uint8_t get_version[] = {0x10, 0x84, 0, 0};
static const uint8_t version[] = {0x10, 0x04, 0, 0, 0, 1, 0, 0x12};
static const uint8_t get_digests[] = {0x13, 0x81, 0, 0};
static const uint8_t digests[] = {0x13, 0x01, 0x01, 0x01, 0xaa, 0xbb, 0xcc};
static const uint8_t challenge[] = {0x13, 0x83, 0, 0xff, 9, 9, 9};
static const uint8_t get_meas[] = {0x13, 0xe0, 0, 0xff};
static const uint8_t meas[] = {0x13, 0x60, 0, 0, 7, 7};
static const uint8_t ct_hash[32] = {0xc7};
static const uint8_t ke[] = {0x13, 0xe4, 0xff, 0, 0xff, 0xff};

/* Hash of the concatenation of n spans. */
static void hash_of(ot_hash_alg alg, uint8_t *out, int n, ...) {
  ot_hash_ctx h;
  va_list ap;
  assert_ot_ok(ot_hash_init(&h, alg));
  va_start(ap, n);
  for (int i = 0; i < n; i++) {
    const uint8_t *p = va_arg(ap, const uint8_t *);
    size_t len = va_arg(ap, size_t);
    assert_ot_ok(ot_hash_update(&h, p, len));
  }
  va_end(ap);
  assert_ot_ok(ot_hash_final(&h, out, OT_HASH_MAX_SIZE));
  ot_hash_free(&h);
}

#define S(x) (x), sizeof(x)

static void start(ot_spdm_transcript *t, bool multi_key) {
  ot_spdm_transcript_init(t);
  assert_ot_ok(ot_spdm_transcript_append_vca(t, S(get_version)));
  assert_ot_ok(ot_spdm_transcript_append_vca(t, S(version)));
  assert_ot_ok(ot_spdm_transcript_set_algorithms(t, OT_SPDM_VERSION_13, OT_HASH_SHA256, multi_key));
}

/* ---- the signed message M' ---------------------------------------------------------- */

static void signing_message_has_the_combined_prefix(void **state) {
  (void)state;
  uint8_t h[48], m[OT_SPDM_SIGN_MESSAGE_MAX];
  size_t n;
  memset(h, 0x5c, sizeof h);
  assert_ot_ok(ot_spdm_signing_message(OT_SPDM_VERSION_12, OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_RSP, h,
                                       sizeof h, m, sizeof m, &n));
  assert_int_equal(n, 100 + 48);
  for (int i = 0; i < 4; i++)
    assert_memory_equal(m + 16 * i, "dmtf-spdm-v1.2.*", 16);
  static const uint8_t pad[4] = {0};
  assert_memory_equal(m + 64, pad, 4); /* 36 - 32 zero bytes */
  assert_memory_equal(m + 68, "responder-challenge_auth signing", 32);
  assert_memory_equal(m + 100, h, 48);
}

typedef struct ctx_case {
  const char *ctx;
  size_t pad;
} ctx_case;

/* SPEC-FACTS §2.16: zero pad = 36 - len(context), one line per context. */
static const ctx_case ctx_cases[] = {
    {OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_RSP, 4},
    {OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_REQ, 4},
    {OT_SPDM_SIGN_CTX_MEASUREMENTS, 6},
    {OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, 2},
    {OT_SPDM_SIGN_CTX_FINISH, 12},
    {OT_SPDM_SIGN_CTX_ENDPOINT_INFO_RSP, 5},
    {OT_SPDM_SIGN_CTX_ENDPOINT_INFO_REQ, 5},
};

static void signing_context_padding_per_context(void **state) {
  (void)state;
  uint8_t h[32] = {1}, m[OT_SPDM_SIGN_MESSAGE_MAX];
  size_t n;
  for (size_t i = 0; i < sizeof ctx_cases / sizeof ctx_cases[0]; i++) {
    const ctx_case *c = &ctx_cases[i];
    assert_ot_ok(ot_spdm_signing_message(OT_SPDM_VERSION_13, c->ctx, h, sizeof h, m, sizeof m, &n));
    assert_memory_equal(m, "dmtf-spdm-v1.3.*", 16);
    for (size_t k = 0; k < c->pad; k++)
      assert_int_equal(m[64 + k], 0);
    assert_memory_equal(m + 64 + c->pad, c->ctx, 36 - c->pad);
    assert_int_equal(strlen(c->ctx), 36 - c->pad);
  }
}

static void signing_message_refuses_bad_input(void **state) {
  (void)state;
  uint8_t h[64] = {0}, m[OT_SPDM_SIGN_MESSAGE_MAX];
  size_t n;
  const char *ctx = OT_SPDM_SIGN_CTX_MEASUREMENTS;
  assert_ot_code(ot_spdm_signing_message(0x11, ctx, h, 32, m, sizeof m, &n), OT_E_VERSION);
  assert_ot_code(ot_spdm_signing_message(0x12, ctx, h, 33, m, sizeof m, &n), OT_E_ARG);
  assert_ot_code(ot_spdm_signing_message(0x12, "", h, 32, m, sizeof m, &n), OT_E_ARG);
  assert_ot_code(ot_spdm_signing_message(0x12, "0123456789012345678901234567890123456", h, 32, m,
                                         sizeof m, &n),
                 OT_E_ARG); /* 37 bytes */
  assert_ot_code(ot_spdm_signing_message(0x12, ctx, h, 64, m, 163, &n), OT_E_NO_SPACE);
  assert_ot_ok(ot_spdm_signing_message(0x12, ctx, h, 64, m, 164, &n));
}

static void ecdsa_signature_roundtrip_and_context_binding(void **state) {
  (void)state;
  uint8_t priv[32] = {0x01, 0x23, 0x45}, pub[64], sig[64], h[32] = {0xee};
  size_t sig_len;
  assert_ot_ok(ot_key_public(OT_CURVE_P256, priv, sizeof priv, pub, sizeof pub));
  assert_ot_ok(ot_spdm_signature_sign(OT_SPDM_VERSION_13, OT_SPDM_ASYM_ECDSA_P256, OT_HASH_SHA256,
                                      priv, sizeof priv, OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, h,
                                      sizeof h, sig, sizeof sig, &sig_len));
  assert_int_equal(sig_len, 64);
  assert_ot_ok(ot_spdm_signature_verify(OT_SPDM_VERSION_13, OT_SPDM_ASYM_ECDSA_P256, OT_HASH_SHA256,
                                        pub, sizeof pub, OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, h,
                                        sizeof h, sig, 64));
  /* The version digit, the context and the hash are all bound. */
  assert_ot_code(ot_spdm_signature_verify(OT_SPDM_VERSION_12, OT_SPDM_ASYM_ECDSA_P256,
                                          OT_HASH_SHA256, pub, sizeof pub,
                                          OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, h, sizeof h, sig, 64),
                 OT_E_VERIFY);
  assert_ot_code(ot_spdm_signature_verify(OT_SPDM_VERSION_13, OT_SPDM_ASYM_ECDSA_P256,
                                          OT_HASH_SHA256, pub, sizeof pub,
                                          OT_SPDM_SIGN_CTX_MEASUREMENTS, h, sizeof h, sig, 64),
                 OT_E_VERIFY);
  h[31] ^= 1;
  assert_ot_code(ot_spdm_signature_verify(OT_SPDM_VERSION_13, OT_SPDM_ASYM_ECDSA_P256,
                                          OT_HASH_SHA256, pub, sizeof pub,
                                          OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, h, sizeof h, sig, 64),
                 OT_E_VERIFY);
}

static void ed25519_signs_the_message_itself(void **state) {
  (void)state;
  uint8_t priv[32] = {9}, pub[32], sig[64], h[48] = {3}, m[OT_SPDM_SIGN_MESSAGE_MAX];
  size_t sig_len, n;
  assert_ot_ok(ot_key_public(OT_CURVE_ED25519, priv, sizeof priv, pub, sizeof pub));
  assert_ot_ok(ot_spdm_signature_sign(OT_SPDM_VERSION_12, OT_SPDM_ASYM_ED25519, OT_HASH_SHA384,
                                      priv, sizeof priv, OT_SPDM_SIGN_CTX_MEASUREMENTS, h, sizeof h,
                                      sig, sizeof sig, &sig_len));
  /* EdDSA over M' directly (no extra hash): the plain Ed25519 check agrees. */
  assert_ot_ok(ot_spdm_signing_message(OT_SPDM_VERSION_12, OT_SPDM_SIGN_CTX_MEASUREMENTS, h,
                                       sizeof h, m, sizeof m, &n));
  assert_ot_ok(ot_ed25519_verify(pub, sizeof pub, m, n, sig, sig_len));
  assert_ot_ok(ot_spdm_signature_verify(OT_SPDM_VERSION_12, OT_SPDM_ASYM_ED25519, OT_HASH_SHA384,
                                        pub, sizeof pub, OT_SPDM_SIGN_CTX_MEASUREMENTS, h, sizeof h,
                                        sig, sig_len));
}

/* RSA signs H(M') with the negotiated hash (DSP0274 1.2 §"Signature generation"):
 * the plain RSA check over M' agrees; the other padding and key size do not. */
static void rsa_signs_the_hash_of_the_message(void **state) {
  (void)state;
  uint8_t *priv = malloc(OT_PRIVATE_KEY_MAX);
  assert_non_null(priv);
  uint8_t pub[OT_PUBLIC_KEY_MAX], sig[OT_SIGNATURE_MAX], h[48] = {5}, m[OT_SPDM_SIGN_MESSAGE_MAX];
  size_t priv_len = 0, sig_len = 0, n = 0;
  assert_ot_ok(
      ot_rsa_generate(OT_KEY_RSA2048, priv, OT_PRIVATE_KEY_MAX, &priv_len, pub, sizeof pub));
  assert_ot_ok(ot_spdm_signing_message(OT_SPDM_VERSION_13, OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, h,
                                       sizeof h, m, sizeof m, &n));
  static const uint32_t algs[] = {OT_SPDM_ASYM_RSASSA_2048, OT_SPDM_ASYM_RSAPSS_2048};
  for (size_t i = 0; i < 2; i++) {
    assert_ot_ok(ot_spdm_signature_sign(OT_SPDM_VERSION_13, algs[i], OT_HASH_SHA384, priv,
                                        priv_len, OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, h, sizeof h,
                                        sig, sizeof sig, &sig_len));
    assert_int_equal(sig_len, 256);
    ot_rsa_padding pad = i == 0 ? OT_RSA_PKCS1_V15 : OT_RSA_PSS;
    assert_ot_ok(ot_rsa_verify(OT_KEY_RSA2048, pad, OT_HASH_SHA384, pub, 260, m, n, sig, sig_len));
    assert_ot_ok(ot_spdm_signature_verify(OT_SPDM_VERSION_13, algs[i], OT_HASH_SHA384, pub, 260,
                                          OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, h, sizeof h, sig,
                                          sig_len));
    assert_ot_code(ot_spdm_signature_verify(OT_SPDM_VERSION_13, algs[1 - i], OT_HASH_SHA384, pub,
                                            260, OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, h, sizeof h,
                                            sig, sig_len),
                   OT_E_VERIFY);
    /* The key is 2048 bits: RSA-3072 names another key (DSP0274 §10.4). */
    assert_ot_code(ot_spdm_signature_verify(OT_SPDM_VERSION_13, OT_SPDM_ASYM_RSASSA_3072,
                                            OT_HASH_SHA384, pub, 260,
                                            OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, h, sizeof h, sig,
                                            sig_len),
                   OT_E_BAD_KEY);
  }
  ot_zeroize(priv, OT_PRIVATE_KEY_MAX);
  free(priv);
}

static void unsupported_signature_algorithms_are_refused(void **state) {
  (void)state;
  uint8_t h[32] = {0}, sig[64] = {0}, pub[64] = {0};
  assert_ot_code(ot_spdm_signature_verify(OT_SPDM_VERSION_12, OT_SPDM_ASYM_SM2_P256,
                                          OT_HASH_SHA256, pub, 64, OT_SPDM_SIGN_CTX_FINISH, h, 32,
                                          sig, 64),
                 OT_E_UNSUPPORTED);
  assert_ot_code(ot_spdm_signature_verify(
                     OT_SPDM_VERSION_12, OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384,
                     OT_HASH_SHA256, pub, 64, OT_SPDM_SIGN_CTX_FINISH, h, 32, sig, 64),
                 OT_E_UNSUPPORTED);
}

static void algorithm_selections_map_or_refuse(void **state) {
  (void)state;
  ot_hash_alg h;
  ot_aead_alg a;
  assert_ot_ok(ot_spdm_hash_from_sel(OT_SPDM_HASH_SHA_384, &h));
  assert_int_equal(h, OT_HASH_SHA384);
  assert_ot_ok(ot_spdm_hash_from_sel(OT_SPDM_HASH_SHA_256, &h));
  assert_int_equal(h, OT_HASH_SHA256);
  assert_ot_ok(ot_spdm_hash_from_sel(OT_SPDM_HASH_SHA3_256, &h));
  assert_int_equal(h, OT_HASH_SHA3_256);
  assert_ot_ok(ot_spdm_hash_from_sel(OT_SPDM_HASH_SHA3_512, &h));
  assert_int_equal(h, OT_HASH_SHA3_512);
  assert_ot_code(ot_spdm_hash_from_sel(OT_SPDM_HASH_SM3_256, &h), OT_E_UNSUPPORTED);
  assert_ot_code(ot_spdm_hash_from_sel(OT_SPDM_HASH_SHA_256 | OT_SPDM_HASH_SHA_384, &h),
                 OT_E_UNSUPPORTED);
  assert_ot_code(ot_spdm_hash_from_sel(0, &h), OT_E_UNSUPPORTED);
  assert_ot_ok(ot_spdm_aead_from_sel(OT_SPDM_AEAD_AES_256_GCM, &a));
  assert_int_equal(a, OT_AEAD_AES256_GCM);
  assert_ot_ok(ot_spdm_aead_from_sel(OT_SPDM_AEAD_CHACHA20_POLY1305, &a));
  assert_int_equal(a, OT_AEAD_CHACHA20_POLY1305);
  assert_ot_ok(ot_spdm_aead_from_sel(OT_SPDM_AEAD_AES_128_GCM, &a));
  assert_int_equal(a, OT_AEAD_AES128_GCM);
  assert_ot_code(ot_spdm_aead_from_sel(OT_SPDM_AEAD_SM4_GCM, &a), OT_E_UNSUPPORTED);
}

/* ---- connection transcript ------------------------------------------------------------ */

static void m1_is_a_b_c(void **state) {
  (void)state;
  ot_spdm_transcript t;
  uint8_t got[32], want[64];
  start(&t, false);
  assert_ot_ok(ot_spdm_transcript_append_b(&t, S(get_digests)));
  assert_ot_ok(ot_spdm_transcript_append_b(&t, S(digests)));
  assert_ot_ok(ot_spdm_transcript_append_c(&t, S(challenge)));
  assert_ot_ok(ot_spdm_transcript_m1_hash(&t, got, sizeof got));
  hash_of(OT_HASH_SHA256, want, 5, S(get_version), S(version), S(get_digests), S(digests),
          S(challenge));
  assert_memory_equal(got, want, 32);
  /* Reset: back to A alone. */
  assert_ot_ok(ot_spdm_transcript_reset_m1(&t));
  assert_ot_ok(ot_spdm_transcript_m1_hash(&t, got, sizeof got));
  hash_of(OT_HASH_SHA256, want, 2, S(get_version), S(version));
  assert_memory_equal(got, want, 32);
  ot_spdm_transcript_free(&t);
}

/* L1 = A || M: B and C exchanged in between are not in it (SPEC-FACTS §2.17). */
static void l1_is_a_m_only(void **state) {
  (void)state;
  ot_spdm_transcript t;
  uint8_t got[32], want[64];
  start(&t, false);
  assert_ot_ok(ot_spdm_transcript_append_b(&t, S(get_digests)));
  assert_ot_ok(ot_spdm_transcript_append_l(&t, S(get_meas)));
  assert_ot_ok(ot_spdm_transcript_append_c(&t, S(challenge)));
  assert_ot_ok(ot_spdm_transcript_append_l(&t, S(meas)));
  assert_ot_ok(ot_spdm_transcript_l1_hash(&t, got, sizeof got));
  hash_of(OT_HASH_SHA256, want, 4, S(get_version), S(version), S(get_meas), S(meas));
  assert_memory_equal(got, want, 32);
  assert_ot_ok(ot_spdm_transcript_reset_l1(&t));
  assert_ot_ok(ot_spdm_transcript_l1_hash(&t, got, sizeof got));
  hash_of(OT_HASH_SHA256, want, 2, S(get_version), S(version));
  assert_memory_equal(got, want, 32);
  ot_spdm_transcript_free(&t);
}

static void vca_is_bounded_and_closed(void **state) {
  (void)state;
  static uint8_t big[OT_SPDM_VCA_MAX];
  ot_spdm_transcript t;
  ot_spdm_transcript_init(&t);
  assert_ot_ok(ot_spdm_transcript_append_vca(&t, big, sizeof big - 4));
  assert_ot_code(ot_spdm_transcript_append_vca(&t, big, 5), OT_E_TOO_LARGE);
  assert_int_equal(t.vca_len, sizeof big - 4); /* nothing appended */
  assert_ot_ok(ot_spdm_transcript_append_vca(&t, big, 4));
  assert_ot_ok(ot_spdm_transcript_set_algorithms(&t, OT_SPDM_VERSION_12, OT_HASH_SHA384, false));
  assert_ot_code(ot_spdm_transcript_append_vca(&t, S(get_version)), OT_E_STATE);
  assert_ot_code(ot_spdm_transcript_set_algorithms(&t, OT_SPDM_VERSION_12, OT_HASH_SHA384, false),
                 OT_E_STATE);
  ot_spdm_transcript_free(&t);
}

static void nothing_runs_before_the_algorithms(void **state) {
  (void)state;
  ot_spdm_transcript t;
  ot_spdm_th th;
  ot_hash_ctx h = {0};
  uint8_t d[64];
  ot_spdm_transcript_init(&t);
  assert_ot_code(ot_spdm_transcript_append_b(&t, S(get_digests)), OT_E_STATE);
  assert_ot_code(ot_spdm_transcript_append_c(&t, S(challenge)), OT_E_STATE);
  assert_ot_code(ot_spdm_transcript_append_l(&t, S(get_meas)), OT_E_STATE);
  assert_ot_code(ot_spdm_transcript_set_d(&t, S(digests)), OT_E_STATE);
  assert_ot_code(ot_spdm_transcript_m1_hash(&t, d, sizeof d), OT_E_STATE);
  assert_ot_code(ot_spdm_transcript_reset_l1(&t), OT_E_STATE);
  assert_ot_code(ot_spdm_transcript_fork_a(&t, &h), OT_E_STATE);
  assert_ot_code(ot_spdm_th_begin_psk(&th, &t), OT_E_STATE);
  ot_spdm_transcript_free(&t);
}

static void set_algorithms_checks_its_input(void **state) {
  (void)state;
  ot_spdm_transcript t;
  ot_spdm_transcript_init(&t);
  assert_ot_code(ot_spdm_transcript_set_algorithms(&t, 0x15, OT_HASH_SHA256, false), OT_E_VERSION);
  assert_ot_code(ot_spdm_transcript_set_algorithms(&t, 0x0f, OT_HASH_SHA256, false), OT_E_VERSION);
  assert_ot_code(ot_spdm_transcript_set_algorithms(&t, 0x12, OT_HASH_SHA256, true), OT_E_ARG);
  assert_ot_code(ot_spdm_transcript_set_algorithms(&t, 0x13, (ot_hash_alg)9, false),
                 OT_E_UNSUPPORTED);
  assert_false(t.algs_set);
  ot_spdm_transcript_free(&t);
}

static void hash_output_must_fit(void **state) {
  (void)state;
  ot_spdm_transcript t;
  uint8_t d[64];
  start(&t, false);
  assert_ot_code(ot_spdm_transcript_m1_hash(&t, d, 31), OT_E_NO_SPACE);
  assert_ot_code(ot_spdm_transcript_l1_hash(&t, d, 31), OT_E_NO_SPACE);
  ot_spdm_transcript_free(&t);
}

/* ---- D and the session transcript ---------------------------------------------------- */

static void th_dhe_is_a_ct_then_messages(void **state) {
  (void)state;
  ot_spdm_transcript t;
  ot_spdm_th th;
  uint8_t got[32], want[64];
  start(&t, false);
  assert_ot_ok(ot_spdm_transcript_append_b(&t, S(get_digests)));
  assert_ot_ok(ot_spdm_transcript_set_d(&t, S(digests))); /* not multi-key: ignored */
  assert_false(t.has_d);
  assert_ot_ok(ot_spdm_th_begin_dhe(&th, &t, ct_hash, sizeof ct_hash));
  assert_ot_ok(ot_spdm_th_append(&th, S(ke)));
  assert_ot_ok(ot_spdm_th_hash(&th, got, sizeof got));
  hash_of(OT_HASH_SHA256, want, 4, S(get_version), S(version), S(ct_hash), S(ke));
  assert_memory_equal(got, want, 32);
  assert_ot_code(ot_spdm_th_hash(&th, got, 31), OT_E_NO_SPACE);
  ot_spdm_th_free(&th);
  assert_ot_code(ot_spdm_th_append(&th, S(ke)), OT_E_STATE);
  ot_spdm_th_free(&th); /* twice is harmless */
  ot_spdm_transcript_free(&t);
}

/* 1.3 multi-key: D = the first DIGESTS after A sits between A and H(Ct) (T13). */
static void th_multi_key_puts_d_before_ct(void **state) {
  (void)state;
  static const uint8_t later_digests[] = {0x13, 0x01, 0x01, 0x01, 0x11, 0x22, 0x33};
  ot_spdm_transcript t;
  ot_spdm_th th;
  uint8_t got[32], want[64];
  start(&t, true);
  assert_ot_code(ot_spdm_th_begin_dhe(&th, &t, ct_hash, sizeof ct_hash), OT_E_STATE); /* no D */
  assert_ot_ok(ot_spdm_transcript_set_d(&t, S(digests)));
  assert_ot_ok(ot_spdm_transcript_set_d(&t, S(later_digests))); /* D stays the first */
  assert_ot_ok(ot_spdm_th_begin_dhe(&th, &t, ct_hash, sizeof ct_hash));
  assert_ot_ok(ot_spdm_th_hash(&th, got, sizeof got));
  hash_of(OT_HASH_SHA256, want, 4, S(get_version), S(version), S(digests), S(ct_hash));
  assert_memory_equal(got, want, 32);
  ot_spdm_th_free(&th);
  /* M1 does not hold D on its own: B already has the digests. */
  assert_ot_ok(ot_spdm_transcript_m1_hash(&t, got, sizeof got));
  hash_of(OT_HASH_SHA256, want, 2, S(get_version), S(version));
  assert_memory_equal(got, want, 32);
  ot_spdm_transcript_free(&t);
}

static void set_d_checks_its_size(void **state) {
  (void)state;
  static uint8_t big[OT_SPDM_DIGESTS_MAX + 1];
  ot_spdm_transcript t;
  start(&t, true);
  assert_ot_code(ot_spdm_transcript_set_d(&t, big, sizeof big), OT_E_TOO_LARGE);
  assert_ot_code(ot_spdm_transcript_set_d(&t, big, 3), OT_E_TRUNCATED);
  assert_false(t.has_d);
  ot_spdm_transcript_free(&t);
}

static void th_psk_is_a_only(void **state) {
  (void)state;
  ot_spdm_transcript t;
  ot_spdm_th th;
  uint8_t got[32], want[64];
  start(&t, true);
  assert_ot_ok(ot_spdm_transcript_set_d(&t, S(digests)));
  assert_ot_ok(ot_spdm_th_begin_psk(&th, &t));
  assert_ot_ok(ot_spdm_th_append(&th, S(ke)));
  assert_ot_ok(ot_spdm_th_hash(&th, got, sizeof got));
  hash_of(OT_HASH_SHA256, want, 3, S(get_version), S(version), S(ke));
  assert_memory_equal(got, want, 32);
  ot_spdm_th_free(&th);
  ot_spdm_transcript_free(&t);
}

static void th_dhe_needs_a_hash_of_the_right_size(void **state) {
  (void)state;
  ot_spdm_transcript t;
  ot_spdm_th th;
  start(&t, false);
  assert_ot_code(ot_spdm_th_begin_dhe(&th, &t, ct_hash, 48), OT_E_ARG);
  ot_spdm_transcript_free(&t);
}

/* Sessions are independent: each forks A; the connection transcript goes on. */
static void two_sessions_fork_independently(void **state) {
  (void)state;
  ot_spdm_transcript t;
  ot_spdm_th a, b;
  uint8_t ha[32], hb[32], want[64];
  start(&t, false);
  assert_ot_ok(ot_spdm_th_begin_dhe(&a, &t, ct_hash, sizeof ct_hash));
  assert_ot_ok(ot_spdm_th_begin_dhe(&b, &t, ct_hash, sizeof ct_hash));
  assert_ot_ok(ot_spdm_th_append(&a, S(ke)));
  assert_ot_ok(ot_spdm_th_hash(&a, ha, sizeof ha));
  assert_ot_ok(ot_spdm_th_hash(&b, hb, sizeof hb));
  hash_of(OT_HASH_SHA256, want, 3, S(get_version), S(version), S(ct_hash));
  assert_memory_equal(hb, want, 32);
  assert_memory_not_equal(ha, hb, 32);
  ot_spdm_th_free(&a);
  ot_spdm_th_free(&b);
  ot_spdm_transcript_free(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(signing_message_has_the_combined_prefix),
      cmocka_unit_test(signing_context_padding_per_context),
      cmocka_unit_test(signing_message_refuses_bad_input),
      cmocka_unit_test(ecdsa_signature_roundtrip_and_context_binding),
      cmocka_unit_test(ed25519_signs_the_message_itself),
      cmocka_unit_test(unsupported_signature_algorithms_are_refused),
      cmocka_unit_test(rsa_signs_the_hash_of_the_message),
      cmocka_unit_test(algorithm_selections_map_or_refuse),
      cmocka_unit_test(m1_is_a_b_c),
      cmocka_unit_test(l1_is_a_m_only),
      cmocka_unit_test(vca_is_bounded_and_closed),
      cmocka_unit_test(nothing_runs_before_the_algorithms),
      cmocka_unit_test(set_algorithms_checks_its_input),
      cmocka_unit_test(hash_output_must_fit),
      cmocka_unit_test(th_dhe_is_a_ct_then_messages),
      cmocka_unit_test(th_multi_key_puts_d_before_ct),
      cmocka_unit_test(set_d_checks_its_size),
      cmocka_unit_test(th_psk_is_a_only),
      cmocka_unit_test(th_dhe_needs_a_hash_of_the_right_size),
      cmocka_unit_test(two_sessions_fork_independently),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
