/* SPDX-License-Identifier: BSD-3-Clause */
/* Byte captures and the key-exposure audit: see opentsm/sim_link.h. */
#include <stdlib.h>
#include <string.h>

#include "opentsm/sim_link.h"

void ot_sim_capture_init(ot_sim_capture *c) { memset(c, 0, sizeof *c); }

void ot_sim_capture_free(ot_sim_capture *c) {
  free(c->data);
  free(c->recs);
  memset(c, 0, sizeof *c);
}

/* Grows *buf to hold `need` elements of `size` bytes, doubling. */
static bool grow(void **buf, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return true;
  size_t n = *cap ? *cap : 64;
  while (n < need) {
    if (n > SIZE_MAX / 2 / size) return false;
    n *= 2;
  }
  void *nb = realloc(*buf, n * size);
  if (nb == NULL) return false;
  *buf = nb;
  *cap = n;
  return true;
}

ot_status ot_sim_capture_append(ot_sim_capture *c, uint64_t time_ns, uint8_t dir,
                                const uint8_t *bytes, size_t len) {
  OT_ENSURE(!c->failed, OT_E_NOMEM);
  OT_ENSURE(bytes != NULL || len == 0, OT_E_ARG);
  void *data = c->data, *recs = c->recs;
  bool ok = len <= SIZE_MAX - c->len && grow(&data, &c->cap, c->len + len, 1);
  c->data = data;
  ok = ok && grow(&recs, &c->rec_cap, c->count + 1, sizeof *c->recs);
  c->recs = recs;
  if (!ok) {
    c->failed = true;
    OT_BAIL(OT_E_NOMEM);
  }
  if (len > 0) memcpy(c->data + c->len, bytes, len);
  c->recs[c->count++] = (ot_sim_capture_rec){time_ns, c->len, len, dir};
  c->len += len;
  return OT_SUCCESS;
}

bool ot_sim_capture_find(const ot_sim_capture *c, const uint8_t *secret, size_t len, size_t *rec,
                         size_t *off) {
  if (len == 0 || secret == NULL || c->len < len) return false;
  for (size_t at = 0; at + len <= c->len; at++) {
    const uint8_t *p = memchr(c->data + at, secret[0], c->len - len + 1 - at);
    if (p == NULL) return false;
    at = (size_t)(p - c->data);
    if (memcmp(p, secret, len) != 0) continue;
    /* Records are in data order: the last one starting at or before `at` holds it. */
    size_t lo = 0, hi = c->count;
    while (hi - lo > 1) {
      size_t mid = lo + (hi - lo) / 2;
      if (c->recs[mid].off <= at) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    /* Empty records share an offset with the next one: step to the one that holds bytes. */
    while (lo + 1 < c->count && c->recs[lo].len == 0 && c->recs[lo + 1].off <= at)
      lo++;
    if (rec != NULL) *rec = lo;
    if (off != NULL) *off = at - c->recs[lo].off;
    return true;
  }
  return false;
}

void ot_sim_audit_init(ot_sim_audit *a) { memset(a, 0, sizeof *a); }

ot_status ot_sim_audit_add(ot_sim_audit *a, const char *name, const ot_sim_capture *c) {
  OT_ENSURE(a != NULL && name != NULL && c != NULL, OT_E_ARG);
  OT_ENSURE(a->count < OT_SIM_AUDIT_MAX, OT_E_NO_SPACE);
  a->captures[a->count] = c;
  a->names[a->count] = name;
  a->count++;
  return OT_SUCCESS;
}

bool ot_sim_audit_scan(const ot_sim_audit *a, const uint8_t *secret, size_t len,
                       ot_sim_exposure *hit) {
  for (size_t i = 0; i < a->count; i++) {
    size_t rec = 0, off = 0;
    bool failed = a->captures[i]->failed;
    if (!failed && !ot_sim_capture_find(a->captures[i], secret, len, &rec, &off)) continue;
    if (hit != NULL) {
      hit->where = a->names[i];
      hit->record = failed ? SIZE_MAX : rec;
      hit->offset = failed ? 0 : off;
    }
    return true;
  }
  return false;
}
