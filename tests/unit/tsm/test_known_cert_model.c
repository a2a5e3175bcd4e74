/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Known devices on a multi-key connection (tsm.h "Known devices"; DSP0274
 * 1.3 §10.5 CertificateInfo): an entry carries the CertModel slot 0 had
 * when its chain was validated; a DIGESTS that names the same chain under
 * another model is a miss (the chain is fetched and validated under that
 * model's leaf profile), and the entry still serves its own model.
 */
#include "tsm_rig.h"

#define CAP 4u

typedef struct fx {
  rig *g;
  rig_dev *d;
  ot_drbg drbg;
  ot_spdm_hierarchy h;
  ot_spdm_identity id; /* the TSM's: with it the TSM offers MULTI_KEY_CAP (AUTO = NEG) */
} fx;

/* The rig's TSM, with an identity and the known-chain cache; the device
 * answers MULTI_KEY_NEG (its responder reads the DSM's configuration). */
static fx *fx_new(bool multi_key) {
  fx *f = calloc(1, sizeof(*f));
  assert_non_null(f);
  f->g = rig_new();
  f->g->known_cap = CAP;
  f->g->known = calloc(CAP, sizeof(ot_tsm_known_chain));
  assert_non_null(f->g->known);
  f->d = rig_add_device(f->g, &(rig_dev_opts){.name = "gpu0", .curve = OT_CURVE_P256, .seed = 7});
  if (multi_key) f->d->ep.dsm.rcfg.caps |= OT_SPDM_CAP_MULTI_KEY_NEG;
  rig_policy(f->g, f->d, "version: 1\ntrust_anchors: [root0.der]\ndevices:\n  - name: gpu0\n");
  rig_seed(&f->drbg, 0x78);
  assert_ot_ok(ot_spdm_hierarchy_generate_requester(&f->h, OT_CURVE_P256, &f->drbg.rng,
                                                    RIG_NOW - RIG_DAY, RIG_NOW + RIG_DAY));
  ot_spdm_identity_init(&f->id);
  assert_ot_ok(ot_spdm_identity_install(&f->id, 0, 0, 1, &f->h));
  rig *g = f->g;
  ot_tsm_config c = {.policy = &g->policy,
                     .backend = &g->backend.base,
                     .entropy = &g->entropy.rng,
                     .clock = &g->clock.base,
                     .wall_epoch = RIG_NOW,
                     .audit = &g->keys.base,
                     .identity = &f->id,
                     .known = g->known,
                     .known_cap = g->known_cap};
  assert_ot_ok(ot_tsm_init(&g->tsm, &c));
  ot_tsm_dev_desc dd = {.name = f->d->name,
                        .doe = &f->d->host.base,
                        .link = &f->d->link.base,
                        .rp_block = RIG_RP_BLOCK,
                        .rp_rid = RIG_RP_RID};
  ot_tsm_tdi_desc td = {
      .function_id = RIG_FID, .mmio = rig_ranges, .mmio_count = 2, .default_stream_id = 0};
  assert_ot_ok(ot_sim_rig_attach(&g->tsm, &f->d->tdev, &dd, &f->d->ttdi, &td, 1));
  return f;
}

static void fx_free(fx *f) {
  ot_tsm_known_chain *k = f->g->known;
  rig_free(f->g);
  free(k);
  ot_spdm_identity_clear(&f->id);
  ot_spdm_hierarchy_clear(&f->h);
  ot_drbg_uninstantiate(&f->drbg);
  free(f);
}

static ot_tsm_refusal last_why;

/* Connects; the GET_CERTIFICATE requests it sent; disconnects if connected
 * (which clears the connection's SPDM state). */
static unsigned connect_count(fx *f, bool want_ok) {
  f->d->host.spdm_req[OT_SPDM_GET_CERTIFICATE] = 0;
  ot_tsm_refusal *why = &last_why;
  ot_status st = ot_tsm_connect(&f->g->tsm, &f->d->tdev, why);
  if (want_ok && !ot_ok(st)) fail_msg("%s: %s", ot_tsm_reason_name(why->reason), why->detail);
  if (!want_ok && ot_ok(st)) fail_msg("connected, a refusal was expected");
  if (ot_ok(st)) assert_ot_ok(ot_tsm_disconnect(&f->g->tsm, &f->d->tdev));
  return f->d->host.spdm_req[OT_SPDM_GET_CERTIFICATE];
}

/* The model the entry was made under is recorded; the same model hits. */
static void entry_carries_model(void **s) {
  (void)s;
  fx *f = fx_new(true);
  assert_true(connect_count(f, true) > 0);
  assert_true(f->g->known[0].used);
  assert_true(f->g->known[0].multi_key);
  assert_int_equal(f->g->known[0].cert_model, OT_SPDM_CERT_MODEL_DEVICE);
  assert_int_equal(connect_count(f, true), 0);
  assert_int_equal(f->g->tsm.known_stats.hits, 1);
  assert_int_equal(f->g->tsm.known_stats.misses, 1);
  fx_free(f);
}

/* The device now lists the same chain (same digest) as an AliasCert chain:
 * a miss, so the chain is fetched and validated under the AliasCert
 * profile, which a leaf claiming the hardware identity fails. Listed as a
 * DeviceCert chain again, the first entry still serves it. */
static void other_model_is_a_miss(void **s) {
  (void)s;
  fx *f = fx_new(true);
  assert_true(connect_count(f, true) > 0);
  assert_int_equal(connect_count(f, true), 0);
  f->d->id.slots[0].cert_model = OT_SPDM_CERT_MODEL_ALIAS;
  assert_true(connect_count(f, false) > 0);
  if (last_why.reason != OT_TSM_R_CERT_UNTRUSTED)
    fail_msg("reason %s (%s)", ot_tsm_reason_name(last_why.reason), last_why.detail);
  assert_int_equal(f->g->tsm.known_stats.hits, 1);
  f->d->id.slots[0].cert_model = OT_SPDM_CERT_MODEL_DEVICE;
  assert_int_equal(connect_count(f, true), 0);
  assert_int_equal(f->g->tsm.known_stats.hits, 2);
  fx_free(f);
}

/* Without MULTI_KEY_CONN there is no model: entries are made and used as
 * before, and are not used on a multi-key connection (nor the reverse). */
static void not_multi_key_unchanged(void **s) {
  (void)s;
  fx *f = fx_new(false);
  assert_true(connect_count(f, true) > 0);
  assert_false(f->g->known[0].multi_key);
  assert_int_equal(f->g->known[0].cert_model, 0);
  assert_int_equal(connect_count(f, true), 0);
  f->d->ep.dsm.rcfg.caps |= OT_SPDM_CAP_MULTI_KEY_NEG;
  assert_true(connect_count(f, true) > 0);
  assert_true(f->g->known[1].used && f->g->known[1].multi_key);
  assert_int_equal(f->g->known[1].cert_model, OT_SPDM_CERT_MODEL_DEVICE);
  assert_int_equal(connect_count(f, true), 0);
  assert_int_equal(f->g->tsm.known_stats.hits, 2);
  assert_int_equal(f->g->tsm.known_stats.misses, 2);
  fx_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(entry_carries_model),
      cmocka_unit_test(other_model_is_a_miss),
      cmocka_unit_test(not_multi_key_unchanged),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
