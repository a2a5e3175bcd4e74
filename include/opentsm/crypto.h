/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The crypto layer: the only code that talks to OpenSSL (3.x EVP/provider APIs
 * only, nothing deprecated). Everything above sees raw byte strings in
 * caller-owned buffers, never OpenSSL objects.
 * @layer crypto
 *
 * Key and value formats (the ones SPDM and IDE carry on the wire):
 *  - ECC private key: the scalar, big-endian, exactly the curve size (32 or 48).
 *  - ECC public key / ECDHE public value: X || Y, big-endian, each the curve size
 *    (64 or 96 bytes), no 0x04 prefix.
 *  - ECDSA signature: r || s, big-endian, each the curve size (IEEE P1363).
 *  - Ed25519: 32-byte private seed, 32-byte public key, 64-byte signature.
 *
 * Every temporary holding secret material is zeroized before return, on every
 * path.
 */
#ifndef OPENTSM_CRYPTO_H
#define OPENTSM_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "opentsm/status.h"

/* Hash algorithms. */
typedef enum ot_hash_alg {
  OT_HASH_SHA256 = 1,
  OT_HASH_SHA384 = 2,
  OT_HASH_SHA512 = 3,
} ot_hash_alg;

/* Elliptic curves (ECDSA and ECDHE) and Ed25519. */
typedef enum ot_curve {
  OT_CURVE_P256 = 1,
  OT_CURVE_P384 = 2,
  OT_CURVE_ED25519 = 3,
} ot_curve;

#define OT_HASH_MAX_SIZE 64u
#define OT_ECC_MAX_SCALAR 48u                     /* P-384 */
#define OT_ECC_MAX_PUBLIC (2u * OT_ECC_MAX_SCALAR) /* X || Y */
#define OT_ECC_MAX_SIGNATURE (2u * OT_ECC_MAX_SCALAR)

/* Digest size in bytes (32, 48, 64), 0 for an unknown algorithm. */
size_t ot_hash_size(ot_hash_alg alg);
/* Scalar / coordinate size in bytes (32, 48; 32 for Ed25519), 0 if unknown. */
size_t ot_curve_size(ot_curve curve);

/* The OpenSSL version string in use. */
const char *ot_crypto_backend_version(void);

#endif /* OPENTSM_CRYPTO_H */
