/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `opentsm attack NAME`: runs one named attack scenario (or all of them) on
 * the built-in platform, or on --topology FILE, and says whether it was
 * detected or prevented, by what, and what the key-exposure audit found.
 * --list names them; --json prints data instead of the story.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "demo.h"
#include "opentsm/sim_scenario.h"
#include "opentsm/sim_topology.h"

#define ATTACK_USAGE                                                                               \
  "usage: opentsm attack --list [--json]\n"                                                        \
  "       opentsm attack NAME|all [--seed N] [--topology FILE] [--pcap FILE] [--json]\n"

static int list(bool json) {
  size_t n;
  const ot_sim_scenario *all = ot_sim_scenarios(&n);
  if (json) fputc('[', stdout);
  for (size_t i = 0; i < n; i++) {
    if (json) {
      fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
      ot_demo_json_string(stdout, all[i].name);
      fputs(",\"attack\":", stdout);
      ot_demo_json_string(stdout, all[i].summary);
      fputs(",\"mitigation\":", stdout);
      ot_demo_json_string(stdout, all[i].mitigation);
      fputc('}', stdout);
    } else {
      printf("%-20s %s\n%-20s   -> %s\n", all[i].name, all[i].summary, "", all[i].mitigation);
    }
  }
  if (json) fputs("]\n", stdout);
  return OT_EXIT_OK;
}

int ot_cmd_attack(int argc, char **argv) {
  uint64_t seed = 2026;
  const char *name = NULL, *topo_path = NULL, *pcap = NULL;
  bool json = false, want_list = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      if (!ot_demo_parse_seed("attack", argv[++i], &seed)) return OT_EXIT_USAGE;
    } else if (strcmp(argv[i], "--topology") == 0 && i + 1 < argc) {
      topo_path = argv[++i];
    } else if (strcmp(argv[i], "--pcap") == 0 && i + 1 < argc) {
      pcap = argv[++i];
    } else if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (strcmp(argv[i], "--list") == 0) {
      want_list = true;
    } else if (argv[i][0] != '-' && name == NULL) {
      name = argv[i];
    } else {
      fprintf(stderr, "opentsm attack: unknown option '%s'\n" ATTACK_USAGE, argv[i]);
      return OT_EXIT_USAGE;
    }
  }
  if (want_list) return list(json);
  if (name == NULL) {
    fputs("opentsm attack: name a scenario (--list shows them)\n" ATTACK_USAGE, stderr);
    return OT_EXIT_USAGE;
  }
  size_t n;
  const ot_sim_scenario *all = ot_sim_scenarios(&n);
  bool every = strcmp(name, "all") == 0;
  const ot_sim_scenario *one = every ? NULL : ot_sim_scenario_find(name);
  if (!every && one == NULL) {
    fprintf(stderr, "opentsm attack: no scenario '%s' (--list shows them)\n", name);
    return OT_EXIT_USAGE;
  }
  ot_sim_topology *t = calloc(1, sizeof(*t));
  if (t == NULL) return OT_EXIT_FAILURE;
  int lrc = ot_demo_load_topology("attack", topo_path, t);
  if (lrc != OT_EXIT_OK) {
    free(t);
    return lrc;
  }
  char doe[512];
  if (pcap != NULL) ot_demo_doe_path(pcap, doe, sizeof doe);
  bool all_passed = true;
  if (json && every) fputc('[', stdout);
  for (size_t i = 0; i < n; i++) {
    const ot_sim_scenario *sc = every ? &all[i] : one;
    if (!every && i > 0) break;
    if (!json) printf("attack %s: %s\n", sc->name, sc->summary);
    ot_sim_scn_opts o = {.seed = seed,
                         .narrate = json ? NULL : stdout,
                         .tlp_pcap = pcap,
                         .doe_pcap = pcap ? doe : NULL};
    ot_sim_scn_result r;
    ot_status st = ot_sim_scenario_run(sc, t, &o, &r);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm attack %s: %s (%s)\n", sc->name, ot_status_message(st),
              ot_status_name(st));
      free(t);
      return ot_is(st, OT_E_IO) ? OT_EXIT_IO : OT_EXIT_FAILURE;
    }
    all_passed = all_passed && r.passed;
    if (json) {
      if (every && i > 0) fputc(',', stdout);
      ot_demo_print_json(stdout, sc->name, &r);
    } else {
      ot_demo_print_verdict(stdout, sc->name, &r);
    }
  }
  if (json) fputs(every ? "]\n" : "\n", stdout);
  free(t);
  return all_passed ? OT_EXIT_OK : OT_EXIT_FAILURE;
}
