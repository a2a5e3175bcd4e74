/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal interfaces of the IDE engine (src/ide only). */
#ifndef OT_IDE_INTERNAL_H
#define OT_IDE_INTERNAL_H

#include <string.h>

#include "opentsm/ide.h"

/* The per-held-TLP bit masks of ot_ide_pending hold one bit per group member. */
_Static_assert(OT_IDE_MAX_AGGREGATION <= 8, "ot_ide_pending.pcrc/.tee are 8-bit masks");

/* ---- ide_tlp_format.c: the one place that knows the [U] wire choices ------- */

/*
 * One protected TLP (opentsm/spec/ide.h): prefix, clear header, ciphertext
 * payload, PCRC when P=1, MAC when M=1. Offsets follow from the sizes
 * (the ide_*_off helpers below).
 */
typedef struct ide_layout {
  uint16_t hdr_len;     /* 12 or 16 */
  uint16_t payload_len; /* 0..4096 */
  uint16_t total;       /* wire size */
  bool pcrc;            /* P */
  bool mac;             /* M */
} ide_layout;
_Static_assert(OT_IDE_PREFIX_SIZE + OT_TLP_HDR_4DW + OT_TLP_MAX_PAYLOAD + OT_IDE_PCRC_SIZE +
                       OT_IDE_MAC_SIZE <=
                   UINT16_MAX,
               "ide_layout sizes fit 16 bits");

/*
 * The layout of a TLP whose header is hdr_len bytes with payload_len bytes of
 * data, carrying a PCRC when pcrc (P=1) and the MAC when mac (M=1). The
 * sizes come from a validated header (at most 16 and 4096).
 */
static inline void ide_layout_make(size_t hdr_len, size_t payload_len, bool pcrc, bool mac,
                                   ide_layout *l) {
  l->hdr_len = (uint16_t)hdr_len;
  l->payload_len = (uint16_t)payload_len;
  l->pcrc = pcrc;
  l->mac = mac;
  l->total = (uint16_t)(OT_IDE_PREFIX_SIZE + hdr_len + payload_len + (pcrc ? OT_IDE_PCRC_SIZE : 0) +
                        (mac ? OT_IDE_MAC_SIZE : 0));
}

/* The header follows the prefix; the payload the header; then PCRC, then MAC. */
static inline size_t ide_hdr_off(void) { return OT_IDE_PREFIX_SIZE; }
static inline size_t ide_payload_off(const ide_layout *l) {
  return OT_IDE_PREFIX_SIZE + l->hdr_len;
}
static inline size_t ide_pcrc_off(const ide_layout *l) {
  return ide_payload_off(l) + l->payload_len;
}
static inline size_t ide_mac_off(const ide_layout *l) {
  return ide_pcrc_off(l) + (l->pcrc ? OT_IDE_PCRC_SIZE : 0);
}

/* Copies a validated TLP header (12 or 16 bytes) with copies of fixed size, which inline. */
static inline void ide_copy_hdr(uint8_t *dst, const uint8_t *src, size_t hdr_len) {
  if (hdr_len == OT_TLP_HDR_3DW)
    memcpy(dst, src, OT_TLP_HDR_3DW);
  else if (hdr_len == OT_TLP_HDR_4DW)
    memcpy(dst, src, OT_TLP_HDR_4DW);
  else
    memcpy(dst, src, hdr_len);
}

/*
 * Per-TLP helpers are forced inline where a call with constant arguments
 * (one TLP, no aggregation) should become straight-line code.
 */
#define IDE_HOT_INLINE inline __attribute__((always_inline))
/*
 * Marks the functions a refused TLP goes through (failing the stream,
 * reporting why): the compiler then takes every branch to them as unlikely
 * and lays the per-TLP path out as one straight run of code, the refusals
 * out of line, instead of jumping around them.
 */
#define IDE_COLD __attribute__((cold, noinline))
/* OT_ENSURE for the per-TLP checks: the refusal is the unlikely way (laid out of line). */
#define IDE_ENSURE(cond, code_)                                                                    \
  do {                                                                                             \
    if (__builtin_expect(!(cond), 0)) return ot_status_of(code_);                                  \
  } while (0)

/*
 * Makes p's value opaque to the optimiser. The data path derives the stream
 * (and its sub-stream and key slot) from small indices into large arrays;
 * without this, gcc recomputes each pointer from its index (a multiply and
 * adds) at every use past a call instead of keeping the pointer, which cost
 * the receive side about a dozen multiplies per TLP.
 */
#define IDE_OPAQUE(p) __asm__("" : "+r"(p))

/* Kinds whose header is followed by a payload (as ot_tlp_kind_has_data, inline): a bit test. */
#define IDE_KINDS_WITH_DATA ((1u << OT_TLP_MWR) | (1u << OT_TLP_CPLD) | (1u << OT_TLP_MSGD))
_Static_assert(OT_TLP_MSGD < 16, "TLP kinds index 16-entry bit sets");
static inline bool ide_kind_has_data(ot_tlp_kind kind) {
  return (IDE_KINDS_WITH_DATA >> ((unsigned)kind & 15u)) & 1u;
}

/* The P bit a TLP must carry on a stream: PCRC enabled and the TLP carries data [U]. */
static inline bool ide_pcrc_applies(const ot_ide_stream_cfg *cfg, const ot_tlp_hdr *h) {
  return cfg->pcrc && ide_kind_has_data(h->kind);
}

/*
 * The sub-stream of a TLP kind (§6.33.5): MRd non-posted, Cpl/CplD
 * completions, else posted (MWr, Msg, MsgD). Two bits per kind in one
 * constant, looked up without a branch.
 */
#define IDE_SUB_OF_KIND                                                                            \
  (((uint32_t)OT_IDE_SUB_NPR << (2 * OT_TLP_MRD)) |                                                \
   ((uint32_t)OT_IDE_SUB_CPL << (2 * OT_TLP_CPL)) |                                                \
   ((uint32_t)OT_IDE_SUB_CPL << (2 * OT_TLP_CPLD)))
_Static_assert(OT_IDE_SUB_PR == 0 && OT_IDE_SUB_CPL <= 3, "sub-stream IDs fit two bits, PR zero");
static inline ot_ide_substream ide_sub_of(ot_tlp_kind kind) {
  return (ot_ide_substream)((IDE_SUB_OF_KIND >> (2u * ((unsigned)kind & 15u))) & 3u);
}

/*
 * The receive side checks a lone TLP's prefix byte 3, its header's TC and
 * TD in one masked compare of B3 | TC << 8 | TD << 11 (ot_ide_stream's
 * rx_mask and rx_want, set by ide_stream_derive).
 */
#define IDE_RX_KEY_TC_SHIFT 8u
#define IDE_RX_KEY_TC_MASK (7u << IDE_RX_KEY_TC_SHIFT)
#define IDE_RX_KEY_TD (1u << 11)
static inline unsigned ide_rx_key(uint8_t b3, const ot_tlp_hdr *h) {
  /* tc is 0..7 by the decoder (a 3-bit field), so it stays in its three bits. */
  return b3 | ((unsigned)h->tc << IDE_RX_KEY_TC_SHIFT) | (h->td ? IDE_RX_KEY_TD : 0);
}

/* Prefix bytes of p (as ot_ide_prefix_encode, inline: every transmitted TLP has one). */
static inline void ide_prefix_write(const ot_ide_prefix *p,
                                    uint8_t out[static OT_IDE_PREFIX_SIZE]) {
  out[0] = OT_IDE_PREFIX_BYTE0;
  out[1] = p->pr_sent;
  out[2] = p->stream_id;
  out[3] =
      (uint8_t)((((unsigned)p->sub << OT_IDE_PREFIX_B3_SUB_SHIFT) & OT_IDE_PREFIX_B3_SUB_MASK) |
                (p->p ? OT_IDE_PREFIX_B3_P : 0) | (p->m ? OT_IDE_PREFIX_B3_M : 0) |
                (p->k ? OT_IDE_PREFIX_B3_K : 0) | (p->t ? OT_IDE_PREFIX_B3_T : 0));
}

/* PCRC of a plaintext payload, as the 4 bytes sent (before encryption). */
void ide_pcrc(const uint8_t *data, size_t len, uint8_t out[static OT_IDE_PCRC_SIZE]);

/*
 * Decodes an IDE TLP Prefix (as ot_ide_prefix_decode, without the NULL
 * checks): false for a prefix that is not IDE's or is malformed, with *out
 * unchanged. Inline because every received TLP starts with one.
 */
static inline bool ide_prefix_parse(const uint8_t in[static OT_IDE_PREFIX_SIZE],
                                    ot_ide_prefix *out) {
  uint8_t b3 = in[3];
  unsigned sub = (b3 & OT_IDE_PREFIX_B3_SUB_MASK) >> OT_IDE_PREFIX_B3_SUB_SHIFT;
  /*
   * Bit 7 of byte 3 is reserved since the TDISP ECN (refused rather than
   * ignored: the whole prefix is authenticated anyway). §6.33.5: Sub-Stream
   * 011b..110b reserved; 111b is not an IDE TLP.
   */
  if (in[0] != OT_IDE_PREFIX_BYTE0 || (b3 & OT_IDE_PREFIX_B3_RSVD) != 0 || sub > OT_IDE_SUB_ID_CPL)
    return false;
  out->pr_sent = in[1];
  out->stream_id = in[2];
  out->sub = (ot_ide_substream)sub;
  out->p = (b3 & OT_IDE_PREFIX_B3_P) != 0;
  out->m = (b3 & OT_IDE_PREFIX_B3_M) != 0;
  out->k = (b3 & OT_IDE_PREFIX_B3_K) != 0;
  out->t = (b3 & OT_IDE_PREFIX_B3_T) != 0;
  return true;
}

/* (Re)computes slot->nonce from slot->iv_fixed and slot->next. */
void ide_slot_nonce(ot_ide_key_slot *slot);
/*
 * Only its invocation field, from slot->next, big-endian (SPEC-FACTS §4.1;
 * the fixed field never changes). Inline: once per MAC.
 */
static inline void ide_slot_nonce_count(ot_ide_key_slot *slot) {
  /* Spelled out byte by byte: compilers turn this into one swapped store (a loop they do not). */
  uint8_t *p = slot->nonce + 4;
  uint64_t v = slot->next;
  p[0] = (uint8_t)(v >> 56);
  p[1] = (uint8_t)(v >> 48);
  p[2] = (uint8_t)(v >> 40);
  p[3] = (uint8_t)(v >> 32);
  p[4] = (uint8_t)(v >> 24);
  p[5] = (uint8_t)(v >> 16);
  p[6] = (uint8_t)(v >> 8);
  p[7] = (uint8_t)v;
}

/*
 * The pieces of one aggregation group for its one GCM invocation [U]:
 * AAD = prefix_i || header_i of each TLP in order, text = payload_i then
 * PCRC_i (when P_i) of each TLP in order. Filled by the caller, then sealed
 * or opened in one call with the key set's current nonce.
 */
typedef struct ide_group {
  ot_aead_aad_part aad[OT_IDE_MAX_AGGREGATION];
  ot_aead_text_part text[2 * OT_IDE_MAX_AGGREGATION];
  size_t n_aad;
  size_t n_text;
} ide_group;

static inline void ide_group_add_aad(ide_group *g, const uint8_t *prefix_and_hdr, size_t len) {
  g->aad[g->n_aad++] = (ot_aead_aad_part){prefix_and_hdr, len};
}

static inline void ide_group_add_text(ide_group *g, const uint8_t *in, size_t len, uint8_t *out) {
  g->text[g->n_text++] = (ot_aead_text_part){in, out, len};
}

/* Seals g under slot's nonce, writing the 96-bit MAC. */
static inline OT_RESULT ide_group_seal(ot_ide_key_slot *slot, const ide_group *g,
                                       uint8_t mac[static OT_IDE_MAC_SIZE]) {
  return ot_aead_seal_gather(&slot->aead, slot->nonce, g->aad, g->n_aad, g->text, g->n_text, mac,
                             OT_IDE_MAC_SIZE);
}
/*
 * Opens g under slot's nonce: OT_E_DECRYPT unless mac authenticates it, and
 * then every text output is zeroed (no unauthenticated plaintext).
 */
static inline OT_RESULT ide_group_open(ot_ide_key_slot *slot, const ide_group *g,
                                       const uint8_t mac[static OT_IDE_MAC_SIZE]) {
  return ot_aead_open_gather(&slot->aead, slot->nonce, g->aad, g->n_aad, g->text, g->n_text, mac,
                             OT_IDE_MAC_SIZE);
}

/* ---- ide_engine.c: streams, key sets, state ---------------------------------- */

/* The stream with that ID, or NULL. Inline: every TLP looks its stream up. */
static inline ot_ide_stream *ide_stream_find(ot_ide_engine *e, uint8_t stream_id) {
  uint8_t i = e->index[stream_id];
  if (!i) return NULL;
  ot_ide_stream *s = &e->streams[i - 1];
  IDE_OPAQUE(s);
  if (!s) __builtin_unreachable(); /* an array element: tells the optimiser what the asm hid */
  return s;
}

static inline const ot_ide_stream *ide_stream_find_const(const ot_ide_engine *e,
                                                         uint8_t stream_id) {
  uint8_t i = e->index[stream_id];
  return i ? &e->streams[i - 1] : NULL;
}

/*
 * Secure per opentsm/ide.h: enabled, not failed, and every sub-stream has a
 * usable GO key set (transmit: the one in use; receive: either). Inline:
 * every TLP checks it.
 */
static inline bool ide_stream_secure(const ot_ide_stream *s, ot_ide_dir dir) {
  if (!s->in_use || !s->enabled || s->failed) return false;
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS; i++) {
    const ot_ide_sub_state *ss = &s->sub[i];
    bool usable = dir == OT_IDE_DIR_TX ? ss->slot[ss->active].go : ss->slot[0].go || ss->slot[1].go;
    if (!usable) return false;
  }
  return true;
}
/*
 * Recomputes what the data path reads instead of deriving it per TLP:
 * s->tx_prefix from the configuration and each sub-stream's key set in use,
 * s->rx_mask / s->rx_want from the configuration (ide_engine.c). Called by
 * ide_stream_refresh and wherever the key sets are dropped.
 */
void ide_stream_derive(ot_ide_stream *s);
/*
 * Recomputes s->secure (ide_stream_secure) and the derived state
 * (ide_stream_derive) after a change of the stream's enable, failure or key
 * state. The data path reads only the cached values, so every such change
 * in ide_engine.c ends with this call.
 */
static inline void ide_stream_refresh(const ot_ide_engine *e, ot_ide_stream *s) {
  s->secure = ide_stream_secure(s, e->dir);
  ide_stream_derive(s);
}
/* Receive failure: Insecure, reason kept, keys and pending data zeroized. */
IDE_COLD void ide_stream_fail(ot_ide_stream *s, ot_ide_error why);
/* Consumes one invocation value: next++ (and the nonce), or spent after 2^64 - 1. */
static inline void ide_slot_advance(ot_ide_key_slot *slot) {
  if (slot->next == UINT64_MAX) {
    slot->spent = true; /* the last invocation value is used: re-key required */
    return;
  }
  slot->next++;
  ide_slot_nonce_count(slot);
}
/*
 * PR_Sent_Counter bookkeeping [U] once n TLPs of sub-stream sub were sent
 * or delivered: posted requests count towards the next NPR and CPL TLP; a
 * TLP of those sub-streams carried the count, which starts over.
 */
static inline void ide_pr_since_commit(ot_ide_stream *s, ot_ide_substream sub, size_t n) {
  if (sub == OT_IDE_SUB_PR) {
    s->pr_since[OT_IDE_SUB_NPR] = (uint8_t)(s->pr_since[OT_IDE_SUB_NPR] + n);
    s->pr_since[OT_IDE_SUB_CPL] = (uint8_t)(s->pr_since[OT_IDE_SUB_CPL] + n);
  } else {
    s->pr_since[sub] = 0;
  }
}
/* Releases and zeroizes one key set. */
void ide_slot_clear(ot_ide_key_slot *slot);
/* Drops a pending receive group, zeroizing what it held. */
void ide_pending_drop(ot_ide_pending *p);

#endif /* OT_IDE_INTERNAL_H */
