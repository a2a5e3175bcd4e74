/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A strict reader of the X.509 subset SPDM certificate chains use (see
 * x509_parse.h): RFC 5280 §4.1 Certificate and TBSCertificate, §4.2.1
 * extensions, over the DER reader (x509_der.c, ot_reader bounds checks).
 * It accepts less than OpenSSL's decoder: whatever it does not know is
 * OT_E_UNSUPPORTED and left to OpenSSL, so it never widens what validates.
 */
#include "x509_parse.h"

#include <string.h>

#define TAG_BOOLEAN 0x01u
#define TAG_INTEGER 0x02u
#define TAG_BIT_STRING 0x03u
#define TAG_UTF8 0x0Cu
#define TAG_PRINTABLE 0x13u
#define TAG_IA5 0x16u
#define TAG_UTC_TIME 0x17u
#define TAG_GEN_TIME 0x18u
#define TAG_SET 0x31u
#define TAG_CTX0_C 0xA0u /* [0] constructed: version, otherName and its value */
#define TAG_CTX3_C 0xA3u /* [3] extensions */
#define TAG_CTX0_P 0x80u /* [0] primitive: AKID keyIdentifier */

/* Longest Name attribute value the fast path compares (RFC 5280 ub-name
 * values are at most 200 characters); longer ones go to OpenSSL. */
#define VALUE_MAX 256u
/* Most extensions in one certificate the fast path reads. */
#define EXT_MAX 16u

static const uint8_t oid_ecdsa_sha256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};
static const uint8_t oid_ecdsa_sha384[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03};
static const uint8_t oid_ecdsa_sha512[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04};
static const uint8_t oid_bc[] = {0x55, 0x1D, 0x13};   /* 2.5.29.19 basicConstraints */
static const uint8_t oid_ku[] = {0x55, 0x1D, 0x0F};   /* 2.5.29.15 keyUsage */
static const uint8_t oid_eku[] = {0x55, 0x1D, 0x25};  /* 2.5.29.37 extKeyUsage */
static const uint8_t oid_skid[] = {0x55, 0x1D, 0x0E}; /* 2.5.29.14 subjectKeyIdentifier */
static const uint8_t oid_akid[] = {0x55, 0x1D, 0x23}; /* 2.5.29.35 authorityKeyIdentifier */
static const uint8_t oid_san[] = {0x55, 0x1D, 0x11};  /* 2.5.29.17 subjectAltName */

#define UNSUPPORTED OT_E_UNSUPPORTED

static const uint8_t *at(const ot_reader *r) { return r->data + r->off; }

static bool span_is(ot_x509_span s, const uint8_t *v, size_t n) {
  return s.n == n && memcmp(s.p, v, n) == 0;
}

static ot_x509_span span_of(const ot_reader *r) {
  return (ot_x509_span){at(r), ot_reader_remaining(r)};
}

static uint8_t peek_tag(const ot_reader *r) {
  ot_reader copy = *r, content;
  uint8_t tag = 0;
  return ot_ok(ot_der_read_tlv(&copy, &tag, &content)) ? tag : 0;
}

/* Reads a TLV of `tag`; *tlv spans the whole TLV, *content its contents. */
static ot_status expect_tlv(ot_reader *r, uint8_t tag, ot_x509_span *tlv, ot_reader *content) {
  const uint8_t *start = at(r);
  OT_GUARD(ot_der_expect(r, tag, content));
  if (tlv) *tlv = (ot_x509_span){start, (size_t)(at(r) - start)};
  return OT_SUCCESS;
}

/* X.690 §8.19: a non-empty OBJECT IDENTIFIER whose subidentifiers are minimal
 * (no leading 0x80 octet) and complete (last octet without bit 8), which is
 * what OpenSSL's decoder requires too. */
static bool oid_valid(ot_x509_span s) {
  if (s.n == 0 || (s.p[s.n - 1] & 0x80u)) return false;
  for (size_t i = 0; i < s.n; i++)
    if (s.p[i] == 0x80u && (i == 0 || !(s.p[i - 1] & 0x80u))) return false;
  return true;
}

static ot_status read_oid(ot_reader *r, ot_x509_span *oid) {
  ot_reader c;
  OT_GUARD(ot_der_expect(r, OT_DER_OID, &c));
  *oid = span_of(&c);
  OT_ENSURE(oid_valid(*oid), OT_E_MALFORMED);
  return OT_SUCCESS;
}

/* X.690 §8.3.2: minimal two's complement; here also positive (RFC 5280
 * §4.1.2.2 serials, pathLenConstraint) and at most max octets. */
static ot_status read_uint(ot_reader *r, size_t max, ot_x509_span *v) {
  ot_reader c;
  OT_GUARD(ot_der_expect(r, TAG_INTEGER, &c));
  ot_x509_span s = span_of(&c);
  OT_ENSURE(s.n >= 1 && s.n <= max, UNSUPPORTED);
  OT_ENSURE(!(s.p[0] & 0x80u), UNSUPPORTED); /* negative */
  OT_ENSURE(!(s.n > 1 && s.p[0] == 0 && !(s.p[1] & 0x80u)), OT_E_MALFORMED);
  *v = s;
  return OT_SUCCESS;
}

/* ---- AlgorithmIdentifier (RFC 5758 §3.2: ECDSA parameters absent) ------------ */

static ot_status sig_algorithm(ot_reader *r, ot_x509_span *tlv, ot_hash_alg *hash) {
  ot_reader alg;
  ot_x509_span oid;
  OT_GUARD(expect_tlv(r, OT_DER_SEQUENCE, tlv, &alg));
  OT_GUARD(read_oid(&alg, &oid));
  OT_ENSURE(ot_reader_remaining(&alg) == 0, UNSUPPORTED);
  if (span_is(oid, oid_ecdsa_sha256, sizeof oid_ecdsa_sha256)) *hash = OT_HASH_SHA256;
  else if (span_is(oid, oid_ecdsa_sha384, sizeof oid_ecdsa_sha384)) *hash = OT_HASH_SHA384;
  else if (span_is(oid, oid_ecdsa_sha512, sizeof oid_ecdsa_sha512)) *hash = OT_HASH_SHA512;
  else OT_BAIL(UNSUPPORTED);
  return OT_SUCCESS;
}

/* ---- Name (RFC 5280 §4.1.2.4) --------------------------------------------------- */

/* RFC 3629 UTF-8: no overlong forms, no surrogates, at most U+10FFFF. */
static bool utf8_valid(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t b = p[i];
    size_t more;
    uint32_t cp, min;
    if (b < 0x80u) {
      i++;
      continue;
    } else if ((b & 0xE0u) == 0xC0u) {
      more = 1, cp = b & 0x1Fu, min = 0x80u;
    } else if ((b & 0xF0u) == 0xE0u) {
      more = 2, cp = b & 0x0Fu, min = 0x800u;
    } else if ((b & 0xF8u) == 0xF0u) {
      more = 3, cp = b & 0x07u, min = 0x10000u;
    } else {
      return false;
    }
    if (n - i - 1 < more) return false;
    for (size_t k = 1; k <= more; k++) {
      if ((p[i + k] & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu)) return false;
    i += more + 1;
  }
  return true;
}

/*
 * An attribute value the fast path compares: UTF8String (valid UTF-8),
 * PrintableString or IA5String (ASCII), no control characters (so that
 * the only white space is U+0020, and OpenSSL's and this comparison see
 * the same characters).
 */
static ot_status name_value(ot_reader *r, ot_x509_span *v) {
  uint8_t tag;
  ot_reader c;
  OT_GUARD(ot_der_read_tlv(r, &tag, &c));
  *v = span_of(&c);
  OT_ENSURE(v->n <= VALUE_MAX, UNSUPPORTED);
  OT_ENSURE(tag == TAG_UTF8 || tag == TAG_PRINTABLE || tag == TAG_IA5, UNSUPPORTED);
  for (size_t i = 0; i < v->n; i++) {
    OT_ENSURE(v->p[i] >= 0x20u && v->p[i] != 0x7Fu, UNSUPPORTED);
    OT_ENSURE(tag == TAG_UTF8 || v->p[i] < 0x80u, UNSUPPORTED);
  }
  OT_ENSURE(tag != TAG_UTF8 || utf8_valid(v->p, v->n), UNSUPPORTED);
  return OT_SUCCESS;
}

/* One RelativeDistinguishedName with a single AttributeTypeAndValue (a
 * multi-valued RDN is left to OpenSSL). */
static ot_status name_rdn(ot_reader *name, ot_x509_span *type, ot_x509_span *value) {
  ot_reader set, atv;
  OT_GUARD(ot_der_expect(name, TAG_SET, &set));
  OT_GUARD(ot_der_expect(&set, OT_DER_SEQUENCE, &atv));
  OT_ENSURE(ot_reader_remaining(&set) == 0, UNSUPPORTED);
  OT_GUARD(read_oid(&atv, type));
  OT_GUARD(name_value(&atv, value));
  OT_ENSURE(ot_reader_remaining(&atv) == 0, OT_E_MALFORMED);
  return OT_SUCCESS;
}

/* A Name TLV; at least one RDN (RFC 5280 §4.1.2.4, §4.1.2.6: the fast
 * path takes no empty Name). */
static ot_status read_name(ot_reader *r, ot_x509_span *tlv) {
  ot_reader name;
  OT_GUARD(expect_tlv(r, OT_DER_SEQUENCE, tlv, &name));
  OT_ENSURE(ot_reader_remaining(&name) > 0, UNSUPPORTED);
  while (ot_reader_remaining(&name) > 0) {
    ot_x509_span type, value;
    OT_GUARD(name_rdn(&name, &type, &value));
  }
  return OT_SUCCESS;
}

/* The compared form of a value: no leading or trailing spaces, inner runs
 * of spaces as one, ASCII lower case (what OpenSSL's canonical encoding
 * of a Name does to these characters). */
static size_t canon(ot_x509_span v, uint8_t out[VALUE_MAX]) {
  size_t i = 0, n = v.n, k = 0;
  while (i < n && v.p[i] == ' ')
    i++;
  while (n > i && v.p[n - 1] == ' ')
    n--;
  while (i < n) {
    uint8_t b = v.p[i++];
    if (b == ' ') {
      while (i < n && v.p[i] == ' ')
        i++;
    } else if (b >= 'A' && b <= 'Z') {
      b = (uint8_t)(b - 'A' + 'a');
    }
    out[k++] = b;
  }
  return k;
}

bool ot_x509_name_equal(ot_x509_span a, ot_x509_span b) {
  ot_reader ra, rb, na, nb;
  ot_reader_init(&ra, a.p, a.n);
  ot_reader_init(&rb, b.p, b.n);
  if (!ot_ok(ot_der_expect(&ra, OT_DER_SEQUENCE, &na)) ||
      !ot_ok(ot_der_expect(&rb, OT_DER_SEQUENCE, &nb)))
    return false;
  while (ot_reader_remaining(&na) > 0 && ot_reader_remaining(&nb) > 0) {
    ot_x509_span ta, va, tb, vb;
    if (!ot_ok(name_rdn(&na, &ta, &va)) || !ot_ok(name_rdn(&nb, &tb, &vb))) return false;
    uint8_t ca[VALUE_MAX], cb[VALUE_MAX];
    size_t la = canon(va, ca), lb = canon(vb, cb);
    if (ta.n != tb.n || memcmp(ta.p, tb.p, ta.n) != 0 || la != lb || memcmp(ca, cb, la) != 0)
      return false;
  }
  return ot_reader_remaining(&na) == 0 && ot_reader_remaining(&nb) == 0;
}

/* ---- Validity (RFC 5280 §4.1.2.5) ----------------------------------------------- */

static bool digits(const uint8_t *p, size_t n, int *v) {
  int x = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') return false;
    x = x * 10 + (p[i] - '0');
  }
  *v = x;
  return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ (RFC 5280
 * §4.1.2.5.1, .2: seconds present, Zulu, no fractions), each field in
 * range, the day within its month. */
static ot_status read_time(ot_reader *r, time_t *out) {
  uint8_t tag;
  ot_reader c;
  OT_GUARD(ot_der_read_tlv(r, &tag, &c));
  ot_x509_span s = span_of(&c);
  size_t yl = tag == TAG_UTC_TIME ? 2 : tag == TAG_GEN_TIME ? 4 : 0;
  OT_ENSURE(yl != 0, OT_E_MALFORMED);
  OT_ENSURE(s.n == yl + 11 && s.p[s.n - 1] == 'Z', OT_E_MALFORMED);
  int y, mo, d, h, mi, sec;
  OT_ENSURE(digits(s.p, yl, &y) && digits(s.p + yl, 2, &mo) && digits(s.p + yl + 2, 2, &d) &&
                digits(s.p + yl + 4, 2, &h) && digits(s.p + yl + 6, 2, &mi) &&
                digits(s.p + yl + 8, 2, &sec),
            OT_E_MALFORMED);
  if (yl == 2) y += y < 50 ? 2000 : 1900; /* RFC 5280 §4.1.2.5.1 */
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  OT_ENSURE(mo >= 1 && mo <= 12 && h <= 23 && mi <= 59 && sec <= 59, OT_E_MALFORMED);
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  OT_ENSURE(d >= 1 && d <= mdays[mo - 1] + (mo == 2 && leap), OT_E_MALFORMED);
  int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  *out = (time_t)t;
  return OT_SUCCESS;
}

/* ---- extensions (RFC 5280 §4.2) --------------------------------------------------- */

/* basicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint
 * INTEGER (0..MAX) OPTIONAL } (§4.2.1.9); DER omits a FALSE cA (X.690 §11.5),
 * and a path length is only meaningful with cA. */
static ot_status ext_bc(ot_reader *v, ot_x509_parsed *c) {
  ot_reader seq, b;
  OT_GUARD(ot_der_expect(v, OT_DER_SEQUENCE, &seq));
  c->has_bc = true;
  c->path_len = -1;
  if (peek_tag(&seq) == TAG_BOOLEAN) {
    OT_GUARD(ot_der_expect(&seq, TAG_BOOLEAN, &b));
    OT_ENSURE(ot_reader_remaining(&b) == 1 && *at(&b) == 0xFFu, UNSUPPORTED);
    c->ca = true;
  }
  if (ot_reader_remaining(&seq) > 0) {
    ot_x509_span n;
    OT_GUARD(read_uint(&seq, 3, &n));
    OT_ENSURE(c->ca, UNSUPPORTED);
    long len = 0;
    for (size_t i = 0; i < n.n; i++)
      len = (len << 8) | n.p[i];
    c->path_len = len;
  }
  return ot_reader_finish(&seq);
}

/* keyUsage ::= BIT STRING (§4.2.1.3): a DER named bit list (X.690 §11.2.2:
 * no trailing zero bits), bits 0..8. */
static ot_status ext_ku(ot_reader *v, ot_x509_parsed *c) {
  ot_reader bits;
  OT_GUARD(ot_der_expect(v, TAG_BIT_STRING, &bits));
  ot_x509_span s = span_of(&bits);
  OT_ENSURE(s.n >= 2 && s.n <= 3 && s.p[0] <= 7, UNSUPPORTED);
  uint8_t last = s.p[s.n - 1];
  OT_ENSURE(last != 0 && (last & ((1u << s.p[0]) - 1u)) == 0, UNSUPPORTED);
  OT_ENSURE(s.p[0] == 0 || (last & (1u << s.p[0])) != 0, UNSUPPORTED);
  c->has_ku = true;
  c->ku = s.p[1] | (s.n > 2 ? (uint32_t)s.p[2] << 8 : 0u);
  return OT_SUCCESS;
}

/* ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (§4.2.1.12). */
static ot_status ext_eku(ot_reader *v, ot_x509_parsed *c) {
  ot_reader seq;
  OT_GUARD(ot_der_expect(v, OT_DER_SEQUENCE, &seq));
  OT_ENSURE(ot_reader_remaining(&seq) > 0, UNSUPPORTED);
  while (ot_reader_remaining(&seq) > 0) {
    ot_x509_span oid;
    OT_GUARD(read_oid(&seq, &oid));
    if (span_is(oid, ot_oid_dmtf_eku_responder, OT_OID_DMTF_SPDM_LEN)) c->eku_responder = true;
    if (span_is(oid, ot_oid_dmtf_eku_requester, OT_OID_DMTF_SPDM_LEN)) c->eku_requester = true;
  }
  return OT_SUCCESS;
}

/* SubjectKeyIdentifier ::= KeyIdentifier (OCTET STRING) (§4.2.1.2). */
static ot_status ext_skid(ot_reader *v, ot_x509_parsed *c) {
  ot_reader id;
  OT_GUARD(ot_der_expect(v, OT_DER_OCTET_STRING, &id));
  OT_ENSURE(ot_reader_remaining(&id) > 0, UNSUPPORTED);
  c->has_skid = true;
  c->skid = span_of(&id);
  return OT_SUCCESS;
}

/* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] ... } (§4.2.1.1);
 * authorityCertIssuer / SerialNumber are left to OpenSSL. */
static ot_status ext_akid(ot_reader *v, ot_x509_parsed *c) {
  ot_reader seq, id;
  OT_GUARD(ot_der_expect(v, OT_DER_SEQUENCE, &seq));
  OT_GUARD(ot_der_expect(&seq, TAG_CTX0_P, &id));
  OT_ENSURE(ot_reader_remaining(&id) > 0 && ot_reader_remaining(&seq) == 0, UNSUPPORTED);
  c->has_akid = true;
  c->akid = span_of(&id);
  return OT_SUCCESS;
}

/* GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName (§4.2.1.6); only
 * otherName [0] { type-id, [0] EXPLICIT UTF8String }, the form of the DMTF
 * device-info name (DSP0274 1.2 Annex C). */
static ot_status ext_san(ot_reader *v, ot_x509_parsed *c) {
  ot_reader seq;
  OT_GUARD(ot_der_expect(v, OT_DER_SEQUENCE, &seq));
  OT_ENSURE(ot_reader_remaining(&seq) > 0, UNSUPPORTED);
  c->has_san = true;
  while (ot_reader_remaining(&seq) > 0) {
    ot_reader on, val, s;
    ot_x509_span type;
    OT_GUARD(ot_der_expect(&seq, TAG_CTX0_C, &on));
    OT_GUARD(read_oid(&on, &type));
    OT_GUARD(ot_der_expect(&on, TAG_CTX0_C, &val));
    OT_ENSURE(ot_reader_remaining(&on) == 0, OT_E_MALFORMED);
    OT_GUARD(ot_der_expect(&val, TAG_UTF8, &s));
    OT_ENSURE(ot_reader_remaining(&val) == 0, OT_E_MALFORMED);
    ot_x509_span str = span_of(&s);
    OT_ENSURE(utf8_valid(str.p, str.n), UNSUPPORTED);
    if (c->device_info.p == NULL &&
        span_is(type, ot_oid_dmtf_device_info, OT_OID_DMTF_SPDM_LEN))
      c->device_info = str;
  }
  return OT_SUCCESS;
}

typedef ot_status (*ext_fn)(ot_reader *v, ot_x509_parsed *c);

/* The extensions the fast path reads; `critical_ok`: may be marked critical
 * and OpenSSL still handles it (its X509_supported_extension list: SKID,
 * AKID and the SPDM extension are not on it, so critical ones fail path
 * validation there, RFC 5280 §4.2). */
static const struct {
  const uint8_t *oid;
  size_t len;
  ext_fn fn;
  bool critical_ok;
} known_ext[] = {
    {oid_bc, sizeof oid_bc, ext_bc, true},       {oid_ku, sizeof oid_ku, ext_ku, true},
    {oid_eku, sizeof oid_eku, ext_eku, true},    {oid_san, sizeof oid_san, ext_san, true},
    {oid_skid, sizeof oid_skid, ext_skid, false}, {oid_akid, sizeof oid_akid, ext_akid, false},
};

static ot_status ext_spdm(ot_reader *v, ot_x509_parsed *c) {
  c->has_spdm_ext = true;
  c->spdm_ext = span_of(v);
  return ot_read_skip(v, ot_reader_remaining(v));
}

/* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue
 * OCTET STRING } (§4.1.2.9, §4.2: no extension twice). */
static ot_status read_extensions(ot_reader *r, ot_x509_parsed *c) {
  ot_reader wrap, list;
  OT_GUARD(ot_der_expect(r, TAG_CTX3_C, &wrap));
  OT_GUARD(ot_der_expect(&wrap, OT_DER_SEQUENCE, &list));
  OT_GUARD(ot_reader_finish(&wrap));
  OT_ENSURE(ot_reader_remaining(&list) > 0, UNSUPPORTED);
  ot_x509_span seen[EXT_MAX];
  size_t count = 0;
  while (ot_reader_remaining(&list) > 0) {
    ot_reader ext, b, value;
    ot_x509_span oid;
    bool critical = false;
    OT_GUARD(ot_der_expect(&list, OT_DER_SEQUENCE, &ext));
    OT_GUARD(read_oid(&ext, &oid));
    if (peek_tag(&ext) == TAG_BOOLEAN) {
      OT_GUARD(ot_der_expect(&ext, TAG_BOOLEAN, &b));
      /* X.690 §11.5: a DEFAULT FALSE is omitted; TRUE is 0xFF (§11.1). */
      OT_ENSURE(ot_reader_remaining(&b) == 1 && *at(&b) == 0xFFu, UNSUPPORTED);
      critical = true;
    }
    OT_GUARD(ot_der_expect(&ext, OT_DER_OCTET_STRING, &value));
    OT_GUARD(ot_reader_finish(&ext));
    OT_ENSURE(count < EXT_MAX, UNSUPPORTED);
    for (size_t i = 0; i < count; i++)
      OT_ENSURE(!span_is(seen[i], oid.p, oid.n), UNSUPPORTED);
    seen[count++] = oid;
    ext_fn fn = NULL;
    bool critical_ok = false;
    for (size_t i = 0; i < sizeof known_ext / sizeof known_ext[0]; i++) {
      if (!span_is(oid, known_ext[i].oid, known_ext[i].len)) continue;
      fn = known_ext[i].fn;
      critical_ok = known_ext[i].critical_ok;
    }
    if (span_is(oid, ot_oid_dmtf_spdm_extension, OT_OID_DMTF_SPDM_LEN)) fn = ext_spdm;
    /* Unknown extensions, and known ones marked critical where OpenSSL
     * would refuse them, are OpenSSL's to judge. */
    OT_ENSURE(fn != NULL && (!critical || critical_ok), UNSUPPORTED);
    OT_GUARD(fn(&value, c));
    /* The value is exactly one encoding of the extension's type. */
    OT_ENSURE(ot_reader_remaining(&value) == 0, UNSUPPORTED);
  }
  return OT_SUCCESS;
}

/* ---- the certificate (RFC 5280 §4.1) ------------------------------------------------ */

static ot_status parse(const ot_x509_cert *cert, ot_x509_parsed *c) {
  ot_reader r, body, tbs, x, bits;
  ot_x509_span s;
  ot_reader_init(&r, cert->der, cert->len);
  OT_GUARD(ot_der_expect(&r, OT_DER_SEQUENCE, &body));
  OT_GUARD(ot_reader_finish(&r));
  ot_reader walk = body;
  OT_GUARD(ot_der_walk(&walk)); /* DER throughout, before anything is read */
  OT_GUARD(expect_tlv(&body, OT_DER_SEQUENCE, &c->tbs, &tbs));
  OT_GUARD(sig_algorithm(&body, &c->sig_alg, &c->sig_hash));
  OT_GUARD(ot_der_expect(&body, TAG_BIT_STRING, &bits));
  OT_GUARD(ot_reader_finish(&body));
  /* signatureValue: a whole number of octets (the Ecdsa-Sig-Value DER). */
  uint8_t unused;
  OT_GUARD(ot_read_u8(&bits, &unused));
  OT_ENSURE(unused == 0, OT_E_MALFORMED);
  c->sig = span_of(&bits);

  /* version [0] EXPLICIT INTEGER: v3 only (§4.1.2.1). */
  OT_GUARD(ot_der_expect(&tbs, TAG_CTX0_C, &x));
  OT_GUARD(read_uint(&x, 1, &s));
  OT_GUARD(ot_reader_finish(&x));
  OT_ENSURE(s.p[0] == 2, UNSUPPORTED);
  /* serialNumber: positive, at most 20 octets (§4.1.2.2). */
  OT_GUARD(read_uint(&tbs, 20, &s));
  OT_ENSURE(!(s.n == 1 && s.p[0] == 0), UNSUPPORTED);
  ot_hash_alg inner;
  OT_GUARD(sig_algorithm(&tbs, &c->tbs_sig_alg, &inner));
  OT_GUARD(read_name(&tbs, &c->issuer));
  ot_reader validity;
  OT_GUARD(ot_der_expect(&tbs, OT_DER_SEQUENCE, &validity));
  OT_GUARD(read_time(&validity, &c->not_before));
  OT_GUARD(read_time(&validity, &c->not_after));
  OT_GUARD(ot_reader_finish(&validity));
  OT_GUARD(read_name(&tbs, &c->subject));
  ot_x509_span spki;
  OT_GUARD(expect_tlv(&tbs, OT_DER_SEQUENCE, &spki, &x));
  OT_ENSURE(ot_x509_ec_spki_read(spki.p, spki.n, &c->curve, &c->point), UNSUPPORTED);
  c->path_len = -1;
  if (ot_reader_remaining(&tbs) > 0) OT_GUARD(read_extensions(&tbs, c));
  /* issuerUniqueID / subjectUniqueID, or anything else: OpenSSL's. */
  OT_ENSURE(ot_reader_remaining(&tbs) == 0, UNSUPPORTED);
  return OT_SUCCESS;
}

ot_status ot_x509_parse(const ot_x509_cert *cert, ot_x509_parsed *out) {
  OT_ENSURE(cert != NULL && out != NULL && (cert->der != NULL || cert->len == 0), OT_E_ARG);
  OT_ENSURE(cert->len <= OT_X509_MAX_CERT_SIZE, OT_E_TOO_LARGE);
  ot_x509_parsed c;
  memset(&c, 0, sizeof c);
  ot_status st = parse(cert, &c);
  /* Inside a complete TLV a missing field is a malformed certificate. */
  if (ot_is(st, OT_E_TRUNCATED) || ot_is(st, OT_E_TRAILING)) return ot_status_of(OT_E_MALFORMED);
  OT_GUARD(st);
  *out = c;
  return OT_SUCCESS;
}
