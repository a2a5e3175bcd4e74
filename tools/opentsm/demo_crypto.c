/* SPDX-License-Identifier: BSD-3-Clause */
/* Demo steps for the crypto layer: reproducible keys, signatures, ECDHE, AEAD, X.509. */
#include <stdio.h>
#include <string.h>

#include "demo.h"
#include "opentsm/crypto.h"
#include "opentsm/secure.h"
#include "opentsm/x509.h"

/* 2026-01-01T00:00:00Z: a fixed "now" so that certificate checks are reproducible. */
#define DEMO_NOW ((time_t)1767225600)
#define DEMO_YEAR ((time_t)365 * 24 * 3600)

static const uint8_t demo_msg[] = "measurement transcript";

ot_status ot_demo_keys_and_signatures(void) {
  ot_drbg d;
  uint8_t priv[48], pub[96], pub_again[96], sig[96];
  OT_GUARD(ot_drbg_seed_u64(&d, ot_demo_seed));
  ot_status st;
  OT_GUARD_GOTO(
      st, ot_key_generate(OT_CURVE_P384, ot_drbg_rng(&d), priv, sizeof priv, pub, sizeof pub), out);
  OT_GUARD_GOTO(st,
                ot_ecdsa_sign(OT_CURVE_P384, OT_HASH_SHA384, priv, 48, demo_msg, sizeof demo_msg,
                              sig, sizeof sig),
                out);
  OT_GUARD_GOTO(
      st,
      ot_ecdsa_verify(OT_CURVE_P384, OT_HASH_SHA384, pub, 96, demo_msg, sizeof demo_msg, sig, 96),
      out);
  sig[10] ^= 0x01;
  st = ot_ecdsa_verify(OT_CURVE_P384, OT_HASH_SHA384, pub, 96, demo_msg, sizeof demo_msg, sig, 96);
  OT_ENSURE_GOTO(st, ot_is(st, OT_E_VERIFY), OT_E_INTERNAL, out);
  /* The same seed gives the same key: demos and tests are reproducible. */
  OT_GUARD_GOTO(st, ot_drbg_seed_u64(&d, ot_demo_seed), out);
  OT_GUARD_GOTO(st,
                ot_key_generate(OT_CURVE_P384, ot_drbg_rng(&d), priv, sizeof priv, pub_again,
                                sizeof pub_again),
                out);
  OT_ENSURE_GOTO(st, memcmp(pub, pub_again, sizeof pub) == 0, OT_E_INTERNAL, out);
  printf(
      "  P-384 key from seed %llu: public X starts %02x%02x%02x%02x..., reproduced from the seed\n",
      (unsigned long long)ot_demo_seed, pub[0], pub[1], pub[2], pub[3]);
  printf("  ECDSA-P384/SHA-384 signature verifies; one flipped bit is refused (OT_E_VERIFY)\n");
  st = OT_SUCCESS;
out:
  ot_zeroize(priv, sizeof priv);
  ot_drbg_uninstantiate(&d);
  return st;
}

ot_status ot_demo_ecdhe(void) {
  ot_drbg d;
  uint8_t a_priv[48], a_pub[96], b_priv[48], b_pub[96], s1[48], s2[48];
  OT_GUARD(ot_drbg_seed_u64(&d, ot_demo_seed + 1));
  ot_status st;
  OT_GUARD_GOTO(st, ot_key_generate(OT_CURVE_P384, ot_drbg_rng(&d), a_priv, 48, a_pub, 96), out);
  OT_GUARD_GOTO(st, ot_key_generate(OT_CURVE_P384, ot_drbg_rng(&d), b_priv, 48, b_pub, 96), out);
  OT_GUARD_GOTO(st, ot_ecdh(OT_CURVE_P384, a_priv, 48, b_pub, 96, s1, sizeof s1), out);
  OT_GUARD_GOTO(st, ot_ecdh(OT_CURVE_P384, b_priv, 48, a_pub, 96, s2, sizeof s2), out);
  OT_ENSURE_GOTO(st, ot_ct_equal(s1, s2, sizeof s1), OT_E_INTERNAL, out);
  /* A point off the curve (Y changed) is refused before any arithmetic. */
  b_pub[95] ^= 0x01;
  st = ot_ecdh(OT_CURVE_P384, a_priv, 48, b_pub, 96, s1, sizeof s1);
  OT_ENSURE_GOTO(st, ot_is(st, OT_E_BAD_KEY), OT_E_INTERNAL, out);
  printf("  secp384r1 ECDHE: both sides derive the same 48-byte secret; an off-curve point is "
         "refused\n");
  st = OT_SUCCESS;
out:
  ot_zeroize(a_priv, sizeof a_priv);
  ot_zeroize(b_priv, sizeof b_priv);
  ot_zeroize(s1, sizeof s1);
  ot_zeroize(s2, sizeof s2);
  ot_drbg_uninstantiate(&d);
  return st;
}

ot_status ot_demo_aead_tamper(void) {
  ot_drbg d;
  uint8_t key[32], nonce[12] = {0}, ct[64], tag[OT_AEAD_TAG_IDE], out_pt[64];
  static const uint8_t aad[12] = "TLP header";
  static const uint8_t pt[64] = "payload that must not be seen or changed on the link";
  OT_GUARD(ot_drbg_seed_u64(&d, ot_demo_seed + 2));
  ot_status st = ot_rng_fill(ot_drbg_rng(&d), key, sizeof key);
  ot_drbg_uninstantiate(&d);
  OT_GUARD(st);
  ot_aead_key k;
  st = ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key, sizeof key, OT_AEAD_TAG_IDE);
  ot_zeroize(key, sizeof key);
  OT_GUARD(st);
  OT_GUARD_GOTO(st, ot_aead_seal(&k, nonce, aad, sizeof aad, pt, sizeof pt, ct, tag, sizeof tag),
                out);
  OT_GUARD_GOTO(
      st, ot_aead_open(&k, nonce, aad, sizeof aad, ct, sizeof ct, tag, sizeof tag, out_pt), out);
  OT_ENSURE_GOTO(st, memcmp(out_pt, pt, sizeof pt) == 0, OT_E_INTERNAL, out);
  ct[7] ^= 0x80;
  st = ot_aead_open(&k, nonce, aad, sizeof aad, ct, sizeof ct, tag, sizeof tag, out_pt);
  OT_ENSURE_GOTO(st, ot_is(st, OT_E_DECRYPT), OT_E_INTERNAL, out);
  for (size_t i = 0; i < sizeof out_pt; i++)
    OT_ENSURE_GOTO(st, out_pt[i] == 0, OT_E_INTERNAL, out);
  printf("  AES-256-GCM with IDE's 96-bit MAC: round trip ok; a flipped ciphertext bit is refused\n"
         "  and no plaintext is released (output zeroed)\n");
  st = OT_SUCCESS;
out:
  ot_aead_key_clear(&k);
  return st;
}

ot_status ot_demo_certificates(void) {
  ot_drbg d;
  uint8_t keys[3][32], pub[64];
  static uint8_t chain_der[3 * 1024];
  size_t chain_len = 0;
  OT_GUARD(ot_drbg_seed_u64(&d, ot_demo_seed + 3));
  ot_status st = OT_SUCCESS;
  for (int i = 0; i < 3 && ot_ok(st); i++)
    st = ot_key_generate(OT_CURVE_P256, ot_drbg_rng(&d), keys[i], 32, pub, sizeof pub);
  ot_drbg_uninstantiate(&d);
  OT_GUARD_GOTO(st, st, out);
  ot_x509_chain_template t = {
      .curve = OT_CURVE_P256,
      .root_private = keys[0],
      .intermediate_private = keys[1],
      .leaf_private = keys[2],
      .not_before = DEMO_NOW - DEMO_YEAR,
      .not_after = DEMO_NOW + 10 * DEMO_YEAR,
      .leaf_eku = OT_X509_EKU_RESPONDER,
      .device_info = "opentsm:demo-gpu:0001",
      .leaf_name = "demo GPU",
  };
  OT_GUARD_GOTO(st, ot_x509_generate_chain(&t, chain_der, sizeof chain_der, &chain_len), out);
  ot_x509_chain chain;
  OT_GUARD_GOTO(st, ot_x509_chain_parse(chain_der, chain_len, &chain), out);
  ot_x509_policy policy = {.now = DEMO_NOW,
                           .role = OT_X509_ROLE_RESPONDER,
                           .model = OT_X509_MODEL_DEVICE,
                           .curve = OT_CURVE_P256};
  ot_x509_leaf_info info;
  ot_x509_verdict verdict;
  OT_GUARD_GOTO(st, ot_x509_chain_verify(&chain, &chain.certs[0], 1, &policy, &info, &verdict),
                out);
  printf(
      "  generated root -> intermediate -> leaf (%zu certificates, %zu bytes DER);\n"
      "  verified to the root at 2026-01-01: leaf \"%s\", responder EKU %s, hardware identity %s\n",
      chain.count, chain_len, info.device_info, info.eku_responder ? "yes" : "no",
      info.hardware_identity ? "yes" : "no");
  /* Ten years and a day later the same chain is refused, and says why. */
  policy.now = DEMO_NOW + 11 * DEMO_YEAR;
  st = ot_x509_chain_verify(&chain, &chain.certs[0], 1, &policy, &info, &verdict);
  OT_ENSURE_GOTO(st, ot_is(st, OT_E_CERT), OT_E_INTERNAL, out);
  printf("  in 2037 the chain is refused: %s (certificate %d)\n",
         ot_x509_reason_string(verdict.reason), verdict.index);
  st = OT_SUCCESS;
out:
  ot_zeroize(keys, sizeof keys);
  return st;
}
