/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The X.509 subset SPDM chains use, read with the strict DER reader, no
 * OpenSSL object (x509_parse.c), and the path validation over it
 * (x509_path.c). Never exported.
 *
 * Why: OpenSSL 3.0's d2i_X509 rebuilds its provider decoder chains for
 * every certificate's public key (~100 us per P-256 certificate, more than
 * the ECDSA verification of its signature; OpenSSL 3.2 caches them). The
 * fast path reads a certificate in microseconds and checks the signatures
 * with the crypto layer.
 *
 * The subset (RFC 5280 §4.1, DSP0274 1.2/1.3 certificate requirements):
 * X.509 v3; ECDSA with SHA-256/384/512 signatures; P-256/P-384 named-curve
 * keys; Names of single-valued RDNs whose values are UTF8String,
 * PrintableString or IA5String; the extensions basicConstraints, keyUsage,
 * extendedKeyUsage, subjectKeyIdentifier, authorityKeyIdentifier (keyId
 * only), subjectAltName (otherName only) and id-DMTF-SPDM-extension; DER
 * throughout (no explicit DEFAULT values, minimal INTEGERs, no unused bits
 * that are set). Anything outside it is not refused here but reported as
 * OT_E_UNSUPPORTED: ot_x509_chain_verify then takes OpenSSL's path.
 */
#ifndef OPENTSM_X509_PARSE_H
#define OPENTSM_X509_PARSE_H

#include "x509_internal.h"

/* A span of the certificate's bytes. */
typedef struct ot_x509_span {
  const uint8_t *p;
  size_t n;
} ot_x509_span;

/* What the fast path knows of one certificate; spans borrow its DER. */
typedef struct ot_x509_parsed {
  ot_x509_span tbs;         /* TBSCertificate TLV: what the signature covers */
  ot_x509_span sig_alg;     /* outer signatureAlgorithm TLV */
  ot_x509_span tbs_sig_alg; /* TBSCertificate.signature TLV */
  ot_hash_alg sig_hash;     /* hash of ecdsa-with-SHAxxx */
  ot_x509_span sig;         /* signatureValue contents: DER Ecdsa-Sig-Value */
  ot_x509_span issuer;      /* Name TLVs */
  ot_x509_span subject;
  time_t not_before, not_after;
  ot_curve curve;       /* subject key: P-256 / P-384 */
  const uint8_t *point; /* X || Y, 2 * curve size, not yet checked on the curve */
  bool has_bc, ca;
  long path_len; /* -1: no pathLenConstraint */
  bool has_ku;
  uint32_t ku; /* bit k of RFC 5280 §4.2.1.3 as OpenSSL's KU_* (byte 0 | byte 1 << 8) */
  bool has_skid, has_akid;
  ot_x509_span skid, akid; /* keyIdentifier contents; akid.n == 0: no keyIdentifier */
  bool eku_responder, eku_requester;
  bool has_san;
  ot_x509_span device_info; /* first DMTF device-info otherName UTF8String, n == 0: none */
  bool has_spdm_ext;
  ot_x509_span spdm_ext; /* extnValue contents */
} ot_x509_parsed;

/* keyUsage bits in OpenSSL's KU_* numbering (byte 0 MSB first). */
#define OT_KU_DIGITAL_SIGNATURE 0x0080u
#define OT_KU_KEY_CERT_SIGN 0x0004u

/*
 * Reads cert in the subset above. OT_E_MALFORMED: not DER or not a
 * certificate; OT_E_UNSUPPORTED: outside the subset (OpenSSL decides).
 * Nothing is checked that needs another certificate or the time.
 */
OT_RESULT ot_x509_parse(const ot_x509_cert *cert, ot_x509_parsed *out);

/*
 * Name equality as OpenSSL's X509_NAME_cmp decides it over names the
 * parser accepted (RFC 5280 §7.1 allows this caseIgnoreMatch-like
 * comparison): the same attribute types in order, values equal after
 * conversion to UTF-8, removal of leading and trailing white space,
 * collapsing of inner runs of white space and lowering of ASCII case.
 */
bool ot_x509_name_equal(ot_x509_span a, ot_x509_span b);

/* The SPDM extension's contents (see x509_profile.c), into info. */
OT_RESULT ot_x509_spdm_extension_parse(const uint8_t *p, size_t n, ot_x509_leaf_info *info);

/* P-256 / P-384 SubjectPublicKeyInfo read without checking the point:
 * false for anything else (x509_keyfile.c). */
bool ot_x509_ec_spki_read(const uint8_t *der, size_t len, ot_curve *curve, const uint8_t **point);

/*
 * The fast path of ot_x509_chain_verify (x509_path.c): OT_OK with *info
 * filled as the OpenSSL path fills it, OT_E_CERT with a verdict, or
 * OT_E_UNSUPPORTED when a certificate, an anchor or the policy lies
 * outside the subset. The public function takes OpenSSL's path for every
 * outcome but OT_OK.
 */
OT_RESULT ot_x509_chain_verify_fast(const ot_x509_chain *chain, const ot_x509_cert *anchors,
                                    size_t anchor_count, const ot_x509_policy *policy,
                                    ot_x509_leaf_info *info, ot_x509_verdict *verdict);
/* OpenSSL's path validation alone (x509_verify.c), as before the fast path. */
OT_RESULT ot_x509_chain_verify_openssl(const ot_x509_chain *chain, const ot_x509_cert *anchors,
                                       size_t anchor_count, const ot_x509_policy *policy,
                                       ot_x509_leaf_info *info, ot_x509_verdict *verdict);

#endif /* OPENTSM_X509_PARSE_H */
