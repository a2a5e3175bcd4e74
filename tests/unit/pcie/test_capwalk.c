/* SPDX-License-Identifier: BSD-3-Clause */
/* Capability list walks through an accessor, on good and on corrupt lists. */
#include <stdlib.h>
#include <string.h>

#include "opentsm/pcie.h"
#include "testsupport.h"

typedef struct fixture {
  ot_cfg_space cfg;
  ot_cfg_inproc acc;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  const ot_cfg_ident id = {.vendor = 0x1234, .device = 0x5678, .layout = 0};
  if (!ot_ok(ot_cfg_init(&f->cfg, &id))) return -1;
  ot_cfg_inproc_init(&f->acc, &f->cfg);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  free(*state);
  return 0;
}

static ot_cfg_access *acc(fixture *f) { return &f->acc.base; }

static void add_cap(fixture *f, uint8_t id, size_t size, uint16_t *off) {
  assert_ot_ok(ot_cfg_add_cap(&f->cfg, id, size, off));
}

static void add_ext(fixture *f, uint16_t id, uint8_t ver, size_t size, uint16_t *off) {
  assert_ot_ok(ot_cfg_add_ext_cap(&f->cfg, id, ver, size, off));
}

/* Overwrites the byte at off (a device with a corrupt list). */
static void poke8(fixture *f, uint16_t off, uint8_t v) {
  uint32_t dw = ot_cfg_peek32(&f->cfg, off);
  unsigned sh = 8u * (off & 3u);
  ot_cfg_poke32(&f->cfg, off, (dw & ~(0xFFu << sh)) | ((uint32_t)v << sh));
}

/* ---- PCI capability list ------------------------------------------------------ */

static void test_find_cap_in_list(void **state) {
  fixture *f = *state;
  uint16_t pm, msi, exp, off;
  add_cap(f, OT_PCI_CAP_ID_PM, 8, &pm);
  add_cap(f, OT_PCI_CAP_ID_MSI, 0x18, &msi);
  add_cap(f, OT_PCI_CAP_ID_EXP, 0x3C, &exp);
  assert_ot_ok(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_EXP, 0, &off));
  assert_int_equal(off, exp);
  assert_ot_ok(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_PM, 0, &off));
  assert_int_equal(off, pm);
  assert_ot_code(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_MSIX, 0, &off), OT_E_NOT_FOUND);
}

static void test_find_cap_next_occurrence(void **state) {
  fixture *f = *state;
  uint16_t v1, v2, other, off;
  add_cap(f, OT_PCI_CAP_ID_VNDR, 8, &v1);
  add_cap(f, OT_PCI_CAP_ID_PM, 8, &other);
  add_cap(f, OT_PCI_CAP_ID_VNDR, 8, &v2);
  assert_ot_ok(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_VNDR, 0, &off));
  assert_int_equal(off, v1);
  assert_ot_ok(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_VNDR, off, &off));
  assert_int_equal(off, v2);
  assert_ot_code(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_VNDR, off, &off), OT_E_NOT_FOUND);
  assert_ot_code(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_VNDR, 0x20, &off), OT_E_ARG);
}

static void test_find_cap_without_cap_list_bit(void **state) {
  fixture *f = *state;
  uint16_t off;
  /* A pointer but no Status.Capabilities List: there is no list (§7.5.1.1.4). */
  poke8(f, OT_PCI_CAP_PTR, 0x40);
  poke8(f, 0x40, OT_PCI_CAP_ID_PM);
  assert_ot_code(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_PM, 0, &off), OT_E_NOT_FOUND);
}

static void test_find_cap_masks_reserved_pointer_bits(void **state) {
  fixture *f = *state;
  uint16_t pm, exp, off;
  add_cap(f, OT_PCI_CAP_ID_PM, 8, &pm);
  add_cap(f, OT_PCI_CAP_ID_EXP, 8, &exp);
  poke8(f, OT_PCI_CAP_PTR, (uint8_t)(pm | 3u));
  poke8(f, (uint16_t)(pm + 1u), (uint8_t)(exp | 2u));
  assert_ot_ok(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_EXP, 0, &off));
  assert_int_equal(off, exp);
}

static void test_find_cap_pointer_into_header_is_malformed(void **state) {
  fixture *f = *state;
  uint16_t pm, off;
  add_cap(f, OT_PCI_CAP_ID_PM, 8, &pm);
  poke8(f, (uint16_t)(pm + 1u), 0x10); /* points into the BARs */
  assert_ot_code(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_EXP, 0, &off), OT_E_MALFORMED);
}

static void test_find_cap_loop_is_malformed(void **state) {
  fixture *f = *state;
  uint16_t a, b, off;
  add_cap(f, OT_PCI_CAP_ID_PM, 8, &a);
  add_cap(f, OT_PCI_CAP_ID_MSI, 8, &b);
  poke8(f, (uint16_t)(b + 1u), (uint8_t)a); /* b -> a -> b -> ... */
  assert_ot_code(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_EXP, 0, &off), OT_E_MALFORMED);
  /* Entries before the loop are still found. */
  assert_ot_ok(ot_pcie_find_cap(acc(f), OT_PCI_CAP_ID_MSI, 0, &off));
  assert_int_equal(off, b);
}

/* ---- extended capability list ---------------------------------------------------- */

static void test_find_ext_cap_in_list(void **state) {
  fixture *f = *state;
  uint16_t aer, doe, off;
  uint8_t ver = 0;
  add_ext(f, OT_PCI_EXT_CAP_ID_AER, 2, 0x48, &aer);
  add_ext(f, OT_PCI_EXT_CAP_ID_DOE, 1, 0x18, &doe);
  assert_ot_ok(ot_pcie_find_ext_cap(acc(f), OT_PCI_EXT_CAP_ID_DOE, 0, &off, &ver));
  assert_int_equal(off, doe);
  assert_int_equal(ver, 1);
  assert_ot_ok(ot_pcie_find_ext_cap(acc(f), OT_PCI_EXT_CAP_ID_AER, 0, &off, NULL));
  assert_int_equal(off, aer);
  assert_ot_code(ot_pcie_find_ext_cap(acc(f), OT_PCI_EXT_CAP_ID_IDE, 0, &off, NULL),
                 OT_E_NOT_FOUND);
}

static void test_find_ext_cap_next_occurrence(void **state) {
  fixture *f = *state;
  uint16_t d1, d2, off;
  add_ext(f, OT_PCI_EXT_CAP_ID_DOE, 1, 0x18, &d1);
  add_ext(f, OT_PCI_EXT_CAP_ID_AER, 2, 0x48, &off);
  add_ext(f, OT_PCI_EXT_CAP_ID_DOE, 2, 0x18, &d2);
  uint8_t ver;
  assert_ot_ok(ot_pcie_find_ext_cap(acc(f), OT_PCI_EXT_CAP_ID_DOE, d1, &off, &ver));
  assert_int_equal(off, d2);
  assert_int_equal(ver, 2);
  assert_ot_code(ot_pcie_find_ext_cap(acc(f), OT_PCI_EXT_CAP_ID_DOE, d2, &off, NULL),
                 OT_E_NOT_FOUND);
  assert_ot_code(ot_pcie_find_ext_cap(acc(f), OT_PCI_EXT_CAP_ID_DOE, 0x40, &off, NULL), OT_E_ARG);
  assert_ot_code(ot_pcie_find_ext_cap(acc(f), OT_PCI_EXT_CAP_ID_DOE, 0x102, &off, NULL), OT_E_ARG);
}

static void test_find_ext_cap_empty_and_absent_space(void **state) {
  fixture *f = *state;
  uint16_t off;
  assert_ot_code(ot_pcie_find_ext_cap(acc(f), 0, 0, &off, NULL), OT_E_NOT_FOUND); /* zero hdr */
  ot_cfg_poke32(&f->cfg, OT_PCI_EXT_CAP_START, UINT32_MAX); /* conventional PCI function */
  assert_ot_code(ot_pcie_find_ext_cap(acc(f), 0xFFFF, 0, &off, NULL), OT_E_NOT_FOUND);
}

static void test_find_ext_cap_bad_next_is_malformed(void **state) {
  fixture *f = *state;
  uint16_t aer, off;
  add_ext(f, OT_PCI_EXT_CAP_ID_AER, 2, 0x48, &aer);
  ot_cfg_poke32(&f->cfg, aer, OT_FIELD_SET(OT_PCI_EXT_CAP_NEXT, ot_cfg_peek32(&f->cfg, aer), 0x40));
  assert_ot_code(ot_pcie_find_ext_cap(acc(f), OT_PCI_EXT_CAP_ID_DOE, 0, &off, NULL),
                 OT_E_MALFORMED);
}

static void test_find_ext_cap_masks_reserved_next_bits(void **state) {
  fixture *f = *state;
  uint16_t aer, doe, off;
  add_ext(f, OT_PCI_EXT_CAP_ID_AER, 2, 0x48, &aer);
  add_ext(f, OT_PCI_EXT_CAP_ID_DOE, 1, 0x18, &doe);
  ot_cfg_poke32(&f->cfg, aer,
                OT_FIELD_SET(OT_PCI_EXT_CAP_NEXT, ot_cfg_peek32(&f->cfg, aer), doe | 3u));
  assert_ot_ok(ot_pcie_find_ext_cap(acc(f), OT_PCI_EXT_CAP_ID_DOE, 0, &off, NULL));
  assert_int_equal(off, doe);
}

static void test_find_ext_cap_loop_is_malformed(void **state) {
  fixture *f = *state;
  uint16_t aer, off;
  add_ext(f, OT_PCI_EXT_CAP_ID_AER, 2, 0x48, &aer);
  /* Next points at itself. */
  ot_cfg_poke32(&f->cfg, aer, OT_FIELD_SET(OT_PCI_EXT_CAP_NEXT, ot_cfg_peek32(&f->cfg, aer), aer));
  assert_ot_code(ot_pcie_find_ext_cap(acc(f), OT_PCI_EXT_CAP_ID_DOE, 0, &off, NULL),
                 OT_E_MALFORMED);
}

/* An accessor that always fails, as a vanished device behind sysfs would. */
static ot_status failing_read(ot_cfg_access *a, uint16_t off, uint32_t *v) {
  (void)a;
  (void)off;
  (void)v;
  return ot_status_of(OT_E_IO);
}

static ot_status failing_write(ot_cfg_access *a, uint16_t off, uint32_t v) {
  (void)a;
  (void)off;
  (void)v;
  return ot_status_of(OT_E_IO);
}

static void test_walks_propagate_accessor_errors(void **state) {
  (void)state;
  ot_cfg_access bad = {failing_read, failing_write};
  uint16_t off;
  assert_ot_code(ot_pcie_find_cap(&bad, OT_PCI_CAP_ID_EXP, 0, &off), OT_E_IO);
  assert_ot_code(ot_pcie_find_ext_cap(&bad, OT_PCI_EXT_CAP_ID_DOE, 0, &off, NULL), OT_E_IO);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_find_cap_in_list, setup, teardown),
      cmocka_unit_test_setup_teardown(test_find_cap_next_occurrence, setup, teardown),
      cmocka_unit_test_setup_teardown(test_find_cap_without_cap_list_bit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_find_cap_masks_reserved_pointer_bits, setup, teardown),
      cmocka_unit_test_setup_teardown(test_find_cap_pointer_into_header_is_malformed, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_find_cap_loop_is_malformed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_find_ext_cap_in_list, setup, teardown),
      cmocka_unit_test_setup_teardown(test_find_ext_cap_next_occurrence, setup, teardown),
      cmocka_unit_test_setup_teardown(test_find_ext_cap_empty_and_absent_space, setup, teardown),
      cmocka_unit_test_setup_teardown(test_find_ext_cap_bad_next_is_malformed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_find_ext_cap_masks_reserved_next_bits, setup, teardown),
      cmocka_unit_test_setup_teardown(test_find_ext_cap_loop_is_malformed, setup, teardown),
      cmocka_unit_test(test_walks_propagate_accessor_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
