/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: GET_VERSION, GET_CAPABILITIES, NEGOTIATE_ALGORITHMS (DSP0274 1.3
 * §10.3, §10.4; SPEC-FACTS §2.3-2.5), with the policy of ot_spdm_requester_config.
 */
#include "requester_internal.h"

#include "opentsm/secure.h"

/* Sends one VCA request and records both messages in A. */
static ot_status vca(ot_spdm_requester *q, const ot_spdm_sizes *sz, const uint8_t *req, size_t len,
                     req_rsp *out) {
  OT_GUARD(req_exchange(q, NULL, sz, req, len, out));
  OT_GUARD(ot_spdm_transcript_append_vca(&q->t, req, len));
  return ot_spdm_transcript_append_vca(&q->t, out->msg, out->len);
}

static ot_status get_version(ot_spdm_requester *q, uint8_t *version) {
  uint8_t req[4];
  ot_writer w;
  ot_spdm_sizes sz = {.version = OT_SPDM_VERSION_10};
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_get_version(&sz, &w));
  req_rsp r;
  OT_GUARD(vca(q, &sz, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_version v;
  OT_GUARD(ot_spdm_decode_version(&sz, &rd, &v));
  return ot_spdm_version_pick(q->cfg->versions, &v, q->cfg->min_version, version);
}

static ot_status get_capabilities(ot_spdm_requester *q, uint8_t version) {
  const ot_spdm_requester_config *cfg = q->cfg;
  uint8_t req[32];
  ot_writer w;
  ot_spdm_sizes sz = {.version = version};
  ot_writer_init(&w, req, sizeof(req));
  /* Only the flags `version` defines (none in 1.0, whose request is a bare header). */
  q->caps = ot_spdm_caps_for_version(cfg->caps, version, false);
  ot_spdm_capabilities c = {.ct_exponent = cfg->ct_exponent,
                            .flags = q->caps,
                            .data_transfer_size = cfg->data_transfer_size,
                            .max_msg_size = cfg->max_msg_size};
  /* DSP0274 1.2/1.3 §10.4 MaxSPDMmsgSize: without CHUNK_CAP it shall equal
   * DataTransferSize (a responder refuses the request otherwise). */
  if (!(cfg->caps & OT_SPDM_CAP_CHUNK)) c.max_msg_size = cfg->data_transfer_size;
  OT_GUARD(ot_spdm_encode_get_capabilities(&sz, &w, &c));
  req_rsp r;
  OT_GUARD(vca(q, &sz, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_capabilities a;
  OT_GUARD(ot_spdm_decode_capabilities(&sz, &rd, &a));
  /* DSP0274 §10.4: a responder without CERT_CAP cannot be authenticated by us;
   * KEY_EX needs ENCRYPT or MAC. */
  OT_ENSURE(!(a.flags & OT_SPDM_CAP_KEY_EX) || (a.flags & (OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC)),
            OT_E_MALFORMED);
  /* DSP0274 1.3 CAPABILITIES PSK_CAP: 11b is reserved. */
  OT_ENSURE((a.flags & OT_SPDM_CAP_PSK_MASK) != OT_SPDM_CAP_PSK_MASK, OT_E_MALFORMED);
  q->rsp_caps = ot_spdm_caps_for_version(a.flags, version, true);
  q->rsp_ct_exponent = a.ct_exponent;
  q->rsp_data_transfer_size = a.data_transfer_size;
  q->rsp_max_msg_size = a.max_msg_size;
  return OT_SUCCESS;
}

static ot_status negotiate(ot_spdm_requester *q, uint8_t version) {
  uint8_t req[OT_SPDM_NEGOTIATE_ALGORITHMS_MAX_LENGTH];
  ot_writer w;
  ot_spdm_sizes sz = {.version = version};
  ot_writer_init(&w, req, sizeof(req));
  bool mk = (q->rsp_caps & OT_SPDM_CAP_MULTI_KEY_MASK) != 0;
  ot_spdm_offer_build(&q->cfg->algs, version, mk, &q->offer);
  /* DSP0274 1.3 §10.4 MELspecification: offered to a responder with MEL_CAP
   * only, so that the request stays as it was for every other responder. */
  if (version >= OT_SPDM_VERSION_13 && (q->rsp_caps & OT_SPDM_CAP_MEL))
    q->offer.mel_spec = OT_SPDM_MEL_SPEC_DMTF;
  OT_GUARD(ot_spdm_encode_negotiate_algorithms(&sz, &w, &q->offer));
  req_rsp r;
  OT_GUARD(vca(q, &sz, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_algorithms a;
  OT_GUARD(ot_spdm_decode_algorithms(&sz, &rd, &a));
  OT_GUARD(ot_spdm_algorithms_check(&q->cfg->algs, version, q->rsp_caps, q->caps, &q->offer, &a,
                                    &q->neg));
  return ot_spdm_transcript_set_algorithms(&q->t, version, q->neg.hash, q->neg.multi_key_conn);
}

OT_RESULT ot_spdm_requester_connect(ot_spdm_requester *q) {
  /* A new GET_VERSION resets everything (DSP0274 §10.3), sessions included. */
  for (size_t i = 0; i < OT_SPDM_REQ_MAX_SESSIONS; i++)
    req_session_end(&q->sessions[i]);
  ot_spdm_transcript_free(&q->t);
  ot_spdm_transcript_init(&q->t);
  memset(&q->neg, 0, sizeof(q->neg));
  memset(q->slots, 0, sizeof(q->slots));
  q->digest_mask = 0;
  q->failed = false;
  q->state = OT_SPDM_CONN_NOT_STARTED;
  uint8_t version;
  OT_GUARD(req_fail(q, get_version(q, &version)));
  q->state = OT_SPDM_CONN_AFTER_VERSION;
  OT_GUARD(req_fail(q, get_capabilities(q, version)));
  q->state = OT_SPDM_CONN_AFTER_CAPS;
  OT_GUARD(req_fail(q, negotiate(q, version)));
  q->state = OT_SPDM_CONN_NEGOTIATED;
  return OT_SUCCESS;
}
