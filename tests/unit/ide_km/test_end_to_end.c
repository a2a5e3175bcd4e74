/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM end to end, in process (SPEC-FACTS §4.2, §7.4): the host programs
 * a Selective IDE Stream into a root port and an endpoint in Linux's order;
 * the TSM draws fresh keys, programs the endpoint through the IDE_KM
 * requester -> loopback "session" -> responder -> endpoint engines, and the
 * root port directly; both ends enable and read back Secure; protected TLPs
 * flow RP -> EP and EP -> RP; K_SET_STOP leaves the endpoint Insecure with
 * its keys zeroized and refusing traffic.
 */
#include "km_testutil.h"
#include "opentsm/rng.h"

#define RP_RID 0x0000 /* root port 00:00.0 */
#define EP_RID 0x0100 /* endpoint 01:00.0 */
#define WIRE_CAP 1024

typedef struct world {
  kt_port *rp, *ep;
  ot_ide_km_port port;
  ot_ide_km_responder responder;
  kt_loop loop;
  ot_ide_km_requester q;
  ot_ide_key_material down[3]; /* RP TX = EP RX, per sub-stream */
  ot_ide_key_material up[3];   /* EP TX = RP RX */
  uint8_t wire[WIRE_CAP], out[WIRE_CAP], tlp[WIRE_CAP];
} world;

static int world_setup(void **state) {
  world *w = calloc(1, sizeof *w);
  if (!w) return -1;
  w->rp = kt_port_new(OT_PCI_HEADER_LAYOUT_TYPE1, 0x7000);
  w->ep = kt_port_new(OT_PCI_HEADER_LAYOUT_TYPE0, 0x1234);
  w->port = (ot_ide_km_port){.regs = &w->ep->regs, .bus = 0x01};
  if (!ot_ok(ot_ide_km_responder_init(&w->responder, &w->port, 1))) return -1;
  kt_loop_init(&w->loop, &w->responder, 0xFFFFFFFFu);
  ot_ide_km_requester_init(&w->q, &w->loop.base, 0xFFFFFFFFu);
  /* The TSM's fresh key material: one key per sub-stream and direction. */
  for (int i = 0; i < 3; i++) {
    if (!ot_ok(ot_rng_fill(ot_rng_os(), w->down[i].key, sizeof w->down[i].key))) return -1;
    if (!ot_ok(ot_rng_fill(ot_rng_os(), w->up[i].key, sizeof w->up[i].key))) return -1;
    w->down[i].iv_fixed = w->up[i].iv_fixed = OT_IDE_IV_FIXED_PCIE;
    w->down[i].ifv = w->up[i].ifv = 1;
  }
  *state = w;
  return 0;
}

static int world_teardown(void **state) {
  world *w = *state;
  kt_port_free(w->rp);
  kt_port_free(w->ep);
  ot_zeroize(w, sizeof *w);
  free(w);
  return 0;
}

/* Host (Linux order, Enable clear), IDE_KM to the endpoint, the root port directly. */
static void connect(world *w) {
  /* RID association: EP side names the RP, RP side names the EP (SPEC-FACTS §7.4). */
  kt_setup_stream(w->ep, KT_SID, RP_RID);
  kt_setup_stream(w->rp, KT_SID, EP_RID);

  uint8_t buf[OT_IDE_KM_RSP_MAX];
  ot_ide_km_query_resp qr;
  assert_ot_ok(ot_ide_km_query(&w->q, 0, buf, sizeof buf, &qr));
  uint32_t cap = ot_ide_km_query_resp_reg(&qr, 0);
  assert_true(cap & OT_IDE_CAP_IDE_KM);
  assert_true(cap & OT_IDE_CAP_SELECTIVE);

  assert_ot_ok(ot_ide_km_program_stream(&w->q, 0, KT_SID, 0, w->down, w->up));
  for (int sub = 0; sub < 3; sub++) {
    assert_ot_ok(
        ot_ide_key_install(&w->rp->tx.engine, KT_SID, (ot_ide_substream)sub, 0, &w->down[sub]));
    assert_ot_ok(ot_ide_key_go(&w->rp->tx.engine, KT_SID, (ot_ide_substream)sub, 0));
    assert_ot_ok(
        ot_ide_key_install(&w->rp->rx.engine, KT_SID, (ot_ide_substream)sub, 0, &w->up[sub]));
    assert_ot_ok(ot_ide_key_go(&w->rp->rx.engine, KT_SID, (ot_ide_substream)sub, 0));
  }
  assert_ot_ok(ot_ide_host_stream_enable(&w->rp->acc.base, w->rp->cap, 0));
  assert_ot_ok(ot_ide_host_stream_enable(&w->ep->acc.base, w->ep->cap, 0));
}

/* Encodes a TLP of kind with n payload bytes from requester rid. */
static size_t make_tlp(world *w, ot_tlp_kind kind, size_t n, uint16_t rid, uint8_t seed) {
  static uint8_t data[256];
  for (size_t i = 0; i < n; i++)
    data[i] = (uint8_t)(seed + i * 3);
  ot_tlp t = {0};
  t.hdr.kind = kind;
  t.hdr.requester_id = rid;
  t.hdr.tag = seed;
  if (kind == OT_TLP_MWR || kind == OT_TLP_MRD) {
    t.hdr.length = (uint16_t)(n ? n / 4 : 1);
    t.hdr.first_be = 0xF;
    t.hdr.last_be = t.hdr.length > 1 ? 0xF : 0;
    t.hdr.address = 0x80000000u + 0x100u * seed;
  } else { /* CplD */
    t.hdr.length = (uint16_t)(n / 4);
    t.hdr.completer_id = EP_RID;
    t.hdr.byte_count = (uint16_t)n;
  }
  if (kind != OT_TLP_MRD) {
    t.payload = data;
    t.payload_len = n;
  }
  size_t len;
  assert_ot_ok(ot_tlp_encode(&t, w->tlp, sizeof w->tlp, &len));
  return len;
}

/* Protects one TLP at `from` and checks `to` delivers exactly it. */
static void flow(world *w, kt_port *from, kt_port *to, size_t tlp_len) {
  ot_tlp_view v;
  assert_ot_ok(ot_tlp_view_decode(w->tlp, tlp_len, &v));
  ot_ide_tx_tlp in = {&v, true};
  size_t lens[1], total;
  assert_ot_ok(ot_ide_tx_protect(&from->tx, KT_SID, &in, 1, w->wire, sizeof w->wire, lens, &total));
  assert_false(kt_contains(w->wire, total, w->tlp + 16, 8) && tlp_len > 24); /* payload hidden */
  ot_ide_rx_result res;
  assert_ot_ok(ot_ide_rx_receive(&to->rx, w->wire, total, w->out, sizeof w->out, &res));
  assert_int_equal(res.count, 1);
  assert_int_equal(res.tlps[0].len, tlp_len);
  assert_memory_equal(w->out + res.tlps[0].off, w->tlp, tlp_len);
}

static void test_connect_and_traffic_both_ways(void **state) {
  world *w = *state;
  connect(w);
  assert_int_equal(kt_state(w->ep), OT_IDE_STATUS_SECURE);
  assert_int_equal(kt_state(w->rp), OT_IDE_STATUS_SECURE);
  assert_true(w->loop.key_req_was_marked);

  flow(w, w->rp, w->ep, make_tlp(w, OT_TLP_MWR, 64, RP_RID, 1));  /* posted, down */
  flow(w, w->rp, w->ep, make_tlp(w, OT_TLP_MRD, 0, RP_RID, 2));   /* non-posted, down */
  flow(w, w->ep, w->rp, make_tlp(w, OT_TLP_CPLD, 64, EP_RID, 3)); /* completion, up */
  flow(w, w->ep, w->rp, make_tlp(w, OT_TLP_MWR, 128, EP_RID, 4)); /* DMA write, up */
}

static void test_message_order_matches_recording(void **state) {
  world *w = *state;
  connect(w);
  /* QUERY, then KEY_PROG x6 and K_SET_GO x6, RX before TX, PR NPR CPL (SPEC-FACTS §4.2). */
  static const uint8_t kss[6] = {0x00, 0x10, 0x20, 0x02, 0x12, 0x22};
  assert_int_equal(w->loop.exchanges, 13);
  for (size_t i = 0; i < 6; i++) {
    assert_int_equal(w->loop.log[1 + i][0], OT_IDE_KM_KEY_PROG);
    assert_int_equal(w->loop.log[1 + i][1], kss[i]);
    assert_int_equal(w->loop.log[7 + i][0], OT_IDE_KM_K_SET_GO);
    assert_int_equal(w->loop.log[7 + i][1], kss[i]);
  }
}

static void test_keys_never_stored_in_the_clear(void **state) {
  world *w = *state;
  connect(w);
  /* The device keeps keyed cipher contexts only: no key byte string in its state. */
  for (int i = 0; i < 3; i++) {
    const ot_ide_key_material *k[2] = {&w->down[i], &w->up[i]};
    for (int j = 0; j < 2; j++) {
      assert_false(kt_contains(w->ep, sizeof *w->ep, k[j]->key, 16));
      assert_false(kt_contains(&w->responder, sizeof w->responder, k[j]->key, 16));
      assert_false(kt_contains(&w->loop, sizeof w->loop, k[j]->key, 16));
    }
  }
}

static void test_stop_makes_insecure_and_zeroizes(void **state) {
  world *w = *state;
  size_t marks = ot_secret_mark_count();
  connect(w);
  assert_int_equal(ot_secret_mark_count(), marks + 12); /* 6 key sets per port */
  assert_ot_ok(ot_ide_km_stop_stream(&w->q, 0, KT_SID, 0));
  assert_int_equal(kt_state(w->ep), OT_IDE_STATUS_INSECURE);
  assert_int_equal(ot_secret_mark_count(), marks + 6); /* only the root port's are left */
  for (int sub = 0; sub < 3; sub++) {
    uint64_t next;
    assert_ot_code(
        ot_ide_key_next_invocation(&w->ep->tx.engine, KT_SID, (ot_ide_substream)sub, 0, &next),
        OT_E_STATE);
    assert_ot_code(
        ot_ide_key_next_invocation(&w->ep->rx.engine, KT_SID, (ot_ide_substream)sub, 0, &next),
        OT_E_STATE);
  }
  /* The endpoint neither sends nor accepts protected traffic any more. */
  size_t n = make_tlp(w, OT_TLP_CPLD, 32, EP_RID, 5);
  ot_tlp_view v;
  assert_ot_ok(ot_tlp_view_decode(w->tlp, n, &v));
  ot_ide_tx_tlp in = {&v, true};
  size_t lens[1], total;
  assert_ot_code(
      ot_ide_tx_protect(&w->ep->tx, KT_SID, &in, 1, w->wire, sizeof w->wire, lens, &total),
      OT_E_STATE);
  n = make_tlp(w, OT_TLP_MWR, 32, RP_RID, 6);
  assert_ot_ok(ot_tlp_view_decode(w->tlp, n, &v));
  in = (ot_ide_tx_tlp){&v, true};
  assert_ot_ok(
      ot_ide_tx_protect(&w->rp->tx, KT_SID, &in, 1, w->wire, sizeof w->wire, lens, &total));
  ot_ide_rx_result res;
  memset(w->out, 0, sizeof w->out);
  ot_status st = ot_ide_rx_receive(&w->ep->rx, w->wire, total, w->out, sizeof w->out, &res);
  assert_false(ot_ok(st));
  assert_int_equal(res.count, 0);
  assert_false(kt_contains(w->out, sizeof w->out, w->tlp + 16, 16));
  /* Teardown: the host disables both ends; the root port's keys go too. */
  assert_ot_ok(ot_ide_host_stream_disable(&w->ep->acc.base, w->ep->cap, 0));
  assert_ot_ok(ot_ide_host_stream_disable(&w->rp->acc.base, w->rp->cap, 0));
  assert_int_equal(ot_secret_mark_count(), marks);
}

static void test_key_refresh_through_ide_km(void **state) {
  world *w = *state;
  connect(w);
  /* Key set 1 for everything, RX first; the transmitters switch K; then stop set 0. */
  ot_ide_key_material down1[3], up1[3];
  for (int i = 0; i < 3; i++) {
    down1[i] = kt_key(11, i, 1);
    up1[i] = kt_key(12, i, 1);
  }
  assert_ot_ok(ot_ide_km_program_stream(&w->q, 0, KT_SID, 1, down1, up1));
  for (int sub = 0; sub < 3; sub++) {
    assert_ot_ok(
        ot_ide_key_install(&w->rp->rx.engine, KT_SID, (ot_ide_substream)sub, 1, &up1[sub]));
    assert_ot_ok(ot_ide_key_go(&w->rp->rx.engine, KT_SID, (ot_ide_substream)sub, 1));
    assert_ot_ok(
        ot_ide_key_install(&w->rp->tx.engine, KT_SID, (ot_ide_substream)sub, 1, &down1[sub]));
    assert_ot_ok(ot_ide_key_go(&w->rp->tx.engine, KT_SID, (ot_ide_substream)sub, 1));
  }
  flow(w, w->rp, w->ep, make_tlp(w, OT_TLP_MWR, 16, RP_RID, 7));
  flow(w, w->ep, w->rp, make_tlp(w, OT_TLP_CPLD, 16, EP_RID, 8));
  assert_ot_ok(ot_ide_km_stop_stream(&w->q, 0, KT_SID, 0));
  assert_int_equal(kt_state(w->ep), OT_IDE_STATUS_SECURE); /* still keyed by set 1 */
  flow(w, w->rp, w->ep, make_tlp(w, OT_TLP_MWR, 16, RP_RID, 9));
  ot_zeroize(down1, sizeof down1);
  ot_zeroize(up1, sizeof up1);
}

static void test_session_required_end_to_end(void **state) {
  world *w = *state;
  kt_setup_stream(w->ep, KT_SID, RP_RID);
  w->loop.in_session = false; /* the transport delivered it outside a secured session */
  assert_ot_code(ot_ide_km_key_prog(&w->q, 0, KT_SID, 0x00, &w->down[0], NULL), OT_E_POLICY);
  uint64_t next;
  assert_ot_code(ot_ide_key_next_invocation(&w->ep->rx.engine, KT_SID, OT_IDE_SUB_PR, 0, &next),
                 OT_E_STATE);
}

#define T(f) cmocka_unit_test_setup_teardown(f, world_setup, world_teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_connect_and_traffic_both_ways),  T(test_message_order_matches_recording),
      T(test_keys_never_stored_in_the_clear), T(test_stop_makes_insecure_and_zeroizes),
      T(test_key_refresh_through_ide_km),     T(test_session_required_end_to_end),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
