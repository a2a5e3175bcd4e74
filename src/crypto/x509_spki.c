/* SPDX-License-Identifier: BSD-3-Clause */
/* A public key as a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), the form
 * SPDM 1.3 KEY_PAIR_INFO reports a key pair's public key in. */
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto_internal.h"
#include "opentsm/x509.h"

OT_RESULT ot_x509_spki_encode(ot_curve curve, const uint8_t *pub, size_t pub_len, uint8_t *out,
                              size_t cap, size_t *out_len) {
  OT_ENSURE(pub && out && out_len, OT_E_ARG);
  EVP_PKEY *k = NULL;
  if (ot_key_is_rsa(curve)) {
    OT_GUARD(ot_pkey_rsa_from_public(curve, pub, pub_len, &k));
  } else {
    OT_ENSURE(pub_len == ot_curve_public_size(curve), OT_E_ARG);
    OT_GUARD(ot_pkey_from_raw_public(curve, pub, &k));
  }
  int n = i2d_PUBKEY(k, NULL);
  ot_status st = OT_SUCCESS;
  if (n <= 0)
    st = ot_status_of(OT_E_LIBRARY);
  else if ((size_t)n > cap)
    st = ot_status_of(OT_E_NO_SPACE);
  if (ot_ok(st)) {
    unsigned char *p = out;
    if (i2d_PUBKEY(k, &p) != n) st = ot_status_of(OT_E_LIBRARY);
  }
  EVP_PKEY_free(k);
  if (ot_ok(st)) *out_len = (size_t)n;
  return st;
}
