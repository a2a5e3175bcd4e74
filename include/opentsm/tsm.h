/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TEE Security Manager: authenticates devices, opens a secure session
 * with each, binds their interfaces to confidential guests, and hands guests
 * evidence they can check themselves (DESIGN.md §1, §4).
 * @layer tsm
 *
 * Trust boundary. The TSM talks to a device's security manager only through
 * an ot_doe_transport the (untrusted) host provides: the host moves opaque
 * DOE objects and never sees a secret, because everything secret is inside
 * SPDM (signatures, ECDHE) or inside the secured session (DSP0277). Platform
 * registers are reached through the backend (opentsm/tsm_backend.h).
 *
 * Objects, all caller-owned, no allocation on any path:
 *   ot_tsm      one per platform: policy (borrowed), backend, DRBG, clock,
 *               scratch buffers shared by all devices (one call at a time).
 *   ot_tsm_dev  one per device (DSM): the SPDM requester and its session.
 *               sizeof(ot_tsm_dev) is the TSM's memory per connected device
 *               (OT_TSM_DEV_BUDGET, checked at compile time).
 *   ot_tsm_tdi  one per device interface a guest may be given: the TDISP
 *               requester (and its START nonce).
 *
 * Refusals. Every operation that can be refused takes an ot_tsm_refusal and
 * fills it on failure: a reason code (the table below), the underlying
 * status, and a sentence the caller can print ("measurement 2 differs from
 * the policy's reference"). A refused operation leaves nothing behind:
 * steps already done are undone in reverse order, secrets are wiped, and the
 * device or TDI is in the state it was in before the call.
 *
 * Lifecycle:
 *   ot_tsm_init -> ot_tsm_dev_init -> ot_tsm_connect -> [ot_tsm_tdi_init ->
 *   ot_tsm_bind -> ot_tsm_start -> ot_tsm_guest_request* -> ot_tsm_unbind]
 *   -> ot_tsm_disconnect -> (connect again) ... -> ot_tsm_dev_free -> ot_tsm_free
 */
#ifndef OPENTSM_TSM_H
#define OPENTSM_TSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "opentsm/clock.h"
#include "opentsm/crypto.h"
#include "opentsm/doe.h"
#include "opentsm/ide_km.h"
#include "opentsm/rng.h"
#include "opentsm/spdm.h"
#include "opentsm/status.h"
#include "opentsm/tdisp.h"
#include "opentsm/tsm_backend.h"
#include "opentsm/tsm_policy.h"

/* ---- refusals ------------------------------------------------------------------- */

/* X(NAME, "what went wrong, for users") */
#define OT_TSM_REASON_TABLE(X)                                                                     \
  X(OT_TSM_R_NONE, "no refusal")                                                                   \
  X(OT_TSM_R_STATE, "operation not valid in the current state")                                    \
  X(OT_TSM_R_DEVICE_UNKNOWN, "device is not listed in the policy")                                 \
  X(OT_TSM_R_BACKEND, "the platform backend refused the device")                                   \
  X(OT_TSM_R_DOE, "device has no DOE mailbox serving SPDM and secured SPDM")                       \
  X(OT_TSM_R_TRANSPORT, "the relay to the device failed")                                          \
  X(OT_TSM_R_SPDM_VERSION, "device's SPDM version is below the policy's minimum")                  \
  X(OT_TSM_R_ALGORITHM, "device and policy have no algorithm in common")                           \
  X(OT_TSM_R_SPDM, "device broke the SPDM protocol")                                               \
  X(OT_TSM_R_NO_CERT, "device has no certificate in slot 0")                                       \
  X(OT_TSM_R_CERT_UNTRUSTED, "device's certificate chain is not trusted")                          \
  X(OT_TSM_R_KEY_MISMATCH, "device cannot prove it holds its certificate's key")                   \
  X(OT_TSM_R_MEAS_SIGNATURE, "device's measurement signature does not verify")                     \
  X(OT_TSM_R_MEAS_MISSING, "a measurement the policy requires is missing")                         \
  X(OT_TSM_R_MEAS_MISMATCH, "a measurement differs from the policy's reference")                   \
  X(OT_TSM_R_SESSION, "secure session could not be established")                                   \
  X(OT_TSM_R_SPDM_PRE_12, "device authenticated, but IDE_KM and TDISP need SPDM 1.2 or later")     \
  X(OT_TSM_R_IDE, "the IDE stream could not be established")                                       \
  X(OT_TSM_R_LIMIT, "a TSM limit is reached")                                                      \
  X(OT_TSM_R_GUEST_NOT_ALLOWED, "policy does not allow this device for this guest")                \
  X(OT_TSM_R_WRONG_GUEST, "the interface is bound to another guest")                               \
  X(OT_TSM_R_TDISP, "device refused a TDISP request")                                              \
  X(OT_TSM_R_REPORT, "interface report differs from what the platform expects")                    \
  X(OT_TSM_R_INTERNAL, "internal error")

typedef enum ot_tsm_reason {
#define OT_X_ENUM(name, text) name,
  OT_TSM_REASON_TABLE(OT_X_ENUM)
#undef OT_X_ENUM
      OT_TSM_R_COUNT
} ot_tsm_reason;

typedef struct ot_tsm_refusal {
  ot_tsm_reason reason;
  ot_status status; /* the status the operation returned */
  char detail[320]; /* one printable sentence, never secret */
} ot_tsm_refusal;

const char *ot_tsm_reason_name(ot_tsm_reason r); /* "OT_TSM_R_MEAS_MISMATCH" */
const char *ot_tsm_reason_text(ot_tsm_reason r); /* the table's text */

/* ---- evidence --------------------------------------------------------------------- */

#define OT_TSM_EV_CHAIN_MAX (OT_SPDM_ID_CHAIN_MAX + 4u + OT_HASH_MAX_SIZE)
#define OT_TSM_EV_MEAS_MAX 4096u
#define OT_TSM_EV_GETMEAS_MAX 64u
/* A whole signed MEASUREMENTS whose record is at most OT_TSM_EV_MEAS_MAX
 * (DSP0274 1.3 "Successful MEASUREMENTS response message format"): header
 * (4), NumberOfBlocks (1), MeasurementRecordLength (3), the record, Nonce,
 * OpaqueDataLength (2) and opaque data, RequesterContext (1.3), Signature;
 * a DOE object pads it to a DW (3). Every record connect takes is kept. */
#define OT_TSM_EV_MEAS_RSP_MAX                                                                     \
  (4u + 1u + 3u + OT_TSM_EV_MEAS_MAX + OT_SPDM_NONCE_SIZE + 2u + OT_SPDM_MAX_OPAQUE_DATA_SIZE +    \
   OT_SPDM_REQ_CONTEXT_SIZE + OT_SPDM_MAX_SIGNATURE_SIZE + 3u)

/*
 * What a guest receives about a device, enough to check it without trusting
 * the host: the SPDM certificate chain blob of slot 0 (DSP0274 1.3 §10.6
 * chain format), and a fresh signed MEASUREMENTS exchange with the nonce the
 * guest chose: the raw VCA transcript A, the GET_MEASUREMENTS request and the
 * MEASUREMENTS response (with its signature), so that L1 = A ‖ request ‖
 * response-without-signature can be recomputed and the signature checked
 * with the chain's leaf key (DSP0274 1.3 §10.11, "Signature generation");
 * plus the TDI's interface report and state fetched inside the session
 * (PCIe r6.0 §11.3). Nothing here is secret.
 */
typedef struct ot_tsm_evidence {
  char device[OT_TSM_NAME_MAX];
  uint8_t spdm_version;              /* 0x12 / 0x13 */
  uint32_t base_asym;                /* negotiated BaseAsymSel */
  uint32_t base_hash;                /* negotiated BaseHashSel */
  uint32_t meas_hash;                /* negotiated MeasurementHashAlgo */
  uint8_t nonce[OT_SPDM_NONCE_SIZE]; /* the nonce GET_MEASUREMENTS carried */
  uint8_t chain[OT_TSM_EV_CHAIN_MAX];
  size_t chain_len;
  uint8_t vca[OT_SPDM_VCA_MAX];
  size_t vca_len;
  uint8_t get_meas[OT_TSM_EV_GETMEAS_MAX];
  size_t get_meas_len;
  uint8_t meas[OT_TSM_EV_MEAS_RSP_MAX];
  size_t meas_len;
  bool has_report;
  uint32_t function_id;
  uint8_t tdi_state; /* OT_TDISP_STATE_* */
  uint8_t report[OT_TDISP_REPORT_MAX];
  size_t report_len;
} ot_tsm_evidence;

/*
 * The guest's own check of evidence: the chain against `anchors` at `now`
 * (responder role, the negotiated curve), the GET_MEASUREMENTS request
 * carries `nonce` and asks for a signature from slot 0, the MEASUREMENTS
 * signature verifies over L1 with the leaf key, and the interface report (if
 * any) parses. OT_E_CERT, OT_E_VERIFY, OT_E_MALFORMED...; why says which.
 */
OT_RESULT ot_tsm_evidence_verify(const ot_tsm_evidence *ev, const ot_x509_cert *anchors,
                                 size_t anchor_count, time_t now,
                                 const uint8_t nonce[static OT_SPDM_NONCE_SIZE],
                                 ot_tsm_refusal *why);

/* The DMTF measurement value of block `index` in evidence (pointer into ev).
 * OT_E_NOT_FOUND if absent; OT_E_MALFORMED if the record does not parse. */
OT_RESULT ot_tsm_evidence_measurement(const ot_tsm_evidence *ev, uint8_t index,
                                      const uint8_t **value, size_t *len);

/* ---- the TSM ------------------------------------------------------------------------ */

/* A TSM rng: its DRBG, with the next nonce optionally supplied by a guest. */
typedef struct ot_tsm_rng {
  ot_rng base; /* must be first */
  ot_drbg *drbg;
  uint8_t armed[OT_SPDM_NONCE_SIZE];
  bool is_armed;
} ot_tsm_rng;

/*
 * Key audit (tests only; leave NULL in production): called once with every
 * IDE key the TSM generates, before it is used, so a test can scan captured
 * traffic for it. It must not keep the bytes beyond such a scan.
 */
typedef struct ot_tsm_key_audit ot_tsm_key_audit;
struct ot_tsm_key_audit {
  void (*key)(ot_tsm_key_audit *a, const uint8_t *key, size_t len);
};

/*
 * Known devices: a certificate chain the TSM retrieved and validated, kept
 * by its digest so that a device whose GET_DIGESTS names it again is not
 * asked for it (GET_CERTIFICATE) nor is it validated again; the device still
 * proves it holds the leaf key (CHALLENGE, KEY_EXCHANGE), which is checked
 * with the kept key. DSP0274 1.3 §10.5 (a DIGESTS entry is the hash of the
 * slot's chain under the negotiated hash) and §10.6 (GET_CERTIFICATE
 * retrieves the chain, which a requester holding it need not do again).
 * Not tied to the responder's CACHE_CAP: that flag (DSP0274 §10.3, Table
 * "Flag fields") is about the responder keeping the negotiated state of VCA
 * across a reset (and END_SESSION's NegotiatedStateClearingIndicator), not
 * about certificates. An entry is used only with the same hash, the same
 * BaseAsymAlgo, the same digest, under the anchors it was validated
 * against, with the same certificate model, and while the validation time
 * lies in the validity window of the whole path; ot_tsm_set_policy and
 * ot_tsm_known_flush forget every entry. The model: on a 1.3 multi-key
 * connection DIGESTS reports slot 0's CertModel (DSP0274 1.3 §10.5
 * CertificateInfo), which selects the leaf profile the chain is validated
 * under (DeviceCert or AliasCert); a chain validated under one model is not
 * vouched for under another, so a different model is a miss.
 */
typedef struct ot_tsm_known_chain {
  bool used;
  ot_hash_alg hash;
  uint32_t base_asym;
  bool multi_key;     /* validated on a multi-key connection (multi_key_conn) */
  uint8_t cert_model; /* then slot 0's CertModel (OT_SPDM_CERT_MODEL_*); else 0 */
  uint8_t digest[OT_HASH_MAX_SIZE];
  uint8_t pub[OT_PUBLIC_KEY_MAX]; /* leaf public key */
  size_t pub_len;
  time_t valid_from, valid_until; /* the validated path's window */
  const ot_x509_cert *anchors;    /* what it was validated against */
  size_t anchor_count;
  uint64_t last_use; /* replacement: the least recently used entry goes */
} ot_tsm_known_chain;

/* What the cache did (ot_tsm.known_stats). */
typedef struct ot_tsm_known_stats {
  uint64_t hits;      /* connects that skipped GET_CERTIFICATE */
  uint64_t misses;    /* connects that fetched and validated the chain */
  uint64_t evictions; /* entries replaced to make room */
  uint64_t expired;   /* entries dropped because the time left their window */
} ot_tsm_known_stats;

/* ot_tsm_config.multi_key: the TSM's MULTI_KEY_CAP as a requester. */
typedef enum ot_tsm_multi_key {
  OT_TSM_MULTI_KEY_AUTO = 0, /* NEG with an identity, OFF without */
  OT_TSM_MULTI_KEY_OFF,
  OT_TSM_MULTI_KEY_NEG,
  OT_TSM_MULTI_KEY_ONLY,
} ot_tsm_multi_key;

typedef struct ot_tsm_config {
  const ot_tsm_policy *policy; /* borrowed; anchors must be loaded */
  ot_tsm_backend *backend;     /* borrowed; NULL: no platform link programming */
  ot_rng *entropy;             /* seeds the TSM's DRBG (ot_rng_os() in production) */
  ot_clock *clock;             /* waits (ResponseNotReady) and certificate time */
  /* Certificate validation time: wall_epoch + clock seconds (UTC), so that a
   * simulated clock gives reproducible verdicts. */
  time_t wall_epoch;
  ot_tsm_key_audit *audit; /* NULL (see above) */
  /* Caller-owned storage for known chains (see ot_tsm_known_chain): at most
   * known_cap chains are kept (224 bytes each on LP64; nothing else is
   * allocated for them), the least recently used replaced when full; NULL /
   * 0 turns the cache off (every connect fetches and validates the chain). */
  ot_tsm_known_chain *known;
  size_t known_cap;
  /* Optional (NULL: off): decoded issuer certificates kept across connects
   * (see ot_x509_cache), so that a device whose vendor's intermediates and
   * root were met before costs one certificate decode, its leaf. Borrowed;
   * used by this TSM's thread only. */
  ot_x509_cache *x509_cache;
  /* The TSM's own SPDM identity for mutual authentication (DSP0274 §10.9
   * MutAuthRequested, §10.7 basic mutual authentication), borrowed; NULL: the
   * TSM does not set MUT_AUTH_CAP and a device cannot authenticate it. */
  const ot_spdm_identity *identity;
  /* The MULTI_KEY_CAP the TSM sets with an identity (DSP0274 1.3 §10.4;
   * only mutual authentication uses the requester's keys): AUTO is NEG (10b,
   * the device chooses RequesterMultiKeyConn, as DMTF's requester does by
   * default), OFF 00b, ONLY 01b (a 1.3 device that does not take a
   * multi-key requester is refused). Without an identity only AUTO or OFF. */
  ot_tsm_multi_key multi_key;
} ot_tsm_config;

/* Scratch shared by every device (the TSM runs one operation at a time). */
typedef struct ot_tsm_scratch {
  uint8_t chain[OT_TSM_EV_CHAIN_MAX];
  uint8_t record[OT_TSM_EV_MEAS_MAX];
  uint8_t report[OT_TDISP_REPORT_MAX];
} ot_tsm_scratch;

/* Stream IDs of one host bridge: 0..254 usable, 255 reserved (SPEC-FACTS §7.4). */
#define OT_TSM_STREAM_IDS 255u

typedef struct ot_tsm {
  ot_tsm_config cfg;
  uint8_t streams_used[(OT_TSM_STREAM_IDS + 7u) / 8u]; /* bit i: Stream ID i is taken */
  ot_drbg drbg;                                        /* secret state */
  ot_tsm_rng rng;
  ot_spdm_requester_config spdm; /* from the policy; .now set per connect */
  ot_tsm_scratch scratch;
  size_t connected; /* devices connected now */
  uint64_t known_tick;
  ot_tsm_known_stats known_stats;
  bool ready;
} ot_tsm;

/* Seeds the DRBG from cfg->entropy and prepares the SPDM policy. OT_E_ARG
 * (missing policy, entropy or clock; a policy whose anchors were not
 * loaded), OT_E_RNG. */
OT_RESULT ot_tsm_init(ot_tsm *tsm, const ot_tsm_config *cfg);
/* Wipes the DRBG. Devices must be freed first. */
void ot_tsm_free(ot_tsm *tsm);

/*
 * Replaces the policy (its anchors must be loaded; borrowed like the first):
 * versions, algorithms and anchors of later connects come from it, and every
 * known chain is forgotten, validated as it was under the old anchors.
 * Connected devices stay connected. OT_E_ARG.
 */
OT_RESULT ot_tsm_set_policy(ot_tsm *tsm, const ot_tsm_policy *policy);

/* Forgets every known chain (for a caller that changed the anchors in place). */
void ot_tsm_known_flush(ot_tsm *tsm);

/* ---- devices ------------------------------------------------------------------------- */

typedef enum ot_tsm_dev_state {
  OT_TSM_DEV_IDLE = 0,  /* not connected */
  OT_TSM_DEV_CONNECTED, /* authenticated, measured, session open */
} ot_tsm_dev_state;

/* What the platform tells the TSM about a device. */
typedef struct ot_tsm_dev_desc {
  const char *name;      /* the policy's name for it (copied) */
  ot_doe_transport *doe; /* the host's relay to the DSM's CMA mailbox (borrowed) */
  ot_tsm_link *link;     /* the backend's handle (borrowed), NULL without backend */
  /* With a link, connect brings up a selective IDE stream: rp_block is the
   * root port's Selective IDE Stream block the platform gives this device,
   * rp_rid the root port's Requester ID (the endpoint's RID association). */
  uint8_t rp_block;
  uint16_t rp_rid;
  /* A pre-shared key (borrowed; NULL: none): connect then opens a PSK session
   * (DSP0274 1.3 PSK_EXCHANGE / PSK_FINISH) instead of KEY_EXCHANGE. When the
   * device has CERT_CAP and the policy has anchors, the certificate chain,
   * CHALLENGE and signed measurements are checked first as without a PSK;
   * otherwise the device is NOT authenticated by certificate: the session
   * proves only that it holds the PSK, and the policy's reference
   * measurements are checked on an unsigned GET_MEASUREMENTS inside the PSK
   * session (ot_tsm_dev.psk_only says which happened). */
  const ot_spdm_psk *psk;
} ot_tsm_dev_desc;

#define OT_TSM_MAX_TDIS 8u

typedef struct ot_tsm_tdi ot_tsm_tdi;
typedef struct ot_tsm_dev ot_tsm_dev;

/* The relay the TSM puts between its requester and the host's transport: it
 * keeps the last GET_MEASUREMENTS exchange for evidence (not secret). */
typedef struct ot_tsm_relay {
  ot_doe_transport base; /* must be first */
  ot_doe_transport *host;
  ot_tsm_evidence *capture; /* where to copy GET_MEASUREMENTS/MEASUREMENTS, or NULL */
} ot_tsm_relay;

/* IDE_KM's transport: VDMs inside the device's session (ot_spdm_requester_vdm). */
typedef struct ot_tsm_km_link {
  ot_ide_km_transport base; /* must be first */
  ot_tsm_dev *dev;
} ot_tsm_km_link;

struct ot_tsm_dev {
  ot_tsm *tsm;
  char name[OT_TSM_NAME_MAX];
  ot_tsm_link *link;
  const ot_tsm_policy_device *pol;
  ot_tsm_dev_state state;
  bool probed;
  uint32_t session_id;
  ot_tsm_relay relay;
  ot_spdm_requester spdm;
  /* The selective IDE stream connect set up (ide_up), its key set in use. */
  uint8_t rp_block;
  uint16_t rp_rid;
  bool ide_up;
  uint8_t key_set;
  ot_tsm_stream stream;
  ot_tsm_km_link km_link;
  ot_ide_km_requester km;
  ot_tsm_tdi *tdis[OT_TSM_MAX_TDIS];
  size_t tdi_count;
  const ot_spdm_psk *psk; /* ot_tsm_dev_desc.psk */
  bool psk_only;          /* connected by PSK alone, no certificate authentication */
};

/* The budget of TSM memory per connected device (issue 7 §8). */
#define OT_TSM_DEV_BUDGET (16u * 1024u)

/* Prepares a device (IDLE). OT_E_ARG for a missing name/transport or a name
 * longer than OT_TSM_NAME_MAX - 1. */
OT_RESULT ot_tsm_dev_init(ot_tsm_dev *dev, ot_tsm *tsm, const ot_tsm_dev_desc *desc);
/* Disconnects if needed and wipes everything. */
void ot_tsm_dev_free(ot_tsm_dev *dev);

/*
 * Connects a device (DESIGN.md §4 "Connect"): policy lookup; backend probe
 * and connect; DOE Discovery through the relay (PCIe r6.0 §6.30.1.1: SPDM
 * and secured SPDM must be listed); SPDM VCA (DSP0274 §10.3-10.4, policy
 * versions and algorithms); GET_DIGESTS and GET_CERTIFICATE of slot 0
 * (§10.5-10.6, chain against the policy's anchors at the TSM's time);
 * CHALLENGE (§10.7: the device holds the leaf key); signed GET_MEASUREMENTS
 * of all blocks (§10.11) checked against the policy's references;
 * KEY_EXCHANGE/FINISH (§10.9-10.10); then, with a backend link, the IDE
 * stream (SPEC-FACTS §4.2, §7.4; DESIGN.md §4 steps 4-5): IDE_KM QUERY
 * inside the session (the endpoint must report IDE_KM, selective streams,
 * AES-GCM-256 and a free selective block), the lowest Stream ID free at the
 * host bridge and not enabled at the endpoint, both ends' registers set up
 * (backend, Enable = 0), six fresh keys from the TSM's DRBG for key set 0,
 * KEY_PROG x 6 to the endpoint, the root port's keys through the backend,
 * K_SET_GO x 6 (receivers first), Enable at both ends reading back Secure.
 * The key buffers are wiped on every path. On success the device is
 * CONNECTED. Any failure: *why says why (OT_TSM_R_IDE for the stream), the
 * steps done are undone in reverse (K_SET_STOP, teardown, Stream ID freed),
 * the device is IDLE, no session is left open.
 * OT_E_STATE if not IDLE.
 */
OT_RESULT ot_tsm_connect(ot_tsm *tsm, ot_tsm_dev *dev, ot_tsm_refusal *why);

/*
 * ot_tsm_connect, and on success *ev holds the evidence connect itself
 * verified, with no further request to the device: the slot 0 chain it
 * validated, the VCA transcript A, and its one signed GET_MEASUREMENTS /
 * MEASUREMENTS exchange of all blocks with the nonce it carried (so that
 * ot_tsm_evidence_verify(ev, ..., ev->nonce) holds; DSP0274 §10.11: the
 * signature covers L1 = A ‖ request ‖ response). No interface report
 * (has_report false). On failure *ev is zeroed.
 */
OT_RESULT ot_tsm_connect_evidence(ot_tsm *tsm, ot_tsm_dev *dev, ot_tsm_evidence *ev,
                                  ot_tsm_refusal *why);

/*
 * Disconnects (Linux tsm/disconnect): unbinds every bound TDI (STOP), stops
 * the IDE stream (IDE_KM K_SET_STOP of the endpoint's keys, root port and
 * endpoint disabled and torn down through the backend, keys zeroized, the
 * Stream ID freed), END_SESSION (DSP0274 §10.17), backend disconnect and remove, requester
 * wiped. Always ends IDLE; returns the first failure met on the way
 * (teardown continues regardless). OT_E_STATE if not CONNECTED.
 */
OT_RESULT ot_tsm_disconnect(ot_tsm *tsm, ot_tsm_dev *dev);

/*
 * Key refresh of a connected device's IDE stream (SPEC-FACTS §4.2): six
 * fresh keys in the other key set, KEY_PROG x 6 and K_SET_GO at the
 * endpoint (receivers first) and the root port through the backend, so the
 * transmitters switch to it; then K_SET_STOP of the old set at both ends.
 * Traffic keeps flowing; the stream stays Secure. A failure before the
 * switch stops the new set again and leaves the old one in use
 * (OT_TSM_R_IDE / OT_TSM_R_BACKEND); OT_TSM_R_STATE without a stream.
 */
OT_RESULT ot_tsm_rekey(ot_tsm *tsm, ot_tsm_dev *dev, ot_tsm_refusal *why);

/* ---- interfaces and guests ------------------------------------------------------------- */

typedef enum ot_tsm_tdi_state {
  OT_TSM_TDI_FREE = 0, /* not bound (CONFIG_UNLOCKED as far as the TSM knows) */
  OT_TSM_TDI_BOUND,    /* LOCKED for a guest; report handed over */
  OT_TSM_TDI_RUN,      /* the guest accepted; START done */
} ot_tsm_tdi_state;

/* What the platform expects of one TDI (held against its report, PCIe r6.0 §11.3). */
typedef struct ot_tsm_tdi_desc {
  uint32_t function_id;
  const ot_tdisp_mmio_range *mmio; /* physical ranges in report order (borrowed) */
  uint32_t mmio_count;
  uint64_t mmio_reporting_offset;
  /* The IDE stream the TDI is bound to when connect set up none (no backend
   * link); otherwise the stream connect set up is used. */
  uint8_t default_stream_id;
} ot_tsm_tdi_desc;

/* The VDM transport of a device's session: TDISP goes inside the session. */
typedef struct ot_tsm_vdm_link {
  ot_tdisp_transport base; /* must be first */
  ot_tsm_dev *dev;
} ot_tsm_vdm_link;

struct ot_tsm_tdi {
  ot_tsm_dev *dev;
  ot_tsm_tdi_desc desc;
  ot_tsm_tdi_state state;
  char guest[OT_TSM_NAME_MAX];
  uint16_t lock_flags;
  ot_tsm_vdm_link vdm;
  ot_tdisp_requester req;
};

/* Attaches a TDI to its device (FREE). OT_E_NO_SPACE past OT_TSM_MAX_TDIS,
 * OT_E_EXISTS for a second TDI on the same function. */
OT_RESULT ot_tsm_tdi_init(ot_tsm_tdi *tdi, ot_tsm_dev *dev, const ot_tsm_tdi_desc *desc);

/*
 * Binds a TDI to `guest` (DESIGN.md §4 "Bind"): the policy must allow the
 * device for that guest; then, inside the session, GET_TDISP_VERSION,
 * GET_TDISP_CAPABILITIES, LOCK_INTERFACE (NO_FW_UPDATE when supported; the
 * desc's stream and reporting offset), GET_DEVICE_INTERFACE_REPORT checked
 * against the desc (PCIe r6.0 §11.3), and fresh evidence for the guest (as
 * ot_tsm_guest_request, with a TSM nonce) into *ev. On any failure the TDI
 * is unlocked again (STOP) and FREE.
 */
OT_RESULT ot_tsm_bind(ot_tsm *tsm, ot_tsm_tdi *tdi, const char *guest, ot_tsm_evidence *ev,
                      ot_tsm_refusal *why);

/* The guest accepted the device: START_INTERFACE with the LOCK nonce
 * (PCIe r6.0 §11.3.x START_INTERFACE_REQUEST) moves the TDI to RUN. Only the
 * guest it is bound to may start it (OT_TSM_R_WRONG_GUEST). */
OT_RESULT ot_tsm_start(ot_tsm *tsm, ot_tsm_tdi *tdi, const char *guest, ot_tsm_refusal *why);

/* STOP_INTERFACE (PCIe r6.0 §11.3): back to CONFIG_UNLOCKED; FREE whatever
 * the device answers (the TSM forgets the binding). OT_E_STATE if FREE. */
OT_RESULT ot_tsm_unbind(ot_tsm *tsm, ot_tsm_tdi *tdi);

/*
 * A guest asks for evidence about its TDI: obtained now, from the device,
 * not from a cache — the chain (GET_CERTIFICATE, checked against the digest
 * verified at connect), signed measurements carrying the guest's `nonce`,
 * the interface report and the TDI state inside the session. The host relays
 * all of it but cannot forge it (signature, session) or replay it (nonce).
 * Only the guest the TDI is bound to may ask.
 */
OT_RESULT ot_tsm_guest_request(ot_tsm *tsm, const char *guest, ot_tsm_tdi *tdi,
                               const uint8_t nonce[static OT_SPDM_NONCE_SIZE], ot_tsm_evidence *ev,
                               ot_tsm_refusal *why);

#endif /* OPENTSM_TSM_H */
