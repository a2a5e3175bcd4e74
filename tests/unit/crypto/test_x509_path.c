/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differential tests of the two chain validators behind ot_x509_chain_verify:
 * the fast path (src/crypto/x509_parse.c, x509_path.c: our DER reader and
 * RFC 5280 §6 path validation over the SPDM subset) and the OpenSSL path
 * (x509_verify.c: d2i_X509 and X509_verify_cert, strict). Each case builds a
 * chain with one property wrong (tests/support/x509_craft.h writes every
 * field by hand and signs it) and holds both to the same verdict:
 *  - the fast path never accepts what OpenSSL refuses, and when both accept
 *    they describe the leaf identically (key, EKUs, SPDM OIDs, device info,
 *    validity window);
 *  - for the cases inside the subset it decides as OpenSSL does, with the
 *    same reason; the cases outside it (unknown extensions, v1, bad dates)
 *    are handed over (OT_E_UNSUPPORTED) and OpenSSL gives the verdict;
 *  - ot_x509_chain_verify returns OpenSSL's verdict in every case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../src/crypto/x509_parse.h"
#include "testsupport.h"
#include "x509_craft.h"

#define T_2025 ((time_t)1735689600) /* 2025-01-01T00:00:00Z */

typedef struct keys {
  uint8_t root[32], inter[32], inter2[32], leaf[32], other[32], leaf384[48];
  uint8_t root_pub[64], inter_pub[64], inter2_pub[64], leaf_pub[64], other_pub[64],
      leaf384_pub[96];
} keys;

static keys K;

static void key(ot_curve c, uint8_t *priv, uint8_t *pub, uint8_t seed) {
  size_t n = ot_curve_size(c);
  for (size_t i = 0; i < n; i++)
    priv[i] = (uint8_t)(seed * 7 + i * 13 + 1);
  priv[0] = 0x01; /* below either group order */
  assert_ot_ok(ot_key_public(c, priv, n, pub, ot_curve_public_size(c)));
}

static int setup_keys(void **state) {
  (void)state;
  key(OT_CURVE_P256, K.root, K.root_pub, 1);
  key(OT_CURVE_P256, K.inter, K.inter_pub, 2);
  key(OT_CURVE_P256, K.inter2, K.inter2_pub, 3);
  key(OT_CURVE_P256, K.leaf, K.leaf_pub, 4);
  key(OT_CURVE_P256, K.other, K.other_pub, 5);
  key(OT_CURVE_P384, K.leaf384, K.leaf384_pub, 6);
  return 0;
}

/* A root -> intermediate [-> intermediate 2] -> leaf hierarchy as specs. */
typedef struct hier {
  craft_spec root, inter, inter2, leaf;
  bool with_inter2;  /* four certificates */
  bool omit_root;    /* the chain starts at the intermediate; the root is the anchor */
  bool other_anchor; /* the anchor is another root of the same name */
  ot_x509_policy policy;
} hier;

static void hier_default(hier *h) {
  memset(h, 0, sizeof *h);
  craft_default(&h->root);
  h->root.issuer = h->root.subject = "Test Root";
  h->root.ca = h->root.bc_critical = true;
  h->root.ku = 0x86; /* digitalSignature, keyCertSign, cRLSign */
  h->root.skid = h->root.akid = true;
  h->root.pub = K.root_pub;
  craft_default(&h->inter);
  h->inter.issuer = "Test Root";
  h->inter.subject = "Test Intermediate";
  h->inter.ca = h->inter.bc_critical = true;
  h->inter.ku = 0x86;
  h->inter.skid = h->inter.akid = true;
  h->inter.serial = 2;
  h->inter.pub = K.inter_pub;
  craft_default(&h->inter2);
  h->inter2.issuer = "Test Intermediate";
  h->inter2.subject = "Test Intermediate 2";
  h->inter2.ca = h->inter2.bc_critical = true;
  h->inter2.ku = 0x86;
  h->inter2.skid = h->inter2.akid = true;
  h->inter2.serial = 4;
  h->inter2.pub = K.inter2_pub;
  craft_default(&h->leaf);
  h->leaf.issuer = "Test Intermediate";
  h->leaf.subject = "Test Device";
  h->leaf.ku = 0x80; /* digitalSignature */
  h->leaf.skid = h->leaf.akid = true;
  h->leaf.eku = OT_X509_EKU_RESPONDER;
  h->leaf.hw_identity = true;
  h->leaf.device_info = "ACME:WIDGET:0001";
  h->leaf.serial = 3;
  h->leaf.pub = K.leaf_pub;
  h->policy = (ot_x509_policy){.now = T_2025, .role = OT_X509_ROLE_RESPONDER,
                               .curve = OT_CURVE_P256};
}

typedef struct built {
  uint8_t der[8192];
  size_t len;
  craft_buf root, other;
  ot_x509_chain chain;
  ot_x509_cert anchor;
} built;

static void build(hier *h, built *b) {
  craft_buf c;
  b->len = 0;
  craft_cert(&h->root, OT_CURVE_P256, K.root, K.root_pub, &b->root);
  if (!h->omit_root) {
    memcpy(b->der, b->root.b, b->root.n);
    b->len = b->root.n;
  }
  craft_cert(&h->inter, OT_CURVE_P256, K.root, K.root_pub, &c);
  memcpy(b->der + b->len, c.b, c.n);
  b->len += c.n;
  const uint8_t *lpriv = K.inter, *lpub = K.inter_pub;
  if (h->with_inter2) {
    craft_cert(&h->inter2, OT_CURVE_P256, K.inter, K.inter_pub, &c);
    memcpy(b->der + b->len, c.b, c.n);
    b->len += c.n;
    lpriv = K.inter2;
    lpub = K.inter2_pub;
  }
  craft_cert(&h->leaf, OT_CURVE_P256, lpriv, lpub, &c);
  memcpy(b->der + b->len, c.b, c.n);
  b->len += c.n;
  b->anchor = (ot_x509_cert){b->root.b, b->root.n};
  if (h->other_anchor) {
    craft_spec o = h->root;
    o.pub = K.other_pub;
    craft_cert(&o, OT_CURVE_P256, K.other, K.other_pub, &b->other);
    b->anchor = (ot_x509_cert){b->other.b, b->other.n};
  }
  assert_ot_ok(ot_x509_chain_parse(b->der, b->len, &b->chain));
}

enum fast_expect { SAME = 0, HANDED_OVER = 1 };

/* Runs both validators and the public function on h; checks the rules in
 * the header comment. Returns OpenSSL's status. */
static ot_status differ(const char *name, hier *h, bool ok_expected, enum fast_expect fe,
                        ot_x509_reason reason) {
  static built b;
  memset(&b, 0, sizeof b);
  build(h, &b);
  ot_x509_leaf_info io, ifast, iapi;
  memset(&io, 0, sizeof io);
  memset(&ifast, 0, sizeof ifast);
  memset(&iapi, 0, sizeof iapi);
  ot_x509_verdict vo, vf, vapi;
  ot_status so = ot_x509_chain_verify_openssl(&b.chain, &b.anchor, 1, &h->policy, &io, &vo);
  ot_status sf = ot_x509_chain_verify_fast(&b.chain, &b.anchor, 1, &h->policy, &ifast, &vf);
  ot_status sa = ot_x509_chain_verify(&b.chain, &b.anchor, 1, &h->policy, &iapi, &vapi);
  if (ot_ok(so) != ok_expected || (!ok_expected && vo.reason != reason) ||
      (fe == HANDED_OVER && !ot_is(sf, OT_E_UNSUPPORTED)) ||
      (fe == SAME && (ot_ok(sf) != ot_ok(so) || (!ot_ok(sf) && vf.reason != vo.reason))))
    print_message("%s: openssl %s (%s, %d), fast %s (%s, %d)\n", name, ot_status_name(so),
                  ot_x509_reason_string(vo.reason), vo.library_error, ot_status_name(sf),
                  ot_x509_reason_string(vf.reason), vf.index);
  assert_int_equal(ot_ok(so), ok_expected);
  if (!ok_expected) assert_int_equal(vo.reason, reason);
  /* The fast path never accepts what OpenSSL refuses, and agrees on the leaf. */
  if (ot_ok(sf)) {
    assert_true(ot_ok(so));
    assert_memory_equal(&ifast, &io, sizeof io);
  }
  if (fe == HANDED_OVER) {
    assert_true(ot_is(sf, OT_E_UNSUPPORTED));
  } else {
    assert_int_equal(ot_ok(sf), ot_ok(so));
    if (!ot_ok(sf)) {
      assert_true(ot_is(sf, OT_E_CERT));
      assert_int_equal(vf.reason, vo.reason);
    }
  }
  /* The public function: OpenSSL's verdict, always. */
  assert_int_equal(ot_ok(sa), ot_ok(so));
  assert_int_equal(vapi.reason, vo.reason);
  if (ot_ok(sa)) assert_memory_equal(&iapi, &io, sizeof io);
  return so;
}

static void good_chains(void **state) {
  (void)state;
  hier h;
  hier_default(&h);
  differ("good", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.with_inter2 = true;
  h.leaf.issuer = "Test Intermediate 2";
  differ("good four", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.omit_root = true;
  differ("root as separate anchor", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.leaf.tbs_alg_384 = h.leaf.outer_alg_384 = true;
  differ("P-256 issuer signing with SHA-384", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.root.name_tag = h.inter.name_tag = h.leaf.name_tag = 0x13;
  differ("PrintableString names", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.leaf.issuer = "test INTERMEDIATE";
  differ("issuer name differing in case", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.leaf.issuer = "  Test   Intermediate ";
  differ("issuer name differing in spaces", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.inter.subject_o = h.leaf.issuer_o = "Example";
  differ("two RDNs", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.leaf.not_before = "20240101000000Z";
  h.leaf.not_after = "20990101000000Z";
  differ("GeneralizedTime", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.inter.ku = 0;
  differ("CA without keyUsage (tolerated)", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.inter.bc_critical = false;
  h.inter.skid = h.inter.akid = h.leaf.akid = false;
  differ("no key identifiers, BC not critical (tolerated)", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.with_inter2 = true;
  h.leaf.issuer = "Test Intermediate 2";
  h.inter.path_len = 1;
  differ("pathLen 1 over one CA", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.leaf.no_bc = true;
  h.leaf.eku = 0;
  h.leaf.hw_identity = false;
  h.leaf.device_info = NULL;
  differ("bare leaf", &h, true, SAME, OT_X509_VALID);
  hier_default(&h);
  h.policy.now = 1704067200; /* exactly every notBefore */
  differ("at notBefore", &h, true, SAME, OT_X509_VALID);
}

static void refused_chains(void **state) {
  (void)state;
  hier h;
  hier_default(&h);
  h.leaf.not_after = "241231000000Z";
  differ("expired leaf", &h, false, SAME, OT_X509_EXPIRED);
  hier_default(&h);
  h.policy.now = 1893456000; /* 2030-01-01, every notAfter */
  differ("at notAfter", &h, false, SAME, OT_X509_EXPIRED);
  hier_default(&h);
  h.inter.not_before = "260101000000Z";
  differ("intermediate not yet valid", &h, false, SAME, OT_X509_NOT_YET_VALID);
  hier_default(&h);
  h.root.not_after = "241231000000Z";
  differ("root expired", &h, false, SAME, OT_X509_EXPIRED);
  hier_default(&h);
  h.leaf.issuer = "Other Intermediate";
  differ("wrong issuer name", &h, false, SAME, OT_X509_CHAIN_ORDER);
  hier_default(&h);
  h.leaf.bad_signature = true;
  differ("bad leaf signature", &h, false, SAME, OT_X509_BAD_SIGNATURE);
  hier_default(&h);
  h.inter.bad_signature = true;
  differ("bad intermediate signature", &h, false, SAME, OT_X509_BAD_SIGNATURE);
  hier_default(&h);
  h.inter.ca = false;
  differ("CA:FALSE intermediate", &h, false, SAME, OT_X509_ISSUER_NOT_CA);
  hier_default(&h);
  h.inter.no_bc = true;
  differ("intermediate without basicConstraints", &h, false, SAME, OT_X509_ISSUER_NOT_CA);
  hier_default(&h);
  h.inter.ku = 0x80;
  differ("intermediate without keyCertSign", &h, false, SAME, OT_X509_ISSUER_KEY_USAGE);
  hier_default(&h);
  h.with_inter2 = true;
  h.leaf.issuer = "Test Intermediate 2";
  h.inter.path_len = 0;
  differ("pathLen exceeded", &h, false, SAME, OT_X509_PATH_LENGTH);
  hier_default(&h);
  h.root.ku = 0;
  h.root.path_len = 2;
  differ("pathLen without keyCertSign", &h, false, SAME, OT_X509_PROFILE);
  hier_default(&h);
  h.leaf.curve = OT_CURVE_P384;
  h.leaf.pub = K.leaf384_pub;
  differ("leaf on the wrong curve", &h, false, SAME, OT_X509_LEAF_KEY);
  hier_default(&h);
  h.leaf.ca = true;
  differ("leaf with CA:TRUE", &h, false, SAME, OT_X509_LEAF_IS_CA);
  hier_default(&h);
  h.leaf.ku = 0x84;
  differ("leaf with keyCertSign", &h, false, SAME, OT_X509_PROFILE);
  hier_default(&h);
  h.leaf.ku = 0x84;
  h.leaf.no_bc = true;
  differ("leaf with keyCertSign, no basicConstraints", &h, false, SAME, OT_X509_ISSUER_NOT_CA);
  hier_default(&h);
  h.leaf.ca = true;
  h.leaf.not_after = "241231000000Z";
  differ("expired leaf that is a CA", &h, false, SAME, OT_X509_EXPIRED);
  hier_default(&h);
  h.leaf.ku = 0x20; /* keyEncipherment */
  differ("leaf without digitalSignature", &h, false, SAME, OT_X509_LEAF_KEY_USAGE);
  hier_default(&h);
  h.leaf.eku = OT_X509_EKU_REQUESTER;
  differ("requester-only leaf for a responder", &h, false, SAME, OT_X509_LEAF_EKU);
  hier_default(&h);
  h.policy.model = OT_X509_MODEL_ALIAS;
  differ("alias leaf with hardware identity", &h, false, SAME, OT_X509_LEAF_HW_IDENTITY);
  hier_default(&h);
  h.leaf.tbs_alg_384 = true;
  differ("signature algorithms inconsistent", &h, false, SAME, OT_X509_PROFILE);
  hier_default(&h);
  h.leaf.akid_wrong = true;
  differ("AKID names another key", &h, false, SAME, OT_X509_CHAIN_ORDER);
  hier_default(&h);
  h.other_anchor = true;
  differ("root not an anchor", &h, false, SAME, OT_X509_UNTRUSTED_ROOT);
  hier_default(&h);
  h.omit_root = true;
  h.other_anchor = true;
  differ("separate anchor that did not sign", &h, false, SAME, OT_X509_UNKNOWN_ISSUER);
}

/* Outside the fast path's subset: OpenSSL decides, whatever the verdict. */
static void handed_over(void **state) {
  (void)state;
  /* 1.2.3.4, critical / not critical, an empty OCTET STRING value. */
  static const uint8_t crit[] = {0x30, 0x0A, 0x06, 0x03, 0x2A, 0x03, 0x04,
                                 0x01, 0x01, 0xFF, 0x04, 0x00};
  static const uint8_t plain[] = {0x30, 0x07, 0x06, 0x03, 0x2A, 0x03, 0x04, 0x04, 0x00};
  /* A second subjectKeyIdentifier. */
  static const uint8_t dup_skid[] = {0x30, 0x0C, 0x06, 0x03, 0x55, 0x1D, 0x0E, 0x04,
                                     0x05, 0x04, 0x03, 0x01, 0x02, 0x03};
  hier h;
  hier_default(&h);
  h.leaf.extra_ext = crit;
  h.leaf.extra_len = sizeof crit;
  differ("unknown critical extension", &h, false, HANDED_OVER, OT_X509_CRITICAL_EXTENSION);
  hier_default(&h);
  h.leaf.extra_ext = plain;
  h.leaf.extra_len = sizeof plain;
  differ("unknown extension", &h, true, HANDED_OVER, OT_X509_VALID);
  hier_default(&h);
  h.leaf.extra_ext = dup_skid;
  h.leaf.extra_len = sizeof dup_skid;
  differ("duplicate extension", &h, false, HANDED_OVER, OT_X509_CHAIN_ORDER);
  hier_default(&h);
  h.leaf.version = -1;
  differ("v1 leaf", &h, false, HANDED_OVER, OT_X509_PROFILE);
  hier_default(&h);
  h.leaf.not_before = "240230000000Z";
  differ("February 30", &h, false, HANDED_OVER, OT_X509_BAD_TIME);
  hier_default(&h);
  h.policy.flags = OT_X509_FLAG_RFC5280;
  differ("full RFC 5280 profile", &h, true, HANDED_OVER, OT_X509_VALID);
}

/* What the chain parser refuses never reaches either validator. */
static void refused_before_validation(void **state) {
  (void)state;
  hier h;
  hier_default(&h);
  static built b;
  build(&h, &b);
  ot_x509_chain c;
  b.der[b.len] = 0x00; /* a trailing byte */
  assert_ot_code(ot_x509_chain_parse(b.der, b.len + 1, &c), OT_E_TRAILING);
  /* The root's length in the long form where the short one fits: not DER. */
  uint8_t nd[8192];
  size_t rl = b.root.n;
  assert_true(b.root.b[1] == 0x81 || b.root.b[1] == 0x82);
  nd[0] = 0x30;
  nd[1] = 0x83;
  nd[2] = 0;
  memcpy(nd + 3, b.root.b + 1, rl - 1);
  /* 0x83 00 xx xx: a leading zero length octet (X.690 §10.1). */
  if (b.root.b[1] == 0x81) {
    nd[1] = 0x82;
    nd[2] = 0;
  }
  assert_ot_code(ot_x509_chain_parse(nd, rl + 1, &c), OT_E_MALFORMED);
  /* Every certificate the fast parser reads, cut short by one byte inside. */
  for (size_t i = 0; i < b.chain.count; i++) {
    ot_x509_cert cut = {b.chain.certs[i].der, b.chain.certs[i].len - 1};
    ot_x509_parsed p;
    assert_false(ot_ok(ot_x509_parse(&cut, &p)));
  }
}

/* Bit flips in every byte of a good chain: the fast path never accepts
 * what OpenSSL refuses, and the public verdict is OpenSSL's. */
static void flipped_bytes(void **state) {
  (void)state;
  hier h;
  hier_default(&h);
  static built b;
  build(&h, &b);
  static uint8_t m[8192];
  unsigned fast_ok = 0, both_refuse = 0, handed = 0;
  for (size_t i = 0; i < b.len; i++) {
    memcpy(m, b.der, b.len);
    m[i] ^= (uint8_t)(1u << (i % 8));
    ot_x509_chain c;
    if (!ot_ok(ot_x509_chain_parse(m, b.len, &c))) continue;
    ot_x509_cert anchor = {b.root.b, b.root.n};
    ot_x509_verdict vo, vf;
    ot_x509_leaf_info io, ifast;
    memset(&io, 0, sizeof io);
    memset(&ifast, 0, sizeof ifast);
    ot_status so = ot_x509_chain_verify_openssl(&c, &anchor, 1, &h.policy, &io, &vo);
    ot_status sf = ot_x509_chain_verify_fast(&c, &anchor, 1, &h.policy, &ifast, &vf);
    if (ot_ok(sf)) {
      if (!ot_ok(so))
        print_message("byte %zu: fast accepts, openssl %s\n", i,
                      ot_x509_reason_string(vo.reason));
      assert_true(ot_ok(so));
      assert_memory_equal(&ifast, &io, sizeof io);
      fast_ok++;
    } else if (ot_is(sf, OT_E_UNSUPPORTED)) {
      handed++;
    } else {
      both_refuse += !ot_ok(so);
    }
  }
  /* Most flips break a signature; the test must have exercised both sides. */
  assert_true(both_refuse > 0 && handed > 0);
  (void)fast_ok;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(good_chains),
      cmocka_unit_test(refused_chains),
      cmocka_unit_test(handed_over),
      cmocka_unit_test(refused_before_validation),
      cmocka_unit_test(flipped_bytes),
  };
  return cmocka_run_group_tests(tests, setup_keys, NULL);
}
