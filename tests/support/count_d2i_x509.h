/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counts the certificate decodes OpenSSL does: an interposer of d2i_X509 that
 * counts each call in d2i_calls and forwards it to the real function. For
 * tests that hold the crypto layer to a number of decodes; include it in
 * exactly one file of a test executable (it defines the symbol).
 */
#ifndef OT_COUNT_D2I_X509_H
#define OT_COUNT_D2I_X509_H

#include <dlfcn.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

static unsigned d2i_calls;

X509 *d2i_X509(X509 **a, const unsigned char **in, long len) {
  typedef X509 *(*fn)(X509 **, const unsigned char **, long);
  static fn real;
  if (real == NULL) {
    void *sym = dlsym(RTLD_NEXT, "d2i_X509");
    if (sym == NULL) abort();
    memcpy(&real, &sym, sizeof(real));
  }
  d2i_calls++;
  return real(a, in, len);
}

#endif
