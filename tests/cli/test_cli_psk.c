/* SPDX-License-Identifier: BSD-3-Clause */
/* The PSK options of `opentsm connect` / `opentsm device` (tools/opentsm/cli_psk.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_psk.h"
#include "opentsm/secure.h"
#include "testsupport.h"

static void hex_key_and_string_hint(void **state) {
  (void)state;
  cli_psk p;
  memset(&p, 0, sizeof(p));
  size_t marks = ot_secret_mark_count();
  char key[] = "5465737450736b4461746100";
  char hint[] = "TestPskHint";
  assert_int_equal(cli_psk_option(&p, "--psk", key, "t"), 1);
  /* The argument is blanked where it lies (argv): nothing of it is left. */
  for (size_t i = 0; i < sizeof(key) - 1; i++)
    assert_int_equal(key[i], 0);
  assert_int_equal(cli_psk_option(&p, "--psk-hint", hint, "t"), 1);
  assert_int_equal(cli_psk_option(&p, "--listen", hint, "t"), 0);
  bool bad = true;
  assert_true(cli_psk_ready(&p, &bad, "t"));
  assert_false(bad);
  assert_int_equal(p.psk.key_len, 12);
  assert_memory_equal(p.psk.key, "TestPskData", 12);
  assert_int_equal(p.psk.hint_len, 11); /* no NUL added */
  assert_int_equal(ot_secret_mark_count(), marks + 1);
  cli_psk_wipe(&p);
  assert_int_equal(ot_secret_mark_count(), marks);
  assert_int_equal(p.key[0], 0);
}

static void hint_hex_and_key_file(void **state) {
  (void)state;
  cli_psk p;
  memset(&p, 0, sizeof(p));
  char path[] = "/tmp/opentsm-psk-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char body[] = "  0102 0304\n0a0B\n";
  assert_int_equal(write(fd, body, sizeof(body) - 1), (ssize_t)(sizeof(body) - 1));
  close(fd);
  char hint[] = "546573745073 6b48696e7400";
  assert_int_equal(cli_psk_option(&p, "--psk-file", path, "t"), 1);
  assert_int_equal(cli_psk_option(&p, "--psk-hint-hex", hint, "t"), 1);
  bool bad;
  assert_true(cli_psk_ready(&p, &bad, "t"));
  static const uint8_t want[] = {1, 2, 3, 4, 10, 11};
  assert_int_equal(p.psk.key_len, sizeof(want));
  assert_memory_equal(p.psk.key, want, sizeof(want));
  assert_int_equal(p.psk.hint_len, 12);
  assert_int_equal(p.psk.hint[11], 0);
  cli_psk_wipe(&p);
  unlink(path);
}

static void refusals(void **state) {
  (void)state;
  cli_psk p;
  memset(&p, 0, sizeof(p));
  char odd[] = "abc", nonhex[] = "zz", empty[] = "", ok[] = "00";
  char big[2 * OT_SPDM_PSK_MAX + 3];
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  assert_int_equal(cli_psk_option(&p, "--psk", odd, "t"), -1);
  assert_int_equal(cli_psk_option(&p, "--psk", nonhex, "t"), -1);
  assert_int_equal(cli_psk_option(&p, "--psk", empty, "t"), -1);
  assert_int_equal(cli_psk_option(&p, "--psk", big, "t"), -1);
  char missing[] = "/nonexistent/psk";
  assert_int_equal(cli_psk_option(&p, "--psk-file", missing, "t"), -1);
  char longhint[OT_SPDM_PSK_HINT_MAX + 2];
  memset(longhint, 'h', sizeof(longhint) - 1);
  longhint[sizeof(longhint) - 1] = '\0';
  assert_int_equal(cli_psk_option(&p, "--psk-hint", longhint, "t"), -1);
  /* A hint alone is a usage error. */
  char hint[] = "h";
  assert_int_equal(cli_psk_option(&p, "--psk-hint", hint, "t"), 1);
  bool bad = false;
  assert_false(cli_psk_ready(&p, &bad, "t"));
  assert_true(bad);
  /* Two keys are refused. */
  assert_int_equal(cli_psk_option(&p, "--psk", ok, "t"), 1);
  char ok2[] = "01";
  assert_int_equal(cli_psk_option(&p, "--psk", ok2, "t"), -1);
  cli_psk_wipe(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hex_key_and_string_hint),
      cmocka_unit_test(hint_hex_and_key_file),
      cmocka_unit_test(refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
