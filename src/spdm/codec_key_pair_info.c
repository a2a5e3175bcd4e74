/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_KEY_PAIR_INFO / KEY_PAIR_INFO (DSP0274 1.3 §10.26 "GET_KEY_PAIR_INFO
 * request and KEY_PAIR_INFO response messages"; libspdm's spdm.h agrees: a
 * 5-byte request, a 23-byte response before PublicKeyInfo) and
 * SET_KEY_PAIR_INFO / SET_KEY_PAIR_INFO_ACK (§10.27). 1.3 messages: a 1.2
 * layout is refused (OT_E_VERSION). At 1.4 the PQC fields are read and
 * written as length-prefixed byte strings. */
#include "codec_internal.h"

/* GET_KEY_PAIR_INFO: header (Param1, Param2 reserved) | KeyPairID(1). */
ot_status spdm_read_get_key_pair_info(const ot_spdm_sizes *sz, ot_reader *r,
                                      ot_spdm_get_key_pair_info *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_GET_KEY_PAIR_INFO, NULL, NULL));
  OT_GUARD(ot_read_u8(r, &m->key_pair_id));
  OT_ENSURE(m->key_pair_id != 0, OT_E_MALFORMED); /* KeyPairIDs start at 1 */
  return OT_SUCCESS;
}
SPDM_DEFINE_DECODE(get_key_pair_info, ot_spdm_get_key_pair_info)

ot_status ot_spdm_encode_get_key_pair_info(const ot_spdm_sizes *sz, ot_writer *w,
                                           const ot_spdm_get_key_pair_info *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_ENSURE(m->key_pair_id != 0, OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_GET_KEY_PAIR_INFO, 0, 0));
  return ot_write_u8(w, m->key_pair_id);
}

/* KEY_PAIR_INFO: header | TotalKeyPairs(1) | KeyPairID(1) | Capabilities(2) |
 * KeyUsageCapabilities(2) | CurrentKeyUsage(2) | AsymAlgoCapabilities(4) |
 * CurrentAsymAlgo(4) | PublicKeyInfoLen(2) | AssocCertSlotMask(1) |
 * PublicKeyInfo | 1.4: PqcAsymAlgoCapLen(1) | PqcAsymAlgoCapabilities |
 * CurrentPqcAsymAlgoLen(1) | CurrentPqcAsymAlgo (DSP0274 1.4 "KEY_PAIR_INFO
 * response message format"). */
ot_status spdm_read_key_pair_info(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_key_pair_info *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_KEY_PAIR_INFO, NULL, NULL));
  OT_GUARD(ot_read_u8(r, &m->total_key_pairs));
  OT_GUARD(ot_read_u8(r, &m->key_pair_id));
  OT_GUARD(ot_read_u16le(r, &m->capabilities));
  OT_GUARD(ot_read_u16le(r, &m->key_usage_caps));
  OT_GUARD(ot_read_u16le(r, &m->current_key_usage));
  OT_GUARD(ot_read_u32le(r, &m->asym_algo_caps));
  OT_GUARD(ot_read_u32le(r, &m->current_asym_algo));
  OT_GUARD(ot_read_u16le(r, &m->public_key_info_len));
  OT_GUARD(ot_read_u8(r, &m->assoc_cert_slot_mask));
  /* §10.26: KeyPairID is 1..TotalKeyPairs. */
  OT_ENSURE(m->key_pair_id != 0 && m->key_pair_id <= m->total_key_pairs, OT_E_MALFORMED);
  OT_ENSURE(m->public_key_info_len <= OT_SPDM_PUBLIC_KEY_INFO_MAX, OT_E_TOO_LARGE);
  OT_GUARD(ot_read_borrow(r, m->public_key_info_len, &m->public_key_info));
  m->pqc_caps_len = m->current_pqc_len = 0;
  m->pqc_caps = m->current_pqc = NULL;
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_14)) return OT_SUCCESS;
  OT_GUARD(ot_read_u8(r, &m->pqc_caps_len));
  OT_GUARD(ot_read_borrow(r, m->pqc_caps_len, &m->pqc_caps));
  OT_GUARD(ot_read_u8(r, &m->current_pqc_len));
  return ot_read_borrow(r, m->current_pqc_len, &m->current_pqc);
}
SPDM_DEFINE_DECODE(key_pair_info, ot_spdm_key_pair_info)

ot_status ot_spdm_encode_key_pair_info(const ot_spdm_sizes *sz, ot_writer *w,
                                       const ot_spdm_key_pair_info *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_ENSURE(m->key_pair_id != 0 && m->key_pair_id <= m->total_key_pairs, OT_E_ARG);
  OT_ENSURE(m->public_key_info_len <= OT_SPDM_PUBLIC_KEY_INFO_MAX, OT_E_TOO_LARGE);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_KEY_PAIR_INFO, 0, 0));
  OT_GUARD(ot_write_u8(w, m->total_key_pairs));
  OT_GUARD(ot_write_u8(w, m->key_pair_id));
  OT_GUARD(ot_write_u16le(w, m->capabilities));
  OT_GUARD(ot_write_u16le(w, m->key_usage_caps));
  OT_GUARD(ot_write_u16le(w, m->current_key_usage));
  OT_GUARD(ot_write_u32le(w, m->asym_algo_caps));
  OT_GUARD(ot_write_u32le(w, m->current_asym_algo));
  OT_GUARD(ot_write_u16le(w, m->public_key_info_len));
  OT_GUARD(ot_write_u8(w, m->assoc_cert_slot_mask));
  OT_GUARD(spdm_write_span(w, m->public_key_info, m->public_key_info_len));
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_14)) {
    OT_ENSURE(m->pqc_caps_len == 0 && m->current_pqc_len == 0, OT_E_ARG);
    return OT_SUCCESS;
  }
  OT_GUARD(ot_write_u8(w, m->pqc_caps_len));
  OT_GUARD(spdm_write_span(w, m->pqc_caps, m->pqc_caps_len));
  OT_GUARD(ot_write_u8(w, m->current_pqc_len));
  return spdm_write_span(w, m->current_pqc, m->current_pqc_len);
}

/* SET_KEY_PAIR_INFO: header (Param1 SetKeyPairInfoOperation, Param2
 * reserved) | KeyPairID(1) | Reserved(1) | DesiredKeyUsage(2) |
 * DesiredAsymAlgo(4) | DesiredAssocCertSlotMask(1) | 1.4:
 * DesiredPqcAsymAlgoLen(1) | DesiredPqcAsymAlgo (DSP0274 1.3 §10.27
 * "SET_KEY_PAIR_INFO request message format"; libspdm's spdm.h agrees).
 * libspdm sends an Erase as the 5 bytes up to KeyPairID and its responder
 * takes that form; it is read here too (the desired fields then read as 0),
 * for any other operation the body is required. */
ot_status spdm_read_set_key_pair_info(const ot_spdm_sizes *sz, ot_reader *r,
                                      ot_spdm_set_key_pair_info *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  uint8_t op = 0;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_SET_KEY_PAIR_INFO, &op, NULL));
  /* §10.27: operations 0 (Change), 1 (Erase), 2 (Generate); the rest reserved. */
  OT_ENSURE(op <= OT_SPDM_KEY_PAIR_OP_GENERATE, OT_E_MALFORMED);
  m->operation = op;
  OT_GUARD(ot_read_u8(r, &m->key_pair_id));
  OT_ENSURE(m->key_pair_id != 0, OT_E_MALFORMED); /* KeyPairIDs start at 1 */
  m->desired_pqc_len = 0;
  m->desired_pqc = NULL;
  /* The short Erase ends here; inside DOE padding (at most 3 zero bytes,
   * PCIe r6.0 §6.30.1) fewer than 4 bytes follow, while the long form has 8
   * more (ot_spdm_message_length reads this body over the padded object). */
  m->short_erase = op == OT_SPDM_KEY_PAIR_OP_ERASE && ot_reader_remaining(r) < 4;
  if (m->short_erase) {
    m->desired_key_usage = 0;
    m->desired_asym_algo = 0;
    m->desired_assoc_cert_slot_mask = 0;
    return OT_SUCCESS;
  }
  OT_GUARD(ot_read_skip(r, 1)); /* Reserved */
  OT_GUARD(ot_read_u16le(r, &m->desired_key_usage));
  OT_GUARD(ot_read_u32le(r, &m->desired_asym_algo));
  OT_GUARD(ot_read_u8(r, &m->desired_assoc_cert_slot_mask));
  if (spdm_ver_ge(sz, OT_SPDM_VERSION_14) &&
      /* 1.4: an Erase from a 1.3-style sender may stop before the PQC field. */
      !(op == OT_SPDM_KEY_PAIR_OP_ERASE && ot_reader_remaining(r) == 0)) {
    OT_GUARD(ot_read_u8(r, &m->desired_pqc_len));
    OT_GUARD(ot_read_borrow(r, m->desired_pqc_len, &m->desired_pqc));
  }
  if (op == OT_SPDM_KEY_PAIR_OP_ERASE) {
    /* §10.27 Erase: the desired fields carry nothing; whatever a sender put
     * there is read past and not kept (the encoder writes zeros). */
    m->desired_key_usage = 0;
    m->desired_asym_algo = 0;
    m->desired_assoc_cert_slot_mask = 0;
    m->desired_pqc_len = 0;
    m->desired_pqc = NULL;
  }
  return OT_SUCCESS;
}
SPDM_DEFINE_DECODE(set_key_pair_info, ot_spdm_set_key_pair_info)

ot_status ot_spdm_encode_set_key_pair_info(const ot_spdm_sizes *sz, ot_writer *w,
                                           const ot_spdm_set_key_pair_info *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_ENSURE(m->key_pair_id != 0 && m->operation <= OT_SPDM_KEY_PAIR_OP_GENERATE, OT_E_ARG);
  OT_ENSURE(m->desired_pqc_len == 0 || m->desired_pqc != NULL, OT_E_ARG);
  bool erase = m->operation == OT_SPDM_KEY_PAIR_OP_ERASE;
  /* §10.27 Erase: the desired fields carry nothing (0). */
  OT_ENSURE(!erase || (m->desired_key_usage == 0 && m->desired_asym_algo == 0 &&
                       m->desired_assoc_cert_slot_mask == 0 && m->desired_pqc_len == 0),
            OT_E_ARG);
  OT_ENSURE(!m->short_erase || erase, OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_SET_KEY_PAIR_INFO, m->operation, 0));
  OT_GUARD(ot_write_u8(w, m->key_pair_id));
  if (m->short_erase) return OT_SUCCESS;
  OT_GUARD(ot_write_u8(w, 0));
  OT_GUARD(ot_write_u16le(w, m->desired_key_usage));
  OT_GUARD(ot_write_u32le(w, m->desired_asym_algo));
  OT_GUARD(ot_write_u8(w, m->desired_assoc_cert_slot_mask));
  if (!spdm_ver_ge(sz, OT_SPDM_VERSION_14)) {
    OT_ENSURE(m->desired_pqc_len == 0, OT_E_ARG);
    return OT_SUCCESS;
  }
  OT_GUARD(ot_write_u8(w, m->desired_pqc_len));
  return spdm_write_span(w, m->desired_pqc, m->desired_pqc_len);
}

/* SET_KEY_PAIR_INFO_ACK: the 4-byte header, Param1/Param2 reserved (§10.27). */
ot_status ot_spdm_encode_set_key_pair_info_ack(const ot_spdm_sizes *sz, ot_writer *w) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  return spdm_hdr_write(sz, w, OT_SPDM_SET_KEY_PAIR_INFO_ACK, 0, 0);
}

ot_status ot_spdm_decode_set_key_pair_info_ack(const ot_spdm_sizes *sz, ot_reader *r) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_SET_KEY_PAIR_INFO_ACK, NULL, NULL));
  return ot_reader_finish(r);
}
