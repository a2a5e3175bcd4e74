/* SPDX-License-Identifier: BSD-3-Clause */
/* Logging: see opentsm/log.h. */
#include "opentsm/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/secure.h"

#define LOG_LINE_MAX 1024

static const char *const level_names[] = {"error", "warn", "info", "debug", "trace"};

static atomic_int log_level = -1; /* -1: not yet read from the environment */
static _Atomic(ot_log_sink_fn) log_sink;

const char *ot_log_level_name(ot_log_level level) {
  if ((unsigned)level < sizeof level_names / sizeof level_names[0]) return level_names[level];
  return "?";
}

ot_status ot_log_level_parse(const char *name, ot_log_level *out) {
  OT_ENSURE(name != NULL, OT_E_ARG);
  for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
    if (strcmp(name, level_names[i]) == 0) {
      *out = (ot_log_level)i;
      return OT_SUCCESS;
    }
  }
  OT_BAIL(OT_E_ARG);
}

ot_log_level ot_log_get_level(void) {
  int lv = atomic_load(&log_level);
  if (lv < 0) {
    ot_log_level parsed = OT_LOG_WARN;
    const char *env = getenv("OPENTSM_LOG");
    if (env && !ot_ok(ot_log_level_parse(env, &parsed))) parsed = OT_LOG_WARN;
    lv = (int)parsed;
    atomic_store(&log_level, lv);
  }
  return (ot_log_level)lv;
}

void ot_log_set_level(ot_log_level level) { atomic_store(&log_level, (int)level); }

void ot_log_set_sink(ot_log_sink_fn sink) { atomic_store(&log_sink, sink); }

static void emit(ot_log_level level, const char *component, const char *line) {
  ot_log_sink_fn sink = atomic_load(&log_sink);
  if (sink) {
    sink(level, component, line);
    return;
  }
  fprintf(stderr, "[%s] %s: %s\n", ot_log_level_name(level), component ? component : "-", line);
}

void ot_log(ot_log_level level, const char *component, const char *fmt, ...) {
  if (level > ot_log_get_level()) return;
  char line[LOG_LINE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  emit(level, component, line);
}

ot_status ot_log_hexdump(ot_log_level level, const char *component, const char *label,
                         const uint8_t *buf, size_t len) {
  if (ot_secret_overlaps(buf, len)) {
    ot_log(level, component, "%s: %zu bytes withheld: secret", label, len);
    OT_BAIL(OT_E_POLICY);
  }
  if (level > ot_log_get_level()) return OT_SUCCESS;
  ot_log(level, component, "%s (%zu bytes)", label, len);
  static const char hex[] = "0123456789abcdef";
  for (size_t off = 0; off < len; off += 16) {
    char line[24 + 16 * 3]; /* 16 offset digits, a space, 16 "xx " */
    size_t n = len - off < 16 ? len - off : 16;
    int pos = snprintf(line, sizeof line, "%06zx ", off);
    for (size_t i = 0; i < n; i++) {
      line[pos++] = hex[buf[off + i] >> 4];
      line[pos++] = hex[buf[off + i] & 0xf];
      line[pos++] = ' ';
    }
    line[pos - 1] = '\0';
    emit(level, component, line);
  }
  return OT_SUCCESS;
}
