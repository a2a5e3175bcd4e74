/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state each stream derives when its configuration or key sets change
 * (ot_ide_stream.tx_prefix, .rx_mask, .rx_want; ide_stream_derive) and the
 * data path reads instead of deriving it per TLP: after every K_SET_GO and
 * K_SET_STOP, key refresh, stream reconfiguration (remove and add) and
 * failure with recovery, what is sent and what is accepted must follow the
 * new state. A derived value left stale by any of these makes one of these
 * tests fail.
 */
#include "ide_testutil.h"

static uint8_t wire[TU_WIRE_CAP];
static uint8_t out[TU_OUT_CAP];
static uint8_t plain[OT_TLP_MAX_WIRE];

/* Installs and GOes key set k (IFV ifv) of every sub-stream on one engine (tu_key's keys). */
static void side_keys(ot_ide_engine *e, uint8_t sid, uint8_t k, uint64_t ifv) {
  for (int sub = 0; sub < 3; sub++) {
    ot_ide_key_material km = tu_key((ot_ide_substream)sub, k, ifv);
    assert_ot_ok(ot_ide_key_install(e, sid, (ot_ide_substream)sub, k, &km));
    assert_ot_ok(ot_ide_key_go(e, sid, (ot_ide_substream)sub, k));
    ot_zeroize(&km, sizeof km);
  }
}

/* Replaces the receiver's stream (same slot, as a reconfiguration does) by cfg, keyed with set 0. */
static void rx_reconfigure(tu_pair *p, const ot_ide_stream_cfg *old, const ot_ide_stream_cfg *cfg,
                           uint64_t ifv) {
  ot_ide_engine *e = ot_ide_rx_engine(&p->rx);
  assert_ot_ok(ot_ide_stream_remove(e, old->stream_id));
  assert_ot_ok(ot_ide_rx_stream_add(&p->rx, cfg, p->pending, sizeof p->pending));
  side_keys(e, cfg->stream_id, 0, ifv);
  assert_ot_ok(ot_ide_stream_enable(e, cfg->stream_id));
}

static void tx_reconfigure(tu_pair *p, const ot_ide_stream_cfg *old, const ot_ide_stream_cfg *cfg,
                           uint64_t ifv) {
  ot_ide_engine *e = ot_ide_tx_engine(&p->tx);
  assert_ot_ok(ot_ide_stream_remove(e, old->stream_id));
  assert_ot_ok(ot_ide_tx_stream_add(&p->tx, cfg));
  side_keys(e, cfg->stream_id, 0, ifv);
  assert_ot_ok(ot_ide_stream_enable(e, cfg->stream_id));
}

/* Protects one TLP of `kind` (64 bytes of data where it has any) on stream sid; its prefix in *px. */
static size_t send1(tu_pair *p, uint8_t sid, ot_tlp_kind kind, uint8_t tc, bool t, uint8_t seed,
                    ot_ide_prefix *px) {
  size_t n = tu_tlp(kind, 64, seed, tc, plain);
  ot_tlp_view v = tu_view(plain, n);
  ot_ide_tx_tlp in = {&v, t};
  size_t lens[1], total;
  assert_ot_ok(ot_ide_tx_protect(&p->tx, sid, &in, 1, wire, sizeof wire, lens, &total));
  assert_ot_ok(ot_ide_prefix_decode(wire, px));
  assert_int_equal(px->stream_id, sid);
  assert_int_equal(px->sub, ot_ide_substream_of(kind));
  assert_true(px->m);
  assert_int_equal(px->t, t);
  return total;
}

/* Receives wire[0..len) and expects the TLP last sent delivered. */
static void expect_delivered(tu_pair *p, size_t len) {
  ot_ide_rx_result res;
  assert_ot_ok(ot_ide_rx_receive(&p->rx, wire, len, out, sizeof out, &res));
  assert_int_equal(res.count, 1);
  assert_int_equal(res.tlps[0].len, res.tlps[0].tlp.d.wire_len);
  assert_memory_equal(out, plain, res.tlps[0].len);
}

/* Receives wire[0..len) and expects the refusal (code, why). */
static void expect_refused(tu_pair *p, size_t len, ot_code code, ot_ide_error why) {
  ot_ide_rx_result res;
  assert_ot_code(ot_ide_rx_receive(&p->rx, wire, len, out, sizeof out, &res), code);
  assert_int_equal(res.error, why);
  assert_int_equal(res.count, 0);
}

/* The transmitted K bit follows K_SET_GO and K_SET_STOP of each sub-stream on its own. */
static void test_tx_k_follows_go_and_stop(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  tu_pair *p = tu_pair_new(&cfg);
  ot_ide_engine *tx = ot_ide_tx_engine(&p->tx), *rx = ot_ide_rx_engine(&p->rx);
  ot_ide_prefix px;
  size_t w = send1(p, TU_SID, OT_TLP_MWR, 0, false, 1, &px);
  assert_false(px.k);
  expect_delivered(p, w);

  /* Key refresh of the posted sub-stream only: the receiver takes K1 first, then the sender. */
  ot_ide_key_material km = tu_key(OT_IDE_SUB_PR, 1, 50);
  assert_ot_ok(ot_ide_key_install(rx, TU_SID, OT_IDE_SUB_PR, 1, &km));
  assert_ot_ok(ot_ide_key_go(rx, TU_SID, OT_IDE_SUB_PR, 1));
  assert_ot_ok(ot_ide_key_install(tx, TU_SID, OT_IDE_SUB_PR, 1, &km));
  ot_zeroize(&km, sizeof km);
  w = send1(p, TU_SID, OT_TLP_MWR, 0, false, 2, &px);
  assert_false(px.k); /* installed is not GO: still K0 */
  expect_delivered(p, w);
  assert_ot_ok(ot_ide_key_go(tx, TU_SID, OT_IDE_SUB_PR, 1));
  w = send1(p, TU_SID, OT_TLP_MWR, 0, false, 3, &px);
  assert_true(px.k);
  expect_delivered(p, w);
  w = send1(p, TU_SID, OT_TLP_MRD, 0, false, 4, &px); /* the other sub-streams keep K0 */
  assert_false(px.k);
  expect_delivered(p, w);

  /* K_SET_STOP of the set in use, the other still GO: back to K0. */
  assert_ot_ok(ot_ide_key_stop(tx, TU_SID, OT_IDE_SUB_PR, 1));
  w = send1(p, TU_SID, OT_TLP_MWR, 0, false, 5, &px);
  assert_false(px.k);
  expect_delivered(p, w);

  /* K_SET_GO of set 0 again after a new K1 went: GO picks the set. */
  km = tu_key(OT_IDE_SUB_PR, 1, 80);
  assert_ot_ok(ot_ide_key_install(tx, TU_SID, OT_IDE_SUB_PR, 1, &km));
  ot_zeroize(&km, sizeof km);
  assert_ot_ok(ot_ide_key_go(tx, TU_SID, OT_IDE_SUB_PR, 1));
  send1(p, TU_SID, OT_TLP_MWR, 0, false, 6, &px);
  assert_true(px.k);
  assert_ot_ok(ot_ide_key_go(tx, TU_SID, OT_IDE_SUB_PR, 0));
  w = send1(p, TU_SID, OT_TLP_MWR, 0, false, 7, &px);
  assert_false(px.k);
  expect_delivered(p, w); /* K0's counter went on where it stopped */
  tu_pair_free(p);
}

/* A stream removed and added again in the same slot sends with its new Stream ID and K. */
static void test_tx_prefix_follows_reconfiguration(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  tu_pair *p = tu_pair_new(&cfg);
  ot_ide_prefix px;
  /* K1 in use on every sub-stream of the first stream. */
  side_keys(ot_ide_rx_engine(&p->rx), TU_SID, 1, 9);
  side_keys(ot_ide_tx_engine(&p->tx), TU_SID, 1, 9);
  size_t w = send1(p, TU_SID, OT_TLP_CPLD, 0, false, 1, &px);
  assert_true(px.k);
  expect_delivered(p, w);

  ot_ide_stream_cfg moved = cfg;
  moved.stream_id = 9;
  tx_reconfigure(p, &cfg, &moved, 1); /* set 0 only */
  rx_reconfigure(p, &cfg, &moved, 1);
  w = send1(p, 9, OT_TLP_CPLD, 0, false, 2, &px); /* byte 2 and K of the new stream */
  assert_false(px.k);
  expect_delivered(p, w);
  tu_pair_free(p);
}

/* The receiver's T, P and Link TC checks follow each reconfiguration. */
static void test_rx_checks_follow_reconfiguration(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1); /* selective, TEE allowed, no PCRC */
  tu_pair *p = tu_pair_new(&cfg);
  ot_ide_prefix px;
  size_t w = send1(p, TU_SID, OT_TLP_MWR, 0, true, 1, &px);
  expect_delivered(p, w);

  /* TEE traffic no longer allowed at the receiver: T=1 is refused (SPEC-FACTS §6). */
  ot_ide_stream_cfg no_tee = cfg;
  no_tee.tee_allowed = false;
  rx_reconfigure(p, &cfg, &no_tee, 2);
  w = send1(p, TU_SID, OT_TLP_MWR, 0, true, 2, &px);
  expect_refused(p, w, OT_E_VERIFY, OT_IDE_ERR_T_BIT);
  tu_pair_free(p);

  /* PCRC on at the receiver only: a data TLP without P is malformed; with both on it passes. */
  p = tu_pair_new(&cfg);
  ot_ide_stream_cfg pcrc = cfg;
  pcrc.pcrc = true;
  rx_reconfigure(p, &cfg, &pcrc, 1);
  w = send1(p, TU_SID, OT_TLP_MWR, 0, false, 3, &px);
  assert_false(px.p);
  expect_refused(p, w, OT_E_MALFORMED, OT_IDE_ERR_MALFORMED);
  rx_reconfigure(p, &pcrc, &pcrc, 1);
  tx_reconfigure(p, &cfg, &pcrc, 1);
  w = send1(p, TU_SID, OT_TLP_MWR, 0, false, 4, &px);
  assert_true(px.p);
  expect_delivered(p, w);
  w = send1(p, TU_SID, OT_TLP_MRD, 0, false, 5, &px); /* no data: P stays 0 */
  assert_false(px.p);
  expect_delivered(p, w);
  /* PCRC off again at the receiver: now P=1 is the malformed one. */
  rx_reconfigure(p, &pcrc, &cfg, 1);
  w = send1(p, TU_SID, OT_TLP_MWR, 0, false, 6, &px);
  expect_refused(p, w, OT_E_MALFORMED, OT_IDE_ERR_MALFORMED);
  tu_pair_free(p);

  /* A Link IDE Stream for TC 3 at the receiver: TC 5 is refused, TC 3 passes (§6.33). */
  p = tu_pair_new(&cfg);
  ot_ide_stream_cfg link3 = cfg;
  link3.kind = OT_IDE_STREAM_LINK;
  link3.tc = 3;
  rx_reconfigure(p, &cfg, &link3, 1);
  w = send1(p, TU_SID, OT_TLP_MWR, 5, false, 7, &px);
  expect_refused(p, w, OT_E_MALFORMED, OT_IDE_ERR_LINK_TC);
  rx_reconfigure(p, &link3, &link3, 2); /* the refused TLP used the sender's invocation 1 */
  w = send1(p, TU_SID, OT_TLP_MWR, 3, false, 8, &px);
  expect_delivered(p, w);
  /* And back to a selective stream: any TC passes again. */
  rx_reconfigure(p, &link3, &cfg, 3);
  w = send1(p, TU_SID, OT_TLP_MWR, 5, false, 9, &px);
  expect_delivered(p, w);
  tu_pair_free(p);
}

/* After a receive failure and its recovery (full re-key), both sides run on the new key set. */
static void test_derived_state_after_failure(void **s) {
  (void)s;
  ot_ide_stream_cfg cfg = tu_cfg(1);
  tu_pair *p = tu_pair_new(&cfg);
  ot_ide_engine *tx = ot_ide_tx_engine(&p->tx), *rx = ot_ide_rx_engine(&p->rx);
  ot_ide_prefix px;
  side_keys(rx, TU_SID, 1, 5);
  side_keys(tx, TU_SID, 1, 5);
  size_t w = send1(p, TU_SID, OT_TLP_MWR, 0, false, 1, &px);
  assert_true(px.k);
  wire[w - 1] ^= 1; /* the MAC: the stream fails, every key set is dropped */
  expect_refused(p, w, OT_E_DECRYPT, OT_IDE_ERR_MAC);
  tu_expect_state(rx, OT_IDE_INSECURE, OT_IDE_ERR_MAC);

  /* Recovery: disable, re-key with set 0 only, enable; the sender does the same. */
  assert_ot_ok(ot_ide_stream_disable(rx, TU_SID));
  assert_ot_ok(ot_ide_stream_disable(tx, TU_SID));
  side_keys(rx, TU_SID, 0, 1);
  side_keys(tx, TU_SID, 0, 1);
  assert_ot_ok(ot_ide_stream_enable(rx, TU_SID));
  assert_ot_ok(ot_ide_stream_enable(tx, TU_SID));
  w = send1(p, TU_SID, OT_TLP_MWR, 0, false, 2, &px);
  assert_false(px.k); /* the dropped K1 is not used any more */
  expect_delivered(p, w);
  tu_pair_free(p);
}

/* ---- every value of prefix byte 3 against what §6.33 allows ------------------------------ */

/* PCRC as ide_tlp_format.c defines it [U]: CRC-32 (reflected, all ones in and out), big-endian. */
static void ref_pcrc(const uint8_t *d, size_t n, uint8_t crc[4]) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= d[i];
    for (int b = 0; b < 8; b++)
      c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  c = ~c;
  crc[0] = (uint8_t)(c >> 24);
  crc[1] = (uint8_t)(c >> 16);
  crc[2] = (uint8_t)(c >> 8);
  crc[3] = (uint8_t)c;
}

/*
 * An IDE TLP carrying prefix byte 3 = b3 around the plain TLP tlp[0..n),
 * sealed here (not by the engine, which never sends a wrong prefix) under
 * the key of the sub-stream and key set b3 names with invocation 1, so the
 * MAC verifies whenever the receiver gets as far as checking it: a check
 * the receiver skipped would show as a delivery.
 */
static size_t seal_with_b3(uint8_t b3, const uint8_t *tlp, size_t n, size_t hdr_len, uint8_t *w) {
  unsigned sub = (b3 >> 4) & 7u;
  bool p = (b3 & OT_IDE_PREFIX_B3_P) != 0;
  w[0] = OT_IDE_PREFIX_BYTE0;
  w[1] = 0; /* PR_Sent: nothing sent before */
  w[2] = TU_SID;
  w[3] = b3;
  memcpy(w + OT_IDE_PREFIX_SIZE, tlp, hdr_len);
  size_t payload = n - hdr_len;
  uint8_t crc[4];
  ref_pcrc(tlp + hdr_len, payload, crc);
  ot_ide_key_material km =
      tu_key((ot_ide_substream)(sub < 3 ? sub : 0), (b3 & OT_IDE_PREFIX_B3_K) ? 1 : 0, 1);
  ot_aead_key k = {0};
  assert_ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, km.key, sizeof km.key, OT_IDE_MAC_SIZE));
  uint8_t nonce[OT_IDE_NONCE_SIZE] = {0};
  nonce[OT_IDE_NONCE_SIZE - 1] = 1; /* IV fixed 0 || invocation 1, big-endian */
  size_t at = OT_IDE_PREFIX_SIZE + hdr_len;
  ot_aead_aad_part aad = {w, at};
  ot_aead_text_part text[2] = {{tlp + hdr_len, w + at, payload}, {crc, w + at + payload, 4}};
  size_t end = at + payload + (p ? 4 : 0);
  assert_ot_ok(ot_aead_seal_gather(&k, nonce, &aad, 1, text, p ? 2 : 1, w + end, OT_IDE_MAC_SIZE));
  ot_aead_key_clear(&k);
  ot_zeroize(&km, sizeof km);
  /* M=0: the first part of a group carries no MAC (its text is what the group's GCM pass makes). */
  return end + ((b3 & OT_IDE_PREFIX_B3_M) ? OT_IDE_MAC_SIZE : 0);
}

/*
 * The outcome the receive rules give a lone TLP of `kind` with byte 3 = b3
 * on a fresh stream with key set 0 GO (opentsm/ide.h, in the order of
 * ot_ide_rx_receive's checks): *why and the status code, or OK with 1 TLP
 * delivered (M=1) or 0 held (M=0).
 */
static ot_code rule_outcome(uint8_t b3, ot_tlp_kind kind, uint8_t tc, const ot_ide_stream_cfg *cfg,
                            ot_ide_error *why) {
  unsigned sub = (b3 >> 4) & 7u;
  bool data = kind != OT_TLP_MRD && ot_tlp_kind_has_data(kind);
  *why = OT_IDE_ERR_MALFORMED;
  if ((b3 & OT_IDE_PREFIX_B3_RSVD) || sub > 2) return OT_E_MALFORMED;    /* TDISP ECN; §6.33.5 */
  if (sub != (unsigned)ot_ide_substream_of(kind)) return OT_E_MALFORMED; /* §6.33.5 */
  *why = OT_IDE_ERR_LINK_TC;
  if (cfg->kind == OT_IDE_STREAM_LINK && tc != cfg->tc) return OT_E_MALFORMED; /* §6.33 */
  *why = OT_IDE_ERR_T_BIT;
  if ((b3 & OT_IDE_PREFIX_B3_T) && !cfg->tee_allowed) return OT_E_VERIFY;
  *why = OT_IDE_ERR_MALFORMED;
  if (((b3 & OT_IDE_PREFIX_B3_P) != 0) != (cfg->pcrc && data)) return OT_E_MALFORMED; /* [U] */
  *why = OT_IDE_ERR_KEY_SET;
  if (b3 & OT_IDE_PREFIX_B3_K) return OT_E_VERIFY; /* set 1 was never installed */
  *why = OT_IDE_ERR_NONE;
  return OT_OK;
}

static void test_rx_every_prefix_byte3(void **s) {
  (void)s;
  static const ot_tlp_kind kinds[] = {OT_TLP_MWR, OT_TLP_MRD, OT_TLP_CPLD, OT_TLP_MSG};
  ot_ide_stream_cfg cfgs[5];
  for (int c = 0; c < 5; c++) {
    cfgs[c] = tu_cfg(1);
    cfgs[c].tee_allowed = (c & 1) == 0;
    cfgs[c].pcrc = (c & 2) != 0;
  }
  cfgs[4].kind = OT_IDE_STREAM_LINK; /* TC 2, and the TLPs carry TC 0 */
  cfgs[4].tc = 2;
  static uint8_t w[OT_TLP_MAX_WIRE + 64];
  static uint8_t pend[OT_IDE_RX_PENDING_SIZE(64)];
  ot_ide_rx *rx = calloc(1, sizeof *rx);
  assert_non_null(rx);
  size_t delivered = 0, held = 0, refused = 0;
  for (int c = 0; c < 5; c++) {
    for (size_t ki = 0; ki < sizeof kinds / sizeof kinds[0]; ki++) {
      ot_tlp_kind kind = kinds[ki];
      size_t n = tu_tlp(kind, kind == OT_TLP_MSG ? 0 : 32, 3, 0, plain);
      size_t hdr_len = tu_view(plain, n).d.hdr_len;
      for (unsigned b3 = 0; b3 < 256; b3++) {
        ot_ide_rx_init(rx);
        assert_ot_ok(ot_ide_rx_stream_add(rx, &cfgs[c], pend, sizeof pend));
        side_keys(ot_ide_rx_engine(rx), TU_SID, 0, 1);
        assert_ot_ok(ot_ide_stream_enable(ot_ide_rx_engine(rx), TU_SID));
        size_t len = seal_with_b3((uint8_t)b3, plain, n, hdr_len, w);
        ot_ide_error why;
        ot_code want = rule_outcome((uint8_t)b3, kind, 0, &cfgs[c], &why);
        bool m = (b3 & OT_IDE_PREFIX_B3_M) != 0;
        ot_ide_rx_result res;
        ot_status st = ot_ide_rx_receive(rx, w, len, out, sizeof out, &res);
        if (st.code != want || res.error != why) {
          print_error("cfg %d kind %d byte 3 %02x: got %s/%s, want %s/%s\n", c, (int)kind, b3,
                      ot_status_name(st), ot_ide_error_name(res.error),
                      ot_status_name(ot_status_of(want)), ot_ide_error_name(why));
          fail();
        }
        if (want == OT_OK && m) {
          assert_int_equal(res.count, 1);
          assert_memory_equal(out, plain, n);
          delivered++;
        } else if (want == OT_OK) {
          assert_int_equal(res.count, 0); /* M=0: held for the rest of its group */
          held++;
        } else {
          assert_int_equal(res.count, 0);
          refused++;
        }
        ot_ide_rx_clear(rx);
      }
    }
  }
  /*
   * Per kind, one byte 3 passes where T=1 is refused and two where it is
   * allowed (four kinds, two configurations of each), none on the Link
   * stream of another TC; as many M=0 values are held.
   */
  assert_int_equal(delivered, 4 * (2 + 1 + 2 + 1));
  assert_int_equal(held, delivered);
  assert_int_equal(refused, 5 * 4 * 256 - delivered - held);
  free(rx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tx_k_follows_go_and_stop),
      cmocka_unit_test(test_tx_prefix_follows_reconfiguration),
      cmocka_unit_test(test_rx_checks_follow_reconfiguration),
      cmocka_unit_test(test_derived_state_after_failure),
      cmocka_unit_test(test_rx_every_prefix_byte3),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
