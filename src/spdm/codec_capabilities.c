/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_CAPABILITIES / CAPABILITIES, 1.0 to 1.4 layouts (DSP0274 1.3 "GET_CAPABILITIES
 * request and CAPABILITIES response messages": tables "GET_CAPABILITIES request
 * message format", "Successful CAPABILITIES response message format", and the
 * 1.3 "Supported Algorithms block"). SPEC-FACTS §2.4. */
#include "codec_internal.h"

/* Both messages by version (DSP0274 1.0 / 1.1 / 1.2 "GET_CAPABILITIES request
 * message format" and "Successful CAPABILITIES response message format"):
 *  - 1.0 GET_CAPABILITIES: the 4-byte header only (Param1/Param2 reserved);
 *  - 1.0 CAPABILITIES and 1.1 both: header | Reserved(1) | CTExponent(1) |
 *    Reserved(2) | Flags(4) = 12 bytes;
 *  - 1.2+: DataTransferSize(4) | MaxSPDMmsgSize(4) follow, 20 bytes. 1.4 names
 *    the Reserved(2) before Flags "ExtendedFlags" (SLOT_MGMT_CAP, bit0); we
 *    advertise none and ignore the field on receipt. */
static bool has_body(const ot_spdm_sizes *sz, uint8_t code) {
  return code == OT_SPDM_CAPABILITIES || spdm_ver_ge(sz, OT_SPDM_VERSION_11);
}

static ot_status read_common(const ot_spdm_sizes *sz, ot_reader *r, uint8_t code,
                             ot_spdm_capabilities *m) {
  uint8_t p1;
  OT_GUARD(spdm_hdr_read(sz, r, code, &p1, NULL));
  /* Param1 is reserved before 1.3; in 1.3 bit0 is SupportedAlgorithms. */
  m->supported_algs = spdm_is_13(sz) && (p1 & OT_SPDM_CAP_PARAM1_SUPPORTED_ALGS);
  if (!has_body(sz, code)) return OT_SUCCESS;
  OT_GUARD(ot_read_skip(r, 1));
  OT_GUARD(ot_read_u8(r, &m->ct_exponent));
  OT_GUARD(ot_read_skip(r, 2));
  OT_GUARD(ot_read_u32le(r, &m->flags));
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_12)) return OT_SUCCESS;
  OT_GUARD(ot_read_u32le(r, &m->data_transfer_size));
  OT_GUARD(ot_read_u32le(r, &m->max_msg_size));
  /* "DataTransferSize ... shall be at least MinDataTransferSize (42)" and
   * "MaxSPDMmsgSize ... shall be greater than or equal to DataTransferSize". */
  OT_ENSURE(m->data_transfer_size >= OT_SPDM_MIN_DATA_TRANSFER_SIZE, OT_E_MALFORMED);
  OT_ENSURE(m->max_msg_size >= m->data_transfer_size, OT_E_MALFORMED);
  return OT_SUCCESS;
}

static ot_status write_common(const ot_spdm_sizes *sz, ot_writer *w, uint8_t code,
                              const ot_spdm_capabilities *m) {
  OT_ENSURE(!m->supported_algs || spdm_is_13(sz), OT_E_ARG);
  OT_GUARD(
      spdm_hdr_write(sz, w, code, m->supported_algs ? OT_SPDM_CAP_PARAM1_SUPPORTED_ALGS : 0, 0));
  if (!has_body(sz, code)) return OT_SUCCESS;
  OT_GUARD(ot_write_u8(w, 0));
  OT_GUARD(ot_write_u8(w, m->ct_exponent));
  OT_GUARD(ot_write_u16le(w, 0));
  OT_GUARD(ot_write_u32le(w, m->flags));
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_12)) return OT_SUCCESS;
  OT_GUARD(ot_write_u32le(w, m->data_transfer_size));
  return ot_write_u32le(w, m->max_msg_size);
}

ot_status spdm_read_get_capabilities(const ot_spdm_sizes *sz, ot_reader *r,
                                     ot_spdm_capabilities *m) {
  return read_common(sz, r, OT_SPDM_GET_CAPABILITIES, m);
}
SPDM_DEFINE_DECODE(get_capabilities, ot_spdm_capabilities)

ot_status ot_spdm_encode_get_capabilities(const ot_spdm_sizes *sz, ot_writer *w,
                                          const ot_spdm_capabilities *m) {
  return write_common(sz, w, OT_SPDM_GET_CAPABILITIES, m);
}

/* Supported Algorithms block (1.3): the NEGOTIATE_ALGORITHMS message without its
 * SPDMVersion and code bytes: Param1 (AlgStruct count) | Param2 (Reserved) |
 * Length(2, counted from Param1) | the offer body. */
static ot_status read_supported_algs(uint8_t version, ot_reader *r, ot_spdm_alg_offer *a) {
  size_t start = ot_reader_offset(r);
  uint8_t count;
  uint16_t length;
  OT_GUARD(ot_read_u8(r, &count));
  OT_GUARD(ot_read_skip(r, 1));
  OT_GUARD(ot_read_u16le(r, &length));
  OT_GUARD(spdm_read_alg_offer_body(version, r, count, a));
  OT_ENSURE(ot_reader_offset(r) - start == length, OT_E_MALFORMED);
  return OT_SUCCESS;
}

ot_status spdm_read_capabilities(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_capabilities *m) {
  OT_GUARD(read_common(sz, r, OT_SPDM_CAPABILITIES, m));
  if (!m->supported_algs) return OT_SUCCESS;
  return read_supported_algs(sz->version, r, &m->algs);
}
SPDM_DEFINE_DECODE(capabilities, ot_spdm_capabilities)

ot_status ot_spdm_encode_capabilities(const ot_spdm_sizes *sz, ot_writer *w,
                                      const ot_spdm_capabilities *m) {
  OT_GUARD(write_common(sz, w, OT_SPDM_CAPABILITIES, m));
  if (!m->supported_algs) return OT_SUCCESS;
  size_t start = ot_writer_len(w), slot;
  OT_GUARD(ot_write_u8(w, m->algs.alg_count));
  OT_GUARD(ot_write_u8(w, 0));
  OT_GUARD(ot_write_reserve(w, 2, &slot));
  OT_GUARD(spdm_write_alg_offer_body(sz->version, w, &m->algs));
  size_t len = ot_writer_len(w) - start;
  OT_ENSURE(len <= UINT16_MAX, OT_E_TOO_LARGE);
  return ot_write_patch_u16le(w, slot, (uint16_t)len);
}
