/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's key pair file (tools/opentsm/cli_key_pairs.c, `opentsm device
 * --state-dir`): a SET_KEY_PAIR_INFO is applied only once written atomically
 * and is read back at the next start; a damaged, truncated or foreign file
 * is refused with a reason and left as it is; a write that cannot happen
 * changes nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_key_pairs.h"
#include "opentsm/secure.h"
#include "testsupport.h"

#define KEYS OT_SOURCE_DIR "/tests/vectors/spdm-emu/sample_key"

typedef struct fixture {
  char dir[64];
  ot_spdm_identity *id;
  ot_drbg drbg;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof(*f));
  snprintf(f->dir, sizeof(f->dir), "/tmp/opentsm-kp-XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  f->id = calloc(1, sizeof(*f->id));
  ot_spdm_identity_init(f->id);
  assert_ot_ok(ot_spdm_identity_load_dmtf_sample(f->id, KEYS, OT_CURVE_P384, false));
  ot_spdm_identity_number_key_pairs(f->id);
  assert_ot_ok(ot_drbg_seed_u64(&f->drbg, 7));
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  char p[128];
  snprintf(p, sizeof p, "%s/" CLI_KEY_PAIRS_FILE, f->dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/" CLI_KEY_PAIRS_FILE ".tmp", f->dir);
  unlink(p);
  chmod(f->dir, 0700);
  rmdir(f->dir);
  ot_spdm_identity_clear(f->id);
  free(f->id);
  ot_drbg_uninstantiate(&f->drbg);
  free(f);
  return 0;
}

/* The device's table at start: from the identity, then the file. */
static ot_status start(fixture *f, ot_spdm_key_pairs *t, char *why, size_t cap) {
  assert_ot_ok(ot_spdm_key_pairs_init(t, f->id, 3, true));
  cli_key_pairs s = {.dir = f->dir, .kp = t, .rng = ot_drbg_rng(&f->drbg)};
  return cli_key_pairs_load(&s, why, cap);
}

static uint8_t *file(const fixture *f, size_t *len) {
  char p[128];
  snprintf(p, sizeof p, "%s/" CLI_KEY_PAIRS_FILE, f->dir);
  return ts_read_file(p, len);
}

static void put(const fixture *f, const uint8_t *d, size_t len) {
  char p[128];
  snprintf(p, sizeof p, "%s/" CLI_KEY_PAIRS_FILE, f->dir);
  FILE *fp = fopen(p, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(d, 1, len, fp), len);
  fclose(fp);
}

static const ot_spdm_set_key_pair_info gen2 = {.operation = OT_SPDM_KEY_PAIR_OP_GENERATE,
                                               .key_pair_id = 2,
                                               .desired_asym_algo = OT_SPDM_KP_ALGO_ECC256};

/* Generate KeyPairID 2 and disassociate 1: both survive a restart. */
static void test_set_then_restart(void **state) {
  fixture *f = *state;
  ot_spdm_key_pairs *t = calloc(2, sizeof(*t));
  char why[128] = "";
  assert_ot_ok(start(f, &t[0], why, sizeof why));
  assert_false(t[0].kp[1].present);
  cli_key_pairs s = {.dir = f->dir, .kp = &t[0], .rng = ot_drbg_rng(&f->drbg)};
  assert_ot_ok(cli_key_pairs_set(&s, &gen2));
  ot_spdm_set_key_pair_info chg = {.operation = OT_SPDM_KEY_PAIR_OP_CHANGE, .key_pair_id = 1};
  assert_ot_ok(cli_key_pairs_set(&s, &chg));
  assert_true(t[0].kp[1].present);
  assert_int_equal(t[0].kp[1].curve, OT_CURVE_P256);
  assert_int_equal(t[0].kp[0].assoc, 0);
  /* A refused request leaves table and file alone. */
  size_t n0 = 0;
  uint8_t *before = file(f, &n0);
  ot_spdm_set_key_pair_info bad = {.operation = OT_SPDM_KEY_PAIR_OP_ERASE, .key_pair_id = 4};
  assert_ot_code(cli_key_pairs_set(&s, &bad), OT_E_MALFORMED);
  size_t n1 = 0;
  uint8_t *after = file(f, &n1);
  assert_int_equal(n0, n1);
  assert_memory_equal(before, after, n0);
  free(before);
  free(after);
  /* Restart: the same table. */
  assert_ot_ok(start(f, &t[1], why, sizeof why));
  assert_true(t[1].kp[1].present);
  assert_memory_equal(t[1].kp[1].pub, t[0].kp[1].pub, t[0].kp[1].pub_len);
  assert_int_equal(t[1].kp[0].assoc, 0);
  assert_int_equal(t[1].kp[0].usage, t[0].kp[0].usage);
  ot_spdm_key_pairs_clear(&t[0]);
  ot_spdm_key_pairs_clear(&t[1]);
  free(t);
}

/* A flipped byte, a truncated file, another device's count: refused, kept. */
static void test_damaged_refused_and_left(void **state) {
  fixture *f = *state;
  ot_spdm_key_pairs *t = calloc(1, sizeof(*t));
  char why[128] = "";
  assert_ot_ok(start(f, t, why, sizeof why));
  cli_key_pairs s = {.dir = f->dir, .kp = t, .rng = ot_drbg_rng(&f->drbg)};
  assert_ot_ok(cli_key_pairs_set(&s, &gen2));
  size_t n = 0;
  uint8_t *good = file(f, &n);
  assert_non_null(good);
  uint8_t *bad = malloc(n);
  memcpy(bad, good, n);
  bad[20] ^= 0x01;
  put(f, bad, n);
  why[0] = '\0';
  assert_ot_code(start(f, t, why, sizeof why), OT_E_VERIFY);
  assert_non_null(strstr(why, "checksum"));
  size_t m = 0;
  uint8_t *kept = file(f, &m);
  assert_int_equal(m, n);
  assert_memory_equal(kept, bad, n); /* left as it was */
  free(kept);
  put(f, good, n - 5);
  assert_ot_code(start(f, t, why, sizeof why), OT_E_VERIFY);
  /* A file for 3 pairs at a device with 2. */
  put(f, good, n);
  assert_ot_ok(ot_spdm_key_pairs_init(t, f->id, 2, true));
  assert_ot_code(cli_key_pairs_load(&s, why, sizeof why), OT_E_MALFORMED);
  assert_false(t->kp[1].present); /* unchanged */
  ot_zeroize(good, n);
  ot_zeroize(bad, n);
  free(good);
  free(bad);
  ot_spdm_key_pairs_clear(t);
  free(t);
}

/* A folder that cannot be written: the change is not made. */
static void test_unwritable_changes_nothing(void **state) {
  fixture *f = *state;
  if (geteuid() == 0) skip(); /* root writes anywhere */
  ot_spdm_key_pairs *t = calloc(1, sizeof(*t));
  char why[128] = "";
  assert_ot_ok(start(f, t, why, sizeof why));
  chmod(f->dir, 0500);
  cli_key_pairs s = {.dir = f->dir, .kp = t, .rng = ot_drbg_rng(&f->drbg)};
  assert_ot_code(cli_key_pairs_set(&s, &gen2), OT_E_IO);
  assert_false(t->kp[1].present);
  chmod(f->dir, 0700);
  ot_spdm_key_pairs_clear(t);
  free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_set_then_restart, setup, teardown),
      cmocka_unit_test_setup_teardown(test_damaged_refused_and_left, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unwritable_changes_nothing, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
