/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_MEASUREMENTS / MEASUREMENTS, measurement blocks and DMTF values
 * (src/spdm/codec_measurements.c). */
#include "codec_check.h"

static void get_measurements_sizes_match_spec_facts(void **state) {
  (void)state;
  /* SPEC-FACTS §2.9: 1.2 unsigned 4, signed 37; 1.3 unsigned 12, signed 45. */
  static const struct {
    bool v13, sig;
    size_t len;
  } cases[] = {{false, false, 4}, {false, true, 37}, {true, false, 12}, {true, true, 45}};
  for (size_t i = 0; i < 4; i++) {
    ot_spdm_sizes sz = cases[i].v13 ? cc_sizes13() : cc_sizes12();
    ot_spdm_get_measurements m = {.attributes = cases[i].sig ? OT_SPDM_MEAS_ATTR_SIGNATURE : 0,
                                  .operation = OT_SPDM_MEAS_OP_ALL,
                                  .slot_id = 2},
                             d;
    if (!cases[i].sig) m.slot_id = 0;
    cc_fill(m.nonce, sizeof m.nonce, 9);
    cc_fill(m.context, sizeof m.context, 1);
    if (!cases[i].sig) memset(m.nonce, 0, sizeof m.nonce);
    if (!cases[i].v13) memset(m.context, 0, sizeof m.context);
    CC_WRITER(w, buf);
    assert_ot_ok(ot_spdm_encode_get_measurements(&sz, &w, &m));
    assert_int_equal(ot_writer_len(&w), cases[i].len);
    cc_check_message(&sz, buf, cases[i].len);
    ot_reader r = cc_reader(buf, cases[i].len);
    assert_ot_ok(ot_spdm_decode_get_measurements(&sz, &r, &d));
    assert_memory_equal(&d, &m, sizeof d);
  }
}

static void new_measurement_attribute_exists_only_in_13(void **state) {
  (void)state;
  ot_spdm_sizes s12 = cc_sizes12();
  ot_spdm_get_measurements m = {.attributes = OT_SPDM_MEAS_ATTR_NEW_MEASUREMENT, .operation = 1}, d;
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_get_measurements(&s12, &w, &m), OT_E_ARG);
  static const uint8_t msg[] = {0x12, 0xe0, 0x04, 0x01};
  ot_reader r = cc_reader(msg, sizeof msg);
  assert_ot_ok(ot_spdm_decode_get_measurements(&s12, &r, &d));
  assert_int_equal(d.attributes, 0); /* reserved bit ignored */
}

/* Two DMTF blocks: a SHA-384 digest of firmware and a raw version string. */
static size_t build_record(uint8_t *rec, size_t cap) {
  uint8_t digest[48], raw[5] = {'1', '.', '2', '.', '3'}, val[64];
  cc_fill(digest, sizeof digest, 0x40);
  ot_writer w, v;
  ot_writer_init(&w, rec, cap);
  ot_spdm_dmtf_meas d1 = {OT_SPDM_DMTF_MEAS_MUTABLE_FIRMWARE, 48, digest};
  ot_spdm_dmtf_meas d2 = {OT_SPDM_DMTF_MEAS_RAW_BIT_STREAM | OT_SPDM_DMTF_MEAS_VERSION, 5, raw};
  ot_writer_init(&v, val, sizeof val);
  assert_ot_ok(ot_spdm_dmtf_meas_encode(&v, &d1));
  ot_spdm_meas_block b = {1, OT_SPDM_MEAS_SPEC_DMTF, (uint16_t)ot_writer_len(&v), val};
  assert_ot_ok(ot_spdm_meas_block_encode(&w, &b));
  ot_writer_init(&v, val, sizeof val);
  assert_ot_ok(ot_spdm_dmtf_meas_encode(&v, &d2));
  b = (ot_spdm_meas_block){2, OT_SPDM_MEAS_SPEC_DMTF, (uint16_t)ot_writer_len(&v), val};
  assert_ot_ok(ot_spdm_meas_block_encode(&w, &b));
  return ot_writer_len(&w);
}

static uint8_t record[256], sig[96], opaque[8];

static ot_spdm_measurements meas(void) {
  ot_spdm_measurements m = {.slot_id = 0,
                            .content_changed = OT_SPDM_MEAS_CONTENT_UNCHANGED,
                            .block_count = 2,
                            .record = record,
                            .opaque_len = sizeof opaque,
                            .opaque = opaque,
                            .signature = sig};
  m.record_len = (uint32_t)build_record(record, sizeof record);
  cc_fill(m.nonce, sizeof m.nonce, 0x77);
  cc_fill(sig, sizeof sig, 0x99);
  return m;
}

static void signed_measurements_round_trip_and_blocks_iterate(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_measurements m = meas(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_measurements(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 8 + m.record_len + 32 + 2 + 8 + 96);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_measurements(&sz, &r, &d));
  assert_int_equal(d.content_changed, OT_SPDM_MEAS_CONTENT_UNCHANGED);
  ot_reader rec = cc_reader(d.record, d.record_len);
  ot_spdm_meas_block b;
  ot_spdm_dmtf_meas v;
  assert_ot_ok(ot_spdm_meas_block_next(&rec, &b));
  assert_ot_ok(ot_spdm_dmtf_meas_decode(&b, &v));
  assert_int_equal(v.value_size, 48);
  assert_ot_ok(ot_spdm_meas_block_next(&rec, &b));
  assert_ot_ok(ot_spdm_dmtf_meas_decode(&b, &v));
  assert_int_equal(v.value_type, 0x86);
  assert_memory_equal(v.value, "1.2.3", 5);
  assert_int_equal(ot_reader_remaining(&rec), 0);
}

static void unsigned_13_measurements_have_context_and_no_signature(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  sz.meas_signature = false;
  ot_spdm_measurements m = meas(), d;
  m.signature = NULL;
  cc_fill(m.context, sizeof m.context, 0x31);
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_measurements(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 8 + m.record_len + 32 + 2 + 8 + 8);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_measurements(&sz, &r, &d));
  assert_null(d.signature);
  assert_memory_equal(d.context, m.context, 8);
}

static void count_only_reply_round_trips(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  sz.meas_signature = false;
  ot_spdm_measurements m = {.total_indices = 8}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_measurements(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 8 + 32 + 2 + 8);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_measurements(&sz, &r, &d));
  assert_int_equal(d.total_indices, 8);
  assert_int_equal(d.block_count, 0);
}

static void block_count_must_match_the_record(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_measurements m = meas(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_measurements(&sz, &w, &m));
  size_t n = ot_writer_len(&w);
  buf[4] = 3; /* one block too many */
  ot_reader r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_measurements(&sz, &r, &d), OT_E_MALFORMED);
  buf[4] = 1; /* one too few: bytes left in the record */
  r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_measurements(&sz, &r, &d), OT_E_MALFORMED);
  m.block_count = 1;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_measurements(&sz, &w, &m), OT_E_MALFORMED);
}

static void dmtf_value_size_must_match_block_size(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_measurements m = meas(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_measurements(&sz, &w, &m));
  buf[8 + 4 + 1]--; /* first block's DMTF ValueSize */
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_code(ot_spdm_decode_measurements(&sz, &r, &d), OT_E_MALFORMED);
}

static void record_length_over_the_buffer_is_truncated(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_measurements m = meas(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_measurements(&sz, &w, &m));
  buf[7] = 0x10; /* MeasurementRecordLength high byte: 1 MiB */
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_code(ot_spdm_decode_measurements(&sz, &r, &d), OT_E_TRUNCATED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(get_measurements_sizes_match_spec_facts),
      cmocka_unit_test(new_measurement_attribute_exists_only_in_13),
      cmocka_unit_test(signed_measurements_round_trip_and_blocks_iterate),
      cmocka_unit_test(unsigned_13_measurements_have_context_and_no_signature),
      cmocka_unit_test(count_only_reply_round_trips),
      cmocka_unit_test(block_count_must_match_the_record),
      cmocka_unit_test(dmtf_value_size_must_match_block_size),
      cmocka_unit_test(record_length_over_the_buffer_is_truncated),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
