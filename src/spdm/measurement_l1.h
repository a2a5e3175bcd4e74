/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The measurement transcript L1/L2 = A ‖ M (DSP0274 1.2 §10.11; SPEC-FACTS
 * §2.17) of either scope an engine signs or verifies MEASUREMENTS in: the
 * connection (ot_spdm_transcript, sl == NULL) or one session
 * (ot_spdm_session_l1, sl != NULL). Both engines use these, so that the two
 * ends cannot disagree on which exchanges a signature covers.
 */
#ifndef OT_SPDM_MEASUREMENT_L1_H
#define OT_SPDM_MEASUREMENT_L1_H

#include "opentsm/spdm.h"

/* Appends exact message bytes to the scope's M (a session's starts at A). */
ot_status spdm_l1_append(ot_spdm_transcript *t, ot_spdm_session_l1 *sl, const uint8_t *msg,
                         size_t len);
/* digest = Hash(A ‖ M) of the scope; OT_E_STATE for a session scope with no M yet. */
ot_status spdm_l1_hash(const ot_spdm_transcript *t, const ot_spdm_session_l1 *sl, uint8_t *digest,
                       size_t cap);
/* Restarts the scope at A (after a signed MEASUREMENTS, or any other request). */
ot_status spdm_l1_reset(ot_spdm_transcript *t, ot_spdm_session_l1 *sl);
/* Releases a session scope (safe on a zeroed one). */
void spdm_l1_free(ot_spdm_session_l1 *sl);

#endif /* OT_SPDM_MEASUREMENT_L1_H */
