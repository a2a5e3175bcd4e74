/* SPDX-License-Identifier: BSD-3-Clause */
/* SHA-2 hashes, one-shot and running (FIPS 180-4): see opentsm/crypto.h. */
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

ot_status ot_hash(ot_hash_alg alg, const uint8_t *data, size_t len, uint8_t *digest, size_t cap) {
  const EVP_MD *md = ot_evp_md(alg);
  OT_ENSURE(md != NULL, OT_E_UNSUPPORTED);
  OT_ENSURE(digest != NULL && (data != NULL || len == 0), OT_E_ARG);
  size_t size = ot_hash_size(alg);
  OT_ENSURE(cap >= size, OT_E_NO_SPACE);
  unsigned int out_len = 0;
  static const uint8_t empty[1];
  if (EVP_Digest(len ? data : empty, len, digest, &out_len, md, NULL) != 1 || out_len != size) {
    ERR_clear_error();
    OT_BAIL(OT_E_LIBRARY);
  }
  return OT_SUCCESS;
}

ot_status ot_hash_init(ot_hash_ctx *ctx, ot_hash_alg alg) {
  OT_ENSURE(ctx != NULL, OT_E_ARG);
  ctx->alg = 0;
  ctx->finished = false;
  ctx->evp = NULL;
  const EVP_MD *md = ot_evp_md(alg);
  OT_ENSURE(md != NULL, OT_E_UNSUPPORTED);
  EVP_MD_CTX *evp = EVP_MD_CTX_new();
  OT_ENSURE(evp != NULL, OT_E_NOMEM);
  if (EVP_DigestInit_ex(evp, md, NULL) != 1) {
    EVP_MD_CTX_free(evp);
    ERR_clear_error();
    OT_BAIL(OT_E_LIBRARY);
  }
  ctx->alg = alg;
  ctx->evp = evp;
  return OT_SUCCESS;
}

ot_status ot_hash_update(ot_hash_ctx *ctx, const uint8_t *data, size_t len) {
  OT_ENSURE(ctx != NULL && (data != NULL || len == 0), OT_E_ARG);
  OT_ENSURE(ctx->evp != NULL && !ctx->finished, OT_E_STATE);
  if (len == 0) return OT_SUCCESS;
  OT_ENSURE(EVP_DigestUpdate(ctx->evp, data, len) == 1, OT_E_LIBRARY);
  return OT_SUCCESS;
}

ot_status ot_hash_final(ot_hash_ctx *ctx, uint8_t *digest, size_t cap) {
  OT_ENSURE(ctx != NULL && digest != NULL, OT_E_ARG);
  OT_ENSURE(ctx->evp != NULL && !ctx->finished, OT_E_STATE);
  size_t size = ot_hash_size(ctx->alg);
  OT_ENSURE(cap >= size, OT_E_NO_SPACE);
  unsigned int out_len = 0;
  ctx->finished = true;
  OT_ENSURE(EVP_DigestFinal_ex(ctx->evp, digest, &out_len) == 1 && out_len == size, OT_E_LIBRARY);
  return OT_SUCCESS;
}

ot_status ot_hash_copy(ot_hash_ctx *dst, const ot_hash_ctx *src) {
  OT_ENSURE(dst != NULL && src != NULL && dst != src, OT_E_ARG);
  dst->alg = 0;
  dst->finished = false;
  dst->evp = NULL;
  OT_ENSURE(src->evp != NULL && !src->finished, OT_E_STATE);
  EVP_MD_CTX *evp = EVP_MD_CTX_new();
  OT_ENSURE(evp != NULL, OT_E_NOMEM);
  if (EVP_MD_CTX_copy_ex(evp, src->evp) != 1) {
    EVP_MD_CTX_free(evp);
    ERR_clear_error();
    OT_BAIL(OT_E_LIBRARY);
  }
  dst->alg = src->alg;
  dst->evp = evp;
  return OT_SUCCESS;
}

ot_status ot_hash_peek(const ot_hash_ctx *ctx, uint8_t *digest, size_t cap) {
  OT_ENSURE(ctx != NULL && digest != NULL, OT_E_ARG);
  OT_ENSURE(cap >= ot_hash_size(ctx->alg), OT_E_NO_SPACE);
  ot_hash_ctx fork;
  OT_GUARD(ot_hash_copy(&fork, ctx));
  ot_status st = ot_hash_final(&fork, digest, cap);
  ot_hash_free(&fork);
  return st;
}

void ot_hash_free(ot_hash_ctx *ctx) {
  if (!ctx) return;
  EVP_MD_CTX_free(ctx->evp); /* cleanses the digest state (OPENSSL_clear_free) */
  ot_zeroize(ctx, sizeof *ctx);
}
