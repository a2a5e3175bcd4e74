/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the session files (key schedule, KEY_UPDATE, records). */
#ifndef OPENTSM_SPDM_SESSION_INTERNAL_H
#define OPENTSM_SPDM_SESSION_INTERNAL_H

#include "opentsm/spdm_session.h"

/* Clears an epoch: releases its AEAD context and zeroizes its secret, salt and counter. */
void session_epoch_wipe(ot_spdm_epoch *e);

/*
 * Fills e from a direction secret (H bytes, already in e->secret): AEAD key
 * = Expand(secret, bin_str5 "key", 32) keyed into e->aead and wiped; salt =
 * Expand(secret, bin_str6 "iv", 12); sequence number 0.
 */
ot_status session_epoch_keys(const ot_spdm_session *s, ot_spdm_epoch *e);

/*
 * HKDF-Expand(secret, bin_str(label, out_len, ctx), out_len), the key
 * schedule's one derivation step (DSP0274 1.2 §"Key schedule" BinConcat).
 */
ot_status session_expand(const ot_spdm_session *s, const uint8_t *secret, const char *label,
                         const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len);

/* Records the first failure, wipes every key, moves to FAILED. */
void session_fail(ot_spdm_session *s, ot_status why);

#endif
