/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TDISP inside PCI-SIG vendor-defined SPDM messages: the VDM payload
 * (ProtocolID 1 + TDISP message, PCIe r6.0 §11.3) and the whole
 * VENDOR_DEFINED_REQUEST/RESPONSE around it (DSP0274 1.3 VENDOR_DEFINED_REQUEST;
 * SPEC-FACTS §2.14: StandardID 3, Len 2, VendorID 0x0001).
 */
#include "opentsm/spdm_codec.h"
#include "tdisp_internal.h"

_Static_assert(OT_PCISIG_STANDARD_ID == OT_SPDM_REGISTRY_PCISIG, "PCI-SIG registry ID");

ot_status ot_tdisp_payload_encode(ot_writer *w, const ot_tdisp_msg *m) {
  OT_GUARD(ot_write_u8(w, OT_PCISIG_PROTOCOL_TDISP));
  return ot_tdisp_encode(w, m);
}

ot_status ot_tdisp_payload_open(const uint8_t *payload, size_t len, const uint8_t **msg,
                                size_t *msg_len) {
  OT_ENSURE(len >= 1 && payload, OT_E_TRUNCATED);
  OT_ENSURE(payload[0] == OT_PCISIG_PROTOCOL_TDISP, OT_E_UNSUPPORTED);
  *msg = payload + 1;
  *msg_len = len - 1;
  return OT_SUCCESS;
}

ot_status ot_tdisp_vdm_encode(ot_writer *w, uint8_t spdm_version, bool response,
                              const ot_tdisp_msg *m) {
  /* SPDM header, StandardID, Len, VendorID, then the payload length patched
   * once the TDISP message is written (ot_spdm_encode_vendor_* would need the
   * payload in a second buffer). */
  size_t len_slot;
  OT_GUARD(ot_write_u8(w, spdm_version));
  OT_GUARD(
      ot_write_u8(w, response ? OT_SPDM_VENDOR_DEFINED_RESPONSE : OT_SPDM_VENDOR_DEFINED_REQUEST));
  OT_GUARD(ot_write_zeros(w, 2)); /* Param1, Param2 reserved */
  OT_GUARD(ot_write_u16le(w, OT_PCISIG_STANDARD_ID));
  OT_GUARD(ot_write_u8(w, OT_PCISIG_VENDOR_ID_LEN));
  OT_GUARD(ot_write_u16le(w, OT_PCISIG_VENDOR_ID));
  OT_GUARD(ot_write_reserve(w, 2, &len_slot));
  size_t start = ot_writer_len(w);
  OT_GUARD(ot_tdisp_payload_encode(w, m));
  size_t n = ot_writer_len(w) - start;
  OT_ENSURE(n <= 0xFFFFu, OT_E_TOO_LARGE);
  return ot_write_patch_u16le(w, len_slot, (uint16_t)n);
}

ot_status ot_tdisp_vdm_decode(ot_reader *r, uint8_t spdm_version, bool response, ot_tdisp_msg *m) {
  ot_spdm_sizes sz = {.version = spdm_version};
  ot_spdm_vendor_defined vd;
  OT_GUARD(response ? ot_spdm_decode_vendor_response(&sz, r, &vd)
                    : ot_spdm_decode_vendor_request(&sz, r, &vd));
  OT_ENSURE(vd.standard_id == OT_PCISIG_STANDARD_ID, OT_E_UNSUPPORTED);
  OT_ENSURE(vd.vendor_id_len == OT_PCISIG_VENDOR_ID_LEN, OT_E_UNSUPPORTED);
  OT_ENSURE(ot_load_u16le(vd.vendor_id) == OT_PCISIG_VENDOR_ID, OT_E_UNSUPPORTED);
  const uint8_t *msg;
  size_t msg_len;
  OT_GUARD(ot_tdisp_payload_open(vd.payload, vd.payload_len, &msg, &msg_len));
  ot_reader mr;
  ot_reader_init(&mr, msg, msg_len);
  return ot_tdisp_decode(&mr, m);
}
