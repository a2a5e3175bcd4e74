/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: large responses served by CHUNK_GET (DSP0274 1.3 §10.16 "Large SPDM
 * message transfer mechanism", "CHUNK_GET request and CHUNK_RESPONSE response")
 * and responses held back with ResponseNotReady until RESPOND_IF_READY
 * (§10.12 "ResponseNotReady", §10.13 "RESPOND_IF_READY"; SPEC-FACTS §2.15).
 */
#include "responder_internal.h"

/* CHUNK_RESPONSE fixed part: header | ChunkSeqNo(2) | Reserved(2) | ChunkSize(4),
 * plus LargeMessageSize(4) in chunk 0. */
#define CHUNK_FIXED 12u
#define CHUNK_FIRST_EXTRA 4u

ot_status rsp_chunk_get(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_chunk_get *q = &c->msg.u.chunk_get;
  /* "If the Handle does not match ... or ChunkSeqNo is not the expected one,
   * the Responder shall respond with ERROR(InvalidRequest)". */
  if (!r->large_active || q->handle != r->large_handle || q->seq_no != r->chunk_seq)
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  size_t overhead = CHUNK_FIXED + (q->seq_no == 0 ? CHUNK_FIRST_EXTRA : 0);
  size_t room = r->req_data_transfer_size - overhead;
  size_t left = r->large_len - r->large_off;
  size_t n = left < room ? left : room;
  ot_spdm_chunk m = {.last = n == left,
                     .handle = r->large_handle,
                     .seq_no = r->chunk_seq,
                     .large_message_size = q->seq_no == 0 ? (uint32_t)r->large_len : 0,
                     .chunk_size = (uint32_t)n,
                     .chunk = r->large + r->large_off};
  OT_GUARD(ot_spdm_encode_chunk_response(&r->neg.sizes, c->w, &m));
  r->large_off += n;
  r->chunk_seq++;
  if (m.last) r->large_active = false;
  return OT_SUCCESS;
}

ot_status rsp_respond_if_ready(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_respond_if_ready *q = &c->msg.u.respond_if_ready;
  if (!r->pending || q->request_code != r->pending_code || q->token != r->pending_token) {
    /* 1.3: NoPendingRequests; 1.2 has no such code: UnexpectedRequest. */
    uint8_t code = r->neg.version >= OT_SPDM_VERSION_13 ? OT_SPDM_ERR_NO_PENDING_REQUESTS
                                                        : OT_SPDM_ERR_UNEXPECTED_REQUEST;
    return rsp_error(c, code, 0);
  }
  r->pending = false;
  return rsp_emit_large(c, r->large_len);
}

/* RDExponent: the requester should wait 2^RDExponent µs (1 ms); RDTM: it may
 * retry for RDT * RDTM. */
#define NOT_READY_RD_EXPONENT 10u
#define NOT_READY_RDTM 4u

ot_status rsp_maybe_not_ready(rsp_call *c, uint8_t code) {
  ot_spdm_responder *r = c->r;
  const uint8_t *out = c->w->data;
  size_t len = ot_writer_len(c->w);
  if (r->cfg->not_ready_code != code || r->not_ready_done || len < OT_SPDM_HEADER_SIZE ||
      out[1] == OT_SPDM_ERROR || len > sizeof(r->large))
    return OT_SUCCESS;
  /* Hold the response (a LargeResponse error would be re-issued: keep it simple
   * and hold only responses that went out whole). */
  memmove(r->large, out, len);
  r->large_len = len;
  r->pending = true;
  r->pending_code = code;
  r->pending_token++;
  r->not_ready_done = true;
  uint8_t ext[OT_SPDM_ERR_RESPONSE_NOT_READY_EXT_SIZE] = {NOT_READY_RD_EXPONENT, code,
                                                          r->pending_token, NOT_READY_RDTM};
  return rsp_error_ext(c, OT_SPDM_ERR_RESPONSE_NOT_READY, 0, ext, sizeof(ext));
}
