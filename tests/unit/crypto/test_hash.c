/* SPDX-License-Identifier: BSD-3-Clause */
/* SHA-2 one-shot and running hashes: FIPS 180-4 known answers, forks, misuse. */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"

static void assert_hex(const uint8_t *got, size_t len, const char *hex) {
  size_t n = 0;
  uint8_t *want = ts_unhex(hex, &n);
  assert_non_null(want);
  assert_int_equal(n, len);
  assert_memory_equal(got, want, len);
  free(want);
}

static const uint8_t abc[] = {'a', 'b', 'c'};
/* FIPS 180-2 Appendix B.1 / C.1 / D.1 (and the CSRC "example values"): H("abc"). */
static const char sha256_abc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char sha384_abc[] = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
                                 "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7";
static const char sha512_abc[] = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                                 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
/* FIPS 180-2 Appendix B.2: the two-block message. */
static const char two_block[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char sha256_two_block[] =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

static void test_sizes(void **state) {
  (void)state;
  assert_int_equal(ot_hash_size(OT_HASH_SHA256), 32);
  assert_int_equal(ot_hash_size(OT_HASH_SHA384), 48);
  assert_int_equal(ot_hash_size(OT_HASH_SHA512), 64);
  assert_int_equal(ot_hash_size((ot_hash_alg)0), 0);
}

static void test_abc_one_shot(void **state) {
  (void)state;
  uint8_t d[OT_HASH_MAX_SIZE];
  assert_ot_ok(ot_hash(OT_HASH_SHA256, abc, sizeof abc, d, sizeof d));
  assert_hex(d, 32, sha256_abc);
  assert_ot_ok(ot_hash(OT_HASH_SHA384, abc, sizeof abc, d, sizeof d));
  assert_hex(d, 48, sha384_abc);
  assert_ot_ok(ot_hash(OT_HASH_SHA512, abc, sizeof abc, d, sizeof d));
  assert_hex(d, 64, sha512_abc);
}

static void test_empty_and_two_block(void **state) {
  (void)state;
  uint8_t d[32];
  assert_ot_ok(ot_hash(OT_HASH_SHA256, NULL, 0, d, sizeof d));
  assert_hex(d, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert_ot_ok(ot_hash(OT_HASH_SHA256, (const uint8_t *)two_block, strlen(two_block), d, sizeof d));
  assert_hex(d, 32, sha256_two_block);
}

static void test_incremental_matches_one_shot(void **state) {
  (void)state;
  ot_hash_ctx h;
  uint8_t d[48];
  assert_ot_ok(ot_hash_init(&h, OT_HASH_SHA384));
  assert_ot_ok(ot_hash_update(&h, abc, 1));
  assert_ot_ok(ot_hash_update(&h, NULL, 0));
  assert_ot_ok(ot_hash_update(&h, abc + 1, 2));
  assert_ot_ok(ot_hash_final(&h, d, sizeof d));
  assert_hex(d, 48, sha384_abc);
  ot_hash_free(&h);
}

/* A transcript hash forked mid-way (SPDM TH1): the fork and the original diverge. */
static void test_copy_forks_running_hash(void **state) {
  (void)state;
  const uint8_t *msg = (const uint8_t *)two_block;
  ot_hash_ctx h, fork;
  uint8_t d1[32], d2[32], mid[32];
  assert_ot_ok(ot_hash_init(&h, OT_HASH_SHA256));
  assert_ot_ok(ot_hash_update(&h, abc, sizeof abc));
  assert_ot_ok(ot_hash_copy(&fork, &h));
  assert_ot_ok(ot_hash_peek(&h, mid, sizeof mid));
  assert_hex(mid, 32, sha256_abc);
  /* The original goes on with the two-block message minus its "abc" prefix. */
  assert_ot_ok(ot_hash_update(&h, msg + 3, strlen(two_block) - 3));
  assert_ot_ok(ot_hash_final(&h, d1, sizeof d1));
  assert_hex(d1, 32, sha256_two_block);
  /* The fork still holds only "abc". */
  assert_ot_ok(ot_hash_final(&fork, d2, sizeof d2));
  assert_hex(d2, 32, sha256_abc);
  ot_hash_free(&h);
  ot_hash_free(&fork);
}

static void test_final_ends_the_context(void **state) {
  (void)state;
  ot_hash_ctx h, c;
  uint8_t d[32];
  assert_ot_ok(ot_hash_init(&h, OT_HASH_SHA256));
  assert_ot_ok(ot_hash_final(&h, d, sizeof d));
  assert_ot_code(ot_hash_update(&h, abc, 3), OT_E_STATE);
  assert_ot_code(ot_hash_final(&h, d, sizeof d), OT_E_STATE);
  assert_ot_code(ot_hash_copy(&c, &h), OT_E_STATE);
  assert_null(c.evp);
  ot_hash_free(&h);
  /* free zeroizes the struct and is idempotent. */
  static const ot_hash_ctx zero;
  assert_memory_equal(&h, &zero, sizeof h);
  ot_hash_free(&h);
  assert_ot_code(ot_hash_update(&h, abc, 3), OT_E_STATE);
}

static void test_misuse(void **state) {
  (void)state;
  uint8_t d[64];
  ot_hash_ctx h;
  assert_ot_code(ot_hash((ot_hash_alg)9, abc, 3, d, sizeof d), OT_E_UNSUPPORTED);
  assert_ot_code(ot_hash(OT_HASH_SHA384, abc, 3, d, 47), OT_E_NO_SPACE);
  assert_ot_code(ot_hash(OT_HASH_SHA256, NULL, 3, d, sizeof d), OT_E_ARG);
  assert_ot_code(ot_hash_init(&h, (ot_hash_alg)0), OT_E_UNSUPPORTED);
  assert_null(h.evp);
  assert_ot_ok(ot_hash_init(&h, OT_HASH_SHA512));
  assert_ot_code(ot_hash_final(&h, d, 63), OT_E_NO_SPACE);
  assert_ot_code(ot_hash_peek(&h, d, 63), OT_E_NO_SPACE);
  assert_ot_code(ot_hash_update(&h, NULL, 1), OT_E_ARG);
  assert_ot_ok(ot_hash_final(&h, d, 64)); /* still usable after the refusals */
  ot_hash_free(&h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sizes),
      cmocka_unit_test(test_abc_one_shot),
      cmocka_unit_test(test_empty_and_two_block),
      cmocka_unit_test(test_incremental_matches_one_shot),
      cmocka_unit_test(test_copy_forks_running_hash),
      cmocka_unit_test(test_final_ends_the_context),
      cmocka_unit_test(test_misuse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
