/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy loader: the documented format parses; every schema violation is
 * refused with its line and column and leaves the policy unchanged; anchor
 * files load as DER and PEM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opentsm/crypto.h"
#include "opentsm/spdm_identity.h"
#include "opentsm/tsm_policy.h"
#include "testsupport.h"

static ot_tsm_policy pol;

static void test_example_parses(void **s) {
  (void)s;
  size_t len;
  char path[512];
  snprintf(path, sizeof(path), "%s/examples/policy/default.yaml", OT_SOURCE_DIR);
  uint8_t *text = ts_read_file(path, &len);
  assert_non_null(text);
  ot_tsm_policy_error err;
  assert_ot_ok(ot_tsm_policy_parse(&pol, (const char *)text, len, NULL, &err));
  assert_int_equal(pol.anchor_count, 1);
  assert_false(pol.anchors_loaded);
  assert_int_equal(pol.min_version, OT_SPDM_VERSION_12); /* the example's spdm.min_version */
  assert_int_equal(pol.algs.base_asym, OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384);
  assert_int_equal(pol.device_count, 2);
  const ot_tsm_policy_device *d = ot_tsm_policy_find_device(&pol, "gpu0");
  assert_non_null(d);
  assert_int_equal(d->meas_count, 2);
  assert_int_equal(d->meas[0].index, 1);
  assert_int_equal(d->meas[0].len, 48);
  assert_true(ot_tsm_policy_guest_allowed(d, "tvm-a"));
  assert_false(ot_tsm_policy_guest_allowed(d, "tvm-b"));
  assert_true(ot_tsm_policy_guest_allowed(ot_tsm_policy_find_device(&pol, "nvme0"), "tvm-b"));
  assert_null(ot_tsm_policy_find_device(&pol, "nic0"));
  /* Loading it for real needs its anchor file, which the example does not ship. */
  assert_ot_code(ot_tsm_policy_load(&pol, path, &err), OT_E_IO);
  assert_non_null(strstr(err.msg, "device-vendor-root.der"));
  free(text);
}

/* libspdm's responder picks a SHA-512 measurement hash (docs/interop.md): the
 * default accepts it, and a policy can name it or leave it out. */
static void test_measurement_hash_sha512(void **s) {
  (void)s;
  static const char y512[] = "version: 1\nspdm:\n  measurement_hash: [sha-512]\n";
  static const char y384[] = "version: 1\nspdm:\n  measurement_hash: [sha-384]\n";
  ot_tsm_policy_error err;
  assert_ot_ok(ot_tsm_policy_parse(&pol, y512, sizeof y512 - 1, NULL, &err));
  assert_int_equal(pol.algs.meas_hash, OT_SPDM_MEAS_HASH_SHA_512);
  assert_ot_ok(ot_tsm_policy_parse(&pol, y384, sizeof y384 - 1, NULL, &err));
  assert_int_equal(pol.algs.meas_hash, OT_SPDM_MEAS_HASH_SHA_384);
  assert_true(ot_spdm_alg_prefs_all.meas_hash & OT_SPDM_MEAS_HASH_SHA_512);
}

/* RSA and FFDHE are offered only when named (docs/policy.md): the defaults
 * leave them out, the names select exactly their bits. */
static void test_rsa_ffdhe_names(void **s) {
  (void)s;
  static const char y[] = "version: 1\nspdm:\n  base_asym: [rsassa-2048, rsapss-3072, "
                          "rsassa-4096, rsapss-4096]\n  dhe: [ffdhe2048, ffdhe4096]\n";
  ot_tsm_policy_error err;
  assert_ot_ok(ot_tsm_policy_parse(&pol, y, sizeof y - 1, NULL, &err));
  assert_int_equal(pol.algs.base_asym, OT_SPDM_ASYM_RSASSA_2048 | OT_SPDM_ASYM_RSAPSS_3072 |
                                           OT_SPDM_ASYM_RSASSA_4096 | OT_SPDM_ASYM_RSAPSS_4096);
  assert_int_equal(pol.algs.dhe, OT_SPDM_DHE_FFDHE_2048 | OT_SPDM_DHE_FFDHE_4096);
  assert_int_equal(ot_spdm_alg_prefs_all.base_asym & OT_SPDM_ASYM_RSA_ALL, 0);
  assert_int_equal(ot_spdm_alg_prefs_all.dhe & (OT_SPDM_DHE_FFDHE_2048 | OT_SPDM_DHE_FFDHE_3072 |
                                                OT_SPDM_DHE_FFDHE_4096),
                   0);
  static const char bad[] = "version: 1\nspdm:\n  dhe: [ffdhe1024]\n";
  assert_ot_code(ot_tsm_policy_parse(&pol, bad, sizeof bad - 1, NULL, &err), OT_E_MALFORMED);
}

typedef struct bad_case {
  const char *yaml;
  unsigned line, column;
  const char *needle;
} bad_case;

static const bad_case bad[] = {
    {"", 0, 0, "empty"},
    {"devices: []\n", 1, 1, "no \"version\""},
    {"version: 2\n", 1, 10, "version 2"},
    {"version: -1\n", 1, 10, "integer"},
    {"version: 1\nversion: 1\n", 2, 1, "twice"},
    {"version: 1\ncolour: red\n", 2, 1, "unknown key \"colour\""},
    {"version: 1\nspdm: [1]\n", 2, 7, "spdm must be a mapping"},
    {"version: 1\nspdm:\n  min_version: \"1.5\"\n", 3, 16, "1.4"},
    {"version: 1\nspdm:\n  base_asym: [rsa-2048]\n", 3, 15, "unknown spdm.base_asym"},
    {"version: 1\nspdm:\n  aead: []\n", 3, 9, "allows no algorithm"},
    {"version: 1\nspdm:\n  aead: [aes-128-gcm, sm4-gcm]\n", 3, 23,
     "OpenSSL 3.0 has no SM2/SM3/SM4"},
    {"version: 1\nspdm:\n  base_asym: [ml-dsa-65]\n", 3, 15, "no post-quantum"},
    {"version: 1\nspdm:\n  base_hash: [sm3]\n", 3, 15, "out of reach"},
    {"version: 1\nspdm:\n  base_hash: [sha-512, sha-512]\n", 3, 24, "twice"},
    {"version: 1\nspdm:\n  dhe: [secp256r1, secp256r1]\n", 3, 20, "twice"},
    {"version: 1\nspdm:\n  hash: [sha-256]\n", 3, 3, "unknown key \"hash\""},
    {"version: 1\ndevices:\n  - guests: [a]\n", 3, 5, "no name"},
    {"version: 1\ndevices:\n  - name: \"bad name\"\n", 3, 11, "character"},
    {"version: 1\ndevices:\n  - name: a\n  - name: a\n", 4, 5, "listed twice"},
    {"version: 1\ndevices:\n  - name: a\n    measurements: {0: 00}\n", 4, 20, "index 0"},
    {"version: 1\ndevices:\n  - name: a\n    measurements: {255: 00}\n", 4, 20, "integer"},
    {"version: 1\ndevices:\n  - name: a\n    measurements: {1: 0g}\n", 4, 23, "not hex"},
    {"version: 1\ndevices:\n  - name: a\n    measurements: {1: 000}\n", 4, 23, "even number"},
    {"version: 1\ndevices:\n  - name: a\n    measurements: {1: 00, 1: 01}\n", 4, 27, "twice"},
    {"version: 1\ndevices:\n  - name: a\n    guests: [g, g]\n", 4, 17, "listed twice"},
    {"version: 1\ndevices:\n  - name: a\n    owner: b\n", 4, 5, "unknown key \"owner\""},
    {"version: 1\nspdm: &s {min_version: \"1.3\"}\ndevices: *s\n", 2, 7, "aliases"},
    {"version: 1\n---\nversion: 1\n", 2, 1, "exactly one YAML document"},
    {"version: [1\n", 2, 1, "YAML"},
    {"version: 1\ntrust_anchors: root.der\n", 2, 16, "must be a list"},
};

static void test_bad_policies_refused_with_position(void **s) {
  (void)s;
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    ot_tsm_policy_init(&pol);
    pol.min_version = 0x77; /* sentinel: must survive a failure */
    ot_tsm_policy_error err;
    ot_status st = ot_tsm_policy_parse(&pol, bad[i].yaml, strlen(bad[i].yaml), NULL, &err);
    if (ot_ok(st)) fail_msg("case %zu parsed: %s", i, bad[i].yaml);
    assert_int_equal(pol.min_version, 0x77);
    if (err.line != bad[i].line || err.column != bad[i].column || !strstr(err.msg, bad[i].needle))
      fail_msg("case %zu: got %u:%u \"%s\", wanted %u:%u \"%s\"", i, err.line, err.column, err.msg,
               bad[i].line, bad[i].column, bad[i].needle);
  }
}

static void test_limits(void **s) {
  (void)s;
  static char yaml[16384];
  size_t n = (size_t)snprintf(yaml, sizeof(yaml), "version: 1\ndevices:\n");
  for (unsigned i = 0; i <= OT_TSM_POLICY_MAX_DEVICES; i++)
    n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "  - name: d%u\n", i);
  ot_tsm_policy_error err;
  assert_ot_code(ot_tsm_policy_parse(&pol, yaml, n, NULL, &err), OT_E_TOO_LARGE);
  assert_int_equal(err.line, 3 + OT_TSM_POLICY_MAX_DEVICES);
  n = (size_t)snprintf(yaml, sizeof(yaml), "version: 1\ndevices:\n  - name: a\n    guests: [");
  for (unsigned i = 0; i <= OT_TSM_POLICY_MAX_GUESTS; i++)
    n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "%sg%u", i ? ", " : "", i);
  n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "]\n");
  assert_ot_code(ot_tsm_policy_parse(&pol, yaml, n, NULL, &err), OT_E_TOO_LARGE);
  char big[300];
  memset(big, 'a', sizeof(big));
  big[299] = 0;
  n = (size_t)snprintf(yaml, sizeof(yaml), "version: 1\ndevices:\n  - name: %.*s\n", 40, big);
  assert_ot_code(ot_tsm_policy_parse(&pol, yaml, n, NULL, &err), OT_E_MALFORMED);
  assert_ot_code(ot_tsm_policy_parse(&pol, yaml, OT_TSM_POLICY_TEXT_MAX + 1u, NULL, &err),
                 OT_E_TOO_LARGE);
  assert_ot_code(ot_tsm_policy_parse(NULL, yaml, n, NULL, &err), OT_E_ARG);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void write_pem(const char *path, const uint8_t *der, size_t len) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("-----BEGIN CERTIFICATE-----\n", f);
  size_t col = 0;
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)der[i] << 16;
    if (i + 1 < len) v |= (uint32_t)der[i + 1] << 8;
    if (i + 2 < len) v |= der[i + 2];
    char out[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63], i + 1 < len ? b64[(v >> 6) & 63] : '=',
                   i + 2 < len ? b64[v & 63] : '='};
    fwrite(out, 1, 4, f);
    if ((col += 4) == 64) {
      fputc('\n', f);
      col = 0;
    }
  }
  fputs("\n-----END CERTIFICATE-----\n", f);
  fclose(f);
}

static void test_anchor_files_der_and_pem(void **s) {
  (void)s;
  ot_drbg d;
  uint8_t e[48];
  memset(e, 3, sizeof(e));
  assert_ot_ok(ot_drbg_instantiate(&d, e, 32, e + 32, 16, NULL, 0));
  ot_spdm_hierarchy *h = calloc(1, sizeof(*h));
  assert_non_null(h);
  assert_ot_ok(ot_spdm_hierarchy_generate(h, OT_CURVE_P256, &d.rng, 1700000000, 1800000000, NULL));
  ot_x509_chain c;
  assert_ot_ok(ot_x509_chain_parse(h->der, h->der_len, &c));
  char dir[] = "/tmp/ot_policy_XXXXXX", p1[64], p2[64], p3[64], pol_path[64];
  assert_non_null(mkdtemp(dir));
  snprintf(p1, sizeof(p1), "%s/root.der", dir);
  snprintf(p2, sizeof(p2), "%s/root.pem", dir);
  snprintf(p3, sizeof(p3), "%s/junk.der", dir);
  snprintf(pol_path, sizeof(pol_path), "%s/policy.yaml", dir);
  FILE *f = fopen(p1, "wb");
  assert_non_null(f);
  fwrite(c.certs[0].der, 1, c.certs[0].len, f);
  fclose(f);
  write_pem(p2, c.certs[0].der, c.certs[0].len);
  f = fopen(p3, "wb");
  assert_non_null(f);
  fputs("not a certificate", f);
  fclose(f);
  f = fopen(pol_path, "w");
  assert_non_null(f);
  fprintf(f, "version: 1\ntrust_anchors: [root.der, %s]\n", p2);
  fclose(f);
  ot_tsm_policy_error err;
  assert_ot_ok(ot_tsm_policy_load(&pol, pol_path, &err));
  assert_true(pol.anchors_loaded);
  assert_int_equal(pol.anchor_count, 2);
  for (int i = 0; i < 2; i++) {
    assert_int_equal(pol.anchors[i].len, c.certs[0].len);
    assert_memory_equal(pol.anchors[i].der, c.certs[0].der, c.certs[0].len);
    assert_ptr_equal(pol.anchors[i].der, pol.anchor_der[i]);
  }
  f = fopen(pol_path, "w");
  assert_non_null(f);
  fprintf(f, "version: 1\ntrust_anchors: [junk.der]\n");
  fclose(f);
  assert_ot_code(ot_tsm_policy_load(&pol, pol_path, &err), OT_E_CERT);
  assert_non_null(strstr(err.msg, "junk.der"));
  assert_int_equal(pol.anchor_count, 2); /* unchanged */
  unlink(p1);
  unlink(p2);
  unlink(p3);
  unlink(pol_path);
  rmdir(dir);
  ot_spdm_hierarchy_clear(h);
  free(h);
  ot_drbg_uninstantiate(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_example_parses),
      cmocka_unit_test(test_measurement_hash_sha512),
      cmocka_unit_test(test_rsa_ffdhe_names),
      cmocka_unit_test(test_bad_policies_refused_with_position),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_anchor_files_der_and_pem),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
