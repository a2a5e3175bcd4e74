/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm device: a simulated device security manager (SPDM responder,
 * IDE_KM for the IDE capability of its config space, TDISP with one
 * interface) served on a TCP socket with the spdm-emu
 * protocol (opentsm/doe_socket.h), so that `opentsm connect`, DMTF's
 * spdm_requester_emu or QEMU can talk to it. It serves one connection after
 * another until a peer sends SHUTDOWN or the process gets SIGINT/SIGTERM.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "cli_psk.h"
#include "cli_anchors.h"
#include "cli_util.h"
#include "commands.h"
#include "opentsm/clock.h"
#include "opentsm/log.h"
#include "opentsm/secure.h"
#include "opentsm/x509.h"

#define USAGE                                                                                      \
  "usage: opentsm device [--listen HOST:PORT] [--identity sample-p384|sample-p256|generate|\n"     \
  "                      sample-rsa2048|sample-rsa3072|sample-rsa4096]\n"                          \
  "                      [--keys DIR] [--seed N] [--root-out FILE] [--ports N] [--tdi ID]\n"       \
  "                      [--profile TOPOLOGY.yaml [--endpoint NAME]]\n"                            \
  "                      [--pcap FILE] [--keylog FILE] [--idle-timeout MS]\n"                      \
  "                      [--frame-timeout MS] [--heartbeat-period S] [--versions LIST]\n"          \
  "                      [--fault NAME[,NAME...]|list]... [--no-handshake-in-the-clear]\n"     \
  "                      [--state-dir DIR [--trusted-env] [--csr-reset]] [--key-pairs N]\n"      \
  "                      [--multi-key neg|only|off]\n"                                          \
  "                      [--psk HEX|--psk-file FILE [--psk-hint STRING|--psk-hint-hex HEX]\n"   \
  "                       [--psk-no-finish]]\n"                                                \
  "                      [--mut-auth encap|digests|requested] [--basic-mut-auth]\n"            \
  "                      [--req-ca CERT...] [--no-mut-auth] [--no-psk]\n"

const char ot_usage_device[] =
    USAGE "Serves a simulated device (SPDM responder, IDE_KM, TDISP) on HOST:PORT (default\n"
          "127.0.0.1:2323; port 0 picks a free one) with the spdm-emu socket protocol, one\n"
          "connection after another, until a peer sends SHUTDOWN or SIGINT/SIGTERM arrives.\n"
          "  --identity  sample-p384 (default) / sample-p256: the DMTF sample keys that\n"
          "              spdm_responder_emu presents (from --keys DIR or $OPENTSM_SAMPLE_KEYS);\n"
          "              generate: a fresh P-384 root/intermediate/leaf hierarchy;\n"
          "              sample-rsa2048/3072/4096: the DMTF RSA sample keys (RSASSA and\n"
          "              RSAPSS of that size; FFDHE when the requester offers no curve)\n"
          "  --seed N    deterministic random numbers (nonces, keys, generated identity)\n"
          "  --root-out FILE  write the root certificate of slot 0 (DER): the trust anchor\n"
          "              to give `opentsm connect --anchor` (overwrites FILE)\n"
          "  --profile   take the identity (generated or chain/key files) and measurements\n"
          "              of an endpoint of a topology file (docs/topology.md): --endpoint\n"
          "              NAME, default the first endpoint\n"
          "  --ports N   IDE_KM ports, PortIndex 0..N-1 (QUERY_RESP MaxPortIndex N-1), 1-32,\n"
          "              default 8 as spdm_responder_emu; port i is function 01:00.i with\n"
          "              its own IDE capability and keys\n"
          "  --tdi ID    the TDI's INTERFACE_ID Function ID (RID, hex or decimal), default\n"
          "              0x100 (and 0xbeef too on the DMTF-sample device, see below)\n"
          "  --pcap FILE  write every DOE object exchanged, all connections, to FILE\n"
          "              (pcap, link type 292 PCI DOE: what DMTF spdm_dump reads)\n"
          "  --keylog FILE  write each session's DHE secret to FILE, one line\n"
          "              `DHE_SECRET <hex>` (spdm_dump --dhe_secret <hex>).\n"
          "              It EXPOSES THE SESSION SECRETS: for debugging only\n"
          "  --idle-timeout MS  drop a peer silent this long between frames (default\n"
          "              5000; 0: never, e.g. for QEMU, which keeps one connection idle)\n"
          "  --frame-timeout MS  drop a peer whose frame takes longer than this from its\n"
          "              first byte, or that does not take an answer within it (default\n"
          "              2000; 0: never)\n"
          "  --heartbeat-period S  KEY_EXCHANGE_RSP HeartbeatPeriod, 0-255 s (default\n"
          "              240; 0: none); a session silent for twice that ends\n"
          "The DMTF-sample device (a sample identity, the default) behaves as\n"
          "spdm_responder_emu does with no arguments: toward a requester that sets\n"
          "MUT_AUTH_CAP it asks for mutual authentication (--mut-auth encap and\n"
          "--basic-mut-auth) and trusts the DMTF sample requester CAs of the keys\n"
          "directory (<alg>/ca.cert.der of each algorithm present) unless --req-ca is\n"
          "given; it offers PSK sessions with DMTF's published sample PSK \"TestPskData\"\n"
          "(hint \"TestPskHint\"), a PUBLIC key, unless --psk/--psk-file is given.\n"
          "Unless --tdi is given it also serves a second TDI, Function ID 0xbeef,\n"
          "the one spdm_requester_emu's TDISP steps address.\n"
          "--identity generate and --profile do none of this.\n"
          "  --mut-auth encap|digests|requested  ask the requester to authenticate\n"
          "              itself in every session when it sets MUT_AUTH_CAP\n"
          "              (KEY_EXCHANGE_RSP MutAuthRequested 02h: the encapsulated\n"
          "              GET_DIGESTS/GET_CERTIFICATE flow; 04h: the same starting with\n"
          "              DIGESTS at once; 01h: no encapsulated flow, FINISH signed with\n"
          "              the requester's chosen slot, asked only once basic mutual\n"
          "              authentication validated its chain, else 02h). Its chain must\n"
          "              lead to a --req-ca root (DER or PEM, repeatable) and its FINISH\n"
          "              carry its signature (ECDSA, EdDSA, RSASSA/RSAPSS 2048-4096)\n"
          "  --basic-mut-auth  also ask in CHALLENGE_AUTH (BasicMutAuthReq): the\n"
          "              requester's chain and an encapsulated CHALLENGE, outside sessions\n"
          "  --no-mut-auth  never ask for mutual authentication (no MUT_AUTH_CAP)\n"
          "  --no-psk    no PSK sessions unless --psk/--psk-file is given\n"
          "  --versions LIST  SPDM versions offered in VERSION, comma-separated from\n"
          "              1.0 1.1 1.2 1.3 1.4 (default all five), e.g. --versions 1.2,1.3\n"
          "  --no-handshake-in-the-clear  do not advertise HANDSHAKE_IN_THE_CLEAR_CAP\n"
          "              (advertised by default, as spdm_responder_emu does: with a requester\n"
          "              that sets it too, FINISH/FINISH_RSP travel unencrypted and\n"
          "              FINISH_RSP carries ResponderVerifyData, DSP0274 1.2 FINISH)\n"
          "  --state-dir DIR  keep the certificate slots written by SET_CERTIFICATE in\n"
          "              DIR/slots.bin (written atomically, read back at start; a damaged\n"
          "              file stops the start and is left as is); offers SET_CERT_CAP\n"
          "  --key-pairs N  SPDM 1.3 key pairs reported by GET_KEY_PAIR_INFO (1-8, default\n"
          "              1): KeyPairID 1 is the key of slot 0, the others start empty;\n"
          "              with --state-dir SET_KEY_PAIR_INFO may generate (P-256/P-384),\n"
          "              erase and re-associate them, kept in DIR/keypairs.bin\n"
          "  --multi-key neg|only|off  SPDM 1.3 MULTI_KEY_CAP: neg (10b) multi-key\n"
          "              connections for a requester that asks (the default of the\n"
          "              DMTF-sample device), only (01b) always, off (the default\n"
          "              otherwise) never. On a multi-key connection each slot signs\n"
          "              with its key pair's key, only for the usages of that pair\n"
          "              (KeyUsageMask), GET_CSR and SET_CERTIFICATE name a KeyPairID;\n"
          "              at most 4 keys held at once\n"
          "  --trusted-env  a trusted (manufacturing) environment: SET_CERTIFICATE for\n"
          "              slot 0 may come outside a secure session (DSP0274 1.2)\n"
          "  --csr-reset  CERT_INSTALL_RESET_CAP: a GET_CSR (SPDM 1.3+) is answered ERROR\n"
          "              ResetRequired with a CSRTrackingTag and the CSR kept in\n"
          "              DIR/csr.bin; after a restart (the reset) GET_CSR with that tag\n"
          "              returns it (`opentsm provision --get-csr F --csr-tag N`)\n"
          "  --fault NAME  break one protocol rule on purpose, to test a validator\n"
          "              (`opentsm validate`): repeatable or a comma list; `--fault list`\n"
          "              prints every fault with what it does (docs/conformance.md)\n"
          CLI_PSK_HELP
          "              With a PSK the device advertises PSK_CAP 10b (PSK_EXCHANGE with a\n"
          "              ResponderContext, then PSK_FINISH) and serves PSK sessions for\n"
          "              that PSKHint (an unknown hint gets ERROR InvalidRequest); the\n"
          "              certificates stay on offer. --keylog then also writes `PSK <hex>`\n"
          "              (spdm_dump --psk <hex>)\n"
          "  --psk-no-finish  advertise PSK_CAP 01b instead: no ResponderContext, no\n"
          "              PSK_FINISH (the session is up after PSK_EXCHANGE_RSP)\n"
          "Peers are served one at a time, the others wait (backlog 64); the limits\n"
          "bound how long one peer can keep them waiting while it is silent or slow.\n"
          "Each port has one Selective IDE Stream block (Stream ID 0). With no host to write\n"
          "its config space, the device sets a block's Enable itself once all six keys are\n"
          "programmed and clears it when they are stopped (a simulation choice; docs/cli.md).\n"
          "TDISP LOCK takes the default stream from whichever port has it Secure.\n"
          "exit codes: 0 served until SHUTDOWN or a signal, 1 setup failed, 2 usage,\n"
          "            3 cannot listen or read the keys\n";

/* Where the DMTF sample keys are when none is named (the source tree's copy). */
#ifndef OT_SAMPLE_KEY_DIR
#define OT_SAMPLE_KEY_DIR "tests/vectors/spdm-emu/sample_key"
#endif

const char *cli_default_key_dir(void) {
  const char *env = getenv("OPENTSM_SAMPLE_KEYS");
  return (env && *env) ? env : OT_SAMPLE_KEY_DIR;
}

/* The device's firmware facts: measurement indices 1-7 (spdm_identity.h). */
static const uint8_t dev_rom[] = "opentsm device boot rom";
static const uint8_t dev_fw[] = "opentsm device firmware 1.0.0";
static const uint8_t dev_hw[] = {0x10, 0xF2, 0x1A, 0xF4};
static const uint8_t dev_cfg[] = "ide=1 tdisp=1";
/* One BAR range whose IS_NON_TEE_MEM the TSM may change in RUN (SET_MMIO_ATTRIBUTE). */
static const ot_tdisp_mmio_range dev_ranges[1] = {
    {0xFE000000u, 4, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE, 0}};
static const uint8_t dev_info[] = "opentsm-device";

/* The DSM function: a Type 0 header at 01:00.0 with one Selective IDE Stream
 * block, IDE_KM and AES-GCM-256 (PCIe r6.0 §7.9.26.2). */
#define DEV_BUS 1u
#define DEV_DEVFN 0u
static const ot_cfg_ident dev_ident = {.vendor = 0x1B36, /* QEMU's, as a simulated device */
                                       .device = 0x0010,
                                       .class_code = 0x120000, /* processing accelerator */
                                       .layout = OT_PCI_HEADER_LAYOUT_TYPE0};
/* Subsystem ID reported in ENDPOINT_INFO (QEMU's default for its devices). */
#define DEV_SUBSYSTEM 0x1100u
static const ot_ide_regs_caps dev_ide = {.sel_streams = 1, .ide_km = true};

/* KEY_EXCHANGE_RSP HeartbeatPeriod (DSP0274 §10.12 Param1, seconds): libspdm's
 * requester sends HEARTBEAT only in a session whose period is nonzero; 240 s
 * is what spdm_responder_emu announces. A session silent for twice that ends
 * (DSP0274 §10.14). */
#define DEV_HEARTBEAT_S 240u

/* IDE_KM ports by default: spdm_responder_emu answers QUERY with MaxPortIndex 7
 * and spdm_requester_emu keys PortIndex 1. */
#define DEV_PORTS 8u

/* The policy for one port: its capability in cfg at cap, its engines. */
static void port_stream_policy(ot_cfg_space *cfg, uint16_t cap, const ot_ide_engine *tx,
                               const ot_ide_engine *rx) {
  ot_cfg_inproc acc;
  ot_cfg_inproc_init(&acc, cfg);
  ot_ide_host_enable_on_keys(&acc.base, cap, dev_ide.sel_streams, tx, rx);
}

void cli_device_stream_policy(cli_device *d) {
  if (!d->dsm.has_ide) return;
  port_stream_policy(&d->cfg, ot_ide_regs_offset(&d->dsm.ide_regs), &d->dsm.ide_tx.engine,
                     &d->dsm.ide_rx.engine);
  for (size_t i = 0; i < d->ports_n; i++) {
    ot_sim_dsm_port *p = &d->ports[i];
    port_stream_policy(&p->cfg, ot_ide_regs_offset(&p->regs), &p->tx.engine, &p->rx.engine);
  }
}

/*
 * What the host would write before IDE_KM (Linux pci_ide_stream_setup,
 * SPEC-FACTS §7.4), done by the device at boot because no host reaches its
 * config space over a socket: block 0 holds Stream ID 0 with AES-GCM-256, RID
 * Association 2 Valid over every requester (PCIe r6.0 §7.9.26.5.3-4; there is
 * no link, so no TLP to associate), Enable = 0.
 */
static ot_status port_preset(ot_cfg_space *cfg, uint16_t cap) {
  ot_cfg_inproc acc;
  ot_cfg_inproc_init(&acc, cfg);
  ot_ide_host_stream s = {.block = 0, .stream_id = 0, .rid_base = 0, .rid_limit = 0xFFFF};
  return ot_ide_host_stream_setup(&acc.base, cap, &s);
}

/* Every IDE_KM port gets the same preset (each port is its own link). */
static ot_status stream_preset(cli_device *d) {
  OT_GUARD(port_preset(&d->cfg, ot_ide_regs_offset(&d->dsm.ide_regs)));
  for (size_t i = 0; i < d->ports_n; i++)
    OT_GUARD(port_preset(&d->ports[i].cfg, ot_ide_regs_offset(&d->ports[i].regs)));
  return OT_SUCCESS;
}

static ot_status proto_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                              size_t rsp_cap, size_t *rsp_len) {
  cli_device_proto *dp = (cli_device_proto *)p;
  ot_status st = dp->inner->handle(dp->inner, req, req_len, rsp, rsp_cap, rsp_len);
  cli_device_stream_policy(dp->dev);
  return st;
}

static ot_status wrap_protocols(cli_device *d) {
  ot_doe_responder_init(&d->doe);
  cli_device_proto *w[2] = {&d->plain, &d->secured};
  ot_doe_protocol *in[2] = {&d->dsm.plain.base, &d->dsm.secured.base};
  for (size_t i = 0; i < 2; i++) {
    *w[i] = (cli_device_proto){
        .base = {.vendor = in[i]->vendor, .type = in[i]->type, .handle = proto_handle},
        .dev = d,
        .inner = in[i]};
    OT_GUARD(ot_doe_responder_add(&d->doe, &w[i]->base));
  }
  return OT_SUCCESS;
}

static ot_curve profile_curve(ot_sim_key_alg a) {
  return a == OT_SIM_ALG_ECDSA_P256 ? OT_CURVE_P256 : OT_CURVE_P384;
}

/* The identity of a topology endpoint: slot 0 with KeyPairID 1. */
static ot_status profile_identity(cli_device *d, const ot_sim_identity_desc *p) {
  /* The SPDM identity serves ECDSA keys only (spdm_identity.h). */
  OT_ENSURE(p->algorithm != OT_SIM_ALG_ED25519, OT_E_UNSUPPORTED);
  ot_curve curve = profile_curve(p->algorithm);
  if (p->chain != OT_SIM_SOURCE_FILE) {
    time_t now = time(NULL);
    OT_GUARD(ot_spdm_hierarchy_generate(&d->h, curve, cli_rng_get(&d->rng), now - 86400,
                                        now + 3650L * 86400, "opentsm:device:0001"));
    ot_status st = ot_spdm_identity_install(&d->id, 0, 0, 1, &d->h);
    ot_spdm_hierarchy_clear(&d->h);
    return st;
  }
  /* A chain file comes with a key file (the topology loader checks it). */
  size_t der_len = 0, key_len = 0, priv_len = 0;
  OT_GUARD(cli_read_file(p->chain_path, d->h.der, sizeof(d->h.der), &der_len));
  OT_GUARD(cli_read_file(p->key_path, d->rx, sizeof(d->rx), &key_len));
  ot_curve kc;
  ot_status st = ot_x509_private_key_raw(d->rx, key_len, &kc, d->h.leaf_priv,
                                         sizeof(d->h.leaf_priv), &priv_len);
  ot_zeroize(d->rx, key_len);
  if (ot_ok(st) && kc != curve) st = ot_status_of(OT_E_BAD_KEY);
  if (ot_ok(st)) st = ot_spdm_identity_set_key(&d->id, 0, kc, d->h.leaf_priv, priv_len, 1);
  if (ot_ok(st)) st = ot_spdm_identity_set_slot(&d->id, 0, 0, d->h.der, der_len);
  ot_spdm_hierarchy_clear(&d->h); /* the key's copy lives in the identity only */
  return st;
}

/* The profile's measurement values, reported as given (raw bit streams, as
 * the simulator's platform reports them). */
static ot_status profile_meas(cli_device *d, const ot_sim_node_desc *n) {
  for (size_t i = 0; i < n->measurement_count; i++) {
    const ot_sim_measurement_desc *md = &n->measurements[i];
    ot_spdm_id_meas m = {.index = md->index,
                         .value_type = (uint8_t)md->type,
                         .raw = true,
                         .tcb = md->type == OT_SIM_MEAS_IMMUTABLE_ROM,
                         .len = (uint16_t)md->value_len};
    _Static_assert(OT_SIM_MEASUREMENT_MAX <= OT_SPDM_ID_MEAS_MAX, "a profile value fits");
    memcpy(m.content, md->value, md->value_len);
    OT_GUARD(ot_spdm_identity_add_meas(&d->id, &m));
  }
  return OT_SUCCESS;
}

/* One step of setting up the key pairs (reading them, or serving them); a
 * refusal is said on stderr with its reason and the device does not start. */
static ot_status key_pairs_step(cli_device *d, const cli_device_opts *o,
                                ot_status (*step)(cli_device *, const cli_device_opts *, char *,
                                                  size_t),
                                const char **what) {
  static char why[160];
  why[0] = '\0';
  ot_status st = step(d, o, why, sizeof(why));
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm device: key pairs (%s): %s; not started, nothing changed\n",
            o->state_dir ? CLI_KEY_PAIRS_FILE : "--key-pairs", why);
    *what = "reading the key pairs";
  }
  return st;
}

OT_RESULT cli_device_init(cli_device *d, const cli_device_opts *o, const char **what) {
  ot_spdm_identity_init(&d->id);
  ot_status st;
  *what = "random source";
  OT_GUARD_GOTO(st, cli_rng_init(&d->rng, o->has_seed, o->seed, "opentsm device"), fail);
  if (o->profile) {
    *what = "the profile's identity";
    OT_GUARD_GOTO(st, profile_identity(d, &o->profile->identity), fail);
  } else if (o->identity == CLI_ID_GENERATE) {
    *what = "generating the certificate hierarchy";
    time_t now = time(NULL);
    OT_GUARD_GOTO(st,
                  ot_spdm_hierarchy_generate(&d->h, OT_CURVE_P384, cli_rng_get(&d->rng),
                                             now - 86400, now + 3650L * 86400,
                                             "opentsm:device:0001"),
                  fail);
    OT_GUARD_GOTO(st, ot_spdm_identity_install(&d->id, 0, 0, 1, &d->h), fail);
    ot_spdm_hierarchy_clear(&d->h);
  } else {
    *what = "loading the DMTF sample keys";
    ot_curve c = o->identity == CLI_ID_SAMPLE_P256       ? OT_CURVE_P256
                 : o->identity == CLI_ID_SAMPLE_RSA2048 ? OT_KEY_RSA2048
                 : o->identity == CLI_ID_SAMPLE_RSA3072 ? OT_KEY_RSA3072
                 : o->identity == CLI_ID_SAMPLE_RSA4096 ? OT_KEY_RSA4096
                                                        : OT_CURVE_P384;
    OT_GUARD_GOTO(st, ot_spdm_identity_load_dmtf_sample(&d->id, o->key_dir, c, false), fail);
  }
  *what = "measurements";
  if (o->profile && o->profile->measurement_count > 0) {
    OT_GUARD_GOTO(st, profile_meas(d, o->profile), fail);
    goto dsm;
  }
  ot_spdm_device_model dm = {.rom = dev_rom,
                             .rom_len = sizeof(dev_rom),
                             .firmware = dev_fw,
                             .firmware_len = sizeof(dev_fw),
                             .hw_config = dev_hw,
                             .hw_config_len = sizeof(dev_hw),
                             .fw_config = dev_cfg,
                             .fw_config_len = sizeof(dev_cfg),
                             .version = "1.0.0",
                             .svn = 1};
  OT_GUARD_GOTO(st, ot_spdm_identity_add_device_meas(&d->id, &dm), fail);
dsm:
  /* KeyPairID 1 is the key of slot 0 (KEY_PAIR_INFO and DIGESTS agree). */
  ot_spdm_identity_number_key_pairs(&d->id);
  /* The key pairs first: a slot written for a generated pair needs its key. */
  OT_GUARD_GOTO(st, key_pairs_step(d, o, cli_device_key_pairs_load, what), fail);
  /* Slots provisioned earlier (SET_CERTIFICATE) replace the built-in ones. */
  d->state = (cli_state){.dir = o->state_dir, .id = &d->id};
  if (o->state_dir) {
    static char why[160];
    why[0] = '\0';
    st = cli_state_load(&d->state, time(NULL), why, sizeof(why));
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm device: --state-dir %s (%s): %s; not started, nothing changed\n",
              o->state_dir, CLI_STATE_FILE, why);
      *what = "reading the provisioning state";
      goto fail;
    }
  }
  OT_GUARD_GOTO(st, cli_device_key_pairs_bind(d), fail);
  *what = "device security manager";
  unsigned ports = o->ports ? o->ports : 1u;
  OT_ENSURE_GOTO(st, ports <= OT_SIM_DSM_MAX_PORTS, OT_E_ARG, fail);
  ot_cfg_ident ident0 = dev_ident;
  ident0.multi_function = ports > 1; /* header bit 7 (PCIe r6.0 §7.5.1.1.9) */
  OT_GUARD_GOTO(st, ot_cfg_init(&d->cfg, &ident0), fail);
  if (ports > 1) {
    d->ports = calloc(ports - 1u, sizeof(*d->ports));
    OT_ENSURE_GOTO(st, d->ports != NULL, OT_E_NOMEM, fail);
    d->ports_n = ports - 1u;
    /* Port i is function DEV_DEVFN + i of the device (sim_dsm.h extra_ports). */
    for (size_t i = 0; i < d->ports_n; i++) {
      ot_cfg_ident pid = dev_ident;
      pid.multi_function = true;
      OT_GUARD_GOTO(st, ot_cfg_init(&d->ports[i].cfg, &pid), fail);
    }
  }
  ot_sim_dsm_config dc = {.id = &d->id,
                          .rng = cli_rng_get(&d->rng),
                          /* every optional request but VDM (PCIe r6.0 §11.3); BIND_P2P offered */
                          .tdisp = {.lock_flags_supported = 0x000F,
                                    .dev_addr_width = 48,
                                    .p2p = true,
                                    .mmio_attr = true},
                          .cfg = &d->cfg,
                          .ide_caps = dev_ide,
                          .bus = DEV_BUS,
                          .dev_func = DEV_DEVFN,
                          .extra_ports = d->ports,
                          .extra_port_count = d->ports_n,
                          .heartbeat_period = o->heartbeat_set ? o->heartbeat_s : DEV_HEARTBEAT_S,
                          .clock = ot_clock_real(),
                          .faults = o->faults,
                          .versions = o->versions};
  OT_GUARD_GOTO(st, ot_sim_dsm_init(&d->dsm, &dc), fail);
  /* The responder reads its configuration through a pointer: a capability
   * added here holds from the first request on (DSP0274 1.2 FINISH). */
  if (!o->no_handshake_in_clear) d->dsm.rcfg.caps |= OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR;
  /* SPDM 1.3 GET_ENDPOINT_INFO (signed or not, DSP0274 1.3 §10.23): the PCI
   * identity of function 0; GET_MEASUREMENT_EXTENSION_LOG (§10.24): the
   * content behind each measurement block. */
  OT_GUARD_GOTO(st,
                ot_spdm_ep_info_pci(dev_ident.vendor, dev_ident.device, DEV_SUBSYSTEM, d->ep_info,
                                    sizeof(d->ep_info), &d->ep_info_len),
                fail_dsm);
  OT_GUARD_GOTO(st, ot_spdm_identity_mel(&d->id, d->mel, sizeof(d->mel), &d->mel_len), fail_dsm);
  d->dsm.rcfg.ep_info = d->ep_info;
  d->dsm.rcfg.ep_info_len = d->ep_info_len;
  d->dsm.rcfg.mel = d->mel;
  d->dsm.rcfg.mel_len = d->mel_len;
  d->dsm.rcfg.caps |= OT_SPDM_CAP_EP_INFO_SIG | OT_SPDM_CAP_MEL;
  /* ReqBaseAsymAlg (DSP0274 §10.4): every requester key type the signature
   * layer verifies, selected for mutual authentication or a requester that
   * signs its ENDPOINT_INFO (spdm_requester_emu offers RSASSA/RSAPSS
   * 2048/3072 only, and refuses ALGORITHMS without one). */
  d->dsm.rcfg.algs.req_asym = OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384 |
                              OT_SPDM_ASYM_ECDSA_P521 | OT_SPDM_ASYM_ED25519 |
                              OT_SPDM_ASYM_ED448 | OT_SPDM_ASYM_RSA_ALL;
  /* SPDM 1.3 GET_KEY_PAIR_INFO / SET_KEY_PAIR_INFO (cli_key_pairs.c). */
  OT_GUARD_GOTO(st, key_pairs_step(d, o, cli_device_key_pairs, what), fail_dsm);
  /* GET_CSR and SET_CERTIFICATE only where a certificate can be kept
   * (DSP0274 1.2 CAPABILITIES: CSR_CAP needs SET_CERT_CAP; libspdm's
   * requester refuses a responder that has one without the other). */
  d->dsm.rcfg.csr_common_name = "opentsm device";
  if (o->state_dir) {
    d->dsm.rcfg.caps |= OT_SPDM_CAP_CSR;
    d->dsm.rcfg.set_cert_model = cli_key_pairs_set_cert; /* cli_state_set_cert_model, then the pair */
    d->dsm.rcfg.set_cert_ctx = &d->kps_state;
    d->dsm.rcfg.trusted_env = o->trusted_env;
    d->dsm.rcfg.caps |= OT_SPDM_CAP_SET_CERT;
  }
  if (o->state_dir && o->csr_reset) {
    st = cli_csr_state_load(&d->csr, o->state_dir);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm device: --state-dir %s (%s): %s; not started\n", o->state_dir,
              CLI_CSR_STATE_FILE, ot_status_message(st));
      *what = "reading the pending CSRs";
      goto fail_dsm;
    }
    d->dsm.rcfg.csr_tracker = &d->csr.tracker;
    d->dsm.rcfg.caps |= OT_SPDM_CAP_CERT_INSTALL_RESET;
  }
  d->tdi_desc =
      (ot_tdisp_tdi_desc){.function_id = o->tdi_function ? o->tdi_function : CLI_DEVICE_TDI_DEFAULT,
                          .interface_info = OT_TDISP_IFINFO_DMA_NO_PASID,
                          .mmio = dev_ranges,
                          .mmio_count = 1,
                          .devinfo = dev_info,
                          .devinfo_len = sizeof(dev_info)};
  st = ot_sim_dsm_add_tdi(&d->dsm, &d->tdi_desc, &d->tdi);
  if (ot_ok(st) && o->emu_tdi && d->tdi_desc.function_id != CLI_DEVICE_TDI_EMU) {
    d->emu_tdi_desc = d->tdi_desc;
    d->emu_tdi_desc.function_id = CLI_DEVICE_TDI_EMU;
    st = ot_sim_dsm_add_tdi(&d->dsm, &d->emu_tdi_desc, &d->emu_tdi);
  }
  if (ot_ok(st)) st = stream_preset(d);
  if (ot_ok(st)) st = wrap_protocols(d);
  if (!ot_ok(st)) goto fail_dsm;
  return OT_SUCCESS;
fail_dsm:
  ot_sim_dsm_free(&d->dsm);
fail:
  ot_spdm_key_pairs_clear(&d->kps);
  cli_state_free(&d->state);
  free(d->ports);
  d->ports = NULL;
  d->ports_n = 0;
  ot_spdm_hierarchy_clear(&d->h);
  ot_spdm_identity_clear(&d->id);
  cli_rng_free(&d->rng);
  return st;
}

void cli_device_free(cli_device *d) {
  ot_spdm_key_pairs_clear(&d->kps);
  cli_state_free(&d->state);
  ot_sim_dsm_free(&d->dsm);
  free(d->ports); /* the DSM wiped their engines */
  d->ports = NULL;
  d->ports_n = 0;
  ot_spdm_identity_clear(&d->id);
  cli_rng_free(&d->rng);
}

/* Loads the topology and finds the endpoint (by name, else the first). */
static int pick_profile(const char *path, const char *name, ot_sim_topology *topo,
                        const ot_sim_node_desc **out) {
  ot_sim_topo_error err;
  ot_status st = ot_sim_topology_load(path, topo, &err);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm device: %s:%u:%u: %s\n", path, err.mark.line, err.mark.column,
            err.message);
    return ot_is(st, OT_E_IO) ? OT_EXIT_IO : OT_EXIT_FAILURE;
  }
  for (size_t i = 0; i < topo->node_count; i++) {
    const ot_sim_node_desc *n = &topo->nodes[i];
    if (n->kind != OT_SIM_ENDPOINT) continue;
    if (name == NULL || strcmp(n->name, name) == 0) {
      *out = n;
      return OT_EXIT_OK;
    }
  }
  fprintf(stderr, "opentsm device: %s has no endpoint%s%s\n", path, name ? " named " : "",
          name ? name : "");
  return OT_EXIT_FAILURE;
}

/* Defaults of --idle-timeout and --frame-timeout (docs/cli.md). A requester
 * sends its next request as soon as it has checked the last answer (ms for
 * `opentsm connect` and spdm_requester_emu); 5 s of silence is a peer that
 * holds the device, not one that thinks. A frame is one write of at most
 * 1 MiB: on any link a device is served over, it arrives well within 2 s. */
#define DEV_IDLE_MS 5000u
#define DEV_FRAME_MS 2000u

/* The self-pipe: a signal writes one byte, and every wait of the serve loop
 * polls the read end, so a signal is seen whatever the loop waits on, even
 * one that arrives just before the wait begins (the byte stays). write() is
 * async-signal-safe (POSIX.1-2017 §2.4.3). */
static int wake_pipe[2] = {-1, -1};
static void on_signal(int sig) {
  (void)sig;
  int saved = errno;
  if (wake_pipe[1] >= 0) {
    ssize_t w = write(wake_pipe[1], "s", 1); /* full pipe: a byte is already there */
    (void)w;
  }
  errno = saved;
}

static bool stop_requested(void) {
  struct pollfd p = {.fd = wake_pipe[0], .events = POLLIN};
  return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

static ot_status wake_pipe_open(void) {
  OT_ENSURE(pipe(wake_pipe) == 0, OT_E_IO);
  for (int i = 0; i < 2; i++) {
    int fl = fcntl(wake_pipe[i], F_GETFL);
    OT_ENSURE(fl >= 0 && fcntl(wake_pipe[i], F_SETFL, fl | O_NONBLOCK) == 0, OT_E_IO);
    OT_ENSURE(fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC) == 0, OT_E_IO);
  }
  return OT_SUCCESS;
}

static void wake_pipe_close(void) {
  for (int i = 0; i < 2; i++) {
    if (wake_pipe[i] >= 0) close(wake_pipe[i]);
    wake_pipe[i] = -1;
  }
}

static int usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "opentsm device: %s%s%s\n" USAGE, msg, arg ? ": " : "", arg ? arg : "");
  return OT_EXIT_USAGE;
}

/* INTERFACE_ID Function ID (PCIe r6.0 §11.3.1, bits 24:0), decimal or 0x-hex; not 0. */
static bool parse_function_id(const char *v, uint32_t *out) {
  uint64_t f = 0;
  if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    const char *h = v + 2;
    size_t n = strlen(h);
    if (n == 0 || n > 8) return false;
    for (size_t i = 0; i < n; i++) {
      int c = h[i], d = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      if (d < 0) return false;
      f = f * 16u + (uint64_t)d;
    }
  } else if (!cli_parse_u64(v, UINT32_MAX, &f)) {
    return false;
  }
  if (f == 0 || f > OT_TDISP_FUNCTION_ID_DEFINED) return false;
  *out = (uint32_t)f;
  return true;
}

/* --fault: names separated by commas, each one of the DSM's faults. */
static bool parse_faults(const char *v, uint64_t *faults, char *bad, size_t bad_cap) {
  while (*v) {
    const char *e = strchr(v, ',');
    size_t n = e ? (size_t)(e - v) : strlen(v);
    char name[48];
    if (n == 0 || n >= sizeof(name)) {
      snprintf(bad, bad_cap, "%.*s", (int)(n < 40 ? n : 40), v);
      return false;
    }
    memcpy(name, v, n);
    name[n] = '\0';
    int f = ot_sim_dsm_fault_find(name);
    if (f < 0) {
      snprintf(bad, bad_cap, "%s", name);
      return false;
    }
    *faults |= UINT64_C(1) << f;
    v += n + (e ? 1 : 0);
    if (e && *v == '\0') {
      snprintf(bad, bad_cap, "(empty name)");
      return false;
    }
  }
  return true;
}

static void list_faults(void) {
  for (unsigned f = 0; f < OT_DSM_FAULT_COUNT; f++) {
    const ot_sim_dsm_fault_info *i = ot_sim_dsm_fault_get(f);
    printf("%-22s %s\n", i->name, i->what);
  }
}

static const char *end_text(ot_doe_serve_end e) {
  switch (e) {
  case OT_DOE_SERVE_SHUTDOWN: return "SHUTDOWN";
  case OT_DOE_SERVE_CONTINUE: return "CONTINUE";
  case OT_DOE_SERVE_CLOSED: return "peer closed";
  case OT_DOE_SERVE_IDLE: return "dropped: idle past --idle-timeout";
  case OT_DOE_SERVE_SLOW_FRAME: return "dropped: a frame slower than --frame-timeout";
  case OT_DOE_SERVE_SLOW_READER: return "dropped: an answer not taken within --frame-timeout";
  case OT_DOE_SERVE_STOPPED: return "stopped";
  default: return "?";
  }
}

/* Accepts and serves connections, one at a time, until SHUTDOWN or a signal.
 * Every wait polls the wake pipe too: a signal ends it at once. */
static int serve(cli_device *d, ot_doe_socket_server *srv, const ot_doe_serve_limits *lim) {
  unsigned served = 0;
  /* Bounded by the peers that come and by a signal: each pass waits for one. */
  while (!stop_requested()) {
    struct pollfd p[2] = {{.fd = srv->listen_fd, .events = POLLIN},
                          {.fd = wake_pipe[0], .events = POLLIN}};
    int n = poll(p, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fprintf(stderr, "opentsm device: poll: %s\n", strerror(errno));
      return OT_EXIT_IO;
    }
    if (p[1].revents & POLLIN) break;
    if (!(p[0].revents & POLLIN)) continue;
    int fd = -1;
    ot_status st = ot_doe_socket_accept(srv, &fd);
    if (ot_is(st, OT_E_CLOSED)) continue; /* the client left before we took it */
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm device: accept failed (%s)\n", ot_status_message(st));
      return OT_EXIT_IO;
    }
    served++;
    ot_doe_serve_end end = OT_DOE_SERVE_CLOSED;
    st = ot_doe_socket_serve_limited(fd, cli_device_doe(d), d->rx, sizeof(d->rx), d->tx,
                                     sizeof(d->tx), lim, &end);
    close(fd);
    if (ot_ok(st) && end == OT_DOE_SERVE_STOPPED) break;
    if (!ot_ok(st)) {
      /* One bad peer does not stop the device: report it, serve the next. */
      fprintf(stderr, "opentsm device: connection %u ended with an error (%s)\n", served,
              ot_status_message(st));
      continue;
    }
    if (end == OT_DOE_SERVE_IDLE || end == OT_DOE_SERVE_SLOW_FRAME ||
        end == OT_DOE_SERVE_SLOW_READER) {
      fprintf(stderr, "opentsm device: connection %u %s (%u ms)\n", served, end_text(end),
              (unsigned)(end == OT_DOE_SERVE_IDLE ? lim->idle_ms : lim->frame_ms));
      continue;
    }
    printf("opentsm device: connection %u ended (%s)\n", served, end_text(end));
    fflush(stdout);
    if (end == OT_DOE_SERVE_SHUTDOWN) return OT_EXIT_OK;
  }
  printf("opentsm device: interrupted, exiting\n");
  return OT_EXIT_OK;
}

/* --psk: the key lives here for the whole run (the responder borrows it). */
static cli_psk dev_psk;
static int device_main(int argc, char **argv);
/* --mut-auth / --req-ca: mutual authentication in every session (DSP0274 1.2
 * §10.9), the requester's chain checked against the --req-ca roots. The
 * responder reads its configuration at every request, so it is set here,
 * after the device was built. */
static ot_tsm_policy mut_roots; /* holds the --req-ca certificates for the device's life */

/* spdm-emu's out-of-band command 8001h (`spdm_requester_emu --key_upd RSP`):
 * an encapsulated KEY_UPDATE of the device's key in the session the 4-byte
 * payload names (0: the first established one, as spdm-emu's default). */
static ot_status device_oob(void *ctx, uint32_t command, const uint8_t *payload, size_t len) {
  ot_spdm_responder *r = ctx;
  /* 8002h: an encapsulated GET_ENDPOINT_INFO on the requester's next
   * GET_ENCAPSULATED_REQUEST (spdm-emu's responder arms it the same way). */
  if (command == OT_SOCK_CMD_OOB_ENCAP_ENDPOINT_INFO)
    return ot_spdm_responder_encap_endpoint_info(r);
  OT_ENSURE(command == OT_SOCK_CMD_OOB_ENCAP_KEY_UPDATE, OT_E_UNSUPPORTED);
  uint32_t sid = len == 4 ? ot_load_u32le(payload) : 0;
  for (size_t i = 0; sid == 0 && i < OT_SPDM_RSP_MAX_SESSIONS; i++)
    if (r->sessions[i].used && r->sessions[i].s.state == OT_SPDM_SESSION_ESTABLISHED)
      sid = r->sessions[i].s.session_id;
  return ot_spdm_responder_encap_key_update(r, sid);
}

static int device_mut_auth(cli_device *d, const char *mode, bool basic, const char *const *ca,
                           size_t n) {
  int rc = cli_anchors_policy(&mut_roots, ca, n, "requester", "opentsm device");
  if (rc != OT_EXIT_OK) return rc;
  ot_spdm_responder_config *c = &d->dsm.rcfg;
  /* MUT_AUTH_CAP with ENCAP_CAP: the requester's identity is learnt through
   * the encapsulated flow (DSP0274 1.1 required both together). With
   * HANDSHAKE_IN_THE_CLEAR the flow runs in the clear (responder_encap.c). */
  c->caps |= OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP;
  c->mut_auth = mode == NULL                      ? 0
                : strcmp(mode, "digests") == 0   ? OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS
                : strcmp(mode, "requested") == 0 ? OT_SPDM_MUT_AUTH_REQUESTED
                                                 : OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST;
  c->basic_mut_auth = basic;
  /* With ENCAP_CAP the device also renews its key on spdm-emu's 8001h. */
  d->doe.oob = device_oob;
  d->doe.oob_ctx = &d->dsm.rsp;
  c->req_anchors = mut_roots.anchors;
  c->req_anchor_count = mut_roots.anchor_count;
  c->req_now = time(NULL);
  return OT_EXIT_OK;
}

/* The DMTF sample requester CAs: <keys>/<alg>/ca.cert.der of every algorithm
 * directory present (spdm-emu's sample_key layout; each CA issues both the
 * responder's and the requester's sample chains). Returns how many. */
static size_t device_sample_cas(const char *key_dir, const char **out) {
  static const char *const algs[] = {"ecp256", "ecp384", "ecp521", "rsa2048",
                                     "rsa3072", "rsa4096", "ed25519", "ed448"};
  static char paths[sizeof(algs) / sizeof(algs[0])][512];
  _Static_assert(sizeof(algs) / sizeof(algs[0]) <= OT_TSM_POLICY_MAX_ANCHORS, "one anchor each");
  size_t n = 0;
  for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
    int w = snprintf(paths[n], sizeof(paths[n]), "%s/%s/ca.cert.der", key_dir, algs[i]);
    if (w < 0 || (size_t)w >= sizeof(paths[n]) || access(paths[n], R_OK) != 0) continue;
    out[n] = paths[n];
    n++;
  }
  return n;
}

int ot_cmd_device(int argc, char **argv) {
  int rc = device_main(argc, argv);
  cli_psk_wipe(&dev_psk); /* whatever the outcome, the key does not outlive the run */
  return rc;
}

static int device_main(int argc, char **argv) {
  const char *listen = "127.0.0.1:2323";
  bool psk_no_finish = false;
  int psk_rc;
  cli_device_opts o = {
      .identity = CLI_ID_SAMPLE_P384, .key_dir = cli_default_key_dir(), .ports = DEV_PORTS};
  const char *profile_path = NULL, *endpoint = NULL, *root_out = NULL;
  const char *pcap = NULL, *keylog = NULL; /* --pcap, --keylog */
  const char *mut_mode = NULL, *req_ca[OT_TSM_POLICY_MAX_ANCHORS]; /* --mut-auth, --req-ca */
  size_t req_ca_count = 0;
  bool basic_mut = false; /* --basic-mut-auth */
  bool no_mut = false, no_psk = false; /* --no-mut-auth, --no-psk */
  ot_doe_serve_limits lim = {.idle_ms = DEV_IDLE_MS, .frame_ms = DEV_FRAME_MS, .wake_fd = -1};
  bool identity_given = false;
  int i = 0;
  while (++i < argc) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--psk-no-finish") == 0) {
      psk_no_finish = true;
      continue;
    }
    if (v && (psk_rc = cli_psk_option(&dev_psk, a, argv[i + 1], "opentsm device")) != 0) {
      if (psk_rc < 0) return OT_EXIT_USAGE;
      i++;
      continue;
    }
    if (strcmp(a, "--listen") == 0 && v) {
      listen = v;
    } else if (strcmp(a, "--identity") == 0 && v) {
      identity_given = true;
      if (strcmp(v, "sample-p384") == 0)
        o.identity = CLI_ID_SAMPLE_P384;
      else if (strcmp(v, "sample-p256") == 0)
        o.identity = CLI_ID_SAMPLE_P256;
      else if (strcmp(v, "generate") == 0)
        o.identity = CLI_ID_GENERATE;
      else if (strcmp(v, "sample-rsa2048") == 0)
        o.identity = CLI_ID_SAMPLE_RSA2048;
      else if (strcmp(v, "sample-rsa3072") == 0)
        o.identity = CLI_ID_SAMPLE_RSA3072;
      else if (strcmp(v, "sample-rsa4096") == 0)
        o.identity = CLI_ID_SAMPLE_RSA4096;
      else
        return usage_error("unknown identity", v);
    } else if (strcmp(a, "--profile") == 0 && v) {
      profile_path = v;
    } else if (strcmp(a, "--root-out") == 0 && v) {
      root_out = v;
    } else if (strcmp(a, "--pcap") == 0 && v) {
      pcap = v;
    } else if (strcmp(a, "--keylog") == 0 && v) {
      keylog = v;
    } else if (strcmp(a, "--basic-mut-auth") == 0) {
      basic_mut = true;
      continue;
    } else if (strcmp(a, "--no-mut-auth") == 0) {
      no_mut = true;
      continue;
    } else if (strcmp(a, "--no-psk") == 0) {
      no_psk = true;
      continue;
    } else if (strcmp(a, "--mut-auth") == 0 && v) {
      if (strcmp(v, "encap") != 0 && strcmp(v, "digests") != 0 && strcmp(v, "requested") != 0)
        return usage_error("bad --mut-auth (encap, digests or requested)", v);
      mut_mode = v;
    } else if (strcmp(a, "--req-ca") == 0 && v) {
      if (req_ca_count == OT_TSM_POLICY_MAX_ANCHORS) return usage_error("too many --req-ca", v);
      req_ca[req_ca_count++] = v;
    } else if (strcmp(a, "--endpoint") == 0 && v) {
      endpoint = v;
    } else if (strcmp(a, "--keys") == 0 && v) {
      o.key_dir = v;
    } else if (strcmp(a, "--ports") == 0 && v) {
      uint64_t n;
      if (!cli_parse_u64(v, OT_SIM_DSM_MAX_PORTS, &n) || n == 0)
        return usage_error("bad port count (1-32)", v);
      o.ports = (unsigned)n;
    } else if (strcmp(a, "--tdi") == 0 && v) {
      if (!parse_function_id(v, &o.tdi_function)) return usage_error("bad TDI function ID", v);
    } else if (strcmp(a, "--idle-timeout") == 0 && v) {
      uint64_t ms;
      if (!cli_parse_u64(v, 3600000, &ms)) return usage_error("bad --idle-timeout (0-3600000)", v);
      lim.idle_ms = (uint32_t)ms;
    } else if (strcmp(a, "--frame-timeout") == 0 && v) {
      uint64_t ms;
      if (!cli_parse_u64(v, 3600000, &ms)) return usage_error("bad --frame-timeout (0-3600000)", v);
      lim.frame_ms = (uint32_t)ms;
    } else if (strcmp(a, "--heartbeat-period") == 0 && v) {
      uint64_t hp;
      if (!cli_parse_u64(v, 255, &hp)) return usage_error("bad --heartbeat-period (0-255)", v);
      o.heartbeat_s = (uint8_t)hp;
      o.heartbeat_set = true;
    } else if (strcmp(a, "--versions") == 0 && v) {
      if (!ot_ok(ot_spdm_vmask_parse(v, &o.versions)))
        return usage_error("bad --versions (a comma list of 1.0 1.1 1.2 1.3 1.4)", v);
    } else if (strcmp(a, "--trusted-env") == 0) {
      o.trusted_env = true;
      continue;
    } else if (strcmp(a, "--csr-reset") == 0) {
      o.csr_reset = true;
      continue;
    } else if (strcmp(a, "--key-pairs") == 0 && v) {
      uint64_t n;
      if (!cli_parse_u64(v, OT_SPDM_KP_MAX, &n) || n == 0)
        return usage_error("bad --key-pairs (1-8)", v);
      o.key_pairs = (unsigned)n;
    } else if (strcmp(a, "--multi-key") == 0 && v) {
      o.multi_key_set = true;
      if (strcmp(v, "neg") == 0)
        o.multi_key = OT_SPDM_CAP_MULTI_KEY_NEG;
      else if (strcmp(v, "only") == 0)
        o.multi_key = OT_SPDM_CAP_MULTI_KEY_ONLY;
      else if (strcmp(v, "off") == 0)
        o.multi_key = 0;
      else
        return usage_error("bad --multi-key (neg, only or off)", v);
    } else if (strcmp(a, "--state-dir") == 0 && v) {
      o.state_dir = v;
    } else if (strcmp(a, "--no-handshake-in-the-clear") == 0) {
      o.no_handshake_in_clear = true;
      continue;
    } else if (strcmp(a, "--fault") == 0 && v) {
      if (strcmp(v, "list") == 0) {
        list_faults();
        return OT_EXIT_OK;
      }
      char bad[48];
      if (!parse_faults(v, &o.faults, bad, sizeof(bad)))
        return usage_error("unknown fault (see --fault list)", bad);
    } else if (strcmp(a, "--seed") == 0 && v) {
      if (!cli_parse_u64(v, UINT64_MAX, &o.seed)) return usage_error("bad seed", v);
      o.has_seed = true;
    } else {
      return usage_error("unknown option or missing value", a);
    }
    i++;
  }
  char host[64];
  uint16_t port;
  if (!cli_parse_hostport(listen, host, sizeof(host), &port))
    return usage_error("bad address (want HOST:PORT)", listen);

  if (profile_path && identity_given)
    return usage_error("--profile and --identity exclude each other", NULL);
  if (endpoint && !profile_path) return usage_error("--endpoint needs --profile", NULL);
  /* The DMTF-sample device: sample keys, so the sample requester CAs and PSK. */
  bool sample = profile_path == NULL && o.identity != CLI_ID_GENERATE;
  bool sample_psk = false;
  /* spdm_requester_emu's TDISP steps address INTERFACE_ID 0xBEEF. */
  o.emu_tdi = sample && o.tdi_function == 0;
  /* spdm_responder_emu advertises MULTI_KEY_CAP 10b by default (DSP0274 1.3
   * CAPABILITIES bits 27:26): a requester that asks gets a multi-key
   * connection, and a multi-key requester is still asked for mutual
   * authentication (responder_mut_multi_key.c). */
  if (sample && !o.multi_key_set) {
    o.multi_key_set = true;
    o.multi_key = OT_SPDM_CAP_MULTI_KEY_NEG;
  }
  size_t sample_cas = 0;
  if (no_mut && (mut_mode || basic_mut || req_ca_count))
    return usage_error("--no-mut-auth excludes --mut-auth, --basic-mut-auth and --req-ca", NULL);
  if (no_psk && psk_no_finish) return usage_error("--no-psk excludes --psk-no-finish", NULL);
  if (sample && !no_psk) sample_psk = cli_psk_sample(&dev_psk); /* unless --psk/--psk-file */
  bool psk_bad = false;
  bool psk = cli_psk_ready(&dev_psk, &psk_bad, "opentsm device");
  if (psk_bad) return OT_EXIT_USAGE;
  if (psk_no_finish && !psk) return usage_error("--psk-no-finish needs --psk", NULL);
  if (sample && !no_mut) {
    if (req_ca_count == 0) sample_cas = req_ca_count = device_sample_cas(o.key_dir, req_ca);
    /* spdm_responder_emu's defaults: 02h and basic, when there is a CA to
     * check the requester against (none: the keys are looked for later, and
     * their absence reported then). */
    if (mut_mode == NULL && !basic_mut && req_ca_count) {
      mut_mode = "encap";
      basic_mut = true;
    }
  }
  if ((mut_mode == NULL && !basic_mut) != (req_ca_count == 0))
    return usage_error(sample ? "no DMTF sample requester CA (<alg>/ca.cert.der) in the keys "
                                "directory: give --req-ca or --no-mut-auth"
                              : "--mut-auth / --basic-mut-auth and --req-ca go together",
                       NULL);
  if (o.trusted_env && !o.state_dir) return usage_error("--trusted-env needs --state-dir", NULL);
  if (o.csr_reset && !o.state_dir) return usage_error("--csr-reset needs --state-dir", NULL);

  cli_device *d = calloc(1, sizeof(*d));
  ot_sim_topology *topo = profile_path ? calloc(1, sizeof(*topo)) : NULL;
  if (d == NULL || (profile_path && topo == NULL)) {
    fprintf(stderr, "opentsm device: out of memory\n");
    free(d);
    free(topo);
    return OT_EXIT_FAILURE;
  }
  const char *label = o.identity == CLI_ID_GENERATE         ? "generated P-384"
                      : o.identity == CLI_ID_SAMPLE_P256    ? "DMTF sample P-256"
                      : o.identity == CLI_ID_SAMPLE_RSA2048 ? "DMTF sample RSA-2048"
                      : o.identity == CLI_ID_SAMPLE_RSA3072 ? "DMTF sample RSA-3072"
                      : o.identity == CLI_ID_SAMPLE_RSA4096 ? "DMTF sample RSA-4096"
                                                            : "DMTF sample P-384";
  char profile_label[96];
  if (profile_path) {
    int prc = pick_profile(profile_path, endpoint, topo, &o.profile);
    if (prc != OT_EXIT_OK) {
      free(topo);
      free(d);
      return prc;
    }
    snprintf(profile_label, sizeof(profile_label), "endpoint %s of %s", o.profile->name,
             profile_path);
    label = profile_label;
  }
  /* Listen first, then load and check the identity: a requester that
   * connects meanwhile waits in the listen backlog, so the device's start-up
   * overlaps the requester's own. Nothing is read from a connection before
   * the identity is in place, and a failure closes the socket unanswered. */
  ot_doe_socket_server srv = {.listen_fd = -1};
  ot_status st = ot_doe_socket_listen(&srv, host, port);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm device: cannot listen on %s:%u (%s)\n", host, port,
            ot_status_message(st));
    free(topo);
    free(d);
    return OT_EXIT_IO;
  }
  const char *what = "";
  st = cli_device_init(d, &o, &what);
  if (!ot_ok(st)) {
    bool keys = strcmp(what, "loading the DMTF sample keys") == 0;
    fprintf(stderr, "opentsm device: %s failed (%s)%s%s\n", what, ot_status_message(st),
            keys ? "; sample keys looked for in " : "", keys ? o.key_dir : "");
    ot_doe_socket_server_close(&srv);
    free(topo);
    free(d);
    return ot_is(st, OT_E_IO) || ot_is(st, OT_E_NOT_FOUND) ? OT_EXIT_IO : OT_EXIT_FAILURE;
  }
  cli_capture cap;
  int rc;
  if (!cli_capture_open(&cap, pcap, keylog, "opentsm device")) {
    ot_doe_socket_server_close(&srv);
    cli_device_free(d);
    free(d);
    free(topo);
    return OT_EXIT_IO;
  }
  if (pcap) {
    d->doe.observe = cli_capture_observe;
    d->doe.observe_ctx = &cap;
  }
  if (keylog) {
    d->dsm.rcfg.keylog = cli_capture_keylog;
    d->dsm.rcfg.keylog_psk = cli_capture_keylog_psk;
    d->dsm.rcfg.keylog_ctx = &cap;
  }
  if (psk) {
    /* DSP0274 1.3 CAPABILITIES PSK_CAP: 10b (ResponderContext, PSK_FINISH) or
     * with --psk-no-finish 01b. The responder borrows the configuration. */
    d->dsm.rcfg.caps |= psk_no_finish ? OT_SPDM_CAP_PSK : OT_SPDM_CAP_PSK_WITH_CONTEXT;
    d->dsm.rcfg.psk = &dev_psk.psk;
    d->dsm.rcfg.psk_count = 1;
  }
  if (mut_mode || basic_mut) {
    rc = device_mut_auth(d, mut_mode, basic_mut, req_ca, req_ca_count);
    if (rc != OT_EXIT_OK) goto out;
  }
  if (root_out) {
    ot_x509_cert root;
    st = ot_spdm_identity_root(&d->id, 0, &root);
    if (ot_ok(st)) st = cli_write_file(root_out, root.der, root.len, 0644, true);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm device: cannot write %s (%s)\n", root_out, ot_status_message(st));
      rc = OT_EXIT_IO;
      goto out;
    }
  }
  st = wake_pipe_open();
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm device: cannot make the signal pipe (%s)\n", ot_status_message(st));
    rc = OT_EXIT_IO;
    goto out;
  }
  lim.wake_fd = wake_pipe[0];
  /* Non-blocking listener: a client gone between poll() and accept() must
   * not leave accept() waiting for the next one, deaf to signals. */
  int lfl = fcntl(srv.listen_fd, F_GETFL);
  if (lfl < 0 || fcntl(srv.listen_fd, F_SETFL, lfl | O_NONBLOCK) != 0) {
    fprintf(stderr, "opentsm device: cannot set up the listener (%s)\n", strerror(errno));
    rc = OT_EXIT_IO;
    goto out;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  if (o.faults) {
    fprintf(stderr, "opentsm device: DELIBERATE FAULTS, not a conforming device:");
    for (unsigned f = 0; f < OT_DSM_FAULT_COUNT; f++)
      if ((o.faults >> f) & 1u) fprintf(stderr, " %s", ot_sim_dsm_fault_get(f)->name);
    fprintf(stderr, "\n");
  }
  char vers[24] = "";
  for (uint8_t v = OT_SPDM_VERSION_10, n = 0; v <= OT_SPDM_VERSION_14; v++) {
    if (!((o.versions ? o.versions : OT_SPDM_VMASK_ALL) & ot_spdm_vmask_of(v))) continue;
    snprintf(vers + strlen(vers), sizeof(vers) - strlen(vers), "%s1.%u", n++ ? "/" : "", v & 0xFu);
  }
  printf("opentsm device: listening on %s:%u (identity %s, SPDM %s, IDE_KM, TDISP, spdm-emu "
         "socket protocol over PCI DOE)\n",
         host, srv.port, label, vers);
  if (psk)
    printf("opentsm device: PSK sessions offered (PSK_CAP %s, PSKHint of %zu bytes%s)\n",
           psk_no_finish ? "01b, no PSK_FINISH" : "10b", dev_psk.psk.hint_len,
           sample_psk ? "; DMTF sample PSK (public) TestPskData/TestPskHint" : "");
  if (mut_mode || basic_mut)
    printf("opentsm device: mutual authentication asked (%s%s%s), requester chains checked "
           "against %zu %s\n",
           mut_mode ? "MutAuthRequested " : "",
           mut_mode ? (strcmp(mut_mode, "digests") == 0     ? "04h"
                       : strcmp(mut_mode, "requested") == 0 ? "01h"
                                                            : "02h")
                    : "",
           basic_mut ? (mut_mode ? ", basic" : "basic") : "", req_ca_count,
           sample_cas ? "DMTF sample requester CA(s)" : "--req-ca root(s)");
  fflush(stdout);
  rc = serve(d, &srv, &lim);
  /* Further signals wait (blocked) until exit: the handler must not write to
   * the pipe while it closes, and a second SIGTERM must not cut the clean-up. */
  sigset_t stop_set;
  sigemptyset(&stop_set);
  sigaddset(&stop_set, SIGINT);
  sigaddset(&stop_set, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_set, NULL);
out:
  wake_pipe_close();
  ot_doe_socket_server_close(&srv);
  if (!cli_capture_close(&cap, "opentsm device") && rc == OT_EXIT_OK) rc = OT_EXIT_IO;
  cli_device_free(d);
  free(d);
  free(topo);
  return rc;
}
