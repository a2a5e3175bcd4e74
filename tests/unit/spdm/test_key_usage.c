/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * KeyUsageMask on 1.3 multi-key connections (SPEC-FACTS §2.6): the requester
 * picks and accepts only slots whose mask allows the operation, and refuses
 * before sending anything; the responder refuses a request that names a slot
 * for a usage its mask lacks. Without multi-key the mask plays no part.
 */
#include "spdm_rig.h"

static rig *usage_rig(bool multi_key, uint16_t usage, uint8_t seed) {
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_13, false, multi_key, seed});
  g->id.slots[0].key_usage = usage;
  rig_authenticate(g, 0);
  return g;
}

static void test_pick_slot_follows_the_mask(void **s) {
  (void)s;
  rig *g = usage_rig(true, OT_SPDM_KEY_USAGE_CHALLENGE | OT_SPDM_KEY_USAGE_MEASUREMENT, 90);
  assert_true(g->req.neg.multi_key_conn);
  uint8_t slot = 9;
  assert_ot_ok(ot_spdm_requester_pick_slot(&g->req, OT_SPDM_KEY_USAGE_CHALLENGE, &slot));
  assert_int_equal(slot, 0);
  assert_ot_ok(ot_spdm_requester_pick_slot(&g->req, OT_SPDM_KEY_USAGE_MEASUREMENT, &slot));
  assert_ot_code(ot_spdm_requester_pick_slot(&g->req, OT_SPDM_KEY_USAGE_KEY_EX, &slot),
                 OT_E_NOT_FOUND);
  assert_ot_code(ot_spdm_requester_pick_slot(&g->req, 0, &slot), OT_E_ARG);
  rig_free(g);
}

static void test_requester_refuses_before_sending(void **s) {
  (void)s;
  rig *g = usage_rig(true, OT_SPDM_KEY_USAGE_CHALLENGE, 91);
  size_t sent = g->loop.exchanges;
  uint32_t sid;
  uint8_t rec[4096];
  ot_spdm_meas_result res;
  assert_ot_code(ot_spdm_requester_start_session(&g->req, 0, 0, &sid), OT_E_POLICY);
  assert_ot_code(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_ALL, true, 0, rec,
                                                    sizeof(rec), &res),
                 OT_E_POLICY);
  assert_int_equal(g->loop.exchanges, sent);
  assert_false(g->req.failed); /* a refusal of our own, not a peer failure */
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, 0, NULL));
  /* Unsigned measurements need no key. */
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, 1, false, 0, rec, sizeof(rec), &res));
  rig_free(g);
}

/* A requester that ignores the mask meets the responder's InvalidRequest. */
static void test_responder_refuses_a_usage_the_slot_lacks(void **s) {
  (void)s;
  rig *g = usage_rig(true, OT_SPDM_KEY_USAGE_MEASUREMENT, 92);
  g->req.slots[0].key_usage = 0xffff; /* pretend DIGESTS said otherwise */
  assert_ot_code(ot_spdm_requester_challenge(&g->req, 0, 0, NULL), OT_E_MALFORMED);
  rig_free(g);
  g = usage_rig(true, OT_SPDM_KEY_USAGE_CHALLENGE, 93);
  g->req.slots[0].key_usage = 0xffff;
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&g->req, 0, 0, &sid), OT_E_MALFORMED);
  rig_free(g);
}

static void test_mask_ignored_without_multi_key(void **s) {
  (void)s;
  rig *g = usage_rig(false, OT_SPDM_KEY_USAGE_CHALLENGE, 94);
  assert_false(g->req.neg.multi_key_conn);
  uint8_t slot;
  assert_ot_ok(ot_spdm_requester_pick_slot(&g->req, OT_SPDM_KEY_USAGE_KEY_EX, &slot));
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, 0, &sid));
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pick_slot_follows_the_mask),
      cmocka_unit_test(test_requester_refuses_before_sending),
      cmocka_unit_test(test_responder_refuses_a_usage_the_slot_lacks),
      cmocka_unit_test(test_mask_ignored_without_multi_key),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
