/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLP acceptance for a TDI in device-model terms (PCIe r6.0 §11.2, TDI states;
 * SPEC-FACTS §5.3 on the T bit, §6.5 on TVM access):
 *  - a TLP with T=1 is TEE traffic. Only a TDI in RUN takes part in it, and
 *    only over the IDE stream it was bound to at LOCK (DEFAULT_STREAM_ID) or a
 *    P2P stream bound in RUN, and
 *    only while that stream is Secure: otherwise the TVM's data would cross an
 *    unprotected or foreign link;
 *  - a TLP with T=0 is host traffic. Once the TDI is locked (and until STOP
 *    scrubs it, so also in ERROR) the host must not reach the TDI's TEE MMIO
 *    ranges (every reported range without IS_NON_TEE_MEM).
 */
#include "tdisp_internal.h"

const char *ot_tdisp_verdict_name(ot_tdisp_verdict v) {
  switch (v) {
  case OT_TDISP_ACCEPT: return "ACCEPT";
  case OT_TDISP_REJECT_NOT_RUN: return "REJECT_NOT_RUN";
  case OT_TDISP_REJECT_STREAM: return "REJECT_STREAM";
  case OT_TDISP_REJECT_INSECURE: return "REJECT_INSECURE";
  case OT_TDISP_REJECT_TEE_MEM_T0: return "REJECT_TEE_MEM_T0";
  default: return "UNKNOWN";
  }
}

/* True if addr lies in a TEE range of the locked TDI (physical addresses, as
 * the device decodes them; the report's offset is for the TVM's view only).
 * The attributes are the TDI's current ones: SET_MMIO_ATTRIBUTE may have
 * changed IS_NON_TEE_MEM since LOCK. */
static bool in_tee_range(const ot_tdisp_tdi *t, uint64_t addr) {
  const ot_tdisp_tdi_desc *d = t->desc;
  for (uint32_t i = 0; i < d->mmio_count; i++) {
    const ot_tdisp_mmio_range *m = &d->mmio[i];
    if (t->mmio_attr[i] & OT_TDISP_RANGE_NON_TEE_MEM) continue;
    uint64_t span = (uint64_t)m->num_pages * OT_TDISP_PAGE_SIZE;
    if (addr >= m->first_page && addr - m->first_page < span) return true;
  }
  return false;
}

ot_tdisp_verdict ot_tdisp_tlp_check(const ot_tdisp_tdi *tdi, const ot_tdisp_tlp *tlp) {
  if (!tlp->t_bit) {
    bool locked = tdi->state != OT_TDI_CONFIG_UNLOCKED;
    if (tlp->dir == OT_TDISP_TLP_TO_TDI && locked && in_tee_range(tdi, tlp->address))
      return OT_TDISP_REJECT_TEE_MEM_T0;
    return OT_TDISP_ACCEPT;
  }
  /* T=1 requests are refused unless the TDI is in RUN (SPEC-FACTS §5.3, §6.5). */
  if (tdi->state != OT_TDI_RUN) return OT_TDISP_REJECT_NOT_RUN;
  /* The default stream, or a P2P stream bound in RUN (§11.3 BIND_P2P_STREAM_REQUEST). */
  bool bound = tlp->on_stream && tlp->stream_id == tdi->lock.default_stream_id;
  for (uint8_t i = 0; tlp->on_stream && !bound && i < tdi->p2p_count; i++)
    bound = tlp->stream_id == tdi->p2p[i];
  if (!bound) return OT_TDISP_REJECT_STREAM;
  ot_tdisp_device_ops *ops = tdi->dev->ops;
  if (!ops->stream_secure(ops, tlp->stream_id)) return OT_TDISP_REJECT_INSECURE;
  return OT_TDISP_ACCEPT;
}
