/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: CHALLENGE and GET_MEASUREMENTS (DSP0274 1.3 §10.7, §10.11;
 * SPEC-FACTS §2.8, §2.9, §2.16, §2.17): signatures over M1 (A ‖ B ‖ C) and L1
 * (A ‖ M) verified with the leaf key of a verified slot.
 */
#include "measurement_l1.h"
#include "requester_internal.h"

#include "opentsm/secure.h"

ot_status req_slot_usage(const ot_spdm_requester *q, uint8_t slot, uint16_t usage) {
  OT_ENSURE(slot < OT_SPDM_MAX_SLOT_COUNT, OT_E_ARG);
  /* DSP0274 1.3 "KeyUsageMask" (SPEC-FACTS §2.6): on a multi-key connection
   * each slot's key serves only the usages its DIGESTS entry lists. */
  OT_ENSURE(!q->neg.multi_key_conn || (q->slots[slot].key_usage & usage) != 0, OT_E_POLICY);
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_requester_pick_slot(const ot_spdm_requester *q, uint16_t usage, uint8_t *slot) {
  OT_ENSURE(q && slot && usage, OT_E_ARG);
  for (uint8_t i = 0; i < OT_SPDM_MAX_SLOT_COUNT; i++) {
    if (!q->slots[i].verified || !ot_ok(req_slot_usage(q, i, usage))) continue;
    *slot = i;
    return OT_SUCCESS;
  }
  OT_BAIL(OT_E_NOT_FOUND);
}

static ot_status verify(ot_spdm_requester *q, uint8_t slot, const char *ctx, const uint8_t *th,
                        const uint8_t *sig) {
  const ot_spdm_peer_slot *ps = &q->slots[slot];
  return ot_spdm_signature_verify(q->neg.version, q->neg.base_asym, q->neg.hash, ps->pub,
                                  ps->pub_len, ctx, th, q->neg.sizes.hash_len, sig,
                                  q->neg.sizes.sig_len);
}

static ot_status challenge(ot_spdm_requester *q, uint8_t slot, uint8_t type, uint8_t *summary) {
  ot_spdm_challenge c = {.slot_id = slot, .meas_summary_type = type};
  OT_GUARD(ot_rng_fill(q->cfg->rng, c.nonce, sizeof(c.nonce)));
  OT_GUARD(ot_rng_fill(q->cfg->rng, c.context, sizeof(c.context)));
  uint8_t req[64];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_challenge(&q->neg.sizes, &w, &c));
  ot_spdm_sizes sz = q->neg.sizes;
  sz.meas_summary_hash = type != OT_SPDM_MEAS_SUMMARY_NONE;
  req_rsp r;
  OT_GUARD(req_exchange(q, NULL, &sz, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_challenge_auth a;
  OT_GUARD(ot_spdm_decode_challenge_auth(&sz, &rd, &a));
  size_t h = sz.hash_len;
  OT_ENSURE(a.slot_id == slot, OT_E_MALFORMED);
  OT_ENSURE(ot_ct_equal(a.cert_chain_hash, q->slots[slot].digest, h), OT_E_VERIFY);
  /* 1.3: the RequesterContext comes back unchanged. */
  if (q->neg.version >= OT_SPDM_VERSION_13)
    OT_ENSURE(memcmp(a.context, c.context, sizeof(c.context)) == 0, OT_E_VERIFY);
  uint8_t th[OT_HASH_MAX_SIZE];
  OT_GUARD(ot_spdm_transcript_append_c(&q->t, req, ot_writer_len(&w)));
  OT_GUARD(ot_spdm_transcript_append_c(&q->t, r.msg, r.len - sz.sig_len));
  OT_GUARD(ot_spdm_transcript_m1_hash(&q->t, th, sizeof(th)));
  OT_GUARD(ot_spdm_transcript_reset_m1(&q->t));
  OT_GUARD(verify(q, slot, OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_RSP, th, a.signature));
  if (summary && a.meas_summary_hash) memcpy(summary, a.meas_summary_hash, h);
  /* Basic mutual authentication (DSP0274 1.2 §10.7 CHALLENGE_AUTH Param1 bit 7,
   * deprecated but still sent by libspdm's responder): the responder now
   * authenticates us through the encapsulated flow (GET_DIGESTS,
   * GET_CERTIFICATE, CHALLENGE). It may ask only when both sides set
   * MUT_AUTH_CAP; the flow needs ENCAP_CAP; we need an identity. */
  if (a.basic_mut_auth) {
    OT_ENSURE(q->cfg->caps & q->rsp_caps & OT_SPDM_CAP_MUT_AUTH, OT_E_MALFORMED);
    OT_ENSURE(q->cfg->identity != NULL && (q->cfg->caps & q->rsp_caps & OT_SPDM_CAP_ENCAP),
              OT_E_UNSUPPORTED);
    OT_GUARD(req_encap_flow(q, NULL, 0, NULL));
  }
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_requester_challenge(ot_spdm_requester *q, uint8_t slot, uint8_t summary_type,
                                      uint8_t *summary) {
  OT_GUARD(req_ready(q));
  OT_ENSURE(slot < OT_SPDM_MAX_SLOT_COUNT && q->slots[slot].verified, OT_E_STATE);
  OT_ENSURE(q->rsp_caps & OT_SPDM_CAP_CHAL, OT_E_UNSUPPORTED);
  OT_GUARD(req_slot_usage(q, slot, OT_SPDM_KEY_USAGE_CHALLENGE));
  return req_fail(q, challenge(q, slot, summary_type, summary));
}

/* GET_MEASUREMENTS in the clear (s NULL) or in session s, with L1 of that scope. */
static ot_status measurements(ot_spdm_requester *q, ot_spdm_req_session *s, uint8_t op, bool sign,
                              uint8_t slot, uint8_t *record, size_t cap, ot_spdm_meas_result *res) {
  ot_spdm_get_measurements g = {
      .attributes = sign ? OT_SPDM_MEAS_ATTR_SIGNATURE : 0, .operation = op, .slot_id = slot};
  OT_GUARD(ot_rng_fill(q->cfg->rng, g.nonce, sizeof(g.nonce)));
  OT_GUARD(ot_rng_fill(q->cfg->rng, g.context, sizeof(g.context)));
  uint8_t req[64];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_get_measurements(&q->neg.sizes, &w, &g));
  ot_spdm_sizes sz = q->neg.sizes;
  sz.meas_signature = sign;
  req_rsp r;
  OT_GUARD(req_exchange(q, s, &sz, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_measurements m;
  OT_GUARD(ot_spdm_decode_measurements(&sz, &rd, &m));
  if (q->neg.version >= OT_SPDM_VERSION_13)
    OT_ENSURE(memcmp(m.context, g.context, sizeof(g.context)) == 0, OT_E_VERIFY);
  /* §10.11: one index asks for one block of that index; count asks for none. */
  OT_ENSURE(op != OT_SPDM_MEAS_OP_COUNT || m.block_count == 0, OT_E_MALFORMED);
  OT_ENSURE(op == OT_SPDM_MEAS_OP_COUNT || op == OT_SPDM_MEAS_OP_ALL || m.block_count == 1,
            OT_E_MALFORMED);
  /* The signed MEASUREMENTS names the slot asked for (§10.11, Param2 bits 3:0). */
  OT_ENSURE(!sign || m.slot_id == slot, OT_E_MALFORMED);
  ot_spdm_session_l1 *sl = s ? &s->l1 : NULL;
  OT_GUARD(spdm_l1_append(&q->t, sl, req, ot_writer_len(&w)));
  OT_GUARD(spdm_l1_append(&q->t, sl, r.msg, r.len - (sign ? sz.sig_len : 0)));
  if (sign) {
    uint8_t th[OT_HASH_MAX_SIZE];
    OT_GUARD(spdm_l1_hash(&q->t, sl, th, sizeof(th)));
    OT_GUARD(spdm_l1_reset(&q->t, sl));
    OT_GUARD(verify(q, slot, OT_SPDM_SIGN_CTX_MEASUREMENTS, th, m.signature));
  }
  OT_ENSURE(m.record_len <= cap, OT_E_NO_SPACE);
  if (m.record_len) memcpy(record, m.record, m.record_len);
  *res = (ot_spdm_meas_result){.total = m.total_indices,
                               .block_count = m.block_count,
                               .record_len = m.record_len,
                               .signature_verified = sign};
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_requester_get_measurements(ot_spdm_requester *q, uint8_t op, bool sign,
                                             uint8_t slot, uint8_t *record, size_t cap,
                                             ot_spdm_meas_result *res) {
  OT_GUARD(req_ready(q));
  OT_ENSURE(!sign || (slot < OT_SPDM_MAX_SLOT_COUNT && q->slots[slot].verified), OT_E_STATE);
  OT_ENSURE(q->rsp_caps & OT_SPDM_CAP_MEAS_MASK, OT_E_UNSUPPORTED);
  if (sign) OT_GUARD(req_slot_usage(q, slot, OT_SPDM_KEY_USAGE_MEASUREMENT));
  return req_fail(q, measurements(q, NULL, op, sign, slot, record, cap, res));
}

OT_RESULT ot_spdm_requester_session_measurements(ot_spdm_requester *q, uint32_t session_id,
                                                 uint8_t op, bool sign, uint8_t slot,
                                                 uint8_t *record, size_t cap,
                                                 ot_spdm_meas_result *res) {
  ot_spdm_req_session *s;
  OT_GUARD(req_ready(q));
  OT_GUARD(req_session(q, session_id, &s));
  OT_ENSURE(s->s.state == OT_SPDM_SESSION_ESTABLISHED, OT_E_STATE);
  OT_ENSURE(!sign || (slot < OT_SPDM_MAX_SLOT_COUNT && q->slots[slot].verified), OT_E_STATE);
  OT_ENSURE(q->rsp_caps & OT_SPDM_CAP_MEAS_MASK, OT_E_UNSUPPORTED);
  if (sign) OT_GUARD(req_slot_usage(q, slot, OT_SPDM_KEY_USAGE_MEASUREMENT));
  ot_status st = measurements(q, s, op, sign, slot, record, cap, res);
  /* A record that did not authenticate ends the session (DSP0277 §6). */
  if (!ot_ok(st) && ot_spdm_session_failed(&s->s)) req_session_end(s);
  return req_fail(q, st);
}
