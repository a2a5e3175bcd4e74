/* SPDX-License-Identifier: BSD-3-Clause */
/* HEARTBEAT / HEARTBEAT_ACK and END_SESSION / END_SESSION_ACK (DSP0274 1.3
 * "HEARTBEAT request and HEARTBEAT_ACK response messages", "END_SESSION request
 * and END_SESSION_ACK response messages"). SPEC-FACTS §2.13. All header only. */
#include "codec_internal.h"

SPDM_DEFINE_EMPTY(heartbeat, OT_SPDM_HEARTBEAT)
SPDM_DEFINE_EMPTY(heartbeat_ack, OT_SPDM_HEARTBEAT_ACK)
SPDM_DEFINE_EMPTY(end_session_ack, OT_SPDM_END_SESSION_ACK)

/* END_SESSION: Param1 bit0 NegotiatedStateClearingIndicator; the rest reserved. */
ot_status spdm_read_end_session(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_end_session *m) {
  uint8_t p1;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_END_SESSION, &p1, NULL));
  m->negotiated_state_clear = (p1 & OT_SPDM_END_SESSION_NEGOTIATED_STATE_CLEAR) != 0;
  return OT_SUCCESS;
}
SPDM_DEFINE_DECODE(end_session, ot_spdm_end_session)

ot_status ot_spdm_encode_end_session(const ot_spdm_sizes *sz, ot_writer *w,
                                     const ot_spdm_end_session *m) {
  return spdm_hdr_write(sz, w, OT_SPDM_END_SESSION,
                        m->negotiated_state_clear ? OT_SPDM_END_SESSION_NEGOTIATED_STATE_CLEAR : 0,
                        0);
}
