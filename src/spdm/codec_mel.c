/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_MEASUREMENT_EXTENSION_LOG / MEASUREMENT_EXTENSION_LOG and the DMTF MEL
 * format (DSP0274 1.3 §10.24 "GET_MEASUREMENT_EXTENSION_LOG request and
 * MEASUREMENT_EXTENSION_LOG response messages"; "DMTF measurement extension
 * log format"). 1.3 messages: a 1.2 layout is refused (OT_E_VERSION). */
#include "codec_internal.h"

/* GET_MEASUREMENT_EXTENSION_LOG: header (Param1, Param2 reserved) |
 * Offset(4) | Length(4). */
ot_status spdm_read_get_mel(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_get_mel *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_GET_MEASUREMENT_EXTENSION_LOG, NULL, NULL));
  OT_GUARD(ot_read_u32le(r, &m->offset));
  return ot_read_u32le(r, &m->length);
}
SPDM_DEFINE_DECODE(get_mel, ot_spdm_get_mel)

ot_status ot_spdm_encode_get_mel(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_get_mel *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_GET_MEASUREMENT_EXTENSION_LOG, 0, 0));
  OT_GUARD(ot_write_u32le(w, m->offset));
  return ot_write_u32le(w, m->length);
}

/* MEASUREMENT_EXTENSION_LOG: header | PortionLength(4) | RemainderLength(4) |
 * MEL[PortionLength]. */
ot_status spdm_read_mel(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_mel *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_MEASUREMENT_EXTENSION_LOG, NULL, NULL));
  OT_GUARD(ot_read_u32le(r, &m->portion_len));
  OT_GUARD(ot_read_u32le(r, &m->remainder_len));
  return ot_read_borrow(r, m->portion_len, &m->portion);
}
SPDM_DEFINE_DECODE(mel, ot_spdm_mel)

ot_status ot_spdm_encode_mel(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_mel *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_MEASUREMENT_EXTENSION_LOG, 0, 0));
  OT_GUARD(ot_write_u32le(w, m->portion_len));
  OT_GUARD(ot_write_u32le(w, m->remainder_len));
  return spdm_write_span(w, m->portion, m->portion_len);
}

ot_status ot_spdm_mel_check(const uint8_t *mel, size_t len, uint32_t *entries) {
  OT_ENSURE(mel != NULL || len == 0, OT_E_ARG);
  ot_reader r;
  uint32_t n, elen;
  ot_reader_init(&r, mel, len);
  OT_GUARD(ot_read_u32le(&r, &n));
  OT_GUARD(ot_read_u32le(&r, &elen));
  OT_GUARD(ot_read_skip(&r, 8));
  OT_ENSURE(elen == ot_reader_remaining(&r), OT_E_MALFORMED);
  /* Each entry takes at least 11 bytes, which bounds the loop by len. */
  OT_ENSURE(n <= elen / OT_SPDM_MEL_ENTRY_FIXED, OT_E_MALFORMED);
  for (uint32_t i = 0; i < n; i++) {
    uint16_t vsize;
    OT_GUARD(ot_read_skip(&r, 4 + 1 + 3 + 1)); /* MELIndex, MeasIndex, Reserved, type */
    OT_GUARD(ot_read_u16le(&r, &vsize));
    OT_GUARD(ot_read_skip(&r, vsize));
  }
  OT_ENSURE(ot_reader_remaining(&r) == 0, OT_E_MALFORMED);
  if (entries) *entries = n;
  return OT_SUCCESS;
}
