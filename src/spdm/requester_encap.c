/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: the encapsulated request flow (DSP0274 1.2/1.3 "Encapsulated request
 * flow", "GET_ENCAPSULATED_REQUEST", "DELIVER_ENCAPSULATED_RESPONSE"), in which
 * the responder asks the requester for its identity: GET_DIGESTS and
 * GET_CERTIFICATE (mutual authentication, in the session's handshake or before
 * basic mutual authentication), CHALLENGE (basic mutual authentication, outside
 * a session) and KEY_UPDATE (inside an established session, the responder
 * renewing its own key). The requester answers from cfg->identity.
 *
 * Transcripts: outside a session the encapsulated GET_DIGESTS/GET_CERTIFICATE
 * exchanges form the requester's B and the CHALLENGE exchange its C, and the
 * requester's CHALLENGE_AUTH signs Hash(A || B || C) with
 * "requester-challenge_auth signing" (DSP0274 1.2 "CHALLENGE_AUTH signature
 * generation", M2; libspdm's message_mut_b / message_mut_c). Inside a session
 * they enter no transcript: the session's TH takes H(CM) instead (FINISH).
 */
#include "requester_internal.h"

#include "opentsm/secure.h"

/* Rounds of one flow: GET_DIGESTS, the chain in portions (a 4 KiB chain in
 * 64-byte portions at worst is 64), CHALLENGE, KEY_UPDATE x2; more is a peer
 * that does not stop. */
#define ENCAP_MAX_ROUNDS 80u

typedef struct encap_ctx {
  ot_spdm_requester *q;
  ot_spdm_req_session *s; /* NULL outside a session */
  ot_hash_ctx m2;         /* outside a session: A || B || C (ours) */
  bool m2_live;
  bool ku_pending; /* an encapsulated UpdateKey was answered, VerifyNewKey awaited */
  bool encap_d;    /* the handshake's first DIGESTS went into TH (EncapD) */
} encap_ctx;

static const ot_spdm_identity *ident(const encap_ctx *e) { return e->q->cfg->identity; }

/* Sizes of the messages we answer: our DIGESTS carries the multi-key arrays
 * when the connection is multi-key for us (multi_key_conn_req, DSP0274 1.3
 * §10.4 RequesterMultiKeyConn), and our signatures are ReqBaseAsymAlg's. */
static ot_spdm_sizes our_sizes(const encap_ctx *e) {
  ot_spdm_sizes sz = e->q->neg.sizes;
  sz.multi_key_conn = e->q->neg.multi_key_conn_req;
  sz.sig_len = sz.req_sig_len;
  sz.meas_summary_hash = false;
  return sz;
}

static ot_status m2_append(encap_ctx *e, const uint8_t *p, size_t n) {
  if (e->s != NULL) return OT_SUCCESS; /* in-session messages enter no transcript */
  if (!e->m2_live) {
    /* M2 starts with A from SPDM 1.2 on; at 1.0/1.1 it is the encapsulated
     * B || C alone (libspdm's requester and responder build it so at 1.1:
     * message_a enters the mutual M1/M2 only above 1.1). */
    OT_GUARD(ot_spdm_transcript_fork_mut_m2(&e->q->t, &e->m2));
    e->m2_live = true;
  }
  return ot_hash_update(&e->m2, p, n);
}

/* An encapsulated ERROR (DSP0274 §10.12) as our answer to a request we will not serve. */
static ot_status answer_error(encap_ctx *e, uint8_t code, uint8_t data, ot_writer *w) {
  ot_spdm_error err = {.code = code, .data = data};
  return ot_spdm_encode_error(&e->q->neg.sizes, w, &err);
}

static ot_status serve_digests(encap_ctx *e, const uint8_t *req, size_t len, ot_writer *w) {
  const ot_spdm_identity *id = ident(e);
  ot_spdm_sizes sz = our_sizes(e);
  ot_reader r;
  ot_reader_init(&r, req, len);
  if (!ot_ok(ot_spdm_decode_get_digests(&sz, &r)))
    return answer_error(e, OT_SPDM_ERR_INVALID_REQUEST, 0, w);
  uint8_t mask = ot_spdm_identity_slot_mask(id);
  ot_spdm_digests d;
  memset(&d, 0, sizeof(d));
  /* DSP0274 1.3 §10.5: Param1 SupportedSlotMask (reserved in 1.2), Param2
   * ProvisionedSlotMask, one digest per provisioned slot. */
  d.supported_slot_mask = sz.version >= OT_SPDM_VERSION_13 ? mask : 0;
  d.provisioned_slot_mask = mask;
  for (uint8_t s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++) {
    if (!(mask & (1u << s))) continue;
    OT_GUARD(ot_spdm_identity_chain_digest(id, s, e->q->neg.hash, &d.digest[s]));
    /* DSP0274 1.3 §10.5 (multi-key connections): per provisioned slot the
     * KeyPairID of its key, its CertificateInfo (certificate model) and its
     * KeyUsageMask; the codec writes them only when sz says multi-key. */
    d.key_pair_id[s] = id->keys[id->slots[s].key].key_pair_id;
    d.cert_info[s] = id->slots[s].cert_model;
    d.key_usage[s] = id->slots[s].key_usage;
  }
  size_t start = ot_writer_len(w);
  OT_GUARD(ot_spdm_encode_digests(&sz, w, &d));
  /* DSP0274 1.3 "Transcript hash" (TH) of a multi-key connection for the
   * requester: the first encapsulated DIGESTS of the handshake (EncapD) sits
   * between K and H(CM); libspdm's message_encap_d. Later ones do not. */
  if (e->s != NULL && e->s->s.state == OT_SPDM_SESSION_HANDSHAKE && sz.multi_key_conn &&
      !e->encap_d) {
    OT_GUARD(ot_spdm_th_append(&e->s->th, w->data + start, ot_writer_len(w) - start));
    e->encap_d = true;
  }
  OT_GUARD(m2_append(e, req, len));
  return m2_append(e, w->data + start, ot_writer_len(w) - start);
}

static ot_status serve_certificate(encap_ctx *e, const uint8_t *req, size_t len, ot_writer *w) {
  const ot_spdm_identity *id = ident(e);
  ot_spdm_sizes sz = our_sizes(e);
  ot_reader r;
  ot_reader_init(&r, req, len);
  ot_spdm_get_certificate g;
  size_t total;
  /* §10.6: a malformed request, an empty slot or an offset past the chain
   * is InvalidRequest. */
  if (!ot_ok(ot_spdm_decode_get_certificate(&sz, &r, &g)) ||
      !ot_ok(ot_spdm_identity_chain_len(id, g.slot_id, e->q->neg.hash, &total)) ||
      g.offset >= total)
    return answer_error(e, OT_SPDM_ERR_INVALID_REQUEST, 0, w);
  size_t remaining = total - g.offset, portion = g.length < remaining ? g.length : remaining;
  /* Our answer travels inside DELIVER_ENCAPSULATED_RESPONSE, which must fit
   * the responder's DataTransferSize (§10.4 CAPABILITIES; we send no
   * CHUNK_SEND for it): header 4 + CERTIFICATE's own 8. */
  size_t fixed = 2u * OT_SPDM_HEADER_SIZE + 4u + (g.large ? 8u : 0u);
  size_t limit = e->q->rsp_data_transfer_size;
  /* 1.0/1.1 announce no DataTransferSize (0): the responder's Length is the
   * bound (DSP0274 1.1 "GET_CERTIFICATE"), with our own buffer's. */
  if (limit == 0 || limit > OT_SPDM_LARGE_MAX / 2) limit = OT_SPDM_LARGE_MAX / 2;
  if (portion + fixed > limit) portion = limit - fixed;
  if (sz.version >= OT_SPDM_VERSION_13 && (g.attributes & OT_SPDM_GET_CERT_SLOT_SIZE_REQUESTED))
    portion = 0; /* 1.3 SlotSizeRequested: the size only */
  size_t remainder = portion ? remaining - portion : total;
  size_t start = ot_writer_len(w);
  uint8_t *dst;
  OT_GUARD(ot_write_u8(w, sz.version));
  OT_GUARD(ot_write_u8(w, OT_SPDM_CERTIFICATE));
  /* DSP0274 1.4 GET_CERTIFICATE Param1 bit 7 LargeCertChain (the responder
   * sets it at 1.4 when we have LARGE_RESP_CAP, as libspdm's does): the
   * CERTIFICATE answers in the same form, Param1 bit 7 set, the u16 lengths
   * 0 and LargePortionLength / LargeRemainderLength (u32) after them. */
  OT_GUARD(ot_write_u8(w, (uint8_t)(g.slot_id | (g.large ? OT_SPDM_CERT_LARGE_CHAIN : 0))));
  /* Param2 CertificateInfo (DSP0274 1.3 §10.6): the slot's certificate model
   * on a connection multi-key for us, reserved (0) otherwise. */
  OT_GUARD(ot_write_u8(w, sz.multi_key_conn ? id->slots[g.slot_id].cert_model : 0));
  if (g.large) {
    OT_GUARD(ot_write_u32le(w, 0));
    OT_GUARD(ot_write_u32le(w, (uint32_t)portion));
    OT_GUARD(ot_write_u32le(w, (uint32_t)remainder));
  } else {
    OT_GUARD(ot_write_u16le(w, (uint16_t)portion));
    OT_GUARD(ot_write_u16le(w, (uint16_t)remainder));
  }
  OT_GUARD(ot_write_claim(w, portion, &dst));
  OT_GUARD(ot_spdm_identity_chain_read(id, g.slot_id, e->q->neg.hash, g.offset, portion, dst));
  OT_GUARD(m2_append(e, req, len));
  return m2_append(e, w->data + start, ot_writer_len(w) - start);
}

/* Signs th with our key of `slot` under ReqBaseAsymAlg into sig (req_sig_len bytes). */
ot_status req_sign(ot_spdm_requester *q, uint8_t slot, const char *context, const uint8_t *th,
                   uint8_t *sig) {
  const ot_spdm_identity *id = q->cfg->identity;
  OT_ENSURE(id != NULL && slot < OT_SPDM_MAX_SLOT_COUNT && id->slots[slot].present, OT_E_NOT_FOUND);
  const ot_spdm_id_key *k = &id->keys[id->slots[slot].key];
  OT_ENSURE(k->present && k->curve == q->neg.req_asym_curve, OT_E_BAD_KEY);
  size_t n;
  OT_GUARD(ot_spdm_signature_sign(q->neg.version, q->neg.req_base_asym, q->neg.hash, k->priv,
                                  k->priv_len, context, th, q->neg.sizes.hash_len, sig,
                                  OT_SPDM_MAX_SIGNATURE_SIZE, &n));
  OT_ENSURE(n == q->neg.sizes.req_sig_len, OT_E_INTERNAL);
  return OT_SUCCESS;
}

/* Basic mutual authentication: our CHALLENGE_AUTH over M2 = A || B || C. */
static ot_status serve_challenge(encap_ctx *e, const uint8_t *req, size_t len, ot_writer *w) {
  const ot_spdm_identity *id = ident(e);
  ot_spdm_sizes sz = our_sizes(e);
  ot_reader r;
  ot_reader_init(&r, req, len);
  ot_spdm_challenge c;
  /* DSP0274 1.2 §10.7: CHALLENGE is not allowed inside a session; we hold no
   * measurements, so only MeasurementSummaryHashType 0 can be served; the
   * slot must hold a chain (the provisioned-key slot 0xFF needs
   * PUB_KEY_ID_CAP, which we do not set). */
  if (e->s != NULL) return answer_error(e, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0, w);
  if (!ot_ok(ot_spdm_decode_challenge(&sz, &r, &c)) || c.meas_summary_type != 0 ||
      c.slot_id >= OT_SPDM_MAX_SLOT_COUNT || !id->slots[c.slot_id].present)
    return answer_error(e, OT_SPDM_ERR_INVALID_REQUEST, 0, w);
  /* DSP0274 1.3 §10.7: on a multi-key connection the slot's key must be
   * meant for CHALLENGE (KeyUsageMask ChallengeUsage), else InvalidRequest
   * (libspdm's requester answers the same). */
  if (sz.multi_key_conn && !(id->slots[c.slot_id].key_usage & OT_SPDM_KEY_USAGE_CHALLENGE))
    return answer_error(e, OT_SPDM_ERR_INVALID_REQUEST, 0, w);
  uint8_t zero_sig[OT_SPDM_MAX_SIGNATURE_SIZE] = {0};
  ot_spdm_challenge_auth a = {.slot_id = c.slot_id,
                              .slot_mask = ot_spdm_identity_slot_mask(id),
                              .signature = zero_sig};
  OT_GUARD(ot_spdm_identity_chain_digest(id, c.slot_id, e->q->neg.hash, &a.cert_chain_hash));
  OT_GUARD(ot_rng_fill(e->q->cfg->rng, a.nonce, sizeof(a.nonce)));
  memcpy(a.context, c.context, sizeof(a.context)); /* 1.3: echoed */
  size_t start = ot_writer_len(w);
  OT_GUARD(ot_spdm_encode_challenge_auth(&sz, w, &a));
  uint8_t *rsp = w->data + start;
  size_t rlen = ot_writer_len(w) - start;
  uint8_t th[OT_HASH_MAX_SIZE];
  OT_GUARD(m2_append(e, req, len));
  OT_GUARD(m2_append(e, rsp, rlen - sz.sig_len));
  OT_GUARD(ot_hash_peek(&e->m2, th, sizeof(th)));
  return req_sign(e->q, c.slot_id, OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_REQ, th,
                  rsp + rlen - sz.sig_len);
}

/*
 * The responder renews its own key (DSP0274 1.2 §10.15 "KEY_UPDATE", sent as
 * an encapsulated request): UpdateKey names the responder-to-requester key,
 * which we derive and take for receiving at once (the next message, the ACK
 * carrying VerifyNewKey, comes under it; the old one is kept as a backup
 * until then); VerifyNewKey commits. UpdateAllKeys is not the responder's to
 * ask (only the requester's keys and its own would change, and the
 * requester's are not the responder's to renew): InvalidRequest, as libspdm.
 */
static ot_status serve_key_update(encap_ctx *e, const uint8_t *req, size_t len, ot_writer *w) {
  ot_spdm_sizes sz = e->q->neg.sizes;
  ot_reader r;
  ot_reader_init(&r, req, len);
  ot_spdm_key_update ku;
  if (e->s == NULL || e->s->s.state != OT_SPDM_SESSION_ESTABLISHED ||
      !ot_ok(ot_spdm_decode_key_update(&sz, &r, &ku)))
    return answer_error(e, OT_SPDM_ERR_INVALID_REQUEST, 0, w);
  ot_spdm_session *ss = &e->s->s;
  if (ku.operation == OT_SPDM_KEY_UPDATE_OP_UPDATE_KEY && !e->ku_pending) {
    OT_GUARD(ot_spdm_session_update_derive(ss, OT_SPDM_DIR_RSP));
    OT_GUARD(ot_spdm_session_update_activate_rx(ss));
    e->ku_pending = true;
  } else if (ku.operation == OT_SPDM_KEY_UPDATE_OP_VERIFY_NEW_KEY && e->ku_pending) {
    OT_GUARD(ot_spdm_session_update_commit(ss));
    e->ku_pending = false;
  } else {
    return answer_error(e, OT_SPDM_ERR_INVALID_REQUEST, 0, w);
  }
  return ot_spdm_encode_key_update_ack(&sz, w, &ku);
}

/* Our answer to one encapsulated request, into w. */
static ot_status serve(encap_ctx *e, const uint8_t *req, size_t len, ot_writer *w) {
  OT_ENSURE(len >= OT_SPDM_HEADER_SIZE, OT_E_TRUNCATED);
  /* §10.12 VersionMismatch: the encapsulated request speaks the connection's version. */
  if (req[0] != e->q->neg.version) return answer_error(e, OT_SPDM_ERR_VERSION_MISMATCH, 0, w);
  /* Without an identity there is nothing to present: UnsupportedRequest. */
  bool id = ident(e) != NULL;
  switch (req[1]) {
  case OT_SPDM_GET_DIGESTS:
  case OT_SPDM_GET_CERTIFICATE:
  case OT_SPDM_CHALLENGE:
    if (!id) return answer_error(e, OT_SPDM_ERR_UNSUPPORTED_REQUEST, req[1], w);
    break;
  default: break;
  }
  switch (req[1]) {
  case OT_SPDM_GET_DIGESTS: return serve_digests(e, req, len, w);
  case OT_SPDM_GET_CERTIFICATE: return serve_certificate(e, req, len, w);
  case OT_SPDM_CHALLENGE: return serve_challenge(e, req, len, w);
  case OT_SPDM_KEY_UPDATE: return serve_key_update(e, req, len, w);
  default: return answer_error(e, OT_SPDM_ERR_UNSUPPORTED_REQUEST, req[1], w);
  }
}

/* Runs the flow from its first request (req[0..len), RequestID id). */
static ot_status run(encap_ctx *e, uint8_t id, const uint8_t *first, size_t first_len,
                     uint8_t *req_slot) {
  ot_spdm_requester *q = e->q;
  const ot_spdm_sizes *sz = &q->neg.sizes;
  /* The request we answer lives in q->buf (the last response): copy it out. */
  uint8_t inner[OT_SPDM_HEADER_SIZE + 64];
  uint8_t out[OT_SPDM_LARGE_MAX / 2 + 16];
  OT_ENSURE(first_len <= sizeof(inner), OT_E_TOO_LARGE);
  memcpy(inner, first, first_len);
  size_t inner_len = first_len;
  for (unsigned round = 0; round < ENCAP_MAX_ROUNDS; round++) {
    ot_writer w;
    ot_writer_init(&w, out, sizeof(out));
    OT_GUARD(ot_write_u8(&w, sz->version));
    OT_GUARD(ot_write_u8(&w, OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE));
    OT_GUARD(ot_write_u8(&w, id)); /* Param1: the RequestID answered */
    OT_GUARD(ot_write_u8(&w, 0));
    OT_GUARD(serve(e, inner, inner_len, &w));
    req_rsp r;
    OT_GUARD(req_exchange(q, e->s, sz, out, ot_writer_len(&w), &r));
    ot_reader rd;
    ot_reader_init(&rd, r.msg, r.len);
    ot_spdm_encap ack;
    OT_GUARD(ot_spdm_decode_encapsulated_response_ack(sz, &rd, &ack));
    /* DSP0274 1.2 "ENCAPSULATED_RESPONSE_ACK": AckRequestID echoes the
     * RequestID of the response it acknowledges (1.1 has no such field). */
    OT_ENSURE(sz->version < OT_SPDM_VERSION_12 || ack.ack_request_id == id, OT_E_UNEXPECTED);
    if (ack.payload_type == OT_SPDM_ENCAP_ACK_ABSENT) return OT_SUCCESS;
    if (ack.payload_type == OT_SPDM_ENCAP_ACK_SLOT) {
      if (req_slot) *req_slot = ack.req_slot;
      return OT_SUCCESS;
    }
    OT_ENSURE(ack.msg_len <= sizeof(inner), OT_E_TOO_LARGE);
    memcpy(inner, ack.msg, ack.msg_len);
    inner_len = ack.msg_len;
    id = ack.request_id;
  }
  OT_BAIL(OT_E_UNEXPECTED); /* a responder that never ends the flow */
}

ot_status req_encap_flow(ot_spdm_requester *q, ot_spdm_req_session *s, uint8_t mut_auth,
                         uint8_t *req_slot) {
  OT_ENSURE(q->cfg->identity != NULL, OT_E_STATE);
  encap_ctx e = {.q = q, .s = s};
  ot_status st;
  if (mut_auth == OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS) {
    /* DSP0274 1.2 §10.9 MutAuthRequested bit 2: KEY_EXCHANGE_RSP stands for
     * an ENCAPSULATED_REQUEST carrying GET_DIGESTS; our first message is
     * DELIVER_ENCAPSULATED_RESPONSE with the DIGESTS (RequestID 0). */
    uint8_t gd[OT_SPDM_HEADER_SIZE] = {q->neg.version, OT_SPDM_GET_DIGESTS, 0, 0};
    st = run(&e, 0, gd, sizeof(gd), req_slot);
  } else {
    uint8_t g[OT_SPDM_HEADER_SIZE];
    ot_writer w;
    ot_writer_init(&w, g, sizeof(g));
    OT_GUARD(ot_spdm_encode_get_encapsulated_request(&q->neg.sizes, &w));
    req_rsp r;
    st = req_exchange(q, s, &q->neg.sizes, g, sizeof(g), &r);
    if (ot_ok(st)) {
      ot_reader rd;
      ot_reader_init(&rd, r.msg, r.len);
      ot_spdm_encap er;
      st = ot_spdm_decode_encapsulated_request(&q->neg.sizes, &rd, &er);
      if (ot_ok(st)) st = run(&e, er.request_id, er.msg, er.msg_len, req_slot);
    }
  }
  /* A KEY_UPDATE whose VerifyNewKey never came is given up (the backup key
   * becomes current again). */
  if (e.ku_pending) OT_IGNORE(ot_spdm_session_update_abort(&s->s));
  if (e.m2_live) ot_hash_free(&e.m2);
  return st;
}

OT_RESULT ot_spdm_requester_encap_poll(ot_spdm_requester *q, uint32_t session_id, bool *served) {
  ot_spdm_req_session *s;
  OT_GUARD(req_ready(q));
  OT_GUARD(req_session(q, session_id, &s));
  OT_ENSURE(s->s.state == OT_SPDM_SESSION_ESTABLISHED, OT_E_STATE);
  OT_ENSURE((q->cfg->caps & q->rsp_caps & OT_SPDM_CAP_ENCAP) != 0, OT_E_UNSUPPORTED);
  *served = false;
  encap_ctx e = {.q = q, .s = s};
  uint8_t g[OT_SPDM_HEADER_SIZE];
  ot_writer w;
  ot_writer_init(&w, g, sizeof(g));
  OT_GUARD(ot_spdm_encode_get_encapsulated_request(&q->neg.sizes, &w));
  req_rsp r;
  ot_status st = req_exchange(q, s, &q->neg.sizes, g, sizeof(g), &r);
  /* DSP0274 1.3 §10.12 NoPendingRequests (1.2: UnexpectedRequest, as libspdm
   * answers): the responder has nothing to ask. */
  const ot_spdm_peer_error *pe = ot_spdm_requester_last_error(q);
  if (!ot_ok(st) && pe != NULL && pe->request == OT_SPDM_GET_ENCAPSULATED_REQUEST &&
      (pe->code == OT_SPDM_ERR_NO_PENDING_REQUESTS ||
       (q->neg.version < OT_SPDM_VERSION_13 && pe->code == OT_SPDM_ERR_UNEXPECTED_REQUEST)))
    return OT_SUCCESS;
  if (ot_ok(st)) {
    ot_reader rd;
    ot_reader_init(&rd, r.msg, r.len);
    ot_spdm_encap er;
    st = ot_spdm_decode_encapsulated_request(&q->neg.sizes, &rd, &er);
    if (ot_ok(st)) st = run(&e, er.request_id, er.msg, er.msg_len, NULL);
    if (ot_ok(st)) *served = true;
  }
  if (e.ku_pending) OT_IGNORE(ot_spdm_session_update_abort(&s->s));
  if (!ot_ok(st) && ot_spdm_session_failed(&s->s)) req_session_end(s);
  return req_fail(q, st);
}

OT_RESULT ot_spdm_requester_config_identity(ot_spdm_requester_config *cfg,
                                            const ot_spdm_identity *id) {
  OT_ENSURE(cfg && id, OT_E_ARG);
  uint8_t mask = ot_spdm_identity_slot_mask(id);
  OT_ENSURE(mask != 0, OT_E_NOT_FOUND);
  uint8_t slot = 0;
  while (!(mask & (1u << slot)))
    slot++;
  /* ReqBaseAsymAlg takes the BaseAsymAlgo bit values (DSP0274 §10.4). */
  uint16_t sel;
  switch (id->keys[id->slots[slot].key].curve) {
  case OT_CURVE_P256: sel = OT_SPDM_ASYM_ECDSA_P256; break;
  case OT_CURVE_P384: sel = OT_SPDM_ASYM_ECDSA_P384; break;
  case OT_CURVE_P521: sel = OT_SPDM_ASYM_ECDSA_P521; break;
  case OT_CURVE_ED25519: sel = OT_SPDM_ASYM_ED25519; break;
  case OT_CURVE_ED448: sel = OT_SPDM_ASYM_ED448; break;
  /* An RSA key signs either way (TPM_ALG_RSASSA PKCS#1 v1.5 or TPM_ALG_RSAPSS,
   * DSP0274 §10.4 Table "BaseAsymAlgo"): both of its size are offered and the
   * responder selects one (DSP0274 §10.4 ReqBaseAsymAlg; libspdm's responder
   * accepts only RSA 2048/3072 there by default). */
  case OT_KEY_RSA2048: sel = OT_SPDM_ASYM_RSASSA_2048 | OT_SPDM_ASYM_RSAPSS_2048; break;
  case OT_KEY_RSA3072: sel = OT_SPDM_ASYM_RSASSA_3072 | OT_SPDM_ASYM_RSAPSS_3072; break;
  case OT_KEY_RSA4096: sel = OT_SPDM_ASYM_RSASSA_4096 | OT_SPDM_ASYM_RSAPSS_4096; break;
  default: OT_BAIL(OT_E_UNSUPPORTED);
  }
  cfg->identity = id;
  cfg->caps |= OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP;
  cfg->algs.req_asym = sel;
  return OT_SUCCESS;
}
