/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A DELIVER_ENCAPSULATED_RESPONSE whose embedded response does not decode
 * (DSP0274 1.2 §10.7 basic mutual authentication, §10.9 encapsulated request
 * flow): for the outstanding RequestID the flow ends (the requester cannot be
 * authenticated, as for a wrong answer; libspdm abandons the flow too), a
 * later well-formed delivery is UnexpectedRequest; for another RequestID it is only
 * InvalidRequest and the flow keeps waiting.
 */
#include "spdm_rig.h"

typedef struct mut {
  rig *g;
  ot_drbg drbg_tsm;
  ot_spdm_hierarchy h;
  ot_spdm_identity id;
  ot_x509_cert anchor;
} mut;

static mut *mut_new(void) {
  mut *m = calloc(1, sizeof(*m));
  assert_non_null(m);
  rig_opts o = {.curve = OT_CURVE_P384, .versions = OT_SPDM_VMASK_12, .seed = 9};
  m->g = rig_new(&o);
  rig *g = m->g;
  rig_drbg(&m->drbg_tsm, 13);
  assert_ot_ok(ot_spdm_hierarchy_generate_requester(&m->h, OT_CURVE_P384, &m->drbg_tsm.rng,
                                                    RIG_NOW - RIG_DAY, RIG_NOW + RIG_DAY));
  ot_spdm_identity_init(&m->id);
  assert_ot_ok(ot_spdm_identity_install(&m->id, 0, 0, 1, &m->h));
  assert_ot_ok(ot_spdm_identity_root(&m->id, 0, &m->anchor));
  g->rcfg.caps |= OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP;
  g->rcfg.algs.req_asym = OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384;
  g->rcfg.basic_mut_auth = true;
  g->rcfg.req_anchors = &m->anchor;
  g->rcfg.req_anchor_count = 1;
  g->rcfg.req_now = RIG_NOW;
  assert_ot_ok(ot_spdm_requester_config_identity(&g->qcfg, &m->id));
  return m;
}

static void mut_free(mut *m) {
  rig_free(m->g);
  ot_spdm_identity_clear(&m->id);
  ot_spdm_hierarchy_clear(&m->h);
  ot_drbg_uninstantiate(&m->drbg_tsm);
  free(m);
}

static size_t plain(rig *g, const uint8_t *req, size_t len, uint8_t *out, size_t cap) {
  size_t n = 0;
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, req, len, out, cap, &n));
  return n;
}

/* VCA, DIGESTS, CERTIFICATE by the requester; then CHALLENGE and
 * GET_ENCAPSULATED_REQUEST by hand: returns the RequestID of the
 * encapsulated GET_DIGESTS the responder asks. */
static uint8_t start_flow(rig *g) {
  rig_authenticate(g, 0);
  uint8_t chal[4 + OT_SPDM_NONCE_SIZE] = {0x12, OT_SPDM_CHALLENGE, 0, 0};
  memset(chal + 4, 0x5a, OT_SPDM_NONCE_SIZE);
  uint8_t rsp[1024];
  plain(g, chal, sizeof chal, rsp, sizeof rsp);
  assert_int_equal(rsp[1], OT_SPDM_CHALLENGE_AUTH);
  assert_true(rsp[2] & 0x80); /* BasicMutAuthReq */
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_AWAIT_GET);
  const uint8_t get[4] = {0x12, OT_SPDM_GET_ENCAPSULATED_REQUEST, 0, 0};
  size_t n = plain(g, get, sizeof get, rsp, sizeof rsp);
  assert_true(n >= 8);
  assert_int_equal(rsp[1], OT_SPDM_ENCAPSULATED_REQUEST);
  assert_int_equal(rsp[5], OT_SPDM_GET_DIGESTS);
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_AWAIT_DELIVER);
  return rsp[2];
}

static void truncated_digests_end_the_flow(void **state) {
  (void)state;
  mut *m = mut_new();
  rig *g = m->g;
  uint8_t id = start_flow(g);
  /* DIGESTS for slot 0 cut short inside its digest (48 bytes at SHA-384). */
  uint8_t bad[4 + 4 + 10] = {0x12, OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE, 0, 0,
                             0x12, OT_SPDM_DIGESTS, 0, 0x01};
  uint8_t rsp[256];
  /* Another RequestID: InvalidRequest, the flow still waits. */
  bad[2] = (uint8_t)(id + 1);
  plain(g, bad, sizeof bad, rsp, sizeof rsp);
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_AWAIT_DELIVER);
  /* Its RequestID: InvalidRequest, and the flow is over. */
  bad[2] = id;
  plain(g, bad, sizeof bad, rsp, sizeof rsp);
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_FAILED);
  /* Nothing is awaited any more: a well-formed delivery is UnexpectedRequest,
   * the malformed one again InvalidRequest; the flow stays over. */
  uint8_t good[4 + 4 + 48] = {0x12, OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE, id, 0,
                              0x12, OT_SPDM_DIGESTS, 0, 0x01};
  plain(g, good, sizeof good, rsp, sizeof rsp);
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_UNEXPECTED_REQUEST);
  plain(g, bad, sizeof bad, rsp, sizeof rsp);
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_FAILED);
  mut_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(truncated_digests_end_the_flow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
