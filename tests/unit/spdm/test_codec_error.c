/* SPDX-License-Identifier: BSD-3-Clause */
/* ERROR and RESPOND_IF_READY codec (src/spdm/codec_error.c). */
#include "codec_check.h"

/* Every error code without extended data: 4 bytes, anything more is trailing. */
static void plain_error_codes_carry_no_extended_data(void **state) {
  (void)state;
  static const uint8_t codes[] = {
      OT_SPDM_ERR_INVALID_REQUEST,        OT_SPDM_ERR_BUSY,
      OT_SPDM_ERR_UNEXPECTED_REQUEST,     OT_SPDM_ERR_UNSPECIFIED,
      OT_SPDM_ERR_DECRYPT_ERROR,          OT_SPDM_ERR_UNSUPPORTED_REQUEST,
      OT_SPDM_ERR_REQUEST_IN_FLIGHT,      OT_SPDM_ERR_INVALID_RESPONSE_CODE,
      OT_SPDM_ERR_SESSION_LIMIT_EXCEEDED, OT_SPDM_ERR_SESSION_REQUIRED,
      OT_SPDM_ERR_RESET_REQUIRED,         OT_SPDM_ERR_REQUEST_TOO_LARGE,
      OT_SPDM_ERR_MESSAGE_LOST,           OT_SPDM_ERR_INVALID_POLICY,
      OT_SPDM_ERR_VERSION_MISMATCH,       OT_SPDM_ERR_REQUEST_RESYNCH,
      OT_SPDM_ERR_OPERATION_FAILED,       OT_SPDM_ERR_NO_PENDING_REQUESTS};
  ot_spdm_sizes sz = cc_sizes13();
  for (size_t i = 0; i < sizeof codes; i++) {
    ot_spdm_error m = {.code = codes[i], .data = OT_SPDM_GET_MEASUREMENTS}, d;
    CC_WRITER(w, buf);
    assert_ot_ok(ot_spdm_encode_error(&sz, &w, &m));
    assert_int_equal(ot_writer_len(&w), 4);
    cc_check_message(&sz, buf, 4);
    ot_reader r = cc_reader(buf, 4);
    assert_ot_ok(ot_spdm_decode_error(&sz, &r, &d));
    assert_int_equal(d.code, codes[i]);
    assert_int_equal(d.data, OT_SPDM_GET_MEASUREMENTS);
  }
}

static void response_not_ready_carries_four_bytes(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_error m = {.code = OT_SPDM_ERR_RESPONSE_NOT_READY}, d;
  m.not_ready.rd_exponent = 20;
  m.not_ready.request_code = OT_SPDM_CHALLENGE;
  m.not_ready.token = 0x5a;
  m.not_ready.rdtm = 3;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_error(&sz, &w, &m));
  static const uint8_t want[] = {0x12, 0x7f, 0x42, 0, 20, 0x83, 0x5a, 3};
  assert_int_equal(ot_writer_len(&w), sizeof want);
  assert_memory_equal(buf, want, sizeof want);
  cc_check_message(&sz, buf, sizeof want);
  ot_reader r = cc_reader(buf, sizeof want);
  assert_ot_ok(ot_spdm_decode_error(&sz, &r, &d));
  assert_int_equal(d.not_ready.token, 0x5a);
  assert_int_equal(d.not_ready.request_code, 0x83);
}

static void large_response_carries_the_handle(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_error m = {.code = OT_SPDM_ERR_LARGE_RESPONSE, .large_response_handle = 9}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_error(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 5);
  cc_check_message(&sz, buf, 5);
  ot_reader r = cc_reader(buf, 5);
  assert_ot_ok(ot_spdm_decode_error(&sz, &r, &d));
  assert_int_equal(d.large_response_handle, 9);
}

static void response_too_large_carries_the_size(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_error m = {.code = OT_SPDM_ERR_RESPONSE_TOO_LARGE, .response_size = 70000}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_error(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 8);
  cc_check_message(&sz, buf, 8);
  ot_reader r = cc_reader(buf, 8);
  assert_ot_ok(ot_spdm_decode_error(&sz, &r, &d));
  assert_int_equal(d.response_size, 70000);
}

static void vendor_defined_error_round_trips_up_to_32_bytes(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t vid[] = {0x01, 0x00};
  uint8_t data[29];
  cc_fill(data, sizeof data, 1);
  ot_spdm_error m = {.code = OT_SPDM_ERR_VENDOR_DEFINED,
                     .data = OT_SPDM_REGISTRY_PCISIG,
                     .vendor_id_len = 2,
                     .vendor_id = vid,
                     .vendor_data_len = 29,
                     .vendor_data = data},
                d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_error(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 4 + 32);
  cc_check_message_min(&sz, buf, 36, 7); /* free-form tail: longer prefixes are valid */
  ot_reader r = cc_reader(buf, 36);
  assert_ot_ok(ot_spdm_decode_error(&sz, &r, &d));
  assert_int_equal(d.vendor_data_len, 29);
  assert_memory_equal(d.vendor_data, data, 29);
  buf[36] = 0; /* 33 bytes of extended data */
  r = cc_reader(buf, 37);
  assert_ot_code(ot_spdm_decode_error(&sz, &r, &d), OT_E_TOO_LARGE);
  m.vendor_data_len = 30;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_error(&sz, &w, &m), OT_E_TOO_LARGE);
}

static void vendor_id_length_over_the_buffer_is_truncated(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t msg[] = {0x12, 0x7f, 0xff, 3, 4, 1, 2};
  ot_spdm_error d;
  ot_reader r = cc_reader(msg, sizeof msg);
  assert_ot_code(ot_spdm_decode_error(&sz, &r, &d), OT_E_TRUNCATED);
}

static void respond_if_ready_names_request_and_token(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_respond_if_ready m = {.request_code = OT_SPDM_CHALLENGE, .token = 0x5a}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_respond_if_ready(&sz, &w, &m));
  static const uint8_t want[] = {0x13, 0xff, 0x83, 0x5a};
  assert_memory_equal(buf, want, 4);
  cc_check_message(&sz, buf, 4);
  ot_reader r = cc_reader(buf, 4);
  assert_ot_ok(ot_spdm_decode_respond_if_ready(&sz, &r, &d));
  assert_int_equal(d.token, 0x5a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(plain_error_codes_carry_no_extended_data),
      cmocka_unit_test(response_not_ready_carries_four_bytes),
      cmocka_unit_test(large_response_carries_the_handle),
      cmocka_unit_test(response_too_large_carries_the_size),
      cmocka_unit_test(vendor_defined_error_round_trips_up_to_32_bytes),
      cmocka_unit_test(vendor_id_length_over_the_buffer_is_truncated),
      cmocka_unit_test(respond_if_ready_names_request_and_token),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
