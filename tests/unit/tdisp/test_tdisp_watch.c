/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TDI watch both device compositions use (opentsm/tdisp_watch.h): which
 * session locked a TDI, when that session is gone, when the stream leaves
 * Secure, and that a TDI out of CONFIG_LOCKED/RUN is forgotten (PCIe r6.0 §11.2).
 */
#include <string.h>

#include "opentsm/tdisp_watch.h"
#include "testsupport.h"

static ot_tdisp_device dev;
static ot_spdm_responder rsp; /* large: static, all zero */
static ot_tdisp_watch watch[OT_TDISP_MAX_TDIS];

static int reset(void **state) {
  (void)state;
  memset(&dev, 0, sizeof(dev));
  memset(&rsp, 0, sizeof(rsp));
  memset(watch, 0, sizeof(watch));
  dev.tdi_count = 1;
  return 0;
}

/* The session of the TDISP request that locked the TDI is remembered, once:
 * a later request in another session does not take the lock over. */
static void test_note_locks_first_session_only(void **state) {
  (void)state;
  dev.tdi[0].state = OT_TDI_CONFIG_UNLOCKED;
  ot_tdisp_watch_note_locks(&dev, watch, 0x11112222u);
  assert_false(watch[0].locked);
  dev.tdi[0].state = OT_TDI_CONFIG_LOCKED;
  ot_tdisp_watch_note_locks(&dev, watch, 0x11112222u);
  assert_true(watch[0].locked);
  assert_int_equal(watch[0].lock_session, 0x11112222u);
  dev.tdi[0].state = OT_TDI_RUN;
  ot_tdisp_watch_note_locks(&dev, watch, 0x33334444u);
  assert_int_equal(watch[0].lock_session, 0x11112222u);
}

/* Ended means: locked, and no used session of r has that Session ID. */
static void test_session_ended(void **state) {
  (void)state;
  assert_false(ot_tdisp_watch_session_ended(&watch[0], &rsp)); /* not locked */
  watch[0] = (ot_tdisp_watch){.locked = true, .lock_session = 0xAAAA0001u};
  assert_true(ot_tdisp_watch_session_ended(&watch[0], &rsp));
  rsp.sessions[OT_SPDM_RSP_MAX_SESSIONS - 1].s.session_id = 0xAAAA0001u;
  assert_true(ot_tdisp_watch_session_ended(&watch[0], &rsp)); /* slot not in use */
  rsp.sessions[OT_SPDM_RSP_MAX_SESSIONS - 1].used = true;
  assert_false(ot_tdisp_watch_session_ended(&watch[0], &rsp));
  assert_true(ot_spdm_responder_has_session(&rsp, 0xAAAA0001u));
  assert_false(ot_spdm_responder_has_session(&rsp, 0xAAAA0002u));
  rsp.sessions[OT_SPDM_RSP_MAX_SESSIONS - 1].used = false; /* END_SESSION */
  assert_true(ot_tdisp_watch_session_ended(&watch[0], &rsp));
}

/* Only a Secure -> not Secure step counts; the first check only records. */
static void test_stream_left_secure(void **state) {
  (void)state;
  assert_false(ot_tdisp_watch_stream_left_secure(&watch[0], false));
  assert_false(ot_tdisp_watch_stream_left_secure(&watch[0], true));
  assert_false(ot_tdisp_watch_stream_left_secure(&watch[0], true));
  assert_true(ot_tdisp_watch_stream_left_secure(&watch[0], false));
  assert_false(ot_tdisp_watch_stream_left_secure(&watch[0], false));
}

/* CONFIG_LOCKED and RUN are watched; UNLOCKED and ERROR clear the watch. */
static void test_live_states(void **state) {
  (void)state;
  static const struct {
    ot_tdisp_state s;
    bool live;
  } k[] = {{OT_TDI_CONFIG_UNLOCKED, false},
           {OT_TDI_CONFIG_LOCKED, true},
           {OT_TDI_RUN, true},
           {OT_TDI_ERROR, false}};
  for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
    dev.tdi[0].state = k[i].s;
    watch[0] = (ot_tdisp_watch){.locked = true, .lock_session = 5, .stream_was_secure = true};
    assert_int_equal(ot_tdisp_watch_live(&dev.tdi[0], &watch[0]), k[i].live);
    assert_int_equal(watch[0].locked, k[i].live);
    assert_int_equal(watch[0].stream_was_secure, k[i].live);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_note_locks_first_session_only, reset),
      cmocka_unit_test_setup(test_session_ended, reset),
      cmocka_unit_test_setup(test_stream_left_secure, reset),
      cmocka_unit_test_setup(test_live_states, reset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
