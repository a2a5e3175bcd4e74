/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small reader for Project Wycheproof JSON vector files (tests/vectors/
 * wycheproof/): walks every test of every group, hands out hex fields as
 * bytes, and counts what the test did with each case so that the test can
 * assert the totals (a loader bug must not let a test pass on zero cases).
 * Test code only. Any malformed file or missing field fails the test.
 */
#ifndef OPENTSM_TESTS_WYCHEPROOF_H
#define OPENTSM_TESTS_WYCHEPROOF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ts_wp_result {
  TS_WP_VALID = 1,
  TS_WP_INVALID = 2,
  TS_WP_ACCEPTABLE = 3,
} ts_wp_result;

typedef struct ts_wp_iter {
  json_t *root;
  const char *file;
  size_t group_idx, test_idx;
  json_t *group;   /* current group object */
  json_t *test;    /* current test object */
  size_t declared; /* "numberOfTests" */
  size_t seen;     /* tests handed out so far */
  /* What the caller reported, by result kind. */
  size_t valid_passed, invalid_rejected, acceptable_run, skipped;
} ts_wp_iter;

/* Loads tests/vectors/wycheproof/<name>; checks "algorithm" equals algorithm. */
void ts_wp_open(ts_wp_iter *it, const char *name, const char *algorithm);
/* Moves to the next test; false after the last one. */
bool ts_wp_next(ts_wp_iter *it);
int ts_wp_tc_id(const ts_wp_iter *it);
ts_wp_result ts_wp_result_of(const ts_wp_iter *it);
bool ts_wp_has_flag(const ts_wp_iter *it, const char *flag);
/* A hex string field of the current test (malloc'd, free it; never NULL). */
uint8_t *ts_wp_test_hex(const ts_wp_iter *it, const char *field, size_t *len);
/* An integer field of the current test / group. */
long long ts_wp_test_int(const ts_wp_iter *it, const char *field);
long long ts_wp_group_int(const ts_wp_iter *it, const char *field);
/* A string field of the current group, or of an object inside it ("publicKey", "pk"). */
const char *ts_wp_group_str(const ts_wp_iter *it, const char *object, const char *field);
/* Decodes a hex string into a malloc'd buffer (fails the test on bad hex). */
uint8_t *ts_wp_unhex(const char *hex, size_t *len);

/*
 * Records the outcome of the current case: `accepted` is whether the code
 * under test accepted it. A valid case must be accepted and an invalid one
 * rejected (the test fails with the tcId otherwise); acceptable cases may go
 * either way and are counted.
 */
void ts_wp_check(ts_wp_iter *it, bool accepted);
/* Counts the current case as deliberately not run (unsupported parameters). */
void ts_wp_skip(ts_wp_iter *it);
/* Checks that every declared test was seen, then frees the file. */
void ts_wp_close(ts_wp_iter *it);

#endif
