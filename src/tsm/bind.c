/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Binding device interfaces to guests (DESIGN.md §4 "Bind"; PCIe r6.0 §11:
 * TDISP LOCK_INTERFACE, GET_DEVICE_INTERFACE_REPORT, START_INTERFACE,
 * STOP_INTERFACE), every TDISP message inside the device's SPDM session.
 */
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/tsm.h"
#include "tsm_internal.h"

/* Largest report piece asked for at once: fits the TDISP requester's buffer
 * with the VDM and TDISP headers (PCIe r6.0 §11.3 GET_DEVICE_INTERFACE_REPORT). */
#define TSM_REPORT_PIECE 768u
_Static_assert(TSM_REPORT_PIECE + 64u <= OT_TDISP_REQ_BUF, "a report piece fits one response");

/* TDISP rides VENDOR_DEFINED_REQUEST in the session: StandardID PCI-SIG,
 * VendorID 0x0001, ProtocolID 1 (PCIe r6.0 §11.3; SPEC-FACTS §2.14). */
static ot_status vdm_exchange(ot_tdisp_transport *t, uint32_t session_id, const uint8_t *req,
                              size_t req_len, uint8_t *rsp, size_t rsp_cap, size_t *rsp_len) {
  ot_tsm_dev *dev = ((ot_tsm_vdm_link *)t)->dev;
  OT_ENSURE(req_len >= 1 && req[0] == OT_PCISIG_PROTOCOL_TDISP && rsp_cap >= 1, OT_E_ARG);
  size_t n = 0;
  OT_GUARD(ot_spdm_requester_vdm(&dev->spdm, session_id, OT_PCISIG_STANDARD_ID, OT_PCISIG_VENDOR_ID,
                                 OT_PCISIG_PROTOCOL_TDISP, req + 1, req_len - 1, rsp + 1,
                                 rsp_cap - 1, &n));
  rsp[0] = OT_PCISIG_PROTOCOL_TDISP;
  *rsp_len = n + 1;
  return OT_SUCCESS;
}

OT_RESULT ot_tsm_tdi_init(ot_tsm_tdi *tdi, ot_tsm_dev *dev, const ot_tsm_tdi_desc *desc) {
  OT_ENSURE(tdi && dev && desc, OT_E_ARG);
  OT_ENSURE(desc->mmio_count == 0 || desc->mmio != NULL, OT_E_ARG);
  OT_ENSURE(dev->tdi_count < OT_TSM_MAX_TDIS, OT_E_NO_SPACE);
  for (size_t i = 0; i < dev->tdi_count; i++)
    OT_ENSURE(dev->tdis[i]->desc.function_id != desc->function_id, OT_E_EXISTS);
  memset(tdi, 0, sizeof(*tdi));
  tdi->dev = dev;
  tdi->desc = *desc;
  tdi->state = OT_TSM_TDI_FREE;
  tdi->vdm = (ot_tsm_vdm_link){.base = {.exchange = vdm_exchange}, .dev = dev};
  dev->tdis[dev->tdi_count++] = tdi;
  return OT_SUCCESS;
}

static ot_status tdisp_refusal(ot_tsm_tdi *tdi, const char *step, ot_status st,
                               ot_tsm_refusal *why) {
  /* An SPDM ERROR to the VENDOR_DEFINED_REQUEST that carried the TDISP
   * request (DSP0274 §10.12) is the device's answer, not a TDISP_ERROR. */
  char w[TSM_WHY_MAX];
  const char *spdm = tsm_spdm_why(tdi->dev, st, w, sizeof(w));
  if (spdm == w)
    return tsm_refuse(why, OT_TSM_R_TDISP, st, "%s: TDI 0x%x: %s failed (%s)", tdi->dev->name,
                      tdi->desc.function_id, step, spdm);
  if (ot_is(st, OT_E_PEER_ERROR))
    return tsm_refuse(why, OT_TSM_R_TDISP, st, "%s: TDI 0x%x: %s answered TDISP_ERROR %s",
                      tdi->dev->name, tdi->desc.function_id, step,
                      ot_tdisp_error_name(tdi->req.last_error.code));
  return tsm_refuse(why, OT_TSM_R_TDISP, st, "%s: TDI 0x%x: %s failed (%s)", tdi->dev->name,
                    tdi->desc.function_id, step, ot_status_message(st));
}

ot_status tsm_tdi_release(ot_tsm_tdi *tdi) {
  /* PCIe r6.0 §11.3 STOP_INTERFACE_REQUEST: back to CONFIG_UNLOCKED. */
  ot_status st = ot_tdisp_req_stop(&tdi->req);
  ot_tdisp_req_reset(&tdi->req);
  memset(tdi->guest, 0, sizeof(tdi->guest));
  tdi->lock_flags = 0;
  tdi->state = OT_TSM_TDI_FREE;
  return st;
}

static ot_status bind_steps(ot_tsm *tsm, ot_tsm_tdi *tdi, bool *locked, ot_tsm_refusal *why) {
  ot_tdisp_requester *r = &tdi->req;
  ot_status st = ot_tdisp_req_get_version(r);
  if (!ot_ok(st)) return tdisp_refusal(tdi, "GET_TDISP_VERSION", st, why);
  ot_tdisp_caps caps;
  st = ot_tdisp_req_get_capabilities(r, 0, &caps);
  if (!ot_ok(st)) return tdisp_refusal(tdi, "GET_TDISP_CAPABILITIES", st, why);
  /* Lock the firmware when the device can (PCIe r6.0 §11.3 LOCK_INTERFACE FLAGS). */
  ot_tdisp_lock_params lp = {.flags = caps.lock_flags_supported & OT_TDISP_LOCK_NO_FW_UPDATE,
                             .default_stream_id = tdi->dev->ide_up ? tdi->dev->stream.stream_id
                                                                   : tdi->desc.default_stream_id,
                             .mmio_reporting_offset = tdi->desc.mmio_reporting_offset};
  st = ot_tdisp_req_lock(r, &lp);
  if (!ot_ok(st)) return tdisp_refusal(tdi, "LOCK_INTERFACE", st, why);
  *locked = true;
  tdi->lock_flags = lp.flags;
  size_t len = 0;
  ot_tdisp_report rep;
  st = ot_tdisp_req_get_report(r, TSM_REPORT_PIECE, tsm->scratch.report,
                               sizeof(tsm->scratch.report), &len, &rep);
  if (!ot_ok(st)) return tdisp_refusal(tdi, "GET_DEVICE_INTERFACE_REPORT", st, why);
  ot_tdisp_expect exp = {.mmio = tdi->desc.mmio,
                         .mmio_count = tdi->desc.mmio_count,
                         .mmio_reporting_offset = tdi->desc.mmio_reporting_offset,
                         .lock_flags = lp.flags};
  st = ot_tdisp_report_check(&rep, &exp);
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_REPORT, st,
                      "%s: TDI 0x%x: the report's %u MMIO ranges or flags differ from the "
                      "platform's %u",
                      tdi->dev->name, tdi->desc.function_id, rep.mmio_count, tdi->desc.mmio_count);
  return OT_SUCCESS;
}

OT_RESULT ot_tsm_bind(ot_tsm *tsm, ot_tsm_tdi *tdi, const char *guest, ot_tsm_evidence *ev,
                      ot_tsm_refusal *why) {
  OT_ENSURE(tsm && tdi && tdi->dev && tdi->dev->tsm == tsm && guest && ev, OT_E_ARG);
  if (why) memset(why, 0, sizeof(*why));
  ot_tsm_dev *dev = tdi->dev;
  size_t glen = strlen(guest);
  if (glen == 0 || glen >= OT_TSM_NAME_MAX)
    return tsm_refuse(why, OT_TSM_R_GUEST_NOT_ALLOWED, ot_status_of(OT_E_ARG),
                      "guest name must be 1 to %u characters", OT_TSM_NAME_MAX - 1u);
  if (dev->state != OT_TSM_DEV_CONNECTED || tdi->state != OT_TSM_TDI_FREE)
    return tsm_refuse(why, OT_TSM_R_STATE, ot_status_of(OT_E_STATE), "%s: TDI 0x%x: %s", dev->name,
                      tdi->desc.function_id,
                      dev->state != OT_TSM_DEV_CONNECTED ? "device not connected"
                                                         : "already bound");
  if (!ot_tsm_policy_guest_allowed(dev->pol, guest))
    return tsm_refuse(why, OT_TSM_R_GUEST_NOT_ALLOWED, ot_status_of(OT_E_POLICY),
                      "%s: the policy does not allow this device for guest \"%s\"", dev->name,
                      guest);
  ot_status st =
      ot_tdisp_req_init(&tdi->req, &tdi->vdm.base, dev->session_id, tdi->desc.function_id);
  if (!ot_ok(st)) return tsm_refuse(why, OT_TSM_R_INTERNAL, st, "TDISP requester init failed");
  bool locked = false;
  uint8_t nonce[OT_SPDM_NONCE_SIZE];
  OT_GUARD_GOTO(st, bind_steps(tsm, tdi, &locked, why), unwind);
  memcpy(tdi->guest, guest, glen + 1);
  tdi->state = OT_TSM_TDI_BOUND;
  /* The evidence handed over at bind is as fresh as a guest request's. */
  st = ot_rng_fill(&tsm->rng.base, nonce, sizeof(nonce));
  if (!ot_ok(st)) {
    tsm_refuse(why, OT_TSM_R_INTERNAL, st, "the TSM's DRBG failed");
    goto unwind;
  }
  OT_GUARD_GOTO(st, tsm_collect_evidence(tsm, dev, tdi, nonce, ev, why), unwind);
  ot_zeroize(&tsm->scratch, sizeof(tsm->scratch));
  OT_LOGI(TSM_LOG, "%s: TDI 0x%x bound to %s", dev->name, tdi->desc.function_id, guest);
  return OT_SUCCESS;
unwind:
  if (locked) OT_IGNORE(ot_tdisp_req_stop(&tdi->req)); /* best effort: unlock again */
  ot_tdisp_req_reset(&tdi->req);
  memset(tdi->guest, 0, sizeof(tdi->guest));
  tdi->lock_flags = 0;
  tdi->state = OT_TSM_TDI_FREE;
  ot_zeroize(&tsm->scratch, sizeof(tsm->scratch));
  memset(ev, 0, sizeof(*ev));
  return st;
}

static ot_status check_guest(ot_tsm_tdi *tdi, const char *guest, ot_tsm_refusal *why) {
  if (tdi->state == OT_TSM_TDI_FREE)
    return tsm_refuse(why, OT_TSM_R_STATE, ot_status_of(OT_E_STATE), "%s: TDI 0x%x is not bound",
                      tdi->dev->name, tdi->desc.function_id);
  if (strcmp(tdi->guest, guest) != 0)
    return tsm_refuse(why, OT_TSM_R_WRONG_GUEST, ot_status_of(OT_E_POLICY),
                      "%s: TDI 0x%x is bound to another guest", tdi->dev->name,
                      tdi->desc.function_id);
  return OT_SUCCESS;
}

OT_RESULT ot_tsm_start(ot_tsm *tsm, ot_tsm_tdi *tdi, const char *guest, ot_tsm_refusal *why) {
  OT_ENSURE(tsm && tdi && tdi->dev && tdi->dev->tsm == tsm && guest, OT_E_ARG);
  if (why) memset(why, 0, sizeof(*why));
  OT_GUARD(check_guest(tdi, guest, why));
  if (tdi->state != OT_TSM_TDI_BOUND)
    return tsm_refuse(why, OT_TSM_R_STATE, ot_status_of(OT_E_STATE), "%s: TDI 0x%x already runs",
                      tdi->dev->name, tdi->desc.function_id);
  /* PCIe r6.0 §11.3 START_INTERFACE_REQUEST carries the LOCK response's nonce. */
  ot_status st = ot_tdisp_req_start(&tdi->req);
  if (!ot_ok(st)) return tdisp_refusal(tdi, "START_INTERFACE", st, why);
  tdi->state = OT_TSM_TDI_RUN;
  return OT_SUCCESS;
}

OT_RESULT ot_tsm_unbind(ot_tsm *tsm, ot_tsm_tdi *tdi) {
  OT_ENSURE(tsm && tdi && tdi->dev && tdi->dev->tsm == tsm, OT_E_ARG);
  OT_ENSURE(tdi->state != OT_TSM_TDI_FREE, OT_E_STATE);
  return tsm_tdi_release(tdi);
}

OT_RESULT ot_tsm_guest_request(ot_tsm *tsm, const char *guest, ot_tsm_tdi *tdi,
                               const uint8_t nonce[static OT_SPDM_NONCE_SIZE], ot_tsm_evidence *ev,
                               ot_tsm_refusal *why) {
  OT_ENSURE(tsm && tdi && tdi->dev && tdi->dev->tsm == tsm && guest && nonce && ev, OT_E_ARG);
  if (why) memset(why, 0, sizeof(*why));
  OT_GUARD(check_guest(tdi, guest, why));
  if (tdi->dev->state != OT_TSM_DEV_CONNECTED)
    return tsm_refuse(why, OT_TSM_R_STATE, ot_status_of(OT_E_STATE), "%s: not connected",
                      tdi->dev->name);
  ot_status st = tsm_collect_evidence(tsm, tdi->dev, tdi, nonce, ev, why);
  ot_zeroize(&tsm->scratch, sizeof(tsm->scratch));
  if (!ot_ok(st)) memset(ev, 0, sizeof(*ev));
  return st;
}
