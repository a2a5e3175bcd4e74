/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FFDHE over the RFC 7919 groups through ot_dhe_* (SPDM DHENamedGroup
 * FFDHE2048/3072/4096): both sides agree on a |p|-byte secret, the public
 * value is |p| bytes, a seeded rng gives the same key, and the peer values
 * RFC 7919 §5.1 / SP 800-56A §5.6.2.3.1 refuse (0, 1, p - 1, p, a value
 * outside the order-q subgroup, a short value) are refused with nothing
 * written. A known answer with x = 1 and x = 2 pins the padding: g^x for
 * g = 2 is 2 and 4, whose shared secrets with a peer Y are Y and Y^2 mod p.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"

static const ot_curve groups[] = {OT_GROUP_FFDHE2048, OT_GROUP_FFDHE3072, OT_GROUP_FFDHE4096};

static void test_ffdhe_agree(void **state) {
  (void)state;
  for (size_t i = 0; i < 3; i++) {
    ot_curve g = groups[i];
    size_t pn = ot_curve_size(g);
    assert_int_equal(ot_dhe_public_size(g), pn);
    assert_int_equal(ot_dhe_secret_size(g), pn);
    ot_drbg d1, d2;
    assert_ot_ok(ot_drbg_seed_u64(&d1, 1 + i));
    assert_ot_ok(ot_drbg_seed_u64(&d2, 100 + i));
    uint8_t a_priv[OT_DHE_MAX_PRIVATE], b_priv[OT_DHE_MAX_PRIVATE];
    uint8_t a_pub[OT_DHE_MAX_PUBLIC], b_pub[OT_DHE_MAX_PUBLIC];
    uint8_t s1[OT_DHE_MAX_SECRET], s2[OT_DHE_MAX_SECRET];
    assert_ot_ok(ot_dhe_generate(g, ot_drbg_rng(&d1), a_priv, sizeof a_priv, a_pub, sizeof a_pub));
    assert_ot_ok(ot_dhe_generate(g, ot_drbg_rng(&d2), b_priv, sizeof b_priv, b_pub, sizeof b_pub));
    size_t xn = ot_dhe_private_size(g);
    assert_ot_ok(ot_dhe_shared(g, a_priv, xn, b_pub, pn, s1, sizeof s1));
    assert_ot_ok(ot_dhe_shared(g, b_priv, xn, a_pub, pn, s2, sizeof s2));
    assert_memory_equal(s1, s2, pn);
    assert_memory_not_equal(a_pub, b_pub, pn);
    /* Reproducible from a seed. */
    uint8_t again[OT_DHE_MAX_PUBLIC], p2[OT_DHE_MAX_PRIVATE];
    assert_ot_ok(ot_drbg_seed_u64(&d1, 1 + i));
    assert_ot_ok(ot_dhe_generate(g, ot_drbg_rng(&d1), p2, sizeof p2, again, sizeof again));
    assert_memory_equal(again, a_pub, pn);
    /* Short buffers and wrong lengths. */
    assert_ot_code(ot_dhe_generate(g, ot_drbg_rng(&d1), p2, sizeof p2, again, pn - 1),
                   OT_E_NO_SPACE);
    assert_ot_code(ot_dhe_shared(g, a_priv, xn, b_pub, pn - 1, s1, sizeof s1), OT_E_BAD_KEY);
    assert_ot_code(ot_dhe_shared(g, a_priv, xn - 1, b_pub, pn, s1, sizeof s1), OT_E_BAD_KEY);
    assert_ot_code(ot_dhe_shared(g, a_priv, xn, b_pub, pn, s1, pn - 1), OT_E_NO_SPACE);
    ot_drbg_uninstantiate(&d1);
    ot_drbg_uninstantiate(&d2);
  }
}

/* x = 1 (pub = g = 2): the secret is the peer's Y itself, padded to |p|. */
static void test_ffdhe_known_answer(void **state) {
  (void)state;
  ot_curve g = OT_GROUP_FFDHE2048;
  size_t pn = 256, xn = ot_dhe_private_size(g);
  uint8_t one[OT_DHE_MAX_PRIVATE] = {0}, secret[OT_DHE_MAX_SECRET], peer[256] = {0};
  one[xn - 1] = 1;
  /* Y = 4 = 2^2 lies in the order-q subgroup (a square); a small value
   * shows the left padding: 255 zero bytes then 0x04. */
  peer[pn - 1] = 4;
  assert_ot_ok(ot_dhe_shared(g, one, xn, peer, pn, secret, sizeof secret));
  assert_memory_equal(secret, peer, pn);
  /* x = 2: Y^2 = 16. */
  one[xn - 1] = 2;
  assert_ot_ok(ot_dhe_shared(g, one, xn, peer, pn, secret, sizeof secret));
  peer[pn - 1] = 16;
  assert_memory_equal(secret, peer, pn);
  /* x = 0 is not a private key. */
  memset(one, 0, sizeof one);
  assert_ot_code(ot_dhe_shared(g, one, xn, peer, pn, secret, sizeof secret), OT_E_BAD_KEY);
}

/* p of ffdhe2048 (RFC 7919 Appendix A.1), to build p - 1 and p. */
static const char ffdhe2048_p[] =
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FBCC939DCE249B3E"
    "F97D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57"
    "C935984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797ABC0AB182B324FB61D108A94BB2"
    "C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD"
    "28342F619172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005C58EF1837D1683B2C6F34A"
    "26C1B2EFFA886B423861285C97FFFFFFFFFFFFFFFF";

static void test_ffdhe_bad_peer(void **state) {
  (void)state;
  ot_curve g = OT_GROUP_FFDHE2048;
  size_t pn = 256, xn = ot_dhe_private_size(g);
  ot_drbg d;
  assert_ot_ok(ot_drbg_seed_u64(&d, 7));
  uint8_t priv[OT_DHE_MAX_PRIVATE], pub[OT_DHE_MAX_PUBLIC], secret[OT_DHE_MAX_SECRET];
  assert_ot_ok(ot_dhe_generate(g, ot_drbg_rng(&d), priv, sizeof priv, pub, sizeof pub));
  size_t plen = 0;
  uint8_t *p = ts_unhex(ffdhe2048_p, &plen);
  assert_int_equal(plen, pn);
  uint8_t bad[256];
  /* 0 and 1 (RFC 7919 §5.1: 1 < Y < p - 1). */
  memset(bad, 0, sizeof bad);
  memset(secret, 0xa5, sizeof secret);
  assert_ot_code(ot_dhe_shared(g, priv, xn, bad, pn, secret, sizeof secret), OT_E_BAD_KEY);
  for (size_t i = 0; i < pn; i++) assert_int_equal(secret[i], 0); /* nothing leaks */
  bad[pn - 1] = 1;
  assert_ot_code(ot_dhe_shared(g, priv, xn, bad, pn, secret, sizeof secret), OT_E_BAD_KEY);
  /* p - 1 (order 2), p, and all ones (above p). */
  memcpy(bad, p, pn);
  bad[pn - 1] -= 1;
  assert_ot_code(ot_dhe_shared(g, priv, xn, bad, pn, secret, sizeof secret), OT_E_BAD_KEY);
  memcpy(bad, p, pn);
  assert_ot_code(ot_dhe_shared(g, priv, xn, bad, pn, secret, sizeof secret), OT_E_BAD_KEY);
  memset(bad, 0xff, sizeof bad);
  assert_ot_code(ot_dhe_shared(g, priv, xn, bad, pn, secret, sizeof secret), OT_E_BAD_KEY);
  /* p - 2 passes the range check, but it is -2, not in the order-q subgroup
   * (2 is a square modulo a safe prime p = 7 mod 8, and -1 is not), so the
   * full validation Y^q = 1 refuses it (SP 800-56A §5.6.2.3.1 step 2). */
  memcpy(bad, p, pn);
  bad[pn - 1] -= 2;
  assert_ot_code(ot_dhe_shared(g, priv, xn, bad, pn, secret, sizeof secret), OT_E_BAD_KEY);
  /* An EC group through the same entry point still works (the abstraction). */
  uint8_t ep[OT_DHE_MAX_PRIVATE], eq[OT_DHE_MAX_PUBLIC];
  assert_ot_ok(ot_dhe_generate(OT_CURVE_P256, ot_drbg_rng(&d), ep, sizeof ep, eq, sizeof eq));
  assert_int_equal(ot_dhe_public_size(OT_CURVE_P256), 64);
  assert_ot_ok(ot_dhe_shared(OT_CURVE_P256, ep, 32, eq, 64, secret, sizeof secret));
  /* RSA is no DHE group. */
  assert_ot_code(ot_dhe_generate(OT_KEY_RSA2048, ot_drbg_rng(&d), ep, sizeof ep, eq, sizeof eq),
                 OT_E_UNSUPPORTED);
  free(p);
  ot_drbg_uninstantiate(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ffdhe_agree),
      cmocka_unit_test(test_ffdhe_known_answer),
      cmocka_unit_test(test_ffdhe_bad_peer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
