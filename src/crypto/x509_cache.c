/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Decoded issuer certificates kept across validations (see ot_x509_cache in
 * opentsm/x509.h): a fixed table of OpenSSL X509 objects keyed by SHA-256 of
 * the DER they were decoded from. What is stored is a parse of exactly those
 * bytes, so a hit is the object d2i_X509 would have returned; trust is never
 * stored (x509_verify.c validates the whole path every time).
 */
#include "x509_internal.h"

#include <stdlib.h>
#include <string.h>

#define KEY_SIZE 32u /* SHA-256 */

typedef struct cache_entry {
  X509 *x; /* NULL: free slot */
  size_t len;
  uint8_t key[KEY_SIZE];
  uint64_t last_use;
} cache_entry;

struct ot_x509_cache {
  cache_entry e[OT_X509_CACHE_SLOTS];
  uint64_t tick;
  ot_x509_cache_stats stats;
};

ot_status ot_x509_cache_new(ot_x509_cache **out) {
  OT_ENSURE(out != NULL, OT_E_ARG);
  *out = calloc(1, sizeof(**out));
  OT_ENSURE(*out != NULL, OT_E_NOMEM);
  return OT_SUCCESS;
}

void ot_x509_cache_flush(ot_x509_cache *c) {
  if (c == NULL) return;
  for (size_t i = 0; i < OT_X509_CACHE_SLOTS; i++) {
    X509_free(c->e[i].x);
    memset(&c->e[i], 0, sizeof(c->e[i]));
  }
}

void ot_x509_cache_free(ot_x509_cache *c) {
  ot_x509_cache_flush(c);
  free(c);
}

size_t ot_x509_cache_count(const ot_x509_cache *c) {
  size_t n = 0;
  for (size_t i = 0; c != NULL && i < OT_X509_CACHE_SLOTS; i++)
    n += c->e[i].x != NULL;
  return n;
}

ot_x509_cache_stats ot_x509_cache_stats_get(const ot_x509_cache *c) {
  ot_x509_cache_stats none = {0};
  return c != NULL ? c->stats : none;
}

/* The key of cert's bytes; false if it cannot be computed (then no caching). */
static bool key_of(const ot_x509_cert *cert, uint8_t key[KEY_SIZE]) {
  return ot_ok(ot_hash(OT_HASH_SHA256, cert->der, cert->len, key, KEY_SIZE));
}

static cache_entry *find(ot_x509_cache *c, const ot_x509_cert *cert, const uint8_t *key) {
  for (size_t i = 0; i < OT_X509_CACHE_SLOTS; i++) {
    cache_entry *e = &c->e[i];
    if (e->x != NULL && e->len == cert->len && memcmp(e->key, key, KEY_SIZE) == 0) return e;
  }
  return NULL;
}

X509 *ot_x509_cache_take(ot_x509_cache *c, const ot_x509_cert *cert) {
  uint8_t key[KEY_SIZE];
  if (c == NULL || !key_of(cert, key)) return NULL;
  cache_entry *e = find(c, cert, key);
  if (e == NULL || X509_up_ref(e->x) != 1) {
    c->stats.misses++;
    return NULL;
  }
  e->last_use = ++c->tick;
  c->stats.hits++;
  return e->x;
}

void ot_x509_cache_keep(ot_x509_cache *c, const ot_x509_cert *cert, X509 *x) {
  uint8_t key[KEY_SIZE];
  if (c == NULL || x == NULL || !key_of(cert, key)) return;
  cache_entry *e = find(c, cert, key);
  if (e != NULL) { /* already kept (e.g. twice in one chain) */
    e->last_use = ++c->tick;
    return;
  }
  cache_entry *slot = &c->e[0];
  for (size_t i = 0; i < OT_X509_CACHE_SLOTS && slot->x != NULL; i++)
    if (c->e[i].x == NULL || c->e[i].last_use < slot->last_use) slot = &c->e[i];
  if (X509_up_ref(x) != 1) return; /* not kept: only a later decode is lost */
  if (slot->x != NULL) {
    X509_free(slot->x);
    c->stats.evicted++;
  }
  *slot = (cache_entry){.x = x, .len = cert->len, .last_use = ++c->tick};
  memcpy(slot->key, key, KEY_SIZE);
}
