/* SPDX-License-Identifier: BSD-3-Clause */
/* The device's pending CSRs and their file; see cli_csr_state.h. */
#define _POSIX_C_SOURCE 200809L
#include "cli_csr_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_util.h"
#include "opentsm/secure.h"

/* Magic, count, seven entries of 5 + CSR bytes. */
#define CSR_FILE_MAX (9u + OT_SPDM_CSR_TAG_MAX * (5u + OT_SPDM_CSR_MAX))

static ot_status save(void *ctx, const ot_spdm_csr_tracker *t) {
  const cli_csr_state *s = ctx;
  uint8_t *buf = malloc(CSR_FILE_MAX);
  OT_ENSURE(buf != NULL, OT_E_NOMEM);
  size_t len = 0;
  ot_status st = ot_spdm_csr_track_encode(t, buf, CSR_FILE_MAX, &len);
  if (ot_ok(st)) st = cli_write_atomic(s->dir, CLI_CSR_STATE_FILE, buf, len);
  free(buf);
  return st;
}

OT_RESULT cli_csr_state_load(cli_csr_state *s, const char *dir) {
  OT_ENSURE(s && dir, OT_E_ARG);
  s->dir = dir;
  ot_spdm_csr_track_init(&s->tracker);
  s->tracker.changed = NULL;
  uint8_t *buf;
  size_t n;
  OT_GUARD(cli_read_state_file(dir, CLI_CSR_STATE_FILE, CSR_FILE_MAX, &buf, &n, NULL, 0));
  if (buf != NULL) {
    ot_status st = n > CSR_FILE_MAX ? ot_status_of(OT_E_TOO_LARGE)
                                    : ot_spdm_csr_track_decode(&s->tracker, buf, n);
    free(buf);
    OT_GUARD(st);
  }
  /* This start is the reset the pending CSRs were waiting for. */
  ot_spdm_csr_track_reset(&s->tracker);
  s->tracker.changed = save;
  s->tracker.ctx = s;
  return save(s, &s->tracker);
}
