/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: KEY_EXCHANGE and FINISH (DSP0274 1.3 §10.9, §10.10; SPEC-FACTS §2.10,
 * §2.11, §2.17 TH1/TH2, T7, T15), in the processing order the facts give:
 * verify the signature over TH, append it, TH1 -> handshake keys, check
 * ResponderVerifyData, then FINISH and TH2 -> data keys.
 */
#include "requester_internal.h"

#include "opentsm/secure.h"

/* Our secured-message versions (SPEC-FACTS §3.5): the list the recording offers. */
static const ot_spdm_sm_versions offer_versions = {
    .data_id = OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS,
    .count = 3,
    .version = {OT_SPDM_SM_VERSION_10, OT_SPDM_SM_VERSION_11, OT_SPDM_SM_VERSION_12}};

typedef struct kx_state {
  uint8_t priv[OT_DHE_MAX_PRIVATE]; /* secret */
  uint8_t secret[OT_DHE_MAX_SECRET];
  uint8_t req[OT_SPDM_HEADER_SIZE + 36 + OT_DHE_MAX_PUBLIC + 2 + 36];
  size_t req_len;
} kx_state;

static ot_status kx_request(ot_spdm_requester *q, uint8_t slot, uint8_t type, uint16_t req_id,
                            kx_state *k) {
  uint8_t pub[OT_DHE_MAX_PUBLIC], opaque[36];
  ot_writer ow, w;
  ot_writer_init(&ow, opaque, sizeof(opaque));
  /* SPDM 1.1 carries it in the DSP0277 1.0 table, 1.2+ in OpaqueDataFmt1. */
  OT_GUARD(ot_spdm_sm_versions_encode_v(q->neg.version, &ow, &offer_versions));
  /* ExchangeData: X || Y (ECDHE) or Y padded to |p| (FFDHE), DSP0274 1.3 §10.9. */
  OT_GUARD(
      ot_dhe_generate(q->neg.dhe_curve, q->cfg->rng, k->priv, sizeof(k->priv), pub, sizeof(pub)));
  ot_spdm_key_exchange kx = {.meas_summary_type = type,
                             .slot_id = slot,
                             .req_session_id = req_id,
                             .exchange = pub,
                             .opaque_len = (uint16_t)ot_writer_len(&ow),
                             .opaque = opaque};
  OT_GUARD(ot_rng_fill(q->cfg->rng, kx.random, sizeof(kx.random)));
  ot_writer_init(&w, k->req, sizeof(k->req));
  OT_GUARD(ot_spdm_encode_key_exchange(&q->neg.sizes, &w, &kx));
  k->req_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

/* Checks KEY_EXCHANGE_RSP and derives the handshake keys (TH1). */
static ot_status kx_response(ot_spdm_requester *q, ot_spdm_req_session *s, uint8_t slot,
                             uint8_t type, uint16_t req_id, kx_state *k) {
  ot_spdm_sizes sz = q->neg.sizes;
  sz.meas_summary_hash = type != OT_SPDM_MEAS_SUMMARY_NONE;
  sz.handshake_in_clear = s->in_clear;
  req_rsp r;
  OT_GUARD(req_exchange(q, NULL, &sz, k->req, k->req_len, &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_key_exchange_rsp a;
  OT_GUARD(ot_spdm_decode_key_exchange_rsp(&sz, &rd, &a));
  ot_spdm_sm_versions sel;
  OT_GUARD(ot_spdm_sm_versions_decode_v(q->neg.version, a.opaque, a.opaque_len, &sel));
  OT_ENSURE(sel.data_id == OT_SPDM_SM_DATA_ID_VERSION_SELECTION && sel.count == 1 &&
                (sel.version[0] & 0xff00u) >= OT_SPDM_SM_VERSION_10 &&
                (sel.version[0] & 0xff00u) <= OT_SPDM_SM_VERSION_12,
            OT_E_NEGOTIATION);
  /* DSP0274 1.2 §10.9 MutAuthRequested: the responder asks us to sign FINISH
   * (bit 0), after the encapsulated flow (bit 1) or straight after an
   * implicit GET_DIGESTS (bit 2). It may ask only when both sides set
   * MUT_AUTH_CAP and a ReqBaseAsymAlg was negotiated; without an identity of
   * our own we cannot answer (OT_E_UNSUPPORTED: the connect path names the
   * options that give one). */
  if (a.mut_auth != 0) {
    OT_ENSURE((q->cfg->caps & q->rsp_caps & OT_SPDM_CAP_MUT_AUTH) && q->neg.req_base_asym,
              OT_E_MALFORMED);
    OT_ENSURE(q->cfg->identity != NULL, OT_E_UNSUPPORTED);
    /* Bits 1 and 2 run the encapsulated flow: ENCAP_CAP on both sides. */
    OT_ENSURE(a.mut_auth == OT_SPDM_MUT_AUTH_REQUESTED ||
                  (q->cfg->caps & q->rsp_caps & OT_SPDM_CAP_ENCAP),
              OT_E_MALFORMED);
    /* In the clear there are no handshake keys for the encapsulated messages. */
    OT_ENSURE(a.mut_auth == OT_SPDM_MUT_AUTH_REQUESTED || !s->in_clear, OT_E_UNSUPPORTED);
  }
  s->mut_auth = a.mut_auth;
  s->req_slot = a.req_slot_id;
  ot_spdm_session_params p = {.spdm_version = q->neg.version,
                              .hash = q->neg.hash,
                              .aead = q->neg.aead_alg,
                              .mac_only = !(q->caps & q->rsp_caps & OT_SPDM_CAP_ENCRYPT),
                              .handshake_in_clear = s->in_clear,
                              .sm_version = (uint16_t)(sel.version[0] & 0xff00u)};
  OT_GUARD(ot_spdm_session_init(&s->s, OT_SPDM_ROLE_REQUESTER,
                                ot_spdm_session_id_make(req_id, a.rsp_session_id), &p));
  s->heartbeat_period = a.heartbeat_period;
  size_t h = sz.hash_len, sl = sz.sig_len, sig_at = (size_t)(a.signature - r.msg);
  uint8_t th[OT_HASH_MAX_SIZE];
  OT_GUARD(ot_spdm_th_begin_dhe(&s->th, &q->t, q->slots[slot].digest, h));
  OT_GUARD(ot_spdm_th_append(&s->th, k->req, k->req_len));
  OT_GUARD(ot_spdm_th_append(&s->th, r.msg, sig_at));
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
  const ot_spdm_peer_slot *ps = &q->slots[slot];
  OT_GUARD(ot_spdm_signature_verify(q->neg.version, q->neg.base_asym, q->neg.hash, ps->pub,
                                    ps->pub_len, OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, th, h,
                                    a.signature, sl));
  OT_GUARD(ot_spdm_th_append(&s->th, a.signature, sl));
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th))); /* TH1 */
  size_t secret_len = ot_dhe_secret_size(q->neg.dhe_curve);
  OT_GUARD(ot_dhe_shared(q->neg.dhe_curve, k->priv, ot_dhe_private_size(q->neg.dhe_curve),
                         a.exchange, sz.dhe_len, k->secret, sizeof(k->secret)));
  OT_GUARD(ot_spdm_session_derive_handshake(&s->s, k->secret, secret_len, th, h));
  if (q->cfg->keylog) /* debugging aid, off unless set (spdm.h) */
    q->cfg->keylog(q->cfg->keylog_ctx, s->s.session_id, k->secret, secret_len);
  if (s->in_clear) return OT_SUCCESS;
  OT_GUARD(ot_spdm_session_check_verify_data(&s->s, OT_SPDM_DIR_RSP, th, h, a.verify_data, h));
  return ot_spdm_th_append(&s->th, a.verify_data, h);
}

/* FINISH / FINISH_RSP, then TH2 -> data keys. With mutual authentication
 * (SPEC-FACTS §2.17): TH ‖ H(CM) ‖ FINISH header is signed with our key of
 * s->req_slot ("requester-finish signing"), and the signature precedes
 * RequesterVerifyData in both FINISH and TH. */
static ot_status finish(ot_spdm_requester *q, ot_spdm_req_session *s) {
  size_t h = q->neg.sizes.hash_len;
  bool mut = s->mut_auth != 0;
  size_t sl = mut ? q->neg.sizes.req_sig_len : 0;
  uint8_t req[OT_SPDM_HEADER_SIZE + 2 + OT_SPDM_MAX_SIGNATURE_SIZE + OT_HASH_MAX_SIZE];
  uint8_t th[OT_HASH_MAX_SIZE];
  /* FINISH = header || [1.4: OpaqueDataLength(2) = 0] || [Signature] ||
   * RequesterVerifyData: written with zero fields, which are computed over
   * what precedes them and filled in place (DSP0274 1.4 "FINISH request
   * message format"). */
  uint8_t vd[OT_HASH_MAX_SIZE] = {0}, zsig[OT_SPDM_MAX_SIGNATURE_SIZE] = {0};
  ot_spdm_finish f = {.verify_data = vd};
  if (mut) {
    const uint8_t *cm;
    /* DSP0274 1.2 §10.10: Param2 ReqSlotID names the slot whose chain CM is. */
    OT_ENSURE(s->req_slot < OT_SPDM_MAX_SLOT_COUNT, OT_E_MALFORMED);
    /* DSP0274 1.3 §10.9 ReqSlotIDParam / §10.12 ReqSlotNumber: on a
     * connection multi-key for us the slot's key must be meant for key
     * exchange (KeyUsageMask KeyExUsage); a responder naming another one is
     * refused (libspdm's requester: INVALID_MSG_FIELD). */
    OT_ENSURE(!q->neg.multi_key_conn_req ||
                  (q->cfg->identity->slots[s->req_slot].key_usage & OT_SPDM_KEY_USAGE_KEY_EX),
              OT_E_MALFORMED);
    OT_GUARD(ot_spdm_identity_chain_digest(q->cfg->identity, s->req_slot, q->neg.hash, &cm));
    OT_GUARD(ot_spdm_th_append(&s->th, cm, h)); /* H(CM) */
    f.sig_included = true;
    f.req_slot_id = s->req_slot;
    f.signature = zsig;
  }
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_finish(&q->neg.sizes, &w, &f));
  size_t pre = ot_writer_len(&w) - h - sl; /* header and 1.4 opaque data */
  OT_GUARD(ot_spdm_th_append(&s->th, req, pre));
  if (mut) {
    OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
    OT_GUARD(req_sign(q, s->req_slot, OT_SPDM_SIGN_CTX_FINISH, th, req + pre));
    OT_GUARD(ot_spdm_th_append(&s->th, req + pre, sl));
  }
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
  uint8_t *rvd = req + pre + sl;
  OT_GUARD(ot_spdm_session_verify_data(&s->s, OT_SPDM_DIR_REQ, th, h, rvd, h));
  OT_GUARD(ot_spdm_th_append(&s->th, rvd, h));
  ot_spdm_sizes sz = q->neg.sizes;
  sz.handshake_in_clear = s->in_clear;
  req_rsp r;
  /* In the clear FINISH is plain; otherwise it travels under the handshake keys. */
  OT_GUARD(req_exchange(q, s->in_clear ? NULL : s, &sz, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_finish_rsp a;
  OT_GUARD(ot_spdm_decode_finish_rsp(&sz, &rd, &a));
  /* FINISH_RSP up to ResponderVerifyData (1.4: with its opaque data). */
  OT_GUARD(ot_spdm_th_append(&s->th, r.msg, r.len - (s->in_clear ? h : 0)));
  if (s->in_clear) {
    OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
    OT_GUARD(ot_spdm_session_check_verify_data(&s->s, OT_SPDM_DIR_RSP, th, h, a.verify_data, h));
    OT_GUARD(ot_spdm_th_append(&s->th, a.verify_data, h));
  }
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th))); /* TH2 */
  return ot_spdm_session_derive_data(&s->s, th, h);
}

OT_RESULT ot_spdm_requester_start_session(ot_spdm_requester *q, uint8_t slot, uint8_t summary_type,
                                          uint32_t *session_id) {
  OT_GUARD(req_ready(q));
  OT_ENSURE(slot < OT_SPDM_MAX_SLOT_COUNT && q->slots[slot].verified, OT_E_STATE);
  OT_ENSURE((q->rsp_caps & OT_SPDM_CAP_KEY_EX) && q->neg.dhe, OT_E_UNSUPPORTED);
  OT_GUARD(req_slot_usage(q, slot, OT_SPDM_KEY_USAGE_KEY_EX));
  ot_spdm_req_session *s = NULL;
  for (size_t i = 0; i < OT_SPDM_REQ_MAX_SESSIONS && !s; i++)
    if (!q->sessions[i].used) s = &q->sessions[i];
  OT_ENSURE(s != NULL, OT_E_NO_SPACE);
  s->used = true;
  s->slot = slot;
  s->in_clear = (q->caps & q->rsp_caps & OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR) != 0;
  uint16_t req_id = (uint16_t)(0xffffu - (q->next_req_session_id++ % 0x8000u));
  kx_state k;
  ot_status st;
  OT_GUARD_GOTO(st, kx_request(q, slot, summary_type, req_id, &k), out);
  OT_GUARD_GOTO(st, kx_response(q, s, slot, summary_type, req_id, &k), out);
  /* MutAuthRequested bits 1/2: the responder fetches our chain inside the
   * handshake, and may name the slot to sign with (ReqSlotNumber). */
  if (s->mut_auth & (OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST | OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS))
    OT_GUARD_GOTO(st, req_encap_flow(q, s, s->mut_auth, &s->req_slot), out);
  OT_GUARD_GOTO(st, finish(q, s), out);
  *session_id = s->s.session_id;
out:
  ot_zeroize(&k, sizeof(k));
  if (!ot_ok(st)) {
    req_session_end(s); /* no half-built session */
    return req_fail(q, st);
  }
  return OT_SUCCESS;
}
