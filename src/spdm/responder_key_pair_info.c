/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: GET_KEY_PAIR_INFO and SET_KEY_PAIR_INFO (DSP0274 1.3 §10.26
 * "GET_KEY_PAIR_INFO request and KEY_PAIR_INFO response messages", §10.27
 * "SET_KEY_PAIR_INFO request and SET_KEY_PAIR_INFO_ACK response messages").
 * The key pairs are the device model's (cfg->key_pairs, spdm_key_pairs.h);
 * a change goes through cfg->set_key_pair, which keeps it.
 */
#include "responder_internal.h"

#include "opentsm/spdm_key_pairs.h"

/* 1.4 KEY_PAIR_INFO tail: PqcAsymAlgoCapabilities and CurrentPqcAsymAlgo,
 * each a 4-byte bit field behind its length (DSP0274 1.4 "KEY_PAIR_INFO
 * response message format"); this device has no PQC algorithm, so both 0. */
static const uint8_t no_pqc[4] = {0, 0, 0, 0};

ot_status rsp_get_key_pair_info(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_get_key_pair_info *q = &c->msg.u.get_key_pair_info;
  uint8_t pki[OT_SPDM_PUBLIC_KEY_INFO_MAX];
  ot_spdm_key_pair_info m;
  ot_status st = ot_spdm_key_pairs_info(r->cfg->key_pairs, q->key_pair_id, &m, pki, sizeof(pki));
  /* §10.26: KeyPairID beyond TotalKeyPairs is InvalidRequest. */
  if (ot_is(st, OT_E_NOT_FOUND)) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  OT_GUARD(st);
  if (r->neg.version >= OT_SPDM_VERSION_14) {
    m.pqc_caps_len = m.current_pqc_len = sizeof(no_pqc);
    m.pqc_caps = m.current_pqc = no_pqc;
  }
  return ot_spdm_encode_key_pair_info(&r->neg.sizes, c->w, &m);
}

ot_status rsp_set_key_pair_info(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_set_key_pair_info *q = &c->msg.u.set_key_pair_info;
  ot_status st = r->cfg->set_key_pair(r->cfg->set_key_pair_ctx, q);
  /* §10.27: a request against the pair's capabilities or the rules is
   * InvalidRequest; a pair still tied to a certificate slot cannot be
   * erased or regenerated (OperationFailed, as libspdm answers). This device
   * applies every change at once, so it never needs ResetRequired and does
   * not offer SET_KEY_PAIR_RESET_CAP (1.4). */
  if (ot_is(st, OT_E_MALFORMED)) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  if (!ot_ok(st)) return rsp_error(c, OT_SPDM_ERR_OPERATION_FAILED, 0);
  return ot_spdm_encode_set_key_pair_info_ack(&r->neg.sizes, c->w);
}
