/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Large requests in CHUNK_SEND pieces (DSP0274 1.2 §10.16; src/spdm/
 * responder_chunk_send.c, requester_chunk.c): whole flows requester <->
 * responder with a small DataTransferSize on both sides, every rule the
 * responder checks (one piece sequence per case), and the requester's checks
 * of CHUNK_SEND_ACK.
 */
#include "spdm_rig.h"

/* ---- a transport that watches (and may tamper with) what the requester sends - */

typedef struct watch {
  ot_doe_transport base;
  ot_spdm_doe_loopback *inner;
  size_t chunk_sends, max_plain, acks;
  /* Flips bit 0 of byte `tamper_off` of the `tamper_nth` CHUNK_SEND_ACK (1-based; 0: none). */
  size_t tamper_nth, tamper_off;
} watch;

static ot_status watch_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                const uint8_t *req, size_t req_len, uint8_t *rsp, size_t cap,
                                size_t *rsp_len) {
  watch *w = (watch *)t;
  if (type == OT_DOE_TYPE_SPDM) {
    if (req_len > w->max_plain) w->max_plain = req_len;
    if (req_len > 1 && req[1] == OT_SPDM_CHUNK_SEND) w->chunk_sends++;
  }
  OT_GUARD(ot_doe_exchange(&w->inner->base, vendor, type, req, req_len, rsp, cap, rsp_len));
  if (type == OT_DOE_TYPE_SPDM && *rsp_len > w->tamper_off && rsp[1] == OT_SPDM_CHUNK_SEND_ACK &&
      ++w->acks == w->tamper_nth)
    rsp[w->tamper_off] ^= 0x01;
  return OT_SUCCESS;
}

/* A rig whose responder (and requester) accept `dts`-byte messages at most. */
static rig *small_rig(ot_curve curve, uint8_t versions, uint32_t dts, uint8_t seed) {
  rig *r = rig_new(&(rig_opts){curve, versions, false, false, seed});
  r->rcfg.data_transfer_size = dts;
  r->qcfg.data_transfer_size = dts;
  return r;
}

static void use_transport(rig *r, ot_doe_transport *t) { r->req.io = t; }

/* Everything with both DataTransferSizes at `dts`: requests go out in CHUNK_SEND
 * pieces, responses come back by CHUNK_GET. */
static void flow_small(ot_curve curve, uint8_t versions, uint32_t dts, uint8_t seed) {
  rig *g = small_rig(curve, versions, dts, seed);
  watch w = {.base = {.exchange = watch_exchange}, .inner = &g->loop};
  use_transport(g, &w.base);
  rig_authenticate(g, 0);
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_ALL, NULL));
  uint8_t rec[4096];
  ot_spdm_meas_result res;
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_ALL, true, 0, rec,
                                                  sizeof(rec), &res));
  assert_true(res.signature_verified);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_TCB, &sid));
  /* A vendor-defined request far larger than the responder's buffer. */
  static uint8_t big[1500], back[1500];
  for (size_t i = 0; i < sizeof(big); i++)
    big[i] = (uint8_t)i;
  size_t n;
  assert_ot_ok(ot_spdm_requester_vdm(&g->req, sid, OT_SPDM_REGISTRY_PCISIG, 1, 0x7f, big,
                                     sizeof(big), back, sizeof(back), &n));
  assert_int_equal(n, sizeof(big));
  for (size_t i = 0; i < n; i++)
    assert_int_equal(back[i], (uint8_t)(i ^ 0xff));
  assert_ot_ok(ot_spdm_requester_session_measurements(&g->req, sid, OT_SPDM_MEAS_OP_ALL, true, 0,
                                                      rec, sizeof(rec), &res));
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, true));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  /* No plain object ever exceeded the responder's DataTransferSize (+ DOE pad). */
  assert_true(w.max_plain <= dts + 3);
  assert_true(w.chunk_sends > 0);
  assert_false(g->rsp.chunk_in_active);
  rig_free(g);
}

static void test_flow_dts42_13_p384(void **s) {
  (void)s;
  flow_small(OT_CURVE_P384, OT_SPDM_VMASK_13, 42, 60);
}
static void test_flow_dts48_12_p256(void **s) {
  (void)s;
  flow_small(OT_CURVE_P256, OT_SPDM_VMASK_12, 48, 61);
}
static void test_flow_dts64_13_p256(void **s) {
  (void)s;
  flow_small(OT_CURVE_P256, OT_SPDM_VMASK_13, 64, 62);
}

/* A requester without CHUNK_CAP cannot send what does not fit. */
static void test_requester_without_chunk_cap_refuses(void **s) {
  (void)s;
  rig *g = small_rig(OT_CURVE_P256, OT_SPDM_VMASK_12, 64, 63);
  g->qcfg.caps &= ~OT_SPDM_CAP_CHUNK;
  g->qcfg.data_transfer_size = 0x1200;
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&g->req, 0, 0, &sid), OT_E_TOO_LARGE);
  rig_free(g);
}

/* ---- the responder's rules, driven piece by piece ------------------------- */

#define DTS 42u

static rig *g;
static uint8_t large[600];
static size_t large_len;

static int setup(void **s) {
  (void)s;
  g = small_rig(OT_CURVE_P256, OT_SPDM_VMASK_13, DTS, 64);
  g->qcfg.data_transfer_size = 0x1200; /* responses come back whole */
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_get_digests(&g->req, &mask));
  /* The large request: a 1.3 CHALLENGE is 44 bytes, more than 42. */
  ot_spdm_challenge c = {.slot_id = 0};
  memset(c.nonce, 0x5a, sizeof(c.nonce));
  ot_writer w;
  ot_writer_init(&w, large, sizeof(large));
  assert_ot_ok(ot_spdm_encode_challenge(&g->req.neg.sizes, &w, &c));
  large_len = ot_writer_len(&w);
  assert_int_equal(large_len, 44);
  return 0;
}

static int teardown(void **s) {
  (void)s;
  rig_free(g);
  return 0;
}

typedef struct ack_view {
  bool early;
  uint8_t handle;
  uint16_t seq;
  size_t rsp_len;
  uint8_t rsp[1024];
  uint8_t code; /* response code of the answer itself (ACK or ERROR) */
} ack_view;

/* Sends one CHUNK_SEND of `size` bytes of `data` (total message `msg_len` when
 * not 0, to force a length) straight to the responder. */
static void piece(uint8_t handle, uint16_t seq, bool last, uint32_t lms, const uint8_t *data,
                  uint32_t size, ack_view *a) {
  uint8_t buf[256], out[2048];
  ot_writer w;
  ot_writer_init(&w, buf, sizeof(buf));
  ot_spdm_chunk m = {.last = last,
                     .handle = handle,
                     .seq_no = seq,
                     .large_message_size = seq == 0 ? lms : 0,
                     .chunk_size = size,
                     .chunk = data};
  assert_ot_ok(ot_spdm_encode_chunk_send(&g->req.neg.sizes, &w, &m));
  size_t n;
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, buf, ot_writer_len(&w), out, sizeof(out), &n));
  memset(a, 0, sizeof(*a));
  a->code = out[1];
  if (out[1] != OT_SPDM_CHUNK_SEND_ACK) {
    memcpy(a->rsp, out, n < sizeof(a->rsp) ? n : sizeof(a->rsp));
    return;
  }
  ot_reader r;
  ot_reader_init(&r, out, n);
  ot_spdm_chunk_send_ack d;
  assert_ot_ok(ot_spdm_decode_chunk_send_ack(&g->req.neg.sizes, &r, &d));
  a->early = d.early_error;
  a->handle = d.handle;
  a->seq = d.seq_no;
  a->rsp_len = d.response_len;
  memcpy(a->rsp, d.response, d.response_len);
}

/* The first piece of `large` under `handle` (fills DTS exactly). */
#define FIRST (DTS - 16u)
#define LATER (DTS - 12u)

static void first(uint8_t handle, ack_view *a) {
  piece(handle, 0, false, (uint32_t)large_len, large, FIRST, a);
}

static void assert_early(const ack_view *a, uint8_t err) {
  assert_int_equal(a->code, OT_SPDM_CHUNK_SEND_ACK);
  assert_true(a->early);
  assert_int_equal(a->rsp_len, 4);
  assert_int_equal(a->rsp[1], OT_SPDM_ERROR);
  assert_int_equal(a->rsp[2], err);
  assert_false(g->rsp.chunk_in_active);
}

static void test_pieces_reassemble_and_answer_in_the_ack(void **s) {
  (void)s;
  ack_view a;
  first(7, &a);
  assert_int_equal(a.code, OT_SPDM_CHUNK_SEND_ACK);
  assert_false(a.early);
  assert_int_equal(a.handle, 7);
  assert_int_equal(a.rsp_len, 0);
  piece(7, 1, true, 0, large + FIRST, (uint32_t)(large_len - FIRST), &a);
  assert_false(a.early);
  assert_int_equal(a.seq, 1);
  assert_int_equal(a.rsp[1], OT_SPDM_CHALLENGE_AUTH);
}

static void test_plain_request_over_dts_is_request_too_large(void **s) {
  (void)s;
  uint8_t out[64];
  size_t n;
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, large, large_len, out, sizeof(out), &n));
  assert_int_equal(out[1], OT_SPDM_ERROR);
  assert_int_equal(out[2], OT_SPDM_ERR_REQUEST_TOO_LARGE);
}

/* One line per rule: the piece that breaks it gets EarlyErrorDetected. */
static void test_first_piece_seq_not_zero(void **s) {
  (void)s;
  ack_view a;
  piece(1, 1, false, 0, large, LATER, &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_first_piece_marked_last(void **s) {
  (void)s;
  ack_view a;
  piece(1, 0, true, (uint32_t)large_len, large, FIRST, &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_large_message_size_fits_dts(void **s) {
  (void)s;
  ack_view a;
  piece(1, 0, false, DTS, large, FIRST, &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_large_message_size_over_capacity(void **s) {
  (void)s;
  ack_view a;
  piece(1, 0, false, OT_SPDM_LARGE_MAX + 1, large, FIRST, &a);
  assert_early(&a, OT_SPDM_ERR_REQUEST_TOO_LARGE);
}
static void test_first_piece_short_of_dts(void **s) {
  (void)s;
  ack_view a;
  piece(1, 0, false, (uint32_t)large_len, large, FIRST - 1, &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_second_piece_bad_handle(void **s) {
  (void)s;
  ack_view a;
  first(2, &a);
  piece(3, 1, true, 0, large + FIRST, (uint32_t)(large_len - FIRST), &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_second_piece_out_of_order(void **s) {
  (void)s;
  ack_view a;
  first(2, &a);
  piece(2, 2, true, 0, large + FIRST, (uint32_t)(large_len - FIRST), &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_second_piece_repeated(void **s) {
  (void)s;
  ack_view a;
  first(2, &a);
  first(2, &a); /* seq 0 again */
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_piece_past_large_message_size(void **s) {
  (void)s;
  ack_view a;
  first(2, &a);
  piece(2, 1, true, 0, large + FIRST, (uint32_t)(large_len - FIRST + 1), &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_last_piece_short_of_large_message_size(void **s) {
  (void)s;
  ack_view a;
  first(2, &a);
  piece(2, 1, true, 0, large + FIRST, (uint32_t)(large_len - FIRST - 1), &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_completing_piece_not_marked_last(void **s) {
  (void)s;
  ack_view a;
  first(2, &a);
  piece(2, 1, false, 0, large + FIRST, (uint32_t)(large_len - FIRST), &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_middle_piece_short_of_dts(void **s) {
  (void)s;
  /* A 100-byte request: 26 + 30 + 30 + 14; the second piece sent short. */
  uint8_t big[100];
  memcpy(big, large, large_len);
  memset(big + large_len, 0, sizeof(big) - large_len);
  ack_view a;
  piece(4, 0, false, sizeof(big), big, FIRST, &a);
  assert_false(a.early);
  piece(4, 1, false, 0, big + FIRST, LATER - 1, &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_piece_after_an_early_error_finds_no_transfer(void **s) {
  (void)s;
  ack_view a;
  first(5, &a);
  piece(6, 1, false, 0, large + FIRST, LATER, &a); /* bad handle: transfer ends */
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
  piece(5, 1, true, 0, large + FIRST, (uint32_t)(large_len - FIRST), &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
  /* And a fresh transfer works. */
  first(5, &a);
  piece(5, 1, true, 0, large + FIRST, (uint32_t)(large_len - FIRST), &a);
  assert_false(a.early);
  assert_int_equal(a.rsp[1], OT_SPDM_CHALLENGE_AUTH);
}
static void test_other_request_abandons_the_transfer(void **s) {
  (void)s;
  ack_view a;
  first(8, &a);
  uint8_t gd[4] = {OT_SPDM_VERSION_13, OT_SPDM_GET_DIGESTS, 0, 0}, out[256];
  size_t n;
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, gd, sizeof(gd), out, sizeof(out), &n));
  assert_int_equal(out[1], OT_SPDM_DIGESTS);
  assert_false(g->rsp.chunk_in_active);
  piece(8, 1, true, 0, large + FIRST, (uint32_t)(large_len - FIRST), &a);
  assert_early(&a, OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_reassembled_chunk_send_is_unexpected(void **s) {
  (void)s;
  uint8_t nested[56] = {OT_SPDM_VERSION_13, OT_SPDM_CHUNK_SEND};
  ack_view a;
  piece(9, 0, false, sizeof(nested), nested, FIRST, &a);
  piece(9, 1, true, 0, nested + FIRST, sizeof(nested) - FIRST, &a);
  assert_false(a.early);
  assert_int_equal(a.rsp[1], OT_SPDM_ERROR);
  assert_int_equal(a.rsp[2], OT_SPDM_ERR_UNEXPECTED_REQUEST);
}
static void test_reassembled_malformed_request_is_invalid(void **s) {
  (void)s;
  uint8_t junk[56] = {OT_SPDM_VERSION_13, OT_SPDM_CHALLENGE};
  ack_view a;
  piece(10, 0, false, sizeof(junk), junk, FIRST, &a);
  piece(10, 1, true, 0, junk + FIRST, sizeof(junk) - FIRST, &a);
  assert_false(a.early); /* the pieces were fine; the request is not */
  assert_int_equal(a.rsp[1], OT_SPDM_ERROR);
  assert_int_equal(a.rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
}
static void test_reassembled_session_request_needs_a_session(void **s) {
  (void)s;
  /* A large VDM in the clear: the reassembled request gets SessionRequired. */
  static const uint8_t vid[2] = {1, 0};
  uint8_t pl[80] = {0x7f}, msg[128];
  ot_spdm_vendor_defined v = {.standard_id = OT_SPDM_REGISTRY_PCISIG,
                              .vendor_id_len = 2,
                              .vendor_id = vid,
                              .payload_len = sizeof(pl),
                              .payload = pl};
  ot_writer w;
  ot_writer_init(&w, msg, sizeof(msg));
  assert_ot_ok(ot_spdm_encode_vendor_request(&g->req.neg.sizes, &w, &v));
  size_t len = ot_writer_len(&w);
  ack_view a;
  piece(11, 0, false, (uint32_t)len, msg, FIRST, &a);
  size_t off = FIRST;
  uint16_t seq = 1;
  while (len - off > LATER) {
    piece(11, seq++, false, 0, msg + off, LATER, &a);
    assert_false(a.early);
    off += LATER;
  }
  piece(11, seq, true, 0, msg + off, (uint32_t)(len - off), &a);
  assert_false(a.early);
  assert_int_equal(a.rsp[2], OT_SPDM_ERR_SESSION_REQUIRED);
}

/* Pieces of one transfer must all come the same way: in the clear, or in
 * the same session (run last: it leaves a session open on the rig). */
static void test_piece_from_another_channel(void **s) {
  (void)s;
  size_t n;
  assert_ot_ok(ot_spdm_requester_get_certificate(&g->req, 0, 0, g->chain, sizeof(g->chain), &n));
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, 0, &sid));
  ot_spdm_req_session *rs = &g->req.sessions[0];
  assert_int_equal(rs->s.session_id, sid);
  ack_view a;
  first(12, &a); /* in the clear */
  assert_false(a.early);
  uint8_t buf[64], rec[256], back[256], out[256];
  ot_writer w;
  ot_writer_init(&w, buf, sizeof(buf));
  ot_spdm_chunk m = {.last = true,
                     .handle = 12,
                     .seq_no = 1,
                     .chunk_size = (uint32_t)(large_len - FIRST),
                     .chunk = large + FIRST};
  assert_ot_ok(ot_spdm_encode_chunk_send(&g->req.neg.sizes, &w, &m));
  size_t rn, bn, on;
  bool secured;
  assert_ot_ok(ot_spdm_secured_encode(&rs->s, buf, ot_writer_len(&w), rec, sizeof(rec), &rn));
  assert_ot_ok(
      ot_spdm_responder_handle_secured(&g->rsp, rec, rn, back, sizeof(back), &bn, &secured));
  assert_true(secured);
  assert_ot_ok(ot_spdm_secured_decode(&rs->s, back, bn, out, sizeof(out), &on));
  assert_int_equal(out[1], OT_SPDM_CHUNK_SEND_ACK);
  assert_int_equal(out[2] & OT_SPDM_CHUNK_EARLY_ERROR, OT_SPDM_CHUNK_EARLY_ERROR);
  assert_int_equal(out[6 + 2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_false(g->rsp.chunk_in_active);
}

/* A requester that never announced CHUNK_CAP may not use CHUNK_SEND. */
static void test_chunk_send_without_requester_chunk_cap(void **s) {
  (void)s;
  rig *h = small_rig(OT_CURVE_P256, OT_SPDM_VMASK_12, 64, 65);
  h->qcfg.caps &= ~OT_SPDM_CAP_CHUNK;
  h->qcfg.data_transfer_size = 0x1200;
  assert_ot_ok(ot_spdm_requester_connect(&h->req));
  uint8_t buf[80], out[64], data[100] = {OT_SPDM_VERSION_12, OT_SPDM_CHALLENGE};
  ot_writer w;
  ot_writer_init(&w, buf, sizeof(buf));
  ot_spdm_chunk m = {.handle = 1, .large_message_size = 100, .chunk_size = 48, .chunk = data};
  assert_ot_ok(ot_spdm_encode_chunk_send(&h->req.neg.sizes, &w, &m));
  size_t n;
  assert_ot_ok(ot_spdm_responder_handle(&h->rsp, buf, ot_writer_len(&w), out, sizeof(out), &n));
  assert_int_equal(out[1], OT_SPDM_ERROR);
  assert_int_equal(out[2], OT_SPDM_ERR_UNEXPECTED_REQUEST);
  rig_free(h);
}

/* ---- the requester's checks of CHUNK_SEND_ACK ------------------------------ */

/* Flips one bit at `off` of the `nth` ACK; the exchange fails with `want`. */
static void ack_tampered(size_t nth, size_t off, ot_code want) {
  rig *h = small_rig(OT_CURVE_P256, OT_SPDM_VMASK_13, 42, 66);
  watch w = {.base = {.exchange = watch_exchange},
             .inner = &h->loop,
             .tamper_nth = nth,
             .tamper_off = off};
  use_transport(h, &w.base);
  /* NEGOTIATE_ALGORITHMS (48 bytes in 1.3) is the first chunked request. */
  assert_ot_code(ot_spdm_requester_connect(&h->req), want);
  assert_true(h->req.failed);
  rig_free(h);
}

static void test_ack_with_wrong_handle(void **s) {
  (void)s;
  ack_tampered(1, 3, OT_E_UNEXPECTED);
}
static void test_ack_with_wrong_seq(void **s) {
  (void)s;
  ack_tampered(1, 4, OT_E_UNEXPECTED);
}
static void test_last_ack_with_wrong_seq(void **s) {
  (void)s;
  ack_tampered(2, 4, OT_E_UNEXPECTED);
}
static void test_ack_with_early_error_bit_and_no_error(void **s) {
  (void)s;
  ack_tampered(1, 2, OT_E_MALFORMED);
}

int main(void) {
  const struct CMUnitTest flows[] = {
      cmocka_unit_test(test_flow_dts42_13_p384),
      cmocka_unit_test(test_flow_dts48_12_p256),
      cmocka_unit_test(test_flow_dts64_13_p256),
      cmocka_unit_test(test_requester_without_chunk_cap_refuses),
      cmocka_unit_test(test_chunk_send_without_requester_chunk_cap),
      cmocka_unit_test(test_ack_with_wrong_handle),
      cmocka_unit_test(test_ack_with_wrong_seq),
      cmocka_unit_test(test_last_ack_with_wrong_seq),
      cmocka_unit_test(test_ack_with_early_error_bit_and_no_error),
  };
  const struct CMUnitTest rules[] = {
      cmocka_unit_test(test_pieces_reassemble_and_answer_in_the_ack),
      cmocka_unit_test(test_plain_request_over_dts_is_request_too_large),
      cmocka_unit_test(test_first_piece_seq_not_zero),
      cmocka_unit_test(test_first_piece_marked_last),
      cmocka_unit_test(test_large_message_size_fits_dts),
      cmocka_unit_test(test_large_message_size_over_capacity),
      cmocka_unit_test(test_first_piece_short_of_dts),
      cmocka_unit_test(test_second_piece_bad_handle),
      cmocka_unit_test(test_second_piece_out_of_order),
      cmocka_unit_test(test_second_piece_repeated),
      cmocka_unit_test(test_piece_past_large_message_size),
      cmocka_unit_test(test_last_piece_short_of_large_message_size),
      cmocka_unit_test(test_completing_piece_not_marked_last),
      cmocka_unit_test(test_middle_piece_short_of_dts),
      cmocka_unit_test(test_piece_after_an_early_error_finds_no_transfer),
      cmocka_unit_test(test_other_request_abandons_the_transfer),
      cmocka_unit_test(test_reassembled_chunk_send_is_unexpected),
      cmocka_unit_test(test_reassembled_malformed_request_is_invalid),
      cmocka_unit_test(test_reassembled_session_request_needs_a_session),
      cmocka_unit_test(test_piece_from_another_channel),
  };
  int fails = cmocka_run_group_tests_name("flows", flows, NULL, NULL);
  return fails + cmocka_run_group_tests_name("rules", rules, setup, teardown);
}
