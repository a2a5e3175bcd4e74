/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Validation of an SPDM certificate chain against trust anchors (see
 * ot_x509_chain_verify in opentsm/x509.h).
 *
 * DSP0274 1.3 certificate chain format (SPEC-FACTS §2.7): the first certificate is the root
 * certificate or is signed by a root; every later certificate is signed by the
 * one before it; the last is the leaf. The order is checked here, then path
 * validation (RFC 5280 §6, OpenSSL's strict mode at the caller's time) runs
 * over exactly that order, then the SPDM profile of the leaf.
 */
#include "x509_internal.h"
#include "x509_parse.h"

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <string.h>

/*
 * Strict-mode findings tolerated unless OT_X509_FLAG_RFC5280: RFC 5280 asks
 * CAs to issue these (§4.2.1.1, §4.2.1.2, §4.2.1.9, §4.2.1.3), DSP0274 does
 * not, and the DMTF reference hierarchy (libspdm sample_key) omits them all.
 */
static bool tolerated_profile_error(int err) {
  switch (err) {
  case X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER:
  case X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER:
  case X509_V_ERR_CA_BCONS_NOT_CRITICAL:
  case X509_V_ERR_CA_CERT_MISSING_KEY_USAGE: return true;
  default: return false;
  }
}

/* OpenSSL's verification callback: decides which findings are fatal. */
static int verify_cb(int ok, X509_STORE_CTX *ctx) {
  if (ok) return 1;
  const unsigned *flags = X509_STORE_CTX_get_app_data(ctx);
  int err = X509_STORE_CTX_get_error(ctx);
  if (!(*flags & OT_X509_FLAG_RFC5280) && tolerated_profile_error(err)) return 1;
  return 0;
}

/* The reason a user sees for a path validation error number. */
static ot_x509_reason map_error(int err) {
  switch (err) {
  case X509_V_ERR_CERT_NOT_YET_VALID: return OT_X509_NOT_YET_VALID;
  case X509_V_ERR_CERT_HAS_EXPIRED: return OT_X509_EXPIRED;
  case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
  case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD: return OT_X509_BAD_TIME;
  case X509_V_ERR_CERT_SIGNATURE_FAILURE:
  case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
  case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
  case X509_V_ERR_NO_ISSUER_PUBLIC_KEY: return OT_X509_BAD_SIGNATURE;
  case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
  case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
  case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return OT_X509_UNKNOWN_ISSUER;
  case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
  case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
  case X509_V_ERR_CERT_UNTRUSTED:
  case X509_V_ERR_CERT_REJECTED: return OT_X509_UNTRUSTED_ROOT;
  case X509_V_ERR_INVALID_CA: return OT_X509_ISSUER_NOT_CA;
  case X509_V_ERR_PATH_LENGTH_EXCEEDED: return OT_X509_PATH_LENGTH;
  case X509_V_ERR_CERT_CHAIN_TOO_LONG: return OT_X509_TOO_LONG;
  case X509_V_ERR_KEYUSAGE_NO_CERTSIGN: return OT_X509_ISSUER_KEY_USAGE;
  case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION: return OT_X509_CRITICAL_EXTENSION;
  case X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM:
  case X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH:
  case X509_V_ERR_EE_KEY_TOO_SMALL:
  case X509_V_ERR_CA_KEY_TOO_SMALL:
  case X509_V_ERR_CA_MD_TOO_WEAK:
  case X509_V_ERR_EC_KEY_EXPLICIT_PARAMS: return OT_X509_UNSUPPORTED_ALGORITHM;
  case X509_V_ERR_SUBJECT_ISSUER_MISMATCH:
  case X509_V_ERR_AKID_SKID_MISMATCH:
  case X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH: return OT_X509_CHAIN_ORDER;
  case X509_V_ERR_INVALID_EXTENSION:
  case X509_V_ERR_INVALID_NON_CA:
  case X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA:
  case X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN:
  case X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA:
  case X509_V_ERR_ISSUER_NAME_EMPTY:
  case X509_V_ERR_SUBJECT_NAME_EMPTY:
  case X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER:
  case X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER:
  case X509_V_ERR_EMPTY_SUBJECT_ALT_NAME:
  case X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL:
  case X509_V_ERR_CA_BCONS_NOT_CRITICAL:
  case X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL:
  case X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL:
  case X509_V_ERR_CA_CERT_MISSING_KEY_USAGE:
  case X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3:
  case X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY: return OT_X509_PROFILE;
  default: return OT_X509_OTHER;
  }
}

/* Everything one verification allocates, released in reverse by job_free. */
typedef struct verify_job {
  X509 *certs[OT_X509_MAX_CHAIN];
  bool decoded[OT_X509_MAX_CHAIN]; /* decoded here, not taken from the cache */
  size_t count;
  ot_x509_cache *cache; /* the policy's, or NULL */
  STACK_OF(X509) * untrusted;
  X509_STORE *store;
  X509_STORE_CTX *ctx;
} verify_job;

static void job_free(verify_job *job) {
  X509_STORE_CTX_free(job->ctx);
  X509_STORE_free(job->store);
  sk_X509_free(job->untrusted); /* holds borrowed pointers into certs[] */
  for (size_t i = 0; i < job->count; i++)
    X509_free(job->certs[i]);
}

/* Fails with OT_E_CERT and a verdict; keeps allocation failures as they are. */
static ot_status refuse(ot_x509_verdict *v, ot_x509_reason reason, int index, int err) {
  ot_x509_set_verdict(v, reason, index, err);
  return ot_status_of(OT_E_CERT);
}

/* cert decoded, or taken decoded from the cache when `cacheable`; *fresh
 * tells which. */
static ot_status decode_cached(ot_x509_cache *cache, const ot_x509_cert *cert, bool cacheable,
                               X509 **out, bool *fresh) {
  *out = cacheable ? ot_x509_cache_take(cache, cert) : NULL;
  *fresh = *out == NULL;
  return *fresh ? ot_x509_decode(cert, out) : OT_SUCCESS;
}

static ot_status decode_chain(const ot_x509_chain *chain, verify_job *job, ot_x509_verdict *v) {
  for (size_t i = 0; i < chain->count; i++) {
    /* Only issuers are looked up: a leaf is its own device's. */
    bool issuer = i + 1 < chain->count;
    ot_status st =
        decode_cached(job->cache, &chain->certs[i], issuer, &job->certs[i], &job->decoded[i]);
    if (ot_is(st, OT_E_NOMEM)) return st;
    if (!ot_ok(st)) return refuse(v, OT_X509_MALFORMED, (int)i, 0);
    job->count++;
  }
  return OT_SUCCESS;
}

/*
 * Which anchors may stand above the chain. SPDM fixes the order, so the anchor
 * is determined by the first certificate: itself, byte for byte, when it is a
 * self-issued root; otherwise the anchors that issued it, by name, key
 * identifier and signature. Choosing here keeps path building from trying a
 * different root of the same name (as the DMTF ca and ca1 are). When no anchor
 * signed it, every anchor is offered so that validation says precisely why.
 */
static bool anchor_fits(X509 *a, const ot_x509_cert *a_der, X509 *first,
                        const ot_x509_cert *first_der, bool self_issued) {
  if (self_issued)
    return a_der->len == first_der->len && memcmp(a_der->der, first_der->der, a_der->len) == 0;
  EVP_PKEY *key = X509_get0_pubkey(a);
  return X509_check_issued(a, first) == X509_V_OK && key != NULL && X509_verify(first, key) == 1;
}

static ot_status load_anchors(const ot_x509_chain *chain, const ot_x509_cert *anchors, size_t n,
                              verify_job *job, ot_x509_verdict *v) {
  job->store = X509_STORE_new();
  OT_ENSURE(job->store != NULL, OT_E_NOMEM);
  X509 *first = job->certs[0];
  bool self_issued = X509_check_issued(first, first) == X509_V_OK;
  size_t taken = 0;
  /* A root that is an anchor byte for byte is that anchor: the chain's own
   * decoding of those bytes is stored (decoding a certificate is most of
   * the cost of validation; each is decoded once). Other anchors cannot
   * stand above a root and are not decoded at all. */
  for (size_t i = 0; self_issued && i < n && taken == 0; i++) {
    if (!anchor_fits(NULL, &anchors[i], first, &chain->certs[0], true)) continue;
    OT_ENSURE(X509_STORE_add_cert(job->store, first) == 1, OT_E_LIBRARY);
    taken++;
  }
  if (taken > 0) return OT_SUCCESS;
  /* Two passes: the anchors that fit, else (second pass) all of them. */
  for (int pass = 0; pass < 2 && taken == 0; pass++) {
    if (pass == 1 && self_issued) break; /* a root must itself be an anchor */
    for (size_t i = 0; i < n; i++) {
      X509 *a = NULL;
      bool fresh = false;
      ot_status st = decode_cached(job->cache, &anchors[i], true, &a, &fresh);
      if (ot_is(st, OT_E_NOMEM)) return st;
      if (!ot_ok(st)) {
        ot_x509_set_verdict(v, OT_X509_BAD_ANCHOR, -1, 0);
        OT_BAIL(OT_E_ARG);
      }
      /* An anchor is configuration, not something a device sent: kept as
       * soon as it decodes. */
      if (fresh) ot_x509_cache_keep(job->cache, &anchors[i], a);
      bool take = pass == 1 || anchor_fits(a, &anchors[i], first, &chain->certs[0], self_issued);
      if (take) {
        st = X509_STORE_add_cert(job->store, a) == 1 ? OT_SUCCESS : ot_status_of(OT_E_LIBRARY);
        taken++;
      }
      X509_free(a); /* the store holds its own reference */
      OT_GUARD(st);
    }
  }
  /* A self-issued first certificate is a root: it must be a trust anchor. */
  if (self_issued && taken == 0)
    return refuse(v, OT_X509_UNTRUSTED_ROOT, 0, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN);
  return OT_SUCCESS;
}

/* DSP0274 1.3 certificate chain: each certificate is issued by the one before it. */
static ot_status check_order(verify_job *job, ot_x509_verdict *v) {
  for (size_t i = 1; i < job->count; i++) {
    int err = X509_check_issued(job->certs[i - 1], job->certs[i]);
    if (err == X509_V_OK) continue;
    ot_x509_reason r =
        err == X509_V_ERR_KEYUSAGE_NO_CERTSIGN ? OT_X509_ISSUER_KEY_USAGE : OT_X509_CHAIN_ORDER;
    return refuse(v, r, (int)i, err);
  }
  return OT_SUCCESS;
}

/* RFC 5280 §6 path validation over the chain, at the policy time. */
static ot_status validate_path(const ot_x509_policy *policy, verify_job *job, ot_x509_verdict *v) {
  size_t n = job->count;
  job->untrusted = sk_X509_new_null();
  job->ctx = X509_STORE_CTX_new();
  OT_ENSURE(job->untrusted != NULL && job->ctx != NULL, OT_E_NOMEM);
  for (size_t i = 0; i + 1 < n; i++)
    OT_ENSURE(sk_X509_push(job->untrusted, job->certs[i]) > 0, OT_E_NOMEM);
  OT_ENSURE(X509_STORE_CTX_init(job->ctx, job->store, job->certs[n - 1], job->untrusted) == 1,
            OT_E_LIBRARY);
  X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(job->ctx);
  /* set_time also sets X509_V_FLAG_USE_CHECK_TIME: the caller's clock, not the host's. */
  X509_VERIFY_PARAM_set_time(param, policy->now);
  /* No X509_V_FLAG_CHECK_SS_SIGNATURE: a trust anchor is an input of path
   * validation (RFC 5280 §6.1.1 (d)), trusted by configuration, and a root in
   * the chain is taken only when it is an anchor byte for byte
   * (load_anchors); its self-signature proves nothing more and costs a
   * signature verification on every validation. libspdm does not check it
   * either. */
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
  /* The parser already bounds the chain; the anchor may add one certificate. */
  X509_VERIFY_PARAM_set_depth(param, (int)OT_X509_MAX_CHAIN);
  unsigned flags = policy->flags;
  X509_STORE_CTX_set_app_data(job->ctx, &flags);
  X509_STORE_CTX_set_verify_cb(job->ctx, verify_cb);

  int rc = X509_verify_cert(job->ctx);
  if (rc != 1) {
    int err = X509_STORE_CTX_get_error(job->ctx);
    if (err == X509_V_ERR_OUT_OF_MEM) OT_BAIL(OT_E_NOMEM);
    int depth = X509_STORE_CTX_get_error_depth(job->ctx);
    /* depth 0 = leaf; an index past the chain is the anchor. */
    int index = depth >= 0 && (size_t)depth < n ? (int)(n - 1 - (size_t)depth) : -1;
    return refuse(v, map_error(err), index, err);
  }
  /* The validated path must be the chain as sent, in order, plus at most the anchor. */
  STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(job->ctx);
  size_t plen = (size_t)sk_X509_num(path);
  if (plen != n && plen != n + 1) return refuse(v, OT_X509_CHAIN_ORDER, -1, 0);
  for (size_t k = 0; k < n; k++)
    if (X509_cmp(sk_X509_value(path, (int)k), job->certs[n - 1 - k]) != 0)
      return refuse(v, OT_X509_CHAIN_ORDER, (int)(n - 1 - k), 0);
  return OT_SUCCESS;
}

/* t as seconds from `now` (ASN1_TIME_diff: no host time zone, no timegm). */
static ot_status time_at(const ASN1_TIME *base, time_t now, const ASN1_TIME *t, time_t *out) {
  int days = 0, secs = 0;
  OT_ENSURE(ASN1_TIME_diff(&days, &secs, base, t) == 1, OT_E_LIBRARY);
  *out = now + (time_t)days * 86400 + (time_t)secs;
  return OT_SUCCESS;
}

/* The validity window of the validated path (anchor included): the latest
 * notBefore and earliest notAfter (RFC 5280 §4.1.2.5, §6.1.3 (a)(2)). */
static ot_status path_window(time_t now, X509_STORE_CTX *ctx, ot_x509_leaf_info *info) {
  STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(ctx);
  ASN1_TIME *base = ASN1_TIME_set(NULL, now);
  OT_ENSURE(base != NULL, OT_E_NOMEM);
  ot_status st = OT_SUCCESS;
  info->valid_from = now;
  info->valid_until = now;
  for (int i = 0; i < sk_X509_num(path) && ot_ok(st); i++) {
    X509 *c = sk_X509_value(path, i);
    time_t from = 0, until = 0;
    st = time_at(base, now, X509_get0_notBefore(c), &from);
    if (ot_ok(st)) st = time_at(base, now, X509_get0_notAfter(c), &until);
    if (!ot_ok(st)) break;
    if (i == 0 || from > info->valid_from) info->valid_from = from;
    if (i == 0 || until < info->valid_until) info->valid_until = until;
  }
  ASN1_TIME_free(base);
  return st;
}

ot_status ot_x509_chain_verify_openssl(const ot_x509_chain *chain, const ot_x509_cert *anchors,
                                       size_t anchor_count, const ot_x509_policy *policy,
                                       ot_x509_leaf_info *info, ot_x509_verdict *verdict) {
  OT_ENSURE(chain != NULL && policy != NULL && verdict != NULL, OT_E_ARG);
  OT_ENSURE(chain->count >= 1 && chain->count <= OT_X509_MAX_CHAIN, OT_E_ARG);
  OT_ENSURE(anchors != NULL || anchor_count == 0, OT_E_ARG);
  ot_x509_set_verdict(verdict, OT_X509_OTHER, -1, 0);

  verify_job job;
  memset(&job, 0, sizeof job);
  job.cache = policy->cache;
  ot_status st;
  OT_GUARD_GOTO(st, decode_chain(chain, &job, verdict), out);
  OT_GUARD_GOTO(st, check_order(&job, verdict), out);
  OT_GUARD_GOTO(st, load_anchors(chain, anchors, anchor_count, &job, verdict), out);
  OT_GUARD_GOTO(st, validate_path(policy, &job, verdict), out);
  /* DSP0274 certificate requirements: every certificate above the leaf is a CA. */
  for (size_t i = 0; i + 1 < job.count; i++) {
    if (!ot_x509_is_ca(job.certs[i])) {
      st = refuse(verdict, OT_X509_ISSUER_NOT_CA, (int)i, 0);
      goto out;
    }
  }
  ot_x509_reason reason;
  st = ot_x509_leaf_check_obj(job.certs[job.count - 1], policy, info, &reason);
  ot_x509_set_verdict(verdict, reason, ot_is(st, OT_E_CERT) ? (int)job.count - 1 : -1, 0);
  if (ot_ok(st) && info != NULL) st = path_window(policy->now, job.ctx, info);
  /* The issuers of a chain that validated are kept for the next one: a
   * device cannot fill the cache with certificates nothing vouches for. */
  for (size_t i = 0; ot_ok(st) && i + 1 < job.count; i++)
    if (job.decoded[i]) ot_x509_cache_keep(job.cache, &chain->certs[i], job.certs[i]);
out:
  job_free(&job);
  return st;
}
