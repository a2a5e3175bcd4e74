/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: a request larger than the responder's DataTransferSize, sent in
 * CHUNK_SEND pieces (DSP0274 1.2/1.3 §10.16 "Large SPDM message transfer
 * mechanism", "CHUNK_SEND request and CHUNK_SEND_ACK response"). Every piece
 * but the last fills DataTransferSize exactly; the first carries
 * LargeMessageSize; all share one Handle; ChunkSeqNo counts from 0. Each ACK
 * must echo Handle and ChunkSeqNo; the last one carries the response to the
 * whole request.
 */
#include "requester_internal.h"

#include "opentsm/secure.h"

/* CHUNK_SEND: header | ChunkSeqNo(2) | Reserved(2) | ChunkSize(4) [| LargeMessageSize(4)
 * in piece 0] | SPDMchunk. */
#define PIECE_FIXED 12u
#define PIECE_FIRST_EXTRA 4u

/* Checks one ACK (exact length recovered from DOE padding); on the last piece
 * moves the embedded response to q->buf[0..*rsp_len). `code` is the large
 * request's, which an early ERROR answers. */
static ot_status take_ack(ot_spdm_requester *q, const ot_spdm_sizes *sz, const ot_spdm_chunk *m,
                          uint8_t code, size_t n, size_t *rsp_len) {
  /* A plain ERROR instead of an ACK: the responder refused CHUNK_SEND itself. */
  OT_ENSURE(n >= OT_SPDM_HEADER_SIZE, OT_E_TRUNCATED);
  OT_ENSURE(q->buf[0] == sz->version, OT_E_VERSION);
  if (q->buf[1] == OT_SPDM_ERROR) return req_peer_error(q, OT_SPDM_CHUNK_SEND, q->buf);
  size_t exact;
  OT_GUARD(ot_spdm_message_length(sz, q->buf, n, &exact));
  ot_reader rd;
  ot_reader_init(&rd, q->buf, exact);
  ot_spdm_chunk_send_ack a;
  OT_GUARD(ot_spdm_decode_chunk_send_ack(sz, &rd, &a));
  OT_ENSURE(a.handle == m->handle && a.seq_no == m->seq_no, OT_E_UNEXPECTED);
  if (a.early_error) {
    /* ResponseToLargeRequest is then the ERROR that ended the transfer. */
    OT_ENSURE(a.response_len >= OT_SPDM_HEADER_SIZE && a.response[1] == OT_SPDM_ERROR,
              OT_E_MALFORMED);
    return req_peer_error(q, code, a.response);
  }
  if (!m->last) {
    OT_ENSURE(a.response_len == 0, OT_E_MALFORMED);
    return OT_SUCCESS;
  }
  OT_ENSURE(a.response_len >= OT_SPDM_HEADER_SIZE, OT_E_TRUNCATED);
  memmove(q->buf, a.response, a.response_len);
  *rsp_len = a.response_len;
  return OT_SUCCESS;
}

ot_status req_chunk_send(ot_spdm_requester *q, ot_spdm_req_session *s, const ot_spdm_sizes *sz,
                         const uint8_t *req, size_t len, size_t *rsp_len) {
  size_t dts = q->rsp_data_transfer_size;
  OT_ENSURE(len <= OT_SPDM_LARGE_MAX && len <= q->rsp_max_msg_size, OT_E_TOO_LARGE);
  OT_ENSURE(dts > PIECE_FIXED + PIECE_FIRST_EXTRA && len > dts, OT_E_ARG);
  uint8_t piece[OT_SPDM_LARGE_MAX + PIECE_FIXED + PIECE_FIRST_EXTRA];
  ot_spdm_sizes hs = {.version = sz->version};
  uint8_t handle = ++q->chunk_handle;
  size_t off = 0;
  ot_status st = ot_status_of(OT_E_INTERNAL);
  for (uint16_t seq = 0;; seq++) {
    size_t room = dts - PIECE_FIXED - (seq == 0 ? PIECE_FIRST_EXTRA : 0);
    size_t left = len - off, take = left < room ? left : room;
    ot_spdm_chunk m = {.last = take == left,
                       .handle = handle,
                       .seq_no = seq,
                       .large_message_size = seq == 0 ? (uint32_t)len : 0,
                       .chunk_size = (uint32_t)take,
                       .chunk = req + off};
    ot_writer w;
    ot_writer_init(&w, piece, sizeof(piece));
    size_t n;
    OT_GUARD_GOTO(st, ot_spdm_encode_chunk_send(&hs, &w, &m), out);
    OT_GUARD_GOTO(st, req_send_raw(q, s, piece, ot_writer_len(&w), q->buf, sizeof(q->buf), &n),
                  out);
    OT_GUARD_GOTO(st, take_ack(q, m.last ? sz : &hs, &m, req[1], n, rsp_len), out);
    off += take;
    if (m.last) break;
  }
out:
  /* A piece may hold secrets (IDE_KM keys in a VDM). */
  ot_zeroize(piece, sizeof(piece));
  return st;
}
