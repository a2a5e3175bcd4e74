/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AEAD: every Wycheproof AES-GCM and ChaCha20-Poly1305 case our parameters
 * express (256-bit key, 96-bit nonce, 128-bit tag; the others are skipped
 * and counted), the IDE 96-bit tag, key reuse, the incremental form, tag
 * failures that release no plaintext, misuse, and zeroization on clear.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"
#include "wycheproof.h"

static bool all_zero(const uint8_t *p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; i++) acc |= p[i];
  return acc == 0;
}

/* Seals and opens with the incremental calls, splitting data and AAD unevenly. */
static void incremental_roundtrip(ot_aead_key *k, const uint8_t nonce[12], const uint8_t *aad,
                                  size_t aad_len, const uint8_t *pt, size_t len,
                                  const uint8_t *ct_want, const uint8_t *tag_want) {
  uint8_t *out = malloc(len + 1);
  uint8_t tag[16];
  assert_non_null(out);
  size_t a1 = aad_len / 3, d1 = len / 3;
  assert_ot_ok(ot_aead_begin(k, OT_AEAD_SEAL, nonce));
  assert_ot_ok(ot_aead_aad(k, aad, a1));
  assert_ot_ok(ot_aead_aad(k, aad + a1, aad_len - a1));
  assert_ot_ok(ot_aead_update(k, pt, d1, out));
  assert_ot_ok(ot_aead_update(k, pt + d1, len - d1, out + d1));
  assert_ot_ok(ot_aead_finish_seal(k, tag, sizeof tag));
  assert_memory_equal(out, ct_want, len);
  assert_memory_equal(tag, tag_want, k->tag_len);
  assert_ot_ok(ot_aead_begin(k, OT_AEAD_OPEN, nonce));
  assert_ot_ok(ot_aead_aad(k, aad, aad_len));
  assert_ot_ok(ot_aead_update(k, ct_want, d1, out));
  assert_ot_ok(ot_aead_update(k, ct_want + d1, len - d1, out + d1));
  assert_ot_ok(ot_aead_finish_open(k, tag_want, k->tag_len));
  assert_memory_equal(out, pt, len);
  free(out);
}

static void run_file(const char *name, const char *alg_name, ot_aead_alg alg, int key_bits,
                     size_t want_valid, size_t want_invalid, size_t want_skipped) {
  ts_wp_iter it;
  ts_wp_open(&it, name, alg_name);
  while (ts_wp_next(&it)) {
    if (ts_wp_group_int(&it, "keySize") != key_bits || ts_wp_group_int(&it, "ivSize") != 96 ||
        ts_wp_group_int(&it, "tagSize") != 128) {
      ts_wp_skip(&it); /* another key size, or what the API cannot express: AES-192, nonce sizes */
      continue;
    }
    size_t key_len, iv_len, aad_len, msg_len, ct_len, tag_len;
    uint8_t *key = ts_wp_test_hex(&it, "key", &key_len);
    uint8_t *iv = ts_wp_test_hex(&it, "iv", &iv_len);
    uint8_t *aad = ts_wp_test_hex(&it, "aad", &aad_len);
    uint8_t *msg = ts_wp_test_hex(&it, "msg", &msg_len);
    uint8_t *ct = ts_wp_test_hex(&it, "ct", &ct_len);
    uint8_t *tag = ts_wp_test_hex(&it, "tag", &tag_len);
    assert_int_equal(iv_len, 12);
    assert_int_equal(ct_len, msg_len);
    ot_aead_key k;
    assert_ot_ok(ot_aead_key_init(&k, alg, key, key_len, 16));
    uint8_t *out = malloc(msg_len + 1);
    assert_non_null(out);
    memset(out, 0xaa, msg_len + 1);
    ot_status st = ot_aead_open(&k, iv, aad, aad_len, ct, ct_len, tag, tag_len, out);
    if (ot_ok(st)) {
      assert_memory_equal(out, msg, msg_len);
    } else {
      assert_int_equal(st.code, OT_E_DECRYPT);
      assert_true(all_zero(out, msg_len)); /* no unauthenticated plaintext */
    }
    ts_wp_check(&it, ot_ok(st));
    if (ts_wp_result_of(&it) == TS_WP_VALID) {
      uint8_t t[16];
      assert_ot_ok(ot_aead_seal(&k, iv, aad, aad_len, msg, msg_len, out, t, sizeof t));
      assert_memory_equal(out, ct, ct_len);
      assert_memory_equal(t, tag, 16);
      incremental_roundtrip(&k, iv, aad, aad_len, msg, msg_len, ct, tag);
    }
    ot_aead_key_clear(&k);
    free(key);
    free(iv);
    free(aad);
    free(msg);
    free(ct);
    free(tag);
    free(out);
  }
  assert_int_equal(it.valid_passed, want_valid);
  assert_int_equal(it.invalid_rejected, want_invalid);
  assert_int_equal(it.skipped, want_skipped);
  assert_int_equal(it.acceptable_run, 0);
  ts_wp_close(&it);
}

static void test_wycheproof_aes_gcm(void **state) {
  (void)state;
  /* 316 cases: 39 valid + 27 invalid with AES-256/96-bit IV; 250 other parameter sets. */
  run_file("aes_gcm_test.json", "AES-GCM", OT_AEAD_AES256_GCM, 256, 39, 27, 250);
}

static void test_wycheproof_aes128_gcm(void **state) {
  (void)state;
  /* 316 cases: 40 valid + 27 invalid with AES-128/96-bit IV; 249 other parameter sets. */
  run_file("aes_gcm_test.json", "AES-GCM", OT_AEAD_AES128_GCM, 128, 40, 27, 249);
}

static void test_wycheproof_chacha20_poly1305(void **state) {
  (void)state;
  /* 325 cases: 256 valid + 60 invalid with a 96-bit nonce; 9 with other nonce sizes. */
  run_file("chacha20_poly1305_test.json", "CHACHA20-POLY1305", OT_AEAD_CHACHA20_POLY1305, 256, 256,
           60, 9);
}

static const uint8_t key32[32] = {0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9};
static const uint8_t nonce1[12] = {0, 0, 0, 1};
static const uint8_t nonce2[12] = {0, 0, 0, 2};
static const uint8_t aad[20] = "IDE TLP header bytes";

/* SP 800-38D §5.2.1.2: the 96-bit IDE MAC is the leftmost 96 bits of the full tag. */
static void test_gcm_96_bit_tag(void **state) {
  (void)state;
  uint8_t pt[64], ct16[64], ct12[64], out[64], tag16[16], tag12[16];
  for (size_t i = 0; i < sizeof pt; i++) pt[i] = (uint8_t)i;
  ot_aead_key k16, k12;
  assert_ot_ok(ot_aead_key_init(&k16, OT_AEAD_AES256_GCM, key32, 32, 16));
  assert_ot_ok(ot_aead_key_init(&k12, OT_AEAD_AES256_GCM, key32, 32, OT_AEAD_TAG_IDE));
  assert_ot_ok(ot_aead_seal(&k16, nonce1, aad, sizeof aad, pt, 64, ct16, tag16, 16));
  assert_ot_ok(ot_aead_seal(&k12, nonce1, aad, sizeof aad, pt, 64, ct12, tag12, 12));
  assert_memory_equal(ct12, ct16, 64);
  assert_memory_equal(tag12, tag16, 12);
  assert_ot_ok(ot_aead_open(&k12, nonce1, aad, sizeof aad, ct12, 64, tag12, 12, out));
  assert_memory_equal(out, pt, 64);
  /* A 16-byte tag on a 12-byte key, or 12 on 16: wrong length, rejected. */
  assert_ot_code(ot_aead_open(&k12, nonce1, aad, sizeof aad, ct12, 64, tag16, 16, out),
                 OT_E_DECRYPT);
  assert_ot_code(ot_aead_open(&k16, nonce1, aad, sizeof aad, ct16, 64, tag16, 12, out),
                 OT_E_DECRYPT);
  tag12[11] ^= 0x80;
  assert_ot_code(ot_aead_open(&k12, nonce1, aad, sizeof aad, ct12, 64, tag12, 12, out),
                 OT_E_DECRYPT);
  assert_true(all_zero(out, 64));
  ot_aead_key_clear(&k16);
  ot_aead_key_clear(&k12);
}

/* One key context, many messages: each equals a freshly keyed context's result. */
static void test_key_reuse_across_messages(void **state) {
  (void)state;
  for (ot_aead_alg alg = OT_AEAD_AES256_GCM; alg <= OT_AEAD_CHACHA20_POLY1305; alg++) {
    ot_aead_key k;
    assert_ot_ok(ot_aead_key_init(&k, alg, key32, 32, 16));
    uint8_t pt[100], ct[100], out[100], tag[16];
    for (size_t i = 0; i < sizeof pt; i++) pt[i] = (uint8_t)(i * 7);
    for (int round = 0; round < 3; round++) {
      const uint8_t *nonce = round % 2 ? nonce2 : nonce1;
      assert_ot_ok(ot_aead_seal(&k, nonce, aad, sizeof aad, pt, sizeof pt, ct, tag, 16));
      ot_aead_key fresh;
      uint8_t ct2[100], tag2[16];
      assert_ot_ok(ot_aead_key_init(&fresh, alg, key32, 32, 16));
      assert_ot_ok(ot_aead_seal(&fresh, nonce, aad, sizeof aad, pt, sizeof pt, ct2, tag2, 16));
      ot_aead_key_clear(&fresh);
      assert_memory_equal(ct, ct2, sizeof ct);
      assert_memory_equal(tag, tag2, 16);
      assert_ot_ok(ot_aead_open(&k, nonce, aad, sizeof aad, ct, sizeof ct, tag, 16, out));
      assert_memory_equal(out, pt, sizeof pt);
    }
    ot_aead_key_clear(&k);
  }
}

/* Wrong tag, truncated tag, wrong AAD, wrong nonce: OT_E_DECRYPT and zeroed output. */
static void test_open_failures_release_nothing(void **state) {
  (void)state;
  for (ot_aead_alg alg = OT_AEAD_AES256_GCM; alg <= OT_AEAD_CHACHA20_POLY1305; alg++) {
    ot_aead_key k;
    assert_ot_ok(ot_aead_key_init(&k, alg, key32, 32, 16));
    uint8_t pt[48], ct[48], out[48], tag[16];
    memset(pt, 0x5c, sizeof pt);
    assert_ot_ok(ot_aead_seal(&k, nonce1, aad, sizeof aad, pt, sizeof pt, ct, tag, 16));

    memset(out, 0xaa, sizeof out);
    tag[0] ^= 1;
    assert_ot_code(ot_aead_open(&k, nonce1, aad, sizeof aad, ct, 48, tag, 16, out), OT_E_DECRYPT);
    assert_true(all_zero(out, sizeof out));
    tag[0] ^= 1;

    memset(out, 0xaa, sizeof out);
    assert_ot_code(ot_aead_open(&k, nonce1, aad, sizeof aad, ct, 48, tag, 15, out), OT_E_DECRYPT);
    assert_true(all_zero(out, sizeof out));
    assert_ot_code(ot_aead_open(&k, nonce1, aad, sizeof aad, ct, 48, tag, 0, out), OT_E_DECRYPT);
    assert_ot_code(ot_aead_open(&k, nonce1, aad, sizeof aad, ct, 48, NULL, 16, out), OT_E_DECRYPT);

    memset(out, 0xaa, sizeof out);
    assert_ot_code(ot_aead_open(&k, nonce1, aad, sizeof aad - 1, ct, 48, tag, 16, out),
                   OT_E_DECRYPT);
    assert_true(all_zero(out, sizeof out));

    memset(out, 0xaa, sizeof out);
    assert_ot_code(ot_aead_open(&k, nonce2, aad, sizeof aad, ct, 48, tag, 16, out), OT_E_DECRYPT);
    assert_true(all_zero(out, sizeof out));

    /* Ciphertext bit flip. */
    ct[47] ^= 4;
    assert_ot_code(ot_aead_open(&k, nonce1, aad, sizeof aad, ct, 48, tag, 16, out), OT_E_DECRYPT);
    ct[47] ^= 4;
    /* After all that, the key still works. */
    assert_ot_ok(ot_aead_open(&k, nonce1, aad, sizeof aad, ct, 48, tag, 16, out));
    assert_memory_equal(out, pt, 48);
    ot_aead_key_clear(&k);
  }
}

static void test_in_place(void **state) {
  (void)state;
  ot_aead_key k;
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key32, 32, 16));
  uint8_t buf[33], ref[33], tag[16];
  for (size_t i = 0; i < sizeof buf; i++) ref[i] = buf[i] = (uint8_t)(200 - i);
  assert_ot_ok(ot_aead_seal(&k, nonce1, NULL, 0, buf, sizeof buf, buf, tag, sizeof tag));
  assert_memory_not_equal(buf, ref, sizeof buf);
  assert_ot_ok(ot_aead_open(&k, nonce1, NULL, 0, buf, sizeof buf, tag, 16, buf));
  assert_memory_equal(buf, ref, sizeof buf);
  ot_aead_key_clear(&k);
}

static void test_key_setup_errors(void **state) {
  (void)state;
  ot_aead_key k;
  static const ot_aead_key zero;
  uint8_t big[33] = {0};
  assert_ot_code(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, big, 16, 16), OT_E_BAD_KEY);
  assert_memory_equal(&k, &zero, sizeof k);
  assert_ot_code(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, big, 31, 16), OT_E_BAD_KEY);
  assert_ot_code(ot_aead_key_init(&k, OT_AEAD_CHACHA20_POLY1305, big, 33, 16), OT_E_BAD_KEY);
  assert_ot_code(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, NULL, 32, 16), OT_E_BAD_KEY);
  assert_ot_code(ot_aead_key_init(&k, OT_AEAD_CHACHA20_POLY1305, big, 32, 12), OT_E_UNSUPPORTED);
  assert_ot_code(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, big, 32, 8), OT_E_UNSUPPORTED);
  assert_ot_code(ot_aead_key_init(&k, (ot_aead_alg)9, big, 32, 16), OT_E_UNSUPPORTED);
  assert_memory_equal(&k, &zero, sizeof k);
}

/* AES-128-GCM takes exactly 16 key bytes, and the 12-byte IDE tag like AES-256-GCM. */
static void test_aes128_key_size(void **state) {
  (void)state;
  ot_aead_key k;
  static const ot_aead_key zero;
  uint8_t pt[20] = "aes-128 round trip..", ct[20], out[20], tag[16];
  assert_int_equal(ot_aead_key_size(OT_AEAD_AES128_GCM), 16);
  assert_int_equal(ot_aead_key_size(OT_AEAD_AES256_GCM), 32);
  assert_int_equal(ot_aead_key_size(OT_AEAD_CHACHA20_POLY1305), 32);
  assert_int_equal(ot_aead_key_size((ot_aead_alg)9), 0);
  assert_ot_code(ot_aead_key_init(&k, OT_AEAD_AES128_GCM, key32, 32, 16), OT_E_BAD_KEY);
  assert_memory_equal(&k, &zero, sizeof k);
  assert_ot_code(ot_aead_key_init(&k, OT_AEAD_AES128_GCM, key32, 15, 16), OT_E_BAD_KEY);
  assert_ot_code(ot_aead_key_init(&k, OT_AEAD_AES128_GCM, key32, 16, 8), OT_E_UNSUPPORTED);
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES128_GCM, key32, 16, OT_AEAD_TAG_IDE));
  assert_ot_ok(ot_aead_seal(&k, nonce1, aad, sizeof aad, pt, sizeof pt, ct, tag, sizeof tag));
  assert_ot_ok(ot_aead_open(&k, nonce1, aad, sizeof aad, ct, sizeof ct, tag, OT_AEAD_TAG_IDE, out));
  assert_memory_equal(out, pt, sizeof pt);
  ot_aead_key_clear(&k);
  /* The same first 16 key bytes under AES-256 give a different cipher text. */
  uint8_t ct256[20];
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key32, 32, 16));
  assert_ot_ok(ot_aead_seal(&k, nonce1, aad, sizeof aad, pt, sizeof pt, ct256, tag, sizeof tag));
  assert_memory_not_equal(ct, ct256, sizeof ct);
  ot_aead_key_clear(&k);
}

static void test_incremental_order_enforced(void **state) {
  (void)state;
  ot_aead_key k;
  uint8_t buf[16] = {0}, tag[16];
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key32, 32, 16));
  assert_ot_code(ot_aead_update(&k, buf, 16, buf), OT_E_STATE); /* no begin */
  assert_ot_code(ot_aead_aad(&k, buf, 16), OT_E_STATE);
  assert_ot_code(ot_aead_finish_seal(&k, tag, 16), OT_E_STATE);
  assert_ot_ok(ot_aead_begin(&k, OT_AEAD_SEAL, nonce1));
  assert_ot_ok(ot_aead_update(&k, buf, 16, buf));
  assert_ot_code(ot_aead_aad(&k, buf, 16), OT_E_STATE);         /* AAD after data */
  assert_ot_code(ot_aead_finish_open(&k, tag, 16), OT_E_STATE); /* wrong direction */
  assert_ot_code(ot_aead_finish_seal(&k, tag, 15), OT_E_NO_SPACE);
  assert_ot_ok(ot_aead_finish_seal(&k, tag, 16));
  assert_ot_code(ot_aead_finish_seal(&k, tag, 16), OT_E_STATE); /* twice */
  assert_ot_code(ot_aead_begin(&k, (ot_aead_dir)0, nonce1), OT_E_ARG);
  ot_aead_key_clear(&k);
}

/* Clearing zeroizes the context and frees the cipher; a cleared key refuses work. */
static void test_clear_zeroizes(void **state) {
  (void)state;
  ot_aead_key k;
  static const ot_aead_key zero;
  uint8_t buf[16] = {0}, tag[16];
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_CHACHA20_POLY1305, key32, 32, 16));
  assert_non_null(k.evp);
  ot_aead_key_clear(&k);
  assert_memory_equal(&k, &zero, sizeof k);
  assert_ot_code(ot_aead_seal(&k, nonce1, NULL, 0, buf, 16, buf, tag, 16), OT_E_STATE);
  memset(buf, 0xaa, sizeof buf);
  assert_ot_code(ot_aead_open(&k, nonce1, NULL, 0, buf, 16, tag, 16, buf), OT_E_STATE);
  assert_true(all_zero(buf, sizeof buf));
  ot_aead_key_clear(&k); /* idempotent */
  ot_aead_key_clear(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wycheproof_aes_gcm),
      cmocka_unit_test(test_wycheproof_aes128_gcm),
      cmocka_unit_test(test_aes128_key_size),
      cmocka_unit_test(test_wycheproof_chacha20_poly1305),
      cmocka_unit_test(test_gcm_96_bit_tag),
      cmocka_unit_test(test_key_reuse_across_messages),
      cmocka_unit_test(test_open_failures_release_nothing),
      cmocka_unit_test(test_in_place),
      cmocka_unit_test(test_key_setup_errors),
      cmocka_unit_test(test_incremental_order_enforced),
      cmocka_unit_test(test_clear_zeroizes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
