/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config-space guard: ot_cfg_hooks on a TDI's function that turn host
 * writes to locked registers into TDI events (PCIe r6.0 §11.2: while a TDI is
 * CONFIG_LOCKED or RUN, changes to its locked configuration move it to ERROR).
 *
 * A write is a violation when it *changes* a locked field against the
 * snapshot taken at LOCK (a rewrite of the same value changes nothing the TVM
 * relies on). Locked here: Memory Space Enable and Bus Master Enable in
 * Command, the six BARs, and, when LOCK_MSIX was requested, the MSI-X
 * capability's Message Control, Table and PBA registers. Initiate Function
 * Level Reset is not a field but an action: writing it raises FLR.
 */
#include "tdisp_internal.h"

/* PCI Express capability, Device Control (PCIe r6.0 §7.5.3.4): offset from the
 * capability and the Initiate Function Level Reset bit. */
#define PCIE_CAP_DEVCTL 0x08u
#define PCIE_DEVCTL_BCR_FLR 0x8000u
/* MSI-X capability size: header + Message Control, Table, PBA (PCIe r6.0 §7.7.2). */
#define MSIX_CAP_SIZE 12u
/* BAR block: six DWs from 0x10 (PCIe r6.0 §7.5.1.2.1). */
#define BAR_BLOCK_SIZE (4u * OT_PCI_BAR_COUNT)

enum guard_kind { GUARD_COMMAND, GUARD_BARS, GUARD_MSIX, GUARD_DEVCTL };

static bool locked(const ot_tdisp_tdi *t) {
  return t->state == OT_TDI_CONFIG_LOCKED || t->state == OT_TDI_RUN;
}

static bool command_changed(const ot_tdisp_tdi *t, ot_cfg_space *cfg) {
  uint16_t now = (uint16_t)(ot_cfg_peek32(cfg, OT_PCI_COMMAND) &
                            (OT_PCI_COMMAND_MEMORY | OT_PCI_COMMAND_MASTER));
  return now != t->snap.command;
}

static bool bar_changed(const ot_tdisp_tdi *t, ot_cfg_space *cfg, uint16_t reg) {
  unsigned i = (unsigned)(reg - OT_PCI_BAR0) / 4u;
  return i < OT_PCI_BAR_COUNT && ot_cfg_peek32(cfg, reg) != t->snap.bar[i];
}

static bool msix_changed(const ot_tdisp_tdi *t, ot_cfg_space *cfg, uint16_t reg) {
  if (!(t->lock.flags & OT_TDISP_LOCK_MSIX) || t->snap.msix_cap == 0) return false;
  unsigned i = (unsigned)(reg - t->snap.msix_cap) / 4u;
  return i < 3 && ot_cfg_peek32(cfg, reg) != t->snap.msix[i];
}

static void on_write(ot_cfg_hook *h, ot_cfg_space *cfg, uint16_t reg, uint32_t value,
                     uint8_t byte_enable) {
  ot_tdisp_guard_hook *gh = (ot_tdisp_guard_hook *)h;
  ot_tdisp_tdi *t = gh->guard->tdi;
  if (!locked(t)) return;
  switch (gh->kind) {
  case GUARD_COMMAND:
    if (command_changed(t, cfg)) (void)ot_tdisp_tdi_event(t, OT_TDISP_EV_CFG_LOCKED_WRITE);
    break;
  case GUARD_BARS:
    if (bar_changed(t, cfg, reg)) (void)ot_tdisp_tdi_event(t, OT_TDISP_EV_CFG_LOCKED_WRITE);
    break;
  case GUARD_MSIX:
    if (msix_changed(t, cfg, reg)) (void)ot_tdisp_tdi_event(t, OT_TDISP_EV_CFG_LOCKED_WRITE);
    break;
  case GUARD_DEVCTL:
    /* Device Control is the low half of the DW: lanes 0-1. */
    if ((byte_enable & 0x2u) && (value & PCIE_DEVCTL_BCR_FLR))
      (void)ot_tdisp_tdi_event(t, OT_TDISP_EV_FLR);
    break;
  default: break;
  }
}

typedef struct range {
  uint8_t kind;
  uint16_t base, len;
} range;

/* True if [base, base + len) overlaps a hook already on cfg. */
static bool taken(const ot_cfg_space *cfg, uint16_t base, uint16_t len) {
  for (size_t i = 0; i < cfg->hook_count; i++) {
    const ot_cfg_hook *h = cfg->hooks[i];
    if (base < h->base + h->len && h->base < base + len) return true;
  }
  return false;
}

ot_status ot_tdisp_guard_install(ot_tdisp_guard *g, ot_tdisp_tdi *tdi) {
  OT_ENSURE(g && tdi && tdi->desc->cfg, OT_E_ARG);
  ot_cfg_space *cfg = tdi->desc->cfg;
  range want[OT_TDISP_GUARD_HOOKS];
  size_t n = 0;
  want[n++] = (range){GUARD_COMMAND, OT_PCI_COMMAND, 4};
  want[n++] = (range){GUARD_BARS, OT_PCI_BAR0, BAR_BLOCK_SIZE};
  uint16_t msix = tdisp_find_cap(cfg, OT_PCI_CAP_ID_MSIX);
  if (msix) want[n++] = (range){GUARD_MSIX, msix, MSIX_CAP_SIZE};
  uint16_t exp = tdisp_find_cap(cfg, OT_PCI_CAP_ID_EXP);
  if (exp) want[n++] = (range){GUARD_DEVCTL, (uint16_t)(exp + PCIE_CAP_DEVCTL), 4};
  /* The pcie model cannot remove a hook, so check everything before adding
   * anything: all or nothing. */
  OT_ENSURE(cfg->hook_count + n <= OT_CFG_MAX_HOOKS, OT_E_NO_SPACE);
  for (size_t i = 0; i < n; i++)
    OT_ENSURE(!taken(cfg, want[i].base, want[i].len), OT_E_EXISTS);
  g->tdi = tdi;
  g->hook_count = 0;
  for (size_t i = 0; i < n; i++) {
    ot_tdisp_guard_hook *gh = &g->hooks[i];
    gh->base.on_read = NULL;
    gh->base.on_write = on_write;
    gh->guard = g;
    gh->kind = want[i].kind;
    /* Cannot fail after the checks above (ranges are DW-aligned and in 4 KiB). */
    OT_GUARD(ot_cfg_add_hook(cfg, &gh->base, want[i].base, want[i].len));
    g->hook_count++;
  }
  return OT_SUCCESS;
}
