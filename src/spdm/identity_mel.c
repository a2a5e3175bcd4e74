/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a device reports beyond its measurement blocks (SPDM 1.3): the
 * measurement extension log (DSP0274 1.3 "DMTF measurement extension log
 * format") and the DeviceClassIdentifier endpoint information (§10.23).
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/spdm_codec.h"
#include "opentsm/spdm_identity.h"

/* One entry per measurement block, in index order: the content the block's
 * digest was taken over (what a verifier replays to check the digest), as a
 * raw DMTF value of the block's type. */
OT_RESULT ot_spdm_identity_mel(const ot_spdm_identity *id, uint8_t *out, size_t cap,
                               size_t *out_len) {
  OT_ENSURE(id && out && out_len, OT_E_ARG);
  ot_writer w;
  ot_writer_init(&w, out, cap);
  size_t body = 0;
  for (size_t i = 0; i < id->meas_count; i++)
    body += OT_SPDM_MEL_ENTRY_FIXED + id->meas[i].len;
  OT_GUARD(ot_write_u32le(&w, (uint32_t)id->meas_count)); /* NumberOfEntries */
  OT_GUARD(ot_write_u32le(&w, (uint32_t)body));           /* MELEntriesLen */
  OT_GUARD(ot_write_zeros(&w, 8));
  for (size_t i = 0; i < id->meas_count; i++) {
    const ot_spdm_id_meas *m = &id->meas[i];
    OT_GUARD(ot_write_u32le(&w, (uint32_t)(i + 1))); /* MELIndex */
    OT_GUARD(ot_write_u8(&w, m->index));             /* MeasIndex */
    OT_GUARD(ot_write_zeros(&w, 3));
    OT_GUARD(ot_write_u8(&w, (uint8_t)(OT_SPDM_DMTF_MEAS_RAW_BIT_STREAM | m->value_type)));
    OT_GUARD(ot_write_u16le(&w, m->len));
    OT_GUARD(ot_write_bytes(&w, m->content, m->len));
  }
  OT_GUARD(ot_writer_status(&w));
  *out_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

/* NumIdentifiers 1 | Reserved(3) | IdElemLength | SVH PCI-SIG (ID 3,
 * VendorIDLen 2, Vendor ID LE) | NumSubIds 2 | SubIdLen 2 | Device ID LE |
 * SubIdLen 2 | Subsystem ID LE: 16 bytes. The size matters on PCI DOE: an
 * ENDPOINT_INFO that is not whole DWs arrives padded, and libspdm's
 * requester refuses any ENDPOINT_INFO whose size is not exactly its fields'
 * (docs/interop.md); 16 keeps the response DW-aligned. */
OT_RESULT ot_spdm_ep_info_pci(uint16_t vendor, uint16_t device, uint16_t subsystem, uint8_t *out,
                              size_t cap, size_t *out_len) {
  OT_ENSURE(out && out_len, OT_E_ARG);
  ot_writer w;
  ot_writer_init(&w, out, cap);
  OT_GUARD(ot_write_u8(&w, 1));
  OT_GUARD(ot_write_zeros(&w, 3));
  OT_GUARD(ot_write_u8(&w, 2 + 2 + 1 + 3 + 3)); /* bytes after IdElemLength */
  OT_GUARD(ot_write_u8(&w, OT_SPDM_REGISTRY_PCISIG));
  OT_GUARD(ot_write_u8(&w, 2));
  OT_GUARD(ot_write_u16le(&w, vendor));
  OT_GUARD(ot_write_u8(&w, 2));
  OT_GUARD(ot_write_u8(&w, 2));
  OT_GUARD(ot_write_u16le(&w, device));
  OT_GUARD(ot_write_u8(&w, 2));
  OT_GUARD(ot_write_u16le(&w, subsystem));
  OT_GUARD(ot_writer_status(&w));
  *out_len = ot_writer_len(&w);
  return OT_SUCCESS;
}
