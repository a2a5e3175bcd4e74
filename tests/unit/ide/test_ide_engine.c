/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE engine round trips: every TLP type on its sub-stream, aggregation of
 * 1, 2, 4 and 8, PCRC, the T bit, link streams; stream states driven by
 * install / go / stop / enable / disable; a key-set switch under traffic.
 */
#include "ide_testutil.h"

static uint8_t wire[TU_WIRE_CAP];
static uint8_t out[TU_OUT_CAP];
static uint8_t plain[OT_IDE_MAX_AGGREGATION][OT_TLP_MAX_WIRE];
static size_t plain_len[OT_IDE_MAX_AGGREGATION];

/* Sends one group of n TLPs of `kind` through tx and rx and checks what arrives. */
static void group_roundtrip(tu_pair *p, ot_tlp_kind kind, size_t n, size_t payload, bool t) {
  ot_ide_tx_tlp in[OT_IDE_MAX_AGGREGATION];
  ot_tlp_view v[OT_IDE_MAX_AGGREGATION];
  for (size_t i = 0; i < n; i++) {
    plain_len[i] = tu_tlp(kind, payload, (uint8_t)(i + 1), p->cfg.tc, plain[i]);
    v[i] = tu_view(plain[i], plain_len[i]);
    in[i] = (ot_ide_tx_tlp){&v[i], t};
  }
  size_t lens[OT_IDE_MAX_AGGREGATION], total = 0;
  assert_int_equal(ot_ide_tx_protected_size(&p->tx, TU_SID, in, n) > 0, 1);
  size_t want_total = ot_ide_tx_protected_size(&p->tx, TU_SID, in, n);
  assert_ot_ok(ot_ide_tx_protect(&p->tx, TU_SID, in, n, wire, sizeof wire, lens, &total));
  assert_int_equal(total, want_total);
  size_t at = 0;
  ot_ide_rx_result res;
  for (size_t i = 0; i < n; i++) {
    /* The prefix says what the engine decided. */
    ot_ide_prefix px;
    assert_ot_ok(ot_ide_prefix_decode(wire + at, &px));
    assert_int_equal(px.stream_id, TU_SID);
    assert_int_equal(px.sub, ot_ide_substream_of(kind));
    assert_int_equal(px.m, i + 1 == n);
    assert_int_equal(px.t, t);
    /* The payload left the port encrypted. */
    size_t pl = plain_len[i] - (ot_tlp_kind_has_data(kind) ? payload : 0);
    if (ot_tlp_kind_has_data(kind) && payload >= 16)
      assert_memory_not_equal(wire + at + 4 + pl, plain[i] + pl, 16);
    memset(out, 0, sizeof out);
    assert_ot_ok(ot_ide_rx_receive(&p->rx, wire + at, lens[i], out, sizeof out, &res));
    at += lens[i];
    if (i + 1 < n) assert_int_equal(res.count, 0);
  }
  assert_int_equal(at, total);
  assert_int_equal(res.count, n);
  assert_int_equal(res.error, OT_IDE_ERR_NONE);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(res.tlps[i].len, plain_len[i]);
    assert_memory_equal(out + res.tlps[i].off, plain[i], plain_len[i]);
    assert_int_equal(res.tlps[i].t, t);
    ot_tlp back;
    assert_ot_ok(ot_tlp_decode(out + res.tlps[i].off, res.tlps[i].len, &back));
  }
}

static const ot_tlp_kind kinds[] = {OT_TLP_MRD,  OT_TLP_MWR, OT_TLP_CPL,
                                    OT_TLP_CPLD, OT_TLP_MSG, OT_TLP_MSGD};

static void run_all_kinds(uint8_t aggregation, bool pcrc) {
  ot_ide_stream_cfg cfg = tu_cfg(aggregation);
  cfg.pcrc = pcrc;
  tu_pair *p = tu_pair_new(&cfg);
  static const size_t sizes[] = {4, 64, 256, 4096};
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
      for (size_t n = 1; n <= aggregation; n *= 2) group_roundtrip(p, kinds[k], n, sizes[s], s & 1);
    }
  }
  tu_expect_state(ot_ide_rx_engine(&p->rx), OT_IDE_SECURE, OT_IDE_ERR_NONE);
  tu_pair_free(p);
}

static void test_roundtrip_aggregation_1(void **s) {
  (void)s;
  run_all_kinds(1, false);
}
static void test_roundtrip_aggregation_2(void **s) {
  (void)s;
  run_all_kinds(2, false);
}
static void test_roundtrip_aggregation_4(void **s) {
  (void)s;
  run_all_kinds(4, false);
}
static void test_roundtrip_aggregation_8(void **s) {
  (void)s;
  run_all_kinds(8, false);
}
static void test_roundtrip_pcrc(void **s) {
  (void)s;
  run_all_kinds(4, true);
}

static void test_pcrc_bit_only_with_payload(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  cfg.pcrc = true;
  tu_pair *p = tu_pair_new(&cfg);
  size_t n = tu_tlp(OT_TLP_MWR, 64, 1, 0, plain[0]);
  size_t w = tu_protect1(p, plain[0], n, false, wire);
  assert_int_equal(w, 4 + n + OT_IDE_PCRC_SIZE + OT_IDE_MAC_SIZE);
  assert_true(wire[3] & OT_IDE_PREFIX_B3_P);
  n = tu_tlp(OT_TLP_MRD, 64, 2, 0, plain[0]);
  w = tu_protect1(p, plain[0], n, false, wire);
  assert_int_equal(w, 4 + n + OT_IDE_MAC_SIZE);
  assert_false(wire[3] & OT_IDE_PREFIX_B3_P);
  tu_pair_free(p);
}

static void test_interleaved_substreams(void **s) {
  (void)s;
  /* Each sub-stream keeps its own counter; PR_Sent follows posted requests. */
  ot_ide_stream_cfg cfg = tu_cfg(2);
  tu_pair *p = tu_pair_new(&cfg);
  for (int round = 0; round < 3; round++) {
    group_roundtrip(p, OT_TLP_MWR, 2, 64, false);
    group_roundtrip(p, OT_TLP_MRD, 1, 64, false);
    group_roundtrip(p, OT_TLP_MSG, 1, 0, false);
    group_roundtrip(p, OT_TLP_CPLD, 2, 64, true);
  }
  uint64_t next;
  assert_ot_ok(
      ot_ide_key_next_invocation(ot_ide_tx_engine(&p->tx), TU_SID, OT_IDE_SUB_PR, 0, &next));
  assert_int_equal(next, 1 + 6); /* IFV 1, six PR groups */
  assert_ot_ok(
      ot_ide_key_next_invocation(ot_ide_rx_engine(&p->rx), TU_SID, OT_IDE_SUB_CPL, 0, &next));
  assert_int_equal(next, 1 + 3);
  tu_pair_free(p);
}

static void test_link_stream_carries_its_tc(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  cfg.kind = OT_IDE_STREAM_LINK;
  cfg.tc = 3;
  tu_pair *p = tu_pair_new(&cfg);
  group_roundtrip(p, OT_TLP_MWR, 1, 256, false);
  size_t n = tu_tlp(OT_TLP_MWR, 64, 1, 2, plain[0]); /* TC 2 on the TC 3 stream */
  ot_tlp_view v = tu_view(plain[0], n);
  ot_ide_tx_tlp in = {&v, false};
  size_t lens[1], total;
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, &in, 1, wire, sizeof wire, lens, &total),
                 OT_E_ARG);
  tu_pair_free(p);
}

static void test_tx_refuses_bad_groups(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(2);
  cfg.tee_allowed = false;
  tu_pair *p = tu_pair_new(&cfg);
  size_t a = tu_tlp(OT_TLP_MWR, 64, 1, 0, plain[0]);
  size_t b = tu_tlp(OT_TLP_MRD, 64, 2, 0, plain[1]);
  ot_tlp_view va = tu_view(plain[0], a), vb = tu_view(plain[1], b);
  ot_ide_tx_tlp in[3] = {{&va, false}, {&vb, false}, {&va, false}};
  size_t lens[3], total;
  memset(wire, 0, 64);
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, in, 2, wire, sizeof wire, lens, &total),
                 OT_E_ARG); /* two sub-streams under one MAC */
  in[1] = in[0];
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, in, 3, wire, sizeof wire, lens, &total),
                 OT_E_ARG); /* more than the stream's aggregation */
  in[0].t = true;
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, in, 1, wire, sizeof wire, lens, &total),
                 OT_E_POLICY); /* T=1 on a stream without TEE traffic */
  in[0].t = false;
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, in, 1, wire, 10, lens, &total), OT_E_NO_SPACE);
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID + 1, in, 1, wire, sizeof wire, lens, &total),
                 OT_E_NOT_FOUND);
  plain[0][2] |= OT_TLP_B2_TD; /* ECRC inside an IDE TLP (a valid TLP, not for IDE here) */
  ot_tlp_view vd = tu_view(plain[0], a + 4);
  in[0].tlp = &vd;
  assert_ot_code(ot_ide_tx_protect(&p->tx, TU_SID, in, 1, wire, sizeof wire, lens, &total),
                 OT_E_UNSUPPORTED);
  assert_true(tu_all_zero(wire, 64));
  /* Nothing was consumed: the next TLP still uses invocation value 1. */
  uint64_t next;
  assert_ot_ok(
      ot_ide_key_next_invocation(ot_ide_tx_engine(&p->tx), TU_SID, OT_IDE_SUB_PR, 0, &next));
  assert_int_equal(next, 1);
  tu_pair_free(p);
}

static void test_states_follow_keys_and_enable(void **s) {
  (void)s;
  size_t marks = ot_secret_mark_count();
  ot_ide_stream_cfg cfg = tu_cfg(1);
  ot_ide_tx tx;
  ot_ide_tx_init(&tx);
  ot_ide_engine *e = ot_ide_tx_engine(&tx);
  assert_ot_ok(ot_ide_tx_stream_add(&tx, &cfg));
  assert_ot_code(ot_ide_tx_stream_add(&tx, &cfg), OT_E_EXISTS);
  tu_expect_state(e, OT_IDE_INSECURE, OT_IDE_ERR_NONE);
  assert_ot_code(ot_ide_key_go(e, TU_SID, OT_IDE_SUB_PR, 0), OT_E_STATE); /* nothing installed */
  for (int sub = 0; sub < 3; sub++) {
    ot_ide_key_material km = tu_key((ot_ide_substream)sub, 0, 1);
    assert_ot_ok(ot_ide_key_install(e, TU_SID, (ot_ide_substream)sub, 0, &km));
  }
  assert_int_equal(ot_secret_mark_count(), marks + 3); /* installed keys are marked */
  assert_ot_ok(ot_ide_stream_enable(e, TU_SID));
  tu_expect_state(e, OT_IDE_INSECURE, OT_IDE_ERR_NONE); /* installed, not GO */
  for (int sub = 0; sub < 3; sub++)
    assert_ot_ok(ot_ide_key_go(e, TU_SID, (ot_ide_substream)sub, 0));
  tu_expect_state(e, OT_IDE_SECURE, OT_IDE_ERR_NONE);
  ot_ide_key_material km = tu_key(OT_IDE_SUB_PR, 0, 1);
  assert_ot_code(ot_ide_key_install(e, TU_SID, OT_IDE_SUB_PR, 0, &km), OT_E_STATE); /* GO set */
  assert_ot_ok(ot_ide_key_stop(e, TU_SID, OT_IDE_SUB_NPR, 0));
  tu_expect_state(e, OT_IDE_INSECURE, OT_IDE_ERR_NONE); /* NPR has no key set */
  assert_ot_code(ot_ide_key_stop(e, TU_SID, OT_IDE_SUB_NPR, 0), OT_E_STATE);
  assert_int_equal(ot_secret_mark_count(), marks + 2);
  assert_ot_ok(ot_ide_stream_disable(e, TU_SID));
  assert_int_equal(ot_secret_mark_count(), marks); /* disable released every key */
  for (int sub = 0; sub < 3; sub++) {
    assert_int_equal(e->streams[0].sub[sub].slot[0].aead.evp, NULL);
    assert_false(e->streams[0].sub[sub].slot[0].installed);
  }
  assert_ot_ok(ot_ide_stream_remove(e, TU_SID));
  assert_ot_code(ot_ide_stream_remove(e, TU_SID), OT_E_NOT_FOUND);
  ot_ide_tx_clear(&tx);
}

static void test_stream_table_limits(void **s) {
  (void)s;
  ot_ide_rx rx;
  ot_ide_rx_init(&rx);
  ot_ide_stream_cfg cfg = tu_cfg(1);
  for (unsigned i = 0; i < OT_IDE_MAX_STREAMS; i++) {
    cfg.stream_id = (uint8_t)(i * 30);
    assert_ot_ok(ot_ide_rx_stream_add(&rx, &cfg, NULL, 0));
  }
  cfg.stream_id = 255;
  assert_ot_code(ot_ide_rx_stream_add(&rx, &cfg, NULL, 0), OT_E_NO_SPACE);
  cfg.aggregation[1] = 3;
  assert_ot_code(ot_ide_rx_stream_add(&rx, &cfg, NULL, 0), OT_E_ARG);
  cfg.aggregation[1] = 1;
  cfg.tc = 8;
  assert_ot_code(ot_ide_rx_stream_add(&rx, &cfg, NULL, 0), OT_E_ARG);
  ot_ide_rx_clear(&rx);
}

/* K0 -> K1 while TLPs are in flight: TLPs sealed under K0 before the switch
 * and under K1 after it all arrive, in order, with nothing lost. */
static void test_key_switch_under_traffic_loses_nothing(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  tu_pair *p = tu_pair_new(&cfg);
  enum { N = 6 };
  static uint8_t flight[N][OT_TLP_MAX_WIRE + 64];
  size_t flight_len[N];
  for (int i = 0; i < N; i++) {
    if (i == 3) {
      /* Refresh: receiver gets K1 first (K0 still GO), then the transmitter switches. */
      for (int sub = 0; sub < 3; sub++) {
        ot_ide_key_material km = tu_key((ot_ide_substream)sub, 1, 100);
        assert_ot_ok(
            ot_ide_key_install(ot_ide_rx_engine(&p->rx), TU_SID, (ot_ide_substream)sub, 1, &km));
        assert_ot_ok(ot_ide_key_go(ot_ide_rx_engine(&p->rx), TU_SID, (ot_ide_substream)sub, 1));
        assert_ot_ok(
            ot_ide_key_install(ot_ide_tx_engine(&p->tx), TU_SID, (ot_ide_substream)sub, 1, &km));
        assert_ot_ok(ot_ide_key_go(ot_ide_tx_engine(&p->tx), TU_SID, (ot_ide_substream)sub, 1));
        assert_ot_ok(ot_ide_key_stop(ot_ide_tx_engine(&p->tx), TU_SID, (ot_ide_substream)sub, 0));
      }
    }
    plain_len[i % 8] = tu_tlp(OT_TLP_MWR, 128, (uint8_t)i, 0, plain[i % 8]);
    flight_len[i] = tu_protect1(p, plain[i % 8], plain_len[i % 8], false, flight[i]);
    ot_ide_prefix px;
    assert_ot_ok(ot_ide_prefix_decode(flight[i], &px));
    assert_int_equal(px.k, i >= 3);
  }
  for (int i = 0; i < N; i++) {
    ot_ide_rx_result res;
    assert_ot_ok(ot_ide_rx_receive(&p->rx, flight[i], flight_len[i], out, sizeof out, &res));
    assert_int_equal(res.count, 1);
    size_t n = tu_tlp(OT_TLP_MWR, 128, (uint8_t)i, 0, plain[0]);
    assert_memory_equal(out, plain[0], n);
  }
  /* The old set is stopped at the receiver too; traffic continues on K1. */
  for (int sub = 0; sub < 3; sub++)
    assert_ot_ok(ot_ide_key_stop(ot_ide_rx_engine(&p->rx), TU_SID, (ot_ide_substream)sub, 0));
  group_roundtrip(p, OT_TLP_MWR, 1, 64, false);
  tu_expect_state(ot_ide_rx_engine(&p->rx), OT_IDE_SECURE, OT_IDE_ERR_NONE);
  tu_expect_state(ot_ide_tx_engine(&p->tx), OT_IDE_SECURE, OT_IDE_ERR_NONE);
  tu_pair_free(p);
}

static void test_rx_out_too_small_consumes_nothing(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  tu_pair *p = tu_pair_new(&cfg);
  size_t n = tu_tlp(OT_TLP_MWR, 256, 1, 0, plain[0]);
  size_t w = tu_protect1(p, plain[0], n, false, wire);
  ot_ide_rx_result res;
  assert_ot_code(ot_ide_rx_receive(&p->rx, wire, w, out, 100, &res), OT_E_NO_SPACE);
  assert_ot_ok(ot_ide_rx_receive(&p->rx, wire, w, out, sizeof out, &res));
  assert_int_equal(res.count, 1);
  tu_pair_free(p);
}

/*
 * The data path reads a cached Secure flag: after every key and enable
 * change, protect must succeed exactly when ot_ide_stream_state says Secure
 * (PCIe r6.0 §6.33.1; SPEC-FACTS §5.2), and receive must refuse while not.
 */
static bool tx_secure(tu_pair *p) {
  ot_ide_state st;
  assert_ot_ok(ot_ide_stream_state(ot_ide_tx_engine(&p->tx), TU_SID, &st, NULL));
  size_t n = tu_tlp(OT_TLP_MWR, 16, 1, p->cfg.tc, plain[0]);
  ot_tlp_view v = tu_view(plain[0], n);
  ot_ide_tx_tlp in = {&v, false};
  size_t lens[1], total;
  ot_status r = ot_ide_tx_protect(&p->tx, TU_SID, &in, 1, wire, sizeof wire, lens, &total);
  assert_int_equal(ot_ok(r), st == OT_IDE_SECURE);
  if (!ot_ok(r)) assert_int_equal(r.code, OT_E_STATE);
  return st == OT_IDE_SECURE;
}

static void test_cached_secure_follows_every_change(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  tu_pair *p = tu_pair_new(&cfg);
  ot_ide_engine *tx = ot_ide_tx_engine(&p->tx);
  assert_true(tx_secure(p));
  assert_ot_ok(ot_ide_key_stop(tx, TU_SID, OT_IDE_SUB_CPL, 0)); /* one sub-stream without a key */
  assert_false(tx_secure(p));
  ot_ide_key_material km = {.iv_fixed = OT_IDE_IV_FIXED_PCIE, .ifv = 1};
  assert_ot_ok(ot_ide_key_install(tx, TU_SID, OT_IDE_SUB_CPL, 1, &km));
  assert_false(tx_secure(p)); /* installed is not GO */
  assert_ot_ok(ot_ide_key_go(tx, TU_SID, OT_IDE_SUB_CPL, 1));
  assert_true(tx_secure(p));
  assert_ot_ok(ot_ide_stream_disable(tx, TU_SID));
  assert_false(tx_secure(p));
  assert_ot_ok(ot_ide_stream_enable(tx, TU_SID)); /* enabled, but disable dropped every key */
  assert_false(tx_secure(p));
  /* Receive: a stream that never became Secure refuses and fails. */
  ot_ide_engine *rx = ot_ide_rx_engine(&p->rx);
  assert_ot_ok(ot_ide_key_stop(rx, TU_SID, OT_IDE_SUB_PR, 0));
  ot_ide_state st;
  assert_ot_ok(ot_ide_stream_state(rx, TU_SID, &st, NULL));
  assert_int_equal(st, OT_IDE_INSECURE);
  uint8_t bogus[OT_IDE_PREFIX_SIZE + 32] = {OT_IDE_PREFIX_BYTE0, 0, TU_SID, 0};
  ot_ide_rx_result res;
  assert_ot_code(ot_ide_rx_receive(&p->rx, bogus, sizeof bogus, out, sizeof out, &res),
                 OT_E_FAILED);
  assert_int_equal(res.error, OT_IDE_ERR_NOT_SECURE);
  tu_pair_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_aggregation_1),
      cmocka_unit_test(test_roundtrip_aggregation_2),
      cmocka_unit_test(test_roundtrip_aggregation_4),
      cmocka_unit_test(test_roundtrip_aggregation_8),
      cmocka_unit_test(test_roundtrip_pcrc),
      cmocka_unit_test(test_pcrc_bit_only_with_payload),
      cmocka_unit_test(test_interleaved_substreams),
      cmocka_unit_test(test_link_stream_carries_its_tc),
      cmocka_unit_test(test_tx_refuses_bad_groups),
      cmocka_unit_test(test_states_follow_keys_and_enable),
      cmocka_unit_test(test_cached_secure_follows_every_change),
      cmocka_unit_test(test_stream_table_limits),
      cmocka_unit_test(test_key_switch_under_traffic_loses_nothing),
      cmocka_unit_test(test_rx_out_too_small_consumes_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
