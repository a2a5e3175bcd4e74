/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host enumeration through configuration requests only (see
 * ot_sim_enumerate in opentsm/sim_platform.h): bus numbering as Linux's
 * pci_scan_child_bus / pci_scan_bridge, BAR sizing as __pci_read_base, and a
 * depth-first address assignment that gives every bridge windows covering
 * its subtree (PCIe r6.0 §7.5.1.3.8-10).
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/spec/pcie.h"
#include "sim_internal.h"
#include "sim_regs.h"

typedef struct enum_ctx {
  ot_sim_platform *p;
  ot_sim_enum *e;
  uint8_t last_bus;
  uint64_t next32, next64; /* assignment cursors */
} enum_ctx;

static ot_status rd(enum_ctx *c, uint8_t bus, uint8_t devfn, uint16_t off, unsigned w,
                    uint32_t *v) {
  return ot_sim_cfg_read(c->p, bus, devfn, off, w, v, NULL);
}

static ot_status wr(enum_ctx *c, uint8_t bus, uint8_t devfn, uint16_t off, unsigned w, uint32_t v) {
  return ot_sim_cfg_write(c->p, bus, devfn, off, w, v, NULL);
}

/* Sizes the BARs of a Type 0 function with decoding off, as __pci_read_base does. */
static ot_status size_bars(enum_ctx *c, ot_sim_enum_fn *e) {
  uint32_t cmd;
  OT_GUARD(rd(c, e->bus, e->devfn, OT_PCI_COMMAND, 2, &cmd));
  OT_GUARD(wr(c, e->bus, e->devfn, OT_PCI_COMMAND, 2,
              cmd & ~(uint32_t)(OT_PCI_COMMAND_MEMORY | OT_PCI_COMMAND_IO)));
  for (unsigned i = 0; i < OT_SIM_MAX_BARS; i++) {
    uint16_t off = (uint16_t)(OT_PCI_BAR0 + 4u * i);
    uint32_t orig, mask;
    OT_GUARD(rd(c, e->bus, e->devfn, off, 4, &orig));
    OT_GUARD(wr(c, e->bus, e->devfn, off, 4, UINT32_MAX));
    OT_GUARD(rd(c, e->bus, e->devfn, off, 4, &mask));
    OT_GUARD(wr(c, e->bus, e->devfn, off, 4, orig));
    if (mask == 0 || (mask & OT_PCI_BAR_SPACE_IO)) continue; /* none, or I/O (not modelled) */
    uint64_t full = mask & OT_PCI_BAR_MEM_ADDR;
    e->bar_flags[i] = (uint8_t)(mask & 0xFu);
    if ((mask & OT_PCI_BAR_MEM_TYPE) == OT_PCI_BAR_MEM_TYPE_64 && i + 1 < OT_SIM_MAX_BARS) {
      uint32_t hi_orig, hi_mask;
      uint16_t hoff = (uint16_t)(off + 4u);
      OT_GUARD(rd(c, e->bus, e->devfn, hoff, 4, &hi_orig));
      OT_GUARD(wr(c, e->bus, e->devfn, hoff, 4, UINT32_MAX));
      OT_GUARD(rd(c, e->bus, e->devfn, hoff, 4, &hi_mask));
      OT_GUARD(wr(c, e->bus, e->devfn, hoff, 4, hi_orig));
      full |= (uint64_t)hi_mask << 32;
    } else {
      full |= UINT64_C(0xFFFFFFFF00000000);
    }
    e->bar_size[i] = ~full + 1u;
    if ((mask & OT_PCI_BAR_MEM_TYPE) == OT_PCI_BAR_MEM_TYPE_64) i++;
  }
  return wr(c, e->bus, e->devfn, OT_PCI_COMMAND, 2, cmd);
}

static ot_status add_function(enum_ctx *c, uint8_t bus, uint8_t devfn, int parent, uint8_t depth,
                              size_t *index) {
  OT_ENSURE(c->e->count < OT_SIM_ENUM_MAX, OT_E_NO_SPACE);
  ot_sim_enum_fn *e = &c->e->fns[c->e->count];
  memset(e, 0, sizeof *e);
  uint32_t id, cls, ht;
  OT_GUARD(rd(c, bus, devfn, OT_PCI_VENDOR_ID, 4, &id));
  OT_GUARD(rd(c, bus, devfn, OT_PCI_REVISION_ID, 4, &cls));
  OT_GUARD(rd(c, bus, devfn, OT_PCI_HEADER_TYPE, 1, &ht));
  e->bus = bus;
  e->devfn = devfn;
  e->vendor = (uint16_t)id;
  e->device = (uint16_t)(id >> 16);
  e->revision = (uint8_t)cls;
  e->class_code = cls >> 8;
  e->header_type = (uint8_t)ht;
  e->parent = parent;
  e->depth = depth;
  e->bridge = (ht & OT_PCI_HEADER_TYPE_LAYOUT) == OT_PCI_HEADER_LAYOUT_TYPE1;
  if (!e->bridge) OT_GUARD(size_bars(c, e));
  *index = c->e->count++;
  return OT_SUCCESS;
}

static ot_status scan_bus(enum_ctx *c, uint8_t bus, int parent, uint8_t depth);

/* Numbers the bus below bridge e and everything under it (pci_scan_bridge, first pass). */
static ot_status scan_bridge(enum_ctx *c, size_t index, uint8_t depth) {
  ot_sim_enum_fn *e = &c->e->fns[index];
  OT_ENSURE(c->last_bus < 0xFF, OT_E_NO_SPACE);
  uint8_t sec = ++c->last_bus;
  uint32_t dw;
  OT_GUARD(rd(c, e->bus, e->devfn, OT_PCI_T1_PRIMARY_BUS, 4, &dw));
  /* Primary, secondary, subordinate = 0xFF while the buses below are unknown. */
  dw = (dw & 0xFF000000u) | e->bus | ((uint32_t)sec << 8) | (UINT32_C(0xFF) << 16);
  OT_GUARD(wr(c, e->bus, e->devfn, OT_PCI_T1_PRIMARY_BUS, 4, dw));
  OT_GUARD(scan_bus(c, sec, (int)index, (uint8_t)(depth + 1)));
  OT_GUARD(wr(c, e->bus, e->devfn, OT_PCI_T1_SUBORDINATE_BUS, 1, c->last_bus));
  e = &c->e->fns[index];
  e->secondary = sec;
  e->subordinate = c->last_bus;
  return OT_SUCCESS;
}

static ot_status scan_bus(enum_ctx *c, uint8_t bus, int parent, uint8_t depth) {
  for (uint8_t dev = 0; dev < 32; dev++) {
    uint32_t vendor, ht;
    OT_GUARD(rd(c, bus, OT_SIM_DEVFN(dev, 0), OT_PCI_VENDOR_ID, 2, &vendor));
    if (vendor == OT_PCI_VENDOR_NONE) continue;
    OT_GUARD(rd(c, bus, OT_SIM_DEVFN(dev, 0), OT_PCI_HEADER_TYPE, 1, &ht));
    /* PCIe r6.0 §7.5.1.1.9: functions 1..7 exist only behind a Multi-Function Device bit. */
    uint8_t nfn = (ht & OT_PCI_HEADER_TYPE_MFD) ? 8 : 1;
    for (uint8_t fn = 0; fn < nfn; fn++) {
      uint8_t devfn = OT_SIM_DEVFN(dev, fn);
      OT_GUARD(rd(c, bus, devfn, OT_PCI_VENDOR_ID, 2, &vendor));
      if (vendor == OT_PCI_VENDOR_NONE) continue;
      size_t index;
      OT_GUARD(add_function(c, bus, devfn, parent, depth, &index));
      if (c->e->fns[index].bridge) OT_GUARD(scan_bridge(c, index, depth));
    }
  }
  return OT_SUCCESS;
}

/* ---- address assignment ------------------------------------------------------------ */

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1u) & ~(a - 1u); }

static ot_status place(uint64_t *cursor, uint64_t limit, uint64_t size, uint64_t *addr) {
  uint64_t at = align_up(*cursor, size);
  OT_ENSURE(at >= *cursor && at <= limit && size - 1u <= limit - at, OT_E_NO_SPACE);
  *addr = at;
  *cursor = at + size;
  return OT_SUCCESS;
}

static ot_status assign_bars(enum_ctx *c, ot_sim_enum_fn *e) {
  for (unsigned i = 0; i < OT_SIM_MAX_BARS; i++) {
    if (e->bar_size[i] == 0) continue;
    bool is64 = (e->bar_flags[i] & OT_PCI_BAR_MEM_TYPE) == OT_PCI_BAR_MEM_TYPE_64;
    bool pref = e->bar_flags[i] & OT_PCI_BAR_MEM_PREFETCH;
    /* Only 64-bit prefetchable BARs may go above 4 GiB: the non-prefetchable window is 32-bit. */
    uint64_t addr;
    if (is64 && pref) {
      OT_GUARD(place(&c->next64, OT_SIM_MMIO64_LIMIT, e->bar_size[i], &addr));
    } else {
      OT_GUARD(place(&c->next32, OT_SIM_MMIO32_LIMIT, e->bar_size[i], &addr));
    }
    e->bar_addr[i] = addr;
    uint16_t off = (uint16_t)(OT_PCI_BAR0 + 4u * i);
    OT_GUARD(wr(c, e->bus, e->devfn, off, 4, (uint32_t)addr));
    if (is64) OT_GUARD(wr(c, e->bus, e->devfn, (uint16_t)(off + 4u), 4, (uint32_t)(addr >> 32)));
  }
  return OT_SUCCESS;
}

/* Programs a bridge's windows over [lo, hi) of each pool; an empty range disables it. */
static ot_status program_windows(enum_ctx *c, const ot_sim_enum_fn *e, uint64_t lo32, uint64_t hi32,
                                 uint64_t lo64, uint64_t hi64) {
  uint32_t base = 0xFFF0u, limit = 0; /* base above limit: the window is closed */
  if (hi32 > lo32) {
    base = (uint32_t)(lo32 >> 16) & 0xFFF0u;
    limit = (uint32_t)((hi32 - 1u) >> 16) & 0xFFF0u;
  }
  OT_GUARD(wr(c, e->bus, e->devfn, OT_PCI_T1_MEM_BASE, 4, base | (limit << 16)));
  uint64_t pbase = UINT64_C(0xFFF00000), plimit = 0;
  if (hi64 > lo64) {
    pbase = lo64;
    plimit = hi64 - 1u;
  }
  uint32_t pw = (((uint32_t)(pbase >> 16) & 0xFFF0u) | OT_PCI_PREF_RANGE_64) |
                ((((uint32_t)(plimit >> 16) & 0xFFF0u) | OT_PCI_PREF_RANGE_64) << 16);
  OT_GUARD(wr(c, e->bus, e->devfn, OT_PCI_T1_PREF_BASE, 4, pw));
  OT_GUARD(wr(c, e->bus, e->devfn, OT_PCI_T1_PREF_BASE_UPPER, 4, (uint32_t)(pbase >> 32)));
  OT_GUARD(wr(c, e->bus, e->devfn, OT_PCI_T1_PREF_LIMIT_UPPER, 4, (uint32_t)(plimit >> 32)));
  uint32_t cmd;
  OT_GUARD(rd(c, e->bus, e->devfn, OT_PCI_COMMAND, 2, &cmd));
  return wr(c, e->bus, e->devfn, OT_PCI_COMMAND, 2,
            cmd | OT_PCI_COMMAND_MEMORY | OT_PCI_COMMAND_MASTER);
}

static ot_status assign_below(enum_ctx *c, int parent) {
  for (size_t j = 0; j < c->e->count; j++) {
    ot_sim_enum_fn *e = &c->e->fns[j];
    if (e->parent != parent) continue;
    if (!e->bridge) {
      OT_GUARD(assign_bars(c, e));
      continue;
    }
    c->next32 = align_up(c->next32, OT_PCI_WINDOW_ALIGN);
    c->next64 = align_up(c->next64, OT_PCI_WINDOW_ALIGN);
    uint64_t lo32 = c->next32, lo64 = c->next64;
    OT_GUARD(assign_below(c, (int)j));
    c->next32 = align_up(c->next32, OT_PCI_WINDOW_ALIGN);
    c->next64 = align_up(c->next64, OT_PCI_WINDOW_ALIGN);
    OT_ENSURE(c->next32 - 1u <= OT_SIM_MMIO32_LIMIT && c->next64 - 1u <= OT_SIM_MMIO64_LIMIT,
              OT_E_NO_SPACE);
    OT_GUARD(program_windows(c, e, lo32, c->next32, lo64, c->next64));
  }
  return OT_SUCCESS;
}

ot_status ot_sim_enumerate(ot_sim_platform *p, uint8_t root_bus, ot_sim_enum *out) {
  OT_ENSURE(p != NULL && out != NULL, OT_E_ARG);
  ot_sim_enum *scratch = calloc(1, sizeof *scratch);
  OT_ENSURE(scratch != NULL, OT_E_NOMEM);
  enum_ctx c = {.p = p,
                .e = scratch,
                .last_bus = root_bus,
                .next32 = OT_SIM_MMIO32_BASE,
                .next64 = OT_SIM_MMIO64_BASE};
  ot_status st = scan_bus(&c, root_bus, -1, 0);
  if (ot_ok(st)) st = assign_below(&c, -1);
  if (ot_ok(st)) {
    scratch->last_bus = c.last_bus;
    memcpy(out, scratch, sizeof *out);
  }
  free(scratch);
  return st;
}

int ot_sim_enum_find(const ot_sim_enum *e, uint8_t bus, uint8_t devfn) {
  for (size_t i = 0; i < e->count; i++) {
    if (e->fns[i].bus == bus && e->fns[i].devfn == devfn) return (int)i;
  }
  return -1;
}
