/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `opentsm demo`: the main job. Builds the built-in platform and tells, as a
 * report, how the TSM connects and attests a device, how a confidential
 * guest binds its interface and moves data through it under IDE, and how an
 * interposer's tampering fails. Writes the TLPs of the device's link and the
 * DOE objects the host relayed as pcap files. Exit 0 only if every step
 * behaved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "demo.h"
#include "opentsm/sim_scenario.h"
#include "opentsm/sim_topology.h"

#define DEMO_USAGE "usage: opentsm demo [--seed N] [--pcap FILE] [--quiet]\n"

int ot_cmd_demo(int argc, char **argv) {
  uint64_t seed = 2026;
  const char *pcap = "opentsm-demo.pcap";
  bool quiet = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      if (!ot_demo_parse_seed("demo", argv[++i], &seed)) return OT_EXIT_USAGE;
    } else if (strcmp(argv[i], "--pcap") == 0 && i + 1 < argc) {
      pcap = argv[++i];
    } else if (strcmp(argv[i], "--quiet") == 0) {
      quiet = true;
    } else {
      fprintf(stderr, "opentsm demo: unknown option '%s'\n" DEMO_USAGE, argv[i]);
      return OT_EXIT_USAGE;
    }
  }
  ot_sim_topology *t = calloc(1, sizeof(*t));
  if (t == NULL) return OT_EXIT_FAILURE;
  ot_status st = ot_sim_topology_default(t);
  char doe[512];
  ot_demo_doe_path(pcap, doe, sizeof doe);
  ot_sim_scn_opts o = {
      .seed = seed, .narrate = quiet ? NULL : stdout, .tlp_pcap = pcap, .doe_pcap = doe};
  ot_sim_scn_result r;
  printf("opentsm demo (seed %llu): the built-in platform, end to end\n", (unsigned long long)seed);
  if (ot_ok(st)) st = ot_sim_demo_run(t, &o, &r);
  free(t);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm demo: %s (%s)\n", ot_status_message(st), ot_status_name(st));
    return ot_is(st, OT_E_IO) ? OT_EXIT_IO : OT_EXIT_FAILURE;
  }
  printf("[6] key-exposure audit: %zu secrets of the TSM and the devices searched in %zu bytes "
         "(link + host relays): %zu found\n",
         r.secrets, r.bytes_scanned, r.exposed);
  printf("pcap: TLPs of the device's link in %s, DOE objects in %s\n", pcap, doe);
  ot_demo_print_verdict(stdout, "demo", &r);
  printf(r.passed ? "demo: every step behaved\n" : "demo: FAILED\n");
  return r.passed ? OT_EXIT_OK : OT_EXIT_FAILURE;
}
