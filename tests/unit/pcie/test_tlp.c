/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLP codec (PCIe r6.0 §2.2): round trips for every modelled type, known
 * header bytes, and the rules the decoder enforces, each with a TLP that
 * breaks exactly that rule.
 */
#include <string.h>

#include "opentsm/tlp.h"
#include "testsupport.h"

static uint8_t payload[OT_TLP_MAX_PAYLOAD];

static int setup(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof payload; i++) payload[i] = (uint8_t)(i * 7 + 3);
  return 0;
}

static ot_tlp make(ot_tlp_kind kind) {
  ot_tlp t = {0};
  t.hdr.kind = kind;
  t.hdr.tc = 5;
  t.hdr.attr = OT_TLP_ATTR_RO | OT_TLP_ATTR_IDO;
  t.hdr.requester_id = 0x0310;
  t.hdr.tag = 0x2A5; /* uses Tag[9] and Tag[8] */
  switch (kind) {
  case OT_TLP_MRD:
  case OT_TLP_MWR:
    t.hdr.length = 16;
    t.hdr.first_be = 0xF;
    t.hdr.last_be = 0xF;
    t.hdr.address = 0x80001000;
    break;
  case OT_TLP_CPL:
    t.hdr.completer_id = 0x0100;
    t.hdr.status = OT_TLP_CPL_UR;
    t.hdr.byte_count = 4;
    break;
  case OT_TLP_CPLD:
    t.hdr.length = 8;
    t.hdr.completer_id = 0x0100;
    t.hdr.byte_count = 32;
    t.hdr.lower_addr = 0x40;
    break;
  case OT_TLP_MSG:
    t.hdr.tag = 0x12;
    t.hdr.msg_code = 0x20; /* Assert_INTA, routed Local (§2.2.8.1) */
    t.hdr.msg_route = OT_TLP_ROUTE_LOCAL;
    break;
  case OT_TLP_MSGD:
    t.hdr.tag = 0x34;
    t.hdr.length = 4;
    t.hdr.msg_code = 0x7F; /* Vendor_Defined Type 1 */
    t.hdr.msg_route = OT_TLP_ROUTE_BY_ID;
    t.hdr.msg_fields[0] = 0x02; /* destination ID 02:00.0 */
    t.hdr.msg_fields[2] = 0x00;
    t.hdr.msg_fields[3] = 0x01; /* vendor 0x0001 */
    break;
  }
  t.payload_len = ot_tlp_payload_size(&t.hdr);
  t.payload = t.payload_len ? payload : NULL;
  return t;
}

static void roundtrip(const ot_tlp *t) {
  uint8_t wire[OT_TLP_MAX_WIRE];
  size_t len = 0, peek = 0;
  assert_ot_ok(ot_tlp_encode(t, wire, sizeof wire, &len));
  assert_int_equal(len, ot_tlp_wire_size(&t->hdr));
  assert_ot_ok(ot_tlp_peek_size(wire, len, &peek));
  assert_int_equal(peek, len);
  ot_tlp back;
  assert_ot_ok(ot_tlp_decode(wire, len, &back));
  assert_true(ot_tlp_hdr_equal(&back.hdr, &t->hdr));
  assert_int_equal(back.payload_len, t->payload_len);
  if (t->payload_len) assert_memory_equal(back.payload, t->payload, t->payload_len);
  assert_int_equal(back.digest, t->digest);
  uint8_t again[OT_TLP_MAX_WIRE];
  size_t len2 = 0;
  assert_ot_ok(ot_tlp_encode(&back, again, sizeof again, &len2));
  assert_int_equal(len2, len);
  assert_memory_equal(again, wire, len);
}

static void test_roundtrip_mrd_32(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_MRD);
  roundtrip(&t);
}

static void test_roundtrip_mrd_64(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_MRD);
  t.hdr.addr64 = true;
  t.hdr.address = UINT64_C(0x123456789ABCD000);
  t.hdr.at = OT_TLP_AT_TRANSLATED;
  roundtrip(&t);
}

static void test_roundtrip_mwr_32_and_64(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_MWR);
  roundtrip(&t);
  t.hdr.addr64 = true;
  t.hdr.address = UINT64_C(0x0000000100000000);
  t.hdr.td = true;
  t.digest = 0xDEADBEEF;
  t.hdr.ep = true;
  roundtrip(&t);
}

static void test_roundtrip_completions(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_CPL);
  roundtrip(&t);
  t.hdr.status = OT_TLP_CPL_CA;
  t.hdr.bcm = true;
  roundtrip(&t);
  t = make(OT_TLP_CPLD);
  roundtrip(&t);
}

static void test_roundtrip_messages(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_MSG);
  roundtrip(&t);
  t = make(OT_TLP_MSGD);
  roundtrip(&t);
  /* Address-routed message: the address comes from header bytes 8..15. */
  t = make(OT_TLP_MSG);
  t.hdr.msg_route = OT_TLP_ROUTE_BY_ADDR;
  t.hdr.address = UINT64_C(0x00000001FEE00000);
  uint8_t f[8] = {0x00, 0x00, 0x00, 0x01, 0xFE, 0xE0, 0x00, 0x00};
  memcpy(t.hdr.msg_fields, f, 8);
  roundtrip(&t);
}

static void test_roundtrip_limits(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_MWR);
  t.hdr.address = 0x10000000; /* page aligned: 4 KB fits exactly */
  t.hdr.length = 1024;
  t.payload_len = 4096;
  roundtrip(&t);
  t = make(OT_TLP_CPLD);
  t.hdr.byte_count = 4096;
  t.hdr.lower_addr = 0;
  roundtrip(&t);
}

/* Known bytes: MWr 3 DW, 1 DW to 0xFEDC0010, requester 01:00.0, tag 0x0A. */
static void test_known_bytes_mwr32(void **s) {
  (void)s;
  static const uint8_t want[] = {0x40, 0x00, 0x00, 0x01, 0x01, 0x00, 0x0A, 0x0F,
                                 0xFE, 0xDC, 0x00, 0x10, 0x11, 0x22, 0x33, 0x44};
  uint8_t data[4] = {0x11, 0x22, 0x33, 0x44};
  ot_tlp t = {.hdr = {.kind = OT_TLP_MWR,
                      .length = 1,
                      .requester_id = 0x0100,
                      .tag = 0x0A,
                      .first_be = 0xF,
                      .address = 0xFEDC0010},
              .payload = data,
              .payload_len = 4};
  uint8_t wire[32];
  size_t len;
  assert_ot_ok(ot_tlp_encode(&t, wire, sizeof wire, &len));
  assert_int_equal(len, sizeof want);
  assert_memory_equal(wire, want, sizeof want);
}

/* Known bytes: CplD with 10-bit tag 0x301, TC 1, 1 DW, byte count 4, lower address 0x10. */
static void test_known_bytes_cpld(void **s) {
  (void)s;
  static const uint8_t want[] = {0x4A, 0x98, 0x00, 0x01, 0x01, 0x00, 0x00, 0x04,
                                 0x03, 0x10, 0x01, 0x10, 0xAA, 0xBB, 0xCC, 0xDD};
  uint8_t data[4] = {0xAA, 0xBB, 0xCC, 0xDD};
  ot_tlp t = {.hdr = {.kind = OT_TLP_CPLD,
                      .tc = 1,
                      .length = 1,
                      .completer_id = 0x0100,
                      .byte_count = 4,
                      .requester_id = 0x0310,
                      .tag = 0x301,
                      .lower_addr = 0x10},
              .payload = data,
              .payload_len = 4};
  uint8_t wire[32];
  size_t len;
  assert_ot_ok(ot_tlp_encode(&t, wire, sizeof wire, &len));
  assert_int_equal(len, sizeof want);
  assert_memory_equal(wire, want, sizeof want);
}

static void expect_decode(const uint8_t *wire, size_t len, ot_code code) {
  ot_tlp t;
  memset(&t, 0x5A, sizeof t);
  ot_tlp before = t;
  assert_ot_code(ot_tlp_decode(wire, len, &t), code);
  assert_memory_equal(&t, &before, sizeof t); /* nothing written on failure */
}

/* Encodes a valid TLP into wire and returns its length. */
static size_t encode(const ot_tlp *t, uint8_t *wire) {
  size_t len;
  assert_ot_ok(ot_tlp_encode(t, wire, OT_TLP_MAX_WIRE, &len));
  return len;
}

static void test_reserved_fmt_type_is_malformed(void **s) {
  (void)s;
  uint8_t wire[OT_TLP_MAX_WIRE];
  ot_tlp t = make(OT_TLP_MRD);
  size_t len = encode(&t, wire);
  static const uint8_t bad[] = {
      0xA0, 0xC0, 0xE0, /* Fmt 101b..111b (Table 2-2) */
      0x03, 0x06, 0x1F, /* Type 0 0011b, 0 0110b, 1 1111b */
      0x10,             /* Msg with a 3 DW Fmt */
      0x2A, 0x6A,       /* Cpl/CplD with 4 DW Fmt */
      0x41,             /* MRdLk with data */
      0x24, 0x62,       /* Cfg/IO with 4 DW Fmt */
      0x0C,             /* AtomicOp without data */
      0x1B,             /* deprecated TCfgRd */
  };
  for (size_t i = 0; i < sizeof bad; i++) {
    wire[0] = bad[i];
    expect_decode(wire, len, OT_E_MALFORMED);
  }
}

static void test_valid_unmodelled_types_unsupported(void **s) {
  (void)s;
  uint8_t wire[OT_TLP_MAX_WIRE];
  ot_tlp t = make(OT_TLP_MRD);
  size_t len = encode(&t, wire);
  static const uint8_t types[] = {0x04, 0x44, 0x05, 0x02, 0x42, 0x01,
                                  0x0B, 0x4C, 0x6E, 0x5B, 0x80, 0x92 /* TLP prefixes */};
  for (size_t i = 0; i < sizeof types; i++) {
    wire[0] = types[i];
    expect_decode(wire, len, OT_E_UNSUPPORTED);
  }
  encode(&t, wire);
  wire[1] |= OT_TLP_B1_TH; /* TLP Processing Hints */
  expect_decode(wire, len, OT_E_UNSUPPORTED);
}

static void test_length_must_match_payload(void **s) {
  (void)s;
  uint8_t wire[OT_TLP_MAX_WIRE];
  ot_tlp t = make(OT_TLP_MWR);
  size_t len = encode(&t, wire);
  expect_decode(wire, len - 4, OT_E_TRUNCATED);
  expect_decode(wire, len + 4, OT_E_TRAILING);
  expect_decode(wire, 7, OT_E_TRUNCATED);
  /* TD set without the digest DW (§2.2.3) */
  wire[2] |= OT_TLP_B2_TD;
  expect_decode(wire, len, OT_E_TRUNCATED);
  /* A memory read carries no payload. */
  t = make(OT_TLP_MRD);
  len = encode(&t, wire);
  expect_decode(wire, len + 4, OT_E_TRAILING);
}

static void expect_hdr_refused(const ot_tlp *t, ot_code code) {
  uint8_t wire[OT_TLP_MAX_WIRE];
  memset(wire, 0xEE, sizeof wire);
  size_t len = 0;
  assert_ot_code(ot_tlp_encode(t, wire, sizeof wire, &len), code);
  for (size_t i = 0; i < 32; i++) assert_int_equal(wire[i], 0xEE); /* untouched */
}

/* Builds bytes the encoder would refuse by patching a valid encoding. */
static void test_byte_enable_rules(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_MWR);
  t.hdr.length = 1;
  t.payload_len = 4;
  t.hdr.last_be = 0;
  t.hdr.first_be = 0x5; /* non-contiguous allowed for 1 DW */
  uint8_t wire[OT_TLP_MAX_WIRE];
  size_t len = encode(&t, wire);
  t.hdr.first_be = 0; /* zero-length write allowed */
  len = encode(&t, wire);
  t.hdr.last_be = 0x1; /* 1 DW: Last DW BE must be 0000b */
  expect_hdr_refused(&t, OT_E_MALFORMED);
  wire[7] = 0x1F;
  expect_decode(wire, len, OT_E_MALFORMED);

  t = make(OT_TLP_MWR);
  t.hdr.length = 2;
  t.payload_len = 8;
  t.hdr.first_be = 0;
  expect_hdr_refused(&t, OT_E_MALFORMED); /* > 1 DW: First DW BE not 0000b */
  t.hdr.first_be = 0xF;
  t.hdr.last_be = 0;
  expect_hdr_refused(&t, OT_E_MALFORMED); /* > 1 DW: Last DW BE not 0000b */
  t.hdr.first_be = 0x5;
  t.hdr.last_be = 0x9; /* QW-aligned 2 DW: non-contiguous allowed */
  len = encode(&t, wire);
  t.hdr.address += 4; /* not QW-aligned: contiguous only */
  expect_hdr_refused(&t, OT_E_MALFORMED);
  t.hdr.first_be = 0xC;
  t.hdr.last_be = 0x3;
  encode(&t, wire);

  t = make(OT_TLP_MRD);
  t.hdr.length = 3;
  t.hdr.first_be = 0x6; /* 3 DW: gap before the second DW */
  expect_hdr_refused(&t, OT_E_MALFORMED);
  t.hdr.first_be = 0xF;
  t.hdr.last_be = 0x2;
  expect_hdr_refused(&t, OT_E_MALFORMED);
  t.hdr.last_be = 0x7;
  len = encode(&t, wire);
  wire[7] = (uint8_t)(0x7 << 4 | 0x9); /* non-contiguous first BE on the wire */
  expect_decode(wire, len, OT_E_MALFORMED);
}

static void test_address_rules(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_MRD);
  t.hdr.addr64 = true; /* 4 DW with the upper 32 bits zero (§2.2.4.1) */
  expect_hdr_refused(&t, OT_E_MALFORMED);
  t.hdr.address = UINT64_C(0x100000000);
  uint8_t wire[OT_TLP_MAX_WIRE];
  size_t len = encode(&t, wire);
  memset(wire + 8, 0, 4); /* clear the upper address DW on the wire */
  expect_decode(wire, len, OT_E_MALFORMED);

  t = make(OT_TLP_MRD);
  t.hdr.address = UINT64_C(0x100000000); /* needs a 4 DW header */
  expect_hdr_refused(&t, OT_E_ARG);
  t.hdr.address = 0x1002; /* not DW-aligned */
  expect_hdr_refused(&t, OT_E_ARG);
  t.hdr.address = 0x1FF0; /* 16 DW from 0x...FF0 crosses 4 KB (§2.2.7) */
  expect_hdr_refused(&t, OT_E_MALFORMED);
  t.hdr.address = 0x1FC0; /* ends exactly at the boundary: fine */
  len = encode(&t, wire);
  t.hdr.address = 0x1000;
  t.hdr.at = 3; /* AT 11b reserved */
  expect_hdr_refused(&t, OT_E_MALFORMED);
  t.hdr.at = 0;
  len = encode(&t, wire);
  wire[2] |= OT_TLP_B2_AT_MASK;
  expect_decode(wire, len, OT_E_MALFORMED);
}

static void test_completion_rules(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_CPL);
  uint8_t wire[OT_TLP_MAX_WIRE];
  size_t len = encode(&t, wire);
  for (uint8_t st = 3; st < 8; st++) {
    if (st == OT_TLP_CPL_CA) continue;
    wire[6] = (uint8_t)((st << 5) | (wire[6] & 0x1F));
    expect_decode(wire, len, OT_E_MALFORMED); /* reserved status (Table 2-34) */
  }
  t = make(OT_TLP_CPLD);
  t.hdr.status = OT_TLP_CPL_UR; /* CplD only with Successful Completion */
  expect_hdr_refused(&t, OT_E_MALFORMED);
  t.hdr.status = OT_TLP_CPL_SC;
  t.hdr.lower_addr = 0x80;
  expect_hdr_refused(&t, OT_E_ARG);
}

static void test_message_rules(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_MSG);
  uint8_t wire[OT_TLP_MAX_WIRE];
  size_t len = encode(&t, wire);
  wire[0] = (uint8_t)((wire[0] & ~0x7u) | 0x6u); /* r = 110b */
  expect_decode(wire, len, OT_E_MALFORMED);
  wire[0] = (uint8_t)((wire[0] & ~0x7u) | 0x7u);
  expect_decode(wire, len, OT_E_MALFORMED);
  t.hdr.msg_route = 6;
  expect_hdr_refused(&t, OT_E_MALFORMED);
  t = make(OT_TLP_MSG);
  t.hdr.tag = 0x100; /* messages have an 8-bit tag */
  expect_hdr_refused(&t, OT_E_ARG);
  t = make(OT_TLP_MSG);
  t.hdr.address = 0x1000; /* only for address-routed messages */
  expect_hdr_refused(&t, OT_E_ARG);
}

static void test_encoder_refuses_fields_of_other_kinds(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_MWR);
  t.hdr.byte_count = 4;
  expect_hdr_refused(&t, OT_E_ARG);
  t = make(OT_TLP_CPL);
  t.hdr.first_be = 0xF;
  expect_hdr_refused(&t, OT_E_ARG);
  t = make(OT_TLP_MWR);
  t.payload_len = 4; /* does not match Length */
  expect_hdr_refused(&t, OT_E_ARG);
  t = make(OT_TLP_MWR);
  t.hdr.length = 0;
  expect_hdr_refused(&t, OT_E_ARG);
  t = make(OT_TLP_MWR);
  t.hdr.tag = 0x400;
  expect_hdr_refused(&t, OT_E_ARG);
  t = make(OT_TLP_MWR);
  t.digest = 1; /* digest without TD */
  expect_hdr_refused(&t, OT_E_ARG);
  t = make(OT_TLP_MWR);
  uint8_t small[8];
  memset(small, 0xEE, sizeof small);
  size_t len;
  assert_ot_code(ot_tlp_encode(&t, small, sizeof small, &len), OT_E_NO_SPACE);
  for (size_t i = 0; i < sizeof small; i++) assert_int_equal(small[i], 0xEE);
}

static void test_reserved_bits_ignored_and_cleared(void **s) {
  (void)s;
  ot_tlp t = make(OT_TLP_MRD);
  uint8_t wire[OT_TLP_MAX_WIRE];
  size_t len = encode(&t, wire);
  uint8_t dirty[OT_TLP_MAX_WIRE];
  memcpy(dirty, wire, len);
  dirty[1] |= OT_TLP_B1_RSVD; /* formerly LN */
  dirty[11] |= 0x3;           /* address bits 1:0 */
  ot_tlp back;
  assert_ot_ok(ot_tlp_decode(dirty, len, &back));
  assert_true(ot_tlp_hdr_equal(&back.hdr, &t.hdr));
  uint8_t clean[OT_TLP_MAX_WIRE];
  size_t len2;
  assert_ot_ok(ot_tlp_encode(&back, clean, sizeof clean, &len2));
  assert_memory_equal(clean, wire, len);
  /* Length is reserved in a Cpl without data. */
  t = make(OT_TLP_CPL);
  len = encode(&t, wire);
  wire[3] = 0x05;
  assert_ot_ok(ot_tlp_decode(wire, len, &back));
  assert_int_equal(back.hdr.length, 0);
}

static void test_peek_size(void **s) {
  (void)s;
  uint8_t wire[OT_TLP_MAX_WIRE];
  ot_tlp t = make(OT_TLP_MWR);
  t.hdr.td = true;
  size_t len = encode(&t, wire), size = 0;
  assert_ot_ok(ot_tlp_peek_size(wire, 4, &size));
  assert_int_equal(size, len);
  assert_ot_code(ot_tlp_peek_size(wire, 3, &size), OT_E_TRUNCATED);
  wire[0] = 0xE0;
  assert_ot_code(ot_tlp_peek_size(wire, 4, &size), OT_E_MALFORMED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_mrd_32),
      cmocka_unit_test(test_roundtrip_mrd_64),
      cmocka_unit_test(test_roundtrip_mwr_32_and_64),
      cmocka_unit_test(test_roundtrip_completions),
      cmocka_unit_test(test_roundtrip_messages),
      cmocka_unit_test(test_roundtrip_limits),
      cmocka_unit_test(test_known_bytes_mwr32),
      cmocka_unit_test(test_known_bytes_cpld),
      cmocka_unit_test(test_reserved_fmt_type_is_malformed),
      cmocka_unit_test(test_valid_unmodelled_types_unsupported),
      cmocka_unit_test(test_length_must_match_payload),
      cmocka_unit_test(test_byte_enable_rules),
      cmocka_unit_test(test_address_rules),
      cmocka_unit_test(test_completion_rules),
      cmocka_unit_test(test_message_rules),
      cmocka_unit_test(test_encoder_refuses_fields_of_other_kinds),
      cmocka_unit_test(test_reserved_bits_ignored_and_cleared),
      cmocka_unit_test(test_peek_size),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
