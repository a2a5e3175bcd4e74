/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes the YAML topology loader. Checks: a failure leaves the output
 * untouched and carries a message; a success is internally consistent
 * (parents first, valid kinds, references in range) and instantiates into a
 * platform that the host can enumerate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/sim_host.h"
#include "opentsm/sim_topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ot_sim_topology g_topo;
static ot_sim_host g_host;

static void check_consistent(const ot_sim_topology *t) {
  if (t->node_count == 0 || t->node_count > OT_SIM_MAX_NODES) abort();
  if (t->nodes[0].kind != OT_SIM_ROOT_COMPLEX || t->nodes[0].parent != -1) abort();
  for (size_t i = 1; i < t->node_count; i++) {
    const ot_sim_node_desc *n = &t->nodes[i];
    if (n->parent < 0 || (size_t)n->parent >= i) abort(); /* parents first */
    if ((unsigned)n->kind >= OT_SIM_NODE_KIND_COUNT || n->kind == OT_SIM_ROOT_COMPLEX) abort();
    if (n->function_count == 0 || n->function_count > OT_SIM_MAX_FUNCTIONS) abort();
  }
  for (size_t i = 0; i < t->tap_count; i++) {
    if (t->taps[i].link <= 0 || (size_t)t->taps[i].link >= t->node_count) abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  memset(&g_topo, 0x5A, sizeof g_topo);
  ot_sim_topo_error err;
  ot_status st = ot_sim_topology_parse((const char *)data, size, NULL, &g_topo, &err);
  if (!ot_ok(st)) {
    if (err.message[0] == '\0') abort();
    const uint8_t *raw = (const uint8_t *)&g_topo;
    for (size_t i = 0; i < sizeof g_topo; i++) {
      if (raw[i] != 0x5A) abort(); /* nothing half-built */
    }
    return 0;
  }
  check_consistent(&g_topo);
  ot_sim_platform *p;
  if (!ot_ok(ot_sim_platform_create(&g_topo, &p))) return 0;
  ot_status hs = ot_sim_host_boot(&g_host, p);
  if (ot_ok(hs) && g_host.topo.count == 0 && g_topo.node_count > 1) abort();
  ot_sim_platform_destroy(p);
  return 0;
}
