/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A transmit group refused part way (PCIe r6.0 §6.33.6 aggregation: one MAC
 * after the last TLP of the group). The transmitter lays each TLP out in
 * place as it passes its checks, so a refusal at a later member must zero
 * what the earlier members wrote and consume no invocation value; a group
 * that passes puts its one MAC after its last member's layout (the MAC
 * position follows the last TLP's layout, whatever the earlier ones were).
 */
#include "ide_testutil.h"

static uint8_t wire[TU_WIRE_CAP];
static uint8_t out[TU_OUT_CAP];
static uint8_t plain[4][OT_TLP_MAX_WIRE];

/* The next invocation value of the posted sub-stream's key set 0 on the transmitter. */
static uint64_t tx_next(tu_pair *p) {
  uint64_t next = 0;
  assert_ot_ok(
      ot_ide_key_next_invocation(ot_ide_tx_engine(&p->tx), TU_SID, OT_IDE_SUB_PR, 0, &next));
  return next;
}

static void test_refusal_at_a_later_member_zeroes_the_earlier_ones(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(4);
  cfg.tee_allowed = false;
  tu_pair *p = tu_pair_new(&cfg);
  /* Two posted writes of different sizes, the second with a 4 DW header. */
  size_t a = tu_tlp(OT_TLP_MWR, 256, 2, 0, plain[0]); /* even seed: 3 DW header */
  size_t b = tu_tlp(OT_TLP_MWR, 64, 3, 0, plain[1]);  /* odd seed: 64-bit address, 4 DW */
  ot_tlp_view va = tu_view(plain[0], a), vb = tu_view(plain[1], b);
  ot_ide_tx_tlp in[2] = {{&va, false}, {&vb, false}};
  size_t lens[2], total = 0;
  size_t need = ot_ide_tx_protected_size(&p->tx, TU_SID, in, 2);
  assert_int_equal(need, (4 + 12 + 256) + (4 + 16 + 64 + OT_IDE_MAC_SIZE));

  /* Room for the first member only: it was written, then zeroed. */
  memset(wire, 0xA5, sizeof wire);
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, in, 2, wire, need - 1, lens, &total),
                 OT_E_NO_SPACE);
  assert_true(tu_all_zero(wire, 4 + 12 + 256));
  assert_int_equal(wire[4 + 12 + 256], 0xA5); /* nothing past what was laid out */
  assert_int_equal(tx_next(p), 1);

  /* The second member asks for T=1 on a stream without TEE traffic (SPEC-FACTS §6). */
  memset(wire, 0xA5, sizeof wire);
  in[1].t = true;
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, in, 2, wire, sizeof wire, lens, &total),
                 OT_E_POLICY);
  assert_true(tu_all_zero(wire, 4 + 12 + 256));
  assert_int_equal(tx_next(p), 1);

  /* The second member is of another sub-stream (§6.33.5: one MAC, one sub-stream). */
  size_t r = tu_tlp(OT_TLP_MRD, 4, 4, 0, plain[2]);
  ot_tlp_view vr = tu_view(plain[2], r);
  in[1] = (ot_ide_tx_tlp){&vr, false};
  memset(wire, 0xA5, sizeof wire);
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, in, 2, wire, sizeof wire, lens, &total),
                 OT_E_ARG);
  assert_true(tu_all_zero(wire, 4 + 12 + 256));
  assert_int_equal(tx_next(p), 1);

  /* The same group, now valid, goes through: the MAC sits after the 4 DW member. */
  in[1] = (ot_ide_tx_tlp){&vb, false};
  assert_ot_ok(ot_ide_tx_protect(&p->tx, TU_SID, in, 2, wire, sizeof wire, lens, &total));
  assert_int_equal(total, need);
  assert_int_equal(lens[0], 4 + 12 + 256);
  assert_int_equal(lens[1], 4 + 16 + 64 + OT_IDE_MAC_SIZE);
  assert_int_equal(tx_next(p), 2);
  ot_ide_rx_result res;
  assert_ot_ok(ot_ide_rx_receive(&p->rx, wire, lens[0], out, sizeof out, &res));
  assert_int_equal(res.count, 0);
  assert_ot_ok(ot_ide_rx_receive(&p->rx, wire + lens[0], lens[1], out, sizeof out, &res));
  assert_int_equal(res.count, 2);
  assert_memory_equal(out + res.tlps[0].off, plain[0], a);
  assert_memory_equal(out + res.tlps[1].off, plain[1], b);
  tu_pair_free(p);
}

static void test_lone_tlp_refusals_write_nothing(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  tu_pair *p = tu_pair_new(&cfg);
  size_t a = tu_tlp(OT_TLP_MWR, 128, 2, 0, plain[0]);
  ot_tlp_view va = tu_view(plain[0], a);
  ot_ide_tx_tlp in[2] = {{&va, false}, {&va, false}};
  size_t lens[2], total = 0;
  memset(wire, 0xA5, sizeof wire);
  /* One byte short of the lone TLP's prefix, header, payload and MAC. */
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, in, 1, wire, 4 + 12 + 128 + 11, lens, &total),
                 OT_E_NO_SPACE);
  /* More TLPs than the stream aggregates (Tx Aggregation Mode 1). */
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, in, 2, wire, sizeof wire, lens, &total),
                 OT_E_ARG);
  for (size_t i = 0; i < 4 + 12 + 128 + 12; i++)
    assert_int_equal(wire[i], 0xA5); /* refused before anything was laid out */
  assert_int_equal(tx_next(p), 1);
  assert_ot_ok(ot_ide_tx_protect(&p->tx, TU_SID, in, 1, wire, 4 + 12 + 128 + 12, lens, &total));
  assert_int_equal(total, 4 + 12 + 128 + 12);
  ot_ide_rx_result res;
  assert_ot_ok(ot_ide_rx_receive(&p->rx, wire, lens[0], out, sizeof out, &res));
  assert_int_equal(res.count, 1);
  assert_memory_equal(out + res.tlps[0].off, plain[0], a);
  tu_pair_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_refusal_at_a_later_member_zeroes_the_earlier_ones),
      cmocka_unit_test(test_lone_tlp_refusals_write_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
