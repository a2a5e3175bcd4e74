/* SPDX-License-Identifier: BSD-3-Clause */
/* Secured-message version opaque data (src/spdm/codec_opaque.c), against the
 * byte strings of SPEC-FACTS §3.5. */
#include "codec_check.h"

static void version_list_encodes_as_recorded(void **state) {
  (void)state;
  ot_spdm_sm_versions v = {.data_id = OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS,
                           .count = 3,
                           .version = {0x1000, 0x1100, 0x1200}},
                      d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_sm_versions_encode(&w, &v));
  static const uint8_t want[] = {0x01, 0,    0,    0,    0,    0,    0x09, 0, 0x01, 0x01,
                                 0x03, 0x00, 0x10, 0x00, 0x11, 0x00, 0x12, 0, 0,    0};
  assert_int_equal(ot_writer_len(&w), sizeof want);
  assert_memory_equal(buf, want, sizeof want);
  assert_ot_ok(ot_spdm_sm_versions_decode(want, sizeof want, &d));
  assert_memory_equal(&d, &v, sizeof d);
}

static void one_version_and_selection_encode_as_spec_facts(void **state) {
  (void)state;
  ot_spdm_sm_versions list = {.data_id = 1, .count = 1, .version = {0x1100}};
  ot_spdm_sm_versions sel = {.data_id = 0, .count = 1, .version = {0x1100}}, d;
  static const uint8_t want_list[] = {1, 0, 0, 0, 0, 0, 5, 0, 1, 1, 1, 0, 0x11, 0, 0, 0};
  static const uint8_t want_sel[] = {1, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0x11};
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_sm_versions_encode(&w, &list));
  assert_int_equal(ot_writer_len(&w), 16);
  assert_memory_equal(buf, want_list, 16);
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_spdm_sm_versions_encode(&w, &sel));
  assert_int_equal(ot_writer_len(&w), 12);
  assert_memory_equal(buf, want_sel, 12);
  assert_ot_ok(ot_spdm_sm_versions_decode(want_sel, 12, &d));
  assert_int_equal(d.data_id, OT_SPDM_SM_DATA_ID_VERSION_SELECTION);
  assert_int_equal(d.version[0], 0x1100);
}

static void every_prefix_and_trailing_byte_is_rejected(void **state) {
  (void)state;
  static const uint8_t msg[] = {1, 0, 0, 0, 0, 0, 5, 0, 1, 1, 1, 0, 0x11, 0, 0, 0, 0};
  ot_spdm_sm_versions d;
  for (size_t n = 0; n < 16; n++)
    assert_ot_code(ot_spdm_sm_versions_decode(msg, n, &d), OT_E_TRUNCATED);
  assert_ot_code(ot_spdm_sm_versions_decode(msg, 17, &d), OT_E_TRAILING);
}

static void other_registries_elements_are_skipped(void **state) {
  (void)state;
  /* Two elements: a PCI-SIG one (vendor ID 0x0001, 3 data bytes, padded), then ours. */
  static const uint8_t msg[] = {2,    0, 0, 0, 3, 2, 0x01, 0x00, 3, 0, 0xaa, 0xbb,
                                0xcc, 0, 0, 0, 0, 0, 4,    0,    1, 0, 0,    0x12};
  ot_spdm_sm_versions d;
  assert_ot_ok(ot_spdm_sm_versions_decode(msg, sizeof msg, &d));
  assert_int_equal(d.version[0], 0x1200);
}

/* A later DMTF element with another SMDataID is skipped and leaves the
 * selection found before it as it was (found by fuzz_spdm_codec: the skipped
 * element's SMDataID used to overwrite it, and re-encoding failed). */
static void skipped_dmtf_element_keeps_the_found_one(void **state) {
  (void)state;
  static const uint8_t msg[] = {2, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0x12, 0, 0, 3, 0, 1, 2, 64, 0};
  static const uint8_t want[] = {1, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0x12};
  ot_spdm_sm_versions d;
  assert_ot_ok(ot_spdm_sm_versions_decode(msg, sizeof msg, &d));
  assert_int_equal(d.data_id, OT_SPDM_SM_DATA_ID_VERSION_SELECTION);
  assert_int_equal(d.count, 1);
  assert_int_equal(d.version[0], 0x1200);
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_sm_versions_encode(&w, &d));
  assert_int_equal(ot_writer_len(&w), sizeof want);
  assert_memory_equal(buf, want, sizeof want);
}

static void missing_or_repeated_version_element_is_rejected(void **state) {
  (void)state;
  static const uint8_t none[] = {0, 0, 0, 0};
  static const uint8_t twice[] = {2, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0x12, 0, 0, 4, 0, 1, 0, 0, 0x11};
  static const uint8_t aead_only[] = {1, 0, 0, 0, 0, 0, 3, 0, 1, 2, 64, 0};
  ot_spdm_sm_versions d;
  assert_ot_code(ot_spdm_sm_versions_decode(none, sizeof none, &d), OT_E_NOT_FOUND);
  assert_ot_code(ot_spdm_sm_versions_decode(twice, sizeof twice, &d), OT_E_MALFORMED);
  assert_ot_code(ot_spdm_sm_versions_decode(aead_only, sizeof aead_only, &d), OT_E_NOT_FOUND);
}

static void inconsistent_elements_are_malformed(void **state) {
  (void)state;
  /* Selection element with a 5-byte data length (one byte extra inside it). */
  static const uint8_t extra[] = {1, 0, 0, 0, 0, 0, 5, 0, 1, 0, 0, 0x12, 0, 0, 0, 0};
  /* Version list claiming 9 versions: more than the codec accepts. */
  uint8_t many[4 + 4 + 3 + 18 + 3] = {1, 0, 0, 0, 0, 0, 21, 0, 1, 1, 9};
  /* Version count 0. */
  static const uint8_t zero[] = {1, 0, 0, 0, 0, 0, 3, 0, 1, 1, 0, 0};
  ot_spdm_sm_versions d;
  assert_ot_code(ot_spdm_sm_versions_decode(extra, sizeof extra, &d), OT_E_MALFORMED);
  assert_ot_code(ot_spdm_sm_versions_decode(many, sizeof many, &d), OT_E_TOO_LARGE);
  assert_ot_code(ot_spdm_sm_versions_decode(zero, sizeof zero, &d), OT_E_MALFORMED);
  ot_spdm_sm_versions bad = {.data_id = 0, .count = 2};
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_sm_versions_encode(&w, &bad), OT_E_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(version_list_encodes_as_recorded),
      cmocka_unit_test(one_version_and_selection_encode_as_spec_facts),
      cmocka_unit_test(every_prefix_and_trailing_byte_is_rejected),
      cmocka_unit_test(other_registries_elements_are_skipped),
      cmocka_unit_test(skipped_dmtf_element_keeps_the_found_one),
      cmocka_unit_test(missing_or_repeated_version_element_is_rejected),
      cmocka_unit_test(inconsistent_elements_are_malformed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
