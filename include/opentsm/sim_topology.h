/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The simulator's topology: a description of a PCIe hierarchy (root complex,
 * root ports, switch ports, endpoints with their device profiles) and of the
 * interposer scenarios (taps on links), loaded from YAML or built in.
 * @layer sim
 *
 * This is a description only: nothing here has a config space or runs. The
 * platform (opentsm/sim_platform.h) instantiates it. The schema is documented
 * in docs/topology.md; examples/topologies/default.yaml is the built-in
 * default as a file.
 *
 * Loading is strict and transactional: unknown keys, wrong types, duplicate
 * keys or names, bad device/function numbers, references to unknown nodes,
 * impossible parent/child kinds and parent cycles are errors that name the
 * line and column (1-based) of the offending YAML node, and the output
 * topology is written only when the whole file is valid.
 *
 * Sizes are fixed (OT_SIM_MAX_*) so that a topology is one caller-owned
 * object with no pointers into the YAML text. It is large (a few hundred KiB):
 * allocate it, do not put it on the stack.
 */
#ifndef OPENTSM_SIM_TOPOLOGY_H
#define OPENTSM_SIM_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/doe.h"
#include "opentsm/status.h"

#define OT_SIM_NAME_MAX 32u     /* names: 1..31 of [A-Za-z0-9_.-], NUL-terminated */
#define OT_SIM_PATH_MAX 256u    /* file paths, NUL-terminated */
#define OT_SIM_MAX_NODES 64u    /* nodes of a topology */
#define OT_SIM_MAX_FUNCTIONS 8u /* functions of one endpoint (PCIe r6.0 §7.2.2: 3-bit Function) */
#define OT_SIM_MAX_BARS 6u      /* Type 0 BARs, PCIe r6.0 §7.5.1.2.1 */
#define OT_SIM_MAX_PROTOCOLS 7u /* DOE protocols besides Discovery (OT_DOE_MAX_PROTOCOLS - 1) */
#define OT_SIM_MAX_MEASUREMENTS 16u
#define OT_SIM_MEASUREMENT_MAX 64u /* bytes of one measurement value (a SHA-512 digest) */
#define OT_SIM_MAX_TDIS 8u
#define OT_SIM_MAX_TAPS 32u /* over all scenarios */
#define OT_SIM_MAX_SCENARIOS 16u
#define OT_SIM_TAP_MAX_FLIPS 8u
#define OT_SIM_TAP_INJECT_MAX 256u      /* bytes of a forged TLP given in YAML */
#define OT_SIM_TOPO_TEXT_MAX (1u << 20) /* largest YAML text accepted */

_Static_assert(OT_SIM_MAX_PROTOCOLS + 1u == OT_DOE_MAX_PROTOCOLS,
               "a mailbox's responder table holds every listed protocol");

/* Where a value came from in the YAML text (1-based; 0 for built-in values). */
typedef struct ot_sim_mark {
  uint32_t line;
  uint32_t column;
} ot_sim_mark;

typedef enum ot_sim_node_kind {
  OT_SIM_ROOT_COMPLEX = 0,  /* host bridge: owns the root bus, has no config space here */
  OT_SIM_ROOT_PORT,         /* Type 1, Device/Port Type 0100b (PCIe r6.0 §7.5.3.2) */
  OT_SIM_SWITCH_UPSTREAM,   /* Type 1, 0101b */
  OT_SIM_SWITCH_DOWNSTREAM, /* Type 1, 0110b */
  OT_SIM_ENDPOINT,          /* Type 0 functions, 0000b */
  OT_SIM_NODE_KIND_COUNT
} ot_sim_node_kind;

/* "root_complex", "root_port", ...; "?" for an unknown value. */
const char *ot_sim_node_kind_name(ot_sim_node_kind k);

/* A Memory Space BAR (PCIe r6.0 §7.5.1.2.1). I/O BARs are not modelled. */
typedef enum ot_sim_bar_type {
  OT_SIM_BAR_MEM32 = 0,
  OT_SIM_BAR_MEM64, /* takes this BAR and the next for the upper 32 bits */
} ot_sim_bar_type;

/* PCIe r6.0 §7.5.1.2.1: "the minimum memory address range requested by a BAR is 128 bytes". */
#define OT_SIM_BAR_MIN_SIZE 128u
#define OT_SIM_BAR_MAX_SIZE (UINT64_C(1) << 48)

typedef struct ot_sim_bar_desc {
  uint8_t index; /* 0..5; a 64-bit BAR 0..4 */
  ot_sim_bar_type type;
  bool prefetchable;
  uint64_t size; /* a power of two, OT_SIM_BAR_MIN_SIZE..OT_SIM_BAR_MAX_SIZE (2 GiB for MEM32) */
} ot_sim_bar_desc;

/* The DOE mailbox of a function (PCIe r6.0 §6.30, §7.9.24). */
typedef struct ot_sim_doe_desc {
  bool present;
  uint8_t cap_version;  /* 1 or 2 */
  uint64_t latency_ns;  /* Go to Data Object Ready */
  uint32_t buffer_size; /* request and response buffers, bytes: 64..1 MiB, a multiple of 4 */
  ot_doe_feature protocols[OT_SIM_MAX_PROTOCOLS]; /* besides Discovery, in Discovery order */
  size_t protocol_count;
} ot_sim_doe_desc;

typedef struct ot_sim_function_desc {
  uint8_t devfn; /* device << 3 | function */
  uint16_t device_id;
  uint32_t class_code; /* 24 bits */
  uint8_t revision;
  uint16_t subsys_vendor, subsys_id;
  ot_sim_bar_desc bars[OT_SIM_MAX_BARS];
  size_t bar_count;
  ot_sim_doe_desc doe;
  ot_sim_mark mark;
} ot_sim_function_desc;

#define OT_SIM_DEVFN(dev, fn) ((uint8_t)(((dev) << 3) | (fn)))
#define OT_SIM_DEVFN_DEV(devfn) ((uint8_t)((devfn) >> 3))
#define OT_SIM_DEVFN_FN(devfn) ((uint8_t)((devfn)&7u))

/* ---- placeholders for later layers (parsed and validated, stored) ------------ */

typedef enum ot_sim_source {
  OT_SIM_SOURCE_NONE = 0, /* not given */
  OT_SIM_SOURCE_GENERATE, /* "generate": made at platform start from the seed */
  OT_SIM_SOURCE_FILE,     /* a file; path resolved against the topology file's directory */
} ot_sim_source;

typedef enum ot_sim_key_alg {
  OT_SIM_ALG_ECDSA_P256 = 0,
  OT_SIM_ALG_ECDSA_P384,
  OT_SIM_ALG_ED25519,
} ot_sim_key_alg;

typedef struct ot_sim_identity_desc {
  ot_sim_source chain;
  char chain_path[OT_SIM_PATH_MAX]; /* DER certificate chain, root first (DSP0274 §10.6.1) */
  ot_sim_source key;
  char key_path[OT_SIM_PATH_MAX]; /* the leaf's private key (PEM or DER) */
  ot_sim_key_alg algorithm;
} ot_sim_identity_desc;

/* DSP0274 1.3 Table 54 (DMTF measurement specification): DMTFSpecMeasurementValueType. */
typedef enum ot_sim_meas_type {
  OT_SIM_MEAS_IMMUTABLE_ROM = 0,
  OT_SIM_MEAS_MUTABLE_FIRMWARE = 1,
  OT_SIM_MEAS_HARDWARE_CONFIG = 2,
  OT_SIM_MEAS_FIRMWARE_CONFIG = 3,
  OT_SIM_MEAS_MANIFEST = 4,
  OT_SIM_MEAS_DEVICE_MODE = 5,
  OT_SIM_MEAS_FIRMWARE_VERSION = 6,
  OT_SIM_MEAS_SECURITY_VERSION = 7,
} ot_sim_meas_type;

typedef struct ot_sim_measurement_desc {
  uint8_t index; /* 1..0xFE: DSP0274 1.3 §10.11 (0 and 0xFF are request selectors) */
  ot_sim_meas_type type;
  uint8_t value[OT_SIM_MEASUREMENT_MAX];
  size_t value_len; /* 1..OT_SIM_MEASUREMENT_MAX */
} ot_sim_measurement_desc;

/* A TDISP device interface (TDI): one function and the BARs that form its MMIO ranges. */
typedef struct ot_sim_tdi_desc {
  uint8_t devfn;    /* the function (of this endpoint) */
  uint8_t bar_mask; /* bit i: BAR i of that function */
} ot_sim_tdi_desc;

/* IDE capability of a port (SPEC-FACTS §5.1). */
typedef struct ot_sim_ide_desc {
  bool present;
  uint8_t link_tcs;           /* Link IDE: number of TCs, 0 (unsupported) .. 8 */
  uint16_t selective_streams; /* 0 (unsupported) .. 256 */
  uint8_t addr_assoc_blocks;  /* per selective stream, 0..15 */
  bool flow_through, ide_km, tee_limited, pcrc, aggregation, sel_cfg;
} ot_sim_ide_desc;

/* The link from a node up to its parent port (not for root ports' parent, the RC). */
typedef struct ot_sim_link_desc {
  uint64_t latency_ns;
  uint8_t speed; /* PCIe generation 1..6 (2.5 .. 64 GT/s) */
  uint8_t width; /* 1, 2, 4, 8, 16 */
} ot_sim_link_desc;

typedef struct ot_sim_node_desc {
  char name[OT_SIM_NAME_MAX];
  ot_sim_node_kind kind;
  int parent;       /* index into nodes[], -1 for the root complex */
  uint8_t root_bus; /* root complex only */
  uint16_t vendor;
  /* Bridges have exactly one function (their devfn on the parent's bus). */
  ot_sim_function_desc functions[OT_SIM_MAX_FUNCTIONS];
  size_t function_count;
  ot_sim_link_desc link; /* nodes whose parent is a port: the link to it */
  ot_sim_identity_desc identity;
  ot_sim_measurement_desc measurements[OT_SIM_MAX_MEASUREMENTS];
  size_t measurement_count;
  ot_sim_tdi_desc tdis[OT_SIM_MAX_TDIS];
  size_t tdi_count;
  ot_sim_ide_desc ide;
  ot_sim_mark mark;
} ot_sim_node_desc;

/* ---- interposer scenarios ------------------------------------------------------ */

typedef enum ot_sim_tap_action {
  OT_SIM_TAP_OBSERVE = 0, /* keep every byte seen (the key-exposure audit) */
  OT_SIM_TAP_RECORD,      /* write matched TLPs to a pcap file */
  OT_SIM_TAP_DROP,        /* matched TLPs vanish */
  OT_SIM_TAP_REPLAY,      /* a copy of a matched TLP is sent again later */
  OT_SIM_TAP_REORDER,     /* a matched TLP is held and released after the next one */
  OT_SIM_TAP_MODIFY,      /* bits of matched TLPs are flipped (or a callback runs) */
  OT_SIM_TAP_INJECT,      /* a forged TLP is sent after each matched one */
  OT_SIM_TAP_ACTION_COUNT
} ot_sim_tap_action;

const char *ot_sim_tap_action_name(ot_sim_tap_action a);

/* Direction on a link: downstream = away from the root complex. */
typedef enum ot_sim_dir {
  OT_SIM_DOWNSTREAM = 0,
  OT_SIM_UPSTREAM = 1,
} ot_sim_dir;

/* Which TLPs a tap acts on. */
typedef struct ot_sim_match {
  bool any_dir; /* both directions, else only `dir` */
  ot_sim_dir dir;
  uint32_t nth; /* 0: every TLP that passes the direction filter; n: only the n-th (1-based) */
} ot_sim_match;

typedef struct ot_sim_bit_flip {
  uint32_t offset; /* byte offset in the TLP; a TLP shorter than that is left alone */
  uint8_t mask;    /* XORed into that byte */
} ot_sim_bit_flip;

typedef struct ot_sim_tap_desc {
  char name[OT_SIM_NAME_MAX];
  int link; /* node index: the link between that node and its parent port */
  ot_sim_tap_action action;
  ot_sim_match match;
  uint64_t delay_ns; /* REPLAY: how long after the original the copy is sent */
  ot_sim_bit_flip flips[OT_SIM_TAP_MAX_FLIPS]; /* MODIFY */
  size_t flip_count;
  uint8_t inject[OT_SIM_TAP_INJECT_MAX]; /* INJECT: the forged TLP */
  size_t inject_len;
  char file[OT_SIM_PATH_MAX]; /* RECORD */
  ot_sim_mark mark;
} ot_sim_tap_desc;

typedef struct ot_sim_scenario_desc {
  char name[OT_SIM_NAME_MAX];
  size_t first_tap; /* its taps are taps[first_tap .. first_tap + tap_count) */
  size_t tap_count;
} ot_sim_scenario_desc;

/* ---- the topology ---------------------------------------------------------------- */

typedef struct ot_sim_topology {
  char name[OT_SIM_NAME_MAX];
  ot_sim_node_desc nodes[OT_SIM_MAX_NODES]; /* parents before children */
  size_t node_count;
  ot_sim_tap_desc taps[OT_SIM_MAX_TAPS];
  size_t tap_count;
  ot_sim_scenario_desc scenarios[OT_SIM_MAX_SCENARIOS];
  size_t scenario_count;
} ot_sim_topology;

/* Why a load failed: position of the offending YAML node and a sentence. */
typedef struct ot_sim_topo_error {
  ot_sim_mark mark; /* 0/0 when the error has no position (e.g. a file that cannot be read) */
  char message[192];
} ot_sim_topo_error;

/*
 * Parses YAML text[0..len) into *out. `base_dir` (may be NULL: the current
 * directory) resolves relative file paths in identity entries; when it is not
 * NULL those files must be readable. Errors, with *err filled (err may be NULL):
 *   OT_E_MALFORMED  YAML syntax, wrong types, unknown or missing keys, bad
 *                   values (device/function numbers, sizes, enums), parent
 *                   cycles, impossible parent kinds
 *   OT_E_EXISTS     duplicate key in a mapping, duplicate node/tap/scenario
 *                   name, two functions at one device/function number
 *   OT_E_NOT_FOUND  a reference (parent, link, TDI function or BAR) to
 *                   something that does not exist
 *   OT_E_TOO_LARGE  more than the OT_SIM_MAX_* of something, or text longer
 *                   than OT_SIM_TOPO_TEXT_MAX
 *   OT_E_IO         an identity file that cannot be read
 *   OT_E_NOMEM
 * *out is written only on success (nodes sorted parents first).
 */
OT_RESULT ot_sim_topology_parse(const char *text, size_t len, const char *base_dir,
                                ot_sim_topology *out, ot_sim_topo_error *err);

/* Reads the file and parses it with its directory as base_dir. OT_E_IO if unreadable. */
OT_RESULT ot_sim_topology_load(const char *path, ot_sim_topology *out, ot_sim_topo_error *err);

/*
 * The built-in default: one root complex, one root port, a switch (upstream
 * port, two downstream ports), a GPU-like endpoint with two functions and two
 * TDIs, and an NVMe-like endpoint. examples/topologies/default.yaml says the
 * same in YAML.
 */
OT_RESULT ot_sim_topology_default(ot_sim_topology *out);
/* The YAML text of the built-in default (NUL-terminated, static). */
const char *ot_sim_topology_default_yaml(void);

/* ot_sim_topology_load(path) when path is not NULL, else the built-in default. */
OT_RESULT ot_sim_topology_load_or_default(const char *path, ot_sim_topology *out,
                                          ot_sim_topo_error *err);

/* Index of the node called `name`, or -1. */
int ot_sim_topology_find(const ot_sim_topology *t, const char *name);
/* Index of the scenario called `name`, or -1. */
int ot_sim_topology_find_scenario(const ot_sim_topology *t, const char *name);

#endif /* OPENTSM_SIM_TOPOLOGY_H */
