/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The untrusted host of the simulated platform: it enumerates the hierarchy
 * through configuration requests, takes over each endpoint's DOE mailbox
 * with the host driver (opentsm/doe_driver.h) over the routed config access,
 * runs DOE Discovery, and relays opaque DOE objects between a requester (the
 * TSM) and a device.
 * @layer sim
 *
 * The relay is an ot_doe_transport: a requester talks through it as through
 * any DOE transport. Every object that passes is kept in a host-visible log
 * (an ot_sim_capture, scanned by the key-exposure audit) and can be written
 * to a pcap file in the layout of DMTF's spdm-emu (link type 292,
 * opentsm/doe_pcap.h). A "malicious host" hook sees each request before it
 * goes to the device and each response before it goes back, and may alter
 * it, drop it, or answer a request itself (with a replayed or forged
 * response) without the device seeing it. DESIGN.md §1: the host never
 * holds a secret; the audit is how tests prove it.
 */
#ifndef OPENTSM_SIM_HOST_H
#define OPENTSM_SIM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/doe.h"
#include "opentsm/doe_driver.h"
#include "opentsm/doe_pcap.h"
#include "opentsm/sim_link.h"
#include "opentsm/sim_platform.h"
#include "opentsm/status.h"

/* ---- the relay --------------------------------------------------------------------- */

/* What a relay log record holds (the record's `dir` field). */
typedef enum ot_sim_relay_kind {
  OT_SIM_RELAY_REQ_IN = 0, /* request object as the requester sent it */
  OT_SIM_RELAY_REQ_OUT,    /* request as forwarded, when the hook changed it */
  OT_SIM_RELAY_RSP_IN,     /* response object as the device returned it */
  OT_SIM_RELAY_RSP_OUT,    /* response as returned, when the hook changed or made it */
} ot_sim_relay_kind;

typedef enum ot_sim_relay_stage {
  OT_SIM_RELAY_STAGE_REQUEST,  /* before the request goes to the device */
  OT_SIM_RELAY_STAGE_RESPONSE, /* before the response goes to the requester */
} ot_sim_relay_stage;

typedef enum ot_sim_relay_verdict {
  OT_SIM_RELAY_PASS,   /* forward buf[0..*len) (changed or not) */
  OT_SIM_RELAY_DROP,   /* lose it: the requester's exchange fails with OT_E_IO */
  OT_SIM_RELAY_ANSWER, /* request stage only: buf now holds the response payload to return */
} ot_sim_relay_verdict;

typedef struct ot_sim_relay ot_sim_relay;

/*
 * The malicious host. buf holds the payload (no DOE header) of (vendor, type),
 * *len bytes, room for cap; the hook may rewrite it and its length (a *len
 * above cap is clamped). It may read the log (ot_sim_relay_log_payload) to
 * replay an earlier object.
 */
typedef ot_sim_relay_verdict (*ot_sim_relay_hook)(ot_sim_relay *r, ot_sim_relay_stage stage,
                                                  uint16_t vendor, uint8_t type, uint8_t *buf,
                                                  size_t *len, size_t cap);

typedef struct ot_sim_relay_stats {
  uint64_t exchanges; /* requests received */
  uint64_t altered;   /* objects the hook changed */
  uint64_t dropped;
  uint64_t answered; /* requests the hook answered itself */
} ot_sim_relay_stats;

struct ot_sim_relay {
  ot_doe_transport base;    /* must be first */
  ot_doe_transport *device; /* borrowed: the mailbox driver */
  ot_clock *clock;          /* borrowed: pcap timestamps */
  ot_sim_capture log;       /* owned */
  ot_sim_relay_hook hook;   /* NULL: an honest relay */
  uint8_t *buf;             /* owned scratch: cap payload bytes */
  uint8_t *obj;             /* owned scratch: one whole object */
  size_t cap;
  ot_pcap_file pcap;
  bool recording;
  ot_sim_relay_stats stats;
};

/*
 * A relay to `device` for payloads up to `cap` bytes (0: 64 KiB; at most
 * OT_DOE_MAX_OBJECT_BYTES - 8). OT_E_ARG, OT_E_NOMEM.
 */
OT_RESULT ot_sim_relay_init(ot_sim_relay *r, ot_doe_transport *device, ot_clock *clock, size_t cap);
/* Frees the log and buffers and closes the pcap file (its error, if any, is returned). */
OT_RESULT ot_sim_relay_destroy(ot_sim_relay *r);
static inline ot_doe_transport *ot_sim_relay_transport(ot_sim_relay *r) { return &r->base; }
static inline void ot_sim_relay_set_hook(ot_sim_relay *r, ot_sim_relay_hook hook) {
  r->hook = hook;
}
/* Starts writing every relayed object to a DOE pcap at path (OT_E_IO; OT_E_STATE if recording). */
OT_RESULT ot_sim_relay_record(ot_sim_relay *r, const char *path);

/*
 * Log record i: its kind and its DOE object decoded into (vendor, type) and
 * payload (pointing into the log). OT_E_NOT_FOUND past the end.
 */
OT_RESULT ot_sim_relay_log_payload(const ot_sim_relay *r, size_t i, ot_sim_relay_kind *kind,
                                   uint16_t *vendor, uint8_t *type, const uint8_t **payload,
                                   size_t *len);

/* ---- the host ------------------------------------------------------------------------ */

#define OT_SIM_HOST_MAX_MAILBOXES 64u

/* A function whose DOE mailbox the host found and took over. */
typedef struct ot_sim_host_mailbox {
  uint8_t bus, devfn;
  uint16_t cap;
  ot_sim_cfg_access access; /* the routed config access the driver uses */
  ot_doe_driver driver;
  ot_status status; /* of ot_doe_driver_init: a broken mailbox does not stop the host */
} ot_sim_host_mailbox;

typedef struct ot_sim_host {
  ot_sim_platform *p; /* borrowed */
  ot_sim_enum topo;   /* what enumeration found */
  ot_sim_host_mailbox mailboxes[OT_SIM_HOST_MAX_MAILBOXES];
  size_t mailbox_count;
} ot_sim_host;

/*
 * Boots the host on platform p: enumerates from the root complex's bus
 * (ot_sim_enumerate), then for each Type 0 function walks its extended
 * capabilities for DOE mailboxes and initialises the driver on each (Abort,
 * Discovery). A mailbox that fails keeps its error in ->status. Errors:
 * enumeration's; OT_E_NO_SPACE past OT_SIM_HOST_MAX_MAILBOXES. Large
 * (allocate it).
 */
OT_RESULT ot_sim_host_boot(ot_sim_host *h, ot_sim_platform *p);

/* The first working mailbox of (bus, devfn), or NULL. */
ot_sim_host_mailbox *ot_sim_host_mailbox_at(ot_sim_host *h, uint8_t bus, uint8_t devfn);

#endif /* OPENTSM_SIM_HOST_H */
