/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: a slot vouched for by a chain validated before (a TSM's cache
 * of known devices). DSP0274 1.3 §10.5: each DIGESTS entry is the hash of
 * the slot's certificate chain under the negotiated hash; §10.6 retrieves
 * the chain itself, which a requester that already holds and validated the
 * chain with that digest need not do again (the digest identifies it: a
 * different chain has a different digest). The proof that the device holds
 * the leaf key is still made fresh, by CHALLENGE or KEY_EXCHANGE.
 */
#include "requester_internal.h"

#include "opentsm/secure.h"

OT_RESULT ot_spdm_requester_use_known_chain(ot_spdm_requester *q, uint8_t slot,
                                            const uint8_t *digest, size_t digest_len,
                                            const uint8_t *pub, size_t pub_len, time_t valid_from,
                                            time_t valid_until) {
  OT_GUARD(req_ready(q));
  OT_ENSURE(slot < OT_SPDM_MAX_SLOT_COUNT && digest && pub, OT_E_ARG);
  OT_ENSURE(pub_len > 0 && pub_len <= OT_PUBLIC_KEY_MAX, OT_E_ARG);
  size_t h = q->neg.sizes.hash_len;
  /* §10.5: only this connection's DIGESTS says which chain the slot holds
   * now; a digest under another hash, or another digest, is another chain. */
  OT_ENSURE(digest_len == h, OT_E_VERIFY);
  OT_ENSURE((q->digest_mask & (1u << slot)) != 0, OT_E_VERIFY);
  OT_ENSURE(ot_ct_equal(digest, q->digests[slot], h), OT_E_VERIFY);
  /* RFC 5280 §6.1.3 (a)(2): the earlier verdict holds only while every
   * certificate of the path is within its validity period. */
  OT_ENSURE(q->cfg->now >= valid_from && q->cfg->now <= valid_until, OT_E_CERT);
  ot_spdm_peer_slot *ps = &q->slots[slot];
  memcpy(ps->digest, digest, h);
  memcpy(ps->pub, pub, pub_len);
  ps->pub_len = pub_len;
  /* Recorded as a validation against these anchors now: a later
   * GET_CERTIFICATE of the same blob (evidence) keeps the verdict too. */
  ps->checked_anchors = q->cfg->anchors;
  ps->checked_anchor_count = q->cfg->anchor_count;
  ps->checked_now = q->cfg->now;
  ps->valid_from = valid_from;
  ps->valid_until = valid_until;
  ps->verified = true;
  return OT_SUCCESS;
}
