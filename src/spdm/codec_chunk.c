/* SPDX-License-Identifier: BSD-3-Clause */
/* CHUNK_SEND / CHUNK_SEND_ACK / CHUNK_GET / CHUNK_RESPONSE, SPDM 1.2 and 1.3
 * layouts (DSP0274 1.3 "CHUNK_SEND request and CHUNK_SEND_ACK response
 * messages", "CHUNK_GET request and CHUNK_RESPONSE response messages"). */
#include "codec_internal.h"

/* ChunkSeqNo is a u16 followed by Reserved(2) (SEND/RESPONSE) in 1.2/1.3, and a
 * u32 in 1.4 (DSP0274 1.4 "CHUNK_SEND request message format" and the other
 * three tables). Transfers here never need more than 65535 chunks: a larger
 * 1.4 sequence number is refused as too large. */
static bool seq32(const ot_spdm_sizes *sz) { return spdm_ver_ge(sz, OT_SPDM_VERSION_14); }

static ot_status read_seq(const ot_spdm_sizes *sz, ot_reader *r, bool pad, uint16_t *seq) {
  if (!seq32(sz)) {
    OT_GUARD(ot_read_u16le(r, seq));
    return pad ? ot_read_skip(r, 2) : OT_SUCCESS;
  }
  uint32_t v;
  OT_GUARD(ot_read_u32le(r, &v));
  OT_ENSURE(v <= UINT16_MAX, OT_E_TOO_LARGE);
  *seq = (uint16_t)v;
  return OT_SUCCESS;
}

static ot_status write_seq(const ot_spdm_sizes *sz, ot_writer *w, bool pad, uint16_t seq) {
  if (seq32(sz)) return ot_write_u32le(w, seq);
  OT_GUARD(ot_write_u16le(w, seq));
  return pad ? ot_write_u16le(w, 0) : OT_SUCCESS;
}

/* CHUNK_SEND and CHUNK_RESPONSE: header (Param1 bit0 LastChunk; Param2 Handle) |
 * ChunkSeqNo(2) | Reserved(2) | ChunkSize(4) | LargeMessageSize(4, only when
 * ChunkSeqNo is 0) | SPDMchunk(ChunkSize). */
static ot_status read_chunk(const ot_spdm_sizes *sz, ot_reader *r, uint8_t code, ot_spdm_chunk *m) {
  uint8_t p1;
  OT_GUARD(spdm_hdr_read(sz, r, code, &p1, &m->handle));
  m->last = (p1 & OT_SPDM_CHUNK_LAST) != 0;
  OT_GUARD(read_seq(sz, r, true, &m->seq_no));
  OT_GUARD(ot_read_u32le(r, &m->chunk_size));
  m->large_message_size = 0;
  if (m->seq_no == 0) OT_GUARD(ot_read_u32le(r, &m->large_message_size));
  return ot_read_borrow(r, m->chunk_size, &m->chunk);
}

static ot_status write_chunk(const ot_spdm_sizes *sz, ot_writer *w, uint8_t code,
                             const ot_spdm_chunk *m) {
  OT_ENSURE(m->seq_no == 0 || m->large_message_size == 0, OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, code, m->last ? OT_SPDM_CHUNK_LAST : 0, m->handle));
  OT_GUARD(write_seq(sz, w, true, m->seq_no));
  OT_GUARD(ot_write_u32le(w, m->chunk_size));
  if (m->seq_no == 0) OT_GUARD(ot_write_u32le(w, m->large_message_size));
  return spdm_write_span(w, m->chunk, m->chunk_size);
}

ot_status spdm_read_chunk_send(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_chunk *m) {
  return read_chunk(sz, r, OT_SPDM_CHUNK_SEND, m);
}
SPDM_DEFINE_DECODE(chunk_send, ot_spdm_chunk)
ot_status ot_spdm_encode_chunk_send(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_chunk *m) {
  return write_chunk(sz, w, OT_SPDM_CHUNK_SEND, m);
}

ot_status spdm_read_chunk_response(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_chunk *m) {
  return read_chunk(sz, r, OT_SPDM_CHUNK_RESPONSE, m);
}
SPDM_DEFINE_DECODE(chunk_response, ot_spdm_chunk)
ot_status ot_spdm_encode_chunk_response(const ot_spdm_sizes *sz, ot_writer *w,
                                        const ot_spdm_chunk *m) {
  return write_chunk(sz, w, OT_SPDM_CHUNK_RESPONSE, m);
}

/* CHUNK_SEND_ACK: header (Param1 bit0 EarlyErrorDetected; Param2 Handle) |
 * ChunkSeqNo(2) | ResponseToLargeRequest (the rest: the response to the whole
 * large request after the last chunk, or an ERROR after an early error). */
ot_status spdm_read_chunk_send_ack(const ot_spdm_sizes *sz, ot_reader *r,
                                   ot_spdm_chunk_send_ack *m) {
  uint8_t p1;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_CHUNK_SEND_ACK, &p1, &m->handle));
  m->early_error = (p1 & OT_SPDM_CHUNK_EARLY_ERROR) != 0;
  OT_GUARD(read_seq(sz, r, false, &m->seq_no));
  m->response_len = ot_reader_remaining(r);
  /* The response, when present, is an SPDM message: at least its 4-byte header. */
  OT_ENSURE(m->response_len == 0 || m->response_len >= OT_SPDM_HEADER_SIZE, OT_E_MALFORMED);
  return ot_read_borrow(r, m->response_len, &m->response);
}
SPDM_DEFINE_DECODE(chunk_send_ack, ot_spdm_chunk_send_ack)

ot_status ot_spdm_encode_chunk_send_ack(const ot_spdm_sizes *sz, ot_writer *w,
                                        const ot_spdm_chunk_send_ack *m) {
  OT_ENSURE(m->response_len == 0 || m->response_len >= OT_SPDM_HEADER_SIZE, OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_CHUNK_SEND_ACK,
                          m->early_error ? OT_SPDM_CHUNK_EARLY_ERROR : 0, m->handle));
  OT_GUARD(write_seq(sz, w, false, m->seq_no));
  return spdm_write_span(w, m->response, m->response_len);
}

/* CHUNK_GET: header (Param1 reserved; Param2 Handle) | ChunkSeqNo(2). */
ot_status spdm_read_chunk_get(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_chunk_get *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_CHUNK_GET, NULL, &m->handle));
  return read_seq(sz, r, false, &m->seq_no);
}
SPDM_DEFINE_DECODE(chunk_get, ot_spdm_chunk_get)

ot_status ot_spdm_encode_chunk_get(const ot_spdm_sizes *sz, ot_writer *w,
                                   const ot_spdm_chunk_get *m) {
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_CHUNK_GET, 0, m->handle));
  return write_seq(sz, w, false, m->seq_no);
}
