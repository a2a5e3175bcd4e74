/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Certificate generation for tests and tools (see ot_x509_generate in
 * opentsm/x509.h): roots, intermediates and SPDM device leaves from raw keys.
 * The profile follows RFC 5280 §4.1-§4.2 so that the results pass strict path
 * validation, plus the DMTF extensions of DSP0274 (Annex C OIDs).
 */
#include "x509_internal.h"

#include <openssl/x509v3.h>
#include <string.h>

#include "crypto_internal.h"

/* RFC 5280 Appendix A.1: ub-common-name INTEGER ::= 64 */
#define CN_MAX 64u

static ot_status lib(int ok) { return ok ? OT_SUCCESS : ot_status_of(OT_E_LIBRARY); }

/* Hash of the signature: SHA-256 with P-256, SHA-384 with P-384 (DSP0274
 * pairs each curve with its hash), none for Ed25519 (RFC 8410 §6). */
static ot_status signing_md(ot_curve curve, const EVP_MD **md) {
  switch (curve) {
  case OT_CURVE_P256: *md = ot_evp_md(OT_HASH_SHA256); return OT_SUCCESS;
  case OT_CURVE_P384: *md = ot_evp_md(OT_HASH_SHA384); return OT_SUCCESS;
  case OT_CURVE_ED25519: *md = NULL; return OT_SUCCESS;
  /* sha384WithRSAEncryption (RFC 8017 §A.2.4), as the DMTF RSA sample chains. */
  case OT_KEY_RSA2048:
  case OT_KEY_RSA3072:
  case OT_KEY_RSA4096: *md = ot_evp_md(OT_HASH_SHA384); return OT_SUCCESS;
  default: OT_BAIL(OT_E_UNSUPPORTED);
  }
}

/* RFC 5280 §4.2.1.9: critical in CAs; cA FALSE in a leaf encodes as an empty SEQUENCE. */
static ot_status add_basic_constraints(X509 *x, bool ca, int path_len) {
  BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
  OT_ENSURE(bc != NULL, OT_E_NOMEM);
  ot_status st = OT_SUCCESS;
  bc->ca = ca ? 0xFF : 0;
  if (ca && path_len >= 0) {
    bc->pathlen = ASN1_INTEGER_new();
    if (bc->pathlen == NULL || ASN1_INTEGER_set_int64(bc->pathlen, path_len) != 1)
      st = ot_status_of(OT_E_LIBRARY);
  }
  if (ot_ok(st))
    st = lib(X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1, X509V3_ADD_DEFAULT) == 1);
  BASIC_CONSTRAINTS_free(bc);
  return st;
}

/* RFC 5280 §4.2.1.3: critical; our bits are the KeyUsage bit numbers. */
static ot_status add_key_usage(X509 *x, unsigned bits) {
  ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
  OT_ENSURE(ku != NULL, OT_E_NOMEM);
  ot_status st = OT_SUCCESS;
  for (int bit = 0; bit <= 6 && ot_ok(st); bit++)
    if (bits & (1u << bit)) st = lib(ASN1_BIT_STRING_set_bit(ku, bit, 1) == 1);
  if (ot_ok(st)) st = lib(X509_add1_ext_i2d(x, NID_key_usage, ku, 1, X509V3_ADD_DEFAULT) == 1);
  ASN1_BIT_STRING_free(ku);
  return st;
}

static ot_status add_conf_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value) {
  X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
  OT_ENSURE(ext != NULL, OT_E_LIBRARY);
  int ok = X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  return lib(ok == 1);
}

/* RFC 5280 §4.2.1.2 (method 1, SHA-1 of the key) and §4.2.1.1 (the issuer's). */
static ot_status add_key_ids(X509 *x, X509 *issuer) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
  OT_GUARD(add_conf_ext(x, &ctx, NID_subject_key_identifier, "hash"));
  return add_conf_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
}

/* id-DMTF-eku-responder-auth / -requester-auth (DSP0274 1.2 Annex C). */
static ot_status add_spdm_eku(X509 *x, unsigned eku) {
  EXTENDED_KEY_USAGE *list = sk_ASN1_OBJECT_new_null();
  OT_ENSURE(list != NULL, OT_E_NOMEM);
  ot_status st = OT_SUCCESS;
  const uint8_t *oids[2] = {ot_oid_dmtf_eku_responder, ot_oid_dmtf_eku_requester};
  for (unsigned i = 0; i < 2 && ot_ok(st); i++) {
    if (!(eku & (1u << i))) continue;
    ASN1_OBJECT *o = ot_oid_new(oids[i], OT_OID_DMTF_SPDM_LEN);
    if (o == NULL || sk_ASN1_OBJECT_push(list, o) <= 0) {
      ASN1_OBJECT_free(o);
      st = ot_status_of(OT_E_NOMEM);
    }
  }
  if (ot_ok(st))
    st = lib(X509_add1_ext_i2d(x, NID_ext_key_usage, list, 0, X509V3_ADD_DEFAULT) == 1);
  sk_ASN1_OBJECT_pop_free(list, ASN1_OBJECT_free);
  return st;
}

/* subjectAltName otherName { id-DMTF-device-info, [0] UTF8String } (DSP0274 Annex C). */
static ot_status add_device_info(X509 *x, const char *info) {
  ot_status st = ot_status_of(OT_E_NOMEM);
  GENERAL_NAMES *names = sk_GENERAL_NAME_new_null();
  GENERAL_NAME *gn = GENERAL_NAME_new();
  ASN1_OBJECT *type = ot_oid_new(ot_oid_dmtf_device_info, OT_OID_DMTF_SPDM_LEN);
  ASN1_TYPE *value = ASN1_TYPE_new();
  ASN1_UTF8STRING *s = ASN1_UTF8STRING_new();
  if (!names || !gn || !type || !value || !s) goto out;
  if (ASN1_STRING_set(s, info, (int)strlen(info)) != 1) goto out;
  ASN1_TYPE_set(value, V_ASN1_UTF8STRING, s);
  s = NULL; /* owned by value */
  if (GENERAL_NAME_set0_othername(gn, type, value) != 1) goto out;
  type = NULL; /* owned by gn */
  value = NULL;
  if (sk_GENERAL_NAME_push(names, gn) <= 0) goto out;
  gn = NULL; /* owned by names */
  /* RFC 5280 §4.2.1.6: non-critical when the subject name is not empty. */
  st = lib(X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT) == 1);
out:
  ASN1_UTF8STRING_free(s);
  ASN1_TYPE_free(value);
  ASN1_OBJECT_free(type);
  GENERAL_NAME_free(gn);
  GENERAL_NAMES_free(names);
  return st;
}

/* id-DMTF-SPDM-extension: SEQUENCE { SEQUENCE { id-DMTF-hardware-identity } }. */
static ot_status add_hardware_identity(X509 *x) {
  uint8_t der[4 + 2 + OT_OID_DMTF_SPDM_LEN];
  ot_writer w;
  ot_writer_init(&w, der, sizeof der);
  OT_IGNORE(ot_write_u8(&w, OT_DER_SEQUENCE)); /* checked once below */
  OT_IGNORE(ot_write_u8(&w, 2 + 2 + OT_OID_DMTF_SPDM_LEN));
  OT_IGNORE(ot_write_u8(&w, OT_DER_SEQUENCE)); /* SPDMCertOID */
  OT_IGNORE(ot_write_u8(&w, 2 + OT_OID_DMTF_SPDM_LEN));
  OT_IGNORE(ot_write_u8(&w, OT_DER_OID));
  OT_IGNORE(ot_write_u8(&w, OT_OID_DMTF_SPDM_LEN));
  OT_IGNORE(ot_write_bytes(&w, ot_oid_dmtf_hardware_identity, OT_OID_DMTF_SPDM_LEN));
  OT_GUARD(ot_writer_status(&w));

  ot_status st = ot_status_of(OT_E_NOMEM);
  ASN1_OBJECT *oid = ot_oid_new(ot_oid_dmtf_spdm_extension, OT_OID_DMTF_SPDM_LEN);
  ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
  X509_EXTENSION *ext = NULL;
  if (oid && os && ASN1_OCTET_STRING_set(os, der, (int)ot_writer_len(&w)) == 1)
    ext = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, os);
  if (ext) st = lib(X509_add_ext(x, ext, -1) == 1);
  X509_EXTENSION_free(ext);
  ASN1_OCTET_STRING_free(os);
  ASN1_OBJECT_free(oid);
  return st;
}

static ot_status set_names_and_times(X509 *x, const ot_x509_template *t, X509 *issuer) {
  X509_NAME *subject = X509_get_subject_name(x);
  OT_GUARD(lib(X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8,
                                          (const unsigned char *)t->common_name, -1, -1, 0) == 1));
  OT_GUARD(lib(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : subject) == 1));
  /* RFC 5280 §4.1.2.2: a positive integer. */
  OT_GUARD(lib(ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), t->serial) == 1));
  /* RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after (ASN1_TIME_set's rule). */
  OT_ENSURE(ASN1_TIME_set(X509_getm_notBefore(x), t->not_before) != NULL, OT_E_ARG);
  OT_ENSURE(ASN1_TIME_set(X509_getm_notAfter(x), t->not_after) != NULL, OT_E_ARG);
  return OT_SUCCESS;
}

static ot_status add_extensions(X509 *x, const ot_x509_template *t, X509 *issuer) {
  bool ca = t->kind != OT_X509_KIND_LEAF;
  unsigned ku = t->key_usage;
  if (ku == 0)
    ku = ca ? OT_X509_KU_KEY_CERT_SIGN | OT_X509_KU_CRL_SIGN | OT_X509_KU_DIGITAL_SIGNATURE
            : OT_X509_KU_DIGITAL_SIGNATURE;
  OT_GUARD(add_basic_constraints(x, ca, t->kind == OT_X509_KIND_INTERMEDIATE ? t->path_len : -1));
  OT_GUARD(add_key_usage(x, ku));
  OT_GUARD(add_key_ids(x, issuer));
  if (t->kind != OT_X509_KIND_LEAF) return OT_SUCCESS;
  if (t->eku) OT_GUARD(add_spdm_eku(x, t->eku));
  if (t->device_info) OT_GUARD(add_device_info(x, t->device_info));
  if (t->hardware_identity) OT_GUARD(add_hardware_identity(x));
  return OT_SUCCESS;
}

static ot_status check_template(const ot_x509_template *t, const ot_x509_issuer *issuer) {
  OT_ENSURE(t->kind == OT_X509_KIND_ROOT || t->kind == OT_X509_KIND_INTERMEDIATE ||
                t->kind == OT_X509_KIND_LEAF,
            OT_E_ARG);
  OT_ENSURE(t->common_name != NULL, OT_E_ARG);
  size_t cn = strlen(t->common_name);
  OT_ENSURE(cn >= 1 && cn <= CN_MAX, OT_E_ARG);
  OT_ENSURE(t->serial != 0, OT_E_ARG);
  OT_ENSURE(t->not_after > t->not_before, OT_E_ARG);
  OT_ENSURE(t->key_usage <= 0x7Fu && t->eku <= 3u, OT_E_ARG);
  OT_ENSURE(t->device_info == NULL ||
                (t->device_info[0] != '\0' && strlen(t->device_info) < OT_X509_DEVICE_INFO_MAX),
            OT_E_ARG);
  OT_ENSURE(issuer->private_key != NULL, OT_E_ARG);
  /* A root signs itself; everything else needs its issuer's certificate. */
  OT_ENSURE((t->kind == OT_X509_KIND_ROOT) == (issuer->cert == NULL), OT_E_ARG);
  OT_ENSURE(t->kind == OT_X509_KIND_ROOT || t->subject_public != NULL, OT_E_ARG);
  return OT_SUCCESS;
}

ot_status ot_x509_generate(const ot_x509_template *t, const ot_x509_issuer *issuer, uint8_t *out,
                           size_t cap, size_t *out_len) {
  OT_ENSURE(t != NULL && issuer != NULL && out != NULL && out_len != NULL, OT_E_ARG);
  OT_GUARD(check_template(t, issuer));
  const EVP_MD *md = NULL;
  OT_GUARD(signing_md(issuer->curve, &md));

  ot_status st;
  EVP_PKEY *signer = NULL, *subject_key = NULL;
  X509 *issuer_x = NULL;
  X509 *x = X509_new();
  OT_ENSURE_GOTO(st, x != NULL, OT_E_NOMEM, out);
  OT_GUARD_GOTO(st, ot_pkey_from_raw_private(issuer->curve, issuer->private_key, &signer), out);
  if (t->kind == OT_X509_KIND_ROOT) {
    OT_ENSURE_GOTO(st, EVP_PKEY_up_ref(signer) == 1, OT_E_LIBRARY, out);
    subject_key = signer;
  } else {
    OT_GUARD_GOTO(st, ot_x509_decode(issuer->cert, &issuer_x), out);
    /* The issuer's key must be the one its certificate names. */
    OT_ENSURE_GOTO(st, X509_check_private_key(issuer_x, signer) == 1, OT_E_BAD_KEY, out);
    OT_GUARD_GOTO(st, ot_pkey_from_raw_public(t->subject_curve, t->subject_public, &subject_key),
                  out);
  }
  OT_GUARD_GOTO(st, lib(X509_set_version(x, X509_VERSION_3) == 1), out);
  OT_GUARD_GOTO(st, lib(X509_set_pubkey(x, subject_key) == 1), out);
  OT_GUARD_GOTO(st, set_names_and_times(x, t, issuer_x), out);
  OT_GUARD_GOTO(st, add_extensions(x, t, issuer_x), out);
  OT_ENSURE_GOTO(st, X509_sign(x, signer, md) > 0, OT_E_LIBRARY, out);

  int n = i2d_X509(x, NULL);
  OT_ENSURE_GOTO(st, n > 0, OT_E_LIBRARY, out);
  OT_ENSURE_GOTO(st, (size_t)n <= cap, OT_E_NO_SPACE, out);
  unsigned char *p = out;
  OT_ENSURE_GOTO(st, i2d_X509(x, &p) == n, OT_E_LIBRARY, out);
  *out_len = (size_t)n;
  st = OT_SUCCESS;
out:
  X509_free(x);
  X509_free(issuer_x);
  EVP_PKEY_free(subject_key);
  EVP_PKEY_free(signer); /* frees (and clears) the private key */
  return st;
}

/* Public half of a raw private key, through the key object. */
static ot_status public_of(ot_curve curve, const uint8_t *priv, uint8_t pub[OT_PUBLIC_KEY_MAX]) {
  EVP_PKEY *k = NULL;
  OT_GUARD(ot_pkey_from_raw_private(curve, priv, &k));
  ot_curve c;
  size_t len;
  ot_status st = ot_pkey_to_raw_public(k, &c, pub, OT_PUBLIC_KEY_MAX, &len);
  EVP_PKEY_free(k);
  return st;
}

ot_status ot_x509_generate_chain(const ot_x509_chain_template *t, uint8_t *out, size_t cap,
                                 size_t *out_len) {
  OT_ENSURE(t != NULL && out != NULL && out_len != NULL, OT_E_ARG);
  OT_ENSURE(t->root_private && t->intermediate_private && t->leaf_private, OT_E_ARG);
  uint8_t inter_pub[OT_PUBLIC_KEY_MAX], leaf_pub[OT_PUBLIC_KEY_MAX];
  OT_GUARD(public_of(t->curve, t->intermediate_private, inter_pub));
  OT_GUARD(public_of(t->curve, t->leaf_private, leaf_pub));

  ot_x509_template tm = {
      .kind = OT_X509_KIND_ROOT,
      .common_name = "opentsm root CA",
      .serial = 1,
      .not_before = t->not_before,
      .not_after = t->not_after,
      .path_len = -1,
  };
  ot_x509_issuer by = {.curve = t->curve, .private_key = t->root_private};
  size_t root_len, inter_len, leaf_len;
  OT_GUARD(ot_x509_generate(&tm, &by, out, cap, &root_len));
  ot_x509_cert root = {out, root_len};

  tm.kind = OT_X509_KIND_INTERMEDIATE;
  tm.common_name = "opentsm intermediate CA";
  tm.serial = 2;
  tm.subject_curve = t->curve;
  tm.subject_public = inter_pub;
  tm.path_len = 0; /* it issues leaves only */
  by.cert = &root;
  OT_GUARD(ot_x509_generate(&tm, &by, out + root_len, cap - root_len, &inter_len));
  ot_x509_cert inter = {out + root_len, inter_len};

  tm.kind = OT_X509_KIND_LEAF;
  tm.common_name = t->leaf_name ? t->leaf_name : "opentsm device";
  tm.serial = 3;
  tm.subject_public = leaf_pub;
  tm.path_len = -1;
  tm.eku = t->leaf_eku;
  tm.hardware_identity = true; /* a DeviceCert-model leaf */
  tm.device_info = t->device_info;
  by.private_key = t->intermediate_private;
  by.cert = &inter;
  size_t used = root_len + inter_len;
  OT_GUARD(ot_x509_generate(&tm, &by, out + used, cap - used, &leaf_len));
  *out_len = used + leaf_len;
  return OT_SUCCESS;
}
