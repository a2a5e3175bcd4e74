/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device platform's IDE pieces (src/ide/ide_platform.c) that `opentsm
 * device` and the firmware profile's host platform share: Enable follows the
 * keys IDE_KM installs and stops (PCIe r6.0 §7.9.26.5.2), and a stream is
 * Secure only when both engines say so.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/ide_regs.h"
#include "opentsm/secure.h"
#include "regs_rig.h"
#include "testsupport.h"

static const ot_ide_regs_caps caps2 = {.sel_streams = 2, .ide_km = true};

/* What the device presets at boot: block b holds Stream ID b, Enable = 0. */
static fx *fx_preset(void) {
  fx *f = fx_new(&caps2);
  for (uint8_t b = 0; b < 2; b++) {
    ot_ide_host_stream s = {.block = b, .stream_id = b, .rid_base = 0, .rid_limit = 0xFFFF};
    assert_ot_ok(ot_ide_host_stream_setup(&f->acc.base, f->cap, &s));
  }
  return f;
}

static bool enabled(fx *f, uint8_t block) {
  uint16_t off;
  uint8_t n;
  uint32_t ctl;
  assert_ot_ok(ot_ide_host_sel_block(&f->acc.base, f->cap, block, &off, &n));
  assert_ot_ok(ot_cfg_read32(&f->acc.base, (uint16_t)(off + OT_IDE_SEL_CTL), &ctl));
  return (ctl & OT_IDE_STREAM_CTL_ENABLE) != 0;
}

/* KEY_PROG + K_SET_GO of key set 0 for the sub-streams [from, to) of one engine. */
static void keys_go(ot_ide_engine *e, uint8_t sid, int from, int to) {
  for (int sub = from; sub < to; sub++) {
    ot_ide_key_material km = {.iv_fixed = OT_IDE_IV_FIXED_PCIE, .ifv = 1};
    memset(km.key, 0x40 + sub, sizeof km.key);
    assert_ot_ok(ot_ide_key_install(e, sid, (ot_ide_substream)sub, 0, &km));
    assert_ot_ok(ot_ide_key_go(e, sid, (ot_ide_substream)sub, 0));
    ot_zeroize(&km, sizeof km);
  }
}

static void policy(fx *f, uint8_t blocks) {
  ot_ide_host_enable_on_keys(&f->acc.base, f->cap, blocks, &f->tx.engine, &f->rx.engine);
}

/* Enable waits for all six keys (three sub-streams, both directions). */
static void test_enable_waits_for_every_key(void **state) {
  (void)state;
  fx *f = fx_preset();
  policy(f, 1);
  assert_false(enabled(f, 0));
  keys_go(&f->tx.engine, 0, 0, 3);
  keys_go(&f->rx.engine, 0, 0, 2);
  policy(f, 1);
  assert_false(enabled(f, 0));
  assert_false(ot_ide_engines_secure(&f->tx.engine, &f->rx.engine, 0));
  keys_go(&f->rx.engine, 0, 2, 3);
  policy(f, 1);
  assert_true(enabled(f, 0));
  assert_true(ot_ide_engines_secure(&f->tx.engine, &f->rx.engine, 0));
  fx_free(f);
}

/* Enable is cleared only when every key is stopped in both engines. */
static void test_disable_when_every_key_stopped(void **state) {
  (void)state;
  fx *f = fx_preset();
  keys_go(&f->tx.engine, 0, 0, 3);
  keys_go(&f->rx.engine, 0, 0, 3);
  policy(f, 1);
  assert_true(enabled(f, 0));
  for (int sub = 0; sub < 3; sub++)
    assert_ot_ok(ot_ide_key_stop(&f->tx.engine, 0, (ot_ide_substream)sub, 0));
  policy(f, 1);
  assert_true(enabled(f, 0)); /* the receive end still holds its keys */
  assert_false(ot_ide_engines_secure(&f->tx.engine, &f->rx.engine, 0));
  for (int sub = 0; sub < 3; sub++)
    assert_ot_ok(ot_ide_key_stop(&f->rx.engine, 0, (ot_ide_substream)sub, 0));
  policy(f, 1);
  assert_false(enabled(f, 0));
  fx_free(f);
}

/* Only the first `blocks` blocks are looked at; each by its own Stream ID. */
static void test_blocks_bound(void **state) {
  (void)state;
  fx *f = fx_preset();
  keys_go(&f->tx.engine, 1, 0, 3);
  keys_go(&f->rx.engine, 1, 0, 3);
  policy(f, 0);
  policy(f, 1);
  assert_false(enabled(f, 0));
  assert_false(enabled(f, 1));
  assert_false(ot_ide_engines_secure(&f->tx.engine, &f->rx.engine, 0));
  policy(f, 2);
  assert_false(enabled(f, 0));
  assert_true(enabled(f, 1));
  assert_true(ot_ide_engines_secure(&f->tx.engine, &f->rx.engine, 1));
  policy(f, 200); /* past the capability's blocks: stops at the first missing one */
  assert_true(enabled(f, 1));
  fx_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_enable_waits_for_every_key),
      cmocka_unit_test(test_disable_when_every_key_stopped),
      cmocka_unit_test(test_blocks_bound),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
