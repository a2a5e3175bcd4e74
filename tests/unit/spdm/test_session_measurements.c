/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET_MEASUREMENTS inside a secured session (DSP0274 1.2 §10.11): the
 * requester API end to end, and the session's own L1 = A ‖ M checked
 * independently of the engines: in-session measurement requests are crafted
 * here, sealed with the requester's session keys and handed to the
 * responder, and the signature is verified over a transcript hashed in the
 * test.
 */
#include "spdm_rig.h"

static ot_spdm_req_session *req_session_of(rig *g, uint32_t sid) {
  for (size_t i = 0; i < OT_SPDM_REQ_MAX_SESSIONS; i++)
    if (g->req.sessions[i].used && g->req.sessions[i].s.session_id == sid)
      return &g->req.sessions[i];
  fail();
  return NULL;
}

/* One request in the session, sealed and opened with the requester's keys. */
static void in_session(rig *g, uint32_t sid, const uint8_t *req, size_t len, uint8_t *rsp,
                       size_t *rsp_len) {
  ot_spdm_req_session *s = req_session_of(g, sid);
  static uint8_t rec[OT_SPDM_LARGE_MAX + 256], back[OT_SPDM_LARGE_MAX + 256];
  size_t rn, bn;
  bool secured;
  assert_ot_ok(ot_spdm_secured_encode(&s->s, req, len, rec, sizeof(rec), &rn));
  assert_ot_ok(
      ot_spdm_responder_handle_secured(&g->rsp, rec, rn, back, sizeof(back), &bn, &secured));
  assert_true(secured);
  assert_ot_ok(ot_spdm_secured_decode(&s->s, back, bn, rsp, OT_SPDM_LARGE_MAX, rsp_len));
}

static size_t get_meas(const rig *g, bool sign, uint8_t op, uint8_t *out) {
  ot_spdm_get_measurements m = {
      .attributes = sign ? OT_SPDM_MEAS_ATTR_SIGNATURE : 0, .operation = op, .slot_id = 0};
  memset(m.nonce, 0x11, sizeof(m.nonce));
  memset(m.context, 0x22, sizeof(m.context));
  ot_writer w;
  ot_writer_init(&w, out, 64);
  assert_ot_ok(ot_spdm_encode_get_measurements(&g->req.neg.sizes, &w, &m));
  return ot_writer_len(&w);
}

/* Verifies the signature at the end of rsp over Hash(A ‖ parts...). */
static ot_status verify_over(rig *g, const uint8_t *const *parts, const size_t *lens, size_t n,
                             const uint8_t *rsp, size_t rsp_len) {
  const ot_spdm_negotiated *neg = &g->req.neg;
  size_t sl = neg->sizes.sig_len;
  ot_hash_ctx h = {0};
  uint8_t th[OT_HASH_MAX_SIZE];
  assert_ot_ok(ot_hash_init(&h, neg->hash));
  assert_ot_ok(ot_hash_update(&h, g->req.t.vca, g->req.t.vca_len));
  for (size_t i = 0; i < n; i++)
    assert_ot_ok(ot_hash_update(&h, parts[i], lens[i]));
  assert_ot_ok(ot_hash_update(&h, rsp, rsp_len - sl));
  assert_ot_ok(ot_hash_final(&h, th, sizeof(th)));
  ot_hash_free(&h);
  const ot_spdm_peer_slot *ps = &g->req.slots[0];
  return ot_spdm_signature_verify(neg->version, neg->base_asym, neg->hash, ps->pub, ps->pub_len,
                                  OT_SPDM_SIGN_CTX_MEASUREMENTS, th, neg->sizes.hash_len,
                                  rsp + rsp_len - sl, sl);
}

static rig *session_rig(ot_curve curve, uint8_t versions, uint8_t seed, uint32_t *sid) {
  rig *g = rig_new(&(rig_opts){curve, versions, false, false, seed});
  rig_authenticate(g, 0);
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, 0, sid));
  return g;
}

static void api_flow(ot_curve curve, uint8_t versions, uint8_t seed) {
  uint32_t sid;
  rig *g = session_rig(curve, versions, seed, &sid);
  uint8_t rec[4096];
  ot_spdm_meas_result res;
  assert_ot_ok(ot_spdm_requester_session_measurements(&g->req, sid, OT_SPDM_MEAS_OP_COUNT, false, 0,
                                                      rec, sizeof(rec), &res));
  assert_int_equal(res.total, 8);
  assert_ot_ok(
      ot_spdm_requester_session_measurements(&g->req, sid, 3, false, 0, rec, sizeof(rec), &res));
  assert_ot_ok(ot_spdm_requester_session_measurements(&g->req, sid, OT_SPDM_MEAS_OP_ALL, true, 0,
                                                      rec, sizeof(rec), &res));
  assert_int_equal(res.block_count, 8);
  assert_true(res.signature_verified);
  /* The connection's own measurements still verify alongside. */
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_ALL, true, 0, rec,
                                                  sizeof(rec), &res));
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(
      ot_spdm_requester_session_measurements(&g->req, sid, 1, true, 0, rec, sizeof(rec), &res));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  assert_ot_code(
      ot_spdm_requester_session_measurements(&g->req, sid, 1, false, 0, rec, sizeof(rec), &res),
      OT_E_NOT_FOUND);
  rig_free(g);
}

static void test_api_12_p256(void **s) {
  (void)s;
  api_flow(OT_CURVE_P256, OT_SPDM_VMASK_12, 70);
}
static void test_api_13_p384(void **s) {
  (void)s;
  api_flow(OT_CURVE_P384, OT_SPDM_VMASK_13, 71);
}

/* L1 of the session = A ‖ the session's measurement exchanges: an unsigned
 * GET_MEASUREMENTS in the clear before it does not count, and does not get
 * reset by the session's traffic either. */
static void test_session_l1_is_its_own(void **s) {
  (void)s;
  uint32_t sid;
  rig *g = session_rig(OT_CURVE_P256, OT_SPDM_VMASK_13, 72, &sid);
  uint8_t rec[4096];
  ot_spdm_meas_result res;
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, 2, false, 0, rec, sizeof(rec), &res));
  uint8_t q1[64], q2[64], r1[OT_SPDM_LARGE_MAX], r2[OT_SPDM_LARGE_MAX];
  size_t l1 = get_meas(g, false, 1, q1), l2 = get_meas(g, true, OT_SPDM_MEAS_OP_ALL, q2), n1, n2;
  in_session(g, sid, q1, l1, r1, &n1);
  assert_int_equal(r1[1], OT_SPDM_MEASUREMENTS);
  in_session(g, sid, q2, l2, r2, &n2);
  assert_int_equal(r2[1], OT_SPDM_MEASUREMENTS);
  const uint8_t *parts[] = {q1, r1, q2};
  size_t lens[] = {l1, n1, l2};
  assert_ot_ok(verify_over(g, parts, lens, 3, r2, n2));
  /* Without the first exchange, or as the connection's L1, it does not verify. */
  assert_ot_code(verify_over(g, parts + 2, lens + 2, 1, r2, n2), OT_E_VERIFY);
  /* The clear-text M (one unsigned exchange) survived the session traffic:
   * the requester's signed request in the clear verifies over A ‖ both. */
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_ALL, true, 0, rec,
                                                  sizeof(rec), &res));
  rig_free(g);
}

/* Any other request in the session restarts its M. */
static void test_other_session_request_resets_session_l1(void **s) {
  (void)s;
  uint32_t sid;
  rig *g = session_rig(OT_CURVE_P384, OT_SPDM_VMASK_12, 73, &sid);
  uint8_t q1[64], q2[64], hb[4] = {OT_SPDM_VERSION_12, OT_SPDM_HEARTBEAT, 0, 0};
  uint8_t r1[OT_SPDM_LARGE_MAX], r2[OT_SPDM_LARGE_MAX], rh[64];
  size_t l1 = get_meas(g, false, 1, q1), l2 = get_meas(g, true, 2, q2), n1, n2, nh;
  in_session(g, sid, q1, l1, r1, &n1);
  in_session(g, sid, hb, sizeof(hb), rh, &nh);
  assert_int_equal(rh[1], OT_SPDM_HEARTBEAT_ACK);
  in_session(g, sid, q2, l2, r2, &n2);
  const uint8_t *only[] = {q2};
  size_t only_len[] = {l2};
  assert_ot_ok(verify_over(g, only, only_len, 1, r2, n2));
  rig_free(g);
}

/* A signed in-session request naming an empty slot: InvalidRequest, and the
 * session goes on. */
static void test_session_measurement_bad_slot(void **s) {
  (void)s;
  uint32_t sid;
  rig *g = session_rig(OT_CURVE_P256, OT_SPDM_VMASK_12, 74, &sid);
  uint8_t q[64], r[OT_SPDM_LARGE_MAX];
  size_t l = get_meas(g, true, OT_SPDM_MEAS_OP_ALL, q), n;
  q[OT_SPDM_HEADER_SIZE + OT_SPDM_NONCE_SIZE] = 5; /* SlotIDParam */
  in_session(g, sid, q, l, r, &n);
  assert_int_equal(r[1], OT_SPDM_ERROR);
  assert_int_equal(r[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  rig_free(g);
}

static void test_unknown_session_is_not_found(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12, false, false, 75});
  rig_authenticate(g, 0);
  uint8_t rec[256];
  ot_spdm_meas_result res;
  assert_ot_code(ot_spdm_requester_session_measurements(&g->req, 0x12345678u, 1, false, 0, rec,
                                                        sizeof(rec), &res),
                 OT_E_NOT_FOUND);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_api_12_p256),
      cmocka_unit_test(test_api_13_p384),
      cmocka_unit_test(test_session_l1_is_its_own),
      cmocka_unit_test(test_other_session_request_resets_session_l1),
      cmocka_unit_test(test_session_measurement_bad_slot),
      cmocka_unit_test(test_unknown_session_is_not_found),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
