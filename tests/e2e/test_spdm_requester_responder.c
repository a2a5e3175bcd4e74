/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPDM end to end over a DOE mailbox, in one process: the requester talks
 * through the host mailbox driver (register level) to the DOE mailbox model,
 * whose DOE responder carries our SPDM responder as protocols 1 and 2
 * (PCIe r6.0 §6.30, §6.31). The whole TSM flow runs for SPDM 1.2/P-384 and
 * 1.3/P-256, both handshake modes.
 */
#include "mailbox_rig.h"

static void run(const rig_opts *o) {
  rig *g = rig_new(o);
  mailbox *b = calloc(1, sizeof(*b));
  assert_non_null(b);
  mailbox_attach(b, g);
  assert_true(ot_doe_driver_supports(&b->drv, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SECURED_SPDM));
  rig_authenticate(g, 0);
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_ALL, NULL));
  uint8_t rec[4096];
  ot_spdm_meas_result res;
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_ALL, true, 0, rec,
                                                  sizeof(rec), &res));
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  for (int i = 0; i < 3; i++)
    assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, true));
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, false));
  uint8_t body[64], back[64];
  size_t n;
  memset(body, 0x5a, sizeof(body));
  assert_ot_ok(ot_spdm_requester_vdm(&g->req, sid, OT_SPDM_REGISTRY_PCISIG, 1, 0x7f, body,
                                     sizeof(body), back, sizeof(back), &n));
  assert_int_equal(n, sizeof(body));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  assert_false(ot_doe_driver_is_dead(&b->drv));
  free(b);
  rig_free(g);
}

static void test_mailbox_12_p384(void **s) {
  (void)s;
  run(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_12, false, false, 50});
}

static void test_mailbox_13_p256_in_clear(void **s) {
  (void)s;
  run(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_13, true, true, 51});
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mailbox_12_p384),
      cmocka_unit_test(test_mailbox_13_p256_in_clear),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
