/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SPDM session key schedule (DSP0274 1.2/1.3 §"Key schedule", with HKDF
 * per RFC 5869; SPEC-FACTS §2.18, §2.19, T5, T14). See spdm_session.h.
 *
 *   HandshakeSecret = Extract(Salt_0, DHE secret | PSK)
 *   {req,rsp} hs secret = Expand(HandshakeSecret, bin_str1/2(TH1), H)
 *   finished_key        = Expand(dir hs secret, bin_str7, H)
 *   Salt_1              = Expand(HandshakeSecret, bin_str0, H)
 *   MasterSecret        = Extract(Salt_1, 0^H)
 *   {req,rsp} data sec. = Expand(MasterSecret, bin_str3/4(TH2), H)
 *   ExportMasterSecret  = Expand(MasterSecret, bin_str8(TH2), H)
 *   key / salt          = Expand(dir secret, bin_str5 / bin_str6, key size / 12)
 *   KEY_UPDATE          : dir secret' = Expand(dir secret, bin_str9, H)
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/secure.h"
#include "session_internal.h"

/* BinConcat labels (DSP0274 1.2 §"Key schedule", Table "bin_str"). */
#define BIN_STR0_LABEL "derived"      /* Salt_1 */
#define BIN_STR1_LABEL "req hs data"  /* request handshake secret, ctx TH1 */
#define BIN_STR2_LABEL "rsp hs data"  /* response handshake secret, ctx TH1 */
#define BIN_STR3_LABEL "req app data" /* request data secret, ctx TH2 */
#define BIN_STR4_LABEL "rsp app data" /* response data secret, ctx TH2 */
#define BIN_STR5_LABEL "key"          /* AEAD key */
#define BIN_STR6_LABEL "iv"           /* AEAD salt (IV) */
#define BIN_STR7_LABEL "finished"     /* finished key */
#define BIN_STR8_LABEL "exp master"   /* export master secret, ctx TH2 */
#define BIN_STR9_LABEL "traffic upd"  /* KEY_UPDATE */

/* "spdm1.X ": 8 ASCII bytes with the trailing space, X = negotiated minor (T5). */
#define BIN_STR_VERSION_SIZE 8u
#define BIN_STR_MAX_LABEL 12u
#define BIN_STR_MAX (2u + BIN_STR_VERSION_SIZE + BIN_STR_MAX_LABEL + OT_HASH_MAX_SIZE)

/* 0^H: Salt_0 of DHE (and 1.2 PSK) sessions, the IKM of the master secret;
 * one copy for the file. */
static const uint8_t zeros[OT_HASH_MAX_SIZE];

/* bin_str(label, len, ctx) = LE16(len) || "spdm1.X " || label || ctx. */
static ot_status bin_str(uint8_t version, const char *label, uint16_t len, const uint8_t *ctx,
                         size_t ctx_len, uint8_t *out, size_t cap, size_t *out_len) {
  char vs[BIN_STR_VERSION_SIZE + 1] = "spdm1.? ";
  vs[6] = (char)('0' + (version & 0x0fu));
  size_t label_len = strlen(label);
  OT_ENSURE(label_len <= BIN_STR_MAX_LABEL, OT_E_INTERNAL);
  ot_writer w;
  ot_writer_init(&w, out, cap);
  OT_IGNORE(ot_write_u16le(&w, len)); /* little-endian, unlike TLS 1.3 (T5) */
  OT_IGNORE(ot_write_bytes(&w, (const uint8_t *)vs, BIN_STR_VERSION_SIZE));
  OT_IGNORE(ot_write_bytes(&w, (const uint8_t *)label, label_len));
  if (ctx_len > 0) OT_IGNORE(ot_write_bytes(&w, ctx, ctx_len));
  OT_GUARD(ot_writer_status(&w));
  *out_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

ot_status session_expand(const ot_spdm_session *s, const uint8_t *secret, const char *label,
                         const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len) {
  uint8_t info[BIN_STR_MAX];
  size_t info_len;
  OT_ENSURE(out_len <= UINT16_MAX, OT_E_INTERNAL);
  OT_GUARD(bin_str(s->p.spdm_version, label, (uint16_t)out_len, ctx, ctx_len, info, sizeof(info),
                   &info_len));
  return ot_hkdf_expand(s->p.hash, secret, s->hash_len, info, info_len, out, out_len);
}

ot_status session_epoch_keys(const ot_spdm_session *s, ot_spdm_epoch *e) {
  uint8_t key[OT_AEAD_KEY_SIZE] = {0};
  /* DSP0274 1.2 §"Key schedule": bin_str5's length is the AEAD's key size
   * (16 for AES-128-GCM, 32 for AES-256-GCM / ChaCha20-Poly1305), and it is
   * also part of the HKDF info, so a wrong size changes every key byte. */
  size_t key_len = ot_aead_key_size(s->p.aead);
  OT_ENSURE(key_len != 0 && key_len <= sizeof(key), OT_E_UNSUPPORTED);
  ot_status st;
  OT_GUARD(ot_secret_mark(key, sizeof(key)));
  /* bin_str5 "key" (AEAD key size) and bin_str6 "iv" (12, the nonce size). */
  OT_GUARD_GOTO(st, session_expand(s, e->secret, BIN_STR5_LABEL, NULL, 0, key, key_len), out);
  OT_GUARD_GOTO(st, session_expand(s, e->secret, BIN_STR6_LABEL, NULL, 0, e->iv, sizeof(e->iv)),
                out);
  OT_GUARD_GOTO(st, ot_aead_key_init(&e->aead, s->p.aead, key, key_len, OT_SPDM_SECURED_MAC_SIZE),
                out);
  e->seq = 0; /* every new key starts at sequence 0 (SPEC-FACTS §2.18, T3) */
  e->valid = true;
out:
  ot_secret_wipe(key, sizeof(key));
  return st;
}

/* Both directions' handshake secrets, finished keys and (unless in the clear) record keys. */
static ot_status derive_handshake_from(ot_spdm_session *s, const uint8_t *th1) {
  ot_spdm_session_secrets *k = &s->sec;
  static const char *const hs_label[2] = {BIN_STR1_LABEL, BIN_STR2_LABEL};
  for (int d = OT_SPDM_DIR_REQ; d <= OT_SPDM_DIR_RSP; d++) {
    ot_spdm_epoch *e = &k->cur[d];
    OT_GUARD(session_expand(s, k->handshake_secret, hs_label[d], th1, s->hash_len, e->secret,
                            s->hash_len));
    OT_GUARD(
        session_expand(s, e->secret, BIN_STR7_LABEL, NULL, 0, k->finished_key[d], s->hash_len));
    /* In the clear, no record uses the handshake keys (SPEC-FACTS T15). */
    if (!s->p.handshake_in_clear) OT_GUARD(session_epoch_keys(s, e));
  }
  s->has_finished_keys = true;
  s->data_keys = false;
  return OT_SUCCESS;
}

static ot_status derive_handshake(ot_spdm_session *s, const uint8_t *salt0, const uint8_t *ikm,
                                  size_t ikm_len, const uint8_t *th1, size_t th1_len) {
  OT_ENSURE(s != NULL && ikm != NULL && th1 != NULL, OT_E_ARG);
  OT_ENSURE(s->state != OT_SPDM_SESSION_FAILED, OT_E_FAILED);
  OT_ENSURE(s->state == OT_SPDM_SESSION_STARTED, OT_E_STATE);
  OT_ENSURE(th1_len == s->hash_len, OT_E_ARG);
  OT_ENSURE(ikm_len >= 1 && ikm_len <= OT_SPDM_MAX_DHE_SIZE, OT_E_ARG);
  ot_status st = ot_hkdf_extract(s->p.hash, salt0, s->hash_len, ikm, ikm_len,
                                 s->sec.handshake_secret, sizeof(s->sec.handshake_secret));
  if (ot_ok(st)) st = derive_handshake_from(s, th1);
  if (!ot_ok(st)) {
    session_fail(s, st);
    return st;
  }
  s->state = OT_SPDM_SESSION_HANDSHAKE;
  return OT_SUCCESS;
}

ot_status ot_spdm_session_derive_handshake(ot_spdm_session *s, const uint8_t *dhe, size_t dhe_len,
                                           const uint8_t *th1, size_t th1_len) {
  /* DHE sessions: Salt_0 = 0^H in every version (SPEC-FACTS §2.18, T14). */
  return derive_handshake(s, zeros, dhe, dhe_len, th1, th1_len);
}

ot_status ot_spdm_session_derive_handshake_psk(ot_spdm_session *s, const uint8_t *psk,
                                               size_t psk_len, const uint8_t *th1, size_t th1_len) {
  static const uint8_t ones[OT_HASH_MAX_SIZE] = {
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  OT_ENSURE(s != NULL, OT_E_ARG);
  /* PSK handshakes are always secured: PSK_FINISH travels under the handshake keys. */
  OT_ENSURE(!s->p.handshake_in_clear, OT_E_ARG);
  /* Salt_0: 0^H for 1.2, 0xFF..FF for 1.3+ PSK sessions (SPEC-FACTS §2.19, T14). */
  const uint8_t *salt0 = s->p.spdm_version >= OT_SPDM_VERSION_13 ? ones : zeros;
  return derive_handshake(s, salt0, psk, psk_len, th1, th1_len);
}

ot_status ot_spdm_session_verify_data(const ot_spdm_session *s, ot_spdm_dir dir,
                                      const uint8_t *th_hash, size_t hash_len, uint8_t *out,
                                      size_t cap) {
  OT_ENSURE(s != NULL && th_hash != NULL && out != NULL, OT_E_ARG);
  OT_ENSURE(dir == OT_SPDM_DIR_REQ || dir == OT_SPDM_DIR_RSP, OT_E_ARG);
  OT_ENSURE(s->state != OT_SPDM_SESSION_FAILED, OT_E_FAILED);
  OT_ENSURE(s->state == OT_SPDM_SESSION_HANDSHAKE && s->has_finished_keys, OT_E_STATE);
  OT_ENSURE(hash_len == s->hash_len, OT_E_ARG);
  OT_ENSURE(cap >= s->hash_len, OT_E_NO_SPACE);
  /* VerifyData = HMAC(finished_key, Hash(transcript)) (DSP0274 1.2 "FINISH"; T5). */
  return ot_hmac(s->p.hash, s->sec.finished_key[dir], s->hash_len, th_hash, hash_len, out, cap);
}

ot_status ot_spdm_session_check_verify_data(ot_spdm_session *s, ot_spdm_dir dir,
                                            const uint8_t *th_hash, size_t hash_len,
                                            const uint8_t *verify_data, size_t vd_len) {
  OT_ENSURE(s != NULL && verify_data != NULL, OT_E_ARG);
  uint8_t mac[OT_HASH_MAX_SIZE];
  OT_GUARD(ot_spdm_session_verify_data(s, dir, th_hash, hash_len, mac, sizeof(mac)));
  bool good = vd_len == s->hash_len && ot_ct_equal(mac, verify_data, s->hash_len);
  ot_zeroize(mac, sizeof(mac));
  if (!good) {
    session_fail(s, ot_status_of(OT_E_VERIFY));
    OT_BAIL(OT_E_VERIFY);
  }
  return OT_SUCCESS;
}

/* Temporaries of derive_data, marked secret while they live. */
typedef struct data_tmp {
  uint8_t salt1[OT_HASH_MAX_SIZE];
  uint8_t master[OT_HASH_MAX_SIZE];
  ot_spdm_epoch data[2];
} data_tmp;

static ot_status derive_data_into(ot_spdm_session *s, const uint8_t *th2, data_tmp *t) {
  static const char *const app_label[2] = {BIN_STR3_LABEL, BIN_STR4_LABEL};
  size_t h = s->hash_len;
  OT_GUARD(session_expand(s, s->sec.handshake_secret, BIN_STR0_LABEL, NULL, 0, t->salt1, h));
  OT_GUARD(ot_hkdf_extract(s->p.hash, t->salt1, h, zeros, h, t->master, sizeof(t->master)));
  for (int d = OT_SPDM_DIR_REQ; d <= OT_SPDM_DIR_RSP; d++) {
    OT_GUARD(session_expand(s, t->master, app_label[d], th2, h, t->data[d].secret, h));
    OT_GUARD(session_epoch_keys(s, &t->data[d]));
  }
  return session_expand(s, t->master, BIN_STR8_LABEL, th2, h, s->sec.export_master_secret, h);
}

ot_status ot_spdm_session_derive_data(ot_spdm_session *s, const uint8_t *th2, size_t th2_len) {
  OT_ENSURE(s != NULL && th2 != NULL, OT_E_ARG);
  OT_ENSURE(s->state != OT_SPDM_SESSION_FAILED, OT_E_FAILED);
  OT_ENSURE(s->state == OT_SPDM_SESSION_HANDSHAKE, OT_E_STATE);
  OT_ENSURE(th2_len == s->hash_len, OT_E_ARG);
  data_tmp t;
  memset(&t, 0, sizeof(t));
  OT_GUARD(ot_secret_mark(&t, sizeof(t)));
  ot_status st = derive_data_into(s, th2, &t);
  if (ot_ok(st)) {
    /* Commit: the handshake keys, finished keys and handshake secret end here. */
    for (int d = OT_SPDM_DIR_REQ; d <= OT_SPDM_DIR_RSP; d++) {
      session_epoch_wipe(&s->sec.cur[d]);
      s->sec.cur[d] = t.data[d]; /* moves the AEAD context */
      memset(&t.data[d], 0, sizeof(t.data[d]));
    }
    ot_zeroize(s->sec.handshake_secret, sizeof(s->sec.handshake_secret));
    ot_zeroize(s->sec.finished_key, sizeof(s->sec.finished_key));
    s->has_finished_keys = false;
    s->has_export_master = true;
    s->data_keys = true;
    s->state = OT_SPDM_SESSION_ESTABLISHED;
  }
  for (int d = OT_SPDM_DIR_REQ; d <= OT_SPDM_DIR_RSP; d++)
    session_epoch_wipe(&t.data[d]);
  ot_secret_wipe(&t, sizeof(t));
  if (!ot_ok(st)) session_fail(s, st);
  return st;
}

ot_status ot_spdm_session_export_master_secret(const ot_spdm_session *s, uint8_t *out, size_t cap) {
  OT_ENSURE(s != NULL && out != NULL, OT_E_ARG);
  OT_ENSURE(s->state != OT_SPDM_SESSION_FAILED, OT_E_FAILED);
  OT_ENSURE(s->state == OT_SPDM_SESSION_ESTABLISHED && s->has_export_master, OT_E_STATE);
  OT_ENSURE(cap >= s->hash_len, OT_E_NO_SPACE);
  memcpy(out, s->sec.export_master_secret, s->hash_len);
  return OT_SUCCESS;
}

ot_status ot_spdm_session_update_derive(ot_spdm_session *s, ot_spdm_dir dir) {
  OT_ENSURE(s != NULL, OT_E_ARG);
  OT_ENSURE(dir == OT_SPDM_DIR_REQ || dir == OT_SPDM_DIR_RSP, OT_E_ARG);
  OT_ENSURE(s->state != OT_SPDM_SESSION_FAILED, OT_E_FAILED);
  OT_ENSURE(s->state == OT_SPDM_SESSION_ESTABLISHED && s->sec.cur[dir].valid, OT_E_STATE);
  OT_ENSURE(!s->sec.next[dir].valid, OT_E_EXISTS);
  ot_spdm_epoch *n = &s->sec.next[dir];
  /* dir secret' = Expand(dir secret, bin_str9 "traffic upd", H) (DSP0274 1.2
   * §"Key schedule", "Major secrets update"; SPEC-FACTS §2.18). */
  ot_status st =
      session_expand(s, s->sec.cur[dir].secret, BIN_STR9_LABEL, NULL, 0, n->secret, s->hash_len);
  if (ot_ok(st)) st = session_epoch_keys(s, n);
  if (!ot_ok(st)) session_epoch_wipe(n);
  return st;
}
