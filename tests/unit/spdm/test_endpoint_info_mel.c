/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET_ENDPOINT_INFO and GET_MEASUREMENT_EXTENSION_LOG (DSP0274 1.3 §10.23,
 * §10.24) between the in-process requester and responder: signed and
 * unsigned endpoint info, in the clear and in a session (with the handshake
 * in the clear), the MEL in portions, and the responder's refusals.
 */
#include "spdm_rig.h"

typedef struct ep_rig {
  rig *g;
  uint8_t ep[32], mel[1024];
  size_t ep_len, mel_len;
} ep_rig;

/* A 1.3 (or `versions`) rig whose responder offers EP_INFO (10b) and MEL. */
static void ep_rig_new(ep_rig *e, uint8_t versions, bool in_clear) {
  rig_opts o = {.curve = OT_CURVE_P256, .versions = versions, .in_clear = in_clear, .seed = 9};
  e->g = rig_new(&o);
  assert_ot_ok(ot_spdm_ep_info_pci(0x1b36, 0x0010, 0x1100, e->ep, sizeof(e->ep), &e->ep_len));
  assert_int_equal(e->ep_len, 16);
  assert_ot_ok(ot_spdm_identity_mel(&e->g->id, e->mel, sizeof(e->mel), &e->mel_len));
  e->g->rcfg.ep_info = e->ep;
  e->g->rcfg.ep_info_len = e->ep_len;
  e->g->rcfg.mel = e->mel;
  e->g->rcfg.mel_len = e->mel_len;
  e->g->rcfg.caps |= OT_SPDM_CAP_EP_INFO_SIG | OT_SPDM_CAP_MEL;
}

static void test_endpoint_info_signed_and_unsigned(void **state) {
  (void)state;
  ep_rig e;
  ep_rig_new(&e, OT_SPDM_VMASK_13, false);
  rig_authenticate(e.g, 0);
  uint8_t out[64];
  size_t n = 0;
  assert_ot_ok(ot_spdm_requester_get_endpoint_info(&e.g->req, 0, true, 0, out, sizeof out, &n));
  assert_int_equal(n, e.ep_len);
  assert_memory_equal(out, e.ep, n);
  assert_ot_ok(ot_spdm_requester_get_endpoint_info(&e.g->req, 0, false, 0, out, sizeof out, &n));
  assert_memory_equal(out, e.ep, n);
  /* The MEL of the identity, whole, and MELspecification DMTF agreed. */
  uint8_t mel[1024];
  assert_int_equal(e.g->req.neg.mel_spec, OT_SPDM_MEL_SPEC_DMTF);
  assert_ot_ok(ot_spdm_requester_get_mel(&e.g->req, 0, mel, sizeof mel, &n));
  assert_int_equal(n, e.mel_len);
  assert_memory_equal(mel, e.mel, n);
  uint32_t entries = 0;
  assert_ot_ok(ot_spdm_mel_check(mel, n, &entries));
  assert_int_equal(entries, e.g->id.meas_count);
  rig_free(e.g);
}

static void test_in_session_with_handshake_in_the_clear(void **state) {
  (void)state;
  ep_rig e;
  ep_rig_new(&e, OT_SPDM_VMASK_13, true);
  rig_authenticate(e.g, 0);
  uint32_t sid = 0;
  assert_ot_ok(ot_spdm_requester_start_session(&e.g->req, 0, 0, &sid));
  assert_true(e.g->req.sessions[0].in_clear || e.g->req.sessions[1].in_clear);
  uint8_t out[1024];
  size_t n = 0;
  assert_ot_ok(ot_spdm_requester_get_endpoint_info(&e.g->req, sid, true, 0, out, sizeof out, &n));
  assert_memory_equal(out, e.ep, n);
  assert_ot_ok(ot_spdm_requester_get_mel(&e.g->req, sid, out, sizeof out, &n));
  assert_memory_equal(out, e.mel, n);
  assert_ot_ok(ot_spdm_requester_end_session(&e.g->req, sid));
  rig_free(e.g);
}

/* A requester DataTransferSize of 64 bytes: the MEL comes in portions of at
 * most 52 bytes, each asked for at the next offset. */
static void test_mel_in_portions(void **state) {
  (void)state;
  ep_rig e;
  ep_rig_new(&e, OT_SPDM_VMASK_13, false);
  e.g->qcfg.data_transfer_size = 64;
  rig_authenticate(e.g, 0);
  size_t before = e.g->loop.exchanges, n = 0;
  uint8_t out[1024];
  assert_ot_ok(ot_spdm_requester_get_mel(&e.g->req, 0, out, sizeof out, &n));
  assert_memory_equal(out, e.mel, n);
  assert_true(e.g->loop.exchanges - before >= (e.mel_len + 51) / 52);
  /* Too small a buffer: refused, nothing written past it. */
  assert_ot_code(ot_spdm_requester_get_mel(&e.g->req, 0, out, 20, &n), OT_E_NO_SPACE);
  rig_free(e.g);
}

/* One raw request straight to the responder; returns the response length. */
static size_t raw(rig *g, const uint8_t *req, size_t len, uint8_t *rsp) {
  size_t n = 0;
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, req, len, rsp, 4096, &n));
  return n;
}

static void test_responder_refusals(void **state) {
  (void)state;
  ep_rig e;
  ep_rig_new(&e, OT_SPDM_VMASK_13, false);
  rig_authenticate(e.g, 0);
  uint8_t rsp[4096], req[40] = {0x13, 0x87, 0x01, 0x05, 0x01};
  /* Signed by slot 5, which holds nothing: InvalidRequest (§10.23 SlotID). */
  size_t n = raw(e.g, req, sizeof req, rsp);
  assert_int_equal(n, 4);
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  /* SubCode 2 is not defined: InvalidRequest. */
  uint8_t sub2[8] = {0x13, 0x87, 0x02, 0x00, 0x00};
  n = raw(e.g, sub2, sizeof sub2, rsp);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  /* Unsigned, whole: ENDPOINT_INFO of 4 + 4 + 4 + 16 bytes. */
  uint8_t plain[8] = {0x13, 0x87, 0x01, 0x00, 0x00};
  n = raw(e.g, plain, sizeof plain, rsp);
  assert_int_equal(n, 12 + e.ep_len);
  assert_int_equal(rsp[1], OT_SPDM_ENDPOINT_INFO);
  assert_memory_equal(rsp + 12, e.ep, e.ep_len);
  /* GET_MEASUREMENT_EXTENSION_LOG at an Offset past the MEL: InvalidRequest. */
  uint8_t past[12] = {0x13, 0xef, 0, 0};
  ot_store_u32le(past + 4, (uint32_t)e.mel_len);
  ot_store_u32le(past + 8, 16);
  n = raw(e.g, past, sizeof past, rsp);
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  /* At the last byte: a one-byte portion, remainder 0. */
  ot_store_u32le(past + 4, (uint32_t)e.mel_len - 1);
  n = raw(e.g, past, sizeof past, rsp);
  assert_int_equal(n, 13);
  assert_int_equal(rsp[1], OT_SPDM_MEASUREMENT_EXTENSION_LOG);
  assert_int_equal(ot_load_u32le(rsp + 4), 1);
  assert_int_equal(ot_load_u32le(rsp + 8), 0);
  rig_free(e.g);
}

/* On a 1.2 connection neither request exists: the requester does not send
 * it, and the responder answers UnsupportedRequest (as libspdm does). */
static void test_not_in_12(void **state) {
  (void)state;
  ep_rig e;
  ep_rig_new(&e, OT_SPDM_VMASK_12, false);
  rig_authenticate(e.g, 0);
  uint8_t out[64], rsp[64];
  size_t n;
  assert_ot_code(ot_spdm_requester_get_endpoint_info(&e.g->req, 0, false, 0, out, sizeof out, &n),
                 OT_E_UNSUPPORTED);
  /* The 1.3 flags are reserved in a 1.2 CAPABILITIES (they were sent). */
  assert_int_equal(e.g->req.rsp_caps & (OT_SPDM_CAP_EP_INFO_MASK | OT_SPDM_CAP_MEL), 0);
  uint8_t req[8] = {0x12, 0x87, 0x01, 0x00, 0x00};
  n = raw(e.g, req, sizeof req, rsp);
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_UNSUPPORTED_REQUEST);
  assert_int_equal(rsp[3], OT_SPDM_GET_ENDPOINT_INFO);
  rig_free(e.g);
}

/* Without EP_INFO_CAP / MEL_CAP the requester sends nothing. */
static void test_requester_needs_the_capabilities(void **state) {
  (void)state;
  rig_opts o = {.curve = OT_CURVE_P256, .versions = OT_SPDM_VMASK_13, .seed = 3};
  rig *g = rig_new(&o);
  rig_authenticate(g, 0);
  uint8_t out[64];
  size_t n, before = g->loop.exchanges;
  assert_ot_code(ot_spdm_requester_get_endpoint_info(&g->req, 0, true, 0, out, sizeof out, &n),
                 OT_E_UNSUPPORTED);
  assert_ot_code(ot_spdm_requester_get_mel(&g->req, 0, out, sizeof out, &n), OT_E_UNSUPPORTED);
  assert_int_equal(g->loop.exchanges, before);
  assert_int_equal(g->req.neg.mel_spec, 0);
  rig_free(g);
}

/* A responder that promises EP_INFO or MEL without the data is refused. */
static void test_config_needs_the_data(void **state) {
  (void)state;
  ot_spdm_identity id;
  ot_spdm_identity_init(&id);
  ot_drbg d;
  rig_drbg(&d, 1);
  ot_spdm_responder_config cfg;
  ot_spdm_responder_config_default(&cfg, &id, &d.rng);
  ot_spdm_responder r;
  cfg.caps |= OT_SPDM_CAP_EP_INFO_SIG;
  assert_ot_code(ot_spdm_responder_init(&r, &cfg), OT_E_ARG);
  uint8_t bad[5] = {1, 0, 0, 0, 9}; /* one identifier, running past the end */
  cfg.ep_info = bad;
  cfg.ep_info_len = sizeof bad;
  assert_ot_code(ot_spdm_responder_init(&r, &cfg), OT_E_ARG);
  cfg.caps &= ~(uint32_t)OT_SPDM_CAP_EP_INFO_MASK;
  cfg.caps |= OT_SPDM_CAP_MEL;
  assert_ot_code(ot_spdm_responder_init(&r, &cfg), OT_E_ARG);
  ot_drbg_uninstantiate(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_endpoint_info_signed_and_unsigned),
      cmocka_unit_test(test_in_session_with_handshake_in_the_clear),
      cmocka_unit_test(test_mel_in_portions),
      cmocka_unit_test(test_responder_refusals),
      cmocka_unit_test(test_not_in_12),
      cmocka_unit_test(test_requester_needs_the_capabilities),
      cmocka_unit_test(test_config_needs_the_data),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
