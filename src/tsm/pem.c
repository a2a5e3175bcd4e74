/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One PEM certificate to DER (RFC 7468 §2 "strict" textual encoding of a
 * "CERTIFICATE" label, base64 per RFC 4648 §4), for trust anchor files.
 */
#include <string.h>

#include "tsm_internal.h"

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END "-----END CERTIFICATE-----"

static int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

static const char *find(const char *s, size_t len, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp(s + i, needle, n) == 0) return s + i;
  return NULL;
}

ot_status tsm_pem_to_der(const char *text, size_t len, uint8_t *der, size_t cap, size_t *der_len) {
  const char *b = find(text, len, PEM_BEGIN);
  OT_ENSURE(b != NULL, OT_E_MALFORMED);
  b += strlen(PEM_BEGIN);
  const char *e = find(b, len - (size_t)(b - text), PEM_END);
  OT_ENSURE(e != NULL, OT_E_MALFORMED);
  uint32_t acc = 0;
  unsigned bits = 0, pad = 0;
  size_t n = 0;
  for (const char *c = b; c < e; c++) {
    if (*c == '\r' || *c == '\n' || *c == ' ' || *c == '\t') continue;
    if (*c == '=') { /* RFC 4648 §3.2: padding only at the end */
      pad++;
      continue;
    }
    int v = b64_value(*c);
    OT_ENSURE(v >= 0 && pad == 0, OT_E_MALFORMED);
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      OT_ENSURE(n < cap, OT_E_TOO_LARGE);
      der[n++] = (uint8_t)(acc >> bits);
    }
  }
  OT_ENSURE(pad <= 2 && n > 0, OT_E_MALFORMED);
  *der_len = n;
  return OT_SUCCESS;
}
