/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replay of a recorded spdm-emu flow (tests/vectors/spdm-emu/<dir>/: flow.pcap,
 * dhe_secrets.txt; tests/vectors/README.md). Test code only.
 *
 * The replay walks flow.pcap record by record, in order, through the DOE pcap
 * reader, and does what both ends of the recording did:
 *  - plain SPDM messages rebuild the transcripts (A, B, C, M, D, TH) from their
 *    exact bytes, and every signature in the flow is verified (CHALLENGE_AUTH,
 *    signed MEASUREMENTS, each KEY_EXCHANGE_RSP) with the leaf key of the
 *    certificate chain the flow itself carried;
 *  - each KEY_EXCHANGE session is keyed by two ot_spdm_session objects, one per
 *    role, from TH1 / TH2 and the ECDHE secret of dhe_secrets.txt, with FINISH
 *    and FINISH_RSP VerifyData checked by both;
 *  - every secured record is decrypted by the receiving role and sealed again by
 *    the sending role, which must reproduce the recorded record bit for bit (no
 *    random padding on DOE); KEY_UPDATE is followed in each role's own order;
 *  - the PSK session nested in the first session (0xFFFEFFFE) is keyed with the
 *    PSK that the CXL TSP SET_TARGET_CONFIGURATION inside the first session
 *    carries.
 * Any disagreement fails the running cmocka test at once.
 *
 * Each SPDM message (plain, or decrypted from a secured record) is also handed
 * to a caller's sink, with its direction, session and record index, so other
 * tests can look inside the flow without repeating the key schedule.
 *
 * Use:  ts_flow *f = ts_flow_open("tsm_v12_p384");
 *       ts_flow_replay(f, &my_sink.base);   (or step with ts_flow_next/_record)
 *       ... f->n, f->sz ...
 *       ts_flow_close(f);
 *
 * The second half reads spdm_dump.txt, DMTF spdm_dump's listing of the same
 * capture (one line per record, plus indented continuation lines), so a test
 * can hold what our codecs decode against what an independent decoder printed.
 */
#ifndef OPENTSM_TS_RECORDED_FLOW_H
#define OPENTSM_TS_RECORDED_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/crypto.h"
#include "opentsm/doe_pcap.h"
#include "opentsm/spdm_codec.h"
#include "opentsm/spdm_session.h"
#include "opentsm/spdm_transcript.h"

/* CXL TSP (CXL 3.1 §11.5 "TSP"): carried in a PCI-SIG-registry VDM with the
 * CXL vendor ID and protocol ID 1. SET_TARGET_CONFIGURATION (opcode 0x83) is
 * 352 bytes: the 2-byte TSP header, the configuration fields, then four
 * 32-byte secondary-session PSKs at offset 224 (layout of CXL 3.1 Table
 * "Set Target Configuration Request", as DMTF's cxl_tsp.h lays it out). */
#define TS_CXL_VENDOR_ID 0x1e98u
#define TS_CXL_PROTOCOL_IDE_KM 0x00u
#define TS_CXL_PROTOCOL_TSP 0x01u
#define TS_CXL_TSP_VERSION_10 0x10u
#define TS_CXL_TSP_SET_TARGET_CONFIGURATION 0x83u
#define TS_CXL_TSP_SET_CONFIG_SIZE 352u
#define TS_CXL_TSP_SET_CONFIG_PSK_OFFSET 224u
#define TS_CXL_TSP_PSK_SIZE 32u

#define TS_FLOW_MAX_CHAIN 0x10000u
#define TS_FLOW_MAX_PAIRS 4
#define TS_FLOW_MAX_MSG 0x10000u

/* A session as both roles run it. */
typedef struct ts_flow_pair {
  bool live;
  bool psk;
  uint32_t id;
  ot_spdm_session req; /* requester role: opens responses, seals requests */
  ot_spdm_session rsp; /* responder role: opens requests, seals responses */
  uint8_t update_op;   /* KEY_UPDATE operation waiting for its ACK */
  uint8_t update_tag;
  unsigned records;
} ts_flow_pair;

/* What the replay saw, decrypted and verified. */
typedef struct ts_flow_counts {
  unsigned doe_objects, plain, secured, decrypted, reencoded, psk_records;
  unsigned signatures, verify_data, dhe_sessions, psk_sessions, key_updates, teardowns;
} ts_flow_counts;

/* One SPDM message of the flow, as the sink receives it. */
typedef struct ts_flow_msg {
  unsigned record;         /* 1-based DOE object index: spdm_dump.txt's record number */
  bool is_request;         /* requester to responder */
  bool secured;            /* decrypted from a secured record (DOE type 2) */
  bool psk_session;        /* secured, in a PSK session */
  uint32_t session_id;     /* secured only: the record's session ID */
  const ot_spdm_sizes *sz; /* the negotiated sizes the replay decoded it with */
  /* The message as carried: for a plain message the DOE payload (zero-padded
   * to 4 bytes), for a secured one the record's application data. Valid only
   * during the call. */
  const uint8_t *bytes;
  size_t len;
} ts_flow_msg;

/* Receives every SPDM message of the flow, in record order. Embed as the first
 * member of the caller's own struct. */
typedef struct ts_flow_sink ts_flow_sink;
struct ts_flow_sink {
  void (*message)(ts_flow_sink *sink, const ts_flow_msg *m);
};

/* The replay's state. Large (certificate chains): always heap-allocated by
 * ts_flow_open. Fields are readable by tests; the replay owns them. */
typedef struct ts_flow {
  const char *dir;
  ot_spdm_sizes sz;
  ot_spdm_transcript t;
  uint32_t req_caps, rsp_caps;
  uint8_t neg_other_params;
  ot_hash_alg hash;
  ot_aead_alg aead;
  uint32_t asym;
  bool in_clear, multi_key;
  uint8_t chain[OT_SPDM_MAX_SLOT_COUNT][TS_FLOW_MAX_CHAIN];
  size_t chain_len[OT_SPDM_MAX_SLOT_COUNT];
  uint8_t cert_slot, challenge_slot, meas_slot, ke_slot;
  uint16_t req_sid;
  ot_spdm_th th;    /* the session handshake in progress */
  ts_flow_pair *hs; /* its sessions */
  uint8_t dhe[2][OT_ECC_MAX_SCALAR];
  size_t dhe_len[2];
  unsigned dhe_used;
  uint8_t psk[TS_CXL_TSP_PSK_SIZE];
  bool has_psk;
  ts_flow_pair pairs[TS_FLOW_MAX_PAIRS];
  ts_flow_counts n;
  ts_flow_sink *sink; /* NULL: nobody listens */
  /* the capture */
  uint8_t *pcap;
  size_t pcap_len;
  ot_pcap_reader pr;
  size_t marks_before; /* ot_secret_mark_count() at open */
} ts_flow;

/* Loads tests/vectors/spdm-emu/<dir>/{dhe_secrets.txt,flow.pcap} (dir is
 * borrowed) and readies the replay at the first record. Fails the test if a
 * file is missing or malformed. */
ts_flow *ts_flow_open(const char *dir);

/* Replays every remaining record, handing each SPDM message to sink (NULL: no
 * sink), then checks that every session ended and every secret mark is gone. */
void ts_flow_replay(ts_flow *f, ts_flow_sink *sink);

/* Step by step, for tests that depart from the recording midway. */
/* Reads the next record (false at the end); sets *is_request (requester and
 * responder alternate, the requester first) and counts it in f->n.doe_objects. */
bool ts_flow_next(ts_flow *f, ot_pcap_record *rec, bool *is_request);
/* Does what both ends did with one record read by ts_flow_next. */
void ts_flow_record(ts_flow *f, const ot_pcap_record *rec, bool is_request);
/* One plain SPDM message (a DOE type 1 payload, padded). */
void ts_flow_plain(ts_flow *f, bool is_request, const uint8_t *payload, size_t len);
/* The hash of the session transcript TH so far (H bytes of out). */
void ts_flow_th_hash(const ts_flow *f, uint8_t out[static OT_HASH_MAX_SIZE]);

/* Tears down whatever is still live, wipes the secrets and frees f (NULL: no-op). */
void ts_flow_close(ts_flow *f);

/* ==== spdm_dump.txt ============================================================== */

/* The protocol a dump line names for a record's innermost message. */
typedef enum ts_proto {
  TS_PROTO_DOE,        /* DOE_DISCOVERY */
  TS_PROTO_SPDM,       /* an SPDM message other than a PCI-SIG-registry VDM */
  TS_PROTO_IDE_KM,     /* IDE_KM(0xNN): PCI-SIG vendor 0x0001, protocol 0 */
  TS_PROTO_TDISP,      /* TDISP(0xNN): PCI-SIG vendor 0x0001, protocol 1 */
  TS_PROTO_CXL_IDE_KM, /* CXL_IDE_KM(0xNN): CXL vendor 0x1E98, protocol 0 */
  TS_PROTO_CXL_TSP,    /* CXL_TSP(0xNN): CXL vendor 0x1E98, protocol 1 */
  TS_PROTO_COUNT
} ts_proto;

const char *ts_proto_name(ts_proto p);

#define TS_DUMP_MAX_RECORDS 512u
#define TS_DUMP_TEXT_MAX 2048u

/* One record as spdm_dump printed it. */
typedef struct ts_dump_rec {
  unsigned index;    /* the record number, 1-based (= ts_flow_msg.record) */
  bool is_request;   /* REQ->RSP */
  unsigned doe_type; /* PCI_DOE(vendor, type) */
  bool secured;      /* SecuredSPDM(0x...) */
  uint32_t session_id;
  uint8_t spdm_version; /* SPDM(12, 0xfe): 0x12; 0 for discovery */
  uint8_t spdm_code;
  bool vdm; /* (StandID=..) PCI (vendor_id=..) (ProtID=..) follow */
  uint16_t standard_id, vendor_id;
  uint8_t protocol_id;
  ts_proto proto; /* what the innermost message is */
  uint8_t code;   /* its code: the SPDM code, or the IDE_KM / TDISP / CXL code */
  /* Everything printed after the innermost message's name, continuation lines
   * appended (each after one space). */
  char args[TS_DUMP_TEXT_MAX];
} ts_dump_rec;

typedef struct ts_dump {
  unsigned count; /* records 1..count are present */
  ts_dump_rec rec[TS_DUMP_MAX_RECORDS];
} ts_dump;

/* Loads tests/vectors/spdm-emu/<dir>/spdm_dump.txt; fails the test on a line it
 * cannot read or a record number out of sequence. Free with free(). */
ts_dump *ts_dump_load(const char *dir);
/* Record `index` (1..count); fails the test otherwise. */
const ts_dump_rec *ts_dump_get(const ts_dump *d, unsigned index);
/*
 * The n-th (0-based) "key=<hex>" in r->args, where key starts at the text's
 * start or after a character that cannot be part of a name: every number
 * spdm_dump prints is hex, with or without 0x. False if there is none.
 */
bool ts_dump_u64(const ts_dump_rec *r, const char *key, unsigned n, uint64_t *v);
/* Like ts_dump_u64, but fails the test when the key is missing. */
uint64_t ts_dump_need(const ts_dump_rec *r, const char *key);
/* "key=<hex bytes>" (a hex string such as a nonce) into out; returns the byte
 * count, 0 if the key is missing; fails the test if it does not fit. */
size_t ts_dump_bytes(const ts_dump_rec *r, const char *key, uint8_t *out, size_t cap);
/* "key=(aa, bb, ...)" (a byte list) into out; same returns. */
size_t ts_dump_list(const ts_dump_rec *r, const char *key, uint8_t *out, size_t cap);

#endif
