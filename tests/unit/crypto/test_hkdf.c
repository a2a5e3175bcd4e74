/* SPDX-License-Identifier: BSD-3-Clause */
/* HKDF extract/expand: RFC 5869 known answers, every Wycheproof case, misuse. */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"
#include "wycheproof.h"

/* RFC 5869 Appendix A.1 (test case 1, SHA-256): PRK and OKM separately. */
static void test_rfc5869_case1_steps(void **state) {
  (void)state;
  uint8_t ikm[22], salt[13], info[10];
  memset(ikm, 0x0b, sizeof ikm);
  for (size_t i = 0; i < sizeof salt; i++) salt[i] = (uint8_t)i;
  for (size_t i = 0; i < sizeof info; i++) info[i] = (uint8_t)(0xf0 + i);
  size_t n;
  uint8_t *prk_want =
      ts_unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", &n);
  uint8_t *okm_want = ts_unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db0"
                               "2d56ecc4c5bf34007208d5b887185865",
                               &n);
  uint8_t prk[32], okm[42];
  assert_ot_ok(
      ot_hkdf_extract(OT_HASH_SHA256, salt, sizeof salt, ikm, sizeof ikm, prk, sizeof prk));
  assert_memory_equal(prk, prk_want, 32);
  assert_ot_ok(ot_hkdf_expand(OT_HASH_SHA256, prk, sizeof prk, info, sizeof info, okm, 42));
  assert_memory_equal(okm, okm_want, 42);
  /* Extract is HMAC(salt, ikm) (RFC 5869 §2.2). */
  uint8_t mac[32];
  assert_ot_ok(ot_hmac(OT_HASH_SHA256, salt, sizeof salt, ikm, sizeof ikm, mac, sizeof mac));
  assert_memory_equal(mac, prk, 32);
  free(prk_want);
  free(okm_want);
}

/* RFC 5869 §2.2: no salt is the same as HashLen zeros (SPDM's Salt_0 = 0^H). */
static void test_empty_salt_is_zeros(void **state) {
  (void)state;
  const uint8_t ikm[48] = {7, 7, 7};
  uint8_t zeros[48] = {0}, a[48], b[48];
  assert_ot_ok(ot_hkdf_extract(OT_HASH_SHA384, NULL, 0, ikm, sizeof ikm, a, sizeof a));
  assert_ot_ok(ot_hkdf_extract(OT_HASH_SHA384, zeros, sizeof zeros, ikm, sizeof ikm, b, sizeof b));
  assert_memory_equal(a, b, 48);
}

/* SPDM's MasterSecret = Extract(Salt1, 0^H) and empty IKM both work. */
static void test_empty_ikm(void **state) {
  (void)state;
  const uint8_t salt[32] = {1, 2, 3};
  uint8_t prk[32], mac[32];
  assert_ot_ok(ot_hkdf_extract(OT_HASH_SHA256, salt, sizeof salt, NULL, 0, prk, sizeof prk));
  assert_ot_ok(ot_hmac(OT_HASH_SHA256, salt, sizeof salt, NULL, 0, mac, sizeof mac));
  assert_memory_equal(prk, mac, 32);
}

static void run_file(const char *name, const char *alg_name, ot_hash_alg alg, size_t want_valid,
                     size_t want_invalid) {
  ts_wp_iter it;
  ts_wp_open(&it, name, alg_name);
  while (ts_wp_next(&it)) {
    size_t ikm_len, salt_len, info_len, okm_len;
    uint8_t *ikm = ts_wp_test_hex(&it, "ikm", &ikm_len);
    uint8_t *salt = ts_wp_test_hex(&it, "salt", &salt_len);
    uint8_t *info = ts_wp_test_hex(&it, "info", &info_len);
    uint8_t *okm_want = ts_wp_test_hex(&it, "okm", &okm_len);
    size_t size = (size_t)ts_wp_test_int(&it, "size");
    uint8_t prk[OT_HASH_MAX_SIZE];
    uint8_t *okm = malloc(size ? size : 1);
    assert_non_null(okm);
    assert_ot_ok(ot_hkdf_extract(alg, salt, salt_len, ikm, ikm_len, prk, sizeof prk));
    ot_status st = ot_hkdf_expand(alg, prk, ot_hash_size(alg), info, info_len, okm, size);
    bool accepted = ot_ok(st) && size == okm_len && memcmp(okm, okm_want, size) == 0;
    if (!ot_ok(st)) assert_int_equal(st.code, OT_E_ARG); /* only size limits are refused */
    ts_wp_check(&it, accepted);
    free(ikm);
    free(salt);
    free(info);
    free(okm_want);
    free(okm);
  }
  assert_int_equal(it.valid_passed, want_valid);
  assert_int_equal(it.invalid_rejected, want_invalid);
  assert_int_equal(it.acceptable_run + it.skipped, 0);
  ts_wp_close(&it);
}

static void test_wycheproof_hkdf_sha256(void **state) {
  (void)state;
  run_file("hkdf_sha256_test.json", "HKDF-SHA-256", OT_HASH_SHA256, 83, 3);
}

static void test_wycheproof_hkdf_sha384(void **state) {
  (void)state;
  run_file("hkdf_sha384_test.json", "HKDF-SHA-384", OT_HASH_SHA384, 80, 3);
}

/* RFC 5869 §2.3: L <= 255 * HashLen; the boundary itself is allowed. */
static void test_expand_length_limits(void **state) {
  (void)state;
  uint8_t prk[32] = {9};
  static uint8_t okm[255 * 32 + 1];
  assert_ot_ok(ot_hkdf_expand(OT_HASH_SHA256, prk, 32, NULL, 0, okm, 255 * 32));
  assert_ot_code(ot_hkdf_expand(OT_HASH_SHA256, prk, 32, NULL, 0, okm, 255 * 32 + 1), OT_E_ARG);
  assert_ot_code(ot_hkdf_expand(OT_HASH_SHA256, prk, 32, NULL, 0, okm, 0), OT_E_ARG);
  /* PRK shorter than HashLen is not a PRK (§2.3). */
  assert_ot_code(ot_hkdf_expand(OT_HASH_SHA256, prk, 31, NULL, 0, okm, 32), OT_E_BAD_KEY);
}

/* Expand equals T(1) = HMAC(PRK, info || 0x01) for one block (§2.3). */
static void test_expand_is_hmac_chain(void **state) {
  (void)state;
  uint8_t prk[48], info[200], okm[48], mac[48];
  for (size_t i = 0; i < sizeof prk; i++) prk[i] = (uint8_t)(3 * i);
  for (size_t i = 0; i < sizeof info; i++) info[i] = (uint8_t)i;
  assert_ot_ok(ot_hkdf_expand(OT_HASH_SHA384, prk, sizeof prk, info, sizeof info, okm, 48));
  ot_hmac_ctx h;
  const uint8_t one = 1;
  assert_ot_ok(ot_hmac_init(&h, OT_HASH_SHA384, prk, sizeof prk));
  assert_ot_ok(ot_hmac_update(&h, info, sizeof info));
  assert_ot_ok(ot_hmac_update(&h, &one, 1));
  assert_ot_ok(ot_hmac_final(&h, mac, sizeof mac));
  ot_hmac_free(&h);
  assert_memory_equal(okm, mac, 48);
}

static void test_misuse(void **state) {
  (void)state;
  uint8_t buf[64] = {0};
  assert_ot_code(ot_hkdf_extract((ot_hash_alg)0, buf, 1, buf, 1, buf, 64), OT_E_UNSUPPORTED);
  assert_ot_code(ot_hkdf_extract(OT_HASH_SHA384, buf, 1, buf, 1, buf, 47), OT_E_NO_SPACE);
  assert_ot_code(ot_hkdf_extract(OT_HASH_SHA256, NULL, 1, buf, 1, buf, 64), OT_E_ARG);
  assert_ot_code(ot_hkdf_expand(OT_HASH_SHA256, NULL, 32, buf, 1, buf, 32), OT_E_ARG);
  assert_ot_code(ot_hkdf_expand(OT_HASH_SHA256, buf, 32, NULL, 3, buf, 32), OT_E_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc5869_case1_steps),
      cmocka_unit_test(test_empty_salt_is_zeros),
      cmocka_unit_test(test_empty_ikm),
      cmocka_unit_test(test_wycheproof_hkdf_sha256),
      cmocka_unit_test(test_wycheproof_hkdf_sha384),
      cmocka_unit_test(test_expand_length_limits),
      cmocka_unit_test(test_expand_is_hmac_chain),
      cmocka_unit_test(test_misuse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
