/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TSM's IDE step end to end: connect brings a selective stream up at
 * both ends through IDE_KM (endpoint) and the backend (root port), protected
 * TLPs cross it both ways, disconnect leaves both ends Insecure with every
 * key zeroized, reconnect re-keys, and IDE refusals leave nothing behind.
 */
#include "../unit/tsm/tsm_rig.h"
#include "opentsm/ide_regs.h"

static void policy_for(rig *g, rig_dev *const *anchors, size_t n, rig_dev *d) {
  char m1[2 * OT_TSM_POLICY_VALUE_MAX + 1];
  rig_ref_hex(d, 1, m1, sizeof(m1));
  static char yaml[2048];
  snprintf(yaml, sizeof(yaml),
           "version: 1\n"
           "trust_anchors: [root0.der%s]\n"
           "devices:\n"
           "  - name: %s\n"
           "    measurements: {1: %s}\n"
           "    guests: [guest-a]\n"
           "  - name: nvme0\n"
           "    measurements: {1: %s}\n"
           "    guests: [guest-b]\n",
           n > 1 ? ", root1.der" : "", d->name, m1, m1);
  rig_policy_n(g, anchors, n, yaml);
}

static void policy_one(rig *g, rig_dev *d) { policy_for(g, &d, 1, d); }

static rig *one_device(const rig_dev_opts *o) {
  rig *g = rig_new();
  rig_dev *d = rig_add_device(g, o);
  policy_one(g, d);
  rig_start_tsm(g);
  return g;
}

static const ot_ide_substream subs[3] = {OT_IDE_SUB_PR, OT_IDE_SUB_NPR, OT_IDE_SUB_CPL};

static ot_ide_state engine_state(ot_ide_engine *e, uint8_t id) {
  ot_ide_state st = OT_IDE_INSECURE;
  ot_ide_error err;
  if (!ot_ok(ot_ide_stream_state(e, id, &st, &err))) return OT_IDE_INSECURE;
  return st;
}

static uint8_t reg_state(ot_cfg_access *a, uint8_t block) {
  uint16_t cap;
  uint8_t st = 0xFF;
  assert_ot_ok(ot_ide_host_find(a, &cap));
  assert_ot_ok(ot_ide_host_stream_state(a, cap, block, &st));
  return st;
}

/* Registers (as the host reads them) and engines of both ends. */
static void expect_secure(rig_dev *d, bool secure) {
  const ot_tsm_stream *s = &d->tdev.stream;
  uint8_t want = secure ? OT_IDE_STATUS_SECURE : OT_IDE_STATUS_INSECURE;
  assert_int_equal(reg_state(&d->rp.acc.base, RIG_RP_BLOCK), want);
  assert_int_equal(reg_state(&d->ep.acc.base, secure ? s->ep_block : 0), want);
  ot_ide_state e = secure ? OT_IDE_SECURE : OT_IDE_INSECURE;
  uint8_t id = s->stream_id;
  assert_int_equal(engine_state(ot_ide_tx_engine(&d->rp.port.tx), id), e);
  assert_int_equal(engine_state(ot_ide_rx_engine(&d->rp.port.rx), id), e);
  assert_int_equal(engine_state(ot_ide_tx_engine(&d->ep.dsm.ide_tx), id), e);
  assert_int_equal(engine_state(ot_ide_rx_engine(&d->ep.dsm.ide_rx), id), e);
}

static void test_connect_brings_stream_secure_at_both_ends(void **s) {
  (void)s;
  rig *g = one_device(&(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_dev *d = g->devs[0];
  ot_tsm_refusal why;
  assert_ot_ok(ot_tsm_connect(&g->tsm, &d->tdev, &why));
  assert_true(d->tdev.ide_up);
  /* SPEC-FACTS §7.4: the lowest free Stream ID; the RIDs of each partner. */
  assert_int_equal(d->tdev.stream.stream_id, 0);
  assert_int_equal(d->tdev.stream.rp_block, RIG_RP_BLOCK);
  assert_int_equal(d->tdev.stream.ep_block, 0);
  assert_int_equal(d->tdev.stream.ep_rid, 0x0100);
  assert_int_equal(d->tdev.stream.rp_rid, RIG_RP_RID);
  expect_secure(d, true);
  /* Six keys, key set 0, each distinct and none zero. */
  assert_int_equal(g->keys.n, 6);
  for (size_t i = 0; i < 6; i++)
    for (size_t j = i + 1; j < 6; j++)
      assert_memory_not_equal(g->keys.key[i], g->keys.key[j], OT_IDE_KEY_SIZE);
  /* The endpoint reports the stream Secure inside the session too. */
  assert_true(ot_ide_regs_has_stream(&d->ep.dsm.ide_regs, 0));
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &d->tdev));
  rig_free(g);
}

/* One TLP protected by tx, received by rx, delivered intact. */
static void cross(ot_ide_tx *tx, ot_ide_rx *rx, uint8_t id, const ot_tlp *t) {
  uint8_t plain[256], wire[512], out[512];
  size_t n = 0, lens[1], total = 0;
  ot_tlp_view v;
  assert_ot_ok(ot_tlp_view_encode(t, plain, sizeof(plain), &v));
  n = v.d.wire_len;
  ot_ide_tx_tlp in = {.tlp = &v, .t = true};
  assert_ot_ok(ot_ide_tx_protect(tx, id, &in, 1, wire, sizeof(wire), lens, &total));
  /* The payload does not cross in the clear. */
  if (t->payload_len >= 16) assert_false(rig_contains(wire, total, t->payload, 16));
  ot_ide_rx_result res;
  assert_ot_ok(ot_ide_rx_receive(rx, wire, total, out, sizeof(out), &res));
  assert_int_equal(res.count, 1);
  assert_int_equal(res.stream_id, id);
  assert_true(res.tlps[0].t);
  assert_int_equal(res.tlps[0].len, n);
  assert_memory_equal(out + res.tlps[0].off, plain, n);
}

static void test_protected_tlps_cross_both_ways(void **s) {
  (void)s;
  rig *g = one_device(&(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_dev *d = g->devs[0];
  ot_tsm_refusal why;
  assert_ot_ok(ot_tsm_connect(&g->tsm, &d->tdev, &why));
  uint8_t id = d->tdev.stream.stream_id;
  uint8_t data[32];
  for (size_t i = 0; i < sizeof(data); i++)
    data[i] = (uint8_t)(0xA0 + i);
  /* Root port -> endpoint: a posted write to the device's BAR. */
  ot_tlp w = {.hdr = {.kind = OT_TLP_MWR,
                      .length = 8,
                      .requester_id = RIG_RP_RID,
                      .first_be = 0xF,
                      .last_be = 0xF,
                      .address = 0x10000000u},
              .payload = data,
              .payload_len = sizeof(data)};
  cross(&d->rp.port.tx, &d->ep.dsm.ide_rx, id, &w);
  /* Endpoint -> root port: a DMA write and a completion with data. */
  w.hdr.requester_id = 0x0100;
  w.hdr.address = 0x80000000u;
  cross(&d->ep.dsm.ide_tx, &d->rp.port.rx, id, &w);
  ot_tlp c = {.hdr = {.kind = OT_TLP_CPLD,
                      .length = 8,
                      .requester_id = RIG_RP_RID,
                      .completer_id = 0x0100,
                      .byte_count = 32},
              .payload = data,
              .payload_len = sizeof(data)};
  cross(&d->ep.dsm.ide_tx, &d->rp.port.rx, id, &c);
  /* A flipped ciphertext bit is refused and takes the stream down. */
  uint8_t plain[256], wire[512], out[512];
  size_t lens[1], total;
  ot_tlp_view v;
  assert_ot_ok(ot_tlp_view_encode(&w, plain, sizeof(plain), &v));
  ot_ide_tx_tlp in = {.tlp = &v, .t = true};
  assert_ot_ok(ot_ide_tx_protect(&d->ep.dsm.ide_tx, id, &in, 1, wire, sizeof(wire), lens, &total));
  wire[total - 20] ^= 1;
  ot_ide_rx_result res;
  assert_ot_code(ot_ide_rx_receive(&d->rp.port.rx, wire, total, out, sizeof(out), &res),
                 OT_E_DECRYPT);
  assert_int_equal(reg_state(&d->rp.acc.base, RIG_RP_BLOCK), OT_IDE_STATUS_INSECURE);
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &d->tdev));
  rig_free(g);
}

static void test_disconnect_leaves_insecure_and_keys_zeroized(void **s) {
  (void)s;
  rig *g = one_device(&(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_dev *d = g->devs[0];
  ot_tsm_refusal why;
  size_t base = ot_secret_mark_count();
  assert_ot_ok(ot_tsm_connect(&g->tsm, &d->tdev, &why));
  /* Key sets installed at both ends hold marked cipher contexts. */
  assert_true(ot_secret_mark_count() > base);
  ot_tsm_stream was = d->tdev.stream;
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &d->tdev));
  assert_false(d->tdev.ide_up);
  assert_int_equal(ot_secret_mark_count(), base);
  assert_int_equal(reg_state(&d->rp.acc.base, was.rp_block), OT_IDE_STATUS_INSECURE);
  assert_int_equal(reg_state(&d->ep.acc.base, was.ep_block), OT_IDE_STATUS_INSECURE);
  /* No engine stream holds the ID any more at either end: nothing to key. */
  assert_false(ot_ide_regs_has_stream(&d->rp.port.regs, was.stream_id));
  assert_false(ot_ide_regs_has_stream(&d->ep.dsm.ide_regs, was.stream_id));
  for (size_t i = 0; i < 3; i++) {
    assert_ot_code(ot_ide_key_go(ot_ide_tx_engine(&d->rp.port.tx), was.stream_id, subs[i], 0),
                   OT_E_NOT_FOUND);
    assert_ot_code(ot_ide_key_go(ot_ide_rx_engine(&d->ep.dsm.ide_rx), was.stream_id, subs[i], 0),
                   OT_E_NOT_FOUND);
  }
  /* Disconnecting again is a state error and changes nothing. */
  assert_ot_code(ot_tsm_disconnect(&g->tsm, &d->tdev), OT_E_STATE);
  rig_free(g);
}

static void test_reconnect_rekeys_the_same_stream_id(void **s) {
  (void)s;
  rig *g = one_device(&(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_dev *d = g->devs[0];
  ot_tsm_refusal why;
  size_t base = ot_secret_mark_count();
  for (int round = 0; round < 3; round++) {
    assert_ot_ok(ot_tsm_connect(&g->tsm, &d->tdev, &why));
    assert_int_equal(d->tdev.stream.stream_id, 0); /* freed by disconnect, lowest again */
    expect_secure(d, true);
    assert_ot_ok(ot_tsm_disconnect(&g->tsm, &d->tdev));
    assert_int_equal(ot_secret_mark_count(), base);
  }
  /* Every connect drew six fresh keys. */
  assert_int_equal(g->keys.n, 18);
  for (size_t i = 0; i < 6; i++)
    for (size_t j = 6; j < 18; j++)
      assert_memory_not_equal(g->keys.key[i], g->keys.key[j], OT_IDE_KEY_SIZE);
  rig_free(g);
}

static void test_two_devices_get_distinct_stream_ids(void **s) {
  (void)s;
  rig *g = rig_new();
  rig_dev *a = rig_add_device(g, &(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_dev *b = rig_add_device(g, &(rig_dev_opts){.name = "nvme0", .seed = 1});
  rig_dev *both[2] = {a, b};
  policy_for(g, both, 2, a);
  rig_start_tsm(g);
  ot_tsm_refusal why;
  assert_ot_ok(ot_tsm_connect(&g->tsm, &a->tdev, &why));
  assert_ot_ok(ot_tsm_connect(&g->tsm, &b->tdev, &why));
  assert_int_equal(a->tdev.stream.stream_id, 0);
  assert_int_equal(b->tdev.stream.stream_id, 1); /* one host bridge: IDs are unique */
  assert_int_equal(b->tdev.stream.ep_rid, 0x0200);
  expect_secure(a, true);
  expect_secure(b, true);
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &a->tdev));
  expect_secure(b, true); /* the other device's stream is untouched */
  assert_ot_ok(ot_tsm_connect(&g->tsm, &a->tdev, &why));
  assert_int_equal(a->tdev.stream.stream_id, 0);
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &a->tdev));
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &b->tdev));
  rig_free(g);
}

/* The K bit of the IDE TLP Prefix tx puts on the stream's next TLP (the
 * TLP is dropped: its receiver never sees it, so traffic checks belong in
 * another test). */
static bool next_k_bit(ot_ide_tx *tx, uint8_t id, const ot_tlp *t) {
  uint8_t plain[256], wire[512];
  size_t lens[1], total = 0;
  ot_tlp_view v;
  assert_ot_ok(ot_tlp_view_encode(t, plain, sizeof(plain), &v));
  ot_ide_tx_tlp in = {.tlp = &v, .t = true};
  assert_ot_ok(ot_ide_tx_protect(tx, id, &in, 1, wire, sizeof(wire), lens, &total));
  ot_ide_prefix p;
  assert_ot_ok(ot_ide_prefix_decode(wire, &p));
  return p.k;
}

static void test_rekey_switches_key_set_and_keeps_traffic(void **s) {
  (void)s;
  rig *g = one_device(&(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_dev *d = g->devs[0];
  ot_tsm_refusal why;
  /* Nothing to re-key before connect. */
  assert_ot_code(ot_tsm_rekey(&g->tsm, &d->tdev, &why), OT_E_STATE);
  assert_int_equal(why.reason, OT_TSM_R_STATE);
  size_t base = ot_secret_mark_count();
  assert_ot_ok(ot_tsm_connect(&g->tsm, &d->tdev, &why));
  uint8_t id = d->tdev.stream.stream_id;
  uint8_t data[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  ot_tlp w = {.hdr = {.kind = OT_TLP_MWR,
                      .length = 4,
                      .requester_id = 0x0100,
                      .first_be = 0xF,
                      .last_be = 0xF,
                      .address = 0x80000000u},
              .payload = data,
              .payload_len = sizeof(data)};
  cross(&d->ep.dsm.ide_tx, &d->rp.port.rx, id, &w);
  cross(&d->rp.port.tx, &d->ep.dsm.ide_rx, id, &w);
  size_t marks = ot_secret_mark_count();
  for (int round = 1; round <= 2; round++) {
    assert_ot_ok(ot_tsm_rekey(&g->tsm, &d->tdev, &why));
    assert_int_equal(d->tdev.key_set, round & 1);
    assert_int_equal(g->keys.n, 6u * (size_t)(round + 1));
    expect_secure(d, true);
    /* The old set was stopped: as many key contexts live as before. */
    assert_int_equal(ot_secret_mark_count(), marks);
    assert_int_equal(next_k_bit(&d->ep.dsm.ide_tx, id, &w), (round & 1) != 0);
    assert_int_equal(next_k_bit(&d->rp.port.tx, id, &w), (round & 1) != 0);
  }
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &d->tdev));
  assert_int_equal(ot_secret_mark_count(), base);
  rig_free(g);
}

static void test_rekey_traffic_crosses_on_new_keys(void **s) {
  (void)s;
  rig *g = one_device(&(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_dev *d = g->devs[0];
  ot_tsm_refusal why;
  assert_ot_ok(ot_tsm_connect(&g->tsm, &d->tdev, &why));
  uint8_t id = d->tdev.stream.stream_id;
  uint8_t data[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
  ot_tlp w = {.hdr = {.kind = OT_TLP_MWR,
                      .length = 4,
                      .requester_id = 0x0100,
                      .first_be = 0xF,
                      .last_be = 0xF,
                      .address = 0x80000000u},
              .payload = data,
              .payload_len = sizeof(data)};
  for (int round = 0; round < 3; round++) {
    cross(&d->ep.dsm.ide_tx, &d->rp.port.rx, id, &w);
    cross(&d->rp.port.tx, &d->ep.dsm.ide_rx, id, &w);
    assert_ot_ok(ot_tsm_rekey(&g->tsm, &d->tdev, &why));
  }
  expect_secure(d, true);
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &d->tdev));
  rig_free(g);
}

/* A host that programs another Stream ID into the endpoint's Control than
 * the TSM asked for: the device then holds no stream for KEY_PROG. */
typedef struct bad_host {
  ot_cfg_access base; /* must be first */
  ot_cfg_access *inner;
  uint16_t ctl; /* the endpoint's selective block 0 Control register */
} bad_host;

static ot_status bad_read(ot_cfg_access *a, uint16_t off, uint32_t *v) {
  return ot_cfg_read32(((bad_host *)a)->inner, off, v);
}

static ot_status bad_write(ot_cfg_access *a, uint16_t off, uint32_t v) {
  bad_host *h = (bad_host *)a;
  if (off == h->ctl && OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, v) != OT_IDE_HOST_RESERVED_STREAM_ID)
    v = OT_FIELD_SET(OT_IDE_STREAM_CTL_ID, v, 0x77u);
  return ot_cfg_write32(h->inner, off, v);
}

static void expect_nothing_programmed(rig *g, rig_dev *d, size_t base) {
  assert_int_equal(d->tdev.state, OT_TSM_DEV_IDLE);
  assert_false(d->tdev.ide_up);
  assert_int_equal(d->link.base.probes, 0);
  assert_int_equal(d->link.base.connects, 0);
  assert_int_equal(g->tsm.connected, 0);
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++)
    assert_false(d->ep.dsm.rsp.sessions[i].used);
  assert_int_equal(ot_secret_mark_count(), base);
  /* The root port's block is parked again and its engines hold no stream 0. */
  assert_false(ot_ide_regs_has_stream(&d->rp.port.regs, 0));
  assert_int_equal(reg_state(&d->rp.acc.base, RIG_RP_BLOCK), OT_IDE_STATUS_INSECURE);
  assert_int_equal(engine_state(ot_ide_tx_engine(&d->rp.port.tx), 0), OT_IDE_INSECURE);
  assert_int_equal(engine_state(ot_ide_rx_engine(&d->ep.dsm.ide_rx), 0), OT_IDE_INSECURE);
  for (size_t i = 0; i < sizeof(g->tsm.streams_used); i++)
    assert_int_equal(g->tsm.streams_used[i], 0);
}

static void test_refuse_when_device_rejects_key_prog(void **s) {
  (void)s;
  rig *g = one_device(&(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_dev *d = g->devs[0];
  uint16_t cap, off;
  uint8_t nab;
  assert_ot_ok(ot_ide_host_find(&d->ep.acc.base, &cap));
  assert_ot_ok(ot_ide_host_sel_block(&d->ep.acc.base, cap, 0, &off, &nab));
  bad_host h = {.base = {.read32 = bad_read, .write32 = bad_write},
                .inner = &d->ep.acc.base,
                .ctl = (uint16_t)(off + OT_IDE_SEL_CTL)};
  d->link.ep_cfg = &h.base;
  size_t base = ot_secret_mark_count();
  ot_tsm_refusal why;
  ot_status st = ot_tsm_connect(&g->tsm, &d->tdev, &why);
  assert_ot_code(st, OT_E_PEER_ERROR);
  assert_int_equal(why.reason, OT_TSM_R_IDE);
  assert_non_null(strstr(why.detail, "KEY_PROG"));
  assert_non_null(strstr(why.detail, "status 3")); /* KP_ACK 03h Unsupported Value */
  print_message("  %s: %s\n", ot_tsm_reason_name(why.reason), why.detail);
  expect_nothing_programmed(g, d, base);
  /* The keys were generated and wiped; an honest host then connects. */
  assert_int_equal(g->keys.n, 6);
  d->link.ep_cfg = &d->ep.acc.base;
  assert_ot_ok(ot_tsm_connect(&g->tsm, &d->tdev, &why));
  assert_int_equal(d->tdev.stream.stream_id, 0);
  expect_secure(d, true);
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &d->tdev));
  rig_free(g);
}

static void test_refuse_endpoint_without_selective_ide(void **s) {
  (void)s;
  rig *g = one_device(&(rig_dev_opts){.name = "gpu0", .seed = 1, .link_ide_only = true});
  rig_dev *d = g->devs[0];
  size_t base = ot_secret_mark_count();
  ot_tsm_refusal why;
  assert_ot_code(ot_tsm_connect(&g->tsm, &d->tdev, &why), OT_E_UNSUPPORTED);
  assert_int_equal(why.reason, OT_TSM_R_IDE);
  assert_non_null(strstr(why.detail, "Selective IDE Streams Supported"));
  print_message("  %s: %s\n", ot_tsm_reason_name(why.reason), why.detail);
  assert_int_equal(g->keys.n, 0); /* refused before any key was drawn */
  expect_nothing_programmed(g, d, base);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_connect_brings_stream_secure_at_both_ends),
      cmocka_unit_test(test_protected_tlps_cross_both_ways),
      cmocka_unit_test(test_disconnect_leaves_insecure_and_keys_zeroized),
      cmocka_unit_test(test_reconnect_rekeys_the_same_stream_id),
      cmocka_unit_test(test_two_devices_get_distinct_stream_ids),
      cmocka_unit_test(test_rekey_switches_key_set_and_keeps_traffic),
      cmocka_unit_test(test_rekey_traffic_crosses_on_new_keys),
      cmocka_unit_test(test_refuse_when_device_rejects_key_prog),
      cmocka_unit_test(test_refuse_endpoint_without_selective_ide),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
