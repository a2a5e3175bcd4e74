/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: GET_ENDPOINT_INFO sent to the requester through the
 * encapsulated request flow (DSP0274 1.3 §10.23 "GET_ENDPOINT_INFO request
 * and ENDPOINT_INFO response messages" and "Encapsulated request flow").
 * spdm-emu's requester asks for it with the out-of-band socket command 8002h
 * and then sends GET_ENCAPSULATED_REQUEST, outside a session or inside an
 * established one. A signed answer covers IL = A ‖ GET_ENDPOINT_INFO ‖
 * ENDPOINT_INFO without its Signature under "requester-endpoint_info signing"
 * (SPEC-FACTS §2.16, the same IL as the responder's own answer), with the key
 * of the requester's chain validated earlier in this connection (basic or
 * session mutual authentication). Nothing of the flow enters a transcript.
 */
#include "responder_internal.h"

#include "opentsm/secure.h"

/* The validated requester chain to verify a signature with: the flow of the
 * session the request came in, else basic mutual authentication's. */
static const ot_spdm_rsp_mut *known_key(const ot_spdm_responder *r, const ot_spdm_rsp_session *s) {
  if (s && s->mut.state == OT_SPDM_MUT_DONE && s->mut.pub_len) return &s->mut;
  if (r->basic.state == OT_SPDM_MUT_DONE && r->basic.pub_len) return &r->basic;
  return NULL;
}

/* True for 0 (the flow outside sessions) or a session still in use. */
static bool session_alive(const ot_spdm_responder *r, uint32_t session_id) {
  return session_id == 0 || ot_spdm_responder_has_session(r, session_id);
}

OT_RESULT ot_spdm_responder_encap_endpoint_info(ot_spdm_responder *r) {
  OT_ENSURE(r != NULL, OT_E_ARG);
  /* §10.23: GET_ENDPOINT_INFO exists from 1.3; the requester answers it only
   * with EP_INFO_CAP, and the flow needs ENCAP_CAP on both sides. */
  OT_ENSURE(r->state >= OT_SPDM_CONN_NEGOTIATED && r->neg.version >= OT_SPDM_VERSION_13,
            OT_E_UNSUPPORTED);
  OT_ENSURE((r->cfg->caps & r->req_caps & OT_SPDM_CAP_ENCAP) &&
                (r->req_caps & OT_SPDM_CAP_EP_INFO_MASK),
            OT_E_UNSUPPORTED);
  /* One flow at a time, unless the session it ran in has ended meanwhile. */
  OT_ENSURE(r->ep_encap.state != OT_SPDM_MUT_AWAIT_DELIVER ||
                !session_alive(r, r->ep_encap.session_id),
            OT_E_STATE);
  r->ep_encap.state = OT_SPDM_MUT_AWAIT_GET;
  r->ep_encap.ep_info_len = 0;
  return OT_SUCCESS;
}

bool rsp_ep_encap_pending(const ot_spdm_responder *r) {
  return r->ep_encap.state == OT_SPDM_MUT_AWAIT_GET;
}

bool rsp_ep_encap_delivering(const ot_spdm_responder *r, const ot_spdm_rsp_session *s) {
  return r->ep_encap.state == OT_SPDM_MUT_AWAIT_DELIVER &&
         r->ep_encap.session_id == (s ? s->s.session_id : 0);
}

ot_status rsp_ep_encap_get(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  ot_spdm_rsp_session *s = c->session;
  /* In a session only an established one (libspdm refuses a handshaking one). */
  if (s && s->s.state != OT_SPDM_SESSION_ESTABLISHED)
    return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  const ot_spdm_rsp_mut *key = known_key(r, s);
  /* Ask for a signature when the requester can sign endpoint info (EP_INFO_CAP
   * 10b) and we hold its validated key to check it with. */
  bool sign = key != NULL && (r->req_caps & OT_SPDM_CAP_EP_INFO_MASK) == OT_SPDM_CAP_EP_INFO_SIG;
  ot_spdm_get_endpoint_info g = {.subcode = OT_SPDM_EP_INFO_SUBCODE_DEVICE_CLASS_ID,
                                 .slot_id = sign ? key->slot : 0,
                                 .attributes = sign ? OT_SPDM_EP_INFO_ATTR_SIGNATURE : 0};
  if (sign) OT_GUARD(ot_rng_fill(r->cfg->rng, g.nonce, sizeof(g.nonce)));
  ot_writer q;
  ot_writer_init(&q, r->ep_encap.last_req, sizeof(r->ep_encap.last_req));
  OT_GUARD(ot_spdm_encode_get_endpoint_info(&r->neg.sizes, &q, &g));
  r->ep_encap.last_req_len = ot_writer_len(&q);
  r->ep_encap.sign = sign;
  r->ep_encap.slot = g.slot_id;
  r->ep_encap.pub_len = 0;
  if (sign) {
    memcpy(r->ep_encap.pub, key->pub, key->pub_len);
    r->ep_encap.pub_len = key->pub_len;
  }
  r->ep_encap.session_id = s ? s->s.session_id : 0;
  r->ep_encap.request_id = 1;
  r->ep_encap.state = OT_SPDM_MUT_AWAIT_DELIVER;
  /* ENCAPSULATED_REQUEST: Param1 RequestID | the request. */
  OT_GUARD(ot_write_u8(c->w, r->neg.version));
  OT_GUARD(ot_write_u8(c->w, OT_SPDM_ENCAPSULATED_REQUEST));
  OT_GUARD(ot_write_u8(c->w, r->ep_encap.request_id));
  OT_GUARD(ot_write_u8(c->w, 0));
  return ot_write_bytes(c->w, r->ep_encap.last_req, r->ep_encap.last_req_len);
}

/* The requester's ENDPOINT_INFO: the slot asked, a well-formed EPInfo, and
 * when signed a signature over IL under ReqBaseAsymAlg. */
static ot_status take_endpoint_info(ot_spdm_responder *r, const uint8_t *msg, size_t len) {
  ot_spdm_sizes sz = r->neg.sizes;
  sz.ep_info_signature = r->ep_encap.sign;
  sz.sig_len = sz.req_sig_len;
  ot_reader rd;
  ot_reader_init(&rd, msg, len);
  ot_spdm_endpoint_info m;
  OT_GUARD(ot_spdm_decode_endpoint_info(&sz, &rd, &m));
  /* §10.23 ENDPOINT_INFO Param2: the SlotID that signed (0 unsigned). */
  OT_ENSURE(m.slot_id == r->ep_encap.slot, OT_E_MALFORMED);
  OT_GUARD(ot_spdm_ep_info_check(m.ep_info, m.ep_info_len, NULL));
  OT_ENSURE(m.ep_info_len <= sizeof(r->ep_encap.ep_info), OT_E_TOO_LARGE);
  if (r->ep_encap.sign) {
    uint8_t th[OT_HASH_MAX_SIZE];
    ot_hash_ctx h;
    OT_GUARD(ot_spdm_transcript_fork_a(&r->t, &h));
    ot_status st = ot_hash_update(&h, r->ep_encap.last_req, r->ep_encap.last_req_len);
    if (ot_ok(st)) st = ot_hash_update(&h, msg, len - sz.sig_len);
    if (ot_ok(st)) st = ot_hash_final(&h, th, sizeof(th));
    ot_hash_free(&h);
    OT_GUARD(st);
    OT_GUARD(ot_spdm_signature_verify(
        r->neg.version, r->neg.req_base_asym, r->neg.hash, r->ep_encap.pub, r->ep_encap.pub_len,
        OT_SPDM_SIGN_CTX_ENDPOINT_INFO_REQ, th, sz.hash_len, m.signature, sz.sig_len));
  }
  if (m.ep_info_len) memcpy(r->ep_encap.ep_info, m.ep_info, m.ep_info_len);
  r->ep_encap.ep_info_len = m.ep_info_len;
  return OT_SUCCESS;
}

ot_status rsp_ep_encap_deliver(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_encap *e = &c->msg.u.encap;
  /* DELIVER_ENCAPSULATED_RESPONSE Param1: the RequestID it answers. */
  if (e->request_id != r->ep_encap.request_id) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  ot_status st = e->msg[1] == OT_SPDM_ENDPOINT_INFO ? take_endpoint_info(r, e->msg, e->msg_len)
                                                    : ot_status_of(OT_E_UNEXPECTED);
  if (!ot_ok(st)) {
    /* An ERROR, a malformed answer or a bad signature ends the flow. */
    r->ep_encap.state = OT_SPDM_MUT_FAILED;
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  }
  r->ep_encap.state = OT_SPDM_MUT_DONE;
  /* ENCAPSULATED_RESPONSE_ACK (1.2+): no further request (Param1 0, Param2
   * 0 "absent"), AckRequestID, Reserved(3). */
  OT_GUARD(ot_write_u8(c->w, r->neg.version));
  OT_GUARD(ot_write_u8(c->w, OT_SPDM_ENCAPSULATED_RESPONSE_ACK));
  OT_GUARD(ot_write_u8(c->w, 0));
  OT_GUARD(ot_write_u8(c->w, OT_SPDM_ENCAP_ACK_ABSENT));
  OT_GUARD(ot_write_u8(c->w, e->request_id));
  return ot_write_zeros(c->w, 3);
}
