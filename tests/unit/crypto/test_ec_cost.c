/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The elliptic-curve operations do the scalar multiplications they need and
 * no more: counted by interposing OpenSSL's EC_POINT_mul, which libcrypto's
 * own ECDSA and ECDH code calls through its PLT (this executable's
 * definition wins and forwards to the real one). A P-384 multiplication
 * costs as much as a signature, so a wasted one doubles an operation:
 *
 *   sign    1  k*G (FIPS 186-5 §6.4.1); the public point is not derived
 *   verify  1  u1*G + u2*Q in one call (§6.4.2); the public key check needs
 *              none on a cofactor-1 curve (SP 800-56A r3 §5.6.2.3.4)
 *   ECDH    1  d*Q (SP 800-56A r3 §5.7.1.2); peer validated once, no check
 *   keygen  1  d*G
 *
 * test_interposer_sees_libcrypto shows the counting works at all.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/ec.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"

static unsigned mul_calls;

typedef int (*ec_point_mul_fn)(const EC_GROUP *, EC_POINT *, const BIGNUM *, const EC_POINT *,
                               const BIGNUM *, BN_CTX *);

int EC_POINT_mul(const EC_GROUP *group, EC_POINT *r, const BIGNUM *g_scalar, const EC_POINT *point,
                 const BIGNUM *p_scalar, BN_CTX *ctx) {
  static ec_point_mul_fn real;
  if (real == NULL) {
    void *sym = dlsym(RTLD_NEXT, "EC_POINT_mul");
    if (sym == NULL) abort();
    memcpy(&real, &sym, sizeof(real));
  }
  mul_calls++;
  return real(group, r, g_scalar, point, p_scalar, ctx);
}

typedef struct keys {
  ot_drbg d;
  uint8_t priv[48], pub[96], peer_priv[48], peer_pub[96];
} keys;

static keys *setup(void) {
  keys *k = calloc(1, sizeof(*k));
  assert_non_null(k);
  assert_ot_ok(ot_drbg_seed_u64(&k->d, 384));
  assert_ot_ok(ot_key_generate(OT_CURVE_P384, ot_drbg_rng(&k->d), k->priv, 48, k->pub, 96));
  assert_ot_ok(
      ot_key_generate(OT_CURVE_P384, ot_drbg_rng(&k->d), k->peer_priv, 48, k->peer_pub, 96));
  return k;
}

static void teardown(keys *k) {
  ot_drbg_uninstantiate(&k->d);
  free(k);
}

static const uint8_t msg[] = "transcript";

static void test_interposer_sees_libcrypto(void **state) {
  (void)state;
  keys *k = setup();
  /* Key generation multiplies by G once, through our own call. */
  mul_calls = 0;
  uint8_t p[48], q[96];
  assert_ot_ok(ot_key_generate(OT_CURVE_P384, ot_drbg_rng(&k->d), p, 48, q, 96));
  assert_int_equal(mul_calls, 1);
  teardown(k);
}

static void test_sign_multiplies_once(void **state) {
  (void)state;
  keys *k = setup();
  uint8_t sig[96];
  mul_calls = 0;
  assert_ot_ok(ot_ecdsa_sign(OT_CURVE_P384, OT_HASH_SHA384, k->priv, 48, msg, sizeof msg, sig, 96));
  /* libcrypto's sign setup computes k*G with EC_POINT_mul: that one only. */
  assert_int_equal(mul_calls, 1);
  /* A signature from the scalar-only key verifies against the public key. */
  assert_ot_ok(
      ot_ecdsa_verify(OT_CURVE_P384, OT_HASH_SHA384, k->pub, 96, msg, sizeof msg, sig, 96));
  teardown(k);
}

static void test_verify_multiplies_once(void **state) {
  (void)state;
  keys *k = setup();
  uint8_t sig[96];
  assert_ot_ok(ot_ecdsa_sign(OT_CURVE_P384, OT_HASH_SHA384, k->priv, 48, msg, sizeof msg, sig, 96));
  mul_calls = 0;
  assert_ot_ok(
      ot_ecdsa_verify(OT_CURVE_P384, OT_HASH_SHA384, k->pub, 96, msg, sizeof msg, sig, 96));
  assert_int_equal(mul_calls, 1);
  /* The quick check still refuses a point off the curve, without multiplying. */
  uint8_t bad[96];
  memcpy(bad, k->pub, 96);
  bad[95] ^= 1;
  mul_calls = 0;
  assert_ot_code(ot_ecdsa_verify(OT_CURVE_P384, OT_HASH_SHA384, bad, 96, msg, sizeof msg, sig, 96),
                 OT_E_BAD_KEY);
  assert_int_equal(mul_calls, 0);
  teardown(k);
}

static void test_ecdh_multiplies_once(void **state) {
  (void)state;
  keys *k = setup();
  uint8_t s1[48], s2[48];
  mul_calls = 0;
  assert_ot_ok(ot_ecdh(OT_CURVE_P384, k->priv, 48, k->peer_pub, 96, s1, sizeof s1));
  assert_int_equal(mul_calls, 1);
  /* Both sides agree: the scalar-only key derives the right secret. */
  assert_ot_ok(ot_ecdh(OT_CURVE_P384, k->peer_priv, 48, k->pub, 96, s2, sizeof s2));
  assert_memory_equal(s1, s2, sizeof s1);
  /* Coordinates >= p and the all-zero encoding are still refused. */
  uint8_t bad[96];
  memset(bad, 0xff, sizeof bad);
  assert_ot_code(ot_ecdh(OT_CURVE_P384, k->priv, 48, bad, 96, s1, sizeof s1), OT_E_BAD_KEY);
  memset(bad, 0, sizeof bad);
  assert_ot_code(ot_ecdh(OT_CURVE_P384, k->priv, 48, bad, 96, s1, sizeof s1), OT_E_BAD_KEY);
  teardown(k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_interposer_sees_libcrypto),
      cmocka_unit_test(test_sign_multiplies_once),
      cmocka_unit_test(test_verify_multiplies_once),
      cmocka_unit_test(test_ecdh_multiplies_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
