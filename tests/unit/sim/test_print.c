/* SPDX-License-Identifier: BSD-3-Clause */
/* Text views: the lspci-style listing in each mode and the topology tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
      T(tree_shows_buses_and_links),
      T(class_names_fall_back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
