/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm lspci: the simulated platform as the untrusted host sees it after
 * enumeration, in lspci's style. -xxxx prints the dump that the real
 * `lspci -F FILE` decodes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "opentsm/sim_host.h"
#include "opentsm/sim_print.h"
#include "opentsm/sim_topology.h"

static int usage_error(const char *msg) {
  fprintf(stderr, "opentsm lspci: %s\nusage: opentsm lspci [-v|-vv|-xxxx] [--topology FILE]\n",
          msg);
  return OT_EXIT_USAGE;
}

int ot_cmd_lspci(int argc, char **argv) {
  const char *path = NULL;
  ot_sim_lspci_mode mode = OT_SIM_LSPCI_BRIEF;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-v") == 0) {
      mode = OT_SIM_LSPCI_VERBOSE;
    } else if (strcmp(argv[i], "-vv") == 0 || strcmp(argv[i], "-vvv") == 0) {
      mode = OT_SIM_LSPCI_VVERBOSE;
    } else if (strcmp(argv[i], "-xxxx") == 0) {
      mode = OT_SIM_LSPCI_HEX;
    } else if (strcmp(argv[i], "--topology") == 0 && i + 1 < argc) {
      path = argv[++i];
    } else {
      return usage_error("unknown option");
    }
  }
  ot_sim_topology *topo = calloc(1, sizeof *topo);
  ot_sim_host *host = calloc(1, sizeof *host);
  ot_sim_platform *p = NULL;
  int rc = OT_EXIT_FAILURE;
  if (topo == NULL || host == NULL) goto out;
  ot_sim_topo_error err;
  ot_status st = ot_sim_topology_load_or_default(path, topo, &err);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm lspci: %s:%u:%u: %s\n", path ? path : "(default)", err.mark.line,
            err.mark.column, err.message);
    rc = ot_is(st, OT_E_IO) ? OT_EXIT_IO : OT_EXIT_FAILURE;
    goto out;
  }
  st = ot_sim_platform_create(topo, &p);
  if (ot_ok(st)) st = ot_sim_host_boot(host, p);
  if (ot_ok(st)) st = ot_sim_lspci(stdout, host, mode);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm lspci: %s\n", ot_status_message(st));
    rc = ot_is(st, OT_E_IO) ? OT_EXIT_IO : OT_EXIT_FAILURE;
    goto out;
  }
  rc = OT_EXIT_OK;
out:
  ot_sim_platform_destroy(p);
  free(host);
  free(topo);
  return rc;
}
