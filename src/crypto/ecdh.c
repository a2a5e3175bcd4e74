/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECDH over P-256 / P-384 (SP 800-56A Rev. 3 §5.7.1.2), as SPDM KEY_EXCHANGE
 * uses it (DSP0274 1.3 §10.12): the shared secret is the X coordinate of
 * d * Q, curve-size bytes. See opentsm/crypto.h.
 */
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

ot_status ot_ecdh(ot_curve curve, const uint8_t *priv, size_t priv_len, const uint8_t *peer,
                  size_t peer_len, uint8_t *secret, size_t secret_cap) {
  size_t n = ot_curve_size(curve);
  OT_ENSURE(ot_curve_is_weierstrass(curve), OT_E_UNSUPPORTED);
  OT_ENSURE(priv != NULL && secret != NULL && (peer != NULL || peer_len == 0), OT_E_ARG);
  OT_ENSURE(priv_len == n && peer_len == 2 * n, OT_E_BAD_KEY);
  OT_ENSURE(secret_cap >= n, OT_E_NO_SPACE);

  ot_status st;
  EVP_PKEY *mine = NULL, *theirs = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  /* d * Q needs the scalar d only (§5.7.1.2), not our public point. */
  OT_GUARD_GOTO(st, ot_pkey_from_raw_scalar(curve, priv, &mine), out);
  /* §5.6.2.3.3 full public-key validation: on the curve, not the identity. */
  OT_GUARD_GOTO(st, ot_pkey_from_raw_public(curve, peer, &theirs), out);
  ctx = EVP_PKEY_CTX_new_from_pkey(NULL, mine, NULL);
  /* The peer key was validated just above: no second validation (0). */
  size_t len = n;
  st = ot_status_of(OT_E_LIBRARY);
  if (ctx && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer_ex(ctx, theirs, 0) == 1 &&
      EVP_PKEY_derive(ctx, secret, &len) == 1 && len == n)
    st = OT_SUCCESS;
out:
  if (!ot_ok(st)) {
    ERR_clear_error();
    ot_zeroize(secret, n);
  }
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(theirs);
  EVP_PKEY_free(mine);
  return st;
}
