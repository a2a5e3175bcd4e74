/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TLP layer's decoded headers and views (opentsm/tlp.h): what
 * ot_tlp_view_encode / ot_tlp_view_decode / ot_tlp_decode_header produce
 * agrees with ot_tlp_decode, malformed bytes give no view, and
 * ot_tlp_view_emit places a header before its payload (PCIe r6.0 §2.2).
 */
#include <string.h>

#include "opentsm/tlp.h"
#include "testsupport.h"

static uint8_t data[64];

static ot_tlp mwr(uint64_t address, uint16_t dw) {
  ot_tlp t = {.hdr = {.kind = OT_TLP_MWR,
                      .addr64 = address >> 32 != 0,
                      .tc = 3,
                      .length = dw,
                      .requester_id = 0x0310,
                      .tag = 0x2A5,
                      .first_be = 0xF,
                      .last_be = dw > 1 ? 0xF : 0,
                      .address = address},
              .payload = data,
              .payload_len = (size_t)dw * 4};
  return t;
}

/* The view of an encoded TLP equals what decoding its bytes gives. */
static void check_view(const ot_tlp *t) {
  uint8_t wire[OT_TLP_MAX_WIRE];
  ot_tlp_view v;
  assert_ot_ok(ot_tlp_view_encode(t, wire, sizeof wire, &v));
  size_t len = ot_tlp_wire_size(&t->hdr);
  assert_ptr_equal(v.wire, wire);
  assert_int_equal(v.d.wire_len, len);
  assert_int_equal(v.d.hdr_len, ot_tlp_hdr_size(&t->hdr));
  assert_int_equal(v.d.payload_len, t->payload_len);
  assert_true(ot_tlp_hdr_equal(&v.d.hdr, &t->hdr));
  assert_memory_equal(v.d.raw, wire, v.d.hdr_len);
  assert_memory_equal(ot_tlp_view_payload(&v), t->payload, t->payload_len);

  ot_tlp_view back;
  assert_ot_ok(ot_tlp_view_decode(wire, len, &back));
  assert_true(ot_tlp_hdr_equal(&back.d.hdr, &t->hdr));
  assert_int_equal(back.d.wire_len, v.d.wire_len);
  assert_memory_equal(back.d.raw, v.d.raw, sizeof v.d.raw);

  ot_tlp_decoded d;
  assert_ot_ok(ot_tlp_decode_header(wire, v.d.hdr_len, &d)); /* the header alone is enough */
  assert_true(ot_tlp_hdr_equal(&d.hdr, &t->hdr));
  assert_int_equal(d.wire_len, len);
}

static void test_views_agree_with_decode(void **s) {
  (void)s;
  ot_tlp a = mwr(0x80001000, 16), b = mwr(UINT64_C(0x123400002000), 1);
  check_view(&a);
  check_view(&b);
  ot_tlp rd = {.hdr = {.kind = OT_TLP_MRD,
                       .length = 2,
                       .requester_id = 1,
                       .first_be = 0xF,
                       .last_be = 0xF,
                       .address = 0x1000}};
  check_view(&rd);
  ot_tlp cpl = {.hdr = {.kind = OT_TLP_CPLD,
                        .length = 4,
                        .completer_id = 0x100,
                        .byte_count = 16,
                        .td = true},
                .payload = data,
                .payload_len = 16,
                .digest = 0x11223344};
  check_view(&cpl);
}

/* Bytes the decoder refuses give no view and leave it untouched (§2.2.5, §2.2.7). */
static void test_no_view_of_bad_bytes(void **s) {
  (void)s;
  uint8_t wire[OT_TLP_MAX_WIRE];
  ot_tlp t = mwr(0x80001000, 4);
  size_t len;
  assert_ot_ok(ot_tlp_encode(&t, wire, sizeof wire, &len));
  ot_tlp_view v, before;
  memset(&v, 0x5A, sizeof v);
  before = v;
  assert_ot_code(ot_tlp_view_decode(wire, len - 1, &v), OT_E_TRUNCATED);
  assert_ot_code(ot_tlp_view_decode(wire, len + 4, &v), OT_E_TRAILING);
  wire[7] = 0x0F; /* Last DW BE 0000b with Length 4 DW */
  assert_ot_code(ot_tlp_view_decode(wire, len, &v), OT_E_MALFORMED);
  assert_memory_equal(&v, &before, sizeof v);
  ot_tlp_decoded d;
  assert_ot_code(ot_tlp_decode_header(wire, len, &d), OT_E_MALFORMED);
  assert_ot_code(ot_tlp_decode_header(wire, 11, &d), OT_E_TRUNCATED);
  /* The encoder refuses what the decoder would: a request across a 4 KB boundary. */
  ot_tlp cross = mwr(0x80000FF8, 4);
  assert_ot_code(ot_tlp_view_encode(&cross, wire, sizeof wire, &v), OT_E_MALFORMED);
  assert_memory_equal(&v, &before, sizeof v);
}

/* A decoded header placed before a payload that arrived apart (as IDE decrypts it). */
static void test_emit(void **s) {
  (void)s;
  uint8_t wire[OT_TLP_MAX_WIRE], dst[OT_TLP_MAX_WIRE];
  ot_tlp t = mwr(UINT64_C(0x200000000), 8);
  ot_tlp_view v;
  assert_ot_ok(ot_tlp_view_encode(&t, wire, sizeof wire, &v));
  ot_tlp_decoded d;
  assert_ot_ok(ot_tlp_decode_header(wire, sizeof wire, &d));
  memcpy(dst + d.hdr_len, data, d.payload_len);
  ot_tlp_view e;
  assert_ot_code(ot_tlp_view_emit(&d, dst, d.wire_len - 1u, &e), OT_E_NO_SPACE);
  assert_ot_ok(ot_tlp_view_emit(&d, dst, sizeof dst, &e));
  assert_ptr_equal(e.wire, dst);
  assert_memory_equal(dst, wire, d.wire_len);
  assert_true(ot_tlp_hdr_equal(&e.d.hdr, &t.hdr));
  /* Emitting a view's own header again (in place) keeps it. */
  assert_ot_ok(ot_tlp_view_emit(&e.d, dst, sizeof dst, &e));
  assert_true(ot_tlp_hdr_equal(&e.d.hdr, &t.hdr));
}

int main(void) {
  for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 5 + 1);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_views_agree_with_decode),
      cmocka_unit_test(test_no_view_of_bad_bytes),
      cmocka_unit_test(test_emit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
