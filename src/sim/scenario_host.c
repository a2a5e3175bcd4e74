/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Attacks that need no interposer (docs/scenarios.md): a device that lies
 * about who it is or what it runs, a host that alters or replays the DOE
 * objects it relays between the TSM and the device, and a host that
 * rewrites a locked TDI's configuration.
 */
#include <stddef.h>
#include <string.h>

#include "scenario_internal.h"

static ot_status expect_refused(ot_sim_scn *s, ot_tsm_reason want) {
  ot_tsm_refusal why;
  ot_status st = ot_tsm_connect(&s->w->tsm, &s->ep->tdev, &why);
  if (ot_ok(st)) return scn_fail(s, "the TSM connected the device");
  scn_say(s, "connect %s refused: %s - %s", s->ep->name, ot_tsm_reason_name(why.reason),
          why.detail);
  if (why.reason != want)
    return scn_fail(s, "refused for %s, expected %s", ot_tsm_reason_name(why.reason),
                    ot_tsm_reason_name(want));
  if (s->ep->tdev.state != OT_TSM_DEV_IDLE) return scn_fail(s, "device not left IDLE");
  /* Nothing accepted: the TSM holds no session (the device may keep an
   * orphan one it believes finished; it ends at the next GET_VERSION). */
  for (size_t k = 0; k < OT_SPDM_REQ_MAX_SESSIONS; k++)
    if (s->ep->tdev.spdm.sessions[k].used)
      return scn_fail(s, "the TSM kept a session with the device");
  return scn_verdict(s, true, "the TSM at connect: %s", ot_tsm_reason_name(why.reason));
}

ot_status scn_spoof_chain(ot_sim_scn *s) {
  ot_sim_world_opts o;
  ot_sim_world_opts_default(&o);
  o.spoof_chain_ep = 0;
  OT_GUARD(scn_world(s, &o));
  scn_say(s, "%s presents a certificate chain made under a root no policy anchors", s->ep->name);
  return expect_refused(s, OT_TSM_R_CERT_UNTRUSTED);
}

ot_status scn_spoof_measurements(ot_sim_scn *s) {
  ot_sim_world_opts o;
  ot_sim_world_opts_default(&o);
  o.spoof_meas_ep = 0;
  OT_GUARD(scn_world(s, &o));
  scn_say(s, "%s has a genuine identity but runs other firmware (measurement 2 differs)",
          s->ep->name);
  return expect_refused(s, OT_TSM_R_MEAS_MISMATCH);
}

static ot_sim_endpoint *ep_of(ot_sim_relay *r) {
  return (ot_sim_endpoint *)(void *)((char *)r - offsetof(ot_sim_endpoint, relay));
}

/* The host flips one bit of the first secured SPDM response it relays. */
static ot_sim_relay_verdict alter_secured(ot_sim_relay *r, ot_sim_relay_stage stage,
                                          uint16_t vendor, uint8_t type, uint8_t *buf, size_t *len,
                                          size_t cap) {
  (void)vendor, (void)cap;
  ot_sim_endpoint *ep = ep_of(r);
  if (stage != OT_SIM_RELAY_STAGE_RESPONSE || type != OT_DOE_TYPE_SECURED_SPDM || *len < 16)
    return OT_SIM_RELAY_PASS;
  if (ep->host_attack_seen++ == 0) buf[*len - 8] ^= 0x01;
  return OT_SIM_RELAY_PASS;
}

ot_status scn_relay_tamper(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  ot_sim_relay_set_hook(&s->ep->relay, alter_secured);
  scn_say(s, "the host flips a bit of the first secured SPDM response it relays to the TSM");
  return expect_refused(s, OT_TSM_R_SESSION);
}

/* The host answers a secured request itself with the last secured response it relayed. */
static ot_sim_relay_verdict replay_secured(ot_sim_relay *r, ot_sim_relay_stage stage,
                                           uint16_t vendor, uint8_t type, uint8_t *buf, size_t *len,
                                           size_t cap) {
  (void)vendor;
  if (stage != OT_SIM_RELAY_STAGE_REQUEST || type != OT_DOE_TYPE_SECURED_SPDM)
    return OT_SIM_RELAY_PASS;
  const uint8_t *old = NULL;
  size_t old_len = 0;
  for (size_t i = 0;; i++) {
    ot_sim_relay_kind k;
    uint16_t v;
    uint8_t ty;
    const uint8_t *p;
    size_t n;
    if (!ot_ok(ot_sim_relay_log_payload(r, i, &k, &v, &ty, &p, &n))) break;
    if (k == OT_SIM_RELAY_RSP_IN && ty == OT_DOE_TYPE_SECURED_SPDM) {
      old = p;
      old_len = n;
    }
  }
  if (old == NULL || old_len > cap) return OT_SIM_RELAY_PASS;
  ep_of(r)->host_attack_seen++;
  memmove(buf, old, old_len);
  *len = old_len;
  return OT_SIM_RELAY_ANSWER;
}

ot_status scn_relay_replay(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  ot_tsm_refusal why;
  OT_GUARD(ot_tsm_connect(&s->w->tsm, &s->ep->tdev, &why));
  scn_say(s, "TSM connected %s honestly", s->ep->name);
  ot_sim_relay_set_hook(&s->ep->relay, replay_secured);
  scn_say(s, "the host now answers each secured request with the last secured response it saw");
  char gname[OT_TSM_NAME_MAX];
  ot_sim_world_guest_name(0, gname);
  OT_GUARD(ot_sim_guest_init(&s->guest, s->w, s->ep, 0, gname));
  s->guest_ready = true;
  ot_status st = ot_sim_guest_accept(&s->guest);
  if (ot_ok(st)) return scn_fail(s, "the guest accepted a device whose answers were replayed");
  if (s->ep->host_attack_seen == 0) return scn_fail(s, "the host replayed nothing");
  scn_say(s, "bind refused: %s - %s", ot_tsm_reason_name(s->guest.why.reason), s->guest.why.detail);
  if (s->ep->dev_tdi[0]->state == OT_TDI_RUN) return scn_fail(s, "the TDI runs");
  return scn_verdict(s, true, "SPDM secured messages (sequence number in the AEAD nonce): %s",
                     ot_tsm_reason_name(s->guest.why.reason));
}

ot_status scn_locked_config_write(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  ot_tsm_refusal why;
  OT_GUARD(ot_tsm_connect(&s->w->tsm, &s->ep->tdev, &why));
  char gname[OT_TSM_NAME_MAX];
  ot_sim_world_guest_name(0, gname);
  OT_GUARD(ot_sim_guest_init(&s->guest, s->w, s->ep, 0, gname));
  s->guest_ready = true;
  OT_GUARD(ot_sim_guest_accept(&s->guest));
  scn_say(s, "%s runs TDI %05x", gname, s->ep->tdi_desc[0].function_id);
  uint32_t fid = s->ep->tdi_desc[0].function_id;
  uint32_t bar = 0;
  bool claimed = false;
  uint8_t bus = (uint8_t)(fid >> 8), devfn = (uint8_t)fid;
  OT_GUARD(ot_sim_cfg_read(s->w->p, bus, devfn, 0x10, 4, &bar, &claimed));
  /* The host moves BAR0 (PCIe r6.0 §7.5.1.2.1) under the guest's feet, which a
   * locked TDI forbids (§11.2). */
  OT_GUARD(ot_sim_cfg_write(s->w->p, bus, devfn, 0x10, 4, bar + 0x01000000u, &claimed));
  scn_say(s, "the host relocates BAR0 of the locked function (%08x -> %08x)", bar,
          bar + 0x01000000u);
  if (s->ep->dev_tdi[0]->state != OT_TDI_ERROR) return scn_fail(s, "TDI did not enter ERROR");
  scn_say(s, "device: config guard moved TDI 0 to ERROR");
  if (ot_ok(ot_sim_guest_recheck(&s->guest))) return scn_fail(s, "the guest still accepts it");
  scn_say(s, "guest's fresh evidence: %s; it refuses the TDI", s->guest.why.detail);
  uint8_t back[16];
  s->guest.accepted = true; /* even if the guest tried, the device refuses T=1 now */
  ot_status st = ot_sim_guest_mmio_read(&s->guest, 0x40, back, 16);
  s->guest.accepted = false;
  if (ot_ok(st)) return scn_fail(s, "the TDI in ERROR answered a T=1 read");
  scn_say(s, "a T=1 read now: device TDISP %s, no data",
          ot_tdisp_verdict_name(s->ep->ep_port.last_verdict));
  return scn_verdict(s, true, "TDISP config guard (TDI ERROR) and the guest's re-check");
}
