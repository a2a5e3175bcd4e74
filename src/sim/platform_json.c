/* SPDX-License-Identifier: BSD-3-Clause */
/* The platform as a JSON tree (jansson): see ot_sim_platform_to_json in opentsm/sim_platform.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static json_t *hex_string(unsigned width, uint32_t v) {
  char buf[16];
  snprintf(buf, sizeof buf, "0x%0*x", (int)width, v);
  return json_string(buf);
}

static json_t *function_json(ot_sim_platform *p, const ot_sim_node *n, const ot_sim_function *f) {
  const ot_sim_function_desc *d = f->desc;
  json_t *o = json_object();
  int bus = ot_sim_node_bus(p, n);
  char bdf[9];
  if (bus >= 0) {
    ot_sim_bdf_format((uint8_t)bus, d->devfn, bdf);
    json_object_set_new(o, "bdf", json_string(bdf));
  } else {
    json_object_set_new(o, "bdf", json_null());
  }
  json_object_set_new(o, "vendor", hex_string(4, n->desc->vendor));
  json_object_set_new(o, "device", hex_string(4, d->device_id));
  json_object_set_new(o, "class", hex_string(6, d->class_code));
  json_object_set_new(o, "revision", hex_string(2, d->revision));
  json_t *bars = json_array();
  for (size_t i = 0; i < d->bar_count; i++) {
    const ot_sim_bar_desc *b = &d->bars[i];
    json_t *bo = json_object();
    json_object_set_new(bo, "index", json_integer(b->index));
    json_object_set_new(bo, "type", json_string(b->type == OT_SIM_BAR_MEM64 ? "mem64" : "mem32"));
    json_object_set_new(bo, "prefetchable", json_boolean(b->prefetchable));
    json_object_set_new(bo, "size", json_integer((json_int_t)b->size));
    json_array_append_new(bars, bo);
  }
  json_object_set_new(o, "bars", bars);
  if (f->has_doe) {
    json_t *doe = json_object();
    char off[8];
    snprintf(off, sizeof off, "0x%03x", f->doe_cap);
    json_object_set_new(doe, "offset", json_string(off));
    json_t *protos = json_array();
    for (size_t i = 0; i < d->doe.protocol_count; i++) {
      char pt[16];
      snprintf(pt, sizeof pt, "%04x:%02x", d->doe.protocols[i].vendor, d->doe.protocols[i].type);
      json_array_append_new(protos, json_string(pt));
    }
    json_object_set_new(doe, "protocols", protos);
    json_object_set_new(o, "doe", doe);
  }
  return o;
}

static json_t *node_json(ot_sim_platform *p, const ot_sim_node *n) {
  json_t *o = json_object();
  json_object_set_new(o, "name", json_string(n->desc->name));
  json_object_set_new(o, "type", json_string(ot_sim_node_kind_name(n->desc->kind)));
  if (n->desc->kind == OT_SIM_ROOT_COMPLEX)
    json_object_set_new(o, "bus", hex_string(2, n->desc->root_bus));
  if (n->uplink != NULL) {
    json_t *l = json_object();
    json_object_set_new(l, "latency_ns", json_integer((json_int_t)n->desc->link.latency_ns));
    json_object_set_new(l, "speed", json_integer(n->desc->link.speed));
    json_object_set_new(l, "width", json_integer(n->desc->link.width));
    json_object_set_new(o, "link", l);
  }
  json_t *fns = json_array();
  for (size_t k = 0; k < n->function_count; k++)
    json_array_append_new(fns, function_json(p, n, n->functions[k]));
  json_object_set_new(o, "functions", fns);
  if (n->desc->tdi_count > 0)
    json_object_set_new(o, "tdis", json_integer((json_int_t)n->desc->tdi_count));
  json_object_set_new(o, "ide", json_boolean(n->desc->ide.present));
  json_t *kids = json_array();
  for (size_t i = 0; i < p->node_count; i++) {
    if (p->nodes[i].parent == n) json_array_append_new(kids, node_json(p, &p->nodes[i]));
  }
  json_object_set_new(o, "children", kids);
  return o;
}

ot_status ot_sim_platform_to_json(ot_sim_platform *p, char **out) {
  OT_ENSURE(p != NULL && out != NULL && p->node_count > 0, OT_E_ARG);
  json_t *root = json_object();
  OT_ENSURE(root != NULL, OT_E_NOMEM);
  json_object_set_new(root, "name", json_string(p->topo.name));
  json_object_set_new(root, "root", node_json(p, &p->nodes[0]));
  json_t *scen = json_array();
  for (size_t i = 0; i < p->topo.scenario_count; i++)
    json_array_append_new(scen, json_string(p->topo.scenarios[i].name));
  json_object_set_new(root, "scenarios", scen);
  char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  OT_ENSURE(s != NULL, OT_E_NOMEM);
  *out = s;
  return OT_SUCCESS;
}
