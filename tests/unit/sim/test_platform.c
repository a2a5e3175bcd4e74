/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The platform seen from the host: depth-first enumeration of the default
 * and of a two-switch topology, config routing through bridges (and
 * all-ones for nobody), BAR sizing and assignment, bridge windows, and the
 * PCI Express capabilities of each kind of port.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/pcie.h"
#include "opentsm/sim_platform.h"
#include "opentsm/spec/pcie.h"
#include "testsupport.h"

typedef struct fixture {
  ot_sim_topology topo;
  ot_sim_enum en;
  ot_sim_platform *p;
} fixture;

static fixture *fx;

static int setup(void **state) {
  (void)state;
  fx = calloc(1, sizeof *fx);
  return fx == NULL;
}

static int teardown(void **state) {
  (void)state;
  ot_sim_platform_destroy(fx->p);
  free(fx);
  return 0;
}

static void boot_default(void) {
  assert_ot_ok(ot_sim_topology_default(&fx->topo));
  assert_ot_ok(ot_sim_platform_create(&fx->topo, &fx->p));
  assert_ot_ok(ot_sim_enumerate(fx->p, 0, &fx->en));
}

static const char deep_yaml[] =
    "version: 1\nname: deep\nnodes:\n"
    "  - {name: rc, type: root_complex}\n"
    "  - {name: rp, type: root_port, parent: rc, devfn: \"01.0\", vendor: 0x1b36, device: 0xc}\n"
    "  - {name: s0u, type: switch_upstream, parent: rp, devfn: \"00.0\", vendor: 0x104c, device: "
    "1}\n"
    "  - {name: s0d0, type: switch_downstream, parent: s0u, devfn: \"00.0\", vendor: 0x104c, "
    "device: 2}\n"
    "  - {name: s0d1, type: switch_downstream, parent: s0u, devfn: \"01.0\", vendor: 0x104c, "
    "device: 2}\n"
    "  - {name: s1u, type: switch_upstream, parent: s0d0, devfn: \"00.0\", vendor: 0x10b5, device: "
    "3}\n"
    "  - {name: s1d0, type: switch_downstream, parent: s1u, devfn: \"00.0\", vendor: 0x10b5, "
    "device: 4}\n"
    "  - {name: s1d1, type: switch_downstream, parent: s1u, devfn: \"03.0\", vendor: 0x10b5, "
    "device: 4}\n"
    "  - {name: e1, type: endpoint, parent: s1d0, vendor: 0x1af4, device: 0x11, functions: "
    "[{devfn: \"00.0\", class: 0x020000}]}\n"
    "  - {name: e2, type: endpoint, parent: s1d1, vendor: 0x1af4, device: 0x12, functions: "
    "[{devfn: \"00.0\", class: 0x020000}]}\n"
    "  - {name: e3, type: endpoint, parent: s0d1, vendor: 0x1af4, device: 0x13, functions: "
    "[{devfn: \"00.0\", class: 0x010802}]}\n";

/* Expected enumeration: BDF, bridge bus range, in depth-first order. */
typedef struct want_fn {
  const char *bdf;
  uint16_t device;
  uint8_t sec, sub;
} want_fn;

static void check_enum(const want_fn *want, size_t n) {
  assert_int_equal(fx->en.count, n);
  for (size_t i = 0; i < n; i++) {
    const ot_sim_enum_fn *e = &fx->en.fns[i];
    char bdf[9];
    ot_sim_bdf_format(e->bus, e->devfn, bdf);
    if (strcmp(bdf, want[i].bdf) != 0) fail_msg("function %zu at %s, want %s", i, bdf, want[i].bdf);
    assert_int_equal(e->device, want[i].device);
    assert_int_equal(e->bridge, want[i].sec != 0);
    if (e->bridge) {
      assert_int_equal(e->secondary, want[i].sec);
      assert_int_equal(e->subordinate, want[i].sub);
      /* What the host recorded is what the bridge holds. */
      uint32_t dw;
      assert_ot_ok(ot_sim_cfg_read(fx->p, e->bus, e->devfn, OT_PCI_T1_PRIMARY_BUS, 4, &dw, NULL));
      assert_int_equal(dw & 0xFF, e->bus);
      assert_int_equal((dw >> 8) & 0xFF, want[i].sec);
      assert_int_equal((dw >> 16) & 0xFF, want[i].sub);
    }
  }
}

static void default_enumerates_depth_first(void **state) {
  (void)state;
  boot_default();
  static const want_fn want[] = {
      {"00:01.0", 0x000c, 1, 4}, {"01:00.0", 0x8232, 2, 4}, {"02:00.0", 0x8233, 3, 3},
      {"03:00.0", 0x0b01, 0, 0}, {"03:00.1", 0x0b01, 0, 0}, {"02:01.0", 0x8233, 4, 4},
      {"04:00.0", 0x0010, 0, 0},
  };
  check_enum(want, sizeof want / sizeof want[0]);
  assert_int_equal(fx->en.last_bus, 4);
  /* The GPU is multi-function: both functions carry the bit. */
  assert_true(fx->en.fns[3].header_type & OT_PCI_HEADER_TYPE_MFD);
  assert_int_equal(fx->en.fns[3].class_code, 0x030200);
  assert_int_equal(fx->en.fns[6].revision, 0x02);
  assert_int_equal(fx->en.fns[4].parent, 2);
  assert_int_equal(fx->en.fns[4].depth, 3);
  /* Nodes learn their bus from their parent's registers. */
  assert_int_equal(ot_sim_node_bus(fx->p, ot_sim_platform_node(fx->p, "gpu0")), 3);
}

static void two_switches_enumerate_depth_first(void **state) {
  (void)state;
  assert_ot_ok(ot_sim_topology_parse(deep_yaml, sizeof deep_yaml - 1, NULL, &fx->topo, NULL));
  assert_ot_ok(ot_sim_platform_create(&fx->topo, &fx->p));
  assert_ot_ok(ot_sim_enumerate(fx->p, 0, &fx->en));
  static const want_fn want[] = {
      {"00:01.0", 0xc, 1, 7},  {"01:00.0", 1, 2, 7},    {"02:00.0", 2, 3, 6},
      {"03:00.0", 3, 4, 6},    {"04:00.0", 4, 5, 5},    {"05:00.0", 0x11, 0, 0},
      {"04:03.0", 4, 6, 6},    {"06:00.0", 0x12, 0, 0}, {"02:01.0", 2, 7, 7},
      {"07:00.0", 0x13, 0, 0},
  };
  check_enum(want, sizeof want / sizeof want[0]);
}

static void unconfigured_bridges_route_nothing_below(void **state) {
  (void)state;
  assert_ot_ok(ot_sim_topology_default(&fx->topo));
  assert_ot_ok(ot_sim_platform_create(&fx->topo, &fx->p));
  uint32_t v;
  bool claimed;
  /* The root port answers on the root bus before anyone numbered anything... */
  assert_ot_ok(ot_sim_cfg_read(fx->p, 0, OT_SIM_DEVFN(1, 0), OT_PCI_VENDOR_ID, 2, &v, &claimed));
  assert_true(claimed);
  assert_int_equal(v, 0x1b36);
  /* ...but nothing below it is reachable until its bus numbers are set. */
  assert_ot_ok(ot_sim_cfg_read(fx->p, 1, 0, OT_PCI_VENDOR_ID, 4, &v, &claimed));
  assert_false(claimed);
  assert_int_equal(v, 0xFFFFFFFFu);
}

static void config_reaches_a_function_behind_the_switch(void **state) {
  (void)state;
  boot_default();
  uint32_t v;
  bool claimed;
  assert_ot_ok(ot_sim_cfg_read(fx->p, 3, OT_SIM_DEVFN(0, 1), OT_PCI_VENDOR_ID, 4, &v, &claimed));
  assert_true(claimed);
  assert_int_equal(v, 0x0b011234u);
  /* A write lands in the routed function and nowhere else. */
  assert_ot_ok(
      ot_sim_cfg_write(fx->p, 3, OT_SIM_DEVFN(0, 1), OT_PCI_INTERRUPT_LINE, 1, 0x5a, &claimed));
  assert_true(claimed);
  ot_sim_function *f1 = ot_sim_node_function(ot_sim_platform_node(fx->p, "gpu0"), 1);
  ot_sim_function *f0 = ot_sim_node_function(ot_sim_platform_node(fx->p, "gpu0"), 0);
  assert_int_equal(ot_cfg_peek32(&f1->cfg, OT_PCI_INTERRUPT_LINE) & 0xFF, 0x5a);
  assert_int_equal(ot_cfg_peek32(&f0->cfg, OT_PCI_INTERRUPT_LINE) & 0xFF, 0);
  /* The routed accessor reaches the same function. */
  ot_sim_cfg_access a;
  ot_sim_cfg_access_init(&a, fx->p, 4, 0);
  assert_ot_ok(ot_cfg_read32(&a.base, OT_PCI_VENDOR_ID, &v));
  assert_int_equal(v, 0x00101b36u);
}

static void absent_functions_read_all_ones(void **state) {
  (void)state;
  boot_default();
  typedef struct {
    uint8_t bus, devfn;
  } where;
  static const where nowhere[] = {
      {0, OT_SIM_DEVFN(2, 0)}, /* empty device on the root bus */
      {3, OT_SIM_DEVFN(0, 2)}, /* a function the GPU does not have */
      {3, OT_SIM_DEVFN(1, 0)}, /* device 1 across a link: not forwarded */
      {5, OT_SIM_DEVFN(0, 0)}, /* a bus past every subordinate */
      {0xff, OT_SIM_DEVFN(0, 0)},
  };
  for (size_t i = 0; i < sizeof nowhere / sizeof nowhere[0]; i++) {
    uint32_t v = 0;
    bool claimed = true;
    assert_ot_ok(ot_sim_cfg_read(fx->p, nowhere[i].bus, nowhere[i].devfn, 0, 4, &v, &claimed));
    assert_false(claimed);
    assert_int_equal(v, 0xFFFFFFFFu);
    assert_ot_ok(ot_sim_cfg_read(fx->p, nowhere[i].bus, nowhere[i].devfn, 2, 2, &v, NULL));
    assert_int_equal(v, 0xFFFFu);
    assert_ot_ok(ot_sim_cfg_write(fx->p, nowhere[i].bus, nowhere[i].devfn, 4, 2, 6, &claimed));
    assert_false(claimed);
  }
  uint32_t v;
  assert_ot_code(ot_sim_cfg_read(fx->p, 0, 8, 3, 2, &v, NULL), OT_E_ARG);
  assert_ot_code(ot_sim_cfg_read(fx->p, 0, 8, 0x1000, 4, &v, NULL), OT_E_ARG);
}

static void bars_size_and_get_addresses(void **state) {
  (void)state;
  boot_default();
  const ot_sim_enum_fn *gpu = &fx->en.fns[3];
  assert_int_equal(gpu->bar_size[0], 16u << 20);
  assert_int_equal(gpu->bar_size[1], 0); /* upper half of BAR 0 */
  assert_int_equal(gpu->bar_size[2], 256u << 20);
  assert_int_equal(gpu->bar_size[4], 0);
  assert_int_equal(gpu->bar_flags[2], 0xC); /* 64-bit, prefetchable */
  /* Non-prefetchable below 4 GiB, prefetchable 64-bit above, each aligned to its size. */
  assert_true(gpu->bar_addr[0] >= OT_SIM_MMIO32_BASE && gpu->bar_addr[0] < (UINT64_C(1) << 32));
  assert_int_equal(gpu->bar_addr[0] % gpu->bar_size[0], 0);
  assert_true(gpu->bar_addr[2] >= OT_SIM_MMIO64_BASE);
  assert_int_equal(gpu->bar_addr[2] % gpu->bar_size[2], 0);
  /* The BAR holds its address; all ones read back the size mask, then the value returns. */
  uint32_t lo, hi;
  assert_ot_ok(ot_sim_cfg_read(fx->p, 3, 0, OT_PCI_BAR0 + 8, 4, &lo, NULL));
  assert_ot_ok(ot_sim_cfg_read(fx->p, 3, 0, OT_PCI_BAR0 + 12, 4, &hi, NULL));
  assert_int_equal(((uint64_t)hi << 32) | (lo & ~0xFu), gpu->bar_addr[2]);
  assert_ot_ok(ot_sim_cfg_write(fx->p, 3, 0, OT_PCI_BAR0, 4, 0xFFFFFFFFu, NULL));
  assert_ot_ok(ot_sim_cfg_read(fx->p, 3, 0, OT_PCI_BAR0, 4, &lo, NULL));
  assert_int_equal(lo, 0xFF000004u); /* 16 MiB, 64-bit, non-prefetchable */
  /* Byte writes merge into the BAR like any register. */
  assert_ot_ok(ot_sim_cfg_write(fx->p, 3, 0, OT_PCI_BAR0 + 3, 1, 0xC1, NULL));
  assert_ot_ok(ot_sim_cfg_read(fx->p, 3, 0, OT_PCI_BAR0, 4, &lo, NULL));
  assert_int_equal(lo, 0xC1000004u);
  /* An unimplemented BAR stays 0. */
  assert_ot_ok(ot_sim_cfg_write(fx->p, 3, 0, OT_PCI_BAR0 + 16, 4, 0xFFFFFFFFu, NULL));
  assert_ot_ok(ot_sim_cfg_read(fx->p, 3, 0, OT_PCI_BAR0 + 16, 4, &lo, NULL));
  assert_int_equal(lo, 0);
}

static void bridge_windows_cover_their_subtree(void **state) {
  (void)state;
  boot_default();
  const ot_sim_enum_fn *gpu = &fx->en.fns[3];
  /* The downstream port above the GPU: its windows must contain the GPU's BARs. */
  uint32_t mem, pref, pbu, plu;
  assert_ot_ok(ot_sim_cfg_read(fx->p, 2, 0, OT_PCI_T1_MEM_BASE, 4, &mem, NULL));
  assert_ot_ok(ot_sim_cfg_read(fx->p, 2, 0, OT_PCI_T1_PREF_BASE, 4, &pref, NULL));
  assert_ot_ok(ot_sim_cfg_read(fx->p, 2, 0, OT_PCI_T1_PREF_BASE_UPPER, 4, &pbu, NULL));
  assert_ot_ok(ot_sim_cfg_read(fx->p, 2, 0, OT_PCI_T1_PREF_LIMIT_UPPER, 4, &plu, NULL));
  uint64_t mbase = (uint64_t)(mem & 0xFFF0u) << 16,
           mlimit = ((uint64_t)(mem >> 16 & 0xFFF0u) << 16) | 0xFFFFF;
  assert_true(gpu->bar_addr[0] >= mbase && gpu->bar_addr[0] + gpu->bar_size[0] - 1 <= mlimit);
  assert_int_equal(pref & 0xF, 1); /* 64-bit prefetchable window */
  uint64_t pbase = ((uint64_t)pbu << 32) | ((uint64_t)(pref & 0xFFF0u) << 16);
  uint64_t plimit = ((uint64_t)plu << 32) | ((uint64_t)(pref >> 16 & 0xFFF0u) << 16) | 0xFFFFF;
  assert_true(gpu->bar_addr[2] >= pbase && gpu->bar_addr[2] + gpu->bar_size[2] - 1 <= plimit);
  uint32_t cmd;
  assert_ot_ok(ot_sim_cfg_read(fx->p, 2, 0, OT_PCI_COMMAND, 2, &cmd, NULL));
  assert_int_equal(cmd & (OT_PCI_COMMAND_MEMORY | OT_PCI_COMMAND_MASTER),
                   OT_PCI_COMMAND_MEMORY | OT_PCI_COMMAND_MASTER);
}

/* PCIe r6.0 §7.5.3.2 Device/Port Type of each node, found through the capability walk. */
static void express_capability_names_each_port_type(void **state) {
  (void)state;
  boot_default();
  typedef struct {
    uint8_t bus, devfn, type;
    bool slot;
  } want;
  static const want w[] = {{0, OT_SIM_DEVFN(1, 0), 4, true},
                           {1, 0, 5, false},
                           {2, 0, 6, true},
                           {3, 0, 0, false},
                           {3, 1, 0, false},
                           {4, 0, 0, false}};
  for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
    ot_sim_cfg_access a;
    ot_sim_cfg_access_init(&a, fx->p, w[i].bus, w[i].devfn);
    uint16_t off;
    assert_ot_ok(ot_pcie_find_cap(&a.base, OT_PCI_CAP_ID_EXP, 0, &off));
    uint32_t dw;
    assert_ot_ok(ot_cfg_read32(&a.base, off, &dw));
    assert_int_equal((dw >> 16) & 0xF, 2);
    assert_int_equal((dw >> 20) & 0xF, w[i].type);
    assert_int_equal((dw >> 24) & 1, w[i].slot);
  }
  /* The GPU (IDE and TDIs in its profile) advertises TEE-IO; the root port does not. */
  ot_sim_cfg_access a;
  ot_sim_cfg_access_init(&a, fx->p, 3, 0);
  uint16_t off;
  uint32_t devcap;
  assert_ot_ok(ot_pcie_find_cap(&a.base, OT_PCI_CAP_ID_EXP, 0, &off));
  assert_ot_ok(ot_cfg_read32(&a.base, (uint16_t)(off + 4), &devcap));
  assert_true(devcap & 0x40000000u);
}

static void scenario_taps_attach_and_refuse_twice(void **state) {
  (void)state;
  boot_default();
  assert_ot_ok(ot_sim_platform_apply_scenario(fx->p, "drop-first-nvme-down"));
  ot_sim_tap *t = ot_sim_platform_tap(fx->p, "nvme-dropper");
  assert_non_null(t);
  assert_ptr_equal(t->link, ot_sim_platform_node(fx->p, "nvme0")->uplink);
  assert_ot_code(ot_sim_platform_apply_scenario(fx->p, "drop-first-nvme-down"), OT_E_STATE);
  assert_ot_code(ot_sim_platform_apply_scenario(fx->p, "no-such"), OT_E_NOT_FOUND);
  assert_null(ot_sim_platform_tap(fx->p, "gpu-observer")); /* not applied */
}

static void json_view_names_every_function(void **state) {
  (void)state;
  boot_default();
  char *json;
  assert_ot_ok(ot_sim_platform_to_json(fx->p, &json));
  static const char *const must[] = {"\"00:01.0\"", "\"03:00.1\"",           "\"04:00.0\"",
                                     "\"gpu0\"",    "\"switch_downstream\"", "\"0001:01\"",
                                     "\"0x010802\""};
  for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
    if (strstr(json, must[i]) == NULL) fail_msg("JSON lacks %s:\n%s", must[i], json);
  }
  free(json);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(default_enumerates_depth_first, setup, teardown),
      cmocka_unit_test_setup_teardown(two_switches_enumerate_depth_first, setup, teardown),
      cmocka_unit_test_setup_teardown(unconfigured_bridges_route_nothing_below, setup, teardown),
      cmocka_unit_test_setup_teardown(config_reaches_a_function_behind_the_switch, setup, teardown),
      cmocka_unit_test_setup_teardown(absent_functions_read_all_ones, setup, teardown),
      cmocka_unit_test_setup_teardown(bars_size_and_get_addresses, setup, teardown),
      cmocka_unit_test_setup_teardown(bridge_windows_cover_their_subtree, setup, teardown),
      cmocka_unit_test_setup_teardown(express_capability_names_each_port_type, setup, teardown),
      cmocka_unit_test_setup_teardown(scenario_taps_attach_and_refuse_twice, setup, teardown),
      cmocka_unit_test_setup_teardown(json_view_names_every_function, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
