/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SPDM leaf certificate profile (see ot_x509_leaf_check in opentsm/x509.h).
 *
 * DSP0274 1.2 / 1.3 "SPDM certificate requirements and
 * recommendations", as the reference implementation applies them to a peer's
 * leaf (libspdm libspdm_x509_certificate_check):
 *  - the leaf is X.509 v3 (version field = 2);
 *  - its key is of the negotiated asymmetric algorithm;
 *  - basicConstraints is absent or says cA FALSE ("the leaf certificate shall
 *    not be a CA" for GET_CERTIFICATE);
 *  - keyUsage includes digitalSignature (RFC 5280 §4.2.1.3: an absent keyUsage
 *    places no restriction);
 *  - extendedKeyUsage: a Responder's leaf shall not carry only
 *    id-DMTF-eku-requester-auth, a Requester's only id-DMTF-eku-responder-auth;
 *  - the id-DMTF-SPDM-extension (SEQUENCE OF SPDMCertOID) may name
 *    id-DMTF-hardware-identity, which an AliasCert-model leaf shall not carry.
 */
#include "x509_internal.h"
#include "x509_parse.h"

#include <openssl/x509v3.h>
#include <string.h>

#include "crypto_internal.h"

bool ot_x509_is_ca(X509 *x) {
  uint32_t flags = X509_get_extension_flags(x);
  /* EXFLAG_CA is set only by a basicConstraints extension with cA TRUE. */
  return (flags & EXFLAG_BCONS) && (flags & EXFLAG_CA);
}

/* The X509_EXTENSION with this OID, NULL if absent; duplicates are refused. */
static ot_status find_extension(X509 *x, const uint8_t *oid, size_t oid_len, X509_EXTENSION **out) {
  X509_EXTENSION *found = NULL;
  int n = X509_get_ext_count(x);
  for (int i = 0; i < n; i++) {
    X509_EXTENSION *ext = X509_get_ext(x, i);
    if (!ot_oid_equals(X509_EXTENSION_get_object(ext), oid, oid_len)) continue;
    /* RFC 5280 §4.2: a certificate must not include an extension twice. */
    OT_ENSURE(found == NULL, OT_E_MALFORMED);
    found = ext;
  }
  *out = found;
  return OT_SUCCESS;
}

/*
 * id-DMTF-SPDM-extension: SEQUENCE SIZE (1..MAX) OF SPDMCertOID, where
 * SPDMCertOID ::= SEQUENCE { id OBJECT IDENTIFIER, value OCTET STRING OPTIONAL }
 * (DSP0274 1.2 Annex C, certificate requirements). Parsed through the DER reader; unknown ids are
 * allowed, known ones recorded.
 */
ot_status ot_x509_spdm_extension_parse(const uint8_t *p, size_t len, ot_x509_leaf_info *info) {
  ot_reader r, list;
  ot_reader_init(&r, p, len);
  OT_GUARD(ot_der_expect(&r, OT_DER_SEQUENCE, &list));
  OT_GUARD(ot_reader_finish(&r));
  OT_ENSURE(ot_reader_remaining(&list) > 0, OT_E_MALFORMED);
  while (ot_reader_remaining(&list) > 0) {
    ot_reader item, oid, opaque;
    OT_GUARD(ot_der_expect(&list, OT_DER_SEQUENCE, &item));
    OT_GUARD(ot_der_expect(&item, OT_DER_OID, &oid));
    if (ot_reader_remaining(&item) > 0)
      OT_GUARD(ot_der_expect(&item, OT_DER_OCTET_STRING, &opaque));
    OT_GUARD(ot_reader_finish(&item));
    size_t n = ot_reader_remaining(&oid);
    const uint8_t *id;
    OT_GUARD(ot_read_borrow(&oid, n, &id));
    if (n == OT_OID_DMTF_SPDM_LEN &&
        memcmp(id, ot_oid_dmtf_hardware_identity, OT_OID_DMTF_SPDM_LEN) == 0)
      info->hardware_identity = true;
    if (n == OT_OID_DMTF_SPDM_LEN &&
        memcmp(id, ot_oid_dmtf_mutable_cert, OT_OID_DMTF_SPDM_LEN) == 0)
      info->mutable_cert = true;
  }
  return OT_SUCCESS;
}

/* extendedKeyUsage: records the SPDM purposes. */
static ot_status read_eku(X509 *x, ot_x509_leaf_info *info) {
  int crit = 0;
  EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
  if (eku == NULL) {
    /* -1: absent; -2: present more than once; otherwise it did not decode. */
    OT_ENSURE(crit == -1, OT_E_MALFORMED);
    return OT_SUCCESS;
  }
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
    const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
    if (ot_oid_equals(o, ot_oid_dmtf_eku_responder, OT_OID_DMTF_SPDM_LEN))
      info->eku_responder = true;
    if (ot_oid_equals(o, ot_oid_dmtf_eku_requester, OT_OID_DMTF_SPDM_LEN))
      info->eku_requester = true;
  }
  EXTENDED_KEY_USAGE_free(eku);
  return OT_SUCCESS;
}

/* subjectAltName otherName id-DMTF-device-info (DSP0274 1.2 Annex C, certificate requirements). */
static ot_status read_device_info(X509 *x, ot_x509_leaf_info *info) {
  int crit = 0;
  GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
  if (names == NULL) {
    OT_ENSURE(crit == -1, OT_E_MALFORMED);
    return OT_SUCCESS;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
    const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
    ASN1_OBJECT *type = NULL;
    ASN1_TYPE *value = NULL;
    if (GENERAL_NAME_get0_otherName(gn, &type, &value) != 1) continue;
    if (!ot_oid_equals(type, ot_oid_dmtf_device_info, OT_OID_DMTF_SPDM_LEN)) continue;
    if (value == NULL || ASN1_TYPE_get(value) != V_ASN1_UTF8STRING) continue;
    const ASN1_STRING *s = value->value.utf8string;
    size_t n = (size_t)ASN1_STRING_length(s);
    if (n >= sizeof info->device_info) n = sizeof info->device_info - 1;
    memcpy(info->device_info, ASN1_STRING_get0_data(s), n);
    info->device_info[n] = '\0';
    break;
  }
  GENERAL_NAMES_free(names);
  return OT_SUCCESS;
}

ot_status ot_x509_leaf_check_obj(X509 *x, const ot_x509_policy *policy, ot_x509_leaf_info *out,
                                 ot_x509_reason *reason) {
  ot_x509_leaf_info info;
  memset(&info, 0, sizeof info);
  *reason = OT_X509_MALFORMED;
  uint32_t flags = X509_get_extension_flags(x);
  /* An extension that failed to decode, or appears twice. */
  OT_ENSURE(!(flags & EXFLAG_INVALID), OT_E_CERT);

  *reason = OT_X509_LEAF_VERSION;
  OT_ENSURE(X509_get_version(x) == X509_VERSION_3, OT_E_CERT);

  *reason = OT_X509_LEAF_KEY;
  EVP_PKEY *key = X509_get0_pubkey(x);
  OT_ENSURE(key != NULL, OT_E_CERT);
  ot_status st = ot_pkey_to_raw_public(key, &info.curve, info.public_key, sizeof info.public_key,
                                       &info.public_key_len);
  if (ot_is(st, OT_E_UNSUPPORTED)) OT_BAIL(OT_E_CERT);
  OT_GUARD(st);
  /* DSP0274 1.3 §10.4 / "Leaf certificate": the leaf key is of the negotiated
   * BaseAsymAlgo; for RSA the key type is the modulus size, so an RSA-2048 leaf
   * cannot stand for RSASSA_3072 (ot_pkey_to_raw_public names RSA keys by size). */
  OT_ENSURE(policy->curve == 0 || policy->curve == info.curve, OT_E_CERT);

  /* DSP0274 certificate requirements: the leaf (end-entity) certificate is not a CA. */
  *reason = OT_X509_LEAF_IS_CA;
  OT_ENSURE(!(flags & EXFLAG_CA), OT_E_CERT);

  /* keyUsage, when present, allows digitalSignature (SPDM signs with the leaf key). */
  *reason = OT_X509_LEAF_KEY_USAGE;
  OT_ENSURE(X509_get_key_usage(x) & X509v3_KU_DIGITAL_SIGNATURE, OT_E_CERT);

  *reason = OT_X509_MALFORMED;
  if (!ot_ok(read_eku(x, &info)) || !ot_ok(read_device_info(x, &info))) OT_BAIL(OT_E_CERT);
  /* DSP0274 certificate requirements: with SPDM EKUs present, the other role's alone is refused. */
  *reason = OT_X509_LEAF_EKU;
  if (policy->role == OT_X509_ROLE_RESPONDER)
    OT_ENSURE(!(info.eku_requester && !info.eku_responder), OT_E_CERT);
  if (policy->role == OT_X509_ROLE_REQUESTER)
    OT_ENSURE(!(info.eku_responder && !info.eku_requester), OT_E_CERT);

  *reason = OT_X509_SPDM_EXTENSION;
  X509_EXTENSION *ext = NULL;
  if (!ot_ok(find_extension(x, ot_oid_dmtf_spdm_extension, OT_OID_DMTF_SPDM_LEN, &ext)))
    OT_BAIL(OT_E_CERT);
  const ASN1_OCTET_STRING *value = ext ? X509_EXTENSION_get_data(ext) : NULL;
  if (value != NULL && !ot_ok(ot_x509_spdm_extension_parse(ASN1_STRING_get0_data(value),
                                                           (size_t)ASN1_STRING_length(value),
                                                           &info)))
    OT_BAIL(OT_E_CERT);
  /* An AliasCert-model leaf is an alias key, not the device's hardware identity. */
  *reason = OT_X509_LEAF_HW_IDENTITY;
  OT_ENSURE(!(policy->model == OT_X509_MODEL_ALIAS && info.hardware_identity), OT_E_CERT);

  *reason = OT_X509_VALID;
  if (out) *out = info;
  return OT_SUCCESS;
}

ot_status ot_x509_leaf_check(const ot_x509_cert *leaf, const ot_x509_policy *policy,
                             ot_x509_leaf_info *info, ot_x509_verdict *verdict) {
  OT_ENSURE(leaf != NULL && policy != NULL && verdict != NULL, OT_E_ARG);
  X509 *x = NULL;
  ot_status st = ot_x509_decode(leaf, &x);
  if (!ot_ok(st)) {
    if (ot_status_category(st) == OT_CAT_INTERNAL) return st;
    ot_x509_set_verdict(verdict, OT_X509_MALFORMED, 0, 0);
    OT_BAIL(OT_E_CERT);
  }
  ot_x509_reason reason;
  st = ot_x509_leaf_check_obj(x, policy, info, &reason);
  X509_free(x);
  ot_x509_set_verdict(verdict, reason, ot_is(st, OT_E_CERT) ? 0 : -1, 0);
  return st;
}
