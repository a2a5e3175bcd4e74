/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The platform rig (opentsm/sim_rig.h): root ports, endpoints, the TSM's
 * view of them and policies with given anchors, built one way for the tests,
 * the benchmarks and the simulator world.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opentsm/sim_rig.h"

/* PCI Express capability of a header: Capabilities list, version 2 (PCIe r6.0 §7.5.3). */
#define RIG_PCIE_CAP_LEN 0x3Cu

ot_status ot_sim_rig_port_init(ot_sim_rig_port *p, ot_cfg_space *cfg,
                               const ot_ide_regs_caps *caps) {
  OT_ENSURE(p != NULL && cfg != NULL && caps != NULL, OT_E_ARG);
  memset(p, 0, sizeof(*p));
  ot_ide_tx_init(&p->tx);
  ot_ide_rx_init(&p->rx);
  OT_GUARD(ot_ide_regs_init(&p->regs, cfg, caps, &p->tx, &p->rx, NULL, 0));
  p->ready = true;
  return OT_SUCCESS;
}

void ot_sim_rig_port_free(ot_sim_rig_port *p) {
  if (p == NULL) return;
  if (p->ready) ot_ide_regs_release(&p->regs);
  p->ready = false;
  ot_ide_tx_clear(&p->tx);
  ot_ide_rx_clear(&p->rx);
}

ot_status ot_sim_rig_rp_init(ot_sim_rig_rp *rp, const ot_ide_regs_caps *caps) {
  OT_ENSURE(rp != NULL && caps != NULL, OT_E_ARG);
  memset(rp, 0, sizeof(*rp));
  const ot_cfg_ident ident = {.vendor = 0x8086, .device = 0x7075, .class_code = 0x060400};
  uint16_t off;
  OT_GUARD(ot_cfg_init(&rp->cfg, &ident));
  OT_GUARD(ot_cfg_add_cap(&rp->cfg, OT_PCI_CAP_ID_EXP, RIG_PCIE_CAP_LEN, &off));
  OT_GUARD(ot_sim_rig_port_init(&rp->port, &rp->cfg, caps));
  ot_cfg_inproc_init(&rp->acc, &rp->cfg);
  return OT_SUCCESS;
}

void ot_sim_rig_rp_free(ot_sim_rig_rp *rp) {
  if (rp != NULL) ot_sim_rig_port_free(&rp->port);
}

ot_status ot_sim_rig_ep_init(ot_sim_rig_ep *e, const ot_sim_rig_ep_config *c) {
  OT_ENSURE(e != NULL && c != NULL, OT_E_ARG);
  memset(e, 0, sizeof(*e));
  uint16_t off;
  OT_GUARD(ot_cfg_init(&e->cfg, &c->ident));
  OT_GUARD(ot_cfg_add_cap(&e->cfg, OT_PCI_CAP_ID_EXP, RIG_PCIE_CAP_LEN, &off));
  ot_sim_dsm_config dc = c->dsm;
  dc.cfg = &e->cfg;
  OT_GUARD(ot_sim_dsm_init(&e->dsm, &dc));
  e->dsm_ready = true;
  ot_doe_responder *r = ot_sim_dsm_doe(&e->dsm);
  if (c->wrap != NULL) r = c->wrap(c->wrap_ctx, r);
  OT_ENSURE(r != NULL, OT_E_ARG);
  ot_doe_mailbox_config mc = {.responder = r,
                              .clock = c->clock,
                              .latency_ns = c->latency_ns,
                              .req_buf = c->req_buf,
                              .req_cap = c->buf_cap,
                              .rsp_buf = c->rsp_buf,
                              .rsp_cap = c->buf_cap,
                              .cap_version = 2};
  OT_GUARD(ot_doe_mailbox_install(&e->mb, &e->cfg, &mc, &off));
  ot_cfg_inproc_init(&e->acc, &e->cfg);
  return ot_doe_driver_open(&e->drv, &e->acc.base, c->clock, OT_DOE_VENDOR_PCISIG,
                            OT_DOE_TYPE_SPDM);
}

ot_doe_transport *ot_sim_rig_ep_doe(ot_sim_rig_ep *e) { return ot_doe_driver_transport(&e->drv); }

void ot_sim_rig_ep_free(ot_sim_rig_ep *e) {
  if (e == NULL) return;
  if (e->dsm_ready) ot_sim_dsm_free(&e->dsm);
  e->dsm_ready = false;
}

ot_tsm_soft_link ot_sim_rig_link(ot_sim_rig_port *p, ot_cfg_access *rp_cfg, ot_cfg_access *ep_cfg) {
  return (ot_tsm_soft_link){.rp_tx = &p->tx, .rp_rx = &p->rx, .rp_cfg = rp_cfg, .ep_cfg = ep_cfg};
}

ot_status ot_sim_rig_attach(ot_tsm *tsm, ot_tsm_dev *dev, const ot_tsm_dev_desc *dd,
                            ot_tsm_tdi *tdis, const ot_tsm_tdi_desc *descs, size_t n) {
  OT_ENSURE(n == 0 || (tdis != NULL && descs != NULL), OT_E_ARG);
  OT_GUARD(ot_tsm_dev_init(dev, tsm, dd));
  for (size_t i = 0; i < n; i++) {
    ot_status st = ot_tsm_tdi_init(&tdis[i], dev, &descs[i]);
    if (!ot_ok(st)) {
      ot_tsm_dev_free(dev);
      return st;
    }
  }
  return OT_SUCCESS;
}

/* Writes der[0..len) to path; false if it could not be written whole. */
static bool write_file(const char *path, const uint8_t *der, size_t len) {
  FILE *f = fopen(path, "wb");
  if (f == NULL) return false;
  bool ok = fwrite(der, 1, len, f) == len;
  return fclose(f) == 0 && ok;
}

ot_status ot_sim_rig_policy(ot_tsm_policy *p, const char *yaml, size_t len,
                            const ot_x509_cert *anchors, size_t n, ot_tsm_policy_error *err) {
  OT_ENSURE(p != NULL && yaml != NULL && (n == 0 || anchors != NULL), OT_E_ARG);
  const char *tmp = getenv("TMPDIR");
  char dir[256];
  int dn = snprintf(dir, sizeof(dir), "%s/ot_rig_policy_XXXXXX", tmp && *tmp ? tmp : "/tmp");
  OT_ENSURE(dn > 0 && (size_t)dn < sizeof(dir), OT_E_TOO_LARGE);
  OT_ENSURE(mkdtemp(dir) != NULL, OT_E_IO);
  ot_status st = OT_SUCCESS;
  size_t written = 0;
  char path[300];
  for (; written < n; written++) {
    snprintf(path, sizeof(path), "%s/root%zu.der", dir, written);
    if (!write_file(path, anchors[written].der, anchors[written].len)) {
      unlink(path);
      st = ot_status_of(OT_E_IO);
      break;
    }
  }
  if (ot_ok(st)) st = ot_tsm_policy_parse(p, yaml, len, dir, err);
  for (size_t i = 0; i < written; i++) {
    snprintf(path, sizeof(path), "%s/root%zu.der", dir, i);
    unlink(path);
  }
  rmdir(dir);
  return st;
}
