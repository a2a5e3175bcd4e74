/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ot_ide_km_query_pick_stream: what a QUERY_RESP's IDE register block offers
 * for a new Selective IDE Stream (PCIe r6.0 §7.9.26), including the
 * all-zero block DMTF's sample device sends (docs/interop.md, "IDE_KM
 * QUERY_RESP with an all-zero register block").
 */
#include "km_testutil.h"

/* QUERY_RESP as spdm_responder_emu sent it live for QUERY PortIndex 0 (VDM
 * payload: Protocol ID 00, ObjectID 01, Reserved, PortIndex 00, DevFuncNum 00,
 * BusNum 00, Segment 00, MaxPortIndex 07), then 74 DWs of zeros. */
#define DMTF_REGS 74u
static void dmtf_query_resp(uint8_t *buf, size_t *len) {
  static const uint8_t head[] = {0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07};
  memset(buf, 0, sizeof head + 4u * DMTF_REGS);
  memcpy(buf, head, sizeof head);
  *len = sizeof head + 4u * DMTF_REGS;
}

static void decode(const uint8_t *buf, size_t len, ot_ide_km_query_resp *q) {
  ot_reader r;
  ot_reader_init(&r, buf, len);
  assert_ot_ok(ot_ide_km_decode_query_resp(&r, q));
}

static void test_dmtf_all_zero_block_is_unreported(void **s) {
  (void)s;
  uint8_t buf[8 + 4 * DMTF_REGS];
  size_t len;
  dmtf_query_resp(buf, &len);
  ot_ide_km_query_resp q;
  decode(buf, len, &q);
  assert_int_equal(q.reg_count, DMTF_REGS);
  assert_int_equal(q.max_port_index, 7);
  uint32_t cap = 0xdead;
  uint8_t id = 0xaa;
  bool unreported = false;
  assert_ot_ok(ot_ide_km_query_pick_stream(&q, &cap, &id, &unreported));
  assert_true(unreported);
  assert_int_equal(cap, 0);
  assert_int_equal(id, 0);
}

/* One set bit anywhere makes it a register image, checked in full: here the
 * capability is zero, so it offers no IDE_KM. */
static void test_one_nonzero_dw_is_a_register_image(void **s) {
  (void)s;
  uint8_t buf[8 + 4 * DMTF_REGS];
  size_t len;
  dmtf_query_resp(buf, &len);
  buf[len - 1] = 0x01;
  ot_ide_km_query_resp q;
  decode(buf, len, &q);
  uint32_t cap;
  uint8_t id;
  bool unreported = true;
  assert_ot_code(ot_ide_km_query_pick_stream(&q, &cap, &id, &unreported), OT_E_UNSUPPORTED);
  assert_false(unreported);
}

/* A populated block: Capability, Control, then two Selective blocks with one
 * address block each (no Link IDE). */
#define CAP_OK                                                                                     \
  (OT_IDE_CAP_IDE_KM | OT_IDE_CAP_SELECTIVE |                                                      \
   OT_FIELD_PREP(OT_IDE_CAP_ALG, OT_IDE_ALG_AES_GCM_256) |                                         \
   OT_FIELD_PREP(OT_IDE_CAP_SEL_STREAMS, 1u))
#define SEL_DWS (OT_IDE_SEL_BLOCK_SIZE(1) / 4u)

static void populated(uint32_t cap, uint32_t ctl0, uint32_t ctl1, size_t drop, uint8_t *buf,
                      size_t *len) {
  uint32_t regs[2 + 2 * SEL_DWS] = {0};
  regs[0] = cap;
  regs[2 + OT_IDE_SEL_CAP / 4u] = 1; /* one address association block */
  regs[2 + OT_IDE_SEL_CTL / 4u] = ctl0;
  regs[2 + SEL_DWS + OT_IDE_SEL_CAP / 4u] = 1;
  regs[2 + SEL_DWS + OT_IDE_SEL_CTL / 4u] = ctl1;
  ot_ide_km_query_resp m = {.max_port_index = 7, .reg_count = 2 + 2 * SEL_DWS - drop};
  ot_writer w;
  ot_writer_init(&w, buf, 256);
  assert_ot_ok(ot_ide_km_encode_query_resp(&w, &m, regs));
  *len = ot_writer_len(&w);
}

static void test_populated_block(void **s) {
  (void)s;
  uint8_t buf[256];
  size_t len;
  ot_ide_km_query_resp q;
  uint32_t cap;
  uint8_t id;
  bool unreported;
  uint32_t en3 = OT_FIELD_PREP(OT_IDE_STREAM_CTL_ID, 3u) | OT_IDE_STREAM_CTL_ENABLE;
  uint32_t off5 = OT_FIELD_PREP(OT_IDE_STREAM_CTL_ID, 5u);
  /* block 0 enabled: block 1's Stream ID */
  populated(CAP_OK, en3, off5, 0, buf, &len);
  decode(buf, len, &q);
  assert_ot_ok(ot_ide_km_query_pick_stream(&q, &cap, &id, &unreported));
  assert_false(unreported);
  assert_int_equal(cap, CAP_OK);
  assert_int_equal(id, 5);
  /* every block enabled */
  populated(CAP_OK, en3, off5 | OT_IDE_STREAM_CTL_ENABLE, 0, buf, &len);
  decode(buf, len, &q);
  assert_ot_code(ot_ide_km_query_pick_stream(&q, &cap, &id, &unreported), OT_E_NO_SPACE);
  /* shorter than the capability says */
  populated(CAP_OK, en3, off5, 4, buf, &len); /* block 1 lacks its RID 2 register */
  decode(buf, len, &q);
  assert_ot_code(ot_ide_km_query_pick_stream(&q, &cap, &id, &unreported), OT_E_MALFORMED);
  /* no IDE_KM or no Selective streams (reserved algorithms: test below) */
  populated(CAP_OK & ~OT_IDE_CAP_IDE_KM, 0, off5, 0, buf, &len);
  decode(buf, len, &q);
  assert_ot_code(ot_ide_km_query_pick_stream(&q, &cap, &id, &unreported), OT_E_UNSUPPORTED);
  populated(CAP_OK & ~OT_IDE_CAP_SELECTIVE, 0, off5, 0, buf, &len);
  decode(buf, len, &q);
  assert_ot_code(ot_ide_km_query_pick_stream(&q, &cap, &id, &unreported), OT_E_UNSUPPORTED);
}

/* PCIe r6.0 §7.9.26.2: Supported Algorithms (bits 12:8) is an encoded field,
 * 00000b = AES-GCM-256 and every other code reserved; it is no bit map. A
 * port with bits 12:8 all zero offers AES-GCM-256; one with 00001b there
 * (capability 0x142, bit 8 read as an "AES-GCM-256" flag) offers a reserved
 * algorithm and is refused, as is every other nonzero code. */
static void test_supported_algorithms_is_encoded(void **s) {
  (void)s;
  uint8_t buf[256];
  size_t len;
  ot_ide_km_query_resp q;
  uint32_t cap;
  uint8_t id;
  bool unreported;
  uint32_t off5 = OT_FIELD_PREP(OT_IDE_STREAM_CTL_ID, 5u);
  /* IDE_KM, Selective, two streams, bits 12:8 = 00000b: 0x00010042 */
  populated(0x00010042u, off5, 0, 0, buf, &len);
  decode(buf, len, &q);
  assert_ot_ok(ot_ide_km_query_pick_stream(&q, &cap, &id, &unreported));
  assert_int_equal(cap, 0x00010042u);
  assert_int_equal(id, 5);
  for (uint32_t alg = 1; alg <= 0x1Fu; alg++) {
    populated(0x00010042u | (alg << 8), off5, 0, 0, buf, &len);
    decode(buf, len, &q);
    assert_ot_code(ot_ide_km_query_pick_stream(&q, &cap, &id, &unreported), OT_E_UNSUPPORTED);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dmtf_all_zero_block_is_unreported),
      cmocka_unit_test(test_one_nonzero_dw_is_a_register_image),
      cmocka_unit_test(test_populated_block),
      cmocka_unit_test(test_supported_algorithms_is_encoded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
