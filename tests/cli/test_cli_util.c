/* SPDX-License-Identifier: BSD-3-Clause */
/* The CLI helpers: HOST:PORT and numbers, and the certificate-subject reader
 * (the one parser of untrusted bytes in the tool): real certificates, then
 * every truncation and a few corruptions, which must fail cleanly. */
#include "cli_util.h"
#include "testsupport.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_hostport(void **s) {
  (void)s;
  char h[64];
  uint16_t p = 0;
  assert_true(cli_parse_hostport("10.0.0.1:2323", h, sizeof(h), &p));
  assert_string_equal(h, "10.0.0.1");
  assert_int_equal(p, 2323);
  assert_true(cli_parse_hostport("[::1]:7", h, sizeof(h), &p));
  assert_string_equal(h, "::1");
  assert_int_equal(p, 7);
  assert_true(cli_parse_hostport(":0", h, sizeof(h), &p));
  assert_string_equal(h, "127.0.0.1");
  assert_false(cli_parse_hostport("host:", h, sizeof(h), &p));
  assert_false(cli_parse_hostport("host:65536", h, sizeof(h), &p));
  assert_false(cli_parse_hostport("host:-1", h, sizeof(h), &p));
  assert_false(cli_parse_hostport("[::1]7", h, sizeof(h), &p));
  assert_false(cli_parse_hostport("nowhere", h, sizeof(h), &p));
}

static void test_u64(void **s) {
  (void)s;
  uint64_t v;
  assert_true(cli_parse_u64("0", 5, &v));
  assert_true(cli_parse_u64("5", 5, &v));
  assert_int_equal(v, 5);
  assert_false(cli_parse_u64("6", 5, &v));
  assert_false(cli_parse_u64("", 5, &v));
  assert_false(cli_parse_u64("1x", 5, &v));
  assert_false(cli_parse_u64("+1", 5, &v));
  assert_false(cli_parse_u64("99999999999999999999999", UINT64_MAX, &v));
}

static uint8_t *read_ca(size_t *len) {
  static uint8_t buf[4096];
  assert_ot_ok(cli_read_file(OT_VECTOR_DIR "/spdm-emu/sample_key/ecp384/ca.cert.der", buf,
                             sizeof(buf), len));
  return buf;
}

static void test_subject_of_real_certificate(void **s) {
  (void)s;
  size_t len;
  uint8_t *der = read_ca(&len);
  char out[128];
  assert_ot_ok(cli_cert_subject(der, len, out, sizeof(out)));
  assert_string_equal(out, "CN=DMTF libspdm ECP384 CA");
  /* A small output buffer truncates, still NUL-terminated. */
  char small[6];
  assert_ot_ok(cli_cert_subject(der, len, small, sizeof(small)));
  assert_string_equal(small, "CN=DM");
}

static void test_subject_every_truncation_fails(void **s) {
  (void)s;
  size_t len;
  uint8_t *der = read_ca(&len);
  char out[128];
  /* The outer SEQUENCE length covers the whole certificate: any shorter
   * input is refused, and never read past. */
  for (size_t n = 0; n < len; n++) {
    uint8_t *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, der, n);
    assert_false(ot_ok(cli_cert_subject(copy, n, out, sizeof(out))));
    free(copy);
  }
}

static void test_subject_corrupt_tags_and_lengths(void **s) {
  (void)s;
  size_t len;
  uint8_t *der = read_ca(&len);
  uint8_t copy[4096];
  char out[128];
  memcpy(copy, der, len);
  copy[0] = 0x31; /* not a SEQUENCE */
  assert_ot_code(cli_cert_subject(copy, len, out, sizeof(out)), OT_E_MALFORMED);
  memcpy(copy, der, len);
  copy[1] = 0x85; /* five length bytes */
  assert_ot_code(cli_cert_subject(copy, len, out, sizeof(out)), OT_E_MALFORMED);
  static const uint8_t non_minimal[] = {0x30, 0x81, 0x02, 0x30, 0x00};
  assert_ot_code(cli_cert_subject(non_minimal, sizeof(non_minimal), out, sizeof(out)),
                 OT_E_MALFORMED);
  static const uint8_t empty_tbs[] = {0x30, 0x02, 0x30, 0x00};
  assert_false(ot_ok(cli_cert_subject(empty_tbs, sizeof(empty_tbs), out, sizeof(out))));
  /* Every single-byte corruption either parses or fails; none crashes. */
  for (size_t i = 0; i < len; i++) {
    memcpy(copy, der, len);
    copy[i] ^= 0xFF;
    OT_IGNORE(cli_cert_subject(copy, len, out, sizeof(out)));
    assert_true(strlen(out) < sizeof(out));
  }
}

static void test_write_file_refuses_existing(void **s) {
  (void)s;
  char path[] = "/tmp/opentsm_cli_test_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  static const uint8_t data[] = {1, 2, 3};
  assert_ot_code(cli_write_file(path, data, sizeof(data), 0600, false), OT_E_EXISTS);
  assert_ot_ok(cli_write_file(path, data, sizeof(data), 0600, true));
  uint8_t back[8];
  size_t n;
  assert_ot_ok(cli_read_file(path, back, sizeof(back), &n));
  assert_int_equal(n, 3);
  assert_ot_code(cli_read_file(path, back, 2, &n), OT_E_TOO_LARGE);
  unlink(path);
  assert_ot_code(cli_read_file(path, back, sizeof(back), &n), OT_E_IO);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hostport),
      cmocka_unit_test(test_u64),
      cmocka_unit_test(test_subject_of_real_certificate),
      cmocka_unit_test(test_subject_every_truncation_fails),
      cmocka_unit_test(test_subject_corrupt_tags_and_lengths),
      cmocka_unit_test(test_write_file_refuses_existing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
