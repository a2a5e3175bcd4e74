/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Raw key bytes <-> EVP_PKEY, with validation: see crypto_internal.h.
 * Uses only OpenSSL 3 provider APIs (OSSL_PARAM, EVP_PKEY_fromdata) and the
 * non-deprecated EC_GROUP/EC_POINT arithmetic to derive a public point.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <string.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

static int curve_nid(ot_curve curve) {
  return curve == OT_CURVE_P256   ? NID_X9_62_prime256v1
         : curve == OT_CURVE_P521 ? NID_secp521r1
                                  : NID_secp384r1;
}

/* EVP_PKEY_fromdata for an EC key from a params builder (the caller frees the builder). */
static ot_status ec_fromdata(OSSL_PARAM_BLD *bld, int selection, EVP_PKEY **out) {
  ot_status st = ot_status_of(OT_E_LIBRARY);
  OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
  EVP_PKEY *key = NULL;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1) goto out;
  if (EVP_PKEY_fromdata(ctx, &key, selection, params) != 1) {
    ERR_clear_error(); /* a rejected key is an answer, not a library fault */
    st = ot_status_of(OT_E_BAD_KEY);
    goto out;
  }
  *out = key;
  st = OT_SUCCESS;
out:
  EVP_PKEY_CTX_free(ctx);
  /*
   * A private scalar pushed from a secure BIGNUM lands in the params' secure
   * block, which OSSL_PARAM_free clears before freeing.
   */
  OSSL_PARAM_free(params);
  return st;
}

/*
 * The private key object of a P-256/P-384 scalar; with_public, the public
 * point too (derived: one scalar multiplication, as costly as a signature).
 */
static ot_status ec_from_scalar(ot_curve curve, const uint8_t *priv, bool with_public,
                                EVP_PKEY **out) {
  const char *group_name = ot_curve_group_name(curve);
  OT_ENSURE(group_name != NULL && ot_curve_is_weierstrass(curve), OT_E_UNSUPPORTED);
  size_t n = ot_curve_size(curve);

  ot_status st = ot_status_of(OT_E_LIBRARY);
  uint8_t pub[1 + OT_ECC_MAX_PUBLIC];
  EC_GROUP *group = NULL;
  BN_CTX *bnctx = NULL;
  EC_POINT *q = NULL;
  BIGNUM *d = BN_secure_new();
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
  if (!d || !bld) goto out;
  /* SEC 1 §3.2.1: the private key is an integer in [1, n-1] (checked in constant time). */
  if (!ot_scalar_in_range(curve, priv, n)) {
    st = ot_status_of(OT_E_BAD_KEY);
    goto out;
  }
  if (!BN_bin2bn(priv, (int)n, d)) goto out;
  BN_set_flags(d, BN_FLG_CONSTTIME);
  if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) != 1)
    goto out;
  if (with_public) {
    group = EC_GROUP_new_by_curve_name(curve_nid(curve));
    bnctx = BN_CTX_secure_new();
    q = group ? EC_POINT_new(group) : NULL;
    if (!group || !bnctx || !q) goto out;
    if (EC_POINT_mul(group, q, d, NULL, NULL, bnctx) != 1) goto out;
    if (EC_POINT_point2oct(group, q, POINT_CONVERSION_UNCOMPRESSED, pub, 1 + 2 * n, bnctx) !=
        1 + 2 * n)
      goto out;
    if (OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 1 + 2 * n) != 1)
      goto out;
  }
  st = ec_fromdata(bld, with_public ? EVP_PKEY_KEYPAIR : EVP_PKEY_PRIVATE_KEY, out);
out:
  OSSL_PARAM_BLD_free(bld);
  EC_POINT_free(q);
  BN_clear_free(d);
  BN_CTX_free(bnctx);
  EC_GROUP_free(group);
  return st;
}

ot_status ot_pkey_from_raw_private(ot_curve curve, const uint8_t *priv, EVP_PKEY **out) {
  OT_ENSURE(priv != NULL && out != NULL, OT_E_ARG);
  if (ot_key_is_rsa(curve)) /* DER RSAPrivateKey: its header says its length */
    return ot_pkey_rsa_from_private(curve, priv, ot_rsa_private_der_len(priv), out);
  if (curve == OT_CURVE_ED25519) {
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, priv, OT_ED25519_KEY_SIZE);
    OT_ENSURE(k != NULL, OT_E_LIBRARY); /* every 32-byte seed is valid (RFC 8032 §5.1.5) */
    *out = k;
    return OT_SUCCESS;
  }
  return ec_from_scalar(curve, priv, true, out);
}

ot_status ot_pkey_from_raw_scalar(ot_curve curve, const uint8_t *priv, EVP_PKEY **out) {
  OT_ENSURE(priv != NULL && out != NULL, OT_E_ARG);
  OT_ENSURE(ot_curve_is_weierstrass(curve), OT_E_UNSUPPORTED);
  return ec_from_scalar(curve, priv, false, out);
}

ot_status ot_pkey_from_raw_public(ot_curve curve, const uint8_t *pub, EVP_PKEY **out) {
  OT_ENSURE(pub != NULL && out != NULL, OT_E_ARG);
  if (ot_key_is_rsa(curve))
    return ot_pkey_rsa_from_public(curve, pub, ot_curve_public_size(curve), out);
  if (curve == OT_CURVE_ED25519) {
    /* Point decoding (RFC 8032 §5.1.3) happens at verification time. */
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, OT_ED25519_KEY_SIZE);
    OT_ENSURE(k != NULL, OT_E_BAD_KEY);
    *out = k;
    return OT_SUCCESS;
  }
  if (curve == OT_CURVE_ED448) {
    /* Point decoding (RFC 8032 §5.2.3) happens at verification time. */
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED448, NULL, pub, OT_ED448_KEY_SIZE);
    OT_ENSURE(k != NULL, OT_E_BAD_KEY);
    *out = k;
    return OT_SUCCESS;
  }
  const char *group_name = ot_curve_group_name(curve);
  OT_ENSURE(group_name != NULL && ot_curve_is_weierstrass(curve), OT_E_UNSUPPORTED);
  size_t n = ot_curve_size(curve);
  uint8_t point[1 + OT_ECC_MAX_PUBLIC];
  point[0] = 0x04; /* SEC 1 §2.3.3: uncompressed point */
  memcpy(point + 1, pub, 2 * n);

  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
  OT_ENSURE(bld != NULL, OT_E_LIBRARY);
  if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * n) != 1) {
    OSSL_PARAM_BLD_free(bld);
    OT_BAIL(OT_E_LIBRARY);
  }
  EVP_PKEY *key = NULL;
  ot_status st = ec_fromdata(bld, EVP_PKEY_PUBLIC_KEY, &key);
  OSSL_PARAM_BLD_free(bld);
  OT_GUARD(st);
  /*
   * SEC 1 §3.2.2.1 public key validation: coordinates in range, on the curve,
   * not infinity, in the subgroup of order n. P-256 and P-384 have cofactor 1
   * (SP 800-186 §3.2.1): the whole curve group has prime order n, so
   * every point passing the first checks is in it and nQ = O needs no
   * scalar multiplication (SP 800-56A r3 §5.6.2.3.4 is that routine).
   * EVP_PKEY_public_check_quick is exactly those first checks; the full
   * check would spend a multiplication, as much as a signature, to
   * re-establish what the cofactor already guarantees.
   */
  EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
  int valid = chk ? EVP_PKEY_public_check_quick(chk) : -1;
  EVP_PKEY_CTX_free(chk);
  if (valid != 1) {
    ERR_clear_error();
    EVP_PKEY_free(key);
    OT_BAIL(OT_E_BAD_KEY);
  }
  *out = key;
  return OT_SUCCESS;
}

ot_status ot_pkey_to_raw_public(EVP_PKEY *key, ot_curve *curve, uint8_t *pub, size_t cap,
                                size_t *pub_len) {
  OT_ENSURE(key != NULL && curve != NULL && pub != NULL && pub_len != NULL, OT_E_ARG);
  if (EVP_PKEY_is_a(key, "ED448")) {
    size_t len = cap;
    OT_ENSURE(cap >= OT_ED448_KEY_SIZE, OT_E_NO_SPACE);
    OT_ENSURE(EVP_PKEY_get_raw_public_key(key, pub, &len) == 1 && len == OT_ED448_KEY_SIZE,
              OT_E_LIBRARY);
    *curve = OT_CURVE_ED448;
    *pub_len = OT_ED448_KEY_SIZE;
    return OT_SUCCESS;
  }
  if (EVP_PKEY_is_a(key, "ED25519")) {
    size_t len = cap;
    OT_ENSURE(cap >= 32, OT_E_NO_SPACE);
    OT_ENSURE(EVP_PKEY_get_raw_public_key(key, pub, &len) == 1 && len == 32, OT_E_LIBRARY);
    *curve = OT_CURVE_ED25519;
    *pub_len = 32;
    return OT_SUCCESS;
  }
  if (EVP_PKEY_is_a(key, "RSA")) return ot_pkey_rsa_to_raw_public(key, curve, pub, cap, pub_len);
  OT_ENSURE(EVP_PKEY_is_a(key, "EC"), OT_E_UNSUPPORTED);
  char group[32];
  OT_ENSURE(EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                           NULL) == 1,
            OT_E_LIBRARY);
  ot_curve c;
  if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0) {
    c = OT_CURVE_P256;
  } else if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0) {
    c = OT_CURVE_P384;
  } else if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0) {
    c = OT_CURVE_P521;
  } else {
    OT_BAIL(OT_E_UNSUPPORTED);
  }
  size_t n = ot_curve_size(c);
  OT_ENSURE(cap >= 2 * n, OT_E_NO_SPACE);
  /* Coordinates as integers, whatever point form the key was decoded from. */
  BIGNUM *x = NULL, *y = NULL;
  ot_status st = ot_status_of(OT_E_LIBRARY);
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
      BN_bn2binpad(x, pub, (int)n) == (int)n && BN_bn2binpad(y, pub + n, (int)n) == (int)n)
    st = OT_SUCCESS;
  BN_free(x);
  BN_free(y);
  OT_GUARD(st);
  *curve = c;
  *pub_len = 2 * n;
  return OT_SUCCESS;
}
