/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TSM's requester (src/tdisp/requester.c) against the device's responder
 * in process, and against a scripted peer that answers wrongly.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/tdisp.h"
#include "tdisp_fixture.h"

#define SESSION 0xFFFFFFFFu

typedef struct rfx {
  fx f;
  fx_link link;
  ot_tdisp_requester r;
} rfx;

static void rfx_init(rfx *x) {
  fx_init(&x->f);
  fx_link_init(&x->link, &x->f);
  assert_ot_ok(ot_tdisp_req_init(&x->r, &x->link.base, SESSION, FX_FID));
}

static void lock_recorded(rfx *x) {
  ot_tdisp_lock_params p = fx_lock_params();
  assert_ot_ok(ot_tdisp_req_lock(&x->r, &p));
}

/* The TSM flow of SPEC-FACTS §6.5: version, caps, state, lock, state, report,
 * check, start, state, stop, state. */
static void test_full_flow(void **state) {
  (void)state;
  static rfx x;
  rfx_init(&x);
  ot_tdisp_state s;
  ot_tdisp_caps caps;
  assert_ot_ok(ot_tdisp_req_get_version(&x.r));
  assert_ot_ok(ot_tdisp_req_get_capabilities(&x.r, 0, &caps));
  assert_int_equal(caps.lock_flags_supported, 0x0007);
  assert_int_equal(caps.req_msgs[0], 0xFE);
  assert_ot_ok(ot_tdisp_req_get_state(&x.r, &s));
  assert_int_equal(s, OT_TDI_CONFIG_UNLOCKED);
  lock_recorded(&x);
  assert_true(x.r.have_nonce);
  assert_ot_ok(ot_tdisp_req_get_state(&x.r, &s));
  assert_int_equal(s, OT_TDI_CONFIG_LOCKED);
  uint8_t buf[OT_TDISP_REPORT_MAX];
  size_t len;
  ot_tdisp_report rep;
  assert_ot_ok(ot_tdisp_req_get_report(&x.r, 0x40, buf, sizeof buf, &len, &rep));
  assert_int_equal(len, 100);
  ot_tdisp_expect exp = {.mmio = fx_ranges,
                         .mmio_count = 4,
                         .mmio_reporting_offset = 0xD0000000u,
                         .lock_flags = 0x0007};
  assert_ot_ok(ot_tdisp_report_check(&rep, &exp));
  assert_ot_ok(ot_tdisp_req_start(&x.r));
  assert_false(x.r.have_nonce);
  static const uint8_t zero[32];
  assert_memory_equal(x.r.nonce, zero, 32);
  assert_ot_ok(ot_tdisp_req_get_state(&x.r, &s));
  assert_int_equal(s, OT_TDI_RUN);
  assert_ot_ok(ot_tdisp_req_stop(&x.r));
  assert_ot_ok(ot_tdisp_req_get_state(&x.r, &s));
  assert_int_equal(s, OT_TDI_CONFIG_UNLOCKED);
  assert_int_equal(x.link.last_session, SESSION);
  assert_int_equal(x.link.calls, 11); /* 10 steps, the report in 2 pieces */
}

/* The report fetched in pieces of 1, 7, 13, 64, 99, 100 and "all" bytes: the
 * same 100 bytes each time, in ceil(100 / piece) requests. */
static void test_report_in_pieces(void **state) {
  (void)state;
  static const uint16_t pieces[] = {1, 7, 13, 64, 99, 100, 0xFFFF};
  uint8_t first[OT_TDISP_REPORT_MAX];
  for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
    static rfx x;
    rfx_init(&x);
    lock_recorded(&x);
    uint8_t buf[OT_TDISP_REPORT_MAX];
    size_t len;
    ot_tdisp_report rep;
    int before = x.link.calls;
    assert_ot_ok(ot_tdisp_req_get_report(&x.r, pieces[i], buf, sizeof buf, &len, &rep));
    assert_int_equal(len, 100);
    size_t want_calls = pieces[i] >= 100 ? 1 : (100 + pieces[i] - 1) / pieces[i];
    assert_int_equal((size_t)(x.link.calls - before), want_calls);
    if (i == 0) memcpy(first, buf, len);
    assert_memory_equal(buf, first, len);
    assert_memory_equal(buf, x.f.tdi->report, len);
  }
}

/* A caller buffer too small for the report fails with OT_E_NO_SPACE. */
static void test_report_buffer_too_small(void **state) {
  (void)state;
  static rfx x;
  rfx_init(&x);
  lock_recorded(&x);
  uint8_t buf[99];
  size_t len;
  ot_tdisp_report rep;
  assert_ot_code(ot_tdisp_req_get_report(&x.r, 0xFFFF, buf, sizeof buf, &len, &rep), OT_E_NO_SPACE);
  assert_ot_code(ot_tdisp_req_get_report(&x.r, 0, buf, sizeof buf, &len, &rep), OT_E_ARG);
}

/* The device's TDISP_ERROR comes back as OT_E_PEER_ERROR with its code kept. */
static void test_peer_error_kept(void **state) {
  (void)state;
  static rfx x;
  rfx_init(&x);
  lock_recorded(&x);
  ot_tdisp_lock_params p = fx_lock_params();
  assert_ot_code(ot_tdisp_req_lock(&x.r, &p), OT_E_PEER_ERROR);
  assert_int_equal(x.r.last_error.code, OT_TDISP_ERR_INVALID_INTERFACE_STATE);
  /* the failed second LOCK dropped the first nonce: START cannot be sent */
  assert_ot_code(ot_tdisp_req_start(&x.r), OT_E_STATE);
}

/* A wrong nonce (the device's) comes back as INVALID_NONCE; the TDI stays locked. */
static void test_start_with_wrong_nonce(void **state) {
  (void)state;
  static rfx x;
  rfx_init(&x);
  lock_recorded(&x);
  x.r.nonce[0] ^= 0xFF;
  assert_ot_code(ot_tdisp_req_start(&x.r), OT_E_PEER_ERROR);
  assert_int_equal(x.r.last_error.code, OT_TDISP_ERR_INVALID_NONCE);
  assert_int_equal(x.f.tdi->state, OT_TDI_CONFIG_LOCKED);
  assert_false(x.r.have_nonce);
}

/* Flags beyond LOCK_INTERFACE_FLAGS_SUPPORTED are refused before sending. */
static void test_lock_flags_checked_locally(void **state) {
  (void)state;
  static rfx x;
  rfx_init(&x);
  assert_ot_ok(ot_tdisp_req_get_capabilities(&x.r, 0, NULL));
  ot_tdisp_lock_params p = fx_lock_params();
  p.flags |= OT_TDISP_LOCK_ALL_REQUEST_REDIRECT;
  int calls = x.link.calls;
  assert_ot_code(ot_tdisp_req_lock(&x.r, &p), OT_E_ARG);
  assert_int_equal(x.link.calls, calls);
}

/* ---- a scripted peer -------------------------------------------------------- */

typedef struct script {
  ot_tdisp_transport base;
  const char *answers[4]; /* hex VDM payloads, one per exchange */
  int n;
  ot_code fail; /* transport failure instead */
} script;

static ot_status script_exchange(ot_tdisp_transport *t, uint32_t session_id, const uint8_t *req,
                                 size_t req_len, uint8_t *rsp, size_t rsp_cap, size_t *rsp_len) {
  script *s = (script *)t;
  (void)session_id, (void)req, (void)req_len;
  if (s->fail != OT_OK) return ot_status_of(s->fail);
  size_t n;
  uint8_t *b = ts_unhex(s->answers[s->n++], &n);
  assert_true(n <= rsp_cap);
  memcpy(rsp, b, n);
  *rsp_len = n;
  free(b);
  return OT_SUCCESS;
}

#define HDR(code)                                                                                  \
  "10" code "0000"                                                                                 \
  "efbe0000"                                                                                       \
  "0000000000000000"

typedef struct pcase {
  const char *what;
  const char *a0, *a1;
  ot_code want;
} pcase;

/* Answers a requester must not believe: one line each (GET_REPORT, piece 0x40). */
static void test_bad_report_answers(void **state) {
  (void)state;
  static const pcase k[] = {
      {"another function",
       "01"
       "1004"
       "0000"
       "efbf0000"
       "0000000000000000"
       "0100"
       "0000"
       "00",
       NULL, OT_E_MALFORMED},
      {"another response", "01" HDR("05") "01", NULL, OT_E_UNEXPECTED},
      {"version 1.1",
       "01"
       "1104"
       "0000"
       "efbe0000"
       "0000000000000000"
       "0100"
       "0000"
       "00",
       NULL, OT_E_VERSION},
      {"IDE_KM payload",
       "00" HDR("04") "0100"
                      "0000"
                      "00",
       NULL, OT_E_UNSUPPORTED},
      {"empty portion",
       "01" HDR("04") "0000"
                      "0000",
       NULL, OT_E_MALFORMED},
      {"portion over the piece",
       "01" HDR("04") "4100"
                      "0000"
                      "00000000000000000000000000000000"
                      "00000000000000000000000000000000"
                      "00000000000000000000000000000000"
                      "00000000000000000000000000000000"
                      "00",
       NULL, OT_E_MALFORMED},
      {"remainder grows",
       "01" HDR("04") "0100"
                      "0200"
                      "03",
       "01" HDR("04") "0100"
                      "0500"
                      "00",
       OT_E_MALFORMED},
      {"report does not parse",
       "01" HDR("04") "0100"
                      "0000"
                      "03",
       NULL, OT_E_TRUNCATED},
  };
  for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
    script s = {.base.exchange = script_exchange, .answers = {k[i].a0, k[i].a1}};
    ot_tdisp_requester r;
    assert_ot_ok(ot_tdisp_req_init(&r, &s.base, SESSION, FX_FID));
    uint8_t buf[OT_TDISP_REPORT_MAX];
    size_t len;
    ot_tdisp_report rep;
    ot_status st = ot_tdisp_req_get_report(&r, 0x40, buf, sizeof buf, &len, &rep);
    if (st.code != k[i].want) fail_msg("%s: got %s", k[i].what, ot_status_name(st));
  }
}

/* A peer without TDISP 1.0, a bad state byte, a transport failure. */
static void test_other_bad_answers(void **state) {
  (void)state;
  script s = {.base.exchange = script_exchange, .answers = {"01" HDR("01") "0111"}};
  ot_tdisp_requester r;
  assert_ot_ok(ot_tdisp_req_init(&r, &s.base, SESSION, FX_FID));
  assert_ot_code(ot_tdisp_req_get_version(&r), OT_E_NEGOTIATION);
  s = (script){.base.exchange = script_exchange, .answers = {"01" HDR("05") "07"}};
  ot_tdisp_state st;
  assert_ot_code(ot_tdisp_req_get_state(&r, &st), OT_E_MALFORMED);
  s = (script){.base.exchange = script_exchange, .fail = OT_E_TIMEOUT};
  assert_ot_code(ot_tdisp_req_stop(&r), OT_E_TIMEOUT);
  assert_ot_code(ot_tdisp_req_init(&r, &s.base, SESSION, 0x80000000u), OT_E_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_flow),
      cmocka_unit_test(test_report_in_pieces),
      cmocka_unit_test(test_report_buffer_too_small),
      cmocka_unit_test(test_peer_error_kept),
      cmocka_unit_test(test_start_with_wrong_nonce),
      cmocka_unit_test(test_lock_flags_checked_locally),
      cmocka_unit_test(test_bad_report_answers),
      cmocka_unit_test(test_other_bad_answers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
