/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: GET_CSR and SET_CERTIFICATE (DSP0274 1.2 "GET_CSR request and
 * CSR response messages", "SET_CERTIFICATE request and SET_CERTIFICATE_RSP
 * response messages", with the SPDM 1.3 KeyPairID, RequestAttributes,
 * SetCertModel and Erase fields). The CSR is made for a device key, signed by
 * it; a chain is checked and stored by the device model (cfg->set_cert).
 */
#include "responder_internal.h"

#include "opentsm/secure.h"
#include "opentsm/x509.h"

/* The key GET_CSR names: by KeyPairID on a multi-key connection (1.3), else
 * the key behind slot 0 (the device's identity key). */
static const ot_spdm_id_key *csr_key(const ot_spdm_responder *r, uint8_t key_pair_id) {
  const ot_spdm_identity *id = r->cfg->id;
  if (r->neg.multi_key_conn) {
    for (size_t i = 0; i < OT_SPDM_ID_MAX_KEYS; i++)
      if (id->keys[i].present && id->keys[i].key_pair_id == key_pair_id) return &id->keys[i];
    return NULL;
  }
  if (id->slots[0].present) return &id->keys[id->slots[0].key];
  return id->keys[0].present ? &id->keys[0] : NULL;
}

ot_status rsp_get_csr(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_get_csr *q = &c->msg.u.get_csr;
  uint8_t model = q->attributes & OT_SPDM_CSR_ATTR_CERT_MODEL_MASK;
  /* DSP0274 1.3 GET_CSR: on a multi-key connection KeyPairID and a
   * certificate model (1..3) are required; otherwise both are 0. */
  if (r->neg.multi_key_conn ? (q->key_pair_id == 0 || model == 0 || model > 3)
                            : (q->key_pair_id != 0 || model != 0))
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  /* A CSRTrackingTag names a CSR whose generation needed a reset
   * (ResetRequired): only a device with CERT_INSTALL_RESET_CAP hands them out
   * (DSP0274 1.3 GET_CSR; libspdm answers InvalidRequest to a tag otherwise). */
  bool tracked = r->neg.version >= OT_SPDM_VERSION_13 &&
                 (r->cfg->caps & OT_SPDM_CAP_CERT_INSTALL_RESET) && r->cfg->csr_tracker;
  if ((q->attributes & OT_SPDM_CSR_ATTR_TAG_MASK) && !tracked)
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  ot_spdm_csr_action act = OT_SPDM_CSR_ACT_NEW;
  uint8_t tag = 0;
  if (tracked) {
    OT_GUARD(ot_spdm_csr_track_decide(r->cfg->csr_tracker, q->attributes, q->key_pair_id, &act,
                                      &tag));
    if (act == OT_SPDM_CSR_ACT_INVALID) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
    if (act == OT_SPDM_CSR_ACT_BUSY) return rsp_error(c, OT_SPDM_ERR_BUSY, 0);
    /* Not finished until the reset: ResetRequired again, same tag. */
    if (act == OT_SPDM_CSR_ACT_PENDING) return rsp_error(c, OT_SPDM_ERR_RESET_REQUIRED, tag);
  }
  uint8_t csr[OT_SPDM_CSR_MAX];
  size_t n = 0;
  if (act == OT_SPDM_CSR_ACT_RETURN) {
    const ot_spdm_csr_pending *p = &r->cfg->csr_tracker->tag[tag];
    memcpy(csr, p->csr, p->csr_len);
    n = p->csr_len;
    OT_GUARD(ot_spdm_csr_track_take(r->cfg->csr_tracker, tag));
  } else {
    const ot_spdm_id_key *k = csr_key(r, q->key_pair_id);
    if (k == NULL) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
    ot_status st = ot_x509_csr_generate(k->curve, k->priv, q->requester_info,
                                        q->requester_info_len, r->cfg->csr_common_name, csr,
                                        sizeof(csr), &n);
    /* RequesterInfo that does not parse, or names another key: InvalidRequest. */
    if (ot_is(st, OT_E_MALFORMED) || ot_is(st, OT_E_BAD_KEY))
      return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
    OT_GUARD(st);
    if (tracked) {
      /* DSP0274 1.3 GET_CSR / ERROR ResetRequired: the CSR is finished after a
       * reset; ErrorData carries the CSRTrackingTag to ask for it with. */
      OT_GUARD(ot_spdm_csr_track_store(r->cfg->csr_tracker, tag, q->key_pair_id, csr, n));
      return rsp_error(c, OT_SPDM_ERR_RESET_REQUIRED, tag);
    }
  }
  ot_spdm_csr m = {.csr_len = (uint16_t)n, .csr = csr};
  ot_writer w;
  ot_writer_init(&w, r->large, sizeof(r->large));
  OT_GUARD(ot_spdm_encode_csr(&r->neg.sizes, &w, &m));
  return rsp_emit_large(c, ot_writer_len(&w));
}

ot_status rsp_set_certificate(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_set_certificate *q = &c->msg.u.set_certificate;
  /* DSP0274 1.2 SET_CERTIFICATE: inside a secure session, except slot 0 in
   * a trusted environment (libspdm answers UnexpectedRequest likewise). */
  if (c->session == NULL && !(r->cfg->trusted_env && q->slot_id == 0))
    return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  /* DSP0274 1.3: on a multi-key connection KeyPairID is required, and a
   * certificate model (1..3) unless erasing; otherwise both are 0. */
  if (r->neg.multi_key_conn
          ? (q->key_pair_id == 0 || (!q->erase && (q->cert_model == 0 || q->cert_model > 3)))
          : (q->key_pair_id != 0 || q->cert_model != 0))
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  const uint8_t *der = NULL;
  size_t der_len = 0;
  if (!q->erase) {
    ot_spdm_cert_chain chain;
    if (!ot_ok(ot_spdm_cert_chain_decode(r->neg.sizes.hash_len, q->chain, q->chain_len, &chain)))
      return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
    /* "Certificate chain format": RootHash is the hash of the first
     * certificate; one that is not cannot be served back as this chain. */
    ot_x509_chain x;
    uint8_t h[OT_HASH_MAX_SIZE];
    if (!ot_ok(ot_x509_chain_parse(chain.certs, chain.certs_len, &x)))
      return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
    OT_GUARD(ot_hash(r->neg.hash, x.certs[0].der, x.certs[0].len, h, sizeof(h)));
    if (!ot_ct_equal(h, chain.root_hash, r->neg.sizes.hash_len))
      return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
    der = chain.certs;
    der_len = chain.certs_len;
  }
  /* DSP0274 1.3 SET_CERTIFICATE: the slot takes SetCertModel on a
   * multi-key connection (erasing: none); otherwise it is DeviceCert. */
  uint8_t model = r->neg.multi_key_conn ? q->cert_model : OT_SPDM_CERT_MODEL_DEVICE;
  if (q->erase) model = OT_SPDM_CERT_MODEL_NONE;
  /* DSP0274 1.3 CertificateInfo: slot 0 is never GenericCert. */
  if ((q->slot_id == 0 && model == OT_SPDM_CERT_MODEL_GENERIC) ||
      (q->erase && q->cert_model != 0)) /* Erase: SetCertModel shall be 0 */
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  ot_status st = r->cfg->set_cert_model
                     ? r->cfg->set_cert_model(r->cfg->set_cert_ctx, q->slot_id, q->key_pair_id,
                                              model, der, der_len)
                     : r->cfg->set_cert(r->cfg->set_cert_ctx, q->slot_id, q->key_pair_id, der,
                                        der_len);
  if (ot_is(st, OT_E_BAD_KEY) || ot_is(st, OT_E_CERT) || ot_is(st, OT_E_MALFORMED) ||
      ot_is(st, OT_E_NOT_FOUND) || ot_is(st, OT_E_TOO_LARGE))
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  /* §10.12 OperationFailed (1.3; Unspecified in 1.2): stored nothing. */
  if (!ot_ok(st))
    return rsp_error(c,
                     r->neg.version >= OT_SPDM_VERSION_13 ? OT_SPDM_ERR_OPERATION_FAILED
                                                          : OT_SPDM_ERR_UNSPECIFIED,
                     0);
  ot_spdm_set_certificate_rsp m = {.slot_id = q->slot_id};
  return ot_spdm_encode_set_certificate_rsp(&r->neg.sizes, c->w, &m);
}
