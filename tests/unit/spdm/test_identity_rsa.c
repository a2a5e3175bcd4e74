/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSA device identities: the DMTF rsa2048/3072/4096 sample identities load
 * (DER RSAPrivateKey, chains whose root is another size than the leaf), a
 * generated RSA hierarchy installs and its chain validates, and a key of
 * another size than claimed is refused (DSP0274 1.2 §10.4: the algorithm
 * names the modulus size).
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/spdm_identity.h"
#include "testsupport.h"

static void test_load_rsa_samples(void **s) {
  (void)s;
  static const ot_curve types[] = {OT_KEY_RSA2048, OT_KEY_RSA3072, OT_KEY_RSA4096};
  ot_spdm_identity *id = calloc(1, sizeof(*id));
  assert_non_null(id);
  for (size_t i = 0; i < 3; i++) {
    ot_spdm_identity_init(id);
    assert_ot_ok(ot_spdm_identity_load_dmtf_sample(id, ts_vector_path("spdm-emu/sample_key"),
                                                   types[i], false));
    assert_true(id->keys[0].present);
    assert_int_equal(id->keys[0].curve, types[i]);
    assert_true(id->keys[0].priv_len > 1000 && id->keys[0].priv_len <= OT_PRIVATE_KEY_MAX);
    assert_int_equal(ot_spdm_identity_slot_mask(id), 0x03);
    /* The public key kept is n || e of the leaf certificate's key. */
    size_t k = ot_curve_size(types[i]);
    assert_true(id->keys[0].pub[0] & 0x80);
    assert_memory_equal(id->keys[0].pub + k, "\x00\x01\x00\x01", 4);
    ot_spdm_identity_clear(id);
    for (size_t j = 0; j < sizeof(id->keys[0].priv); j++)
      assert_int_equal(id->keys[0].priv[j], 0); /* wiped */
  }
  free(id);
}

static void test_wrong_size_refused(void **s) {
  (void)s;
  size_t len = 0;
  uint8_t *der = ts_read_vector("spdm-emu/sample_key/rsa2048/end_responder.key.der", &len);
  ot_spdm_identity *id = calloc(1, sizeof(*id));
  assert_non_null(id);
  ot_spdm_identity_init(id);
  /* A 2048-bit key claimed as RSA-3072 or RSA-4096. */
  assert_ot_code(ot_spdm_identity_set_key(id, 0, OT_KEY_RSA3072, der, len, 1), OT_E_BAD_KEY);
  assert_ot_code(ot_spdm_identity_set_key(id, 0, OT_KEY_RSA4096, der, len, 1), OT_E_BAD_KEY);
  assert_false(id->keys[0].present);
  assert_ot_ok(ot_spdm_identity_set_key(id, 0, OT_KEY_RSA2048, der, len, 1));
  /* The RSA-3072 sample chain's leaf is not this key. */
  size_t clen = 0;
  uint8_t *chain = ts_read_vector("spdm-emu/sample_key/rsa3072/bundle_responder.certchain.der",
                                  &clen);
  assert_ot_code(ot_spdm_identity_set_slot(id, 0, 0, chain, clen), OT_E_BAD_KEY);
  free(chain);
  ot_spdm_identity_clear(id);
  free(id);
  free(der);
}

static void test_generate_rsa_hierarchy(void **s) {
  (void)s;
  ot_drbg d;
  assert_ot_ok(ot_drbg_seed_u64(&d, 5));
  ot_spdm_hierarchy *h = calloc(1, sizeof(*h));
  ot_spdm_identity *id = calloc(1, sizeof(*id));
  assert_non_null(h);
  assert_non_null(id);
  time_t now = 1700000000;
  assert_ot_ok(ot_spdm_hierarchy_generate(h, OT_KEY_RSA2048, ot_drbg_rng(&d), now - 10,
                                          now + 86400, "opentsm:test:rsa"));
  assert_true(h->root_priv_len > 1000 && h->inter_priv_len > 1000 && h->leaf_priv_len > 1000);
  ot_spdm_identity_init(id);
  assert_ot_ok(ot_spdm_identity_install(id, 0, 0, 1, h));
  /* Installing it again in another slot finds the same key. */
  assert_ot_ok(ot_spdm_identity_install(id, 1, 0, 1, h));
  ot_x509_chain chain;
  assert_ot_ok(ot_x509_chain_parse(h->der, h->der_len, &chain));
  assert_int_equal(chain.count, 3);
  ot_x509_policy pol = {.now = now, .role = OT_X509_ROLE_RESPONDER, .curve = OT_KEY_RSA2048};
  ot_x509_leaf_info info;
  ot_x509_verdict v;
  assert_ot_ok(ot_x509_chain_verify(&chain, &chain.certs[0], 1, &pol, &info, &v));
  assert_memory_equal(info.public_key, id->keys[0].pub, 260);
  ot_spdm_hierarchy_clear(h);
  ot_spdm_identity_clear(id);
  ot_drbg_uninstantiate(&d);
  free(h);
  free(id);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_load_rsa_samples),
      cmocka_unit_test(test_wrong_size_refused),
      cmocka_unit_test(test_generate_rsa_hierarchy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
