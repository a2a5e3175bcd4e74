/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small helpers shared by the CLI's subcommands: option values, HOST:PORT,
 * a deterministic or OS random source, files written without clobbering,
 * and the readable parts of a DER certificate for reports. Nothing here is
 * a protocol: errors are reported by the caller with the CLI's exit codes.
 */
#ifndef OPENTSM_TOOL_CLI_UTIL_H
#define OPENTSM_TOOL_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_csr_state.h"
#include "cli_key_pairs.h"
#include "cli_state.h"
#include "opentsm/crypto.h"
#include "opentsm/status.h"

/* Parses a decimal unsigned number in [0, max]; false if it is not one. */
bool cli_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* "HOST:PORT", "[V6]:PORT" or ":PORT"/"PORT" (host 127.0.0.1). host receives
 * the numeric address (NUL-terminated). False for anything else. */
bool cli_parse_hostport(const char *s, char *host, size_t host_cap, uint16_t *port);

/* A random source: a DRBG seeded from `seed` (reproducible runs) when
 * has_seed, else the OS generator. cli_rng_free wipes the DRBG. */
typedef struct cli_rng {
  ot_drbg drbg;
  bool seeded;
} cli_rng;
OT_RESULT cli_rng_init(cli_rng *r, bool has_seed, uint64_t seed, const char *purpose);
ot_rng *cli_rng_get(cli_rng *r);
void cli_rng_free(cli_rng *r);

/* Reads a whole file into buf[0..cap). OT_E_IO (cannot open/read),
 * OT_E_TOO_LARGE (longer than cap). */
OT_RESULT cli_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len);

/* Writes buf[0..len) to DIR/name atomically (DIR/name.tmp with mode 0600,
 * fsync, rename, fsync of DIR): the device's state files. OT_E_IO, the old file intact, on any
 * failure. */
OT_RESULT cli_write_atomic(const char *dir, const char *name, const uint8_t *buf, size_t len);

/* Reads DIR/name whole for a state file of at most max bytes: *out is a
 * fresh buffer of max + 1 bytes holding *len bytes (*len == max + 1: the file
 * is longer), which the caller frees; *out NULL when there is no such file
 * (nothing kept yet). OT_E_IO with *why "cannot open it" / "read error". */
OT_RESULT cli_read_state_file(const char *dir, const char *name, size_t max, uint8_t **out,
                              size_t *len, char *why, size_t cap);

/* Writes data to path with `mode`, refusing an existing file unless force
 * (O_EXCL). OT_E_EXISTS, OT_E_IO. */
OT_RESULT cli_write_file(const char *path, const uint8_t *data, size_t len, unsigned mode,
                         bool force);

/* Lower-case hex of data into out (2*len+1 bytes), truncated to fit cap. */
void cli_hex(const uint8_t *data, size_t len, char *out, size_t cap);

/* Prints s as a JSON string literal (quotes included). */
void cli_json_string(FILE *f, const char *s);

/* ---- the simulated device `opentsm device` serves (cmd_device.c) ----------- */

#include "opentsm/doe_socket.h"
#include "opentsm/sim_dsm.h"
#include "opentsm/sim_topology.h"
#include "opentsm/spdm_identity.h"

typedef enum cli_identity {
  CLI_ID_SAMPLE_P384 = 0, /* DMTF sample keys: what spdm_responder_emu presents */
  CLI_ID_SAMPLE_P256,
  CLI_ID_GENERATE,       /* a fresh P-384 hierarchy from the rng */
  CLI_ID_SAMPLE_RSA2048, /* the DMTF rsa2048/3072/4096 sample identities */
  CLI_ID_SAMPLE_RSA3072,
  CLI_ID_SAMPLE_RSA4096,
} cli_identity;

typedef struct cli_device_opts {
  cli_identity identity;
  const char *key_dir; /* DMTF sample_key directory (sample identities) */
  /* An endpoint of a topology file (docs/topology.md): its identity
   * (generated from the seed, or chain and DER key files) and measurements
   * replace `identity` and the built-in measurements. NULL: not used. */
  const ot_sim_node_desc *profile;
  bool has_seed;
  uint64_t seed;
  /* IDE_KM ports (QUERY_RESP MaxPortIndex = ports - 1); 0 = one. */
  unsigned ports;
  /* INTERFACE_ID Function ID of the TDI; 0 = CLI_DEVICE_TDI_DEFAULT. */
  uint32_t tdi_function;
  /* Also serve a second TDI with CLI_DEVICE_TDI_EMU, the INTERFACE_ID
   * spdm_requester_emu's TDISP steps use (the DMTF-sample device). */
  bool emu_tdi;
  /* Deliberate faults (opentsm/sim_dsm.h ot_sim_dsm_fault bits); 0 = none. */
  uint64_t faults;
  /* KEY_EXCHANGE_RSP HeartbeatPeriod in seconds when heartbeat_set. */
  bool heartbeat_set;
  uint8_t heartbeat_s;
  /* SPDM versions offered (OT_SPDM_VMASK_*); 0 = all, 1.0 .. 1.4. */
  uint8_t versions;
  /* Leave HANDSHAKE_IN_THE_CLEAR_CAP out (--no-handshake-in-the-clear). */
  bool no_handshake_in_clear;
  /* --state-dir: where SET_CERTIFICATE's slots are kept (cli_state.h);
   * NULL: no SET_CERT_CAP. --trusted-env: slot 0 may be set in the clear. */
  const char *state_dir;
  bool trusted_env;
  /* --csr-reset: CERT_INSTALL_RESET_CAP; GET_CSR (1.3+) answered ResetRequired
   * with a CSRTrackingTag, the CSR kept in state_dir (cli_csr_state.h). */
  bool csr_reset;
  /* --key-pairs N: TotalKeyPairs of KEY_PAIR_INFO (0 = one, the identity's). */
  unsigned key_pairs;
  /* --multi-key neg|only|off: MULTI_KEY_CAP (DSP0274 1.3 CAPABILITIES bits
   * 27:26) when multi_key_set, else off (cli_multi_key.c). */
  bool multi_key_set;
  uint32_t multi_key;
} cli_device_opts;

#define CLI_DEVICE_TDI_DEFAULT 0x100u
#define CLI_DEVICE_TDI_EMU 0xBEEFu

typedef struct cli_device cli_device;

/* One of the DSM's DOE protocols, followed by the device's stream policy. */
typedef struct cli_device_proto {
  ot_doe_protocol base; /* must be first */
  cli_device *dev;
  ot_doe_protocol *inner;
} cli_device_proto;

/*
 * A DSM (SPDM responder, IDE_KM over the IDE capability of its config space,
 * TDISP with one TDI) over an identity; large: heap.
 *
 * Stream policy (a simulation choice, docs/cli.md "Socket devices and IDE"):
 * over a socket nobody writes the device's config space, so the device sets
 * Enable of a Selective IDE Stream block itself once all six keys of the
 * stream the block holds are installed (IDE_KM KEY_PROG x 6; the stream then
 * reads Secure as soon as K_SET_GO reaches all six, PCIe r6.0 §7.9.26.5.3),
 * and clears it again once no key is left (K_SET_STOP x 6). The check runs
 * after every DOE request the device answers (cli_device_doe).
 */
struct cli_device {
  cli_rng rng;
  ot_spdm_hierarchy h;
  ot_spdm_identity id;
  ot_cfg_space cfg; /* the DSM function's config space: its IDE capability */
  ot_sim_dsm dsm;
  ot_sim_dsm_port *ports; /* IDE_KM ports 1.. (heap), ports_n of them */
  size_t ports_n;
  ot_tdisp_tdi_desc tdi_desc;
  ot_tdisp_tdi *tdi;
  ot_tdisp_tdi_desc emu_tdi_desc; /* opts.emu_tdi: the same TDI at CLI_DEVICE_TDI_EMU */
  ot_tdisp_tdi *emu_tdi;
  cli_device_proto plain, secured;
  ot_doe_responder doe;
  uint8_t rx[OT_SOCK_MAX_PAYLOAD], tx[OT_SOCK_MAX_PAYLOAD];
  /* SPDM 1.3 ENDPOINT_INFO and measurement extension log (cmd_device.c). */
  uint8_t ep_info[16], mel[4096];
  size_t ep_info_len, mel_len;
  cli_state state;       /* SET_CERTIFICATE slots and their file */
  cli_csr_state csr;     /* --csr-reset: pending CSRs and their file */
  ot_spdm_key_pairs kps; /* GET/SET_KEY_PAIR_INFO's key pairs (cli_key_pairs.h) */
  cli_key_pairs kps_state;
};

/* The DOE responder to serve (the DSM's protocols wrapped by the stream policy). */
static inline ot_doe_responder *cli_device_doe(cli_device *d) { return &d->doe; }
/* The stream policy above, run once (cli_device_doe runs it after each request). */
void cli_device_stream_policy(cli_device *d);

/* Builds the device; on failure everything is wiped. *what names the step. */
OT_RESULT cli_device_init(cli_device *d, const cli_device_opts *o, const char **what);
void cli_device_free(cli_device *d);
/* The device's key pairs from its identity and DIR/keypairs.bin, served by
 * GET_KEY_PAIR_INFO, and with a state dir changed by SET_KEY_PAIR_INFO
 * (cli_key_pairs.c). OT_E_ARG for a count below the identity's keys. */
OT_RESULT cli_device_key_pairs(cli_device *d, const cli_device_opts *o, char *why, size_t cap);
/* MULTI_KEY_CAP bits of the device: --multi-key, else 0 (cli_multi_key.c
 * says why not 10b as spdm_responder_emu). */
uint32_t cli_device_multi_key(const cli_device_opts *o);
/* Before the slots file is read: the key pair table from the identity and
 * DIR/keypairs.bin, its keys put into the identity (ot_spdm_key_pairs_to_
 * identity), so that slots written for a generated pair find its key. */
OT_RESULT cli_device_key_pairs_load(cli_device *d, const cli_device_opts *o, char *why,
                                    size_t cap);
/* After the slots file is read: each slot bound to the pair holding its key,
 * the slots' KeyUsageMask from their pairs (running and staged identity). */
OT_RESULT cli_device_key_pairs_bind(cli_device *d);
/* The sample-key directory: $OPENTSM_SAMPLE_KEYS, else the source tree's copy. */
const char *cli_default_key_dir(void);

/* One connect run without a report (bench): the exit code of connect. full
 * runs the whole recorded flow (connect --flow full). */
int cli_connect_quiet(const char *target, const char *anchor, bool shutdown, bool full);

/* ---- the subcommands of this file set, for the table in main.c ----------- */

#endif
