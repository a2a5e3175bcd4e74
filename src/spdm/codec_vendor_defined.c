/* SPDX-License-Identifier: BSD-3-Clause */
/* VENDOR_DEFINED_REQUEST / VENDOR_DEFINED_RESPONSE (DSP0274 1.3 "VENDOR_DEFINED_REQUEST
 * request and VENDOR_DEFINED_RESPONSE response messages": tables
 * "VENDOR_DEFINED_REQUEST request message format", "VENDOR_DEFINED_RESPONSE
 * response message format"). SPEC-FACTS §2.14. */
#include "codec_internal.h"

/* Both: header (Param1 bit7 LargeReq/LargeResp from 1.4, reserved before) |
 * StandardID(2) | Len(1) | VendorID(Len) | ReqLength/RespLength(2) | [1.4
 * large form: LargeReqLength/LargeRespLength(4)] | payload. In the large form
 * the u16 length is 0 and the u32 one counts the payload (DSP0274 1.4
 * "VENDOR_DEFINED_REQUEST request message format"). */
static ot_status read_vdm(const ot_spdm_sizes *sz, ot_reader *r, uint8_t code,
                          ot_spdm_vendor_defined *m) {
  uint8_t p1;
  uint16_t len16;
  OT_GUARD(spdm_hdr_read(sz, r, code, &p1, NULL));
  m->large = spdm_ver_ge(sz, OT_SPDM_VERSION_14) && (p1 & OT_SPDM_VDM_LARGE);
  OT_GUARD(ot_read_u16le(r, &m->standard_id));
  OT_GUARD(ot_read_u8(r, &m->vendor_id_len));
  OT_GUARD(ot_read_borrow(r, m->vendor_id_len, &m->vendor_id));
  OT_GUARD(ot_read_u16le(r, &len16));
  m->payload_len = len16;
  if (m->large) OT_GUARD(ot_read_u32le(r, &m->payload_len));
  return ot_read_borrow(r, m->payload_len, &m->payload);
}

static ot_status write_vdm(const ot_spdm_sizes *sz, ot_writer *w, uint8_t code,
                           const ot_spdm_vendor_defined *m) {
  OT_ENSURE(!m->large || spdm_ver_ge(sz, OT_SPDM_VERSION_14), OT_E_ARG);
  OT_ENSURE(m->large || m->payload_len <= UINT16_MAX, OT_E_TOO_LARGE);
  OT_GUARD(spdm_hdr_write(sz, w, code, m->large ? OT_SPDM_VDM_LARGE : 0, 0));
  OT_GUARD(ot_write_u16le(w, m->standard_id));
  OT_GUARD(ot_write_u8(w, m->vendor_id_len));
  OT_GUARD(spdm_write_span(w, m->vendor_id, m->vendor_id_len));
  if (m->large) {
    OT_GUARD(ot_write_u16le(w, 0));
    OT_GUARD(ot_write_u32le(w, m->payload_len));
  } else {
    OT_GUARD(ot_write_u16le(w, (uint16_t)m->payload_len));
  }
  return spdm_write_span(w, m->payload, m->payload_len);
}

ot_status spdm_read_vendor_request(const ot_spdm_sizes *sz, ot_reader *r,
                                   ot_spdm_vendor_defined *m) {
  return read_vdm(sz, r, OT_SPDM_VENDOR_DEFINED_REQUEST, m);
}
SPDM_DEFINE_DECODE(vendor_request, ot_spdm_vendor_defined)
ot_status ot_spdm_encode_vendor_request(const ot_spdm_sizes *sz, ot_writer *w,
                                        const ot_spdm_vendor_defined *m) {
  return write_vdm(sz, w, OT_SPDM_VENDOR_DEFINED_REQUEST, m);
}

ot_status spdm_read_vendor_response(const ot_spdm_sizes *sz, ot_reader *r,
                                    ot_spdm_vendor_defined *m) {
  return read_vdm(sz, r, OT_SPDM_VENDOR_DEFINED_RESPONSE, m);
}
SPDM_DEFINE_DECODE(vendor_response, ot_spdm_vendor_defined)
ot_status ot_spdm_encode_vendor_response(const ot_spdm_sizes *sz, ot_writer *w,
                                         const ot_spdm_vendor_defined *m) {
  return write_vdm(sz, w, OT_SPDM_VENDOR_DEFINED_RESPONSE, m);
}
