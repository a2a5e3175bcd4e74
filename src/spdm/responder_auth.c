/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: CHALLENGE and GET_MEASUREMENTS (DSP0274 1.3 §10.7 "CHALLENGE request
 * and CHALLENGE_AUTH response", §10.11 "GET_MEASUREMENTS request and
 * MEASUREMENTS response"; SPEC-FACTS §2.8, §2.9, §2.16, §2.17). Both responses
 * are built with a zero signature, the transcript hash is taken over the bytes
 * before it, and the signature is written in place.
 */
#include "measurement_l1.h"
#include "responder_internal.h"

#include "opentsm/secure.h"

ot_status rsp_sign(ot_spdm_responder *r, uint8_t slot, const char *context, const uint8_t *th_hash,
                   uint8_t *sig) {
  const ot_spdm_identity *id = r->cfg->id;
  const ot_spdm_id_key *k = &id->keys[id->slots[slot].key];
  OT_ENSURE(k->present && k->curve == r->neg.asym_curve, OT_E_BAD_KEY);
  size_t sig_len;
  OT_GUARD(ot_spdm_signature_sign(r->neg.version, r->neg.base_asym, r->neg.hash, k->priv,
                                  k->priv_len, context, th_hash, r->neg.sizes.hash_len,
                                  sig, OT_SPDM_MAX_SIGNATURE_SIZE, &sig_len));
  OT_ENSURE(sig_len == r->neg.sizes.sig_len, OT_E_INTERNAL);
  return OT_SUCCESS;
}

bool rsp_slot_allows(const ot_spdm_responder *r, uint8_t slot, uint16_t usage) {
  if (slot >= OT_SPDM_MAX_SLOT_COUNT || !(ot_spdm_identity_slot_mask(r->cfg->id) & (1u << slot)))
    return false;
  /* DSP0274 1.3 "KeyUsageMask" (SPEC-FACTS §2.6): on a multi-key connection a
   * slot's key serves only the usages its DIGESTS entry announced. */
  return !r->neg.multi_key_conn || (r->cfg->id->slots[slot].key_usage & usage) != 0;
}

ot_status rsp_challenge(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_challenge *q = &c->msg.u.challenge;
  const ot_spdm_identity *id = r->cfg->id;
  bool meas = (r->caps & OT_SPDM_CAP_MEAS_MASK) != 0;
  /* 0xFF (provisioned public key) needs PUB_KEY_ID_CAP, which we do not offer. */
  if (!rsp_slot_allows(r, q->slot_id, OT_SPDM_KEY_USAGE_CHALLENGE))
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  if (q->meas_summary_type != OT_SPDM_MEAS_SUMMARY_NONE && !meas)
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  ot_spdm_sizes sz = r->neg.sizes;
  sz.meas_summary_hash = q->meas_summary_type != OT_SPDM_MEAS_SUMMARY_NONE;
  uint8_t summary[OT_HASH_MAX_SIZE], zero_sig[OT_SPDM_MAX_SIGNATURE_SIZE] = {0};
  ot_spdm_challenge_auth a = {.slot_id = q->slot_id,
                              .slot_mask = ot_spdm_identity_slot_mask(id),
                              .meas_summary_hash = sz.meas_summary_hash ? summary : NULL,
                              .signature = zero_sig};
  OT_GUARD(ot_spdm_identity_chain_digest(id, q->slot_id, r->neg.hash, &a.cert_chain_hash));
  OT_GUARD(ot_rng_fill(r->cfg->rng, a.nonce, sizeof(a.nonce)));
  if (sz.meas_summary_hash)
    OT_GUARD(ot_spdm_identity_meas_summary(id, q->meas_summary_type, r->neg.hash, r->neg.mhash,
                                           summary, sizeof(summary)));
  memcpy(a.context, q->context, sizeof(a.context)); /* 1.3: echoed */
  /* DSP0274 1.2 §10.7 Param1 bit 7 BasicMutAuthReq (responder_encap.c). */
  a.basic_mut_auth = rsp_basic_mut_auth_start(r);
  size_t start = ot_writer_len(c->w);
  OT_GUARD(ot_spdm_encode_challenge_auth(&sz, c->w, &a));
  uint8_t *rsp = c->w->data + start;
  size_t body = ot_writer_len(c->w) - start - sz.sig_len;
  /* M1 = A || B || C, C = CHALLENGE || CHALLENGE_AUTH without its Signature. */
  uint8_t th[OT_HASH_MAX_SIZE];
  OT_GUARD(ot_spdm_transcript_append_c(&r->t, c->req, c->req_len));
  OT_GUARD(ot_spdm_transcript_append_c(&r->t, rsp, body));
  OT_GUARD(ot_spdm_transcript_m1_hash(&r->t, th, sizeof(th)));
  OT_GUARD(ot_spdm_transcript_reset_m1(&r->t));
  return rsp_sign(r, q->slot_id, OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_RSP, th, rsp + body);
}

/* The measurement record for `op` into rec[0..cap). */
static ot_status meas_record(const ot_spdm_responder *r, uint8_t op, uint8_t *rec, size_t cap,
                             size_t *len, uint8_t *count) {
  const ot_spdm_identity *id = r->cfg->id;
  size_t off = 0, n;
  *count = 0;
  for (size_t i = 0; i < id->meas_count; i++) {
    if (op != OT_SPDM_MEAS_OP_ALL && id->meas[i].index != op) continue;
    OT_GUARD(ot_spdm_identity_meas_block(id, i, r->neg.mhash, rec + off, cap - off, &n));
    off += n;
    (*count)++;
  }
  *len = off;
  return OT_SUCCESS;
}

ot_status rsp_get_measurements(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_get_measurements *q = &c->msg.u.get_measurements;
  bool sign = (q->attributes & OT_SPDM_MEAS_ATTR_SIGNATURE) != 0;
  /* A signature needs MEAS_CAP 10b and a provisioned slot (§10.11). */
  if (sign && ((r->caps & OT_SPDM_CAP_MEAS_MASK) != OT_SPDM_CAP_MEAS_SIG ||
               !rsp_slot_allows(r, q->slot_id, OT_SPDM_KEY_USAGE_MEASUREMENT)))
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  ot_spdm_sizes sz = r->neg.sizes;
  sz.meas_signature = sign;
  uint8_t record[OT_SPDM_LARGE_MAX / 2], zero_sig[OT_SPDM_MAX_SIGNATURE_SIZE] = {0};
  size_t rec_len = 0;
  uint8_t count = 0;
  if (q->operation != OT_SPDM_MEAS_OP_COUNT) {
    OT_GUARD(meas_record(r, q->operation, record, sizeof(record), &rec_len, &count));
    if (count == 0) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0); /* no such index */
  }
  ot_spdm_measurements m = {
      .total_indices = q->operation == OT_SPDM_MEAS_OP_COUNT ? (uint8_t)r->cfg->id->meas_count : 0,
      .slot_id = sign && !OT_SPDM_PRE_11(r->neg.version) ? q->slot_id : 0, /* 1.1+ */
      /* MeasurementsContentChanged (Param2 bits 5:4) is reported in the
       * signed response, which closes L1; an unsigned one carries 00b
       * (DSP0274 1.2 §10.11 MEASUREMENTS Param2; libspdm's requester refuses
       * anything else). */
      .content_changed =
          sign && !OT_SPDM_PRE_12(r->neg.version) ? OT_SPDM_MEAS_CONTENT_UNCHANGED : 0,
      .block_count = count,
      .record_len = (uint32_t)rec_len,
      .record = record,
      .signature = sign ? zero_sig : NULL};
  OT_GUARD(ot_rng_fill(r->cfg->rng, m.nonce, sizeof(m.nonce)));
  memcpy(m.context, q->context, sizeof(m.context));
  ot_writer w;
  ot_writer_init(&w, r->large, sizeof(r->large));
  OT_GUARD(ot_spdm_encode_measurements(&sz, &w, &m));
  size_t len = ot_writer_len(&w), body = len - (sign ? sz.sig_len : 0);
  /* L1 = A || M: every GET_MEASUREMENTS/MEASUREMENTS pair since the last reset,
   * of the connection or, inside a session, of that session. */
  ot_spdm_session_l1 *sl = c->session ? &c->session->l1 : NULL;
  OT_GUARD(spdm_l1_append(&r->t, sl, c->req, c->req_len));
  OT_GUARD(spdm_l1_append(&r->t, sl, r->large, body));
  if (sign) {
    uint8_t th[OT_HASH_MAX_SIZE];
    OT_GUARD(spdm_l1_hash(&r->t, sl, th, sizeof(th)));
    OT_GUARD(spdm_l1_reset(&r->t, sl));
    OT_GUARD(rsp_sign(r, q->slot_id, OT_SPDM_SIGN_CTX_MEASUREMENTS, th, r->large + body));
  }
  return rsp_emit_large(c, len);
}
