/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checks shared by the SPDM codec tests (test_codec_*.c); test code only.
 * Every message test builds a struct, encodes it, and hands the bytes to
 * cc_check_message(), which runs the same battery on each: decode by code and
 * re-encode to the same bytes, every strict prefix rejected as truncated, a
 * trailing byte rejected, a wrong SPDMVersion rejected, and the exact length
 * recovered from each DOE padding (0..3 bytes).
 */
#ifndef OT_TEST_SPDM_CODEC_CHECK_H
#define OT_TEST_SPDM_CODEC_CHECK_H

#include <string.h>

#include "opentsm/spdm_codec.h"
#include "testsupport.h"

#define CC_BUF 4096

/* The negotiated sizes of the two recorded flows. */
static inline ot_spdm_sizes cc_sizes12(void) {
  ot_spdm_sizes s = {.version = OT_SPDM_VERSION_12,
                     .hash_len = 48,
                     .sig_len = 96,
                     .req_sig_len = 384,
                     .dhe_len = 96,
                     .meas_summary_hash = true,
                     .meas_signature = true,
                     .handshake_in_clear = false};
  return s;
}
static inline ot_spdm_sizes cc_sizes13(void) {
  ot_spdm_sizes s = {.version = OT_SPDM_VERSION_13,
                     .hash_len = 32,
                     .sig_len = 64,
                     .req_sig_len = 256,
                     .dhe_len = 64,
                     .meas_summary_hash = true,
                     .meas_signature = true,
                     .handshake_in_clear = false,
                     .multi_key_conn = true};
  return s;
}

/* Decodes one message by its code (request or response) from exactly len bytes. */
static inline ot_status cc_decode_any(const ot_spdm_sizes *sz, const uint8_t *buf, size_t len) {
  ot_reader r;
  ot_reader_init(&r, buf, len);
  if (len >= 2 && OT_SPDM_CODE_IS_REQUEST(buf[1])) {
    ot_spdm_request q;
    return ot_spdm_decode_request(sz, &r, &q);
  }
  ot_spdm_response p;
  return ot_spdm_decode_response(sz, &r, &p);
}

/* Decodes by code and re-encodes: must give the same bytes. */
static inline void cc_roundtrip_any(const ot_spdm_sizes *sz, const uint8_t *buf, size_t len) {
  uint8_t out[CC_BUF + 64];
  ot_reader r;
  ot_writer w;
  ot_reader_init(&r, buf, len);
  ot_writer_init(&w, out, sizeof out);
  if (OT_SPDM_CODE_IS_REQUEST(buf[1])) {
    ot_spdm_request q;
    assert_ot_ok(ot_spdm_decode_request(sz, &r, &q));
    assert_ot_ok(ot_spdm_encode_request(sz, &w, &q));
  } else {
    ot_spdm_response p;
    assert_ot_ok(ot_spdm_decode_response(sz, &r, &p));
    assert_ot_ok(ot_spdm_encode_response(sz, &w, &p));
  }
  assert_int_equal(ot_writer_len(&w), len);
  assert_memory_equal(out, buf, len);
}

/* The battery, with `tail` set for messages that end in free-form bytes (ERROR
 * vendor data, CHUNK_SEND_ACK response): for those, prefixes from min_len on and
 * longer buffers are valid messages too, so only shorter prefixes are checked
 * and the length finder is only asked about the unpadded message. */
static inline void cc_check_battery(const ot_spdm_sizes *sz, const uint8_t *msg, size_t len,
                                    size_t min_len, bool tail) {
  uint8_t buf[CC_BUF + 8];
  assert_true(len + 4 <= sizeof buf);
  cc_roundtrip_any(sz, msg, len);
  for (size_t n = 0; n < min_len; n++) {
    ot_status st = cc_decode_any(sz, msg, n);
    if (!ot_is(st, OT_E_TRUNCATED))
      fail_msg("prefix %zu of %zu: got %s, want OT_E_TRUNCATED", n, len, ot_status_name(st));
  }
  memcpy(buf, msg, len);
  memset(buf + len, 0, 4);
  if (!tail) assert_ot_code(cc_decode_any(sz, buf, len + 1), OT_E_TRAILING);
  for (size_t pad = 0; pad < (tail ? 1u : 4u); pad++) {
    size_t exact = 0;
    assert_ot_ok(ot_spdm_message_length(sz, buf, len + pad, &exact));
    assert_int_equal(exact, len);
  }
  if (!tail) {
    size_t exact;
    assert_ot_code(ot_spdm_message_length(sz, buf, len + 4, &exact), OT_E_TRAILING);
  }
  buf[0] ^= 0x01; /* 0x12 <-> 0x13, 0x10 -> 0x11 */
  assert_ot_code(cc_decode_any(sz, buf, len), OT_E_VERSION);
}

static inline void cc_check_message_min(const ot_spdm_sizes *sz, const uint8_t *msg, size_t len,
                                        size_t min_len) {
  cc_check_battery(sz, msg, len, min_len, true);
}

static inline void cc_check_message(const ot_spdm_sizes *sz, const uint8_t *msg, size_t len) {
  cc_check_battery(sz, msg, len, len, false);
}

/* Starts a writer over a test buffer. */
#define CC_WRITER(w, buf)                                                                          \
  uint8_t buf[CC_BUF];                                                                             \
  ot_writer w;                                                                                     \
  ot_writer_init(&w, buf, sizeof buf)

/* A reader over exactly len bytes of buf. */
static inline ot_reader cc_reader(const uint8_t *buf, size_t len) {
  ot_reader r;
  ot_reader_init(&r, buf, len);
  return r;
}

/* Fills n bytes with a recognisable pattern starting at seed. */
static inline void cc_fill(uint8_t *p, size_t n, uint8_t seed) {
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(seed + i);
}

#endif
