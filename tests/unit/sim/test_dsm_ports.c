/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DSM's IDE_KM ports (opentsm/sim_dsm.h extra_ports; PCIe r6.0 §6.33.3):
 * each port answers QUERY with its own function number and registers, keys
 * go to that port's engines, and TDISP's default stream is Secure when it is
 * Secure on any port.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/bits.h"
#include "opentsm/secure.h"
#include "opentsm/spec/ide_regs.h"
#include "opentsm/sim_dsm.h"
#include "testsupport.h"

typedef struct bed {
  ot_drbg drbg;
  ot_spdm_identity id;
  ot_cfg_space cfg;
  ot_sim_dsm_port extra[2];
  ot_sim_dsm dsm;
} bed;

static const ot_cfg_ident ident = {
    .vendor = 0x1AF4, .device = 0x10F2, .class_code = 0x120000, .multi_function = true};

static ot_sim_dsm_config config(bed *b, size_t extra) {
  return (ot_sim_dsm_config){.id = &b->id,
                             .rng = &b->drbg.rng,
                             .tdisp = {.lock_flags_supported = 0x0007, .dev_addr_width = 48},
                             .cfg = &b->cfg,
                             .ide_caps = {.sel_streams = 1},
                             .bus = 3,
                             .dev_func = 0,
                             .extra_ports = b->extra,
                             .extra_port_count = extra,
                             .heartbeat_period = 0xF0};
}

static bed *bed_new(void) {
  bed *b = calloc(1, sizeof(*b));
  assert_non_null(b);
  uint8_t e[48];
  memset(e, 0x11, sizeof(e));
  assert_ot_ok(ot_drbg_instantiate(&b->drbg, e, 32, e + 32, 16, NULL, 0));
  ot_spdm_identity_init(&b->id);
  assert_ot_ok(ot_cfg_init(&b->cfg, &ident));
  for (size_t i = 0; i < 2; i++)
    assert_ot_ok(ot_cfg_init(&b->extra[i].cfg, &ident));
  return b;
}

static void bed_free(bed *b) {
  ot_sim_dsm_free(&b->dsm);
  ot_drbg_uninstantiate(&b->drbg);
  free(b);
}

static void test_bad_configs(void **s) {
  (void)s;
  bed *b = bed_new();
  ot_sim_dsm_config c = config(b, OT_SIM_DSM_MAX_PORTS);
  assert_ot_code(ot_sim_dsm_init(&b->dsm, &c), OT_E_ARG);
  c = config(b, 1);
  c.extra_ports = NULL;
  assert_ot_code(ot_sim_dsm_init(&b->dsm, &c), OT_E_ARG);
  c = config(b, 1);
  c.cfg = NULL; /* extra ports need port 0's capability */
  assert_ot_code(ot_sim_dsm_init(&b->dsm, &c), OT_E_ARG);
  c = config(b, 2);
  c.dev_func = 0xFE; /* DevFuncNum of port 2 would not fit a byte */
  assert_ot_code(ot_sim_dsm_init(&b->dsm, &c), OT_E_ARG);
  free(b); /* nothing was initialized */
}

static void query(bed *b, uint8_t port, uint8_t *out, size_t *n) {
  uint8_t q[] = {OT_IDE_KM_PROTOCOL_ID, 0x00, 0x00, port};
  assert_ot_ok(ot_ide_km_respond(&b->dsm.km, true, q, sizeof(q), out, OT_IDE_KM_RSP_MAX, n));
}

static void test_three_ports(void **s) {
  (void)s;
  bed *b = bed_new();
  ot_sim_dsm_config c = config(b, 2);
  assert_ot_ok(ot_sim_dsm_init(&b->dsm, &c));
  assert_int_equal(b->dsm.rcfg.heartbeat_period, 0xF0);
  uint8_t a[OT_IDE_KM_RSP_MAX];
  size_t n = 0;
  for (uint8_t p = 0; p < 3; p++) {
    query(b, p, a, &n);
    /* ProtocolID | QUERY_RESP | Rsvd | PortIndex | DevFuncNum | BusNum | Segment | MaxPortIndex */
    const uint8_t want[] = {0x00, 0x01, 0x00, p, p, 0x03, 0x00, 0x02};
    assert_memory_equal(a, want, sizeof(want));
    /* Then the port's IDE Capability register, IDE_KM Protocol Supported set
     * (the DSM forces it on for every port). */
    assert_true(n >= sizeof(want) + 4);
    uint32_t cap = ot_load_u32le(a + sizeof(want));
    assert_true((cap & OT_IDE_CAP_IDE_KM) != 0);
  }
  uint8_t q3[] = {OT_IDE_KM_PROTOCOL_ID, 0x00, 0x00, 0x03};
  assert_ot_code(ot_ide_km_respond(&b->dsm.km, true, q3, sizeof(q3), a, sizeof(a), &n),
                 OT_E_NOT_FOUND);

  /* A key for port 2 lands in port 2's engine, no other. */
  uint8_t kp[OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_KEY_PROG_SIZE] = {
      OT_IDE_KM_PROTOCOL_ID, OT_IDE_KM_KEY_PROG, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02};
  memset(kp + 8, 0x42, 32);
  kp[8 + 32 + 4] = 1;
  /* Port 2's block holds Stream ID 0 from reset (Control reads 0). */
  assert_ot_ok(ot_ide_km_respond(&b->dsm.km, true, kp, sizeof(kp), a, sizeof(a), &n));
  const uint8_t ack[] = {0x00, OT_IDE_KM_KP_ACK, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02};
  assert_int_equal(n, sizeof(ack));
  assert_memory_equal(a, ack, sizeof(ack));
  uint64_t next;
  assert_ot_ok(ot_ide_key_next_invocation(&b->extra[1].rx.engine, 0, OT_IDE_SUB_PR, 0, &next));
  assert_false(ot_ok(ot_ide_key_next_invocation(&b->dsm.ide_rx.engine, 0, OT_IDE_SUB_PR, 0, &next)));
  assert_false(ot_ok(ot_ide_key_next_invocation(&b->extra[0].rx.engine, 0, OT_IDE_SUB_PR, 0, &next)));
  bed_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_configs),
      cmocka_unit_test(test_three_ports),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
