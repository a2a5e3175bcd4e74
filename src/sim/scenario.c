/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The scenario runner (opentsm/sim_scenario.h): a fresh world per scenario,
 * an observer on the target's link from the start, the verdict, and the
 * key-exposure audit over every link capture and every host relay log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/secure.h"
#include "scenario_internal.h"

static const ot_sim_scenario scenarios[] = {
    {"eavesdrop", "an interposer records the link before and after IDE",
     "IDE encrypts every TLP: the known payload is on the wire only before", scn_eavesdrop},
    {"tamper-header", "an interposer flips a bit of a TLP header (the address)",
     "IDE MAC covers the header: the device refuses the TLP, the stream fails", scn_tamper_header},
    {"tamper-payload", "an interposer flips a bit of the encrypted payload",
     "IDE MAC: refused, nothing written", scn_tamper_payload},
    {"tamper-mac", "an interposer flips a bit of the MAC", "IDE MAC: refused", scn_tamper_mac},
    {"replay", "an interposer sends a copy of a write again",
     "IDE's implicit counter: the copy's MAC fails", scn_replay},
    {"drop", "an interposer drops a write", "IDE's counter: the next TLP's MAC fails", scn_drop},
    {"reorder", "an interposer swaps two writes", "IDE's counter: the first to arrive fails",
     scn_reorder},
    {"inject", "an interposer forges a T=0 write into the TDI's MMIO",
     "TDISP: T=0 access to TEE memory of a locked TDI is refused", scn_inject},
    {"cve-2025-9612", "a read overtakes the write before it (forbidden IDE reordering)",
     "PR_Sent_Counter in the read's IDE prefix: the read is refused", scn_cve_2025_9612},
    {"cve-2025-9613", "a held completion answers a later read after a completion timeout",
     "the timed-out tag is retired: the late completion is unexpected", scn_cve_2025_9613},
    {"cve-2025-9614", "a TLP held across a re-key is released under the old key set",
     "the old key set is stopped at every end after the switch", scn_cve_2025_9614},
    {"spoof-chain", "a device presents a certificate chain no vendor root signed",
     "connect refused: chain not trusted", scn_spoof_chain},
    {"spoof-measurements", "a device runs firmware other than the reference",
     "connect refused: measurement mismatch", scn_spoof_measurements},
    {"relay-tamper", "the host alters a secured DOE object it relays",
     "SPDM secured message AEAD: session failure, nothing accepted", scn_relay_tamper},
    {"relay-replay", "the host answers a request with an earlier response",
     "SPDM sequence numbers and transcript: detected, nothing accepted", scn_relay_replay},
    {"locked-config-write", "the host rewrites a locked TDI's configuration",
     "TDISP config guard: TDI ERROR; the guest refuses it", scn_locked_config_write},
};

const ot_sim_scenario *ot_sim_scenarios(size_t *count) {
  *count = sizeof scenarios / sizeof scenarios[0];
  return scenarios;
}

const ot_sim_scenario *ot_sim_scenario_find(const char *name) {
  for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
    if (strcmp(scenarios[i].name, name) == 0) return &scenarios[i];
  return NULL;
}

void scn_say(ot_sim_scn *s, const char *fmt, ...) {
  if (s->opts.narrate == NULL) return;
  va_list ap;
  va_start(ap, fmt);
  fputs("  ", s->opts.narrate);
  vfprintf(s->opts.narrate, fmt, ap);
  fputc('\n', s->opts.narrate);
  va_end(ap);
}

ot_status scn_verdict(ot_sim_scn *s, bool detected, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->res->by, sizeof s->res->by, fmt, ap);
  va_end(ap);
  s->res->detected = detected;
  s->res->passed = true;
  scn_say(s, "=> %s by %s", detected ? "DETECTED" : "PREVENTED", s->res->by);
  return OT_SUCCESS;
}

ot_status scn_fail(ot_sim_scn *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->res->failure, sizeof s->res->failure, fmt, ap);
  va_end(ap);
  s->res->passed = false;
  scn_say(s, "=> FAILED: %s", s->res->failure);
  return ot_status_of(OT_E_FAILED);
}

/* The audit's hook: keep a copy of every secret as it is derived. */
static void keep_secret(void *ctx, const char *what, const uint8_t *p, size_t n) {
  (void)what;
  ot_sim_scn *s = ctx;
  bool zero = true;
  for (size_t i = 0; i < n; i++)
    zero = zero && p[i] == 0;
  if (zero || n < 16 || s->secret_count >= SCN_SECRETS_MAX) return;
  if (n > SCN_SECRET_BYTES) n = SCN_SECRET_BYTES;
  for (size_t i = 0; i < s->secret_count; i++)
    if (s->secret_len[i] == n && memcmp(s->secret[i], p, n) == 0) return;
  memcpy(s->secret[s->secret_count], p, n);
  s->secret_len[s->secret_count++] = n;
}

ot_status scn_world(ot_sim_scn *s, const ot_sim_world_opts *wo) {
  ot_sim_world_opts o;
  if (wo != NULL)
    o = *wo;
  else
    ot_sim_world_opts_default(&o);
  o.seed = s->opts.seed;
  o.on_secret = keep_secret;
  o.on_secret_ctx = s;
  OT_GUARD(ot_sim_world_create(s->topo, &o, &s->w));
  OT_ENSURE(s->w->ep_count > 0, OT_E_NOT_FOUND);
  s->ep = s->w->eps[0];
  OT_ENSURE(s->ep->node->uplink != NULL && s->ep->tdi_count > 0, OT_E_NOT_FOUND);
  /* Every byte on the target's link, as the interposer sees it. */
  ot_sim_match any = {.any_dir = true};
  OT_GUARD(ot_sim_tap_init(&s->observe, "observer", OT_SIM_TAP_OBSERVE, &any));
  OT_GUARD(ot_sim_tap_attach(&s->observe, s->ep->node->uplink));
  s->observe_on = true;
  if (s->opts.tlp_pcap != NULL) {
    OT_GUARD(ot_sim_tap_init(&s->record, "recorder", OT_SIM_TAP_RECORD, &any));
    OT_GUARD(ot_sim_tap_set_record(&s->record, s->opts.tlp_pcap));
    OT_GUARD(ot_sim_tap_attach(&s->record, s->ep->node->uplink));
    s->record_on = true;
  }
  if (s->opts.doe_pcap != NULL) OT_GUARD(ot_sim_relay_record(&s->ep->relay, s->opts.doe_pcap));
  scn_say(s, "platform up: %zu endpoint(s); target %s (RID %04x), link '%s'", s->w->ep_count,
          s->ep->name, s->ep->rid, s->ep->node->uplink->name);
  return OT_SUCCESS;
}

ot_status scn_running(ot_sim_scn *s) {
  ot_tsm_refusal why;
  ot_status st = ot_tsm_connect(&s->w->tsm, &s->ep->tdev, &why);
  if (!ot_ok(st)) {
    scn_say(s, "connect %s refused: %s (%s)", s->ep->name, ot_tsm_reason_name(why.reason),
            why.detail);
    return st;
  }
  scn_say(s, "TSM connected %s: chain trusted, measurements match, SPDM session open", s->ep->name);
  char gname[OT_TSM_NAME_MAX];
  ot_sim_world_guest_name(0, gname);
  OT_GUARD(ot_sim_guest_init(&s->guest, s->w, s->ep, 0, gname));
  s->guest_ready = true;
  st = ot_sim_guest_accept(&s->guest);
  if (!ot_ok(st)) {
    scn_say(s, "%s refused the TDI: %s (%s)", gname, ot_tsm_reason_name(s->guest.why.reason),
            s->guest.why.detail);
    return st;
  }
  scn_say(s, "%s verified the evidence itself and started TDI %05x (RUN)", gname,
          s->ep->tdi_desc[0].function_id);
  return OT_SUCCESS;
}

ot_status scn_attack(ot_sim_scn *s) {
  OT_GUARD(ot_sim_tap_attach(&s->attack, s->ep->node->uplink));
  s->attack_on = true;
  return OT_SUCCESS;
}

/* The audit: every secret against every link capture and relay log. */
static ot_status audit(ot_sim_scn *s) {
  ot_sim_world_secrets(s->w, keep_secret, s);
  ot_sim_audit a;
  ot_sim_audit_init(&a);
  OT_GUARD(ot_sim_audit_add(&a, "target link", &s->observe.capture));
  size_t bytes = s->observe.capture.len;
  for (size_t i = 0; i < s->w->ep_count; i++) {
    OT_GUARD(ot_sim_audit_add(&a, s->w->eps[i]->name, &s->w->eps[i]->relay.log));
    bytes += s->w->eps[i]->relay.log.len;
  }
  size_t found = 0;
  for (size_t i = 0; i < s->secret_count; i++) {
    ot_sim_exposure hit;
    /* The whole secret, and its halves on their own. */
    size_t n = s->secret_len[i], h = n / 2;
    if (ot_sim_audit_scan(&a, s->secret[i], n, &hit) ||
        ot_sim_audit_scan(&a, s->secret[i], h, &hit) ||
        ot_sim_audit_scan(&a, s->secret[i] + h, n - h, &hit)) {
      found++;
      scn_say(s, "AUDIT: secret %zu found in %s record %zu", i, hit.where, hit.record);
    }
  }
  s->res->secrets = s->secret_count;
  s->res->exposed = found;
  s->res->bytes_scanned = bytes;
  scn_say(s,
          "key-exposure audit: %zu secrets searched in %zu bytes (link + host relays): %zu found",
          s->secret_count, bytes, found);
  return OT_SUCCESS;
}

static void scn_cleanup(ot_sim_scn *s) {
  if (s->attack_on) OT_IGNORE(ot_sim_tap_destroy(&s->attack));
  if (s->record_on) OT_IGNORE(ot_sim_tap_destroy(&s->record));
  if (s->observe_on) OT_IGNORE(ot_sim_tap_destroy(&s->observe));
  if (s->guest_ready) ot_sim_guest_free(&s->guest);
  ot_sim_world_destroy(s->w);
  if (s->secret != NULL) ot_zeroize(s->secret, SCN_SECRETS_MAX * SCN_SECRET_BYTES);
  free(s->secret);
  free(s->secret_len);
}

ot_status ot_sim_demo_run(const ot_sim_topology *t, const ot_sim_scn_opts *o,
                          ot_sim_scn_result *res) {
  static const ot_sim_scenario demo = {"demo", "the guided tour", "", scn_demo};
  return ot_sim_scenario_run(&demo, t, o, res);
}

ot_status ot_sim_scenario_run(const ot_sim_scenario *sc, const ot_sim_topology *t,
                              const ot_sim_scn_opts *o, ot_sim_scn_result *res) {
  OT_ENSURE(sc != NULL && t != NULL && o != NULL && res != NULL, OT_E_ARG);
  memset(res, 0, sizeof(*res));
  ot_sim_scn *s = calloc(1, sizeof(*s));
  OT_ENSURE(s != NULL, OT_E_NOMEM);
  s->topo = t;
  s->opts = *o;
  s->res = res;
  s->secret = calloc(SCN_SECRETS_MAX, SCN_SECRET_BYTES);
  s->secret_len = calloc(SCN_SECRETS_MAX, sizeof(size_t));
  ot_status st = s->secret && s->secret_len ? OT_SUCCESS : ot_status_of(OT_E_NOMEM);
  if (ot_ok(st)) {
    ot_status run = sc->run(s);
    if (s->w != NULL) st = audit(s);
    if (!ot_ok(run) && res->failure[0] == '\0') {
      res->passed = false;
      snprintf(res->failure, sizeof res->failure, "scenario could not run: %s",
               ot_status_name(run));
    }
    if (res->corrupted != 0 || res->exposed != 0) res->passed = false;
    if (res->exposed != 0)
      snprintf(res->failure, sizeof res->failure, "%zu secrets exposed", res->exposed);
    if (res->corrupted != 0)
      snprintf(res->failure, sizeof res->failure, "%llu corrupted bytes delivered",
               (unsigned long long)res->corrupted);
  }
  scn_cleanup(s);
  free(s);
  return st;
}
