/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Secured messages over PCI DOE (DSP0277; SPEC-FACTS §3): record layout,
 * AES-256-GCM / ChaCha20-Poly1305 / MAC-only, the sequence-number boundary
 * table, every way a record can be wrong (each ends the session and delivers
 * nothing), and KEY_UPDATE switching between a requester and a responder.
 * The known answers against recorded traffic are in
 * tests/e2e/test_spdm_recorded_sessions.c.
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/secure.h"
#include "opentsm/spdm_session.h"
#include "testsupport.h"

#define ID 0xfffeffffu /* req 0xffff, rsp 0xfffe */
#define H 48u

static const uint8_t dhe[48] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
                                0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01, 0x02, 0x03, 0x04, 0x05};
static const uint8_t th1[H] = {0xa1, 0xa2, 0xa3};
static const uint8_t th2[H] = {0xb1, 0xb2, 0xb3};
static const uint8_t msg[] = {0x12, 0xe8, 0x00, 0x00}; /* HEARTBEAT */
static const uint8_t vdm[] = {0x12, 0xfe, 0x00, 0x00, 0x03, 0x00, 0x02,
                              0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01}; /* an IDE_KM QUERY */

typedef struct pair {
  ot_spdm_session req, rsp;
} pair;

static ot_spdm_session_params params(ot_aead_alg aead, bool mac_only, uint8_t limit) {
  ot_spdm_session_params p = {.spdm_version = OT_SPDM_VERSION_12,
                              .hash = OT_HASH_SHA384,
                              .aead = aead,
                              .mac_only = mac_only,
                              .sm_version = OT_SPDM_SM_VERSION_12,
                              .aead_limit_exponent = limit};
  return p;
}

static void establish(pair *p, const ot_spdm_session_params *prm) {
  assert_ot_ok(ot_spdm_session_init(&p->req, OT_SPDM_ROLE_REQUESTER, ID, prm));
  assert_ot_ok(ot_spdm_session_init(&p->rsp, OT_SPDM_ROLE_RESPONDER, ID, prm));
  assert_ot_ok(ot_spdm_session_derive_handshake(&p->req, dhe, sizeof dhe, th1, H));
  assert_ot_ok(ot_spdm_session_derive_handshake(&p->rsp, dhe, sizeof dhe, th1, H));
  assert_ot_ok(ot_spdm_session_derive_data(&p->req, th2, H));
  assert_ot_ok(ot_spdm_session_derive_data(&p->rsp, th2, H));
}

static void establish_gcm(pair *p) {
  ot_spdm_session_params prm = params(OT_AEAD_AES256_GCM, false, 0);
  establish(p, &prm);
}

static void teardown(pair *p) {
  ot_spdm_session_teardown(&p->req);
  ot_spdm_session_teardown(&p->rsp);
}

/* Seals m with `from` and opens it with `to`; the message must come back. */
static void roundtrip(ot_spdm_session *from, ot_spdm_session *to, const uint8_t *m, size_t n) {
  uint8_t rec[256], out[256];
  size_t rec_len, out_len;
  assert_ot_ok(ot_spdm_secured_encode(from, m, n, rec, sizeof rec, &rec_len));
  assert_ot_ok(ot_spdm_secured_decode(to, rec, rec_len, out, sizeof out, &out_len));
  assert_int_equal(out_len, n);
  assert_memory_equal(out, m, n);
}

/* The decode failed: session FAILED with keys gone, nothing delivered. */
static void assert_rejected(ot_spdm_session *s, const uint8_t *out, size_t cap) {
  static const ot_spdm_session_secrets zero;
  assert_true(ot_spdm_session_failed(s));
  for (size_t i = 0; i < cap; i++)
    assert_int_equal(out[i], 0);
  assert_memory_equal(&s->sec, &zero, sizeof zero);
  uint8_t rec[64];
  size_t n;
  assert_ot_code(ot_spdm_secured_encode(s, msg, sizeof msg, rec, sizeof rec, &n), OT_E_FAILED);
}

/* ---- layout and algorithms ---------------------------------------------------- */

static void record_layout_is_dsp0277_over_doe(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  uint8_t rec[64];
  size_t n;
  assert_ot_ok(ot_spdm_secured_encode(&p.req, msg, sizeof msg, rec, sizeof rec, &n));
  /* SessionID LE (req 0xffff in bytes 0-1, rsp 0xfffe in 2-3), Length = 2 + 4 + 16. */
  static const uint8_t hdr[] = {0xff, 0xff, 0xfe, 0xff, 22, 0};
  assert_int_equal(n, sizeof msg + OT_SPDM_SECURED_OVERHEAD);
  assert_memory_equal(rec, hdr, sizeof hdr);
  uint32_t id;
  assert_ot_ok(ot_spdm_secured_session_id(rec, n, &id));
  assert_int_equal(id, ot_spdm_session_id_make(0xffff, 0xfffe));
  assert_int_equal(id, ID);
  /* The message is not visible: it is encrypted. */
  assert_memory_not_equal(rec + 8, msg, sizeof msg);
  teardown(&p);
}

static void gcm_roundtrips_both_directions(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  for (int i = 0; i < 3; i++) {
    roundtrip(&p.req, &p.rsp, vdm, sizeof vdm);
    roundtrip(&p.rsp, &p.req, msg, sizeof msg);
  }
  assert_int_equal(p.req.sec.cur[OT_SPDM_DIR_REQ].seq, 3);
  assert_int_equal(p.rsp.sec.cur[OT_SPDM_DIR_REQ].seq, 3);
  assert_int_equal(p.req.sec.cur[OT_SPDM_DIR_RSP].seq, 3);
  teardown(&p);
}

static void chacha20_poly1305_roundtrips(void **state) {
  (void)state;
  pair p;
  ot_spdm_session_params prm = params(OT_AEAD_CHACHA20_POLY1305, false, 0);
  establish(&p, &prm);
  roundtrip(&p.req, &p.rsp, vdm, sizeof vdm);
  roundtrip(&p.rsp, &p.req, vdm, sizeof vdm);
  teardown(&p);
}

static void mac_only_carries_plaintext_and_authenticates(void **state) {
  (void)state;
  pair p;
  ot_spdm_session_params prm = params(OT_AEAD_AES256_GCM, true, 0);
  establish(&p, &prm);
  uint8_t rec[64], out[64];
  size_t n, out_len;
  assert_ot_ok(ot_spdm_secured_encode(&p.req, vdm, sizeof vdm, rec, sizeof rec, &n));
  /* SessionID || Length (= message + 16) || message || MAC. */
  assert_int_equal(n, 6 + sizeof vdm + 16);
  assert_int_equal(ot_load_u16le(rec + 4), sizeof vdm + 16);
  assert_memory_equal(rec + 6, vdm, sizeof vdm);
  assert_ot_ok(ot_spdm_secured_decode(&p.rsp, rec, n, out, sizeof out, &out_len));
  assert_int_equal(out_len, sizeof vdm);
  assert_memory_equal(out, vdm, sizeof vdm);
  /* The message is covered by the MAC. */
  assert_ot_ok(ot_spdm_secured_encode(&p.req, vdm, sizeof vdm, rec, sizeof rec, &n));
  rec[7] ^= 0x01;
  assert_ot_code(ot_spdm_secured_decode(&p.rsp, rec, n, out, sizeof out, &out_len), OT_E_DECRYPT);
  assert_rejected(&p.rsp, out, sizeof out);
  teardown(&p);
}

static void doe_padding_is_ignored(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  uint8_t rec[64] = {0}, out[64];
  size_t n, out_len;
  assert_ot_ok(ot_spdm_secured_encode(&p.req, vdm, sizeof vdm, rec, sizeof rec, &n));
  assert_ot_ok(ot_spdm_secured_decode(&p.rsp, rec, n + 3, out, sizeof out, &out_len));
  assert_int_equal(out_len, sizeof vdm);
  teardown(&p);
}

/* A sender may add random padding after the message (DSP0277); it is dropped. */
static void random_padding_is_accepted(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  ot_spdm_epoch *e = &p.req.sec.cur[OT_SPDM_DIR_REQ];
  uint8_t pt[2 + sizeof msg + 5] = {sizeof msg, 0};
  memcpy(pt + 2, msg, sizeof msg);
  memset(pt + 2 + sizeof msg, 0x5a, 5);
  uint8_t rec[64], out[64], nonce[12];
  size_t len = sizeof pt + 16, out_len;
  ot_store_u32le(rec, ID);
  ot_store_u16le(rec + 4, (uint16_t)len);
  memcpy(nonce, e->iv, 12); /* sequence 0: the salt itself */
  assert_ot_ok(
      ot_aead_seal(&e->aead, nonce, rec, 6, pt, sizeof pt, rec + 6, rec + 6 + sizeof pt, 16));
  assert_ot_ok(ot_spdm_secured_decode(&p.rsp, rec, 6 + len, out, sizeof out, &out_len));
  assert_int_equal(out_len, sizeof msg);
  assert_memory_equal(out, msg, sizeof msg);
  for (size_t i = out_len; i < sizeof pt; i++)
    assert_int_equal(out[i], 0); /* pad not left */
  teardown(&p);
}

/* ---- sequence numbers: one line per case ------------------------------------------------ */

typedef struct seq_case {
  uint8_t limit_exp; /* 0: the 64-bit counter */
  uint64_t seq;
  bool accepted;
} seq_case;

static const seq_case seq_cases[] = {
    {0, 0, true},           {0, 1, true},  {0, UINT64_MAX - 1, true},
    {0, UINT64_MAX, false}, /* never wraps: the last value is refused */
    {4, 0, true},           {4, 15, true}, {4, 16, false}, /* DSP0277 1.3 AEAD limit 2^4 records */
    {4, 17, false},
};

static void sequence_number_boundaries(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof seq_cases / sizeof seq_cases[0]; i++) {
    const seq_case *c = &seq_cases[i];
    pair p;
    ot_spdm_session_params prm = params(OT_AEAD_AES256_GCM, false, c->limit_exp);
    establish(&p, &prm);
    p.req.sec.cur[OT_SPDM_DIR_REQ].seq = c->seq;
    p.rsp.sec.cur[OT_SPDM_DIR_REQ].seq = c->seq;
    uint8_t rec[64], out[64];
    size_t n, out_len;
    ot_status st = ot_spdm_secured_encode(&p.req, msg, sizeof msg, rec, sizeof rec, &n);
    if (c->accepted) {
      assert_ot_ok(st);
      assert_ot_ok(ot_spdm_secured_decode(&p.rsp, rec, n, out, sizeof out, &out_len));
      assert_int_equal(p.req.sec.cur[OT_SPDM_DIR_REQ].seq, c->seq + 1);
      assert_int_equal(p.rsp.sec.cur[OT_SPDM_DIR_REQ].seq, c->seq + 1);
    } else {
      assert_ot_code(st, OT_E_TOO_LARGE);
      assert_false(ot_spdm_session_failed(&p.req)); /* the sender just may not send */
      assert_int_equal(ot_spdm_session_seq_remaining(&p.req, OT_SPDM_DIR_REQ), 0);
      /* A receiver at the limit refuses any record and ends the session. */
      p.req.sec.cur[OT_SPDM_DIR_REQ].seq = 0;
      assert_ot_ok(ot_spdm_secured_encode(&p.req, msg, sizeof msg, rec, sizeof rec, &n));
      assert_ot_code(ot_spdm_secured_decode(&p.rsp, rec, n, out, sizeof out, &out_len),
                     OT_E_TOO_LARGE);
      assert_rejected(&p.rsp, out, sizeof out);
    }
    teardown(&p);
  }
}

static void seq_remaining_counts_down(void **state) {
  (void)state;
  pair p;
  ot_spdm_session_params prm = params(OT_AEAD_AES256_GCM, false, 2);
  establish(&p, &prm);
  assert_int_equal(ot_spdm_session_seq_remaining(&p.req, OT_SPDM_DIR_REQ), 4);
  roundtrip(&p.req, &p.rsp, msg, sizeof msg);
  assert_int_equal(ot_spdm_session_seq_remaining(&p.req, OT_SPDM_DIR_REQ), 3);
  assert_int_equal(ot_spdm_session_seq_remaining(&p.rsp, OT_SPDM_DIR_REQ), 3);
  assert_int_equal(ot_spdm_session_seq_remaining(&p.req, OT_SPDM_DIR_RSP), 4);
  teardown(&p);
}

/* ---- negative: each ends the session, nothing delivered --------------------------------- */

/* Encodes one good record of vdm into rec (with room for 3 pad bytes after it). */
static size_t good_record(pair *p, uint8_t *rec, size_t cap) {
  size_t n;
  memset(rec, 0, cap);
  assert_ot_ok(ot_spdm_secured_encode(&p->req, vdm, sizeof vdm, rec, cap, &n));
  return n;
}

typedef struct bad_case {
  const char *what;
  size_t flip_at; /* byte to flip (SIZE_MAX: none) */
  long len_delta; /* change of the length passed to decode */
  ot_code want;
} bad_case;

enum { TAG_AT = 6 + 2 + sizeof(vdm) };
static const bad_case bad_cases[] = {
    {"tag bit", TAG_AT + 3, 0, OT_E_DECRYPT},
    {"last tag bit", TAG_AT + 15, 0, OT_E_DECRYPT},
    {"ciphertext bit (ApplicationDataLength)", 6, 0, OT_E_DECRYPT},
    {"ciphertext bit (message)", 10, 0, OT_E_DECRYPT},
    {"AAD bit: Length + 1 within DOE padding", 4, 3, OT_E_DECRYPT},
    {"AAD bit: session ID", 0, 0, OT_E_DECRYPT},
    {"AAD bit: RspSessionID", 3, 0, OT_E_DECRYPT},
    {"truncated by one byte", SIZE_MAX, -1, OT_E_TRUNCATED},
    {"truncated to the header", SIZE_MAX, -(long)(sizeof vdm + 18), OT_E_TRUNCATED},
    {"truncated below the header", SIZE_MAX, -(long)(sizeof vdm + 20), OT_E_TRUNCATED},
    {"four bytes after Length", SIZE_MAX, 4, OT_E_TRAILING},
};

static void tampered_records_end_the_session(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const bad_case *c = &bad_cases[i];
    pair p;
    establish_gcm(&p);
    uint8_t rec[64], out[64];
    size_t n = good_record(&p, rec, sizeof rec), out_len = 0;
    if (c->flip_at != SIZE_MAX) rec[c->flip_at] ^= 0x01;
    memset(out, 0xaa, sizeof out);
    ot_status st = ot_spdm_secured_decode(&p.rsp, rec, (size_t)((long)n + c->len_delta), out,
                                          sizeof out, &out_len);
    if (st.code != c->want)
      fail_msg("%s: got %s, want %s", c->what, ot_status_name(st),
               ot_status_name(ot_status_of(c->want)));
    assert_rejected(&p.rsp, out, sizeof out);
    assert_int_equal(p.rsp.failure.code, c->want);
    teardown(&p);
  }
}

/* Length below ApplicationDataLength + MAC: malformed before any crypto. */
static void length_below_minimum_is_malformed(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  uint8_t rec[64], out[64];
  size_t out_len;
  ot_store_u32le(rec, ID);
  ot_store_u16le(rec + 4, 17);
  memset(rec + 6, 0, 17);
  assert_ot_code(ot_spdm_secured_decode(&p.rsp, rec, 23, out, sizeof out, &out_len),
                 OT_E_MALFORMED);
  assert_rejected(&p.rsp, out, sizeof out);
  teardown(&p);
}

/* The session ID is authenticated: a session under another ID with the same
 * keys still refuses the record (AAD = SessionID || Length). */
static void session_id_is_in_the_aad(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  uint8_t rec[64], out[64];
  size_t n = good_record(&p, rec, sizeof rec), out_len;
  rec[0] ^= 0x01;
  p.rsp.session_id ^= 0x01;
  assert_ot_code(ot_spdm_secured_decode(&p.rsp, rec, n, out, sizeof out, &out_len), OT_E_DECRYPT);
  assert_rejected(&p.rsp, out, sizeof out);
  teardown(&p);
}

static void replayed_record_is_refused(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  uint8_t rec[64], out[64];
  size_t n = good_record(&p, rec, sizeof rec), out_len;
  assert_ot_ok(ot_spdm_secured_decode(&p.rsp, rec, n, out, sizeof out, &out_len));
  assert_ot_code(ot_spdm_secured_decode(&p.rsp, rec, n, out, sizeof out, &out_len), OT_E_DECRYPT);
  assert_rejected(&p.rsp, out, sizeof out);
  teardown(&p);
}

static void reordered_records_are_refused(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  uint8_t r1[64], r2[64], out[64];
  size_t n1 = good_record(&p, r1, sizeof r1), n2 = good_record(&p, r2, sizeof r2), out_len;
  (void)n1;
  assert_ot_code(ot_spdm_secured_decode(&p.rsp, r2, n2, out, sizeof out, &out_len), OT_E_DECRYPT);
  assert_rejected(&p.rsp, out, sizeof out);
  teardown(&p);
}

/* ApplicationDataLength past the plaintext, in an authentic record. */
static void app_length_past_plaintext_is_malformed(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  ot_spdm_epoch *e = &p.req.sec.cur[OT_SPDM_DIR_REQ];
  uint8_t pt[2 + sizeof msg] = {sizeof msg + 1, 0};
  memcpy(pt + 2, msg, sizeof msg);
  uint8_t rec[64], out[64];
  size_t len = sizeof pt + 16, out_len;
  ot_store_u32le(rec, ID);
  ot_store_u16le(rec + 4, (uint16_t)len);
  assert_ot_ok(
      ot_aead_seal(&e->aead, e->iv, rec, 6, pt, sizeof pt, rec + 6, rec + 6 + sizeof pt, 16));
  assert_ot_code(ot_spdm_secured_decode(&p.rsp, rec, 6 + len, out, sizeof out, &out_len),
                 OT_E_MALFORMED);
  assert_rejected(&p.rsp, out, sizeof out);
  teardown(&p);
}

/* A too small output buffer is the caller's problem: nothing consumed. */
static void small_output_buffer_changes_nothing(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  uint8_t rec[64], out[64];
  size_t n = good_record(&p, rec, sizeof rec), out_len;
  assert_ot_code(ot_spdm_secured_decode(&p.rsp, rec, n, out, sizeof vdm + 1, &out_len),
                 OT_E_NO_SPACE);
  assert_false(ot_spdm_session_failed(&p.rsp));
  assert_int_equal(p.rsp.sec.cur[OT_SPDM_DIR_REQ].seq, 0);
  assert_ot_ok(ot_spdm_secured_decode(&p.rsp, rec, n, out, sizeof out, &out_len));
  assert_memory_equal(out, vdm, sizeof vdm);
  teardown(&p);
}

static void encode_refuses_what_does_not_fit(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  uint8_t rec[64];
  size_t n;
  assert_ot_code(ot_spdm_secured_encode(&p.req, vdm, sizeof vdm, rec, sizeof vdm + 23, &n),
                 OT_E_NO_SPACE);
  static uint8_t big[OT_SPDM_SECURED_MAX_MESSAGE + 1];
  static uint8_t big_rec[sizeof big + 64];
  assert_ot_code(ot_spdm_secured_encode(&p.req, big, sizeof big, big_rec, sizeof big_rec, &n),
                 OT_E_TOO_LARGE);
  assert_int_equal(p.req.sec.cur[OT_SPDM_DIR_REQ].seq, 0);
  /* The largest message fits a u16 Length exactly. */
  assert_ot_ok(ot_spdm_secured_encode(&p.req, big, sizeof big - 1, big_rec, sizeof big_rec, &n));
  assert_int_equal(ot_load_u16le(big_rec + 4), 0xffff);
  teardown(&p);
}

static void no_records_before_keys_or_in_the_clear(void **state) {
  (void)state;
  ot_spdm_session s;
  ot_spdm_session_params prm = params(OT_AEAD_AES256_GCM, false, 0);
  uint8_t rec[64], out[64];
  size_t n;
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &prm));
  assert_ot_code(ot_spdm_secured_encode(&s, msg, sizeof msg, rec, sizeof rec, &n), OT_E_STATE);
  ot_spdm_session_teardown(&s);

  prm.handshake_in_clear = true;
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_RESPONDER, ID, &prm));
  assert_ot_ok(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, H));
  assert_ot_code(ot_spdm_secured_encode(&s, msg, sizeof msg, rec, sizeof rec, &n), OT_E_STATE);
  memset(rec, 0, sizeof rec);
  assert_ot_code(ot_spdm_secured_decode(&s, rec, 30, out, sizeof out, &n), OT_E_STATE);
  assert_false(ot_spdm_session_failed(&s));
  assert_ot_ok(ot_spdm_session_derive_data(&s, th2, H));
  assert_ot_ok(ot_spdm_secured_encode(&s, msg, sizeof msg, rec, sizeof rec, &n));
  ot_spdm_session_teardown(&s);
}

/* Encrypted handshake: FINISH/FINISH_RSP travel under the handshake keys, then data keys. */
static void handshake_keys_then_data_keys(void **state) {
  (void)state;
  pair p;
  ot_spdm_session_params prm = params(OT_AEAD_AES256_GCM, false, 0);
  assert_ot_ok(ot_spdm_session_init(&p.req, OT_SPDM_ROLE_REQUESTER, ID, &prm));
  assert_ot_ok(ot_spdm_session_init(&p.rsp, OT_SPDM_ROLE_RESPONDER, ID, &prm));
  assert_ot_ok(ot_spdm_session_derive_handshake(&p.req, dhe, sizeof dhe, th1, H));
  assert_ot_ok(ot_spdm_session_derive_handshake(&p.rsp, dhe, sizeof dhe, th1, H));
  roundtrip(&p.req, &p.rsp, msg, sizeof msg); /* FINISH */
  roundtrip(&p.rsp, &p.req, msg, sizeof msg); /* FINISH_RSP */
  /* A handshake-key record does not open under the data keys. */
  uint8_t rec[64], out[64];
  size_t n, out_len;
  assert_ot_ok(ot_spdm_secured_encode(&p.req, msg, sizeof msg, rec, sizeof rec, &n));
  assert_ot_ok(ot_spdm_session_derive_data(&p.req, th2, H));
  assert_ot_ok(ot_spdm_session_derive_data(&p.rsp, th2, H));
  assert_int_equal(p.req.sec.cur[OT_SPDM_DIR_REQ].seq, 0); /* new keys, sequence 0 */
  assert_ot_code(ot_spdm_secured_decode(&p.rsp, rec, n, out, sizeof out, &out_len), OT_E_DECRYPT);
  teardown(&p);
}

/* ---- KEY_UPDATE switching ----------------------------------------------------------------- */

static void update_all_keys_in_switch_order(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  roundtrip(&p.req, &p.rsp, msg, sizeof msg);
  roundtrip(&p.rsp, &p.req, msg, sizeof msg);
  /* requester: derive both, send KEY_UPDATE under the old key */
  assert_ot_ok(ot_spdm_session_update_derive(&p.req, OT_SPDM_DIR_REQ));
  assert_ot_ok(ot_spdm_session_update_derive(&p.req, OT_SPDM_DIR_RSP));
  roundtrip(&p.req, &p.rsp, msg, sizeof msg);
  assert_ot_ok(ot_spdm_session_update_activate_rx(&p.req));
  /* responder: derive both, switch rx (with backup) and tx, ACK under the new key */
  assert_ot_ok(ot_spdm_session_update_derive(&p.rsp, OT_SPDM_DIR_REQ));
  assert_ot_ok(ot_spdm_session_update_derive(&p.rsp, OT_SPDM_DIR_RSP));
  assert_ot_ok(ot_spdm_session_update_activate_rx(&p.rsp));
  assert_ot_ok(ot_spdm_session_update_activate_tx(&p.rsp));
  assert_int_equal(p.rsp.sec.cur[OT_SPDM_DIR_RSP].seq, 0);
  roundtrip(&p.rsp, &p.req, msg, sizeof msg); /* ACK */
  assert_ot_ok(ot_spdm_session_update_activate_tx(&p.req));
  roundtrip(&p.req, &p.rsp, msg, sizeof msg); /* VerifyNewKey, new key, sequence 0 */
  assert_int_equal(p.rsp.rx_rollbacks, 0);
  assert_ot_ok(ot_spdm_session_update_commit(&p.rsp));
  roundtrip(&p.rsp, &p.req, msg, sizeof msg);
  assert_ot_ok(ot_spdm_session_update_commit(&p.req));
  assert_false(p.req.sec.backup[OT_SPDM_DIR_RSP].valid);
  assert_false(p.rsp.sec.backup[OT_SPDM_DIR_REQ].valid);
  assert_int_equal(p.req.sec.cur[OT_SPDM_DIR_REQ].seq, 1);
  assert_int_equal(p.req.sec.cur[OT_SPDM_DIR_RSP].seq, 2);
  teardown(&p);
}

/* The requester retries KEY_UPDATE under the old key (its ACK was lost): the
 * responder's backup accepts it once and the new rx key is dropped. */
static void rx_backup_accepts_the_old_key_once(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  assert_ot_ok(ot_spdm_session_update_derive(&p.req, OT_SPDM_DIR_REQ));
  roundtrip(&p.req, &p.rsp, msg, sizeof msg); /* KEY_UPDATE (UpdateKey) */
  assert_ot_ok(ot_spdm_session_update_derive(&p.rsp, OT_SPDM_DIR_REQ));
  assert_ot_ok(ot_spdm_session_update_activate_rx(&p.rsp));
  roundtrip(&p.req, &p.rsp, msg, sizeof msg); /* retried under the old key */
  assert_int_equal(p.rsp.rx_rollbacks, 1);
  assert_false(p.rsp.sec.backup[OT_SPDM_DIR_REQ].valid);
  assert_int_equal(p.rsp.sec.cur[OT_SPDM_DIR_REQ].seq, 2);
  teardown(&p);
}

static void after_commit_the_old_key_is_refused(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  uint8_t old[64], out[64];
  size_t n_old, out_len;
  assert_ot_ok(ot_spdm_session_update_derive(&p.req, OT_SPDM_DIR_REQ));
  assert_ot_ok(ot_spdm_session_update_derive(&p.rsp, OT_SPDM_DIR_REQ));
  assert_ot_ok(ot_spdm_session_update_activate_rx(&p.rsp));
  /* what an attacker kept: a record under the old key at the sequence the backup expects */
  assert_ot_ok(ot_spdm_secured_encode(&p.req, msg, sizeof msg, old, sizeof old, &n_old));
  assert_ot_ok(ot_spdm_session_update_activate_tx(&p.req));
  roundtrip(&p.req, &p.rsp, msg, sizeof msg); /* VerifyNewKey */
  assert_ot_ok(ot_spdm_session_update_commit(&p.rsp));
  assert_ot_code(ot_spdm_secured_decode(&p.rsp, old, n_old, out, sizeof out, &out_len),
                 OT_E_DECRYPT);
  assert_rejected(&p.rsp, out, sizeof out);
  teardown(&p);
}

static void abort_restores_the_old_rx_key(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  assert_ot_ok(ot_spdm_session_update_derive(&p.req, OT_SPDM_DIR_RSP));
  assert_ot_ok(ot_spdm_session_update_activate_rx(&p.req));
  roundtrip(&p.rsp, &p.req, msg, sizeof msg); /* still the old key: via the backup */
  assert_int_equal(p.req.rx_rollbacks, 1);
  assert_ot_ok(ot_spdm_session_update_derive(&p.req, OT_SPDM_DIR_RSP));
  assert_ot_ok(ot_spdm_session_update_activate_rx(&p.req));
  assert_ot_ok(ot_spdm_session_update_abort(&p.req));
  assert_false(p.req.sec.next[OT_SPDM_DIR_RSP].valid);
  assert_false(p.req.sec.backup[OT_SPDM_DIR_RSP].valid);
  roundtrip(&p.rsp, &p.req, msg, sizeof msg);
  assert_int_equal(p.req.rx_rollbacks, 1);
  teardown(&p);
}

static void update_primitives_check_their_state(void **state) {
  (void)state;
  pair p;
  establish_gcm(&p);
  assert_ot_code(ot_spdm_session_update_activate_tx(&p.req), OT_E_STATE);
  assert_ot_code(ot_spdm_session_update_activate_rx(&p.req), OT_E_STATE);
  assert_ot_ok(ot_spdm_session_update_derive(&p.req, OT_SPDM_DIR_RSP));
  assert_ot_code(ot_spdm_session_update_derive(&p.req, OT_SPDM_DIR_RSP), OT_E_EXISTS);
  assert_ot_ok(ot_spdm_session_update_activate_rx(&p.req));
  assert_ot_ok(ot_spdm_session_update_derive(&p.req, OT_SPDM_DIR_RSP));
  assert_ot_code(ot_spdm_session_update_activate_rx(&p.req), OT_E_STATE); /* backup held */
  assert_ot_code(ot_spdm_session_update_derive(&p.req, (ot_spdm_dir)7), OT_E_ARG);
  teardown(&p);

  ot_spdm_session s;
  ot_spdm_session_params prm = params(OT_AEAD_AES256_GCM, false, 0);
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &prm));
  assert_ot_code(ot_spdm_session_update_derive(&s, OT_SPDM_DIR_REQ), OT_E_STATE);
  ot_spdm_session_teardown(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(record_layout_is_dsp0277_over_doe),
      cmocka_unit_test(gcm_roundtrips_both_directions),
      cmocka_unit_test(chacha20_poly1305_roundtrips),
      cmocka_unit_test(mac_only_carries_plaintext_and_authenticates),
      cmocka_unit_test(doe_padding_is_ignored),
      cmocka_unit_test(random_padding_is_accepted),
      cmocka_unit_test(sequence_number_boundaries),
      cmocka_unit_test(seq_remaining_counts_down),
      cmocka_unit_test(tampered_records_end_the_session),
      cmocka_unit_test(length_below_minimum_is_malformed),
      cmocka_unit_test(session_id_is_in_the_aad),
      cmocka_unit_test(replayed_record_is_refused),
      cmocka_unit_test(reordered_records_are_refused),
      cmocka_unit_test(app_length_past_plaintext_is_malformed),
      cmocka_unit_test(small_output_buffer_changes_nothing),
      cmocka_unit_test(encode_refuses_what_does_not_fit),
      cmocka_unit_test(no_records_before_keys_or_in_the_clear),
      cmocka_unit_test(handshake_keys_then_data_keys),
      cmocka_unit_test(update_all_keys_in_switch_order),
      cmocka_unit_test(rx_backup_accepts_the_old_key_once),
      cmocka_unit_test(after_commit_the_old_key_is_refused),
      cmocka_unit_test(abort_restores_the_old_rx_key),
      cmocka_unit_test(update_primitives_check_their_state),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
