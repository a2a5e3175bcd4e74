/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared helpers of the X.509 files (x509_*.c): a strict DER reader over
 * ot_reader, the DMTF SPDM object identifiers, and the conversions between
 * opentsm spans and OpenSSL X509 objects. Never exported.
 */
#ifndef OPENTSM_X509_INTERNAL_H
#define OPENTSM_X509_INTERNAL_H

/* Hide every OpenSSL interface deprecated in 3.0 or before: using one is a
 * compile error. Include this header before any other OpenSSL header. */
#ifndef OPENSSL_API_COMPAT
#define OPENSSL_API_COMPAT 30000
#endif

#include <openssl/x509.h>

#include "opentsm/cursor.h"
#include "opentsm/x509.h"

/* ---- DER (X.690 §8, §10) ------------------------------------------------------ */

#define OT_DER_SEQUENCE 0x30u
#define OT_DER_OID 0x06u
#define OT_DER_OCTET_STRING 0x04u
#define OT_DER_CONSTRUCTED 0x20u
/* Nesting deeper than this is refused (X.509 needs about ten levels). */
#define OT_DER_MAX_DEPTH 24u

/*
 * Reads one TLV: a single-byte tag (low tag numbers only), a definite length
 * in minimal form (X.690 §10.1) of at most four bytes, and its contents, which
 * *content then spans. Fails without moving r: OT_E_TRUNCATED when the bytes
 * run out, OT_E_MALFORMED for a high tag number, an indefinite length
 * (0x80) or a non-minimal length, OT_E_TOO_LARGE for longer length fields.
 */
OT_RESULT ot_der_read_tlv(ot_reader *r, uint8_t *tag, ot_reader *content);
/* As ot_der_read_tlv, and the tag must be `tag` (OT_E_MALFORMED otherwise). */
OT_RESULT ot_der_expect(ot_reader *r, uint8_t tag, ot_reader *content);
/*
 * Walks r to its end: every TLV well-formed as above, constructed ones
 * recursively (to OT_DER_MAX_DEPTH), contents exactly filling their parent.
 */
OT_RESULT ot_der_walk(ot_reader *r);

/* ---- DMTF object identifiers (DSP0274 1.2 Annex C), contents octets only ------- */

/* id-DMTF-spdm 1.3.6.1.4.1.412.274, the arc the SPDM OIDs hang from. */
#define OT_OID_DMTF_SPDM_PREFIX 0x2B, 0x06, 0x01, 0x04, 0x01, 0x83, 0x1C, 0x82, 0x12
#define OT_OID_DMTF_SPDM_LEN 10u                                    /* every id-DMTF-spdm.N below */
extern const uint8_t ot_oid_dmtf_device_info[OT_OID_DMTF_SPDM_LEN]; /* .1 */
extern const uint8_t ot_oid_dmtf_hardware_identity[OT_OID_DMTF_SPDM_LEN]; /* .2 */
extern const uint8_t ot_oid_dmtf_eku_responder[OT_OID_DMTF_SPDM_LEN];     /* .3 */
extern const uint8_t ot_oid_dmtf_eku_requester[OT_OID_DMTF_SPDM_LEN];     /* .4 */
extern const uint8_t ot_oid_dmtf_mutable_cert[OT_OID_DMTF_SPDM_LEN];      /* .5 */
extern const uint8_t ot_oid_dmtf_spdm_extension[OT_OID_DMTF_SPDM_LEN];    /* .6 */

/* True when obj encodes exactly the contents octets oid[0..len). */
bool ot_oid_equals(const ASN1_OBJECT *obj, const uint8_t *oid, size_t len);
/* A new ASN1_OBJECT for contents octets (caller frees), NULL on failure. */
ASN1_OBJECT *ot_oid_new(const uint8_t *oid, size_t len);

/*
 * A P-256 / P-384 SubjectPublicKeyInfo (der[0..len), exactly one TLV, named
 * curve, uncompressed point) read with the DER reader and its point
 * validated, without OpenSSL's decoders. false (nothing written) for any
 * other key or form: the caller then decodes with OpenSSL.
 */
bool ot_x509_ec_spki_fast(const uint8_t *der, size_t len, ot_curve *curve, uint8_t *pub, size_t cap,
                          size_t *pub_len);

/* ---- X509 objects -------------------------------------------------------------- */

/*
 * Decodes one certificate: DER-walked first (ot_der_walk), then d2i_X509,
 * which must consume exactly cert->len bytes. OT_E_MALFORMED, OT_E_TRUNCATED,
 * OT_E_TOO_LARGE, OT_E_NOMEM. The caller frees *out with X509_free().
 */
OT_RESULT ot_x509_decode(const ot_x509_cert *cert, X509 **out);

/* Profile check of a decoded leaf (see ot_x509_leaf_check). */
OT_RESULT ot_x509_leaf_check_obj(X509 *leaf, const ot_x509_policy *policy, ot_x509_leaf_info *info,
                                 ot_x509_reason *reason);

/* True when x carries basicConstraints with cA TRUE. */
bool ot_x509_is_ca(X509 *x);

/* Fills a verdict. */
static inline void ot_x509_set_verdict(ot_x509_verdict *v, ot_x509_reason reason, int index,
                                       int library_error) {
  if (v) {
    v->reason = reason;
    v->index = index;
    v->library_error = library_error;
  }
}

/* ---- decoded issuers (x509_cache.c) -------------------------------------------- */

/* The decoded form of cert's exact bytes from the cache, as a new reference
 * the caller frees; NULL when not held (or c is NULL). */
X509 *ot_x509_cache_take(ot_x509_cache *c, const ot_x509_cert *cert);
/* Keeps a reference to x, which is the decoding of cert's exact bytes
 * (nothing happens when c is NULL or it is held already). */
void ot_x509_cache_keep(ot_x509_cache *c, const ot_x509_cert *cert, X509 *x);

#endif /* OPENTSM_X509_INTERNAL_H */
