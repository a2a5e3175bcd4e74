/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The known-device fast path through the simulated platform (tsm.h "Known
 * devices"; DSP0274 1.3 §10.5-10.6): the TSM's requests cross the host's
 * relay, which counts GET_CERTIFICATE. The first connect of an endpoint
 * fetches and validates its chain; a reconnect of the same endpoint skips
 * both, and the guest still takes its TDI (evidence with the chain, checked
 * by the guest itself) and uses it; the other endpoint, with another chain,
 * is fetched in full; a device whose chain was replaced (the spoofing
 * scenario's unknown identity) is fetched and refused.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/sim_world.h"
#include "testsupport.h"

static ot_sim_topology topo;
static const ot_sim_relay *counted;
static unsigned get_certificate;

static ot_sim_relay_verdict count(ot_sim_relay *r, ot_sim_relay_stage stage, uint16_t vendor,
                                  uint8_t type, uint8_t *buf, size_t *len, size_t cap) {
  (void)cap;
  if (r == counted && stage == OT_SIM_RELAY_STAGE_REQUEST && vendor == OT_DOE_VENDOR_PCISIG &&
      type == OT_DOE_TYPE_SPDM && *len >= 2 && buf[1] == OT_SPDM_GET_CERTIFICATE)
    get_certificate++;
  return OT_SIM_RELAY_PASS;
}

static int setup(void **s) {
  (void)s;
  return ot_ok(ot_sim_topology_default(&topo)) ? 0 : -1;
}

static ot_sim_world *world(uint64_t seed, size_t spoof) {
  ot_sim_world_opts o;
  ot_sim_world_opts_default(&o);
  o.seed = seed;
  o.spoof_chain_ep = spoof;
  ot_sim_world *w = NULL;
  assert_ot_ok(ot_sim_world_create(&topo, &o, &w));
  for (size_t i = 0; i < w->ep_count; i++)
    w->eps[i]->relay.hook = count;
  return w;
}

/* Connects ep and returns the GET_CERTIFICATE requests its relay carried. */
static unsigned connect_ep(ot_sim_world *w, ot_sim_endpoint *ep) {
  counted = &ep->relay;
  get_certificate = 0;
  ot_tsm_refusal why;
  ot_status st = ot_tsm_connect(&w->tsm, &ep->tdev, &why);
  if (!ot_ok(st)) fail_msg("%s: %s", ot_tsm_reason_name(why.reason), why.detail);
  return get_certificate;
}

static void reconnect_skips_the_chain(void **s) {
  (void)s;
  ot_sim_world *w = world(7, SIZE_MAX);
  ot_sim_endpoint *ep = w->eps[0];
  assert_true(connect_ep(w, ep) > 0);
  assert_ot_ok(ot_tsm_disconnect(&w->tsm, &ep->tdev));
  assert_int_equal(connect_ep(w, ep), 0);
  assert_int_equal(w->tsm.known_stats.hits, 1);
  assert_int_equal(w->tsm.known_stats.misses, 1);
  /* The session is whole: the guest binds, verifies evidence itself, runs. */
  ot_sim_guest g;
  assert_ot_ok(ot_sim_guest_init(&g, w, ep, 0, "guest-0"));
  assert_ot_ok(ot_sim_guest_accept(&g));
  assert_int_equal(ep->dev_tdi[0]->state, OT_TDI_RUN);
  uint8_t d[8] = {8, 7, 6, 5, 4, 3, 2, 1}, back[8];
  assert_ot_ok(ot_sim_guest_mmio_write(&g, 8, d, 8));
  assert_ot_ok(ot_sim_guest_mmio_read(&g, 8, back, 8));
  assert_memory_equal(back, d, 8);
  assert_int_equal(g.bad_bytes, 0);
  ot_sim_guest_free(&g);
  /* The other endpoint (another chain, another curve) is a first contact. */
  assert_true(connect_ep(w, w->eps[1]) > 0);
  assert_int_equal(w->tsm.known_stats.misses, 2);
  ot_sim_world_destroy(w);
}

/* Endpoint 0 presents an identity the platform's vendor never issued: its
 * digest is no known chain's, so it is fetched, validated and refused. */
static void replaced_chain_is_fetched_and_refused(void **s) {
  (void)s;
  ot_sim_world *w = world(8, 0);
  ot_sim_endpoint *ep = w->eps[0];
  counted = &ep->relay;
  get_certificate = 0;
  ot_tsm_refusal why;
  assert_false(ot_ok(ot_tsm_connect(&w->tsm, &ep->tdev, &why)));
  assert_int_equal(why.reason, OT_TSM_R_CERT_UNTRUSTED);
  assert_true(get_certificate > 0);
  assert_int_equal(w->tsm.known_stats.hits, 0);
  for (size_t i = 0; i < OT_SIM_WORLD_MAX_EPS; i++)
    assert_false(w->known[i].used);
  ot_sim_world_destroy(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reconnect_skips_the_chain),
      cmocka_unit_test(replaced_chain_is_fetched_and_refused),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
