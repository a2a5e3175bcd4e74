/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a device that serves TDISP inside SPDM sessions remembers of each TDI
 * to raise the events that end a locked TDI (PCIe r6.0 §11.2): the session
 * that locked it, and whether its IDE stream was Secure. One piece for both
 * compositions of SPDM responder + TDISP device: the firmware profile's
 * device (firmware/fw_device.c) and the simulator's DSM (src/sim/dsm.c).
 * @layer tdisp
 *
 * Inline on purpose: each composition compiles these few lines into itself,
 * so the firmware profile's responder archives do not carry them.
 */
#ifndef OPENTSM_TDISP_WATCH_H
#define OPENTSM_TDISP_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/spdm.h"
#include "opentsm/tdisp.h"

/* One TDI's watch; all zero is "not locked". */
typedef struct ot_tdisp_watch {
  bool locked; /* CONFIG_LOCKED or RUN under lock_session */
  uint32_t lock_session;
  bool stream_was_secure;
} ot_tdisp_watch;

/* PCIe r6.0 §11.2: the events apply to a TDI in CONFIG_LOCKED or RUN only.
 * True if t is in one; otherwise w is forgotten (a later LOCK starts over). */
static inline bool ot_tdisp_watch_live(const ot_tdisp_tdi *t, ot_tdisp_watch *w) {
  if (t->state == OT_TDI_CONFIG_LOCKED || t->state == OT_TDI_RUN) return true;
  w->locked = false;
  w->stream_was_secure = false;
  return false;
}

/* PCIe r6.0 §11.2: true if the SPDM session that locked the TDI has ended. */
static inline bool ot_tdisp_watch_session_ended(const ot_tdisp_watch *w,
                                                const ot_spdm_responder *r) {
  if (!w->locked) return false;
  return !ot_spdm_responder_has_session(r, w->lock_session);
}

/* PCIe r6.0 §11.2: records whether the TDI's IDE stream(s) are Secure now;
 * true if they were at the last check and are no longer. */
static inline bool ot_tdisp_watch_stream_left_secure(ot_tdisp_watch *w, bool secure) {
  bool was = w->stream_was_secure;
  w->stream_was_secure = secure;
  return was && !secure;
}

/* After a TDISP request inside session_id (PCIe r6.0 §11.3): a TDI of dev that
 * is now CONFIG_LOCKED or RUN and not yet watched was locked by that session.
 * watch has one entry per TDI of dev. */
static inline void ot_tdisp_watch_note_locks(const ot_tdisp_device *dev, ot_tdisp_watch *watch,
                                             uint32_t session_id) {
  for (size_t i = 0; i < dev->tdi_count; i++) {
    ot_tdisp_state s = dev->tdi[i].state;
    if ((s == OT_TDI_CONFIG_LOCKED || s == OT_TDI_RUN) && !watch[i].locked) {
      watch[i].locked = true;
      watch[i].lock_session = session_id;
    }
  }
}

#endif /* OPENTSM_TDISP_WATCH_H */
