/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config-space guard (src/tdisp/guard.c) on a real ot_cfg_space: host
 * writes to locked registers move a locked or running TDI to ERROR; the same
 * writes on an unlocked TDI, or writes that change nothing locked, do not.
 */
#include <string.h>

#include "opentsm/tdisp.h"
#include "tdisp_fixture.h"

typedef struct gfx {
  fx f;
  ot_cfg_space cfg;
  ot_tdisp_guard g;
  uint16_t msix, exp;
} gfx;

/* An endpoint with a writable 16 KiB memory BAR0, MSI-X and a PCIe capability. */
static void gfx_init(gfx *x) {
  memset(x, 0, sizeof *x);
  ot_cfg_ident id = {.vendor = 0x1AF4, .device = 0x1234, .class_code = 0x020000};
  assert_ot_ok(ot_cfg_init(&x->cfg, &id));
  assert_ot_ok(ot_cfg_set_access(&x->cfg, OT_PCI_BAR0, 4, 0xFFFFC000u, 0));
  assert_ot_ok(ot_cfg_add_cap(&x->cfg, OT_PCI_CAP_ID_MSIX, 12, &x->msix));
  /* Message Control (Enable, Function Mask) RW; Table/PBA read-only. */
  assert_ot_ok(ot_cfg_set_access(&x->cfg, (uint16_t)(x->msix + 2), 2, 0xC000u, 0));
  assert_ot_ok(ot_cfg_add_cap(&x->cfg, OT_PCI_CAP_ID_EXP, 0x3C, &x->exp));
  assert_ot_ok(ot_cfg_set_access(&x->cfg, (uint16_t)(x->exp + 8), 2, 0x7FFFu, 0));
  /* BAR0 at 0xFE000000, memory and bus mastering on: what a TSM locks. */
  assert_ot_ok(ot_cfg_space_write(&x->cfg, OT_PCI_BAR0, 4, 0xFE000000u));
  assert_ot_ok(ot_cfg_space_write(&x->cfg, OT_PCI_COMMAND, 2,
                                  OT_PCI_COMMAND_MEMORY | OT_PCI_COMMAND_MASTER));
  fx_init_with(&x->f, &x->cfg);
  assert_ot_ok(ot_tdisp_guard_install(&x->g, x->f.tdi));
}

typedef struct wcase {
  const char *what;
  ot_tdisp_state from;
  int reg; /* -1 MSI-X Message Control, -2 Device Control, else an offset */
  unsigned width;
  uint32_t value;
  uint16_t lock_flags;
  ot_tdisp_state to;
  ot_tdisp_event ev; /* when to == ERROR */
} wcase;

#define MSIXCTL (-1)
#define DEVCTL (-2)
#define L OT_TDI_CONFIG_LOCKED
#define R OT_TDI_RUN
#define U OT_TDI_CONFIG_UNLOCKED
#define E OT_TDI_ERROR
#define CFGW OT_TDISP_EV_CFG_LOCKED_WRITE

/* clang-format off */
static const wcase k_cases[] = {
  {"BAR0 moved while locked",      L, OT_PCI_BAR0,    4, 0xFD000000u, 0x7, E, CFGW},
  {"BAR0 moved while running",     R, OT_PCI_BAR0,    4, 0xFD000000u, 0x7, E, CFGW},
  {"BAR0 sizing while running",    R, OT_PCI_BAR0,    4, 0xFFFFFFFFu, 0x7, E, CFGW},
  {"BAR0 same value",              R, OT_PCI_BAR0,    4, 0xFE000000u, 0x7, R, 0},
  {"BAR0 moved while unlocked",    U, OT_PCI_BAR0,    4, 0xFD000000u, 0x7, U, 0},
  {"read-only BAR1 written",       R, 0x14,           4, 0xFFFFFFFFu, 0x7, R, 0},
  {"MSE cleared while running",    R, OT_PCI_COMMAND, 2, OT_PCI_COMMAND_MASTER, 0x7, E, CFGW},
  {"BME cleared while locked",     L, OT_PCI_COMMAND, 2, OT_PCI_COMMAND_MEMORY, 0x7, E, CFGW},
  {"INTx disable toggled",         R, OT_PCI_COMMAND, 2, 0x0406u, 0x7, R, 0},
  {"status bits cleared",          R, OT_PCI_STATUS,  2, 0xFFFFu, 0x7, R, 0},
  {"MSI-X enabled, MSI-X locked",  R, MSIXCTL,        2, 0x8000u, 0x7, E, CFGW},
  {"MSI-X enabled, not locked",    R, MSIXCTL,        2, 0x8000u, 0x3, R, 0},
  {"FLR while running",            R, DEVCTL,         2, 0x8000u, 0x7, E, OT_TDISP_EV_FLR},
  {"FLR while locked",             L, DEVCTL,         2, 0x8000u, 0x7, E, OT_TDISP_EV_FLR},
  {"FLR while unlocked",           U, DEVCTL,         2, 0x8000u, 0x7, U, 0},
  {"other Device Control bits",    R, DEVCTL,         2, 0x0010u, 0x7, R, 0},
};
/* clang-format on */

static void lock_with(gfx *x, uint16_t flags) {
  ot_tdisp_msg q = fx_req(OT_TDISP_LOCK_INTERFACE_REQUEST), a;
  q.u.lock = fx_lock_params();
  q.u.lock.flags = flags;
  uint8_t buf[128];
  assert_int_equal(fx_send(&x->f, &q, &a, buf, sizeof buf), OT_TDISP_LOCK_INTERFACE_RESPONSE);
}

static void start(gfx *x) {
  ot_tdisp_msg q = fx_req(OT_TDISP_START_INTERFACE_REQUEST), a;
  memcpy(q.u.nonce, fx_rec_nonce, 32);
  uint8_t buf[128];
  assert_int_equal(fx_send(&x->f, &q, &a, buf, sizeof buf), OT_TDISP_START_INTERFACE_RESPONSE);
}

static void test_config_writes(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof k_cases / sizeof k_cases[0]; i++) {
    const wcase *c = &k_cases[i];
    static gfx x;
    gfx_init(&x);
    if (c->from != U) lock_with(&x, c->lock_flags);
    if (c->from == R) start(&x);
    uint16_t reg = c->reg == MSIXCTL  ? (uint16_t)(x.msix + 2)
                   : c->reg == DEVCTL ? (uint16_t)(x.exp + 8)
                                      : (uint16_t)c->reg;
    assert_ot_ok(ot_cfg_space_write(&x.cfg, reg, c->width, c->value));
    if (x.f.tdi->state != c->to)
      fail_msg("%s: -> %s", c->what, ot_tdisp_state_name(x.f.tdi->state));
    if (c->to == E) assert_int_equal(x.f.tdi->last_event, c->ev);
  }
}

/* The report carries the locked MSI-X Message Control when LOCK_MSIX is set. */
static void test_report_copies_msix_control(void **state) {
  (void)state;
  static gfx x;
  gfx_init(&x);
  assert_ot_ok(ot_cfg_space_write(&x.cfg, (uint16_t)(x.msix + 2), 2, 0x8000u));
  lock_with(&x, 0x7);
  ot_tdisp_report rep;
  assert_ot_ok(ot_tdisp_report_parse(x.f.tdi->report, x.f.tdi->report_len, &rep));
  assert_int_equal(rep.msix_message_control, 0x8000);
}

/* After STOP the function is the host's again: writes move nothing. */
static void test_writes_after_stop_are_free(void **state) {
  (void)state;
  static gfx x;
  gfx_init(&x);
  lock_with(&x, 0x7);
  start(&x);
  ot_tdisp_msg q = fx_req(OT_TDISP_STOP_INTERFACE_REQUEST), a;
  uint8_t buf[64];
  assert_int_equal(fx_send(&x.f, &q, &a, buf, sizeof buf), OT_TDISP_STOP_INTERFACE_RESPONSE);
  assert_ot_ok(ot_cfg_space_write(&x.cfg, OT_PCI_BAR0, 4, 0xFD000000u));
  assert_int_equal(x.f.tdi->state, OT_TDI_CONFIG_UNLOCKED);
}

/* Install is all or nothing: no config space, a range someone else owns, too few hooks. */
static void test_install_refusals(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  ot_tdisp_guard g;
  assert_ot_code(ot_tdisp_guard_install(&g, f.tdi), OT_E_ARG);
  static gfx x;
  gfx_init(&x); /* guard already installed */
  ot_tdisp_guard g2;
  size_t before = x.cfg.hook_count;
  assert_ot_code(ot_tdisp_guard_install(&g2, x.f.tdi), OT_E_EXISTS);
  assert_int_equal(x.cfg.hook_count, before);
  static ot_cfg_space full;
  ot_cfg_ident id = {.vendor = 1, .device = 2};
  assert_ot_ok(ot_cfg_init(&full, &id));
  static ot_cfg_hook others[OT_CFG_MAX_HOOKS];
  for (unsigned i = 0; i < OT_CFG_MAX_HOOKS - 1; i++)
    assert_ot_ok(ot_cfg_add_hook(&full, &others[i], (uint16_t)(0x200 + 4 * i), 4));
  ot_tdisp_tdi_desc d = f.desc;
  d.function_id = 0x42;
  d.cfg = &full;
  ot_tdisp_tdi *t;
  assert_ot_ok(ot_tdisp_device_add_tdi(&f.dev, &d, &t));
  assert_ot_code(ot_tdisp_guard_install(&g, t), OT_E_NO_SPACE);
  assert_int_equal(full.hook_count, OT_CFG_MAX_HOOKS - 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_config_writes),
      cmocka_unit_test(test_report_copies_msix_control),
      cmocka_unit_test(test_writes_after_stop_are_free),
      cmocka_unit_test(test_install_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
