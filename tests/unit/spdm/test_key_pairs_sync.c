/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A multi-key device's key pairs as the keys it signs with
 * (identity_key_pairs_sync.c; DSP0274 1.3 §10.26, §10.27, SET_CERTIFICATE
 * KeyPairID, DIGESTS KeyUsageMask): a generated pair's key joins the
 * identity, GET_CSR for its KeyPairID carries its public key, a chain for it
 * is refused under another KeyPairID, a slot holding its chain signs
 * CHALLENGE_AUTH and KEY_EXCHANGE_RSP with it, and only for the usages the
 * pair has; an identity that cannot hold another key is left unchanged.
 */
#include "ca_rig.h"
#include "mk_rig.h"

/* The device model's SET_CERTIFICATE: provision, then bind the slot. */
static ot_status set_cert(void *ctx, uint8_t slot, uint8_t kpid, const uint8_t *der, size_t len) {
  mk *m = ctx;
  OT_GUARD(ot_spdm_identity_provision(&m->g->id, slot, kpid, der, len, RIG_NOW, NULL));
  ot_spdm_key_pairs_bind_identity(&m->t, &m->g->id);
  return OT_SUCCESS;
}

static ot_status generate(mk *m, uint8_t id, uint16_t usage) {
  ot_spdm_set_key_pair_info q = {.key_pair_id = id,
                                 .operation = OT_SPDM_KEY_PAIR_OP_GENERATE,
                                 .desired_key_usage = usage,
                                 .desired_asym_algo = OT_SPDM_KP_ALGO_ECC256};
  OT_GUARD(ot_spdm_key_pairs_apply(&m->t, &q, &m->g->drbg_dev.rng));
  return ot_spdm_key_pairs_to_identity(&m->t, &m->g->id);
}

/* A CA's chain for pub (root | leaf into m->der); the root becomes the
 * requester's 2nd anchor. */
static void issue(mk *m, const uint8_t *pub) {
  ca_leaf o = {.curve = OT_CURVE_P256,
               .ca_name = "key pair 2 CA",
               .leaf_name = "key pair 2",
               .pub = pub,
               .eku = OT_X509_EKU_RESPONDER,
               .not_before = RIG_NOW - RIG_DAY,
               .not_after = RIG_NOW + 365 * RIG_DAY};
  ca_issue(&o, &m->g->drbg_host.rng, m->der, sizeof m->der, &m->der_len, &m->anchors[1]);
}

/* The multi-key device (mk_rig.h), SET_CERTIFICATE through set_cert(). */
static mk *mk_new(uint8_t seed) {
  mk *m = mk_new_device(seed);
  m->g->rcfg.set_cert = set_cert;
  return m;
}

/* Connect, DIGESTS, slot 0's chain (rig_authenticate, any slot mask). */
static void mk_auth(mk *m) {
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_connect(&m->g->req));
  assert_ot_ok(ot_spdm_requester_get_digests(&m->g->req, &mask));
  assert_true(mask & 0x01);
  assert_ot_ok(ot_spdm_requester_get_certificate(&m->g->req, 0, 0, m->g->chain,
                                                 sizeof m->g->chain, &m->g->chain_len));
}

static size_t key_of(const ot_spdm_identity *id, uint8_t kpid) {
  for (size_t i = 0; i < OT_SPDM_ID_MAX_KEYS; i++)
    if (id->keys[i].present && id->keys[i].key_pair_id == kpid) return i;
  return OT_SPDM_ID_MAX_KEYS;
}

/* Generate pair 2, GET_CSR for it, a CA's chain into slot 2, and slot 2
 * signs CHALLENGE_AUTH and KEY_EXCHANGE_RSP with pair 2's key. */
static void test_generated_pair_signs_for_its_slot(void **s) {
  (void)s;
  mk *m = mk_new(60);
  assert_ot_ok(generate(m, 2, 0));
  size_t k2 = key_of(&m->g->id, 2);
  assert_true(k2 < OT_SPDM_ID_MAX_KEYS);
  assert_memory_equal(m->g->id.keys[k2].pub, m->t.kp[1].pub, m->t.kp[1].pub_len);
  rig_authenticate(m->g, 0);
  assert_true(m->g->req.neg.multi_key_conn);
  /* GET_CSR KeyPairID 2 (1.3: with a certificate model) carries pair 2's key. */
  uint8_t csr[OT_SPDM_CSR_MAX], pub[OT_ECC_MAX_PUBLIC];
  size_t n = 0, pub_len = 0;
  ot_curve c;
  assert_ot_ok(ot_spdm_requester_get_csr(&m->g->req, 0, 2, OT_SPDM_CERT_MODEL_DEVICE, NULL, 0,
                                         csr, sizeof csr, &n));
  assert_ot_ok(ot_x509_csr_check(csr, n, &c, pub, sizeof pub, &pub_len));
  assert_int_equal(c, OT_CURVE_P256);
  assert_memory_equal(pub, m->t.kp[1].pub, pub_len);
  /* Pair 3 holds no key: InvalidRequest. */
  assert_false(ot_ok(ot_spdm_requester_get_csr(&m->g->req, 0, 3, OT_SPDM_CERT_MODEL_DEVICE, NULL,
                                               0, csr, sizeof csr, &n)));
  mk_free(m);
}

static void test_set_certificate_binds_slot_to_pair(void **s) {
  (void)s;
  mk *m = mk_new(61);
  assert_ot_ok(generate(m, 2, 0));
  issue(m, m->t.kp[1].pub);
  /* SET_CERTIFICATE (in a session) of pair 2's chain under KeyPairID 1: its
   * leaf is not pair 1's key, refused, nothing stored. */
  mk_auth(m);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&m->g->req, 0, 0, &sid));
  assert_false(ot_ok(ot_spdm_requester_set_certificate(&m->g->req, sid, 2, 1,
                                                       OT_SPDM_CERT_MODEL_DEVICE, m->der,
                                                       m->der_len)));
  assert_false(m->g->id.slots[2].present);
  assert_int_equal(m->t.kp[1].assoc, 0);
  mk_free(m);

  m = mk_new(62);
  assert_ot_ok(generate(m, 2, 0));
  issue(m, m->t.kp[1].pub);
  mk_auth(m);
  assert_ot_ok(ot_spdm_requester_start_session(&m->g->req, 0, 0, &sid));
  assert_ot_ok(ot_spdm_requester_set_certificate(&m->g->req, sid, 2, 2, OT_SPDM_CERT_MODEL_DEVICE,
                                                 m->der, m->der_len));
  assert_int_equal(m->t.kp[1].assoc, 0x04); /* AssocCertSlotMask of pair 2 */
  assert_int_equal(m->t.kp[0].assoc, 0x01);
  assert_ot_ok(ot_spdm_requester_end_session(&m->g->req, sid));
  /* A new connection: DIGESTS names KeyPairID 2 for slot 2; its chain
   * validates to the new CA; CHALLENGE and KEY_EXCHANGE with slot 2 verify
   * against that chain's leaf, i.e. pair 2's key signed. */
  assert_ot_ok(ot_spdm_requester_connect(&m->g->req));
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_get_digests(&m->g->req, &mask));
  assert_int_equal(mask, 0x05);
  assert_int_equal(m->g->req.slots[2].key_pair_id, 2);
  assert_int_equal(m->g->req.slots[0].key_pair_id, 1);
  uint8_t chain[OT_SPDM_LARGE_MAX];
  size_t chain_len;
  assert_ot_ok(
      ot_spdm_requester_get_certificate(&m->g->req, 2, 0, chain, sizeof chain, &chain_len));
  assert_memory_equal(m->g->req.slots[2].pub, m->t.kp[1].pub, m->t.kp[1].pub_len);
  assert_ot_ok(ot_spdm_requester_challenge(&m->g->req, 2, 0, NULL));
  assert_ot_ok(ot_spdm_requester_start_session(&m->g->req, 2, 0, &sid));
  assert_ot_ok(ot_spdm_requester_end_session(&m->g->req, sid));
  mk_free(m);
}

/* KeyUsageMask follows the pair: a pair changed to CHALLENGE only serves
 * CHALLENGE; KEY_EXCHANGE and signed MEASUREMENTS with its slot are
 * InvalidRequest (DSP0274 1.3 KEY_EXCHANGE / GET_MEASUREMENTS SlotID with
 * multi-key; libspdm answers the same), slot 0's pair is untouched. */
static void test_usage_enforced_per_pair(void **s) {
  (void)s;
  mk *m = mk_new(63);
  assert_ot_ok(generate(m, 2, 0));
  issue(m, m->t.kp[1].pub);
  assert_ot_ok(ot_spdm_identity_provision(&m->g->id, 2, 2, m->der, m->der_len, RIG_NOW, NULL));
  ot_spdm_set_key_pair_info q = {.key_pair_id = 2,
                                 .operation = OT_SPDM_KEY_PAIR_OP_CHANGE,
                                 .desired_key_usage = OT_SPDM_KEY_USAGE_CHALLENGE,
                                 .desired_assoc_cert_slot_mask = 0x04};
  assert_ot_ok(ot_spdm_key_pairs_apply(&m->t, &q, NULL));
  assert_ot_ok(ot_spdm_key_pairs_to_identity(&m->t, &m->g->id));
  assert_int_equal(m->g->id.slots[2].key_usage, OT_SPDM_KEY_USAGE_CHALLENGE);
  mk_auth(m);
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_get_digests(&m->g->req, &mask));
  assert_int_equal(m->g->req.slots[2].key_usage, OT_SPDM_KEY_USAGE_CHALLENGE);
  uint8_t chain[OT_SPDM_LARGE_MAX], rec[4096];
  size_t chain_len;
  assert_ot_ok(
      ot_spdm_requester_get_certificate(&m->g->req, 2, 0, chain, sizeof chain, &chain_len));
  assert_ot_ok(ot_spdm_requester_challenge(&m->g->req, 2, 0, NULL));
  /* A requester that ignores the mask meets the device's refusal. */
  m->g->req.slots[2].key_usage = 0xffff;
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&m->g->req, 2, 0, &sid), OT_E_MALFORMED);
  const ot_spdm_peer_error *e = ot_spdm_requester_last_error(&m->g->req);
  assert_non_null(e);
  assert_int_equal(e->code, OT_SPDM_ERR_INVALID_REQUEST);
  mk_auth(m);
  assert_ot_ok(ot_spdm_requester_get_digests(&m->g->req, &mask));
  assert_ot_ok(
      ot_spdm_requester_get_certificate(&m->g->req, 2, 0, chain, sizeof chain, &chain_len));
  m->g->req.slots[2].key_usage = 0xffff;
  ot_spdm_meas_result res;
  assert_ot_code(ot_spdm_requester_get_measurements(&m->g->req, OT_SPDM_MEAS_OP_ALL, true, 2, rec,
                                                    sizeof rec, &res),
                 OT_E_MALFORMED);
  /* Slot 0 (pair 1, every usage) still opens a session. */
  mk_auth(m);
  assert_ot_ok(ot_spdm_requester_start_session(&m->g->req, 0, 0, &sid));
  mk_free(m);
}

/* More keys than the identity holds: refused, nothing changed. */
static void test_no_room_changes_nothing(void **s) {
  (void)s;
  mk *m = mk_new(64);
  ot_spdm_key_pairs_clear(&m->t);
  assert_ot_ok(ot_spdm_key_pairs_init(&m->t, &m->g->id, 6, true));
  for (uint8_t id = 2; id <= 4; id++) assert_ot_ok(generate(m, id, 0));
  ot_spdm_id_key before[OT_SPDM_ID_MAX_KEYS];
  memcpy(before, m->g->id.keys, sizeof before);
  assert_ot_code(generate(m, 5, 0), OT_E_NO_SPACE);
  assert_memory_equal(before, m->g->id.keys, sizeof before);
  /* Erasing pair 3 makes room again; its key leaves the identity. */
  ot_spdm_set_key_pair_info er = {.key_pair_id = 3, .operation = OT_SPDM_KEY_PAIR_OP_ERASE};
  assert_ot_ok(ot_spdm_key_pairs_apply(&m->t, &er, NULL));
  assert_ot_ok(ot_spdm_key_pairs_to_identity(&m->t, &m->g->id));
  assert_int_equal(key_of(&m->g->id, 3), OT_SPDM_ID_MAX_KEYS);
  assert_true(key_of(&m->g->id, 5) < OT_SPDM_ID_MAX_KEYS);
  ot_zeroize(before, sizeof before);
  mk_free(m);
}

/* Pair 1 dissociated and erased while slot 0 still holds its chain: slot 0
 * keeps signing with the key its certificate names, now of no pair
 * (KeyPairID 0), bound to none; a regenerated pair 1 is a new key. */
static void test_erased_pair_key_stays_for_its_slot(void **s) {
  (void)s;
  mk *m = mk_new(65);
  ot_spdm_set_key_pair_info ch = {.key_pair_id = 1, .operation = OT_SPDM_KEY_PAIR_OP_CHANGE};
  ot_spdm_set_key_pair_info er = {.key_pair_id = 1, .operation = OT_SPDM_KEY_PAIR_OP_ERASE};
  assert_ot_ok(ot_spdm_key_pairs_apply(&m->t, &ch, NULL));
  assert_ot_ok(ot_spdm_key_pairs_apply(&m->t, &er, NULL));
  uint8_t pub0[OT_PUBLIC_KEY_MAX];
  memcpy(pub0, m->g->id.keys[0].pub, sizeof pub0);
  assert_ot_ok(ot_spdm_key_pairs_to_identity(&m->t, &m->g->id));
  assert_true(m->g->id.keys[0].present);
  assert_int_equal(m->g->id.keys[0].key_pair_id, 0);
  ot_spdm_key_pairs_bind_identity(&m->t, &m->g->id);
  assert_int_equal(m->t.kp[0].assoc, 0);
  assert_ot_ok(generate(m, 1, 0));
  size_t k1 = key_of(&m->g->id, 1);
  assert_true(k1 != 0 && k1 < OT_SPDM_ID_MAX_KEYS);
  assert_memory_equal(m->g->id.keys[0].pub, pub0, sizeof pub0);
  assert_int_equal(m->g->id.slots[0].key, 0);
  /* Slot 0 still authenticates with its own key. */
  mk_auth(m);
  assert_int_equal(m->g->req.slots[0].key_pair_id, 0);
  assert_ot_ok(ot_spdm_requester_challenge(&m->g->req, 0, 0, NULL));
  mk_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generated_pair_signs_for_its_slot),
      cmocka_unit_test(test_set_certificate_binds_slot_to_pair),
      cmocka_unit_test(test_usage_enforced_per_pair),
      cmocka_unit_test(test_no_room_changes_nothing),
      cmocka_unit_test(test_erased_pair_key_stays_for_its_slot),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
