/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: PSK_EXCHANGE and PSK_FINISH (DSP0274 1.3 "PSK_EXCHANGE request and
 * PSK_EXCHANGE_RSP response messages", "PSK_FINISH request and PSK_FINISH_RSP
 * response messages"; DSP0277 key schedule; SPEC-FACTS §2.19). The session
 * transcript is A || PSK_EXCHANGE || PSK_EXCHANGE_RSP || [PSK_FINISH ||
 * PSK_FINISH_RSP]: no certificate chain hash, no signature. The PSK replaces
 * the DHE secret as the handshake secret's input key material.
 */
#include "requester_internal.h"

#include "opentsm/secure.h"

/* Our secured-message versions (SPEC-FACTS §3.5), as KEY_EXCHANGE offers them. */
static const ot_spdm_sm_versions offer_versions = {
    .data_id = OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS,
    .count = 3,
    .version = {OT_SPDM_SM_VERSION_10, OT_SPDM_SM_VERSION_11, OT_SPDM_SM_VERSION_12}};

/* PSK_EXCHANGE: header, IDs, PSKHint, RequesterContext, OpaqueData. */
typedef struct psk_req {
  uint8_t buf[OT_SPDM_HEADER_SIZE + 8 + OT_SPDM_PSK_HINT_MAX + OT_HASH_MAX_SIZE + 32];
  size_t len;
} psk_req;

static ot_status psk_request(ot_spdm_requester *q, const ot_spdm_psk *psk, uint8_t type,
                             uint16_t req_id, psk_req *out) {
  uint8_t opaque[32], context[OT_HASH_MAX_SIZE];
  ot_writer ow, w;
  ot_writer_init(&ow, opaque, sizeof(opaque));
  OT_GUARD(ot_spdm_sm_versions_encode(&ow, &offer_versions));
  /* DSP0274 1.3 PSK_EXCHANGE RequesterContext: "shall be random", and at
   * least H bytes long; we send exactly H (as libspdm does). */
  size_t h = q->neg.sizes.hash_len;
  OT_GUARD(ot_rng_fill(q->cfg->rng, context, h));
  ot_spdm_psk_exchange m = {.meas_summary_type = type,
                            .session_policy = 0,
                            .req_session_id = req_id,
                            .hint_len = (uint16_t)psk->hint_len,
                            .hint = psk->hint,
                            .context_len = (uint16_t)h,
                            .context = context,
                            .opaque_len = (uint16_t)ot_writer_len(&ow),
                            .opaque = opaque};
  ot_writer_init(&w, out->buf, sizeof(out->buf));
  OT_GUARD(ot_spdm_encode_psk_exchange(&q->neg.sizes, &w, &m));
  out->len = ot_writer_len(&w);
  return OT_SUCCESS;
}

/* The secured-message version the responder selected (DSP0277 "Secured
 * Messages opaque data": one VersionSelection element). libspdm's responder
 * leaves OpaqueData empty when the request offered none; we always offer. */
static ot_status selected_version(const ot_spdm_psk_exchange_rsp *a, uint16_t *smv) {
  ot_spdm_sm_versions sel;
  OT_GUARD(ot_spdm_sm_versions_decode(a->opaque, a->opaque_len, &sel));
  OT_ENSURE(sel.data_id == OT_SPDM_SM_DATA_ID_VERSION_SELECTION && sel.count == 1 &&
                (sel.version[0] & 0xff00u) >= OT_SPDM_SM_VERSION_10 &&
                (sel.version[0] & 0xff00u) <= OT_SPDM_SM_VERSION_12,
            OT_E_NEGOTIATION);
  *smv = (uint16_t)(sel.version[0] & 0xff00u);
  return OT_SUCCESS;
}

/* Checks PSK_EXCHANGE_RSP and derives the handshake keys from TH1. */
static ot_status psk_response(ot_spdm_requester *q, ot_spdm_req_session *s, const ot_spdm_psk *psk,
                              uint8_t type, uint8_t *summary, uint16_t req_id, const psk_req *k,
                              bool with_context) {
  ot_spdm_sizes sz = q->neg.sizes;
  sz.meas_summary_hash = type != OT_SPDM_MEAS_SUMMARY_NONE;
  req_rsp r;
  OT_GUARD(req_exchange(q, NULL, &sz, k->buf, k->len, &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_psk_exchange_rsp a;
  OT_GUARD(ot_spdm_decode_psk_exchange_rsp(&sz, &rd, &a));
  /* DSP0274 1.3 PSK_EXCHANGE_RSP ResponderContextLength: 0 when the
   * responder's PSK_CAP is 01b (it cannot provide a context), not 0 when it
   * is 10b (as libspdm's requester checks too). */
  size_t h = sz.hash_len;
  if (with_context)
    OT_ENSURE(a.context_len != 0, OT_E_MALFORMED);
  else
    OT_ENSURE(a.context_len == 0, OT_E_MALFORMED);
  /* DSP0274 1.3 PSK_EXCHANGE_RSP Param1: HeartbeatPeriod is 0 unless both
   * sides have HBEAT_CAP. */
  OT_ENSURE(a.heartbeat_period == 0 || (q->cfg->caps & q->rsp_caps & OT_SPDM_CAP_HBEAT),
            OT_E_MALFORMED);
  uint16_t smv;
  OT_GUARD(selected_version(&a, &smv));
  ot_spdm_session_params p = {.spdm_version = q->neg.version,
                              .hash = q->neg.hash,
                              .aead = q->neg.aead_alg,
                              .mac_only = !(q->cfg->caps & q->rsp_caps & OT_SPDM_CAP_ENCRYPT),
                              .handshake_in_clear = false, /* PSK handshakes are always secured */
                              .sm_version = smv};
  OT_GUARD(ot_spdm_session_init(&s->s, OT_SPDM_ROLE_REQUESTER,
                                ot_spdm_session_id_make(req_id, a.rsp_session_id), &p));
  s->heartbeat_period = a.heartbeat_period;
  size_t vd_at = (size_t)(a.verify_data - r.msg);
  uint8_t th[OT_HASH_MAX_SIZE];
  /* TH1 = A || PSK_EXCHANGE || PSK_EXCHANGE_RSP up to ResponderVerifyData. */
  OT_GUARD(ot_spdm_th_begin_psk(&s->th, &q->t));
  OT_GUARD(ot_spdm_th_append(&s->th, k->buf, k->len));
  OT_GUARD(ot_spdm_th_append(&s->th, r.msg, vd_at));
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
  OT_GUARD(ot_spdm_session_derive_handshake_psk(&s->s, psk->key, psk->key_len, th, h));
  if (q->cfg->keylog_psk) /* debugging aid, off unless set (spdm.h) */
    q->cfg->keylog_psk(q->cfg->keylog_ctx, s->s.session_id, psk->key, psk->key_len);
  /* ResponderVerifyData = HMAC(finished_key_rsp, Hash(TH1)): a responder
   * that does not hold the PSK cannot produce it (the session fails). */
  OT_GUARD(ot_spdm_session_check_verify_data(&s->s, OT_SPDM_DIR_RSP, th, h, a.verify_data, h));
  OT_GUARD(ot_spdm_th_append(&s->th, a.verify_data, h));
  if (summary && sz.meas_summary_hash) memcpy(summary, a.meas_summary_hash, h);
  return OT_SUCCESS;
}

/* PSK_FINISH / PSK_FINISH_RSP under the handshake keys. */
static ot_status psk_finish(ot_spdm_requester *q, ot_spdm_req_session *s) {
  size_t h = q->neg.sizes.hash_len;
  uint8_t req[OT_SPDM_HEADER_SIZE + 2u + OT_HASH_MAX_SIZE], th[OT_HASH_MAX_SIZE];
  uint8_t vd[OT_HASH_MAX_SIZE] = {0};
  ot_spdm_psk_finish f = {.verify_data = vd};
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_psk_finish(&q->neg.sizes, &w, &f));
  /* RequesterVerifyData = HMAC(finished_key_req, Hash(TH through the
   * PSK_FINISH fields before it)) (DSP0274 1.3 PSK_FINISH; SPEC-FACTS §2.19):
   * the header, and at 1.4 the (empty) OpaqueDataLength too. */
  size_t vd_at = ot_writer_len(&w) - h;
  OT_GUARD(ot_spdm_th_append(&s->th, req, vd_at));
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
  OT_GUARD(ot_spdm_session_verify_data(&s->s, OT_SPDM_DIR_REQ, th, h, req + vd_at, h));
  OT_GUARD(ot_spdm_th_append(&s->th, req + vd_at, h));
  req_rsp r;
  OT_GUARD(req_exchange(q, s, &q->neg.sizes, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  OT_GUARD(ot_spdm_decode_psk_finish_rsp(&q->neg.sizes, &rd));
  return ot_spdm_th_append(&s->th, r.msg, r.len);
}

OT_RESULT ot_spdm_requester_start_psk_session(ot_spdm_requester *q, const ot_spdm_psk *psk,
                                              uint8_t summary_type, uint8_t *summary,
                                              uint32_t *session_id) {
  OT_ENSURE(q && psk && session_id, OT_E_ARG);
  OT_ENSURE(psk->key && psk->key_len >= 1 && psk->key_len <= OT_SPDM_PSK_MAX, OT_E_ARG);
  OT_ENSURE(psk->hint_len <= OT_SPDM_PSK_HINT_MAX && (psk->hint || psk->hint_len == 0), OT_E_ARG);
  OT_GUARD(req_ready(q));
  /* DSP0274 1.3 GET_CAPABILITIES PSK_CAP: both sides must support PSK; the
   * responder's 10b asks for PSK_FINISH, 01b has none. */
  uint32_t rpsk = q->rsp_caps & OT_SPDM_CAP_PSK_MASK;
  OT_ENSURE((q->cfg->caps & OT_SPDM_CAP_PSK) &&
                (rpsk == OT_SPDM_CAP_PSK || rpsk == OT_SPDM_CAP_PSK_WITH_CONTEXT),
            OT_E_UNSUPPORTED);
  OT_ENSURE(q->neg.aead && q->neg.key_schedule == OT_SPDM_KEY_SCHEDULE_SPDM, OT_E_UNSUPPORTED);
  /* A summary needs MEAS_CAP (as for KEY_EXCHANGE, DSP0274 1.3). */
  OT_ENSURE(summary_type == OT_SPDM_MEAS_SUMMARY_NONE || (q->rsp_caps & OT_SPDM_CAP_MEAS_MASK),
            OT_E_UNSUPPORTED);
  ot_spdm_req_session *s = NULL;
  for (size_t i = 0; i < OT_SPDM_REQ_MAX_SESSIONS && !s; i++)
    if (!q->sessions[i].used) s = &q->sessions[i];
  OT_ENSURE(s != NULL, OT_E_NO_SPACE);
  s->used = true;
  s->psk = true;
  bool with_context = rpsk == OT_SPDM_CAP_PSK_WITH_CONTEXT;
  uint16_t req_id = (uint16_t)(0xffffu - (q->next_req_session_id++ % 0x8000u));
  psk_req k;
  uint8_t th[OT_HASH_MAX_SIZE];
  ot_status st;
  OT_GUARD_GOTO(st, psk_request(q, psk, summary_type, req_id, &k), out);
  OT_GUARD_GOTO(st, psk_response(q, s, psk, summary_type, summary, req_id, &k, with_context), out);
  if (with_context) OT_GUARD_GOTO(st, psk_finish(q, s), out);
  /* TH2: through PSK_FINISH_RSP, or through PSK_EXCHANGE_RSP when the
   * responder's PSK_CAP is 01b and no PSK_FINISH is sent (DSP0274 1.3
   * PSK_EXCHANGE: the session is established at once). */
  OT_GUARD_GOTO(st, ot_spdm_th_hash(&s->th, th, sizeof(th)), out);
  OT_GUARD_GOTO(st, ot_spdm_session_derive_data(&s->s, th, q->neg.sizes.hash_len), out);
  *session_id = s->s.session_id;
out:
  ot_zeroize(&k, sizeof(k));
  ot_zeroize(th, sizeof(th));
  if (!ot_ok(st)) {
    req_session_end(s); /* no half-built session */
    return req_fail(q, st);
  }
  return OT_SUCCESS;
}
