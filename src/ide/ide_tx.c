/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit side of the IDE engine: protects one aggregation group of TLPs
 * under one MAC (PCIe r6.0 §6.33.4 IDE TLPs, §6.33.6 aggregation). See
 * opentsm/ide.h; the wire format is in opentsm/spec/ide.h.
 *
 * Each TLP arrives as the TLP layer's view (opentsm/tlp.h): its header was
 * decoded and validated there, once, and is not decoded here again. Each
 * TLP is checked and laid out straight into place in one pass, and the
 * group goes through the cipher in one call.
 */
#include <string.h>

#include "ide_internal.h"
#include "opentsm/cursor.h"
#include "opentsm/secure.h"

/*
 * The checks every TLP of a group must pass on stream s (cfg its
 * configuration); *sub is the group's sub-stream, set by the first TLP.
 */
static ot_status check_tlp(const ot_ide_stream_cfg *cfg, const ot_ide_tx_tlp *t, size_t i,
                           ot_ide_substream *sub) {
  const ot_tlp_view *v = t->tlp;
  IDE_ENSURE(v != NULL && v->wire != NULL, OT_E_ARG);
  const ot_tlp_hdr *h = &v->d.hdr;
  IDE_ENSURE(!h->td, OT_E_UNSUPPORTED); /* no ECRC inside IDE TLPs on our link */
  ot_ide_substream si = ide_sub_of(h->kind);
  if (i == 0) *sub = si;
  IDE_ENSURE(si == *sub, OT_E_ARG); /* one MAC covers one sub-stream */
  /* A Link IDE Stream carries the TLPs of its own Traffic Class (§6.33). */
  IDE_ENSURE(cfg->kind != OT_IDE_STREAM_LINK || h->tc == cfg->tc, OT_E_ARG);
  /* T=1 only on streams allowed to carry TEE traffic (TDISP; SPEC-FACTS §5.3, §6). */
  IDE_ENSURE(!t->t || cfg->tee_allowed, OT_E_POLICY);
  return OT_SUCCESS;
}

/* The stream of a group, which must be Secure, and the group's size limits. */
static ot_status group_stream(ot_ide_engine *e, uint8_t stream_id, const ot_ide_tx_tlp *tlps,
                              size_t n, ot_ide_stream **out) {
  IDE_ENSURE(tlps != NULL && n >= 1 && n <= OT_IDE_MAX_AGGREGATION, OT_E_ARG);
  ot_ide_stream *s = ide_stream_find(e, stream_id);
  IDE_ENSURE(s != NULL, OT_E_NOT_FOUND);
  IDE_ENSURE(s->secure, OT_E_STATE); /* ide_stream_secure, kept current by ide_engine.c */
  *out = s;
  return OT_SUCCESS;
}

size_t ot_ide_tx_protected_size(const ot_ide_tx *tx, uint8_t stream_id, const ot_ide_tx_tlp *tlps,
                                size_t n) {
  if (!tx) return 0;
  ot_ide_stream *s;
  /* Reads the context only; the cast does not lead to a write. */
  if (!ot_ok(group_stream((ot_ide_engine *)&tx->engine, stream_id, tlps, n, &s))) return 0;
  ot_ide_substream sub = OT_IDE_SUB_PR;
  size_t need = 0;
  for (size_t i = 0; i < n; i++) {
    if (!ot_ok(check_tlp(&s->cfg, &tlps[i], i, &sub))) return 0;
    ide_layout l;
    const ot_tlp_decoded *d = &tlps[i].tlp->d;
    ide_layout_make(d->hdr_len, d->payload_len, ide_pcrc_applies(&s->cfg, &d->hdr), i + 1 == n, &l);
    need += l.total;
  }
  if (n > s->cfg.aggregation[sub]) return 0; /* Tx Aggregation Mode */
  return need;
}

/*
 * Checks and lays out the group in one pass, each TLP written straight into
 * place after it passed its checks. A refusal part way zeroes what was
 * written (the contract: out untouched or zeroed, nothing consumed). Forced
 * inline: ot_ide_tx_protect passes n = 1 as a constant for a lone TLP (the
 * common, non-aggregated case), which makes the loop straight-line code
 * running the same checks.
 */
static IDE_HOT_INLINE ot_status protect_group(ot_ide_stream *s, const ot_ide_tx_tlp *tlps, size_t n,
                                              uint8_t *out, size_t cap, size_t *lens,
                                              size_t *total) {
  const ot_ide_stream_cfg *cfg = &s->cfg;
  /* The sub-stream (and with it the key set) is the first TLP's; check_tlp holds the rest to it. */
  ot_ide_substream sub = OT_IDE_SUB_PR;
  OT_GUARD(check_tlp(cfg, &tlps[0], 0, &sub));
  /* Tx Aggregation Mode; a lone TLP always fits (stream_add keeps each mode at 1, 2, 4 or 8). */
  IDE_ENSURE(n == 1 || n <= cfg->aggregation[sub], OT_E_ARG);
  ot_ide_sub_state *ss = &s->sub[sub];
  IDE_OPAQUE(ss); /* kept, not recomputed from sub */
  ot_ide_key_slot *slot = &ss->slot[ss->active];
  IDE_OPAQUE(slot);
  IDE_ENSURE(!slot->spent, OT_E_STATE); /* counter exhausted: a new key set must go first */

  /* Prefix and clear header in place; payload (and PCRC) encrypted into place. */
  ide_group g;
  g.n_aad = 0;
  g.n_text = 0;
  uint8_t crc[OT_IDE_MAX_AGGREGATION][OT_IDE_PCRC_SIZE];
  uint8_t *at = out;
  size_t used = 0;
  ot_status st = OT_SUCCESS;
  ide_layout l = {0}; /* set by the loop (n >= 1); zero only so no compiler sees it unset */
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && !ot_ok(st = check_tlp(cfg, &tlps[i], i, &sub))) break;
    const ot_tlp_view *v = tlps[i].tlp;
    bool p = ide_pcrc_applies(cfg, &v->d.hdr), m = i + 1 == n;
    ide_layout_make(v->d.hdr_len, v->d.payload_len, p, m, &l);
    if (l.total > cap - used) {
      st = ot_status_of(OT_E_NO_SPACE);
      break;
    }
    /*
     * The prefix: the sub-stream's bytes made when its key state last
     * changed (stream ID, sub-stream, K; ide_stream_derive), with this TLP's
     * PR_Sent_Counter (posted requests sent since the last TLP of this
     * sub-stream [U]) and P, M, T bits added.
     */
    uint32_t pr_sent = (sub != OT_IDE_SUB_PR && i == 0) ? s->pr_since[sub] : 0;
    uint32_t b3 = (p ? OT_IDE_PREFIX_B3_P : 0) | (m ? OT_IDE_PREFIX_B3_M : 0) |
                  (tlps[i].t ? OT_IDE_PREFIX_B3_T : 0);
    ot_store_u32le(at, ot_load_u32le(s->tx_prefix[sub]) | pr_sent << 8 | b3 << 24);
    ide_copy_hdr(at + ide_hdr_off(), v->d.raw, l.hdr_len);
    const uint8_t *payload = ot_tlp_view_payload(v);
    ide_group_add_aad(&g, at, ide_payload_off(&l));
    ide_group_add_text(&g, payload, l.payload_len, at + ide_payload_off(&l));
    if (l.pcrc) {
      ide_pcrc(payload, l.payload_len, crc[i]);
      ide_group_add_text(&g, crc[i], OT_IDE_PCRC_SIZE, at + ide_pcrc_off(&l));
    }
    lens[i] = l.total;
    at += l.total;
    used += l.total;
  }
  /* l is the last TLP's layout: the MAC follows it. */
  if (ot_ok(st)) st = ide_group_seal(slot, &g, at - l.total + ide_mac_off(&l));
  if (!ot_ok(st)) {
    ot_zeroize(out, used); /* nothing half-protected leaves */
    return st;
  }

  /* Commit: the invocation value is used; PR_Sent bookkeeping [U]. */
  ide_slot_advance(slot);
  ide_pr_since_commit(s, sub, n);
  *total = used;
  return OT_SUCCESS;
}

ot_status ot_ide_tx_protect(ot_ide_tx *tx, uint8_t stream_id, const ot_ide_tx_tlp *tlps, size_t n,
                            uint8_t *out, size_t cap, size_t *lens, size_t *total) {
  IDE_ENSURE(tx != NULL && out != NULL && lens != NULL && total != NULL, OT_E_ARG);
  IDE_ENSURE(tx->engine.dir == OT_IDE_DIR_TX, OT_E_ARG);
  ot_ide_stream *s;
  OT_GUARD(group_stream(&tx->engine, stream_id, tlps, n, &s));
  if (n == 1) return protect_group(s, tlps, 1, out, cap, lens, total);
  return protect_group(s, tlps, n, out, cap, lens, total);
}
