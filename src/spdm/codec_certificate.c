/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_CERTIFICATE / CERTIFICATE and the SPDM certificate chain (DSP0274 1.3
 * "GET_CERTIFICATE request and CERTIFICATE response messages": tables
 * "GET_CERTIFICATE request message format", "Successful CERTIFICATE response
 * message format"; "Certificate chain format"). SPEC-FACTS §2.7. */
#include "codec_internal.h"

/* 1.4 LargeCertChain (Param1 bit7 of both messages): the u16 Offset/Length
 * (PortionLength/RemainderLength) are followed by u32 LargeOffset/LargeLength
 * (LargePortionLength/LargeRemainderLength) which then carry the values
 * (DSP0274 1.4 "GET_CERTIFICATE request message format"). Before 1.4 bit7 is
 * reserved. */
static bool large_allowed(const ot_spdm_sizes *sz) { return spdm_ver_ge(sz, OT_SPDM_VERSION_14); }

/* Reads the two lengths in the small or the large form. */
static ot_status read_pair(ot_reader *r, bool large, uint32_t *a, uint32_t *b) {
  uint16_t a16, b16;
  OT_GUARD(ot_read_u16le(r, &a16));
  OT_GUARD(ot_read_u16le(r, &b16));
  if (!large) {
    *a = a16;
    *b = b16;
    return OT_SUCCESS;
  }
  OT_GUARD(ot_read_u32le(r, a));
  return ot_read_u32le(r, b);
}

static ot_status write_pair(ot_writer *w, bool large, uint32_t a, uint32_t b) {
  if (!large) {
    OT_ENSURE(a <= UINT16_MAX && b <= UINT16_MAX, OT_E_ARG);
    OT_GUARD(ot_write_u16le(w, (uint16_t)a));
    return ot_write_u16le(w, (uint16_t)b);
  }
  OT_GUARD(ot_write_u32le(w, 0));
  OT_GUARD(ot_write_u32le(w, a));
  return ot_write_u32le(w, b);
}

/* GET_CERTIFICATE: header (Param1 bits 3:0 SlotID, bit7 LargeCertChain (1.4);
 * Param2 1.3 attributes, bit0 SlotSizeRequested) | Offset(2) | Length(2) |
 * [LargeOffset(4) | LargeLength(4)]. */
ot_status spdm_read_get_certificate(const ot_spdm_sizes *sz, ot_reader *r,
                                    ot_spdm_get_certificate *m) {
  uint8_t p1, p2;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_GET_CERTIFICATE, &p1, &p2));
  m->slot_id = p1 & OT_SPDM_SLOT_ID_MASK;
  OT_GUARD(spdm_check_slot(m->slot_id, false));
  m->large = large_allowed(sz) && (p1 & OT_SPDM_CERT_LARGE_CHAIN);
  m->attributes = spdm_is_13(sz) ? (uint8_t)(p2 & OT_SPDM_GET_CERT_SLOT_SIZE_REQUESTED) : 0;
  return read_pair(r, m->large, &m->offset, &m->length);
}
SPDM_DEFINE_DECODE(get_certificate, ot_spdm_get_certificate)

ot_status ot_spdm_encode_get_certificate(const ot_spdm_sizes *sz, ot_writer *w,
                                         const ot_spdm_get_certificate *m) {
  OT_GUARD(spdm_check_slot(m->slot_id, false));
  OT_ENSURE((m->attributes & ~(spdm_is_13(sz) ? OT_SPDM_GET_CERT_SLOT_SIZE_REQUESTED : 0u)) == 0,
            OT_E_ARG);
  OT_ENSURE(!m->large || large_allowed(sz), OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_GET_CERTIFICATE,
                          (uint8_t)(m->slot_id | (m->large ? OT_SPDM_CERT_LARGE_CHAIN : 0)),
                          m->attributes));
  return write_pair(w, m->large, m->offset, m->length);
}

/* CERTIFICATE: header (Param1 bits 3:0 SlotID, bit7 LargeCertChain (1.4);
 * Param2 1.3 bits 2:0 CertificateInfo) | PortionLength(2) | RemainderLength(2) |
 * [LargePortionLength(4) | LargeRemainderLength(4)] | CertChain[Portion]. */
ot_status spdm_read_certificate(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_certificate *m) {
  uint8_t p1, p2;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_CERTIFICATE, &p1, &p2));
  m->slot_id = p1 & OT_SPDM_SLOT_ID_MASK;
  OT_GUARD(spdm_check_slot(m->slot_id, false));
  m->large = large_allowed(sz) && (p1 & OT_SPDM_CERT_LARGE_CHAIN);
  m->cert_info = spdm_is_13(sz) ? (uint8_t)(p2 & OT_SPDM_CERT_INFO_MODEL_MASK) : 0;
  OT_GUARD(read_pair(r, m->large, &m->portion_len, &m->remainder_len));
  return ot_read_borrow(r, m->portion_len, &m->portion);
}
SPDM_DEFINE_DECODE(certificate, ot_spdm_certificate)

ot_status ot_spdm_encode_certificate(const ot_spdm_sizes *sz, ot_writer *w,
                                     const ot_spdm_certificate *m) {
  OT_GUARD(spdm_check_slot(m->slot_id, false));
  OT_ENSURE((m->cert_info & ~(spdm_is_13(sz) ? OT_SPDM_CERT_INFO_MODEL_MASK : 0u)) == 0, OT_E_ARG);
  OT_ENSURE(!m->large || large_allowed(sz), OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_CERTIFICATE,
                          (uint8_t)(m->slot_id | (m->large ? OT_SPDM_CERT_LARGE_CHAIN : 0)),
                          m->cert_info));
  OT_GUARD(write_pair(w, m->large, m->portion_len, m->remainder_len));
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
