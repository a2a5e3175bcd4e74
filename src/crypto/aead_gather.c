/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One-call AEAD over scattered AAD and text (see opentsm/crypto.h,
 * ot_aead_seal_gather). For the IDE data path: an aggregation group's AAD is
 * every TLP's prefix || header and its text every payload (and PCRC), each in
 * its own place in the TLPs, and one message must cost as few library calls
 * as the cipher allows.
 *
 * The calls are those of the keyed context in aead.c (one EVP_CipherInit_ex
 * with only a nonce, updates, one final), made directly: small AAD pieces
 * are gathered into a stack buffer so the cipher sees one AAD update, and
 * the per-step state checks of the incremental form are not needed because
 * the whole message is one call.
 */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <string.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

/* EVP takes int lengths: larger pieces go in slices. */
#define SLICE_MAX (1 << 30)

/* AAD up to this size is gathered into one update (an IDE group: 8 x 20 bytes). */
#define AAD_GATHER_MAX 256u
_Static_assert(AAD_GATHER_MAX >= 8u * 20u, "an 8-TLP IDE group's AAD gathers into one update");

static bool cipher_feed(EVP_CIPHER_CTX *evp, const uint8_t *in, size_t len, uint8_t *out) {
  if (len > 0 && len <= SLICE_MAX) {
    /* One piece (every IDE part): one update, no slicing bookkeeping. */
    int got = 0;
    if (EVP_CipherUpdate(evp, out, &got, in, (int)len) != 1) return false;
    /* GCM and ChaCha20 are stream modes: each input byte gives one output byte now. */
    return !out || got == (int)len;
  }
  while (len > 0) {
    int piece = len > SLICE_MAX ? SLICE_MAX : (int)len;
    int got = 0;
    if (EVP_CipherUpdate(evp, out, &got, in, piece) != 1) return false;
    /* GCM and ChaCha20 are stream modes: each input byte gives one output byte now. */
    if (out && got != piece) return false;
    in += piece;
    if (out) out += piece;
    len -= (size_t)piece;
  }
  return true;
}

/* The tag as an OSSL_PARAM list, filled in place (no library calls). */
static void tag_params(OSSL_PARAM params[static 2], uint8_t *tag, size_t len) {
  params[0] = (OSSL_PARAM){OSSL_CIPHER_PARAM_AEAD_TAG, OSSL_PARAM_OCTET_STRING, tag, len,
                           OSSL_PARAM_UNMODIFIED};
  params[1] = (OSSL_PARAM)OSSL_PARAM_END;
}

/* Nonce, AAD and text of one message through evp (direction set by enc). */
static bool run_message(EVP_CIPHER_CTX *evp, int enc, const uint8_t *nonce,
                        const ot_aead_aad_part *aad, size_t n_aad, const ot_aead_text_part *text,
                        size_t n_text) {
  /* Same key schedule, new nonce: no allocation. */
  if (EVP_CipherInit_ex(evp, NULL, NULL, NULL, nonce, enc) != 1) return false;
  if (n_aad == 1) {
    if (aad[0].len && !cipher_feed(evp, aad[0].data, aad[0].len, NULL)) return false;
    n_aad = 0; /* nothing to gather */
  }
  uint8_t buf[AAD_GATHER_MAX];
  size_t used = 0;
  for (size_t i = 0; i < n_aad; i++) {
    const ot_aead_aad_part *a = &aad[i];
    if (a->len == 0) continue;
    if (a->len <= sizeof buf - used) {
      memcpy(buf + used, a->data, a->len);
      used += a->len;
      continue;
    }
    if (used && !cipher_feed(evp, buf, used, NULL)) return false;
    used = 0;
    if (!cipher_feed(evp, a->data, a->len, NULL)) return false;
  }
  if (used && !cipher_feed(evp, buf, used, NULL)) return false;
  for (size_t i = 0; i < n_text; i++) {
    if (text[i].len && !cipher_feed(evp, text[i].in, text[i].len, text[i].out)) return false;
  }
  return true; /* buf held only AAD, which is public */
}

/* The argument checks both directions share. */
static ot_status check_parts(const ot_aead_key *k, const uint8_t *nonce,
                             const ot_aead_aad_part *aad, size_t n_aad,
                             const ot_aead_text_part *text, size_t n_text) {
  OT_ENSURE(k != NULL && nonce != NULL, OT_E_ARG);
  OT_ENSURE(aad != NULL || n_aad == 0, OT_E_ARG);
  OT_ENSURE(text != NULL || n_text == 0, OT_E_ARG);
  for (size_t i = 0; i < n_aad; i++)
    OT_ENSURE(aad[i].data != NULL || aad[i].len == 0, OT_E_ARG);
  for (size_t i = 0; i < n_text; i++)
    OT_ENSURE((text[i].in != NULL && text[i].out != NULL) || text[i].len == 0, OT_E_ARG);
  OT_ENSURE(k->evp != NULL, OT_E_STATE);
  return OT_SUCCESS;
}

ot_status ot_aead_seal_gather(ot_aead_key *k, const uint8_t nonce[static OT_AEAD_NONCE_SIZE],
                              const ot_aead_aad_part *aad, size_t n_aad,
                              const ot_aead_text_part *text, size_t n_text, uint8_t *tag,
                              size_t tag_cap) {
  OT_GUARD(check_parts(k, nonce, aad, n_aad, text, n_text));
  OT_ENSURE(tag != NULL, OT_E_ARG);
  OT_ENSURE(tag_cap >= k->tag_len, OT_E_NO_SPACE);
  k->phase = PHASE_IDLE; /* an incremental message in progress is abandoned */
  uint8_t rest[16];
  int rest_len = 0;
  OSSL_PARAM params[2];
  tag_params(params, tag, k->tag_len);
  /* SP 800-38D §5.2.1.2: a 96-bit tag is the leftmost 96 bits of the full one. */
  if (!run_message(k->evp, 1, nonce, aad, n_aad, text, n_text) ||
      EVP_CipherFinal_ex(k->evp, rest, &rest_len) != 1 || rest_len != 0 ||
      EVP_CIPHER_CTX_get_params(k->evp, params) != 1) {
    ERR_clear_error();
    OT_BAIL(OT_E_LIBRARY);
  }
  return OT_SUCCESS;
}

ot_status ot_aead_open_gather(ot_aead_key *k, const uint8_t nonce[static OT_AEAD_NONCE_SIZE],
                              const ot_aead_aad_part *aad, size_t n_aad,
                              const ot_aead_text_part *text, size_t n_text, const uint8_t *tag,
                              size_t tag_len) {
  OT_GUARD(check_parts(k, nonce, aad, n_aad, text, n_text));
  k->phase = PHASE_IDLE;
  ot_code code = OT_E_DECRYPT;
  /* A tag of the wrong length (truncated on the wire) never authenticates. */
  if (tag == NULL || tag_len != k->tag_len) goto fail;
  uint8_t rest[16];
  int rest_len = 0;
  OSSL_PARAM params[2];
  tag_params(params, (uint8_t *)tag, tag_len); /* read only: this is a set */
  code = OT_E_LIBRARY;
  if (!run_message(k->evp, 0, nonce, aad, n_aad, text, n_text) ||
      EVP_CIPHER_CTX_set_params(k->evp, params) != 1)
    goto fail;
  code = OT_E_DECRYPT;
  /* The provider compares the tag in constant time (CRYPTO_memcmp). */
  if (EVP_CipherFinal_ex(k->evp, rest, &rest_len) != 1 || rest_len != 0) goto fail;
  return OT_SUCCESS;
fail:
  ERR_clear_error();
  /* No unauthenticated plaintext leaves this function. */
  for (size_t i = 0; i < n_text; i++) {
    if (text[i].len) ot_zeroize(text[i].out, text[i].len);
  }
  OT_BAIL(code);
}
