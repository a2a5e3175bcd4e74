/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Steps of `opentsm demo`, one file per area (demo_<area>.c). Each step
 * prints one or more indented lines saying what it showed, and returns a
 * failure status if anything did not behave as the specification requires.
 */
#ifndef OPENTSM_TOOL_DEMO_H
#define OPENTSM_TOOL_DEMO_H

#include <stdint.h>

#include "opentsm/status.h"

/* The demo's seed: every key and nonce derives from it (deterministic). */
extern uint64_t ot_demo_seed;

ot_status ot_demo_cursor(void);
ot_status ot_demo_keys_and_signatures(void);
ot_status ot_demo_ecdhe(void);
ot_status ot_demo_aead_tamper(void);
ot_status ot_demo_certificates(void);
ot_status ot_demo_doe_mailbox(void);
ot_status ot_demo_doe_socket(void);

#endif
