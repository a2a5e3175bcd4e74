/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DMTF DSP0274 (SPDM) 1.2 / 1.3 wire constants: codes, flags, algorithm bits,
 * fixed sizes. Values only; the message codec is opentsm/spdm_codec.h.
 * @layer spdm
 *
 * Citations name the DSP0274 1.3 clause by its message and the table by its
 * title ("GET_CAPABILITIES request message format"), because table numbers move
 * between 1.2.x and 1.3.x revisions. Every value here is also recorded in
 * SPEC-FACTS §2 (with its provenance) and, where marked REC, was seen in the
 * recorded spdm-emu traffic of tests/vectors/spdm-emu.
 */
#ifndef OPENTSM_SPEC_SPDM_H
#define OPENTSM_SPEC_SPDM_H

/* ---- SPDMVersion byte (DSP0274 "SPDM message header": major/minor nibbles) ---- */
#define OT_SPDM_VERSION_10 0x10u /* GET_VERSION and VERSION always carry 1.0 */
#define OT_SPDM_VERSION_11 0x11u
#define OT_SPDM_VERSION_12 0x12u
#define OT_SPDM_VERSION_13 0x13u
#define OT_SPDM_VERSION_14 0x14u

/* VERSION number entry (DSP0274 "VERSION number entry definition"): u16 LE. */
#define OT_SPDM_VERSION_ENTRY_MAJOR_MASK 0xf000u
#define OT_SPDM_VERSION_ENTRY_MINOR_MASK 0x0f00u
#define OT_SPDM_VERSION_ENTRY_UPDATE_MASK 0x00f0u
#define OT_SPDM_VERSION_ENTRY_ALPHA_MASK 0x000fu

/* ---- Request codes (DSP0274 "SPDM request codes" table) ---------------------- */
#define OT_SPDM_GET_DIGESTS 0x81u
#define OT_SPDM_GET_CERTIFICATE 0x82u
#define OT_SPDM_CHALLENGE 0x83u
#define OT_SPDM_GET_VERSION 0x84u
#define OT_SPDM_CHUNK_SEND 0x85u                 /* 1.2 */
#define OT_SPDM_CHUNK_GET 0x86u                  /* 1.2 */
#define OT_SPDM_GET_ENDPOINT_INFO 0x87u          /* 1.3 */
#define OT_SPDM_GET_MEASUREMENTS 0xe0u
#define OT_SPDM_GET_CAPABILITIES 0xe1u
#define OT_SPDM_GET_SUPPORTED_EVENT_TYPES 0xe2u  /* 1.3 */
#define OT_SPDM_NEGOTIATE_ALGORITHMS 0xe3u
#define OT_SPDM_KEY_EXCHANGE 0xe4u               /* 1.1 */
#define OT_SPDM_FINISH 0xe5u                     /* 1.1 */
#define OT_SPDM_PSK_EXCHANGE 0xe6u               /* 1.1 */
#define OT_SPDM_PSK_FINISH 0xe7u                 /* 1.1 */
#define OT_SPDM_HEARTBEAT 0xe8u                  /* 1.1 */
#define OT_SPDM_KEY_UPDATE 0xe9u                 /* 1.1 */
#define OT_SPDM_GET_ENCAPSULATED_REQUEST 0xeau   /* 1.1 */
#define OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE 0xebu /* 1.1 */
#define OT_SPDM_END_SESSION 0xecu                /* 1.1 */
#define OT_SPDM_GET_CSR 0xedu                    /* 1.2 */
#define OT_SPDM_SET_CERTIFICATE 0xeeu            /* 1.2 */
#define OT_SPDM_GET_MEASUREMENT_EXTENSION_LOG 0xefu /* 1.3 */
#define OT_SPDM_SUBSCRIBE_EVENT_TYPES 0xf0u      /* 1.3 */
#define OT_SPDM_SEND_EVENT 0xf1u                 /* 1.3 */
#define OT_SPDM_GET_KEY_PAIR_INFO 0xfcu          /* 1.3 */
#define OT_SPDM_SET_KEY_PAIR_INFO 0xfdu          /* 1.3 */
#define OT_SPDM_VENDOR_DEFINED_REQUEST 0xfeu
#define OT_SPDM_RESPOND_IF_READY 0xffu

/* ---- Response codes (DSP0274 "SPDM response codes" table) -------------------- */
#define OT_SPDM_DIGESTS 0x01u
#define OT_SPDM_CERTIFICATE 0x02u
#define OT_SPDM_CHALLENGE_AUTH 0x03u
#define OT_SPDM_VERSION 0x04u
#define OT_SPDM_CHUNK_SEND_ACK 0x05u             /* 1.2 */
#define OT_SPDM_CHUNK_RESPONSE 0x06u             /* 1.2 */
#define OT_SPDM_ENDPOINT_INFO 0x07u              /* 1.3 */
#define OT_SPDM_MEASUREMENTS 0x60u
#define OT_SPDM_CAPABILITIES 0x61u
#define OT_SPDM_SUPPORTED_EVENT_TYPES 0x62u      /* 1.3 */
#define OT_SPDM_ALGORITHMS 0x63u
#define OT_SPDM_KEY_EXCHANGE_RSP 0x64u           /* 1.1 */
#define OT_SPDM_FINISH_RSP 0x65u                 /* 1.1 */
#define OT_SPDM_PSK_EXCHANGE_RSP 0x66u           /* 1.1 */
#define OT_SPDM_PSK_FINISH_RSP 0x67u             /* 1.1 */
#define OT_SPDM_HEARTBEAT_ACK 0x68u              /* 1.1 */
#define OT_SPDM_KEY_UPDATE_ACK 0x69u             /* 1.1 */
#define OT_SPDM_ENCAPSULATED_REQUEST 0x6au       /* 1.1 */
#define OT_SPDM_ENCAPSULATED_RESPONSE_ACK 0x6bu  /* 1.1 */
#define OT_SPDM_END_SESSION_ACK 0x6cu            /* 1.1 */
#define OT_SPDM_CSR 0x6du                        /* 1.2 */
#define OT_SPDM_SET_CERTIFICATE_RSP 0x6eu        /* 1.2 */
#define OT_SPDM_MEASUREMENT_EXTENSION_LOG 0x6fu  /* 1.3 */
#define OT_SPDM_SUBSCRIBE_EVENT_TYPES_ACK 0x70u  /* 1.3 */
#define OT_SPDM_EVENT_ACK 0x71u                  /* 1.3 */
#define OT_SPDM_KEY_PAIR_INFO 0x7cu              /* 1.3 */
#define OT_SPDM_SET_KEY_PAIR_INFO_ACK 0x7du      /* 1.3 */
#define OT_SPDM_VENDOR_DEFINED_RESPONSE 0x7eu
#define OT_SPDM_ERROR 0x7fu

/* Bit 7 of RequestResponseCode distinguishes requests from responses. */
#define OT_SPDM_CODE_IS_REQUEST(c) (((c) & 0x80u) != 0)

/* ---- Fixed sizes ------------------------------------------------------------- */
#define OT_SPDM_HEADER_SIZE 4u            /* SPDMVersion, code, Param1, Param2 */
#define OT_SPDM_NONCE_SIZE 32u            /* CHALLENGE, GET_MEASUREMENTS, ... */
#define OT_SPDM_RANDOM_DATA_SIZE 32u      /* KEY_EXCHANGE(_RSP) RandomData */
#define OT_SPDM_REQ_CONTEXT_SIZE 8u       /* 1.3 RequesterContext (CHALLENGE, GET_MEASUREMENTS) */
#define OT_SPDM_MAX_OPAQUE_DATA_SIZE 1024u /* OpaqueDataLength "shall not exceed 1024" */
#define OT_SPDM_MAX_SLOT_COUNT 8u         /* certificate slots 0..7 */
#define OT_SPDM_SLOT_ID_MASK 0x0fu        /* SlotID fields use bits 3:0 */
#define OT_SPDM_SLOT_ID_PROVISIONED_KEY 0xffu /* CHALLENGE/KEY_EXCHANGE: provisioned key */
#define OT_SPDM_MAX_EXTENDED_ERROR_DATA 32u /* ERROR ExtendedErrorData: at most 32 bytes */
#define OT_SPDM_MIN_DATA_TRANSFER_SIZE 42u /* 1.2+ DataTransferSize minimum (MinDataTransferSize) */
#define OT_SPDM_NEGOTIATE_ALGORITHMS_MAX_LENGTH 128u /* 1.1+: request Length <= 128 */
#define OT_SPDM_MAX_MEASUREMENT_RECORD_LENGTH 0xffffffu /* 24-bit MeasurementRecordLength */
#define OT_SPDM_MAX_CERT_CHAIN_SIZE 0xffffu /* cert chain Length is a u16 */
#define OT_SPDM_SIGNING_PREFIX_SIZE 100u  /* combined_spdm_prefix for 1.2+ signatures */
#define OT_SPDM_MAX_HASH_SIZE 64u         /* SHA-512 / SHA3-512 */
#define OT_SPDM_MAX_SIGNATURE_SIZE 512u   /* RSA-4096 */
#define OT_SPDM_MAX_DHE_SIZE 512u         /* FFDHE4096 */

/* ---- Capability flags (DSP0274 GET_CAPABILITIES: "Flags fields definitions for
 * the Requester" and "... for the Responder"). Same bit, same name, both sides;
 * the *_REQ_MASK_* / *_RSP_MASK_* macros say which side may set which bit. ---- */
#define OT_SPDM_CAP_CACHE (1u << 0)          /* responder only */
#define OT_SPDM_CAP_CERT (1u << 1)
#define OT_SPDM_CAP_CHAL (1u << 2)
#define OT_SPDM_CAP_MEAS_MASK (3u << 3)      /* responder only, 2-bit field */
#define OT_SPDM_CAP_MEAS_NO_SIG (1u << 3)    /*   01b: measurements without signature */
#define OT_SPDM_CAP_MEAS_SIG (2u << 3)       /*   10b: measurements with signature */
#define OT_SPDM_CAP_MEAS_FRESH (1u << 5)     /* responder only */
#define OT_SPDM_CAP_ENCRYPT (1u << 6)
#define OT_SPDM_CAP_MAC (1u << 7)
#define OT_SPDM_CAP_MUT_AUTH (1u << 8)
#define OT_SPDM_CAP_KEY_EX (1u << 9)
#define OT_SPDM_CAP_PSK_MASK (3u << 10)      /* 2-bit field */
#define OT_SPDM_CAP_PSK (1u << 10)           /*   01b: PSK (requester: supported) */
#define OT_SPDM_CAP_PSK_WITH_CONTEXT (2u << 10) /* 10b: responder, with ResponderContext */
#define OT_SPDM_CAP_ENCAP (1u << 12)
#define OT_SPDM_CAP_HBEAT (1u << 13)
#define OT_SPDM_CAP_KEY_UPD (1u << 14)
#define OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR (1u << 15)
#define OT_SPDM_CAP_PUB_KEY_ID (1u << 16)
#define OT_SPDM_CAP_CHUNK (1u << 17)         /* 1.2 */
#define OT_SPDM_CAP_ALIAS_CERT (1u << 18)    /* 1.2, responder only */
#define OT_SPDM_CAP_SET_CERT (1u << 19)      /* 1.2, responder only */
#define OT_SPDM_CAP_CSR (1u << 20)           /* 1.2, responder only */
#define OT_SPDM_CAP_CERT_INSTALL_RESET (1u << 21) /* 1.2, responder only */
#define OT_SPDM_CAP_EP_INFO_MASK (3u << 22)  /* 1.3, 2-bit field */
#define OT_SPDM_CAP_EP_INFO_NO_SIG (1u << 22)
#define OT_SPDM_CAP_EP_INFO_SIG (2u << 22)
#define OT_SPDM_CAP_MEL (1u << 24)           /* 1.3, responder only */
#define OT_SPDM_CAP_EVENT (1u << 25)         /* 1.3 */
#define OT_SPDM_CAP_MULTI_KEY_MASK (3u << 26) /* 1.3, 2-bit field */
#define OT_SPDM_CAP_MULTI_KEY_ONLY (1u << 26) /*   01b: only multi-key connections */
#define OT_SPDM_CAP_MULTI_KEY_NEG (2u << 26)  /*   10b: negotiable via ResponderMultiKeyConn */
#define OT_SPDM_CAP_GET_KEY_PAIR_INFO (1u << 28) /* 1.3, responder only */
#define OT_SPDM_CAP_SET_KEY_PAIR_INFO (1u << 29) /* 1.3, responder only */

/* Bits each side may set, per version (everything else is reserved). */
#define OT_SPDM_CAP_REQ_MASK_12                                                            \
  (OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC |           \
   OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_PSK_MASK | OT_SPDM_CAP_ENCAP |   \
   OT_SPDM_CAP_HBEAT | OT_SPDM_CAP_KEY_UPD | OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR |           \
   OT_SPDM_CAP_PUB_KEY_ID | OT_SPDM_CAP_CHUNK)
#define OT_SPDM_CAP_REQ_MASK_13                                                            \
  (OT_SPDM_CAP_REQ_MASK_12 | OT_SPDM_CAP_EP_INFO_MASK | OT_SPDM_CAP_EVENT |                \
   OT_SPDM_CAP_MULTI_KEY_MASK)
#define OT_SPDM_CAP_RSP_MASK_12                                                            \
  (OT_SPDM_CAP_REQ_MASK_12 | OT_SPDM_CAP_CACHE | OT_SPDM_CAP_MEAS_MASK |                   \
   OT_SPDM_CAP_MEAS_FRESH | OT_SPDM_CAP_ALIAS_CERT | OT_SPDM_CAP_SET_CERT | OT_SPDM_CAP_CSR | \
   OT_SPDM_CAP_CERT_INSTALL_RESET)
#define OT_SPDM_CAP_RSP_MASK_13                                                            \
  (OT_SPDM_CAP_RSP_MASK_12 | OT_SPDM_CAP_EP_INFO_MASK | OT_SPDM_CAP_MEL |                  \
   OT_SPDM_CAP_EVENT | OT_SPDM_CAP_MULTI_KEY_MASK | OT_SPDM_CAP_GET_KEY_PAIR_INFO |         \
   OT_SPDM_CAP_SET_KEY_PAIR_INFO)

/* GET_CAPABILITIES / CAPABILITIES Param1 (1.3): request "send me your supported
 * algorithms"; response "the Supported Algorithms block follows". */
#define OT_SPDM_CAP_PARAM1_SUPPORTED_ALGS 0x01u

/* ---- NEGOTIATE_ALGORITHMS / ALGORITHMS (DSP0274 "NEGOTIATE_ALGORITHMS request
 * message format", "Successful ALGORITHMS response message format") ---------- */

/* MeasurementSpecification (request) / MeasurementSpecificationSel (response). */
#define OT_SPDM_MEAS_SPEC_DMTF 0x01u
/* MELspecification(Sel) (1.3). */
#define OT_SPDM_MEL_SPEC_DMTF 0x01u

/* OtherParamsSupport / OtherParamsSelection. */
#define OT_SPDM_OPAQUE_FMT_MASK 0x0fu     /* bits 3:0 OpaqueDataFmt */
#define OT_SPDM_OPAQUE_FMT_NONE 0x00u
#define OT_SPDM_OPAQUE_FMT_0 0x01u        /* vendor-defined (Fmt0) */
#define OT_SPDM_OPAQUE_FMT_1 0x02u        /* general opaque data table (Fmt1), 1.2+ */
#define OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN 0x10u /* 1.3: Responder/RequesterMultiKeyConn */

/* BaseAsymAlgo / BaseAsymSel / ReqBaseAsymAlg ("Byte offset ... BaseAsymAlgo"). */
#define OT_SPDM_ASYM_RSASSA_2048 0x0001u
#define OT_SPDM_ASYM_RSAPSS_2048 0x0002u
#define OT_SPDM_ASYM_RSASSA_3072 0x0004u
#define OT_SPDM_ASYM_RSAPSS_3072 0x0008u
#define OT_SPDM_ASYM_ECDSA_P256 0x0010u
#define OT_SPDM_ASYM_RSASSA_4096 0x0020u
#define OT_SPDM_ASYM_RSAPSS_4096 0x0040u
#define OT_SPDM_ASYM_ECDSA_P384 0x0080u
#define OT_SPDM_ASYM_ECDSA_P521 0x0100u
#define OT_SPDM_ASYM_SM2_P256 0x0200u     /* 1.2 */
#define OT_SPDM_ASYM_ED25519 0x0400u      /* 1.2 */
#define OT_SPDM_ASYM_ED448 0x0800u        /* 1.2 */
#define OT_SPDM_ASYM_MASK_12 0x0fffu
#define OT_SPDM_ASYM_RSA_ALL 0x006fu /* RSASSA and RSAPSS, 2048/3072/4096 */

/* BaseHashAlgo / BaseHashSel. */
#define OT_SPDM_HASH_SHA_256 0x01u
#define OT_SPDM_HASH_SHA_384 0x02u
#define OT_SPDM_HASH_SHA_512 0x04u
#define OT_SPDM_HASH_SHA3_256 0x08u
#define OT_SPDM_HASH_SHA3_384 0x10u
#define OT_SPDM_HASH_SHA3_512 0x20u
#define OT_SPDM_HASH_SM3_256 0x40u        /* 1.2 */
#define OT_SPDM_HASH_MASK_12 0x7fu

/* MeasurementHashAlgo (ALGORITHMS response). */
#define OT_SPDM_MEAS_HASH_RAW_BIT_STREAM 0x01u
#define OT_SPDM_MEAS_HASH_SHA_256 0x02u
#define OT_SPDM_MEAS_HASH_SHA_384 0x04u
#define OT_SPDM_MEAS_HASH_SHA_512 0x08u
#define OT_SPDM_MEAS_HASH_SHA3_256 0x10u
#define OT_SPDM_MEAS_HASH_SHA3_384 0x20u
#define OT_SPDM_MEAS_HASH_SHA3_512 0x40u
#define OT_SPDM_MEAS_HASH_SM3_256 0x80u   /* 1.2 */

/* AlgStruct tables (DSP0274 "Algorithm request structure"): AlgType values, in
 * the ascending order they must appear. */
#define OT_SPDM_ALG_TYPE_DHE 2u
#define OT_SPDM_ALG_TYPE_AEAD 3u
#define OT_SPDM_ALG_TYPE_REQ_BASE_ASYM 4u
#define OT_SPDM_ALG_TYPE_KEY_SCHEDULE 5u
#define OT_SPDM_ALG_STRUCT_MAX 6u /* 1.4 adds ReqPqcAsymAlg (6) and KEMAlg (7); 4 before */
/* AlgCount byte: bits 7:4 FixedAlgCount (must be 2 for 1.1+), bits 3:0 ExtAlgCount. */
#define OT_SPDM_ALG_COUNT_FIXED_SHIFT 4u
#define OT_SPDM_ALG_COUNT_EXT_MASK 0x0fu
#define OT_SPDM_ALG_FIXED_COUNT 2u

/* DHE named groups. */
#define OT_SPDM_DHE_FFDHE_2048 0x0001u
#define OT_SPDM_DHE_FFDHE_3072 0x0002u
#define OT_SPDM_DHE_FFDHE_4096 0x0004u
#define OT_SPDM_DHE_SECP256R1 0x0008u
#define OT_SPDM_DHE_SECP384R1 0x0010u
#define OT_SPDM_DHE_SECP521R1 0x0020u
#define OT_SPDM_DHE_SM2_P256 0x0040u      /* 1.2 */

/* AEAD cipher suites. */
#define OT_SPDM_AEAD_AES_128_GCM 0x0001u
#define OT_SPDM_AEAD_AES_256_GCM 0x0002u
#define OT_SPDM_AEAD_CHACHA20_POLY1305 0x0004u
#define OT_SPDM_AEAD_SM4_GCM 0x0008u      /* 1.2 */

/* KeySchedule. */
#define OT_SPDM_KEY_SCHEDULE_SPDM 0x0001u

/* Extended algorithm entry / VDM StandardID: registry IDs (DSP0274 "Registry or
 * standards body ID"). */
#define OT_SPDM_REGISTRY_DMTF 0x00u
#define OT_SPDM_REGISTRY_TCG 0x01u
#define OT_SPDM_REGISTRY_USB 0x02u
#define OT_SPDM_REGISTRY_PCISIG 0x03u
#define OT_SPDM_REGISTRY_IANA 0x04u
#define OT_SPDM_REGISTRY_HDBASET 0x05u
#define OT_SPDM_REGISTRY_MIPI 0x06u
#define OT_SPDM_REGISTRY_CXL 0x07u
#define OT_SPDM_REGISTRY_JEDEC 0x08u
#define OT_SPDM_REGISTRY_VESA 0x09u
#define OT_SPDM_REGISTRY_IANA_CBOR 0x0au
#define OT_SPDM_EXT_ALG_SIZE 4u           /* RegistryID(1) Reserved(1) AlgorithmID(2) */

/* ---- DIGESTS (1.3, multi-key) and CERTIFICATE ---------------------------------- */
#define OT_SPDM_CERT_INFO_MODEL_MASK 0x07u /* CertificateInfo bits 2:0 */
#define OT_SPDM_CERT_MODEL_NONE 0u
#define OT_SPDM_CERT_MODEL_DEVICE 1u
#define OT_SPDM_CERT_MODEL_ALIAS 2u
#define OT_SPDM_CERT_MODEL_GENERIC 3u
#define OT_SPDM_KEY_USAGE_KEY_EX 0x0001u
#define OT_SPDM_KEY_USAGE_CHALLENGE 0x0002u
#define OT_SPDM_KEY_USAGE_MEASUREMENT 0x0004u
#define OT_SPDM_KEY_USAGE_ENDPOINT_INFO 0x0008u
#define OT_SPDM_KEY_USAGE_STANDARDS 0x4000u
#define OT_SPDM_KEY_USAGE_VENDOR 0x8000u
/* GET_CERTIFICATE Param2 (1.3) request attributes. */
#define OT_SPDM_GET_CERT_SLOT_SIZE_REQUESTED 0x01u
/* SPDM certificate chain header: Length(2) Reserved(2), then RootHash(H). */
#define OT_SPDM_CERT_CHAIN_HEADER_SIZE 4u

/* ---- CHALLENGE / KEY_EXCHANGE / PSK_EXCHANGE MeasurementSummaryHashType -------- */
#define OT_SPDM_MEAS_SUMMARY_NONE 0x00u
#define OT_SPDM_MEAS_SUMMARY_TCB 0x01u
#define OT_SPDM_MEAS_SUMMARY_ALL 0xffu
/* CHALLENGE_AUTH Param1 (ResponseAttributes). */
#define OT_SPDM_CHALLENGE_AUTH_BASIC_MUT_AUTH 0x80u /* deprecated in 1.2 */

/* ---- GET_MEASUREMENTS / MEASUREMENTS ------------------------------------------- */
#define OT_SPDM_MEAS_ATTR_SIGNATURE 0x01u      /* request Param1 bit0 */
#define OT_SPDM_MEAS_ATTR_RAW_BIT_STREAM 0x02u /* request Param1 bit1 */
#define OT_SPDM_MEAS_ATTR_NEW_MEASUREMENT 0x04u /* request Param1 bit2 (1.3) */
#define OT_SPDM_MEAS_OP_COUNT 0x00u            /* Param2: total number of indices */
#define OT_SPDM_MEAS_OP_ALL 0xffu              /* Param2: all measurements */
#define OT_SPDM_MEAS_CONTENT_CHANGED_MASK 0x30u /* response Param2 bits 5:4 */
#define OT_SPDM_MEAS_CONTENT_NOT_SUPPORTED 0x00u
#define OT_SPDM_MEAS_CONTENT_CHANGED 0x10u
#define OT_SPDM_MEAS_CONTENT_UNCHANGED 0x20u
/* Measurement block (DSP0274 "Measurement block format"): Index(1) Spec(1) Size(2). */
#define OT_SPDM_MEAS_BLOCK_HEADER_SIZE 4u
#define OT_SPDM_MEAS_INDEX_MANIFEST 0xfdu
#define OT_SPDM_MEAS_INDEX_DEVICE_MODE 0xfeu
/* DMTF measurement value header (DSP0274 "DMTF measurement specification format"):
 * DMTFSpecMeasurementValueType(1) ValueSize(2). */
#define OT_SPDM_DMTF_MEAS_HEADER_SIZE 3u
#define OT_SPDM_DMTF_MEAS_RAW_BIT_STREAM 0x80u /* bit7: raw bit stream, else digest */
#define OT_SPDM_DMTF_MEAS_TYPE_MASK 0x7fu
#define OT_SPDM_DMTF_MEAS_IMMUTABLE_ROM 0u
#define OT_SPDM_DMTF_MEAS_MUTABLE_FIRMWARE 1u
#define OT_SPDM_DMTF_MEAS_HARDWARE_CONFIG 2u
#define OT_SPDM_DMTF_MEAS_FIRMWARE_CONFIG 3u
#define OT_SPDM_DMTF_MEAS_MANIFEST 4u
#define OT_SPDM_DMTF_MEAS_DEVICE_MODE 5u
#define OT_SPDM_DMTF_MEAS_VERSION 6u
#define OT_SPDM_DMTF_MEAS_SVN 7u
#define OT_SPDM_DMTF_MEAS_HASH_EXTEND 8u       /* 1.3 */
#define OT_SPDM_DMTF_MEAS_INFORMATIONAL 9u     /* 1.3 */
#define OT_SPDM_DMTF_MEAS_STRUCTURED_MANIFEST 10u /* 1.3 */
/* DSP0274 1.2 "Device mode field" (DMTFSpecMeasurementValueType 5, raw):
 * OperationalModeCapabilities(4) | OperationalModeState(4) |
 * DeviceModeCapabilities(4) | DeviceModeState(4), little endian. */
#define OT_SPDM_DEVICE_MODE_FIELD_SIZE 16u
#define OT_SPDM_DEVICE_OPMODE_MANUFACTURING 0x01u
#define OT_SPDM_DEVICE_OPMODE_VALIDATION 0x02u
#define OT_SPDM_DEVICE_OPMODE_NORMAL 0x04u
#define OT_SPDM_DEVICE_OPMODE_RECOVERY 0x08u
#define OT_SPDM_DEVICE_OPMODE_RMA 0x10u
#define OT_SPDM_DEVICE_OPMODE_DECOMMISSIONED 0x20u
#define OT_SPDM_DEVICE_DEBUG_NON_INVASIVE_ACTIVE 0x01u
#define OT_SPDM_DEVICE_DEBUG_INVASIVE_ACTIVE 0x02u
#define OT_SPDM_DEVICE_DEBUG_NON_INVASIVE_HAS_BEEN_ACTIVE 0x04u
#define OT_SPDM_DEVICE_DEBUG_INVASIVE_HAS_BEEN_ACTIVE 0x08u
#define OT_SPDM_DEVICE_DEBUG_INVASIVE_HAS_BEEN_ACTIVE_AFTER_MFG 0x10u

/* ---- KEY_EXCHANGE / KEY_EXCHANGE_RSP / FINISH ----------------------------------- */
#define OT_SPDM_SESSION_POLICY_TERMINATION 0x01u /* TerminationPolicy (1.2) */
#define OT_SPDM_SESSION_POLICY_EVENT_ALL 0x02u   /* EventAllPolicy (1.3) */
#define OT_SPDM_MUT_AUTH_REQUESTED 0x01u
#define OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST 0x02u
#define OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS 0x04u
#define OT_SPDM_FINISH_SIGNATURE_INCLUDED 0x01u  /* FINISH Param1 bit0 */

/* ---- ENCAPSULATED_RESPONSE_ACK Param2 payload type (DSP0274 1.2/1.3
 * "ENCAPSULATED_RESPONSE_ACK response message format") ---------------------------- */
#define OT_SPDM_ENCAP_ACK_ABSENT 0u   /* no further encapsulated request: flow done */
#define OT_SPDM_ENCAP_ACK_PRESENT 1u  /* the next encapsulated request follows */
#define OT_SPDM_ENCAP_ACK_SLOT 2u     /* done; a ReqSlotNumber byte follows */
#define OT_SPDM_ENCAP_ACK_HEADER_SIZE 8u /* header | AckRequestID(1) | Reserved(3) (1.2+) */

/* ---- KEY_UPDATE operations (DSP0274 "KEY_UPDATE operations") ------------------- */
#define OT_SPDM_KEY_UPDATE_OP_UPDATE_KEY 1u
#define OT_SPDM_KEY_UPDATE_OP_UPDATE_ALL_KEYS 2u
#define OT_SPDM_KEY_UPDATE_OP_VERIFY_NEW_KEY 3u

/* ---- END_SESSION ----------------------------------------------------------------- */
#define OT_SPDM_END_SESSION_NEGOTIATED_STATE_CLEAR 0x01u /* Param1 bit0 */

/* ---- CHUNK_SEND / CHUNK_GET (1.2) ------------------------------------------------ */
#define OT_SPDM_CHUNK_LAST 0x01u          /* CHUNK_SEND / CHUNK_RESPONSE Param1 bit0 */
#define OT_SPDM_CHUNK_EARLY_ERROR 0x01u   /* CHUNK_SEND_ACK Param1 bit0 */

/* ---- ERROR codes (DSP0274 "ERROR response": "Error code and error data") ------- */
#define OT_SPDM_ERR_INVALID_REQUEST 0x01u
#define OT_SPDM_ERR_BUSY 0x03u
#define OT_SPDM_ERR_UNEXPECTED_REQUEST 0x04u
#define OT_SPDM_ERR_UNSPECIFIED 0x05u
#define OT_SPDM_ERR_DECRYPT_ERROR 0x06u          /* 1.1 */
#define OT_SPDM_ERR_UNSUPPORTED_REQUEST 0x07u    /* ErrorData = the request code */
#define OT_SPDM_ERR_REQUEST_IN_FLIGHT 0x08u      /* 1.1 */
#define OT_SPDM_ERR_INVALID_RESPONSE_CODE 0x09u  /* 1.1 */
#define OT_SPDM_ERR_SESSION_LIMIT_EXCEEDED 0x0au /* 1.1 */
#define OT_SPDM_ERR_SESSION_REQUIRED 0x0bu       /* 1.2 */
#define OT_SPDM_ERR_RESET_REQUIRED 0x0cu         /* 1.2 */
#define OT_SPDM_ERR_RESPONSE_TOO_LARGE 0x0du     /* 1.2: ext data = response size (u32) */
#define OT_SPDM_ERR_REQUEST_TOO_LARGE 0x0eu      /* 1.2 */
#define OT_SPDM_ERR_LARGE_RESPONSE 0x0fu         /* 1.2: ext data = Handle(1) */
#define OT_SPDM_ERR_MESSAGE_LOST 0x10u           /* 1.2 */
#define OT_SPDM_ERR_INVALID_POLICY 0x11u         /* 1.3 */
#define OT_SPDM_ERR_VERSION_MISMATCH 0x41u
#define OT_SPDM_ERR_RESPONSE_NOT_READY 0x42u     /* ext: RDExponent, RequestCode, Token, RDTM */
#define OT_SPDM_ERR_REQUEST_RESYNCH 0x43u
#define OT_SPDM_ERR_OPERATION_FAILED 0x44u       /* 1.3 */
#define OT_SPDM_ERR_NO_PENDING_REQUESTS 0x45u    /* 1.3 */
#define OT_SPDM_ERR_VENDOR_DEFINED 0xffu         /* ErrorData: registry; ext: Len, VendorID, data */
#define OT_SPDM_ERR_RESPONSE_NOT_READY_EXT_SIZE 4u
#define OT_SPDM_ERR_LARGE_RESPONSE_EXT_SIZE 1u
#define OT_SPDM_ERR_RESPONSE_TOO_LARGE_EXT_SIZE 4u

/* ---- Secured-message opaque data (DSP0274 "General opaque data table format";
 * DSP0277 "Secured Messages using SPDM": version negotiation, SPEC-FACTS §3.5) -- */
#define OT_SPDM_OPAQUE_TABLE_HEADER_SIZE 4u  /* TotalElements(1) Reserved(3) */
#define OT_SPDM_OPAQUE_ELEMENT_HEADER_SIZE 2u /* ID(1) VendorLen(1), then VendorID, DataLen(2) */
#define OT_SPDM_OPAQUE_ALIGN 4u              /* each element padded to 4 bytes */
#define OT_SPDM_SM_DATA_VERSION 0x01u        /* SMDataVersion */
#define OT_SPDM_SM_DATA_ID_VERSION_SELECTION 0x00u /* in KEY_EXCHANGE_RSP / PSK_EXCHANGE_RSP */
#define OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS 0x01u /* in KEY_EXCHANGE / PSK_EXCHANGE */
#define OT_SPDM_SM_DATA_ID_AEAD_LIMIT 0x02u  /* DSP0277 1.3 */
#define OT_SPDM_SM_VERSION_10 0x1000u        /* secured-message version, u16 form */
#define OT_SPDM_SM_VERSION_11 0x1100u
#define OT_SPDM_SM_VERSION_12 0x1200u
#define OT_SPDM_SM_VERSION_13 0x1300u

/* ---- Versions 1.0, 1.1 and 1.4 (DSP0274 1.0.0 / 1.1.x / 1.4.0) ---------------------- */
/* Capability flags each version defines (DSP0274 1.x "Flags fields definitions"):
 * 1.0 responder CACHE..MEAS_FRESH; 1.1 adds ENCRYPT..PUB_KEY_ID (requester flags
 * start in 1.1: a 1.0 GET_CAPABILITIES has none). */
#define OT_SPDM_CAP_RSP_MASK_10                                                                    \
  (OT_SPDM_CAP_CACHE | OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_MEAS_MASK |               \
   OT_SPDM_CAP_MEAS_FRESH)
#define OT_SPDM_CAP_REQ_MASK_11 (OT_SPDM_CAP_REQ_MASK_12 & ~OT_SPDM_CAP_CHUNK)
#define OT_SPDM_CAP_RSP_MASK_11 (OT_SPDM_CAP_RSP_MASK_10 | OT_SPDM_CAP_REQ_MASK_11)
/* 1.4 "LARGE_RESP_CAP" (bit 31, both roles): large CERTIFICATE and VENDOR_DEFINED
 * forms with 32-bit lengths; "SET_KEY_PAIR_RESET_CAP" (bit 30, responder). */
#define OT_SPDM_CAP_SET_KEY_PAIR_RESET (1u << 30)
#define OT_SPDM_CAP_LARGE_RESP (1u << 31)
#define OT_SPDM_CAP_REQ_MASK_14 (OT_SPDM_CAP_REQ_MASK_13 | OT_SPDM_CAP_LARGE_RESP)
#define OT_SPDM_CAP_RSP_MASK_14                                                                    \
  (OT_SPDM_CAP_RSP_MASK_13 | OT_SPDM_CAP_SET_KEY_PAIR_RESET | OT_SPDM_CAP_LARGE_RESP)
/* NEGOTIATE_ALGORITHMS Length bound in 1.0 ("shall be less than or equal to 64"). */
#define OT_SPDM_NEGOTIATE_ALGORITHMS_MAX_LENGTH_10 64u
/* AlgStruct types added in 1.4. */
#define OT_SPDM_ALG_TYPE_REQ_PQC_ASYM 6u
#define OT_SPDM_ALG_TYPE_KEM 7u
#define OT_SPDM_ALG_STRUCT_MAX_13 4u
/* 1.4 large forms: GET_CERTIFICATE / CERTIFICATE Param1 bit7 LargeCertChain,
 * VENDOR_DEFINED_REQUEST Param1 bit7 LargeReq, VENDOR_DEFINED_RESPONSE LargeResp. */
#define OT_SPDM_CERT_LARGE_CHAIN 0x80u
#define OT_SPDM_VDM_LARGE 0x80u
/* BaseAsymAlgo bits defined before 1.2 (RSA .. ECDSA P-521, bits 8:0); SM2 and
 * EdDSA come with 1.2. */
#define OT_SPDM_ASYM_MASK_11 0x1ffu
/* The secured-message opaque data of an SPDM 1.1 connection (DSP0277 1.0
 * "Secured message opaque data format", no OtherParams in 1.1):
 * SpecID(4) = 0x444D5446 ("DMTF" as a LE u32) | OpaqueVersion(1) = 1 |
 * TotalElements(1) | Reserved(2), then the same elements as Fmt1. */
#define OT_SPDM_SM_OPAQUE_SPEC_ID 0x444d5446u
#define OT_SPDM_SM_OPAQUE_VERSION 0x01u
#define OT_SPDM_SM_OPAQUE_HEADER_SIZE_11 8u

#endif /* OPENTSM_SPEC_SPDM_H */
