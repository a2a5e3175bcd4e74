/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connect with a pre-shared key (tsm.h ot_tsm_dev_desc.psk; src/tsm/connect_psk.c):
 * with anchors the certificate steps still run and the session is a PSK one
 * (PSK_EXCHANGE, no KEY_EXCHANGE, counted at the host's relay), IDE comes up
 * inside it; with no anchors the device is connected PSK-only (no
 * certificate request at all) and the policy's measurements are checked on
 * an unsigned in-session GET_MEASUREMENTS; a wrong PSK, a device without
 * PSK_CAP and a measurement mismatch are refused with the reason.
 */
#include "tsm_rig.h"

static const uint8_t key[16] = "0123456789abcdef";
static const uint8_t other[16] = "0123456789abcdeX";
static const uint8_t hint[] = {'d', 'e', 'v'};

/* The device serves PSK sessions for `hint` with `key` (PSK_CAP 10b). */
static void device_psk(rig_dev *d, ot_spdm_psk *table) {
  *table = (ot_spdm_psk){.hint = hint, .hint_len = sizeof(hint), .key = key, .key_len = 16};
  d->ep.dsm.rcfg.caps |= OT_SPDM_CAP_PSK_WITH_CONTEXT;
  d->ep.dsm.rcfg.psk = table;
  d->ep.dsm.rcfg.psk_count = 1;
}

/* rig_start_tsm with the TSM's side of the PSK in the device description. */
static void start(rig *g, const ot_spdm_psk *psk) {
  ot_tsm_config c = {.policy = &g->policy,
                     .backend = &g->backend.base,
                     .entropy = &g->entropy.rng,
                     .clock = &g->clock.base,
                     .wall_epoch = RIG_NOW,
                     .audit = &g->keys.base};
  assert_ot_ok(ot_tsm_init(&g->tsm, &c));
  rig_dev *d = g->devs[0];
  ot_tsm_dev_desc dd = {.name = d->name,
                        .doe = &d->host.base,
                        .link = &d->link.base,
                        .rp_block = RIG_RP_BLOCK,
                        .rp_rid = RIG_RP_RID,
                        .psk = psk};
  assert_ot_ok(ot_tsm_dev_init(&d->tdev, &g->tsm, &dd));
}

static rig *one_device(ot_spdm_psk *table, bool psk_cap) {
  rig *g = rig_new();
  rig_dev *d = rig_add_device(g, &(rig_dev_opts){.name = "gpu0", .seed = 5});
  if (psk_cap) device_psk(d, table);
  return g;
}

static void policy_meas(rig *g, bool anchors, const char *ref_hex) {
  char yaml[1024];
  snprintf(yaml, sizeof(yaml), "version: 1\n%sdevices:\n  - name: gpu0\n    measurements: {2: %s}\n",
           anchors ? "trust_anchors: [root0.der]\n" : "", ref_hex);
  rig_policy(g, g->devs[0], yaml);
}

static void connected(rig *g, bool psk_only) {
  rig_dev *d = g->devs[0];
  ot_tsm_refusal why;
  ot_status st = ot_tsm_connect(&g->tsm, &d->tdev, &why);
  if (!ot_ok(st)) fail_msg("%s: %s", ot_tsm_reason_name(why.reason), why.detail);
  assert_int_equal(d->tdev.state, OT_TSM_DEV_CONNECTED);
  assert_int_equal(d->tdev.psk_only, psk_only);
  assert_true(d->tdev.ide_up); /* IDE_KM ran inside the PSK session */
  assert_int_equal(d->host.spdm_req[OT_SPDM_PSK_EXCHANGE], 1);
  assert_int_equal(d->host.spdm_req[OT_SPDM_KEY_EXCHANGE], 0);
  assert_int_equal(d->host.spdm_req[OT_SPDM_GET_CERTIFICATE] > 0, !psk_only);
  assert_int_equal(d->host.spdm_req[OT_SPDM_CHALLENGE], psk_only ? 0 : 1);
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &d->tdev));
}

static void psk_after_certificates(void **s) {
  (void)s;
  ot_spdm_psk table, mine = {.hint = hint, .hint_len = sizeof(hint), .key = key, .key_len = 16};
  rig *g = one_device(&table, true);
  char ref[160];
  rig_ref_hex(g->devs[0], 2, ref, sizeof(ref));
  policy_meas(g, true, ref);
  start(g, &mine);
  connected(g, false);
  rig_free(g);
}

static void psk_only_checks_measurements_in_session(void **s) {
  (void)s;
  ot_spdm_psk table, mine = {.hint = hint, .hint_len = sizeof(hint), .key = key, .key_len = 16};
  rig *g = one_device(&table, true);
  char ref[160];
  rig_ref_hex(g->devs[0], 2, ref, sizeof(ref));
  policy_meas(g, false, ref);
  start(g, &mine);
  connected(g, true);
  rig_free(g);
  /* The same with a reference the device does not match: refused. */
  g = one_device(&table, true);
  policy_meas(g, false, "00112233");
  start(g, &mine);
  ot_tsm_refusal why;
  assert_false(ot_ok(ot_tsm_connect(&g->tsm, &g->devs[0]->tdev, &why)));
  assert_int_equal(why.reason, OT_TSM_R_MEAS_MISMATCH);
  assert_int_equal(g->devs[0]->tdev.state, OT_TSM_DEV_IDLE);
  rig_free(g);
}

static void wrong_psk_and_no_psk_cap_refused(void **s) {
  (void)s;
  ot_spdm_psk table, bad = {.hint = hint, .hint_len = sizeof(hint), .key = other, .key_len = 16};
  for (int cap = 0; cap < 2; cap++) {
    rig *g = one_device(&table, cap == 1);
    char ref[160];
    rig_ref_hex(g->devs[0], 2, ref, sizeof(ref));
    policy_meas(g, true, ref);
    start(g, &bad);
    ot_tsm_refusal why;
    assert_false(ot_ok(ot_tsm_connect(&g->tsm, &g->devs[0]->tdev, &why)));
    assert_int_equal(why.reason, OT_TSM_R_SESSION);
    assert_non_null(strstr(why.detail, cap ? "does not hold this PSK" : "PSK_CAP 0"));
    assert_int_equal(g->devs[0]->tdev.state, OT_TSM_DEV_IDLE);
    rig_free(g);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(psk_after_certificates),
      cmocka_unit_test(psk_only_checks_measurements_in_session),
      cmocka_unit_test(wrong_psk_and_no_psk_cap_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
