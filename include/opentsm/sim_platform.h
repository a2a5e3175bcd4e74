/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The simulated platform: a topology instantiated into functions with
 * configuration spaces, the links between ports, the event loop that drives
 * them, configuration-request routing through the bridges, and host-style
 * enumeration.
 * @layer sim
 *
 * Each function is an ot_cfg_space (opentsm/pcie.h):
 *  - root ports and switch ports: Type 1 headers with a PCI Express
 *    capability of the right Device/Port Type (PCIe r6.0 §7.5.3.2), a 64-bit
 *    prefetchable window, and a slot on downstream-facing ports;
 *  - endpoint functions: Type 0 headers with a PCI Express capability
 *    (Endpoint), the profile's BARs (sizing modelled by a config hook: a
 *    write of all ones reads back the size mask, PCIe r6.0 §7.5.1.2.1), and a
 *    DOE mailbox (opentsm/doe_mailbox.h) when the profile lists one.
 *
 * A DOE mailbox answers Discovery itself and lists the profile's protocols;
 * each listed protocol is a slot that a device model fills with
 * ot_sim_function_bind_protocol (the seam for the SPDM responder). Until a
 * slot is bound, a request for it makes the mailbox report DOE Error (the
 * device has no firmware for it).
 *
 * Configuration requests travel as in PCIe r6.0 §7.3: the host bridge
 * answers for the root bus (Type 0) and forwards others to the root port
 * whose secondary..subordinate range holds the bus (Type 1); a bridge turns
 * a request for its secondary bus into Type 0 (to device 0 only across a
 * link) and forwards the rest down; the bus numbers come from the bridges'
 * registers as software programmed them. A request nobody claims ends in
 * Unsupported Request, which the root complex returns to software as all
 * ones (reads) or drops (writes).
 *
 * Ownership: ot_sim_platform_create allocates everything; destroy frees it.
 * Not thread-safe: one thread drives the loop.
 */
#ifndef OPENTSM_SIM_PLATFORM_H
#define OPENTSM_SIM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/doe.h"
#include "opentsm/doe_mailbox.h"
#include "opentsm/pcie.h"
#include "opentsm/sim_link.h"
#include "opentsm/sim_loop.h"
#include "opentsm/sim_topology.h"
#include "opentsm/status.h"

typedef struct ot_sim_platform ot_sim_platform;
typedef struct ot_sim_node ot_sim_node;

/* A listed DOE protocol: what Discovery announces, and the handler bound to it. */
typedef struct ot_sim_doe_slot {
  ot_doe_protocol base;  /* must be first: registered in the function's responder */
  ot_doe_protocol *impl; /* bound handler (borrowed), NULL until bound */
} ot_sim_doe_slot;

/* The BAR decoder of a Type 0 function: a config hook over 0x10..0x27. */
typedef struct ot_sim_bars {
  ot_cfg_hook hook;                  /* must be first */
  uint32_t lo_mask[OT_SIM_MAX_BARS]; /* per BAR register: writable address bits */
  uint32_t flags[OT_SIM_MAX_BARS];   /* per BAR register: its read-only low bits */
  ot_cfg_hook *next;                 /* a watcher that sees each access after the decoder */
} ot_sim_bars;

typedef struct ot_sim_function {
  ot_cfg_space cfg;
  const ot_sim_function_desc *desc; /* in the platform's copy of the topology */
  ot_sim_node *node;
  uint16_t exp_cap; /* PCI Express capability offset */
  ot_sim_bars bars;
  bool has_doe;
  uint16_t doe_cap;
  ot_doe_mailbox mailbox;
  ot_doe_responder responder;
  ot_sim_doe_slot slots[OT_SIM_MAX_PROTOCOLS];
  uint8_t *doe_req, *doe_rsp; /* owned, desc->doe.buffer_size each */
} ot_sim_function;

struct ot_sim_node {
  const ot_sim_node_desc *desc;
  size_t index;
  ot_sim_node *parent;
  ot_sim_function *functions[OT_SIM_MAX_FUNCTIONS]; /* owned; bridges have one */
  size_t function_count;
  ot_sim_link *uplink;   /* owned: the link to the parent port, NULL if none */
  ot_sim_sink up_port;   /* receives what comes down the uplink */
  ot_sim_sink down_port; /* link ports: receives what comes up from the child */
};

struct ot_sim_platform {
  ot_sim_topology topo; /* a copy: descriptions point into it */
  ot_sim_loop loop;
  ot_sim_node nodes[OT_SIM_MAX_NODES]; /* topology order: parents first */
  size_t node_count;
  ot_sim_tap *taps; /* owned: one per tap description, attached by apply_scenario */
  bool tap_ready[OT_SIM_MAX_TAPS];
};

/*
 * Builds the platform of topology t (copied) at simulated time 0: every
 * function's config space, mailbox and links. Bus numbers are not assigned:
 * the host does that (ot_sim_enumerate). OT_E_NOMEM, or the config space
 * errors of building a function (a profile that does not fit 4 KiB). *out
 * is set only on success.
 */
OT_RESULT ot_sim_platform_create(const ot_sim_topology *t, ot_sim_platform **out);
/* Frees everything (NULL is fine). Taps from scenarios are detached and closed. */
void ot_sim_platform_destroy(ot_sim_platform *p);

static inline ot_clock *ot_sim_platform_clock(ot_sim_platform *p) {
  return ot_sim_loop_clock(&p->loop);
}
/* The node called `name`, or NULL. */
ot_sim_node *ot_sim_platform_node(ot_sim_platform *p, const char *name);
/* Function `fn` (0..7) of a node, or NULL. */
ot_sim_function *ot_sim_node_function(ot_sim_node *n, uint8_t fn);

/*
 * Binds a device model's handler to a protocol the profile lists for this
 * function's mailbox (impl->vendor/type say which; borrowed, must outlive the
 * platform). OT_E_NOT_FOUND if the function has no mailbox or the profile
 * does not list it; OT_E_EXISTS if one is bound already; OT_E_ARG without a
 * handler.
 */
OT_RESULT ot_sim_function_bind_protocol(ot_sim_function *f, ot_doe_protocol *impl);

/*
 * Lets a second party watch the BAR block (the TDISP config guard,
 * ot_tdisp_guard_install, claims 0x10..0x27 too): the decoder is taken off
 * the block, install(ctx) runs, and the hook it added over the block is
 * chained behind the decoder, which stays in charge of the register values.
 * The errors of install (the decoder is put back); OT_E_STATE if install
 * added no hook at BAR0 or a watcher is chained already.
 */
OT_RESULT ot_sim_function_watch_bars(ot_sim_function *f, ot_status (*install)(void *ctx),
                                     void *ctx);

/*
 * Attaches the taps of scenario `name` (from the topology) to their links,
 * after any attached earlier. OT_E_NOT_FOUND for an unknown scenario,
 * OT_E_STATE if it is already applied; the tap errors (a pcap file that
 * cannot be created: nothing of the scenario stays attached).
 */
OT_RESULT ot_sim_platform_apply_scenario(ot_sim_platform *p, const char *name);
/* The tap created from the topology's tap called `name` (NULL if none or not applied). */
ot_sim_tap *ot_sim_platform_tap(ot_sim_platform *p, const char *name);

/*
 * Adds every OBSERVE tap of the applied scenarios to audit a (names are the
 * taps' names). OT_E_NO_SPACE when the audit is full.
 */
OT_RESULT ot_sim_platform_audit_links(ot_sim_platform *p, ot_sim_audit *a);

/* ---- configuration requests, as the root complex issues them ----------------------- */

/*
 * A configuration access of width 1, 2 or 4 at a naturally aligned offset
 * below 4 KiB to (bus, devfn), routed as described above. A read nobody
 * claims returns all ones and *claimed false; a write nobody claims does
 * nothing. OT_E_ARG for a bad width/offset.
 */
OT_RESULT ot_sim_cfg_read(ot_sim_platform *p, uint8_t bus, uint8_t devfn, uint16_t off,
                          unsigned width, uint32_t *val, bool *claimed);
OT_RESULT ot_sim_cfg_write(ot_sim_platform *p, uint8_t bus, uint8_t devfn, uint16_t off,
                           unsigned width, uint32_t val, bool *claimed);

/* The function a request to (bus, devfn) reaches, or NULL (the routing alone, for tools). */
ot_sim_function *ot_sim_route(ot_sim_platform *p, uint8_t bus, uint8_t devfn);

/* An ot_cfg_access for one BDF whose every access goes through the routing. */
typedef struct ot_sim_cfg_access {
  ot_cfg_access base; /* must be first */
  ot_sim_platform *p;
  uint8_t bus, devfn;
} ot_sim_cfg_access;

void ot_sim_cfg_access_init(ot_sim_cfg_access *a, ot_sim_platform *p, uint8_t bus, uint8_t devfn);

/* "BB:DD.F" into out (9 bytes with the NUL). */
void ot_sim_bdf_format(uint8_t bus, uint8_t devfn, char out[static 9]);

/* ---- enumeration, as the host does it ------------------------------------------------ */

#define OT_SIM_ENUM_MAX 256u

/* One function found. BAR sizes and addresses are per BAR register index. */
typedef struct ot_sim_enum_fn {
  uint8_t bus, devfn;
  uint16_t vendor, device;
  uint32_t class_code;
  uint8_t revision;
  uint8_t header_type; /* as read, multi-function bit included */
  int parent;          /* index of the bridge above (-1: on the root bus) */
  uint8_t depth;       /* bridges between it and the root bus */
  bool bridge;
  uint8_t secondary, subordinate;     /* bridges: as programmed */
  uint64_t bar_size[OT_SIM_MAX_BARS]; /* 0: not implemented (or the upper half of a 64-bit BAR) */
  uint64_t bar_addr[OT_SIM_MAX_BARS]; /* as assigned */
  uint8_t bar_flags[OT_SIM_MAX_BARS]; /* the BAR's low 4 bits */
} ot_sim_enum_fn;

typedef struct ot_sim_enum {
  ot_sim_enum_fn fns[OT_SIM_ENUM_MAX];
  size_t count;
  uint8_t last_bus;
} ot_sim_enum;

/* Where BARs are placed (an ECAM-less, x86-like memory map). */
#define OT_SIM_MMIO32_BASE UINT64_C(0xC0000000)
#define OT_SIM_MMIO32_LIMIT UINT64_C(0xFEBFFFFF)
#define OT_SIM_MMIO64_BASE UINT64_C(0x4000000000)
#define OT_SIM_MMIO64_LIMIT UINT64_C(0x7FFFFFFFFF)

/*
 * Enumerates the hierarchy below root bus `root_bus` depth-first, as Linux's
 * pci_scan_bridge does: for each device 0..31 read the Vendor ID of function
 * 0 (FFFFh: nobody there), scan functions 1..7 only when the Header Type says
 * multi-function; give each bridge the next bus number as secondary, 0xFF as
 * subordinate while scanning below it, then the highest bus found. Then sizes
 * every BAR (all ones written, mask read back, value restored) and assigns
 * addresses depth-first so each bridge's memory windows cover its subtree,
 * and enables memory decoding and bus mastering on bridges. Uses only
 * ot_sim_cfg_read/write. OT_E_NO_SPACE past OT_SIM_ENUM_MAX functions or bus
 * 255, or when the MMIO space is exhausted. *out is written only on success
 * (but the bridges keep what was programmed).
 */
OT_RESULT ot_sim_enumerate(ot_sim_platform *p, uint8_t root_bus, ot_sim_enum *out);

/* Index of the function at (bus, devfn) in e, or -1. */
int ot_sim_enum_find(const ot_sim_enum *e, uint8_t bus, uint8_t devfn);

/* The bus a node's functions are on after enumeration (from its parent's registers), -1 if none. */
int ot_sim_node_bus(ot_sim_platform *p, const ot_sim_node *n);

/*
 * The platform as JSON (jansson): the topology tree with each node's kind,
 * each function's BDF (after enumeration), IDs, class, BARs and DOE
 * protocols. A malloc'd NUL-terminated string the caller frees. OT_E_NOMEM.
 */
OT_RESULT ot_sim_platform_to_json(ot_sim_platform *p, char **out);

#endif /* OPENTSM_SIM_PLATFORM_H */
