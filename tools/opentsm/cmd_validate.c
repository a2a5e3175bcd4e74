/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm validate: the device conformance suite (opentsm/validate.h) against
 * a device reached over the spdm-emu socket protocol. Connects as the TSM
 * does (certificates against the trust anchors, KEY_EXCHANGE/FINISH), runs
 * the IDE_KM and TDISP cases in the session, prints each case and each failed
 * assertion with the bytes sent and received, then "N passed, M failed, K
 * skipped". --json prints one JSON object instead; --junit FILE writes JUnit
 * XML as well.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_anchors.h"
#include "cli_util.h"
#include "commands.h"
#include "opentsm/doe_socket.h"
#include "opentsm/validate.h"

#define USAGE                                                                                      \
  "usage: opentsm validate HOST:PORT [--anchor CERT ...] [--policy FILE] [--group G]\n"            \
  "                        [--case ID] [--tdi FUNCTION_ID] [--json] [--junit FILE]\n"              \
  "                        [--verbose] [--time EPOCH] [--timeout MS] [--shutdown]\n"               \
  "       opentsm validate --list [--group G] [--json]\n"

const char ot_usage_validate[] =
    USAGE "Runs the conformance cases of a device's IDE_KM (PCIe Base r6.0 §6.33.3) and TDISP\n"
          "(§11.3) responders over the spdm-emu socket protocol (docs/conformance.md). The\n"
          "secured session is opened as `opentsm connect` does; then each case runs and is\n"
          "printed as PASS, FAIL (with the bytes sent and received) or NOT_TESTED (with the\n"
          "capability the device does not report). The last line reads\n"
          "`N passed, M failed, K skipped`.\n"
          "  --list          list the cases (ID, group, description, clause) and exit\n"
          "  --group G       only the cases of group G (ide_km, tdisp)\n"
          "  --case ID       only that case (e.g. IDEKM.KEYPROG.2)\n"
          "  --tdi ID        the TDI's FUNCTION_ID for the TDISP cases (default 0x100, the\n"
          "                  one `opentsm device` serves)\n"
          "  --anchor FILE   a trusted root (DER or PEM); repeatable\n"
          "  --policy FILE   a TSM policy (docs/policy.md) instead of, or with, --anchor\n"
          "  --json          print the run as one JSON object\n"
          "  --junit FILE    also write JUnit XML (one testsuite per group) to FILE\n"
          "  --verbose       print passing assertions too\n"
          "  --time EPOCH    certificate validation time (default: now)\n"
          "  --shutdown      end with SHUTDOWN (the device exits) instead of CONTINUE\n"
          "exit codes: 0 every case passed or was not tested, 1 a case failed or the\n"
          "            device was refused, 2 usage, 3 the device cannot be reached or a\n"
          "            file cannot be written\n";

#define MAX_ANCHORS OT_TSM_POLICY_MAX_ANCHORS
#define DEFAULT_TDI 0x100u

typedef struct validate_opts {
  const char *target, *policy, *group, *case_id, *junit;
  const char *anchors[MAX_ANCHORS];
  size_t anchor_count;
  bool list, json, verbose, shutdown, has_time;
  uint32_t tdi;
  uint64_t time, timeout_ms;
} validate_opts;

typedef struct validate_ctx {
  ot_tsm_policy policy;
  ot_doe_socket_client sock;
  ot_val_session session;
} validate_ctx;

static int usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "opentsm validate: %s%s%s\n" USAGE, msg, arg ? ": " : "", arg ? arg : "");
  return OT_EXIT_USAGE;
}

static bool group_known(const char *g) {
  size_t n = 0;
  const ot_val_case *c = ot_val_cases(&n);
  for (size_t i = 0; i < n; i++)
    if (strcmp(c[i].group, g) == 0) return true;
  return false;
}

static int list_cases(const validate_opts *o) {
  size_t n = 0;
  const ot_val_case *c = ot_val_cases(&n);
  if (o->json) printf("[");
  bool first = true;
  for (size_t i = 0; i < n; i++) {
    if (o->group && strcmp(o->group, c[i].group) != 0) continue;
    if (o->json) {
      printf("%s{\"id\":", first ? "" : ",");
      cli_json_string(stdout, c[i].id);
      printf(",\"group\":");
      cli_json_string(stdout, c[i].group);
      printf(",\"clause\":");
      cli_json_string(stdout, c[i].clause);
      printf(",\"description\":");
      cli_json_string(stdout, c[i].desc);
      printf("}");
    } else {
      /* the clause last: '§' is two bytes, which would skew a padded column */
      printf("%-18s %-7s %s [%s]\n", c[i].id, c[i].group, c[i].desc, c[i].clause);
    }
    first = false;
  }
  if (o->json) printf("]\n");
  return OT_EXIT_OK;
}

static int load_policy(validate_ctx *c, const validate_opts *o) {
  if (o->policy == NULL)
    return cli_anchors_policy(&c->policy, o->anchors, o->anchor_count, "device",
                              "opentsm validate");
  ot_tsm_policy_error err;
  ot_status st = ot_tsm_policy_load(&c->policy, o->policy, &err);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm validate: %s:%u:%u: %s\n", o->policy, err.line, err.column, err.msg);
    return ot_is(st, OT_E_IO) ? OT_EXIT_IO : OT_EXIT_FAILURE;
  }
  ot_tsm_policy *p = &c->policy;
  for (size_t i = 0; i < o->anchor_count; i++) {
    size_t k = p->anchor_count, len = 0;
    if (k >= MAX_ANCHORS) {
      fprintf(stderr, "opentsm validate: too many trust anchors\n");
      return OT_EXIT_USAGE;
    }
    st = cli_read_file(o->anchors[i], p->anchor_der[k], OT_TSM_POLICY_ANCHOR_MAX, &len);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm validate: %s: %s\n", o->anchors[i], ot_status_message(st));
      return OT_EXIT_IO;
    }
    p->anchors[k] = (ot_x509_cert){.der = p->anchor_der[k], .len = len};
    p->anchor_count = k + 1;
  }
  return OT_EXIT_OK;
}

static void print_case(const ot_val_result *r, void *arg) {
  const validate_opts *o = arg;
  ot_val_print_case(stdout, r, o->verbose);
  fflush(stdout);
}

static int report(const validate_opts *o, const ot_val_run *run) {
  if (o->json)
    ot_val_print_json(stdout, run, o->target);
  else
    ot_val_print_summary(stdout, run);
  if (o->junit) {
    FILE *f = fopen(o->junit, "w");
    if (f == NULL) {
      fprintf(stderr, "opentsm validate: cannot write %s\n", o->junit);
      return OT_EXIT_IO;
    }
    ot_val_print_junit(f, run, o->target);
    if (fclose(f) != 0) {
      fprintf(stderr, "opentsm validate: cannot write %s\n", o->junit);
      return OT_EXIT_IO;
    }
  }
  return run->failed ? OT_EXIT_FAILURE : OT_EXIT_OK;
}

static int run(validate_ctx *c, const validate_opts *o, const char *host, uint16_t port) {
  int rc = load_policy(c, o);
  if (rc != OT_EXIT_OK) return rc;
  ot_status st = ot_doe_socket_connect(&c->sock, host, port, (uint32_t)o->timeout_ms);
  if (ot_ok(st)) st = ot_doe_socket_client_hello(&c->sock);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm validate: cannot reach a device at %s:%u (%s)\n", host, port,
            ot_status_message(st));
    return OT_EXIT_IO;
  }
  uint64_t wall = o->has_time ? o->time : (uint64_t)time(NULL);
  ot_tsm_refusal why;
  st = ot_val_session_open(&c->session, &c->sock.base, &c->policy, wall, &why);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm validate: no secured session: %s: %s\n",
            ot_tsm_reason_text(why.reason), why.detail[0] ? why.detail : ot_status_message(st));
    rc = why.reason == OT_TSM_R_TRANSPORT ? OT_EXIT_IO : OT_EXIT_FAILURE;
  } else {
    if (!o->json)
      printf("opentsm validate %s: secured session 0x%08x\n", o->target, c->session.dev.session_id);
    ot_val_opts vo = {.group = o->group,
                      .case_id = o->case_id,
                      .tdi_function_id = o->tdi,
                      .on_case = o->json ? NULL : print_case,
                      .arg = (void *)o};
    ot_val_run r;
    st = ot_val_run_cases(&c->session.base, &vo, &r);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm validate: %s\n", ot_status_message(st));
      rc = OT_EXIT_FAILURE;
    } else {
      rc = report(o, &r);
      ot_val_run_free(&r);
    }
    ot_val_session_close(&c->session);
  }
  if (!c->sock.failed) OT_IGNORE(ot_doe_socket_client_end(&c->sock, !o->shutdown));
  return rc;
}

int ot_cmd_validate(int argc, char **argv) {
  validate_opts o = {.timeout_ms = 10000, .tdi = DEFAULT_TDI};
  int i = 0;
  while (++i < argc) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--list") == 0) {
      o.list = true;
      continue;
    }
    if (strcmp(a, "--json") == 0) {
      o.json = true;
      continue;
    }
    if (strcmp(a, "--verbose") == 0) {
      o.verbose = true;
      continue;
    }
    if (strcmp(a, "--shutdown") == 0) {
      o.shutdown = true;
      continue;
    }
    if (a[0] != '-') {
      if (o.target) return usage_error("more than one HOST:PORT", a);
      o.target = a;
      continue;
    }
    if (v == NULL) return usage_error("unknown option or missing value", a);
    if (strcmp(a, "--anchor") == 0) {
      if (o.anchor_count == MAX_ANCHORS) return usage_error("too many --anchor", v);
      o.anchors[o.anchor_count++] = v;
    } else if (strcmp(a, "--policy") == 0) {
      o.policy = v;
    } else if (strcmp(a, "--group") == 0) {
      o.group = v;
    } else if (strcmp(a, "--case") == 0) {
      o.case_id = v;
    } else if (strcmp(a, "--junit") == 0) {
      o.junit = v;
    } else if (strcmp(a, "--tdi") == 0) {
      char *end = NULL;
      unsigned long long id = strtoull(v, &end, 0);
      /* FUNCTION_ID is 25 bits (PCIe r6.0 §11.3 INTERFACE_ID) */
      if (*v == '\0' || *v == '-' || *end != '\0' || id > 0x1FFFFFFull)
        return usage_error("bad --tdi", v);
      o.tdi = (uint32_t)id;
    } else if (strcmp(a, "--time") == 0) {
      if (!cli_parse_u64(v, INT32_MAX * 2ull, &o.time)) return usage_error("bad --time", v);
      o.has_time = true;
    } else if (strcmp(a, "--timeout") == 0) {
      if (!cli_parse_u64(v, 600000, &o.timeout_ms)) return usage_error("bad --timeout", v);
    } else {
      return usage_error("unknown option", a);
    }
    i++;
  }
  if (o.group && !group_known(o.group)) return usage_error("no such group", o.group);
  if (o.case_id && ot_val_case_find(o.case_id) == NULL)
    return usage_error("no such case", o.case_id);
  if (o.list) return list_cases(&o);
  if (o.target == NULL) return usage_error("missing HOST:PORT", NULL);
  if (o.policy == NULL && o.anchor_count == 0)
    return usage_error("no trust anchor: give --anchor CERT or --policy FILE", NULL);
  char host[64];
  uint16_t port;
  if (!cli_parse_hostport(o.target, host, sizeof(host), &port) || port == 0)
    return usage_error("bad address (want HOST:PORT)", o.target);
  signal(SIGPIPE, SIG_IGN);
  validate_ctx *c = calloc(1, sizeof(*c));
  if (c == NULL) {
    fprintf(stderr, "opentsm validate: out of memory\n");
    return OT_EXIT_FAILURE;
  }
  c->sock.fd = -1;
  int rc = run(c, &o, host, port);
  ot_doe_socket_client_close(&c->sock);
  free(c);
  return rc;
}
