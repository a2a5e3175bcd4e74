/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Version-dependent layouts found against the DMTF reference at its defaults:
 * SPDM 1.4 PSK_FINISH / PSK_FINISH_RSP carry OpaqueDataLength (+ OpaqueData)
 * (DSP0274 1.4 "PSK_FINISH request and PSK_FINISH_RSP response messages"),
 * and the SPDM 1.1 ENCAPSULATED_RESPONSE_ACK has no AckRequestID (DSP0274
 * 1.1; the field and its 3 reserved bytes come with 1.2).
 */
#include "codec_check.h"

static ot_spdm_sizes sizes14(void) {
  ot_spdm_sizes s = cc_sizes13();
  s.version = OT_SPDM_VERSION_14;
  return s;
}

/* 1.4 PSK_FINISH: header | OpaqueDataLength | OpaqueData | RequesterVerifyData. */
static void psk_finish_14_has_opaque_data(void **state) {
  (void)state;
  ot_spdm_sizes sz = sizes14(); /* H 32 */
  uint8_t verify[32], opaque[5];
  cc_fill(verify, sizeof verify, 0x40);
  cc_fill(opaque, sizeof opaque, 0x70);
  ot_spdm_psk_finish f = {.verify_data = verify}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_psk_finish(&sz, &w, &f));
  assert_int_equal(ot_writer_len(&w), 4 + 2 + 32);
  static const uint8_t head[6] = {0x14, 0xe7, 0, 0, 0, 0};
  assert_memory_equal(buf, head, 6);
  assert_memory_equal(buf + 6, verify, 32);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  /* With opaque data: the verify data moves behind it. */
  f.opaque = opaque;
  f.opaque_len = sizeof opaque;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_psk_finish(&sz, &w, &f));
  size_t n = ot_writer_len(&w);
  assert_int_equal(n, 4 + 2 + 5 + 32);
  assert_int_equal(buf[4], 5);
  cc_check_message(&sz, buf, n);
  ot_reader r = cc_reader(buf, n);
  assert_ot_ok(ot_spdm_decode_psk_finish(&sz, &r, &d));
  assert_int_equal(d.opaque_len, 5);
  assert_memory_equal(d.opaque, opaque, 5);
  assert_memory_equal(d.verify_data, verify, 32);
  /* An OpaqueDataLength past the message: truncated, nothing decoded. */
  buf[4] = 0xff;
  r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_psk_finish(&sz, &r, &d), OT_E_TRUNCATED);
}

/* 1.3 keeps the header | RequesterVerifyData layout; opaque data is refused. */
static void psk_finish_13_has_none(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  uint8_t verify[32], opaque[1] = {0};
  cc_fill(verify, sizeof verify, 1);
  ot_spdm_psk_finish f = {.verify_data = verify};
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_psk_finish(&sz, &w, &f));
  assert_int_equal(ot_writer_len(&w), 4 + 32);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  f.opaque = opaque;
  f.opaque_len = 1;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_psk_finish(&sz, &w, &f), OT_E_ARG);
}

/* 1.4 PSK_FINISH_RSP: header | OpaqueDataLength(0) from us; a peer's opaque
 * data is read past (the reference sends 14 67 00 00 00 00). */
static void psk_finish_rsp_14(void **state) {
  (void)state;
  ot_spdm_sizes sz = sizes14();
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_psk_finish_rsp(&sz, &w));
  static const uint8_t want[6] = {0x14, 0x67, 0, 0, 0, 0};
  assert_int_equal(ot_writer_len(&w), 6);
  assert_memory_equal(buf, want, 6);
  cc_check_message(&sz, buf, 6);
  static const uint8_t with_opaque[9] = {0x14, 0x67, 0, 0, 3, 0, 0xa, 0xb, 0xc};
  ot_reader r = cc_reader(with_opaque, sizeof with_opaque);
  assert_ot_ok(ot_spdm_decode_psk_finish_rsp(&sz, &r));
  size_t exact = 0;
  assert_ot_ok(ot_spdm_message_length(&sz, with_opaque, sizeof with_opaque, &exact));
  assert_int_equal(exact, 9);
  /* The 1.3 form (header alone) is truncated at 1.4 ... */
  r = cc_reader(want, 4);
  assert_ot_code(ot_spdm_decode_psk_finish_rsp(&sz, &r), OT_E_TRUNCATED);
  /* ... and at 1.3 the header is the whole message. */
  ot_spdm_sizes s13 = cc_sizes13();
  static const uint8_t v13[4] = {0x13, 0x67, 0, 0};
  r = cc_reader(v13, 4);
  assert_ot_ok(ot_spdm_decode_psk_finish_rsp(&s13, &r));
  cc_check_message(&s13, v13, 4);
}

/* 1.1 ENCAPSULATED_RESPONSE_ACK: header | encapsulated request, as the
 * reference sends it: 11 6b 02 01 | 11 82 00 00 00 00 ff ff. */
static void encapsulated_response_ack_11_has_no_ack_id(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  sz.version = OT_SPDM_VERSION_11;
  static const uint8_t wire[12] = {0x11, 0x6b, 0x02, 0x01, 0x11, 0x82,
                                   0x00, 0x00, 0x00, 0x00, 0xff, 0xff};
  ot_spdm_encap d;
  ot_reader r = cc_reader(wire, sizeof wire);
  assert_ot_ok(ot_spdm_decode_encapsulated_response_ack(&sz, &r, &d));
  assert_int_equal(d.request_id, 2);
  assert_int_equal(d.payload_type, OT_SPDM_ENCAP_ACK_PRESENT);
  assert_int_equal(d.ack_request_id, 0);
  assert_int_equal(d.msg_len, 8);
  assert_memory_equal(d.msg, wire + 4, 8);
  cc_check_message(&sz, wire, sizeof wire);
  /* Encoding gives the same bytes; with no payload it is the header alone. */
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_encapsulated_response_ack(&sz, &w, &d));
  assert_int_equal(ot_writer_len(&w), 12);
  assert_memory_equal(buf, wire, 12);
  ot_spdm_encap done = {.request_id = 0, .payload_type = OT_SPDM_ENCAP_ACK_ABSENT};
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_encapsulated_response_ack(&sz, &w, &done));
  assert_int_equal(ot_writer_len(&w), 4);
  cc_check_message(&sz, buf, 4);
  /* The same bytes read as 1.2 lose 4 bytes to AckRequestID/Reserved: the
   * embedded request is cut short, and the decode fails. */
  ot_spdm_sizes s12 = cc_sizes12();
  uint8_t as12[12];
  memcpy(as12, wire, sizeof as12);
  as12[0] = as12[4] = 0x12;
  r = cc_reader(as12, sizeof as12);
  assert_false(ot_ok(ot_spdm_decode_encapsulated_response_ack(&s12, &r, &d)));
}

/* 1.2 keeps AckRequestID | Reserved(3). */
static void encapsulated_response_ack_12_has_ack_id(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_encap m = {.request_id = 0, .payload_type = OT_SPDM_ENCAP_ACK_ABSENT,
                     .ack_request_id = 3}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_encapsulated_response_ack(&sz, &w, &m));
  static const uint8_t want[8] = {0x12, 0x6b, 0, 0, 3, 0, 0, 0};
  assert_int_equal(ot_writer_len(&w), 8);
  assert_memory_equal(buf, want, 8);
  cc_check_message(&sz, buf, 8);
  ot_reader r = cc_reader(buf, 8);
  assert_ot_ok(ot_spdm_decode_encapsulated_response_ack(&sz, &r, &d));
  assert_int_equal(d.ack_request_id, 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(psk_finish_14_has_opaque_data),
      cmocka_unit_test(psk_finish_13_has_none),
      cmocka_unit_test(psk_finish_rsp_14),
      cmocka_unit_test(encapsulated_response_ack_11_has_no_ack_id),
      cmocka_unit_test(encapsulated_response_ack_12_has_ack_id),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
