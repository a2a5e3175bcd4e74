/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connect and disconnect (DESIGN.md §4 "Connect"; Linux tsm/connect and
 * tsm/disconnect, SPEC-FACTS §7.1-7.3). Each step is undone in reverse on
 * failure; a refusal always says which step failed and why.
 */
#include <stdio.h>
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/tsm.h"
#include "tsm_internal.h"

static time_t tsm_now(const ot_tsm *tsm) {
  return tsm->cfg.wall_epoch + (time_t)(ot_clock_now(tsm->cfg.clock) / OT_NS_PER_S);
}

/* Maps a transport-level status to the refusal that says so. */
static bool is_transport(ot_status st) {
  return ot_status_category(st) == OT_CAT_IO || ot_is(st, OT_E_DEAD);
}

/* PCIe r6.0 §6.30.1.1 DOE Discovery through the relay: the DSM's mailbox must
 * serve CMA/SPDM (type 1) and secured CMA/SPDM (type 2) (§6.31; SPEC-FACTS §1.2). */
static ot_status discover(ot_tsm_dev *dev, ot_tsm_refusal *why) {
  ot_doe_feature f[16];
  size_t n = 0;
  ot_status st = ot_doe_discover(&dev->relay.base, OT_DOE_DISCOVERY_VERSION_MAX, f, 16, &n);
  /* A relay that fails or times out says nothing about the device's DOE. */
  if (!ot_ok(st))
    return tsm_refuse(why, is_transport(st) ? OT_TSM_R_TRANSPORT : OT_TSM_R_DOE, st,
                      "%s: DOE discovery failed (%s)", dev->name, ot_status_message(st));
  bool spdm = false, secured = false;
  for (size_t i = 0; i < n; i++) {
    spdm |= f[i].vendor == OT_DOE_VENDOR_PCISIG && f[i].type == OT_DOE_TYPE_SPDM;
    secured |= f[i].vendor == OT_DOE_VENDOR_PCISIG && f[i].type == OT_DOE_TYPE_SECURED_SPDM;
  }
  if (!spdm || !secured)
    return tsm_refuse(why, OT_TSM_R_DOE, ot_status_of(OT_E_UNSUPPORTED),
                      "%s: DOE discovery lists %s", dev->name,
                      spdm ? "no secured SPDM (type 2)" : "no SPDM (type 1)");
  return OT_SUCCESS;
}

/* What NEGOTIATE_ALGORITHMS offered, by DSP0274 §10.4's field names. */
static const char *offer_text(const ot_spdm_alg_offer *o, char *buf, size_t cap) {
  static const char *const types[] = {[OT_SPDM_ALG_TYPE_DHE] = "DHE",
                                      [OT_SPDM_ALG_TYPE_AEAD] = "AEADCipherSuite",
                                      [OT_SPDM_ALG_TYPE_REQ_BASE_ASYM] = "ReqBaseAsymAlg",
                                      [OT_SPDM_ALG_TYPE_KEY_SCHEDULE] = "KeySchedule"};
  size_t n = (size_t)snprintf(buf, cap, "BaseAsymAlgo 0x%08x, BaseHashAlgo 0x%08x",
                              (unsigned)o->base_asym, (unsigned)o->base_hash);
  for (size_t i = 0; i < o->alg_count && i < OT_SPDM_ALG_STRUCT_MAX && n < cap; i++) {
    uint8_t t = o->alg[i].type;
    const char *name = t < sizeof(types) / sizeof(types[0]) && types[t] ? types[t] : "AlgType";
    n += (size_t)snprintf(buf + n, cap - n, ", %s 0x%04x", name, (unsigned)o->alg[i].supported);
  }
  return buf;
}

/* DSP0274 §10.3-10.4: which step of VCA failed tells version from algorithm. */
static ot_status vca(ot_tsm *tsm, ot_tsm_dev *dev, ot_tsm_refusal *why) {
  ot_status st = ot_spdm_requester_connect(&dev->spdm);
  if (ot_ok(st)) return st;
  char w[TSM_WHY_MAX], offer[160];
  if (is_transport(st))
    return tsm_refuse(why, OT_TSM_R_TRANSPORT, st, "%s: relay failed during VCA (%s)", dev->name,
                      ot_status_message(st));
  if (dev->spdm.state == OT_SPDM_CONN_NOT_STARTED &&
      (ot_is(st, OT_E_POLICY) || ot_is(st, OT_E_NEGOTIATION) || ot_is(st, OT_E_VERSION)))
    return tsm_refuse(why, OT_TSM_R_SPDM_VERSION, st,
                      "%s: no SPDM version at or above %u.%u in common", dev->name,
                      tsm->spdm.min_version >> 4, tsm->spdm.min_version & 0xFu);
  /* A responder with nothing in common answers ERROR (libspdm: InvalidRequest;
   * DSP0274 §10.12) or selects nothing (which the requester finds malformed,
   * DSP0274 §10.4: exactly one bit each). An ERROR is named as the device
   * sent it, with what we offered, not as a message of ours or its. */
  if (dev->spdm.state == OT_SPDM_CONN_AFTER_CAPS &&
      (ot_is(st, OT_E_POLICY) || ot_is(st, OT_E_NEGOTIATION) || ot_is(st, OT_E_PEER_ERROR) ||
       ot_is(st, OT_E_MALFORMED))) {
    const char *text = tsm_spdm_why(dev, st, w, sizeof(w));
    if (text == w) /* built from the device's ERROR */
      return tsm_refuse(why, OT_TSM_R_ALGORITHM, st, "%s: %s; we offered %s", dev->name, text,
                        offer_text(&dev->spdm.offer, offer, sizeof(offer)));
    return tsm_refuse(why, OT_TSM_R_ALGORITHM, st,
                      "%s: NEGOTIATE_ALGORITHMS found nothing the policy allows (%s)", dev->name,
                      text);
  }
  return tsm_refuse(why, OT_TSM_R_SPDM, st, "%s: VCA failed (%s)", dev->name,
                    tsm_spdm_why(dev, st, w, sizeof(w)));
}

/* Why a chain was refused: validate it again to name the certificate and reason. */
static ot_status cert_refusal(ot_tsm *tsm, ot_tsm_dev *dev, ot_status st, ot_tsm_refusal *why) {
  const uint8_t *blob = tsm->scratch.chain;
  size_t len = ot_load_u16le(blob);
  ot_spdm_cert_chain cc;
  ot_x509_chain x;
  ot_x509_verdict v = {.reason = OT_X509_OTHER, .index = -1};
  ot_x509_policy pol = {.now = tsm->spdm.now,
                        .role = OT_X509_ROLE_RESPONDER,
                        .model = OT_X509_MODEL_DEVICE,
                        .curve = dev->spdm.neg.asym_curve,
                        .cache = tsm->cfg.x509_cache};
  if (len <= sizeof(tsm->scratch.chain) &&
      ot_ok(ot_spdm_cert_chain_decode(dev->spdm.neg.sizes.hash_len, blob, len, &cc)) &&
      ot_ok(ot_x509_chain_parse(cc.certs, cc.certs_len, &x)))
    OT_IGNORE(ot_x509_chain_verify(&x, tsm->spdm.anchors, tsm->spdm.anchor_count, &pol, NULL, &v));
  if (ot_is(st, OT_E_CERT))
    return tsm_refuse(why, OT_TSM_R_CERT_UNTRUSTED, st, "%s: certificate %d of the chain: %s",
                      dev->name, v.index, ot_x509_reason_string(v.reason));
  return tsm_refuse(why, OT_TSM_R_CERT_UNTRUSTED, st,
                    "%s: certificate chain does not match its digest or root hash (%s)", dev->name,
                    ot_status_message(st));
}

static ot_status authenticate(ot_tsm *tsm, ot_tsm_dev *dev, size_t *chain_out,
                              ot_tsm_refusal *why) {
  char w[TSM_WHY_MAX];
  uint8_t mask = 0;
  ot_status st = ot_spdm_requester_get_digests(&dev->spdm, &mask);
  if (!ot_ok(st))
    return tsm_refuse(why, is_transport(st) ? OT_TSM_R_TRANSPORT : OT_TSM_R_SPDM, st,
                      "%s: GET_DIGESTS failed (%s)", dev->name,
                      tsm_spdm_why(dev, st, w, sizeof(w)));
  /* Slot 0 carries the device certificate chain (DSP0274 §10.5-10.6). */
  if (!(mask & 1u))
    return tsm_refuse(why, OT_TSM_R_NO_CERT, ot_status_of(OT_E_NOT_FOUND),
                      "%s: slot 0 is not provisioned (slot mask 0x%02x)", dev->name, mask);
  /* A known chain (DSP0274 §10.5-10.6, tsm.h "Known devices"): the digest
   * names a chain validated before, so it is neither fetched nor validated;
   * CHALLENGE below still proves the device holds its leaf key. A caller that
   * asks for the chain as evidence (chain_out) gets it fetched. */
  bool known = chain_out == NULL && tsm_known_use(tsm, dev);
  if (!known) {
    size_t chain_len = 0;
    memset(tsm->scratch.chain, 0, 2);
    st = ot_spdm_requester_get_certificate(&dev->spdm, 0, 0, tsm->scratch.chain,
                                           sizeof(tsm->scratch.chain), &chain_len);
    if (ot_is(st, OT_E_CERT) || ot_is(st, OT_E_VERIFY)) return cert_refusal(tsm, dev, st, why);
    if (!ot_ok(st))
      return tsm_refuse(why, is_transport(st) ? OT_TSM_R_TRANSPORT : OT_TSM_R_SPDM, st,
                        "%s: GET_CERTIFICATE failed (%s)", dev->name,
                        tsm_spdm_why(dev, st, w, sizeof(w)));
    tsm->known_stats.misses++;
    if (chain_out) *chain_out = chain_len;
  }
  /* DSP0274 §10.7: CHALLENGE proves the device holds the leaf's private key. */
  st = ot_spdm_requester_challenge(&dev->spdm, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL);
  if (ot_is(st, OT_E_VERIFY) || ot_is(st, OT_E_BAD_KEY))
    return tsm_refuse(why, OT_TSM_R_KEY_MISMATCH, st,
                      "%s: CHALLENGE_AUTH signature does not verify with the leaf certificate's "
                      "key",
                      dev->name);
  if (!ot_ok(st))
    return tsm_refuse(why, is_transport(st) ? OT_TSM_R_TRANSPORT : OT_TSM_R_SPDM, st,
                      "%s: CHALLENGE failed (%s)", dev->name, tsm_spdm_why(dev, st, w, sizeof(w)));
  if (!known) tsm_known_keep(tsm, dev);
  return OT_SUCCESS;
}

/* The reference measurements of the policy against a MeasurementRecord
 * (DSP0274 §10.11 "Measurement block format", DMTF value format). */
ot_status tsm_check_measurements(ot_tsm_dev *dev, const uint8_t *rec, size_t len,
                                 ot_tsm_refusal *why) {
  const ot_tsm_policy_device *pd = dev->pol;
  for (size_t i = 0; i < pd->meas_count; i++) {
    const ot_tsm_ref_meas *ref = &pd->meas[i];
    ot_reader r;
    ot_reader_init(&r, rec, len);
    bool found = false;
    while (ot_reader_remaining(&r) > 0 && !found) {
      ot_spdm_meas_block b;
      ot_status st = ot_spdm_meas_block_next(&r, &b);
      if (!ot_ok(st))
        return tsm_refuse(why, OT_TSM_R_SPDM, st, "%s: measurement record does not parse (%s)",
                          dev->name, ot_status_message(st));
      if (b.index != ref->index) continue;
      found = true;
      ot_spdm_dmtf_meas m;
      if (b.spec != OT_SPDM_MEAS_SPEC_DMTF || !ot_ok(ot_spdm_dmtf_meas_decode(&b, &m)))
        return tsm_refuse(why, OT_TSM_R_MEAS_MISMATCH, ot_status_of(OT_E_POLICY),
                          "%s: measurement %u is not in the DMTF format", dev->name, ref->index);
      if (m.value_size != ref->len || memcmp(m.value, ref->value, ref->len) != 0)
        return tsm_refuse(why, OT_TSM_R_MEAS_MISMATCH, ot_status_of(OT_E_POLICY),
                          "%s: measurement %u differs from the policy's reference (%u bytes, "
                          "reference %u bytes)",
                          dev->name, ref->index, m.value_size, ref->len);
    }
    if (!found)
      return tsm_refuse(why, OT_TSM_R_MEAS_MISSING, ot_status_of(OT_E_POLICY),
                        "%s: measurement %u required by the policy was not reported", dev->name,
                        ref->index);
  }
  return OT_SUCCESS;
}

/* The nonce of the signed GET_MEASUREMENTS the relay captured (DSP0274 §10.11
 * "GET_MEASUREMENTS request message format": Nonce follows the header when
 * Param1 asks for a signature). */
static ot_status captured_nonce(const ot_tsm_dev *dev, const ot_tsm_evidence *ev,
                                uint8_t nonce[static OT_SPDM_NONCE_SIZE]) {
  OT_ENSURE(ev->get_meas_len > 0 && ev->meas_len > 0, OT_E_INTERNAL);
  ot_reader r;
  ot_reader_init(&r, ev->get_meas, ev->get_meas_len);
  ot_spdm_get_measurements q;
  OT_GUARD(ot_spdm_decode_get_measurements(&dev->spdm.neg.sizes, &r, &q));
  OT_ENSURE(q.attributes & OT_SPDM_MEAS_ATTR_SIGNATURE, OT_E_INTERNAL);
  memcpy(nonce, q.nonce, OT_SPDM_NONCE_SIZE);
  return OT_SUCCESS;
}

static ot_status measure(ot_tsm *tsm, ot_tsm_dev *dev, ot_tsm_evidence *ev, ot_tsm_refusal *why) {
  char w[TSM_WHY_MAX];
  ot_spdm_meas_result res;
  /* DSP0274 §10.11: all blocks (operation 0xFF), signed with slot 0, fresh
   * nonce. With ev, the relay keeps the exchange: this one signed response is
   * the evidence (its signature covers VCA, the request and the response). */
  dev->relay.capture = ev;
  ot_status st =
      ot_spdm_requester_get_measurements(&dev->spdm, OT_SPDM_MEAS_OP_ALL, true, 0,
                                         tsm->scratch.record, sizeof(tsm->scratch.record), &res);
  dev->relay.capture = NULL;
  if (ot_is(st, OT_E_VERIFY) || ot_is(st, OT_E_BAD_KEY))
    return tsm_refuse(why, OT_TSM_R_MEAS_SIGNATURE, st,
                      "%s: MEASUREMENTS signature does not verify", dev->name);
  if (!ot_ok(st))
    return tsm_refuse(why, is_transport(st) ? OT_TSM_R_TRANSPORT : OT_TSM_R_SPDM, st,
                      "%s: GET_MEASUREMENTS failed (%s)", dev->name,
                      tsm_spdm_why(dev, st, w, sizeof(w)));
  OT_GUARD(tsm_check_measurements(dev, tsm->scratch.record, res.record_len, why));
  if (ev == NULL) return OT_SUCCESS;
  uint8_t nonce[OT_SPDM_NONCE_SIZE];
  st = captured_nonce(dev, ev, nonce);
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_INTERNAL, st, "%s: the measurement exchange was not captured",
                      dev->name);
  return tsm_evidence_seal(dev, nonce, ev, why);
}

OT_RESULT ot_tsm_connect(ot_tsm *tsm, ot_tsm_dev *dev, ot_tsm_refusal *why) {
  return ot_tsm_connect_evidence(tsm, dev, NULL, why);
}

OT_RESULT ot_tsm_connect_evidence(ot_tsm *tsm, ot_tsm_dev *dev, ot_tsm_evidence *ev,
                                  ot_tsm_refusal *why) {
  OT_ENSURE(tsm && tsm->ready && dev && dev->tsm == tsm, OT_E_ARG);
  if (why) memset(why, 0, sizeof(*why));
  if (ev) {
    memset(ev, 0, sizeof(*ev));
    memcpy(ev->device, dev->name, sizeof(ev->device));
  }
  if (dev->state != OT_TSM_DEV_IDLE)
    return tsm_refuse(why, OT_TSM_R_STATE, ot_status_of(OT_E_STATE), "%s: already connected",
                      dev->name);
  dev->pol = ot_tsm_policy_find_device(tsm->cfg.policy, dev->name);
  if (dev->pol == NULL)
    return tsm_refuse(why, OT_TSM_R_DEVICE_UNKNOWN, ot_status_of(OT_E_POLICY),
                      "%s: the policy does not list this device", dev->name);
  ot_tsm_backend *be = tsm->cfg.backend;
  char w[TSM_WHY_MAX];
  bool probed = false, linked = false, spdm_live = false, session = false;
  ot_status st = OT_SUCCESS;
  /* Linux link_ops: probe, then connect (SPEC-FACTS §7.1). */
  if (be && dev->link) {
    st = be->probe(be, dev->link);
    if (!ot_ok(st)) {
      tsm_refuse(why, OT_TSM_R_BACKEND, st, "%s: backend probe failed (%s)", dev->name,
                 ot_status_message(st));
      goto unwind;
    }
    probed = true;
    st = be->connect(be, dev->link);
    if (!ot_ok(st)) {
      tsm_refuse(why, OT_TSM_R_BACKEND, st, "%s: backend connect failed (%s)", dev->name,
                 ot_status_message(st));
      goto unwind;
    }
    linked = true;
  }
  OT_GUARD_GOTO(st, discover(dev, why), unwind);
  tsm->spdm.now = tsm_now(tsm);
  st = ot_spdm_requester_init(&dev->spdm, &tsm->spdm, &dev->relay.base);
  if (!ot_ok(st)) {
    tsm_refuse(why, OT_TSM_R_INTERNAL, st, "%s: requester init failed", dev->name);
    goto unwind;
  }
  spdm_live = true;
  OT_GUARD_GOTO(st, vca(tsm, dev, why), unwind);
  size_t chain_len = 0;
  /* With a PSK and no certificate to check, these steps are skipped
   * (ot_tsm_dev_desc.psk): the device is then not authenticated. */
  dev->psk_only = dev->psk != NULL && !tsm_psk_certs(tsm, dev);
  if (!dev->psk_only) {
    OT_GUARD_GOTO(st, authenticate(tsm, dev, ev ? &chain_len : NULL, why), unwind);
    if (ev) {
      /* The chain just validated against the anchors and DIGESTS (DSP0274 §10.6). */
      _Static_assert(sizeof(ev->chain) == sizeof(tsm->scratch.chain), "the chain fits");
      memcpy(ev->chain, tsm->scratch.chain, chain_len);
      ev->chain_len = chain_len;
    }
    OT_GUARD_GOTO(st, measure(tsm, dev, ev, why), unwind);
  }
  /* IDE_KM (PCIe r6.0 §6.33.3, carried in DSP0274 1.2 VENDOR_DEFINED messages)
   * and TDISP (PCIe r6.1 §11) run in SPDM 1.2+ sessions only: an older device
   * is never connected, and the refusal says whether it passed authentication
   * (chain, CHALLENGE, signed measurements) first. */
  if (dev->spdm.neg.version < OT_SPDM_VERSION_12) {
    unsigned major = dev->spdm.neg.version >> 4, minor = dev->spdm.neg.version & 0xFu;
    if (dev->psk_only)
      st = tsm_refuse(why, OT_TSM_R_SPDM_PRE_12, ot_status_of(OT_E_POLICY),
                      "%s: SPDM %u.%u, not connected: IDE_KM and TDISP need SPDM 1.2 or later",
                      dev->name, major, minor);
    else
      st = tsm_refuse(why, OT_TSM_R_SPDM_PRE_12, ot_status_of(OT_E_POLICY),
                      "%s: authenticated at SPDM %u.%u (certificate chain, CHALLENGE and signed "
                      "measurements verified), not connected: IDE_KM and TDISP need SPDM 1.2 or "
                      "later",
                      dev->name, major, minor);
    goto unwind;
  }
  if (dev->psk) {
    OT_GUARD_GOTO(st, tsm_psk_session(dev, why), unwind);
    session = true;
    if (dev->psk_only) OT_GUARD_GOTO(st, tsm_psk_measure(tsm, dev, why), unwind);
    goto ide;
  }
  /* DSP0274 §10.9-10.10: KEY_EXCHANGE / FINISH with the verified slot 0. */
  st = ot_spdm_requester_start_session(&dev->spdm, 0, OT_SPDM_MEAS_SUMMARY_NONE, &dev->session_id);
  if (!ot_ok(st)) {
    tsm_refuse(why, is_transport(st) ? OT_TSM_R_TRANSPORT : OT_TSM_R_SESSION, st,
               "%s: KEY_EXCHANGE/FINISH failed (%s)", dev->name,
               tsm_spdm_why(dev, st, w, sizeof(w)));
    goto unwind;
  }
  session = true;
ide:
  /* DESIGN.md §4 steps 4-5: the IDE stream, keys through the session. */
  OT_GUARD_GOTO(st, tsm_ide_up(tsm, dev, why), unwind);
  dev->state = OT_TSM_DEV_CONNECTED;
  dev->probed = probed;
  tsm->connected++;
  ot_zeroize(&tsm->scratch, sizeof(tsm->scratch));
  OT_LOGI(TSM_LOG, "%s: connected, session 0x%08x", dev->name, dev->session_id);
  return OT_SUCCESS;

unwind:
  /* DSP0274 §10.17: a session the refusal leaves behind is ended. */
  if (session) OT_IGNORE(ot_spdm_requester_end_session(&dev->spdm, dev->session_id));
  if (spdm_live) ot_spdm_requester_free(&dev->spdm); /* wipes every secret it held */
  ot_zeroize(&dev->spdm, sizeof(dev->spdm));
  if (linked) be->disconnect(be, dev->link);
  if (probed) be->remove(be, dev->link);
  ot_zeroize(&tsm->scratch, sizeof(tsm->scratch));
  dev->session_id = 0;
  dev->psk_only = false;
  dev->pol = NULL;
  if (ev) memset(ev, 0, sizeof(*ev)); /* nothing of a refused device passes for evidence */
  return st;
}

OT_RESULT ot_tsm_disconnect(ot_tsm *tsm, ot_tsm_dev *dev) {
  OT_ENSURE(tsm && dev && dev->tsm == tsm, OT_E_ARG);
  OT_ENSURE(dev->state == OT_TSM_DEV_CONNECTED, OT_E_STATE);
  ot_status first = OT_SUCCESS;
  /* Linux tsm/disconnect unbinds every interface first (SPEC-FACTS §7.3). */
  for (size_t i = 0; i < dev->tdi_count; i++) {
    ot_tsm_tdi *t = dev->tdis[i];
    if (t->state == OT_TSM_TDI_FREE) continue;
    ot_status st = tsm_tdi_release(t);
    if (ot_ok(first) && !ot_ok(st)) first = st;
  }
  /* The stream goes Insecure with its keys zeroized before the session that
   * keyed it ends (SPEC-FACTS §4.2 teardown). */
  ot_status st = tsm_ide_down(tsm, dev);
  if (ot_ok(first) && !ot_ok(st)) first = st;
  /* DSP0274 §10.17 END_SESSION: the session is gone whatever the answer. */
  st = ot_spdm_requester_end_session(&dev->spdm, dev->session_id);
  if (ot_ok(first) && !ot_ok(st)) first = st;
  ot_spdm_requester_free(&dev->spdm);
  ot_zeroize(&dev->spdm, sizeof(dev->spdm));
  ot_tsm_backend *be = tsm->cfg.backend;
  if (be && dev->link) {
    be->disconnect(be, dev->link);
    if (dev->probed) be->remove(be, dev->link);
  }
  dev->probed = false;
  dev->session_id = 0;
  dev->pol = NULL;
  dev->state = OT_TSM_DEV_IDLE;
  tsm->connected--;
  OT_LOGI(TSM_LOG, "%s: disconnected", dev->name);
  return first;
}
