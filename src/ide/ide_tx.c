/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit side of the IDE engine: protects one aggregation group of TLPs
 * under one MAC (PCIe r6.0 §6.33.4 IDE TLPs, §6.33.6 aggregation). See
 * opentsm/ide.h; the wire format is in opentsm/spec/ide.h.
 *
 * Each TLP arrives as the TLP layer's view (opentsm/tlp.h): its header was
 * decoded and validated there, once, and is not decoded here again. What
 * the rest of the path needs from it is kept in the plan (plan_group), and
 * the group goes through the cipher in one call.
 */
#include <string.h>

#include "ide_internal.h"
#include "opentsm/secure.h"

/* One TLP of a group, validated and laid out. */
typedef struct tx_item {
  const ot_tlp_view *v; /* the plaintext TLP: header, then payload */
  ot_ide_prefix px;
  ide_layout l;
} tx_item;

/* A group decoded, validated and laid out, before anything is written. */
typedef struct tx_plan {
  ot_ide_stream *stream;
  ot_ide_substream sub;
  size_t n;
  tx_item item[OT_IDE_MAX_AGGREGATION];
  size_t total;
} tx_plan;

static ot_status plan_group(ot_ide_engine *e, uint8_t stream_id, const ot_ide_tx_tlp *tlps,
                            size_t n, tx_plan *p) {
  OT_ENSURE(tlps != NULL && n >= 1 && n <= OT_IDE_MAX_AGGREGATION, OT_E_ARG);
  ot_ide_stream *s = ide_stream_find(e, stream_id);
  OT_ENSURE(s != NULL, OT_E_NOT_FOUND);
  OT_ENSURE(ide_stream_secure(s, OT_IDE_DIR_TX), OT_E_STATE);
  const ot_ide_stream_cfg *cfg = &s->cfg;
  p->stream = s;
  p->n = n;
  p->sub = OT_IDE_SUB_PR; /* set from the first TLP below */
  p->total = 0;
  for (size_t i = 0; i < n; i++) {
    const ot_tlp_view *v = tlps[i].tlp;
    OT_ENSURE(v != NULL && v->wire != NULL, OT_E_ARG);
    const ot_tlp_hdr *h = &v->d.hdr;
    OT_ENSURE(!h->td, OT_E_UNSUPPORTED); /* no ECRC inside IDE TLPs on our link */
    ot_ide_substream sub = ide_sub_of(h->kind);
    if (i == 0) p->sub = sub;
    OT_ENSURE(sub == p->sub, OT_E_ARG); /* one MAC covers one sub-stream */
    /* A Link IDE Stream carries the TLPs of its own Traffic Class (§6.33). */
    OT_ENSURE(cfg->kind != OT_IDE_STREAM_LINK || h->tc == cfg->tc, OT_E_ARG);
    /* T=1 only on streams allowed to carry TEE traffic (TDISP; SPEC-FACTS §5.3, §6). */
    OT_ENSURE(!tlps[i].t || cfg->tee_allowed, OT_E_POLICY);
    tx_item *it = &p->item[i];
    it->v = v;
    it->px.stream_id = stream_id;
    it->px.sub = sub;
    it->px.p = ide_pcrc_applies(cfg, h);
    it->px.m = i + 1 == n;
    it->px.t = tlps[i].t;
    ide_layout_make(v->d.hdr_len, v->d.payload_len, it->px.p, it->px.m, &it->l);
    p->total += it->l.total;
  }
  OT_ENSURE(n <= cfg->aggregation[p->sub], OT_E_ARG); /* Tx Aggregation Mode */
  bool k = s->sub[p->sub].active != 0;
  for (size_t i = 0; i < n; i++) {
    /* PR_Sent_Counter: posted requests sent since the last TLP of this sub-stream [U]. */
    p->item[i].px.pr_sent = (p->sub != OT_IDE_SUB_PR && i == 0) ? s->pr_since[p->sub] : 0;
    p->item[i].px.k = k;
  }
  return OT_SUCCESS;
}

size_t ot_ide_tx_protected_size(const ot_ide_tx *tx, uint8_t stream_id, const ot_ide_tx_tlp *tlps,
                                size_t n) {
  if (!tx) return 0;
  tx_plan p;
  /* plan_group reads the context only; the cast does not lead to a write. */
  if (!ot_ok(plan_group((ot_ide_engine *)&tx->engine, stream_id, tlps, n, &p))) return 0;
  return p.total;
}

ot_status ot_ide_tx_protect(ot_ide_tx *tx, uint8_t stream_id, const ot_ide_tx_tlp *tlps, size_t n,
                            uint8_t *out, size_t cap, size_t *lens, size_t *total) {
  OT_ENSURE(tx != NULL && out != NULL && lens != NULL && total != NULL, OT_E_ARG);
  OT_ENSURE(tx->engine.dir == OT_IDE_DIR_TX, OT_E_ARG);
  tx_plan p;
  OT_GUARD(plan_group(&tx->engine, stream_id, tlps, n, &p));
  OT_ENSURE(p.total <= cap, OT_E_NO_SPACE);
  ot_ide_stream *s = p.stream;
  ot_ide_sub_state *ss = &s->sub[p.sub];
  ot_ide_key_slot *slot = &ss->slot[ss->active];
  OT_ENSURE(!slot->spent, OT_E_STATE); /* counter exhausted: a new key set must go first */

  /* Prefix and clear header in place; payload (and PCRC) encrypted into place. */
  ide_group g;
  g.n_aad = 0;
  g.n_text = 0;
  uint8_t crc[OT_IDE_MAX_AGGREGATION][OT_IDE_PCRC_SIZE];
  uint8_t *at = out;
  for (size_t i = 0; i < n; i++) {
    const tx_item *it = &p.item[i];
    const ide_layout *l = &it->l;
    ide_prefix_write(&it->px, at);
    ide_copy_hdr(at + ide_hdr_off(), it->v->d.raw, l->hdr_len);
    const uint8_t *payload = ot_tlp_view_payload(it->v);
    ide_group_add_aad(&g, at, ide_payload_off(l));
    ide_group_add_text(&g, payload, l->payload_len, at + ide_payload_off(l));
    if (l->pcrc) {
      ide_pcrc(payload, l->payload_len, crc[i]);
      ide_group_add_text(&g, crc[i], OT_IDE_PCRC_SIZE, at + ide_pcrc_off(l));
    }
    lens[i] = l->total;
    at += l->total;
  }
  const ide_layout *last = &p.item[n - 1].l;
  ot_status st = ide_group_seal(slot, &g, at - last->total + ide_mac_off(last));
  if (!ot_ok(st)) {
    ot_zeroize(out, p.total); /* nothing half-protected leaves */
    return st;
  }

  /* Commit: the invocation value is used; PR_Sent bookkeeping [U]. */
  ide_slot_advance(slot);
  if (p.sub == OT_IDE_SUB_PR) {
    s->pr_since[OT_IDE_SUB_NPR] = (uint8_t)(s->pr_since[OT_IDE_SUB_NPR] + n);
    s->pr_since[OT_IDE_SUB_CPL] = (uint8_t)(s->pr_since[OT_IDE_SUB_CPL] + n);
  } else {
    s->pr_since[p.sub] = 0;
  }
  *total = p.total;
  return OT_SUCCESS;
}
