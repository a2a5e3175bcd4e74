/* SPDX-License-Identifier: BSD-3-Clause */
/* The FFDHE half of ot_dhe_* (ffdhe.c), called by dhe.c once sizes are checked. */
#ifndef OPENTSM_FFDHE_INTERNAL_H
#define OPENTSM_FFDHE_INTERNAL_H

#include "opentsm/crypto.h"

/* Private exponent size in bytes (32, 48, 64), 0 for a non-FFDHE group. */
size_t ot_ffdhe_private_size(ot_curve group);
/* priv[0..private size), pub[0..|p|); buffers checked by the caller. */
OT_RESULT ot_ffdhe_generate(ot_curve group, ot_rng *rng, uint8_t *priv, uint8_t *pub);
/* secret[0..|p|) from priv and peer (|p| bytes), peer fully validated. */
OT_RESULT ot_ffdhe_shared(ot_curve group, const uint8_t *priv, const uint8_t *peer,
                          uint8_t *secret);

#endif /* OPENTSM_FFDHE_INTERNAL_H */
