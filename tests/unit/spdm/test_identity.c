/* SPDX-License-Identifier: BSD-3-Clause */
/* Device identity: slots, keys, the cert-chain blob, measurements, generation, loading. */
#include <stdlib.h>
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/spdm_identity.h"
#include "testsupport.h"

static ot_drbg drbg;

static void seed(uint8_t v) {
  uint8_t e[48];
  memset(e, v, sizeof(e));
  assert_ot_ok(ot_drbg_instantiate(&drbg, e, 32, e + 32, 16, NULL, 0));
}

/* The blob is header || RootHash(root DER) || DER, and its digest is Hash(blob). */
static void test_chain_blob(void **s) {
  (void)s;
  seed(1);
  ot_spdm_hierarchy h;
  assert_ot_ok(ot_spdm_hierarchy_generate(&h, OT_CURVE_P384, &drbg.rng, 0, 4102444800, "a:b:c"));
  ot_spdm_identity id;
  ot_spdm_identity_init(&id);
  assert_ot_ok(ot_spdm_identity_install(&id, 0, 0, 1, &h));
  size_t len;
  assert_ot_ok(ot_spdm_identity_chain_len(&id, 0, OT_HASH_SHA384, &len));
  assert_int_equal(len, 4 + 48 + h.der_len);
  uint8_t *blob = malloc(len), d[64];
  assert_ot_ok(ot_spdm_identity_chain_read(&id, 0, OT_HASH_SHA384, 0, len, blob));
  assert_int_equal(blob[0] | blob[1] << 8, len);
  ot_x509_cert root;
  assert_ot_ok(ot_spdm_identity_root(&id, 0, &root));
  assert_ot_ok(ot_hash(OT_HASH_SHA384, root.der, root.len, d, sizeof(d)));
  assert_memory_equal(blob + 4, d, 48);
  assert_memory_equal(blob + 52, h.der, h.der_len);
  const uint8_t *dig;
  assert_ot_ok(ot_spdm_identity_chain_digest(&id, 0, OT_HASH_SHA384, &dig));
  assert_ot_ok(ot_hash(OT_HASH_SHA384, blob, len, d, sizeof(d)));
  assert_memory_equal(dig, d, 48);
  /* Any window reads the same bytes. */
  uint8_t part[100];
  assert_ot_ok(ot_spdm_identity_chain_read(&id, 0, OT_HASH_SHA384, 30, sizeof(part), part));
  assert_memory_equal(part, blob + 30, sizeof(part));
  assert_ot_code(ot_spdm_identity_chain_read(&id, 0, OT_HASH_SHA384, len - 1, 2, part), OT_E_ARG);
  assert_ot_code(ot_spdm_identity_chain_len(&id, 1, OT_HASH_SHA384, &len), OT_E_NOT_FOUND);
  free(blob);
  /* Every BaseHashAlgo we negotiate (SHA-512, SHA3 too): the DMTF requester
   * asked for DIGESTS under SHA-512 and got ERROR Unspecified before. */
  for (ot_hash_alg a = OT_HASH_SHA256; a <= OT_HASH_SHA3_512; a++) {
    size_t hl = ot_hash_size(a);
    assert_ot_ok(ot_spdm_identity_chain_len(&id, 0, a, &len));
    assert_int_equal(len, 4 + hl + h.der_len);
    blob = malloc(len);
    assert_ot_ok(ot_spdm_identity_chain_read(&id, 0, a, 0, len, blob));
    assert_ot_ok(ot_hash(a, root.der, root.len, d, sizeof(d)));
    assert_memory_equal(blob + 4, d, hl);
    assert_ot_ok(ot_spdm_identity_chain_digest(&id, 0, a, &dig));
    assert_ot_ok(ot_hash(a, blob, len, d, sizeof(d)));
    assert_memory_equal(dig, d, hl);
    free(blob);
  }
  assert_ot_code(ot_spdm_identity_chain_len(&id, 0, (ot_hash_alg)7, &len), OT_E_UNSUPPORTED);
  assert_ot_code(ot_spdm_identity_chain_len(&id, 0, (ot_hash_alg)0, &len), OT_E_UNSUPPORTED);
  ot_spdm_identity_clear(&id);
  ot_spdm_hierarchy_clear(&h);
}

/* A slot refuses a chain whose leaf is not the slot's key, and a taken slot. */
static void test_slot_key_mismatch(void **s) {
  (void)s;
  seed(2);
  ot_spdm_hierarchy a, b;
  assert_ot_ok(ot_spdm_hierarchy_generate(&a, OT_CURVE_P256, &drbg.rng, 0, 4102444800, NULL));
  assert_ot_ok(ot_spdm_hierarchy_generate(&b, OT_CURVE_P256, &drbg.rng, 0, 4102444800, NULL));
  ot_spdm_identity id;
  ot_spdm_identity_init(&id);
  assert_ot_ok(ot_spdm_identity_install(&id, 0, 0, 1, &a));
  assert_ot_code(ot_spdm_identity_set_slot(&id, 1, 0, b.der, b.der_len), OT_E_BAD_KEY);
  assert_ot_code(ot_spdm_identity_set_slot(&id, 0, 0, a.der, a.der_len), OT_E_EXISTS);
  assert_ot_code(ot_spdm_identity_set_slot(&id, 1, 0, a.der, a.der_len - 1), OT_E_TRUNCATED);
  assert_int_equal(ot_spdm_identity_slot_mask(&id), 1);
  ot_spdm_identity_clear(&id);
  ot_spdm_hierarchy_clear(&a);
  ot_spdm_hierarchy_clear(&b);
}

/* Keys are marked secret while installed and wiped by clear. */
static void test_key_wiped(void **s) {
  (void)s;
  seed(3);
  size_t marks = ot_secret_mark_count();
  ot_spdm_hierarchy h;
  assert_ot_ok(ot_spdm_hierarchy_generate(&h, OT_CURVE_P256, &drbg.rng, 0, 4102444800, NULL));
  ot_spdm_identity id;
  ot_spdm_identity_init(&id);
  assert_ot_ok(ot_spdm_identity_install(&id, 0, 0, 1, &h));
  assert_true(ot_secret_overlaps(id.keys[0].priv, 1));
  ot_spdm_identity_clear(&id);
  ot_spdm_hierarchy_clear(&h);
  assert_int_equal(ot_secret_mark_count(), marks);
  static const uint8_t zero[OT_ECC_MAX_SCALAR];
  assert_memory_equal(id.keys[0].priv, zero, sizeof(zero));
}

static void test_measurements(void **s) {
  (void)s;
  ot_spdm_identity id;
  ot_spdm_identity_init(&id);
  static const uint8_t img[] = "image";
  ot_spdm_device_model dm = {.rom = img,
                             .rom_len = 5,
                             .firmware = img,
                             .firmware_len = 5,
                             .hw_config = img,
                             .hw_config_len = 5,
                             .fw_config = img,
                             .fw_config_len = 5,
                             .version = "2.1",
                             .svn = 3};
  assert_ot_ok(ot_spdm_identity_add_device_meas(&id, &dm));
  assert_int_equal(id.meas_count, 8);
  uint8_t b[400], d[48];
  size_t n;
  /* Block 1: Index 1, DMTF, size 3 + 48, type 0 (ROM, digest), SHA-384("image"). */
  assert_ot_ok(ot_spdm_identity_meas_block(&id, 0, OT_HASH_SHA384, b, sizeof(b), &n));
  assert_int_equal(n, 4 + 3 + 48);
  assert_int_equal(b[0], 1);
  assert_int_equal(b[1], 1);
  assert_int_equal(b[4], 0);
  assert_ot_ok(ot_hash(OT_HASH_SHA384, img, 5, d, sizeof(d)));
  assert_memory_equal(b + 7, d, 48);
  /* Block 6: the version as a raw bit stream. */
  assert_ot_ok(ot_spdm_identity_meas_block(&id, 5, OT_HASH_SHA384, b, sizeof(b), &n));
  assert_int_equal(b[4], 0x80 | OT_SPDM_DMTF_MEAS_VERSION);
  assert_memory_equal(b + 7, "2.1", 3);
  /* Block 8: the device mode field (DSP0274 1.2), raw, 16 bytes: a model
   * that says nothing is in normal operation, no debug mode. */
  assert_ot_ok(ot_spdm_identity_meas_block(&id, 7, OT_HASH_SHA384, b, sizeof(b), &n));
  assert_int_equal(n, 4 + 3 + OT_SPDM_DEVICE_MODE_FIELD_SIZE);
  assert_int_equal(b[0], 8);
  assert_int_equal(b[4], 0x80 | OT_SPDM_DMTF_MEAS_DEVICE_MODE);
  static const uint8_t normal[16] = {OT_SPDM_DEVICE_OPMODE_NORMAL, 0, 0, 0,
                                     OT_SPDM_DEVICE_OPMODE_NORMAL, 0, 0, 0};
  assert_memory_equal(b + 7, normal, 16);
  ot_spdm_id_meas dup = {.index = 1};
  assert_ot_code(ot_spdm_identity_add_meas(&id, &dup), OT_E_EXISTS);
  ot_spdm_id_meas bad = {.index = 0xff};
  assert_ot_code(ot_spdm_identity_add_meas(&id, &bad), OT_E_ARG);
  uint8_t all[48], tcb[48];
  assert_ot_ok(ot_spdm_identity_meas_summary(&id, OT_SPDM_MEAS_SUMMARY_ALL, OT_HASH_SHA384,
                                             OT_HASH_SHA384, all, sizeof(all)));
  assert_ot_ok(ot_spdm_identity_meas_summary(&id, OT_SPDM_MEAS_SUMMARY_TCB, OT_HASH_SHA384,
                                             OT_HASH_SHA384, tcb, sizeof(tcb)));
  assert_memory_not_equal(all, tcb, 48);
}

/* ot_spdm_identity_add_device_meas block by block: indices 1-8, the four
 * images as TCB digests (an image larger than a block digested with SHA-384
 * first), the manifest, version, SVN and device mode as raw bit streams
 * (DSP0274 1.2 "DMTF measurement specification format"); a version longer
 * than a block is refused. */
static void test_device_meas_blocks(void **s) {
  (void)s;
  static ot_spdm_identity id;
  ot_spdm_identity_init(&id);
  static uint8_t big[OT_SPDM_ID_MEAS_MAX + 1];
  static const uint8_t img[] = "image";
  memset(big, 0x5a, sizeof(big));
  ot_spdm_device_model dm = {.rom = img,
                             .rom_len = 5,
                             .firmware = big,
                             .firmware_len = sizeof(big),
                             .hw_config = NULL,
                             .hw_config_len = 0,
                             .fw_config = big,
                             .fw_config_len = OT_SPDM_ID_MEAS_MAX,
                             .version = "1.0.7",
                             .svn = 0x0102030405060708u,
                             .op_mode_caps = 1,
                             .op_mode_state = 2,
                             .debug_mode_caps = 3,
                             .debug_mode_state = 4};
  assert_ot_ok(ot_spdm_identity_add_device_meas(&id, &dm));
  assert_int_equal(id.meas_count, 8);
  static const uint8_t type[8] = {OT_SPDM_DMTF_MEAS_IMMUTABLE_ROM,
                                  OT_SPDM_DMTF_MEAS_MUTABLE_FIRMWARE,
                                  OT_SPDM_DMTF_MEAS_HARDWARE_CONFIG,
                                  OT_SPDM_DMTF_MEAS_FIRMWARE_CONFIG,
                                  OT_SPDM_DMTF_MEAS_MANIFEST,
                                  OT_SPDM_DMTF_MEAS_VERSION,
                                  OT_SPDM_DMTF_MEAS_SVN,
                                  OT_SPDM_DMTF_MEAS_DEVICE_MODE};
  for (size_t i = 0; i < 8; i++) {
    assert_int_equal(id.meas[i].index, i + 1);
    assert_int_equal(id.meas[i].value_type, type[i]);
    assert_int_equal(id.meas[i].raw, i >= 4);
    assert_int_equal(id.meas[i].tcb, i < 4);
  }
  uint8_t d[48];
  assert_int_equal(id.meas[0].len, 5);
  assert_memory_equal(id.meas[0].content, img, 5);
  assert_ot_ok(ot_hash(OT_HASH_SHA384, big, sizeof(big), d, sizeof(d)));
  assert_int_equal(id.meas[1].len, 48);
  assert_memory_equal(id.meas[1].content, d, 48);
  assert_int_equal(id.meas[2].len, 0);
  assert_int_equal(id.meas[3].len, OT_SPDM_ID_MEAS_MAX); /* fits: kept whole */
  assert_memory_equal(id.meas[3].content, big, OT_SPDM_ID_MEAS_MAX);
  static const uint8_t manifest[8] = {
      1, OT_SPDM_DMTF_MEAS_IMMUTABLE_ROM,   2, OT_SPDM_DMTF_MEAS_MUTABLE_FIRMWARE,
      3, OT_SPDM_DMTF_MEAS_HARDWARE_CONFIG, 4, OT_SPDM_DMTF_MEAS_FIRMWARE_CONFIG};
  assert_int_equal(id.meas[4].len, sizeof(manifest));
  assert_memory_equal(id.meas[4].content, manifest, sizeof(manifest));
  assert_int_equal(id.meas[5].len, 5);
  assert_memory_equal(id.meas[5].content, "1.0.7", 5);
  static const uint8_t svn[8] = {8, 7, 6, 5, 4, 3, 2, 1};
  assert_int_equal(id.meas[6].len, 8);
  assert_memory_equal(id.meas[6].content, svn, 8);
  static const uint8_t mode[16] = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0};
  assert_int_equal(id.meas[7].len, 16);
  assert_memory_equal(id.meas[7].content, mode, 16);

  static char long_version[OT_SPDM_ID_MEAS_MAX + 2];
  memset(long_version, 'v', sizeof(long_version) - 1);
  ot_spdm_identity_init(&id);
  dm.version = long_version;
  assert_ot_code(ot_spdm_identity_add_device_meas(&id, &dm), OT_E_TOO_LARGE);
}

/* The DMTF sample identity: slot 0/1 share the key, slot 4 has its own (PEM). */
static void test_load_dmtf_sample(void **s) {
  (void)s;
  ot_spdm_identity id;
  ot_spdm_identity_init(&id);
  assert_ot_ok(ot_spdm_identity_load_dmtf_sample(&id, ts_vector_path("spdm-emu/sample_key"),
                                                 OT_CURVE_P256, true));
  assert_int_equal(ot_spdm_identity_slot_mask(&id), 0x13);
  assert_int_equal(id.slots[0].key, id.slots[1].key);
  assert_int_not_equal(id.slots[0].key, id.slots[4].key);
  size_t len;
  /* SPEC-FACTS §2.7: the P-256 slot 0 chain is 1390 bytes with SHA-256. */
  assert_ot_ok(ot_spdm_identity_chain_len(&id, 0, OT_HASH_SHA256, &len));
  assert_int_equal(len, 1390);
  ot_spdm_identity_clear(&id);
  ot_spdm_identity_init(&id);
  assert_ot_code(ot_spdm_identity_load_dmtf_sample(&id, "/nonexistent", OT_CURVE_P384, false),
                 OT_E_NOT_FOUND);
  ot_spdm_identity_clear(&id);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_chain_blob),       cmocka_unit_test(test_slot_key_mismatch),
      cmocka_unit_test(test_key_wiped),        cmocka_unit_test(test_measurements),
      cmocka_unit_test(test_load_dmtf_sample), cmocka_unit_test(test_device_meas_blocks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
