/* SPDX-License-Identifier: BSD-3-Clause */
/* Decode and encode any SPDM message by its code, and find the exact length of a
 * DOE-padded message (SPEC-FACTS T1). One table per direction, indexed by the
 * low 7 bits of RequestResponseCode (bit 7 tells requests from responses,
 * DSP0274 "SPDM request codes" / "SPDM response codes"). Requests are decoded
 * by codec_request.c, the responder's half, which a device links alone. */
#include "codec_internal.h"

typedef struct rsp_entry {
  const char *name;
  ot_status (*read)(const ot_spdm_sizes *, ot_reader *, ot_spdm_response *);
  ot_status (*write)(const ot_spdm_sizes *, ot_writer *, const ot_spdm_response *);
} rsp_entry;

typedef struct req_entry {
  const char *name;
  ot_status (*write)(const ot_spdm_sizes *, ot_writer *, const ot_spdm_request *);
} req_entry;

/* Adapters from the union to each message's own functions. */
#define ADAPT(dir, fn, member)                                                                     \
  static ot_status dir##_read_##fn(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_##dir *m) {      \
    return spdm_read_##fn(sz, r, &m->u.member);                                                    \
  }                                                                                                \
  static ot_status dir##_write_##fn(const ot_spdm_sizes *sz, ot_writer *w,                         \
                                    const ot_spdm_##dir *m) {                                      \
    return ot_spdm_encode_##fn(sz, w, &m->u.member);                                               \
  }
#define ADAPT_EMPTY(dir, fn, code)                                                                 \
  static ot_status dir##_read_##fn(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_##dir *m) {      \
    (void)m;                                                                                       \
    return spdm_hdr_read(sz, r, code, NULL, NULL);                                                 \
  }                                                                                                \
  static ot_status dir##_write_##fn(const ot_spdm_sizes *sz, ot_writer *w,                         \
                                    const ot_spdm_##dir *m) {                                      \
    (void)m;                                                                                       \
    return ot_spdm_encode_##fn(sz, w);                                                             \
  }

ADAPT(response, version, version)
ADAPT(response, capabilities, capabilities)
ADAPT(response, algorithms, algorithms)
ADAPT(response, digests, digests)
ADAPT(response, certificate, certificate)
ADAPT(response, challenge_auth, challenge_auth)
ADAPT(response, measurements, measurements)
ADAPT(response, key_exchange_rsp, key_exchange_rsp)
ADAPT(response, finish_rsp, finish_rsp)
ADAPT(response, psk_exchange_rsp, psk_exchange_rsp)
/* PSK_FINISH_RSP has no fields to keep, but 1.4 gives it OpaqueData: the
 * reader has to walk it (ot_spdm_message_length). */
static ot_status response_read_psk_finish_rsp(const ot_spdm_sizes *sz, ot_reader *r,
                                              ot_spdm_response *m) {
  (void)m;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_PSK_FINISH_RSP, NULL, NULL));
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_14)) return OT_SUCCESS;
  uint16_t n;
  const uint8_t *opaque;
  return spdm_read_opaque(r, &n, &opaque);
}
static ot_status response_write_psk_finish_rsp(const ot_spdm_sizes *sz, ot_writer *w,
                                               const ot_spdm_response *m) {
  (void)m;
  return ot_spdm_encode_psk_finish_rsp(sz, w);
}
ADAPT_EMPTY(response, heartbeat_ack, OT_SPDM_HEARTBEAT_ACK)
ADAPT(response, key_update_ack, key_update_ack)
ADAPT_EMPTY(response, end_session_ack, OT_SPDM_END_SESSION_ACK)
ADAPT(response, vendor_response, vendor)
ADAPT(response, error, error)
ADAPT(response, chunk_send_ack, chunk_send_ack)
ADAPT(response, chunk_response, chunk_response)
ADAPT(response, encapsulated_request, encap)
ADAPT(response, encapsulated_response_ack, encap)
ADAPT(response, endpoint_info, endpoint_info)
ADAPT(response, mel, mel)
ADAPT(response, csr, csr)
ADAPT(response, set_certificate_rsp, set_certificate_rsp)
ADAPT(response, key_pair_info, key_pair_info)
/* SET_KEY_PAIR_INFO_ACK exists from 1.3 on (DSP0274 1.3 §10.27): read with
 * the same version rule as it is written. */
static ot_status response_read_set_key_pair_info_ack(const ot_spdm_sizes *sz, ot_reader *r,
                                                     ot_spdm_response *m) {
  (void)m;
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  return spdm_hdr_read(sz, r, OT_SPDM_SET_KEY_PAIR_INFO_ACK, NULL, NULL);
}
static ot_status response_write_set_key_pair_info_ack(const ot_spdm_sizes *sz, ot_writer *w,
                                                      const ot_spdm_response *m) {
  (void)m;
  return ot_spdm_encode_set_key_pair_info_ack(sz, w);
}

/* Requests: the encoders (codec_request.c reads them). */
#define ADAPT_W(fn, member)                                                                        \
  static ot_status request_write_##fn(const ot_spdm_sizes *sz, ot_writer *w,                       \
                                      const ot_spdm_request *m) {                                  \
    return ot_spdm_encode_##fn(sz, w, &m->u.member);                                               \
  }
#define ADAPT_EMPTY_W(fn)                                                                          \
  static ot_status request_write_##fn(const ot_spdm_sizes *sz, ot_writer *w,                       \
                                      const ot_spdm_request *m) {                                  \
    (void)m;                                                                                       \
    return ot_spdm_encode_##fn(sz, w);                                                             \
  }

ADAPT_EMPTY_W(get_version)
ADAPT_W(get_capabilities, get_capabilities)
ADAPT_W(negotiate_algorithms, negotiate_algorithms)
ADAPT_EMPTY_W(get_digests)
ADAPT_W(get_certificate, get_certificate)
ADAPT_W(challenge, challenge)
ADAPT_W(get_measurements, get_measurements)
ADAPT_W(key_exchange, key_exchange)
ADAPT_W(finish, finish)
ADAPT_W(psk_exchange, psk_exchange)
ADAPT_W(psk_finish, psk_finish)
ADAPT_EMPTY_W(heartbeat)
ADAPT_W(key_update, key_update)
ADAPT_W(end_session, end_session)
ADAPT_W(vendor_request, vendor)
ADAPT_W(respond_if_ready, respond_if_ready)
ADAPT_W(chunk_send, chunk_send)
ADAPT_W(chunk_get, chunk_get)
ADAPT_EMPTY_W(get_encapsulated_request)
ADAPT_W(deliver_encapsulated_response, encap)
ADAPT_W(get_endpoint_info, get_endpoint_info)
ADAPT_W(get_mel, get_mel)
ADAPT_W(get_csr, get_csr)
ADAPT_W(set_certificate, set_certificate)
ADAPT_W(get_key_pair_info, get_key_pair_info)
ADAPT_W(set_key_pair_info, set_key_pair_info)

#define RSP(code, name, fn) [(code)] = {name, response_read_##fn, response_write_##fn}
static const rsp_entry rsp_table[0x80] = {
    RSP(OT_SPDM_DIGESTS, "DIGESTS", digests),
    RSP(OT_SPDM_CERTIFICATE, "CERTIFICATE", certificate),
    RSP(OT_SPDM_CHALLENGE_AUTH, "CHALLENGE_AUTH", challenge_auth),
    RSP(OT_SPDM_VERSION, "VERSION", version),
    RSP(OT_SPDM_CHUNK_SEND_ACK, "CHUNK_SEND_ACK", chunk_send_ack),
    RSP(OT_SPDM_CHUNK_RESPONSE, "CHUNK_RESPONSE", chunk_response),
    RSP(OT_SPDM_MEASUREMENTS, "MEASUREMENTS", measurements),
    RSP(OT_SPDM_CAPABILITIES, "CAPABILITIES", capabilities),
    RSP(OT_SPDM_ALGORITHMS, "ALGORITHMS", algorithms),
    RSP(OT_SPDM_KEY_EXCHANGE_RSP, "KEY_EXCHANGE_RSP", key_exchange_rsp),
    RSP(OT_SPDM_FINISH_RSP, "FINISH_RSP", finish_rsp),
    RSP(OT_SPDM_PSK_EXCHANGE_RSP, "PSK_EXCHANGE_RSP", psk_exchange_rsp),
    RSP(OT_SPDM_PSK_FINISH_RSP, "PSK_FINISH_RSP", psk_finish_rsp),
    RSP(OT_SPDM_HEARTBEAT_ACK, "HEARTBEAT_ACK", heartbeat_ack),
    RSP(OT_SPDM_KEY_UPDATE_ACK, "KEY_UPDATE_ACK", key_update_ack),
    RSP(OT_SPDM_END_SESSION_ACK, "END_SESSION_ACK", end_session_ack),
    RSP(OT_SPDM_VENDOR_DEFINED_RESPONSE, "VENDOR_DEFINED_RESPONSE", vendor_response),
    RSP(OT_SPDM_ERROR, "ERROR", error),
    RSP(OT_SPDM_ENCAPSULATED_REQUEST, "ENCAPSULATED_REQUEST", encapsulated_request),
    RSP(OT_SPDM_ENCAPSULATED_RESPONSE_ACK, "ENCAPSULATED_RESPONSE_ACK", encapsulated_response_ack),
    RSP(OT_SPDM_ENDPOINT_INFO, "ENDPOINT_INFO", endpoint_info),
    RSP(OT_SPDM_MEASUREMENT_EXTENSION_LOG, "MEASUREMENT_EXTENSION_LOG", mel),
    RSP(OT_SPDM_CSR, "CSR", csr),
    RSP(OT_SPDM_SET_CERTIFICATE_RSP, "SET_CERTIFICATE_RSP", set_certificate_rsp),
    RSP(OT_SPDM_KEY_PAIR_INFO, "KEY_PAIR_INFO", key_pair_info),
    RSP(OT_SPDM_SET_KEY_PAIR_INFO_ACK, "SET_KEY_PAIR_INFO_ACK", set_key_pair_info_ack),
};

#define REQ(code, name, fn) [(code)&0x7fu] = {name, request_write_##fn}
static const req_entry req_table[0x80] = {
    REQ(OT_SPDM_GET_DIGESTS, "GET_DIGESTS", get_digests),
    REQ(OT_SPDM_GET_CERTIFICATE, "GET_CERTIFICATE", get_certificate),
    REQ(OT_SPDM_CHALLENGE, "CHALLENGE", challenge),
    REQ(OT_SPDM_GET_VERSION, "GET_VERSION", get_version),
    REQ(OT_SPDM_CHUNK_SEND, "CHUNK_SEND", chunk_send),
    REQ(OT_SPDM_CHUNK_GET, "CHUNK_GET", chunk_get),
    REQ(OT_SPDM_GET_MEASUREMENTS, "GET_MEASUREMENTS", get_measurements),
    REQ(OT_SPDM_GET_CAPABILITIES, "GET_CAPABILITIES", get_capabilities),
    REQ(OT_SPDM_NEGOTIATE_ALGORITHMS, "NEGOTIATE_ALGORITHMS", negotiate_algorithms),
    REQ(OT_SPDM_KEY_EXCHANGE, "KEY_EXCHANGE", key_exchange),
    REQ(OT_SPDM_FINISH, "FINISH", finish),
    REQ(OT_SPDM_PSK_EXCHANGE, "PSK_EXCHANGE", psk_exchange),
    REQ(OT_SPDM_PSK_FINISH, "PSK_FINISH", psk_finish),
    REQ(OT_SPDM_HEARTBEAT, "HEARTBEAT", heartbeat),
    REQ(OT_SPDM_KEY_UPDATE, "KEY_UPDATE", key_update),
    REQ(OT_SPDM_END_SESSION, "END_SESSION", end_session),
    REQ(OT_SPDM_VENDOR_DEFINED_REQUEST, "VENDOR_DEFINED_REQUEST", vendor_request),
    REQ(OT_SPDM_RESPOND_IF_READY, "RESPOND_IF_READY", respond_if_ready),
    REQ(OT_SPDM_GET_ENCAPSULATED_REQUEST, "GET_ENCAPSULATED_REQUEST", get_encapsulated_request),
    REQ(OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE, "DELIVER_ENCAPSULATED_RESPONSE",
        deliver_encapsulated_response),
    REQ(OT_SPDM_GET_ENDPOINT_INFO, "GET_ENDPOINT_INFO", get_endpoint_info),
    REQ(OT_SPDM_GET_MEASUREMENT_EXTENSION_LOG, "GET_MEASUREMENT_EXTENSION_LOG", get_mel),
    REQ(OT_SPDM_GET_CSR, "GET_CSR", get_csr),
    REQ(OT_SPDM_SET_CERTIFICATE, "SET_CERTIFICATE", set_certificate),
    REQ(OT_SPDM_GET_KEY_PAIR_INFO, "GET_KEY_PAIR_INFO", get_key_pair_info),
    REQ(OT_SPDM_SET_KEY_PAIR_INFO, "SET_KEY_PAIR_INFO", set_key_pair_info),
};

/* The code byte of the message at the reader's position, without consuming it. */
static ot_status peek_code(const ot_reader *r, uint8_t *code) {
  OT_GUARD(ot_reader_status(r));
  OT_ENSURE(ot_reader_remaining(r) >= 2, OT_E_TRUNCATED);
  *code = r->data[r->off + 1];
  return OT_SUCCESS;
}

static const rsp_entry *rsp_lookup(uint8_t code) {
  if (OT_SPDM_CODE_IS_REQUEST(code) || !rsp_table[code].read) return NULL;
  return &rsp_table[code];
}

static const req_entry *req_lookup(uint8_t code) {
  if (!OT_SPDM_CODE_IS_REQUEST(code) || !req_table[code & 0x7fu].write) return NULL;
  return &req_table[code & 0x7fu];
}

ot_status ot_spdm_decode_response(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_response *out) {
  uint8_t code;
  ot_spdm_response tmp;
  OT_GUARD(peek_code(r, &code));
  const rsp_entry *e = rsp_lookup(code);
  OT_ENSURE(e != NULL, OT_E_UNSUPPORTED);
  memset(&tmp, 0, sizeof tmp);
  tmp.code = code;
  OT_GUARD(e->read(sz, r, &tmp));
  OT_GUARD(ot_reader_finish(r));
  *out = tmp;
  return OT_SUCCESS;
}

ot_status ot_spdm_encode_response(const ot_spdm_sizes *sz, ot_writer *w,
                                  const ot_spdm_response *m) {
  const rsp_entry *e = rsp_lookup(m->code);
  OT_ENSURE(e != NULL, OT_E_UNSUPPORTED);
  return e->write(sz, w, m);
}

ot_status ot_spdm_encode_request(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_request *m) {
  const req_entry *e = req_lookup(m->code);
  OT_ENSURE(e != NULL, OT_E_UNSUPPORTED);
  return e->write(sz, w, m);
}

const char *ot_spdm_code_name(uint8_t code) {
  const req_entry *q = req_lookup(code);
  if (q) return q->name;
  const rsp_entry *p = rsp_lookup(code);
  return p ? p->name : "UNKNOWN";
}

/* Runs the message's read body over the padded buffer and reports where it
 * stopped. A read body consumes exactly its message, except the two whose tail
 * is free-form (see the header): for those it consumes everything. */
static ot_status body_length(const ot_spdm_sizes *sz, const uint8_t *buf, size_t len, size_t *out) {
  ot_reader r;
  uint8_t code;
  ot_reader_init(&r, buf, len);
  OT_GUARD(peek_code(&r, &code));
  if (OT_SPDM_CODE_IS_REQUEST(code)) {
    ot_spdm_request m;
    spdm_request_read_fn read = spdm_request_reader(code);
    OT_ENSURE(read != NULL, OT_E_UNSUPPORTED);
    memset(&m, 0, sizeof m);
    OT_GUARD(read(sz, &r, &m));
  } else {
    ot_spdm_response m;
    const rsp_entry *e = rsp_lookup(code);
    OT_ENSURE(e != NULL, OT_E_UNSUPPORTED);
    memset(&m, 0, sizeof m);
    OT_GUARD(e->read(sz, &r, &m));
  }
  *out = ot_reader_offset(&r);
  return OT_SUCCESS;
}

/* CHUNK_SEND_ACK: 6 fixed bytes (8 in 1.4, whose ChunkSeqNo is a u32), then
 * either DOE padding (fewer than 4 bytes, too short for any SPDM message) or an
 * SPDM response whose own fields delimit it. */
ot_status ot_spdm_message_length(const ot_spdm_sizes *sz, const uint8_t *buf, size_t len,
                                 size_t *out) {
  size_t n;
  OT_ENSURE(buf != NULL || len == 0, OT_E_ARG);
  bool ack = len >= 2 && buf[1] == OT_SPDM_CHUNK_SEND_ACK;
  const size_t fixed = ot_spdm_chunk_send_ack_fixed(sz->version);
  if (ack && len < fixed + OT_SPDM_HEADER_SIZE) {
    /* Too short to hold a response: whatever follows the fixed part is padding. */
    OT_GUARD(body_length(sz, buf, len < fixed ? len : fixed, &n));
  } else {
    OT_GUARD(body_length(sz, buf, len, &n));
  }
  if (ack && n > fixed) {
    size_t inner;
    if (ot_ok(ot_spdm_message_length(sz, buf + fixed, len - fixed, &inner))) n = fixed + inner;
  }
  /* PCIe r6.0 §6.30.1: a data object is whole DWs, so at most 3 bytes of padding. */
  OT_ENSURE(len - n < 4, OT_E_TRAILING);
  *out = n;
  return OT_SUCCESS;
}
