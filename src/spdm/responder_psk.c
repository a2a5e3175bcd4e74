/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: PSK_EXCHANGE and PSK_FINISH (DSP0274 1.3 "PSK_EXCHANGE request and
 * PSK_EXCHANGE_RSP response messages", "PSK_FINISH request and PSK_FINISH_RSP
 * response messages"; DSP0277 key schedule with the PSK as the handshake
 * secret's input; SPEC-FACTS §2.19). The PSK is found by the request's
 * PSKHint among cfg->psk; the session then lives in the same bounded table
 * as KEY_EXCHANGE sessions, and everything inside it (HEARTBEAT, KEY_UPDATE,
 * END_SESSION, vendor-defined requests) is served as in a DHE session.
 */
#include "responder_internal.h"

#include "opentsm/secure.h"

/* Secured-message versions we speak (DSP0277 1.0-1.2; SPEC-FACTS §3.5), as for
 * KEY_EXCHANGE. */
static const uint16_t sm_versions[] = {OT_SPDM_SM_VERSION_10, OT_SPDM_SM_VERSION_11,
                                       OT_SPDM_SM_VERSION_12};

/* The best version the request's OpaqueData offers that we speak. */
static ot_status pick_version(const ot_spdm_psk_exchange *q, uint16_t *out) {
  ot_spdm_sm_versions v;
  OT_GUARD(ot_spdm_sm_versions_decode(q->opaque, q->opaque_len, &v));
  OT_ENSURE(v.data_id == OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS, OT_E_MALFORMED);
  uint16_t best = 0;
  for (size_t i = 0; i < v.count; i++)
    for (size_t j = 0; j < sizeof(sm_versions) / sizeof(sm_versions[0]); j++)
      if ((v.version[i] & 0xff00u) == sm_versions[j] && sm_versions[j] > best)
        best = sm_versions[j];
  OT_ENSURE(best != 0, OT_E_NEGOTIATION);
  *out = best;
  return OT_SUCCESS;
}

/* The configured PSK whose hint is exactly hint[0..len) (an empty hint
 * matches only an entry configured with an empty hint). */
static const ot_spdm_psk *find_psk(const ot_spdm_responder_config *cfg, const uint8_t *hint,
                                   size_t len) {
  for (size_t i = 0; i < cfg->psk_count; i++) {
    const ot_spdm_psk *p = &cfg->psk[i];
    if (p->hint_len == len && (len == 0 || memcmp(p->hint, hint, len) == 0)) return p;
  }
  return NULL;
}

static ot_spdm_rsp_session *free_session(ot_spdm_responder *r) {
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++)
    if (!r->sessions[i].used) return &r->sessions[i];
  return NULL;
}

/* Writes PSK_EXCHANGE_RSP with a zero ResponderVerifyData. */
static ot_status write_psk_rsp(rsp_call *c, ot_spdm_rsp_session *s, const ot_spdm_sizes *sz,
                               uint16_t smv, bool with_context) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_psk_exchange *q = &c->msg.u.psk_exchange;
  static const uint8_t zero[OT_HASH_MAX_SIZE];
  uint8_t summary[OT_HASH_MAX_SIZE], context[OT_HASH_MAX_SIZE], opaque[32];
  ot_writer ow;
  ot_writer_init(&ow, opaque, sizeof(opaque));
  ot_spdm_sm_versions sel = {
      .data_id = OT_SPDM_SM_DATA_ID_VERSION_SELECTION, .count = 1, .version = {smv}};
  OT_GUARD(ot_spdm_sm_versions_encode(&ow, &sel));
  if (sz->meas_summary_hash)
    OT_GUARD(ot_spdm_identity_meas_summary(r->cfg->id, q->meas_summary_type, r->neg.hash,
                                           r->neg.mhash, summary, sizeof(summary)));
  /* DSP0274 1.3 PSK_EXCHANGE_RSP ResponderContext: with PSK_CAP 10b a random
   * value of H bytes (it makes the session keys fresh on our side too); with
   * 01b none. */
  size_t h = sz->hash_len;
  if (with_context) OT_GUARD(ot_rng_fill(r->cfg->rng, context, h));
  ot_spdm_psk_exchange_rsp a = {.heartbeat_period = s->heartbeat_period,
                                .rsp_session_id = (uint16_t)(s->s.session_id >> 16),
                                .context_len = (uint16_t)(with_context ? h : 0),
                                .context = context,
                                .meas_summary_hash = sz->meas_summary_hash ? summary : NULL,
                                .opaque_len = (uint16_t)ot_writer_len(&ow),
                                .opaque = opaque,
                                .verify_data = zero};
  return ot_spdm_encode_psk_exchange_rsp(sz, c->w, &a);
}

/* TH1 = A || PSK_EXCHANGE || PSK_EXCHANGE_RSP up to its VerifyData -> handshake
 * keys; ResponderVerifyData filled in place; then, without PSK_FINISH, TH2 ->
 * data keys at once. */
static ot_status psk_transcript(rsp_call *c, ot_spdm_rsp_session *s, const ot_spdm_psk *psk,
                                uint8_t *rsp, size_t len, bool with_context) {
  ot_spdm_responder *r = c->r;
  size_t h = r->neg.sizes.hash_len, vd_at = len - h;
  uint8_t th[OT_HASH_MAX_SIZE];
  OT_GUARD(ot_spdm_th_begin_psk(&s->th, &r->t));
  OT_GUARD(ot_spdm_th_append(&s->th, c->req, c->req_len));
  OT_GUARD(ot_spdm_th_append(&s->th, rsp, vd_at));
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
  OT_GUARD(ot_spdm_session_derive_handshake_psk(&s->s, psk->key, psk->key_len, th, h));
  OT_GUARD(ot_spdm_session_verify_data(&s->s, OT_SPDM_DIR_RSP, th, h, rsp + vd_at, h));
  OT_GUARD(ot_spdm_th_append(&s->th, rsp + vd_at, h));
  if (with_context) return OT_SUCCESS; /* PSK_FINISH follows under the handshake keys */
  /* PSK_CAP 01b: no PSK_FINISH; PSK_EXCHANGE_RSP goes out in the clear and
   * the session is established with it (TH2 = TH through the whole
   * PSK_EXCHANGE_RSP, DSP0274 1.3 key schedule). */
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
  s->last_rx_ns = rsp_now(r);
  return ot_spdm_session_derive_data(&s->s, th, h);
}

ot_status rsp_psk_exchange(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_psk_exchange *q = &c->msg.u.psk_exchange;
  uint16_t smv;
  /* DSP0274 1.3 PSK_EXCHANGE: only after both sides advertised PSK_CAP and an
   * AEAD and the key schedule were negotiated. */
  if (!(r->req_caps & OT_SPDM_CAP_PSK_MASK) || r->neg.aead == 0 ||
      r->neg.key_schedule != OT_SPDM_KEY_SCHEDULE_SPDM)
    return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  /* A MeasurementSummaryHash needs MEAS_CAP; PSKHint at most
   * OT_SPDM_PSK_HINT_MAX bytes; OpaqueData must offer a secured-message
   * version we speak (DSP0277 "Secured Messages opaque data"). */
  if ((q->meas_summary_type && !(r->cfg->caps & OT_SPDM_CAP_MEAS_MASK)) ||
      q->hint_len > OT_SPDM_PSK_HINT_MAX || !ot_ok(pick_version(q, &smv)))
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  /* A PSKHint that names no PSK we hold: the request cannot be served
   * (InvalidRequest; libspdm answers Unspecified, docs/interop.md). Nothing
   * about which hints exist is revealed beyond that. */
  const ot_spdm_psk *psk = find_psk(r->cfg, q->hint, q->hint_len);
  if (psk == NULL) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  ot_spdm_rsp_session *s = free_session(r);
  if (s == NULL) return rsp_error(c, OT_SPDM_ERR_SESSION_LIMIT_EXCEEDED, 0);
  uint32_t both = r->cfg->caps & r->req_caps;
  ot_spdm_session_params p = {.spdm_version = r->neg.version,
                              .hash = r->neg.hash,
                              .aead = r->neg.aead_alg,
                              .mac_only = !(both & OT_SPDM_CAP_ENCRYPT),
                              .handshake_in_clear = false, /* never for PSK (SPEC-FACTS T15) */
                              .sm_version = smv};
  uint16_t rsp_id = (uint16_t)(0xffffu - (r->next_rsp_session_id++ % 0x8000u));
  OT_GUARD(ot_spdm_session_init(&s->s, OT_SPDM_ROLE_RESPONDER,
                                ot_spdm_session_id_make(q->req_session_id, rsp_id), &p));
  s->used = true;
  s->psk = true;
  /* HeartbeatPeriod is 0 unless both sides have HBEAT_CAP (as KEY_EXCHANGE_RSP). */
  s->heartbeat_period = (both & OT_SPDM_CAP_HBEAT) ? r->cfg->heartbeat_period : 0;
  bool with_context = (r->cfg->caps & OT_SPDM_CAP_PSK_MASK) == OT_SPDM_CAP_PSK_WITH_CONTEXT;
  ot_spdm_sizes sz = r->neg.sizes;
  sz.meas_summary_hash = q->meas_summary_type != OT_SPDM_MEAS_SUMMARY_NONE;
  size_t start = ot_writer_len(c->w);
  ot_status st;
  OT_GUARD_GOTO(st, write_psk_rsp(c, s, &sz, smv, with_context), fail);
  OT_GUARD_GOTO(st,
                psk_transcript(c, s, psk, c->w->data + start, ot_writer_len(c->w) - start,
                               with_context),
                fail);
  if (r->cfg->keylog_psk) /* debugging aid, off unless set (spdm.h) */
    r->cfg->keylog_psk(r->cfg->keylog_ctx, s->s.session_id, psk->key, psk->key_len);
  return OT_SUCCESS;
fail:
  rsp_session_end(s);
  return st;
}

ot_status rsp_psk_finish(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  ot_spdm_rsp_session *s = c->session;
  const ot_spdm_psk_finish *q = &c->msg.u.psk_finish;
  /* DSP0274 1.3 PSK_FINISH: only in a session PSK_EXCHANGE started that is
   * still handshaking (the table admits it only under handshake keys). */
  if (s == NULL || !s->psk || s->s.state != OT_SPDM_SESSION_HANDSHAKE)
    return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  size_t h = r->neg.sizes.hash_len;
  uint8_t th[OT_HASH_MAX_SIZE], want[OT_HASH_MAX_SIZE];
  /* TH through the fields before RequesterVerifyData (1.4: OpaqueData too). */
  OT_GUARD(ot_spdm_th_append(&s->th, c->req, (size_t)(q->verify_data - c->req)));
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
  OT_GUARD(ot_spdm_session_verify_data(&s->s, OT_SPDM_DIR_REQ, th, h, want, sizeof(want)));
  bool good = ot_ct_equal(want, q->verify_data, h);
  ot_zeroize(want, sizeof(want));
  if (!good) {
    /* DSP0274 1.3 PSK_FINISH: a RequesterVerifyData that does not verify is
     * answered with ERROR(DecryptError), still sealed under the handshake
     * keys (as for FINISH), and the session ends after it. */
    s->post = OT_SPDM_POST_TEARDOWN;
    return rsp_error(c, OT_SPDM_ERR_DECRYPT_ERROR, 0);
  }
  OT_GUARD(ot_spdm_th_append(&s->th, q->verify_data, h));
  size_t start = ot_writer_len(c->w);
  OT_GUARD(ot_spdm_encode_psk_finish_rsp(&r->neg.sizes, c->w));
  OT_GUARD(ot_spdm_th_append(&s->th, c->w->data + start, ot_writer_len(c->w) - start));
  OT_GUARD(ot_spdm_th_hash(&s->th, s->th2, sizeof(s->th2))); /* TH2 */
  s->last_rx_ns = rsp_now(r);
  s->post = OT_SPDM_POST_DERIVE_DATA; /* PSK_FINISH_RSP still goes out under the handshake keys */
  return OT_SUCCESS;
}

ot_status rsp_psk_config_check(const ot_spdm_responder_config *cfg) {
  uint32_t psk = cfg->caps & OT_SPDM_CAP_PSK_MASK;
  /* DSP0274 1.3 CAPABILITIES PSK_CAP: 11b is reserved; a PSK_CAP needs a key
   * to serve and ENCRYPT_CAP or MAC_CAP for the session it opens. */
  OT_ENSURE(psk != OT_SPDM_CAP_PSK_MASK, OT_E_ARG);
  if (psk == 0) return OT_SUCCESS;
  OT_ENSURE(cfg->caps & (OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC), OT_E_ARG);
  OT_ENSURE(cfg->psk != NULL && cfg->psk_count >= 1 && cfg->psk_count <= OT_SPDM_RSP_MAX_PSK,
            OT_E_ARG);
  for (size_t i = 0; i < cfg->psk_count; i++) {
    const ot_spdm_psk *p = &cfg->psk[i];
    OT_ENSURE(p->key != NULL && p->key_len >= 1 && p->key_len <= OT_SPDM_PSK_MAX, OT_E_ARG);
    OT_ENSURE(p->hint_len <= OT_SPDM_PSK_HINT_MAX && (p->hint || p->hint_len == 0), OT_E_ARG);
  }
  return OT_SUCCESS;
}
