/* SPDX-License-Identifier: BSD-3-Clause */
/* The device's key pair file; see cli_key_pairs.h. */
#define _POSIX_C_SOURCE 200809L
#include "cli_key_pairs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_state.h"
#include "cli_util.h"
#include "opentsm/secure.h"

static void say(char *why, size_t cap, const char *what) {
  if (why && cap) snprintf(why, cap, "%s", what);
}

OT_RESULT cli_key_pairs_load(cli_key_pairs *s, char *why, size_t cap) {
  OT_ENSURE(s && s->kp, OT_E_ARG);
  if (s->dir == NULL) return OT_SUCCESS;
  uint8_t *buf;
  size_t len;
  OT_GUARD(
      cli_read_state_file(s->dir, CLI_KEY_PAIRS_FILE, OT_SPDM_KP_SAVE_MAX, &buf, &len, why, cap));
  if (buf == NULL) return OT_SUCCESS; /* nothing changed yet */
  ot_status st;
  if (len > OT_SPDM_KP_SAVE_MAX) {
    say(why, cap, "too large for a key pair file");
    st = ot_status_of(OT_E_MALFORMED);
  } else {
    st = ot_spdm_key_pairs_load(s->kp, buf, len);
    if (ot_is(st, OT_E_VERIFY))
      say(why, cap, "checksum mismatch (damaged or truncated)");
    else if (!ot_ok(st))
      say(why, cap, "not this device's key pair file (layout, count or a key)");
  }
  ot_zeroize(buf, OT_SPDM_KP_SAVE_MAX + 1); /* it held private keys */
  free(buf);
  return st;
}

/* The table t's keys into the identities that sign (spdm_key_pairs.h
 * ot_spdm_key_pairs_to_identity): the running one, then the staged copy. */
static ot_status to_identities(cli_key_pairs *s, const ot_spdm_key_pairs *t) {
  if (s->id) OT_GUARD(ot_spdm_key_pairs_to_identity(t, s->id));
  if (s->state && s->state->staged) OT_GUARD(ot_spdm_key_pairs_to_identity(t, s->state->staged));
  return OT_SUCCESS;
}

ot_status cli_key_pairs_set(void *ctx, const ot_spdm_set_key_pair_info *req) {
  cli_key_pairs *s = ctx;
  OT_ENSURE(s && s->kp && req, OT_E_ARG);
  ot_spdm_key_pairs *next = malloc(sizeof(*next));
  uint8_t *buf = malloc(OT_SPDM_KP_SAVE_MAX);
  ot_status st = ot_status_of(OT_E_NOMEM);
  if (next && buf) {
    memcpy(next, s->kp, sizeof(*next));
    st = ot_spdm_key_pairs_apply(next, req, s->rng);
    /* A generated key signs from now on (GET_CSR, SET_CERTIFICATE for its
     * KeyPairID), and a usage change holds at once (DSP0274 1.3 §10.27:
     * this device needs no reset, SET_KEY_PAIR_RESET_CAP is not offered). */
    if (ot_ok(st)) st = to_identities(s, next);
    size_t len = 0;
    if (ot_ok(st) && s->dir) {
      st = ot_spdm_key_pairs_save(next, buf, OT_SPDM_KP_SAVE_MAX, &len);
      if (ot_ok(st)) st = cli_write_atomic(s->dir, CLI_KEY_PAIRS_FILE, buf, len);
    }
    /* Kept (or nothing to keep it in): the change holds from now on. Not
     * kept: the identities go back to the table as it was. */
    if (ot_ok(st))
      memcpy(s->kp, next, sizeof(*next));
    else
      OT_IGNORE(to_identities(s, s->kp));
  }
  if (next) {
    ot_spdm_key_pairs_clear(next);
    free(next);
  }
  if (buf) {
    ot_zeroize(buf, OT_SPDM_KP_SAVE_MAX);
    free(buf);
  }
  return st;
}

/* A hex number (optional 0x) up to max; the whole of s[0..n). */
static bool hex_field(const char *s, size_t n, uint32_t max, uint32_t *out) {
  if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s += 2;
    n -= 2;
  }
  if (n == 0 || n > 8) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    int c = s[i], d = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
    if (d < 0) return false;
    v = v * 16u + (uint64_t)d;
  }
  if (v > max) return false;
  *out = (uint32_t)v;
  return true;
}

static bool starts(const char *s, size_t n, const char *key) {
  size_t k = strlen(key);
  return n >= k && memcmp(s, key, k) == 0;
}

bool cli_parse_set_key_pair(const char *v, ot_spdm_set_key_pair_info *out) {
  ot_spdm_set_key_pair_info m = {0};
  char *end = NULL;
  if (v == NULL || v[0] < '0' || v[0] > '9') return false;
  unsigned long id = strtoul(v, &end, 10);
  if (end == v || *end != ':' || id == 0 || id > 255) return false;
  m.key_pair_id = (uint8_t)id;
  const char *p = end + 1;
  size_t n = strcspn(p, ",");
  if (n == 6 && memcmp(p, "change", 6) == 0)
    m.operation = OT_SPDM_KEY_PAIR_OP_CHANGE;
  else if (n == 5 && memcmp(p, "erase", 5) == 0)
    m.operation = OT_SPDM_KEY_PAIR_OP_ERASE;
  else if (n == 8 && memcmp(p, "generate", 8) == 0)
    m.operation = OT_SPDM_KEY_PAIR_OP_GENERATE;
  else
    return false;
  /* Bounded by the string: each pass consumes one comma-separated field. */
  for (p += n; *p == ','; p += n) {
    p++;
    n = strcspn(p, ",");
    uint32_t x = 0;
    if (starts(p, n, "usage=")) {
      if (!hex_field(p + 6, n - 6, 0xFFFFu, &x)) return false;
      m.desired_key_usage = (uint16_t)x;
    } else if (starts(p, n, "slots=")) {
      if (!hex_field(p + 6, n - 6, 0xFFu, &x)) return false;
      m.desired_assoc_cert_slot_mask = (uint8_t)x;
    } else if (starts(p, n, "algo=")) {
      static const struct {
        const char *name;
        uint32_t bit;
      } algos[] = {{"p256", OT_SPDM_KP_ALGO_ECC256},
                   {"p384", OT_SPDM_KP_ALGO_ECC384},
                   {"rsa2048", OT_SPDM_KP_ALGO_RSA2048},
                   {"rsa3072", OT_SPDM_KP_ALGO_RSA3072},
                   {"rsa4096", OT_SPDM_KP_ALGO_RSA4096}};
      bool named = false;
      for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
        if (n - 5 == strlen(algos[i].name) && memcmp(p + 5, algos[i].name, n - 5) == 0) {
          m.desired_asym_algo = algos[i].bit;
          named = true;
        }
      if (!named && !hex_field(p + 5, n - 5, UINT32_MAX, &m.desired_asym_algo)) return false;
    } else {
      return false;
    }
  }
  if (*p != '\0') return false;
  /* §10.27 Erase: nothing desired. */
  if (m.operation == OT_SPDM_KEY_PAIR_OP_ERASE &&
      (m.desired_key_usage || m.desired_asym_algo || m.desired_assoc_cert_slot_mask))
    return false;
  *out = m;
  return true;
}
