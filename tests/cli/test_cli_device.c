/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `opentsm device` as spdm_requester_emu's TSM flow meets it (docs/interop.md,
 * "DMTF's requester against opentsm device"): our requester drives the
 * device's DOE responder in process with the IDE_KM and TDISP bytes
 * spdm_requester_emu sends (PortIndex 1, Stream ID 0, Function ID 0xBEEF).
 */
#include "cli_util.h"
#include "testsupport.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEYS OT_SOURCE_DIR "/tests/vectors/spdm-emu/sample_key"

typedef struct bed {
  cli_device *d;
  ot_drbg drbg;
  ot_x509_cert anchor;
  ot_spdm_doe_loopback loop;
  ot_spdm_requester_config qcfg;
  ot_spdm_requester req;
  uint32_t sid;
} bed;

static bed *bed_new(unsigned ports, uint32_t tdi) {
  bed *b = calloc(1, sizeof(*b));
  assert_non_null(b);
  b->d = calloc(1, sizeof(*b->d));
  assert_non_null(b->d);
  cli_device_opts o = {.identity = CLI_ID_SAMPLE_P384,
                       .key_dir = KEYS,
                       .has_seed = true,
                       .seed = 7,
                       .ports = ports,
                       .tdi_function = tdi};
  const char *what = "";
  assert_ot_ok(cli_device_init(b->d, &o, &what));
  uint8_t e[48];
  memset(e, 0x3c, sizeof(e));
  assert_ot_ok(ot_drbg_instantiate(&b->drbg, e, 32, e + 32, 16, NULL, 0));
  assert_ot_ok(ot_spdm_identity_root(&b->d->id, 0, &b->anchor));
  ot_spdm_doe_loopback_init(&b->loop, cli_device_doe(b->d));
  ot_spdm_requester_config_default(&b->qcfg, &b->drbg.rng, ot_clock_real());
  b->qcfg.versions = OT_SPDM_VMASK_12;
  b->qcfg.anchors = &b->anchor;
  b->qcfg.anchor_count = 1;
  b->qcfg.now = time(NULL);
  assert_ot_ok(ot_spdm_requester_init(&b->req, &b->qcfg, &b->loop.base));
  uint8_t mask, chain[OT_SPDM_LARGE_MAX];
  size_t chain_len;
  assert_ot_ok(ot_spdm_requester_connect(&b->req));
  assert_ot_ok(ot_spdm_requester_get_digests(&b->req, &mask));
  assert_ot_ok(
      ot_spdm_requester_get_certificate(&b->req, 0, 0, chain, sizeof(chain), &chain_len));
  assert_ot_ok(ot_spdm_requester_start_session(&b->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &b->sid));
  return b;
}

static void bed_free(bed *b) {
  ot_spdm_requester_free(&b->req);
  cli_device_free(b->d);
  ot_drbg_uninstantiate(&b->drbg);
  free(b->d);
  free(b);
}

/* One IDE_KM object (after the Protocol ID) in the session. */
static ot_status km(bed *b, const uint8_t *req, size_t len, uint8_t *rsp, size_t cap, size_t *n) {
  return ot_spdm_requester_vdm(&b->req, b->sid, OT_SPDM_REGISTRY_PCISIG, 0x0001, 0x00, req, len,
                               rsp, cap, n);
}

/* KEY_PROG (StreamID 0, KeySubStream kss, PortIndex port), IFV 1 as spdm-emu. */
static void key_prog(bed *b, uint8_t kss, uint8_t port, uint8_t want_status) {
  uint8_t q[47] = {0x02, 0x00, 0x00, 0x00, 0x00, kss, port};
  memset(q + 7, 0xa5 ^ kss, 32);
  q[7 + 32 + 4] = 0x01;
  uint8_t a[16];
  size_t n = 0;
  assert_ot_ok(km(b, q, sizeof(q), a, sizeof(a), &n));
  const uint8_t want[] = {0x03, 0x00, 0x00, 0x00, want_status, kss, port};
  assert_int_equal(n, sizeof(want));
  assert_memory_equal(a, want, sizeof(want));
}

static void key_set(bed *b, uint8_t object, uint8_t kss, uint8_t port) {
  const uint8_t q[] = {object, 0x00, 0x00, 0x00, 0x00, kss, port};
  uint8_t a[16];
  size_t n = 0;
  assert_ot_ok(km(b, q, sizeof(q), a, sizeof(a), &n));
  const uint8_t want[] = {0x06, 0x00, 0x00, 0x00, 0x00, kss, port};
  assert_int_equal(n, sizeof(want));
  assert_memory_equal(a, want, sizeof(want));
}

static const uint8_t kss_order[6] = {0x00, 0x10, 0x20, 0x02, 0x12, 0x22};

static bool stream0_secure(bed *b) {
  ot_tdisp_device_ops *ops = &b->d->dsm.ops.base;
  return ops->stream_secure(ops, 0);
}

/*
 * IDE_KM ports (PCIe r6.0 §6.33.3): spdm_requester_emu queries and keys
 * PortIndex 1; the device had port 0 only and answered ERROR. Now 8 ports by
 * default (MaxPortIndex 7 as spdm_responder_emu), each its own function and
 * IDE capability; PortIndex 8 is refused.
 */
static void test_ports_as_requester_emu(void **s) {
  (void)s;
  bed *b = bed_new(8, 0xBEEF);
  uint8_t a[OT_IDE_KM_RSP_MAX];
  size_t n = 0;
  static const uint8_t query1[] = {0x00, 0x00, 0x01};
  assert_ot_ok(km(b, query1, sizeof(query1), a, sizeof(a), &n));
  /* QUERY_RESP: PortIndex 1, DevFuncNum 01h (function 01:00.1), BusNum 01h,
   * Segment 0, MaxPortIndex 7, then the port's IDE registers. */
  static const uint8_t want1[] = {0x01, 0x00, 0x01, 0x01, 0x01, 0x00, 0x07};
  assert_true(n > sizeof(want1));
  assert_memory_equal(a, want1, sizeof(want1));
  static const uint8_t query7[] = {0x00, 0x00, 0x07};
  assert_ot_ok(km(b, query7, sizeof(query7), a, sizeof(a), &n));
  static const uint8_t want7[] = {0x01, 0x00, 0x07, 0x07, 0x01, 0x00, 0x07};
  assert_memory_equal(a, want7, sizeof(want7));
  /* PortIndex 8: ERROR InvalidRequest, the session goes on. */
  static const uint8_t query8[] = {0x00, 0x00, 0x08};
  assert_true(ot_is(km(b, query8, sizeof(query8), a, sizeof(a), &n), OT_E_MALFORMED));
  /* KEY_PROG to PortIndex 8: KP_ACK 02h Unsupported Port Index. */
  key_prog(b, 0x00, 0x08, 0x02);

  /* spdm_requester_emu's order: KEY_PROG then K_SET_GO per sub-stream. */
  assert_false(stream0_secure(b));
  for (size_t i = 0; i < 6; i++) {
    key_prog(b, kss_order[i], 0x01, 0x00);
    key_set(b, 0x04, kss_order[i], 0x01);
  }
  /* Port 1's stream 0 is Secure; port 0 has no keys. */
  assert_true(stream0_secure(b));
  ot_ide_state st_tx = OT_IDE_INSECURE;
  ot_ide_error e;
  assert_ot_ok(ot_ide_stream_state(&b->d->ports[0].tx.engine, 0, &st_tx, &e));
  assert_int_equal(st_tx, OT_IDE_SECURE);
  assert_false(ot_ok(ot_ide_stream_state(&b->d->dsm.ide_tx.engine, 0, &st_tx, &e)) &&
               st_tx == OT_IDE_SECURE);
  for (size_t i = 0; i < 6; i++)
    key_set(b, 0x05, kss_order[i], 0x01);
  assert_false(stream0_secure(b));
  assert_ot_ok(ot_spdm_requester_end_session(&b->req, b->sid));
  bed_free(b);
}

/* --ports 1: MaxPortIndex 0, PortIndex 1 refused. */
static void test_one_port(void **s) {
  (void)s;
  bed *b = bed_new(1, 0);
  uint8_t a[OT_IDE_KM_RSP_MAX];
  size_t n = 0;
  static const uint8_t query0[] = {0x00, 0x00, 0x00}, query1[] = {0x00, 0x00, 0x01};
  assert_ot_ok(km(b, query0, sizeof(query0), a, sizeof(a), &n));
  static const uint8_t want0[] = {0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};
  assert_memory_equal(a, want0, sizeof(want0));
  assert_true(ot_is(km(b, query1, sizeof(query1), a, sizeof(a), &n), OT_E_MALFORMED));
  bed_free(b);
}

/*
 * HeartbeatPeriod (DSP0274 §10.12 KEY_EXCHANGE_RSP Param1): the device sent
 * 0 and libspdm's requester does not send HEARTBEAT in such a session
 * (INVALID_STATE_LOCAL). Now 240 s, as spdm_responder_emu.
 */
static void test_heartbeat_period(void **s) {
  (void)s;
  bed *b = bed_new(0, 0);
  const ot_spdm_req_session *rs = NULL;
  for (size_t i = 0; i < OT_SPDM_REQ_MAX_SESSIONS; i++)
    if (b->req.sessions[i].used) rs = &b->req.sessions[i];
  assert_non_null(rs);
  assert_int_equal(rs->heartbeat_period, 0xF0);
  assert_ot_ok(ot_spdm_requester_heartbeat(&b->req, b->sid));
  assert_ot_ok(ot_spdm_requester_key_update(&b->req, b->sid, true));
  assert_ot_ok(ot_spdm_requester_key_update(&b->req, b->sid, false));
  assert_ot_ok(ot_spdm_requester_heartbeat(&b->req, b->sid));
  bed_free(b);
}

/* --tdi: spdm_requester_emu's TDISP requests name Function ID 0xBEEF. */
static void test_tdi_function(void **s) {
  (void)s;
  bed *b = bed_new(0, 0xBEEF);
  /* GET_TDISP_VERSION, INTERFACE_ID 0000BEEFh (PCIe r6.0 §11.3.1). */
  static const uint8_t q[] = {0x10, 0x81, 0x00, 0x00, 0xef, 0xbe, 0x00, 0x00,
                              0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  uint8_t a[64];
  size_t n = 0;
  assert_ot_ok(ot_spdm_requester_vdm(&b->req, b->sid, OT_SPDM_REGISTRY_PCISIG, 0x0001, 0x01, q,
                                     sizeof(q), a, sizeof(a), &n));
  /* TDISP_VERSION for 0000BEEFh: VersionNumEntryCount 1, version 1.0. */
  static const uint8_t want[] = {0x10, 0x01, 0x00, 0x00, 0xef, 0xbe, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x10};
  assert_int_equal(n, sizeof(want));
  assert_memory_equal(a, want, sizeof(want));
  bed_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ports_as_requester_emu),
      cmocka_unit_test(test_one_port),
      cmocka_unit_test(test_heartbeat_period),
      cmocka_unit_test(test_tdi_function),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
