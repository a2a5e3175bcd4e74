/* SPDX-License-Identifier: BSD-3-Clause */
/* SPDM message header and field helpers shared by every codec_*.c (DSP0274 "SPDM
 * message header"). See codec_internal.h. */
#include "codec_internal.h"

/* The versions whose layouts the codec knows: 1.0 through 1.4 (DSP0274 1.0.0,
 * 1.1, 1.2, 1.3, 1.4). */
static bool version_supported(uint8_t v) {
  return v >= OT_SPDM_VERSION_10 && v <= OT_SPDM_VERSION_14;
}

/* DSP0274 "GET_VERSION request and VERSION response": both always carry 1.0;
 * every later message carries the negotiated version. */
static ot_status expected_version(const ot_spdm_sizes *sz, uint8_t code, uint8_t *out) {
  if (code == OT_SPDM_GET_VERSION || code == OT_SPDM_VERSION) {
    *out = OT_SPDM_VERSION_10;
    return OT_SUCCESS;
  }
  OT_ENSURE(version_supported(sz->version), OT_E_ARG);
  *out = sz->version;
  return OT_SUCCESS;
}

ot_status spdm_hdr_read(const ot_spdm_sizes *sz, ot_reader *r, uint8_t code, uint8_t *p1,
                        uint8_t *p2) {
  uint8_t want, ver, got, a, b;
  OT_GUARD(expected_version(sz, code, &want));
  OT_GUARD(ot_read_u8(r, &ver));
  OT_GUARD(ot_read_u8(r, &got));
  OT_GUARD(ot_read_u8(r, &a));
  OT_GUARD(ot_read_u8(r, &b));
  OT_ENSURE(ver == want, OT_E_VERSION);
  OT_ENSURE(got == code, OT_E_UNEXPECTED);
  if (p1) *p1 = a;
  if (p2) *p2 = b;
  return OT_SUCCESS;
}

ot_status spdm_hdr_write(const ot_spdm_sizes *sz, ot_writer *w, uint8_t code, uint8_t p1,
                         uint8_t p2) {
  uint8_t ver;
  OT_GUARD(expected_version(sz, code, &ver));
  OT_GUARD(ot_write_u8(w, ver));
  OT_GUARD(ot_write_u8(w, code));
  OT_GUARD(ot_write_u8(w, p1));
  return ot_write_u8(w, p2);
}

ot_status spdm_read_opt(ot_reader *r, bool present, size_t n, const uint8_t **out) {
  if (!present) {
    *out = NULL;
    return OT_SUCCESS;
  }
  return ot_read_borrow(r, n, out);
}

ot_status spdm_write_span(ot_writer *w, const uint8_t *p, size_t n) {
  if (n == 0) return OT_SUCCESS;
  OT_ENSURE(p != NULL, OT_E_ARG);
  return ot_write_bytes(w, p, n);
}

ot_status spdm_write_opt(ot_writer *w, bool present, const uint8_t *p, size_t n) {
  if (!present) return OT_SUCCESS;
  OT_ENSURE(p != NULL, OT_E_ARG);
  return spdm_write_span(w, p, n);
}

/* DSP0274: "OpaqueDataLength ... shall be less than or equal to 1024 bytes". */
ot_status spdm_read_opaque(ot_reader *r, uint16_t *len, const uint8_t **data) {
  uint16_t n;
  OT_GUARD(ot_read_u16le(r, &n));
  OT_ENSURE(n <= OT_SPDM_MAX_OPAQUE_DATA_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(ot_read_borrow(r, n, data));
  *len = n;
  return OT_SUCCESS;
}

ot_status spdm_write_opaque(ot_writer *w, uint16_t len, const uint8_t *data) {
  OT_ENSURE(len <= OT_SPDM_MAX_OPAQUE_DATA_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(ot_write_u16le(w, len));
  return spdm_write_span(w, data, len);
}

/* DSP0274 CHALLENGE / KEY_EXCHANGE / PSK_EXCHANGE Param1 "MeasurementSummaryHashType":
 * 0 none, 1 TCB components, 0xFF all; other values are reserved. */
ot_status spdm_check_summary_type(uint8_t t) {
  OT_ENSURE(t == OT_SPDM_MEAS_SUMMARY_NONE || t == OT_SPDM_MEAS_SUMMARY_TCB ||
                t == OT_SPDM_MEAS_SUMMARY_ALL,
            OT_E_MALFORMED);
  return OT_SUCCESS;
}

/* DSP0274: SlotID 0..7; 0xFF names the provisioned public key where allowed. */
ot_status spdm_check_slot(uint8_t slot, bool allow_provisioned) {
  OT_ENSURE(slot < OT_SPDM_MAX_SLOT_COUNT ||
                (allow_provisioned && slot == OT_SPDM_SLOT_ID_PROVISIONED_KEY),
            OT_E_MALFORMED);
  return OT_SUCCESS;
}
