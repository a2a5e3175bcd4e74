/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Links and taps on a synthetic TLP stream: latency and order, each tap
 * action (observe, record, drop, replay, reorder, modify, inject), tap
 * chains, flow-control exhaustion, and the secret scan over captures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opentsm/cursor.h"
#include "opentsm/sim_link.h"
#include "testsupport.h"

static ot_sim_loop loop;
static ot_sim_link link_;
static ot_sim_tap tap, tap2;

/* A receiving end that remembers the first byte (the TLP's number) and time of each TLP. */
typedef struct recorder {
  ot_sim_port base;
  uint8_t ids[64];
  uint64_t times[64];
  size_t lens[64];
  size_t n;
} recorder;

static recorder down_end, up_end;

static void rec_receive(ot_sim_port *port, ot_sim_link *l, ot_sim_dir dir, const uint8_t *tlp,
                        size_t len) {
  (void)l;
  (void)dir;
  recorder *r = (recorder *)(void *)port;
  r->ids[r->n] = tlp[0];
  r->lens[r->n] = len;
  r->times[r->n++] = ot_sim_loop_now(&loop);
}

static int setup(void **state) {
  (void)state;
  ot_sim_loop_init(&loop, 0);
  memset(&down_end, 0, sizeof down_end);
  memset(&up_end, 0, sizeof up_end);
  down_end.base.receive = rec_receive;
  up_end.base.receive = rec_receive;
  if (!ot_ok(ot_sim_link_init(&link_, &loop, "l0", 7, 100, 8))) return 1;
  ot_sim_link_connect(&link_, &down_end.base, &up_end.base);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  OT_IGNORE(ot_sim_tap_destroy(&tap));
  OT_IGNORE(ot_sim_tap_destroy(&tap2));
  ot_sim_link_destroy(&link_);
  return 0;
}

/* TLP i: 16 bytes, byte 0 = i, the rest a pattern. */
static void send(ot_sim_dir dir, uint8_t id) {
  uint8_t tlp[16];
  for (int k = 0; k < 16; k++)
    tlp[k] = (uint8_t)(id + k * 3);
  tlp[0] = id;
  assert_ot_ok(ot_sim_link_send(&link_, dir, tlp, sizeof tlp));
}

static void run(void) { assert_ot_ok(ot_sim_loop_run_until_idle(&loop, 1000, NULL)); }

static void attach(ot_sim_tap *t, const char *name, ot_sim_tap_action a, bool any, ot_sim_dir dir,
                   uint32_t nth) {
  ot_sim_match m = {.any_dir = any, .dir = dir, .nth = nth};
  assert_ot_ok(ot_sim_tap_init(t, name, a, &m));
  assert_ot_ok(ot_sim_tap_attach(t, &link_));
}

static void delivery_is_in_order_after_the_latency(void **state) {
  (void)state;
  send(OT_SIM_DOWNSTREAM, 1);
  send(OT_SIM_UPSTREAM, 2);
  send(OT_SIM_DOWNSTREAM, 3);
  assert_int_equal(down_end.n, 0);
  run();
  assert_int_equal(down_end.n, 2);
  assert_int_equal(down_end.ids[0], 1);
  assert_int_equal(down_end.ids[1], 3);
  assert_int_equal(down_end.times[0], 100);
  assert_int_equal(up_end.n, 1);
  assert_int_equal(link_.stats.sent[OT_SIM_DOWNSTREAM], 2);
  assert_int_equal(link_.stats.delivered[OT_SIM_UPSTREAM], 1);
}

static void sends_are_checked(void **state) {
  (void)state;
  uint8_t big[OT_SIM_TLP_MAX + 1] = {0};
  assert_ot_code(ot_sim_link_send(&link_, OT_SIM_DOWNSTREAM, big, 0), OT_E_ARG);
  assert_ot_code(ot_sim_link_send(&link_, OT_SIM_DOWNSTREAM, big, sizeof big), OT_E_ARG);
  /* Eight slots: the ninth TLP in flight finds no credit. */
  for (uint8_t i = 0; i < 8; i++)
    send(OT_SIM_DOWNSTREAM, i);
  assert_ot_code(ot_sim_link_send(&link_, OT_SIM_DOWNSTREAM, big, 16), OT_E_BUSY);
  run();
  assert_int_equal(down_end.n, 8);
  send(OT_SIM_DOWNSTREAM, 9);
}

static void drop_removes_only_the_nth_in_its_direction(void **state) {
  (void)state;
  attach(&tap, "drop", OT_SIM_TAP_DROP, false, OT_SIM_DOWNSTREAM, 2);
  send(OT_SIM_DOWNSTREAM, 1);
  send(OT_SIM_UPSTREAM, 2);
  send(OT_SIM_DOWNSTREAM, 3); /* the 2nd downstream: gone */
  send(OT_SIM_DOWNSTREAM, 4);
  run();
  assert_int_equal(down_end.n, 2);
  assert_int_equal(down_end.ids[0], 1);
  assert_int_equal(down_end.ids[1], 4);
  assert_int_equal(up_end.n, 1);
  assert_int_equal(tap.stats.seen, 3);
  assert_int_equal(tap.stats.matched, 1);
}

static void observe_keeps_every_byte_for_the_audit(void **state) {
  (void)state;
  attach(&tap, "obs", OT_SIM_TAP_OBSERVE, true, OT_SIM_DOWNSTREAM, 0);
  uint8_t secret[16] = "k3y-material-01";
  uint8_t tlp[40] = {0x40};
  memcpy(tlp + 20, secret, 16);
  send(OT_SIM_DOWNSTREAM, 1);
  assert_ot_ok(ot_sim_link_send(&link_, OT_SIM_UPSTREAM, tlp, sizeof tlp));
  run();
  assert_int_equal(tap.capture.count, 2);
  assert_int_equal(tap.capture.recs[1].dir, OT_SIM_UPSTREAM);
  ot_sim_audit audit;
  ot_sim_audit_init(&audit);
  assert_ot_ok(ot_sim_audit_add(&audit, "link l0", &tap.capture));
  ot_sim_exposure hit;
  assert_true(ot_sim_audit_scan(&audit, secret, sizeof secret, &hit));
  assert_string_equal(hit.where, "link l0");
  assert_int_equal(hit.record, 1);
  assert_int_equal(hit.offset, 20);
  /* Absent secrets are not found: one byte off, or longer than anything seen. */
  uint8_t other[16];
  memcpy(other, secret, 16);
  other[15] ^= 1;
  assert_false(ot_sim_audit_scan(&audit, other, sizeof other, NULL));
  uint8_t huge[128] = {0};
  assert_false(ot_sim_audit_scan(&audit, huge, sizeof huge, NULL));
  assert_false(ot_sim_audit_scan(&audit, secret, 0, NULL));
}

static void secret_split_across_tlps_is_found(void **state) {
  (void)state;
  attach(&tap, "obs", OT_SIM_TAP_OBSERVE, true, OT_SIM_DOWNSTREAM, 0);
  uint8_t secret[8] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04};
  uint8_t a[8] = {0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef};
  uint8_t b[8] = {0x01, 0x02, 0x03, 0x04, 9, 9, 9, 9};
  assert_ot_ok(ot_sim_link_send(&link_, OT_SIM_DOWNSTREAM, a, sizeof a));
  assert_ot_ok(ot_sim_link_send(&link_, OT_SIM_DOWNSTREAM, b, sizeof b));
  size_t rec, off;
  assert_true(ot_sim_capture_find(&tap.capture, secret, sizeof secret, &rec, &off));
  assert_int_equal(rec, 0);
  assert_int_equal(off, 4);
  run();
}

static void replay_sends_a_copy_later(void **state) {
  (void)state;
  attach(&tap, "replay", OT_SIM_TAP_REPLAY, true, OT_SIM_DOWNSTREAM, 1);
  ot_sim_tap_set_replay(&tap, 5000);
  send(OT_SIM_DOWNSTREAM, 1);
  send(OT_SIM_DOWNSTREAM, 2);
  run();
  assert_int_equal(down_end.n, 3);
  assert_int_equal(down_end.ids[2], 1);
  assert_int_equal(down_end.times[2], 5100);
  assert_int_equal(tap.stats.released, 1);
}

static void reorder_lets_the_next_overtake(void **state) {
  (void)state;
  attach(&tap, "swap", OT_SIM_TAP_REORDER, false, OT_SIM_DOWNSTREAM, 1);
  send(OT_SIM_DOWNSTREAM, 1); /* held */
  send(OT_SIM_UPSTREAM, 2);   /* other direction: does not release */
  send(OT_SIM_DOWNSTREAM, 3); /* overtakes, then 1 follows */
  send(OT_SIM_DOWNSTREAM, 4);
  run();
  assert_int_equal(down_end.n, 3);
  assert_int_equal(down_end.ids[0], 3);
  assert_int_equal(down_end.ids[1], 1);
  assert_int_equal(down_end.ids[2], 4);
  assert_int_equal(up_end.n, 1);
}

static void reorder_holds_until_released_or_detached(void **state) {
  (void)state;
  attach(&tap, "hold", OT_SIM_TAP_REORDER, true, OT_SIM_DOWNSTREAM, 0);
  send(OT_SIM_DOWNSTREAM, 1);
  run();
  assert_int_equal(down_end.n, 0);
  assert_true(ot_sim_tap_release(&tap));
  assert_false(ot_sim_tap_release(&tap));
  run();
  assert_int_equal(down_end.n, 1);
  send(OT_SIM_DOWNSTREAM, 2);
  ot_sim_tap_detach(&tap); /* nothing stays stuck in a removed interposer */
  run();
  assert_int_equal(down_end.n, 2);
  assert_int_equal(down_end.ids[1], 2);
}

static void flip(ot_sim_tap *t, ot_sim_dir dir, uint8_t *tlp, size_t *len, size_t cap) {
  (void)t;
  (void)dir;
  (void)cap;
  tlp[1] = 0xEE;
  *len -= 4; /* and truncate */
}

static void modify_flips_bits_and_runs_callbacks(void **state) {
  (void)state;
  attach(&tap, "flip", OT_SIM_TAP_MODIFY, true, OT_SIM_DOWNSTREAM, 2);
  ot_sim_bit_flip flips[2] = {{0, 0x80}, {100, 0xFF}}; /* the second is past the TLP: ignored */
  assert_ot_ok(ot_sim_tap_set_flips(&tap, flips, 2));
  assert_ot_code(ot_sim_tap_set_flips(&tap, flips, 0), OT_E_ARG);
  attach(&tap2, "cb", OT_SIM_TAP_MODIFY, true, OT_SIM_DOWNSTREAM, 1);
  ot_sim_tap_set_modify(&tap2, flip);
  send(OT_SIM_DOWNSTREAM, 1);
  send(OT_SIM_DOWNSTREAM, 2);
  run();
  assert_int_equal(down_end.ids[0], 1);
  assert_int_equal(down_end.lens[0], 12);
  assert_int_equal(down_end.ids[1], 0x82);
  assert_int_equal(down_end.lens[1], 16);
}

static void inject_forges_after_each_match_and_on_demand(void **state) {
  (void)state;
  attach(&tap, "forge", OT_SIM_TAP_INJECT, false, OT_SIM_UPSTREAM, 0);
  uint8_t forged[4] = {0x77, 1, 2, 3};
  assert_ot_ok(ot_sim_tap_set_forged(&tap, forged, sizeof forged));
  send(OT_SIM_UPSTREAM, 1);
  send(OT_SIM_DOWNSTREAM, 2);
  assert_ot_ok(ot_sim_tap_inject(&tap, OT_SIM_DOWNSTREAM, forged, sizeof forged));
  run();
  assert_int_equal(up_end.n, 2);
  assert_int_equal(up_end.ids[0], 1);
  assert_int_equal(up_end.ids[1], 0x77);
  assert_int_equal(down_end.n, 2);
  assert_int_equal(down_end.ids[1], 0x77);
  ot_sim_tap lone;
  ot_sim_match m = {.any_dir = true};
  assert_ot_ok(ot_sim_tap_init(&lone, "lone", OT_SIM_TAP_INJECT, &m));
  assert_ot_code(ot_sim_tap_inject(&lone, OT_SIM_DOWNSTREAM, forged, 4), OT_E_STATE);
}

/* A tap later in the chain sees what an earlier one did: the forged TLP is observed too. */
static void taps_chain_in_attach_order(void **state) {
  (void)state;
  attach(&tap, "forge", OT_SIM_TAP_INJECT, true, OT_SIM_DOWNSTREAM, 1);
  uint8_t forged[4] = {0x55, 0, 0, 0};
  assert_ot_ok(ot_sim_tap_set_forged(&tap, forged, 4));
  attach(&tap2, "obs", OT_SIM_TAP_OBSERVE, true, OT_SIM_DOWNSTREAM, 0);
  send(OT_SIM_DOWNSTREAM, 1);
  run();
  assert_int_equal(tap2.capture.count, 2);
  assert_int_equal(tap2.capture.data[16], 0x55);
  assert_ot_code(ot_sim_tap_attach(&tap2, &link_), OT_E_STATE);
}

static void record_writes_a_tlp_pcap(void **state) {
  (void)state;
  char path[] = "/tmp/opentsm-tlp-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  ot_sim_match m = {.any_dir = true};
  assert_ot_ok(ot_sim_tap_init(&tap, "rec", OT_SIM_TAP_RECORD, &m));
  assert_ot_ok(ot_sim_tap_set_record(&tap, path));
  assert_ot_ok(ot_sim_tap_attach(&tap, &link_));
  assert_ot_ok(ot_sim_loop_run_until(&loop, 2500000, 0, NULL)); /* 2.5 ms */
  send(OT_SIM_DOWNSTREAM, 1);
  send(OT_SIM_UPSTREAM, 2);
  run();
  assert_ot_ok(ot_sim_tap_destroy(&tap));
  size_t len;
  uint8_t *f = ts_read_file(path, &len);
  unlink(path);
  assert_non_null(f);
  assert_int_equal(len, 24 + 2 * (16 + 4 + 16));
  assert_int_equal(ot_load_u32le(f), 0xA1B2C3D4u);
  assert_int_equal(ot_load_u32le(f + 20), 147);
  const uint8_t *r0 = f + 24;
  assert_int_equal(ot_load_u32le(r0), 0);        /* ts_sec */
  assert_int_equal(ot_load_u32le(r0 + 4), 2500); /* ts_usec */
  assert_int_equal(ot_load_u32le(r0 + 8), 20);
  assert_int_equal(r0[16], 1); /* pseudo-header version */
  assert_int_equal(r0[17], OT_SIM_DOWNSTREAM);
  assert_int_equal((r0[18] << 8) | r0[19], 7); /* link id */
  assert_int_equal(r0[20], 1);                 /* the TLP */
  assert_int_equal(f[24 + 36 + 17], OT_SIM_UPSTREAM);
  free(f);
  assert_ot_code(ot_sim_tap_set_record(&tap, "/nonexistent-dir/x.pcap"), OT_E_IO);
}

static void failed_capture_makes_the_audit_suspicious(void **state) {
  (void)state;
  ot_sim_capture c;
  ot_sim_capture_init(&c);
  c.failed = true;
  assert_ot_code(ot_sim_capture_append(&c, 0, 0, (const uint8_t *)"x", 1), OT_E_NOMEM);
  ot_sim_audit a;
  ot_sim_audit_init(&a);
  assert_ot_ok(ot_sim_audit_add(&a, "lossy", &c));
  ot_sim_exposure hit;
  assert_true(ot_sim_audit_scan(&a, (const uint8_t *)"abc", 3, &hit));
  assert_int_equal(hit.record, SIZE_MAX);
  ot_sim_capture_free(&c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(delivery_is_in_order_after_the_latency),
      T(sends_are_checked),
      T(drop_removes_only_the_nth_in_its_direction),
      T(observe_keeps_every_byte_for_the_audit),
      T(secret_split_across_tlps_is_found),
      T(replay_sends_a_copy_later),
      T(reorder_lets_the_next_overtake),
      T(reorder_holds_until_released_or_detached),
      T(modify_flips_bits_and_runs_callbacks),
      T(inject_forges_after_each_match_and_on_demand),
      T(taps_chain_in_attach_order),
      T(record_writes_a_tlp_pcap),
      T(failed_capture_makes_the_audit_suspicious),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
