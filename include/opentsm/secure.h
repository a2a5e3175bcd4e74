/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Handling of secrets: zeroization, constant-time comparison, and the secret
 * registry that keeps key material out of logs.
 * @layer base
 *
 * Any buffer that holds a key, a shared secret or a seed should be marked with
 * ot_secret_mark() for as long as it holds one, and released with
 * ot_secret_wipe(), which zeroizes and unmarks it. ot_log_hexdump() refuses to
 * print any byte of a marked buffer. The registry is process-wide, thread-safe
 * and bounded (OT_SECRET_MAX_MARKS live marks); marking beyond that fails.
 */
#ifndef OPENTSM_SECURE_H
#define OPENTSM_SECURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/status.h"

/*
 * Enough for a platform of 4096 connected IDE devices (a TSM, a device and a
 * root port hold 14 marks per connected device); the table is static and
 * costs memory only as it fills.
 */
#ifndef OT_SECRET_MAX_MARKS /* the firmware profile sets its own (firmware/) */
#define OT_SECRET_MAX_MARKS 65536
#endif

/* Overwrites n bytes with zeros in a way the compiler may not elide. */
void ot_zeroize(void *p, size_t n);

/* Compares n bytes in time independent of their contents; true when equal. */
bool ot_ct_equal(const void *a, const void *b, size_t n);

/* Returns 0xff..ff if x == 0 else 0, in constant time (for branch-free selects). */
static inline uint32_t ot_ct_is_zero_mask(uint32_t x) {
  return (uint32_t)0 - (uint32_t)(1u ^ ((x | (0u - x)) >> 31));
}

/* Marks p[0..n) as secret. OT_E_NO_SPACE when the registry is full. */
OT_RESULT ot_secret_mark(const void *p, size_t n);
/* Removes the mark covering exactly p[0..n) (no-op when absent). */
void ot_secret_unmark(const void *p, size_t n);
/* Zeroizes p[0..n) and removes its mark. */
void ot_secret_wipe(void *p, size_t n);
/* True if any byte of p[0..n) lies in a marked buffer. */
bool ot_secret_overlaps(const void *p, size_t n);
/* Number of live marks (for tests that check nothing is left marked). */
size_t ot_secret_mark_count(void);

#endif /* OPENTSM_SECURE_H */
