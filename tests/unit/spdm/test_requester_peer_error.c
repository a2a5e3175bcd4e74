/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An SPDM ERROR response ends a request as the device's answer (DSP0274 1.3
 * §10.12 "ERROR"): the requester keeps which request it answered, ErrorCode
 * and ErrorData, and names them ("device answered ERROR InvalidRequest (0x01,
 * data 0x00) to NEGOTIATE_ALGORITHMS") instead of leaving only the mapped
 * status, whose message for InvalidRequest reads "malformed message". The
 * responses are canned: spdm_responder_emu's VERSION, CAPABILITIES and
 * ALGORITHMS at 1.2 (as in test_requester_dmtf_vca.c), then an ERROR.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/spdm.h"
#include "testsupport.h"

typedef struct canned {
  ot_doe_transport base; /* first */
  const uint8_t *const *rsp;
  const size_t *len;
  const uint8_t *want; /* the request code expected at each step */
  size_t count, at;
} canned;

static ot_status canned_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                 const uint8_t *req, size_t req_len, uint8_t *rsp, size_t cap,
                                 size_t *rsp_len) {
  canned *c = (canned *)(void *)t;
  assert_int_equal(vendor, OT_DOE_VENDOR_PCISIG);
  assert_int_equal(type, OT_DOE_TYPE_SPDM);
  assert_true(c->at < c->count);
  assert_true(req_len >= 4);
  assert_int_equal(req[1], c->want[c->at]);
  assert_true(c->len[c->at] <= cap);
  memcpy(rsp, c->rsp[c->at], c->len[c->at]);
  *rsp_len = c->len[c->at];
  c->at++;
  return OT_SUCCESS;
}

static const uint8_t v12_version[] = {0x10, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12};
static const uint8_t v12_caps[] = {0x12, 0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf7, 0xfb,
                                   0x1a, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x80, 0x02, 0x00};
static const uint8_t v12_algorithms[] = {
    0x12, 0x63, 0x03, 0x00, 0x30, 0x00, 0x01, 0x02, 0x08, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x08, 0x00, 0x03, 0x20, 0x04, 0x00, 0x05, 0x20, 0x01, 0x00};
/* What libspdm answers a NEGOTIATE_ALGORITHMS with no algorithm in common. */
static const uint8_t err_invalid_request[] = {0x12, 0x7f, 0x01, 0x00};
static const uint8_t err_unexpected[] = {0x12, 0x7f, 0x04, 0x00};
static const uint8_t err_unsupported_digests[] = {0x12, 0x7f, 0x07, 0x81};

typedef struct fx {
  ot_drbg drbg;
  ot_sim_clock clock;
  ot_spdm_requester_config cfg;
  ot_spdm_requester q;
  canned c;
} fx;

static fx *fx_new(const uint8_t *const *rsp, const size_t *len, const uint8_t *want, size_t n) {
  fx *f = calloc(1, sizeof *f);
  assert_non_null(f);
  uint8_t e[48];
  memset(e, 7, sizeof e);
  assert_ot_ok(ot_drbg_instantiate(&f->drbg, e, 32, e + 32, 16, NULL, 0));
  ot_sim_clock_init(&f->clock, 0);
  ot_spdm_requester_config_default(&f->cfg, &f->drbg.rng, &f->clock.base);
  f->c = (canned){
      .base = {.exchange = canned_exchange}, .rsp = rsp, .len = len, .want = want, .count = n};
  assert_ot_ok(ot_spdm_requester_init(&f->q, &f->cfg, &f->c.base));
  return f;
}

static void fx_free(fx *f) {
  ot_spdm_requester_free(&f->q);
  ot_drbg_uninstantiate(&f->drbg);
  free(f);
}

static const uint8_t vca_codes[] = {OT_SPDM_GET_VERSION, OT_SPDM_GET_CAPABILITIES,
                                    OT_SPDM_NEGOTIATE_ALGORITHMS, OT_SPDM_GET_DIGESTS};

static void test_negotiate_refused_with_invalid_request(void **s) {
  (void)s;
  const uint8_t *rsp[] = {v12_version, v12_caps, err_invalid_request};
  const size_t len[] = {sizeof v12_version, sizeof v12_caps, sizeof err_invalid_request};
  fx *f = fx_new(rsp, len, vca_codes, 3);
  /* The mapped status stays what it was (ot_spdm_error_status)... */
  assert_ot_code(ot_spdm_requester_connect(&f->q), OT_E_MALFORMED);
  assert_int_equal(f->c.at, 3);
  /* ...and the ERROR itself is kept: request, ErrorCode, ErrorData. */
  const ot_spdm_peer_error *e = ot_spdm_requester_last_error(&f->q);
  assert_non_null(e);
  assert_int_equal(e->request, OT_SPDM_NEGOTIATE_ALGORITHMS);
  assert_int_equal(e->code, OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(e->data, 0);
  char buf[128];
  assert_string_equal(
      ot_spdm_requester_why(&f->q, ot_status_of(OT_E_MALFORMED), buf, sizeof buf),
      "device answered ERROR InvalidRequest (0x01, data 0x00) to NEGOTIATE_ALGORITHMS");
  /* A failure that did not come from that ERROR keeps its own message. */
  assert_string_equal(ot_spdm_requester_why(&f->q, ot_status_of(OT_E_FAILED), buf, sizeof buf),
                      ot_status_message(ot_status_of(OT_E_FAILED)));
  /* Truncated to the buffer, still terminated. */
  char small[16];
  ot_spdm_peer_error_text(e, small, sizeof small);
  assert_string_equal(small, "device answered");
  fx_free(f);
}

/* Any request: GET_DIGESTS after a good VCA, refused with UnexpectedRequest;
 * a good exchange leaves no ERROR behind. */
static void test_error_to_a_later_request(void **s) {
  (void)s;
  const uint8_t *rsp[] = {v12_version, v12_caps, v12_algorithms, err_unexpected};
  const size_t len[] = {sizeof v12_version, sizeof v12_caps, sizeof v12_algorithms,
                        sizeof err_unexpected};
  fx *f = fx_new(rsp, len, vca_codes, 4);
  assert_ot_ok(ot_spdm_requester_connect(&f->q));
  assert_null(ot_spdm_requester_last_error(&f->q));
  uint8_t mask = 0;
  ot_status st = ot_spdm_requester_get_digests(&f->q, &mask);
  assert_ot_code(st, OT_E_UNEXPECTED);
  const ot_spdm_peer_error *e = ot_spdm_requester_last_error(&f->q);
  assert_non_null(e);
  assert_int_equal(e->request, OT_SPDM_GET_DIGESTS);
  char buf[128];
  assert_string_equal(ot_spdm_requester_why(&f->q, st, buf, sizeof buf),
                      "device answered ERROR UnexpectedRequest (0x04, data 0x00) to GET_DIGESTS");
  fx_free(f);
}

/* ErrorData is reported as sent: UnsupportedRequest names the request code. */
static void test_error_data_is_reported(void **s) {
  (void)s;
  const uint8_t *rsp[] = {v12_version, v12_caps, v12_algorithms, err_unsupported_digests};
  const size_t len[] = {sizeof v12_version, sizeof v12_caps, sizeof v12_algorithms,
                        sizeof err_unsupported_digests};
  fx *f = fx_new(rsp, len, vca_codes, 4);
  assert_ot_ok(ot_spdm_requester_connect(&f->q));
  uint8_t mask = 0;
  ot_status st = ot_spdm_requester_get_digests(&f->q, &mask);
  assert_ot_code(st, OT_E_UNSUPPORTED);
  char buf[128];
  assert_string_equal(ot_spdm_requester_why(&f->q, st, buf, sizeof buf),
                      "device answered ERROR UnsupportedRequest (0x07, data 0x81) to GET_DIGESTS");
  fx_free(f);
}

/* DSP0274 1.3 table "Error code and error data". */
static void test_error_names(void **s) {
  (void)s;
  assert_string_equal(ot_spdm_error_name(0x01), "InvalidRequest");
  assert_string_equal(ot_spdm_error_name(0x03), "Busy");
  assert_string_equal(ot_spdm_error_name(0x11), "InvalidPolicy");
  assert_string_equal(ot_spdm_error_name(0x41), "VersionMismatch");
  assert_string_equal(ot_spdm_error_name(0x45), "NoPendingRequests");
  assert_string_equal(ot_spdm_error_name(0xff), "VendorDefined");
  assert_string_equal(ot_spdm_error_name(0x00), "Reserved");
  assert_string_equal(ot_spdm_error_name(0x02), "Reserved");
  assert_string_equal(ot_spdm_error_name(0x46), "Reserved");
  char buf[8] = "x";
  ot_spdm_peer_error none = {0};
  assert_string_equal(ot_spdm_peer_error_text(&none, buf, sizeof buf), "");
  assert_string_equal(ot_spdm_peer_error_text(NULL, buf, sizeof buf), "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_negotiate_refused_with_invalid_request),
      cmocka_unit_test(test_error_to_a_later_request),
      cmocka_unit_test(test_error_data_is_reported),
      cmocka_unit_test(test_error_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
