/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host-side programming of Selective IDE Streams over a config space
 * accessor, in the order of Linux drivers/pci/ide.c (SPEC-FACTS §7.4):
 * see opentsm/ide_regs.h. Registers: PCIe r6.0 §7.9.26.
 */
#include "opentsm/ide_regs.h"

ot_status ot_ide_host_find(ot_cfg_access *a, uint16_t *cap_off) {
  OT_ENSURE(a && cap_off, OT_E_ARG);
  return ot_pcie_find_ext_cap(a, OT_PCI_EXT_CAP_ID_IDE, 0, cap_off, NULL);
}

/* Number of Link IDE blocks: TCs + 1 when Link IDE is supported (§7.9.26.2). */
static uint8_t link_blocks(uint32_t cap) {
  if (!(cap & OT_IDE_CAP_LINK)) return 0;
  return (uint8_t)(OT_FIELD_GET(OT_IDE_CAP_LINK_TCS, cap) + 1u);
}

static unsigned sel_blocks(uint32_t cap) {
  if (!(cap & OT_IDE_CAP_SELECTIVE)) return 0;
  return OT_FIELD_GET(OT_IDE_CAP_SEL_STREAMS, cap) + 1u;
}

ot_status ot_ide_host_sel_block(ot_cfg_access *a, uint16_t cap_off, uint8_t index, uint16_t *off,
                                uint8_t *n_addr) {
  OT_ENSURE(a && off && n_addr, OT_E_ARG);
  uint32_t cap;
  OT_GUARD(ot_cfg_read32(a, (uint16_t)(cap_off + OT_IDE_REG_CAP), &cap));
  OT_ENSURE(index < sel_blocks(cap), OT_E_NOT_FOUND);
  /* Walk block by block: each says how many address blocks follow it (§7.9.26.5.1). */
  uint32_t at =
      (uint32_t)cap_off + OT_IDE_REG_LINK_START + OT_IDE_LINK_BLOCK_SIZE * link_blocks(cap);
  for (unsigned i = 0;; i++) {
    OT_ENSURE(at + OT_IDE_SEL_BLOCK_FIXED <= OT_PCI_CFG_EXT_SIZE, OT_E_MALFORMED);
    uint32_t sc;
    OT_GUARD(ot_cfg_read32(a, (uint16_t)(at + OT_IDE_SEL_CAP), &sc));
    uint8_t n = (uint8_t)OT_FIELD_GET(OT_IDE_SEL_CAP_ADDR_BLOCKS, sc);
    OT_ENSURE(at + OT_IDE_SEL_BLOCK_SIZE(n) <= OT_PCI_CFG_EXT_SIZE, OT_E_MALFORMED);
    if (i == index) {
      *off = (uint16_t)at;
      *n_addr = n;
      return OT_SUCCESS;
    }
    at += OT_IDE_SEL_BLOCK_SIZE(n);
  }
}

static bool range_ok(const ot_ide_host_range *r) {
  const uint64_t granule = (UINT64_C(1) << OT_IDE_ADDR_GRANULE_SHIFT) - 1u;
  return (r->base & granule) == 0 && (r->limit & granule) == granule && r->base <= r->limit;
}

/* Address Association Register 1 (§7.9.26.5.5.1; SPEC-FACTS T10). */
static uint32_t addr1_of(const ot_ide_host_range *r) {
  return OT_IDE_ADDR1_VALID |
         OT_FIELD_PREP(OT_IDE_ADDR1_BASE_LOW, (uint32_t)(r->base >> OT_IDE_ADDR_GRANULE_SHIFT)) |
         OT_FIELD_PREP(OT_IDE_ADDR1_LIMIT_LOW, (uint32_t)(r->limit >> OT_IDE_ADDR_GRANULE_SHIFT));
}

static uint32_t ctl_of(const ot_ide_host_stream *s) {
  uint32_t v = OT_FIELD_PREP(OT_IDE_STREAM_CTL_ID, s->stream_id) |
               OT_FIELD_PREP(OT_IDE_STREAM_CTL_TC, s->tc) |
               OT_FIELD_PREP(OT_IDE_STREAM_CTL_ALG, OT_IDE_ALG_AES_GCM_256);
  if (s->default_stream) v |= OT_IDE_STREAM_CTL_DEFAULT;
  if (s->cfg_requests) v |= OT_IDE_STREAM_CTL_CFG;
  if (s->tee_limited) v |= OT_IDE_STREAM_CTL_TEE_LIMITED;
  return v; /* Enable = 0 */
}

ot_status ot_ide_host_stream_setup(ot_cfg_access *a, uint16_t cap_off,
                                   const ot_ide_host_stream *s) {
  OT_ENSURE(s != NULL && s->tc <= 7, OT_E_ARG);
  uint16_t off;
  uint8_t n_addr;
  OT_GUARD(ot_ide_host_sel_block(a, cap_off, s->block, &off, &n_addr));
  OT_ENSURE(s->n_ranges <= n_addr, OT_E_ARG);
  for (uint8_t j = 0; j < s->n_ranges; j++)
    OT_ENSURE(range_ok(&s->ranges[j]), OT_E_ARG);

  /* RID association first: the stream must be valid before Control names it. */
  OT_GUARD(ot_cfg_write32(a, (uint16_t)(off + OT_IDE_SEL_RID1),
                          OT_FIELD_PREP(OT_IDE_RID1_LIMIT, s->rid_limit)));
  OT_GUARD(ot_cfg_write32(a, (uint16_t)(off + OT_IDE_SEL_RID2),
                          OT_IDE_RID2_VALID | OT_FIELD_PREP(OT_IDE_RID2_BASE, s->rid_base) |
                              OT_FIELD_PREP(OT_IDE_RID2_SEGMENT, s->segment)));
  for (uint8_t j = 0; j < n_addr; j++) {
    uint16_t blk = (uint16_t)(off + OT_IDE_SEL_ADDR(j));
    bool used = j < s->n_ranges;
    const ot_ide_host_range *r = &s->ranges[j < s->n_ranges ? j : 0];
    /* Register 2 is the Limit's upper half, register 3 the Base's (SPEC-FACTS T10). */
    OT_GUARD(ot_cfg_write32(a, (uint16_t)(blk + OT_IDE_ADDR1), used ? addr1_of(r) : 0u));
    OT_GUARD(
        ot_cfg_write32(a, (uint16_t)(blk + OT_IDE_ADDR2), used ? (uint32_t)(r->limit >> 32) : 0u));
    OT_GUARD(
        ot_cfg_write32(a, (uint16_t)(blk + OT_IDE_ADDR3), used ? (uint32_t)(r->base >> 32) : 0u));
  }
  /* Control last, Enable clear: some devices need the Stream ID for IDE_KM (SPEC-FACTS §4.2). */
  return ot_cfg_write32(a, (uint16_t)(off + OT_IDE_SEL_CTL), ctl_of(s));
}

ot_status ot_ide_host_stream_state(ot_cfg_access *a, uint16_t cap_off, uint8_t block,
                                   uint8_t *state) {
  OT_ENSURE(state != NULL, OT_E_ARG);
  uint16_t off;
  uint8_t n_addr;
  OT_GUARD(ot_ide_host_sel_block(a, cap_off, block, &off, &n_addr));
  uint32_t sts;
  OT_GUARD(ot_cfg_read32(a, (uint16_t)(off + OT_IDE_SEL_STS), &sts));
  *state = (uint8_t)OT_FIELD_GET(OT_IDE_STREAM_STS_STATE, sts);
  return OT_SUCCESS;
}

ot_status ot_ide_host_stream_enable(ot_cfg_access *a, uint16_t cap_off, uint8_t block) {
  uint16_t off;
  uint8_t n_addr;
  OT_GUARD(ot_ide_host_sel_block(a, cap_off, block, &off, &n_addr));
  uint16_t ctl = (uint16_t)(off + OT_IDE_SEL_CTL);
  uint32_t v;
  OT_GUARD(ot_cfg_read32(a, ctl, &v));
  OT_GUARD(ot_cfg_write32(a, ctl, v | OT_IDE_STREAM_CTL_ENABLE));
  /* Linux treats anything but Secure right after Enable as failure (-ENXIO). */
  uint8_t state;
  OT_GUARD(ot_ide_host_stream_state(a, cap_off, block, &state));
  OT_ENSURE(state == OT_IDE_STATUS_SECURE, OT_E_STATE);
  return OT_SUCCESS;
}

ot_status ot_ide_host_stream_disable(ot_cfg_access *a, uint16_t cap_off, uint8_t block) {
  uint16_t off;
  uint8_t n_addr;
  OT_GUARD(ot_ide_host_sel_block(a, cap_off, block, &off, &n_addr));
  return ot_cfg_write32(a, (uint16_t)(off + OT_IDE_SEL_CTL), 0);
}

ot_status ot_ide_host_stream_teardown(ot_cfg_access *a, uint16_t cap_off, uint8_t block) {
  uint16_t off;
  uint8_t n_addr;
  OT_GUARD(ot_ide_host_sel_block(a, cap_off, block, &off, &n_addr));
  OT_GUARD(ot_cfg_write32(a, (uint16_t)(off + OT_IDE_SEL_CTL), 0));
  for (uint8_t j = 0; j < n_addr; j++) {
    uint16_t blk = (uint16_t)(off + OT_IDE_SEL_ADDR(j));
    OT_GUARD(ot_cfg_write32(a, (uint16_t)(blk + OT_IDE_ADDR1), 0));
    OT_GUARD(ot_cfg_write32(a, (uint16_t)(blk + OT_IDE_ADDR2), 0));
    OT_GUARD(ot_cfg_write32(a, (uint16_t)(blk + OT_IDE_ADDR3), 0));
  }
  OT_GUARD(ot_cfg_write32(a, (uint16_t)(off + OT_IDE_SEL_RID2), 0));
  return ot_cfg_write32(a, (uint16_t)(off + OT_IDE_SEL_RID1), 0);
}

/* Sets Stream ID 255 in a Control register whose Enable is clear. */
static ot_status park(ot_cfg_access *a, uint16_t ctl) {
  uint32_t v;
  OT_GUARD(ot_cfg_read32(a, ctl, &v));
  if (v & OT_IDE_STREAM_CTL_ENABLE) return OT_SUCCESS; /* a live stream is claimed as is */
  return ot_cfg_write32(a, ctl,
                        OT_FIELD_SET(OT_IDE_STREAM_CTL_ID, v, OT_IDE_HOST_RESERVED_STREAM_ID));
}

ot_status ot_ide_host_reserve_unused(ot_cfg_access *a, uint16_t cap_off) {
  OT_ENSURE(a != NULL, OT_E_ARG);
  uint32_t cap;
  OT_GUARD(ot_cfg_read32(a, (uint16_t)(cap_off + OT_IDE_REG_CAP), &cap));
  uint8_t n_link = link_blocks(cap);
  for (uint8_t i = 0; i < n_link; i++)
    OT_GUARD(park(a, (uint16_t)(cap_off + OT_IDE_REG_LINK_START + OT_IDE_LINK_BLOCK_SIZE * i +
                                OT_IDE_LINK_CTL)));
  unsigned n_sel = sel_blocks(cap);
  for (unsigned i = 0; i < n_sel; i++) {
    uint16_t off;
    uint8_t n_addr;
    OT_GUARD(ot_ide_host_sel_block(a, cap_off, (uint8_t)i, &off, &n_addr));
    OT_GUARD(park(a, (uint16_t)(off + OT_IDE_SEL_CTL)));
  }
  return OT_SUCCESS;
}
