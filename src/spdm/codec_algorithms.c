/* SPDX-License-Identifier: BSD-3-Clause */
/* NEGOTIATE_ALGORITHMS / ALGORITHMS (DSP0274 1.3 "NEGOTIATE_ALGORITHMS request and
 * ALGORITHMS response messages": tables "NEGOTIATE_ALGORITHMS request message
 * format", "Algorithm request structure", "Successful ALGORITHMS response
 * message format", "Response AlgStructure"). SPEC-FACTS §2.5. */
#include "codec_internal.h"

/* OtherParams bits defined per version: none before 1.2 (the byte is
 * Reserved in DSP0274 1.0/1.1), OpaqueDataFmt (3:0) in 1.2, plus MultiKeyConn
 * (bit4) in 1.3; the rest is reserved. */
static uint8_t other_params_mask(const ot_spdm_sizes *sz) {
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_12)) return 0;
  return spdm_is_13(sz) ? OT_SPDM_OPAQUE_FMT_MASK | OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN
                        : OT_SPDM_OPAQUE_FMT_MASK;
}

/* AlgStruct tables exist from 1.1 (DSP0274 1.0 has Param1 reserved and no
 * tables); 1.4 adds AlgType 6 (ReqPqcAsymAlg) and 7 (KEMAlg), so up to 6. */
static uint8_t alg_type_max(uint8_t version) {
  return version >= OT_SPDM_VERSION_14 ? OT_SPDM_ALG_TYPE_KEM : OT_SPDM_ALG_TYPE_KEY_SCHEDULE;
}
static uint8_t alg_struct_max(uint8_t version) {
  if (OT_SPDM_PRE_11(version)) return 0;
  return version >= OT_SPDM_VERSION_14 ? OT_SPDM_ALG_STRUCT_MAX : OT_SPDM_ALG_STRUCT_MAX_13;
}

ot_status spdm_read_ext_algs(ot_reader *r, uint8_t count, ot_spdm_ext_algs *out) {
  out->count = count;
  return ot_read_borrow(r, (size_t)count * OT_SPDM_EXT_ALG_SIZE, &out->ext);
}

static ot_status write_ext_algs(ot_writer *w, const ot_spdm_ext_algs *e) {
  return spdm_write_span(w, e->ext, (size_t)e->count * OT_SPDM_EXT_ALG_SIZE);
}

/* AlgStruct: AlgType(1) | AlgCount(1: FixedAlgCount 7:4, ExtAlgCount 3:0) |
 * AlgSupported(FixedAlgCount) | AlgExternal(4 * ExtAlgCount). "FixedAlgCount ...
 * shall be 2" for every AlgType defined (DHE, AEAD, ReqBaseAsymAlg, KeySchedule),
 * and the tables come in ascending AlgType order, each type at most once. */
ot_status spdm_read_alg_structs(uint8_t version, ot_reader *r, uint8_t count,
                                ot_spdm_alg_struct *alg) {
  OT_ENSURE(count <= alg_struct_max(version), OT_E_MALFORMED);
  uint8_t prev = 0;
  for (uint8_t i = 0; i < count; i++) {
    uint8_t type, cnt;
    OT_GUARD(ot_read_u8(r, &type));
    OT_GUARD(ot_read_u8(r, &cnt));
    OT_ENSURE(type >= OT_SPDM_ALG_TYPE_DHE && type <= alg_type_max(version), OT_E_MALFORMED);
    OT_ENSURE(type > prev, OT_E_MALFORMED);
    OT_ENSURE((cnt >> OT_SPDM_ALG_COUNT_FIXED_SHIFT) == OT_SPDM_ALG_FIXED_COUNT, OT_E_MALFORMED);
    alg[i].type = prev = type;
    OT_GUARD(ot_read_u16le(r, &alg[i].supported));
    OT_GUARD(spdm_read_ext_algs(r, cnt & OT_SPDM_ALG_COUNT_EXT_MASK, &alg[i].ext));
  }
  return OT_SUCCESS;
}

ot_status spdm_write_alg_structs(uint8_t version, ot_writer *w, uint8_t count,
                                 const ot_spdm_alg_struct *alg) {
  OT_ENSURE(count <= alg_struct_max(version), OT_E_ARG);
  for (uint8_t i = 0; i < count; i++) {
    OT_ENSURE(alg[i].ext.count <= OT_SPDM_ALG_COUNT_EXT_MASK, OT_E_ARG);
    OT_GUARD(ot_write_u8(w, alg[i].type));
    OT_GUARD(ot_write_u8(
        w, (uint8_t)(OT_SPDM_ALG_FIXED_COUNT << OT_SPDM_ALG_COUNT_FIXED_SHIFT | alg[i].ext.count)));
    OT_GUARD(ot_write_u16le(w, alg[i].supported));
    OT_GUARD(write_ext_algs(w, &alg[i].ext));
  }
  return OT_SUCCESS;
}

/* From MeasurementSpecification on: MeasSpec(1) | OtherParamsSupport(1, 1.2;
 * Reserved before) | BaseAsymAlgo(4) | BaseHashAlgo(4) | Reserved(12; 1.4
 * PqcAsymAlgo(4) in its first 4 bytes, no PQC algorithm is implemented so it
 * is read as reserved and written as 0) | ExtAsymCount(1) | ExtHashCount(1) |
 * Reserved(1) | MELspecification(1, 1.3) | ExtAsym | ExtHash | AlgStructs
 * (1.1+). */
ot_status spdm_read_alg_offer_body(uint8_t version, ot_reader *r, uint8_t alg_count,
                                   ot_spdm_alg_offer *m) {
  uint8_t n_asym, n_hash;
  m->alg_count = alg_count;
  OT_GUARD(ot_read_u8(r, &m->meas_spec));
  OT_GUARD(ot_read_u8(r, &m->other_params));
  OT_GUARD(ot_read_u32le(r, &m->base_asym));
  OT_GUARD(ot_read_u32le(r, &m->base_hash));
  OT_GUARD(ot_read_skip(r, 12));
  OT_GUARD(ot_read_u8(r, &n_asym));
  OT_GUARD(ot_read_u8(r, &n_hash));
  OT_GUARD(ot_read_skip(r, 1));
  OT_GUARD(ot_read_u8(r, &m->mel_spec));
  OT_GUARD(spdm_read_ext_algs(r, n_asym, &m->ext_asym));
  OT_GUARD(spdm_read_ext_algs(r, n_hash, &m->ext_hash));
  return spdm_read_alg_structs(version, r, alg_count, m->alg);
}

ot_status spdm_write_alg_offer_body(uint8_t version, ot_writer *w, const ot_spdm_alg_offer *m) {
  OT_GUARD(ot_write_u8(w, m->meas_spec));
  OT_GUARD(ot_write_u8(w, m->other_params));
  OT_GUARD(ot_write_u32le(w, m->base_asym));
  OT_GUARD(ot_write_u32le(w, m->base_hash));
  OT_GUARD(ot_write_zeros(w, 12));
  OT_GUARD(ot_write_u8(w, m->ext_asym.count));
  OT_GUARD(ot_write_u8(w, m->ext_hash.count));
  OT_GUARD(ot_write_u8(w, 0));
  OT_GUARD(ot_write_u8(w, m->mel_spec));
  OT_GUARD(write_ext_algs(w, &m->ext_asym));
  OT_GUARD(write_ext_algs(w, &m->ext_hash));
  return spdm_write_alg_structs(version, w, m->alg_count, m->alg);
}

/* DSP0274 1.0 "Length ... shall be less than or equal to 64 bytes"; 1.1+ 128. */
static uint16_t negotiate_max_length(const ot_spdm_sizes *sz) {
  return spdm_ver_ge(sz, OT_SPDM_VERSION_11) ? OT_SPDM_NEGOTIATE_ALGORITHMS_MAX_LENGTH
                                             : OT_SPDM_NEGOTIATE_ALGORITHMS_MAX_LENGTH_10;
}

/* NEGOTIATE_ALGORITHMS: header (Param1 = AlgStruct count) | Length(2) | body.
 * "Length: the length of the entire request message, in bytes", and for 1.1+
 * "shall be less than or equal to 128 bytes". */
ot_status spdm_read_negotiate_algorithms(const ot_spdm_sizes *sz, ot_reader *r,
                                         ot_spdm_alg_offer *m) {
  size_t start = ot_reader_offset(r);
  uint8_t count;
  uint16_t length;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_NEGOTIATE_ALGORITHMS, &count, NULL));
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_11)) count = 0; /* 1.0: Param1 reserved */
  OT_GUARD(ot_read_u16le(r, &length));
  OT_ENSURE(length <= negotiate_max_length(sz), OT_E_TOO_LARGE);
  OT_GUARD(spdm_read_alg_offer_body(sz->version, r, count, m));
  if (!spdm_is_13(sz)) m->mel_spec = 0; /* reserved in 1.2 */
  m->other_params &= other_params_mask(sz);
  OT_ENSURE(ot_reader_offset(r) - start == length, OT_E_MALFORMED);
  return OT_SUCCESS;
}
SPDM_DEFINE_DECODE(negotiate_algorithms, ot_spdm_alg_offer)

ot_status ot_spdm_encode_negotiate_algorithms(const ot_spdm_sizes *sz, ot_writer *w,
                                              const ot_spdm_alg_offer *m) {
  OT_ENSURE(spdm_is_13(sz) || m->mel_spec == 0, OT_E_ARG);
  OT_ENSURE((m->other_params & ~other_params_mask(sz)) == 0, OT_E_ARG);
  size_t start = ot_writer_len(w), slot;
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_NEGOTIATE_ALGORITHMS, m->alg_count, 0));
  OT_GUARD(ot_write_reserve(w, 2, &slot));
  OT_GUARD(spdm_write_alg_offer_body(sz->version, w, m));
  size_t len = ot_writer_len(w) - start;
  OT_ENSURE(len <= negotiate_max_length(sz), OT_E_TOO_LARGE);
  return ot_write_patch_u16le(w, slot, (uint16_t)len);
}

/* ALGORITHMS: header (Param1 = AlgStruct count) | Length(2) | MeasSpecSel(1) |
 * OtherParamsSelection(1) | MeasurementHashAlgo(4) | BaseAsymSel(4) |
 * BaseHashSel(4) | Reserved(11) | MELspecificationSel(1, 1.3) | ExtAsymSelCount(1)
 * | ExtHashSelCount(1) | Reserved(2) | ExtAsymSel | ExtHashSel | AlgStructs.
 * "ExtAsymSelCount / ExtHashSelCount: shall be either 0 or 1". */
ot_status spdm_read_algorithms(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_algorithms *m) {
  size_t start = ot_reader_offset(r);
  uint8_t n_asym, n_hash;
  uint16_t length;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_ALGORITHMS, &m->alg_count, NULL));
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_11)) m->alg_count = 0; /* 1.0: Param1 reserved */
  OT_GUARD(ot_read_u16le(r, &length));
  OT_GUARD(ot_read_u8(r, &m->meas_spec_sel));
  OT_GUARD(ot_read_u8(r, &m->other_params_sel));
  OT_GUARD(ot_read_u32le(r, &m->meas_hash_algo));
  OT_GUARD(ot_read_u32le(r, &m->base_asym_sel));
  OT_GUARD(ot_read_u32le(r, &m->base_hash_sel));
  OT_GUARD(ot_read_skip(r, 11));
  OT_GUARD(ot_read_u8(r, &m->mel_spec_sel));
  OT_GUARD(ot_read_u8(r, &n_asym));
  OT_GUARD(ot_read_u8(r, &n_hash));
  OT_GUARD(ot_read_skip(r, 2));
  OT_ENSURE(n_asym <= 1 && n_hash <= 1, OT_E_MALFORMED);
  OT_GUARD(spdm_read_ext_algs(r, n_asym, &m->ext_asym_sel));
  OT_GUARD(spdm_read_ext_algs(r, n_hash, &m->ext_hash_sel));
  OT_GUARD(spdm_read_alg_structs(sz->version, r, m->alg_count, m->alg));
  if (!spdm_is_13(sz)) m->mel_spec_sel = 0; /* reserved in 1.2 */
  m->other_params_sel &= other_params_mask(sz);
  OT_ENSURE(ot_reader_offset(r) - start == length, OT_E_MALFORMED);
  return OT_SUCCESS;
}
SPDM_DEFINE_DECODE(algorithms, ot_spdm_algorithms)

ot_status ot_spdm_encode_algorithms(const ot_spdm_sizes *sz, ot_writer *w,
                                    const ot_spdm_algorithms *m) {
  OT_ENSURE(m->ext_asym_sel.count <= 1 && m->ext_hash_sel.count <= 1, OT_E_ARG);
  OT_ENSURE(spdm_is_13(sz) || m->mel_spec_sel == 0, OT_E_ARG);
  OT_ENSURE((m->other_params_sel & ~other_params_mask(sz)) == 0, OT_E_ARG);
  size_t start = ot_writer_len(w), slot;
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_ALGORITHMS, m->alg_count, 0));
  OT_GUARD(ot_write_reserve(w, 2, &slot));
  OT_GUARD(ot_write_u8(w, m->meas_spec_sel));
  OT_GUARD(ot_write_u8(w, m->other_params_sel));
  OT_GUARD(ot_write_u32le(w, m->meas_hash_algo));
  OT_GUARD(ot_write_u32le(w, m->base_asym_sel));
  OT_GUARD(ot_write_u32le(w, m->base_hash_sel));
  OT_GUARD(ot_write_zeros(w, 11));
  OT_GUARD(ot_write_u8(w, m->mel_spec_sel));
  OT_GUARD(ot_write_u8(w, m->ext_asym_sel.count));
  OT_GUARD(ot_write_u8(w, m->ext_hash_sel.count));
  OT_GUARD(ot_write_zeros(w, 2));
  OT_GUARD(write_ext_algs(w, &m->ext_asym_sel));
  OT_GUARD(write_ext_algs(w, &m->ext_hash_sel));
  OT_GUARD(spdm_write_alg_structs(sz->version, w, m->alg_count, m->alg));
  size_t len = ot_writer_len(w) - start;
  OT_ENSURE(len <= UINT16_MAX, OT_E_TOO_LARGE);
  return ot_write_patch_u16le(w, slot, (uint16_t)len);
}
