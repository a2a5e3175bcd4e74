/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session mutual authentication between our requester and our responder in
 * one process (src/spdm/requester_encap.c, src/spdm/responder_encap.c; DSP0274
 * 1.2 §10.9 MutAuthRequested, the encapsulated request flow, §10.10 FINISH
 * with the requester's signature over TH ‖ H(CM)).
 */
#include "mut_rig.h"

/* A rig whose responder asks for `mode`; requester_eku false gives the TSM a
 * leaf with the responder EKU only (not acceptable as a requester). */
static mut *mut_new(uint8_t version_mask, uint8_t mode, bool requester_eku, bool trust) {
  mut_opts o = {.rig = {.curve = OT_CURVE_P384, .versions = version_mask, .seed = 5},
                .tsm_seed = 9,
                .key = OT_CURVE_P256,
                .responder_eku = !requester_eku,
                .untrusted = !trust,
                .mode = mode,
                .req_asym = OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384};
  mut *m = mut_new_opts(&o);
  assert_ot_ok(ot_spdm_requester_config_identity(&m->g->qcfg, &m->id));
  assert_int_equal(m->g->qcfg.algs.req_asym, OT_SPDM_ASYM_ECDSA_P256);
  return m;
}

/* Connect, authenticate the device, open a session; then use it. */
static void session_with(uint8_t versions, uint8_t mode) {
  mut *m = mut_new(versions, mode, true, true);
  rig *g = m->g;
  rig_authenticate(g, 0);
  assert_int_equal(g->req.neg.req_base_asym, OT_SPDM_ASYM_ECDSA_P256);
  assert_int_equal(g->req.neg.sizes.req_sig_len, 64);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  /* Both sides agree: the session was mutually authenticated and works. */
  assert_int_equal(g->req.sessions[0].mut_auth, mode);
  assert_int_equal(g->rsp.sessions[0].mut.requested, mode);
  assert_int_equal(g->rsp.sessions[0].mut.state, OT_SPDM_MUT_DONE);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  mut_free(m);
}

static void encap_request_12(void **state) {
  (void)state;
  session_with(OT_SPDM_VMASK_12, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST);
}
static void encap_request_13(void **state) {
  (void)state;
  session_with(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST);
}
static void get_digests_12(void **state) {
  (void)state;
  session_with(OT_SPDM_VMASK_12, OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS);
}
static void get_digests_13(void **state) {
  (void)state;
  session_with(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS);
}

/* A chain the responder does not trust: the flow fails on CERTIFICATE and
 * no session is left on either side. */
static void untrusted_requester_is_refused(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, true, false);
  rig *g = m->g;
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid),
                 OT_E_MALFORMED); /* the device's ERROR InvalidRequest */
  assert_false(g->req.sessions[0].used);
  assert_false(g->rsp.sessions[0].used);
  mut_free(m);
}

/* A FINISH signature by another key than the chain's leaf: the responder
 * answers DecryptError and ends the session (as for a bad VerifyData). */
static void wrong_signature_is_refused(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, true, true);
  rig *g = m->g;
  m->id.keys[0].priv[ot_curve_size(OT_CURVE_P256) - 1] ^= 1; /* still a valid scalar */
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid),
                 OT_E_DECRYPT);
  assert_int_equal(g->req.last_error.code, OT_SPDM_ERR_DECRYPT_ERROR);
  assert_false(g->req.sessions[0].used);
  assert_false(g->rsp.sessions[0].used);
  mut_free(m);
}

/* A leaf with only the responder EKU cannot authenticate a requester. */
static void responder_eku_leaf_is_refused(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_12, OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS, false, true);
  rig *g = m->g;
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_false(ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid)));
  assert_false(g->rsp.sessions[0].used);
  mut_free(m);
}

/* Without an identity the requester sets no MUT_AUTH_CAP, and the responder
 * (configured to ask) does not: the session is an ordinary one. */
static void no_identity_no_mutual_auth(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, true, true);
  rig *g = m->g;
  g->qcfg.identity = NULL;
  g->qcfg.caps &= ~(uint32_t)(OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP);
  g->qcfg.algs.req_asym = 0;
  rig_authenticate(g, 0);
  assert_int_equal(g->req.neg.req_base_asym, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_int_equal(g->rsp.sessions[0].mut.requested, 0);
  mut_free(m);
}

/* GET_ENCAPSULATED_REQUEST with nothing pending: 1.3 NoPendingRequests,
 * which encap_poll takes as "nothing to do". */
static void poll_with_nothing_pending(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, true, true);
  rig *g = m->g;
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  bool served = true;
  assert_ot_ok(ot_spdm_requester_encap_poll(&g->req, sid, &served));
  assert_false(served);
  assert_int_equal(g->req.last_error.code, OT_SPDM_ERR_NO_PENDING_REQUESTS);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid)); /* the session goes on */
  mut_free(m);
}

/* The identity's key algorithm becomes the ReqBaseAsymAlg offer. */
static void config_identity_sets_caps_and_offer(void **state) {
  (void)state;
  ot_spdm_requester_config cfg;
  ot_spdm_identity empty;
  ot_spdm_identity_init(&empty);
  memset(&cfg, 0, sizeof(cfg));
  assert_ot_code(ot_spdm_requester_config_identity(&cfg, &empty), OT_E_NOT_FOUND);
  assert_null(cfg.identity);
  mut *m = mut_new(OT_SPDM_VMASK_12, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, true, true);
  assert_true(m->g->qcfg.caps & OT_SPDM_CAP_MUT_AUTH);
  assert_true(m->g->qcfg.caps & OT_SPDM_CAP_ENCAP);
  mut_free(m);
}

/* MutAuthRequested takes the values of DSP0274 1.2 §10.9 only (01h, 02h,
 * 04h; 01h is served with the key basic mutual authentication learnt,
 * test_mutual_auth_emu.c). */
static void responder_refuses_mode_without_flow(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_12, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, true, true);
  ot_spdm_responder r2;
  ot_spdm_responder_config c = m->g->rcfg;
  c.mut_auth = OT_SPDM_MUT_AUTH_REQUESTED | OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST;
  assert_ot_code(ot_spdm_responder_init(&r2, &c), OT_E_ARG);
  c.mut_auth = 0x08;
  assert_ot_code(ot_spdm_responder_init(&r2, &c), OT_E_ARG);
  c.mut_auth = OT_SPDM_MUT_AUTH_REQUESTED;
  assert_ot_ok(ot_spdm_responder_init(&r2, &c));
  ot_spdm_responder_free(&r2);
  mut_free(m);
}

/* Basic mutual authentication (DSP0274 1.2 §10.7): CHALLENGE_AUTH sets
 * BasicMutAuthReq, the requester runs the encapsulated GET_DIGESTS,
 * GET_CERTIFICATE and CHALLENGE, and its CHALLENGE_AUTH verifies over M2. */
static void basic_with(uint8_t versions, bool trust, bool bad_key, ot_code want) {
  mut *m = mut_new(versions, 0, true, trust);
  rig *g = m->g;
  g->rcfg.basic_mut_auth = true;
  if (bad_key) m->id.keys[0].priv[ot_curve_size(OT_CURVE_P256) - 1] ^= 1;
  rig_authenticate(g, 0);
  ot_status st = ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL);
  if (want == OT_OK) {
    assert_ot_ok(st);
    assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_DONE);
    /* The connection goes on: a session (no session mutual auth asked). */
    uint32_t sid;
    assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  } else {
    assert_ot_code(st, want);
    assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_FAILED);
  }
  mut_free(m);
}

static void basic_12(void **state) {
  (void)state;
  basic_with(OT_SPDM_VMASK_12, true, false, OT_OK);
}
static void basic_13(void **state) {
  (void)state;
  basic_with(OT_SPDM_VMASK_13, true, false, OT_OK);
}
static void basic_untrusted(void **state) {
  (void)state;
  basic_with(OT_SPDM_VMASK_13, false, false, OT_E_MALFORMED);
}
static void basic_wrong_signature(void **state) {
  (void)state;
  basic_with(OT_SPDM_VMASK_12, true, true, OT_E_MALFORMED);
}

/* The responder renews its own key through the encapsulated flow (DSP0274
 * 1.2 §10.15): GET_ENCAPSULATED_REQUEST fetches UpdateKey, then VerifyNewKey
 * (under the new key), and the session goes on under it. */
static void responder_encap_key_update(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, true, true);
  rig *g = m->g;
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_ot_code(ot_spdm_responder_encap_key_update(&g->rsp, sid ^ 1u), OT_E_NOT_FOUND);
  assert_ot_ok(ot_spdm_responder_encap_key_update(&g->rsp, sid));
  assert_ot_code(ot_spdm_responder_encap_key_update(&g->rsp, sid), OT_E_STATE); /* one at a time */
  bool served = false;
  assert_ot_ok(ot_spdm_requester_encap_poll(&g->req, sid, &served));
  assert_true(served);
  assert_int_equal(g->rsp.sessions[0].mut.state, OT_SPDM_MUT_DONE);
  /* Nothing was taken back: no record needed the old key. */
  assert_int_equal(g->req.sessions[0].s.rx_rollbacks, 0);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  /* And again, then a KEY_UPDATE of our own. */
  assert_ot_ok(ot_spdm_responder_encap_key_update(&g->rsp, sid));
  assert_ot_ok(ot_spdm_requester_encap_poll(&g->req, sid, &served));
  assert_true(served);
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, true));
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  mut_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(encap_request_12),
      cmocka_unit_test(encap_request_13),
      cmocka_unit_test(get_digests_12),
      cmocka_unit_test(get_digests_13),
      cmocka_unit_test(untrusted_requester_is_refused),
      cmocka_unit_test(wrong_signature_is_refused),
      cmocka_unit_test(responder_eku_leaf_is_refused),
      cmocka_unit_test(no_identity_no_mutual_auth),
      cmocka_unit_test(poll_with_nothing_pending),
      cmocka_unit_test(config_identity_sets_caps_and_offer),
      cmocka_unit_test(responder_refuses_mode_without_flow),
      cmocka_unit_test(responder_encap_key_update),
      cmocka_unit_test(basic_12),
      cmocka_unit_test(basic_13),
      cmocka_unit_test(basic_untrusted),
      cmocka_unit_test(basic_wrong_signature),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
