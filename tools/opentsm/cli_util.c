/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the CLI's subcommands (see cli_util.h). */
#define _POSIX_C_SOURCE 200809L
#include "cli_util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opentsm/cursor.h"
#include "opentsm/secure.h"

bool cli_parse_u64(const char *s, uint64_t max, uint64_t *out) {
  if (s == NULL || *s < '0' || *s > '9') return false;
  errno = 0;
  char *end = NULL;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v > max) return false;
  *out = (uint64_t)v;
  return true;
}

bool cli_parse_hostport(const char *s, char *host, size_t host_cap, uint16_t *port) {
  if (s == NULL || host_cap < 16) return false;
  const char *p;
  size_t hlen;
  if (s[0] == '[') {
    const char *close = strchr(s, ']');
    if (close == NULL || close[1] != ':') return false;
    hlen = (size_t)(close - s - 1);
    memmove(host, s + 1, hlen < host_cap ? hlen : 0);
    p = close + 2;
  } else {
    const char *colon = strrchr(s, ':');
    if (colon == NULL) {
      hlen = 0;
      p = s;
    } else {
      hlen = (size_t)(colon - s);
      if (hlen < host_cap) memcpy(host, s, hlen);
      p = colon + 1;
    }
  }
  if (hlen >= host_cap) return false;
  host[hlen] = '\0';
  if (hlen == 0) snprintf(host, host_cap, "127.0.0.1");
  uint64_t v;
  if (!cli_parse_u64(p, 65535, &v)) return false;
  *port = (uint16_t)v;
  return true;
}

OT_RESULT cli_rng_init(cli_rng *r, bool has_seed, uint64_t seed, const char *purpose) {
  memset(r, 0, sizeof(*r));
  if (!has_seed) return OT_SUCCESS;
  /* A seed is a reproducibility knob, not entropy: its 8 bytes are spread
   * over the DRBG's minimum inputs, the purpose keeps streams apart. */
  uint8_t e[OT_DRBG_MIN_ENTROPY + OT_DRBG_MIN_NONCE];
  for (size_t i = 0; i < sizeof(e); i++)
    e[i] = (uint8_t)(seed >> (8 * (i % 8)));
  ot_status st = ot_drbg_instantiate(&r->drbg, e, OT_DRBG_MIN_ENTROPY, e + OT_DRBG_MIN_ENTROPY,
                                     OT_DRBG_MIN_NONCE, (const uint8_t *)purpose, strlen(purpose));
  ot_zeroize(e, sizeof(e));
  if (ot_ok(st)) r->seeded = true;
  return st;
}

ot_rng *cli_rng_get(cli_rng *r) { return r->seeded ? &r->drbg.rng : ot_rng_os(); }

void cli_rng_free(cli_rng *r) {
  if (r->seeded) ot_drbg_uninstantiate(&r->drbg);
  r->seeded = false;
}

OT_RESULT cli_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len) {
  FILE *f = fopen(path, "rb");
  OT_ENSURE(f != NULL, OT_E_IO);
  size_t n = fread(buf, 1, cap, f);
  int extra = fgetc(f);
  bool err = ferror(f) != 0;
  fclose(f);
  OT_ENSURE(!err, OT_E_IO);
  OT_ENSURE(extra == EOF, OT_E_TOO_LARGE);
  *len = n;
  return OT_SUCCESS;
}

OT_RESULT cli_write_file(const char *path, const uint8_t *data, size_t len, unsigned mode,
                         bool force) {
  int flags = O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL);
  int fd = open(path, flags, (mode_t)mode);
  if (fd < 0) return ot_status_of(errno == EEXIST ? OT_E_EXISTS : OT_E_IO);
  /* An existing file overwritten with --force keeps its old mode otherwise. */
  bool ok = fchmod(fd, (mode_t)mode) == 0;
  size_t off = 0;
  while (ok && off < len) {
    ssize_t w = write(fd, data + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      ok = false;
    else
      off += (size_t)w;
  }
  if (close(fd) != 0) ok = false;
  return ok ? OT_SUCCESS : ot_status_of(OT_E_IO);
}

/* ---- DER, just enough to reach a certificate's subject (X.690 §8.1) -------- */

/* Reads one TLV header with tag `tag`; *body gets its contents. */
static ot_status der_next(ot_reader *r, uint8_t tag, ot_reader *body) {
  uint8_t t, l0;
  OT_GUARD(ot_read_u8(r, &t));
  OT_ENSURE(t == tag, OT_E_MALFORMED);
  OT_GUARD(ot_read_u8(r, &l0));
  size_t len = l0;
  if (l0 & 0x80u) {
    size_t n = l0 & 0x7Fu;
    /* X.690 §10.1: definite, minimal; four length bytes are plenty here. */
    OT_ENSURE(n >= 1 && n <= 4, OT_E_MALFORMED);
    len = 0;
    for (size_t i = 0; i < n; i++) {
      uint8_t b;
      OT_GUARD(ot_read_u8(r, &b));
      OT_ENSURE(!(i == 0 && b == 0), OT_E_MALFORMED);
      len = (len << 8) | b;
    }
    OT_ENSURE(len >= 0x80, OT_E_MALFORMED);
  }
  return ot_read_sub(r, len, body);
}

/* Skips one TLV of any tag (single-byte tags only, as in certificates). */
static ot_status der_skip(ot_reader *r) {
  OT_ENSURE(ot_reader_remaining(r) >= 1, OT_E_TRUNCATED);
  ot_reader body;
  return der_next(r, r->data[r->off], &body);
}

static void append(char *out, size_t cap, size_t *pos, const char *s, size_t n) {
  for (size_t i = 0; i < n && *pos + 1 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    out[(*pos)++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
  }
  out[*pos] = '\0';
}

/* RFC 5280 §4.1.2.4 attribute names for the id-at arc 2.5.4.x. */
static const char *attr_name(const uint8_t *oid, size_t len) {
  if (len != 3 || oid[0] != 0x55 || oid[1] != 0x04) return NULL;
  switch (oid[2]) {
  case 3: return "CN";
  case 5: return "serialNumber";
  case 6: return "C";
  case 7: return "L";
  case 8: return "ST";
  case 10: return "O";
  case 11: return "OU";
  default: return NULL;
  }
}

/* Dotted form of an OID (X.690 §8.19). */
static void oid_dotted(const uint8_t *oid, size_t len, char *out, size_t cap) {
  size_t pos = 0;
  uint64_t v = 0;
  out[0] = '\0';
  for (size_t i = 0; i < len; i++) {
    v = (v << 7) | (oid[i] & 0x7Fu);
    if (oid[i] & 0x80u) continue;
    char part[48];
    if (pos == 0)
      snprintf(part, sizeof(part), "%u.%llu", v < 80 ? (unsigned)(v / 40) : 2u,
               (unsigned long long)(v < 80 ? v % 40 : v - 80));
    else
      snprintf(part, sizeof(part), ".%llu", (unsigned long long)v);
    append(out, cap, &pos, part, strlen(part));
    v = 0;
  }
}

OT_RESULT cli_cert_subject(const uint8_t *der, size_t len, char *out, size_t cap) {
  OT_ENSURE(der && out && cap > 0, OT_E_ARG);
  out[0] = '\0';
  ot_reader r, cert, tbs, name;
  ot_reader_init(&r, der, len);
  /* RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate, ... } */
  OT_GUARD(der_next(&r, 0x30, &cert));
  OT_GUARD(der_next(&cert, 0x30, &tbs));
  /* version [0] EXPLICIT (optional), serialNumber, signature, issuer, validity */
  if (ot_reader_remaining(&tbs) > 0 && tbs.data[tbs.off] == 0xA0) OT_GUARD(der_skip(&tbs));
  for (int i = 0; i < 4; i++)
    OT_GUARD(der_skip(&tbs));
  OT_GUARD(der_next(&tbs, 0x30, &name)); /* subject Name: SEQUENCE OF RDN SET */
  char tmp[256];
  size_t tpos = 0;
  tmp[0] = '\0';
  while (ot_reader_remaining(&name) > 0) {
    ot_reader rdn;
    OT_GUARD(der_next(&name, 0x31, &rdn));
    while (ot_reader_remaining(&rdn) > 0) {
      ot_reader atv, oid;
      OT_GUARD(der_next(&rdn, 0x30, &atv));
      OT_GUARD(der_next(&atv, 0x06, &oid));
      OT_ENSURE(ot_reader_remaining(&atv) >= 2, OT_E_TRUNCATED);
      ot_reader val;
      OT_GUARD(der_next(&atv, atv.data[atv.off], &val));
      const uint8_t *o = oid.data + oid.off, *v = val.data + val.off;
      size_t olen = ot_reader_remaining(&oid), vlen = ot_reader_remaining(&val);
      char dotted[64];
      const char *an = attr_name(o, olen);
      if (an == NULL) {
        oid_dotted(o, olen, dotted, sizeof(dotted));
        an = dotted;
      }
      if (tpos > 0) append(tmp, sizeof(tmp), &tpos, ",", 1);
      append(tmp, sizeof(tmp), &tpos, an, strlen(an));
      append(tmp, sizeof(tmp), &tpos, "=", 1);
      append(tmp, sizeof(tmp), &tpos, (const char *)v, vlen);
    }
  }
  snprintf(out, cap, "%s", tmp);
  return OT_SUCCESS;
}

void cli_hex(const uint8_t *data, size_t len, char *out, size_t cap) {
  static const char digits[] = "0123456789abcdef";
  size_t pos = 0;
  for (size_t i = 0; i < len && pos + 2 < cap; i++) {
    out[pos++] = digits[data[i] >> 4];
    out[pos++] = digits[data[i] & 0xFu];
  }
  if (cap > 0) out[pos] = '\0';
}

void cli_json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}
