/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the tests: files, vector paths, hex. Test code only. */
#ifndef OPENTSM_TESTSUPPORT_H
#define OPENTSM_TESTSUPPORT_H

#include <setjmp.h> /* cmocka needs these before its header */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "opentsm/status.h"

/* Asserts that a status is OT_OK, printing its name otherwise. */
#define assert_ot_ok(expr)                                                                 \
  do {                                                                                     \
    ot_status ts_s_ = (expr);                                                              \
    if (!ot_ok(ts_s_)) fail_msg("%s failed: %s", #expr, ot_status_name(ts_s_));             \
  } while (0)

/* Asserts that a status has exactly the given code. */
#define assert_ot_code(expr, code_)                                                        \
  do {                                                                                     \
    ot_status ts_s_ = (expr);                                                              \
    if (ts_s_.code != (code_))                                                             \
      fail_msg("%s: got %s, want %s", #expr, ot_status_name(ts_s_),                        \
               ot_status_name(ot_status_of(code_)));                                       \
  } while (0)

/* Reads a whole file into a malloc'd buffer; NULL on failure. */
uint8_t *ts_read_file(const char *path, size_t *len);
/* Path of a file under tests/vectors (static storage, overwritten by the next call). */
const char *ts_vector_path(const char *rel);
/* Reads tests/vectors/<rel>; fails the test if it is missing. */
uint8_t *ts_read_vector(const char *rel, size_t *len);
/* Decodes hex (no separators, even length) into a malloc'd buffer (1 byte min). */
uint8_t *ts_unhex(const char *hex, size_t *len);

#endif
