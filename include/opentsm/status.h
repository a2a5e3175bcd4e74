/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm status: the one error type of the whole project.
 * @layer base
 *
 * Every fallible function returns an `ot_status` declared with OT_RESULT, so the
 * compiler refuses to let a caller drop it. A status is a small struct, not an
 * int, so it cannot be confused with a length or a boolean.
 *
 * Codes live in one X-macro table, grouped by category (the high byte of the
 * code). Each entry has a symbolic name and a one-line message meant for users.
 *
 * Error discipline (as s2n-tls):
 *   OT_ENSURE(cond, OT_E_x)  - fail with OT_E_x unless cond holds
 *   OT_GUARD(expr)           - propagate a failed status
 *   OT_BAIL(OT_E_x)          - fail unconditionally
 * and the _GOTO forms for functions with one cleanup label that wipes secrets.
 * Keep the happy path linear; branch on failure.
 */
#ifndef OPENTSM_STATUS_H
#define OPENTSM_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define OT_MUST_USE __attribute__((warn_unused_result))
#else
#define OT_MUST_USE
#endif

/* Categories: the high byte of a code. */
#define OT_CAT_OK 0x00u       /* success */
#define OT_CAT_USAGE 0x01u    /* the caller broke a documented rule */
#define OT_CAT_BOUNDS 0x02u   /* not enough input or output space */
#define OT_CAT_PROTO 0x03u    /* the peer sent something the protocol forbids */
#define OT_CAT_CRYPTO 0x04u   /* a check of authenticity or validity failed */
#define OT_CAT_IO 0x05u       /* transport, timeout, device */
#define OT_CAT_STATE 0x06u    /* object is failed, closed or in the wrong state */
#define OT_CAT_INTERNAL 0x07u /* resources, library failures, bugs */

/*
 * X(NAME, CATEGORY, NUMBER, "message")
 * Codes are stable: append new ones at the end of their category.
 */
#define OT_STATUS_TABLE(X)                                                                         \
  X(OT_OK, OT_CAT_OK, 0x00, "success")                                                             \
  X(OT_E_ARG, OT_CAT_USAGE, 0x01, "invalid argument")                                              \
  X(OT_E_UNSUPPORTED, OT_CAT_USAGE, 0x02, "not supported")                                         \
  X(OT_E_NOT_FOUND, OT_CAT_USAGE, 0x03, "not found")                                               \
  X(OT_E_EXISTS, OT_CAT_USAGE, 0x04, "already exists")                                             \
  X(OT_E_TRUNCATED, OT_CAT_BOUNDS, 0x01, "input truncated")                                        \
  X(OT_E_NO_SPACE, OT_CAT_BOUNDS, 0x02, "output buffer too small")                                 \
  X(OT_E_TOO_LARGE, OT_CAT_BOUNDS, 0x03, "value exceeds the allowed maximum")                      \
  X(OT_E_TRAILING, OT_CAT_BOUNDS, 0x04, "unexpected bytes after the end of the message")           \
  X(OT_E_MALFORMED, OT_CAT_PROTO, 0x01, "malformed message")                                       \
  X(OT_E_RESERVED, OT_CAT_PROTO, 0x02, "reserved field is not zero")                               \
  X(OT_E_UNEXPECTED, OT_CAT_PROTO, 0x03, "message not allowed in this state")                      \
  X(OT_E_VERSION, OT_CAT_PROTO, 0x04, "unsupported protocol version")                              \
  X(OT_E_PEER_ERROR, OT_CAT_PROTO, 0x05, "peer answered with an error")                            \
  X(OT_E_NEGOTIATION, OT_CAT_PROTO, 0x06, "no common parameters with the peer")                    \
  X(OT_E_VERIFY, OT_CAT_CRYPTO, 0x01, "verification failed")                                       \
  X(OT_E_DECRYPT, OT_CAT_CRYPTO, 0x02, "decryption or authentication failed")                      \
  X(OT_E_BAD_KEY, OT_CAT_CRYPTO, 0x03, "invalid key or point")                                     \
  X(OT_E_CERT, OT_CAT_CRYPTO, 0x04, "certificate invalid or not trusted")                          \
  X(OT_E_POLICY, OT_CAT_CRYPTO, 0x05, "refused by policy")                                         \
  X(OT_E_IO, OT_CAT_IO, 0x01, "input/output error")                                                \
  X(OT_E_TIMEOUT, OT_CAT_IO, 0x02, "timed out")                                                    \
  X(OT_E_CLOSED, OT_CAT_IO, 0x03, "connection closed by peer")                                     \
  X(OT_E_BUSY, OT_CAT_IO, 0x04, "device busy")                                                     \
  X(OT_E_DEVICE, OT_CAT_IO, 0x05, "device reported an error")                                      \
  X(OT_E_FAILED, OT_CAT_STATE, 0x01, "object is in a failed state")                                \
  X(OT_E_STATE, OT_CAT_STATE, 0x02, "operation not valid in the current state")                    \
  X(OT_E_DEAD, OT_CAT_STATE, 0x03, "mailbox is dead")                                              \
  X(OT_E_CANCELLED, OT_CAT_STATE, 0x04, "cancelled (stop requested)")                              \
  X(OT_E_NOMEM, OT_CAT_INTERNAL, 0x01, "out of memory")                                            \
  X(OT_E_LIBRARY, OT_CAT_INTERNAL, 0x02, "cryptographic library failure")                          \
  X(OT_E_RNG, OT_CAT_INTERNAL, 0x03, "random number generator failure")                            \
  X(OT_E_INTERNAL, OT_CAT_INTERNAL, 0x04, "internal error")

#define OT_STATUS_CODE(cat, num) ((uint16_t)(((cat) << 8) | (num)))

typedef enum ot_code {
#define OT_X_ENUM(name, cat, num, msg) name = OT_STATUS_CODE(cat, num),
  OT_STATUS_TABLE(OT_X_ENUM)
#undef OT_X_ENUM
} ot_code;

/* The result of a fallible operation. Compare with ot_ok(), never by value. */
typedef struct ot_status {
  ot_code code;
} ot_status;

/* Declares a function returning a status that callers must not ignore. */
#define OT_RESULT OT_MUST_USE ot_status

static inline ot_status ot_status_of(ot_code code) {
  ot_status s = {code};
  return s;
}
#define OT_SUCCESS (ot_status_of(OT_OK))

static inline bool ot_ok(ot_status s) { return s.code == OT_OK; }
static inline bool ot_is(ot_status s, ot_code code) { return s.code == code; }
static inline unsigned ot_status_category(ot_status s) { return ((unsigned)s.code >> 8) & 0xffu; }

/* Symbolic name ("OT_E_TRUNCATED"); never NULL, "OT_E_UNKNOWN" for foreign codes. */
const char *ot_status_name(ot_status s);
/* One-line message for users ("input truncated"); never NULL. */
const char *ot_status_message(ot_status s);
/* Category name ("bounds", "crypto", ...); never NULL. */
const char *ot_status_category_name(ot_status s);

/* Deliberately ignore a status (document why at the call site). */
#define OT_IGNORE(expr)                                                                            \
  do {                                                                                             \
    ot_status ot_ignored_ = (expr);                                                                \
    (void)ot_ignored_;                                                                             \
  } while (0)

#define OT_BAIL(code_) return ot_status_of(code_)

#define OT_ENSURE(cond, code_)                                                                     \
  do {                                                                                             \
    if (!(cond)) return ot_status_of(code_);                                                       \
  } while (0)

#define OT_GUARD(expr)                                                                             \
  do {                                                                                             \
    ot_status ot_guard_ = (expr);                                                                  \
    if (!ot_ok(ot_guard_)) return ot_guard_;                                                       \
  } while (0)

/* Forms for functions that must pass through one cleanup label. */
#define OT_GUARD_GOTO(st, expr, label)                                                             \
  do {                                                                                             \
    (st) = (expr);                                                                                 \
    if (!ot_ok(st)) goto label;                                                                    \
  } while (0)

#define OT_ENSURE_GOTO(st, cond, code_, label)                                                     \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      (st) = ot_status_of(code_);                                                                  \
      goto label;                                                                                  \
    }                                                                                              \
  } while (0)

#endif /* OPENTSM_STATUS_H */
