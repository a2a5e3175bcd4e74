/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal interfaces of the IDE engine (src/ide only). */
#ifndef OT_IDE_INTERNAL_H
#define OT_IDE_INTERNAL_H

#include "opentsm/ide.h"

/* ---- ide_tlp_format.c: the one place that knows the [U] wire choices ------- */

/* Where the parts of one protected TLP sit (opentsm/spec/ide.h). */
typedef struct ide_layout {
  size_t hdr_off;     /* = OT_IDE_PREFIX_SIZE */
  size_t hdr_len;     /* 12 or 16 */
  size_t payload_off; /* ciphertext payload */
  size_t payload_len;
  size_t pcrc_off; /* valid when pcrc */
  bool pcrc;
  size_t mac_off; /* valid when mac */
  bool mac;
  size_t total;
} ide_layout;

void ide_layout_of(const ot_ide_prefix *p, const ot_tlp_hdr *h, ide_layout *out);

/* The P bit a TLP must carry on a stream: PCRC enabled and the TLP carries data. */
bool ide_pcrc_applies(const ot_ide_stream_cfg *cfg, const ot_tlp_hdr *h);

/* PCRC of a plaintext payload, as the 4 bytes sent (before encryption). */
void ide_pcrc(const uint8_t *data, size_t len, uint8_t out[static OT_IDE_PCRC_SIZE]);

/*
 * One GCM invocation per aggregation group. Call, in this order:
 * ide_group_begin, ide_group_aad once per TLP (its prefix || header bytes),
 * ide_group_text for every payload and PCRC in TLP order, then
 * ide_group_seal or ide_group_open with the 96-bit MAC.
 */
OT_RESULT ide_group_begin(ot_ide_key_slot *slot, ot_aead_dir dir);
OT_RESULT ide_group_aad(ot_ide_key_slot *slot, const uint8_t *prefix_and_hdr, size_t len);
OT_RESULT ide_group_text(ot_ide_key_slot *slot, const uint8_t *in, size_t len, uint8_t *out);
OT_RESULT ide_group_seal(ot_ide_key_slot *slot, uint8_t mac[static OT_IDE_MAC_SIZE]);
OT_RESULT ide_group_open(ot_ide_key_slot *slot, const uint8_t mac[static OT_IDE_MAC_SIZE]);

/* ---- ide_engine.c: streams, key sets, state ---------------------------------- */

ot_ide_stream *ide_stream_find(ot_ide_engine *e, uint8_t stream_id);
const ot_ide_stream *ide_stream_find_const(const ot_ide_engine *e, uint8_t stream_id);
/* Secure per opentsm/ide.h: enabled, not failed, every sub-stream has a usable GO key set. */
bool ide_stream_secure(const ot_ide_stream *s, ot_ide_dir dir);
/* Receive failure: Insecure, reason kept, keys and pending data zeroized. */
void ide_stream_fail(ot_ide_stream *s, ot_ide_error why);
/* Consumes one invocation value: next++, or spent after 2^64 - 1. */
void ide_slot_advance(ot_ide_key_slot *slot);
/* Releases and zeroizes one key set. */
void ide_slot_clear(ot_ide_key_slot *slot);
/* Drops a pending receive group, zeroizing what it held. */
void ide_pending_drop(ot_ide_pending *p);

#endif /* OT_IDE_INTERNAL_H */
