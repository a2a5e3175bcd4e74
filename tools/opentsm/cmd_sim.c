/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `opentsm sim`: runs a platform (the built-in one or --topology FILE): every
 * endpoint is connected by the TSM, its first TDI is taken by its guest,
 * which writes, reads back and receives DMA through it. --scenario NAME
 * first applies a scenario of the topology file (its taps), or runs one of
 * the named attacks (`opentsm attack --list`) on this platform instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "demo.h"
#include "opentsm/sim_scenario.h"
#include "opentsm/sim_world.h"

#define SIM_USAGE                                                                                  \
  "usage: opentsm sim [--topology FILE] [--scenario NAME] [--policy FILE] [--seed N]\n"

/* One endpoint's run; true if it behaved (connected, accepted, data intact). */
static bool run_endpoint(ot_sim_world *w, size_t i) {
  ot_sim_endpoint *ep = w->eps[i];
  ot_tsm_refusal why;
  printf("%s (RID %04x, %zu TDI): ", ep->name, ep->rid, ep->tdi_count);
  ot_status st = ot_tsm_connect(&w->tsm, &ep->tdev, &why);
  if (!ot_ok(st)) {
    printf("connect refused: %s - %s\n", ot_tsm_reason_name(why.reason), why.detail);
    return false;
  }
  char gname[OT_TSM_NAME_MAX];
  ot_sim_world_guest_name(i, gname);
  ot_sim_guest g;
  if (!ot_ok(ot_sim_guest_init(&g, w, ep, 0, gname))) return false;
  bool ok = false;
  st = ot_sim_guest_accept(&g);
  if (!ot_ok(st)) {
    printf("connected; %s refused the TDI: %s - %s\n", gname, ot_tsm_reason_name(g.why.reason),
           g.why.detail);
  } else {
    uint8_t msg[16] = "sim: guest data", back[16];
    msg[15] = (uint8_t)i;
    st = ot_sim_guest_mmio_write(&g, 0x80, msg, sizeof msg);
    if (ot_ok(st)) st = ot_sim_guest_mmio_read(&g, 0x80, back, sizeof back);
    if (ot_ok(st)) st = ot_sim_device_dma_write(ep, 0, (uint32_t)(0x100 * i), msg, sizeof msg);
    ok = ot_ok(st) && memcmp(back, msg, sizeof msg) == 0 &&
         memcmp(w->guest_mem + 0x100 * i, msg, sizeof msg) == 0;
    if (ok)
      printf("connected, %s accepted TDI %05x; MMIO and DMA intact (IDE stream %u)\n", gname,
             ep->tdi_desc[0].function_id, ot_sim_stream_id(ep));
    else
      printf("connected, %s accepted; traffic failed: %s (IDE refusals: device %llu, root port "
             "%llu)\n",
             gname, ot_status_name(st), (unsigned long long)ep->ep_port.ide_failures,
             (unsigned long long)ep->rp_port.ide_failures);
  }
  ot_sim_guest_free(&g);
  return ok;
}

static int run_platform(const ot_sim_topology *t, const char *policy, uint64_t seed,
                        const char *scenario) {
  ot_sim_world_opts o;
  ot_sim_world_opts_default(&o);
  o.seed = seed;
  o.policy_path = policy;
  ot_sim_world *w;
  ot_status st = ot_sim_world_create(t, &o, &w);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm sim: platform: %s (%s)\n", ot_status_message(st), ot_status_name(st));
    return ot_is(st, OT_E_IO) ? OT_EXIT_IO : OT_EXIT_FAILURE;
  }
  printf("platform '%s': %zu endpoint(s), policy %s, seed %llu\n", t->name, w->ep_count,
         policy ? policy : "generated for the platform", (unsigned long long)seed);
  if (scenario != NULL) {
    st = ot_sim_platform_apply_scenario(w->p, scenario);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm sim: scenario '%s': %s\n", scenario, ot_status_name(st));
      ot_sim_world_destroy(w);
      return OT_EXIT_FAILURE;
    }
    printf("topology scenario '%s' applied\n", scenario);
  }
  size_t good = 0;
  for (size_t i = 0; i < w->ep_count; i++)
    good += run_endpoint(w, i);
  for (size_t i = 0; scenario != NULL && i < t->tap_count; i++) {
    ot_sim_tap *tap = ot_sim_platform_tap(w->p, t->taps[i].name);
    if (tap == NULL) continue;
    printf("tap %s (%s on %s): seen %llu, acted on %llu\n", tap->name,
           ot_sim_tap_action_name(tap->action), tap->link ? tap->link->name : "-",
           (unsigned long long)tap->stats.seen, (unsigned long long)tap->stats.matched);
  }
  size_t count = w->ep_count;
  printf("%zu of %zu endpoint(s) in secure use\n", good, count);
  ot_sim_world_destroy(w);
  /* With a scenario applied, a refused endpoint is the expected outcome. */
  return scenario != NULL || good == count ? OT_EXIT_OK : OT_EXIT_FAILURE;
}

int ot_cmd_sim(int argc, char **argv) {
  uint64_t seed = 2026;
  const char *topo_path = NULL, *scenario = NULL, *policy = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      if (!ot_demo_parse_seed("sim", argv[++i], &seed)) return OT_EXIT_USAGE;
    } else if (strcmp(argv[i], "--topology") == 0 && i + 1 < argc) {
      topo_path = argv[++i];
    } else if (strcmp(argv[i], "--scenario") == 0 && i + 1 < argc) {
      scenario = argv[++i];
    } else if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
      policy = argv[++i];
    } else {
      fprintf(stderr, "opentsm sim: unknown option '%s'\n" SIM_USAGE, argv[i]);
      return OT_EXIT_USAGE;
    }
  }
  ot_sim_topology *t = calloc(1, sizeof(*t));
  if (t == NULL) return OT_EXIT_FAILURE;
  int lrc = ot_demo_load_topology("sim", topo_path, t);
  if (lrc != OT_EXIT_OK) {
    free(t);
    return lrc;
  }
  int rc;
  const ot_sim_scenario *attack = scenario ? ot_sim_scenario_find(scenario) : NULL;
  if (scenario != NULL && ot_sim_topology_find_scenario(t, scenario) < 0 && attack == NULL) {
    fprintf(stderr, "opentsm sim: no scenario '%s' in the topology or among the attacks\n",
            scenario);
    rc = OT_EXIT_USAGE;
  } else if (attack != NULL && ot_sim_topology_find_scenario(t, scenario) < 0) {
    ot_sim_scn_opts o = {.seed = seed, .narrate = stdout};
    ot_sim_scn_result r;
    printf("attack %s on platform '%s': %s\n", attack->name, t->name, attack->summary);
    ot_status st = ot_sim_scenario_run(attack, t, &o, &r);
    if (ot_ok(st)) ot_demo_print_verdict(stdout, attack->name, &r);
    rc = ot_ok(st) && r.passed ? OT_EXIT_OK : OT_EXIT_FAILURE;
  } else {
    rc = run_platform(t, policy, seed, scenario);
  }
  free(t);
  return rc;
}
