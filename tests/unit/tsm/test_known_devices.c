/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Known devices (tsm.h "Known devices"; DSP0274 1.3 §10.5-10.6): a device
 * whose DIGESTS names a chain the TSM already validated is not asked for it
 * again (GET_CERTIFICATE counted at the host's relay), yet must still prove
 * it holds the leaf key; another digest means a full fetch and validation;
 * a policy or anchor change, or a validation time outside the path's
 * validity window, forgets the verdict; the cache holds at most known_cap
 * chains and replaces the least recently used.
 */
#include "tsm_rig.h"

#define CAP 4u

/* Two names, both admitted, no reference measurements; anchors root0..n-1. */
static void policy_two(rig *g, rig_dev *const *anchors, size_t n) {
  static const char *const yaml[] = {
      "version: 1\ntrust_anchors: [root0.der]\ndevices:\n  - name: gpu0\n  - name: nvme0\n"
      "  - name: fpga0\n",
      "version: 1\ntrust_anchors: [root0.der, root1.der]\ndevices:\n  - name: gpu0\n"
      "  - name: nvme0\n  - name: fpga0\n",
      "version: 1\ntrust_anchors: [root0.der, root1.der, root2.der]\ndevices:\n"
      "  - name: gpu0\n  - name: nvme0\n  - name: fpga0\n",
  };
  rig_policy_n(g, anchors, n, yaml[n - 1]);
}

static rig *rig_with_cache(size_t cap) {
  rig *g = rig_new();
  g->known_cap = cap;
  g->known = cap ? calloc(cap, sizeof(ot_tsm_known_chain)) : NULL;
  return g;
}

static void done(rig *g) {
  ot_tsm_known_chain *k = g->known;
  rig_free(g);
  free(k);
}

static rig_dev *add(rig *g, const char *name, uint8_t seed, bool wrong_key) {
  return rig_add_device(
      g,
      &(rig_dev_opts){.name = name, .curve = OT_CURVE_P256, .seed = seed, .wrong_key = wrong_key});
}

/* Connects d and returns how many GET_CERTIFICATE it sent; disconnects. */
static unsigned connect_count(rig *g, rig_dev *d) {
  d->host.spdm_req[OT_SPDM_GET_CERTIFICATE] = 0;
  ot_tsm_refusal why;
  ot_status st = ot_tsm_connect(&g->tsm, &d->tdev, &why);
  if (!ot_ok(st)) fail_msg("%s: %s", ot_tsm_reason_name(why.reason), why.detail);
  assert_int_equal(d->tdev.state, OT_TSM_DEV_CONNECTED);
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &d->tdev));
  return d->host.spdm_req[OT_SPDM_GET_CERTIFICATE];
}

static void refused(rig *g, rig_dev *d, ot_tsm_reason reason) {
  ot_tsm_refusal why;
  assert_false(ot_ok(ot_tsm_connect(&g->tsm, &d->tdev, &why)));
  if (why.reason != reason)
    fail_msg("reason %s (%s), wanted %s", ot_tsm_reason_name(why.reason), why.detail,
             ot_tsm_reason_name(reason));
  assert_int_equal(d->tdev.state, OT_TSM_DEV_IDLE);
}

static void hit_skips_get_certificate(void **s) {
  (void)s;
  rig *g = rig_with_cache(CAP);
  rig_dev *a = add(g, "gpu0", 1, false);
  policy_two(g, &a, 1);
  rig_start_tsm(g);
  assert_true(connect_count(g, a) > 0);
  assert_int_equal(g->tsm.known_stats.misses, 1);
  /* The entry: slot 0's digest, and the window of the generated hierarchy
   * (every certificate valid from RIG_NOW - 1 day to RIG_NOW + 3650 days). */
  assert_true(g->known[0].used);
  assert_int_equal(g->known[0].valid_from, RIG_NOW - RIG_DAY);
  assert_int_equal(g->known[0].valid_until, RIG_NOW + 3650 * RIG_DAY);
  unsigned challenges = a->host.spdm_req[OT_SPDM_CHALLENGE];
  unsigned digests = a->host.spdm_req[OT_SPDM_GET_DIGESTS];
  for (int round = 0; round < 3; round++)
    assert_int_equal(connect_count(g, a), 0);
  assert_int_equal(g->tsm.known_stats.hits, 3);
  assert_int_equal(g->tsm.known_stats.misses, 1);
  /* GET_DIGESTS and CHALLENGE are still sent on every connect. */
  assert_int_equal(a->host.spdm_req[OT_SPDM_GET_DIGESTS], digests + 3);
  assert_int_equal(a->host.spdm_req[OT_SPDM_CHALLENGE], challenges + 3);
  done(g);
}

static void no_cache_always_fetches(void **s) {
  (void)s;
  rig *g = rig_with_cache(0);
  rig_dev *a = add(g, "gpu0", 1, false);
  policy_two(g, &a, 1);
  rig_start_tsm(g);
  assert_true(connect_count(g, a) > 0);
  assert_true(connect_count(g, a) > 0);
  assert_int_equal(g->tsm.known_stats.hits, 0);
  done(g);
}

/* Another chain (another digest) is fetched and validated in full. */
static void other_digest_full_fetch(void **s) {
  (void)s;
  rig *g = rig_with_cache(CAP);
  rig_dev *a = add(g, "gpu0", 1, false);
  rig_dev *b = add(g, "nvme0", 2, false);
  rig_dev *both[2] = {a, b};
  policy_two(g, both, 2);
  rig_start_tsm(g);
  assert_true(connect_count(g, a) > 0);
  assert_true(connect_count(g, b) > 0);
  assert_int_equal(connect_count(g, a), 0);
  assert_int_equal(connect_count(g, b), 0);
  assert_int_equal(g->tsm.known_stats.misses, 2);
  assert_int_equal(g->tsm.known_stats.hits, 2);
  done(g);
}

/* The cache spares the fetch, not the proof (DSP0274 §10.7 CHALLENGE): the
 * kept leaf key is what the signature is checked with. With a's entry made
 * to hold b's leaf key, a's CHALLENGE_AUTH no longer verifies. */
static void known_chain_still_needs_the_key(void **s) {
  (void)s;
  rig *g = rig_with_cache(CAP);
  rig_dev *a = add(g, "gpu0", 1, false);
  rig_dev *b = add(g, "nvme0", 2, false);
  rig_dev *both[2] = {a, b};
  policy_two(g, both, 2);
  rig_start_tsm(g);
  assert_true(connect_count(g, a) > 0);
  assert_true(connect_count(g, b) > 0);
  assert_int_equal(g->known[0].pub_len, g->known[1].pub_len);
  memcpy(g->known[0].pub, g->known[1].pub, g->known[1].pub_len);
  a->host.spdm_req[OT_SPDM_GET_CERTIFICATE] = 0;
  refused(g, a, OT_TSM_R_KEY_MISMATCH);
  assert_int_equal(a->host.spdm_req[OT_SPDM_GET_CERTIFICATE], 0);
  assert_int_equal(g->tsm.known_stats.hits, 1);
  done(g);
}

/* The requester hook itself: only this connection's digest, only in the window. */
static void hook_checks_digest_and_window(void **s) {
  (void)s;
  rig *g = rig_with_cache(CAP);
  rig_dev *a = add(g, "gpu0", 1, false);
  policy_two(g, &a, 1);
  rig_start_tsm(g);
  ot_tsm_refusal why;
  assert_ot_ok(ot_tsm_connect(&g->tsm, &a->tdev, &why));
  ot_spdm_requester *q = &a->tdev.spdm;
  const ot_tsm_known_chain *k = &g->known[0];
  size_t h = q->neg.sizes.hash_len;
  uint8_t bad[OT_HASH_MAX_SIZE];
  memcpy(bad, k->digest, h);
  bad[h - 1] ^= 1;
  ot_spdm_peer_slot before = q->slots[0];
  assert_ot_code(ot_spdm_requester_use_known_chain(q, 0, bad, h, k->pub, k->pub_len, k->valid_from,
                                                   k->valid_until),
                 OT_E_VERIFY);
  assert_ot_code(ot_spdm_requester_use_known_chain(q, 0, k->digest, h - 1, k->pub, k->pub_len,
                                                   k->valid_from, k->valid_until),
                 OT_E_VERIFY);
  assert_ot_code(ot_spdm_requester_use_known_chain(q, 1, k->digest, h, k->pub, k->pub_len,
                                                   k->valid_from, k->valid_until),
                 OT_E_VERIFY); /* slot 1 is not provisioned */
  assert_ot_code(ot_spdm_requester_use_known_chain(q, 0, k->digest, h, k->pub, k->pub_len,
                                                   k->valid_from, RIG_NOW - 1),
                 OT_E_CERT);
  assert_memory_equal(&before, &q->slots[0], sizeof(before));
  assert_ot_ok(ot_spdm_requester_use_known_chain(q, 0, k->digest, h, k->pub, k->pub_len,
                                                 k->valid_from, k->valid_until));
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &a->tdev));
  done(g);
}

static void policy_and_anchor_changes_forget(void **s) {
  (void)s;
  rig *g = rig_with_cache(CAP);
  rig_dev *a = add(g, "gpu0", 1, false);
  rig_dev *b = add(g, "nvme0", 2, false);
  rig_dev *both[2] = {a, b};
  policy_two(g, both, 2);
  rig_start_tsm(g);
  assert_true(connect_count(g, a) > 0);
  assert_int_equal(connect_count(g, a), 0);
  /* The same policy set again: its anchors may have changed, forget. */
  assert_ot_ok(ot_tsm_set_policy(&g->tsm, &g->policy));
  assert_true(connect_count(g, a) > 0);
  assert_int_equal(connect_count(g, a), 0);
  ot_tsm_known_flush(&g->tsm);
  assert_true(connect_count(g, a) > 0);
  /* A policy that no longer trusts a's root: refused, not served from the
   * cache (b's root only, as root0.der of a second policy). */
  ot_tsm_policy *p2 = calloc(1, sizeof(*p2));
  assert_non_null(p2);
  ot_x509_cert root;
  assert_ot_ok(ot_spdm_identity_root(&b->id, 0, &root));
  char path[128];
  snprintf(path, sizeof(path), "%s/root0.der", g->dir);
  rig_write(path, root.der, root.len);
  static const char yaml[] =
      "version: 1\ntrust_anchors: [root0.der]\ndevices:\n  - name: gpu0\n  - name: nvme0\n";
  ot_tsm_policy_error err;
  assert_ot_ok(ot_tsm_policy_parse(p2, yaml, strlen(yaml), g->dir, &err));
  assert_ot_ok(ot_tsm_set_policy(&g->tsm, p2));
  a->host.spdm_req[OT_SPDM_GET_CERTIFICATE] = 0;
  refused(g, a, OT_TSM_R_CERT_UNTRUSTED);
  assert_true(a->host.spdm_req[OT_SPDM_GET_CERTIFICATE] > 0);
  assert_true(connect_count(g, b) > 0);
  assert_int_equal(connect_count(g, b), 0);
  assert_ot_code(ot_tsm_set_policy(&g->tsm, NULL), OT_E_ARG);
  done(g);
  free(p2);
}

/* known_cap bounds the cache; the least recently used chain is replaced. */
static void bounded_lru_eviction(void **s) {
  (void)s;
  rig *g = rig_with_cache(2);
  rig_dev *a = add(g, "gpu0", 1, false);
  rig_dev *b = add(g, "nvme0", 2, false);
  rig_dev *c = add(g, "fpga0", 3, false);
  rig_dev *all[3] = {a, b, c};
  policy_two(g, all, 3);
  rig_start_tsm(g);
  assert_true(connect_count(g, a) > 0);
  assert_true(connect_count(g, b) > 0);
  assert_int_equal(connect_count(g, a), 0); /* a used last: b is the oldest */
  assert_true(connect_count(g, c) > 0);     /* replaces b */
  assert_int_equal(g->tsm.known_stats.evictions, 1);
  assert_int_equal(connect_count(g, a), 0);
  assert_int_equal(connect_count(g, c), 0);
  assert_true(connect_count(g, b) > 0); /* b was forgotten; replaces a */
  assert_int_equal(g->tsm.known_stats.evictions, 2);
  assert_true(connect_count(g, a) > 0);
  size_t used = 0;
  for (size_t i = 0; i < g->known_cap; i++)
    used += g->known[i].used;
  assert_int_equal(used, 2);
  done(g);
}

/* The verdict does not outlive the path's notAfter: past it, the chain is
 * fetched and validated again, and refused as expired. */
static void expired_verdict_validates_again(void **s) {
  (void)s;
  rig *g = rig_with_cache(CAP);
  rig_dev *a = add(g, "gpu0", 1, false);
  policy_two(g, &a, 1);
  rig_start_tsm(g);
  assert_true(connect_count(g, a) > 0);
  assert_int_equal(connect_count(g, a), 0);
  ot_sim_clock_advance(&g->clock, (uint64_t)(3651 * RIG_DAY) * OT_NS_PER_S);
  a->host.spdm_req[OT_SPDM_GET_CERTIFICATE] = 0;
  refused(g, a, OT_TSM_R_CERT_UNTRUSTED);
  assert_true(a->host.spdm_req[OT_SPDM_GET_CERTIFICATE] > 0);
  assert_int_equal(g->tsm.known_stats.expired, 1);
  assert_false(g->known[0].used);
  done(g);
}

static void init_rejects_cap_without_storage(void **s) {
  (void)s;
  rig *g = rig_with_cache(0);
  rig_dev *a = add(g, "gpu0", 1, false);
  policy_two(g, &a, 1);
  ot_tsm_config c = {.policy = &g->policy,
                     .entropy = &g->entropy.rng,
                     .clock = &g->clock.base,
                     .wall_epoch = RIG_NOW,
                     .known_cap = 3};
  ot_tsm t;
  assert_ot_code(ot_tsm_init(&t, &c), OT_E_ARG);
  done(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hit_skips_get_certificate),
      cmocka_unit_test(no_cache_always_fetches),
      cmocka_unit_test(other_digest_full_fetch),
      cmocka_unit_test(known_chain_still_needs_the_key),
      cmocka_unit_test(hook_checks_digest_and_window),
      cmocka_unit_test(policy_and_anchor_changes_forget),
      cmocka_unit_test(bounded_lru_eviction),
      cmocka_unit_test(expired_verdict_validates_again),
      cmocka_unit_test(init_rejects_cap_without_storage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
