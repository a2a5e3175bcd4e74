/* SPDX-License-Identifier: BSD-3-Clause */
/* SHA-2/SHA3 one-shot and running hashes: FIPS 180-4/202 known answers, forks, misuse. */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"

static void assert_hex(const uint8_t *got, size_t len, const char *hex) {
  size_t n = 0;
  uint8_t *want = ts_unhex(hex, &n);
  assert_non_null(want);
  assert_int_equal(n, len);
  assert_memory_equal(got, want, len);
  free(want);
}

static const uint8_t abc[] = {'a', 'b', 'c'};
/* FIPS 180-2 Appendix B.1 / C.1 / D.1 (and the CSRC "example values"): H("abc"). */
static const char sha256_abc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char sha384_abc[] = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
                                 "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7";
static const char sha512_abc[] = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                                 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
/* FIPS 180-2 Appendix B.2: the two-block message. */
static const char two_block[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char sha256_two_block[] =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

/* FIPS 202 SHA3 over "abc" (NIST CSRC example values); HMAC (RFC 2104) and
 * HKDF (RFC 5869, salt 00..0c, IKM 22 x 0b, info f0..f9, L 42, the inputs of
 * RFC 5869 A.1) over SHA3, computed independently with Python's hashlib/hmac. */
typedef struct sha3_kat {
  ot_hash_alg alg;
  size_t len;
  const char *abc, *hmac_fox, *prk, *okm;
} sha3_kat;
static const sha3_kat sha3_kats[] = {
    {OT_HASH_SHA3_256, 32, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
     "8c6e0683409427f8931711b10ca92a506eb1fafa48fadd66d76126f47ac2c333",
     "7d4194836f7a113a44677abc825640ade07af1c1d69a9a4b109b280a8fe54ef0",
     "0c5160501d65021deaf2c14f5abce04c5bd2635abceeba61c2edb6e8ed72674900557728f2c9f2c4c179"},
    {OT_HASH_SHA3_384, 48,
     "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b2"
     "98d88cea927ac7f539f1edf228376d25",
     "aa739ad9fcdf9be4a04f06680ade7a1bd1e01a0af64accb04366234cf9f6934a"
     "0f8589772f857681fcde8acc256091a2",
     "7855bc9300a4db532c9cab2593796e1a4bbb77a24d417e66822beaa36fabd412"
     "515dcf388810adf27fa23d3d7def84ca",
     "138d8521e5a346a9cb770f762b9c04d9ca317409fb6a3ef9cb905228385589ae883bbe8b07b009f0e08b"},
    {OT_HASH_SHA3_512, 64,
     "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
     "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0",
     "237a35049c40b3ef5ddd960b3dc893d8284953b9a4756611b1b61bffcf53edd9"
     "79f93547db714b06ef0a692062c609b70208ab8d4a280ceee40ed8100f293063",
     "e1c543094f64f3d6c6658a94a94e3818ba13d0b3e77074b80f88f32e6b8433b7"
     "03536cb500753967fae2ea977e11e4dd4f45389807cdf255b395e46807c87d5d",
     "40e9f17e9bf2ef99425c2b23ccdf20a018ea5513f9ae68e1ea8c626deb57dfa4d56c27ccf2a2a24488a5"},
};

static void test_sha3_hash_hmac_hkdf(void **state) {
  (void)state;
  static const char fox[] = "The quick brown fox jumps over the lazy dog";
  uint8_t salt[13], ikm[22], info[10], d[OT_HASH_MAX_SIZE], okm[42];
  for (size_t i = 0; i < sizeof salt; i++) salt[i] = (uint8_t)i;
  memset(ikm, 0x0b, sizeof ikm);
  for (size_t i = 0; i < sizeof info; i++) info[i] = (uint8_t)(0xf0 + i);
  for (size_t i = 0; i < sizeof sha3_kats / sizeof sha3_kats[0]; i++) {
    const sha3_kat *k = &sha3_kats[i];
    assert_int_equal(ot_hash_size(k->alg), k->len);
    assert_ot_ok(ot_hash(k->alg, abc, sizeof abc, d, sizeof d));
    assert_hex(d, k->len, k->abc);
    ot_hash_ctx c;
    assert_ot_ok(ot_hash_init(&c, k->alg));
    assert_ot_ok(ot_hash_update(&c, abc, 1));
    assert_ot_ok(ot_hash_update(&c, abc + 1, 2));
    assert_ot_ok(ot_hash_final(&c, d, sizeof d));
    ot_hash_free(&c);
    assert_hex(d, k->len, k->abc);
    assert_ot_code(ot_hash(k->alg, abc, sizeof abc, d, k->len - 1), OT_E_NO_SPACE);
    assert_ot_ok(ot_hmac(k->alg, (const uint8_t *)"key", 3, (const uint8_t *)fox, strlen(fox), d,
                         sizeof d));
    assert_hex(d, k->len, k->hmac_fox);
    assert_ot_ok(ot_hkdf_extract(k->alg, salt, sizeof salt, ikm, sizeof ikm, d, sizeof d));
    assert_hex(d, k->len, k->prk);
    assert_ot_ok(ot_hkdf_expand(k->alg, d, k->len, info, sizeof info, okm, sizeof okm));
    assert_hex(okm, sizeof okm, k->okm);
  }
}

static void test_sizes(void **state) {
  (void)state;
  assert_int_equal(ot_hash_size(OT_HASH_SHA256), 32);
  assert_int_equal(ot_hash_size(OT_HASH_SHA384), 48);
  assert_int_equal(ot_hash_size(OT_HASH_SHA512), 64);
  assert_int_equal(ot_hash_size((ot_hash_alg)0), 0);
}

static void test_abc_one_shot(void **state) {
  (void)state;
  uint8_t d[OT_HASH_MAX_SIZE];
  assert_ot_ok(ot_hash(OT_HASH_SHA256, abc, sizeof abc, d, sizeof d));
  assert_hex(d, 32, sha256_abc);
  assert_ot_ok(ot_hash(OT_HASH_SHA384, abc, sizeof abc, d, sizeof d));
  assert_hex(d, 48, sha384_abc);
  assert_ot_ok(ot_hash(OT_HASH_SHA512, abc, sizeof abc, d, sizeof d));
  assert_hex(d, 64, sha512_abc);
}

static void test_empty_and_two_block(void **state) {
  (void)state;
  uint8_t d[32];
  assert_ot_ok(ot_hash(OT_HASH_SHA256, NULL, 0, d, sizeof d));
  assert_hex(d, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert_ot_ok(ot_hash(OT_HASH_SHA256, (const uint8_t *)two_block, strlen(two_block), d, sizeof d));
  assert_hex(d, 32, sha256_two_block);
}

static void test_incremental_matches_one_shot(void **state) {
  (void)state;
  ot_hash_ctx h;
  uint8_t d[48];
  assert_ot_ok(ot_hash_init(&h, OT_HASH_SHA384));
  assert_ot_ok(ot_hash_update(&h, abc, 1));
  assert_ot_ok(ot_hash_update(&h, NULL, 0));
  assert_ot_ok(ot_hash_update(&h, abc + 1, 2));
  assert_ot_ok(ot_hash_final(&h, d, sizeof d));
  assert_hex(d, 48, sha384_abc);
  ot_hash_free(&h);
}

/* A transcript hash forked mid-way (SPDM TH1): the fork and the original diverge. */
static void test_copy_forks_running_hash(void **state) {
  (void)state;
  const uint8_t *msg = (const uint8_t *)two_block;
  ot_hash_ctx h, fork;
  uint8_t d1[32], d2[32], mid[32];
  assert_ot_ok(ot_hash_init(&h, OT_HASH_SHA256));
  assert_ot_ok(ot_hash_update(&h, abc, sizeof abc));
  assert_ot_ok(ot_hash_copy(&fork, &h));
  assert_ot_ok(ot_hash_peek(&h, mid, sizeof mid));
  assert_hex(mid, 32, sha256_abc);
  /* The original goes on with the two-block message minus its "abc" prefix. */
  assert_ot_ok(ot_hash_update(&h, msg + 3, strlen(two_block) - 3));
  assert_ot_ok(ot_hash_final(&h, d1, sizeof d1));
  assert_hex(d1, 32, sha256_two_block);
  /* The fork still holds only "abc". */
  assert_ot_ok(ot_hash_final(&fork, d2, sizeof d2));
  assert_hex(d2, 32, sha256_abc);
  ot_hash_free(&h);
  ot_hash_free(&fork);
}

static void test_final_ends_the_context(void **state) {
  (void)state;
  ot_hash_ctx h, c;
  uint8_t d[32];
  assert_ot_ok(ot_hash_init(&h, OT_HASH_SHA256));
  assert_ot_ok(ot_hash_final(&h, d, sizeof d));
  assert_ot_code(ot_hash_update(&h, abc, 3), OT_E_STATE);
  assert_ot_code(ot_hash_final(&h, d, sizeof d), OT_E_STATE);
  assert_ot_code(ot_hash_copy(&c, &h), OT_E_STATE);
  assert_null(c.evp);
  ot_hash_free(&h);
  /* free zeroizes the struct and is idempotent. */
  static const ot_hash_ctx zero;
  assert_memory_equal(&h, &zero, sizeof h);
  ot_hash_free(&h);
  assert_ot_code(ot_hash_update(&h, abc, 3), OT_E_STATE);
}

static void test_misuse(void **state) {
  (void)state;
  uint8_t d[64];
  ot_hash_ctx h;
  assert_ot_code(ot_hash((ot_hash_alg)9, abc, 3, d, sizeof d), OT_E_UNSUPPORTED);
  assert_ot_code(ot_hash(OT_HASH_SHA384, abc, 3, d, 47), OT_E_NO_SPACE);
  assert_ot_code(ot_hash(OT_HASH_SHA256, NULL, 3, d, sizeof d), OT_E_ARG);
  assert_ot_code(ot_hash_init(&h, (ot_hash_alg)0), OT_E_UNSUPPORTED);
  assert_null(h.evp);
  assert_ot_ok(ot_hash_init(&h, OT_HASH_SHA512));
  assert_ot_code(ot_hash_final(&h, d, 63), OT_E_NO_SPACE);
  assert_ot_code(ot_hash_peek(&h, d, 63), OT_E_NO_SPACE);
  assert_ot_code(ot_hash_update(&h, NULL, 1), OT_E_ARG);
  assert_ot_ok(ot_hash_final(&h, d, 64)); /* still usable after the refusals */
  ot_hash_free(&h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sizes),
      cmocka_unit_test(test_sha3_hash_hmac_hkdf),
      cmocka_unit_test(test_abc_one_shot),
      cmocka_unit_test(test_empty_and_two_block),
      cmocka_unit_test(test_incremental_matches_one_shot),
      cmocka_unit_test(test_copy_forks_running_hash),
      cmocka_unit_test(test_final_ends_the_context),
      cmocka_unit_test(test_misuse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
