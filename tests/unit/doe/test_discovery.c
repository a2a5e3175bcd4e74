/* SPDX-License-Identifier: BSD-3-Clause */
/* Discovery payload codecs and the Discovery walk (src/doe/discovery.c). */
#include <string.h>

#include "opentsm/doe.h"
#include "testsupport.h"

static void test_request_build_layout(void **state) {
  (void)state;
  uint8_t dw[4];
  ot_doe_discovery_request_build(0x05, 0x02, dw);
  const uint8_t want[4] = {0x05, 0x02, 0x00, 0x00};
  assert_memory_equal(dw, want, 4);
}

static void test_request_decode_roundtrip(void **state) {
  (void)state;
  uint8_t dw[4], index = 0, version = 9;
  ot_doe_discovery_request_build(0xFE, 0, dw);
  assert_ot_ok(ot_doe_discovery_request_decode(dw, 4, &index, &version));
  assert_int_equal(index, 0xFE);
  assert_int_equal(version, 0);
}

static void test_request_decode_rejects(void **state) {
  (void)state;
  const uint8_t rsvd[4] = {0, 0, 0, 0x80};
  const uint8_t ver3[4] = {0, 3, 0, 0};
  const uint8_t eight[8] = {0};
  uint8_t index = 7, version = 7;
  assert_ot_code(ot_doe_discovery_request_decode(rsvd, 4, &index, &version), OT_E_RESERVED);
  assert_ot_code(ot_doe_discovery_request_decode(ver3, 4, &index, &version), OT_E_VERSION);
  assert_ot_code(ot_doe_discovery_request_decode(eight, 8, &index, &version), OT_E_MALFORMED);
  assert_ot_code(ot_doe_discovery_request_decode(eight, 3, &index, &version), OT_E_MALFORMED);
  assert_ot_code(ot_doe_discovery_request_decode(NULL, 4, &index, &version), OT_E_ARG);
  assert_int_equal(index, 7);
  assert_int_equal(version, 7);
}

static void test_response_layout_and_roundtrip(void **state) {
  (void)state;
  ot_doe_discovery_entry e = {{0x1E98, 0x21}, 0x03}, d;
  uint8_t dw[4];
  ot_doe_discovery_response_build(&e, dw);
  const uint8_t want[4] = {0x98, 0x1E, 0x21, 0x03};
  assert_memory_equal(dw, want, 4);
  assert_ot_ok(ot_doe_discovery_response_decode(dw, 4, &d));
  assert_int_equal(d.feature.vendor, 0x1E98);
  assert_int_equal(d.feature.type, 0x21);
  assert_int_equal(d.next_index, 3);
  assert_ot_code(ot_doe_discovery_response_decode(dw, 0, &d), OT_E_MALFORMED);
}

/* A transport that answers Discovery from a scripted list of response DWs. */
typedef struct script_transport {
  ot_doe_transport base;
  const uint32_t *answers;
  size_t n, calls;
  uint8_t last_index, last_version;
  size_t rsp_len; /* 0: 4 bytes */
  ot_code fail_at_call_2;
} script_transport;

static ot_status script_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                 const uint8_t *req, size_t req_len, uint8_t *rsp, size_t rsp_cap,
                                 size_t *rsp_len) {
  script_transport *s = (script_transport *)t;
  OT_ENSURE(vendor == 1 && type == 0, OT_E_ARG);
  OT_GUARD(ot_doe_discovery_request_decode(req, req_len, &s->last_index, &s->last_version));
  size_t call = s->calls++;
  if (call == 2 && s->fail_at_call_2 != OT_OK) return ot_status_of(s->fail_at_call_2);
  OT_ENSURE(call < s->n && rsp_cap >= 4, OT_E_INTERNAL);
  uint32_t a = s->answers[call];
  rsp[0] = (uint8_t)a;
  rsp[1] = (uint8_t)(a >> 8);
  rsp[2] = (uint8_t)(a >> 16);
  rsp[3] = (uint8_t)(a >> 24);
  *rsp_len = s->rsp_len ? s->rsp_len : 4;
  return OT_SUCCESS;
}

static void script_init(script_transport *s, const uint32_t *answers, size_t n) {
  memset(s, 0, sizeof *s);
  s->base.exchange = script_exchange;
  s->answers = answers;
  s->n = n;
}

static const uint32_t k_recorded[3] = {0x01000001u, 0x02010001u, 0x00020001u};

static void test_discover_recorded_device(void **state) {
  (void)state;
  script_transport s;
  script_init(&s, k_recorded, 3);
  ot_doe_feature f[4];
  size_t n = 0;
  assert_ot_ok(ot_doe_discover(&s.base, 2, f, 4, &n));
  assert_int_equal(n, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(f[i].vendor, 1);
    assert_int_equal(f[i].type, i);
  }
  assert_int_equal(s.last_index, 2);
  assert_int_equal(s.last_version, 2);
}

static void test_responder_with_empty_table_ends_at_zero(void **state) {
  (void)state;
  /* An empty table: entry 0 (Discovery) is also the last. */
  ot_doe_responder r;
  ot_doe_responder_init(&r);
  ot_doe_discovery_entry e;
  uint8_t req[12], rsp[12], p[4];
  size_t len, rlen;
  ot_doe_discovery_request_build(0, 0, p);
  assert_ot_ok(ot_doe_object_encode(1, 0, p, 4, req, sizeof req, &len));
  assert_ot_ok(ot_doe_responder_handle(&r, req, len, rsp, sizeof rsp, &rlen));
  assert_ot_ok(ot_doe_discovery_response_decode(rsp + 8, rlen - 8, &e));
  assert_int_equal(e.next_index, 0);
}

static void test_discover_rejects_loop(void **state) {
  (void)state;
  const uint32_t loop[3] = {0x01000001u, 0x02010001u, 0x01020001u}; /* 2 -> 1 again */
  script_transport s;
  script_init(&s, loop, 3);
  ot_doe_feature f[8];
  size_t n = 42;
  assert_ot_code(ot_doe_discover(&s.base, 0, f, 8, &n), OT_E_MALFORMED);
  assert_int_equal(n, 42);
  assert_int_equal(s.calls, 3);
}

static void test_discover_rejects_no_entry_answer(void **state) {
  (void)state;
  const uint32_t a[2] = {0x01000001u, 0x00FFFFFFu};
  script_transport s;
  script_init(&s, a, 2);
  ot_doe_feature f[8];
  size_t n;
  assert_ot_code(ot_doe_discover(&s.base, 0, f, 8, &n), OT_E_MALFORMED);
}

static void test_discover_rejects_index0_not_discovery(void **state) {
  (void)state;
  const uint32_t a[1] = {0x00010001u};
  script_transport s;
  script_init(&s, a, 1);
  ot_doe_feature f[8];
  size_t n;
  assert_ot_code(ot_doe_discover(&s.base, 0, f, 8, &n), OT_E_MALFORMED);
}

static void test_discover_rejects_small_table(void **state) {
  (void)state;
  script_transport s;
  script_init(&s, k_recorded, 3);
  ot_doe_feature f[2];
  size_t n;
  assert_ot_code(ot_doe_discover(&s.base, 0, f, 2, &n), OT_E_NO_SPACE);
}

static void test_discover_rejects_bad_response_length(void **state) {
  (void)state;
  script_transport s;
  script_init(&s, k_recorded, 3);
  s.rsp_len = 8;
  ot_doe_feature f[4];
  size_t n;
  assert_ot_code(ot_doe_discover(&s.base, 0, f, 4, &n), OT_E_MALFORMED);
}

static void test_discover_propagates_transport_error(void **state) {
  (void)state;
  script_transport s;
  script_init(&s, k_recorded, 3);
  s.fail_at_call_2 = OT_E_TIMEOUT;
  ot_doe_feature f[4];
  size_t n;
  assert_ot_code(ot_doe_discover(&s.base, 0, f, 4, &n), OT_E_TIMEOUT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_request_build_layout),
      cmocka_unit_test(test_request_decode_roundtrip),
      cmocka_unit_test(test_request_decode_rejects),
      cmocka_unit_test(test_response_layout_and_roundtrip),
      cmocka_unit_test(test_discover_recorded_device),
      cmocka_unit_test(test_responder_with_empty_table_ends_at_zero),
      cmocka_unit_test(test_discover_rejects_loop),
      cmocka_unit_test(test_discover_rejects_no_entry_answer),
      cmocka_unit_test(test_discover_rejects_index0_not_discovery),
      cmocka_unit_test(test_discover_rejects_small_table),
      cmocka_unit_test(test_discover_rejects_bad_response_length),
      cmocka_unit_test(test_discover_propagates_transport_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
