/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's provisioning state file (tools/opentsm/cli_state.c,
 * `opentsm device --state-dir`): a SET_CERTIFICATE is written atomically and
 * read back at the next start; a damaged, truncated or foreign file is
 * refused with a reason and left as it is; a write that cannot happen
 * changes nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_state.h"
#include "opentsm/crypto.h"
#include "testsupport.h"

#define KEYS OT_SOURCE_DIR "/tests/vectors/spdm-emu/sample_key"
#define NOW ((time_t)1750000000)

typedef struct fixture {
  char dir[64];
  ot_spdm_identity *id;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof(*f));
  snprintf(f->dir, sizeof(f->dir), "/tmp/opentsm-state-XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  f->id = calloc(1, sizeof(*f->id));
  ot_spdm_identity_init(f->id);
  assert_ot_ok(ot_spdm_identity_load_dmtf_sample(f->id, KEYS, OT_CURVE_P384, false));
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  char p[128];
  snprintf(p, sizeof p, "%s/slots.bin", f->dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/slots.bin.tmp", f->dir);
  unlink(p);
  chmod(f->dir, 0700);
  rmdir(f->dir);
  ot_spdm_identity_clear(f->id);
  free(f->id);
  free(f);
  return 0;
}

static uint8_t *file(const fixture *f, size_t *len) {
  char p[128];
  snprintf(p, sizeof p, "%s/slots.bin", f->dir);
  return ts_read_file(p, len);
}

static void put(const fixture *f, const uint8_t *d, size_t len) {
  char p[128];
  snprintf(p, sizeof p, "%s/slots.bin", f->dir);
  FILE *fp = fopen(p, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(d, 1, len, fp), len);
  fclose(fp);
}

/* A fresh identity as the device builds it at start, plus the state. */
static ot_status start(const fixture *f, ot_spdm_identity *id, char *why, size_t cap) {
  ot_spdm_identity_init(id);
  OT_GUARD(ot_spdm_identity_load_dmtf_sample(id, KEYS, OT_CURVE_P384, false));
  cli_state s = {.dir = f->dir, .id = id};
  why[0] = '\0';
  ot_status st = cli_state_load(&s, NOW, why, cap);
  cli_state_free(&s);
  return st;
}

static void test_set_then_restart(void **state) {
  fixture *f = *state;
  cli_state s = {.dir = f->dir, .id = f->id};
  char why[160] = "";
  assert_ot_ok(cli_state_load(&s, NOW, why, sizeof why)); /* no file yet: fine */
  /* Slot 0's chain into slot 1 and an erase of slot 0... staged, on disk. */
  const ot_spdm_id_slot *s0 = &f->id->slots[0];
  assert_ot_ok(cli_state_set_cert(&s, 1, 0, s0->der, s0->der_len));
  /* The running identity is unchanged until the next start. */
  assert_true(f->id->slots[1].der_len != s0->der_len ||
              memcmp(f->id->slots[1].der, s0->der, s0->der_len) != 0);
  size_t len = 0;
  uint8_t *img = file(f, &len);
  assert_non_null(img);
  assert_memory_equal(img, "OTSLOTS2", 8);
  assert_int_equal(img[8], 1);
  free(img);
  static ot_spdm_identity after;
  assert_ot_ok(start(f, &after, why, sizeof why));
  assert_int_equal(after.slots[1].der_len, s0->der_len);
  assert_memory_equal(after.slots[1].der, s0->der, s0->der_len);
  ot_spdm_identity_clear(&after);
  /* Erase slot 1: after the next start it is empty. */
  assert_ot_ok(cli_state_set_cert(&s, 1, 0, NULL, 0));
  assert_ot_ok(start(f, &after, why, sizeof why));
  assert_false(after.slots[1].present);
  assert_true(after.slots[0].present);
  ot_spdm_identity_clear(&after);
  /* A chain for a key the device does not hold: refused, file unchanged. */
  img = file(f, &len);
  uint8_t *p256 = NULL;
  size_t plen = 0;
  p256 = ts_read_file(KEYS "/ecp256/bundle_responder.certchain.der", &plen);
  assert_non_null(p256);
  assert_ot_code(cli_state_set_cert(&s, 2, 0, p256, plen), OT_E_BAD_KEY);
  size_t len2 = 0;
  uint8_t *img2 = file(f, &len2);
  assert_int_equal(len, len2);
  assert_memory_equal(img, img2, len);
  free(img);
  free(img2);
  free(p256);
  cli_state_free(&s);
}

static void test_damaged_files_refused(void **state) {
  fixture *f = *state;
  cli_state s = {.dir = f->dir, .id = f->id};
  char why[160] = "";
  assert_ot_ok(cli_state_load(&s, NOW, why, sizeof why));
  assert_ot_ok(cli_state_set_cert(&s, 3, 0, f->id->slots[0].der, f->id->slots[0].der_len));
  cli_state_free(&s);
  size_t len = 0;
  uint8_t *good = file(f, &len);
  static ot_spdm_identity id;
  /* One flipped byte anywhere: checksum mismatch. */
  uint8_t *bad = malloc(len);
  memcpy(bad, good, len);
  bad[len / 2] ^= 0x40;
  put(f, bad, len);
  assert_ot_code(start(f, &id, why, sizeof why), OT_E_VERIFY);
  assert_non_null(strstr(why, "checksum"));
  assert_false(id.slots[3].present);
  ot_spdm_identity_clear(&id);
  /* The refused file is left as it was. */
  size_t now_len = 0;
  uint8_t *now = file(f, &now_len);
  assert_int_equal(now_len, len);
  assert_memory_equal(now, bad, len);
  free(now);
  /* Truncated, empty, foreign. */
  put(f, good, len - 1);
  assert_false(ot_ok(start(f, &id, why, sizeof why)));
  ot_spdm_identity_clear(&id);
  put(f, good, 0);
  assert_ot_code(start(f, &id, why, sizeof why), OT_E_MALFORMED);
  ot_spdm_identity_clear(&id);
  memcpy(bad, good, len);
  bad[7] = '9';
  put(f, bad, len);
  assert_ot_code(start(f, &id, why, sizeof why), OT_E_MALFORMED);
  ot_spdm_identity_clear(&id);
  /* The good file again: accepted. */
  put(f, good, len);
  assert_ot_ok(start(f, &id, why, sizeof why));
  assert_true(id.slots[3].present);
  ot_spdm_identity_clear(&id);
  free(bad);
  free(good);
}

/* A folder that cannot be written: the change is not kept, nor staged. */
static void test_unwritable_dir(void **state) {
  fixture *f = *state;
  if (geteuid() == 0) skip(); /* root writes anyway */
  cli_state s = {.dir = f->dir, .id = f->id};
  char why[160] = "";
  assert_ot_ok(cli_state_load(&s, NOW, why, sizeof why));
  assert_int_equal(chmod(f->dir, 0500), 0);
  assert_ot_code(cli_state_set_cert(&s, 1, 0, f->id->slots[0].der, f->id->slots[0].der_len),
                 OT_E_IO);
  assert_int_equal(s.set_mask, 0);
  chmod(f->dir, 0700);
  cli_state_free(&s);
}

/* A file image by hand: magic, one entry (CertModel byte when model >= 0),
 * SHA-256 over it; returns its length. */
static size_t image(uint8_t *out, const char *magic, uint8_t slot, int model, const uint8_t *der,
                    size_t n) {
  size_t o = 0;
  memcpy(out, magic, 8);
  o = 8;
  out[o++] = 1;
  out[o++] = slot;
  out[o++] = 0;
  if (model >= 0) out[o++] = (uint8_t)model;
  out[o++] = (uint8_t)n;
  out[o++] = (uint8_t)(n >> 8);
  memcpy(out + o, der, n);
  o += n;
  assert_ot_ok(ot_hash(OT_HASH_SHA256, out, o, out + o, 32));
  return o + 32;
}

/* DSP0274 1.3 SetCertModel kept across a restart: an AliasCert slot comes
 * back as AliasCert, and its file entry carries the model. */
static void test_model_kept(void **state) {
  fixture *f = *state;
  cli_state s = {.dir = f->dir, .id = f->id};
  char why[160] = "";
  assert_ot_ok(cli_state_load(&s, NOW, why, sizeof why));
  size_t an = 0;
  uint8_t *alias = ts_read_file(KEYS "/ecp384/bundle_responder.certchain_alias.der", &an);
  assert_non_null(alias);
  assert_ot_ok(cli_state_set_cert_model(&s, 4, 0, OT_SPDM_CERT_MODEL_ALIAS, alias, an));
  /* GenericCert in slot 0: refused, nothing written. */
  assert_ot_code(cli_state_set_cert_model(&s, 0, 0, OT_SPDM_CERT_MODEL_GENERIC, alias, an),
                 OT_E_MALFORMED);
  cli_state_free(&s);
  size_t len = 0;
  uint8_t *img = file(f, &len);
  assert_non_null(img);
  assert_int_equal(img[8], 1);                           /* one entry */
  assert_int_equal(img[9], 4);                           /* slot 4 */
  assert_int_equal(img[11], OT_SPDM_CERT_MODEL_ALIAS);   /* its CertModel */
  free(img);
  static ot_spdm_identity id;
  assert_ot_ok(start(f, &id, why, sizeof why));
  assert_true(id.slots[4].present);
  assert_int_equal(id.slots[4].cert_model, OT_SPDM_CERT_MODEL_ALIAS);
  assert_int_equal(id.slots[0].cert_model, OT_SPDM_CERT_MODEL_DEVICE);
  ot_spdm_identity_clear(&id);
  free(alias);
}

/* A version 1 file (no CertModel byte) still loads, as DeviceCert; a
 * version 2 entry with no model, or one past GenericCert, is refused. */
static void test_old_format_and_bad_models(void **state) {
  fixture *f = *state;
  const ot_spdm_id_slot *s0 = &f->id->slots[0];
  static uint8_t buf[8 + 1 + 5 + OT_SPDM_ID_CHAIN_MAX + 32];
  char why[160] = "";
  static ot_spdm_identity id;
  put(f, buf, image(buf, "OTSLOTS1", 3, -1, s0->der, s0->der_len));
  assert_ot_ok(start(f, &id, why, sizeof why));
  assert_true(id.slots[3].present);
  assert_int_equal(id.slots[3].cert_model, OT_SPDM_CERT_MODEL_DEVICE);
  ot_spdm_identity_clear(&id);
  put(f, buf, image(buf, "OTSLOTS2", 3, OT_SPDM_CERT_MODEL_GENERIC, s0->der, s0->der_len));
  assert_ot_ok(start(f, &id, why, sizeof why));
  assert_int_equal(id.slots[3].cert_model, OT_SPDM_CERT_MODEL_GENERIC);
  ot_spdm_identity_clear(&id);
  static const int bad[] = {0, 4, 7};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    put(f, buf, image(buf, "OTSLOTS2", 3, bad[i], s0->der, s0->der_len));
    assert_ot_code(start(f, &id, why, sizeof why), OT_E_MALFORMED);
    assert_false(id.slots[3].present);
    ot_spdm_identity_clear(&id);
  }
  /* GenericCert for slot 0 in the file: refused as a whole. */
  put(f, buf, image(buf, "OTSLOTS2", 0, OT_SPDM_CERT_MODEL_GENERIC, s0->der, s0->der_len));
  assert_false(ot_ok(start(f, &id, why, sizeof why)));
  assert_non_null(strstr(why, "slot 0 refused"));
  ot_spdm_identity_clear(&id);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_set_then_restart, setup, teardown),
      cmocka_unit_test_setup_teardown(test_damaged_files_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unwritable_dir, setup, teardown),
      cmocka_unit_test_setup_teardown(test_model_kept, setup, teardown),
      cmocka_unit_test_setup_teardown(test_old_format_and_bad_models, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
