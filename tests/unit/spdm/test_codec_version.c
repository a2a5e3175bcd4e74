/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_VERSION / VERSION codec (src/spdm/codec_version.c). */
#include "codec_check.h"

static void get_version_is_four_bytes_at_version_10(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_get_version(&sz, &w));
  assert_int_equal(ot_writer_len(&w), 4);
  static const uint8_t want[] = {0x10, 0x84, 0x00, 0x00};
  assert_memory_equal(buf, want, 4);
  cc_check_message(&sz, buf, 4);
  ot_reader r = cc_reader(buf, 4);
  assert_ot_ok(ot_spdm_decode_get_version(&sz, &r));
}

static void version_round_trips_with_two_entries(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t entries[] = {0x00, 0x12, 0x00, 0x13};
  ot_spdm_version v = {.entry_count = 2, .entries = entries}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_version(&sz, &w, &v));
  static const uint8_t want[] = {0x10, 0x04, 0, 0, 0, 2, 0x00, 0x12, 0x00, 0x13};
  assert_int_equal(ot_writer_len(&w), sizeof want);
  assert_memory_equal(buf, want, sizeof want);
  cc_check_message(&sz, buf, sizeof want);
  ot_reader r = cc_reader(buf, sizeof want);
  assert_ot_ok(ot_spdm_decode_version(&sz, &r, &d));
  assert_int_equal(ot_spdm_version_entry(&d, 1), 0x1300);
}

static void version_with_zero_entries_is_malformed(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t msg[] = {0x10, 0x04, 0, 0, 0, 0};
  ot_spdm_version d;
  ot_reader r = cc_reader(msg, sizeof msg);
  assert_ot_code(ot_spdm_decode_version(&sz, &r, &d), OT_E_MALFORMED);
  ot_spdm_version v = {.entry_count = 0};
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_version(&sz, &w, &v), OT_E_ARG);
}

static void version_count_over_the_buffer_is_truncated(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t msg[] = {0x10, 0x04, 0, 0, 0, 3, 0x00, 0x12, 0x00, 0x13};
  ot_spdm_version d = {0};
  ot_reader r = cc_reader(msg, sizeof msg);
  assert_ot_code(ot_spdm_decode_version(&sz, &r, &d), OT_E_TRUNCATED);
  assert_int_equal(d.entry_count, 0); /* output untouched on failure */
}

static void version_carried_at_the_negotiated_version_is_rejected(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t msg[] = {0x12, 0x84, 0, 0};
  ot_reader r = cc_reader(msg, sizeof msg);
  assert_ot_code(ot_spdm_decode_get_version(&sz, &r), OT_E_VERSION);
}

static void get_version_with_trailing_byte_is_rejected(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t msg[] = {0x10, 0x84, 0, 0, 0};
  ot_reader r = cc_reader(msg, sizeof msg);
  assert_ot_code(ot_spdm_decode_get_version(&sz, &r), OT_E_TRAILING);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(get_version_is_four_bytes_at_version_10),
      cmocka_unit_test(version_round_trips_with_two_entries),
      cmocka_unit_test(version_with_zero_entries_is_malformed),
      cmocka_unit_test(version_count_over_the_buffer_is_truncated),
      cmocka_unit_test(version_carried_at_the_negotiated_version_is_rejected),
      cmocka_unit_test(get_version_with_trailing_byte_is_rejected),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
