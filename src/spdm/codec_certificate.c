/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_CERTIFICATE / CERTIFICATE and the SPDM certificate chain (DSP0274 1.3
 * "GET_CERTIFICATE request and CERTIFICATE response messages": tables
 * "GET_CERTIFICATE request message format", "Successful CERTIFICATE response
 * message format"; "Certificate chain format"). SPEC-FACTS §2.7. */
#include "codec_internal.h"

/* GET_CERTIFICATE: header (Param1 bits 3:0 SlotID; Param2 1.3 attributes, bit0
 * SlotSizeRequested) | Offset(2) | Length(2). */
ot_status spdm_read_get_certificate(const ot_spdm_sizes *sz, ot_reader *r,
                                    ot_spdm_get_certificate *m) {
  uint8_t p1, p2;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_GET_CERTIFICATE, &p1, &p2));
  m->slot_id = p1 & OT_SPDM_SLOT_ID_MASK;
  OT_GUARD(spdm_check_slot(m->slot_id, false));
  m->attributes = spdm_is_13(sz) ? (uint8_t)(p2 & OT_SPDM_GET_CERT_SLOT_SIZE_REQUESTED) : 0;
  OT_GUARD(ot_read_u16le(r, &m->offset));
  return ot_read_u16le(r, &m->length);
}
SPDM_DEFINE_DECODE(get_certificate, ot_spdm_get_certificate)

ot_status ot_spdm_encode_get_certificate(const ot_spdm_sizes *sz, ot_writer *w,
                                         const ot_spdm_get_certificate *m) {
  OT_GUARD(spdm_check_slot(m->slot_id, false));
  OT_ENSURE((m->attributes & ~(spdm_is_13(sz) ? OT_SPDM_GET_CERT_SLOT_SIZE_REQUESTED : 0u)) == 0,
            OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_GET_CERTIFICATE, m->slot_id, m->attributes));
  OT_GUARD(ot_write_u16le(w, m->offset));
  return ot_write_u16le(w, m->length);
}

/* CERTIFICATE: header (Param1 bits 3:0 SlotID; Param2 1.3 bits 2:0
 * CertificateInfo) | PortionLength(2) | RemainderLength(2) | CertChain[Portion]. */
ot_status spdm_read_certificate(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_certificate *m) {
  uint8_t p1, p2;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_CERTIFICATE, &p1, &p2));
  m->slot_id = p1 & OT_SPDM_SLOT_ID_MASK;
  OT_GUARD(spdm_check_slot(m->slot_id, false));
  m->cert_info = spdm_is_13(sz) ? (uint8_t)(p2 & OT_SPDM_CERT_INFO_MODEL_MASK) : 0;
  OT_GUARD(ot_read_u16le(r, &m->portion_len));
  OT_GUARD(ot_read_u16le(r, &m->remainder_len));
  return ot_read_borrow(r, m->portion_len, &m->portion);
}
SPDM_DEFINE_DECODE(certificate, ot_spdm_certificate)

ot_status ot_spdm_encode_certificate(const ot_spdm_sizes *sz, ot_writer *w,
                                     const ot_spdm_certificate *m) {
  OT_GUARD(spdm_check_slot(m->slot_id, false));
  OT_ENSURE((m->cert_info & ~(spdm_is_13(sz) ? OT_SPDM_CERT_INFO_MODEL_MASK : 0u)) == 0, OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_CERTIFICATE, m->slot_id, m->cert_info));
  OT_GUARD(ot_write_u16le(w, m->portion_len));
  OT_GUARD(ot_write_u16le(w, m->remainder_len));
  return spdm_write_span(w, m->portion, m->portion_len);
}

/* Certificate chain: Length(2, the whole chain) | Reserved(2) | RootHash(H) |
 * Certificates (DER, root or first certificate first, leaf last). */
ot_status ot_spdm_cert_chain_decode(uint16_t hash_len, const uint8_t *chain, size_t len,
                                    ot_spdm_cert_chain *out) {
  ot_reader r;
  ot_spdm_cert_chain c;
  ot_reader_init(&r, chain, len);
  OT_GUARD(ot_read_u16le(&r, &c.length));
  OT_GUARD(ot_read_skip(&r, 2));
  OT_GUARD(ot_read_borrow(&r, hash_len, &c.root_hash));
  OT_ENSURE(c.length == len, OT_E_MALFORMED);
  c.certs_len = ot_reader_remaining(&r);
  OT_ENSURE(c.certs_len > 0, OT_E_MALFORMED);
  OT_GUARD(ot_read_borrow(&r, c.certs_len, &c.certs));
  *out = c;
  return OT_SUCCESS;
}

ot_status ot_spdm_cert_chain_encode(uint16_t hash_len, ot_writer *w, const ot_spdm_cert_chain *c) {
  size_t total = OT_SPDM_CERT_CHAIN_HEADER_SIZE + (size_t)hash_len + c->certs_len;
  OT_ENSURE(c->certs_len > 0, OT_E_ARG);
  OT_ENSURE(total <= OT_SPDM_MAX_CERT_CHAIN_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(ot_write_u16le(w, (uint16_t)total));
  OT_GUARD(ot_write_u16le(w, 0));
  OT_GUARD(spdm_write_opt(w, true, c->root_hash, hash_len));
  return spdm_write_span(w, c->certs, c->certs_len);
}
