/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HKDF (RFC 5869) through EVP_KDF "HKDF", with the extract and expand steps
 * exposed separately (mode EXTRACT_ONLY / EXPAND_ONLY), as the SPDM key
 * schedule (DSP0274 1.3 §12.7) chains them itself. See opentsm/crypto.h.
 */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

/* OSSL_PARAM octet strings must not point at NULL even when empty. */
static const uint8_t empty_input[1];

/* Runs HKDF in the given mode with params[0..n) completed by digest and mode. */
static ot_status hkdf_derive(ot_hash_alg alg, const char *mode, OSSL_PARAM *params, size_t n,
                             uint8_t *out, size_t out_len) {
  const char *digest = ot_hash_name(alg);
  OT_ENSURE(digest != NULL, OT_E_UNSUPPORTED);
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest, 0);
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, (char *)mode, 0);
  params[n] = OSSL_PARAM_construct_end();

  EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
  OT_ENSURE(kdf != NULL, OT_E_LIBRARY);
  EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  OT_ENSURE(ctx != NULL, OT_E_NOMEM);
  int rc = EVP_KDF_derive(ctx, out, out_len, params);
  EVP_KDF_CTX_free(ctx); /* clear-frees its copies of the key, salt and info */
  if (rc != 1) {
    ERR_clear_error();
    ot_zeroize(out, out_len);
    OT_BAIL(OT_E_LIBRARY);
  }
  return OT_SUCCESS;
}

ot_status ot_hkdf_extract(ot_hash_alg alg, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                          size_t ikm_len, uint8_t *prk, size_t cap) {
  size_t size = ot_hash_size(alg);
  OT_ENSURE(size != 0, OT_E_UNSUPPORTED);
  OT_ENSURE(prk != NULL && (salt != NULL || salt_len == 0) && (ikm != NULL || ikm_len == 0),
            OT_E_ARG);
  OT_ENSURE(cap >= size, OT_E_NO_SPACE);
  OSSL_PARAM params[5];
  size_t n = 0;
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                                  (void *)(ikm_len ? ikm : empty_input), ikm_len);
  /*
   * RFC 5869 §2.2: an absent salt is HashLen zeros. Leaving the parameter out
   * gives the library's zero-length HMAC key, which HMAC pads to the same
   * block of zeros (RFC 2104 §2).
   */
  if (salt_len)
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
  return hkdf_derive(alg, "EXTRACT_ONLY", params, n, prk, size);
}

ot_status ot_hkdf_expand(ot_hash_alg alg, const uint8_t *prk, size_t prk_len, const uint8_t *info,
                         size_t info_len, uint8_t *okm, size_t okm_len) {
  size_t size = ot_hash_size(alg);
  OT_ENSURE(size != 0, OT_E_UNSUPPORTED);
  OT_ENSURE(prk != NULL && okm != NULL && (info != NULL || info_len == 0), OT_E_ARG);
  /* RFC 5869 §2.3: PRK is at least HashLen octets; L <= 255 * HashLen. */
  OT_ENSURE(prk_len >= size, OT_E_BAD_KEY);
  OT_ENSURE(okm_len >= 1 && okm_len <= 255 * size, OT_E_ARG);
  OSSL_PARAM params[5];
  size_t n = 0;
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)prk, prk_len);
  if (info_len)
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
  return hkdf_derive(alg, "EXPAND_ONLY", params, n, okm, okm_len);
}
