/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM responder (device side): every message, every KP_ACK status and the
 * check that produces it, refusals that change nothing, the session rule,
 * and the wiping of buffers that carried keys.
 */
#include "km_testutil.h"

typedef struct dev {
  kt_port *ep;
  ot_ide_km_port port;
  ot_ide_km_responder r;
  uint8_t rsp[KT_RSP_CAP];
  size_t rsp_len;
} dev;

static int dev_setup(void **state) {
  dev *d = calloc(1, sizeof *d);
  if (!d) return -1;
  d->ep = kt_port_new(OT_PCI_HEADER_LAYOUT_TYPE0, 0x0200);
  kt_setup_stream(d->ep, KT_SID, 0x0000);
  d->port = (ot_ide_km_port){.regs = &d->ep->regs, .dev_func = 0x00, .bus = 0x02, .segment = 0};
  if (!ot_ok(ot_ide_km_responder_init(&d->r, &d->port, 1))) return -1;
  *state = d;
  return 0;
}

static int dev_teardown(void **state) {
  dev *d = *state;
  kt_port_free(d->ep);
  free(d);
  return 0;
}

static ot_status send(dev *d, bool in_session, uint8_t *req, size_t len) {
  return ot_ide_km_respond(&d->r, in_session, req, len, d->rsp, sizeof d->rsp, &d->rsp_len);
}

/* A KEY_PROG payload for (stream, kss, port) with key material km. */
static size_t key_prog(uint8_t out[static 64], uint8_t sid, uint8_t kss, uint8_t port,
                       const ot_ide_key_material *km) {
  ot_ide_km_key_prog_msg m = {.stream_id = sid, .kss = kss, .port_index = port, .km = *km};
  ot_writer w;
  ot_writer_init(&w, out, 64);
  assert_ot_ok(ot_ide_km_encode_key_prog(&w, &m));
  ot_zeroize(&m, sizeof m);
  return ot_writer_len(&w);
}

static size_t ref(uint8_t out[static 16], uint8_t object, uint8_t sid, uint8_t kss, uint8_t port) {
  ot_ide_km_ref m = {.stream_id = sid, .kss = kss, .port_index = port};
  ot_writer w;
  ot_writer_init(&w, out, 16);
  assert_ot_ok(ot_ide_km_encode_ref(&w, object, &m));
  return ot_writer_len(&w);
}

/* Sends KEY_PROG and returns the KP_ACK's status, checking the echo. */
static uint8_t prog_status(dev *d, uint8_t sid, uint8_t kss, uint8_t port) {
  ot_ide_key_material km = kt_key(1, 0, 0);
  uint8_t req[64];
  size_t n = key_prog(req, sid, kss, port, &km);
  ot_zeroize(&km, sizeof km);
  assert_ot_ok(send(d, true, req, n));
  ot_reader r;
  ot_reader_init(&r, d->rsp, d->rsp_len);
  ot_ide_km_ref ack;
  assert_ot_ok(ot_ide_km_decode_ref(&r, OT_IDE_KM_KP_ACK, &ack));
  assert_int_equal(ack.stream_id, sid);
  assert_int_equal(ack.kss, kss);
  assert_int_equal(ack.port_index, port);
  return ack.status;
}

static bool installed(dev *d, ot_ide_km_dir dir, ot_ide_substream sub, uint8_t key_set) {
  ot_ide_engine *e = dir == OT_IDE_KM_TX ? &d->ep->tx.engine : &d->ep->rx.engine;
  uint64_t next;
  return ot_ok(ot_ide_key_next_invocation(e, KT_SID, sub, key_set, &next));
}

/* ---- QUERY ------------------------------------------------------------------------------ */

static void test_query_returns_live_registers(void **state) {
  dev *d = *state;
  uint8_t req[] = {0x00, OT_IDE_KM_QUERY, 0x00, 0x00};
  assert_ot_ok(send(d, true, req, sizeof req));
  ot_reader r;
  ot_reader_init(&r, d->rsp, d->rsp_len);
  ot_ide_km_query_resp q;
  assert_ot_ok(ot_ide_km_decode_query_resp(&r, &q));
  assert_int_equal(q.port_index, 0);
  assert_int_equal(q.bus, 0x02);
  assert_int_equal(q.max_port_index, 0);
  uint32_t regs[64];
  size_t n;
  assert_ot_ok(ot_ide_regs_snapshot(&d->ep->regs, regs, 64, &n));
  assert_int_equal(q.reg_count, n);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(ot_ide_km_query_resp_reg(&q, i), regs[i]);
  uint32_t cap = ot_ide_km_query_resp_reg(&q, 0);
  assert_true(cap & OT_IDE_CAP_IDE_KM);
  assert_int_equal(OT_FIELD_GET(OT_IDE_CAP_SEL_STREAMS, cap) + 1, 2);
  /* The Selective block 0 Control register (DW 2 + 1) names our stream. */
  assert_int_equal(OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, ot_ide_km_query_resp_reg(&q, 3)), KT_SID);
}

static void test_query_errors(void **state) {
  dev *d = *state;
  uint8_t bad_port[] = {0x00, OT_IDE_KM_QUERY, 0x00, 0x01};
  assert_ot_code(send(d, true, bad_port, sizeof bad_port), OT_E_NOT_FOUND);
  assert_int_equal(d->rsp_len, 0);
  uint8_t longer[] = {0x00, OT_IDE_KM_QUERY, 0x00, 0x00, 0x00};
  assert_ot_code(send(d, true, longer, sizeof longer), OT_E_TRAILING);
  assert_ot_code(send(d, true, longer, 3), OT_E_TRUNCATED);
  uint8_t ok[] = {0x00, OT_IDE_KM_QUERY, 0x00, 0x00};
  assert_ot_code(ot_ide_km_respond(&d->r, true, ok, sizeof ok, d->rsp, 20, &d->rsp_len),
                 OT_E_NO_SPACE);
  assert_int_equal(d->rsp_len, 0);
}

/* ---- KEY_PROG and every KP_ACK status ------------------------------------------------- */

static void test_key_prog_rx_installs_into_rx_engine(void **state) {
  dev *d = *state;
  assert_int_equal(prog_status(d, KT_SID, ot_ide_km_kss(0, OT_IDE_KM_RX, OT_IDE_SUB_NPR), 0),
                   OT_IDE_KM_KP_SUCCESS);
  assert_true(installed(d, OT_IDE_KM_RX, OT_IDE_SUB_NPR, 0));
  assert_false(installed(d, OT_IDE_KM_TX, OT_IDE_SUB_NPR, 0));
  uint64_t next;
  assert_ot_ok(ot_ide_key_next_invocation(&d->ep->rx.engine, KT_SID, OT_IDE_SUB_NPR, 0, &next));
  assert_int_equal(next, 1); /* the IFV it carried */
}

static void test_key_prog_tx_installs_into_tx_engine(void **state) {
  dev *d = *state;
  assert_int_equal(prog_status(d, KT_SID, ot_ide_km_kss(1, OT_IDE_KM_TX, OT_IDE_SUB_CPL), 0),
                   OT_IDE_KM_KP_SUCCESS);
  assert_true(installed(d, OT_IDE_KM_TX, OT_IDE_SUB_CPL, 1));
  assert_false(installed(d, OT_IDE_KM_RX, OT_IDE_SUB_CPL, 1));
}

static void test_kp_ack_incorrect_length(void **state) {
  dev *d = *state;
  size_t marks = ot_secret_mark_count();
  ot_ide_key_material km = kt_key(2, 0, 0);
  uint8_t req[64];
  size_t n = key_prog(req, KT_SID, 0x10, 0, &km);
  ot_zeroize(&km, sizeof km);
  for (size_t len = 2; len <= n + 1; len++) {
    if (len == n) continue;
    uint8_t copy[64] = {0};
    memcpy(copy, req, n);
    assert_ot_ok(send(d, true, copy, len));
    ot_reader r;
    ot_reader_init(&r, d->rsp, d->rsp_len);
    ot_ide_km_ref ack;
    assert_ot_ok(ot_ide_km_decode_ref(&r, OT_IDE_KM_KP_ACK, &ack));
    assert_int_equal(ack.status, OT_IDE_KM_KP_INCORRECT_LENGTH);
    /* Echoed where the header arrived, zero where it did not. */
    assert_int_equal(ack.stream_id, len > 4 ? KT_SID : 0);
    assert_int_equal(ack.kss, len > 6 ? 0x10 : 0);
  }
  assert_int_equal(ot_secret_mark_count(), marks); /* nothing installed */
  assert_false(installed(d, OT_IDE_KM_RX, OT_IDE_SUB_NPR, 0));
}

static void test_kp_ack_unsupported_port(void **state) {
  dev *d = *state;
  assert_int_equal(prog_status(d, KT_SID, 0x00, 1), OT_IDE_KM_KP_UNSUPPORTED_PORT);
  assert_int_equal(prog_status(d, KT_SID, 0x00, 0xFF), OT_IDE_KM_KP_UNSUPPORTED_PORT);
  assert_false(installed(d, OT_IDE_KM_RX, OT_IDE_SUB_PR, 0));
}

static void test_kp_ack_unsupported_sub_stream(void **state) {
  dev *d = *state;
  assert_int_equal(prog_status(d, KT_SID, 0x30, 0), OT_IDE_KM_KP_UNSUPPORTED_VALUE);
  assert_int_equal(prog_status(d, KT_SID, 0xF2, 0), OT_IDE_KM_KP_UNSUPPORTED_VALUE);
}

static void test_kp_ack_reserved_kss_bits(void **state) {
  dev *d = *state;
  assert_int_equal(prog_status(d, KT_SID, 0x04, 0), OT_IDE_KM_KP_UNSUPPORTED_VALUE);
  assert_int_equal(prog_status(d, KT_SID, 0x0A, 0), OT_IDE_KM_KP_UNSUPPORTED_VALUE);
  assert_false(installed(d, OT_IDE_KM_TX, OT_IDE_SUB_PR, 0));
}

static void test_kp_ack_unknown_stream(void **state) {
  dev *d = *state;
  assert_int_equal(prog_status(d, KT_SID + 1, 0x00, 0), OT_IDE_KM_KP_UNSUPPORTED_VALUE);
  assert_int_equal(prog_status(d, 255, 0x00, 0), OT_IDE_KM_KP_UNSUPPORTED_VALUE);
}

static void test_kp_ack_key_set_in_use(void **state) {
  dev *d = *state;
  uint8_t kss = ot_ide_km_kss(0, OT_IDE_KM_RX, OT_IDE_SUB_PR);
  assert_int_equal(prog_status(d, KT_SID, kss, 0), OT_IDE_KM_KP_SUCCESS);
  uint8_t go[16];
  size_t n = ref(go, OT_IDE_KM_K_SET_GO, KT_SID, kss, 0);
  assert_ot_ok(send(d, true, go, n));
  /* A live key set is not overwritten; the other set is free for a refresh. */
  assert_int_equal(prog_status(d, KT_SID, kss, 0), OT_IDE_KM_KP_UNSUPPORTED_VALUE);
  assert_int_equal(prog_status(d, KT_SID, kss | 1u, 0), OT_IDE_KM_KP_SUCCESS);
}

static void test_kp_ack_unspecified_failure(void **state) {
  dev *d = *state;
  /* Fill the secret registry: the engine cannot mark the new key and refuses it. */
  static uint8_t dummies[OT_SECRET_MAX_MARKS];
  size_t filled = 0;
  while (ot_ok(ot_secret_mark(&dummies[filled], 1)))
    filled++;
  uint8_t status = prog_status(d, KT_SID, 0x00, 0);
  for (size_t i = 0; i < filled; i++)
    ot_secret_unmark(&dummies[i], 1);
  assert_int_equal(status, OT_IDE_KM_KP_UNSPECIFIED);
  assert_false(installed(d, OT_IDE_KM_RX, OT_IDE_SUB_PR, 0));
}

static void test_key_prog_request_wiped(void **state) {
  dev *d = *state;
  ot_ide_key_material km = kt_key(3, 1, 0);
  uint8_t req[64];
  size_t n = key_prog(req, KT_SID, 0x12, 0, &km);
  static const uint8_t zero[64];
  assert_ot_ok(send(d, true, req, n)); /* accepted */
  assert_memory_equal(req, zero, n);
  n = key_prog(req, KT_SID, 0x30, 0, &km);
  assert_ot_ok(send(d, true, req, n)); /* refused with a status */
  assert_memory_equal(req, zero, n);
  n = key_prog(req, KT_SID, 0x02, 0, &km);
  assert_ot_code(send(d, false, req, n), OT_E_POLICY); /* refused outside a session */
  assert_memory_equal(req, zero, n);
  /* The key is nowhere in the device's engines, registers or the response. */
  assert_false(kt_contains(&d->ep->tx, sizeof d->ep->tx, km.key, 16));
  assert_false(kt_contains(&d->ep->rx, sizeof d->ep->rx, km.key, 16));
  assert_false(kt_contains(&d->ep->cfg, sizeof d->ep->cfg, km.key, 16));
  assert_false(kt_contains(d->rsp, sizeof d->rsp, km.key, 16));
  ot_zeroize(&km, sizeof km);
}

static void test_key_prog_no_space_changes_nothing(void **state) {
  dev *d = *state;
  ot_ide_key_material km = kt_key(4, 0, 0);
  uint8_t req[64];
  size_t n = key_prog(req, KT_SID, 0x00, 0, &km);
  ot_zeroize(&km, sizeof km);
  assert_ot_code(ot_ide_km_respond(&d->r, true, req, n, d->rsp, 7, &d->rsp_len), OT_E_NO_SPACE);
  assert_false(installed(d, OT_IDE_KM_RX, OT_IDE_SUB_PR, 0));
}

/* ---- K_SET_GO / K_SET_STOP ------------------------------------------------------------- */

static void expect_gostop_ack(dev *d, uint8_t kss) {
  ot_reader r;
  ot_reader_init(&r, d->rsp, d->rsp_len);
  ot_ide_km_ref ack;
  assert_ot_ok(ot_ide_km_decode_ref(&r, OT_IDE_KM_K_GOSTOP_ACK, &ack));
  assert_int_equal(ack.stream_id, KT_SID);
  assert_int_equal(ack.kss, kss);
  assert_int_equal(ack.port_index, 0);
}

static void test_go_then_stop_zeroizes(void **state) {
  dev *d = *state;
  size_t marks = ot_secret_mark_count();
  uint8_t kss = ot_ide_km_kss(0, OT_IDE_KM_TX, OT_IDE_SUB_PR);
  assert_int_equal(prog_status(d, KT_SID, kss, 0), OT_IDE_KM_KP_SUCCESS);
  assert_int_equal(ot_secret_mark_count(), marks + 1);
  uint8_t m[16];
  size_t n = ref(m, OT_IDE_KM_K_SET_GO, KT_SID, kss, 0);
  assert_ot_ok(send(d, true, m, n));
  expect_gostop_ack(d, kss);
  n = ref(m, OT_IDE_KM_K_SET_STOP, KT_SID, kss, 0);
  assert_ot_ok(send(d, true, m, n));
  expect_gostop_ack(d, kss);
  assert_false(installed(d, OT_IDE_KM_TX, OT_IDE_SUB_PR, 0));
  assert_int_equal(ot_secret_mark_count(), marks);
  /* Stopping an empty key set is acknowledged (teardown is idempotent). */
  n = ref(m, OT_IDE_KM_K_SET_STOP, KT_SID, kss, 0);
  assert_ot_ok(send(d, true, m, n));
  expect_gostop_ack(d, kss);
}

static void test_go_errors(void **state) {
  dev *d = *state;
  uint8_t m[16];
  size_t n = ref(m, OT_IDE_KM_K_SET_GO, KT_SID, 0x00, 0);
  assert_ot_code(send(d, true, m, n), OT_E_STATE); /* nothing programmed there */
  assert_int_equal(d->rsp_len, 0);
  n = ref(m, OT_IDE_KM_K_SET_GO, KT_SID, 0x00, 1);
  assert_ot_code(send(d, true, m, n), OT_E_NOT_FOUND); /* port */
  n = ref(m, OT_IDE_KM_K_SET_GO, KT_SID + 1, 0x00, 0);
  assert_ot_code(send(d, true, m, n), OT_E_NOT_FOUND); /* stream */
  n = ref(m, OT_IDE_KM_K_SET_STOP, KT_SID, 0x30, 0);
  assert_ot_code(send(d, true, m, n), OT_E_MALFORMED); /* sub-stream */
  n = ref(m, OT_IDE_KM_K_SET_STOP, KT_SID, 0x08, 0);
  assert_ot_code(send(d, true, m, n), OT_E_MALFORMED); /* reserved bits */
  n = ref(m, OT_IDE_KM_K_SET_GO, KT_SID, 0x00, 0);
  assert_ot_code(send(d, true, m, n - 1), OT_E_TRUNCATED);
  m[n] = 0;
  assert_ot_code(send(d, true, m, n + 1), OT_E_TRAILING);
}

/* ---- dispatch and the session rule ---------------------------------------------------- */

static void test_outside_session_refused(void **state) {
  dev *d = *state;
  uint8_t kss = ot_ide_km_kss(0, OT_IDE_KM_RX, OT_IDE_SUB_PR);
  assert_int_equal(prog_status(d, KT_SID, kss, 0), OT_IDE_KM_KP_SUCCESS);
  uint8_t query[] = {0x00, OT_IDE_KM_QUERY, 0x00, 0x00};
  assert_ot_code(send(d, false, query, sizeof query), OT_E_POLICY);
  assert_int_equal(d->rsp_len, 0);
  uint8_t m[16];
  size_t n = ref(m, OT_IDE_KM_K_SET_GO, KT_SID, kss, 0);
  assert_ot_code(send(d, false, m, n), OT_E_POLICY);
  n = ref(m, OT_IDE_KM_K_SET_STOP, KT_SID, kss, 0);
  assert_ot_code(send(d, false, m, n), OT_E_POLICY);
  assert_true(installed(d, OT_IDE_KM_RX, OT_IDE_SUB_PR, 0)); /* STOP did not happen */
  ot_ide_key_material km = kt_key(5, 1, 0);
  uint8_t req[64];
  n = key_prog(req, KT_SID, 0x10, 0, &km);
  ot_zeroize(&km, sizeof km);
  assert_ot_code(send(d, false, req, n), OT_E_POLICY);
  assert_false(installed(d, OT_IDE_KM_RX, OT_IDE_SUB_NPR, 0));
}

static void test_bad_objects(void **state) {
  dev *d = *state;
  uint8_t unknown[] = {0x00, 0x07, 0, 0, 0, 0, 0, 0};
  assert_ot_code(send(d, true, unknown, sizeof unknown), OT_E_UNSUPPORTED);
  uint8_t ack[] = {0x00, OT_IDE_KM_KP_ACK, 0, 0, 0, 0, 0, 0};
  assert_ot_code(send(d, true, ack, sizeof ack), OT_E_UNEXPECTED);
  uint8_t resp[] = {0x00, OT_IDE_KM_QUERY_RESP, 0, 0, 0, 0, 0, 0};
  assert_ot_code(send(d, true, resp, sizeof resp), OT_E_UNEXPECTED);
  uint8_t tdisp[] = {0x01, 0x00, 0x00, 0x00};
  assert_ot_code(send(d, true, tdisp, sizeof tdisp), OT_E_UNSUPPORTED);
  assert_ot_code(send(d, true, tdisp, 1), OT_E_TRUNCATED);
  assert_ot_code(send(d, true, NULL, 0), OT_E_TRUNCATED);
  assert_int_equal(d->rsp_len, 0);
}

static void test_init_rejects(void **state) {
  dev *d = *state;
  ot_ide_km_responder r;
  ot_ide_km_port none = {0};
  assert_ot_code(ot_ide_km_responder_init(&r, &d->port, 0), OT_E_ARG);
  assert_ot_code(ot_ide_km_responder_init(&r, &d->port, 257), OT_E_ARG);
  assert_ot_code(ot_ide_km_responder_init(&r, &none, 1), OT_E_ARG);
  assert_ot_code(ot_ide_km_responder_init(&r, NULL, 1), OT_E_ARG);
}

#define T(f) cmocka_unit_test_setup_teardown(f, dev_setup, dev_teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_query_returns_live_registers),
      T(test_query_errors),
      T(test_key_prog_rx_installs_into_rx_engine),
      T(test_key_prog_tx_installs_into_tx_engine),
      T(test_kp_ack_incorrect_length),
      T(test_kp_ack_unsupported_port),
      T(test_kp_ack_unsupported_sub_stream),
      T(test_kp_ack_reserved_kss_bits),
      T(test_kp_ack_unknown_stream),
      T(test_kp_ack_key_set_in_use),
      T(test_kp_ack_unspecified_failure),
      T(test_key_prog_request_wiped),
      T(test_key_prog_no_space_changes_nothing),
      T(test_go_then_stop_zeroizes),
      T(test_go_errors),
      T(test_outside_session_refused),
      T(test_bad_objects),
      T(test_init_rejects),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
