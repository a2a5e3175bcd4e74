/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_MEASUREMENTS / MEASUREMENTS, measurement blocks and DMTF measurement values
 * (DSP0274 1.3 "GET_MEASUREMENTS request and MEASUREMENTS response messages":
 * tables "GET_MEASUREMENTS request message format", "Successful MEASUREMENTS
 * response message format", "Measurement block format", "DMTF measurement
 * specification format"). SPEC-FACTS §2.9. */
#include "codec_internal.h"

/* Attribute bits defined per version: Signature (1.0); RawBitStreamRequested
 * (1.2); NewMeasurementRequested (1.3). */
static uint8_t attr_mask(const ot_spdm_sizes *sz) {
  uint8_t m = OT_SPDM_MEAS_ATTR_SIGNATURE;
  if (spdm_ver_ge(sz, OT_SPDM_VERSION_12)) m |= OT_SPDM_MEAS_ATTR_RAW_BIT_STREAM;
  return spdm_is_13(sz) ? (uint8_t)(m | OT_SPDM_MEAS_ATTR_NEW_MEASUREMENT) : m;
}

/* SlotIDParam follows the nonce from 1.1 (DSP0274 1.0 "GET_MEASUREMENTS request
 * message format" has the Nonce only). */
static bool has_slot_param(const ot_spdm_sizes *sz) { return spdm_ver_ge(sz, OT_SPDM_VERSION_11); }

/* GET_MEASUREMENTS: header (Param1 attributes; Param2 operation) | [Nonce(32) |
 * SlotIDParam(1, bits 3:0)] when a signature is requested | RequesterContext(8,
 * 1.3, signed or not). */
ot_status spdm_read_get_measurements(const ot_spdm_sizes *sz, ot_reader *r,
                                     ot_spdm_get_measurements *m) {
  uint8_t p1, slot;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_GET_MEASUREMENTS, &p1, &m->operation));
  m->attributes = p1 & attr_mask(sz);
  if (m->attributes & OT_SPDM_MEAS_ATTR_SIGNATURE) {
    OT_GUARD(ot_read_bytes(r, m->nonce, sizeof m->nonce));
    slot = 0;
    if (has_slot_param(sz)) OT_GUARD(ot_read_u8(r, &slot));
    m->slot_id = slot & OT_SPDM_SLOT_ID_MASK;
    OT_GUARD(spdm_check_slot(m->slot_id, false));
  }
  if (!spdm_is_13(sz)) return OT_SUCCESS;
  return ot_read_bytes(r, m->context, sizeof m->context);
}
SPDM_DEFINE_DECODE(get_measurements, ot_spdm_get_measurements)

ot_status ot_spdm_encode_get_measurements(const ot_spdm_sizes *sz, ot_writer *w,
                                          const ot_spdm_get_measurements *m) {
  OT_ENSURE((m->attributes & ~attr_mask(sz)) == 0, OT_E_ARG);
  bool sig = m->attributes & OT_SPDM_MEAS_ATTR_SIGNATURE;
  if (sig) OT_GUARD(spdm_check_slot(m->slot_id, false));
  OT_ENSURE(!sig || has_slot_param(sz) || m->slot_id == 0, OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_GET_MEASUREMENTS, m->attributes, m->operation));
  if (sig) {
    OT_GUARD(ot_write_bytes(w, m->nonce, sizeof m->nonce));
    if (has_slot_param(sz)) OT_GUARD(ot_write_u8(w, m->slot_id));
  }
  if (!spdm_is_13(sz)) return OT_SUCCESS;
  return ot_write_bytes(w, m->context, sizeof m->context);
}

/* Measurement block: Index(1) | MeasurementSpecification(1) | MeasurementSize(2) |
 * Measurement. With the DMTF specification the measurement is
 * DMTFSpecMeasurementValueType(1) | DMTFSpecMeasurementValueSize(2) | value, and
 * the two sizes must agree. */
ot_status ot_spdm_meas_block_next(ot_reader *rec, ot_spdm_meas_block *out) {
  ot_spdm_meas_block b;
  ot_spdm_dmtf_meas d;
  OT_GUARD(ot_read_u8(rec, &b.index));
  OT_GUARD(ot_read_u8(rec, &b.spec));
  OT_GUARD(ot_read_u16le(rec, &b.size));
  OT_GUARD(ot_read_borrow(rec, b.size, &b.measurement));
  if (b.spec == OT_SPDM_MEAS_SPEC_DMTF) OT_GUARD(ot_spdm_dmtf_meas_decode(&b, &d));
  *out = b;
  return OT_SUCCESS;
}

ot_status ot_spdm_meas_block_encode(ot_writer *w, const ot_spdm_meas_block *b) {
  OT_GUARD(ot_write_u8(w, b->index));
  OT_GUARD(ot_write_u8(w, b->spec));
  OT_GUARD(ot_write_u16le(w, b->size));
  return spdm_write_span(w, b->measurement, b->size);
}

ot_status ot_spdm_dmtf_meas_decode(const ot_spdm_meas_block *b, ot_spdm_dmtf_meas *out) {
  ot_reader r;
  ot_spdm_dmtf_meas d = {0};
  OT_ENSURE(b->spec == OT_SPDM_MEAS_SPEC_DMTF, OT_E_ARG);
  ot_reader_init(&r, b->measurement, b->size);
  /* Sizes that disagree are a malformed block, not a short message: the block's
   * own MeasurementSize already bounds it. */
  OT_IGNORE(ot_read_u8(&r, &d.value_type)); /* sticky: checked once below */
  OT_IGNORE(ot_read_u16le(&r, &d.value_size));
  OT_IGNORE(ot_read_borrow(&r, d.value_size, &d.value));
  OT_ENSURE(ot_ok(ot_reader_finish(&r)), OT_E_MALFORMED);
  *out = d;
  return OT_SUCCESS;
}

ot_status ot_spdm_dmtf_meas_encode(ot_writer *w, const ot_spdm_dmtf_meas *m) {
  OT_GUARD(ot_write_u8(w, m->value_type));
  OT_GUARD(ot_write_u16le(w, m->value_size));
  return spdm_write_span(w, m->value, m->value_size);
}

/* A MeasurementRecord must hold exactly NumberOfBlocks well-formed blocks. */
static ot_status check_record(const uint8_t *rec, uint32_t len, uint8_t count) {
  ot_reader r;
  ot_spdm_meas_block b;
  ot_reader_init(&r, rec, len);
  for (unsigned i = 0; i < count; i++) {
    ot_status st = ot_spdm_meas_block_next(&r, &b);
    if (ot_is(st, OT_E_TRUNCATED)) return ot_status_of(OT_E_MALFORMED);
    OT_GUARD(st);
  }
  OT_ENSURE(ot_reader_remaining(&r) == 0, OT_E_MALFORMED);
  return OT_SUCCESS;
}

/* Param2 of MEASUREMENTS per version: reserved in 1.0, SlotID (bits 3:0) from
 * 1.1, MeasurementsContentChanged (bits 5:4) from 1.2. */
static uint8_t param2_mask(const ot_spdm_sizes *sz) {
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_11)) return 0;
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_12)) return OT_SPDM_SLOT_ID_MASK;
  return OT_SPDM_SLOT_ID_MASK | OT_SPDM_MEAS_CONTENT_CHANGED_MASK;
}

/* MEASUREMENTS: header (Param1 total indices for operation 0; Param2 bits 3:0
 * SlotID, bits 5:4 content changed) | NumberOfBlocks(1) |
 * MeasurementRecordLength(3) | MeasurementRecord | Nonce(32) |
 * OpaqueDataLength(2) | OpaqueData | RequesterContext(8, 1.3) | Signature(S, only
 * when requested). */
ot_status spdm_read_measurements(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_measurements *m) {
  uint8_t p2;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_MEASUREMENTS, &m->total_indices, &p2));
  p2 &= param2_mask(sz);
  m->slot_id = p2 & OT_SPDM_SLOT_ID_MASK;
  m->content_changed = p2 & OT_SPDM_MEAS_CONTENT_CHANGED_MASK;
  OT_GUARD(ot_read_u8(r, &m->block_count));
  OT_GUARD(ot_read_u24le(r, &m->record_len));
  OT_GUARD(ot_read_borrow(r, m->record_len, &m->record));
  OT_GUARD(check_record(m->record, m->record_len, m->block_count));
  OT_GUARD(ot_read_bytes(r, m->nonce, sizeof m->nonce));
  OT_GUARD(spdm_read_opaque(r, &m->opaque_len, &m->opaque));
  if (spdm_is_13(sz)) OT_GUARD(ot_read_bytes(r, m->context, sizeof m->context));
  return spdm_read_opt(r, sz->meas_signature, sz->sig_len, &m->signature);
}
SPDM_DEFINE_DECODE(measurements, ot_spdm_measurements)

ot_status ot_spdm_encode_measurements(const ot_spdm_sizes *sz, ot_writer *w,
                                      const ot_spdm_measurements *m) {
  OT_ENSURE(m->slot_id <= OT_SPDM_SLOT_ID_MASK, OT_E_ARG);
  OT_ENSURE((m->content_changed & ~OT_SPDM_MEAS_CONTENT_CHANGED_MASK) == 0, OT_E_ARG);
  OT_ENSURE(((m->slot_id | m->content_changed) & ~param2_mask(sz)) == 0, OT_E_ARG);
  OT_ENSURE(m->record_len <= OT_SPDM_MAX_MEASUREMENT_RECORD_LENGTH, OT_E_TOO_LARGE);
  OT_GUARD(check_record(m->record, m->record_len, m->block_count));
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_MEASUREMENTS, m->total_indices,
                          (uint8_t)(m->slot_id | m->content_changed)));
  OT_GUARD(ot_write_u8(w, m->block_count));
  OT_GUARD(ot_write_u24le(w, m->record_len));
  OT_GUARD(spdm_write_span(w, m->record, m->record_len));
  OT_GUARD(ot_write_bytes(w, m->nonce, sizeof m->nonce));
  OT_GUARD(spdm_write_opaque(w, m->opaque_len, m->opaque));
  if (spdm_is_13(sz)) OT_GUARD(ot_write_bytes(w, m->context, sizeof m->context));
  return spdm_write_opt(w, sz->meas_signature, m->signature, sz->sig_len);
}
