/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device side's objects: the DSM's TDISP context, one TDI per function
 * (PCIe r6.0 §11: a TDI is a function, physical or virtual, or a part of one;
 * here always a whole function), the report built at LOCK and the scrub done
 * at STOP.
 */
#include <string.h>

#include "tdisp_internal.h"

/* MSI-X capability layout (PCIe r6.0 §7.7.2): Message Control is the upper
 * half of the first DW; Table Offset/BIR at +4, PBA Offset/BIR at +8. */
#define MSIX_MSG_CTRL_SHIFT 16u

ot_status ot_tdisp_device_init(ot_tdisp_device *dev, const ot_tdisp_device_config *cfg,
                               ot_tdisp_device_ops *ops, ot_rng *rng) {
  OT_ENSURE(dev && cfg && ops && ops->stream_secure && rng, OT_E_ARG);
  OT_ENSURE((cfg->lock_flags_supported & ~OT_TDISP_LOCK_FLAGS_DEFINED) == 0, OT_E_ARG);
  /* P2P streams are bound only to a TDI locked with BIND_P2P (§11.3
   * LOCK_INTERFACE_REQUEST FLAGS bit 3): a device that binds them offers it. */
  OT_ENSURE(!cfg->p2p || (cfg->lock_flags_supported & OT_TDISP_LOCK_BIND_P2P), OT_E_ARG);
  memset(dev, 0, sizeof *dev);
  dev->ops = ops;
  dev->rng = rng;
  dev->dsm_caps = cfg->dsm_caps;
  dev->lock_flags_supported = cfg->lock_flags_supported;
  dev->dev_addr_width = cfg->dev_addr_width;
  dev->report_portion_max = cfg->report_portion_max ? cfg->report_portion_max : 0xFFFFu;
  dev->p2p = cfg->p2p;
  dev->mmio_attr = cfg->mmio_attr;
  return OT_SUCCESS;
}

bool tdisp_req_implemented(const ot_tdisp_device *dev, tdisp_req q) {
  switch (q) {
  case TDISP_REQ_BIND_P2P:
  case TDISP_REQ_UNBIND_P2P: return dev->p2p;
  case TDISP_REQ_SET_MMIO_ATTRIBUTE: return dev->mmio_attr;
  case TDISP_REQ_VDM: return false; /* no vendor-defined TDISP messages */
  default: return (unsigned)q < TDISP_REQ_COUNT;
  }
}

ot_status ot_tdisp_device_add_tdi(ot_tdisp_device *dev, const ot_tdisp_tdi_desc *desc,
                                  ot_tdisp_tdi **out) {
  OT_ENSURE(desc, OT_E_ARG);
  OT_ENSURE((desc->function_id & ~OT_TDISP_FUNCTION_ID_DEFINED) == 0, OT_E_ARG);
  OT_ENSURE(desc->mmio_count <= OT_TDISP_MAX_MMIO_RANGES, OT_E_ARG);
  OT_ENSURE(desc->mmio_count == 0 || desc->mmio, OT_E_ARG);
  OT_ENSURE(desc->devinfo_len <= OT_TDISP_MAX_DEVINFO, OT_E_ARG);
  OT_ENSURE(desc->devinfo_len == 0 || desc->devinfo, OT_E_ARG);
  for (uint32_t i = 0; i < desc->mmio_count; i++)
    OT_ENSURE(ot_ok(tdisp_check_range(&desc->mmio[i])), OT_E_ARG);
  OT_ENSURE(!ot_tdisp_device_find(dev, desc->function_id), OT_E_EXISTS);
  OT_ENSURE(dev->tdi_count < OT_TDISP_MAX_TDIS, OT_E_NO_SPACE);
  ot_tdisp_tdi *t = &dev->tdi[dev->tdi_count++];
  memset(t, 0, sizeof *t);
  t->desc = desc;
  t->dev = dev;
  t->state = OT_TDI_CONFIG_UNLOCKED;
  if (out) *out = t;
  return OT_SUCCESS;
}

ot_tdisp_tdi *ot_tdisp_device_find(ot_tdisp_device *dev, uint32_t function_id) {
  for (size_t i = 0; i < dev->tdi_count; i++)
    if (dev->tdi[i].desc->function_id == function_id) return &dev->tdi[i];
  return NULL;
}

uint16_t tdisp_find_cap(ot_cfg_space *cfg, uint8_t id) {
  ot_cfg_inproc a;
  uint16_t off = 0;
  ot_cfg_inproc_init(&a, cfg);
  if (!ot_ok(ot_pcie_find_cap(&a.base, id, 0, &off))) return 0;
  return off;
}

void tdisp_cfg_snapshot_take(const ot_tdisp_tdi *tdi, ot_tdisp_cfg_snapshot *snap) {
  memset(snap, 0, sizeof *snap);
  ot_cfg_space *cfg = tdi->desc->cfg;
  if (!cfg) return;
  snap->command = (uint16_t)(ot_cfg_peek32(cfg, OT_PCI_COMMAND) &
                             (OT_PCI_COMMAND_MEMORY | OT_PCI_COMMAND_MASTER));
  for (unsigned i = 0; i < OT_PCI_BAR_COUNT; i++)
    snap->bar[i] = ot_cfg_peek32(cfg, (uint16_t)(OT_PCI_BAR0 + 4u * i));
  snap->msix_cap = tdisp_find_cap(cfg, OT_PCI_CAP_ID_MSIX);
  if (snap->msix_cap)
    for (unsigned i = 0; i < 3; i++)
      snap->msix[i] = ot_cfg_peek32(cfg, (uint16_t)(snap->msix_cap + 4u * i));
}

ot_status tdisp_tdi_build_report(const ot_tdisp_tdi *tdi, const ot_tdisp_lock_params *p,
                                 uint8_t out[static OT_TDISP_REPORT_MAX], uint16_t *len) {
  const ot_tdisp_tdi_desc *d = tdi->desc;
  ot_tdisp_mmio_range ranges[OT_TDISP_MAX_MMIO_RANGES];
  for (uint32_t i = 0; i < d->mmio_count; i++) {
    ranges[i] = d->mmio[i];
    /* FIRST_PAGE = physical page + MMIO_REPORTING_OFFSET (§11.3
     * LOCK_INTERFACE_REQUEST; SPEC-FACTS T11); the sum must not wrap and must
     * still be a valid range. */
    OT_ENSURE(d->mmio[i].first_page <= UINT64_MAX - p->mmio_reporting_offset, OT_E_ARG);
    ranges[i].first_page = d->mmio[i].first_page + p->mmio_reporting_offset;
    OT_ENSURE(ot_ok(tdisp_check_range(&ranges[i])), OT_E_ARG);
  }
  ot_tdisp_report rep = {
      .interface_info = d->interface_info,
      .lnr_control = d->lnr_control,
      .tph_control = d->tph_control,
      .mmio_count = d->mmio_count,
      .devinfo_len = d->devinfo_len,
      .devinfo = d->devinfo,
  };
  /* INTERFACE_INFO bit 0 reports that firmware updates are off while locked. */
  if (p->flags & OT_TDISP_LOCK_NO_FW_UPDATE) rep.interface_info |= OT_TDISP_IFINFO_NO_FW_UPDATE;
  /* MSI_X_MESSAGE_CONTROL: the capability's Message Control when MSI-X is locked
   * (SPEC-FACTS §6.4), else 0. */
  if ((p->flags & OT_TDISP_LOCK_MSIX) && d->cfg) {
    uint16_t cap = tdisp_find_cap(d->cfg, OT_PCI_CAP_ID_MSIX);
    if (cap)
      rep.msix_message_control = (uint16_t)(ot_cfg_peek32(d->cfg, cap) >> MSIX_MSG_CTRL_SHIFT);
  }
  ot_writer w;
  ot_writer_init(&w, out, OT_TDISP_REPORT_MAX);
  OT_GUARD(ot_tdisp_report_build(&w, &rep, ranges));
  *len = (uint16_t)ot_writer_len(&w);
  return OT_SUCCESS;
}

void tdisp_tdi_scrub(ot_tdisp_tdi *tdi) {
  ot_zeroize(tdi->nonce, sizeof tdi->nonce);
  tdi->nonce_valid = false;
  ot_zeroize(tdi->report, sizeof tdi->report);
  tdi->report_len = 0;
  ot_zeroize(&tdi->lock, sizeof tdi->lock);
  ot_zeroize(&tdi->snap, sizeof tdi->snap);
  memset(tdi->p2p, 0, sizeof tdi->p2p);
  tdi->p2p_count = 0;
  memset(tdi->mmio_attr, 0, sizeof tdi->mmio_attr);
  tdi->error_by_event = false;
  tdi->last_event = (ot_tdisp_event)0;
  ot_tdisp_device_ops *ops = tdi->dev->ops;
  if (ops->scrub) ops->scrub(ops, tdi->desc->function_id);
}
