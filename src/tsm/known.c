/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Known devices: the TSM's bounded cache of validated certificate chains,
 * keyed by their digest (tsm.h "Known devices"; DSP0274 1.3 §10.5-10.6).
 * Storage is the caller's (ot_tsm_config.known, known_cap entries); when
 * full, the least recently used entry is replaced.
 */
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/tsm.h"
#include "tsm_internal.h"

static void forget(ot_tsm_known_chain *k) { ot_zeroize(k, sizeof(*k)); }

/* Slot 0's CertModel as this connection's DIGESTS reported it (DSP0274 1.3
 * §10.5 CertificateInfo bits 2:0, multi-key connections only), which picks
 * the leaf profile of the validation (requester_cert.c verify_chain); 0
 * without MULTI_KEY_CONN, where there is no model and the chain is
 * validated as a device chain. */
static uint8_t slot0_model(const ot_spdm_requester *q) {
  return q->neg.multi_key_conn
             ? (uint8_t)(q->slots[0].cert_info & OT_SPDM_CERT_INFO_MODEL_MASK)
             : OT_SPDM_CERT_MODEL_NONE;
}

/* Same hash, same BaseAsymAlgo, same anchors, same certificate model: the
 * validation it records is the one this connection would perform (x509
 * policy curve = the negotiated BaseAsymAlgo's, leaf profile = the model,
 * requester_cert.c). */
static bool same_context(const ot_tsm *tsm, const ot_tsm_known_chain *k,
                         const ot_spdm_requester *q) {
  return k->used && k->hash == q->neg.hash && k->base_asym == q->neg.base_asym &&
         k->anchors == tsm->spdm.anchors && k->anchor_count == tsm->spdm.anchor_count &&
         k->multi_key == q->neg.multi_key_conn && k->cert_model == slot0_model(q);
}

static ot_tsm_known_chain *find(ot_tsm *tsm, const ot_spdm_requester *q, const uint8_t *digest) {
  size_t h = q->neg.sizes.hash_len;
  for (size_t i = 0; i < tsm->cfg.known_cap; i++) {
    ot_tsm_known_chain *k = &tsm->cfg.known[i];
    if (same_context(tsm, k, q) && ot_ct_equal(k->digest, digest, h)) return k;
  }
  return NULL;
}

bool tsm_known_use(ot_tsm *tsm, ot_tsm_dev *dev) {
  ot_spdm_requester *q = &dev->spdm;
  if (tsm->cfg.known == NULL || tsm->cfg.known_cap == 0 || !(q->digest_mask & 1u)) return false;
  /* DSP0274 §10.5: the digest this connection's DIGESTS reports for slot 0;
   * a chain with any other digest is another chain (full fetch). */
  ot_tsm_known_chain *k = find(tsm, q, q->digests[0]);
  if (k == NULL) return false;
  time_t now = tsm->spdm.now;
  if (now < k->valid_from || now > k->valid_until) {
    /* RFC 5280 §6.1.3 (a)(2): the verdict does not outlive the path's
     * validity; validate afresh (which then refuses an expired chain). */
    forget(k);
    tsm->known_stats.expired++;
    return false;
  }
  ot_status st = ot_spdm_requester_use_known_chain(q, 0, k->digest, q->neg.sizes.hash_len, k->pub,
                                                   k->pub_len, k->valid_from, k->valid_until);
  if (!ot_ok(st)) return false;
  k->last_use = ++tsm->known_tick;
  tsm->known_stats.hits++;
  OT_LOGD(TSM_LOG, "%s: chain of slot 0 known, GET_CERTIFICATE skipped", dev->name);
  return true;
}

void tsm_known_keep(ot_tsm *tsm, const ot_tsm_dev *dev) {
  const ot_spdm_requester *q = &dev->spdm;
  const ot_spdm_peer_slot *ps = &q->slots[0];
  if (tsm->cfg.known == NULL || tsm->cfg.known_cap == 0 || !ps->verified) return;
  /* Only a verdict reached under the TSM's own anchors at its time. */
  if (ps->checked_anchors != tsm->spdm.anchors ||
      ps->checked_anchor_count != tsm->spdm.anchor_count)
    return;
  size_t h = q->neg.sizes.hash_len;
  ot_tsm_known_chain *k = find(tsm, q, ps->digest);
  if (k == NULL) {
    ot_tsm_known_chain *oldest = &tsm->cfg.known[0];
    for (size_t i = 0; i < tsm->cfg.known_cap && k == NULL; i++) {
      ot_tsm_known_chain *e = &tsm->cfg.known[i];
      if (!e->used)
        k = e;
      else if (e->last_use < oldest->last_use)
        oldest = e;
    }
    if (k == NULL) {
      k = oldest;
      tsm->known_stats.evictions++;
    }
  }
  forget(k);
  k->used = true;
  k->hash = q->neg.hash;
  k->base_asym = q->neg.base_asym;
  k->multi_key = q->neg.multi_key_conn;
  k->cert_model = slot0_model(q);
  memcpy(k->digest, ps->digest, h);
  memcpy(k->pub, ps->pub, ps->pub_len);
  k->pub_len = ps->pub_len;
  k->valid_from = ps->valid_from;
  k->valid_until = ps->valid_until;
  k->anchors = tsm->spdm.anchors;
  k->anchor_count = tsm->spdm.anchor_count;
  k->last_use = ++tsm->known_tick;
}

void ot_tsm_known_flush(ot_tsm *tsm) {
  if (tsm == NULL || tsm->cfg.known == NULL) return;
  for (size_t i = 0; i < tsm->cfg.known_cap; i++)
    forget(&tsm->cfg.known[i]);
}

OT_RESULT ot_tsm_set_policy(ot_tsm *tsm, const ot_tsm_policy *policy) {
  OT_ENSURE(tsm && tsm->ready && policy, OT_E_ARG);
  OT_ENSURE(policy->anchors_loaded || policy->anchor_count == 0, OT_E_ARG);
  tsm->cfg.policy = policy;
  tsm->spdm.min_version = policy->min_version;
  uint16_t req_asym = tsm->spdm.algs.req_asym; /* our identity's, not the policy's */
  tsm->spdm.algs = policy->algs;
  tsm->spdm.algs.req_asym = req_asym;
  tsm->spdm.anchors = policy->anchors;
  tsm->spdm.anchor_count = policy->anchor_count;
  /* Chains were validated under the old anchors (and admitted under the old
   * policy): none is known any more. */
  ot_tsm_known_flush(tsm);
  return OT_SUCCESS;
}
