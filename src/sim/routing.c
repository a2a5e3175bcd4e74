/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration request routing (PCIe r6.0 §7.3.1, §7.5.1.3.2-4): the root
 * complex serves its root bus with Type 0 requests and hands the rest to the
 * root port whose bus range holds them; each bridge converts a request for
 * its secondary bus to Type 0 and forwards one for a bus in
 * (secondary, subordinate] downstream as Type 1. Bus numbers are read from
 * the bridges' registers, as hardware latches them from software's writes.
 */
#include "opentsm/spec/pcie.h"
#include "sim_internal.h"

static uint8_t reg8(const ot_sim_function *f, uint16_t off) {
  return (uint8_t)(ot_cfg_peek32(&f->cfg, off) >> (8u * (off & 3u)));
}

static ot_sim_function *function_at(ot_sim_node *n, uint8_t devfn) {
  for (size_t k = 0; k < n->function_count; k++) {
    if (n->functions[k]->desc->devfn == devfn) return n->functions[k];
  }
  return NULL;
}

static bool is_link_port(const ot_sim_node *n) {
  return n->desc->kind == OT_SIM_ROOT_PORT || n->desc->kind == OT_SIM_SWITCH_DOWNSTREAM;
}

/* A request that reached bridge b (Type 1 on its primary side). */
static ot_sim_function *below(ot_sim_platform *p, ot_sim_node *b, uint8_t bus, uint8_t devfn) {
  const ot_sim_function *bf = b->functions[0];
  uint8_t sec = reg8(bf, OT_PCI_T1_SECONDARY_BUS);
  uint8_t sub = reg8(bf, OT_PCI_T1_SUBORDINATE_BUS);
  /* A bridge whose secondary bus is still 0 has not been configured: it claims nothing. */
  if (sec == 0 || bus < sec || bus > sub) return NULL;
  if (bus == sec) {
    /* Type 1 to Type 0 conversion. Across a link only Device 0 exists (no ARI): §7.3.1. */
    if (is_link_port(b) && OT_SIM_DEVFN_DEV(devfn) != 0) return NULL;
    for (size_t i = 0; i < p->node_count; i++) {
      if (p->nodes[i].parent != b) continue;
      ot_sim_function *f = function_at(&p->nodes[i], devfn);
      if (f != NULL) return f;
    }
    return NULL;
  }
  for (size_t i = 0; i < p->node_count; i++) {
    ot_sim_node *c = &p->nodes[i];
    if (c->parent != b || c->desc->kind == OT_SIM_ENDPOINT) continue;
    ot_sim_function *f = below(p, c, bus, devfn);
    if (f != NULL) return f;
  }
  return NULL;
}

ot_sim_function *ot_sim_route(ot_sim_platform *p, uint8_t bus, uint8_t devfn) {
  ot_sim_node *rc = &p->nodes[0]; /* topology order: the root complex comes first */
  for (size_t i = 0; i < p->node_count; i++) {
    ot_sim_node *rp = &p->nodes[i];
    if (rp->parent != rc) continue;
    if (bus == rc->desc->root_bus) {
      ot_sim_function *f = function_at(rp, devfn);
      if (f != NULL) return f;
      continue;
    }
    ot_sim_function *f = below(p, rp, bus, devfn);
    if (f != NULL) return f;
  }
  return NULL;
}

static bool access_ok(uint16_t off, unsigned width) {
  if (width != 1 && width != 2 && width != 4) return false;
  return off % width == 0 && (uint32_t)off + width <= OT_PCI_CFG_EXT_SIZE;
}

ot_status ot_sim_cfg_read(ot_sim_platform *p, uint8_t bus, uint8_t devfn, uint16_t off,
                          unsigned width, uint32_t *val, bool *claimed) {
  OT_ENSURE(p != NULL && val != NULL && access_ok(off, width), OT_E_ARG);
  ot_sim_function *f = ot_sim_route(p, bus, devfn);
  if (claimed != NULL) *claimed = f != NULL;
  if (f == NULL) {
    /* Unsupported Request: the root complex completes the read with all ones. */
    *val = width == 4 ? UINT32_MAX : (UINT32_C(1) << (8u * width)) - 1u;
    return OT_SUCCESS;
  }
  return ot_cfg_space_read(&f->cfg, off, width, val);
}

ot_status ot_sim_cfg_write(ot_sim_platform *p, uint8_t bus, uint8_t devfn, uint16_t off,
                           unsigned width, uint32_t val, bool *claimed) {
  OT_ENSURE(p != NULL && access_ok(off, width), OT_E_ARG);
  ot_sim_function *f = ot_sim_route(p, bus, devfn);
  if (claimed != NULL) *claimed = f != NULL;
  if (f == NULL) return OT_SUCCESS; /* Unsupported Request: the write goes nowhere */
  return ot_cfg_space_write(&f->cfg, off, width, val);
}

static ot_status access_read32(ot_cfg_access *a, uint16_t off, uint32_t *val) {
  ot_sim_cfg_access *s = (ot_sim_cfg_access *)(void *)a;
  OT_ENSURE(ot_cfg_dw_offset_ok(off), OT_E_ARG);
  return ot_sim_cfg_read(s->p, s->bus, s->devfn, off, 4, val, NULL);
}

static ot_status access_write32(ot_cfg_access *a, uint16_t off, uint32_t val) {
  ot_sim_cfg_access *s = (ot_sim_cfg_access *)(void *)a;
  OT_ENSURE(ot_cfg_dw_offset_ok(off), OT_E_ARG);
  return ot_sim_cfg_write(s->p, s->bus, s->devfn, off, 4, val, NULL);
}

void ot_sim_cfg_access_init(ot_sim_cfg_access *a, ot_sim_platform *p, uint8_t bus, uint8_t devfn) {
  a->base.read32 = access_read32;
  a->base.write32 = access_write32;
  a->p = p;
  a->bus = bus;
  a->devfn = devfn;
}

int ot_sim_node_bus(ot_sim_platform *p, const ot_sim_node *n) {
  (void)p;
  if (n->parent == NULL) return n->desc->root_bus;
  if (n->parent->parent == NULL) return n->parent->desc->root_bus;
  uint8_t sec = reg8(n->parent->functions[0], OT_PCI_T1_SECONDARY_BUS);
  return sec == 0 ? -1 : sec;
}
