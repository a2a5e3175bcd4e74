/* SPDX-License-Identifier: BSD-3-Clause */
/* Key generation from an ot_rng, and public-from-private: see opentsm/crypto.h. */
#include <string.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

/*
 * Rejection sampling draws until a candidate lands in [1, n-1]. For P-256 a
 * draw fails with probability < 2^-32, for P-384 < 2^-190: reaching this
 * bound means the rng is broken, not unlucky. P-521 (521-bit candidates, n
 * close to 2^521) fails with probability < 2^-260.
 */
#define MAX_DRAWS 64

ot_status ot_key_public(ot_curve curve, const uint8_t *priv, size_t priv_len, uint8_t *pub,
                        size_t pub_cap) {
  size_t n = ot_curve_size(curve);
  size_t pub_size = ot_curve_public_size(curve);
  OT_ENSURE(ot_curve_is_weierstrass(curve) || curve == OT_CURVE_ED25519, OT_E_UNSUPPORTED);
  OT_ENSURE(priv != NULL && pub != NULL, OT_E_ARG);
  OT_ENSURE(priv_len == n, OT_E_BAD_KEY);
  OT_ENSURE(pub_cap >= pub_size, OT_E_NO_SPACE);
  EVP_PKEY *key = NULL;
  OT_GUARD(ot_pkey_from_raw_private(curve, priv, &key));
  ot_curve got = 0;
  size_t len = 0;
  ot_status st = ot_pkey_to_raw_public(key, &got, pub, pub_cap, &len);
  EVP_PKEY_free(key); /* clears the private key it holds */
  OT_GUARD(st);
  OT_ENSURE(got == curve && len == pub_size, OT_E_INTERNAL);
  return OT_SUCCESS;
}

ot_status ot_key_generate(ot_curve curve, ot_rng *rng, uint8_t *priv, size_t priv_cap, uint8_t *pub,
                          size_t pub_cap) {
  size_t n = ot_curve_size(curve);
  OT_ENSURE(ot_curve_is_weierstrass(curve) || curve == OT_CURVE_ED25519, OT_E_UNSUPPORTED);
  OT_ENSURE(rng != NULL && priv != NULL && pub != NULL, OT_E_ARG);
  OT_ENSURE(priv_cap >= n && pub_cap >= ot_curve_public_size(curve), OT_E_NO_SPACE);

  ot_status st;
  uint8_t d[OT_ECC_MAX_SCALAR];
  _Static_assert(OT_ED25519_KEY_SIZE <= OT_ECC_MAX_SCALAR, "seed fits the scalar buffer");
  if (curve == OT_CURVE_ED25519) {
    /* RFC 8032 §5.1.5: the private key is 32 random bytes. */
    OT_GUARD_GOTO(st, ot_rng_fill(rng, d, n), out);
  } else {
    /* FIPS 186-5 §A.4.2 (rejection sampling): retry until 1 <= d <= n-1. */
    bool found = false;
    for (int i = 0; i < MAX_DRAWS && !found; i++) {
      OT_GUARD_GOTO(st, ot_rng_fill(rng, d, n), out);
      /* §A.4.2 draws exactly len(n) bits: P-521's n is 521 bits, so the
       * leading byte keeps its low bit only (else 127 draws in 128 fail). */
      if (curve == OT_CURVE_P521) d[0] &= 0x01;
      found = ot_scalar_in_range(curve, d, n);
    }
    OT_ENSURE_GOTO(st, found, OT_E_RNG, out);
  }
  OT_GUARD_GOTO(st, ot_key_public(curve, d, n, pub, pub_cap), out);
  memcpy(priv, d, n);
out:
  ot_zeroize(d, sizeof d);
  return st;
}
