/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECDSA P-256/P-384 with raw r || s: every Wycheproof P1363 case, RFC 6979
 * known answer, sign/verify round trips (message and digest), and the
 * rejections: r or s = 0 or >= n, wrong lengths, invalid public keys.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"
#include "wycheproof.h"

static uint8_t *hex(const char *h, size_t want) {
  size_t n;
  uint8_t *b = ts_unhex(h, &n);
  assert_non_null(b);
  assert_int_equal(n, want);
  return b;
}

static void run_file(const char *name, ot_curve curve, ot_hash_alg hash, size_t want_valid,
                     size_t want_invalid) {
  size_t n = ot_curve_size(curve);
  ts_wp_iter it;
  ts_wp_open(&it, name, "ECDSA");
  while (ts_wp_next(&it)) {
    size_t pub_len, msg_len, sig_len;
    uint8_t *pub = ts_wp_unhex(ts_wp_group_str(&it, "publicKey", "uncompressed"), &pub_len);
    assert_int_equal(pub_len, 1 + 2 * n);
    assert_int_equal(pub[0], 0x04);
    uint8_t *msg = ts_wp_test_hex(&it, "msg", &msg_len);
    uint8_t *sig = ts_wp_test_hex(&it, "sig", &sig_len);
    ot_status st = ot_ecdsa_verify(curve, hash, pub + 1, 2 * n, msg, msg_len, sig, sig_len);
    if (!ot_ok(st)) assert_int_equal(st.code, OT_E_VERIFY);
    ts_wp_check(&it, ot_ok(st));
    if (ts_wp_result_of(&it) == TS_WP_VALID) {
      /* The digest form agrees. */
      uint8_t d[OT_HASH_MAX_SIZE];
      assert_ot_ok(ot_hash(hash, msg, msg_len, d, sizeof d));
      assert_ot_ok(
          ot_ecdsa_verify_digest(curve, pub + 1, 2 * n, d, ot_hash_size(hash), sig, sig_len));
    }
    free(pub);
    free(msg);
    free(sig);
  }
  assert_int_equal(it.valid_passed, want_valid);
  assert_int_equal(it.invalid_rejected, want_invalid);
  assert_int_equal(it.acceptable_run + it.skipped, 0);
  ts_wp_close(&it);
}

static void test_wycheproof_p256_sha256(void **state) {
  (void)state;
  run_file("ecdsa_secp256r1_sha256_p1363_test.json", OT_CURVE_P256, OT_HASH_SHA256, 173, 89);
}

static void test_wycheproof_p384_sha384(void **state) {
  (void)state;
  run_file("ecdsa_secp384r1_sha384_p1363_test.json", OT_CURVE_P384, OT_HASH_SHA384, 193, 87);
}

/* RFC 6979 Appendix A.2.5: P-256, SHA-256, message "sample". */
static const char rfc6979_priv[] =
    "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
static const char rfc6979_pub[] =
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
static const char rfc6979_sig[] =
    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
static const uint8_t sample[] = {'s', 'a', 'm', 'p', 'l', 'e'};

static void test_rfc6979_known_signature(void **state) {
  (void)state;
  uint8_t *pub = hex(rfc6979_pub, 64), *sig = hex(rfc6979_sig, 64);
  assert_ot_ok(ot_ecdsa_verify(OT_CURVE_P256, OT_HASH_SHA256, pub, 64, sample, 6, sig, 64));
  assert_ot_code(ot_ecdsa_verify(OT_CURVE_P256, OT_HASH_SHA256, pub, 64, sample, 5, sig, 64),
                 OT_E_VERIFY);
  free(pub);
  free(sig);
}

/* Sign with our signer, verify: for SPDM's pairings and a cross pairing. */
static void test_sign_verify_round_trip(void **state) {
  (void)state;
  struct {
    ot_curve curve;
    ot_hash_alg hash;
  } pairs[] = {{OT_CURVE_P256, OT_HASH_SHA256},
               {OT_CURVE_P384, OT_HASH_SHA384},
               {OT_CURVE_P256, OT_HASH_SHA384},
               {OT_CURVE_P384, OT_HASH_SHA512}};
  ot_drbg drbg;
  assert_ot_ok(ot_drbg_seed_u64(&drbg, 6979));
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
    ot_curve c = pairs[i].curve;
    size_t n = ot_curve_size(c);
    uint8_t priv[48], pub[96], sig[96], sig2[96], d[64];
    assert_ot_ok(ot_key_generate(c, ot_drbg_rng(&drbg), priv, sizeof priv, pub, sizeof pub));
    assert_ot_ok(ot_ecdsa_sign(c, pairs[i].hash, priv, n, sample, 6, sig, sizeof sig));
    assert_ot_ok(ot_ecdsa_verify(c, pairs[i].hash, pub, 2 * n, sample, 6, sig, 2 * n));
    /* Signing the digest gives a signature the message form accepts, and back. */
    assert_ot_ok(ot_hash(pairs[i].hash, sample, 6, d, sizeof d));
    assert_ot_ok(
        ot_ecdsa_sign_digest(c, priv, n, d, ot_hash_size(pairs[i].hash), sig2, sizeof sig2));
    assert_ot_ok(ot_ecdsa_verify(c, pairs[i].hash, pub, 2 * n, sample, 6, sig2, 2 * n));
    assert_ot_ok(ot_ecdsa_verify_digest(c, pub, 2 * n, d, ot_hash_size(pairs[i].hash), sig, 2 * n));
    /* A different message or a flipped bit fails. */
    assert_ot_code(ot_ecdsa_verify(c, pairs[i].hash, pub, 2 * n, sample, 5, sig, 2 * n),
                   OT_E_VERIFY);
    sig[n + 3] ^= 0x10;
    assert_ot_code(ot_ecdsa_verify(c, pairs[i].hash, pub, 2 * n, sample, 6, sig, 2 * n),
                   OT_E_VERIFY);
  }
  ot_drbg_uninstantiate(&drbg);
}

/* FIPS 186-5 §6.4.2 step 1: r and s must lie in [1, n-1]. */
static void test_signature_range_checks(void **state) {
  (void)state;
  uint8_t *pub = hex(rfc6979_pub, 64), *good = hex(rfc6979_sig, 64);
  uint8_t sig[64];
  static const uint8_t n256[32] = {0xff, 0xff, 0xff, 0xff, 0,    0,    0,    0,    0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
                                   0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};
  struct {
    int half;  /* 0: r, 1: s */
    int value; /* 0: zero, 1: n, 2: all ones */
  } cases[] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 2}, {1, 2}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    memcpy(sig, good, 64);
    uint8_t *half = sig + 32 * cases[i].half;
    if (cases[i].value == 0) memset(half, 0, 32);
    if (cases[i].value == 1) memcpy(half, n256, 32);
    if (cases[i].value == 2) memset(half, 0xff, 32);
    assert_ot_code(ot_ecdsa_verify(OT_CURVE_P256, OT_HASH_SHA256, pub, 64, sample, 6, sig, 64),
                   OT_E_VERIFY);
  }
  /* n - 1 is in range, so a wrong signature with it fails the check itself. */
  memcpy(sig, good, 64);
  memcpy(sig + 32, n256, 32);
  sig[63] -= 1;
  assert_ot_code(ot_ecdsa_verify(OT_CURVE_P256, OT_HASH_SHA256, pub, 64, sample, 6, sig, 64),
                 OT_E_VERIFY);
  /* Lengths other than 2n. */
  assert_ot_code(ot_ecdsa_verify(OT_CURVE_P256, OT_HASH_SHA256, pub, 64, sample, 6, good, 63),
                 OT_E_VERIFY);
  assert_ot_code(ot_ecdsa_verify(OT_CURVE_P256, OT_HASH_SHA256, pub, 64, sample, 6, good, 0),
                 OT_E_VERIFY);
  free(pub);
  free(good);
}

static void test_invalid_public_keys(void **state) {
  (void)state;
  uint8_t *pub = hex(rfc6979_pub, 64), *sig = hex(rfc6979_sig, 64);
  uint8_t bad[64];
  memcpy(bad, pub, 64);
  bad[63] ^= 1; /* off the curve */
  assert_ot_code(ot_ecdsa_verify(OT_CURVE_P256, OT_HASH_SHA256, bad, 64, sample, 6, sig, 64),
                 OT_E_BAD_KEY);
  memset(bad, 0, 64); /* (0, 0): no point, and the usual infinity encoding */
  assert_ot_code(ot_ecdsa_verify(OT_CURVE_P256, OT_HASH_SHA256, bad, 64, sample, 6, sig, 64),
                 OT_E_BAD_KEY);
  memset(bad, 0xff, 64); /* coordinates >= p */
  assert_ot_code(ot_ecdsa_verify(OT_CURVE_P256, OT_HASH_SHA256, bad, 64, sample, 6, sig, 64),
                 OT_E_BAD_KEY);
  assert_ot_code(ot_ecdsa_verify(OT_CURVE_P256, OT_HASH_SHA256, pub, 65, sample, 6, sig, 64),
                 OT_E_BAD_KEY);
  assert_ot_code(ot_ecdsa_verify(OT_CURVE_P384, OT_HASH_SHA384, pub, 64, sample, 6, sig, 64),
                 OT_E_BAD_KEY);
  free(pub);
  free(sig);
}

static void test_bad_private_scalars(void **state) {
  (void)state;
  uint8_t priv[48], sig[96];
  memset(priv, 0, sizeof priv);
  assert_ot_code(ot_ecdsa_sign(OT_CURVE_P256, OT_HASH_SHA256, priv, 32, sample, 6, sig, 64),
                 OT_E_BAD_KEY);
  memset(priv, 0xff, sizeof priv);
  assert_ot_code(ot_ecdsa_sign(OT_CURVE_P384, OT_HASH_SHA384, priv, 48, sample, 6, sig, 96),
                 OT_E_BAD_KEY);
  priv[0] = 1;
  assert_ot_code(ot_ecdsa_sign(OT_CURVE_P256, OT_HASH_SHA256, priv, 31, sample, 6, sig, 64),
                 OT_E_BAD_KEY);
  uint8_t *good = hex(rfc6979_priv, 32);
  assert_ot_code(ot_ecdsa_sign(OT_CURVE_P256, OT_HASH_SHA256, good, 32, sample, 6, sig, 63),
                 OT_E_NO_SPACE);
  assert_ot_code(ot_ecdsa_sign(OT_CURVE_ED25519, OT_HASH_SHA256, good, 32, sample, 6, sig, 64),
                 OT_E_UNSUPPORTED);
  assert_ot_code(ot_ecdsa_sign(OT_CURVE_P256, (ot_hash_alg)0, good, 32, sample, 6, sig, 64),
                 OT_E_UNSUPPORTED);
  assert_ot_code(ot_ecdsa_sign_digest(OT_CURVE_P256, good, 32, sample, 0, sig, 64), OT_E_ARG);
  free(good);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wycheproof_p256_sha256),  cmocka_unit_test(test_wycheproof_p384_sha384),
      cmocka_unit_test(test_rfc6979_known_signature), cmocka_unit_test(test_sign_verify_round_trip),
      cmocka_unit_test(test_signature_range_checks),  cmocka_unit_test(test_invalid_public_keys),
      cmocka_unit_test(test_bad_private_scalars),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
