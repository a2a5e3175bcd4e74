/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The simulator's deterministic event loop: a priority queue of timed events
 * over an ot_sim_clock. No real time is ever read.
 * @layer sim
 *
 * Events are caller-owned (embed ot_sim_event in the object that reacts, and
 * recover it in the callback); the loop stores only pointers, in a binary
 * heap of fixed capacity, so scheduling never allocates. Order: by time, and
 * events due at the same time fire in the order they were scheduled (a
 * sequence number breaks ties), so every run of a simulation is identical.
 *
 * Time moves only forward: firing an event sets the clock to its time, and
 * run-until-time leaves the clock at that time. When code sleeps on the
 * loop's clock (a host driver polling a DOE mailbox), the events that fall
 * due during the sleep fire at their own times, in order, before the sleep
 * returns; that is how devices progress while a synchronous driver waits.
 *
 * Not thread-safe. An event callback may schedule and cancel events,
 * including itself; the loop does not re-enter itself (an event that sleeps
 * on the clock only advances time).
 */
#ifndef OPENTSM_SIM_LOOP_H
#define OPENTSM_SIM_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/clock.h"
#include "opentsm/status.h"

#define OT_SIM_LOOP_MAX_EVENTS 4096u

typedef struct ot_sim_loop ot_sim_loop;
typedef struct ot_sim_event ot_sim_event;

typedef void (*ot_sim_event_fn)(ot_sim_loop *loop, ot_sim_event *ev);

/* Embed in the reacting object; set `fire` before scheduling. Other fields are the loop's. */
struct ot_sim_event {
  ot_sim_event_fn fire;
  uint64_t when; /* due time while queued */
  uint64_t seq;  /* scheduling order, breaks ties */
  size_t slot;   /* heap position + 1 while queued, 0 otherwise */
};

struct ot_sim_loop {
  ot_sim_clock clock; /* must be first: the clock's sleep hook recovers the loop */
  uint64_t settled;   /* the clock time up to which events have been run */
  ot_sim_event *heap[OT_SIM_LOOP_MAX_EVENTS];
  size_t count;
  uint64_t next_seq;
  uint64_t fired; /* events fired since init */
  bool running;   /* an event is being fired: no re-entry */
};

/* Starts an empty loop whose clock reads start_ns. */
void ot_sim_loop_init(ot_sim_loop *l, uint64_t start_ns);

/* The clock to hand to drivers and device models (sleeping on it runs due events). */
static inline ot_clock *ot_sim_loop_clock(ot_sim_loop *l) { return &l->clock.base; }
static inline uint64_t ot_sim_loop_now(const ot_sim_loop *l) { return l->clock.now; }
static inline size_t ot_sim_loop_pending(const ot_sim_loop *l) { return l->count; }
static inline bool ot_sim_event_queued(const ot_sim_event *ev) { return ev->slot != 0; }

/*
 * Queues ev to fire at absolute time `when`. OT_E_ARG if ev->fire is NULL or
 * `when` is before the current time; OT_E_EXISTS if ev is already queued
 * (cancel it first); OT_E_NO_SPACE when OT_SIM_LOOP_MAX_EVENTS are queued.
 */
OT_RESULT ot_sim_loop_schedule_at(ot_sim_loop *l, ot_sim_event *ev, uint64_t when);
/* As above, `delay_ns` from now (OT_E_ARG if that overflows). */
OT_RESULT ot_sim_loop_schedule_in(ot_sim_loop *l, ot_sim_event *ev, uint64_t delay_ns);
/* Removes ev from the queue; false if it was not queued. */
bool ot_sim_loop_cancel(ot_sim_loop *l, ot_sim_event *ev);

/*
 * Fires due events in order until none is left (run_until_idle) or the next
 * is after `until_ns` (run_until; the clock then reads until_ns, which must
 * not be in the past: OT_E_ARG). At most max_events fire (0: no limit): if
 * more remain due, OT_E_BUSY (a simulation that never settles). *fired (may
 * be NULL) receives the count. OT_E_STATE when called from inside an event.
 */
OT_RESULT ot_sim_loop_run_until_idle(ot_sim_loop *l, size_t max_events, size_t *fired);
OT_RESULT ot_sim_loop_run_until(ot_sim_loop *l, uint64_t until_ns, size_t max_events,
                                size_t *fired);

#endif /* OPENTSM_SIM_LOOP_H */
