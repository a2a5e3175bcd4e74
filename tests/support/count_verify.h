/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counts the signature verifications the crypto layer starts: an interposer
 * of EVP_DigestVerifyInit_ex (every ECDSA, EdDSA and RSA verification of
 * src/crypto calls it) that counts each call in verify_calls and forwards it
 * to the real function. For tests that tell whether a certificate chain was
 * validated (each validation verifies its signatures); include it in exactly
 * one file of a test executable (it defines the symbol).
 */
#ifndef OT_COUNT_VERIFY_H
#define OT_COUNT_VERIFY_H

#include <dlfcn.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static unsigned verify_calls;

int EVP_DigestVerifyInit_ex(EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx, const char *mdname,
                            OSSL_LIB_CTX *libctx, const char *props, EVP_PKEY *pkey,
                            const OSSL_PARAM params[]) {
  typedef int (*fn)(EVP_MD_CTX *, EVP_PKEY_CTX **, const char *, OSSL_LIB_CTX *, const char *,
                    EVP_PKEY *, const OSSL_PARAM[]);
  static fn real;
  if (real == NULL) {
    void *sym = dlsym(RTLD_NEXT, "EVP_DigestVerifyInit_ex");
    if (sym == NULL) abort();
    memcpy(&real, &sym, sizeof(real));
  }
  verify_calls++;
  return real(ctx, pctx, mdname, libctx, props, pkey, params);
}

#endif
