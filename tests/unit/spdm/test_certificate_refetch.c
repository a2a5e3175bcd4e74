/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET_CERTIFICATE a second time in one connection (a report re-reading the
 * chain): the blob is still checked against the DIGESTS entry and RootHash,
 * but a blob with the digest of the chain already validated, against the
 * same anchors at the same time, is not put through X.509 path validation
 * again (it would give the same verdict). Counted by interposing
 * EVP_DigestVerifyInit_ex: a validation verifies the chain's signatures,
 * and nothing else in GET_DIGESTS / GET_CERTIFICATE verifies one. Any change of time or anchors validates
 * anew, and then refuses what the new time refuses.
 */
#define _GNU_SOURCE
#include <openssl/evp.h>

#include "spdm_rig.h"

#include "count_verify.h"

static ot_status refetch(rig *g) {
  uint8_t mask;
  OT_GUARD(ot_spdm_requester_get_digests(&g->req, &mask));
  return ot_spdm_requester_get_certificate(&g->req, 0, 0, g->chain, sizeof(g->chain),
                                           &g->chain_len);
}

static void same_chain_not_validated_twice(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_13, false, false, 31});
  verify_calls = 0;
  rig_authenticate(g, 0);
  assert_true(g->req.slots[0].verified);
  assert_true(verify_calls > 0); /* the first fetch is validated */
  uint8_t pub[OT_ECC_MAX_PUBLIC];
  memcpy(pub, g->req.slots[0].pub, sizeof(pub));
  verify_calls = 0;
  assert_ot_ok(refetch(g));
  assert_int_equal(verify_calls, 0);
  assert_true(g->req.slots[0].verified);
  assert_memory_equal(g->req.slots[0].pub, pub, sizeof(pub));
  /* The slot still serves: CHALLENGE with the kept leaf key. */
  uint8_t summary[OT_HASH_MAX_SIZE];
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, summary));
  rig_free(g);
}

static void new_time_validates_again(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12, false, false, 32});
  rig_authenticate(g, 0);
  /* One second later: validated again, still good. */
  g->qcfg.now += 1;
  verify_calls = 0;
  assert_ot_ok(refetch(g));
  assert_true(verify_calls > 0);
  /* Long after expiry: validated again and refused. */
  g->qcfg.now = RIG_NOW + 4000 * RIG_DAY;
  assert_ot_code(refetch(g), OT_E_CERT);
  assert_false(g->req.slots[0].verified);
  rig_free(g);
}

static void new_anchors_validate_again(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12, false, false, 33});
  rig_authenticate(g, 0);
  /* Another root as the only anchor: the same chain is now refused. */
  ot_spdm_hierarchy other;
  ot_drbg d;
  rig_drbg(&d, 77);
  assert_ot_ok(ot_spdm_hierarchy_generate(&other, OT_CURVE_P256, &d.rng, RIG_NOW - RIG_DAY,
                                          RIG_NOW + RIG_DAY, NULL));
  ot_x509_chain x;
  assert_ot_ok(ot_x509_chain_parse(other.der, other.der_len, &x));
  ot_x509_cert anchor2 = x.certs[0];
  g->qcfg.anchors = &anchor2;
  assert_ot_code(refetch(g), OT_E_CERT);
  assert_false(g->req.slots[0].verified);
  ot_spdm_hierarchy_clear(&other);
  ot_drbg_uninstantiate(&d);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(same_chain_not_validated_twice),
      cmocka_unit_test(new_time_validates_again),
      cmocka_unit_test(new_anchors_validate_again),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
