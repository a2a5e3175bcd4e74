/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared pieces of the TDISP layer (the .c files of src/tdisp); the manual is opentsm/tdisp.h. */
#ifndef OT_TDISP_INTERNAL_H
#define OT_TDISP_INTERNAL_H

#include "opentsm/secure.h"
#include "opentsm/tdisp.h"

/*
 * The requests of TDISP 1.0, in request-code order (code = 0x81 + index).
 * 0x81-0x87 are always implemented. BIND/UNBIND_P2P_STREAM and
 * SET_MMIO_ATTRIBUTE (0x88-0x8A) are implemented when the device is configured
 * for them (ot_tdisp_device_config.p2p, .mmio_attr). VDM_REQUEST (0x8B) is
 * decoded by the codec but this device defines no vendor messages: it is
 * answered UNSUPPORTED_REQUEST in every state and not advertised.
 */
typedef enum tdisp_req {
  TDISP_REQ_GET_VERSION,
  TDISP_REQ_GET_CAPABILITIES,
  TDISP_REQ_LOCK_INTERFACE,
  TDISP_REQ_GET_REPORT,
  TDISP_REQ_GET_STATE,
  TDISP_REQ_START_INTERFACE,
  TDISP_REQ_STOP_INTERFACE,
  TDISP_REQ_BIND_P2P,
  TDISP_REQ_UNBIND_P2P,
  TDISP_REQ_SET_MMIO_ATTRIBUTE,
  TDISP_REQ_VDM,
  TDISP_REQ_COUNT
} tdisp_req;
_Static_assert(OT_TDISP_GET_VERSION + TDISP_REQ_STOP_INTERFACE == OT_TDISP_STOP_INTERFACE_REQUEST,
               "tdisp_req follows the request codes");
_Static_assert(OT_TDISP_GET_VERSION + TDISP_REQ_VDM == OT_TDISP_VDM_REQUEST,
               "tdisp_req follows the request codes");

/* True if dev implements request q (and lists it in REQ_MSGS_SUPPORTED). */
bool tdisp_req_implemented(const ot_tdisp_device *dev, tdisp_req q);

/* What the state table says about a request in a state. */
typedef enum tdisp_rule {
  TDISP_RULE_REJECT, /* wrong state: INVALID_INTERFACE_STATE */
  TDISP_RULE_ALLOW,  /* run the handler; on success go to `next` */
} tdisp_rule;

typedef struct tdisp_cell {
  tdisp_rule rule;
  ot_tdisp_state next; /* state after a successful handler */
} tdisp_cell;

/* The message table row of (state, request) (src/tdisp/state.c). */
tdisp_cell tdisp_table_lookup(ot_tdisp_state s, tdisp_req q);

/* Moves tdi to ERROR if the event table says so (no-op otherwise). */
void tdisp_enter_error(ot_tdisp_tdi *tdi);

/* Clears everything a lock left in the TDI: parameters, nonce, report, snapshot. */
void tdisp_tdi_scrub(ot_tdisp_tdi *tdi);

/* Builds the interface report of tdi for the lock parameters into
 * out[0..OT_TDISP_REPORT_MAX); OT_E_ARG if the offset pushes a range past 2^64. */
OT_RESULT tdisp_tdi_build_report(const ot_tdisp_tdi *tdi, const ot_tdisp_lock_params *p,
                                 uint8_t out[static OT_TDISP_REPORT_MAX], uint16_t *len);

/* Reads the locked config registers of tdi's function into *snap. */
void tdisp_cfg_snapshot_take(const ot_tdisp_tdi *tdi, ot_tdisp_cfg_snapshot *snap);

/* Offset of the MSI-X / PCIe capability in cfg, or 0 if absent. */
uint16_t tdisp_find_cap(ot_cfg_space *cfg, uint8_t id);

/* Reads/writes one MMIO_RANGE. */
OT_RESULT tdisp_read_range(ot_reader *r, ot_tdisp_mmio_range *m);
OT_RESULT tdisp_write_range(ot_writer *w, const ot_tdisp_mmio_range *m);
/* 4 KiB aligned, >= 1 page, no wrap past 2^64 (OT_E_MALFORMED otherwise). */
OT_RESULT tdisp_check_range(const ot_tdisp_mmio_range *m);

#endif /* OT_TDISP_INTERNAL_H */
