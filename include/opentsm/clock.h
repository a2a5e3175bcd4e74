/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clocks: a small interface so that timeouts run against real time in
 * production and against simulated time in tests and in the simulator.
 * @layer base
 *
 * An implementation embeds `ot_clock` as its first member and its functions
 * receive that member (no void pointers). Times are nanoseconds on a monotonic
 * scale with an arbitrary origin.
 */
#ifndef OPENTSM_CLOCK_H
#define OPENTSM_CLOCK_H

#include <stdint.h>

typedef struct ot_clock ot_clock;

struct ot_clock {
  /* Current monotonic time in ns. */
  uint64_t (*now_ns)(ot_clock *clock);
  /* Waits ns nanoseconds (a simulated clock just advances). */
  void (*sleep_ns)(ot_clock *clock, uint64_t ns);
};

#define OT_NS_PER_US UINT64_C(1000)
#define OT_NS_PER_MS UINT64_C(1000000)
#define OT_NS_PER_S UINT64_C(1000000000)

static inline uint64_t ot_clock_now(ot_clock *c) { return c->now_ns(c); }
static inline void ot_clock_sleep(ot_clock *c, uint64_t ns) { c->sleep_ns(c, ns); }

/* The process-wide real clock (CLOCK_MONOTONIC, nanosleep). */
ot_clock *ot_clock_real(void);

/*
 * A simulated clock: time moves only when someone sleeps on it or calls
 * ot_sim_clock_advance(). An optional hook runs on every sleep, so a device
 * model can make progress while a driver polls (the hook sees the new time).
 */
typedef struct ot_sim_clock ot_sim_clock;
typedef void (*ot_sim_clock_hook)(ot_sim_clock *clock, uint64_t now_ns);

struct ot_sim_clock {
  ot_clock base; /* must be first */
  uint64_t now;
  ot_sim_clock_hook on_sleep;
};

void ot_sim_clock_init(ot_sim_clock *c, uint64_t start_ns);
void ot_sim_clock_advance(ot_sim_clock *c, uint64_t ns);

#endif /* OPENTSM_CLOCK_H */
