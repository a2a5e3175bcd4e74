/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A header shorter than its size is refused with the error a DW-by-DW read
 * would give (PCIe r6.0 §2.2): OT_E_TRUNCATED below one DW, then the Fmt/Type
 * verdict on DW0 (§2.2.1.1 Table 2-3: reserved OT_E_MALFORMED, unmodelled
 * OT_E_UNSUPPORTED), then OT_E_TRUNCATED when DW0 is fine but the rest of a
 * 3 or 4 DW header is missing. The decoder borrows the smallest header at
 * once, so this pins its order for every byte 0 and every short length.
 */
#include <string.h>

#include "opentsm/tlp.h"
#include "testsupport.h"

static void test_short_header_error_order(void **s) {
  (void)s;
  for (unsigned b0 = 0; b0 < 256; b0++) {
    uint8_t wire[OT_TLP_HDR_4DW];
    memset(wire, 0, sizeof wire);
    wire[0] = (uint8_t)b0;
    wire[3] = 1; /* Length 1 DW */
    /* The Fmt/Type verdict on DW0 alone. */
    size_t size;
    ot_status dw0 = ot_tlp_peek_size(wire, OT_TLP_DW, &size);
    /* Fmt[0] (byte 0 bit 5) selects the 4 DW header (§2.2.1.1). */
    size_t hl = (b0 & 0x20u) ? OT_TLP_HDR_4DW : OT_TLP_HDR_3DW;
    for (size_t len = 0; len < OT_TLP_HDR_4DW; len++) {
      ot_tlp_decoded d;
      ot_status st = ot_tlp_decode_header(wire, len, &d);
      if (len < OT_TLP_DW)
        assert_ot_code(st, OT_E_TRUNCATED);
      else if (!ot_ok(dw0))
        assert_ot_code(st, dw0.code);
      else if (len < hl)
        assert_ot_code(st, OT_E_TRUNCATED);
      else
        assert_false(ot_is(st, OT_E_TRUNCATED)); /* the whole header is there */
      ot_tlp t;
      if (len < hl) assert_false(ot_ok(ot_tlp_decode(wire, len, &t)));
    }
  }
}

/* The data-path kinds decode to their kind and size from byte 0 (Table 2-3). */
static void test_data_path_kinds(void **s) {
  (void)s;
  static const struct {
    uint8_t b0;
    ot_tlp_kind kind;
    size_t hl;
  } want[] = {
      {0x00, OT_TLP_MRD, 12}, {0x20, OT_TLP_MRD, 16}, {0x40, OT_TLP_MWR, 12},
      {0x60, OT_TLP_MWR, 16}, {0x0A, OT_TLP_CPL, 12}, {0x4A, OT_TLP_CPLD, 12},
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    uint8_t wire[OT_TLP_HDR_4DW] = {0};
    wire[0] = want[i].b0;
    wire[3] = 1; /* Length 1 DW */
    if (want[i].kind == OT_TLP_MRD || want[i].kind == OT_TLP_MWR) {
      wire[7] = 0x0F; /* First DW BE 1111b, Last 0000b */
      wire[8] = 0x80; /* 64-bit form: upper address bits nonzero (§2.2.4.1) */
    } else {
      wire[7] = 4; /* Byte Count 4 */
    }
    ot_tlp_decoded d;
    assert_ot_ok(ot_tlp_decode_header(wire, want[i].hl, &d));
    assert_int_equal(d.hdr.kind, want[i].kind);
    assert_int_equal(d.hdr_len, want[i].hl);
    assert_int_equal(d.hdr.addr64, want[i].hl == 16);
  }
  /* Completions in a 4 DW form are Malformed (Table 2-3). */
  uint8_t cpl4[OT_TLP_HDR_4DW] = {0x2A, 0, 0, 1, 0, 0, 0, 4};
  ot_tlp_decoded d;
  assert_ot_code(ot_tlp_decode_header(cpl4, sizeof cpl4, &d), OT_E_MALFORMED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_short_header_error_order),
      cmocka_unit_test(test_data_path_kinds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
