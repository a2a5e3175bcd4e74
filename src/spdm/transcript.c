/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPDM transcripts: A (VCA), D, M1 = A || B || C, L1 = A || M, and the session
 * transcript TH (DSP0274 1.2/1.3 "Transcript and transcript hash calculation
 * rules"; SPEC-FACTS §2.17, T7, T13). See spdm_transcript.h.
 */
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/spdm_features.h"
#include "opentsm/spdm_transcript.h"

void ot_spdm_transcript_init(ot_spdm_transcript *t) { memset(t, 0, sizeof(*t)); }

void ot_spdm_transcript_free(ot_spdm_transcript *t) {
  ot_hash_free(&t->a);
  ot_hash_free(&t->m1);
  ot_hash_free(&t->l1);
  ot_zeroize(t, sizeof(*t));
}

ot_status ot_spdm_transcript_append_vca(ot_spdm_transcript *t, const uint8_t *msg, size_t len) {
  OT_ENSURE(t != NULL && (msg != NULL || len == 0), OT_E_ARG);
  OT_ENSURE(!t->algs_set, OT_E_STATE);
  OT_ENSURE(len <= OT_SPDM_VCA_MAX - t->vca_len, OT_E_TOO_LARGE);
  if (len > 0) memcpy(t->vca + t->vca_len, msg, len);
  t->vca_len += len;
  return OT_SUCCESS;
}

/* A fresh running hash holding A. */
static ot_status fork_a(const ot_spdm_transcript *t, ot_hash_ctx *dst) {
  OT_ENSURE(t->algs_set, OT_E_STATE);
  return ot_hash_copy(dst, &t->a);
}

ot_status ot_spdm_transcript_set_algorithms(ot_spdm_transcript *t, uint8_t version,
                                            ot_hash_alg hash, bool multi_key) {
  OT_ENSURE(t != NULL, OT_E_ARG);
  OT_ENSURE(!t->algs_set, OT_E_STATE);
  /* 1.0 .. 1.4, from 1.2 in a build without 1.0/1.1 (opentsm/spdm_features.h). */
  OT_ENSURE(version >= (OT_SPDM_WITH_V10_11 ? OT_SPDM_VERSION_10 : OT_SPDM_VERSION_12) &&
                version <= OT_SPDM_VERSION_14,
            OT_E_VERSION);
  /* MULTI_KEY_CAP and OtherParams bit4 exist from 1.3 on (DSP0274 1.3 "CAPABILITIES"). */
  OT_ENSURE(!multi_key || version >= OT_SPDM_VERSION_13, OT_E_ARG);
  size_t hl = ot_hash_size(hash);
  OT_ENSURE(hl != 0, OT_E_UNSUPPORTED);

  ot_hash_ctx a = {0}, m1 = {0}, l1 = {0};
  ot_status st;
  OT_GUARD_GOTO(st, ot_hash_init(&a, hash), fail);
  OT_GUARD_GOTO(st, ot_hash_update(&a, t->vca, t->vca_len), fail);
  OT_GUARD_GOTO(st, ot_hash_copy(&m1, &a), fail);
  /* L1 = A || M from 1.2; 1.0/1.1 sign M alone (DSP0274 1.1 "MEASUREMENTS":
   * L1 is the concatenation of the GET_MEASUREMENTS/MEASUREMENTS messages). */
  if (!OT_SPDM_PRE_12(version))
    OT_GUARD_GOTO(st, ot_hash_copy(&l1, &a), fail);
  else
    OT_GUARD_GOTO(st, ot_hash_init(&l1, hash), fail);
  t->a = a;
  t->m1 = m1;
  t->l1 = l1;
  t->version = version;
  t->hash = hash;
  t->hash_len = hl;
  t->multi_key = multi_key;
  t->algs_set = true;
  return OT_SUCCESS;
fail:
  ot_hash_free(&a);
  ot_hash_free(&m1);
  ot_hash_free(&l1);
  return st;
}

static ot_status append_live(const ot_spdm_transcript *t, ot_hash_ctx *h, const uint8_t *msg,
                             size_t len) {
  OT_ENSURE(msg != NULL || len == 0, OT_E_ARG);
  OT_ENSURE(t->algs_set, OT_E_STATE);
  return ot_hash_update(h, msg, len);
}

ot_status ot_spdm_transcript_append_b(ot_spdm_transcript *t, const uint8_t *msg, size_t len) {
  OT_ENSURE(t != NULL, OT_E_ARG);
  return append_live(t, &t->m1, msg, len);
}

ot_status ot_spdm_transcript_append_c(ot_spdm_transcript *t, const uint8_t *msg, size_t len) {
  OT_ENSURE(t != NULL, OT_E_ARG);
  return append_live(t, &t->m1, msg, len);
}

ot_status ot_spdm_transcript_append_l(ot_spdm_transcript *t, const uint8_t *msg, size_t len) {
  OT_ENSURE(t != NULL, OT_E_ARG);
  return append_live(t, &t->l1, msg, len);
}

ot_status ot_spdm_transcript_set_d(ot_spdm_transcript *t, const uint8_t *digests, size_t len) {
  OT_ENSURE(t != NULL && (digests != NULL || len == 0), OT_E_ARG);
  OT_ENSURE(t->algs_set, OT_E_STATE);
  /* D is the first DIGESTS after A; later ones do not change it (DSP0274 1.3
   * "Transcript and transcript hash calculation rules", SPEC-FACTS §2.17). */
  if (!t->multi_key || t->has_d) return OT_SUCCESS;
  OT_ENSURE(len >= OT_SPDM_HEADER_SIZE, OT_E_TRUNCATED);
  OT_ENSURE(len <= sizeof(t->d), OT_E_TOO_LARGE);
  memcpy(t->d, digests, len);
  t->d_len = len;
  t->has_d = true;
  return OT_SUCCESS;
}

static ot_status peek(const ot_spdm_transcript *t, const ot_hash_ctx *h, uint8_t *digest,
                      size_t cap) {
  OT_ENSURE(t != NULL && digest != NULL, OT_E_ARG);
  OT_ENSURE(t->algs_set, OT_E_STATE);
  OT_ENSURE(cap >= t->hash_len, OT_E_NO_SPACE);
  return ot_hash_peek(h, digest, cap);
}

/* Replaces *h with a fresh fork of A (only once the fork succeeded). */
static ot_status restart(ot_spdm_transcript *t, ot_hash_ctx *h) {
  OT_ENSURE(t != NULL, OT_E_ARG);
  ot_hash_ctx fresh = {0};
  OT_GUARD(fork_a(t, &fresh));
  ot_hash_free(h);
  *h = fresh;
  return OT_SUCCESS;
}

ot_status ot_spdm_transcript_m1_hash(const ot_spdm_transcript *t, uint8_t *digest, size_t cap) {
  OT_ENSURE(t != NULL, OT_E_ARG);
  return peek(t, &t->m1, digest, cap);
}

ot_status ot_spdm_transcript_reset_m1(ot_spdm_transcript *t) {
  OT_ENSURE(t != NULL, OT_E_ARG);
  return restart(t, &t->m1);
}

ot_status ot_spdm_transcript_l1_hash(const ot_spdm_transcript *t, uint8_t *digest, size_t cap) {
  OT_ENSURE(t != NULL, OT_E_ARG);
  return peek(t, &t->l1, digest, cap);
}

ot_status ot_spdm_transcript_reset_l1(ot_spdm_transcript *t) {
  OT_ENSURE(t != NULL, OT_E_ARG);
  if (t->algs_set && OT_SPDM_PRE_12(t->version)) {
    ot_hash_ctx fresh = {0};
    OT_GUARD(ot_spdm_transcript_fork_l1_base(t, &fresh));
    ot_hash_free(&t->l1);
    t->l1 = fresh;
    return OT_SUCCESS;
  }
  return restart(t, &t->l1);
}

ot_status ot_spdm_transcript_fork_l1_base(const ot_spdm_transcript *t, ot_hash_ctx *dst) {
  OT_ENSURE(t != NULL && dst != NULL, OT_E_ARG);
  OT_ENSURE(t->algs_set, OT_E_STATE);
  if (!OT_SPDM_PRE_12(t->version)) return fork_a(t, dst);
  return ot_hash_init(dst, t->hash);
}

ot_status ot_spdm_transcript_fork_mut_m2(const ot_spdm_transcript *t, ot_hash_ctx *dst) {
  OT_ENSURE(t != NULL && dst != NULL, OT_E_ARG);
  OT_ENSURE(t->algs_set, OT_E_STATE);
  /* DSP0274 1.2 "CHALLENGE_AUTH signature generation": M2 = A || B || C. At
   * 1.1 the mutual M2 is the encapsulated B || C alone: libspdm adds A to the
   * mutual M1/M2 only above 1.1, in both roles, and its 1.1 requester's
   * signature verifies only so (docs/interop.md). */
  if (!OT_SPDM_PRE_12(t->version)) return fork_a(t, dst);
  return ot_hash_init(dst, t->hash);
}

ot_status ot_spdm_transcript_fork_a(const ot_spdm_transcript *t, ot_hash_ctx *dst) {
  OT_ENSURE(t != NULL && dst != NULL, OT_E_ARG);
  return fork_a(t, dst);
}

/* ---- session transcript ------------------------------------------------------------ */

static ot_status th_begin(ot_spdm_th *th, const ot_spdm_transcript *t, bool with_d,
                          const uint8_t *ct_hash, size_t ct_len) {
  ot_spdm_th n = {0};
  ot_status st;
  OT_GUARD_GOTO(st, fork_a(t, &n.h), fail);
  if (with_d) OT_GUARD_GOTO(st, ot_hash_update(&n.h, t->d, t->d_len), fail);
  if (ct_hash != NULL) OT_GUARD_GOTO(st, ot_hash_update(&n.h, ct_hash, ct_len), fail);
  n.alg = t->hash;
  n.hash_len = t->hash_len;
  n.live = true;
  *th = n;
  return OT_SUCCESS;
fail:
  ot_hash_free(&n.h);
  return st;
}

ot_status ot_spdm_th_begin_dhe(ot_spdm_th *th, const ot_spdm_transcript *t,
                               const uint8_t *cert_chain_hash, size_t hash_len) {
  OT_ENSURE(th != NULL && t != NULL && cert_chain_hash != NULL, OT_E_ARG);
  OT_ENSURE(t->algs_set, OT_E_STATE);
  OT_ENSURE(hash_len == t->hash_len, OT_E_ARG);
  /* TH = A || [D] || H(Ct) || ... ; D only on multi-key connections (T13). */
  OT_ENSURE(!t->multi_key || t->has_d, OT_E_STATE);
  return th_begin(th, t, t->multi_key, cert_chain_hash, hash_len);
}

ot_status ot_spdm_th_begin_psk(ot_spdm_th *th, const ot_spdm_transcript *t) {
  OT_ENSURE(th != NULL && t != NULL, OT_E_ARG);
  OT_ENSURE(t->algs_set, OT_E_STATE);
  /* PSK TH1 = A || PSK_EXCHANGE || ...: no D, no H(Ct) (SPEC-FACTS §2.19). */
  return th_begin(th, t, false, NULL, 0);
}

ot_status ot_spdm_th_append(ot_spdm_th *th, const uint8_t *bytes, size_t len) {
  OT_ENSURE(th != NULL && (bytes != NULL || len == 0), OT_E_ARG);
  OT_ENSURE(th->live, OT_E_STATE);
  return ot_hash_update(&th->h, bytes, len);
}

ot_status ot_spdm_th_hash(const ot_spdm_th *th, uint8_t *digest, size_t cap) {
  OT_ENSURE(th != NULL && digest != NULL, OT_E_ARG);
  OT_ENSURE(th->live, OT_E_STATE);
  OT_ENSURE(cap >= th->hash_len, OT_E_NO_SPACE);
  return ot_hash_peek(&th->h, digest, cap);
}

void ot_spdm_th_free(ot_spdm_th *th) {
  if (th == NULL) return;
  ot_hash_free(&th->h);
  ot_zeroize(th, sizeof(*th));
}
