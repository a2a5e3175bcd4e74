/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One YAML text loaded into libyaml's node tree, with the checks every
 * file a user hands us (policies, topologies) needs before a schema walker
 * reads it: a size bound, valid UTF-8, libyaml's syntax, exactly one
 * document, no node reached twice (aliases: a walk over them could be
 * exponential, and no schema here needs them), nesting depth, scalar size
 * and node count bounds, and no key twice in any mapping. Every refusal names
 * the line and column (1-based; 0:0 when the text as a whole is at fault).
 *
 * The walkers then read doc.doc with libyaml's own accessors
 * (yaml_document_get_node ...); every node id they meet is valid and every
 * node is reached once from the root.
 *
 * @layer base
 */
#ifndef OPENTSM_YAML_DOC_H
#define OPENTSM_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "opentsm/status.h"

typedef struct ot_yaml_limits {
  size_t max_bytes;   /* the whole text */
  unsigned max_depth; /* collections inside collections; the root is at depth 1 */
  size_t max_scalar;  /* bytes of one scalar */
  size_t max_nodes;   /* nodes of the document */
} ot_yaml_limits;

/* Limits for files of a few hundred KiB written by hand. */
#define OT_YAML_LIMITS_DEFAULT                                                                     \
  ((ot_yaml_limits){.max_bytes = 1u << 20, .max_depth = 32, .max_scalar = 4096, .max_nodes = 65536})

typedef struct ot_yaml_error {
  uint32_t line, column; /* 1-based; 0 when the whole text is at fault */
  char msg[192];
} ot_yaml_error;

typedef struct ot_yaml_doc {
  yaml_document_t doc;
  bool loaded;
} ot_yaml_doc;

/*
 * Loads text[0..len) into d. On failure d holds nothing (ot_yaml_free is
 * still safe) and err says where and why:
 *  OT_E_TOO_LARGE  the text, a scalar, the depth or the node count past lim;
 *  OT_E_MALFORMED  not UTF-8, a YAML syntax error, more than one document, a
 *                  node reached twice (an alias);
 *  OT_E_EXISTS     a key twice in one mapping (the second one is named);
 *  OT_E_NOMEM.
 * An empty text loads as a document without a root node.
 */
OT_RESULT ot_yaml_load(ot_yaml_doc *d, const char *text, size_t len, const ot_yaml_limits *lim,
                       ot_yaml_error *err);
/* The root node, or NULL for an empty document. */
yaml_node_t *ot_yaml_root(ot_yaml_doc *d);
void ot_yaml_free(ot_yaml_doc *d);

#endif
