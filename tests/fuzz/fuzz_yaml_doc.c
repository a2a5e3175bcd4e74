/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes the shared YAML loader (ot_yaml_load) that policies and topologies
 * go through, with small limits so that every bound is reached. Properties:
 * nothing crashes or leaks; a refusal carries a message and leaves nothing
 * loaded; an accepted document, re-checked here by brute force, has every
 * node reached exactly once from the root, no collection deeper than the
 * limit, no scalar longer than the limit, and no scalar key twice in a
 * mapping.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/yaml_doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_NODES 512u

static unsigned visits[MAX_NODES];

static void check(yaml_document_t *doc, int id, unsigned depth, const ot_yaml_limits *lim) {
  yaml_node_t *n = yaml_document_get_node(doc, id);
  if (n == NULL) abort();
  size_t i = (size_t)(n - doc->nodes.start);
  if (i >= MAX_NODES || ++visits[i] != 1) abort();
  if (n->type == YAML_SCALAR_NODE) {
    if (n->data.scalar.length > lim->max_scalar) abort();
    return;
  }
  if (depth > lim->max_depth) abort();
  if (n->type == YAML_SEQUENCE_NODE) {
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
      check(doc, *it, depth + 1, lim);
    return;
  }
  for (yaml_node_pair_t *a = n->data.mapping.pairs.start; a < n->data.mapping.pairs.top; a++) {
    yaml_node_t *ka = yaml_document_get_node(doc, a->key);
    for (yaml_node_pair_t *b = n->data.mapping.pairs.start; ka && b < a; b++) {
      yaml_node_t *kb = yaml_document_get_node(doc, b->key);
      if (kb && ka->type == YAML_SCALAR_NODE && kb->type == YAML_SCALAR_NODE &&
          ka->data.scalar.length == kb->data.scalar.length &&
          memcmp(ka->data.scalar.value, kb->data.scalar.value, ka->data.scalar.length) == 0)
        abort();
    }
    check(doc, a->key, depth + 1, lim);
    check(doc, a->value, depth + 1, lim);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const ot_yaml_limits lim = {
      .max_bytes = 8192, .max_depth = 6, .max_scalar = 64, .max_nodes = MAX_NODES};
  ot_yaml_doc d;
  ot_yaml_error err;
  ot_status st = ot_yaml_load(&d, (const char *)data, size, &lim, &err);
  if (!ot_ok(st)) {
    if (err.msg[0] == '\0' || d.loaded || ot_yaml_root(&d) != NULL) abort();
    ot_yaml_free(&d);
    return 0;
  }
  memset(visits, 0, sizeof visits);
  yaml_node_t *root = ot_yaml_root(&d);
  if (root != NULL) check(&d.doc, 1, 1, &lim);
  /* Every node of the document hangs off the root. */
  for (yaml_node_t *n = d.doc.nodes.start; n < d.doc.nodes.top; n++)
    if (visits[n - d.doc.nodes.start] != 1) abort();
  ot_yaml_free(&d);
  return 0;
}
