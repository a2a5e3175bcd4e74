/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TSM's reading of an endpoint's IDE_KM QUERY_RESP register block
 * (PCIe r6.0 §7.9.26): which selective block is free, which Stream IDs are
 * enabled, and refusal of blocks that do not fit what the Capability
 * register announces.
 */
#include <string.h>

#include "../../../src/tsm/tsm_internal.h"
#include "opentsm/ide_km.h"
#include "opentsm/ide_regs.h"
#include "testsupport.h"

typedef struct port {
  ot_cfg_space cfg;
  ot_ide_tx tx;
  ot_ide_rx rx;
  ot_ide_regs regs;
  ot_cfg_inproc acc;
  uint8_t bytes[4 * 128];
  ot_ide_km_query_resp q;
} port;

/* A port with the given capability; q holds its live registers as QUERY_RESP carries them. */
static void port_init(port *p, const ot_ide_regs_caps *caps) {
  const ot_cfg_ident id = {.vendor = 0x1AF4, .device = 0x1000, .class_code = 0x020000};
  uint16_t off;
  ot_ide_tx_init(&p->tx);
  ot_ide_rx_init(&p->rx);
  assert_ot_ok(ot_cfg_init(&p->cfg, &id));
  assert_ot_ok(ot_cfg_add_cap(&p->cfg, OT_PCI_CAP_ID_EXP, 0x3C, &off));
  assert_ot_ok(ot_ide_regs_init(&p->regs, &p->cfg, caps, &p->tx, &p->rx, NULL, 0));
  ot_cfg_inproc_init(&p->acc, &p->cfg);
}

static void port_snapshot(port *p) {
  uint32_t dws[128];
  size_t n = 0;
  assert_ot_ok(ot_ide_regs_snapshot(&p->regs, dws, 128, &n));
  for (size_t i = 0; i < n; i++)
    ot_store_u32le(p->bytes + 4 * i, dws[i]);
  p->q = (ot_ide_km_query_resp){.reg_count = n, .regs = p->bytes};
}

static void port_free(port *p) {
  ot_ide_regs_release(&p->regs);
  ot_ide_tx_clear(&p->tx);
  ot_ide_rx_clear(&p->rx);
}

static void test_fresh_port_offers_block_zero(void **s) {
  (void)s;
  port p;
  port_init(&p,
            &(ot_ide_regs_caps){.link_tcs = 2, .sel_streams = 3, .addr_blocks = 2, .ide_km = true});
  port_snapshot(&p);
  tsm_ep_ide e;
  assert_ot_ok(tsm_parse_ide_query(&p.q, &e));
  assert_true(e.cap & OT_IDE_CAP_IDE_KM);
  assert_true(e.cap & OT_IDE_CAP_SELECTIVE);
  assert_true(e.have_block);
  assert_int_equal(e.free_block, 0);
  for (size_t i = 0; i < sizeof(e.enabled_ids); i++)
    assert_int_equal(e.enabled_ids[i], 0);
  port_free(&p);
}

static void test_enabled_block_is_skipped_and_its_id_reported(void **s) {
  (void)s;
  port p;
  port_init(&p,
            &(ot_ide_regs_caps){.link_tcs = 1, .sel_streams = 3, .addr_blocks = 1, .ide_km = true});
  uint16_t cap;
  assert_ot_ok(ot_ide_host_find(&p.acc.base, &cap));
  assert_ot_ok(ot_ide_host_reserve_unused(&p.acc.base, cap));
  ot_ide_host_stream hs = {.block = 0, .stream_id = 5, .rid_base = 8, .rid_limit = 8};
  assert_ot_ok(ot_ide_host_stream_setup(&p.acc.base, cap, &hs));
  /* No keys: the stream reads Insecure, but Enable is set (Linux then disables). */
  assert_ot_code(ot_ide_host_stream_enable(&p.acc.base, cap, 0), OT_E_STATE);
  port_snapshot(&p);
  tsm_ep_ide e;
  assert_ot_ok(tsm_parse_ide_query(&p.q, &e));
  assert_true(e.have_block);
  assert_int_equal(e.free_block, 1);
  assert_int_equal(e.enabled_ids[0], 1u << 5);
  port_free(&p);
}

static void test_link_only_port_has_no_block(void **s) {
  (void)s;
  port p;
  port_init(&p, &(ot_ide_regs_caps){.link_tcs = 2, .ide_km = true});
  port_snapshot(&p);
  tsm_ep_ide e;
  assert_ot_ok(tsm_parse_ide_query(&p.q, &e));
  assert_false(e.cap & OT_IDE_CAP_SELECTIVE);
  assert_false(e.have_block);
  port_free(&p);
}

static void test_blocks_past_the_register_block_are_malformed(void **s) {
  (void)s;
  port p;
  port_init(&p, &(ot_ide_regs_caps){.sel_streams = 2, .addr_blocks = 3, .ide_km = true});
  port_snapshot(&p);
  tsm_ep_ide e, before;
  memset(&before, 0xA5, sizeof(before));
  /* Every shorter block is refused and leaves *out alone. */
  for (size_t n = 0; n < p.q.reg_count; n++) {
    ot_ide_km_query_resp q = p.q;
    q.reg_count = n;
    e = before;
    assert_ot_code(tsm_parse_ide_query(&q, &e), OT_E_MALFORMED);
    assert_memory_equal(&e, &before, sizeof(e));
  }
  port_free(&p);
}

static void test_capability_announcing_too_many_blocks_is_malformed(void **s) {
  (void)s;
  /* Capability: Selective, 256 streams; Control; then one 5-DW block only. */
  uint8_t b[4 * 7];
  memset(b, 0, sizeof(b));
  ot_store_u32le(b, OT_IDE_CAP_SELECTIVE | OT_IDE_CAP_IDE_KM | OT_IDE_CAP_SEL_STREAMS);
  ot_ide_km_query_resp q = {.reg_count = 7, .regs = b};
  tsm_ep_ide e;
  assert_ot_code(tsm_parse_ide_query(&q, &e), OT_E_MALFORMED);
  /* An address block count that runs past the end. */
  ot_store_u32le(b, OT_IDE_CAP_SELECTIVE | OT_IDE_CAP_IDE_KM);
  ot_store_u32le(b + 8, OT_IDE_SEL_CAP_ADDR_BLOCKS);
  assert_ot_code(tsm_parse_ide_query(&q, &e), OT_E_MALFORMED);
  ot_store_u32le(b + 8, 0);
  assert_ot_ok(tsm_parse_ide_query(&q, &e));
  assert_ot_code(tsm_parse_ide_query(NULL, &e), OT_E_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fresh_port_offers_block_zero),
      cmocka_unit_test(test_enabled_block_is_skipped_and_its_id_reported),
      cmocka_unit_test(test_link_only_port_has_no_block),
      cmocka_unit_test(test_blocks_past_the_register_block_are_malformed),
      cmocka_unit_test(test_capability_announcing_too_many_blocks_is_malformed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
