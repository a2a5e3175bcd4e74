/* SPDX-License-Identifier: BSD-3-Clause */
/* The CLI helpers: HOST:PORT and numbers, files that are never overwritten. */
#include "cli_util.h"
#include "testsupport.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_hostport(void **s) {
  (void)s;
  char h[64];
  uint16_t p = 0;
  assert_true(cli_parse_hostport("10.0.0.1:2323", h, sizeof(h), &p));
  assert_string_equal(h, "10.0.0.1");
  assert_int_equal(p, 2323);
  assert_true(cli_parse_hostport("[::1]:7", h, sizeof(h), &p));
  assert_string_equal(h, "::1");
  assert_int_equal(p, 7);
  assert_true(cli_parse_hostport(":0", h, sizeof(h), &p));
  assert_string_equal(h, "127.0.0.1");
  assert_false(cli_parse_hostport("host:", h, sizeof(h), &p));
  assert_false(cli_parse_hostport("host:65536", h, sizeof(h), &p));
  assert_false(cli_parse_hostport("host:-1", h, sizeof(h), &p));
  assert_false(cli_parse_hostport("[::1]7", h, sizeof(h), &p));
  assert_false(cli_parse_hostport("nowhere", h, sizeof(h), &p));
}

static void test_u64(void **s) {
  (void)s;
  uint64_t v;
  assert_true(cli_parse_u64("0", 5, &v));
  assert_true(cli_parse_u64("5", 5, &v));
  assert_int_equal(v, 5);
  assert_false(cli_parse_u64("6", 5, &v));
  assert_false(cli_parse_u64("", 5, &v));
  assert_false(cli_parse_u64("1x", 5, &v));
  assert_false(cli_parse_u64("+1", 5, &v));
  assert_false(cli_parse_u64("99999999999999999999999", UINT64_MAX, &v));
}

static void test_write_file_refuses_existing(void **s) {
  (void)s;
  char path[] = "/tmp/opentsm_cli_test_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  static const uint8_t data[] = {1, 2, 3};
  assert_ot_code(cli_write_file(path, data, sizeof(data), 0600, false), OT_E_EXISTS);
  assert_ot_ok(cli_write_file(path, data, sizeof(data), 0600, true));
  uint8_t back[8];
  size_t n;
  assert_ot_ok(cli_read_file(path, back, sizeof(back), &n));
  assert_int_equal(n, 3);
  assert_ot_code(cli_read_file(path, back, 2, &n), OT_E_TOO_LARGE);
  unlink(path);
  assert_ot_code(cli_read_file(path, back, sizeof(back), &n), OT_E_IO);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hostport),
      cmocka_unit_test(test_u64),
      cmocka_unit_test(test_write_file_refuses_existing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
