/* SPDX-License-Identifier: BSD-3-Clause */
/* HMAC: every Wycheproof HMAC-SHA256/384 case, incremental form, misuse. */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"
#include "wycheproof.h"

/*
 * Each case goes through ot_hmac_verify (the accept/reject decision); valid
 * cases also through the one-shot and incremental MAC, compared by prefix
 * (Wycheproof truncates tags to tagSize bits).
 */
static void run_file(const char *name, const char *alg_name, ot_hash_alg alg, size_t want_valid,
                     size_t want_invalid) {
  ts_wp_iter it;
  ts_wp_open(&it, name, alg_name);
  while (ts_wp_next(&it)) {
    size_t key_len, msg_len, tag_len;
    uint8_t *key = ts_wp_test_hex(&it, "key", &key_len);
    uint8_t *msg = ts_wp_test_hex(&it, "msg", &msg_len);
    uint8_t *tag = ts_wp_test_hex(&it, "tag", &tag_len);
    assert_int_equal(tag_len * 8, (size_t)ts_wp_group_int(&it, "tagSize"));
    ot_status st = ot_hmac_verify(alg, key, key_len, msg, msg_len, tag, tag_len);
    if (!ot_ok(st)) assert_int_equal(st.code, OT_E_VERIFY);
    ts_wp_check(&it, ot_ok(st));
    if (ts_wp_result_of(&it) == TS_WP_VALID) {
      uint8_t mac[OT_HASH_MAX_SIZE], mac2[OT_HASH_MAX_SIZE];
      assert_ot_ok(ot_hmac(alg, key, key_len, msg, msg_len, mac, sizeof mac));
      assert_memory_equal(mac, tag, tag_len);
      ot_hmac_ctx h;
      assert_ot_ok(ot_hmac_init(&h, alg, key, key_len));
      assert_ot_ok(ot_hmac_update(&h, msg, msg_len / 2));
      assert_ot_ok(ot_hmac_update(&h, msg + msg_len / 2, msg_len - msg_len / 2));
      assert_ot_ok(ot_hmac_final(&h, mac2, sizeof mac2));
      ot_hmac_free(&h);
      assert_memory_equal(mac, mac2, ot_hash_size(alg));
    }
    free(key);
    free(msg);
    free(tag);
  }
  assert_int_equal(it.valid_passed, want_valid);
  assert_int_equal(it.invalid_rejected, want_invalid);
  assert_int_equal(it.acceptable_run + it.skipped, 0);
  ts_wp_close(&it);
}

static void test_wycheproof_hmac_sha256(void **state) {
  (void)state;
  run_file("hmac_sha256_test.json", "HMACSHA256", OT_HASH_SHA256, 66, 108);
}

static void test_wycheproof_hmac_sha384(void **state) {
  (void)state;
  run_file("hmac_sha384_test.json", "HMACSHA384", OT_HASH_SHA384, 66, 108);
}

/* RFC 4231 §4.2 test case 1 (HMAC-SHA-512), the hash Wycheproof's files here do not cover. */
static void test_rfc4231_sha512(void **state) {
  (void)state;
  uint8_t key[20];
  memset(key, 0x0b, sizeof key);
  size_t n;
  uint8_t *want = ts_unhex("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                           "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
                           &n);
  uint8_t mac[64];
  assert_ot_ok(
      ot_hmac(OT_HASH_SHA512, key, sizeof key, (const uint8_t *)"Hi There", 8, mac, sizeof mac));
  assert_memory_equal(mac, want, 64);
  free(want);
}

static void test_empty_key_and_message(void **state) {
  (void)state;
  /* HMAC-SHA256("", "") is well defined (RFC 2104: the key is zero-padded). */
  uint8_t mac[32];
  size_t n;
  uint8_t *want = ts_unhex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad", &n);
  assert_ot_ok(ot_hmac(OT_HASH_SHA256, NULL, 0, NULL, 0, mac, sizeof mac));
  assert_memory_equal(mac, want, 32);
  free(want);
}

static void test_verify_rejects_short_or_long_tags(void **state) {
  (void)state;
  const uint8_t key[16] = {1};
  uint8_t mac[48];
  assert_ot_ok(ot_hmac(OT_HASH_SHA384, key, sizeof key, key, 3, mac, sizeof mac));
  assert_ot_ok(ot_hmac_verify(OT_HASH_SHA384, key, sizeof key, key, 3, mac, 48));
  assert_ot_ok(ot_hmac_verify(OT_HASH_SHA384, key, sizeof key, key, 3, mac, OT_HMAC_MIN_TAG));
  assert_ot_code(ot_hmac_verify(OT_HASH_SHA384, key, sizeof key, key, 3, mac, 15), OT_E_ARG);
  assert_ot_code(ot_hmac_verify(OT_HASH_SHA384, key, sizeof key, key, 3, mac, 49), OT_E_ARG);
  assert_ot_code(ot_hmac_verify(OT_HASH_SHA384, key, sizeof key, key, 3, NULL, 48), OT_E_ARG);
  mac[47] ^= 1;
  assert_ot_code(ot_hmac_verify(OT_HASH_SHA384, key, sizeof key, key, 3, mac, 48), OT_E_VERIFY);
}

static void test_context_misuse(void **state) {
  (void)state;
  ot_hmac_ctx h;
  uint8_t mac[32] = {0};
  assert_ot_code(ot_hmac_init(&h, (ot_hash_alg)7, mac, 4), OT_E_UNSUPPORTED);
  assert_null(h.evp);
  assert_ot_code(ot_hmac_update(&h, mac, 1), OT_E_STATE);
  assert_ot_code(ot_hmac_init(&h, OT_HASH_SHA256, NULL, 4), OT_E_ARG);
  assert_ot_ok(ot_hmac_init(&h, OT_HASH_SHA256, mac, 0));
  assert_ot_code(ot_hmac_final(&h, mac, 31), OT_E_NO_SPACE);
  assert_ot_ok(ot_hmac_final(&h, mac, 32));
  assert_ot_code(ot_hmac_final(&h, mac, 32), OT_E_STATE);
  assert_ot_code(ot_hmac_update(&h, mac, 1), OT_E_STATE);
  ot_hmac_free(&h);
  static const ot_hmac_ctx zero;
  assert_memory_equal(&h, &zero, sizeof h);
  ot_hmac_free(&h);
  assert_ot_code(ot_hmac(OT_HASH_SHA512, mac, 4, mac, 4, mac, 32), OT_E_NO_SPACE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wycheproof_hmac_sha256),
      cmocka_unit_test(test_wycheproof_hmac_sha384),
      cmocka_unit_test(test_rfc4231_sha512),
      cmocka_unit_test(test_empty_key_and_message),
      cmocka_unit_test(test_verify_rejects_short_or_long_tags),
      cmocka_unit_test(test_context_misuse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
