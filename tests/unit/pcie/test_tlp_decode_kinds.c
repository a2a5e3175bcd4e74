/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The header decoder runs a copy of its field decode per data-path kind
 * (MWr, MRd, CplD, with the kind a constant) and a general copy for the rest
 * (src/pcie/tlp.c, decode_header). These tests hold every copy to the same
 * rules:
 *
 * - every header the decoder accepts passes the encoder's full validation
 *   (check_hdr: every field in range, PCIe r6.0 §2.2.4.1 AT and address
 *   width, §2.2.7 4 KB boundary, §2.2.5 byte enables, §2.2.9 completion
 *   status, §2.2.8 message routing) and encodes back to a header that
 *   decodes to the same fields, over many pseudo-random headers weighted to
 *   the data-path byte 0 values;
 * - each rule a sender can break is refused by the copy of its kind, with
 *   the expected error.
 */
#include <string.h>

#include "opentsm/tlp.h"
#include "testsupport.h"

static uint32_t lcg(uint32_t *x) {
  *x = *x * 1664525u + 1013904223u;
  return *x >> 8;
}

/* Byte 0 of the data-path kinds and of messages (Table 2-3). */
static const uint8_t data_path_b0[] = {0x00, 0x20, 0x40, 0x60, 0x0A, 0x4A, 0x30, 0x70, 0x32, 0x74};

static void test_accepted_headers_pass_encode(void **s) {
  (void)s;
  uint32_t x = 0x5eed1234u;
  static uint8_t payload[OT_TLP_MAX_PAYLOAD];
  static uint8_t wire[OT_TLP_HDR_4DW + OT_TLP_MAX_PAYLOAD + OT_TLP_DIGEST_SIZE];
  size_t accepted = 0;
  for (unsigned i = 0; i < 200000; i++) {
    uint8_t hdr[OT_TLP_HDR_4DW];
    for (size_t k = 0; k < sizeof hdr; k++) hdr[k] = (uint8_t)lcg(&x);
    if (lcg(&x) & 1u) hdr[0] = data_path_b0[lcg(&x) % sizeof data_path_b0];
    if (lcg(&x) & 1u) hdr[1] &= 0x71u; /* often no TH, TC 0..7 kept */
    if (lcg(&x) & 1u) hdr[2] &= 0x73u; /* often no TD, AT 00b */
    if (lcg(&x) & 1u) hdr[3] &= 0x0Fu; /* short lengths */
    if (lcg(&x) & 1u) hdr[6] &= 0x1Fu; /* often Successful Completion */
    ot_tlp_decoded d;
    if (!ot_ok(ot_tlp_decode_header(hdr, sizeof hdr, &d))) continue;
    accepted++;
    /* The sizes follow from the fields. */
    assert_int_equal(d.hdr_len, ot_tlp_hdr_size(&d.hdr));
    assert_int_equal(d.payload_len, ot_tlp_payload_size(&d.hdr));
    assert_int_equal(d.wire_len, ot_tlp_wire_size(&d.hdr));
    assert_memory_equal(d.raw, hdr, d.hdr_len);
    /* The encoder's full validation accepts it; it decodes back to the same fields. */
    ot_tlp t = {.hdr = d.hdr, .payload = payload, .payload_len = d.payload_len, .digest = 0};
    size_t n = 0;
    assert_ot_ok(ot_tlp_encode(&t, wire, sizeof wire, &n));
    assert_int_equal(n, d.wire_len);
    ot_tlp_decoded again;
    assert_ot_ok(ot_tlp_decode_header(wire, n, &again));
    assert_true(ot_tlp_hdr_equal(&again.hdr, &d.hdr));
  }
  assert_true(accepted > 10000); /* the weighting reaches every kind often */
}

/* A valid 3 DW memory request header (b0 selects MRd/MWr), 1 DW at 0x1000. */
static void mem_hdr(uint8_t h[OT_TLP_HDR_4DW], uint8_t b0) {
  memset(h, 0, OT_TLP_HDR_4DW);
  h[0] = b0;
  h[3] = 1;
  h[7] = 0x0F; /* First DW BE 1111b, Last 0000b */
  h[10] = 0x10; /* address 0x1000 (3 DW) or upper 0x10 << 8 (4 DW) */
  h[14] = 0x10; /* 4 DW: address low 0x1000 */
}

static void expect(const uint8_t *h, ot_code code) {
  ot_tlp_decoded d;
  assert_ot_code(ot_tlp_decode_header(h, OT_TLP_HDR_4DW, &d), code);
}

static void test_mem_rules_per_copy(void **s) {
  (void)s;
  static const uint8_t b0s[] = {0x00, 0x20, 0x40, 0x60}; /* MRd 3/4 DW, MWr 3/4 DW */
  for (size_t i = 0; i < sizeof b0s; i++) {
    bool dw4 = (b0s[i] & 0x20u) != 0;
    uint8_t h[OT_TLP_HDR_4DW];
    mem_hdr(h, b0s[i]);
    ot_tlp_decoded d;
    assert_ot_ok(ot_tlp_decode_header(h, sizeof h, &d));
    /* TLP Processing Hints: not supported. */
    mem_hdr(h, b0s[i]);
    h[1] |= 0x01;
    expect(h, OT_E_UNSUPPORTED);
    /* §2.2.4.1: AT 11b reserved. */
    mem_hdr(h, b0s[i]);
    h[2] |= 0x0C;
    expect(h, OT_E_MALFORMED);
    /* §2.2.7: 2 DW starting 4 bytes below a 4 KB boundary cross it. */
    mem_hdr(h, b0s[i]);
    h[3] = 2;
    h[7] = 0xFF;
    h[dw4 ? 14 : 10] = 0x0F;
    h[dw4 ? 15 : 11] = 0xFC;
    expect(h, OT_E_MALFORMED);
    /* §2.2.5: Length 1 with Last DW BE non-zero. */
    mem_hdr(h, b0s[i]);
    h[7] = 0xFF;
    expect(h, OT_E_MALFORMED);
    /* §2.2.5: Length 3 with First DW BE 0000b, and with non-contiguous enables. */
    mem_hdr(h, b0s[i]);
    h[3] = 3;
    h[7] = 0xF0;
    expect(h, OT_E_MALFORMED);
    h[7] = 0xF5;
    expect(h, OT_E_MALFORMED);
    if (dw4) {
      /* §2.2.4.1: a 64-bit request below 4 GB must use the 32-bit format. */
      mem_hdr(h, b0s[i]);
      h[10] = 0;
      expect(h, OT_E_MALFORMED);
    }
    /* A 4 DW header one DW short. */
    if (dw4) {
      mem_hdr(h, b0s[i]);
      assert_ot_code(ot_tlp_decode_header(h, OT_TLP_HDR_3DW, &d), OT_E_TRUNCATED);
    }
  }
}

static void test_cpl_rules_per_copy(void **s) {
  (void)s;
  for (int data = 0; data <= 1; data++) {
    uint8_t h[OT_TLP_HDR_4DW] = {0};
    h[0] = data ? 0x4A : 0x0A;
    h[3] = 1;
    h[7] = 4; /* Byte Count 4 */
    ot_tlp_decoded d;
    assert_ot_ok(ot_tlp_decode_header(h, sizeof h, &d));
    assert_int_equal(d.hdr.kind, data ? OT_TLP_CPLD : OT_TLP_CPL);
    assert_int_equal(d.payload_len, data ? 4 : 0);
    /* §2.2.9 Table 2-34: status 011b is reserved. */
    h[6] = 0x60;
    expect(h, OT_E_MALFORMED);
    /* §2.2.9: CplD only with Successful Completion (UR is 001b). */
    h[6] = 0x20;
    if (data)
      expect(h, OT_E_MALFORMED);
    else
      assert_ot_ok(ot_tlp_decode_header(h, sizeof h, &d));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_accepted_headers_pass_encode),
      cmocka_unit_test(test_mem_rules_per_copy),
      cmocka_unit_test(test_cpl_rules_per_copy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
