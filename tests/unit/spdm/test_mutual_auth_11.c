/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder's mutual authentication at SPDM 1.1 (src/spdm/responder_encap.c),
 * against our requester in one process and by hand on the wire: DSP0274 1.1
 * KEY_EXCHANGE_RSP MutAuthRequested, CHALLENGE_AUTH BasicMutAuthReq, the
 * encapsulated request flow with the 1.1 ENCAPSULATED_RESPONSE_ACK (no
 * AckRequestID), basic mutual authentication's M2 = B || C (no A at 1.1), the
 * requester's 1.1 signatures (Hash(transcript) signed without the 1.2
 * prefix), ECDSA and RSA; and none of it at 1.0, where MUT_AUTH_CAP and
 * ENCAP_CAP do not exist.
 */
#include "mut_rig.h"

/* A rig at `versions` whose responder asks for `mode` (and basic mutual
 * authentication when `basic`) of a requester whose leaf key is `key`. */
static mut *mut_new(uint8_t versions, ot_curve key, uint8_t mode, bool basic) {
  mut_opts o = {.rig = {.curve = OT_CURVE_P384, .versions = versions, .seed = 21},
                .tsm_seed = 23,
                .key = key,
                .mode = mode,
                .basic = basic,
                .req_asym = OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384 |
                            OT_SPDM_ASYM_RSA_ALL};
  mut *m = mut_new_opts(&o);
  m->g->qcfg.min_version = OT_SPDM_VERSION_10; /* the policy's floor: 1.0 and 1.1 allowed */
  assert_ot_ok(ot_spdm_requester_config_identity(&m->g->qcfg, &m->id));
  return m;
}

/* Replaces the requester's signing key by another of the same type. */
static void swap_key(mut *m, ot_curve key) {
  ot_spdm_hierarchy other;
  assert_ot_ok(ot_spdm_hierarchy_generate_requester(&other, key, &m->drbg_tsm.rng,
                                                    RIG_NOW - RIG_DAY, RIG_NOW + RIG_DAY));
  memcpy(m->id.keys[0].priv, other.leaf_priv, sizeof(m->id.keys[0].priv));
  m->id.keys[0].priv_len = other.leaf_priv_len;
  ot_spdm_hierarchy_clear(&other);
}

/* Basic mutual authentication then a session with `mode`, at 1.1. */
static void flow_11(ot_curve key, uint8_t mode) {
  mut *m = mut_new(OT_SPDM_VMASK_11, key, mode, true);
  rig *g = m->g;
  rig_authenticate(g, 0);
  assert_int_equal(g->rsp.neg.version, OT_SPDM_VERSION_11);
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL));
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_DONE);
  assert_int_not_equal(g->rsp.basic.pub_len, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  uint8_t want = mode == OT_SPDM_MUT_AUTH_REQUESTED ? OT_SPDM_MUT_AUTH_REQUESTED : mode;
  assert_int_equal(g->rsp.sessions[0].mut.requested, want);
  assert_int_equal(g->req.sessions[0].mut_auth, want);
  assert_int_equal(g->rsp.sessions[0].mut.state, OT_SPDM_MUT_DONE);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  mut_free(m);
}

static void v11_ecdsa_encap(void **state) {
  (void)state;
  flow_11(OT_CURVE_P256, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST);
}
static void v11_ecdsa_digests(void **state) {
  (void)state;
  flow_11(OT_CURVE_P384, OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS);
}
static void v11_ecdsa_requested_01h(void **state) {
  (void)state;
  flow_11(OT_CURVE_P256, OT_SPDM_MUT_AUTH_REQUESTED);
}
static void v11_rsa_encap(void **state) {
  (void)state;
  flow_11(OT_KEY_RSA2048, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST);
}

/* A session asked without basic mutual authentication first (02h), RSA-3072. */
static void v11_rsa3072_session_only(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_11, OT_KEY_RSA3072, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, false);
  rig *g = m->g;
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_int_equal(g->rsp.sessions[0].mut.state, OT_SPDM_MUT_DONE);
  assert_int_equal(g->rsp.neg.sizes.req_sig_len, 384);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  mut_free(m);
}

/* A FINISH signed by another key at 1.1: DecryptError, the session gone. */
static void v11_bad_finish_signature(ot_curve key) {
  mut *m = mut_new(OT_SPDM_VMASK_11, key, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, false);
  rig *g = m->g;
  swap_key(m, key);
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid),
                 OT_E_DECRYPT);
  assert_int_equal(g->req.last_error.code, OT_SPDM_ERR_DECRYPT_ERROR);
  assert_false(g->rsp.sessions[0].used);
  mut_free(m);
}
static void v11_bad_finish_signature_ecdsa(void **state) {
  (void)state;
  v11_bad_finish_signature(OT_CURVE_P256);
}
static void v11_bad_finish_signature_rsa(void **state) {
  (void)state;
  v11_bad_finish_signature(OT_KEY_RSA2048);
}

/* A CHALLENGE_AUTH signed by another key at 1.1: ERROR InvalidRequest, the
 * basic flow failed. */
static void v11_bad_challenge_auth(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_11, OT_CURVE_P256, 0, true);
  rig *g = m->g;
  swap_key(m, OT_CURVE_P256);
  rig_authenticate(g, 0);
  assert_ot_code(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL),
                 OT_E_MALFORMED);
  assert_int_equal(g->req.last_error.code, OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_FAILED);
  mut_free(m);
}

/* The 1.1 M2 starts empty, the 1.2 one with A (ot_spdm_transcript_fork_mut_m2). */
static void m2_base_by_version(void **state) {
  (void)state;
  static const uint8_t msg[] = {0x11, 0x81, 0x00, 0x00};
  for (int v = 0; v < 2; v++) {
    mut *m = mut_new(v ? OT_SPDM_VMASK_12 : OT_SPDM_VMASK_11, OT_CURVE_P256, 0, false);
    rig *g = m->g;
    assert_ot_ok(ot_spdm_requester_connect(&g->req));
    ot_hash_ctx m2 = {0}, want = {0};
    assert_ot_ok(ot_spdm_transcript_fork_mut_m2(&g->rsp.t, &m2));
    if (v)
      assert_ot_ok(ot_spdm_transcript_fork_a(&g->rsp.t, &want));
    else
      assert_ot_ok(ot_hash_init(&want, g->rsp.neg.hash));
    assert_ot_ok(ot_hash_update(&m2, msg, sizeof(msg)));
    assert_ot_ok(ot_hash_update(&want, msg, sizeof(msg)));
    uint8_t a[OT_HASH_MAX_SIZE], b[OT_HASH_MAX_SIZE];
    assert_ot_ok(ot_hash_peek(&m2, a, sizeof(a)));
    assert_ot_ok(ot_hash_peek(&want, b, sizeof(b)));
    assert_memory_equal(a, b, g->rsp.neg.sizes.hash_len);
    ot_hash_free(&m2);
    ot_hash_free(&want);
    mut_free(m);
  }
}

/* The 1.1 layouts on the wire, by hand: ENCAPSULATED_REQUEST, then the
 * ENCAPSULATED_RESPONSE_ACK carrying the next request right after its
 * 4-byte header (DSP0274 1.1: no AckRequestID, no Reserved). */
static void v11_wire_layouts(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_11, OT_CURVE_P256, 0, true);
  rig *g = m->g;
  rig_authenticate(g, 0);
  uint8_t rsp[1024], req[256];
  /* CHALLENGE 1.1: header and nonce (no RequesterContext before 1.3). */
  memset(req, 0, sizeof(req));
  req[0] = 0x11, req[1] = OT_SPDM_CHALLENGE;
  size_t len = mut_plain(g, req, 4 + OT_SPDM_NONCE_SIZE, rsp, sizeof(rsp));
  assert_int_equal(rsp[1], OT_SPDM_CHALLENGE_AUTH);
  assert_int_equal(rsp[2] & OT_SPDM_CHALLENGE_AUTH_BASIC_MUT_AUTH, OT_SPDM_CHALLENGE_AUTH_BASIC_MUT_AUTH);
  static const uint8_t get[4] = {0x11, 0xea, 0x00, 0x00};
  len = mut_plain(g, get, sizeof(get), rsp, sizeof(rsp));
  static const uint8_t enc_req[8] = {0x11, 0x6a, 0x01, 0x00, 0x11, 0x81, 0x00, 0x00};
  assert_int_equal(len, sizeof(enc_req));
  assert_memory_equal(rsp, enc_req, sizeof(enc_req));
  /* DELIVER_ENCAPSULATED_RESPONSE(1, DIGESTS 1.1: Param2 slot mask, one digest). */
  size_t h = g->rsp.neg.sizes.hash_len;
  static const uint8_t deliver_hdr[8] = {0x11, 0xeb, 0x01, 0x00, 0x11, 0x01, 0x00, 0x01};
  memcpy(req, deliver_hdr, sizeof(deliver_hdr));
  const uint8_t *d = NULL;
  assert_ot_ok(ot_spdm_identity_chain_digest(&m->id, 0, g->rsp.neg.hash, &d));
  memcpy(req + 8, d, h);
  /* A RequestID other than the one asked: InvalidRequest, the flow waits on. */
  req[2] = 0x02;
  len = mut_plain(g, req, 8 + h, rsp, sizeof(rsp));
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  req[2] = 0x01;
  len = mut_plain(g, req, 8 + h, rsp, sizeof(rsp));
  /* ACK: RequestID 2, payload present, GET_CERTIFICATE slot 0 offset 0 at byte 4. */
  static const uint8_t ack[12] = {0x11, 0x6b, 0x02, 0x01, 0x11, 0x82, 0x00,
                                  0x00, 0x00, 0x00, 0x00, 0x04};
  assert_int_equal(len, sizeof(ack));
  assert_memory_equal(rsp, ack, sizeof(ack));
  /* The requester side reads that layout, and refuses the 1.2 one at 1.1
   * (the embedded request would start at the AckRequestID byte). */
  ot_spdm_sizes sz = g->req.neg.sizes;
  ot_reader r;
  ot_spdm_encap e;
  ot_reader_init(&r, rsp, len);
  assert_ot_ok(ot_spdm_decode_encapsulated_response_ack(&sz, &r, &e));
  assert_int_equal(e.msg_len, 8);
  assert_int_equal(e.msg[1], OT_SPDM_GET_CERTIFICATE);
  static const uint8_t ack12[16] = {0x11, 0x6b, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00,
                                    0x11, 0x82, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04};
  ot_reader_init(&r, ack12, sizeof(ack12));
  assert_false(ot_ok(ot_spdm_decode_encapsulated_response_ack(&sz, &r, &e)));
  mut_free(m);
}

/* At 1.1 the encapsulated response speaks 1.1: a 1.2 DIGESTS inside the
 * DELIVER is refused (InvalidRequest) and ends the flow; after a new
 * CHALLENGE the 1.1 one goes on with GET_CERTIFICATE. */
static void v11_deliver_wrong_version(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_11, OT_CURVE_P256, 0, true);
  rig *g = m->g;
  rig_authenticate(g, 0);
  uint8_t rsp[1024], req[256] = {0x11, OT_SPDM_CHALLENGE, 0x00, 0x00};
  mut_plain(g, req, 4 + OT_SPDM_NONCE_SIZE, rsp, sizeof(rsp));
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_AWAIT_GET);
  static const uint8_t get[4] = {0x11, 0xea, 0x00, 0x00};
  mut_plain(g, get, sizeof(get), rsp, sizeof(rsp));
  size_t h = g->rsp.neg.sizes.hash_len;
  static const uint8_t hdr[8] = {0x11, 0xeb, 0x01, 0x00, 0x12, 0x01, 0x00, 0x01};
  memcpy(req, hdr, sizeof(hdr));
  memset(req + 8, 0x33, h);
  mut_plain(g, req, 8 + h, rsp, sizeof(rsp));
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  /* It answers the outstanding request and cannot authenticate the
   * requester: the flow ends (test_encap_malformed.c); a new CHALLENGE
   * starts it again. */
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_FAILED);
  assert_int_equal(g->rsp.basic.pub_len, 0);
  uint8_t chal[4 + OT_SPDM_NONCE_SIZE] = {0x11, OT_SPDM_CHALLENGE, 0x00, 0x00};
  mut_plain(g, chal, sizeof(chal), rsp, sizeof(rsp));
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_AWAIT_GET);
  mut_plain(g, get, sizeof(get), rsp, sizeof(rsp));
  assert_int_equal(rsp[2], hdr[2]);
  const uint8_t *d = NULL;
  assert_ot_ok(ot_spdm_identity_chain_digest(&m->id, 0, g->rsp.neg.hash, &d));
  req[4] = 0x11;
  memcpy(req + 8, d, h);
  size_t len = mut_plain(g, req, 8 + h, rsp, sizeof(rsp));
  assert_int_equal(len, 12);
  assert_int_equal(rsp[1], OT_SPDM_ENCAPSULATED_RESPONSE_ACK);
  assert_int_equal(rsp[5], OT_SPDM_GET_CERTIFICATE);
  mut_free(m);
}

/* The responder renews its key through the 1.1 encapsulated flow. */
static void v11_encap_key_update(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_11, OT_CURVE_P256, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, false);
  rig *g = m->g;
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_ot_ok(ot_spdm_responder_encap_key_update(&g->rsp, sid));
  bool served = false;
  assert_ot_ok(ot_spdm_requester_encap_poll(&g->req, sid, &served));
  assert_true(served);
  assert_int_equal(g->rsp.sessions[0].mut.state, OT_SPDM_MUT_DONE);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  mut_free(m);
}

/* SPDM 1.0: no MUT_AUTH_CAP/ENCAP_CAP in CAPABILITIES, no BasicMutAuthReq,
 * and the encapsulated requests are UnsupportedRequest. */
static void v10_never_asks(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_10, OT_CURVE_P256, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, true);
  rig *g = m->g;
  rig_authenticate(g, 0);
  assert_int_equal(g->rsp.neg.version, OT_SPDM_VERSION_10);
  assert_int_equal(g->req.rsp_caps & (OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP), 0);
  assert_int_equal(g->rsp.caps & (OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP), 0);
  /* Our requester's CHALLENGE at 1.0 is answered without the flow. */
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL));
  assert_int_equal(g->rsp.basic.requested, 0);
  uint8_t rsp[1024], req[4 + OT_SPDM_NONCE_SIZE] = {0x10, OT_SPDM_CHALLENGE, 0x00, 0x00};
  size_t len = mut_plain(g, req, sizeof(req), rsp, sizeof(rsp));
  assert_true(len > 4);
  assert_int_equal(rsp[1], OT_SPDM_CHALLENGE_AUTH);
  assert_int_equal(rsp[2] & OT_SPDM_CHALLENGE_AUTH_BASIC_MUT_AUTH, 0);
  assert_int_equal(g->rsp.basic.state, 0);
  static const uint8_t get[4] = {0x10, 0xea, 0x00, 0x00};
  mut_plain(g, get, sizeof(get), rsp, sizeof(rsp));
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_UNSUPPORTED_REQUEST);
  mut_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(v11_ecdsa_encap),
      cmocka_unit_test(v11_ecdsa_digests),
      cmocka_unit_test(v11_ecdsa_requested_01h),
      cmocka_unit_test(v11_rsa_encap),
      cmocka_unit_test(v11_rsa3072_session_only),
      cmocka_unit_test(v11_bad_finish_signature_ecdsa),
      cmocka_unit_test(v11_bad_finish_signature_rsa),
      cmocka_unit_test(v11_bad_challenge_auth),
      cmocka_unit_test(m2_base_by_version),
      cmocka_unit_test(v11_wire_layouts),
      cmocka_unit_test(v11_deliver_wrong_version),
      cmocka_unit_test(v11_encap_key_update),
      cmocka_unit_test(v10_never_asks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
