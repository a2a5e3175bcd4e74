/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to the platform files of src/sim. */
#ifndef OPENTSM_SIM_INTERNAL_H
#define OPENTSM_SIM_INTERNAL_H

#include "opentsm/sim_platform.h"

/* The first child of n in topology order, or NULL. */
const ot_sim_node *sim_first_child(const ot_sim_platform *p, const ot_sim_node *n);
/* Builds f's config space (f->node and f->desc set). Errors of the pcie/doe builders. */
OT_RESULT sim_function_build(ot_sim_platform *p, ot_sim_function *f);
/* Frees f and its mailbox buffers (NULL is fine). */
void sim_function_free(ot_sim_function *f);

#endif /* OPENTSM_SIM_INTERNAL_H */
