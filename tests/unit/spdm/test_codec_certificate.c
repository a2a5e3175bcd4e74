/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_CERTIFICATE / CERTIFICATE and certificate chain codec (src/spdm/codec_certificate.c). */
#include "codec_check.h"

static void get_certificate_round_trips(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_get_certificate m = {.slot_id = 4,
                               .attributes = OT_SPDM_GET_CERT_SLOT_SIZE_REQUESTED,
                               .offset = 0x400,
                               .length = 0xffff},
                          d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_get_certificate(&sz, &w, &m));
  static const uint8_t want[] = {0x13, 0x82, 0x04, 0x01, 0x00, 0x04, 0xff, 0xff};
  assert_int_equal(ot_writer_len(&w), 8);
  assert_memory_equal(buf, want, 8);
  cc_check_message(&sz, buf, 8);
  ot_reader r = cc_reader(buf, 8);
  assert_ot_ok(ot_spdm_decode_get_certificate(&sz, &r, &d));
  assert_int_equal(d.offset, 0x400);
  assert_int_equal(d.attributes, 1);
}

static void get_certificate_12_ignores_param2_and_high_slot_bits(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t msg[] = {0x12, 0x82, 0xf1, 0xff, 0, 0, 0x10, 0};
  ot_spdm_get_certificate d;
  ot_reader r = cc_reader(msg, sizeof msg);
  assert_ot_ok(ot_spdm_decode_get_certificate(&sz, &r, &d));
  assert_int_equal(d.slot_id, 1);
  assert_int_equal(d.attributes, 0);
}

static void slot_above_7_is_malformed(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  static const uint8_t msg[] = {0x12, 0x82, 0x08, 0, 0, 0, 0x10, 0};
  ot_spdm_get_certificate d;
  ot_reader r = cc_reader(msg, sizeof msg);
  assert_ot_code(ot_spdm_decode_get_certificate(&sz, &r, &d), OT_E_MALFORMED);
}

static void certificate_portion_round_trips(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  uint8_t portion[100];
  cc_fill(portion, sizeof portion, 7);
  ot_spdm_certificate m = {.slot_id = 1,
                           .cert_info = OT_SPDM_CERT_MODEL_ALIAS,
                           .portion_len = 100,
                           .remainder_len = 300,
                           .portion = portion},
                      d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_certificate(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 108);
  cc_check_message(&sz, buf, 108);
  ot_reader r = cc_reader(buf, 108);
  assert_ot_ok(ot_spdm_decode_certificate(&sz, &r, &d));
  assert_int_equal(d.remainder_len, 300);
  assert_int_equal(d.cert_info, OT_SPDM_CERT_MODEL_ALIAS);
  assert_memory_equal(d.portion, portion, 100);
}

static void portion_length_over_the_buffer_is_truncated(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  uint8_t portion[10] = {0};
  ot_spdm_certificate m = {.portion_len = 10, .portion = portion}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_certificate(&sz, &w, &m));
  buf[4] = 11;
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_code(ot_spdm_decode_certificate(&sz, &r, &d), OT_E_TRUNCATED);
}

static void cert_chain_round_trips(void **state) {
  (void)state;
  uint8_t root[48], der[20], out[200];
  cc_fill(root, sizeof root, 1);
  cc_fill(der, sizeof der, 0x30);
  ot_spdm_cert_chain c = {.root_hash = root, .certs = der, .certs_len = sizeof der}, d;
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_ok(ot_spdm_cert_chain_encode(48, &w, &c));
  assert_int_equal(ot_writer_len(&w), 4 + 48 + 20);
  assert_int_equal(ot_load_u16le(out), 72);
  assert_ot_ok(ot_spdm_cert_chain_decode(48, out, 72, &d));
  assert_int_equal(d.length, 72);
  assert_memory_equal(d.root_hash, root, 48);
  assert_int_equal(d.certs_len, 20);
  for (size_t n = 0; n < 72; n++) assert_false(ot_ok(ot_spdm_cert_chain_decode(48, out, n, &d)));
}

static void cert_chain_length_must_match_and_hold_a_cert(void **state) {
  (void)state;
  uint8_t chain[4 + 32 + 4] = {40, 0};
  ot_spdm_cert_chain d;
  assert_ot_ok(ot_spdm_cert_chain_decode(32, chain, sizeof chain, &d));
  chain[0] = 41;
  assert_ot_code(ot_spdm_cert_chain_decode(32, chain, sizeof chain, &d), OT_E_MALFORMED);
  chain[0] = 36; /* no certificate after the root hash */
  assert_ot_code(ot_spdm_cert_chain_decode(32, chain, 36, &d), OT_E_MALFORMED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(get_certificate_round_trips),
      cmocka_unit_test(get_certificate_12_ignores_param2_and_high_slot_bits),
      cmocka_unit_test(slot_above_7_is_malformed),
      cmocka_unit_test(certificate_portion_round_trips),
      cmocka_unit_test(portion_length_over_the_buffer_is_truncated),
      cmocka_unit_test(cert_chain_round_trips),
      cmocka_unit_test(cert_chain_length_must_match_and_hold_a_cert),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
