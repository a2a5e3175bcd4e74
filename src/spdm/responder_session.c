/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: KEY_EXCHANGE and FINISH (DSP0274 1.3 §10.9 "KEY_EXCHANGE request and
 * KEY_EXCHANGE_RSP response", §10.10 "FINISH request and FINISH_RSP response";
 * SPEC-FACTS §2.10, §2.11, §2.17 TH1/TH2, T7, T15). The session transcript
 * follows the order spelled out in opentsm/spdm_transcript.h.
 */
#include "measurement_l1.h"
#include "responder_internal.h"

#include "opentsm/secure.h"

/* Secured-message versions we speak (DSP0277 1.0-1.2; SPEC-FACTS §3.5), best last. */
static const uint16_t sm_versions[] = {OT_SPDM_SM_VERSION_10, OT_SPDM_SM_VERSION_11,
                                       OT_SPDM_SM_VERSION_12};

static ot_status pick_sm_version(uint8_t version, const ot_spdm_key_exchange *q, uint16_t *out) {
  ot_spdm_sm_versions v;
  OT_GUARD(ot_spdm_sm_versions_decode_v(version, q->opaque, q->opaque_len, &v));
  OT_ENSURE(v.data_id == OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS, OT_E_MALFORMED);
  uint16_t best = 0;
  for (size_t i = 0; i < v.count; i++) {
    for (size_t j = 0; j < sizeof(sm_versions) / sizeof(sm_versions[0]); j++) {
      /* Compare Major.Minor (bits 15:8) only. */
      if ((v.version[i] & 0xff00u) == sm_versions[j] && sm_versions[j] > best)
        best = sm_versions[j];
    }
  }
  OT_ENSURE(best != 0, OT_E_NEGOTIATION);
  *out = best;
  return OT_SUCCESS;
}

static ot_spdm_rsp_session *free_session(ot_spdm_responder *r) {
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++) {
    if (!r->sessions[i].used) return &r->sessions[i];
  }
  return NULL;
}

void rsp_session_end(ot_spdm_rsp_session *s) {
  rsp_mut_clear(&s->mut);
  ot_spdm_th_free(&s->th);
  spdm_l1_free(&s->l1);
  ot_spdm_session_teardown(&s->s);
  ot_zeroize(s, sizeof(*s));
}

void rsp_sessions_clear(ot_spdm_responder *r) {
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++)
    rsp_session_end(&r->sessions[i]);
}

/* Session parameters from the negotiated state (§10.9; SPEC-FACTS §2.4 "Session type"). */
static ot_spdm_session_params session_params(const ot_spdm_responder *r, uint16_t smv) {
  uint32_t both = r->caps & r->req_caps;
  return (ot_spdm_session_params){
      .spdm_version = r->neg.version,
      .hash = r->neg.hash,
      .aead = r->neg.aead_alg,
      .mac_only = !(both & OT_SPDM_CAP_ENCRYPT),
      .handshake_in_clear = (both & OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR) != 0,
      .sm_version = smv,
  };
}

/* ECDHE or FFDHE: our key pair, the shared secret with the requester's public value. */
static ot_status ecdhe(ot_spdm_responder *r, const uint8_t *peer, uint8_t *pub, uint8_t *secret) {
  uint8_t priv[OT_DHE_MAX_PRIVATE];
  ot_curve cv = r->neg.dhe_curve;
  ot_status st;
  OT_GUARD_GOTO(st, ot_dhe_generate(cv, r->cfg->rng, priv, sizeof(priv), pub, OT_DHE_MAX_PUBLIC),
                out);
  st = ot_dhe_shared(cv, priv, ot_dhe_private_size(cv), peer, r->neg.sizes.dhe_len, secret,
                     OT_DHE_MAX_SECRET);
out:
  ot_zeroize(priv, sizeof(priv));
  return st;
}

/* Writes KEY_EXCHANGE_RSP with a zero signature (and zero VerifyData). */
static ot_status write_kx_rsp(rsp_call *c, ot_spdm_rsp_session *s, const ot_spdm_sizes *sz,
                              const uint8_t *pub, uint16_t smv) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_key_exchange *q = &c->msg.u.key_exchange;
  uint8_t summary[OT_HASH_MAX_SIZE], opaque[36];
  ot_writer ow;
  ot_writer_init(&ow, opaque, sizeof(opaque));
  ot_spdm_sm_versions sel = {
      .data_id = OT_SPDM_SM_DATA_ID_VERSION_SELECTION, .count = 1, .version = {smv}};
  OT_GUARD(ot_spdm_sm_versions_encode_v(r->neg.version, &ow, &sel));
  if (sz->meas_summary_hash)
    OT_GUARD(ot_spdm_identity_meas_summary(r->cfg->id, q->meas_summary_type, r->neg.hash,
                                           r->neg.mhash, summary, sizeof(summary)));
  ot_spdm_key_exchange_rsp a = {.heartbeat_period = s->heartbeat_period,
                                .rsp_session_id = (uint16_t)(s->s.session_id >> 16),
                                .exchange = pub,
                                .meas_summary_hash = sz->meas_summary_hash ? summary : NULL,
                                .opaque_len = (uint16_t)ot_writer_len(&ow),
                                .opaque = opaque,
                                .signature = opaque, /* 0 bytes of it: see below */
                                /* §10.9: ReqSlotIDParam 0 here; the flow may name another */
                                .mut_auth = s->mut.requested};
  OT_GUARD(ot_rng_fill(r->cfg->rng, a.random, sizeof(a.random)));
  /* Signature and VerifyData are computed over the message before them
   * (kx_transcript): the fields up to them, then zeros in their place. */
  ot_spdm_sizes head = *sz;
  head.sig_len = 0;
  head.handshake_in_clear = true; /* no VerifyData field written */
  OT_GUARD(ot_spdm_encode_key_exchange_rsp(&head, c->w, &a));
  return ot_write_zeros(c->w, sz->sig_len + (sz->handshake_in_clear ? 0u : sz->hash_len));
}

/* TH1 steps: signature over TH up to it, then TH1 -> handshake keys, VerifyData. */
static ot_status kx_transcript(rsp_call *c, ot_spdm_rsp_session *s, uint8_t *rsp, size_t len,
                               const uint8_t *dhe_secret) {
  ot_spdm_responder *r = c->r;
  size_t h = r->neg.sizes.hash_len, sig = r->neg.sizes.sig_len;
  size_t vd = s->in_clear ? 0 : h, sig_at = len - vd - sig;
  uint8_t th[OT_HASH_MAX_SIZE];
  const uint8_t *ct;
  OT_GUARD(ot_spdm_identity_chain_digest(r->cfg->id, s->slot, r->neg.hash, &ct));
  OT_GUARD(ot_spdm_th_begin_dhe(&s->th, &r->t, ct, h));
  OT_GUARD(ot_spdm_th_append(&s->th, c->req, c->req_len));
  OT_GUARD(ot_spdm_th_append(&s->th, rsp, sig_at));
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
  OT_GUARD(rsp_sign(r, s->slot, OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, th, rsp + sig_at));
  OT_GUARD(ot_spdm_th_append(&s->th, rsp + sig_at, sig));
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th))); /* TH1 */
  OT_GUARD(
      ot_spdm_session_derive_handshake(&s->s, dhe_secret, ot_dhe_secret_size(r->neg.dhe_curve), th, h));
  if (s->in_clear) return OT_SUCCESS;
  OT_GUARD(ot_spdm_session_verify_data(&s->s, OT_SPDM_DIR_RSP, th, h, rsp + sig_at + sig, h));
  return ot_spdm_th_append(&s->th, rsp + sig_at + sig, h);
}

ot_status rsp_key_exchange(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_key_exchange *q = &c->msg.u.key_exchange;
  uint16_t smv;
  /* §10.9: the slot must hold a chain (0xFF needs PUB_KEY_ID_CAP), a summary
   * needs MEAS_CAP, and the opaque data must offer a version we speak. */
  if (!(r->req_caps & OT_SPDM_CAP_KEY_EX) || r->neg.dhe == 0)
    return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  if (!rsp_slot_allows(r, q->slot_id, OT_SPDM_KEY_USAGE_KEY_EX) ||
      (q->meas_summary_type && !(r->caps & OT_SPDM_CAP_MEAS_MASK)) ||
      !ot_ok(pick_sm_version(r->neg.version, q, &smv)))
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  ot_spdm_rsp_session *s = free_session(r);
  if (s == NULL) return rsp_error(c, OT_SPDM_ERR_SESSION_LIMIT_EXCEEDED, 0);
  ot_spdm_session_params p = session_params(r, smv);
  uint16_t rsp_id = (uint16_t)(0xffffu - (r->next_rsp_session_id++ % 0x8000u));
  OT_GUARD(ot_spdm_session_init(&s->s, OT_SPDM_ROLE_RESPONDER,
                                ot_spdm_session_id_make(q->req_session_id, rsp_id), &p));
  s->used = true;
  s->slot = q->slot_id;
  s->in_clear = p.handshake_in_clear;
  /* DSP0274 §10.9: HeartbeatPeriod is 0 unless both sides have HBEAT_CAP. */
  s->heartbeat_period = (r->caps & r->req_caps & OT_SPDM_CAP_HBEAT) ? r->cfg->heartbeat_period : 0;
  (void)rsp_mut_auth_start(r, s);
  ot_spdm_sizes sz = r->neg.sizes;
  sz.meas_summary_hash = q->meas_summary_type != OT_SPDM_MEAS_SUMMARY_NONE;
  sz.handshake_in_clear = s->in_clear;
  uint8_t pub[OT_DHE_MAX_PUBLIC], secret[OT_DHE_MAX_SECRET];
  size_t start = ot_writer_len(c->w);
  ot_status st;
  OT_GUARD_GOTO(st, ecdhe(r, q->exchange, pub, secret), fail);
  OT_GUARD_GOTO(st, write_kx_rsp(c, s, &sz, pub, smv), fail);
  OT_GUARD_GOTO(st, kx_transcript(c, s, c->w->data + start, ot_writer_len(c->w) - start, secret),
                fail);
  if (r->cfg->keylog) /* debugging aid, off unless set (spdm.h) */
    r->cfg->keylog(r->cfg->keylog_ctx, s->s.session_id, secret,
                   ot_dhe_secret_size(r->neg.dhe_curve));
  ot_zeroize(secret, sizeof(secret));
  return OT_SUCCESS;
fail:
  ot_zeroize(secret, sizeof(secret));
  rsp_session_end(s);
  /* An invalid public value is the requester's fault (§10.9). */
  if (ot_is(st, OT_E_BAD_KEY)) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  return st;
}

/* The session a FINISH belongs to: the one it arrived in, or in the clear the
 * session still handshaking in the clear. */
static ot_spdm_rsp_session *finish_session(rsp_call *c) {
  if (c->session) return c->session->in_clear ? NULL : c->session;
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++) {
    ot_spdm_rsp_session *s = &c->r->sessions[i];
    if (s->used && s->in_clear && s->s.state == OT_SPDM_SESSION_HANDSHAKE) return s;
  }
  return NULL;
}

ot_status rsp_finish(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_finish *q = &c->msg.u.finish;
  /* DSP0274 1.2/1.3 §10.10 and ERROR "SessionRequired": without
   * HANDSHAKE_IN_THE_CLEAR on both sides FINISH is only valid inside the
   * session (under its handshake keys); sent in the clear it needs one. */
  bool in_clear = (r->caps & r->req_caps & OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR) != 0;
  if (c->session == NULL && !in_clear) return rsp_error(c, OT_SPDM_ERR_SESSION_REQUIRED, 0);
  ot_spdm_rsp_session *s = finish_session(c);
  /* A PSK session ends its handshake with PSK_FINISH, not FINISH (DSP0274 1.3). */
  if (s == NULL || s->psk || s->s.state != OT_SPDM_SESSION_HANDSHAKE)
    return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  /* DSP0274 1.2 §10.10: SignatureIncluded exactly when mutual
   * authentication was requested, after its encapsulated flow completed, for
   * the requester's slot (Param2 ReqSlotID). */
  bool mut = OT_SPDM_WITH_MUT_AUTH && s->mut.requested != 0; /* never asked without it */
  if (mut && s->mut.state != OT_SPDM_MUT_DONE)
    return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  if (q->sig_included != mut || (mut && q->req_slot_id != s->mut.slot))
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  size_t h = r->neg.sizes.hash_len;
  uint8_t th[OT_HASH_MAX_SIZE];
  if (mut) {
    ot_status vs = rsp_mut_auth_finish(c, s);
    if (ot_is(vs, OT_E_VERIFY)) {
      /* The requester's signature does not verify: as a bad VerifyData
       * (DecryptError, session terminated; libspdm answers the same). */
      if (c->session)
        s->post = OT_SPDM_POST_TEARDOWN;
      else
        rsp_session_end(s);
      return rsp_error(c, OT_SPDM_ERR_DECRYPT_ERROR, 0);
    }
    OT_GUARD(vs);
  } else {
    /* FINISH up to RequesterVerifyData: the header and, in 1.4, its opaque data. */
    OT_GUARD(ot_spdm_th_append(&s->th, c->req, c->req_len - h));
  }
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
  /* Computed and compared here rather than with
   * ot_spdm_session_check_verify_data(), which fails the session and wipes
   * its keys at once: the ERROR below still needs the handshake keys. */
  uint8_t want[OT_HASH_MAX_SIZE];
  OT_GUARD(ot_spdm_session_verify_data(&s->s, OT_SPDM_DIR_REQ, th, h, want, sizeof(want)));
  bool good = ot_ct_equal(want, q->verify_data, h);
  ot_zeroize(want, sizeof(want));
  if (!good) {
    /* DSP0274 1.3 §10.10 FINISH and Table "Error code and error data"
     * (DecryptError): a RequesterVerifyData that does not verify is answered
     * with ERROR(DecryptError) and the session is terminated. Inside the
     * session the ERROR still goes out under its handshake keys (as libspdm
     * seals it): the requester waits for a secured record there, and the
     * request itself authenticated. In the clear it ends here. */
    if (c->session)
      s->post = OT_SPDM_POST_TEARDOWN;
    else
      rsp_session_end(s);
    return rsp_error(c, OT_SPDM_ERR_DECRYPT_ERROR, 0);
  }
  OT_GUARD(ot_spdm_th_append(&s->th, q->verify_data, h));
  ot_spdm_sizes sz = r->neg.sizes;
  sz.handshake_in_clear = s->in_clear;
  size_t start = ot_writer_len(c->w);
  uint8_t vd[OT_HASH_MAX_SIZE] = {0};
  ot_spdm_finish_rsp a = {.verify_data = s->in_clear ? vd : NULL};
  OT_GUARD(ot_spdm_encode_finish_rsp(&sz, c->w, &a));
  size_t pre = ot_writer_len(c->w) - start - (s->in_clear ? h : 0);
  OT_GUARD(ot_spdm_th_append(&s->th, c->w->data + start, pre));
  if (s->in_clear) {
    OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
    uint8_t *dst = c->w->data + start + pre;
    OT_GUARD(ot_spdm_session_verify_data(&s->s, OT_SPDM_DIR_RSP, th, h, dst, h));
    OT_GUARD(ot_spdm_th_append(&s->th, dst, h));
  }
  OT_GUARD(ot_spdm_th_hash(&s->th, s->th2, sizeof(s->th2))); /* TH2 */
  s->last_rx_ns = rsp_now(r); /* the heartbeat clock starts with the established session */
  if (s->in_clear) return ot_spdm_session_derive_data(&s->s, s->th2, h);
  s->post = OT_SPDM_POST_DERIVE_DATA; /* FINISH_RSP still goes out under the handshake keys */
  return OT_SUCCESS;
}
