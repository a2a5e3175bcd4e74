/* SPDX-License-Identifier: BSD-3-Clause */
/* Decoding by code, names, and the exact-length finder (src/spdm/codec_dispatch.c). */
#include "codec_check.h"

static void unknown_codes_are_unsupported(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  /* SUBSCRIBE_EVENT_TYPES / its ACK (1.3 events): no codec. */
  static const uint8_t get_csr[] = {0x13, 0xf0, 0, 0, 0, 0, 0, 0};
  static const uint8_t csr[] = {0x13, 0x70, 0, 0, 0, 0, 0, 0};
  ot_spdm_request q;
  ot_spdm_response p;
  ot_reader r = cc_reader(get_csr, sizeof get_csr);
  assert_ot_code(ot_spdm_decode_request(&sz, &r, &q), OT_E_UNSUPPORTED);
  r = cc_reader(csr, sizeof csr);
  assert_ot_code(ot_spdm_decode_response(&sz, &r, &p), OT_E_UNSUPPORTED);
  size_t n;
  assert_ot_code(ot_spdm_message_length(&sz, csr, sizeof csr, &n), OT_E_UNSUPPORTED);
  p.code = 0x70;
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_response(&sz, &w, &p), OT_E_UNSUPPORTED);
}

static void requests_and_responses_do_not_cross(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t hb[] = {0x12, 0xe8, 0, 0}, ack[] = {0x12, 0x68, 0, 0};
  ot_spdm_request q;
  ot_spdm_response p;
  ot_reader r = cc_reader(hb, 4);
  assert_ot_code(ot_spdm_decode_response(&sz, &r, &p), OT_E_UNSUPPORTED);
  r = cc_reader(ack, 4);
  assert_ot_code(ot_spdm_decode_request(&sz, &r, &q), OT_E_UNSUPPORTED);
  r = cc_reader(ack, 4);
  assert_ot_ok(ot_spdm_decode_response(&sz, &r, &p));
  assert_int_equal(p.code, OT_SPDM_HEARTBEAT_ACK);
}

static void a_decoder_rejects_another_message(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t finish_rsp[] = {0x12, 0x65, 0, 0};
  ot_spdm_key_update d;
  ot_reader r = cc_reader(finish_rsp, 4);
  assert_ot_code(ot_spdm_decode_key_update_ack(&sz, &r, &d), OT_E_UNEXPECTED);
}

static void only_10_to_14_layouts_are_supported(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  sz.version = 0x15;
  static const uint8_t hb[] = {0x15, 0xe8, 0, 0};
  ot_reader r = cc_reader(hb, 4);
  assert_ot_code(ot_spdm_decode_heartbeat(&sz, &r), OT_E_ARG);
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_heartbeat(&sz, &w), OT_E_ARG);
  assert_ot_ok(ot_spdm_encode_get_version(&sz, &w)); /* always 1.0 */
}

static void names_come_from_the_tables(void **state) {
  (void)state;
  assert_string_equal(ot_spdm_code_name(OT_SPDM_KEY_EXCHANGE_RSP), "KEY_EXCHANGE_RSP");
  assert_string_equal(ot_spdm_code_name(OT_SPDM_RESPOND_IF_READY), "RESPOND_IF_READY");
  assert_string_equal(ot_spdm_code_name(OT_SPDM_ERROR), "ERROR");
  assert_string_equal(ot_spdm_code_name(0x00), "UNKNOWN");
  assert_string_equal(ot_spdm_code_name(OT_SPDM_GET_CSR), "GET_CSR");
  assert_string_equal(ot_spdm_code_name(OT_SPDM_SUBSCRIBE_EVENT_TYPES), "UNKNOWN");
}

static void length_of_short_or_empty_buffers_fails(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t one[] = {0x12};
  size_t n = 99;
  assert_ot_code(ot_spdm_message_length(&sz, NULL, 0, &n), OT_E_TRUNCATED);
  assert_ot_code(ot_spdm_message_length(&sz, one, 1, &n), OT_E_TRUNCATED);
  assert_ot_code(ot_spdm_message_length(&sz, NULL, 5, &n), OT_E_ARG);
  assert_int_equal(n, 99);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unknown_codes_are_unsupported),
      cmocka_unit_test(requests_and_responses_do_not_cross),
      cmocka_unit_test(a_decoder_rejects_another_message),
      cmocka_unit_test(only_10_to_14_layouts_are_supported),
      cmocka_unit_test(names_come_from_the_tables),
      cmocka_unit_test(length_of_short_or_empty_buffers_fails),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
