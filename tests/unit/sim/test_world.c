/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The secure platform's wiring: devices from the profiles, the generated
 * policy, the host relay as the TSM's transport, the guest's own checks and
 * the datapath's refusals.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/sim_world.h"
#include "testsupport.h"

static ot_sim_topology topo;

static int setup(void **s) {
  (void)s;
  return ot_ok(ot_sim_topology_default(&topo)) ? 0 : -1;
}

static ot_sim_world *world(uint64_t seed) {
  ot_sim_world_opts o;
  ot_sim_world_opts_default(&o);
  o.seed = seed;
  ot_sim_world *w = NULL;
  assert_ot_ok(ot_sim_world_create(&topo, &o, &w));
  return w;
}

static void test_every_endpoint_is_a_device_behind_its_relay(void **s) {
  (void)s;
  ot_sim_world *w = world(1);
  assert_int_equal(w->ep_count, 2);
  assert_non_null(ot_sim_world_endpoint(w, "gpu0"));
  assert_null(ot_sim_world_endpoint(w, "rp0"));
  for (size_t i = 0; i < w->ep_count; i++) {
    ot_sim_endpoint *ep = w->eps[i];
    /* The TSM's transport is the host's relay, nothing else. */
    assert_ptr_equal(ep->tdev.relay.host, ot_sim_relay_transport(&ep->relay));
    assert_ptr_equal(ep->doe_fn->slots[0].impl, &ep->dsm.plain.base);
    assert_true(ep->tdi_count >= 1);
    assert_int_equal(ep->id.meas_count, ep->node->desc->measurement_count);
  }
  assert_int_equal(w->eps[0]->tdi_count, 2);
  /* The generated policy: one anchor and the references per endpoint. */
  assert_int_equal(w->policy.anchor_count, 2);
  assert_int_equal(w->policy.devices[0].meas_count, 3);
  assert_string_equal(w->policy.devices[1].guests[0], "guest-1");
  ot_tsm_refusal why;
  assert_ot_ok(ot_tsm_connect(&w->tsm, &w->eps[1]->tdev, &why));
  assert_true(w->eps[1]->relay.stats.exchanges > 5);
  ot_sim_world_destroy(w);
}

static void test_identity_follows_the_seed(void **s) {
  (void)s;
  ot_sim_world *a = world(5), *b = world(5), *c = world(6);
  size_t n = ot_curve_public_size(a->eps[0]->id.keys[0].curve);
  assert_memory_equal(a->eps[0]->id.keys[0].pub, b->eps[0]->id.keys[0].pub, n);
  assert_memory_not_equal(a->eps[0]->id.keys[0].pub, c->eps[0]->id.keys[0].pub, n);
  /* The profile's curve: gpu0 P-384, nvme0 P-256. */
  assert_int_equal(a->eps[0]->id.keys[0].curve, OT_CURVE_P384);
  assert_int_equal(a->eps[1]->id.keys[0].curve, OT_CURVE_P256);
  ot_sim_world_destroy(a);
  ot_sim_world_destroy(b);
  ot_sim_world_destroy(c);
}

static void test_guest_uses_the_tdi_only_after_accepting(void **s) {
  (void)s;
  ot_sim_world *w = world(2);
  ot_sim_endpoint *ep = w->eps[0];
  ot_sim_guest g;
  assert_ot_ok(ot_sim_guest_init(&g, w, ep, 0, "guest-0"));
  uint8_t d[8] = {1, 2, 3, 4, 5, 6, 7, 8}, back[8];
  assert_ot_code(ot_sim_guest_mmio_write(&g, 0, d, 8), OT_E_STATE);
  assert_ot_code(ot_sim_guest_recheck(&g), OT_E_STATE);
  /* The device may not DMA as a TDI before RUN. */
  assert_ot_code(ot_sim_device_dma_write(ep, 0, 0, d, 8), OT_E_POLICY);
  ot_tsm_refusal why;
  assert_ot_ok(ot_tsm_connect(&w->tsm, &ep->tdev, &why));
  assert_ot_ok(ot_sim_guest_accept(&g));
  assert_int_equal(ep->dev_tdi[0]->state, OT_TDI_RUN);
  assert_ot_ok(ot_sim_guest_mmio_write(&g, 8, d, 8));
  assert_ot_ok(ot_sim_guest_mmio_read(&g, 8, back, 8));
  assert_memory_equal(back, d, 8);
  assert_ot_ok(ot_sim_device_dma_write(ep, 0, 16, d, 8));
  assert_memory_equal(w->guest_mem + 16, d, 8);
  /* Unaligned or out-of-page accesses are refused before anything is sent. */
  assert_ot_code(ot_sim_guest_mmio_write(&g, 2, d, 8), OT_E_ARG);
  assert_ot_code(ot_sim_guest_mmio_read(&g, OT_SIM_DEV_MEM - 4, back, 8), OT_E_ARG);
  assert_ot_code(ot_sim_device_dma_write(ep, 0, OT_SIM_GUEST_MEM, d, 8), OT_E_ARG);
  assert_ot_ok(ot_sim_guest_recheck(&g));
  ot_sim_guest_free(&g);
  ot_sim_world_destroy(w);
}

static void test_guest_not_in_policy_is_refused(void **s) {
  (void)s;
  ot_sim_world *w = world(3);
  ot_sim_endpoint *ep = w->eps[0];
  ot_tsm_refusal why;
  assert_ot_ok(ot_tsm_connect(&w->tsm, &ep->tdev, &why));
  ot_sim_guest g;
  assert_ot_ok(ot_sim_guest_init(&g, w, ep, 0, "guest-1"));
  assert_ot_code(ot_sim_guest_accept(&g), OT_E_POLICY);
  assert_int_equal(g.why.reason, OT_TSM_R_GUEST_NOT_ALLOWED);
  assert_false(g.accepted);
  assert_int_equal(ep->dev_tdi[0]->state, OT_TDI_CONFIG_UNLOCKED);
  ot_sim_guest_free(&g);
  assert_ot_code(ot_sim_guest_init(&g, w, ep, 7, "guest-0"), OT_E_ARG);
  ot_sim_world_destroy(w);
}

static void test_unmodelled_identity_and_missing_policy_fail_cleanly(void **s) {
  (void)s;
  ot_sim_topology *t = malloc(sizeof(*t));
  assert_non_null(t);
  *t = topo;
  int gpu = ot_sim_topology_find(t, "gpu0");
  assert_true(gpu >= 0);
  t->nodes[gpu].identity.algorithm = OT_SIM_ALG_ED25519;
  ot_sim_world *w = NULL;
  assert_ot_code(ot_sim_world_create(t, NULL, &w), OT_E_UNSUPPORTED);
  assert_null(w);
  ot_sim_world_opts o;
  ot_sim_world_opts_default(&o);
  o.policy_path = "/nonexistent/policy.yaml";
  assert_false(ot_ok(ot_sim_world_create(&topo, &o, &w)));
  assert_null(w);
  assert_ot_code(ot_sim_world_create(NULL, NULL, &w), OT_E_ARG);
  free(t);
}

static void test_rekey_keeps_the_stream_secure(void **s) {
  (void)s;
  ot_sim_world *w = world(4);
  ot_sim_endpoint *ep = w->eps[1];
  ot_tsm_refusal why;
  assert_ot_ok(ot_tsm_connect(&w->tsm, &ep->tdev, &why));
  ot_sim_guest g;
  assert_ot_ok(ot_sim_guest_init(&g, w, ep, 0, "guest-1"));
  assert_ot_ok(ot_sim_guest_accept(&g));
  uint8_t d[4] = {9, 8, 7, 6}, back[4];
  assert_ot_ok(ot_sim_ide_rekey(ep));
  assert_int_equal(ep->tdev.key_set, 1);
  assert_ot_ok(ot_sim_guest_mmio_write(&g, 0, d, 4));
  assert_ot_ok(ot_sim_guest_mmio_read(&g, 0, back, 4));
  assert_memory_equal(back, d, 4);
  assert_ot_ok(ot_sim_ide_rekey(ep));
  assert_int_equal(ep->tdev.key_set, 0);
  assert_ot_ok(ot_sim_guest_mmio_read(&g, 0, back, 4));
  assert_int_equal(ep->ep_port.ide_failures + ep->rp_port.ide_failures, 0);
  ot_sim_guest_free(&g);
  ot_sim_world_destroy(w);
}

static void test_connect_brings_the_stream_up(void **s) {
  (void)s;
  ot_sim_world *w = world(8);
  ot_sim_endpoint *a = w->eps[0], *b = w->eps[1];
  assert_ptr_equal(a->rp, b->rp); /* one root port above both */
  assert_int_not_equal(a->rp_block, b->rp_block);
  ot_sim_guest g;
  assert_ot_ok(ot_sim_guest_init(&g, w, a, 0, "guest-0"));
  g.accepted = true; /* a guest that skips its checks still gets nothing through */
  uint8_t d[4] = {1, 2, 3, 4};
  assert_ot_code(ot_sim_guest_mmio_write(&g, 0, d, 4), OT_E_STATE);
  g.accepted = false;
  ot_tsm_refusal why;
  assert_ot_ok(ot_tsm_connect(&w->tsm, &a->tdev, &why));
  assert_ot_ok(ot_tsm_connect(&w->tsm, &b->tdev, &why));
  assert_true(a->tdev.ide_up && b->tdev.ide_up);
  assert_int_not_equal(ot_sim_stream_id(a), ot_sim_stream_id(b));
  ot_ide_state st;
  assert_ot_ok(
      ot_ide_stream_state(ot_ide_rx_engine(&a->dsm.ide_rx), ot_sim_stream_id(a), &st, NULL));
  assert_int_equal(st, OT_IDE_SECURE);
  /* Bound but not started: T=1 requests are refused by the TDI. */
  assert_ot_ok(ot_tsm_bind(&w->tsm, &a->ttdi[0], "guest-0", g.ev, &why));
  g.accepted = true;
  assert_ot_ok(ot_sim_guest_mmio_write(&g, 0, d, 4));
  assert_int_equal(a->ep_port.tdisp_rejects, 1);
  assert_int_equal(a->ep_port.last_verdict, OT_TDISP_REJECT_NOT_RUN);
  assert_int_equal(a->mem[0], 0);
  ot_sim_guest_free(&g);
  ot_sim_world_destroy(w);
}

static ot_status add_nothing(void *ctx) {
  (void)ctx;
  return OT_SUCCESS;
}

static ot_status fail_install(void *ctx) {
  (void)ctx;
  return ot_status_of(OT_E_NO_SPACE);
}

static void test_bar_watcher_needs_a_hook_at_bar0(void **s) {
  (void)s;
  ot_sim_platform *p;
  assert_ot_ok(ot_sim_platform_create(&topo, &p));
  ot_sim_function *f = ot_sim_node_function(ot_sim_platform_node(p, "nvme0"), 0);
  assert_non_null(f);
  size_t hooks = f->cfg.hook_count;
  assert_ot_code(ot_sim_function_watch_bars(f, add_nothing, NULL), OT_E_STATE);
  assert_ot_code(ot_sim_function_watch_bars(f, fail_install, NULL), OT_E_NO_SPACE);
  assert_ot_code(ot_sim_function_watch_bars(NULL, add_nothing, NULL), OT_E_ARG);
  /* The decoder is back in charge each time: sizing still works. */
  assert_int_equal(f->cfg.hook_count, hooks);
  assert_ot_ok(ot_cfg_space_write(&f->cfg, 0x10, 4, 0xFFFFFFFFu));
  uint32_t v;
  assert_ot_ok(ot_cfg_space_read(&f->cfg, 0x10, 4, &v));
  assert_int_equal(v & 0xFFFFF000u, 0xFFFFC000u); /* 16 KiB BAR */
  ot_sim_platform_destroy(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_endpoint_is_a_device_behind_its_relay),
      cmocka_unit_test(test_identity_follows_the_seed),
      cmocka_unit_test(test_guest_uses_the_tdi_only_after_accepting),
      cmocka_unit_test(test_guest_not_in_policy_is_refused),
      cmocka_unit_test(test_unmodelled_identity_and_missing_policy_fail_cleanly),
      cmocka_unit_test(test_rekey_keeps_the_stream_secure),
      cmocka_unit_test(test_connect_brings_the_stream_up),
      cmocka_unit_test(test_bar_watcher_needs_a_hook_at_bar0),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
