/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A simulated device's security manager (DSM): one object that composes the
 * device-side protocol engines the way endpoint firmware does (DESIGN.md §1,
 * "DSM"), ready to sit behind a DOE mailbox model.
 * @layer sim
 *
 * It owns:
 *  - the SPDM responder (DSP0274) over the device's identity (borrowed:
 *    certificate slots, keys, measurements), served on DOE as SPDM (type 1)
 *    and secured SPDM (type 2) through `doe`, the ot_doe_responder to plug
 *    into an ot_doe_mailbox (opentsm/doe_mailbox.h);
 *  - the TDISP device (PCIe r6.0 §11), registered in the responder's
 *    vendor-defined table for (PCI-SIG, 0x0001, protocol 1); the SPDM
 *    responder only dispatches VENDOR_DEFINED_REQUEST inside a session, so
 *    every TDISP request reaches it with in_session set;
 *  - the device's IDE engine ends (transmit and receive, opentsm/ide.h),
 *    which answer TDISP's stream_secure question;
 *  - when the config gives the device's config space: its IDE Extended
 *    Capability (ot_ide_regs, PCIe r6.0 §7.9.26) wired to those engines, and
 *    the IDE_KM responder (opentsm/ide_km.h, port 0 = that capability,
 *    more ports optional, see extra_ports) registered for (PCI-SIG, 0x0001, protocol 0). Like TDISP
 * it is reached only inside a secured session, so QUERY returns the live registers and KEY_PROG
 * installs keys into the engines the registers drive.
 *
 * Events it wires (PCIe r6.0 §11.2, TDI state transitions to ERROR):
 *  - the SPDM session that locked a TDI ends (END_SESSION, a new GET_VERSION,
 *    a decrypt failure) -> OT_TDISP_EV_SESSION_END on that TDI; checked
 *    after every DOE request the DSM answers;
 *  - the TDI's bound IDE stream leaves Secure -> OT_TDISP_EV_IDE_INSECURE;
 *    checked after every DOE request and on ot_sim_dsm_poll_ide() (the
 *    simulator calls it after the engine refused a TLP).
 *
 * Caller-owned, allocation-free, single-threaded (the simulator's loop).
 */
#ifndef OPENTSM_SIM_DSM_H
#define OPENTSM_SIM_DSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/doe.h"
#include "opentsm/ide.h"
#include "opentsm/ide_km.h"
#include "opentsm/ide_regs.h"
#include "opentsm/pcie.h"
#include "opentsm/rng.h"
#include "opentsm/spdm.h"
#include "opentsm/spdm_identity.h"
#include "opentsm/status.h"
#include "opentsm/tdisp.h"
#include "opentsm/tdisp_watch.h"

typedef struct ot_sim_dsm ot_sim_dsm;

/*
 * Deliberate protocol violations for testing a validator against this
 * device (docs/conformance.md, "Faults"). They live here, in the device
 * model, and act around the protocol cores (src/sim/dsm_faults.c): the
 * cores stay correct. Each is one bit of ot_sim_dsm_config.faults.
 */
typedef enum ot_sim_dsm_fault {
  OT_DSM_FAULT_KM_CLEAR,             /* IDE_KM answered outside a session */
  OT_DSM_FAULT_TDISP_CLEAR,          /* TDISP answered outside a session */
  OT_DSM_FAULT_QUERY_RESP_SHORT,     /* QUERY_RESP of ports > 0 one byte short */
  OT_DSM_FAULT_MAX_PORT_WRONG,       /* QUERY_RESP MaxPortIndex one too high */
  OT_DSM_FAULT_QUERY_RSVD_REFUSED,   /* QUERY with Reserved set refused */
  OT_DSM_FAULT_KP_LENGTH_STATUS,     /* KEY_PROG of the wrong length: KP_ACK 00h */
  OT_DSM_FAULT_KP_PORT_ACCEPT,       /* KEY_PROG past MaxPortIndex: KP_ACK 00h */
  OT_DSM_FAULT_KP_SUBSTREAM_ACCEPT,  /* KEY_PROG sub-stream 3..15: KP_ACK 00h */
  OT_DSM_FAULT_KP_STREAM_ACCEPT,     /* KEY_PROG for a Stream ID no block holds: 00h */
  OT_DSM_FAULT_KP_RSVD_REFUSED,      /* KEY_PROG with Reserved set: KP_ACK 03h */
  OT_DSM_FAULT_KP_STREAM_ECHO,       /* KP_ACK echoes another Stream ID */
  OT_DSM_FAULT_KSET_GO_UNPROGRAMMED, /* K_SET_GO of an empty key set acknowledged */
  OT_DSM_FAULT_GOSTOP_PORT_ECHO,     /* K_GOSTOP_ACK echoes another PortIndex */
  OT_DSM_FAULT_TDISP_VERSION_ACCEPT, /* a request of another TDISPVersion answered */
  OT_DSM_FAULT_CAPS_NO_STOP,         /* REQ_MSGS_SUPPORTED misses STOP_INTERFACE */
  OT_DSM_FAULT_ERROR_CODE,           /* INVALID_REQUEST for INVALID_INTERFACE_STATE */
  OT_DSM_FAULT_LOCK_TWICE,           /* LOCK in CONFIG_LOCKED accepted */
  OT_DSM_FAULT_VERSION_RESETS,       /* GET_TDISP_VERSION unlocks the TDI */
  OT_DSM_FAULT_RUN_AFTER_STOP,       /* STOP answered, the TDI stays in RUN */
  OT_DSM_FAULT_RUN_ON_STREAM_STOP,   /* RUN kept when the bound stream stops */
  OT_DSM_FAULT_LOCK_FLAGS_ACCEPT,    /* LOCK with a flag not offered accepted */
  OT_DSM_FAULT_START_ANY_NONCE,      /* START with a wrong nonce accepted */
  OT_DSM_FAULT_REPORT_REMAINDER,     /* REMAINDER_LENGTH one too high */
  OT_DSM_FAULT_REPORT_CHANGES,       /* report contents differ between reads */
  OT_DSM_FAULT_IFACE_ACCEPT,         /* a wrong INTERFACE_ID acts on the TDI */
  OT_DSM_FAULT_UNKNOWN_SUCCESS,      /* unknown request codes answered */
  OT_DSM_FAULT_LOCK_LENGTH_ACCEPT,   /* LOCK of the wrong length accepted */
  OT_DSM_FAULT_RUN_AFTER_SESSION,    /* RUN kept when the locking session ends */
  OT_DSM_FAULT_P2P_ANY_STATE,        /* BIND_P2P_STREAM answered outside RUN */
  OT_DSM_FAULT_UNBIND_UNBOUND,       /* UNBIND_P2P_STREAM of a stream not bound answered */
  OT_DSM_FAULT_MMIO_ATTR_ANY,        /* SET_MMIO_ATTRIBUTE answered without its checks */
  OT_DSM_FAULT_VDM_ANSWER,           /* VDM_REQUEST answered though not offered */
  OT_DSM_FAULT_COUNT
} ot_sim_dsm_fault;

typedef struct ot_sim_dsm_fault_info {
  const char *name; /* --fault NAME */
  const char *what; /* one line */
} ot_sim_dsm_fault_info;

/* The fault of bit f, or NULL past OT_DSM_FAULT_COUNT. */
const ot_sim_dsm_fault_info *ot_sim_dsm_fault_get(unsigned f);
/* The bit of the fault named `name`, or -1. */
int ot_sim_dsm_fault_find(const char *name);

/* PortIndex 0 (the function's own capability) and up to 31 more. */
#define OT_SIM_DSM_MAX_PORTS 32u

/* An IDE port beyond port 0: a function's config space with its IDE
 * capability, and the engines that capability drives. */
typedef struct ot_sim_dsm_port {
  ot_cfg_space cfg;
  ot_ide_tx tx;
  ot_ide_rx rx;
  ot_ide_regs regs;
} ot_sim_dsm_port;

typedef struct ot_sim_dsm_config {
  const ot_spdm_identity *id;    /* borrowed, outlives the DSM */
  ot_rng *rng;                   /* SPDM nonces/keys, TDISP nonces (borrowed) */
  uint8_t versions;              /* OT_SPDM_VMASK_*; 0 = all (1.0 .. 1.4) */
  const ot_spdm_alg_prefs *algs; /* NULL = everything implemented */
  ot_tdisp_device_config tdisp;  /* capabilities reported to GET_TDISP_CAPABILITIES */
  /* The device's config space (borrowed, outlives the DSM), or NULL: no IDE
   * capability and no IDE_KM. ide_caps describes the capability; ide_km is
   * forced on (the DSM answers IDE_KM for it). */
  ot_cfg_space *cfg;
  ot_ide_regs_caps ide_caps;
  uint8_t bus, dev_func; /* QUERY_RESP BusNum / DevFuncNum of port 0 */
  /* More IDE_KM ports (PCIe r6.0 §6.33.3 PortIndex; MaxPortIndex =
   * extra_port_count): extra_ports[i] is PortIndex i + 1, storage borrowed
   * from the caller (large: config space and engines); the caller runs
   * ot_cfg_init on each cfg, ot_sim_dsm_init does the rest. Each is function dev_func + i + 1 of
   * the same bus with its own config space holding an IDE capability like ide_caps and its own
   * engines (a simulation choice: docs/cli.md). Needs cfg. */
  ot_sim_dsm_port *extra_ports;
  size_t extra_port_count; /* at most OT_SIM_DSM_MAX_PORTS - 1 */
  /* KEY_EXCHANGE_RSP HeartbeatPeriod in seconds (DSP0274 §10.12 Param1;
   * 0 = no heartbeat in sessions) and the clock that enforces it (borrowed;
   * NULL = not enforced): ot_spdm_responder_config. */
  uint8_t heartbeat_period;
  ot_clock *clock;
  /* Deliberate faults: bit (1 << ot_sim_dsm_fault) each; 0 = a correct device. */
  uint64_t faults;
} ot_sim_dsm_config;

/* A DOE protocol of the DSM: the SPDM binding's, followed by event checks. */
typedef struct ot_sim_dsm_proto {
  ot_doe_protocol base; /* must be first */
  ot_sim_dsm *dsm;
  ot_doe_protocol *inner;
} ot_sim_dsm_proto;

typedef struct ot_sim_dsm_vdm {
  ot_spdm_vdm_handler base; /* must be first */
  ot_sim_dsm *dsm;
} ot_sim_dsm_vdm;

typedef struct ot_sim_dsm_ops {
  ot_tdisp_device_ops base; /* must be first */
  ot_sim_dsm *dsm;
} ot_sim_dsm_ops;

struct ot_sim_dsm {
  ot_spdm_responder_config rcfg;
  ot_spdm_responder rsp;
  ot_spdm_doe_binding binding;
  ot_sim_dsm_proto plain, secured;
  ot_doe_responder doe; /* plug this into the mailbox model */
  ot_sim_dsm_vdm tdisp_vdm;
  ot_sim_dsm_vdm ide_km_vdm;
  ot_sim_dsm_ops ops;
  ot_tdisp_device tdisp;
  ot_tdisp_watch watch[OT_TDISP_MAX_TDIS]; /* what raises each TDI's events */
  ot_ide_tx ide_tx; /* the device's IDE engine ends */
  ot_ide_rx ide_rx;
  bool has_ide; /* the IDE capability and IDE_KM are present */
  ot_ide_regs ide_regs;
  ot_sim_dsm_port *extra_ports; /* borrowed (config) */
  size_t extra_port_count;
  ot_ide_km_port km_ports[OT_SIM_DSM_MAX_PORTS]; /* [0] = ide_regs */
  ot_ide_km_responder km;
  uint64_t events;       /* TDISP events raised (diagnostics) */
  uint64_t faults;       /* ot_sim_dsm_config.faults */
  uint32_t report_reads; /* OT_DSM_FAULT_REPORT_CHANGES: reads at offset 0 */
};

/* Builds the DSM. OT_E_ARG (missing identity/rng, bad versions), and the
 * errors of ot_spdm_responder_init / ot_tdisp_device_init / ot_ide_regs_init
 * (a failed IDE capability may be left in cfg: discard that cfg). */
OT_RESULT ot_sim_dsm_init(ot_sim_dsm *d, const ot_sim_dsm_config *cfg);
/* Wipes every session secret and IDE key. */
void ot_sim_dsm_free(ot_sim_dsm *d);

/* Adds a TDI (desc borrowed): as ot_tdisp_device_add_tdi. */
OT_RESULT ot_sim_dsm_add_tdi(ot_sim_dsm *d, const ot_tdisp_tdi_desc *desc, ot_tdisp_tdi **out);

/* The DOE responder to plug into a mailbox model (or a socket server). */
static inline ot_doe_responder *ot_sim_dsm_doe(ot_sim_dsm *d) { return &d->doe; }

/* Re-checks the IDE streams bound to locked TDIs (see the top of the file). */
void ot_sim_dsm_poll_ide(ot_sim_dsm *d);

#endif /* OPENTSM_SIM_DSM_H */
