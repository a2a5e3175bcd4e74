/* SPDX-License-Identifier: BSD-3-Clause */
/* CHALLENGE / CHALLENGE_AUTH codec (src/spdm/codec_challenge.c). */
#include "codec_check.h"

static void challenge_is_36_bytes_in_12_and_44_in_13(void **state) {
  (void)state;
  ot_spdm_challenge m = {.slot_id = 0, .meas_summary_type = OT_SPDM_MEAS_SUMMARY_ALL}, d;
  cc_fill(m.nonce, sizeof m.nonce, 0xa0);
  cc_fill(m.context, sizeof m.context, 0x11);
  ot_spdm_sizes s12 = cc_sizes12(), s13 = cc_sizes13();
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_challenge(&s12, &w, &m));
  assert_int_equal(ot_writer_len(&w), 36);
  cc_check_message(&s12, buf, 36);
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_challenge(&s13, &w, &m));
  assert_int_equal(ot_writer_len(&w), 44);
  cc_check_message(&s13, buf, 44);
  ot_reader r = cc_reader(buf, 44);
  assert_ot_ok(ot_spdm_decode_challenge(&s13, &r, &d));
  assert_memory_equal(d.context, m.context, 8);
  assert_memory_equal(d.nonce, m.nonce, 32);
}

static void challenge_checks_slot_and_hash_type(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_challenge m = {.slot_id = OT_SPDM_SLOT_ID_PROVISIONED_KEY}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_challenge(&sz, &w, &m));
  buf[3] = 2; /* reserved MeasurementSummaryHashType */
  ot_reader r = cc_reader(buf, 36);
  assert_ot_code(ot_spdm_decode_challenge(&sz, &r, &d), OT_E_MALFORMED);
  buf[3] = 0;
  buf[2] = 9;
  r = cc_reader(buf, 36);
  assert_ot_code(ot_spdm_decode_challenge(&sz, &r, &d), OT_E_MALFORMED);
  m.meas_summary_type = 7;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_challenge(&sz, &w, &m), OT_E_MALFORMED);
}

static uint8_t hash[48], summary[48], sig[96], opaque[12];

static ot_spdm_challenge_auth auth(void) {
  ot_spdm_challenge_auth a = {.slot_id = 0,
                              .slot_mask = 0x03,
                              .cert_chain_hash = hash,
                              .meas_summary_hash = summary,
                              .opaque_len = sizeof opaque,
                              .opaque = opaque,
                              .signature = sig};
  cc_fill(hash, sizeof hash, 1);
  cc_fill(summary, sizeof summary, 2);
  cc_fill(sig, sizeof sig, 3);
  cc_fill(opaque, sizeof opaque, 4);
  cc_fill(a.nonce, sizeof a.nonce, 5);
  cc_fill(a.context, sizeof a.context, 6);
  return a;
}

static void challenge_auth_12_with_summary_hash(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_challenge_auth m = auth(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_challenge_auth(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 4 + 48 + 32 + 48 + 2 + 12 + 96);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_challenge_auth(&sz, &r, &d));
  assert_memory_equal(d.signature, sig, 96);
  assert_memory_equal(d.meas_summary_hash, summary, 48);
  assert_int_equal(d.slot_mask, 3);
}

static void challenge_auth_13_without_summary_hash_has_context(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  sz.meas_summary_hash = false;
  ot_spdm_challenge_auth m = auth(), d;
  m.slot_id = 0x0f; /* provisioned public key */
  m.basic_mut_auth = true;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_challenge_auth(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 4 + 32 + 32 + 2 + 12 + 8 + 64);
  assert_int_equal(buf[2], 0x8f);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_challenge_auth(&sz, &r, &d));
  assert_null(d.meas_summary_hash);
  assert_true(d.basic_mut_auth);
  assert_memory_equal(d.context, m.context, 8);
}

static void opaque_length_over_1024_is_too_large(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_challenge_auth m = auth(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_challenge_auth(&sz, &w, &m));
  ot_store_u16le(buf + 4 + 48 + 32 + 48, 1025);
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_code(ot_spdm_decode_challenge_auth(&sz, &r, &d), OT_E_TOO_LARGE);
  m.opaque_len = 1025;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_challenge_auth(&sz, &w, &m), OT_E_TOO_LARGE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(challenge_is_36_bytes_in_12_and_44_in_13),
      cmocka_unit_test(challenge_checks_slot_and_hash_type),
      cmocka_unit_test(challenge_auth_12_with_summary_hash),
      cmocka_unit_test(challenge_auth_13_without_summary_hash_has_context),
      cmocka_unit_test(opaque_length_over_1024_is_too_large),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
