/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IDE datapath of an endpoint's link (opentsm/sim_world.h): each end
 * protects what it sends with its IDE transmit engine and checks what it
 * receives with its receive engine, so the link and its taps carry only
 * protected bytes. The device side then applies the TDI's TDISP rules
 * (ot_tdisp_tlp_check) before it touches its memory; the root port side
 * matches completions to the guest's reads and lets DMA into the guest's
 * window only from the TDI's stream.
 */
#include <string.h>

#include "opentsm/log.h"
#include "opentsm/secure.h"
#include "opentsm/sim_world.h"
#include "world_internal.h"

#define DP_WIRE_MAX OT_SIM_TLP_MAX

static ot_status dp_send_wire(ot_sim_endpoint *ep, ot_sim_dir dir, const uint8_t *wire,
                              size_t len) {
  OT_ENSURE(ep->node->uplink != NULL, OT_E_STATE);
  return ot_sim_link_send(ep->node->uplink, dir, wire, len);
}

/* The device answers a read of its memory with one completion (PCIe r6.0 §2.2.9). */
static void device_complete(ot_sim_endpoint *ep, const ot_tlp_hdr *rq, bool t) {
  uint8_t data[OT_SIM_DEV_MEM];
  size_t n = (size_t)rq->length * 4u;
  size_t off = (size_t)(rq->address & (OT_SIM_DEV_MEM - 1u));
  if (n > OT_SIM_DEV_MEM - off) return; /* outside the modelled page: no answer */
  memcpy(data, ep->mem + off, n);
  ot_tlp c = {.hdr = {.kind = OT_TLP_CPLD,
                      .length = rq->length,
                      .requester_id = rq->requester_id,
                      .tag = rq->tag,
                      .completer_id = ep->rid,
                      .status = OT_TLP_CPL_SC,
                      .byte_count = (uint16_t)n,
                      .lower_addr = (uint8_t)(rq->address & 0x7Fu)},
              .payload = data,
              .payload_len = n};
  if (!ot_ok(ot_sim_dp_send(ep, OT_SIM_UPSTREAM, &c, t)))
    OT_LOGW("sim", "%s: completion not sent", ep->name);
}

/* Which TDI owns address a (its first MMIO range), or -1. */
static int tdi_of(const ot_sim_endpoint *ep, uint64_t a) {
  for (size_t i = 0; i < ep->tdi_count; i++) {
    const ot_tdisp_tdi_desc *d = &ep->tdi_desc[i];
    for (uint32_t r = 0; r < d->mmio_count; r++) {
      uint64_t lo = d->mmio[r].first_page, hi = lo + (uint64_t)d->mmio[r].num_pages * 4096u;
      if (a >= lo && a < hi) return (int)i;
    }
  }
  return -1;
}

/* tlp: as the TLP layer decoded it (the IDE receiver's delivery, or a plain TLP). */
static void device_deliver(ot_sim_endpoint *ep, const ot_tlp_view *tlp, bool t) {
  const ot_tlp_hdr *h = &tlp->d.hdr;
  if (h->kind != OT_TLP_MWR && h->kind != OT_TLP_MRD) return;
  int ti = tdi_of(ep, h->address);
  if (ti < 0) return;
  /* PCIe r6.0 §11.2: the TDI accepts T=1 only in RUN, on its bound Secure stream. */
  ot_tdisp_tlp q = {.dir = OT_TDISP_TLP_TO_TDI,
                    .t_bit = t,
                    .address = h->address,
                    .on_stream = t,
                    .stream_id = ot_sim_stream_id(ep)};
  ot_tdisp_verdict v = ot_tdisp_tlp_check(ep->dev_tdi[ti], &q);
  if (v != OT_TDISP_ACCEPT) {
    ep->ep_port.tdisp_rejects++;
    ep->ep_port.last_verdict = v;
    return;
  }
  ep->ep_port.delivered++;
  size_t off = (size_t)(h->address & (OT_SIM_DEV_MEM - 1u));
  if (h->kind == OT_TLP_MWR) {
    if (tlp->d.payload_len <= OT_SIM_DEV_MEM - off)
      memcpy(ep->mem + off, ot_tlp_view_payload(tlp), tlp->d.payload_len);
  } else {
    device_complete(ep, h, t);
  }
}

static void rp_deliver(ot_sim_endpoint *ep, const ot_tlp_view *tlp, bool t) {
  ot_sim_world *w = ep->w;
  const ot_tlp_hdr *h = &tlp->d.hdr;
  const uint8_t *payload = ot_tlp_view_payload(tlp);
  size_t payload_len = tlp->d.payload_len;
  if (h->kind == OT_TLP_CPLD) {
    uint16_t tag = h->tag;
    if (tag >= OT_SIM_TAGS) return;
    ot_sim_pending_read *r = &ep->reads[tag];
    /* PCIe r6.0 §2.3.2: a completion nobody waits for is Unexpected: dropped. */
    if (!r->active || r->done || r->timed_out || payload_len != r->len) return;
    memcpy(r->data, payload, payload_len);
    r->done = true;
    ep->rp_port.delivered++;
  } else if (h->kind == OT_TLP_MWR) {
    /* DMA into the guest: TEE memory only from a T=1 request of the stream. */
    uint64_t a = h->address;
    if (!t || a < OT_SIM_GUEST_MEM_BASE || a - OT_SIM_GUEST_MEM_BASE >= OT_SIM_GUEST_MEM ||
        payload_len > OT_SIM_GUEST_MEM - (a - OT_SIM_GUEST_MEM_BASE)) {
      w->dma_rejected++;
      return;
    }
    memcpy(w->guest_mem + (a - OT_SIM_GUEST_MEM_BASE), payload, payload_len);
    ep->rp_port.delivered++;
  }
}

static void dp_receive(ot_sim_port *port, ot_sim_link *link, ot_sim_dir dir, const uint8_t *wire,
                       size_t len) {
  (void)link;
  (void)dir;
  ot_sim_dp_port *pt = (ot_sim_dp_port *)port;
  uint8_t out[DP_WIRE_MAX];
  ot_ide_rx_result res;
  ot_status st = ot_ide_rx_receive(pt->rx, wire, len, out, sizeof out, &res);
  if (!ot_ok(st) && res.error == OT_IDE_ERR_NOT_IDE) {
    /* Not on any stream: plain T=0 traffic, which TDISP judges on its own. */
    ot_tlp_view plain;
    if (!ot_ok(ot_tlp_view_decode(wire, len, &plain))) return; /* malformed: dropped */
    if (pt->device_side)
      device_deliver(pt->ep, &plain, false);
    else
      rp_deliver(pt->ep, &plain, false);
    return;
  }
  if (!ot_ok(st)) {
    if (pt->ide_failures++ == 0) pt->last_ide_error = res.error;
    /* The device's stream went Insecure: its locked TDIs go to ERROR. */
    if (pt->device_side) ot_sim_dsm_poll_ide(&pt->ep->dsm);
    return;
  }
  /* Each delivered TLP comes with its header as decoded on arrival: not decoded again. */
  for (size_t i = 0; i < res.count; i++) {
    if (pt->device_side)
      device_deliver(pt->ep, &res.tlps[i].tlp, res.tlps[i].t);
    else
      rp_deliver(pt->ep, &res.tlps[i].tlp, res.tlps[i].t);
  }
  ot_zeroize(out, sizeof out);
}

void ot_sim_dp_init(ot_sim_endpoint *ep) {
  ep->rp_port = (ot_sim_dp_port){
      .base = {.receive = dp_receive}, .ep = ep, .tx = &ep->rp->port.tx, .rx = &ep->rp->port.rx};
  ep->ep_port = (ot_sim_dp_port){.base = {.receive = dp_receive},
                                 .ep = ep,
                                 .device_side = true,
                                 .tx = &ep->dsm.ide_tx,
                                 .rx = &ep->dsm.ide_rx};
  if (ep->node->uplink != NULL)
    ot_sim_link_connect(ep->node->uplink, &ep->ep_port.base, &ep->rp_port.base);
}

ot_status ot_sim_dp_send(ot_sim_endpoint *ep, ot_sim_dir dir, const ot_tlp *tlp, bool t) {
  uint8_t plain[DP_WIRE_MAX], wire[DP_WIRE_MAX];
  size_t lens[1], total;
  ot_tlp_view view; /* encoded and validated once; the IDE engine takes it as it is */
  OT_GUARD(ot_tlp_view_encode(tlp, plain, sizeof plain, &view));
  ot_ide_tx *tx = dir == OT_SIM_DOWNSTREAM ? &ep->rp->port.tx : &ep->dsm.ide_tx;
  ot_ide_tx_tlp in = {.tlp = &view, .t = t};
  ot_status st = ep->tdev.ide_up ? OT_SUCCESS : ot_status_of(OT_E_STATE);
  if (ot_ok(st))
    st = ot_ide_tx_protect(tx, ot_sim_stream_id(ep), &in, 1, wire, sizeof wire, lens, &total);
  ot_zeroize(plain, sizeof plain);
  OT_GUARD(st);
  return dp_send_wire(ep, dir, wire, total);
}

ot_status ot_sim_dp_send_plain(ot_sim_endpoint *ep, ot_sim_dir dir, const ot_tlp *tlp) {
  uint8_t plain[DP_WIRE_MAX];
  size_t plen;
  OT_GUARD(ot_tlp_encode(tlp, plain, sizeof plain, &plen));
  return dp_send_wire(ep, dir, plain, plen);
}

ot_status ot_sim_world_run(ot_sim_world *w) {
  return ot_sim_loop_run_until_idle(&w->p->loop, 0, NULL);
}

ot_status ot_sim_ide_rekey(ot_sim_endpoint *ep) {
  ot_tsm_refusal why;
  OT_ENSURE(ep->tdev.ide_up, OT_E_STATE);
  ot_status st = ot_tsm_rekey(&ep->w->tsm, &ep->tdev, &why);
  if (!ot_ok(st)) OT_LOGW("sim", "%s: re-key refused: %s", ep->name, why.detail);
  return st;
}
