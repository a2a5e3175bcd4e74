/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the IDE engine tests (header-only, test code): a
 * transmitter and receiver keyed for one stream, and TLP builders.
 */
#ifndef OT_IDE_TESTUTIL_H
#define OT_IDE_TESTUTIL_H

#include <stdlib.h>
#include <string.h>

#include "opentsm/ide.h"
#include "opentsm/secure.h"
#include "testsupport.h"

#define TU_SID 7
#define TU_OUT_CAP (OT_IDE_MAX_AGGREGATION * (OT_TLP_HDR_4DW + OT_TLP_MAX_PAYLOAD))
#define TU_WIRE_CAP                                                                                \
  (OT_IDE_MAX_AGGREGATION * (OT_IDE_PREFIX_SIZE + OT_TLP_HDR_4DW + OT_TLP_MAX_PAYLOAD +            \
                             OT_IDE_PCRC_SIZE + OT_IDE_MAC_SIZE))

typedef struct tu_pair {
  ot_ide_tx tx;
  ot_ide_rx rx;
  ot_ide_stream_cfg cfg;
  uint8_t pending[OT_IDE_RX_PENDING_SIZE(OT_TLP_MAX_PAYLOAD)];
} tu_pair;

/* Deterministic key material for (sub-stream, key set). */
static inline ot_ide_key_material tu_key(ot_ide_substream sub, uint8_t key_set, uint64_t ifv) {
  ot_ide_key_material km;
  for (size_t i = 0; i < sizeof km.key; i++)
    km.key[i] = (uint8_t)(0x30 + i * 3 + (unsigned)sub * 11 + key_set * 101);
  km.iv_fixed = OT_IDE_IV_FIXED_PCIE;
  km.ifv = ifv;
  return km;
}

static inline ot_ide_stream_cfg tu_cfg(uint8_t aggregation) {
  ot_ide_stream_cfg c = {.stream_id = TU_SID,
                         .kind = OT_IDE_STREAM_SELECTIVE,
                         .tc = 0,
                         .pcrc = false,
                         .tee_allowed = true,
                         .aggregation = {aggregation, aggregation, aggregation}};
  return c;
}

/* Installs key set k with IFV ifv on both sides and sends K_SET_GO (receiver first). */
static inline void tu_key_set(tu_pair *p, uint8_t k, uint64_t ifv) {
  for (int sub = 0; sub < 3; sub++) {
    ot_ide_key_material km = tu_key((ot_ide_substream)sub, k, ifv);
    assert_ot_ok(
        ot_ide_key_install(ot_ide_rx_engine(&p->rx), TU_SID, (ot_ide_substream)sub, k, &km));
    assert_ot_ok(ot_ide_key_go(ot_ide_rx_engine(&p->rx), TU_SID, (ot_ide_substream)sub, k));
    assert_ot_ok(
        ot_ide_key_install(ot_ide_tx_engine(&p->tx), TU_SID, (ot_ide_substream)sub, k, &km));
    assert_ot_ok(ot_ide_key_go(ot_ide_tx_engine(&p->tx), TU_SID, (ot_ide_substream)sub, k));
    ot_zeroize(&km, sizeof km);
  }
}

static inline tu_pair *tu_pair_new(const ot_ide_stream_cfg *cfg) {
  tu_pair *p = calloc(1, sizeof *p);
  assert_non_null(p);
  p->cfg = *cfg;
  ot_ide_tx_init(&p->tx);
  ot_ide_rx_init(&p->rx);
  assert_ot_ok(ot_ide_tx_stream_add(&p->tx, cfg));
  assert_ot_ok(ot_ide_rx_stream_add(&p->rx, cfg, p->pending, sizeof p->pending));
  tu_key_set(p, 0, 1);
  assert_ot_ok(ot_ide_stream_enable(ot_ide_rx_engine(&p->rx), TU_SID));
  assert_ot_ok(ot_ide_stream_enable(ot_ide_tx_engine(&p->tx), TU_SID));
  return p;
}

static inline void tu_pair_free(tu_pair *p) {
  ot_ide_tx_clear(&p->tx);
  ot_ide_rx_clear(&p->rx);
  free(p);
}

/* A TLP of the given kind with n payload bytes (n a multiple of 4 for data kinds). */
static inline size_t tu_tlp(ot_tlp_kind kind, size_t n, uint8_t seed, uint8_t tc, uint8_t *wire) {
  static uint8_t data[OT_TLP_MAX_PAYLOAD];
  for (size_t i = 0; i < n; i++) data[i] = (uint8_t)(seed * 13 + i);
  ot_tlp t = {0};
  t.hdr.kind = kind;
  t.hdr.tc = tc;
  t.hdr.requester_id = 0x0100;
  t.hdr.tag = seed;
  uint16_t dw = (uint16_t)(n / 4);
  switch (kind) {
  case OT_TLP_MRD:
  case OT_TLP_MWR:
    t.hdr.length = dw ? dw : 1;
    t.hdr.first_be = 0xF;
    t.hdr.last_be = t.hdr.length > 1 ? 0xF : 0;
    t.hdr.addr64 = seed & 1;
    t.hdr.address = (t.hdr.addr64 ? UINT64_C(0x200000000) : 0x10000000u) + 0x1000u * seed;
    break;
  case OT_TLP_CPL:
    t.hdr.completer_id = 0x0200;
    t.hdr.byte_count = 4;
    break;
  case OT_TLP_CPLD:
    t.hdr.length = dw;
    t.hdr.completer_id = 0x0200;
    t.hdr.byte_count = (uint16_t)n;
    break;
  case OT_TLP_MSG:
    t.hdr.msg_code = 0x20;
    t.hdr.msg_route = OT_TLP_ROUTE_LOCAL;
    break;
  case OT_TLP_MSGD:
    t.hdr.length = dw;
    t.hdr.msg_code = 0x7F;
    t.hdr.msg_route = OT_TLP_ROUTE_TO_RC;
    break;
  }
  if (kind != OT_TLP_MRD && ot_tlp_kind_has_data(kind)) {
    t.payload = data;
    t.payload_len = n;
  }
  size_t len = 0;
  assert_ot_ok(ot_tlp_encode(&t, wire, OT_TLP_MAX_WIRE, &len));
  return len;
}

static inline bool tu_all_zero(const uint8_t *p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; i++) acc |= p[i];
  return acc == 0;
}

/* The TLP layer's view of tlp[0..len), which must decode. */
static inline ot_tlp_view tu_view(const uint8_t *tlp, size_t len) {
  ot_tlp_view v;
  assert_ot_ok(ot_tlp_view_decode(tlp, len, &v));
  return v;
}

/* Protects one TLP (aggregation of 1) into wire; returns its size. */
static inline size_t tu_protect1(tu_pair *p, const uint8_t *tlp, size_t len, bool t,
                                 uint8_t *wire) {
  ot_tlp_view v = tu_view(tlp, len);
  ot_ide_tx_tlp in = {&v, t};
  size_t lens[1], total;
  assert_ot_ok(ot_ide_tx_protect(&p->tx, TU_SID, &in, 1, wire, TU_WIRE_CAP, lens, &total));
  return total;
}

static inline void tu_expect_state(ot_ide_engine *e, ot_ide_state want, ot_ide_error err) {
  ot_ide_state st;
  ot_ide_error why;
  assert_ot_ok(ot_ide_stream_state(e, TU_SID, &st, &why));
  assert_int_equal(st, want);
  assert_int_equal(why, err);
}

#endif /* OT_IDE_TESTUTIL_H */
