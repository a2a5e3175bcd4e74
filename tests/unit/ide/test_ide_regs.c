/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE Extended Capability register model (PCIe r6.0 §7.9.26) and the
 * Linux-order host helpers: layout, read-only bits, Enable sampling,
 * RID2.Valid, Status mirroring the engine, stream IDs, teardown.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/ide_regs.h"
#include "opentsm/secure.h"
#include "regs_rig.h"
#include "testsupport.h"

#define SID 5

static const ot_ide_regs_caps default_caps = {.link_tcs = 1,
                                              .sel_streams = 2,
                                              .addr_blocks = 2,
                                              .aggregation = true,
                                              .pcrc = true,
                                              .ide_km = true};

static uint32_t rd(fx *f, uint16_t off) {
  uint32_t v;
  assert_ot_ok(ot_cfg_read32(&f->acc.base, off, &v));
  return v;
}

static void wr(fx *f, uint16_t off, uint32_t v) {
  assert_ot_ok(ot_cfg_write32(&f->acc.base, off, v));
}

static uint16_t sel_off(fx *f, uint8_t block) {
  uint16_t off;
  uint8_t n;
  assert_ot_ok(ot_ide_host_sel_block(&f->acc.base, f->cap, block, &off, &n));
  return off;
}

static uint8_t sel_state(fx *f, uint8_t block) {
  uint8_t s;
  assert_ot_ok(ot_ide_host_stream_state(&f->acc.base, f->cap, block, &s));
  return s;
}

static ot_ide_host_stream host_stream(uint8_t block, uint8_t sid) {
  ot_ide_host_stream s = {
      .block = block, .stream_id = sid, .rid_base = 0x0100, .rid_limit = 0x01FF, .n_ranges = 1};
  s.ranges[0].base = UINT64_C(0x200000000);
  s.ranges[0].limit = UINT64_C(0x2001FFFFF);
  return s;
}

/* The key material of (direction, sub-stream, key set): distinct for each. */
static ot_ide_key_material key_of(int dir, int sub, uint8_t key_set) {
  ot_ide_key_material km = {.iv_fixed = OT_IDE_IV_FIXED_PCIE, .ifv = 1};
  for (size_t i = 0; i < sizeof km.key; i++)
    km.key[i] = (uint8_t)(i * 7 + (unsigned)dir * 31 + (unsigned)sub * 5 + key_set * 77);
  return km;
}

/* Programs and GOes key set 0 of stream sid in both engines, as IDE_KM would. */
static void keys_go(fx *f, uint8_t sid) {
  for (int sub = 0; sub < 3; sub++) {
    ot_ide_key_material km = key_of(0, sub, 0);
    assert_ot_ok(ot_ide_key_install(&f->rx.engine, sid, (ot_ide_substream)sub, 0, &km));
    assert_ot_ok(ot_ide_key_go(&f->rx.engine, sid, (ot_ide_substream)sub, 0));
    km = key_of(1, sub, 0);
    assert_ot_ok(ot_ide_key_install(&f->tx.engine, sid, (ot_ide_substream)sub, 0, &km));
    assert_ot_ok(ot_ide_key_go(&f->tx.engine, sid, (ot_ide_substream)sub, 0));
    ot_zeroize(&km, sizeof km);
  }
}

static void secure_stream(fx *f, uint8_t block, uint8_t sid) {
  ot_ide_host_stream s = host_stream(block, sid);
  assert_ot_ok(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s));
  keys_go(f, sid);
  assert_ot_ok(ot_ide_host_stream_enable(&f->acc.base, f->cap, block));
  assert_int_equal(sel_state(f, block), OT_IDE_STATUS_SECURE);
}

/* ---- layout and attributes ---------------------------------------------------------- */

static void test_layout_and_capability(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  uint32_t hdr = rd(f, f->cap);
  assert_int_equal(OT_FIELD_GET(OT_PCI_EXT_CAP_ID, hdr), OT_PCI_EXT_CAP_ID_IDE);
  assert_int_equal(OT_FIELD_GET(OT_PCI_EXT_CAP_VER, hdr), 1);
  uint32_t cap = rd(f, (uint16_t)(f->cap + OT_IDE_REG_CAP));
  assert_true(cap & OT_IDE_CAP_LINK);
  assert_true(cap & OT_IDE_CAP_SELECTIVE);
  assert_true(cap & OT_IDE_CAP_AGGREGATION);
  assert_true(cap & OT_IDE_CAP_PCRC);
  assert_true(cap & OT_IDE_CAP_IDE_KM);
  assert_false(cap & (OT_IDE_CAP_FLOW_THROUGH | OT_IDE_CAP_PARTIAL_HDR | OT_IDE_CAP_SEL_CFG));
  /* Supported Algorithms is encoded (PCIe r6.0 §7.9.26.2): 00000b = AES-GCM-256. */
  assert_int_equal(cap & 0x00001F00u, 0);
  assert_true(OT_IDE_CAP_AES_GCM_256(cap));
  assert_int_equal(OT_FIELD_GET(OT_IDE_CAP_LINK_TCS, cap), 0);    /* 1 TC */
  assert_int_equal(OT_FIELD_GET(OT_IDE_CAP_SEL_STREAMS, cap), 1); /* 2 streams */
  /* Selective blocks follow the link block, each 20 + 12 * 2 bytes (SPEC-FACTS §5.1). */
  assert_int_equal(sel_off(f, 0), f->cap + 0x0C + 8);
  assert_int_equal(sel_off(f, 1), f->cap + 0x0C + 8 + 44);
  assert_int_equal(rd(f, (uint16_t)(sel_off(f, 1) + OT_IDE_SEL_CAP)), 2);
  uint16_t off;
  uint8_t n;
  assert_ot_code(ot_ide_host_sel_block(&f->acc.base, f->cap, 2, &off, &n), OT_E_NOT_FOUND);
  assert_int_equal(ot_ide_regs_dw_count(&f->regs), 2 + 2 * 1 + (5 + 3 * 2) * 2);
  fx_free(f);
}

static void test_read_only_bits(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  uint16_t capreg = (uint16_t)(f->cap + OT_IDE_REG_CAP);
  uint32_t cap = rd(f, capreg);
  wr(f, capreg, ~cap);
  assert_int_equal(rd(f, capreg), cap);
  wr(f, (uint16_t)(f->cap + OT_IDE_REG_CTL), UINT32_MAX); /* no Flow-Through support */
  assert_int_equal(rd(f, (uint16_t)(f->cap + OT_IDE_REG_CTL)), 0);

  uint16_t s = sel_off(f, 0);
  wr(f, (uint16_t)(s + OT_IDE_SEL_CAP), 0);
  assert_int_equal(rd(f, (uint16_t)(s + OT_IDE_SEL_CAP)), 2);
  wr(f, (uint16_t)(s + OT_IDE_SEL_CTL), ~OT_IDE_STREAM_CTL_ENABLE);
  uint32_t want = OT_IDE_STREAM_CTL_AGG_NPR | OT_IDE_STREAM_CTL_AGG_PR | OT_IDE_STREAM_CTL_AGG_CPL |
                  OT_IDE_STREAM_CTL_PCRC | OT_IDE_STREAM_CTL_ALG | OT_IDE_STREAM_CTL_TC |
                  OT_IDE_STREAM_CTL_DEFAULT | OT_IDE_STREAM_CTL_ID;
  assert_int_equal(rd(f, (uint16_t)(s + OT_IDE_SEL_CTL)), want); /* XT, partial header: RO 0 */
  wr(f, (uint16_t)(s + OT_IDE_SEL_STS), UINT32_MAX);
  assert_int_equal(rd(f, (uint16_t)(s + OT_IDE_SEL_STS)), 0);
  wr(f, (uint16_t)(s + OT_IDE_SEL_RID1), UINT32_MAX);
  assert_int_equal(rd(f, (uint16_t)(s + OT_IDE_SEL_RID1)), OT_IDE_RID1_LIMIT);
  wr(f, (uint16_t)(s + OT_IDE_SEL_RID2), UINT32_MAX);
  assert_int_equal(rd(f, (uint16_t)(s + OT_IDE_SEL_RID2)), 0xFFFFFF01u);
  wr(f, (uint16_t)(s + OT_IDE_SEL_ADDR(0) + OT_IDE_ADDR1), UINT32_MAX);
  assert_int_equal(rd(f, (uint16_t)(s + OT_IDE_SEL_ADDR(0) + OT_IDE_ADDR1)), 0xFFFFFF01u);
  fx_free(f);
}

static void test_unsupported_features_read_only_zero(void **state) {
  (void)state;
  ot_ide_regs_caps c = {.sel_streams = 1};
  fx *f = fx_new(&c);
  uint32_t cap = rd(f, (uint16_t)(f->cap + OT_IDE_REG_CAP));
  assert_false(cap & (OT_IDE_CAP_LINK | OT_IDE_CAP_AGGREGATION | OT_IDE_CAP_PCRC));
  uint16_t s = sel_off(f, 0);
  assert_int_equal(s, f->cap + 0x0C); /* no link blocks */
  wr(f, (uint16_t)(s + OT_IDE_SEL_CTL),
     OT_IDE_STREAM_CTL_AGG_PR | OT_IDE_STREAM_CTL_PCRC | OT_IDE_STREAM_CTL_CFG |
         OT_IDE_STREAM_CTL_TEE_LIMITED);
  assert_int_equal(rd(f, (uint16_t)(s + OT_IDE_SEL_CTL)), 0);
  fx_free(f);
}

static void test_init_rejects_bad_caps(void **state) {
  (void)state;
  fx *f = calloc(1, sizeof *f);
  assert_non_null(f);
  ot_cfg_ident id = {.vendor = 1, .layout = OT_PCI_HEADER_LAYOUT_TYPE0};
  assert_ot_ok(ot_cfg_init(&f->cfg, &id));
  ot_ide_tx_init(&f->tx);
  ot_ide_rx_init(&f->rx);
  ot_ide_regs_caps none = {0}, many = {.link_tcs = 8, .sel_streams = 1},
                   addr = {.sel_streams = 1, .addr_blocks = 16};
  assert_ot_code(ot_ide_regs_init(&f->regs, &f->cfg, &none, &f->tx, &f->rx, NULL, 0), OT_E_ARG);
  assert_ot_code(ot_ide_regs_init(&f->regs, &f->cfg, &many, &f->tx, &f->rx, NULL, 0), OT_E_ARG);
  assert_ot_code(ot_ide_regs_init(&f->regs, &f->cfg, &addr, &f->tx, &f->rx, NULL, 0), OT_E_ARG);
  assert_ot_code(ot_ide_regs_init(&f->regs, &f->cfg, &default_caps, &f->tx, NULL, NULL, 0),
                 OT_E_ARG);
  uint16_t off;
  assert_ot_code(ot_ide_host_find(NULL, &off), OT_E_ARG);
  free(f);
}

/* ---- Linux-order host programming ------------------------------------------------- */

static void test_host_setup_writes_registers(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  ot_ide_host_stream s = host_stream(1, SID);
  s.segment = 3;
  s.default_stream = true;
  s.tc = 2;
  assert_ot_ok(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s));
  uint16_t b = sel_off(f, 1);
  assert_int_equal(rd(f, (uint16_t)(b + OT_IDE_SEL_RID1)), 0x01FF00u);
  assert_int_equal(rd(f, (uint16_t)(b + OT_IDE_SEL_RID2)), 0x03010001u);
  /* Base 0x2_0000_0000, limit 0x2_001F_FFFF: low registers hold address[31:20] (T10). */
  uint16_t a = (uint16_t)(b + OT_IDE_SEL_ADDR(0));
  assert_int_equal(rd(f, (uint16_t)(a + OT_IDE_ADDR1)), 0x00100001u);
  assert_int_equal(rd(f, (uint16_t)(a + OT_IDE_ADDR2)), 2); /* Limit upper */
  assert_int_equal(rd(f, (uint16_t)(a + OT_IDE_ADDR3)), 2); /* Base upper */
  assert_int_equal(rd(f, (uint16_t)(b + OT_IDE_SEL_ADDR(1) + OT_IDE_ADDR1)), 0);
  uint32_t ctl = rd(f, (uint16_t)(b + OT_IDE_SEL_CTL));
  assert_int_equal(ctl, (uint32_t)SID << 24 | 2u << 19 | OT_IDE_STREAM_CTL_DEFAULT);
  assert_true(ot_ide_regs_has_stream(&f->regs, SID)); /* IDE_KM can now program it */
  assert_int_equal(sel_state(f, 1), OT_IDE_STATUS_INSECURE);
  fx_free(f);
}

static void test_host_setup_rejects_bad_ranges(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  uint16_t b = sel_off(f, 0);
  ot_ide_host_stream s = host_stream(0, SID);
  s.ranges[0].base = 0x100000u + 0x1000u; /* not 1 MiB aligned */
  assert_ot_code(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s), OT_E_ARG);
  s = host_stream(0, SID);
  s.ranges[0].limit = 0x2FFFFFu; /* below base */
  assert_ot_code(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s), OT_E_ARG);
  s = host_stream(0, SID);
  s.n_ranges = 3; /* the block has 2 */
  assert_ot_code(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s), OT_E_ARG);
  s = host_stream(7, SID);
  assert_ot_code(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s), OT_E_NOT_FOUND);
  assert_int_equal(rd(f, (uint16_t)(b + OT_IDE_SEL_RID2)), 0); /* nothing was written */
  fx_free(f);
}

static void test_host_teardown_zeroes(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  secure_stream(f, 0, SID);
  assert_ot_ok(ot_ide_host_stream_disable(&f->acc.base, f->cap, 0));
  assert_int_equal(sel_state(f, 0), OT_IDE_STATUS_INSECURE);
  assert_ot_ok(ot_ide_host_stream_teardown(&f->acc.base, f->cap, 0));
  uint16_t b = sel_off(f, 0);
  for (uint16_t o = OT_IDE_SEL_CTL; o < OT_IDE_SEL_BLOCK_SIZE(2); o += 4)
    if (o != OT_IDE_SEL_STS) assert_int_equal(rd(f, (uint16_t)(b + o)), 0);
  fx_free(f);
}

static void test_reserve_unused_parks_blocks(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  secure_stream(f, 1, SID);
  assert_ot_ok(ot_ide_host_reserve_unused(&f->acc.base, f->cap));
  uint32_t link = rd(f, (uint16_t)(f->cap + OT_IDE_REG_LINK_START));
  assert_int_equal(OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, link), 255);
  assert_int_equal(OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, rd(f, (uint16_t)(sel_off(f, 0) + 4))), 255);
  /* The enabled block is left alone and stays Secure. */
  assert_int_equal(OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, rd(f, (uint16_t)(sel_off(f, 1) + 4))), SID);
  assert_int_equal(sel_state(f, 1), OT_IDE_STATUS_SECURE);
  assert_true(ot_ide_regs_has_stream(&f->regs, 255));
  fx_free(f);
}

/* ---- Enable, sampling, validity, status ----------------------------------------- */

static void test_enable_with_keys_is_secure(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  secure_stream(f, 0, SID);
  ot_ide_state st;
  assert_ot_ok(ot_ide_stream_state(&f->rx.engine, SID, &st, NULL));
  assert_int_equal(st, OT_IDE_SECURE);
  fx_free(f);
}

static void test_enable_without_keys_is_insecure(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  ot_ide_host_stream s = host_stream(0, SID);
  assert_ot_ok(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s));
  assert_ot_code(ot_ide_host_stream_enable(&f->acc.base, f->cap, 0), OT_E_STATE);
  assert_int_equal(sel_state(f, 0), OT_IDE_STATUS_INSECURE);
  /* Keys GO afterwards: Secure without another Enable (state follows the engine). */
  keys_go(f, SID);
  assert_int_equal(sel_state(f, 0), OT_IDE_STATUS_SECURE);
  fx_free(f);
}

static void test_enable_with_rid_invalid_is_insecure(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  ot_ide_host_stream s = host_stream(0, SID);
  assert_ot_ok(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s));
  uint16_t b = sel_off(f, 0);
  wr(f, (uint16_t)(b + OT_IDE_SEL_RID2), rd(f, (uint16_t)(b + OT_IDE_SEL_RID2)) & ~1u);
  keys_go(f, SID);
  assert_ot_code(ot_ide_host_stream_enable(&f->acc.base, f->cap, 0), OT_E_STATE);
  /* Setting Valid later does not rescue it: the check happens at Enable. */
  wr(f, (uint16_t)(b + OT_IDE_SEL_RID2), rd(f, (uint16_t)(b + OT_IDE_SEL_RID2)) | 1u);
  assert_int_equal(sel_state(f, 0), OT_IDE_STATUS_INSECURE);
  fx_free(f);
}

static void test_rid_invalid_while_enabled_drops_keys(void **state) {
  (void)state;
  size_t marks = ot_secret_mark_count();
  fx *f = fx_new(&default_caps);
  secure_stream(f, 0, SID);
  assert_int_equal(ot_secret_mark_count(), marks + 6);
  uint16_t b = sel_off(f, 0);
  wr(f, (uint16_t)(b + OT_IDE_SEL_RID2), 0);
  assert_int_equal(sel_state(f, 0), OT_IDE_STATUS_INSECURE);
  assert_int_equal(ot_secret_mark_count(), marks);
  fx_free(f);
}

static void test_algorithm_sampled_at_enable(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  secure_stream(f, 0, SID);
  uint16_t ctl = (uint16_t)(sel_off(f, 0) + OT_IDE_SEL_CTL);
  uint32_t v = rd(f, ctl);
  /* While enabled, Selected Algorithm (and every other field) keeps its sampled value. */
  wr(f, ctl, v | OT_FIELD_PREP(OT_IDE_STREAM_CTL_ALG, 3) | OT_FIELD_PREP(OT_IDE_STREAM_CTL_ID, 9));
  assert_int_equal(rd(f, ctl), v);
  assert_int_equal(sel_state(f, 0), OT_IDE_STATUS_SECURE);
  fx_free(f);
}

/* Selected Algorithm (bits 18:14) is encoded like Supported Algorithms (PCIe
 * r6.0 §7.9.26.5.2): 00000b = AES-GCM-256 goes Secure, every reserved code
 * leaves the stream Insecure. */
static void test_unsupported_algorithm_is_insecure(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  ot_ide_host_stream s = host_stream(0, SID);
  assert_ot_ok(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s));
  uint16_t ctl = (uint16_t)(sel_off(f, 0) + OT_IDE_SEL_CTL);
  uint32_t base = rd(f, ctl);
  assert_int_equal(OT_FIELD_GET(OT_IDE_STREAM_CTL_ALG, base), 0); /* host setup wrote 00000b */
  for (uint32_t alg = 1; alg <= 0x1Fu; alg++) {
    keys_go(f, SID);
    wr(f, ctl, base | OT_FIELD_PREP(OT_IDE_STREAM_CTL_ALG, alg) | OT_IDE_STREAM_CTL_ENABLE);
    assert_int_equal(OT_FIELD_GET(OT_IDE_STREAM_CTL_ALG, rd(f, ctl)), alg);
    assert_int_equal(sel_state(f, 0), OT_IDE_STATUS_INSECURE);
    wr(f, ctl, base); /* clear Enable: keys zeroized, next code from scratch */
  }
  keys_go(f, SID);
  wr(f, ctl, base | OT_IDE_STREAM_CTL_ENABLE);
  assert_int_equal(sel_state(f, 0), OT_IDE_STATUS_SECURE);
  fx_free(f);
}

static void test_clear_enable_insecure_and_zeroized(void **state) {
  (void)state;
  size_t marks = ot_secret_mark_count();
  fx *f = fx_new(&default_caps);
  secure_stream(f, 0, SID);
  assert_int_equal(ot_secret_mark_count(), marks + 6); /* 3 RX + 3 TX key sets */
  uint16_t ctl = (uint16_t)(sel_off(f, 0) + OT_IDE_SEL_CTL);
  wr(f, ctl, rd(f, ctl) & ~OT_IDE_STREAM_CTL_ENABLE);
  assert_int_equal(sel_state(f, 0), OT_IDE_STATUS_INSECURE);
  assert_int_equal(ot_secret_mark_count(), marks);
  uint64_t next;
  assert_ot_code(ot_ide_key_next_invocation(&f->tx.engine, SID, OT_IDE_SUB_PR, 0, &next),
                 OT_E_STATE);
  /* Enabling again needs new keys. */
  wr(f, ctl, rd(f, ctl) | OT_IDE_STREAM_CTL_ENABLE);
  assert_int_equal(sel_state(f, 0), OT_IDE_STATUS_INSECURE);
  fx_free(f);
}

static void test_status_mirrors_engine_failure(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  secure_stream(f, 0, SID);
  /* A partner transmitter with other keys: its TLP fails our integrity check. */
  ot_ide_tx *partner = calloc(1, sizeof *partner);
  assert_non_null(partner);
  ot_ide_tx_init(partner);
  ot_ide_stream_cfg cfg = {.stream_id = SID,
                           .kind = OT_IDE_STREAM_SELECTIVE,
                           .tee_allowed = true,
                           .aggregation = {1, 1, 1}};
  assert_ot_ok(ot_ide_tx_stream_add(partner, &cfg));
  for (int sub = 0; sub < 3; sub++) {
    ot_ide_key_material km = key_of(1, sub, 0); /* our TX key, not our RX key */
    assert_ot_ok(ot_ide_key_install(&partner->engine, SID, (ot_ide_substream)sub, 0, &km));
    assert_ot_ok(ot_ide_key_go(&partner->engine, SID, (ot_ide_substream)sub, 0));
  }
  assert_ot_ok(ot_ide_stream_enable(&partner->engine, SID));
  ot_tlp t = {0};
  t.hdr.kind = OT_TLP_MWR;
  t.hdr.length = 1;
  t.hdr.first_be = 0xF;
  t.hdr.address = 0x10000000u;
  uint8_t data[4] = {1, 2, 3, 4};
  t.payload = data;
  t.payload_len = sizeof data;
  uint8_t tlp[64], wire[128], out[128];
  size_t lens[1], total;
  ot_tlp_view v;
  assert_ot_ok(ot_tlp_view_encode(&t, tlp, sizeof tlp, &v));
  ot_ide_tx_tlp in = {&v, false};
  assert_ot_ok(ot_ide_tx_protect(partner, SID, &in, 1, wire, sizeof wire, lens, &total));
  ot_ide_rx_result res;
  assert_ot_code(ot_ide_rx_receive(&f->rx, wire, total, out, sizeof out, &res), OT_E_DECRYPT);
  assert_int_equal(sel_state(f, 0), OT_IDE_STATUS_INSECURE);
  ot_ide_tx_clear(partner);
  free(partner);
  fx_free(f);
}

static void test_link_stream_needs_no_rid(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  uint16_t ctl = (uint16_t)(f->cap + OT_IDE_REG_LINK_START + OT_IDE_LINK_CTL);
  uint16_t sts = (uint16_t)(f->cap + OT_IDE_REG_LINK_START + OT_IDE_LINK_STS);
  wr(f, ctl, OT_FIELD_PREP(OT_IDE_STREAM_CTL_ID, 9));
  keys_go(f, 9);
  wr(f, ctl, OT_FIELD_PREP(OT_IDE_STREAM_CTL_ID, 9) | OT_IDE_STREAM_CTL_ENABLE);
  assert_int_equal(OT_FIELD_GET(OT_IDE_STREAM_STS_STATE, rd(f, sts)), OT_IDE_STATUS_SECURE);
  wr(f, ctl, 0);
  assert_int_equal(OT_FIELD_GET(OT_IDE_STREAM_STS_STATE, rd(f, sts)), OT_IDE_STATUS_INSECURE);
  fx_free(f);
}

/* ---- stream IDs ---------------------------------------------------------------------- */

static void test_stream_id_change_drops_old_stream(void **state) {
  (void)state;
  size_t marks = ot_secret_mark_count();
  fx *f = fx_new(&default_caps);
  ot_ide_host_stream s = host_stream(0, SID);
  assert_ot_ok(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s));
  keys_go(f, SID);
  assert_int_equal(ot_secret_mark_count(), marks + 6);
  s.stream_id = SID + 1;
  assert_ot_ok(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s));
  assert_false(ot_ide_regs_has_stream(&f->regs, SID));
  assert_true(ot_ide_regs_has_stream(&f->regs, SID + 1));
  assert_int_equal(ot_secret_mark_count(), marks); /* the old stream's keys are gone */
  fx_free(f);
}

static void test_duplicate_stream_id_never_secure(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  ot_ide_host_stream a = host_stream(0, SID), b = host_stream(1, SID);
  assert_ot_ok(ot_ide_host_stream_setup(&f->acc.base, f->cap, &a));
  assert_ot_ok(ot_ide_host_stream_setup(&f->acc.base, f->cap, &b));
  keys_go(f, SID);
  assert_ot_code(ot_ide_host_stream_enable(&f->acc.base, f->cap, 1), OT_E_STATE);
  assert_ot_ok(ot_ide_host_stream_enable(&f->acc.base, f->cap, 0));
  /* Block 0 releases the ID; block 1 (enabled, invalid) still cannot become Secure. */
  assert_ot_ok(ot_ide_host_stream_disable(&f->acc.base, f->cap, 0));
  assert_int_equal(sel_state(f, 1), OT_IDE_STATUS_INSECURE);
  fx_free(f);
}

static void test_snapshot_matches_reads(void **state) {
  (void)state;
  fx *f = fx_new(&default_caps);
  secure_stream(f, 0, SID);
  uint32_t regs[64];
  size_t n;
  assert_ot_ok(ot_ide_regs_snapshot(&f->regs, regs, 64, &n));
  assert_int_equal(n, ot_ide_regs_dw_count(&f->regs));
  for (size_t i = 0; i < n; i++)
    assert_int_equal(regs[i], rd(f, (uint16_t)(f->cap + 4 + 4 * i)));
  assert_int_equal(
      OT_FIELD_GET(OT_IDE_STREAM_STS_STATE, regs[(sel_off(f, 0) + 8 - f->cap - 4) / 4]),
      OT_IDE_STATUS_SECURE);
  assert_ot_code(ot_ide_regs_snapshot(&f->regs, regs, n - 1, &n), OT_E_NO_SPACE);
  fx_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_layout_and_capability),
      cmocka_unit_test(test_read_only_bits),
      cmocka_unit_test(test_unsupported_features_read_only_zero),
      cmocka_unit_test(test_init_rejects_bad_caps),
      cmocka_unit_test(test_host_setup_writes_registers),
      cmocka_unit_test(test_host_setup_rejects_bad_ranges),
      cmocka_unit_test(test_host_teardown_zeroes),
      cmocka_unit_test(test_reserve_unused_parks_blocks),
      cmocka_unit_test(test_enable_with_keys_is_secure),
      cmocka_unit_test(test_enable_without_keys_is_insecure),
      cmocka_unit_test(test_enable_with_rid_invalid_is_insecure),
      cmocka_unit_test(test_rid_invalid_while_enabled_drops_keys),
      cmocka_unit_test(test_algorithm_sampled_at_enable),
      cmocka_unit_test(test_unsupported_algorithm_is_insecure),
      cmocka_unit_test(test_clear_enable_insecure_and_zeroized),
      cmocka_unit_test(test_status_mirrors_engine_failure),
      cmocka_unit_test(test_link_stream_needs_no_rid),
      cmocka_unit_test(test_stream_id_change_drops_old_stream),
      cmocka_unit_test(test_duplicate_stream_id_never_secure),
      cmocka_unit_test(test_snapshot_matches_reads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
