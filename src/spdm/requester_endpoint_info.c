/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: GET_ENDPOINT_INFO and GET_MEASUREMENT_EXTENSION_LOG (DSP0274 1.3
 * §10.23, §10.24), in the clear or in an established session. A signed
 * ENDPOINT_INFO is verified over IL = A ‖ GET_ENDPOINT_INFO ‖ ENDPOINT_INFO
 * without its Signature ("responder-endpoint_info signing"), the transcript
 * libspdm's responder signs.
 */
#include "requester_internal.h"

#include "opentsm/secure.h"

static ot_status il_verify(ot_spdm_requester *q, uint8_t slot, const uint8_t *req, size_t req_len,
                           const uint8_t *rsp, size_t body, const uint8_t *sig) {
  ot_hash_ctx h;
  uint8_t th[OT_HASH_MAX_SIZE];
  OT_GUARD(ot_spdm_transcript_fork_a(&q->t, &h));
  ot_status st = ot_hash_update(&h, req, req_len);
  if (ot_ok(st)) st = ot_hash_update(&h, rsp, body);
  if (ot_ok(st)) st = ot_hash_final(&h, th, sizeof(th));
  ot_hash_free(&h);
  OT_GUARD(st);
  const ot_spdm_peer_slot *ps = &q->slots[slot];
  return ot_spdm_signature_verify(q->neg.version, q->neg.base_asym, q->neg.hash, ps->pub,
                                  ps->pub_len, OT_SPDM_SIGN_CTX_ENDPOINT_INFO_RSP, th,
                                  q->neg.sizes.hash_len, sig, q->neg.sizes.sig_len);
}

static ot_status endpoint_info(ot_spdm_requester *q, ot_spdm_req_session *s, bool sign,
                               uint8_t slot, uint8_t *out, size_t cap, size_t *out_len) {
  ot_spdm_get_endpoint_info g = {.subcode = OT_SPDM_EP_INFO_SUBCODE_DEVICE_CLASS_ID,
                                 .slot_id = sign ? slot : 0,
                                 .attributes = sign ? OT_SPDM_EP_INFO_ATTR_SIGNATURE : 0};
  if (sign) OT_GUARD(ot_rng_fill(q->cfg->rng, g.nonce, sizeof(g.nonce)));
  uint8_t req[48];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_get_endpoint_info(&q->neg.sizes, &w, &g));
  ot_spdm_sizes sz = q->neg.sizes;
  sz.ep_info_signature = sign;
  req_rsp r;
  OT_GUARD(req_exchange(q, s, &sz, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_endpoint_info m;
  OT_GUARD(ot_spdm_decode_endpoint_info(&sz, &rd, &m));
  /* §10.23: a signed answer names the slot that signed it. */
  OT_ENSURE(!sign || m.slot_id == slot, OT_E_MALFORMED);
  OT_GUARD(ot_spdm_ep_info_check(m.ep_info, m.ep_info_len, NULL));
  if (sign)
    OT_GUARD(il_verify(q, slot, req, ot_writer_len(&w), r.msg, r.len - sz.sig_len, m.signature));
  OT_ENSURE(m.ep_info_len <= cap, OT_E_NO_SPACE);
  if (m.ep_info_len) memcpy(out, m.ep_info, m.ep_info_len);
  *out_len = m.ep_info_len;
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_requester_get_endpoint_info(ot_spdm_requester *q, uint32_t session_id, bool sign,
                                              uint8_t slot, uint8_t *out, size_t cap,
                                              size_t *out_len) {
  OT_ENSURE(q && out && out_len, OT_E_ARG);
  OT_GUARD(req_ready(q));
  OT_ENSURE(q->neg.version >= OT_SPDM_VERSION_13, OT_E_UNSUPPORTED);
  uint32_t ep = q->rsp_caps & OT_SPDM_CAP_EP_INFO_MASK;
  OT_ENSURE(ep != 0 && (!sign || ep == OT_SPDM_CAP_EP_INFO_SIG), OT_E_UNSUPPORTED);
  OT_ENSURE(!sign || (slot < OT_SPDM_MAX_SLOT_COUNT && q->slots[slot].verified), OT_E_STATE);
  if (sign) OT_GUARD(req_slot_usage(q, slot, OT_SPDM_KEY_USAGE_ENDPOINT_INFO));
  ot_spdm_req_session *s;
  OT_GUARD(req_channel(q, session_id, &s));
  ot_status st = endpoint_info(q, s, sign, slot, out, cap, out_len);
  if (s && !ot_ok(st) && ot_spdm_session_failed(&s->s)) req_session_end(s);
  return req_fail(q, st);
}

/* The whole MEL, portion after portion (§10.24), into out[0..cap). */
static ot_status get_mel(ot_spdm_requester *q, ot_spdm_req_session *s, uint8_t *out, size_t cap,
                         size_t *out_len) {
  size_t off = 0, total = 0;
  bool known = false;
  /* Each round adds at least one byte or fails, so cap + 1 rounds bound it;
   * in practice a few portions of DataTransferSize each. */
  for (size_t round = 0; round <= cap; round++) {
    size_t want = cap - off;
    if (want > UINT32_MAX) want = UINT32_MAX;
    OT_ENSURE(want > 0, OT_E_NO_SPACE);
    ot_spdm_get_mel g = {.offset = (uint32_t)off, .length = (uint32_t)want};
    uint8_t req[16];
    ot_writer w;
    ot_writer_init(&w, req, sizeof(req));
    OT_GUARD(ot_spdm_encode_get_mel(&q->neg.sizes, &w, &g));
    req_rsp r;
    OT_GUARD(req_exchange(q, s, &q->neg.sizes, req, ot_writer_len(&w), &r));
    ot_reader rd;
    ot_reader_init(&rd, r.msg, r.len);
    ot_spdm_mel m;
    OT_GUARD(ot_spdm_decode_mel(&q->neg.sizes, &rd, &m));
    /* A portion no larger than asked, never empty unless the log is done,
     * and a total (portion + remainder) that stays the same. */
    OT_ENSURE(m.portion_len <= want && (m.portion_len > 0 || m.remainder_len == 0), OT_E_MALFORMED);
    size_t t = off + (size_t)m.portion_len + (size_t)m.remainder_len;
    OT_ENSURE(!known || t == total, OT_E_MALFORMED);
    total = t;
    known = true;
    OT_ENSURE(total <= cap, OT_E_NO_SPACE);
    memcpy(out + off, m.portion, m.portion_len);
    off += m.portion_len;
    if (m.remainder_len == 0) {
      OT_GUARD(ot_spdm_mel_check(out, off, NULL));
      *out_len = off;
      return OT_SUCCESS;
    }
  }
  OT_BAIL(OT_E_MALFORMED);
}

OT_RESULT ot_spdm_requester_get_mel(ot_spdm_requester *q, uint32_t session_id, uint8_t *out,
                                    size_t cap, size_t *out_len) {
  OT_ENSURE(q && out && out_len, OT_E_ARG);
  OT_GUARD(req_ready(q));
  OT_ENSURE(q->neg.version >= OT_SPDM_VERSION_13 && (q->rsp_caps & OT_SPDM_CAP_MEL) &&
                q->neg.mel_spec != 0,
            OT_E_UNSUPPORTED);
  ot_spdm_req_session *s;
  OT_GUARD(req_channel(q, session_id, &s));
  ot_status st = get_mel(q, s, out, cap, out_len);
  if (s && !ot_ok(st) && ot_spdm_session_failed(&s->s)) req_session_end(s);
  return req_fail(q, st);
}
