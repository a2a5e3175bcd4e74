/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm topology: the simulated platform's tree (after the host's
 * enumeration, so each function shows its BDF), as text or --json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "demo.h"
#include "opentsm/sim_host.h"
#include "opentsm/sim_print.h"
#include "opentsm/sim_topology.h"

int ot_cmd_topology(int argc, char **argv) {
  const char *path = NULL;
  int json = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = 1;
    } else if (strcmp(argv[i], "--topology") == 0 && i + 1 < argc) {
      path = argv[++i];
    } else {
      fprintf(stderr,
              "opentsm topology: unknown option '%s'\n"
              "usage: opentsm topology [--topology FILE] [--json]\n",
              argv[i]);
      return OT_EXIT_USAGE;
    }
  }
  ot_sim_topology *topo = calloc(1, sizeof *topo);
  ot_sim_host *host = calloc(1, sizeof *host);
  ot_sim_platform *p = NULL;
  char *text = NULL;
  int rc = OT_EXIT_FAILURE;
  if (topo == NULL || host == NULL) goto out;
  rc = ot_demo_load_topology("topology", path, topo);
  if (rc != OT_EXIT_OK) goto out;
  rc = OT_EXIT_FAILURE;
  ot_status st = ot_sim_platform_create(topo, &p);
  if (ot_ok(st)) st = ot_sim_host_boot(host, p);
  if (ot_ok(st) && json) {
    st = ot_sim_platform_to_json(p, &text);
    if (ot_ok(st) && printf("%s\n", text) < 0) st = ot_status_of(OT_E_IO);
  } else if (ot_ok(st)) {
    st = ot_sim_print_tree(stdout, p);
  }
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm topology: %s\n", ot_status_message(st));
    rc = ot_is(st, OT_E_IO) ? OT_EXIT_IO : OT_EXIT_FAILURE;
    goto out;
  }
  rc = OT_EXIT_OK;
out:
  free(text);
  ot_sim_platform_destroy(p);
  free(host);
  free(topo);
  return rc;
}
