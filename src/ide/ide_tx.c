/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit side of the IDE engine: protects one aggregation group of TLPs
 * under one MAC (PCIe r6.0 §6.33.4 IDE TLPs, §6.33.6 aggregation). See
 * opentsm/ide.h; the wire format is in opentsm/spec/ide.h.
 */
#include <string.h>

#include "ide_internal.h"
#include "opentsm/secure.h"

/* A group decoded, validated and laid out, before anything is written. */
typedef struct tx_plan {
  ot_ide_stream *stream;
  ot_ide_substream sub;
  size_t n;
  ot_tlp tlp[OT_IDE_MAX_AGGREGATION];
  ot_ide_prefix prefix[OT_IDE_MAX_AGGREGATION];
  ide_layout layout[OT_IDE_MAX_AGGREGATION];
  size_t total;
} tx_plan;

static ot_status plan_group(ot_ide_engine *e, uint8_t stream_id, const ot_ide_tx_tlp *tlps,
                            size_t n, tx_plan *p) {
  OT_ENSURE(tlps != NULL && n >= 1 && n <= OT_IDE_MAX_AGGREGATION, OT_E_ARG);
  ot_ide_stream *s = ide_stream_find(e, stream_id);
  OT_ENSURE(s != NULL, OT_E_NOT_FOUND);
  OT_ENSURE(ide_stream_secure(s, OT_IDE_DIR_TX), OT_E_STATE);
  p->stream = s;
  p->n = n;
  p->total = 0;
  for (size_t i = 0; i < n; i++) {
    OT_ENSURE(tlps[i].tlp != NULL, OT_E_ARG);
    ot_tlp *t = &p->tlp[i];
    /* Header decoded and validated in place; the payload must fill the rest exactly. */
    size_t hl = 0;
    OT_GUARD(ot_tlp_decode_hdr(tlps[i].tlp, tlps[i].len, &t->hdr, &hl));
    OT_ENSURE(tlps[i].len >= ot_tlp_wire_size(&t->hdr), OT_E_TRUNCATED);
    OT_ENSURE(tlps[i].len == ot_tlp_wire_size(&t->hdr), OT_E_TRAILING);
    t->payload_len = ot_tlp_payload_size(&t->hdr);
    t->payload = t->payload_len ? tlps[i].tlp + hl : NULL;
    OT_ENSURE(!t->hdr.td, OT_E_UNSUPPORTED); /* no ECRC inside IDE TLPs on our link */
    ot_ide_substream sub = ot_ide_substream_of(t->hdr.kind);
    if (i == 0) p->sub = sub;
    OT_ENSURE(sub == p->sub, OT_E_ARG); /* one MAC covers one sub-stream */
    /* A Link IDE Stream carries the TLPs of its own Traffic Class (§6.33). */
    OT_ENSURE(s->cfg.kind != OT_IDE_STREAM_LINK || t->hdr.tc == s->cfg.tc, OT_E_ARG);
    /* T=1 only on streams allowed to carry TEE traffic (TDISP; SPEC-FACTS §5.3, §6). */
    OT_ENSURE(!tlps[i].t || s->cfg.tee_allowed, OT_E_POLICY);
  }
  OT_ENSURE(n <= s->cfg.aggregation[p->sub], OT_E_ARG); /* Tx Aggregation Mode */
  ot_ide_sub_state *ss = &s->sub[p->sub];
  for (size_t i = 0; i < n; i++) {
    ot_ide_prefix *px = &p->prefix[i];
    px->stream_id = stream_id;
    px->sub = p->sub;
    /* PR_Sent_Counter: posted requests sent since the last TLP of this sub-stream [U]. */
    px->pr_sent = (p->sub != OT_IDE_SUB_PR && i == 0) ? s->pr_since[p->sub] : 0;
    px->p = ide_pcrc_applies(&s->cfg, &p->tlp[i].hdr);
    px->m = i + 1 == n;
    px->k = ss->active != 0;
    px->t = tlps[i].t;
    ide_layout_of(px, &p->tlp[i].hdr, &p->layout[i]);
    p->total += p->layout[i].total;
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

  ot_status st;
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    const ide_layout *l = &p.layout[i];
    ot_ide_prefix_encode(&p.prefix[i], out + at);
    memcpy(out + at + l->hdr_off, tlps[i].tlp, l->hdr_len);
    lens[i] = l->total;
    at += l->total;
  }
  OT_GUARD_GOTO(st, ide_group_begin(slot, OT_AEAD_SEAL), fail);
  at = 0;
  for (size_t i = 0; i < n; i++) {
    OT_GUARD_GOTO(st, ide_group_aad(slot, out + at, p.layout[i].payload_off), fail);
    at += p.layout[i].total;
  }
  at = 0;
  for (size_t i = 0; i < n; i++) {
    const ide_layout *l = &p.layout[i];
    const ot_tlp *t = &p.tlp[i];
    OT_GUARD_GOTO(st, ide_group_text(slot, t->payload, l->payload_len, out + at + l->payload_off),
                  fail);
    if (l->pcrc) {
      uint8_t crc[OT_IDE_PCRC_SIZE];
      ide_pcrc(t->payload, t->payload_len, crc);
      OT_GUARD_GOTO(st, ide_group_text(slot, crc, sizeof crc, out + at + l->pcrc_off), fail);
    }
    at += l->total;
  }
  const ide_layout *last = &p.layout[n - 1];
  OT_GUARD_GOTO(st, ide_group_seal(slot, out + (at - last->total) + last->mac_off), fail);

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
fail:
  ot_zeroize(out, p.total); /* nothing half-protected leaves */
  return st;
}
