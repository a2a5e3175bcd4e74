/* SPDX-License-Identifier: BSD-3-Clause */
/* The encapsulated request flow's envelopes (src/spdm/codec_encap.c): GET_ENCAPSULATED_
 * REQUEST, ENCAPSULATED_REQUEST, DELIVER_ENCAPSULATED_RESPONSE, ENCAPSULATED_RESPONSE_ACK. */
#include "codec_check.h"

static uint8_t sig[384];

static void get_encapsulated_request_is_a_header(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_get_encapsulated_request(&sz, &w));
  assert_int_equal(ot_writer_len(&w), 4);
  static const uint8_t want[4] = {0x12, 0xea, 0, 0};
  assert_memory_equal(buf, want, 4);
  cc_check_message(&sz, buf, 4);
}

/* ENCAPSULATED_REQUEST Param1 RequestID | GET_CERTIFICATE (8): 12 bytes. */
static void encapsulated_request_carries_one_request(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  static const uint8_t inner[8] = {0x13, 0x82, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff};
  ot_spdm_encap m = {.request_id = 2, .msg = inner, .msg_len = sizeof inner}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_encapsulated_request(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 12);
  assert_int_equal(buf[1], 0x6a);
  assert_int_equal(buf[2], 2);
  cc_check_message(&sz, buf, 12);
  ot_reader r = cc_reader(buf, 12);
  assert_ot_ok(ot_spdm_decode_encapsulated_request(&sz, &r, &d));
  assert_int_equal(d.request_id, 2);
  assert_int_equal(d.msg_len, 8);
  assert_memory_equal(d.msg, inner, 8);
}

/* The requester's CHALLENGE_AUTH inside DELIVER_ENCAPSULATED_RESPONSE is
 * signed under ReqBaseAsymAlg: 4 + (4 + H + 32 + 2 + S_req). */
static void deliver_sizes_the_response_with_the_requester_signature(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12(); /* H 48, S 96, S_req 384 */
  sz.meas_summary_hash = false;
  ot_spdm_sizes inner_sz = sz;
  inner_sz.sig_len = sz.req_sig_len;
  uint8_t hash[48], auth[600];
  cc_fill(hash, sizeof hash, 3);
  cc_fill(sig, sizeof sig, 4);
  ot_spdm_challenge_auth a = {.slot_id = 0, .slot_mask = 1, .cert_chain_hash = hash,
                              .signature = sig};
  ot_writer aw;
  ot_writer_init(&aw, auth, sizeof auth);
  assert_ot_ok(ot_spdm_encode_challenge_auth(&inner_sz, &aw, &a));
  assert_int_equal(ot_writer_len(&aw), 4 + 48 + 32 + 2 + 384);
  ot_spdm_encap m = {.request_id = 3, .msg = auth, .msg_len = ot_writer_len(&aw)}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_deliver_encapsulated_response(&sz, &w, &m));
  size_t n = ot_writer_len(&w);
  assert_int_equal(n, 4 + 470);
  cc_check_message(&sz, buf, n);
  ot_reader r = cc_reader(buf, n);
  assert_ot_ok(ot_spdm_decode_deliver_encapsulated_response(&sz, &r, &d));
  assert_int_equal(d.request_id, 3);
  assert_int_equal(d.msg_len, 470);
  /* With the responder's 96-byte signature size the same bytes do not parse:
   * the envelope must not guess. */
  sz.req_sig_len = 96;
  r = cc_reader(buf, n);
  assert_false(ot_ok(ot_spdm_decode_deliver_encapsulated_response(&sz, &r, &d)));
}

/* ACK: header | AckRequestID | Reserved(3) | payload by Param2 (DSP0274 1.2+). */
static void ack_payload_types(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_encap d;
  /* 0: flow done, 8 bytes. */
  ot_spdm_encap done = {.payload_type = OT_SPDM_ENCAP_ACK_ABSENT, .ack_request_id = 3};
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_encapsulated_response_ack(&sz, &w, &done));
  static const uint8_t want0[8] = {0x13, 0x6b, 0, 0, 3, 0, 0, 0};
  assert_int_equal(ot_writer_len(&w), 8);
  assert_memory_equal(buf, want0, 8);
  cc_check_message(&sz, buf, 8);
  /* 1: the next request (KEY_UPDATE VerifyNewKey), 12 bytes. */
  static const uint8_t ku[4] = {0x13, 0xe9, 3, 0x55};
  ot_spdm_encap next = {.request_id = 2, .payload_type = OT_SPDM_ENCAP_ACK_PRESENT,
                        .ack_request_id = 1, .msg = ku, .msg_len = 4};
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_encapsulated_response_ack(&sz, &w, &next));
  assert_int_equal(ot_writer_len(&w), 12);
  cc_check_message(&sz, buf, 12);
  ot_reader r = cc_reader(buf, 12);
  assert_ot_ok(ot_spdm_decode_encapsulated_response_ack(&sz, &r, &d));
  assert_int_equal(d.request_id, 2);
  assert_int_equal(d.ack_request_id, 1);
  assert_int_equal(d.msg_len, 4);
  assert_memory_equal(d.msg, ku, 4);
  /* 2: ReqSlotNumber, 9 bytes. */
  ot_spdm_encap slot = {.payload_type = OT_SPDM_ENCAP_ACK_SLOT, .ack_request_id = 2, .req_slot = 5};
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_encode_encapsulated_response_ack(&sz, &w, &slot));
  assert_int_equal(ot_writer_len(&w), 9);
  cc_check_message(&sz, buf, 9);
  r = cc_reader(buf, 9);
  assert_ot_ok(ot_spdm_decode_encapsulated_response_ack(&sz, &r, &d));
  assert_int_equal(d.req_slot, 5);
}

static void ack_refuses_reserved_type_and_slot_8(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_encap d;
  static const uint8_t type3[8] = {0x12, 0x6b, 0, 3, 0, 0, 0, 0};
  ot_reader r = cc_reader(type3, sizeof type3);
  assert_ot_code(ot_spdm_decode_encapsulated_response_ack(&sz, &r, &d), OT_E_MALFORMED);
  static const uint8_t slot8[9] = {0x12, 0x6b, 0, 2, 0, 0, 0, 0, 8};
  r = cc_reader(slot8, sizeof slot8);
  assert_ot_code(ot_spdm_decode_encapsulated_response_ack(&sz, &r, &d), OT_E_MALFORMED);
  /* Type 2 without its byte; type 1 without a request. */
  r = cc_reader(slot8, 8);
  assert_ot_code(ot_spdm_decode_encapsulated_response_ack(&sz, &r, &d), OT_E_TRUNCATED);
  static const uint8_t type1[8] = {0x12, 0x6b, 1, 1, 0, 0, 0, 0};
  r = cc_reader(type1, sizeof type1);
  assert_ot_code(ot_spdm_decode_encapsulated_response_ack(&sz, &r, &d), OT_E_TRUNCATED);
  ot_spdm_encap bad = {.payload_type = 3};
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_encapsulated_response_ack(&sz, &w, &bad), OT_E_ARG);
  ot_spdm_encap nomsg = {.payload_type = OT_SPDM_ENCAP_ACK_PRESENT};
  assert_ot_code(ot_spdm_encode_encapsulated_response_ack(&sz, &w, &nomsg), OT_E_ARG);
}

/* The embedded message has the right direction and is no envelope. */
static void embedded_message_direction_and_nesting(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_encap d;
  /* ENCAPSULATED_REQUEST carrying a response (DIGESTS code 0x01). */
  static const uint8_t rsp_inside[8] = {0x12, 0x6a, 1, 0, 0x12, 0x01, 0, 0};
  ot_reader r = cc_reader(rsp_inside, sizeof rsp_inside);
  assert_ot_code(ot_spdm_decode_encapsulated_request(&sz, &r, &d), OT_E_MALFORMED);
  /* ... carrying GET_ENCAPSULATED_REQUEST itself. */
  static const uint8_t nested[8] = {0x12, 0x6a, 1, 0, 0x12, 0xea, 0, 0};
  r = cc_reader(nested, sizeof nested);
  assert_ot_code(ot_spdm_decode_encapsulated_request(&sz, &r, &d), OT_E_MALFORMED);
  /* DELIVER carrying a request. */
  static const uint8_t req_inside[8] = {0x12, 0xeb, 1, 0, 0x12, 0x81, 0, 0};
  r = cc_reader(req_inside, sizeof req_inside);
  assert_ot_code(ot_spdm_decode_deliver_encapsulated_response(&sz, &r, &d), OT_E_MALFORMED);
  /* Nothing inside. */
  r = cc_reader(nested, 4);
  assert_ot_code(ot_spdm_decode_encapsulated_request(&sz, &r, &d), OT_E_TRUNCATED);
  /* The encoder refuses the same. */
  ot_spdm_encap m = {.msg = nested + 4, .msg_len = 4};
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_encapsulated_request(&sz, &w, &m), OT_E_ARG);
}

/* A request the codec has no layout for (1.3 GET_KEY_PAIR_INFO 0xFC) is taken
 * whole, so that the requester can answer it with an encapsulated ERROR. */
static void unknown_embedded_request_is_the_rest(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  static const uint8_t msg[9] = {0x13, 0x6a, 7, 0, 0x13, 0xfc, 0, 0, 1};
  ot_spdm_encap d;
  ot_reader r = cc_reader(msg, sizeof msg);
  assert_ot_ok(ot_spdm_decode_encapsulated_request(&sz, &r, &d));
  assert_int_equal(d.request_id, 7);
  assert_int_equal(d.msg_len, 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(get_encapsulated_request_is_a_header),
      cmocka_unit_test(encapsulated_request_carries_one_request),
      cmocka_unit_test(deliver_sizes_the_response_with_the_requester_signature),
      cmocka_unit_test(ack_payload_types),
      cmocka_unit_test(ack_refuses_reserved_type_and_slot_8),
      cmocka_unit_test(embedded_message_direction_and_nesting),
      cmocka_unit_test(unknown_embedded_request_is_the_rest),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
