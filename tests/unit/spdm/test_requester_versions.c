/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester <-> responder in one process at SPDM 1.0, 1.1 and 1.4 (1.2 and 1.3
 * are test_requester.c's): the version each side picks, what each version
 * allows (no sessions in 1.0, sessions without the 1.2 OtherParams in 1.1, the
 * 1.4 large forms), signatures without the 1.2 prefix below 1.2, and the
 * helpers behind `--versions` / `--ver`.
 */
#include "spdm_rig.h"

/* A rig whose requester accepts every version (the library's default minimum
 * is 1.2). */
static rig *rig_any(const rig_opts *o) {
  rig *g = rig_new(o);
  g->qcfg.min_version = OT_SPDM_VERSION_10;
  return g;
}

/* Authentication: chain, CHALLENGE with a measurement summary, measurements
 * unsigned and signed (DSP0274 1.0 .. 1.4 "CHALLENGE", "GET_MEASUREMENTS"). */
static void authenticate_and_measure(rig *g, uint8_t version) {
  rig_authenticate(g, 300);
  assert_int_equal(g->req.neg.version, version);
  assert_int_equal(g->rsp.neg.version, version);
  uint8_t summary[OT_HASH_MAX_SIZE];
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_ALL, summary));
  uint8_t rec[4096];
  ot_spdm_meas_result res;
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_COUNT, false, 0, rec,
                                                  sizeof(rec), &res));
  assert_int_equal(res.total, 8);
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_ALL, true, 0, rec,
                                                  sizeof(rec), &res));
  assert_int_equal(res.block_count, 8);
  assert_true(res.signature_verified);
  /* Twice: L1 starts again after a signed response. */
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, 1, false, 0, rec, sizeof(rec), &res));
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, 2, true, 0, rec, sizeof(rec), &res));
  assert_true(res.signature_verified);
}

static void session_flow(rig *g) {
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_TCB, &sid));
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, false));
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, true));
  uint8_t body[300], back[320];
  for (size_t i = 0; i < sizeof body; i++)
    body[i] = (uint8_t)i;
  size_t n;
  assert_ot_ok(ot_spdm_requester_vdm(&g->req, sid, OT_SPDM_REGISTRY_PCISIG, 1, 0x7f, body,
                                     sizeof(body), back, sizeof(back), &n));
  assert_int_equal(n, sizeof body);
  assert_int_equal(back[5], (uint8_t)(5 ^ 0xff));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
}

static void test_flow_10(void **s) {
  (void)s;
  rig *g = rig_any(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_10, false, false, 21});
  authenticate_and_measure(g, OT_SPDM_VERSION_10);
  /* DSP0274 1.0 has no sessions: CAPABILITIES carries no KEY_EX_CAP. */
  assert_int_equal(g->req.rsp_caps & OT_SPDM_CAP_KEY_EX, 0);
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&g->req, 0, 0, &sid), OT_E_UNSUPPORTED);
  rig_free(g);
}

static void test_flow_11_p256(void **s) {
  (void)s;
  rig *g = rig_any(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_11, false, false, 22});
  authenticate_and_measure(g, OT_SPDM_VERSION_11);
  /* No OtherParams in 1.1, no CHUNK_CAP. */
  assert_int_equal(g->req.neg.other_params, 0);
  assert_int_equal(g->req.rsp_caps & OT_SPDM_CAP_CHUNK, 0);
  session_flow(g);
  rig_free(g);
}

static void test_flow_11_p384_in_clear(void **s) {
  (void)s;
  rig *g = rig_any(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_11, true, false, 23});
  authenticate_and_measure(g, OT_SPDM_VERSION_11);
  session_flow(g);
  rig_free(g);
}

static void test_flow_14(void **s) {
  (void)s;
  rig *g = rig_any(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_14, false, false, 24});
  authenticate_and_measure(g, OT_SPDM_VERSION_14);
  assert_true(g->req.caps & g->req.rsp_caps & OT_SPDM_CAP_LARGE_RESP);
  session_flow(g);
  rig_free(g);
}

static void test_flow_14_in_clear_multi_key(void **s) {
  (void)s;
  rig *g = rig_any(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_14, true, true, 25});
  authenticate_and_measure(g, OT_SPDM_VERSION_14);
  session_flow(g);
  rig_free(g);
}

/* Both sides offer 1.0 .. 1.4: 1.4. One side 1.1 only: 1.1. A requester
 * whose minimum is 1.2 refuses a 1.1-only responder (OT_E_POLICY). */
static void test_highest_common_and_minimum(void **s) {
  (void)s;
  rig *g = rig_any(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_ALL, false, false, 26});
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_int_equal(g->req.neg.version, OT_SPDM_VERSION_14);
  g->rcfg.versions = OT_SPDM_VMASK_11 | OT_SPDM_VMASK_10;
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_int_equal(g->req.neg.version, OT_SPDM_VERSION_11);
  g->qcfg.min_version = OT_SPDM_VERSION_12;
  assert_ot_code(ot_spdm_requester_connect(&g->req), OT_E_POLICY);
  rig_free(g);
}

/* The responder in its 1.0 or 1.1 state answers a request of another version
 * with VersionMismatch, and a 1.0 connection does not serve KEY_EXCHANGE. */
static void test_responder_version_rules(void **s) {
  (void)s;
  rig *g =
      rig_any(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_10 | OT_SPDM_VMASK_11, false, false, 27});
  g->qcfg.versions = OT_SPDM_VMASK_10;
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_int_equal(g->rsp.neg.version, OT_SPDM_VERSION_10);
  uint8_t out[64];
  size_t n;
  static const uint8_t digests11[] = {0x11, 0x81, 0, 0};
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, digests11, sizeof digests11, out, sizeof out, &n));
  assert_int_equal(out[1], OT_SPDM_ERROR);
  assert_int_equal(out[2], OT_SPDM_ERR_VERSION_MISMATCH);
  uint8_t kx[4 + 4 + 32 + 64 + 2] = {0x10, 0xe4, 0, 0};
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, kx, sizeof kx, out, sizeof out, &n));
  assert_int_equal(out[1], OT_SPDM_ERROR);
  assert_int_equal(out[2], OT_SPDM_ERR_UNSUPPORTED_REQUEST);
  rig_free(g);
}

/* DSP0274 1.1 "MUT_AUTH_CAP": a 1.1 requester with MUT_AUTH_CAP also sets
 * ENCAP_CAP; GET_CAPABILITIES 1.1 with flags 0x67c6 (the validator's 2.4) is
 * answered InvalidRequest, as libspdm answers. At 1.2 the same flags pass. */
static void test_caps_11_mut_auth_needs_encap(void **s) {
  (void)s;
  rig *g = rig_any(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_ALL, false, false, 31});
  static const uint8_t get_version[] = {0x10, 0x84, 0, 0};
  uint8_t caps11[12] = {0x11, 0xe1, 0, 0, 0, 0, 0, 0, 0xc6, 0x67, 0, 0};
  uint8_t out[64];
  size_t n;
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, get_version, 4, out, sizeof out, &n));
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, caps11, sizeof caps11, out, sizeof out, &n));
  assert_int_equal(n, 4);
  assert_int_equal(out[1], OT_SPDM_ERROR);
  assert_int_equal(out[2], OT_SPDM_ERR_INVALID_REQUEST);
  caps11[9] = 0x77; /* ENCAP_CAP too */
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, caps11, sizeof caps11, out, sizeof out, &n));
  assert_int_equal(n, 12);
  assert_int_equal(out[1], OT_SPDM_CAPABILITIES);
  rig_free(g);
}

/* DSP0274 §10.10: FINISH inside an established session is UnexpectedRequest,
 * decided before the body is read: at 1.4 a FINISH without OpaqueDataLength
 * (the validator's 9.5, built with the 1.3 layout) gets UnexpectedRequest,
 * not InvalidRequest. */
static void test_finish_in_established_14(void **s) {
  (void)s;
  rig *g = rig_any(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_14, false, false, 32});
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, 0, &sid));
  ot_spdm_req_session *rs = &g->req.sessions[0];
  uint8_t fin[4 + 48] = {0x14, OT_SPDM_FINISH, 0, 0};
  static uint8_t rec[1024], out[1024], msg[1024];
  size_t rl, n, m;
  bool sec;
  assert_ot_ok(ot_spdm_secured_encode(&rs->s, fin, sizeof fin, rec, sizeof rec, &rl));
  assert_ot_ok(ot_spdm_responder_handle_secured(&g->rsp, rec, rl, out, sizeof out, &n, &sec));
  assert_true(sec);
  assert_ot_ok(ot_spdm_secured_decode(&rs->s, out, n, msg, sizeof msg, &m));
  assert_int_equal(msg[1], OT_SPDM_ERROR);
  assert_int_equal(msg[2], OT_SPDM_ERR_UNEXPECTED_REQUEST);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid)); /* the session goes on */
  rig_free(g);
}

/* GET_CERTIFICATE with LargeCertChain (1.4, LARGE_RESP_CAP): the answer takes
 * the large form; at 1.3 bit7 is reserved and the answer is the small form. */
static void test_large_certificate(void **s) {
  (void)s;
  for (int pass = 0; pass < 2; pass++) {
    uint8_t v = pass ? OT_SPDM_VERSION_13 : OT_SPDM_VERSION_14;
    rig *g = rig_any(&(rig_opts){OT_CURVE_P256, pass ? OT_SPDM_VMASK_13 : OT_SPDM_VMASK_14, false,
                                 false, (uint8_t)(28 + pass)});
    assert_ot_ok(ot_spdm_requester_connect(&g->req));
    uint8_t req[16] = {v, OT_SPDM_GET_CERTIFICATE, 0x80, 0, 0, 0, 0, 0};
    ot_store_u32le(req + 8, 4);      /* LargeOffset */
    ot_store_u32le(req + 12, 0x100); /* LargeLength */
    static uint8_t out[OT_SPDM_LARGE_MAX + 64];
    size_t n;
    size_t len = pass ? 8 : 16; /* at 1.3 the message ends after Length */
    if (pass) {
      ot_store_u16le(req + 4, 4);
      ot_store_u16le(req + 6, 0x100);
    }
    assert_ot_ok(ot_spdm_responder_handle(&g->rsp, req, len, out, sizeof out, &n));
    assert_int_equal(out[1], OT_SPDM_CERTIFICATE);
    if (pass) {
      assert_int_equal(out[2] & 0x80, 0);
      assert_int_equal(ot_load_u16le(out + 4), 0x100);
      assert_int_equal(n, 8 + 0x100);
    } else {
      assert_int_equal(out[2], 0x80);
      assert_int_equal(ot_load_u16le(out + 4), 0);
      assert_int_equal(ot_load_u32le(out + 8), 0x100);
      assert_int_equal(n, 16 + 0x100);
    }
    rig_free(g);
  }
}

/* Signatures below 1.2 sign Hash(T) without the combined prefix; EdDSA does
 * not exist there. */
static void test_signature_pre_12(void **s) {
  (void)s;
  ot_drbg d;
  rig_drbg(&d, 30);
  uint8_t priv[OT_ECC_MAX_SCALAR], pub[OT_ECC_MAX_PUBLIC], th[32], sig[OT_SPDM_MAX_SIGNATURE_SIZE];
  size_t sl;
  assert_ot_ok(ot_key_generate(OT_CURVE_P256, &d.rng, priv, sizeof priv, pub, sizeof pub));
  memset(th, 0x5a, sizeof th);
  assert_ot_ok(ot_spdm_signature_sign(0x11, OT_SPDM_ASYM_ECDSA_P256, OT_HASH_SHA256, priv, 32,
                                      OT_SPDM_SIGN_CTX_MEASUREMENTS, th, 32, sig, sizeof sig, &sl));
  assert_int_equal(sl, 64);
  assert_ot_ok(ot_spdm_signature_verify(0x10, OT_SPDM_ASYM_ECDSA_P256, OT_HASH_SHA256, pub, 64,
                                        OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_RSP, th, 32, sig, 64));
  /* A 1.1 signature is not a 1.2 one (the prefix is signed there). */
  assert_ot_code(ot_spdm_signature_verify(0x12, OT_SPDM_ASYM_ECDSA_P256, OT_HASH_SHA256, pub, 64,
                                          OT_SPDM_SIGN_CTX_MEASUREMENTS, th, 32, sig, 64),
                 OT_E_VERIFY);
  /* It signs Hash(T) itself: the ECDSA signature over that digest verifies. */
  assert_ot_ok(ot_ecdsa_verify_digest(OT_CURVE_P256, pub, 64, th, 32, sig, 64));
  assert_ot_code(ot_spdm_signature_sign(0x11, OT_SPDM_ASYM_ED25519, OT_HASH_SHA256, priv, 32,
                                        OT_SPDM_SIGN_CTX_MEASUREMENTS, th, 32, sig, sizeof sig,
                                        &sl),
                 OT_E_UNSUPPORTED);
  assert_int_equal(ot_spdm_asym_for_version(OT_SPDM_ASYM_ED25519 | OT_SPDM_ASYM_ECDSA_P256, 0x11),
                   OT_SPDM_ASYM_ECDSA_P256);
  ot_drbg_uninstantiate(&d);
}

/* --versions / --ver lists and the per-version capability masks. */
static void test_vmask_and_caps(void **s) {
  (void)s;
  uint8_t m = 0;
  assert_ot_ok(ot_spdm_vmask_parse("1.2,1.3", &m));
  assert_int_equal(m, OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13);
  assert_ot_ok(ot_spdm_vmask_parse("1.0,1.1,1.2,1.3,1.4", &m));
  assert_int_equal(m, OT_SPDM_VMASK_ALL);
  static const char *const bad[] = {"", "1.5", "2.0", "1.2,", ",1.2", "1.2 1.3", "1.23", "12"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_ot_code(ot_spdm_vmask_parse(bad[i], &m), OT_E_ARG);
  assert_int_equal(ot_spdm_vmask_of(0x15), 0);
  uint32_t all = 0xffffffffu;
  assert_int_equal(ot_spdm_caps_for_version(all, 0x10, false), 0);
  assert_int_equal(ot_spdm_caps_for_version(all, 0x10, true), 0x3f);
  assert_int_equal(ot_spdm_caps_for_version(all, 0x11, true) & OT_SPDM_CAP_CHUNK, 0);
  assert_true(ot_spdm_caps_for_version(all, 0x11, true) & OT_SPDM_CAP_KEY_EX);
  assert_int_equal(ot_spdm_caps_for_version(all, 0x13, true) & OT_SPDM_CAP_LARGE_RESP, 0);
  assert_true(ot_spdm_caps_for_version(all, 0x14, false) & OT_SPDM_CAP_LARGE_RESP);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flow_10),
      cmocka_unit_test(test_flow_11_p256),
      cmocka_unit_test(test_flow_11_p384_in_clear),
      cmocka_unit_test(test_flow_14),
      cmocka_unit_test(test_flow_14_in_clear_multi_key),
      cmocka_unit_test(test_highest_common_and_minimum),
      cmocka_unit_test(test_responder_version_rules),
      cmocka_unit_test(test_caps_11_mut_auth_needs_encap),
      cmocka_unit_test(test_finish_in_established_14),
      cmocka_unit_test(test_large_certificate),
      cmocka_unit_test(test_signature_pre_12),
      cmocka_unit_test(test_vmask_and_caps),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
