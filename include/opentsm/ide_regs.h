/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IDE Extended Capability of one port (PCIe r6.0 §7.9.26) as a live
 * register model over the config space model (opentsm/pcie.h), wired to the
 * port's IDE engine (opentsm/ide.h); and host-side helpers that program a
 * Selective IDE Stream over any config space accessor in the order Linux
 * uses (SPEC-FACTS §7.4).
 * @layer ide
 *
 * Register model (device side)
 * ----------------------------
 * ot_ide_regs_init adds the capability to a function's config space with the
 * layout of opentsm/spec/ide_regs.h and registers a hook on it. Every register
 * has the attributes software sees on hardware: Capability and Selective
 * Stream Capability registers are read-only; fields the port does not
 * support (aggregation, PCRC, Flow-Through, configuration requests,
 * TEE-Limited, XT, partial header encryption) are read-only zero; the
 * Received Integrity Check Fail Message status bit is RW1C.
 *
 * Each Link and Selective IDE Stream block drives one stream of the port's
 * engines (the transmit and the receive context), keyed by the Stream ID in
 * its Control register:
 *  - While Enable is clear, a write to Control (re)configures the engine
 *    stream from the register (Stream ID, TC, PCRC Enable, Tx Aggregation
 *    Modes; T=1 traffic allowed on selective streams). A changed
 *    configuration removes the old engine stream (its keys are zeroized) and
 *    adds the new one. A Stream ID another block of the port already holds
 *    gives the block no engine stream (it can never become Secure); Linux
 *    parks every unused block at Stream ID 255 this way (SPEC-FACTS §7.4).
 *    IDE_KM can program keys into a stream as soon as its Control names it
 *    (Linux writes Control early for that reason, SPEC-FACTS §4.2 step 1).
 *  - Enable 0 -> 1 samples Selected Algorithm (PCIe r6.0 §7.9.26.4.1: it is
 *    sampled when Enable is set) and enables the engine stream in both
 *    contexts. Enabling with an unsupported algorithm, without an engine
 *    stream, or (selective) with RID Association 2 Valid clear leaves the
 *    stream Insecure until Enable is cleared and set again (SPEC-FACTS §5.1).
 *    While Enable is set every other Control field keeps its sampled value
 *    (writes to them are dropped): the specification leaves changing them
 *    while enabled undefined, and a stream whose ID or TC moved under live
 *    keys would be worse than one that ignores the write.
 *  - Enable 1 -> 0 makes the stream Insecure at once: both engine contexts
 *    disable it, which zeroizes all of its keys (PCIe r6.0 §6.33.1).
 *  - Clearing RID Association 2 Valid while enabled is an invalid
 *    configuration: Insecure at once, keys zeroized.
 *  - The Status register's State reads Secure (0010b) only while Enable is
 *    set, the configuration was valid at Enable, and both engine contexts
 *    report the stream Secure (every sub-stream has a key set that went GO,
 *    and no integrity failure happened); else Insecure (0000b). It is
 *    computed on every read, so it follows the engine (a receive failure
 *    reads back as Insecure at once).
 *
 * The model keeps pointers to the config space, the two engine contexts and
 * the pending memory (all caller-owned, outliving the model); it allocates
 * nothing. Like the config space model it is not thread-safe.
 */
#ifndef OPENTSM_IDE_REGS_H
#define OPENTSM_IDE_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/ide.h"
#include "opentsm/pcie.h"
#include "opentsm/spec/ide_regs.h"
#include "opentsm/status.h"

/* What the port supports: becomes its IDE Capability register (§7.9.26.2). */
typedef struct ot_ide_regs_caps {
  uint8_t link_tcs;    /* Link IDE blocks: 0 = no Link IDE, else 1..8 */
  uint8_t sel_streams; /* Selective IDE Stream blocks: 0 = none */
  uint8_t addr_blocks; /* Address Association blocks per selective block (0..15) */
  bool aggregation;    /* Aggregation Supported: Tx Aggregation Mode fields writable */
  bool pcrc;           /* PCRC Supported: PCRC Enable writable */
  bool ide_km;         /* IDE_KM Protocol Supported (the port answers IDE_KM) */
  bool flow_through;   /* Flow-Through IDE Stream Supported (switch / root ports) */
  bool sel_cfg;        /* Selective IDE for Configuration Requests Supported */
  bool tee_limited;    /* TEE-Limited Stream Supported */
} ot_ide_regs_caps;

/* One Link or Selective IDE Stream block (internal; use the functions). */
typedef struct ot_ide_regs_block {
  ot_ide_stream_kind kind;
  uint16_t off;          /* block offset in config space */
  uint16_t ctl, sts;     /* Control and Status register offsets */
  bool claimed;          /* the engines hold a stream for this block */
  ot_ide_stream_cfg cfg; /* that stream's configuration */
  bool enabled;          /* Control.Enable is set */
  bool bad;              /* invalid configuration since Enable: Insecure */
  uint32_t ctl_locked;   /* Control as sampled at Enable */
  uint8_t *pending;      /* receive aggregation memory for this block */
  size_t pending_cap;
} ot_ide_regs_block;

typedef struct ot_ide_regs {
  ot_cfg_hook hook; /* must be first */
  ot_cfg_space *cfg;
  ot_ide_tx *tx;
  ot_ide_rx *rx;
  ot_ide_regs_caps caps;
  uint16_t cap_off; /* offset of the capability header */
  uint16_t size;    /* bytes, header included */
  size_t nblocks;   /* link blocks first, then selective blocks */
  ot_ide_regs_block blocks[OT_IDE_MAX_STREAMS];
} ot_ide_regs;

/*
 * Adds the IDE capability to cfg (the next extended capability) and wires it
 * to the port's engines tx and rx (initialised, caller-owned). pending[0..
 * pending_cap) is split evenly among the blocks as receive aggregation memory
 * (see ot_ide_rx_stream_add; may be NULL/0 when partners never aggregate).
 * All Control registers start at 0, so block 0 holds Stream ID 0.
 * Errors: OT_E_ARG for caps the engine cannot back (link_tcs > 8,
 * addr_blocks > 15, link_tcs + sel_streams outside 1..OT_IDE_MAX_STREAMS) or
 * NULL pointers; OT_E_NO_SPACE / OT_E_EXISTS from the config space model
 * (the capability may then be in cfg without its hook: discard that cfg).
 */
OT_RESULT ot_ide_regs_init(ot_ide_regs *r, ot_cfg_space *cfg, const ot_ide_regs_caps *caps,
                           ot_ide_tx *tx, ot_ide_rx *rx, uint8_t *pending, size_t pending_cap);

/* Removes every engine stream the blocks hold (keys zeroized). The capability stays. */
void ot_ide_regs_release(ot_ide_regs *r);

/* Offset of the capability header in config space. */
static inline uint16_t ot_ide_regs_offset(const ot_ide_regs *r) { return r->cap_off; }

/* The port's engine contexts (for IDE_KM key programming). */
static inline ot_ide_tx *ot_ide_regs_tx(ot_ide_regs *r) { return r->tx; }
static inline ot_ide_rx *ot_ide_regs_rx(ot_ide_regs *r) { return r->rx; }

/* True if a block of this port currently holds an engine stream with this ID. */
bool ot_ide_regs_has_stream(const ot_ide_regs *r, uint8_t stream_id);

/* Number of DWs from the IDE Capability register to the end of the capability. */
static inline size_t ot_ide_regs_dw_count(const ot_ide_regs *r) {
  return (size_t)(r->size - OT_IDE_REG_CAP) / 4u;
}

/*
 * Reads the register block that IDE_KM QUERY_RESP returns (SPEC-FACTS §4.1):
 * the IDE Capability register to the end of the capability, in order, as
 * the host would read them (Status computed). out must hold
 * ot_ide_regs_dw_count(r) DWs (OT_E_NO_SPACE otherwise); *n gets the count.
 */
OT_RESULT ot_ide_regs_snapshot(ot_ide_regs *r, uint32_t *out, size_t cap, size_t *n);

/* ---- host side: Linux's programming order (SPEC-FACTS §7.4) -------------------------- */

/* One memory range of an address association block: [base, limit], 1 MiB granules. */
typedef struct ot_ide_host_range {
  uint64_t base;  /* low 20 bits 0 */
  uint64_t limit; /* low 20 bits all 1 */
} ot_ide_host_range;

/* A Selective IDE Stream as Linux's pci_ide_stream_setup() programs it. */
typedef struct ot_ide_host_stream {
  uint8_t block;     /* Selective IDE Stream block index */
  uint8_t stream_id; /* chosen by the TSM, unique per partner pair */
  uint8_t tc;
  uint16_t rid_base, rid_limit; /* requesters associated with the stream */
  uint8_t segment;              /* RID 2 Segment Base (0 unless Flit mode) */
  uint8_t n_ranges;             /* address blocks used; the rest are zeroed */
  ot_ide_host_range ranges[OT_IDE_MAX_ADDR_BLOCKS];
  bool default_stream; /* Default Stream (endpoint upstream port) */
  bool cfg_requests;   /* Selective IDE for Configuration Requests Enable */
  bool tee_limited;    /* TEE-Limited Stream */
} ot_ide_host_stream;

/* Linux's reserved Stream ID for unused blocks (PCI_IDE_RESERVED_STREAM_ID). */
#define OT_IDE_HOST_RESERVED_STREAM_ID 255u

/* Finds the IDE capability: OT_E_NOT_FOUND without one, walk errors as they come. */
OT_RESULT ot_ide_host_find(ot_cfg_access *a, uint16_t *cap_off);

/*
 * Offset and address block count of Selective IDE Stream block `index`,
 * walking the blocks by their own Capability registers. OT_E_NOT_FOUND if
 * the port has no such block, OT_E_MALFORMED if the blocks run past 4 KiB.
 */
OT_RESULT ot_ide_host_sel_block(ot_cfg_access *a, uint16_t cap_off, uint8_t index, uint16_t *off,
                                uint8_t *n_addr);

/*
 * pci_ide_stream_setup(): writes RID Association 1 (limit), RID Association
 * 2 (base, segment, Valid = 1), every address block (used ones Valid, the
 * rest zero), then Control with Enable = 0 (Stream ID, TC, Default,
 * configuration requests, TEE-Limited; algorithm AES-GCM-256). OT_E_ARG for
 * n_ranges above the block's address blocks or a range that is not 1 MiB
 * granular or has base > limit (nothing written then); accessor errors.
 */
OT_RESULT ot_ide_host_stream_setup(ot_cfg_access *a, uint16_t cap_off, const ot_ide_host_stream *s);
/*
 * pci_ide_stream_enable(): sets Enable and reads Status back. OT_E_STATE if
 * the state is not Secure (Linux: -ENXIO); the caller then disables.
 */
OT_RESULT ot_ide_host_stream_enable(ot_cfg_access *a, uint16_t cap_off, uint8_t block);
/* pci_ide_stream_disable(): Control = 0. */
OT_RESULT ot_ide_host_stream_disable(ot_cfg_access *a, uint16_t cap_off, uint8_t block);
/* pci_ide_stream_teardown(): zeroes Control, the address blocks, RID 2, RID 1. */
OT_RESULT ot_ide_host_stream_teardown(ot_cfg_access *a, uint16_t cap_off, uint8_t block);
/*
 * The State field of a selective block's Status (OT_IDE_STATUS_*).
 */
OT_RESULT ot_ide_host_stream_state(ot_cfg_access *a, uint16_t cap_off, uint8_t block,
                                   uint8_t *state);
/*
 * Parks every disabled Link and Selective block at Stream ID 255, as Linux's
 * pci_ide_init() does (SPEC-FACTS §7.4), so no real stream ID collides with
 * a stale block.
 */
OT_RESULT ot_ide_host_reserve_unused(ot_cfg_access *a, uint16_t cap_off);

/*
 * The device platform's Enable policy when no host writes its config space
 * (the simulated device of `opentsm device`, the firmware profile's host
 * platform): for each of the first `blocks` Selective IDE Stream blocks at
 * cap_off, sets Enable once every sub-stream of the block's Stream ID has a
 * key in both engines and clears it once none has (PCIe r6.0 §7.9.26.5.2),
 * writing through the accessor so the register model's side effects happen.
 * Stops at the first block that cannot be read; nothing to report.
 */
void ot_ide_host_enable_on_keys(ot_cfg_access *a, uint16_t cap_off, uint8_t blocks,
                                const ot_ide_engine *tx, const ot_ide_engine *rx);
/*
 * True if stream id is Secure in both engines of a port (its transmit and
 * receive ends, PCIe r6.0 §6.33.4 Stream states): what a device platform
 * tells TDISP of a TDI's stream (ot_tdisp_device_ops.stream_secure).
 */
bool ot_ide_engines_secure(const ot_ide_engine *tx, const ot_ide_engine *rx, uint8_t id);

#endif /* OPENTSM_IDE_REGS_H */
