/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Finite-field Diffie-Hellman over the RFC 7919 groups ffdhe2048/3072/4096
 * (SPDM DHENamedGroup bits FFDHE2048/3072/4096, DSP0274 1.2 §10.4), the
 * FFDHE half of ot_dhe_* (dhe.c). Values on the wire and the shared secret
 * are big-endian, left-padded to the size of p. See opentsm/crypto.h.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <string.h>

#include "crypto_internal.h"
#include "ffdhe_internal.h"
#include "opentsm/secure.h"

size_t ot_ffdhe_private_size(ot_curve group) {
  /*
   * SP 800-56A Rev. 3 §5.6.1.1.4 / RFC 7919 §5.2: an exponent of at least
   * 2 * s bits for the security strength s (112, 128, 152 per SP 800-56A
   * Table 25 / RFC 7919 Appendix A); these sizes exceed that and stay far
   * below q (about 2^(8 |p| - 1)), so every non-zero draw is in [1, q - 1].
   */
  switch (group) {
  case OT_GROUP_FFDHE2048: return 32;
  case OT_GROUP_FFDHE3072: return 48;
  case OT_GROUP_FFDHE4096: return 64;
  default: return 0;
  }
}

/* A DH key object of the named group from the given parts (any may be NULL). */
static ot_status dh_fromdata(ot_curve group, const BIGNUM *priv, const BIGNUM *pub, int selection,
                             EVP_PKEY **out) {
  ot_status st = ot_status_of(OT_E_LIBRARY);
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
  if (!bld || !ctx) goto out;
  if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, ot_curve_group_name(group),
                                      0) != 1)
    goto out;
  if (priv && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1) goto out;
  if (pub && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub) != 1) goto out;
  params = OSSL_PARAM_BLD_to_param(bld);
  if (!params || EVP_PKEY_fromdata_init(ctx) != 1) goto out;
  st = EVP_PKEY_fromdata(ctx, out, selection, params) == 1 ? OT_SUCCESS
                                                           : ot_status_of(OT_E_BAD_KEY);
out:
  ERR_clear_error();
  OSSL_PARAM_free(params); /* a secure BIGNUM's copy sits in cleared secure memory */
  OSSL_PARAM_BLD_free(bld);
  EVP_PKEY_CTX_free(ctx);
  return st;
}

/* The group's p and g (the caller frees them). */
static ot_status group_params(ot_curve group, BIGNUM **p, BIGNUM **g) {
  EVP_PKEY *params = NULL;
  OT_GUARD(dh_fromdata(group, NULL, NULL, EVP_PKEY_KEY_PARAMETERS, &params));
  int ok = EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, p) == 1 &&
           EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_G, g) == 1;
  EVP_PKEY_free(params);
  if (!ok) {
    ERR_clear_error();
    BN_free(*p);
    BN_free(*g);
    *p = *g = NULL;
    OT_BAIL(OT_E_LIBRARY);
  }
  return OT_SUCCESS;
}

ot_status ot_ffdhe_generate(ot_curve group, ot_rng *rng, uint8_t *priv, uint8_t *pub) {
  size_t xn = ot_ffdhe_private_size(group), pn = ot_curve_size(group);
  ot_status st = ot_status_of(OT_E_LIBRARY);
  BIGNUM *p = NULL, *g = NULL, *y = NULL, *x = BN_secure_new();
  BN_CTX *bn = BN_CTX_secure_new();
  uint8_t d[OT_DHE_MAX_PRIVATE];
  if (!x || !bn) goto out;
  OT_GUARD_GOTO(st, group_params(group, &p, &g), out);
  /* §5.6.1.1.4: x in [1, q - 1]; only zero needs a redraw (see the sizes above). */
  bool found = false;
  for (int i = 0; i < 8 && !found; i++) {
    OT_GUARD_GOTO(st, ot_rng_fill(rng, d, xn), out);
    uint8_t any = 0;
    for (size_t j = 0; j < xn; j++) any |= d[j];
    found = any != 0;
  }
  OT_ENSURE_GOTO(st, found, OT_E_RNG, out);
  st = ot_status_of(OT_E_LIBRARY);
  y = BN_new();
  if (!y || !BN_bin2bn(d, (int)xn, x)) goto out;
  BN_set_flags(x, BN_FLG_CONSTTIME);
  /* Y = g^x mod p (SP 800-56A §5.6.1.1.1). */
  if (BN_mod_exp_mont_consttime(y, g, x, p, bn, NULL) != 1) goto out;
  if (BN_bn2binpad(y, pub, (int)pn) != (int)pn) goto out;
  memcpy(priv, d, xn);
  st = OT_SUCCESS;
out:
  ot_zeroize(d, sizeof d);
  ERR_clear_error();
  BN_clear_free(x);
  BN_free(y);
  BN_free(p);
  BN_free(g);
  BN_CTX_free(bn);
  return st;
}

/*
 * RFC 7919 §5.1 / SP 800-56A §5.6.2.3.1 step 1: 2 <= Y <= p - 2, which
 * refuses 0, 1 and p - 1 (the values that force a known secret).
 */
static bool in_range(const BIGNUM *y, const BIGNUM *p) {
  BIGNUM *pm2 = BN_dup(p);
  bool ok = pm2 && BN_sub_word(pm2, 2) == 1 && BN_cmp(y, pm2) <= 0 && BN_is_zero(y) == 0 &&
            !BN_is_one(y);
  BN_free(pm2);
  return ok;
}

ot_status ot_ffdhe_shared(ot_curve group, const uint8_t *priv, const uint8_t *peer,
                          uint8_t *secret) {
  size_t xn = ot_ffdhe_private_size(group), pn = ot_curve_size(group);
  ot_status st = ot_status_of(OT_E_LIBRARY);
  BIGNUM *p = NULL, *g = NULL, *x = BN_secure_new(), *y = BN_bin2bn(peer, (int)pn, NULL);
  EVP_PKEY *mine = NULL, *theirs = NULL;
  EVP_PKEY_CTX *chk = NULL, *ctx = NULL;
  if (!x || !y || !BN_bin2bn(priv, (int)xn, x)) goto out;
  OT_GUARD_GOTO(st, group_params(group, &p, &g), out);
  st = ot_status_of(OT_E_BAD_KEY);
  if (BN_is_zero(x) || !in_range(y, p)) goto out;
  OT_GUARD_GOTO(st, dh_fromdata(group, NULL, y, EVP_PKEY_PUBLIC_KEY, &theirs), out);
  /*
   * §5.6.2.3.1 step 2 (full validation): Y^q = 1 mod p, i.e. Y lies in the
   * order-q subgroup. The named groups carry q, so the library's public key
   * check performs it.
   */
  chk = EVP_PKEY_CTX_new_from_pkey(NULL, theirs, NULL);
  if (!chk || EVP_PKEY_public_check(chk) != 1) {
    st = ot_status_of(OT_E_BAD_KEY);
    goto out;
  }
  /* d * Q needs x only (§5.7.1.1); the library takes the key without Y. */
  OT_GUARD_GOTO(st, dh_fromdata(group, x, NULL, EVP_PKEY_KEYPAIR, &mine), out);
  st = ot_status_of(OT_E_LIBRARY);
  ctx = EVP_PKEY_CTX_new_from_pkey(NULL, mine, NULL);
  size_t len = pn;
  /*
   * The shared secret Z is p-sized, leading zeros kept (SP 800-56A §5.7.1.1:
   * "Z ... converted to a byte string of length |p|"); DSP0274's DHE secret
   * is that string, and libspdm pads the same way. Pad mode does it here.
   */
  if (ctx && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_CTX_set_dh_pad(ctx, 1) == 1 &&
      EVP_PKEY_derive_set_peer_ex(ctx, theirs, 0) == 1 &&
      EVP_PKEY_derive(ctx, secret, &len) == 1 && len == pn)
    st = OT_SUCCESS;
out:
  if (!ot_ok(st)) ot_zeroize(secret, pn);
  ERR_clear_error();
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_CTX_free(chk);
  EVP_PKEY_free(mine);
  EVP_PKEY_free(theirs);
  BN_clear_free(x);
  BN_free(y);
  BN_free(p);
  BN_free(g);
  return st;
}
