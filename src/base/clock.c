/* SPDX-License-Identifier: BSD-3-Clause */
/* Real and simulated clocks: see opentsm/clock.h. */
#include "opentsm/clock.h"

#include <errno.h>
#include <stddef.h>
#include <time.h>

static uint64_t real_now(ot_clock *c) {
  (void)c;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * OT_NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void real_sleep(ot_clock *c, uint64_t ns) {
  (void)c;
  struct timespec ts = {.tv_sec = (time_t)(ns / OT_NS_PER_S), .tv_nsec = (long)(ns % OT_NS_PER_S)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static ot_clock real_clock = {real_now, real_sleep};

ot_clock *ot_clock_real(void) { return &real_clock; }

/* The clock member is first, so the cast recovers the enclosing sim clock. */
static ot_sim_clock *as_sim(ot_clock *c) { return (ot_sim_clock *)(void *)c; }

static uint64_t sim_now(ot_clock *c) { return as_sim(c)->now; }

static void sim_sleep(ot_clock *c, uint64_t ns) { ot_sim_clock_advance(as_sim(c), ns); }

void ot_sim_clock_init(ot_sim_clock *c, uint64_t start_ns) {
  c->base.now_ns = sim_now;
  c->base.sleep_ns = sim_sleep;
  c->now = start_ns;
  c->on_sleep = NULL;
}

void ot_sim_clock_advance(ot_sim_clock *c, uint64_t ns) {
  c->now += ns;
  if (c->on_sleep) c->on_sleep(c, c->now);
}
