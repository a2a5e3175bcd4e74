/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ResponseNotReady and Busy are bounded (DSP0274 1.3 §10.12 "ERROR",
 * ResponseNotReady extended error data, §10.13 "RESPOND_IF_READY"): the
 * requester waits RDT = 2^RDTExponent µs before each RESPOND_IF_READY, asks
 * again only within WTMax = RDT x RDTM and at most cfg->not_ready_retries
 * times, retries Busy cfg->busy_retries times with a doubling wait, and never
 * waits past cfg->deadline_ns; then it refuses, naming the request. All on a
 * simulated clock: the assertions are on exact simulated times.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/spdm.h"
#include "testsupport.h"

/* spdm_responder_emu's VCA at 1.2 (as in test_requester_peer_error.c):
 * SHA-256 is the negotiated hash. */
static const uint8_t v12_version[] = {0x10, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12};
static const uint8_t v12_caps[] = {0x12, 0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf7, 0xfb,
                                   0x1a, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x80, 0x02, 0x00};
static const uint8_t v12_algorithms[] = {
    0x12, 0x63, 0x03, 0x00, 0x30, 0x00, 0x01, 0x02, 0x08, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x08, 0x00, 0x03, 0x20, 0x04, 0x00, 0x05, 0x20, 0x01, 0x00};

#define TOKEN 0x5a

/* How the scripted device answers GET_DIGESTS and RESPOND_IF_READY. */
typedef struct script {
  ot_doe_transport base; /* first */
  uint8_t error;         /* OT_SPDM_ERR_RESPONSE_NOT_READY or OT_SPDM_ERR_BUSY */
  uint8_t rdt_exp, rdtm, code_in_error;
  unsigned errors_left; /* ERRORs before the real DIGESTS (UINT32_MAX: forever) */
  unsigned digests_requests, rif_requests;
  uint8_t last_req[8];
  ot_sim_clock *clock;
  uint64_t rif_times[16]; /* when each RESPOND_IF_READY came */
} script;

static ot_status script_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                 const uint8_t *req, size_t req_len, uint8_t *rsp, size_t cap,
                                 size_t *rsp_len) {
  script *s = (script *)(void *)t;
  (void)vendor;
  (void)type;
  assert_true(req_len >= 4 && cap >= 64);
  memcpy(s->last_req, req, req_len < 8 ? req_len : 8);
  const uint8_t *fixed = NULL;
  size_t n = 0;
  switch (req[1]) {
  case OT_SPDM_GET_VERSION: fixed = v12_version, n = sizeof v12_version; break;
  case OT_SPDM_GET_CAPABILITIES: fixed = v12_caps, n = sizeof v12_caps; break;
  case OT_SPDM_NEGOTIATE_ALGORITHMS: fixed = v12_algorithms, n = sizeof v12_algorithms; break;
  case OT_SPDM_GET_DIGESTS: s->digests_requests++; break;
  case OT_SPDM_RESPOND_IF_READY:
    /* §10.13: Param1 the original request code, Param2 the Token. */
    assert_int_equal(req[2], OT_SPDM_GET_DIGESTS);
    assert_int_equal(req[3], TOKEN);
    if (s->rif_requests < 16) s->rif_times[s->rif_requests] = s->clock->now;
    s->rif_requests++;
    break;
  default: fail_msg("unexpected request 0x%02x", req[1]);
  }
  if (fixed) {
    memcpy(rsp, fixed, n);
    *rsp_len = n;
    return OT_SUCCESS;
  }
  if (s->errors_left > 0) {
    if (s->errors_left != UINT32_MAX) s->errors_left--;
    uint8_t e[8] = {0x12, OT_SPDM_ERROR, s->error, 0, s->rdt_exp, s->code_in_error, TOKEN, s->rdtm};
    n = s->error == OT_SPDM_ERR_RESPONSE_NOT_READY ? 8 : 4;
    memcpy(rsp, e, n);
    *rsp_len = n;
    return OT_SUCCESS;
  }
  /* DIGESTS 1.2: slot 0 only, one SHA-256 digest. */
  memset(rsp, 0, 4 + 32);
  rsp[0] = 0x12;
  rsp[1] = OT_SPDM_DIGESTS;
  rsp[3] = 0x01;
  memset(rsp + 4, 0xd1, 32);
  *rsp_len = 4 + 32;
  return OT_SUCCESS;
}

typedef struct fx {
  ot_drbg drbg;
  ot_sim_clock clock;
  ot_spdm_requester_config cfg;
  ot_spdm_requester q;
  script s;
} fx;

static fx *fx_new(uint8_t error, uint8_t rdt_exp, uint8_t rdtm, unsigned errors) {
  fx *f = calloc(1, sizeof *f);
  assert_non_null(f);
  uint8_t e[48];
  memset(e, 7, sizeof e);
  assert_ot_ok(ot_drbg_instantiate(&f->drbg, e, 32, e + 32, 16, NULL, 0));
  ot_sim_clock_init(&f->clock, 1000 * OT_NS_PER_S);
  ot_spdm_requester_config_default(&f->cfg, &f->drbg.rng, &f->clock.base);
  f->s = (script){.base = {.exchange = script_exchange},
                  .error = error,
                  .rdt_exp = rdt_exp,
                  .rdtm = rdtm,
                  .code_in_error = OT_SPDM_GET_DIGESTS,
                  .errors_left = errors,
                  .clock = &f->clock};
  assert_ot_ok(ot_spdm_requester_init(&f->q, &f->cfg, &f->s.base));
  assert_ot_ok(ot_spdm_requester_connect(&f->q));
  return f;
}

static void fx_free(fx *f) {
  ot_spdm_requester_free(&f->q);
  ot_drbg_uninstantiate(&f->drbg);
  free(f);
}

static uint64_t elapsed(const fx *f) { return f->clock.now - 1000 * OT_NS_PER_S; }

static void assert_why(fx *f, ot_status st, const char *want) {
  char buf[192];
  assert_string_equal(ot_spdm_requester_why(&f->q, st, buf, sizeof buf), want);
}

/* Ready after one ResponseNotReady: one RESPOND_IF_READY, exactly RDT later. */
static void test_not_ready_once_then_ready(void **st_) {
  (void)st_;
  fx *f = fx_new(OT_SPDM_ERR_RESPONSE_NOT_READY, 12, 4, 1);
  uint8_t mask = 0;
  assert_ot_ok(ot_spdm_requester_get_digests(&f->q, &mask));
  assert_int_equal(mask, 1);
  assert_int_equal(f->s.rif_requests, 1);
  assert_int_equal(f->s.rif_times[0] - 1000 * OT_NS_PER_S, 4096 * OT_NS_PER_US);
  assert_null(ot_spdm_requester_last_error(&f->q));
  fx_free(f);
}

/* RDTExponent 0 forever (the issue's ~500,000 retries a minute): the retry
 * count ends it after not_ready_retries RESPOND_IF_READY, 1 µs apart. */
static void test_not_ready_forever_rdt0_is_counted(void **st_) {
  (void)st_;
  fx *f = fx_new(OT_SPDM_ERR_RESPONSE_NOT_READY, 0, 255, UINT32_MAX);
  uint8_t mask = 0;
  ot_status st = ot_spdm_requester_get_digests(&f->q, &mask);
  assert_ot_code(st, OT_E_PEER_ERROR);
  assert_int_equal(f->s.digests_requests, 1);
  assert_int_equal(f->s.rif_requests, OT_SPDM_NOT_READY_RETRIES);
  assert_int_equal(elapsed(f), OT_SPDM_NOT_READY_RETRIES * OT_NS_PER_US);
  assert_why(f, st,
             "device answered ERROR ResponseNotReady (0x42, data 0x00) to GET_DIGESTS, "
             "still not ready after 8 RESPOND_IF_READY");
  /* A refused request ends the connection (the requester is failed). */
  assert_ot_code(ot_spdm_requester_get_digests(&f->q, &mask), OT_E_FAILED);
  fx_free(f);
}

/* WTMax = RDT x RDTM from the first ResponseNotReady: RDT 1024 µs, RDTM 3
 * allow RESPOND_IF_READY at 1024, 2048 and 3072 µs, not a fourth. */
static void test_not_ready_stops_at_wtmax(void **st_) {
  (void)st_;
  fx *f = fx_new(OT_SPDM_ERR_RESPONSE_NOT_READY, 10, 3, UINT32_MAX);
  uint8_t mask = 0;
  ot_status st = ot_spdm_requester_get_digests(&f->q, &mask);
  assert_ot_code(st, OT_E_PEER_ERROR);
  assert_int_equal(f->s.rif_requests, 3);
  for (unsigned i = 0; i < 3; i++)
    assert_int_equal(f->s.rif_times[i] - 1000 * OT_NS_PER_S, (i + 1) * 1024 * OT_NS_PER_US);
  assert_int_equal(elapsed(f), 3072 * OT_NS_PER_US);
  assert_int_equal(ot_spdm_requester_last_error(&f->q)->retries, 3);
  fx_free(f);
}

/* RDTExponent 0x1e (2^30 µs, ~18 min) with a 2 s deadline: refused at once,
 * no sleep at all, naming the request that was not ready. */
static void test_not_ready_wait_past_deadline_refused_at_once(void **st_) {
  (void)st_;
  fx *f = fx_new(OT_SPDM_ERR_RESPONSE_NOT_READY, 0x1e, 2, UINT32_MAX);
  f->cfg.deadline_ns = f->clock.now + 2 * OT_NS_PER_S;
  uint8_t mask = 0;
  ot_status st = ot_spdm_requester_get_digests(&f->q, &mask);
  assert_ot_code(st, OT_E_TIMEOUT);
  assert_int_equal(elapsed(f), 0);
  assert_int_equal(f->s.rif_requests, 0);
  assert_why(f, st,
             "device answered ERROR ResponseNotReady (0x42, data 0x00) to GET_DIGESTS, "
             "still not ready when the deadline came (0 retries)");
  fx_free(f);
}

/* An exponent past any representable wait (0xff) is clamped, not shifted
 * out of range, and the deadline refuses it. */
static void test_not_ready_huge_exponent(void **st_) {
  (void)st_;
  fx *f = fx_new(OT_SPDM_ERR_RESPONSE_NOT_READY, 0xff, 0xff, UINT32_MAX);
  f->cfg.deadline_ns = f->clock.now + 3600 * OT_NS_PER_S;
  uint8_t mask = 0;
  assert_ot_code(ot_spdm_requester_get_digests(&f->q, &mask), OT_E_TIMEOUT);
  assert_int_equal(elapsed(f), 0);
  fx_free(f);
}

/* Small RDTs under a deadline: waits run until the next would pass it. */
static void test_not_ready_deadline_cuts_retries(void **st_) {
  (void)st_;
  fx *f = fx_new(OT_SPDM_ERR_RESPONSE_NOT_READY, 20, 255, UINT32_MAX); /* RDT ~1.05 s */
  f->cfg.deadline_ns = f->clock.now + 3 * OT_NS_PER_S;
  uint8_t mask = 0;
  ot_status st = ot_spdm_requester_get_digests(&f->q, &mask);
  assert_ot_code(st, OT_E_TIMEOUT);
  assert_int_equal(f->s.rif_requests, 2);
  assert_true(elapsed(f) <= 3 * OT_NS_PER_S);
  assert_int_equal(elapsed(f), 2 * (UINT64_C(1) << 20) * OT_NS_PER_US);
  fx_free(f);
}

/* The RequestCode of ResponseNotReady must be the request's (§10.12). */
static void test_not_ready_for_another_request(void **st_) {
  (void)st_;
  fx *f = fx_new(OT_SPDM_ERR_RESPONSE_NOT_READY, 0, 2, 1);
  f->s.code_in_error = OT_SPDM_CHALLENGE;
  uint8_t mask = 0;
  assert_ot_code(ot_spdm_requester_get_digests(&f->q, &mask), OT_E_UNEXPECTED);
  assert_int_equal(f->s.rif_requests, 0);
  fx_free(f);
}

/* Busy forever: 3 retries after 10, 20, 40 ms, then refused as Busy. */
static void test_busy_forever_backs_off_and_stops(void **st_) {
  (void)st_;
  fx *f = fx_new(OT_SPDM_ERR_BUSY, 0, 0, UINT32_MAX);
  uint8_t mask = 0;
  ot_status st = ot_spdm_requester_get_digests(&f->q, &mask);
  assert_ot_code(st, OT_E_BUSY);
  assert_int_equal(f->s.digests_requests, 1 + OT_SPDM_BUSY_RETRIES);
  assert_int_equal(elapsed(f), 70 * OT_NS_PER_MS);
  assert_why(f, st,
             "device answered ERROR Busy (0x03, data 0x00) to GET_DIGESTS, "
             "still busy after 3 retries");
  fx_free(f);
}

/* Busy twice, then the answer: the request is sent again as it was. */
static void test_busy_then_ready(void **st_) {
  (void)st_;
  fx *f = fx_new(OT_SPDM_ERR_BUSY, 0, 0, 2);
  uint8_t mask = 0;
  assert_ot_ok(ot_spdm_requester_get_digests(&f->q, &mask));
  assert_int_equal(f->s.digests_requests, 3);
  assert_int_equal(f->s.last_req[1], OT_SPDM_GET_DIGESTS);
  assert_int_equal(elapsed(f), 30 * OT_NS_PER_MS);
  assert_null(ot_spdm_requester_last_error(&f->q));
  fx_free(f);
}

/* Busy with a 25 ms deadline: the 20 ms wait after the first 10 would pass it. */
static void test_busy_deadline(void **st_) {
  (void)st_;
  fx *f = fx_new(OT_SPDM_ERR_BUSY, 0, 0, UINT32_MAX);
  f->cfg.deadline_ns = f->clock.now + 25 * OT_NS_PER_MS;
  uint8_t mask = 0;
  ot_status st = ot_spdm_requester_get_digests(&f->q, &mask);
  assert_ot_code(st, OT_E_TIMEOUT);
  assert_int_equal(f->s.digests_requests, 2);
  assert_int_equal(elapsed(f), 10 * OT_NS_PER_MS);
  assert_why(f, st,
             "device answered ERROR Busy (0x03, data 0x00) to GET_DIGESTS, "
             "still busy when the deadline came (1 retries)");
  fx_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_not_ready_once_then_ready),
      cmocka_unit_test(test_not_ready_forever_rdt0_is_counted),
      cmocka_unit_test(test_not_ready_stops_at_wtmax),
      cmocka_unit_test(test_not_ready_wait_past_deadline_refused_at_once),
      cmocka_unit_test(test_not_ready_huge_exponent),
      cmocka_unit_test(test_not_ready_deadline_cuts_retries),
      cmocka_unit_test(test_not_ready_for_another_request),
      cmocka_unit_test(test_busy_forever_backs_off_and_stops),
      cmocka_unit_test(test_busy_then_ready),
      cmocka_unit_test(test_busy_deadline),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
