/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of zeroize, constant-time compare and the secret registry (src/base/secure.c). */
#include <string.h>

#include "opentsm/secure.h"
#include "testsupport.h"

static void zeroize_clears_every_byte(void **state) {
  (void)state;
  uint8_t buf[37];
  memset(buf, 0xa5, sizeof buf);
  ot_zeroize(buf, sizeof buf);
  for (size_t i = 0; i < sizeof buf; i++)
    assert_int_equal(buf[i], 0);
  ot_zeroize(NULL, 5); /* tolerated */
}

static void ct_equal_compares(void **state) {
  (void)state;
  uint8_t a[32], b[32];
  memset(a, 7, sizeof a);
  memcpy(b, a, sizeof b);
  assert_true(ot_ct_equal(a, b, sizeof a));
  assert_true(ot_ct_equal(a, b, 0));
  for (size_t i = 0; i < sizeof a; i++) {
    for (int bit = 0; bit < 8; bit++) {
      b[i] ^= (uint8_t)(1u << bit);
      assert_false(ot_ct_equal(a, b, sizeof a));
      b[i] ^= (uint8_t)(1u << bit);
    }
  }
  assert_int_equal(ot_ct_is_zero_mask(0), 0xffffffffu);
  assert_int_equal(ot_ct_is_zero_mask(1), 0);
  assert_int_equal(ot_ct_is_zero_mask(0x80000000u), 0);
}

static void marks_track_overlap(void **state) {
  (void)state;
  uint8_t frame[48];
  uint8_t *key = frame + 8; /* 32-byte key inside a larger buffer */
  memset(key, 0x42, 32);
  size_t before = ot_secret_mark_count();
  assert_ot_ok(ot_secret_mark(key, 32));
  assert_int_equal(ot_secret_mark_count(), before + 1);
  assert_true(ot_secret_overlaps(key, 1));
  assert_true(ot_secret_overlaps(key + 31, 1));
  assert_true(ot_secret_overlaps(key - 4, 5)); /* ends at key[0] */
  assert_false(ot_secret_overlaps(key - 4, 4));
  assert_false(ot_secret_overlaps(key + 32, 8));
  ot_secret_wipe(key, 32);
  assert_int_equal(ot_secret_mark_count(), before);
  assert_false(ot_secret_overlaps(key, 32));
  for (size_t i = 0; i < 32; i++)
    assert_int_equal(key[i], 0);
  assert_ot_code(ot_secret_mark(NULL, 4), OT_E_ARG);
  assert_ot_code(ot_secret_mark(key, 0), OT_E_ARG);
}

static void registry_is_bounded(void **state) {
  (void)state;
  static uint8_t many[OT_SECRET_MAX_MARKS + 1];
  size_t before = ot_secret_mark_count();
  size_t marked = 0;
  for (size_t i = 0; i < sizeof many; i++) {
    if (!ot_ok(ot_secret_mark(&many[i], 1))) break;
    marked++;
  }
  assert_int_equal(before + marked, OT_SECRET_MAX_MARKS);
  assert_ot_code(ot_secret_mark(&many[0], 1), OT_E_NO_SPACE);
  /* Release newest first, as key holders do; a mark in the middle goes too. */
  ot_secret_unmark(&many[marked / 2], 1);
  assert_int_equal(ot_secret_mark_count(), before + marked - 1);
  assert_false(ot_secret_overlaps(&many[marked / 2], 1));
  assert_true(ot_secret_overlaps(&many[marked / 2 + 1], 1));
  for (size_t i = marked; i-- > 0;)
    if (i != marked / 2) ot_secret_unmark(&many[i], 1);
  assert_int_equal(ot_secret_mark_count(), before);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(zeroize_clears_every_byte),
      cmocka_unit_test(ct_equal_compares),
      cmocka_unit_test(marks_track_overlap),
      cmocka_unit_test(registry_is_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
