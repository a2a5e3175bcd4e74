/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder's heartbeat timeout (SPEC-FACTS §2.13; DSP0274 §10.14): an
 * established session that receives nothing for 2 x HeartbeatPeriod ends,
 * on a simulated clock. One line per boundary.
 */
#include "spdm_rig.h"

#define PERIOD 3u /* seconds */

static rig *hb_rig(uint8_t seed, bool clock, uint32_t *sid) {
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12, false, false, seed});
  g->rcfg.heartbeat_period = PERIOD;
  if (clock) g->rcfg.clock = &g->clock.base;
  rig_authenticate(g, 0);
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, 0, sid));
  return g;
}

static size_t live_sessions(const rig *g) {
  size_t n = 0;
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++)
    n += g->rsp.sessions[i].used;
  return n;
}

/* Silence of `ms` after the session was established; true if it survived. */
static bool survives(uint64_t ms, uint8_t seed) {
  uint32_t sid;
  rig *g = hb_rig(seed, true, &sid);
  assert_int_equal(g->req.sessions[0].heartbeat_period, PERIOD);
  ot_sim_clock_advance(&g->clock, ms * OT_NS_PER_MS);
  bool ok = ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_int_equal(live_sessions(g), ok ? 1 : 0);
  rig_free(g);
  return ok;
}

static void test_silence_boundaries(void **s) {
  (void)s;
  assert_true(survives(0, 80));
  assert_true(survives(PERIOD * 1000, 81));
  assert_true(survives(2 * PERIOD * 1000, 82)); /* exactly 2 x period: not yet */
  assert_false(survives(2 * PERIOD * 1000 + 1, 83));
  assert_false(survives(10 * PERIOD * 1000, 84));
}

/* Each message restarts the count: heartbeats every 5 s keep a 3 s session. */
static void test_traffic_keeps_the_session(void **s) {
  (void)s;
  uint32_t sid;
  rig *g = hb_rig(85, true, &sid);
  for (int i = 0; i < 6; i++) {
    ot_sim_clock_advance(&g->clock, 5 * OT_NS_PER_S);
    assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  }
  rig_free(g);
}

/* expire_sessions ends it without any traffic, and says how many. */
static void test_expire_without_traffic(void **s) {
  (void)s;
  uint32_t sid, sid2;
  rig *g = hb_rig(86, true, &sid);
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, 0, &sid2));
  ot_sim_clock_advance(&g->clock, 4 * OT_NS_PER_S);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid2));
  ot_sim_clock_advance(&g->clock, 3 * OT_NS_PER_S); /* sid: 7 s silent; sid2: 3 s */
  assert_int_equal(ot_spdm_responder_expire_sessions(&g->rsp), 1);
  assert_int_equal(live_sessions(g), 1);
  assert_int_equal(ot_spdm_responder_expire_sessions(&g->rsp), 0);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid2));
  assert_int_equal(ot_spdm_responder_expire_sessions(NULL), 0);
  rig_free(g);
}

/* No timeout without a clock, with period 0, or when the requester lacks HBEAT_CAP. */
static void test_no_clock_no_timeout(void **s) {
  (void)s;
  uint32_t sid;
  rig *g = hb_rig(87, false, &sid);
  ot_sim_clock_advance(&g->clock, 3600 * OT_NS_PER_S);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  rig_free(g);
}

static void test_requester_without_hbeat_cap_gets_period_zero(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12, false, false, 88});
  g->rcfg.heartbeat_period = PERIOD;
  g->rcfg.clock = &g->clock.base;
  g->qcfg.caps &= ~OT_SPDM_CAP_HBEAT;
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, 0, &sid));
  assert_int_equal(g->req.sessions[0].heartbeat_period, 0);
  ot_sim_clock_advance(&g->clock, 3600 * OT_NS_PER_S);
  assert_int_equal(ot_spdm_responder_expire_sessions(&g->rsp), 0);
  assert_int_equal(live_sessions(g), 1);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_silence_boundaries),
      cmocka_unit_test(test_traffic_keeps_the_session),
      cmocka_unit_test(test_expire_without_traffic),
      cmocka_unit_test(test_no_clock_no_timeout),
      cmocka_unit_test(test_requester_without_hbeat_cap_gets_period_zero),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
