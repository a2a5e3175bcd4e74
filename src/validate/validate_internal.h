/* SPDX-License-Identifier: BSD-3-Clause */
/* What the case files share: the context of one case and its helpers. */
#ifndef OPENTSM_VALIDATE_INTERNAL_H
#define OPENTSM_VALIDATE_INTERNAL_H

#include "opentsm/bits.h"
#include "opentsm/log.h"
#include "opentsm/validate.h"

/* Large enough for any IDE_KM or TDISP message a case sends or a device answers. */
#define VAL_MSG_MAX 4096u

struct ot_val_ctx {
  ot_val_link *link;
  const ot_val_opts *opts;
  const ot_val_device *dev;
  ot_val_result *res;
  /* The last exchange. Only the first sent_keep bytes of the request are kept:
   * a KEY_PROG keeps its 8-byte header, never its key. */
  uint8_t sent[OT_VAL_BYTES_MAX];
  size_t sent_len, sent_keep;
  bool redacted;
  uint8_t rsp[VAL_MSG_MAX];
  size_t rsp_len;
  ot_status st;
  ot_val_spdm_error err;
  bool quiet; /* record failed assertions only (loops over many requests) */
  bool dead;  /* the transport failed: nothing more is sent */
  ot_status dead_st;
  size_t fails; /* failed assertions of the case so far */
};

/* Sends req (Protocol ID first) in the session or in the clear; keeps the
 * first `keep` bytes of it for the report (the whole request when keep >= len)
 * and the answer in x->rsp / x->st / x->err. Returns x->st. */
ot_status val_xfer(ot_val_ctx *x, bool secured, const uint8_t *req, size_t len, size_t keep);
/* One assertion about the last exchange: PASS if ok, else FAIL (and the case
 * fails). Returns ok. */
bool val_check(ot_val_ctx *x, bool ok, const char *fmt, ...) OT_PRINTF(3, 4);
/* The case cannot run on this device: NOT_TESTED, and why. */
void val_skip(ot_val_ctx *x, const char *fmt, ...) OT_PRINTF(2, 3);
/* True if the last exchange was refused with an SPDM ERROR (the only way an
 * IDE_KM responder can refuse a request that has no error object). */
bool val_spdm_refused(const ot_val_ctx *x);
/* A short text for the last answer ("SPDM ERROR InvalidRequest", "no answer: ..."). */
void val_answer_text(const ot_val_ctx *x, char *buf, size_t cap);

/* The IDE stream (key set 0 of every sub-stream, both directions) a TDI's
 * LOCK names, programmed and GO; asserts each step. val_ide_down stops it. */
bool val_ide_up(ot_val_ctx *x);
void val_ide_down(ot_val_ctx *x);

/* The case tables of each group. */
extern const ot_val_case ot_val_cases_ide_km[];
extern const size_t ot_val_cases_ide_km_count;
extern const ot_val_case ot_val_cases_tdisp[];
extern const size_t ot_val_cases_tdisp_count;

/* Probes run by the runner before the cases (cases_ide_km.c, cases_tdisp.c). */
void val_probe_ide_km(ot_val_link *l, ot_val_device *d);
void val_probe_tdisp(ot_val_link *l, uint32_t function_id, ot_val_device *d);

#endif
