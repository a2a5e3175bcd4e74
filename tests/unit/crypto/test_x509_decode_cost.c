/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Certificates are fully decoded (d2i_X509, which in OpenSSL 3 also runs the
 * key decoders for the public key: the costliest step of reading a
 * certificate) only where they are used: splitting a chain, printing a
 * subject and reading a P-256/P-384 key check the shape with our DER reader
 * and decode no certificate; verification decodes each once. Counted by
 * interposing d2i_X509 and OSSL_DECODER_CTX_new_for_pkey (OpenSSL's key
 * decoders, which P-256/P-384 key files no longer reach either). Also the
 * shape rules themselves (RFC 5280 §4.1): what is not a certificate is
 * refused by the split, as before.
 */
#define _GNU_SOURCE
#include <openssl/decoder.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "../../../src/crypto/x509_parse.h"
#include "opentsm/x509.h"
#include "testsupport.h"

#include "count_d2i_x509.h"

static unsigned decoder_calls;

OSSL_DECODER_CTX *OSSL_DECODER_CTX_new_for_pkey(EVP_PKEY **pkey, const char *input_type,
                                                const char *input_struct, const char *keytype,
                                                int selection, OSSL_LIB_CTX *libctx,
                                                const char *propquery) {
  typedef OSSL_DECODER_CTX *(*fn)(EVP_PKEY **, const char *, const char *, const char *, int,
                                  OSSL_LIB_CTX *, const char *);
  static fn real;
  if (real == NULL) {
    void *sym = dlsym(RTLD_NEXT, "OSSL_DECODER_CTX_new_for_pkey");
    if (sym == NULL) abort();
    memcpy(&real, &sym, sizeof(real));
  }
  decoder_calls++;
  return real(pkey, input_type, input_struct, keytype, selection, libctx, propquery);
}

#define P384 "spdm-emu/sample_key/ecp384/"
#define P256 "spdm-emu/sample_key/ecp256/"

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
  /* The leaf's P-384 key, read from its SubjectPublicKeyInfo. */
  uint8_t pub[96];
  size_t pub_len;
  ot_curve curve;
  decoder_calls = 0;
  assert_ot_ok(ot_x509_public_key(ot_x509_chain_leaf(&c), &curve, pub, sizeof pub, &pub_len));
  assert_int_equal(d2i_calls, 0);
  assert_int_equal(decoder_calls, 0);
  assert_int_equal(curve, OT_CURVE_P384);
  assert_int_equal(pub_len, 96);
  /* The same key as the public key file, which OpenSSL decodes... */
  size_t flen;
  uint8_t *file = ts_read_vector(P384 "end_responder.key.pub.der", &flen);
  uint8_t from_file[96];
  ot_curve fc;
  size_t fn;
  assert_ot_ok(ot_x509_spki_public_key(file, flen, &fc, from_file, sizeof from_file, &fn));
  assert_memory_equal(from_file, pub, 96);
  assert_int_equal(decoder_calls, 0); /* ...no: the same reader */
  /* Path validation of this chain (the DMTF libspdm ECP384 hierarchy) takes
   * the fast path (x509_parse.c, x509_path.c): no certificate decoded by
   * OpenSSL, and no key decoder run. The OpenSSL path decodes each once:
   * the anchor that is the chain's root byte for byte is that root. */
  ot_x509_policy pol = {.now = 1735689600, .role = OT_X509_ROLE_RESPONDER};
  ot_x509_verdict v;
  ot_x509_leaf_info info;
  d2i_calls = 0;
  decoder_calls = 0;
  assert_ot_ok(ot_x509_chain_verify(&c, &c.certs[0], 1, &pol, &info, &v));
  assert_int_equal(d2i_calls, 0);
  assert_int_equal(decoder_calls, 0);
  assert_memory_equal(info.public_key, pub, 96);
  assert_ot_ok(ot_x509_chain_verify_openssl(&c, &c.certs[0], 1, &pol, &info, &v));
  assert_int_equal(d2i_calls, 3); /* 3 certificates; the anchor is certs[0] */
  assert_memory_equal(info.public_key, pub, 96);
  free(file);
  free(der);
}

/* SEC 1 and PKCS#8 key files of P-256 and P-384: our reader gives what
 * OpenSSL's decoders give (the scalar, and its public point matches the
 * certificate's), without them. */
static void key_files_without_decoders(void **state) {
  (void)state;
  static const char *const files[] = {P384 "end_responder.key.der", P384 "end_responder.key.p8",
                                      P256 "end_responder.key.der", P256 "end_responder.key.p8"};
  for (size_t i = 0; i < 4; i++) {
    size_t len;
    uint8_t *der = ts_read_vector(files[i], &len);
    uint8_t priv[48], pub[96], want[96];
    size_t n, wn;
    ot_curve c, wc;
    decoder_calls = 0;
    assert_ot_ok(ot_x509_private_key_raw(der, len, &c, priv, sizeof priv, &n));
    assert_int_equal(decoder_calls, 0);
    assert_int_equal(c, i < 2 ? OT_CURVE_P384 : OT_CURVE_P256);
    assert_int_equal(n, ot_curve_size(c));
    assert_ot_ok(ot_key_public(c, priv, n, pub, sizeof pub));
    size_t plen;
    uint8_t *pubfile = ts_read_vector(
        i < 2 ? P384 "end_responder.key.pub.der" : P256 "end_responder.key.pub.der", &plen);
    assert_ot_ok(ot_x509_spki_public_key(pubfile, plen, &wc, want, sizeof want, &wn));
    assert_int_equal(wc, c);
    assert_memory_equal(pub, want, wn);
    /* Cut anywhere: refused, by the reader or by OpenSSL after it. */
    for (size_t cut = 0; cut < len; cut++)
      assert_false(ot_ok(ot_x509_private_key_raw(der, cut, &c, priv, sizeof priv, &n)));
    free(pubfile);
    free(der);
  }
}

/* A key the reader does not take (a scalar of zero) goes to OpenSSL, whose
 * answer stands as before (it returns the zero scalar, which
 * ot_spdm_identity_set_key then refuses); a public key off the curve is
 * refused. */
static void other_forms_fall_back(void **state) {
  (void)state;
  size_t len;
  uint8_t *der = ts_read_vector(P384 "end_responder.key.der", &len);
  /* 30 81 a4 02 01 01 04 30 <scalar>: the scalar starts at byte 8. */
  assert_int_equal(der[6], 0x04);
  assert_int_equal(der[7], 48);
  memset(der + 8, 0, 48);
  uint8_t priv[48];
  size_t n;
  ot_curve c;
  decoder_calls = 0;
  ot_status st = ot_x509_private_key_raw(der, len, &c, priv, sizeof priv, &n);
  assert_true(decoder_calls > 0); /* it reached OpenSSL */
  static const uint8_t zero[48];
  if (ot_ok(st)) assert_memory_equal(priv, zero, 48);
  free(der);
  size_t plen;
  uint8_t *pubfile = ts_read_vector(P384 "end_responder.key.pub.der", &plen);
  pubfile[plen - 1] ^= 1; /* Y off by one: not on the curve */
  uint8_t pub[96];
  assert_false(ot_ok(ot_x509_spki_public_key(pubfile, plen, &c, pub, sizeof pub, &n)));
  free(pubfile);
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
      cmocka_unit_test(key_files_without_decoders),
      cmocka_unit_test(other_forms_fall_back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
