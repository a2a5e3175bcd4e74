/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Streams, key sets and stream state of an IDE engine, shared by the
 * transmit and receive contexts (PCIe r6.0 §6.33.1 stream states, §6.33.3
 * IDE_KM key sets). See opentsm/ide.h.
 */
#include <string.h>

#include "ide_internal.h"
#include "opentsm/secure.h"

const char *ot_ide_error_name(ot_ide_error e) {
  switch (e) {
  case OT_IDE_ERR_NONE: return "none";
  case OT_IDE_ERR_MAC: return "mac";
  case OT_IDE_ERR_PR_SENT: return "pr_sent";
  case OT_IDE_ERR_UNKNOWN_STREAM: return "unknown_stream";
  case OT_IDE_ERR_NOT_SECURE: return "not_secure";
  case OT_IDE_ERR_KEY_SET: return "key_set";
  case OT_IDE_ERR_T_BIT: return "t_bit";
  case OT_IDE_ERR_MALFORMED: return "malformed";
  case OT_IDE_ERR_LINK_TC: return "link_tc";
  case OT_IDE_ERR_PCRC: return "pcrc";
  case OT_IDE_ERR_AGGREGATION: return "aggregation";
  case OT_IDE_ERR_COUNTER: return "counter";
  case OT_IDE_ERR_NOT_IDE: return "not_ide";
  default: return "?";
  }
}

ot_ide_substream ot_ide_substream_of(ot_tlp_kind kind) { return ide_sub_of(kind); }

static void engine_init(ot_ide_engine *e, ot_ide_dir dir) {
  memset(e, 0, sizeof *e);
  e->dir = dir;
}

void ot_ide_tx_init(ot_ide_tx *tx) {
  if (tx) engine_init(&tx->engine, OT_IDE_DIR_TX);
}

void ot_ide_rx_init(ot_ide_rx *rx) {
  if (rx) engine_init(&rx->engine, OT_IDE_DIR_RX);
}

void ide_slot_clear(ot_ide_key_slot *slot) {
  if (slot->installed) ot_secret_unmark(&slot->aead, sizeof slot->aead);
  ot_aead_key_clear(&slot->aead); /* frees the cipher context; the library clears the schedule */
  ot_zeroize(slot, sizeof *slot);
}

void ide_pending_drop(ot_ide_pending *p) {
  if (p->buf && p->used) ot_zeroize(p->buf, p->used);
  /* The per-TLP arrays are read only below count: resetting count empties them. */
  p->count = 0;
  p->key_set = 0;
  p->used = 0;
  p->pcrc = 0;
  p->tee = 0;
}

void ide_stream_derive(ot_ide_stream *s) {
  const ot_ide_stream_cfg *cfg = &s->cfg;
  /* Transmit: each sub-stream's prefix with PR_Sent, P, M and T still zero (ide_tx.c adds them). */
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS; i++) {
    ot_ide_prefix px = {
        .stream_id = cfg->stream_id,
        .sub = (ot_ide_substream)i,
        .k = s->sub[i].active != 0, /* the K bit of the key set in use */
    };
    ide_prefix_write(&px, s->tx_prefix[i]);
  }
  /*
   * Receive, a lone TLP (M=1): what its checks fix of TC << 8 | TD << 11 |
   * prefix byte 3, per TLP kind (ide_rx.c): byte 3's reserved bit zero,
   * Sub-Stream the kind's (§6.33.5), P exactly when PCRC applies [U], M
   * set, T zero unless the stream may carry TEE traffic (SPEC-FACTS §6),
   * TD zero (no ECRC inside IDE TLPs), and on a Link IDE Stream the
   * stream's Traffic Class (§6.33). K is left out: either key set may be
   * GO on receive; its slot is checked apart.
   */
  bool link = cfg->kind == OT_IDE_STREAM_LINK;
  s->rx_mask = (uint16_t)(OT_IDE_PREFIX_B3_RSVD | OT_IDE_PREFIX_B3_SUB_MASK | OT_IDE_PREFIX_B3_P |
                          OT_IDE_PREFIX_B3_M | (cfg->tee_allowed ? 0 : OT_IDE_PREFIX_B3_T) |
                          IDE_RX_KEY_TD | (link ? IDE_RX_KEY_TC_MASK : 0));
  for (unsigned kind = 0; kind < 16; kind++) {
    ot_tlp_hdr h = {.kind = (ot_tlp_kind)kind};
    s->rx_want[kind] =
        (uint16_t)(((unsigned)ide_sub_of(h.kind) << OT_IDE_PREFIX_B3_SUB_SHIFT) |
                   (ide_pcrc_applies(cfg, &h) ? OT_IDE_PREFIX_B3_P : 0) | OT_IDE_PREFIX_B3_M |
                   (link ? (unsigned)cfg->tc << IDE_RX_KEY_TC_SHIFT : 0));
  }
}

static void stream_drop_keys(ot_ide_stream *s) {
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS; i++) {
    for (size_t k = 0; k < OT_IDE_NUM_KEY_SETS; k++)
      ide_slot_clear(&s->sub[i].slot[k]);
    s->sub[i].active = 0;
    ide_pending_drop(&s->sub[i].pend);
  }
  memset(s->pr_since, 0, sizeof s->pr_since);
  s->secure = false; /* no key set is GO any more */
  ide_stream_derive(s); /* K of set 0 again */
}

void ide_stream_fail(ot_ide_stream *s, ot_ide_error why) {
  if (!s->failed) s->error = why; /* the first reason is the one reported */
  s->failed = true;
  s->secure = false;
  stream_drop_keys(s); /* recovery is a full re-key (SPEC-FACTS §5.3) */
}

static void stream_remove(ot_ide_engine *e, ot_ide_stream *s) {
  stream_drop_keys(s);
  e->index[s->cfg.stream_id] = 0;
  ot_zeroize(s, sizeof *s);
}

static void engine_clear(ot_ide_engine *e) {
  for (size_t i = 0; i < OT_IDE_MAX_STREAMS; i++) {
    if (e->streams[i].in_use) stream_remove(e, &e->streams[i]);
  }
}

void ot_ide_tx_clear(ot_ide_tx *tx) {
  if (tx) engine_clear(&tx->engine);
}

void ot_ide_rx_clear(ot_ide_rx *rx) {
  if (rx) engine_clear(&rx->engine);
}

static bool aggregation_valid(uint8_t n) { return n == 1 || n == 2 || n == 4 || n == 8; }

static ot_status stream_add(ot_ide_engine *e, const ot_ide_stream_cfg *cfg, ot_ide_stream **out) {
  OT_ENSURE(cfg != NULL, OT_E_ARG);
  OT_ENSURE(cfg->kind == OT_IDE_STREAM_LINK || cfg->kind == OT_IDE_STREAM_SELECTIVE, OT_E_ARG);
  OT_ENSURE(cfg->tc <= 7, OT_E_ARG);
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS; i++)
    OT_ENSURE(aggregation_valid(cfg->aggregation[i]), OT_E_ARG);
  OT_ENSURE(e->index[cfg->stream_id] == 0, OT_E_EXISTS);
  for (size_t i = 0; i < OT_IDE_MAX_STREAMS; i++) {
    ot_ide_stream *s = &e->streams[i];
    if (s->in_use) continue;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->in_use = true;
    ide_stream_refresh(e, s); /* Insecure: not enabled, no keys */
    e->index[cfg->stream_id] = (uint8_t)(i + 1);
    *out = s;
    return OT_SUCCESS;
  }
  OT_BAIL(OT_E_NO_SPACE);
}

ot_status ot_ide_tx_stream_add(ot_ide_tx *tx, const ot_ide_stream_cfg *cfg) {
  OT_ENSURE(tx != NULL && tx->engine.dir == OT_IDE_DIR_TX, OT_E_ARG);
  ot_ide_stream *s;
  return stream_add(&tx->engine, cfg, &s);
}

ot_status ot_ide_rx_stream_add(ot_ide_rx *rx, const ot_ide_stream_cfg *cfg, uint8_t *pending,
                               size_t cap) {
  OT_ENSURE(rx != NULL && rx->engine.dir == OT_IDE_DIR_RX, OT_E_ARG);
  OT_ENSURE(pending != NULL || cap == 0, OT_E_ARG);
  ot_ide_stream *s;
  OT_GUARD(stream_add(&rx->engine, cfg, &s));
  size_t third = cap / OT_IDE_NUM_SUBSTREAMS;
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS; i++) {
    s->sub[i].pend.buf = third ? pending + i * third : NULL;
    s->sub[i].pend.cap = third;
  }
  return OT_SUCCESS;
}

ot_status ot_ide_stream_remove(ot_ide_engine *e, uint8_t stream_id) {
  OT_ENSURE(e != NULL, OT_E_ARG);
  ot_ide_stream *s = ide_stream_find(e, stream_id);
  OT_ENSURE(s != NULL, OT_E_NOT_FOUND);
  stream_remove(e, s);
  return OT_SUCCESS;
}

/* Looks up (stream, sub-stream, key set) for the key management calls. */
static ot_status find_slot(ot_ide_engine *e, uint8_t stream_id, ot_ide_substream sub,
                           uint8_t key_set, ot_ide_stream **s, ot_ide_key_slot **slot) {
  OT_ENSURE(e != NULL, OT_E_ARG);
  OT_ENSURE((unsigned)sub < OT_IDE_NUM_SUBSTREAMS && key_set < OT_IDE_NUM_KEY_SETS, OT_E_ARG);
  *s = ide_stream_find(e, stream_id);
  OT_ENSURE(*s != NULL, OT_E_NOT_FOUND);
  *slot = &(*s)->sub[sub].slot[key_set];
  return OT_SUCCESS;
}

ot_status ot_ide_key_install(ot_ide_engine *e, uint8_t stream_id, ot_ide_substream sub,
                             uint8_t key_set, const ot_ide_key_material *km) {
  OT_ENSURE(km != NULL, OT_E_ARG);
  ot_ide_stream *s;
  ot_ide_key_slot *slot;
  OT_GUARD(find_slot(e, stream_id, sub, key_set, &s, &slot));
  OT_ENSURE(!slot->go, OT_E_STATE); /* a live key set is stopped before it is replaced */
  /* Key a fresh context first, so a failure leaves the slot as it was. */
  ot_ide_key_slot fresh = {0};
  OT_GUARD(
      ot_aead_key_init(&fresh.aead, OT_AEAD_AES256_GCM, km->key, sizeof km->key, OT_IDE_MAC_SIZE));
  fresh.iv_fixed = km->iv_fixed;
  fresh.next = km->ifv;
  ide_slot_nonce(&fresh);
  fresh.installed = true;
  ide_slot_clear(slot);
  *slot = fresh;
  ot_zeroize(&fresh, sizeof fresh);
  ot_status st = ot_secret_mark(&slot->aead, sizeof slot->aead);
  if (!ot_ok(st)) {
    ot_aead_key_clear(&slot->aead);
    ot_zeroize(slot, sizeof *slot);
  }
  ide_stream_refresh(e, s); /* the slot was not GO and is not now: no change, kept exact anyway */
  return st;
}

ot_status ot_ide_key_go(ot_ide_engine *e, uint8_t stream_id, ot_ide_substream sub,
                        uint8_t key_set) {
  ot_ide_stream *s;
  ot_ide_key_slot *slot;
  OT_GUARD(find_slot(e, stream_id, sub, key_set, &s, &slot));
  OT_ENSURE(slot->installed, OT_E_STATE);
  slot->go = true;
  if (e->dir == OT_IDE_DIR_TX) s->sub[sub].active = key_set; /* the K bit flips */
  ide_stream_refresh(e, s);
  return OT_SUCCESS;
}

ot_status ot_ide_key_stop(ot_ide_engine *e, uint8_t stream_id, ot_ide_substream sub,
                          uint8_t key_set) {
  ot_ide_stream *s;
  ot_ide_key_slot *slot;
  OT_GUARD(find_slot(e, stream_id, sub, key_set, &s, &slot));
  OT_ENSURE(slot->installed, OT_E_STATE);
  ide_slot_clear(slot);
  ot_ide_sub_state *ss = &s->sub[sub];
  uint8_t other = (uint8_t)(key_set ^ 1u);
  if (e->dir == OT_IDE_DIR_TX && ss->active == key_set && ss->slot[other].go) ss->active = other;
  if (e->dir == OT_IDE_DIR_RX && ss->pend.count && ss->pend.key_set == key_set)
    ide_pending_drop(&ss->pend); /* its MAC could never verify now */
  ide_stream_refresh(e, s);
  return OT_SUCCESS;
}

ot_status ot_ide_stream_enable(ot_ide_engine *e, uint8_t stream_id) {
  OT_ENSURE(e != NULL, OT_E_ARG);
  ot_ide_stream *s = ide_stream_find(e, stream_id);
  OT_ENSURE(s != NULL, OT_E_NOT_FOUND);
  if (!s->enabled) {
    s->failed = false; /* Enable 0 -> 1 starts over; keys decide whether it is Secure */
    s->error = OT_IDE_ERR_NONE;
  }
  s->enabled = true;
  ide_stream_refresh(e, s);
  return OT_SUCCESS;
}

ot_status ot_ide_stream_disable(ot_ide_engine *e, uint8_t stream_id) {
  OT_ENSURE(e != NULL, OT_E_ARG);
  ot_ide_stream *s = ide_stream_find(e, stream_id);
  OT_ENSURE(s != NULL, OT_E_NOT_FOUND);
  s->enabled = false;
  stream_drop_keys(s);
  ide_stream_refresh(e, s);
  return OT_SUCCESS;
}

ot_status ot_ide_stream_state(const ot_ide_engine *e, uint8_t stream_id, ot_ide_state *state,
                              ot_ide_error *error) {
  OT_ENSURE(e != NULL && state != NULL, OT_E_ARG);
  const ot_ide_stream *s = ide_stream_find_const(e, stream_id);
  OT_ENSURE(s != NULL, OT_E_NOT_FOUND);
  *state = ide_stream_secure(s, e->dir) ? OT_IDE_SECURE : OT_IDE_INSECURE;
  if (error) *error = s->failed ? s->error : OT_IDE_ERR_NONE;
  return OT_SUCCESS;
}

ot_status ot_ide_key_next_invocation(const ot_ide_engine *e, uint8_t stream_id,
                                     ot_ide_substream sub, uint8_t key_set, uint64_t *next) {
  OT_ENSURE(e != NULL && next != NULL, OT_E_ARG);
  OT_ENSURE((unsigned)sub < OT_IDE_NUM_SUBSTREAMS && key_set < OT_IDE_NUM_KEY_SETS, OT_E_ARG);
  const ot_ide_stream *s = ide_stream_find_const(e, stream_id);
  OT_ENSURE(s != NULL, OT_E_NOT_FOUND);
  const ot_ide_key_slot *slot = &s->sub[sub].slot[key_set];
  OT_ENSURE(slot->installed && !slot->spent, OT_E_STATE);
  *next = slot->next;
  return OT_SUCCESS;
}
