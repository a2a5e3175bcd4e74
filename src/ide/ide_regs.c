/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IDE Extended Capability register model and its wiring to the engine:
 * see opentsm/ide_regs.h. PCIe r6.0 §7.9.26 (registers), §6.33.1 (stream
 * states); SPEC-FACTS §5.1-5.2.
 */
#include <string.h>

#include "opentsm/ide_regs.h"

/* ---- layout ------------------------------------------------------------------ */

static uint16_t link_block_off(uint16_t cap, size_t i) {
  return (uint16_t)(cap + OT_IDE_REG_LINK_START + OT_IDE_LINK_BLOCK_SIZE * i);
}

static uint16_t sel_block_off(uint16_t cap, uint8_t n_link, uint8_t n_addr, size_t i) {
  return (uint16_t)(link_block_off(cap, n_link) + OT_IDE_SEL_BLOCK_SIZE(n_addr) * i);
}

static size_t cap_size(const ot_ide_regs_caps *c) {
  return OT_IDE_REG_LINK_START + OT_IDE_LINK_BLOCK_SIZE * (size_t)c->link_tcs +
         OT_IDE_SEL_BLOCK_SIZE((size_t)c->addr_blocks) * c->sel_streams;
}

/* IDE Capability register value (§7.9.26.2). Supported Algorithms is an
 * encoded field: 00000b names AES-GCM-256, the one algorithm implemented. */
static uint32_t cap_value(const ot_ide_regs_caps *c) {
  uint32_t v = OT_FIELD_PREP(OT_IDE_CAP_ALG, OT_IDE_ALG_AES_GCM_256);
  if (c->link_tcs) v |= OT_IDE_CAP_LINK | OT_FIELD_PREP(OT_IDE_CAP_LINK_TCS, c->link_tcs - 1u);
  if (c->sel_streams)
    v |= OT_IDE_CAP_SELECTIVE | OT_FIELD_PREP(OT_IDE_CAP_SEL_STREAMS, c->sel_streams - 1u);
  if (c->flow_through) v |= OT_IDE_CAP_FLOW_THROUGH;
  if (c->aggregation) v |= OT_IDE_CAP_AGGREGATION;
  if (c->pcrc) v |= OT_IDE_CAP_PCRC;
  if (c->ide_km) v |= OT_IDE_CAP_IDE_KM;
  if (c->sel_cfg) v |= OT_IDE_CAP_SEL_CFG;
  if (c->tee_limited) v |= OT_IDE_CAP_TEE_LIMITED;
  return v;
}

/* Writable bits of a Link or Selective IDE Stream Control register. */
static uint32_t ctl_rw_mask(const ot_ide_regs_caps *c, ot_ide_stream_kind kind) {
  uint32_t m = OT_IDE_STREAM_CTL_ENABLE | OT_IDE_STREAM_CTL_ALG | OT_IDE_STREAM_CTL_TC |
               OT_IDE_STREAM_CTL_ID;
  if (c->aggregation)
    m |= OT_IDE_STREAM_CTL_AGG_NPR | OT_IDE_STREAM_CTL_AGG_PR | OT_IDE_STREAM_CTL_AGG_CPL;
  if (c->pcrc) m |= OT_IDE_STREAM_CTL_PCRC;
  if (kind == OT_IDE_STREAM_SELECTIVE) {
    m |= OT_IDE_STREAM_CTL_DEFAULT;
    if (c->sel_cfg) m |= OT_IDE_STREAM_CTL_CFG;
    if (c->tee_limited) m |= OT_IDE_STREAM_CTL_TEE_LIMITED;
  }
  return m; /* XT and Partial Header Encryption are not supported: RO 0 */
}

static ot_ide_regs_block *block_of_ctl(ot_ide_regs *r, uint16_t reg) {
  for (size_t i = 0; i < r->nblocks; i++)
    if (r->blocks[i].ctl == reg) return &r->blocks[i];
  return NULL;
}

static ot_ide_regs_block *block_of_sts(ot_ide_regs *r, uint16_t reg) {
  for (size_t i = 0; i < r->nblocks; i++)
    if (r->blocks[i].sts == reg) return &r->blocks[i];
  return NULL;
}

static ot_ide_regs_block *block_of_rid2(ot_ide_regs *r, uint16_t reg) {
  for (size_t i = 0; i < r->nblocks; i++) {
    ot_ide_regs_block *b = &r->blocks[i];
    if (b->kind == OT_IDE_STREAM_SELECTIVE && b->off + OT_IDE_SEL_RID2 == reg) return b;
  }
  return NULL;
}

static bool rid_valid(const ot_ide_regs *r, const ot_ide_regs_block *b) {
  return (ot_cfg_peek32(r->cfg, (uint16_t)(b->off + OT_IDE_SEL_RID2)) & OT_IDE_RID2_VALID) != 0;
}

/* ---- engine streams ---------------------------------------------------------- */

/* The engine configuration a Control value asks for. */
static ot_ide_stream_cfg cfg_from_ctl(ot_ide_stream_kind kind, uint32_t ctl) {
  ot_ide_stream_cfg c;
  memset(&c, 0, sizeof c);
  c.stream_id = (uint8_t)OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, ctl);
  c.kind = kind;
  c.tc = (uint8_t)OT_FIELD_GET(OT_IDE_STREAM_CTL_TC, ctl);
  c.pcrc = (ctl & OT_IDE_STREAM_CTL_PCRC) != 0;
  /* T=1 (TEE) traffic travels on selective streams (TDISP; SPEC-FACTS §5.3). */
  c.tee_allowed = kind == OT_IDE_STREAM_SELECTIVE;
  c.aggregation[OT_IDE_SUB_PR] =
      (uint8_t)OT_IDE_AGG_MODE_TLPS(OT_FIELD_GET(OT_IDE_STREAM_CTL_AGG_PR, ctl));
  c.aggregation[OT_IDE_SUB_NPR] =
      (uint8_t)OT_IDE_AGG_MODE_TLPS(OT_FIELD_GET(OT_IDE_STREAM_CTL_AGG_NPR, ctl));
  c.aggregation[OT_IDE_SUB_CPL] =
      (uint8_t)OT_IDE_AGG_MODE_TLPS(OT_FIELD_GET(OT_IDE_STREAM_CTL_AGG_CPL, ctl));
  return c;
}

static bool cfg_equal(const ot_ide_stream_cfg *a, const ot_ide_stream_cfg *b) {
  return a->stream_id == b->stream_id && a->kind == b->kind && a->tc == b->tc &&
         a->pcrc == b->pcrc && a->tee_allowed == b->tee_allowed &&
         memcmp(a->aggregation, b->aggregation, sizeof a->aggregation) == 0;
}

static void block_release(ot_ide_regs *r, ot_ide_regs_block *b) {
  if (!b->claimed) return;
  /* Both removals zeroize the stream's keys; a missing stream is nothing to undo. */
  OT_IGNORE(ot_ide_stream_remove(ot_ide_tx_engine(r->tx), b->cfg.stream_id));
  OT_IGNORE(ot_ide_stream_remove(ot_ide_rx_engine(r->rx), b->cfg.stream_id));
  b->claimed = false;
}

/* Gives the block an engine stream for cfg unless another block holds that ID. */
static void block_claim(ot_ide_regs *r, ot_ide_regs_block *b, const ot_ide_stream_cfg *cfg) {
  if (ot_ide_regs_has_stream(r, cfg->stream_id)) return;
  if (!ot_ok(ot_ide_tx_stream_add(r->tx, cfg))) return;
  if (!ot_ok(ot_ide_rx_stream_add(r->rx, cfg, b->pending, b->pending_cap))) {
    OT_IGNORE(ot_ide_stream_remove(ot_ide_tx_engine(r->tx), cfg->stream_id));
    return;
  }
  b->cfg = *cfg;
  b->claimed = true;
}

/* Blocks left without a stream retry after another block released its ID. */
static void claim_unclaimed(ot_ide_regs *r) {
  for (size_t i = 0; i < r->nblocks; i++) {
    ot_ide_regs_block *b = &r->blocks[i];
    if (b->claimed || b->enabled) continue;
    ot_ide_stream_cfg c = cfg_from_ctl(b->kind, ot_cfg_peek32(r->cfg, b->ctl));
    block_claim(r, b, &c);
  }
}

/* Makes the block's engine stream match its (disabled) Control register. */
static void block_sync(ot_ide_regs *r, ot_ide_regs_block *b, uint32_t ctl) {
  ot_ide_stream_cfg c = cfg_from_ctl(b->kind, ctl);
  if (b->claimed && cfg_equal(&c, &b->cfg)) return;
  bool released = b->claimed;
  block_release(r, b);
  block_claim(r, b, &c);
  if (released) claim_unclaimed(r);
}

static void engines_enable(ot_ide_regs *r, uint8_t id) {
  OT_IGNORE(ot_ide_stream_enable(ot_ide_tx_engine(r->tx), id)); /* the stream exists: claimed */
  OT_IGNORE(ot_ide_stream_enable(ot_ide_rx_engine(r->rx), id));
}

/* Insecure at once; the engine zeroizes every key of the stream (§6.33.1). */
static void engines_disable(ot_ide_regs *r, ot_ide_regs_block *b) {
  if (!b->claimed) return;
  OT_IGNORE(ot_ide_stream_disable(ot_ide_tx_engine(r->tx), b->cfg.stream_id));
  OT_IGNORE(ot_ide_stream_disable(ot_ide_rx_engine(r->rx), b->cfg.stream_id));
}

static bool block_secure(const ot_ide_regs *r, const ot_ide_regs_block *b) {
  if (!b->enabled || b->bad || !b->claimed) return false;
  ot_ide_state tx, rx;
  if (!ot_ok(ot_ide_stream_state(&r->tx->engine, b->cfg.stream_id, &tx, NULL))) return false;
  if (!ot_ok(ot_ide_stream_state(&r->rx->engine, b->cfg.stream_id, &rx, NULL))) return false;
  return tx == OT_IDE_SECURE && rx == OT_IDE_SECURE;
}

/* ---- register side effects ---------------------------------------------------- */

static void on_ctl_write(ot_ide_regs *r, ot_ide_regs_block *b) {
  uint32_t ctl = ot_cfg_peek32(r->cfg, b->ctl);
  bool enable = (ctl & OT_IDE_STREAM_CTL_ENABLE) != 0;

  if (b->enabled && enable) {
    /* Selected Algorithm is sampled at Enable (§7.9.26.4.1); we hold every field. */
    ot_cfg_poke32(r->cfg, b->ctl, b->ctl_locked);
    return;
  }
  if (b->enabled) {
    /* Clearing Enable: the stream is Insecure at once (SPEC-FACTS §5.1); the
     * same write may carry the next configuration. */
    engines_disable(r, b);
    b->enabled = false;
    b->bad = false;
  }

  block_sync(r, b, ctl);
  if (!enable) return;
  b->enabled = true;
  b->ctl_locked = ctl;
  bool alg_ok = OT_FIELD_GET(OT_IDE_STREAM_CTL_ALG, ctl) == OT_IDE_ALG_AES_GCM_256;
  /* Enabling with RID Association 2 Valid clear forces Insecure (SPEC-FACTS §5.1). */
  bool rid_ok = b->kind != OT_IDE_STREAM_SELECTIVE || rid_valid(r, b);
  b->bad = !alg_ok || !rid_ok || !b->claimed;
  if (!b->bad) engines_enable(r, b->cfg.stream_id);
}

static void on_rid2_write(ot_ide_regs *r, ot_ide_regs_block *b) {
  if (!b->enabled || b->bad || rid_valid(r, b)) return;
  /* An invalid configuration under a live stream: Insecure, keys gone (SPEC-FACTS §5.2). */
  b->bad = true;
  engines_disable(r, b);
}

static void refresh_status(ot_ide_regs *r, const ot_ide_regs_block *b) {
  uint32_t sts = ot_cfg_peek32(r->cfg, b->sts);
  uint32_t state = block_secure(r, b) ? OT_IDE_STATUS_SECURE : OT_IDE_STATUS_INSECURE;
  ot_cfg_poke32(r->cfg, b->sts, OT_FIELD_SET(OT_IDE_STREAM_STS_STATE, sts, state));
}

/* The hook is the first member of ot_ide_regs. */
static ot_ide_regs *regs_of(ot_cfg_hook *h) { return (ot_ide_regs *)(void *)h; }

static void hook_read(ot_cfg_hook *h, ot_cfg_space *cfg, uint16_t reg) {
  (void)cfg;
  ot_ide_regs *r = regs_of(h);
  const ot_ide_regs_block *b = block_of_sts(r, reg);
  if (b) refresh_status(r, b);
}

static void hook_write(ot_cfg_hook *h, ot_cfg_space *cfg, uint16_t reg, uint32_t value,
                       uint8_t byte_enable) {
  (void)cfg;
  (void)value;
  (void)byte_enable; /* the stored register already holds the masked write */
  ot_ide_regs *r = regs_of(h);
  ot_ide_regs_block *b = block_of_ctl(r, reg);
  if (b) {
    on_ctl_write(r, b);
    return;
  }
  b = block_of_rid2(r, reg);
  if (b) on_rid2_write(r, b);
}

/* ---- set-up --------------------------------------------------------------------- */

static ot_status set_rw(ot_cfg_space *cfg, uint16_t off, uint32_t rw, uint32_t rw1c) {
  return ot_cfg_set_access(cfg, off, 4, rw, rw1c);
}

static ot_status init_link_block(ot_ide_regs *r, ot_ide_regs_block *b, uint16_t off) {
  b->kind = OT_IDE_STREAM_LINK;
  b->off = off;
  b->ctl = (uint16_t)(off + OT_IDE_LINK_CTL);
  b->sts = (uint16_t)(off + OT_IDE_LINK_STS);
  OT_GUARD(set_rw(r->cfg, b->ctl, ctl_rw_mask(&r->caps, b->kind), 0));
  return set_rw(r->cfg, b->sts, 0, OT_IDE_STREAM_STS_RX_FAIL_MSG);
}

static ot_status init_sel_block(ot_ide_regs *r, ot_ide_regs_block *b, uint16_t off) {
  b->kind = OT_IDE_STREAM_SELECTIVE;
  b->off = off;
  b->ctl = (uint16_t)(off + OT_IDE_SEL_CTL);
  b->sts = (uint16_t)(off + OT_IDE_SEL_STS);
  ot_cfg_poke32(r->cfg, (uint16_t)(off + OT_IDE_SEL_CAP),
                OT_FIELD_PREP(OT_IDE_SEL_CAP_ADDR_BLOCKS, r->caps.addr_blocks));
  OT_GUARD(set_rw(r->cfg, b->ctl, ctl_rw_mask(&r->caps, b->kind), 0));
  OT_GUARD(set_rw(r->cfg, b->sts, 0, OT_IDE_STREAM_STS_RX_FAIL_MSG));
  OT_GUARD(set_rw(r->cfg, (uint16_t)(off + OT_IDE_SEL_RID1), OT_IDE_RID1_LIMIT, 0));
  OT_GUARD(set_rw(r->cfg, (uint16_t)(off + OT_IDE_SEL_RID2),
                  OT_IDE_RID2_VALID | OT_IDE_RID2_BASE | OT_IDE_RID2_SEGMENT, 0));
  for (uint8_t j = 0; j < r->caps.addr_blocks; j++) {
    uint16_t a = (uint16_t)(off + OT_IDE_SEL_ADDR(j));
    OT_GUARD(set_rw(r->cfg, (uint16_t)(a + OT_IDE_ADDR1),
                    OT_IDE_ADDR1_VALID | OT_IDE_ADDR1_BASE_LOW | OT_IDE_ADDR1_LIMIT_LOW, 0));
    OT_GUARD(set_rw(r->cfg, (uint16_t)(a + OT_IDE_ADDR2), UINT32_MAX, 0));
    OT_GUARD(set_rw(r->cfg, (uint16_t)(a + OT_IDE_ADDR3), UINT32_MAX, 0));
  }
  return OT_SUCCESS;
}

ot_status ot_ide_regs_init(ot_ide_regs *r, ot_cfg_space *cfg, const ot_ide_regs_caps *caps,
                           ot_ide_tx *tx, ot_ide_rx *rx, uint8_t *pending, size_t pending_cap) {
  OT_ENSURE(r && cfg && caps && tx && rx, OT_E_ARG);
  OT_ENSURE(pending != NULL || pending_cap == 0, OT_E_ARG);
  OT_ENSURE(caps->link_tcs <= OT_IDE_MAX_LINK_BLOCKS, OT_E_ARG);
  OT_ENSURE(caps->addr_blocks <= OT_IDE_MAX_ADDR_BLOCKS, OT_E_ARG);
  size_t nblocks = (size_t)caps->link_tcs + caps->sel_streams;
  OT_ENSURE(nblocks >= 1 && nblocks <= OT_IDE_MAX_STREAMS, OT_E_ARG);

  memset(r, 0, sizeof *r);
  r->cfg = cfg;
  r->tx = tx;
  r->rx = rx;
  r->caps = *caps;
  r->size = (uint16_t)cap_size(caps);
  r->nblocks = nblocks;
  r->hook.on_read = hook_read;
  r->hook.on_write = hook_write;

  OT_GUARD(
      ot_cfg_add_ext_cap(cfg, OT_PCI_EXT_CAP_ID_IDE, OT_IDE_CAP_VERSION, r->size, &r->cap_off));
  ot_cfg_poke32(cfg, (uint16_t)(r->cap_off + OT_IDE_REG_CAP), cap_value(caps));
  OT_GUARD(set_rw(cfg, (uint16_t)(r->cap_off + OT_IDE_REG_CTL),
                  caps->flow_through ? OT_IDE_CTL_FLOW_THROUGH : 0u, 0));

  size_t share = pending_cap / nblocks;
  for (size_t i = 0; i < nblocks; i++) {
    ot_ide_regs_block *b = &r->blocks[i];
    b->pending = share ? pending + i * share : NULL;
    b->pending_cap = share;
    if (i < caps->link_tcs) {
      OT_GUARD(init_link_block(r, b, link_block_off(r->cap_off, i)));
    } else {
      uint16_t off =
          sel_block_off(r->cap_off, caps->link_tcs, caps->addr_blocks, i - caps->link_tcs);
      OT_GUARD(init_sel_block(r, b, off));
    }
  }
  OT_GUARD(ot_cfg_add_hook(cfg, &r->hook, (uint16_t)(r->cap_off + OT_IDE_REG_CAP),
                           (uint16_t)(r->size - OT_IDE_REG_CAP)));
  claim_unclaimed(r); /* Control registers read 0: the first block holds Stream ID 0 */
  return OT_SUCCESS;
}

void ot_ide_regs_release(ot_ide_regs *r) {
  if (!r) return;
  for (size_t i = 0; i < r->nblocks; i++) {
    r->blocks[i].enabled = false;
    block_release(r, &r->blocks[i]);
  }
}

bool ot_ide_regs_has_stream(const ot_ide_regs *r, uint8_t stream_id) {
  for (size_t i = 0; i < r->nblocks; i++) {
    const ot_ide_regs_block *b = &r->blocks[i];
    if (b->claimed && b->cfg.stream_id == stream_id) return true;
  }
  return false;
}

ot_status ot_ide_regs_snapshot(ot_ide_regs *r, uint32_t *out, size_t cap, size_t *n) {
  OT_ENSURE(r && out && n, OT_E_ARG);
  size_t count = ot_ide_regs_dw_count(r);
  OT_ENSURE(cap >= count, OT_E_NO_SPACE);
  for (size_t i = 0; i < count; i++) {
    uint16_t off = (uint16_t)(r->cap_off + OT_IDE_REG_CAP + 4u * i);
    uint32_t v;
    OT_GUARD(ot_cfg_space_read(r->cfg, off, 4, &v)); /* runs the hook: Status is current */
    out[i] = v;
  }
  *n = count;
  return OT_SUCCESS;
}
