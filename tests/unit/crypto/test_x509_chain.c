/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of certificate chain parsing and key files (src/crypto/x509_chain.c,
 * x509_der.c, x509_keyfile.c) on the DMTF sample hierarchies and on damaged
 * copies of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/x509.h"
#include "testsupport.h"

#define P256 "spdm-emu/sample_key/ecp256/"
#define P384 "spdm-emu/sample_key/ecp384/"

typedef struct blob {
  uint8_t *p;
  size_t n;
} blob;

static blob vec(const char *rel) {
  blob b;
  b.p = ts_read_vector(rel, &b.n);
  return b;
}

/* A chain filled with a sentinel, to prove failed parses leave it alone. */
static void poison(ot_x509_chain *c) { memset(c, 0xA5, sizeof *c); }

static void assert_poisoned(const ot_x509_chain *c) {
  ot_x509_chain ref;
  poison(&ref);
  assert_memory_equal(c, &ref, sizeof ref);
}

static void sample_chain_splits_into_its_certificates(const char *dir) {
  char path[128];
  snprintf(path, sizeof path, "%sbundle_responder.certchain.der", dir);
  blob chain = vec(path);
  snprintf(path, sizeof path, "%sca.cert.der", dir);
  blob root = vec(path);
  snprintf(path, sizeof path, "%sinter.cert.der", dir);
  blob inter = vec(path);
  snprintf(path, sizeof path, "%send_responder.cert.der", dir);
  blob leaf = vec(path);

  ot_x509_chain c;
  assert_ot_ok(ot_x509_chain_parse(chain.p, chain.n, &c));
  assert_int_equal(c.count, 3);
  assert_ptr_equal(c.certs[0].der, chain.p);
  assert_int_equal(c.certs[0].len, root.n);
  assert_memory_equal(c.certs[0].der, root.p, root.n);
  assert_int_equal(c.certs[1].len, inter.n);
  assert_memory_equal(c.certs[1].der, inter.p, inter.n);
  assert_int_equal(ot_x509_chain_leaf(&c)->len, leaf.n);
  assert_memory_equal(ot_x509_chain_leaf(&c)->der, leaf.p, leaf.n);
  assert_int_equal(c.certs[0].len + c.certs[1].len + c.certs[2].len, chain.n);
  free(chain.p);
  free(root.p);
  free(inter.p);
  free(leaf.p);
}

static void parses_sample_chains(void **state) {
  (void)state;
  sample_chain_splits_into_its_certificates(P256);
  sample_chain_splits_into_its_certificates(P384);
  blob alias = vec(P256 "bundle_responder.certchain_alias.der");
  ot_x509_chain c;
  assert_ot_ok(ot_x509_chain_parse(alias.p, alias.n, &c));
  assert_int_equal(c.count, 4);
  free(alias.p);
}

/* Cut at every length: a prefix ending on a certificate boundary is a shorter
 * chain, any other prefix is truncated, and a failure leaves *chain alone. */
static void every_prefix_is_truncated_or_shorter(void **state) {
  (void)state;
  blob chain = vec(P384 "bundle_responder.certchain.der");
  ot_x509_chain full;
  assert_ot_ok(ot_x509_chain_parse(chain.p, chain.n, &full));
  size_t b1 = full.certs[0].len, b2 = b1 + full.certs[1].len;
  for (size_t len = 0; len < chain.n; len++) {
    ot_x509_chain c;
    poison(&c);
    ot_status st = ot_x509_chain_parse(chain.p, len, &c);
    if (len == b1 || len == b2) {
      assert_ot_ok(st);
      assert_int_equal(c.count, len == b1 ? 1 : 2);
    } else {
      assert_ot_code(st, OT_E_TRUNCATED);
      assert_poisoned(&c);
    }
  }
  free(chain.p);
}

/* Appends bytes to a copy of the chain and parses it. */
static ot_status parse_with_suffix(const blob *chain, const uint8_t *sfx, size_t n) {
  uint8_t *buf = malloc(chain->n + n);
  assert_non_null(buf);
  memcpy(buf, chain->p, chain->n);
  memcpy(buf + chain->n, sfx, n);
  ot_x509_chain c;
  poison(&c);
  ot_status st = ot_x509_chain_parse(buf, chain->n + n, &c);
  if (!ot_ok(st)) assert_poisoned(&c);
  free(buf);
  return st;
}

static void rejects_trailing_bytes(void **state) {
  (void)state;
  blob chain = vec(P256 "bundle_responder.certchain.der");
  static const uint8_t zero[] = {0x00}, ff[] = {0xff, 0xff}, seq[] = {0x30},
                       empty_seq[] = {0x30, 0x00}, short_seq[] = {0x30, 0x05, 0x02};
  assert_ot_code(parse_with_suffix(&chain, zero, sizeof zero), OT_E_TRAILING);
  assert_ot_code(parse_with_suffix(&chain, ff, sizeof ff), OT_E_TRAILING);
  assert_ot_code(parse_with_suffix(&chain, seq, sizeof seq), OT_E_TRUNCATED);
  assert_ot_code(parse_with_suffix(&chain, short_seq, sizeof short_seq), OT_E_TRUNCATED);
  /* Well-formed DER, but not a certificate. */
  assert_ot_code(parse_with_suffix(&chain, empty_seq, sizeof empty_seq), OT_E_MALFORMED);
  free(chain.p);
}

static void rejects_garbage(void **state) {
  (void)state;
  static const uint8_t not_seq[] = {0x02, 0x01, 0x05};
  static const uint8_t high_tag[] = {0x1f, 0x81, 0x01, 0x00};
  static const uint8_t zeros[16] = {0};
  static const uint8_t long_len[] = {0x30, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00};
  ot_x509_chain c;
  assert_ot_code(ot_x509_chain_parse(not_seq, sizeof not_seq, &c), OT_E_MALFORMED);
  assert_ot_code(ot_x509_chain_parse(high_tag, sizeof high_tag, &c), OT_E_MALFORMED);
  assert_ot_code(ot_x509_chain_parse(zeros, sizeof zeros, &c), OT_E_MALFORMED);
  assert_ot_code(ot_x509_chain_parse(long_len, sizeof long_len, &c), OT_E_TOO_LARGE);
  assert_ot_code(ot_x509_chain_parse(zeros, 0, &c), OT_E_TRUNCATED);
  assert_ot_code(ot_x509_chain_parse(NULL, 0, &c), OT_E_TRUNCATED);
  assert_ot_code(ot_x509_chain_parse(zeros, sizeof zeros, NULL), OT_E_ARG);
}

/* The root certificate with its outer header 30 82 LL LL replaced. */
static void rejects_indefinite_outer_length(void **state) {
  (void)state;
  blob root = vec(P256 "ca.cert.der");
  assert_int_equal(root.p[1], 0x82);
  /* 30 80 <contents> 00 00: BER's indefinite form, forbidden in DER. */
  uint8_t *ber = malloc(root.n);
  assert_non_null(ber);
  ber[0] = 0x30;
  ber[1] = 0x80;
  memcpy(ber + 2, root.p + 4, root.n - 4);
  ber[root.n - 2] = 0;
  ber[root.n - 1] = 0;
  ot_x509_chain c;
  assert_ot_code(ot_x509_chain_parse(ber, root.n, &c), OT_E_MALFORMED);
  free(ber);
  free(root.p);
}

/* Same length in bytes, but the to-be-signed SEQUENCE inside uses 30 80 ... 00 00. */
static void rejects_indefinite_inner_length(void **state) {
  (void)state;
  blob root = vec(P256 "ca.cert.der");
  assert_int_equal(root.p[4], 0x30);
  assert_int_equal(root.p[5], 0x82);
  size_t tbs_len = ((size_t)root.p[6] << 8) | root.p[7];
  uint8_t *ber = malloc(root.n);
  assert_non_null(ber);
  memcpy(ber, root.p, 4);
  ber[4] = 0x30;
  ber[5] = 0x80;
  memcpy(ber + 6, root.p + 8, tbs_len);
  ber[6 + tbs_len] = 0;
  ber[7 + tbs_len] = 0;
  memcpy(ber + 8 + tbs_len, root.p + 8 + tbs_len, root.n - 8 - tbs_len);
  ot_x509_chain c;
  assert_ot_code(ot_x509_chain_parse(ber, root.n, &c), OT_E_MALFORMED);
  ot_x509_cert one = {ber, root.n};
  assert_ot_code(ot_x509_cert_check(&one), OT_E_MALFORMED);
  free(ber);
  free(root.p);
}

static void rejects_non_minimal_lengths(void **state) {
  (void)state;
  blob root = vec(P256 "ca.cert.der");
  /* 30 83 00 LL LL: a leading zero length octet. */
  uint8_t *padded = malloc(root.n + 1);
  assert_non_null(padded);
  padded[0] = 0x30;
  padded[1] = 0x83;
  padded[2] = 0x00;
  memcpy(padded + 3, root.p + 2, root.n - 2);
  ot_x509_chain c;
  assert_ot_code(ot_x509_chain_parse(padded, root.n + 1, &c), OT_E_MALFORMED);
  /* 30 81 05 ...: long form for a length below 128. */
  static const uint8_t longform[] = {0x30, 0x81, 0x05, 0x02, 0x01, 0x01, 0x05, 0x00};
  assert_ot_code(ot_x509_chain_parse(longform, sizeof longform, &c), OT_E_MALFORMED);
  free(padded);
  free(root.p);
}

static void limits_the_number_of_certificates(void **state) {
  (void)state;
  blob root = vec(P256 "ca.cert.der");
  uint8_t *many = malloc(root.n * (OT_X509_MAX_CHAIN + 1));
  assert_non_null(many);
  for (size_t i = 0; i <= OT_X509_MAX_CHAIN; i++)
    memcpy(many + i * root.n, root.p, root.n);
  ot_x509_chain c;
  assert_ot_ok(ot_x509_chain_parse(many, root.n * OT_X509_MAX_CHAIN, &c));
  assert_int_equal(c.count, OT_X509_MAX_CHAIN);
  assert_ot_code(ot_x509_chain_parse(many, root.n * (OT_X509_MAX_CHAIN + 1), &c), OT_E_TOO_LARGE);
  free(many);
  free(root.p);
}

static void checks_single_certificates(void **state) {
  (void)state;
  blob inter = vec(P384 "inter.cert.der");
  ot_x509_cert whole = {inter.p, inter.n};
  assert_ot_ok(ot_x509_cert_check(&whole));
  ot_x509_cert cut = {inter.p, inter.n - 1};
  assert_ot_code(ot_x509_cert_check(&cut), OT_E_TRUNCATED);
  /* A key file is DER but not a certificate. */
  blob key = vec(P384 "end_responder.key.pub.der");
  ot_x509_cert spki = {key.p, key.n};
  assert_ot_code(ot_x509_cert_check(&spki), OT_E_MALFORMED);
  free(key.p);
  free(inter.p);
}

static void leaf_public_key_matches_key_file(const char *dir, ot_curve want, size_t size) {
  char path[128];
  snprintf(path, sizeof path, "%send_responder.cert.der", dir);
  blob leaf = vec(path);
  snprintf(path, sizeof path, "%send_responder.key.pub.der", dir);
  blob pub = vec(path);
  ot_x509_cert cert = {leaf.p, leaf.n};
  uint8_t from_cert[OT_ECC_MAX_PUBLIC], from_file[OT_ECC_MAX_PUBLIC];
  size_t n1, n2;
  ot_curve c1, c2;
  assert_ot_ok(ot_x509_public_key(&cert, &c1, from_cert, sizeof from_cert, &n1));
  assert_ot_ok(ot_x509_spki_public_key(pub.p, pub.n, &c2, from_file, sizeof from_file, &n2));
  assert_int_equal(c1, want);
  assert_int_equal(c2, want);
  assert_int_equal(n1, 2 * size);
  assert_int_equal(n2, 2 * size);
  assert_memory_equal(from_cert, from_file, n1);
  /* Too small an output buffer. */
  assert_ot_code(ot_x509_public_key(&cert, &c1, from_cert, 2 * size - 1, &n1), OT_E_NO_SPACE);
  /* SPKI with a byte more or less. */
  assert_ot_code(ot_x509_spki_public_key(pub.p, pub.n - 1, &c2, from_file, sizeof from_file, &n2),
                 OT_E_TRUNCATED);
  free(leaf.p);
  free(pub.p);
}

static void extracts_leaf_public_keys(void **state) {
  (void)state;
  leaf_public_key_matches_key_file(P256, OT_CURVE_P256, 32);
  leaf_public_key_matches_key_file(P384, OT_CURVE_P384, 48);
}

static void reads_raw_private_keys(void **state) {
  (void)state;
  blob sec1 = vec(P256 "end_responder.key.der");
  blob p8 = vec(P256 "end_responder.key.p8");
  uint8_t a[OT_ECC_MAX_SCALAR], b[OT_ECC_MAX_SCALAR];
  size_t na, nb;
  ot_curve ca, cb;
  assert_ot_ok(ot_x509_private_key_raw(sec1.p, sec1.n, &ca, a, sizeof a, &na));
  assert_ot_ok(ot_x509_private_key_raw(p8.p, p8.n, &cb, b, sizeof b, &nb));
  assert_int_equal(ca, OT_CURVE_P256);
  assert_int_equal(cb, OT_CURVE_P256);
  assert_int_equal(na, 32);
  assert_int_equal(nb, 32);
  assert_memory_equal(a, b, 32);
  /* The SEC 1 file holds the scalar as an OCTET STRING at offset 7 (04 20 ...). */
  assert_int_equal(sec1.p[5], 0x04);
  assert_int_equal(sec1.p[6], 0x20);
  assert_memory_equal(a, sec1.p + 7, 32);

  blob p384 = vec(P384 "end_responder.key.der");
  assert_ot_ok(ot_x509_private_key_raw(p384.p, p384.n, &ca, a, sizeof a, &na));
  assert_int_equal(ca, OT_CURVE_P384);
  assert_int_equal(na, 48);

  /* Failures zeroize the output. */
  memset(b, 0xee, sizeof b);
  assert_ot_code(ot_x509_private_key_raw(sec1.p, sec1.n - 1, &cb, b, sizeof b, &nb),
                 OT_E_TRUNCATED);
  static const uint8_t zero[OT_ECC_MAX_SCALAR] = {0};
  assert_memory_equal(b, zero, sizeof b);
  memset(b, 0xee, sizeof b);
  assert_ot_code(ot_x509_private_key_raw(p384.p, p384.n, &cb, b, 32, &nb), OT_E_NO_SPACE);
  assert_memory_equal(b, zero, 32);
  blob pub = vec(P256 "end_responder.key.pub.der");
  assert_ot_code(ot_x509_private_key_raw(pub.p, pub.n, &cb, b, sizeof b, &nb), OT_E_MALFORMED);
  free(pub.p);
  free(p384.p);
  free(sec1.p);
  free(p8.p);
}

static void every_reason_has_text(void **state) {
  (void)state;
  for (int r = OT_X509_VALID; r <= OT_X509_OTHER; r++) {
    const char *s = ot_x509_reason_string((ot_x509_reason)r);
    assert_non_null(s);
    assert_true(strlen(s) > 4);
    assert_string_not_equal(s, "unknown reason");
  }
  assert_string_equal(ot_x509_reason_string((ot_x509_reason)(OT_X509_OTHER + 1)), "unknown reason");
  assert_string_equal(ot_x509_reason_string(OT_X509_EXPIRED), "certificate has expired");
}

/* The subject line for reports, from a real certificate; cut to fit, always terminated. */
static void reads_subject_lines(void **state) {
  (void)state;
  size_t len;
  uint8_t *der = ts_read_vector("spdm-emu/sample_key/ecp384/ca.cert.der", &len);
  ot_x509_cert cert = {der, len};
  char out[128], small[6];
  assert_ot_ok(ot_x509_subject(&cert, out, sizeof out));
  assert_string_equal(out, "CN=DMTF libspdm ECP384 CA");
  assert_ot_ok(ot_x509_subject(&cert, small, sizeof small));
  assert_string_equal(small, "CN=DM");
  assert_ot_code(ot_x509_subject(&cert, out, 0), OT_E_ARG);
  /* Every truncation is refused before any name is produced. */
  for (size_t n = 0; n < len; n++) {
    ot_x509_cert cut = {der, n};
    out[0] = 'x';
    assert_false(ot_ok(ot_x509_subject(&cut, out, sizeof out)));
    assert_int_equal(out[0], '\0');
  }
  free(der);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_sample_chains),
      cmocka_unit_test(every_prefix_is_truncated_or_shorter),
      cmocka_unit_test(rejects_trailing_bytes),
      cmocka_unit_test(rejects_garbage),
      cmocka_unit_test(rejects_indefinite_outer_length),
      cmocka_unit_test(rejects_indefinite_inner_length),
      cmocka_unit_test(rejects_non_minimal_lengths),
      cmocka_unit_test(limits_the_number_of_certificates),
      cmocka_unit_test(checks_single_certificates),
      cmocka_unit_test(extracts_leaf_public_keys),
      cmocka_unit_test(reads_raw_private_keys),
      cmocka_unit_test(every_reason_has_text),
      cmocka_unit_test(reads_subject_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
