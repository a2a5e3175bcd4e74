/* SPDX-License-Identifier: BSD-3-Clause */
/* The host's boot: enumeration and DOE mailbox takeover. See opentsm/sim_host.h. */
#include <string.h>

#include "opentsm/log.h"
#include "opentsm/sim_host.h"
#include "opentsm/spec/pcie.h"

#define LOG_TAG "sim.host"

static ot_status take_mailboxes(ot_sim_host *h, const ot_sim_enum_fn *e) {
  ot_sim_cfg_access probe;
  ot_sim_cfg_access_init(&probe, h->p, e->bus, e->devfn);
  uint16_t cap = 0;
  for (;;) {
    ot_status st = ot_doe_find_mailbox(&probe.base, cap, &cap);
    if (ot_is(st, OT_E_NOT_FOUND)) return OT_SUCCESS;
    OT_GUARD(st);
    OT_ENSURE(h->mailbox_count < OT_SIM_HOST_MAX_MAILBOXES, OT_E_NO_SPACE);
    ot_sim_host_mailbox *m = &h->mailboxes[h->mailbox_count++];
    m->bus = e->bus;
    m->devfn = e->devfn;
    m->cap = cap;
    ot_sim_cfg_access_init(&m->access, h->p, e->bus, e->devfn);
    m->status = ot_doe_driver_init(&m->driver, &m->access.base, cap, ot_sim_platform_clock(h->p));
    if (!ot_ok(m->status)) {
      char bdf[9];
      ot_sim_bdf_format(e->bus, e->devfn, bdf);
      OT_LOGW(LOG_TAG, "%s: DOE mailbox at 0x%03x unusable: %s", bdf, cap,
              ot_status_message(m->status));
    }
  }
}

ot_status ot_sim_host_boot(ot_sim_host *h, ot_sim_platform *p) {
  OT_ENSURE(h != NULL && p != NULL && p->node_count > 0, OT_E_ARG);
  memset(h, 0, sizeof *h);
  h->p = p;
  OT_GUARD(ot_sim_enumerate(p, p->nodes[0].desc->root_bus, &h->topo));
  for (size_t i = 0; i < h->topo.count; i++) {
    if (h->topo.fns[i].bridge) continue;
    OT_GUARD(take_mailboxes(h, &h->topo.fns[i]));
  }
  return OT_SUCCESS;
}

ot_sim_host_mailbox *ot_sim_host_mailbox_at(ot_sim_host *h, uint8_t bus, uint8_t devfn) {
  for (size_t i = 0; i < h->mailbox_count; i++) {
    ot_sim_host_mailbox *m = &h->mailboxes[i];
    if (m->bus == bus && m->devfn == devfn && ot_ok(m->status)) return m;
  }
  return NULL;
}
