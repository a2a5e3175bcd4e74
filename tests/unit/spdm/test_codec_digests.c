/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_DIGESTS / DIGESTS codec (src/spdm/codec_digests.c). */
#include "codec_check.h"

static uint8_t h[3][48];

static ot_spdm_digests digests(void) {
  ot_spdm_digests d = {.supported_slot_mask = 0x13, .provisioned_slot_mask = 0x13};
  for (int i = 0; i < 3; i++) cc_fill(h[i], sizeof h[i], (uint8_t)(0x10 * i));
  d.digest[0] = h[0];
  d.digest[1] = h[1];
  d.digest[4] = h[2];
  d.key_pair_id[0] = d.key_pair_id[1] = 4;
  d.key_pair_id[4] = 0x10;
  d.cert_info[0] = d.cert_info[1] = d.cert_info[4] = OT_SPDM_CERT_MODEL_DEVICE;
  d.key_usage[0] = d.key_usage[1] = d.key_usage[4] = 0x000f;
  return d;
}

static void get_digests_is_header_only(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_get_digests(&sz, &w));
  static const uint8_t want[] = {0x13, 0x81, 0, 0};
  assert_memory_equal(buf, want, 4);
  cc_check_message(&sz, buf, 4);
}

static void digests_13_multi_key_round_trip(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_digests m = digests(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_digests(&sz, &w, &m));
  size_t n = ot_writer_len(&w);
  assert_int_equal(n, 4 + 3 * 32 + 3 * 4); /* SPEC-FACTS §2.6 */
  static const uint8_t tail[] = {4, 4, 0x10, 1, 1, 1, 0x0f, 0, 0x0f, 0, 0x0f, 0};
  assert_memory_equal(buf + n - sizeof tail, tail, sizeof tail);
  cc_check_message(&sz, buf, n);
  ot_reader r = cc_reader(buf, n);
  assert_ot_ok(ot_spdm_decode_digests(&sz, &r, &d));
  assert_memory_equal(d.digest[4], h[2], 32);
  assert_null(d.digest[3]);
  assert_int_equal(d.key_pair_id[4], 0x10);
}

static void digests_12_has_no_multi_key_arrays(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_digests m = digests(), d;
  m.supported_slot_mask = 0; /* reserved in 1.2 */
  m.provisioned_slot_mask = 0x03;
  m.digest[4] = NULL;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_digests(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 4 + 2 * 48);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  buf[2] = 0xff; /* reserved Param1 is ignored */
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_digests(&sz, &r, &d));
  assert_int_equal(d.supported_slot_mask, 0);
}

static void digests_13_without_multi_key_conn(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  sz.multi_key_conn = false;
  ot_spdm_digests m = digests();
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_digests(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 4 + 3 * 32);
  cc_check_message(&sz, buf, ot_writer_len(&w));
}

static void slot_mask_over_the_buffer_is_truncated(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_digests m = digests(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_digests(&sz, &w, &m));
  buf[3] = 0xff; /* claims 8 digests */
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_code(ot_spdm_decode_digests(&sz, &r, &d), OT_E_TRUNCATED);
}

static void missing_digest_cannot_be_encoded(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_digests m = digests();
  m.digest[1] = NULL;
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_digests(&sz, &w, &m), OT_E_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(get_digests_is_header_only),
      cmocka_unit_test(digests_13_multi_key_round_trip),
      cmocka_unit_test(digests_12_has_no_multi_key_arrays),
      cmocka_unit_test(digests_13_without_multi_key_conn),
      cmocka_unit_test(slot_mask_over_the_buffer_is_truncated),
      cmocka_unit_test(missing_digest_cannot_be_encoded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
