/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared helpers inside the crypto layer: algorithm tables, conversions
 * between opentsm's raw key formats (see opentsm/crypto.h) and OpenSSL
 * EVP_PKEY objects, and small constant-time helpers. Never exported.
 */
#ifndef OPENTSM_CRYPTO_INTERNAL_H
#define OPENTSM_CRYPTO_INTERNAL_H

#include <openssl/evp.h>

#include "opentsm/crypto.h"

/* OpenSSL group name ("prime256v1", "secp384r1") or NULL for non-ECDSA curves. */
const char *ot_curve_group_name(ot_curve curve);
/* True for the short-Weierstrass curves (P-256, P-384). */
bool ot_curve_is_weierstrass(ot_curve curve);
/*
 * The group order n of P-256 / P-384, big-endian, ot_curve_size bytes
 * (FIPS 186-5 / SP 800-186 §3.2.1.3, §3.2.1.4); NULL for other curves.
 */
const uint8_t *ot_curve_order(ot_curve curve);
/* OpenSSL digest for an opentsm hash algorithm, NULL if unknown. */
const EVP_MD *ot_evp_md(ot_hash_alg alg);
/* OpenSSL digest name ("SHA256"...) for OSSL_PARAMs, NULL if unknown. */
const char *ot_hash_name(ot_hash_alg alg);

/*
 * 1 if the big-endian integer a[0..len) is in [1, n-1] for the order n of
 * curve, else 0. Runs in time independent of a's value (a may be a secret
 * scalar).
 */
bool ot_scalar_in_range(ot_curve curve, const uint8_t *a, size_t len);

/*
 * Builds a private key object from a raw scalar (P-256/P-384: big-endian,
 * curve size; the public point is derived) or Ed25519 seed (32 bytes).
 * Rejects a zero scalar or one not below the group order (OT_E_BAD_KEY).
 * The caller frees the result with EVP_PKEY_free().
 */
OT_RESULT ot_pkey_from_raw_private(ot_curve curve, const uint8_t *priv, EVP_PKEY **out);

/*
 * Builds a private key object from a P-256/P-384 scalar without its public
 * point (no scalar multiplication): enough to sign or to derive a shared
 * secret, which use the scalar alone. Same checks as ot_pkey_from_raw_private.
 */
OT_RESULT ot_pkey_from_raw_scalar(ot_curve curve, const uint8_t *priv, EVP_PKEY **out);

/*
 * Builds a public key object from X || Y (P-256/P-384) or the 32-byte Ed25519
 * key. Rejects points not on the curve and the point at infinity (OT_E_BAD_KEY).
 */
OT_RESULT ot_pkey_from_raw_public(ot_curve curve, const uint8_t *pub, EVP_PKEY **out);

/*
 * Exports the public half of key as X || Y (or the Ed25519 key) into
 * pub[0..cap) and reports its curve. OT_E_UNSUPPORTED for other key types.
 */
OT_RESULT ot_pkey_to_raw_public(EVP_PKEY *key, ot_curve *curve, uint8_t *pub, size_t cap,
                                size_t *pub_len);

/* The RSA half of ot_pkey_to_raw_public: n || e, key type by modulus bits (rsa.c). */
OT_RESULT ot_pkey_rsa_to_raw_public(EVP_PKEY *key, ot_curve *type, uint8_t *pub, size_t cap,
                                    size_t *pub_len);
/* An RSA private key object from DER RSAPrivateKey, checked to be of type `key` (rsa.c). */
OT_RESULT ot_pkey_rsa_from_private(ot_curve key, const uint8_t *der, size_t len, EVP_PKEY **out);

/* A public key object from n || e (pub_len = k + 4), n of exactly `key`'s size (rsa.c). */
OT_RESULT ot_pkey_rsa_from_public(ot_curve key, const uint8_t *pub, size_t pub_len, EVP_PKEY **out);
/* The length of the DER RSAPrivateKey at der (read from its SEQUENCE header), 0 if not one. */
size_t ot_rsa_private_der_len(const uint8_t *der);

/* ot_aead_key.phase: where an incremental message stands (aead.c, aead_gather.c). */
enum {
  PHASE_IDLE = 0,
  PHASE_SEAL_AAD = 1,  /* begun for sealing, AAD still allowed */
  PHASE_SEAL_DATA = 2, /* sealing, data started */
  PHASE_OPEN_AAD = 3,
  PHASE_OPEN_DATA = 4,
};

#endif /* OPENTSM_CRYPTO_INTERNAL_H */
