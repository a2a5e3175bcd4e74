/* SPDX-License-Identifier: BSD-3-Clause */
/* FINISH / FINISH_RSP (DSP0274 1.3 "FINISH request and FINISH_RSP response
 * messages": tables "FINISH request message format", "Successful FINISH_RSP
 * response message format"). SPEC-FACTS §2.11, T7, T15. */
#include "codec_internal.h"

/* FINISH: header (Param1 bit0 SignatureIncluded; Param2 ReqSlotID) |
 * [1.4: OpaqueDataLength(2) | OpaqueData] | Signature(requester S, only with
 * bit0) | RequesterVerifyData(H) (DSP0274 1.4 "FINISH request message format"). */
ot_status spdm_read_finish(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_finish *m) {
  uint8_t p1;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_FINISH, &p1, &m->req_slot_id));
  m->sig_included = (p1 & OT_SPDM_FINISH_SIGNATURE_INCLUDED) != 0;
  if (spdm_ver_ge(sz, OT_SPDM_VERSION_14))
    OT_GUARD(spdm_read_opaque(r, &m->opaque_len, &m->opaque));
  OT_GUARD(spdm_read_opt(r, m->sig_included, sz->req_sig_len, &m->signature));
  return ot_read_borrow(r, sz->hash_len, &m->verify_data);
}
SPDM_DEFINE_DECODE(finish, ot_spdm_finish)

ot_status ot_spdm_encode_finish(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_finish *m) {
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_FINISH,
                          m->sig_included ? OT_SPDM_FINISH_SIGNATURE_INCLUDED : 0, m->req_slot_id));
  if (spdm_ver_ge(sz, OT_SPDM_VERSION_14))
    OT_GUARD(spdm_write_opaque(w, m->opaque_len, m->opaque));
  else
    OT_ENSURE(m->opaque_len == 0, OT_E_ARG);
  OT_GUARD(spdm_write_opt(w, m->sig_included, m->signature, sz->req_sig_len));
  return spdm_write_opt(w, true, m->verify_data, sz->hash_len);
}

/* FINISH_RSP: header | [1.4: OpaqueDataLength(2) | OpaqueData] |
 * ResponderVerifyData(H) only in handshake-in-the-clear mode. */
ot_status spdm_read_finish_rsp(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_finish_rsp *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_FINISH_RSP, NULL, NULL));
  if (spdm_ver_ge(sz, OT_SPDM_VERSION_14))
    OT_GUARD(spdm_read_opaque(r, &m->opaque_len, &m->opaque));
  return spdm_read_opt(r, sz->handshake_in_clear, sz->hash_len, &m->verify_data);
}
SPDM_DEFINE_DECODE(finish_rsp, ot_spdm_finish_rsp)

ot_status ot_spdm_encode_finish_rsp(const ot_spdm_sizes *sz, ot_writer *w,
                                    const ot_spdm_finish_rsp *m) {
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_FINISH_RSP, 0, 0));
  if (spdm_ver_ge(sz, OT_SPDM_VERSION_14))
    OT_GUARD(spdm_write_opaque(w, m->opaque_len, m->opaque));
  else
    OT_ENSURE(m->opaque_len == 0, OT_E_ARG);
  return spdm_write_opt(w, sz->handshake_in_clear, m->verify_data, sz->hash_len);
}
