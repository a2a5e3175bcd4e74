/* SPDX-License-Identifier: BSD-3-Clause */
/* Algorithm tables: sizes, library names, curve orders. See crypto_internal.h. */
#include <openssl/evp.h>

#include "crypto_internal.h"

size_t ot_hash_size(ot_hash_alg alg) {
  switch (alg) {
  case OT_HASH_SHA256: return 32; /* FIPS 180-4 §1, Figure 1 */
  case OT_HASH_SHA384: return 48;
  case OT_HASH_SHA512: return 64;
  case OT_HASH_SHA3_256: return 32; /* FIPS 202 §6.1: d = 256, 384, 512 bits */
  case OT_HASH_SHA3_384: return 48;
  case OT_HASH_SHA3_512: return 64;
  default: return 0;
  }
}

size_t ot_aead_key_size(ot_aead_alg alg) {
  switch (alg) {
  case OT_AEAD_AES128_GCM: return 16;        /* FIPS 197 §5: AES-128 */
  case OT_AEAD_AES256_GCM: return 32;        /* FIPS 197 §5: AES-256 */
  case OT_AEAD_CHACHA20_POLY1305: return 32; /* RFC 8439 §2.8 */
  default: return 0;
  }
}

bool ot_key_is_rsa(ot_curve key) {
  return key == OT_KEY_RSA2048 || key == OT_KEY_RSA3072 || key == OT_KEY_RSA4096;
}

bool ot_group_is_ffdhe(ot_curve group) {
  return group == OT_GROUP_FFDHE2048 || group == OT_GROUP_FFDHE3072 ||
         group == OT_GROUP_FFDHE4096;
}

size_t ot_curve_size(ot_curve curve) {
  switch (curve) {
  /* RFC 8017 §2: k, the modulus length in octets; RFC 7919 Appendix A: the size of p. */
  case OT_KEY_RSA2048:
  case OT_GROUP_FFDHE2048: return 256;
  case OT_KEY_RSA3072:
  case OT_GROUP_FFDHE3072: return 384;
  case OT_KEY_RSA4096:
  case OT_GROUP_FFDHE4096: return 512;
  case OT_CURVE_P256: return 32;
  case OT_CURVE_P384: return 48;
  case OT_CURVE_P521: return 66; /* SEC 1 §2.3.5: ceil(521 / 8) bytes per coordinate */
  case OT_CURVE_ED25519: return OT_ED25519_KEY_SIZE;
  case OT_CURVE_ED448: return OT_ED448_KEY_SIZE;
  default: return 0;
  }
}

size_t ot_curve_public_size(ot_curve curve) {
  if (ot_key_is_rsa(curve)) return OT_RSA_PUBLIC_SIZE(ot_curve_size(curve));
  if (ot_group_is_ffdhe(curve)) return ot_curve_size(curve);
  if (curve == OT_CURVE_ED448) return OT_ED448_KEY_SIZE;
  return curve == OT_CURVE_ED25519 ? OT_ED25519_KEY_SIZE : 2 * ot_curve_size(curve);
}

size_t ot_curve_signature_size(ot_curve curve) {
  if (ot_key_is_rsa(curve)) return ot_curve_size(curve); /* RFC 8017 §8.1.1: k octets */
  if (ot_group_is_ffdhe(curve)) return 0;
  if (curve == OT_CURVE_ED448) return OT_ED448_SIG_SIZE;
  return curve == OT_CURVE_ED25519 ? OT_ED25519_SIG_SIZE : 2 * ot_curve_size(curve);
}

const char *ot_curve_group_name(ot_curve curve) {
  switch (curve) {
  case OT_CURVE_P256: return "prime256v1";
  case OT_CURVE_P384: return "secp384r1";
  case OT_CURVE_P521: return "secp521r1";
  case OT_GROUP_FFDHE2048: return "ffdhe2048"; /* RFC 7919 Appendix A */
  case OT_GROUP_FFDHE3072: return "ffdhe3072";
  case OT_GROUP_FFDHE4096: return "ffdhe4096";
  default: return NULL;
  }
}

bool ot_curve_is_weierstrass(ot_curve curve) {
  return curve == OT_CURVE_P256 || curve == OT_CURVE_P384 || curve == OT_CURVE_P521;
}

/* SP 800-186 §3.2.1.3 (P-256) and §3.2.1.4 (P-384): the order n. */
static const uint8_t p256_order[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};
static const uint8_t p384_order[48] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73};

/* SP 800-186 §3.2.1.5 (P-521): the order n. */
static const uint8_t p521_order[66] = {
    0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xfa, 0x51, 0x86, 0x87, 0x83, 0xbf, 0x2f, 0x96, 0x6b,
    0x7f, 0xcc, 0x01, 0x48, 0xf7, 0x09, 0xa5, 0xd0, 0x3b, 0xb5, 0xc9, 0xb8, 0x89, 0x9c,
    0x47, 0xae, 0xbb, 0x6f, 0xb7, 0x1e, 0x91, 0x38, 0x64, 0x09};

const uint8_t *ot_curve_order(ot_curve curve) {
  switch (curve) {
  case OT_CURVE_P256: return p256_order;
  case OT_CURVE_P384: return p384_order;
  case OT_CURVE_P521: return p521_order;
  default: return NULL;
  }
}

bool ot_scalar_in_range(ot_curve curve, const uint8_t *a, size_t len) {
  const uint8_t *n = ot_curve_order(curve);
  if (!n || !a || len != ot_curve_size(curve)) return false;
  /*
   * a < n is the final borrow of a - n, computed byte by byte from the least
   * significant end; a != 0 is the OR of all bytes. No data-dependent branch.
   */
  uint32_t borrow = 0, any = 0;
  for (size_t i = len; i-- > 0;) {
    uint32_t d = (uint32_t)a[i] - (uint32_t)n[i] - borrow; /* in [-256, 255], wraps */
    borrow = d >> 31;
    any |= a[i];
  }
  uint32_t nonzero = (0u - any) >> 31;
  return (borrow & nonzero) != 0;
}

const EVP_MD *ot_evp_md(ot_hash_alg alg) {
  switch (alg) {
  case OT_HASH_SHA256: return EVP_sha256();
  case OT_HASH_SHA384: return EVP_sha384();
  case OT_HASH_SHA512: return EVP_sha512();
  case OT_HASH_SHA3_256: return EVP_sha3_256();
  case OT_HASH_SHA3_384: return EVP_sha3_384();
  case OT_HASH_SHA3_512: return EVP_sha3_512();
  default: return NULL;
  }
}

const char *ot_hash_name(ot_hash_alg alg) {
  switch (alg) {
  case OT_HASH_SHA256: return "SHA256";
  case OT_HASH_SHA384: return "SHA384";
  case OT_HASH_SHA512: return "SHA512";
  case OT_HASH_SHA3_256: return "SHA3-256";
  case OT_HASH_SHA3_384: return "SHA3-384";
  case OT_HASH_SHA3_512: return "SHA3-512";
  default: return NULL;
  }
}
