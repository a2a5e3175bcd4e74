/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An RSA requester identity (the DMTF sample requester: RSA-2048,
 * bundle_requester.certchain.der / end_requester.key.der, the identity
 * spdm_responder_emu's default ReqBaseAsymAlg expects): it loads from files
 * (a DER RSAPrivateKey, longer than any EC scalar) and the requester offers
 * RSASSA and RSAPSS of its size as ReqBaseAsymAlg (DSP0274 §10.4). Its
 * signatures: test_rsa_signing_versions.c; the whole flow against the
 * reference: tests/interop/reqdefault.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/spdm.h"
#include "opentsm/spdm_identity.h"
#include "testsupport.h"

static void load_requester(ot_spdm_identity *id) {
  char chain[1024], key[1024];
  const char *dir = ts_vector_path("spdm-emu/sample_key/rsa2048");
  snprintf(chain, sizeof chain, "%s/bundle_requester.certchain.der", dir);
  snprintf(key, sizeof key, "%s/end_requester.key.der", dir);
  ot_spdm_identity_init(id);
  assert_ot_ok(ot_spdm_identity_load_files(id, 0, 0, 1, chain, key));
}

/* The RSA key from its DER file (RSAPrivateKey: longer than any EC scalar
 * buffer) and the ReqBaseAsymAlg offer it makes. */
static void identity_offers_both_rsa_schemes(void **state) {
  (void)state;
  ot_spdm_identity *id = calloc(1, sizeof(*id));
  assert_non_null(id);
  load_requester(id);
  assert_int_equal(id->keys[0].curve, OT_KEY_RSA2048);
  assert_true(id->keys[0].priv_len > 1000);
  ot_spdm_requester_config cfg;
  memset(&cfg, 0, sizeof(cfg));
  assert_ot_ok(ot_spdm_requester_config_identity(&cfg, id));
  assert_int_equal(cfg.algs.req_asym, OT_SPDM_ASYM_RSASSA_2048 | OT_SPDM_ASYM_RSAPSS_2048);
  assert_true(cfg.caps & OT_SPDM_CAP_MUT_AUTH);
  /* A chain whose leaf is not the key: refused, nothing installed. */
  ot_spdm_identity_clear(id);
  ot_spdm_identity_init(id);
  char chain[1024], key[1024];
  const char *dir = ts_vector_path("spdm-emu/sample_key/rsa2048");
  snprintf(chain, sizeof chain, "%s/bundle_responder.certchain.der", dir);
  snprintf(key, sizeof key, "%s/end_requester.key.der", dir);
  assert_ot_code(ot_spdm_identity_load_files(id, 0, 0, 1, chain, key), OT_E_BAD_KEY);
  assert_int_equal(ot_spdm_identity_slot_mask(id), 0);
  ot_spdm_identity_clear(id);
  free(id);
}

/* RSA (BaseAsymAlgo bits 0-6) is offered and selected at SPDM 1.0/1.1 too
 * (signing Hash(T), DSP0274 1.1); EdDSA only from 1.2. */
static void rsa_offered_before_12(void **state) {
  (void)state;
  uint32_t all = OT_SPDM_ASYM_RSA_ALL | OT_SPDM_ASYM_ECDSA_P384 | OT_SPDM_ASYM_ED25519;
  assert_int_equal(ot_spdm_asym_for_version(all, OT_SPDM_VERSION_11),
                   OT_SPDM_ASYM_RSA_ALL | OT_SPDM_ASYM_ECDSA_P384);
  assert_int_equal(ot_spdm_asym_for_version(all, OT_SPDM_VERSION_10),
                   OT_SPDM_ASYM_RSA_ALL | OT_SPDM_ASYM_ECDSA_P384);
  assert_int_equal(ot_spdm_asym_for_version(all, OT_SPDM_VERSION_12), all);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(identity_offers_both_rsa_schemes),
      cmocka_unit_test(rsa_offered_before_12),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
