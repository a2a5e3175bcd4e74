/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ot_tsm_config.multi_key: the MULTI_KEY_CAP the TSM sets as a requester
 * (DSP0274 1.3 §10.4) when it has an identity for mutual authentication.
 * AUTO is 10b (negotiable, DMTF's requester's default), OFF 00b, ONLY 01b;
 * without an identity the TSM has no keys to list, so only AUTO/OFF.
 */
#include "tsm_rig.h"

typedef struct fx {
  rig *g;
  ot_drbg drbg;
  ot_spdm_hierarchy h;
  ot_spdm_identity id;
} fx;

static fx *fx_new(void) {
  fx *f = calloc(1, sizeof(*f));
  assert_non_null(f);
  f->g = rig_new();
  rig_dev *a = rig_add_device(f->g, &(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_policy(f->g, a, "version: 1\ntrust_anchors: [root0.der]\ndevices:\n  - name: gpu0\n");
  rig_seed(&f->drbg, 0x77);
  assert_ot_ok(ot_spdm_hierarchy_generate_requester(&f->h, OT_CURVE_P256, &f->drbg.rng,
                                                    RIG_NOW - RIG_DAY, RIG_NOW + RIG_DAY));
  ot_spdm_identity_init(&f->id);
  assert_ot_ok(ot_spdm_identity_install(&f->id, 0, 0, 1, &f->h));
  return f;
}

static void fx_free(fx *f) {
  ot_spdm_identity_clear(&f->id);
  ot_spdm_hierarchy_clear(&f->h);
  ot_drbg_uninstantiate(&f->drbg);
  rig_free(f->g);
  free(f);
}

/* ot_tsm_init with `id` and `mk`: its status, and the MULTI_KEY_CAP set. */
static ot_status init_with(fx *f, const ot_spdm_identity *id, ot_tsm_multi_key mk, uint32_t *cap) {
  ot_tsm_config c = {.policy = &f->g->policy,
                     .entropy = &f->g->entropy.rng,
                     .clock = &f->g->clock.base,
                     .wall_epoch = RIG_NOW,
                     .identity = id,
                     .multi_key = mk};
  ot_tsm t;
  ot_status st = ot_tsm_init(&t, &c);
  if (ot_ok(st)) {
    *cap = t.spdm.caps & OT_SPDM_CAP_MULTI_KEY_MASK;
    ot_tsm_free(&t);
  }
  return st;
}

static void modes_with_identity(void **s) {
  (void)s;
  fx *f = fx_new();
  uint32_t cap = 0xff;
  assert_ot_ok(init_with(f, &f->id, OT_TSM_MULTI_KEY_AUTO, &cap));
  assert_int_equal(cap, OT_SPDM_CAP_MULTI_KEY_NEG);
  assert_ot_ok(init_with(f, &f->id, OT_TSM_MULTI_KEY_NEG, &cap));
  assert_int_equal(cap, OT_SPDM_CAP_MULTI_KEY_NEG);
  assert_ot_ok(init_with(f, &f->id, OT_TSM_MULTI_KEY_ONLY, &cap));
  assert_int_equal(cap, OT_SPDM_CAP_MULTI_KEY_ONLY);
  assert_ot_ok(init_with(f, &f->id, OT_TSM_MULTI_KEY_OFF, &cap));
  assert_int_equal(cap, 0);
  assert_ot_code(init_with(f, &f->id, (ot_tsm_multi_key)(OT_TSM_MULTI_KEY_ONLY + 1), &cap),
                 OT_E_ARG);
  fx_free(f);
}

static void modes_without_identity(void **s) {
  (void)s;
  fx *f = fx_new();
  uint32_t cap = 0xff;
  assert_ot_ok(init_with(f, NULL, OT_TSM_MULTI_KEY_AUTO, &cap));
  assert_int_equal(cap, 0);
  assert_ot_ok(init_with(f, NULL, OT_TSM_MULTI_KEY_OFF, &cap));
  assert_int_equal(cap, 0);
  assert_ot_code(init_with(f, NULL, OT_TSM_MULTI_KEY_NEG, &cap), OT_E_ARG);
  assert_ot_code(init_with(f, NULL, OT_TSM_MULTI_KEY_ONLY, &cap), OT_E_ARG);
  fx_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(modes_with_identity),
      cmocka_unit_test(modes_without_identity),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
