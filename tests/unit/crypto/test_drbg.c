/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HMAC_DRBG (SHA-256): NIST CAVP known answers, the reseed limit, request
 * limits, the ot_rng interface, and zeroization on uninstantiate.
 *
 * Vectors: CAVP DRBGVS (drbgtestvectors.zip, CAVS 14.3), HMAC_DRBG.rsp,
 * [SHA-256], EntropyInputLen 256, NonceLen 128, ReturnedBitsLen 1024.
 * DRBGVS calls Generate twice and reports only the second output
 * (ReturnedBits): no_reseed = Instantiate, Generate(add[0]), Generate(add[1]);
 * pr_false = Instantiate, Reseed(EntropyInputReseed, AdditionalInputReseed),
 * Generate(add[0]), Generate(add[1]).
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"

struct cavp_case {
  const char *name;
  const char *entropy, *nonce, *pers;
  const char *entropy_reseed, *add_reseed; /* NULL entropy_reseed: no_reseed file */
  const char *add0, *add1;
  const char *returned;
};

static const struct cavp_case cases[] = {
    {"no_reseed ps0 ai0 COUNT 0",
     "ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488",
     "659ba96c601dc69fc902940805ec0ca8", "", NULL, "", "", "",
     "e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89"
     "d54fbb978a15b5c443c9ec21036d2460b6f73ebad0dc2aba6e624abf07745bc1"
     "07694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668"
     "961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8"},
    {"no_reseed ps0 ai0 COUNT 1",
     "79737479ba4e7642a221fcfd1b820b134e9e3540a35bb48ffae29c20f5418ea3",
     "3593259c092bef4129bc2c6c9e19f343", "", NULL, "", "", "",
     "cf5ad5984f9e43917aa9087380dac46e410ddc8a7731859c84e9d0f31bd43655"
     "b924159413e2293b17610f211e09f770f172b8fb693a35b85d3b9e5e63b1dc25"
     "2ac0e115002e9bedfb4b5b6fd43f33b8e0eafb2d072e1a6fee1f159df9b51e6c"
     "8da737e60d5032dd30544ec51558c6f080bdbdab1de8a939e961e06b5f1aca37"},
    {"no_reseed ps0 ai0 COUNT 2",
     "b340907445b97a8b589264de4a17c0bea11bb53ad72f9f33297f05d2879d898d",
     "65cb27735d83c0708f72684ea58f7ee5", "", NULL, "", "", "",
     "75183aaaf3574bc68003352ad655d0e9ce9dd17552723b47fab0e84ef903694a"
     "32987eeddbdc48efd24195dbdac8a46ba2d972f5808f23a869e71343140361f5"
     "8b243e62722088fe10a98e43372d252b144e00c89c215a76a121734bdc485486"
     "f65c0b16b8963524a3a70e6f38f169c12f6cbdd169dd48fe4421a235847a23ff"},
    {"no_reseed ps0 ai256 COUNT 0",
     "d3cc4d1acf3dde0c4bd2290d262337042dc632948223d3a2eaab87da44295fbd",
     "0109b0e729f457328aa18569a9224921", "", NULL, "",
     "3c311848183c9a212a26f27f8c6647e40375e466a0857cc39c4e47575d53f1f6",
     "fcb9abd19ccfbccef88c9c39bfb3dd7b1c12266c9808992e305bc3cff566e4e4",
     "9c7b758b212cd0fcecd5daa489821712e3cdea4467b560ef5ddc24ab47749a1f"
     "1ffdbbb118f4e62fcfca3371b8fbfc5b0646b83e06bfbbab5fac30ea09ea2bc7"
     "6f1ea568c9be0444b2cc90517b20ca825f2d0eccd88e7175538b85d90ab39018"
     "3ca6395535d34473af6b5a5b88f5a59ee7561573337ea819da0dcc3573a22974"},
    {"no_reseed ps256 ai0 COUNT 0",
     "5cacc68165a2e2ee20812f35ec73a79dbf30fd475476ac0c44fc6174cdac2b55",
     "6f885496c1e63af620becd9e71ecb824",
     "e72dd8590d4ed5295515c35ed6199e9d211b8f069b3058caa6670b96ef1208d0", NULL, "", "", "",
     "f1012cf543f94533df27fedfbf58e5b79a3dc517a9c402bdbfc9a0c0f721f9d5"
     "3faf4aafdc4b8f7a1b580fcaa52338d4bd95f58966a243cdcd3f446ed4bc546d"
     "9f607b190dd69954450d16cd0e2d6437067d8b44d19a6af7a7cfa8794e5fbd72"
     "8e8fb2f2e8db5dd4ff1aa275f35886098e80ff844886060da8b1e7137846b23b"},
    {"no_reseed ps256 ai256 COUNT 0",
     "5d3286bc53a258a53ba781e2c4dcd79a790e43bbe0e89fb3eed39086be34174b",
     "c5422294b7318952ace7055ab7570abf",
     "2dba094d008e150d51c4135bb2f03dcde9cbf3468a12908a1b025c120c985b9d", NULL, "",
     "793a7ef8f6f0482beac542bb785c10f8b7b406a4de92667ab168ecc2cf7573c6",
     "2238cdb4e23d629fe0c2a83dd8d5144ce1a6229ef41dabe2a99ff722e510b530",
     "d04678198ae7e1aeb435b45291458ffde0891560748b43330eaf866b5a6385e7"
     "4c6fa5a5a44bdb284d436e98d244018d6acedcdfa2e9f499d8089e4db86ae89a"
     "6ab2d19cb705e2f048f97fb597f04106a1fa6a1416ad3d859118e079a0c319eb"
     "95686f4cbcce3b5101c7a0b010ef029c4ef6d06cdfac97efb9773891688c37cf"},
    {"pr_false ps0 ai0 COUNT 0", "06032cd5eed33f39265f49ecb142c511da9aff2af71203bffaf34a9ca5bd9c0d",
     "0e66f71edc43e42a45ad3c6fc6cdc4df", "",
     "01920a4e669ed3a85ae8a33b35a74ad7fb2a6bb4cf395ce00334a9c9a5a5d552", "", "", "",
     "76fc79fe9b50beccc991a11b5635783a83536add03c157fb30645e611c2898bb"
     "2b1bc215000209208cd506cb28da2a51bdb03826aaf2bd2335d576d519160842"
     "e7158ad0949d1a9ec3e66ea1b1a064b005de914eac2e9d4f2d72a8616a802254"
     "22918250ff66a41bd2f864a6a38cc5b6499dc43f7f2bd09e1e0f8f5885935124"},
    {"pr_false ps256 ai256 COUNT 0",
     "cdb0d9117cc6dbc9ef9dcb06a97579841d72dc18b2d46a1cb61e314012bdf416",
     "d0c0d01d156016d0eb6b7e9c7c3c8da8",
     "6f0fb9eab3f9ea7ab0a719bfa879bf0aaed683307fda0c6d73ce018b6e34faaa",
     "8ec6f7d5a8e2e88f43986f70b86e050d07c84b931bcf18e601c5a3eee3064c82",
     "1ab4ca9014fa98a55938316de8ba5a68c629b0741bdd058c4d70c91cda5099b3",
     "16e2d0721b58d839a122852abd3bf2c942a31c84d82fca74211871880d7162ff",
     "53686f042a7b087d5d2eca0d2a96de131f275ed7151189f7ca52deaa78b79fb2",
     "dda04a2ca7b8147af1548f5d086591ca4fd951a345ce52b3cd49d47e84aa31a1"
     "83e31fbc42a1ff1d95afec7143c8008c97bc2a9c091df0a763848391f68cb4a3"
     "66ad89857ac725a53b303ddea767be8dc5f605b1b95f6d24c9f06be65a973a08"
     "9320b3cc42569dcfd4b92b62a993785b0301b3fc452445656fce22664827b88f"},
};

static uint8_t *hex(const char *h, size_t *n) {
  uint8_t *b = ts_unhex(h, n);
  assert_non_null(b);
  return b;
}

static void test_cavp_known_answers(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const struct cavp_case *c = &cases[i];
    size_t el, nl, pl, al0, al1, rl;
    uint8_t *e = hex(c->entropy, &el), *no = hex(c->nonce, &nl), *p = hex(c->pers, &pl);
    uint8_t *a0 = hex(c->add0, &al0), *a1 = hex(c->add1, &al1), *want = hex(c->returned, &rl);
    assert_int_equal(rl, 128);
    ot_drbg d;
    uint8_t out[128];
    assert_ot_ok(ot_drbg_instantiate(&d, e, el, no, nl, p, pl));
    if (c->entropy_reseed) {
      size_t rel, ral;
      uint8_t *re = hex(c->entropy_reseed, &rel), *ra = hex(c->add_reseed, &ral);
      assert_ot_ok(ot_drbg_reseed(&d, re, rel, ra, ral));
      free(re);
      free(ra);
    }
    assert_ot_ok(ot_drbg_generate(&d, out, sizeof out, a0, al0));
    assert_ot_ok(ot_drbg_generate(&d, out, sizeof out, a1, al1));
    if (memcmp(out, want, 128) != 0) fail_msg("CAVP case %s: ReturnedBits differ", c->name);
    assert_int_equal(d.reseed_counter, 3);
    ot_drbg_uninstantiate(&d);
    free(e);
    free(no);
    free(p);
    free(a0);
    free(a1);
    free(want);
  }
}

/* §10.1.2.3: the working state after instantiating no_reseed COUNT 0. */
static void test_instantiate_state(void **state) {
  (void)state;
  size_t el, nl, kl, vl;
  uint8_t *e = hex(cases[0].entropy, &el), *no = hex(cases[0].nonce, &nl);
  uint8_t *k = hex("302a4aba78412ab36940f4be7b940a0c728542b8b81d95b801a57b3797f9dd6e", &kl);
  uint8_t *v = hex("e75855f93b971ac468d200992e211960202d53cf08852ef86772d6490bfb53f9", &vl);
  ot_drbg d;
  assert_ot_ok(ot_drbg_instantiate(&d, e, el, no, nl, NULL, 0));
  assert_memory_equal(d.key, k, 32);
  assert_memory_equal(d.v, v, 32);
  assert_int_equal(d.reseed_counter, 1);
  ot_drbg_uninstantiate(&d);
  free(e);
  free(no);
  free(k);
  free(v);
}

/* Uninstantiate zeroizes every byte of state; the DRBG then refuses to generate. */
static void test_uninstantiate_zeroizes(void **state) {
  (void)state;
  ot_drbg d;
  uint8_t out[16];
  assert_ot_ok(ot_drbg_seed_u64(&d, 1));
  assert_ot_ok(ot_drbg_generate(&d, out, sizeof out, NULL, 0));
  ot_drbg_uninstantiate(&d);
  static const uint8_t zero[OT_DRBG_OUTLEN];
  assert_memory_equal(d.key, zero, sizeof d.key);
  assert_memory_equal(d.v, zero, sizeof d.v);
  assert_int_equal(d.reseed_counter, 0);
  assert_int_equal(d.reseed_interval, 0);
  assert_false(d.instantiated);
  memset(out, 0xaa, sizeof out);
  assert_ot_code(ot_drbg_generate(&d, out, sizeof out, NULL, 0), OT_E_STATE);
  for (size_t i = 0; i < sizeof out; i++) assert_int_equal(out[i], 0);
  assert_ot_code(ot_rng_fill(ot_drbg_rng(&d), out, sizeof out), OT_E_RNG);
  assert_ot_code(ot_drbg_reseed(&d, zero, sizeof zero, NULL, 0), OT_E_STATE);
}

/* §9.3.1 / §10.1.2.5 step 1: past reseed_interval generate refuses until a reseed. */
static void test_reseed_counter_limit(void **state) {
  (void)state;
  ot_drbg d;
  uint8_t out[32], entropy[32] = {5};
  assert_ot_ok(ot_drbg_seed_u64(&d, 2));
  assert_ot_code(ot_drbg_set_reseed_interval(&d, 0), OT_E_ARG);
  assert_ot_code(ot_drbg_set_reseed_interval(&d, OT_DRBG_RESEED_INTERVAL + 1), OT_E_ARG);
  assert_ot_ok(ot_drbg_set_reseed_interval(&d, 2));
  assert_ot_ok(ot_drbg_generate(&d, out, sizeof out, NULL, 0)); /* counter 1 -> 2 */
  assert_ot_ok(ot_drbg_generate(&d, out, sizeof out, NULL, 0)); /* counter 2 -> 3 */
  uint8_t key_before[32];
  memcpy(key_before, d.key, 32);
  memset(out, 0xaa, sizeof out);
  assert_ot_code(ot_drbg_generate(&d, out, sizeof out, NULL, 0), OT_E_FAILED);
  for (size_t i = 0; i < sizeof out; i++) assert_int_equal(out[i], 0);
  assert_memory_equal(d.key, key_before, 32); /* a refusal changes nothing */
  assert_ot_code(ot_rng_fill(ot_drbg_rng(&d), out, sizeof out), OT_E_RNG);
  assert_ot_code(ot_drbg_reseed(&d, entropy, 31, NULL, 0), OT_E_ARG);
  assert_ot_ok(ot_drbg_reseed(&d, entropy, sizeof entropy, NULL, 0));
  assert_int_equal(d.reseed_counter, 1);
  assert_ot_ok(ot_drbg_generate(&d, out, sizeof out, NULL, 0));
  ot_drbg_uninstantiate(&d);
}

static void test_instantiate_rejects_weak_inputs(void **state) {
  (void)state;
  ot_drbg d;
  uint8_t buf[64] = {1};
  assert_ot_code(ot_drbg_instantiate(&d, buf, 31, buf, 16, NULL, 0), OT_E_ARG);
  assert_false(d.instantiated);
  assert_ot_code(ot_drbg_instantiate(&d, buf, 32, buf, 15, NULL, 0), OT_E_ARG);
  assert_ot_code(ot_drbg_instantiate(&d, NULL, 32, buf, 16, NULL, 0), OT_E_ARG);
  assert_ot_code(ot_drbg_instantiate(&d, buf, 32, buf, 16, NULL, 4), OT_E_ARG);
  assert_ot_code(ot_drbg_instantiate(&d, buf, 32, buf, 16, buf, OT_DRBG_MAX_INPUT + 1), OT_E_ARG);
  assert_false(d.instantiated);
  assert_ot_ok(ot_drbg_instantiate(&d, buf, 32, buf, 16, NULL, 0));
  ot_drbg_uninstantiate(&d);
}

/* Table 2: at most 2^19 bits per request; fill splits larger ones. */
static void test_request_limits_and_fill(void **state) {
  (void)state;
  ot_drbg a, b;
  assert_ot_ok(ot_drbg_seed_u64(&a, 3));
  assert_ot_ok(ot_drbg_seed_u64(&b, 3));
  size_t n = OT_DRBG_MAX_REQUEST + 100;
  uint8_t *big = malloc(n), *ref = malloc(n);
  assert_non_null(big);
  assert_non_null(ref);
  assert_ot_code(ot_drbg_generate(&a, big, n, NULL, 0), OT_E_TOO_LARGE);
  assert_ot_ok(ot_rng_fill(ot_drbg_rng(&a), big, n));
  assert_ot_ok(ot_drbg_generate(&b, ref, OT_DRBG_MAX_REQUEST, NULL, 0));
  assert_ot_ok(ot_drbg_generate(&b, ref + OT_DRBG_MAX_REQUEST, 100, NULL, 0));
  assert_memory_equal(big, ref, n);
  free(big);
  free(ref);
  ot_drbg_uninstantiate(&a);
  ot_drbg_uninstantiate(&b);
}

/* The 64-bit seeding is reproducible, and distinct seeds give distinct streams. */
static void test_seed_u64_reproducible(void **state) {
  (void)state;
  ot_drbg a, b, c;
  uint8_t x[48], y[48], z[48];
  assert_ot_ok(ot_drbg_seed_u64(&a, 0x0123456789abcdefu));
  assert_ot_ok(ot_drbg_seed_u64(&b, 0x0123456789abcdefu));
  assert_ot_ok(ot_drbg_seed_u64(&c, 0x0123456789abcdeeu));
  assert_ot_ok(ot_rng_fill(ot_drbg_rng(&a), x, sizeof x));
  assert_ot_ok(ot_rng_fill(ot_drbg_rng(&b), y, sizeof y));
  assert_ot_ok(ot_rng_fill(ot_drbg_rng(&c), z, sizeof z));
  assert_memory_equal(x, y, sizeof x);
  assert_memory_not_equal(x, z, sizeof x);
  /* Additional input changes the output. */
  assert_ot_ok(ot_drbg_generate(&a, x, sizeof x, (const uint8_t *)"a", 1));
  assert_ot_ok(ot_drbg_generate(&b, y, sizeof y, (const uint8_t *)"b", 1));
  assert_memory_not_equal(x, y, sizeof x);
  ot_drbg_uninstantiate(&a);
  ot_drbg_uninstantiate(&b);
  ot_drbg_uninstantiate(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cavp_known_answers),
      cmocka_unit_test(test_instantiate_state),
      cmocka_unit_test(test_uninstantiate_zeroizes),
      cmocka_unit_test(test_reseed_counter_limit),
      cmocka_unit_test(test_instantiate_rejects_weak_inputs),
      cmocka_unit_test(test_request_limits_and_fill),
      cmocka_unit_test(test_seed_u64_reproducible),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
