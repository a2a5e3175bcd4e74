/* SPDX-License-Identifier: BSD-3-Clause */
/* The run of one scenario: its world, guest, taps and the audit's secrets. */
#ifndef OT_SIM_SCENARIO_INTERNAL_H
#define OT_SIM_SCENARIO_INTERNAL_H

#include <stdarg.h>

#include "opentsm/log.h"
#include "opentsm/sim_scenario.h"
#include "opentsm/sim_world.h"

#define SCN_SECRETS_MAX 512u
#define SCN_SECRET_BYTES 64u

struct ot_sim_scn {
  const ot_sim_topology *topo;
  ot_sim_scn_opts opts;
  ot_sim_scn_result *res;
  ot_sim_world *w;
  ot_sim_endpoint *ep; /* the target: the first endpoint */
  ot_sim_guest guest;
  bool guest_ready;
  ot_sim_tap observe; /* on the target's link, first in the chain */
  ot_sim_tap record;  /* RECORD, when a TLP pcap was asked for */
  ot_sim_tap attack;  /* the interposer's, when the scenario uses one */
  bool observe_on, record_on, attack_on;
  /* The audit's secret set (copies, wiped at the end). */
  uint8_t (*secret)[SCN_SECRET_BYTES];
  size_t *secret_len;
  size_t secret_count;
};

/* Narration: "  " + the text + "\n" when a narrate stream is set. */
void scn_say(ot_sim_scn *s, const char *fmt, ...) OT_PRINTF(2, 3);
/* Builds the world (opts may say how it is spoofed; NULL: honest). */
ot_status scn_world(ot_sim_scn *s, const ot_sim_world_opts *wo);
/* Connects the target, binds TDI 0 to its guest, which accepts it. */
ot_status scn_running(ot_sim_scn *s);
/* Ends a scenario: detected/prevented and by what. */
ot_status scn_verdict(ot_sim_scn *s, bool detected, const char *fmt, ...) OT_PRINTF(3, 4);
/* A scenario failure: what should have happened and did not. */
ot_status scn_fail(ot_sim_scn *s, const char *fmt, ...) OT_PRINTF(2, 3);
/* Attaches the interposer's tap (configured by the caller) to the target's link. */
ot_status scn_attack(ot_sim_scn *s);

/* The scenario functions (scenario_link.c, scenario_host.c). */
ot_status scn_eavesdrop(ot_sim_scn *s);
ot_status scn_tamper_header(ot_sim_scn *s);
ot_status scn_tamper_payload(ot_sim_scn *s);
ot_status scn_tamper_mac(ot_sim_scn *s);
ot_status scn_replay(ot_sim_scn *s);
ot_status scn_drop(ot_sim_scn *s);
ot_status scn_reorder(ot_sim_scn *s);
ot_status scn_inject(ot_sim_scn *s);
ot_status scn_cve_2025_9612(ot_sim_scn *s);
ot_status scn_cve_2025_9613(ot_sim_scn *s);
ot_status scn_cve_2025_9614(ot_sim_scn *s);
ot_status scn_spoof_chain(ot_sim_scn *s);
ot_status scn_spoof_measurements(ot_sim_scn *s);
ot_status scn_relay_tamper(ot_sim_scn *s);
ot_status scn_relay_replay(ot_sim_scn *s);
ot_status scn_locked_config_write(ot_sim_scn *s);
/* The demo's closing attack: a tampered write after a clean one (scenario_link.c). */
ot_status scn_demo_attack(ot_sim_scn *s);
ot_status scn_demo(ot_sim_scn *s);

#endif
