/* SPDX-License-Identifier: BSD-3-Clause */
/* The event loop: order by time then scheduling, cancel, run-until, limits, sleeping on the clock.
 */
#include <string.h>

#include "opentsm/sim_loop.h"
#include "testsupport.h"

static ot_sim_loop loop;

typedef struct probe {
  ot_sim_event ev;
  int id;
  uint64_t fired_at;
} probe;

static int order[64];
static size_t norder;

static void record(ot_sim_loop *l, ot_sim_event *ev) {
  probe *p = (probe *)(void *)ev;
  p->fired_at = ot_sim_loop_now(l);
  order[norder++] = p->id;
}

static void reset(void) {
  ot_sim_loop_init(&loop, 1000);
  norder = 0;
}

static void init_probe(probe *p, int id) {
  memset(p, 0, sizeof *p);
  p->ev.fire = record;
  p->id = id;
}

static void events_fire_by_time_then_in_scheduling_order(void **state) {
  (void)state;
  reset();
  probe p[6];
  static const uint64_t when[6] = {3000, 2000, 3000, 2000, 1000, 3000};
  for (int i = 0; i < 6; i++) {
    init_probe(&p[i], i);
    assert_ot_ok(ot_sim_loop_schedule_at(&loop, &p[i].ev, when[i]));
  }
  size_t fired;
  assert_ot_ok(ot_sim_loop_run_until_idle(&loop, 0, &fired));
  assert_int_equal(fired, 6);
  static const int want[6] = {4, 1, 3, 0, 2, 5};
  assert_memory_equal(order, want, sizeof want);
  assert_int_equal(p[0].fired_at, 3000);
  assert_int_equal(p[4].fired_at, 1000);
  assert_int_equal(ot_sim_loop_now(&loop), 3000);
}

/* Many equal-time events keep their order through heap reshuffles. */
static void equal_times_stay_stable_at_scale(void **state) {
  (void)state;
  reset();
  static probe p[40];
  for (int i = 0; i < 40; i++) {
    init_probe(&p[i], i);
    assert_ot_ok(ot_sim_loop_schedule_at(&loop, &p[i].ev, 5000 + (uint64_t)(i % 2) * 10));
  }
  assert_ot_ok(ot_sim_loop_run_until_idle(&loop, 0, NULL));
  for (int k = 0; k < 20; k++)
    assert_int_equal(order[k], 2 * k);
  for (int k = 0; k < 20; k++)
    assert_int_equal(order[20 + k], 2 * k + 1);
}

static void run_until_stops_at_the_time_and_moves_the_clock(void **state) {
  (void)state;
  reset();
  probe a, b;
  init_probe(&a, 1);
  init_probe(&b, 2);
  assert_ot_ok(ot_sim_loop_schedule_in(&loop, &a.ev, 500));
  assert_ot_ok(ot_sim_loop_schedule_in(&loop, &b.ev, 1500));
  size_t fired;
  assert_ot_ok(ot_sim_loop_run_until(&loop, 2000, 0, &fired));
  assert_int_equal(fired, 1);
  assert_int_equal(ot_sim_loop_now(&loop), 2000);
  assert_true(ot_sim_event_queued(&b.ev));
  /* Exactly at the due time counts as due. */
  assert_ot_ok(ot_sim_loop_run_until(&loop, 2500, 0, &fired));
  assert_int_equal(fired, 1);
  assert_int_equal(b.fired_at, 2500);
  assert_ot_code(ot_sim_loop_run_until(&loop, 100, 0, NULL), OT_E_ARG);
}

static void cancel_removes_only_that_event(void **state) {
  (void)state;
  reset();
  probe p[5];
  for (int i = 0; i < 5; i++) {
    init_probe(&p[i], i);
    assert_ot_ok(ot_sim_loop_schedule_in(&loop, &p[i].ev, (uint64_t)(i + 1) * 10));
  }
  assert_true(ot_sim_loop_cancel(&loop, &p[2].ev));
  assert_false(ot_sim_loop_cancel(&loop, &p[2].ev));
  assert_true(ot_sim_loop_cancel(&loop, &p[0].ev));
  assert_ot_ok(ot_sim_loop_run_until_idle(&loop, 0, NULL));
  static const int want[3] = {1, 3, 4};
  assert_int_equal(norder, 3);
  assert_memory_equal(order, want, sizeof want);
}

static void bad_schedules_are_refused(void **state) {
  (void)state;
  reset();
  probe a;
  init_probe(&a, 1);
  assert_ot_code(ot_sim_loop_schedule_at(&loop, &a.ev, 999), OT_E_ARG); /* the past */
  assert_ot_ok(ot_sim_loop_schedule_at(&loop, &a.ev, 1000));
  assert_ot_code(ot_sim_loop_schedule_at(&loop, &a.ev, 2000), OT_E_EXISTS);
  assert_ot_code(ot_sim_loop_schedule_in(&loop, &a.ev, UINT64_MAX), OT_E_ARG);
  probe nofn;
  memset(&nofn, 0, sizeof nofn);
  assert_ot_code(ot_sim_loop_schedule_at(&loop, &nofn.ev, 2000), OT_E_ARG);
}

/* An event that reschedules itself forever: the limit turns a livelock into an error. */
static void rearm(ot_sim_loop *l, ot_sim_event *ev) {
  OT_IGNORE(ot_sim_loop_schedule_in(l, ev, 1));
}

static void endless_simulations_hit_the_limit(void **state) {
  (void)state;
  reset();
  ot_sim_event ev = {.fire = rearm};
  assert_ot_ok(ot_sim_loop_schedule_in(&loop, &ev, 0));
  size_t fired;
  assert_ot_code(ot_sim_loop_run_until_idle(&loop, 100, &fired), OT_E_BUSY);
  assert_int_equal(fired, 100);
  assert_true(ot_sim_loop_cancel(&loop, &ev));
}

/* Sleeping on the loop's clock fires what falls due meanwhile, at its own time. */
static void sleeping_on_the_clock_runs_due_events(void **state) {
  (void)state;
  reset();
  probe a, b;
  init_probe(&a, 1);
  init_probe(&b, 2);
  assert_ot_ok(ot_sim_loop_schedule_in(&loop, &a.ev, 300));
  assert_ot_ok(ot_sim_loop_schedule_in(&loop, &b.ev, 5000));
  ot_clock_sleep(ot_sim_loop_clock(&loop), 1000);
  assert_int_equal(norder, 1);
  assert_int_equal(a.fired_at, 1300);
  assert_int_equal(ot_sim_loop_now(&loop), 2000);
  assert_true(ot_sim_event_queued(&b.ev));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(events_fire_by_time_then_in_scheduling_order),
      cmocka_unit_test(equal_times_stay_stable_at_scale),
      cmocka_unit_test(run_until_stops_at_the_time_and_moves_the_clock),
      cmocka_unit_test(cancel_removes_only_that_event),
      cmocka_unit_test(bad_schedules_are_refused),
      cmocka_unit_test(endless_simulations_hit_the_limit),
      cmocka_unit_test(sleeping_on_the_clock_runs_due_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
