/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A DOE mailbox in front of a rig (spdm_rig.h): the requester talks through
 * the host mailbox driver (register level) to the DOE mailbox model, whose
 * DOE responder carries the rig's SPDM responder (PCIe r6.0 §6.30). A
 * simulated clock steps the mailbox each time the driver waits. Test code
 * only.
 */
#ifndef OT_TEST_MAILBOX_RIG_H
#define OT_TEST_MAILBOX_RIG_H

#include "../unit/spdm/spdm_rig.h"

#include "opentsm/doe_driver.h"
#include "opentsm/doe_mailbox.h"

#define MB_BYTES (64u * 1024u)

typedef struct mailbox_clock {
  ot_sim_clock clock; /* must be first: the hook steps the mailbox */
  ot_doe_mailbox *mb;
} mailbox_clock;

static void mailbox_on_sleep(ot_sim_clock *c, uint64_t now) {
  (void)now;
  ot_doe_mailbox_step(((mailbox_clock *)(void *)c)->mb);
}

typedef struct mailbox {
  mailbox_clock clk;
  ot_cfg_space cfg;
  ot_cfg_inproc acc;
  ot_doe_mailbox mb;
  uint8_t bufs[2][MB_BYTES];
  ot_doe_driver drv;
} mailbox;

/* Installs the mailbox (capability version 2, 1 ms per step) over g's DOE
 * responder and points g's requester at the driver. */
static void mailbox_attach(mailbox *b, rig *g) {
  ot_sim_clock_init(&b->clk.clock, 0);
  b->clk.clock.on_sleep = mailbox_on_sleep;
  b->clk.mb = &b->mb;
  const ot_cfg_ident ident = {.vendor = 0x1AF4, .device = 0x10F2, .class_code = 0x120000};
  uint16_t off;
  assert_ot_ok(ot_cfg_init(&b->cfg, &ident));
  assert_ot_ok(ot_cfg_add_cap(&b->cfg, OT_PCI_CAP_ID_EXP, 0x3C, &off));
  ot_doe_mailbox_config c = {.responder = &g->dev,
                             .clock = &b->clk.clock.base,
                             .latency_ns = OT_NS_PER_MS,
                             .req_buf = b->bufs[0],
                             .req_cap = MB_BYTES,
                             .rsp_buf = b->bufs[1],
                             .rsp_cap = MB_BYTES,
                             .cap_version = 2};
  assert_ot_ok(ot_doe_mailbox_install(&b->mb, &b->cfg, &c, &off));
  ot_cfg_inproc_init(&b->acc, &b->cfg);
  assert_ot_ok(ot_doe_driver_open(&b->drv, &b->acc.base, &b->clk.clock.base, OT_DOE_VENDOR_PCISIG,
                                  OT_DOE_TYPE_SPDM));
  g->req.io = ot_doe_driver_transport(&b->drv);
}

#endif
