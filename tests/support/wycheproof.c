/* SPDX-License-Identifier: BSD-3-Clause */
#include "wycheproof.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testsupport.h"

void ts_wp_open(ts_wp_iter *it, const char *name, const char *algorithm) {
  memset(it, 0, sizeof *it);
  char rel[256];
  snprintf(rel, sizeof rel, "wycheproof/%s", name);
  json_error_t err;
  it->root = json_load_file(ts_vector_path(rel), 0, &err);
  if (!it->root) fail_msg("%s: %s (line %d)", name, err.text, err.line);
  it->file = name;
  const char *alg = json_string_value(json_object_get(it->root, "algorithm"));
  if (!alg || strcmp(alg, algorithm) != 0)
    fail_msg("%s: algorithm %s, want %s", name, alg ? alg : "(none)", algorithm);
  json_t *n = json_object_get(it->root, "numberOfTests");
  if (!json_is_integer(n) || json_integer_value(n) <= 0) fail_msg("%s: no numberOfTests", name);
  it->declared = (size_t)json_integer_value(n);
  if (!json_is_array(json_object_get(it->root, "testGroups"))) fail_msg("%s: no testGroups", name);
}

bool ts_wp_next(ts_wp_iter *it) {
  json_t *groups = json_object_get(it->root, "testGroups");
  for (;;) {
    if (it->group_idx >= json_array_size(groups)) {
      it->group = it->test = NULL;
      return false;
    }
    it->group = json_array_get(groups, it->group_idx);
    json_t *tests = json_object_get(it->group, "tests");
    if (!json_is_array(tests)) fail_msg("%s: group %zu has no tests", it->file, it->group_idx);
    if (it->test_idx < json_array_size(tests)) {
      it->test = json_array_get(tests, it->test_idx++);
      it->seen++;
      return true;
    }
    it->group_idx++;
    it->test_idx = 0;
  }
}

int ts_wp_tc_id(const ts_wp_iter *it) {
  return (int)json_integer_value(json_object_get(it->test, "tcId"));
}

ts_wp_result ts_wp_result_of(const ts_wp_iter *it) {
  const char *r = json_string_value(json_object_get(it->test, "result"));
  if (r && strcmp(r, "valid") == 0) return TS_WP_VALID;
  if (r && strcmp(r, "invalid") == 0) return TS_WP_INVALID;
  if (r && strcmp(r, "acceptable") == 0) return TS_WP_ACCEPTABLE;
  fail_msg("%s tcId %d: bad result field", it->file, ts_wp_tc_id(it));
  return TS_WP_INVALID;
}

bool ts_wp_has_flag(const ts_wp_iter *it, const char *flag) {
  json_t *flags = json_object_get(it->test, "flags");
  size_t i;
  json_t *f;
  json_array_foreach(flags, i, f) {
    if (json_is_string(f) && strcmp(json_string_value(f), flag) == 0) return true;
  }
  return false;
}

uint8_t *ts_wp_unhex(const char *hex, size_t *len) {
  uint8_t *b = ts_unhex(hex, len);
  if (!b) fail_msg("bad hex string '%.40s'", hex);
  return b;
}

uint8_t *ts_wp_test_hex(const ts_wp_iter *it, const char *field, size_t *len) {
  const char *s = json_string_value(json_object_get(it->test, field));
  if (!s) fail_msg("%s tcId %d: no field %s", it->file, ts_wp_tc_id(it), field);
  return ts_wp_unhex(s, len);
}

static long long int_field(const ts_wp_iter *it, json_t *obj, const char *field) {
  json_t *v = json_object_get(obj, field);
  if (!json_is_integer(v)) fail_msg("%s tcId %d: no integer %s", it->file, ts_wp_tc_id(it), field);
  return json_integer_value(v);
}

long long ts_wp_test_int(const ts_wp_iter *it, const char *field) {
  return int_field(it, it->test, field);
}

long long ts_wp_group_int(const ts_wp_iter *it, const char *field) {
  return int_field(it, it->group, field);
}

const char *ts_wp_group_str(const ts_wp_iter *it, const char *object, const char *field) {
  json_t *o = object ? json_object_get(it->group, object) : it->group;
  const char *s = json_string_value(json_object_get(o, field));
  if (!s) fail_msg("%s: group has no %s.%s", it->file, object ? object : "", field);
  return s;
}

void ts_wp_check(ts_wp_iter *it, bool accepted) {
  switch (ts_wp_result_of(it)) {
  case TS_WP_VALID:
    if (!accepted) fail_msg("%s tcId %d: valid case rejected", it->file, ts_wp_tc_id(it));
    it->valid_passed++;
    break;
  case TS_WP_INVALID:
    if (accepted) fail_msg("%s tcId %d: invalid case accepted", it->file, ts_wp_tc_id(it));
    it->invalid_rejected++;
    break;
  case TS_WP_ACCEPTABLE: it->acceptable_run++; break;
  }
}

void ts_wp_skip(ts_wp_iter *it) { it->skipped++; }

void ts_wp_close(ts_wp_iter *it) {
  size_t counted = it->valid_passed + it->invalid_rejected + it->acceptable_run + it->skipped;
  if (it->seen != it->declared)
    fail_msg("%s: walked %zu tests, file declares %zu", it->file, it->seen, it->declared);
  if (counted != it->seen)
    fail_msg("%s: %zu tests walked but %zu accounted for", it->file, it->seen, counted);
  printf("%s: %zu valid passed, %zu invalid rejected, %zu acceptable, %zu skipped\n", it->file,
         it->valid_passed, it->invalid_rejected, it->acceptable_run, it->skipped);
  json_decref(it->root);
  it->root = NULL;
}
