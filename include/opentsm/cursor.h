/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bounds-checked cursors over byte spans: every byte opentsm parses or builds
 * passes through one of these. No struct is ever laid over wire bytes.
 * @layer base
 *
 * ot_reader reads from a caller-owned, read-only span; ot_writer appends into a
 * caller-owned buffer. Neither allocates nor copies the span.
 *
 * Failure rules (the same for every function here):
 *  - a read or write that does not fit fails with OT_E_TRUNCATED (reader) or
 *    OT_E_NO_SPACE (writer) and does not move the cursor;
 *  - the first failure is sticky: every later call on the same cursor fails with
 *    the same status until the cursor is initialised again, so a sequence of
 *    reads can be checked once at the end with ot_reader_status();
 *  - outputs are written only on success.
 *
 * Integers: "le" = little-endian (SPDM, DOE, IDE_KM, TDISP), "be" = big-endian
 * (socket framing, ECC coordinates, TLP headers).
 */
#ifndef OPENTSM_CURSOR_H
#define OPENTSM_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "opentsm/status.h"

typedef struct ot_reader {
  const uint8_t *data; /* borrowed span */
  size_t len;          /* span length */
  size_t off;          /* bytes consumed */
  ot_status err;       /* first failure, OT_OK while healthy */
} ot_reader;

typedef struct ot_writer {
  uint8_t *data; /* borrowed buffer */
  size_t cap;    /* buffer capacity */
  size_t len;    /* bytes written */
  ot_status err; /* first failure, OT_OK while healthy */
} ot_writer;

/* ---- reader ---------------------------------------------------------------- */

/* Starts reading `len` bytes at `data` (data may be NULL only if len is 0). */
void ot_reader_init(ot_reader *r, const uint8_t *data, size_t len);

static inline size_t ot_reader_remaining(const ot_reader *r) { return r->len - r->off; }
static inline size_t ot_reader_offset(const ot_reader *r) { return r->off; }
/* OT_OK, or the first failure of any earlier call. */
static inline ot_status ot_reader_status(const ot_reader *r) { return r->err; }

OT_RESULT ot_read_u8(ot_reader *r, uint8_t *out);
OT_RESULT ot_read_u16le(ot_reader *r, uint16_t *out);
OT_RESULT ot_read_u16be(ot_reader *r, uint16_t *out);
OT_RESULT ot_read_u24le(ot_reader *r, uint32_t *out);
OT_RESULT ot_read_u24be(ot_reader *r, uint32_t *out);
OT_RESULT ot_read_u32le(ot_reader *r, uint32_t *out);
OT_RESULT ot_read_u32be(ot_reader *r, uint32_t *out);
OT_RESULT ot_read_u64le(ot_reader *r, uint64_t *out);
OT_RESULT ot_read_u64be(ot_reader *r, uint64_t *out);

/* Copies the next n bytes into out. */
OT_RESULT ot_read_bytes(ot_reader *r, uint8_t *out, size_t n);
/* Skips n bytes. */
OT_RESULT ot_read_skip(ot_reader *r, size_t n);
/* Skips n bytes that must all be zero (reserved fields); OT_E_RESERVED otherwise. */
OT_RESULT ot_read_zeros(ot_reader *r, size_t n);
/*
 * Returns in *out a pointer to the next n bytes inside the span, after the
 * bounds check, and consumes them. The pointer lives as long as the span.
 */
OT_RESULT ot_read_borrow(ot_reader *r, size_t n, const uint8_t **out);
/*
 * ot_reader_init(r, data, len) then ot_read_borrow(r, n, out), inline: the
 * same bounds check, reader state and result, without two calls, for the
 * decoders that run once per packet.
 */
static inline OT_RESULT ot_reader_init_borrow(ot_reader *r, const uint8_t *data, size_t len,
                                              size_t n, const uint8_t **out) {
  r->data = data;
  r->len = data ? len : 0;
  r->off = 0;
  r->err = OT_SUCCESS;
  if (n > r->len) {
    r->err = ot_status_of(OT_E_TRUNCATED);
    return r->err;
  }
  *out = data;
  r->off = n;
  return OT_SUCCESS;
}
/* Consumes the next n bytes and initialises *sub as a reader over them only. */
OT_RESULT ot_read_sub(ot_reader *r, size_t n, ot_reader *sub);
/* Succeeds only if everything was consumed without error (OT_E_TRAILING otherwise). */
OT_RESULT ot_reader_finish(const ot_reader *r);

/* ---- writer ---------------------------------------------------------------- */

/* Starts writing into buf[0..cap) (buf may be NULL only if cap is 0). */
void ot_writer_init(ot_writer *w, uint8_t *buf, size_t cap);

static inline size_t ot_writer_len(const ot_writer *w) { return w->len; }
static inline size_t ot_writer_space(const ot_writer *w) { return w->cap - w->len; }
static inline ot_status ot_writer_status(const ot_writer *w) { return w->err; }

OT_RESULT ot_write_u8(ot_writer *w, uint8_t v);
OT_RESULT ot_write_u16le(ot_writer *w, uint16_t v);
OT_RESULT ot_write_u16be(ot_writer *w, uint16_t v);
OT_RESULT ot_write_u24le(ot_writer *w, uint32_t v); /* v must fit 24 bits: OT_E_ARG */
OT_RESULT ot_write_u24be(ot_writer *w, uint32_t v);
OT_RESULT ot_write_u32le(ot_writer *w, uint32_t v);
OT_RESULT ot_write_u32be(ot_writer *w, uint32_t v);
OT_RESULT ot_write_u64le(ot_writer *w, uint64_t v);
OT_RESULT ot_write_u64be(ot_writer *w, uint64_t v);
OT_RESULT ot_write_bytes(ot_writer *w, const uint8_t *src, size_t n);
OT_RESULT ot_write_zeros(ot_writer *w, size_t n);

/*
 * Reserve-then-fill, for length fields and anything computed after the bytes
 * that follow it: ot_write_reserve() claims n bytes (zeroed) and returns their
 * offset; the ot_write_patch_* calls fill such a slot later. A patch outside
 * the written bytes fails with OT_E_ARG.
 */
OT_RESULT ot_write_reserve(ot_writer *w, size_t n, size_t *slot);
/* Claims n bytes and returns a pointer to fill them directly (e.g. ciphertext). */
OT_RESULT ot_write_claim(ot_writer *w, size_t n, uint8_t **out);
OT_RESULT ot_write_patch_u8(ot_writer *w, size_t slot, uint8_t v);
OT_RESULT ot_write_patch_u16le(ot_writer *w, size_t slot, uint16_t v);
OT_RESULT ot_write_patch_u24le(ot_writer *w, size_t slot, uint32_t v);
OT_RESULT ot_write_patch_u32le(ot_writer *w, size_t slot, uint32_t v);
OT_RESULT ot_write_patch_u32be(ot_writer *w, size_t slot, uint32_t v);

/* ---- plain endian helpers (for fixed arrays already bounds-checked) --------- */

static inline uint16_t ot_load_u16le(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t ot_load_u32le(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint32_t ot_load_u32be(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}
static inline uint64_t ot_load_u64le(const uint8_t *p) {
  return (uint64_t)ot_load_u32le(p) | ((uint64_t)ot_load_u32le(p + 4) << 32);
}
static inline void ot_store_u16le(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static inline void ot_store_u32le(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static inline void ot_store_u32be(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (24 - 8 * i));
}
static inline void ot_store_u64le(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static inline void ot_store_u64be(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (56 - 8 * i));
}

#endif /* OPENTSM_CURSOR_H */
