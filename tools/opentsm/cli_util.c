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

OT_RESULT cli_write_atomic(const char *dir, const char *name, const uint8_t *buf, size_t len) {
  OT_ENSURE(dir && name && (buf || len == 0), OT_E_ARG);
  char tmp[4096], final[4096];
  int a = snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name);
  int b = snprintf(final, sizeof(final), "%s/%s", dir, name);
  OT_ENSURE(a > 0 && (size_t)a < sizeof(tmp) && b > 0 && (size_t)b < sizeof(final), OT_E_ARG);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  OT_ENSURE(fd >= 0, OT_E_IO);
  ot_status st = OT_SUCCESS;
  size_t off = 0;
  while (ot_ok(st) && off < len) {
    ssize_t n = write(fd, buf + off, len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      st = ot_status_of(OT_E_IO);
    else
      off += (size_t)n;
  }
  if (ot_ok(st) && fsync(fd) != 0) st = ot_status_of(OT_E_IO);
  if (close(fd) != 0 && ot_ok(st)) st = ot_status_of(OT_E_IO);
  if (ot_ok(st) && rename(tmp, final) != 0) st = ot_status_of(OT_E_IO);
  if (!ot_ok(st)) {
    unlink(tmp);
    return st;
  }
  int dfd = open(dir, O_RDONLY);
  if (dfd >= 0) {
    (void)fsync(dfd); /* the rename itself durable; best effort */
    close(dfd);
  }
  return OT_SUCCESS;
}

OT_RESULT cli_read_state_file(const char *dir, const char *name, size_t max, uint8_t **out,
                              size_t *len, char *why, size_t cap) {
  OT_ENSURE(dir && name && out && len && max < SIZE_MAX, OT_E_ARG);
  *out = NULL;
  *len = 0;
  char path[4096];
  int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
  OT_ENSURE(n > 0 && (size_t)n < sizeof(path), OT_E_ARG);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    if (errno == ENOENT) return OT_SUCCESS;
    if (why && cap) snprintf(why, cap, "cannot open it");
    OT_BAIL(OT_E_IO);
  }
  uint8_t *buf = malloc(max + 1);
  if (buf == NULL) {
    fclose(f);
    OT_BAIL(OT_E_NOMEM);
  }
  size_t got = fread(buf, 1, max + 1, f);
  bool rerr = ferror(f) != 0;
  fclose(f);
  if (rerr) {
    ot_zeroize(buf, max + 1); /* a state file may hold keys */
    free(buf);
    if (why && cap) snprintf(why, cap, "read error");
    OT_BAIL(OT_E_IO);
  }
  *out = buf;
  *len = got;
  return OT_SUCCESS;
}
