/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECDH P-256/P-384: every Wycheproof "ecpoint" case (raw uncompressed points),
 * agreement between two generated key pairs, and rejected inputs: invalid
 * points, infinity, zero and out-of-range scalars, wrong lengths.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"
#include "wycheproof.h"

/* Wycheproof gives the scalar as a minimal two's-complement integer: make it n bytes. */
static bool scalar_to_fixed(const uint8_t *in, size_t len, size_t n, uint8_t *out) {
  while (len > 0 && in[0] == 0) {
    in++;
    len--;
  }
  if (len > n) return false;
  memset(out, 0, n - len);
  memcpy(out + n - len, in, len);
  return true;
}

static void run_file(const char *name, ot_curve curve, size_t want_valid, size_t want_invalid,
                     size_t want_acceptable) {
  size_t n = ot_curve_size(curve);
  ts_wp_iter it;
  ts_wp_open(&it, name, "ECDH");
  while (ts_wp_next(&it)) {
    size_t priv_len, pub_len, shared_len;
    uint8_t *priv_raw = ts_wp_test_hex(&it, "private", &priv_len);
    uint8_t *pub = ts_wp_test_hex(&it, "public", &pub_len);
    uint8_t *shared = ts_wp_test_hex(&it, "shared", &shared_len);
    uint8_t priv[OT_ECC_MAX_SCALAR], secret[OT_ECC_MAX_SCALAR];
    assert_true(scalar_to_fixed(priv_raw, priv_len, n, priv));
    /*
     * The API takes X || Y. An uncompressed point (0x04 || X || Y) is passed
     * without its prefix; any other encoding (compressed, empty) is passed
     * as it is after its first byte, and must be refused for its length.
     */
    const uint8_t *peer = pub_len ? pub + 1 : pub;
    size_t peer_len = pub_len ? pub_len - 1 : 0;
    if (pub_len == 1 + 2 * n) assert_int_equal(pub[0], 0x04);
    ot_status st = ot_ecdh(curve, priv, n, peer, peer_len, secret, sizeof secret);
    bool accepted = ot_ok(st) && shared_len == n && memcmp(secret, shared, n) == 0;
    if (!ot_ok(st)) assert_int_equal(st.code, OT_E_BAD_KEY);
    if (ts_wp_result_of(&it) == TS_WP_ACCEPTABLE) {
      /* The only acceptable cases are compressed points, which the API does not take. */
      assert_true(ts_wp_has_flag(&it, "CompressedPoint"));
      assert_false(accepted);
    }
    ts_wp_check(&it, accepted);
    free(priv_raw);
    free(pub);
    free(shared);
  }
  assert_int_equal(it.valid_passed, want_valid);
  assert_int_equal(it.invalid_rejected, want_invalid);
  assert_int_equal(it.acceptable_run, want_acceptable);
  assert_int_equal(it.skipped, 0);
  ts_wp_close(&it);
}

static void test_wycheproof_p256(void **state) {
  (void)state;
  run_file("ecdh_secp256r1_ecpoint_test.json", OT_CURVE_P256, 330, 24, 1);
}

static void test_wycheproof_p384(void **state) {
  (void)state;
  run_file("ecdh_secp384r1_ecpoint_test.json", OT_CURVE_P384, 771, 18, 1);
}

/* Both sides of a KEY_EXCHANGE derive the same secret. */
static void test_agreement(void **state) {
  (void)state;
  ot_drbg d;
  assert_ot_ok(ot_drbg_seed_u64(&d, 56));
  for (ot_curve c = OT_CURVE_P256; c <= OT_CURVE_P384; c++) {
    size_t n = ot_curve_size(c);
    uint8_t a[48], ap[96], b[48], bp[96], s1[48], s2[48];
    assert_ot_ok(ot_key_generate(c, ot_drbg_rng(&d), a, sizeof a, ap, sizeof ap));
    assert_ot_ok(ot_key_generate(c, ot_drbg_rng(&d), b, sizeof b, bp, sizeof bp));
    assert_ot_ok(ot_ecdh(c, a, n, bp, 2 * n, s1, sizeof s1));
    assert_ot_ok(ot_ecdh(c, b, n, ap, 2 * n, s2, sizeof s2));
    assert_memory_equal(s1, s2, n);
  }
  ot_drbg_uninstantiate(&d);
}

static void test_rejections(void **state) {
  (void)state;
  ot_drbg d;
  assert_ot_ok(ot_drbg_seed_u64(&d, 57));
  uint8_t a[32], ap[64], bad[64], s[32];
  assert_ot_ok(ot_key_generate(OT_CURVE_P256, ot_drbg_rng(&d), a, sizeof a, ap, sizeof ap));
  /* The point at infinity has no affine encoding; all-zero X || Y is refused. */
  memset(bad, 0, sizeof bad);
  memset(s, 0xaa, sizeof s);
  assert_ot_code(ot_ecdh(OT_CURVE_P256, a, 32, bad, 64, s, sizeof s), OT_E_BAD_KEY);
  for (size_t i = 0; i < sizeof s; i++) assert_int_equal(s[i], 0); /* no partial secret */
  /* Off the curve. */
  memcpy(bad, ap, 64);
  bad[40] ^= 0x01;
  assert_ot_code(ot_ecdh(OT_CURVE_P256, a, 32, bad, 64, s, sizeof s), OT_E_BAD_KEY);
  /* Wrong lengths; a P-256 point given for P-384. */
  assert_ot_code(ot_ecdh(OT_CURVE_P256, a, 32, ap, 63, s, sizeof s), OT_E_BAD_KEY);
  assert_ot_code(ot_ecdh(OT_CURVE_P256, a, 31, ap, 64, s, sizeof s), OT_E_BAD_KEY);
  uint8_t s384[48], priv384[48] = {1};
  assert_ot_code(ot_ecdh(OT_CURVE_P384, priv384, 48, ap, 64, s384, sizeof s384), OT_E_BAD_KEY);
  /* Zero and out-of-range scalars. */
  uint8_t zero[32] = {0}, ones[32];
  memset(ones, 0xff, sizeof ones);
  assert_ot_code(ot_ecdh(OT_CURVE_P256, zero, 32, ap, 64, s, sizeof s), OT_E_BAD_KEY);
  assert_ot_code(ot_ecdh(OT_CURVE_P256, ones, 32, ap, 64, s, sizeof s), OT_E_BAD_KEY);
  /* Output space and curve. */
  assert_ot_code(ot_ecdh(OT_CURVE_P256, a, 32, ap, 64, s, 31), OT_E_NO_SPACE);
  assert_ot_code(ot_ecdh(OT_CURVE_ED25519, a, 32, ap, 64, s, 32), OT_E_UNSUPPORTED);
  ot_drbg_uninstantiate(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wycheproof_p256),
      cmocka_unit_test(test_wycheproof_p384),
      cmocka_unit_test(test_agreement),
      cmocka_unit_test(test_rejections),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
