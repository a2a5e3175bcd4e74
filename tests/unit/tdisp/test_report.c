/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device interface report (src/tdisp/report.c): the recorded spdm-emu report
 * (tsm_v12_p384 records 70 and 72, 100 bytes, hand-built from spdm_dump.txt),
 * the builder, the strict parser's failures and the TSM's check.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/tdisp.h"
#include "tdisp_fixture.h"

/* INTERFACE_INFO 0x0003, MSI-X/LNR/TPH 0, 4 ranges, 16 bytes of device info. */
#define REC_REPORT                                                                                 \
  "0300"                                                                                           \
  "0000"                                                                                           \
  "0000"                                                                                           \
  "0000"                                                                                           \
  "00000000"                                                                                       \
  "04000000"                                                                                       \
  "0000000000000000"                                                                               \
  "01000000"                                                                                       \
  "0400"                                                                                           \
  "0100"                                                                                           \
  "0080000000000000"                                                                               \
  "04000000"                                                                                       \
  "0800"                                                                                           \
  "0200"                                                                                           \
  "0000010000000000"                                                                               \
  "08000000"                                                                                       \
  "0800"                                                                                           \
  "0300"                                                                                           \
  "0000020000000000"                                                                               \
  "08000000"                                                                                       \
  "0800"                                                                                           \
  "0400"                                                                                           \
  "10000000"                                                                                       \
  "74646973705f6465765f656d75000000"

static void test_recorded_report_parses(void **state) {
  (void)state;
  size_t n;
  uint8_t *b = ts_unhex(REC_REPORT, &n);
  assert_int_equal(n, 100);
  ot_tdisp_report rep;
  assert_ot_ok(ot_tdisp_report_parse(b, n, &rep));
  assert_int_equal(rep.interface_info, 0x0003);
  assert_int_equal(rep.mmio_count, 4);
  for (uint32_t i = 0; i < 4; i++) {
    ot_tdisp_mmio_range m;
    assert_ot_ok(ot_tdisp_report_range(&rep, i, &m));
    assert_memory_equal(&m, &fx_ranges[i], sizeof m);
  }
  ot_tdisp_mmio_range m;
  assert_ot_code(ot_tdisp_report_range(&rep, 4, &m), OT_E_ARG);
  assert_int_equal(rep.devinfo_len, 16);
  assert_memory_equal(rep.devinfo, "tdisp_dev_emu", 14);
  free(b);
}

/* The builder reproduces the recorded bytes from the sample device's description. */
static void test_build_matches_recorded(void **state) {
  (void)state;
  size_t n;
  uint8_t *want = ts_unhex(REC_REPORT, &n);
  ot_tdisp_report rep = {
      .interface_info = 0x0003, .mmio_count = 4, .devinfo_len = 16, .devinfo = fx_devinfo};
  uint8_t out[OT_TDISP_REPORT_MAX];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_ok(ot_tdisp_report_build(&w, &rep, fx_ranges));
  assert_int_equal(ot_writer_len(&w), n);
  assert_memory_equal(out, want, n);
  free(want);
}

typedef struct bad {
  const char *hex;
  ot_code want;
} bad;

/* One line per malformed report. */
static void test_malformed_reports(void **state) {
  (void)state;
  static const bad k_bad[] = {
      {"0300000000000000", OT_E_TRUNCATED}, /* fixed part cut */
      {"030000000000000000000000"
       "01000000"
       "00000000",
       OT_E_TRUNCATED}, /* range missing */
      {"030000000000000000000000"
       "ffffffff"
       "00000000",
       OT_E_TRUNCATED}, /* huge count */
      {"030000000000000000000000"
       "00000000"
       "05000000"
       "0102",
       OT_E_TRUNCATED}, /* info cut */
      {"030000000000000000000000"
       "00000000"
       "00000000"
       "00",
       OT_E_TRAILING}, /* extra */
      {"030000000000000000000000"
       "01000000"
       "0100000000000000"
       "01000000"
       "0000"
       "0100"
       "00000000",
       OT_E_MALFORMED}, /* off page */
      {"030000000000000000000000"
       "01000000"
       "0000000000000000"
       "00000000"
       "0000"
       "0100"
       "00000000",
       OT_E_MALFORMED}, /* 0 pages */
      {"030000000000000000000000"
       "01000000"
       "00f0ffffffffffff"
       "02000000"
       "0000"
       "0100"
       "00000000",
       OT_E_MALFORMED}, /* wraps */
      {"030000000000000000000000"
       "00000000"
       "01010000",
       OT_E_TRUNCATED}, /* 257 bytes claimed */
  };
  for (size_t i = 0; i < sizeof k_bad / sizeof k_bad[0]; i++) {
    size_t n;
    uint8_t *b = ts_unhex(k_bad[i].hex, &n);
    ot_tdisp_report rep;
    memset(&rep, 0x5A, sizeof rep);
    ot_tdisp_report before = rep;
    ot_status st = ot_tdisp_report_parse(b, n, &rep);
    if (st.code != k_bad[i].want) fail_msg("case %zu: got %s", i, ot_status_name(st));
    assert_memory_equal(&rep, &before, sizeof rep);
    free(b);
  }
}

/* Over the implementation's limits: more than 32 ranges, more than 256 info bytes. */
static void test_limits(void **state) {
  (void)state;
  uint8_t big[16 + 33 * 16 + 4];
  memset(big, 0, sizeof big);
  big[12] = 33;
  for (int i = 0; i < 33; i++)
    big[16 + 16 * i + 8] = 1; /* one page each */
  ot_tdisp_report rep;
  assert_ot_code(ot_tdisp_report_parse(big, sizeof big, &rep), OT_E_TOO_LARGE);
  uint8_t info[16 + 4 + 257];
  memset(info, 0, sizeof info);
  info[16] = 0x01;
  info[17] = 0x01; /* 257 */
  assert_ot_code(ot_tdisp_report_parse(info, sizeof info, &rep), OT_E_TOO_LARGE);
  ot_tdisp_report r2 = {.mmio_count = 33};
  uint8_t out[OT_TDISP_REPORT_MAX];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_code(ot_tdisp_report_build(&w, &r2, fx_ranges), OT_E_TOO_LARGE);
}

static void parse_rec(uint8_t **b, ot_tdisp_report *rep) {
  size_t n;
  *b = ts_unhex(REC_REPORT, &n);
  assert_ot_ok(ot_tdisp_report_parse(*b, n, rep));
}

/* The recorded report matches the sample device when no offset was applied. */
static void test_check_accepts_matching(void **state) {
  (void)state;
  uint8_t *b;
  ot_tdisp_report rep;
  parse_rec(&b, &rep);
  ot_tdisp_expect exp = {.mmio = fx_ranges, .mmio_count = 4, .lock_flags = 0x0007};
  assert_ot_ok(ot_tdisp_report_check(&rep, &exp));
  free(b);
}

/*
 * The recorded report does not pass with the offset the recorded LOCK asked
 * for (0xD0000000): spdm-emu's sample does not add MMIO_REPORTING_OFFSET
 * (SPEC-FACTS §6.4), and a TSM that checks T11 must notice.
 */
static void test_check_catches_missing_offset(void **state) {
  (void)state;
  uint8_t *b;
  ot_tdisp_report rep;
  parse_rec(&b, &rep);
  ot_tdisp_expect exp = {.mmio = fx_ranges, .mmio_count = 4, .mmio_reporting_offset = 0xD0000000u};
  assert_ot_code(ot_tdisp_report_check(&rep, &exp), OT_E_POLICY);
  free(b);
}

/* Each kind of difference is refused. */
static void test_check_refuses_differences(void **state) {
  (void)state;
  uint8_t *b;
  ot_tdisp_report rep;
  parse_rec(&b, &rep);
  ot_tdisp_mmio_range r[4];
  ot_tdisp_expect exp = {.mmio = r, .mmio_count = 4};
  for (int k = 0; k < 4; k++) {
    memcpy(r, fx_ranges, sizeof r);
    if (k == 0) r[2].first_page += 0x1000;
    if (k == 1) r[2].num_pages++;
    if (k == 2) r[2].attributes ^= OT_TDISP_RANGE_NON_TEE_MEM;
    if (k == 3) r[2].range_id = 9;
    assert_ot_code(ot_tdisp_report_check(&rep, &exp), OT_E_POLICY);
  }
  memcpy(r, fx_ranges, sizeof r);
  exp.mmio_count = 3;
  assert_ot_code(ot_tdisp_report_check(&rep, &exp), OT_E_POLICY);
  /* NO_FW_UPDATE locked but not reported */
  rep.interface_info = OT_TDISP_IFINFO_DMA_NO_PASID;
  exp.mmio_count = 4;
  exp.lock_flags = OT_TDISP_LOCK_NO_FW_UPDATE;
  assert_ot_code(ot_tdisp_report_check(&rep, &exp), OT_E_POLICY);
  free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_recorded_report_parses),
      cmocka_unit_test(test_build_matches_recorded),
      cmocka_unit_test(test_malformed_reports),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_check_accepts_matching),
      cmocka_unit_test(test_check_catches_missing_offset),
      cmocka_unit_test(test_check_refuses_differences),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
