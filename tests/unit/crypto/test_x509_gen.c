/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of certificate generation (src/crypto/x509_gen.c): generated
 * hierarchies verify, carry what was asked for, and fail when damaged or
 * built against the rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/x509.h"
#include "testsupport.h"

#define T_2024 ((time_t)1704067200) /* 2024-01-01T00:00:00Z */
#define T_2025 ((time_t)1735689600)
#define T_2030 ((time_t)1893456000)
#define T_2055 ((time_t)2682374400)
#define T_2060 ((time_t)2840140800) /* GeneralizedTime territory (RFC 5280 §4.1.2.5) */

/* Fixed private keys: scalars well below every group order, and seeds. */
typedef struct keyset {
  ot_curve curve;
  uint8_t root[48], inter[48], leaf[48], other[48];
} keyset;

static keyset keys_for(ot_curve curve) {
  keyset k;
  memset(&k, 0, sizeof k);
  k.curve = curve;
  for (int i = 0; i < 48; i++) {
    k.root[i] = (uint8_t)(0x11 + i);
    k.inter[i] = (uint8_t)(0x42 ^ (i * 7));
    k.leaf[i] = (uint8_t)(0x23 + 3 * i);
    k.other[i] = (uint8_t)(0x5a ^ i);
  }
  k.root[0] = k.inter[0] = k.leaf[0] = k.other[0] = 0x01; /* stay below n */
  return k;
}

static ot_x509_chain_template chain_template(const keyset *k) {
  ot_x509_chain_template t = {
      .curve = k->curve,
      .root_private = k->root,
      .intermediate_private = k->inter,
      .leaf_private = k->leaf,
      .not_before = T_2024,
      .not_after = T_2030,
      .leaf_eku = OT_X509_EKU_RESPONDER,
      .device_info = "OPENTSM:SIMDEV:0001",
      .leaf_name = "opentsm test device",
  };
  return t;
}

static ot_x509_policy policy(ot_x509_role role) {
  ot_x509_policy p = {.now = T_2025, .role = role};
  return p;
}

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

/* Verifies der[0..n) against its own first certificate as the anchor. */
static ot_status verify_self_rooted(const uint8_t *der, size_t n, const ot_x509_policy *p,
                                    ot_x509_leaf_info *info, ot_x509_verdict *v) {
  ot_x509_chain c;
  ot_status st = ot_x509_chain_parse(der, n, &c);
  if (!ot_ok(st)) return st;
  return ot_x509_chain_verify(&c, &c.certs[0], 1, p, info, v);
}

static void generated_chain_verifies(ot_curve curve) {
  keyset k = keys_for(curve);
  ot_x509_chain_template t = chain_template(&k);
  uint8_t der[4096];
  size_t n;
  assert_ot_ok(ot_x509_generate_chain(&t, der, sizeof der, &n));
  ot_x509_chain c;
  assert_ot_ok(ot_x509_chain_parse(der, n, &c));
  assert_int_equal(c.count, 3);

  ot_x509_policy p = policy(OT_X509_ROLE_RESPONDER);
  p.curve = curve;
  ot_x509_leaf_info info;
  ot_x509_verdict v;
  assert_verified(ot_x509_chain_verify(&c, &c.certs[0], 1, &p, &info, &v), v);
  assert_int_equal(v.reason, OT_X509_VALID);
  /* Generated certificates also meet the whole RFC 5280 profile. */
  p.flags = OT_X509_FLAG_RFC5280;
  assert_verified(ot_x509_chain_verify(&c, &c.certs[0], 1, &p, NULL, &v), v);
  assert_true(info.eku_responder);
  assert_false(info.eku_requester);
  assert_true(info.hardware_identity);
  assert_string_equal(info.device_info, "OPENTSM:SIMDEV:0001");
  assert_int_equal(info.curve, curve);

  /* The leaf's key, read back from the certificate, is what the info reports. */
  uint8_t pub[OT_ECC_MAX_PUBLIC];
  size_t pub_len;
  ot_curve pc;
  assert_ot_ok(ot_x509_public_key(ot_x509_chain_leaf(&c), &pc, pub, sizeof pub, &pub_len));
  assert_int_equal(pub_len, info.public_key_len);
  assert_memory_equal(pub, info.public_key, pub_len);

  /* The validity window is the one asked for. */
  p.flags = 0;
  p.now = T_2024 - 1;
  assert_refused(ot_x509_chain_verify(&c, &c.certs[0], 1, &p, NULL, &v), v, OT_X509_NOT_YET_VALID);
  p.now = T_2024;
  assert_verified(ot_x509_chain_verify(&c, &c.certs[0], 1, &p, NULL, &v), v);
  /* RFC 5280 §4.1.2.5 counts notAfter itself as valid; the path validator
   * underneath does not, so the last second is not asserted either way. */
  p.now = T_2030 - 1;
  assert_verified(ot_x509_chain_verify(&c, &c.certs[0], 1, &p, NULL, &v), v);
  p.now = T_2030 + 1;
  assert_refused(ot_x509_chain_verify(&c, &c.certs[0], 1, &p, NULL, &v), v, OT_X509_EXPIRED);
}

static void generated_chains_verify(void **state) {
  (void)state;
  generated_chain_verifies(OT_CURVE_P256);
  generated_chain_verifies(OT_CURVE_P384);
  generated_chain_verifies(OT_CURVE_ED25519);
}

/* Built from the DMTF sample leaf key, the leaf names that key's public half. */
static void leaf_carries_the_leaf_keys_public_half(void **state) {
  (void)state;
  size_t kn, pn;
  uint8_t *keyfile = ts_read_vector("spdm-emu/sample_key/ecp384/end_responder.key.der", &kn);
  uint8_t *pubfile = ts_read_vector("spdm-emu/sample_key/ecp384/end_responder.key.pub.der", &pn);
  keyset k = keys_for(OT_CURVE_P384);
  size_t len;
  ot_curve c;
  assert_ot_ok(ot_x509_private_key_raw(keyfile, kn, &c, k.leaf, sizeof k.leaf, &len));
  assert_int_equal(c, OT_CURVE_P384);
  uint8_t want[OT_ECC_MAX_PUBLIC];
  size_t want_len;
  assert_ot_ok(ot_x509_spki_public_key(pubfile, pn, &c, want, sizeof want, &want_len));

  ot_x509_chain_template t = chain_template(&k);
  uint8_t der[4096];
  size_t n;
  assert_ot_ok(ot_x509_generate_chain(&t, der, sizeof der, &n));
  ot_x509_policy p = policy(OT_X509_ROLE_RESPONDER);
  ot_x509_leaf_info info;
  ot_x509_verdict v;
  assert_verified(verify_self_rooted(der, n, &p, &info, &v), v);
  assert_int_equal(info.public_key_len, want_len);
  assert_memory_equal(info.public_key, want, want_len);
  free(keyfile);
  free(pubfile);
}

/* Flipping any single bit-0 of the leaf's encoding makes the chain fail. */
static void tampered_leaf_never_verifies(void **state) {
  (void)state;
  keyset k = keys_for(OT_CURVE_P256);
  ot_x509_chain_template t = chain_template(&k);
  uint8_t der[4096];
  size_t n;
  assert_ot_ok(ot_x509_generate_chain(&t, der, sizeof der, &n));
  ot_x509_chain c;
  assert_ot_ok(ot_x509_chain_parse(der, n, &c));
  size_t leaf_off = (size_t)(ot_x509_chain_leaf(&c)->der - der);
  ot_x509_policy p = policy(OT_X509_ROLE_RESPONDER);
  size_t refused_by_parser = 0, refused_by_validation = 0;
  for (size_t i = leaf_off; i < n; i++) {
    der[i] ^= 0x01;
    ot_x509_verdict v;
    ot_status st = verify_self_rooted(der, n, &p, NULL, &v);
    if (ot_ok(st)) fail_msg("flip at leaf byte %zu still verifies", i - leaf_off);
    if (ot_is(st, OT_E_CERT))
      refused_by_validation++;
    else
      refused_by_parser++;
    der[i] ^= 0x01;
  }
  assert_true(refused_by_validation > 0);
  assert_true(refused_by_parser > 0);
  /* The last byte is inside the signature. */
  der[n - 1] ^= 0x01;
  ot_x509_verdict v;
  assert_refused(verify_self_rooted(der, n, &p, NULL, &v), v, OT_X509_BAD_SIGNATURE);
  assert_int_equal(v.index, 2);
}

/* Generates a root and returns its DER in root[0..*len). */
static void make_root(const keyset *k, uint8_t *root, size_t cap, size_t *len) {
  ot_x509_template t = {.kind = OT_X509_KIND_ROOT,
                        .common_name = "root",
                        .serial = 1,
                        .not_before = T_2024,
                        .not_after = T_2030,
                        .path_len = -1};
  ot_x509_issuer by = {.curve = k->curve, .private_key = k->root};
  assert_ot_ok(ot_x509_generate(&t, &by, root, cap, len));
}

/* Public half of a private key, via a throwaway self-signed root. */
static void public_of(ot_curve curve, const uint8_t *priv, uint8_t *pub) {
  keyset tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.curve = curve;
  memcpy(tmp.root, priv, 48);
  uint8_t der[1024];
  size_t n, pub_len;
  make_root(&tmp, der, sizeof der, &n);
  ot_x509_cert cert = {der, n};
  ot_curve c;
  assert_ot_ok(ot_x509_public_key(&cert, &c, pub, OT_ECC_MAX_PUBLIC, &pub_len));
}

/* Appends a certificate of the given kind, signed by the previous one. */
typedef struct builder {
  uint8_t der[8192];
  size_t len;
  ot_x509_cert last;
  const uint8_t *last_key;
  ot_curve curve;
} builder;

static ot_status append(builder *b, ot_x509_template *t, const uint8_t *subject_priv) {
  uint8_t pub[OT_ECC_MAX_PUBLIC];
  public_of(b->curve, subject_priv, pub);
  t->subject_curve = b->curve;
  t->subject_public = pub;
  ot_x509_issuer by = {.curve = b->curve, .private_key = b->last_key, .cert = &b->last};
  size_t n;
  ot_status st = ot_x509_generate(t, &by, b->der + b->len, sizeof b->der - b->len, &n);
  if (!ot_ok(st)) return st;
  b->last.der = b->der + b->len;
  b->last.len = n;
  b->last_key = subject_priv;
  b->len += n;
  return OT_SUCCESS;
}

static void start(builder *b, const keyset *k) {
  memset(b, 0, sizeof *b);
  b->curve = k->curve;
  make_root(k, b->der, sizeof b->der, &b->len);
  b->last.der = b->der;
  b->last.len = b->len;
  b->last_key = k->root;
}

static ot_x509_template tmpl(ot_x509_kind kind, const char *cn, uint64_t serial) {
  ot_x509_template t = {.kind = kind,
                        .common_name = cn,
                        .serial = serial,
                        .not_before = T_2024,
                        .not_after = T_2030,
                        .path_len = -1,
                        .eku = kind == OT_X509_KIND_LEAF ? OT_X509_EKU_RESPONDER : 0};
  return t;
}

static void enforces_path_length(void **state) {
  (void)state;
  keyset k = keys_for(OT_CURVE_P256);
  builder b;
  start(&b, &k);
  ot_x509_template i1 = tmpl(OT_X509_KIND_INTERMEDIATE, "inter 1", 2);
  i1.path_len = 0;
  assert_ot_ok(append(&b, &i1, k.inter));
  ot_x509_template i2 = tmpl(OT_X509_KIND_INTERMEDIATE, "inter 2", 3);
  assert_ot_ok(append(&b, &i2, k.other));
  ot_x509_template leaf = tmpl(OT_X509_KIND_LEAF, "leaf", 4);
  assert_ot_ok(append(&b, &leaf, k.leaf));
  ot_x509_policy p = policy(OT_X509_ROLE_RESPONDER);
  ot_x509_verdict v;
  assert_refused(verify_self_rooted(b.der, b.len, &p, NULL, &v), v, OT_X509_PATH_LENGTH);

  /* With pathLen 1 the same shape is fine. */
  start(&b, &k);
  i1.path_len = 1;
  assert_ot_ok(append(&b, &i1, k.inter));
  assert_ot_ok(append(&b, &i2, k.other));
  assert_ot_ok(append(&b, &leaf, k.leaf));
  assert_verified(verify_self_rooted(b.der, b.len, &p, NULL, &v), v);
}

/* A leaf cannot issue: its key usage lacks keyCertSign, and it is no CA. */
static void rejects_a_non_ca_issuer(void **state) {
  (void)state;
  keyset k = keys_for(OT_CURVE_P384);
  builder b;
  start(&b, &k);
  ot_x509_template fake = tmpl(OT_X509_KIND_LEAF, "not a CA", 2);
  assert_ot_ok(append(&b, &fake, k.inter));
  ot_x509_template leaf = tmpl(OT_X509_KIND_LEAF, "leaf", 3);
  assert_ot_ok(append(&b, &leaf, k.leaf));
  ot_x509_policy p = policy(OT_X509_ROLE_RESPONDER);
  ot_x509_verdict v;
  assert_refused(verify_self_rooted(b.der, b.len, &p, NULL, &v), v, OT_X509_ISSUER_KEY_USAGE);
  assert_int_equal(v.index, 2);

  /* Given keyCertSign anyway, a cA FALSE issuer still is not a CA. */
  start(&b, &k);
  fake.key_usage = OT_X509_KU_KEY_CERT_SIGN | OT_X509_KU_DIGITAL_SIGNATURE;
  assert_ot_ok(append(&b, &fake, k.inter));
  assert_ot_ok(append(&b, &leaf, k.leaf));
  ot_status st = verify_self_rooted(b.der, b.len, &p, NULL, &v);
  assert_ot_code(st, OT_E_CERT);
  assert_int_equal(v.reason, OT_X509_ISSUER_NOT_CA);
  assert_int_equal(v.index, 1);
}

static void leaf_profile_on_generated_leaves(void **state) {
  (void)state;
  keyset k = keys_for(OT_CURVE_P256);
  ot_x509_policy rsp = policy(OT_X509_ROLE_RESPONDER);
  ot_x509_policy req = policy(OT_X509_ROLE_REQUESTER);
  ot_x509_verdict v;
  builder b;

  /* keyUsage without digitalSignature. */
  start(&b, &k);
  ot_x509_template leaf = tmpl(OT_X509_KIND_LEAF, "leaf", 2);
  leaf.key_usage = OT_X509_KU_KEY_AGREEMENT;
  assert_ot_ok(append(&b, &leaf, k.leaf));
  assert_refused(verify_self_rooted(b.der, b.len, &rsp, NULL, &v), v, OT_X509_LEAF_KEY_USAGE);
  assert_int_equal(v.index, 1);

  /* Only the Requester EKU: a Requester's leaf, not a Responder's. */
  start(&b, &k);
  leaf.key_usage = 0;
  leaf.eku = OT_X509_EKU_REQUESTER;
  assert_ot_ok(append(&b, &leaf, k.leaf));
  assert_refused(verify_self_rooted(b.der, b.len, &rsp, NULL, &v), v, OT_X509_LEAF_EKU);
  assert_verified(verify_self_rooted(b.der, b.len, &req, NULL, &v), v);

  /* No EKU at all serves both roles; no hardware identity suits the alias model. */
  start(&b, &k);
  leaf.eku = 0;
  assert_ot_ok(append(&b, &leaf, k.leaf));
  ot_x509_leaf_info info;
  assert_verified(verify_self_rooted(b.der, b.len, &rsp, &info, &v), v);
  assert_false(info.eku_responder || info.eku_requester || info.hardware_identity);
  assert_string_equal(info.device_info, "");
  assert_verified(verify_self_rooted(b.der, b.len, &req, NULL, &v), v);
  rsp.model = OT_X509_MODEL_ALIAS;
  assert_verified(verify_self_rooted(b.der, b.len, &rsp, NULL, &v), v);

  /* With the hardware identity OID the alias model refuses it. */
  start(&b, &k);
  leaf.hardware_identity = true;
  assert_ot_ok(append(&b, &leaf, k.leaf));
  assert_refused(verify_self_rooted(b.der, b.len, &rsp, NULL, &v), v, OT_X509_LEAF_HW_IDENTITY);
  rsp.model = OT_X509_MODEL_GENERIC;
  assert_verified(verify_self_rooted(b.der, b.len, &rsp, NULL, &v), v);
}

static void dates_after_2049_use_generalized_time(void **state) {
  (void)state;
  keyset k = keys_for(OT_CURVE_P256);
  ot_x509_chain_template t = chain_template(&k);
  t.not_after = T_2060;
  uint8_t der[4096];
  size_t n;
  assert_ot_ok(ot_x509_generate_chain(&t, der, sizeof der, &n));
  ot_x509_policy p = policy(OT_X509_ROLE_RESPONDER);
  p.now = T_2055;
  ot_x509_verdict v;
  assert_verified(verify_self_rooted(der, n, &p, NULL, &v), v);
  p.now = T_2060 + 1;
  assert_refused(verify_self_rooted(der, n, &p, NULL, &v), v, OT_X509_EXPIRED);
}

static void output_must_fit(void **state) {
  (void)state;
  keyset k = keys_for(OT_CURVE_P384);
  uint8_t root[1024];
  size_t n;
  make_root(&k, root, sizeof root, &n);
  ot_x509_template t = {.kind = OT_X509_KIND_ROOT,
                        .common_name = "root",
                        .serial = 1,
                        .not_before = T_2024,
                        .not_after = T_2030,
                        .path_len = -1};
  ot_x509_issuer by = {.curve = k.curve, .private_key = k.root};
  uint8_t out[1024];
  size_t m = 12345;
  /* ECDSA signatures vary in length by a byte or two; leave that margin. */
  assert_ot_code(ot_x509_generate(&t, &by, out, n - 8, &m), OT_E_NO_SPACE);
  assert_int_equal(m, 12345);
  assert_ot_ok(ot_x509_generate(&t, &by, out, n + 8, &m));
  keyset kc = keys_for(OT_CURVE_P256);
  ot_x509_chain_template ct = chain_template(&kc);
  assert_ot_code(ot_x509_generate_chain(&ct, out, 600, &m), OT_E_NO_SPACE);
}

static void rejects_bad_templates(void **state) {
  (void)state;
  keyset k = keys_for(OT_CURVE_P256);
  uint8_t root[1024], out[1024];
  size_t rn, n;
  make_root(&k, root, sizeof root, &rn);
  ot_x509_cert root_cert = {root, rn};
  uint8_t pub[OT_ECC_MAX_PUBLIC];
  public_of(k.curve, k.leaf, pub);
  ot_x509_template good = tmpl(OT_X509_KIND_LEAF, "leaf", 7);
  good.subject_curve = k.curve;
  good.subject_public = pub;
  ot_x509_issuer by = {.curve = k.curve, .private_key = k.root, .cert = &root_cert};
  assert_ot_ok(ot_x509_generate(&good, &by, out, sizeof out, &n));

  ot_x509_template t = good;
  t.serial = 0;
  assert_ot_code(ot_x509_generate(&t, &by, out, sizeof out, &n), OT_E_ARG);
  t = good;
  t.not_after = t.not_before;
  assert_ot_code(ot_x509_generate(&t, &by, out, sizeof out, &n), OT_E_ARG);
  t = good;
  t.common_name = "";
  assert_ot_code(ot_x509_generate(&t, &by, out, sizeof out, &n), OT_E_ARG);
  t.common_name = "an overly long common name that does not fit the sixty-four byte bound";
  assert_ot_code(ot_x509_generate(&t, &by, out, sizeof out, &n), OT_E_ARG);
  t = good;
  t.kind = (ot_x509_kind)9;
  assert_ot_code(ot_x509_generate(&t, &by, out, sizeof out, &n), OT_E_ARG);
  t = good;
  t.subject_public = NULL;
  assert_ot_code(ot_x509_generate(&t, &by, out, sizeof out, &n), OT_E_ARG);
  t = good;
  t.device_info = "";
  assert_ot_code(ot_x509_generate(&t, &by, out, sizeof out, &n), OT_E_ARG);
  t = good;
  t.eku = 4;
  assert_ot_code(ot_x509_generate(&t, &by, out, sizeof out, &n), OT_E_ARG);
  /* A root has no issuer certificate; anything else needs one. */
  t = good;
  t.kind = OT_X509_KIND_ROOT;
  assert_ot_code(ot_x509_generate(&t, &by, out, sizeof out, &n), OT_E_ARG);
  ot_x509_issuer no_cert = {.curve = k.curve, .private_key = k.root};
  assert_ot_code(ot_x509_generate(&good, &no_cert, out, sizeof out, &n), OT_E_ARG);
  /* The issuer's key must be the one in its certificate. */
  ot_x509_issuer wrong_key = {.curve = k.curve, .private_key = k.other, .cert = &root_cert};
  assert_ot_code(ot_x509_generate(&good, &wrong_key, out, sizeof out, &n), OT_E_BAD_KEY);
  /* A zero scalar is no key; nor is a point off the curve. */
  static const uint8_t zero[48] = {0};
  ot_x509_issuer zero_key = {.curve = k.curve, .private_key = zero, .cert = &root_cert};
  assert_ot_code(ot_x509_generate(&good, &zero_key, out, sizeof out, &n), OT_E_BAD_KEY);
  uint8_t bad_pub[OT_ECC_MAX_PUBLIC];
  memcpy(bad_pub, pub, sizeof bad_pub);
  bad_pub[5] ^= 1;
  t = good;
  t.subject_public = bad_pub;
  assert_ot_code(ot_x509_generate(&t, &by, out, sizeof out, &n), OT_E_BAD_KEY);
  /* An issuer certificate that does not decode. */
  ot_x509_cert junk = {root, rn - 1};
  ot_x509_issuer junk_issuer = {.curve = k.curve, .private_key = k.root, .cert = &junk};
  assert_ot_code(ot_x509_generate(&good, &junk_issuer, out, sizeof out, &n), OT_E_TRUNCATED);
  assert_ot_code(ot_x509_generate(NULL, &by, out, sizeof out, &n), OT_E_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(generated_chains_verify),
      cmocka_unit_test(leaf_carries_the_leaf_keys_public_half),
      cmocka_unit_test(tampered_leaf_never_verifies),
      cmocka_unit_test(enforces_path_length),
      cmocka_unit_test(rejects_a_non_ca_issuer),
      cmocka_unit_test(leaf_profile_on_generated_leaves),
      cmocka_unit_test(dates_after_2049_use_generalized_time),
      cmocka_unit_test(output_must_fit),
      cmocka_unit_test(rejects_bad_templates),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
