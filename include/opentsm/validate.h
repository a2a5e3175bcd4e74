/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device conformance suite: tables of cases that each check one rule of a
 * device's IDE_KM (PCIe Base r6.0 §6.33.3) or TDISP (PCIe Base r6.0 §11.3)
 * responder, the runner that drives them and the reports (text, JSON, JUnit).
 * @layer validate
 *
 * The suite talks to a device only through an ot_val_link: one VDM payload
 * (PCI-SIG Protocol ID byte, then the IDE_KM object or TDISP message) sent
 * inside the secured SPDM session or in the clear, one payload or an SPDM
 * ERROR back. ot_val_session_open() makes that link from a DOE transport the
 * way a TSM does (the TSM's connect: VCA, certificate chain against the trust
 * anchors, CHALLENGE, KEY_EXCHANGE/FINISH), so the same cases run against any
 * device on any transport; tests wire a link straight to a responder.
 *
 * A case sends requests, and records one assertion per rule it checks: PASS,
 * or FAIL with the bytes sent and received (hex; key material is never
 * recorded). A case whose capability the device does not report (IDE_KM,
 * an IDE register image, TDISP) is NOT_TESTED with the reason. Every response
 * is parsed with the bounds-checked cursor; a malformed response is a FAIL.
 *
 * Each case leaves the device as it found it (key sets stopped, the TDI back
 * in CONFIG_UNLOCKED) so cases can run in any order and alone (--case).
 */
#ifndef OPENTSM_VALIDATE_H
#define OPENTSM_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "opentsm/doe.h"
#include "opentsm/status.h"
#include "opentsm/tsm.h"

typedef enum ot_val_verdict {
  OT_VAL_PASS = 0,
  OT_VAL_FAIL = 1,
  OT_VAL_NOT_TESTED = 2,
} ot_val_verdict;

const char *ot_val_verdict_name(ot_val_verdict v); /* "PASS", "FAIL", "NOT_TESTED" */

/* What a device reports about itself, found by the runner before the cases. */
#define OT_VAL_CAP_IDE_KM 0x01u   /* answers IDE_KM QUERY for PortIndex 0 in the session */
#define OT_VAL_CAP_IDE_REGS 0x02u /* its QUERY_RESP carries an IDE register image */
#define OT_VAL_CAP_TDISP 0x04u    /* answers GET_TDISP_VERSION with version 1.0 */
#define OT_VAL_CAP_SESSION 0x08u  /* the link can KEY_UPDATE and end/reopen its session */

/* An SPDM ERROR the device answered with instead of a VENDOR_DEFINED_RESPONSE. */
typedef struct ot_val_spdm_error {
  bool valid;
  uint8_t code; /* ErrorCode (DSP0274 "ERROR response message format") */
  uint8_t data;
} ot_val_spdm_error;

typedef struct ot_val_link ot_val_link;
/*
 * vdm(): sends payload req[0..req_len) (Protocol ID first) as a PCI-SIG
 * VENDOR_DEFINED_REQUEST (StandardID 3, VendorID 0x0001) inside the session
 * (secured) or in the clear, and returns the response payload (Protocol ID
 * first) in rsp. When the device answers with an SPDM ERROR: OT_E_PEER_ERROR
 * and *err filled. Transport failures come back as they are.
 */
/* The longest HeartbeatPeriod OT_VAL_HEARTBEAT_LAPSE waits out (twice, plus
 * 250 ms): within `opentsm device`'s default --idle-timeout of 5 s. */
#define OT_VAL_HEARTBEAT_MAX_S 2u

/* What session() does between two exchanges. */
typedef enum ot_val_session_op {
  OT_VAL_KEY_UPDATE,  /* KEY_UPDATE UpdateAllKeys + VerifyNewKey (DSP0274 §10.15) */
  OT_VAL_NEW_SESSION, /* END_SESSION (DSP0274 §10.17), then KEY_EXCHANGE/FINISH anew */
  /* Silence past twice the session's HeartbeatPeriod (DSP0274 §10.14: the
   * session ends), then a new session. OT_E_UNSUPPORTED when the session has
   * no period, or one above OT_VAL_HEARTBEAT_MAX_S (the wait would be long). */
  OT_VAL_HEARTBEAT_LAPSE,
} ot_val_session_op;

struct ot_val_link {
  ot_status (*vdm)(ot_val_link *l, bool secured, const uint8_t *req, size_t req_len, uint8_t *rsp,
                   size_t cap, size_t *rsp_len, ot_val_spdm_error *err);
  /* Optional (NULL: the cases that need it are NOT_TESTED); later vdm()
   * calls use the session it leaves. */
  ot_status (*session)(ot_val_link *l, ot_val_session_op op);
};

typedef struct ot_val_ctx ot_val_ctx;

/* One case of a table. */
typedef struct ot_val_case {
  const char *id;     /* stable: "IDEKM.QUERY.1" */
  const char *group;  /* "ide_km", "tdisp" */
  const char *clause; /* "PCIe Base r6.0 §6.33.3" */
  const char *desc;   /* one line: what the device must do */
  uint32_t needs;     /* OT_VAL_CAP_* the device must report, else NOT_TESTED */
  void (*run)(ot_val_ctx *x);
} ot_val_case;

/* The built-in tables, in run order. */
const ot_val_case *ot_val_cases(size_t *count);
/* The case with this ID (case-sensitive), or NULL. */
const ot_val_case *ot_val_case_find(const char *id);

#define OT_VAL_TEXT_MAX 200u
#define OT_VAL_BYTES_MAX 96u /* bytes of each message kept for the report */
#define OT_VAL_MAX_ASSERTS 64u

typedef struct ot_val_assertion {
  ot_val_verdict verdict; /* PASS or FAIL */
  char text[OT_VAL_TEXT_MAX];
  size_t sent_len, recv_len; /* whole lengths; the first OT_VAL_BYTES_MAX bytes are kept */
  uint8_t sent[OT_VAL_BYTES_MAX], recv[OT_VAL_BYTES_MAX];
  bool redacted;      /* the request carried a key: only its header is kept */
  char recv_note[48]; /* instead of bytes: "SPDM ERROR InvalidRequest (0x01)", "no answer: ..." */
} ot_val_assertion;

typedef struct ot_val_result {
  const ot_val_case *c;
  ot_val_verdict verdict; /* FAIL if any assertion failed; NOT_TESTED with why */
  char why[OT_VAL_TEXT_MAX];
  ot_val_assertion a[OT_VAL_MAX_ASSERTS];
  size_t count;
  size_t dropped; /* assertions beyond OT_VAL_MAX_ASSERTS (counted, FAILs still fail the case) */
  double ms;
} ot_val_result;

/* Options of a run. */
typedef struct ot_val_opts {
  const char *group;        /* run only this group, or NULL */
  const char *case_id;      /* run only this case, or NULL */
  uint32_t tdi_function_id; /* the TDI the TDISP cases address (INTERFACE_ID) */
  /* Called after each case, e.g. to print it as the run goes (may be NULL). */
  void (*on_case)(const ot_val_result *r, void *arg);
  void *arg;
} ot_val_opts;

/* What the runner learned of the device, for the cases and the report. */
typedef struct ot_val_device {
  uint32_t caps; /* OT_VAL_CAP_* */
  uint8_t max_port_index;
  uint8_t stream_id;         /* the Stream ID of the first selective block not enabled */
  uint32_t ide_cap;          /* the IDE Capability register, when reported */
  uint8_t n_sel;             /* Selective IDE Streams the register image has */
  uint8_t held[32];          /* bitmap of Stream IDs a selective block holds */
  uint16_t tdisp_lock_flags; /* LOCK_INTERFACE_FLAGS_SUPPORTED */
  uint8_t tdisp_req_msgs[16];
} ot_val_device;

typedef struct ot_val_run {
  ot_val_device dev;
  ot_val_result *results; /* count entries, allocated by ot_val_run_cases */
  size_t count;
  size_t passed, failed, skipped;
  double ms;
} ot_val_run;

/*
 * Probes the device over link (IDE_KM QUERY for port 0, TDISP GET_VERSION and
 * GET_CAPABILITIES), then runs the selected cases in table order. OT_E_NOT_FOUND
 * when --case names no case or --group no group; OT_E_NOMEM. On success
 * run->results must be released with ot_val_run_free.
 */
OT_RESULT ot_val_run_cases(ot_val_link *link, const ot_val_opts *o, ot_val_run *run);
void ot_val_run_free(ot_val_run *run);

/* ---- reports ---------------------------------------------------------------------- */

/* One case in the text log: "PASS IDEKM.QUERY.1 [clause] desc" and its assertions. */
void ot_val_print_case(FILE *f, const ot_val_result *r, bool verbose);
/* The last line: "N passed, M failed, K skipped". */
void ot_val_print_summary(FILE *f, const ot_val_run *run);
/* The whole run as one JSON object (cases, assertions, hex, totals). */
void ot_val_print_json(FILE *f, const ot_val_run *run, const char *target);
/* JUnit XML: one <testsuite> per group, one <testcase> per case; FAIL is
 * <failure>, NOT_TESTED is <skipped>. Text is escaped for XML. */
void ot_val_print_junit(FILE *f, const ot_val_run *run, const char *target);

/* ---- the session a TSM would open ---------------------------------------------------- */

typedef struct ot_val_session {
  ot_val_link base; /* must be first */
  ot_tsm tsm;
  ot_tsm_dev dev;
  ot_doe_transport *doe;
  bool connected;
} ot_val_session;

/*
 * Connects to the device behind doe as the TSM does (ot_tsm_connect: VCA,
 * certificates against policy's anchors, CHALLENGE, measurements,
 * KEY_EXCHANGE/FINISH) and makes s->base the link the cases use. *why says
 * why a refusal happened. s is large: allocate it. Close with
 * ot_val_session_close (END_SESSION; frees everything).
 */
OT_RESULT ot_val_session_open(ot_val_session *s, ot_doe_transport *doe, const ot_tsm_policy *policy,
                              uint64_t wall_epoch, ot_tsm_refusal *why);
void ot_val_session_close(ot_val_session *s);

#endif /* OPENTSM_VALIDATE_H */
