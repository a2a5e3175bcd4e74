/* SPDX-License-Identifier: BSD-3-Clause */
/* The firmware profile's device: see fw_device.h. */
#include "fw_device.h"

#include <string.h>

#include "opentsm/secure.h"

/* PCIe r6.0 §11.2: a TDI in CONFIG_LOCKED or RUN goes to ERROR when the SPDM
 * session that locked it ends, or when its default IDE stream leaves Secure. */
void ot_fw_device_poll(ot_fw_device *d) {
  for (size_t i = 0; i < d->tdisp.tdi_count; i++) {
    ot_tdisp_tdi *t = &d->tdisp.tdi[i];
    ot_tdisp_watch *w = &d->watch[i];
    if (!ot_tdisp_watch_live(t, w)) continue;
    if (ot_tdisp_watch_session_ended(w, &d->rsp)) {
      ot_tdisp_tdi_event(t, OT_TDISP_EV_SESSION_END);
      w->locked = false;
      continue;
    }
    bool secure = d->ide_state->stream_secure(d->ide_state, t->lock.default_stream_id);
    if (ot_tdisp_watch_stream_left_secure(w, secure))
      ot_tdisp_tdi_event(t, OT_TDISP_EV_IDE_INSECURE);
  }
}

static ot_status proto_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                              size_t rsp_cap, size_t *rsp_len) {
  ot_fw_proto *fp = (ot_fw_proto *)p;
  ot_status st = fp->inner->handle(fp->inner, req, req_len, rsp, rsp_cap, rsp_len);
  ot_fw_device_poll(fp->dev);
  return st;
}

/* TDISP inside the session (PCIe r6.0 §11.3); the locking session is remembered. */
static ot_status tdisp_handle(ot_spdm_vdm_handler *h, uint32_t session_id, const uint8_t *req,
                              size_t req_len, uint8_t *rsp, size_t rsp_cap, size_t *rsp_len) {
  ot_fw_device *d = ((ot_fw_vdm *)h)->dev;
  /* The SPDM responder hands over the payload after the Protocol ID; the
   * TDISP handler takes the whole VDM payload (Protocol ID + message). */
  uint8_t q[OT_TDISP_REQ_BUF];
  OT_ENSURE(req_len + 1 <= sizeof(q) && rsp_cap >= 1, OT_E_TOO_LARGE);
  q[0] = OT_PCISIG_PROTOCOL_TDISP;
  memcpy(q + 1, req, req_len);
  /* The answer comes with its Protocol ID, which the SPDM responder adds
   * itself: one byte more room than rsp, so a cut report is as long as rsp. */
  uint8_t a[OT_TDISP_REPORT_MAX + 64];
  size_t n = 0, cap = rsp_cap + 1 < sizeof(a) ? rsp_cap + 1 : sizeof(a);
  ot_tdisp_vdm_ctx ctx = {.in_session = true, .session_id = session_id};
  OT_GUARD(ot_tdisp_responder_handle(&d->tdisp, &ctx, q, req_len + 1, a, cap, &n));
  OT_ENSURE(n >= 1 && n - 1 <= rsp_cap, OT_E_NO_SPACE);
  memcpy(rsp, a + 1, n - 1);
  *rsp_len = n - 1;
  ot_tdisp_watch_note_locks(&d->tdisp, d->watch, session_id);
  return OT_SUCCESS;
}

/* Room beyond the largest IDE_KM object (KEY_PROG): a request of the wrong
 * length still reaches the layer, which answers KEY_PROG with KP_ACK 01h
 * Incorrect Length (PCIe r6.0 §6.33.3) rather than an SPDM ERROR from here. */
#define FW_KM_REQ_SLACK 208u

/* IDE_KM inside the session (DSP0274 §10.20 + PCIe r6.0 §6.33.3). The layer
 * takes Protocol ID + object in a buffer it may wipe (KEY_PROG carries a key). */
static ot_status km_handle(ot_spdm_vdm_handler *h, uint32_t session_id, const uint8_t *req,
                           size_t req_len, uint8_t *rsp, size_t rsp_cap, size_t *rsp_len) {
  (void)session_id;
  ot_fw_device *d = ((ot_fw_vdm *)h)->dev;
  uint8_t q[OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_KEY_PROG_SIZE + FW_KM_REQ_SLACK] = {0};
  uint8_t a[OT_IDE_KM_RSP_MAX];
  size_t n = 0;
  OT_ENSURE(req_len + 1 <= sizeof(q), OT_E_TOO_LARGE);
  OT_GUARD(ot_secret_mark(q, sizeof(q)));
  q[0] = OT_IDE_KM_PROTOCOL_ID;
  memcpy(q + 1, req, req_len);
  ot_status st = ot_ide_km_respond(&d->km, true, q, req_len + 1, a, sizeof(a), &n);
  ot_secret_wipe(q, sizeof(q));
  OT_GUARD(st);
  OT_ENSURE(n >= 1 && n - 1 <= rsp_cap, OT_E_NO_SPACE);
  memcpy(rsp, a + 1, n - 1);
  *rsp_len = n - 1;
  return OT_SUCCESS;
}

OT_RESULT ot_fw_device_init(ot_fw_device *d, const ot_fw_device_config *cfg) {
  OT_ENSURE(d && cfg && cfg->id && cfg->rng, OT_E_ARG);
  OT_ENSURE(cfg->ide_state && cfg->ide_state->stream_secure, OT_E_ARG);
  OT_ENSURE(cfg->port_count == 0 || cfg->ports, OT_E_ARG);
  memset(d, 0, sizeof(*d));
  d->ide_state = cfg->ide_state;
  ot_spdm_responder_config_default(&d->rcfg, cfg->id, cfg->rng);
  d->rcfg.heartbeat_period = cfg->heartbeat_period;
  /* As `opentsm device`: HANDSHAKE_IN_THE_CLEAR_CAP too (DSP0274 1.1+ §10.9),
   * so a requester that sets it runs KEY_EXCHANGE/FINISH in the clear, when
   * the profile has it (OT_FW_HITC). */
  d->rcfg.caps |= OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR & OT_SPDM_RSP_CAPS_BUILT;
  d->rcfg.clock = cfg->clock;
  d->tdisp_vdm = (ot_fw_vdm){.base = {.standard_id = OT_PCISIG_STANDARD_ID,
                                      .vendor_id = OT_PCISIG_VENDOR_ID,
                                      .protocol_id = OT_PCISIG_PROTOCOL_TDISP,
                                      .handle = tdisp_handle},
                             .dev = d};
  d->rcfg.vdm[d->rcfg.vdm_count++] = &d->tdisp_vdm.base;
  if (cfg->port_count) {
    OT_GUARD(ot_ide_km_responder_init(&d->km, cfg->ports, cfg->port_count));
    d->km_vdm = (ot_fw_vdm){.base = {.standard_id = OT_PCISIG_STANDARD_ID,
                                     .vendor_id = OT_PCISIG_VENDOR_ID,
                                     .protocol_id = OT_IDE_KM_PROTOCOL_ID,
                                     .handle = km_handle},
                            .dev = d};
    d->rcfg.vdm[d->rcfg.vdm_count++] = &d->km_vdm.base;
  }
  OT_GUARD(ot_spdm_responder_init(&d->rsp, &d->rcfg));
  ot_status st = ot_tdisp_device_init(&d->tdisp, &cfg->tdisp, cfg->ide_state, cfg->rng);
  ot_spdm_doe_binding_init(&d->binding, &d->rsp);
  ot_doe_protocol *in[2] = {&d->binding.plain.base, &d->binding.secured.base};
  ot_fw_proto *w[2] = {&d->plain, &d->secured};
  ot_doe_responder_init(&d->doe);
  for (size_t i = 0; i < 2 && ot_ok(st); i++) {
    *w[i] = (ot_fw_proto){
        .base = {.vendor = in[i]->vendor, .type = in[i]->type, .handle = proto_handle},
        .dev = d,
        .inner = in[i]};
    st = ot_doe_responder_add(&d->doe, &w[i]->base);
  }
  if (!ot_ok(st)) ot_fw_device_free(d);
  return st;
}

OT_RESULT ot_fw_device_add_tdi(ot_fw_device *d, const ot_tdisp_tdi_desc *desc, ot_tdisp_tdi **out) {
  OT_ENSURE(d && desc, OT_E_ARG);
  return ot_tdisp_device_add_tdi(&d->tdisp, desc, out);
}

OT_RESULT ot_fw_device_handle(ot_fw_device *d, const uint8_t *req_obj, size_t req_len,
                              uint8_t *rsp_obj, size_t rsp_cap, size_t *rsp_len) {
  OT_ENSURE(d && req_obj && rsp_obj && rsp_len, OT_E_ARG);
  return ot_doe_responder_handle(&d->doe, req_obj, req_len, rsp_obj, rsp_cap, rsp_len);
}

void ot_fw_device_free(ot_fw_device *d) {
  if (d == NULL) return;
  ot_spdm_responder_free(&d->rsp);
  ot_zeroize(d, sizeof(*d));
}
