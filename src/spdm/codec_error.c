/* SPDX-License-Identifier: BSD-3-Clause */
/* ERROR and RESPOND_IF_READY (DSP0274 1.3 "ERROR response message": tables "ERROR
 * response message format", "Error code and error data", "ResponseNotReady
 * extended error data", "LargeResponse extended error data", "ExtendedErrorData
 * format definition for vendor or other standards-defined ERROR response";
 * "RESPOND_IF_READY request message format"). SPEC-FACTS §2.15. */
#include "codec_internal.h"

/* ERROR: header (Param1 ErrorCode; Param2 ErrorData) | ExtendedErrorData, whose
 * form the code fixes: ResponseNotReady 4 bytes (RDExponent, RequestCode, Token,
 * RDTM); LargeResponse 1 byte (Handle); ResponseTooLarge 4 bytes (the size of
 * the response, u32); VendorDefined Len(1) | VendorID(Len) | opaque, at most 32
 * bytes in all; every other code carries none. */
ot_status spdm_read_error(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_error *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_ERROR, &m->code, &m->data));
  switch (m->code) {
  case OT_SPDM_ERR_RESPONSE_NOT_READY:
    OT_GUARD(ot_read_u8(r, &m->not_ready.rd_exponent));
    OT_GUARD(ot_read_u8(r, &m->not_ready.request_code));
    OT_GUARD(ot_read_u8(r, &m->not_ready.token));
    return ot_read_u8(r, &m->not_ready.rdtm);
  case OT_SPDM_ERR_LARGE_RESPONSE: return ot_read_u8(r, &m->large_response_handle);
  case OT_SPDM_ERR_RESPONSE_TOO_LARGE: return ot_read_u32le(r, &m->response_size);
  case OT_SPDM_ERR_VENDOR_DEFINED: {
    size_t ext = ot_reader_remaining(r);
    OT_ENSURE(ext <= OT_SPDM_MAX_EXTENDED_ERROR_DATA, OT_E_TOO_LARGE);
    OT_GUARD(ot_read_u8(r, &m->vendor_id_len));
    OT_GUARD(ot_read_borrow(r, m->vendor_id_len, &m->vendor_id));
    m->vendor_data_len = ot_reader_remaining(r);
    return ot_read_borrow(r, m->vendor_data_len, &m->vendor_data);
  }
  default: return OT_SUCCESS;
  }
}
SPDM_DEFINE_DECODE(error, ot_spdm_error)

ot_status ot_spdm_encode_error(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_error *m) {
  if (m->code == OT_SPDM_ERR_VENDOR_DEFINED)
    OT_ENSURE(1u + m->vendor_id_len + m->vendor_data_len <= OT_SPDM_MAX_EXTENDED_ERROR_DATA,
              OT_E_TOO_LARGE);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_ERROR, m->code, m->data));
  switch (m->code) {
  case OT_SPDM_ERR_RESPONSE_NOT_READY:
    OT_GUARD(ot_write_u8(w, m->not_ready.rd_exponent));
    OT_GUARD(ot_write_u8(w, m->not_ready.request_code));
    OT_GUARD(ot_write_u8(w, m->not_ready.token));
    return ot_write_u8(w, m->not_ready.rdtm);
  case OT_SPDM_ERR_LARGE_RESPONSE: return ot_write_u8(w, m->large_response_handle);
  case OT_SPDM_ERR_RESPONSE_TOO_LARGE: return ot_write_u32le(w, m->response_size);
  case OT_SPDM_ERR_VENDOR_DEFINED:
    OT_GUARD(ot_write_u8(w, m->vendor_id_len));
    OT_GUARD(spdm_write_span(w, m->vendor_id, m->vendor_id_len));
    return spdm_write_span(w, m->vendor_data, m->vendor_data_len);
  default: return OT_SUCCESS;
  }
}

/* RESPOND_IF_READY: header only (Param1 the original RequestCode; Param2 Token). */
ot_status spdm_read_respond_if_ready(const ot_spdm_sizes *sz, ot_reader *r,
                                     ot_spdm_respond_if_ready *m) {
  return spdm_hdr_read(sz, r, OT_SPDM_RESPOND_IF_READY, &m->request_code, &m->token);
}
SPDM_DEFINE_DECODE(respond_if_ready, ot_spdm_respond_if_ready)

ot_status ot_spdm_encode_respond_if_ready(const ot_spdm_sizes *sz, ot_writer *w,
                                          const ot_spdm_respond_if_ready *m) {
  return spdm_hdr_write(sz, w, OT_SPDM_RESPOND_IF_READY, m->request_code, m->token);
}
