/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * YAML helpers of the topology loader: positions and error messages, the
 * table-driven mapping walker, and the scalar parsers. Strict by design:
 * numbers and booleans must be plain (unquoted) scalars, so `vendor: "0x10"`
 * is a string where a number is expected, and an error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "topo_internal.h"

ot_sim_mark topo_mark(const yaml_node_t *n) {
  ot_sim_mark m = {0, 0};
  if (n != NULL) {
    m.line = (uint32_t)n->start_mark.line + 1u;
    m.column = (uint32_t)n->start_mark.column + 1u;
  }
  return m;
}

static void vfail(topo_ctx *c, ot_sim_mark m, const char *fmt, va_list ap) OT_PRINTF(3, 0);

static void vfail(topo_ctx *c, ot_sim_mark m, const char *fmt, va_list ap) {
  if (c->err == NULL) return;
  c->err->mark = m;
  vsnprintf(c->err->message, sizeof c->err->message, fmt, ap);
}

ot_status topo_fail(topo_ctx *c, const yaml_node_t *n, ot_code code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(c, topo_mark(n), fmt, ap);
  va_end(ap);
  return ot_status_of(code);
}

ot_status topo_fail_at(topo_ctx *c, ot_sim_mark m, ot_code code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(c, m, fmt, ap);
  va_end(ap);
  return ot_status_of(code);
}

static const char *node_type_name(const yaml_node_t *n) {
  switch (n->type) {
  case YAML_SCALAR_NODE: return "a scalar";
  case YAML_SEQUENCE_NODE: return "a sequence";
  case YAML_MAPPING_NODE: return "a mapping";
  case YAML_NO_NODE:
  default: return "nothing";
  }
}

yaml_node_t *topo_item(topo_ctx *c, yaml_node_item_t id) {
  return yaml_document_get_node(c->doc, id);
}

ot_status topo_map(topo_ctx *c, yaml_node_t *n, const char *what, const topo_field *fields,
                   size_t count, topo_seen *seen) {
  OT_ENSURE(count <= TOPO_MAX_FIELDS, OT_E_INTERNAL);
  if (n->type != YAML_MAPPING_NODE)
    return topo_fail(c, n, OT_E_MALFORMED, "%s: expected a mapping, got %s", what,
                     node_type_name(n));
  topo_seen local = {0};
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = topo_item(c, p->key);
    yaml_node_t *v = topo_item(c, p->value);
    if (k == NULL || v == NULL) return topo_fail(c, n, OT_E_MALFORMED, "%s: broken mapping", what);
    if (k->type != YAML_SCALAR_NODE)
      return topo_fail(c, k, OT_E_MALFORMED, "%s: keys must be scalars", what);
    const char *key = (const char *)k->data.scalar.value;
    size_t i = 0;
    while (i < count && strcmp(fields[i].key, key) != 0)
      i++;
    if (i == count) return topo_fail(c, k, OT_E_MALFORMED, "%s: unknown key '%s'", what, key);
    if (local.mask & (UINT32_C(1) << i))
      return topo_fail(c, k, OT_E_EXISTS, "%s: duplicate key '%s' (first at line %u)", what, key,
                       (unsigned)local.marks[i].line);
    local.mask |= UINT32_C(1) << i;
    local.marks[i] = topo_mark(k);
    OT_GUARD(fields[i].parse(c, v));
  }
  for (size_t i = 0; i < count; i++) {
    if (fields[i].required && !(local.mask & (UINT32_C(1) << i)))
      return topo_fail(c, n, OT_E_MALFORMED, "%s: missing key '%s'", what, fields[i].key);
  }
  if (seen != NULL) *seen = local;
  return OT_SUCCESS;
}

ot_status topo_seq(topo_ctx *c, yaml_node_t *n, const char *what, yaml_node_item_t **items,
                   size_t *count) {
  if (n->type != YAML_SEQUENCE_NODE)
    return topo_fail(c, n, OT_E_MALFORMED, "%s: expected a sequence, got %s", what,
                     node_type_name(n));
  *items = n->data.sequence.items.start;
  *count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
  return OT_SUCCESS;
}

/* A scalar, of any style; *s its text. */
static ot_status scalar(topo_ctx *c, yaml_node_t *n, const char *want, const char **s) {
  if (n->type != YAML_SCALAR_NODE)
    return topo_fail(c, n, OT_E_MALFORMED, "expected %s, got %s", want, node_type_name(n));
  *s = (const char *)n->data.scalar.value;
  return OT_SUCCESS;
}

/* A plain (unquoted) scalar: numbers and booleans must be written as such. */
static ot_status plain(topo_ctx *c, yaml_node_t *n, const char *want, const char **s) {
  OT_GUARD(scalar(c, n, want, s));
  if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return topo_fail(c, n, OT_E_MALFORMED, "expected %s, got the string \"%.40s\"", want, *s);
  return OT_SUCCESS;
}

static int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* Decimal or 0x-hex digits of s[0..len) into *out; false on any other character or overflow. */
static bool digits(const char *s, size_t len, uint64_t *out) {
  unsigned base = 10;
  if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
    len -= 2;
  }
  if (len == 0) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    int d = hex_digit(s[i]);
    if (d < 0 || (unsigned)d >= base) return false;
    if (v > (UINT64_MAX - (uint64_t)d) / base) return false;
    v = v * base + (uint64_t)d;
  }
  *out = v;
  return true;
}

static ot_status number(topo_ctx *c, yaml_node_t *n, uint64_t max, bool suffix, uint64_t *out) {
  const char *s = "";
  const char *want = suffix ? "a size (integer, optionally with K/M/G/T)" : "an integer";
  OT_GUARD(plain(c, n, want, &s));
  size_t len = strlen(s);
  unsigned shift = 0;
  if (suffix && len > 1) {
    const char *units = "KMGT";
    const char *u = strchr(units, s[len - 1]);
    if (u != NULL && *u != '\0') {
      shift = 10u * (unsigned)(u - units + 1);
      len--;
    }
  }
  uint64_t v;
  if (!digits(s, len, &v))
    return topo_fail(c, n, OT_E_MALFORMED, "expected %s, got '%.40s'", want, s);
  if (shift != 0 && v > (UINT64_MAX >> shift))
    return topo_fail(c, n, OT_E_MALFORMED, "'%s' is too large", s);
  v <<= shift;
  if (v > max)
    return topo_fail(c, n, OT_E_MALFORMED, "%s is out of range (at most 0x%llx)", s,
                     (unsigned long long)max);
  *out = v;
  return OT_SUCCESS;
}

ot_status topo_uint(topo_ctx *c, yaml_node_t *n, uint64_t max, uint64_t *out) {
  return number(c, n, max, false, out);
}

ot_status topo_size(topo_ctx *c, yaml_node_t *n, uint64_t max, uint64_t *out) {
  return number(c, n, max, true, out);
}

ot_status topo_bool(topo_ctx *c, yaml_node_t *n, bool *out) {
  const char *s = "";
  OT_GUARD(plain(c, n, "true or false", &s));
  if (strcmp(s, "true") == 0) {
    *out = true;
  } else if (strcmp(s, "false") == 0) {
    *out = false;
  } else {
    return topo_fail(c, n, OT_E_MALFORMED, "expected true or false, got '%.40s'", s);
  }
  return OT_SUCCESS;
}

ot_status topo_name(topo_ctx *c, yaml_node_t *n, char out[static OT_SIM_NAME_MAX]) {
  const char *s = "";
  OT_GUARD(scalar(c, n, "a name", &s));
  size_t len = strlen(s);
  if (len == 0 || len >= OT_SIM_NAME_MAX)
    return topo_fail(c, n, OT_E_MALFORMED, "a name has 1 to %u characters", OT_SIM_NAME_MAX - 1u);
  for (size_t i = 0; i < len; i++) {
    char ch = s[i];
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-' || ch == '.';
    if (!ok)
      return topo_fail(c, n, OT_E_MALFORMED, "name '%.40s': only letters, digits, '_', '-', '.'",
                       s);
  }
  memcpy(out, s, len + 1);
  return OT_SUCCESS;
}

ot_status topo_text(topo_ctx *c, yaml_node_t *n, char *out, size_t cap) {
  const char *s = "";
  OT_GUARD(scalar(c, n, "a string", &s));
  size_t len = strlen(s);
  if (len == 0 || len >= cap)
    return topo_fail(c, n, OT_E_MALFORMED, "expected 1 to %zu characters", cap - 1);
  memcpy(out, s, len + 1);
  return OT_SUCCESS;
}

ot_status topo_devfn(topo_ctx *c, yaml_node_t *n, uint8_t *out) {
  const char *s = "";
  OT_GUARD(scalar(c, n, "a device.function like \"00.0\"", &s));
  int d1 = hex_digit(s[0]);
  int d0 = d1 < 0 ? -1 : hex_digit(s[1]);
  bool shape = strlen(s) == 4 && d1 >= 0 && d0 >= 0 && s[2] == '.' && s[3] >= '0' && s[3] <= '9';
  if (!shape)
    return topo_fail(c, n, OT_E_MALFORMED,
                     "bad device.function '%.40s': expected DD.F (hex, e.g. 01.0)", s);
  int dev = d1 * 16 + d0;
  int fn = s[3] - '0';
  /* PCIe r6.0 §7.2.2: 5-bit Device Number, 3-bit Function Number. */
  if (dev > 0x1f)
    return topo_fail(c, n, OT_E_MALFORMED, "bad device.function '%s': device must be 00..1f", s);
  if (fn > 7)
    return topo_fail(c, n, OT_E_MALFORMED, "bad device.function '%s': function must be 0..7", s);
  *out = OT_SIM_DEVFN(dev, fn);
  return OT_SUCCESS;
}

ot_status topo_hex(topo_ctx *c, yaml_node_t *n, uint8_t *out, size_t cap, size_t *len) {
  const char *s = "";
  OT_GUARD(scalar(c, n, "a hex string", &s));
  size_t sl = strlen(s);
  if (sl == 0 || sl % 2 != 0 || sl / 2 > cap)
    return topo_fail(c, n, OT_E_MALFORMED, "expected an even number of hex digits (1 to %zu bytes)",
                     cap);
  for (size_t i = 0; i < sl; i++) {
    if (hex_digit(s[i]) < 0)
      return topo_fail(c, n, OT_E_MALFORMED, "'%c' is not a hex digit", s[i]);
  }
  for (size_t i = 0; i < sl / 2; i++)
    out[i] = (uint8_t)(hex_digit(s[2 * i]) * 16 + hex_digit(s[2 * i + 1]));
  *len = sl / 2;
  return OT_SUCCESS;
}

ot_status topo_enum(topo_ctx *c, yaml_node_t *n, const char *what, const char *const *names,
                    size_t count, unsigned *out) {
  const char *s = "";
  OT_GUARD(scalar(c, n, what, &s));
  for (size_t i = 0; i < count; i++) {
    if (names[i] != NULL && strcmp(names[i], s) == 0) {
      *out = (unsigned)i;
      return OT_SUCCESS;
    }
  }
  char list[128] = "";
  size_t pos = 0;
  for (size_t i = 0; i < count && pos < sizeof list; i++) {
    if (names[i] == NULL) continue;
    int k = snprintf(list + pos, sizeof list - pos, "%s%s", pos ? ", " : "", names[i]);
    if (k < 0) break;
    pos += (size_t)k;
  }
  return topo_fail(c, n, OT_E_MALFORMED, "unknown %s '%.32s' (one of: %s)", what, s, list);
}
