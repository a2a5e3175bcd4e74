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
 * path. Nothing here logs.
 *
 * Conventions shared by every function below:
 *  - Inputs that are keys come as (pointer, length); a length other than the
 *    one the algorithm needs is OT_E_BAD_KEY. Other inputs may be empty
 *    (pointer NULL allowed when the length is 0).
 *  - Fixed-size outputs come as (pointer, capacity); a capacity below the
 *    algorithm's size is OT_E_NO_SPACE, and exactly that size is written.
 *  - A NULL required pointer or an unknown algorithm is OT_E_ARG /
 *    OT_E_UNSUPPORTED. OT_E_LIBRARY means OpenSSL itself failed (resources).
 *  - On failure no output is meaningful; secret outputs are zeroed.
 *  - Contexts (ot_hash_ctx, ot_hmac_ctx, ot_aead_key) are caller-owned structs
 *    holding one library object allocated by their init function and released
 *    by their free/clear function; all other calls on them never allocate.
 *    A context is used by one thread at a time.
 */
#ifndef OPENTSM_CRYPTO_H
#define OPENTSM_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/rng.h"
#include "opentsm/status.h"

/* The library objects behind the contexts; opaque to every caller. */
struct evp_md_ctx_st;
struct evp_mac_ctx_st;
struct evp_cipher_ctx_st;

/* Hash algorithms. */
typedef enum ot_hash_alg {
  OT_HASH_SHA256 = 1,
  OT_HASH_SHA384 = 2,
  OT_HASH_SHA512 = 3,
  OT_HASH_SHA3_256 = 4, /* FIPS 202 */
  OT_HASH_SHA3_384 = 5,
  OT_HASH_SHA3_512 = 6,
} ot_hash_alg;

/* Elliptic curves (ECDSA and ECDHE) and Ed25519. */
typedef enum ot_curve {
  OT_CURVE_P256 = 1,
  OT_CURVE_P384 = 2,
  OT_CURVE_ED25519 = 3,
  OT_CURVE_P521 = 4,
  OT_CURVE_ED448 = 5, /* verification only */
  /*
   * The same enum names the other key types SPDM negotiates, so that a key
   * or a negotiated algorithm is one value everywhere above this layer:
   * RSA keys by modulus size (RFC 8017; signatures only) and the RFC 7919
   * finite-field Diffie-Hellman groups (key exchange only).
   */
  OT_KEY_RSA2048 = 16,
  OT_KEY_RSA3072 = 17,
  OT_KEY_RSA4096 = 18,
  OT_GROUP_FFDHE2048 = 32,
  OT_GROUP_FFDHE3072 = 33,
  OT_GROUP_FFDHE4096 = 34,
} ot_curve;

#define OT_HASH_MAX_SIZE 64u
#define OT_ECC_MAX_SCALAR 66u                      /* P-521: ceil(521 / 8) */
#define OT_ECC_MAX_PUBLIC (2u * OT_ECC_MAX_SCALAR) /* X || Y */
#define OT_ECC_MAX_SIGNATURE (2u * OT_ECC_MAX_SCALAR)
#define OT_ED25519_KEY_SIZE 32u
#define OT_ED25519_SIG_SIZE 64u
#define OT_ED448_KEY_SIZE 57u /* RFC 8032 §5.2.5 */
#define OT_ED448_SIG_SIZE 114u
#define OT_RSA_MAX_MODULUS 512u /* RSA-4096 */
/* An RSA public key in raw form: modulus (k bytes) || exponent (4 bytes), big-endian. */
#define OT_RSA_PUBLIC_SIZE(k) ((k) + 4u)
/* An RSA private key: DER RSAPrivateKey (RFC 8017 §A.1.2); 4096-bit keys take ~2350 bytes. */
#define OT_RSA_PRIVATE_MAX 2432u
/* The largest key of any type, in the raw formats above (RSA-4096 dominates). */
#define OT_PUBLIC_KEY_MAX OT_RSA_PUBLIC_SIZE(OT_RSA_MAX_MODULUS)
#define OT_PRIVATE_KEY_MAX OT_RSA_PRIVATE_MAX
#define OT_SIGNATURE_MAX OT_RSA_MAX_MODULUS
/* DHE: the largest private value, public value and shared secret of any group. */
#define OT_DHE_MAX_PRIVATE OT_ECC_MAX_SCALAR
#define OT_DHE_MAX_PUBLIC 512u /* FFDHE4096: p is 512 bytes */
#define OT_DHE_MAX_SECRET 512u

/* True for the RSA key types, and for the FFDHE groups. */
bool ot_key_is_rsa(ot_curve key);
bool ot_group_is_ffdhe(ot_curve group);

/* Digest size in bytes (32, 48, 64), 0 for an unknown algorithm. */
size_t ot_hash_size(ot_hash_alg alg);
/* Scalar / coordinate size in bytes (32, 48; 32 for Ed25519), the modulus size
 * of an RSA key or the size of an FFDHE group's p; 0 if unknown. */
size_t ot_curve_size(ot_curve curve);
/* Public key size in bytes: 64 or 96 for X || Y, 32 for Ed25519, k + 4 for
 * RSA, the size of p for FFDHE; 0 if unknown. */
size_t ot_curve_public_size(ot_curve curve);
/* Signature size in bytes: 64 or 96 for r || s, 64 for Ed25519, k for RSA; 0 if unknown. */
size_t ot_curve_signature_size(ot_curve curve);

/* The OpenSSL version string in use. */
const char *ot_crypto_backend_version(void);

/* ------------------------------------------------------------------------ */
/* Hashes: SHA-256/384/512 (FIPS 180-4), SHA3-256/384/512 (FIPS 202).      */
/* ------------------------------------------------------------------------ */

/* digest[0..ot_hash_size(alg)) = H(data). */
OT_RESULT ot_hash(ot_hash_alg alg, const uint8_t *data, size_t len, uint8_t *digest, size_t cap);

/*
 * A running hash, e.g. an SPDM transcript. Lifecycle:
 *   ot_hash_init -> ot_hash_update* -> [ot_hash_peek | ot_hash_copy]* ->
 *   ot_hash_final -> ot_hash_free
 * init allocates the library context (OT_E_NOMEM / OT_E_LIBRARY); update and
 * final never allocate; peek and copy allocate one context (peek frees it).
 * init ignores the previous content of ctx: free a live context first. free
 * is safe on a zeroed or already freed context, and zeroizes the struct.
 * After final the context accepts only free (OT_E_STATE otherwise).
 */
typedef struct ot_hash_ctx {
  ot_hash_alg alg;           /* 0 when empty */
  bool finished;             /* final was called */
  struct evp_md_ctx_st *evp; /* owned; NULL when empty */
} ot_hash_ctx;

OT_RESULT ot_hash_init(ot_hash_ctx *ctx, ot_hash_alg alg);
OT_RESULT ot_hash_update(ot_hash_ctx *ctx, const uint8_t *data, size_t len);
/* Writes the digest of everything hashed so far; ctx stays usable (e.g. TH1). */
OT_RESULT ot_hash_peek(const ot_hash_ctx *ctx, uint8_t *digest, size_t cap);
/* Ends the hash and writes the digest; ctx then only accepts free. */
OT_RESULT ot_hash_final(ot_hash_ctx *ctx, uint8_t *digest, size_t cap);
/*
 * Forks a running hash: dst becomes an independent context with the same
 * state (allocates; dst's previous content is ignored). On failure dst is
 * left empty.
 */
OT_RESULT ot_hash_copy(ot_hash_ctx *dst, const ot_hash_ctx *src);
void ot_hash_free(ot_hash_ctx *ctx);

/* ------------------------------------------------------------------------ */
/* HMAC (RFC 2104, FIPS 198-1) over the hashes above.                       */
/* ------------------------------------------------------------------------ */

/* mac[0..ot_hash_size(alg)) = HMAC-H(key, data). Any key length, 0 included. */
OT_RESULT ot_hmac(ot_hash_alg alg, const uint8_t *key, size_t key_len, const uint8_t *data,
                  size_t len, uint8_t *mac, size_t cap);

/*
 * Recomputes HMAC-H(key, data) and compares its first tag_len bytes with tag
 * in constant time: OT_E_VERIFY on mismatch. tag_len must be in
 * [OT_HMAC_MIN_TAG, ot_hash_size(alg)] (OT_E_ARG), so that a truncated tag
 * cannot pass unnoticed.
 */
/* NIST SP 800-107 Rev. 1 §5.3.3 allows truncation to 64 bits; we ask for 128. */
#define OT_HMAC_MIN_TAG 16u
OT_RESULT ot_hmac_verify(ot_hash_alg alg, const uint8_t *key, size_t key_len, const uint8_t *data,
                         size_t len, const uint8_t *tag, size_t tag_len);

/*
 * Incremental HMAC, same lifecycle rules as ot_hash_ctx: init allocates and
 * keys the context (the library keeps a copy of the key until free, which
 * zeroizes it); update and final never allocate; after final only free.
 */
typedef struct ot_hmac_ctx {
  ot_hash_alg alg;            /* 0 when empty */
  bool finished;              /* final was called */
  struct evp_mac_ctx_st *evp; /* owned; NULL when empty */
} ot_hmac_ctx;

OT_RESULT ot_hmac_init(ot_hmac_ctx *ctx, ot_hash_alg alg, const uint8_t *key, size_t key_len);
OT_RESULT ot_hmac_update(ot_hmac_ctx *ctx, const uint8_t *data, size_t len);
OT_RESULT ot_hmac_final(ot_hmac_ctx *ctx, uint8_t *mac, size_t cap);
void ot_hmac_free(ot_hmac_ctx *ctx);

/* ------------------------------------------------------------------------ */
/* HKDF (RFC 5869), the two steps separately as SPDM's key schedule uses.   */
/* ------------------------------------------------------------------------ */

/*
 * HKDF-Extract (RFC 5869 §2.2): prk[0..ot_hash_size(alg)) = HMAC-H(salt, ikm).
 * An empty salt means HashLen zero bytes, as the RFC says. prk is secret.
 */
OT_RESULT ot_hkdf_extract(ot_hash_alg alg, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                          size_t ikm_len, uint8_t *prk, size_t cap);

/*
 * HKDF-Expand (RFC 5869 §2.3): okm[0..okm_len) from prk and info.
 * prk_len must be at least HashLen (OT_E_BAD_KEY); okm_len must be in
 * [1, 255 * HashLen] (OT_E_ARG). okm is secret.
 */
OT_RESULT ot_hkdf_expand(ot_hash_alg alg, const uint8_t *prk, size_t prk_len, const uint8_t *info,
                         size_t info_len, uint8_t *okm, size_t okm_len);

/* ------------------------------------------------------------------------ */
/* AEAD: AES-128/256-GCM (NIST SP 800-38D), ChaCha20-Poly1305 (RFC 8439).   */
/* ------------------------------------------------------------------------ */

typedef enum ot_aead_alg {
  OT_AEAD_AES256_GCM = 1,
  OT_AEAD_CHACHA20_POLY1305 = 2,
  OT_AEAD_AES128_GCM = 3,
} ot_aead_alg;

#define OT_AEAD_KEY_SIZE 32u   /* the largest key: AES-256-GCM and ChaCha20-Poly1305 */
#define OT_AEAD_NONCE_SIZE 12u /* SP 800-38D §8.2 / RFC 8439 §2.8: 96-bit IV */
#define OT_AEAD_TAG_SIZE 16u   /* full tag */
#define OT_AEAD_TAG_IDE 12u    /* PCIe r6.0 §6.33: IDE carries a 96-bit MAC (GCM only) */

/*
 * A keyed AEAD context for a hot path (IDE, SPDM secured messages): the
 * cipher context and key schedule are set up once by ot_aead_key_init and
 * reused for every message, with no allocation per message. The tag length
 * is fixed per key: 16, or 12 for AES-256-GCM (IDE's truncated MAC).
 * ot_aead_key_clear zeroizes and releases everything (safe on a zeroed or
 * cleared key).
 *
 * Per message, either one call (ot_aead_seal / ot_aead_open) or the
 * incremental form:
 *   ot_aead_begin(k, OT_AEAD_SEAL|OT_AEAD_OPEN, nonce) -> ot_aead_aad* ->
 *   ot_aead_update* -> ot_aead_finish_seal / ot_aead_finish_open
 * AAD must all come before the first update. In/out buffers of update, seal
 * and open may be the same buffer (exact overlap) but must not partially
 * overlap. A failed step returns the key to idle: begin again.
 *
 * The one-shot ot_aead_open never releases unauthenticated plaintext: on a
 * bad tag it zeroes the output and returns OT_E_DECRYPT. The incremental
 * form necessarily hands out plaintext before the tag is checked: a caller
 * using it must discard everything it decrypted when finish_open fails.
 *
 * Nonce uniqueness per key is the caller's duty (SP 800-38D §8).
 */
typedef enum ot_aead_dir {
  OT_AEAD_SEAL = 1,
  OT_AEAD_OPEN = 2,
} ot_aead_dir;

typedef struct ot_aead_key {
  ot_aead_alg alg;               /* 0 when cleared */
  uint8_t tag_len;               /* 16, or 12 (GCM) */
  uint8_t phase;                 /* internal: idle, aad, data (per direction) */
  struct evp_cipher_ctx_st *evp; /* owned; NULL when cleared */
} ot_aead_key;

/* Key size in bytes: 16 for AES-128-GCM, 32 for the others; 0 if unknown. */
size_t ot_aead_key_size(ot_aead_alg alg);

/*
 * Keys k. key_len must be ot_aead_key_size(alg) (OT_E_BAD_KEY); tag_len 16, or 12 for GCM
 * (OT_E_UNSUPPORTED). Allocates the cipher context; the key bytes may be
 * wiped by the caller right after. k's previous content is ignored.
 */
OT_RESULT ot_aead_key_init(ot_aead_key *k, ot_aead_alg alg, const uint8_t *key, size_t key_len,
                           size_t tag_len);
void ot_aead_key_clear(ot_aead_key *k);

/*
 * ct[0..len) and tag[0..k->tag_len) from pt[0..len) and aad. tag_cap below the
 * key's tag length is OT_E_NO_SPACE.
 */
OT_RESULT ot_aead_seal(ot_aead_key *k, const uint8_t nonce[static OT_AEAD_NONCE_SIZE],
                       const uint8_t *aad, size_t aad_len, const uint8_t *pt, size_t len,
                       uint8_t *ct, uint8_t *tag, size_t tag_cap);

/*
 * pt[0..len) from ct[0..len) if tag (exactly k->tag_len bytes) authenticates
 * ct and aad; otherwise OT_E_DECRYPT and pt[0..len) is zeroed. A tag of any
 * other length (e.g. truncated on the wire) is OT_E_DECRYPT too.
 */
OT_RESULT ot_aead_open(ot_aead_key *k, const uint8_t nonce[static OT_AEAD_NONCE_SIZE],
                       const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t len,
                       const uint8_t *tag, size_t tag_len, uint8_t *pt);

OT_RESULT ot_aead_begin(ot_aead_key *k, ot_aead_dir dir,
                        const uint8_t nonce[static OT_AEAD_NONCE_SIZE]);
OT_RESULT ot_aead_aad(ot_aead_key *k, const uint8_t *aad, size_t len);
/* out[0..len) from in[0..len) (encrypts or decrypts per the begin direction). */
OT_RESULT ot_aead_update(ot_aead_key *k, const uint8_t *in, size_t len, uint8_t *out);
OT_RESULT ot_aead_finish_seal(ot_aead_key *k, uint8_t *tag, size_t tag_cap);
/* OT_E_DECRYPT if tag (exactly k->tag_len bytes) does not authenticate. */
OT_RESULT ot_aead_finish_open(ot_aead_key *k, const uint8_t *tag, size_t tag_len);

/* ------------------------------------------------------------------------ */
/* Keys: generation from an ot_rng and public-from-private.                 */
/* ------------------------------------------------------------------------ */

/*
 * Generates a key pair from rng, so that a deterministic rng (ot_drbg) gives
 * reproducible keys. P-256/P-384: the scalar is drawn by rejection sampling,
 * curve-size big-endian strings from rng until one lies in [1, n-1]
 * (FIPS 186-5 §A.4.2); Ed25519: the 32-byte seed is drawn directly
 * (RFC 8032 §5.1.5). priv gets ot_curve_size, pub ot_curve_public_size bytes.
 * OT_E_RNG if rng fails.
 */
OT_RESULT ot_key_generate(ot_curve curve, ot_rng *rng, uint8_t *priv, size_t priv_cap, uint8_t *pub,
                          size_t pub_cap);

/*
 * pub = the public key of priv (X || Y, or the Ed25519 public key).
 * OT_E_BAD_KEY for a scalar that is 0 or not below the group order.
 */
OT_RESULT ot_key_public(ot_curve curve, const uint8_t *priv, size_t priv_len, uint8_t *pub,
                        size_t pub_cap);

/* ------------------------------------------------------------------------ */
/* ECDSA over P-256 / P-384 (FIPS 186-5 §6), raw r || s signatures.         */
/* ------------------------------------------------------------------------ */

/*
 * Signs H(msg) with the scalar priv; writes r || s (2 * curve size bytes).
 * Any curve/hash pairing is allowed (P-256/SHA-256 and P-384/SHA-384 are
 * SPDM's). The per-signature nonce comes from OpenSSL's CSPRNG, so
 * signatures are not reproducible even with a deterministic ot_rng.
 */
OT_RESULT ot_ecdsa_sign(ot_curve curve, ot_hash_alg hash, const uint8_t *priv, size_t priv_len,
                        const uint8_t *msg, size_t msg_len, uint8_t *sig, size_t sig_cap);
/* Same, over a digest computed by the caller (1..64 bytes, truncated per §6.4.1). */
OT_RESULT ot_ecdsa_sign_digest(ot_curve curve, const uint8_t *priv, size_t priv_len,
                               const uint8_t *digest, size_t digest_len, uint8_t *sig,
                               size_t sig_cap);

/*
 * Verifies r || s over H(msg) with the public key pub (X || Y).
 * OT_E_BAD_KEY: pub has the wrong length, is not on the curve or is the
 * point at infinity. OT_E_VERIFY: the signature is wrong, has the wrong
 * length, or r or s is 0 or >= n (FIPS 186-5 §6.4.2 step 1).
 */
OT_RESULT ot_ecdsa_verify(ot_curve curve, ot_hash_alg hash, const uint8_t *pub, size_t pub_len,
                          const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);
OT_RESULT ot_ecdsa_verify_digest(ot_curve curve, const uint8_t *pub, size_t pub_len,
                                 const uint8_t *digest, size_t digest_len, const uint8_t *sig,
                                 size_t sig_len);

/* ------------------------------------------------------------------------ */
/* Ed25519 (RFC 8032 §5.1, pure, no context).                               */
/* ------------------------------------------------------------------------ */

/* sig[0..64) = Ed25519 signature of msg with the 32-byte seed priv. */
OT_RESULT ot_ed25519_sign(const uint8_t *priv, size_t priv_len, const uint8_t *msg, size_t msg_len,
                          uint8_t *sig, size_t sig_cap);
/* OT_E_BAD_KEY: pub is not 32 bytes. OT_E_VERIFY: anything else wrong. */
OT_RESULT ot_ed25519_verify(const uint8_t *pub, size_t pub_len, const uint8_t *msg, size_t msg_len,
                            const uint8_t *sig, size_t sig_len);
/* Ed448 (RFC 8032 §5.2, pure, empty context): 57-byte public key, 114-byte
 * signature. OT_E_BAD_KEY: pub is not 57 bytes. OT_E_VERIFY: anything else. */
OT_RESULT ot_ed448_verify(const uint8_t *pub, size_t pub_len, const uint8_t *msg, size_t msg_len,
                          const uint8_t *sig, size_t sig_len);

/* ------------------------------------------------------------------------ */
/* ECDHE over P-256 / P-384 (SP 800-56A Rev. 3 §5.7.1.2).                   */
/* ------------------------------------------------------------------------ */

/*
 * secret[0..curve size) = X coordinate of priv * peer. OT_E_BAD_KEY: priv is
 * 0 or >= n, or peer (X || Y) has the wrong length, is not on the curve or
 * is the point at infinity (SP 800-56A §5.6.2.3.3 full validation).
 * secret is a secret: wipe it after use.
 */
OT_RESULT ot_ecdh(ot_curve curve, const uint8_t *priv, size_t priv_len, const uint8_t *peer,
                  size_t peer_len, uint8_t *secret, size_t secret_cap);

/* ------------------------------------------------------------------------ */
/* RSA signatures (RFC 8017 §8): RSASSA-PKCS1-v1_5 and RSASSA-PSS.          */
/* ------------------------------------------------------------------------ */

/*
 * Key formats: private = DER RSAPrivateKey (RFC 8017 §A.1.2), public =
 * modulus (k bytes) || public exponent (4 bytes), both big-endian. `key` is
 * the key type (OT_KEY_RSA2048/3072/4096): a key whose modulus has another
 * bit length is OT_E_BAD_KEY, as is a public exponent that is even, below 3
 * or not below 2^32.
 *
 * PSS (RFC 8017 §8.1) uses MGF1 with the message hash and a salt as long as
 * the hash (DSP0274 1.2 "Signature generation": RSAPSS per FIPS 186-5 with
 * sLen = hLen); PKCS#1 v1.5 is EMSA-PKCS1-v1_5 (§9.2). The signature is
 * exactly k bytes; a signature of another length is OT_E_VERIFY.
 */
typedef enum ot_rsa_padding {
  OT_RSA_PKCS1_V15 = 1,
  OT_RSA_PSS = 2,
} ot_rsa_padding;

OT_RESULT ot_rsa_sign(ot_curve key, ot_rsa_padding pad, ot_hash_alg hash, const uint8_t *priv,
                      size_t priv_len, const uint8_t *msg, size_t msg_len, uint8_t *sig,
                      size_t sig_cap);
OT_RESULT ot_rsa_verify(ot_curve key, ot_rsa_padding pad, ot_hash_alg hash, const uint8_t *pub,
                        size_t pub_len, const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                        size_t sig_len);
/* The same over a digest of `hash` computed beforehand (digest_len its size):
 * SPDM 1.0/1.1 sign Hash(T) with no signing prefix (DSP0274 1.1 "Signature
 * generation"). */
OT_RESULT ot_rsa_sign_digest(ot_curve key, ot_rsa_padding pad, ot_hash_alg hash,
                             const uint8_t *priv, size_t priv_len, const uint8_t *digest,
                             size_t digest_len, uint8_t *sig, size_t sig_cap);
OT_RESULT ot_rsa_verify_digest(ot_curve key, ot_rsa_padding pad, ot_hash_alg hash,
                               const uint8_t *pub, size_t pub_len, const uint8_t *digest,
                               size_t digest_len, const uint8_t *sig, size_t sig_len);
/*
 * A fresh key pair (e = 65537) from OpenSSL's own generator: RSA prime
 * generation does not draw from an ot_rng, so a seeded rng does not make RSA
 * keys reproducible. *priv_len gets the DER length; pub gets k + 4 bytes.
 */
OT_RESULT ot_rsa_generate(ot_curve key, uint8_t *priv, size_t priv_cap, size_t *priv_len,
                          uint8_t *pub, size_t pub_cap);
/* pub = the public half of the DER private key priv (OT_E_BAD_KEY if it does not decode). */
OT_RESULT ot_rsa_public(ot_curve key, const uint8_t *priv, size_t priv_len, uint8_t *pub,
                        size_t pub_cap);

/* ------------------------------------------------------------------------ */
/* Signatures of any scheme SPDM negotiates: one entry point per direction. */
/* ------------------------------------------------------------------------ */

/* The signature scheme; the key type (ot_curve) says the curve or modulus. */
typedef enum ot_sig_scheme {
  OT_SIG_ECDSA = 1,  /* P-256/P-384/P-521, r || s over H(msg) */
  OT_SIG_EDDSA = 2,  /* Ed25519 / Ed448, pure: hash ignored */
  OT_SIG_RSASSA = 3, /* RSASSA-PKCS1-v1_5 over H(msg) */
  OT_SIG_RSAPSS = 4, /* RSASSA-PSS, sLen = hLen, MGF1 with H */
} ot_sig_scheme;

/*
 * Signs msg with priv (the raw private key format of `key`) and writes
 * ot_curve_signature_size(key) bytes. OT_E_UNSUPPORTED for a scheme/key
 * pair that does not go together or that we only verify (Ed448).
 */
OT_RESULT ot_sig_sign(ot_sig_scheme scheme, ot_curve key, ot_hash_alg hash, const uint8_t *priv,
                      size_t priv_len, const uint8_t *msg, size_t msg_len, uint8_t *sig,
                      size_t sig_cap, size_t *sig_len);
/* OT_E_BAD_KEY for an unusable public key, OT_E_VERIFY for a wrong signature. */
OT_RESULT ot_sig_verify(ot_sig_scheme scheme, ot_curve key, ot_hash_alg hash, const uint8_t *pub,
                        size_t pub_len, const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                        size_t sig_len);

/* ------------------------------------------------------------------------ */
/* Ephemeral Diffie-Hellman of any group SPDM negotiates (KEY_EXCHANGE).    */
/* ------------------------------------------------------------------------ */

/*
 * group: an ECDHE curve (P-256/P-384/P-521; public value X || Y, secret the
 * X coordinate) or an RFC 7919 FFDHE group (public value Y = g^x mod p and
 * the secret g^xy mod p, both big-endian and left-padded with zeros to the
 * size of p: DSP0274 1.2 §"KEY_EXCHANGE request" ExchangeData and the
 * "DHE secret" of the key schedule; libspdm pads the same way).
 *
 * ot_dhe_generate draws the private value from rng (reproducible with a
 * deterministic rng). FFDHE private exponents are 2 * s bits or more for the
 * group's security strength s, and below q (SP 800-56A Rev. 3 §5.6.1.1.4,
 * RFC 7919 §5.2); priv gets ot_dhe_private_size bytes, pub
 * ot_dhe_public_size.
 *
 * ot_dhe_shared validates the peer's value fully (SP 800-56A §5.6.2.3:
 * EC: on the curve, not infinity; FFDHE: 2 <= Y <= p - 2 and Y^q = 1 mod p,
 * so 0, 1 and p - 1 are refused as RFC 7919 §5.1 requires): OT_E_BAD_KEY.
 * secret gets ot_dhe_secret_size bytes and is a secret.
 */
size_t ot_dhe_private_size(ot_curve group);
size_t ot_dhe_public_size(ot_curve group);
size_t ot_dhe_secret_size(ot_curve group);
OT_RESULT ot_dhe_generate(ot_curve group, ot_rng *rng, uint8_t *priv, size_t priv_cap,
                          uint8_t *pub, size_t pub_cap);
OT_RESULT ot_dhe_shared(ot_curve group, const uint8_t *priv, size_t priv_len, const uint8_t *peer,
                        size_t peer_len, uint8_t *secret, size_t secret_cap);

/* ------------------------------------------------------------------------ */
/* HMAC_DRBG with SHA-256 (NIST SP 800-90A Rev. 1 §10.1.2).                 */
/* ------------------------------------------------------------------------ */

#define OT_DRBG_OUTLEN 32u      /* SHA-256 output, §10.1 Table 2 */
#define OT_DRBG_MIN_ENTROPY 32u /* security_strength 256 bits, §8.6.3 */
#define OT_DRBG_MIN_NONCE 16u   /* half the security strength, §8.6.7 */
/* Our bound on entropy, personalization and additional input (Table 2 allows 2^32 bytes). */
#define OT_DRBG_MAX_INPUT (1u << 20)
#define OT_DRBG_MAX_REQUEST 65536u /* max_number_of_bits_per_request 2^19, Table 2 */
#define OT_DRBG_RESEED_INTERVAL (UINT64_C(1) << 48) /* Table 2 maximum */

/*
 * The generator. `rng` is the first member, so &drbg->rng is an ot_rng whose
 * fill draws from ot_drbg_generate without additional input (in chunks of at
 * most OT_DRBG_MAX_REQUEST bytes); fill fails with OT_E_RNG, output zeroed,
 * when a reseed is due or the DRBG is not instantiated. The caller owns the
 * struct (no allocation anywhere); ot_drbg_uninstantiate zeroizes it whole.
 */
typedef struct ot_drbg {
  ot_rng rng;
  uint8_t key[OT_DRBG_OUTLEN]; /* K, secret */
  uint8_t v[OT_DRBG_OUTLEN];   /* V, secret */
  uint64_t reseed_counter;
  uint64_t reseed_interval; /* OT_DRBG_RESEED_INTERVAL unless lowered */
  bool instantiated;
} ot_drbg;

/*
 * §10.1.2.3: seeds d from entropy (>= OT_DRBG_MIN_ENTROPY bytes), nonce
 * (>= OT_DRBG_MIN_NONCE bytes) and an optional personalization string.
 * OT_E_ARG for short or over-long inputs (d is then left uninstantiated).
 */
OT_RESULT ot_drbg_instantiate(ot_drbg *d, const uint8_t *entropy, size_t entropy_len,
                              const uint8_t *nonce, size_t nonce_len, const uint8_t *pers,
                              size_t pers_len);
/* §10.1.2.4: mixes fresh entropy (>= OT_DRBG_MIN_ENTROPY) and optional input. */
OT_RESULT ot_drbg_reseed(ot_drbg *d, const uint8_t *entropy, size_t entropy_len,
                         const uint8_t *additional, size_t additional_len);
/*
 * §10.1.2.5: out[0..n), n <= OT_DRBG_MAX_REQUEST (OT_E_TOO_LARGE), with
 * optional additional input. OT_E_STATE if not instantiated; OT_E_FAILED
 * ("reseed required") once reseed_counter exceeds the reseed interval: call
 * ot_drbg_reseed. On failure out is zeroed.
 */
OT_RESULT ot_drbg_generate(ot_drbg *d, uint8_t *out, size_t n, const uint8_t *additional,
                           size_t additional_len);
/* §9.4: zeroizes the whole state; d must be instantiated again before use. */
void ot_drbg_uninstantiate(ot_drbg *d);
/* Lowers the reseed interval (1..OT_DRBG_RESEED_INTERVAL; OT_E_ARG otherwise). */
OT_RESULT ot_drbg_set_reseed_interval(ot_drbg *d, uint64_t interval);

/*
 * FOR REPRODUCIBILITY ONLY (tests, demos, the simulator): instantiates d from
 * a 64-bit seed, so the same seed always yields the same bytes and keys.
 * A 64-bit seed is not entropy: never use this for real keys.
 */
OT_RESULT ot_drbg_seed_u64(ot_drbg *d, uint64_t seed);

/* The ot_rng interface of d. */
static inline ot_rng *ot_drbg_rng(ot_drbg *d) { return &d->rng; }

/* ------------------------------------------------------------------------ */
/* AEAD over scattered pieces: one message in one call (src/crypto/aead_gather.c). */
/* ------------------------------------------------------------------------ */

/* One piece of additional data. */
typedef struct ot_aead_aad_part {
  const uint8_t *data;
  size_t len;
} ot_aead_aad_part;

/* One piece of text: out[0..len) is made from in[0..len). */
typedef struct ot_aead_text_part {
  const uint8_t *in;
  uint8_t *out;
  size_t len;
} ot_aead_text_part;

/*
 * One message with a keyed context (as ot_aead_seal / ot_aead_open) whose AAD
 * is the concatenation of aad[0..n_aad) and whose text is the concatenation of
 * text[0..n_text), each text piece written to its own out. The result is the
 * same as the contiguous call on the concatenations. Small AAD (up to 256
 * bytes in all) reaches the cipher as one update. Allocates nothing.
 *
 * A piece's out may equal its in (in place) but must not otherwise overlap
 * any piece's in or out. Empty pieces are allowed (pointers may be NULL when
 * len is 0). Any incremental message begun on k is abandoned.
 *
 * seal: tag[0..k->tag_len); tag_cap below it is OT_E_NO_SPACE.
 * open: tag must be exactly k->tag_len bytes and authenticate everything;
 * otherwise OT_E_DECRYPT (OT_E_LIBRARY if the library failed) and every
 * text piece's out is zeroed: no unauthenticated plaintext is released.
 * OT_E_ARG for NULL pointers with a non-zero length; OT_E_STATE for a
 * cleared key.
 */
OT_RESULT ot_aead_seal_gather(ot_aead_key *k, const uint8_t nonce[static OT_AEAD_NONCE_SIZE],
                              const ot_aead_aad_part *aad, size_t n_aad,
                              const ot_aead_text_part *text, size_t n_text, uint8_t *tag,
                              size_t tag_cap);
OT_RESULT ot_aead_open_gather(ot_aead_key *k, const uint8_t nonce[static OT_AEAD_NONCE_SIZE],
                              const ot_aead_aad_part *aad, size_t n_aad,
                              const ot_aead_text_part *text, size_t n_text, const uint8_t *tag,
                              size_t tag_len);

#endif /* OPENTSM_CRYPTO_H */
