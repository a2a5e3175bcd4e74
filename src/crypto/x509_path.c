/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path validation of an SPDM certificate chain over the fast parser
 * (x509_parse.h), and ot_x509_chain_verify, which uses it.
 *
 * The fast path decides only what it can decide exactly as the OpenSSL
 * path (x509_verify.c: X509_verify_cert in strict mode, the tolerated
 * findings, the DSP0274 checks, the leaf profile) would. It returns OT_OK
 * only when every check OpenSSL makes holds for this chain; any refusal or
 * anything outside its subset hands the chain to the OpenSSL path, which
 * then gives the verdict (refusals are rare and not worth a second
 * implementation of every reason). tests/unit/crypto/test_x509_path.c and
 * tests/fuzz/fuzz_x509_path.c hold both to the same verdict.
 *
 * RFC 5280 §6.1 over the chain as sent (DSP0274 1.3 certificate chain
 * format, SPEC-FACTS §2.7: root or first certificate first, each issued by
 * the one before it), the trust anchor above it: names chain (§6.1.3
 * (a)(4)), each signature verifies with the issuer's key (§6.1.3 (a)(1)),
 * every certificate is valid at policy->now (§6.1.3 (a)(2)), every issuer
 * is a CA (§6.1.4 (k)) allowed to sign certificates (§6.1.4 (n)) within
 * its path length (§6.1.4 (l), (m)); no unknown critical extension
 * (§6.1.4 (o)).
 */
#include <string.h>

#include "crypto_internal.h"
#include "x509_parse.h"

#define UNSUPPORTED OT_E_UNSUPPORTED

/* One refusal of the fast path (the OpenSSL path then gives the verdict). */
static ot_status refuse(ot_x509_verdict *v, ot_x509_reason reason, int index) {
  ot_x509_set_verdict(v, reason, index, 0);
  return ot_status_of(OT_E_CERT);
}

/* X509_check_issued(a, b) as OpenSSL 3.0 decides it: b's issuer names a's
 * subject, b's authorityKeyIdentifier (if any) names a's subject key
 * identifier (if any), a's keyUsage (if any) allows keyCertSign (RFC 5280
 * §4.2.1.3); the ECDSA signature of b matches a's EC key by the subset. */
static ot_x509_reason issued_by(const ot_x509_parsed *a, const ot_x509_parsed *b) {
  if (!ot_x509_name_equal(a->subject, b->issuer)) return OT_X509_CHAIN_ORDER;
  if (b->has_akid && a->has_skid &&
      (b->akid.n != a->skid.n || memcmp(b->akid.p, a->skid.p, a->skid.n) != 0))
    return OT_X509_CHAIN_ORDER;
  return !a->has_ku || (a->ku & OT_KU_KEY_CERT_SIGN) ? OT_X509_VALID : OT_X509_ISSUER_KEY_USAGE;
}

static bool issued(const ot_x509_parsed *a, const ot_x509_parsed *b) {
  return issued_by(a, b) == OT_X509_VALID;
}

/* Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 5480 §2.2.3)
 * in DER, as raw r || s of n bytes each; false when it is not DER or a
 * value does not fit n bytes (then it is >= the order: no valid signature). */
static bool sig_to_raw(ot_x509_span der, size_t n, uint8_t *raw) {
  ot_reader r, seq;
  ot_reader_init(&r, der.p, der.n);
  if (!ot_ok(ot_der_expect(&r, OT_DER_SEQUENCE, &seq)) || ot_reader_remaining(&r) != 0)
    return false;
  for (int k = 0; k < 2; k++) {
    ot_reader v;
    if (!ot_ok(ot_der_expect(&seq, 0x02u, &v))) return false;
    const uint8_t *p = v.data;
    size_t len = v.len;
    if (len == 0 || (p[0] & 0x80u)) return false;                 /* negative */
    if (len > 1 && p[0] == 0 && !(p[1] & 0x80u)) return false;    /* not minimal */
    if (len > 1 && p[0] == 0) p++, len--;
    if (len > n) return false;
    memset(raw + k * n, 0, n - len);
    memcpy(raw + k * n + (n - len), p, len);
  }
  return ot_reader_remaining(&seq) == 0;
}

/* c's signature under issuer's key (RFC 5280 §4.1.1.3, §6.1.3 (a)(1)). */
static bool signature_ok(const ot_x509_parsed *issuer, const ot_x509_parsed *c) {
  size_t n = ot_curve_size(issuer->curve);
  uint8_t raw[2 * OT_ECC_MAX_SCALAR];
  if (!sig_to_raw(c->sig, n, raw)) return false;
  return ot_ok(ot_ecdsa_verify(issuer->curve, c->sig_hash, issuer->point, 2 * n, c->tbs.p,
                               c->tbs.n, raw, 2 * n));
}

/* The whole chain at fast-path parse; anything it does not take is
 * OpenSSL's (a malformed certificate included: OpenSSL names the reason). */
static ot_status parse_chain(const ot_x509_chain *chain, ot_x509_parsed *c) {
  for (size_t i = 0; i < chain->count; i++)
    OT_ENSURE(ot_ok(ot_x509_parse(&chain->certs[i], &c[i])), UNSUPPORTED);
  /* OpenSSL builds the path by name from the untrusted certificates: with
   * two certificates of one subject, or a self-issued one below the first,
   * which it takes is its own choice. Such chains are left to it. */
  for (size_t i = 0; i < chain->count; i++) {
    if (i > 0) OT_ENSURE(!ot_x509_name_equal(c[i].subject, c[i].issuer), UNSUPPORTED);
    for (size_t j = 0; j < i; j++)
      OT_ENSURE(!ot_x509_name_equal(c[i].subject, c[j].subject), UNSUPPORTED);
  }
  return OT_SUCCESS;
}

/*
 * The anchor above the chain (see load_anchors in x509_verify.c): a
 * self-issued first certificate must be an anchor byte for byte; otherwise
 * exactly one anchor issued it and its signature verifies under that
 * anchor's key. *top is then that anchor, parsed.
 */
static ot_status pick_anchor(const ot_x509_chain *chain, const ot_x509_parsed *c, size_t n,
                             const ot_x509_cert *anchors, size_t anchor_count, bool *separate,
                             ot_x509_parsed *top, ot_x509_verdict *v) {
  const ot_x509_cert *first = &chain->certs[0];
  if (issued(&c[0], &c[0])) {
    for (size_t i = 0; i < anchor_count; i++) {
      if (anchors[i].len != first->len || memcmp(anchors[i].der, first->der, first->len) != 0)
        continue;
      *separate = false;
      *top = c[0];
      return OT_SUCCESS;
    }
    return refuse(v, OT_X509_UNTRUSTED_ROOT, 0);
  }
  size_t found = 0;
  for (size_t i = 0; i < anchor_count; i++) {
    ot_x509_parsed a;
    /* The OpenSSL path decodes every anchor here: one it cannot take is
     * its verdict to give. */
    OT_ENSURE(anchors[i].der != NULL && ot_ok(ot_x509_parse(&anchors[i], &a)), UNSUPPORTED);
    if (!issued(&a, &c[0]) || !signature_ok(&a, &c[0])) continue;
    *top = a;
    found++;
  }
  if (found == 0) return refuse(v, OT_X509_UNKNOWN_ISSUER, 0);
  /* Several anchors fit: which one OpenSSL's path building takes is its own. */
  OT_ENSURE(found == 1, UNSUPPORTED);
  /* OpenSSL trusts an anchor that is self-signed by its flags (EXFLAG_SS). */
  OT_ENSURE(issued(top, top), UNSUPPORTED);
  /* No certificate of the chain may share the anchor's name: trusted
   * issuers are looked up first, by name. */
  for (size_t i = 0; i < n; i++)
    OT_ENSURE(!ot_x509_name_equal(top->subject, c[i].subject), UNSUPPORTED);
  *separate = true;
  return OT_SUCCESS;
}

/*
 * RFC 5280 §6.1.4 over path[0..m) (path[0] the leaf, path[m-1] the anchor),
 * as OpenSSL's strict check_extensions makes it, with the findings
 * x509_verify.c tolerates (missing key identifiers, non-critical CA
 * basicConstraints, CA without keyUsage) tolerated.
 */
static ot_status check_extensions(const ot_x509_parsed *const *path, size_t m, size_t n,
                                  ot_x509_verdict *v) {
  long plen = 0;
  for (size_t k = 0; k < m; k++) {
    const ot_x509_parsed *x = path[k];
    int index = k < n ? (int)(n - 1 - k) : -1;
    if (k == 0) {
      /* §4.2.1.3: keyCertSign only in a CA. Without basicConstraints
       * OpenSSL takes such a leaf for a CA of an older profile, which
       * strict validation refuses as an invalid CA. (A leaf that is a CA
       * is the profile's to refuse, after path validation.) */
      if (x->has_ku && (x->ku & OT_KU_KEY_CERT_SIGN) && !x->has_bc)
        return refuse(v, OT_X509_ISSUER_NOT_CA, index);
      if (x->has_ku && (x->ku & OT_KU_KEY_CERT_SIGN) && !x->ca)
        return refuse(v, OT_X509_PROFILE, index);
    } else if (!x->has_bc || !x->ca || (x->has_ku && !(x->ku & OT_KU_KEY_CERT_SIGN))) {
      /* §6.1.4 (k), (n); DSP0274: every certificate above the leaf is a CA. */
      return refuse(v, OT_X509_ISSUER_NOT_CA, index);
    }
    /* §4.2.1.9: pathLenConstraint only where keyCertSign is asserted. */
    if (x->path_len >= 0 && !(x->has_ku && (x->ku & OT_KU_KEY_CERT_SIGN)))
      return refuse(v, OT_X509_PROFILE, index);
    /* §4.1.1.2: signatureAlgorithm equals TBSCertificate.signature. */
    if (x->sig_alg.n != x->tbs_sig_alg.n || memcmp(x->sig_alg.p, x->tbs_sig_alg.p, x->sig_alg.n))
      return refuse(v, OT_X509_PROFILE, index);
    /* §6.1.4 (l), (m): non-self-issued CAs below this one. */
    if (k > 1 && x->path_len >= 0 && plen > x->path_len)
      return refuse(v, OT_X509_PATH_LENGTH, index);
    if (k > 0 && !ot_x509_name_equal(x->subject, x->issuer)) plen++;
  }
  return OT_SUCCESS;
}

/* §6.1.3 (a)(2): notBefore <= now < notAfter (expired from the second of
 * notAfter on, as the OpenSSL path counts it). */
static ot_status check_times(const ot_x509_parsed *const *path, size_t m, size_t n, time_t now,
                             ot_x509_leaf_info *info, ot_x509_verdict *v) {
  for (size_t k = m; k-- > 0;) {
    const ot_x509_parsed *x = path[k];
    int index = k < n ? (int)(n - 1 - k) : -1;
    if (x->not_before > now) return refuse(v, OT_X509_NOT_YET_VALID, index);
    if (x->not_after <= now) return refuse(v, OT_X509_EXPIRED, index);
    if (k == m - 1 || x->not_before > info->valid_from) info->valid_from = x->not_before;
    if (k == m - 1 || x->not_after < info->valid_until) info->valid_until = x->not_after;
  }
  return OT_SUCCESS;
}

/* The SPDM leaf profile (x509_profile.c, ot_x509_leaf_check_obj) over the
 * parsed leaf; the CA checks are made by check_extensions. */
static ot_status leaf_profile(const ot_x509_parsed *x, const ot_x509_policy *policy, int index,
                              ot_x509_leaf_info *info, ot_x509_verdict *v) {
  /* DSP0274 "Leaf certificate": a key of the negotiated algorithm, valid
   * (SEC 1 §3.2.2.1, as OpenSSL's decoding checks it). */
  EVP_PKEY *key = NULL;
  ot_status st = ot_pkey_from_raw_public(x->curve, x->point, &key);
  EVP_PKEY_free(key);
  if (ot_is(st, OT_E_NOMEM)) return st;
  if (!ot_ok(st)) return refuse(v, OT_X509_LEAF_KEY, index);
  if (policy->curve != 0 && policy->curve != x->curve) return refuse(v, OT_X509_LEAF_KEY, index);
  size_t n = ot_curve_size(x->curve);
  info->curve = x->curve;
  memcpy(info->public_key, x->point, 2 * n);
  info->public_key_len = 2 * n;
  /* DSP0274 certificate requirements: the leaf certificate is not a CA. */
  if (x->has_bc && x->ca) return refuse(v, OT_X509_LEAF_IS_CA, index);
  /* keyUsage, when present, allows digitalSignature (SPDM signs with it). */
  if (x->has_ku && !(x->ku & OT_KU_DIGITAL_SIGNATURE))
    return refuse(v, OT_X509_LEAF_KEY_USAGE, index);
  info->eku_responder = x->eku_responder;
  info->eku_requester = x->eku_requester;
  /* DSP0274 certificate requirements: the other role's EKU alone is refused. */
  if (policy->role == OT_X509_ROLE_RESPONDER && x->eku_requester && !x->eku_responder)
    return refuse(v, OT_X509_LEAF_EKU, index);
  if (policy->role == OT_X509_ROLE_REQUESTER && x->eku_responder && !x->eku_requester)
    return refuse(v, OT_X509_LEAF_EKU, index);
  if (x->has_spdm_ext && !ot_ok(ot_x509_spdm_extension_parse(x->spdm_ext.p, x->spdm_ext.n, info)))
    return refuse(v, OT_X509_SPDM_EXTENSION, index);
  /* An AliasCert-model leaf is an alias key, not the hardware identity. */
  if (policy->model == OT_X509_MODEL_ALIAS && info->hardware_identity)
    return refuse(v, OT_X509_LEAF_HW_IDENTITY, index);
  size_t d = x->device_info.n;
  if (d >= sizeof info->device_info) d = sizeof info->device_info - 1;
  if (d) memcpy(info->device_info, x->device_info.p, d);
  info->device_info[d] = '\0';
  return OT_SUCCESS;
}

ot_status ot_x509_chain_verify_fast(const ot_x509_chain *chain, const ot_x509_cert *anchors,
                                    size_t anchor_count, const ot_x509_policy *policy,
                                    ot_x509_leaf_info *info, ot_x509_verdict *verdict) {
  OT_ENSURE(chain != NULL && policy != NULL && verdict != NULL, OT_E_ARG);
  OT_ENSURE(anchors != NULL || anchor_count == 0, OT_E_ARG);
  /* A single self-signed certificate, and the full RFC 5280 profile, are
   * OpenSSL's. */
  OT_ENSURE(chain->count >= 2 && chain->count <= OT_X509_MAX_CHAIN, UNSUPPORTED);
  OT_ENSURE(!(policy->flags & OT_X509_FLAG_RFC5280), UNSUPPORTED);
  size_t n = chain->count;
  ot_x509_parsed c[OT_X509_MAX_CHAIN], top;
  OT_GUARD(parse_chain(chain, c));
  /* DSP0274 1.3 certificate chain: each certificate issued by the one before. */
  for (size_t i = 1; i < n; i++) {
    ot_x509_reason r = issued_by(&c[i - 1], &c[i]);
    if (r != OT_X509_VALID) return refuse(verdict, r, (int)i);
  }
  bool separate = false;
  OT_GUARD(pick_anchor(chain, c, n, anchors, anchor_count, &separate, &top, verdict));
  const ot_x509_parsed *path[OT_X509_MAX_CHAIN + 1];
  size_t m = 0;
  for (size_t i = n; i-- > 0;)
    path[m++] = &c[i];
  if (separate) path[m++] = &top;
  OT_GUARD(check_extensions(path, m, n, verdict));
  ot_x509_leaf_info li;
  memset(&li, 0, sizeof li);
  OT_GUARD(check_times(path, m, n, policy->now, &li, verdict));
  /* The anchor's own signature is not checked (RFC 5280 §6.1.1 (d): it is
   * an input; see validate_path in x509_verify.c); a separate anchor's
   * signature over the first certificate was checked in pick_anchor. */
  for (size_t i = 1; i < n; i++)
    if (!signature_ok(&c[i - 1], &c[i])) return refuse(verdict, OT_X509_BAD_SIGNATURE, (int)i);
  OT_GUARD(leaf_profile(&c[n - 1], policy, (int)n - 1, &li, verdict));
  ot_x509_set_verdict(verdict, OT_X509_VALID, -1, 0);
  if (info) *info = li;
  return OT_SUCCESS;
}

ot_status ot_x509_chain_verify(const ot_x509_chain *chain, const ot_x509_cert *anchors,
                               size_t anchor_count, const ot_x509_policy *policy,
                               ot_x509_leaf_info *info, ot_x509_verdict *verdict) {
  if (verdict != NULL) {
    ot_status st = ot_x509_chain_verify_fast(chain, anchors, anchor_count, policy, info, verdict);
    if (ot_ok(st) || ot_is(st, OT_E_NOMEM)) return st;
  }
  return ot_x509_chain_verify_openssl(chain, anchors, anchor_count, policy, info, verdict);
}
