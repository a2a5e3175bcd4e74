/* SPDX-License-Identifier: BSD-3-Clause */
/* Text views: the lspci-style listing in each mode and the topology tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/ide_regs.h"
#include "opentsm/sim_print.h"
#include "testsupport.h"

typedef struct fixture {
  ot_sim_topology topo;
  ot_sim_host host;
  ot_sim_platform *p;
  char text[1 << 18];
} fixture;

static fixture *fx;

static int setup(void **state) {
  (void)state;
  fx = calloc(1, sizeof *fx);
  if (fx == NULL || !ot_ok(ot_sim_topology_default(&fx->topo))) return 1;
  if (!ot_ok(ot_sim_platform_create(&fx->topo, &fx->p))) return 1;
  return !ot_ok(ot_sim_host_boot(&fx->host, fx->p));
}

static int teardown(void **state) {
  (void)state;
  ot_sim_platform_destroy(fx->p);
  free(fx);
  return 0;
}

/* Runs a printer into fx->text. */
#define CAPTURE(call)                                                                              \
  do {                                                                                             \
    FILE *f_ = fmemopen(fx->text, sizeof fx->text - 1, "w");                                       \
    assert_non_null(f_);                                                                           \
    assert_ot_ok(call);                                                                            \
    fclose(f_);                                                                                    \
  } while (0)

static void has(const char *s) {
  if (strstr(fx->text, s) == NULL) fail_msg("output lacks \"%s\":\n%s", s, fx->text);
}

static void brief_lists_one_line_per_function(void **state) {
  (void)state;
  CAPTURE(ot_sim_lspci(f_, &fx->host, OT_SIM_LSPCI_BRIEF));
  has("00:01.0 PCI bridge [0604]: Device [1b36:000c]\n");
  has("03:00.1 3D controller [0302]: Device [1234:0b01] (rev 01)\n");
  has("04:00.0 Non-Volatile memory controller [0108]: Device [1b36:0010] (rev 02) (prog-if 02)\n");
  size_t lines = 0;
  for (const char *c = fx->text; *c; c++)
    lines += *c == '\n';
  assert_int_equal(lines, 7);
}

static void verbose_modes_decode_capabilities(void **state) {
  (void)state;
  CAPTURE(ot_sim_lspci(f_, &fx->host, OT_SIM_LSPCI_VERBOSE));
  has("\tSimulated: gpu0 (endpoint)\n");
  has("\tRegion 2: Memory at 4000000000 (64-bit, prefetchable) [size=256M]\n");
  has("\tBus: primary=02, secondary=04, subordinate=04, sec-latency=0\n");
  has("\tCapabilities: [100 v2] Data Object Exchange\n");
  assert_null(strstr(fx->text, "DOESta"));
  CAPTURE(ot_sim_lspci(f_, &fx->host, OT_SIM_LSPCI_VVERBOSE));
  has("TEE-IO+");
  has("\t\tProtocols: 0001:00 Discovery, 0001:01 CMA/SPDM, 0001:02 Secured CMA/SPDM\n");
  has("LnkCap:\tPort #0, Speed 16GT/s, Width x4\n"); /* the NVMe link */
}

static void hex_dump_has_every_register(void **state) {
  (void)state;
  CAPTURE(ot_sim_lspci(f_, &fx->host, OT_SIM_LSPCI_HEX));
  has("03:00.0 3D controller");
  has("\n000: 34 12 01 0b"); /* vendor 1234, device 0b01, little-endian */
  has("\nff0:");
}

/*
 * An IDE capability with Link blocks, aggregation and PCRC on the bare NVMe
 * function, one selective stream set up the way Linux does: every field the
 * listing decodes reads back as programmed.
 */
static void vverbose_decodes_a_programmed_ide_capability(void **state) {
  (void)state;
  ot_sim_function *fn = ot_sim_route(fx->p, 0x04, 0x00);
  assert_non_null(fn);
  ot_ide_tx *tx = calloc(1, sizeof *tx);
  ot_ide_rx *rx = calloc(1, sizeof *rx);
  ot_ide_regs *regs = calloc(1, sizeof *regs);
  assert_true(tx != NULL && rx != NULL && regs != NULL);
  ot_ide_tx_init(tx);
  ot_ide_rx_init(rx);
  ot_ide_regs_caps caps = {.link_tcs = 2,
                           .sel_streams = 1,
                           .addr_blocks = 1,
                           .aggregation = true,
                           .pcrc = true,
                           .ide_km = true};
  assert_ot_ok(ot_ide_regs_init(regs, &fn->cfg, &caps, tx, rx, NULL, 0));
  ot_sim_cfg_access acc;
  ot_sim_cfg_access_init(&acc, fx->p, 0x04, 0x00);
  ot_ide_host_stream s = {
      .block = 0,
      .stream_id = 7,
      .tc = 3,
      .rid_base = 0x0400,
      .rid_limit = 0x0407,
      .n_ranges = 1,
      .ranges = {{.base = UINT64_C(0x4000000000), .limit = UINT64_C(0x40002fffff)}},
      .default_stream = true};
  assert_ot_ok(ot_ide_host_stream_setup(&acc.base, ot_ide_regs_offset(regs), &s));
  CAPTURE(ot_sim_lspci(f_, &fx->host, OT_SIM_LSPCI_VVERBOSE));
  has("\t\tIDECap: Link+ Selective+ FlowThrough- PartialHdr- Aggregation+ PCRC+ IDE_KM+ SelCfg- "
      "TEE-Limited-\n\t\t\tAlgorithms: AES-GCM-256, TCs 2, SelectiveStreams 1\n");
  has("\t\tLinkIDE#1 Ctl: Enable- StreamID 0 TC 0 ");
  has("\t\tLinkIDE#1 Sta: State Insecure (0) RxIntegrityFailMsg-\n"
      "\t\tSelectiveIDE#0 Cap: AddrAssocBlocks 1\n"
      "\t\tSelectiveIDE#0 Ctl: Enable- StreamID 7 TC 3 Default+ CfgReq- TEE-Limited- "
      "Alg AES-GCM-256 PCRC- PartHdr 0 Agg NPR/PR/CPL 1/1/1\n");
  has("\t\tSelectiveIDE#0 RID: Valid+ Base 04:00.0 Limit 04:00.7 Segment 00\n"
      "\t\tSelectiveIDE#0 Addr#0: Valid+ Base 0000004000000000 Limit 00000040002fffff\n");
  assert_null(strstr(fx->text, "LinkIDE#2"));
  assert_null(strstr(fx->text, "SelectiveIDE#1"));
  ot_ide_regs_release(regs);
  ot_ide_tx_clear(tx);
  ot_ide_rx_clear(rx);
  free(regs);
  free(rx);
  free(tx);
}

/*
 * Supported Algorithms (IDE Capability bits 12:8) and Selected Algorithm
 * (Stream Control bits 18:14) are encoded fields, 00000b = AES-GCM-256 and
 * every other code reserved (PCIe r6.0 §7.9.26.2, §7.9.26.5.2): zero decodes
 * as AES-GCM-256, a nonzero code as reserved with its value, not as a bit map.
 */
static void vverbose_decodes_encoded_ide_algorithms(void **state) {
  (void)state;
  ot_sim_function *fn = ot_sim_route(fx->p, 0x04, 0x00);
  assert_non_null(fn);
  ot_ide_tx *tx = calloc(1, sizeof *tx);
  ot_ide_rx *rx = calloc(1, sizeof *rx);
  ot_ide_regs *regs = calloc(1, sizeof *regs);
  assert_true(tx != NULL && rx != NULL && regs != NULL);
  ot_ide_tx_init(tx);
  ot_ide_rx_init(rx);
  ot_ide_regs_caps caps = {.sel_streams = 1, .ide_km = true};
  assert_ot_ok(ot_ide_regs_init(regs, &fn->cfg, &caps, tx, rx, NULL, 0));
  uint16_t capreg = (uint16_t)(ot_ide_regs_offset(regs) + OT_IDE_REG_CAP);
  uint16_t ctlreg = (uint16_t)(ot_ide_regs_offset(regs) + OT_IDE_REG_LINK_START + OT_IDE_SEL_CTL);
  /* IDE_KM, Selective, one stream, bits 12:8 all zero */
  assert_int_equal(ot_cfg_peek32(&fn->cfg, capreg), 0x00000042u);
  CAPTURE(ot_sim_lspci(f_, &fx->host, OT_SIM_LSPCI_VVERBOSE));
  has("\t\t\tAlgorithms: AES-GCM-256, TCs 1, SelectiveStreams 1\n");
  has(" Alg AES-GCM-256 PCRC-");
  /* 0x142: bits 12:8 = 00001b, a reserved code */
  ot_cfg_poke32(&fn->cfg, capreg, 0x00000142u);
  ot_cfg_poke32(&fn->cfg, ctlreg, OT_FIELD_PREP(OT_IDE_STREAM_CTL_ALG, 3u));
  CAPTURE(ot_sim_lspci(f_, &fx->host, OT_SIM_LSPCI_VVERBOSE));
  has("\t\t\tAlgorithms: reserved(01), TCs 1, SelectiveStreams 1\n");
  has(" Alg reserved(03) PCRC-");
  assert_null(strstr(fx->text, "AES-GCM-256"));
  ot_ide_regs_release(regs);
  ot_ide_tx_clear(tx);
  ot_ide_rx_clear(rx);
  free(regs);
  free(rx);
  free(tx);
}

/* The bare platform has no IDE capability: nothing IDE is printed for it. */
static void vverbose_without_ide_prints_no_ide(void **state) {
  (void)state;
  CAPTURE(ot_sim_lspci(f_, &fx->host, OT_SIM_LSPCI_VVERBOSE));
  assert_null(strstr(fx->text, "Integrity & Data Encryption"));
  assert_null(strstr(fx->text, "IDECap"));
}

static void tree_shows_buses_and_links(void **state) {
  (void)state;
  CAPTURE(ot_sim_print_tree(f_, fx->p));
  has("topology default: 7 nodes\n");
  has("`-- rp0 [root_port] 00:01.0 1b36:000c buses 01-04 ide\n");
  has("gpu0 [endpoint] 03:00.0 1234:0b01, 03:00.1 1234:0b01 link Gen5 x16 150 ns tdis 2 ide\n");
  has("scenarios: observe-gpu drop-first-nvme-down\n");
}

static void class_names_fall_back(void **state) {
  (void)state;
  assert_string_equal(ot_sim_class_name(0x060400), "PCI bridge");
  assert_null(ot_sim_class_name(0xff0000));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(brief_lists_one_line_per_function),
      T(verbose_modes_decode_capabilities),
      T(hex_dump_has_every_register),
      T(vverbose_decodes_a_programmed_ide_capability),
      T(vverbose_decodes_encoded_ide_algorithms),
      T(vverbose_without_ide_prints_no_ide),
      T(tree_shows_buses_and_links),
      T(class_names_fall_back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
