/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of the bounds-checked cursor (src/base/cursor.c). */
#include <string.h>

#include "opentsm/cursor.h"
#include "testsupport.h"

static const uint8_t seq[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};

static void reads_every_width_both_orders(void **state) {
  (void)state;
  ot_reader r;
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
#define CHECK(fn, var, want)                                                                       \
  ot_reader_init(&r, seq, sizeof seq);                                                             \
  assert_ot_ok(fn(&r, &var));                                                                      \
  assert_int_equal(var, want);
  CHECK(ot_read_u8, u8, 0x01);
  CHECK(ot_read_u16le, u16, 0x0201);
  CHECK(ot_read_u16be, u16, 0x0102);
  CHECK(ot_read_u24le, u32, 0x030201);
  CHECK(ot_read_u24be, u32, 0x010203);
  CHECK(ot_read_u32le, u32, 0x04030201);
  CHECK(ot_read_u32be, u32, 0x01020304);
  CHECK(ot_read_u64le, u64, 0x0807060504030201ull);
  CHECK(ot_read_u64be, u64, 0x0102030405060708ull);
#undef CHECK
}

/* Every width, at every remaining size that is one short: fails, does not move. */
static void short_reads_fail_without_moving(void **state) {
  (void)state;
  static const size_t widths[] = {1, 2, 3, 4, 8};
  for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
    ot_reader r;
    ot_reader_init(&r, seq, widths[w] - 1);
    uint64_t v64 = 0xaa;
    uint32_t v32 = 0xaa;
    uint16_t v16 = 0xaa;
    uint8_t v8 = 0xaa;
    ot_status st;
    switch (widths[w]) {
    case 1: st = ot_read_u8(&r, &v8); break;
    case 2: st = ot_read_u16le(&r, &v16); break;
    case 3: st = ot_read_u24le(&r, &v32); break;
    case 4: st = ot_read_u32be(&r, &v32); break;
    default: st = ot_read_u64le(&r, &v64); break;
    }
    assert_ot_code(st, OT_E_TRUNCATED);
    assert_int_equal(ot_reader_offset(&r), 0);
    assert_int_equal(v8, 0xaa); /* outputs untouched on failure */
    assert_int_equal(v16, 0xaa);
    assert_int_equal(v32, 0xaa);
    assert_int_equal(v64, 0xaa);
  }
}

static void failure_is_sticky(void **state) {
  (void)state;
  ot_reader r;
  ot_reader_init(&r, seq, 3);
  uint32_t v;
  uint8_t b;
  assert_ot_code(ot_read_u32le(&r, &v), OT_E_TRUNCATED);
  /* The byte that would fit is refused too: the cursor stays failed. */
  assert_ot_code(ot_read_u8(&r, &b), OT_E_TRUNCATED);
  assert_ot_code(ot_reader_status(&r), OT_E_TRUNCATED);
  assert_ot_code(ot_reader_finish(&r), OT_E_TRUNCATED);
  ot_reader_init(&r, seq, 3);
  assert_ot_ok(ot_read_u8(&r, &b));
}

static void bytes_skip_borrow_sub(void **state) {
  (void)state;
  ot_reader r;
  ot_reader_init(&r, seq, sizeof seq);
  uint8_t out[3];
  assert_ot_ok(ot_read_bytes(&r, out, 3));
  assert_memory_equal(out, seq, 3);
  assert_ot_ok(ot_read_skip(&r, 1));
  const uint8_t *p;
  assert_ot_ok(ot_read_borrow(&r, 2, &p));
  assert_ptr_equal(p, seq + 4);
  ot_reader sub;
  assert_ot_ok(ot_read_sub(&r, 2, &sub));
  assert_int_equal(ot_reader_remaining(&sub), 2);
  uint16_t v;
  assert_ot_ok(ot_read_u16le(&sub, &v));
  assert_int_equal(v, 0x0807);
  assert_ot_code(ot_read_u8(&sub, out), OT_E_TRUNCATED);
  assert_int_equal(ot_reader_remaining(&r), 1);
  assert_ot_code(ot_reader_finish(&r), OT_E_TRAILING);
  assert_ot_code(ot_read_borrow(&r, 2, &p), OT_E_TRUNCATED);
  assert_ptr_equal(p, seq + 4); /* untouched */
}

/* A length larger than the span must not wrap the bounds arithmetic. */
static void huge_lengths_do_not_wrap(void **state) {
  (void)state;
  ot_reader r;
  ot_reader_init(&r, seq, sizeof seq);
  uint8_t b;
  assert_ot_ok(ot_read_u8(&r, &b));
  assert_ot_code(ot_read_skip(&r, SIZE_MAX), OT_E_TRUNCATED);
  assert_int_equal(ot_reader_offset(&r), 1);
  ot_writer w;
  uint8_t buf[4];
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_write_u8(&w, 1));
  assert_ot_code(ot_write_zeros(&w, SIZE_MAX), OT_E_NO_SPACE);
  assert_int_equal(ot_writer_len(&w), 1);
}

static void zeros_checks_reserved(void **state) {
  (void)state;
  static const uint8_t z[] = {0, 0, 1};
  ot_reader r;
  ot_reader_init(&r, z, sizeof z);
  assert_ot_ok(ot_read_zeros(&r, 2));
  ot_reader_init(&r, z, sizeof z);
  assert_ot_code(ot_read_zeros(&r, 3), OT_E_RESERVED);
  assert_int_equal(ot_reader_offset(&r), 0);
}

static void empty_and_null_spans(void **state) {
  (void)state;
  ot_reader r;
  ot_reader_init(&r, NULL, 0);
  assert_ot_ok(ot_reader_finish(&r));
  uint8_t b;
  assert_ot_code(ot_read_u8(&r, &b), OT_E_TRUNCATED);
  ot_writer w;
  ot_writer_init(&w, NULL, 0);
  assert_ot_code(ot_write_u8(&w, 1), OT_E_NO_SPACE);
}

static void writes_every_width(void **state) {
  (void)state;
  uint8_t buf[64];
  ot_writer w;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_write_u8(&w, 0x01));
  assert_ot_ok(ot_write_u16le(&w, 0x0302));
  assert_ot_ok(ot_write_u16be(&w, 0x0405));
  assert_ot_ok(ot_write_u24le(&w, 0x080706));
  assert_ot_ok(ot_write_u24be(&w, 0x090a0b));
  assert_ot_ok(ot_write_u32le(&w, 0x0f0e0d0c));
  assert_ot_ok(ot_write_u32be(&w, 0x10111213));
  assert_ot_ok(ot_write_u64le(&w, 0x1b1a191817161514ull));
  assert_ot_ok(ot_write_u64be(&w, 0x1c1d1e1f20212223ull));
  uint8_t src[2] = {0x24, 0x25};
  assert_ot_ok(ot_write_bytes(&w, src, 2));
  assert_int_equal(ot_writer_len(&w), 0x25);
  for (size_t i = 0; i < ot_writer_len(&w); i++)
    assert_int_equal(buf[i], i + 1);
  assert_ot_code(ot_write_u24le(&w, 0x1000000), OT_E_ARG);
}

static void writer_overflow_is_sticky(void **state) {
  (void)state;
  uint8_t buf[5] = {0};
  ot_writer w;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_write_u32le(&w, 0xdeadbeef));
  assert_ot_code(ot_write_u16le(&w, 0xffff), OT_E_NO_SPACE);
  assert_int_equal(ot_writer_len(&w), 4);
  assert_int_equal(buf[4], 0); /* nothing partially written */
  assert_ot_code(ot_write_u8(&w, 1), OT_E_NO_SPACE);
  assert_ot_code(ot_writer_status(&w), OT_E_NO_SPACE);
}

static void reserve_then_patch(void **state) {
  (void)state;
  uint8_t buf[16];
  ot_writer w;
  ot_writer_init(&w, buf, sizeof buf);
  size_t len_slot, tag_slot;
  assert_ot_ok(ot_write_u8(&w, 0xee));
  assert_ot_ok(ot_write_reserve(&w, 2, &len_slot));
  assert_ot_ok(ot_write_reserve(&w, 3, &tag_slot));
  assert_ot_ok(ot_write_u32le(&w, 0x11223344));
  assert_ot_ok(ot_write_patch_u16le(&w, len_slot, (uint16_t)ot_writer_len(&w)));
  assert_ot_ok(ot_write_patch_u24le(&w, tag_slot, 0xabcdef));
  static const uint8_t want[] = {0xee, 10, 0, 0xef, 0xcd, 0xab, 0x44, 0x33, 0x22, 0x11};
  assert_int_equal(ot_writer_len(&w), sizeof want);
  assert_memory_equal(buf, want, sizeof want);
  /* A patch beyond what was written is refused. */
  assert_ot_code(ot_write_patch_u32le(&w, 8, 0), OT_E_ARG);
  assert_ot_code(ot_write_patch_u8(&w, 10, 0), OT_E_ARG);
  assert_ot_code(ot_write_patch_u32be(&w, SIZE_MAX, 0), OT_E_ARG);
  uint8_t *claim;
  assert_ot_ok(ot_write_claim(&w, 6, &claim));
  assert_ptr_equal(claim, buf + 10);
  assert_ot_code(ot_write_claim(&w, 1, &claim), OT_E_NO_SPACE);
}

static void load_store_helpers(void **state) {
  (void)state;
  uint8_t b[8];
  ot_store_u64le(b, 0x0807060504030201ull);
  assert_int_equal(ot_load_u64le(b), 0x0807060504030201ull);
  assert_int_equal(ot_load_u32le(b), 0x04030201);
  assert_int_equal(ot_load_u16le(b), 0x0201);
  ot_store_u32be(b, 0x01020304);
  assert_int_equal(ot_load_u32be(b), 0x01020304);
  assert_int_equal(b[0], 1);
  ot_store_u64be(b, 0x0102030405060708ull);
  assert_int_equal(b[7], 8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reads_every_width_both_orders),
      cmocka_unit_test(short_reads_fail_without_moving),
      cmocka_unit_test(failure_is_sticky),
      cmocka_unit_test(bytes_skip_borrow_sub),
      cmocka_unit_test(huge_lengths_do_not_wrap),
      cmocka_unit_test(zeros_checks_reserved),
      cmocka_unit_test(empty_and_null_spans),
      cmocka_unit_test(writes_every_width),
      cmocka_unit_test(writer_overflow_is_sticky),
      cmocka_unit_test(reserve_then_patch),
      cmocka_unit_test(load_store_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
