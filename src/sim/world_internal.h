/* SPDX-License-Identifier: BSD-3-Clause */
/* Between world.c and datapath.c. */
#ifndef OT_SIM_WORLD_INTERNAL_H
#define OT_SIM_WORLD_INTERNAL_H

#include "opentsm/sim_world.h"

/* Connects the endpoint's link ends to its datapath ports (both IDE ends). */
void ot_sim_dp_init(ot_sim_endpoint *ep);

#endif
