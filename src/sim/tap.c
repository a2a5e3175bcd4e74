/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interposer's taps: what each action does to the TLPs it matches. See
 * opentsm/sim_link.h. Matching: a TLP passes the direction filter, then
 * counts as "seen"; it is matched when nth is 0 or it is the nth seen.
 */
#include <string.h>

#include "link_internal.h"

static bool dir_ok(const ot_sim_tap *t, ot_sim_dir dir) {
  return t->match.any_dir || t->match.dir == dir;
}

static void replay_fire(ot_sim_loop *loop, ot_sim_event *ev) {
  (void)loop;
  ot_sim_tap *t = (ot_sim_tap *)(void *)((char *)ev - offsetof(ot_sim_tap, ev));
  t->holding = false;
  t->stats.released++;
  if (t->link != NULL)
    sim_link_forward(t->link, t->position + 1, t->held_dir, t->held, t->held_len);
}

ot_status ot_sim_tap_init(ot_sim_tap *t, const char *name, ot_sim_tap_action action,
                          const ot_sim_match *match) {
  OT_ENSURE(t != NULL && name != NULL && match != NULL, OT_E_ARG);
  size_t n = strlen(name);
  OT_ENSURE(n > 0 && n < OT_SIM_NAME_MAX, OT_E_ARG);
  OT_ENSURE((unsigned)action < OT_SIM_TAP_ACTION_COUNT, OT_E_ARG);
  memset(t, 0, sizeof *t);
  memcpy(t->name, name, n + 1);
  t->action = action;
  t->match = *match;
  t->ev.fire = replay_fire;
  t->delay_ns = 1000;
  ot_sim_capture_init(&t->capture);
  return OT_SUCCESS;
}

ot_status ot_sim_tap_set_record(ot_sim_tap *t, const char *path) {
  OT_ENSURE(t->pcap.file.f == NULL, OT_E_STATE);
  return ot_sim_tlp_pcap_open(&t->pcap, path);
}

void ot_sim_tap_set_replay(ot_sim_tap *t, uint64_t delay_ns) { t->delay_ns = delay_ns; }

ot_status ot_sim_tap_set_flips(ot_sim_tap *t, const ot_sim_bit_flip *flips, size_t n) {
  OT_ENSURE(flips != NULL && n > 0 && n <= OT_SIM_TAP_MAX_FLIPS, OT_E_ARG);
  memcpy(t->flips, flips, n * sizeof *flips);
  t->flip_count = n;
  return OT_SUCCESS;
}

void ot_sim_tap_set_modify(ot_sim_tap *t, ot_sim_tap_modify_fn fn) { t->modify = fn; }

ot_status ot_sim_tap_set_forged(ot_sim_tap *t, const uint8_t *tlp, size_t len) {
  OT_ENSURE(tlp != NULL && len > 0 && len <= OT_SIM_TLP_MAX, OT_E_ARG);
  memcpy(t->forged, tlp, len);
  t->forged_len = len;
  return OT_SUCCESS;
}

ot_status ot_sim_tap_from_desc(ot_sim_tap *t, const ot_sim_tap_desc *d) {
  OT_GUARD(ot_sim_tap_init(t, d->name, d->action, &d->match));
  switch (d->action) {
  case OT_SIM_TAP_RECORD: return ot_sim_tap_set_record(t, d->file);
  case OT_SIM_TAP_REPLAY: ot_sim_tap_set_replay(t, d->delay_ns); return OT_SUCCESS;
  case OT_SIM_TAP_MODIFY: return ot_sim_tap_set_flips(t, d->flips, d->flip_count);
  case OT_SIM_TAP_INJECT: return ot_sim_tap_set_forged(t, d->inject, d->inject_len);
  case OT_SIM_TAP_OBSERVE:
  case OT_SIM_TAP_DROP:
  case OT_SIM_TAP_REORDER:
  case OT_SIM_TAP_ACTION_COUNT:
  default: return OT_SUCCESS;
  }
}

ot_status ot_sim_tap_attach(ot_sim_tap *t, ot_sim_link *l) {
  OT_ENSURE(t != NULL && l != NULL, OT_E_ARG);
  OT_ENSURE(t->link == NULL, OT_E_STATE);
  OT_ENSURE(l->tap_count < OT_SIM_LINK_MAX_TAPS, OT_E_NO_SPACE);
  t->link = l;
  t->position = l->tap_count;
  l->taps[l->tap_count++] = t;
  return OT_SUCCESS;
}

bool ot_sim_tap_release(ot_sim_tap *t) {
  if (t->action != OT_SIM_TAP_REORDER || !t->holding || t->link == NULL) return false;
  sim_tap_post(t, t->held_dir);
  return true;
}

void ot_sim_tap_detach(ot_sim_tap *t) {
  ot_sim_link *l = t->link;
  if (l == NULL) return;
  (void)ot_sim_tap_release(t);
  if (ot_sim_event_queued(&t->ev)) (void)ot_sim_loop_cancel(l->loop, &t->ev);
  t->holding = false;
  for (size_t i = t->position; i + 1 < l->tap_count; i++) {
    l->taps[i] = l->taps[i + 1];
    l->taps[i]->position = i;
  }
  l->tap_count--;
  t->link = NULL;
  t->position = 0;
}

ot_status ot_sim_tap_destroy(ot_sim_tap *t) {
  ot_sim_tap_detach(t);
  ot_sim_capture_free(&t->capture);
  return ot_sim_tlp_pcap_close(&t->pcap);
}

ot_status ot_sim_tap_inject(ot_sim_tap *t, ot_sim_dir dir, const uint8_t *tlp, size_t len) {
  OT_ENSURE(t != NULL && tlp != NULL, OT_E_ARG);
  OT_ENSURE(t->link != NULL, OT_E_STATE);
  OT_ENSURE(len > 0 && len <= OT_SIM_TLP_MAX, OT_E_ARG);
  bool room = false;
  for (size_t i = 0; i < t->link->slot_count; i++)
    room = room || !t->link->slots[i].busy;
  OT_ENSURE(room, OT_E_BUSY);
  t->stats.released++;
  sim_link_forward(t->link, t->position + 1, dir, tlp, len);
  return OT_SUCCESS;
}

sim_tap_verdict sim_tap_process(ot_sim_tap *t, ot_sim_dir dir, uint8_t *tlp, size_t *len) {
  if (!dir_ok(t, dir)) return SIM_TAP_PASS;
  t->stats.seen++;
  /* REORDER: the TLP after a held one overtakes it; the held one follows. */
  if (t->action == OT_SIM_TAP_REORDER && t->holding && dir == t->held_dir) return SIM_TAP_PASS_POST;
  if (t->match.nth != 0 && t->stats.seen != t->match.nth) return SIM_TAP_PASS;
  t->stats.matched++;
  uint64_t now = ot_sim_loop_now(t->link->loop);
  switch (t->action) {
  case OT_SIM_TAP_OBSERVE:
    /* A failed append leaves the capture failed, which the audit reports. */
    OT_IGNORE(ot_sim_capture_append(&t->capture, now, (uint8_t)dir, tlp, *len));
    return SIM_TAP_PASS;
  case OT_SIM_TAP_RECORD:
    if (!ot_ok(ot_sim_tlp_pcap_append(&t->pcap, now, dir, t->link->id, tlp, *len)))
      t->stats.missed++;
    return SIM_TAP_PASS;
  case OT_SIM_TAP_DROP: return SIM_TAP_CONSUME;
  case OT_SIM_TAP_REPLAY:
    if (t->holding) {
      t->stats.missed++;
      return SIM_TAP_PASS;
    }
    memcpy(t->held, tlp, *len);
    t->held_len = *len;
    t->held_dir = dir;
    if (!ot_ok(ot_sim_loop_schedule_in(t->link->loop, &t->ev, t->delay_ns))) {
      t->stats.missed++;
      return SIM_TAP_PASS;
    }
    t->holding = true;
    return SIM_TAP_PASS;
  case OT_SIM_TAP_REORDER:
    memcpy(t->held, tlp, *len);
    t->held_len = *len;
    t->held_dir = dir;
    t->holding = true;
    return SIM_TAP_CONSUME;
  case OT_SIM_TAP_MODIFY:
    for (size_t i = 0; i < t->flip_count; i++) {
      if (t->flips[i].offset < *len) tlp[t->flips[i].offset] ^= t->flips[i].mask;
    }
    if (t->modify != NULL) {
      t->modify(t, dir, tlp, len, OT_SIM_TLP_MAX);
      if (*len == 0) return SIM_TAP_CONSUME; /* the callback deleted it */
      if (*len > OT_SIM_TLP_MAX) *len = OT_SIM_TLP_MAX;
    }
    return SIM_TAP_PASS;
  case OT_SIM_TAP_INJECT: return t->forged_len > 0 ? SIM_TAP_PASS_POST : SIM_TAP_PASS;
  case OT_SIM_TAP_ACTION_COUNT:
  default: return SIM_TAP_PASS;
  }
}

void sim_tap_post(ot_sim_tap *t, ot_sim_dir dir) {
  if (t->link == NULL) return;
  if (t->action == OT_SIM_TAP_REORDER && t->holding) {
    uint8_t copy[OT_SIM_TLP_MAX];
    size_t len = t->held_len;
    ot_sim_dir hdir = t->held_dir;
    memcpy(copy, t->held, len);
    t->holding = false;
    t->stats.released++;
    sim_link_forward(t->link, t->position + 1, hdir, copy, len);
  } else if (t->action == OT_SIM_TAP_INJECT) {
    t->stats.released++;
    sim_link_forward(t->link, t->position + 1, dir, t->forged, t->forged_len);
  }
}
