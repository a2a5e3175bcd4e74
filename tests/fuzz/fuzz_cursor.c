/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Property fuzzer for the cursor: the input is both a script of operations and
 * the span they run over. Checks the rules of opentsm/cursor.h: a failure never
 * moves the cursor, the first failure is sticky, the offset never passes the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  size_t nops = data[0] % 32;
  if (size - 1 < nops * 2) return 0;
  const uint8_t *ops = data + 1;
  const uint8_t *span = data + 1 + nops * 2;
  size_t span_len = size - 1 - nops * 2;

  ot_reader r;
  ot_reader_init(&r, span, span_len);
  uint8_t wbuf[64];
  ot_writer w;
  ot_writer_init(&w, wbuf, (size_t)(data[0] >> 5) * 9); /* 0..63 of 64 */
  bool failed = false;
  for (size_t i = 0; i < nops; i++) {
    size_t before = ot_reader_offset(&r);
    size_t wbefore = ot_writer_len(&w);
    size_t n = ops[2 * i + 1];
    uint8_t tmp[256];
    uint64_t v64;
    uint32_t v32;
    uint16_t v16;
    uint8_t v8;
    const uint8_t *p;
    ot_reader sub;
    size_t slot;
    ot_status st;
    switch (ops[2 * i] % 12) {
    case 0: st = ot_read_u8(&r, &v8); break;
    case 1: st = ot_read_u16le(&r, &v16); break;
    case 2: st = ot_read_u24be(&r, &v32); break;
    case 3: st = ot_read_u32le(&r, &v32); break;
    case 4: st = ot_read_u64be(&r, &v64); break;
    case 5: st = ot_read_bytes(&r, tmp, n); break;
    case 6: st = ot_read_borrow(&r, n, &p); if (ot_ok(st) && n) v8 = p[n - 1]; break;
    case 7: st = ot_read_zeros(&r, n % 8); break;
    case 8: st = ot_read_sub(&r, n, &sub); if (ot_ok(st) && ot_reader_remaining(&sub) != n) abort(); break;
    case 9: st = ot_write_bytes(&w, span, n < span_len ? n : span_len); break;
    case 10: st = ot_write_reserve(&w, n % 8, &slot);
      if (ot_ok(st) && n % 8 >= 2 && !ot_ok(ot_write_patch_u16le(&w, slot, 0xffff))) abort();
      break;
    default: st = ot_write_u32be(&w, (uint32_t)n); break;
    }
    bool is_write = ops[2 * i] % 12 >= 9;
    if (!ot_ok(st)) {
      if (is_write ? ot_writer_len(&w) != wbefore : ot_reader_offset(&r) != before) abort();
      if (!is_write) failed = true;
    }
    if (failed && ot_ok(ot_reader_status(&r))) abort(); /* sticky */
    if (ot_reader_offset(&r) > span_len || ot_writer_len(&w) > w.cap) abort();
  }
  return 0;
}
