/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive side of the IDE engine (PCIe r6.0 §6.33.4 IDE TLPs, §6.33.5
 * sub-streams, §6.33.6 aggregation): every check a received IDE TLP must
 * pass, aggregation groups held until their MAC, and the sticky failure of a
 * stream. See opentsm/ide.h; the wire format is in opentsm/spec/ide.h.
 *
 * Nothing is delivered before the group's MAC verified: GCM plaintext goes
 * straight into the caller's buffer (no copy); the one-call open zeroes it
 * when the MAC fails, and so does this file when the PCRC or the PR_Sent
 * check fails after it. Each TLP's prefix and header are decoded and checked
 * once, on arrival (the header by the TLP layer); a held member of a group
 * keeps what was found, and every delivered TLP carries its decoded header
 * out (ot_ide_rx_tlp.tlp), so nobody decodes it again.
 */
#include <string.h>

#include "ide_internal.h"
#include "opentsm/secure.h"

/* Fails the stream (sticky) and reports why. */
static IDE_COLD ot_status reject(ot_ide_stream *s, ot_ide_rx_result *res, ot_ide_error why, ot_code code) {
  ide_stream_fail(s, why);
  res->error = why;
  return ot_status_of(code);
}

/*
 * A TLP without the IDE prefix. When its TC is protected by an enabled Link
 * IDE Stream, that stream must carry it as an IDE TLP: the stream fails.
 * Otherwise it is simply not ours; nothing changes.
 */
static IDE_COLD ot_status not_ide(ot_ide_engine *e, const uint8_t *wire, size_t len, ot_ide_rx_result *res) {
  res->error = OT_IDE_ERR_NOT_IDE;
  ot_tlp_hdr h;
  size_t hl;
  if (len >= OT_TLP_DW && ot_ok(ot_tlp_decode_hdr(wire, len, &h, &hl))) {
    for (size_t i = 0; i < OT_IDE_MAX_STREAMS; i++) {
      ot_ide_stream *s = &e->streams[i];
      if (s->in_use && s->enabled && s->cfg.kind == OT_IDE_STREAM_LINK && s->cfg.tc == h.tc) {
        res->stream_id = s->cfg.stream_id;
        ide_stream_fail(s, OT_IDE_ERR_NOT_IDE);
      }
    }
  }
  OT_BAIL(OT_E_MALFORMED);
}

/* One member of the group being opened, as its checks on arrival found it. */
typedef struct rx_member {
  const uint8_t *wire;     /* prefix first */
  const ot_tlp_decoded *d; /* its header, as the TLP layer decoded it on arrival */
  ide_layout l;
  size_t out_off;
  uint8_t pr_sent;
  bool t;
} rx_member;

/*
 * Opens a complete group (held members + the TLP with M=1) into out. Forced
 * inline: the caller passes n = 1 as a constant for a lone TLP (the common,
 * non-aggregated case), which turns every loop here into straight-line code
 * running the same checks.
 */
static IDE_HOT_INLINE ot_status open_group(ot_ide_stream *s, ot_ide_sub_state *ss,
                                           ot_ide_substream sub, ot_ide_key_slot *slot,
                                           rx_member *m, size_t n, uint8_t *out, size_t cap,
                                           ot_ide_rx_result *res) {
  size_t need = 0;
  for (size_t i = 0; i < n; i++) {
    m[i].out_off = need;
    need += m[i].l.hdr_len + m[i].l.payload_len;
  }
  /* The caller's buffer is too small: nothing consumed, nothing changed. */
  IDE_ENSURE(need <= cap, OT_E_NO_SPACE);

  /* Payloads decrypt straight into place; headers are copied only once the MAC holds. */
  ide_group g;
  g.n_aad = 0;
  g.n_text = 0;
  uint8_t crc[OT_IDE_MAX_AGGREGATION][OT_IDE_PCRC_SIZE]; /* decrypted PCRCs */
  for (size_t i = 0; i < n; i++) {
    const ide_layout *l = &m[i].l;
    ide_group_add_aad(&g, m[i].wire, ide_payload_off(l));
    ide_group_add_text(&g, m[i].wire + ide_payload_off(l), l->payload_len,
                       out + m[i].out_off + l->hdr_len);
    if (l->pcrc) ide_group_add_text(&g, m[i].wire + ide_pcrc_off(l), OT_IDE_PCRC_SIZE, crc[i]);
  }
  const rx_member *last = &m[n - 1];
  ot_status st = ide_group_open(slot, &g, last->wire + ide_mac_off(&last->l));
  if (!ot_ok(st)) {
    /* Every decrypted byte was zeroed by the open; a library failure delivers nothing either. */
    return reject(s, res, OT_IDE_ERR_MAC, ot_is(st, OT_E_DECRYPT) ? OT_E_DECRYPT : st.code);
  }

  /* The MAC verified; the plaintext must also match its PCRC [U]. */
  for (size_t i = 0; i < n; i++) {
    if (!m[i].l.pcrc) continue;
    uint8_t want[OT_IDE_PCRC_SIZE];
    ide_pcrc(out + m[i].out_off + m[i].l.hdr_len, m[i].l.payload_len, want);
    if (!ot_ct_equal(want, crc[i], sizeof want)) {
      ot_zeroize(out, need);
      return reject(s, res, OT_IDE_ERR_PCRC, OT_E_DECRYPT);
    }
  }

  /*
   * PR_Sent_Counter [U]: an NPR or CPL TLP carries the number of posted
   * requests its transmitter sent since the previous TLP of that sub-stream;
   * it must equal what we delivered, or a posted request was dropped or held
   * back (a producer-consumer ordering attack). Checked on locals, then kept.
   */
  if (sub != OT_IDE_SUB_PR) {
    /* The first member counts from the last delivery; each later one from the member before: 0. */
    uint8_t want = s->pr_since[sub];
    for (size_t i = 0; i < n; i++) {
      if (m[i].pr_sent != want) {
        ot_zeroize(out, need);
        return reject(s, res, OT_IDE_ERR_PR_SENT, OT_E_VERIFY);
      }
      want = 0;
    }
  }

  /* Deliver: the clear headers join their payloads, each with its decoded header. */
  ide_slot_advance(slot);
  ide_pr_since_commit(s, sub, n);
  for (size_t i = 0; i < n; i++) {
    /* Room for each TLP was checked above (need <= cap), so this cannot fail. */
    OT_IGNORE(ot_tlp_view_emit(m[i].d, out + m[i].out_off, cap - m[i].out_off, &res->tlps[i].tlp));
    res->tlps[i].off = m[i].out_off;
    res->tlps[i].len = m[i].l.hdr_len + m[i].l.payload_len;
    res->tlps[i].sub = sub;
    res->tlps[i].t = m[i].t;
  }
  res->count = n;
  if (ss->pend.count) ide_pending_drop(&ss->pend); /* after the held headers were copied out */
  return OT_SUCCESS;
}

/* Holds an earlier member of a group (M=0), ciphertext and all, until its MAC arrives. */
static ot_status hold(ot_ide_stream *s, ot_ide_pending *p, const uint8_t *wire, size_t len,
                      const ot_ide_prefix *px, const ot_tlp_decoded *d, ot_ide_rx_result *res) {
  if (p->count + 1u >= OT_IDE_MAX_AGGREGATION || len > p->cap - p->used)
    return reject(s, res, OT_IDE_ERR_AGGREGATION, OT_E_VERIFY);
  uint8_t i = p->count;
  memcpy(p->buf + p->used, wire, len);
  p->off[i] = (uint32_t)p->used;
  p->len[i] = (uint32_t)len;
  p->hdr[i] = *d;
  p->pr_sent[i] = px->pr_sent;
  p->pcrc = (uint8_t)(p->pcrc | (px->p ? 1u << i : 0));
  p->tee = (uint8_t)(p->tee | (px->t ? 1u << i : 0));
  p->used += len;
  p->key_set = px->k ? 1 : 0;
  p->count++;
  return OT_SUCCESS;
}

/*
 * A lone TLP (M=1, nothing held on its sub-stream ss, sub from its prefix,
 * 0..2): the checks of the general path in ot_ide_rx_receive, with the
 * prefix and the TLP's type, TC and TD checked in one masked compare
 * against what ide_stream_derive made of the stream's configuration. On
 * a pass, opens and delivers the TLP (*st the result, true). On any
 * mismatch returns false having changed nothing but res->tlps[0] (not
 * meaningful until count is set), and the general path decides.
 */
static IDE_HOT_INLINE bool rx_lone(ot_ide_stream *s, ot_ide_sub_state *ss, ot_ide_substream sub,
                                   const uint8_t *wire, size_t len, uint8_t *out, size_t cap,
                                   ot_ide_rx_result *res, ot_status *st) {
  /* The header's one decode: the TLP layer's checks (opentsm/tlp.h). */
  ot_tlp_decoded *dp = &res->tlps[0].tlp.d;
  if (__builtin_expect(
          !ot_ok(ot_tlp_decode_header(wire + OT_IDE_PREFIX_SIZE, len - OT_IDE_PREFIX_SIZE, dp)), 0))
    return false;
  uint8_t b3 = wire[3];
  /*
   * Byte 0 was checked by the caller, byte 2 found the stream, byte 1
   * (PR_Sent) is checked after the MAC. Byte 3 with the header's TC and TD:
   * reserved bit 7 zero (TDISP ECN), Sub-Stream the TLP type's (§6.33.5;
   * 011b..111b never match), P exactly when PCRC applies [U], M set, T only
   * where TEE traffic is allowed (SPEC-FACTS §6), TD zero, and on a Link
   * IDE Stream its own TC (§6.33), all as ide_stream_derive set them up.
   */
  if (__builtin_expect((ide_rx_key(b3, &dp->hdr) & s->rx_mask) != s->rx_want[dp->hdr.kind & 15u],
                       0))
    return false;
  ide_layout l;
  ide_layout_make(dp->hdr_len, dp->payload_len, (b3 & OT_IDE_PREFIX_B3_P) != 0, true, &l);
  if (__builtin_expect(l.total != len, 0)) return false;
  /* Key set K: GO (K_SET_GO received) and its counter not used up. */
  ot_ide_key_slot *slot = &ss->slot[(b3 & OT_IDE_PREFIX_B3_K) ? 1 : 0];
  IDE_OPAQUE(slot);
  if (__builtin_expect(!slot->go || slot->spent, 0)) return false;
  rx_member self = {
      .wire = wire,
      .d = dp, /* already in place: emitting it copies only the header bytes */
      .l = l,
      .pr_sent = wire[1],
      .t = (b3 & OT_IDE_PREFIX_B3_T) != 0,
  };
  *st = open_group(s, ss, sub, slot, &self, 1, out, cap, res);
  return true;
}

ot_status ot_ide_rx_receive(ot_ide_rx *rx, const uint8_t *wire, size_t len, uint8_t *out,
                            size_t cap, ot_ide_rx_result *res) {
  IDE_ENSURE(rx != NULL && res != NULL && (wire != NULL || len == 0), OT_E_ARG);
  IDE_ENSURE(out != NULL || cap == 0, OT_E_ARG);
  IDE_ENSURE(rx->engine.dir == OT_IDE_DIR_RX, OT_E_ARG);
  /* res->tlps is filled only on delivery, together with count. */
  res->stream_id = 0;
  res->error = OT_IDE_ERR_NONE;
  res->count = 0;
  ot_ide_engine *e = &rx->engine;
  if (len < OT_IDE_PREFIX_SIZE || wire[0] != OT_IDE_PREFIX_BYTE0) return not_ide(e, wire, len, res);

  /* The stream, by the Stream ID in the prefix. */
  res->stream_id = wire[2];
  ot_ide_stream *s = ide_stream_find(e, wire[2]);
  if (!s) {
    res->error = OT_IDE_ERR_UNKNOWN_STREAM; /* no stream to fail */
    OT_BAIL(OT_E_NOT_FOUND);
  }
  /* ide_stream_secure, kept current by ide_engine.c; a failed stream is never Secure. */
  if (!s->secure) {
    if (s->failed) {
      res->error = OT_IDE_ERR_NOT_SECURE; /* sticky: everything after a failure is refused */
      OT_BAIL(OT_E_FAILED);
    }
    return reject(s, res, OT_IDE_ERR_NOT_SECURE, OT_E_FAILED);
  }

  /*
   * The common case, a lone TLP (M=1) with no group held on its sub-stream,
   * first: rx_lone runs the same checks, or declines and leaves the TLP to
   * the general path below, which finds the precise refusal.
   */
  uint8_t b3 = wire[3];
  unsigned si = (b3 & OT_IDE_PREFIX_B3_SUB_MASK) >> OT_IDE_PREFIX_B3_SUB_SHIFT;
  if ((b3 & OT_IDE_PREFIX_B3_M) != 0 && si < OT_IDE_NUM_SUBSTREAMS) {
    ot_ide_sub_state *ls = &s->sub[si];
    IDE_OPAQUE(ls);
    ot_status st;
    if (ls->pend.count == 0 && rx_lone(s, ls, (ot_ide_substream)si, wire, len, out, cap, res, &st))
      return st;
  }

  /* Prefix and header: well-formed and consistent with each other and the stream. */
  ot_ide_prefix px;
  if (!ide_prefix_parse(wire, &px)) return reject(s, res, OT_IDE_ERR_MALFORMED, OT_E_MALFORMED);
  /*
   * The header's one decode: the TLP layer's checks (opentsm/tlp.h). It goes
   * straight where its delivery will be described, after the held members
   * (res->tlps is only meaningful once count is set), or is kept with the
   * TLP when held.
   */
  ot_ide_sub_state *ss = &s->sub[px.sub];
  IDE_OPAQUE(ss); /* kept, not recomputed from px.sub */
  const ot_ide_pending *p = &ss->pend;
  size_t n = p->count < OT_IDE_MAX_AGGREGATION ? p->count : 0; /* hold() keeps count <= 7 */
  ot_tlp_decoded *dp = &res->tlps[n].tlp.d;
  if (!ot_ok(ot_tlp_decode_header(wire + OT_IDE_PREFIX_SIZE, len - OT_IDE_PREFIX_SIZE, dp)) ||
      dp->hdr.td)
    return reject(s, res, OT_IDE_ERR_MALFORMED, OT_E_MALFORMED);
  const ot_tlp_hdr *h = &dp->hdr;
  /* §6.33.5: the Sub-Stream field names the sub-stream of the TLP's type. */
  if (ide_sub_of(h->kind) != px.sub) return reject(s, res, OT_IDE_ERR_MALFORMED, OT_E_MALFORMED);
  if (s->cfg.kind == OT_IDE_STREAM_LINK && h->tc != s->cfg.tc)
    return reject(s, res, OT_IDE_ERR_LINK_TC, OT_E_MALFORMED);
  /* T=1 only where TEE traffic is allowed (TDISP, SPEC-FACTS §6). */
  if (px.t && !s->cfg.tee_allowed) return reject(s, res, OT_IDE_ERR_T_BIT, OT_E_VERIFY);
  if (px.p != ide_pcrc_applies(&s->cfg, h))
    return reject(s, res, OT_IDE_ERR_MALFORMED, OT_E_MALFORMED);
  ide_layout l;
  ide_layout_make(dp->hdr_len, dp->payload_len, px.p, px.m, &l);
  if (l.total != len) return reject(s, res, OT_IDE_ERR_MALFORMED, OT_E_MALFORMED);

  /* Key set and counter. */
  ot_ide_key_slot *slot = &ss->slot[px.k ? 1 : 0];
  IDE_OPAQUE(slot);
  if (!slot->go) return reject(s, res, OT_IDE_ERR_KEY_SET, OT_E_VERIFY);
  if (ss->pend.count && ss->pend.key_set != (px.k ? 1 : 0))
    return reject(s, res, OT_IDE_ERR_AGGREGATION, OT_E_VERIFY);
  if (slot->spent) return reject(s, res, OT_IDE_ERR_COUNTER, OT_E_VERIFY);

  if (!px.m) return hold(s, &ss->pend, wire, len, &px, dp, res);

  /* The MAC: open the whole group, the held members first, then this one. */
  rx_member self = {
      .wire = wire,
      .d = dp, /* already in place: emitting it copies only the header bytes */
      .l = l,
      .pr_sent = px.pr_sent,
      .t = px.t,
  };
  /* A lone TLP (no held members): open_group specialised for one member. */
  if (n == 0) return open_group(s, ss, px.sub, slot, &self, 1, out, cap, res);
  rx_member m[OT_IDE_MAX_AGGREGATION];
  for (size_t i = 0; i < n; i++) {
    m[i].wire = p->buf + p->off[i];
    m[i].d = &p->hdr[i];
    ide_layout_make(p->hdr[i].hdr_len, p->hdr[i].payload_len, (p->pcrc >> i) & 1u, false, &m[i].l);
    m[i].pr_sent = p->pr_sent[i];
    m[i].t = (p->tee >> i) & 1u;
  }
  m[n] = self;
  return open_group(s, ss, px.sub, slot, m, n + 1, out, cap, res);
}
