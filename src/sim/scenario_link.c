/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interposer on the target's link (docs/scenarios.md): it sees, keeps,
 * changes, drops, delays, copies and forges TLPs between the root port and
 * the device. Each scenario runs the guest's traffic through it and checks
 * that IDE (or TDISP) refused what it did, that no byte it changed reached
 * the device's memory or the guest, and that the guest learns of it.
 */
#include <string.h>

#include "scenario_internal.h"

/* Payloads the guest writes: known bytes an eavesdropper would look for. */
static const uint8_t V1[16] = "guest-secret-V1!";
static const uint8_t V2[16] = "guest-secret-V2!";
static const uint8_t V3[16] = "guest-secret-V3!";
#define OFF 0x40u

static bool mem_is(ot_sim_scn *s, const uint8_t v[16]) {
  return memcmp(s->ep->mem + OFF, v, 16) == 0;
}

/* The guest writes V1 and reads it back: the honest baseline. */
static ot_status baseline(ot_sim_scn *s) {
  OT_GUARD(scn_running(s));
  uint8_t back[16];
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V1, 16));
  OT_GUARD(ot_sim_guest_mmio_read(&s->guest, OFF, back, 16));
  if (memcmp(back, V1, 16) != 0) return scn_fail(s, "baseline read returned other bytes");
  scn_say(s, "guest wrote and read back 16 bytes through the TDI (T=1, IDE stream %u)",
          ot_sim_stream_id(s->ep));
  return OT_SUCCESS;
}

/* A read whose answer, if any arrives, must be one of the values the guest
 * wrote; anything else is a corrupted delivery. */
static ot_status guest_read(ot_sim_scn *s, uint8_t out[16], const uint8_t *expect) {
  ot_status st = ot_sim_guest_mmio_read(&s->guest, OFF, out, 16);
  if (ot_ok(st) && expect != NULL && memcmp(out, expect, 16) != 0) s->res->corrupted += 16;
  if (ot_ok(st))
    scn_say(s, "guest read: '%.16s'", (const char *)out);
  else
    scn_say(s, "guest read failed: %s (no data delivered)", ot_status_name(st));
  return st;
}

/* After an integrity failure: the device refused, its TDI left RUN, the
 * guest's fresh evidence says so and the guest stops using the device. */
static ot_status expect_ide_failure(ot_sim_scn *s, const ot_sim_dp_port *pt, const char *what) {
  if (pt->ide_failures == 0) return scn_fail(s, "%s: no IDE failure was raised", what);
  scn_say(s, "%s IDE receiver refused a TLP: %s", pt->device_side ? "device" : "root port",
          ot_ide_error_name(pt->last_ide_error));
  if (pt->device_side) {
    ot_sim_dsm_poll_ide(&s->ep->dsm);
    if (s->ep->dev_tdi[0]->state != OT_TDI_ERROR)
      return scn_fail(s, "TDI did not enter ERROR after its stream failed");
    scn_say(s, "device: stream Insecure -> TDI 0 in ERROR (PCIe r6.0 §11.2)");
  }
  if (ot_ok(ot_sim_guest_recheck(&s->guest))) return scn_fail(s, "guest still accepts the device");
  scn_say(s, "guest re-checked its evidence: %s (%s); it stops using the TDI",
          ot_tsm_reason_name(s->guest.why.reason), s->guest.why.detail);
  return OT_SUCCESS;
}

ot_status scn_eavesdrop(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  /* Before IDE: the same link, carrying the write as a platform without IDE would. */
  ot_sim_link *l = s->ep->node->uplink;
  ot_sim_sink lo, hi;
  ot_sim_sink_init(&lo);
  ot_sim_sink_init(&hi);
  ot_sim_link_connect(l, &lo.base, &hi.base);
  uint64_t at = s->ep->tdi_desc[0].mmio[0].first_page + OFF;
  ot_tlp t = {.hdr = {.kind = OT_TLP_MWR,
                      .addr64 = at > UINT32_MAX,
                      .length = 4,
                      .first_be = 0xF,
                      .last_be = 0xF,
                      .address = s->ep->tdi_desc[0].mmio[0].first_page + OFF},
              .payload = V1,
              .payload_len = 16};
  OT_GUARD(ot_sim_dp_send_plain(s->ep, OT_SIM_DOWNSTREAM, &t));
  OT_GUARD(ot_sim_world_run(s->w));
  ot_sim_link_connect(l, &s->ep->ep_port.base, &s->ep->rp_port.base);
  size_t before = s->observe.capture.len;
  bool seen_plain = ot_sim_capture_find(&s->observe.capture, V1, 16, NULL, NULL);
  scn_say(s, "without IDE: the interposer's capture %s the payload '%.16s'",
          seen_plain ? "CONTAINS" : "does not contain", (const char *)V1);
  if (!seen_plain) return scn_fail(s, "the plaintext write was not visible");
  OT_GUARD(scn_running(s));
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V2, 16));
  uint8_t back[16];
  OT_GUARD(guest_read(s, back, V2));
  ot_sim_capture after = s->observe.capture;
  after.data += before;
  after.len -= before;
  after.count = 0; /* find scans data, records only name the place */
  bool seen = ot_sim_capture_find(&after, V2, 16, NULL, NULL) ||
              ot_sim_capture_find(&after, V2, 8, NULL, NULL) ||
              ot_sim_capture_find(&after, V2 + 8, 8, NULL, NULL);
  scn_say(s, "with IDE: %zu bytes captured; they %s '%.16s' (nor either half)", after.len,
          seen ? "CONTAIN" : "do not contain", (const char *)V2);
  if (seen) return scn_fail(s, "the payload crossed the link in clear under IDE");
  if (!mem_is(s, V2)) return scn_fail(s, "the device did not get the write");
  return scn_verdict(s, false, "IDE encryption (AES-256-GCM): only ciphertext on the link");
}

static void flip_header(ot_sim_tap *t, ot_sim_dir d, uint8_t *p, size_t *len, size_t cap) {
  (void)t, (void)d, (void)cap;
  if (*len > OT_IDE_PREFIX_SIZE + 15) p[OT_IDE_PREFIX_SIZE + 15] ^= 0x10; /* address bit 4 */
}
static void flip_payload(ot_sim_tap *t, ot_sim_dir d, uint8_t *p, size_t *len, size_t cap) {
  (void)t, (void)d, (void)cap;
  if (*len > OT_IDE_PREFIX_SIZE + 16) p[OT_IDE_PREFIX_SIZE + 16] ^= 0x01;
}
static void flip_mac(ot_sim_tap *t, ot_sim_dir d, uint8_t *p, size_t *len, size_t cap) {
  (void)t, (void)d, (void)cap;
  p[*len - 1] ^= 0x80;
}

/* After the baseline: the next write down the link is changed on the way. */
static ot_status tamper_next_write(ot_sim_scn *s, ot_sim_tap_modify_fn fn, const char *what) {
  ot_sim_match m = {.dir = OT_SIM_DOWNSTREAM, .nth = 1};
  OT_GUARD(ot_sim_tap_init(&s->attack, "tamper", OT_SIM_TAP_MODIFY, &m));
  ot_sim_tap_set_modify(&s->attack, fn);
  OT_GUARD(scn_attack(s));
  scn_say(s, "interposer flips a bit of the %s of the next write down the link", what);
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V2, 16));
  if (!mem_is(s, V1)) return scn_fail(s, "device memory changed");
  scn_say(s, "device memory still holds '%.16s'", (const char *)V1);
  OT_GUARD(expect_ide_failure(s, &s->ep->ep_port, "tamper"));
  uint8_t back[16];
  if (ot_ok(guest_read(s, back, V1))) return scn_fail(s, "the failed stream still answered");
  return scn_verdict(s, true, "IDE MAC check at the device (%s)",
                     ot_ide_error_name(s->ep->ep_port.last_ide_error));
}

static ot_status tamper(ot_sim_scn *s, ot_sim_tap_modify_fn fn, const char *what) {
  OT_GUARD(scn_world(s, NULL));
  OT_GUARD(baseline(s));
  return tamper_next_write(s, fn, what);
}

ot_status scn_demo_attack(ot_sim_scn *s) {
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V1, 16));
  return tamper_next_write(s, flip_payload, "encrypted payload");
}

ot_status scn_tamper_header(ot_sim_scn *s) { return tamper(s, flip_header, "header (address)"); }
ot_status scn_tamper_payload(ot_sim_scn *s) { return tamper(s, flip_payload, "encrypted payload"); }
ot_status scn_tamper_mac(ot_sim_scn *s) { return tamper(s, flip_mac, "MAC"); }

ot_status scn_replay(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  OT_GUARD(baseline(s));
  ot_sim_match m = {.dir = OT_SIM_DOWNSTREAM, .nth = 1};
  OT_GUARD(ot_sim_tap_init(&s->attack, "replay", OT_SIM_TAP_REPLAY, &m));
  ot_sim_tap_set_replay(&s->attack, 1000);
  OT_GUARD(scn_attack(s));
  scn_say(s, "interposer sends a copy of the next write 1 us after it");
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V2, 16));
  if (s->attack.stats.released != 1) return scn_fail(s, "no copy was sent");
  if (!mem_is(s, V2)) return scn_fail(s, "device memory is not the guest's last write");
  scn_say(s, "the original write landed ('%.16s'); the copy:", (const char *)V2);
  OT_GUARD(expect_ide_failure(s, &s->ep->ep_port, "replay"));
  return scn_verdict(s, true, "IDE implicit invocation counter: the copy's MAC fails (%s)",
                     ot_ide_error_name(s->ep->ep_port.last_ide_error));
}

ot_status scn_drop(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  OT_GUARD(baseline(s));
  ot_sim_match m = {.dir = OT_SIM_DOWNSTREAM, .nth = 1};
  OT_GUARD(ot_sim_tap_init(&s->attack, "drop", OT_SIM_TAP_DROP, &m));
  OT_GUARD(scn_attack(s));
  scn_say(s, "interposer drops the next write; the guest writes again");
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V2, 16));
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V3, 16));
  if (!mem_is(s, V1)) return scn_fail(s, "device memory changed after a dropped write");
  OT_GUARD(expect_ide_failure(s, &s->ep->ep_port, "drop"));
  return scn_verdict(s, true, "IDE counter: the write after the gap fails its MAC (%s)",
                     ot_ide_error_name(s->ep->ep_port.last_ide_error));
}

ot_status scn_reorder(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  OT_GUARD(baseline(s));
  ot_sim_match m = {.dir = OT_SIM_DOWNSTREAM, .nth = 1};
  OT_GUARD(ot_sim_tap_init(&s->attack, "reorder", OT_SIM_TAP_REORDER, &m));
  OT_GUARD(scn_attack(s));
  scn_say(s, "interposer holds the next write and lets the one after it pass first");
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V2, 16));
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V3, 16));
  OT_GUARD(ot_sim_world_run(s->w));
  if (!mem_is(s, V1)) return scn_fail(s, "device memory changed after reordered writes");
  OT_GUARD(expect_ide_failure(s, &s->ep->ep_port, "reorder"));
  return scn_verdict(s, true, "IDE counter: the overtaking write fails its MAC (%s)",
                     ot_ide_error_name(s->ep->ep_port.last_ide_error));
}

ot_status scn_inject(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  OT_GUARD(baseline(s));
  static const uint8_t evil[16] = "forged-by-host!!";
  uint64_t at = s->ep->tdi_desc[0].mmio[0].first_page + OFF;
  ot_tlp t = {.hdr = {.kind = OT_TLP_MWR,
                      .addr64 = at > UINT32_MAX,
                      .length = 4,
                      .first_be = 0xF,
                      .last_be = 0xF,
                      .address = s->ep->tdi_desc[0].mmio[0].first_page + OFF},
              .payload = evil,
              .payload_len = 16};
  uint8_t forged[64];
  size_t n;
  OT_GUARD(ot_tlp_encode(&t, forged, sizeof forged, &n));
  ot_sim_match m = {.dir = OT_SIM_DOWNSTREAM, .nth = 1};
  OT_GUARD(ot_sim_tap_init(&s->attack, "inject", OT_SIM_TAP_INJECT, &m));
  OT_GUARD(ot_sim_tap_set_forged(&s->attack, forged, n));
  OT_GUARD(scn_attack(s));
  scn_say(s, "interposer forges a write of '%.16s' to the TDI's MMIO (no IDE prefix, T=0)",
          (const char *)evil);
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V2, 16));
  if (s->attack.stats.released != 1) return scn_fail(s, "no forged TLP was sent");
  if (!mem_is(s, V2)) return scn_fail(s, "device memory is not the guest's write");
  if (s->ep->ep_port.tdisp_rejects == 0) return scn_fail(s, "TDISP did not refuse the forgery");
  scn_say(s, "device TDISP enforcement refused it: %s",
          ot_tdisp_verdict_name(s->ep->ep_port.last_verdict));
  uint8_t back[16];
  OT_GUARD(guest_read(s, back, V2));
  return scn_verdict(s, false, "TDISP: T=0 request to TEE MMIO of a locked TDI (%s)",
                     ot_tdisp_verdict_name(s->ep->ep_port.last_verdict));
}

ot_status scn_cve_2025_9612(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  OT_GUARD(baseline(s));
  ot_sim_match m = {.dir = OT_SIM_DOWNSTREAM, .nth = 1};
  OT_GUARD(ot_sim_tap_init(&s->attack, "fir", OT_SIM_TAP_REORDER, &m));
  OT_GUARD(scn_attack(s));
  scn_say(s,
          "guest writes '%.16s' then reads it; the interposer lets the read (non-posted) "
          "overtake the write (posted)",
          (const char *)V2);
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V2, 16));
  uint8_t back[16];
  /* Either no answer, or V2; V1 would be the stale data the CVE describes. */
  ot_status st = guest_read(s, back, V2);
  if (ot_ok(st)) return scn_fail(s, "the read was answered after overtaking the write");
  if (s->ep->ep_port.last_ide_error != OT_IDE_ERR_PR_SENT)
    return scn_fail(s, "expected a PR_Sent_Counter mismatch, got %s",
                    ot_ide_error_name(s->ep->ep_port.last_ide_error));
  OT_GUARD(expect_ide_failure(s, &s->ep->ep_port, "cve-2025-9612"));
  return scn_verdict(s, true, "IDE PR_Sent_Counter in the read's prefix (%s): no stale data",
                     ot_ide_error_name(s->ep->ep_port.last_ide_error));
}

/* One round of CVE-2025-9613: the first completion is held until its read
 * timed out, the guest changes the value, and the held completion is let go
 * just as the next read is waiting. Returns whether stale data was taken. */
static ot_status cpl_round(ot_sim_scn *s, bool unsafe, bool *stale) {
  ot_sim_match m = {.dir = OT_SIM_UPSTREAM, .nth = 1};
  OT_GUARD(ot_sim_tap_init(&s->attack, "cto", OT_SIM_TAP_REORDER, &m));
  OT_GUARD(scn_attack(s));
  s->ep->tag_reuse_unsafe = unsafe;
  uint8_t back[16];
  ot_status st = ot_sim_guest_mmio_read(&s->guest, OFF, back, 16);
  if (!ot_is(st, OT_E_TIMEOUT)) return scn_fail(s, "the held completion did not time out");
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V2, 16));
  if (!ot_sim_tap_release(&s->attack)) return scn_fail(s, "no completion was held");
  st = ot_sim_guest_mmio_read(&s->guest, OFF, back, 16);
  *stale = ot_ok(st) && memcmp(back, V1, 16) == 0;
  bool fresh = ot_ok(st) && memcmp(back, V2, 16) == 0;
  OT_GUARD(ot_sim_tap_destroy(&s->attack));
  s->attack_on = false;
  s->ep->tag_reuse_unsafe = false;
  if (!*stale && !fresh) return scn_fail(s, "second read: %s", ot_status_name(st));
  return OT_SUCCESS;
}

ot_status scn_cve_2025_9613(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  OT_GUARD(baseline(s));
  scn_say(s,
          "interposer holds the completion of a read until it times out (%llu ns), the guest "
          "writes '%.16s', and the held completion is released during the next read",
          (unsigned long long)OT_SIM_CPL_TIMEOUT_NS, (const char *)V2);
  bool stale;
  /* The flaw, modelled: a requester that reuses the timed-out tag at once. */
  OT_GUARD(cpl_round(s, true, &stale));
  scn_say(s, "flawed requester (timed-out tag reused): the next read %s",
          stale ? "took the STALE completion ('guest-secret-V1!') - the CVE" : "got fresh data");
  if (!stale) return scn_fail(s, "the flaw model did not reproduce the CVE");
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V1, 16));
  OT_GUARD(cpl_round(s, false, &stale));
  if (stale) {
    s->res->corrupted += 16;
    return scn_fail(s, "stale completion accepted with the mitigation on");
  }
  scn_say(s,
          "mitigated requester (timed-out tag retired): late completion discarded as "
          "Unexpected, the read got '%.16s'",
          (const char *)V2);
  return scn_verdict(s, false, "completion-timeout tag retirement at the root port");
}

ot_status scn_cve_2025_9614(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  OT_GUARD(baseline(s));
  ot_sim_match m = {.dir = OT_SIM_DOWNSTREAM, .nth = 1};
  OT_GUARD(ot_sim_tap_init(&s->attack, "stale", OT_SIM_TAP_REORDER, &m));
  OT_GUARD(scn_attack(s));
  scn_say(s, "interposer holds a write of '%.16s' (key set %u); the stream is re-keyed",
          (const char *)V2, s->ep->tdev.key_set);
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V2, 16));
  OT_GUARD(ot_sim_ide_rekey(s->ep));
  scn_say(s, "re-keyed: both ends now use key set %u, key set %u stopped everywhere",
          s->ep->tdev.key_set, s->ep->tdev.key_set ^ 1u);
  /* The next write passes under the new keys; the held one follows it. */
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, OFF, V3, 16));
  OT_GUARD(ot_sim_world_run(s->w));
  if (s->attack.stats.released != 1) return scn_fail(s, "the held write was not released");
  if (!mem_is(s, V3)) return scn_fail(s, "device memory is not the write made under the new keys");
  scn_say(s, "device memory holds '%.16s' (the write under the new key set)", (const char *)V3);
  if (s->ep->ep_port.last_ide_error != OT_IDE_ERR_KEY_SET)
    return scn_fail(s, "expected a key set refusal, got %s",
                    ot_ide_error_name(s->ep->ep_port.last_ide_error));
  OT_GUARD(expect_ide_failure(s, &s->ep->ep_port, "cve-2025-9614"));
  return scn_verdict(s, true, "old key set stopped after re-key (%s): the stale TLP is refused",
                     ot_ide_error_name(s->ep->ep_port.last_ide_error));
}
