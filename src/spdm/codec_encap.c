/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The encapsulated request flow's envelopes (DSP0274 1.2/1.3 "GET_ENCAPSULATED_
 * REQUEST request and ENCAPSULATED_REQUEST response messages", "DELIVER_
 * ENCAPSULATED_RESPONSE request and ENCAPSULATED_RESPONSE_ACK response
 * messages"): the responder's requests travel inside the requester's
 * requests' answers, and the requester's responses inside its requests.
 * Layouts in opentsm/spdm_codec.h ("Encapsulated request flow").
 */
#include "codec_internal.h"

static bool is_envelope(uint8_t code) {
  return code == OT_SPDM_GET_ENCAPSULATED_REQUEST || code == OT_SPDM_ENCAPSULATED_REQUEST ||
         code == OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE || code == OT_SPDM_ENCAPSULATED_RESPONSE_ACK;
}

/*
 * The embedded message at the reader's position: as long as its own fields say
 * (ot_spdm_message_length, up to 3 bytes of DOE padding may follow it), or the
 * rest of the message for a code the codec has no layout for (the receiver
 * answers that one with an encapsulated ERROR; its length does not matter).
 * `request` says which direction the embedded code must have.
 */
static ot_status read_inner(const ot_spdm_sizes *sz, ot_reader *r, bool request, size_t *len,
                            const uint8_t **msg) {
  OT_GUARD(ot_reader_status(r));
  size_t rest = ot_reader_remaining(r);
  OT_ENSURE(rest >= OT_SPDM_HEADER_SIZE, OT_E_TRUNCATED);
  const uint8_t *p = r->data + r->off;
  /* DSP0274 "Encapsulated request flow": the embedded message is one request
   * (ENCAPSULATED_REQUEST, ACK) or one response (DELIVER_...), never another
   * envelope. */
  OT_ENSURE(!is_envelope(p[1]), OT_E_MALFORMED);
  OT_ENSURE(OT_SPDM_CODE_IS_REQUEST(p[1]) == request, OT_E_MALFORMED);
  size_t n = rest;
  /* ENDPOINT_INFO's layout depends on the request it answers (Nonce and
   * Signature only when one was asked, DSP0274 1.3 §10.23), which the
   * envelope does not carry: it is the rest, and the receiver decodes it with
   * the layout of its own request. */
  ot_status st = !request && p[1] == OT_SPDM_ENDPOINT_INFO
                     ? ot_status_of(OT_E_UNSUPPORTED)
                     : ot_spdm_message_length(sz, p, rest, &n);
  if (ot_is(st, OT_E_UNSUPPORTED))
    n = rest;
  else
    OT_GUARD(st);
  *len = n;
  return ot_read_borrow(r, n, msg);
}

static ot_status write_inner(ot_writer *w, const ot_spdm_encap *m, bool request) {
  OT_ENSURE(m->msg != NULL && m->msg_len >= OT_SPDM_HEADER_SIZE, OT_E_ARG);
  OT_ENSURE(!is_envelope(m->msg[1]) && OT_SPDM_CODE_IS_REQUEST(m->msg[1]) == request, OT_E_ARG);
  return ot_write_bytes(w, m->msg, m->msg_len);
}

/* GET_ENCAPSULATED_REQUEST: header only, Param1/Param2 reserved. */
SPDM_DEFINE_EMPTY(get_encapsulated_request, OT_SPDM_GET_ENCAPSULATED_REQUEST)

/* ENCAPSULATED_REQUEST: header (Param1 RequestID; Param2 reserved) | request. */
ot_status spdm_read_encapsulated_request(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_encap *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_ENCAPSULATED_REQUEST, &m->request_id, NULL));
  return read_inner(sz, r, true, &m->msg_len, &m->msg);
}
SPDM_DEFINE_DECODE(encapsulated_request, ot_spdm_encap)
ot_status ot_spdm_encode_encapsulated_request(const ot_spdm_sizes *sz, ot_writer *w,
                                              const ot_spdm_encap *m) {
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_ENCAPSULATED_REQUEST, m->request_id, 0));
  return write_inner(w, m, true);
}

/* DELIVER_ENCAPSULATED_RESPONSE: header (Param1 RequestID) | response. The
 * embedded response is the requester's: its signatures are ReqBaseAsymAlg's. */
ot_status spdm_read_deliver_encapsulated_response(const ot_spdm_sizes *sz, ot_reader *r,
                                                  ot_spdm_encap *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE, &m->request_id, NULL));
  ot_spdm_sizes inner = *sz;
  inner.sig_len = sz->req_sig_len;
  /* Its DIGESTS has the multi-key arrays when the connection is multi-key
   * for the requester (DSP0274 1.3 §10.5), whatever it is for us. */
  inner.multi_key_conn = sz->multi_key_conn_req;
  return read_inner(&inner, r, false, &m->msg_len, &m->msg);
}
SPDM_DEFINE_DECODE(deliver_encapsulated_response, ot_spdm_encap)
ot_status ot_spdm_encode_deliver_encapsulated_response(const ot_spdm_sizes *sz, ot_writer *w,
                                                       const ot_spdm_encap *m) {
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE, m->request_id, 0));
  return write_inner(w, m, false);
}

/* ENCAPSULATED_RESPONSE_ACK: header (Param1 RequestID, Param2 PayloadType) |
 * [1.2+: AckRequestID | Reserved(3)] | payload by type. DSP0274 1.1 has no
 * AckRequestID: the payload follows the header (libspdm sends and expects
 * that layout at 1.1); it reads as 0 here. */
static bool ack_has_id(const ot_spdm_sizes *sz) { return spdm_ver_ge(sz, OT_SPDM_VERSION_12); }

ot_status spdm_read_encapsulated_response_ack(const ot_spdm_sizes *sz, ot_reader *r,
                                              ot_spdm_encap *m) {
  OT_GUARD(
      spdm_hdr_read(sz, r, OT_SPDM_ENCAPSULATED_RESPONSE_ACK, &m->request_id, &m->payload_type));
  m->ack_request_id = 0;
  if (ack_has_id(sz)) {
    OT_GUARD(ot_read_u8(r, &m->ack_request_id));
    OT_GUARD(ot_read_skip(r, 3));
  }
  switch (m->payload_type) {
  case OT_SPDM_ENCAP_ACK_ABSENT:
    return OT_SUCCESS;
  case OT_SPDM_ENCAP_ACK_PRESENT:
    return read_inner(sz, r, true, &m->msg_len, &m->msg);
  case OT_SPDM_ENCAP_ACK_SLOT:
    OT_GUARD(ot_read_u8(r, &m->req_slot));
    /* "ReqSlotNumber": a certificate slot, 0..7 (0xFF is not a slot here). */
    OT_ENSURE(m->req_slot < OT_SPDM_MAX_SLOT_COUNT, OT_E_MALFORMED);
    return OT_SUCCESS;
  default:
    OT_BAIL(OT_E_MALFORMED); /* Param2 values 3-255 are reserved */
  }
}
SPDM_DEFINE_DECODE(encapsulated_response_ack, ot_spdm_encap)
ot_status ot_spdm_encode_encapsulated_response_ack(const ot_spdm_sizes *sz, ot_writer *w,
                                                   const ot_spdm_encap *m) {
  OT_ENSURE(m->payload_type <= OT_SPDM_ENCAP_ACK_SLOT, OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_ENCAPSULATED_RESPONSE_ACK, m->request_id,
                          m->payload_type));
  if (ack_has_id(sz)) {
    OT_GUARD(ot_write_u8(w, m->ack_request_id));
    OT_GUARD(ot_write_zeros(w, 3));
  }
  if (m->payload_type == OT_SPDM_ENCAP_ACK_PRESENT) return write_inner(w, m, true);
  if (m->payload_type == OT_SPDM_ENCAP_ACK_SLOT) {
    OT_ENSURE(m->req_slot < OT_SPDM_MAX_SLOT_COUNT, OT_E_ARG);
    return ot_write_u8(w, m->req_slot);
  }
  return OT_SUCCESS;
}
