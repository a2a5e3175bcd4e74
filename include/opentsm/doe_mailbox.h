/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device side of a DOE mailbox at register level: the DOE extended
 * capability (ID 0x2E, PCIe r6.0 §7.9.24) installed into a config space model
 * (opentsm/pcie.h), feeding whole request objects to an ot_doe_responder and
 * serving the response DW by DW, with a response latency on an ot_clock and
 * injectable faults for testing host drivers.
 * @layer doe
 *
 * Registers (offsets from the capability, opentsm/spec/doe.h):
 *   0x04 Capabilities  RO: Interrupt Support, Interrupt Message Number
 *   0x08 Control       Abort (bit 0) and Go (bit 31) act on write and read 0;
 *                      Interrupt Enable (bit 1) is RW
 *   0x0C Status        Busy, Error, Data Object Ready RO; Interrupt Status RW1C
 *   0x10 Write Mailbox a full-DW write appends one DW; narrower writes are
 *                      ignored (§7.9.24.5 defines DW access only); reads 0
 *   0x14 Read Mailbox  reads the current response DW (0 when none is ready);
 *                      any write advances to the next DW
 *
 * The mailbox is a state table (src/doe/mailbox.c):
 *
 *   state \ event  write DW         Go                 advance (write Read)   latency elapsed
 *   IDLE           append, RECEIVE  ERROR (empty)      ERROR (nothing ready)  -
 *   RECEIVING      append / ERROR*  validate+handle:   ERROR                  -
 *                                   BUSY / ERROR**
 *   BUSY           ERROR            ERROR (Go busy)    ERROR                  READY (or IDLE
 *                                                                              when never ready)
 *   READY          ERROR            ERROR              next DW; after the     -
 *                                                      last: IDLE
 *   ERROR          ignored          ignored            ignored                -
 *   any state:     Abort -> IDLE, everything cleared (a stuck-abort fault keeps Busy set)
 *
 *   *  past the request buffer, or a header Length larger than the buffer
 *      (Length 0 = 2^18 DW): OT_E_TOO_LARGE
 *   ** DW count != header Length, reserved bits, Length < 2, unknown
 *      protocol, handler failure (the status of ot_doe_responder_handle)
 *
 * The behaviour of Go/writes while Busy and of a malformed object is not
 * fixed by PCIe r6.0 §6.30.2 beyond "undefined" / "may discard"; this model
 * chooses to set DOE Error so that a host driver's error path is exercised.
 * QEMU's model (SPEC-FACTS §1.5) silently discards a length mismatch instead.
 * An error never corrupts state: the request is dropped, nothing is served,
 * and only Abort leaves ERROR.
 *
 * Time: Go with a valid object runs the responder at once and sets Busy;
 * Busy clears and Data Object Ready sets once `latency_ns` have passed on the
 * clock. The model looks at the clock on every register access (and in
 * ot_doe_mailbox_step), so a host polling Status over a simulated clock sees
 * the device progress while it sleeps. Interrupts: when Data Object Ready or
 * Error rises with Interrupt Enable set and Interrupt Support configured,
 * Interrupt Status sets and on_interrupt (if any) runs.
 *
 * Ownership: the mailbox, its buffers, the responder and the clock are
 * caller-owned and must outlive the config space's use. Not thread-safe.
 */
#ifndef OPENTSM_DOE_MAILBOX_H
#define OPENTSM_DOE_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/clock.h"
#include "opentsm/doe.h"
#include "opentsm/pcie.h"
#include "opentsm/status.h"

typedef enum ot_doe_mb_state {
  OT_DOE_MB_IDLE = 0,  /* no object written, none ready */
  OT_DOE_MB_RECEIVING, /* request DWs being written */
  OT_DOE_MB_BUSY,      /* Go accepted, response being produced */
  OT_DOE_MB_READY,     /* response being read */
  OT_DOE_MB_ERROR,     /* DOE Error set; only Abort leaves */
  OT_DOE_MB_STATE_COUNT
} ot_doe_mb_state;

/* Faults for testing host drivers; see ot_doe_mailbox_inject. */
typedef enum ot_doe_mb_fault {
  OT_DOE_FAULT_NONE = 0,
  OT_DOE_FAULT_NEVER_READY,  /* Go is accepted, Busy clears, Data Object Ready never sets */
  OT_DOE_FAULT_ERROR_MIDWAY, /* after `arg` response DWs were read, Error sets, Ready clears */
  OT_DOE_FAULT_STUCK_BUSY,   /* Busy reads 1 until the next Abort (another agent's request) */
  OT_DOE_FAULT_ABORT_STUCK,  /* every Abort leaves Busy set: the abort never completes */
} ot_doe_mb_fault;

typedef struct ot_doe_mailbox ot_doe_mailbox;

typedef struct ot_doe_mailbox_config {
  ot_doe_responder *responder; /* answers whole objects (borrowed) */
  ot_clock *clock;             /* time base for latency_ns; may be NULL if latency_ns is 0 */
  uint64_t latency_ns;         /* from Go to Data Object Ready */
  uint8_t *req_buf;            /* request object storage: its size is the largest object */
  size_t req_cap;              /* accepted; a multiple of 4, 12 .. 2^20 bytes */
  uint8_t *rsp_buf;            /* response object storage, same rules */
  size_t rsp_cap;
  uint8_t cap_version;  /* extended capability version: 1, or 2 (Discovery Version 2) */
  bool int_support;     /* DOE Interrupt Support */
  uint16_t int_msg_num; /* DOE Interrupt Message Number (11 bits) */
  /*
   * Optional: an MSI/MSI-X would be sent now. It runs inside a config access
   * (or ot_doe_mailbox_step), so it must not access the config space itself;
   * a simulator queues an event instead.
   */
  void (*on_interrupt)(ot_doe_mailbox *mb);
} ot_doe_mailbox_config;

/* Event counters, for tests and the simulator's statistics. */
typedef struct ot_doe_mailbox_stats {
  uint64_t requests;   /* objects handed to the responder */
  uint64_t responses;  /* responses fully read */
  uint64_t errors;     /* times DOE Error was set */
  uint64_t aborts;     /* Abort writes */
  uint64_t interrupts; /* interrupts raised */
} ot_doe_mailbox_stats;

/* Caller-owned; fields are private to src/doe/mailbox.c except through the functions below. */
struct ot_doe_mailbox {
  ot_cfg_hook hook; /* must be first: the config space calls back through it */
  ot_cfg_space *cfg;
  uint16_t cap; /* capability offset */
  ot_doe_mailbox_config conf;
  ot_doe_mb_state state;
  size_t req_dw;    /* request DWs written */
  size_t rsp_dw;    /* response object length in DW */
  size_t rd_dw;     /* response DWs consumed */
  uint64_t done_at; /* clock time at which BUSY completes */
  ot_doe_mb_fault fault;
  uint32_t fault_arg;
  bool stuck_busy; /* Busy forced by a fault */
  ot_status last_error;
  ot_doe_mailbox_stats stats;
};

/*
 * Adds the DOE extended capability to cfg and routes its registers to mb.
 * *cap_off (if not NULL) receives the capability offset. Errors: OT_E_ARG for
 * a bad config (no responder, bad buffer sizes, latency without clock, version
 * not 1 or 2, message number over 11 bits); the config space errors of
 * ot_cfg_add_ext_cap / ot_cfg_add_hook. On error mb is not installed (a failed
 * hook registration may leave an unused capability in cfg).
 */
OT_RESULT ot_doe_mailbox_install(ot_doe_mailbox *mb, ot_cfg_space *cfg,
                                 const ot_doe_mailbox_config *conf, uint16_t *cap_off);

/* Brings the model up to the clock's current time (completes a due response). */
void ot_doe_mailbox_step(ot_doe_mailbox *mb);

/*
 * Sets the active fault (OT_DOE_FAULT_NONE clears it). `arg` is the number of
 * response DWs read before the error for OT_DOE_FAULT_ERROR_MIDWAY and
 * ignored otherwise. OT_DOE_FAULT_STUCK_BUSY takes effect at once and lasts
 * until the next Abort; the others stay until replaced.
 */
void ot_doe_mailbox_inject(ot_doe_mailbox *mb, ot_doe_mb_fault fault, uint32_t arg);

ot_doe_mb_state ot_doe_mailbox_state(const ot_doe_mailbox *mb);
/* Why DOE Error was last set (OT_OK if it never was since the last Abort). */
ot_status ot_doe_mailbox_last_error(const ot_doe_mailbox *mb);
const ot_doe_mailbox_stats *ot_doe_mailbox_stats_get(const ot_doe_mailbox *mb);
/* "IDLE", "RECEIVING", ...; "?" for an unknown value. */
const char *ot_doe_mb_state_name(ot_doe_mb_state s);

/*
 * Checks the model's internal invariants (indices inside their buffers, the
 * Status register agreeing with the state). For tests and fuzzing; true when
 * all hold.
 */
bool ot_doe_mailbox_invariants_hold(const ot_doe_mailbox *mb);

#endif /* OPENTSM_DOE_MAILBOX_H */
