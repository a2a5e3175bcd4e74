/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm connect: the TSM's connect flow (opentsm/tsm.h) against a device
 * reached over the spdm-emu socket protocol: DOE discovery, VCA,
 * certificates verified against the trust anchors, CHALLENGE, signed
 * measurements checked against the policy, KEY_EXCHANGE/FINISH; then a
 * HEARTBEAT in the session and END_SESSION. A socket device has no PCIe
 * link, so the TSM runs without a platform backend (ot_tsm_config.backend =
 * NULL): connect programs no IDE stream. With --flow full the rest of the
 * recorded flow follows in the session (IDE_KM for one stream, the TDISP
 * lifecycle of one TDI, K_SET_STOP; see "--flow full" below).
 *
 * The report shows the evidence connect verified: what was negotiated, the
 * subjects of the certificate chain it validated against the anchors and the
 * DIGESTS, and the measurement values of its signed GET_MEASUREMENTS of all
 * blocks (DSP0274 §10.11: one signed response covers every block; the
 * signature covers VCA, the request and the response), with no second fetch.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "cli_anchors.h"
#include "cli_psk.h"
#include "cli_req_slots.h"
#include "cli_util.h"
#include "commands.h"
#include "opentsm/bits.h"
#include "opentsm/doe_socket.h"
#include "opentsm/log.h"
#include "opentsm/secure.h"
#include "opentsm/spdm_codec.h"
#include "opentsm/tsm.h"
#include "opentsm/x509.h"

#define USAGE                                                                                      \
  "usage: opentsm connect HOST:PORT [--policy FILE] [--name DEVICE] [--anchor CERT.der ...]\n"     \
  "                       [--flow spdm|full] [--tdi FUNCTION_ID] [--json] [--time EPOCH]\n"        \
  "                       [--shutdown] [--timeout MS] [--read-timeout MS]\n"                       \
  "                       [--pcap FILE] [--keylog FILE] [--ver LIST]\n"                        \
  "                       [--psk HEX|--psk-file FILE [--psk-hint STRING|--psk-hint-hex HEX]]\n"    \
  "                       [--req-cert-chain FILE --req-key FILE] [--encap-key-update]\n"      \
  "                       [--req-slot N:CHAIN.der:KEY.der[,usage=LIST]]...\n"

const char ot_usage_connect[] =
    USAGE "Runs the TSM connect flow against a device speaking the spdm-emu socket protocol\n"
          "(opentsm device, DMTF spdm_responder_emu, QEMU): discovery, VCA, certificate\n"
          "chain against the trust anchors, CHALLENGE, signed measurements (checked\n"
          "against the policy's references), KEY_EXCHANGE/FINISH, HEARTBEAT, END_SESSION.\n"
          "  --flow spdm     (default) that flow only: no IDE stream (a socket device has\n"
          "                  no link)\n"
          "  --flow full     then, in the session, the recorded flow's remaining steps:\n"
          "                  IDE_KM QUERY, KEY_PROG x6 (keys from the TSM's DRBG),\n"
          "                  K_SET_GO x6 for the Stream ID the device's free block holds;\n"
          "                  TDISP GET_VERSION, GET_CAPABILITIES, LOCK_INTERFACE, the\n"
          "                  interface report in 16-byte pieces, START, STOP; K_SET_STOP\n"
          "                  x6; END_SESSION. Each step is printed with its result\n"
          "  --tdi ID        the TDI's FUNCTION_ID for --flow full (default 0x100, the\n"
          "                  one `opentsm device` serves; decimal or 0x hex)\n"
          "  --policy FILE   TSM policy (docs/policy.md); the device is --name (default:\n"
          "                  the policy's only device)\n"
          "  --anchor FILE   a trusted root (DER or PEM); repeatable; without --policy\n"
          "                  at least one is required and no measurement is enforced\n"
          "  --ver LIST      SPDM versions offered, comma-separated from 1.0 1.1 1.2 1.3\n"
          "                  1.4 (default all: the highest both speak is used; a --policy\n"
          "                  spdm.min_version still applies)\n"
          "  --json          print the evidence as JSON\n"
          "  --time EPOCH    certificate validation time (default: now)\n"
          "  --shutdown      end with SHUTDOWN (the device exits) instead of CONTINUE\n"
          "  --timeout MS    the whole run's limit, connect to END_SESSION: every read,\n"
          "                  every retry, every ResponseNotReady wait (default 30000,\n"
          "                  1-600000)\n"
          "  --read-timeout MS  the limit of one exchange: a request out and its whole\n"
          "                  answer in, however slowly it comes (default 5000, at most\n"
          "                  --timeout)\n"
          "  --pcap FILE     write every DOE object exchanged to FILE (pcap, link type\n"
          "                  292 PCI DOE: what DMTF spdm_dump reads)\n"
          "  --req-cert-chain FILE  the TSM's own certificate chain (DER certificates,\n"
          "                  root first) for mutual authentication, with --req-key FILE,\n"
          "                  its leaf's private key (EC or RSA: DER, PEM or raw scalar).\n"
          "                  With them the TSM sets MUT_AUTH_CAP/ENCAP_CAP and answers a device's\n"
          "                  MutAuthRequested (KEY_EXCHANGE_RSP) and basic mutual\n"
          "                  authentication (CHALLENGE_AUTH); without them it offers\n"
          "                  neither, and a device that asks anyway is refused\n"
          "  --multi-key neg|only|off  with --req-cert-chain: the TSM's\n"
          "                  MULTI_KEY_CAP (SPDM 1.3+; default neg, as DMTF's\n"
          "                  requester). On a connection the device makes multi-key\n"
          "                  for the TSM, its encapsulated DIGESTS lists slot 0's\n"
          "                  KeyPairID 1, CertificateInfo DeviceCert and KeyUsageMask\n"
          "                  (key exchange, challenge, measurement, endpoint info),\n"
          "                  and a device asking a use the slot lacks is refused;\n"
          "                  only: a 1.3 device that will not is refused; off: not offered\n"
          "  --req-slot N:CHAIN.der:KEY.der[,usage=LIST]  with --req-cert-chain: one more\n"
          "                  slot (1-7) of the TSM's identity, repeatable; the device's\n"
          "                  encapsulated GET_DIGESTS lists it (on a multi-key connection\n"
          "                  with its KeyPairID: slot 0's key is 1, each other key the next)\n"
          "  --req-key-usage LIST  with --req-cert-chain: slot 0's KeyUsageMask, a comma\n"
          "                  list of key-ex, challenge, measurement, endpoint-info\n"
          "                  (default all four); on a multi-key connection the TSM\n"
          "                  will not sign FINISH / CHALLENGE_AUTH for a use left out\n"
          "  --encap-key-update  in the session, ask the device (spdm-emu's out-of-band\n"
          "                  command 0x8001) to renew its key with an encapsulated\n"
          "                  KEY_UPDATE, fetch it with GET_ENCAPSULATED_REQUEST, and\n"
          "                  check the HEARTBEAT after it under the new key\n"
          "  --keylog FILE   write each session's DHE secret to FILE, one line\n"
          "                  `DHE_SECRET <hex>` (spdm_dump --dhe_secret <hex>).\n"
          "                  It EXPOSES THE SESSION SECRETS: for debugging only; with\n"
          "                  --psk it also writes `PSK <hex>` (spdm_dump --psk <hex>)\n"
          CLI_PSK_HELP
          "                  With a PSK connect opens a PSK session (PSK_EXCHANGE,\n"
          "                  PSK_FINISH unless the device's PSK_CAP is 01b) instead of\n"
          "                  KEY_EXCHANGE/FINISH; IDE_KM and TDISP then run inside it.\n"
          "                  If the device has certificates and anchors are given, the\n"
          "                  chain, CHALLENGE and signed measurements are checked first\n"
          "                  as usual (the PSK session is not bound to them). Without\n"
          "                  anchors (--anchor/--policy optional with --psk) the device\n"
          "                  is NOT AUTHENTICATED: the session proves only that it holds\n"
          "                  the PSK; the report says so\n"
          "algorithms offered (DSP0274 §10.4; a --policy may narrow them):\n"
          "  signature  ECDSA P-256, P-384, P-521, EdDSA Ed25519, Ed448\n"
          "  hash       SHA-256, SHA-384, SHA-512, SHA3-256, SHA3-384, SHA3-512\n"
          "  key exch.  secp256r1, secp384r1, secp521r1\n"
          "  AEAD       AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305\n"
          "  offered only when a --policy lists them: RSASSA/RSAPSS 2048/3072/4096\n"
          "  (rsassa-3072 ...), FFDHE 2048/3072/4096 (ffdhe3072 ...);\n"
          "  SM2/SM3/SM4 and the post-quantum ML-DSA/SLH-DSA/ML-KEM are out\n"
          "  of reach with OpenSSL 3.0, which has none of them: a device offering only\n"
          "  those is refused (\"no common algorithm\")\n"
          "exit codes: 0 connected and verified, 1 refused (the reason is printed),\n"
          "            2 usage, 3 the device cannot be reached, did not answer in time\n"
          "            (\"timed out\", naming the step), or a file cannot be read,\n"
          "            4 authenticated but not connected: the device speaks SPDM 1.0 or\n"
          "            1.1 (chain, CHALLENGE and signed measurements verified), and\n"
          "            IDE_KM and TDISP need SPDM 1.2 or later\n";

#define MAX_CLI_ANCHORS OT_TSM_POLICY_MAX_ANCHORS
/* The FUNCTION_ID of the TDI `opentsm device` serves (cmd_device.c). */
#define FLOW_DEFAULT_TDI 0x100u

/* Defaults of --timeout and --read-timeout (docs/cli.md "Timeouts"). One
 * exchange with real hardware takes a DOE response time (PCIe r6.0 §6.30.2:
 * 1 s) plus the responder's cryptographic time (CAPABILITIES CTExponent;
 * longer work is announced with ResponseNotReady, which does not count
 * against the read limit): 5 s leaves room for both. The flow is ~20
 * exchanges, a few with signatures, and the certificate chain in chunks:
 * 30 s is several times what a slow device needs, and still bounds a device
 * that never finishes. */
#define CONNECT_TIMEOUT_MS 30000u
#define CONNECT_READ_TIMEOUT_MS 5000u

typedef struct connect_opts {
  const char *target, *policy, *name;
  const char *pcap, *keylog; /* --pcap, --keylog: NULL unless asked */
  const char *req_chain, *req_key; /* --req-cert-chain, --req-key */
  const char *anchors[MAX_CLI_ANCHORS];
  size_t anchor_count;
  bool json, shutdown, has_time, quiet, full;
  bool encap_ku; /* --encap-key-update */
  ot_tsm_multi_key multi_key; /* --multi-key */
  uint16_t req_key_usage;     /* --req-key-usage: slot 0's KeyUsageMask, 0 = all four uses */
  cli_req_slot req_slots[CLI_REQ_SLOTS_MAX]; /* --req-slot, in order */
  size_t req_slot_count;
  uint32_t tdi; /* FUNCTION_ID of the TDI (--flow full) */
  uint8_t versions; /* --ver: OT_SPDM_VMASK_* offered; 0 = all */
  uint64_t time;
  uint64_t timeout_ms;      /* the whole run */
  uint64_t read_timeout_ms; /* one exchange */
  const ot_spdm_psk *psk;   /* --psk / --psk-file: NULL unless given */
} connect_opts;

/* Everything large lives here, on the heap. */
typedef struct connect_ctx {
  ot_tsm_policy policy;
  ot_tsm tsm;
  ot_tsm_dev dev;
  ot_tsm_evidence ev; /* what connect verified (ot_tsm_connect_evidence) */
  ot_doe_socket_client sock;
  uint8_t chain[OT_TSM_EV_CHAIN_MAX];
  size_t chain_len;
  uint8_t chain_digest[OT_HASH_MAX_SIZE]; /* Hash(chain), as DIGESTS reported it */
  uint8_t record[OT_TSM_EV_MEAS_MAX];
  size_t record_len;
  uint8_t nblocks;
  ot_spdm_negotiated neg; /* kept: disconnect wipes the requester */
  uint32_t rsp_psk_cap;   /* the device's PSK_CAP field, kept likewise */
  ot_tdisp_requester tdisp;
  uint8_t report[OT_TDISP_REPORT_MAX];
  cli_capture cap; /* --pcap, --keylog */
  ot_spdm_identity req_id; /* --req-cert-chain / --req-key: the TSM's own identity */
} connect_ctx;

static int usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "opentsm connect: %s%s%s\n" USAGE, msg, arg ? ": " : "", arg ? arg : "");
  return OT_EXIT_USAGE;
}

/* A policy from --anchor files: trusts them, lists one device with no
 * reference measurements (they are reported, not enforced). */
static int anchors_policy(connect_ctx *c, const connect_opts *o) {
  return cli_anchors_policy(&c->policy, o->anchors, o->anchor_count, o->name, "opentsm connect");
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
         : c == OT_CURVE_P521    ? "P-521"
         : c == OT_CURVE_ED25519 ? "Ed25519"
         : c == OT_CURVE_ED448   ? "Ed448"
         : c == OT_GROUP_FFDHE2048 ? "FFDHE2048"
         : c == OT_GROUP_FFDHE3072 ? "FFDHE3072"
         : c == OT_GROUP_FFDHE4096 ? "FFDHE4096"
                                 : "none";
}
/* The signature algorithm: the curve, or RSASSA/RSAPSS with the modulus size. */
static const char *asym_name(const ot_spdm_negotiated *n) {
  switch (n->base_asym) {
  case OT_SPDM_ASYM_RSASSA_2048: return "RSASSA-2048";
  case OT_SPDM_ASYM_RSASSA_3072: return "RSASSA-3072";
  case OT_SPDM_ASYM_RSASSA_4096: return "RSASSA-4096";
  case OT_SPDM_ASYM_RSAPSS_2048: return "RSAPSS-2048";
  case OT_SPDM_ASYM_RSAPSS_3072: return "RSAPSS-3072";
  case OT_SPDM_ASYM_RSAPSS_4096: return "RSAPSS-4096";
  default: return curve_name(n->asym_curve);
  }
}
static const char *hash_name(ot_hash_alg h) {
  return h == OT_HASH_SHA256   ? "SHA-256"
         : h == OT_HASH_SHA384 ? "SHA-384"
         : h == OT_HASH_SHA512 ? "SHA-512"
         : h == OT_HASH_SHA3_256 ? "SHA3-256"
         : h == OT_HASH_SHA3_384 ? "SHA3-384"
         : h == OT_HASH_SHA3_512 ? "SHA3-512"
                               : "none";
}
static const char *aead_name(ot_aead_alg a) {
  return a == OT_AEAD_AES256_GCM          ? "AES-256-GCM"
         : a == OT_AEAD_AES128_GCM        ? "AES-128-GCM"
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

/* After connect: the chain and the signed record connect verified, for the
 * report. Nothing is asked of the device again. */
static ot_status collect_evidence(connect_ctx *c) {
  const ot_tsm_evidence *ev = &c->ev;
  c->neg = c->dev.spdm.neg;
  c->rsp_psk_cap = c->dev.spdm.rsp_caps & OT_SPDM_CAP_PSK_MASK;
  /* PSK only: no chain was fetched and no signed record exists. */
  if (c->dev.psk_only) return OT_SUCCESS;
  OT_ENSURE(ev->chain_len > 0 && ev->chain_len <= sizeof(c->chain), OT_E_INTERNAL);
  memcpy(c->chain, ev->chain, ev->chain_len);
  c->chain_len = ev->chain_len;
  /* The digest DIGESTS gave for slot 0, which the requester checked equals
   * Hash(certificate chain) (DSP0274 1.3 §10.5, §10.6): it identifies the
   * chain in the report, comparable with the device's own record. */
  OT_ENSURE(c->dev.spdm.slots[0].verified, OT_E_VERIFY);
  memcpy(c->chain_digest, c->dev.spdm.slots[0].digest, sizeof(c->chain_digest));
  /* The MeasurementRecord of the MEASUREMENTS response whose signature
   * connect verified (DSP0274 1.3 §10.11 "Successful MEASUREMENTS response
   * message format"). */
  ot_spdm_sizes sz = c->dev.spdm.neg.sizes;
  sz.meas_signature = true;
  ot_reader r;
  ot_reader_init(&r, ev->meas, ev->meas_len);
  ot_spdm_measurements m;
  OT_GUARD(ot_spdm_decode_measurements(&sz, &r, &m));
  OT_ENSURE(m.record_len <= sizeof(c->record), OT_E_NO_SPACE);
  memcpy(c->record, m.record, m.record_len);
  c->record_len = m.record_len;
  c->nblocks = m.block_count;
  c->neg = c->dev.spdm.neg;
  return OT_SUCCESS;
}

/* ---- --flow full: the rest of the recorded flow inside the session --------------- */

/*
 * After connect, --flow full runs what the recorded vectors show next
 * (tests/vectors/README.md): IDE_KM for one selective stream, the TDISP
 * lifecycle of one TDI, K_SET_STOP, then END_SESSION. The TSM's connect sets
 * up IDE only through a platform backend (a link to program the root port
 * and the endpoint's registers); a socket device has no link, so this flow
 * drives the endpoint side directly through the requester's VDM call in the
 * session the TSM opened, with keys from the TSM's DRBG. The Stream ID is the
 * one the device's free block already holds (nobody can write its registers
 * over a socket); the device enables that block itself once the keys are in
 * (opentsm device's stream policy), which TDISP LOCK needs.
 */

/* The one IDE_KM port of the DSM (SPEC-FACTS §4.1 PortIndex). */
#define FLOW_KM_PORT 0u
/* A fresh key set's first invocation field (PCIe r6.0 §6.33.5). */
#define FLOW_IDE_IFV 1u
/* Report pieces asked for: small, so the report really comes in pieces
 * (PCIe r6.0 §11.3.11 PORTION_LENGTH / REMAINDER_LENGTH). */
#define FLOW_REPORT_PIECE 16u
#define FLOW_MAX_STEPS 16u

typedef struct flow_step {
  const char *name;
  ot_status st;
  char detail[96];
} flow_step;

/* The VDM links of IDE_KM (protocol 0) and TDISP (protocol 1), both over the
 * requester of the session. */
typedef struct flow_km_link {
  ot_ide_km_transport base; /* must be first */
  ot_spdm_requester *spdm;
} flow_km_link;
typedef struct flow_td_link {
  ot_tdisp_transport base; /* must be first */
  ot_spdm_requester *spdm;
} flow_td_link;

typedef struct flow_result {
  flow_step steps[FLOW_MAX_STEPS];
  size_t count;
  uint8_t stream_id;
  bool ok;
} flow_result;

/* PCI-SIG VDMs in the session (DSP0274 §10.20; PCIe r6.0 §6.33.3, §11.3):
 * the payload's first byte is the Protocol ID, which the requester sends
 * separately and does not return. */
static ot_status vdm_exchange(ot_spdm_requester *spdm, uint32_t sid, const uint8_t *req,
                              size_t req_len, uint8_t *rsp, size_t cap, size_t *rsp_len) {
  OT_ENSURE(req_len >= 1 && cap >= 1, OT_E_ARG);
  size_t n = 0;
  OT_GUARD(ot_spdm_requester_vdm(spdm, sid, OT_PCISIG_STANDARD_ID, OT_PCISIG_VENDOR_ID, req[0],
                                 req + 1, req_len - 1, rsp + 1, cap - 1, &n));
  rsp[0] = req[0];
  *rsp_len = n + 1;
  return OT_SUCCESS;
}
static ot_status km_exchange(ot_ide_km_transport *t, uint32_t sid, const uint8_t *req,
                             size_t req_len, uint8_t *rsp, size_t cap, size_t *rsp_len) {
  return vdm_exchange(((flow_km_link *)t)->spdm, sid, req, req_len, rsp, cap, rsp_len);
}
static ot_status td_exchange(ot_tdisp_transport *t, uint32_t sid, const uint8_t *req,
                             size_t req_len, uint8_t *rsp, size_t cap, size_t *rsp_len) {
  return vdm_exchange(((flow_td_link *)t)->spdm, sid, req, req_len, rsp, cap, rsp_len);
}

static ot_status step(flow_result *f, const char *name, ot_status st, const char *fmt, ...)
    OT_PRINTF(4, 5);
static ot_status step(flow_result *f, const char *name, ot_status st, const char *fmt, ...) {
  if (f->count < FLOW_MAX_STEPS) {
    flow_step *s = &f->steps[f->count++];
    s->name = name;
    s->st = st;
    s->detail[0] = '\0';
    if (fmt) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
      va_end(ap);
    }
  }
  return st;
}

/* Six fresh keys (the device's RX and TX of PR, NPR, CPL) from the TSM's DRBG. */
static ot_status gen_keys(ot_tsm *tsm, ot_ide_key_material k[2][OT_IDE_NUM_SUBSTREAMS]) {
  for (size_t d = 0; d < 2; d++)
    for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS; i++) {
      OT_GUARD(ot_drbg_generate(&tsm->drbg, k[d][i].key, sizeof(k[d][i].key), NULL, 0));
      k[d][i].iv_fixed = OT_IDE_IV_FIXED_PCIE;
      k[d][i].ifv = FLOW_IDE_IFV;
    }
  return OT_SUCCESS;
}

/* QUERY, KEY_PROG x 6 and K_SET_GO x 6 (SPEC-FACTS §4.2 steps 3-6). */
static ot_status flow_ide_up(connect_ctx *c, ot_ide_km_requester *km, flow_result *f) {
  uint8_t buf[OT_IDE_KM_RSP_MAX];
  ot_ide_km_query_resp q;
  uint32_t cap = 0;
  bool unreported = false;
  ot_status st = ot_ide_km_query(km, FLOW_KM_PORT, buf, sizeof(buf), &q);
  if (ot_ok(st)) st = ot_ide_km_query_pick_stream(&q, &cap, &f->stream_id, &unreported);
  OT_GUARD(step(f, "IDE_KM QUERY", st, "%zu registers%s, capability 0x%08x, stream %u",
                ot_ok(st) ? q.reg_count : 0u, unreported ? " (all zero: not reported)" : "", cap,
                f->stream_id));
  ot_ide_key_material k[2][OT_IDE_NUM_SUBSTREAMS];
  memset(k, 0, sizeof(k));
  st = ot_secret_mark(k, sizeof(k));
  if (!ot_ok(st)) return step(f, "IDE_KM KEY_PROG", st, "cannot mark the keys secret");
  st = gen_keys(&c->tsm, k);
  /* KEY_PROG x 6 then K_SET_GO x 6, receivers first (ide_km.h). */
  if (ot_ok(st)) st = ot_ide_km_program_stream(km, FLOW_KM_PORT, f->stream_id, 0, k[0], k[1]);
  ot_secret_wipe(k, sizeof(k));
  return step(f, "IDE_KM KEY_PROG x6, K_SET_GO x6", st, "stream %u key set 0", f->stream_id);
}

/* The TDISP lifecycle of one TDI (PCIe r6.0 §11.3). */
static ot_status flow_tdisp(connect_ctx *c, ot_tdisp_requester *r, flow_result *f,
                            const connect_opts *o) {
  ot_tdisp_caps caps;
  ot_tdisp_state ts = OT_TDI_ERROR;
  OT_GUARD(step(f, "TDISP GET_VERSION", ot_tdisp_req_get_version(r), "1.0"));
  ot_status st = ot_tdisp_req_get_capabilities(r, 0, &caps);
  OT_GUARD(step(f, "TDISP GET_CAPABILITIES", st, "lock flags 0x%04x",
                ot_ok(st) ? caps.lock_flags_supported : 0u));
  ot_tdisp_lock_params lp = {.flags = caps.lock_flags_supported & OT_TDISP_LOCK_NO_FW_UPDATE,
                             .default_stream_id = f->stream_id};
  st = ot_tdisp_req_lock(r, &lp);
  if (ot_ok(st)) st = ot_tdisp_req_get_state(r, &ts);
  if (ot_ok(st) && ts != OT_TDI_CONFIG_LOCKED) st = ot_status_of(OT_E_STATE);
  OT_GUARD(step(f, "TDISP LOCK_INTERFACE", st, "TDI 0x%x on stream %u: %s", o->tdi, f->stream_id,
                ot_ok(st) ? ot_tdisp_state_name(ts) : ot_tdisp_error_name(r->last_error.code)));
  size_t len = 0;
  ot_tdisp_report rep;
  st = ot_tdisp_req_get_report(r, FLOW_REPORT_PIECE, c->report, sizeof(c->report), &len, &rep);
  OT_GUARD(step(
      f, "TDISP GET_DEVICE_INTERFACE_REPORT", st, "%zu bytes in %zu pieces, %u MMIO ranges", len,
      (len + FLOW_REPORT_PIECE - 1) / FLOW_REPORT_PIECE, ot_ok(st) ? rep.mmio_count : 0u));
  st = ot_tdisp_req_start(r);
  if (ot_ok(st)) st = ot_tdisp_req_get_state(r, &ts);
  if (ot_ok(st) && ts != OT_TDI_RUN) st = ot_status_of(OT_E_STATE);
  OT_GUARD(step(f, "TDISP START_INTERFACE", st, "%s", ot_ok(st) ? ot_tdisp_state_name(ts) : ""));
  st = ot_tdisp_req_stop(r);
  if (ot_ok(st)) st = ot_tdisp_req_get_state(r, &ts);
  if (ot_ok(st) && ts != OT_TDI_CONFIG_UNLOCKED) st = ot_status_of(OT_E_STATE);
  return step(f, "TDISP STOP_INTERFACE", st, "%s", ot_ok(st) ? ot_tdisp_state_name(ts) : "");
}

/* The whole flow after connect; f records each step. On a failure after the
 * keys went in, the TDI is stopped and the key set stopped before returning. */
static ot_status run_full_flow(connect_ctx *c, const connect_opts *o, flow_result *f) {
  uint32_t sid = c->dev.session_id;
  flow_km_link kl = {.base = {.exchange = km_exchange}, .spdm = &c->dev.spdm};
  flow_td_link tl = {.base = {.exchange = td_exchange}, .spdm = &c->dev.spdm};
  ot_ide_km_requester km;
  ot_ide_km_requester_init(&km, &kl.base, sid);
  ot_status st = flow_ide_up(c, &km, f);
  if (!ot_ok(st)) return st;
  ot_tdisp_requester *r = &c->tdisp;
  st = ot_tdisp_req_init(r, &tl.base, sid, o->tdi);
  if (ot_ok(st)) st = flow_tdisp(c, r, f, o);
  if (!ot_ok(st)) OT_IGNORE(ot_tdisp_req_stop(r));
  ot_tdisp_req_reset(r);
  ot_status stop = ot_ide_km_stop_stream(&km, FLOW_KM_PORT, f->stream_id, 0);
  step(f, "IDE_KM K_SET_STOP x6", stop, "stream %u key set 0", f->stream_id);
  return ot_ok(st) ? stop : st;
}

static void print_flow(const flow_result *f, const connect_opts *o) {
  if (o->json) {
    printf(",\"flow\":\"full\",\"steps\":[");
    for (size_t i = 0; i < f->count; i++) {
      const flow_step *s = &f->steps[i];
      printf("%s{\"step\":", i ? "," : "");
      cli_json_string(stdout, s->name);
      printf(",\"ok\":%s,\"result\":", ot_ok(s->st) ? "true" : "false");
      cli_json_string(stdout, ot_ok(s->st) ? s->detail : ot_status_message(s->st));
      printf("}");
    }
    printf("]");
    return;
  }
  for (size_t i = 0; i < f->count; i++) {
    const flow_step *s = &f->steps[i];
    printf("  %-34s %s  %s\n", s->name, ot_ok(s->st) ? "ok    " : "FAILED",
           ot_ok(s->st) ? s->detail : ot_status_message(s->st));
  }
}

/* How the session was opened (DSP0274 1.3: PSK_FINISH only with PSK_CAP 10b). */
static const char *session_kind(const connect_ctx *c) {
  if (c->dev.psk == NULL) return "KEY_EXCHANGE/FINISH";
  return c->rsp_psk_cap == OT_SPDM_CAP_PSK
             ? "PSK_EXCHANGE (PSK_CAP 01b: no PSK_FINISH)"
             : "PSK_EXCHANGE/PSK_FINISH";
}

static void print_report(connect_ctx *c, const connect_opts *o, const flow_result *fl, double ms) {
  const ot_spdm_negotiated *n = &c->neg;
  FILE *f = stdout;
  ot_spdm_cert_chain cc;
  ot_x509_chain x = {0};
  if (ot_ok(ot_spdm_cert_chain_decode((uint16_t)n->sizes.hash_len, c->chain, c->chain_len, &cc)))
    OT_IGNORE(ot_x509_chain_parse(cc.certs, cc.certs_len, &x));
  char subj[256], hex[2 * OT_SPDM_ID_MEAS_MAX + 1], digest[2 * OT_HASH_MAX_SIZE + 1];
  cli_hex(c->chain_digest, n->sizes.hash_len, digest, sizeof(digest));
  if (o->json) {
    fprintf(f, "{\"device\":");
    cli_json_string(f, c->dev.name);
    fprintf(f, ",\"target\":");
    cli_json_string(f, o->target);
    /* "verified": the certificate chain and the measurement signature were
     * checked; a PSK-only connect is neither (docs/cli.md "PSK sessions"). */
    fprintf(f, ",\"verified\":%s,\"authenticated\":%s,\"session\":\"%s\"",
            c->dev.psk_only ? "false" : "true", c->dev.psk_only ? "false" : "true",
            c->dev.psk ? "psk" : "dhe");
    fprintf(f,
            ",\"spdm_version\":\"%u.%u\",\"base_asym\":\"%s\","
            "\"base_hash\":\"%s\",\"measurement_hash\":\"%s\",\"dhe\":\"%s\",\"aead\":\"%s\","
            "\"session_id\":\"0x%08x\",\"ide\":%s,\"chain_digest\":\"%s\",\"chain\":[",
            n->version >> 4, n->version & 0xFu, asym_name(n), hash_name(n->hash),
            hash_name(n->mhash), curve_name(n->dhe_curve), aead_name(n->aead_alg),
            c->dev.session_id, fl ? "true" : "false", digest);
    for (size_t i = 0; i < x.count; i++) {
      if (!ot_ok(ot_x509_subject(&x.certs[i], subj, sizeof(subj))))
        snprintf(subj, sizeof(subj), "(unreadable)");
      fprintf(f, "%s", i ? "," : "");
      cli_json_string(f, subj);
    }
    fprintf(f, "],\"measurements\":[");
  } else {
    if (c->dev.psk_only)
      fprintf(f,
              "device '%s' at %s: connected by PSK in %.1f ms; NOT AUTHENTICATED: no "
              "certificate was checked, the session proves only that the device holds the PSK\n",
              c->dev.name, o->target, ms);
    else
      fprintf(f, "device '%s' at %s: connected and verified in %.1f ms\n", c->dev.name, o->target,
              ms);
    fprintf(f, "  SPDM %u.%u  asym %s  hash %s  measurement hash %s  DHE %s  AEAD %s\n",
            n->version >> 4, n->version & 0xFu, asym_name(n), hash_name(n->hash),
            hash_name(n->mhash), curve_name(n->dhe_curve), aead_name(n->aead_alg));
    if (!c->dev.psk_only) {
      fprintf(f, "  certificate chain (slot 0, verified against %zu anchor%s):\n",
              c->policy.anchor_count, c->policy.anchor_count == 1 ? "" : "s");
      fprintf(f, "    digest (%s) %s\n", hash_name(n->hash), digest);
    }
    for (size_t i = 0; i < x.count; i++) {
      if (!ot_ok(ot_x509_subject(&x.certs[i], subj, sizeof(subj))))
        snprintf(subj, sizeof(subj), "(unreadable)");
      fprintf(f, "    [%zu] %s\n", i, subj);
    }
    if (c->dev.psk && !c->dev.psk_only)
      fprintf(f, "  session keyed by the PSK: it is not bound to the certificate checked "
                 "here (DSP0274 PSK transcript holds no certificate hash)\n");
    if (!c->dev.psk_only)
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
  if (o->json) {
    fprintf(f, "],\"heartbeat\":true");
    /* The slot 0 chain's digest, Hash(SPDM certificate chain): the value
     * DIGESTS carries (DSP0274 §10.6), checked by the requester against the
     * chain it fetched; printed so that it can be compared with the device's. */
    uint8_t dg[OT_HASH_MAX_SIZE];
    char dhex[2 * OT_HASH_MAX_SIZE + 1];
    if (c->chain_len > 0 && ot_ok(ot_hash(n->hash, c->chain, c->chain_len, dg, sizeof(dg)))) {
      cli_hex(dg, ot_hash_size(n->hash), dhex, sizeof(dhex));
      fprintf(f, ",\"chain_digest\":\"%s\"", dhex);
    }
    if (fl) print_flow(fl, o);
    fprintf(f, ",\"end_session\":true,\"ms\":%.3f}\n", ms);
  } else if (fl) {
    fprintf(f, "  session 0x%08x: %s, HEARTBEAT done; flow full:\n", c->dev.session_id,
            session_kind(c));
    print_flow(fl, o);
    fprintf(f, "  %-34s ok\n", "END_SESSION");
  } else {
    fprintf(f, "  session 0x%08x: %s, HEARTBEAT, END_SESSION done; no IDE (socket device)\n",
            c->dev.session_id, session_kind(c));
  }
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

/* After a timeout: how long the run took and which limits applied. */
static void timed_out(const connect_opts *o, ot_status st, const struct timespec *t0) {
  if (!ot_is(st, OT_E_TIMEOUT)) return;
  fprintf(stderr,
          "opentsm connect: gave up after %.0f ms (limits: --timeout %llu ms for the whole "
          "run, --read-timeout %llu ms per exchange)\n",
          ms_since(t0), (unsigned long long)o->timeout_ms,
          (unsigned long long)(o->read_timeout_ms < o->timeout_ms ? o->read_timeout_ms
                                                                  : o->timeout_ms));
}

static int run(connect_ctx *c, const connect_opts *o, const char *host, uint16_t port) {
  int rc = load_policy(c, o);
  if (rc != OT_EXIT_OK) return rc;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  ot_clock *clk = ot_clock_real();
  /* One deadline for everything below: the socket's reads and writes and the
   * requester's waits (ResponseNotReady, Busy) all stop at it. */
  uint64_t deadline = ot_clock_now(clk) + o->timeout_ms * OT_NS_PER_MS;
  uint32_t read_ms =
      (uint32_t)(o->read_timeout_ms < o->timeout_ms ? o->read_timeout_ms : o->timeout_ms);
  ot_status st = ot_doe_socket_connect_by(&c->sock, host, port, read_ms, deadline);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm connect: cannot reach a device at %s:%u (%s)\n", host, port,
            ot_status_message(st));
    return OT_EXIT_IO;
  }
  st = ot_doe_socket_client_hello(&c->sock);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm connect: no answer to the TEST hello from %s:%u (%s)\n", host, port,
            ot_status_message(st));
    timed_out(o, st, &t0);
    return OT_EXIT_IO;
  }
  time_t wall = o->has_time ? (time_t)o->time : time(NULL);
  ot_spdm_identity_init(&c->req_id);
  if (o->req_chain) {
    /* Slot 0, KeyPairID 1: the identity a device's encapsulated GET_DIGESTS sees. */
    st = ot_spdm_identity_load_files(&c->req_id, 0, 0, 1, o->req_chain, o->req_key);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm connect: --req-cert-chain %s / --req-key %s: %s\n", o->req_chain,
              o->req_key, ot_status_message(st));
      return OT_EXIT_IO;
    }
    /* DSP0274 1.3 §10.5 KeyUsageMask: what slot 0's key may sign for. */
    if (o->req_key_usage) c->req_id.slots[0].key_usage = o->req_key_usage;
    char why[160] = "";
    st = cli_req_slots_load(&c->req_id, o->req_slots, o->req_slot_count, why, sizeof(why));
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm connect: %s\n", why);
      return OT_EXIT_IO;
    }
  }
  ot_tsm_config cfg = {.identity = o->req_chain ? &c->req_id : NULL,
                       .multi_key = o->multi_key,
                       .policy = &c->policy,
                       .backend = NULL, /* no link: no IDE (see the top of the file) */
                       .entropy = ot_rng_os(),
                       .clock = clk,
                       .wall_epoch = wall - (time_t)(ot_clock_now(clk) / 1000000000u)};
  st = ot_tsm_init(&c->tsm, &cfg);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm connect: TSM init failed (%s)\n", ot_status_message(st));
    return OT_EXIT_FAILURE;
  }
  c->tsm.spdm.deadline_ns = deadline;
  /* The encapsulated flow needs ENCAP_CAP on both sides (DSP0274 §10.4). */
  if (o->encap_ku) c->tsm.spdm.caps |= OT_SPDM_CAP_ENCAP;
  if (o->versions) c->tsm.spdm.versions = o->versions;
  if (o->keylog) {
    c->tsm.spdm.keylog = cli_capture_keylog;
    c->tsm.spdm.keylog_psk = cli_capture_keylog_psk;
    c->tsm.spdm.keylog_ctx = &c->cap;
  }
  ot_tsm_dev_desc desc = {.name = device_name(c, o),
                          .doe = cli_capture_transport(&c->cap, &c->sock.base),
                          .link = NULL,
                          .psk = o->psk};
  st = ot_tsm_dev_init(&c->dev, &c->tsm, &desc);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm connect: bad device name (%s)\n", ot_status_message(st));
    ot_tsm_free(&c->tsm);
    return OT_EXIT_USAGE;
  }
  ot_tsm_refusal why;
  st = ot_tsm_connect_evidence(&c->tsm, &c->dev, &c->ev, &why);
  if (!ot_ok(st)) {
    refused(o, &why);
    timed_out(o, st, &t0);
    rc = why.reason == OT_TSM_R_TRANSPORT || ot_is(st, OT_E_TIMEOUT) ? OT_EXIT_IO : OT_EXIT_FAILURE;
    if (why.reason == OT_TSM_R_SPDM_PRE_12) rc = OT_EXIT_AUTH_ONLY;
    goto out;
  }
  const char *step = "the evidence";
  st = collect_evidence(c);
  if (ot_ok(st) && o->encap_ku) {
    /* DSP0274 1.2 §10.15 KEY_UPDATE by the responder, through the
     * encapsulated request flow; spdm-emu starts it on an out-of-band
     * command naming the session. */
    uint8_t sid[4];
    ot_store_u32le(sid, c->dev.session_id);
    step = "the out-of-band encapsulated KEY_UPDATE command";
    st = ot_doe_socket_client_oob(&c->sock, OT_SOCK_CMD_OOB_ENCAP_KEY_UPDATE, sid, sizeof(sid));
    bool served = false;
    if (ot_ok(st)) {
      step = "GET_ENCAPSULATED_REQUEST (KEY_UPDATE)";
      st = ot_spdm_requester_encap_poll(&c->dev.spdm, c->dev.session_id, &served);
    }
    if (ot_ok(st) && !served) st = ot_status_of(OT_E_UNEXPECTED); /* it asked for nothing */
    if (ot_ok(st) && !o->quiet && !o->json)
      printf("encapsulated KEY_UPDATE by the device: UpdateKey, VerifyNewKey done\n");
  }
  if (ot_ok(st)) {
    step = "HEARTBEAT";
    st = ot_spdm_requester_heartbeat(&c->dev.spdm, c->dev.session_id);
  }
  if (!ot_ok(st)) {
    char pe[192]; /* the device's SPDM ERROR, when one ended the request */
    fprintf(stderr, "opentsm connect: after connect: %s failed (%s)\n", step,
            ot_spdm_requester_why(&c->dev.spdm, st, pe, sizeof(pe)));
    timed_out(o, st, &t0);
    rc = ot_status_category(st) == OT_CAT_IO ? OT_EXIT_IO : OT_EXIT_FAILURE;
  }
  flow_result flow = {0};
  if (rc == OT_EXIT_OK && o->full) {
    st = run_full_flow(c, o, &flow);
    if (!ot_ok(st)) {
      for (size_t i = 0; i < flow.count; i++)
        fprintf(stderr, "opentsm connect: %s: %s%s%s\n", flow.steps[i].name,
                ot_ok(flow.steps[i].st) ? "ok" : ot_status_message(flow.steps[i].st),
                flow.steps[i].detail[0] ? ", " : "", flow.steps[i].detail);
      if (o->json && !o->quiet) {
        printf("{\"target\":");
        cli_json_string(stdout, o->target);
        printf(",\"verified\":true,\"ide\":true");
        print_flow(&flow, o);
        printf(",\"ok\":false}\n");
      }
      rc = OT_EXIT_FAILURE;
    }
  }
  /* END_SESSION before reporting, so the report says everything happened. */
  uint32_t sid = c->dev.session_id;
  ot_status end = ot_tsm_disconnect(&c->tsm, &c->dev);
  c->dev.session_id = sid;
  if (rc == OT_EXIT_OK && !ot_ok(end)) {
    fprintf(stderr, "opentsm connect: END_SESSION failed (%s)\n", ot_status_message(end));
    timed_out(o, end, &t0);
    rc = ot_status_category(end) == OT_CAT_IO ? OT_EXIT_IO : OT_EXIT_FAILURE;
  }
  if (rc == OT_EXIT_OK && !o->quiet) print_report(c, o, o->full ? &flow : NULL, ms_since(&t0));
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
  if (!cli_capture_open(&c->cap, o->pcap, o->keylog, "opentsm connect")) {
    free(c);
    return OT_EXIT_IO;
  }
  int rc = run(c, o, host, port);
  ot_doe_socket_client_close(&c->sock);
  if (!cli_capture_close(&c->cap, "opentsm connect") && rc == OT_EXIT_OK) rc = OT_EXIT_IO;
  ot_spdm_identity_clear(&c->req_id); /* wipes the TSM's private key */
  free(c);
  return rc;
}

int cli_connect_quiet(const char *target, const char *anchor, bool shutdown, bool full) {
  connect_opts o = {.target = target,
                    .timeout_ms = CONNECT_TIMEOUT_MS,
                    .read_timeout_ms = CONNECT_READ_TIMEOUT_MS,
                    .quiet = true,
                    .shutdown = shutdown,
                    .full = full,
                    .tdi = FLOW_DEFAULT_TDI};
  o.anchors[0] = anchor;
  o.anchor_count = 1;
  return connect_with(&o);
}

/* --req-key-usage: a comma list of use names into a KeyUsageMask (bounded:
 * at most 8 items); false for an unknown name or an empty list. */
static bool parse_key_usage(const char *list, uint16_t *out) {
  static const struct {
    const char *name;
    uint16_t bit;
  } uses[] = {{"key-ex", OT_SPDM_KEY_USAGE_KEY_EX},
              {"challenge", OT_SPDM_KEY_USAGE_CHALLENGE},
              {"measurement", OT_SPDM_KEY_USAGE_MEASUREMENT},
              {"endpoint-info", OT_SPDM_KEY_USAGE_ENDPOINT_INFO}};
  uint16_t mask = 0;
  const char *p = list;
  for (unsigned n = 0; n < 8; n++) {
    size_t len = strcspn(p, ",");
    bool found = false;
    for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]) && !found; i++) {
      if (strlen(uses[i].name) == len && strncmp(p, uses[i].name, len) == 0) {
        mask |= uses[i].bit;
        found = true;
      }
    }
    if (!found) return false;
    if (p[len] == '\0') {
      *out = mask;
      return true;
    }
    p += len + 1;
  }
  return false;
}

/* --psk: the key lives here for the run and is wiped however it ends. */
static cli_psk connect_psk;
static int connect_main(int argc, char **argv);

int ot_cmd_connect(int argc, char **argv) {
  int rc = connect_main(argc, argv);
  cli_psk_wipe(&connect_psk);
  return rc;
}

static int connect_main(int argc, char **argv) {
  connect_opts o = {.timeout_ms = CONNECT_TIMEOUT_MS,
                    .read_timeout_ms = CONNECT_READ_TIMEOUT_MS,
                    .tdi = FLOW_DEFAULT_TDI};
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
    if (strcmp(a, "--encap-key-update") == 0) {
      o.encap_ku = true;
      continue;
    }
    if (a[0] != '-') {
      if (o.target) return usage_error("more than one HOST:PORT", a);
      o.target = a;
      continue;
    }
    if (v == NULL) return usage_error("unknown option or missing value", a);
    int prc = cli_psk_option(&connect_psk, a, argv[i + 1], "opentsm connect");
    if (prc < 0) return OT_EXIT_USAGE;
    if (prc > 0) {
      i++;
      continue;
    }
    if (strcmp(a, "--policy") == 0) {
      o.policy = v;
    } else if (strcmp(a, "--name") == 0) {
      o.name = v;
    } else if (strcmp(a, "--anchor") == 0) {
      if (o.anchor_count == MAX_CLI_ANCHORS) return usage_error("too many --anchor", v);
      o.anchors[o.anchor_count++] = v;
    } else if (strcmp(a, "--flow") == 0) {
      if (strcmp(v, "full") == 0)
        o.full = true;
      else if (strcmp(v, "spdm") == 0)
        o.full = false;
      else
        return usage_error("bad --flow (spdm or full)", v);
    } else if (strcmp(a, "--tdi") == 0) {
      char *end = NULL;
      unsigned long long id = strtoull(v, &end, 0);
      if (*v == '\0' || *v == '-' || *end != '\0' || id > UINT32_MAX)
        return usage_error("bad --tdi", v);
      o.tdi = (uint32_t)id;
    } else if (strcmp(a, "--time") == 0) {
      if (!cli_parse_u64(v, INT32_MAX * 2ull, &o.time)) return usage_error("bad --time", v);
      o.has_time = true;
    } else if (strcmp(a, "--ver") == 0) {
      if (!ot_ok(ot_spdm_vmask_parse(v, &o.versions)))
        return usage_error("bad --ver (a comma list of 1.0 1.1 1.2 1.3 1.4)", v);
    } else if (strcmp(a, "--pcap") == 0) {
      o.pcap = v;
    } else if (strcmp(a, "--keylog") == 0) {
      o.keylog = v;
    } else if (strcmp(a, "--req-cert-chain") == 0) {
      o.req_chain = v;
    } else if (strcmp(a, "--req-key") == 0) {
      o.req_key = v;
    } else if (strcmp(a, "--req-key-usage") == 0) {
      if (!parse_key_usage(v, &o.req_key_usage))
        return usage_error("bad --req-key-usage (key-ex,challenge,measurement,endpoint-info)", v);
    } else if (strcmp(a, "--req-slot") == 0) {
      if (o.req_slot_count == CLI_REQ_SLOTS_MAX) return usage_error("too many --req-slot (7)", v);
      if (!cli_req_slot_parse(v, parse_key_usage, &o.req_slots[o.req_slot_count]))
        return usage_error("bad --req-slot (N:CHAIN.der:KEY.der[,usage=LIST], N 1-7)", v);
      o.req_slot_count++;
    } else if (strcmp(a, "--multi-key") == 0) {
      if (strcmp(v, "neg") == 0)
        o.multi_key = OT_TSM_MULTI_KEY_NEG;
      else if (strcmp(v, "only") == 0)
        o.multi_key = OT_TSM_MULTI_KEY_ONLY;
      else if (strcmp(v, "off") == 0)
        o.multi_key = OT_TSM_MULTI_KEY_OFF;
      else
        return usage_error("bad --multi-key (neg, only or off)", v);
    } else if (strcmp(a, "--timeout") == 0) {
      if (!cli_parse_u64(v, 600000, &o.timeout_ms) || o.timeout_ms == 0)
        return usage_error("bad --timeout (1-600000 ms)", v);
    } else if (strcmp(a, "--read-timeout") == 0) {
      if (!cli_parse_u64(v, 600000, &o.read_timeout_ms) || o.read_timeout_ms == 0)
        return usage_error("bad --read-timeout (1-600000 ms)", v);
    } else {
      return usage_error("unknown option", a);
    }
    i++;
  }
  if (o.target == NULL) return usage_error("missing HOST:PORT", NULL);
  bool psk_bad = false;
  if (cli_psk_ready(&connect_psk, &psk_bad, "opentsm connect")) o.psk = &connect_psk.psk;
  if (psk_bad) return OT_EXIT_USAGE;
  if ((o.req_chain == NULL) != (o.req_key == NULL))
    return usage_error("--req-cert-chain and --req-key go together", NULL);
  if (o.req_chain == NULL && o.req_slot_count != 0)
    return usage_error("--req-slot needs the TSM's identity (--req-cert-chain)", NULL);
  if (o.req_chain == NULL && o.req_key_usage != 0)
    return usage_error("--req-key-usage needs the TSM's identity (--req-cert-chain)", NULL);
  if (o.req_chain == NULL && (o.multi_key == OT_TSM_MULTI_KEY_NEG ||
                              o.multi_key == OT_TSM_MULTI_KEY_ONLY))
    return usage_error("--multi-key neg/only needs the TSM's identity (--req-cert-chain)", NULL);
  /* With a PSK, anchors are optional: without them the device is not
   * authenticated, and the report says so. */
  if (o.policy == NULL && o.anchor_count == 0 && o.psk == NULL)
    return usage_error("no trust anchor: give --policy FILE or --anchor CERT", NULL);
  return connect_with(&o);
}
