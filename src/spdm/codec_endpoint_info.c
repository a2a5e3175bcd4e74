/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_ENDPOINT_INFO / ENDPOINT_INFO and the DeviceClassIdentifier EPInfo
 * (DSP0274 1.3 §10.23 "GET_ENDPOINT_INFO request and ENDPOINT_INFO response
 * messages": tables "GET_ENDPOINT_INFO request message format", "Successful
 * ENDPOINT_INFO response message format", "Device class identifier"). Both
 * messages exist from SPDM 1.3 on: a 1.2 layout is refused (OT_E_VERSION). */
#include "codec_internal.h"

/* SlotID: 0..7, or 0xF for the provisioned public key (Param2 bits 3:0). */
static ot_status check_ep_slot(uint8_t slot) {
  OT_ENSURE(slot < OT_SPDM_MAX_SLOT_COUNT || slot == 0x0fu, OT_E_MALFORMED);
  return OT_SUCCESS;
}

/* GET_ENDPOINT_INFO: header (Param1 SubCode, Param2 bits 3:0 SlotID) |
 * RequestAttributes(1) | Reserved(3) | Nonce(32) when bit 0 (signature
 * requested) is set. */
ot_status spdm_read_get_endpoint_info(const ot_spdm_sizes *sz, ot_reader *r,
                                      ot_spdm_get_endpoint_info *m) {
  uint8_t p1, p2;
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_GET_ENDPOINT_INFO, &p1, &p2));
  m->subcode = p1;
  OT_GUARD(ot_read_u8(r, &m->attributes));
  m->attributes &= OT_SPDM_EP_INFO_ATTR_SIGNATURE; /* other bits reserved */
  OT_GUARD(ot_read_skip(r, 3));
  /* SlotID is meaningful only for a signed answer (§10.23 Param2). */
  m->slot_id = (m->attributes & OT_SPDM_EP_INFO_ATTR_SIGNATURE) ? (uint8_t)(p2 & 0x0fu) : 0;
  OT_GUARD(check_ep_slot(m->slot_id));
  if (m->attributes & OT_SPDM_EP_INFO_ATTR_SIGNATURE)
    return ot_read_bytes(r, m->nonce, OT_SPDM_NONCE_SIZE);
  return OT_SUCCESS;
}
SPDM_DEFINE_DECODE(get_endpoint_info, ot_spdm_get_endpoint_info)

ot_status ot_spdm_encode_get_endpoint_info(const ot_spdm_sizes *sz, ot_writer *w,
                                           const ot_spdm_get_endpoint_info *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_ENSURE((m->attributes & ~OT_SPDM_EP_INFO_ATTR_SIGNATURE) == 0, OT_E_ARG);
  bool sig = (m->attributes & OT_SPDM_EP_INFO_ATTR_SIGNATURE) != 0;
  OT_ENSURE(sig || m->slot_id == 0, OT_E_ARG);
  OT_GUARD(check_ep_slot(m->slot_id));
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_GET_ENDPOINT_INFO, m->subcode, m->slot_id));
  OT_GUARD(ot_write_u8(w, m->attributes));
  OT_GUARD(ot_write_zeros(w, 3));
  return sig ? ot_write_bytes(w, m->nonce, OT_SPDM_NONCE_SIZE) : OT_SUCCESS;
}

/* ENDPOINT_INFO: header (Param2 bits 3:0 SlotID) | Reserved(4) | Nonce(32,
 * signed only) | EPInfoLen(4) | EPInfo | Signature(S, signed only). */
ot_status spdm_read_endpoint_info(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_endpoint_info *m) {
  uint8_t p2;
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_ENDPOINT_INFO, NULL, &p2));
  m->slot_id = p2 & 0x0fu;
  OT_GUARD(check_ep_slot(m->slot_id));
  OT_GUARD(ot_read_skip(r, 4));
  if (sz->ep_info_signature) OT_GUARD(ot_read_bytes(r, m->nonce, OT_SPDM_NONCE_SIZE));
  OT_GUARD(ot_read_u32le(r, &m->ep_info_len));
  OT_ENSURE(m->ep_info_len <= OT_SPDM_EP_INFO_MAX, OT_E_TOO_LARGE);
  OT_GUARD(ot_read_borrow(r, m->ep_info_len, &m->ep_info));
  return spdm_read_opt(r, sz->ep_info_signature, sz->sig_len, &m->signature);
}
SPDM_DEFINE_DECODE(endpoint_info, ot_spdm_endpoint_info)

ot_status ot_spdm_encode_endpoint_info(const ot_spdm_sizes *sz, ot_writer *w,
                                       const ot_spdm_endpoint_info *m) {
  OT_ENSURE(spdm_is_13(sz), OT_E_VERSION);
  OT_GUARD(check_ep_slot(m->slot_id));
  OT_ENSURE(m->ep_info_len <= OT_SPDM_EP_INFO_MAX, OT_E_TOO_LARGE);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_ENDPOINT_INFO, 0, m->slot_id));
  OT_GUARD(ot_write_zeros(w, 4));
  if (sz->ep_info_signature) OT_GUARD(ot_write_bytes(w, m->nonce, OT_SPDM_NONCE_SIZE));
  OT_GUARD(ot_write_u32le(w, m->ep_info_len));
  OT_GUARD(spdm_write_span(w, m->ep_info, m->ep_info_len));
  return spdm_write_opt(w, sz->ep_info_signature, m->signature, sz->sig_len);
}

/* One identifier element; IdElemLength covers exactly the bytes after it. */
static ot_status read_ep_element(ot_reader *r) {
  uint8_t elem_len, svh_id, vid_len, subs;
  const uint8_t *elem;
  OT_GUARD(ot_read_u8(r, &elem_len));
  OT_GUARD(ot_read_borrow(r, elem_len, &elem));
  ot_reader e;
  ot_reader_init(&e, elem, elem_len);
  OT_GUARD(ot_read_u8(&e, &svh_id));
  OT_GUARD(ot_read_u8(&e, &vid_len));
  OT_GUARD(ot_read_skip(&e, vid_len));
  OT_GUARD(ot_read_u8(&e, &subs));
  for (unsigned i = 0; i < subs; i++) { /* bounded by NumSubIds (<= 255) */
    uint8_t n;
    OT_GUARD(ot_read_u8(&e, &n));
    OT_GUARD(ot_read_skip(&e, n));
  }
  (void)svh_id; /* any registry (DSP0274 "Standards body ID") */
  OT_ENSURE(ot_reader_remaining(&e) == 0, OT_E_MALFORMED);
  return ot_reader_status(&e);
}

ot_status ot_spdm_ep_info_check(const uint8_t *ep, size_t len, uint8_t *count) {
  OT_ENSURE(ep != NULL || len == 0, OT_E_ARG);
  ot_reader r;
  uint8_t n;
  ot_reader_init(&r, ep, len);
  OT_GUARD(ot_read_u8(&r, &n));
  OT_GUARD(ot_read_skip(&r, 3));
  for (unsigned i = 0; i < n; i++)
    OT_GUARD(read_ep_element(&r)); /* <= 255 */
  OT_ENSURE(ot_reader_remaining(&r) == 0, OT_E_MALFORMED);
  if (count) *count = n;
  return OT_SUCCESS;
}
