/* SPDX-License-Identifier: BSD-3-Clause */
/* Ed25519: RFC 8032 known answer, every Wycheproof case, misuse. */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"
#include "wycheproof.h"

/* RFC 8032 §7.1 TEST 1 (empty message). */
static const char seed1[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char pub1[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
static const char sig1[] = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
                           "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

static void test_rfc8032_test1(void **state) {
  (void)state;
  size_t n;
  uint8_t *seed = ts_unhex(seed1, &n), *pub_want = ts_unhex(pub1, &n),
          *sig_want = ts_unhex(sig1, &n);
  uint8_t pub[32], sig[64];
  assert_ot_ok(ot_key_public(OT_CURVE_ED25519, seed, 32, pub, sizeof pub));
  assert_memory_equal(pub, pub_want, 32);
  /* Ed25519 is deterministic: the signature is the RFC's. */
  assert_ot_ok(ot_ed25519_sign(seed, 32, NULL, 0, sig, sizeof sig));
  assert_memory_equal(sig, sig_want, 64);
  assert_ot_ok(ot_ed25519_verify(pub, 32, NULL, 0, sig, 64));
  sig[0] ^= 1;
  assert_ot_code(ot_ed25519_verify(pub, 32, NULL, 0, sig, 64), OT_E_VERIFY);
  free(seed);
  free(pub_want);
  free(sig_want);
}

static void test_wycheproof_ed25519(void **state) {
  (void)state;
  ts_wp_iter it;
  ts_wp_open(&it, "ed25519_test.json", "EDDSA");
  while (ts_wp_next(&it)) {
    size_t pub_len, msg_len, sig_len;
    uint8_t *pub = ts_wp_unhex(ts_wp_group_str(&it, "publicKey", "pk"), &pub_len);
    uint8_t *msg = ts_wp_test_hex(&it, "msg", &msg_len);
    uint8_t *sig = ts_wp_test_hex(&it, "sig", &sig_len);
    ot_status st = ot_ed25519_verify(pub, pub_len, msg, msg_len, sig, sig_len);
    if (!ot_ok(st)) assert_int_equal(st.code, OT_E_VERIFY);
    ts_wp_check(&it, ot_ok(st));
    free(pub);
    free(msg);
    free(sig);
  }
  assert_int_equal(it.valid_passed, 88);
  assert_int_equal(it.invalid_rejected, 63);
  assert_int_equal(it.acceptable_run + it.skipped, 0);
  ts_wp_close(&it);
}

static void test_round_trip_with_generated_key(void **state) {
  (void)state;
  ot_drbg d;
  assert_ot_ok(ot_drbg_seed_u64(&d, 25519));
  uint8_t seed[32], pub[32], sig[64];
  const uint8_t msg[] = "TDISP interface report";
  assert_ot_ok(ot_key_generate(OT_CURVE_ED25519, ot_drbg_rng(&d), seed, 32, pub, 32));
  assert_ot_ok(ot_ed25519_sign(seed, 32, msg, sizeof msg, sig, sizeof sig));
  assert_ot_ok(ot_ed25519_verify(pub, 32, msg, sizeof msg, sig, 64));
  assert_ot_code(ot_ed25519_verify(pub, 32, msg, sizeof msg - 1, sig, 64), OT_E_VERIFY);
  ot_drbg_uninstantiate(&d);
}

static void test_misuse(void **state) {
  (void)state;
  uint8_t key[33] = {0}, sig[64] = {0};
  assert_ot_code(ot_ed25519_sign(key, 31, NULL, 0, sig, 64), OT_E_BAD_KEY);
  assert_ot_code(ot_ed25519_sign(key, 33, NULL, 0, sig, 64), OT_E_BAD_KEY);
  assert_ot_code(ot_ed25519_sign(key, 32, NULL, 0, sig, 63), OT_E_NO_SPACE);
  assert_ot_code(ot_ed25519_sign(key, 32, NULL, 5, sig, 64), OT_E_ARG);
  assert_ot_code(ot_ed25519_verify(key, 31, NULL, 0, sig, 64), OT_E_BAD_KEY);
  assert_ot_code(ot_ed25519_verify(key, 32, NULL, 0, sig, 63), OT_E_VERIFY);
  assert_ot_code(ot_ed25519_verify(key, 32, NULL, 0, NULL, 0), OT_E_VERIFY);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc8032_test1),
      cmocka_unit_test(test_wycheproof_ed25519),
      cmocka_unit_test(test_round_trip_with_generated_key),
      cmocka_unit_test(test_misuse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
