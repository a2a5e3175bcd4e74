/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Divergences from DMTF's spdm_requester_emu found live against our responder
 * (docs/interop.md, "DMTF's requester against opentsm device"). The requests
 * are the exact bytes spdm_requester_emu sent (SPDM 1.3, SHA-384/P-384).
 */
#include "spdm_rig.h"

/* GET_VERSION, GET_CAPABILITIES, NEGOTIATE_ALGORITHMS as sent by
 * spdm_requester_emu --ver 1.3 --hash SHA_384 --asym ECDSA_P384 --dhe SECP_384_R1. */
static const uint8_t get_version[] = {0x10, 0x84, 0x00, 0x00};
static const uint8_t get_caps_13[] = {0x13, 0xe1, 0x00, 0x00, 0x00, 0x00, 0x00,
                                      0x00, 0xc6, 0xf7, 0x82, 0x08, 0x00, 0x12,
                                      0x00, 0x00, 0x00, 0x80, 0x02, 0x00};
static const uint8_t neg_algs_13[] = {
    0x13, 0xe3, 0x04, 0x00, 0x30, 0x00, 0x01, 0x02, 0x80, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x02, 0x20, 0x10, 0x00, 0x03, 0x20, 0x06, 0x00, 0x04, 0x20, 0x0f, 0x00, 0x05, 0x20, 0x01, 0x00};
/* GET_CERTIFICATE slot 0, offset 0, length 0xFFFF. */
static const uint8_t get_cert_13[] = {0x13, 0x82, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff};

/* The same at --ver 1.2, and its GET_MEASUREMENTS: TotalNum unsigned
 * (--meas_op ONE_BY_ONE starts so) and All signed (--meas_op ALL). */
static const uint8_t get_caps_12[] = {0x12, 0xe1, 0x00, 0x00, 0x00, 0x00, 0x00,
                                      0x00, 0xc6, 0xf7, 0x02, 0x00, 0x00, 0x12,
                                      0x00, 0x00, 0x00, 0x80, 0x02, 0x00};
static const uint8_t neg_algs_12[] = {
    0x12, 0xe3, 0x04, 0x00, 0x30, 0x00, 0x01, 0x02, 0x80, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x20, 0x10, 0x00, 0x03, 0x20, 0x06, 0x00, 0x04, 0x20, 0x0f, 0x00, 0x05, 0x20, 0x01, 0x00};
static const uint8_t get_meas_count_12[] = {0x12, 0xe0, 0x00, 0x00};
static const uint8_t get_meas_all_signed_12[] = {
    0x12, 0xe0, 0x01, 0xff, 0x29, 0x49, 0x93, 0x23, 0x04, 0x95, 0x70, 0x3e, 0x2e,
    0x65, 0x8d, 0xc7, 0xdb, 0x15, 0x04, 0x29, 0x08, 0x52, 0x63, 0x99, 0x15, 0x88,
    0x32, 0x77, 0x17, 0x45, 0x9a, 0xf9, 0xb7, 0x99, 0xd2, 0x1c, 0x00};

static uint8_t out[OT_SPDM_LARGE_MAX + 64];

static size_t send_req(rig *g, const uint8_t *req, size_t len) {
  size_t n = 0;
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, req, len, out, sizeof(out), &n));
  assert_true(n >= 4);
  return n;
}

/* VCA with the requester's bytes; other_params replaces OtherParamsSupport. */
static void vca(rig *g, uint8_t other_params) {
  uint8_t algs[sizeof(neg_algs_13)];
  memcpy(algs, neg_algs_13, sizeof(algs));
  algs[7] = other_params;
  send_req(g, get_version, sizeof(get_version));
  assert_int_equal(out[1], OT_SPDM_VERSION);
  send_req(g, get_caps_13, sizeof(get_caps_13));
  assert_int_equal(out[1], OT_SPDM_CAPABILITIES);
  send_req(g, algs, sizeof(algs));
  assert_int_equal(out[1], OT_SPDM_ALGORITHMS);
}

/*
 * CERTIFICATE Param2 (CertificateInfo) at 1.3 without MULTI_KEY_CONN_RSP:
 * reserved, so 0 (DSP0274 1.3 §10.7). We sent the slot's CertModel (01h,
 * DeviceCert) and libspdm's requester refused the response with
 * INVALID_MSG_FIELD before any session.
 */
static void test_certificate_info_reserved_without_multi_key(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13, false, false,
                               61});
  vca(g, 0x02); /* OPAQUE_FMT_1 only */
  size_t n = send_req(g, get_cert_13, sizeof(get_cert_13));
  static const uint8_t want[] = {0x13, 0x02, 0x00, 0x00};
  assert_memory_equal(out, want, sizeof(want));
  assert_true(n > 8);
  rig_free(g);
}

/* With MULTI_KEY_CONN negotiated, Param2 carries the slot's CertModel. */
static void test_certificate_info_with_multi_key(void **s) {
  (void)s;
  rig *g =
      rig_new(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13, false, true, 62});
  vca(g, 0x02 | OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN);
  assert_true(g->rsp.neg.multi_key_conn);
  send_req(g, get_cert_13, sizeof(get_cert_13));
  static const uint8_t want[] = {0x13, 0x02, 0x00, OT_SPDM_CERT_MODEL_DEVICE};
  assert_memory_equal(out, want, sizeof(want));
  rig_free(g);
}

/* Our own requester takes the reserved Param2 at 1.3 and still authenticates. */
static void test_own_requester_accepts_reserved_info(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_13, false, false, 63});
  rig_authenticate(g, 0);
  assert_int_equal(g->req.slots[0].cert_info, 0);
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL));
  rig_free(g);
}

/* A protocol handler that refuses every message as naming what is not there
 * (an IDE_KM QUERY for a PortIndex above MaxPortIndex answers so). */
static ot_status refuse_handle(ot_spdm_vdm_handler *h, uint32_t sid, const uint8_t *req,
                               size_t len, uint8_t *rsp, size_t cap, size_t *rsp_len) {
  (void)h, (void)sid, (void)req, (void)len, (void)rsp, (void)cap, (void)rsp_len;
  return ot_status_of(OT_E_NOT_FOUND);
}

/*
 * VENDOR_DEFINED_REQUEST errors inside a session: a refused protocol message
 * is InvalidRequest (was Unspecified), an unknown VendorID (CXL, 1E98h, as
 * spdm_requester_emu's CXL IDE_KM QUERY) is UnsupportedRequest; neither ends
 * the session (DSP0274 1.3 "ERROR response message").
 */
static void test_vendor_defined_errors_keep_session(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_12, false, false, 64});
  ot_spdm_vdm_handler refuse = {.standard_id = OT_SPDM_REGISTRY_PCISIG,
                                .vendor_id = 0x0001,
                                .protocol_id = 0x00,
                                .handle = refuse_handle};
  g->rcfg.vdm[g->rcfg.vdm_count++] = &refuse;
  ot_spdm_responder_free(&g->rsp);
  assert_ot_ok(ot_spdm_responder_init(&g->rsp, &g->rcfg));
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  static const uint8_t query_port8[] = {0x00, 0x00, 0x08}; /* IDE_KM QUERY PortIndex 8 */
  static const uint8_t cxl_query[] = {0x00, 0x00, 0x00};   /* CXL IDE_KM QUERY port 0 */
  uint8_t back[64];
  size_t n;
  ot_status st = ot_spdm_requester_vdm(&g->req, sid, OT_SPDM_REGISTRY_PCISIG, 0x0001, 0x00,
                                       query_port8, sizeof(query_port8), back, sizeof(back), &n);
  assert_true(ot_is(st, OT_E_MALFORMED)); /* ERROR InvalidRequest */
  st = ot_spdm_requester_vdm(&g->req, sid, OT_SPDM_REGISTRY_PCISIG, 0x1E98, 0x00, cxl_query,
                             sizeof(cxl_query), back, sizeof(back), &n);
  assert_true(ot_is(st, OT_E_UNSUPPORTED)); /* ERROR UnsupportedRequest */
  /* The session goes on. */
  static const uint8_t body[3] = {1, 2, 3};
  assert_ot_ok(ot_spdm_requester_vdm(&g->req, sid, OT_SPDM_REGISTRY_PCISIG, 0x0001, 0x7f, body,
                                     sizeof(body), back, sizeof(back), &n));
  assert_int_equal(n, 3);
  assert_int_equal(back[0], 0xfe);
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, true));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  rig_free(g);
}

/*
 * MEASUREMENTS Param2 MeasurementsContentChanged (bits 5:4) belongs to the
 * signed response; an unsigned one carries 00b (DSP0274 1.2 §10.11). We
 * sent 20h (NoChange) in the unsigned TotalNum answer and libspdm refused
 * it (INVALID_MSG_FIELD) with --meas_op ONE_BY_ONE.
 */
static void test_measurements_content_changed_only_signed(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13, false, false,
                               65});
  send_req(g, get_version, sizeof(get_version));
  send_req(g, get_caps_12, sizeof(get_caps_12));
  assert_int_equal(out[1], OT_SPDM_CAPABILITIES);
  send_req(g, neg_algs_12, sizeof(neg_algs_12));
  assert_int_equal(out[1], OT_SPDM_ALGORITHMS);
  size_t n = send_req(g, get_meas_count_12, sizeof(get_meas_count_12));
  /* 12 60 | Param1 = TotalMeasIndices | Param2 = 00 | NumberOfBlocks 0 | length 0 */
  const uint8_t want_count[] = {0x12, 0x60, (uint8_t)g->id.meas_count, 0x00, 0x00, 0x00, 0x00, 0x00};
  assert_true(n > sizeof(want_count));
  assert_memory_equal(out, want_count, sizeof(want_count));
  send_req(g, get_meas_all_signed_12, sizeof(get_meas_all_signed_12));
  /* Signed: Param2 = ContentChanged 10b (no change) | SlotID 0. */
  const uint8_t want_all[] = {0x12, 0x60, 0x00, 0x20, (uint8_t)g->id.meas_count};
  assert_memory_equal(out, want_all, sizeof(want_all));
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_certificate_info_reserved_without_multi_key),
      cmocka_unit_test(test_certificate_info_with_multi_key),
      cmocka_unit_test(test_own_requester_accepts_reserved_info),
      cmocka_unit_test(test_vendor_defined_errors_keep_session),
      cmocka_unit_test(test_measurements_content_changed_only_signed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
