/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPDM 1.0 - 1.4 (DMTF DSP0274) protocol engines: the requester (TSM side) and
 * the responder (device side), plus negotiation policy and the DOE binding.
 * @layer spdm
 *
 * Neither engine does I/O.
 *  - The responder is a function from request bytes to response bytes:
 *    ot_spdm_responder_handle() for plain SPDM (DOE type 1) and
 *    ot_spdm_responder_handle_secured() for DSP0277 records (DOE type 2). Its
 *    context is caller-owned, holds one connection's state, and borrows the
 *    device identity (opentsm/spdm_identity.h) and a configuration that several
 *    connections may share.
 *  - The requester is driven through one ot_doe_transport (opentsm/doe.h):
 *    every call below runs one or more exchanges on it and returns when the
 *    response was checked. ot_spdm_doe_* (src/spdm/doe_binding.c) carry SPDM as
 *    DOE type 1 and secured records as type 2 (SPEC-FACTS §1.2, §3.1).
 *
 * Which message is legal when is a table on both sides (DSP0274 1.3 §9
 * "Generic SPDM message format" and the ordering rules of §10.x, summarised in
 * the tables in src/spdm/responder.c and requester.c). The responder answers every
 * illegal or malformed request with the ERROR DSP0274 §10.12 prescribes and
 * keeps its state; the requester fails with a precise status (see
 * ot_spdm_error_status) and leaves no half-built state behind.
 *
 * Large messages (DSP0274 1.2 §10.16): a response larger than the peer's
 * DataTransferSize goes out by CHUNK_GET (both sides), and a request larger
 * than the responder's DataTransferSize goes out in CHUNK_SEND pieces (the
 * requester does so by itself when both sides have CHUNK_CAP; the responder
 * reassembles them, src/spdm/responder_chunk_send.c, and refuses a whole
 * request above its DataTransferSize with RequestTooLarge).
 *
 * Versions: 1.0 to 1.4 (DSP0274 1.0.0 .. 1.4.0). Sessions exist from 1.1;
 * 1.0/1.1 signatures carry no combined_spdm_prefix; 1.4 adds the large
 * CERTIFICATE / VENDOR_DEFINED forms (LARGE_RESP_CAP), FINISH opaque data and
 * 32-bit chunk sequence numbers. IDE_KM and TDISP users (the TSM) need 1.2+.
 * Algorithms: ECDSA P-256/P-384, SHA-256/384, ECDHE secp256r1/secp384r1,
 * AES-256-GCM and ChaCha20-Poly1305 (DSP0274 §10.4 "NEGOTIATE_ALGORITHMS").
 */
#ifndef OPENTSM_SPDM_H
#define OPENTSM_SPDM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "opentsm/clock.h"
#include "opentsm/crypto.h"
#include "opentsm/doe.h"
#include "opentsm/rng.h"
#include "opentsm/spdm_codec.h"
#include "opentsm/spdm_csr_track.h"
#include "opentsm/spdm_features.h"
#include "opentsm/spdm_identity.h"
#include "opentsm/spdm_session.h"
#include "opentsm/spdm_transcript.h"
#include "opentsm/status.h"
#include "opentsm/x509.h"

/* ==== negotiation (src/spdm/negotiate.c) ===================================== */

/* Version masks: which of 1.0 .. 1.4 a side speaks (bit values kept from when
 * only 1.2 and 1.3 existed here). */
#define OT_SPDM_VMASK_12 0x01u
#define OT_SPDM_VMASK_13 0x02u
#define OT_SPDM_VMASK_10 0x04u
#define OT_SPDM_VMASK_11 0x08u
#define OT_SPDM_VMASK_14 0x10u
#define OT_SPDM_VMASK_ALL                                                                          \
  (OT_SPDM_VMASK_10 | OT_SPDM_VMASK_11 | OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13 | OT_SPDM_VMASK_14)

/* The mask bit of an SPDMVersion byte (0x10 .. 0x14); 0 for any other. */
uint8_t ot_spdm_vmask_of(uint8_t version);
/*
 * The capability flags a side may advertise at `version`: caps with the flags
 * that version does not define cleared (DSP0274 1.x "Flags fields
 * definitions": 1.0 knows only the responder flags CACHE..MEAS_FRESH, 1.1 adds
 * the session flags, 1.2 CHUNK.., 1.3 EP_INFO.., 1.4 LARGE_RESP..).
 */
uint32_t ot_spdm_caps_for_version(uint32_t caps, uint8_t version, bool responder);
/*
 * Parses a comma-separated version list ("1.2,1.3", "1.0-1.4" style ranges not
 * accepted) into a mask; OT_E_ARG for an empty list or an unknown version.
 */
OT_RESULT ot_spdm_vmask_parse(const char *list, uint8_t *out);

/*
 * What one side supports or allows, as SPDM bitmasks (spec/spdm.h values).
 * For a requester this is also its policy: a selection outside these masks is
 * refused with OT_E_POLICY.
 */
typedef struct ot_spdm_alg_prefs {
  uint32_t base_asym; /* OT_SPDM_ASYM_ECDSA_P256 | _P384 */
  uint32_t base_hash; /* OT_SPDM_HASH_SHA_256 | _384 */
  uint32_t meas_hash; /* OT_SPDM_MEAS_HASH_SHA_256 | _384 | _512 (accepted, never selected) */
  uint16_t dhe;       /* OT_SPDM_DHE_SECP256R1 | _SECP384R1 */
  uint16_t aead;      /* OT_SPDM_AEAD_AES_256_GCM | _CHACHA20_POLY1305 */
  /* ReqBaseAsymAlg (mutual authentication, DSP0274 §10.4 AlgType 4): a
   * requester offers the algorithm of its own key, a responder accepts these;
   * 0 (the default): no table is sent, and none is selected. */
  uint16_t req_asym;
} ot_spdm_alg_prefs;

/* Everything the implementation can do (the default for both sides). */
extern const ot_spdm_alg_prefs ot_spdm_alg_prefs_all;

/* The negotiated parameters of a connection. */
typedef struct ot_spdm_negotiated {
  uint8_t version;        /* 0x10 .. 0x14 */
  uint32_t base_asym;     /* one bit */
  uint32_t base_hash;     /* one bit */
  uint32_t meas_hash;     /* one bit, 0 when the responder has no MEAS_CAP */
  uint16_t dhe;           /* one bit or 0 */
  uint16_t aead;          /* one bit or 0 */
  uint16_t req_base_asym; /* ReqBaseAsymAlg: one bit, or 0 (no mutual authentication) */
  uint16_t key_schedule;  /* OT_SPDM_KEY_SCHEDULE_SPDM or 0 */
  uint8_t meas_spec;      /* OT_SPDM_MEAS_SPEC_DMTF or 0 */
  uint8_t other_params;   /* OpaqueDataFmt1, plus MultiKeyConn (1.3) */
  uint8_t mel_spec;
  bool multi_key_conn; /* multi_key_conn_rsp (SPEC-FACTS §2.17 "D") */
  /* multi_key_conn_req (DSP0274 1.3 §10.4 RequesterMultiKeyConn, ALGORITHMS
   * OtherParamsSelection bit 4): the requester's encapsulated DIGESTS carries
   * the multi-key arrays and enters the session transcript (EncapD). */
  bool multi_key_conn_req;
  /* Derived: */
  ot_hash_alg hash;
  ot_hash_alg mhash;
  ot_curve asym_curve;
  ot_curve req_asym_curve; /* 0 unless req_base_asym */
  ot_curve dhe_curve;
  ot_aead_alg aead_alg;
  ot_spdm_sizes sizes; /* for the codec (per-message flags cleared) */
} ot_spdm_negotiated;

/*
 * Picks the highest version present both in `ours` (OT_SPDM_VMASK_*) and in
 * the VERSION entries (major/minor compared, update/alpha ignored, DSP0274
 * §10.3). OT_E_NEGOTIATION when there is none; OT_E_POLICY when the best
 * common one is below min_version (0x12/0x13).
 */
OT_RESULT ot_spdm_version_pick(uint8_t ours, const ot_spdm_version *v, uint8_t min_version,
                               uint8_t *out);

/* The BaseAsymAlgo bits of base_asym that exist at `version` (no SM2/EdDSA
 * before 1.2). */
uint32_t ot_spdm_asym_for_version(uint32_t base_asym, uint8_t version);

/* Fills a NEGOTIATE_ALGORITHMS offer from prefs (all four AlgStruct tables). */
void ot_spdm_offer_build(const ot_spdm_alg_prefs *prefs, uint8_t version, bool multi_key,
                         ot_spdm_alg_offer *out);

/*
 * Responder: selects the strongest common algorithm of each kind (P-384 over
 * P-256, SHA-384 over SHA-256, secp384r1 over secp256r1, AES-256-GCM over
 * ChaCha20-Poly1305) and fills the ALGORITHMS response. rsp_caps are the
 * responder's capability flags (no MEAS_CAP: no measurement hash; no KEY_EX:
 * no DHE/AEAD/key schedule). OT_E_NEGOTIATION when no common base asym or
 * hash exists, or when key exchange is possible but no DHE/AEAD is common.
 */
OT_RESULT ot_spdm_algorithms_select(const ot_spdm_alg_prefs *prefs, uint32_t rsp_caps,
                                    uint32_t req_caps, uint8_t version,
                                    const ot_spdm_alg_offer *offer, ot_spdm_algorithms *out);

/*
 * Requester: checks an ALGORITHMS response against the offer sent and the
 * policy: each selection is one bit (or zero where allowed), was offered, and
 * is allowed by prefs; fills *neg (OT_E_MALFORMED for a response that breaks
 * DSP0274 §10.4 rules, OT_E_POLICY for one the policy refuses,
 * OT_E_NEGOTIATION for a missing selection). DHE, AEAD and key schedule must
 * be selected exactly when both req_caps and rsp_caps have KEY_EX_CAP; the
 * measurement hash (the responder's own choice, any defined bit) when
 * rsp_caps has MEAS_CAP.
 */
OT_RESULT ot_spdm_algorithms_check(const ot_spdm_alg_prefs *prefs, uint8_t version,
                                   uint32_t rsp_caps, uint32_t req_caps,
                                   const ot_spdm_alg_offer *offer, const ot_spdm_algorithms *sel,
                                   ot_spdm_negotiated *neg);

/* Fills the derived fields and sizes of *neg from its bitmask fields. */
OT_RESULT ot_spdm_negotiated_derive(ot_spdm_negotiated *neg);

/* ==== errors ===================================================================== */

/*
 * The one mapping from an SPDM ERROR response (DSP0274 §10.12 Table "Error
 * code and error data") to an opentsm status: VersionMismatch -> OT_E_VERSION,
 * Busy -> OT_E_BUSY, UnexpectedRequest / RequestResynch -> OT_E_UNEXPECTED,
 * UnsupportedRequest -> OT_E_UNSUPPORTED, DecryptError -> OT_E_DECRYPT,
 * InvalidRequest -> OT_E_MALFORMED, SessionLimitExceeded -> OT_E_NO_SPACE,
 * InvalidPolicy -> OT_E_POLICY, anything else -> OT_E_PEER_ERROR.
 */
ot_status ot_spdm_error_status(uint8_t error_code);

/*
 * An ERROR a responder sent (DSP0274 §10.12 "ERROR"): the request it answered,
 * its ErrorCode (Param1) and ErrorData (Param2). The requester keeps the one
 * that ended its last exchange so a caller can say what the device did, not
 * only what the mapped status means (InvalidRequest maps to OT_E_MALFORMED:
 * the device found our request malformed, not we its answer).
 */
typedef struct ot_spdm_peer_error {
  bool valid;
  uint8_t request; /* the request code it answered (for RESPOND_IF_READY: the original) */
  uint8_t code;    /* ErrorCode */
  uint8_t data;    /* ErrorData */
  /* ResponseNotReady / Busy that never cleared: how many times the request
   * (RESPOND_IF_READY, or the request again for Busy) was sent after the
   * first, and whether the next wait would have passed the deadline. */
  uint8_t retries;
  bool deadline;
} ot_spdm_peer_error;

/* The ErrorCode's name in DSP0274's table "Error code and error data"
 * ("InvalidRequest"); "Reserved" for a code the table does not define. */
const char *ot_spdm_error_name(uint8_t code);

/* Writes "device answered ERROR InvalidRequest (0x01, data 0x00) to
 * NEGOTIATE_ALGORITHMS" to buf (truncated to cap, always terminated when cap
 * is not 0) and returns buf; "" for a NULL or invalid e. */
const char *ot_spdm_peer_error_text(const ot_spdm_peer_error *e, char *buf, size_t cap);

/* ==== responder ================================================================== */

/* A vendor-defined protocol served inside sessions (IDE_KM, TDISP), keyed by
 * (standard ID, vendor ID, protocol ID) (DSP0274 §10.20; SPEC-FACTS §2.14). The
 * handler receives the request payload after the protocol ID byte and writes
 * the response payload after it; a failure answers ERROR Unspecified. An
 * implementation embeds ot_spdm_vdm_handler as its first member. */
typedef struct ot_spdm_vdm_handler ot_spdm_vdm_handler;
struct ot_spdm_vdm_handler {
  uint16_t standard_id; /* OT_SPDM_REGISTRY_PCISIG */
  uint16_t vendor_id;   /* 0x0001 for PCI-SIG (two bytes on the wire) */
  uint8_t protocol_id;  /* 0x00 IDE_KM, 0x01 TDISP */
  ot_status (*handle)(ot_spdm_vdm_handler *h, uint32_t session_id, const uint8_t *req,
                      size_t req_len, uint8_t *rsp, size_t rsp_cap, size_t *rsp_len);
};

#define OT_SPDM_RSP_MAX_VDM 4u
#define OT_SPDM_RSP_MAX_SESSIONS 2u
/* Largest response the responder builds (served in chunks when the peer's
 * DataTransferSize is smaller): a full cert chain, or all measurements. */
#ifndef OT_SPDM_LARGE_MAX /* the firmware profile sets its own (firmware/) */
#define OT_SPDM_LARGE_MAX 5120u
#endif

/* A responder's configuration: shared by its connections, borrowed. */
/*
 * Key log, a debugging aid: called once per DHE session with the session's
 * shared secret (the ECDHE result, DSP0274 §10.9 / §12.6 "DHE secret", the
 * input key material of the handshake secret) as soon as both sides' key
 * schedule has it, so that a capture of the session can be decrypted offline
 * (DMTF spdm_dump --dhe_secret). It exposes every key of the session: unset
 * (NULL) unless a caller asks, and then nothing else changes. `secret` is
 * valid only during the call (it is zeroized after); session_id is the full
 * 32-bit SessionID.
 */
typedef void (*ot_spdm_keylog_fn)(void *ctx, uint32_t session_id, const uint8_t *secret,
                                  size_t len);

/*
 * A pre-shared key and the PSKHint that names it (DSP0274 1.3 "PSK_EXCHANGE
 * request and PSK_EXCHANGE_RSP response messages": PSKHint identifies the
 * PSK to the responder; DSP0277 key schedule: the PSK replaces the DHE secret
 * as the input key material of the handshake secret). Both borrowed; the key
 * is a secret the owner marks and wipes. hint_len 0: no hint.
 */
#define OT_SPDM_PSK_MAX 64u      /* longest PSK accepted (bytes) */
#define OT_SPDM_PSK_HINT_MAX 32u /* longest PSKHint sent or accepted (libspdm's limit too) */
typedef struct ot_spdm_psk {
  const uint8_t *hint;
  size_t hint_len;
  const uint8_t *key;
  size_t key_len; /* 1..OT_SPDM_PSK_MAX */
} ot_spdm_psk;

/* The responder's PSKs, by hint (at most this many). */
#define OT_SPDM_RSP_MAX_PSK 4u

/*
 * SET_CERTIFICATE (DSP0274 1.2; SET_CERT_CAP): the device model stores the DER
 * certificates der[0..len) (root first) in `slot` for the key with
 * KeyPairID key_pair_id (1.3 multi-key; 0 otherwise), or erases the slot
 * (der NULL, len 0), and keeps it across restarts. OT_OK once stored;
 * OT_E_BAD_KEY / OT_E_CERT / OT_E_MALFORMED / OT_E_NOT_FOUND for a request it
 * refuses (answered InvalidRequest), anything else for a failure to store
 * (OperationFailed). The responder reads the identity afresh afterwards.
 */
typedef ot_status (*ot_spdm_set_cert_fn)(void *ctx, uint8_t slot, uint8_t key_pair_id,
                                         const uint8_t *der, size_t len);

/* The same with the slot's certificate model (OT_SPDM_CERT_MODEL_*: the 1.3
 * SetCertModel on a multi-key connection, else DeviceCert), which the device
 * checks the chain by and keeps for CertificateInfo; preferred when set. */
typedef ot_status (*ot_spdm_set_cert_model_fn)(void *ctx, uint8_t slot, uint8_t key_pair_id,
                                               uint8_t cert_model, const uint8_t *der,
                                               size_t len);

/*
 * SET_KEY_PAIR_INFO (DSP0274 1.3 §10.27; SET_KEY_PAIR_INFO_CAP): the device
 * model checks and applies the request to its key pairs (spdm_key_pairs.h
 * ot_spdm_key_pairs_apply) and keeps the result. OT_OK once kept;
 * OT_E_MALFORMED for a request the rules refuse (InvalidRequest), OT_E_STATE
 * for a pair still associated with a slot (OperationFailed), anything else a
 * failure to keep it (OperationFailed), the pairs then unchanged.
 */
struct ot_spdm_key_pairs;
typedef ot_status (*ot_spdm_set_key_pair_fn)(void *ctx, const ot_spdm_set_key_pair_info *req);

typedef struct ot_spdm_responder_config {
  const ot_spdm_identity *id;
  ot_rng *rng;
  uint8_t versions;    /* OT_SPDM_VMASK_* */
  uint32_t caps;       /* capability flags advertised (must be ones implemented) */
  uint8_t ct_exponent; /* CTExponent */
  uint32_t data_transfer_size;
  uint32_t max_msg_size;
  ot_spdm_alg_prefs algs;
  uint8_t heartbeat_period; /* KEY_EXCHANGE_RSP Param1, seconds (sent only when both
                               sides have HBEAT_CAP) */
  /* Optional: with a clock the responder ends an established session that
   * received nothing for 2 x HeartbeatPeriod (SPEC-FACTS §2.13; DSP0274 §10.14
   * "HEARTBEAT"). NULL: no timeout is enforced. Borrowed. */
  ot_clock *clock;
  /* Requests (by code) answered first with ResponseNotReady, once each (tests
   * of RESPOND_IF_READY): 0 = none. */
  uint8_t not_ready_code;
  ot_spdm_vdm_handler *vdm[OT_SPDM_RSP_MAX_VDM];
  size_t vdm_count;
  ot_spdm_keylog_fn keylog; /* optional, see ot_spdm_keylog_fn */
  void *keylog_ctx;
  /* PSK sessions (PSK_EXCHANGE / PSK_FINISH): the keys served, looked up by
   * PSKHint. caps must then carry OT_SPDM_CAP_PSK (01b: no ResponderContext,
   * no PSK_FINISH) or OT_SPDM_CAP_PSK_WITH_CONTEXT (10b: ResponderContext,
   * PSK_FINISH required) and psk_count must be at least 1 (DSP0274 1.3
   * GET_CAPABILITIES "PSK_CAP"). Borrowed. */
  const ot_spdm_psk *psk;
  size_t psk_count;
  /* Key log of PSK sessions (optional, like keylog): called once per PSK
   * session with the PSK itself (spdm_dump --psk). */
  ot_spdm_keylog_fn keylog_psk;
  /*
   * Mutual authentication (DSP0274 1.2 §10.9 MutAuthRequested): 0 (the
   * default), OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST or _WITH_GET_DIGESTS. Asked
   * in KEY_EXCHANGE_RSP when both sides set MUT_AUTH_CAP and ENCAP_CAP (caps
   * must carry them) and a ReqBaseAsymAlg was negotiated (algs.req_asym);
   * the requester's chain (GET_DIGESTS/GET_CERTIFICATE, encapsulated) must
   * validate against req_anchors at req_now (requester role, ReqBaseAsymAlg's
   * key type) and its FINISH carry a signature over TH ‖ H(CM).
   * OT_SPDM_MUT_AUTH_REQUESTED (no encapsulated flow) needs the requester's
   * key beforehand and is not supported (ot_spdm_responder_init: OT_E_ARG).
   */
  uint8_t mut_auth;
  /* Basic mutual authentication (DSP0274 1.2 §10.7, deprecated but still
   * sent by libspdm): CHALLENGE_AUTH sets BasicMutAuthReq when both sides
   * set MUT_AUTH_CAP and ENCAP_CAP, the requester CHAL_CAP and CERT_CAP, and
   * a ReqBaseAsymAlg was negotiated; the requester then runs the encapsulated
   * GET_DIGESTS, GET_CERTIFICATE (validated as below) and CHALLENGE, whose
   * CHALLENGE_AUTH must verify over M2. */
  bool basic_mut_auth;
  const ot_x509_cert *req_anchors;
  size_t req_anchor_count;
  time_t req_now;
  /* 1.3 GET_ENDPOINT_INFO (EP_INFO_CAP): the DeviceClassIdentifier EPInfo
   * (ot_spdm_ep_info_check form), borrowed; NULL: subcode 1 unsupported. */
  const uint8_t *ep_info;
  size_t ep_info_len;
  /* 1.3 GET_MEASUREMENT_EXTENSION_LOG (MEL_CAP): the DMTF MEL
   * (ot_spdm_mel_check form), borrowed. */
  const uint8_t *mel;
  size_t mel_len;
  /* SET_CERT_CAP needs set_cert. trusted_env: the device is in a trusted
   * (e.g. manufacturing) environment, where SET_CERTIFICATE for slot 0 may
   * come outside a secure session; otherwise every SET_CERTIFICATE must come
   * in one (DSP0274 1.2 SET_CERTIFICATE). */
  ot_spdm_set_cert_fn set_cert;
  ot_spdm_set_cert_model_fn set_cert_model; /* used instead of set_cert when set */
  void *set_cert_ctx;
  bool trusted_env;
  const char *csr_common_name; /* GET_CSR subject without RequesterInfo (NULL: "device") */
  /* CERT_INSTALL_RESET_CAP (with CSR_CAP) needs it: at 1.3+ a GET_CSR is
   * answered ResetRequired with a CSRTrackingTag and the CSR handed out after
   * the device's reset (opentsm/spdm_csr_track.h); borrowed. */
  ot_spdm_csr_tracker *csr_tracker;
  /* 1.3 GET_KEY_PAIR_INFO (GET_KEY_PAIR_INFO_CAP needs key_pairs, read at
   * every request, borrowed) and SET_KEY_PAIR_INFO (SET_KEY_PAIR_INFO_CAP
   * needs set_key_pair, which changes those key_pairs). */
  const struct ot_spdm_key_pairs *key_pairs;
  ot_spdm_set_key_pair_fn set_key_pair;
  void *set_key_pair_ctx;
} ot_spdm_responder_config;

/* The capability flags this implementation can honour as a responder. */
#define OT_SPDM_RSP_CAPS_IMPLEMENTED                                                               \
  (OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_MEAS_SIG | OT_SPDM_CAP_MEAS_FRESH |           \
   OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC | OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_HBEAT |                \
   OT_SPDM_CAP_KEY_UPD | OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR | OT_SPDM_CAP_CHUNK |                  \
   OT_SPDM_CAP_MULTI_KEY_MASK | OT_SPDM_CAP_PSK_MASK | OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP |  \
   OT_SPDM_CAP_LARGE_RESP | OT_SPDM_CAP_EP_INFO_SIG | OT_SPDM_CAP_MEL | OT_SPDM_CAP_CSR |          \
   OT_SPDM_CAP_SET_CERT | OT_SPDM_CAP_CERT_INSTALL_RESET |                                       \
   OT_SPDM_CAP_GET_KEY_PAIR_INFO | OT_SPDM_CAP_SET_KEY_PAIR_INFO)
/* Those of this build: the optional features left out (opentsm/spdm_features.h)
 * take theirs away, and their versions. */
#define OT_SPDM_RSP_CAPS_BUILT (OT_SPDM_RSP_CAPS_IMPLEMENTED & ~(uint32_t)OT_SPDM_CAPS_LEFT_OUT)
#define OT_SPDM_VMASK_BUILT (OT_SPDM_VMASK_ALL & ~OT_SPDM_VMASK_LEFT_OUT)

/* A default configuration: both versions, every implemented capability except
 * HANDSHAKE_IN_THE_CLEAR, MULTI_KEY, EP_INFO, MEL, CSR and SET_CERT (which need
 * ep_info / mel / set_cert), DataTransferSize 0x1200, MaxSPDMmsgSize
 * 0x28000 (the reference emulator's values), all algorithms. */
void ot_spdm_responder_config_default(ot_spdm_responder_config *cfg, const ot_spdm_identity *id,
                                      ot_rng *rng);

/* Connection state (DSP0274 §10.1 "connection"), in order. */
typedef enum ot_spdm_conn_state {
  OT_SPDM_CONN_NOT_STARTED = 0, /* only GET_VERSION */
  OT_SPDM_CONN_AFTER_VERSION,   /* GET_CAPABILITIES next */
  OT_SPDM_CONN_AFTER_CAPS,      /* NEGOTIATE_ALGORITHMS next */
  OT_SPDM_CONN_NEGOTIATED,      /* everything else */
  OT_SPDM_CONN_STATE_COUNT
} ot_spdm_conn_state;

/* Where a request arrived. */
typedef enum ot_spdm_channel {
  OT_SPDM_PLAIN = 0,   /* DOE type 1 */
  OT_SPDM_SECURED = 1, /* inside an established (or handshaking) session */
} ot_spdm_channel;

/* What a session still has to do after its response went out. */
typedef enum ot_spdm_post {
  OT_SPDM_POST_NONE = 0,
  OT_SPDM_POST_DERIVE_DATA, /* FINISH_RSP sent under the handshake keys: switch to data keys */
  OT_SPDM_POST_TEARDOWN,    /* END_SESSION_ACK sent: forget the session */
} ot_spdm_post;

/*
 * The measurement transcript of one session: A || M where M holds the
 * GET_MEASUREMENTS/MEASUREMENTS pairs exchanged inside that session since its
 * last reset (DSP0274 1.2 §10.11 "L1/L2"; the connection's own L1 in
 * ot_spdm_transcript is not touched by in-session requests, and in-session
 * requests reset only this one). Started lazily from A; released with the
 * session.
 */
typedef struct ot_spdm_session_l1 {
  ot_hash_ctx h;
  bool live;
} ot_spdm_session_l1;

/*
 * The responder's side of mutual authentication (DSP0274 1.2 §10.9
 * MutAuthRequested and the encapsulated request flow): what it asked, where
 * the flow stands, and what it learned of the requester's identity.
 */
typedef enum ot_spdm_mut_state {
  OT_SPDM_MUT_NONE = 0,      /* not requested */
  OT_SPDM_MUT_AWAIT_GET,     /* GET_ENCAPSULATED_REQUEST expected */
  OT_SPDM_MUT_AWAIT_DELIVER, /* DELIVER_ENCAPSULATED_RESPONSE for request_id expected */
  OT_SPDM_MUT_DONE,          /* chain fetched and validated: FINISH may come */
  OT_SPDM_MUT_FAILED         /* the requester could not be authenticated */
} ot_spdm_mut_state;

typedef struct ot_spdm_rsp_mut {
  uint8_t requested; /* MutAuthRequested sent (OT_SPDM_MUT_AUTH_*), 0: none */
  ot_spdm_mut_state state;
  uint8_t request_id; /* RequestID of the encapsulated request outstanding */
  uint8_t code;       /* its request code (GET_DIGESTS, GET_CERTIFICATE, CHALLENGE, KEY_UPDATE) */
  uint8_t ku_op;      /* KEY_UPDATE: the KeyOperation outstanding (UpdateKey, VerifyNewKey) */
  uint8_t slot;       /* the requester's slot (lowest its DIGESTS lists) */
  /* Multi-key requester (1.3 multi_key_conn_req): that slot's
   * CertificateInfo and KeyUsageMask as its DIGESTS listed them. */
  uint8_t cert_info;
  uint16_t key_usage;
  uint8_t digest[OT_HASH_MAX_SIZE]; /* its DIGESTS entry: Hash(CM) expected */
  uint8_t pub[OT_SPDM_MUT_PUB_MAX]; /* the validated leaf's key (EC X || Y, or RSA n || e) */
  size_t pub_len;
  size_t chain_len; /* bytes of the chain received so far (in the responder's mut_chain) */
  /* Basic mutual authentication (outside a session): the encapsulated
   * request last sent (it enters M2) and M2 = A ‖ B ‖ C of the flow. */
  uint8_t last_req[OT_SPDM_HEADER_SIZE + OT_SPDM_NONCE_SIZE + OT_SPDM_REQ_CONTEXT_SIZE];
  size_t last_req_len;
  ot_hash_ctx m2;
  bool m2_live;
} ot_spdm_rsp_mut;

/* One responder session (DSP0274 §10.9-10.15): keys, transcript, KEY_UPDATE state. */
typedef struct ot_spdm_rsp_session {
  bool used;
  uint8_t slot;             /* the slot KEY_EXCHANGE named */
  bool in_clear;            /* handshake in the clear */
  bool psk;                 /* started by PSK_EXCHANGE (PSK_FINISH, not FINISH, ends it) */
  bool key_update_busy;     /* KEY_UPDATE done, VerifyNewKey awaited */
  uint8_t heartbeat_period; /* as sent in KEY_EXCHANGE_RSP (0: none) */
  uint64_t last_rx_ns;      /* when the session last received a message (cfg->clock) */
  ot_spdm_post post;
  uint8_t th2[OT_HASH_MAX_SIZE]; /* for OT_SPDM_POST_DERIVE_DATA */
  ot_spdm_th th;
  ot_spdm_session_l1 l1; /* in-session GET_MEASUREMENTS */
  ot_spdm_rsp_mut mut;   /* mutual authentication (responder_encap.c) */
  ot_spdm_session s;
} ot_spdm_rsp_session;

typedef struct ot_spdm_responder {
  const ot_spdm_responder_config *cfg;
  ot_spdm_conn_state state;
  ot_spdm_negotiated neg;
  uint32_t req_caps; /* the requester's flags */
  uint32_t caps;     /* our flags as advertised at the negotiated version (after CAPABILITIES) */
  uint32_t req_data_transfer_size, req_max_msg_size;
  uint8_t first_digests_seen;
  uint8_t last_request; /* code of the previous request (L1 continuity) */
  ot_spdm_transcript t;
  /* Large response being served by CHUNK_GET, or held for RESPOND_IF_READY. */
  uint8_t large[OT_SPDM_LARGE_MAX];
  size_t large_len, large_off;
  uint8_t large_handle;
  uint16_t chunk_seq;
  bool large_active;
  uint8_t pending_code, pending_token; /* ResponseNotReady */
  bool pending, not_ready_done;
  /* Large request being received by CHUNK_SEND (DSP0274 1.2 §10.16): bytes
   * so far, LargeMessageSize, handle, last ChunkSeqNo, and the session it
   * arrives in (NULL: in the clear). Wiped when done or abandoned. */
  uint8_t chunk_in[OT_SPDM_LARGE_MAX];
  size_t chunk_in_len, chunk_in_size;
  uint8_t chunk_in_handle;
  uint16_t chunk_in_seq;
  bool chunk_in_active;
  const ot_spdm_rsp_session *chunk_in_session;
  uint16_t next_rsp_session_id;
  ot_spdm_rsp_session sessions[OT_SPDM_RSP_MAX_SESSIONS];
  /* The requester's SPDM chain being fetched for mutual authentication (one
   * flow at a time: the handshake of one session). */
  uint8_t mut_chain[OT_SPDM_MUT_CHAIN_MAX];
  ot_spdm_rsp_mut basic; /* basic mutual authentication, outside sessions */
  /* The encapsulated GET_ENDPOINT_INFO asked by ot_spdm_responder_encap_endpoint_info
   * (responder_encap_endpoint_info.c): where it stands and the request sent. */
  struct {
    ot_spdm_mut_state state; /* NONE, AWAIT_GET, AWAIT_DELIVER, DONE or FAILED */
    uint8_t request_id;
    bool sign; /* a signature was asked (the requester's key is known) */
    uint8_t slot;
    uint8_t pub[OT_SPDM_MUT_PUB_MAX]; /* the requester's validated key, when sign */
    size_t pub_len;
    uint32_t session_id; /* 0: the flow runs outside sessions */
    uint8_t last_req[OT_SPDM_HEADER_SIZE + 4u + OT_SPDM_NONCE_SIZE];
    size_t last_req_len;
    uint8_t ep_info[OT_SPDM_ENCAP_EP_INFO_MAX]; /* the requester's EPInfo, as last received */
    size_t ep_info_len;
  } ep_encap;
} ot_spdm_responder;

/* True if one of r's sessions has Session ID id (ReqSessionID + RspSessionID,
 * SPEC-FACTS §2.10): the session is still in use, not ended by END_SESSION, a
 * heartbeat timeout (DSP0274 §10.14) or an error. Inline: the compositions that
 * watch a session (opentsm/tdisp_watch.h) compile it into themselves. */
static inline bool ot_spdm_responder_has_session(const ot_spdm_responder *r, uint32_t id) {
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++)
    if (r->sessions[i].used && r->sessions[i].s.session_id == id) return true;
  return false;
}

/*
 * Starts a connection in NOT_STARTED. cfg (and cfg->id, cfg->rng) must
 * outlive the responder. OT_E_ARG for a configuration that advertises a
 * capability this implementation does not honour (outside
 * OT_SPDM_RSP_CAPS_IMPLEMENTED), no version, or a DataTransferSize below 42.
 */
OT_RESULT ot_spdm_responder_init(ot_spdm_responder *r, const ot_spdm_responder_config *cfg);
/* Releases transcripts and wipes every session secret. */
void ot_spdm_responder_free(ot_spdm_responder *r);

/*
 * Handles one plain request req[0..len) (may carry up to 3 bytes of DOE
 * padding) and writes the response into out[0..cap). Always produces a
 * response on OT_OK: the regular one, an ERROR, or for a CHUNK_SEND piece its
 * CHUNK_SEND_ACK (carrying the response to the whole request after the last
 * piece). Fails (no response) only for
 * a request too short to carry an SPDM header (OT_E_TRUNCATED) or an output
 * buffer too small (OT_E_NO_SPACE).
 */
OT_RESULT ot_spdm_responder_handle(ot_spdm_responder *r, const uint8_t *req, size_t len,
                                   uint8_t *out, size_t cap, size_t *out_len);

/*
 * Ends every established session that has received nothing for twice its
 * HeartbeatPeriod (DSP0274 §10.14; SPEC-FACTS §2.13), keys wiped. Returns
 * how many ended. Does nothing without cfg->clock or for sessions with a
 * HeartbeatPeriod of 0. Both handle functions call it first, so a record for
 * an expired session finds no session (OT_E_NOT_FOUND).
 */
size_t ot_spdm_responder_expire_sessions(ot_spdm_responder *r);

/*
 * Starts an encapsulated KEY_UPDATE of the responder's own key in established
 * session `session_id` (DSP0274 1.2 §10.15 through the encapsulated request
 * flow): the requester's next GET_ENCAPSULATED_REQUEST gets KEY_UPDATE
 * UpdateKey; its ACK switches our sending key (the ENCAPSULATED_RESPONSE_ACK
 * carrying VerifyNewKey already goes under the new one); the ACK to
 * VerifyNewKey ends the flow. OT_E_NOT_FOUND (no such session), OT_E_STATE
 * (not established, or a flow or KEY_UPDATE in progress), OT_E_UNSUPPORTED
 * (ENCAP_CAP not on both sides).
 */
OT_RESULT ot_spdm_responder_encap_key_update(ot_spdm_responder *r, uint32_t session_id);

/*
 * Arms an encapsulated GET_ENDPOINT_INFO (DSP0274 1.3 §10.23 through the
 * encapsulated request flow; spdm-emu's out-of-band command 8002h): the
 * requester's next GET_ENCAPSULATED_REQUEST, outside a session or inside an
 * established one, gets GET_ENDPOINT_INFO DeviceClassIdentifier, signed
 * (RequestAttributes bit 0, "requester-endpoint_info signing" over
 * A || request || response) when the requester has EP_INFO_CAP 10b and its
 * chain was validated earlier in this connection, else unsigned. The answer
 * lands in r->ep_encap.ep_info. OT_E_UNSUPPORTED: not SPDM 1.3+, or ENCAP_CAP
 * or the requester's EP_INFO_CAP missing; OT_E_STATE: another flow is running.
 */
OT_RESULT ot_spdm_responder_encap_endpoint_info(ot_spdm_responder *r);

/*
 * Handles one secured record (DOE type 2 payload). *out_secured says whether
 * the response is a secured record (the normal case) or a plain SPDM ERROR
 * (DecryptError after a record that did not authenticate: the session is
 * terminated, DSP0277 §6). A FINISH whose RequesterVerifyData does not verify
 * is answered with ERROR(DecryptError) sealed under the session's handshake
 * keys, then the session is terminated (DSP0274 §10.10); the next record of
 * that session finds none. A record for an unknown session gets no response:
 * OT_E_NOT_FOUND (InvalidSession was removed from DSP0274 1.2).
 */
OT_RESULT ot_spdm_responder_handle_secured(ot_spdm_responder *r, const uint8_t *rec, size_t len,
                                           uint8_t *out, size_t cap, size_t *out_len,
                                           bool *out_secured);

/* ==== requester =================================================================== */

/*
 * Defaults of the requester's retry bounds (ot_spdm_requester_config):
 * Busy is retried 3 times after 10, 20, 40 ms (70 ms in all: a mailbox held
 * by another entity is freed within a DOE response time, PCIe r6.0 §6.30.2,
 * 1 s, or not soon); RESPOND_IF_READY is sent at most 8 times per request
 * (a responder that is not ready within WTMax after 8 tries does not become
 * so; with RDTExponent 0 this bounds the spinning the RDT itself would not).
 */
#define OT_SPDM_BUSY_RETRIES 3u
#define OT_SPDM_BUSY_BACKOFF_NS (10u * UINT64_C(1000000))
#define OT_SPDM_NOT_READY_RETRIES 8u

typedef struct ot_spdm_requester_config {
  ot_rng *rng;
  ot_clock *clock;     /* waits for ResponseNotReady / Busy */
  uint8_t versions;    /* OT_SPDM_VMASK_* offered */
  uint8_t min_version; /* policy: 0x10 .. 0x14 */
  uint32_t caps;       /* requester capability flags */
  uint8_t ct_exponent;
  uint32_t data_transfer_size;
  uint32_t max_msg_size;
  ot_spdm_alg_prefs algs;      /* offered, and the only ones accepted */
  const ot_x509_cert *anchors; /* trust anchors for certificate chains */
  size_t anchor_count;
  ot_x509_cache *x509_cache; /* optional: decoded issuers kept across connects */
  time_t now;            /* validation time for certificates */
  unsigned busy_retries; /* Busy retried at most this many times */
  /* Waits between Busy retries: busy_backoff_ns, doubled each time. */
  uint64_t busy_backoff_ns;
  /* ResponseNotReady (DSP0274 1.3 §10.12, §10.13): RESPOND_IF_READY sent at
   * most this many times for one request, and never later than WTMax =
   * RDT x RDTM after the first ResponseNotReady. */
  unsigned not_ready_retries;
  /* No wait (ResponseNotReady, Busy) goes past this time on `clock`; 0: none.
   * The transport bounds its own I/O (e.g. ot_doe_socket_client.deadline_ns). */
  uint64_t deadline_ns;
  ot_spdm_keylog_fn keylog; /* optional, see ot_spdm_keylog_fn */
  void *keylog_ctx;
  ot_spdm_keylog_fn keylog_psk; /* optional: the PSK of each PSK session (spdm_dump --psk) */
  /*
   * Mutual authentication (DSP0274 §10.9 MutAuthRequested, §10.7 basic mutual
   * authentication): the requester's own certificate slots and keys, borrowed.
   * NULL (the default): the requester cannot be authenticated, and a
   * responder that asks for it is refused (OT_E_UNSUPPORTED). With an
   * identity, also set MUT_AUTH_CAP | ENCAP_CAP in caps and algs.req_asym to
   * the key's algorithm (ot_spdm_requester_config_identity does all three).
   */
  const ot_spdm_identity *identity;
} ot_spdm_requester_config;

void ot_spdm_requester_config_default(ot_spdm_requester_config *cfg, ot_rng *rng, ot_clock *clock);
/*
 * Gives the requester an identity for mutual authentication: sets
 * cfg->identity, MUT_AUTH_CAP and ENCAP_CAP, and offers the algorithm of the
 * key of the lowest provisioned slot as ReqBaseAsymAlg. OT_E_NOT_FOUND for an
 * identity without a slot, OT_E_UNSUPPORTED for a key type SPDM cannot name.
 */
OT_RESULT ot_spdm_requester_config_identity(ot_spdm_requester_config *cfg,
                                            const ot_spdm_identity *id);

/* What the requester learned about a slot's certificate chain. */
typedef struct ot_spdm_peer_slot {
  bool verified;
  uint8_t digest[OT_HASH_MAX_SIZE]; /* Hash(cert chain blob) */
  uint8_t pub[OT_PUBLIC_KEY_MAX];   /* leaf public key */
  size_t pub_len;
  uint8_t key_pair_id, cert_info;
  uint16_t key_usage;
  /* What the X.509 validation of the blob with `digest` used: a chain
   * fetched again with the same digest, anchors and time is not validated
   * a second time (requester_cert.c). */
  const ot_x509_cert *checked_anchors;
  size_t checked_anchor_count;
  time_t checked_now;
  /* When that validation's verdict holds: the validated path's latest
   * notBefore and earliest notAfter (ot_x509_leaf_info). */
  time_t valid_from, valid_until;
} ot_spdm_peer_slot;

#define OT_SPDM_REQ_MAX_SESSIONS 2u

/* One requester session. */
typedef struct ot_spdm_req_session {
  bool used;
  uint8_t slot;
  bool in_clear;
  bool psk;                 /* a PSK session (ot_spdm_requester_start_psk_session) */
  uint8_t heartbeat_period; /* from KEY_EXCHANGE_RSP / PSK_EXCHANGE_RSP */
  uint8_t mut_auth;         /* KEY_EXCHANGE_RSP MutAuthRequested (OT_SPDM_MUT_AUTH_*) */
  uint8_t req_slot;         /* our slot that signs FINISH (ReqSlotIDParam / ReqSlotNumber) */
  ot_spdm_th th;
  ot_spdm_session_l1 l1; /* in-session GET_MEASUREMENTS */
  ot_spdm_session s;
} ot_spdm_req_session;

typedef struct ot_spdm_requester {
  const ot_spdm_requester_config *cfg;
  ot_doe_transport *io;
  ot_spdm_conn_state state;
  bool failed; /* sticky: a protocol or verification failure ends the connection */
  ot_spdm_negotiated neg;
  uint32_t rsp_caps;
  uint32_t caps; /* our flags as sent at the negotiated version (cfg->caps masked) */
  uint32_t rsp_data_transfer_size, rsp_max_msg_size;
  uint8_t rsp_ct_exponent;
  ot_spdm_alg_offer offer;       /* as sent */
  ot_spdm_peer_error last_error; /* the ERROR that ended the last exchange, if one did */
  ot_spdm_transcript t;
  uint8_t digest_mask; /* slots from the last DIGESTS */
  uint8_t digests[OT_SPDM_MAX_SLOT_COUNT][OT_HASH_MAX_SIZE];
  ot_spdm_peer_slot slots[OT_SPDM_MAX_SLOT_COUNT];
  uint8_t buf[OT_SPDM_LARGE_MAX + 64]; /* request/response scratch */
  uint8_t chunk_handle;                /* of the last large request sent by CHUNK_SEND */
  uint16_t next_req_session_id;
  ot_spdm_req_session sessions[OT_SPDM_REQ_MAX_SESSIONS];
} ot_spdm_requester;

/* Binds a requester to a transport; cfg and io must outlive it. */
OT_RESULT ot_spdm_requester_init(ot_spdm_requester *q, const ot_spdm_requester_config *cfg,
                                 ot_doe_transport *io);
void ot_spdm_requester_free(ot_spdm_requester *q);

/* The ERROR response that made the last request fail, or NULL when the last
 * exchange failed otherwise (or did not fail). Every exchange clears it. */
const ot_spdm_peer_error *ot_spdm_requester_last_error(const ot_spdm_requester *q);

/*
 * Why the last request failed with st, for people: the device's ERROR
 * ("device answered ERROR InvalidRequest (0x01, data 0x00) to
 * NEGOTIATE_ALGORITHMS", written to buf) when st is that ERROR's status, else
 * ot_status_message(st).
 */
const char *ot_spdm_requester_why(const ot_spdm_requester *q, ot_status st, char *buf, size_t cap);

/*
 * GET_VERSION, GET_CAPABILITIES, NEGOTIATE_ALGORITHMS (DSP0274 §10.3-10.4):
 * errors OT_E_VERSION / OT_E_POLICY (below min_version), OT_E_NEGOTIATION,
 * OT_E_POLICY (an algorithm outside the policy), transport errors, and the
 * peer's ERROR mapped by ot_spdm_error_status.
 */
OT_RESULT ot_spdm_requester_connect(ot_spdm_requester *q);

/* GET_DIGESTS (§10.5): *slot_mask = provisioned slots. */
OT_RESULT ot_spdm_requester_get_digests(ot_spdm_requester *q, uint8_t *slot_mask);

/*
 * GET_CERTIFICATE in portions of at most `portion` bytes (0: as large as the
 * peer's limits allow, §10.6), reassembled into chain[0..cap); then checks the
 * blob (Length, RootHash = Hash(root DER)), the digest against DIGESTS, and
 * the chain against the trust anchors at cfg->now (ot_x509_chain_verify,
 * responder role, negotiated curve). OT_E_CERT / OT_E_VERIFY on failure.
 */
OT_RESULT ot_spdm_requester_get_certificate(ot_spdm_requester *q, uint8_t slot, size_t portion,
                                            uint8_t *chain, size_t cap, size_t *chain_len);

/*
 * Known chain (DSP0274 1.3 §10.5-10.6: the DIGESTS entry is Hash(chain), so a
 * requester that already retrieved and validated the chain with that digest
 * need not send GET_CERTIFICATE for it again): marks `slot` verified with
 * the leaf key pub[0..pub_len) of a chain the caller validated before
 * against cfg->anchors, valid in [valid_from, valid_until]. Only after
 * GET_DIGESTS in this connection, and only if its entry for slot is exactly
 * digest[0..digest_len) (hash_len bytes, the negotiated hash) and cfg->now
 * lies in the window: OT_E_VERIFY for another digest or an unprovisioned
 * slot, OT_E_CERT outside the window, nothing changed either way. The
 * transcript stays as it is (B holds GET_DIGESTS/DIGESTS only).
 */
OT_RESULT ot_spdm_requester_use_known_chain(ot_spdm_requester *q, uint8_t slot,
                                            const uint8_t *digest, size_t digest_len,
                                            const uint8_t *pub, size_t pub_len, time_t valid_from,
                                            time_t valid_until);

/*
 * CHALLENGE (§10.7) of a verified slot: checks CertChainHash, nonce echo,
 * (1.3) RequesterContext echo, and the signature over M1 (A ‖ B ‖ C) with
 * "responder-challenge_auth signing". summary (H bytes, may be NULL) receives
 * the MeasurementSummaryHash when summary_type != 0.
 */
OT_RESULT ot_spdm_requester_challenge(ot_spdm_requester *q, uint8_t slot, uint8_t summary_type,
                                      uint8_t *summary);

/* Result of GET_MEASUREMENTS: the raw record (spans into `record`). */
typedef struct ot_spdm_meas_result {
  uint8_t total;       /* op 0: number of indices */
  uint8_t block_count; /* NumberOfBlocks */
  size_t record_len;
  bool signature_verified;
} ot_spdm_meas_result;

/*
 * GET_MEASUREMENTS (§10.11): op 0 (count), 1..0xFE (one index), 0xFF (all);
 * signed with slot `slot` when sign is set: the signature over L1 (A ‖ M) with
 * "responder-measurements signing" must verify. The record is copied to
 * record[0..cap).
 */
OT_RESULT ot_spdm_requester_get_measurements(ot_spdm_requester *q, uint8_t op, bool sign,
                                             uint8_t slot, uint8_t *record, size_t cap,
                                             ot_spdm_meas_result *res);

/*
 * The same inside established session `session_id` (DSP0274 1.2 §10.11
 * allows GET_MEASUREMENTS in a session): the signature covers the session's
 * own L1 (A ‖ the in-session measurement exchanges since the last other
 * in-session request; ot_spdm_session_l1). OT_E_NOT_FOUND / OT_E_STATE for
 * a session that is not established.
 */
OT_RESULT ot_spdm_requester_session_measurements(ot_spdm_requester *q, uint32_t session_id,
                                                 uint8_t op, bool sign, uint8_t slot,
                                                 uint8_t *record, size_t cap,
                                                 ot_spdm_meas_result *res);

/*
 * Which slot to use for an operation (usage: one OT_SPDM_KEY_USAGE_* bit):
 * the lowest verified slot whose key may serve it. On a 1.3 multi-key
 * connection that is the slot's KeyUsageMask from DIGESTS (SPEC-FACTS §2.6);
 * otherwise every verified slot may. OT_E_NOT_FOUND if none. CHALLENGE,
 * signed GET_MEASUREMENTS and KEY_EXCHANGE apply the same rule to the slot
 * they are given and refuse a slot whose mask lacks the usage (OT_E_POLICY)
 * before sending anything.
 */
OT_RESULT ot_spdm_requester_pick_slot(const ot_spdm_requester *q, uint16_t usage, uint8_t *slot);

/*
 * KEY_EXCHANGE then FINISH (§10.9, §10.10) with the chain of a verified slot:
 * ECDHE, the KEY_EXCHANGE_RSP signature over TH ("responder-key_exchange_rsp
 * signing"), ResponderVerifyData unless the handshake is in the clear, FINISH
 * under the handshake keys (or in the clear, with FINISH_RSP's VerifyData
 * checked), then data keys from TH2. On success *session_id names an
 * established session; on any failure no session is left behind.
 */
OT_RESULT ot_spdm_requester_start_session(ot_spdm_requester *q, uint8_t slot, uint8_t summary_type,
                                          uint32_t *session_id);
/*
 * A PSK session (DSP0274 1.3 "PSK_EXCHANGE" and "PSK_FINISH"; DSP0277 key
 * schedule with HandshakeSecret = HKDF-Extract(Salt_0, PSK)): PSK_EXCHANGE
 * with psk->hint and a fresh RequesterContext of H random bytes; the
 * PSK_EXCHANGE_RSP's ResponderVerifyData (HMAC over TH1) must verify, its
 * ResponderContext be present exactly when the responder's PSK_CAP is 10b;
 * then PSK_FINISH under the handshake keys (PSK_CAP 10b) or, for PSK_CAP 01b,
 * no PSK_FINISH: data keys straight from TH2 = the transcript through
 * PSK_EXCHANGE_RSP. summary (H bytes, may be NULL) receives the
 * MeasurementSummaryHash when summary_type != 0. No certificate is involved:
 * the session proves only that the device holds the PSK. Needs PSK_CAP on
 * both sides (OT_E_UNSUPPORTED otherwise). On failure no session is left
 * behind; a wrong PSK shows as OT_E_VERIFY.
 */
OT_RESULT ot_spdm_requester_start_psk_session(ot_spdm_requester *q, const ot_spdm_psk *psk,
                                              uint8_t summary_type, uint8_t *summary,
                                              uint32_t *session_id);
/* HEARTBEAT in a session (§10.14). */
OT_RESULT ot_spdm_requester_heartbeat(ot_spdm_requester *q, uint32_t session_id);
/*
 * KEY_UPDATE (§10.15): UpdateKey (all = false) or UpdateAllKeys, then
 * VerifyNewKey, switching keys in the order of spdm_session.h.
 */
OT_RESULT ot_spdm_requester_key_update(ot_spdm_requester *q, uint32_t session_id, bool all);
/*
 * GET_ENCAPSULATED_REQUEST in established session `session_id` (DSP0274 1.2
 * §10.15 / "Encapsulated request flow"): serves whatever the responder asks
 * (a KEY_UPDATE of its own key: UpdateKey then VerifyNewKey; GET_DIGESTS /
 * GET_CERTIFICATE from cfg->identity) until it ends the flow. *served is set
 * when it asked for anything; NoPendingRequests (1.3) / UnexpectedRequest
 * (1.2) is no failure. Needs ENCAP_CAP on both sides (OT_E_UNSUPPORTED).
 */
OT_RESULT ot_spdm_requester_encap_poll(ot_spdm_requester *q, uint32_t session_id, bool *served);
/* END_SESSION (§10.17): the session is gone afterwards, whatever the answer. */
OT_RESULT ot_spdm_requester_end_session(ot_spdm_requester *q, uint32_t session_id);
/*
 * Sends a vendor-defined request in session `session_id` (§10.20; a request
 * larger than the responder's DataTransferSize goes in CHUNK_SEND pieces,
 * OT_E_TOO_LARGE when one side lacks CHUNK_CAP): StandardID,
 * 2-byte VendorID, then the payload starting with protocol_id, and returns the
 * response payload after the protocol ID (which must echo the request's)
 * in rsp[0..*rsp_len).
 */
OT_RESULT ot_spdm_requester_vdm(ot_spdm_requester *q, uint32_t session_id, uint16_t standard_id,
                                uint16_t vendor_id, uint8_t protocol_id, const uint8_t *req,
                                size_t req_len, uint8_t *rsp, size_t cap, size_t *rsp_len);

/*
 * GET_ENDPOINT_INFO (DSP0274 1.3 §10.23), subcode DeviceClassIdentifier, in
 * the clear (session_id 0) or in established session `session_id`. With
 * sign, slot must be verified and the signature over IL = A ‖ request ‖
 * response-without-signature must verify ("responder-endpoint_info
 * signing"). The EPInfo is checked (ot_spdm_ep_info_check) and copied to
 * out[0..*out_len). OT_E_UNSUPPORTED on 1.2 or without EP_INFO_CAP (10b for
 * sign).
 */
OT_RESULT ot_spdm_requester_get_endpoint_info(ot_spdm_requester *q, uint32_t session_id, bool sign,
                                              uint8_t slot, uint8_t *out, size_t cap,
                                              size_t *out_len);
/*
 * GET_MEASUREMENT_EXTENSION_LOG (DSP0274 1.3 §10.24): the whole MEL in
 * portions, checked (ot_spdm_mel_check), into out[0..*out_len). Needs MEL_CAP
 * and a MELspecification selected in ALGORITHMS (OT_E_UNSUPPORTED);
 * OT_E_NO_SPACE for a MEL larger than cap.
 */
OT_RESULT ot_spdm_requester_get_mel(ot_spdm_requester *q, uint32_t session_id, uint8_t *out,
                                    size_t cap, size_t *out_len);

/*
 * GET_CSR (DSP0274 1.2; 1.3 KeyPairID and RequestAttributes, both 0 unless
 * the connection is multi-key), in the clear (session_id 0) or in a session,
 * with an optional RequesterInfo (DER CertificationRequestInfo). The CSR is
 * checked (a self-signed PKCS#10 request) and copied to out[0..*out_len).
 */
OT_RESULT ot_spdm_requester_get_csr(ot_spdm_requester *q, uint32_t session_id, uint8_t key_pair_id,
                                    uint8_t attributes, const uint8_t *requester_info,
                                    size_t info_len, uint8_t *out, size_t cap, size_t *out_len);
/*
 * After ot_spdm_requester_get_csr failed: the CSRTrackingTag (1..7) of an
 * ERROR ResetRequired that answered it at SPDM 1.3+ (the device finishes the
 * CSR at its reset; ask again then with the tag in RequestAttributes bits 5:3,
 * DSP0274 1.3 GET_CSR), else 0.
 */
uint8_t ot_spdm_requester_csr_tag(const ot_spdm_requester *q);
/*
 * SET_CERTIFICATE (DSP0274 1.2): writes the DER chain der[0..len) (root
 * first) to `slot` as an SPDM certificate chain under the negotiated hash;
 * der NULL (1.3) erases the slot. A device takes it in a session, or for
 * slot 0 in the clear only in a trusted environment. The slot is no longer
 * verified afterwards (GET_DIGESTS/GET_CERTIFICATE again).
 */
OT_RESULT ot_spdm_requester_set_certificate(ot_spdm_requester *q, uint32_t session_id, uint8_t slot,
                                            uint8_t key_pair_id, uint8_t cert_model,
                                            const uint8_t *der, size_t len);

/*
 * GET_KEY_PAIR_INFO (DSP0274 1.3 §10.26) of key pair key_pair_id (1..), in
 * the clear or in a session: the response must name that pair and list its
 * current usage and algorithm among its capabilities; PublicKeyInfo is copied
 * to public_key_info[0..cap) and out->public_key_info points there.
 * OT_E_UNSUPPORTED on 1.2 or without GET_KEY_PAIR_INFO_CAP.
 */
OT_RESULT ot_spdm_requester_get_key_pair_info(ot_spdm_requester *q, uint32_t session_id,
                                              uint8_t key_pair_id, ot_spdm_key_pair_info *out,
                                              uint8_t *public_key_info, size_t cap);
/*
 * SET_KEY_PAIR_INFO (DSP0274 1.3 §10.27) in the clear (session_id 0) or in a
 * session: req's operation on KeyPairID req->key_pair_id. An Erase goes in
 * the 5-byte form libspdm sends and takes (its desired fields must be 0:
 * OT_E_ARG); at 1.4 the PQC field is DesiredPqcAsymAlgo 0 in 4 bytes, as
 * libspdm writes it. OT_E_UNSUPPORTED below 1.3 or without
 * SET_KEY_PAIR_INFO_CAP; an ERROR answer as every request (OT_E_PEER_*).
 */
OT_RESULT ot_spdm_requester_set_key_pair_info(ot_spdm_requester *q, uint32_t session_id,
                                              const ot_spdm_set_key_pair_info *req);

/* ==== DOE binding (src/spdm/doe_binding.c) ======================================== */

/* A responder served on a DOE mailbox: two protocols, SPDM (type 1) and secured
 * SPDM (type 2), both over one ot_spdm_responder. Add both to an
 * ot_doe_responder. */
typedef struct ot_spdm_doe_protocol {
  ot_doe_protocol base; /* must be first */
  ot_spdm_responder *rsp;
} ot_spdm_doe_protocol;

typedef struct ot_spdm_doe_binding {
  ot_spdm_doe_protocol plain;   /* vendor 0x0001, type 1 */
  ot_spdm_doe_protocol secured; /* vendor 0x0001, type 2 */
} ot_spdm_doe_binding;

/* Fills both protocols for responder `rsp` (borrowed). A plain DecryptError
 * answer to a secured record cannot travel as type 2: the record then gets
 * no response (OT_E_DECRYPT), and the mailbox reports an error. */
void ot_spdm_doe_binding_init(ot_spdm_doe_binding *b, ot_spdm_responder *rsp);

/* A transport that hands each object straight to an ot_doe_responder in the
 * same process (objects are encoded and decoded exactly as on a mailbox). */
typedef struct ot_spdm_doe_loopback {
  ot_doe_transport base; /* must be first */
  ot_doe_responder *device;
  uint8_t obj[OT_SPDM_LARGE_MAX + 256], rsp_obj[OT_SPDM_LARGE_MAX + 256];
  size_t exchanges;
} ot_spdm_doe_loopback;

void ot_spdm_doe_loopback_init(ot_spdm_doe_loopback *l, ot_doe_responder *device);

#endif /* OPENTSM_SPDM_H */
