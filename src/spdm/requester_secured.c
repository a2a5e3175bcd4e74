/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: messages inside an established session — HEARTBEAT (DSP0274 1.3
 * §10.14), KEY_UPDATE (§10.15; SPEC-FACTS §2.12 switch order), END_SESSION
 * (§10.17) and VENDOR_DEFINED_REQUEST (§10.20; SPEC-FACTS §2.14), the hook
 * IDE_KM and TDISP use.
 */
#include "requester_internal.h"

static ot_status established(ot_spdm_requester *q, uint32_t id, ot_spdm_req_session **s) {
  OT_GUARD(req_ready(q));
  OT_GUARD(req_session(q, id, s));
  OT_ENSURE((*s)->s.state == OT_SPDM_SESSION_ESTABLISHED, OT_E_STATE);
  return OT_SUCCESS;
}

/* A session that fails to authenticate a record is gone (DSP0277 §6). */
static ot_status in_session(ot_spdm_requester *q, ot_spdm_req_session *s, const uint8_t *req,
                            size_t len, req_rsp *r) {
  ot_status st = req_exchange(q, s, &q->neg.sizes, req, len, r);
  if (!ot_ok(st) && ot_spdm_session_failed(&s->s)) req_session_end(s);
  return st;
}

OT_RESULT ot_spdm_requester_heartbeat(ot_spdm_requester *q, uint32_t session_id) {
  ot_spdm_req_session *s;
  OT_GUARD(established(q, session_id, &s));
  uint8_t req[4];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_heartbeat(&q->neg.sizes, &w));
  req_rsp r;
  OT_GUARD(in_session(q, s, req, sizeof(req), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  return ot_spdm_decode_heartbeat_ack(&q->neg.sizes, &rd);
}

static ot_status key_update_op(ot_spdm_requester *q, ot_spdm_req_session *s, uint8_t op,
                               uint8_t tag) {
  uint8_t req[4];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  ot_spdm_key_update ku = {.operation = op, .tag = tag};
  OT_GUARD(ot_spdm_encode_key_update(&q->neg.sizes, &w, &ku));
  req_rsp r;
  OT_GUARD(in_session(q, s, req, sizeof(req), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_key_update ack;
  OT_GUARD(ot_spdm_decode_key_update_ack(&q->neg.sizes, &rd, &ack));
  /* The ACK echoes operation and tag (§10.15). */
  OT_ENSURE(ack.operation == op && ack.tag == tag, OT_E_MALFORMED);
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_requester_key_update(ot_spdm_requester *q, uint32_t session_id, bool all) {
  ot_spdm_req_session *s;
  OT_GUARD(established(q, session_id, &s));
  uint8_t tag[2];
  OT_GUARD(ot_rng_fill(q->cfg->rng, tag, sizeof(tag)));
  uint8_t op = all ? OT_SPDM_KEY_UPDATE_OP_UPDATE_ALL_KEYS : OT_SPDM_KEY_UPDATE_OP_UPDATE_KEY;
  ot_status st;
  /* spdm_session.h "requester, UpdateKey / UpdateAllKeys": derive first; for
   * all keys, the ACK already comes under the new response key. */
  OT_GUARD_GOTO(st, ot_spdm_session_update_derive(&s->s, OT_SPDM_DIR_REQ), abort);
  if (all) {
    OT_GUARD_GOTO(st, ot_spdm_session_update_derive(&s->s, OT_SPDM_DIR_RSP), abort);
    OT_GUARD_GOTO(st, ot_spdm_session_update_activate_rx(&s->s), abort);
  }
  OT_GUARD_GOTO(st, key_update_op(q, s, op, tag[0]), abort);
  OT_GUARD_GOTO(st, ot_spdm_session_update_activate_tx(&s->s), abort);
  OT_GUARD_GOTO(st, key_update_op(q, s, OT_SPDM_KEY_UPDATE_OP_VERIFY_NEW_KEY, tag[1]), abort);
  return ot_spdm_session_update_commit(&s->s);
abort:
  if (s->used) OT_IGNORE(ot_spdm_session_update_abort(&s->s)); /* keep the original error */
  return req_fail(q, st);
}

OT_RESULT ot_spdm_requester_end_session(ot_spdm_requester *q, uint32_t session_id) {
  ot_spdm_req_session *s;
  OT_GUARD(established(q, session_id, &s));
  uint8_t req[4];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  ot_spdm_end_session e = {.negotiated_state_clear = false};
  OT_GUARD(ot_spdm_encode_end_session(&q->neg.sizes, &w, &e));
  req_rsp r;
  ot_status st = in_session(q, s, req, sizeof(req), &r);
  if (ot_ok(st)) {
    ot_reader rd;
    ot_reader_init(&rd, r.msg, r.len);
    st = ot_spdm_decode_end_session_ack(&q->neg.sizes, &rd);
  }
  if (s->used) req_session_end(s);
  return st;
}

OT_RESULT ot_spdm_requester_vdm(ot_spdm_requester *q, uint32_t session_id, uint16_t standard_id,
                                uint16_t vendor_id, uint8_t protocol_id, const uint8_t *req,
                                size_t req_len, uint8_t *rsp, size_t cap, size_t *rsp_len) {
  ot_spdm_req_session *s;
  OT_GUARD(established(q, session_id, &s));
  OT_ENSURE(req_len + 1 <= UINT16_MAX && (req || !req_len), OT_E_ARG);
  uint8_t msg[OT_SPDM_LARGE_MAX], vid[2];
  OT_ENSURE(req_len + 1 <= sizeof(msg) - 16, OT_E_TOO_LARGE);
  ot_store_u16le(vid, vendor_id);
  uint8_t payload[OT_SPDM_LARGE_MAX];
  payload[0] = protocol_id;
  if (req_len) memcpy(payload + 1, req, req_len);
  /* DSP0274 1.4: with LARGE_RESP_CAP on both sides the request takes the
   * large form (LargeReq, u32 length), as libspdm's requester sends it. */
  bool large =
      q->neg.version >= OT_SPDM_VERSION_14 && (q->caps & q->rsp_caps & OT_SPDM_CAP_LARGE_RESP) != 0;
  ot_spdm_vendor_defined v = {.standard_id = standard_id,
                              .vendor_id_len = 2,
                              .vendor_id = vid,
                              .large = large,
                              .payload_len = (uint32_t)(req_len + 1),
                              .payload = payload};
  ot_writer w;
  ot_writer_init(&w, msg, sizeof(msg));
  OT_GUARD(ot_spdm_encode_vendor_request(&q->neg.sizes, &w, &v));
  req_rsp r;
  OT_GUARD(in_session(q, s, msg, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_vendor_defined a;
  OT_GUARD(ot_spdm_decode_vendor_response(&q->neg.sizes, &rd, &a));
  /* The response names the same registry, vendor and protocol (SPEC-FACTS §2.14). */
  OT_ENSURE(a.standard_id == standard_id && a.vendor_id_len == 2 &&
                ot_load_u16le(a.vendor_id) == vendor_id && a.payload_len >= 1 &&
                a.payload[0] == protocol_id,
            OT_E_MALFORMED);
  OT_ENSURE(a.payload_len - 1u <= cap, OT_E_NO_SPACE);
  memcpy(rsp, a.payload + 1, a.payload_len - 1u);
  *rsp_len = a.payload_len - 1u;
  return OT_SUCCESS;
}
