/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: the requests that live inside a session — HEARTBEAT (DSP0274 1.3
 * §10.14), KEY_UPDATE (§10.15; SPEC-FACTS §2.12), END_SESSION (§10.17),
 * VENDOR_DEFINED_REQUEST (§10.20; SPEC-FACTS §2.14) — and the secured-record
 * entry point (DSP0277 §6 over PCI DOE; SPEC-FACTS §3.1).
 */
#include "responder_internal.h"

#include "opentsm/clock.h"
#include "opentsm/secure.h"

ot_status rsp_heartbeat(rsp_call *c) {
  return ot_spdm_encode_heartbeat_ack(&c->r->neg.sizes, c->w);
}

/* KEY_UPDATE, responder side (spdm_session.h "responder, UpdateKey /
 * UpdateAllKeys"): keys switch before the ACK is sealed, so the ACK to
 * UpdateAllKeys goes out under the new response key. */
ot_status rsp_key_update(rsp_call *c) {
  ot_spdm_rsp_session *s = c->session;
  const ot_spdm_key_update *q = &c->msg.u.key_update;
  ot_spdm_key_update ack = *q;
  switch (q->operation) {
  case OT_SPDM_KEY_UPDATE_OP_UPDATE_KEY:
  case OT_SPDM_KEY_UPDATE_OP_UPDATE_ALL_KEYS:
    /* A second update before VerifyNewKey is out of order (§10.15). */
    if (s->key_update_busy) return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
    OT_GUARD(ot_spdm_session_update_derive(&s->s, OT_SPDM_DIR_REQ));
    if (q->operation == OT_SPDM_KEY_UPDATE_OP_UPDATE_ALL_KEYS)
      OT_GUARD(ot_spdm_session_update_derive(&s->s, OT_SPDM_DIR_RSP));
    OT_GUARD(ot_spdm_session_update_activate_rx(&s->s));
    if (q->operation == OT_SPDM_KEY_UPDATE_OP_UPDATE_ALL_KEYS)
      OT_GUARD(ot_spdm_session_update_activate_tx(&s->s));
    s->key_update_busy = true;
    break;
  case OT_SPDM_KEY_UPDATE_OP_VERIFY_NEW_KEY:
    /* VerifyNewKey without a pending update: InvalidRequest (§10.15). */
    if (!s->key_update_busy) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
    OT_GUARD(ot_spdm_session_update_commit(&s->s));
    s->key_update_busy = false;
    break;
  default: return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  }
  return ot_spdm_encode_key_update_ack(&c->r->neg.sizes, c->w, &ack);
}

ot_status rsp_end_session(rsp_call *c) {
  OT_GUARD(ot_spdm_encode_end_session_ack(&c->r->neg.sizes, c->w));
  c->session->post = OT_SPDM_POST_TEARDOWN; /* the ACK still goes out under the session keys */
  return OT_SUCCESS;
}

static bool is_request_fault(ot_status st) {
  return ot_is(st, OT_E_NOT_FOUND) || ot_is(st, OT_E_UNSUPPORTED) || ot_is(st, OT_E_MALFORMED) ||
         ot_is(st, OT_E_RESERVED) || ot_is(st, OT_E_UNEXPECTED) || ot_is(st, OT_E_TRUNCATED) ||
         ot_is(st, OT_E_TRAILING);
}

/* VENDOR_DEFINED_REQUEST: the handler registered for (StandardID, VendorID,
 * ProtocolID) answers; its payload is wrapped in VENDOR_DEFINED_RESPONSE with
 * the same IDs and protocol byte (SPEC-FACTS §2.14). */
ot_status rsp_vendor_defined(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_vendor_defined *q = &c->msg.u.vendor;
  ot_spdm_vdm_handler *h = NULL;
  if (q->vendor_id_len == 2 && q->payload_len >= 1) {
    uint16_t vid = ot_load_u16le(q->vendor_id);
    for (size_t i = 0; i < r->cfg->vdm_count && !h; i++) {
      ot_spdm_vdm_handler *x = r->cfg->vdm[i];
      if (x->standard_id == q->standard_id && x->vendor_id == vid &&
          x->protocol_id == q->payload[0])
        h = x;
    }
  }
  /* No handler for these IDs (e.g. CXL's VendorID 1E98h): UnsupportedRequest,
   * ErrorData = the request code (DSP0274 1.3 "ERROR response message", 07h),
   * as libspdm answers when its vendor callback refuses; the session stays. */
  if (h == NULL)
    return rsp_error(c, OT_SPDM_ERR_UNSUPPORTED_REQUEST, OT_SPDM_VENDOR_DEFINED_REQUEST);
  /* DSP0274 1.4: the large form (LargeReq) needs LARGE_RESP_CAP on both
   * sides; the response takes the request's form (LargeResp), as libspdm's
   * responder answers. */
  if (q->large && !(r->caps & r->req_caps & OT_SPDM_CAP_LARGE_RESP))
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  uint8_t payload[OT_SPDM_LARGE_MAX];
  size_t n = 0;
  payload[0] = h->protocol_id;
  ot_status st = h->handle(h, c->session->s.session_id, q->payload + 1, q->payload_len - 1u,
                           payload + 1, sizeof(payload) - 1, &n);
  /* A protocol message the handler cannot act on (malformed, or naming what
   * the device does not have, e.g. an IDE_KM QUERY for a PortIndex above
   * MaxPortIndex, PCIe r6.0 §6.33.3, whose QUERY_RESP has no status) is an
   * invalid request field: InvalidRequest (DSP0274 1.3 "ERROR response
   * message", error code 01h); not the session's end, the next request is
   * served. */
  if (is_request_fault(st)) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  OT_GUARD(st);
  OT_ENSURE(n + 1 <= UINT16_MAX, OT_E_TOO_LARGE);
  ot_spdm_vendor_defined a = {.standard_id = q->standard_id,
                              .vendor_id_len = q->vendor_id_len,
                              .vendor_id = q->vendor_id,
                              .large = q->large,
                              .payload_len = (uint32_t)(n + 1),
                              .payload = payload};
  return ot_spdm_encode_vendor_response(&r->neg.sizes, c->w, &a);
}

uint64_t rsp_now(const ot_spdm_responder *r) {
  return r->cfg->clock ? ot_clock_now(r->cfg->clock) : 0;
}

/* SPEC-FACTS §2.13 (DSP0274 §10.14 "HEARTBEAT"): an established session with
 * a HeartbeatPeriod ends when nothing arrived in it for twice that period. */
static bool heartbeat_expired(const ot_spdm_rsp_session *s, uint64_t now) {
  if (!s->used || s->heartbeat_period == 0 || s->s.state != OT_SPDM_SESSION_ESTABLISHED)
    return false;
  uint64_t limit = 2u * (uint64_t)s->heartbeat_period * OT_NS_PER_S;
  return now > s->last_rx_ns && now - s->last_rx_ns > limit;
}

size_t ot_spdm_responder_expire_sessions(ot_spdm_responder *r) {
  if (r == NULL || r->cfg->clock == NULL) return 0;
  uint64_t now = rsp_now(r);
  size_t ended = 0;
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++) {
    if (!heartbeat_expired(&r->sessions[i], now)) continue;
    rsp_session_end(&r->sessions[i]);
    ended++;
  }
  return ended;
}

static ot_spdm_rsp_session *find_session(ot_spdm_responder *r, uint32_t id) {
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++) {
    ot_spdm_rsp_session *s = &r->sessions[i];
    if (s->used && s->s.session_id == id) return s;
  }
  return NULL;
}

/* DecryptError in the clear: the session's keys can no longer be trusted. */
static ot_status decrypt_error(ot_spdm_responder *r, uint8_t *out, size_t cap, size_t *out_len) {
  ot_writer w;
  ot_writer_init(&w, out, cap);
  OT_GUARD(ot_write_u8(&w, r->neg.version));
  OT_GUARD(ot_write_u8(&w, OT_SPDM_ERROR));
  OT_GUARD(ot_write_u8(&w, OT_SPDM_ERR_DECRYPT_ERROR));
  OT_GUARD(ot_write_u8(&w, 0));
  *out_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_responder_handle_secured(ot_spdm_responder *r, const uint8_t *rec, size_t len,
                                           uint8_t *out, size_t cap, size_t *out_len,
                                           bool *out_secured) {
  OT_ENSURE(r && rec && out && out_len && out_secured, OT_E_ARG);
  (void)ot_spdm_responder_expire_sessions(r);
  uint32_t id;
  OT_GUARD(ot_spdm_secured_session_id(rec, len, &id));
  ot_spdm_rsp_session *s = find_session(r, id);
  OT_ENSURE(s != NULL, OT_E_NOT_FOUND);
  uint8_t msg[OT_SPDM_LARGE_MAX + 64], rsp[OT_SPDM_LARGE_MAX + 64];
  size_t n, rn = 0;
  ot_status st = ot_spdm_secured_decode(&s->s, rec, len, msg, sizeof(msg), &n);
  if (ot_is(st, OT_E_STATE) || ot_is(st, OT_E_NO_SPACE)) return st;
  if (!ot_ok(st)) {
    rsp_session_end(s);
    *out_secured = false;
    return decrypt_error(r, out, cap, out_len);
  }
  s->last_rx_ns = rsp_now(r);
  OT_GUARD_GOTO(st, rsp_handle_in(r, s, msg, n, rsp, sizeof(rsp), &rn), out);
  if (s->used) {
    OT_GUARD_GOTO(st, ot_spdm_secured_encode(&s->s, rsp, rn, out, cap, out_len), out);
    *out_secured = true;
  } else {
    /* The session ended while handling it: nothing to seal the answer with. */
    OT_ENSURE_GOTO(st, rn <= cap, OT_E_NO_SPACE, out);
    memcpy(out, rsp, rn);
    *out_len = rn;
    *out_secured = false;
  }
  if (s->post == OT_SPDM_POST_DERIVE_DATA)
    st = ot_spdm_session_derive_data(&s->s, s->th2, r->neg.sizes.hash_len);
  else if (s->post == OT_SPDM_POST_TEARDOWN)
    rsp_session_end(s);
  if (s->used) s->post = OT_SPDM_POST_NONE;
out:
  ot_zeroize(msg, sizeof(msg));
  ot_zeroize(rsp, sizeof(rsp));
  return st;
}
