/* SPDX-License-Identifier: BSD-3-Clause */
/* PSK_EXCHANGE / PSK_EXCHANGE_RSP / PSK_FINISH / PSK_FINISH_RSP (DSP0274 1.3
 * "PSK_EXCHANGE request and PSK_EXCHANGE_RSP response messages", "PSK_FINISH
 * request and PSK_FINISH_RSP response messages"). SPEC-FACTS §2.19. */
#include "codec_internal.h"

/* PSK_FINISH_RSP: header | [1.4: OpaqueDataLength(2) | OpaqueData] (DSP0274
 * 1.4 "Successful PSK_FINISH_RSP response message format"; 1.2/1.3 the header
 * alone). We send no opaque data and need none: a peer's is read past. */
ot_status ot_spdm_encode_psk_finish_rsp(const ot_spdm_sizes *sz, ot_writer *w) {
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_PSK_FINISH_RSP, 0, 0));
  if (spdm_ver_ge(sz, OT_SPDM_VERSION_14)) OT_GUARD(spdm_write_opaque(w, 0, NULL));
  return OT_SUCCESS;
}

ot_status ot_spdm_decode_psk_finish_rsp(const ot_spdm_sizes *sz, ot_reader *r) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_PSK_FINISH_RSP, NULL, NULL));
  if (spdm_ver_ge(sz, OT_SPDM_VERSION_14)) {
    uint16_t n;
    const uint8_t *opaque;
    OT_GUARD(spdm_read_opaque(r, &n, &opaque));
  }
  return ot_reader_finish(r);
}

/* PSK_EXCHANGE: header (Param1 MeasurementSummaryHashType; Param2 SessionPolicy) |
 * ReqSessionID(2) | PSKHintLength(2) | RequesterContextLength(2) |
 * OpaqueDataLength(2) | PSKHint | RequesterContext | OpaqueData. */
ot_status spdm_read_psk_exchange(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_psk_exchange *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_PSK_EXCHANGE, &m->meas_summary_type, &m->session_policy));
  OT_GUARD(spdm_check_summary_type(m->meas_summary_type));
  OT_GUARD(ot_read_u16le(r, &m->req_session_id));
  OT_GUARD(ot_read_u16le(r, &m->hint_len));
  OT_GUARD(ot_read_u16le(r, &m->context_len));
  OT_GUARD(ot_read_u16le(r, &m->opaque_len));
  OT_ENSURE(m->opaque_len <= OT_SPDM_MAX_OPAQUE_DATA_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(ot_read_borrow(r, m->hint_len, &m->hint));
  OT_GUARD(ot_read_borrow(r, m->context_len, &m->context));
  return ot_read_borrow(r, m->opaque_len, &m->opaque);
}
SPDM_DEFINE_DECODE(psk_exchange, ot_spdm_psk_exchange)

ot_status ot_spdm_encode_psk_exchange(const ot_spdm_sizes *sz, ot_writer *w,
                                      const ot_spdm_psk_exchange *m) {
  OT_GUARD(spdm_check_summary_type(m->meas_summary_type));
  OT_ENSURE(m->opaque_len <= OT_SPDM_MAX_OPAQUE_DATA_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_PSK_EXCHANGE, m->meas_summary_type, m->session_policy));
  OT_GUARD(ot_write_u16le(w, m->req_session_id));
  OT_GUARD(ot_write_u16le(w, m->hint_len));
  OT_GUARD(ot_write_u16le(w, m->context_len));
  OT_GUARD(ot_write_u16le(w, m->opaque_len));
  OT_GUARD(spdm_write_span(w, m->hint, m->hint_len));
  OT_GUARD(spdm_write_span(w, m->context, m->context_len));
  return spdm_write_span(w, m->opaque, m->opaque_len);
}

/* PSK_EXCHANGE_RSP: header (Param1 HeartbeatPeriod) | RspSessionID(2) |
 * Reserved(2) | ResponderContextLength(2) | OpaqueDataLength(2) |
 * MeasurementSummaryHash(H or absent) | ResponderContext | OpaqueData |
 * ResponderVerifyData(H). */
ot_status spdm_read_psk_exchange_rsp(const ot_spdm_sizes *sz, ot_reader *r,
                                     ot_spdm_psk_exchange_rsp *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_PSK_EXCHANGE_RSP, &m->heartbeat_period, NULL));
  OT_GUARD(ot_read_u16le(r, &m->rsp_session_id));
  OT_GUARD(ot_read_skip(r, 2));
  OT_GUARD(ot_read_u16le(r, &m->context_len));
  OT_GUARD(ot_read_u16le(r, &m->opaque_len));
  OT_ENSURE(m->opaque_len <= OT_SPDM_MAX_OPAQUE_DATA_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(spdm_read_opt(r, sz->meas_summary_hash, sz->hash_len, &m->meas_summary_hash));
  OT_GUARD(ot_read_borrow(r, m->context_len, &m->context));
  OT_GUARD(ot_read_borrow(r, m->opaque_len, &m->opaque));
  return ot_read_borrow(r, sz->hash_len, &m->verify_data);
}
SPDM_DEFINE_DECODE(psk_exchange_rsp, ot_spdm_psk_exchange_rsp)

ot_status ot_spdm_encode_psk_exchange_rsp(const ot_spdm_sizes *sz, ot_writer *w,
                                          const ot_spdm_psk_exchange_rsp *m) {
  OT_ENSURE(m->opaque_len <= OT_SPDM_MAX_OPAQUE_DATA_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_PSK_EXCHANGE_RSP, m->heartbeat_period, 0));
  OT_GUARD(ot_write_u16le(w, m->rsp_session_id));
  OT_GUARD(ot_write_u16le(w, 0));
  OT_GUARD(ot_write_u16le(w, m->context_len));
  OT_GUARD(ot_write_u16le(w, m->opaque_len));
  OT_GUARD(spdm_write_opt(w, sz->meas_summary_hash, m->meas_summary_hash, sz->hash_len));
  OT_GUARD(spdm_write_span(w, m->context, m->context_len));
  OT_GUARD(spdm_write_span(w, m->opaque, m->opaque_len));
  return spdm_write_opt(w, true, m->verify_data, sz->hash_len);
}

/* PSK_FINISH: header | [1.4: OpaqueDataLength(2) | OpaqueData] |
 * RequesterVerifyData(H) (DSP0274 1.4 "PSK_FINISH request message format";
 * libspdm's 1.4 responder answers InvalidRequest to the 1.3 layout). */
ot_status spdm_read_psk_finish(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_psk_finish *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_PSK_FINISH, NULL, NULL));
  m->opaque_len = 0;
  m->opaque = NULL;
  if (spdm_ver_ge(sz, OT_SPDM_VERSION_14))
    OT_GUARD(spdm_read_opaque(r, &m->opaque_len, &m->opaque));
  return ot_read_borrow(r, sz->hash_len, &m->verify_data);
}
SPDM_DEFINE_DECODE(psk_finish, ot_spdm_psk_finish)

ot_status ot_spdm_encode_psk_finish(const ot_spdm_sizes *sz, ot_writer *w,
                                    const ot_spdm_psk_finish *m) {
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_PSK_FINISH, 0, 0));
  if (spdm_ver_ge(sz, OT_SPDM_VERSION_14))
    OT_GUARD(spdm_write_opaque(w, m->opaque_len, m->opaque));
  else
    OT_ENSURE(m->opaque_len == 0, OT_E_ARG);
  return spdm_write_opt(w, true, m->verify_data, sz->hash_len);
}
