/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AEAD over scattered pieces (ot_aead_seal_gather / ot_aead_open_gather):
 * every Wycheproof AES-GCM and ChaCha20-Poly1305 case our parameters express,
 * split into uneven pieces; equality with the contiguous one-shot for AAD
 * below, at and above the gathering size and for in-place text; failures that
 * release no plaintext from any piece; misuse; and the incremental form
 * abandoned by a gather call.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"
#include "wycheproof.h"

static bool all_zero(const uint8_t *p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; i++)
    acc |= p[i];
  return acc == 0;
}

/* Cuts [0..len) into three pieces (a, b - a, len - b), some possibly empty. */
static void cut3(size_t len, size_t *a, size_t *b) {
  *a = len / 3;
  *b = len - len / 4;
  if (*b < *a) *b = *a;
}

static void run_file(const char *name, const char *alg_name, ot_aead_alg alg, size_t want_valid,
                     size_t want_invalid, size_t want_skipped) {
  ts_wp_iter it;
  ts_wp_open(&it, name, alg_name);
  while (ts_wp_next(&it)) {
    if (ts_wp_group_int(&it, "keySize") != 256 || ts_wp_group_int(&it, "ivSize") != 96 ||
        ts_wp_group_int(&it, "tagSize") != 128) {
      ts_wp_skip(&it); /* parameters the API cannot express */
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
    size_t a1, a2, d1, d2;
    cut3(aad_len, &a1, &a2);
    cut3(msg_len, &d1, &d2);
    ot_aead_aad_part ap[3] = {{aad, a1}, {aad + a1, a2 - a1}, {aad + a2, aad_len - a2}};
    ot_aead_text_part tp[3] = {
        {ct, out, d1}, {ct + d1, out + d1, d2 - d1}, {ct + d2, out + d2, msg_len - d2}};
    ot_status st = ot_aead_open_gather(&k, iv, ap, 3, tp, 3, tag, tag_len);
    if (ot_ok(st)) {
      assert_memory_equal(out, msg, msg_len);
    } else {
      assert_int_equal(st.code, OT_E_DECRYPT);
      assert_true(all_zero(out, msg_len)); /* no unauthenticated plaintext */
    }
    assert_int_equal(out[msg_len], 0xaa); /* nothing written past the pieces */
    ts_wp_check(&it, ot_ok(st));
    if (ts_wp_result_of(&it) == TS_WP_VALID) {
      uint8_t t[16];
      ot_aead_text_part sp[3] = {
          {msg, out, d1}, {msg + d1, out + d1, d2 - d1}, {msg + d2, out + d2, msg_len - d2}};
      assert_ot_ok(ot_aead_seal_gather(&k, iv, ap, 3, sp, 3, t, sizeof t));
      assert_memory_equal(out, ct, ct_len);
      assert_memory_equal(t, tag, 16);
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

static void test_wycheproof_aes_gcm_split(void **state) {
  (void)state;
  run_file("aes_gcm_test.json", "AES-GCM", OT_AEAD_AES256_GCM, 39, 27, 250);
}

static void test_wycheproof_chacha20_poly1305_split(void **state) {
  (void)state;
  run_file("chacha20_poly1305_test.json", "CHACHA20-POLY1305", OT_AEAD_CHACHA20_POLY1305, 256, 60,
           9);
}

static const uint8_t key32[32] = {0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9};
static const uint8_t nonce1[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

/*
 * Many pieces of AAD whose total is below, at and above the size gathered
 * into one update (256 bytes), one piece alone above it, and text in many
 * pieces: ciphertext and tag equal the contiguous one-shot's, for both tag
 * lengths, and open restores the plaintext.
 */
static void test_matches_contiguous(void **state) {
  (void)state;
  static const size_t aad_sizes[] = {0, 1, 20, 160, 255, 256, 257, 300, 1000};
  static const size_t tag_lens[] = {16, OT_AEAD_TAG_IDE};
  uint8_t aad[1000], pt[777], ct[777], ct2[777], back[777], tag[16], tag2[16];
  for (size_t i = 0; i < sizeof aad; i++)
    aad[i] = (uint8_t)(i * 13 + 1);
  for (size_t i = 0; i < sizeof pt; i++)
    pt[i] = (uint8_t)(i * 7 + 3);
  for (size_t t = 0; t < 2; t++) {
    ot_aead_key k;
    assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key32, 32, tag_lens[t]));
    for (size_t s = 0; s < sizeof aad_sizes / sizeof aad_sizes[0]; s++) {
      size_t alen = aad_sizes[s];
      assert_ot_ok(ot_aead_seal(&k, nonce1, aad, alen, pt, sizeof pt, ct, tag, sizeof tag));
      /* AAD in 20-byte pieces (an IDE group's prefix || header), or one piece. */
      ot_aead_aad_part ap[64];
      size_t na = 0;
      for (size_t at = 0; at < alen; at += 20)
        ap[na++] = (ot_aead_aad_part){aad + at, alen - at < 20 ? alen - at : 20};
      ot_aead_aad_part one = {aad, alen};
      /* Text in pieces of 4, 256, 1, 0 and the rest. */
      static const size_t cuts[] = {4, 256, 1, 0};
      ot_aead_text_part tp[5], op[5];
      size_t nt = 0, at = 0;
      for (size_t c = 0; c < 4; c++) {
        tp[nt] = (ot_aead_text_part){pt + at, ct2 + at, cuts[c]};
        op[nt++] = (ot_aead_text_part){ct2 + at, back + at, cuts[c]};
        at += cuts[c];
      }
      tp[nt] = (ot_aead_text_part){pt + at, ct2 + at, sizeof pt - at};
      op[nt++] = (ot_aead_text_part){ct2 + at, back + at, sizeof pt - at};
      for (int form = 0; form < 2; form++) {
        const ot_aead_aad_part *a = form ? &one : ap;
        size_t an = form ? 1 : na;
        memset(ct2, 0, sizeof ct2);
        assert_ot_ok(ot_aead_seal_gather(&k, nonce1, a, an, tp, nt, tag2, sizeof tag2));
        assert_memory_equal(ct2, ct, sizeof ct);
        assert_memory_equal(tag2, tag, tag_lens[t]);
        memset(back, 0, sizeof back);
        assert_ot_ok(ot_aead_open_gather(&k, nonce1, a, an, op, nt, tag2, tag_lens[t]));
        assert_memory_equal(back, pt, sizeof pt);
      }
    }
    ot_aead_key_clear(&k);
  }
}

/* A piece whose out is its in: encrypts and decrypts in place. */
static void test_in_place(void **state) {
  (void)state;
  uint8_t buf[100], want[100], tag[16], tag2[16];
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = (uint8_t)i;
  ot_aead_key k;
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key32, 32, 16));
  assert_ot_ok(ot_aead_seal(&k, nonce1, NULL, 0, buf, sizeof buf, want, tag, sizeof tag));
  ot_aead_text_part tp[2] = {{buf, buf, 33}, {buf + 33, buf + 33, 67}};
  assert_ot_ok(ot_aead_seal_gather(&k, nonce1, NULL, 0, tp, 2, tag2, sizeof tag2));
  assert_memory_equal(buf, want, sizeof buf);
  assert_memory_equal(tag2, tag, 16);
  assert_ot_ok(ot_aead_open_gather(&k, nonce1, NULL, 0, tp, 2, tag, 16));
  for (size_t i = 0; i < sizeof buf; i++)
    assert_int_equal(buf[i], (uint8_t)i);
  ot_aead_key_clear(&k);
}

/*
 * Wrong tag, wrong tag length, a changed AAD piece, a changed text piece:
 * OT_E_DECRYPT, and every output piece (scattered, with gaps between) is
 * zero while the gaps are untouched.
 */
static void test_open_failures_zero_every_piece(void **state) {
  (void)state;
  uint8_t aad[40], pt[64], ct[64], tag[16];
  memset(aad, 0x11, sizeof aad);
  memset(pt, 0x5c, sizeof pt);
  ot_aead_key k;
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key32, 32, OT_AEAD_TAG_IDE));
  ot_aead_aad_part ap[2] = {{aad, 20}, {aad + 20, 20}};
  ot_aead_text_part sp[2] = {{pt, ct, 32}, {pt + 32, ct + 32, 32}};
  assert_ot_ok(ot_aead_seal_gather(&k, nonce1, ap, 2, sp, 2, tag, sizeof tag));
  for (int attack = 0; attack < 5; attack++) {
    uint8_t out[64 + 16]; /* piece 1 at 0..32, a gap at 32..48, piece 2 at 48..80 */
    memset(out, 0xaa, sizeof out);
    ot_aead_text_part op[2] = {{ct, out, 32}, {ct + 32, out + 48, 32}};
    size_t tag_len = OT_AEAD_TAG_IDE;
    if (attack == 0) tag[5] ^= 0x04;
    if (attack == 1) tag_len = 16;
    if (attack == 2) aad[25] ^= 0x80;
    if (attack == 3) ct[40] ^= 0x01;
    const uint8_t *t = attack == 4 ? NULL : tag;
    assert_ot_code(ot_aead_open_gather(&k, nonce1, ap, 2, op, 2, t, tag_len), OT_E_DECRYPT);
    assert_true(all_zero(out, 32));
    assert_true(all_zero(out + 48, 32));
    for (size_t i = 32; i < 48; i++)
      assert_int_equal(out[i], 0xaa);
    if (attack == 0) tag[5] ^= 0x04;
    if (attack == 2) aad[25] ^= 0x80;
    if (attack == 3) ct[40] ^= 0x01;
  }
  /* Undone, it opens again: the key is reusable after failures. */
  uint8_t back[64];
  ot_aead_text_part op[2] = {{ct, back, 32}, {ct + 32, back + 32, 32}};
  assert_ot_ok(ot_aead_open_gather(&k, nonce1, ap, 2, op, 2, tag, OT_AEAD_TAG_IDE));
  assert_memory_equal(back, pt, sizeof pt);
  ot_aead_key_clear(&k);
}

static void test_misuse(void **state) {
  (void)state;
  uint8_t buf[16] = {0}, tag[16];
  ot_aead_key k;
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key32, 32, 16));
  ot_aead_aad_part null_aad = {NULL, 4};
  ot_aead_text_part null_in = {NULL, buf, 4}, null_out = {buf, NULL, 4}, empty = {NULL, NULL, 0};
  ot_aead_text_part ok = {buf, buf, 16};
  assert_ot_code(ot_aead_seal_gather(NULL, nonce1, NULL, 0, &ok, 1, tag, 16), OT_E_ARG);
  assert_ot_code(ot_aead_seal_gather(&k, nonce1, NULL, 1, &ok, 1, tag, 16), OT_E_ARG);
  assert_ot_code(ot_aead_seal_gather(&k, nonce1, NULL, 0, NULL, 1, tag, 16), OT_E_ARG);
  assert_ot_code(ot_aead_seal_gather(&k, nonce1, &null_aad, 1, &ok, 1, tag, 16), OT_E_ARG);
  assert_ot_code(ot_aead_seal_gather(&k, nonce1, NULL, 0, &null_in, 1, tag, 16), OT_E_ARG);
  assert_ot_code(ot_aead_seal_gather(&k, nonce1, NULL, 0, &null_out, 1, tag, 16), OT_E_ARG);
  assert_ot_code(ot_aead_seal_gather(&k, nonce1, NULL, 0, &ok, 1, NULL, 16), OT_E_ARG);
  assert_ot_code(ot_aead_seal_gather(&k, nonce1, NULL, 0, &ok, 1, tag, 15), OT_E_NO_SPACE);
  assert_ot_code(ot_aead_open_gather(&k, nonce1, &null_aad, 1, &ok, 1, tag, 16), OT_E_ARG);
  /* Empty pieces with NULL pointers are fine; so is a message with no text. */
  assert_ot_ok(ot_aead_seal_gather(&k, nonce1, NULL, 0, &empty, 1, tag, 16));
  assert_ot_ok(ot_aead_open_gather(&k, nonce1, NULL, 0, &empty, 1, tag, 16));
  ot_aead_key_clear(&k);
  assert_ot_code(ot_aead_seal_gather(&k, nonce1, NULL, 0, &ok, 1, tag, 16), OT_E_STATE);
  assert_ot_code(ot_aead_open_gather(&k, nonce1, NULL, 0, &ok, 1, tag, 16), OT_E_STATE);
}

/* A gather call abandons an incremental message in progress: it must begin again. */
static void test_abandons_incremental(void **state) {
  (void)state;
  uint8_t pt[32] = {1}, ct[32], tag[16], tag2[16];
  ot_aead_key k;
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key32, 32, 16));
  assert_ot_ok(ot_aead_begin(&k, OT_AEAD_SEAL, nonce1));
  assert_ot_ok(ot_aead_update(&k, pt, 16, ct));
  ot_aead_text_part tp = {pt, ct, sizeof pt};
  assert_ot_ok(ot_aead_seal_gather(&k, nonce1, NULL, 0, &tp, 1, tag, sizeof tag));
  assert_ot_code(ot_aead_update(&k, pt, 16, ct), OT_E_STATE);
  assert_ot_code(ot_aead_finish_seal(&k, tag2, sizeof tag2), OT_E_STATE);
  uint8_t want[32], want_tag[16];
  assert_ot_ok(ot_aead_seal(&k, nonce1, NULL, 0, pt, sizeof pt, want, want_tag, 16));
  assert_memory_equal(ct, want, sizeof ct);
  assert_memory_equal(tag, want_tag, 16);
  ot_aead_key_clear(&k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wycheproof_aes_gcm_split),
      cmocka_unit_test(test_wycheproof_chacha20_poly1305_split),
      cmocka_unit_test(test_matches_contiguous),
      cmocka_unit_test(test_in_place),
      cmocka_unit_test(test_open_failures_zero_every_piece),
      cmocka_unit_test(test_misuse),
      cmocka_unit_test(test_abandons_incremental),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
