/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of the clocks (src/base/clock.c) and the OS RNG (src/base/rng_os.c). */
#include <string.h>

#include "opentsm/clock.h"
#include "opentsm/rng.h"
#include "testsupport.h"

static int hook_calls;
static uint64_t hook_seen;

static void on_sleep(ot_sim_clock *c, uint64_t now) {
  (void)c;
  hook_calls++;
  hook_seen = now;
}

static void sim_clock_moves_only_when_told(void **state) {
  (void)state;
  ot_sim_clock sc;
  ot_sim_clock_init(&sc, 1000);
  ot_clock *c = &sc.base;
  assert_int_equal(ot_clock_now(c), 1000);
  assert_int_equal(ot_clock_now(c), 1000);
  sc.on_sleep = on_sleep;
  ot_clock_sleep(c, 7 * OT_NS_PER_MS);
  assert_int_equal(ot_clock_now(c), 1000 + 7 * OT_NS_PER_MS);
  assert_int_equal(hook_calls, 1);
  assert_int_equal(hook_seen, 1000 + 7 * OT_NS_PER_MS);
  ot_sim_clock_advance(&sc, 5);
  assert_int_equal(ot_clock_now(c), 1000 + 7 * OT_NS_PER_MS + 5);
}

static void real_clock_is_monotonic(void **state) {
  (void)state;
  ot_clock *c = ot_clock_real();
  uint64_t a = ot_clock_now(c);
  ot_clock_sleep(c, 2 * OT_NS_PER_MS);
  uint64_t b = ot_clock_now(c);
  assert_true(b >= a + 2 * OT_NS_PER_MS);
}

static void os_rng_fills(void **state) {
  (void)state;
  uint8_t a[64] = {0}, b[64] = {0}, zero[64] = {0};
  assert_ot_ok(ot_rng_fill(ot_rng_os(), a, sizeof a));
  assert_ot_ok(ot_rng_fill(ot_rng_os(), b, sizeof b));
  /* 2^-512 chance of a false failure. */
  assert_memory_not_equal(a, zero, sizeof a);
  assert_memory_not_equal(a, b, sizeof a);
  assert_ot_ok(ot_rng_fill(ot_rng_os(), a, 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sim_clock_moves_only_when_told),
      cmocka_unit_test(real_clock_is_monotonic),
      cmocka_unit_test(os_rng_fills),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
