/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The secure platform: a simulated platform (opentsm/sim_platform.h) whose
 * every endpoint is a DSM-backed device, the untrusted host that enumerates
 * it and relays DOE objects, the TSM that connects the devices through those
 * relays, the IDE datapath between each endpoint and its root port over the
 * simulated links, and the confidential guests that use the TDIs.
 * @layer sim
 *
 * Wiring (DESIGN.md §1):
 *  - each endpoint: identity from its profile ("generate": an SPDM hierarchy
 *    of the profile's curve from a DRBG seeded by the world seed and the
 *    endpoint's index), the profile's measurements (reported raw), a DSM
 *    with one TDI per profile TDI, bound to the DOE mailbox of the function
 *    that has one through ot_sim_function_bind_protocol;
 *  - the host boots (enumeration, DOE Discovery) and puts an ot_sim_relay on
 *    each mailbox driver; the TSM's ot_doe_transport for the endpoint IS that
 *    relay: the host only relays;
 *  - the policy: a YAML file, or one generated for the platform (the roots
 *    of the endpoints as trust anchors, their measurements as references,
 *    endpoint N's TDIs allowed for guest "guest-N");
 *  - IDE: each root port has an IDE capability (its topology `ide:` entry)
 *    over its engine ends, programmed by the TSM's software backend; each
 *    endpoint's DSM has one on its DOE function, which it serves over
 *    IDE_KM. ot_tsm_connect brings the selective stream up (block i of the
 *    root port for the i-th endpoint below it);
 *  - the datapath: the root port's IDE engine ends and the device's protect
 *    every TLP they send on the endpoint's link and check every TLP they
 *    receive; a link's taps see only what went on the wire.
 *
 * Ownership: ot_sim_world_create allocates everything; destroy frees it and
 * wipes every secret. Single-threaded (the platform's loop).
 */
#ifndef OPENTSM_SIM_WORLD_H
#define OPENTSM_SIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "opentsm/crypto.h"
#include "opentsm/ide.h"
#include "opentsm/ide_regs.h"
#include "opentsm/sim_dsm.h"
#include "opentsm/sim_host.h"
#include "opentsm/sim_platform.h"
#include "opentsm/sim_rig.h"
#include "opentsm/spdm_identity.h"
#include "opentsm/status.h"
#include "opentsm/tdisp.h"
#include "opentsm/tlp.h"
#include "opentsm/tsm.h"
#include "opentsm/tsm_backend.h"
#include "opentsm/tsm_policy.h"

#define OT_SIM_WORLD_MAX_EPS 8u
#define OT_SIM_WORLD_NOW ((time_t)1767225600) /* 2026-01-01: the simulated wall clock */
#define OT_SIM_DEV_MEM 4096u                  /* bytes of device memory behind a TDI's MMIO */
#define OT_SIM_GUEST_MEM 4096u                /* bytes of guest memory the device may DMA into */
#define OT_SIM_GUEST_MEM_BASE UINT64_C(0x80000000)
#define OT_SIM_CPL_TIMEOUT_NS UINT64_C(50000) /* completion timeout (PCIe r6.0 §2.8: 50us..) */
#define OT_SIM_TAGS 32u

typedef struct ot_sim_endpoint ot_sim_endpoint;
typedef struct ot_sim_world ot_sim_world;

/* A root port's IDE side: its engine ends behind its IDE capability. */
typedef struct ot_sim_rp {
  ot_sim_node *node;
  ot_sim_rig_port port;  /* engines and IDE capability, on its first function */
  ot_sim_cfg_access acc; /* the TSM's access to its config space (routed) */
  uint16_t rid;
  uint8_t next_block; /* the selective stream block the next endpoint gets */
} ot_sim_rp;

/*
 * Test hook of the key-exposure audit: called with every secret the world
 * derives outside the SPDM sessions (IDE keys at bring-up and re-key, device
 * and TSM private keys and DRBG states at creation); valid only during the
 * call. Session secrets are read with ot_sim_world_secrets.
 */
typedef void (*ot_sim_secret_fn)(void *ctx, const char *what, const uint8_t *p, size_t n);

/* One end of an endpoint's link: its IDE engine ends and what it received. */
typedef struct ot_sim_dp_port {
  ot_sim_port base; /* must be first */
  ot_sim_endpoint *ep;
  bool device_side;
  ot_ide_tx *tx;
  ot_ide_rx *rx;
  uint64_t delivered;          /* TLPs that passed IDE (and TDISP on the device) */
  uint64_t ide_failures;       /* TLPs IDE refused */
  ot_ide_error last_ide_error; /* the first refusal's reason */
  uint64_t tdisp_rejects;      /* TLPs the TDI's enforcement refused */
  ot_tdisp_verdict last_verdict;
} ot_sim_dp_port;

/* A read the root port issued on the guest's behalf. */
typedef struct ot_sim_pending_read {
  bool active, done, timed_out;
  uint64_t issued_ns;
  uint8_t data[OT_SIM_DEV_MEM];
  size_t len;
} ot_sim_pending_read;

struct ot_sim_endpoint {
  ot_sim_world *w;
  size_t index;
  ot_sim_node *node;
  ot_sim_function *doe_fn;
  uint16_t rid;     /* the DOE function's Requester ID after enumeration */
  ot_sim_rp *rp;    /* its root port */
  uint8_t rp_block; /* the root port's selective stream block it gets */
  bool dsm_ready;
  char name[OT_SIM_NAME_MAX];
  /* the device */
  ot_drbg drbg; /* secret */
  ot_spdm_hierarchy h;
  ot_spdm_identity id;
  ot_sim_dsm dsm;
  uint8_t vendor_root[OT_TSM_POLICY_ANCHOR_MAX]; /* the root its vendor publishes (DER) */
  size_t vendor_root_len;
  ot_tdisp_mmio_range ranges[OT_SIM_MAX_TDIS][OT_SIM_MAX_BARS];
  ot_tdisp_tdi_desc tdi_desc[OT_SIM_MAX_TDIS];
  ot_tdisp_tdi *dev_tdi[OT_SIM_MAX_TDIS];
  ot_tdisp_guard guards[OT_SIM_MAX_TDIS]; /* locked config space (PCIe r6.0 §11.2) */
  size_t guard_pending;                   /* the TDI whose guard is being installed */
  size_t tdi_count;
  uint8_t mem[OT_SIM_DEV_MEM]; /* what the first MMIO page of TDI 0 reads and writes */
  /* the host's relay */
  ot_sim_relay relay;
  uint32_t host_attack_seen; /* scenario hooks: objects the malicious host looked at */
  /* the TSM side */
  ot_sim_cfg_access ep_acc; /* the host's config access to the DOE function */
  ot_tsm_soft_link link;
  ot_tsm_dev tdev;
  ot_tsm_tdi_desc ttdi_desc[OT_SIM_MAX_TDIS];
  ot_tsm_tdi ttdi[OT_SIM_MAX_TDIS];
  /* the datapath */
  ot_sim_dp_port rp_port, ep_port;
  ot_sim_pending_read reads[OT_SIM_TAGS];
  bool tag_retired[OT_SIM_TAGS]; /* a timed-out tag is not reused (CVE-2025-9613) */
  uint16_t next_tag;
  uint16_t last_timeout_tag;
  bool last_timeout_valid;
  bool tag_reuse_unsafe; /* model the flawed requester: reuse a timed-out tag at once */
  uint8_t key_set;       /* the IDE key set in use */
};

#define OT_SIM_WORLD_MAX_RPS 8u

struct ot_sim_world {
  ot_sim_platform *p;
  ot_sim_rp rps[OT_SIM_WORLD_MAX_RPS];
  size_t rp_count;
  ot_tsm_key_audit key_audit; /* forwards the TSM's IDE keys to on_secret */
  ot_sim_host *host;
  uint64_t seed;
  ot_drbg entropy; /* the TSM's entropy source */
  ot_tsm_policy policy;
  ot_tsm_soft_backend backend;
  ot_tsm tsm;
  /* The TSM's known chains (tsm.h "Known devices"): one per endpoint, so a
   * reconnect of any of them skips GET_CERTIFICATE. */
  ot_tsm_known_chain known[OT_SIM_WORLD_MAX_EPS];
  ot_sim_endpoint *eps[OT_SIM_WORLD_MAX_EPS];
  size_t ep_count;
  uint8_t guest_mem[OT_SIM_GUEST_MEM]; /* the guests' DMA window (one shared model) */
  uint64_t dma_rejected;               /* DMA writes the root port refused */
  ot_sim_secret_fn on_secret;          /* NULL: none */
  void *on_secret_ctx;
};

/* What makes a world differ from the honest default (the spoofing scenarios). */
typedef struct ot_sim_world_opts {
  uint64_t seed;
  const char *policy_path; /* NULL: generated for the platform */
  /* Endpoint index whose identity is replaced by an unknown one (SIZE_MAX: none). */
  size_t spoof_chain_ep;
  /* Endpoint index whose firmware measurement differs from its profile (SIZE_MAX: none). */
  size_t spoof_meas_ep;
  ot_sim_secret_fn on_secret; /* the audit's hook, NULL: none */
  void *on_secret_ctx;
} ot_sim_world_opts;

void ot_sim_world_opts_default(ot_sim_world_opts *o);

/*
 * Builds the world of topology t: platform, devices, host boot, relays,
 * policy, TSM. Errors: the platform's, the host's, identity generation,
 * OT_E_UNSUPPORTED for an identity from files (not modelled yet),
 * OT_E_NO_SPACE past OT_SIM_WORLD_MAX_EPS endpoints, policy errors.
 */
OT_RESULT ot_sim_world_create(const ot_sim_topology *t, const ot_sim_world_opts *o,
                              ot_sim_world **out);
void ot_sim_world_destroy(ot_sim_world *w);

/* The endpoint called name, or NULL. */
ot_sim_endpoint *ot_sim_world_endpoint(ot_sim_world *w, const char *name);

/* The generated policy's guest for endpoint i ("guest-<i>"). */
void ot_sim_world_guest_name(size_t ep_index, char out[static OT_TSM_NAME_MAX]);

/*
 * The secrets alive now, for the key-exposure audit: both ends' SPDM session
 * secrets, the TSM's DRBG state, the devices' private keys. Test hook.
 */
void ot_sim_world_secrets(ot_sim_world *w, ot_sim_secret_fn fn, void *ctx);

/* ---- datapath (datapath.c) ---------------------------------------------------------- */

/* The endpoint's IDE stream (set up by ot_tsm_connect), 0 if none. */
static inline uint8_t ot_sim_stream_id(const ot_sim_endpoint *ep) {
  return ep->tdev.ide_up ? ep->tdev.stream.stream_id : 0;
}
/* Re-keys the running stream (ot_tsm_rekey: the other key set at both ends,
 * then the old one stopped). OT_E_STATE without a stream. */
OT_RESULT ot_sim_ide_rekey(ot_sim_endpoint *ep);

/*
 * Sends a plaintext TLP from the root port (downstream) or the device
 * (upstream) through that end's IDE engine onto the link. OT_E_STATE if the
 * stream is not Secure, the engine's errors, the link's.
 */
OT_RESULT ot_sim_dp_send(ot_sim_endpoint *ep, ot_sim_dir dir, const ot_tlp *tlp, bool t);
/* Sends a TLP without IDE (what a platform without IDE would send). */
OT_RESULT ot_sim_dp_send_plain(ot_sim_endpoint *ep, ot_sim_dir dir, const ot_tlp *tlp);
/* Runs the platform's loop until nothing is pending. */
OT_RESULT ot_sim_world_run(ot_sim_world *w);

/* ---- the guest (guest.c) --------------------------------------------------------------- */

typedef struct ot_sim_guest {
  char name[OT_TSM_NAME_MAX];
  ot_sim_world *w;
  ot_sim_endpoint *ep;
  ot_tsm_tdi *tdi;
  size_t tdi_index;
  uint64_t mmio_base;  /* guest view: the TDI's first MMIO range */
  ot_drbg drbg;        /* nonces */
  ot_tsm_evidence *ev; /* owned */
  bool accepted;
  ot_tsm_refusal why; /* why it refused the device, or the last failure */
  uint64_t bad_bytes; /* bytes it received that differ from what it expected (must stay 0) */
} ot_sim_guest;

/* A guest for TDI tdi_index of ep. OT_E_NOMEM, OT_E_ARG. */
OT_RESULT ot_sim_guest_init(ot_sim_guest *g, ot_sim_world *w, ot_sim_endpoint *ep, size_t tdi_index,
                            const char *name);
void ot_sim_guest_free(ot_sim_guest *g);

/*
 * The guest takes its TDI: asks the TSM to bind it (TDI CONFIG_LOCKED),
 * requests evidence with its own nonce, verifies it itself against the
 * policy's anchors, checks the measurements against the policy's
 * references, and only then asks the TSM to START it. Any failure: the guest
 * refuses (g->why says why), the TDI is unbound.
 */
OT_RESULT ot_sim_guest_accept(ot_sim_guest *g);
/* Fresh evidence, verified again; OT_E_STATE when the TDI is not RUN. */
OT_RESULT ot_sim_guest_recheck(ot_sim_guest *g);
/* T=1 memory write / read through the TDI (offset into its first page). */
OT_RESULT ot_sim_guest_mmio_write(ot_sim_guest *g, uint32_t off, const uint8_t *data, size_t n);
/* Waits for the completion; OT_E_TIMEOUT when none arrived in time (the
 * tag is then retired), OT_E_VERIFY when the answer failed a check. */
OT_RESULT ot_sim_guest_mmio_read(ot_sim_guest *g, uint32_t off, uint8_t *out, size_t n);
/* Writes into the guest's DMA window as the device would (T=1 from the TDI). */
OT_RESULT ot_sim_device_dma_write(ot_sim_endpoint *ep, size_t tdi_index, uint32_t off,
                                  const uint8_t *data, size_t n);

#endif /* OPENTSM_SIM_WORLD_H */
