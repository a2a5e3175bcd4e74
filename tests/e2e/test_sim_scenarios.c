/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every named scenario on the built-in platform: the attack is detected or
 * prevented, no corrupted byte reaches a guest, and the key-exposure audit
 * of every link byte and every relayed DOE byte finds no secret.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/sim_scenario.h"
#include "opentsm/sim_world.h"
#include "testsupport.h"

static ot_sim_topology topo;

static int setup(void **s) {
  (void)s;
  return ot_ok(ot_sim_topology_default(&topo)) ? 0 : -1;
}

static void run_named(const char *name, bool detected) {
  const ot_sim_scenario *sc = ot_sim_scenario_find(name);
  assert_non_null(sc);
  ot_sim_scn_opts o = {.seed = 7, .narrate = getenv("OT_NARRATE") ? stdout : NULL};
  ot_sim_scn_result r;
  assert_ot_ok(ot_sim_scenario_run(sc, &topo, &o, &r));
  if (!r.passed) fail_msg("%s: %s", name, r.failure);
  assert_int_equal(r.detected, detected);
  assert_int_equal(r.corrupted, 0);
  assert_int_equal(r.exposed, 0);
  assert_true(r.secrets >= 10);
  assert_true(r.bytes_scanned > 1000);
}

#define SCN_TEST(fn, name, det)                                                                    \
  static void fn(void **s) {                                                                       \
    (void)s;                                                                                       \
    run_named(name, det);                                                                          \
  }
SCN_TEST(test_eavesdrop, "eavesdrop", false)
SCN_TEST(test_tamper_header, "tamper-header", true)
SCN_TEST(test_tamper_payload, "tamper-payload", true)
SCN_TEST(test_tamper_mac, "tamper-mac", true)
SCN_TEST(test_replay, "replay", true)
SCN_TEST(test_drop, "drop", true)
SCN_TEST(test_reorder, "reorder", true)
SCN_TEST(test_inject, "inject", false)
SCN_TEST(test_cve_2025_9612, "cve-2025-9612", true)
SCN_TEST(test_cve_2025_9613, "cve-2025-9613", false)
SCN_TEST(test_cve_2025_9614, "cve-2025-9614", true)
SCN_TEST(test_spoof_chain, "spoof-chain", true)
SCN_TEST(test_spoof_measurements, "spoof-measurements", true)
SCN_TEST(test_relay_tamper, "relay-tamper", true)
SCN_TEST(test_relay_replay, "relay-replay", true)
SCN_TEST(test_locked_config_write, "locked-config-write", true)

static void test_every_scenario_has_a_test(void **s) {
  (void)s;
  size_t n;
  const ot_sim_scenario *all = ot_sim_scenarios(&n);
  assert_int_equal(n, 16);
  for (size_t i = 0; i < n; i++) {
    assert_non_null(all[i].summary);
    assert_ptr_equal(ot_sim_scenario_find(all[i].name), &all[i]);
  }
  assert_null(ot_sim_scenario_find("no-such-attack"));
  assert_null(ot_sim_scenario_find(""));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_scenario_has_a_test),
      cmocka_unit_test(test_eavesdrop),
      cmocka_unit_test(test_tamper_header),
      cmocka_unit_test(test_tamper_payload),
      cmocka_unit_test(test_tamper_mac),
      cmocka_unit_test(test_replay),
      cmocka_unit_test(test_drop),
      cmocka_unit_test(test_reorder),
      cmocka_unit_test(test_inject),
      cmocka_unit_test(test_cve_2025_9612),
      cmocka_unit_test(test_cve_2025_9613),
      cmocka_unit_test(test_cve_2025_9614),
      cmocka_unit_test(test_spoof_chain),
      cmocka_unit_test(test_spoof_measurements),
      cmocka_unit_test(test_relay_tamper),
      cmocka_unit_test(test_relay_replay),
      cmocka_unit_test(test_locked_config_write),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
