/* SPDX-License-Identifier: BSD-3-Clause */
/* VENDOR_DEFINED_REQUEST / VENDOR_DEFINED_RESPONSE codec (src/spdm/codec_vendor_defined.c). */
#include "codec_check.h"

static const uint8_t pcisig[] = {0x01, 0x00};
static const uint8_t query[] = {0x00, 0x00, 0x00, 0x00, 0x01}; /* IDE_KM QUERY, port 1 */

static void pci_sig_request_has_the_12_byte_prefix(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_vendor_defined m = {.standard_id = OT_SPDM_REGISTRY_PCISIG,
                              .vendor_id_len = 2,
                              .vendor_id = pcisig,
                              .payload_len = sizeof query,
                              .payload = query},
                         d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_vendor_request(&sz, &w, &m));
  /* SPEC-FACTS §2.14: ver FE 00 00 | 03 00 | 02 | 01 00 | len | protocol id */
  static const uint8_t prefix[] = {0x12, 0xfe, 0,    0,    0x03, 0x00,
                                   0x02, 0x01, 0x00, 0x05, 0x00, 0x00};
  assert_memory_equal(buf, prefix, sizeof prefix);
  cc_check_message(&sz, buf, ot_writer_len(&w));
  ot_reader r = cc_reader(buf, ot_writer_len(&w));
  assert_ot_ok(ot_spdm_decode_vendor_request(&sz, &r, &d));
  assert_int_equal(d.standard_id, 3);
  assert_memory_equal(d.payload, query, sizeof query);
}

static void response_with_empty_vendor_id_and_payload(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  ot_spdm_vendor_defined m = {.standard_id = OT_SPDM_REGISTRY_DMTF}, d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_vendor_response(&sz, &w, &m));
  assert_int_equal(ot_writer_len(&w), 9);
  cc_check_message(&sz, buf, 9);
  ot_reader r = cc_reader(buf, 9);
  assert_ot_ok(ot_spdm_decode_vendor_response(&sz, &r, &d));
  assert_int_equal(d.payload_len, 0);
}

static void vendor_id_or_payload_over_the_buffer_is_truncated(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes12();
  ot_spdm_vendor_defined m = {.standard_id = 3,
                              .vendor_id_len = 2,
                              .vendor_id = pcisig,
                              .payload_len = sizeof query,
                              .payload = query},
                         d;
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_encode_vendor_response(&sz, &w, &m));
  size_t n = ot_writer_len(&w);
  buf[9] = 6; /* payload length one past the end */
  ot_reader r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_vendor_response(&sz, &r, &d), OT_E_TRUNCATED);
  buf[9] = 5;
  buf[6] = 200; /* vendor ID length */
  r = cc_reader(buf, n);
  assert_ot_code(ot_spdm_decode_vendor_response(&sz, &r, &d), OT_E_TRUNCATED);
  m.payload = NULL; /* a length without bytes cannot be encoded */
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_spdm_encode_vendor_response(&sz, &w, &m), OT_E_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(pci_sig_request_has_the_12_byte_prefix),
      cmocka_unit_test(response_with_empty_vendor_id_and_payload),
      cmocka_unit_test(vendor_id_or_payload_over_the_buffer_is_truncated),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
