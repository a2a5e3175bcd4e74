/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keys: public-from-private known answers, the scalar range [1, n-1] at its
 * boundaries, and generation from an ot_rng (rejection sampling,
 * reproducibility with a seeded DRBG, rng failure).
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"

static void assert_hex(const uint8_t *got, size_t len, const char *hex) {
  size_t n;
  uint8_t *want = ts_unhex(hex, &n);
  assert_non_null(want);
  assert_int_equal(n, len);
  assert_memory_equal(got, want, len);
  free(want);
}

/* SP 800-186 §3.2.1.3 / §3.2.1.4: base points G and orders n. */
static const char p256_g[] = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                             "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
static const char p384_g[] = "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f"
                             "25dbf55296c3a545e3872760ab7"
                             "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b"
                             "1ce1d7e819d7a431d7c90ea0e5f";
static const char p256_n[] = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
static const char p384_n[] = "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf"
                             "581a0db248b0a77aecec196accc52973";

static void test_sizes(void **state) {
  (void)state;
  assert_int_equal(ot_curve_size(OT_CURVE_P256), 32);
  assert_int_equal(ot_curve_public_size(OT_CURVE_P384), 96);
  assert_int_equal(ot_curve_public_size(OT_CURVE_ED25519), 32);
  assert_int_equal(ot_curve_signature_size(OT_CURVE_P384), 96);
  assert_int_equal(ot_curve_signature_size(OT_CURVE_ED25519), 64);
  assert_int_equal(ot_curve_size((ot_curve)0), 0);
  assert_non_null(ot_crypto_backend_version());
}

/* 1 * G = G; RFC 6979 A.2.5's key pair. */
static void test_public_from_private_known_answers(void **state) {
  (void)state;
  uint8_t one[48] = {0}, pub[96];
  one[31] = 1;
  assert_ot_ok(ot_key_public(OT_CURVE_P256, one, 32, pub, sizeof pub));
  assert_hex(pub, 64, p256_g);
  one[31] = 0;
  one[47] = 1;
  assert_ot_ok(ot_key_public(OT_CURVE_P384, one, 48, pub, sizeof pub));
  assert_hex(pub, 96, p384_g);
  size_t n;
  uint8_t *x = ts_unhex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", &n);
  assert_ot_ok(ot_key_public(OT_CURVE_P256, x, 32, pub, sizeof pub));
  assert_hex(pub, 64,
             "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
             "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
  free(x);
}

/* SEC 1 §3.2.1: d in [1, n-1]. n-1 is -1, whose public point is -G (same X). */
static void test_scalar_range_boundaries(void **state) {
  (void)state;
  const struct {
    ot_curve curve;
    const char *n_hex;
    const char *g_hex;
  } curves[] = {{OT_CURVE_P256, p256_n, p256_g}, {OT_CURVE_P384, p384_n, p384_g}};
  for (size_t i = 0; i < 2; i++) {
    size_t len, glen;
    uint8_t *order = ts_unhex(curves[i].n_hex, &len);
    uint8_t *g = ts_unhex(curves[i].g_hex, &glen);
    uint8_t d[48], pub[96];
    memcpy(d, order, len);
    d[len - 1] -= 1; /* n - 1 */
    assert_ot_ok(ot_key_public(curves[i].curve, d, len, pub, sizeof pub));
    assert_memory_equal(pub, g, len);                 /* same X as G */
    assert_memory_not_equal(pub + len, g + len, len); /* Y = p - Gy */
    memcpy(d, order, len);                            /* n */
    assert_ot_code(ot_key_public(curves[i].curve, d, len, pub, sizeof pub), OT_E_BAD_KEY);
    d[len - 1] += 1; /* n + 1 */
    assert_ot_code(ot_key_public(curves[i].curve, d, len, pub, sizeof pub), OT_E_BAD_KEY);
    memset(d, 0xff, len);
    assert_ot_code(ot_key_public(curves[i].curve, d, len, pub, sizeof pub), OT_E_BAD_KEY);
    memset(d, 0, len);
    assert_ot_code(ot_key_public(curves[i].curve, d, len, pub, sizeof pub), OT_E_BAD_KEY);
    free(order);
    free(g);
  }
}

static void test_key_public_misuse(void **state) {
  (void)state;
  uint8_t d[48] = {1}, pub[96];
  assert_ot_code(ot_key_public(OT_CURVE_P256, d, 48, pub, sizeof pub), OT_E_BAD_KEY);
  assert_ot_code(ot_key_public(OT_CURVE_P384, d, 32, pub, sizeof pub), OT_E_BAD_KEY);
  assert_ot_code(ot_key_public(OT_CURVE_ED25519, d, 31, pub, sizeof pub), OT_E_BAD_KEY);
  assert_ot_code(ot_key_public(OT_CURVE_P384, d, 48, pub, 95), OT_E_NO_SPACE);
  assert_ot_code(ot_key_public((ot_curve)9, d, 32, pub, sizeof pub), OT_E_UNSUPPORTED);
  assert_ot_code(ot_key_public(OT_CURVE_P256, NULL, 32, pub, sizeof pub), OT_E_ARG);
}

/* An rng that replays fixed outputs, then fails. */
struct script_rng {
  ot_rng base;
  const uint8_t *outputs[4];
  size_t count, next;
};

static ot_status script_fill(ot_rng *rng, uint8_t *out, size_t n) {
  struct script_rng *s = (struct script_rng *)rng;
  if (s->next >= s->count) {
    memset(out, 0, n);
    return ot_status_of(OT_E_RNG);
  }
  memcpy(out, s->outputs[s->next++], n);
  return OT_SUCCESS;
}

/* FIPS 186-5 §A.4.2: candidates n and 0 are rejected, 1 is taken. */
static void test_generation_rejects_out_of_range_draws(void **state) {
  (void)state;
  size_t len;
  uint8_t *order = ts_unhex(p256_n, &len);
  uint8_t zero[32] = {0}, one[32] = {0};
  one[31] = 1;
  struct script_rng s = {{script_fill}, {order, zero, one}, 3, 0};
  uint8_t priv[32], pub[64];
  assert_ot_ok(ot_key_generate(OT_CURVE_P256, &s.base, priv, sizeof priv, pub, sizeof pub));
  assert_int_equal(s.next, 3);
  assert_memory_equal(priv, one, 32);
  assert_hex(pub, 64, p256_g);
  /* An rng that fails: OT_E_RNG, nothing produced. */
  struct script_rng dead = {{script_fill}, {NULL}, 0, 0};
  assert_ot_code(ot_key_generate(OT_CURVE_P384, &dead.base, priv, 32, pub, 64), OT_E_NO_SPACE);
  uint8_t p384[48], q384[96];
  assert_ot_code(ot_key_generate(OT_CURVE_P384, &dead.base, p384, 48, q384, 96), OT_E_RNG);
  /* An rng stuck on an out-of-range value gives up instead of looping forever. */
  const uint8_t *stuck[4] = {order, order, order, order};
  struct script_rng st = {{script_fill}, {stuck[0], stuck[1], stuck[2], stuck[3]}, 4, 0};
  assert_ot_code(ot_key_generate(OT_CURVE_P256, &st.base, priv, 32, pub, 64), OT_E_RNG);
  free(order);
}

/* Same seed, same keys: the simulator's identities are reproducible. */
static void test_generation_is_reproducible(void **state) {
  (void)state;
  for (ot_curve c = OT_CURVE_P256; c <= OT_CURVE_ED25519; c++) {
    ot_drbg d1, d2, d3;
    assert_ot_ok(ot_drbg_seed_u64(&d1, 42));
    assert_ot_ok(ot_drbg_seed_u64(&d2, 42));
    assert_ot_ok(ot_drbg_seed_u64(&d3, 43));
    uint8_t a[48], ap[96], b[48], bp[96], e[48], ep[96], check[96];
    size_t n = ot_curve_size(c), pn = ot_curve_public_size(c);
    assert_ot_ok(ot_key_generate(c, ot_drbg_rng(&d1), a, sizeof a, ap, sizeof ap));
    assert_ot_ok(ot_key_generate(c, ot_drbg_rng(&d2), b, sizeof b, bp, sizeof bp));
    assert_ot_ok(ot_key_generate(c, ot_drbg_rng(&d3), e, sizeof e, ep, sizeof ep));
    assert_memory_equal(a, b, n);
    assert_memory_equal(ap, bp, pn);
    assert_memory_not_equal(a, e, n);
    assert_ot_ok(ot_key_public(c, a, n, check, sizeof check));
    assert_memory_equal(check, ap, pn);
    ot_drbg_uninstantiate(&d1);
    ot_drbg_uninstantiate(&d2);
    ot_drbg_uninstantiate(&d3);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sizes),
      cmocka_unit_test(test_public_from_private_known_answers),
      cmocka_unit_test(test_scalar_range_boundaries),
      cmocka_unit_test(test_key_public_misuse),
      cmocka_unit_test(test_generation_rejects_out_of_range_draws),
      cmocka_unit_test(test_generation_is_reproducible),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
