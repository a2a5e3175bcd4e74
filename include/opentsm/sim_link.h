/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Links between ports and the interposer's taps on them, plus the byte
 * captures behind the key-exposure audit and the TLP pcap writer.
 * @layer sim
 *
 * A link carries TLPs as opaque byte buffers (a later layer gives them
 * structure) in two directions, each delivered to the port at the far end
 * `latency_ns` after it was sent, in order, through the event loop. Between
 * send and delivery a TLP passes the link's taps in the order they were
 * attached; each tap may observe, record, drop, replay, reorder, modify or
 * inject (opentsm/sim_topology.h, ot_sim_tap_action). A TLP a tap creates
 * (a replayed copy, a released held TLP, a forged one) enters the tap chain
 * just after that tap.
 *
 * Storage: a link owns `inflight` delivery slots of OT_SIM_TLP_MAX bytes
 * (allocated once by ot_sim_link_init); a send finds no free slot only when
 * that many TLPs are on the wire (OT_E_BUSY, like running out of flow-control
 * credits). Captures grow on the heap: they are test instruments, not the
 * datapath.
 */
#ifndef OPENTSM_SIM_LINK_H
#define OPENTSM_SIM_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "opentsm/doe_pcap.h"
#include "opentsm/sim_loop.h"
#include "opentsm/sim_topology.h"
#include "opentsm/status.h"

/*
 * Largest TLP carried: 4096 bytes of payload (PCIe r6.0 §2.2.2, Max_Payload_Size)
 * plus headers, prefixes, digest and IDE MAC with room to spare.
 */
#define OT_SIM_TLP_MAX 4224u
#define OT_SIM_LINK_MAX_TAPS 8u
#define OT_SIM_LINK_DEFAULT_INFLIGHT 16u

/* ---- captures and the key-exposure audit ------------------------------------------- */

/* One buffer seen: where its bytes are in the capture and what it was. */
typedef struct ot_sim_capture_rec {
  uint64_t time_ns;
  size_t off, len; /* in the capture's data */
  uint8_t dir;     /* ot_sim_dir for links; the relay's record kind for the host */
} ot_sim_capture_rec;

/*
 * Every byte of every buffer appended, contiguously, and an index of
 * records. Owned by its holder; free with ot_sim_capture_free. A failed
 * allocation makes it sticky-failed (ot_sim_capture_append reports
 * OT_E_NOMEM then and later), so an audit cannot silently miss bytes.
 */
typedef struct ot_sim_capture {
  uint8_t *data;
  size_t len, cap;
  ot_sim_capture_rec *recs;
  size_t count, rec_cap;
  bool failed;
} ot_sim_capture;

void ot_sim_capture_init(ot_sim_capture *c);
void ot_sim_capture_free(ot_sim_capture *c);
OT_RESULT ot_sim_capture_append(ot_sim_capture *c, uint64_t time_ns, uint8_t dir,
                                const uint8_t *bytes, size_t len);

/*
 * Searches everything captured (records back to back, so a secret split
 * across two buffers is found too) for secret[0..len). True if found; then
 * *rec and *off (may be NULL) give the record where it starts and the offset
 * inside it. len 0 finds nothing.
 */
bool ot_sim_capture_find(const ot_sim_capture *c, const uint8_t *secret, size_t len, size_t *rec,
                         size_t *off);

/* A set of named captures to scan at once: every link tap and the host relay log. */
#define OT_SIM_AUDIT_MAX 64u

typedef struct ot_sim_audit {
  const ot_sim_capture *captures[OT_SIM_AUDIT_MAX]; /* borrowed */
  const char *names[OT_SIM_AUDIT_MAX];              /* borrowed */
  size_t count;
} ot_sim_audit;

/* Where a secret was found. */
typedef struct ot_sim_exposure {
  const char *where; /* the capture's name */
  size_t record, offset;
} ot_sim_exposure;

void ot_sim_audit_init(ot_sim_audit *a);
/* Adds a capture (borrowed, must outlive the audit). OT_E_NO_SPACE past OT_SIM_AUDIT_MAX. */
OT_RESULT ot_sim_audit_add(ot_sim_audit *a, const char *name, const ot_sim_capture *c);
/*
 * True if secret[0..len) appears in any capture, or if a capture failed
 * (it may have lost the bytes that held it: the audit cannot vouch for it);
 * *hit (may be NULL) says where (record SIZE_MAX for a failed capture).
 */
bool ot_sim_audit_scan(const ot_sim_audit *a, const uint8_t *secret, size_t len,
                       ot_sim_exposure *hit);

/* ---- TLP pcap --------------------------------------------------------------------------- */

/*
 * TLP captures: classic pcap (magic A1B2C3D4h, v2.4, little-endian) with link
 * type 147 (LINKTYPE_USER0, "reserved for private use"). Each record's data
 * is a 4-byte pseudo-header then the TLP bytes:
 *   byte 0: format version, 1
 *   byte 1: direction, 0 downstream / 1 upstream
 *   bytes 2-3: link id, big-endian
 * Timestamps are simulated time. docs/topology.md documents it for dissectors.
 */
#define OT_SIM_PCAP_LINKTYPE_TLP 147u
#define OT_SIM_PCAP_TLP_PSEUDO 4u
#define OT_SIM_PCAP_TLP_VERSION 1u
#define OT_SIM_PCAP_TLP_SNAPLEN (OT_SIM_TLP_MAX + OT_SIM_PCAP_TLP_PSEUDO)

typedef struct ot_sim_tlp_pcap {
  ot_pcap_file file; /* the savefile writer shared with DOE captures */
  uint64_t records;
} ot_sim_tlp_pcap;

/* Creates (truncates) path and writes the global header. OT_E_IO. */
OT_RESULT ot_sim_tlp_pcap_open(ot_sim_tlp_pcap *p, const char *path);
/* Appends one TLP (OT_E_TOO_LARGE over OT_SIM_TLP_MAX, OT_E_IO). */
OT_RESULT ot_sim_tlp_pcap_append(ot_sim_tlp_pcap *p, uint64_t time_ns, ot_sim_dir dir,
                                 uint16_t link_id, const uint8_t *tlp, size_t len);
/* Flushes and closes (OT_E_IO); closing a closed one does nothing. */
OT_RESULT ot_sim_tlp_pcap_close(ot_sim_tlp_pcap *p);

/* ---- ports and links ---------------------------------------------------------------------- */

typedef struct ot_sim_link ot_sim_link;
typedef struct ot_sim_port ot_sim_port;
typedef struct ot_sim_tap ot_sim_tap;

/*
 * A receiving end. An implementation embeds ot_sim_port first. receive()
 * runs from the event loop; tlp is valid only during the call. It may send
 * on any link.
 */
struct ot_sim_port {
  void (*receive)(ot_sim_port *port, ot_sim_link *link, ot_sim_dir dir, const uint8_t *tlp,
                  size_t len);
};

/* A port that counts what it receives and keeps the last TLP (the default receiver). */
typedef struct ot_sim_sink {
  ot_sim_port base; /* must be first */
  uint64_t received;
  uint8_t last[OT_SIM_TLP_MAX];
  size_t last_len;
} ot_sim_sink;

void ot_sim_sink_init(ot_sim_sink *s);

typedef struct ot_sim_inflight ot_sim_inflight;

typedef struct ot_sim_link_stats {
  uint64_t sent[2];      /* by direction: TLPs handed to ot_sim_link_send */
  uint64_t delivered[2]; /* TLPs that reached the far port */
  uint64_t lost;         /* TLPs created by taps that found no free slot */
} ot_sim_link_stats;

struct ot_sim_link {
  char name[OT_SIM_NAME_MAX];
  uint16_t id;
  ot_sim_loop *loop; /* borrowed */
  uint64_t latency_ns;
  /* end[OT_SIM_DOWNSTREAM] receives TLPs sent downstream (the lower port), end[UPSTREAM] the rest.
   */
  ot_sim_port *end[2];
  ot_sim_tap *taps[OT_SIM_LINK_MAX_TAPS];
  size_t tap_count;
  ot_sim_inflight *slots; /* owned */
  size_t slot_count;
  ot_sim_link_stats stats;
};

/*
 * Sets up a link named `name` with `inflight` delivery slots (0: the
 * default). Ends default to NULL (a TLP delivered to a NULL end is counted
 * and discarded). OT_E_ARG for a bad name, OT_E_NOMEM.
 */
OT_RESULT ot_sim_link_init(ot_sim_link *l, ot_sim_loop *loop, const char *name, uint16_t id,
                           uint64_t latency_ns, size_t inflight);
/* Frees the slots and cancels pending deliveries; taps are detached, not freed. */
void ot_sim_link_destroy(ot_sim_link *l);
void ot_sim_link_connect(ot_sim_link *l, ot_sim_port *lower, ot_sim_port *upper);

/*
 * Sends tlp[0..len) in direction dir: through the taps, then delivered
 * latency_ns later. OT_E_ARG for len 0 or over OT_SIM_TLP_MAX; OT_E_BUSY when
 * no delivery slot is free (nothing was sent, no tap saw it).
 */
OT_RESULT ot_sim_link_send(ot_sim_link *l, ot_sim_dir dir, const uint8_t *tlp, size_t len);

/* ---- taps --------------------------------------------------------------------------------- */

/* MODIFY by callback: change tlp[0..*len) in place (up to cap bytes). */
typedef void (*ot_sim_tap_modify_fn)(ot_sim_tap *tap, ot_sim_dir dir, uint8_t *tlp, size_t *len,
                                     size_t cap);

typedef struct ot_sim_tap_stats {
  uint64_t seen;     /* TLPs that passed the direction filter */
  uint64_t matched;  /* of those, the ones acted on */
  uint64_t released; /* REPLAY copies sent / REORDER held TLPs released / INJECT forgeries sent */
  uint64_t missed;   /* REPLAY matches while a copy was pending; record write failures */
} ot_sim_tap_stats;

/*
 * A tap: caller-owned, configured with ot_sim_tap_init and the action's
 * setter, then attached to one link. Holds up to one TLP for REPLAY/REORDER.
 */
struct ot_sim_tap {
  char name[OT_SIM_NAME_MAX];
  ot_sim_tap_action action;
  ot_sim_match match;
  ot_sim_link *link; /* set by attach */
  size_t position;   /* index in the link's tap chain */
  ot_sim_tap_stats stats;
  /* OBSERVE */
  ot_sim_capture capture;
  /* RECORD */
  ot_sim_tlp_pcap pcap;
  /* REPLAY / REORDER: one held TLP */
  ot_sim_event ev; /* REPLAY: fires the copy */
  uint64_t delay_ns;
  bool holding;
  ot_sim_dir held_dir;
  uint8_t held[OT_SIM_TLP_MAX];
  size_t held_len;
  /* MODIFY */
  ot_sim_bit_flip flips[OT_SIM_TAP_MAX_FLIPS];
  size_t flip_count;
  ot_sim_tap_modify_fn modify;
  /* INJECT */
  uint8_t forged[OT_SIM_TLP_MAX];
  size_t forged_len;
};

/* A tap that does `action` on TLPs matching `match`; no parameters yet. OT_E_ARG for a bad name. */
OT_RESULT ot_sim_tap_init(ot_sim_tap *t, const char *name, ot_sim_tap_action action,
                          const ot_sim_match *match);
/* RECORD: the pcap file to write (opened now; OT_E_IO). */
OT_RESULT ot_sim_tap_set_record(ot_sim_tap *t, const char *path);
/* REPLAY: the delay between the original and its copy. */
void ot_sim_tap_set_replay(ot_sim_tap *t, uint64_t delay_ns);
/* MODIFY: XOR flips[i].mask into byte flips[i].offset; OT_E_ARG for 0 or too many flips. */
OT_RESULT ot_sim_tap_set_flips(ot_sim_tap *t, const ot_sim_bit_flip *flips, size_t n);
/* MODIFY: a callback instead of (after) the flips. */
void ot_sim_tap_set_modify(ot_sim_tap *t, ot_sim_tap_modify_fn fn);
/* INJECT: the forged TLP sent after each matched one. OT_E_ARG for 0 or > OT_SIM_TLP_MAX. */
OT_RESULT ot_sim_tap_set_forged(ot_sim_tap *t, const uint8_t *tlp, size_t len);
/* Configures t from a YAML tap description (name, action, match and parameters). */
OT_RESULT ot_sim_tap_from_desc(ot_sim_tap *t, const ot_sim_tap_desc *d);

/* Appends t to l's tap chain. OT_E_STATE if t is attached; OT_E_NO_SPACE past the maximum. */
OT_RESULT ot_sim_tap_attach(ot_sim_tap *t, ot_sim_link *l);
/*
 * Removes t from its link. A TLP it holds for REORDER is released into the
 * link first (a detached interposer leaves nothing stuck); a pending REPLAY
 * copy is cancelled.
 */
void ot_sim_tap_detach(ot_sim_tap *t);
/* Detaches, closes the pcap file and frees the capture. */
OT_RESULT ot_sim_tap_destroy(ot_sim_tap *t);

/*
 * Forges a TLP now: it enters the link just after tap t (OT_E_STATE if t is
 * not attached; OT_E_ARG for a bad length; OT_E_BUSY if no slot is free).
 */
OT_RESULT ot_sim_tap_inject(ot_sim_tap *t, ot_sim_dir dir, const uint8_t *tlp, size_t len);
/* REORDER: releases a held TLP now, without waiting for the next one. False if none was held. */
bool ot_sim_tap_release(ot_sim_tap *t);

#endif /* OPENTSM_SIM_LINK_H */
