/* SPDX-License-Identifier: BSD-3-Clause */
/* The TSM's further identity slots; see cli_req_slots.h. */
#include "cli_req_slots.h"

#include <stdio.h>
#include <string.h>

#include "opentsm/secure.h"

/* Copies p[0..n) as a string into out (cap bytes); false if empty or too long. */
static bool take(const char *p, size_t n, char *out, size_t cap) {
  if (n == 0 || n >= cap) return false;
  memcpy(out, p, n);
  out[n] = '\0';
  return true;
}

bool cli_req_slot_parse(const char *arg, cli_usage_parse_fn usage, cli_req_slot *out) {
  cli_req_slot r;
  memset(&r, 0, sizeof(r));
  if (arg == NULL || arg[0] < '1' || arg[0] > '7' || arg[1] != ':') return false;
  r.slot = (uint8_t)(arg[0] - '0');
  const char *p = arg + 2;
  size_t n = strcspn(p, ":");
  if (p[n] != ':' || !take(p, n, r.chain, sizeof(r.chain))) return false;
  p += n + 1;
  n = strcspn(p, ",:");
  if (p[n] == ':' || !take(p, n, r.key, sizeof(r.key))) return false;
  p += n;
  if (*p == ',') {
    static const char opt[] = ",usage=";
    if (strncmp(p, opt, sizeof(opt) - 1) != 0 || !usage(p + sizeof(opt) - 1, &r.key_usage))
      return false;
  }
  *out = r;
  return true;
}

/* The index of an earlier key with the same public key as keys[k], or k. */
static size_t same_key(const ot_spdm_identity *id, size_t k) {
  const ot_spdm_id_key *a = &id->keys[k];
  for (size_t j = 0; j < OT_SPDM_ID_MAX_KEYS; j++) {
    const ot_spdm_id_key *b = &id->keys[j];
    if (j != k && b->present && b->curve == a->curve &&
        memcmp(a->pub, b->pub, sizeof(a->pub)) == 0)
      return j;
  }
  return k;
}

OT_RESULT cli_req_slots_load(ot_spdm_identity *id, const cli_req_slot *s, size_t n, char *why,
                             size_t cap) {
  OT_ENSURE(id && (s || n == 0) && n <= CLI_REQ_SLOTS_MAX, OT_E_ARG);
  for (size_t i = 0; i < n; i++) {
    const cli_req_slot *r = &s[i];
    if (r->slot == 0 || r->slot >= OT_SPDM_MAX_SLOT_COUNT || id->slots[r->slot].present) {
      snprintf(why, cap, "slot %u given twice or out of range", r->slot);
      OT_BAIL(OT_E_ARG);
    }
    size_t k = 0;
    while (k < OT_SPDM_ID_MAX_KEYS && id->keys[k].present)
      k++;
    if (k == OT_SPDM_ID_MAX_KEYS) {
      snprintf(why, cap, "slot %u: more than %u distinct keys", r->slot,
               (unsigned)OT_SPDM_ID_MAX_KEYS);
      OT_BAIL(OT_E_NO_SPACE);
    }
    /* DSP0274 1.3 KeyPairID: 1..TotalKeyPairs, one per key (slot 0's is 1). */
    ot_status st =
        ot_spdm_identity_load_files(id, r->slot, k, (uint8_t)(k + 1), r->chain, r->key);
    if (!ot_ok(st)) {
      snprintf(why, cap, "--req-slot %u:%s:%s: %s", r->slot, r->chain, r->key,
               ot_status_message(st));
      return st;
    }
    /* The same key pair under another slot: one key, one KeyPairID. */
    size_t j = same_key(id, k);
    if (j != k) {
      id->slots[r->slot].key = (uint8_t)j;
      ot_zeroize(&id->keys[k], sizeof(id->keys[k]));
    }
    if (r->key_usage) id->slots[r->slot].key_usage = r->key_usage;
  }
  return OT_SUCCESS;
}
