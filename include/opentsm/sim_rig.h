/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The platform rig: the pieces every in-process TSM platform is made of, for
 * the tests, the benchmarks and the simulator world (opentsm/sim_world.h)
 * alike, so that they build them one way.
 *
 *  - a root port's IDE side (ot_sim_rig_port): its IDE engines behind the IDE
 *    capability in a config space the caller owns (a platform function's),
 *    or a standalone root port with its own config space (ot_sim_rig_rp);
 *  - an endpoint (ot_sim_rig_ep): its own config space with a PCIe capability
 *    and a DOE mailbox serving a DSM (opentsm/sim_dsm.h), and the host's DOE
 *    driver to that mailbox;
 *  - the software backend's link between the two (ot_sim_rig_link);
 *  - the TSM's view of one device and its TDIs (ot_sim_rig_attach);
 *  - a TSM policy from YAML whose trust anchors are given as certificates
 *    (ot_sim_rig_policy): they are written as root0.der, root1.der, ... into
 *    a fresh directory for the parser and removed after it.
 *
 * Every context is caller-owned storage; each _init is paired with a _free
 * that releases what the _init took (also after a failed _init, which leaves
 * the context safe to _free). Nothing here steps a mailbox: the caller's
 * clock hook does (an ot_sim_clock whose on_sleep calls
 * ot_doe_mailbox_step on the mailboxes it owns).
 *
 * @layer sim
 */
#ifndef OPENTSM_SIM_RIG_H
#define OPENTSM_SIM_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/doe_driver.h"
#include "opentsm/doe_mailbox.h"
#include "opentsm/ide_regs.h"
#include "opentsm/sim_dsm.h"
#include "opentsm/tsm.h"
#include "opentsm/tsm_backend.h"
#include "opentsm/tsm_policy.h"
#include "opentsm/x509.h"

/* ---- root ports ------------------------------------------------------------------- */

/* A root port's IDE side: its engine ends behind its IDE capability. */
typedef struct ot_sim_rig_port {
  ot_ide_tx tx;
  ot_ide_rx rx;
  ot_ide_regs regs;
  bool ready; /* regs installed */
} ot_sim_rig_port;

/* Installs the IDE capability `caps` in cfg (borrowed, must outlive p) over
 * fresh engines. Errors of ot_ide_regs_init. */
OT_RESULT ot_sim_rig_port_init(ot_sim_rig_port *p, ot_cfg_space *cfg, const ot_ide_regs_caps *caps);
/* Releases the capability and wipes the engines' keys. */
void ot_sim_rig_port_free(ot_sim_rig_port *p);

/* A standalone root port: a Type 1 header (8086:7075, class 060400) with a PCIe
 * capability, and its IDE side. */
typedef struct ot_sim_rig_rp {
  ot_cfg_space cfg;
  ot_cfg_inproc acc; /* the TSM's access to cfg */
  ot_sim_rig_port port;
} ot_sim_rig_rp;

OT_RESULT ot_sim_rig_rp_init(ot_sim_rig_rp *rp, const ot_ide_regs_caps *caps);
void ot_sim_rig_rp_free(ot_sim_rig_rp *rp);

/* ---- endpoints -------------------------------------------------------------------- */

typedef struct ot_sim_rig_ep_config {
  ot_cfg_ident ident;    /* the endpoint's header */
  ot_sim_dsm_config dsm; /* .cfg is ignored: the endpoint's own config space is used */
  ot_clock *clock;       /* the mailbox's and the driver's time base */
  uint64_t latency_ns;   /* the mailbox's, from Go to Data Object Ready */
  uint8_t *req_buf;      /* mailbox object storage (borrowed), buf_cap bytes each */
  uint8_t *rsp_buf;
  size_t buf_cap;
  /* Optional: the responder the mailbox serves instead of the DSM's own
   * (e.g. the DSM's protocols wrapped for accounting); called once, after
   * the DSM is up. NULL: the DSM's. */
  ot_doe_responder *(*wrap)(void *ctx, ot_doe_responder *dsm);
  void *wrap_ctx;
} ot_sim_rig_ep_config;

typedef struct ot_sim_rig_ep {
  ot_cfg_space cfg;
  ot_cfg_inproc acc; /* the host's access to cfg */
  ot_sim_dsm dsm;
  bool dsm_ready;
  ot_doe_mailbox mb;
  ot_doe_driver drv; /* the host's driver to mb */
} ot_sim_rig_ep;

/* Builds the endpoint: config space, DSM, mailbox (DOE capability version 2),
 * the host's driver opened for PCI-SIG SPDM. Errors of the pieces. */
OT_RESULT ot_sim_rig_ep_init(ot_sim_rig_ep *e, const ot_sim_rig_ep_config *c);
/* The host's DOE transport to the endpoint (its driver). */
ot_doe_transport *ot_sim_rig_ep_doe(ot_sim_rig_ep *e);
void ot_sim_rig_ep_free(ot_sim_rig_ep *e);

/* ---- the TSM side ----------------------------------------------------------------- */

/* The software backend's link: root port engines p, its config access rp_cfg,
 * the endpoint's config access ep_cfg (all borrowed). */
ot_tsm_soft_link ot_sim_rig_link(ot_sim_rig_port *p, ot_cfg_access *rp_cfg, ot_cfg_access *ep_cfg);

/* ot_tsm_dev_init(dev, tsm, dd) then ot_tsm_tdi_init of tdis[i] for descs[i],
 * i < n. On a failure after the device was registered, it is freed again. */
OT_RESULT ot_sim_rig_attach(ot_tsm *tsm, ot_tsm_dev *dev, const ot_tsm_dev_desc *dd,
                            ot_tsm_tdi *tdis, const ot_tsm_tdi_desc *descs, size_t n);

/* ---- policies --------------------------------------------------------------------- */

/* Parses a policy (docs/policy.md) whose trust_anchors name rootI.der for
 * anchors[I], I < n. The files live only during the parse (a fresh
 * directory under TMPDIR or /tmp). OT_E_IO when they cannot be written;
 * otherwise as ot_tsm_policy_parse (err filled). */
OT_RESULT ot_sim_rig_policy(ot_tsm_policy *p, const char *yaml, size_t len,
                            const ot_x509_cert *anchors, size_t n, ot_tsm_policy_error *err);

#endif
