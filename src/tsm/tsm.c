/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TSM object, its random source, the relay in front of the host's
 * transport, and device objects.
 */
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/tsm.h"
#include "tsm_internal.h"

/* Issue 7 §8: at most 16 KiB of TSM memory per connected device. */
_Static_assert(sizeof(ot_tsm_dev) <= OT_TSM_DEV_BUDGET, "per-device TSM state over budget");

/* Draws from the DRBG; a nonce armed by a guest request is served once, for
 * the one 32-byte draw that becomes GET_MEASUREMENTS' nonce. */
static ot_status rng_fill(ot_rng *r, uint8_t *out, size_t n) {
  ot_tsm_rng *t = (ot_tsm_rng *)r;
  if (t->is_armed && n == OT_SPDM_NONCE_SIZE) {
    memcpy(out, t->armed, n);
    t->is_armed = false;
    return OT_SUCCESS;
  }
  while (n > 0) {
    size_t k = n < OT_DRBG_MAX_REQUEST ? n : OT_DRBG_MAX_REQUEST;
    ot_status st = ot_drbg_generate(t->drbg, out, k, NULL, 0);
    if (!ot_ok(st)) return ot_status_of(OT_E_RNG);
    out += k;
    n -= k;
  }
  return OT_SUCCESS;
}

OT_RESULT ot_tsm_init(ot_tsm *tsm, const ot_tsm_config *cfg) {
  OT_ENSURE(tsm && cfg && cfg->policy && cfg->entropy && cfg->clock, OT_E_ARG);
  OT_ENSURE(cfg->policy->anchors_loaded || cfg->policy->anchor_count == 0, OT_E_ARG);
  OT_ENSURE(cfg->known != NULL || cfg->known_cap == 0, OT_E_ARG);
  OT_ENSURE(cfg->multi_key <= OT_TSM_MULTI_KEY_ONLY, OT_E_ARG);
  /* Multi-key concerns the TSM's own keys: none without an identity. */
  OT_ENSURE(cfg->identity != NULL || cfg->multi_key == OT_TSM_MULTI_KEY_AUTO ||
                cfg->multi_key == OT_TSM_MULTI_KEY_OFF,
            OT_E_ARG);
  memset(tsm, 0, sizeof(*tsm));
  tsm->cfg = *cfg;
  ot_tsm_known_flush(tsm); /* the caller's storage starts empty */
  /* SP 800-90A §8.6.7: entropy input plus a nonce of half the strength. */
  uint8_t seed[OT_DRBG_MIN_ENTROPY + OT_DRBG_MIN_NONCE];
  ot_status st = ot_rng_fill(cfg->entropy, seed, sizeof(seed));
  if (ot_ok(st))
    st = ot_drbg_instantiate(&tsm->drbg, seed, OT_DRBG_MIN_ENTROPY, seed + OT_DRBG_MIN_ENTROPY,
                             OT_DRBG_MIN_NONCE, (const uint8_t *)"opentsm tsm", 11);
  ot_zeroize(seed, sizeof(seed));
  if (!ot_ok(st)) {
    ot_drbg_uninstantiate(&tsm->drbg);
    OT_BAIL(OT_E_RNG);
  }
  tsm->rng = (ot_tsm_rng){.base = {.fill = rng_fill}, .drbg = &tsm->drbg};
  ot_spdm_requester_config_default(&tsm->spdm, &tsm->rng.base, cfg->clock);
  const ot_tsm_policy *p = cfg->policy;
  tsm->spdm.versions = OT_SPDM_VMASK_ALL; /* 1.0 .. 1.4; the policy's minimum applies */
  tsm->spdm.min_version = p->min_version;
  tsm->spdm.algs = p->algs;
  tsm->spdm.anchors = p->anchors;
  tsm->spdm.anchor_count = p->anchor_count;
  tsm->spdm.x509_cache = cfg->x509_cache;
  if (cfg->identity) {
    st = ot_spdm_requester_config_identity(&tsm->spdm, cfg->identity);
    if (!ot_ok(st)) {
      ot_drbg_uninstantiate(&tsm->drbg);
      return st;
    }
    /* DSP0274 1.3 §10.4 MULTI_KEY_CAP: the TSM's keys are listed with their
     * KeyPairID / CertificateInfo / KeyUsageMask when the device makes the
     * connection multi-key for it (RequesterMultiKeyConn). */
    tsm->spdm.caps &= ~OT_SPDM_CAP_MULTI_KEY_MASK;
    if (cfg->multi_key == OT_TSM_MULTI_KEY_AUTO || cfg->multi_key == OT_TSM_MULTI_KEY_NEG)
      tsm->spdm.caps |= OT_SPDM_CAP_MULTI_KEY_NEG;
    else if (cfg->multi_key == OT_TSM_MULTI_KEY_ONLY)
      tsm->spdm.caps |= OT_SPDM_CAP_MULTI_KEY_ONLY;
  }
  tsm->ready = true;
  return OT_SUCCESS;
}

void ot_tsm_free(ot_tsm *tsm) {
  if (tsm == NULL) return;
  ot_drbg_uninstantiate(&tsm->drbg);
  ot_zeroize(&tsm->rng, sizeof(tsm->rng));
  ot_zeroize(&tsm->scratch, sizeof(tsm->scratch));
  tsm->ready = false;
}

/* ---- relay ------------------------------------------------------------------- */

static ot_status relay_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                const uint8_t *req, size_t req_len, uint8_t *rsp, size_t rsp_cap,
                                size_t *rsp_len) {
  ot_tsm_relay *r = (ot_tsm_relay *)t;
  OT_GUARD(ot_doe_exchange(r->host, vendor, type, req, req_len, rsp, rsp_cap, rsp_len));
  /* Plain GET_MEASUREMENTS and its answer are kept for the guest's evidence
   * (DSP0274 §10.11: they are signed, not secret). */
  ot_tsm_evidence *ev = r->capture;
  if (ev != NULL && vendor == OT_DOE_VENDOR_PCISIG && type == OT_DOE_TYPE_SPDM && req_len >= 2 &&
      req[1] == OT_SPDM_GET_MEASUREMENTS && req_len <= sizeof(ev->get_meas) &&
      *rsp_len <= sizeof(ev->meas)) {
    memcpy(ev->get_meas, req, req_len);
    ev->get_meas_len = req_len;
    memcpy(ev->meas, rsp, *rsp_len);
    ev->meas_len = *rsp_len;
  }
  return OT_SUCCESS;
}

/* ---- devices ----------------------------------------------------------------- */

OT_RESULT ot_tsm_dev_init(ot_tsm_dev *dev, ot_tsm *tsm, const ot_tsm_dev_desc *desc) {
  OT_ENSURE(dev && tsm && tsm->ready && desc && desc->name && desc->doe, OT_E_ARG);
  size_t n = strlen(desc->name);
  OT_ENSURE(n > 0 && n < OT_TSM_NAME_MAX, OT_E_ARG);
  OT_ENSURE(desc->link == NULL || tsm->cfg.backend != NULL, OT_E_ARG);
  memset(dev, 0, sizeof(*dev));
  dev->tsm = tsm;
  memcpy(dev->name, desc->name, n + 1);
  dev->link = desc->link;
  dev->rp_block = desc->rp_block;
  dev->rp_rid = desc->rp_rid;
  dev->relay = (ot_tsm_relay){.base = {.exchange = relay_exchange}, .host = desc->doe};
  dev->state = OT_TSM_DEV_IDLE;
  if (desc->psk) {
    OT_ENSURE(desc->psk->key && desc->psk->key_len >= 1 && desc->psk->key_len <= OT_SPDM_PSK_MAX,
              OT_E_ARG);
    dev->psk = desc->psk;
    /* DSP0274 1.3 GET_CAPABILITIES: PSK_CAP (01b for a requester) is what
     * lets the device accept PSK_EXCHANGE; offered on every connection. */
    tsm->spdm.caps |= OT_SPDM_CAP_PSK;
  }
  return OT_SUCCESS;
}

void ot_tsm_dev_free(ot_tsm_dev *dev) {
  if (dev == NULL || dev->tsm == NULL) return;
  if (dev->state == OT_TSM_DEV_CONNECTED) OT_IGNORE(ot_tsm_disconnect(dev->tsm, dev));
  ot_zeroize(dev, sizeof(*dev));
}
