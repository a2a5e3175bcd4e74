/* SPDX-License-Identifier: BSD-3-Clause */
/* KEY_EXCHANGE / KEY_EXCHANGE_RSP codec (src/spdm/codec_key_exchange.c). */
#include "codec_check.h"

static uint8_t dhe[96], hash[48], sig[96], verify[48];
static const uint8_t opaque[] = {1, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0x12};

static void key_exchange_round_trips(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  cc_fill(dhe, sizeof dhe, 1);
  ot_spdm_key_exchange m = {.meas_summary_type = OT_SPDM_MEAS_SUMMARY_ALL,
                            .slot_id = 4,
                            .req_session_id = 0xfffe,
                            .session_policy = OT_SPDM_SESSION_POLICY_TERMINATION |
                                              OT_SPDM_SESSION_POLICY_EVENT_ALL,
                            .exchange = dhe,
                            .opaque_len = sizeof opaque,
                            .opaque = opaque},
                       d;
  cc_fill(m.random, sizeof m.random, 2);
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_key_exchange(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 40 + 64 + 2 + sizeof opaque);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_key_exchange(&sz, &r, &d));
  assert_int_equal(d.req_session_id, 0xfffe);
  assert_int_equal(d.session_policy, 3);
  assert_memory_equal(d.exchange, dhe, 64);
}

static void key_exchange_12_has_no_event_all_policy(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_key_exchange m = {.session_policy = OT_SPDM_SESSION_POLICY_EVENT_ALL, .exchange = dhe}, d;
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_key_exchange(&sz, &w, &m), OT_E_ARG);
  m.session_policy = 0;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_key_exchange(&sz, &w, &m));
  buf[6] = 0xff; /* reserved policy bits are ignored */
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_key_exchange(&sz, &r, &d));
  assert_int_equal(d.session_policy, OT_SPDM_SESSION_POLICY_TERMINATION);
}

static ot_spdm_key_exchange_rsp rsp(void) {
  ot_spdm_key_exchange_rsp m = {.heartbeat_period = 0xf0,
                                .rsp_session_id = 0xffff,
                                .mut_auth = OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST,
                                .req_slot_id = 1,
                                .exchange = dhe,
                                .meas_summary_hash = hash,
                                .opaque_len = sizeof opaque,
                                .opaque = opaque,
                                .signature = sig,
                                .verify_data = verify};
  cc_fill(m.random, sizeof m.random, 3);
  cc_fill(hash, sizeof hash, 4);
  cc_fill(sig, sizeof sig, 5);
  cc_fill(verify, sizeof verify, 6);
  return m;
}

static void key_exchange_rsp_with_verify_data(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_key_exchange_rsp m = rsp(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_key_exchange_rsp(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 40 + 96 + 48 + 2 + sizeof opaque + 96 + 48);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_key_exchange_rsp(&sz, &r, &d));
  assert_memory_equal(d.verify_data, verify, 48);
  assert_memory_equal(d.signature, sig, 96);
  assert_int_equal(d.mut_auth, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST);
}

static void key_exchange_rsp_in_the_clear_without_summary(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  sz.handshake_in_clear = true;
  sz.meas_summary_hash = false;
  ot_spdm_key_exchange_rsp m = rsp(), d;
  m.meas_summary_hash = NULL;
  m.verify_data = NULL;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_key_exchange_rsp(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 40 + 64 + 2 + sizeof opaque + 64);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_key_exchange_rsp(&sz, &r, &d));
  assert_null(d.verify_data);
  assert_null(d.meas_summary_hash);
}

static void more_than_one_mut_auth_bit_is_malformed(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_key_exchange_rsp m = rsp(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_key_exchange_rsp(&sz, &w, &m));
  buf[6] = 0x03;
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_code(ot_spdm_decode_key_exchange_rsp(&sz, &r, &d), OT_E_MALFORMED);
  m.mut_auth = 0x05;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_key_exchange_rsp(&sz, &w, &m), OT_E_MALFORMED);
}

static void missing_signature_cannot_be_encoded(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_key_exchange_rsp m = rsp();
  m.signature = NULL;
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_key_exchange_rsp(&sz, &w, &m), OT_E_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(key_exchange_round_trips),
      cmocka_unit_test(key_exchange_12_has_no_event_all_policy),
      cmocka_unit_test(key_exchange_rsp_with_verify_data),
      cmocka_unit_test(key_exchange_rsp_in_the_clear_without_summary),
      cmocka_unit_test(more_than_one_mut_auth_bit_is_malformed),
      cmocka_unit_test(missing_signature_cannot_be_encoded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
