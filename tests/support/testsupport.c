/* SPDX-License-Identifier: BSD-3-Clause */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint8_t *ts_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  uint8_t *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 65536;
      uint8_t *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    if (got == 0) break;
    n += got;
  }
  fclose(f);
  *len = n;
  return buf;
}

const char *ts_vector_path(const char *rel) {
  static char path[4096];
  snprintf(path, sizeof path, "%s/%s", OT_VECTOR_DIR, rel);
  return path;
}

uint8_t *ts_read_vector(const char *rel, size_t *len) {
  uint8_t *buf = ts_read_file(ts_vector_path(rel), len);
  if (!buf) fail_msg("missing test vector %s", ts_vector_path(rel));
  return buf;
}

static int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

uint8_t *ts_unhex(const char *hex, size_t *len) {
  size_t n = strlen(hex);
  if (n % 2) return NULL;
  uint8_t *out = malloc(n / 2 ? n / 2 : 1);
  if (!out) return NULL;
  for (size_t i = 0; i < n / 2; i++) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(out);
      return NULL;
    }
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  *len = n / 2;
  return out;
}
