/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's TDISP responder (src/tdisp/responder.c, device.c): the
 * recorded request sequence replayed byte for byte, the nonce rule, STOP's
 * scrub, the session rule, and every malformed or refused request answered
 * with the right TDISP_ERROR and no change.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/tdisp.h"
#include "tdisp_fixture.h"

#define HDR(code)                                                                                  \
  "10" code "0000"                                                                                 \
  "efbe0000"                                                                                       \
  "0000000000000000"
#define REC_NONCE "4138fe25fbbe3f04c93ffd10290ad0c4022beff8a0c160e223e70d012838dd89"

/* Sends a hex VDM payload; returns the answer's bytes in buf and their count. */
static size_t send_hex(fx *f, const char *hex, uint8_t *buf, size_t cap) {
  size_t n, out = 0;
  uint8_t *q = ts_unhex(hex, &n);
  assert_ot_ok(ot_tdisp_responder_handle(&f->dev, &f->ctx, q, n, buf, cap, &out));
  free(q);
  return out;
}

static void expect_hex(const uint8_t *got, size_t n, const char *hex) {
  size_t wn;
  uint8_t *want = ts_unhex(hex, &wn);
  if (n != wn || memcmp(got, want, n) != 0) fail_msg("answer differs from %s", hex);
  free(want);
}

/*
 * Records 59-80 of tsm_v12_p384: every request as recorded, every answer byte
 * for byte, except that this device adds MMIO_REPORTING_OFFSET (0xD0000000) to
 * FIRST_PAGE as T11 requires, which spdm-emu's sample does not (SPEC-FACTS
 * §6.4); the report pieces below carry the offset pages.
 */
static void test_recorded_flow_replay(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  uint8_t b[256];
  size_t n;
  n = send_hex(&f, "01" HDR("81"), b, sizeof b);
  expect_hex(b, n, "01" HDR("01") "0110");
  n = send_hex(&f, "01" HDR("82") "00000000", b, sizeof b);
  expect_hex(b, n,
             "01" HDR("02") "00000000"
                            "fe000000000000000000000000000000"
                            "0700"
                            "000000"
                            "300000");
  n = send_hex(&f, "01" HDR("85"), b, sizeof b);
  expect_hex(b, n, "01" HDR("05") "00");
  n = send_hex(&f,
               "01" HDR("83") "0700"
                              "00"
                              "00"
                              "000000d000000000"
                              "0000000000000000",
               b, sizeof b);
  expect_hex(b, n, "01" HDR("03") REC_NONCE);
  n = send_hex(&f, "01" HDR("85"), b, sizeof b);
  expect_hex(b, n, "01" HDR("05") "01");
  n = send_hex(&f,
               "01" HDR("84") "0000"
                              "4000",
               b, sizeof b);
  expect_hex(b, n,
             "01" HDR("04") "4000"
                            "2400"
                            "0300"
                            "0000"
                            "0000"
                            "0000"
                            "00000000"
                            "04000000"
                            "000000d000000000"
                            "01000000"
                            "0400"
                            "0100"
                            "008000d000000000"
                            "04000000"
                            "0800"
                            "0200"
                            "000001d000000000"
                            "08000000"
                            "0800"
                            "0300");
  n = send_hex(&f,
               "01" HDR("84") "4000"
                              "2400",
               b, sizeof b);
  expect_hex(b, n,
             "01" HDR("04") "2400"
                            "0000"
                            "000002d000000000"
                            "08000000"
                            "0800"
                            "0400"
                            "10000000"
                            "74646973705f6465765f656d75000000");
  n = send_hex(&f, "01" HDR("86") REC_NONCE, b, sizeof b);
  expect_hex(b, n, "01" HDR("06"));
  n = send_hex(&f, "01" HDR("85"), b, sizeof b);
  expect_hex(b, n, "01" HDR("05") "02");
  n = send_hex(&f, "01" HDR("87"), b, sizeof b);
  expect_hex(b, n, "01" HDR("07"));
  n = send_hex(&f, "01" HDR("85"), b, sizeof b);
  expect_hex(b, n, "01" HDR("05") "00");
}

static uint32_t error_of(fx *f, const ot_tdisp_msg *q) {
  ot_tdisp_msg a;
  uint8_t buf[256];
  assert_int_equal(fx_send(f, q, &a, buf, sizeof buf), OT_TDISP_ERROR);
  return a.u.error.code;
}

/* A START with another nonce is INVALID_NONCE and leaves the TDI locked; the
 * right nonce still works afterwards, once. */
static void test_nonce_mismatch(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  fx_drive(&f, OT_TDI_CONFIG_LOCKED);
  ot_tdisp_msg q = fx_req(OT_TDISP_START_INTERFACE_REQUEST);
  memcpy(q.u.nonce, fx_rec_nonce, 32);
  q.u.nonce[31] ^= 1;
  assert_int_equal(error_of(&f, &q), OT_TDISP_ERR_INVALID_NONCE);
  assert_int_equal(f.tdi->state, OT_TDI_CONFIG_LOCKED);
  q.u.nonce[31] ^= 1;
  ot_tdisp_msg a;
  uint8_t buf[64];
  assert_int_equal(fx_send(&f, &q, &a, buf, sizeof buf), OT_TDISP_START_INTERFACE_RESPONSE);
  assert_int_equal(f.tdi->state, OT_TDI_RUN);
  assert_false(f.tdi->nonce_valid); /* consumed */
}

/* A second LOCK (after STOP) draws a fresh nonce; the old one no longer starts. */
static void test_fresh_nonce_per_lock(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  fx_drive(&f, OT_TDI_CONFIG_LOCKED);
  ot_tdisp_msg stop = fx_req(OT_TDISP_STOP_INTERFACE_REQUEST), a;
  uint8_t buf[64];
  assert_int_equal(fx_send(&f, &stop, &a, buf, sizeof buf), OT_TDISP_STOP_INTERFACE_RESPONSE);
  ot_tdisp_msg lock = fx_req(OT_TDISP_LOCK_INTERFACE_REQUEST);
  lock.u.lock = fx_lock_params();
  assert_int_equal(fx_send(&f, &lock, &a, buf, sizeof buf), OT_TDISP_LOCK_INTERFACE_RESPONSE);
  assert_memory_not_equal(a.u.nonce, fx_rec_nonce, 32);
  ot_tdisp_msg start = fx_req(OT_TDISP_START_INTERFACE_REQUEST);
  memcpy(start.u.nonce, fx_rec_nonce, 32);
  assert_int_equal(error_of(&f, &start), OT_TDISP_ERR_INVALID_NONCE);
}

/* STOP from RUN returns to CONFIG_UNLOCKED with nonce, report, lock and snapshot
 * zeroed and the device model asked to scrub the function. */
static void test_stop_scrubs(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  fx_drive(&f, OT_TDI_RUN);
  assert_true(f.tdi->report_len > 0);
  ot_tdisp_msg q = fx_req(OT_TDISP_STOP_INTERFACE_REQUEST), a;
  uint8_t buf[64];
  assert_int_equal(fx_send(&f, &q, &a, buf, sizeof buf), OT_TDISP_STOP_INTERFACE_RESPONSE);
  assert_int_equal(f.tdi->state, OT_TDI_CONFIG_UNLOCKED);
  assert_int_equal(f.ops.scrubs, 1);
  assert_int_equal(f.ops.scrubbed_fid, FX_FID);
  static const uint8_t zero[OT_TDISP_REPORT_MAX];
  assert_memory_equal(f.tdi->report, zero, sizeof zero);
  assert_memory_equal(f.tdi->nonce, zero, OT_TDISP_NONCE_SIZE);
  assert_int_equal(f.tdi->report_len, 0);
  assert_false(f.tdi->nonce_valid);
  assert_true(f.tdi->lock.mmio_reporting_offset == 0 && f.tdi->lock.flags == 0);
  /* the report is gone with the lock */
  ot_tdisp_msg rq = fx_req(OT_TDISP_GET_DEVICE_INTERFACE_REPORT);
  rq.u.get_report.length = 16;
  assert_int_equal(error_of(&f, &rq), OT_TDISP_ERR_INVALID_INTERFACE_STATE);
}

/* STOP out of ERROR scrubs too. */
static void test_stop_from_error_scrubs(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  fx_drive(&f, OT_TDI_ERROR);
  ot_tdisp_msg q = fx_req(OT_TDISP_STOP_INTERFACE_REQUEST), a;
  uint8_t buf[64];
  assert_int_equal(fx_send(&f, &q, &a, buf, sizeof buf), OT_TDISP_STOP_INTERFACE_RESPONSE);
  assert_int_equal(f.tdi->state, OT_TDI_CONFIG_UNLOCKED);
  assert_int_equal(f.ops.scrubs, 1);
  assert_false(f.tdi->error_by_event);
}

/* Outside a secured session nothing is answered and nothing changes. */
static void test_outside_session_refused(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  f.ctx.in_session = false;
  size_t n, out = 77;
  uint8_t *q = ts_unhex("01" HDR("83") "0700"
                                       "00"
                                       "00"
                                       "000000d000000000"
                                       "0000000000000000",
                        &n);
  uint8_t buf[128];
  assert_ot_code(ot_tdisp_responder_handle(&f.dev, &f.ctx, q, n, buf, sizeof buf, &out),
                 OT_E_UNEXPECTED);
  assert_int_equal(out, 77);
  assert_int_equal(f.tdi->state, OT_TDI_CONFIG_UNLOCKED);
  assert_int_equal(f.rng.draws, 0);
  free(q);
}

/* A payload of another protocol, or none, is the caller's routing mistake. */
static void test_misrouted_payload(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  size_t out;
  uint8_t buf[64];
  static const uint8_t idekm[] = {0x00, 0x00, 0x00};
  assert_ot_code(ot_tdisp_responder_handle(&f.dev, &f.ctx, idekm, 3, buf, sizeof buf, &out),
                 OT_E_UNSUPPORTED);
  assert_ot_code(ot_tdisp_responder_handle(&f.dev, &f.ctx, idekm, 0, buf, sizeof buf, &out),
                 OT_E_TRUNCATED);
}

typedef struct bad {
  const char *hex; /* VDM payload */
  uint32_t err;
  uint32_t data;
  uint8_t version; /* echoed */
  uint32_t fid;    /* echoed */
} bad;

/* Malformed requests: one line each, each answered with its TDISP_ERROR. */
static void test_malformed_requests(void **state) {
  (void)state;
  static const bad k_bad[] = {
      {"0110", OT_TDISP_ERR_INVALID_REQUEST, 0, 0x10, 0}, /* no header */
      {"01"
       "1181"
       "0000"
       "efbe0000"
       "0000000000000000",
       OT_TDISP_ERR_VERSION_MISMATCH, 0, 0x11, FX_FID},
      {"01"
       "2081"
       "0000"
       "efbe0000"
       "0000000000000000",
       OT_TDISP_ERR_VERSION_MISMATCH, 0, 0x20, FX_FID},
      {"01" HDR("90"), OT_TDISP_ERR_UNSUPPORTED_REQUEST, 0x90, 0x10, FX_FID},
      {"01" HDR("8b") "0002"
                      "0100",
       OT_TDISP_ERR_UNSUPPORTED_REQUEST, 0x8B, 0x10, FX_FID},
      {"01" HDR("7f") "01000000"
                      "00000000",
       OT_TDISP_ERR_UNSUPPORTED_REQUEST, 0x7F, 0x10, FX_FID},
      {"01" HDR("81") "00", OT_TDISP_ERR_INVALID_REQUEST, 0, 0x10, FX_FID},
      {"01" HDR("82") "0000", OT_TDISP_ERR_INVALID_REQUEST, 0, 0x10, FX_FID},
      {"01" HDR("83") "0700"
                      "00"
                      "00"
                      "000000d000000000",
       OT_TDISP_ERR_INVALID_REQUEST, 0, 0x10, FX_FID},
      {"01" HDR("84") "0000", OT_TDISP_ERR_INVALID_REQUEST, 0, 0x10, FX_FID},
      {"01" HDR("86") "4138", OT_TDISP_ERR_INVALID_REQUEST, 0, 0x10, FX_FID},
      {"01" HDR("87") "00", OT_TDISP_ERR_INVALID_REQUEST, 0, 0x10, FX_FID},
      {"01"
       "1085"
       "0000"
       "efbf0000"
       "0000000000000000",
       OT_TDISP_ERR_INVALID_INTERFACE, 0, 0x10, 0xBFEF},
  };
  for (size_t i = 0; i < sizeof k_bad / sizeof k_bad[0]; i++) {
    fx f;
    fx_init(&f);
    uint8_t buf[128];
    size_t n = send_hex(&f, k_bad[i].hex, buf, sizeof buf);
    ot_tdisp_msg a;
    ot_reader r;
    ot_reader_init(&r, buf + 1, n - 1);
    assert_ot_ok(ot_tdisp_decode_header(&r, &a.version, &a.code, &a.function_id));
    assert_ot_ok(ot_tdisp_decode_body(&r, a.code, &a));
    if (a.code != OT_TDISP_ERROR || a.u.error.code != k_bad[i].err ||
        a.u.error.data != k_bad[i].data || a.version != k_bad[i].version ||
        a.function_id != k_bad[i].fid)
      fail_msg("case %zu: %s %s data %u", i, ot_tdisp_code_name(a.code),
               ot_tdisp_error_name(a.u.error.code), (unsigned)a.u.error.data);
    assert_int_equal(f.tdi->state, OT_TDI_CONFIG_UNLOCKED);
  }
}

/* LOCK refusals leave the TDI unlocked: unsupported flags, an insecure default
 * stream, an offset that wraps a range, an RNG that fails. */
static void test_lock_refusals(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  ot_tdisp_msg q = fx_req(OT_TDISP_LOCK_INTERFACE_REQUEST);
  q.u.lock = fx_lock_params();
  q.u.lock.flags |= OT_TDISP_LOCK_BIND_P2P; /* not in 0x0007 */
  assert_int_equal(error_of(&f, &q), OT_TDISP_ERR_INVALID_REQUEST);
  q.u.lock = fx_lock_params();
  q.u.lock.default_stream_id = 5;
  f.ops.insecure[5] = true;
  assert_int_equal(error_of(&f, &q), OT_TDISP_ERR_INVALID_DEVICE_CONFIGURATION);
  q.u.lock = fx_lock_params();
  q.u.lock.mmio_reporting_offset = 0xFFFFFFFFFFFE0000u; /* range 4 would wrap */
  assert_int_equal(error_of(&f, &q), OT_TDISP_ERR_INVALID_REQUEST);
  q.u.lock = fx_lock_params();
  f.rng.fail = true;
  assert_int_equal(error_of(&f, &q), OT_TDISP_ERR_INSUFFICIENT_ENTROPY);
  assert_int_equal(f.tdi->state, OT_TDI_CONFIG_UNLOCKED);
  assert_false(f.tdi->nonce_valid);
  assert_int_equal(f.tdi->report_len, 0);
}

/* Report offsets: past the end or LENGTH 0 are INVALID_REQUEST. */
static void test_report_bad_offsets(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  fx_drive(&f, OT_TDI_CONFIG_LOCKED);
  ot_tdisp_msg q = fx_req(OT_TDISP_GET_DEVICE_INTERFACE_REPORT);
  q.u.get_report.offset = 100; /* the report is 100 bytes */
  q.u.get_report.length = 1;
  assert_int_equal(error_of(&f, &q), OT_TDISP_ERR_INVALID_REQUEST);
  q.u.get_report.offset = 0;
  q.u.get_report.length = 0;
  assert_int_equal(error_of(&f, &q), OT_TDISP_ERR_INVALID_REQUEST);
  q.u.get_report.offset = 99;
  q.u.get_report.length = 0xFFFF;
  ot_tdisp_msg a;
  uint8_t buf[256];
  assert_int_equal(fx_send(&f, &q, &a, buf, sizeof buf), OT_TDISP_DEVICE_INTERFACE_REPORT);
  assert_int_equal(a.u.report.portion_len, 1);
  assert_int_equal(a.u.report.remainder_len, 0);
}

/* A response buffer too small for the answer fails and changes nothing; a
 * report portion is cut to fit instead. */
static void test_small_response_buffer(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  size_t n, out;
  uint8_t *q = ts_unhex("01" HDR("83") "0700"
                                       "00"
                                       "00"
                                       "000000d000000000"
                                       "0000000000000000",
                        &n);
  uint8_t buf[40]; /* LOCK_INTERFACE_RESPONSE needs 49 */
  assert_ot_code(ot_tdisp_responder_handle(&f.dev, &f.ctx, q, n, buf, sizeof buf, &out),
                 OT_E_NO_SPACE);
  assert_int_equal(f.tdi->state, OT_TDI_CONFIG_UNLOCKED);
  free(q);
  fx_drive(&f, OT_TDI_CONFIG_LOCKED);
  ot_tdisp_msg rq = fx_req(OT_TDISP_GET_DEVICE_INTERFACE_REPORT), a;
  rq.u.get_report.length = 0xFFFF;
  uint8_t small[1 + 16 + 4 + 10];
  assert_int_equal(fx_send(&f, &rq, &a, small, sizeof small), OT_TDISP_DEVICE_INTERFACE_REPORT);
  assert_int_equal(a.u.report.portion_len, 10);
  assert_int_equal(a.u.report.remainder_len, 90);
}

/* The device's own portion limit applies. */
static void test_device_portion_limit(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  f.dev.report_portion_max = 7;
  fx_drive(&f, OT_TDI_RUN);
  ot_tdisp_msg rq = fx_req(OT_TDISP_GET_DEVICE_INTERFACE_REPORT), a;
  rq.u.get_report.length = 0xFFFF;
  uint8_t buf[256];
  assert_int_equal(fx_send(&f, &rq, &a, buf, sizeof buf), OT_TDISP_DEVICE_INTERFACE_REPORT);
  assert_int_equal(a.u.report.portion_len, 7);
  assert_int_equal(a.u.report.remainder_len, 93);
}

/* Device set-up refusals. */
static void test_device_setup_refusals(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  ot_tdisp_device_config dc = {.lock_flags_supported = 0x0020};
  ot_tdisp_device d;
  assert_ot_code(ot_tdisp_device_init(&d, &dc, &f.ops.base, &f.rng.base), OT_E_ARG);
  dc.lock_flags_supported = 0;
  assert_ot_code(ot_tdisp_device_init(&d, &dc, &f.ops.base, NULL), OT_E_ARG);
  assert_ot_code(ot_tdisp_device_add_tdi(&f.dev, &f.desc, NULL), OT_E_EXISTS);
  ot_tdisp_tdi_desc odd = f.desc;
  odd.function_id = 0x02000000u;
  assert_ot_code(ot_tdisp_device_add_tdi(&f.dev, &odd, NULL), OT_E_ARG);
  odd.function_id = 1;
  odd.mmio_count = OT_TDISP_MAX_MMIO_RANGES + 1;
  assert_ot_code(ot_tdisp_device_add_tdi(&f.dev, &odd, NULL), OT_E_ARG);
  ot_tdisp_tdi_desc more[OT_TDISP_MAX_TDIS];
  for (uint32_t i = 0; i < OT_TDISP_MAX_TDIS; i++) {
    more[i] = f.desc;
    more[i].function_id = 0x100 + i;
  }
  for (uint32_t i = 0; i + 1 < OT_TDISP_MAX_TDIS; i++)
    assert_ot_ok(ot_tdisp_device_add_tdi(&f.dev, &more[i], NULL));
  assert_ot_code(ot_tdisp_device_add_tdi(&f.dev, &more[OT_TDISP_MAX_TDIS - 1], NULL),
                 OT_E_NO_SPACE);
}

/* Two functions, two TDIs: locking one leaves the other alone. */
static void test_tdis_are_independent(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  ot_tdisp_tdi_desc vf = f.desc;
  vf.function_id = 0x0000BEF0u; /* another function (a VF) */
  ot_tdisp_tdi *t2;
  assert_ot_ok(ot_tdisp_device_add_tdi(&f.dev, &vf, &t2));
  fx_drive(&f, OT_TDI_RUN);
  assert_int_equal(t2->state, OT_TDI_CONFIG_UNLOCKED);
  ot_tdisp_msg q = fx_req(OT_TDISP_GET_DEVICE_INTERFACE_STATE), a;
  q.function_id = vf.function_id;
  uint8_t buf[64];
  assert_int_equal(fx_send(&f, &q, &a, buf, sizeof buf), OT_TDISP_DEVICE_INTERFACE_STATE);
  assert_int_equal(a.u.tdi_state, OT_TDISP_STATE_CONFIG_UNLOCKED);
  assert_int_equal(a.function_id, vf.function_id);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_recorded_flow_replay),   cmocka_unit_test(test_nonce_mismatch),
      cmocka_unit_test(test_fresh_nonce_per_lock),   cmocka_unit_test(test_stop_scrubs),
      cmocka_unit_test(test_stop_from_error_scrubs), cmocka_unit_test(test_outside_session_refused),
      cmocka_unit_test(test_misrouted_payload),      cmocka_unit_test(test_malformed_requests),
      cmocka_unit_test(test_lock_refusals),          cmocka_unit_test(test_report_bad_offsets),
      cmocka_unit_test(test_small_response_buffer),  cmocka_unit_test(test_device_portion_limit),
      cmocka_unit_test(test_device_setup_refusals),  cmocka_unit_test(test_tdis_are_independent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
