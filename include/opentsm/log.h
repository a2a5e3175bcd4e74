/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging: levels, component tags, one line per call, to stderr by default.
 * @layer base
 *
 * Never log key material. ot_log_hexdump() enforces this for buffers marked with
 * ot_secret_mark() (opentsm/secure.h): it prints a refusal line instead.
 *
 * The level and the sink are process-wide. The sink can be replaced (tests use
 * this to capture output); the default writes "[level] component: message" to
 * stderr.
 */
#ifndef OPENTSM_LOG_H
#define OPENTSM_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "opentsm/status.h"

typedef enum ot_log_level {
  OT_LOG_ERROR = 0,
  OT_LOG_WARN = 1,
  OT_LOG_INFO = 2,
  OT_LOG_DEBUG = 3,
  OT_LOG_TRACE = 4,
} ot_log_level;

/* Receives each formatted line (without trailing newline). */
typedef void (*ot_log_sink_fn)(ot_log_level level, const char *component, const char *line);

/* Messages above `level` are dropped. Default: OT_LOG_WARN, or $OPENTSM_LOG (error..trace). */
void ot_log_set_level(ot_log_level level);
ot_log_level ot_log_get_level(void);
/* Replaces the sink; NULL restores the stderr sink. */
void ot_log_set_sink(ot_log_sink_fn sink);
/* Parses "error", "warn", "info", "debug", "trace". */
OT_RESULT ot_log_level_parse(const char *name, ot_log_level *out);
const char *ot_log_level_name(ot_log_level level);

#if defined(__GNUC__) || defined(__clang__)
#define OT_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#else
#define OT_PRINTF(fmt_idx, arg_idx)
#endif

void ot_log(ot_log_level level, const char *component, const char *fmt, ...) OT_PRINTF(3, 4);

/*
 * Hex dump of a buffer at `level`, 16 bytes per line under a `label` line.
 * Refuses (prints "<label>: <n> bytes withheld: secret>") if any byte of the
 * buffer is marked secret. Returns OT_E_POLICY when it refused.
 */
OT_RESULT ot_log_hexdump(ot_log_level level, const char *component, const char *label,
                         const uint8_t *buf, size_t len);

#if defined(OT_NO_LOG) && OT_NO_LOG
/*
 * The firmware profile (firmware/CMakeLists.txt) has no log: each call is
 * compiled out, strings included. It stays an unevaluated operand of sizeof,
 * so its format and arguments are still type-checked and count as used.
 */
#define OT_LOG_DROP_(...) ((void)sizeof((ot_log(__VA_ARGS__), 0)))
#define OT_LOGE(comp, ...) OT_LOG_DROP_(OT_LOG_ERROR, comp, __VA_ARGS__)
#define OT_LOGW(comp, ...) OT_LOG_DROP_(OT_LOG_WARN, comp, __VA_ARGS__)
#define OT_LOGI(comp, ...) OT_LOG_DROP_(OT_LOG_INFO, comp, __VA_ARGS__)
#define OT_LOGD(comp, ...) OT_LOG_DROP_(OT_LOG_DEBUG, comp, __VA_ARGS__)
#define OT_LOGT(comp, ...) OT_LOG_DROP_(OT_LOG_TRACE, comp, __VA_ARGS__)
#else
#define OT_LOGE(comp, ...) ot_log(OT_LOG_ERROR, comp, __VA_ARGS__)
#define OT_LOGW(comp, ...) ot_log(OT_LOG_WARN, comp, __VA_ARGS__)
#define OT_LOGI(comp, ...) ot_log(OT_LOG_INFO, comp, __VA_ARGS__)
#define OT_LOGD(comp, ...) ot_log(OT_LOG_DEBUG, comp, __VA_ARGS__)
#define OT_LOGT(comp, ...) ot_log(OT_LOG_TRACE, comp, __VA_ARGS__)
#endif

#endif /* OPENTSM_LOG_H */
