/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The firmware profile's device (docs/benchmarks.md "Firmware profile"): the
 * SPDM responder, the IDE_KM responder and the TDISP device behind one DOE
 * responder, with nothing a device does not need.
 *
 * Static allocation only: the caller owns one ot_fw_device (a static in a
 * firmware image) and everything it borrows; nothing here allocates. One
 * request is handled at a time, on one thread of control.
 *
 * What the platform provides, through interfaces only:
 *  - cryptography: the crypto layer's functions (opentsm/crypto.h,
 *    opentsm/x509.h), linked from whichever implementation the image uses
 *    (the host build links the OpenSSL one, src/crypto);
 *  - the IDE hardware: each IDE_KM port's register block and key slots
 *    (opentsm/ide_regs.h), and whether a stream is Secure (ops);
 *  - random numbers (ot_rng) and, optionally, a clock for heartbeats.
 */
#ifndef OPENTSM_FW_DEVICE_H
#define OPENTSM_FW_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/clock.h"
#include "opentsm/doe.h"
#include "opentsm/ide_km.h"
#include "opentsm/rng.h"
#include "opentsm/spdm.h"
#include "opentsm/spdm_identity.h"
#include "opentsm/status.h"
#include "opentsm/tdisp.h"
#include "opentsm/tdisp_watch.h"

typedef struct ot_fw_device ot_fw_device;

typedef struct ot_fw_device_config {
  const ot_spdm_identity *id; /* borrowed, outlives the device */
  ot_rng *rng;                /* SPDM nonces and keys, TDISP nonces (borrowed) */
  ot_clock *clock;            /* heartbeat enforcement, or NULL */
  uint8_t heartbeat_period;   /* KEY_EXCHANGE_RSP HeartbeatPeriod, seconds (0: none) */
  /* The IDE ports IDE_KM answers for (PortIndex i = ports[i]; borrowed), or
   * none (port_count 0): no IDE_KM. */
  ot_ide_km_port *ports;
  size_t port_count;
  /* The platform's view of its IDE streams (stream_secure required): TDISP
   * LOCK checks the default stream with it, and a TDI leaves RUN when its
   * stream stops being Secure (PCIe r6.0 §11.2). Borrowed. */
  ot_tdisp_device_ops *ide_state;
  ot_tdisp_device_config tdisp;
} ot_fw_device_config;

/* A DOE protocol of the device: the SPDM binding's, then the event checks. */
typedef struct ot_fw_proto {
  ot_doe_protocol base; /* must be first */
  ot_fw_device *dev;
  ot_doe_protocol *inner;
} ot_fw_proto;

/* A vendor-defined protocol handler inside SPDM sessions (TDISP, IDE_KM). */
typedef struct ot_fw_vdm {
  ot_spdm_vdm_handler base; /* must be first */
  ot_fw_device *dev;
} ot_fw_vdm;

struct ot_fw_device {
  ot_spdm_responder_config rcfg;
  ot_spdm_responder rsp;
  ot_spdm_doe_binding binding;
  ot_fw_proto plain, secured;
  ot_doe_responder doe;
  ot_fw_vdm tdisp_vdm, km_vdm;
  ot_ide_km_responder km;
  ot_tdisp_device tdisp;
  ot_tdisp_watch watch[OT_TDISP_MAX_TDIS]; /* what raises each TDI's events */
  ot_tdisp_device_ops *ide_state;
};

/*
 * Sets d up (its previous content is ignored). Errors: OT_E_ARG for a missing
 * identity, rng or ide_state; those of ot_spdm_responder_init,
 * ot_ide_km_responder_init and ot_tdisp_device_init.
 */
OT_RESULT ot_fw_device_init(ot_fw_device *d, const ot_fw_device_config *cfg);
/* Adds a TDI (desc borrowed): ot_tdisp_device_add_tdi. */
OT_RESULT ot_fw_device_add_tdi(ot_fw_device *d, const ot_tdisp_tdi_desc *desc, ot_tdisp_tdi **out);
/*
 * One DOE request object in, one response object out (ot_doe_responder_handle),
 * then the TDISP events the request caused (session ended, stream no longer
 * Secure). req_obj and rsp_obj must not overlap.
 */
OT_RESULT ot_fw_device_handle(ot_fw_device *d, const uint8_t *req_obj, size_t req_len,
                              uint8_t *rsp_obj, size_t rsp_cap, size_t *rsp_len);
/* The device's DOE responder, for a transport that calls ot_doe_responder_handle
 * itself (the events are checked inside each protocol handler too). */
static inline ot_doe_responder *ot_fw_device_doe(ot_fw_device *d) { return &d->doe; }
/* Platform events (PCIe r6.0 §11.2): re-checks every TDI's session and stream. */
void ot_fw_device_poll(ot_fw_device *d);
/* Wipes every session secret and the whole device. */
void ot_fw_device_free(ot_fw_device *d);

#endif /* OPENTSM_FW_DEVICE_H */
