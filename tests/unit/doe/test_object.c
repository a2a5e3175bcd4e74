/* SPDX-License-Identifier: BSD-3-Clause */
/* DOE data object header and object codec (src/doe/object.c). */
#include <stdlib.h>
#include <string.h>

#include "opentsm/doe.h"
#include "testsupport.h"

/* A Discovery request as spdm-emu sends it: vendor 1, type 0, Length 3, Index 1. */
static const uint8_t k_disc_req[12] = {0x01, 0x00, 0x00, 0x00, 0x03, 0x00,
                                       0x00, 0x00, 0x01, 0x00, 0x00, 0x00};

static void test_header_decode_valid(void **state) {
  (void)state;
  ot_doe_header h;
  assert_ot_ok(ot_doe_header_decode(k_disc_req, sizeof k_disc_req, &h));
  assert_int_equal(h.vendor, 0x0001);
  assert_int_equal(h.type, 0x00);
  assert_int_equal(h.length_dw, 3);
}

static void test_header_decode_fields_are_little_endian(void **state) {
  (void)state;
  const uint8_t obj[8] = {0x34, 0x12, 0x56, 0x00, 0x02, 0x00, 0x00, 0x00};
  ot_doe_header h;
  assert_ot_ok(ot_doe_header_decode(obj, sizeof obj, &h));
  assert_int_equal(h.vendor, 0x1234);
  assert_int_equal(h.type, 0x56);
  assert_int_equal(h.length_dw, 2);
}

static void test_header_rejects_reserved_dw0(void **state) {
  (void)state;
  uint8_t obj[12];
  memcpy(obj, k_disc_req, sizeof obj);
  obj[3] = 0x80; /* DW0 bit 31 */
  ot_doe_header h = {0};
  assert_ot_code(ot_doe_header_decode(obj, sizeof obj, &h), OT_E_RESERVED);
  assert_int_equal(h.length_dw, 0); /* untouched */
}

static void test_header_rejects_reserved_dw1(void **state) {
  (void)state;
  uint8_t obj[12];
  memcpy(obj, k_disc_req, sizeof obj);
  obj[6] = 0x04; /* DW1 bit 18: the first bit above Length */
  ot_doe_header h;
  assert_ot_code(ot_doe_header_decode(obj, sizeof obj, &h), OT_E_RESERVED);
}

static void test_header_rejects_length_below_two(void **state) {
  (void)state;
  uint8_t obj[8] = {0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00};
  ot_doe_header h;
  assert_ot_code(ot_doe_header_decode(obj, sizeof obj, &h), OT_E_MALFORMED);
  assert_ot_code(ot_doe_header_peek(obj, &h), OT_E_MALFORMED);
}

static void test_header_rejects_short_input(void **state) {
  (void)state;
  ot_doe_header h;
  assert_ot_code(ot_doe_header_decode(k_disc_req, 7, &h), OT_E_TRUNCATED);
  assert_ot_code(ot_doe_header_decode(k_disc_req, 0, &h), OT_E_TRUNCATED);
  assert_ot_code(ot_doe_header_decode(k_disc_req, 11, &h), OT_E_TRUNCATED);
  assert_ot_code(ot_doe_header_decode(NULL, 12, &h), OT_E_ARG);
}

static void test_header_rejects_trailing_bytes(void **state) {
  (void)state;
  uint8_t obj[16] = {0};
  memcpy(obj, k_disc_req, sizeof k_disc_req);
  ot_doe_header h;
  assert_ot_code(ot_doe_header_decode(obj, 13, &h), OT_E_TRAILING);
  assert_ot_code(ot_doe_header_decode(obj, 16, &h), OT_E_TRAILING);
}

static void test_header_peek_ignores_total_length(void **state) {
  (void)state;
  const uint8_t hdr[8] = {0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00}; /* 256 DW */
  ot_doe_header h;
  assert_ot_ok(ot_doe_header_peek(hdr, &h));
  assert_int_equal(h.length_dw, 256);
  assert_int_equal(h.type, OT_DOE_TYPE_SPDM);
}

static void test_length_zero_means_max(void **state) {
  (void)state;
  const uint8_t hdr[8] = {0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00};
  ot_doe_header h;
  assert_ot_ok(ot_doe_header_peek(hdr, &h));
  assert_int_equal(h.length_dw, OT_DOE_MAX_OBJECT_DW);
  /* A full 1 MiB object decodes when it is all there. */
  uint8_t *big = calloc(1, OT_DOE_MAX_OBJECT_BYTES);
  assert_non_null(big);
  memcpy(big, hdr, sizeof hdr);
  assert_ot_ok(ot_doe_header_decode(big, OT_DOE_MAX_OBJECT_BYTES, &h));
  assert_ot_code(ot_doe_header_decode(big, OT_DOE_MAX_OBJECT_BYTES - 4, &h), OT_E_TRUNCATED);
  free(big);
}

static void test_object_decode_payload(void **state) {
  (void)state;
  ot_doe_header h;
  const uint8_t *p = NULL;
  size_t n = 0;
  assert_ot_ok(ot_doe_object_decode(k_disc_req, sizeof k_disc_req, &h, &p, &n));
  assert_int_equal(n, 4);
  assert_ptr_equal(p, k_disc_req + 8);
}

static void test_object_decode_header_only(void **state) {
  (void)state;
  const uint8_t obj[8] = {0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00};
  ot_doe_header h;
  const uint8_t *p;
  size_t n = 99;
  assert_ot_ok(ot_doe_object_decode(obj, sizeof obj, &h, &p, &n));
  assert_int_equal(n, 0);
}

static void test_object_decode_rejects_bad_header(void **state) {
  (void)state;
  uint8_t obj[12];
  memcpy(obj, k_disc_req, sizeof obj);
  obj[4] = 4; /* Length 4 DW but 3 present */
  ot_doe_header h;
  const uint8_t *p = NULL;
  size_t n = 77;
  assert_ot_code(ot_doe_object_decode(obj, sizeof obj, &h, &p, &n), OT_E_TRUNCATED);
  assert_null(p);
  assert_int_equal(n, 77);
}

static void test_encode_pads_to_dw(void **state) {
  (void)state;
  const uint8_t payload[5] = {0x10, 0x84, 0x00, 0x00, 0xAA};
  uint8_t out[32];
  memset(out, 0xEE, sizeof out);
  size_t len = 0;
  assert_ot_ok(ot_doe_object_encode(OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, payload, sizeof payload,
                                    out, sizeof out, &len));
  const uint8_t want[16] = {0x01, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00,
                            0x10, 0x84, 0x00, 0x00, 0xAA, 0x00, 0x00, 0x00};
  assert_int_equal(len, sizeof want);
  assert_memory_equal(out, want, sizeof want);
  assert_int_equal(out[16], 0xEE); /* nothing written past the object */
}

static void test_encode_roundtrip_each_padding(void **state) {
  (void)state;
  for (size_t n = 0; n <= 9; n++) {
    uint8_t payload[9], out[24];
    for (size_t i = 0; i < n; i++) payload[i] = (uint8_t)(0xA0 + i);
    size_t len;
    assert_ot_ok(ot_doe_object_encode(0x1AB4, 0x7F, payload, n, out, sizeof out, &len));
    assert_int_equal(len, 8 + ((n + 3) / 4) * 4);
    ot_doe_header h;
    const uint8_t *p;
    size_t plen;
    assert_ot_ok(ot_doe_object_decode(out, len, &h, &p, &plen));
    assert_int_equal(h.vendor, 0x1AB4);
    assert_int_equal(h.type, 0x7F);
    assert_int_equal(plen, len - 8);
    if (n) assert_memory_equal(p, payload, n);
    for (size_t i = n; i < plen; i++) assert_int_equal(p[i], 0);
  }
}

static void test_encode_in_place(void **state) {
  (void)state;
  uint8_t buf[16] = {0};
  memcpy(buf + 8, "\x11\x22\x33", 3);
  size_t len;
  assert_ot_ok(ot_doe_object_encode(1, 2, buf + 8, 3, buf, sizeof buf, &len));
  assert_int_equal(len, 12);
  const uint8_t want[12] = {1, 0, 2, 0, 3, 0, 0, 0, 0x11, 0x22, 0x33, 0};
  assert_memory_equal(buf, want, sizeof want);
}

static void test_encode_rejects_small_buffer(void **state) {
  (void)state;
  uint8_t out[11];
  size_t len = 5;
  const uint8_t payload[1] = {1};
  assert_ot_code(ot_doe_object_encode(1, 1, payload, 1, out, sizeof out, &len), OT_E_NO_SPACE);
  assert_int_equal(len, 5);
  assert_ot_code(ot_doe_object_encode(1, 1, NULL, 0, out, 7, &len), OT_E_NO_SPACE);
  assert_ot_code(ot_doe_object_encode(1, 1, NULL, 4, out, sizeof out, &len), OT_E_ARG);
}

static void test_encode_max_object_uses_length_zero(void **state) {
  (void)state;
  size_t max_payload = OT_DOE_MAX_OBJECT_BYTES - 8;
  uint8_t *payload = calloc(1, max_payload + 1);
  uint8_t *out = malloc(OT_DOE_MAX_OBJECT_BYTES + 8);
  assert_non_null(payload);
  assert_non_null(out);
  size_t len;
  assert_ot_ok(
      ot_doe_object_encode(1, 1, payload, max_payload, out, OT_DOE_MAX_OBJECT_BYTES + 8, &len));
  assert_int_equal(len, OT_DOE_MAX_OBJECT_BYTES);
  assert_int_equal(out[4] | out[5] << 8 | out[6] << 16 | out[7] << 24, 0);
  ot_doe_header h;
  assert_ot_ok(ot_doe_header_decode(out, len, &h));
  assert_int_equal(h.length_dw, OT_DOE_MAX_OBJECT_DW);
  /* One byte more would need 2^18 + 1 DW. */
  assert_ot_code(
      ot_doe_object_encode(1, 1, payload, max_payload + 1, out, OT_DOE_MAX_OBJECT_BYTES + 8, &len),
      OT_E_TOO_LARGE);
  free(payload);
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_header_decode_valid),
      cmocka_unit_test(test_header_decode_fields_are_little_endian),
      cmocka_unit_test(test_header_rejects_reserved_dw0),
      cmocka_unit_test(test_header_rejects_reserved_dw1),
      cmocka_unit_test(test_header_rejects_length_below_two),
      cmocka_unit_test(test_header_rejects_short_input),
      cmocka_unit_test(test_header_rejects_trailing_bytes),
      cmocka_unit_test(test_header_peek_ignores_total_length),
      cmocka_unit_test(test_length_zero_means_max),
      cmocka_unit_test(test_object_decode_payload),
      cmocka_unit_test(test_object_decode_header_only),
      cmocka_unit_test(test_object_decode_rejects_bad_header),
      cmocka_unit_test(test_encode_pads_to_dw),
      cmocka_unit_test(test_encode_roundtrip_each_padding),
      cmocka_unit_test(test_encode_in_place),
      cmocka_unit_test(test_encode_rejects_small_buffer),
      cmocka_unit_test(test_encode_max_object_uses_length_zero),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
