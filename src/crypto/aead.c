/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AEAD with a reusable keyed context: AES-128/256-GCM (NIST SP 800-38D) and
 * ChaCha20-Poly1305 (RFC 8439). See opentsm/crypto.h.
 *
 * The EVP_CIPHER_CTX is created and keyed once in ot_aead_key_init. Each
 * message re-initialises it with only a nonce (EVP_CipherInit_ex with NULL
 * cipher and key), which keeps the expanded key and allocates nothing; tags
 * go through OSSL_PARAMs built on the stack. This is the IDE hot path.
 */
#include <limits.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

_Static_assert(OT_AEAD_NONCE_SIZE == 12, "both ciphers default to a 96-bit IV");
_Static_assert(OT_AEAD_TAG_SIZE <= 16 && OT_AEAD_TAG_IDE <= OT_AEAD_TAG_SIZE, "tag sizes");

/* EVP takes int lengths: feed larger buffers in pieces. */
#define CHUNK_MAX (1 << 30)

static const char *cipher_name(ot_aead_alg alg) {
  switch (alg) {
  case OT_AEAD_AES256_GCM: return "AES-256-GCM";
  case OT_AEAD_CHACHA20_POLY1305: return "ChaCha20-Poly1305";
  case OT_AEAD_AES128_GCM: return "AES-128-GCM";
  default: return NULL;
  }
}

ot_status ot_aead_key_init(ot_aead_key *k, ot_aead_alg alg, const uint8_t *key, size_t key_len,
                           size_t tag_len) {
  OT_ENSURE(k != NULL, OT_E_ARG);
  /* A refused key leaves the whole context zero, padding included. */
  memset(k, 0, sizeof(*k));
  k->phase = PHASE_IDLE;
  const char *name = cipher_name(alg);
  OT_ENSURE(name != NULL, OT_E_UNSUPPORTED);
  OT_ENSURE(key != NULL && key_len == ot_aead_key_size(alg), OT_E_BAD_KEY);
  /* 16-byte tags for all; GCM also 12 (IDE, PCIe r6.0 §6.33; SP 800-38D §5.2.1.2). */
  OT_ENSURE(tag_len == OT_AEAD_TAG_SIZE ||
                (alg != OT_AEAD_CHACHA20_POLY1305 && tag_len == OT_AEAD_TAG_IDE),
            OT_E_UNSUPPORTED);

  EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, name, NULL);
  OT_ENSURE(cipher != NULL, OT_E_LIBRARY);
  EVP_CIPHER_CTX *evp = EVP_CIPHER_CTX_new();
  int ok = evp != NULL && EVP_CipherInit_ex(evp, cipher, NULL, key, NULL, 1) == 1 &&
           EVP_CIPHER_CTX_get_iv_length(evp) == (int)OT_AEAD_NONCE_SIZE;
  EVP_CIPHER_free(cipher); /* the context keeps its own reference */
  if (!ok) {
    EVP_CIPHER_CTX_free(evp);
    ERR_clear_error();
    OT_BAIL(OT_E_LIBRARY);
  }
  k->alg = alg;
  k->tag_len = (uint8_t)tag_len;
  k->evp = evp;
  return OT_SUCCESS;
}

void ot_aead_key_clear(ot_aead_key *k) {
  if (!k) return;
  EVP_CIPHER_CTX_free(k->evp); /* the providers clear-free the key schedule */
  ot_zeroize(k, sizeof *k);
}

ot_status ot_aead_begin(ot_aead_key *k, ot_aead_dir dir,
                        const uint8_t nonce[static OT_AEAD_NONCE_SIZE]) {
  OT_ENSURE(k != NULL && nonce != NULL, OT_E_ARG);
  OT_ENSURE(dir == OT_AEAD_SEAL || dir == OT_AEAD_OPEN, OT_E_ARG);
  OT_ENSURE(k->evp != NULL, OT_E_STATE);
  k->phase = PHASE_IDLE;
  int enc = dir == OT_AEAD_SEAL;
  /* New nonce, same key schedule: no allocation. */
  OT_ENSURE(EVP_CipherInit_ex(k->evp, NULL, NULL, NULL, nonce, enc) == 1, OT_E_LIBRARY);
  k->phase = enc ? PHASE_SEAL_AAD : PHASE_OPEN_AAD;
  return OT_SUCCESS;
}

/* Feeds in[0..len) through EVP_CipherUpdate (out NULL for AAD). */
static ot_status cipher_update(EVP_CIPHER_CTX *evp, const uint8_t *in, size_t len, uint8_t *out) {
  while (len > 0) {
    int piece = len > CHUNK_MAX ? CHUNK_MAX : (int)len;
    int out_len = 0;
    if (EVP_CipherUpdate(evp, out, &out_len, in, piece) != 1) return ot_status_of(OT_E_LIBRARY);
    /* Both ciphers are stream modes: every input byte gives one output byte now. */
    if (out && out_len != piece) return ot_status_of(OT_E_LIBRARY);
    in += piece;
    if (out) out += piece;
    len -= (size_t)piece;
  }
  return OT_SUCCESS;
}

ot_status ot_aead_aad(ot_aead_key *k, const uint8_t *aad, size_t len) {
  OT_ENSURE(k != NULL && (aad != NULL || len == 0), OT_E_ARG);
  OT_ENSURE(k->phase == PHASE_SEAL_AAD || k->phase == PHASE_OPEN_AAD, OT_E_STATE);
  ot_status st = cipher_update(k->evp, aad, len, NULL);
  if (!ot_ok(st)) k->phase = PHASE_IDLE;
  return st;
}

ot_status ot_aead_update(ot_aead_key *k, const uint8_t *in, size_t len, uint8_t *out) {
  OT_ENSURE(k != NULL && ((in != NULL && out != NULL) || len == 0), OT_E_ARG);
  OT_ENSURE(k->phase != PHASE_IDLE, OT_E_STATE);
  k->phase = (k->phase == PHASE_SEAL_AAD || k->phase == PHASE_SEAL_DATA) ? PHASE_SEAL_DATA
                                                                         : PHASE_OPEN_DATA;
  ot_status st = cipher_update(k->evp, in, len, out);
  if (!ot_ok(st)) k->phase = PHASE_IDLE;
  return st;
}

ot_status ot_aead_finish_seal(ot_aead_key *k, uint8_t *tag, size_t tag_cap) {
  OT_ENSURE(k != NULL && tag != NULL, OT_E_ARG);
  OT_ENSURE(k->phase == PHASE_SEAL_AAD || k->phase == PHASE_SEAL_DATA, OT_E_STATE);
  OT_ENSURE(tag_cap >= k->tag_len, OT_E_NO_SPACE);
  k->phase = PHASE_IDLE;
  uint8_t rest[16];
  int rest_len = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, k->tag_len),
      OSSL_PARAM_construct_end(),
  };
  /* SP 800-38D §5.2.1.2: a shorter tag is the leftmost bits of the full one. */
  if (EVP_CipherFinal_ex(k->evp, rest, &rest_len) != 1 || rest_len != 0 ||
      EVP_CIPHER_CTX_get_params(k->evp, params) != 1) {
    ERR_clear_error();
    OT_BAIL(OT_E_LIBRARY);
  }
  return OT_SUCCESS;
}

ot_status ot_aead_finish_open(ot_aead_key *k, const uint8_t *tag, size_t tag_len) {
  OT_ENSURE(k != NULL, OT_E_ARG);
  OT_ENSURE(k->phase == PHASE_OPEN_AAD || k->phase == PHASE_OPEN_DATA, OT_E_STATE);
  k->phase = PHASE_IDLE;
  /* A tag of the wrong length (truncated on the wire) never authenticates. */
  OT_ENSURE(tag != NULL && tag_len == k->tag_len, OT_E_DECRYPT);
  uint8_t rest[16];
  int rest_len = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, (void *)tag, tag_len),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_CIPHER_CTX_set_params(k->evp, params) != 1) {
    ERR_clear_error();
    OT_BAIL(OT_E_LIBRARY);
  }
  /* The provider compares the tag in constant time (CRYPTO_memcmp). */
  if (EVP_CipherFinal_ex(k->evp, rest, &rest_len) != 1 || rest_len != 0) {
    ERR_clear_error();
    OT_BAIL(OT_E_DECRYPT);
  }
  return OT_SUCCESS;
}

ot_status ot_aead_seal(ot_aead_key *k, const uint8_t nonce[static OT_AEAD_NONCE_SIZE],
                       const uint8_t *aad, size_t aad_len, const uint8_t *pt, size_t len,
                       uint8_t *ct, uint8_t *tag, size_t tag_cap) {
  OT_ENSURE(k != NULL && tag != NULL, OT_E_ARG);
  OT_ENSURE(tag_cap >= k->tag_len, OT_E_NO_SPACE);
  OT_GUARD(ot_aead_begin(k, OT_AEAD_SEAL, nonce));
  OT_GUARD(ot_aead_aad(k, aad, aad_len));
  OT_GUARD(ot_aead_update(k, pt, len, ct));
  return ot_aead_finish_seal(k, tag, tag_cap);
}

ot_status ot_aead_open(ot_aead_key *k, const uint8_t nonce[static OT_AEAD_NONCE_SIZE],
                       const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t len,
                       const uint8_t *tag, size_t tag_len, uint8_t *pt) {
  OT_ENSURE(k != NULL && ((ct != NULL && pt != NULL) || len == 0), OT_E_ARG);
  ot_status st;
  OT_GUARD_GOTO(st, ot_aead_begin(k, OT_AEAD_OPEN, nonce), fail);
  OT_GUARD_GOTO(st, ot_aead_aad(k, aad, aad_len), fail);
  OT_GUARD_GOTO(st, ot_aead_update(k, ct, len, pt), fail);
  OT_GUARD_GOTO(st, ot_aead_finish_open(k, tag, tag_len), fail);
  return OT_SUCCESS;
fail:
  /* No unauthenticated plaintext leaves this function. */
  if (pt) ot_zeroize(pt, len);
  if (k->phase != PHASE_IDLE) k->phase = PHASE_IDLE;
  return st;
}
