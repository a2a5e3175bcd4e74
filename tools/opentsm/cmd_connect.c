/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm connect: the TSM's connect flow (opentsm/tsm.h) against a device
 * reached over the spdm-emu socket protocol: DOE discovery, VCA,
 * certificates verified against the trust anchors, CHALLENGE, signed
 * measurements checked against the policy, KEY_EXCHANGE/FINISH; then a
 * HEARTBEAT in the session and END_SESSION. A socket device has no PCIe
 * link, so the TSM runs without a platform backend: no IDE stream is
 * programmed (ot_tsm_config.backend = NULL).
 *
 * The report shows the verified evidence: what was negotiated, the subjects
 * of the certificate chain (fetched again after connect: the requester
 * checks it against the anchors and the DIGESTS once more), and the
 * measurement values of a second, freshly signed GET_MEASUREMENTS.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_util.h"
#include "commands.h"
#include "opentsm/doe_socket.h"
#include "opentsm/spdm_codec.h"
#include "opentsm/tsm.h"
#include "opentsm/x509.h"

#define USAGE                                                                                      \
  "usage: opentsm connect HOST:PORT [--policy FILE] [--name DEVICE] [--anchor CERT.der ...]\n"     \
  "                       [--json] [--time EPOCH] [--shutdown] [--timeout MS]\n"

const char ot_usage_connect[] =
    USAGE "Runs the TSM connect flow against a device speaking the spdm-emu socket protocol\n"
          "(opentsm device, DMTF spdm_responder_emu, QEMU): discovery, VCA, certificate\n"
          "chain against the trust anchors, CHALLENGE, signed measurements (checked\n"
          "against the policy's references), KEY_EXCHANGE/FINISH, HEARTBEAT, END_SESSION.\n"
          "No IDE stream is set up: a socket device has no link.\n"
          "  --policy FILE   TSM policy (docs/policy.md); the device is --name (default:\n"
          "                  the policy's only device)\n"
          "  --anchor FILE   a trusted root (DER or PEM); repeatable; without --policy\n"
          "                  at least one is required and no measurement is enforced\n"
          "  --json          print the evidence as JSON\n"
          "  --time EPOCH    certificate validation time (default: now)\n"
          "  --shutdown      end with SHUTDOWN (the device exits) instead of CONTINUE\n"
          "exit codes: 0 connected and verified, 1 refused (the reason is printed),\n"
          "            2 usage, 3 the device cannot be reached or a file cannot be read\n";

#define MAX_CLI_ANCHORS OT_TSM_POLICY_MAX_ANCHORS

typedef struct connect_opts {
  const char *target, *policy, *name;
  const char *anchors[MAX_CLI_ANCHORS];
  size_t anchor_count;
  bool json, shutdown, has_time, quiet;
  uint64_t time;
  uint64_t timeout_ms;
} connect_opts;

/* Everything large lives here, on the heap. */
typedef struct connect_ctx {
  ot_tsm_policy policy;
  ot_tsm tsm;
  ot_tsm_dev dev;
  ot_doe_socket_client sock;
  uint8_t chain[OT_TSM_EV_CHAIN_MAX];
  size_t chain_len;
  uint8_t record[OT_TSM_EV_MEAS_MAX];
  size_t record_len;
  uint8_t nblocks;
  ot_spdm_negotiated neg; /* kept: disconnect wipes the requester */
} connect_ctx;

static int usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "opentsm connect: %s%s%s\n" USAGE, msg, arg ? ": " : "", arg ? arg : "");
  return OT_EXIT_USAGE;
}

/* A policy from --anchor files: trusts them, lists one device with no
 * reference measurements (they are reported, not enforced). */
static int anchors_policy(connect_ctx *c, const connect_opts *o) {
  ot_tsm_policy *p = &c->policy;
  ot_tsm_policy_init(p);
  for (size_t i = 0; i < o->anchor_count; i++) {
    size_t len = 0;
    ot_status st = cli_read_file(o->anchors[i], p->anchor_der[i], OT_TSM_POLICY_ANCHOR_MAX, &len);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm connect: %s: %s\n", o->anchors[i], ot_status_message(st));
      return OT_EXIT_IO;
    }
    p->anchors[i] = (ot_x509_cert){.der = p->anchor_der[i], .len = len};
    if (!ot_ok(ot_x509_cert_check(&p->anchors[i]))) {
      fprintf(stderr, "opentsm connect: %s: not a DER certificate\n", o->anchors[i]);
      return OT_EXIT_FAILURE;
    }
    snprintf(p->anchor_path[i], sizeof(p->anchor_path[i]), "%s", o->anchors[i]);
  }
  p->anchor_count = o->anchor_count;
  p->anchors_loaded = true;
  snprintf(p->devices[0].name, sizeof(p->devices[0].name), "%s", o->name ? o->name : "device");
  p->device_count = 1;
  return OT_EXIT_OK;
}

static int load_policy(connect_ctx *c, const connect_opts *o) {
  if (o->policy == NULL) return anchors_policy(c, o);
  ot_tsm_policy_error err;
  ot_status st = ot_tsm_policy_load(&c->policy, o->policy, &err);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm connect: %s:%u:%u: %s\n", o->policy, err.line, err.column, err.msg);
    return ot_is(st, OT_E_IO) ? OT_EXIT_IO : OT_EXIT_FAILURE;
  }
  /* Extra --anchor files add to the policy's. */
  ot_tsm_policy *p = &c->policy;
  for (size_t i = 0; i < o->anchor_count; i++) {
    size_t k = p->anchor_count;
    if (k >= OT_TSM_POLICY_MAX_ANCHORS) {
      fprintf(stderr, "opentsm connect: too many trust anchors\n");
      return OT_EXIT_USAGE;
    }
    size_t len = 0;
    st = cli_read_file(o->anchors[i], p->anchor_der[k], OT_TSM_POLICY_ANCHOR_MAX, &len);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm connect: %s: %s\n", o->anchors[i], ot_status_message(st));
      return OT_EXIT_IO;
    }
    p->anchors[k] = (ot_x509_cert){.der = p->anchor_der[k], .len = len};
    p->anchor_count = k + 1;
  }
  return OT_EXIT_OK;
}

static const char *device_name(const connect_ctx *c, const connect_opts *o) {
  if (o->name) return o->name;
  if (c->policy.device_count == 1) return c->policy.devices[0].name;
  return "device";
}

static const char *curve_name(ot_curve c) {
  return c == OT_CURVE_P256      ? "P-256"
         : c == OT_CURVE_P384    ? "P-384"
         : c == OT_CURVE_ED25519 ? "Ed25519"
                                 : "none";
}
static const char *hash_name(ot_hash_alg h) {
  return h == OT_HASH_SHA256   ? "SHA-256"
         : h == OT_HASH_SHA384 ? "SHA-384"
         : h == OT_HASH_SHA512 ? "SHA-512"
                               : "none";
}
static const char *aead_name(ot_aead_alg a) {
  return a == OT_AEAD_AES256_GCM          ? "AES-256-GCM"
         : a == OT_AEAD_CHACHA20_POLY1305 ? "ChaCha20-Poly1305"
                                          : "none";
}

/* DSP0274 1.3 Table "DMTF measurement value type" names. */
static const char *meas_type_name(uint8_t t) {
  static const char *const names[] = {
      "immutable ROM", "mutable firmware", "hardware config",    "firmware config",
      "manifest",      "device mode",      "firmware version",   "SVN",
      "hash-extend",   "informational",    "structured manifest"};
  t &= OT_SPDM_DMTF_MEAS_TYPE_MASK;
  return t < sizeof(names) / sizeof(names[0]) ? names[t] : "other";
}

/* After connect: the chain and a fresh signed record for the report. */
static ot_status collect_evidence(connect_ctx *c) {
  uint8_t mask = 0;
  OT_GUARD(ot_spdm_requester_get_digests(&c->dev.spdm, &mask));
  OT_GUARD(ot_spdm_requester_get_certificate(&c->dev.spdm, 0, 0, c->chain, sizeof(c->chain),
                                             &c->chain_len));
  ot_spdm_meas_result res;
  OT_GUARD(ot_spdm_requester_get_measurements(&c->dev.spdm, OT_SPDM_MEAS_OP_ALL, true, 0, c->record,
                                              sizeof(c->record), &res));
  OT_ENSURE(res.signature_verified, OT_E_VERIFY);
  c->record_len = res.record_len;
  c->nblocks = res.block_count;
  c->neg = c->dev.spdm.neg;
  return OT_SUCCESS;
}

static void print_report(connect_ctx *c, const connect_opts *o, double ms) {
  const ot_spdm_negotiated *n = &c->neg;
  FILE *f = stdout;
  ot_spdm_cert_chain cc;
  ot_x509_chain x = {0};
  if (ot_ok(ot_spdm_cert_chain_decode((uint16_t)n->sizes.hash_len, c->chain, c->chain_len, &cc)))
    OT_IGNORE(ot_x509_chain_parse(cc.certs, cc.certs_len, &x));
  char subj[256], hex[2 * OT_SPDM_ID_MEAS_MAX + 1];
  if (o->json) {
    fprintf(f, "{\"device\":");
    cli_json_string(f, c->dev.name);
    fprintf(f, ",\"target\":");
    cli_json_string(f, o->target);
    fprintf(f,
            ",\"verified\":true,\"spdm_version\":\"%u.%u\",\"base_asym\":\"%s\","
            "\"base_hash\":\"%s\",\"measurement_hash\":\"%s\",\"dhe\":\"%s\",\"aead\":\"%s\","
            "\"session_id\":\"0x%08x\",\"ide\":false,\"chain\":[",
            n->version >> 4, n->version & 0xFu, curve_name(n->asym_curve), hash_name(n->hash),
            hash_name(n->mhash), curve_name(n->dhe_curve), aead_name(n->aead_alg),
            c->dev.session_id);
    for (size_t i = 0; i < x.count; i++) {
      if (!ot_ok(cli_cert_subject(x.certs[i].der, x.certs[i].len, subj, sizeof(subj))))
        snprintf(subj, sizeof(subj), "(unreadable)");
      fprintf(f, "%s", i ? "," : "");
      cli_json_string(f, subj);
    }
    fprintf(f, "],\"measurements\":[");
  } else {
    fprintf(f, "device '%s' at %s: connected and verified in %.1f ms\n", c->dev.name, o->target,
            ms);
    fprintf(f, "  SPDM %u.%u  asym %s  hash %s  measurement hash %s  DHE %s  AEAD %s\n",
            n->version >> 4, n->version & 0xFu, curve_name(n->asym_curve), hash_name(n->hash),
            hash_name(n->mhash), curve_name(n->dhe_curve), aead_name(n->aead_alg));
    fprintf(f, "  certificate chain (slot 0, verified against %zu anchor%s):\n",
            c->policy.anchor_count, c->policy.anchor_count == 1 ? "" : "s");
    for (size_t i = 0; i < x.count; i++) {
      if (!ot_ok(cli_cert_subject(x.certs[i].der, x.certs[i].len, subj, sizeof(subj))))
        snprintf(subj, sizeof(subj), "(unreadable)");
      fprintf(f, "    [%zu] %s\n", i, subj);
    }
    fprintf(f, "  measurements (%u blocks, signature verified):\n", c->nblocks);
  }
  ot_reader r;
  ot_reader_init(&r, c->record, c->record_len);
  bool first = true;
  while (ot_reader_remaining(&r) > 0) {
    ot_spdm_meas_block b;
    ot_spdm_dmtf_meas m;
    if (!ot_ok(ot_spdm_meas_block_next(&r, &b))) break;
    if (b.spec != OT_SPDM_MEAS_SPEC_DMTF || !ot_ok(ot_spdm_dmtf_meas_decode(&b, &m))) continue;
    cli_hex(m.value, m.value_size, hex, sizeof(hex));
    bool raw = (m.value_type & OT_SPDM_DMTF_MEAS_RAW_BIT_STREAM) != 0;
    if (o->json) {
      fprintf(f, "%s{\"index\":%u,\"type\":\"%s\",\"raw\":%s,\"value\":\"%s\"}", first ? "" : ",",
              b.index, meas_type_name(m.value_type), raw ? "true" : "false", hex);
    } else {
      fprintf(f, "    %3u %-19s %s %s\n", b.index, meas_type_name(m.value_type),
              raw ? "raw   " : "digest", hex);
    }
    first = false;
  }
  if (o->json)
    fprintf(f, "],\"heartbeat\":true,\"end_session\":true,\"ms\":%.3f}\n", ms);
  else
    fprintf(f,
            "  session 0x%08x: KEY_EXCHANGE/FINISH, HEARTBEAT, END_SESSION done; no IDE "
            "(socket device)\n",
            c->dev.session_id);
}

static void refused(const connect_opts *o, const ot_tsm_refusal *why) {
  if (o->json) {
    printf("{\"target\":");
    cli_json_string(stdout, o->target);
    printf(",\"verified\":false,\"reason\":\"%s\",\"detail\":", ot_tsm_reason_name(why->reason));
    cli_json_string(stdout, why->detail);
    printf("}\n");
  }
  fprintf(stderr, "opentsm connect: refused: %s: %s\n", ot_tsm_reason_text(why->reason),
          why->detail);
}

static double ms_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int run(connect_ctx *c, const connect_opts *o, const char *host, uint16_t port) {
  int rc = load_policy(c, o);
  if (rc != OT_EXIT_OK) return rc;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  ot_status st = ot_doe_socket_connect(&c->sock, host, port, (uint32_t)o->timeout_ms);
  if (ot_ok(st)) st = ot_doe_socket_client_hello(&c->sock);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm connect: cannot reach a device at %s:%u (%s)\n", host, port,
            ot_status_message(st));
    return OT_EXIT_IO;
  }
  ot_clock *clk = ot_clock_real();
  time_t wall = o->has_time ? (time_t)o->time : time(NULL);
  ot_tsm_config cfg = {.policy = &c->policy,
                       .backend = NULL, /* no link: no IDE (see the top of the file) */
                       .entropy = ot_rng_os(),
                       .clock = clk,
                       .wall_epoch = wall - (time_t)(ot_clock_now(clk) / 1000000000u)};
  st = ot_tsm_init(&c->tsm, &cfg);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm connect: TSM init failed (%s)\n", ot_status_message(st));
    return OT_EXIT_FAILURE;
  }
  ot_tsm_dev_desc desc = {.name = device_name(c, o), .doe = &c->sock.base, .link = NULL};
  st = ot_tsm_dev_init(&c->dev, &c->tsm, &desc);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm connect: bad device name (%s)\n", ot_status_message(st));
    ot_tsm_free(&c->tsm);
    return OT_EXIT_USAGE;
  }
  ot_tsm_refusal why;
  st = ot_tsm_connect(&c->tsm, &c->dev, &why);
  if (!ot_ok(st)) {
    refused(o, &why);
    rc = why.reason == OT_TSM_R_TRANSPORT ? OT_EXIT_IO : OT_EXIT_FAILURE;
    goto out;
  }
  st = collect_evidence(c);
  if (ot_ok(st)) st = ot_spdm_requester_heartbeat(&c->dev.spdm, c->dev.session_id);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm connect: after connect: %s\n", ot_status_message(st));
    rc = OT_EXIT_FAILURE;
  }
  /* END_SESSION before reporting, so the report says everything happened. */
  uint32_t sid = c->dev.session_id;
  ot_status end = ot_tsm_disconnect(&c->tsm, &c->dev);
  c->dev.session_id = sid;
  if (rc == OT_EXIT_OK && !ot_ok(end)) {
    fprintf(stderr, "opentsm connect: END_SESSION failed (%s)\n", ot_status_message(end));
    rc = OT_EXIT_FAILURE;
  }
  if (rc == OT_EXIT_OK && !o->quiet) print_report(c, o, ms_since(&t0));
out:
  if (!c->sock.failed) OT_IGNORE(ot_doe_socket_client_end(&c->sock, !o->shutdown));
  ot_tsm_dev_free(&c->dev);
  ot_tsm_free(&c->tsm);
  return rc;
}

static int connect_with(const connect_opts *o) {
  char host[64];
  uint16_t port;
  if (!cli_parse_hostport(o->target, host, sizeof(host), &port) || port == 0)
    return usage_error("bad address (want HOST:PORT)", o->target);
  signal(SIGPIPE, SIG_IGN);
  connect_ctx *c = calloc(1, sizeof(*c));
  if (c == NULL) {
    fprintf(stderr, "opentsm connect: out of memory\n");
    return OT_EXIT_FAILURE;
  }
  c->sock.fd = -1;
  int rc = run(c, o, host, port);
  ot_doe_socket_client_close(&c->sock);
  free(c);
  return rc;
}

int cli_connect_quiet(const char *target, const char *anchor, bool shutdown) {
  connect_opts o = {.target = target, .timeout_ms = 10000, .quiet = true, .shutdown = shutdown};
  o.anchors[0] = anchor;
  o.anchor_count = 1;
  return connect_with(&o);
}

int ot_cmd_connect(int argc, char **argv) {
  connect_opts o = {.timeout_ms = 10000};
  int i = 0;
  while (++i < argc) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--json") == 0) {
      o.json = true;
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
    if (strcmp(a, "--policy") == 0) {
      o.policy = v;
    } else if (strcmp(a, "--name") == 0) {
      o.name = v;
    } else if (strcmp(a, "--anchor") == 0) {
      if (o.anchor_count == MAX_CLI_ANCHORS) return usage_error("too many --anchor", v);
      o.anchors[o.anchor_count++] = v;
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
  if (o.target == NULL) return usage_error("missing HOST:PORT", NULL);
  if (o.policy == NULL && o.anchor_count == 0)
    return usage_error("no trust anchor: give --policy FILE or --anchor CERT", NULL);
  return connect_with(&o);
}
