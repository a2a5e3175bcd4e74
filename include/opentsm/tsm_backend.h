/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TSM's platform backend: what the TSM asks of the platform for one
 * device's link, named after Linux's pci_tsm link ops (SPEC-FACTS §7.1:
 * probe / remove / connect / disconnect) and IDE stream helpers (§7.4:
 * setup / enable / disable / teardown), plus the root-port key programming
 * the TSM does directly (DESIGN.md §4 step 4: "programs the root port
 * directly", never through the host).
 * @layer tsm
 *
 * Contract for every op: OT_OK or a status; a failed op has changed nothing
 * (the TSM unwinds only the steps that succeeded, in reverse). The `void`
 * ops cannot fail: teardown always completes. Ops are called from one thread.
 *
 * A backend embeds ot_tsm_backend as its first member.
 */
#ifndef OPENTSM_TSM_BACKEND_H
#define OPENTSM_TSM_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/ide.h"
#include "opentsm/pcie.h"
#include "opentsm/status.h"

/* One selective IDE stream between a root port and an endpoint, as the TSM
 * chose it (Linux: pci_ide_stream_alloc + the TSM's stream ID, §7.4). */
typedef struct ot_tsm_stream {
  uint8_t stream_id;          /* unique per host bridge; never 255 (reserved) */
  uint8_t rp_block, ep_block; /* selective stream register block at each end */
  uint16_t ep_rid, rp_rid;    /* RID association: RP side = [EP RID], EP side = [RP RID] */
} ot_tsm_stream;

/* Key material for one direction of the root port: one key per sub-stream
 * (PR, NPR, CPL), all in key set `key_set` (PCIe r6.0 §6.33.3 KEY_PROG). */
typedef struct ot_tsm_port_keys {
  uint8_t key_set;
  ot_ide_key_material tx[OT_IDE_NUM_SUBSTREAMS]; /* secret */
  ot_ide_key_material rx[OT_IDE_NUM_SUBSTREAMS]; /* secret */
} ot_tsm_port_keys;

typedef struct ot_tsm_backend ot_tsm_backend;

/* The platform's handle for one device's link. A backend's own link type
 * embeds it as its first member; the TSM only passes it back. */
typedef struct ot_tsm_link {
  unsigned probes;   /* probe calls not yet undone by remove (diagnostics) */
  unsigned connects; /* connect calls not yet undone by disconnect */
} ot_tsm_link;

struct ot_tsm_backend {
  /* pci_tsm link_ops.probe: the device may be secured through `link`
   * (its root port has IDE; Linux is_pci_tsm_pf0). */
  ot_status (*probe)(ot_tsm_backend *b, ot_tsm_link *link);
  /* link_ops.remove */
  void (*remove)(ot_tsm_backend *b, ot_tsm_link *link);
  /* link_ops.connect / disconnect: platform resources for the link. */
  ot_status (*connect)(ot_tsm_backend *b, ot_tsm_link *link);
  void (*disconnect)(ot_tsm_backend *b, ot_tsm_link *link);
  /* pci_ide_stream_setup on both ends (registers, Enable = 0). */
  ot_status (*stream_setup)(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *s);
  /* Root port: KEY_PROG of all six keys then K_SET_GO (TSM-established path). The
   * backend may keep no copy of the bytes beyond the engine's key schedule. */
  ot_status (*stream_keys)(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *s,
                           const ot_tsm_port_keys *k);
  /* Root port K_SET_STOP of one key set (key refresh retires the old set). */
  void (*stream_keys_stop)(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *s,
                           uint8_t key_set);
  /* pci_ide_stream_enable on both ends; OT_E_STATE unless both read Secure. */
  ot_status (*stream_enable)(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *s);
  /* pci_ide_stream_disable on both ends (keys zeroized by the engines). */
  void (*stream_disable)(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *s);
  /* Root port K_SET_STOP of every key set, then pci_ide_stream_teardown on both ends. */
  void (*stream_teardown)(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *s);
};

/* ---- the software reference backend ----------------------------------------------- */

/*
 * Drives a root port that is modelled in software: its IDE Extended
 * Capability (PCIe r6.0 §7.9.26, opentsm/ide_regs.h) reached through a
 * config accessor, and the IDE engine contexts that capability drives
 * (opentsm/ide.h), into which it installs the root port's keys directly. The
 * endpoint's registers are programmed through the host's config accessor,
 * and only non-secret ones (Linux programs them the same way); the
 * endpoint's keys go through IDE_KM, never through the backend.
 *
 * probe: OT_E_UNSUPPORTED unless engines and both accessors are attached;
 *   finds both IDE capabilities (OT_E_NOT_FOUND without one) and parks every
 *   disabled block at Stream ID 255 (Linux pci_ide_init, SPEC-FACTS §7.4).
 * stream_setup: pci_ide_stream_setup on the endpoint then the root port
 *   (RID association: EP side [RP RID], RP side [EP RID]; Enable = 0, which
 *   gives the stream to the engines so keys can be programmed);
 * stream_keys: installs and GOs the keys in the root port's engines;
 * stream_keys_stop: K_SET_STOP of one key set in both engines;
 * stream_enable: pci_ide_stream_enable on the root port then the endpoint,
 *   each Status read back Secure, else both disabled and OT_E_STATE;
 * stream_disable: root port then endpoint (Control = 0: keys zeroized);
 * stream_teardown: K_SET_STOP of both key sets at the root port, then
 *   pci_ide_stream_teardown of both, and the blocks parked at 255 again.
 */
typedef struct ot_tsm_soft_link {
  ot_tsm_link base;        /* must be first */
  ot_ide_tx *rp_tx;        /* root port transmit engine (borrowed) */
  ot_ide_rx *rp_rx;        /* root port receive engine (borrowed) */
  ot_cfg_access *rp_cfg;   /* the root port's config space (its IDE capability drives rp_tx/rx) */
  ot_cfg_access *ep_cfg;   /* the host's config access to the endpoint (non-secret registers) */
  uint16_t rp_cap, ep_cap; /* IDE capability offsets, found by probe */
} ot_tsm_soft_link;

typedef struct ot_tsm_soft_backend {
  ot_tsm_backend base; /* must be first */
} ot_tsm_soft_backend;

void ot_tsm_soft_backend_init(ot_tsm_soft_backend *b);

#endif /* OPENTSM_TSM_BACKEND_H */
