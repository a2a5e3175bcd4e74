/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A DELIVER_ENCAPSULATED_RESPONSE whose embedded response does not decode
 * (DSP0274 1.2 §10.7 basic mutual authentication, §10.9 encapsulated request
 * flow): for the outstanding RequestID the flow ends (the requester cannot be
 * authenticated, as for a wrong answer; libspdm abandons the flow too), a
 * later well-formed delivery is UnexpectedRequest; for another RequestID it is only
 * InvalidRequest and the flow keeps waiting.
 */
#include "mut_rig.h"

static mut *mut_new(void) {
  mut_opts o = {.rig = {.curve = OT_CURVE_P384, .versions = OT_SPDM_VMASK_12, .seed = 9},
                .tsm_seed = 13,
                .key = OT_CURVE_P384,
                .basic = true,
                .req_asym = OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384};
  mut *m = mut_new_opts(&o);
  assert_ot_ok(ot_spdm_requester_config_identity(&m->g->qcfg, &m->id));
  return m;
}

/* VCA, DIGESTS, CERTIFICATE by the requester; then CHALLENGE and
 * GET_ENCAPSULATED_REQUEST by hand: returns the RequestID of the
 * encapsulated GET_DIGESTS the responder asks. */
static uint8_t start_flow(rig *g) {
  rig_authenticate(g, 0);
  uint8_t chal[4 + OT_SPDM_NONCE_SIZE] = {0x12, OT_SPDM_CHALLENGE, 0, 0};
  memset(chal + 4, 0x5a, OT_SPDM_NONCE_SIZE);
  uint8_t rsp[1024];
  mut_plain(g, chal, sizeof chal, rsp, sizeof rsp);
  assert_int_equal(rsp[1], OT_SPDM_CHALLENGE_AUTH);
  assert_true(rsp[2] & 0x80); /* BasicMutAuthReq */
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_AWAIT_GET);
  const uint8_t get[4] = {0x12, OT_SPDM_GET_ENCAPSULATED_REQUEST, 0, 0};
  size_t n = mut_plain(g, get, sizeof get, rsp, sizeof rsp);
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
  mut_plain(g, bad, sizeof bad, rsp, sizeof rsp);
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_AWAIT_DELIVER);
  /* Its RequestID: InvalidRequest, and the flow is over. */
  bad[2] = id;
  mut_plain(g, bad, sizeof bad, rsp, sizeof rsp);
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_FAILED);
  /* Nothing is awaited any more: a well-formed delivery is UnexpectedRequest,
   * the malformed one again InvalidRequest; the flow stays over. */
  uint8_t good[4 + 4 + 48] = {0x12, OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE, id, 0,
                              0x12, OT_SPDM_DIGESTS, 0, 0x01};
  mut_plain(g, good, sizeof good, rsp, sizeof rsp);
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_UNEXPECTED_REQUEST);
  mut_plain(g, bad, sizeof bad, rsp, sizeof rsp);
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
