/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key log hook (ot_spdm_keylog_fn, spdm.h): once per DHE session each
 * side hands its caller the ECDHE shared secret (DSP0274 §10.9 KEY_EXCHANGE,
 * the "DHE secret" of the key schedule, §12.6), which is what spdm_dump
 * --dhe_secret takes. Both sides must log the same value under the same
 * SessionID; a side without a callback logs nothing.
 */
#include "spdm_rig.h"

#define LOG_MAX 4u

typedef struct keylog {
  size_t count;
  uint32_t sid[LOG_MAX];
  uint8_t secret[LOG_MAX][OT_ECC_MAX_SCALAR];
  size_t len[LOG_MAX];
} keylog;

static void on_secret(void *ctx, uint32_t session_id, const uint8_t *secret, size_t len) {
  keylog *k = ctx;
  assert_true(k->count < LOG_MAX);
  assert_true(len <= OT_ECC_MAX_SCALAR);
  k->sid[k->count] = session_id;
  memcpy(k->secret[k->count], secret, len);
  k->len[k->count] = len;
  k->count++;
}

static bool all_zero(const uint8_t *p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; i++)
    acc |= p[i];
  return acc == 0;
}

static void both_sides_log_the_same_secret(ot_curve curve, uint8_t versions, bool in_clear,
                                           uint8_t seed) {
  rig *g = rig_new(&(rig_opts){curve, versions, in_clear, false, seed});
  keylog req = {0}, rsp = {0};
  g->qcfg.keylog = on_secret;
  g->qcfg.keylog_ctx = &req;
  g->rcfg.keylog = on_secret;
  g->rcfg.keylog_ctx = &rsp;
  rig_authenticate(g, 0);
  uint32_t sid[2];
  for (size_t i = 0; i < 2; i++) {
    assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid[i]));
    assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid[i]));
    assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid[i]));
  }
  assert_int_equal(req.count, 2);
  assert_int_equal(rsp.count, 2);
  for (size_t i = 0; i < 2; i++) {
    assert_int_equal(req.sid[i], sid[i]);
    assert_int_equal(rsp.sid[i], sid[i]);
    /* The x-coordinate of the shared point: the DHE group's size (SEC 1 §3.3.1). */
    assert_int_equal(req.len[i], ot_curve_size(g->req.neg.dhe_curve));
    assert_int_equal(rsp.len[i], req.len[i]);
    assert_memory_equal(req.secret[i], rsp.secret[i], req.len[i]);
    assert_false(all_zero(req.secret[i], req.len[i]));
  }
  /* Fresh ephemeral keys per session. */
  assert_memory_not_equal(req.secret[0], req.secret[1], req.len[0]);
  rig_free(g);
}

static void test_p384_12(void **s) {
  (void)s;
  both_sides_log_the_same_secret(OT_CURVE_P384, OT_SPDM_VMASK_12, false, 80);
}

static void test_p256_13_in_clear(void **s) {
  (void)s;
  both_sides_log_the_same_secret(OT_CURVE_P256, OT_SPDM_VMASK_13, true, 81);
}

/* Only the side that asked gets the secret; the other is untouched. */
static void test_one_side_only(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12, false, false, 82});
  keylog req = {0};
  g->qcfg.keylog = on_secret;
  g->qcfg.keylog_ctx = &req;
  assert_null(g->rcfg.keylog);
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  assert_int_equal(req.count, 1);
  g->qcfg.keylog = NULL; /* unset: nothing more is logged */
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  assert_int_equal(req.count, 1);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_p384_12),
      cmocka_unit_test(test_p256_13_in_clear),
      cmocka_unit_test(test_one_side_only),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
