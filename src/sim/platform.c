/* SPDX-License-Identifier: BSD-3-Clause */
/* Platform lifecycle, lookups and scenarios: see opentsm/sim_platform.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

const ot_sim_node *sim_first_child(const ot_sim_platform *p, const ot_sim_node *n) {
  for (size_t i = 0; i < p->node_count; i++) {
    if (p->nodes[i].parent == n) return &p->nodes[i];
  }
  return NULL;
}

/* Nodes below a port across a link: a switch's upstream port or an endpoint. */
static bool has_uplink(const ot_sim_node *n) {
  return n->parent != NULL && (n->parent->desc->kind == OT_SIM_ROOT_PORT ||
                               n->parent->desc->kind == OT_SIM_SWITCH_DOWNSTREAM);
}

static ot_status build_node(ot_sim_platform *p, ot_sim_node *n) {
  ot_sim_sink_init(&n->up_port);
  ot_sim_sink_init(&n->down_port);
  for (size_t k = 0; k < n->desc->function_count; k++) {
    ot_sim_function *f = calloc(1, sizeof *f);
    OT_ENSURE(f != NULL, OT_E_NOMEM);
    n->functions[k] = f;
    n->function_count = k + 1;
    f->node = n;
    f->desc = &n->desc->functions[k];
    OT_GUARD(sim_function_build(p, f));
  }
  if (!has_uplink(n)) return OT_SUCCESS;
  n->uplink = calloc(1, sizeof *n->uplink);
  OT_ENSURE(n->uplink != NULL, OT_E_NOMEM);
  ot_status st = ot_sim_link_init(n->uplink, &p->loop, n->desc->name, (uint16_t)n->index,
                                  n->desc->link.latency_ns, 0);
  if (!ot_ok(st)) {
    free(n->uplink);
    n->uplink = NULL;
    return st;
  }
  ot_sim_link_connect(n->uplink, &n->up_port.base, &n->parent->down_port.base);
  return OT_SUCCESS;
}

ot_status ot_sim_platform_create(const ot_sim_topology *t, ot_sim_platform **out) {
  OT_ENSURE(t != NULL && out != NULL, OT_E_ARG);
  OT_ENSURE(t->node_count > 0 && t->node_count <= OT_SIM_MAX_NODES, OT_E_ARG);
  ot_sim_platform *p = calloc(1, sizeof *p);
  OT_ENSURE(p != NULL, OT_E_NOMEM);
  memcpy(&p->topo, t, sizeof *t);
  ot_sim_loop_init(&p->loop, 0);
  p->node_count = t->node_count;
  for (size_t i = 0; i < p->node_count; i++) {
    ot_sim_node *n = &p->nodes[i];
    n->desc = &p->topo.nodes[i];
    n->index = i;
    n->parent = n->desc->parent >= 0 ? &p->nodes[n->desc->parent] : NULL;
  }
  ot_status st = OT_SUCCESS;
  for (size_t i = 0; i < p->node_count; i++)
    OT_GUARD_GOTO(st, build_node(p, &p->nodes[i]), fail);
  if (t->tap_count > 0) {
    p->taps = calloc(t->tap_count, sizeof *p->taps);
    OT_ENSURE_GOTO(st, p->taps != NULL, OT_E_NOMEM, fail);
  }
  *out = p;
  return OT_SUCCESS;
fail:
  ot_sim_platform_destroy(p);
  return st;
}

void ot_sim_platform_destroy(ot_sim_platform *p) {
  if (p == NULL) return;
  for (size_t i = p->topo.tap_count; i-- > 0;) {
    if (p->tap_ready[i])
      OT_IGNORE(ot_sim_tap_destroy(&p->taps[i])); /* closing: nothing to report to */
  }
  free(p->taps);
  for (size_t i = p->node_count; i-- > 0;) {
    ot_sim_node *n = &p->nodes[i];
    if (n->uplink != NULL) {
      ot_sim_link_destroy(n->uplink);
      free(n->uplink);
    }
    for (size_t k = n->function_count; k-- > 0;)
      sim_function_free(n->functions[k]);
  }
  free(p);
}

ot_sim_node *ot_sim_platform_node(ot_sim_platform *p, const char *name) {
  int i = ot_sim_topology_find(&p->topo, name);
  return i < 0 ? NULL : &p->nodes[i];
}

ot_sim_function *ot_sim_node_function(ot_sim_node *n, uint8_t fn) {
  for (size_t k = 0; k < n->function_count; k++) {
    if (OT_SIM_DEVFN_FN(n->functions[k]->desc->devfn) == fn) return n->functions[k];
  }
  return NULL;
}

ot_status ot_sim_platform_apply_scenario(ot_sim_platform *p, const char *name) {
  int s = ot_sim_topology_find_scenario(&p->topo, name);
  OT_ENSURE(s >= 0, OT_E_NOT_FOUND);
  const ot_sim_scenario_desc *sc = &p->topo.scenarios[s];
  for (size_t k = 0; k < sc->tap_count; k++)
    OT_ENSURE(!p->tap_ready[sc->first_tap + k], OT_E_STATE);
  ot_status st = OT_SUCCESS;
  size_t done = 0;
  for (; done < sc->tap_count; done++) {
    size_t i = sc->first_tap + done;
    const ot_sim_tap_desc *d = &p->topo.taps[i];
    ot_sim_tap *t = &p->taps[i];
    OT_GUARD_GOTO(st, ot_sim_tap_from_desc(t, d), undo);
    ot_sim_link *l = p->nodes[d->link].uplink;
    st = l != NULL ? ot_sim_tap_attach(t, l) : ot_status_of(OT_E_INTERNAL);
    if (!ot_ok(st)) {
      OT_IGNORE(ot_sim_tap_destroy(t)); /* the attach error is the one to report */
      goto undo;
    }
    p->tap_ready[i] = true;
  }
  return OT_SUCCESS;
undo:
  while (done-- > 0) {
    size_t i = sc->first_tap + done;
    OT_IGNORE(ot_sim_tap_destroy(&p->taps[i])); /* unwinding: the first error is reported */
    p->tap_ready[i] = false;
  }
  return st;
}

ot_sim_tap *ot_sim_platform_tap(ot_sim_platform *p, const char *name) {
  for (size_t i = 0; i < p->topo.tap_count; i++) {
    if (p->tap_ready[i] && strcmp(p->topo.taps[i].name, name) == 0) return &p->taps[i];
  }
  return NULL;
}

ot_status ot_sim_platform_audit_links(ot_sim_platform *p, ot_sim_audit *a) {
  for (size_t i = 0; i < p->topo.tap_count; i++) {
    if (!p->tap_ready[i] || p->taps[i].action != OT_SIM_TAP_OBSERVE) continue;
    OT_GUARD(ot_sim_audit_add(a, p->taps[i].name, &p->taps[i].capture));
  }
  return OT_SUCCESS;
}

void ot_sim_bdf_format(uint8_t bus, uint8_t devfn, char out[static 9]) {
  snprintf(out, 9, "%02x:%02x.%u", bus, OT_SIM_DEVFN_DEV(devfn), OT_SIM_DEVFN_FN(devfn));
}
