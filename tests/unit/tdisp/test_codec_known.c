/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ot_tdisp_code_known checks code ranges (a device links no name table): it
 * must know exactly the codes that have a name, PCIe r6.0 §11.3.1 request
 * codes 81h-8Bh, response codes 01h-0Bh and TDISP_ERROR 7Fh.
 */
#include <string.h>

#include "opentsm/tdisp.h"
#include "testsupport.h"

static void test_known_codes_are_the_named_ones(void **s) {
  (void)s;
  size_t known = 0;
  for (unsigned c = 0; c < 256; c++) {
    bool named = strcmp(ot_tdisp_code_name((uint8_t)c), "UNKNOWN") != 0;
    assert_int_equal(ot_tdisp_code_known((uint8_t)c), named);
    known += named;
  }
  assert_int_equal(known, 23);
  assert_true(ot_tdisp_code_known(OT_TDISP_ERROR));
  assert_false(ot_tdisp_code_known(0x00));
  assert_false(ot_tdisp_code_known(0x0C));
  assert_false(ot_tdisp_code_known(0x80));
  assert_false(ot_tdisp_code_known(0x8C));
  assert_false(ot_tdisp_code_known(0xFF));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_codes_are_the_named_ones),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
