/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TDISP message codec: the 16-byte header and every body (PCIe r6.0 §11.3;
 * SPEC-FACTS §6.1-§6.3). See opentsm/tdisp.h for the decoding rules.
 */
#include <string.h>

#include "tdisp_internal.h"

typedef struct code_info {
  uint8_t code;
  const char *name;
} code_info;

static const code_info k_codes[] = {
    {OT_TDISP_GET_VERSION, "GET_TDISP_VERSION"},
    {OT_TDISP_GET_CAPABILITIES, "GET_TDISP_CAPABILITIES"},
    {OT_TDISP_LOCK_INTERFACE_REQUEST, "LOCK_INTERFACE_REQUEST"},
    {OT_TDISP_GET_DEVICE_INTERFACE_REPORT, "GET_DEVICE_INTERFACE_REPORT"},
    {OT_TDISP_GET_DEVICE_INTERFACE_STATE, "GET_DEVICE_INTERFACE_STATE"},
    {OT_TDISP_START_INTERFACE_REQUEST, "START_INTERFACE_REQUEST"},
    {OT_TDISP_STOP_INTERFACE_REQUEST, "STOP_INTERFACE_REQUEST"},
    {OT_TDISP_BIND_P2P_STREAM_REQUEST, "BIND_P2P_STREAM_REQUEST"},
    {OT_TDISP_UNBIND_P2P_STREAM_REQUEST, "UNBIND_P2P_STREAM_REQUEST"},
    {OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST, "SET_MMIO_ATTRIBUTE_REQUEST"},
    {OT_TDISP_VDM_REQUEST, "VDM_REQUEST"},
    {OT_TDISP_VERSION, "TDISP_VERSION"},
    {OT_TDISP_CAPABILITIES, "TDISP_CAPABILITIES"},
    {OT_TDISP_LOCK_INTERFACE_RESPONSE, "LOCK_INTERFACE_RESPONSE"},
    {OT_TDISP_DEVICE_INTERFACE_REPORT, "DEVICE_INTERFACE_REPORT"},
    {OT_TDISP_DEVICE_INTERFACE_STATE, "DEVICE_INTERFACE_STATE"},
    {OT_TDISP_START_INTERFACE_RESPONSE, "START_INTERFACE_RESPONSE"},
    {OT_TDISP_STOP_INTERFACE_RESPONSE, "STOP_INTERFACE_RESPONSE"},
    {OT_TDISP_BIND_P2P_STREAM_RESPONSE, "BIND_P2P_STREAM_RESPONSE"},
    {OT_TDISP_UNBIND_P2P_STREAM_RESPONSE, "UNBIND_P2P_STREAM_RESPONSE"},
    {OT_TDISP_SET_MMIO_ATTRIBUTE_RESPONSE, "SET_MMIO_ATTRIBUTE_RESPONSE"},
    {OT_TDISP_VDM_RESPONSE, "VDM_RESPONSE"},
    {OT_TDISP_ERROR, "TDISP_ERROR"},
};

/* PCIe r6.0 §11.3.1 "TDISP request codes" / "TDISP response codes": 81h-8Bh
 * and 01h-0Bh, then TDISP_ERROR 7Fh; by range, so that a device, which never
 * names a code, links no name table. */
bool ot_tdisp_code_known(uint8_t code) {
  uint8_t low = code & 0x7fu;
  return (low >= OT_TDISP_VERSION && low <= OT_TDISP_VDM_RESPONSE) || code == OT_TDISP_ERROR;
}

const char *ot_tdisp_code_name(uint8_t code) {
  for (size_t i = 0; i < sizeof k_codes / sizeof k_codes[0]; i++)
    if (k_codes[i].code == code) return k_codes[i].name;
  return "UNKNOWN";
}

const char *ot_tdisp_error_name(uint32_t code) {
  switch (code) {
  case OT_TDISP_ERR_INVALID_REQUEST: return "INVALID_REQUEST";
  case OT_TDISP_ERR_BUSY: return "BUSY";
  case OT_TDISP_ERR_INVALID_INTERFACE_STATE: return "INVALID_INTERFACE_STATE";
  case OT_TDISP_ERR_UNSPECIFIED: return "UNSPECIFIED";
  case OT_TDISP_ERR_UNSUPPORTED_REQUEST: return "UNSUPPORTED_REQUEST";
  case OT_TDISP_ERR_VERSION_MISMATCH: return "VERSION_MISMATCH";
  case OT_TDISP_ERR_VENDOR_SPECIFIC: return "VENDOR_SPECIFIC_ERROR";
  case OT_TDISP_ERR_INVALID_INTERFACE: return "INVALID_INTERFACE";
  case OT_TDISP_ERR_INVALID_NONCE: return "INVALID_NONCE";
  case OT_TDISP_ERR_INSUFFICIENT_ENTROPY: return "INSUFFICIENT_ENTROPY";
  case OT_TDISP_ERR_INVALID_DEVICE_CONFIGURATION: return "INVALID_DEVICE_CONFIGURATION";
  default: return "UNKNOWN";
  }
}

/* ---- header (PCIe r6.0 §11.3 TDISP message header) ------------------------------ */

ot_status ot_tdisp_decode_header(ot_reader *r, uint8_t *version, uint8_t *code,
                                 uint32_t *function_id) {
  uint8_t v, c;
  uint32_t fid;
  OT_ENSURE(ot_reader_remaining(r) >= OT_TDISP_HEADER_SIZE, OT_E_TRUNCATED);
  OT_GUARD(ot_read_u8(r, &v));
  OT_GUARD(ot_read_u8(r, &c));
  OT_GUARD(ot_read_skip(r, 2)); /* Reserved */
  OT_GUARD(ot_read_u32le(r, &fid));
  OT_GUARD(ot_read_skip(r, OT_TDISP_INTERFACE_ID_RSVD)); /* INTERFACE_ID reserved bytes */
  *version = v;
  *code = c;
  *function_id = fid & OT_TDISP_FUNCTION_ID_DEFINED; /* bits 31:25 reserved */
  return OT_SUCCESS;
}

static ot_status write_header(ot_writer *w, const ot_tdisp_msg *m) {
  OT_ENSURE((m->function_id & ~OT_TDISP_FUNCTION_ID_DEFINED) == 0, OT_E_ARG);
  OT_GUARD(ot_write_u8(w, m->version));
  OT_GUARD(ot_write_u8(w, m->code));
  OT_GUARD(ot_write_zeros(w, 2));
  OT_GUARD(ot_write_u32le(w, m->function_id));
  return ot_write_zeros(w, OT_TDISP_INTERFACE_ID_RSVD);
}

/* ---- shared pieces -------------------------------------------------------------- */

ot_status tdisp_check_range(const ot_tdisp_mmio_range *m) {
  /* FIRST_PAGE is the byte address of a 4 KiB page (SPEC-FACTS §6.4). */
  OT_ENSURE((m->first_page & OT_TDISP_PAGE_MASK) == 0, OT_E_MALFORMED);
  OT_ENSURE(m->num_pages != 0, OT_E_MALFORMED);
  uint64_t span = (uint64_t)m->num_pages * OT_TDISP_PAGE_SIZE;
  OT_ENSURE(m->first_page <= UINT64_MAX - (span - 1), OT_E_MALFORMED);
  return OT_SUCCESS;
}

ot_status tdisp_read_range(ot_reader *r, ot_tdisp_mmio_range *m) {
  ot_tdisp_mmio_range v;
  OT_GUARD(ot_read_u64le(r, &v.first_page));
  OT_GUARD(ot_read_u32le(r, &v.num_pages));
  OT_GUARD(ot_read_u16le(r, &v.attributes));
  OT_GUARD(ot_read_u16le(r, &v.range_id));
  OT_GUARD(tdisp_check_range(&v));
  *m = v;
  return OT_SUCCESS;
}

ot_status tdisp_write_range(ot_writer *w, const ot_tdisp_mmio_range *m) {
  OT_GUARD(tdisp_check_range(m));
  OT_GUARD(ot_write_u64le(w, m->first_page));
  OT_GUARD(ot_write_u32le(w, m->num_pages));
  OT_GUARD(ot_write_u16le(w, m->attributes));
  return ot_write_u16le(w, m->range_id);
}

/* RegistryID(1) VendorIDLen(1) VendorID(len) data(rest): TDISP_ERROR extended
 * data and VDM_REQUEST/RESPONSE bodies (SPEC-FACTS §6.3). */
static ot_status read_vendor(ot_reader *r, ot_tdisp_vendor_data *v) {
  OT_GUARD(ot_read_u8(r, &v->registry_id));
  OT_GUARD(ot_read_u8(r, &v->vendor_id_len));
  OT_GUARD(ot_read_borrow(r, v->vendor_id_len, &v->vendor_id));
  v->data_len = ot_reader_remaining(r);
  return ot_read_borrow(r, v->data_len, &v->data);
}

static ot_status write_vendor(ot_writer *w, const ot_tdisp_vendor_data *v) {
  OT_ENSURE(v->vendor_id_len == 0 || v->vendor_id, OT_E_ARG);
  OT_ENSURE(v->data_len == 0 || v->data, OT_E_ARG);
  OT_GUARD(ot_write_u8(w, v->registry_id));
  OT_GUARD(ot_write_u8(w, v->vendor_id_len));
  OT_GUARD(ot_write_bytes(w, v->vendor_id, v->vendor_id_len));
  return ot_write_bytes(w, v->data, v->data_len);
}

/* ---- bodies --------------------------------------------------------------------- */

static ot_status read_caps(ot_reader *r, ot_tdisp_caps *c) {
  OT_GUARD(ot_read_u32le(r, &c->dsm_caps));
  OT_GUARD(ot_read_bytes(r, c->req_msgs, OT_TDISP_REQ_MSGS_SIZE));
  OT_GUARD(ot_read_u16le(r, &c->lock_flags_supported));
  OT_GUARD(ot_read_skip(r, 3)); /* Reserved */
  OT_GUARD(ot_read_u8(r, &c->dev_addr_width));
  OT_GUARD(ot_read_u8(r, &c->num_req_this));
  return ot_read_u8(r, &c->num_req_all);
}

static ot_status read_lock(ot_reader *r, ot_tdisp_lock_params *p) {
  OT_GUARD(ot_read_u16le(r, &p->flags));
  OT_GUARD(ot_read_u8(r, &p->default_stream_id));
  OT_GUARD(ot_read_skip(r, 1)); /* Reserved */
  OT_GUARD(ot_read_u64le(r, &p->mmio_reporting_offset));
  return ot_read_u64le(r, &p->bind_p2p_address_mask);
}

static ot_status read_error(ot_reader *r, ot_tdisp_error *e) {
  OT_GUARD(ot_read_u32le(r, &e->code));
  OT_GUARD(ot_read_u32le(r, &e->data));
  /* EXTENDED_ERROR_DATA only with VENDOR_SPECIFIC_ERROR (SPEC-FACTS §6.3). */
  e->has_ext = e->code == OT_TDISP_ERR_VENDOR_SPECIFIC;
  if (!e->has_ext) return OT_SUCCESS;
  return read_vendor(r, &e->ext);
}

/* The bodies by direction (PCIe r6.0 §11.3.1: requests have bit 7 set), so
 * that a device, which reads only requests and writes only responses, links
 * neither the other direction's readers nor its writers. */
static ot_status read_request(ot_reader *r, uint8_t code, ot_tdisp_msg *v) {
  switch (code) {
  case OT_TDISP_GET_VERSION:
  case OT_TDISP_GET_DEVICE_INTERFACE_STATE:
  case OT_TDISP_STOP_INTERFACE_REQUEST: return OT_SUCCESS; /* header only */
  case OT_TDISP_GET_CAPABILITIES: return ot_read_u32le(r, &v->u.tsm_caps);
  case OT_TDISP_LOCK_INTERFACE_REQUEST: return read_lock(r, &v->u.lock);
  case OT_TDISP_START_INTERFACE_REQUEST: return ot_read_bytes(r, v->u.nonce, OT_TDISP_NONCE_SIZE);
  case OT_TDISP_GET_DEVICE_INTERFACE_REPORT:
    OT_GUARD(ot_read_u16le(r, &v->u.get_report.offset));
    return ot_read_u16le(r, &v->u.get_report.length);
  case OT_TDISP_BIND_P2P_STREAM_REQUEST:
  case OT_TDISP_UNBIND_P2P_STREAM_REQUEST: return ot_read_u8(r, &v->u.p2p_stream_id);
  case OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST: return tdisp_read_range(r, &v->u.mmio);
  case OT_TDISP_VDM_REQUEST: return read_vendor(r, &v->u.vdm);
  default: OT_BAIL(OT_E_UNSUPPORTED);
  }
}

static ot_status read_response(ot_reader *r, uint8_t code, ot_tdisp_msg *v) {
  switch (code) {
  case OT_TDISP_START_INTERFACE_RESPONSE:
  case OT_TDISP_STOP_INTERFACE_RESPONSE:
  case OT_TDISP_BIND_P2P_STREAM_RESPONSE:
  case OT_TDISP_UNBIND_P2P_STREAM_RESPONSE:
  case OT_TDISP_SET_MMIO_ATTRIBUTE_RESPONSE: return OT_SUCCESS; /* header only */
  case OT_TDISP_VERSION:
    OT_GUARD(ot_read_u8(r, &v->u.version.count));
    OT_ENSURE(v->u.version.count != 0, OT_E_MALFORMED);
    return ot_read_borrow(r, v->u.version.count, &v->u.version.versions);
  case OT_TDISP_CAPABILITIES: return read_caps(r, &v->u.caps);
  case OT_TDISP_LOCK_INTERFACE_RESPONSE: return ot_read_bytes(r, v->u.nonce, OT_TDISP_NONCE_SIZE);
  case OT_TDISP_DEVICE_INTERFACE_REPORT:
    OT_GUARD(ot_read_u16le(r, &v->u.report.portion_len));
    OT_GUARD(ot_read_u16le(r, &v->u.report.remainder_len));
    return ot_read_borrow(r, v->u.report.portion_len, &v->u.report.portion);
  case OT_TDISP_DEVICE_INTERFACE_STATE:
    OT_GUARD(ot_read_u8(r, &v->u.tdi_state));
    OT_ENSURE(v->u.tdi_state < OT_TDISP_STATE_COUNT, OT_E_MALFORMED);
    return OT_SUCCESS;
  case OT_TDISP_VDM_RESPONSE: return read_vendor(r, &v->u.vdm);
  case OT_TDISP_ERROR: return read_error(r, &v->u.error);
  default: OT_BAIL(OT_E_UNSUPPORTED);
  }
}

/* The body read into v (zeroed first) must end the reader; m->u only on success. */
static ot_status body_done(ot_reader *r, ot_status st, const ot_tdisp_msg *v, ot_tdisp_msg *m) {
  OT_GUARD(st);
  OT_GUARD(ot_reader_finish(r));
  m->u = v->u;
  return OT_SUCCESS;
}

ot_status ot_tdisp_decode_request_body(ot_reader *r, uint8_t code, ot_tdisp_msg *m) {
  ot_tdisp_msg v;
  memset(&v, 0, sizeof v);
  return body_done(r, read_request(r, code, &v), &v, m);
}

ot_status ot_tdisp_decode_body(ot_reader *r, uint8_t code, ot_tdisp_msg *m) {
  ot_tdisp_msg v;
  memset(&v, 0, sizeof v);
  ot_status st =
      (code & OT_TDISP_REQUEST_BIT) ? read_request(r, code, &v) : read_response(r, code, &v);
  return body_done(r, st, &v, m);
}

ot_status ot_tdisp_decode(ot_reader *r, ot_tdisp_msg *m) {
  ot_tdisp_msg v;
  memset(&v, 0, sizeof v);
  OT_GUARD(ot_tdisp_decode_header(r, &v.version, &v.code, &v.function_id));
  OT_ENSURE(v.version == OT_TDISP_VERSION_10, OT_E_VERSION);
  OT_GUARD(ot_tdisp_decode_body(r, v.code, &v));
  *m = v;
  return OT_SUCCESS;
}

static ot_status write_request(ot_writer *w, const ot_tdisp_msg *m) {
  switch (m->code) {
  case OT_TDISP_GET_CAPABILITIES: return ot_write_u32le(w, m->u.tsm_caps);
  case OT_TDISP_LOCK_INTERFACE_REQUEST: {
    const ot_tdisp_lock_params *p = &m->u.lock;
    OT_GUARD(ot_write_u16le(w, p->flags));
    OT_GUARD(ot_write_u8(w, p->default_stream_id));
    OT_GUARD(ot_write_zeros(w, 1));
    OT_GUARD(ot_write_u64le(w, p->mmio_reporting_offset));
    return ot_write_u64le(w, p->bind_p2p_address_mask);
  }
  case OT_TDISP_START_INTERFACE_REQUEST: return ot_write_bytes(w, m->u.nonce, OT_TDISP_NONCE_SIZE);
  case OT_TDISP_GET_DEVICE_INTERFACE_REPORT:
    OT_GUARD(ot_write_u16le(w, m->u.get_report.offset));
    return ot_write_u16le(w, m->u.get_report.length);
  case OT_TDISP_BIND_P2P_STREAM_REQUEST:
  case OT_TDISP_UNBIND_P2P_STREAM_REQUEST: return ot_write_u8(w, m->u.p2p_stream_id);
  case OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST: return tdisp_write_range(w, &m->u.mmio);
  case OT_TDISP_VDM_REQUEST: return write_vendor(w, &m->u.vdm);
  default: return OT_SUCCESS; /* header-only requests */
  }
}

static ot_status write_response(ot_writer *w, const ot_tdisp_msg *m) {
  switch (m->code) {
  case OT_TDISP_VERSION:
    OT_ENSURE(m->u.version.count != 0 && m->u.version.versions, OT_E_ARG);
    OT_GUARD(ot_write_u8(w, m->u.version.count));
    return ot_write_bytes(w, m->u.version.versions, m->u.version.count);
  case OT_TDISP_CAPABILITIES: {
    const ot_tdisp_caps *c = &m->u.caps;
    OT_GUARD(ot_write_u32le(w, c->dsm_caps));
    OT_GUARD(ot_write_bytes(w, c->req_msgs, OT_TDISP_REQ_MSGS_SIZE));
    OT_GUARD(ot_write_u16le(w, c->lock_flags_supported));
    OT_GUARD(ot_write_zeros(w, 3));
    OT_GUARD(ot_write_u8(w, c->dev_addr_width));
    OT_GUARD(ot_write_u8(w, c->num_req_this));
    return ot_write_u8(w, c->num_req_all);
  }
  case OT_TDISP_LOCK_INTERFACE_RESPONSE: return ot_write_bytes(w, m->u.nonce, OT_TDISP_NONCE_SIZE);
  case OT_TDISP_DEVICE_INTERFACE_REPORT:
    OT_ENSURE(m->u.report.portion_len == 0 || m->u.report.portion, OT_E_ARG);
    OT_GUARD(ot_write_u16le(w, m->u.report.portion_len));
    OT_GUARD(ot_write_u16le(w, m->u.report.remainder_len));
    return ot_write_bytes(w, m->u.report.portion, m->u.report.portion_len);
  case OT_TDISP_DEVICE_INTERFACE_STATE:
    OT_ENSURE(m->u.tdi_state < OT_TDISP_STATE_COUNT, OT_E_ARG);
    return ot_write_u8(w, m->u.tdi_state);
  case OT_TDISP_VDM_RESPONSE: return write_vendor(w, &m->u.vdm);
  case OT_TDISP_ERROR:
    OT_ENSURE(m->u.error.has_ext == (m->u.error.code == OT_TDISP_ERR_VENDOR_SPECIFIC), OT_E_ARG);
    OT_GUARD(ot_write_u32le(w, m->u.error.code));
    OT_GUARD(ot_write_u32le(w, m->u.error.data));
    if (!m->u.error.has_ext) return OT_SUCCESS;
    return write_vendor(w, &m->u.error.ext);
  default: return OT_SUCCESS; /* header-only responses */
  }
}

ot_status ot_tdisp_encode_response(ot_writer *w, const ot_tdisp_msg *m) {
  OT_ENSURE(ot_tdisp_code_known(m->code) && !(m->code & OT_TDISP_REQUEST_BIT), OT_E_ARG);
  OT_GUARD(write_header(w, m));
  return write_response(w, m);
}

ot_status ot_tdisp_encode(ot_writer *w, const ot_tdisp_msg *m) {
  OT_ENSURE(ot_tdisp_code_known(m->code), OT_E_ARG);
  OT_GUARD(write_header(w, m));
  return (m->code & OT_TDISP_REQUEST_BIT) ? write_request(w, m) : write_response(w, m);
}
