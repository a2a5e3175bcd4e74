/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: GET_VERSION, GET_CAPABILITIES, NEGOTIATE_ALGORITHMS (DSP0274 1.3
 * §10.3 and §10.4; SPEC-FACTS §2.3-2.5). Each exchange goes into A (the VCA
 * transcript) with its exact bytes.
 */
#include "responder_internal.h"

/* Appends the request and the response just written to A. */
static ot_status vca_append(rsp_call *c, size_t rsp_start) {
  OT_GUARD(ot_spdm_transcript_append_vca(&c->r->t, c->req, c->req_len));
  return ot_spdm_transcript_append_vca(&c->r->t, c->w->data + rsp_start,
                                       ot_writer_len(c->w) - rsp_start);
}

ot_status rsp_get_version(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  /* DSP0274 §10.3: GET_VERSION resets the connection, whatever state it was in. */
  rsp_reset_connection(r);
  uint8_t entries[10];
  ot_spdm_version v = {.entry_count = 0, .entries = entries};
  /* One VERSION number entry per version offered, 1.0 .. 1.4 ascending. */
  for (uint8_t ver = OT_SPDM_VERSION_10; ver <= OT_SPDM_VERSION_14; ver++) {
    if (r->cfg->versions & ot_spdm_vmask_of(ver))
      ot_store_u16le(entries + 2 * v.entry_count++, (uint16_t)(ver << 8));
  }
  OT_GUARD(ot_spdm_encode_version(&c->sz, c->w, &v));
  OT_GUARD(vca_append(c, 0));
  r->state = OT_SPDM_CONN_AFTER_VERSION;
  return OT_SUCCESS;
}

/* DSP0274 §10.4 "Flags fields definitions for the Requester": the combinations
 * a requester shall not send. */
static bool req_caps_consistent(uint8_t version, uint32_t f) {
  /* DSP0274 1.1 MUT_AUTH_CAP: "the Requester ... shall also set ENCAP_CAP"
   * (mutual authentication ran over encapsulated requests only in 1.1). */
  if (version == OT_SPDM_VERSION_11 && (f & OT_SPDM_CAP_MUT_AUTH) && !(f & OT_SPDM_CAP_ENCAP))
    return false;
  bool sec = (f & (OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC)) != 0;
  bool kx = (f & (OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_PSK_MASK)) != 0;
  if (sec != kx) return false; /* ENCRYPT/MAC iff KEY_EX or PSK */
  if ((f & OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR) && !(f & OT_SPDM_CAP_KEY_EX)) return false;
  if ((f & OT_SPDM_CAP_PSK_MASK) == OT_SPDM_CAP_PSK_MASK) return false; /* 11b reserved */
  return true;
}

/* DSP0274 1.2/1.3 §10.4, GET_CAPABILITIES MaxSPDMmsgSize: "If the Requester
 * does not support the Large SPDM message transfer mechanism (CHUNK_CAP = 0),
 * this field shall be equal to DataTransferSize". The codec already checks
 * DataTransferSize >= MinDataTransferSize and MaxSPDMmsgSize >= it. */
static bool req_sizes_consistent(uint8_t version, const ot_spdm_capabilities *q) {
  if (OT_SPDM_PRE_12(version)) return true; /* no sizes before 1.2 */
  return (q->flags & OT_SPDM_CAP_CHUNK) != 0 || q->max_msg_size == q->data_transfer_size;
}

ot_status rsp_get_capabilities(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_capabilities *q = &c->msg.u.get_capabilities;
  if (!req_caps_consistent(c->sz.version, q->flags) || !req_sizes_consistent(c->sz.version, q))
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  /* Only the flags the negotiated version defines (DSP0274 1.x "Flags fields
   * definitions"); a 1.3 device speaking 1.1 has no CHUNK_CAP. */
  uint32_t caps = ot_spdm_caps_for_version(r->cfg->caps, c->sz.version, true);
  /* DSP0274 1.2 CAPABILITIES MaxSPDMmsgSize: without CHUNK_CAP no message can
   * be larger than one transfer, so it equals DataTransferSize (the libspdm
   * requester refuses the connection otherwise). */
  ot_spdm_capabilities a = {.ct_exponent = r->cfg->ct_exponent,
                            .flags = caps,
                            .data_transfer_size = r->cfg->data_transfer_size,
                            .max_msg_size = (caps & OT_SPDM_CAP_CHUNK) ? r->cfg->max_msg_size
                                                                       : r->cfg->data_transfer_size};
  /* 1.3: the requester may ask for the Supported Algorithms block. It goes
   * only where the whole response fits the requester's DataTransferSize: no
   * large-response transfer exists before the connection is negotiated
   * (DSP0274 1.2 §10.16), and without the block (Param1 bit0 clear) the
   * requester learns the algorithms from ALGORITHMS anyway. */
  if (q->supported_algs) {
    a.supported_algs = true;
    ot_spdm_offer_build(&r->cfg->algs, c->sz.version, false, &a.algs);
  }
  size_t start = ot_writer_len(c->w);
  OT_GUARD(ot_spdm_encode_capabilities(&c->sz, c->w, &a));
  if (a.supported_algs && ot_writer_len(c->w) - start > q->data_transfer_size) {
    c->w->len = start;
    a.supported_algs = false;
    OT_GUARD(ot_spdm_encode_capabilities(&c->sz, c->w, &a));
  }
  OT_GUARD(vca_append(c, 0));
  r->req_caps = ot_spdm_caps_for_version(q->flags, c->sz.version, false);
  r->caps = caps;
  r->req_data_transfer_size = q->data_transfer_size;
  r->req_max_msg_size = q->max_msg_size;
  r->neg.version = c->sz.version;
  r->state = OT_SPDM_CONN_AFTER_CAPS;
  return OT_SUCCESS;
}

/* multi_key_conn_rsp (SPEC-FACTS §2.17 "D"). */
static bool multi_key_conn(const ot_spdm_responder *r, const ot_spdm_alg_offer *o) {
  uint32_t mk = r->cfg->caps & OT_SPDM_CAP_MULTI_KEY_MASK;
  return r->neg.version >= OT_SPDM_VERSION_13 &&
         (mk == OT_SPDM_CAP_MULTI_KEY_ONLY ||
          (mk == OT_SPDM_CAP_MULTI_KEY_NEG &&
           (o->other_params & OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN)));
}

/* The signature algorithms the device can sign with: those of its keys. */
static uint32_t asym_of_keys(const ot_spdm_identity *id) {
  uint32_t m = 0;
  for (size_t i = 0; i < OT_SPDM_ID_MAX_KEYS; i++) {
    if (!id->keys[i].present) continue;
    switch (id->keys[i].curve) {
    case OT_CURVE_P256: m |= OT_SPDM_ASYM_ECDSA_P256; break;
    case OT_CURVE_P384: m |= OT_SPDM_ASYM_ECDSA_P384; break;
    /* An RSA key signs with either padding (DSP0274 1.2 §10.4 RSASSA/RSAPSS). */
    case OT_KEY_RSA2048: m |= OT_SPDM_ASYM_RSASSA_2048 | OT_SPDM_ASYM_RSAPSS_2048; break;
    case OT_KEY_RSA3072: m |= OT_SPDM_ASYM_RSASSA_3072 | OT_SPDM_ASYM_RSAPSS_3072; break;
    case OT_KEY_RSA4096: m |= OT_SPDM_ASYM_RSASSA_4096 | OT_SPDM_ASYM_RSAPSS_4096; break;
    default: break;
    }
  }
  return m;
}

ot_status rsp_negotiate_algorithms(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_alg_offer *o = &c->msg.u.negotiate_algorithms;
  ot_spdm_algorithms a;
  ot_spdm_alg_prefs prefs = r->cfg->algs;
  prefs.base_asym &= asym_of_keys(r->cfg->id);
  /* No common base algorithm: the request cannot lead to a connection. */
  if (!ot_ok(ot_spdm_algorithms_select(&prefs, r->caps, r->req_caps, r->neg.version, o, &a)))
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  ot_spdm_negotiated n = {.version = r->neg.version,
                          .base_asym = a.base_asym_sel,
                          .base_hash = a.base_hash_sel,
                          .meas_hash = a.meas_hash_algo,
                          .meas_spec = a.meas_spec_sel,
                          .other_params = a.other_params_sel,
                          .mel_spec = a.mel_spec_sel,
                          .multi_key_conn = multi_key_conn(r, o),
                          .multi_key_conn_req =
                              (a.other_params_sel & OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN) != 0};
  for (uint8_t i = 0; i < a.alg_count; i++) {
    if (a.alg[i].type == OT_SPDM_ALG_TYPE_DHE) n.dhe = a.alg[i].supported;
    if (a.alg[i].type == OT_SPDM_ALG_TYPE_AEAD) n.aead = a.alg[i].supported;
    if (a.alg[i].type == OT_SPDM_ALG_TYPE_KEY_SCHEDULE) n.key_schedule = a.alg[i].supported;
    if (a.alg[i].type == OT_SPDM_ALG_TYPE_REQ_BASE_ASYM) n.req_base_asym = a.alg[i].supported;
  }
  OT_GUARD(ot_spdm_negotiated_derive(&n));
  OT_GUARD(ot_spdm_encode_algorithms(&n.sizes, c->w, &a));
  OT_GUARD(vca_append(c, 0));
  OT_GUARD(ot_spdm_transcript_set_algorithms(&r->t, n.version, n.hash, n.multi_key_conn));
  r->neg = n;
  r->state = OT_SPDM_CONN_NEGOTIATED;
  return OT_SUCCESS;
}
