/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of the decoded-issuer cache (src/crypto/x509_cache.c, used by
 * ot_x509_chain_verify): a chain whose issuers were met before costs one
 * decode, its leaf; the cache keeps parse results only, so every verdict is
 * the one validation without a cache gives (expired, damaged, wrong anchor);
 * a chain that fails leaves nothing behind; the table stays bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "../../../src/crypto/x509_parse.h"
#include "opentsm/x509.h"
#include "testsupport.h"

#include "count_d2i_x509.h"

#define T_2024 ((time_t)1704067200) /* 2024-01-01T00:00:00Z */
#define T_2025 ((time_t)1735689600)
#define T_2030 ((time_t)1893456000)
#define T_2031 ((time_t)1924992000)

typedef struct hier {
  uint8_t der[4096];
  size_t len;
  ot_x509_chain chain;
} hier;

/* A root -> intermediate -> leaf hierarchy on P-256 whose keys depend on `seed`. */
static void make_hier(hier *h, uint8_t seed) {
  uint8_t root[32], inter[32], leaf[32];
  for (int i = 0; i < 32; i++) {
    root[i] = (uint8_t)(0x11 + i + seed);
    inter[i] = (uint8_t)(0x42 ^ (i * 7) ^ seed);
    leaf[i] = (uint8_t)(0x23 + 3 * i + seed);
  }
  root[0] = inter[0] = leaf[0] = 0x01; /* below the group order */
  ot_x509_chain_template t = {.curve = OT_CURVE_P256,
                              .root_private = root,
                              .intermediate_private = inter,
                              .leaf_private = leaf,
                              .not_before = T_2024,
                              .not_after = T_2030,
                              .leaf_eku = OT_X509_EKU_RESPONDER};
  assert_ot_ok(ot_x509_generate_chain(&t, h->der, sizeof h->der, &h->len));
  assert_ot_ok(ot_x509_chain_parse(h->der, h->len, &h->chain));
  assert_int_equal(h->chain.count, 3);
}

static ot_status verify(const hier *h, const ot_x509_cert *anchor, ot_x509_cache *cache,
                        time_t now, ot_x509_verdict *v) {
  ot_x509_policy p = {.now = now, .role = OT_X509_ROLE_RESPONDER, .cache = cache};
  ot_x509_leaf_info info;
  /* The cache serves the OpenSSL path: ot_x509_chain_verify takes it for
   * chains outside the fast path's subset (x509_parse.h). */
  return ot_x509_chain_verify_openssl(&h->chain, anchor, 1, &p, &info, v);
}

/* The second validation of a chain from the same issuers decodes the leaf only. */
static void issuers_decoded_once(void **state) {
  (void)state;
  static hier h;
  make_hier(&h, 0);
  ot_x509_cache *c = NULL;
  assert_ot_ok(ot_x509_cache_new(&c));
  ot_x509_verdict v;
  d2i_calls = 0;
  assert_ot_ok(verify(&h, &h.chain.certs[0], c, T_2025, &v));
  assert_int_equal(d2i_calls, 3);
  assert_int_equal(ot_x509_cache_count(c), 2); /* root and intermediate, not the leaf */
  for (int round = 0; round < 3; round++) {
    d2i_calls = 0;
    assert_ot_ok(verify(&h, &h.chain.certs[0], c, T_2025, &v));
    assert_int_equal(d2i_calls, 1);
  }
  ot_x509_cache_stats s = ot_x509_cache_stats_get(c);
  assert_int_equal(s.hits, 6);
  assert_int_equal(s.misses, 2);
  assert_int_equal(s.evicted, 0);
  ot_x509_cache_flush(c);
  assert_int_equal(ot_x509_cache_count(c), 0);
  d2i_calls = 0;
  assert_ot_ok(verify(&h, &h.chain.certs[0], c, T_2025, &v));
  assert_int_equal(d2i_calls, 3);
  ot_x509_cache_free(c);
  ot_x509_cache_free(NULL);
}

/* A cached issuer carries no verdict: time, signatures and anchors are
 * checked again, with the same reasons as without a cache. */
static void verdicts_unchanged(void **state) {
  (void)state;
  static hier h, other;
  make_hier(&h, 0);
  make_hier(&other, 9);
  ot_x509_cache *c = NULL;
  assert_ot_ok(ot_x509_cache_new(&c));
  ot_x509_verdict v, w;
  assert_ot_ok(verify(&h, &h.chain.certs[0], c, T_2025, &v));
  /* Expired: same refusal with the issuers cached as without. */
  assert_ot_code(verify(&h, &h.chain.certs[0], c, T_2031, &v), OT_E_CERT);
  assert_ot_code(verify(&h, &h.chain.certs[0], NULL, T_2031, &w), OT_E_CERT);
  assert_int_equal(v.reason, OT_X509_EXPIRED);
  assert_int_equal(v.reason, w.reason);
  assert_int_equal(v.index, w.index);
  /* Another hierarchy's anchor: the cached root does not stand in for it. */
  assert_ot_code(verify(&h, &other.chain.certs[0], c, T_2025, &v), OT_E_CERT);
  assert_ot_code(verify(&h, &other.chain.certs[0], NULL, T_2025, &w), OT_E_CERT);
  assert_int_equal(v.reason, w.reason);
  /* A leaf signed by someone else under the cached issuers: refused. */
  static hier mixed;
  memcpy(&mixed, &h, sizeof mixed);
  size_t head = h.chain.certs[2].der - h.der;
  const ot_x509_cert *foreign = &other.chain.certs[2];
  assert_true(head + foreign->len <= sizeof mixed.der);
  memcpy(mixed.der + head, foreign->der, foreign->len);
  mixed.len = head + foreign->len;
  assert_ot_ok(ot_x509_chain_parse(mixed.der, mixed.len, &mixed.chain));
  assert_ot_code(verify(&mixed, &h.chain.certs[0], c, T_2025, &v), OT_E_CERT);
  assert_ot_code(verify(&mixed, &h.chain.certs[0], NULL, T_2025, &w), OT_E_CERT);
  assert_int_equal(v.reason, w.reason);
  assert_int_equal(v.index, w.index);
  /* The valid chain still validates afterwards. */
  assert_ot_ok(verify(&h, &h.chain.certs[0], c, T_2025, &v));
  ot_x509_cache_free(c);
}

/* Issuers of a chain that fails are not kept: a device cannot fill the
 * cache with certificates nothing vouches for. */
static void failed_chain_keeps_nothing(void **state) {
  (void)state;
  static hier h, other;
  make_hier(&h, 0);
  make_hier(&other, 9);
  ot_x509_cache *c = NULL;
  assert_ot_ok(ot_x509_cache_new(&c));
  ot_x509_verdict v;
  assert_ot_code(verify(&h, &other.chain.certs[0], c, T_2025, &v), OT_E_CERT);
  assert_ot_code(verify(&h, &h.chain.certs[0], c, T_2031, &v), OT_E_CERT);
  /* Only the configured anchor of the first attempt, which was decoded to
   * be tried, is held; none of the chain's certificates. */
  assert_int_equal(ot_x509_cache_count(c), 1);
  d2i_calls = 0;
  assert_ot_ok(verify(&h, &h.chain.certs[0], c, T_2025, &v));
  assert_int_equal(d2i_calls, 3);
  ot_x509_cache_free(c);
}

/* A chain without its root: the anchor is decoded once and kept. */
static void anchor_outside_chain_kept(void **state) {
  (void)state;
  static hier h;
  make_hier(&h, 0);
  static hier cut;
  memset(&cut, 0, sizeof cut);
  cut.chain.count = 2;
  cut.chain.certs[0] = h.chain.certs[1];
  cut.chain.certs[1] = h.chain.certs[2];
  ot_x509_cache *c = NULL;
  assert_ot_ok(ot_x509_cache_new(&c));
  ot_x509_verdict v;
  d2i_calls = 0;
  assert_ot_ok(verify(&cut, &h.chain.certs[0], c, T_2025, &v));
  assert_int_equal(d2i_calls, 3); /* anchor, intermediate, leaf */
  d2i_calls = 0;
  assert_ot_ok(verify(&cut, &h.chain.certs[0], c, T_2025, &v));
  assert_int_equal(d2i_calls, 1);
  ot_x509_cache_free(c);
}

/* More issuers than slots: the least recently used goes, the count holds. */
static void bounded(void **state) {
  (void)state;
  enum { N = OT_X509_CACHE_SLOTS / 2 + 2 }; /* two issuers each: 4 more than fit */
  static hier hs[N];
  ot_x509_cache *c = NULL;
  assert_ot_ok(ot_x509_cache_new(&c));
  ot_x509_verdict v;
  for (int i = 0; i < N; i++) {
    make_hier(&hs[i], (uint8_t)(i * 3));
    assert_ot_ok(verify(&hs[i], &hs[i].chain.certs[0], c, T_2025, &v));
    assert_true(ot_x509_cache_count(c) <= OT_X509_CACHE_SLOTS);
  }
  assert_int_equal(ot_x509_cache_count(c), OT_X509_CACHE_SLOTS);
  assert_int_equal(ot_x509_cache_stats_get(c).evicted, 2 * N - OT_X509_CACHE_SLOTS);
  /* The newest stays; the oldest was replaced. */
  d2i_calls = 0;
  assert_ot_ok(verify(&hs[N - 1], &hs[N - 1].chain.certs[0], c, T_2025, &v));
  assert_int_equal(d2i_calls, 1);
  d2i_calls = 0;
  assert_ot_ok(verify(&hs[0], &hs[0].chain.certs[0], c, T_2025, &v));
  assert_int_equal(d2i_calls, 3);
  ot_x509_cache_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(issuers_decoded_once),       cmocka_unit_test(verdicts_unchanged),
      cmocka_unit_test(failed_chain_keeps_nothing), cmocka_unit_test(anchor_outside_chain_kept),
      cmocka_unit_test(bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
