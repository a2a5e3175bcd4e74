/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: GET_DIGESTS and GET_CERTIFICATE (DSP0274 1.3 §10.5 "GET_DIGESTS
 * request and DIGESTS response", §10.6 "GET_CERTIFICATE request and
 * CERTIFICATE response"; SPEC-FACTS §2.6, §2.7). Outside a session both
 * exchanges go into B (M1); the first DIGESTS is also D on a multi-key
 * connection.
 */
#include "responder_internal.h"

/* B (and D) bookkeeping for a response written at rsp[0..len). */
static ot_status append_b(rsp_call *c, const uint8_t *rsp, size_t len, bool digests) {
  if (c->session != NULL) return OT_SUCCESS; /* in-session messages enter no transcript */
  OT_GUARD(ot_spdm_transcript_append_b(&c->r->t, c->req, c->req_len));
  OT_GUARD(ot_spdm_transcript_append_b(&c->r->t, rsp, len));
  if (digests) OT_GUARD(ot_spdm_transcript_set_d(&c->r->t, rsp, len));
  return OT_SUCCESS;
}

ot_status rsp_get_digests(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_identity *id = r->cfg->id;
  uint8_t mask = ot_spdm_identity_slot_mask(id);
  ot_spdm_digests d;
  memset(&d, 0, sizeof(d));
  /* 1.2: Param1 reserved; 1.3: SupportedSlotMask, here the provisioned slots. */
  d.supported_slot_mask = r->neg.version >= OT_SPDM_VERSION_13 ? mask : 0;
  d.provisioned_slot_mask = mask;
  for (uint8_t s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++) {
    if (!(mask & (1u << s))) continue;
    OT_GUARD(ot_spdm_identity_chain_digest(id, s, r->neg.hash, &d.digest[s]));
    const ot_spdm_id_slot *slot = &id->slots[s];
    d.key_pair_id[s] = id->keys[slot->key].key_pair_id;
    d.cert_info[s] = slot->cert_model;
    d.key_usage[s] = slot->key_usage;
  }
  size_t start = ot_writer_len(c->w);
  OT_GUARD(ot_spdm_encode_digests(&r->neg.sizes, c->w, &d));
  return append_b(c, c->w->data + start, ot_writer_len(c->w) - start, true);
}

ot_status rsp_get_certificate(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_get_certificate *q = &c->msg.u.get_certificate;
  const ot_spdm_identity *id = r->cfg->id;
  size_t total;
  /* DSP0274 1.4 LargeCertChain needs our LARGE_RESP_CAP (UnsupportedRequest
   * otherwise, as libspdm answers). */
  if (q->large && !(r->caps & OT_SPDM_CAP_LARGE_RESP))
    return rsp_error(c, OT_SPDM_ERR_UNSUPPORTED_REQUEST, OT_SPDM_GET_CERTIFICATE);
  /* An empty slot or an offset past the chain: InvalidRequest (§10.6). */
  if (!ot_ok(ot_spdm_identity_chain_len(id, q->slot_id, r->neg.hash, &total)) || q->offset >= total)
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  size_t remaining = total - q->offset;
  size_t portion = q->length < remaining ? q->length : remaining;
  bool chunk = (r->caps & OT_SPDM_CAP_CHUNK) && (r->req_caps & OT_SPDM_CAP_CHUNK);
  /* PortionLength, RemainderLength; 1.4 large form: both again as u32. */
  size_t fixed = OT_SPDM_HEADER_SIZE + 4 + (q->large ? 8u : 0u);
  /* Without chunking the response has to fit the requester's buffer (1.2+:
   * its DataTransferSize; a 1.0/1.1 requester announces none, c->limit 0,
   * and gets what it asked for, DSP0274 1.1 "GET_CERTIFICATE"). */
  if (!chunk && c->limit != 0 && portion + fixed > c->limit) portion = c->limit - fixed;
  if (portion + fixed > sizeof(r->large)) portion = sizeof(r->large) - fixed;
  /* 1.3 SlotSizeRequested: report the size only. */
  if (r->neg.version >= OT_SPDM_VERSION_13 &&
      (q->attributes & OT_SPDM_GET_CERT_SLOT_SIZE_REQUESTED))
    portion = 0;
  size_t remainder = portion ? remaining - portion : total;
  /* CERTIFICATE (§10.6 "Successful CERTIFICATE response message format"):
   * header | PortionLength | RemainderLength | CertChain[PortionLength], the
   * portion read straight from the identity into the response. */
  /* Param2 CertificateInfo is defined only on a connection that negotiated
   * MULTI_KEY_CONN_RSP; otherwise it is reserved and sent as 0 (DSP0274 1.3
   * §10.7 "CERTIFICATE response" Param2; libspdm's requester refuses a
   * nonzero CertModel without it). */
  uint8_t info = r->neg.version >= OT_SPDM_VERSION_13 && r->neg.multi_key_conn
                     ? id->slots[q->slot_id].cert_model
                     : 0;
  ot_writer w;
  uint8_t *dst;
  ot_writer_init(&w, r->large, sizeof(r->large));
  OT_GUARD(ot_write_u8(&w, r->neg.version));
  OT_GUARD(ot_write_u8(&w, OT_SPDM_CERTIFICATE));
  OT_GUARD(ot_write_u8(&w, (uint8_t)(q->slot_id | (q->large ? OT_SPDM_CERT_LARGE_CHAIN : 0))));
  OT_GUARD(ot_write_u8(&w, info));
  if (q->large) {
    /* The u16 fields are 0; LargePortionLength / LargeRemainderLength follow. */
    OT_GUARD(ot_write_u32le(&w, 0));
    OT_GUARD(ot_write_u32le(&w, (uint32_t)portion));
    OT_GUARD(ot_write_u32le(&w, (uint32_t)remainder));
  } else {
    OT_GUARD(ot_write_u16le(&w, (uint16_t)portion));
    OT_GUARD(ot_write_u16le(&w, (uint16_t)remainder));
  }
  OT_GUARD(ot_write_claim(&w, portion, &dst));
  OT_GUARD(ot_spdm_identity_chain_read(id, q->slot_id, r->neg.hash, q->offset, portion, dst));
  OT_GUARD(append_b(c, r->large, ot_writer_len(&w), false));
  return rsp_emit_large(c, ot_writer_len(&w));
}
