/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSA signatures and FFDHE key exchange end to end, in one process: our
 * requester against our responder holding a generated RSA-3072 hierarchy,
 * negotiating TPM_ALG_RSASSA_3072 then TPM_ALG_RSAPSS_3072 with FFDHE3072
 * (DSP0274 1.2 §10.4), through CHALLENGE, signed MEASUREMENTS and a
 * session (KEY_EXCHANGE with 384-byte exchange data, HEARTBEAT, KEY_UPDATE,
 * END_SESSION). Then the refusals: an RSA size the device's key is not, and
 * the leaf profile check for a key of another size than negotiated
 * (DSP0274 "Leaf certificate": the key is of the negotiated algorithm).
 */
#include "../unit/spdm/spdm_rig.h"

/* Restarts the requester with algorithm preferences narrowed to asym/dhe. */
static void offer_only(rig *g, uint32_t asym, uint16_t dhe) {
  ot_spdm_requester_free(&g->req);
  g->qcfg.algs.base_asym = asym;
  g->qcfg.algs.dhe = dhe;
  assert_ot_ok(ot_spdm_requester_init(&g->req, &g->qcfg, &g->loop.base));
}

static void session_flow(rig *g, uint32_t asym) {
  rig_authenticate(g, 0);
  const ot_spdm_negotiated *n = &g->req.neg;
  assert_int_equal(n->base_asym, asym);
  assert_int_equal(n->dhe, OT_SPDM_DHE_FFDHE_3072);
  assert_int_equal(n->asym_curve, OT_KEY_RSA3072);
  assert_int_equal(n->dhe_curve, OT_GROUP_FFDHE3072);
  assert_int_equal(n->sizes.sig_len, 384);
  assert_int_equal(n->sizes.dhe_len, 384);
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_ALL, NULL));
  uint8_t rec[4096];
  ot_spdm_meas_result res;
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_ALL, true, 0, rec,
                                                  sizeof(rec), &res));
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_TCB, &sid));
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, true));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
}

static void test_rsa3072_ffdhe3072(void **s) {
  (void)s;
  rig_opts o = {.curve = OT_KEY_RSA3072,
                .versions = OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13,
                .seed = 30};
  rig *g = rig_new(&o);
  offer_only(g, OT_SPDM_ASYM_RSASSA_3072, OT_SPDM_DHE_FFDHE_3072);
  session_flow(g, OT_SPDM_ASYM_RSASSA_3072);
  /* The same device, RSASSA-PSS this time, at SPDM 1.2. */
  g->qcfg.versions = OT_SPDM_VMASK_12;
  offer_only(g, OT_SPDM_ASYM_RSAPSS_3072, OT_SPDM_DHE_FFDHE_3072);
  session_flow(g, OT_SPDM_ASYM_RSAPSS_3072);
  assert_int_equal(g->req.neg.version, OT_SPDM_VERSION_12);

  /* The device's key is RSA-3072: it cannot sign RSA-2048 (no common algorithm). */
  g->qcfg.versions = OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13;
  offer_only(g, OT_SPDM_ASYM_RSASSA_2048 | OT_SPDM_ASYM_RSAPSS_4096, OT_SPDM_DHE_FFDHE_3072);
  assert_false(ot_ok(ot_spdm_requester_connect(&g->req)));

  /* The leaf profile: a 3072-bit key is not the key of RSA-2048 or of P-384. */
  ot_x509_chain chain;
  assert_ot_ok(ot_x509_chain_parse(g->h.der, g->h.der_len, &chain));
  ot_x509_policy pol = {.now = RIG_NOW, .role = OT_X509_ROLE_RESPONDER, .curve = OT_KEY_RSA3072};
  ot_x509_leaf_info info;
  ot_x509_verdict v;
  assert_ot_ok(ot_x509_leaf_check(ot_x509_chain_leaf(&chain), &pol, &info, &v));
  assert_int_equal(info.curve, OT_KEY_RSA3072);
  assert_int_equal(info.public_key_len, 388);
  pol.curve = OT_KEY_RSA2048;
  assert_ot_code(ot_x509_leaf_check(ot_x509_chain_leaf(&chain), &pol, &info, &v), OT_E_CERT);
  pol.curve = OT_CURVE_P384;
  assert_ot_code(ot_x509_leaf_check(ot_x509_chain_leaf(&chain), &pol, &info, &v), OT_E_CERT);
  /* The whole chain (RSA root and intermediate, sha384WithRSAEncryption) validates. */
  pol.curve = OT_KEY_RSA3072;
  assert_ot_ok(ot_x509_chain_verify(&chain, &g->anchor, 1, &pol, &info, &v));
  rig_free(g);
}

/* An ECDSA device offered only FFDHE still keys a session (the responder
 * takes FFDHE when no curve is offered), and an EC requester is unchanged. */
static void test_p384_ffdhe_only(void **s) {
  (void)s;
  rig_opts o = {.curve = OT_CURVE_P384, .versions = OT_SPDM_VMASK_13, .seed = 31};
  rig *g = rig_new(&o);
  offer_only(g, OT_SPDM_ASYM_ECDSA_P384, OT_SPDM_DHE_FFDHE_2048 | OT_SPDM_DHE_FFDHE_4096);
  rig_authenticate(g, 0);
  /* dhe_order: FFDHE3072 > FFDHE4096 > FFDHE2048 among the groups. */
  assert_int_equal(g->req.neg.dhe, OT_SPDM_DHE_FFDHE_4096);
  assert_int_equal(g->req.neg.sizes.dhe_len, 512);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rsa3072_ffdhe3072),
      cmocka_unit_test(test_p384_ffdhe_only),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
