/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Attacks on a protected stream, one test each: the attack is detected, the
 * attacked TLP delivers nothing (the output buffer stays all zero), the
 * stream goes Insecure with the reason recorded, and it stays Insecure: a
 * genuine TLP sent afterwards is refused too (sticky until re-keyed).
 */
#include "ide_testutil.h"

static uint8_t out[TU_OUT_CAP];

typedef struct flight {
  uint8_t wire[OT_IDE_MAX_AGGREGATION][OT_TLP_MAX_WIRE + 64];
  size_t len[OT_IDE_MAX_AGGREGATION];
  size_t n;
} flight;

/* Protects n TLPs of `kind` as one group (aggregation n) and keeps them apart. */
static void send_group(tu_pair *p, ot_tlp_kind kind, size_t n, uint8_t seed, flight *f) {
  static uint8_t plain[OT_IDE_MAX_AGGREGATION][OT_TLP_MAX_WIRE];
  static uint8_t buf[TU_WIRE_CAP];
  ot_ide_tx_tlp in[OT_IDE_MAX_AGGREGATION];
  ot_tlp_view v[OT_IDE_MAX_AGGREGATION];
  for (size_t i = 0; i < n; i++) {
    size_t len = tu_tlp(kind, 64, (uint8_t)(seed + i), p->cfg.tc, plain[i]);
    v[i] = tu_view(plain[i], len);
    in[i] = (ot_ide_tx_tlp){&v[i], false};
  }
  size_t lens[OT_IDE_MAX_AGGREGATION], total, at = 0;
  assert_ot_ok(ot_ide_tx_protect(&p->tx, TU_SID, in, n, buf, sizeof buf, lens, &total));
  for (size_t i = 0; i < n; i++) {
    memcpy(f->wire[i], buf + at, lens[i]);
    f->len[i] = lens[i];
    at += lens[i];
  }
  f->n = n;
}

static void deliver_ok(tu_pair *p, const flight *f) {
  ot_ide_rx_result res;
  for (size_t i = 0; i < f->n; i++)
    assert_ot_ok(ot_ide_rx_receive(&p->rx, f->wire[i], f->len[i], out, sizeof out, &res));
  assert_int_equal(res.count, f->n);
}

/* Feeds one TLP that must be refused with `code` / `why`; nothing delivered. */
static void expect_refused(tu_pair *p, const uint8_t *wire, size_t len, ot_code code,
                           ot_ide_error why) {
  memset(out, 0, sizeof out);
  ot_ide_rx_result res;
  assert_ot_code(ot_ide_rx_receive(&p->rx, wire, len, out, sizeof out, &res), code);
  assert_int_equal(res.error, why);
  assert_int_equal(res.count, 0);
  assert_true(tu_all_zero(out, sizeof out));
}

/* After an attack: Insecure with `why`, and a fresh genuine TLP is refused. */
static void expect_sticky(tu_pair *p, ot_ide_error why) {
  tu_expect_state(ot_ide_rx_engine(&p->rx), OT_IDE_INSECURE, why);
  flight f;
  send_group(p, OT_TLP_MWR, 1, 90, &f);
  expect_refused(p, f.wire[0], f.len[0], OT_E_FAILED, OT_IDE_ERR_NOT_SECURE);
  tu_expect_state(ot_ide_rx_engine(&p->rx), OT_IDE_INSECURE, why);
}

static tu_pair *fresh(uint8_t aggregation) {
  ot_ide_stream_cfg cfg = tu_cfg(aggregation);
  return tu_pair_new(&cfg);
}

static void flip_and_expect(size_t (*where)(const flight *), ot_code code, ot_ide_error why) {
  tu_pair *p = fresh(1);
  flight f;
  send_group(p, OT_TLP_MWR, 1, 1, &f);
  deliver_ok(p, &f); /* traffic flows first */
  send_group(p, OT_TLP_MWR, 1, 2, &f);
  f.wire[0][where(&f)] ^= 0x01;
  expect_refused(p, f.wire[0], f.len[0], code, why);
  expect_sticky(p, why);
  tu_pair_free(p);
}

static size_t in_header(const flight *f) {
  (void)f;
  return 4 + 9; /* a requester ID / address byte */
}
static size_t in_payload(const flight *f) { return f->len[0] - OT_IDE_MAC_SIZE - 20; }
static size_t in_mac(const flight *f) { return f->len[0] - 1; }
static size_t in_prefix_stream_bits(const flight *f) {
  (void)f;
  return 1; /* PR_Sent_Counter byte: authenticated */
}

static void test_flipped_header_bit(void **s) {
  (void)s;
  flip_and_expect(in_header, OT_E_DECRYPT, OT_IDE_ERR_MAC);
}
static void test_flipped_payload_bit(void **s) {
  (void)s;
  flip_and_expect(in_payload, OT_E_DECRYPT, OT_IDE_ERR_MAC);
}
static void test_flipped_mac_bit(void **s) {
  (void)s;
  flip_and_expect(in_mac, OT_E_DECRYPT, OT_IDE_ERR_MAC);
}
static void test_flipped_prefix_bit(void **s) {
  (void)s;
  flip_and_expect(in_prefix_stream_bits, OT_E_DECRYPT, OT_IDE_ERR_MAC);
}

static void test_flipped_prefix_t_bit(void **s) {
  (void)s;
  /* T is allowed on this stream, so the flip reaches the MAC and fails there. */
  tu_pair *p = fresh(1);
  flight f;
  send_group(p, OT_TLP_MWR, 1, 1, &f);
  f.wire[0][3] ^= OT_IDE_PREFIX_B3_T;
  expect_refused(p, f.wire[0], f.len[0], OT_E_DECRYPT, OT_IDE_ERR_MAC);
  expect_sticky(p, OT_IDE_ERR_MAC);
  tu_pair_free(p);
}

static void test_flipped_prefix_k_bit_names_unused_key_set(void **s) {
  (void)s;
  tu_pair *p = fresh(1);
  flight f;
  send_group(p, OT_TLP_MWR, 1, 1, &f);
  f.wire[0][3] ^= OT_IDE_PREFIX_B3_K;
  expect_refused(p, f.wire[0], f.len[0], OT_E_VERIFY, OT_IDE_ERR_KEY_SET);
  expect_sticky(p, OT_IDE_ERR_KEY_SET);
  tu_pair_free(p);
}

static void test_replay(void **s) {
  (void)s;
  tu_pair *p = fresh(1);
  flight f;
  send_group(p, OT_TLP_MWR, 1, 1, &f);
  deliver_ok(p, &f);
  expect_refused(p, f.wire[0], f.len[0], OT_E_DECRYPT, OT_IDE_ERR_MAC);
  expect_sticky(p, OT_IDE_ERR_MAC);
  tu_pair_free(p);
}

static void test_drop(void **s) {
  (void)s;
  tu_pair *p = fresh(1);
  flight a, b;
  send_group(p, OT_TLP_MWR, 1, 1, &a); /* dropped on the link */
  send_group(p, OT_TLP_MWR, 1, 2, &b);
  expect_refused(p, b.wire[0], b.len[0], OT_E_DECRYPT, OT_IDE_ERR_MAC);
  expect_sticky(p, OT_IDE_ERR_MAC);
  tu_pair_free(p);
}

static void test_reorder(void **s) {
  (void)s;
  tu_pair *p = fresh(1);
  flight a, b;
  send_group(p, OT_TLP_CPLD, 1, 1, &a);
  send_group(p, OT_TLP_CPLD, 1, 2, &b);
  expect_refused(p, b.wire[0], b.len[0], OT_E_DECRYPT, OT_IDE_ERR_MAC);
  expect_refused(p, a.wire[0], a.len[0], OT_E_FAILED, OT_IDE_ERR_NOT_SECURE);
  expect_sticky(p, OT_IDE_ERR_MAC);
  tu_pair_free(p);
}

static void test_reorder_inside_aggregation_group(void **s) {
  (void)s;
  tu_pair *p = fresh(4);
  flight f;
  send_group(p, OT_TLP_MWR, 4, 1, &f);
  uint8_t tmp[OT_TLP_MAX_WIRE + 64];
  memcpy(tmp, f.wire[0], f.len[0]);
  memcpy(f.wire[0], f.wire[1], f.len[1]);
  memcpy(f.wire[1], tmp, f.len[0]);
  size_t l0 = f.len[0];
  f.len[0] = f.len[1];
  f.len[1] = l0;
  ot_ide_rx_result res;
  memset(out, 0, sizeof out);
  for (size_t i = 0; i < 3; i++) {
    assert_ot_ok(ot_ide_rx_receive(&p->rx, f.wire[i], f.len[i], out, sizeof out, &res));
    assert_int_equal(res.count, 0); /* held, nothing delivered */
  }
  expect_refused(p, f.wire[3], f.len[3], OT_E_DECRYPT, OT_IDE_ERR_MAC);
  expect_sticky(p, OT_IDE_ERR_MAC);
  tu_pair_free(p);
}

static void test_drop_inside_aggregation_group(void **s) {
  (void)s;
  tu_pair *p = fresh(4);
  flight f;
  send_group(p, OT_TLP_MRD, 4, 1, &f);
  ot_ide_rx_result res;
  assert_ot_ok(ot_ide_rx_receive(&p->rx, f.wire[0], f.len[0], out, sizeof out, &res));
  assert_ot_ok(ot_ide_rx_receive(&p->rx, f.wire[2], f.len[2], out, sizeof out, &res));
  expect_refused(p, f.wire[3], f.len[3], OT_E_DECRYPT, OT_IDE_ERR_MAC);
  expect_sticky(p, OT_IDE_ERR_MAC);
  tu_pair_free(p);
}

static void test_forged_tlp(void **s) {
  (void)s;
  /* A well-formed IDE TLP built without the key: right stream, right size. */
  tu_pair *p = fresh(1);
  static uint8_t plain[OT_TLP_MAX_WIRE], forged[OT_TLP_MAX_WIRE + 64];
  size_t n = tu_tlp(OT_TLP_MWR, 64, 3, 0, plain);
  ot_ide_prefix px = {.stream_id = TU_SID, .sub = OT_IDE_SUB_PR, .m = true};
  ot_ide_prefix_encode(&px, forged);
  memcpy(forged + 4, plain, n);
  memset(forged + 4 + n, 0xA5, OT_IDE_MAC_SIZE);
  expect_refused(p, forged, 4 + n + OT_IDE_MAC_SIZE, OT_E_DECRYPT, OT_IDE_ERR_MAC);
  expect_sticky(p, OT_IDE_ERR_MAC);
  tu_pair_free(p);
}

static void test_tlps_after_stop(void **s) {
  (void)s;
  tu_pair *p = fresh(1);
  flight f;
  send_group(p, OT_TLP_MWR, 1, 1, &f);
  deliver_ok(p, &f);
  send_group(p, OT_TLP_MWR, 1, 2, &f); /* in flight while the receiver stops K0 */
  for (int sub = 0; sub < 3; sub++)
    assert_ot_ok(ot_ide_key_stop(ot_ide_rx_engine(&p->rx), TU_SID, (ot_ide_substream)sub, 0));
  expect_refused(p, f.wire[0], f.len[0], OT_E_FAILED, OT_IDE_ERR_NOT_SECURE);
  expect_sticky(p, OT_IDE_ERR_NOT_SECURE);
  tu_pair_free(p);
}

static void test_t_bit_on_stream_without_tee(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  cfg.tee_allowed = false;
  tu_pair *p = tu_pair_new(&cfg);
  flight f;
  send_group(p, OT_TLP_MWR, 1, 1, &f);
  f.wire[0][3] |= OT_IDE_PREFIX_B3_T;
  expect_refused(p, f.wire[0], f.len[0], OT_E_VERIFY, OT_IDE_ERR_T_BIT);
  expect_sticky(p, OT_IDE_ERR_T_BIT);
  tu_pair_free(p);
}

/*
 * The attack PR_Sent exists for: drop the last posted write before a read
 * (the read would see stale data). The write's loss is not visible on the PR
 * sub-stream until its next TLP, but the read carries PR_Sent = 1.
 */
static void test_dropped_write_before_read(void **s) {
  (void)s;
  tu_pair *p = fresh(1);
  flight w1, w2, rd;
  send_group(p, OT_TLP_MWR, 1, 1, &w1);
  deliver_ok(p, &w1);
  send_group(p, OT_TLP_MWR, 1, 2, &w2); /* dropped */
  send_group(p, OT_TLP_MRD, 1, 3, &rd);
  ot_ide_prefix px;
  assert_ot_ok(ot_ide_prefix_decode(rd.wire[0], &px));
  assert_int_equal(px.pr_sent, 2);
  expect_refused(p, rd.wire[0], rd.len[0], OT_E_VERIFY, OT_IDE_ERR_PR_SENT);
  expect_sticky(p, OT_IDE_ERR_PR_SENT);
  tu_pair_free(p);
}

/*
 * PR_Sent in an aggregated group of reads: the first member carries the
 * posted requests sent before the group, each later one 0 (none between
 * them). Delivered when they match; refused at the MAC member, nothing
 * delivered, when a posted write before the group was dropped.
 */
static void test_pr_sent_in_aggregated_reads(void **s) {
  (void)s;
  tu_pair *p = fresh(2);
  flight w1, w2, rd;
  send_group(p, OT_TLP_MWR, 1, 1, &w1);
  deliver_ok(p, &w1);
  send_group(p, OT_TLP_MWR, 2, 2, &w2);
  deliver_ok(p, &w2);
  send_group(p, OT_TLP_MRD, 2, 4, &rd);
  ot_ide_prefix px0, px1;
  assert_ot_ok(ot_ide_prefix_decode(rd.wire[0], &px0));
  assert_ot_ok(ot_ide_prefix_decode(rd.wire[1], &px1));
  assert_int_equal(px0.pr_sent, 3);
  assert_int_equal(px1.pr_sent, 0);
  deliver_ok(p, &rd);
  tu_pair_free(p);

  p = fresh(2);
  send_group(p, OT_TLP_MWR, 1, 1, &w1);
  deliver_ok(p, &w1);
  send_group(p, OT_TLP_MWR, 1, 2, &w2); /* dropped */
  send_group(p, OT_TLP_MRD, 2, 3, &rd);
  ot_ide_rx_result res;
  assert_ot_ok(ot_ide_rx_receive(&p->rx, rd.wire[0], rd.len[0], out, sizeof out, &res));
  assert_int_equal(res.count, 0); /* held until its MAC */
  expect_refused(p, rd.wire[1], rd.len[1], OT_E_VERIFY, OT_IDE_ERR_PR_SENT);
  expect_sticky(p, OT_IDE_ERR_PR_SENT);
  tu_pair_free(p);
}

static void test_unknown_stream_changes_nothing(void **s) {
  (void)s;
  tu_pair *p = fresh(1);
  flight f;
  send_group(p, OT_TLP_MWR, 1, 1, &f);
  f.wire[0][2] = TU_SID + 1;
  expect_refused(p, f.wire[0], f.len[0], OT_E_NOT_FOUND, OT_IDE_ERR_UNKNOWN_STREAM);
  tu_expect_state(ot_ide_rx_engine(&p->rx), OT_IDE_SECURE, OT_IDE_ERR_NONE);
  f.wire[0][2] = TU_SID;
  deliver_ok(p, &f);
  tu_pair_free(p);
}

static void test_malformed_prefix_and_sizes(void **s) {
  (void)s;
  struct {
    size_t at;
    uint8_t x;
    int cut;
  } cases[] = {
      {3, OT_IDE_PREFIX_B3_RSVD, 0}, /* reserved bit */
      {3, 0x30, 0},                  /* sub-stream 011b */
      {3, 0x10, 0},                  /* MWr labelled NPR */
      {3, OT_IDE_PREFIX_B3_P, 0},    /* P without PCRC enabled */
      {3, OT_IDE_PREFIX_B3_M, 0},    /* M cleared: size no longer matches */
      {0, 0, -4},                    /* truncated */
      {0, 0, 4},                     /* trailing */
      {4 + 2, OT_TLP_B2_TD, 0},      /* TD inside an IDE TLP */
      {4, 0xE0, 0},                  /* reserved Fmt in the header */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    tu_pair *p = fresh(1);
    flight f;
    send_group(p, OT_TLP_MWR, 1, 1, &f);
    f.wire[0][cases[i].at] ^= cases[i].x;
    expect_refused(p, f.wire[0], (size_t)((long)f.len[0] + cases[i].cut), OT_E_MALFORMED,
                   OT_IDE_ERR_MALFORMED);
    expect_sticky(p, OT_IDE_ERR_MALFORMED);
    tu_pair_free(p);
  }
}

static void test_too_many_tlps_without_mac(void **s) {
  (void)s;
  tu_pair *p = fresh(8);
  flight f;
  send_group(p, OT_TLP_MWR, 8, 1, &f);
  ot_ide_rx_result res;
  for (size_t i = 0; i < 7; i++)
    assert_ot_ok(ot_ide_rx_receive(&p->rx, f.wire[i], f.len[i], out, sizeof out, &res));
  f.wire[7][3] &= (uint8_t)~OT_IDE_PREFIX_B3_M; /* a ninth member would follow */
  expect_refused(p, f.wire[7], f.len[7] - OT_IDE_MAC_SIZE, OT_E_VERIFY, OT_IDE_ERR_AGGREGATION);
  expect_sticky(p, OT_IDE_ERR_AGGREGATION);
  tu_pair_free(p);
}

static void test_non_ide_tlp_on_link_tc(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  cfg.kind = OT_IDE_STREAM_LINK;
  cfg.tc = 1;
  tu_pair *p = tu_pair_new(&cfg);
  static uint8_t plain[OT_TLP_MAX_WIRE];
  size_t n = tu_tlp(OT_TLP_MWR, 64, 1, 0, plain); /* TC 0: not ours */
  expect_refused(p, plain, n, OT_E_MALFORMED, OT_IDE_ERR_NOT_IDE);
  tu_expect_state(ot_ide_rx_engine(&p->rx), OT_IDE_SECURE, OT_IDE_ERR_NONE);
  n = tu_tlp(OT_TLP_MWR, 64, 1, 1, plain); /* TC 1 in the clear: stripped IDE */
  expect_refused(p, plain, n, OT_E_MALFORMED, OT_IDE_ERR_NOT_IDE);
  expect_sticky(p, OT_IDE_ERR_NOT_IDE);
  tu_pair_free(p);
}

static void test_rekey_recovers(void **s) {
  (void)s;
  tu_pair *p = fresh(1);
  flight f;
  send_group(p, OT_TLP_MWR, 1, 1, &f);
  f.wire[0][20] ^= 0x80;
  expect_refused(p, f.wire[0], f.len[0], OT_E_DECRYPT, OT_IDE_ERR_MAC);
  /* Keys were zeroized on failure; enabling again is not enough. */
  assert_ot_ok(ot_ide_stream_enable(ot_ide_rx_engine(&p->rx), TU_SID));
  tu_expect_state(ot_ide_rx_engine(&p->rx), OT_IDE_INSECURE, OT_IDE_ERR_MAC);
  /* Full recovery: disable both ends, re-key, enable. */
  assert_ot_ok(ot_ide_stream_disable(ot_ide_rx_engine(&p->rx), TU_SID));
  assert_ot_ok(ot_ide_stream_disable(ot_ide_tx_engine(&p->tx), TU_SID));
  tu_key_set(p, 0, 1000);
  assert_ot_ok(ot_ide_stream_enable(ot_ide_rx_engine(&p->rx), TU_SID));
  assert_ot_ok(ot_ide_stream_enable(ot_ide_tx_engine(&p->tx), TU_SID));
  tu_expect_state(ot_ide_rx_engine(&p->rx), OT_IDE_SECURE, OT_IDE_ERR_NONE);
  send_group(p, OT_TLP_MWR, 1, 2, &f);
  deliver_ok(p, &f);
  tu_pair_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flipped_header_bit),
      cmocka_unit_test(test_flipped_payload_bit),
      cmocka_unit_test(test_flipped_mac_bit),
      cmocka_unit_test(test_flipped_prefix_bit),
      cmocka_unit_test(test_flipped_prefix_t_bit),
      cmocka_unit_test(test_flipped_prefix_k_bit_names_unused_key_set),
      cmocka_unit_test(test_replay),
      cmocka_unit_test(test_drop),
      cmocka_unit_test(test_reorder),
      cmocka_unit_test(test_reorder_inside_aggregation_group),
      cmocka_unit_test(test_drop_inside_aggregation_group),
      cmocka_unit_test(test_forged_tlp),
      cmocka_unit_test(test_tlps_after_stop),
      cmocka_unit_test(test_t_bit_on_stream_without_tee),
      cmocka_unit_test(test_dropped_write_before_read),
      cmocka_unit_test(test_pr_sent_in_aggregated_reads),
      cmocka_unit_test(test_unknown_stream_changes_nothing),
      cmocka_unit_test(test_malformed_prefix_and_sizes),
      cmocka_unit_test(test_too_many_tlps_without_mac),
      cmocka_unit_test(test_non_ide_tlp_on_link_tc),
      cmocka_unit_test(test_rekey_recovers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
