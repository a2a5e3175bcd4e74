/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPDM 1.1 mutual authentication end to end over a DOE mailbox, in one
 * process: our requester with its own identity, through the host mailbox
 * driver (register level), to the DOE mailbox model carrying our responder
 * (PCIe r6.0 §6.30). DSP0274 1.1: basic mutual authentication (CHALLENGE_AUTH
 * BasicMutAuthReq, then the encapsulated GET_DIGESTS/GET_CERTIFICATE/CHALLENGE
 * with M2 = B || C) and a session whose KEY_EXCHANGE_RSP asks for it
 * (MutAuthRequested 02h/04h, FINISH signed over Hash(TH) without the 1.2
 * prefix), with ECDSA and RSA requester keys; at 1.0 neither is asked.
 */
#include "mailbox_rig.h"

typedef struct bench {
  mailbox m;
  /* The requester's identity and the device's trust in it. */
  ot_drbg drbg_tsm;
  ot_spdm_hierarchy h;
  ot_spdm_identity id;
  ot_x509_cert anchor;
} bench;

/* The rig `g` behind a DOE mailbox, its requester holding a `key` identity
 * that the responder trusts and asks for (`mode`, and basic). */
static bench *bench_new(rig *g, ot_curve key, uint8_t mode) {
  bench *b = calloc(1, sizeof(*b));
  assert_non_null(b);
  mailbox_attach(&b->m, g);

  rig_drbg(&b->drbg_tsm, 61);
  assert_ot_ok(ot_spdm_hierarchy_generate_requester(&b->h, key, &b->drbg_tsm.rng, RIG_NOW - RIG_DAY,
                                                    RIG_NOW + RIG_DAY));
  ot_spdm_identity_init(&b->id);
  assert_ot_ok(ot_spdm_identity_install(&b->id, 0, 0, 1, &b->h));
  assert_ot_ok(ot_spdm_identity_root(&b->id, 0, &b->anchor));
  g->rcfg.caps |= OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP;
  g->rcfg.algs.req_asym = OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384 | OT_SPDM_ASYM_RSA_ALL;
  g->rcfg.mut_auth = mode;
  g->rcfg.basic_mut_auth = true;
  g->rcfg.req_anchors = &b->anchor;
  g->rcfg.req_anchor_count = 1;
  g->rcfg.req_now = RIG_NOW;
  g->qcfg.min_version = OT_SPDM_VERSION_10;
  assert_ot_ok(ot_spdm_requester_config_identity(&g->qcfg, &b->id));
  return b;
}

static void bench_free(bench *b) {
  assert_false(ot_doe_driver_is_dead(&b->m.drv));
  ot_spdm_identity_clear(&b->id);
  ot_spdm_hierarchy_clear(&b->h);
  ot_drbg_uninstantiate(&b->drbg_tsm);
  free(b);
}

static void run_11(ot_curve dev, ot_curve key, uint8_t mode, uint8_t seed) {
  rig *g = rig_new(&(rig_opts){dev, OT_SPDM_VMASK_11, false, false, seed});
  bench *b = bench_new(g, key, mode);
  rig_authenticate(g, 0);
  assert_int_equal(g->req.neg.version, OT_SPDM_VERSION_11);
  /* Basic mutual authentication, then signed measurements on the same connection. */
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_ALL, NULL));
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_DONE);
  uint8_t rec[4096];
  ot_spdm_meas_result res;
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_ALL, true, 0, rec,
                                                  sizeof(rec), &res));
  /* A session with the encapsulated flow under the handshake keys. */
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_int_equal(g->req.sessions[0].mut_auth, mode);
  assert_int_equal(g->rsp.sessions[0].mut.state, OT_SPDM_MUT_DONE);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, true));
  /* The device renews its own key with an encapsulated KEY_UPDATE. */
  assert_ot_ok(ot_spdm_responder_encap_key_update(&g->rsp, sid));
  bool served = false;
  assert_ot_ok(ot_spdm_requester_encap_poll(&g->req, sid, &served));
  assert_true(served);
  uint8_t body[64], back[64];
  size_t n;
  memset(body, 0xa5, sizeof(body));
  assert_ot_ok(ot_spdm_requester_vdm(&g->req, sid, OT_SPDM_REGISTRY_PCISIG, 1, 0x7f, body,
                                     sizeof(body), back, sizeof(back), &n));
  assert_int_equal(n, sizeof(body));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  bench_free(b);
  rig_free(g);
}

static void test_v11_p384_ecdsa_requester_encap(void **s) {
  (void)s;
  run_11(OT_CURVE_P384, OT_CURVE_P256, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, 70);
}

static void test_v11_p256_rsa_requester_digests(void **s) {
  (void)s;
  run_11(OT_CURVE_P256, OT_KEY_RSA2048, OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS, 71);
}

/* SPDM 1.0: the same configuration asks nothing, and CHALLENGE works. */
static void test_v10_not_asked(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_10, false, false, 72});
  bench *b = bench_new(g, OT_CURVE_P256, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST);
  rig_authenticate(g, 0);
  assert_int_equal(g->req.neg.version, OT_SPDM_VERSION_10);
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_ALL, NULL));
  assert_int_equal(g->rsp.basic.requested, 0);
  assert_int_equal(g->req.rsp_caps & OT_SPDM_CAP_MUT_AUTH, 0);
  bench_free(b);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_v11_p384_ecdsa_requester_encap),
      cmocka_unit_test(test_v11_p256_rsa_requester_digests),
      cmocka_unit_test(test_v10_not_asked),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
