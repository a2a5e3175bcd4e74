/* SPDX-License-Identifier: BSD-3-Clause */
/* KEY_UPDATE(_ACK), HEARTBEAT(_ACK), END_SESSION(_ACK) codecs
 * (src/spdm/codec_key_update.c, src/spdm/codec_session.c). */
#include "codec_check.h"

static void key_update_operations_round_trip(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  for (uint8_t op = 1; op <= 3; op++) {
    ot_spdm_key_update m = {.operation = op, .tag = (uint8_t)(0x40 + op)}, d;
    CC_WRITER(w, buf);
    assert_ot_ok(ot_spdm_encode_key_update(&sz, &w, &m));
    const uint8_t want[] = {0x13, 0xe9, op, (uint8_t)(0x40 + op)};
    assert_memory_equal(buf, want, 4);
    cc_check_message(&sz, buf, 4);
    ot_writer_init(&w, buf, sizeof buf);
    assert_ot_ok(ot_spdm_encode_key_update_ack(&sz, &w, &m));
    cc_check_message(&sz, buf, 4);
    ot_reader r = cc_reader(buf, 4);
    assert_ot_ok(ot_spdm_decode_key_update_ack(&sz, &r, &d));
    assert_int_equal(d.tag, m.tag);
  }
}

static void reserved_key_operations_are_malformed(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t ops[] = {0, 4, 0xff};
  for (size_t i = 0; i < sizeof ops; i++) {
    const uint8_t msg[] = {0x12, 0xe9, ops[i], 0};
    ot_spdm_key_update d, m = {.operation = ops[i]};
    ot_reader r = cc_reader(msg, 4);
    assert_ot_code(ot_spdm_decode_key_update(&sz, &r, &d), OT_E_MALFORMED);
    CC_WRITER(w, buf);
    assert_ot_code(ot_spdm_encode_key_update(&sz, &w, &m), OT_E_MALFORMED);
  }
}

static void key_update_ack_is_not_a_key_update(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t msg[] = {0x12, 0x69, 2, 7};
  ot_spdm_key_update d;
  ot_reader r = cc_reader(msg, 4);
  assert_ot_code(ot_spdm_decode_key_update(&sz, &r, &d), OT_E_UNEXPECTED);
}

static void heartbeat_and_end_session_acks_are_header_only(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_heartbeat(&sz, &w));
  assert_ot_ok(ot_spdm_encode_heartbeat_ack(&sz, &w));
  assert_ot_ok(ot_spdm_encode_end_session_ack(&sz, &w));
  static const uint8_t want[] = {0x12, 0xe8, 0, 0, 0x12, 0x68, 0, 0, 0x12, 0x6c, 0, 0};
  assert_memory_equal(buf, want, sizeof want);
  for (size_t i = 0; i < 3; i++) cc_check_message(&sz, buf + 4 * i, 4);
  ot_reader r = cc_reader(buf + 4, 4);
  assert_ot_ok(ot_spdm_decode_heartbeat_ack(&sz, &r));
  r = cc_reader(buf, 4);
  assert_ot_code(ot_spdm_decode_end_session_ack(&sz, &r), OT_E_UNEXPECTED);
}

static void end_session_carries_the_state_clearing_bit(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_end_session m = {.negotiated_state_clear = true}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_end_session(&sz, &w, &m));
  assert_int_equal(buf[2], 1);
  cc_check_message(&sz, buf, 4);
  buf[2] = 0xfe; /* reserved bits only */
  ot_reader r = cc_reader(buf, 4);
  assert_ot_ok(ot_spdm_decode_end_session(&sz, &r, &d));
  assert_false(d.negotiated_state_clear);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(key_update_operations_round_trip),
      cmocka_unit_test(reserved_key_operations_are_malformed),
      cmocka_unit_test(key_update_ack_is_not_a_key_update),
      cmocka_unit_test(heartbeat_and_end_session_acks_are_header_only),
      cmocka_unit_test(end_session_carries_the_state_clearing_bit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
