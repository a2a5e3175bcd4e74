/* SPDX-License-Identifier: BSD-3-Clause */
/* KEY_EXCHANGE / KEY_EXCHANGE_RSP (DSP0274 1.3 "KEY_EXCHANGE request and
 * KEY_EXCHANGE_RSP response messages": tables "KEY_EXCHANGE request message
 * format", "Successful KEY_EXCHANGE_RSP response message format"). SPEC-FACTS
 * §2.10. */
#include "codec_internal.h"

/* SessionPolicy bits: none in 1.1 (the byte is Reserved, DSP0274 1.1
 * "KEY_EXCHANGE request message format"), TerminationPolicy (1.2),
 * EventAllPolicy (1.3). */
static uint8_t policy_mask(const ot_spdm_sizes *sz) {
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_12)) return 0;
  return spdm_is_13(sz) ? OT_SPDM_SESSION_POLICY_TERMINATION | OT_SPDM_SESSION_POLICY_EVENT_ALL
                        : OT_SPDM_SESSION_POLICY_TERMINATION;
}

/* KEY_EXCHANGE: header (Param1 MeasurementSummaryHashType; Param2 SlotID) |
 * ReqSessionID(2) | SessionPolicy(1) | Reserved(1) | RandomData(32) |
 * ExchangeData(D) | OpaqueDataLength(2) | OpaqueData. */
ot_status spdm_read_key_exchange(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_key_exchange *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_KEY_EXCHANGE, &m->meas_summary_type, &m->slot_id));
  OT_GUARD(spdm_check_summary_type(m->meas_summary_type));
  OT_GUARD(spdm_check_slot(m->slot_id, true));
  OT_GUARD(ot_read_u16le(r, &m->req_session_id));
  OT_GUARD(ot_read_u8(r, &m->session_policy));
  m->session_policy &= policy_mask(sz);
  OT_GUARD(ot_read_skip(r, 1));
  OT_GUARD(ot_read_bytes(r, m->random, sizeof m->random));
  OT_GUARD(ot_read_borrow(r, sz->dhe_len, &m->exchange));
  return spdm_read_opaque(r, &m->opaque_len, &m->opaque);
}
SPDM_DEFINE_DECODE(key_exchange, ot_spdm_key_exchange)

ot_status ot_spdm_encode_key_exchange(const ot_spdm_sizes *sz, ot_writer *w,
                                      const ot_spdm_key_exchange *m) {
  OT_GUARD(spdm_check_summary_type(m->meas_summary_type));
  OT_GUARD(spdm_check_slot(m->slot_id, true));
  OT_ENSURE((m->session_policy & ~policy_mask(sz)) == 0, OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_KEY_EXCHANGE, m->meas_summary_type, m->slot_id));
  OT_GUARD(ot_write_u16le(w, m->req_session_id));
  OT_GUARD(ot_write_u8(w, m->session_policy));
  OT_GUARD(ot_write_u8(w, 0));
  OT_GUARD(ot_write_bytes(w, m->random, sizeof m->random));
  OT_GUARD(spdm_write_opt(w, true, m->exchange, sz->dhe_len));
  return spdm_write_opaque(w, m->opaque_len, m->opaque);
}

/* MutAuthRequested: bits 2:0, "only one of these bits shall be set". */
static ot_status check_mut_auth(uint8_t v) {
  OT_ENSURE(v == 0 || v == OT_SPDM_MUT_AUTH_REQUESTED || v == OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST ||
                v == OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS,
            OT_E_MALFORMED);
  return OT_SUCCESS;
}

/* KEY_EXCHANGE_RSP: header (Param1 HeartbeatPeriod) | RspSessionID(2) |
 * MutAuthRequested(1) | ReqSlotIDParam(1, bits 3:0) | RandomData(32) |
 * ExchangeData(D) | MeasurementSummaryHash(H or absent) | OpaqueDataLength(2) |
 * OpaqueData | Signature(S) | ResponderVerifyData(H, absent in the clear). */
ot_status spdm_read_key_exchange_rsp(const ot_spdm_sizes *sz, ot_reader *r,
                                     ot_spdm_key_exchange_rsp *m) {
  uint8_t mut, slot;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_KEY_EXCHANGE_RSP, &m->heartbeat_period, NULL));
  OT_GUARD(ot_read_u16le(r, &m->rsp_session_id));
  OT_GUARD(ot_read_u8(r, &mut));
  OT_GUARD(ot_read_u8(r, &slot));
  m->mut_auth = mut & 0x07u; /* bits 7:3 reserved */
  OT_GUARD(check_mut_auth(m->mut_auth));
  m->req_slot_id = slot & OT_SPDM_SLOT_ID_MASK;
  OT_GUARD(ot_read_bytes(r, m->random, sizeof m->random));
  OT_GUARD(ot_read_borrow(r, sz->dhe_len, &m->exchange));
  OT_GUARD(spdm_read_opt(r, sz->meas_summary_hash, sz->hash_len, &m->meas_summary_hash));
  OT_GUARD(spdm_read_opaque(r, &m->opaque_len, &m->opaque));
  OT_GUARD(ot_read_borrow(r, sz->sig_len, &m->signature));
  return spdm_read_opt(r, !sz->handshake_in_clear, sz->hash_len, &m->verify_data);
}
SPDM_DEFINE_DECODE(key_exchange_rsp, ot_spdm_key_exchange_rsp)

ot_status ot_spdm_encode_key_exchange_rsp(const ot_spdm_sizes *sz, ot_writer *w,
                                          const ot_spdm_key_exchange_rsp *m) {
  OT_GUARD(check_mut_auth(m->mut_auth));
  OT_ENSURE(m->req_slot_id <= OT_SPDM_SLOT_ID_MASK, OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_KEY_EXCHANGE_RSP, m->heartbeat_period, 0));
  OT_GUARD(ot_write_u16le(w, m->rsp_session_id));
  OT_GUARD(ot_write_u8(w, m->mut_auth));
  OT_GUARD(ot_write_u8(w, m->req_slot_id));
  OT_GUARD(ot_write_bytes(w, m->random, sizeof m->random));
  OT_GUARD(spdm_write_opt(w, true, m->exchange, sz->dhe_len));
  OT_GUARD(spdm_write_opt(w, sz->meas_summary_hash, m->meas_summary_hash, sz->hash_len));
  OT_GUARD(spdm_write_opaque(w, m->opaque_len, m->opaque));
  OT_GUARD(spdm_write_opt(w, true, m->signature, sz->sig_len));
  return spdm_write_opt(w, !sz->handshake_in_clear, m->verify_data, sz->hash_len);
}
