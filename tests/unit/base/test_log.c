/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of logging levels, the sink, and the hexdump's refusal of secrets (src/base/log.c). */
#include <stdio.h>
#include <string.h>

#include "opentsm/log.h"
#include "opentsm/secure.h"
#include "testsupport.h"

static char captured[8192];
static int lines;

static void capture(ot_log_level level, const char *component, const char *line) {
  size_t used = strlen(captured);
  snprintf(captured + used, sizeof captured - used, "%s|%s|%s\n", ot_log_level_name(level),
           component, line);
  lines++;
}

static int setup(void **state) {
  (void)state;
  captured[0] = '\0';
  lines = 0;
  ot_log_set_sink(capture);
  ot_log_set_level(OT_LOG_INFO);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  ot_log_set_sink(NULL);
  return 0;
}

static void levels_filter(void **state) {
  (void)state;
  OT_LOGI("doe", "mailbox %d ready", 3);
  OT_LOGD("doe", "hidden");
  OT_LOGE("spdm", "bad");
  assert_int_equal(lines, 2);
  assert_string_equal(captured, "info|doe|mailbox 3 ready\nerror|spdm|bad\n");
}

static void level_names_parse(void **state) {
  (void)state;
  ot_log_level lv;
  assert_ot_ok(ot_log_level_parse("trace", &lv));
  assert_int_equal(lv, OT_LOG_TRACE);
  assert_ot_code(ot_log_level_parse("loud", &lv), OT_E_ARG);
  assert_ot_code(ot_log_level_parse(NULL, &lv), OT_E_ARG);
}

static void hexdump_prints_public_bytes(void **state) {
  (void)state;
  uint8_t data[18];
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (uint8_t)(0xf0 + i);
  assert_ot_ok(ot_log_hexdump(OT_LOG_INFO, "t", "blob", data, sizeof data));
  assert_non_null(strstr(captured, "blob (18 bytes)"));
  assert_non_null(strstr(captured, "000000 f0 f1 f2"));
  assert_non_null(strstr(captured, "000010 00 01"));
}

/* A marked buffer, or any window overlapping it, is never printed. */
static void hexdump_refuses_secrets(void **state) {
  (void)state;
  uint8_t frame[48];
  memset(frame, 0x11, sizeof frame);
  uint8_t *key = frame + 16;
  memset(key, 0xc3, 16);
  assert_ot_ok(ot_secret_mark(key, 16));
  assert_ot_code(ot_log_hexdump(OT_LOG_INFO, "t", "key", key, 16), OT_E_POLICY);
  assert_ot_code(ot_log_hexdump(OT_LOG_INFO, "t", "frame", frame, sizeof frame), OT_E_POLICY);
  /* Refused even when the level would drop the dump: callers learn of the mistake. */
  assert_ot_code(ot_log_hexdump(OT_LOG_TRACE, "t", "key", key, 16), OT_E_POLICY);
  assert_null(strstr(captured, "c3"));
  assert_non_null(strstr(captured, "withheld: secret"));
  ot_secret_wipe(key, 16);
  assert_ot_ok(ot_log_hexdump(OT_LOG_INFO, "t", "frame", frame, sizeof frame));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(levels_filter, setup, teardown),
      cmocka_unit_test_setup_teardown(level_names_parse, setup, teardown),
      cmocka_unit_test_setup_teardown(hexdump_prints_public_bytes, setup, teardown),
      cmocka_unit_test_setup_teardown(hexdump_refuses_secrets, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
