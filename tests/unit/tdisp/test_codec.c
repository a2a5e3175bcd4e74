/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TDISP codec (src/tdisp/codec.c, vdm.c): byte-exact vectors hand-built from
 * the decoded TDISP messages of the recorded spdm-emu flows (the spdm_dump.txt
 * listings of tests/vectors/spdm-emu; the records themselves are encrypted),
 * round trips of every message, and strict-decoding failures.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/tdisp.h"
#include "tdisp_fixture.h"

/* Header of a TDISP message for FUNCTION_ID 0x0000BEEF (8 reserved zero bytes). */
#define HDR(code)                                                                                  \
  "10" code "0000"                                                                                 \
  "efbe0000"                                                                                       \
  "0000000000000000"

typedef struct vec {
  const char *what; /* record in tsm_v12_p384/spdm_dump.txt */
  const char *hex;  /* the TDISP message (after ProtocolID) */
} vec;

/* Every TDISP message kind of the recorded flows (records 59-80; the second
 * session and the 1.3 flow carry the same bytes apart from the nonce). */
static const vec k_rec[] = {
    {"59 GET_VERSION", HDR("81")},
    {"60 VERSION (1.0)", HDR("01") "0110"},
    {"61 GET_CAPABILITIES tsm_caps=0", HDR("82") "00000000"},
    {"62 CAPABILITIES", HDR("02") "00000000"
                                  "fe000000000000000000000000000000"
                                  "0700"
                                  "000000"
                                  "30"
                                  "00"
                                  "00"},
    {"63 GET_DEVICE_INTERFACE_STATE", HDR("85")},
    {"64 DEVICE_INTERFACE_STATE 0", HDR("05") "00"},
    {"65 LOCK_INTERFACE_REQ", HDR("83") "0700"
                                        "00"
                                        "00"
                                        "000000d000000000"
                                        "0000000000000000"},
    {"66 LOCK_INTERFACE_RSP",
     HDR("03") "4138fe25fbbe3f04c93ffd10290ad0c4022beff8a0c160e223e70d012838dd89"},
    {"69 GET_DEVICE_INTERFACE_REPORT 0/0x40", HDR("84") "0000"
                                                        "4000"},
    {"71 GET_DEVICE_INTERFACE_REPORT 0x40/0x24", HDR("84") "4000"
                                                           "2400"},
    {"73 START_INTERFACE_REQ",
     HDR("86") "4138fe25fbbe3f04c93ffd10290ad0c4022beff8a0c160e223e70d012838dd89"},
    {"74 START_INTERFACE_RSP", HDR("06")},
    {"76 DEVICE_INTERFACE_STATE 2", HDR("05") "02"},
    {"77 STOP_INTERFACE_REQ", HDR("87")},
    {"78 STOP_INTERFACE_RSP", HDR("07")},
};

static void decode_hex(const char *hex, ot_tdisp_msg *m, uint8_t **bytes, size_t *len) {
  *bytes = ts_unhex(hex, len);
  assert_non_null(*bytes);
  ot_reader r;
  ot_reader_init(&r, *bytes, *len);
  assert_ot_ok(ot_tdisp_decode(&r, m));
}

/* Each recorded message decodes, names FUNCTION_ID 0xBEEF, re-encodes to itself. */
static void test_recorded_messages_round_trip(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof k_rec / sizeof k_rec[0]; i++) {
    ot_tdisp_msg m;
    uint8_t *b, out[128];
    size_t n;
    decode_hex(k_rec[i].hex, &m, &b, &n);
    assert_int_equal(m.version, OT_TDISP_VERSION_10);
    assert_int_equal(m.function_id, FX_FID);
    ot_writer w;
    ot_writer_init(&w, out, sizeof out);
    assert_ot_ok(ot_tdisp_encode(&w, &m));
    if (ot_writer_len(&w) != n || memcmp(out, b, n) != 0) fail_msg("%s differs", k_rec[i].what);
    free(b);
  }
}

/* Fields of the recorded LOCK_INTERFACE_REQ and CAPABILITIES as spdm_dump lists them. */
static void test_recorded_fields(void **state) {
  (void)state;
  ot_tdisp_msg m;
  uint8_t *b;
  size_t n;
  decode_hex(k_rec[6].hex, &m, &b, &n);
  assert_int_equal(m.code, OT_TDISP_LOCK_INTERFACE_REQUEST);
  assert_int_equal(m.u.lock.flags,
                   OT_TDISP_LOCK_NO_FW_UPDATE | OT_TDISP_LOCK_CACHE_LINE_128 | OT_TDISP_LOCK_MSIX);
  assert_int_equal(m.u.lock.default_stream_id, 0);
  assert_true(m.u.lock.mmio_reporting_offset == 0xD0000000u);
  assert_true(m.u.lock.bind_p2p_address_mask == 0);
  free(b);
  decode_hex(k_rec[3].hex, &m, &b, &n);
  assert_int_equal(m.u.caps.lock_flags_supported, 0x0007);
  assert_int_equal(m.u.caps.dev_addr_width, 48);
  /* msg_cap=[..fe]: codes 0x81-0x87 */
  for (unsigned c = 0x80; c < 0x90; c++) {
    unsigned bit = c - 0x80;
    bool set = m.u.caps.req_msgs[bit / 8] & (1u << (bit % 8));
    assert_int_equal(set, c >= 0x81 && c <= 0x87);
  }
  free(b);
  decode_hex(k_rec[1].hex, &m, &b, &n);
  assert_int_equal(m.u.version.count, 1);
  assert_int_equal(m.u.version.versions[0], 0x10);
  free(b);
}

/* The whole SPDM VENDOR_DEFINED_REQUEST of record 59 at SPDM 1.2, byte for byte. */
static void test_vdm_wrap_recorded(void **state) {
  (void)state;
  size_t n;
  uint8_t *want = ts_unhex("12fe0000"
                           "0300"
                           "02"
                           "0100"
                           "1100"
                           "01" HDR("81"),
                           &n);
  ot_tdisp_msg m = fx_req(OT_TDISP_GET_VERSION), d;
  uint8_t out[64];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_ok(ot_tdisp_vdm_encode(&w, 0x12, false, &m));
  assert_int_equal(ot_writer_len(&w), n);
  assert_memory_equal(out, want, n);
  ot_reader r;
  ot_reader_init(&r, want, n);
  assert_ot_ok(ot_tdisp_vdm_decode(&r, 0x12, false, &d));
  assert_int_equal(d.code, OT_TDISP_GET_VERSION);
  /* the same bytes are not a response */
  ot_reader_init(&r, want, n);
  assert_ot_code(ot_tdisp_vdm_decode(&r, 0x12, true, &d), OT_E_UNEXPECTED);
  free(want);
}

/* Another standard, vendor or protocol is not TDISP. */
static void test_vdm_foreign_rejected(void **state) {
  (void)state;
  static const char *bad[] = {
      "12fe0000"
      "0700"
      "02"
      "0100"
      "1100"
      "01" HDR("81"), /* CXL standard ID */
      "12fe0000"
      "0300"
      "02"
      "0200"
      "1100"
      "01" HDR("81"), /* vendor 0x0002 */
      "12fe0000"
      "0300"
      "01"
      "01"
      "1100"
      "01" HDR("81"), /* vendor ID length 1 */
      "12fe0000"
      "0300"
      "02"
      "0100"
      "1100"
      "00" HDR("81"), /* IDE_KM protocol */
  };
  for (size_t i = 0; i < 4; i++) {
    size_t n;
    uint8_t *b = ts_unhex(bad[i], &n);
    ot_reader r;
    ot_tdisp_msg d;
    ot_reader_init(&r, b, n);
    assert_ot_code(ot_tdisp_vdm_decode(&r, 0x12, false, &d), OT_E_UNSUPPORTED);
    free(b);
  }
}

static void round_trip(const ot_tdisp_msg *m) {
  uint8_t a[256], b[256];
  ot_writer w;
  ot_writer_init(&w, a, sizeof a);
  assert_ot_ok(ot_tdisp_encode(&w, m));
  size_t n = ot_writer_len(&w);
  ot_reader r;
  ot_reader_init(&r, a, n);
  ot_tdisp_msg d;
  assert_ot_ok(ot_tdisp_decode(&r, &d));
  assert_int_equal(d.code, m->code);
  ot_writer_init(&w, b, sizeof b);
  assert_ot_ok(ot_tdisp_encode(&w, &d));
  assert_int_equal(ot_writer_len(&w), n);
  assert_memory_equal(a, b, n);
}

/* Messages the recorded flows do not carry: P2P, SET_MMIO_ATTRIBUTE, VDM, errors. */
static void test_other_messages_round_trip(void **state) {
  (void)state;
  static const uint8_t vid[2] = {0x01, 0x00}, data[3] = {1, 2, 3};
  ot_tdisp_msg m = fx_req(OT_TDISP_BIND_P2P_STREAM_REQUEST);
  m.u.p2p_stream_id = 7;
  round_trip(&m);
  m = fx_req(OT_TDISP_UNBIND_P2P_STREAM_REQUEST);
  m.u.p2p_stream_id = 7;
  round_trip(&m);
  m = fx_req(OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST);
  m.u.mmio = fx_ranges[1];
  round_trip(&m);
  static const uint8_t codes[] = {OT_TDISP_BIND_P2P_STREAM_RESPONSE,
                                  OT_TDISP_UNBIND_P2P_STREAM_RESPONSE,
                                  OT_TDISP_SET_MMIO_ATTRIBUTE_RESPONSE};
  for (size_t i = 0; i < 3; i++) {
    m = fx_req(codes[i]);
    round_trip(&m);
  }
  m = fx_req(OT_TDISP_VDM_REQUEST);
  m.u.vdm = (ot_tdisp_vendor_data){OT_TDISP_REGISTRY_PCISIG, 2, vid, 3, data};
  round_trip(&m);
  m.code = OT_TDISP_VDM_RESPONSE;
  round_trip(&m);
  m = fx_req(OT_TDISP_ERROR);
  m.u.error.code = OT_TDISP_ERR_UNSUPPORTED_REQUEST;
  m.u.error.data = 0x8B;
  round_trip(&m);
  m.u.error.code = OT_TDISP_ERR_VENDOR_SPECIFIC;
  m.u.error.has_ext = true;
  m.u.error.ext = (ot_tdisp_vendor_data){OT_TDISP_REGISTRY_CXL, 2, vid, 3, data};
  round_trip(&m);
}

/* Every error code has a name; unknown ones say so. */
static void test_error_names(void **state) {
  (void)state;
  static const uint32_t codes[] = {0x1, 0x3, 0x4, 0x5, 0x7, 0x41, 0xFF, 0x101, 0x102, 0x103, 0x104};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
    assert_string_not_equal(ot_tdisp_error_name(codes[i]), "UNKNOWN");
  assert_string_equal(ot_tdisp_error_name(0x2), "UNKNOWN");
  assert_string_equal(ot_tdisp_code_name(OT_TDISP_LOCK_INTERFACE_REQUEST),
                      "LOCK_INTERFACE_REQUEST");
  assert_string_equal(ot_tdisp_code_name(0x90), "UNKNOWN");
}

typedef struct bad {
  const char *hex;
  ot_code want;
} bad;

/* Strict decoding: one line per malformed message. */
static void test_malformed_rejected(void **state) {
  (void)state;
  static const bad k_bad[] = {
      {"1081", OT_E_TRUNCATED},                               /* header cut */
      {"11810000efbe00000000000000000000", OT_E_VERSION},     /* TDISP 1.1 */
      {"10900000efbe00000000000000000000", OT_E_UNSUPPORTED}, /* code 0x90 */
      {"10000000efbe00000000000000000000", OT_E_UNSUPPORTED}, /* code 0x00 */
      {HDR("81") "00", OT_E_TRAILING},                        /* body on GET_VERSION */
      {HDR("82") "000000", OT_E_TRUNCATED},                   /* TSM_CAPS cut */
      {HDR("01") "00", OT_E_MALFORMED},                       /* no versions */
      {HDR("01") "0210", OT_E_TRUNCATED},                     /* 2 versions, 1 given */
      {HDR("05") "04", OT_E_MALFORMED},                       /* TDI_STATE 4 */
      {HDR("83") "0700"
                 "00"
                 "00"
                 "000000d000000000",
       OT_E_TRUNCATED},                       /* no P2P mask */
      {HDR("86") "4138fe25", OT_E_TRUNCATED}, /* short nonce */
      {HDR("04") "0400"
                 "0000"
                 "010203",
       OT_E_TRUNCATED}, /* portion longer than bytes */
      {HDR("04") "0100"
                 "0000"
                 "0102",
       OT_E_TRAILING}, /* bytes after the portion */
      {HDR("7f") "01000000"
                 "00000000"
                 "00",
       OT_E_TRAILING}, /* ext data on a plain error */
      {HDR("7f") "ff000000"
                 "00000000"
                 "0002"
                 "01",
       OT_E_TRUNCATED}, /* vendor ID cut */
      {HDR("8a") "0110000000000000"
                 "01000000"
                 "0000"
                 "0100",
       OT_E_MALFORMED}, /* off page */
      {HDR("8a") "0000000000000000"
                 "00000000"
                 "0000"
                 "0100",
       OT_E_MALFORMED}, /* 0 pages */
      {HDR("8a") "00f0ffffffffffff"
                 "02000000"
                 "0000"
                 "0100",
       OT_E_MALFORMED}, /* wraps */
  };
  for (size_t i = 0; i < sizeof k_bad / sizeof k_bad[0]; i++) {
    size_t n;
    uint8_t *b = ts_unhex(k_bad[i].hex, &n);
    ot_reader r;
    ot_tdisp_msg m;
    memset(&m, 0xA5, sizeof m);
    ot_tdisp_msg before = m;
    ot_reader_init(&r, b, n);
    ot_status st = ot_tdisp_decode(&r, &m);
    if (st.code != k_bad[i].want) fail_msg("case %zu: got %s", i, ot_status_name(st));
    assert_memory_equal(&m, &before, sizeof m); /* nothing written on failure */
    free(b);
  }
}

/* Reserved bytes and FUNCTION_ID bits 31:25 are ignored on receive, zero on send. */
static void test_reserved_ignored_and_zeroed(void **state) {
  (void)state;
  size_t n;
  uint8_t *b = ts_unhex("1085ffffefbe00fe"
                        "ffffffffffffffff",
                        &n);
  ot_reader r;
  ot_tdisp_msg m;
  ot_reader_init(&r, b, n);
  assert_ot_ok(ot_tdisp_decode(&r, &m));
  assert_int_equal(m.function_id, 0x0000BEEFu);
  uint8_t out[32];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_ok(ot_tdisp_encode(&w, &m));
  uint8_t *want = ts_unhex(HDR("85"), &n);
  assert_memory_equal(out, want, n);
  free(b);
  free(want);
}

/* Encoding refuses what cannot be sent. */
static void test_encode_refusals(void **state) {
  (void)state;
  uint8_t out[64];
  ot_writer w;
  ot_tdisp_msg m = fx_req(0x90);
  ot_writer_init(&w, out, sizeof out);
  assert_ot_code(ot_tdisp_encode(&w, &m), OT_E_ARG);
  m = fx_req(OT_TDISP_GET_VERSION);
  m.function_id = 0x80000000u;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_code(ot_tdisp_encode(&w, &m), OT_E_ARG);
  m = fx_req(OT_TDISP_ERROR);
  m.u.error.code = OT_TDISP_ERR_BUSY;
  m.u.error.has_ext = true;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_code(ot_tdisp_encode(&w, &m), OT_E_ARG);
  m = fx_req(OT_TDISP_START_INTERFACE_REQUEST);
  ot_writer_init(&w, out, 20);
  assert_ot_code(ot_tdisp_encode(&w, &m), OT_E_NO_SPACE);
}

/* The payload opener wants ProtocolID 1 and at least that byte. */
static void test_payload_open(void **state) {
  (void)state;
  const uint8_t *m;
  size_t n;
  static const uint8_t tdisp[] = {0x01, 0x10}, idekm[] = {0x00, 0x10};
  assert_ot_ok(ot_tdisp_payload_open(tdisp, 2, &m, &n));
  assert_int_equal(n, 1);
  assert_ot_code(ot_tdisp_payload_open(idekm, 2, &m, &n), OT_E_UNSUPPORTED);
  assert_ot_code(ot_tdisp_payload_open(tdisp, 0, &m, &n), OT_E_TRUNCATED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_recorded_messages_round_trip),
      cmocka_unit_test(test_recorded_fields),
      cmocka_unit_test(test_vdm_wrap_recorded),
      cmocka_unit_test(test_vdm_foreign_rejected),
      cmocka_unit_test(test_other_messages_round_trip),
      cmocka_unit_test(test_error_names),
      cmocka_unit_test(test_malformed_rejected),
      cmocka_unit_test(test_reserved_ignored_and_zeroed),
      cmocka_unit_test(test_encode_refusals),
      cmocka_unit_test(test_payload_open),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
