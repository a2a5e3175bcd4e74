/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DSM's deliberate faults (opentsm/sim_dsm.h ot_sim_dsm_fault): the
 * table, the config check, and that a fault changes what the DSM answers
 * while the protocol core under it still answers correctly.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/bits.h"
#include "opentsm/crypto.h"
#include "opentsm/sim_dsm.h"
#include "testsupport.h"

typedef struct bed {
  ot_drbg drbg;
  ot_spdm_identity id;
  ot_cfg_space cfg;
  ot_sim_dsm dsm;
} bed;

static const ot_cfg_ident ident = {.vendor = 0x1AF4, .device = 0x10F2, .class_code = 0x120000};
static const uint8_t devinfo[] = "x";
static const ot_tdisp_mmio_range ranges[1] = {{0xFE000000u, 4, 0, 0}};

static bed *bed_new(uint64_t faults, ot_status *st) {
  bed *b = calloc(1, sizeof(*b));
  assert_non_null(b);
  uint8_t e[48];
  memset(e, 0x11, sizeof(e));
  assert_ot_ok(ot_drbg_instantiate(&b->drbg, e, 32, e + 32, 16, NULL, 0));
  ot_spdm_identity_init(&b->id);
  assert_ot_ok(ot_cfg_init(&b->cfg, &ident));
  ot_sim_dsm_config c = {.id = &b->id,
                         .rng = &b->drbg.rng,
                         .tdisp = {.lock_flags_supported = 0x0007, .dev_addr_width = 48},
                         .cfg = &b->cfg,
                         .ide_caps = {.sel_streams = 1},
                         .bus = 1,
                         .faults = faults};
  *st = ot_sim_dsm_init(&b->dsm, &c);
  if (ot_ok(*st)) {
    static ot_tdisp_tdi_desc desc;
    desc = (ot_tdisp_tdi_desc){.function_id = 0x100,
                               .interface_info = OT_TDISP_IFINFO_DMA_NO_PASID,
                               .mmio = ranges,
                               .mmio_count = 1,
                               .devinfo = devinfo,
                               .devinfo_len = sizeof(devinfo)};
    assert_ot_ok(ot_sim_dsm_add_tdi(&b->dsm, &desc, NULL));
  }
  return b;
}

static void bed_free(bed *b, bool inited) {
  if (inited) ot_sim_dsm_free(&b->dsm);
  ot_drbg_uninstantiate(&b->drbg);
  free(b);
}

static void test_table(void **s) {
  (void)s;
  for (unsigned f = 0; f < OT_DSM_FAULT_COUNT; f++) {
    const ot_sim_dsm_fault_info *i = ot_sim_dsm_fault_get(f);
    assert_non_null(i);
    assert_non_null(i->name);
    assert_true(strlen(i->what) > 10);
    assert_int_equal(ot_sim_dsm_fault_find(i->name), (int)f);
  }
  assert_true(OT_DSM_FAULT_COUNT >= 20);
  assert_null(ot_sim_dsm_fault_get(OT_DSM_FAULT_COUNT));
  assert_int_equal(ot_sim_dsm_fault_find("nope"), -1);
  assert_int_equal(ot_sim_dsm_fault_find(NULL), -1);
}

static void test_bad_bits(void **s) {
  (void)s;
  ot_status st;
  bed *b = bed_new(UINT64_C(1) << OT_DSM_FAULT_COUNT, &st);
  assert_ot_code(st, OT_E_ARG);
  bed_free(b, false);
}

/* KEY_PROG for PortIndex 5 (MaxPortIndex 0) through the DSM's IDE_KM handler. */
static uint8_t kp_status(bed *b) {
  uint8_t kp[OT_IDE_KM_KEY_PROG_SIZE] = {OT_IDE_KM_KEY_PROG, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05};
  kp[7 + 32 + 4] = 1;
  uint8_t a[64];
  size_t n = 0;
  ot_spdm_vdm_handler *h = &b->dsm.ide_km_vdm.base;
  assert_ot_ok(h->handle(h, 1, kp, sizeof(kp), a, sizeof(a), &n));
  assert_int_equal(n, OT_IDE_KM_HDR_SIZE);
  assert_int_equal(a[0], OT_IDE_KM_KP_ACK);
  return a[OT_IDE_KM_OFF_STATUS];
}

static void test_km_fault_around_core(void **s) {
  (void)s;
  ot_status st;
  bed *good = bed_new(0, &st);
  assert_ot_ok(st);
  assert_int_equal(kp_status(good), OT_IDE_KM_KP_UNSUPPORTED_PORT);
  bed_free(good, true);

  bed *bad = bed_new(UINT64_C(1) << OT_DSM_FAULT_KP_PORT_ACCEPT, &st);
  assert_ot_ok(st);
  assert_int_equal(kp_status(bad), OT_IDE_KM_KP_SUCCESS);
  /* The IDE_KM layer itself, asked directly, still refuses the port. */
  uint8_t kp[1 + OT_IDE_KM_KEY_PROG_SIZE] = {
      OT_IDE_KM_PROTOCOL_ID, OT_IDE_KM_KEY_PROG, 0, 0, 0, 0, 0, 0x05};
  kp[8 + 32 + 4] = 1;
  uint8_t a[64];
  size_t n = 0;
  assert_ot_ok(ot_ide_km_respond(&bad->dsm.km, true, kp, sizeof(kp), a, sizeof(a), &n));
  assert_int_equal(a[1 + OT_IDE_KM_OFF_STATUS], OT_IDE_KM_KP_UNSUPPORTED_PORT);
  bed_free(bad, true);
}

/* An undefined TDISP request code 0x80 through the DSM's TDISP handler:
 * the response code of the answer. */
static uint8_t td_code(bed *b) {
  uint8_t q[OT_TDISP_HEADER_SIZE] = {OT_TDISP_VERSION_10, 0x80, 0, 0, 0x00, 0x01, 0x00, 0x00};
  uint8_t a[128];
  size_t n = 0;
  ot_spdm_vdm_handler *h = &b->dsm.tdisp_vdm.base;
  assert_ot_ok(h->handle(h, 1, q, sizeof(q), a, sizeof(a), &n));
  assert_true(n >= 2);
  return a[1];
}

static void test_tdisp_fault_around_core(void **s) {
  (void)s;
  ot_status st;
  bed *good = bed_new(0, &st);
  assert_ot_ok(st);
  assert_int_equal(td_code(good), OT_TDISP_ERROR);
  bed_free(good, true);
  bed *bad = bed_new(UINT64_C(1) << OT_DSM_FAULT_UNKNOWN_SUCCESS, &st);
  assert_ot_ok(st);
  assert_int_equal(td_code(bad), 0x00);
  bed_free(bad, true);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_bad_bits),
      cmocka_unit_test(test_km_fault_around_core),
      cmocka_unit_test(test_tdisp_fault_around_core),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
