/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Evidence for guests: collected fresh from the device (chain, signed
 * measurements with the guest's nonce, interface report and state inside the
 * session), and checked by the guest itself (DSP0274 1.3 §10.6, §10.11,
 * "Signature generation"; PCIe r6.0 §11.3).
 */
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/tsm.h"
#include "tsm_internal.h"

static bool is_transport(ot_status st) {
  return ot_status_category(st) == OT_CAT_IO || ot_is(st, OT_E_DEAD);
}

ot_status tsm_evidence_seal(ot_tsm_dev *dev, const uint8_t *nonce, ot_tsm_evidence *ev,
                            ot_tsm_refusal *why) {
  const ot_spdm_requester *q = &dev->spdm;
  /* DOE pads to a DW (SPEC-FACTS T1): keep the exact SPDM message. */
  ot_spdm_sizes sz = q->neg.sizes;
  sz.meas_signature = true;
  size_t exact = 0;
  ot_status st = ot_spdm_message_length(&sz, ev->meas, ev->meas_len, &exact);
  if (!ot_ok(st)) return tsm_refuse(why, OT_TSM_R_SPDM, st, "%s: MEASUREMENTS length", dev->name);
  ev->meas_len = exact;
  memcpy(ev->nonce, nonce, OT_SPDM_NONCE_SIZE);
  ev->spdm_version = q->neg.version;
  ev->base_asym = q->neg.base_asym;
  ev->base_hash = q->neg.base_hash;
  ev->meas_hash = q->neg.meas_hash;
  _Static_assert(sizeof(ev->vca) == sizeof(q->t.vca), "A fits the evidence");
  memcpy(ev->vca, q->t.vca, q->t.vca_len);
  ev->vca_len = q->t.vca_len;
  return OT_SUCCESS;
}

ot_status tsm_collect_evidence(ot_tsm *tsm, ot_tsm_dev *dev, ot_tsm_tdi *tdi, const uint8_t *nonce,
                               ot_tsm_evidence *ev, ot_tsm_refusal *why) {
  memset(ev, 0, sizeof(*ev));
  memcpy(ev->device, dev->name, sizeof(ev->device));
  ot_spdm_requester *q = &dev->spdm;
  char w[TSM_WHY_MAX];
  /* The chain again, from the device: the requester holds it to the digest
   * and the anchors verified at connect (DSP0274 §10.6). */
  tsm->spdm.now = tsm->cfg.wall_epoch + (time_t)(ot_clock_now(tsm->cfg.clock) / OT_NS_PER_S);
  ot_status st =
      ot_spdm_requester_get_certificate(q, 0, 0, ev->chain, sizeof(ev->chain), &ev->chain_len);
  if (!ot_ok(st))
    return tsm_refuse(why, is_transport(st) ? OT_TSM_R_TRANSPORT : OT_TSM_R_CERT_UNTRUSTED, st,
                      "%s: GET_CERTIFICATE for evidence failed (%s)", dev->name,
                      tsm_spdm_why(dev, st, w, sizeof(w)));
  /* Signed measurements whose nonce is the guest's: the relay keeps the raw
   * exchange so the guest can recompute L1 (DSP0274 §10.11). */
  memcpy(tsm->rng.armed, nonce, OT_SPDM_NONCE_SIZE);
  tsm->rng.is_armed = true;
  dev->relay.capture = ev;
  ot_spdm_meas_result res;
  st = ot_spdm_requester_get_measurements(q, OT_SPDM_MEAS_OP_ALL, true, 0, tsm->scratch.record,
                                          sizeof(tsm->scratch.record), &res);
  dev->relay.capture = NULL;
  bool nonce_used = !tsm->rng.is_armed;
  tsm->rng.is_armed = false;
  ot_zeroize(tsm->rng.armed, sizeof(tsm->rng.armed));
  if (ot_is(st, OT_E_VERIFY))
    return tsm_refuse(why, OT_TSM_R_MEAS_SIGNATURE, st,
                      "%s: MEASUREMENTS signature does not verify", dev->name);
  if (!ot_ok(st))
    return tsm_refuse(why, is_transport(st) ? OT_TSM_R_TRANSPORT : OT_TSM_R_SPDM, st,
                      "%s: GET_MEASUREMENTS for evidence failed (%s)", dev->name,
                      tsm_spdm_why(dev, st, w, sizeof(w)));
  if (!nonce_used || ev->get_meas_len == 0 || ev->meas_len == 0)
    return tsm_refuse(why, OT_TSM_R_INTERNAL, ot_status_of(OT_E_INTERNAL),
                      "%s: the measurement exchange was not captured", dev->name);
  /* The device's state may have changed since connect: hold it to policy again. */
  OT_GUARD(tsm_check_measurements(dev, tsm->scratch.record, res.record_len, why));
  OT_GUARD(tsm_evidence_seal(dev, nonce, ev, why));
  if (tdi == NULL) return OT_SUCCESS;
  /* Inside the session (PCIe r6.0 §11.3 GET_DEVICE_INTERFACE_STATE / _REPORT):
   * the state first, the report only where the device serves one (LOCKED, RUN),
   * so a guest learns that its TDI went to ERROR. */
  ot_tdisp_state s;
  st = ot_tdisp_req_get_state(&tdi->req, &s);
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_TDISP, st, "%s: TDI 0x%x: state for evidence failed (%s)",
                      dev->name, tdi->desc.function_id, tsm_spdm_why(dev, st, w, sizeof(w)));
  ev->function_id = tdi->desc.function_id;
  ev->tdi_state = (uint8_t)s;
  if (s != OT_TDI_CONFIG_LOCKED && s != OT_TDI_RUN) return OT_SUCCESS;
  ot_tdisp_report rep;
  st = ot_tdisp_req_get_report(&tdi->req, 768, ev->report, sizeof(ev->report), &ev->report_len,
                               &rep);
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_TDISP, st, "%s: TDI 0x%x: report for evidence failed (%s)",
                      dev->name, tdi->desc.function_id, tsm_spdm_why(dev, st, w, sizeof(w)));
  ev->has_report = true;
  return OT_SUCCESS;
}

/* ---- the guest's check ----------------------------------------------------------------- */

static ot_status bad(ot_tsm_refusal *why, int reason, ot_code code, const char *what) {
  return tsm_refuse(why, reason, ot_status_of(code), "evidence: %s", what);
}

static ot_status leaf_key(const ot_tsm_evidence *ev, const ot_spdm_negotiated *neg,
                          const ot_x509_cert *anchors, size_t anchor_count, time_t now,
                          ot_x509_leaf_info *info, ot_tsm_refusal *why) {
  ot_spdm_cert_chain cc;
  if (!ot_ok(ot_spdm_cert_chain_decode(neg->sizes.hash_len, ev->chain, ev->chain_len, &cc)))
    return bad(why, OT_TSM_R_CERT_UNTRUSTED, OT_E_MALFORMED, "chain blob does not parse");
  ot_x509_chain x;
  if (!ot_ok(ot_x509_chain_parse(cc.certs, cc.certs_len, &x)))
    return bad(why, OT_TSM_R_CERT_UNTRUSTED, OT_E_MALFORMED, "chain certificates do not parse");
  uint8_t d[OT_HASH_MAX_SIZE];
  OT_GUARD(ot_hash(neg->hash, x.certs[0].der, x.certs[0].len, d, sizeof(d)));
  /* DSP0274 §10.6 certificate chain format: RootHash = Hash(first certificate). */
  if (memcmp(d, cc.root_hash, neg->sizes.hash_len) != 0)
    return bad(why, OT_TSM_R_CERT_UNTRUSTED, OT_E_VERIFY, "RootHash does not match the root");
  ot_x509_policy pol = {.now = now,
                        .role = OT_X509_ROLE_RESPONDER,
                        .model = OT_X509_MODEL_DEVICE,
                        .curve = neg->asym_curve};
  ot_x509_verdict v;
  ot_status st = ot_x509_chain_verify(&x, anchors, anchor_count, &pol, info, &v);
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_CERT_UNTRUSTED, st, "evidence: certificate %d: %s", v.index,
                      ot_x509_reason_string(v.reason));
  return OT_SUCCESS;
}

OT_RESULT ot_tsm_evidence_verify(const ot_tsm_evidence *ev, const ot_x509_cert *anchors,
                                 size_t anchor_count, time_t now,
                                 const uint8_t nonce[static OT_SPDM_NONCE_SIZE],
                                 ot_tsm_refusal *why) {
  OT_ENSURE(ev && nonce && (anchors || anchor_count == 0), OT_E_ARG);
  if (why) memset(why, 0, sizeof(*why));
  if (ev->chain_len > sizeof(ev->chain) || ev->vca_len > sizeof(ev->vca) ||
      ev->get_meas_len > sizeof(ev->get_meas) || ev->meas_len > sizeof(ev->meas) ||
      ev->report_len > sizeof(ev->report))
    return bad(why, OT_TSM_R_SPDM, OT_E_MALFORMED, "a length exceeds its buffer");
  ot_spdm_negotiated neg = {.version = ev->spdm_version,
                            .base_asym = ev->base_asym,
                            .base_hash = ev->base_hash,
                            .meas_hash = ev->meas_hash};
  if (neg.version < OT_SPDM_VERSION_10 || neg.version > OT_SPDM_VERSION_14 ||
      !ot_ok(ot_spdm_negotiated_derive(&neg)))
    return bad(why, OT_TSM_R_ALGORITHM, OT_E_UNSUPPORTED, "unsupported version or algorithms");
  ot_x509_leaf_info info;
  OT_GUARD(leaf_key(ev, &neg, anchors, anchor_count, now, &info, why));
  /* The request: signed by slot 0, with the guest's nonce (DSP0274 §10.11). */
  ot_spdm_sizes sz = neg.sizes;
  ot_reader r;
  ot_spdm_get_measurements g;
  ot_reader_init(&r, ev->get_meas, ev->get_meas_len);
  if (!ot_ok(ot_spdm_decode_get_measurements(&sz, &r, &g)))
    return bad(why, OT_TSM_R_SPDM, OT_E_MALFORMED, "GET_MEASUREMENTS does not parse");
  if (!(g.attributes & OT_SPDM_MEAS_ATTR_SIGNATURE) || g.slot_id != 0)
    return bad(why, OT_TSM_R_MEAS_SIGNATURE, OT_E_VERIFY, "measurements were not signed by slot 0");
  if (memcmp(g.nonce, nonce, OT_SPDM_NONCE_SIZE) != 0)
    return bad(why, OT_TSM_R_MEAS_SIGNATURE, OT_E_VERIFY,
               "GET_MEASUREMENTS does not carry the guest's nonce (replayed?)");
  sz.meas_signature = true;
  ot_spdm_measurements m;
  ot_reader_init(&r, ev->meas, ev->meas_len);
  if (!ot_ok(ot_spdm_decode_measurements(&sz, &r, &m)) || ev->meas_len < sz.sig_len)
    return bad(why, OT_TSM_R_SPDM, OT_E_MALFORMED, "MEASUREMENTS does not parse");
  if (neg.version >= OT_SPDM_VERSION_13 && memcmp(m.context, g.context, sizeof(g.context)) != 0)
    return bad(why, OT_TSM_R_MEAS_SIGNATURE, OT_E_VERIFY, "RequesterContext not echoed");
  /* L1 = A ‖ GET_MEASUREMENTS ‖ MEASUREMENTS without its signature (1.2+). */
  uint8_t th[OT_HASH_MAX_SIZE];
  ot_hash_ctx h = {0};
  ot_status st = ot_hash_init(&h, neg.hash);
  /* 1.0/1.1: L1 has no A (DSP0274 1.1 "MEASUREMENTS"). */
  if (ot_ok(st) && neg.version >= OT_SPDM_VERSION_12) st = ot_hash_update(&h, ev->vca, ev->vca_len);
  if (ot_ok(st)) st = ot_hash_update(&h, ev->get_meas, ev->get_meas_len);
  if (ot_ok(st)) st = ot_hash_update(&h, ev->meas, ev->meas_len - sz.sig_len);
  if (ot_ok(st)) st = ot_hash_final(&h, th, sizeof(th));
  ot_hash_free(&h);
  OT_GUARD(st);
  st = ot_spdm_signature_verify(neg.version, neg.base_asym, neg.hash, info.public_key,
                                info.public_key_len, OT_SPDM_SIGN_CTX_MEASUREMENTS, th,
                                neg.sizes.hash_len, m.signature, sz.sig_len);
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_MEAS_SIGNATURE, st,
                      "evidence: MEASUREMENTS signature does not verify over L1");
  if (ev->has_report) {
    ot_tdisp_report rep;
    if (!ot_ok(ot_tdisp_report_parse(ev->report, ev->report_len, &rep)))
      return bad(why, OT_TSM_R_REPORT, OT_E_MALFORMED, "interface report does not parse");
  }
  return OT_SUCCESS;
}

OT_RESULT ot_tsm_evidence_measurement(const ot_tsm_evidence *ev, uint8_t index,
                                      const uint8_t **value, size_t *len) {
  OT_ENSURE(ev && value && len && ev->meas_len <= sizeof(ev->meas), OT_E_ARG);
  ot_spdm_negotiated neg = {.version = ev->spdm_version,
                            .base_asym = ev->base_asym,
                            .base_hash = ev->base_hash,
                            .meas_hash = ev->meas_hash};
  OT_GUARD(ot_spdm_negotiated_derive(&neg));
  ot_spdm_sizes sz = neg.sizes;
  sz.meas_signature = true;
  ot_reader r;
  ot_spdm_measurements m;
  ot_reader_init(&r, ev->meas, ev->meas_len);
  OT_GUARD(ot_spdm_decode_measurements(&sz, &r, &m));
  ot_reader rec;
  ot_reader_init(&rec, m.record, m.record_len);
  while (ot_reader_remaining(&rec) > 0) {
    ot_spdm_meas_block b;
    OT_GUARD(ot_spdm_meas_block_next(&rec, &b));
    if (b.index != index) continue;
    ot_spdm_dmtf_meas d;
    OT_ENSURE(b.spec == OT_SPDM_MEAS_SPEC_DMTF, OT_E_MALFORMED);
    OT_GUARD(ot_spdm_dmtf_meas_decode(&b, &d));
    *value = d.value;
    *len = d.value_size;
    return OT_SUCCESS;
  }
  OT_BAIL(OT_E_NOT_FOUND);
}
