/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IDE TLP wire format pieces (opentsm/spec/ide.h): prefix bytes, the
 * sub-stream of each TLP type, the KEY_PROG key mapping (SPEC-FACTS §4.1
 * example), the PCRC, and a known-answer test of one protected TLP computed
 * here independently with ot_aead, which pins the nonce and AAD construction.
 */
#include "../../../src/ide/ide_internal.h"
#include "ide_testutil.h"

static void test_prefix_known_bytes(void **s) {
  (void)s;
  ot_ide_prefix p = {.pr_sent = 5,
                     .stream_id = 0x21,
                     .sub = OT_IDE_SUB_CPL,
                     .p = true,
                     .m = true,
                     .k = true,
                     .t = true};
  uint8_t b[4];
  ot_ide_prefix_encode(&p, b);
  static const uint8_t want[4] = {0x92, 0x05, 0x21, 0x2F};
  assert_memory_equal(b, want, 4);
  ot_ide_prefix q;
  assert_ot_ok(ot_ide_prefix_decode(b, &q));
  assert_int_equal(q.pr_sent, 5);
  assert_int_equal(q.stream_id, 0x21);
  assert_int_equal(q.sub, OT_IDE_SUB_CPL);
  assert_true(q.p && q.m && q.k && q.t);
  p = (ot_ide_prefix){.stream_id = 3, .sub = OT_IDE_SUB_NPR};
  ot_ide_prefix_encode(&p, b);
  static const uint8_t want2[4] = {0x92, 0x00, 0x03, 0x10};
  assert_memory_equal(b, want2, 4);
}

static void test_prefix_rejects(void **s) {
  (void)s;
  ot_ide_prefix q;
  memset(&q, 0x77, sizeof q);
  ot_ide_prefix before = q;
  static const uint8_t bad[][4] = {
      {0x91, 0, 1, 0x00}, /* PASID prefix, not IDE */
      {0x40, 0, 1, 0x00}, /* a TLP header */
      {0x92, 0, 1, 0x80}, /* reserved bit 7 of byte 3 */
      {0x92, 0, 1, 0x30}, /* sub-stream 011b */
      {0x92, 0, 1, 0x70}, /* sub-stream 111b: not an IDE TLP */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_ot_code(ot_ide_prefix_decode(bad[i], &q), OT_E_MALFORMED);
    assert_memory_equal(&q, &before, sizeof q);
  }
}

static void test_substream_of_each_type(void **s) {
  (void)s;
  static const struct {
    ot_tlp_kind kind;
    ot_ide_substream sub;
  } table[] = {
      {OT_TLP_MWR, OT_IDE_SUB_PR},  {OT_TLP_MSG, OT_IDE_SUB_PR},  {OT_TLP_MSGD, OT_IDE_SUB_PR},
      {OT_TLP_MRD, OT_IDE_SUB_NPR}, {OT_TLP_CPL, OT_IDE_SUB_CPL}, {OT_TLP_CPLD, OT_IDE_SUB_CPL},
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    assert_int_equal(ot_ide_substream_of(table[i].kind), table[i].sub);
}

/* SPEC-FACTS §4.1: Key_DW7 .. Key_DW0 of the example key; IFV_DW1:IFV_DW0 = 1. */
static const uint32_t example_key_dw[8] = {0x9ccd2720, 0xcd5e24b4, 0x03241df7, 0x6a4eb801,
                                           0x9739d4d9, 0xef8b7feb, 0x056e02e0, 0xdf254152};
static const uint8_t example_key[32] = {
    0xdf, 0x25, 0x41, 0x52, 0x05, 0x6e, 0x02, 0xe0, 0xef, 0x8b, 0x7f, 0xeb, 0x97, 0x39, 0xd4, 0xd9,
    0x6a, 0x4e, 0xb8, 0x01, 0x03, 0x24, 0x1d, 0xf7, 0xcd, 0x5e, 0x24, 0xb4, 0x9c, 0xcd, 0x27, 0x20};

static void test_key_material_from_key_prog(void **s) {
  (void)s;
  static const uint32_t ifv_dw[2] = {1, 0};
  ot_ide_key_material km;
  ot_ide_key_material_from_km(&km, example_key_dw, ifv_dw);
  assert_memory_equal(km.key, example_key, 32);
  assert_int_equal(km.ifv, 1);
  assert_int_equal(km.iv_fixed, 0);
  static const uint32_t ifv_hi[2] = {0x89abcdef, 0x01234567};
  ot_ide_key_material_from_km(&km, example_key_dw, ifv_hi);
  assert_true(km.ifv == UINT64_C(0x0123456789abcdef));
}

static void test_pcrc_check_value(void **s) {
  (void)s;
  uint8_t crc[4];
  ide_pcrc((const uint8_t *)"123456789", 9, crc); /* the CRC-32 check value CBF43926h */
  static const uint8_t want[4] = {0xCB, 0xF4, 0x39, 0x26};
  assert_memory_equal(crc, want, 4);
  ide_pcrc(NULL, 0, crc);
  static const uint8_t empty[4] = {0, 0, 0, 0};
  assert_memory_equal(crc, empty, 4);
}

/*
 * One MWr (3 DW header, 16 bytes) on PR, stream 7, key set 0, IFV 1, no
 * aggregation: nonce 00000000 0000000000000001, AAD = prefix || header,
 * text = payload, MAC = first 12 tag bytes; wire = AAD || ct || MAC.
 */
static void test_known_answer_one_protected_tlp(void **s) {
  (void)s;
  static const uint8_t tlp[] = {0x40, 0x00, 0x00, 0x04, 0x01, 0x00, 0x0A, 0xFF, 0xFE, 0xDC,
                                0x00, 0x10, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
  /* Independently: prefix 92 00 07 04 (PR, M=1, K=0, T=0, P=0). */
  uint8_t aad[4 + 12] = {0x92, 0x00, 0x07, 0x04};
  memcpy(aad + 4, tlp, 12);
  static const uint8_t nonce[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  ot_aead_key k;
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, example_key, 32, 12));
  uint8_t want[16 + 16 + 12];
  memcpy(want, aad, 16);
  assert_ot_ok(ot_aead_seal(&k, nonce, aad, 16, tlp + 12, 16, want + 16, want + 32, 12));
  ot_aead_key_clear(&k);

  ot_ide_stream_cfg cfg = tu_cfg(1);
  ot_ide_tx tx;
  ot_ide_tx_init(&tx);
  assert_ot_ok(ot_ide_tx_stream_add(&tx, &cfg));
  static const uint32_t ifv_dw[2] = {1, 0};
  for (int sub = 0; sub < 3; sub++) {
    ot_ide_key_material km;
    ot_ide_key_material_from_km(&km, example_key_dw, ifv_dw);
    assert_ot_ok(ot_ide_key_install(ot_ide_tx_engine(&tx), TU_SID, (ot_ide_substream)sub, 0, &km));
    assert_ot_ok(ot_ide_key_go(ot_ide_tx_engine(&tx), TU_SID, (ot_ide_substream)sub, 0));
  }
  assert_ot_ok(ot_ide_stream_enable(ot_ide_tx_engine(&tx), TU_SID));
  ot_tlp_view v = tu_view(tlp, sizeof tlp);
  ot_ide_tx_tlp in = {&v, false};
  uint8_t wire[64];
  size_t lens[1], total;
  assert_ot_ok(ot_ide_tx_protect(&tx, TU_SID, &in, 1, wire, sizeof wire, lens, &total));
  assert_int_equal(total, sizeof want);
  assert_memory_equal(wire, want, sizeof want);
  ot_ide_tx_clear(&tx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_prefix_known_bytes),
      cmocka_unit_test(test_prefix_rejects),
      cmocka_unit_test(test_substream_of_each_type),
      cmocka_unit_test(test_key_material_from_key_prog),
      cmocka_unit_test(test_pcrc_check_value),
      cmocka_unit_test(test_known_answer_one_protected_tlp),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
