/* SPDX-License-Identifier: BSD-3-Clause */
/* L1/L2 of the connection or of one session; see measurement_l1.h. */
#include "measurement_l1.h"

ot_status spdm_l1_append(ot_spdm_transcript *t, ot_spdm_session_l1 *sl, const uint8_t *msg,
                         size_t len) {
  if (sl == NULL) return ot_spdm_transcript_append_l(t, msg, len);
  if (!sl->live) {
    OT_GUARD(ot_spdm_transcript_fork_l1_base(t, &sl->h));
    sl->live = true;
  }
  return ot_hash_update(&sl->h, msg, len);
}

ot_status spdm_l1_hash(const ot_spdm_transcript *t, const ot_spdm_session_l1 *sl, uint8_t *digest,
                       size_t cap) {
  if (sl == NULL) return ot_spdm_transcript_l1_hash(t, digest, cap);
  OT_ENSURE(sl->live, OT_E_STATE);
  return ot_hash_peek(&sl->h, digest, cap);
}

ot_status spdm_l1_reset(ot_spdm_transcript *t, ot_spdm_session_l1 *sl) {
  if (sl == NULL) return ot_spdm_transcript_reset_l1(t);
  spdm_l1_free(sl);
  return OT_SUCCESS;
}

void spdm_l1_free(ot_spdm_session_l1 *sl) {
  if (sl->live) ot_hash_free(&sl->h);
  sl->live = false;
}
