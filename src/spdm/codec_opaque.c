/* SPDX-License-Identifier: BSD-3-Clause */
/* Secured-message version negotiation in OpaqueData (DSP0274 1.3 "General opaque
 * data table format" and "Opaque data element"; DSP0277 "Secured Messages using
 * SPDM", version selection). SPEC-FACTS §3.5: SPDM 1.2+ uses OpaqueDataFmt1:
 *   TotalElements(1) Reserved(3), then per element:
 *   ID(1) VendorLen(1) VendorID(VendorLen) OpaqueElementDataLen(2) data, zero
 *   padding to a multiple of 4 bytes (counted over the whole element).
 * The DMTF secured-message element's data is SMDataVersion(1)=1 SMDataID(1) then
 *   ID 1 (supported): VersionCount(1) Version(2)[count]
 *   ID 0 (selection): SelectedVersion(2). */
#include "codec_internal.h"

static size_t pad4(size_t n) {
  return (OT_SPDM_OPAQUE_ALIGN - n % OT_SPDM_OPAQUE_ALIGN) % OT_SPDM_OPAQUE_ALIGN;
}

/* Parses the data of a DMTF element. Returns OT_E_NOT_FOUND for a DMTF element
 * that is not a version list or selection (another SMDataID or SMDataVersion),
 * which the caller skips. */
static ot_status read_sm_element(const uint8_t *data, uint16_t len, ot_spdm_sm_versions *v) {
  ot_reader r;
  uint8_t sm_ver, id;
  ot_reader_init(&r, data, len);
  OT_GUARD(ot_read_u8(&r, &sm_ver));
  OT_GUARD(ot_read_u8(&r, &id));
  /* A skipped element leaves *v as it was: an element the caller skips must
   * not overwrite the one already found (SMDataID of a later element). */
  if (sm_ver != OT_SPDM_SM_DATA_VERSION) return ot_status_of(OT_E_NOT_FOUND);
  if (id != OT_SPDM_SM_DATA_ID_VERSION_SELECTION && id != OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS)
    return ot_status_of(OT_E_NOT_FOUND);
  v->data_id = id;
  if (id == OT_SPDM_SM_DATA_ID_VERSION_SELECTION) {
    v->count = 1;
    OT_GUARD(ot_read_u16le(&r, &v->version[0]));
  } else if (id == OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS) {
    OT_GUARD(ot_read_u8(&r, &v->count));
    OT_ENSURE(v->count > 0, OT_E_MALFORMED);
    OT_ENSURE(v->count <= OT_SPDM_SM_MAX_VERSIONS, OT_E_TOO_LARGE);
    for (uint8_t i = 0; i < v->count; i++) OT_GUARD(ot_read_u16le(&r, &v->version[i]));
  }
  return ot_reader_finish(&r);
}

/* The table header by version: Fmt1 (1.2+) TotalElements(1) | Reserved(3);
 * SPDM 1.1 (DSP0277 1.0 "Secured message opaque data format"): SpecID(4) =
 * 0x444D5446 | OpaqueVersion(1) = 1 | TotalElements(1) | Reserved(2). */
/* A build without SPDM 1.0/1.1 (opentsm/spdm_features.h) meets no 1.1 table. */
static bool fmt1(uint8_t spdm_version) {
  return !OT_SPDM_WITH_V10_11 || spdm_version >= OT_SPDM_VERSION_12;
}

static ot_status read_table_header(ot_reader *r, uint8_t spdm_version, uint8_t *total) {
  if (fmt1(spdm_version)) {
    OT_GUARD(ot_read_u8(r, total));
    return ot_read_skip(r, 3);
  }
  uint32_t spec;
  uint8_t ver;
  OT_GUARD(ot_read_u32le(r, &spec));
  OT_GUARD(ot_read_u8(r, &ver));
  OT_GUARD(ot_read_u8(r, total));
  OT_GUARD(ot_read_skip(r, 2));
  OT_ENSURE(spec == OT_SPDM_SM_OPAQUE_SPEC_ID && ver == OT_SPDM_SM_OPAQUE_VERSION, OT_E_MALFORMED);
  return OT_SUCCESS;
}

static ot_status write_table_header(ot_writer *w, uint8_t spdm_version, uint8_t total) {
  if (fmt1(spdm_version)) {
    OT_GUARD(ot_write_u8(w, total));
    return ot_write_zeros(w, 3);
  }
  OT_GUARD(ot_write_u32le(w, OT_SPDM_SM_OPAQUE_SPEC_ID));
  OT_GUARD(ot_write_u8(w, OT_SPDM_SM_OPAQUE_VERSION));
  OT_GUARD(ot_write_u8(w, total));
  return ot_write_zeros(w, 2);
}

ot_status ot_spdm_sm_versions_decode(const uint8_t *opaque, size_t len, ot_spdm_sm_versions *out) {
  return ot_spdm_sm_versions_decode_v(OT_SPDM_VERSION_12, opaque, len, out);
}

ot_status ot_spdm_sm_versions_decode_v(uint8_t spdm_version, const uint8_t *opaque, size_t len,
                                       ot_spdm_sm_versions *out) {
  ot_reader r;
  ot_spdm_sm_versions v = {0};
  bool found = false;
  uint8_t total;
  ot_reader_init(&r, opaque, len);
  OT_GUARD(read_table_header(&r, spdm_version, &total));
  for (uint8_t i = 0; i < total; i++) {
    uint8_t id, vlen;
    uint16_t dlen;
    const uint8_t *vendor, *data;
    OT_GUARD(ot_read_u8(&r, &id));
    OT_GUARD(ot_read_u8(&r, &vlen));
    OT_GUARD(ot_read_borrow(&r, vlen, &vendor));
    OT_GUARD(ot_read_u16le(&r, &dlen));
    OT_GUARD(ot_read_borrow(&r, dlen, &data));
    OT_GUARD(ot_read_skip(&r, pad4(2u + vlen + 2u + dlen)));
    if (id != OT_SPDM_REGISTRY_DMTF || vlen != 0) continue; /* another body's element */
    ot_status st = read_sm_element(data, dlen, &v);
    if (ot_is(st, OT_E_NOT_FOUND)) continue;
    OT_ENSURE(ot_ok(st), ot_is(st, OT_E_TOO_LARGE) ? OT_E_TOO_LARGE : OT_E_MALFORMED);
    OT_ENSURE(!found, OT_E_MALFORMED);
    found = true;
  }
  OT_GUARD(ot_reader_finish(&r));
  OT_ENSURE(found, OT_E_NOT_FOUND);
  *out = v;
  return OT_SUCCESS;
}

ot_status ot_spdm_sm_versions_encode(ot_writer *w, const ot_spdm_sm_versions *v) {
  return ot_spdm_sm_versions_encode_v(OT_SPDM_VERSION_12, w, v);
}

ot_status ot_spdm_sm_versions_encode_v(uint8_t spdm_version, ot_writer *w,
                                       const ot_spdm_sm_versions *v) {
  bool sel = v->data_id == OT_SPDM_SM_DATA_ID_VERSION_SELECTION;
  OT_ENSURE(sel || v->data_id == OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS, OT_E_ARG);
  OT_ENSURE(sel ? v->count == 1 : v->count >= 1 && v->count <= OT_SPDM_SM_MAX_VERSIONS, OT_E_ARG);
  uint16_t dlen = (uint16_t)(sel ? 4u : 3u + 2u * v->count);
  OT_GUARD(write_table_header(w, spdm_version, 1));
  OT_GUARD(ot_write_u8(w, OT_SPDM_REGISTRY_DMTF));
  OT_GUARD(ot_write_u8(w, 0)); /* VendorLen */
  OT_GUARD(ot_write_u16le(w, dlen));
  OT_GUARD(ot_write_u8(w, OT_SPDM_SM_DATA_VERSION));
  OT_GUARD(ot_write_u8(w, v->data_id));
  if (!sel) OT_GUARD(ot_write_u8(w, v->count));
  for (uint8_t i = 0; i < v->count; i++) OT_GUARD(ot_write_u16le(w, v->version[i]));
  return ot_write_zeros(w, pad4(4u + dlen));
}
