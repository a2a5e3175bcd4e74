/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TDI state machine as two tables (PCIe r6.0 §11.2 "TDI states",
 * SPEC-FACTS §6.5):
 *  - k_msg[state][request]: may the request run in that state, and where does
 *    a successful one lead;
 *  - k_event[state][event]: where an asynchronous event leads.
 * The responder (responder.c) consults k_msg before any handler runs; the
 * device model delivers events through ot_tdisp_tdi_event. Nothing else
 * changes a TDI's state.
 */
#include "tdisp_internal.h"

#define U OT_TDI_CONFIG_UNLOCKED
#define L OT_TDI_CONFIG_LOCKED
#define R OT_TDI_RUN
#define E OT_TDI_ERROR

/* A cell is one byte: the state a successful request leads to, or REJECT
 * (44 bytes for the table rather than 44 rule/state pairs of enums). */
#define ALLOW(next) (next)
#define REJECT 0xffu

/*
 * Requests. GET_VERSION, GET_CAPABILITIES and GET_DEVICE_INTERFACE_STATE are
 * valid in every state and change nothing (§11.3). LOCK only from
 * CONFIG_UNLOCKED (§11.3 LOCK_INTERFACE_REQUEST: otherwise
 * INVALID_INTERFACE_STATE). The report exists only while locked: CONFIG_LOCKED
 * and RUN (§11.3 GET_DEVICE_INTERFACE_REPORT ✱; the spdm-emu sample does not
 * check). START only from CONFIG_LOCKED (§11.3 START_INTERFACE_REQUEST); a
 * wrong nonce leaves the TDI in CONFIG_LOCKED (◐ spdm-emu). STOP from
 * CONFIG_LOCKED, RUN and ERROR to CONFIG_UNLOCKED after scrubbing (§11.2:
 * ERROR is left only through STOP); in CONFIG_UNLOCKED it is refused with
 * INVALID_INTERFACE_STATE (◐ spdm-emu).
 * BIND_P2P_STREAM, UNBIND_P2P_STREAM and SET_MMIO_ATTRIBUTE act on a running
 * TDI only: RUN, staying in RUN (§11.3 BIND_P2P_STREAM_REQUEST,
 * UNBIND_P2P_STREAM_REQUEST, SET_MMIO_ATTRIBUTE_REQUEST: "only permitted in
 * RUN" ✱; spdm-emu implements none of them). VDM_REQUEST carries vendor
 * messages of any state and changes none (§11.3 VDM_REQUEST ✱); this device
 * implements none, so the column is never consulted (UNSUPPORTED_REQUEST first).
 */
/* clang-format off */
static const uint8_t k_msg[OT_TDISP_STATE_COUNT][TDISP_REQ_COUNT] = {
  /*                           VERSION   CAPS      LOCK      REPORT    STATE     START     STOP      BIND      UNBIND    MMIO_ATTR VDM */
  [OT_TDI_CONFIG_UNLOCKED] = {ALLOW(U), ALLOW(U), ALLOW(L), REJECT,   ALLOW(U), REJECT,   REJECT,   REJECT,   REJECT,   REJECT,   ALLOW(U)},
  [OT_TDI_CONFIG_LOCKED]   = {ALLOW(L), ALLOW(L), REJECT,   ALLOW(L), ALLOW(L), ALLOW(R), ALLOW(U), REJECT,   REJECT,   REJECT,   ALLOW(L)},
  [OT_TDI_RUN]             = {ALLOW(R), ALLOW(R), REJECT,   ALLOW(R), ALLOW(R), REJECT,   ALLOW(U), ALLOW(R), ALLOW(R), ALLOW(R), ALLOW(R)},
  [OT_TDI_ERROR]           = {ALLOW(E), ALLOW(E), REJECT,   REJECT,   ALLOW(E), REJECT,   ALLOW(U), REJECT,   REJECT,   REJECT,   ALLOW(E)},
};
/* clang-format on */

/*
 * Events (§11.2: a security-relevant change to a locked or running TDI moves
 * it to ERROR; SPEC-FACTS §6.5 ✱ lists the kinds). In CONFIG_UNLOCKED nothing is
 * locked, so nothing happens; ERROR stays ERROR until STOP.
 *  CFG_LOCKED_WRITE  §11.2: the locked configuration (BARs, Memory Space and
 *                    Bus Master Enable, MSI-X when LOCK_MSIX) must not change.
 *  FLR, RESET        §11.2: a reset of the function while locked or running.
 *  IDE_INSECURE      §11.2 with §6.33 (IDE): the stream the TDI is bound to
 *                    left Secure (integrity failure, key stop, Enable cleared).
 *  SESSION_END       §11.3: TDISP rides the SPDM session; its end loses the
 *                    TSM's control of the TDI.
 *  FW_UPDATE         §11.3 LOCK_INTERFACE_REQUEST NO_FW_UPDATE: firmware must
 *                    not change while locked; if it did, the TDI is in error.
 *  DEVICE_FAULT      §11.2: device-defined faults that affect TDI security.
 */
/* clang-format off */
static const uint8_t k_event[OT_TDISP_STATE_COUNT][OT_TDISP_EV_COUNT] = {
  /*                           CFG FLR RESET IDE SESS FW FAULT */
  [OT_TDI_CONFIG_UNLOCKED] = {U,  U,  U,    U,  U,   U, U},
  [OT_TDI_CONFIG_LOCKED]   = {E,  E,  E,    E,  E,   E, E},
  [OT_TDI_RUN]             = {E,  E,  E,    E,  E,   E, E},
  [OT_TDI_ERROR]           = {E,  E,  E,    E,  E,   E, E},
};
/* clang-format on */

#undef U
#undef L
#undef R
#undef E

tdisp_cell tdisp_table_lookup(ot_tdisp_state s, tdisp_req q) {
  tdisp_cell none = {TDISP_RULE_REJECT, OT_TDI_CONFIG_UNLOCKED};
  if ((unsigned)s >= OT_TDISP_STATE_COUNT || (unsigned)q >= TDISP_REQ_COUNT) return none;
  uint8_t next = k_msg[s][q];
  if (next == REJECT) return none;
  return (tdisp_cell){TDISP_RULE_ALLOW, (ot_tdisp_state)next};
}

void tdisp_enter_error(ot_tdisp_tdi *tdi) {
  tdi->state = OT_TDI_ERROR;
  /* START can no longer succeed: drop the nonce now rather than at STOP. */
  ot_zeroize(tdi->nonce, sizeof tdi->nonce);
  tdi->nonce_valid = false;
}

ot_tdisp_state ot_tdisp_tdi_event(ot_tdisp_tdi *tdi, ot_tdisp_event ev) {
  if ((unsigned)ev >= OT_TDISP_EV_COUNT) return tdi->state;
  ot_tdisp_state next = (ot_tdisp_state)k_event[tdi->state][ev];
  /* FW_UPDATE only violates a lock that asked for NO_FW_UPDATE. */
  if (ev == OT_TDISP_EV_FW_UPDATE && !(tdi->lock.flags & OT_TDISP_LOCK_NO_FW_UPDATE))
    next = tdi->state;
  if (next == OT_TDI_ERROR && tdi->state != OT_TDI_ERROR) {
    tdisp_enter_error(tdi);
    tdi->last_event = ev;
    tdi->error_by_event = true;
  }
  return tdi->state;
}

const char *ot_tdisp_state_name(ot_tdisp_state s) {
  switch (s) {
  case OT_TDI_CONFIG_UNLOCKED: return "CONFIG_UNLOCKED";
  case OT_TDI_CONFIG_LOCKED: return "CONFIG_LOCKED";
  case OT_TDI_RUN: return "RUN";
  case OT_TDI_ERROR: return "ERROR";
  default: return "UNKNOWN";
  }
}

const char *ot_tdisp_event_name(ot_tdisp_event e) {
  static const char *const names[OT_TDISP_EV_COUNT] = {
      [OT_TDISP_EV_CFG_LOCKED_WRITE] = "CFG_LOCKED_WRITE",
      [OT_TDISP_EV_FLR] = "FLR",
      [OT_TDISP_EV_RESET] = "RESET",
      [OT_TDISP_EV_IDE_INSECURE] = "IDE_INSECURE",
      [OT_TDISP_EV_SESSION_END] = "SESSION_END",
      [OT_TDISP_EV_FW_UPDATE] = "FW_UPDATE",
      [OT_TDISP_EV_DEVICE_FAULT] = "DEVICE_FAULT",
  };
  if ((unsigned)e >= OT_TDISP_EV_COUNT) return "UNKNOWN";
  return names[e];
}
