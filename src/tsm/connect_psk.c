/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connect with a pre-shared key (ot_tsm_dev_desc.psk): a PSK session (DSP0274
 * 1.3 PSK_EXCHANGE / PSK_FINISH) in place of KEY_EXCHANGE / FINISH.
 *
 * The choice, kept simple and said out loud: a PSK session proves only that
 * the device holds the PSK. When the device also has certificates (CERT_CAP)
 * and the policy has trust anchors, connect checks them exactly as without a
 * PSK (GET_DIGESTS, GET_CERTIFICATE, CHALLENGE, signed GET_MEASUREMENTS) and
 * then opens the PSK session; nothing binds that session to the certificate
 * (its transcript holds no certificate hash, DSP0274 1.3 key schedule TH for
 * PSK). Otherwise the device is not authenticated at all (psk_only); the
 * policy's reference measurements are then read unsigned inside the PSK
 * session, whose keys protect them in transit but prove nothing about who
 * measured.
 */
#include <string.h>

#include "opentsm/log.h"
#include "opentsm/tsm.h"
#include "tsm_internal.h"

bool tsm_psk_certs(const ot_tsm *tsm, const ot_tsm_dev *dev) {
  return (dev->spdm.rsp_caps & OT_SPDM_CAP_CERT) && tsm->spdm.anchor_count > 0;
}

ot_status tsm_psk_session(ot_tsm_dev *dev, ot_tsm_refusal *why) {
  char w[TSM_WHY_MAX];
  /* DSP0274 1.3 CAPABILITIES PSK_CAP: a device with 00b cannot open one. */
  if (!(dev->spdm.rsp_caps & OT_SPDM_CAP_PSK_MASK))
    return tsm_refuse(why, OT_TSM_R_SESSION, ot_status_of(OT_E_UNSUPPORTED),
                      "%s: the device does not offer PSK sessions (PSK_CAP 0)", dev->name);
  ot_status st = ot_spdm_requester_start_psk_session(&dev->spdm, dev->psk,
                                                     OT_SPDM_MEAS_SUMMARY_NONE, NULL,
                                                     &dev->session_id);
  if (ot_is(st, OT_E_VERIFY))
    return tsm_refuse(why, OT_TSM_R_SESSION, st,
                      "%s: PSK_EXCHANGE_RSP ResponderVerifyData does not verify: the device "
                      "does not hold this PSK",
                      dev->name);
  if (!ot_ok(st)) {
    bool io = ot_status_category(st) == OT_CAT_IO || ot_is(st, OT_E_DEAD);
    return tsm_refuse(why, io ? OT_TSM_R_TRANSPORT : OT_TSM_R_SESSION, st,
                      "%s: PSK_EXCHANGE/PSK_FINISH failed (%s)", dev->name,
                      tsm_spdm_why(dev, st, w, sizeof(w)));
  }
  OT_LOGI(TSM_LOG, "%s: PSK session 0x%08x%s", dev->name, dev->session_id,
          dev->psk_only ? " (device not authenticated by certificate)" : "");
  return OT_SUCCESS;
}

ot_status tsm_psk_measure(ot_tsm *tsm, ot_tsm_dev *dev, ot_tsm_refusal *why) {
  if (dev->pol == NULL || dev->pol->meas_count == 0) return OT_SUCCESS;
  char w[TSM_WHY_MAX];
  if (!(dev->spdm.rsp_caps & OT_SPDM_CAP_MEAS_MASK))
    return tsm_refuse(why, OT_TSM_R_MEAS_MISSING, ot_status_of(OT_E_UNSUPPORTED),
                      "%s: the policy requires measurements; the device has no MEAS_CAP",
                      dev->name);
  /* DSP0274 1.2 §10.11: GET_MEASUREMENTS inside the session, all blocks,
   * unsigned (no certificate was verified to check a signature with). */
  ot_spdm_meas_result res;
  ot_status st = ot_spdm_requester_session_measurements(
      &dev->spdm, dev->session_id, OT_SPDM_MEAS_OP_ALL, false, 0, tsm->scratch.record,
      sizeof(tsm->scratch.record), &res);
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_SPDM, st, "%s: GET_MEASUREMENTS in the PSK session failed (%s)",
                      dev->name, tsm_spdm_why(dev, st, w, sizeof(w)));
  return tsm_check_measurements(dev, tsm->scratch.record, res.record_len, why);
}
