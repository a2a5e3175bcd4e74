/* SPDX-License-Identifier: BSD-3-Clause */
/* NEGOTIATE_ALGORITHMS / ALGORITHMS codec (src/spdm/codec_algorithms.c). */
#include "codec_check.h"

static const uint8_t ext[] = {0x03, 0x00, 0x34, 0x12, 0x04, 0x00, 0x78, 0x56};

static ot_spdm_alg_offer offer(void) {
  ot_spdm_alg_offer o = {.meas_spec = OT_SPDM_MEAS_SPEC_DMTF,
                         .other_params = OT_SPDM_OPAQUE_FMT_1,
                         .base_asym = OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384,
                         .base_hash = OT_SPDM_HASH_SHA_256 | OT_SPDM_HASH_SHA_384,
                         .ext_asym = {1, ext},
                         .ext_hash = {1, ext + 4},
                         .alg_count = 4};
  o.alg[0] = (ot_spdm_alg_struct){OT_SPDM_ALG_TYPE_DHE, OT_SPDM_DHE_SECP384R1, {0, NULL}};
  o.alg[1] = (ot_spdm_alg_struct){OT_SPDM_ALG_TYPE_AEAD, OT_SPDM_AEAD_AES_256_GCM, {2, ext}};
  o.alg[2] = (ot_spdm_alg_struct){OT_SPDM_ALG_TYPE_REQ_BASE_ASYM, 0x0f, {0, NULL}};
  o.alg[3] = (ot_spdm_alg_struct){OT_SPDM_ALG_TYPE_KEY_SCHEDULE, 1, {0, NULL}};
  return o;
}

static size_t encode_offer(const ot_spdm_sizes *sz, const ot_spdm_alg_offer *o, uint8_t *buf) {
  ot_writer w;
  ot_writer_init(&w, buf, CC_BUF);
  assert_ot_ok(ot_spdm_encode_negotiate_algorithms(sz, &w, o));
  return ot_writer_len(&w);
}

static void negotiate_algorithms_round_trips(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_alg_offer o = offer(), d;
  uint8_t buf[CC_BUF];
  size_t n = encode_offer(&sz, &o, buf);
  assert_int_equal(n, 32 + 8 + 4 * 4 + 8);
  assert_int_equal(ot_load_u16le(buf + 4), n);
  cc_check_message(&sz, buf, n);
  ot_reader r = cc_reader(buf, n);
  assert_ot_ok(ot_spdm_decode_negotiate_algorithms(&sz, &r, &d));
  assert_int_equal(d.alg[1].ext.count, 2);
  assert_memory_equal(d.alg[1].ext.ext, ext, 8);
  assert_int_equal(d.base_hash, o.base_hash);
}

static void negotiate_algorithms_13_carries_mel_and_multi_key(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_alg_offer o = offer(), d;
  o.mel_spec = OT_SPDM_MEL_SPEC_DMTF;
  o.other_params |= OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN;
  uint8_t buf[CC_BUF];
  size_t n = encode_offer(&sz, &o, buf);
  cc_check_message(&sz, buf, n);
  ot_reader r = cc_reader(buf, n);
  assert_ot_ok(ot_spdm_decode_negotiate_algorithms(&sz, &r, &d));
  assert_int_equal(d.mel_spec, 1);
  assert_int_equal(d.other_params, 0x12);
  ot_spdm_sizes s12 = cc_sizes12(); /* neither exists in 1.2 */
  ot_writer w;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_negotiate_algorithms(&s12, &w, &o), OT_E_ARG);
}

/* Offsets in an encoded offer: AlgStructs start at 32 + 8 (ext algs). */
#define ALG0 40

static void length_field_must_match(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_alg_offer o = offer(), d;
  uint8_t buf[CC_BUF];
  size_t n = encode_offer(&sz, &o, buf);
  buf[4]--;
  ot_reader r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_negotiate_algorithms(&sz, &r, &d), OT_E_MALFORMED);
}

static void length_over_128_is_too_large(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_alg_offer o = offer(), d;
  uint8_t buf[CC_BUF];
  size_t n = encode_offer(&sz, &o, buf);
  ot_store_u16le(buf + 4, 129);
  ot_reader r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_negotiate_algorithms(&sz, &r, &d), OT_E_TOO_LARGE);
}

static void fixed_alg_count_must_be_two(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_alg_offer o = offer(), d;
  uint8_t buf[CC_BUF];
  size_t n = encode_offer(&sz, &o, buf);
  assert_int_equal(buf[ALG0 + 1], 0x20);
  buf[ALG0 + 1] = 0x30;
  ot_reader r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_negotiate_algorithms(&sz, &r, &d), OT_E_MALFORMED);
}

static void alg_types_must_ascend_once_each(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_alg_offer o = offer(), d;
  o.alg[1].type = OT_SPDM_ALG_TYPE_DHE; /* repeated */
  uint8_t buf[CC_BUF];
  size_t n = encode_offer(&sz, &o, buf);
  ot_reader r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_negotiate_algorithms(&sz, &r, &d), OT_E_MALFORMED);
  o = offer();
  o.alg[3].type = 6; /* unknown AlgType */
  n = encode_offer(&sz, &o, buf);
  r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_negotiate_algorithms(&sz, &r, &d), OT_E_MALFORMED);
}

static void more_than_four_alg_structs_is_malformed(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_alg_offer o = offer(), d;
  uint8_t buf[CC_BUF];
  size_t n = encode_offer(&sz, &o, buf);
  buf[2] = 5;
  ot_reader r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_negotiate_algorithms(&sz, &r, &d), OT_E_MALFORMED);
  o.alg_count = 5;
  ot_writer w;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_negotiate_algorithms(&sz, &w, &o), OT_E_ARG);
}

static void ext_count_over_the_buffer_is_truncated(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_alg_offer o = offer(), d;
  uint8_t buf[CC_BUF];
  size_t n = encode_offer(&sz, &o, buf);
  buf[28] = 20; /* ExtAsymCount */
  ot_reader r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_negotiate_algorithms(&sz, &r, &d), OT_E_TRUNCATED);
}

static ot_spdm_algorithms selection(void) {
  ot_spdm_algorithms a = {.meas_spec_sel = 1,
                          .other_params_sel = OT_SPDM_OPAQUE_FMT_1,
                          .meas_hash_algo = OT_SPDM_MEAS_HASH_SHA_384,
                          .base_asym_sel = OT_SPDM_ASYM_ECDSA_P384,
                          .base_hash_sel = OT_SPDM_HASH_SHA_384,
                          .alg_count = 4};
  a.alg[0] = (ot_spdm_alg_struct){OT_SPDM_ALG_TYPE_DHE, OT_SPDM_DHE_SECP384R1, {0, NULL}};
  a.alg[1] = (ot_spdm_alg_struct){OT_SPDM_ALG_TYPE_AEAD, OT_SPDM_AEAD_AES_256_GCM, {0, NULL}};
  a.alg[2] =
      (ot_spdm_alg_struct){OT_SPDM_ALG_TYPE_REQ_BASE_ASYM, OT_SPDM_ASYM_RSAPSS_3072, {0, NULL}};
  a.alg[3] = (ot_spdm_alg_struct){OT_SPDM_ALG_TYPE_KEY_SCHEDULE, 1, {0, NULL}};
  return a;
}

static void algorithms_round_trip(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_algorithms a = selection(), d;
  a.ext_hash_sel = (ot_spdm_ext_algs){1, ext};
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_algorithms(&sz, &w, &a));
  assert_int_equal(ot_writer_len(&w), 36 + 4 + 16);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_algorithms(&sz, &r, &d));
  assert_int_equal(d.meas_hash_algo, OT_SPDM_MEAS_HASH_SHA_384);
  assert_int_equal(d.ext_hash_sel.count, 1);
  assert_int_equal(d.alg[2].supported, OT_SPDM_ASYM_RSAPSS_3072);
}

static void algorithms_select_at_most_one_extension(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_algorithms a = selection(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_algorithms(&sz, &w, &a));
  buf[32] = 2; /* ExtAsymSelCount */
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_code(ot_spdm_decode_algorithms(&sz, &r, &d), OT_E_MALFORMED);
  a.ext_asym_sel = (ot_spdm_ext_algs){2, ext};
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_algorithms(&sz, &w, &a), OT_E_ARG);
}

static void algorithms_length_must_match(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_algorithms a = selection(), d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_algorithms(&sz, &w, &a));
  buf[4]++;
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_code(ot_spdm_decode_algorithms(&sz, &r, &d), OT_E_MALFORMED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(negotiate_algorithms_round_trips),
      cmocka_unit_test(negotiate_algorithms_13_carries_mel_and_multi_key),
      cmocka_unit_test(length_field_must_match),
      cmocka_unit_test(length_over_128_is_too_large),
      cmocka_unit_test(fixed_alg_count_must_be_two),
      cmocka_unit_test(alg_types_must_ascend_once_each),
      cmocka_unit_test(more_than_four_alg_structs_is_malformed),
      cmocka_unit_test(ext_count_over_the_buffer_is_truncated),
      cmocka_unit_test(algorithms_round_trip),
      cmocka_unit_test(algorithms_select_at_most_one_extension),
      cmocka_unit_test(algorithms_length_must_match),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
