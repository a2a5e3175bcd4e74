/* SPDX-License-Identifier: BSD-3-Clause */
/* CHALLENGE / CHALLENGE_AUTH (DSP0274 1.3 "CHALLENGE request and CHALLENGE_AUTH
 * response messages": tables "CHALLENGE request message format", "Successful
 * CHALLENGE_AUTH response message format"). SPEC-FACTS §2.8. */
#include "codec_internal.h"

/* CHALLENGE: header (Param1 SlotID 0..7/0xFF; Param2 MeasurementSummaryHashType) |
 * Nonce(32) | RequesterContext(8, 1.3). */
ot_status spdm_read_challenge(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_challenge *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_CHALLENGE, &m->slot_id, &m->meas_summary_type));
  OT_GUARD(spdm_check_slot(m->slot_id, true));
  OT_GUARD(spdm_check_summary_type(m->meas_summary_type));
  OT_GUARD(ot_read_bytes(r, m->nonce, sizeof m->nonce));
  if (!spdm_is_13(sz)) return OT_SUCCESS;
  return ot_read_bytes(r, m->context, sizeof m->context);
}
SPDM_DEFINE_DECODE(challenge, ot_spdm_challenge)

ot_status ot_spdm_encode_challenge(const ot_spdm_sizes *sz, ot_writer *w,
                                   const ot_spdm_challenge *m) {
  OT_GUARD(spdm_check_slot(m->slot_id, true));
  OT_GUARD(spdm_check_summary_type(m->meas_summary_type));
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_CHALLENGE, m->slot_id, m->meas_summary_type));
  OT_GUARD(ot_write_bytes(w, m->nonce, sizeof m->nonce));
  if (!spdm_is_13(sz)) return OT_SUCCESS;
  return ot_write_bytes(w, m->context, sizeof m->context);
}

/* CHALLENGE_AUTH: header (Param1 bits 3:0 SlotID, bit7 BasicMutAuthReq; Param2
 * SlotMask) | CertChainHash(H) | Nonce(32) | MeasurementSummaryHash(H, absent
 * when the request's type was 0) | OpaqueDataLength(2) | OpaqueData |
 * RequesterContext(8, 1.3) | Signature(S). */
ot_status spdm_read_challenge_auth(const ot_spdm_sizes *sz, ot_reader *r,
                                   ot_spdm_challenge_auth *m) {
  uint8_t p1;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_CHALLENGE_AUTH, &p1, &m->slot_mask));
  m->slot_id = p1 & OT_SPDM_SLOT_ID_MASK;
  /* BasicMutAuthReq (bit7) comes with 1.1; in 1.0 Param1 bits 7:4 are reserved. */
  m->basic_mut_auth =
      spdm_ver_ge(sz, OT_SPDM_VERSION_11) && (p1 & OT_SPDM_CHALLENGE_AUTH_BASIC_MUT_AUTH) != 0;
  OT_GUARD(ot_read_borrow(r, sz->hash_len, &m->cert_chain_hash));
  OT_GUARD(ot_read_bytes(r, m->nonce, sizeof m->nonce));
  OT_GUARD(spdm_read_opt(r, sz->meas_summary_hash, sz->hash_len, &m->meas_summary_hash));
  OT_GUARD(spdm_read_opaque(r, &m->opaque_len, &m->opaque));
  if (spdm_is_13(sz)) OT_GUARD(ot_read_bytes(r, m->context, sizeof m->context));
  return ot_read_borrow(r, sz->sig_len, &m->signature);
}
SPDM_DEFINE_DECODE(challenge_auth, ot_spdm_challenge_auth)

ot_status ot_spdm_encode_challenge_auth(const ot_spdm_sizes *sz, ot_writer *w,
                                        const ot_spdm_challenge_auth *m) {
  OT_ENSURE(m->slot_id <= OT_SPDM_SLOT_ID_MASK, OT_E_ARG);
  OT_ENSURE(!m->basic_mut_auth || spdm_ver_ge(sz, OT_SPDM_VERSION_11), OT_E_ARG);
  uint8_t p1 =
      (uint8_t)(m->slot_id | (m->basic_mut_auth ? OT_SPDM_CHALLENGE_AUTH_BASIC_MUT_AUTH : 0));
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_CHALLENGE_AUTH, p1, m->slot_mask));
  OT_GUARD(spdm_write_opt(w, true, m->cert_chain_hash, sz->hash_len));
  OT_GUARD(ot_write_bytes(w, m->nonce, sizeof m->nonce));
  OT_GUARD(spdm_write_opt(w, sz->meas_summary_hash, m->meas_summary_hash, sz->hash_len));
  OT_GUARD(spdm_write_opaque(w, m->opaque_len, m->opaque));
  if (spdm_is_13(sz)) OT_GUARD(ot_write_bytes(w, m->context, sizeof m->context));
  return spdm_write_opt(w, true, m->signature, sz->sig_len);
}
