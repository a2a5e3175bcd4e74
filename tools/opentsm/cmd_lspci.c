/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm lspci: the simulated platform as the untrusted host sees it after
 * enumeration, in lspci's style. -xxxx prints the dump that the real
 * `lspci -F FILE` decodes.
 *
 * The platform is the secure world (opentsm/sim_world.h) built without
 * connecting anything, so every port a TSM would program shows the IDE
 * capability the world gives it (one source of truth). --connected first has
 * the TSM connect every endpoint, as `opentsm sim` does, so the selective
 * streams read back Enabled and Secure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "demo.h"
#include "opentsm/sim_host.h"
#include "opentsm/sim_print.h"
#include "opentsm/sim_topology.h"
#include "opentsm/sim_world.h"

static int usage_error(const char *msg) {
  fprintf(
      stderr,
      "opentsm lspci: %s\nusage: opentsm lspci [-v|-vv|-xxxx] [--connected] [--topology FILE]\n",
      msg);
  return OT_EXIT_USAGE;
}

/* Connects every endpoint through the TSM; false (reported) on the first refusal. */
static bool connect_all(ot_sim_world *w) {
  for (size_t i = 0; i < w->ep_count; i++) {
    ot_tsm_refusal why;
    if (!ot_ok(ot_tsm_connect(&w->tsm, &w->eps[i]->tdev, &why))) {
      fprintf(stderr, "opentsm lspci: connecting %s refused: %s - %s\n", w->eps[i]->name,
              ot_tsm_reason_name(why.reason), why.detail);
      return false;
    }
  }
  return true;
}

int ot_cmd_lspci(int argc, char **argv) {
  const char *path = NULL;
  bool connected = false;
  ot_sim_lspci_mode mode = OT_SIM_LSPCI_BRIEF;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-v") == 0) {
      mode = OT_SIM_LSPCI_VERBOSE;
    } else if (strcmp(argv[i], "-vv") == 0 || strcmp(argv[i], "-vvv") == 0) {
      mode = OT_SIM_LSPCI_VVERBOSE;
    } else if (strcmp(argv[i], "-xxxx") == 0) {
      mode = OT_SIM_LSPCI_HEX;
    } else if (strcmp(argv[i], "--connected") == 0) {
      connected = true;
    } else if (strcmp(argv[i], "--topology") == 0 && i + 1 < argc) {
      path = argv[++i];
    } else {
      return usage_error("unknown option");
    }
  }
  ot_sim_topology *topo = calloc(1, sizeof *topo);
  ot_sim_world *w = NULL;
  int rc = OT_EXIT_FAILURE;
  if (topo == NULL) goto out;
  rc = ot_demo_load_topology("lspci", path, topo);
  if (rc != OT_EXIT_OK) goto out;
  rc = OT_EXIT_FAILURE;
  ot_status st = ot_sim_world_create(topo, NULL, &w);
  if (ot_ok(st) && connected && !connect_all(w)) goto out;
  if (ot_ok(st)) st = ot_sim_lspci(stdout, w->host, mode);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm lspci: %s\n", ot_status_message(st));
    rc = ot_is(st, OT_E_IO) ? OT_EXIT_IO : OT_EXIT_FAILURE;
    goto out;
  }
  rc = OT_EXIT_OK;
out:
  ot_sim_world_destroy(w);
  free(topo);
  return rc;
}
