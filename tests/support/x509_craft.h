/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hand-built X.509 certificates for differential tests of the two chain
 * validators: every TBSCertificate field is written from a spec with a
 * small DER writer (so that a test can make any field wrong, including
 * ones the generator in src/crypto/x509_gen.c never would), then signed
 * with ECDSA by the issuer's raw key. Header-only; include it in one file
 * of a test executable.
 */
#ifndef OT_X509_CRAFT_H
#define OT_X509_CRAFT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/x509.h"

typedef struct craft_buf {
  uint8_t b[2048];
  size_t n;
} craft_buf;

static void craft_put(craft_buf *o, const void *p, size_t n) {
  if (o->n + n > sizeof o->b) abort();
  memcpy(o->b + o->n, p, n);
  o->n += n;
}

static void craft_byte(craft_buf *o, uint8_t v) { craft_put(o, &v, 1); }

/* One TLV with a DER length. */
static void craft_tlv(craft_buf *o, uint8_t tag, const void *p, size_t n) {
  craft_byte(o, tag);
  if (n < 0x80) {
    craft_byte(o, (uint8_t)n);
  } else if (n < 0x100) {
    craft_byte(o, 0x81);
    craft_byte(o, (uint8_t)n);
  } else {
    craft_byte(o, 0x82);
    craft_byte(o, (uint8_t)(n >> 8));
    craft_byte(o, (uint8_t)n);
  }
  craft_put(o, p, n);
}

static void craft_wrap(craft_buf *o, uint8_t tag, const craft_buf *c) { craft_tlv(o, tag, c->b, c->n); }

/* An unsigned INTEGER of big-endian bytes, minimally encoded. */
static void craft_uint(craft_buf *o, const uint8_t *p, size_t n) {
  while (n > 1 && p[0] == 0)
    p++, n--;
  craft_buf c = {.n = 0};
  if (p[0] & 0x80) craft_byte(&c, 0);
  craft_put(&c, p, n);
  craft_wrap(o, 0x02, &c);
}

static const uint8_t craft_oid_cn[] = {0x55, 0x04, 0x03};
static const uint8_t craft_oid_o[] = {0x55, 0x04, 0x0A};
static const uint8_t craft_oid_ecdsa256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};
static const uint8_t craft_oid_ecdsa384[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03};
static const uint8_t craft_oid_ec[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};
static const uint8_t craft_oid_p256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
static const uint8_t craft_oid_p384[] = {0x2B, 0x81, 0x04, 0x00, 0x22};
static const uint8_t craft_spdm_arc[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0x83, 0x1C, 0x82, 0x12};

/* What a crafted certificate holds; zero fields take the defaults noted. */
typedef struct craft_spec {
  const char *issuer, *subject; /* CN values */
  uint8_t name_tag;             /* 0 = UTF8String */
  const char *subject_o;        /* optional second RDN O= of the subject */
  const char *issuer_o;
  const char *not_before, *not_after; /* 13 chars: UTCTime, 15: GeneralizedTime */
  int version;                        /* 0 = v3 (2); -1 = field omitted */
  uint8_t serial;                     /* 0 = 1 */
  bool no_bc, ca, bc_critical;
  int path_len; /* -1 none (set by craft_default) */
  uint16_t ku;  /* OpenSSL KU_* bits (byte 0 | byte 1 << 8); 0 = no keyUsage */
  bool ku_critical;
  bool skid, akid;          /* key identifiers: SHA-256[0..20) of the key */
  bool akid_wrong;          /* an AKID keyIdentifier that names another key */
  unsigned eku;             /* OT_X509_EKU_* (0 = no extendedKeyUsage) */
  bool hw_identity;         /* SPDM extension with id-DMTF-hardware-identity */
  const char *device_info;  /* subjectAltName otherName */
  const uint8_t *extra_ext; /* one more Extension TLV, appended as is */
  size_t extra_len;
  bool tbs_alg_384;   /* TBSCertificate.signature says ecdsa-with-SHA384 */
  bool outer_alg_384; /* signatureAlgorithm says ecdsa-with-SHA384 (and is used) */
  bool bad_signature; /* sign other bytes than the TBSCertificate sent */
  ot_curve curve;     /* subject key curve (0 = P-256) */
  const uint8_t *pub; /* subject public key X || Y */
} craft_spec;

static void craft_default(craft_spec *s) {
  memset(s, 0, sizeof *s);
  s->path_len = -1;
  s->not_before = "240101000000Z";
  s->not_after = "300101000000Z";
}

static void craft_name(craft_buf *o, const char *cn, const char *org, uint8_t tag) {
  craft_buf name = {.n = 0};
  const char *vals[2] = {org, cn};
  const uint8_t *oids[2] = {craft_oid_o, craft_oid_cn};
  for (int i = 0; i < 2; i++) {
    if (vals[i] == NULL) continue;
    craft_buf atv = {.n = 0}, set = {.n = 0};
    craft_tlv(&atv, 0x06, oids[i], 3);
    craft_tlv(&atv, tag ? tag : 0x0C, vals[i], strlen(vals[i]));
    craft_wrap(&set, 0x30, &atv);
    craft_wrap(&name, 0x31, &set);
  }
  craft_wrap(o, 0x30, &name);
}

static void craft_ext(craft_buf *list, const uint8_t *oid, size_t oid_len, bool critical,
                      const craft_buf *value) {
  craft_buf e = {.n = 0};
  craft_tlv(&e, 0x06, oid, oid_len);
  if (critical) craft_tlv(&e, 0x01, "\xff", 1);
  craft_wrap(&e, 0x04, value);
  craft_wrap(list, 0x30, &e);
}

static void craft_keyid(const uint8_t *pub, size_t n, uint8_t id[20]) {
  uint8_t d[32];
  if (!ot_ok(ot_hash(OT_HASH_SHA256, pub, n, d, sizeof d))) abort();
  memcpy(id, d, 20);
}

/* The certificate of spec s, signed with issuer_priv (curve issuer_curve)
 * over whose public key issuer_pub the AKID is made; into *out. */
static void craft_cert(const craft_spec *s, ot_curve issuer_curve, const uint8_t *issuer_priv,
                       const uint8_t *issuer_pub, craft_buf *out) {
  ot_curve curve = s->curve ? s->curve : OT_CURVE_P256;
  size_t pn = ot_curve_public_size(curve), in = ot_curve_public_size(issuer_curve);
  craft_buf tbs = {.n = 0}, body = {.n = 0}, x = {.n = 0};
  if (s->version >= 0) {
    uint8_t v = s->version ? (uint8_t)s->version : 2;
    craft_uint(&x, &v, 1);
    craft_wrap(&body, 0xA0, &x);
  }
  uint8_t serial = s->serial ? s->serial : 1;
  craft_uint(&body, &serial, 1);
  craft_buf alg_tbs = {.n = 0}, alg_outer = {.n = 0};
  x.n = 0;
  craft_tlv(&x, 0x06, s->tbs_alg_384 ? craft_oid_ecdsa384 : craft_oid_ecdsa256, 8);
  craft_wrap(&alg_tbs, 0x30, &x);
  x.n = 0;
  craft_tlv(&x, 0x06, s->outer_alg_384 ? craft_oid_ecdsa384 : craft_oid_ecdsa256, 8);
  craft_wrap(&alg_outer, 0x30, &x);
  craft_put(&body, alg_tbs.b, alg_tbs.n);
  craft_name(&body, s->issuer, s->issuer_o, s->name_tag);
  x.n = 0;
  craft_tlv(&x, strlen(s->not_before) == 13 ? 0x17 : 0x18, s->not_before, strlen(s->not_before));
  craft_tlv(&x, strlen(s->not_after) == 13 ? 0x17 : 0x18, s->not_after, strlen(s->not_after));
  craft_wrap(&body, 0x30, &x);
  craft_name(&body, s->subject, s->subject_o, s->name_tag);
  /* SubjectPublicKeyInfo */
  craft_buf spki = {.n = 0}, alg = {.n = 0}, bits = {.n = 0};
  craft_tlv(&alg, 0x06, craft_oid_ec, sizeof craft_oid_ec);
  if (curve == OT_CURVE_P384) craft_tlv(&alg, 0x06, craft_oid_p384, sizeof craft_oid_p384);
  else craft_tlv(&alg, 0x06, craft_oid_p256, sizeof craft_oid_p256);
  craft_wrap(&spki, 0x30, &alg);
  craft_byte(&bits, 0);
  craft_byte(&bits, 4);
  craft_put(&bits, s->pub, pn);
  craft_wrap(&spki, 0x03, &bits);
  craft_wrap(&body, 0x30, &spki);
  /* extensions */
  craft_buf list = {.n = 0}, v = {.n = 0};
  static const uint8_t oid_bc[] = {0x55, 0x1D, 0x13}, oid_ku[] = {0x55, 0x1D, 0x0F},
                       oid_eku[] = {0x55, 0x1D, 0x25}, oid_skid[] = {0x55, 0x1D, 0x0E},
                       oid_akid[] = {0x55, 0x1D, 0x23}, oid_san[] = {0x55, 0x1D, 0x11};
  if (!s->no_bc) {
    x.n = 0;
    v.n = 0;
    if (s->ca) craft_tlv(&x, 0x01, "\xff", 1);
    if (s->path_len >= 0) {
      uint8_t pl = (uint8_t)s->path_len;
      craft_uint(&x, &pl, 1);
    }
    craft_wrap(&v, 0x30, &x);
    craft_ext(&list, oid_bc, 3, s->bc_critical, &v);
  }
  if (s->ku) {
    /* DER named bit list: trailing zero bits dropped (X.690 §11.2.2). */
    uint8_t b0 = (uint8_t)s->ku, b1 = (uint8_t)(s->ku >> 8);
    uint8_t last = b1 ? b1 : b0, unused = 0;
    while (!(last & (1u << unused)))
      unused++;
    x.n = 0;
    v.n = 0;
    craft_byte(&x, unused);
    craft_byte(&x, b0);
    if (b1) craft_byte(&x, b1);
    craft_wrap(&v, 0x03, &x);
    craft_ext(&list, oid_ku, 3, s->ku_critical, &v);
  }
  uint8_t id[20];
  if (s->skid) {
    craft_keyid(s->pub, pn, id);
    v.n = 0;
    craft_tlv(&v, 0x04, id, 20);
    craft_ext(&list, oid_skid, 3, false, &v);
  }
  if (s->akid) {
    craft_keyid(issuer_pub, in, id);
    if (s->akid_wrong) id[0] ^= 1;
    x.n = 0;
    v.n = 0;
    craft_tlv(&x, 0x80, id, 20);
    craft_wrap(&v, 0x30, &x);
    craft_ext(&list, oid_akid, 3, false, &v);
  }
  if (s->eku) {
    uint8_t o[10];
    memcpy(o, craft_spdm_arc, 9);
    x.n = 0;
    v.n = 0;
    if (s->eku & OT_X509_EKU_RESPONDER) o[9] = 3, craft_tlv(&x, 0x06, o, 10);
    if (s->eku & OT_X509_EKU_REQUESTER) o[9] = 4, craft_tlv(&x, 0x06, o, 10);
    craft_wrap(&v, 0x30, &x);
    craft_ext(&list, oid_eku, 3, false, &v);
  }
  if (s->device_info) {
    uint8_t o[10];
    memcpy(o, craft_spdm_arc, 9);
    o[9] = 1;
    craft_buf on = {.n = 0}, val = {.n = 0}, str = {.n = 0};
    craft_tlv(&on, 0x06, o, 10);
    craft_tlv(&str, 0x0C, s->device_info, strlen(s->device_info));
    craft_wrap(&val, 0xA0, &str);
    craft_put(&on, val.b, val.n);
    x.n = 0;
    v.n = 0;
    craft_wrap(&x, 0xA0, &on);
    craft_wrap(&v, 0x30, &x);
    craft_ext(&list, oid_san, 3, false, &v);
  }
  if (s->hw_identity) {
    uint8_t o[10];
    memcpy(o, craft_spdm_arc, 9);
    o[9] = 2;
    craft_buf item = {.n = 0};
    craft_tlv(&item, 0x06, o, 10);
    x.n = 0;
    v.n = 0;
    craft_wrap(&x, 0x30, &item);
    craft_wrap(&v, 0x30, &x);
    o[9] = 6;
    craft_ext(&list, o, 10, false, &v);
  }
  if (s->extra_ext) craft_put(&list, s->extra_ext, s->extra_len);
  if (list.n) {
    x.n = 0;
    craft_wrap(&x, 0x30, &list);
    craft_wrap(&body, 0xA3, &x);
  }
  craft_wrap(&tbs, 0x30, &body);
  /* signature */
  ot_hash_alg h = s->outer_alg_384 ? OT_HASH_SHA384 : OT_HASH_SHA256;
  size_t cs = ot_curve_size(issuer_curve);
  uint8_t raw[2 * OT_ECC_MAX_SCALAR];
  /* A bad signature: made over other bytes than the ones sent. */
  if (s->bad_signature) tbs.b[tbs.n - 1] ^= 1;
  if (!ot_ok(ot_ecdsa_sign(issuer_curve, h, issuer_priv, cs, tbs.b, tbs.n, raw, sizeof raw)))
    abort();
  craft_buf sig = {.n = 0}, sv = {.n = 0};
  craft_uint(&sv, raw, cs);
  craft_uint(&sv, raw + cs, cs);
  craft_byte(&sig, 0);
  x.n = 0;
  craft_wrap(&x, 0x30, &sv);
  craft_put(&sig, x.b, x.n);
  if (s->bad_signature) tbs.b[tbs.n - 1] ^= 1;
  craft_buf cert = {.n = 0};
  craft_put(&cert, tbs.b, tbs.n);
  craft_put(&cert, alg_outer.b, alg_outer.n);
  craft_wrap(&cert, 0x03, &sig);
  out->n = 0;
  craft_wrap(out, 0x30, &cert);
}

#endif /* OT_X509_CRAFT_H */
