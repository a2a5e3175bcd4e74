/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building one function's configuration space from its profile: the header,
 * the PCI Express capability, the BAR decoder and the DOE mailbox. See
 * opentsm/sim_platform.h.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/spec/pcie.h"
#include "sim_internal.h"
#include "sim_regs.h"

/* ---- BAR decoder (PCIe r6.0 §7.5.1.2.1) ------------------------------------------ */

/*
 * Each BAR register keeps its read-only type bits and takes only the address
 * bits above its size, so writing all ones reads back the size mask that
 * software turns into the size. Unimplemented BARs read 0.
 */
static void bars_on_write(ot_cfg_hook *h, ot_cfg_space *cfg, uint16_t reg, uint32_t value,
                          uint8_t byte_enable) {
  ot_sim_bars *b = (ot_sim_bars *)(void *)h;
  size_t i = (size_t)(reg - OT_PCI_BAR0) / 4u;
  if (i >= OT_SIM_MAX_BARS) return;
  uint32_t lanes = 0;
  for (unsigned k = 0; k < 4; k++) {
    if (byte_enable & (1u << k)) lanes |= UINT32_C(0xFF) << (8u * k);
  }
  uint32_t now = ot_cfg_peek32(cfg, reg);
  uint32_t merged = (now & ~lanes) | (value & lanes);
  ot_cfg_poke32(cfg, reg, (merged & b->lo_mask[i]) | b->flags[i]);
  if (b->next != NULL && b->next->on_write != NULL)
    b->next->on_write(b->next, cfg, reg, value, byte_enable);
}

static void bars_on_read(ot_cfg_hook *h, ot_cfg_space *cfg, uint16_t reg) {
  ot_sim_bars *b = (ot_sim_bars *)(void *)h;
  if (b->next != NULL && b->next->on_read != NULL) b->next->on_read(b->next, cfg, reg);
}

static ssize_t hook_index(const ot_cfg_space *cfg, const ot_cfg_hook *h) {
  for (size_t i = 0; i < cfg->hook_count; i++)
    if (cfg->hooks[i] == h) return (ssize_t)i;
  return -1;
}

ot_status ot_sim_function_watch_bars(ot_sim_function *f, ot_status (*install)(void *ctx),
                                     void *ctx) {
  OT_ENSURE(f != NULL && install != NULL, OT_E_ARG);
  ot_sim_bars *b = &f->bars;
  OT_ENSURE(b->next == NULL, OT_E_STATE);
  ot_cfg_space *cfg = &f->cfg;
  ssize_t at = hook_index(cfg, &b->hook);
  OT_ENSURE(at >= 0, OT_E_STATE);
  /* Off the block, so that install can claim it. */
  memmove(&cfg->hooks[at], &cfg->hooks[at + 1],
          (cfg->hook_count - (size_t)at - 1) * sizeof(void *));
  cfg->hook_count--;
  ot_status st = install(ctx);
  ot_cfg_hook *w = NULL;
  for (size_t i = 0; ot_ok(st) && i < cfg->hook_count; i++)
    if (cfg->hooks[i]->base == OT_PCI_BAR0) w = cfg->hooks[i];
  if (ot_ok(st) && w == NULL) st = ot_status_of(OT_E_STATE);
  if (!ot_ok(st)) {
    cfg->hooks[cfg->hook_count++] = &b->hook;
    return st;
  }
  /* The decoder takes the watcher's place and calls it after itself. */
  cfg->hooks[hook_index(cfg, w)] = &b->hook;
  b->next = w;
  return OT_SUCCESS;
}

static ot_status bars_install(ot_sim_function *f) {
  ot_sim_bars *b = &f->bars;
  memset(b, 0, sizeof *b);
  b->hook.on_write = bars_on_write;
  b->hook.on_read = bars_on_read;
  for (size_t k = 0; k < f->desc->bar_count; k++) {
    const ot_sim_bar_desc *d = &f->desc->bars[k];
    uint64_t addr_mask = ~(d->size - 1u);
    uint32_t flags = d->prefetchable ? OT_PCI_BAR_MEM_PREFETCH : 0u;
    if (d->type == OT_SIM_BAR_MEM64) {
      flags |= OT_PCI_BAR_MEM_TYPE_64;
      b->lo_mask[d->index + 1u] = (uint32_t)(addr_mask >> 32);
      b->flags[d->index + 1u] = 0;
    }
    b->lo_mask[d->index] = (uint32_t)addr_mask & OT_PCI_BAR_MEM_ADDR;
    b->flags[d->index] = flags;
  }
  for (size_t i = 0; i < OT_SIM_MAX_BARS; i++)
    ot_cfg_poke32(&f->cfg, (uint16_t)(OT_PCI_BAR0 + 4u * i), b->flags[i]);
  return ot_cfg_add_hook(&f->cfg, &b->hook, OT_PCI_BAR0, 4u * OT_SIM_MAX_BARS);
}

/* ---- PCI Express capability (PCIe r6.0 §7.5.3) ------------------------------------- */

static uint8_t port_type(ot_sim_node_kind k) {
  switch (k) {
  case OT_SIM_ROOT_PORT: return OT_PCIE_TYPE_ROOT_PORT;
  case OT_SIM_SWITCH_UPSTREAM: return OT_PCIE_TYPE_UPSTREAM;
  case OT_SIM_SWITCH_DOWNSTREAM: return OT_PCIE_TYPE_DOWNSTREAM;
  case OT_SIM_ENDPOINT:
  case OT_SIM_ROOT_COMPLEX:
  case OT_SIM_NODE_KIND_COUNT:
  default: return OT_PCIE_TYPE_ENDPOINT;
  }
}

static void poke16(ot_cfg_space *cfg, uint16_t off, uint16_t v) {
  uint32_t dw = ot_cfg_peek32(cfg, off);
  unsigned shift = (off & 2u) * 8u;
  dw = (dw & ~(UINT32_C(0xFFFF) << shift)) | ((uint32_t)v << shift);
  ot_cfg_poke32(cfg, off, dw);
}

static ot_status express_install(ot_sim_platform *p, ot_sim_function *f) {
  const ot_sim_node *n = f->node;
  const ot_sim_node_desc *nd = n->desc;
  ot_cfg_space *cfg = &f->cfg;
  uint16_t at;
  OT_GUARD(ot_cfg_add_cap(cfg, OT_PCI_CAP_ID_EXP, OT_PCIE_CAP_SIZEOF, &at));
  f->exp_cap = at;
  bool downstream_port = nd->kind == OT_SIM_ROOT_PORT || nd->kind == OT_SIM_SWITCH_DOWNSTREAM;
  /* The link this port trains: a downstream-facing port's is described on its child. */
  const ot_sim_node *child = downstream_port ? sim_first_child(p, n) : NULL;
  const ot_sim_link_desc *link = child ? &child->desc->link : &nd->link;
  uint8_t speed = link->speed ? link->speed : 4u, width = link->width ? link->width : 16u;
  bool link_up = !downstream_port || child != NULL;

  uint16_t flags = (uint16_t)(OT_FIELD_PREP(OT_PCIE_FLAGS_VERS, OT_PCIE_CAP_VERSION) |
                              OT_FIELD_PREP(OT_PCIE_FLAGS_TYPE, port_type(nd->kind)) |
                              (downstream_port ? OT_PCIE_FLAGS_SLOT : 0u));
  poke16(cfg, (uint16_t)(at + OT_PCIE_FLAGS), flags);

  /* 256-byte Max_Payload_Size (001b), 8-bit tags; RBER is required of PCIe functions. */
  uint32_t devcap =
      OT_FIELD_PREP(OT_PCIE_DEVCAP_MPS, 1u) | OT_PCIE_DEVCAP_EXT_TAG | OT_PCIE_DEVCAP_RBER;
  if (nd->kind == OT_SIM_ENDPOINT) {
    devcap |= OT_PCIE_DEVCAP_FLR;
    /* Linux is_pci_tsm_pf0(): IDE capability or TEE-IO Supported (SPEC-FACTS §7.1). */
    if (nd->ide.present || nd->tdi_count > 0) devcap |= OT_PCIE_DEVCAP_TEE_IO;
  }
  ot_cfg_poke32(cfg, (uint16_t)(at + OT_PCIE_DEVCAP), devcap);
  OT_GUARD(ot_cfg_set_access(cfg, (uint16_t)(at + OT_PCIE_DEVCTL), 2, OT_PCIE_DEVCTL_RW, 0));
  OT_GUARD(ot_cfg_set_access(cfg, (uint16_t)(at + OT_PCIE_DEVSTA), 2, 0, OT_PCIE_DEVSTA_RW1C));

  uint8_t port_no = (nd->kind == OT_SIM_ROOT_PORT || nd->kind == OT_SIM_SWITCH_DOWNSTREAM)
                        ? OT_SIM_DEVFN_DEV(f->desc->devfn)
                        : 0u;
  uint32_t lnkcap =
      OT_FIELD_PREP(OT_PCIE_LNKCAP_SPEED, speed) | OT_FIELD_PREP(OT_PCIE_LNKCAP_WIDTH, width) |
      OT_FIELD_PREP(OT_PCIE_LNKCAP_PORT, port_no) | (downstream_port ? OT_PCIE_LNKCAP_DLLLA : 0u);
  ot_cfg_poke32(cfg, (uint16_t)(at + OT_PCIE_LNKCAP), lnkcap);
  OT_GUARD(ot_cfg_set_access(cfg, (uint16_t)(at + OT_PCIE_LNKCTL), 2, OT_PCIE_LNKCTL_RW, 0));
  if (link_up) {
    uint16_t sta = (uint16_t)(OT_FIELD_PREP(OT_PCIE_LNKSTA_SPEED, speed) |
                              OT_FIELD_PREP(OT_PCIE_LNKSTA_WIDTH, width) |
                              (downstream_port ? OT_PCIE_LNKSTA_DLLLA : 0u));
    poke16(cfg, (uint16_t)(at + OT_PCIE_LNKSTA), sta);
  }
  if (downstream_port) {
    ot_cfg_poke32(cfg, (uint16_t)(at + OT_PCIE_SLTCAP),
                  OT_FIELD_PREP(OT_PCIE_SLTCAP_PSN, (uint32_t)n->index));
    if (child != NULL) poke16(cfg, (uint16_t)(at + OT_PCIE_SLTSTA), OT_PCIE_SLTSTA_PDS);
  }
  /* Supported Link Speeds: every generation up to the maximum (bit 1 = 2.5 GT/s). */
  uint32_t sls = ((UINT32_C(1) << (speed + 1u)) - 1u) & OT_PCIE_LNKCAP2_SLS;
  ot_cfg_poke32(cfg, (uint16_t)(at + OT_PCIE_LNKCAP2), sls);
  poke16(cfg, (uint16_t)(at + OT_PCIE_LNKCTL2),
         (uint16_t)OT_FIELD_PREP(OT_PCIE_LNKCTL2_TLS, speed));
  return ot_cfg_set_access(cfg, (uint16_t)(at + OT_PCIE_LNKCTL2), 2, OT_PCIE_LNKCTL2_TLS, 0);
}

/* A bridge's prefetchable window decodes 64-bit addresses (PCIe r6.0 §7.5.1.3.9-10). */
static ot_status bridge_windows(ot_cfg_space *cfg) {
  poke16(cfg, OT_PCI_T1_PREF_BASE, OT_PCI_PREF_RANGE_64);
  poke16(cfg, OT_PCI_T1_PREF_LIMIT, OT_PCI_PREF_RANGE_64);
  OT_GUARD(ot_cfg_set_access(cfg, OT_PCI_T1_PREF_BASE_UPPER, 4, UINT32_MAX, 0));
  return ot_cfg_set_access(cfg, OT_PCI_T1_PREF_LIMIT_UPPER, 4, UINT32_MAX, 0);
}

/* ---- DOE -------------------------------------------------------------------------------- */

static ot_status slot_handle(ot_doe_protocol *proto, const uint8_t *req, size_t req_len,
                             uint8_t *rsp, size_t rsp_cap, size_t *rsp_len) {
  ot_sim_doe_slot *s = (ot_sim_doe_slot *)(void *)proto;
  /* Listed in Discovery but no firmware behind it yet: the mailbox reports DOE Error. */
  OT_ENSURE(s->impl != NULL, OT_E_UNSUPPORTED);
  return s->impl->handle(s->impl, req, req_len, rsp, rsp_cap, rsp_len);
}

static ot_status doe_install(ot_sim_platform *p, ot_sim_function *f) {
  const ot_sim_doe_desc *d = &f->desc->doe;
  f->doe_req = malloc(d->buffer_size);
  f->doe_rsp = malloc(d->buffer_size);
  OT_ENSURE(f->doe_req != NULL && f->doe_rsp != NULL, OT_E_NOMEM);
  ot_doe_responder_init(&f->responder);
  for (size_t i = 0; i < d->protocol_count; i++) {
    ot_sim_doe_slot *s = &f->slots[i];
    s->base.vendor = d->protocols[i].vendor;
    s->base.type = d->protocols[i].type;
    s->base.handle = slot_handle;
    s->impl = NULL;
    OT_GUARD(ot_doe_responder_add(&f->responder, &s->base));
  }
  ot_doe_mailbox_config conf = {
      .responder = &f->responder,
      .clock = ot_sim_loop_clock(&p->loop),
      .latency_ns = d->latency_ns,
      .req_buf = f->doe_req,
      .req_cap = d->buffer_size,
      .rsp_buf = f->doe_rsp,
      .rsp_cap = d->buffer_size,
      .cap_version = d->cap_version,
  };
  OT_GUARD(ot_doe_mailbox_install(&f->mailbox, &f->cfg, &conf, &f->doe_cap));
  f->has_doe = true;
  return OT_SUCCESS;
}

ot_status ot_sim_function_bind_protocol(ot_sim_function *f, ot_doe_protocol *impl) {
  OT_ENSURE(f != NULL && impl != NULL && impl->handle != NULL, OT_E_ARG);
  OT_ENSURE(f->has_doe, OT_E_NOT_FOUND);
  for (size_t i = 0; i < f->desc->doe.protocol_count; i++) {
    ot_sim_doe_slot *s = &f->slots[i];
    if (s->base.vendor != impl->vendor || s->base.type != impl->type) continue;
    OT_ENSURE(s->impl == NULL, OT_E_EXISTS);
    s->impl = impl;
    return OT_SUCCESS;
  }
  OT_BAIL(OT_E_NOT_FOUND);
}

/* ---- the function --------------------------------------------------------------------- */

ot_status sim_function_build(ot_sim_platform *p, ot_sim_function *f) {
  const ot_sim_node_desc *nd = f->node->desc;
  const ot_sim_function_desc *d = f->desc;
  bool bridge = nd->kind != OT_SIM_ENDPOINT;
  ot_cfg_ident id = {
      .vendor = nd->vendor,
      .device = d->device_id,
      .revision = d->revision,
      .class_code = d->class_code,
      .layout = bridge ? OT_PCI_HEADER_LAYOUT_TYPE1 : OT_PCI_HEADER_LAYOUT_TYPE0,
      .multi_function = nd->function_count > 1,
      .subsys_vendor = d->subsys_vendor,
      .subsys_id = d->subsys_id,
  };
  OT_GUARD(ot_cfg_init(&f->cfg, &id));
  OT_GUARD(express_install(p, f));
  if (bridge) return bridge_windows(&f->cfg);
  OT_GUARD(bars_install(f));
  if (d->doe.present) OT_GUARD(doe_install(p, f));
  return OT_SUCCESS;
}

void sim_function_free(ot_sim_function *f) {
  if (f == NULL) return;
  free(f->doe_req);
  free(f->doe_rsp);
  free(f);
}
