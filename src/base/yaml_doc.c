/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The YAML loading helper (opentsm/yaml_doc.h): the text checked as UTF-8,
 * loaded by libyaml, then walked once from the root without recursion
 * (an explicit stack) to enforce the limits and refuse aliases and
 * repeated keys before any schema walker sees the tree.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/log.h"
#include "opentsm/yaml_doc.h"

static ot_status fail_at(ot_yaml_error *err, uint32_t line, uint32_t column, ot_code code,
                         const char *fmt, ...) OT_PRINTF(5, 6);
static ot_status fail_at(ot_yaml_error *err, uint32_t line, uint32_t column, ot_code code,
                         const char *fmt, ...) {
  err->line = line;
  err->column = column;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return ot_status_of(code);
}

static uint32_t line_of(const yaml_node_t *n) { return (uint32_t)n->start_mark.line + 1u; }
static uint32_t col_of(const yaml_node_t *n) { return (uint32_t)n->start_mark.column + 1u; }

/*
 * RFC 3629 §4: well-formed UTF-8 (no overlong forms, no surrogates, nothing
 * past U+10FFFF), and only YAML 1.1 §5.1 printable characters. libyaml would
 * refuse too, but this names the byte and where it is. Columns count
 * characters, as libyaml's do.
 */
static ot_status check_utf8(const uint8_t *s, size_t len, ot_yaml_error *err) {
  uint32_t line = 1, col = 1;
  for (size_t i = 0; i < len; col++) {
    uint8_t b = s[i];
    size_t n;
    uint32_t min, cp;
    if (b < 0x80) {
      /* YAML 1.1 §5.1: printable are TAB, LF, CR and 20h-7Eh here. */
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r')
        return fail_at(err, line, col, OT_E_MALFORMED,
                       "a control character (U+%04X) is not allowed in YAML", b);
      if (b == 0x7F)
        return fail_at(err, line, col, OT_E_MALFORMED,
                       "a control character (U+007F) is not allowed in YAML");
      i++;
      if (b == '\n') {
        line++;
        col = 0;
      }
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      n = 2, min = 0x80, cp = b & 0x1Fu;
    } else if ((b & 0xF0) == 0xE0) {
      n = 3, min = 0x800, cp = b & 0x0Fu;
    } else if ((b & 0xF8) == 0xF0) {
      n = 4, min = 0x10000, cp = b & 0x07u;
    } else {
      return fail_at(err, line, col, OT_E_MALFORMED,
                     "not UTF-8: byte 0x%02x cannot start a character", b);
    }
    if (n > len - i)
      return fail_at(err, line, col, OT_E_MALFORMED, "not UTF-8: the text ends inside a character");
    for (size_t k = 1; k < n; k++) {
      if ((s[i + k] & 0xC0) != 0x80)
        return fail_at(err, line, col, OT_E_MALFORMED,
                       "not UTF-8: byte 0x%02x cannot continue a character", s[i + k]);
      cp = (cp << 6) | (s[i + k] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return fail_at(err, line, col, OT_E_MALFORMED,
                     "not UTF-8: an overlong, surrogate or out-of-range character (U+%04X)",
                     (unsigned)cp);
    /* YAML 1.1 §5.1: C1 controls other than NEL, and U+FFFE/FFFF, are not printable. */
    if ((cp >= 0x80 && cp <= 0x9F && cp != 0x85) || cp == 0xFFFE || cp == 0xFFFF)
      return fail_at(err, line, col, OT_E_MALFORMED,
                     "a control character (U+%04X) is not allowed in YAML", (unsigned)cp);
    i += n;
  }
  return OT_SUCCESS;
}

static ot_status syntax_error(const yaml_parser_t *p, ot_yaml_error *err) {
  if (p->error == YAML_MEMORY_ERROR) return fail_at(err, 0, 0, OT_E_NOMEM, "out of memory");
  return fail_at(err, (uint32_t)p->problem_mark.line + 1u, (uint32_t)p->problem_mark.column + 1u,
                 OT_E_MALFORMED, "YAML syntax: %s%s%s", p->problem ? p->problem : "error",
                 p->context ? " " : "", p->context ? p->context : "");
}

/* One scalar key of a mapping, for the repeated-key check. */
typedef struct key_ref {
  const yaml_node_t *node;
  size_t order; /* position in the mapping */
} key_ref;

static int key_cmp(const void *a, const void *b) {
  const key_ref *x = a, *y = b;
  size_t lx = x->node->data.scalar.length, ly = y->node->data.scalar.length;
  int c = memcmp(x->node->data.scalar.value, y->node->data.scalar.value, lx < ly ? lx : ly);
  if (c != 0) return c;
  if (lx != ly) return lx < ly ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

static bool same_text(const yaml_node_t *a, const yaml_node_t *b) {
  return a->data.scalar.length == b->data.scalar.length &&
         memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length) == 0;
}

/* YAML 1.1 §3.2.1.1: the keys of a mapping are unique. Scalar keys are
 * compared by their text (sorted, so a large mapping stays n log n); the
 * repeat that comes first in the file is named, with the key it repeats. */
static ot_status unique_keys(yaml_document_t *doc, const yaml_node_t *map, key_ref *scratch,
                             ot_yaml_error *err) {
  size_t m = 0, i = 0;
  for (const yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
       p++, i++) {
    const yaml_node_t *k = yaml_document_get_node(doc, p->key);
    if (k != NULL && k->type == YAML_SCALAR_NODE) scratch[m++] = (key_ref){k, i};
  }
  if (m < 2) return OT_SUCCESS;
  qsort(scratch, m, sizeof *scratch, key_cmp);
  const key_ref *dup = NULL, *first = NULL;
  for (size_t j = 1, g = 0; j < m; j++) {
    if (!same_text(scratch[g].node, scratch[j].node)) {
      g = j; /* a new text: its group starts here, earliest first */
      continue;
    }
    if (dup == NULL || scratch[j].order < dup->order) {
      dup = &scratch[j];
      first = &scratch[g];
    }
  }
  if (dup == NULL) return OT_SUCCESS;
  return fail_at(err, line_of(dup->node), col_of(dup->node), OT_E_EXISTS,
                 "duplicate key '%.40s': it appears twice in one mapping (first at line %u, "
                 "column %u)",
                 (const char *)dup->node->data.scalar.value, line_of(first->node),
                 col_of(first->node));
}

typedef struct walk_item {
  int id;
  unsigned depth;
} walk_item;

/* Every node once from the root: limits, aliases, repeated keys. */
static ot_status walk(yaml_document_t *doc, const ot_yaml_limits *lim, ot_yaml_error *err) {
  size_t nodes = (size_t)(doc->nodes.top - doc->nodes.start);
  if (nodes == 0) return OT_SUCCESS;
  if (nodes > lim->max_nodes) {
    const yaml_node_t *n = &doc->nodes.start[lim->max_nodes];
    return fail_at(err, line_of(n), col_of(n), OT_E_TOO_LARGE, "more than %zu YAML nodes",
                   lim->max_nodes);
  }
  /* Each reference is pushed at most once: the stack holds at most every
   * item and key and value of every collection, plus the root. */
  size_t refs = 1, widest = 0;
  for (const yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
    size_t k = 0;
    if (n->type == YAML_SEQUENCE_NODE)
      k = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    else if (n->type == YAML_MAPPING_NODE)
      k = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    refs += n->type == YAML_MAPPING_NODE ? 2 * k : k;
    if (n->type == YAML_MAPPING_NODE && k > widest) widest = k;
  }
  uint8_t *seen = calloc(nodes, 1);
  walk_item *stack = malloc(refs * sizeof *stack);
  key_ref *keys = malloc((widest ? widest : 1) * sizeof *keys);
  ot_status st = OT_SUCCESS;
  if (seen == NULL || stack == NULL || keys == NULL) {
    st = fail_at(err, 0, 0, OT_E_NOMEM, "out of memory");
    goto out;
  }
  size_t top = 0;
  stack[top++] = (walk_item){1, 1};
  while (top > 0 && ot_ok(st)) {
    walk_item it = stack[--top];
    yaml_node_t *n = yaml_document_get_node(doc, it.id);
    if (n == NULL) {
      st = fail_at(err, 0, 0, OT_E_MALFORMED, "a YAML node refers to no node");
      break;
    }
    size_t idx = (size_t)(n - doc->nodes.start);
    if (seen[idx]) {
      st = fail_at(err, line_of(n), col_of(n), OT_E_MALFORMED,
                   "aliases and anchors are not allowed: this node is used twice");
      break;
    }
    seen[idx] = 1;
    if (n->type == YAML_SCALAR_NODE) {
      if (n->data.scalar.length > lim->max_scalar)
        st = fail_at(err, line_of(n), col_of(n), OT_E_TOO_LARGE,
                     "a scalar of %zu bytes (at most %zu)", n->data.scalar.length, lim->max_scalar);
      continue;
    }
    if (it.depth > lim->max_depth) {
      st = fail_at(err, line_of(n), col_of(n), OT_E_TOO_LARGE, "nested deeper than %u levels",
                   lim->max_depth);
      break;
    }
    /* Children pushed last-first, so they are checked in file order. */
    if (n->type == YAML_SEQUENCE_NODE) {
      for (yaml_node_item_t *i = n->data.sequence.items.top; i > n->data.sequence.items.start;)
        stack[top++] = (walk_item){*--i, it.depth + 1u};
    } else if (n->type == YAML_MAPPING_NODE) {
      st = unique_keys(doc, n, keys, err);
      for (yaml_node_pair_t *p = n->data.mapping.pairs.top;
           ot_ok(st) && p > n->data.mapping.pairs.start;) {
        --p;
        stack[top++] = (walk_item){p->value, it.depth + 1u};
        stack[top++] = (walk_item){p->key, it.depth + 1u};
      }
    }
  }
out:
  free(keys);
  free(stack);
  free(seen);
  return st;
}

ot_status ot_yaml_load(ot_yaml_doc *d, const char *text, size_t len, const ot_yaml_limits *lim,
                       ot_yaml_error *err) {
  OT_ENSURE(d != NULL && lim != NULL && err != NULL && (text != NULL || len == 0), OT_E_ARG);
  memset(d, 0, sizeof *d);
  memset(err, 0, sizeof *err);
  if (len > lim->max_bytes)
    return fail_at(err, 0, 0, OT_E_TOO_LARGE, "the text is larger than %zu bytes", lim->max_bytes);
  OT_GUARD(check_utf8((const uint8_t *)text, len, err));
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return fail_at(err, 0, 0, OT_E_NOMEM, "out of memory");
  yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""), len);
  ot_status st = OT_SUCCESS;
  if (!yaml_parser_load(&parser, &d->doc)) {
    st = syntax_error(&parser, err);
    yaml_parser_delete(&parser);
    return st;
  }
  d->loaded = true;
  /* One document: a second one would be silently ignored otherwise. */
  yaml_document_t extra;
  if (!yaml_parser_load(&parser, &extra)) {
    st = syntax_error(&parser, err);
  } else {
    if (yaml_document_get_root_node(&extra) != NULL)
      st =
          fail_at(err, (uint32_t)extra.start_mark.line + 1u, (uint32_t)extra.start_mark.column + 1u,
                  OT_E_MALFORMED, "the file must hold exactly one YAML document");
    yaml_document_delete(&extra);
  }
  yaml_parser_delete(&parser);
  if (ot_ok(st)) st = walk(&d->doc, lim, err);
  if (!ot_ok(st)) ot_yaml_free(d);
  return st;
}

yaml_node_t *ot_yaml_root(ot_yaml_doc *d) {
  return d != NULL && d->loaded ? yaml_document_get_root_node(&d->doc) : NULL;
}

void ot_yaml_free(ot_yaml_doc *d) {
  if (d == NULL || !d->loaded) return;
  yaml_document_delete(&d->doc);
  d->loaded = false;
}
