/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM requester (TSM side) against a scripted peer: the requests it
 * builds, and every check of the answers (object, size, echo, KP_ACK
 * status, transport failure); key buffers marked while in flight and wiped.
 */
#include "km_testutil.h"

/* A peer that records the request and answers with a canned payload. */
typedef struct script {
  ot_ide_km_transport base; /* first */
  uint8_t req[64];
  size_t req_len;
  bool req_marked;
  const uint8_t *rsp;
  size_t rsp_len;
  ot_status fail; /* returned instead of answering when not OT_OK */
  bool echo;      /* answer with the request's header turned into the ACK */
  uint8_t echo_object, echo_status;
} script;

static ot_status script_exchange(ot_ide_km_transport *t, uint32_t session_id, const uint8_t *req,
                                 size_t req_len, uint8_t *rsp, size_t cap, size_t *rsp_len) {
  script *s = (script *)(void *)t;
  assert_int_equal(session_id, 0xFFFEFFFEu);
  assert_true(req_len <= sizeof s->req);
  memcpy(s->req, req, req_len);
  s->req_len = req_len;
  s->req_marked = ot_secret_overlaps(req, req_len);
  if (!ot_ok(s->fail)) return s->fail;
  if (s->echo) {
    OT_ENSURE(cap >= 8, OT_E_NO_SPACE);
    memcpy(rsp, req, 8);
    rsp[1] = s->echo_object;
    rsp[5] = s->echo_status; /* payload byte 5 = object byte 4, Status */
    *rsp_len = 8;
    return OT_SUCCESS;
  }
  OT_ENSURE(s->rsp_len <= cap, OT_E_NO_SPACE);
  memcpy(rsp, s->rsp, s->rsp_len);
  *rsp_len = s->rsp_len;
  return OT_SUCCESS;
}

typedef struct fx {
  script s;
  ot_ide_km_requester q;
} fx;

static int fx_setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  if (!f) return -1;
  f->s.base.exchange = script_exchange;
  f->s.fail = OT_SUCCESS;
  ot_ide_km_requester_init(&f->q, &f->s.base, 0xFFFEFFFEu);
  *state = f;
  return 0;
}

static int fx_teardown(void **state) {
  free(*state);
  return 0;
}

static void echo_with(fx *f, uint8_t object, uint8_t status) {
  f->s.echo = true;
  f->s.echo_object = object;
  f->s.echo_status = status;
}

static void answer(fx *f, const uint8_t *rsp, size_t len) {
  f->s.echo = false;
  f->s.rsp = rsp;
  f->s.rsp_len = len;
}

/* ---- QUERY ------------------------------------------------------------------------------ */

static void test_query_request_and_response(void **state) {
  fx *f = *state;
  static const uint8_t rsp[16] = {0x00, 0x01, 0x00, 0x01, 0x08, 0x02, 0x00, 0x07,
                                  0x42, 0x00, 0x01, 0x00, 0,    0,    0,    0};
  answer(f, rsp, sizeof rsp);
  uint8_t buf[64];
  ot_ide_km_query_resp q;
  assert_ot_ok(ot_ide_km_query(&f->q, 1, buf, sizeof buf, &q));
  static const uint8_t want_req[] = {0x00, 0x00, 0x00, 0x01};
  assert_int_equal(f->s.req_len, sizeof want_req);
  assert_memory_equal(f->s.req, want_req, sizeof want_req);
  assert_int_equal(q.dev_func, 0x08);
  assert_int_equal(q.bus, 0x02);
  assert_int_equal(q.max_port_index, 7);
  assert_int_equal(q.reg_count, 2);
  assert_int_equal(ot_ide_km_query_resp_reg(&q, 0), 0x00010042u);
}

static void test_query_rejects(void **state) {
  fx *f = *state;
  uint8_t buf[64];
  ot_ide_km_query_resp q;
  uint8_t other_port[16] = {0x00, 0x01, 0x00, 0x02, 0, 0, 0, 0x07};
  answer(f, other_port, sizeof other_port);
  assert_ot_code(ot_ide_km_query(&f->q, 1, buf, sizeof buf, &q), OT_E_UNEXPECTED);
  uint8_t max_below[16] = {0x00, 0x01, 0x00, 0x01, 0, 0, 0, 0x00};
  answer(f, max_below, sizeof max_below);
  assert_ot_code(ot_ide_km_query(&f->q, 1, buf, sizeof buf, &q), OT_E_MALFORMED);
  uint8_t wrong_obj[8] = {0x00, 0x03, 0, 0, 0, 0, 0, 0x01};
  answer(f, wrong_obj, sizeof wrong_obj);
  assert_ot_code(ot_ide_km_query(&f->q, 1, buf, sizeof buf, &q), OT_E_UNEXPECTED);
  uint8_t ragged[15] = {0x00, 0x01, 0x00, 0x01, 0, 0, 0, 0x07};
  answer(f, ragged, sizeof ragged);
  assert_ot_code(ot_ide_km_query(&f->q, 1, buf, sizeof buf, &q), OT_E_MALFORMED);
  f->s.fail = ot_status_of(OT_E_TIMEOUT);
  assert_ot_code(ot_ide_km_query(&f->q, 1, buf, sizeof buf, &q), OT_E_TIMEOUT);
}

/* ---- KEY_PROG ---------------------------------------------------------------------------- */

static void test_key_prog_request_bytes(void **state) {
  fx *f = *state;
  size_t marks = ot_secret_mark_count();
  echo_with(f, OT_IDE_KM_KP_ACK, OT_IDE_KM_KP_SUCCESS);
  ot_ide_key_material km = kt_key(9, 2, 1);
  km.ifv = UINT64_C(0x0000000200000001);
  uint8_t status = 0xFF;
  uint8_t kss = ot_ide_km_kss(1, OT_IDE_KM_TX, OT_IDE_SUB_CPL);
  assert_ot_ok(ot_ide_km_key_prog(&f->q, 4, 17, kss, &km, &status));
  assert_int_equal(status, 0);
  assert_int_equal(f->s.req_len, 48);
  static const uint8_t head[] = {0x00, 0x02, 0x00, 0x00, 17, 0x00, 0x23, 4};
  assert_memory_equal(f->s.req, head, sizeof head);
  for (size_t i = 0; i < 8; i++) /* Key_DW7 first, each DW little-endian */
    assert_int_equal(ot_load_u32le(f->s.req + 8 + 4 * i), ot_load_u32be(km.key + 4 * i));
  assert_int_equal(ot_load_u32le(f->s.req + 40), 2); /* IFV_DW1 */
  assert_int_equal(ot_load_u32le(f->s.req + 44), 1); /* IFV_DW0 */
  assert_true(f->s.req_marked);                      /* secret while in flight */
  assert_int_equal(ot_secret_mark_count(), marks);   /* and released after */
  ot_zeroize(&km, sizeof km);
}

static void test_key_prog_every_failure_status(void **state) {
  fx *f = *state;
  ot_ide_key_material km = kt_key(9, 0, 0);
  static const uint8_t statuses[] = {OT_IDE_KM_KP_INCORRECT_LENGTH, OT_IDE_KM_KP_UNSUPPORTED_PORT,
                                     OT_IDE_KM_KP_UNSUPPORTED_VALUE, OT_IDE_KM_KP_UNSPECIFIED,
                                     0x7F};
  for (size_t i = 0; i < sizeof statuses; i++) {
    echo_with(f, OT_IDE_KM_KP_ACK, statuses[i]);
    uint8_t got = 0;
    assert_ot_code(ot_ide_km_key_prog(&f->q, 0, 1, 0x00, &km, &got), OT_E_PEER_ERROR);
    assert_int_equal(got, statuses[i]);
  }
  ot_zeroize(&km, sizeof km);
}

static void test_key_prog_checks_echo(void **state) {
  fx *f = *state;
  ot_ide_key_material km = kt_key(9, 0, 0);
  /* Each field of the acknowledgement must echo the request (SPEC-FACTS §4.2). */
  static const uint8_t bad_stream[] = {0x00, 0x03, 0, 0, 0x02, 0x00, 0x10, 0x00};
  static const uint8_t bad_kss[] = {0x00, 0x03, 0, 0, 0x01, 0x00, 0x11, 0x00};
  static const uint8_t bad_port[] = {0x00, 0x03, 0, 0, 0x01, 0x00, 0x10, 0x01};
  static const uint8_t gostop[] = {0x00, 0x06, 0, 0, 0x01, 0x00, 0x10, 0x00};
  static const uint8_t longer[] = {0x00, 0x03, 0, 0, 0x01, 0x00, 0x10, 0x00, 0x00};
  answer(f, bad_stream, sizeof bad_stream);
  assert_ot_code(ot_ide_km_key_prog(&f->q, 0, 1, 0x10, &km, NULL), OT_E_UNEXPECTED);
  answer(f, bad_kss, sizeof bad_kss);
  assert_ot_code(ot_ide_km_key_prog(&f->q, 0, 1, 0x10, &km, NULL), OT_E_UNEXPECTED);
  answer(f, bad_port, sizeof bad_port);
  assert_ot_code(ot_ide_km_key_prog(&f->q, 0, 1, 0x10, &km, NULL), OT_E_UNEXPECTED);
  answer(f, gostop, sizeof gostop);
  assert_ot_code(ot_ide_km_key_prog(&f->q, 0, 1, 0x10, &km, NULL), OT_E_UNEXPECTED);
  answer(f, longer, sizeof longer);
  assert_ot_code(ot_ide_km_key_prog(&f->q, 0, 1, 0x10, &km, NULL), OT_E_TRAILING);
  answer(f, longer, 7);
  assert_ot_code(ot_ide_km_key_prog(&f->q, 0, 1, 0x10, &km, NULL), OT_E_TRUNCATED);
  ot_zeroize(&km, sizeof km);
}

static void test_key_prog_transport_failure_releases_buffer(void **state) {
  fx *f = *state;
  size_t marks = ot_secret_mark_count();
  f->s.fail = ot_status_of(OT_E_CLOSED);
  ot_ide_key_material km = kt_key(9, 0, 0);
  assert_ot_code(ot_ide_km_key_prog(&f->q, 0, 1, 0, &km, NULL), OT_E_CLOSED);
  assert_int_equal(ot_secret_mark_count(), marks);
  ot_zeroize(&km, sizeof km);
}

/* ---- K_SET_GO / K_SET_STOP ------------------------------------------------------------- */

static void test_go_and_stop_requests(void **state) {
  fx *f = *state;
  echo_with(f, OT_IDE_KM_K_GOSTOP_ACK, 0);
  assert_ot_ok(ot_ide_km_key_set_go(&f->q, 1, 0, 0x22));
  static const uint8_t go[] = {0x00, 0x04, 0, 0, 0x00, 0x00, 0x22, 0x01};
  assert_int_equal(f->s.req_len, 8);
  assert_memory_equal(f->s.req, go, 8);
  assert_ot_ok(ot_ide_km_key_set_stop(&f->q, 1, 0, 0x12));
  static const uint8_t stop[] = {0x00, 0x05, 0, 0, 0x00, 0x00, 0x12, 0x01};
  assert_memory_equal(f->s.req, stop, 8);
}

static void test_go_checks_answer(void **state) {
  fx *f = *state;
  echo_with(f, OT_IDE_KM_KP_ACK, 0); /* the wrong acknowledgement */
  assert_ot_code(ot_ide_km_key_set_go(&f->q, 1, 0, 0x00), OT_E_UNEXPECTED);
  static const uint8_t other[] = {0x00, 0x06, 0, 0, 0x00, 0x00, 0x02, 0x01};
  answer(f, other, sizeof other);
  assert_ot_code(ot_ide_km_key_set_stop(&f->q, 1, 0, 0x00), OT_E_UNEXPECTED);
  f->s.fail = ot_status_of(OT_E_PEER_ERROR); /* an SPDM ERROR instead of an ACK */
  assert_ot_code(ot_ide_km_key_set_go(&f->q, 1, 0, 0x00), OT_E_PEER_ERROR);
}

static void test_program_stream_order(void **state) {
  fx *f = *state;
  /* Record the KeySubStream sequence with a loopback-free script: echo every request. */
  ot_ide_key_material rx[3], tx[3];
  for (int i = 0; i < 3; i++) {
    rx[i] = kt_key(1, i, 0);
    tx[i] = kt_key(2, i, 0);
  }
  echo_with(f, OT_IDE_KM_KP_ACK, 0);
  /* KP_ACK answers every KEY_PROG; the first GO then sees a KP_ACK and fails. */
  assert_ot_code(ot_ide_km_program_stream(&f->q, 0, 5, 0, rx, tx), OT_E_UNEXPECTED);
  assert_int_equal(f->s.req[1], OT_IDE_KM_K_SET_GO);
  assert_int_equal(f->s.req[6], 0x00); /* GO starts with RX PR */
  assert_ot_code(ot_ide_km_program_stream(&f->q, 0, 5, 2, rx, tx), OT_E_ARG);
  ot_zeroize(rx, sizeof rx);
  ot_zeroize(tx, sizeof tx);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_query_request_and_response), T(test_query_rejects),
      T(test_key_prog_request_bytes),     T(test_key_prog_every_failure_status),
      T(test_key_prog_checks_echo),       T(test_key_prog_transport_failure_releases_buffer),
      T(test_go_and_stop_requests),       T(test_go_checks_answer),
      T(test_program_stream_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
