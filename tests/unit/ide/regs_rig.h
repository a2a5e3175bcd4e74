/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One device's IDE capability in config space over a transmitter and a
 * receiver, read through the in-process accessor: the fixture of the
 * register-model tests and of the device platform's IDE pieces.
 */
#ifndef OT_TEST_IDE_REGS_RIG_H
#define OT_TEST_IDE_REGS_RIG_H

#include <stdlib.h>

#include "opentsm/ide_regs.h"
#include "testsupport.h"

typedef struct fx {
  ot_cfg_space cfg;
  ot_cfg_inproc acc;
  ot_ide_tx tx;
  ot_ide_rx rx;
  ot_ide_regs regs;
  uint16_t cap;
  uint8_t pending[OT_IDE_RX_PENDING_SIZE(256) * 3];
} fx;

static fx *fx_new(const ot_ide_regs_caps *caps) {
  fx *f = calloc(1, sizeof *f);
  assert_non_null(f);
  ot_cfg_ident id = {.vendor = 0x1234,
                     .device = 0x5678,
                     .class_code = 0x020000,
                     .layout = OT_PCI_HEADER_LAYOUT_TYPE0};
  assert_ot_ok(ot_cfg_init(&f->cfg, &id));
  ot_cfg_inproc_init(&f->acc, &f->cfg);
  ot_ide_tx_init(&f->tx);
  ot_ide_rx_init(&f->rx);
  assert_ot_ok(
      ot_ide_regs_init(&f->regs, &f->cfg, caps, &f->tx, &f->rx, f->pending, sizeof f->pending));
  assert_ot_ok(ot_ide_host_find(&f->acc.base, &f->cap));
  return f;
}

static void fx_free(fx *f) {
  ot_ide_regs_release(&f->regs);
  ot_ide_tx_clear(&f->tx);
  ot_ide_rx_clear(&f->rx);
  free(f);
}

#endif
