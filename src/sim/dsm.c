/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device security manager composition (opentsm/sim_dsm.h): SPDM
 * responder + TDISP device + IDE engine ends (+ their IDE capability and the
 * IDE_KM responder) behind one DOE responder.
 */
#include <string.h>

#include "dsm_faults.h"
#include "opentsm/secure.h"
#include "opentsm/sim_dsm.h"

/* TDISP names the TDI's default stream by Stream ID only (PCIe r6.0 §11.3
 * LOCK_INTERFACE_REQUEST DEFAULT_STREAM_ID): with several IDE ports the
 * stream is the one of that ID that is Secure on any of them. */
static bool stream_secure(const ot_sim_dsm *d, uint8_t id) {
  if (ot_ide_engines_secure(&d->ide_tx.engine, &d->ide_rx.engine, id)) return true;
  for (size_t i = 0; i < d->extra_port_count; i++)
    if (ot_ide_engines_secure(&d->extra_ports[i].tx.engine, &d->extra_ports[i].rx.engine, id))
      return true;
  return false;
}

/* PCIe r6.0 §11.2: a TDI in CONFIG_LOCKED or RUN goes to ERROR when the SPDM
 * session that locked it ends, or when its bound IDE stream leaves Secure. */
static void check_events(ot_sim_dsm *d) {
  for (size_t i = 0; i < d->tdisp.tdi_count; i++) {
    ot_tdisp_tdi *t = &d->tdisp.tdi[i];
    ot_tdisp_watch *w = &d->watch[i];
    if (!ot_tdisp_watch_live(t, w)) continue;
    if (ot_tdisp_watch_session_ended(w, &d->rsp) &&
        !dsm_fault_on(d, OT_DSM_FAULT_RUN_AFTER_SESSION)) {
      ot_tdisp_tdi_event(t, OT_TDISP_EV_SESSION_END);
      d->events++;
      w->locked = false;
      continue;
    }
    /* The default stream and every P2P stream bound in RUN (§11.2). */
    bool secure = stream_secure(d, t->lock.default_stream_id);
    for (uint8_t k = 0; secure && k < t->p2p_count; k++)
      secure = stream_secure(d, t->p2p[k]);
    if (ot_tdisp_watch_stream_left_secure(w, secure) &&
        !dsm_fault_on(d, OT_DSM_FAULT_RUN_ON_STREAM_STOP)) {
      ot_tdisp_tdi_event(t, OT_TDISP_EV_IDE_INSECURE);
      d->events++;
    }
  }
}

void ot_sim_dsm_poll_ide(ot_sim_dsm *d) { check_events(d); }

static ot_status proto_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                              size_t rsp_cap, size_t *rsp_len) {
  ot_sim_dsm_proto *sp = (ot_sim_dsm_proto *)p;
  /* Faults of a device that speaks IDE_KM or TDISP in the clear answer
   * before the SPDM responder, which dispatches neither there. */
  if (sp->dsm->faults && p == &sp->dsm->plain.base &&
      dsm_fault_clear(sp->dsm, req, req_len, rsp, rsp_cap, rsp_len)) {
    check_events(sp->dsm);
    return OT_SUCCESS;
  }
  ot_status st = sp->inner->handle(sp->inner, req, req_len, rsp, rsp_cap, rsp_len);
  check_events(sp->dsm);
  return st;
}

/* TDISP inside the session; the session that locks a TDI is remembered. */
static ot_status vdm_handle(ot_spdm_vdm_handler *h, uint32_t session_id, const uint8_t *req,
                            size_t req_len, uint8_t *rsp, size_t rsp_cap, size_t *rsp_len) {
  ot_sim_dsm *d = ((ot_sim_dsm_vdm *)h)->dsm;
  /* The responder hands over the payload after the protocol ID; TDISP's
   * handler takes the whole VDM payload (ProtocolID + message). */
  uint8_t q[OT_TDISP_REQ_BUF];
  if (req_len + 1 > sizeof(q) || rsp_cap < 1) return ot_status_of(OT_E_TOO_LARGE);
  q[0] = OT_PCISIG_PROTOCOL_TDISP;
  memcpy(q + 1, req, req_len);
  uint8_t a[OT_TDISP_REPORT_MAX + 64];
  size_t n = 0, qlen = req_len + 1;
  ot_tdisp_vdm_ctx ctx = {.in_session = true, .session_id = session_id};
  size_t cap = rsp_cap + 1 < sizeof(a) ? rsp_cap + 1 : sizeof(a);
  /* Deliberate faults (dsm_faults.c) act around the TDISP core, never in it. */
  if (!d->faults || !dsm_fault_tdisp_pre(d, q, &qlen, sizeof(q), a, cap, &n))
    OT_GUARD(ot_tdisp_responder_handle(&d->tdisp, &ctx, q, qlen, a, cap, &n));
  if (d->faults) dsm_fault_tdisp_post(d, a, cap, &n);
  OT_ENSURE(n >= 1 && n - 1 <= rsp_cap, OT_E_NO_SPACE);
  memcpy(rsp, a + 1, n - 1);
  *rsp_len = n - 1;
  ot_tdisp_watch_note_locks(&d->tdisp, d->watch, session_id);
  return OT_SUCCESS;
}

#define DSM_KM_REQ_SLACK 208u

/* IDE_KM inside the session (the SPDM responder dispatches vendor-defined
 * requests only there, DSP0274 §10.20 + PCIe r6.0 §6.33.3). The layer takes
 * Protocol ID + object in a buffer it may wipe (KEY_PROG carries a key). */
static ot_status ide_km_handle(ot_spdm_vdm_handler *h, uint32_t session_id, const uint8_t *req,
                               size_t req_len, uint8_t *rsp, size_t rsp_cap, size_t *rsp_len) {
  (void)session_id;
  ot_sim_dsm *d = ((ot_sim_dsm_vdm *)h)->dsm;
  /* Room beyond the largest object (KEY_PROG): a request of the wrong length
   * still reaches the layer, which answers KEY_PROG with KP_ACK 01h Incorrect
   * Length (PCIe r6.0 §6.33.3) rather than an SPDM ERROR from here. */
  uint8_t q[OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_KEY_PROG_SIZE + DSM_KM_REQ_SLACK] = {0};
  uint8_t a[OT_IDE_KM_RSP_MAX];
  size_t n = 0;
  if (req_len + 1 > sizeof(q)) return ot_status_of(OT_E_TOO_LARGE);
  OT_GUARD(ot_secret_mark(q, sizeof(q)));
  q[0] = OT_IDE_KM_PROTOCOL_ID;
  memcpy(q + 1, req, req_len);
  size_t qlen = req_len + 1;
  uint8_t hdr[OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_HDR_SIZE] = {0}; /* never the key */
  memcpy(hdr, q, sizeof(hdr));
  ot_status st = ot_ide_km_respond(&d->km, true, q, qlen, a, sizeof(a), &n);
  ot_secret_wipe(q, sizeof(q));
  /* Deliberate faults (dsm_faults.c) act around the IDE_KM layer, never in it. */
  if (d->faults) st = dsm_fault_km_post(d, hdr, qlen, st, a, sizeof(a), &n);
  OT_GUARD(st);
  OT_ENSURE(n >= 1 && n - 1 <= rsp_cap, OT_E_NO_SPACE);
  memcpy(rsp, a + 1, n - 1);
  *rsp_len = n - 1;
  return OT_SUCCESS;
}

static bool ops_stream_secure(ot_tdisp_device_ops *o, uint8_t id) {
  return stream_secure(((ot_sim_dsm_ops *)o)->dsm, id);
}

/* Ports 1..n (sim_dsm.h extra_ports): each capability drives its own engines. */
static ot_status extra_ports_init(ot_sim_dsm *d, const ot_sim_dsm_config *cfg,
                                  const ot_ide_regs_caps *caps) {
  for (size_t i = 0; i < cfg->extra_port_count; i++) {
    ot_sim_dsm_port *p = &cfg->extra_ports[i];
    ot_ide_tx_init(&p->tx);
    ot_ide_rx_init(&p->rx);
    OT_GUARD(ot_ide_regs_init(&p->regs, &p->cfg, caps, &p->tx, &p->rx, NULL, 0));
    d->extra_ports = cfg->extra_ports;
    d->extra_port_count = i + 1; /* released by ot_sim_dsm_free */
    d->km_ports[i + 1] = (ot_ide_km_port){
        .regs = &p->regs, .dev_func = (uint8_t)(cfg->dev_func + i + 1u), .bus = cfg->bus};
  }
  return OT_SUCCESS;
}

OT_RESULT ot_sim_dsm_init(ot_sim_dsm *d, const ot_sim_dsm_config *cfg) {
  OT_ENSURE(d && cfg && cfg->id && cfg->rng, OT_E_ARG);
  OT_ENSURE((cfg->versions & ~OT_SPDM_VMASK_ALL) == 0, OT_E_ARG);
  OT_ENSURE(cfg->extra_port_count < OT_SIM_DSM_MAX_PORTS, OT_E_ARG);
  OT_ENSURE(cfg->extra_port_count == 0 || (cfg->cfg && cfg->extra_ports), OT_E_ARG);
  /* DevFuncNum is one byte (PCIe r6.0 §6.33.3 QUERY_RESP). */
  OT_ENSURE((size_t)cfg->dev_func + cfg->extra_port_count <= 0xFFu, OT_E_ARG);
  OT_ENSURE(cfg->faults >> OT_DSM_FAULT_COUNT == 0, OT_E_ARG);
  memset(d, 0, sizeof(*d));
  d->faults = cfg->faults;
  ot_spdm_responder_config_default(&d->rcfg, cfg->id, cfg->rng);
  if (cfg->versions) d->rcfg.versions = cfg->versions;
  if (cfg->algs) d->rcfg.algs = *cfg->algs;
  d->rcfg.heartbeat_period = cfg->heartbeat_period;
  d->rcfg.clock = cfg->clock;
  d->tdisp_vdm = (ot_sim_dsm_vdm){.base = {.standard_id = OT_PCISIG_STANDARD_ID,
                                           .vendor_id = OT_PCISIG_VENDOR_ID,
                                           .protocol_id = OT_PCISIG_PROTOCOL_TDISP,
                                           .handle = vdm_handle},
                                  .dsm = d};
  d->rcfg.vdm[0] = &d->tdisp_vdm.base;
  d->rcfg.vdm_count = 1;
  ot_ide_tx_init(&d->ide_tx);
  ot_ide_rx_init(&d->ide_rx);
  if (cfg->cfg) {
    /* PCIe r6.0 §7.9.26: the capability drives the engines IDE_KM keys. */
    ot_ide_regs_caps caps = cfg->ide_caps;
    caps.ide_km = true;
    OT_GUARD(ot_ide_regs_init(&d->ide_regs, cfg->cfg, &caps, &d->ide_tx, &d->ide_rx, NULL, 0));
    d->has_ide = true; /* from here on ot_sim_dsm_free releases the streams */
    d->km_ports[0] =
        (ot_ide_km_port){.regs = &d->ide_regs, .dev_func = cfg->dev_func, .bus = cfg->bus};
    OT_GUARD(extra_ports_init(d, cfg, &caps));
    OT_GUARD(ot_ide_km_responder_init(&d->km, d->km_ports, 1u + d->extra_port_count));
    d->ide_km_vdm = (ot_sim_dsm_vdm){.base = {.standard_id = OT_PCISIG_STANDARD_ID,
                                              .vendor_id = OT_PCISIG_VENDOR_ID,
                                              .protocol_id = OT_IDE_KM_PROTOCOL_ID,
                                              .handle = ide_km_handle},
                                     .dsm = d};
    d->rcfg.vdm[d->rcfg.vdm_count++] = &d->ide_km_vdm.base;
  }
  OT_GUARD(ot_spdm_responder_init(&d->rsp, &d->rcfg));
  d->ops = (ot_sim_dsm_ops){.base = {.stream_secure = ops_stream_secure}, .dsm = d};
  ot_status st = ot_tdisp_device_init(&d->tdisp, &cfg->tdisp, &d->ops.base, cfg->rng);
  if (!ot_ok(st)) {
    ot_spdm_responder_free(&d->rsp);
    return st;
  }
  ot_spdm_doe_binding_init(&d->binding, &d->rsp);
  d->plain = (ot_sim_dsm_proto){
      .base = {.vendor = OT_DOE_VENDOR_PCISIG, .type = OT_DOE_TYPE_SPDM, .handle = proto_handle},
      .dsm = d,
      .inner = &d->binding.plain.base};
  d->secured = (ot_sim_dsm_proto){.base = {.vendor = OT_DOE_VENDOR_PCISIG,
                                           .type = OT_DOE_TYPE_SECURED_SPDM,
                                           .handle = proto_handle},
                                  .dsm = d,
                                  .inner = &d->binding.secured.base};
  ot_doe_responder_init(&d->doe);
  st = ot_doe_responder_add(&d->doe, &d->plain.base);
  if (ot_ok(st)) st = ot_doe_responder_add(&d->doe, &d->secured.base);
  if (!ot_ok(st)) {
    ot_spdm_responder_free(&d->rsp);
    return st;
  }
  return OT_SUCCESS;
}

void ot_sim_dsm_free(ot_sim_dsm *d) {
  if (d == NULL) return;
  ot_spdm_responder_free(&d->rsp);
  if (d->has_ide) ot_ide_regs_release(&d->ide_regs);
  for (size_t i = 0; i < d->extra_port_count; i++) {
    ot_ide_regs_release(&d->extra_ports[i].regs);
    ot_ide_tx_clear(&d->extra_ports[i].tx);
    ot_ide_rx_clear(&d->extra_ports[i].rx);
  }
  ot_ide_tx_clear(&d->ide_tx);
  ot_ide_rx_clear(&d->ide_rx);
  ot_zeroize(d, sizeof(*d));
}

OT_RESULT ot_sim_dsm_add_tdi(ot_sim_dsm *d, const ot_tdisp_tdi_desc *desc, ot_tdisp_tdi **out) {
  OT_ENSURE(d && desc, OT_E_ARG);
  return ot_tdisp_device_add_tdi(&d->tdisp, desc, out);
}
