/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy loader (docs/policy.md): the shared YAML loader (opentsm/
 * yaml_doc.h) builds and checks the node tree, and one walker per mapping
 * checks every key against its schema. Every error names
 * the line and column of the node at fault. The result is built in a private
 * copy and committed only when the whole file (anchor files included) passed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "opentsm/tsm_policy.h"
#include "opentsm/yaml_doc.h"
#include "tsm_internal.h"

typedef struct pctx {
  yaml_document_t *doc;
  ot_tsm_policy *p;
  ot_tsm_policy_error *err;
  uint8_t *seen; /* per node: visited once (a second visit is an alias) */
  size_t nodes;
} pctx;

/* Records the first error at node n (NULL: no position). */
static ot_status failf(pctx *c, const yaml_node_t *n, ot_code code, const char *fmt, ...)
    OT_PRINTF(4, 5);
static ot_status failf(pctx *c, const yaml_node_t *n, ot_code code, const char *fmt, ...) {
  if (c->err->msg[0] == '\0') {
    c->err->line = n ? (unsigned)n->start_mark.line + 1u : 0;
    c->err->column = n ? (unsigned)n->start_mark.column + 1u : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
    va_end(ap);
  }
  return ot_status_of(code);
}

/* Fetches node `id`; a node reached twice came through an alias, which a
 * policy never needs (and which could make the walk exponential). */
static ot_status node(pctx *c, const yaml_node_t *from, int id, yaml_node_t **out) {
  yaml_node_t *n = yaml_document_get_node(c->doc, id);
  if (n == NULL) return failf(c, from, OT_E_MALFORMED, "dangling node");
  size_t i = (size_t)(n - c->doc->nodes.start);
  if (i >= c->nodes || c->seen[i])
    return failf(c, n, OT_E_MALFORMED, "aliases and anchors are not allowed in a policy");
  c->seen[i] = 1;
  *out = n;
  return OT_SUCCESS;
}

static const char *scalar(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

static ot_status want(pctx *c, const yaml_node_t *n, yaml_node_type_t t, const char *what) {
  if (n->type == t) return OT_SUCCESS;
  static const char *const names[] = {"nothing", "a scalar", "a list", "a mapping"};
  return failf(c, n, OT_E_MALFORMED, "%s must be %s", what, names[t]);
}

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* Strict unsigned integer: decimal or 0x-hex, no sign, no spaces, <= max. */
static ot_status uint_of(pctx *c, const yaml_node_t *n, unsigned long max, const char *what,
                         unsigned long *out) {
  OT_GUARD(want(c, n, YAML_SCALAR_NODE, what));
  const char *s = scalar(n);
  int base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  }
  char *end = NULL;
  errno = 0;
  /* strtoul would accept a sign or leading spaces: require a digit first. */
  unsigned long v = 0;
  v = hexval(s[0]) >= 0 && (base == 16 || hexval(s[0]) < 10) ? strtoul(s, &end, base) : 0;
  if (end == NULL || *end != '\0' || errno != 0 || v > max)
    return failf(c, n, OT_E_MALFORMED, "%s must be an integer from 0 to %lu, not \"%s\"", what, max,
                 scalar(n));
  *out = v;
  return OT_SUCCESS;
}

/* A name: 1..31 characters of [A-Za-z0-9._:-]. */
static ot_status name_of(pctx *c, const yaml_node_t *n, const char *what,
                         char out[static OT_TSM_NAME_MAX]) {
  OT_GUARD(want(c, n, YAML_SCALAR_NODE, what));
  const char *s = scalar(n);
  size_t len = n->data.scalar.length;
  if (len == 0 || len >= OT_TSM_NAME_MAX)
    return failf(c, n, OT_E_MALFORMED, "%s must be 1 to %u characters", what, OT_TSM_NAME_MAX - 1u);
  for (size_t i = 0; i < len; i++) {
    char ch = s[i];
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == ':' || ch == '-';
    if (!ok) return failf(c, n, OT_E_MALFORMED, "%s has a character outside [A-Za-z0-9._:-]", what);
  }
  memcpy(out, s, len);
  out[len] = '\0';
  return OT_SUCCESS;
}

/* Iterates the key/value pairs of a mapping, refusing repeated keys. */
typedef ot_status (*pair_fn)(pctx *c, void *obj, const yaml_node_t *key, yaml_node_t *val);

static ot_status each_pair(pctx *c, yaml_node_t *map, const char *what, void *obj, pair_fn fn) {
  OT_GUARD(want(c, map, YAML_MAPPING_NODE, what));
  for (yaml_node_pair_t *a = map->data.mapping.pairs.start; a < map->data.mapping.pairs.top; a++) {
    yaml_node_t *k = NULL, *v = NULL;
    OT_GUARD(node(c, map, a->key, &k));
    OT_GUARD(want(c, k, YAML_SCALAR_NODE, "a key"));
    for (yaml_node_pair_t *b = map->data.mapping.pairs.start; b < a; b++) {
      yaml_node_t *k2 = yaml_document_get_node(c->doc, b->key);
      if (k2 && k2->type == YAML_SCALAR_NODE && strcmp(scalar(k2), scalar(k)) == 0)
        return failf(c, k, OT_E_MALFORMED, "key \"%s\" appears twice in %s", scalar(k), what);
    }
    OT_GUARD(node(c, k, a->value, &v));
    OT_GUARD(fn(c, obj, k, v));
  }
  return OT_SUCCESS;
}

static bool key_is(const yaml_node_t *k, const char *s) { return strcmp(scalar(k), s) == 0; }

/* ---- spdm: ---------------------------------------------------------------------- */

typedef struct alg_name {
  const char *name;
  uint32_t bit;
} alg_name;

/* DSP0274 1.3 §10.4 Tables "BaseAsymAlgo", "BaseHashAlgo", "MeasurementHashAlgo",
 * "DHE", "AEAD": the algorithms opentsm implements, by their policy names. */
static const alg_name asym_names[] = {
    {"ecdsa-p256", OT_SPDM_ASYM_ECDSA_P256}, {"ecdsa-p384", OT_SPDM_ASYM_ECDSA_P384},
    {"ecdsa-p521", OT_SPDM_ASYM_ECDSA_P521}, {"eddsa-ed25519", OT_SPDM_ASYM_ED25519},
    {"eddsa-ed448", OT_SPDM_ASYM_ED448},
    /* TPM_ALG_RSASSA (PKCS#1 v1.5) and TPM_ALG_RSAPSS by modulus size (bits 0-6). */
    {"rsassa-2048", OT_SPDM_ASYM_RSASSA_2048}, {"rsassa-3072", OT_SPDM_ASYM_RSASSA_3072},
    {"rsassa-4096", OT_SPDM_ASYM_RSASSA_4096}, {"rsapss-2048", OT_SPDM_ASYM_RSAPSS_2048},
    {"rsapss-3072", OT_SPDM_ASYM_RSAPSS_3072}, {"rsapss-4096", OT_SPDM_ASYM_RSAPSS_4096},
    {NULL, 0}};
static const alg_name hash_names[] = {{"sha-256", OT_SPDM_HASH_SHA_256},
                                      {"sha-384", OT_SPDM_HASH_SHA_384},
                                      {"sha-512", OT_SPDM_HASH_SHA_512},
                                      {"sha3-256", OT_SPDM_HASH_SHA3_256},
                                      {"sha3-384", OT_SPDM_HASH_SHA3_384},
                                      {"sha3-512", OT_SPDM_HASH_SHA3_512},
                                      {NULL, 0}};
static const alg_name mhash_names[] = {{"sha-256", OT_SPDM_MEAS_HASH_SHA_256},
                                       {"sha-384", OT_SPDM_MEAS_HASH_SHA_384},
                                       {"sha-512", OT_SPDM_MEAS_HASH_SHA_512},
                                       {"sha3-256", OT_SPDM_MEAS_HASH_SHA3_256},
                                       {"sha3-384", OT_SPDM_MEAS_HASH_SHA3_384},
                                       {"sha3-512", OT_SPDM_MEAS_HASH_SHA3_512},
                                       {NULL, 0}};
static const alg_name dhe_names[] = {{"secp256r1", OT_SPDM_DHE_SECP256R1},
                                     {"secp384r1", OT_SPDM_DHE_SECP384R1},
                                     {"secp521r1", OT_SPDM_DHE_SECP521R1},
                                     /* RFC 7919 groups (DHE bits 0-2). */
                                     {"ffdhe2048", OT_SPDM_DHE_FFDHE_2048},
                                     {"ffdhe3072", OT_SPDM_DHE_FFDHE_3072},
                                     {"ffdhe4096", OT_SPDM_DHE_FFDHE_4096},
                                     {NULL, 0}};
static const alg_name aead_names[] = {{"aes-128-gcm", OT_SPDM_AEAD_AES_128_GCM},
                                      {"aes-256-gcm", OT_SPDM_AEAD_AES_256_GCM},
                                      {"chacha20-poly1305", OT_SPDM_AEAD_CHACHA20_POLY1305},
                                      {NULL, 0}};

/* DSP0274 1.3 §10.4 algorithms the crypto layer cannot provide with OpenSSL
 * 3.0 (Debian 12): SM2/SM3/SM4 (GB/T 32918, 32905, 32907) and the 1.4
 * post-quantum ones. Named so that a policy asking for them gets a reason. */
static bool unavailable(const char *name) {
  static const char *const names[] = {
      "sm2",       "sm2-p256",  "sm3",     "sm3-256",    "sm4-gcm",    "aead-sm4-gcm", "ml-dsa-44",
      "ml-dsa-65", "ml-dsa-87", "slh-dsa", "ml-kem-512", "ml-kem-768", "ml-kem-1024",  NULL};
  for (const char *const *p = names; *p; p++) {
    if (strcmp(*p, name) == 0) return true;
  }
  return false;
}

static ot_status alg_list(pctx *c, yaml_node_t *seq, const char *what, const alg_name *names,
                          uint32_t *out) {
  OT_GUARD(want(c, seq, YAML_SEQUENCE_NODE, what));
  uint32_t mask = 0;
  for (yaml_node_item_t *i = seq->data.sequence.items.start; i < seq->data.sequence.items.top;
       i++) {
    yaml_node_t *n = NULL;
    OT_GUARD(node(c, seq, *i, &n));
    OT_GUARD(want(c, n, YAML_SCALAR_NODE, "an algorithm"));
    const alg_name *a = names;
    while (a->name && strcmp(a->name, scalar(n)) != 0)
      a++;
    if (a->name == NULL && unavailable(scalar(n)))
      return failf(c, n, OT_E_UNSUPPORTED,
                   "%s algorithm \"%s\" is out of reach: OpenSSL 3.0 has no SM2/SM3/SM4 "
                   "and no post-quantum (ML-DSA, SLH-DSA, ML-KEM) algorithms",
                   what, scalar(n));
    if (a->name == NULL) {
      char known[256] = "";
      for (const alg_name *k = names; k->name; k++) {
        if (k != names) strncat(known, ", ", sizeof(known) - strlen(known) - 1);
        strncat(known, k->name, sizeof(known) - strlen(known) - 1);
      }
      return failf(c, n, OT_E_MALFORMED, "unknown %s algorithm \"%s\" (known: %s)", what, scalar(n),
                   known);
    }
    if (mask & a->bit) return failf(c, n, OT_E_MALFORMED, "%s lists \"%s\" twice", what, a->name);
    mask |= a->bit;
  }
  if (mask == 0) return failf(c, seq, OT_E_MALFORMED, "%s allows no algorithm", what);
  *out = mask;
  return OT_SUCCESS;
}

static ot_status spdm_pair(pctx *c, void *obj, const yaml_node_t *k, yaml_node_t *v) {
  (void)obj;
  ot_tsm_policy *p = c->p;
  uint32_t m;
  if (key_is(k, "min_version")) {
    OT_GUARD(want(c, v, YAML_SCALAR_NODE, "spdm.min_version"));
    /* DSP0274 §10.3: opentsm speaks 1.0 .. 1.4. Devices below 1.2 are
     * authenticated but never connected: IDE_KM and TDISP need 1.2
     * (connect.c). */
    static const char *const names[] = {"1.0", "1.1", "1.2", "1.3", "1.4"};
    for (uint8_t i = 0; i < 5; i++) {
      if (strcmp(scalar(v), names[i]) == 0) {
        p->min_version = (uint8_t)(OT_SPDM_VERSION_10 + i);
        return OT_SUCCESS;
      }
    }
    return failf(c, v, OT_E_MALFORMED,
                 "spdm.min_version must be \"1.0\", \"1.1\", \"1.2\", \"1.3\" or \"1.4\"");
  }
  if (key_is(k, "base_asym")) {
    OT_GUARD(alg_list(c, v, "spdm.base_asym", asym_names, &m));
    p->algs.base_asym = m;
  } else if (key_is(k, "base_hash")) {
    OT_GUARD(alg_list(c, v, "spdm.base_hash", hash_names, &m));
    p->algs.base_hash = m;
  } else if (key_is(k, "measurement_hash")) {
    OT_GUARD(alg_list(c, v, "spdm.measurement_hash", mhash_names, &m));
    p->algs.meas_hash = m;
  } else if (key_is(k, "dhe")) {
    OT_GUARD(alg_list(c, v, "spdm.dhe", dhe_names, &m));
    p->algs.dhe = (uint16_t)m;
  } else if (key_is(k, "aead")) {
    OT_GUARD(alg_list(c, v, "spdm.aead", aead_names, &m));
    p->algs.aead = (uint16_t)m;
  } else {
    return failf(c, k, OT_E_MALFORMED,
                 "unknown key \"%s\" in spdm (known: min_version, "
                 "base_asym, base_hash, measurement_hash, dhe, aead)",
                 scalar(k));
  }
  return OT_SUCCESS;
}

/* ---- devices: --------------------------------------------------------------------- */

static ot_status meas_pair(pctx *c, void *obj, const yaml_node_t *k, yaml_node_t *v) {
  ot_tsm_policy_device *d = obj;
  unsigned long idx = 0;
  /* DSP0274 1.3 §10.11: indices 1..0xFE name blocks (0 and 0xFF are operations). */
  OT_GUARD(uint_of(c, k, 0xFE, "a measurement index", &idx));
  if (idx == 0) return failf(c, k, OT_E_MALFORMED, "measurement index 0 is not a block");
  if (d->meas_count == OT_TSM_POLICY_MAX_MEAS)
    return failf(c, k, OT_E_TOO_LARGE, "more than %u reference measurements",
                 OT_TSM_POLICY_MAX_MEAS);
  for (size_t i = 0; i < d->meas_count; i++)
    if (d->meas[i].index == idx)
      return failf(c, k, OT_E_MALFORMED, "measurement index %lu appears twice", idx);
  OT_GUARD(want(c, v, YAML_SCALAR_NODE, "a reference measurement"));
  const char *s = scalar(v);
  size_t len = v->data.scalar.length;
  if (len == 0 || len % 2 != 0 || len / 2 > OT_TSM_POLICY_VALUE_MAX)
    return failf(c, v, OT_E_MALFORMED,
                 "a reference measurement is an even number of hex digits, 2 to %u",
                 2u * OT_TSM_POLICY_VALUE_MAX);
  ot_tsm_ref_meas m = {.index = (uint8_t)idx, .len = (uint8_t)(len / 2)};
  for (size_t i = 0; i < len; i += 2) {
    int hi = hexval(s[i]), lo = hexval(s[i + 1]);
    if (hi < 0 || lo < 0)
      return failf(c, v, OT_E_MALFORMED, "reference measurement %lu is not hex", idx);
    m.value[i / 2] = (uint8_t)(hi << 4 | lo);
  }
  /* Keep ascending index order. */
  size_t at = d->meas_count;
  while (at > 0 && d->meas[at - 1].index > m.index) {
    d->meas[at] = d->meas[at - 1];
    at--;
  }
  d->meas[at] = m;
  d->meas_count++;
  return OT_SUCCESS;
}

static ot_status guests_list(pctx *c, ot_tsm_policy_device *d, yaml_node_t *seq) {
  OT_GUARD(want(c, seq, YAML_SEQUENCE_NODE, "guests"));
  for (yaml_node_item_t *i = seq->data.sequence.items.start; i < seq->data.sequence.items.top;
       i++) {
    yaml_node_t *n = NULL;
    OT_GUARD(node(c, seq, *i, &n));
    if (d->guest_count == OT_TSM_POLICY_MAX_GUESTS)
      return failf(c, n, OT_E_TOO_LARGE, "more than %u guests", OT_TSM_POLICY_MAX_GUESTS);
    char g[OT_TSM_NAME_MAX];
    OT_GUARD(name_of(c, n, "a guest name", g));
    for (size_t j = 0; j < d->guest_count; j++)
      if (strcmp(d->guests[j], g) == 0)
        return failf(c, n, OT_E_MALFORMED, "guest \"%s\" is listed twice", g);
    memcpy(d->guests[d->guest_count++], g, sizeof(g));
  }
  return OT_SUCCESS;
}

static ot_status device_pair(pctx *c, void *obj, const yaml_node_t *k, yaml_node_t *v) {
  ot_tsm_policy_device *d = obj;
  if (key_is(k, "name")) return name_of(c, v, "a device name", d->name);
  if (key_is(k, "measurements")) return each_pair(c, v, "measurements", d, meas_pair);
  if (key_is(k, "guests")) return guests_list(c, d, v);
  return failf(c, k, OT_E_MALFORMED,
               "unknown key \"%s\" in a device (known: name, measurements, guests)", scalar(k));
}

static ot_status devices_list(pctx *c, yaml_node_t *seq) {
  OT_GUARD(want(c, seq, YAML_SEQUENCE_NODE, "devices"));
  for (yaml_node_item_t *i = seq->data.sequence.items.start; i < seq->data.sequence.items.top;
       i++) {
    yaml_node_t *n = NULL;
    OT_GUARD(node(c, seq, *i, &n));
    if (c->p->device_count == OT_TSM_POLICY_MAX_DEVICES)
      return failf(c, n, OT_E_TOO_LARGE, "more than %u devices", OT_TSM_POLICY_MAX_DEVICES);
    ot_tsm_policy_device *d = &c->p->devices[c->p->device_count];
    memset(d, 0, sizeof(*d));
    OT_GUARD(each_pair(c, n, "a device", d, device_pair));
    if (d->name[0] == '\0') return failf(c, n, OT_E_MALFORMED, "a device has no name");
    for (size_t j = 0; j < c->p->device_count; j++)
      if (strcmp(c->p->devices[j].name, d->name) == 0)
        return failf(c, n, OT_E_MALFORMED, "device \"%s\" is listed twice", d->name);
    c->p->device_count++;
  }
  return OT_SUCCESS;
}

static ot_status anchors_list(pctx *c, yaml_node_t *seq) {
  OT_GUARD(want(c, seq, YAML_SEQUENCE_NODE, "trust_anchors"));
  for (yaml_node_item_t *i = seq->data.sequence.items.start; i < seq->data.sequence.items.top;
       i++) {
    yaml_node_t *n = NULL;
    OT_GUARD(node(c, seq, *i, &n));
    OT_GUARD(want(c, n, YAML_SCALAR_NODE, "a trust anchor path"));
    if (c->p->anchor_count == OT_TSM_POLICY_MAX_ANCHORS)
      return failf(c, n, OT_E_TOO_LARGE, "more than %u trust anchors", OT_TSM_POLICY_MAX_ANCHORS);
    size_t len = n->data.scalar.length;
    if (len == 0 || len >= OT_TSM_POLICY_PATH_MAX || memchr(scalar(n), '\0', len) != NULL)
      return failf(c, n, OT_E_MALFORMED, "a trust anchor path must be 1 to %u characters",
                   OT_TSM_POLICY_PATH_MAX - 1u);
    memcpy(c->p->anchor_path[c->p->anchor_count], scalar(n), len + 1);
    c->p->anchor_count++;
  }
  return OT_SUCCESS;
}

typedef struct top_seen {
  bool version;
} top_seen;

static ot_status top_pair(pctx *c, void *obj, const yaml_node_t *k, yaml_node_t *v) {
  top_seen *t = obj;
  if (key_is(k, "version")) {
    unsigned long ver = 0;
    OT_GUARD(uint_of(c, v, 0xFFFF, "version", &ver));
    if (ver != OT_TSM_POLICY_VERSION)
      return failf(c, v, OT_E_MALFORMED, "policy version %lu is not supported (only %u)", ver,
                   OT_TSM_POLICY_VERSION);
    t->version = true;
    return OT_SUCCESS;
  }
  if (key_is(k, "trust_anchors")) return anchors_list(c, v);
  if (key_is(k, "spdm")) return each_pair(c, v, "spdm", NULL, spdm_pair);
  if (key_is(k, "devices")) return devices_list(c, v);
  return failf(c, k, OT_E_MALFORMED,
               "unknown key \"%s\" at the top (known: version, trust_anchors, spdm, devices)",
               scalar(k));
}

/* ---- anchor files ------------------------------------------------------------------- */

static ot_status load_anchor(pctx *c, size_t i, const char *base_dir) {
  ot_tsm_policy *p = c->p;
  char path[2 * OT_TSM_POLICY_PATH_MAX + 2];
  const char *rel = p->anchor_path[i];
  if (rel[0] == '/')
    snprintf(path, sizeof(path), "%s", rel);
  else
    snprintf(path, sizeof(path), "%s/%s", base_dir, rel);
  uint8_t raw[OT_TSM_POLICY_ANCHOR_MAX * 2];
  size_t n = 0;
  ot_status st = tsm_read_file(path, raw, sizeof(raw), &n);
  if (!ot_ok(st))
    return failf(c, NULL, ot_is(st, OT_E_TOO_LARGE) ? OT_E_TOO_LARGE : OT_E_IO,
                 "trust anchor %s: cannot read (%s)", path, ot_status_message(st));
  size_t der_len = n;
  if (n >= 10 && memcmp(raw, "-----BEGIN", 10) == 0) {
    st = tsm_pem_to_der((const char *)raw, n, p->anchor_der[i], OT_TSM_POLICY_ANCHOR_MAX, &der_len);
    if (!ot_ok(st)) return failf(c, NULL, OT_E_CERT, "trust anchor %s: bad PEM", path);
  } else {
    if (n > OT_TSM_POLICY_ANCHOR_MAX)
      return failf(c, NULL, OT_E_TOO_LARGE, "trust anchor %s: larger than %u bytes", path,
                   OT_TSM_POLICY_ANCHOR_MAX);
    memcpy(p->anchor_der[i], raw, n);
  }
  p->anchors[i] = (ot_x509_cert){.der = p->anchor_der[i], .len = der_len};
  if (!ot_ok(ot_x509_cert_check(&p->anchors[i])))
    return failf(c, NULL, OT_E_CERT, "trust anchor %s: not one DER X.509 certificate", path);
  return OT_SUCCESS;
}

/* ---- entry points ------------------------------------------------------------------- */

void ot_tsm_policy_init(ot_tsm_policy *p) {
  memset(p, 0, sizeof(*p));
  /* Any version may authenticate; connecting needs 1.2 (connect.c). */
  p->min_version = OT_SPDM_VERSION_10;
  p->algs = ot_spdm_alg_prefs_all;
}

static ot_status parse_doc(pctx *c, const char *base_dir) {
  yaml_node_t *root = yaml_document_get_root_node(c->doc);
  if (root == NULL) return failf(c, NULL, OT_E_MALFORMED, "the policy is empty");
  c->nodes = (size_t)(c->doc->nodes.top - c->doc->nodes.start);
  c->seen = calloc(c->nodes ? c->nodes : 1, 1);
  if (c->seen == NULL) return failf(c, NULL, OT_E_NOMEM, "out of memory");
  c->seen[root - c->doc->nodes.start] = 1;
  top_seen t = {0};
  OT_GUARD(each_pair(c, root, "the policy", &t, top_pair));
  if (!t.version) return failf(c, root, OT_E_MALFORMED, "the policy has no \"version\" key");
  if (base_dir == NULL) return OT_SUCCESS;
  for (size_t i = 0; i < c->p->anchor_count; i++)
    OT_GUARD(load_anchor(c, i, base_dir));
  c->p->anchors_loaded = true;
  return OT_SUCCESS;
}

OT_RESULT ot_tsm_policy_parse(ot_tsm_policy *p, const char *text, size_t len, const char *base_dir,
                              ot_tsm_policy_error *err) {
  OT_ENSURE(p && err && (text || len == 0), OT_E_ARG);
  memset(err, 0, sizeof(*err));
  pctx c = {.err = err};
  if (len > OT_TSM_POLICY_TEXT_MAX)
    return failf(&c, NULL, OT_E_TOO_LARGE, "the policy is larger than %u bytes",
                 OT_TSM_POLICY_TEXT_MAX);
  ot_tsm_policy *tmp = malloc(sizeof(*tmp));
  if (tmp == NULL) return failf(&c, NULL, OT_E_NOMEM, "out of memory");
  ot_tsm_policy_init(tmp);
  c.p = tmp;
  /* The shared loader (opentsm/yaml_doc.h): UTF-8, syntax, one document, no
   * aliases, no key twice, bounded depth and scalars. */
  ot_yaml_limits lim = OT_YAML_LIMITS_DEFAULT;
  lim.max_bytes = OT_TSM_POLICY_TEXT_MAX;
  lim.max_depth = 8; /* top, devices, a device, its measurements: 4 used */
  ot_yaml_doc doc;
  ot_yaml_error yerr;
  ot_status st = ot_yaml_load(&doc, text, len, &lim, &yerr);
  if (!ot_ok(st)) {
    err->line = yerr.line;
    err->column = yerr.column;
    snprintf(err->msg, sizeof(err->msg), "%s", yerr.msg);
    goto out_free;
  }
  c.doc = &doc.doc;
  st = parse_doc(&c, base_dir);
  if (ot_ok(st)) {
    *p = *tmp;
    /* Anchors point into the policy's own storage. */
    for (size_t i = 0; i < p->anchor_count; i++)
      if (p->anchors_loaded) p->anchors[i].der = p->anchor_der[i];
  }
  free(c.seen);
  ot_yaml_free(&doc);
out_free:
  free(tmp);
  return st;
}

OT_RESULT ot_tsm_policy_load(ot_tsm_policy *p, const char *path, ot_tsm_policy_error *err) {
  OT_ENSURE(p && path && err, OT_E_ARG);
  memset(err, 0, sizeof(*err));
  char *text = malloc(OT_TSM_POLICY_TEXT_MAX + 1u);
  OT_ENSURE(text != NULL, OT_E_NOMEM);
  size_t n = 0;
  ot_status st = tsm_read_file(path, (uint8_t *)text, OT_TSM_POLICY_TEXT_MAX + 1u, &n);
  if (!ot_ok(st)) {
    snprintf(err->msg, sizeof(err->msg), "%s: cannot read (%s)", path, ot_status_message(st));
    free(text);
    return ot_is(st, OT_E_TOO_LARGE) ? st : ot_status_of(OT_E_IO);
  }
  char dir[OT_TSM_POLICY_PATH_MAX];
  const char *slash = strrchr(path, '/');
  if (slash == NULL)
    snprintf(dir, sizeof(dir), ".");
  else
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path == 0 ? 1 : slash - path), path);
  st = ot_tsm_policy_parse(p, text, n, dir, err);
  free(text);
  return st;
}

const ot_tsm_policy_device *ot_tsm_policy_find_device(const ot_tsm_policy *p, const char *name) {
  if (p == NULL || name == NULL) return NULL;
  for (size_t i = 0; i < p->device_count; i++)
    if (strcmp(p->devices[i].name, name) == 0) return &p->devices[i];
  return NULL;
}

bool ot_tsm_policy_guest_allowed(const ot_tsm_policy_device *dev, const char *guest) {
  if (dev == NULL || guest == NULL) return false;
  for (size_t i = 0; i < dev->guest_count; i++)
    if (strcmp(dev->guests[i], guest) == 0) return true;
  return false;
}
