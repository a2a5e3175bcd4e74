/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What is inside the recorded spdm-emu flows, through our codecs
 * (tests/vectors/README.md; the replay and the decryption are
 * tests/support/recorded_flow.c, checked by test_spdm_recorded_sessions.c).
 *
 * For both flows, every SPDM message, plain or decrypted from a secured
 * record, is held against the line DMTF's spdm_dump printed for its record:
 *  - SPDM: ot_spdm_decode_request/response decode the exact message (DOE
 *    padding stripped with ot_spdm_message_length), the encoder gives the same
 *    bytes back, and the fields spdm_dump prints agree with ours;
 *  - TDISP (PCI-SIG VDM, protocol 1): ot_tdisp_vdm_decode decodes it,
 *    ot_tdisp_vdm_encode gives the same bytes back, and INTERFACE_ID, lock
 *    parameters, nonces, states, report offsets and the assembled interface
 *    report agree with the dump;
 *  - IDE_KM (PCI-SIG VDM, protocol 0): ot_ide_km_vdm_decode and the object
 *    decoders decode it, the encoders give the same bytes back, and port,
 *    stream, KeySubStream (and its bits), status and the QUERY_RESP fields
 *    agree with the dump. For KEY_PROG our encoder, given the decoded key and
 *    IFV, lays them out as recorded, the bytes sit where SPEC-FACTS §4.1 puts
 *    K[0..31] and IFV, and ot_ide_key_material_from_km, fed the DWs read off
 *    the wire, yields the same key material;
 *  - CXL IDE_KM and CXL TSP (CXL vendor VDMs): only the VDM envelope is ours to
 *    decode; their protocol and message code must agree with the dump, and
 *    they count as "other protocol".
 * The recorded TDISP requests are also fed, in order and in their sessions, to
 * our TDISP responder configured as the recorded device (FUNCTION_ID 0xBEEF,
 * spdm-emu's sample ranges), whose nonce source replays the nonces the dump
 * shows: every answer must be the recorded one byte for byte, except the
 * report's FIRST_PAGE fields, where this responder adds MMIO_REPORTING_OFFSET
 * as TDISP requires and spdm-emu does not (SPEC-FACTS §6.4).
 * The message counts per protocol and code are asserted three ways: from the
 * dump, from our decoders, and against the table below (read off the dump).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/bits.h"
#include "opentsm/cursor.h"
#include "opentsm/ide.h"
#include "opentsm/ide_km.h"
#include "opentsm/secure.h"
#include "opentsm/spdm_codec.h"
#include "opentsm/tdisp.h"
#include "recorded_flow.h"
#include "testsupport.h"

/* ---- expected counts (spdm_dump.txt of both flows, which match) --------------------- */

typedef struct count_row {
  ts_proto proto;
  uint8_t code;
  unsigned n;
} count_row;

static const count_row k_counts[] = {
    /* SPDM, by request/response code: every message of the flow */
    {TS_PROTO_SPDM, OT_SPDM_GET_VERSION, 1},
    {TS_PROTO_SPDM, OT_SPDM_VERSION, 1},
    {TS_PROTO_SPDM, OT_SPDM_GET_CAPABILITIES, 1},
    {TS_PROTO_SPDM, OT_SPDM_CAPABILITIES, 1},
    {TS_PROTO_SPDM, OT_SPDM_NEGOTIATE_ALGORITHMS, 1},
    {TS_PROTO_SPDM, OT_SPDM_ALGORITHMS, 1},
    {TS_PROTO_SPDM, OT_SPDM_GET_DIGESTS, 3},
    {TS_PROTO_SPDM, OT_SPDM_DIGESTS, 3},
    {TS_PROTO_SPDM, OT_SPDM_GET_CERTIFICATE, 3},
    {TS_PROTO_SPDM, OT_SPDM_CERTIFICATE, 3},
    {TS_PROTO_SPDM, OT_SPDM_CHALLENGE, 1},
    {TS_PROTO_SPDM, OT_SPDM_CHALLENGE_AUTH, 1},
    {TS_PROTO_SPDM, OT_SPDM_GET_MEASUREMENTS, 1},
    {TS_PROTO_SPDM, OT_SPDM_MEASUREMENTS, 1},
    {TS_PROTO_SPDM, OT_SPDM_KEY_EXCHANGE, 2},
    {TS_PROTO_SPDM, OT_SPDM_KEY_EXCHANGE_RSP, 2},
    {TS_PROTO_SPDM, OT_SPDM_FINISH, 2},
    {TS_PROTO_SPDM, OT_SPDM_FINISH_RSP, 2},
    {TS_PROTO_SPDM, OT_SPDM_PSK_EXCHANGE, 1},
    {TS_PROTO_SPDM, OT_SPDM_PSK_EXCHANGE_RSP, 1},
    {TS_PROTO_SPDM, OT_SPDM_PSK_FINISH, 1},
    {TS_PROTO_SPDM, OT_SPDM_PSK_FINISH_RSP, 1},
    {TS_PROTO_SPDM, OT_SPDM_HEARTBEAT, 2},
    {TS_PROTO_SPDM, OT_SPDM_HEARTBEAT_ACK, 2},
    {TS_PROTO_SPDM, OT_SPDM_KEY_UPDATE, 4},
    {TS_PROTO_SPDM, OT_SPDM_KEY_UPDATE_ACK, 4},
    {TS_PROTO_SPDM, OT_SPDM_END_SESSION, 3},
    {TS_PROTO_SPDM, OT_SPDM_END_SESSION_ACK, 3},
    {TS_PROTO_SPDM, OT_SPDM_VENDOR_DEFINED_REQUEST, 94},
    {TS_PROTO_SPDM, OT_SPDM_VENDOR_DEFINED_RESPONSE, 94},
    /* IDE_KM objects (PCIe r6.0 §6.33.3), in the two DHE sessions */
    {TS_PROTO_IDE_KM, 0x00, 2},  /* QUERY */
    {TS_PROTO_IDE_KM, 0x01, 2},  /* QUERY_RESP */
    {TS_PROTO_IDE_KM, 0x02, 12}, /* KEY_PROG: 6 sub-stream/direction pairs per session */
    {TS_PROTO_IDE_KM, 0x03, 12}, /* KP_ACK */
    {TS_PROTO_IDE_KM, 0x04, 12}, /* K_SET_GO */
    {TS_PROTO_IDE_KM, 0x05, 12}, /* K_SET_STOP */
    {TS_PROTO_IDE_KM, 0x06, 24}, /* K_GOSTOP_ACK */
    /* TDISP (PCIe r6.0 §11.3) */
    {TS_PROTO_TDISP, OT_TDISP_GET_VERSION, 2},
    {TS_PROTO_TDISP, OT_TDISP_VERSION, 2},
    {TS_PROTO_TDISP, OT_TDISP_GET_CAPABILITIES, 2},
    {TS_PROTO_TDISP, OT_TDISP_CAPABILITIES, 2},
    {TS_PROTO_TDISP, OT_TDISP_LOCK_INTERFACE_REQUEST, 2},
    {TS_PROTO_TDISP, OT_TDISP_LOCK_INTERFACE_RESPONSE, 2},
    {TS_PROTO_TDISP, OT_TDISP_GET_DEVICE_INTERFACE_REPORT, 4},
    {TS_PROTO_TDISP, OT_TDISP_DEVICE_INTERFACE_REPORT, 4},
    {TS_PROTO_TDISP, OT_TDISP_GET_DEVICE_INTERFACE_STATE, 8},
    {TS_PROTO_TDISP, OT_TDISP_DEVICE_INTERFACE_STATE, 8},
    {TS_PROTO_TDISP, OT_TDISP_START_INTERFACE_REQUEST, 2},
    {TS_PROTO_TDISP, OT_TDISP_START_INTERFACE_RESPONSE, 2},
    {TS_PROTO_TDISP, OT_TDISP_STOP_INTERFACE_REQUEST, 2},
    {TS_PROTO_TDISP, OT_TDISP_STOP_INTERFACE_RESPONSE, 2},
    /* other protocols: CXL IDE_KM objects (CXL 3.1 IDE key management) ... */
    {TS_PROTO_CXL_IDE_KM, 0x00, 2}, /* QUERY */
    {TS_PROTO_CXL_IDE_KM, 0x01, 2}, /* QUERY_RESP */
    {TS_PROTO_CXL_IDE_KM, 0x02, 4}, /* KEY_PROG */
    {TS_PROTO_CXL_IDE_KM, 0x03, 4}, /* KP_ACK */
    {TS_PROTO_CXL_IDE_KM, 0x04, 4}, /* K_SET_GO */
    {TS_PROTO_CXL_IDE_KM, 0x05, 4}, /* K_SET_STOP */
    {TS_PROTO_CXL_IDE_KM, 0x06, 8}, /* K_GOSTOP_ACK */
    {TS_PROTO_CXL_IDE_KM, 0x07, 2}, /* GET_KEY */
    {TS_PROTO_CXL_IDE_KM, 0x08, 2}, /* GET_KEY_ACK */
    /* ... and CXL TSP opcodes (CXL 3.1 §11.5), the PSK session's included */
    {TS_PROTO_CXL_TSP, 0x81, 3}, /* GET_TARGET_TSP_VERSION */
    {TS_PROTO_CXL_TSP, 0x01, 3},
    {TS_PROTO_CXL_TSP, 0x82, 3}, /* GET_TARGET_CAPABILITIES */
    {TS_PROTO_CXL_TSP, 0x02, 3},
    {TS_PROTO_CXL_TSP, 0x83, 1}, /* SET_TARGET_CONFIGURATION */
    {TS_PROTO_CXL_TSP, 0x03, 1},
    {TS_PROTO_CXL_TSP, 0x84, 4}, /* GET_TARGET_CONFIGURATION */
    {TS_PROTO_CXL_TSP, 0x04, 4},
    {TS_PROTO_CXL_TSP, 0x85, 2}, /* GET_TARGET_CONFIGURATION_REPORT */
    {TS_PROTO_CXL_TSP, 0x05, 2},
    {TS_PROTO_CXL_TSP, 0x86, 1}, /* LOCK_TARGET_CONFIGURATION */
    {TS_PROTO_CXL_TSP, 0x06, 1},
    {TS_PROTO_CXL_TSP, 0x8d, 4}, /* SET_TARGET_TE_STATE */
    {TS_PROTO_CXL_TSP, 0x0d, 4},
};

typedef struct tally {
  unsigned n[TS_PROTO_COUNT][256];
} tally;

/* ---- the recorded device, for our TDISP responder ------------------------------------ */

/* spdm-emu's sample TDI as its report shows it (spdm_dump InterfaceReport):
 * physical ranges before MMIO_REPORTING_OFFSET, attributes and range IDs. */
static const ot_tdisp_mmio_range k_rec_ranges[4] = {
    {0x0, 1, OT_TDISP_RANGE_NON_TEE_MEM, 1},
    {0x8000, 4, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE, 2},
    {0x10000, 8, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE, 3},
    {0x20000, 8, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE, 4},
};
static const uint8_t k_rec_devinfo[16] = "tdisp_dev_emu\0\0";
#define REC_FUNCTION_ID 0x0000BEEFu
#define MAX_LOCKS 4

/* The six KeySubStream values of key set 0 (SPEC-FACTS §4.2). */
#define ALL_SIX_GO 0x3Fu

/* The recorded device's view of its IDE stream: which of the six key sets of
 * stream `stream_id` the recorded IDE_KM exchange has made GO (and not yet
 * stopped). Our responder locks a TDI only to a Secure default stream
 * (PCIe r6.0 §11.2, as src/tdisp/responder.c reads it): the recording keyed
 * the stream with IDE_KM before TDISP ran. */
typedef struct twin_ops {
  ot_tdisp_device_ops base;
  uint8_t stream_id;
  uint8_t go_mask; /* bit (sub * 2 + dir) */
} twin_ops;

static bool twin_stream_secure(ot_tdisp_device_ops *o, uint8_t stream_id) {
  twin_ops *t = (twin_ops *)o;
  return stream_id == t->stream_id && t->go_mask == ALL_SIX_GO;
}

static unsigned kss_bit(uint8_t kss) {
  return OT_FIELD_GET(OT_IDE_KM_KSS_SUB, kss) * 2u + OT_FIELD_GET(OT_IDE_KM_KSS_DIR, kss);
}

/* Hands out the START nonces the recorded device chose, in order (from the dump). */
typedef struct twin_rng {
  ot_rng base;
  uint8_t nonce[MAX_LOCKS][OT_TDISP_NONCE_SIZE];
  unsigned count, next;
} twin_rng;

static ot_status twin_rng_fill(ot_rng *r, uint8_t *out, size_t n) {
  twin_rng *t = (twin_rng *)r;
  assert_int_equal(n, OT_TDISP_NONCE_SIZE);
  assert_true(t->next < t->count);
  memcpy(out, t->nonce[t->next++], n);
  return OT_SUCCESS;
}

typedef struct twin {
  twin_ops ops;
  twin_rng rng;
  ot_tdisp_tdi_desc desc;
  ot_tdisp_device dev;
  uint8_t answer[1024]; /* our answer to the last recorded request */
  size_t answer_len;
  bool pending;
  uint64_t lock_offset; /* MMIO_REPORTING_OFFSET of the recorded lock */
  /* the report, as recorded and as ours, assembled from its pieces */
  uint8_t rec_report[OT_TDISP_REPORT_MAX], our_report[OT_TDISP_REPORT_MAX];
  size_t rec_report_len, our_report_len;
  unsigned identical, reports;
} twin;

static void twin_init(twin *t, const ts_dump *d) {
  memset(t, 0, sizeof *t);
  t->ops.base.stream_secure = twin_stream_secure;
  t->rng.base.fill = twin_rng_fill;
  for (unsigned i = 1; i <= d->count; i++) {
    const ts_dump_rec *r = ts_dump_get(d, i);
    if (r->proto != TS_PROTO_TDISP || r->code != OT_TDISP_LOCK_INTERFACE_RESPONSE) continue;
    assert_true(t->rng.count < MAX_LOCKS);
    assert_int_equal(ts_dump_bytes(r, "nonce", t->rng.nonce[t->rng.count], OT_TDISP_NONCE_SIZE),
                     OT_TDISP_NONCE_SIZE);
    t->rng.count++;
  }
  t->desc = (ot_tdisp_tdi_desc){.function_id = REC_FUNCTION_ID,
                                .interface_info = OT_TDISP_IFINFO_DMA_NO_PASID,
                                .mmio = k_rec_ranges,
                                .mmio_count = 4,
                                .devinfo = k_rec_devinfo,
                                .devinfo_len = sizeof k_rec_devinfo};
  /* The recorded CAPABILITIES: DSM_CAPS 0, lock flags 0x0007, 48-bit addresses. */
  ot_tdisp_device_config dc = {.lock_flags_supported = 0x0007, .dev_addr_width = 0x30};
  ot_tdisp_tdi *tdi;
  assert_ot_ok(ot_tdisp_device_init(&t->dev, &dc, &t->ops.base, &t->rng.base));
  assert_ot_ok(ot_tdisp_device_add_tdi(&t->dev, &t->desc, &tdi));
}

/* ---- the checker ----------------------------------------------------------------------- */

enum {
  CHECK_SPDM = 1u << 0,   /* SPDM codec round trip and fields against the dump */
  CHECK_TDISP = 1u << 1,  /* TDISP codec round trip and fields against the dump */
  CHECK_TWIN = 1u << 2,   /* our TDISP responder answers as the recorded device */
  CHECK_IDE_KM = 1u << 3, /* IDE_KM codec round trip, key layout, fields against the dump */
};

typedef struct checker {
  ts_flow_sink base;
  unsigned checks;
  const ts_dump *dump;
  tally ours;                          /* by our decoders */
  unsigned spdm_round_trips;           /* SPDM messages re-encoded byte for byte */
  unsigned tdisp_round_trips;          /* TDISP messages re-encoded byte for byte */
  unsigned ide_km_round_trips;         /* IDE_KM messages re-encoded byte for byte */
  unsigned key_progs;                  /* KEY_PROG keys laid out and cross-checked */
  uint8_t keys[16][OT_IDE_KEY_SIZE];   /* the KEY_PROG keys seen, to tell them apart */
  unsigned other_protocol;             /* CXL IDE_KM and TSP envelopes */
  unsigned secured_spdm;               /* non-VDM SPDM messages inside sessions */
  unsigned padded;                     /* plain messages that DOE padded */
  uint8_t report[OT_TDISP_REPORT_MAX]; /* the interface report being assembled */
  size_t report_len;
  unsigned reports; /* whole reports held against the dump */
  twin tw;
} checker;

/* An exact message decodes and re-encodes to the same bytes. */
static void spdm_round_trip(checker *c, const ts_flow_msg *m, const uint8_t *msg, size_t len,
                            ot_spdm_request *q, ot_spdm_response *p) {
  static uint8_t again[TS_FLOW_MAX_MSG];
  ot_reader r;
  ot_writer w;
  ot_reader_init(&r, msg, len);
  ot_writer_init(&w, again, sizeof again);
  if (m->is_request) {
    assert_ot_ok(ot_spdm_decode_request(m->sz, &r, q));
    assert_ot_ok(ot_spdm_encode_request(m->sz, &w, q));
  } else {
    assert_ot_ok(ot_spdm_decode_response(m->sz, &r, p));
    assert_ot_ok(ot_spdm_encode_response(m->sz, &w, p));
  }
  if (ot_writer_len(&w) != len || memcmp(again, msg, len) != 0)
    fail_msg("record %u: %s does not re-encode to the recorded bytes", m->record,
             ot_spdm_code_name(msg[1]));
  c->spdm_round_trips++;
}

#define DUMP_EQ(rec, key, value) assert_int_equal(ts_dump_need(rec, key), (uint64_t)(value))

/* The fields spdm_dump prints for SPDM messages, against our decoding. */
static void spdm_request_vs_dump(const ts_dump_rec *d, const ot_spdm_request *q) {
  switch (q->code) {
  case OT_SPDM_GET_CAPABILITIES:
    DUMP_EQ(d, "Flags", q->u.get_capabilities.flags);
    DUMP_EQ(d, "CTExponent", q->u.get_capabilities.ct_exponent);
    DUMP_EQ(d, "DataTransSize", q->u.get_capabilities.data_transfer_size);
    DUMP_EQ(d, "MaxSpdmMsgSize", q->u.get_capabilities.max_msg_size);
    break;
  case OT_SPDM_NEGOTIATE_ALGORITHMS:
    DUMP_EQ(d, "MeasSpec", q->u.negotiate_algorithms.meas_spec);
    DUMP_EQ(d, "OtherParam", q->u.negotiate_algorithms.other_params);
    DUMP_EQ(d, "Hash", q->u.negotiate_algorithms.base_hash);
    DUMP_EQ(d, "Asym", q->u.negotiate_algorithms.base_asym);
    break;
  case OT_SPDM_GET_CERTIFICATE:
    DUMP_EQ(d, "SlotID", q->u.get_certificate.slot_id);
    DUMP_EQ(d, "Offset", q->u.get_certificate.offset);
    DUMP_EQ(d, "Length", q->u.get_certificate.length);
    break;
  case OT_SPDM_CHALLENGE:
    DUMP_EQ(d, "SlotID", q->u.challenge.slot_id);
    DUMP_EQ(d, "HashType", q->u.challenge.meas_summary_type);
    break;
  case OT_SPDM_GET_MEASUREMENTS:
    DUMP_EQ(d, "Attr", q->u.get_measurements.attributes);
    DUMP_EQ(d, "MeasOp", q->u.get_measurements.operation);
    DUMP_EQ(d, "SlotID", q->u.get_measurements.slot_id);
    break;
  case OT_SPDM_KEY_EXCHANGE:
    DUMP_EQ(d, "HashType", q->u.key_exchange.meas_summary_type);
    DUMP_EQ(d, "SlotID", q->u.key_exchange.slot_id);
    DUMP_EQ(d, "ReqSessionID", q->u.key_exchange.req_session_id);
    DUMP_EQ(d, "Policy", q->u.key_exchange.session_policy);
    break;
  case OT_SPDM_FINISH:
    DUMP_EQ(d, "Attr", q->u.finish.sig_included ? 1 : 0);
    DUMP_EQ(d, "ReqSlotID", q->u.finish.req_slot_id);
    break;
  case OT_SPDM_PSK_EXCHANGE: {
    uint8_t hint[64];
    DUMP_EQ(d, "HashType", q->u.psk_exchange.meas_summary_type);
    DUMP_EQ(d, "ReqSessionID", q->u.psk_exchange.req_session_id);
    DUMP_EQ(d, "Policy", q->u.psk_exchange.session_policy);
    size_t n = ts_dump_bytes(d, "PSKHint", hint, sizeof hint);
    assert_int_equal(n, q->u.psk_exchange.hint_len);
    assert_memory_equal(hint, q->u.psk_exchange.hint, n);
    break;
  }
  case OT_SPDM_KEY_UPDATE:
    DUMP_EQ(d, "KeyOp", q->u.key_update.operation);
    DUMP_EQ(d, "Tag", q->u.key_update.tag);
    break;
  case OT_SPDM_END_SESSION: DUMP_EQ(d, "Attr", q->u.end_session.negotiated_state_clear); break;
  default: break; /* GET_VERSION, GET_DIGESTS, PSK_FINISH, HEARTBEAT: nothing printed */
  }
}

static void spdm_response_vs_dump(const ts_dump_rec *d, const ot_spdm_response *p) {
  switch (p->code) {
  case OT_SPDM_VERSION: {
    unsigned major, minor;
    assert_int_equal(sscanf(d->args, "(%u.%u", &major, &minor), 2);
    assert_int_equal(p->u.version.entry_count, 1);
    assert_int_equal(ot_spdm_version_entry(&p->u.version, 0) >> 8, major << 4 | minor);
    break;
  }
  case OT_SPDM_CAPABILITIES:
    DUMP_EQ(d, "Flags", p->u.capabilities.flags);
    DUMP_EQ(d, "CTExponent", p->u.capabilities.ct_exponent);
    DUMP_EQ(d, "DataTransSize", p->u.capabilities.data_transfer_size);
    DUMP_EQ(d, "MaxSpdmMsgSize", p->u.capabilities.max_msg_size);
    break;
  case OT_SPDM_ALGORITHMS:
    DUMP_EQ(d, "MeasSpec", p->u.algorithms.meas_spec_sel);
    DUMP_EQ(d, "OtherParam", p->u.algorithms.other_params_sel);
    DUMP_EQ(d, "Hash", p->u.algorithms.base_hash_sel);
    DUMP_EQ(d, "MeasHash", p->u.algorithms.meas_hash_algo);
    DUMP_EQ(d, "Asym", p->u.algorithms.base_asym_sel);
    break;
  case OT_SPDM_DIGESTS:
    DUMP_EQ(d, "ProvisionedSlotMask", p->u.digests.provisioned_slot_mask);
    break;
  case OT_SPDM_CERTIFICATE:
    DUMP_EQ(d, "SlotID", p->u.certificate.slot_id);
    DUMP_EQ(d, "PortLen", p->u.certificate.portion_len);
    DUMP_EQ(d, "RemLen", p->u.certificate.remainder_len);
    break;
  case OT_SPDM_CHALLENGE_AUTH:
    DUMP_EQ(d, "SlotID", p->u.challenge_auth.slot_id);
    DUMP_EQ(d, "SlotMask", p->u.challenge_auth.slot_mask);
    break;
  case OT_SPDM_MEASUREMENTS:
    DUMP_EQ(d, "NumOfBlocks", p->u.measurements.block_count);
    DUMP_EQ(d, "MeasRecordLen", p->u.measurements.record_len);
    DUMP_EQ(d, "SlotID", p->u.measurements.slot_id);
    break;
  case OT_SPDM_KEY_EXCHANGE_RSP:
    DUMP_EQ(d, "Heart", p->u.key_exchange_rsp.heartbeat_period);
    DUMP_EQ(d, "RspSessionID", p->u.key_exchange_rsp.rsp_session_id);
    DUMP_EQ(d, "MutAuth", p->u.key_exchange_rsp.mut_auth);
    DUMP_EQ(d, "ReqSlotID", p->u.key_exchange_rsp.req_slot_id);
    break;
  case OT_SPDM_PSK_EXCHANGE_RSP:
    DUMP_EQ(d, "Heart", p->u.psk_exchange_rsp.heartbeat_period);
    DUMP_EQ(d, "RspSessionID", p->u.psk_exchange_rsp.rsp_session_id);
    break;
  case OT_SPDM_KEY_UPDATE_ACK:
    DUMP_EQ(d, "KeyOp", p->u.key_update_ack.operation);
    DUMP_EQ(d, "Tag", p->u.key_update_ack.tag);
    break;
  default: break; /* FINISH_RSP, PSK_FINISH_RSP, HEARTBEAT_ACK, END_SESSION_ACK */
  }
}

/* ---- TDISP ------------------------------------------------------------------------- */

/* The fields spdm_dump prints for a TDISP message, against our decoding. */
static void tdisp_vs_dump(const ts_dump_rec *d, const ot_tdisp_msg *t) {
  unsigned fid;
  uint8_t bytes[OT_TDISP_NONCE_SIZE];
  assert_int_equal(sscanf(d->args, "(%x)", &fid), 1); /* INTERFACE_ID's FUNCTION_ID */
  assert_int_equal(t->function_id, fid);
  assert_int_equal(t->version, OT_TDISP_VERSION_10);
  switch (t->code) {
  case OT_TDISP_VERSION: {
    unsigned major, minor;
    assert_int_equal(sscanf(d->args, "(%*x) (%u.%u)", &major, &minor), 2);
    assert_int_equal(t->u.version.count, 1);
    assert_int_equal(t->u.version.versions[0], major << 4 | minor);
    break;
  }
  case OT_TDISP_GET_CAPABILITIES: DUMP_EQ(d, "tsm_caps", t->u.tsm_caps); break;
  case OT_TDISP_CAPABILITIES: {
    const ot_tdisp_caps *k = &t->u.caps;
    uint8_t msgs[OT_TDISP_REQ_MSGS_SIZE];
    DUMP_EQ(d, "dsm_caps", k->dsm_caps);
    DUMP_EQ(d, "lock_flags", k->lock_flags_supported);
    DUMP_EQ(d, "addr_width", k->dev_addr_width);
    DUMP_EQ(d, "req_this", k->num_req_this);
    DUMP_EQ(d, "req_all", k->num_req_all);
    /* spdm_dump prints REQ_MSGS_SUPPORTED as a 128-bit number, most
     * significant byte first; the wire (and our array) is byte 0 first. */
    const char *s = strstr(d->args, "msg_cap=[");
    assert_non_null(s);
    s += strlen("msg_cap=[");
    for (size_t i = 0; i < sizeof msgs; i++) {
      char h[3] = {s[2 * i], s[2 * i + 1], 0};
      msgs[sizeof msgs - 1 - i] = (uint8_t)strtoul(h, NULL, 16);
    }
    assert_memory_equal(msgs, k->req_msgs, sizeof msgs);
    break;
  }
  case OT_TDISP_LOCK_INTERFACE_REQUEST:
    DUMP_EQ(d, "flags", t->u.lock.flags);
    DUMP_EQ(d, "default_stream", t->u.lock.default_stream_id);
    DUMP_EQ(d, "mmio_offset", t->u.lock.mmio_reporting_offset);
    DUMP_EQ(d, "bind_p2p_mask", t->u.lock.bind_p2p_address_mask);
    break;
  case OT_TDISP_LOCK_INTERFACE_RESPONSE:
  case OT_TDISP_START_INTERFACE_REQUEST:
    assert_int_equal(ts_dump_bytes(d, "nonce", bytes, sizeof bytes), OT_TDISP_NONCE_SIZE);
    assert_memory_equal(bytes, t->u.nonce, OT_TDISP_NONCE_SIZE);
    break;
  case OT_TDISP_GET_DEVICE_INTERFACE_REPORT:
    DUMP_EQ(d, "offset", t->u.get_report.offset);
    DUMP_EQ(d, "length", t->u.get_report.length);
    break;
  case OT_TDISP_DEVICE_INTERFACE_REPORT:
    DUMP_EQ(d, "port_len", t->u.report.portion_len);
    DUMP_EQ(d, "rem_len", t->u.report.remainder_len);
    break;
  case OT_TDISP_DEVICE_INTERFACE_STATE: DUMP_EQ(d, "tdi_state", t->u.tdi_state); break;
  default: /* GET_VERSION, GET_STATE, START/STOP responses, STOP request: INTERFACE_ID only */
    assert_null(strchr(d->args, '='));
    break;
  }
}

/* The whole report, as the dump's InterfaceReport lines show it. */
static void report_vs_dump(const ts_dump_rec *d, const uint8_t *buf, size_t len) {
  ot_tdisp_report rep;
  uint8_t devinfo[OT_TDISP_MAX_DEVINFO];
  assert_ot_ok(ot_tdisp_report_parse(buf, len, &rep));
  DUMP_EQ(d, "if_info", rep.interface_info);
  DUMP_EQ(d, "msix_ctrl", rep.msix_message_control);
  DUMP_EQ(d, "lnr_ctrl", rep.lnr_control);
  DUMP_EQ(d, "tph_ctrl", rep.tph_control);
  DUMP_EQ(d, "mmio_count", rep.mmio_count);
  for (uint32_t i = 0; i < rep.mmio_count; i++) {
    ot_tdisp_mmio_range g;
    uint64_t first = 0, pages = 0, attr = 0, id = 0;
    assert_ot_ok(ot_tdisp_report_range(&rep, i, &g));
    assert_true(ts_dump_u64(d, "first", i, &first) && ts_dump_u64(d, "num_pg", i, &pages) &&
                ts_dump_u64(d, "attr", i, &attr) && ts_dump_u64(d, "rang_id", i, &id));
    assert_int_equal(g.first_page, first);
    assert_int_equal(g.num_pages, pages);
    assert_int_equal(g.attributes, attr);
    assert_int_equal(g.range_id, id);
  }
  DUMP_EQ(d, "len", rep.devinfo_len);
  assert_int_equal(ts_dump_list(d, "data", devinfo, sizeof devinfo), rep.devinfo_len);
  assert_memory_equal(devinfo, rep.devinfo, rep.devinfo_len);
}

/* Our responder's report must be the recorded one with FIRST_PAGE moved by the
 * lock's MMIO_REPORTING_OFFSET (PCIe r6.0 §11.3 LOCK_INTERFACE_REQUEST; SPEC-FACTS
 * T11), which spdm-emu does not add: it reports physical pages (SPEC-FACTS §6.4). */
static void twin_reports_agree(twin *t) {
  ot_tdisp_report rec;
  ot_tdisp_mmio_range moved[OT_TDISP_MAX_MMIO_RANGES];
  uint8_t want[OT_TDISP_REPORT_MAX];
  ot_writer w;
  assert_ot_ok(ot_tdisp_report_parse(t->rec_report, t->rec_report_len, &rec));
  for (uint32_t i = 0; i < rec.mmio_count; i++) {
    assert_ot_ok(ot_tdisp_report_range(&rec, i, &moved[i]));
    moved[i].first_page += t->lock_offset;
  }
  ot_writer_init(&w, want, sizeof want);
  assert_ot_ok(ot_tdisp_report_build(&w, &rec, moved));
  assert_int_equal(t->our_report_len, ot_writer_len(&w));
  assert_memory_equal(t->our_report, want, t->our_report_len);
  t->reports++;
  t->rec_report_len = t->our_report_len = 0;
}

/* One DEVICE_INTERFACE_REPORT piece: ours and the recorded one differ only
 * inside the report bytes, which are compared once the report is whole. */
static void twin_report_piece(twin *t, const ot_tdisp_msg *rec) {
  const uint8_t *m;
  size_t mlen;
  ot_reader r;
  ot_tdisp_msg ours;
  assert_ot_ok(ot_tdisp_payload_open(t->answer, t->answer_len, &m, &mlen));
  ot_reader_init(&r, m, mlen);
  assert_ot_ok(ot_tdisp_decode(&r, &ours));
  assert_int_equal(ours.code, OT_TDISP_DEVICE_INTERFACE_REPORT);
  assert_int_equal(ours.function_id, rec->function_id);
  assert_int_equal(ours.u.report.portion_len, rec->u.report.portion_len);
  assert_int_equal(ours.u.report.remainder_len, rec->u.report.remainder_len);
  size_t n = rec->u.report.portion_len;
  assert_true(t->rec_report_len + n <= sizeof t->rec_report);
  memcpy(t->rec_report + t->rec_report_len, rec->u.report.portion, n);
  memcpy(t->our_report + t->our_report_len, ours.u.report.portion, n);
  t->rec_report_len += n;
  t->our_report_len += n;
  if (rec->u.report.remainder_len == 0) twin_reports_agree(t);
}

/* A recorded request goes to our responder; a recorded response is held
 * against what it answered. */
static void twin_step(twin *t, const ts_flow_msg *m, const ot_spdm_vendor_defined *v,
                      const ot_tdisp_msg *tm) {
  if (m->is_request) {
    ot_tdisp_vdm_ctx ctx = {.in_session = m->secured, .session_id = m->session_id};
    assert_false(t->pending);
    assert_ot_ok(ot_tdisp_responder_handle(&t->dev, &ctx, v->payload, v->payload_len, t->answer,
                                           sizeof t->answer, &t->answer_len));
    if (tm->code == OT_TDISP_LOCK_INTERFACE_REQUEST)
      t->lock_offset = tm->u.lock.mmio_reporting_offset;
    t->pending = true;
    return;
  }
  assert_true(t->pending);
  t->pending = false;
  if (tm->code == OT_TDISP_DEVICE_INTERFACE_REPORT) {
    twin_report_piece(t, tm);
    return;
  }
  if (t->answer_len != v->payload_len || memcmp(t->answer, v->payload, v->payload_len) != 0)
    fail_msg("record %u: our responder's answer differs from the recorded %s", m->record,
             ot_tdisp_code_name(tm->code));
  t->identical++;
}

static void tdisp_message(checker *c, const ts_flow_msg *m, const ts_dump_rec *d,
                          const uint8_t *msg, size_t len, const ot_spdm_vendor_defined *v) {
  ot_tdisp_msg t;
  ot_reader r;
  ot_reader_init(&r, msg, len);
  assert_ot_ok(ot_tdisp_vdm_decode(&r, m->sz->version, !m->is_request, &t));
  c->ours.n[TS_PROTO_TDISP][t.code]++;
  assert_int_equal(t.code, d->code);
  if (c->checks & CHECK_TDISP) {
    static uint8_t again[TS_FLOW_MAX_MSG];
    ot_writer w;
    ot_writer_init(&w, again, sizeof again);
    assert_ot_ok(ot_tdisp_vdm_encode(&w, m->sz->version, !m->is_request, &t));
    if (ot_writer_len(&w) != len || memcmp(again, msg, len) != 0)
      fail_msg("record %u: TDISP %s does not re-encode to the recorded bytes", m->record,
               ot_tdisp_code_name(t.code));
    c->tdisp_round_trips++;
    tdisp_vs_dump(d, &t);
    if (t.code == OT_TDISP_DEVICE_INTERFACE_REPORT) {
      assert_true(c->report_len + t.u.report.portion_len <= sizeof c->report);
      memcpy(c->report + c->report_len, t.u.report.portion, t.u.report.portion_len);
      c->report_len += t.u.report.portion_len;
      if (t.u.report.remainder_len == 0) {
        report_vs_dump(d, c->report, c->report_len);
        c->reports++;
        c->report_len = 0;
      }
    }
  }
  if (c->checks & CHECK_TWIN) twin_step(&c->tw, m, v, &t);
}

/* ---- IDE_KM ------------------------------------------------------------------------ */

/* Stream, KeySubStream (with the bits spdm_dump splits out) and port. */
static void ref_vs_dump(const ts_dump_rec *d, uint8_t stream_id, uint8_t kss, uint8_t port) {
  DUMP_EQ(d, "StreamId", stream_id);
  DUMP_EQ(d, "KeySubStream", kss);
  DUMP_EQ(d, "PortIndex", port);
  DUMP_EQ(d, "KeySet", OT_FIELD_GET(OT_IDE_KM_KSS_KEY_SET, kss));
  DUMP_EQ(d, "RxTx", OT_FIELD_GET(OT_IDE_KM_KSS_DIR, kss));
  DUMP_EQ(d, "SubStream", OT_FIELD_GET(OT_IDE_KM_KSS_SUB, kss));
}

/*
 * KEY_PROG's key and IFV (SPEC-FACTS §4.1): the wire carries Key_DW7 .. Key_DW0
 * then IFV_DW1, IFV_DW0, each DW little-endian, and K[0] is bits 31:24 of
 * Key_DW7. Checked three ways against the decoded material: byte positions on
 * the wire, ot_ide_key_material_from_km over the DW values, and our encoder.
 */
static void key_prog_layout(checker *c, const uint8_t *obj, const ot_ide_km_key_prog_msg *kp) {
  const uint8_t *key = obj + OT_IDE_KM_HDR_SIZE;
  const uint8_t *ifv = key + 4u * OT_IDE_KM_KEY_DWS;
  for (unsigned i = 0; i < OT_IDE_KEY_SIZE; i++) /* K[4j + b] is byte 3 - b of DW 7 - j */
    assert_int_equal(kp->km.key[i], key[4u * (i / 4u) + 3u - i % 4u]);
  uint32_t key_dw[OT_IDE_KM_KEY_DWS], ifv_dw[OT_IDE_KM_IFV_DWS];
  for (unsigned i = 0; i < OT_IDE_KM_KEY_DWS; i++)
    key_dw[OT_IDE_KM_KEY_DWS - 1u - i] = ot_load_u32le(key + 4u * i);
  ifv_dw[1] = ot_load_u32le(ifv);
  ifv_dw[0] = ot_load_u32le(ifv + 4);
  ot_ide_key_material km;
  ot_ide_key_material_from_km(&km, key_dw, ifv_dw);
  assert_memory_equal(km.key, kp->km.key, OT_IDE_KEY_SIZE);
  assert_int_equal(km.ifv, kp->km.ifv);
  assert_int_equal(km.iv_fixed, OT_IDE_IV_FIXED_PCIE);
  assert_int_equal(kp->km.iv_fixed, OT_IDE_IV_FIXED_PCIE);
  /* spdm-emu starts every invocation field at 1 (REC, SPEC-FACTS §4.1). */
  assert_int_equal(kp->km.ifv, 1);
  /* Our encoder, given what from_km made of the DWs, lays it out as recorded. */
  ot_ide_km_key_prog_msg again = *kp;
  again.km = km;
  uint8_t out[OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_KEY_PROG_SIZE];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_ok(ot_ide_km_encode_key_prog(&w, &again));
  assert_int_equal(ot_writer_len(&w), sizeof out);
  assert_memory_equal(out + OT_IDE_KM_PROTOCOL_ID_SIZE, obj, OT_IDE_KM_KEY_PROG_SIZE);
  /* Each KEY_PROG carries its own key (REC). */
  assert_true(c->key_progs < sizeof c->keys / sizeof c->keys[0]);
  for (unsigned i = 0; i < c->key_progs; i++)
    assert_false(memcmp(c->keys[i], km.key, OT_IDE_KEY_SIZE) == 0);
  memcpy(c->keys[c->key_progs++], km.key, OT_IDE_KEY_SIZE);
  ot_zeroize(&km, sizeof km);
  ot_zeroize(&again, sizeof again);
  ot_zeroize(out, sizeof out);
}

/* Decodes one IDE_KM payload by its object, re-encodes it into w, and holds
 * its fields against the dump. */
static void ide_km_object(checker *c, const ts_dump_rec *d, uint8_t object, const uint8_t *pl,
                          size_t pl_len, ot_writer *w) {
  ot_reader r;
  ot_reader_init(&r, pl, pl_len);
  switch (object) {
  case OT_IDE_KM_QUERY: {
    uint8_t port;
    assert_ot_ok(ot_ide_km_decode_query(&r, &port));
    DUMP_EQ(d, "port", port);
    assert_ot_ok(ot_ide_km_encode_query(w, port));
    break;
  }
  case OT_IDE_KM_QUERY_RESP: {
    ot_ide_km_query_resp q;
    uint32_t regs[OT_IDE_KM_EMU_REG_DWS];
    assert_ot_ok(ot_ide_km_decode_query_resp(&r, &q));
    DUMP_EQ(d, "port", q.port_index);
    DUMP_EQ(d, "DevFunc", q.dev_func);
    DUMP_EQ(d, "Bus", q.bus);
    DUMP_EQ(d, "Seg", q.segment);
    DUMP_EQ(d, "MaxPort", q.max_port_index);
    /* spdm-emu's fixed, unfilled register block (SPEC-FACTS §4.1). */
    assert_int_equal(q.reg_count, OT_IDE_KM_EMU_REG_DWS);
    for (size_t i = 0; i < q.reg_count; i++)
      regs[i] = ot_ide_km_query_resp_reg(&q, i);
    assert_ot_ok(ot_ide_km_encode_query_resp(w, &q, regs));
    break;
  }
  case OT_IDE_KM_KEY_PROG: {
    ot_ide_km_key_prog_msg kp;
    assert_ot_ok(ot_ide_km_decode_key_prog(&r, &kp));
    ref_vs_dump(d, kp.stream_id, kp.kss, kp.port_index);
    key_prog_layout(c, pl + OT_IDE_KM_PROTOCOL_ID_SIZE, &kp);
    assert_ot_ok(ot_ide_km_encode_key_prog(w, &kp));
    ot_zeroize(&kp, sizeof kp);
    break;
  }
  default: {
    ot_ide_km_ref ref;
    assert_ot_ok(ot_ide_km_decode_ref(&r, object, &ref));
    ref_vs_dump(d, ref.stream_id, ref.kss, ref.port_index);
    if (object == OT_IDE_KM_KP_ACK) DUMP_EQ(d, "Status", ref.status);
    assert_ot_ok(ot_ide_km_encode_ref(w, object, &ref));
    break;
  }
  }
}

/* The twin's stream follows the recorded K_SET_GO / K_SET_STOP requests
 * (each was acknowledged: the dump shows a K_GOSTOP_ACK after every one). */
static void twin_follow_ide_km(twin *t, uint8_t object, const uint8_t *pl, size_t pl_len) {
  if (object != OT_IDE_KM_K_SET_GO && object != OT_IDE_KM_K_SET_STOP) return;
  ot_ide_km_ref ref;
  ot_reader r;
  ot_reader_init(&r, pl, pl_len);
  assert_ot_ok(ot_ide_km_decode_ref(&r, object, &ref));
  t->ops.stream_id = ref.stream_id;
  if (object == OT_IDE_KM_K_SET_GO)
    t->ops.go_mask |= (uint8_t)(1u << kss_bit(ref.kss));
  else
    t->ops.go_mask &= (uint8_t) ~(1u << kss_bit(ref.kss));
}

static void ide_km_message(checker *c, const ts_flow_msg *m, const ts_dump_rec *d,
                           const uint8_t *msg, size_t len) {
  const uint8_t *pl;
  size_t pl_len;
  uint8_t object;
  ot_reader r;
  ot_reader_init(&r, msg, len);
  assert_ot_ok(ot_ide_km_vdm_decode(&r, m->sz->version, m->is_request, &pl, &pl_len));
  assert_ot_ok(ot_ide_km_object_id(pl, pl_len, &object));
  assert_int_equal(d->proto, TS_PROTO_IDE_KM);
  assert_int_equal(object, d->code);
  c->ours.n[TS_PROTO_IDE_KM][object]++;
  if (m->is_request) twin_follow_ide_km(&c->tw, object, pl, pl_len);
  if (!(c->checks & CHECK_IDE_KM)) return;
  static uint8_t obj[OT_IDE_KM_RSP_MAX], again[TS_FLOW_MAX_MSG];
  ot_writer w;
  ot_writer_init(&w, obj, sizeof obj);
  ide_km_object(c, d, object, pl, pl_len, &w);
  size_t obj_len = ot_writer_len(&w);
  ot_writer_init(&w, again, sizeof again);
  assert_ot_ok(ot_ide_km_vdm_encode(&w, m->sz->version, m->is_request, obj, obj_len));
  if (ot_writer_len(&w) != len || memcmp(again, msg, len) != 0)
    fail_msg("record %u: IDE_KM %s does not re-encode to the recorded bytes", m->record,
             ot_ide_km_object_name(object));
  ot_zeroize(obj, sizeof obj); /* a KEY_PROG's key */
  ot_zeroize(again, sizeof again);
  c->ide_km_round_trips++;
}

/* ---- other protocols: the CXL VDMs, envelope only ---------------------------------- */

/* CXL IDE_KM objects start with the object ID (the PCIe IDE_KM layout, which
 * CXL 3.1's IDE key management reuses); CXL TSP messages with a version byte,
 * then the opcode (CXL 3.1 §11.5 "TSP"). Both as spdm_dump reads them. */
static void other_protocol(checker *c, const ts_dump_rec *d, const ot_spdm_vendor_defined *v) {
  assert_true(v->payload_len >= 3);
  ts_proto proto = v->payload[0] == TS_CXL_PROTOCOL_IDE_KM ? TS_PROTO_CXL_IDE_KM
                   : v->payload[0] == TS_CXL_PROTOCOL_TSP  ? TS_PROTO_CXL_TSP
                                                           : TS_PROTO_COUNT;
  assert_int_equal(proto, d->proto);
  uint8_t code = proto == TS_PROTO_CXL_IDE_KM ? v->payload[1] : v->payload[2];
  if (proto == TS_PROTO_CXL_TSP) assert_int_equal(v->payload[1], TS_CXL_TSP_VERSION_10);
  assert_int_equal(code, d->code);
  c->ours.n[proto][code]++;
  c->other_protocol++;
}

/* ---- the sink ---------------------------------------------------------------------- */

static void vdm_message(checker *c, const ts_flow_msg *m, const ts_dump_rec *d, const uint8_t *msg,
                        size_t len, const ot_spdm_vendor_defined *v) {
  assert_true(d->vdm);
  assert_int_equal(v->standard_id, d->standard_id);
  assert_int_equal(v->vendor_id_len, 2);
  assert_int_equal(ot_load_u16le(v->vendor_id), d->vendor_id);
  assert_true(v->payload_len >= 1);
  assert_int_equal(v->payload[0], d->protocol_id);
  assert_true(m->secured); /* IDE_KM, TDISP and TSP only travel in sessions */
  if (v->standard_id == OT_SPDM_REGISTRY_PCISIG && d->vendor_id == OT_PCISIG_VENDOR_ID &&
      v->payload[0] == OT_PCISIG_PROTOCOL_TDISP) {
    tdisp_message(c, m, d, msg, len, v);
  } else if (v->standard_id == OT_SPDM_REGISTRY_PCISIG && d->vendor_id == OT_PCISIG_VENDOR_ID &&
             v->payload[0] == OT_PCISIG_PROTOCOL_IDE_KM) {
    ide_km_message(c, m, d, msg, len);
  } else if (v->standard_id == OT_SPDM_REGISTRY_PCISIG && d->vendor_id == TS_CXL_VENDOR_ID) {
    other_protocol(c, d, v);
  } else {
    fail_msg("record %u: a VDM of an unknown protocol", m->record);
  }
}

static void on_message(ts_flow_sink *sink, const ts_flow_msg *m) {
  checker *c = (checker *)sink;
  const ts_dump_rec *d = ts_dump_get(c->dump, m->record);
  /* The dump's view of the record. */
  assert_int_equal(d->is_request, m->is_request);
  assert_int_equal(d->secured, m->secured);
  assert_int_equal(d->doe_type, m->secured ? OT_DOE_TYPE_SECURED_SPDM : OT_DOE_TYPE_SPDM);
  if (m->secured) assert_int_equal(d->session_id, m->session_id);
  assert_int_equal(m->bytes[0], d->spdm_version);
  assert_int_equal(m->bytes[1], d->spdm_code);

  /* The exact message: DOE pads plain messages to 4 bytes; a secured record's
   * ApplicationDataLength already says how long the message is. */
  size_t exact;
  assert_ot_ok(ot_spdm_message_length(m->sz, m->bytes, m->len, &exact));
  if (m->secured) assert_int_equal(exact, m->len);
  if (exact != m->len) c->padded++;
  if (m->secured && d->proto == TS_PROTO_SPDM) c->secured_spdm++;

  ot_spdm_request q;
  ot_spdm_response p;
  spdm_round_trip(c, m, m->bytes, exact, &q, &p);
  uint8_t code = m->is_request ? q.code : p.code;
  assert_int_equal(code, d->spdm_code);
  c->ours.n[TS_PROTO_SPDM][code]++;
  if (c->checks & CHECK_SPDM) {
    if (m->is_request)
      spdm_request_vs_dump(d, &q);
    else
      spdm_response_vs_dump(d, &p);
  }
  if (code == OT_SPDM_VENDOR_DEFINED_REQUEST)
    vdm_message(c, m, d, m->bytes, exact, &q.u.vendor);
  else if (code == OT_SPDM_VENDOR_DEFINED_RESPONSE)
    vdm_message(c, m, d, m->bytes, exact, &p.u.vendor);
  else
    assert_int_equal(d->proto, TS_PROTO_SPDM);
}

/* Replays one flow through a checker; the dump stays loaded for the caller. */
static void run(checker *c, const char *dir, unsigned checks, ts_dump **dump) {
  memset(c, 0, sizeof *c);
  c->base.message = on_message;
  c->checks = checks;
  *dump = ts_dump_load(dir);
  c->dump = *dump;
  twin_init(&c->tw, *dump);
  ts_flow *f = ts_flow_open(dir);
  ts_flow_replay(f, &c->base);
  assert_int_equal(f->n.decrypted, 208); /* every secured record reached the sink */
  ts_flow_close(f);
}

/* ---- the tests --------------------------------------------------------------------- */

static void dump_tally(const ts_dump *d, tally *t) {
  memset(t, 0, sizeof *t);
  for (unsigned i = 1; i <= d->count; i++) {
    const ts_dump_rec *r = ts_dump_get(d, i);
    if (r->proto == TS_PROTO_DOE) continue;
    t->n[TS_PROTO_SPDM][r->spdm_code]++;
    if (r->proto != TS_PROTO_SPDM) t->n[r->proto][r->code]++;
  }
}

static void counts_match_dump(const char *dir) {
  static checker c;
  ts_dump *d;
  run(&c, dir, 0, &d);
  static tally from_dump, table;
  dump_tally(d, &from_dump);
  memset(&table, 0, sizeof table);
  for (size_t i = 0; i < sizeof k_counts / sizeof k_counts[0]; i++)
    table.n[k_counts[i].proto][k_counts[i].code] = k_counts[i].n;
  for (int proto = TS_PROTO_SPDM; proto < TS_PROTO_COUNT; proto++)
    for (int code = 0; code < 256; code++) {
      unsigned want = table.n[proto][code];
      if (from_dump.n[proto][code] != want || c.ours.n[proto][code] != want)
        fail_msg("%s %s 0x%02x: table %u, dump %u, decoded %u", dir, ts_proto_name(proto), code,
                 want, from_dump.n[proto][code], c.ours.n[proto][code]);
    }
  /* 32 plain + 208 secured SPDM messages; of the 188 VDMs 68 are CXL (32 IDE_KM, 36 TSP). */
  assert_int_equal(c.spdm_round_trips, 240);
  assert_int_equal(c.other_protocol, 68);
  free(d);
}

static void v12_counts_per_protocol_and_code_match_dump(void **state) {
  (void)state;
  counts_match_dump("tsm_v12_p384");
}

static void v13_counts_per_protocol_and_code_match_dump(void **state) {
  (void)state;
  counts_match_dump("tsm_v13_p256");
}

static void spdm_messages_round_trip(const char *dir) {
  static checker c;
  ts_dump *d;
  run(&c, dir, CHECK_SPDM, &d);
  assert_int_equal(c.spdm_round_trips, 240);
  /* HEARTBEAT, KEY_UPDATE, END_SESSION and their answers, PSK_FINISH(_RSP). */
  assert_int_equal(c.secured_spdm, 20);
  assert_true(c.padded > 0); /* the exact-length function had padding to strip */
  free(d);
}

static void v12_every_spdm_message_round_trips_and_matches_dump(void **state) {
  (void)state;
  spdm_messages_round_trip("tsm_v12_p384");
}

static void v13_every_spdm_message_round_trips_and_matches_dump(void **state) {
  (void)state;
  spdm_messages_round_trip("tsm_v13_p256");
}

static void tdisp_messages_match(const char *dir) {
  static checker c;
  ts_dump *d;
  run(&c, dir, CHECK_TDISP, &d);
  assert_int_equal(c.tdisp_round_trips, 44);
  assert_int_equal(c.reports, 2);
  free(d);
}

static void v12_every_tdisp_message_round_trips_and_matches_dump(void **state) {
  (void)state;
  tdisp_messages_match("tsm_v12_p384");
}

static void v13_every_tdisp_message_round_trips_and_matches_dump(void **state) {
  (void)state;
  tdisp_messages_match("tsm_v13_p256");
}

static void ide_km_messages_match(const char *dir) {
  static checker c;
  ts_dump *d;
  run(&c, dir, CHECK_IDE_KM, &d);
  assert_int_equal(c.ide_km_round_trips, 76);
  assert_int_equal(c.key_progs, 12);
  ot_zeroize(c.keys, sizeof c.keys);
  free(d);
}

static void v12_every_ide_km_message_round_trips_and_matches_dump(void **state) {
  (void)state;
  ide_km_messages_match("tsm_v12_p384");
}

static void v13_every_ide_km_message_round_trips_and_matches_dump(void **state) {
  (void)state;
  ide_km_messages_match("tsm_v13_p256");
}

static void responder_answers(const char *dir) {
  static checker c;
  ts_dump *d;
  run(&c, dir, CHECK_TWIN, &d);
  /* 22 requests: 18 answers identical, 4 report pieces making 2 reports. */
  assert_int_equal(c.tw.identical, 18);
  assert_int_equal(c.tw.reports, 2);
  assert_false(c.tw.pending);
  assert_int_equal(c.tw.rng.next, c.tw.rng.count); /* one nonce per recorded LOCK */
  assert_int_equal(c.tw.rng.count, 2);
  free(d);
}

static void v12_tdisp_responder_answers_like_recording(void **state) {
  (void)state;
  responder_answers("tsm_v12_p384");
}

static void v13_tdisp_responder_answers_like_recording(void **state) {
  (void)state;
  responder_answers("tsm_v13_p256");
}

/* ---- negative cases on the recorded bytes ------------------------------------------ */

/* Every PCI-SIG VDM of a flow (IDE_KM and TDISP), kept for the cases below. */
#define LOG_MAX 128
#define LOG_BYTES 512

typedef struct vdm_entry {
  unsigned record;
  bool is_request;
  uint32_t session_id;
  uint8_t version;
  uint8_t protocol_id; /* OT_PCISIG_PROTOCOL_* */
  size_t len;
  uint8_t bytes[LOG_BYTES]; /* the exact SPDM message; KEY_PROG's hold keys: wiped after */
  size_t payload_off;       /* where the VDM payload (ProtocolID ...) starts */
} vdm_entry;

typedef struct vdm_log {
  ts_flow_sink base;
  size_t count;
  vdm_entry e[LOG_MAX];
} vdm_log;

static void log_message(ts_flow_sink *sink, const ts_flow_msg *m) {
  vdm_log *l = (vdm_log *)sink;
  uint8_t code = m->bytes[1];
  if (code != OT_SPDM_VENDOR_DEFINED_REQUEST && code != OT_SPDM_VENDOR_DEFINED_RESPONSE) return;
  size_t exact;
  ot_spdm_vendor_defined v;
  ot_reader r;
  assert_ot_ok(ot_spdm_message_length(m->sz, m->bytes, m->len, &exact));
  ot_reader_init(&r, m->bytes, exact);
  if (m->is_request)
    assert_ot_ok(ot_spdm_decode_vendor_request(m->sz, &r, &v));
  else
    assert_ot_ok(ot_spdm_decode_vendor_response(m->sz, &r, &v));
  if (ot_load_u16le(v.vendor_id) != OT_PCISIG_VENDOR_ID) return; /* CXL */
  assert_true(l->count < LOG_MAX && exact <= LOG_BYTES);
  vdm_entry *e = &l->e[l->count++];
  e->record = m->record;
  e->is_request = m->is_request;
  e->session_id = m->session_id;
  e->version = m->sz->version;
  e->protocol_id = v.payload[0];
  e->len = exact;
  memcpy(e->bytes, m->bytes, exact);
  e->payload_off = (size_t)(v.payload - m->bytes);
}

static vdm_log *log_flow(const char *dir) {
  vdm_log *l = calloc(1, sizeof *l);
  assert_non_null(l);
  l->base.message = log_message;
  ts_flow *f = ts_flow_open(dir);
  ts_flow_replay(f, &l->base);
  ts_flow_close(f);
  assert_int_equal(l->count, 76 + 44); /* IDE_KM + TDISP */
  return l;
}

static void log_free(vdm_log *l) {
  ot_zeroize(l, sizeof *l);
  free(l);
}

/* Decodes a (possibly altered) recorded VDM with the decoder of its protocol;
 * on failure the output must be untouched. */
static ot_status decode_entry(const vdm_entry *e, const uint8_t *bytes, size_t len) {
  ot_reader r;
  ot_reader_init(&r, bytes, len);
  if (e->protocol_id == OT_PCISIG_PROTOCOL_TDISP) {
    ot_tdisp_msg m, before;
    memset(&m, 0xA5, sizeof m);
    before = m;
    ot_status st = ot_tdisp_vdm_decode(&r, e->version, !e->is_request, &m);
    if (!ot_ok(st)) assert_memory_equal(&m, &before, sizeof m);
    return st;
  }
  static const uint8_t sentinel = 0xA5;
  const uint8_t *pl = &sentinel;
  size_t pl_len = 0xA5A5;
  ot_status st = ot_ide_km_vdm_decode(&r, e->version, e->is_request, &pl, &pl_len);
  if (!ot_ok(st)) {
    assert_ptr_equal(pl, &sentinel);
    assert_int_equal(pl_len, 0xA5A5);
    return st;
  }
  uint8_t object;
  assert_ot_ok(ot_ide_km_object_id(pl, pl_len, &object));
  ot_reader_init(&r, pl, pl_len);
  switch (object) {
  case OT_IDE_KM_QUERY: {
    uint8_t port = 0xA5;
    st = ot_ide_km_decode_query(&r, &port);
    if (!ot_ok(st)) assert_int_equal(port, 0xA5);
    return st;
  }
  case OT_IDE_KM_QUERY_RESP: {
    ot_ide_km_query_resp q, before;
    memset(&q, 0xA5, sizeof q);
    before = q;
    st = ot_ide_km_decode_query_resp(&r, &q);
    if (!ot_ok(st)) assert_memory_equal(&q, &before, sizeof q);
    return st;
  }
  case OT_IDE_KM_KEY_PROG: {
    ot_ide_km_key_prog_msg k, before;
    memset(&k, 0xA5, sizeof k);
    before = k;
    st = ot_ide_km_decode_key_prog(&r, &k);
    if (!ot_ok(st)) assert_memory_equal(&k, &before, sizeof k);
    ot_zeroize(&k, sizeof k);
    return st;
  }
  default: {
    ot_ide_km_ref ref, before;
    memset(&ref, 0xA5, sizeof ref);
    before = ref;
    st = ot_ide_km_decode_ref(&r, object, &ref);
    if (!ot_ok(st)) assert_memory_equal(&ref, &before, sizeof ref);
    return st;
  }
  }
}

/* Cut short, lengthened, another protocol, another TDISP version, another
 * object length: each recorded IDE_KM and TDISP message is refused with the
 * error its codec documents, and nothing is written. */
static void recorded_vdms_refuse_alterations(void **state) {
  (void)state;
  vdm_log *l = log_flow("tsm_v12_p384");
  static uint8_t b[LOG_BYTES + 4];
  for (size_t i = 0; i < l->count; i++) {
    const vdm_entry *e = &l->e[i];
    assert_ot_ok(decode_entry(e, e->bytes, e->len));
    /* one byte short: the VDM length runs past the message */
    assert_ot_code(decode_entry(e, e->bytes, e->len - 1), OT_E_TRUNCATED);
    /* one byte more: after a whole SPDM message */
    memcpy(b, e->bytes, e->len);
    b[e->len] = 0;
    assert_ot_code(decode_entry(e, b, e->len + 1), OT_E_TRAILING);
    /* the other PCI-SIG protocol's ID */
    memcpy(b, e->bytes, e->len);
    b[e->payload_off] ^= OT_PCISIG_PROTOCOL_TDISP;
    assert_ot_code(decode_entry(e, b, e->len), OT_E_UNSUPPORTED);
    /* another vendor (the CXL consortium's) */
    memcpy(b, e->bytes, e->len);
    b[e->payload_off - 4] = 0x98;
    b[e->payload_off - 3] = 0x1e;
    assert_ot_code(decode_entry(e, b, e->len), OT_E_UNSUPPORTED);
    if (e->protocol_id == OT_PCISIG_PROTOCOL_TDISP) {
      memcpy(b, e->bytes, e->len);
      b[e->payload_off + 1] = 0x11; /* TDISPVersion 1.1 */
      assert_ot_code(decode_entry(e, b, e->len), OT_E_VERSION);
    } else {
      /* the object one byte shorter, the VDM length agreeing */
      memcpy(b, e->bytes, e->len);
      ot_store_u16le(b + e->payload_off - 2, (uint16_t)(e->len - e->payload_off - 1));
      uint8_t object = b[e->payload_off + 1];
      /* fixed-size objects are short; QUERY_RESP's register block is not whole DWs */
      assert_ot_code(decode_entry(e, b, e->len - 1),
                     object == OT_IDE_KM_QUERY_RESP ? OT_E_MALFORMED : OT_E_TRUNCATED);
    }
  }
  ot_zeroize(b, sizeof b);
  log_free(l);
}

/* Our responder, handed the recorded requests with a device whose nonce
 * source differs from the recorded one, refuses the recorded START with
 * INVALID_NONCE and the TDI stays CONFIG_LOCKED; outside a session it answers
 * nothing at all. */
static void recorded_tdisp_requests_refused_by_another_device(void **state) {
  (void)state;
  vdm_log *l = log_flow("tsm_v12_p384");
  ts_dump *d = ts_dump_load("tsm_v12_p384");
  static twin tw;
  twin_init(&tw, d);
  tw.rng.nonce[0][0] ^= 0x01; /* the first LOCK hands out another nonce */
  tw.ops.stream_id = 0;
  tw.ops.go_mask = ALL_SIX_GO;
  unsigned starts = 0, refused = 0;
  for (size_t i = 0; i < l->count; i++) {
    const vdm_entry *e = &l->e[i];
    if (!e->is_request || e->protocol_id != OT_PCISIG_PROTOCOL_TDISP) continue;
    const uint8_t *pl = e->bytes + e->payload_off;
    size_t pl_len = e->len - e->payload_off;
    ot_tdisp_vdm_ctx outside = {.in_session = false};
    size_t n = 0xA5;
    assert_ot_code(
        ot_tdisp_responder_handle(&tw.dev, &outside, pl, pl_len, tw.answer, sizeof tw.answer, &n),
        OT_E_UNEXPECTED);
    refused++;
    if (pl[2] != OT_TDISP_START_INTERFACE_REQUEST || starts++ > 0) continue;
    /* up to the first START the device was driven in session as recorded */
    ot_tdisp_vdm_ctx in = {.in_session = true, .session_id = e->session_id};
    ot_tdisp_tdi *tdi = ot_tdisp_device_find(&tw.dev, REC_FUNCTION_ID);
    assert_non_null(tdi);
    for (size_t j = 0; j < i; j++) {
      const vdm_entry *q = &l->e[j];
      if (!q->is_request || q->protocol_id != OT_PCISIG_PROTOCOL_TDISP) continue;
      assert_ot_ok(ot_tdisp_responder_handle(&tw.dev, &in, q->bytes + q->payload_off,
                                             q->len - q->payload_off, tw.answer, sizeof tw.answer,
                                             &tw.answer_len));
    }
    assert_int_equal(tdi->state, OT_TDI_CONFIG_LOCKED);
    assert_ot_ok(ot_tdisp_responder_handle(&tw.dev, &in, pl, pl_len, tw.answer, sizeof tw.answer,
                                           &tw.answer_len));
    const uint8_t *msg;
    size_t mlen;
    ot_tdisp_msg a;
    ot_reader r;
    assert_ot_ok(ot_tdisp_payload_open(tw.answer, tw.answer_len, &msg, &mlen));
    ot_reader_init(&r, msg, mlen);
    assert_ot_ok(ot_tdisp_decode(&r, &a));
    assert_int_equal(a.code, OT_TDISP_ERROR);
    assert_int_equal(a.u.error.code, OT_TDISP_ERR_INVALID_NONCE);
    assert_int_equal(tdi->state, OT_TDI_CONFIG_LOCKED);
  }
  assert_int_equal(starts, 2);
  assert_int_equal(refused, 22);
  free(d);
  log_free(l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(v12_counts_per_protocol_and_code_match_dump),
      cmocka_unit_test(v13_counts_per_protocol_and_code_match_dump),
      cmocka_unit_test(v12_every_spdm_message_round_trips_and_matches_dump),
      cmocka_unit_test(v13_every_spdm_message_round_trips_and_matches_dump),
      cmocka_unit_test(v12_every_tdisp_message_round_trips_and_matches_dump),
      cmocka_unit_test(v13_every_tdisp_message_round_trips_and_matches_dump),
      cmocka_unit_test(v12_every_ide_km_message_round_trips_and_matches_dump),
      cmocka_unit_test(v13_every_ide_km_message_round_trips_and_matches_dump),
      cmocka_unit_test(v12_tdisp_responder_answers_like_recording),
      cmocka_unit_test(v13_tdisp_responder_answers_like_recording),
      cmocka_unit_test(recorded_vdms_refuse_alterations),
      cmocka_unit_test(recorded_tdisp_requests_refused_by_another_device),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
