/* SPDX-License-Identifier: BSD-3-Clause */
/* Bounds-checked reader and writer cursors: see opentsm/cursor.h. */
#include "opentsm/cursor.h"

#include <string.h>

/* ---- reader ---------------------------------------------------------------- */

void ot_reader_init(ot_reader *r, const uint8_t *data, size_t len) {
  r->data = data;
  r->len = data ? len : 0;
  r->off = 0;
  r->err = OT_SUCCESS;
}

/* Checks that n more bytes exist; records the first failure. */
static ot_status reader_need(ot_reader *r, size_t n) {
  if (!ot_ok(r->err)) return r->err;
  if (n > r->len - r->off) {
    r->err = ot_status_of(OT_E_TRUNCATED);
    return r->err;
  }
  return OT_SUCCESS;
}

/* Reads an unsigned big- or little-endian integer of `width` bytes. */
static ot_status read_uint(ot_reader *r, size_t width, int big_endian, uint64_t *out) {
  OT_GUARD(reader_need(r, width));
  const uint8_t *p = r->data + r->off;
  uint64_t v = 0;
  for (size_t i = 0; i < width; i++) {
    size_t idx = big_endian ? i : width - 1 - i;
    v = (v << 8) | p[idx];
  }
  r->off += width;
  *out = v;
  return OT_SUCCESS;
}

#define OT_DEFINE_READ(name, type, width, be)                                                      \
  ot_status name(ot_reader *r, type *out) {                                                        \
    uint64_t v;                                                                                    \
    OT_GUARD(read_uint(r, width, be, &v));                                                         \
    *out = (type)v;                                                                                \
    return OT_SUCCESS;                                                                             \
  }

OT_DEFINE_READ(ot_read_u8, uint8_t, 1, 0)
OT_DEFINE_READ(ot_read_u16le, uint16_t, 2, 0)
OT_DEFINE_READ(ot_read_u16be, uint16_t, 2, 1)
OT_DEFINE_READ(ot_read_u24le, uint32_t, 3, 0)
OT_DEFINE_READ(ot_read_u24be, uint32_t, 3, 1)
OT_DEFINE_READ(ot_read_u32le, uint32_t, 4, 0)
OT_DEFINE_READ(ot_read_u32be, uint32_t, 4, 1)
OT_DEFINE_READ(ot_read_u64le, uint64_t, 8, 0)
OT_DEFINE_READ(ot_read_u64be, uint64_t, 8, 1)

ot_status ot_read_borrow(ot_reader *r, size_t n, const uint8_t **out) {
  OT_GUARD(reader_need(r, n));
  *out = r->data + r->off;
  r->off += n;
  return OT_SUCCESS;
}

ot_status ot_read_bytes(ot_reader *r, uint8_t *out, size_t n) {
  const uint8_t *p;
  OT_GUARD(ot_read_borrow(r, n, &p));
  if (n) memcpy(out, p, n);
  return OT_SUCCESS;
}

ot_status ot_read_skip(ot_reader *r, size_t n) {
  const uint8_t *p;
  return ot_read_borrow(r, n, &p);
}

ot_status ot_read_zeros(ot_reader *r, size_t n) {
  OT_GUARD(reader_need(r, n));
  const uint8_t *p = r->data + r->off;
  for (size_t i = 0; i < n; i++) {
    if (p[i] != 0) {
      r->err = ot_status_of(OT_E_RESERVED);
      return r->err;
    }
  }
  r->off += n;
  return OT_SUCCESS;
}

ot_status ot_read_sub(ot_reader *r, size_t n, ot_reader *sub) {
  const uint8_t *p;
  OT_GUARD(ot_read_borrow(r, n, &p));
  ot_reader_init(sub, p, n);
  return OT_SUCCESS;
}

ot_status ot_reader_finish(const ot_reader *r) {
  OT_GUARD(r->err);
  OT_ENSURE(r->off == r->len, OT_E_TRAILING);
  return OT_SUCCESS;
}

/* ---- writer ---------------------------------------------------------------- */

void ot_writer_init(ot_writer *w, uint8_t *buf, size_t cap) {
  w->data = buf;
  w->cap = buf ? cap : 0;
  w->len = 0;
  w->err = OT_SUCCESS;
}

static ot_status writer_need(ot_writer *w, size_t n) {
  if (!ot_ok(w->err)) return w->err;
  if (n > w->cap - w->len) {
    w->err = ot_status_of(OT_E_NO_SPACE);
    return w->err;
  }
  return OT_SUCCESS;
}

static void put_uint(uint8_t *p, size_t width, int big_endian, uint64_t v) {
  for (size_t i = 0; i < width; i++) {
    size_t idx = big_endian ? width - 1 - i : i;
    p[idx] = (uint8_t)(v >> (8 * i));
  }
}

static ot_status write_uint(ot_writer *w, size_t width, int big_endian, uint64_t v) {
  OT_GUARD(writer_need(w, width));
  put_uint(w->data + w->len, width, big_endian, v);
  w->len += width;
  return OT_SUCCESS;
}

ot_status ot_write_u8(ot_writer *w, uint8_t v) { return write_uint(w, 1, 0, v); }
ot_status ot_write_u16le(ot_writer *w, uint16_t v) { return write_uint(w, 2, 0, v); }
ot_status ot_write_u16be(ot_writer *w, uint16_t v) { return write_uint(w, 2, 1, v); }
ot_status ot_write_u32le(ot_writer *w, uint32_t v) { return write_uint(w, 4, 0, v); }
ot_status ot_write_u32be(ot_writer *w, uint32_t v) { return write_uint(w, 4, 1, v); }
ot_status ot_write_u64le(ot_writer *w, uint64_t v) { return write_uint(w, 8, 0, v); }
ot_status ot_write_u64be(ot_writer *w, uint64_t v) { return write_uint(w, 8, 1, v); }

/* A value that does not fit is the caller's bug; it is not sticky. */
ot_status ot_write_u24le(ot_writer *w, uint32_t v) {
  OT_ENSURE(v <= 0xffffffu, OT_E_ARG);
  return write_uint(w, 3, 0, v);
}
ot_status ot_write_u24be(ot_writer *w, uint32_t v) {
  OT_ENSURE(v <= 0xffffffu, OT_E_ARG);
  return write_uint(w, 3, 1, v);
}

ot_status ot_write_claim(ot_writer *w, size_t n, uint8_t **out) {
  OT_GUARD(writer_need(w, n));
  *out = w->data + w->len;
  w->len += n;
  return OT_SUCCESS;
}

ot_status ot_write_bytes(ot_writer *w, const uint8_t *src, size_t n) {
  uint8_t *p;
  OT_GUARD(ot_write_claim(w, n, &p));
  if (n) memmove(p, src, n);
  return OT_SUCCESS;
}

ot_status ot_write_zeros(ot_writer *w, size_t n) {
  uint8_t *p;
  OT_GUARD(ot_write_claim(w, n, &p));
  if (n) memset(p, 0, n);
  return OT_SUCCESS;
}

ot_status ot_write_reserve(ot_writer *w, size_t n, size_t *slot) {
  size_t at = w->len;
  OT_GUARD(ot_write_zeros(w, n));
  *slot = at;
  return OT_SUCCESS;
}

static ot_status patch_uint(ot_writer *w, size_t slot, size_t width, int be, uint64_t v) {
  OT_GUARD(w->err);
  OT_ENSURE(slot <= w->len && width <= w->len - slot, OT_E_ARG);
  put_uint(w->data + slot, width, be, v);
  return OT_SUCCESS;
}

ot_status ot_write_patch_u8(ot_writer *w, size_t slot, uint8_t v) {
  return patch_uint(w, slot, 1, 0, v);
}
ot_status ot_write_patch_u16le(ot_writer *w, size_t slot, uint16_t v) {
  return patch_uint(w, slot, 2, 0, v);
}
ot_status ot_write_patch_u24le(ot_writer *w, size_t slot, uint32_t v) {
  OT_ENSURE(v <= 0xffffffu, OT_E_ARG);
  return patch_uint(w, slot, 3, 0, v);
}
ot_status ot_write_patch_u32le(ot_writer *w, size_t slot, uint32_t v) {
  return patch_uint(w, slot, 4, 0, v);
}
ot_status ot_write_patch_u32be(ot_writer *w, size_t slot, uint32_t v) {
  return patch_uint(w, slot, 4, 1, v);
}
