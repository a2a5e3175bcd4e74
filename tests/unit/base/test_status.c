/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of the status table and error macros (src/base/status.c). */
#include <string.h>

#include "opentsm/status.h"
#include "testsupport.h"

static void names_and_messages_come_from_the_table(void **state) {
  (void)state;
  assert_string_equal(ot_status_name(OT_SUCCESS), "OT_OK");
  assert_string_equal(ot_status_name(ot_status_of(OT_E_TRUNCATED)), "OT_E_TRUNCATED");
  assert_string_equal(ot_status_message(ot_status_of(OT_E_TRUNCATED)), "input truncated");
  assert_string_equal(ot_status_category_name(ot_status_of(OT_E_DECRYPT)), "crypto");
  assert_string_equal(ot_status_category_name(ot_status_of(OT_E_DEAD)), "state");
  assert_string_equal(ot_status_category_name(ot_status_of(OT_E_TIMEOUT)), "io");
}

static void unknown_codes_are_named_safely(void **state) {
  (void)state;
  ot_status s = ot_status_of((ot_code)0x7fff);
  assert_string_equal(ot_status_name(s), "OT_E_UNKNOWN");
  assert_string_equal(ot_status_message(s), "unknown status code");
  assert_string_equal(ot_status_category_name(s), "unknown");
}

/* Every code has a distinct value, a name and a non-empty message. */
static void table_is_consistent(void **state) {
  (void)state;
  static const ot_code codes[] = {
#define X(name, cat, num, msg) name,
      OT_STATUS_TABLE(X)
#undef X
  };
  size_t n = sizeof codes / sizeof codes[0];
  assert_true(n > 20);
  for (size_t i = 0; i < n; i++) {
    ot_status s = ot_status_of(codes[i]);
    assert_string_not_equal(ot_status_name(s), "OT_E_UNKNOWN");
    assert_true(strlen(ot_status_message(s)) > 0);
    assert_string_not_equal(ot_status_category_name(s), "unknown");
    for (size_t j = i + 1; j < n; j++)
      assert_int_not_equal(codes[i], codes[j]);
  }
}

static ot_status guarded(int fail_at, int *reached) {
  *reached = 0;
  OT_ENSURE(fail_at != 1, OT_E_ARG);
  *reached = 1;
  OT_GUARD(fail_at == 2 ? ot_status_of(OT_E_IO) : OT_SUCCESS);
  *reached = 2;
  if (fail_at == 3) OT_BAIL(OT_E_STATE);
  *reached = 3;
  return OT_SUCCESS;
}

static ot_status with_cleanup(int fail, int *cleaned) {
  ot_status st = OT_SUCCESS;
  OT_ENSURE_GOTO(st, !fail, OT_E_VERIFY, out);
  OT_GUARD_GOTO(st, OT_SUCCESS, out);
out:
  *cleaned = 1;
  return st;
}

static void macros_stop_at_the_first_failure(void **state) {
  (void)state;
  int reached;
  assert_ot_code(guarded(1, &reached), OT_E_ARG);
  assert_int_equal(reached, 0);
  assert_ot_code(guarded(2, &reached), OT_E_IO);
  assert_int_equal(reached, 1);
  assert_ot_code(guarded(3, &reached), OT_E_STATE);
  assert_int_equal(reached, 2);
  assert_ot_ok(guarded(0, &reached));
  assert_int_equal(reached, 3);
  int cleaned = 0;
  assert_ot_code(with_cleanup(1, &cleaned), OT_E_VERIFY);
  assert_int_equal(cleaned, 1);
  cleaned = 0;
  assert_ot_ok(with_cleanup(0, &cleaned));
  assert_int_equal(cleaned, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(names_and_messages_come_from_the_table),
      cmocka_unit_test(unknown_codes_are_named_safely),
      cmocka_unit_test(table_is_consistent),
      cmocka_unit_test(macros_stop_at_the_first_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
