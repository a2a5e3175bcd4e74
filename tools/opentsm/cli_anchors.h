/* SPDX-License-Identifier: BSD-3-Clause */
/* A TSM policy made of --anchor files, for the commands that connect to a device. */
#ifndef OPENTSM_TOOL_CLI_ANCHORS_H
#define OPENTSM_TOOL_CLI_ANCHORS_H

#include <stddef.h>

#include "opentsm/tsm.h"

/*
 * Fills p with a policy that trusts the DER or PEM certificates in paths[0..n)
 * (n <= OT_TSM_POLICY_MAX_ANCHORS) and lists one device called `name` with no
 * reference measurements (they are reported, not enforced). Errors are printed
 * as "PROG: ..."; returns an OT_EXIT_* code.
 */
int cli_anchors_policy(ot_tsm_policy *p, const char *const *paths, size_t n, const char *name,
                       const char *prog);

#endif
