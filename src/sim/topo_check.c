/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole-document checks of a parsed topology: keys allowed per node kind,
 * parent references and cycles, which kind may sit below which (PCIe r6.0
 * §1.3: root ports below the root complex, a switch's upstream port below a
 * downstream-facing port, its downstream ports on its internal bus, endpoints
 * below a downstream-facing port), device/function numbers per bus, TDI and
 * tap references. Finally the nodes are put in parent-first order.
 */
#include <string.h>

#include "opentsm/spec/pcie.h"
#include "topo_internal.h"

#define BIT(i) (UINT32_C(1) << (i))

/* Keys each kind may have, and must have. */
static const uint32_t allowed_keys[OT_SIM_NODE_KIND_COUNT] = {
    [OT_SIM_ROOT_COMPLEX] = BIT(TOPO_NF_NAME) | BIT(TOPO_NF_TYPE) | BIT(TOPO_NF_BUS),
    [OT_SIM_ROOT_PORT] = BIT(TOPO_NF_NAME) | BIT(TOPO_NF_TYPE) | BIT(TOPO_NF_PARENT) |
                         BIT(TOPO_NF_DEVFN) | BIT(TOPO_NF_VENDOR) | BIT(TOPO_NF_DEVICE) |
                         BIT(TOPO_NF_REVISION) | BIT(TOPO_NF_IDE),
    [OT_SIM_SWITCH_UPSTREAM] = BIT(TOPO_NF_NAME) | BIT(TOPO_NF_TYPE) | BIT(TOPO_NF_PARENT) |
                               BIT(TOPO_NF_DEVFN) | BIT(TOPO_NF_VENDOR) | BIT(TOPO_NF_DEVICE) |
                               BIT(TOPO_NF_REVISION) | BIT(TOPO_NF_LINK) | BIT(TOPO_NF_IDE),
    [OT_SIM_SWITCH_DOWNSTREAM] = BIT(TOPO_NF_NAME) | BIT(TOPO_NF_TYPE) | BIT(TOPO_NF_PARENT) |
                                 BIT(TOPO_NF_DEVFN) | BIT(TOPO_NF_VENDOR) | BIT(TOPO_NF_DEVICE) |
                                 BIT(TOPO_NF_REVISION) | BIT(TOPO_NF_IDE),
    [OT_SIM_ENDPOINT] = BIT(TOPO_NF_NAME) | BIT(TOPO_NF_TYPE) | BIT(TOPO_NF_PARENT) |
                        BIT(TOPO_NF_VENDOR) | BIT(TOPO_NF_DEVICE) | BIT(TOPO_NF_REVISION) |
                        BIT(TOPO_NF_FUNCTIONS) | BIT(TOPO_NF_LINK) | BIT(TOPO_NF_IDENTITY) |
                        BIT(TOPO_NF_MEASUREMENTS) | BIT(TOPO_NF_TDIS) | BIT(TOPO_NF_IDE),
};

#define BRIDGE_REQUIRED                                                                            \
  (BIT(TOPO_NF_PARENT) | BIT(TOPO_NF_DEVFN) | BIT(TOPO_NF_VENDOR) | BIT(TOPO_NF_DEVICE))
static const uint32_t required_keys[OT_SIM_NODE_KIND_COUNT] = {
    [OT_SIM_ROOT_COMPLEX] = 0,
    [OT_SIM_ROOT_PORT] = BRIDGE_REQUIRED,
    [OT_SIM_SWITCH_UPSTREAM] = BRIDGE_REQUIRED,
    [OT_SIM_SWITCH_DOWNSTREAM] = BRIDGE_REQUIRED,
    [OT_SIM_ENDPOINT] =
        BIT(TOPO_NF_PARENT) | BIT(TOPO_NF_VENDOR) | BIT(TOPO_NF_DEVICE) | BIT(TOPO_NF_FUNCTIONS),
};

static const char *const node_key_names[TOPO_NF_COUNT] = {
    [TOPO_NF_NAME] = "name",           [TOPO_NF_TYPE] = "type",
    [TOPO_NF_PARENT] = "parent",       [TOPO_NF_BUS] = "bus",
    [TOPO_NF_DEVFN] = "devfn",         [TOPO_NF_VENDOR] = "vendor",
    [TOPO_NF_DEVICE] = "device",       [TOPO_NF_REVISION] = "revision",
    [TOPO_NF_FUNCTIONS] = "functions", [TOPO_NF_LINK] = "link",
    [TOPO_NF_IDENTITY] = "identity",   [TOPO_NF_MEASUREMENTS] = "measurements",
    [TOPO_NF_TDIS] = "tdis",           [TOPO_NF_IDE] = "ide",
};

/* Which kinds may be the parent of each kind. */
static bool parent_ok(ot_sim_node_kind child, ot_sim_node_kind parent) {
  switch (child) {
  case OT_SIM_ROOT_PORT: return parent == OT_SIM_ROOT_COMPLEX;
  case OT_SIM_SWITCH_UPSTREAM:
  case OT_SIM_ENDPOINT: return parent == OT_SIM_ROOT_PORT || parent == OT_SIM_SWITCH_DOWNSTREAM;
  case OT_SIM_SWITCH_DOWNSTREAM: return parent == OT_SIM_SWITCH_UPSTREAM;
  case OT_SIM_ROOT_COMPLEX:
  case OT_SIM_NODE_KIND_COUNT:
  default: return false;
  }
}

/* A downstream-facing port: its secondary bus is a link to one device. */
static bool is_link_port(ot_sim_node_kind k) {
  return k == OT_SIM_ROOT_PORT || k == OT_SIM_SWITCH_DOWNSTREAM;
}

static ot_status check_keys(topo_ctx *c, size_t i) {
  const ot_sim_node_desc *n = &c->t->nodes[i];
  uint32_t keys = c->refs->keys[i];
  uint32_t extra = keys & ~allowed_keys[n->kind];
  uint32_t missing = required_keys[n->kind] & ~keys;
  for (unsigned k = 0; k < TOPO_NF_COUNT; k++) {
    if (extra & BIT(k))
      return topo_fail_at(c, c->refs->key_mark[i][k], OT_E_MALFORMED,
                          "node '%s': key '%s' is not allowed for a %s", n->name, node_key_names[k],
                          ot_sim_node_kind_name(n->kind));
  }
  for (unsigned k = 0; k < TOPO_NF_COUNT; k++) {
    if (missing & BIT(k))
      return topo_fail_at(c, n->mark, OT_E_MALFORMED, "node '%s': a %s needs key '%s'", n->name,
                          ot_sim_node_kind_name(n->kind), node_key_names[k]);
  }
  return OT_SUCCESS;
}

static ot_status resolve_parents(topo_ctx *c) {
  ot_sim_topology *t = c->t;
  int root = -1;
  for (size_t i = 0; i < t->node_count; i++) {
    ot_sim_node_desc *n = &t->nodes[i];
    if (n->kind == OT_SIM_ROOT_COMPLEX) {
      if (root >= 0)
        return topo_fail_at(c, n->mark, OT_E_EXISTS,
                            "node '%s': a second root_complex (the first is '%s')", n->name,
                            t->nodes[root].name);
      root = (int)i;
      continue;
    }
    int p = ot_sim_topology_find(t, c->refs->parent[i]);
    if (p < 0)
      return topo_fail_at(c, c->refs->parent_mark[i], OT_E_NOT_FOUND,
                          "node '%s': parent '%s' does not exist", n->name, c->refs->parent[i]);
    n->parent = p;
  }
  if (root < 0) return topo_fail_at(c, (ot_sim_mark){0, 0}, OT_E_MALFORMED, "no root_complex node");
  return OT_SUCCESS;
}

/* Every parent chain must reach the root complex within node_count steps. */
static ot_status check_cycles(topo_ctx *c) {
  const ot_sim_topology *t = c->t;
  for (size_t i = 0; i < t->node_count; i++) {
    int at = (int)i;
    size_t steps = 0;
    while (at >= 0 && steps <= t->node_count) {
      at = t->nodes[at].parent;
      steps++;
    }
    if (at < 0) continue;
    char chain[160];
    size_t pos = 0;
    at = (int)i;
    for (size_t k = 0; k <= t->node_count && k < 6 && pos < sizeof chain; k++) {
      int w = snprintf(chain + pos, sizeof chain - pos, "%s%s", k ? " -> " : "", t->nodes[at].name);
      if (w < 0) break;
      pos += (size_t)w;
      at = t->nodes[at].parent;
      if (at == (int)i) {
        if (pos < sizeof chain)
          snprintf(chain + pos, sizeof chain - pos, " -> %s", t->nodes[i].name);
        break;
      }
    }
    return topo_fail_at(c, c->refs->parent_mark[i], OT_E_MALFORMED,
                        "node '%s': parent chain forms a cycle: %s", t->nodes[i].name, chain);
  }
  return OT_SUCCESS;
}

static ot_status check_placement(topo_ctx *c, size_t i) {
  const ot_sim_topology *t = c->t;
  const ot_sim_node_desc *n = &t->nodes[i];
  if (n->kind == OT_SIM_ROOT_COMPLEX) return OT_SUCCESS;
  const ot_sim_node_desc *p = &t->nodes[n->parent];
  if (!parent_ok(n->kind, p->kind))
    return topo_fail_at(c, c->refs->parent_mark[i], OT_E_MALFORMED,
                        "node '%s': a %s cannot be below a %s ('%s')", n->name,
                        ot_sim_node_kind_name(n->kind), ot_sim_node_kind_name(p->kind), p->name);
  uint8_t dev = OT_SIM_DEVFN_DEV(n->functions[0].devfn);
  ot_sim_mark where =
      n->kind == OT_SIM_ENDPOINT ? n->functions[0].mark : c->refs->key_mark[i][TOPO_NF_DEVFN];
  /*
   * PCIe r6.0 §7.3.1: below a downstream-facing port the link leads to one
   * device, Device Number 0 (configuration requests to others are not
   * forwarded without ARI).
   */
  if (is_link_port(p->kind) && dev != 0)
    return topo_fail_at(c, where, OT_E_MALFORMED,
                        "node '%s': below port '%s' (a link) the device number must be 00", n->name,
                        p->name);
  /*
   * PCIe r6.0 §7.5.1.1.9: software looks for functions 1..7 only behind function 0. A
   * port here is a single-function device, so it must be function 0 to be found at all.
   */
  if (n->kind != OT_SIM_ENDPOINT && OT_SIM_DEVFN_FN(n->functions[0].devfn) != 0)
    return topo_fail_at(c, where, OT_E_MALFORMED,
                        "node '%s': a port is function 0 of its device (multi-function ports are "
                        "not modelled)",
                        n->name);
  for (size_t j = 0; j < i; j++) {
    const ot_sim_node_desc *o = &t->nodes[j];
    if (o->parent != n->parent || o->kind == OT_SIM_ROOT_COMPLEX) continue;
    if (is_link_port(p->kind))
      return topo_fail_at(c, c->refs->parent_mark[i], OT_E_EXISTS,
                          "node '%s': port '%s' already has '%s' on its link", n->name, p->name,
                          o->name);
    if (OT_SIM_DEVFN_DEV(o->functions[0].devfn) == dev)
      return topo_fail_at(c, where, OT_E_EXISTS,
                          "node '%s': device %02x on the bus of '%s' is already '%s'", n->name, dev,
                          p->name, o->name);
  }
  return OT_SUCCESS;
}

/* Bridges get their one function; endpoints' functions inherit node-level IDs. */
static ot_status fill_functions(topo_ctx *c, size_t i) {
  ot_sim_node_desc *n = &c->t->nodes[i];
  switch (n->kind) {
  case OT_SIM_ROOT_COMPLEX: n->function_count = 0; return OT_SUCCESS;
  case OT_SIM_ROOT_PORT:
  case OT_SIM_SWITCH_UPSTREAM:
  case OT_SIM_SWITCH_DOWNSTREAM: {
    ot_sim_function_desc *f = &n->functions[0];
    f->device_id = c->refs->device[i];
    f->revision = c->refs->revision[i];
    f->class_code = 0x060400; /* PCI Code and ID Assignment r1.11: PCI-to-PCI bridge */
    f->mark = n->mark;
    n->function_count = 1;
    return OT_SUCCESS;
  }
  case OT_SIM_ENDPOINT: break;
  case OT_SIM_NODE_KIND_COUNT:
  default: return OT_SUCCESS;
  }
  bool has_fn0 = false;
  for (size_t k = 0; k < n->function_count; k++) {
    ot_sim_function_desc *f = &n->functions[k];
    if (!(c->refs->fn_device[i] & (1u << k))) f->device_id = c->refs->device[i];
    if (!(c->refs->fn_revision[i] & (1u << k))) f->revision = c->refs->revision[i];
    if (OT_SIM_DEVFN_DEV(f->devfn) != OT_SIM_DEVFN_DEV(n->functions[0].devfn))
      return topo_fail_at(c, f->mark, OT_E_MALFORMED,
                          "node '%s': all functions of an endpoint share one device number",
                          n->name);
    if (OT_SIM_DEVFN_FN(f->devfn) == 0) has_fn0 = true;
  }
  /* PCIe r6.0 §7.5.1.1.9: software scans functions 1..7 only when function 0 exists. */
  if (!has_fn0)
    return topo_fail_at(c, n->mark, OT_E_MALFORMED, "node '%s': an endpoint needs function 0",
                        n->name);
  return OT_SUCCESS;
}

static const ot_sim_function_desc *find_function(const ot_sim_node_desc *n, uint8_t devfn) {
  for (size_t k = 0; k < n->function_count; k++) {
    if (n->functions[k].devfn == devfn) return &n->functions[k];
  }
  return NULL;
}

static ot_status check_tdis(topo_ctx *c, size_t i) {
  const ot_sim_node_desc *n = &c->t->nodes[i];
  for (size_t k = 0; k < n->tdi_count; k++) {
    const ot_sim_tdi_desc *d = &n->tdis[k];
    ot_sim_mark m = c->refs->tdi_mark[i][k];
    const ot_sim_function_desc *f = find_function(n, d->devfn);
    if (f == NULL)
      return topo_fail_at(c, m, OT_E_NOT_FOUND,
                          "node '%s': TDI %zu names function %02x.%u, which it lacks", n->name, k,
                          OT_SIM_DEVFN_DEV(d->devfn), OT_SIM_DEVFN_FN(d->devfn));
    for (unsigned b = 0; b < OT_SIM_MAX_BARS; b++) {
      if (!(d->bar_mask & (1u << b))) continue;
      bool found = false;
      for (size_t j = 0; j < f->bar_count; j++)
        found = found || f->bars[j].index == b;
      if (!found)
        return topo_fail_at(c, m, OT_E_NOT_FOUND,
                            "node '%s': TDI %zu names BAR %u, which function %02x.%u lacks",
                            n->name, k, b, OT_SIM_DEVFN_DEV(d->devfn), OT_SIM_DEVFN_FN(d->devfn));
    }
  }
  return OT_SUCCESS;
}

/* Keys each tap action needs and the parameters it may have. */
static ot_status check_tap(topo_ctx *c, size_t i) {
  ot_sim_tap_desc *tap = &c->t->taps[i];
  int l = ot_sim_topology_find(c->t, c->refs->tap_link[i]);
  if (l < 0)
    return topo_fail_at(c, c->refs->tap_link_mark[i], OT_E_NOT_FOUND,
                        "tap '%s': link '%s' names no node", tap->name, c->refs->tap_link[i]);
  ot_sim_node_kind k = c->t->nodes[l].kind;
  if (k == OT_SIM_ROOT_COMPLEX || k == OT_SIM_ROOT_PORT || k == OT_SIM_SWITCH_DOWNSTREAM)
    return topo_fail_at(c, c->refs->tap_link_mark[i], OT_E_MALFORMED,
                        "tap '%s': '%s' has no link to its parent (name the node below a link)",
                        tap->name, c->refs->tap_link[i]);
  tap->link = l;
  static const uint32_t params =
      BIT(TOPO_TF_DELAY) | BIT(TOPO_TF_FLIPS) | BIT(TOPO_TF_BYTES) | BIT(TOPO_TF_FILE);
  static const uint32_t needs[OT_SIM_TAP_ACTION_COUNT] = {
      [OT_SIM_TAP_RECORD] = BIT(TOPO_TF_FILE),
      [OT_SIM_TAP_MODIFY] = BIT(TOPO_TF_FLIPS),
      [OT_SIM_TAP_INJECT] = BIT(TOPO_TF_BYTES),
  };
  static const uint32_t may[OT_SIM_TAP_ACTION_COUNT] = {
      [OT_SIM_TAP_RECORD] = BIT(TOPO_TF_FILE),
      [OT_SIM_TAP_REPLAY] = BIT(TOPO_TF_DELAY),
      [OT_SIM_TAP_MODIFY] = BIT(TOPO_TF_FLIPS),
      [OT_SIM_TAP_INJECT] = BIT(TOPO_TF_BYTES),
  };
  static const char *const key_names[TOPO_TF_COUNT] = {[TOPO_TF_DELAY] = "delay_ns",
                                                       [TOPO_TF_FLIPS] = "flips",
                                                       [TOPO_TF_BYTES] = "bytes",
                                                       [TOPO_TF_FILE] = "file"};
  uint32_t keys = c->refs->tap_keys[i];
  for (unsigned b = 0; b < TOPO_TF_COUNT; b++) {
    if ((keys & params & BIT(b)) && !(may[tap->action] & BIT(b)))
      return topo_fail_at(c, c->refs->tap_key_mark[i][b], OT_E_MALFORMED,
                          "tap '%s': key '%s' does not apply to action %s", tap->name, key_names[b],
                          ot_sim_tap_action_name(tap->action));
    if ((needs[tap->action] & BIT(b)) && !(keys & BIT(b)))
      return topo_fail_at(c, tap->mark, OT_E_MALFORMED, "tap '%s': action %s needs key '%s'",
                          tap->name, ot_sim_tap_action_name(tap->action), key_names[b]);
  }
  return OT_SUCCESS;
}

/* Breadth-first from the root complex, children in file order; remaps every index. */
static void order_nodes(topo_ctx *c) {
  ot_sim_topology *t = c->t;
  ot_sim_node_desc *sorted = c->refs->sorted;
  int new_index[OT_SIM_MAX_NODES];
  int order[OT_SIM_MAX_NODES];
  size_t n = 0;
  for (size_t i = 0; i < t->node_count; i++) {
    if (t->nodes[i].kind == OT_SIM_ROOT_COMPLEX) order[n++] = (int)i;
  }
  for (size_t head = 0; head < n; head++) {
    for (size_t i = 0; i < t->node_count; i++) {
      if (t->nodes[i].parent == order[head]) order[n++] = (int)i;
    }
  }
  for (size_t k = 0; k < n; k++)
    new_index[order[k]] = (int)k;
  for (size_t k = 0; k < n; k++) {
    sorted[k] = t->nodes[order[k]];
    if (sorted[k].parent >= 0) sorted[k].parent = new_index[sorted[k].parent];
  }
  memcpy(t->nodes, sorted, n * sizeof *sorted);
  for (size_t i = 0; i < t->tap_count; i++)
    t->taps[i].link = new_index[t->taps[i].link];
}

ot_status topo_check(topo_ctx *c) {
  ot_sim_topology *t = c->t;
  for (size_t i = 0; i < t->node_count; i++)
    OT_GUARD(check_keys(c, i));
  OT_GUARD(resolve_parents(c));
  OT_GUARD(check_cycles(c));
  for (size_t i = 0; i < t->node_count; i++)
    OT_GUARD(fill_functions(c, i));
  for (size_t i = 0; i < t->node_count; i++)
    OT_GUARD(check_placement(c, i));
  for (size_t i = 0; i < t->node_count; i++)
    OT_GUARD(check_tdis(c, i));
  for (size_t i = 0; i < t->tap_count; i++)
    OT_GUARD(check_tap(c, i));
  order_nodes(c);
  return OT_SUCCESS;
}
