/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm provision: the SPDM device-information and provisioning requests
 * the TSM connect flow does not send, against a socket device (ours or
 * DMTF's spdm_responder_emu): GET_ENDPOINT_INFO (signed or not),
 * GET_MEASUREMENT_EXTENSION_LOG, GET_CSR and SET_CERTIFICATE, in the clear or
 * in a KEY_EXCHANGE session
 * (optionally with the handshake in the clear). It runs the SPDM requester
 * directly: VCA, GET_DIGESTS, GET_CERTIFICATE of the slot (checked against the
 * trust anchors), then the requests asked for, then END_SESSION.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "cli_anchors.h"
#include "cli_util.h"
#include "commands.h"
#include "opentsm/clock.h"
#include "opentsm/doe_socket.h"
#include "opentsm/rng.h"
#include "opentsm/spdm.h"
#include "opentsm/spdm_identity.h"

#define USAGE                                                                                      \
  "usage: opentsm provision HOST:PORT --anchor CERT [--anchor CERT ...] [--slot N]\n"              \
  "                         [--endpoint-info] [--unsigned] [--mel FILE] [--get-csr FILE]\n"        \
  "                         [--csr-tag N] [--key-pair ID]\n"                                \
  "                         [--set-cert SLOT:CHAIN.der] [--cert-model M] [--key-pair-info]\n"     \
  "                         [--session]\n"                                                      \
  "                         [--set-key-pair ID:OP[,usage=HEX][,algo=A][,slots=HEX]]...\n"        \
  "                         [--handshake-in-the-clear] [--timeout MS] [--shutdown]\n"              \
  "                         [--pcap FILE] [--keylog FILE]\n"

const char ot_usage_provision[] =
    USAGE "Connects to an SPDM 1.3 device (spdm-emu socket protocol over PCI DOE), checks the\n"
          "certificate chain of slot N (default 0) against the anchors, then:\n"
          "  --endpoint-info  GET_ENDPOINT_INFO (DeviceClassIdentifier), signed by slot N and\n"
          "                   the signature checked, or unsigned with --unsigned; prints it\n"
          "  --mel FILE       GET_MEASUREMENT_EXTENSION_LOG: the whole MEL, checked, to FILE\n"
          "  --get-csr FILE   GET_CSR: a PKCS#10 request for the device key (checked), DER.\n"
          "                   A device that needs a reset to finish it (1.3 ResetRequired)\n"
          "                   names a CSRTrackingTag: exit 5, the tag printed; after the\n"
          "                   reset ask again with --csr-tag N (1-7)\n"
          "  --set-cert SLOT:CHAIN.der  SET_CERTIFICATE: the DER certificates (root first)\n"
          "                   into SLOT (0-7); a device takes it in a session (--session),\n"
          "                   or slot 0 in the clear in a trusted environment\n"
          "  --key-pair ID    on a multi-key connection (1.3) the KeyPairID GET_CSR and\n"
          "                   SET_CERTIFICATE name (default: that of slot N, from DIGESTS);\n"
          "                   --set-key-pair runs before GET_CSR, so a pair generated in the\n"
          "                   same run can be named\n"
          "  --cert-model M   device (default), alias or generic: on a multi-key connection\n"
          "                   the SetCertModel of SET_CERTIFICATE and GET_CSR's model (1.3);\n"
          "                   a multi-key connection also prints each slot's DIGESTS entry\n"
          "  --session        send them in a KEY_EXCHANGE session (ended with END_SESSION)\n"
          "  --key-pair-info  GET_KEY_PAIR_INFO of every key pair (1..TotalKeyPairs)\n"
          "  --set-key-pair ID:OP[,usage=HEX][,algo=A][,slots=HEX]  SET_KEY_PAIR_INFO\n"
          "                   (1.3, repeatable, before --key-pair-info): OP change, erase\n"
          "                   or generate; usage the KeyUsage bits, algo p256 p384 rsa2048\n"
          "                   rsa3072 rsa4096 or hex bits, slots the AssocCertSlotMask\n"
          "                   (change: 0 or absent dissociates every slot)\n"
          "  --handshake-in-the-clear  offer HANDSHAKE_IN_THE_CLEAR_CAP: with a device that\n"
          "                   has it too, FINISH/FINISH_RSP travel unencrypted\n"
          "  --timeout MS     bound on the whole run (default 10000)\n"
          "  --shutdown       ask the device to exit afterwards (SHUTDOWN)\n"
          "  --pcap FILE / --keylog FILE  as connect: the DOE objects, the DHE secrets\n"
          "exit codes: 0 done, 1 a request failed or did not verify, 2 usage, 3 I/O,\n"
          "            5 the device asked for a reset to finish the CSR (--csr-tag)\n";

#define PROVISION_TIMEOUT_MS 10000u
#define PROVISION_EXIT_RESET 5 /* GET_CSR answered ResetRequired with a CSRTrackingTag */
#define MEL_MAX 65536u
#define CHAIN_MAX 8192u

typedef struct provision_opts {
  const char *target;
  const char *anchors[OT_TSM_POLICY_MAX_ANCHORS];
  size_t anchor_count;
  uint8_t slot;
  bool endpoint_info, unsigned_ep, session, in_clear, shutdown, key_pairs;
  const char *mel_path, *csr_path, *pcap, *keylog;
  const char *set_cert_path;
  int set_cert_slot; /* -1: none */
  uint8_t csr_tag;   /* GET_CSR CSRTrackingTag (1.3), 0: none */
  uint8_t key_pair;  /* --key-pair: KeyPairID of GET_CSR / SET_CERTIFICATE, 0: --slot's */
  uint8_t cert_model; /* --cert-model: OT_SPDM_CERT_MODEL_*, 0: not given (DeviceCert) */
  ot_spdm_set_key_pair_info set_kp[8]; /* --set-key-pair, in order */
  size_t set_kp_count;
  uint64_t timeout_ms;
} provision_opts;

typedef struct provision_ctx {
  ot_tsm_policy policy;
  ot_doe_socket_client sock;
  cli_capture cap;
  ot_spdm_requester_config cfg;
  ot_spdm_requester q;
  uint8_t chain[CHAIN_MAX];
  uint8_t mel[MEL_MAX];
  uint8_t ep[OT_SPDM_EP_INFO_MAX];
  uint8_t csr[OT_SPDM_CSR_MAX];
  uint8_t der[OT_SPDM_ID_CHAIN_MAX];
} provision_ctx;

static int usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "opentsm provision: %s%s%s\n" USAGE, msg, arg ? ": " : "", arg ? arg : "");
  return OT_EXIT_USAGE;
}

static int step_failed(provision_ctx *c, const char *step, ot_status st) {
  char why[192];
  fprintf(stderr, "opentsm provision: %s failed (%s)\n", step,
          ot_spdm_requester_why(&c->q, st, why, sizeof(why)));
  return ot_status_category(st) == OT_CAT_IO ? OT_EXIT_IO : OT_EXIT_FAILURE;
}

/* The requests asked for, on an established connection (session_id 0: plain). */
/* The KeyPairID GET_CSR and SET_CERTIFICATE name on a multi-key connection. */
static uint8_t key_pair_of(const provision_ctx *c, const provision_opts *o) {
  return o->key_pair ? o->key_pair : c->q.slots[o->slot].key_pair_id;
}

/* DSP0274 1.3 SET_CERTIFICATE SetCertModel / GET_CSR RequestAttributes:
 * the model named on a multi-key connection (DeviceCert unless told). */
static uint8_t model_of(const provision_opts *o) {
  return o->cert_model ? o->cert_model : (uint8_t)OT_SPDM_CERT_MODEL_DEVICE;
}

static int requests(provision_ctx *c, const provision_opts *o, uint32_t sid) {
  const char *where = sid ? "in the session" : "in the clear";
  if (o->endpoint_info) {
    size_t n = 0;
    uint8_t count = 0;
    ot_status st = ot_spdm_requester_get_endpoint_info(&c->q, sid, !o->unsigned_ep, o->slot, c->ep,
                                                       sizeof(c->ep), &n);
    if (!ot_ok(st)) return step_failed(c, "GET_ENDPOINT_INFO", st);
    OT_IGNORE(ot_spdm_ep_info_check(c->ep, n, &count));
    char hex[2 * OT_SPDM_EP_INFO_MAX + 1];
    cli_hex(c->ep, n, hex, sizeof(hex));
    if (o->unsigned_ep)
      printf("endpoint info (%s, unsigned): %u identifier(s), %zu bytes: %s\n", where, count, n,
             hex);
    else
      printf("endpoint info (%s, signed by slot %u, signature verified): %u identifier(s), %zu "
             "bytes: %s\n",
             where, o->slot, count, n, hex);
  }
  if (o->mel_path) {
    size_t n = 0;
    uint32_t entries = 0;
    ot_status st = ot_spdm_requester_get_mel(&c->q, sid, c->mel, sizeof(c->mel), &n);
    if (!ot_ok(st)) return step_failed(c, "GET_MEASUREMENT_EXTENSION_LOG", st);
    OT_IGNORE(ot_spdm_mel_check(c->mel, n, &entries));
    st = cli_write_file(o->mel_path, c->mel, n, 0644, true);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm provision: cannot write %s (%s)\n", o->mel_path,
              ot_status_message(st));
      return OT_EXIT_IO;
    }
    printf("measurement extension log (%s): %u entries, %zu bytes -> %s\n", where, entries, n,
           o->mel_path);
  }
  for (size_t i = 0; i < o->set_kp_count; i++) {
    static const char *const ops[] = {"change", "erase", "generate"};
    const ot_spdm_set_key_pair_info *k = &o->set_kp[i];
    ot_status st = ot_spdm_requester_set_key_pair_info(&c->q, sid, k);
    if (!ot_ok(st)) return step_failed(c, "SET_KEY_PAIR_INFO", st);
    printf("SET_KEY_PAIR_INFO (%s): key pair %u %s, usage 0x%04x, asym 0x%08x, slots 0x%02x\n",
           where, k->key_pair_id, ops[k->operation], k->desired_key_usage,
           (unsigned)k->desired_asym_algo, k->desired_assoc_cert_slot_mask);
  }
  if (o->csr_path) {
    size_t n = 0;
    /* DSP0274 1.3 GET_CSR: on a multi-key connection name the key (--key-pair,
     * else that of --slot, from DIGESTS) and the DeviceCert model; otherwise
     * both 0. */
    bool mk = c->q.neg.multi_key_conn;
    /* RequestAttributes bits 5:3: the CSRTrackingTag a ResetRequired gave. */
    uint8_t attrs = (uint8_t)((mk ? model_of(o) : 0) |
                              (o->csr_tag << OT_SPDM_CSR_TAG_SHIFT));
    ot_status st =
        ot_spdm_requester_get_csr(&c->q, sid, mk ? key_pair_of(c, o) : 0, attrs, NULL, 0, c->csr,
                                  sizeof(c->csr), &n);
    uint8_t tag = ot_spdm_requester_csr_tag(&c->q);
    if (!ot_ok(st) && tag != 0) {
      printf("GET_CSR (%s): the device needs a reset to finish the CSR (ResetRequired, "
             "CSRTrackingTag %u); after it ask again with --csr-tag %u\n",
             where, tag, tag);
      return PROVISION_EXIT_RESET;
    }
    if (!ot_ok(st)) return step_failed(c, "GET_CSR", st);
    st = cli_write_file(o->csr_path, c->csr, n, 0644, true);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm provision: cannot write %s (%s)\n", o->csr_path,
              ot_status_message(st));
      return OT_EXIT_IO;
    }
    printf("CSR (%s): %zu bytes, self-signature verified -> %s\n", where, n, o->csr_path);
  }
  if (o->key_pairs) {
    /* KeyPairIDs run from 1 to TotalKeyPairs (DSP0274 1.3 §10.26): the first
     * answer says how many there are; at most 255 requests. */
    unsigned total = 1;
    for (unsigned id = 1; id <= total && id <= 255; id++) {
      ot_spdm_key_pair_info k;
      uint8_t pki[OT_SPDM_PUBLIC_KEY_INFO_MAX];
      char hex[2 * OT_SPDM_PUBLIC_KEY_INFO_MAX + 1];
      ot_status st =
          ot_spdm_requester_get_key_pair_info(&c->q, sid, (uint8_t)id, &k, pki, sizeof(pki));
      if (!ot_ok(st)) return step_failed(c, "GET_KEY_PAIR_INFO", st);
      total = k.total_key_pairs;
      cli_hex(k.public_key_info, k.public_key_info_len, hex, sizeof(hex));
      printf("key pair %u of %u (%s): capabilities 0x%04x, usage 0x%04x of 0x%04x, asym "
             "0x%08x of 0x%08x, slots 0x%02x, public key info %s\n",
             id, total, where, k.capabilities, k.current_key_usage, k.key_usage_caps,
             (unsigned)k.current_asym_algo, (unsigned)k.asym_algo_caps, k.assoc_cert_slot_mask,
             hex);
    }
  }
  if (o->set_cert_path) {
    size_t n = 0;
    ot_status st = cli_read_file(o->set_cert_path, c->der, sizeof(c->der), &n);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm provision: %s: %s\n", o->set_cert_path, ot_status_message(st));
      return OT_EXIT_IO;
    }
    bool mk = c->q.neg.multi_key_conn; /* as GET_CSR: --key-pair or --slot's, --cert-model */
    st = ot_spdm_requester_set_certificate(&c->q, sid, (uint8_t)o->set_cert_slot,
                                           mk ? key_pair_of(c, o) : 0, mk ? model_of(o) : 0,
                                           c->der, n);
    if (!ot_ok(st)) return step_failed(c, "SET_CERTIFICATE", st);
    printf("SET_CERTIFICATE (%s): slot %d <- %s (%zu bytes)\n", where, o->set_cert_slot,
           o->set_cert_path, n);
  }
  return OT_EXIT_OK;
}

static int run(provision_ctx *c, const provision_opts *o, const char *host, uint16_t port) {
  int rc =
      cli_anchors_policy(&c->policy, o->anchors, o->anchor_count, "device", "opentsm provision");
  if (rc != OT_EXIT_OK) return rc;
  ot_clock *clk = ot_clock_real();
  uint64_t deadline = ot_clock_now(clk) + o->timeout_ms * OT_NS_PER_MS;
  ot_status st = ot_doe_socket_connect_by(&c->sock, host, port, (uint32_t)o->timeout_ms, deadline);
  if (ot_ok(st)) st = ot_doe_socket_client_hello(&c->sock);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm provision: cannot reach a device at %s:%u (%s)\n", host, port,
            ot_status_message(st));
    return OT_EXIT_IO;
  }
  ot_spdm_requester_config_default(&c->cfg, ot_rng_os(), clk);
  if (o->in_clear) c->cfg.caps |= OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR;
  c->cfg.anchors = c->policy.anchors;
  c->cfg.anchor_count = c->policy.anchor_count;
  c->cfg.now = time(NULL);
  c->cfg.deadline_ns = deadline;
  if (o->keylog) {
    c->cfg.keylog = cli_capture_keylog;
    c->cfg.keylog_ctx = &c->cap;
  }
  st = ot_spdm_requester_init(&c->q, &c->cfg, cli_capture_transport(&c->cap, &c->sock.base));
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm provision: requester init failed (%s)\n", ot_status_message(st));
    return OT_EXIT_FAILURE;
  }
  uint8_t mask = 0;
  size_t chain_len = 0;
  uint32_t sid = 0;
  st = ot_spdm_requester_connect(&c->q);
  if (!ot_ok(st)) {
    rc = step_failed(c, "VCA", st);
    goto out;
  }
  printf("connected: SPDM %u.%u\n", c->q.neg.version >> 4, c->q.neg.version & 0xfu);
  st = ot_spdm_requester_get_digests(&c->q, &mask);
  if (ot_ok(st) && !(mask & (1u << o->slot))) st = ot_status_of(OT_E_NOT_FOUND);
  if (!ot_ok(st)) {
    rc = step_failed(c, "GET_DIGESTS (slot provisioned?)", st);
    goto out;
  }
  /* A multi-key DIGESTS (1.3) names each slot's KeyPairID, CertificateInfo
   * (CertModel) and KeyUsageMask. */
  for (unsigned i = 0; c->q.neg.multi_key_conn && i < OT_SPDM_MAX_SLOT_COUNT; i++)
    if (mask & (1u << i))
      printf("DIGESTS slot %u: KeyPairID %u, CertModel %u, KeyUsageMask 0x%04x\n", i,
             c->q.slots[i].key_pair_id, c->q.slots[i].cert_info, c->q.slots[i].key_usage);
  if (o->cert_model && !c->q.neg.multi_key_conn) {
    fprintf(stderr, "opentsm provision: --cert-model needs a multi-key connection (SPDM 1.3 "
                    "SetCertModel is 0 otherwise)\n");
    rc = OT_EXIT_USAGE;
    goto out;
  }
  st = ot_spdm_requester_get_certificate(&c->q, o->slot, 0, c->chain, sizeof(c->chain), &chain_len);
  if (!ot_ok(st)) {
    rc = step_failed(c, "GET_CERTIFICATE", st);
    goto out;
  }
  printf("slot %u: certificate chain verified (%zu bytes)\n", o->slot, chain_len);
  if (o->session) {
    st = ot_spdm_requester_start_session(&c->q, o->slot, OT_SPDM_MEAS_SUMMARY_NONE, &sid);
    if (!ot_ok(st)) {
      rc = step_failed(c, "KEY_EXCHANGE/FINISH", st);
      goto out;
    }
    printf("session 0x%08x established (handshake %s)\n", sid,
           c->q.sessions[0].in_clear || c->q.sessions[1].in_clear ? "in the clear" : "encrypted");
  }
  rc = requests(c, o, sid);
  if (sid) {
    st = ot_spdm_requester_end_session(&c->q, sid);
    if (!ot_ok(st) && rc == OT_EXIT_OK) rc = step_failed(c, "END_SESSION", st);
  }
out:
  if (!c->sock.failed) OT_IGNORE(ot_doe_socket_client_end(&c->sock, !o->shutdown));
  ot_spdm_requester_free(&c->q);
  return rc;
}

int ot_cmd_provision(int argc, char **argv) {
  provision_opts o = {.timeout_ms = PROVISION_TIMEOUT_MS, .set_cert_slot = -1};
  int i = 0;
  while (++i < argc) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (a[0] != '-') {
      if (o.target) return usage_error("more than one HOST:PORT", a);
      o.target = a;
      continue;
    }
    if (strcmp(a, "--endpoint-info") == 0) {
      o.endpoint_info = true;
      continue;
    }
    if (strcmp(a, "--unsigned") == 0) {
      o.unsigned_ep = true;
      continue;
    }
    if (strcmp(a, "--key-pair-info") == 0) {
      o.key_pairs = true;
      continue;
    }
    if (strcmp(a, "--session") == 0) {
      o.session = true;
      continue;
    }
    if (strcmp(a, "--handshake-in-the-clear") == 0) {
      o.in_clear = true;
      continue;
    }
    if (strcmp(a, "--shutdown") == 0) {
      o.shutdown = true;
      continue;
    }
    if (v == NULL) return usage_error("unknown option or missing value", a);
    if (strcmp(a, "--anchor") == 0) {
      if (o.anchor_count == OT_TSM_POLICY_MAX_ANCHORS) return usage_error("too many --anchor", v);
      o.anchors[o.anchor_count++] = v;
    } else if (strcmp(a, "--slot") == 0) {
      uint64_t s;
      if (!cli_parse_u64(v, OT_SPDM_MAX_SLOT_COUNT - 1u, &s))
        return usage_error("bad slot (0-7)", v);
      o.slot = (uint8_t)s;
    } else if (strcmp(a, "--mel") == 0) {
      o.mel_path = v;
    } else if (strcmp(a, "--get-csr") == 0) {
      o.csr_path = v;
    } else if (strcmp(a, "--key-pair") == 0) {
      uint64_t k;
      if (!cli_parse_u64(v, 255, &k) || k == 0) return usage_error("bad --key-pair (1-255)", v);
      o.key_pair = (uint8_t)k;
    } else if (strcmp(a, "--csr-tag") == 0) {
      uint64_t t;
      if (!cli_parse_u64(v, OT_SPDM_CSR_TAG_MAX, &t) || t == 0)
        return usage_error("bad --csr-tag (1-7)", v);
      o.csr_tag = (uint8_t)t;
    } else if (strcmp(a, "--set-cert") == 0) {
      if (v[0] < '0' || v[0] > '7' || v[1] != ':' || v[2] == '\0')
        return usage_error("bad --set-cert (want SLOT:FILE, SLOT 0-7)", v);
      o.set_cert_slot = v[0] - '0';
      o.set_cert_path = v + 2;
    } else if (strcmp(a, "--cert-model") == 0) {
      static const char *const models[] = {"device", "alias", "generic"};
      o.cert_model = 0;
      for (unsigned m = 0; m < 3; m++)
        if (strcmp(v, models[m]) == 0) o.cert_model = (uint8_t)(OT_SPDM_CERT_MODEL_DEVICE + m);
      if (o.cert_model == 0) return usage_error("bad --cert-model (device, alias, generic)", v);
    } else if (strcmp(a, "--set-key-pair") == 0) {
      if (o.set_kp_count == 8) return usage_error("too many --set-key-pair (8)", v);
      if (!cli_parse_set_key_pair(v, &o.set_kp[o.set_kp_count]))
        return usage_error("bad --set-key-pair (ID:change|erase|generate[,usage=HEX]"
                           "[,algo=A][,slots=HEX])",
                           v);
      o.set_kp_count++;
    } else if (strcmp(a, "--pcap") == 0) {
      o.pcap = v;
    } else if (strcmp(a, "--keylog") == 0) {
      o.keylog = v;
    } else if (strcmp(a, "--timeout") == 0) {
      if (!cli_parse_u64(v, 3600000, &o.timeout_ms) || o.timeout_ms == 0)
        return usage_error("bad --timeout (1-3600000)", v);
    } else {
      return usage_error("unknown option", a);
    }
    i++;
  }
  if (o.target == NULL) return usage_error("HOST:PORT missing", NULL);
  if (o.anchor_count == 0) return usage_error("--anchor missing (the chain must be checked)", NULL);
  if (!o.endpoint_info && !o.mel_path && !o.csr_path && !o.set_cert_path && !o.key_pairs &&
      o.set_kp_count == 0)
    return usage_error("nothing to do (--endpoint-info, --mel, --get-csr, --set-cert, "
                       "--key-pair-info, --set-key-pair)",
                       NULL);
  if (o.csr_tag && !o.csr_path) return usage_error("--csr-tag needs --get-csr", NULL);
  if (o.unsigned_ep && !o.endpoint_info)
    return usage_error("--unsigned needs --endpoint-info", NULL);
  char host[64];
  uint16_t port;
  if (!cli_parse_hostport(o.target, host, sizeof(host), &port) || port == 0)
    return usage_error("bad address (want HOST:PORT)", o.target);
  signal(SIGPIPE, SIG_IGN);
  provision_ctx *c = calloc(1, sizeof(*c));
  if (c == NULL) {
    fprintf(stderr, "opentsm provision: out of memory\n");
    return OT_EXIT_FAILURE;
  }
  c->sock.fd = -1;
  if (!cli_capture_open(&c->cap, o.pcap, o.keylog, "opentsm provision")) {
    free(c);
    return OT_EXIT_IO;
  }
  int rc = run(c, &o, host, port);
  ot_doe_socket_client_close(&c->sock);
  if (!cli_capture_close(&c->cap, "opentsm provision") && rc == OT_EXIT_OK) rc = OT_EXIT_IO;
  free(c);
  return rc;
}
