/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_CSR / CSR and SET_CERTIFICATE / SET_CERTIFICATE_RSP (DSP0274 1.2
 * "GET_CSR request and CSR response messages", "SET_CERTIFICATE request and
 * SET_CERTIFICATE_RSP response messages"; the 1.3 Param1/Param2 fields:
 * KeyPairID, RequestAttributes, SetCertModel, Erase). libspdm's spdm.h
 * structs agree: GET_CSR 8 bytes before RequesterInfo, CSR 8 before the CSR,
 * SET_CERTIFICATE 4 before the certificate chain. */
#include "codec_internal.h"

/* GET_CSR: header (Param1 KeyPairID, Param2 RequestAttributes, 1.3) |
 * RequesterInfoLength(2) | OpaqueDataLength(2) | RequesterInfo | OpaqueData. */
ot_status spdm_read_get_csr(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_get_csr *m) {
  uint8_t p1, p2;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_GET_CSR, &p1, &p2));
  m->key_pair_id = spdm_is_13(sz) ? p1 : 0; /* reserved in 1.2 */
  m->attributes = spdm_is_13(sz)
                      ? (uint8_t)(p2 & (OT_SPDM_CSR_ATTR_CERT_MODEL_MASK |
                                        OT_SPDM_CSR_ATTR_TAG_MASK | OT_SPDM_CSR_ATTR_OVERWRITE))
                      : 0;
  OT_GUARD(ot_read_u16le(r, &m->requester_info_len));
  OT_GUARD(ot_read_u16le(r, &m->opaque_len));
  OT_ENSURE(m->requester_info_len <= OT_SPDM_CSR_MAX, OT_E_TOO_LARGE);
  OT_ENSURE(m->opaque_len <= OT_SPDM_MAX_OPAQUE_DATA_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(ot_read_borrow(r, m->requester_info_len, &m->requester_info));
  return ot_read_borrow(r, m->opaque_len, &m->opaque);
}
SPDM_DEFINE_DECODE(get_csr, ot_spdm_get_csr)

ot_status ot_spdm_encode_get_csr(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_get_csr *m) {
  OT_ENSURE(spdm_is_13(sz) || (m->key_pair_id == 0 && m->attributes == 0), OT_E_ARG);
  OT_ENSURE(m->requester_info_len <= OT_SPDM_CSR_MAX, OT_E_TOO_LARGE);
  OT_ENSURE(m->opaque_len <= OT_SPDM_MAX_OPAQUE_DATA_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_GET_CSR, m->key_pair_id, m->attributes));
  OT_GUARD(ot_write_u16le(w, m->requester_info_len));
  OT_GUARD(ot_write_u16le(w, m->opaque_len));
  OT_GUARD(spdm_write_span(w, m->requester_info, m->requester_info_len));
  return spdm_write_span(w, m->opaque, m->opaque_len);
}

/* CSR: header | CSRLength(2) | Reserved(2) | CSR. */
ot_status spdm_read_csr(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_csr *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_CSR, NULL, NULL));
  OT_GUARD(ot_read_u16le(r, &m->csr_len));
  OT_GUARD(ot_read_skip(r, 2));
  OT_ENSURE(m->csr_len <= OT_SPDM_CSR_MAX, OT_E_TOO_LARGE);
  return ot_read_borrow(r, m->csr_len, &m->csr);
}
SPDM_DEFINE_DECODE(csr, ot_spdm_csr)

ot_status ot_spdm_encode_csr(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_csr *m) {
  OT_ENSURE(m->csr_len <= OT_SPDM_CSR_MAX, OT_E_TOO_LARGE);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_CSR, 0, 0));
  OT_GUARD(ot_write_u16le(w, m->csr_len));
  OT_GUARD(ot_write_zeros(w, 2));
  return spdm_write_span(w, m->csr, m->csr_len);
}

/* SET_CERTIFICATE: header (Param1 SlotID bits 3:0, 1.3 SetCertModel 6:4 and
 * Erase 7; Param2 KeyPairID, 1.3) | CertChain, an SPDM certificate chain
 * (its first field, Length, delimits it), absent when erasing. */
ot_status spdm_read_set_certificate(const ot_spdm_sizes *sz, ot_reader *r,
                                    ot_spdm_set_certificate *m) {
  uint8_t p1, p2;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_SET_CERTIFICATE, &p1, &p2));
  m->slot_id = p1 & OT_SPDM_SLOT_ID_MASK;
  OT_GUARD(spdm_check_slot(m->slot_id, false));
  if (spdm_is_13(sz)) {
    m->cert_model = (uint8_t)((p1 >> OT_SPDM_SET_CERT_MODEL_SHIFT) & 0x07u);
    m->erase = (p1 & OT_SPDM_SET_CERT_ERASE) != 0;
    m->key_pair_id = p2;
  }
  if (m->erase) {
    m->chain_len = 0;
    m->chain = NULL;
    return OT_SUCCESS;
  }
  uint16_t len;
  OT_GUARD(ot_read_u16le(r, &len));
  /* Length counts the whole chain: its 4-byte header, RootHash, certificates. */
  OT_ENSURE(len >= OT_SPDM_CERT_CHAIN_HEADER_SIZE + (size_t)sz->hash_len + 1u, OT_E_MALFORMED);
  const uint8_t *rest; /* the chain after its Length, in the same span */
  OT_GUARD(ot_read_borrow(r, len - 2u, &rest));
  m->chain_len = len;
  m->chain = rest - 2;
  return OT_SUCCESS;
}
SPDM_DEFINE_DECODE(set_certificate, ot_spdm_set_certificate)

ot_status ot_spdm_encode_set_certificate(const ot_spdm_sizes *sz, ot_writer *w,
                                         const ot_spdm_set_certificate *m) {
  OT_GUARD(spdm_check_slot(m->slot_id, false));
  OT_ENSURE(spdm_is_13(sz) || (m->cert_model == 0 && !m->erase && m->key_pair_id == 0), OT_E_ARG);
  OT_ENSURE(m->cert_model <= 7u, OT_E_ARG);
  uint8_t p1 = (uint8_t)(m->slot_id | (m->cert_model << OT_SPDM_SET_CERT_MODEL_SHIFT) |
                         (m->erase ? OT_SPDM_SET_CERT_ERASE : 0u));
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_SET_CERTIFICATE, p1, m->key_pair_id));
  if (m->erase) return OT_SUCCESS;
  OT_ENSURE(m->chain != NULL && m->chain_len >= 2 && ot_load_u16le(m->chain) == m->chain_len,
            OT_E_ARG);
  return ot_write_bytes(w, m->chain, m->chain_len);
}

/* SET_CERTIFICATE_RSP: header (Param1 SlotID bits 3:0). */
ot_status spdm_read_set_certificate_rsp(const ot_spdm_sizes *sz, ot_reader *r,
                                        ot_spdm_set_certificate_rsp *m) {
  uint8_t p1;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_SET_CERTIFICATE_RSP, &p1, NULL));
  m->slot_id = p1 & OT_SPDM_SLOT_ID_MASK;
  return spdm_check_slot(m->slot_id, false);
}
SPDM_DEFINE_DECODE(set_certificate_rsp, ot_spdm_set_certificate_rsp)

ot_status ot_spdm_encode_set_certificate_rsp(const ot_spdm_sizes *sz, ot_writer *w,
                                             const ot_spdm_set_certificate_rsp *m) {
  OT_GUARD(spdm_check_slot(m->slot_id, false));
  return spdm_hdr_write(sz, w, OT_SPDM_SET_CERTIFICATE_RSP, m->slot_id, 0);
}
