/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder's key pairs (spdm_key_pairs.h; DSP0274 1.3 §10.26, §10.27):
 * the table an identity gives (KeyPairID 1 = the key of slot 0, the DER
 * SubjectPublicKeyInfo of each key, AssocCertSlotMask = its slots), each
 * SET_KEY_PAIR_INFO rule with the table unchanged on refusal, the table as
 * bytes (round trip, damage refused), and GET/SET_KEY_PAIR_INFO between the
 * in-process requester and responder (errors as InvalidRequest /
 * OperationFailed, and the capability bits).
 */
#include "opentsm/secure.h"
#include "opentsm/spdm_key_pairs.h"
#include "opentsm/x509.h"
#include "spdm_rig.h"

/* A P-256 identity with its key in slot 0 (and slot 2 when slot2), and a
 * settable table. */
static rig *kp_rig2(ot_spdm_key_pairs *t, uint8_t total, bool slot2) {
  rig_opts o = {.curve = OT_CURVE_P256, .versions = OT_SPDM_VMASK_13, .seed = 31};
  rig *g = rig_new(&o);
  if (slot2)
    assert_ot_ok(
        ot_spdm_identity_set_slot(&g->id, 2, 0, g->id.slots[0].der, g->id.slots[0].der_len));
  assert_ot_ok(ot_spdm_key_pairs_init(t, &g->id, total, true));
  return g;
}
static rig *kp_rig(ot_spdm_key_pairs *t, uint8_t total) { return kp_rig2(t, total, true); }

static ot_status set_fn(void *ctx, const ot_spdm_set_key_pair_info *req) {
  rig *g = ctx;
  return ot_spdm_key_pairs_apply((ot_spdm_key_pairs *)g->rcfg.key_pairs, req, &g->drbg_dev.rng);
}

static void test_table_from_identity(void **state) {
  (void)state;
  ot_spdm_key_pairs *t = calloc(1, sizeof(*t));
  rig *g = kp_rig(t, 3);
  assert_int_equal(t->total, 3);
  const ot_spdm_key_pair *k = &t->kp[0];
  assert_true(k->present);
  assert_int_equal(k->assoc, 0x05); /* slots 0 and 2 */
  assert_int_equal(k->algo, OT_SPDM_KP_ALGO_ECC256);
  assert_int_equal(k->caps, OT_SPDM_KP_CAP_MASK);
  assert_false(t->kp[1].present);
  assert_false(t->kp[2].present);
  /* KEY_PAIR_INFO: PublicKeyInfo is the key's SubjectPublicKeyInfo. */
  ot_spdm_key_pair_info m;
  uint8_t pki[OT_SPDM_PUBLIC_KEY_INFO_MAX], pub[OT_ECC_MAX_PUBLIC];
  assert_ot_ok(ot_spdm_key_pairs_info(t, 1, &m, pki, sizeof pki));
  assert_int_equal(m.public_key_info_len, 91); /* P-256 SPKI */
  ot_curve c;
  size_t n = 0;
  assert_ot_ok(ot_x509_spki_public_key(pki, m.public_key_info_len, &c, pub, sizeof pub, &n));
  assert_int_equal(c, OT_CURVE_P256);
  assert_memory_equal(pub, g->id.keys[0].pub, n);
  assert_int_equal(m.assoc_cert_slot_mask, 0x05);
  /* An empty pair has no PublicKeyInfo; 0 and 4 are not pairs. */
  assert_ot_ok(ot_spdm_key_pairs_info(t, 3, &m, pki, sizeof pki));
  assert_int_equal(m.public_key_info_len, 0);
  assert_ot_code(ot_spdm_key_pairs_info(t, 4, &m, pki, sizeof pki), OT_E_NOT_FOUND);
  assert_ot_code(ot_spdm_key_pairs_info(t, 0, &m, pki, sizeof pki), OT_E_NOT_FOUND);
  /* Without SET_KEY_PAIR_INFO_CAP the Capabilities are 0 (§10.26). */
  ot_spdm_key_pairs *ro = calloc(1, sizeof(*ro));
  assert_ot_ok(ot_spdm_key_pairs_init(ro, &g->id, 1, false));
  assert_int_equal(ro->kp[0].caps, 0);
  ot_spdm_set_key_pair_info er = {.operation = OT_SPDM_KEY_PAIR_OP_ERASE, .key_pair_id = 1};
  assert_ot_code(ot_spdm_key_pairs_apply(ro, &er, NULL), OT_E_MALFORMED);
  /* Fewer pairs than keys, or too many: refused. */
  assert_ot_code(ot_spdm_key_pairs_init(ro, &g->id, 0, true), OT_E_ARG);
  assert_ot_code(ot_spdm_key_pairs_init(ro, &g->id, OT_SPDM_KP_MAX + 1, true), OT_E_ARG);
  free(ro);
  ot_spdm_key_pairs_clear(t);
  free(t);
  rig_free(g);
}

/* Each refusal leaves the table as it was. */
static void expect_refused(ot_spdm_key_pairs *t, const ot_spdm_set_key_pair_info *q, ot_rng *rng,
                           ot_code code) {
  ot_spdm_key_pairs *before = malloc(sizeof(*before));
  memcpy(before, t, sizeof(*t));
  assert_ot_code(ot_spdm_key_pairs_apply(t, q, rng), code);
  assert_memory_equal(before, t, sizeof(*t));
  ot_zeroize(before, sizeof(*before));
  free(before);
}

static void test_operation_rules(void **state) {
  (void)state;
  ot_spdm_key_pairs *t = calloc(1, sizeof(*t));
  rig *g = kp_rig(t, 3);
  ot_rng *rng = &g->drbg_dev.rng;
  typedef ot_spdm_set_key_pair_info R;
  /* KeyPairID beyond TotalKeyPairs; operation 3. */
  expect_refused(t, &(R){.operation = 0, .key_pair_id = 4}, rng, OT_E_MALFORMED);
  expect_refused(t, &(R){.operation = 3, .key_pair_id = 1}, rng, OT_E_MALFORMED);
  /* Erase / Generate of a pair still associated with slots: OperationFailed. */
  expect_refused(t, &(R){.operation = OT_SPDM_KEY_PAIR_OP_ERASE, .key_pair_id = 1}, rng,
                 OT_E_STATE);
  expect_refused(t, &(R){.operation = OT_SPDM_KEY_PAIR_OP_GENERATE, .key_pair_id = 1}, rng,
                 OT_E_STATE);
  /* A usage outside the capabilities; two algorithms; one it cannot make. */
  expect_refused(t, &(R){.key_pair_id = 2, .desired_key_usage = 0x0010}, rng, OT_E_MALFORMED);
  expect_refused(t,
                 &(R){.operation = OT_SPDM_KEY_PAIR_OP_GENERATE,
                      .key_pair_id = 2,
                      .desired_asym_algo = OT_SPDM_KP_ALGO_ECC256 | OT_SPDM_KP_ALGO_ECC384},
                 rng, OT_E_MALFORMED);
  expect_refused(t,
                 &(R){.operation = OT_SPDM_KEY_PAIR_OP_GENERATE,
                      .key_pair_id = 2,
                      .desired_asym_algo = OT_SPDM_KP_ALGO_RSA2048},
                 rng, OT_E_MALFORMED);
  /* Generate with no algorithm for a pair that never had one. */
  expect_refused(t, &(R){.operation = OT_SPDM_KEY_PAIR_OP_GENERATE, .key_pair_id = 3}, rng,
                 OT_E_MALFORMED);
  /* An Erase that carries a desired value. */
  expect_refused(t,
                 &(R){.operation = OT_SPDM_KEY_PAIR_OP_ERASE, .key_pair_id = 3,
                      .desired_key_usage = 1},
                 rng, OT_E_MALFORMED);
  /* The key of pair 1 cannot change its algorithm in place. */
  expect_refused(t, &(R){.key_pair_id = 1, .desired_asym_algo = OT_SPDM_KP_ALGO_ECC384,
                         .desired_assoc_cert_slot_mask = 0x05},
                 rng, OT_E_MALFORMED);
  /* Generate pair 2 (P-384); a slot of pair 1 cannot go to pair 2 too. */
  assert_ot_ok(ot_spdm_key_pairs_apply(t,
                                       &(R){.operation = OT_SPDM_KEY_PAIR_OP_GENERATE,
                                            .key_pair_id = 2,
                                            .desired_asym_algo = OT_SPDM_KP_ALGO_ECC384,
                                            .desired_key_usage = OT_SPDM_KEY_USAGE_CHALLENGE},
                                       rng));
  assert_true(t->kp[1].present);
  assert_int_equal(t->kp[1].curve, OT_CURVE_P384);
  assert_int_equal(t->kp[1].usage, OT_SPDM_KEY_USAGE_CHALLENGE);
  expect_refused(t, &(R){.key_pair_id = 2, .desired_assoc_cert_slot_mask = 0x01}, rng,
                 OT_E_MALFORMED);
  /* A pair with no key takes no slot. */
  expect_refused(t, &(R){.key_pair_id = 3, .desired_assoc_cert_slot_mask = 0x40}, rng,
                 OT_E_MALFORMED);
  /* Pair 1 gives up slot 2, pair 2 takes it; then pair 1 leaves slot 0 and
   * can be erased (the spdm_requester_emu sequence: change to 0, erase). */
  assert_ot_ok(ot_spdm_key_pairs_apply(t, &(R){.key_pair_id = 1, .desired_assoc_cert_slot_mask = 1},
                                       rng));
  assert_ot_ok(ot_spdm_key_pairs_apply(t, &(R){.key_pair_id = 2, .desired_assoc_cert_slot_mask = 4},
                                       rng));
  assert_ot_ok(ot_spdm_key_pairs_apply(t, &(R){.key_pair_id = 1}, rng));
  assert_ot_ok(
      ot_spdm_key_pairs_apply(t, &(R){.operation = OT_SPDM_KEY_PAIR_OP_ERASE, .key_pair_id = 1},
                              rng));
  assert_false(t->kp[0].present);
  assert_int_equal(t->kp[0].algo, 0);
  assert_int_equal(t->kp[1].assoc, 0x04);
  ot_spdm_key_pairs_clear(t);
  free(t);
  rig_free(g);
}

static void test_save_load(void **state) {
  (void)state;
  ot_spdm_key_pairs *t = calloc(2, sizeof(*t));
  rig *g = kp_rig(&t[0], 3);
  ot_spdm_set_key_pair_info gen = {.operation = OT_SPDM_KEY_PAIR_OP_GENERATE,
                                   .key_pair_id = 3,
                                   .desired_asym_algo = OT_SPDM_KP_ALGO_ECC256};
  assert_ot_ok(ot_spdm_key_pairs_apply(&t[0], &gen, &g->drbg_dev.rng));
  uint8_t *buf = malloc(OT_SPDM_KP_SAVE_MAX);
  size_t n = 0;
  assert_ot_ok(ot_spdm_key_pairs_save(&t[0], buf, OT_SPDM_KP_SAVE_MAX, &n));
  /* magic 8 + total 1 + 3 x 19 + two P-256 scalars + SHA-256. */
  assert_int_equal(n, 8 + 1 + 3 * 19 + 2 * 32 + 32);
  assert_ot_ok(ot_spdm_key_pairs_init(&t[1], &g->id, 3, true));
  assert_ot_ok(ot_spdm_key_pairs_load(&t[1], buf, n));
  for (int p = 0; p < 3; p++) {
    assert_int_equal(t[1].kp[p].present, t[0].kp[p].present);
    assert_int_equal(t[1].kp[p].assoc, t[0].kp[p].assoc);
    assert_memory_equal(t[1].kp[p].pub, t[0].kp[p].pub, t[0].kp[p].pub_len);
  }
  /* Damage anywhere: refused (checksum), t unchanged. */
  assert_ot_ok(ot_spdm_key_pairs_init(&t[1], &g->id, 3, true));
  for (size_t i = 0; i < n; i += 7) {
    buf[i] ^= 0x40;
    assert_false(ot_ok(ot_spdm_key_pairs_load(&t[1], buf, n)));
    buf[i] ^= 0x40;
    assert_false(t[1].kp[2].present);
  }
  assert_ot_code(ot_spdm_key_pairs_load(&t[1], buf, n - 1), OT_E_VERIFY);
  assert_ot_code(ot_spdm_key_pairs_load(&t[1], buf, 20), OT_E_MALFORMED);
  /* Another TotalKeyPairs: not this device's file. */
  assert_ot_ok(ot_spdm_key_pairs_init(&t[1], &g->id, 2, true));
  assert_ot_code(ot_spdm_key_pairs_load(&t[1], buf, n), OT_E_MALFORMED);
  ot_zeroize(buf, OT_SPDM_KP_SAVE_MAX);
  free(buf);
  ot_spdm_key_pairs_clear(&t[0]);
  ot_spdm_key_pairs_clear(&t[1]);
  free(t);
  rig_free(g);
}

/* GET/SET_KEY_PAIR_INFO over the in-process connection. */
static void test_requester_responder(void **state) {
  (void)state;
  ot_spdm_key_pairs *t = calloc(1, sizeof(*t));
  rig *g = kp_rig2(t, 2, false);
  g->rcfg.key_pairs = t;
  g->rcfg.set_key_pair = set_fn;
  g->rcfg.set_key_pair_ctx = g;
  g->rcfg.caps |= OT_SPDM_CAP_GET_KEY_PAIR_INFO | OT_SPDM_CAP_SET_KEY_PAIR_INFO;
  rig_authenticate(g, 0);
  ot_spdm_key_pair_info m;
  uint8_t pki[OT_SPDM_PUBLIC_KEY_INFO_MAX];
  assert_ot_ok(ot_spdm_requester_get_key_pair_info(&g->req, 0, 1, &m, pki, sizeof pki));
  assert_int_equal(m.total_key_pairs, 2);
  assert_int_equal(m.assoc_cert_slot_mask, 0x01);
  assert_int_equal(m.public_key_info_len, 91);
  /* Erase of an associated pair: OperationFailed. */
  ot_spdm_set_key_pair_info er = {.operation = OT_SPDM_KEY_PAIR_OP_ERASE, .key_pair_id = 1};
  assert_ot_code(ot_spdm_requester_set_key_pair_info(&g->req, 0, &er),
                 ot_spdm_error_status(OT_SPDM_ERR_OPERATION_FAILED).code);
  rig_authenticate(g, 0);
  /* KeyPairID 3 of 2: InvalidRequest (GET and SET). */
  assert_ot_code(ot_spdm_requester_get_key_pair_info(&g->req, 0, 3, &m, pki, sizeof pki),
                 ot_spdm_error_status(OT_SPDM_ERR_INVALID_REQUEST).code);
  rig_authenticate(g, 0);
  er.key_pair_id = 3;
  assert_ot_code(ot_spdm_requester_set_key_pair_info(&g->req, 0, &er),
                 ot_spdm_error_status(OT_SPDM_ERR_INVALID_REQUEST).code);
  rig_authenticate(g, 0);
  /* Generate pair 2 in a session; GET then reports its key. */
  uint32_t sid = 0;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, 0, &sid));
  ot_spdm_set_key_pair_info gen = {.operation = OT_SPDM_KEY_PAIR_OP_GENERATE,
                                   .key_pair_id = 2,
                                   .desired_asym_algo = OT_SPDM_KP_ALGO_ECC384};
  assert_ot_ok(ot_spdm_requester_set_key_pair_info(&g->req, sid, &gen));
  assert_ot_ok(ot_spdm_requester_get_key_pair_info(&g->req, sid, 2, &m, pki, sizeof pki));
  assert_int_equal(m.current_asym_algo, OT_SPDM_KP_ALGO_ECC384);
  assert_int_equal(m.public_key_info_len, 120); /* P-384 SPKI */
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  ot_spdm_key_pairs_clear(t);
  free(t);
  rig_free(g);
}

/* Without the capabilities the requester does not ask; a responder
 * configuration that offers them without a table or a model is refused. */
static void test_version_and_caps(void **state) {
  (void)state;
  ot_spdm_key_pairs *t = calloc(1, sizeof(*t));
  rig *g = kp_rig2(t, 1, false);
  rig_authenticate(g, 0);
  ot_spdm_key_pair_info m;
  uint8_t pki[OT_SPDM_PUBLIC_KEY_INFO_MAX];
  ot_spdm_set_key_pair_info chg = {.key_pair_id = 1, .desired_assoc_cert_slot_mask = 5};
  assert_ot_code(ot_spdm_requester_get_key_pair_info(&g->req, 0, 1, &m, pki, sizeof pki),
                 OT_E_UNSUPPORTED);
  assert_ot_code(ot_spdm_requester_set_key_pair_info(&g->req, 0, &chg), OT_E_UNSUPPORTED);
  /* SET_KEY_PAIR_INFO_CAP without a model, or without GET: refused at init. */
  ot_spdm_responder_config c = g->rcfg;
  ot_spdm_responder r;
  c.caps |= OT_SPDM_CAP_GET_KEY_PAIR_INFO;
  assert_ot_code(ot_spdm_responder_init(&r, &c), OT_E_ARG);
  c.key_pairs = t;
  c.caps |= OT_SPDM_CAP_SET_KEY_PAIR_INFO;
  assert_ot_code(ot_spdm_responder_init(&r, &c), OT_E_ARG);
  c.set_key_pair = set_fn;
  assert_ot_ok(ot_spdm_responder_init(&r, &c));
  ot_spdm_key_pairs_clear(t);
  free(t);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table_from_identity), cmocka_unit_test(test_operation_rules),
      cmocka_unit_test(test_save_load),           cmocka_unit_test(test_requester_responder),
      cmocka_unit_test(test_version_and_caps),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
