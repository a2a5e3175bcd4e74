/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared YAML loader (src/base/yaml_doc.c): what it accepts, and every
 * refusal with its code, line, column and message: bad indentation, a key
 * twice, nesting too deep, a scalar too large, bytes that are not UTF-8, an
 * alias, a second document, too many nodes, a text too large.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/yaml_doc.h"
#include "testsupport.h"

static ot_yaml_limits small(void) {
  return (ot_yaml_limits){.max_bytes = 4096, .max_depth = 4, .max_scalar = 16, .max_nodes = 64};
}

typedef struct bad_case {
  const char *what;
  const char *text;
  size_t len; /* 0: strlen */
  ot_code code;
  uint32_t line, column;
  const char *needle;
} bad_case;

static const bad_case bad_cases[] = {
    {"bad indentation", "a:\n  b: 1\n c: 2\n", 0, OT_E_MALFORMED, 3, 2, "YAML syntax"},
    {"tab indentation", "a:\n\tb: 1\n", 0, OT_E_MALFORMED, 2, 1, "YAML syntax"},
    {"unclosed flow", "a: [1, 2\n", 0, OT_E_MALFORMED, 2, 1, "YAML syntax"},
    {"duplicate key", "a: 1\nb: 2\na: 3\n", 0, OT_E_EXISTS, 3, 1,
     "duplicate key 'a': it appears twice in one mapping (first at line 1, column 1)"},
    {"duplicate key, nested flow", "x:\n  - {k: 1, j: 2, k: 3}\n", 0, OT_E_EXISTS, 2, 18,
     "duplicate key 'k'"},
    {"duplicate key, first repeat named", "b: 1\na: 1\na: 2\nb: 2\n", 0, OT_E_EXISTS, 3, 1,
     "duplicate key 'a'"},
    {"too deep", "a: {b: {c: {d: {e: 1}}}}\n", 0, OT_E_TOO_LARGE, 1, 16, "nested deeper than 4"},
    {"too deep, sequences", "[[[[[1]]]]]\n", 0, OT_E_TOO_LARGE, 1, 5, "nested deeper than 4"},
    {"huge scalar", "a: 01234567890123456\n", 0, OT_E_TOO_LARGE, 1, 4, "a scalar of 17 bytes"},
    {"huge key", "01234567890123456: 1\n", 0, OT_E_TOO_LARGE, 1, 1, "a scalar of 17 bytes"},
    {"not UTF-8: bad lead byte", "a: 1\nb: \xff\n", 0, OT_E_MALFORMED, 2, 4,
     "byte 0xff cannot start"},
    {"not UTF-8: bad continuation", "a: \xc3(\n", 0, OT_E_MALFORMED, 1, 4,
     "byte 0x28 cannot continue"},
    {"not UTF-8: overlong", "a: \xc0\xaf\n", 0, OT_E_MALFORMED, 1, 4, "overlong"},
    {"not UTF-8: surrogate", "a: \xed\xa0\x80\n", 0, OT_E_MALFORMED, 1, 4, "surrogate"},
    {"not UTF-8: truncated", "a: \xe2\x82", 0, OT_E_MALFORMED, 1, 4, "ends inside a character"},
    {"not UTF-8: column counts characters", "\xc3\xa9\xc3\xa9: \xff\n", 0, OT_E_MALFORMED, 1, 5,
     "cannot start"},
    {"alias", "a: &x {b: 1}\nc: *x\n", 0, OT_E_MALFORMED, 1, 4, "aliases and anchors"},
    {"second document", "a: 1\n---\nb: 2\n", 0, OT_E_MALFORMED, 2, 1, "exactly one YAML document"},
    {"too many nodes",
     "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,"
     "33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,"
     "63,64]\n",
     0, OT_E_TOO_LARGE, 1, 182, "more than 64 YAML nodes"},
    {"NUL byte", "a: 1\0", 5, OT_E_MALFORMED, 1, 5, "control character (U+0000)"},
    {"escape byte", "a:\n  b: \x1b[31m\n", 0, OT_E_MALFORMED, 2, 6, "control character (U+001B)"},
    {"C1 control", "a: \xc2\x9b\n", 0, OT_E_MALFORMED, 1, 4, "control character (U+009B)"},
};

static void refusals(void **state) {
  (void)state;
  int bad = 0;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const bad_case *b = &bad_cases[i];
    ot_yaml_limits lim = small();
    ot_yaml_doc d;
    ot_yaml_error err;
    size_t len = b->len ? b->len : strlen(b->text);
    ot_status st = ot_yaml_load(&d, b->text, len, &lim, &err);
    if (!ot_is(st, b->code) || err.line != b->line || err.column != b->column ||
        strstr(err.msg, b->needle) == NULL)
      print_error("%s: got %s at %u:%u \"%s\"\n", b->what, ot_status_name(st), err.line, err.column,
                  err.msg),
          bad++;
    assert_false(d.loaded);
    assert_null(ot_yaml_root(&d));
    ot_yaml_free(&d); /* safe after a failure */
  }
  assert_int_equal(bad, 0);
}

static void accepted(void **state) {
  (void)state;
  static const char text[] = "a: 1\n"
                             "b: [x, y, {c: \"\xc3\xa9t\xc3\xa9\"}]\n"
                             "d: &only_anchored {e: f}\n" /* an anchor never used is no alias */
                             "\"a \": 2\n";               /* another key than 'a' */
  ot_yaml_limits lim = small();
  ot_yaml_doc d;
  ot_yaml_error err;
  assert_ot_ok(ot_yaml_load(&d, text, strlen(text), &lim, &err));
  yaml_node_t *root = ot_yaml_root(&d);
  assert_non_null(root);
  assert_int_equal(root->type, YAML_MAPPING_NODE);
  assert_int_equal(root->data.mapping.pairs.top - root->data.mapping.pairs.start, 4);
  ot_yaml_free(&d);
  ot_yaml_free(&d);
  /* Exactly at the limits: depth 4, a scalar of 16 bytes. */
  static const char edge[] = "a: {b: {c: [0123456789abcdef]}}\n";
  assert_ot_ok(ot_yaml_load(&d, edge, strlen(edge), &lim, &err));
  ot_yaml_free(&d);
  /* An empty text: a document without a root. */
  assert_ot_ok(ot_yaml_load(&d, NULL, 0, &lim, &err));
  assert_null(ot_yaml_root(&d));
  ot_yaml_free(&d);
  /* A byte order mark is UTF-8. */
  static const char bom[] = "\xef\xbb\xbf"
                            "a: 1\n";
  assert_ot_ok(ot_yaml_load(&d, bom, strlen(bom), &lim, &err));
  ot_yaml_free(&d);
}

static void text_too_large(void **state) {
  (void)state;
  ot_yaml_limits lim = small();
  size_t n = lim.max_bytes + 1;
  char *big = malloc(n);
  assert_non_null(big);
  memset(big, '#', n);
  ot_yaml_doc d;
  ot_yaml_error err;
  assert_ot_code(ot_yaml_load(&d, big, n, &lim, &err), OT_E_TOO_LARGE);
  assert_int_equal(err.line, 0);
  assert_non_null(strstr(err.msg, "larger than 4096 bytes"));
  free(big);
  assert_ot_code(ot_yaml_load(NULL, "a", 1, &lim, &err), OT_E_ARG);
  assert_ot_code(ot_yaml_load(&d, NULL, 1, &lim, &err), OT_E_ARG);
}

/* Many keys in one mapping: the repeated-key check stays fast and finds the
 * one repeat among thousands. */
static void wide_mapping(void **state) {
  (void)state;
  enum { KEYS = 20000 };
  size_t cap = (size_t)KEYS * 16 + 32;
  char *t = malloc(cap);
  assert_non_null(t);
  size_t n = 0;
  for (int i = 0; i < KEYS; i++)
    n += (size_t)snprintf(t + n, cap - n, "k%d: %d\n", i, i);
  n += (size_t)snprintf(t + n, cap - n, "k17: again\n");
  ot_yaml_limits lim = OT_YAML_LIMITS_DEFAULT;
  ot_yaml_doc d;
  ot_yaml_error err;
  assert_ot_code(ot_yaml_load(&d, t, n, &lim, &err), OT_E_EXISTS);
  assert_int_equal(err.line, KEYS + 1);
  assert_non_null(strstr(err.msg, "first at line 18, column 1"));
  free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(refusals),
      cmocka_unit_test(accepted),
      cmocka_unit_test(text_too_large),
      cmocka_unit_test(wide_mapping),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
