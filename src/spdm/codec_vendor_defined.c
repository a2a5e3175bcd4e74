/* SPDX-License-Identifier: BSD-3-Clause */
/* VENDOR_DEFINED_REQUEST / VENDOR_DEFINED_RESPONSE (DSP0274 1.3 "VENDOR_DEFINED_REQUEST
 * request and VENDOR_DEFINED_RESPONSE response messages": tables
 * "VENDOR_DEFINED_REQUEST request message format", "VENDOR_DEFINED_RESPONSE
 * response message format"). SPEC-FACTS §2.14. */
#include "codec_internal.h"

/* Both: header (params reserved) | StandardID(2) | Len(1) | VendorID(Len) |
 * ReqLength/RespLength(2) | payload. */
static ot_status read_vdm(const ot_spdm_sizes *sz, ot_reader *r, uint8_t code,
                          ot_spdm_vendor_defined *m) {
  OT_GUARD(spdm_hdr_read(sz, r, code, NULL, NULL));
  OT_GUARD(ot_read_u16le(r, &m->standard_id));
  OT_GUARD(ot_read_u8(r, &m->vendor_id_len));
  OT_GUARD(ot_read_borrow(r, m->vendor_id_len, &m->vendor_id));
  OT_GUARD(ot_read_u16le(r, &m->payload_len));
  return ot_read_borrow(r, m->payload_len, &m->payload);
}

static ot_status write_vdm(const ot_spdm_sizes *sz, ot_writer *w, uint8_t code,
                           const ot_spdm_vendor_defined *m) {
  OT_GUARD(spdm_hdr_write(sz, w, code, 0, 0));
  OT_GUARD(ot_write_u16le(w, m->standard_id));
  OT_GUARD(ot_write_u8(w, m->vendor_id_len));
  OT_GUARD(spdm_write_span(w, m->vendor_id, m->vendor_id_len));
  OT_GUARD(ot_write_u16le(w, m->payload_len));
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
