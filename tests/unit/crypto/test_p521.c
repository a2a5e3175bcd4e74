/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * P-521 (ECDSA and ECDHE, 66-byte coordinates): public keys of small scalars
 * against points computed independently (affine arithmetic over
 * p = 2^521 - 1 in Python, G from SP 800-186 §3.2.1.5), ECDH of 3 and 2G,
 * key generation range, sign/verify with SHA-512, and the refusals: wrong
 * lengths, points off the curve, scalars 0 and n, r = 0.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"

#define N 66u

static const char g_hex[] =
    "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127"
    "a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b4468"
    "17afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650";
static const char g2_hex[] =
    "00433c219024277e7e682fcb288148c282747403279b1ccc06352c6e5505d769be97b3b204da6ef55507aa104a3a"
    "35c5af41cf2fa364d60fd967f43e3933ba6d783d00f4bb8cc7f86db26700a7f3eceeeed3f0b5c6b5107c4da97740"
    "ab21a29906c42dbbb3e377de9f251f6b93937fa99a3248f4eafcbe95edc0f4f71be356d661f41b02";
/* x(6G) = x(3 * 2G). */
static const char x6g_hex[] =
    "01ee4569d6cdb59219532eff34f94480d195623d30977fd71cf3981506ade4ab01525fbcca16153f7394e0727a23"
    "9531be8c2f66e95657f380ae23731bedf79206b9";

static void scalar(uint8_t out[N], uint8_t v) {
  memset(out, 0, N);
  out[N - 1] = v;
}

static void assert_hex(const uint8_t *got, size_t len, const char *hex) {
  size_t n = 0;
  uint8_t *want = ts_unhex(hex, &n);
  assert_non_null(want);
  assert_int_equal(n, len);
  assert_memory_equal(got, want, len);
  free(want);
}

static void test_sizes(void **state) {
  (void)state;
  assert_int_equal(ot_curve_size(OT_CURVE_P521), 66);
  assert_int_equal(ot_curve_public_size(OT_CURVE_P521), 132);
  assert_int_equal(ot_curve_signature_size(OT_CURVE_P521), 132);
  assert_true(OT_ECC_MAX_SCALAR >= 66 && OT_ECC_MAX_PUBLIC >= 132);
}

static void test_public_and_ecdh_known_answers(void **state) {
  (void)state;
  uint8_t d[N], pub[2 * N], secret[N];
  scalar(d, 1);
  assert_ot_ok(ot_key_public(OT_CURVE_P521, d, N, pub, sizeof pub));
  assert_hex(pub, sizeof pub, g_hex);
  scalar(d, 2);
  assert_ot_ok(ot_key_public(OT_CURVE_P521, d, N, pub, sizeof pub));
  assert_hex(pub, sizeof pub, g2_hex);
  scalar(d, 3);
  assert_ot_ok(ot_ecdh(OT_CURVE_P521, d, N, pub, sizeof pub, secret, sizeof secret));
  assert_hex(secret, sizeof secret, x6g_hex);
}

static void test_refusals(void **state) {
  (void)state;
  uint8_t d[N], pub[2 * N], secret[N];
  size_t n_len = 0;
  uint8_t *n = ts_unhex("01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51"
                        "868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
                        &n_len);
  assert_int_equal(n_len, N);
  memset(secret, 0xaa, sizeof secret);
  /* Scalars 0 and n are not private keys (SP 800-56A §5.6.1.2). */
  scalar(d, 0);
  assert_ot_code(ot_key_public(OT_CURVE_P521, d, N, pub, sizeof pub), OT_E_BAD_KEY);
  assert_ot_code(ot_key_public(OT_CURVE_P521, n, N, pub, sizeof pub), OT_E_BAD_KEY);
  scalar(d, 2);
  assert_ot_ok(ot_key_public(OT_CURVE_P521, d, N, pub, sizeof pub));
  assert_ot_code(ot_ecdh(OT_CURVE_P521, n, N, pub, sizeof pub, secret, sizeof secret),
                 OT_E_BAD_KEY);
  /* Wrong lengths: a P-384 sized scalar or public value. */
  assert_ot_code(ot_ecdh(OT_CURVE_P521, d, 48, pub, sizeof pub, secret, sizeof secret),
                 OT_E_BAD_KEY);
  assert_ot_code(ot_ecdh(OT_CURVE_P521, d, N, pub, 96, secret, sizeof secret), OT_E_BAD_KEY);
  assert_ot_code(ot_ecdh(OT_CURVE_P521, d, N, pub, sizeof pub, secret, N - 1), OT_E_NO_SPACE);
  /* A point off the curve (SP 800-56A §5.6.2.3.3). */
  pub[2 * N - 1] ^= 1;
  assert_ot_code(ot_ecdh(OT_CURVE_P521, d, N, pub, sizeof pub, secret, sizeof secret),
                 OT_E_BAD_KEY);
  /* A coordinate above p = 2^521 - 1 (the top byte may only be 0 or 1). */
  pub[2 * N - 1] ^= 1;
  pub[0] = 0x02;
  assert_ot_code(ot_ecdh(OT_CURVE_P521, d, N, pub, sizeof pub, secret, sizeof secret),
                 OT_E_BAD_KEY);
  free(n);
}

static void test_keygen_sign_verify(void **state) {
  (void)state;
  ot_drbg rng;
  assert_ot_ok(ot_drbg_seed_u64(&rng, 521));
  uint8_t priv[N], pub[2 * N], sig[2 * N];
  static const uint8_t msg[] = "spdm P-521 transcript";
  for (int i = 0; i < 8; i++) {
    /* Each draw is 521 bits: without that, 127 of 128 draws would be refused. */
    assert_ot_ok(
        ot_key_generate(OT_CURVE_P521, ot_drbg_rng(&rng), priv, sizeof priv, pub, sizeof pub));
    assert_true(priv[0] <= 1);
  }
  assert_ot_ok(
      ot_ecdsa_sign(OT_CURVE_P521, OT_HASH_SHA512, priv, N, msg, sizeof msg, sig, sizeof sig));
  assert_ot_ok(
      ot_ecdsa_verify(OT_CURVE_P521, OT_HASH_SHA512, pub, sizeof pub, msg, sizeof msg, sig, 132));
  assert_ot_code(
      ot_ecdsa_verify(OT_CURVE_P521, OT_HASH_SHA384, pub, sizeof pub, msg, sizeof msg, sig, 132),
      OT_E_VERIFY);
  assert_ot_code(
      ot_ecdsa_verify(OT_CURVE_P521, OT_HASH_SHA512, pub, sizeof pub, msg, sizeof msg, sig, 96),
      OT_E_VERIFY);
  sig[131] ^= 1;
  assert_ot_code(
      ot_ecdsa_verify(OT_CURVE_P521, OT_HASH_SHA512, pub, sizeof pub, msg, sizeof msg, sig, 132),
      OT_E_VERIFY);
  sig[131] ^= 1;
  uint8_t zero_r[2 * N];
  memcpy(zero_r, sig, sizeof zero_r);
  memset(zero_r, 0, N);
  assert_ot_code(
      ot_ecdsa_verify(OT_CURVE_P521, OT_HASH_SHA512, pub, sizeof pub, msg, sizeof msg, zero_r, 132),
      OT_E_VERIFY);
  assert_ot_code(ot_ecdsa_verify(OT_CURVE_P521, OT_HASH_SHA512, pub, 96, msg, sizeof msg, sig, 132),
                 OT_E_BAD_KEY);
  ot_drbg_uninstantiate(&rng);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sizes),
      cmocka_unit_test(test_public_and_ecdh_known_answers),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_keygen_sign_verify),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
