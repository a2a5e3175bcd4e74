/* SPDX-License-Identifier: BSD-3-Clause */
/* CHUNK_SEND / CHUNK_SEND_ACK / CHUNK_GET / CHUNK_RESPONSE codec (src/spdm/codec_chunk.c). */
#include "codec_check.h"

static uint8_t piece[100];

static void first_chunk_carries_the_large_message_size(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  cc_fill(piece, sizeof piece, 1);
  ot_spdm_chunk m = {.handle = 7,
                     .seq_no = 0,
                     .large_message_size = 300,
                     .chunk_size = 100,
                     .chunk = piece},
                d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_chunk_send(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 16 + 100);
  cc_check_message(&sz, buf, 116);
  ot_reader r = cc_reader(buf, 116);
  assert_ot_ok(ot_spdm_decode_chunk_send(&sz, &r, &d));
  assert_int_equal(d.large_message_size, 300);
  assert_int_equal(d.handle, 7);
}

static void later_chunks_have_no_large_message_size(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_chunk m = {.last = true, .handle = 7, .seq_no = 2, .chunk_size = 50, .chunk = piece}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_chunk_response(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 12 + 50);
  cc_check_message(&sz, buf, 62);
  ot_reader r = cc_reader(buf, 62);
  assert_ot_ok(ot_spdm_decode_chunk_response(&sz, &r, &d));
  assert_true(d.last);
  assert_int_equal(d.seq_no, 2);
  m.large_message_size = 1; /* only chunk 0 may carry it */
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_chunk_response(&sz, &w, &m), OT_E_ARG);
}

static void chunk_size_over_the_buffer_is_truncated(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_chunk m = {.seq_no = 1, .chunk_size = 10, .chunk = piece}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_chunk_send(&sz, &w, &m));
  buf[8] = 11;
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_code(ot_spdm_decode_chunk_send(&sz, &r, &d), OT_E_TRUNCATED);
}

static void chunk_get_round_trips(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_chunk_get m = {.handle = 3, .seq_no = 0x102}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_chunk_get(&sz, &w, &m));
  static const uint8_t want[] = {0x12, 0x86, 0, 3, 0x02, 0x01};
  assert_memory_equal(buf, want, 6);
  cc_check_message(&sz, buf, 6);
  ot_reader r = cc_reader(buf, 6);
  assert_ot_ok(ot_spdm_decode_chunk_get(&sz, &r, &d));
  assert_int_equal(d.seq_no, 0x102);
}

static void chunk_send_ack_with_and_without_the_response(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_chunk_send_ack m = {.handle = 7, .seq_no = 1}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_chunk_send_ack(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 6);
  cc_check_message_min(&sz, buf, 6, 6);
  memset(buf + 6, 0, 2); /* DOE pads the 6-byte ACK to 8 */
  size_t exact;
  assert_ot_ok(ot_spdm_message_length(&sz, buf, 8, &exact));
  assert_int_equal(exact, 6);
  /* Early error: the ACK carries an ERROR; its exact length comes from the ERROR. */
  static const uint8_t err[] = {0x12, 0x7f, OT_SPDM_ERR_INVALID_REQUEST, 0};
  m = (ot_spdm_chunk_send_ack){
      .early_error = true, .handle = 7, .seq_no = 1, .response_len = 4, .response = err};
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_chunk_send_ack(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 10);
  cc_check_message_min(&sz, buf, 10, 6);
  memset(buf + 10, 0, 2);
  assert_ot_ok(ot_spdm_message_length(&sz, buf, 12, &exact));
  assert_int_equal(exact, 10);
  ot_reader r = cc_reader(buf, 10);
  assert_ot_ok(ot_spdm_decode_chunk_send_ack(&sz, &r, &d));
  assert_true(d.early_error);
  assert_int_equal(d.response_len, 4);
  assert_memory_equal(d.response, err, 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(first_chunk_carries_the_large_message_size),
      cmocka_unit_test(later_chunks_have_no_large_message_size),
      cmocka_unit_test(chunk_size_over_the_buffer_is_truncated),
      cmocka_unit_test(chunk_get_round_trips),
      cmocka_unit_test(chunk_send_ack_with_and_without_the_response),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
