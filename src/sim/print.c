/* SPDX-License-Identifier: BSD-3-Clause */
/* The platform as an indented tree: see ot_sim_print_tree in opentsm/sim_print.h. */
#include <inttypes.h>
#include <string.h>

#include "opentsm/sim_print.h"
#include "opentsm/spec/pcie.h"
#include "sim_internal.h"

#define OUT(...)                                                                                   \
  do {                                                                                             \
    if (fprintf(out, __VA_ARGS__) < 0) OT_BAIL(OT_E_IO);                                           \
  } while (0)

static ot_status print_node(FILE *out, ot_sim_platform *p, const ot_sim_node *n, char *prefix,
                            size_t plen, bool last) {
  const ot_sim_node_desc *d = n->desc;
  bool root = n->parent == NULL;
  OUT("%.*s%s%s [%s]", (int)plen, prefix, root ? "" : (last ? "`-- " : "|-- "), d->name,
      ot_sim_node_kind_name(d->kind));
  if (root) OUT(" root bus %02x", d->root_bus);
  int bus = ot_sim_node_bus(p, n);
  for (size_t k = 0; k < n->function_count; k++) {
    const ot_sim_function_desc *f = n->functions[k]->desc;
    char bdf[9] = "--:--.-";
    if (bus >= 0) ot_sim_bdf_format((uint8_t)bus, f->devfn, bdf);
    OUT("%s %s %04x:%04x", k ? "," : "", bdf, d->vendor, f->device_id);
  }
  if (d->kind != OT_SIM_ENDPOINT && !root) {
    uint32_t r = ot_cfg_peek32(&n->functions[0]->cfg, OT_PCI_T1_PRIMARY_BUS);
    if ((r >> 8 & 0xFF) != 0) OUT(" buses %02x-%02x", r >> 8 & 0xFF, r >> 16 & 0xFF);
  }
  if (n->uplink != NULL)
    OUT(" link Gen%u x%u %" PRIu64 " ns", d->link.speed, d->link.width, d->link.latency_ns);
  if (d->tdi_count > 0) OUT(" tdis %zu", d->tdi_count);
  if (d->ide.present) OUT(" ide");
  OUT("\n");
  size_t children = 0, seen = 0;
  for (size_t i = 0; i < p->node_count; i++)
    children += p->nodes[i].parent == n;
  char sub[4 * OT_SIM_MAX_NODES + 4];
  size_t slen = plen;
  memcpy(sub, prefix, plen);
  if (!root) {
    memcpy(sub + slen, last ? "    " : "|   ", 4);
    slen += 4;
  }
  for (size_t i = 0; i < p->node_count; i++) {
    if (p->nodes[i].parent != n) continue;
    seen++;
    OT_GUARD(print_node(out, p, &p->nodes[i], sub, slen, seen == children));
  }
  return OT_SUCCESS;
}

ot_status ot_sim_print_tree(FILE *out, ot_sim_platform *p) {
  OT_ENSURE(out != NULL && p != NULL && p->node_count > 0, OT_E_ARG);
  OUT("topology %s: %zu nodes\n", p->topo.name, p->node_count);
  char prefix[4] = "";
  OT_GUARD(print_node(out, p, &p->nodes[0], prefix, 0, true));
  if (p->topo.scenario_count > 0) {
    OUT("scenarios:");
    for (size_t i = 0; i < p->topo.scenario_count; i++)
      OUT(" %s", p->topo.scenarios[i].name);
    OUT("\n");
  }
  OT_ENSURE(fflush(out) == 0, OT_E_IO);
  return OT_SUCCESS;
}
