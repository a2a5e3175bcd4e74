/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to the topology loader (topo_*.c): the parse context, the YAML
 * helpers that turn libyaml nodes into checked values, and the table-driven
 * mapping walker.
 */
#ifndef OPENTSM_SIM_TOPO_INTERNAL_H
#define OPENTSM_SIM_TOPO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "opentsm/log.h"
#include "opentsm/sim_topology.h"

#define TOPO_MAX_FIELDS 32u

/* References that can only be checked once every node is known. */
typedef struct topo_refs {
  char parent[OT_SIM_MAX_NODES][OT_SIM_NAME_MAX];
  ot_sim_mark parent_mark[OT_SIM_MAX_NODES];
  uint32_t keys[OT_SIM_MAX_NODES]; /* bit i: node field i was given */
  ot_sim_mark key_mark[OT_SIM_MAX_NODES][TOPO_MAX_FIELDS];
  ot_sim_mark tdi_mark[OT_SIM_MAX_NODES][OT_SIM_MAX_TDIS];
  uint16_t device[OT_SIM_MAX_NODES];     /* node-level device ID */
  uint8_t revision[OT_SIM_MAX_NODES];    /* node-level revision */
  uint8_t fn_device[OT_SIM_MAX_NODES];   /* bit i: function i has its own device ID */
  uint8_t fn_revision[OT_SIM_MAX_NODES]; /* bit i: function i has its own revision */
  char tap_link[OT_SIM_MAX_TAPS][OT_SIM_NAME_MAX];
  ot_sim_mark tap_link_mark[OT_SIM_MAX_TAPS];
  uint32_t tap_keys[OT_SIM_MAX_TAPS];
  ot_sim_node_desc sorted[OT_SIM_MAX_NODES]; /* scratch for the final ordering */
  ot_sim_mark tap_key_mark[OT_SIM_MAX_TAPS][TOPO_MAX_FIELDS];
} topo_refs;

/*
 * The parse context. Field handlers find the object they fill in the
 * "current" pointers, set by the handler of the enclosing mapping.
 */
typedef struct topo_ctx {
  yaml_document_t *doc;
  ot_sim_topo_error *err;
  ot_sim_topology *t; /* being built: a scratch copy, committed only on success */
  topo_refs *refs;
  const char *base_dir;
  ot_sim_node_desc *node;
  ot_sim_function_desc *fn;
  ot_sim_bar_desc *bar;
  ot_sim_doe_desc *doe;
  ot_sim_measurement_desc *meas;
  ot_sim_tdi_desc *tdi;
  ot_sim_tap_desc *tap;
  ot_sim_scenario_desc *scen;
  ot_sim_bit_flip *flip;
  ot_doe_feature *proto;
  uint16_t subsys[2];
  int seen_version;
} topo_ctx;

typedef ot_status (*topo_field_fn)(topo_ctx *c, yaml_node_t *v);

typedef struct topo_field {
  const char *key;
  bool required;
  topo_field_fn parse;
} topo_field;

/* Which keys a mapping held, with the position of each. */
typedef struct topo_seen {
  uint32_t mask;
  ot_sim_mark marks[TOPO_MAX_FIELDS];
} topo_seen;

ot_sim_mark topo_mark(const yaml_node_t *n);

/* Fills c->err at n's position (or at `m` for the _at form) and returns ot_status_of(code). */
ot_status topo_fail(topo_ctx *c, const yaml_node_t *n, ot_code code, const char *fmt, ...)
    OT_PRINTF(4, 5);
ot_status topo_fail_at(topo_ctx *c, ot_sim_mark m, ot_code code, const char *fmt, ...)
    OT_PRINTF(4, 5);

/*
 * Walks mapping n: every key must be a scalar naming one of fields[0..count),
 * given once; each value goes to its handler; required keys must be present.
 * `what` names the mapping in messages ("node", "bar"). *seen (may be NULL)
 * receives which keys were given.
 */
OT_RESULT topo_map(topo_ctx *c, yaml_node_t *n, const char *what, const topo_field *fields,
                   size_t count, topo_seen *seen);

/* The items of sequence n (OT_E_MALFORMED if n is not a sequence). */
OT_RESULT topo_seq(topo_ctx *c, yaml_node_t *n, const char *what, yaml_node_item_t **items,
                   size_t *count);
yaml_node_t *topo_item(topo_ctx *c, yaml_node_item_t id);

/* Value parsers: each fails with a message at n naming what it expected. */
OT_RESULT topo_uint(topo_ctx *c, yaml_node_t *n, uint64_t max, uint64_t *out);
/* As topo_uint, also accepting a K/M/G/T binary suffix ("16M"). */
OT_RESULT topo_size(topo_ctx *c, yaml_node_t *n, uint64_t max, uint64_t *out);
OT_RESULT topo_bool(topo_ctx *c, yaml_node_t *n, bool *out);
/* A name: 1..OT_SIM_NAME_MAX-1 characters of [A-Za-z0-9_.-]. */
OT_RESULT topo_name(topo_ctx *c, yaml_node_t *n, char out[static OT_SIM_NAME_MAX]);
/* Any non-empty scalar shorter than cap. */
OT_RESULT topo_text(topo_ctx *c, yaml_node_t *n, char *out, size_t cap);
/* "DD.F": two hex digits (device 00..1f), a dot, one digit (function 0..7). PCIe r6.0 §7.2.2 */
OT_RESULT topo_devfn(topo_ctx *c, yaml_node_t *n, uint8_t *out);
/* Even-length hex string into out[0..cap), 1..cap bytes. */
OT_RESULT topo_hex(topo_ctx *c, yaml_node_t *n, uint8_t *out, size_t cap, size_t *len);
/* One of names[0..count); *out its index. */
OT_RESULT topo_enum(topo_ctx *c, yaml_node_t *n, const char *what, const char *const *names,
                    size_t count, unsigned *out);

/* Schema (topo_schema.c): the top-level mapping into c->t. */
OT_RESULT topo_parse_document(topo_ctx *c, yaml_node_t *root);
/* Cross-references, kinds, cycles and ordering (topo_check.c), after topo_parse_document. */
OT_RESULT topo_check(topo_ctx *c);

/* Node field indices that topo_check needs to know (positions in the node field table). */
enum {
  TOPO_NF_NAME,
  TOPO_NF_TYPE,
  TOPO_NF_PARENT,
  TOPO_NF_BUS,
  TOPO_NF_DEVFN,
  TOPO_NF_VENDOR,
  TOPO_NF_DEVICE,
  TOPO_NF_REVISION,
  TOPO_NF_FUNCTIONS,
  TOPO_NF_LINK,
  TOPO_NF_IDENTITY,
  TOPO_NF_MEASUREMENTS,
  TOPO_NF_TDIS,
  TOPO_NF_IDE,
  TOPO_NF_COUNT
};

/* Tap field indices (positions in the tap field table). */
enum {
  TOPO_TF_NAME,
  TOPO_TF_LINK,
  TOPO_TF_ACTION,
  TOPO_TF_MATCH,
  TOPO_TF_DELAY,
  TOPO_TF_FLIPS,
  TOPO_TF_BYTES,
  TOPO_TF_FILE,
  TOPO_TF_COUNT
};

#endif /* OPENTSM_SIM_TOPO_INTERNAL_H */
