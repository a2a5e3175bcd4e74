/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPDM certificate chains: splitting the concatenated DER certificates
 * (DSP0274 1.3 certificate chain format, SPEC-FACTS §2.7: the "Certificates" field, root or
 * first certificate first, leaf last), decoding each, and reading a
 * certificate's public key. See opentsm/x509.h.
 */
#include "x509_internal.h"

#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <string.h>

#include "crypto_internal.h"

/* ---- reasons ------------------------------------------------------------------- */

static const char *const reason_text[] = {
#define OT_X_TEXT(name, text) [name] = text,
    OT_X509_REASON_TABLE(OT_X_TEXT)
#undef OT_X_TEXT
};

const char *ot_x509_reason_string(ot_x509_reason reason) {
  if ((size_t)reason >= sizeof reason_text / sizeof reason_text[0]) return "unknown reason";
  return reason_text[reason];
}

/* ---- DMTF OIDs (DSP0274 1.2 Annex C: id-DMTF-spdm = 1.3.6.1.4.1.412.274) ---------- */

const uint8_t ot_oid_dmtf_device_info[OT_OID_DMTF_SPDM_LEN] = {OT_OID_DMTF_SPDM_PREFIX, 1};
const uint8_t ot_oid_dmtf_hardware_identity[OT_OID_DMTF_SPDM_LEN] = {OT_OID_DMTF_SPDM_PREFIX, 2};
const uint8_t ot_oid_dmtf_eku_responder[OT_OID_DMTF_SPDM_LEN] = {OT_OID_DMTF_SPDM_PREFIX, 3};
const uint8_t ot_oid_dmtf_eku_requester[OT_OID_DMTF_SPDM_LEN] = {OT_OID_DMTF_SPDM_PREFIX, 4};
const uint8_t ot_oid_dmtf_mutable_cert[OT_OID_DMTF_SPDM_LEN] = {OT_OID_DMTF_SPDM_PREFIX, 5};
const uint8_t ot_oid_dmtf_spdm_extension[OT_OID_DMTF_SPDM_LEN] = {OT_OID_DMTF_SPDM_PREFIX, 6};

bool ot_oid_equals(const ASN1_OBJECT *obj, const uint8_t *oid, size_t len) {
  if (obj == NULL) return false;
  const unsigned char *data = OBJ_get0_data(obj);
  size_t n = OBJ_length(obj);
  return data != NULL && n == len && memcmp(data, oid, len) == 0;
}

ASN1_OBJECT *ot_oid_new(const uint8_t *oid, size_t len) {
  /* Wrap the contents octets in an OBJECT IDENTIFIER TLV and decode it. */
  uint8_t tlv[2 + 32];
  if (len == 0 || len > 32) return NULL;
  tlv[0] = OT_DER_OID;
  tlv[1] = (uint8_t)len;
  memcpy(tlv + 2, oid, len);
  const unsigned char *p = tlv;
  return d2i_ASN1_OBJECT(NULL, &p, (long)(len + 2));
}

/* ---- decoding ------------------------------------------------------------------ */

/* Checks that cert is exactly one DER certificate TLV, well-formed throughout. */
static ot_status check_der(const ot_x509_cert *cert) {
  ot_reader r, body;
  ot_reader_init(&r, cert->der, cert->len);
  OT_GUARD(ot_der_expect(&r, OT_DER_SEQUENCE, &body));
  OT_GUARD(ot_reader_finish(&r));
  return ot_der_walk(&body);
}

ot_status ot_x509_decode(const ot_x509_cert *cert, X509 **out) {
  OT_ENSURE(cert != NULL && out != NULL && (cert->der != NULL || cert->len == 0), OT_E_ARG);
  OT_ENSURE(cert->len <= OT_X509_MAX_CERT_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(check_der(cert));
  const unsigned char *p = cert->der;
  X509 *x = d2i_X509(NULL, &p, (long)cert->len);
  OT_ENSURE(x != NULL, OT_E_MALFORMED);
  if ((size_t)(p - cert->der) != cert->len) {
    X509_free(x);
    OT_BAIL(OT_E_MALFORMED);
  }
  *out = x;
  return OT_SUCCESS;
}

/* Context-specific constructed tags of TBSCertificate (RFC 5280 §4.1). */
#define TAG_VERSION 0xA0u    /* [0] EXPLICIT Version */
#define TAG_ISSUER_UID 0x81u /* [1] IMPLICIT UniqueIdentifier */
#define TAG_SUBJECT_UID 0x82u
#define TAG_EXTENSIONS 0xA3u /* [3] EXPLICIT Extensions */
#define TAG_INTEGER 0x02u
#define TAG_BIT_STRING 0x03u

/* The next TLV's tag without consuming it (0 at the end or on bad DER). */
static uint8_t peek_tag(const ot_reader *r) {
  ot_reader copy = *r, content;
  uint8_t tag = 0;
  return ot_ok(ot_der_read_tlv(&copy, &tag, &content)) ? tag : 0;
}

/*
 * The shape of a Certificate with our DER reader, no OpenSSL object (RFC
 * 5280 §4.1): SEQUENCE { TBSCertificate, AlgorithmIdentifier, BIT STRING },
 * TBSCertificate = SEQUENCE { [0] version OPTIONAL, INTEGER serial,
 * AlgorithmIdentifier, Name issuer, Validity, Name subject,
 * SubjectPublicKeyInfo, [1] [2] OPTIONAL, [3] extensions OPTIONAL }, nothing
 * after. The caller has DER-walked it (check_der). On success *subject and
 * *spki span the whole TLVs of the subject Name and the SubjectPublicKeyInfo.
 */
static ot_status cert_fields(const ot_x509_cert *cert, ot_reader *subject, ot_reader *spki) {
  ot_reader r, c, tbs, x;
  ot_reader_init(&r, cert->der, cert->len);
  OT_GUARD(ot_der_expect(&r, OT_DER_SEQUENCE, &c));
  OT_GUARD(ot_der_expect(&c, OT_DER_SEQUENCE, &tbs));
  OT_GUARD(ot_der_expect(&c, OT_DER_SEQUENCE, &x)); /* signatureAlgorithm */
  OT_GUARD(ot_der_expect(&c, TAG_BIT_STRING, &x));  /* signatureValue */
  OT_ENSURE(ot_reader_remaining(&c) == 0, OT_E_MALFORMED);
  if (peek_tag(&tbs) == TAG_VERSION) OT_GUARD(ot_der_expect(&tbs, TAG_VERSION, &x));
  OT_GUARD(ot_der_expect(&tbs, TAG_INTEGER, &x));     /* serialNumber */
  OT_GUARD(ot_der_expect(&tbs, OT_DER_SEQUENCE, &x)); /* signature */
  OT_GUARD(ot_der_expect(&tbs, OT_DER_SEQUENCE, &x)); /* issuer */
  OT_GUARD(ot_der_expect(&tbs, OT_DER_SEQUENCE, &x)); /* validity */
  size_t start = ot_reader_offset(&tbs);
  OT_GUARD(ot_der_expect(&tbs, OT_DER_SEQUENCE, &x)); /* subject */
  ot_reader_init(subject, tbs.data + start, ot_reader_offset(&tbs) - start);
  start = ot_reader_offset(&tbs);
  OT_GUARD(ot_der_expect(&tbs, OT_DER_SEQUENCE, &x)); /* subjectPublicKeyInfo */
  ot_reader_init(spki, tbs.data + start, ot_reader_offset(&tbs) - start);
  if (peek_tag(&tbs) == TAG_ISSUER_UID) OT_GUARD(ot_der_expect(&tbs, TAG_ISSUER_UID, &x));
  if (peek_tag(&tbs) == TAG_SUBJECT_UID) OT_GUARD(ot_der_expect(&tbs, TAG_SUBJECT_UID, &x));
  if (peek_tag(&tbs) == TAG_EXTENSIONS) OT_GUARD(ot_der_expect(&tbs, TAG_EXTENSIONS, &x));
  OT_ENSURE(ot_reader_remaining(&tbs) == 0, OT_E_MALFORMED);
  return OT_SUCCESS;
}

/* The certificate's own TLV is complete (check_der): a field missing inside
 * it makes it no certificate (malformed), not a cut-short input. */
static ot_status cert_shape(const ot_x509_cert *cert, ot_reader *subject, ot_reader *spki) {
  ot_status st = cert_fields(cert, subject, spki);
  return ot_is(st, OT_E_TRUNCATED) ? ot_status_of(OT_E_MALFORMED) : st;
}

ot_status ot_x509_cert_check(const ot_x509_cert *cert) {
  X509 *x = NULL;
  OT_GUARD(ot_x509_decode(cert, &x));
  X509_free(x);
  return OT_SUCCESS;
}

ot_status ot_x509_subject(const ot_x509_cert *cert, char *out, size_t cap) {
  OT_ENSURE(out != NULL && cap > 0, OT_E_ARG);
  out[0] = '\0';
  OT_ENSURE(cert != NULL && (cert->der != NULL || cert->len == 0), OT_E_ARG);
  OT_ENSURE(cert->len <= OT_X509_MAX_CERT_SIZE, OT_E_TOO_LARGE);
  OT_GUARD(check_der(cert));
  /* Only the Name is decoded: d2i_X509 would also decode the public key
   * (OpenSSL 3 runs its key decoders for that), which a report never needs. */
  ot_reader name, spki;
  OT_GUARD(cert_shape(cert, &name, &spki));
  const unsigned char *p = name.data;
  X509_NAME *nm = d2i_X509_NAME(NULL, &p, (long)name.len);
  OT_ENSURE(nm != NULL, OT_E_MALFORMED);
  ot_status st = ot_status_of(OT_E_LIBRARY);
  BIO *mem = BIO_new(BIO_s_mem());
  /* RFC 4514 order and escaping, UTF-8 kept as is (no \XX for bytes >= 0x80). */
  unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
  if ((size_t)(p - name.data) != name.len) {
    st = ot_status_of(OT_E_MALFORMED);
  } else if (mem != NULL && X509_NAME_print_ex(mem, nm, 0, flags) >= 0) {
    char *text = NULL;
    long n = BIO_get_mem_data(mem, &text);
    size_t len = n > 0 ? (size_t)n : 0;
    if (len >= cap) len = cap - 1;
    if (len) memcpy(out, text, len);
    out[len] = '\0';
    st = OT_SUCCESS;
  }
  BIO_free(mem);
  X509_NAME_free(nm);
  return st;
}

/* ---- chains -------------------------------------------------------------------- */

ot_status ot_x509_chain_parse(const uint8_t *der, size_t len, ot_x509_chain *chain) {
  OT_ENSURE(chain != NULL && (der != NULL || len == 0), OT_E_ARG);
  OT_ENSURE(len > 0, OT_E_TRUNCATED);
  ot_x509_chain c;
  memset(&c, 0, sizeof c);
  ot_reader r;
  ot_reader_init(&r, der, len);
  while (ot_reader_remaining(&r) > 0) {
    size_t start = ot_reader_offset(&r);
    /* Something after a complete certificate that cannot start another one. */
    if (c.count > 0 && der[start] != OT_DER_SEQUENCE) OT_BAIL(OT_E_TRAILING);
    OT_ENSURE(c.count < OT_X509_MAX_CHAIN, OT_E_TOO_LARGE);
    ot_reader body;
    OT_GUARD(ot_der_expect(&r, OT_DER_SEQUENCE, &body));
    c.certs[c.count].der = der + start;
    c.certs[c.count].len = ot_reader_offset(&r) - start;
    /* The shape only: whoever uses a certificate decodes it fully then
     * (ot_x509_chain_verify, ot_x509_public_key, ot_x509_leaf_check), so a
     * full decode here would be done twice for every certificate. */
    ot_reader subject, spki;
    OT_GUARD(check_der(&c.certs[c.count]));
    OT_GUARD(cert_shape(&c.certs[c.count], &subject, &spki));
    c.count++;
  }
  *chain = c;
  return OT_SUCCESS;
}

/* ---- keys ---------------------------------------------------------------------- */

ot_status ot_x509_public_key(const ot_x509_cert *cert, ot_curve *curve, uint8_t *pub, size_t cap,
                             size_t *pub_len) {
  OT_ENSURE(curve != NULL && pub != NULL && pub_len != NULL, OT_E_ARG);
  OT_ENSURE(cert != NULL && (cert->der != NULL || cert->len == 0), OT_E_ARG);
  OT_ENSURE(cert->len <= OT_X509_MAX_CERT_SIZE, OT_E_TOO_LARGE);
  /* A P-256/P-384 key is read from the certificate's shape, the whole
   * certificate not decoded (what the key belongs to is the caller's
   * concern: path validation decodes it all). */
  ot_reader subject, spki;
  OT_GUARD(check_der(cert));
  OT_GUARD(cert_shape(cert, &subject, &spki));
  if (ot_x509_ec_spki_fast(spki.data, spki.len, curve, pub, cap, pub_len)) return OT_SUCCESS;
  X509 *x = NULL;
  OT_GUARD(ot_x509_decode(cert, &x));
  EVP_PKEY *key = X509_get0_pubkey(x); /* borrowed from x */
  ot_status st =
      key ? ot_pkey_to_raw_public(key, curve, pub, cap, pub_len) : ot_status_of(OT_E_UNSUPPORTED);
  X509_free(x);
  return st;
}
