/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to link.c and tap.c: the tap chain walk and a tap's part in it. */
#ifndef OPENTSM_SIM_LINK_INTERNAL_H
#define OPENTSM_SIM_LINK_INTERNAL_H

#include "opentsm/sim_link.h"

struct ot_sim_inflight {
  ot_sim_event ev; /* must be first: the event callback recovers the slot */
  ot_sim_link *link;
  ot_sim_dir dir;
  bool busy;
  size_t len;
  uint8_t bytes[OT_SIM_TLP_MAX];
};

/* What a tap did with a TLP. */
typedef enum sim_tap_verdict {
  SIM_TAP_PASS,      /* the TLP goes on */
  SIM_TAP_CONSUME,   /* the tap took it (dropped or held) */
  SIM_TAP_PASS_POST, /* it goes on, and the tap has something to send after it */
} sim_tap_verdict;

/* Runs tlp through taps[from..] of l, delivers it unless consumed, then runs the taps' posts. */
void sim_link_forward(ot_sim_link *l, size_t from, ot_sim_dir dir, const uint8_t *tlp, size_t len);

/* One tap's look at a TLP it may change in place (tlp has OT_SIM_TLP_MAX bytes of room). */
sim_tap_verdict sim_tap_process(ot_sim_tap *t, ot_sim_dir dir, uint8_t *tlp, size_t *len);
/* The tap's post after the TLP it saw went on: a held TLP released or a forged one sent. */
void sim_tap_post(ot_sim_tap *t, ot_sim_dir dir);

#endif /* OPENTSM_SIM_LINK_INTERNAL_H */
