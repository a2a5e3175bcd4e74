/* SPDX-License-Identifier: BSD-3-Clause */
/* HMAC through EVP_MAC (RFC 2104, FIPS 198-1): see opentsm/crypto.h. */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

/* EVP_MAC_init treats a NULL key as "keep the previous key": give it a real pointer. */
static const uint8_t empty_key[1];

ot_status ot_hmac_init(ot_hmac_ctx *ctx, ot_hash_alg alg, const uint8_t *key, size_t key_len) {
  OT_ENSURE(ctx != NULL && (key != NULL || key_len == 0), OT_E_ARG);
  ctx->alg = 0;
  ctx->finished = false;
  ctx->evp = NULL;
  const char *digest = ot_hash_name(alg);
  OT_ENSURE(digest != NULL, OT_E_UNSUPPORTED);

  EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
  OT_ENSURE(mac != NULL, OT_E_LIBRARY);
  EVP_MAC_CTX *evp = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac); /* the context holds its own reference */
  OT_ENSURE(evp != NULL, OT_E_NOMEM);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_init(evp, key_len ? key : empty_key, key_len, params) != 1) {
    EVP_MAC_CTX_free(evp);
    ERR_clear_error();
    OT_BAIL(OT_E_LIBRARY);
  }
  ctx->alg = alg;
  ctx->evp = evp;
  return OT_SUCCESS;
}

ot_status ot_hmac_update(ot_hmac_ctx *ctx, const uint8_t *data, size_t len) {
  OT_ENSURE(ctx != NULL && (data != NULL || len == 0), OT_E_ARG);
  OT_ENSURE(ctx->evp != NULL && !ctx->finished, OT_E_STATE);
  if (len == 0) return OT_SUCCESS;
  OT_ENSURE(EVP_MAC_update(ctx->evp, data, len) == 1, OT_E_LIBRARY);
  return OT_SUCCESS;
}

ot_status ot_hmac_final(ot_hmac_ctx *ctx, uint8_t *mac, size_t cap) {
  OT_ENSURE(ctx != NULL && mac != NULL, OT_E_ARG);
  OT_ENSURE(ctx->evp != NULL && !ctx->finished, OT_E_STATE);
  size_t size = ot_hash_size(ctx->alg);
  OT_ENSURE(cap >= size, OT_E_NO_SPACE);
  size_t out_len = 0;
  ctx->finished = true;
  OT_ENSURE(EVP_MAC_final(ctx->evp, mac, &out_len, size) == 1 && out_len == size, OT_E_LIBRARY);
  return OT_SUCCESS;
}

void ot_hmac_free(ot_hmac_ctx *ctx) {
  if (!ctx) return;
  EVP_MAC_CTX_free(ctx->evp); /* frees the key copy and the inner/outer states with cleansing */
  ot_zeroize(ctx, sizeof *ctx);
}

ot_status ot_hmac(ot_hash_alg alg, const uint8_t *key, size_t key_len, const uint8_t *data,
                  size_t len, uint8_t *mac, size_t cap) {
  OT_ENSURE(mac != NULL && (data != NULL || len == 0), OT_E_ARG);
  OT_ENSURE(ot_hash_size(alg) != 0, OT_E_UNSUPPORTED);
  OT_ENSURE(cap >= ot_hash_size(alg), OT_E_NO_SPACE);
  ot_hmac_ctx ctx;
  OT_GUARD(ot_hmac_init(&ctx, alg, key, key_len));
  ot_status st = ot_hmac_update(&ctx, data, len);
  if (ot_ok(st)) st = ot_hmac_final(&ctx, mac, cap);
  ot_hmac_free(&ctx);
  if (!ot_ok(st)) ot_zeroize(mac, ot_hash_size(alg));
  return st;
}

ot_status ot_hmac_verify(ot_hash_alg alg, const uint8_t *key, size_t key_len, const uint8_t *data,
                         size_t len, const uint8_t *tag, size_t tag_len) {
  size_t size = ot_hash_size(alg);
  OT_ENSURE(size != 0, OT_E_UNSUPPORTED);
  OT_ENSURE(tag != NULL && tag_len >= OT_HMAC_MIN_TAG && tag_len <= size, OT_E_ARG);
  uint8_t expect[OT_HASH_MAX_SIZE];
  ot_status st = ot_hmac(alg, key, key_len, data, len, expect, sizeof expect);
  if (ot_ok(st) && !ot_ct_equal(expect, tag, tag_len)) st = ot_status_of(OT_E_VERIFY);
  ot_zeroize(expect, sizeof expect);
  return st;
}
