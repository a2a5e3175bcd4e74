/* SPDX-License-Identifier: BSD-3-Clause */
/* The PSK options of `opentsm connect` and `opentsm device`: see cli_psk.h. */
#include "cli_psk.h"

#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "opentsm/secure.h"

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Hex digits of s[0..n) into out[0..cap), whitespace skipped; false for any
 * other character, an odd count, nothing, or more than cap bytes. */
static bool unhex(const char *s, size_t n, uint8_t *out, size_t cap, size_t *len) {
  size_t k = 0;
  int hi = -1;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    int v = hexval(c);
    if (v < 0) return false;
    if (hi < 0) {
      hi = v;
      continue;
    }
    if (k >= cap) return false;
    out[k++] = (uint8_t)(hi << 4 | v);
    hi = -1;
  }
  if (hi >= 0 || k == 0) return false;
  *len = k;
  return true;
}

static bool mark(cli_psk *p) {
  if (p->marked) return true;
  p->marked = ot_ok(ot_secret_mark(p->key, sizeof(p->key)));
  return p->marked;
}

static int set_key(cli_psk *p, const char *s, size_t n, const char *who, const char *what) {
  if (p->have_key) {
    fprintf(stderr, "%s: more than one --psk / --psk-file\n", who);
    return -1;
  }
  if (!mark(p)) {
    fprintf(stderr, "%s: cannot protect the PSK in memory\n", who);
    return -1;
  }
  if (!unhex(s, n, p->key, sizeof(p->key), &p->key_len)) {
    ot_zeroize(p->key, sizeof(p->key));
    fprintf(stderr, "%s: %s: want 1-%u bytes of hex\n", who, what, (unsigned)OT_SPDM_PSK_MAX);
    return -1;
  }
  p->have_key = true;
  return 1;
}

int cli_psk_option(cli_psk *p, const char *opt, char *val, const char *who) {
  if (strcmp(opt, "--psk") == 0) {
    int rc = set_key(p, val, strlen(val), who, "bad --psk");
    /* Blank the argument in argv: /proc/PID/cmdline shows argv's memory. */
    ot_zeroize(val, strlen(val));
    return rc;
  }
  if (strcmp(opt, "--psk-file") == 0) {
    char buf[4 * OT_SPDM_PSK_MAX + 64] = {0};
    size_t n = 0;
    if (!ot_ok(ot_secret_mark(buf, sizeof(buf)))) {
      fprintf(stderr, "%s: cannot protect the PSK in memory\n", who);
      return -1;
    }
    ot_status st = cli_read_file(val, (uint8_t *)buf, sizeof(buf), &n);
    int rc;
    if (!ot_ok(st)) {
      fprintf(stderr, "%s: --psk-file %s: %s\n", who, val, ot_status_message(st));
      rc = -1;
    } else {
      rc = set_key(p, buf, n, who, "bad --psk-file content");
    }
    ot_secret_wipe(buf, sizeof(buf));
    return rc;
  }
  bool hex = strcmp(opt, "--psk-hint-hex") == 0;
  if (hex || strcmp(opt, "--psk-hint") == 0) {
    if (p->have_hint) {
      fprintf(stderr, "%s: more than one --psk-hint\n", who);
      return -1;
    }
    size_t n = strlen(val);
    if (hex ? !unhex(val, n, p->hint, sizeof(p->hint), &p->hint_len)
            : (n == 0 || n > sizeof(p->hint))) {
      fprintf(stderr, "%s: bad %s (1-%u bytes)\n", who, opt, (unsigned)OT_SPDM_PSK_HINT_MAX);
      return -1;
    }
    if (!hex) {
      memcpy(p->hint, val, n);
      p->hint_len = n;
    }
    p->have_hint = true;
    return 1;
  }
  return 0;
}

bool cli_psk_ready(cli_psk *p, bool *bad, const char *who) {
  *bad = false;
  if (!p->have_key) {
    if (p->have_hint) {
      fprintf(stderr, "%s: --psk-hint needs --psk or --psk-file\n", who);
      *bad = true;
    }
    return false;
  }
  p->psk = (ot_spdm_psk){.hint = p->hint_len ? p->hint : NULL,
                         .hint_len = p->hint_len,
                         .key = p->key,
                         .key_len = p->key_len};
  return true;
}

/* DMTF's published sample PSK and PSKHint (libspdm's sample device secret
 * library: "TestPskData" and "TestPskHint", each sent with its terminating
 * NUL, 12 bytes). Public, like the sample private keys: only the DMTF-sample
 * device identity uses it. */
static const char sample_psk[] = "TestPskData";
static const char sample_psk_hint[] = "TestPskHint";

bool cli_psk_sample(cli_psk *p) {
  if (p->have_key || p->have_hint || !mark(p)) return false;
  memcpy(p->key, sample_psk, sizeof(sample_psk));
  p->key_len = sizeof(sample_psk);
  memcpy(p->hint, sample_psk_hint, sizeof(sample_psk_hint));
  p->hint_len = sizeof(sample_psk_hint);
  p->have_key = p->have_hint = true;
  return true;
}

void cli_psk_wipe(cli_psk *p) {
  if (p->marked)
    ot_secret_wipe(p->key, sizeof(p->key));
  else
    ot_zeroize(p->key, sizeof(p->key));
  ot_zeroize(p, sizeof(*p));
}
