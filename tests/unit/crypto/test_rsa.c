/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSA signatures (RFC 8017 §8.1 PSS with sLen = hLen and MGF1 over the same
 * hash, §8.2 PKCS#1 v1.5), as SPDM's RSASSA/RSAPSS BaseAsymAlgo bits use
 * them: round trips with the DMTF sample keys and a generated key, the
 * refusals (another padding, another key size, a flipped bit, a short
 * signature, bad public keys).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/secure.h"
#include "opentsm/x509.h"
#include "testsupport.h"

static const uint8_t msg[] = "dmtf-spdm-v1.2.*dmtf-spdm-v1.2.*";
#define MSG_LEN (sizeof msg - 1)

/* The sample key and its leaf certificate's public key (n || e). */
static uint8_t *load(const char *dir, size_t *priv_len, ot_curve *type, uint8_t *pub,
                     size_t *pub_len) {
  char path[128];
  snprintf(path, sizeof path, "spdm-emu/sample_key/%s/end_responder.key.der", dir);
  size_t file_len = 0;
  uint8_t *file = ts_read_vector(path, &file_len);
  uint8_t *priv = malloc(OT_PRIVATE_KEY_MAX);
  assert_non_null(priv);
  ot_curve kt = 0;
  assert_ot_ok(ot_x509_private_key_raw(file, file_len, &kt, priv, OT_PRIVATE_KEY_MAX, priv_len));
  free(file);
  snprintf(path, sizeof path, "spdm-emu/sample_key/%s/end_responder.cert.der", dir);
  uint8_t *cert_der = ts_read_vector(path, &file_len);
  ot_x509_chain chain;
  assert_ot_ok(ot_x509_chain_parse(cert_der, file_len, &chain));
  ot_curve ct = 0;
  assert_ot_ok(
      ot_x509_public_key(ot_x509_chain_leaf(&chain), &ct, pub, OT_PUBLIC_KEY_MAX, pub_len));
  assert_int_equal(ct, kt);
  free(cert_der);
  *type = kt;
  return priv;
}

static void roundtrip(const char *dir, ot_curve want, ot_hash_alg hash) {
  size_t priv_len = 0, pub_len = 0;
  ot_curve type = 0;
  uint8_t pub[OT_PUBLIC_KEY_MAX], derived[OT_PUBLIC_KEY_MAX], sig[OT_SIGNATURE_MAX];
  uint8_t *priv = load(dir, &priv_len, &type, pub, &pub_len);
  assert_int_equal(type, want);
  size_t k = ot_curve_size(want);
  assert_int_equal(pub_len, k + 4);
  assert_ot_ok(ot_rsa_public(want, priv, priv_len, derived, sizeof derived));
  assert_memory_equal(derived, pub, pub_len);
  for (int s = OT_SIG_RSASSA; s <= OT_SIG_RSAPSS; s++) {
    size_t sig_len = 0;
    assert_ot_ok(
        ot_sig_sign(s, want, hash, priv, priv_len, msg, MSG_LEN, sig, sizeof sig, &sig_len));
    assert_int_equal(sig_len, k);
    assert_ot_ok(ot_sig_verify(s, want, hash, pub, pub_len, msg, MSG_LEN, sig, sig_len));
    /* The other padding, another message, a flipped bit, a short signature. */
    int other = s == OT_SIG_RSASSA ? OT_SIG_RSAPSS : OT_SIG_RSASSA;
    assert_ot_code(ot_sig_verify(other, want, hash, pub, pub_len, msg, MSG_LEN, sig, sig_len),
                   OT_E_VERIFY);
    assert_ot_code(ot_sig_verify(s, want, hash, pub, pub_len, msg, MSG_LEN - 1, sig, sig_len),
                   OT_E_VERIFY);
    sig[k / 2] ^= 0x04;
    assert_ot_code(ot_sig_verify(s, want, hash, pub, pub_len, msg, MSG_LEN, sig, sig_len),
                   OT_E_VERIFY);
    sig[k / 2] ^= 0x04;
    assert_ot_code(ot_sig_verify(s, want, hash, pub, pub_len, msg, MSG_LEN, sig, sig_len - 1),
                   OT_E_VERIFY);
    /* Another hash than the one signed with. */
    ot_hash_alg h2 = hash == OT_HASH_SHA256 ? OT_HASH_SHA384 : OT_HASH_SHA256;
    assert_ot_code(ot_sig_verify(s, want, h2, pub, pub_len, msg, MSG_LEN, sig, sig_len),
                   OT_E_VERIFY);
    /* The key of another size than the negotiated algorithm names (DSP0274 §10.4). */
    ot_curve wrong = want == OT_KEY_RSA2048 ? OT_KEY_RSA3072 : OT_KEY_RSA2048;
    assert_ot_code(ot_sig_verify(s, wrong, hash, pub, pub_len, msg, MSG_LEN, sig, sig_len),
                   OT_E_BAD_KEY);
    assert_ot_code(
        ot_sig_sign(s, wrong, hash, priv, priv_len, msg, MSG_LEN, sig, sizeof sig, &sig_len),
        OT_E_BAD_KEY);
    /* An RSA key with an ECDSA scheme does not go together. */
    assert_ot_code(ot_sig_verify(OT_SIG_ECDSA, want, hash, pub, pub_len, msg, MSG_LEN, sig, k),
                   OT_E_UNSUPPORTED);
  }
  ot_zeroize(priv, OT_PRIVATE_KEY_MAX);
  free(priv);
}

static void test_rsa2048_sample(void **state) {
  (void)state;
  roundtrip("rsa2048", OT_KEY_RSA2048, OT_HASH_SHA256);
}
static void test_rsa3072_sample(void **state) {
  (void)state;
  roundtrip("rsa3072", OT_KEY_RSA3072, OT_HASH_SHA384);
}
static void test_rsa4096_sample(void **state) {
  (void)state;
  roundtrip("rsa4096", OT_KEY_RSA4096, OT_HASH_SHA512);
}

/* PSS is randomized (the salt), PKCS#1 v1.5 deterministic: two signatures compare so. */
static void test_rsa_padding_shapes(void **state) {
  (void)state;
  size_t priv_len = 0, pub_len = 0;
  ot_curve type = 0;
  uint8_t pub[OT_PUBLIC_KEY_MAX], a[OT_SIGNATURE_MAX], b[OT_SIGNATURE_MAX];
  uint8_t *priv = load("rsa2048", &priv_len, &type, pub, &pub_len);
  assert_ot_ok(ot_rsa_sign(type, OT_RSA_PKCS1_V15, OT_HASH_SHA256, priv, priv_len, msg, MSG_LEN,
                           a, sizeof a));
  assert_ot_ok(ot_rsa_sign(type, OT_RSA_PKCS1_V15, OT_HASH_SHA256, priv, priv_len, msg, MSG_LEN,
                           b, sizeof b));
  assert_memory_equal(a, b, 256);
  /* PSS draws a fresh salt each time (RFC 8017 §9.1.1 step 4). */
  assert_ot_ok(
      ot_rsa_sign(type, OT_RSA_PSS, OT_HASH_SHA256, priv, priv_len, msg, MSG_LEN, a, sizeof a));
  assert_ot_ok(
      ot_rsa_sign(type, OT_RSA_PSS, OT_HASH_SHA256, priv, priv_len, msg, MSG_LEN, b, sizeof b));
  assert_memory_not_equal(a, b, 256);
  /* A short output buffer. */
  assert_ot_code(ot_rsa_sign(type, OT_RSA_PSS, OT_HASH_SHA256, priv, priv_len, msg, MSG_LEN, a,
                             255),
                 OT_E_NO_SPACE);
  /* A damaged private key. */
  assert_ot_code(ot_rsa_sign(type, OT_RSA_PSS, OT_HASH_SHA256, priv, priv_len - 1, msg, MSG_LEN,
                             a, sizeof a),
                 OT_E_BAD_KEY);
  ot_zeroize(priv, OT_PRIVATE_KEY_MAX);
  free(priv);
}

/* Bad public keys: even modulus, short modulus, exponent 1 or even. */
static void test_rsa_bad_public(void **state) {
  (void)state;
  size_t priv_len = 0, pub_len = 0, sig_len = 0;
  ot_curve type = 0;
  uint8_t pub[OT_PUBLIC_KEY_MAX], sig[OT_SIGNATURE_MAX];
  uint8_t *priv = load("rsa2048", &priv_len, &type, pub, &pub_len);
  assert_ot_ok(ot_sig_sign(OT_SIG_RSAPSS, type, OT_HASH_SHA256, priv, priv_len, msg, MSG_LEN, sig,
                           sizeof sig, &sig_len));
  uint8_t bad[OT_PUBLIC_KEY_MAX];
  memcpy(bad, pub, pub_len);
  bad[255] ^= 1; /* even n */
  assert_ot_code(ot_rsa_verify(type, OT_RSA_PSS, OT_HASH_SHA256, bad, pub_len, msg, MSG_LEN, sig,
                               sig_len),
                 OT_E_BAD_KEY);
  memcpy(bad, pub, pub_len);
  bad[0] = 0x7f; /* a 2047-bit modulus */
  assert_ot_code(ot_rsa_verify(type, OT_RSA_PSS, OT_HASH_SHA256, bad, pub_len, msg, MSG_LEN, sig,
                               sig_len),
                 OT_E_BAD_KEY);
  memcpy(bad, pub, pub_len);
  memcpy(bad + 256, "\x00\x00\x00\x01", 4); /* e = 1 */
  assert_ot_code(ot_rsa_verify(type, OT_RSA_PSS, OT_HASH_SHA256, bad, pub_len, msg, MSG_LEN, sig,
                               sig_len),
                 OT_E_BAD_KEY);
  memcpy(bad + 256, "\x00\x01\x00\x00", 4); /* e even */
  assert_ot_code(ot_rsa_verify(type, OT_RSA_PSS, OT_HASH_SHA256, bad, pub_len, msg, MSG_LEN, sig,
                               sig_len),
                 OT_E_BAD_KEY);
  assert_ot_code(ot_rsa_verify(type, OT_RSA_PSS, OT_HASH_SHA256, pub, pub_len - 1, msg, MSG_LEN,
                               sig, sig_len),
                 OT_E_BAD_KEY);
  ot_zeroize(priv, OT_PRIVATE_KEY_MAX);
  free(priv);
}

static void test_rsa_generate(void **state) {
  (void)state;
  uint8_t *priv = malloc(OT_PRIVATE_KEY_MAX);
  assert_non_null(priv);
  uint8_t pub[OT_PUBLIC_KEY_MAX], derived[OT_PUBLIC_KEY_MAX], sig[OT_SIGNATURE_MAX];
  size_t priv_len = 0, sig_len = 0;
  assert_ot_ok(
      ot_rsa_generate(OT_KEY_RSA2048, priv, OT_PRIVATE_KEY_MAX, &priv_len, pub, sizeof pub));
  assert_true(priv_len > 1000 && priv_len < OT_PRIVATE_KEY_MAX);
  assert_ot_ok(ot_rsa_public(OT_KEY_RSA2048, priv, priv_len, derived, sizeof derived));
  assert_memory_equal(pub, derived, 260);
  assert_memory_equal(pub + 256, "\x00\x01\x00\x01", 4); /* e = 65537 */
  assert_ot_ok(ot_sig_sign(OT_SIG_RSASSA, OT_KEY_RSA2048, OT_HASH_SHA384, priv, priv_len, msg,
                           MSG_LEN, sig, sizeof sig, &sig_len));
  assert_ot_ok(ot_sig_verify(OT_SIG_RSASSA, OT_KEY_RSA2048, OT_HASH_SHA384, pub, 260, msg,
                             MSG_LEN, sig, sig_len));
  /* A private key buffer too small for the DER. */
  assert_ot_code(ot_rsa_generate(OT_KEY_RSA2048, priv, 100, &priv_len, pub, sizeof pub),
                 OT_E_NO_SPACE);
  assert_ot_code(ot_rsa_generate(OT_CURVE_P256, priv, OT_PRIVATE_KEY_MAX, &priv_len, pub,
                                 sizeof pub),
                 OT_E_UNSUPPORTED);
  ot_zeroize(priv, OT_PRIVATE_KEY_MAX);
  free(priv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rsa2048_sample),     cmocka_unit_test(test_rsa3072_sample),
      cmocka_unit_test(test_rsa4096_sample),     cmocka_unit_test(test_rsa_padding_shapes),
      cmocka_unit_test(test_rsa_bad_public),     cmocka_unit_test(test_rsa_generate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
