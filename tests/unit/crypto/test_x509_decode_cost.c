/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Certificates are fully decoded (d2i_X509, which in OpenSSL 3 also runs the
 * key decoders for the public key: the costliest step of reading a
 * certificate) only where they are used: splitting a chain and printing a
 * subject check the shape with our DER reader and decode no certificate;
 * verification decodes each once. Counted by interposing d2i_X509. Also the
 * shape rules themselves (RFC 5280 §4.1): what is not a certificate is
 * refused by the split, as before.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/x509.h"
#include "testsupport.h"

static unsigned d2i_calls;

X509 *d2i_X509(X509 **a, const unsigned char **in, long len) {
  typedef X509 *(*fn)(X509 **, const unsigned char **, long);
  static fn real;
  if (real == NULL) {
    void *sym = dlsym(RTLD_NEXT, "d2i_X509");
    if (sym == NULL) abort();
    memcpy(&real, &sym, sizeof(real));
  }
  d2i_calls++;
  return real(a, in, len);
}

#define P384 "spdm-emu/sample_key/ecp384/"

static void split_and_subject_decode_nothing(void **state) {
  (void)state;
  size_t len;
  uint8_t *der = ts_read_vector(P384 "bundle_responder.certchain.der", &len);
  ot_x509_chain c;
  d2i_calls = 0;
  assert_ot_ok(ot_x509_chain_parse(der, len, &c));
  assert_int_equal(c.count, 3);
  char subj[128];
  assert_ot_ok(ot_x509_subject(ot_x509_chain_leaf(&c), subj, sizeof subj));
  assert_string_equal(subj, "CN=DMTF libspdm ECP384 responder cert");
  assert_int_equal(d2i_calls, 0);
  /* One full decode per use: the leaf's key. */
  uint8_t pub[96];
  size_t pub_len;
  ot_curve curve;
  assert_ot_ok(ot_x509_public_key(ot_x509_chain_leaf(&c), &curve, pub, sizeof pub, &pub_len));
  assert_int_equal(d2i_calls, 1);
  free(der);
}

/* A DER SEQUENCE of the right outer form but missing or extra fields. */
static void shapes_that_are_not_certificates(void **state) {
  (void)state;
  size_t len;
  uint8_t *root = ts_read_vector(P384 "ca.cert.der", &len);
  ot_x509_chain c;
  /* SEQUENCE { SEQUENCE {}, SEQUENCE {}, BIT STRING 00 }: an empty TBS. */
  static const uint8_t empty_tbs[] = {0x30, 0x07, 0x30, 0x00, 0x30, 0x00, 0x03, 0x01, 0x00};
  assert_ot_code(ot_x509_chain_parse(empty_tbs, sizeof empty_tbs, &c), OT_E_MALFORMED);
  /* No signature value. */
  static const uint8_t two[] = {0x30, 0x04, 0x30, 0x00, 0x30, 0x00};
  assert_ot_code(ot_x509_chain_parse(two, sizeof two, &c), OT_E_MALFORMED);
  /* The signature value as an OCTET STRING instead of a BIT STRING: the
   * last TLV of the real root is its signature (short enough for 1-byte
   * length), its tag found by walking back over the length. */
  uint8_t *bad = malloc(len);
  assert_non_null(bad);
  memcpy(bad, root, len);
  size_t i = len;
  while (i-- > 0)
    if (bad[i] == 0x03 && i + 2 + bad[i + 1] == len) break;
  assert_true(i < len);
  bad[i] = 0x04;
  assert_ot_code(ot_x509_chain_parse(bad, len, &c), OT_E_MALFORMED);
  char subj[64];
  ot_x509_cert cert = {bad, len};
  assert_ot_code(ot_x509_subject(&cert, subj, sizeof subj), OT_E_MALFORMED);
  assert_int_equal(subj[0], '\0');
  /* The genuine one passes. */
  assert_ot_ok(ot_x509_chain_parse(root, len, &c));
  free(bad);
  free(root);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(split_and_subject_decode_nothing),
      cmocka_unit_test(shapes_that_are_not_certificates),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
