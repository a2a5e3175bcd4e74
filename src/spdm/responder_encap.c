/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: mutual authentication in a session (DSP0274 1.2 §10.9
 * "KEY_EXCHANGE_RSP" MutAuthRequested, the "Encapsulated request flow",
 * §10.10 "FINISH"). After KEY_EXCHANGE_RSP asks for it, the requester's chain is
 * fetched with encapsulated GET_DIGESTS and GET_CERTIFICATE (under the
 * handshake keys), validated against cfg->req_anchors, and FINISH must carry
 * the requester's signature over TH ‖ H(CM) ‖ FINISH header
 * ("requester-finish signing", SPEC-FACTS §2.17). In-session messages of the
 * flow enter no transcript.
 *
 * SPDM 1.1 (DSP0274 1.1.0, where mutual authentication and the encapsulated
 * request flow begin): the same flows, with ENCAPSULATED_RESPONSE_ACK lacking
 * AckRequestID, basic mutual authentication's M2 = B || C without A, and the
 * requester's signatures over the transcript hash without the 1.2 signing
 * prefix (ot_spdm_signature_verify). Built only with both OT_SPDM_WITH_V10_11
 * and OT_SPDM_WITH_MUT_AUTH. SPDM 1.0 has neither MUT_AUTH_CAP nor ENCAP_CAP
 * (DSP0274 1.0.0 CAPABILITIES flags): never asked there.
 */
#include "responder_internal.h"

#include "opentsm/secure.h"

/* Portion asked per encapsulated GET_CERTIFICATE: the requester caps it to
 * our DataTransferSize anyway (DSP0274 §10.6). */
#define MUT_PORTION 1024u

/* multi_key_conn_req (DSP0274 1.3 §10.4): the requester's MULTI_KEY_CAP 01b,
 * or 10b with our ALGORITHMS bit4. Its encapsulated DIGESTS then carries the
 * multi-key arrays, names the slot by its keys' usage, and in a session
 * enters TH (EncapD; libspdm message_encap_d). */
static bool multi_key_req(const ot_spdm_responder *r) { return r->neg.multi_key_conn_req; }

/* A 1.1 connection in a build with SPDM 1.0/1.1 (opentsm/spdm_features.h):
 * constant false otherwise, so the 1.1 branches leave such a build. */
static bool at_11(const ot_spdm_responder *r) {
  return OT_SPDM_WITH_V10_11 && r->neg.version == OT_SPDM_VERSION_11;
}

/* DSP0274 1.1.0 introduced MUT_AUTH_CAP, ENCAP_CAP and the encapsulated
 * request flow: 1.1 and later (1.2 and later in a build without 1.0/1.1). */
static bool mut_auth_version(const ot_spdm_responder *r) {
  return r->neg.version >= OT_SPDM_VERSION_12 || at_11(r);
}

uint8_t rsp_mut_auth_start(ot_spdm_responder *r, ot_spdm_rsp_session *s) {
  uint32_t both = r->caps & r->req_caps; /* as advertised at this version */
  rsp_mut_clear(&s->mut);
  if (!OT_SPDM_WITH_MUT_AUTH) return 0; /* a build without it (opentsm/spdm_features.h) */
  /* DSP0274 1.1 KEY_EXCHANGE_RSP MutAuthRequested: from 1.1 on (1.0 has no
   * KEY_EXCHANGE nor MUT_AUTH_CAP). */
  if (!mut_auth_version(r)) return 0;
  /* §10.9: only when both sides set MUT_AUTH_CAP (and ENCAP_CAP for the flow)
   * and a ReqBaseAsymAlg was negotiated. With HANDSHAKE_IN_THE_CLEAR the
   * flow's messages travel in the clear too (libspdm sends every request of a
   * handshaking key-exchange session so); flow_session() finds the session. */
  if (r->cfg->mut_auth == 0 || !(both & OT_SPDM_CAP_MUT_AUTH) || r->neg.req_base_asym == 0)
    return 0;
  /* MutAuthRequested 01h (§10.9 bit 0: no encapsulated request, the
   * requester signs FINISH with the slot it chooses): the requester's key
   * must be known already, i.e. its chain validated by basic mutual
   * authentication on this connection; otherwise the device asks with the
   * encapsulated flow (02h) to learn it. A multi-key requester's slot
   * chosen for CHALLENGE must also be meant for key exchange (DSP0274 1.3
   * §10.5 KeyUsageMask KeyExUsage), or the flow picks one that is. */
  if (r->cfg->mut_auth == OT_SPDM_MUT_AUTH_REQUESTED && r->basic.state == OT_SPDM_MUT_DONE &&
      r->basic.pub_len != 0 &&
      (!multi_key_req(r) || (r->basic.key_usage & OT_SPDM_KEY_USAGE_KEY_EX))) {
    s->mut.requested = OT_SPDM_MUT_AUTH_REQUESTED;
    s->mut.state = OT_SPDM_MUT_DONE;
    s->mut.slot = r->basic.slot;
    memcpy(s->mut.digest, r->basic.digest, sizeof(s->mut.digest));
    memcpy(s->mut.pub, r->basic.pub, r->basic.pub_len);
    s->mut.pub_len = r->basic.pub_len;
    return s->mut.requested;
  }
  if (!(both & OT_SPDM_CAP_ENCAP)) return 0;
  s->mut.requested = r->cfg->mut_auth == OT_SPDM_MUT_AUTH_REQUESTED
                         ? OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST
                         : r->cfg->mut_auth;
  if (s->mut.requested == OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS) {
    /* Bit 2: KEY_EXCHANGE_RSP stands for ENCAPSULATED_REQUEST(GET_DIGESTS),
     * RequestID 0; the requester answers with DELIVER at once. */
    s->mut.state = OT_SPDM_MUT_AWAIT_DELIVER;
    s->mut.request_id = 0;
    s->mut.code = OT_SPDM_GET_DIGESTS;
  } else {
    s->mut.state = OT_SPDM_MUT_AWAIT_GET;
  }
  return s->mut.requested;
}

void rsp_mut_clear(ot_spdm_rsp_mut *m) {
  if (m->m2_live) ot_hash_free(&m->m2);
  ot_zeroize(m, sizeof(*m));
}

bool rsp_basic_mut_auth_start(ot_spdm_responder *r) {
  uint32_t both = r->caps & r->req_caps; /* as advertised at this version */
  rsp_mut_clear(&r->basic);
  if (!OT_SPDM_WITH_MUT_AUTH) return false;
  /* DSP0274 1.1 CHALLENGE_AUTH Param1 bit 7 BasicMutAuthReq: from 1.1 on. */
  if (!mut_auth_version(r)) return false;
  /* DSP0274 1.2 §10.7: BasicMutAuthReq only toward a requester that can be
   * challenged (MUT_AUTH_CAP, CHAL_CAP, CERT_CAP) through the encapsulated
   * flow (ENCAP_CAP), with a negotiated ReqBaseAsymAlg. */
  if (!r->cfg->basic_mut_auth || !(both & OT_SPDM_CAP_MUT_AUTH) || !(both & OT_SPDM_CAP_ENCAP) ||
      !(r->req_caps & OT_SPDM_CAP_CHAL) || !(r->req_caps & OT_SPDM_CAP_CERT) ||
      r->neg.req_base_asym == 0)
    return false;
  r->basic.requested = OT_SPDM_MUT_AUTH_REQUESTED; /* marks "asked" */
  r->basic.state = OT_SPDM_MUT_AWAIT_GET;
  return true;
}

/* Outside a session the flow's messages form the requester's M2: A ‖ B ‖ C
 * from 1.2 on, B ‖ C at 1.1 (ot_spdm_transcript_fork_mut_m2). */
static ot_status m2_append(ot_spdm_responder *r, ot_spdm_rsp_mut *m, bool basic,
                           const uint8_t *p, size_t n) {
  if (!basic) return OT_SUCCESS;
  if (!m->m2_live) {
    OT_GUARD(ot_spdm_transcript_fork_mut_m2(&r->t, &m->m2));
    m->m2_live = true;
  }
  return ot_hash_update(&m->m2, p, n);
}

/* Writes the next encapsulated request (after header bytes written by the
 * caller) and keeps a copy of it (it enters M2). */
static ot_status write_request(ot_spdm_responder *r, ot_spdm_rsp_mut *m, ot_writer *w) {
  ot_writer q;
  ot_writer_init(&q, m->last_req, sizeof(m->last_req));
  if (m->code == OT_SPDM_GET_DIGESTS) {
    OT_GUARD(ot_spdm_encode_get_digests(&r->neg.sizes, &q));
  } else if (m->code == OT_SPDM_GET_CERTIFICATE) {
    ot_spdm_get_certificate g = {.slot_id = m->slot,
                                 .offset = (uint16_t)m->chain_len,
                                 .length = MUT_PORTION};
    OT_GUARD(ot_spdm_encode_get_certificate(&r->neg.sizes, &q, &g));
  } else if (m->code == OT_SPDM_KEY_UPDATE) {
    ot_spdm_key_update ku = {.operation = m->ku_op};
    OT_GUARD(ot_rng_fill(r->cfg->rng, &ku.tag, 1));
    OT_GUARD(ot_spdm_encode_key_update(&r->neg.sizes, &q, &ku));
  } else {
    /* CHALLENGE of the requester's slot, no measurement summary (it has
     * no measurements to summarize, DSP0274 §10.7). */
    ot_spdm_challenge ch = {.slot_id = m->slot, .meas_summary_type = OT_SPDM_MEAS_SUMMARY_NONE};
    OT_GUARD(ot_rng_fill(r->cfg->rng, ch.nonce, sizeof(ch.nonce)));
    OT_GUARD(ot_rng_fill(r->cfg->rng, ch.context, sizeof(ch.context)));
    OT_GUARD(ot_spdm_encode_challenge(&r->neg.sizes, &q, &ch));
  }
  m->last_req_len = ot_writer_len(&q);
  return ot_write_bytes(w, m->last_req, m->last_req_len);
}

/* The requester's CHALLENGE_AUTH (basic mutual authentication): its chain's
 * digest, the 1.3 RequesterContext echoed, and its signature over M2 with
 * "requester-challenge_auth signing" under ReqBaseAsymAlg. */
static ot_status take_challenge_auth(ot_spdm_responder *r, ot_spdm_rsp_mut *m,
                                     const uint8_t *msg, size_t len) {
  ot_spdm_sizes sz = r->neg.sizes;
  sz.sig_len = sz.req_sig_len;
  sz.meas_summary_hash = false;
  size_t h = sz.hash_len;
  ot_reader rd;
  ot_reader_init(&rd, msg, len);
  ot_spdm_challenge_auth a;
  OT_GUARD(ot_spdm_decode_challenge_auth(&sz, &rd, &a));
  OT_ENSURE(a.slot_id == m->slot && !a.basic_mut_auth, OT_E_MALFORMED);
  OT_ENSURE(ot_ct_equal(a.cert_chain_hash, m->digest, h), OT_E_VERIFY);
  if (sz.version >= OT_SPDM_VERSION_13)
    OT_ENSURE(memcmp(a.context, m->last_req + OT_SPDM_HEADER_SIZE + OT_SPDM_NONCE_SIZE,
                     OT_SPDM_REQ_CONTEXT_SIZE) == 0,
              OT_E_VERIFY);
  uint8_t th[OT_HASH_MAX_SIZE];
  OT_GUARD(m2_append(r, m, true, m->last_req, m->last_req_len));
  OT_GUARD(m2_append(r, m, true, msg, len - sz.sig_len));
  OT_GUARD(ot_hash_peek(&m->m2, th, sizeof(th)));
  return ot_spdm_signature_verify(sz.version, r->neg.req_base_asym, r->neg.hash, m->pub,
                                  m->pub_len, OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_REQ, th, h,
                                  a.signature, sz.sig_len);
}

/* "NoPendingRequests" (1.3) / UnexpectedRequest (1.2): nothing to ask. */
static ot_status nothing_pending(rsp_call *c) {
  return rsp_error(c,
                   c->r->neg.version >= OT_SPDM_VERSION_13 ? OT_SPDM_ERR_NO_PENDING_REQUESTS
                                                           : OT_SPDM_ERR_UNEXPECTED_REQUEST,
                   0);
}

OT_RESULT ot_spdm_responder_encap_key_update(ot_spdm_responder *r, uint32_t session_id) {
  OT_ENSURE(r != NULL, OT_E_ARG);
  ot_spdm_rsp_session *s = NULL;
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS && !s; i++)
    if (r->sessions[i].used && r->sessions[i].s.session_id == session_id) s = &r->sessions[i];
  OT_ENSURE(s != NULL, OT_E_NOT_FOUND);
  OT_ENSURE(r->cfg->caps & r->req_caps & OT_SPDM_CAP_ENCAP, OT_E_UNSUPPORTED);
  /* The encapsulated flow exists from 1.1 on (DSP0274 1.1 KEY_UPDATE may be
   * an encapsulated request; its ACK then has the 1.1 layout). */
  OT_ENSURE(mut_auth_version(r), OT_E_UNSUPPORTED);
  OT_ENSURE(s->s.state == OT_SPDM_SESSION_ESTABLISHED && !s->key_update_busy, OT_E_STATE);
  OT_ENSURE(s->mut.state != OT_SPDM_MUT_AWAIT_GET && s->mut.state != OT_SPDM_MUT_AWAIT_DELIVER,
            OT_E_STATE);
  s->mut.state = OT_SPDM_MUT_AWAIT_GET;
  s->mut.code = OT_SPDM_KEY_UPDATE;
  s->mut.ku_op = OT_SPDM_KEY_UPDATE_OP_UPDATE_KEY;
  return OT_SUCCESS;
}

/* The requester's KEY_UPDATE_ACK (same KeyOperation and Tag, §10.15). After
 * UpdateKey our sending key is renewed now, so that the ACK carrying
 * VerifyNewKey goes under it (the requester took the new key for receiving
 * on UpdateKey); after VerifyNewKey the flow is done. */
static ot_status take_key_update_ack(ot_spdm_responder *r, ot_spdm_rsp_session *s,
                                     ot_spdm_rsp_mut *m, const uint8_t *msg, size_t len,
                                     bool *done) {
  ot_reader rd;
  ot_reader_init(&rd, msg, len);
  ot_spdm_key_update ack;
  OT_ENSURE(s != NULL, OT_E_STATE);
  OT_GUARD(ot_spdm_decode_key_update_ack(&r->neg.sizes, &rd, &ack));
  OT_ENSURE(ack.operation == m->last_req[2] && ack.tag == m->last_req[3], OT_E_MALFORMED);
  if (m->ku_op == OT_SPDM_KEY_UPDATE_OP_UPDATE_KEY) {
    OT_GUARD(ot_spdm_session_update_derive(&s->s, OT_SPDM_DIR_RSP));
    OT_GUARD(ot_spdm_session_update_activate_tx(&s->s));
    m->ku_op = OT_SPDM_KEY_UPDATE_OP_VERIFY_NEW_KEY;
    *done = false;
  } else {
    *done = true;
  }
  return OT_SUCCESS;
}

/* The session whose flow a request belongs to: the one it came in, or for a
 * request in the clear the session handshaking in the clear whose mutual
 * authentication is under way (DSP0274 1.2 HANDSHAKE_IN_THE_CLEAR_CAP); NULL:
 * basic mutual authentication, outside sessions. */
static ot_spdm_rsp_session *flow_session(rsp_call *c) {
  if (c->session) return c->session;
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++) {
    ot_spdm_rsp_session *s = &c->r->sessions[i];
    if (s->used && s->in_clear && s->s.state == OT_SPDM_SESSION_HANDSHAKE &&
        (s->mut.state == OT_SPDM_MUT_AWAIT_GET || s->mut.state == OT_SPDM_MUT_AWAIT_DELIVER))
      return s;
  }
  return NULL;
}

/* The flow a request belongs to: its session's, or basic mutual authentication's. */
static ot_spdm_rsp_mut *flow_of(rsp_call *c) {
  ot_spdm_rsp_session *s = flow_session(c);
  return s ? &s->mut : &c->r->basic;
}

ot_status rsp_get_encapsulated_request(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  ot_spdm_rsp_mut *m = flow_of(c);
  /* An encapsulated GET_ENDPOINT_INFO waits behind no running flow. */
  if (m->state != OT_SPDM_MUT_AWAIT_GET && m->state != OT_SPDM_MUT_AWAIT_DELIVER &&
      rsp_ep_encap_pending(r))
    return rsp_ep_encap_get(c);
  if (m->state != OT_SPDM_MUT_AWAIT_GET) return nothing_pending(c);
  m->request_id = 1;
  /* Mutual authentication starts with GET_DIGESTS; a KEY_UPDATE flow
   * (ot_spdm_responder_encap_key_update) with its UpdateKey. */
  if (m->code != OT_SPDM_KEY_UPDATE) m->code = OT_SPDM_GET_DIGESTS;
  m->state = OT_SPDM_MUT_AWAIT_DELIVER;
  /* ENCAPSULATED_REQUEST: Param1 RequestID | the request. */
  OT_GUARD(ot_write_u8(c->w, r->neg.version));
  OT_GUARD(ot_write_u8(c->w, OT_SPDM_ENCAPSULATED_REQUEST));
  OT_GUARD(ot_write_u8(c->w, m->request_id));
  OT_GUARD(ot_write_u8(c->w, 0));
  return write_request(r, m, c->w);
}

/* The requester's DIGESTS: note the lowest slot it provisions, or for a
 * multi-key requester the lowest whose key is meant for `use`. */
static ot_status take_digests(ot_spdm_responder *r, ot_spdm_rsp_mut *m, const uint8_t *msg,
                              size_t len, uint16_t use) {
  ot_spdm_sizes sz = r->neg.sizes;
  sz.multi_key_conn = multi_key_req(r); /* DSP0274 1.3 §10.5: the arrays follow */
  ot_reader rd;
  ot_reader_init(&rd, msg, len);
  ot_spdm_digests d;
  OT_GUARD(ot_spdm_decode_digests(&sz, &rd, &d));
  OT_ENSURE(d.provisioned_slot_mask != 0, OT_E_NOT_FOUND);
  uint8_t slot = 0;
  if (sz.multi_key_conn) {
    OT_GUARD(rsp_mut_multi_key_pick(&d, use, &slot, &m->cert_info, &m->key_usage));
  } else {
    while (!(d.provisioned_slot_mask & (1u << slot)))
      slot++;
  }
  m->slot = slot;
  memcpy(m->digest, d.digest[slot], r->neg.sizes.hash_len);
  m->chain_len = 0;
  return OT_SUCCESS;
}

/* The whole chain is in: DIGESTS entry, RootHash, X.509 path to our anchors
 * in the requester role with ReqBaseAsymAlg's key type (DSP0274 §10.6 chain
 * format; the requester's certificate requirements). */
static ot_status check_chain(ot_spdm_responder *r, ot_spdm_rsp_mut *m) {
  size_t h = r->neg.sizes.hash_len;
  uint8_t d[OT_HASH_MAX_SIZE];
  OT_GUARD(ot_hash(r->neg.hash, r->mut_chain, m->chain_len, d, sizeof(d)));
  OT_ENSURE(ot_ct_equal(d, m->digest, h), OT_E_VERIFY);
  ot_spdm_cert_chain cc;
  OT_GUARD(ot_spdm_cert_chain_decode((uint16_t)h, r->mut_chain, m->chain_len, &cc));
  ot_x509_chain x;
  OT_GUARD(ot_x509_chain_parse(cc.certs, cc.certs_len, &x));
  OT_GUARD(ot_hash(r->neg.hash, x.certs[0].der, x.certs[0].len, d, sizeof(d)));
  OT_ENSURE(ot_ct_equal(d, cc.root_hash, h), OT_E_VERIFY);
  ot_x509_policy pol = {.now = r->cfg->req_now,
                        .role = OT_X509_ROLE_REQUESTER,
                        .model = OT_X509_MODEL_DEVICE,
                        .curve = r->neg.req_asym_curve};
  ot_x509_leaf_info info;
  ot_x509_verdict verdict;
  OT_GUARD(ot_x509_chain_verify(&x, r->cfg->req_anchors, r->cfg->req_anchor_count, &pol, &info,
                                &verdict));
  OT_ENSURE(info.public_key_len <= sizeof(m->pub), OT_E_TOO_LARGE);
  memcpy(m->pub, info.public_key, info.public_key_len);
  m->pub_len = info.public_key_len;
  return OT_SUCCESS;
}

/* A CERTIFICATE portion; *done once the chain is whole and validated. */
static ot_status take_certificate(ot_spdm_responder *r, ot_spdm_rsp_mut *m, const uint8_t *msg,
                                  size_t len, bool *done) {
  ot_reader rd;
  ot_reader_init(&rd, msg, len);
  ot_spdm_certificate cert;
  OT_GUARD(ot_spdm_decode_certificate(&r->neg.sizes, &rd, &cert));
  OT_ENSURE(cert.slot_id == m->slot, OT_E_MALFORMED);
  /* DSP0274 1.3 §10.6 Param2 CertificateInfo: the slot's model as DIGESTS
   * listed it on a multi-key connection, reserved (0) otherwise. */
  if (r->neg.version >= OT_SPDM_VERSION_13)
    OT_ENSURE(cert.cert_info == (multi_key_req(r) ? m->cert_info : 0), OT_E_MALFORMED);
  /* A portion that adds nothing while more remains would never end. */
  OT_ENSURE(cert.portion_len > 0 || cert.remainder_len == 0, OT_E_MALFORMED);
  OT_ENSURE(cert.portion_len <= sizeof(r->mut_chain) - m->chain_len &&
                cert.remainder_len <= sizeof(r->mut_chain) - m->chain_len - cert.portion_len,
            OT_E_TOO_LARGE);
  memcpy(r->mut_chain + m->chain_len, cert.portion, cert.portion_len);
  m->chain_len += cert.portion_len;
  *done = cert.remainder_len == 0;
  return *done ? check_chain(r, m) : OT_SUCCESS;
}

/* The flow ends here (§10.9 / §10.7: mutual authentication failed), and in a
 * session the session with it; the ERROR still goes out under the handshake
 * keys. */
static ot_status flow_failed(rsp_call *c, ot_spdm_rsp_session *s, ot_spdm_rsp_mut *m) {
  m->state = OT_SPDM_MUT_FAILED;
  if (s && c->session)
    s->post = OT_SPDM_POST_TEARDOWN;
  else if (s)
    rsp_session_end(s); /* in the clear: nothing to seal the ERROR with */
  return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
}

/* A DELIVER_ENCAPSULATED_RESPONSE for the outstanding RequestID whose
 * response does not decode (truncated, extra bytes, bad fields): DSP0274 1.2
 * §10.9 / §10.7 give the requester one answer per encapsulated request, and
 * this one cannot authenticate it, so the flow ends as for a wrong answer
 * (libspdm likewise abandons the flow). Another RequestID, or no flow
 * awaiting an answer, is only InvalidRequest. */
ot_status rsp_deliver_encapsulated_malformed(rsp_call *c, size_t len) {
  ot_spdm_rsp_session *s = flow_session(c);
  ot_spdm_rsp_mut *m = flow_of(c);
  if (len < OT_SPDM_HEADER_SIZE || m->state != OT_SPDM_MUT_AWAIT_DELIVER ||
      c->req[2] != m->request_id)
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  return flow_failed(c, s, m);
}

ot_status rsp_deliver_encapsulated_response(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  ot_spdm_rsp_session *s = flow_session(c);
  const ot_spdm_encap *e = &c->msg.u.encap;
  ot_spdm_rsp_mut *m = flow_of(c);
  bool basic = s == NULL;
  if (m->state != OT_SPDM_MUT_AWAIT_DELIVER && rsp_ep_encap_delivering(r, c->session))
    return rsp_ep_encap_deliver(c);
  if (m->state != OT_SPDM_MUT_AWAIT_DELIVER) return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  /* DSP0274 "DELIVER_ENCAPSULATED_RESPONSE": Param1 is the RequestID of the
   * encapsulated request it answers. */
  if (e->request_id != m->request_id) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  bool done = false;
  ot_status st;
  if (e->msg[1] != (uint8_t)(m->code & 0x7fu)) {
    /* An ERROR (or any other answer): the requester cannot be authenticated. */
    st = ot_status_of(OT_E_UNEXPECTED);
  } else if (m->code == OT_SPDM_GET_DIGESTS) {
    /* In a session the key signs FINISH (key exchange); outside, CHALLENGE_AUTH. */
    st = take_digests(r, m, e->msg, e->msg_len,
                      basic ? OT_SPDM_KEY_USAGE_CHALLENGE : OT_SPDM_KEY_USAGE_KEY_EX);
    /* DSP0274 1.3 TH of a session multi-key for the requester: its
     * handshake's DIGESTS (EncapD) sits between K and H(CM) (libspdm
     * message_encap_d); rsp_mut_auth_finish appends H(CM) after it. */
    if (ot_ok(st) && s && multi_key_req(r) && s->s.state == OT_SPDM_SESSION_HANDSHAKE)
      st = ot_spdm_th_append(&s->th, e->msg, e->msg_len);
    if (ot_ok(st)) st = m2_append(r, m, basic, m->last_req, m->last_req_len);
    if (ot_ok(st)) st = m2_append(r, m, basic, e->msg, e->msg_len);
    m->code = OT_SPDM_GET_CERTIFICATE;
  } else if (m->code == OT_SPDM_GET_CERTIFICATE) {
    st = take_certificate(r, m, e->msg, e->msg_len, &done);
    if (ot_ok(st)) st = m2_append(r, m, basic, m->last_req, m->last_req_len);
    if (ot_ok(st)) st = m2_append(r, m, basic, e->msg, e->msg_len);
    /* Basic mutual authentication goes on with CHALLENGE (§10.7). */
    if (ot_ok(st) && done && basic) {
      done = false;
      m->code = OT_SPDM_CHALLENGE;
    }
  } else if (m->code == OT_SPDM_KEY_UPDATE) {
    st = take_key_update_ack(r, s, m, e->msg, e->msg_len, &done);
  } else {
    st = take_challenge_auth(r, m, e->msg, e->msg_len);
    done = true;
  }
  if (!ot_ok(st)) return flow_failed(c, s, m);
  /* ENCAPSULATED_RESPONSE_ACK: Param1 next RequestID, Param2 payload type,
   * [1.2+: AckRequestID, Reserved(3)], payload. DSP0274 1.1 has no
   * AckRequestID: the payload follows the header (libspdm likewise). */
  uint8_t ack_of = m->request_id;
  if (!done) m->request_id++;
  /* Type 2 names a session's slot other than the default 0. */
  bool slot = done && !basic && m->code != OT_SPDM_KEY_UPDATE && m->slot != 0;
  OT_GUARD(ot_write_u8(c->w, r->neg.version));
  OT_GUARD(ot_write_u8(c->w, OT_SPDM_ENCAPSULATED_RESPONSE_ACK));
  OT_GUARD(ot_write_u8(c->w, done ? 0 : m->request_id));
  OT_GUARD(ot_write_u8(c->w, done ? (slot ? OT_SPDM_ENCAP_ACK_SLOT : OT_SPDM_ENCAP_ACK_ABSENT)
                                  : OT_SPDM_ENCAP_ACK_PRESENT));
  if (!at_11(r)) {
    OT_GUARD(ot_write_u8(c->w, ack_of));
    OT_GUARD(ot_write_zeros(c->w, 3));
  }
  if (!done) return write_request(r, m, c->w);
  m->state = OT_SPDM_MUT_DONE;
  return slot ? ot_write_u8(c->w, m->slot) : OT_SUCCESS;
}

ot_status rsp_mut_auth_finish(rsp_call *c, ot_spdm_rsp_session *s) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_finish *q = &c->msg.u.finish;
  ot_spdm_rsp_mut *m = &s->mut;
  size_t h = r->neg.sizes.hash_len;
  uint8_t th[OT_HASH_MAX_SIZE];
  /* TH ‖ H(CM) ‖ FINISH up to its Signature (the header and, in 1.4, its
   * opaque data), signed by the requester (SPEC-FACTS §2.17; DSP0274 1.4
   * "FINISH request message format"); H(CM) is the DIGESTS entry the fetched
   * chain was checked against. */
  size_t sl = r->neg.sizes.req_sig_len;
  OT_ENSURE(c->req_len >= OT_SPDM_HEADER_SIZE + sl + h, OT_E_MALFORMED);
  OT_GUARD(ot_spdm_th_append(&s->th, m->digest, h));
  OT_GUARD(ot_spdm_th_append(&s->th, c->req, c->req_len - sl - h));
  OT_GUARD(ot_spdm_th_hash(&s->th, th, sizeof(th)));
  OT_GUARD(ot_spdm_signature_verify(r->neg.version, r->neg.req_base_asym, r->neg.hash, m->pub,
                                    m->pub_len, OT_SPDM_SIGN_CTX_FINISH, th, h, q->signature,
                                    r->neg.sizes.req_sig_len));
  return ot_spdm_th_append(&s->th, q->signature, r->neg.sizes.req_sig_len);
}
