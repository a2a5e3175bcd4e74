/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of chain verification and the SPDM leaf profile
 * (src/crypto/x509_verify.c, x509_profile.c) on the DMTF sample hierarchies
 * (tests/vectors/spdm-emu/sample_key) and their negative variants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/x509.h"
#include "testsupport.h"

#define P256 "spdm-emu/sample_key/ecp256/"
#define P384 "spdm-emu/sample_key/ecp384/"

/* 2025-01-01T00:00:00Z: inside every sample certificate's validity period
 * (roots 2023-04-03 .. 2033-03-31, leaves 2023-09-12 .. 2033-09-09). */
#define T_2025 ((time_t)1735689600)
#define T_2020 ((time_t)1577836800) /* before any sample certificate */
#define T_2034 ((time_t)2019686400) /* after every sample certificate */
#define T_2027 ((time_t)1798761600) /* the slot 4 leaves start on 2026-06-09 */

/* Up to four files read and concatenated; the buffer is owned by the fixture. */
typedef struct bundle {
  uint8_t *p;
  size_t n;
  ot_x509_chain chain;
} bundle;

static void bundle_add(bundle *b, const char *rel) {
  size_t n;
  uint8_t *f = ts_read_vector(rel, &n);
  uint8_t *grown = realloc(b->p, b->n + n);
  assert_non_null(grown);
  memcpy(grown + b->n, f, n);
  b->p = grown;
  b->n += n;
  free(f);
}

/* Reads and parses dir+name (a bundle file or one certificate). */
static bundle load(const char *dir, const char *name) {
  bundle b = {0};
  char path[160];
  snprintf(path, sizeof path, "%s%s", dir, name);
  bundle_add(&b, path);
  assert_ot_ok(ot_x509_chain_parse(b.p, b.n, &b.chain));
  return b;
}

/* ca ‖ inter ‖ <leaf file>: the sample hierarchy with another leaf. */
static bundle with_leaf(const char *dir, const char *leaf) {
  bundle b = {0};
  char path[160];
  snprintf(path, sizeof path, "%sca.cert.der", dir);
  bundle_add(&b, path);
  snprintf(path, sizeof path, "%sinter.cert.der", dir);
  bundle_add(&b, path);
  snprintf(path, sizeof path, "%s%s", dir, leaf);
  bundle_add(&b, path);
  assert_ot_ok(ot_x509_chain_parse(b.p, b.n, &b.chain));
  return b;
}

static ot_x509_policy policy_for(ot_x509_role role) {
  ot_x509_policy p = {.now = T_2025, .role = role, .model = OT_X509_MODEL_DEVICE};
  return p;
}

/* Verifies b against the single anchor in dir/root_file. */
static ot_status verify_one(const bundle *b, const char *dir, const char *root_file,
                            const ot_x509_policy *p, ot_x509_leaf_info *info, ot_x509_verdict *v) {
  bundle root = load(dir, root_file);
  ot_x509_cert anchor = root.chain.certs[0];
  ot_status st = ot_x509_chain_verify(&b->chain, &anchor, 1, p, info, v);
  free(root.p);
  return st;
}

/* Expects OT_E_CERT with the given reason. */
#define assert_refused(expr, v, want)                                                              \
  do {                                                                                             \
    assert_ot_code((expr), OT_E_CERT);                                                             \
    if ((v).reason != (want))                                                                      \
      fail_msg("reason %s, want %s", ot_x509_reason_string((v).reason),                            \
               ot_x509_reason_string(want));                                                       \
  } while (0)

/* Expects success, printing the verdict otherwise. */
#define assert_verified(expr, v)                                                                   \
  do {                                                                                             \
    ot_status st_ = (expr);                                                                        \
    if (!ot_ok(st_))                                                                               \
      fail_msg("%s: %s (%s, certificate %d, library error %d)", #expr, ot_status_name(st_),        \
               ot_x509_reason_string((v).reason), (v).index, (v).library_error);                   \
  } while (0)

static void sample_chain_verifies(const char *dir, ot_curve curve) {
  bundle b = load(dir, "bundle_responder.certchain.der");
  ot_x509_policy p = policy_for(OT_X509_ROLE_RESPONDER);
  p.curve = curve;
  ot_x509_leaf_info info;
  ot_x509_verdict v;
  assert_verified(verify_one(&b, dir, "ca.cert.der", &p, &info, &v), v);
  assert_int_equal(v.reason, OT_X509_VALID);
  assert_int_equal(v.index, -1);
  /* The leaf key is end_responder.key's public half. */
  char path[160];
  snprintf(path, sizeof path, "%send_responder.key.pub.der", dir);
  size_t n;
  uint8_t *spki = ts_read_vector(path, &n);
  uint8_t pub[OT_ECC_MAX_PUBLIC];
  size_t pub_len;
  ot_curve c;
  assert_ot_ok(ot_x509_spki_public_key(spki, n, &c, pub, sizeof pub, &pub_len));
  assert_int_equal(info.curve, curve);
  assert_int_equal(info.public_key_len, pub_len);
  assert_memory_equal(info.public_key, pub, pub_len);
  /* What the DMTF leaf carries: the hardware identity OID and a device-info SAN. */
  assert_true(info.hardware_identity);
  assert_false(info.mutable_cert);
  assert_false(info.eku_responder);
  assert_false(info.eku_requester);
  assert_string_equal(info.device_info, "ACME:WIDGET:1234567890");
  free(spki);
  free(b.p);
}

static void verifies_dmtf_sample_chains(void **state) {
  (void)state;
  sample_chain_verifies(P256, OT_CURVE_P256);
  sample_chain_verifies(P384, OT_CURVE_P384);
}

static void verifies_slot4_and_requester_chains(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_policy rsp = policy_for(OT_X509_ROLE_RESPONDER);
  ot_x509_policy req = policy_for(OT_X509_ROLE_REQUESTER);
  bundle slot4 = load(P256, "bundle_responder.certchain4.der");
  assert_refused(verify_one(&slot4, P256, "ca.cert.der", &rsp, NULL, &v), v, OT_X509_NOT_YET_VALID);
  assert_int_equal(v.index, 2);
  rsp.now = T_2027;
  assert_verified(verify_one(&slot4, P256, "ca.cert.der", &rsp, NULL, &v), v);
  bundle requester = load(P384, "bundle_requester.certchain.der");
  assert_verified(verify_one(&requester, P384, "ca.cert.der", &req, NULL, &v), v);
  free(slot4.p);
  free(requester.p);
}

/* certchain1 is rooted at ca1, which has the same name as ca but another key. */
static void second_root_needs_its_own_anchor(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_policy p = policy_for(OT_X509_ROLE_RESPONDER);
  bundle b = load(P256, "bundle_responder.certchain1.der");
  assert_refused(verify_one(&b, P256, "ca.cert.der", &p, NULL, &v), v, OT_X509_UNTRUSTED_ROOT);
  assert_int_equal(v.index, 0);
  assert_verified(verify_one(&b, P256, "ca1.cert.der", &p, NULL, &v), v);
  /* Either root among several anchors. */
  bundle ca = load(P256, "ca.cert.der"), ca1 = load(P256, "ca1.cert.der");
  ot_x509_cert anchors[2] = {ca.chain.certs[0], ca1.chain.certs[0]};
  assert_verified(ot_x509_chain_verify(&b.chain, anchors, 2, &p, NULL, &v), v);
  bundle b0 = load(P256, "bundle_responder.certchain.der");
  assert_verified(ot_x509_chain_verify(&b0.chain, anchors, 2, &p, NULL, &v), v);
  free(b0.p);
  free(ca.p);
  free(ca1.p);
  free(b.p);
}

/* Without its root, inter1 names ca as issuer but is signed by ca1's key. */
static void same_name_other_key_is_a_bad_signature(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_policy p = policy_for(OT_X509_ROLE_RESPONDER);
  bundle b = load(P256, "bundle_responder.certchain1.der");
  b.chain.certs[0] = b.chain.certs[1];
  b.chain.certs[1] = b.chain.certs[2];
  b.chain.count = 2;
  assert_refused(verify_one(&b, P256, "ca.cert.der", &p, NULL, &v), v, OT_X509_BAD_SIGNATURE);
  assert_int_equal(v.index, 0);
  free(b.p);
}

/* DSP0274: the first certificate may be signed by a root instead of being one. */
static void first_certificate_may_be_signed_by_the_anchor(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_policy p = policy_for(OT_X509_ROLE_RESPONDER);
  bundle b = load(P384, "bundle_responder.certchain.der");
  b.chain.certs[0] = b.chain.certs[1];
  b.chain.certs[1] = b.chain.certs[2];
  b.chain.count = 2;
  assert_verified(verify_one(&b, P384, "ca.cert.der", &p, NULL, &v), v);
  /* The leaf alone is one issuer short. */
  b.chain.certs[0] = b.chain.certs[1];
  b.chain.count = 1;
  assert_refused(verify_one(&b, P384, "ca.cert.der", &p, NULL, &v), v, OT_X509_UNKNOWN_ISSUER);
  free(b.p);
}

static void rejects_chains_out_of_order(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_policy p = policy_for(OT_X509_ROLE_RESPONDER);
  bundle b = load(P256, "bundle_responder.certchain.der");
  ot_x509_cert root = b.chain.certs[0], inter = b.chain.certs[1], leaf = b.chain.certs[2];
  /* leaf, inter, root (a TLS-style order). */
  b.chain.certs[0] = leaf;
  b.chain.certs[2] = root;
  assert_refused(verify_one(&b, P256, "ca.cert.der", &p, NULL, &v), v, OT_X509_CHAIN_ORDER);
  assert_int_equal(v.index, 1);
  /* root, leaf: the intermediate is missing. */
  b.chain.certs[0] = root;
  b.chain.certs[1] = leaf;
  b.chain.count = 2;
  assert_refused(verify_one(&b, P256, "ca.cert.der", &p, NULL, &v), v, OT_X509_CHAIN_ORDER);
  assert_int_equal(v.index, 1);
  /* root, inter, inter, leaf. */
  b.chain.certs[1] = inter;
  b.chain.certs[2] = inter;
  b.chain.certs[3] = leaf;
  b.chain.count = 4;
  assert_refused(verify_one(&b, P256, "ca.cert.der", &p, NULL, &v), v, OT_X509_CHAIN_ORDER);
  assert_int_equal(v.index, 2);
  free(b.p);
}

static void checks_validity_at_the_callers_time(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_policy p = policy_for(OT_X509_ROLE_RESPONDER);
  bundle b = load(P256, "bundle_responder.certchain.der");
  p.now = T_2020;
  assert_refused(verify_one(&b, P256, "ca.cert.der", &p, NULL, &v), v, OT_X509_NOT_YET_VALID);
  p.now = T_2034;
  assert_refused(verify_one(&b, P256, "ca.cert.der", &p, NULL, &v), v, OT_X509_EXPIRED);
  /* Between the leaf's notBefore (2023-09-12 07:11:14) and ... one second before it. */
  p.now = (time_t)1694502674;
  assert_verified(verify_one(&b, P256, "ca.cert.der", &p, NULL, &v), v);
  p.now = (time_t)1694502673;
  assert_refused(verify_one(&b, P256, "ca.cert.der", &p, NULL, &v), v, OT_X509_NOT_YET_VALID);
  assert_int_equal(v.index, 2);
  free(b.p);
}

/* A Responder's leaf must not carry only the Requester EKU, and vice versa. */
static void honours_spdm_ekus(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_leaf_info info;
  ot_x509_policy rsp = policy_for(OT_X509_ROLE_RESPONDER);
  ot_x509_policy req = policy_for(OT_X509_ROLE_REQUESTER);
  ot_x509_policy any = policy_for(OT_X509_ROLE_ANY);
  static const char *const dirs[] = {P256, P384};
  for (size_t d = 0; d < 2; d++) {
    bundle only_req = with_leaf(dirs[d], "end_responder_with_spdm_req_eku.cert.der");
    assert_refused(verify_one(&only_req, dirs[d], "ca.cert.der", &rsp, NULL, &v), v,
                   OT_X509_LEAF_EKU);
    assert_int_equal(v.index, 2);
    assert_verified(verify_one(&only_req, dirs[d], "ca.cert.der", &req, &info, &v), v);
    assert_true(info.eku_requester);
    assert_false(info.eku_responder);
    assert_verified(verify_one(&only_req, dirs[d], "ca.cert.der", &any, NULL, &v), v);

    bundle only_rsp = with_leaf(dirs[d], "end_responder_with_spdm_rsp_eku.cert.der");
    assert_verified(verify_one(&only_rsp, dirs[d], "ca.cert.der", &rsp, &info, &v), v);
    assert_true(info.eku_responder);
    assert_refused(verify_one(&only_rsp, dirs[d], "ca.cert.der", &req, NULL, &v), v,
                   OT_X509_LEAF_EKU);

    bundle both = with_leaf(dirs[d], "end_responder_with_spdm_req_rsp_eku.cert.der");
    assert_verified(verify_one(&both, dirs[d], "ca.cert.der", &rsp, NULL, &v), v);
    assert_verified(verify_one(&both, dirs[d], "ca.cert.der", &req, NULL, &v), v);

    bundle req_rsp_only = with_leaf(dirs[d], "end_requester_with_spdm_rsp_eku.cert.der");
    assert_refused(verify_one(&req_rsp_only, dirs[d], "ca.cert.der", &req, NULL, &v), v,
                   OT_X509_LEAF_EKU);
    free(only_req.p);
    free(only_rsp.p);
    free(both.p);
    free(req_rsp_only.p);
  }
}

/* end_requester_ca_false.cert, despite its name, says cA TRUE. */
static void rejects_a_ca_leaf(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_policy req = policy_for(OT_X509_ROLE_REQUESTER);
  bundle b = with_leaf(P256, "end_requester_ca_false.cert.der");
  assert_refused(verify_one(&b, P256, "ca.cert.der", &req, NULL, &v), v, OT_X509_LEAF_IS_CA);
  assert_int_equal(v.index, 2);
  assert_refused(ot_x509_leaf_check(ot_x509_chain_leaf(&b.chain), &req, NULL, &v), v,
                 OT_X509_LEAF_IS_CA);
  /* The alias "partial set" chain stops at the CA that would issue the alias leaf. */
  bundle partial = load(P384, "bundle_responder.certchain_alias_cert_partial_set.der");
  ot_x509_policy rsp = policy_for(OT_X509_ROLE_RESPONDER);
  assert_refused(verify_one(&partial, P384, "ca.cert.der", &rsp, NULL, &v), v, OT_X509_LEAF_IS_CA);
  free(partial.p);
  free(b.p);
}

/* basicConstraints may be absent from a leaf. */
static void accepts_a_leaf_without_basic_constraints(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_policy req = policy_for(OT_X509_ROLE_REQUESTER);
  bundle b = with_leaf(P256, "end_requester_without_basic_constraint.cert.der");
  assert_verified(verify_one(&b, P256, "ca.cert.der", &req, NULL, &v), v);
  free(b.p);
}

/* AliasCert model: four certificates, a CA "device" certificate, an alias leaf. */
static void alias_model(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_leaf_info info;
  ot_x509_policy p = policy_for(OT_X509_ROLE_RESPONDER);
  p.model = OT_X509_MODEL_ALIAS;
  static const char *const dirs[] = {P256, P384};
  for (size_t d = 0; d < 2; d++) {
    bundle alias = load(dirs[d], "bundle_responder.certchain_alias.der");
    assert_int_equal(alias.chain.count, 4);
    assert_verified(verify_one(&alias, dirs[d], "ca.cert.der", &p, &info, &v), v);
    assert_false(info.hardware_identity);
    /* A leaf naming the hardware identity is not an alias certificate. */
    bundle device = load(dirs[d], "bundle_responder.certchain.der");
    assert_refused(verify_one(&device, dirs[d], "ca.cert.der", &p, NULL, &v), v,
                   OT_X509_LEAF_HW_IDENTITY);
    free(alias.p);
    free(device.p);
  }
}

static void leaf_key_must_match_the_negotiated_algorithm(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_policy p = policy_for(OT_X509_ROLE_RESPONDER);
  p.curve = OT_CURVE_P384;
  bundle b = load(P256, "bundle_responder.certchain.der");
  assert_refused(verify_one(&b, P256, "ca.cert.der", &p, NULL, &v), v, OT_X509_LEAF_KEY);
  p.curve = OT_CURVE_ED25519;
  assert_refused(ot_x509_leaf_check(ot_x509_chain_leaf(&b.chain), &p, NULL, &v), v,
                 OT_X509_LEAF_KEY);
  free(b.p);
}

/* The DMTF hierarchy lacks key identifiers and critical CA constraints. */
static void rfc5280_flag_enforces_the_full_profile(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_policy p = policy_for(OT_X509_ROLE_RESPONDER);
  p.flags = OT_X509_FLAG_RFC5280;
  bundle b = load(P384, "bundle_responder.certchain.der");
  assert_refused(verify_one(&b, P384, "ca.cert.der", &p, NULL, &v), v, OT_X509_PROFILE);
  assert_true(v.library_error != 0);
  free(b.p);
}

static void rejects_bad_anchors_and_arguments(void **state) {
  (void)state;
  ot_x509_verdict v;
  ot_x509_policy p = policy_for(OT_X509_ROLE_RESPONDER);
  bundle b = load(P256, "bundle_responder.certchain.der");
  /* No anchors at all: the root is not trusted. */
  assert_refused(ot_x509_chain_verify(&b.chain, NULL, 0, &p, NULL, &v), v, OT_X509_UNTRUSTED_ROOT);
  /* An anchor that is not a certificate is the caller's mistake. */
  static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
  ot_x509_cert bad = {junk, sizeof junk};
  assert_ot_code(ot_x509_chain_verify(&b.chain, &bad, 1, &p, NULL, &v), OT_E_ARG);
  assert_int_equal(v.reason, OT_X509_BAD_ANCHOR);
  assert_ot_code(ot_x509_chain_verify(NULL, &bad, 1, &p, NULL, &v), OT_E_ARG);
  assert_ot_code(ot_x509_chain_verify(&b.chain, &bad, 1, NULL, NULL, &v), OT_E_ARG);
  assert_ot_code(ot_x509_chain_verify(&b.chain, &bad, 1, &p, NULL, NULL), OT_E_ARG);
  ot_x509_chain empty = {0};
  assert_ot_code(ot_x509_chain_verify(&empty, &bad, 1, &p, NULL, &v), OT_E_ARG);
  /* A chain element that does not decode (built by hand, not by the parser). */
  ot_x509_chain forged = b.chain;
  forged.certs[1] = bad;
  assert_refused(ot_x509_chain_verify(&forged, b.chain.certs, 1, &p, NULL, &v), v,
                 OT_X509_MALFORMED);
  assert_int_equal(v.index, 1);
  free(b.p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(verifies_dmtf_sample_chains),
      cmocka_unit_test(verifies_slot4_and_requester_chains),
      cmocka_unit_test(second_root_needs_its_own_anchor),
      cmocka_unit_test(same_name_other_key_is_a_bad_signature),
      cmocka_unit_test(first_certificate_may_be_signed_by_the_anchor),
      cmocka_unit_test(rejects_chains_out_of_order),
      cmocka_unit_test(checks_validity_at_the_callers_time),
      cmocka_unit_test(honours_spdm_ekus),
      cmocka_unit_test(rejects_a_ca_leaf),
      cmocka_unit_test(accepts_a_leaf_without_basic_constraints),
      cmocka_unit_test(alias_model),
      cmocka_unit_test(leaf_key_must_match_the_negotiated_algorithm),
      cmocka_unit_test(rfc5280_flag_enforces_the_full_profile),
      cmocka_unit_test(rejects_bad_anchors_and_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
