/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Random number generators behind one interface.
 * @layer base
 *
 * Production code draws from ot_rng_os() (getrandom). Tests and demos use the
 * deterministic HMAC-DRBG of opentsm/crypto.h (ot_drbg), seeded from a fixed
 * value, so that every run is reproducible. An implementation embeds `ot_rng`
 * as its first member.
 */
#ifndef OPENTSM_RNG_H
#define OPENTSM_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "opentsm/status.h"

typedef struct ot_rng ot_rng;

struct ot_rng {
  /* Fills out[0..n) with random bytes; OT_E_RNG on failure (out is then zeroed). */
  ot_status (*fill)(ot_rng *rng, uint8_t *out, size_t n);
};

static inline OT_RESULT ot_rng_fill(ot_rng *rng, uint8_t *out, size_t n) {
  return rng->fill(rng, out, n);
}

/* The operating system's CSPRNG (getrandom(2)); process-wide, thread-safe. */
ot_rng *ot_rng_os(void);

#endif /* OPENTSM_RNG_H */
