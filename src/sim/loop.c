/* SPDX-License-Identifier: BSD-3-Clause */
/* The deterministic event loop: see opentsm/sim_loop.h. A binary min-heap on (when, seq). */
#include "opentsm/sim_loop.h"

#include <string.h>

static bool before(const ot_sim_event *a, const ot_sim_event *b) {
  return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void place(ot_sim_loop *l, size_t i, ot_sim_event *ev) {
  l->heap[i] = ev;
  ev->slot = i + 1;
}

static void sift_up(ot_sim_loop *l, size_t i) {
  ot_sim_event *ev = l->heap[i];
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!before(ev, l->heap[parent])) break;
    place(l, i, l->heap[parent]);
    i = parent;
  }
  place(l, i, ev);
}

static void sift_down(ot_sim_loop *l, size_t i) {
  ot_sim_event *ev = l->heap[i];
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= l->count) break;
    if (child + 1 < l->count && before(l->heap[child + 1], l->heap[child])) child++;
    if (!before(l->heap[child], ev)) break;
    place(l, i, l->heap[child]);
    i = child;
  }
  place(l, i, ev);
}

static void remove_at(ot_sim_loop *l, size_t i) {
  ot_sim_event *gone = l->heap[i];
  gone->slot = 0;
  l->count--;
  if (i == l->count) return;
  place(l, i, l->heap[l->count]);
  if (i > 0 && before(l->heap[i], l->heap[(i - 1) / 2])) {
    sift_up(l, i);
  } else {
    sift_down(l, i);
  }
}

/* Fires every event due at or before `limit`, each at its own time (never moving time back). */
static size_t fire_due(ot_sim_loop *l, uint64_t limit, size_t max_events, bool *more) {
  size_t n = 0;
  *more = false;
  l->running = true;
  while (l->count > 0 && l->heap[0]->when <= limit) {
    if (max_events != 0 && n == max_events) {
      *more = true;
      break;
    }
    ot_sim_event *ev = l->heap[0];
    remove_at(l, 0);
    if (ev->when > l->clock.now) l->clock.now = ev->when;
    l->settled = l->clock.now;
    l->fired++;
    n++;
    ev->fire(l, ev);
  }
  l->running = false;
  return n;
}

/*
 * The clock's sleep hook: someone slept from `settled` to `now`. Rewind to
 * `settled`, fire what fell due in between at its own time, end at `now`.
 */
static void on_sleep(ot_sim_clock *c, uint64_t now) {
  ot_sim_loop *l = (ot_sim_loop *)(void *)c;
  if (l->running) {
    l->settled = now; /* an event slept: time just moves on */
    return;
  }
  l->clock.now = l->settled;
  bool more;
  (void)fire_due(l, now, 0, &more);
  l->clock.now = now;
  l->settled = now;
}

void ot_sim_loop_init(ot_sim_loop *l, uint64_t start_ns) {
  memset(l, 0, sizeof *l);
  ot_sim_clock_init(&l->clock, start_ns);
  l->clock.on_sleep = on_sleep;
  l->settled = start_ns;
}

ot_status ot_sim_loop_schedule_at(ot_sim_loop *l, ot_sim_event *ev, uint64_t when) {
  OT_ENSURE(l != NULL && ev != NULL && ev->fire != NULL, OT_E_ARG);
  OT_ENSURE(when >= l->clock.now, OT_E_ARG);
  OT_ENSURE(ev->slot == 0, OT_E_EXISTS);
  OT_ENSURE(l->count < OT_SIM_LOOP_MAX_EVENTS, OT_E_NO_SPACE);
  ev->when = when;
  ev->seq = l->next_seq++;
  place(l, l->count, ev);
  l->count++;
  sift_up(l, l->count - 1);
  return OT_SUCCESS;
}

ot_status ot_sim_loop_schedule_in(ot_sim_loop *l, ot_sim_event *ev, uint64_t delay_ns) {
  OT_ENSURE(l != NULL, OT_E_ARG);
  OT_ENSURE(delay_ns <= UINT64_MAX - l->clock.now, OT_E_ARG);
  return ot_sim_loop_schedule_at(l, ev, l->clock.now + delay_ns);
}

bool ot_sim_loop_cancel(ot_sim_loop *l, ot_sim_event *ev) {
  if (ev->slot == 0 || ev->slot > l->count || l->heap[ev->slot - 1] != ev) return false;
  remove_at(l, ev->slot - 1);
  return true;
}

ot_status ot_sim_loop_run_until_idle(ot_sim_loop *l, size_t max_events, size_t *fired) {
  OT_ENSURE(!l->running, OT_E_STATE);
  bool more;
  size_t n = fire_due(l, UINT64_MAX, max_events, &more);
  if (fired != NULL) *fired = n;
  OT_ENSURE(!more, OT_E_BUSY);
  return OT_SUCCESS;
}

ot_status ot_sim_loop_run_until(ot_sim_loop *l, uint64_t until_ns, size_t max_events,
                                size_t *fired) {
  OT_ENSURE(!l->running, OT_E_STATE);
  OT_ENSURE(until_ns >= l->clock.now, OT_E_ARG);
  bool more;
  size_t n = fire_due(l, until_ns, max_events, &more);
  if (fired != NULL) *fired = n;
  OT_ENSURE(!more, OT_E_BUSY);
  l->clock.now = until_ns;
  l->settled = until_ns;
  return OT_SUCCESS;
}
