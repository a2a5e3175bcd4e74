/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_ENDPOINT_INFO / ENDPOINT_INFO and GET_MEASUREMENT_EXTENSION_LOG /
 * MEASUREMENT_EXTENSION_LOG codecs (src/spdm/codec_endpoint_info.c,
 * codec_mel.c): exact lengths from DSP0274 1.3 §10.23/§10.24 (as libspdm's
 * spdm.h structs: 8-byte request + 32-byte nonce when signed; 8-byte response
 * header + nonce + EPInfoLen + EPInfo + signature; 12-byte MEL request and
 * response headers), the DMTF EPInfo and MEL formats, and refusals. */
#include "codec_check.h"

static uint8_t sig[96], ep[16] = {1, 0, 0, 0, 11, 3, 2, 0x36, 0x1b, 2, 2, 0x10, 0, 2, 0, 0x11};

static void get_endpoint_info_signed_and_not(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_get_endpoint_info m = {.subcode = 1, .slot_id = 3, .attributes = 1}, d;
  cc_fill(m.nonce, sizeof m.nonce, 7);
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_get_endpoint_info(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 8 + 32);
  static const uint8_t head[8] = {0x13, 0x87, 0x01, 0x03, 0x01, 0, 0, 0};
  assert_memory_equal(buf, head, 8);
  cc_check_message(&sz, buf, 40);
  ot_reader r = cc_reader(buf, 40);
  assert_ot_ok(ot_spdm_decode_get_endpoint_info(&sz, &r, &d));
  assert_int_equal(d.slot_id, 3);
  assert_memory_equal(d.nonce, m.nonce, 32);
  /* Unsigned: 8 bytes, and SlotID must then be 0. */
  m.attributes = 0;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_get_endpoint_info(&sz, &w, &m), OT_E_ARG);
  m.slot_id = 0;
  assert_ot_ok(ot_spdm_encode_get_endpoint_info(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 8);
  cc_check_message(&sz, buf, 8);
}

static void endpoint_info_layouts(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  cc_fill(sig, sizeof sig, 3);
  ot_spdm_endpoint_info m = {.slot_id = 0, .ep_info_len = sizeof ep, .ep_info = ep}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_endpoint_info(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 4 + 4 + 4 + 16);
  cc_check_message(&sz, buf, 28);
  sz.ep_info_signature = true;
  m.signature = sig;
  m.slot_id = 2;
  cc_fill(m.nonce, 32, 9);
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_endpoint_info(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 4 + 4 + 32 + 4 + 16 + 64); /* P-256 signature */
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_endpoint_info(&sz, &r, &d));
  assert_int_equal(d.slot_id, 2);
  assert_int_equal(d.ep_info_len, 16);
  assert_memory_equal(d.signature, sig, 64);
  uint8_t count = 0;
  assert_ot_ok(ot_spdm_ep_info_check(d.ep_info, d.ep_info_len, &count));
  assert_int_equal(count, 1);
}

static void endpoint_info_refusals(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_get_endpoint_info g = {.subcode = 1};
  ot_spdm_endpoint_info d;
  CC_WRITER(w, buf);
  /* 1.3 messages: no 1.2 layout. */
  assert_ot_code(ot_spdm_encode_get_endpoint_info(&sz, &w, &g), OT_E_VERSION);
  static const uint8_t req12[8] = {0x12, 0x87, 1, 0, 0, 0, 0, 0};
  ot_reader r = cc_reader(req12, sizeof req12);
  ot_spdm_get_endpoint_info gd;
  assert_ot_code(ot_spdm_decode_get_endpoint_info(&sz, &r, &gd), OT_E_VERSION);
  sz = cc_sizes13();
  /* SlotID 8..14 is neither a slot nor the provisioned key (0xF). */
  static const uint8_t slot9[40] = {0x13, 0x87, 1, 9, 1};
  r = cc_reader(slot9, sizeof slot9);
  assert_ot_code(ot_spdm_decode_get_endpoint_info(&sz, &r, &gd), OT_E_MALFORMED);
  /* EPInfoLen above the bound, and one running past the message. */
  uint8_t big[12] = {0x13, 0x07, 0, 0, 0, 0, 0, 0};
  ot_store_u32le(big + 8, OT_SPDM_EP_INFO_MAX + 1);
  r = cc_reader(big, sizeof big);
  assert_ot_code(ot_spdm_decode_endpoint_info(&sz, &r, &d), OT_E_TOO_LARGE);
  ot_store_u32le(big + 8, 4);
  r = cc_reader(big, sizeof big);
  assert_ot_code(ot_spdm_decode_endpoint_info(&sz, &r, &d), OT_E_TRUNCATED);
  /* EPInfo: an element whose IdElemLength disagrees with its content. */
  uint8_t bad[16];
  memcpy(bad, ep, sizeof bad);
  bad[4] = 10; /* one byte short: the last sub-ID runs past the element */
  assert_false(ot_ok(ot_spdm_ep_info_check(bad, sizeof bad, NULL)));
  bad[4] = 11;
  bad[0] = 2; /* a second identifier that is not there */
  assert_ot_code(ot_spdm_ep_info_check(bad, sizeof bad, NULL), OT_E_TRUNCATED);
  bad[0] = 1;
  uint8_t longer[17] = {0};
  memcpy(longer, bad, sizeof bad);
  assert_ot_code(ot_spdm_ep_info_check(longer, sizeof longer, NULL), OT_E_MALFORMED);
}

/* A two-entry DMTF MEL. */
static size_t make_mel(uint8_t *m) {
  static const uint8_t mel[] = {2, 0, 0, 0, 28, 0, 0, 0, 0,    0,    0, 0,   0,   0,   0,
                                0, 1, 0, 0, 0,  1, 0, 0, 0,    0x80, 3, 0,   'a', 'b', 'c',
                                2, 0, 0, 0, 2,  0, 0, 0, 0x81, 3,    0, 'x', 'y', 'z'};
  memcpy(m, mel, sizeof mel);
  return sizeof mel;
}

static void mel_messages(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_get_mel g = {.offset = 0x10, .length = 0x200}, gd;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_get_mel(&sz, &w, &g));
  assert_int_equal(ot_writer_len(&w), 12);
  static const uint8_t want[12] = {0x13, 0xef, 0, 0, 0x10, 0, 0, 0, 0, 2, 0, 0};
  assert_memory_equal(buf, want, 12);
  cc_check_message(&sz, buf, 12);
  ot_reader r = cc_reader(buf, 12);
  assert_ot_ok(ot_spdm_decode_get_mel(&sz, &r, &gd));
  assert_int_equal(gd.length, 0x200);
  uint8_t mel[64];
  size_t n = make_mel(mel);
  uint32_t entries = 0;
  assert_ot_ok(ot_spdm_mel_check(mel, n, &entries));
  assert_int_equal(entries, 2);
  ot_spdm_mel m = {.portion_len = 20, .remainder_len = (uint32_t)n - 20, .portion = mel}, md;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_mel(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 12 + 20);
  cc_check_message(&sz, buf, 32);
  r = cc_reader(buf, 32);
  assert_ot_ok(ot_spdm_decode_mel(&sz, &r, &md));
  assert_int_equal(md.remainder_len, n - 20);
  /* Refusals: MELEntriesLen off by one, an entry count the bytes cannot
   * hold, a value running past the log, and the 1.2 layout. */
  mel[4] = 27;
  assert_ot_code(ot_spdm_mel_check(mel, n, NULL), OT_E_MALFORMED);
  mel[4] = 28;
  mel[0] = 3;
  assert_ot_code(ot_spdm_mel_check(mel, n, NULL), OT_E_MALFORMED);
  mel[0] = 2;
  mel[25] = 4;
  assert_false(ot_ok(ot_spdm_mel_check(mel, n, NULL)));
  sz = cc_sizes12();
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_get_mel(&sz, &w, &g), OT_E_VERSION);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(get_endpoint_info_signed_and_not),
      cmocka_unit_test(endpoint_info_layouts),
      cmocka_unit_test(endpoint_info_refusals),
      cmocka_unit_test(mel_messages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
