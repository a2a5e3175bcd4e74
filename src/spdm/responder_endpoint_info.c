/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: GET_ENDPOINT_INFO (DSP0274 1.3 §10.23 "GET_ENDPOINT_INFO request
 * and ENDPOINT_INFO response messages"). Signed answers cover
 * IL = A ‖ GET_ENDPOINT_INFO ‖ ENDPOINT_INFO without its Signature, under
 * "responder-endpoint_info signing" (SPEC-FACTS §2.16; libspdm computes the
 * same: message A then message E, which holds only this exchange).
 */
#include "responder_internal.h"

#include "opentsm/secure.h"

/* Hash(A ‖ req ‖ rsp) with the connection hash. */
static ot_status il_hash(ot_spdm_responder *r, const uint8_t *req, size_t req_len,
                         const uint8_t *rsp, size_t rsp_len, uint8_t *out) {
  ot_hash_ctx h;
  OT_GUARD(ot_spdm_transcript_fork_a(&r->t, &h));
  ot_status st = ot_hash_update(&h, req, req_len);
  if (ot_ok(st)) st = ot_hash_update(&h, rsp, rsp_len);
  if (ot_ok(st)) st = ot_hash_final(&h, out, OT_HASH_MAX_SIZE);
  ot_hash_free(&h);
  return st;
}

ot_status rsp_get_endpoint_info(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_get_endpoint_info *q = &c->msg.u.get_endpoint_info;
  bool sign = (q->attributes & OT_SPDM_EP_INFO_ATTR_SIGNATURE) != 0;
  /* §10.23 Param1: subcode 1 (DeviceClassIdentifier) is the only one defined. */
  if (q->subcode != OT_SPDM_EP_INFO_SUBCODE_DEVICE_CLASS_ID)
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  if (sign) {
    /* A signature needs EP_INFO_CAP 10b (§10.4 CAPABILITIES flags). */
    if ((r->cfg->caps & OT_SPDM_CAP_EP_INFO_MASK) != OT_SPDM_CAP_EP_INFO_SIG)
      return rsp_error(c, OT_SPDM_ERR_UNSUPPORTED_REQUEST, OT_SPDM_GET_ENDPOINT_INFO);
    /* SlotID names a provisioned slot whose key may sign endpoint info (on a
     * multi-key connection, KeyUsageMask bit 3); 0xF (a provisioned public
     * key) we do not have. */
    if (!rsp_slot_allows(r, q->slot_id, OT_SPDM_KEY_USAGE_ENDPOINT_INFO))
      return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  }
  ot_spdm_sizes sz = r->neg.sizes;
  sz.ep_info_signature = sign;
  uint8_t zero_sig[OT_SPDM_MAX_SIGNATURE_SIZE] = {0};
  ot_spdm_endpoint_info m = {.slot_id = sign ? q->slot_id : 0,
                             .ep_info_len = (uint32_t)r->cfg->ep_info_len,
                             .ep_info = r->cfg->ep_info,
                             .signature = sign ? zero_sig : NULL};
  if (sign) OT_GUARD(ot_rng_fill(r->cfg->rng, m.nonce, sizeof(m.nonce)));
  ot_writer w;
  ot_writer_init(&w, r->large, sizeof(r->large));
  OT_GUARD(ot_spdm_encode_endpoint_info(&sz, &w, &m));
  size_t len = ot_writer_len(&w);
  if (sign) {
    size_t body = len - sz.sig_len;
    uint8_t th[OT_HASH_MAX_SIZE];
    OT_GUARD(il_hash(r, c->req, c->req_len, r->large, body, th));
    OT_GUARD(rsp_sign(r, q->slot_id, OT_SPDM_SIGN_CTX_ENDPOINT_INFO_RSP, th, r->large + body));
  }
  return rsp_emit_large(c, len);
}
