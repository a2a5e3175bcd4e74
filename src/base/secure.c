/* SPDX-License-Identifier: BSD-3-Clause */
/* Zeroization, constant-time compare and the secret registry: see opentsm/secure.h. */
#include "opentsm/secure.h"

#include <string.h>

#if defined(OT_FIRMWARE) && OT_FIRMWARE
/* The firmware profile serves one request at a time on one thread of control
 * (firmware/fw_device.h): the registry needs no lock, and no thread library. */
#define REGISTRY_LOCK() ((void)0)
#define REGISTRY_UNLOCK() ((void)0)
#else
#include <pthread.h>
static pthread_mutex_t marks_lock = PTHREAD_MUTEX_INITIALIZER;
#define REGISTRY_LOCK() pthread_mutex_lock(&marks_lock)
#define REGISTRY_UNLOCK() pthread_mutex_unlock(&marks_lock)
#endif

/*
 * Calling memset through a volatile function pointer stops the compiler from
 * proving the store dead and removing it (the buffer is usually freed or goes
 * out of scope right after).
 */
static void *(*const volatile memset_v)(void *, int, size_t) = memset;

void ot_zeroize(void *p, size_t n) {
  if (p && n) memset_v(p, 0, n);
}

bool ot_ct_equal(const void *a, const void *b, size_t n) {
  const volatile uint8_t *x = a;
  const volatile uint8_t *y = b;
  uint32_t diff = 0;
  for (size_t i = 0; i < n; i++)
    diff |= (uint32_t)(x[i] ^ y[i]);
  return ot_ct_is_zero_mask(diff) != 0;
}

struct mark {
  uintptr_t start;
  size_t len;
};

static struct mark marks[OT_SECRET_MAX_MARKS];
static size_t marks_used;

ot_status ot_secret_mark(const void *p, size_t n) {
  OT_ENSURE(p != NULL && n != 0, OT_E_ARG);
  ot_status st = OT_SUCCESS;
  REGISTRY_LOCK();
  if (marks_used == OT_SECRET_MAX_MARKS) {
    st = ot_status_of(OT_E_NO_SPACE);
  } else {
    marks[marks_used].start = (uintptr_t)p;
    marks[marks_used].len = n;
    marks_used++;
  }
  REGISTRY_UNLOCK();
  return st;
}

void ot_secret_unmark(const void *p, size_t n) {
  REGISTRY_LOCK();
  /* Newest first: marks are mostly released in the reverse order of their making. */
  for (size_t i = marks_used; i-- > 0;) {
    if (marks[i].start == (uintptr_t)p && marks[i].len == n) {
      marks[i] = marks[--marks_used];
      break;
    }
  }
  REGISTRY_UNLOCK();
}

void ot_secret_wipe(void *p, size_t n) {
  ot_zeroize(p, n);
  ot_secret_unmark(p, n);
}

bool ot_secret_overlaps(const void *p, size_t n) {
  if (!p || !n) return false;
  uintptr_t s = (uintptr_t)p;
  uintptr_t e = s + n;
  bool hit = false;
  REGISTRY_LOCK();
  for (size_t i = 0; i < marks_used && !hit; i++) {
    uintptr_t ms = marks[i].start;
    uintptr_t me = ms + marks[i].len;
    hit = s < me && ms < e;
  }
  REGISTRY_UNLOCK();
  return hit;
}

size_t ot_secret_mark_count(void) {
  REGISTRY_LOCK();
  size_t n = marks_used;
  REGISTRY_UNLOCK();
  return n;
}
