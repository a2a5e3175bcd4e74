/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The session key schedule (DSP0274 1.2/1.3 "Key schedule"; SPEC-FACTS §2.18,
 * §2.19): every secret the session holds is recomputed here from HKDF with
 * the bin_str bytes written out literally, so a wrong label, length byte
 * order, version string or salt shows up. The lifecycle rules (states, sticky
 * failure, wiping, the secret mark) are checked too. Known answers against
 * recorded traffic: tests/e2e/test_spdm_recorded_sessions.c.
 */
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/spdm_session.h"
#include "testsupport.h"

#define ID 0x00020001u

static const uint8_t dhe[32] = {0x42, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
static const uint8_t th1[64] = {0x71, 0x72, 0x73, 0x74};
static const uint8_t th2[64] = {0x81, 0x82, 0x83, 0x84};

static ot_spdm_session_params params(uint8_t version, ot_hash_alg hash) {
  ot_spdm_session_params p = {.spdm_version = version,
                              .hash = hash,
                              .aead = OT_AEAD_AES256_GCM,
                              .sm_version = OT_SPDM_SM_VERSION_12};
  return p;
}

/* HKDF-Expand(prk, info = LE16(len) || prefix8 || label || ctx, len): bin_str by hand. */
static void expand(ot_hash_alg alg, const uint8_t *prk, const char *prefix8, const char *label,
                   const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t len) {
  uint8_t info[128];
  size_t n = 0, l = strlen(label);
  info[n++] = (uint8_t)(len & 0xff); /* little-endian length (T5) */
  info[n++] = (uint8_t)(len >> 8);
  memcpy(info + n, prefix8, 8);
  n += 8;
  memcpy(info + n, label, l);
  n += l;
  if (ctx_len) memcpy(info + n, ctx, ctx_len);
  n += ctx_len;
  assert_ot_ok(ot_hkdf_expand(alg, prk, ot_hash_size(alg), info, n, out, len));
}

typedef struct expected {
  uint8_t hs[64], req_hs[64], rsp_hs[64], fin_req[64], fin_rsp[64];
  uint8_t master[64], req_app[64], rsp_app[64], exp_master[64];
  uint8_t req_iv[12], rsp_iv[12], req_upd[64];
} expected;

static void compute_expected(ot_hash_alg alg, const char *prefix8, const uint8_t *salt0,
                             const uint8_t *ikm, size_t ikm_len, expected *e) {
  size_t h = ot_hash_size(alg);
  uint8_t zeros[64] = {0}, salt1[64];
  assert_ot_ok(ot_hkdf_extract(alg, salt0, h, ikm, ikm_len, e->hs, sizeof e->hs));
  expand(alg, e->hs, prefix8, "req hs data", th1, h, e->req_hs, h);
  expand(alg, e->hs, prefix8, "rsp hs data", th1, h, e->rsp_hs, h);
  expand(alg, e->req_hs, prefix8, "finished", NULL, 0, e->fin_req, h);
  expand(alg, e->rsp_hs, prefix8, "finished", NULL, 0, e->fin_rsp, h);
  expand(alg, e->hs, prefix8, "derived", NULL, 0, salt1, h);
  assert_ot_ok(ot_hkdf_extract(alg, salt1, h, zeros, h, e->master, sizeof e->master));
  expand(alg, e->master, prefix8, "req app data", th2, h, e->req_app, h);
  expand(alg, e->master, prefix8, "rsp app data", th2, h, e->rsp_app, h);
  expand(alg, e->master, prefix8, "exp master", th2, h, e->exp_master, h);
  expand(alg, e->req_app, prefix8, "iv", NULL, 0, e->req_iv, 12);
  expand(alg, e->rsp_app, prefix8, "iv", NULL, 0, e->rsp_iv, 12);
  expand(alg, e->req_app, prefix8, "traffic upd", NULL, 0, e->req_upd, h);
}

static void check_schedule(uint8_t version, ot_hash_alg alg, const char *prefix8) {
  size_t h = ot_hash_size(alg);
  uint8_t zeros[64] = {0};
  expected e;
  compute_expected(alg, prefix8, zeros, dhe, sizeof dhe, &e);
  ot_spdm_session s;
  ot_spdm_session_params p = params(version, alg);
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &p));
  assert_ot_ok(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, h));
  assert_int_equal(s.state, OT_SPDM_SESSION_HANDSHAKE);
  assert_memory_equal(s.sec.handshake_secret, e.hs, h);
  assert_memory_equal(s.sec.cur[OT_SPDM_DIR_REQ].secret, e.req_hs, h);
  assert_memory_equal(s.sec.cur[OT_SPDM_DIR_RSP].secret, e.rsp_hs, h);
  assert_memory_equal(s.sec.finished_key[OT_SPDM_DIR_REQ], e.fin_req, h);
  assert_memory_equal(s.sec.finished_key[OT_SPDM_DIR_RSP], e.fin_rsp, h);
  assert_ot_ok(ot_spdm_session_derive_data(&s, th2, h));
  assert_int_equal(s.state, OT_SPDM_SESSION_ESTABLISHED);
  assert_memory_equal(s.sec.cur[OT_SPDM_DIR_REQ].secret, e.req_app, h);
  assert_memory_equal(s.sec.cur[OT_SPDM_DIR_RSP].secret, e.rsp_app, h);
  assert_memory_equal(s.sec.cur[OT_SPDM_DIR_REQ].iv, e.req_iv, 12);
  assert_memory_equal(s.sec.cur[OT_SPDM_DIR_RSP].iv, e.rsp_iv, 12);
  uint8_t exp[64];
  assert_ot_ok(ot_spdm_session_export_master_secret(&s, exp, sizeof exp));
  assert_memory_equal(exp, e.exp_master, h);
  assert_ot_ok(ot_spdm_session_update_derive(&s, OT_SPDM_DIR_REQ));
  assert_memory_equal(s.sec.next[OT_SPDM_DIR_REQ].secret, e.req_upd, h);
  ot_spdm_session_teardown(&s);
}

static void schedule_spdm12_sha384(void **state) {
  (void)state;
  check_schedule(OT_SPDM_VERSION_12, OT_HASH_SHA384, "spdm1.2 ");
}

static void schedule_spdm13_sha256(void **state) {
  (void)state;
  check_schedule(OT_SPDM_VERSION_13, OT_HASH_SHA256, "spdm1.3 ");
}

static void schedule_sha512(void **state) {
  (void)state;
  check_schedule(OT_SPDM_VERSION_12, OT_HASH_SHA512, "spdm1.2 ");
}

/* The record key is Expand(secret, "key", 32): a record sealed with it opens. */
static void record_key_is_bin_str5(void **state) {
  (void)state;
  uint8_t zeros[64] = {0}, key[32];
  expected e;
  compute_expected(OT_HASH_SHA256, "spdm1.3 ", zeros, dhe, sizeof dhe, &e);
  expand(OT_HASH_SHA256, e.req_app, "spdm1.3 ", "key", NULL, 0, key, sizeof key);
  ot_spdm_session s;
  ot_spdm_session_params p = params(OT_SPDM_VERSION_13, OT_HASH_SHA256);
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_RESPONDER, ID, &p));
  assert_ot_ok(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, 32));
  assert_ot_ok(ot_spdm_session_derive_data(&s, th2, 32));
  ot_aead_key k;
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key, sizeof key, 16));
  static const uint8_t m[] = {0x13, 0xe8, 0, 0};
  uint8_t rec[64], out[64];
  size_t out_len;
  rec[0] = 0x01, rec[1] = 0x00, rec[2] = 0x02, rec[3] = 0x00; /* ID */
  rec[4] = 22, rec[5] = 0;
  uint8_t pt[6] = {4, 0, 0x13, 0xe8, 0, 0};
  assert_ot_ok(ot_aead_seal(&k, e.req_iv, rec, 6, pt, sizeof pt, rec + 6, rec + 12, 16));
  assert_ot_ok(ot_spdm_secured_decode(&s, rec, 28, out, sizeof out, &out_len));
  assert_memory_equal(out, m, sizeof m);
  ot_aead_key_clear(&k);
  ot_spdm_session_teardown(&s);
}

/* AES-128-GCM: the record key is Expand(secret, "key", 16), bin_str5 carrying
 * LE16(16); a record sealed with it opens, one sealed with the first 16 bytes
 * of the 32-byte expansion (a different info) does not. */
static void aes128_record_key_is_16_byte_bin_str5(void **state) {
  (void)state;
  uint8_t zeros[64] = {0}, key[16], key32[32];
  expected e;
  compute_expected(OT_HASH_SHA384, "spdm1.2 ", zeros, dhe, sizeof dhe, &e);
  expand(OT_HASH_SHA384, e.req_app, "spdm1.2 ", "key", NULL, 0, key, sizeof key);
  expand(OT_HASH_SHA384, e.req_app, "spdm1.2 ", "key", NULL, 0, key32, sizeof key32);
  assert_memory_not_equal(key, key32, sizeof key);
  ot_spdm_session_params p = params(OT_SPDM_VERSION_12, OT_HASH_SHA384);
  p.aead = OT_AEAD_AES128_GCM;
  for (int wrong = 0; wrong <= 1; wrong++) {
    ot_spdm_session s;
    assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_RESPONDER, ID, &p));
    assert_ot_ok(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, 48));
    assert_ot_ok(ot_spdm_session_derive_data(&s, th2, 48));
    ot_aead_key k;
    assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES128_GCM, wrong ? key32 : key, 16, 16));
    static const uint8_t m[] = {0x12, 0xe8, 0, 0};
    uint8_t rec[64], out[64];
    size_t out_len;
    rec[0] = 0x01, rec[1] = 0x00, rec[2] = 0x02, rec[3] = 0x00; /* ID */
    rec[4] = 22, rec[5] = 0;
    uint8_t pt[6] = {4, 0, 0x12, 0xe8, 0, 0};
    assert_ot_ok(ot_aead_seal(&k, e.req_iv, rec, 6, pt, sizeof pt, rec + 6, rec + 12, 16));
    ot_status st = ot_spdm_secured_decode(&s, rec, 28, out, sizeof out, &out_len);
    if (wrong) {
      assert_false(ot_ok(st));
    } else {
      assert_ot_ok(st);
      assert_memory_equal(out, m, sizeof m);
    }
    ot_aead_key_clear(&k);
    ot_spdm_session_teardown(&s);
  }
}

static void psk_salt_is_zero_at_12_and_ones_at_13(void **state) {
  (void)state;
  static const uint8_t psk[32] = {0x24, 0xc4, 0xa3, 0xd0};
  uint8_t zeros[64] = {0}, ones[64], hs[64];
  memset(ones, 0xff, sizeof ones);
  ot_spdm_session s;
  ot_spdm_session_params p = params(OT_SPDM_VERSION_12, OT_HASH_SHA384);
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &p));
  assert_ot_ok(ot_spdm_session_derive_handshake_psk(&s, psk, sizeof psk, th1, 48));
  assert_ot_ok(ot_hkdf_extract(OT_HASH_SHA384, zeros, 48, psk, sizeof psk, hs, sizeof hs));
  assert_memory_equal(s.sec.handshake_secret, hs, 48);
  ot_spdm_session_teardown(&s);

  p = params(OT_SPDM_VERSION_13, OT_HASH_SHA256);
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &p));
  assert_ot_ok(ot_spdm_session_derive_handshake_psk(&s, psk, sizeof psk, th1, 32));
  assert_ot_ok(ot_hkdf_extract(OT_HASH_SHA256, ones, 32, psk, sizeof psk, hs, sizeof hs));
  assert_memory_equal(s.sec.handshake_secret, hs, 32);
  ot_spdm_session_teardown(&s);

  /* DHE sessions at 1.3 keep the zero salt. */
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &p));
  assert_ot_ok(ot_spdm_session_derive_handshake(&s, psk, sizeof psk, th1, 32));
  assert_ot_ok(ot_hkdf_extract(OT_HASH_SHA256, zeros, 32, psk, sizeof psk, hs, sizeof hs));
  assert_memory_equal(s.sec.handshake_secret, hs, 32);
  ot_spdm_session_teardown(&s);
}

static void psk_refuses_handshake_in_the_clear(void **state) {
  (void)state;
  ot_spdm_session s;
  ot_spdm_session_params p = params(OT_SPDM_VERSION_12, OT_HASH_SHA384);
  p.handshake_in_clear = true;
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &p));
  assert_ot_code(ot_spdm_session_derive_handshake_psk(&s, dhe, sizeof dhe, th1, 48), OT_E_ARG);
  ot_spdm_session_teardown(&s);
}

static void verify_data_is_hmac_of_the_transcript_hash(void **state) {
  (void)state;
  uint8_t zeros[64] = {0}, want[48], got[48];
  expected e;
  compute_expected(OT_HASH_SHA384, "spdm1.2 ", zeros, dhe, sizeof dhe, &e);
  ot_spdm_session s;
  ot_spdm_session_params p = params(OT_SPDM_VERSION_12, OT_HASH_SHA384);
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_RESPONDER, ID, &p));
  assert_ot_ok(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, 48));
  assert_ot_ok(ot_hmac(OT_HASH_SHA384, e.fin_rsp, 48, th2, 48, want, sizeof want));
  assert_ot_ok(ot_spdm_session_verify_data(&s, OT_SPDM_DIR_RSP, th2, 48, got, sizeof got));
  assert_memory_equal(got, want, 48);
  assert_ot_ok(ot_spdm_session_check_verify_data(&s, OT_SPDM_DIR_RSP, th2, 48, want, 48));
  assert_ot_code(ot_spdm_session_verify_data(&s, OT_SPDM_DIR_RSP, th2, 48, got, 47), OT_E_NO_SPACE);
  assert_ot_code(ot_spdm_session_verify_data(&s, OT_SPDM_DIR_RSP, th2, 32, got, 48), OT_E_ARG);
  ot_spdm_session_teardown(&s);
}

static void wrong_verify_data_fails_the_session(void **state) {
  (void)state;
  static const ot_spdm_session_secrets zero;
  ot_spdm_session s;
  ot_spdm_session_params p = params(OT_SPDM_VERSION_12, OT_HASH_SHA384);
  uint8_t vd[48];
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &p));
  assert_ot_ok(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, 48));
  assert_ot_ok(ot_spdm_session_verify_data(&s, OT_SPDM_DIR_REQ, th1, 48, vd, sizeof vd));
  vd[47] ^= 0x80;
  assert_ot_code(ot_spdm_session_check_verify_data(&s, OT_SPDM_DIR_REQ, th1, 48, vd, 48),
                 OT_E_VERIFY);
  assert_true(ot_spdm_session_failed(&s));
  assert_int_equal(s.failure.code, OT_E_VERIFY);
  assert_memory_equal(&s.sec, &zero, sizeof zero); /* keys wiped at once */
  assert_ot_code(ot_spdm_session_derive_data(&s, th2, 48), OT_E_FAILED);
  assert_ot_code(ot_spdm_session_verify_data(&s, OT_SPDM_DIR_REQ, th1, 48, vd, 48), OT_E_FAILED);
  ot_spdm_session_teardown(&s);
}

static void short_verify_data_is_refused(void **state) {
  (void)state;
  ot_spdm_session s;
  ot_spdm_session_params p = params(OT_SPDM_VERSION_12, OT_HASH_SHA384);
  uint8_t vd[48];
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &p));
  assert_ot_ok(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, 48));
  assert_ot_ok(ot_spdm_session_verify_data(&s, OT_SPDM_DIR_RSP, th1, 48, vd, sizeof vd));
  assert_ot_code(ot_spdm_session_check_verify_data(&s, OT_SPDM_DIR_RSP, th1, 48, vd, 32),
                 OT_E_VERIFY);
  assert_true(ot_spdm_session_failed(&s));
  ot_spdm_session_teardown(&s);
}

static void data_keys_end_the_handshake_secrets(void **state) {
  (void)state;
  static const uint8_t zero[64];
  ot_spdm_session s;
  ot_spdm_session_params p = params(OT_SPDM_VERSION_12, OT_HASH_SHA384);
  uint8_t vd[48];
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &p));
  assert_ot_ok(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, 48));
  assert_ot_ok(ot_spdm_session_derive_data(&s, th2, 48));
  assert_memory_equal(s.sec.handshake_secret, zero, sizeof zero);
  assert_memory_equal(s.sec.finished_key[0], zero, sizeof zero);
  assert_memory_equal(s.sec.finished_key[1], zero, sizeof zero);
  assert_ot_code(ot_spdm_session_verify_data(&s, OT_SPDM_DIR_REQ, th1, 48, vd, 48), OT_E_STATE);
  ot_spdm_session_teardown(&s);
}

static void steps_out_of_order_are_refused(void **state) {
  (void)state;
  ot_spdm_session s;
  ot_spdm_session_params p = params(OT_SPDM_VERSION_12, OT_HASH_SHA384);
  uint8_t out[64];
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &p));
  assert_ot_code(ot_spdm_session_derive_data(&s, th2, 48), OT_E_STATE);
  assert_ot_code(ot_spdm_session_export_master_secret(&s, out, sizeof out), OT_E_STATE);
  assert_ot_code(ot_spdm_session_verify_data(&s, OT_SPDM_DIR_REQ, th1, 48, out, 48), OT_E_STATE);
  assert_ot_code(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, 32), OT_E_ARG);
  assert_ot_code(ot_spdm_session_derive_handshake(&s, dhe, 0, th1, 48), OT_E_ARG);
  assert_false(ot_spdm_session_failed(&s)); /* argument errors change nothing */
  assert_ot_ok(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, 48));
  assert_ot_code(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, 48), OT_E_STATE);
  assert_ot_code(ot_spdm_session_export_master_secret(&s, out, sizeof out), OT_E_STATE);
  assert_ot_ok(ot_spdm_session_derive_data(&s, th2, 48));
  assert_ot_code(ot_spdm_session_derive_data(&s, th2, 48), OT_E_STATE);
  assert_ot_code(ot_spdm_session_export_master_secret(&s, out, 47), OT_E_NO_SPACE);
  ot_spdm_session_teardown(&s);
}

typedef struct param_case {
  uint8_t version;
  ot_hash_alg hash;
  ot_aead_alg aead;
  uint16_t sm_version;
  ot_spdm_role role;
  ot_code want;
} param_case;

static const param_case param_cases[] = {
    {0x12, OT_HASH_SHA384, OT_AEAD_AES256_GCM, 0x1200, OT_SPDM_ROLE_REQUESTER, OT_OK},
    {0x13, OT_HASH_SHA256, OT_AEAD_CHACHA20_POLY1305, 0x1100, OT_SPDM_ROLE_RESPONDER, OT_OK},
    /* Sessions exist from 1.1 to 1.4; 1.0 has none. */
    {0x11, OT_HASH_SHA384, OT_AEAD_AES256_GCM, 0x1100, OT_SPDM_ROLE_REQUESTER, OT_OK},
    {0x14, OT_HASH_SHA384, OT_AEAD_AES256_GCM, 0x1200, OT_SPDM_ROLE_REQUESTER, OT_OK},
    {0x10, OT_HASH_SHA384, OT_AEAD_AES256_GCM, 0x1100, OT_SPDM_ROLE_REQUESTER, OT_E_VERSION},
    {0x15, OT_HASH_SHA384, OT_AEAD_AES256_GCM, 0x1200, OT_SPDM_ROLE_REQUESTER, OT_E_VERSION},
    {0x12, OT_HASH_SHA384, OT_AEAD_AES256_GCM, 0x1400, OT_SPDM_ROLE_REQUESTER, OT_E_VERSION},
    {0x12, (ot_hash_alg)0, OT_AEAD_AES256_GCM, 0x1200, OT_SPDM_ROLE_REQUESTER, OT_E_UNSUPPORTED},
    {0x12, OT_HASH_SHA384, (ot_aead_alg)0, 0x1200, OT_SPDM_ROLE_REQUESTER, OT_E_UNSUPPORTED},
    {0x12, OT_HASH_SHA384, OT_AEAD_AES256_GCM, 0x1200, (ot_spdm_role)0, OT_E_ARG},
};

static void init_checks_parameters(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof param_cases / sizeof param_cases[0]; i++) {
    const param_case *c = &param_cases[i];
    ot_spdm_session s;
    memset(&s, 0, sizeof s);
    ot_spdm_session_params p = {
        .spdm_version = c->version, .hash = c->hash, .aead = c->aead, .sm_version = c->sm_version};
    assert_ot_code(ot_spdm_session_init(&s, c->role, ID, &p), c->want);
    ot_spdm_session_teardown(&s);
  }
}

/* Teardown leaves nothing: every byte of the struct is zero and the mark is gone. */
static void teardown_zeroes_the_whole_session(void **state) {
  (void)state;
  static const ot_spdm_session zero;
  size_t marks = ot_secret_mark_count();
  ot_spdm_session s;
  ot_spdm_session_params p = params(OT_SPDM_VERSION_12, OT_HASH_SHA384);
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_REQUESTER, ID, &p));
  assert_true(ot_secret_overlaps(&s.sec, sizeof s.sec)); /* secrets marked while live */
  assert_int_equal(ot_secret_mark_count(), marks + 1);
  assert_ot_ok(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, 48));
  assert_ot_ok(ot_spdm_session_derive_data(&s, th2, 48));
  assert_ot_ok(ot_spdm_session_update_derive(&s, OT_SPDM_DIR_RSP));
  assert_ot_ok(ot_spdm_session_update_activate_rx(&s));
  ot_spdm_session_teardown(&s);
  assert_memory_equal(&s, &zero, sizeof s);
  assert_false(ot_secret_overlaps(&s.sec, sizeof s.sec));
  assert_int_equal(ot_secret_mark_count(), marks);
  ot_spdm_session_teardown(&s); /* twice is harmless */
  assert_memory_equal(&s, &zero, sizeof s);
}

static void teardown_after_failure_zeroes_too(void **state) {
  (void)state;
  static const ot_spdm_session zero;
  size_t marks = ot_secret_mark_count();
  ot_spdm_session s;
  ot_spdm_session_params p = params(OT_SPDM_VERSION_13, OT_HASH_SHA256);
  assert_ot_ok(ot_spdm_session_init(&s, OT_SPDM_ROLE_RESPONDER, ID, &p));
  assert_ot_ok(ot_spdm_session_derive_handshake(&s, dhe, sizeof dhe, th1, 32));
  ot_spdm_session_fail(&s, ot_status_of(OT_E_UNEXPECTED));
  ot_spdm_session_fail(&s, ot_status_of(OT_E_DECRYPT));
  assert_int_equal(s.failure.code, OT_E_UNEXPECTED); /* the first failure wins */
  ot_spdm_session_teardown(&s);
  assert_memory_equal(&s, &zero, sizeof s);
  assert_int_equal(ot_secret_mark_count(), marks);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(schedule_spdm12_sha384),
      cmocka_unit_test(schedule_spdm13_sha256),
      cmocka_unit_test(schedule_sha512),
      cmocka_unit_test(record_key_is_bin_str5),
      cmocka_unit_test(aes128_record_key_is_16_byte_bin_str5),
      cmocka_unit_test(psk_salt_is_zero_at_12_and_ones_at_13),
      cmocka_unit_test(psk_refuses_handshake_in_the_clear),
      cmocka_unit_test(verify_data_is_hmac_of_the_transcript_hash),
      cmocka_unit_test(wrong_verify_data_fails_the_session),
      cmocka_unit_test(short_verify_data_is_refused),
      cmocka_unit_test(data_keys_end_the_handshake_secrets),
      cmocka_unit_test(steps_out_of_order_are_refused),
      cmocka_unit_test(init_checks_parameters),
      cmocka_unit_test(teardown_zeroes_the_whole_session),
      cmocka_unit_test(teardown_after_failure_zeroes_too),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
