/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Steps of `opentsm demo`, one file per area (demo_<area>.c). Each step
 * prints one or more indented lines saying what it showed, and returns a
 * failure status if anything did not behave as the specification requires.
 */
#ifndef OPENTSM_TOOL_DEMO_H
#define OPENTSM_TOOL_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "opentsm/sim_scenario.h"
#include "opentsm/sim_topology.h"
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

/* ---- shared by demo, sim and attack (demo_sim.c) ---------------------------------- */

/* Parses a --seed value; prints "opentsm CMD: ..." and returns false if bad. */
bool ot_demo_parse_seed(const char *cmd, const char *arg, uint64_t *out);
/* One verdict line: "PASS name: detected by ..." (or FAIL with why). */
void ot_demo_print_verdict(FILE *out, const char *name, const ot_sim_scn_result *r);
/* The result as one JSON object (no newline). */
void ot_demo_print_json(FILE *out, const char *name, const ot_sim_scn_result *r);
/* Writes s as a JSON string literal. */
void ot_demo_json_string(FILE *out, const char *s);
/* The DOE pcap path that goes with a TLP pcap path: "x.pcap" -> "x-doe.pcap". */
void ot_demo_doe_path(const char *tlp, char *out, size_t cap);
/* Loads the --topology file (NULL: the built-in default) into t for `opentsm
 * CMD` (sim, attack, lspci, topology). On failure prints "opentsm CMD:
 * FILE:LINE:COLUMN: why" and returns OT_EXIT_IO (the file cannot be read) or
 * OT_EXIT_FAILURE; OT_EXIT_OK when loaded. */
int ot_demo_load_topology(const char *cmd, const char *path, ot_sim_topology *t);

#endif
