/* SPDX-License-Identifier: BSD-3-Clause */
/* The DOE responder: protocol table, Discovery answers, dispatch (src/doe/responder.c). */
#include <string.h>

#include "opentsm/doe.h"
#include "testsupport.h"

/* Echo protocol: answers the request payload reversed, so an answer is never the request. */
typedef struct echo_protocol {
  ot_doe_protocol base;
  int calls;
  ot_code fail_with; /* OT_OK: answer */
  size_t extra;      /* claims this many more bytes than it wrote (a buggy handler) */
} echo_protocol;

static ot_status echo_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                             size_t rsp_cap, size_t *rsp_len) {
  echo_protocol *e = (echo_protocol *)p;
  e->calls++;
  if (e->fail_with != OT_OK) return ot_status_of(e->fail_with);
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  for (size_t i = 0; i < req_len; i++) rsp[i] = req[req_len - 1 - i];
  *rsp_len = req_len + e->extra;
  return OT_SUCCESS;
}

static void echo_init(echo_protocol *e, uint16_t vendor, uint8_t type) {
  memset(e, 0, sizeof *e);
  e->base.vendor = vendor;
  e->base.type = type;
  e->base.handle = echo_handle;
}

typedef struct fixture {
  ot_doe_responder r;
  echo_protocol spdm, secured;
} fixture;

static int setup(void **state) {
  static fixture f;
  ot_doe_responder_init(&f.r);
  echo_init(&f.spdm, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM);
  echo_init(&f.secured, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SECURED_SPDM);
  if (!ot_ok(ot_doe_responder_add(&f.r, &f.spdm.base))) return -1;
  if (!ot_ok(ot_doe_responder_add(&f.r, &f.secured.base))) return -1;
  *state = &f;
  return 0;
}

/* Sends a Discovery request for `index` and decodes the answer. */
static ot_status discover_one(ot_doe_responder *r, uint8_t index, ot_doe_discovery_entry *e) {
  uint8_t payload[4], req[12], rsp[64];
  size_t req_len, rsp_len;
  ot_doe_discovery_request_build(index, 0, payload);
  OT_GUARD(ot_doe_object_encode(1, 0, payload, 4, req, sizeof req, &req_len));
  OT_GUARD(ot_doe_responder_handle(r, req, req_len, rsp, sizeof rsp, &rsp_len));
  ot_doe_header h;
  const uint8_t *p;
  size_t plen;
  OT_GUARD(ot_doe_object_decode(rsp, rsp_len, &h, &p, &plen));
  OT_ENSURE(h.vendor == 1 && h.type == 0 && h.length_dw == 3, OT_E_MALFORMED);
  return ot_doe_discovery_response_decode(p, plen, e);
}

static void test_discovery_matches_recorded_device(void **state) {
  fixture *f = *state;
  /* The recorded spdm-emu responder: 0 -> (1,0,1), 1 -> (1,1,2), 2 -> (1,2,0). */
  const ot_doe_discovery_entry want[3] = {{{1, 0}, 1}, {{1, 1}, 2}, {{1, 2}, 0}};
  for (uint8_t i = 0; i < 3; i++) {
    ot_doe_discovery_entry e;
    assert_ot_ok(discover_one(&f->r, i, &e));
    assert_int_equal(e.feature.vendor, want[i].feature.vendor);
    assert_int_equal(e.feature.type, want[i].feature.type);
    assert_int_equal(e.next_index, want[i].next_index);
  }
  assert_int_equal(f->spdm.calls, 0);
}

static void test_discovery_recorded_bytes(void **state) {
  fixture *f = *state;
  /* Objects 5 and 6 of tests/vectors/spdm-emu/tsm_v12_p384/flow.pcap. */
  const uint8_t req[12] = {1, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0};
  const uint8_t want[12] = {1, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0};
  uint8_t rsp[12];
  size_t len;
  assert_ot_ok(ot_doe_responder_handle(&f->r, req, sizeof req, rsp, sizeof rsp, &len));
  assert_int_equal(len, 12);
  assert_memory_equal(rsp, want, sizeof want);
}

static void test_discovery_out_of_range_index(void **state) {
  fixture *f = *state;
  ot_doe_discovery_entry e;
  assert_ot_ok(discover_one(&f->r, 3, &e));
  assert_int_equal(e.feature.vendor, 0xFFFF);
  assert_int_equal(e.feature.type, 0xFF);
  assert_int_equal(e.next_index, 0);
  assert_ot_ok(discover_one(&f->r, 255, &e));
  assert_int_equal(e.feature.vendor, 0xFFFF);
}

static void test_discovery_only_itself(void **state) {
  (void)state;
  ot_doe_responder r;
  ot_doe_responder_init(&r);
  ot_doe_discovery_entry e;
  assert_ot_ok(discover_one(&r, 0, &e));
  assert_int_equal(e.feature.vendor, 1);
  assert_int_equal(e.feature.type, 0);
  assert_int_equal(e.next_index, 0);
}

static void test_discovery_accepts_version_two(void **state) {
  fixture *f = *state;
  const uint8_t req[12] = {1, 0, 0, 0, 3, 0, 0, 0, 1, 2, 0, 0};
  uint8_t rsp[12];
  size_t len;
  assert_ot_ok(ot_doe_responder_handle(&f->r, req, sizeof req, rsp, sizeof rsp, &len));
  assert_int_equal(rsp[10], 1); /* type of entry 1 */
}

static void test_discovery_rejects_reserved_bits(void **state) {
  fixture *f = *state;
  const uint8_t req[12] = {1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0x01, 0};
  uint8_t rsp[12];
  size_t len = 99;
  assert_ot_code(ot_doe_responder_handle(&f->r, req, sizeof req, rsp, sizeof rsp, &len),
                 OT_E_RESERVED);
  assert_int_equal(len, 0);
}

static void test_discovery_rejects_unknown_version(void **state) {
  fixture *f = *state;
  const uint8_t req[12] = {1, 0, 0, 0, 3, 0, 0, 0, 0, 3, 0, 0};
  uint8_t rsp[12];
  size_t len;
  assert_ot_code(ot_doe_responder_handle(&f->r, req, sizeof req, rsp, sizeof rsp, &len),
                 OT_E_VERSION);
}

static void test_discovery_rejects_wrong_length(void **state) {
  fixture *f = *state;
  const uint8_t two_dw[16] = {1, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const uint8_t header_only[8] = {1, 0, 0, 0, 2, 0, 0, 0};
  uint8_t rsp[16];
  size_t len;
  assert_ot_code(ot_doe_responder_handle(&f->r, two_dw, sizeof two_dw, rsp, sizeof rsp, &len),
                 OT_E_MALFORMED);
  assert_ot_code(
      ot_doe_responder_handle(&f->r, header_only, sizeof header_only, rsp, sizeof rsp, &len),
      OT_E_MALFORMED);
}

static void test_rejects_malformed_object(void **state) {
  fixture *f = *state;
  const uint8_t req[12] = {1, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0}; /* Length 4, 3 sent */
  uint8_t rsp[16];
  size_t len;
  assert_ot_code(ot_doe_responder_handle(&f->r, req, sizeof req, rsp, sizeof rsp, &len),
                 OT_E_TRUNCATED);
}

static void test_dispatches_to_protocol(void **state) {
  fixture *f = *state;
  const uint8_t req[16] = {1, 0, 1, 0, 4, 0, 0, 0, 0x10, 0x84, 0, 0, 0xAA, 0xBB, 0xCC, 0xDD};
  const uint8_t want[16] = {1, 0, 1, 0, 4, 0, 0, 0, 0xDD, 0xCC, 0xBB, 0xAA, 0, 0, 0x84, 0x10};
  uint8_t rsp[32];
  size_t len;
  assert_ot_ok(ot_doe_responder_handle(&f->r, req, sizeof req, rsp, sizeof rsp, &len));
  assert_int_equal(len, sizeof want);
  assert_memory_equal(rsp, want, sizeof want);
  assert_int_equal(f->spdm.calls, 1);
  assert_int_equal(f->secured.calls, 0);
}

/* The capture observer sees the request then the response, whole; an object
 * that is refused before handling is not shown, one with no answer shows its
 * request only. */
typedef struct seen {
  size_t n;
  bool response[4];
  uint8_t obj[4][32];
  size_t len[4];
} seen;

static void observe(void *ctx, bool response, const uint8_t *obj, size_t len) {
  seen *s = ctx;
  assert_true(s->n < 4 && len <= sizeof s->obj[0]);
  s->response[s->n] = response;
  memcpy(s->obj[s->n], obj, len);
  s->len[s->n++] = len;
}

static void test_observer_sees_each_object(void **state) {
  fixture *f = *state;
  seen s = {0};
  f->r.observe = observe;
  f->r.observe_ctx = &s;
  const uint8_t req[16] = {1, 0, 1, 0, 4, 0, 0, 0, 0x10, 0x84, 0, 0, 0xAA, 0xBB, 0xCC, 0xDD};
  const uint8_t bad[12] = {1, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0};
  const uint8_t unknown[12] = {1, 0, 3, 0, 3, 0, 0, 0, 0, 0, 0, 0};
  uint8_t rsp[32];
  size_t len;
  assert_ot_ok(ot_doe_responder_handle(&f->r, req, sizeof req, rsp, sizeof rsp, &len));
  assert_ot_code(ot_doe_responder_handle(&f->r, bad, sizeof bad, rsp, sizeof rsp, &len),
                 OT_E_TRUNCATED);
  assert_ot_code(ot_doe_responder_handle(&f->r, unknown, sizeof unknown, rsp, sizeof rsp, &len),
                 OT_E_UNSUPPORTED);
  f->r.observe = NULL;
  assert_int_equal(s.n, 3);
  assert_false(s.response[0]);
  assert_int_equal(s.len[0], sizeof req);
  assert_memory_equal(s.obj[0], req, sizeof req);
  assert_true(s.response[1]);
  assert_int_equal(s.len[1], 16);
  static const uint8_t rsp_head[8] = {1, 0, 1, 0, 4, 0, 0, 0};
  assert_memory_equal(s.obj[1], rsp_head, sizeof rsp_head);
  assert_false(s.response[2]);
  assert_memory_equal(s.obj[2], unknown, sizeof unknown);
}

static void test_unknown_protocol_is_unsupported(void **state) {
  fixture *f = *state;
  const uint8_t req[12] = {1, 0, 3, 0, 3, 0, 0, 0, 0, 0, 0, 0};
  const uint8_t other_vendor[12] = {0x86, 0x80, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0};
  uint8_t rsp[16];
  size_t len = 7;
  assert_ot_code(ot_doe_responder_handle(&f->r, req, sizeof req, rsp, sizeof rsp, &len),
                 OT_E_UNSUPPORTED);
  assert_int_equal(len, 0);
  assert_ot_code(
      ot_doe_responder_handle(&f->r, other_vendor, sizeof other_vendor, rsp, sizeof rsp, &len),
      OT_E_UNSUPPORTED);
}

static void test_handler_failure_propagates(void **state) {
  fixture *f = *state;
  f->secured.fail_with = OT_E_DECRYPT;
  const uint8_t req[12] = {1, 0, 2, 0, 3, 0, 0, 0, 1, 2, 3, 4};
  uint8_t rsp[16];
  size_t len = 7;
  assert_ot_code(ot_doe_responder_handle(&f->r, req, sizeof req, rsp, sizeof rsp, &len),
                 OT_E_DECRYPT);
  assert_int_equal(len, 0);
  f->secured.fail_with = OT_OK;
}

static void test_handler_overrun_is_internal_error(void **state) {
  fixture *f = *state;
  f->spdm.extra = 64;
  const uint8_t req[12] = {1, 0, 1, 0, 3, 0, 0, 0, 1, 2, 3, 4};
  uint8_t rsp[32];
  size_t len;
  assert_ot_code(ot_doe_responder_handle(&f->r, req, sizeof req, rsp, sizeof rsp, &len),
                 OT_E_INTERNAL);
  f->spdm.extra = 0;
}

static void test_response_buffer_too_small(void **state) {
  fixture *f = *state;
  const uint8_t disc[12] = {1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0};
  const uint8_t spdm[16] = {1, 0, 1, 0, 4, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  uint8_t rsp[15];
  size_t len = 3;
  assert_ot_code(ot_doe_responder_handle(&f->r, disc, sizeof disc, rsp, 11, &len), OT_E_NO_SPACE);
  assert_int_equal(len, 0);
  /* The handler gets 4 bytes of room (whole DW) and refuses 8. */
  assert_ot_code(ot_doe_responder_handle(&f->r, spdm, sizeof spdm, rsp, sizeof rsp, &len),
                 OT_E_NO_SPACE);
  assert_ot_code(ot_doe_responder_handle(&f->r, spdm, sizeof spdm, rsp, 7, &len), OT_E_NO_SPACE);
}

static void test_add_rejects_duplicates_and_discovery(void **state) {
  fixture *f = *state;
  echo_protocol dup, disc;
  echo_init(&dup, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM);
  echo_init(&disc, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_DISCOVERY);
  assert_ot_code(ot_doe_responder_add(&f->r, &dup.base), OT_E_EXISTS);
  assert_ot_code(ot_doe_responder_add(&f->r, &disc.base), OT_E_EXISTS);
  assert_int_equal(f->r.count, 2);
}

static void test_add_rejects_missing_handler(void **state) {
  fixture *f = *state;
  echo_protocol p;
  echo_init(&p, 0x1234, 9);
  p.base.handle = NULL;
  assert_ot_code(ot_doe_responder_add(&f->r, &p.base), OT_E_ARG);
}

static void test_add_rejects_full_table(void **state) {
  (void)state;
  ot_doe_responder r;
  echo_protocol p[OT_DOE_MAX_PROTOCOLS + 1];
  ot_doe_responder_init(&r);
  for (size_t i = 0; i < OT_DOE_MAX_PROTOCOLS; i++) {
    echo_init(&p[i], 0x8086, (uint8_t)(i + 1));
    assert_ot_ok(ot_doe_responder_add(&r, &p[i].base));
  }
  echo_init(&p[OT_DOE_MAX_PROTOCOLS], 0x8086, 0x80);
  assert_ot_code(ot_doe_responder_add(&r, &p[OT_DOE_MAX_PROTOCOLS].base), OT_E_NO_SPACE);
  /* The last entry of a full table ends the walk. */
  ot_doe_discovery_entry e;
  assert_ot_ok(discover_one(&r, OT_DOE_MAX_PROTOCOLS, &e));
  assert_int_equal(e.feature.type, OT_DOE_MAX_PROTOCOLS);
  assert_int_equal(e.next_index, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_discovery_matches_recorded_device, setup),
      cmocka_unit_test_setup(test_discovery_recorded_bytes, setup),
      cmocka_unit_test_setup(test_discovery_out_of_range_index, setup),
      cmocka_unit_test(test_discovery_only_itself),
      cmocka_unit_test_setup(test_discovery_accepts_version_two, setup),
      cmocka_unit_test_setup(test_discovery_rejects_reserved_bits, setup),
      cmocka_unit_test_setup(test_discovery_rejects_unknown_version, setup),
      cmocka_unit_test_setup(test_discovery_rejects_wrong_length, setup),
      cmocka_unit_test_setup(test_rejects_malformed_object, setup),
      cmocka_unit_test_setup(test_dispatches_to_protocol, setup),
      cmocka_unit_test_setup(test_unknown_protocol_is_unsupported, setup),
      cmocka_unit_test_setup(test_handler_failure_propagates, setup),
      cmocka_unit_test_setup(test_handler_overrun_is_internal_error, setup),
      cmocka_unit_test_setup(test_response_buffer_too_small, setup),
      cmocka_unit_test_setup(test_add_rejects_duplicates_and_discovery, setup),
      cmocka_unit_test_setup(test_add_rejects_missing_handler, setup),
      cmocka_unit_test_setup(test_observer_sees_each_object, setup),
      cmocka_unit_test(test_add_rejects_full_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
