/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IDE TLP wire format: prefix, layout of a protected TLP, nonce, AAD and
 * text order of an aggregation group, PCRC, and the KEY_PROG key mapping.
 *
 * UNVERIFIED (SPEC-FACTS §5.3 ✱): PCIe r6.0 §6.33.4-6 could not be read
 * while this was written. Each choice is marked [U] and explained, with its
 * sources, in opentsm/spec/ide.h; this file and its inline half (the first
 * section of ide_internal.h: prefix bits, layout, P bit, sub-stream of a
 * kind, group pieces, kept inline because every TLP uses them) are the only
 * code applying them.
 */
#include <string.h>

#include "ide_internal.h"
#include "opentsm/cursor.h"

/* ---- IDE TLP Prefix [U] (spec/ide.h; PCIe r6.0 §6.33.4) -------------------- */

void ot_ide_prefix_encode(const ot_ide_prefix *p, uint8_t out[static OT_IDE_PREFIX_SIZE]) {
  ide_prefix_write(p, out); /* the bits: ide_internal.h */
}

ot_status ot_ide_prefix_decode(const uint8_t in[static OT_IDE_PREFIX_SIZE], ot_ide_prefix *out) {
  OT_ENSURE(in != NULL && out != NULL, OT_E_ARG);
  OT_ENSURE(ide_prefix_parse(in, out), OT_E_MALFORMED); /* the checks: ide_internal.h */
  return OT_SUCCESS;
}

/* ---- PCRC [U]: CRC-32 (04C11DB7h), reflected, init and final all ones --------- */

/* Nibble table of the reflected polynomial: small and branch-free. */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

void ide_pcrc(const uint8_t *data, size_t len, uint8_t out[static OT_IDE_PCRC_SIZE]) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < len; i++) {
    crc ^= data[i];
    crc = (crc >> 4) ^ crc_nibble[crc & 0xFu];
    crc = (crc >> 4) ^ crc_nibble[crc & 0xFu];
  }
  ot_store_u32be(out, ~crc);
}

/* ---- one GCM invocation per aggregation group [U] ----------------------------- */

_Static_assert(OT_IDE_NONCE_SIZE == OT_AEAD_NONCE_SIZE, "IDE's 96-bit GCM nonce");
_Static_assert(OT_IDE_MAC_SIZE == OT_AEAD_TAG_IDE, "IDE's 96-bit MAC");

/* Big-endian stores spelled out byte by byte: compilers turn each into one swapped store. */
static void store_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}


void ide_slot_nonce(ot_ide_key_slot *slot) {
  /* nonce = fixed field || invocation field, both big-endian (SPEC-FACTS §4.1). */
  store_be32(slot->nonce, slot->iv_fixed);
  ide_slot_nonce_count(slot);
}

/* ide_group_seal / ide_group_open: inline in ide_internal.h (one call per group). */

/* ---- KEY_PROG key and IFV DWs (SPEC-FACTS §4.1, ✔/✱) --------------------------- */

void ot_ide_key_material_from_km(ot_ide_key_material *out, const uint32_t key_dw[static 8],
                                 const uint32_t ifv_dw[static 2]) {
  /* K[0] is bits 31:24 of Key_DW7, ..., K[31] bits 7:0 of Key_DW0. */
  for (size_t i = 0; i < 8; i++)
    ot_store_u32be(out->key + 4 * i, key_dw[7 - i]);
  out->ifv = ((uint64_t)ifv_dw[1] << 32) | ifv_dw[0];
  out->iv_fixed = OT_IDE_IV_FIXED_PCIE;
}
