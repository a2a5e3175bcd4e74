/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The runner: probes what the device reports, selects cases (--group,
 * --case), runs each with a fresh context, and counts the verdicts. The
 * helpers the cases use to exchange and to assert live here too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opentsm/spdm.h"
#include "validate_internal.h"

const char *ot_val_verdict_name(ot_val_verdict v) {
  return v == OT_VAL_PASS ? "PASS" : v == OT_VAL_FAIL ? "FAIL" : "NOT_TESTED";
}

/* ---- the table of every case ---------------------------------------------------------- */

#define VAL_MAX_CASES 128u

/* One flat table over the groups' tables, in run order, built on first use
 * (the CLI is single-threaded; so is every test). */
const ot_val_case *ot_val_cases(size_t *count) {
  static ot_val_case flat[VAL_MAX_CASES];
  static size_t n;
  if (n == 0) {
    for (size_t i = 0; i < ot_val_cases_ide_km_count && n < VAL_MAX_CASES; i++)
      flat[n++] = ot_val_cases_ide_km[i];
    for (size_t i = 0; i < ot_val_cases_tdisp_count && n < VAL_MAX_CASES; i++)
      flat[n++] = ot_val_cases_tdisp[i];
  }
  *count = n;
  return flat;
}

const ot_val_case *ot_val_case_find(const char *id) {
  size_t n = 0;
  const ot_val_case *c = ot_val_cases(&n);
  for (size_t i = 0; id && i < n; i++)
    if (strcmp(c[i].id, id) == 0) return &c[i];
  return NULL;
}

/* ---- helpers for the cases ------------------------------------------------------------- */

ot_status val_xfer(ot_val_ctx *x, bool secured, const uint8_t *req, size_t len, size_t keep) {
  x->sent_len = len;
  x->sent_keep = keep < len ? keep : len;
  if (x->sent_keep > sizeof(x->sent)) x->sent_keep = sizeof(x->sent);
  x->redacted = keep < len;
  memcpy(x->sent, req, x->sent_keep);
  x->rsp_len = 0;
  x->err = (ot_val_spdm_error){0};
  if (x->dead) return x->st = x->dead_st; /* a dead link is not asked again */
  x->st = x->link->vdm(x->link, secured, req, len, x->rsp, sizeof(x->rsp), &x->rsp_len, &x->err);
  if (!ot_ok(x->st)) x->rsp_len = 0;
  /* A transport failure (closed, timed out) ends the run: every later
   * exchange would wait for the same timeout. */
  if (ot_status_category(x->st) == OT_CAT_IO) {
    x->dead = true;
    x->dead_st = x->st;
  }
  return x->st;
}

bool val_spdm_refused(const ot_val_ctx *x) { return ot_is(x->st, OT_E_PEER_ERROR) && x->err.valid; }

void val_answer_text(const ot_val_ctx *x, char *buf, size_t cap) {
  if (val_spdm_refused(x))
    snprintf(buf, cap, "SPDM ERROR %s (0x%02x, data 0x%02x)", ot_spdm_error_name(x->err.code),
             x->err.code, x->err.data);
  else if (!ot_ok(x->st))
    snprintf(buf, cap, "no answer: %s", ot_status_message(x->st));
  else
    snprintf(buf, cap, "%zu bytes", x->rsp_len);
}

OT_PRINTF(3, 0) static void record(ot_val_ctx *x, bool ok, const char *fmt, va_list ap) {
  ot_val_result *r = x->res;
  if (!ok) {
    r->verdict = OT_VAL_FAIL;
    x->fails++;
  } else if (x->quiet) {
    return;
  }
  if (r->count >= OT_VAL_MAX_ASSERTS) {
    r->dropped++;
    return;
  }
  ot_val_assertion *a = &r->a[r->count++];
  memset(a, 0, sizeof(*a));
  a->verdict = ok ? OT_VAL_PASS : OT_VAL_FAIL;
  vsnprintf(a->text, sizeof(a->text), fmt, ap);
  a->sent_len = x->sent_len;
  memcpy(a->sent, x->sent, x->sent_keep);
  a->redacted = x->redacted;
  a->recv_len = x->rsp_len;
  memcpy(a->recv, x->rsp, x->rsp_len < OT_VAL_BYTES_MAX ? x->rsp_len : OT_VAL_BYTES_MAX);
  if (!ot_ok(x->st)) val_answer_text(x, a->recv_note, sizeof(a->recv_note));
}

bool val_check(ot_val_ctx *x, bool ok, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  record(x, ok, fmt, ap);
  va_end(ap);
  return ok;
}

void val_skip(ot_val_ctx *x, const char *fmt, ...) {
  if (x->res->verdict == OT_VAL_PASS) x->res->verdict = OT_VAL_NOT_TESTED;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(x->res->why, sizeof(x->res->why), fmt, ap);
  va_end(ap);
}

/* ---- the run --------------------------------------------------------------------------- */

static const char *cap_name(uint32_t cap) {
  return cap == OT_VAL_CAP_IDE_KM     ? "IDE_KM (QUERY for PortIndex 0 is not answered)"
         : cap == OT_VAL_CAP_IDE_REGS ? "an IDE register image (QUERY_RESP's register block is "
                                        "all zero)"
         : cap == OT_VAL_CAP_SESSION  ? "a link that can update keys and open a new session"
         : cap == OT_VAL_CAP_TDISP
             ? "TDISP 1.0 (GET_TDISP_VERSION gets neither a VERSION with 1.0 nor a "
               "TDISP_ERROR)"
             : "?";
}

static bool selected(const ot_val_case *c, const ot_val_opts *o) {
  if (o->case_id && strcmp(o->case_id, c->id) != 0) return false;
  if (o->group && strcmp(o->group, c->group) != 0) return false;
  return true;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

OT_RESULT ot_val_run_cases(ot_val_link *link, const ot_val_opts *o, ot_val_run *run) {
  OT_ENSURE(link && o && run, OT_E_ARG);
  memset(run, 0, sizeof(*run));
  size_t n = 0;
  const ot_val_case *cases = ot_val_cases(&n);
  size_t want = 0;
  for (size_t i = 0; i < n; i++)
    want += selected(&cases[i], o);
  OT_ENSURE(want > 0, OT_E_NOT_FOUND);
  run->results = calloc(want, sizeof(*run->results));
  OT_ENSURE(run->results != NULL, OT_E_NOMEM);
  ot_val_ctx *x = calloc(1, sizeof(*x));
  if (x == NULL) {
    free(run->results);
    run->results = NULL;
    OT_BAIL(OT_E_NOMEM);
  }
  double t0 = now_ms();
  val_probe_ide_km(link, &run->dev);
  val_probe_tdisp(link, o->tdi_function_id, &run->dev);
  if (link->session) run->dev.caps |= OT_VAL_CAP_SESSION;
  bool dead = false;
  ot_status dead_st = OT_SUCCESS;
  for (size_t i = 0; i < n; i++) {
    const ot_val_case *c = &cases[i];
    if (!selected(c, o)) continue;
    ot_val_result *r = &run->results[run->count++];
    r->c = c;
    r->verdict = OT_VAL_PASS;
    memset(x, 0, sizeof(*x));
    x->link = link;
    x->opts = o;
    x->dev = &run->dev;
    x->res = r;
    double c0 = now_ms();
    uint32_t missing = c->needs & ~run->dev.caps;
    if (dead) {
      val_skip(x, "not run: the device stopped answering in an earlier case (%s)",
               ot_status_message(dead_st));
    } else if (missing) {
      uint32_t first = missing & (~missing + 1u);
      val_skip(x, "the device does not report %s", cap_name(first));
    } else {
      c->run(x);
    }
    /* A case that asserted nothing and was not skipped checked nothing. */
    if (r->verdict == OT_VAL_PASS && r->count == 0) {
      r->verdict = OT_VAL_FAIL;
      snprintf(r->why, sizeof(r->why), "the case made no assertion");
    }
    if (x->dead && !dead) {
      dead = true;
      dead_st = x->dead_st;
    }
    r->ms = now_ms() - c0;
    run->passed += r->verdict == OT_VAL_PASS;
    run->failed += r->verdict == OT_VAL_FAIL;
    run->skipped += r->verdict == OT_VAL_NOT_TESTED;
    if (o->on_case) o->on_case(r, o->arg);
  }
  run->ms = now_ms() - t0;
  free(x);
  return OT_SUCCESS;
}

void ot_val_run_free(ot_val_run *run) {
  if (run == NULL) return;
  free(run->results);
  run->results = NULL;
  run->count = 0;
}
