/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_CAPABILITIES / CAPABILITIES codec (src/spdm/codec_capabilities.c). */
#include "codec_check.h"

static ot_spdm_capabilities caps(void) {
  ot_spdm_capabilities c = {.ct_exponent = 12,
                            .flags = 0x0882f7c6,
                            .data_transfer_size = 0x1200,
                            .max_msg_size = 0x28000};
  return c;
}

static void get_capabilities_12_is_20_bytes(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_capabilities c = caps(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_get_capabilities(&sz, &w, &c));
  assert_int_equal(ot_writer_len(&w), 20);
  cc_check_message(&sz, buf, 20);
  ot_reader r = cc_reader(buf, 20);
  assert_ot_ok(ot_spdm_decode_get_capabilities(&sz, &r, &d));
  assert_int_equal(d.flags, c.flags);
  assert_int_equal(d.ct_exponent, 12);
  assert_int_equal(d.max_msg_size, 0x28000);
}

static void capabilities_13_carries_the_supported_algorithms_block(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_capabilities c = caps(), d;
  c.supported_algs = true;
  c.algs = (ot_spdm_alg_offer){.meas_spec = 1,
                               .other_params = 2,
                               .base_asym = 0x90,
                               .base_hash = 3,
                               .mel_spec = 1,
                               .alg_count = 2};
  c.algs.alg[0] = (ot_spdm_alg_struct){.type = OT_SPDM_ALG_TYPE_DHE, .supported = 0x18};
  c.algs.alg[1] = (ot_spdm_alg_struct){.type = OT_SPDM_ALG_TYPE_KEY_SCHEDULE, .supported = 1};
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_capabilities(&sz, &w, &c));
  assert_int_equal(ot_writer_len(&w), 20 + 30 + 2 * 4);
  assert_int_equal(buf[2], OT_SPDM_CAP_PARAM1_SUPPORTED_ALGS);
  assert_int_equal(ot_load_u16le(buf + 22), 38); /* block Length counts from Param1 */
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_capabilities(&sz, &r, &d));
  assert_true(d.supported_algs);
  assert_int_equal(d.algs.alg_count, 2);
  assert_int_equal(d.algs.alg[1].type, OT_SPDM_ALG_TYPE_KEY_SCHEDULE);
  assert_int_equal(d.algs.base_asym, 0x90);
}

static void supported_algorithms_block_length_must_match(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_capabilities c = caps(), d;
  c.supported_algs = true;
  c.algs = (ot_spdm_alg_offer){.base_asym = 0x10, .base_hash = 1};
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_capabilities(&sz, &w, &c));
  buf[22]++;
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_code(ot_spdm_decode_capabilities(&sz, &r, &d), OT_E_MALFORMED);
}

static void param1_bit_is_reserved_in_12(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_capabilities c = caps(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_capabilities(&sz, &w, &c));
  buf[2] = OT_SPDM_CAP_PARAM1_SUPPORTED_ALGS; /* ignored on receive */
  ot_reader r = cc_reader(buf, 20);
  assert_ot_ok(ot_spdm_decode_capabilities(&sz, &r, &d));
  assert_false(d.supported_algs);
  c.supported_algs = true; /* and cannot be sent */
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_capabilities(&sz, &w, &c), OT_E_ARG);
}

static void data_transfer_size_below_42_is_malformed(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_capabilities c = caps(), d;
  c.data_transfer_size = 41;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_get_capabilities(&sz, &w, &c));
  ot_reader r = cc_reader(buf, 20);
  assert_ot_code(ot_spdm_decode_get_capabilities(&sz, &r, &d), OT_E_MALFORMED);
}

static void max_message_size_below_transfer_size_is_malformed(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_capabilities c = caps(), d;
  c.max_msg_size = c.data_transfer_size - 1;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_capabilities(&sz, &w, &c));
  ot_reader r = cc_reader(buf, 20);
  assert_ot_code(ot_spdm_decode_capabilities(&sz, &r, &d), OT_E_MALFORMED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(get_capabilities_12_is_20_bytes),
      cmocka_unit_test(capabilities_13_carries_the_supported_algorithms_block),
      cmocka_unit_test(supported_algorithms_block_length_must_match),
      cmocka_unit_test(param1_bit_is_reserved_in_12),
      cmocka_unit_test(data_transfer_size_below_42_is_malformed),
      cmocka_unit_test(max_message_size_below_transfer_size_is_malformed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
