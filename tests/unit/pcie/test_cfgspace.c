/* SPDX-License-Identifier: BSD-3-Clause */
/* Config space model: header, access masks, hooks, capability building, accessor. */
#include <stdlib.h>
#include <string.h>

#include "opentsm/pcie.h"
#include "testsupport.h"

static const ot_cfg_ident k_endpoint = {
    .vendor = 0x1AF4,
    .device = 0x10F1,
    .revision = 0x02,
    .class_code = 0x120000, /* processing accelerator */
    .layout = OT_PCI_HEADER_LAYOUT_TYPE0,
    .multi_function = false,
    .subsys_vendor = 0x1AF4,
    .subsys_id = 0x1100,
};

static const ot_cfg_ident k_bridge = {
    .vendor = 0x8086,
    .device = 0x7075,
    .class_code = 0x060400, /* PCI-to-PCI bridge */
    .layout = OT_PCI_HEADER_LAYOUT_TYPE1,
    .multi_function = true,
};

static ot_cfg_space *new_cfg(const ot_cfg_ident *id) {
  ot_cfg_space *cfg = malloc(sizeof *cfg);
  assert_non_null(cfg);
  assert_ot_ok(ot_cfg_init(cfg, id));
  return cfg;
}

static uint32_t rd(ot_cfg_space *cfg, uint16_t off, unsigned width) {
  uint32_t v = 0xDEADBEEF;
  assert_ot_ok(ot_cfg_space_read(cfg, off, width, &v));
  return v;
}

static void wr(ot_cfg_space *cfg, uint16_t off, unsigned width, uint32_t v) {
  assert_ot_ok(ot_cfg_space_write(cfg, off, width, v));
}

/* ---- header ------------------------------------------------------------------- */

static void test_type0_header_identity(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  assert_int_equal(rd(cfg, OT_PCI_VENDOR_ID, 4), 0x10F11AF4u);
  assert_int_equal(rd(cfg, OT_PCI_REVISION_ID, 4), 0x12000002u);
  assert_int_equal(rd(cfg, OT_PCI_HEADER_TYPE, 1), OT_PCI_HEADER_LAYOUT_TYPE0);
  assert_int_equal(rd(cfg, OT_PCI_SUBSYS_VENDOR, 2), 0x1AF4);
  assert_int_equal(rd(cfg, OT_PCI_SUBSYS_ID, 2), 0x1100);
  /* No capabilities yet: Status.CapList clear, empty extended list (§7.6.3). */
  assert_int_equal(rd(cfg, OT_PCI_STATUS, 2) & OT_PCI_STATUS_CAP_LIST, 0);
  assert_int_equal(rd(cfg, OT_PCI_EXT_CAP_START, 4), 0);
  free(cfg);
}

static void test_type1_header_identity(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_bridge);
  assert_int_equal(rd(cfg, OT_PCI_HEADER_TYPE, 1),
                   OT_PCI_HEADER_LAYOUT_TYPE1 | OT_PCI_HEADER_TYPE_MFD);
  assert_int_equal(rd(cfg, OT_PCI_CLASS_CODE - 1u, 4) >> 8, 0x060400u);
  free(cfg);
}

static void test_init_rejects_bad_ident(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  ot_cfg_ident bad = k_endpoint;
  bad.layout = 2; /* CardBus: not a PCIe layout */
  assert_ot_code(ot_cfg_init(cfg, &bad), OT_E_ARG);
  bad = k_endpoint;
  bad.class_code = 0x1000000;
  assert_ot_code(ot_cfg_init(cfg, &bad), OT_E_ARG);
  /* Untouched on failure. */
  assert_int_equal(rd(cfg, OT_PCI_VENDOR_ID, 2), 0x1AF4);
  free(cfg);
}

/* ---- access widths and masks ---------------------------------------------------- */

static void test_read_write_reject_bad_access(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  uint32_t v;
  assert_ot_code(ot_cfg_space_read(cfg, 0x05, 2, &v), OT_E_ARG);   /* misaligned */
  assert_ot_code(ot_cfg_space_read(cfg, 0x06, 4, &v), OT_E_ARG);   /* misaligned */
  assert_ot_code(ot_cfg_space_read(cfg, 0x04, 3, &v), OT_E_ARG);   /* bad width */
  assert_ot_code(ot_cfg_space_read(cfg, 0x1000, 1, &v), OT_E_ARG); /* outside 4 KiB */
  assert_ot_code(ot_cfg_space_write(cfg, 0x0FFE, 4, 0), OT_E_ARG);
  assert_ot_code(ot_cfg_space_write(cfg, 0x04, 0, 0), OT_E_ARG);
  assert_int_equal(rd(cfg, 0xFFC, 4), 0); /* last DW is addressable */
  free(cfg);
}

static void test_read_only_bits_keep_value(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  wr(cfg, OT_PCI_VENDOR_ID, 4, 0xFFFFFFFF);
  assert_int_equal(rd(cfg, OT_PCI_VENDOR_ID, 4), 0x10F11AF4u);
  wr(cfg, OT_PCI_BAR0, 4, 0xFFFFFFFF); /* BARs not implemented: RO 0 */
  assert_int_equal(rd(cfg, OT_PCI_BAR0, 4), 0);
  free(cfg);
}

static void test_command_rw_bits_only(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  wr(cfg, OT_PCI_COMMAND, 2, 0xFFFF);
  assert_int_equal(rd(cfg, OT_PCI_COMMAND, 2), OT_PCI_COMMAND_RW);
  wr(cfg, OT_PCI_COMMAND, 2, OT_PCI_COMMAND_MEMORY);
  assert_int_equal(rd(cfg, OT_PCI_COMMAND, 2), OT_PCI_COMMAND_MEMORY);
  free(cfg);
}

static void test_status_rw1c_clears_only_written_ones(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  /* The device raises two error bits and has a capability list. */
  uint32_t dw = ot_cfg_peek32(cfg, OT_PCI_COMMAND);
  ot_cfg_poke32(cfg, OT_PCI_COMMAND,
                dw | ((uint32_t)(OT_PCI_STATUS_RCV_MASTER_ABORT | OT_PCI_STATUS_DETECTED_PARITY |
                                 OT_PCI_STATUS_CAP_LIST)
                      << 16));
  wr(cfg, OT_PCI_STATUS, 2, 0); /* writing 0 changes nothing */
  assert_int_equal(rd(cfg, OT_PCI_STATUS, 2), OT_PCI_STATUS_RCV_MASTER_ABORT |
                                                  OT_PCI_STATUS_DETECTED_PARITY |
                                                  OT_PCI_STATUS_CAP_LIST);
  wr(cfg, OT_PCI_STATUS, 2, OT_PCI_STATUS_RCV_MASTER_ABORT | OT_PCI_STATUS_CAP_LIST);
  /* Only the RW1C bit written as 1 cleared; the RO CapList bit stayed. */
  assert_int_equal(rd(cfg, OT_PCI_STATUS, 2),
                   OT_PCI_STATUS_DETECTED_PARITY | OT_PCI_STATUS_CAP_LIST);
  free(cfg);
}

static void test_dword_write_touches_all_lanes(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  uint32_t dw = ot_cfg_peek32(cfg, OT_PCI_COMMAND);
  ot_cfg_poke32(cfg, OT_PCI_COMMAND, dw | ((uint32_t)OT_PCI_STATUS_SIG_SYSTEM_ERROR << 16));
  /* One DW write sets Command and clears a Status bit (as a driver's RMW would). */
  wr(cfg, OT_PCI_COMMAND, 4, ((uint32_t)OT_PCI_STATUS_SIG_SYSTEM_ERROR << 16) | 0x0006u);
  assert_int_equal(rd(cfg, OT_PCI_COMMAND, 4), 0x00000006u);
  free(cfg);
}

static void test_byte_write_hits_one_lane(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  assert_ot_ok(ot_cfg_set_access(cfg, 0x80, 4, 0xFFFFFFFF, 0));
  wr(cfg, 0x80, 4, 0x11223344);
  wr(cfg, 0x82, 1, 0xAA);
  assert_int_equal(rd(cfg, 0x80, 4), 0x11AA3344u);
  wr(cfg, 0x82, 2, 0xBBCC);
  assert_int_equal(rd(cfg, 0x80, 4), 0xBBCC3344u);
  assert_int_equal(rd(cfg, 0x83, 1), 0xBB);
  free(cfg);
}

static void test_type1_bus_numbers_and_sec_status(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_bridge);
  wr(cfg, OT_PCI_T1_PRIMARY_BUS, 4, 0x00050201); /* primary 1, secondary 2, subordinate 5 */
  assert_int_equal(rd(cfg, OT_PCI_T1_PRIMARY_BUS, 4), 0x00050201u);
  wr(cfg, OT_PCI_T1_MEM_BASE, 4, 0xFFFFFFFF);
  assert_int_equal(rd(cfg, OT_PCI_T1_MEM_BASE, 4), 0xFFF0FFF0u);
  uint32_t dw = ot_cfg_peek32(cfg, OT_PCI_T1_IO_BASE);
  ot_cfg_poke32(cfg, OT_PCI_T1_IO_BASE, dw | ((uint32_t)OT_PCI_STATUS_RCV_TARGET_ABORT << 16));
  wr(cfg, OT_PCI_T1_SEC_STATUS, 2, OT_PCI_STATUS_RCV_TARGET_ABORT);
  assert_int_equal(rd(cfg, OT_PCI_T1_SEC_STATUS, 2), 0);
  wr(cfg, OT_PCI_T1_BRIDGE_CONTROL, 2, 0xFFFF);
  assert_int_equal(rd(cfg, OT_PCI_T1_BRIDGE_CONTROL, 2), OT_PCI_T1_BRIDGE_CONTROL_RW);
  free(cfg);
}

static void test_set_access_rejects_bad_masks(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  assert_ot_code(ot_cfg_set_access(cfg, 0x80, 4, 0x1, 0x1), OT_E_ARG);   /* overlap */
  assert_ot_code(ot_cfg_set_access(cfg, 0x80, 2, 0x10000, 0), OT_E_ARG); /* wider than reg */
  assert_ot_code(ot_cfg_set_access(cfg, 0x81, 2, 0x1, 0), OT_E_ARG);     /* misaligned */
  assert_ot_ok(ot_cfg_set_access(cfg, 0x80, 1, 0x0F, 0xF0));
  ot_cfg_poke32(cfg, 0x80, 0xF0);
  wr(cfg, 0x80, 1, 0x35); /* low nibble RW takes 5; high nibble RW1C clears bits 4,5 */
  assert_int_equal(rd(cfg, 0x80, 1), 0xC5);
  free(cfg);
}

/* ---- hooks --------------------------------------------------------------------- */

typedef struct probe_hook {
  ot_cfg_hook base; /* must be first */
  unsigned reads;
  unsigned writes;
  uint16_t last_reg;
  uint32_t last_value;
  uint8_t last_be;
} probe_hook;

static void probe_read(ot_cfg_hook *h, ot_cfg_space *cfg, uint16_t reg) {
  probe_hook *p = (probe_hook *)(void *)h;
  p->reads++;
  p->last_reg = reg;
  ot_cfg_poke32(cfg, reg, 0xC0DE0000u | p->reads); /* a register that counts its reads */
}

static void probe_write(ot_cfg_hook *h, ot_cfg_space *cfg, uint16_t reg, uint32_t value,
                        uint8_t be) {
  (void)cfg;
  probe_hook *p = (probe_hook *)(void *)h;
  p->writes++;
  p->last_reg = reg;
  p->last_value = value;
  p->last_be = be;
}

static void test_hook_sees_reads_and_write_lanes(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  probe_hook p = {.base = {.on_read = probe_read, .on_write = probe_write}};
  assert_ot_ok(ot_cfg_add_hook(cfg, &p.base, 0x100, 8));
  assert_int_equal(rd(cfg, 0x104, 4), 0xC0DE0001u);
  assert_int_equal(p.last_reg, 0x104);
  assert_int_equal(rd(cfg, 0x106, 2), 0xC0DE); /* a narrow read still refreshes its DW */
  assert_int_equal(p.reads, 2);

  wr(cfg, 0x107, 1, 0x9A);
  assert_int_equal(p.last_reg, 0x104);
  assert_int_equal(p.last_value, 0x9A000000u);
  assert_int_equal(p.last_be, 0x8);
  wr(cfg, 0x100, 4, 0x12345678);
  assert_int_equal(p.last_value, 0x12345678u);
  assert_int_equal(p.last_be, 0xF);
  wr(cfg, 0x102, 2, 0xBEEF);
  assert_int_equal(p.last_value, 0xBEEF0000u);
  assert_int_equal(p.last_be, 0xC);
  assert_int_equal(p.writes, 3);

  /* Outside the claimed range nothing is called. */
  assert_int_equal(rd(cfg, 0x108, 4), 0);
  wr(cfg, 0x0FC, 4, 1);
  assert_int_equal(p.reads, 2);
  assert_int_equal(p.writes, 3);
  free(cfg);
}

static void test_hook_rejects_overlap_and_bad_range(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  probe_hook a = {0}, b = {0};
  assert_ot_ok(ot_cfg_add_hook(cfg, &a.base, 0x200, 0x18));
  assert_ot_code(ot_cfg_add_hook(cfg, &b.base, 0x214, 4), OT_E_EXISTS);
  assert_ot_code(ot_cfg_add_hook(cfg, &b.base, 0x1FC, 8), OT_E_EXISTS);
  assert_ot_code(ot_cfg_add_hook(cfg, &b.base, 0x202, 4), OT_E_ARG);
  assert_ot_code(ot_cfg_add_hook(cfg, &b.base, 0x300, 0), OT_E_ARG);
  assert_ot_code(ot_cfg_add_hook(cfg, &b.base, 0xFFC, 8), OT_E_ARG);
  assert_ot_ok(ot_cfg_add_hook(cfg, &b.base, 0x218, 4)); /* adjacent is fine */
  free(cfg);
}

static void test_hook_table_full(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  probe_hook hooks[OT_CFG_MAX_HOOKS + 1];
  memset(hooks, 0, sizeof hooks);
  for (unsigned i = 0; i < OT_CFG_MAX_HOOKS; i++)
    assert_ot_ok(ot_cfg_add_hook(cfg, &hooks[i].base, (uint16_t)(0x400 + 4 * i), 4));
  assert_ot_code(ot_cfg_add_hook(cfg, &hooks[OT_CFG_MAX_HOOKS].base, 0x800, 4), OT_E_NO_SPACE);
  free(cfg);
}

/* ---- building capability lists ---------------------------------------------------- */

static void test_add_caps_links_list(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  uint16_t pm, exp;
  assert_ot_ok(ot_cfg_add_cap(cfg, OT_PCI_CAP_ID_PM, 8, &pm));
  assert_ot_ok(ot_cfg_add_cap(cfg, OT_PCI_CAP_ID_EXP, 0x3C, &exp));
  assert_int_equal(pm, 0x40);
  assert_int_equal(exp, 0x48);
  assert_int_equal(rd(cfg, OT_PCI_CAP_PTR, 1), 0x40);
  assert_int_equal(rd(cfg, pm, 2), OT_PCI_CAP_ID_PM | (0x48u << 8));
  assert_int_equal(rd(cfg, exp, 2), OT_PCI_CAP_ID_EXP);
  assert_true(rd(cfg, OT_PCI_STATUS, 2) & OT_PCI_STATUS_CAP_LIST);
  /* Headers are read-only. */
  wr(cfg, pm, 2, 0);
  assert_int_equal(rd(cfg, pm, 1), OT_PCI_CAP_ID_PM);
  free(cfg);
}

static void test_add_cap_rounds_and_runs_out(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  uint16_t off;
  assert_ot_code(ot_cfg_add_cap(cfg, 0x09, 1, &off), OT_E_ARG);
  assert_ot_ok(ot_cfg_add_cap(cfg, 0x09, 3, &off));
  assert_int_equal(off, 0x40);
  assert_ot_ok(ot_cfg_add_cap(cfg, 0x09, 2, &off));
  assert_int_equal(off, 0x44);
  assert_ot_ok(ot_cfg_add_cap(cfg, 0x09, 0xFF - 0x48 + 1, &off)); /* fills up to 0xFF */
  assert_ot_code(ot_cfg_add_cap(cfg, 0x09, 4, &off), OT_E_NO_SPACE);
  free(cfg);
}

static void test_add_ext_caps_links_list(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  uint16_t aer, doe;
  assert_ot_ok(ot_cfg_add_ext_cap(cfg, OT_PCI_EXT_CAP_ID_AER, 2, 0x48, &aer));
  assert_ot_ok(ot_cfg_add_ext_cap(cfg, OT_PCI_EXT_CAP_ID_DOE, 1, 0x18, &doe));
  assert_int_equal(aer, 0x100);
  assert_int_equal(doe, 0x148);
  assert_int_equal(rd(cfg, aer, 4), 0x14820001u);
  assert_int_equal(rd(cfg, doe, 4), 0x0001002Eu);
  wr(cfg, doe, 4, 0);
  assert_int_equal(rd(cfg, doe, 4), 0x0001002Eu);
  free(cfg);
}

static void test_add_ext_cap_rejects_bad_args(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  uint16_t off;
  assert_ot_code(ot_cfg_add_ext_cap(cfg, 0x2E, 16, 0x18, &off), OT_E_ARG); /* 4-bit version */
  assert_ot_code(ot_cfg_add_ext_cap(cfg, 0x2E, 1, 3, &off), OT_E_ARG);
  assert_ot_ok(ot_cfg_add_ext_cap(cfg, 0x0B, 1, 0xF00, &off));
  assert_ot_code(ot_cfg_add_ext_cap(cfg, 0x0B, 1, 4, &off), OT_E_NO_SPACE);
  assert_int_equal(rd(cfg, 0x100, 4), 0x0001000Bu); /* the failed add left no link */
  free(cfg);
}

/* ---- peek / poke and the accessor ---------------------------------------------------- */

static void test_peek_poke_force_alignment(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  ot_cfg_poke32(cfg, 0x203, 0xA5A5A5A5);
  assert_int_equal(ot_cfg_peek32(cfg, 0x200), 0xA5A5A5A5u);
  ot_cfg_poke32(cfg, 0xFFFF, 0x01020304); /* forced into 0xFFC */
  assert_int_equal(ot_cfg_peek32(cfg, 0xFFC), 0x01020304u);
  free(cfg);
}

static void test_inproc_accessor(void **state) {
  (void)state;
  ot_cfg_space *cfg = new_cfg(&k_endpoint);
  ot_cfg_inproc acc;
  ot_cfg_inproc_init(&acc, cfg);
  uint32_t v;
  assert_ot_ok(ot_cfg_read32(&acc.base, OT_PCI_VENDOR_ID, &v));
  assert_int_equal(v, 0x10F11AF4u);
  assert_ot_ok(ot_cfg_write32(&acc.base, OT_PCI_COMMAND, OT_PCI_COMMAND_MASTER));
  assert_int_equal(rd(cfg, OT_PCI_COMMAND, 2), OT_PCI_COMMAND_MASTER);
  assert_ot_code(ot_cfg_read32(&acc.base, 0x02, &v), OT_E_ARG);
  assert_ot_code(ot_cfg_write32(&acc.base, 0x1000, 0), OT_E_ARG);
  /* The implementation checks too, for callers that use the function pointer. */
  assert_ot_code(acc.base.read32(&acc.base, 0x0FFF, &v), OT_E_ARG);
  assert_ot_code(acc.base.write32(&acc.base, 0x0006, 0), OT_E_ARG);
  free(cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_type0_header_identity),
      cmocka_unit_test(test_type1_header_identity),
      cmocka_unit_test(test_init_rejects_bad_ident),
      cmocka_unit_test(test_read_write_reject_bad_access),
      cmocka_unit_test(test_read_only_bits_keep_value),
      cmocka_unit_test(test_command_rw_bits_only),
      cmocka_unit_test(test_status_rw1c_clears_only_written_ones),
      cmocka_unit_test(test_dword_write_touches_all_lanes),
      cmocka_unit_test(test_byte_write_hits_one_lane),
      cmocka_unit_test(test_type1_bus_numbers_and_sec_status),
      cmocka_unit_test(test_set_access_rejects_bad_masks),
      cmocka_unit_test(test_hook_sees_reads_and_write_lanes),
      cmocka_unit_test(test_hook_rejects_overlap_and_bad_range),
      cmocka_unit_test(test_hook_table_full),
      cmocka_unit_test(test_add_caps_links_list),
      cmocka_unit_test(test_add_cap_rounds_and_runs_out),
      cmocka_unit_test(test_add_ext_caps_links_list),
      cmocka_unit_test(test_add_ext_cap_rejects_bad_args),
      cmocka_unit_test(test_peek_poke_force_alignment),
      cmocka_unit_test(test_inproc_accessor),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
