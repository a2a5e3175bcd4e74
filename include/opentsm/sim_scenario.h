/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Named attack scenarios on the secure platform (opentsm/sim_world.h), each
 * one run from a fresh world: the interposer on a link (eavesdrop, tamper,
 * replay, drop, reorder, inject, the three IDE CVEs of 2025), the spoofing
 * device, the malicious host relaying DOE objects, and the host writing a
 * locked TDI's configuration. docs/scenarios.md describes each.
 * @layer sim
 *
 * A scenario passes when the attack was detected or prevented, no corrupted
 * byte reached a guest, and the key-exposure audit (every byte every link
 * carried and every byte the host relayed, scanned for every secret the TSM
 * and the devices derived) found nothing.
 */
#ifndef OPENTSM_SIM_SCENARIO_H
#define OPENTSM_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "opentsm/sim_topology.h"
#include "opentsm/status.h"

/* A scenario's run (src/sim/scenario_internal.h). */
typedef struct ot_sim_scn ot_sim_scn;

typedef struct ot_sim_scn_result {
  bool passed;          /* behaved as it must (see the top of this file) */
  bool detected;        /* the attack was noticed (else: prevented without notice) */
  char by[192];         /* what stopped it */
  uint64_t corrupted;   /* bytes a guest received that it did not expect: must be 0 */
  size_t secrets;       /* secrets the audit searched for */
  size_t exposed;       /* of those, found in a capture: must be 0 */
  size_t bytes_scanned; /* bytes the audit searched */
  char failure[192];    /* why it did not pass */
} ot_sim_scn_result;

typedef struct ot_sim_scn_opts {
  uint64_t seed;
  FILE *narrate;        /* the story, step by step (NULL: quiet) */
  const char *tlp_pcap; /* every TLP on the attacked link (NULL: none) */
  const char *doe_pcap; /* every DOE object the host relayed for it (NULL: none) */
} ot_sim_scn_opts;

typedef struct ot_sim_scenario {
  const char *name;
  const char *summary;    /* one line: the attack */
  const char *mitigation; /* one line: what stops it */
  /* Returns OT_SUCCESS when it behaved; fills s->res */
  ot_status (*run)(ot_sim_scn *s);
} ot_sim_scenario;

/* The scenario table, in the order docs/scenarios.md lists them. */
const ot_sim_scenario *ot_sim_scenarios(size_t *count);
/* The scenario called name, or NULL. */
const ot_sim_scenario *ot_sim_scenario_find(const char *name);

/*
 * Runs one scenario on a fresh world of topology t (its first endpoint is
 * the target). The status is the world's or an I/O error; the verdict is in
 * *res (res->passed).
 */
OT_RESULT ot_sim_scenario_run(const ot_sim_scenario *sc, const ot_sim_topology *t,
                              const ot_sim_scn_opts *o, ot_sim_scn_result *res);

/*
 * The guided tour `opentsm demo` narrates: connect (authenticate, measure,
 * session), attestation by the guest, bind and start, secure MMIO and DMA,
 * then an interposer that tampers with a write and fails. Passes on the
 * same terms as a scenario.
 */
OT_RESULT ot_sim_demo_run(const ot_sim_topology *t, const ot_sim_scn_opts *o,
                          ot_sim_scn_result *res);

#endif /* OPENTSM_SIM_SCENARIO_H */
