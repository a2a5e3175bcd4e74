/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capability list walks through a config space accessor: see opentsm/pcie.h.
 * PCIe r6.0 §7.5.1.1.11 (PCI capability list), §7.6.3 (extended capability
 * list). Both walks are bounded, so a looped or corrupt list from a real or
 * hostile device ends in OT_E_MALFORMED instead of a hang.
 */
#include "opentsm/pcie.h"

/* Reads the byte at `off` through a DW accessor. */
static ot_status read8(ot_cfg_access *a, uint16_t off, uint8_t *out) {
  uint32_t dw;
  OT_GUARD(ot_cfg_read32(a, (uint16_t)(off & ~3u), &dw));
  *out = (uint8_t)(dw >> (8u * (off & 3u)));
  return OT_SUCCESS;
}

/* A PCI capability pointer must land in the device-specific area 0x40..0xFF. */
static bool cap_ptr_ok(uint8_t ptr) { return ptr >= OT_PCI_CAP_MIN_OFFSET; }

ot_status ot_pcie_find_cap(ot_cfg_access *a, uint8_t id, uint16_t from, uint16_t *off) {
  uint8_t ptr;
  if (from == 0) {
    uint32_t cmd_status;
    OT_GUARD(ot_cfg_read32(a, OT_PCI_COMMAND, &cmd_status));
    uint16_t status = (uint16_t)(cmd_status >> 16);
    OT_ENSURE(status & OT_PCI_STATUS_CAP_LIST, OT_E_NOT_FOUND);
    OT_GUARD(read8(a, OT_PCI_CAP_PTR, &ptr));
  } else {
    OT_ENSURE(from >= OT_PCI_CAP_MIN_OFFSET && from < OT_PCI_CFG_SIZE, OT_E_ARG);
    OT_GUARD(read8(a, (uint16_t)(from + 1u), &ptr));
  }

  for (unsigned ttl = OT_PCI_CAP_MAX_WALK; ttl > 0; ttl--) {
    ptr &= OT_PCI_CAP_PTR_MASK; /* bits 1:0 are reserved (§7.5.1.1.11) */
    if (ptr == 0) return ot_status_of(OT_E_NOT_FOUND);
    OT_ENSURE(cap_ptr_ok(ptr), OT_E_MALFORMED);
    uint32_t hdr;
    OT_GUARD(ot_cfg_read32(a, ptr, &hdr));
    if (OT_FIELD_GET(OT_PCI_CAP_HDR_ID, hdr) == id) {
      *off = ptr;
      return OT_SUCCESS;
    }
    ptr = (uint8_t)OT_FIELD_GET(OT_PCI_CAP_HDR_NEXT, hdr);
  }
  return ot_status_of(OT_E_MALFORMED); /* more entries than fit: a loop */
}

ot_status ot_pcie_find_ext_cap(ot_cfg_access *a, uint16_t id, uint16_t from, uint16_t *off,
                               uint8_t *version) {
  uint16_t pos;
  uint32_t hdr;
  if (from == 0) {
    pos = OT_PCI_EXT_CAP_START;
    OT_GUARD(ot_cfg_read32(a, pos, &hdr));
    /* §7.6.3: a zero header means none; all ones is a function without extended space. */
    OT_ENSURE(hdr != 0 && hdr != UINT32_MAX, OT_E_NOT_FOUND);
  } else {
    OT_ENSURE(from >= OT_PCI_EXT_CAP_START && ot_cfg_dw_offset_ok(from), OT_E_ARG);
    OT_GUARD(ot_cfg_read32(a, from, &hdr));
    pos = (uint16_t)(OT_FIELD_GET(OT_PCI_EXT_CAP_NEXT, hdr) & OT_PCI_EXT_CAP_NEXT_ALIGN);
    if (pos == 0) return ot_status_of(OT_E_NOT_FOUND);
    OT_ENSURE(pos >= OT_PCI_EXT_CAP_START, OT_E_MALFORMED);
    OT_GUARD(ot_cfg_read32(a, pos, &hdr));
  }

  for (unsigned ttl = OT_PCI_EXT_CAP_MAX_WALK; ttl > 0; ttl--) {
    if (OT_FIELD_GET(OT_PCI_EXT_CAP_ID, hdr) == id) {
      *off = pos;
      if (version) *version = (uint8_t)OT_FIELD_GET(OT_PCI_EXT_CAP_VER, hdr);
      return OT_SUCCESS;
    }
    /* §7.6.3: software must mask the two reserved low bits of the next offset. */
    pos = (uint16_t)(OT_FIELD_GET(OT_PCI_EXT_CAP_NEXT, hdr) & OT_PCI_EXT_CAP_NEXT_ALIGN);
    if (pos == 0) return ot_status_of(OT_E_NOT_FOUND);
    OT_ENSURE(pos >= OT_PCI_EXT_CAP_START, OT_E_MALFORMED);
    OT_GUARD(ot_cfg_read32(a, pos, &hdr));
  }
  return ot_status_of(OT_E_MALFORMED); /* more entries than fit: a loop */
}
