/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology loading: the shared YAML loader (opentsm/yaml_doc.h) composes and
 * checks the document, topo_schema.c walks it into
 * a scratch topology, topo_check.c checks it as a whole, and only then is the
 * result copied out. See opentsm/sim_topology.h.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/yaml_doc.h"
#include "topo_internal.h"

#define LOG_TAG "sim.topology"

const char *ot_sim_node_kind_name(ot_sim_node_kind k) {
  static const char *const names[OT_SIM_NODE_KIND_COUNT] = {
      [OT_SIM_ROOT_COMPLEX] = "root_complex",
      [OT_SIM_ROOT_PORT] = "root_port",
      [OT_SIM_SWITCH_UPSTREAM] = "switch_upstream",
      [OT_SIM_SWITCH_DOWNSTREAM] = "switch_downstream",
      [OT_SIM_ENDPOINT] = "endpoint",
  };
  return (unsigned)k < OT_SIM_NODE_KIND_COUNT ? names[k] : "?";
}

const char *ot_sim_tap_action_name(ot_sim_tap_action a) {
  static const char *const names[OT_SIM_TAP_ACTION_COUNT] = {
      [OT_SIM_TAP_OBSERVE] = "observe", [OT_SIM_TAP_RECORD] = "record",
      [OT_SIM_TAP_DROP] = "drop",       [OT_SIM_TAP_REPLAY] = "replay",
      [OT_SIM_TAP_REORDER] = "reorder", [OT_SIM_TAP_MODIFY] = "modify",
      [OT_SIM_TAP_INJECT] = "inject",
  };
  return (unsigned)a < OT_SIM_TAP_ACTION_COUNT ? names[a] : "?";
}

int ot_sim_topology_find(const ot_sim_topology *t, const char *name) {
  for (size_t i = 0; i < t->node_count; i++) {
    if (strcmp(t->nodes[i].name, name) == 0) return (int)i;
  }
  return -1;
}

int ot_sim_topology_find_scenario(const ot_sim_topology *t, const char *name) {
  for (size_t i = 0; i < t->scenario_count; i++) {
    if (strcmp(t->scenarios[i].name, name) == 0) return (int)i;
  }
  return -1;
}

static void set_error(ot_sim_topo_error *err, ot_sim_mark m, const char *msg) {
  if (err == NULL) return;
  err->mark = m;
  snprintf(err->message, sizeof err->message, "%s", msg);
}

ot_status ot_sim_topology_parse(const char *text, size_t len, const char *base_dir,
                                ot_sim_topology *out, ot_sim_topo_error *err) {
  OT_ENSURE(text != NULL && out != NULL, OT_E_ARG);
  if (err != NULL) memset(err, 0, sizeof *err);
  if (len > OT_SIM_TOPO_TEXT_MAX) {
    set_error(err, (ot_sim_mark){0, 0}, "topology text is larger than 1 MiB");
    OT_BAIL(OT_E_TOO_LARGE);
  }
  ot_status st = OT_SUCCESS;
  ot_yaml_doc doc = {0};
  ot_sim_topology *scratch = calloc(1, sizeof *scratch);
  topo_refs *refs = calloc(1, sizeof *refs);
  OT_ENSURE_GOTO(st, scratch != NULL && refs != NULL, OT_E_NOMEM, out_free);
  /* The shared loader (opentsm/yaml_doc.h): UTF-8, syntax, one document, no
   * aliases, no key twice, bounded depth and scalars. */
  ot_yaml_limits lim = OT_YAML_LIMITS_DEFAULT;
  lim.max_bytes = OT_SIM_TOPO_TEXT_MAX;
  ot_yaml_error yerr;
  st = ot_yaml_load(&doc, text, len, &lim, &yerr);
  if (!ot_ok(st)) {
    set_error(err, (ot_sim_mark){yerr.line, yerr.column}, yerr.msg);
    goto out_free;
  }
  yaml_node_t *root = ot_yaml_root(&doc);
  if (root == NULL) {
    set_error(err, (ot_sim_mark){1, 1}, "the document is empty");
    st = ot_status_of(OT_E_MALFORMED);
    goto out_doc;
  }
  topo_ctx c = {.doc = &doc.doc, .err = err, .t = scratch, .refs = refs, .base_dir = base_dir};
  OT_GUARD_GOTO(st, topo_parse_document(&c, root), out_doc);
  OT_GUARD_GOTO(st, topo_check(&c), out_doc);
  memcpy(out, scratch, sizeof *out);
out_doc:
  ot_yaml_free(&doc);
out_free:
  if (!ot_ok(st) && ot_is(st, OT_E_NOMEM)) set_error(err, (ot_sim_mark){0, 0}, "out of memory");
  free(refs);
  free(scratch);
  return st;
}

ot_status ot_sim_topology_load(const char *path, ot_sim_topology *out, ot_sim_topo_error *err) {
  OT_ENSURE(path != NULL && out != NULL, OT_E_ARG);
  if (err != NULL) memset(err, 0, sizeof *err);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    if (err != NULL)
      snprintf(err->message, sizeof err->message, "%.120s: %s", path, strerror(errno));
    OT_BAIL(OT_E_IO);
  }
  ot_status st = OT_SUCCESS;
  char *text = malloc(OT_SIM_TOPO_TEXT_MAX + 1u);
  char *dir_copy = strdup(path);
  OT_ENSURE_GOTO(st, text != NULL && dir_copy != NULL, OT_E_NOMEM, out);
  size_t len = fread(text, 1, OT_SIM_TOPO_TEXT_MAX + 1u, f);
  if (ferror(f)) {
    if (err != NULL) snprintf(err->message, sizeof err->message, "%.120s: read error", path);
    st = ot_status_of(OT_E_IO);
    goto out;
  }
  if (len > OT_SIM_TOPO_TEXT_MAX) {
    if (err != NULL) snprintf(err->message, sizeof err->message, "%.120s: larger than 1 MiB", path);
    st = ot_status_of(OT_E_TOO_LARGE);
    goto out;
  }
  st = ot_sim_topology_parse(text, len, dirname(dir_copy), out, err);
out:
  free(dir_copy);
  free(text);
  fclose(f);
  return st;
}
