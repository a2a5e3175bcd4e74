/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * In-process configuration space model and its accessor: see opentsm/pcie.h.
 * PCIe r6.0 §7.5.1 (header registers and their attributes), §7.6.3 (extended
 * capability header).
 */
#include <string.h>

#include "opentsm/pcie.h"

/* ---- byte-level helpers ----------------------------------------------------- */

static void store_le(uint8_t *p, unsigned width, uint32_t v) {
  for (unsigned i = 0; i < width; i++) p[i] = (uint8_t)(v >> (8u * i));
}

static uint32_t load_le(const uint8_t *p, unsigned width) {
  uint32_t v = 0;
  for (unsigned i = 0; i < width; i++) v |= (uint32_t)p[i] << (8u * i);
  return v;
}

/* A width of 1, 2 or 4 bytes at a naturally aligned offset inside 4 KiB. */
static bool access_ok(uint32_t off, unsigned width) {
  if (width != 1 && width != 2 && width != 4) return false;
  return off % width == 0 && off + width <= OT_PCI_CFG_EXT_SIZE;
}

static void set_masks(ot_cfg_space *cfg, uint16_t off, unsigned width, uint32_t rw, uint32_t rw1c) {
  store_le(&cfg->rw[off], width, rw);
  store_le(&cfg->rw1c[off], width, rw1c);
}

static ot_cfg_hook *hook_for(const ot_cfg_space *cfg, uint16_t reg) {
  for (size_t i = 0; i < cfg->hook_count; i++) {
    ot_cfg_hook *h = cfg->hooks[i];
    if (reg >= h->base && reg - h->base < h->len) return h;
  }
  return NULL;
}

/* ---- initialisation --------------------------------------------------------- */

/* Registers every layout has, with their software-visible attributes (§7.5.1.1). */
static void init_common(ot_cfg_space *cfg, const ot_cfg_ident *id) {
  store_le(&cfg->data[OT_PCI_VENDOR_ID], 2, id->vendor);
  store_le(&cfg->data[OT_PCI_DEVICE_ID], 2, id->device);
  cfg->data[OT_PCI_REVISION_ID] = id->revision;
  store_le(&cfg->data[OT_PCI_CLASS_CODE], 3, id->class_code);
  cfg->data[OT_PCI_HEADER_TYPE] =
      (uint8_t)(id->layout | (id->multi_function ? OT_PCI_HEADER_TYPE_MFD : 0u));

  set_masks(cfg, OT_PCI_COMMAND, 2, OT_PCI_COMMAND_RW, 0);
  set_masks(cfg, OT_PCI_STATUS, 2, 0, OT_PCI_STATUS_RW1C);
  /* Cache Line Size is RW with no effect in PCIe (§7.5.1.1.7); Latency Timer is RO 0. */
  set_masks(cfg, OT_PCI_CACHE_LINE, 1, 0xFFu, 0);
  set_masks(cfg, OT_PCI_INTERRUPT_LINE, 1, 0xFFu, 0); /* §7.5.1.1.12: RW scratch */
}

static void init_type0(ot_cfg_space *cfg, const ot_cfg_ident *id) {
  store_le(&cfg->data[OT_PCI_SUBSYS_VENDOR], 2, id->subsys_vendor);
  store_le(&cfg->data[OT_PCI_SUBSYS_ID], 2, id->subsys_id);
}

/* Bridge registers (§7.5.1.3): bus numbers and forwarding windows are RW. */
static void init_type1(ot_cfg_space *cfg) {
  set_masks(cfg, OT_PCI_T1_PRIMARY_BUS, 1, 0xFFu, 0);
  set_masks(cfg, OT_PCI_T1_SECONDARY_BUS, 1, 0xFFu, 0);
  set_masks(cfg, OT_PCI_T1_SUBORDINATE_BUS, 1, 0xFFu, 0);
  /* Window registers: the address bits are RW, the low nibble (capability) RO 0. */
  set_masks(cfg, OT_PCI_T1_IO_BASE, 1, 0xF0u, 0);
  set_masks(cfg, OT_PCI_T1_IO_LIMIT, 1, 0xF0u, 0);
  set_masks(cfg, OT_PCI_T1_SEC_STATUS, 2, 0, OT_PCI_T1_SEC_STATUS_RW1C);
  set_masks(cfg, OT_PCI_T1_MEM_BASE, 2, 0xFFF0u, 0);
  set_masks(cfg, OT_PCI_T1_MEM_LIMIT, 2, 0xFFF0u, 0);
  set_masks(cfg, OT_PCI_T1_PREF_BASE, 2, 0xFFF0u, 0);
  set_masks(cfg, OT_PCI_T1_PREF_LIMIT, 2, 0xFFF0u, 0);
  set_masks(cfg, OT_PCI_T1_BRIDGE_CONTROL, 2, OT_PCI_T1_BRIDGE_CONTROL_RW, 0);
}

ot_status ot_cfg_init(ot_cfg_space *cfg, const ot_cfg_ident *id) {
  OT_ENSURE(id->layout == OT_PCI_HEADER_LAYOUT_TYPE0 || id->layout == OT_PCI_HEADER_LAYOUT_TYPE1,
            OT_E_ARG);
  OT_ENSURE(id->class_code <= 0xFFFFFFu, OT_E_ARG);

  memset(cfg, 0, sizeof *cfg);
  init_common(cfg, id);
  if (id->layout == OT_PCI_HEADER_LAYOUT_TYPE0) {
    init_type0(cfg, id);
  } else {
    init_type1(cfg);
  }
  cfg->cap_free = OT_PCI_CAP_MIN_OFFSET;
  cfg->ext_free = OT_PCI_EXT_CAP_START;
  return OT_SUCCESS;
}

/* ---- host-side access ------------------------------------------------------- */

ot_status ot_cfg_space_read(ot_cfg_space *cfg, uint16_t off, unsigned width, uint32_t *val) {
  OT_ENSURE(access_ok(off, width), OT_E_ARG);
  uint16_t reg = (uint16_t)(off & ~3u);
  ot_cfg_hook *h = hook_for(cfg, reg);
  if (h && h->on_read) h->on_read(h, cfg, reg);
  *val = load_le(&cfg->data[off], width);
  return OT_SUCCESS;
}

ot_status ot_cfg_space_write(ot_cfg_space *cfg, uint16_t off, unsigned width, uint32_t val) {
  OT_ENSURE(access_ok(off, width), OT_E_ARG);
  for (unsigned i = 0; i < width; i++) {
    uint8_t b = (uint8_t)(val >> (8u * i));
    uint8_t rw = cfg->rw[off + i];
    uint8_t d = (uint8_t)((cfg->data[off + i] & ~rw) | (b & rw));
    cfg->data[off + i] = (uint8_t)(d & ~(b & cfg->rw1c[off + i]));
  }
  uint16_t reg = (uint16_t)(off & ~3u);
  ot_cfg_hook *h = hook_for(cfg, reg);
  if (h && h->on_write) {
    unsigned lane = off & 3u;
    uint32_t lanes = width == 4 ? val : (val & ((UINT32_C(1) << (8u * width)) - 1u)) << (8u * lane);
    uint8_t be = (uint8_t)(((1u << width) - 1u) << lane);
    h->on_write(h, cfg, reg, lanes, be);
  }
  return OT_SUCCESS;
}

/* ---- device-side access ----------------------------------------------------- */

uint32_t ot_cfg_peek32(const ot_cfg_space *cfg, uint16_t off) {
  return load_le(&cfg->data[off & OT_PCI_EXT_CAP_NEXT_ALIGN], 4);
}

void ot_cfg_poke32(ot_cfg_space *cfg, uint16_t off, uint32_t val) {
  store_le(&cfg->data[off & OT_PCI_EXT_CAP_NEXT_ALIGN], 4, val);
}

ot_status ot_cfg_set_access(ot_cfg_space *cfg, uint16_t off, unsigned width, uint32_t rw,
                            uint32_t rw1c) {
  OT_ENSURE(access_ok(off, width), OT_E_ARG);
  uint32_t all = width == 4 ? UINT32_MAX : (UINT32_C(1) << (8u * width)) - 1u;
  OT_ENSURE((rw & rw1c) == 0, OT_E_ARG);
  OT_ENSURE(((rw | rw1c) & ~all) == 0, OT_E_ARG);
  set_masks(cfg, off, width, rw, rw1c);
  return OT_SUCCESS;
}

/* ---- building the capability lists ---------------------------------------------- */

static size_t round_dw(size_t n) { return (n + 3u) & ~(size_t)3u; }

ot_status ot_cfg_add_cap(ot_cfg_space *cfg, uint8_t id, size_t size, uint16_t *off) {
  OT_ENSURE(size >= OT_PCI_CAP_HDR_SIZE && size <= OT_PCI_CFG_SIZE, OT_E_ARG);
  size_t need = round_dw(size);
  OT_ENSURE(need <= OT_PCI_CFG_SIZE - cfg->cap_free, OT_E_NO_SPACE);

  uint16_t at = cfg->cap_free;
  cfg->data[at] = id;
  cfg->data[at + 1] = 0; /* end of list until another is added */
  if (cfg->cap_last == 0) {
    cfg->data[OT_PCI_CAP_PTR] = (uint8_t)at;
  } else {
    cfg->data[cfg->cap_last + 1] = (uint8_t)at;
  }
  /* Status.Capabilities List: hardwired 1 in PCIe once any capability exists. */
  cfg->data[OT_PCI_STATUS] |= (uint8_t)OT_PCI_STATUS_CAP_LIST;
  cfg->cap_last = at;
  cfg->cap_free = (uint16_t)(at + need);
  *off = at;
  return OT_SUCCESS;
}

ot_status ot_cfg_add_ext_cap(ot_cfg_space *cfg, uint16_t id, uint8_t version, size_t size,
                             uint16_t *off) {
  OT_ENSURE(size >= OT_PCI_EXT_CAP_HDR_SIZE && size <= OT_PCI_CFG_EXT_SIZE, OT_E_ARG);
  OT_ENSURE(OT_FIELD_FITS(OT_PCI_EXT_CAP_VER, version), OT_E_ARG);
  size_t need = round_dw(size);
  OT_ENSURE(need <= OT_PCI_CFG_EXT_SIZE - cfg->ext_free, OT_E_NO_SPACE);

  uint16_t at = cfg->ext_free;
  ot_cfg_poke32(cfg, at,
                OT_FIELD_PREP(OT_PCI_EXT_CAP_ID, id) | OT_FIELD_PREP(OT_PCI_EXT_CAP_VER, version));
  if (cfg->ext_last != 0) {
    uint32_t prev = ot_cfg_peek32(cfg, cfg->ext_last);
    ot_cfg_poke32(cfg, cfg->ext_last, OT_FIELD_SET(OT_PCI_EXT_CAP_NEXT, prev, at));
  }
  cfg->ext_last = at;
  cfg->ext_free = (uint16_t)(at + need);
  *off = at;
  return OT_SUCCESS;
}

ot_status ot_cfg_add_hook(ot_cfg_space *cfg, ot_cfg_hook *h, uint16_t base, uint16_t len) {
  OT_ENSURE((base & 3u) == 0 && (len & 3u) == 0 && len > 0, OT_E_ARG);
  OT_ENSURE(len <= OT_PCI_CFG_EXT_SIZE - base, OT_E_ARG);
  for (size_t i = 0; i < cfg->hook_count; i++) {
    const ot_cfg_hook *o = cfg->hooks[i];
    bool disjoint = base + len <= o->base || o->base + o->len <= base;
    OT_ENSURE(disjoint, OT_E_EXISTS);
  }
  OT_ENSURE(cfg->hook_count < OT_CFG_MAX_HOOKS, OT_E_NO_SPACE);
  h->base = base;
  h->len = len;
  cfg->hooks[cfg->hook_count++] = h;
  return OT_SUCCESS;
}

/* ---- in-process accessor -------------------------------------------------------- */

/* The accessor member is first, so the cast recovers the enclosing object. */
static ot_cfg_inproc *as_inproc(ot_cfg_access *a) { return (ot_cfg_inproc *)(void *)a; }

static ot_status inproc_read32(ot_cfg_access *a, uint16_t off, uint32_t *val) {
  OT_ENSURE(ot_cfg_dw_offset_ok(off), OT_E_ARG);
  return ot_cfg_space_read(as_inproc(a)->cfg, off, 4, val);
}

static ot_status inproc_write32(ot_cfg_access *a, uint16_t off, uint32_t val) {
  OT_ENSURE(ot_cfg_dw_offset_ok(off), OT_E_ARG);
  return ot_cfg_space_write(as_inproc(a)->cfg, off, 4, val);
}

void ot_cfg_inproc_init(ot_cfg_inproc *a, ot_cfg_space *cfg) {
  a->base.read32 = inproc_read32;
  a->base.write32 = inproc_write32;
  a->cfg = cfg;
}
