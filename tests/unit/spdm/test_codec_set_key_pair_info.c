/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SET_KEY_PAIR_INFO / SET_KEY_PAIR_INFO_ACK (DSP0274 1.3 §10.27): 13 bytes
 * (1.3), 13 + 1 + DesiredPqcAsymAlgoLen (1.4), the 5-byte Erase libspdm
 * sends, a 4-byte ACK; reserved fields ignored, KeyPairID 0 and operations
 * above Generate refused, 1.2 refused.
 */
#include "codec_check.h"

/* The bytes spdm_requester_emu sent to opentsm device (SPDM 1.3 run). */
static const uint8_t emu_change[] = {0x13, 0xfd, 0x00, 0x00, 0x01, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
static const uint8_t emu_erase[] = {0x13, 0xfd, 0x01, 0x00, 0x01};

static void change_layout(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_set_key_pair_info m = {.operation = OT_SPDM_KEY_PAIR_OP_CHANGE,
                                 .key_pair_id = 2,
                                 .desired_key_usage = 0x0003,
                                 .desired_asym_algo = 0x00000008,
                                 .desired_assoc_cert_slot_mask = 0x04},
                            d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_set_key_pair_info(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), OT_SPDM_SET_KEY_PAIR_INFO_FIXED);
  static const uint8_t want[] = {0x13, 0xfd, 0x00, 0x00, 0x02, 0x00, 0x03,
                                 0x00, 0x08, 0x00, 0x00, 0x00, 0x04};
  assert_memory_equal(buf, want, sizeof want);
  cc_check_message(&sz, buf, sizeof want);
  ot_reader r = cc_reader(emu_change, sizeof emu_change);
  assert_ot_ok(ot_spdm_decode_set_key_pair_info(&sz, &r, &d));
  assert_int_equal(d.operation, OT_SPDM_KEY_PAIR_OP_CHANGE);
  assert_int_equal(d.key_pair_id, 1);
  assert_false(d.short_erase);
  /* Reserved: Param2 and the byte after KeyPairID are ignored. */
  uint8_t rsv[sizeof want];
  memcpy(rsv, want, sizeof want);
  rsv[3] = 0xa5;
  rsv[5] = 0x5a;
  r = cc_reader(rsv, sizeof rsv);
  assert_ot_ok(ot_spdm_decode_set_key_pair_info(&sz, &r, &d));
  assert_int_equal(d.desired_key_usage, 3);
  assert_int_equal(d.desired_assoc_cert_slot_mask, 4);
  /* Operation 3 (reserved) and KeyPairID 0: malformed. */
  rsv[2] = 3;
  r = cc_reader(rsv, sizeof rsv);
  assert_ot_code(ot_spdm_decode_set_key_pair_info(&sz, &r, &d), OT_E_MALFORMED);
  rsv[2] = 0;
  rsv[4] = 0;
  r = cc_reader(rsv, sizeof rsv);
  assert_ot_code(ot_spdm_decode_set_key_pair_info(&sz, &r, &d), OT_E_MALFORMED);
  /* A Change or Generate without the body: truncated. */
  static const uint8_t short_change[] = {0x13, 0xfd, 0x00, 0x00, 0x01};
  r = cc_reader(short_change, sizeof short_change);
  assert_ot_code(ot_spdm_decode_set_key_pair_info(&sz, &r, &d), OT_E_TRUNCATED);
  /* Encoder: KeyPairID 0, operation 3, PQC bytes at 1.3. */
  m.key_pair_id = 0;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_set_key_pair_info(&sz, &w, &m), OT_E_ARG);
  m.key_pair_id = 1;
  m.operation = 3;
  assert_ot_code(ot_spdm_encode_set_key_pair_info(&sz, &w, &m), OT_E_ARG);
  static const uint8_t pqc[4] = {0};
  m.operation = OT_SPDM_KEY_PAIR_OP_GENERATE;
  m.desired_pqc_len = 4;
  m.desired_pqc = pqc;
  assert_ot_code(ot_spdm_encode_set_key_pair_info(&sz, &w, &m), OT_E_ARG);
  /* 1.2: no such message. */
  sz = cc_sizes12();
  r = cc_reader(want, sizeof want);
  assert_ot_code(ot_spdm_decode_set_key_pair_info(&sz, &r, &d), OT_E_VERSION);
}

/* Erase: the 5-byte form (libspdm) and the full form with zero fields. */
static void erase_layout(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_set_key_pair_info m = {.operation = OT_SPDM_KEY_PAIR_OP_ERASE,
                                 .key_pair_id = 1,
                                 .short_erase = true},
                            d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_set_key_pair_info(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), OT_SPDM_SET_KEY_PAIR_INFO_SHORT);
  assert_memory_equal(buf, emu_erase, sizeof emu_erase);
  /* Up to 3 bytes of DOE padding after it are padding; 4 or more bytes are
   * the start of the 13-byte form, cut short (truncated, not trailing). */
  cc_check_message_min(&sz, buf, sizeof emu_erase, sizeof emu_erase);
  memset(buf + 5, 0, 4);
  for (size_t pad = 0; pad < 4; pad++) {
    size_t exact = 0;
    assert_ot_ok(ot_spdm_message_length(&sz, buf, 5 + pad, &exact));
    assert_int_equal(exact, 5);
  }
  size_t exact = 0;
  assert_false(ot_ok(ot_spdm_message_length(&sz, buf, 9, &exact)));
  ot_reader t = cc_reader(buf, 6);
  assert_ot_code(ot_spdm_decode_set_key_pair_info(&sz, &t, &d), OT_E_TRAILING);
  ot_reader r = cc_reader(emu_erase, sizeof emu_erase);
  assert_ot_ok(ot_spdm_decode_set_key_pair_info(&sz, &r, &d));
  assert_true(d.short_erase);
  assert_int_equal(d.operation, OT_SPDM_KEY_PAIR_OP_ERASE);
  /* The long form decodes too. */
  m.short_erase = false;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_set_key_pair_info(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), OT_SPDM_SET_KEY_PAIR_INFO_FIXED);
  r = cc_reader(buf, OT_SPDM_SET_KEY_PAIR_INFO_FIXED);
  assert_ot_ok(ot_spdm_decode_set_key_pair_info(&sz, &r, &d));
  assert_false(d.short_erase);
  /* An Erase with something desired cannot be encoded; a short form of
   * another operation neither. */
  m.desired_key_usage = 1;
  assert_ot_code(ot_spdm_encode_set_key_pair_info(&sz, &w, &m), OT_E_ARG);
  m = (ot_spdm_set_key_pair_info){.operation = OT_SPDM_KEY_PAIR_OP_CHANGE,
                                  .key_pair_id = 1,
                                  .short_erase = true};
  assert_ot_code(ot_spdm_encode_set_key_pair_info(&sz, &w, &m), OT_E_ARG);
}

/* 1.4: DesiredPqcAsymAlgoLen | DesiredPqcAsymAlgo after the 1.3 body (what
 * spdm_requester_emu sent at 1.4: length 4, all zero). */
static void pqc_14(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  sz.version = OT_SPDM_VERSION_14;
  static const uint8_t emu14[] = {0x14, 0xfd, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                                  0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00};
  ot_spdm_set_key_pair_info d;
  ot_reader r = cc_reader(emu14, sizeof emu14);
  assert_ot_ok(ot_spdm_decode_set_key_pair_info(&sz, &r, &d));
  assert_int_equal(d.desired_pqc_len, 4);
  cc_check_message(&sz, emu14, sizeof emu14);
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_set_key_pair_info(&sz, &w, &d));
  assert_int_equal(ot_writer_len(&w), sizeof emu14);
  assert_memory_equal(buf, emu14, sizeof emu14);
  /* The PQC bytes cut short: truncated. */
  r = cc_reader(emu14, sizeof emu14 - 1);
  assert_ot_code(ot_spdm_decode_set_key_pair_info(&sz, &r, &d), OT_E_TRUNCATED);
}

static void ack_layout(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_set_key_pair_info_ack(&sz, &w));
  assert_int_equal(ot_writer_len(&w), 4);
  static const uint8_t want[] = {0x13, 0x7d, 0x00, 0x00};
  assert_memory_equal(buf, want, 4);
  cc_check_message(&sz, buf, 4);
  ot_reader r = cc_reader(buf, 4);
  assert_ot_ok(ot_spdm_decode_set_key_pair_info_ack(&sz, &r));
  sz = cc_sizes12();
  r = cc_reader(buf, 4);
  assert_ot_code(ot_spdm_decode_set_key_pair_info_ack(&sz, &r), OT_E_VERSION);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(change_layout),
      cmocka_unit_test(erase_layout),
      cmocka_unit_test(pqc_14),
      cmocka_unit_test(ack_layout),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
