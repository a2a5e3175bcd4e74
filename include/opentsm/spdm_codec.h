/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPDM 1.0 - 1.4 message codec (DMTF DSP0274): plain structs for every message
 * opentsm sends or receives in the clear or inside a session, with an encoder
 * (into an ot_writer) and a strict decoder (from an ot_reader) for each.
 * @layer spdm
 *
 * What the codec does and does not do
 *  - It checks the form of a message, never its meaning in a conversation: the
 *    requester and responder engines decide whether a message is expected, and
 *    check selections, nonces, signatures and MACs.
 *  - Layouts that depend on earlier negotiation (hash size H, signature size S,
 *    DHE size D, whether a MeasurementSummaryHash or a signature is present,
 *    handshake-in-the-clear, multi-key DIGESTS) come from an ot_spdm_sizes the
 *    caller fills from its negotiated state; nothing is guessed from lengths.
 *  - Versions: SPDM 1.0 (0x10) to 1.4 (0x14) layouts are supported. Every
 *    message carries sizes->version except GET_VERSION and VERSION, which always
 *    carry 0x10 (DSP0274 "GET_VERSION request and VERSION response").
 *
 * Decoding rules (the same for every ot_spdm_decode_*):
 *  - The reader must hold exactly one message: bytes left over fail with
 *    OT_E_TRAILING. For a DOE payload (padded to 4 bytes, SPEC-FACTS T1) first
 *    find the exact length with ot_spdm_message_length() and decode that prefix.
 *  - SPDMVersion must equal the expected version (OT_E_VERSION); the code must be
 *    the decoder's message (OT_E_UNEXPECTED); a length or count that runs past
 *    the message fails with OT_E_TRUNCATED; a value the specification forbids
 *    fails with OT_E_MALFORMED; a length above a specification maximum with
 *    OT_E_TOO_LARGE.
 *  - Reserved fields and reserved bits are ignored on receive and written as
 *    zero on send (DSP0274 "Notations": reserved fields are zero when sent and
 *    ignored by the receiver), so a decoded struct never holds them and a
 *    re-encoded message may differ from the received one in reserved bits
 *    only. Transcripts therefore hash the received bytes, never a re-encoding.
 *  - The output struct is written only on success ("compute, validate, commit").
 *
 * Lifetimes: every `const uint8_t *` in a decoded struct points into the span
 * of the reader it was decoded from and lives exactly as long as that span. No
 * function here allocates or keeps a pointer after it returns. For encoding,
 * the same pointers name caller-owned input of the stated length; a pointer to
 * H/S/D bytes must have that many bytes (sizes say how many).
 */
#ifndef OPENTSM_SPDM_CODEC_H
#define OPENTSM_SPDM_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/cursor.h"
#include "opentsm/spec/spdm.h"
#include "opentsm/status.h"

/* Negotiated sizes and presence flags that select a message's layout. */
typedef struct ot_spdm_sizes {
  uint8_t version;         /* SPDMVersion of the connection: 0x10 .. 0x14 */
  uint16_t hash_len;       /* H: BaseHashSel digest size */
  uint16_t sig_len;        /* S: BaseAsymSel signature size (responder signatures) */
  uint16_t req_sig_len;    /* ReqBaseAsymAlg signature size (FINISH with signature) */
  uint16_t dhe_len;        /* D: DHE exchange data size */
  bool meas_summary_hash;  /* the request's MeasurementSummaryHashType was not 0
                              (CHALLENGE_AUTH, KEY_EXCHANGE_RSP, PSK_EXCHANGE_RSP) */
  bool meas_signature;     /* MEASUREMENTS: the request asked for a signature */
  bool handshake_in_clear; /* both sides set HANDSHAKE_IN_THE_CLEAR_CAP: KEY_EXCHANGE_RSP
                              has no VerifyData, FINISH_RSP has one (SPEC-FACTS T15) */
  bool multi_key_conn;     /* 1.3 DIGESTS carries KeyPairID/CertificateInfo/KeyUsageMask */
  bool multi_key_conn_req; /* the same for the requester's DIGESTS, carried in
                              DELIVER_ENCAPSULATED_RESPONSE (RequesterMultiKeyConn) */
  bool ep_info_signature;  /* ENDPOINT_INFO: the request asked for a signature (1.3) */
} ot_spdm_sizes;

/* ---- VERSION (DSP0274 "Successful VERSION response message format") --------- */
typedef struct ot_spdm_version {
  uint8_t entry_count;    /* VersionNumberEntryCount */
  const uint8_t *entries; /* entry_count u16 LE entries (use ot_spdm_version_entry) */
} ot_spdm_version;
/* The i-th version entry (i < entry_count), e.g. 0x1200 for 1.2. */
uint16_t ot_spdm_version_entry(const ot_spdm_version *v, size_t i);

/* ---- GET_CAPABILITIES / CAPABILITIES, and the 1.3 Supported Algorithms block --- */
typedef struct ot_spdm_ext_algs {
  uint8_t count;      /* number of 4-byte extended algorithm entries */
  const uint8_t *ext; /* count * OT_SPDM_EXT_ALG_SIZE bytes */
} ot_spdm_ext_algs;

/* One AlgStruct table (DSP0274 "Algorithm request structure"). */
typedef struct ot_spdm_alg_struct {
  uint8_t type;         /* OT_SPDM_ALG_TYPE_* (2..5, ascending, no repeats) */
  uint16_t supported;   /* AlgSupported bitmask (FixedAlgCount is always 2) */
  ot_spdm_ext_algs ext; /* AlgExternal[] (ExtAlgCount) */
} ot_spdm_alg_struct;

/* The NEGOTIATE_ALGORITHMS body after SPDMVersion/code; also the 1.3
 * CAPABILITIES Supported Algorithms block, which has the same shape. */
typedef struct ot_spdm_alg_offer {
  uint8_t meas_spec;    /* MeasurementSpecification */
  uint8_t other_params; /* OtherParamsSupport */
  uint32_t base_asym;   /* BaseAsymAlgo */
  uint32_t base_hash;   /* BaseHashAlgo */
  uint8_t mel_spec;     /* MELspecification (1.3; 0 in 1.2) */
  ot_spdm_ext_algs ext_asym, ext_hash;
  uint8_t alg_count; /* Param1: number of AlgStruct tables (<= 4) */
  ot_spdm_alg_struct alg[OT_SPDM_ALG_STRUCT_MAX];
} ot_spdm_alg_offer;

typedef struct ot_spdm_capabilities {
  uint8_t ct_exponent;         /* CTExponent */
  uint32_t flags;              /* OT_SPDM_CAP_* */
  uint32_t data_transfer_size; /* >= 42 */
  uint32_t max_msg_size;       /* MaxSPDMmsgSize >= DataTransferSize */
  bool supported_algs;    /* Param1 bit0 (1.3): request: "send them"; response: block present */
  ot_spdm_alg_offer algs; /* response only, when supported_algs */
} ot_spdm_capabilities;

/* ---- ALGORITHMS (DSP0274 "Successful ALGORITHMS response message format") ---- */
typedef struct ot_spdm_algorithms {
  uint8_t meas_spec_sel;
  uint8_t other_params_sel;
  uint32_t meas_hash_algo;
  uint32_t base_asym_sel;
  uint32_t base_hash_sel;
  uint8_t mel_spec_sel;                        /* 1.3 */
  ot_spdm_ext_algs ext_asym_sel, ext_hash_sel; /* at most one each */
  uint8_t alg_count;
  ot_spdm_alg_struct alg[OT_SPDM_ALG_STRUCT_MAX];
} ot_spdm_algorithms;

/* ---- DIGESTS (DSP0274 "Successful DIGESTS response message format") --------- */
typedef struct ot_spdm_digests {
  uint8_t supported_slot_mask;                   /* Param1 (1.3; 0 in 1.2) */
  uint8_t provisioned_slot_mask;                 /* Param2: slots with a digest, ascending */
  const uint8_t *digest[OT_SPDM_MAX_SLOT_COUNT]; /* by slot number; NULL if not provisioned */
  /* 1.3 with multi_key_conn only, by slot number: */
  uint8_t key_pair_id[OT_SPDM_MAX_SLOT_COUNT];
  uint8_t cert_info[OT_SPDM_MAX_SLOT_COUNT];
  uint16_t key_usage[OT_SPDM_MAX_SLOT_COUNT];
} ot_spdm_digests;

/* ---- GET_CERTIFICATE / CERTIFICATE ------------------------------------------- */
typedef struct ot_spdm_get_certificate {
  uint8_t slot_id;    /* Param1 bits 3:0 */
  uint8_t attributes; /* Param2 (1.3): OT_SPDM_GET_CERT_SLOT_SIZE_REQUESTED */
  bool large;         /* 1.4 Param1 bit7 LargeCertChain: LargeOffset/LargeLength (u32) */
  uint32_t offset;    /* Offset, or LargeOffset (the u16 fields are then 0) */
  uint32_t length;    /* Length, or LargeLength */
} ot_spdm_get_certificate;

typedef struct ot_spdm_certificate {
  uint8_t slot_id;        /* Param1 bits 3:0 */
  uint8_t cert_info;      /* Param2 bits 2:0 (1.3) */
  bool large;             /* 1.4 Param1 bit7 LargeCertChain: the u32 lengths below */
  uint32_t portion_len;   /* PortionLength, or LargePortionLength */
  uint32_t remainder_len; /* RemainderLength, or LargeRemainderLength */
  const uint8_t *portion; /* CertChain[PortionLength] */
} ot_spdm_certificate;

/* The SPDM certificate chain (DSP0274 "Certificate chain format"): what
 * CERTIFICATE portions add up to. */
typedef struct ot_spdm_cert_chain {
  uint16_t length;          /* whole chain, header included */
  const uint8_t *root_hash; /* H bytes */
  const uint8_t *certs;     /* concatenated DER certificates, root first */
  size_t certs_len;
} ot_spdm_cert_chain;

/* ---- CHALLENGE / CHALLENGE_AUTH --------------------------------------------- */
typedef struct ot_spdm_challenge {
  uint8_t slot_id;           /* Param1: 0..7 or 0xFF */
  uint8_t meas_summary_type; /* Param2: OT_SPDM_MEAS_SUMMARY_* */
  uint8_t nonce[OT_SPDM_NONCE_SIZE];
  uint8_t context[OT_SPDM_REQ_CONTEXT_SIZE]; /* 1.3 RequesterContext */
} ot_spdm_challenge;

typedef struct ot_spdm_challenge_auth {
  uint8_t slot_id;                /* Param1 bits 3:0 (0xF for the provisioned key) */
  bool basic_mut_auth;            /* Param1 bit7 (deprecated in 1.2) */
  uint8_t slot_mask;              /* Param2 */
  const uint8_t *cert_chain_hash; /* H */
  uint8_t nonce[OT_SPDM_NONCE_SIZE];
  const uint8_t *meas_summary_hash; /* H, or NULL when !sizes->meas_summary_hash */
  uint16_t opaque_len;              /* <= 1024 */
  const uint8_t *opaque;
  uint8_t context[OT_SPDM_REQ_CONTEXT_SIZE]; /* 1.3: the RequesterContext, echoed */
  const uint8_t *signature;                  /* S */
} ot_spdm_challenge_auth;

/* ---- GET_MEASUREMENTS / MEASUREMENTS ----------------------------------------- */
typedef struct ot_spdm_get_measurements {
  uint8_t attributes;                        /* Param1: OT_SPDM_MEAS_ATTR_* */
  uint8_t operation;                         /* Param2: 0 count, 1..0xFE one index, 0xFF all */
  uint8_t nonce[OT_SPDM_NONCE_SIZE];         /* only with OT_SPDM_MEAS_ATTR_SIGNATURE */
  uint8_t slot_id;                           /* only with OT_SPDM_MEAS_ATTR_SIGNATURE */
  uint8_t context[OT_SPDM_REQ_CONTEXT_SIZE]; /* 1.3, signed or not */
} ot_spdm_get_measurements;

typedef struct ot_spdm_measurements {
  uint8_t total_indices;   /* Param1: meaningful only in reply to operation 0 */
  uint8_t slot_id;         /* Param2 bits 3:0 */
  uint8_t content_changed; /* Param2 bits 5:4 (OT_SPDM_MEAS_CONTENT_*) */
  uint8_t block_count;     /* NumberOfBlocks */
  uint32_t record_len;     /* MeasurementRecordLength (24 bits) */
  const uint8_t *record;   /* block_count well-formed measurement blocks */
  uint8_t nonce[OT_SPDM_NONCE_SIZE];
  uint16_t opaque_len;
  const uint8_t *opaque;
  uint8_t context[OT_SPDM_REQ_CONTEXT_SIZE]; /* 1.3 */
  const uint8_t *signature;                  /* S, or NULL when !sizes->meas_signature */
} ot_spdm_measurements;

/* One measurement block (DSP0274 "Measurement block format"). */
typedef struct ot_spdm_meas_block {
  uint8_t index;
  uint8_t spec;               /* MeasurementSpecification: OT_SPDM_MEAS_SPEC_DMTF */
  uint16_t size;              /* MeasurementSize */
  const uint8_t *measurement; /* size bytes */
} ot_spdm_meas_block;

/* The DMTF measurement value inside a block with spec DMTF. */
typedef struct ot_spdm_dmtf_meas {
  uint8_t value_type; /* DMTFSpecMeasurementValueType (bit7 raw, bits 6:0 type) */
  uint16_t value_size;
  const uint8_t *value;
} ot_spdm_dmtf_meas;

/* ---- KEY_EXCHANGE / KEY_EXCHANGE_RSP ----------------------------------------- */
typedef struct ot_spdm_key_exchange {
  uint8_t meas_summary_type; /* Param1 */
  uint8_t slot_id;           /* Param2 */
  uint16_t req_session_id;
  uint8_t session_policy; /* OT_SPDM_SESSION_POLICY_* */
  uint8_t random[OT_SPDM_RANDOM_DATA_SIZE];
  const uint8_t *exchange; /* D */
  uint16_t opaque_len;
  const uint8_t *opaque;
} ot_spdm_key_exchange;

typedef struct ot_spdm_key_exchange_rsp {
  uint8_t heartbeat_period; /* Param1 */
  uint16_t rsp_session_id;
  uint8_t mut_auth;    /* MutAuthRequested: OT_SPDM_MUT_AUTH_* */
  uint8_t req_slot_id; /* ReqSlotIDParam bits 3:0 */
  uint8_t random[OT_SPDM_RANDOM_DATA_SIZE];
  const uint8_t *exchange;          /* D */
  const uint8_t *meas_summary_hash; /* H or NULL */
  uint16_t opaque_len;
  const uint8_t *opaque;
  const uint8_t *signature;   /* S */
  const uint8_t *verify_data; /* H, or NULL in handshake-in-the-clear mode */
} ot_spdm_key_exchange_rsp;

/* ---- FINISH / FINISH_RSP ------------------------------------------------------ */
typedef struct ot_spdm_finish {
  bool sig_included;          /* Param1 bit0 */
  uint8_t req_slot_id;        /* Param2 */
  uint16_t opaque_len;        /* 1.4: OpaqueDataLength (<= 1024); 0 before */
  const uint8_t *opaque;      /* 1.4: OpaqueData */
  const uint8_t *signature;   /* req_sig_len bytes, or NULL */
  const uint8_t *verify_data; /* H */
} ot_spdm_finish;

typedef struct ot_spdm_finish_rsp {
  uint16_t opaque_len;        /* 1.4: OpaqueDataLength (<= 1024); 0 before */
  const uint8_t *opaque;      /* 1.4: OpaqueData */
  const uint8_t *verify_data; /* H in handshake-in-the-clear mode, else NULL */
} ot_spdm_finish_rsp;

/* ---- PSK_EXCHANGE / PSK_EXCHANGE_RSP / PSK_FINISH (SPEC-FACTS §2.19) ---------- */
typedef struct ot_spdm_psk_exchange {
  uint8_t meas_summary_type; /* Param1 */
  uint8_t session_policy;    /* Param2 */
  uint16_t req_session_id;
  uint16_t hint_len, context_len, opaque_len;
  const uint8_t *hint, *context, *opaque;
} ot_spdm_psk_exchange;

typedef struct ot_spdm_psk_exchange_rsp {
  uint8_t heartbeat_period; /* Param1 */
  uint16_t rsp_session_id;
  uint16_t context_len, opaque_len;
  const uint8_t *meas_summary_hash; /* H or NULL */
  const uint8_t *context, *opaque;
  const uint8_t *verify_data; /* H */
} ot_spdm_psk_exchange_rsp;

typedef struct ot_spdm_psk_finish {
  uint16_t opaque_len;        /* 1.4: OpaqueDataLength (<= 1024); 0 before */
  const uint8_t *opaque;      /* 1.4: OpaqueData */
  const uint8_t *verify_data; /* H */
} ot_spdm_psk_finish;

/* ---- KEY_UPDATE / KEY_UPDATE_ACK, END_SESSION, RESPOND_IF_READY ------------- */
typedef struct ot_spdm_key_update {
  uint8_t operation; /* Param1: OT_SPDM_KEY_UPDATE_OP_* (1..3) */
  uint8_t tag;       /* Param2, echoed in the ACK */
} ot_spdm_key_update;

typedef struct ot_spdm_end_session {
  bool negotiated_state_clear; /* Param1 bit0 */
} ot_spdm_end_session;

typedef struct ot_spdm_respond_if_ready {
  uint8_t request_code; /* Param1: the original request code */
  uint8_t token;        /* Param2: from the ResponseNotReady error */
} ot_spdm_respond_if_ready;

/* ---- VENDOR_DEFINED_REQUEST / VENDOR_DEFINED_RESPONSE ---------------------- */
typedef struct ot_spdm_vendor_defined {
  uint16_t standard_id; /* registry ID: OT_SPDM_REGISTRY_* */
  uint8_t vendor_id_len;
  const uint8_t *vendor_id;
  /* 1.4 Param1 bit7 LargeReq / LargeResp: ReqLength/RespLength is 0 and a u32
   * LargeReqLength/LargeRespLength carries payload_len (DSP0274 1.4
   * "VENDOR_DEFINED_REQUEST request message format"). */
  bool large;
  uint32_t payload_len; /* ReqLength / RespLength (or the large form's) */
  const uint8_t *payload;
} ot_spdm_vendor_defined;

/* ---- ERROR (DSP0274 "ERROR response message format") ------------------------ */
typedef struct ot_spdm_error {
  uint8_t code; /* Param1: OT_SPDM_ERR_* */
  uint8_t data; /* Param2: ErrorData */
  /* ExtendedErrorData, by code (other codes carry none): */
  struct {
    uint8_t rd_exponent, request_code, token, rdtm;
  } not_ready;                   /* ResponseNotReady */
  uint8_t large_response_handle; /* LargeResponse */
  uint32_t response_size;        /* ResponseTooLarge */
  uint8_t vendor_id_len;         /* VendorDefined: Len, VendorID, opaque */
  const uint8_t *vendor_id;
  size_t vendor_data_len;
  const uint8_t *vendor_data;
} ot_spdm_error;

/* ---- CHUNK_SEND / CHUNK_SEND_ACK / CHUNK_GET / CHUNK_RESPONSE (1.2) ---------- */
typedef struct ot_spdm_chunk {
  bool last;                   /* Param1 bit0 LastChunk */
  uint8_t handle;              /* Param2 */
  uint16_t seq_no;             /* ChunkSeqNo */
  uint32_t large_message_size; /* only in chunk 0 */
  uint32_t chunk_size;
  const uint8_t *chunk;
} ot_spdm_chunk;

typedef struct ot_spdm_chunk_send_ack {
  bool early_error; /* Param1 bit0 */
  uint8_t handle;
  uint16_t seq_no;
  size_t response_len; /* ResponseToLargeRequest: 0 until the last chunk, else >= 4 */
  const uint8_t *response;
} ot_spdm_chunk_send_ack;

typedef struct ot_spdm_chunk_get {
  uint8_t handle;
  uint16_t seq_no;
} ot_spdm_chunk_get;

/* ---- Encapsulated request flow (DSP0274 1.2/1.3 "GET_ENCAPSULATED_REQUEST
 * request and ENCAPSULATED_REQUEST response", "DELIVER_ENCAPSULATED_RESPONSE
 * request and ENCAPSULATED_RESPONSE_ACK response") ------------------------------
 * ENCAPSULATED_REQUEST:          header (Param1 RequestID) | encapsulated request
 * DELIVER_ENCAPSULATED_RESPONSE: header (Param1 RequestID) | encapsulated response
 * ENCAPSULATED_RESPONSE_ACK:     header (Param1 RequestID, Param2 PayloadType) |
 *                                AckRequestID(1) | Reserved(3) | payload: for type 1
 *                                the next encapsulated request, for type 2 one
 *                                ReqSlotNumber byte, for type 0 nothing.
 * The embedded message is delimited by its own fields (ot_spdm_message_length;
 * for a code the codec does not know, the rest of the message), so a DOE-padded
 * envelope still has an exact length. An embedded message that is itself an
 * encapsulation message is refused (OT_E_MALFORMED): the flow does not nest.
 * The embedded response of DELIVER_ENCAPSULATED_RESPONSE is the requester's, so
 * its signature (CHALLENGE_AUTH) is sz->req_sig_len bytes long. */
typedef struct ot_spdm_encap {
  uint8_t request_id;     /* Param1 */
  uint8_t payload_type;   /* ACK only: OT_SPDM_ENCAP_ACK_* */
  uint8_t ack_request_id; /* ACK only: the RequestID of the response acknowledged */
  uint8_t req_slot;       /* ACK type 2 only: ReqSlotNumber (0..7) */
  size_t msg_len;         /* the embedded message (0 for ACK types 0 and 2) */
  const uint8_t *msg;
} ot_spdm_encap;
/* The fixed part of CHUNK_SEND_ACK before ResponseToLargeRequest: 6 bytes, 8
 * in 1.4 (u32 ChunkSeqNo). CHUNK_SEND / CHUNK_RESPONSE keep 12 in every
 * version (1.4 drops the Reserved(2) beside the wider ChunkSeqNo). */
static inline size_t ot_spdm_chunk_send_ack_fixed(uint8_t version) {
  return version >= OT_SPDM_VERSION_14 ? 8u : 6u;
}
/* ---- GET_ENDPOINT_INFO / ENDPOINT_INFO (1.3, DSP0274 1.3 §10.23) ------------- */
#define OT_SPDM_EP_INFO_SUBCODE_DEVICE_CLASS_ID 0x01u /* Param1 */
#define OT_SPDM_EP_INFO_ATTR_SIGNATURE 0x01u          /* RequestAttributes bit 0 */
/* Largest EPInfo the codec accepts (its EPInfoLen is a u32; bounded here). */
#define OT_SPDM_EP_INFO_MAX 1024u

typedef struct ot_spdm_get_endpoint_info {
  uint8_t subcode;    /* Param1: OT_SPDM_EP_INFO_SUBCODE_* */
  uint8_t slot_id;    /* Param2 bits 3:0 (0..7 or 0xF), meaningful when signed */
  uint8_t attributes; /* RequestAttributes: OT_SPDM_EP_INFO_ATTR_SIGNATURE */
  uint8_t nonce[OT_SPDM_NONCE_SIZE]; /* only with OT_SPDM_EP_INFO_ATTR_SIGNATURE */
} ot_spdm_get_endpoint_info;

typedef struct ot_spdm_endpoint_info {
  uint8_t slot_id;                   /* Param2 bits 3:0 */
  uint8_t nonce[OT_SPDM_NONCE_SIZE]; /* only when sizes->ep_info_signature */
  uint32_t ep_info_len;              /* EPInfoLen, <= OT_SPDM_EP_INFO_MAX */
  const uint8_t *ep_info;
  const uint8_t *signature; /* S, or NULL when !sizes->ep_info_signature */
} ot_spdm_endpoint_info;

/*
 * Checks the DeviceClassIdentifier EPInfo (subcode 1, DSP0274 1.3 "Device
 * class identifier"): NumIdentifiers(1) Reserved(3), then per element
 * IdElemLength(1) | SVH ID(1) | VendorIDLen(1) | VendorID | NumSubIds(1) |
 * {SubIdLen(1) | SubId}*, IdElemLength counting the bytes after itself.
 * *count = NumIdentifiers. OT_E_TRUNCATED / OT_E_MALFORMED otherwise.
 */
OT_RESULT ot_spdm_ep_info_check(const uint8_t *ep, size_t len, uint8_t *count);

/* ---- GET_MEASUREMENT_EXTENSION_LOG / MEASUREMENT_EXTENSION_LOG (1.3) -------- */
typedef struct ot_spdm_get_mel {
  uint32_t offset; /* Offset into the MEL */
  uint32_t length; /* Length requested */
} ot_spdm_get_mel;

typedef struct ot_spdm_mel {
  uint32_t portion_len;   /* PortionLength */
  uint32_t remainder_len; /* RemainderLength */
  const uint8_t *portion; /* MEL[PortionLength] */
} ot_spdm_mel;

/* The DMTF MEL (DSP0274 1.3 "DMTF measurement extension log format"):
 * NumberOfEntries(4) | MELEntriesLen(4) | Reserved(8) | entries, each
 * MELIndex(4) | MeasIndex(1) | Reserved(3) | DMTF measurement value
 * (type(1) | size(2) | value). */
#define OT_SPDM_MEL_HEADER_SIZE 16u
#define OT_SPDM_MEL_ENTRY_FIXED 11u
/* Checks a whole DMTF MEL: MELEntriesLen = len - 16, NumberOfEntries entries
 * that fill it exactly. *entries = NumberOfEntries. */
OT_RESULT ot_spdm_mel_check(const uint8_t *mel, size_t len, uint32_t *entries);

/* ---- GET_CSR / CSR, SET_CERTIFICATE / SET_CERTIFICATE_RSP (1.2; 1.3 fields) -- */
#define OT_SPDM_CSR_ATTR_CERT_MODEL_MASK 0x07u /* GET_CSR Param2 (1.3) bits 2:0 */
#define OT_SPDM_CSR_ATTR_TAG_MASK 0x38u        /* bits 5:3 CSRTrackingTag */
#define OT_SPDM_CSR_ATTR_OVERWRITE 0x80u       /* bit 7 Overwrite */
#define OT_SPDM_SET_CERT_MODEL_SHIFT 4u        /* SET_CERTIFICATE Param1 (1.3) bits 6:4 */
#define OT_SPDM_SET_CERT_ERASE 0x80u           /* Param1 (1.3) bit 7 */
/* Largest RequesterInfo / CSR the codec accepts (each length is a u16). */
#define OT_SPDM_CSR_MAX 4096u

typedef struct ot_spdm_get_csr {
  uint8_t key_pair_id; /* Param1 (1.3; 0 in 1.2) */
  uint8_t attributes;  /* Param2 (1.3; 0 in 1.2): OT_SPDM_CSR_ATTR_* */
  uint16_t requester_info_len;
  const uint8_t *requester_info; /* DER CertificationRequestInfo, or none */
  uint16_t opaque_len;           /* <= 1024 */
  const uint8_t *opaque;
} ot_spdm_get_csr;

typedef struct ot_spdm_csr {
  uint16_t csr_len; /* CSRLength, <= OT_SPDM_CSR_MAX */
  const uint8_t *csr;
} ot_spdm_csr;

typedef struct ot_spdm_set_certificate {
  uint8_t slot_id;     /* Param1 bits 3:0 */
  uint8_t cert_model;  /* Param1 bits 6:4 (1.3) */
  bool erase;          /* Param1 bit 7 (1.3): no chain follows */
  uint8_t key_pair_id; /* Param2 (1.3) */
  uint16_t chain_len;  /* the SPDM certificate chain: its own Length field */
  const uint8_t *chain;
} ot_spdm_set_certificate;

typedef struct ot_spdm_set_certificate_rsp {
  uint8_t slot_id; /* Param1 bits 3:0 */
} ot_spdm_set_certificate_rsp;

/* ---- GET_KEY_PAIR_INFO / KEY_PAIR_INFO (1.3, DSP0274 1.3 §10.26) ------------- */
#define OT_SPDM_KEY_PAIR_INFO_FIXED 23u /* header .. AssocCertSlotMask */
/* PublicKeyInfo is a DER SubjectPublicKeyInfo: an RSA-4096 one is 550 bytes. */
#define OT_SPDM_PUBLIC_KEY_INFO_MAX 1024u

typedef struct ot_spdm_get_key_pair_info {
  uint8_t key_pair_id; /* 1..TotalKeyPairs */
} ot_spdm_get_key_pair_info;

typedef struct ot_spdm_key_pair_info {
  uint8_t total_key_pairs;
  uint8_t key_pair_id;
  uint16_t capabilities;       /* GenKeyCap, ErasableCap, CertAssocCap, KeyUsageCap, ... */
  uint16_t key_usage_caps;     /* KeyUsageCapabilities (OT_SPDM_KEY_USAGE_*) */
  uint16_t current_key_usage;  /* CurrentKeyUsage */
  uint32_t asym_algo_caps;     /* AsymAlgoCapabilities */
  uint32_t current_asym_algo;  /* CurrentAsymAlgo */
  uint8_t assoc_cert_slot_mask;
  uint16_t public_key_info_len; /* <= OT_SPDM_PUBLIC_KEY_INFO_MAX */
  const uint8_t *public_key_info; /* DER SubjectPublicKeyInfo of the key (empty: no key) */
  /* 1.4 only (empty before): the post-quantum algorithm bit fields, each
   * length-prefixed (PqcAsymAlgoCapabilities, CurrentPqcAsymAlgo). */
  uint8_t pqc_caps_len;
  const uint8_t *pqc_caps;
  uint8_t current_pqc_len;
  const uint8_t *current_pqc;
} ot_spdm_key_pair_info;

/* ---- SET_KEY_PAIR_INFO / SET_KEY_PAIR_INFO_ACK (1.3, DSP0274 1.3 §10.27) ----- */
#define OT_SPDM_KEY_PAIR_OP_CHANGE 0u   /* SetKeyPairInfoOperation (Param1) */
#define OT_SPDM_KEY_PAIR_OP_ERASE 1u
#define OT_SPDM_KEY_PAIR_OP_GENERATE 2u
#define OT_SPDM_SET_KEY_PAIR_INFO_SHORT 5u /* Erase as libspdm sends it: header | KeyPairID */
#define OT_SPDM_SET_KEY_PAIR_INFO_FIXED 13u /* header .. DesiredAssocCertSlotMask */

typedef struct ot_spdm_set_key_pair_info {
  uint8_t operation;   /* Param1: OT_SPDM_KEY_PAIR_OP_* (0..2; others refused by the decoder) */
  uint8_t key_pair_id; /* 1.. */
  /* false: the request ended after KeyPairID (an Erase only; the desired
   * fields read as 0). The encoder writes the short form for an Erase whose
   * desired fields are all 0 when short_erase is set. */
  bool short_erase;
  uint16_t desired_key_usage;
  uint32_t desired_asym_algo;
  uint8_t desired_assoc_cert_slot_mask;
  /* 1.4 only: DesiredPqcAsymAlgoLen | DesiredPqcAsymAlgo. */
  uint8_t desired_pqc_len;
  const uint8_t *desired_pqc;
} ot_spdm_set_key_pair_info;

/* ---- Encoders and decoders, one pair per message ---------------------------- */
/* Each encoder appends one whole message to w (OT_E_NO_SPACE if it does not fit,
 * OT_E_ARG / OT_E_TOO_LARGE for a struct that cannot be encoded); each decoder
 * follows the rules at the top of this header. */
#define OT_SPDM_CODEC(name, type)                                                                  \
  OT_RESULT ot_spdm_encode_##name(const ot_spdm_sizes *sz, ot_writer *w, const type *m);           \
  OT_RESULT ot_spdm_decode_##name(const ot_spdm_sizes *sz, ot_reader *r, type *m);
/* Messages with nothing but a header whose parameters are reserved. */
#define OT_SPDM_CODEC_EMPTY(name)                                                                  \
  OT_RESULT ot_spdm_encode_##name(const ot_spdm_sizes *sz, ot_writer *w);                          \
  OT_RESULT ot_spdm_decode_##name(const ot_spdm_sizes *sz, ot_reader *r);

OT_SPDM_CODEC_EMPTY(get_version)
OT_SPDM_CODEC(version, ot_spdm_version)
OT_SPDM_CODEC(get_capabilities, ot_spdm_capabilities)
OT_SPDM_CODEC(capabilities, ot_spdm_capabilities)
OT_SPDM_CODEC(negotiate_algorithms, ot_spdm_alg_offer)
OT_SPDM_CODEC(algorithms, ot_spdm_algorithms)
OT_SPDM_CODEC_EMPTY(get_digests)
OT_SPDM_CODEC(digests, ot_spdm_digests)
OT_SPDM_CODEC(get_certificate, ot_spdm_get_certificate)
OT_SPDM_CODEC(certificate, ot_spdm_certificate)
OT_SPDM_CODEC(challenge, ot_spdm_challenge)
OT_SPDM_CODEC(challenge_auth, ot_spdm_challenge_auth)
OT_SPDM_CODEC(get_measurements, ot_spdm_get_measurements)
OT_SPDM_CODEC(measurements, ot_spdm_measurements)
OT_SPDM_CODEC(key_exchange, ot_spdm_key_exchange)
OT_SPDM_CODEC(key_exchange_rsp, ot_spdm_key_exchange_rsp)
OT_SPDM_CODEC(finish, ot_spdm_finish)
OT_SPDM_CODEC(finish_rsp, ot_spdm_finish_rsp)
OT_SPDM_CODEC(psk_exchange, ot_spdm_psk_exchange)
OT_SPDM_CODEC(psk_exchange_rsp, ot_spdm_psk_exchange_rsp)
OT_SPDM_CODEC(psk_finish, ot_spdm_psk_finish)
OT_SPDM_CODEC_EMPTY(psk_finish_rsp)
OT_SPDM_CODEC(key_update, ot_spdm_key_update)
OT_SPDM_CODEC(key_update_ack, ot_spdm_key_update)
OT_SPDM_CODEC_EMPTY(heartbeat)
OT_SPDM_CODEC_EMPTY(heartbeat_ack)
OT_SPDM_CODEC(end_session, ot_spdm_end_session)
OT_SPDM_CODEC_EMPTY(get_encapsulated_request)
OT_SPDM_CODEC(encapsulated_request, ot_spdm_encap)
OT_SPDM_CODEC(deliver_encapsulated_response, ot_spdm_encap)
OT_SPDM_CODEC(encapsulated_response_ack, ot_spdm_encap)
OT_SPDM_CODEC_EMPTY(end_session_ack)
OT_SPDM_CODEC(vendor_request, ot_spdm_vendor_defined)
OT_SPDM_CODEC(vendor_response, ot_spdm_vendor_defined)
OT_SPDM_CODEC(respond_if_ready, ot_spdm_respond_if_ready)
OT_SPDM_CODEC(error, ot_spdm_error)
OT_SPDM_CODEC(chunk_send, ot_spdm_chunk)
OT_SPDM_CODEC(chunk_send_ack, ot_spdm_chunk_send_ack)
OT_SPDM_CODEC(chunk_get, ot_spdm_chunk_get)
OT_SPDM_CODEC(chunk_response, ot_spdm_chunk)
OT_SPDM_CODEC(get_endpoint_info, ot_spdm_get_endpoint_info)
OT_SPDM_CODEC(endpoint_info, ot_spdm_endpoint_info)
OT_SPDM_CODEC(get_mel, ot_spdm_get_mel)
OT_SPDM_CODEC(mel, ot_spdm_mel)
OT_SPDM_CODEC(get_csr, ot_spdm_get_csr)
OT_SPDM_CODEC(csr, ot_spdm_csr)
OT_SPDM_CODEC(set_certificate, ot_spdm_set_certificate)
OT_SPDM_CODEC(set_certificate_rsp, ot_spdm_set_certificate_rsp)
OT_SPDM_CODEC(get_key_pair_info, ot_spdm_get_key_pair_info)
OT_SPDM_CODEC(key_pair_info, ot_spdm_key_pair_info)
OT_SPDM_CODEC(set_key_pair_info, ot_spdm_set_key_pair_info)
OT_SPDM_CODEC_EMPTY(set_key_pair_info_ack)

#undef OT_SPDM_CODEC
#undef OT_SPDM_CODEC_EMPTY

/* ---- Measurement record, blocks and DMTF values ---------------------------- */
/*
 * Reads the next measurement block from a reader over a MeasurementRecord
 * (ot_reader_init(&rec, m.record, m.record_len)). OT_E_TRUNCATED if a block runs
 * past the record. When the block's spec is DMTF its value header is checked too
 * (ValueSize + 3 == MeasurementSize), OT_E_MALFORMED otherwise.
 */
OT_RESULT ot_spdm_meas_block_next(ot_reader *rec, ot_spdm_meas_block *out);
/* Appends one measurement block (header + measurement bytes). */
OT_RESULT ot_spdm_meas_block_encode(ot_writer *w, const ot_spdm_meas_block *b);
/* Decodes the DMTF measurement value of a block whose spec is DMTF. */
OT_RESULT ot_spdm_dmtf_meas_decode(const ot_spdm_meas_block *b, ot_spdm_dmtf_meas *out);
/* Appends a DMTF measurement value (type, size, value): a block's measurement. */
OT_RESULT ot_spdm_dmtf_meas_encode(ot_writer *w, const ot_spdm_dmtf_meas *m);

/* ---- Certificate chain --------------------------------------------------------- */
/* Decodes a whole SPDM certificate chain of len bytes: Length must equal len,
 * at least one certificate byte must follow the root hash. */
OT_RESULT ot_spdm_cert_chain_decode(uint16_t hash_len, const uint8_t *chain, size_t len,
                                    ot_spdm_cert_chain *out);
/* Writes the chain header (Length, Reserved, RootHash) followed by the certs. */
OT_RESULT ot_spdm_cert_chain_encode(uint16_t hash_len, ot_writer *w, const ot_spdm_cert_chain *c);

/* ---- Secured-message version opaque data (OpaqueDataFmt1, SPEC-FACTS §3.5) ------ */
#define OT_SPDM_SM_MAX_VERSIONS 8u
typedef struct ot_spdm_sm_versions {
  uint8_t data_id; /* OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS or _VERSION_SELECTION */
  uint8_t count;   /* 1 for a selection */
  uint16_t version[OT_SPDM_SM_MAX_VERSIONS]; /* u16 form, e.g. 0x1200 */
} ot_spdm_sm_versions;
/*
 * Encodes a general opaque data table with one DMTF element carrying the
 * secured-message version list (KEY_EXCHANGE / PSK_EXCHANGE) or the selected
 * version (count 1, *_RESPONSE), padded to 4 bytes.
 */
OT_RESULT ot_spdm_sm_versions_encode(ot_writer *w, const ot_spdm_sm_versions *v);
/*
 * Decodes OpaqueData in the general opaque data table format and returns the one
 * DMTF secured-message element in it (other registries' elements are skipped).
 * OT_E_NOT_FOUND if there is none, OT_E_MALFORMED if there are two or the table
 * is inconsistent, OT_E_TOO_LARGE for more than OT_SPDM_SM_MAX_VERSIONS versions.
 */
OT_RESULT ot_spdm_sm_versions_decode(const uint8_t *opaque, size_t len, ot_spdm_sm_versions *out);
/* The same for an SPDM connection of spdm_version: 1.2+ use the general opaque
 * data table (the two functions above); 1.1 has no OtherParams and uses the
 * DSP0277 1.0 table, whose header is SpecID "DMTF" (0x444D5446) |
 * OpaqueVersion 1 | TotalElements | Reserved(2) (OT_E_MALFORMED for another
 * SpecID or OpaqueVersion). */
OT_RESULT ot_spdm_sm_versions_encode_v(uint8_t spdm_version, ot_writer *w,
                                       const ot_spdm_sm_versions *v);
OT_RESULT ot_spdm_sm_versions_decode_v(uint8_t spdm_version, const uint8_t *opaque, size_t len,
                                       ot_spdm_sm_versions *out);

/* ---- Any message, by its code -------------------------------------------------- */
typedef struct ot_spdm_request {
  uint8_t code; /* RequestResponseCode; selects the member of u */
  union {
    ot_spdm_capabilities get_capabilities;
    ot_spdm_alg_offer negotiate_algorithms;
    ot_spdm_get_certificate get_certificate;
    ot_spdm_challenge challenge;
    ot_spdm_get_measurements get_measurements;
    ot_spdm_key_exchange key_exchange;
    ot_spdm_finish finish;
    ot_spdm_psk_exchange psk_exchange;
    ot_spdm_psk_finish psk_finish;
    ot_spdm_key_update key_update;
    ot_spdm_end_session end_session;
    ot_spdm_vendor_defined vendor;
    ot_spdm_respond_if_ready respond_if_ready;
    ot_spdm_chunk chunk_send;
    ot_spdm_chunk_get chunk_get;
    ot_spdm_encap encap; /* DELIVER_ENCAPSULATED_RESPONSE */
    ot_spdm_get_endpoint_info get_endpoint_info;
    ot_spdm_get_mel get_mel;
    ot_spdm_get_csr get_csr;
    ot_spdm_set_certificate set_certificate;
    ot_spdm_get_key_pair_info get_key_pair_info;
    ot_spdm_set_key_pair_info set_key_pair_info;
  } u; /* GET_VERSION, GET_DIGESTS, HEARTBEAT, GET_ENCAPSULATED_REQUEST have no member */
} ot_spdm_request;

typedef struct ot_spdm_response {
  uint8_t code;
  union {
    ot_spdm_version version;
    ot_spdm_capabilities capabilities;
    ot_spdm_algorithms algorithms;
    ot_spdm_digests digests;
    ot_spdm_certificate certificate;
    ot_spdm_challenge_auth challenge_auth;
    ot_spdm_measurements measurements;
    ot_spdm_key_exchange_rsp key_exchange_rsp;
    ot_spdm_finish_rsp finish_rsp;
    ot_spdm_psk_exchange_rsp psk_exchange_rsp;
    ot_spdm_key_update key_update_ack;
    ot_spdm_vendor_defined vendor;
    ot_spdm_error error;
    ot_spdm_chunk_send_ack chunk_send_ack;
    ot_spdm_chunk chunk_response;
    ot_spdm_encap encap; /* ENCAPSULATED_REQUEST, ENCAPSULATED_RESPONSE_ACK */
    ot_spdm_endpoint_info endpoint_info;
    ot_spdm_mel mel;
    ot_spdm_csr csr;
    ot_spdm_set_certificate_rsp set_certificate_rsp;
    ot_spdm_key_pair_info key_pair_info;
  } u; /* PSK_FINISH_RSP, HEARTBEAT_ACK, END_SESSION_ACK have no member */
} ot_spdm_response;

/*
 * Decode any request / response the codec knows, chosen by the code in byte 1
 * (a table indexed by code). OT_E_UNSUPPORTED for a code the codec has no
 * decoder for (or a request code passed to the response decoder and vice versa);
 * otherwise the rules of the message's own decoder.
 */
OT_RESULT ot_spdm_decode_request(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_request *out);
OT_RESULT ot_spdm_decode_response(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_response *out);
/* Encode by m->code, through the same tables. */
OT_RESULT ot_spdm_encode_request(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_request *m);
OT_RESULT ot_spdm_encode_response(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_response *m);
/* The message name for a code ("KEY_EXCHANGE_RSP"), "UNKNOWN" if the codec has none. */
const char *ot_spdm_code_name(uint8_t code);

/*
 * The exact length of the SPDM message at the start of buf (SPEC-FACTS T1): DOE
 * pads every object to 4 bytes, and transcripts need the message without the
 * padding. The length is derived from the message's own fields (decoding it with
 * sz), and at most 3 bytes may follow it (OT_E_TRAILING otherwise).
 * Limits: a vendor-defined ERROR and a CHUNK_SEND_ACK end with bytes their own
 * fields do not delimit. For the ERROR the whole buffer counts; for the ACK the
 * embedded response's own length is used when it parses as an SPDM response,
 * else the whole buffer counts (neither message ever enters a transcript).
 */
OT_RESULT ot_spdm_message_length(const ot_spdm_sizes *sz, const uint8_t *buf, size_t len,
                                 size_t *out);
/* The same for a request only: what a responder needs, without the response
 * decoders (OT_E_UNSUPPORTED for a response code). */
OT_RESULT ot_spdm_request_length(const ot_spdm_sizes *sz, const uint8_t *buf, size_t len,
                                 size_t *out);

#endif /* OPENTSM_SPDM_CODEC_H */
