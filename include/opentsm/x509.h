/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * X.509 certificate chains as SPDM carries them: parsing, verification against
 * caller-supplied trust anchors at a caller-supplied time, the SPDM leaf
 * certificate profile, public key extraction, and generation of test and tool
 * hierarchies (root -> intermediate -> device leaf).
 * @layer crypto
 *
 * Everything here works on DER bytes in caller-owned buffers; no OpenSSL type
 * crosses this header. Key formats are those of opentsm/crypto.h (raw scalar,
 * X || Y public keys, 32-byte Ed25519 keys).
 *
 * References:
 *  - DSP0274 1.3 GET_CERTIFICATE / CERTIFICATE, "SPDM certificate chain" format
 *    (summarised in SPEC-FACTS §2.7):
 *    after its header (Length, Reserved, RootHash) a chain is the concatenation
 *    of DER certificates, the root (or a certificate signed by a root) first
 *    and the leaf last, each signed by the one before it.
 *  - DSP0274 1.2/1.3 "Leaf certificate" requirements and Annex C (OIDs under
 *    id-DMTF-spdm 1.3.6.1.4.1.412.274), as libspdm checks them.
 *  - RFC 5280 for everything X.509.
 */
#ifndef OPENTSM_X509_H
#define OPENTSM_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "opentsm/crypto.h"
#include "opentsm/status.h"

/* Most certificates accepted in one chain (root and leaf included). */
#define OT_X509_MAX_CHAIN 8u
/* Largest single certificate accepted, in bytes (SPDM 1.3 chains fit 64 KiB). */
#define OT_X509_MAX_CERT_SIZE 0xFFFFu
/* Room for the DMTF device-info string of a leaf (NUL included). */
#define OT_X509_DEVICE_INFO_MAX 128u

/* One DER certificate, borrowed from a buffer the caller keeps alive. */
typedef struct ot_x509_cert {
  const uint8_t *der;
  size_t len;
} ot_x509_cert;

/*
 * A parsed chain: spans into the caller's buffer, in wire order
 * (certs[0] = root or first, certs[count - 1] = leaf). Lives as long as the
 * buffer it was parsed from.
 */
typedef struct ot_x509_chain {
  size_t count;
  ot_x509_cert certs[OT_X509_MAX_CHAIN];
} ot_x509_chain;

/* ---- why a certificate or chain was refused -------------------------------- */

/* X(NAME, "short text a user can read") */
#define OT_X509_REASON_TABLE(X)                                                                    \
  X(OT_X509_VALID, "valid")                                                                        \
  X(OT_X509_MALFORMED, "certificate is not well-formed DER X.509")                                 \
  X(OT_X509_BAD_ANCHOR, "a trust anchor is not a usable certificate")                              \
  X(OT_X509_UNTRUSTED_ROOT, "root certificate is not a trust anchor")                              \
  X(OT_X509_UNKNOWN_ISSUER, "issuer certificate not found")                                        \
  X(OT_X509_CHAIN_ORDER, "certificate is not issued by the one before it")                         \
  X(OT_X509_BAD_SIGNATURE, "signature does not verify")                                            \
  X(OT_X509_NOT_YET_VALID, "certificate is not yet valid")                                         \
  X(OT_X509_EXPIRED, "certificate has expired")                                                    \
  X(OT_X509_BAD_TIME, "validity period is malformed")                                              \
  X(OT_X509_ISSUER_NOT_CA, "issuer is not a CA")                                                   \
  X(OT_X509_PATH_LENGTH, "path length constraint exceeded")                                        \
  X(OT_X509_ISSUER_KEY_USAGE, "issuer key usage does not allow signing certificates")              \
  X(OT_X509_UNSUPPORTED_ALGORITHM, "key or signature algorithm not supported")                     \
  X(OT_X509_CRITICAL_EXTENSION, "unknown critical extension")                                      \
  X(OT_X509_PROFILE, "violates the RFC 5280 certificate profile")                                  \
  X(OT_X509_TOO_LONG, "chain is too long")                                                         \
  X(OT_X509_LEAF_VERSION, "leaf is not an X.509 v3 certificate")                                   \
  X(OT_X509_LEAF_IS_CA, "leaf certificate is a CA")                                                \
  X(OT_X509_LEAF_KEY_USAGE, "leaf key usage lacks digitalSignature")                               \
  X(OT_X509_LEAF_EKU, "leaf extended key usage is for the other SPDM role")                        \
  X(OT_X509_LEAF_KEY, "leaf key is not of the negotiated algorithm")                               \
  X(OT_X509_LEAF_HW_IDENTITY, "alias-model leaf carries the hardware identity OID")                \
  X(OT_X509_SPDM_EXTENSION, "SPDM certificate extension is malformed")                             \
  X(OT_X509_OTHER, "rejected by certificate path validation")

typedef enum ot_x509_reason {
#define OT_X_ENUM(name, text) name,
  OT_X509_REASON_TABLE(OT_X_ENUM)
#undef OT_X_ENUM
} ot_x509_reason;

/* Short text for a reason; never NULL ("unknown reason" for foreign values). */
const char *ot_x509_reason_string(ot_x509_reason reason);

/*
 * The verdict on a chain or certificate: filled on success (reason VALID) and
 * on every OT_E_CERT failure.
 */
typedef struct ot_x509_verdict {
  ot_x509_reason reason;
  /* Index into the chain (0 = first) of the certificate at fault; -1 when the
   * fault lies in a trust anchor or in no single certificate. */
  int index;
  /* The path validator's own error number (0 if none), for logs only. */
  int library_error;
} ot_x509_verdict;

/* ---- parsing ------------------------------------------------------------------ */

/*
 * Splits der[0..len) into certificates: each must be one DER SEQUENCE with a
 * definite, minimally encoded length, well-formed DER throughout (no
 * indefinite lengths at any depth), no larger than OT_X509_MAX_CERT_SIZE, and
 * have the shape of an X.509 Certificate (RFC 5280 §4.1: TBSCertificate with
 * its fields in order, signatureAlgorithm, signatureValue) using exactly its
 * bytes. The certificates are not decoded here: whatever uses one
 * (ot_x509_chain_verify, ot_x509_public_key, ot_x509_leaf_check) decodes it
 * fully and refuses it then. Fills *chain only on success.
 * Errors: OT_E_TRUNCATED (empty input or a certificate cut short),
 * OT_E_MALFORMED (bad DER or not a certificate), OT_E_TRAILING (bytes after
 * the last certificate that do not start another), OT_E_TOO_LARGE (more than
 * OT_X509_MAX_CHAIN certificates or one too big), OT_E_ARG, OT_E_NOMEM.
 */
OT_RESULT ot_x509_chain_parse(const uint8_t *der, size_t len, ot_x509_chain *chain);

/* Decodes one DER certificate (same rules as a chain element). */
OT_RESULT ot_x509_cert_check(const ot_x509_cert *cert);

static inline const ot_x509_cert *ot_x509_chain_leaf(const ot_x509_chain *c) {
  return &c->certs[c->count - 1];
}

/*
 * The subject name of cert as one line in RFC 4514 order and escaping
 * ("CN=device,O=Example"), written NUL-terminated into out[0..cap) and cut
 * to fit. For reports: never compare names by this text. Decodes the Name
 * alone (the certificate's shape as ot_x509_chain_parse checks it).
 * OT_E_MALFORMED for an undecodable certificate or Name, OT_E_ARG for cap 0.
 */
OT_RESULT ot_x509_subject(const ot_x509_cert *cert, char *out, size_t cap);

/*
 * The subject public key of a certificate: X || Y for P-256/P-384, the 32-byte
 * key for Ed25519, into pub[0..cap). A P-256/P-384 key (named curve,
 * uncompressed point, on the curve) is read from the certificate's shape as
 * ot_x509_chain_parse checks it, without decoding the rest; other keys by
 * decoding the certificate. OT_E_UNSUPPORTED for other key types,
 * OT_E_MALFORMED for an undecodable certificate, OT_E_NO_SPACE.
 */
OT_RESULT ot_x509_public_key(const ot_x509_cert *cert, ot_curve *curve, uint8_t *pub, size_t cap,
                             size_t *pub_len);

/* ---- the SPDM leaf profile ----------------------------------------------------- */

/* Which SPDM role the leaf must be fit for (id-DMTF-eku-*-auth). */
typedef enum ot_x509_role {
  OT_X509_ROLE_ANY = 0, /* do not check the SPDM EKUs */
  OT_X509_ROLE_RESPONDER = 1,
  OT_X509_ROLE_REQUESTER = 2,
} ot_x509_role;

/* Certificate model of the slot (DSP0274 1.3 CertificateInfo, CertModel). */
typedef enum ot_x509_model {
  OT_X509_MODEL_DEVICE = 0, /* DeviceCert (the default) */
  OT_X509_MODEL_ALIAS = 1,  /* AliasCert: the leaf must not claim hardware identity */
  OT_X509_MODEL_GENERIC = 2,
} ot_x509_model;

/* Policy flags. */
enum {
  /*
   * Also enforce the RFC 5280 profile rules that DSP0274 does not require and
   * that the DMTF reference hierarchy omits: authority and subject key
   * identifiers, critical basicConstraints and keyUsage in CA certificates.
   * Without it those four findings are tolerated; every other check of
   * strict path validation stays on.
   */
  OT_X509_FLAG_RFC5280 = 1u << 0,
};

/*
 * Decoded issuer certificates kept across validations, for chains that
 * take OpenSSL's path (outside the fast path's subset, see
 * ot_x509_chain_verify). There, decoding is most of what validating a chain
 * costs: OpenSSL 3.0 runs its key decoders inside
 * every d2i_X509 (~100 us for a P-256 certificate, more than verifying its
 * signature), and the issuers above a device's leaf (its vendor's
 * intermediates and root) are the same bytes for every device of that
 * vendor. The cache holds the decoded form of the CA certificates of chains
 * that validated, and of trust anchors, keyed by SHA-256 of their exact DER;
 * a later validation meeting the same bytes takes the decoded object
 * instead of decoding them again. It holds parse results, never a verdict:
 * every signature, name, validity period and constraint is checked again on
 * every validation, so nothing in it needs to be forgotten when policies or
 * anchors change. Leaves are never kept (each device has its own; a known
 * device's chain is the TSM's known-chain cache's business). Bounded to
 * OT_X509_CACHE_SLOTS entries, the least recently used replaced. One cache
 * per thread: it is not locked.
 */
#define OT_X509_CACHE_SLOTS 16u
typedef struct ot_x509_cache ot_x509_cache;

typedef struct ot_x509_cache_stats {
  uint64_t hits;    /* certificates taken decoded from the cache */
  uint64_t misses;  /* cacheable certificates that had to be decoded */
  uint64_t evicted; /* entries replaced to make room */
} ot_x509_cache_stats;

/* A new, empty cache (OT_E_NOMEM); free it with ot_x509_cache_free. */
OT_RESULT ot_x509_cache_new(ot_x509_cache **out);
/* Releases every entry and the cache; NULL is accepted. */
void ot_x509_cache_free(ot_x509_cache *cache);
/* Releases every entry; the cache stays usable. */
void ot_x509_cache_flush(ot_x509_cache *cache);
/* Entries held now. */
size_t ot_x509_cache_count(const ot_x509_cache *cache);
ot_x509_cache_stats ot_x509_cache_stats_get(const ot_x509_cache *cache);

typedef struct ot_x509_policy {
  time_t now;          /* validation time (seconds since the Unix epoch, UTC) */
  ot_x509_role role;   /* role the leaf must serve */
  ot_x509_model model; /* certificate model of the slot */
  ot_curve curve;      /* required leaf key type (negotiated BaseAsymAlgo), 0 = any */
  unsigned flags;      /* OT_X509_FLAG_* */
  ot_x509_cache *cache; /* optional: decoded issuers reused (see ot_x509_cache) */
} ot_x509_policy;

/* What the profile check learned about a leaf. */
typedef struct ot_x509_leaf_info {
  ot_curve curve;
  uint8_t public_key[OT_PUBLIC_KEY_MAX]; /* X || Y, the Ed25519 key, or RSA n || e */
  size_t public_key_len;
  bool eku_responder;     /* id-DMTF-eku-responder-auth present */
  bool eku_requester;     /* id-DMTF-eku-requester-auth present */
  bool hardware_identity; /* id-DMTF-hardware-identity in the SPDM extension */
  bool mutable_cert;      /* id-DMTF-mutable-certificate in the SPDM extension */
  /* subjectAltName otherName id-DMTF-device-info (UTF8String), "" if absent;
   * truncated to fit. */
  char device_info[OT_X509_DEVICE_INFO_MAX];
  /* Set by ot_x509_chain_verify: the window in which the whole validated
   * path (trust anchor included) is valid, the latest notBefore and the
   * earliest notAfter (RFC 5280 §6.1.3 (a)(2) holds for every certificate
   * exactly inside it). A verdict kept for later must not be used outside it. */
  time_t valid_from, valid_until;
} ot_x509_leaf_info;

/*
 * Checks one certificate against the SPDM leaf profile (policy->now is not
 * used: validity is a property of the path): X.509 v3; a supported key of
 * policy->curve; basicConstraints absent or cA FALSE; keyUsage, when present,
 * with digitalSignature; SPDM EKUs, when present, not only those of the other
 * role; a well-formed SPDM extension, with no hardware identity in the
 * AliasCert model. info (optional) is filled on success.
 * Returns OT_OK, or OT_E_CERT with *verdict saying why (index 0), or
 * OT_E_ARG / OT_E_NOMEM / OT_E_LIBRARY.
 */
OT_RESULT ot_x509_leaf_check(const ot_x509_cert *leaf, const ot_x509_policy *policy,
                             ot_x509_leaf_info *info, ot_x509_verdict *verdict);

/*
 * Validates a parsed chain at policy->now: every certificate is issued by the
 * one before it; the first is either one of the anchors (byte for byte) or
 * issued by one; signatures, validity periods, CA flags, path lengths and key
 * usages hold under strict RFC 5280 validation (see OT_X509_FLAG_RFC5280);
 * every certificate before the leaf is a CA (basicConstraints cA TRUE); the
 * leaf passes ot_x509_leaf_check. Anchors are DER self-signed roots the
 * caller trusts. Chains within the SPDM subset (X.509 v3, ECDSA P-256/P-384,
 * the SPDM extensions; src/crypto/x509_parse.h) are accepted by a fast path
 * that decodes nothing with OpenSSL; any other chain, and every refusal, gets
 * OpenSSL's strict path validation and its verdict. A certificate counts as expired from the second of its
 * notAfter on (one second earlier than RFC 5280 §4.1.2.5, as OpenSSL does).
 * info (optional) describes the leaf on success.
 * Returns OT_OK, or OT_E_CERT with *verdict saying why and which certificate,
 * or OT_E_ARG (bad arguments, or an anchor that does not decode: verdict
 * BAD_ANCHOR), OT_E_NOMEM, OT_E_LIBRARY.
 */
OT_RESULT ot_x509_chain_verify(const ot_x509_chain *chain, const ot_x509_cert *anchors,
                               size_t anchor_count, const ot_x509_policy *policy,
                               ot_x509_leaf_info *info, ot_x509_verdict *verdict);

/* ---- key files ---------------------------------------------------------------- */

/*
 * The public key of a DER SubjectPublicKeyInfo (a ".pub.der" file), as
 * ot_x509_public_key. OT_E_MALFORMED if it does not decode using exactly len
 * bytes.
 */
OT_RESULT ot_x509_spki_public_key(const uint8_t *der, size_t len, ot_curve *curve, uint8_t *pub,
                                  size_t cap, size_t *pub_len);

/*
 * The DER SubjectPublicKeyInfo of a public key (X || Y, or RSA n || e): the
 * inverse of ot_x509_spki_public_key. OT_E_BAD_KEY for a point off the curve,
 * OT_E_NO_SPACE when cap is too small.
 */
OT_RESULT ot_x509_spki_encode(ot_curve curve, const uint8_t *pub, size_t pub_len, uint8_t *out,
                              size_t cap, size_t *out_len);

/*
 * The raw private key (scalar or Ed25519 seed) of a DER private key file:
 * SEC 1 ECPrivateKey or PKCS#8 PrivateKeyInfo, unencrypted. Writes
 * priv[0..curve size) and *curve; on any failure priv[0..cap) is zeroized.
 * The caller owns the secret and must wipe it.
 */
OT_RESULT ot_x509_private_key_raw(const uint8_t *der, size_t len, ot_curve *curve, uint8_t *priv,
                                  size_t cap, size_t *priv_len);

/* ---- certification requests (RFC 2986), for SPDM GET_CSR -------------------- */

/*
 * A DER PKCS#10 CertificationRequest for the key priv (raw scalar of
 * `curve`), signed with it (ECDSA with SHA-256/384/512 for P-256/384/521).
 * With requester_info (a DER CertificationRequestInfo, version 0) its subject
 * and attributes are used and its SubjectPublicKeyInfo must be this key's
 * (OT_E_BAD_KEY otherwise, OT_E_MALFORMED if it does not parse); without,
 * the subject is CN=common_name. OT_E_NO_SPACE when cap is too small.
 */
OT_RESULT ot_x509_csr_generate(ot_curve curve, const uint8_t *priv, const uint8_t *requester_info,
                               size_t info_len, const char *common_name, uint8_t *out, size_t cap,
                               size_t *out_len);
/* Checks a DER CertificationRequest (exactly len bytes, self-signature valid:
 * OT_E_MALFORMED / OT_E_VERIFY) and returns its public key (pub may be NULL). */
OT_RESULT ot_x509_csr_check(const uint8_t *der, size_t len, ot_curve *curve, uint8_t *pub,
                            size_t cap, size_t *pub_len);

/* ---- generation ----------------------------------------------------------------- */

typedef enum ot_x509_kind {
  OT_X509_KIND_ROOT = 1,         /* self-signed CA */
  OT_X509_KIND_INTERMEDIATE = 2, /* CA signed by its issuer */
  OT_X509_KIND_LEAF = 3,         /* SPDM device certificate, not a CA */
} ot_x509_kind;

/* keyUsage bits, by their RFC 5280 §4.2.1.3 bit number. */
enum {
  OT_X509_KU_DIGITAL_SIGNATURE = 1u << 0,
  OT_X509_KU_NON_REPUDIATION = 1u << 1,
  OT_X509_KU_KEY_ENCIPHERMENT = 1u << 2,
  OT_X509_KU_DATA_ENCIPHERMENT = 1u << 3,
  OT_X509_KU_KEY_AGREEMENT = 1u << 4,
  OT_X509_KU_KEY_CERT_SIGN = 1u << 5,
  OT_X509_KU_CRL_SIGN = 1u << 6,
};

/* SPDM EKUs to put in a leaf. */
enum {
  OT_X509_EKU_RESPONDER = 1u << 0, /* id-DMTF-eku-responder-auth */
  OT_X509_EKU_REQUESTER = 1u << 1, /* id-DMTF-eku-requester-auth */
};

typedef struct ot_x509_template {
  ot_x509_kind kind;
  const char *common_name; /* subject CN (UTF-8, 1..64 bytes) */
  uint64_t serial;         /* positive */
  time_t not_before;
  time_t not_after; /* > not_before */
  /* Subject key (ignored for ROOT, whose key is the issuer's): */
  ot_curve subject_curve;
  const uint8_t *subject_public; /* X || Y or the Ed25519 key */
  /* INTERMEDIATE: pathLenConstraint, or -1 for none. */
  int path_len;
  /* keyUsage, 0 = the default of the kind (CA: keyCertSign | cRLSign |
   * digitalSignature; leaf: digitalSignature). */
  unsigned key_usage;
  /* LEAF only: SPDM EKUs (0 = no extendedKeyUsage extension), the SPDM
   * extension with id-DMTF-hardware-identity, and an optional subjectAltName
   * otherName id-DMTF-device-info ("vendor:model:serial", NULL = none). */
  unsigned eku;
  bool hardware_identity;
  const char *device_info;
} ot_x509_template;

/* Who signs: the issuer's private key and (except for a root) its certificate. */
typedef struct ot_x509_issuer {
  ot_curve curve;
  const uint8_t *private_key; /* raw scalar or Ed25519 seed; borrowed */
  const ot_x509_cert *cert;   /* NULL when generating a root */
} ot_x509_issuer;

/*
 * Generates one DER certificate into out[0..cap), signed by the issuer with
 * ECDSA-SHA256 (P-256), ECDSA-SHA384 (P-384) or Ed25519. CAs get critical
 * basicConstraints cA TRUE (and the path length), leaves cA FALSE; keyUsage is
 * critical; subject and authority key identifiers are set, so the result
 * passes strict RFC 5280 validation. Writes *out_len on success only.
 * Errors: OT_E_ARG (missing fields, serial 0, empty window, issuer certificate
 * missing or present for the wrong kind), OT_E_UNSUPPORTED (issuer curve),
 * OT_E_BAD_KEY (invalid key, or an issuer key that is not the one in the
 * issuer certificate), OT_E_MALFORMED / OT_E_TRUNCATED (issuer certificate),
 * OT_E_NO_SPACE, OT_E_NOMEM, OT_E_LIBRARY.
 */
OT_RESULT ot_x509_generate(const ot_x509_template *tmpl, const ot_x509_issuer *issuer, uint8_t *out,
                           size_t cap, size_t *out_len);

/* A whole root -> intermediate -> leaf hierarchy on one curve. */
typedef struct ot_x509_chain_template {
  ot_curve curve;
  const uint8_t *root_private; /* raw keys, curve size each; borrowed */
  const uint8_t *intermediate_private;
  const uint8_t *leaf_private;
  time_t not_before;
  time_t not_after;
  unsigned leaf_eku;       /* OT_X509_EKU_* for the leaf */
  const char *device_info; /* optional, see ot_x509_template */
  const char *leaf_name;   /* leaf CN, NULL = "opentsm device" */
} ot_x509_chain_template;

/*
 * Generates root (serial 1, self-signed), intermediate (serial 2, pathLen 0)
 * and leaf (serial 3, with the hardware identity OID) and writes them
 * concatenated, root first, into out[0..cap): the certificate part of an SPDM
 * certificate chain. The root is certs[0] of ot_x509_chain_parse(out).
 * Errors as ot_x509_generate; on failure out[0..cap) holds no usable chain.
 */
OT_RESULT ot_x509_generate_chain(const ot_x509_chain_template *tmpl, uint8_t *out, size_t cap,
                                 size_t *out_len);

#endif /* OPENTSM_X509_H */
