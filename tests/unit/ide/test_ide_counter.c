/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Invocation counter boundaries (one line per case): a key set starting at
 * IFV protects exactly `ok` MACs before the 64-bit invocation field is spent;
 * the next protect is refused until a new key set goes. The receiver refuses
 * a TLP on a spent key set (OT_IDE_ERR_COUNTER) before touching the MAC.
 */
#include "ide_testutil.h"

static uint8_t wire[TU_WIRE_CAP];
static uint8_t out[TU_OUT_CAP];
static uint8_t plain[OT_TLP_MAX_WIRE];

static const struct {
  uint64_t ifv;
  int ok; /* MACs before the counter is spent */
} cases[] = {
    {UINT64_MAX - 2, 3},
    {UINT64_MAX - 1, 2}, /* max-1, then max, then refused */
    {UINT64_MAX, 1},     /* max, then refused */
};

static void rekey_pair(tu_pair *p, uint8_t k, uint64_t ifv) { tu_key_set(p, k, ifv); }

static void test_counter_table(void **s) {
  (void)s;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    ot_ide_stream_cfg cfg = tu_cfg(1);
    tu_pair *p = tu_pair_new(&cfg);
    for (int sub = 0; sub < 3; sub++) /* move both ends from IFV 1 to the case's IFV */
      for (int side = 0; side < 2; side++) {
        ot_ide_engine *e = side ? ot_ide_rx_engine(&p->rx) : ot_ide_tx_engine(&p->tx);
        assert_ot_ok(ot_ide_key_stop(e, TU_SID, (ot_ide_substream)sub, 0));
      }
    rekey_pair(p, 0, cases[c].ifv);
    size_t n = tu_tlp(OT_TLP_MWR, 64, 1, 0, plain);
    for (int i = 0; i < cases[c].ok; i++) {
      uint64_t next;
      assert_ot_ok(
          ot_ide_key_next_invocation(ot_ide_tx_engine(&p->tx), TU_SID, OT_IDE_SUB_PR, 0, &next));
      assert_true(next == cases[c].ifv + (uint64_t)i);
      size_t w = tu_protect1(p, plain, n, false, wire);
      ot_ide_rx_result res;
      assert_ot_ok(ot_ide_rx_receive(&p->rx, wire, w, out, sizeof out, &res));
      assert_int_equal(res.count, 1);
    }
    ot_tlp_view v = tu_view(plain, n);
    ot_ide_tx_tlp in = {&v, false};
    size_t lens[1], total;
    memset(wire, 0, 64);
    assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, &in, 1, wire, sizeof wire, lens, &total),
                   OT_E_STATE);
    assert_true(tu_all_zero(wire, 64));
    uint64_t next;
    assert_ot_code(
        ot_ide_key_next_invocation(ot_ide_tx_engine(&p->tx), TU_SID, OT_IDE_SUB_PR, 0, &next),
        OT_E_STATE);
    /* Other sub-streams have their own counters and still work. */
    size_t r = tu_tlp(OT_TLP_MRD, 64, 2, 0, plain);
    size_t w = tu_protect1(p, plain, r, false, wire);
    ot_ide_rx_result res;
    assert_ot_ok(ot_ide_rx_receive(&p->rx, wire, w, out, sizeof out, &res));
    /* Re-key with key set 1: traffic resumes. */
    rekey_pair(p, 1, 0);
    n = tu_tlp(OT_TLP_MWR, 64, 3, 0, plain);
    w = tu_protect1(p, plain, n, false, wire);
    assert_ot_ok(ot_ide_rx_receive(&p->rx, wire, w, out, sizeof out, &res));
    assert_int_equal(res.count, 1);
    tu_pair_free(p);
  }
}

static void test_receiver_refuses_spent_key_set(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  tu_pair *p = tu_pair_new(&cfg);
  for (int sub = 0; sub < 3; sub++)
    for (int side = 0; side < 2; side++) {
      ot_ide_engine *e = side ? ot_ide_rx_engine(&p->rx) : ot_ide_tx_engine(&p->tx);
      assert_ot_ok(ot_ide_key_stop(e, TU_SID, (ot_ide_substream)sub, 0));
    }
  rekey_pair(p, 0, UINT64_MAX);
  size_t n = tu_tlp(OT_TLP_MWR, 64, 1, 0, plain);
  size_t w = tu_protect1(p, plain, n, false, wire);
  ot_ide_rx_result res;
  assert_ot_ok(ot_ide_rx_receive(&p->rx, wire, w, out, sizeof out, &res));
  memset(out, 0, sizeof out);
  assert_ot_code(ot_ide_rx_receive(&p->rx, wire, w, out, sizeof out, &res), OT_E_VERIFY);
  assert_int_equal(res.error, OT_IDE_ERR_COUNTER);
  assert_true(tu_all_zero(out, sizeof out));
  tu_expect_state(ot_ide_rx_engine(&p->rx), OT_IDE_INSECURE, OT_IDE_ERR_COUNTER);
  tu_pair_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counter_table),
      cmocka_unit_test(test_receiver_refuses_spent_key_set),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
