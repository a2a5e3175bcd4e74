/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One interface for SPDM's ephemeral key exchange (DSP0274 1.2 §10.4
 * DHENamedGroup, §"KEY_EXCHANGE request" ExchangeData): ECDHE over the NIST
 * curves (ecdh.c, keygen.c) or FFDHE over the RFC 7919 groups (ffdhe.c).
 * See opentsm/crypto.h.
 */
#include "crypto_internal.h"
#include "ffdhe_internal.h"
#include "opentsm/secure.h"

size_t ot_dhe_private_size(ot_curve group) {
  if (ot_group_is_ffdhe(group)) return ot_ffdhe_private_size(group);
  return ot_curve_is_weierstrass(group) ? ot_curve_size(group) : 0;
}

size_t ot_dhe_public_size(ot_curve group) {
  /* EC: X || Y; FFDHE: Y padded to |p| (DSP0274 1.2 Table "KEY_EXCHANGE request"). */
  return ot_dhe_private_size(group) ? ot_curve_public_size(group) : 0;
}

size_t ot_dhe_secret_size(ot_curve group) {
  /* EC: the X coordinate; FFDHE: Z padded to |p|. Both ot_curve_size bytes. */
  return ot_dhe_private_size(group) ? ot_curve_size(group) : 0;
}

ot_status ot_dhe_generate(ot_curve group, ot_rng *rng, uint8_t *priv, size_t priv_cap,
                          uint8_t *pub, size_t pub_cap) {
  size_t xn = ot_dhe_private_size(group);
  OT_ENSURE(xn != 0, OT_E_UNSUPPORTED);
  OT_ENSURE(rng != NULL && priv != NULL && pub != NULL, OT_E_ARG);
  OT_ENSURE(priv_cap >= xn && pub_cap >= ot_dhe_public_size(group), OT_E_NO_SPACE);
  if (ot_group_is_ffdhe(group)) return ot_ffdhe_generate(group, rng, priv, pub);
  return ot_key_generate(group, rng, priv, priv_cap, pub, pub_cap);
}

ot_status ot_dhe_shared(ot_curve group, const uint8_t *priv, size_t priv_len, const uint8_t *peer,
                        size_t peer_len, uint8_t *secret, size_t secret_cap) {
  size_t xn = ot_dhe_private_size(group);
  OT_ENSURE(xn != 0, OT_E_UNSUPPORTED);
  if (!ot_group_is_ffdhe(group))
    return ot_ecdh(group, priv, priv_len, peer, peer_len, secret, secret_cap);
  OT_ENSURE(priv != NULL && secret != NULL && (peer != NULL || peer_len == 0), OT_E_ARG);
  OT_ENSURE(priv_len == xn && peer_len == ot_dhe_public_size(group), OT_E_BAD_KEY);
  OT_ENSURE(secret_cap >= ot_dhe_secret_size(group), OT_E_NO_SPACE);
  return ot_ffdhe_shared(group, priv, peer, secret);
}
