/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM payloads in SPDM VENDOR_DEFINED_REQUEST / RESPONSE messages: see
 * opentsm/ide_km.h. DSP0274 1.3 "VENDOR_DEFINED_REQUEST request and
 * VENDOR_DEFINED_RESPONSE response messages"; SPEC-FACTS §2.14: StandardID
 * 0003h (PCI-SIG), Vendor ID length 2, Vendor ID 0001h, payload led by the
 * Protocol ID (00h IDE_KM, PCIe r6.0 §6.33.3).
 */
#include "opentsm/ide_km.h"
#include "opentsm/spdm_codec.h"

static ot_spdm_sizes sizes_of(uint8_t version) {
  ot_spdm_sizes sz = {0};
  sz.version = version;
  return sz;
}

ot_status ot_ide_km_vdm_encode(ot_writer *w, uint8_t version, bool request, const uint8_t *payload,
                               size_t len) {
  OT_ENSURE(payload != NULL || len == 0, OT_E_ARG);
  OT_ENSURE(len <= UINT16_MAX, OT_E_TOO_LARGE); /* ReqLength / RespLength are 16 bits */
  const uint8_t vendor[OT_IDE_KM_VENDOR_ID_LEN] = {(uint8_t)(OT_IDE_KM_VENDOR_ID_PCISIG & 0xFFu),
                                                   (uint8_t)(OT_IDE_KM_VENDOR_ID_PCISIG >> 8)};
  ot_spdm_vendor_defined m = {.standard_id = OT_SPDM_REGISTRY_PCISIG,
                              .vendor_id_len = OT_IDE_KM_VENDOR_ID_LEN,
                              .vendor_id = vendor,
                              .payload_len = (uint16_t)len,
                              .payload = payload};
  ot_spdm_sizes sz = sizes_of(version);
  return request ? ot_spdm_encode_vendor_request(&sz, w, &m)
                 : ot_spdm_encode_vendor_response(&sz, w, &m);
}

ot_status ot_ide_km_vdm_decode(ot_reader *r, uint8_t version, bool request, const uint8_t **payload,
                               size_t *len) {
  OT_ENSURE(payload != NULL && len != NULL, OT_E_ARG);
  ot_spdm_vendor_defined m;
  ot_spdm_sizes sz = sizes_of(version);
  OT_GUARD(request ? ot_spdm_decode_vendor_request(&sz, r, &m)
                   : ot_spdm_decode_vendor_response(&sz, r, &m));
  OT_ENSURE(m.standard_id == OT_SPDM_REGISTRY_PCISIG, OT_E_UNSUPPORTED);
  OT_ENSURE(m.vendor_id_len == OT_IDE_KM_VENDOR_ID_LEN, OT_E_UNSUPPORTED);
  OT_ENSURE(ot_load_u16le(m.vendor_id) == OT_IDE_KM_VENDOR_ID_PCISIG, OT_E_UNSUPPORTED);
  uint8_t object;
  OT_GUARD(ot_ide_km_object_id(m.payload, m.payload_len, &object)); /* Protocol ID 00h */
  *payload = m.payload;
  *len = m.payload_len;
  return OT_SUCCESS;
}
