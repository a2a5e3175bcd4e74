/* SPDX-License-Identifier: BSD-3-Clause */
/* Links: the tap chain and timed, in-order delivery. See opentsm/sim_link.h. */
#include <stdlib.h>
#include <string.h>

#include "link_internal.h"

static void sink_receive(ot_sim_port *port, ot_sim_link *link, ot_sim_dir dir, const uint8_t *tlp,
                         size_t len) {
  (void)link;
  (void)dir;
  ot_sim_sink *s = (ot_sim_sink *)(void *)port;
  s->received++;
  memcpy(s->last, tlp, len);
  s->last_len = len;
}

void ot_sim_sink_init(ot_sim_sink *s) {
  memset(s, 0, sizeof *s);
  s->base.receive = sink_receive;
}

static void deliver_fire(ot_sim_loop *loop, ot_sim_event *ev) {
  (void)loop;
  ot_sim_inflight *slot = (ot_sim_inflight *)(void *)ev;
  ot_sim_link *l = slot->link;
  l->stats.delivered[slot->dir]++;
  ot_sim_port *port = l->end[slot->dir];
  if (port != NULL && port->receive != NULL)
    port->receive(port, l, slot->dir, slot->bytes, slot->len);
  slot->busy = false;
}

static ot_sim_inflight *free_slot(ot_sim_link *l) {
  for (size_t i = 0; i < l->slot_count; i++) {
    if (!l->slots[i].busy) return &l->slots[i];
  }
  return NULL;
}

/* Puts the TLP on the wire: it reaches the far end latency_ns from now. */
static void deliver(ot_sim_link *l, ot_sim_dir dir, const uint8_t *tlp, size_t len) {
  ot_sim_inflight *slot = free_slot(l);
  if (slot == NULL) {
    l->stats.lost++;
    return;
  }
  slot->dir = dir;
  slot->len = len;
  memcpy(slot->bytes, tlp, len);
  if (!ot_ok(ot_sim_loop_schedule_in(l->loop, &slot->ev, l->latency_ns))) {
    l->stats.lost++;
    return;
  }
  slot->busy = true;
}

void sim_link_forward(ot_sim_link *l, size_t from, ot_sim_dir dir, const uint8_t *tlp, size_t len) {
  uint8_t buf[OT_SIM_TLP_MAX];
  ot_sim_tap *post[OT_SIM_LINK_MAX_TAPS];
  size_t npost = 0;
  bool consumed = false;
  memcpy(buf, tlp, len);
  for (size_t i = from; i < l->tap_count && !consumed; i++) {
    ot_sim_tap *t = l->taps[i];
    switch (sim_tap_process(t, dir, buf, &len)) {
    case SIM_TAP_CONSUME: consumed = true; break;
    case SIM_TAP_PASS_POST: post[npost++] = t; break;
    case SIM_TAP_PASS:
    default: break;
    }
  }
  if (!consumed) deliver(l, dir, buf, len);
  for (size_t k = 0; k < npost; k++)
    sim_tap_post(post[k], dir);
}

ot_status ot_sim_link_init(ot_sim_link *l, ot_sim_loop *loop, const char *name, uint16_t id,
                           uint64_t latency_ns, size_t inflight) {
  OT_ENSURE(l != NULL && loop != NULL && name != NULL, OT_E_ARG);
  size_t nlen = strlen(name);
  OT_ENSURE(nlen > 0 && nlen < OT_SIM_NAME_MAX, OT_E_ARG);
  if (inflight == 0) inflight = OT_SIM_LINK_DEFAULT_INFLIGHT;
  ot_sim_inflight *slots = calloc(inflight, sizeof *slots);
  OT_ENSURE(slots != NULL, OT_E_NOMEM);
  memset(l, 0, sizeof *l);
  memcpy(l->name, name, nlen + 1);
  l->id = id;
  l->loop = loop;
  l->latency_ns = latency_ns;
  l->slots = slots;
  l->slot_count = inflight;
  for (size_t i = 0; i < inflight; i++) {
    slots[i].ev.fire = deliver_fire;
    slots[i].link = l;
  }
  return OT_SUCCESS;
}

void ot_sim_link_destroy(ot_sim_link *l) {
  while (l->tap_count > 0)
    ot_sim_tap_detach(l->taps[l->tap_count - 1]);
  for (size_t i = 0; i < l->slot_count; i++)
    (void)ot_sim_loop_cancel(l->loop, &l->slots[i].ev);
  free(l->slots);
  l->slots = NULL;
  l->slot_count = 0;
}

void ot_sim_link_connect(ot_sim_link *l, ot_sim_port *lower, ot_sim_port *upper) {
  l->end[OT_SIM_DOWNSTREAM] = lower;
  l->end[OT_SIM_UPSTREAM] = upper;
}

ot_status ot_sim_link_send(ot_sim_link *l, ot_sim_dir dir, const uint8_t *tlp, size_t len) {
  OT_ENSURE(l != NULL && tlp != NULL, OT_E_ARG);
  OT_ENSURE(dir == OT_SIM_DOWNSTREAM || dir == OT_SIM_UPSTREAM, OT_E_ARG);
  OT_ENSURE(len > 0 && len <= OT_SIM_TLP_MAX, OT_E_ARG);
  OT_ENSURE(free_slot(l) != NULL, OT_E_BUSY);
  l->stats.sent[dir]++;
  sim_link_forward(l, 0, dir, tlp, len);
  return OT_SUCCESS;
}
