/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's pending CSRs (`opentsm device --state-dir DIR --csr-reset`):
 * with CERT_INSTALL_RESET_CAP a GET_CSR at SPDM 1.3+ is answered ERROR
 * ResetRequired with a CSRTrackingTag, and the CSR is handed out after the
 * device's reset (its next start) to a GET_CSR carrying that tag
 * (opentsm/spdm_csr_track.h). The tracker lives in DIR/csr.bin, written whole
 * to a temporary name, synced and renamed over the old one after every
 * change; at start it is read back and every pending CSR becomes finished
 * (the restart is the reset). A file that does not decode is refused.
 */
#ifndef OPENTSM_TOOL_CLI_CSR_STATE_H
#define OPENTSM_TOOL_CLI_CSR_STATE_H

#include "opentsm/spdm_csr_track.h"

#define CLI_CSR_STATE_FILE "csr.bin"

typedef struct cli_csr_state {
  const char *dir;
  ot_spdm_csr_tracker tracker;
} cli_csr_state;

/* Reads DIR/csr.bin (missing: nothing pending), marks every CSR finished,
 * writes it back and hooks `changed` to keep the file current. */
OT_RESULT cli_csr_state_load(cli_csr_state *s, const char *dir);

#endif
