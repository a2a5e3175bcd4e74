/* SPDX-License-Identifier: BSD-3-Clause */
/* KEY_UPDATE / KEY_UPDATE_ACK (DSP0274 1.3 "KEY_UPDATE request and KEY_UPDATE_ACK
 * response messages": tables "KEY_UPDATE request message format", "KEY_UPDATE
 * operations", "KEY_UPDATE_ACK response message format"). SPEC-FACTS §2.12. */
#include "codec_internal.h"

/* KeyOperation 1 UpdateKey, 2 UpdateAllKeys, 3 VerifyNewKey; others reserved. */
static ot_status check_op(uint8_t op) {
  OT_ENSURE(op >= OT_SPDM_KEY_UPDATE_OP_UPDATE_KEY && op <= OT_SPDM_KEY_UPDATE_OP_VERIFY_NEW_KEY,
            OT_E_MALFORMED);
  return OT_SUCCESS;
}

/* Both: header only (Param1 KeyOperation; Param2 Tag, echoed by the ACK). */
static ot_status read_ku(const ot_spdm_sizes *sz, ot_reader *r, uint8_t code,
                         ot_spdm_key_update *m) {
  OT_GUARD(spdm_hdr_read(sz, r, code, &m->operation, &m->tag));
  return check_op(m->operation);
}

static ot_status write_ku(const ot_spdm_sizes *sz, ot_writer *w, uint8_t code,
                          const ot_spdm_key_update *m) {
  OT_GUARD(check_op(m->operation));
  return spdm_hdr_write(sz, w, code, m->operation, m->tag);
}

ot_status spdm_read_key_update(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_key_update *m) {
  return read_ku(sz, r, OT_SPDM_KEY_UPDATE, m);
}
SPDM_DEFINE_DECODE(key_update, ot_spdm_key_update)
ot_status ot_spdm_encode_key_update(const ot_spdm_sizes *sz, ot_writer *w,
                                    const ot_spdm_key_update *m) {
  return write_ku(sz, w, OT_SPDM_KEY_UPDATE, m);
}

ot_status spdm_read_key_update_ack(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_key_update *m) {
  return read_ku(sz, r, OT_SPDM_KEY_UPDATE_ACK, m);
}
SPDM_DEFINE_DECODE(key_update_ack, ot_spdm_key_update)
ot_status ot_spdm_encode_key_update_ack(const ot_spdm_sizes *sz, ot_writer *w,
                                        const ot_spdm_key_update *m) {
  return write_ku(sz, w, OT_SPDM_KEY_UPDATE_ACK, m);
}
