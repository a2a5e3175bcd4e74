/* SPDX-License-Identifier: BSD-3-Clause */
/* FINISH / FINISH_RSP and PSK_EXCHANGE / PSK_FINISH codecs (src/spdm/codec_finish.c,
 * src/spdm/codec_psk.c). */
#include "codec_check.h"

static uint8_t sig[384], verify[48];

static void finish_without_signature_is_header_and_verify_data(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  cc_fill(verify, sizeof verify, 1);
  ot_spdm_finish m = {.verify_data = verify}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_finish(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 52); /* SPEC-FACTS §2.11: 52 bytes for SHA-384 */
  cc_check_message(&sz, buf, 52);
  ot_reader r = cc_reader(buf, 52);
  assert_ot_ok(ot_spdm_decode_finish(&sz, &r, &d));
  assert_false(d.sig_included);
  assert_null(d.signature);
}

static void finish_with_requester_signature(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  cc_fill(sig, sizeof sig, 2);
  ot_spdm_finish m = {.sig_included = true,
                      .req_slot_id = 3,
                      .signature = sig,
                      .verify_data = verify},
                 d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_finish(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 4 + 256 + 32); /* ReqBaseAsymAlg RSA-2048 */
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_finish(&sz, &r, &d));
  assert_true(d.sig_included);
  assert_int_equal(d.req_slot_id, 3);
  assert_memory_equal(d.signature, sig, 256);
}

static void finish_rsp_carries_verify_data_only_in_the_clear(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_finish_rsp m = {.verify_data = verify}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_finish_rsp(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 4);
  cc_check_message(&sz, buf, 4);
  sz.handshake_in_clear = true;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_finish_rsp(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 36); /* SPEC-FACTS §2.11: 36 for SHA-256 */
  cc_check_message(&sz, buf, 36);
  ot_reader r = cc_reader(buf, 36);
  assert_ot_ok(ot_spdm_decode_finish_rsp(&sz, &r, &d));
  assert_memory_equal(d.verify_data, verify, 32);
}

static void psk_exchange_and_response_round_trip(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t hint[] = "SECONDARY_SESSION_0_PSK";
  uint8_t ctx[64], op[20], summary[48];
  cc_fill(ctx, sizeof ctx, 1);
  cc_fill(op, sizeof op, 2);
  cc_fill(summary, sizeof summary, 3);
  ot_spdm_psk_exchange q = {.meas_summary_type = 0xff,
                            .session_policy = 1,
                            .req_session_id = 0xfffe,
                            .hint_len = sizeof hint,
                            .hint = hint,
                            .context_len = 64,
                            .context = ctx,
                            .opaque_len = 20,
                            .opaque = op},
                       dq;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_psk_exchange(&sz, &w, &q));
  assert_int_equal(ot_writer_len(&w), 120); /* the recorded PSK_EXCHANGE is 120 bytes */
  cc_check_message(&sz, buf, 120);
  ot_reader r = cc_reader(buf, 120);
  assert_ot_ok(ot_spdm_decode_psk_exchange(&sz, &r, &dq));
  assert_int_equal(dq.hint_len, 24);
  ot_spdm_psk_exchange_rsp p = {.heartbeat_period = 0xf0,
                                .rsp_session_id = 0xfffe,
                                .context_len = 64,
                                .context = ctx,
                                .opaque_len = 12,
                                .opaque = op,
                                .meas_summary_hash = summary,
                                .verify_data = verify},
                           dp;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_psk_exchange_rsp(&sz, &w, &p));
  assert_int_equal(ot_writer_len(&w), 184); /* the recorded 1.2 PSK_EXCHANGE_RSP */
  cc_check_message(&sz, buf, 184);
  r = cc_reader(buf, 184);
  assert_ot_ok(ot_spdm_decode_psk_exchange_rsp(&sz, &r, &dp));
  assert_memory_equal(dp.meas_summary_hash, summary, 48);
  ot_spdm_psk_finish f = {.verify_data = verify};
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_psk_finish(&sz, &w, &f));
  cc_check_message(&sz, buf, 52);
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_psk_finish_rsp(&sz, &w));
  cc_check_message(&sz, buf, 4);
}

static void psk_opaque_over_1024_is_too_large(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t msg[12] = {0x12, 0xe6, 0, 0, 1, 0, 0, 0, 0, 0, 0x01, 0x04};
  ot_spdm_psk_exchange d;
  ot_reader r = cc_reader(msg, sizeof msg);
  assert_ot_code(ot_spdm_decode_psk_exchange(&sz, &r, &d), OT_E_TOO_LARGE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(finish_without_signature_is_header_and_verify_data),
      cmocka_unit_test(finish_with_requester_signature),
      cmocka_unit_test(finish_rsp_carries_verify_data_only_in_the_clear),
      cmocka_unit_test(psk_exchange_and_response_round_trip),
      cmocka_unit_test(psk_opaque_over_1024_is_too_large),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
