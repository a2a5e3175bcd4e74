/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IDE TLP wire format: prefix, layout of a protected TLP, nonce, AAD and
 * text order of an aggregation group, PCRC, and the KEY_PROG key mapping.
 *
 * UNVERIFIED (SPEC-FACTS §5.3 ✱): PCIe r6.0 §6.33.4-6 could not be read
 * while this was written. Each choice is marked [U] and explained, with its
 * sources, in opentsm/spec/ide.h; this file is the only code applying them.
 */
#include <string.h>

#include "ide_internal.h"
#include "opentsm/cursor.h"

/* ---- IDE TLP Prefix [U] (spec/ide.h; PCIe r6.0 §6.33.4) -------------------- */

void ot_ide_prefix_encode(const ot_ide_prefix *p, uint8_t out[static OT_IDE_PREFIX_SIZE]) {
  out[0] = OT_IDE_PREFIX_BYTE0;
  out[1] = p->pr_sent;
  out[2] = p->stream_id;
  out[3] =
      (uint8_t)((((unsigned)p->sub << OT_IDE_PREFIX_B3_SUB_SHIFT) & OT_IDE_PREFIX_B3_SUB_MASK) |
                (p->p ? OT_IDE_PREFIX_B3_P : 0) | (p->m ? OT_IDE_PREFIX_B3_M : 0) |
                (p->k ? OT_IDE_PREFIX_B3_K : 0) | (p->t ? OT_IDE_PREFIX_B3_T : 0));
}

ot_status ot_ide_prefix_decode(const uint8_t in[static OT_IDE_PREFIX_SIZE], ot_ide_prefix *out) {
  OT_ENSURE(in != NULL && out != NULL, OT_E_ARG);
  OT_ENSURE(in[0] == OT_IDE_PREFIX_BYTE0, OT_E_MALFORMED);
  /*
   * Bit 7 of byte 3 was part of Sub-Stream before the TDISP ECN and is
   * reserved now; a TEE-IO receiver treats it as reserved. We refuse it
   * rather than ignore it: the whole prefix is authenticated anyway.
   */
  OT_ENSURE((in[3] & OT_IDE_PREFIX_B3_RSVD) == 0, OT_E_MALFORMED);
  unsigned sub = (in[3] & OT_IDE_PREFIX_B3_SUB_MASK) >> OT_IDE_PREFIX_B3_SUB_SHIFT;
  /* §6.33.5: 011b..110b reserved; 111b is not an IDE TLP. */
  OT_ENSURE(sub <= OT_IDE_SUB_ID_CPL, OT_E_MALFORMED);
  ot_ide_prefix p = {
      .pr_sent = in[1],
      .stream_id = in[2],
      .sub = (ot_ide_substream)sub,
      .p = (in[3] & OT_IDE_PREFIX_B3_P) != 0,
      .m = (in[3] & OT_IDE_PREFIX_B3_M) != 0,
      .k = (in[3] & OT_IDE_PREFIX_B3_K) != 0,
      .t = (in[3] & OT_IDE_PREFIX_B3_T) != 0,
  };
  *out = p;
  return OT_SUCCESS;
}

/* ---- layout of one protected TLP (spec/ide.h) ------------------------------ */

bool ide_pcrc_applies(const ot_ide_stream_cfg *cfg, const ot_tlp_hdr *h) {
  return cfg->pcrc && ot_tlp_kind_has_data(h->kind); /* [U] PCRC only with a payload */
}

void ide_layout_of(const ot_ide_prefix *p, const ot_tlp_hdr *h, ide_layout *out) {
  ide_layout l = {0};
  l.hdr_off = OT_IDE_PREFIX_SIZE;
  l.hdr_len = ot_tlp_hdr_size(h);
  l.payload_off = l.hdr_off + l.hdr_len;
  l.payload_len = ot_tlp_payload_size(h);
  size_t at = l.payload_off + l.payload_len;
  l.pcrc = p->p;
  l.pcrc_off = at;
  if (l.pcrc) at += OT_IDE_PCRC_SIZE;
  l.mac = p->m;
  l.mac_off = at;
  if (l.mac) at += OT_IDE_MAC_SIZE;
  l.total = at;
  *out = l;
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

ot_status ide_group_begin(ot_ide_key_slot *slot, ot_aead_dir dir) {
  /* nonce = fixed field || invocation field, both big-endian (SPEC-FACTS §4.1). */
  uint8_t nonce[OT_IDE_NONCE_SIZE];
  ot_store_u32be(nonce, slot->iv_fixed);
  ot_store_u64be(nonce + 4, slot->next);
  return ot_aead_begin(&slot->aead, dir, nonce);
}

ot_status ide_group_aad(ot_ide_key_slot *slot, const uint8_t *prefix_and_hdr, size_t len) {
  /* AAD = prefix_i || header_i for each TLP of the group, in order. */
  return ot_aead_aad(&slot->aead, prefix_and_hdr, len);
}

ot_status ide_group_text(ot_ide_key_slot *slot, const uint8_t *in, size_t len, uint8_t *out) {
  /* text = payload_i || PCRC_i for each TLP, in order, after all the AAD. */
  return ot_aead_update(&slot->aead, in, len, out);
}

ot_status ide_group_seal(ot_ide_key_slot *slot, uint8_t mac[static OT_IDE_MAC_SIZE]) {
  return ot_aead_finish_seal(&slot->aead, mac, OT_IDE_MAC_SIZE);
}

ot_status ide_group_open(ot_ide_key_slot *slot, const uint8_t mac[static OT_IDE_MAC_SIZE]) {
  return ot_aead_finish_open(&slot->aead, mac, OT_IDE_MAC_SIZE);
}

/* ---- KEY_PROG key and IFV DWs (SPEC-FACTS §4.1, ✔/✱) --------------------------- */

void ot_ide_key_material_from_km(ot_ide_key_material *out, const uint32_t key_dw[static 8],
                                 const uint32_t ifv_dw[static 2]) {
  /* K[0] is bits 31:24 of Key_DW7, ..., K[31] bits 7:0 of Key_DW0. */
  for (size_t i = 0; i < 8; i++) ot_store_u32be(out->key + 4 * i, key_dw[7 - i]);
  out->ifv = ((uint64_t)ifv_dw[1] << 32) | ifv_dw[0];
  out->iv_fixed = OT_IDE_IV_FIXED_PCIE;
}
