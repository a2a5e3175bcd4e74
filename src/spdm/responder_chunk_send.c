/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: large requests received in pieces (DSP0274 1.2/1.3 §10.16 "Large
 * SPDM message transfer mechanism", "CHUNK_SEND request and CHUNK_SEND_ACK
 * response"). The requester cuts a request larger than our DataTransferSize
 * into CHUNK_SEND messages sharing one Handle, ChunkSeqNo 0, 1, 2, ...; the
 * first carries LargeMessageSize, the last sets LastChunk. Each piece is
 * acknowledged; the ACK of the last one carries the response to the whole
 * request (ResponseToLargeRequest). A piece that breaks the rules ends the
 * transfer with an ACK whose EarlyErrorDetected bit is set and whose response
 * is the ERROR (InvalidRequest, or RequestTooLarge for a LargeMessageSize we
 * cannot hold).
 *
 * The rules checked, in order:
 *  - first piece: ChunkSeqNo 0, not LastChunk, LargeMessageSize larger than
 *    our DataTransferSize (a smaller request needs no chunks) and no larger
 *    than what we can hold (min(MaxSPDMmsgSize, OT_SPDM_LARGE_MAX));
 *  - later pieces: same Handle, ChunkSeqNo one more than the previous, same
 *    channel (the same session, or in the clear);
 *  - every piece but the last fills DataTransferSize exactly; the bytes never
 *    exceed LargeMessageSize; LastChunk is set exactly on the piece that
 *    completes it.
 * Any other request abandons a transfer in progress (responder.c).
 */
#include "responder_internal.h"

#include "opentsm/secure.h"

/* CHUNK_SEND_ACK: header | ChunkSeqNo(2; 4 in 1.4), then ResponseToLargeRequest. */
#define ACK_FIXED ot_spdm_chunk_send_ack_fixed(c->r->neg.version)

void rsp_chunk_in_reset(ot_spdm_responder *r) {
  /* The pieces may hold secrets (an IDE_KM KEY_PROG travels in a VDM). */
  ot_zeroize(r->chunk_in, r->chunk_in_len);
  r->chunk_in_len = r->chunk_in_size = 0;
  r->chunk_in_seq = 0;
  r->chunk_in_handle = 0;
  r->chunk_in_active = false;
  r->chunk_in_session = NULL;
}

/* The ERROR code for a piece that breaks the rules above, or 0. */
static uint8_t check_piece(const rsp_call *c, const ot_spdm_chunk *q) {
  const ot_spdm_responder *r = c->r;
  size_t dts = r->cfg->data_transfer_size;
  size_t hold =
      r->cfg->max_msg_size < sizeof(r->chunk_in) ? r->cfg->max_msg_size : sizeof(r->chunk_in);
  bool full = c->req_len == dts;
  if (!r->chunk_in_active) {
    if (q->seq_no != 0 || q->last || q->large_message_size <= dts)
      return OT_SPDM_ERR_INVALID_REQUEST;
    if (q->large_message_size > hold) return OT_SPDM_ERR_REQUEST_TOO_LARGE;
    if (!full || q->chunk_size >= q->large_message_size) return OT_SPDM_ERR_INVALID_REQUEST;
    return 0;
  }
  if (q->handle != r->chunk_in_handle || q->seq_no != (uint16_t)(r->chunk_in_seq + 1u) ||
      c->session != r->chunk_in_session)
    return OT_SPDM_ERR_INVALID_REQUEST;
  if (q->chunk_size > r->chunk_in_size - r->chunk_in_len) return OT_SPDM_ERR_INVALID_REQUEST;
  bool completes = r->chunk_in_len + q->chunk_size == r->chunk_in_size;
  if (q->last != completes || (!q->last && !full)) return OT_SPDM_ERR_INVALID_REQUEST;
  return 0;
}

static ot_status write_ack(rsp_call *c, const ot_spdm_chunk *q, bool early, const uint8_t *rsp,
                           size_t len) {
  ot_spdm_chunk_send_ack a = {.early_error = early,
                              .handle = q->handle,
                              .seq_no = q->seq_no,
                              .response_len = len,
                              .response = rsp};
  return ot_spdm_encode_chunk_send_ack(&c->sz, c->w, &a);
}

/* Requests that make no sense reassembled: the transfer mechanism itself. */
static bool chunkable(uint8_t code) {
  return code != OT_SPDM_CHUNK_SEND && code != OT_SPDM_CHUNK_GET &&
         code != OT_SPDM_RESPOND_IF_READY && code != OT_SPDM_GET_VERSION;
}

/* All pieces are in: run the whole request and put its response in the ACK.
 * The response must leave room for the ACK header within the requester's
 * DataTransferSize; a larger one becomes a LargeResponse served by CHUNK_GET. */
static ot_status run_large_request(rsp_call *c, const ot_spdm_chunk *q) {
  ot_spdm_responder *r = c->r;
  uint8_t rsp[sizeof(r->large) + 64];
  ot_writer w;
  ot_writer_init(&w, rsp, sizeof(rsp));
  rsp_call inner = {.r = r,
                    .req = r->chunk_in,
                    .req_len = r->chunk_in_size,
                    .w = &w,
                    .session = c->session,
                    .limit = c->limit > ACK_FIXED + OT_SPDM_HEADER_SIZE ? c->limit - ACK_FIXED
                                                                        : OT_SPDM_HEADER_SIZE,
                    .reassembled = true};
  ot_status st;
  if (chunkable(r->chunk_in[1]))
    st = rsp_dispatch(&inner, r->chunk_in_size);
  else
    st = rsp_error(&inner, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  if (ot_ok(st)) st = ot_writer_status(&w);
  if (ot_ok(st)) st = write_ack(c, q, false, rsp, ot_writer_len(&w));
  ot_zeroize(rsp, sizeof(rsp));
  rsp_chunk_in_reset(r);
  return st;
}

ot_status rsp_chunk_send(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_chunk *q = &c->msg.u.chunk_send;
  /* Chunking needs CHUNK_CAP on both sides (DSP0274 1.2 §10.16). */
  if (!(r->req_caps & OT_SPDM_CAP_CHUNK)) {
    rsp_chunk_in_reset(r);
    return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  }
  uint8_t err = check_piece(c, q);
  if (err != 0) {
    rsp_chunk_in_reset(r);
    uint8_t e[OT_SPDM_HEADER_SIZE] = {c->sz.version, OT_SPDM_ERROR, err, 0};
    return write_ack(c, q, true, e, sizeof(e));
  }
  if (q->seq_no == 0) {
    r->chunk_in_active = true;
    r->chunk_in_handle = q->handle;
    r->chunk_in_size = q->large_message_size;
    r->chunk_in_session = c->session;
  }
  memcpy(r->chunk_in + r->chunk_in_len, q->chunk, q->chunk_size);
  r->chunk_in_len += q->chunk_size;
  r->chunk_in_seq = q->seq_no;
  if (!q->last) return write_ack(c, q, false, NULL, 0);
  return run_large_request(c, q);
}
