/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guided tour of `opentsm demo` (opentsm/sim_scenario.h): every step the
 * TSM, the device and the guest take, told as it happens, on the platform's
 * first endpoint, and an interposer attack at the end that must fail.
 */
#include <string.h>

#include "scenario_internal.h"

static void say_hex(ot_sim_scn *s, const char *what, const uint8_t *p, size_t n) {
  char hex[2 * 16 + 4];
  size_t k = n > 16 ? 16 : n;
  for (size_t i = 0; i < k; i++)
    snprintf(hex + 2 * i, 3, "%02x", p[i]);
  if (n > k) memcpy(hex + 2 * k, "...", 4);
  scn_say(s, "%s%s", what, hex);
}

ot_status scn_demo(ot_sim_scn *s) {
  OT_GUARD(scn_world(s, NULL));
  ot_sim_endpoint *ep = s->ep;
  scn_say(s, "[1] connect: the TSM talks SPDM to %s through the host's DOE relay", ep->name);
  OT_GUARD(scn_running(s));
  ot_tsm_evidence *ev = s->guest.ev;
  scn_say(s, "    SPDM %u.%u, %zu objects relayed by the host, none readable past KEY_EXCHANGE",
          ev->spdm_version >> 4, ev->spdm_version & 0xF, (size_t)ep->relay.stats.exchanges);
  scn_say(s, "[2] attest: the guest's own nonce, signed measurements, chain to the vendor root");
  const ot_tsm_policy_device *pd = ep->tdev.pol;
  for (size_t i = 0; pd != NULL && i < pd->meas_count; i++) {
    const uint8_t *v;
    size_t n;
    OT_GUARD(ot_tsm_evidence_measurement(ev, pd->meas[i].index, &v, &n));
    char what[64];
    snprintf(what, sizeof what, "    measurement %u = reference: ", pd->meas[i].index);
    say_hex(s, what, v, n);
  }
  scn_say(s, "[3] bind: TDI %05x CONFIG_LOCKED then RUN, bound to IDE stream %u",
          ep->tdi_desc[0].function_id, ot_sim_stream_id(ep));
  scn_say(s, "[4] secure MMIO and DMA (T=1 TLPs, IDE-protected on link '%s')",
          ep->node->uplink->name);
  static const uint8_t msg[32] = "confidential data from the TVM.";
  uint8_t back[32];
  OT_GUARD(ot_sim_guest_mmio_write(&s->guest, 0x100, msg, sizeof msg));
  OT_GUARD(ot_sim_guest_mmio_read(&s->guest, 0x100, back, sizeof back));
  if (memcmp(back, msg, sizeof msg) != 0) return scn_fail(s, "MMIO read-back differs");
  scn_say(s, "    guest wrote and read back %zu bytes of its MMIO", sizeof msg);
  static const uint8_t dma[32] = "device result, DMA'd to the TVM";
  OT_GUARD(ot_sim_device_dma_write(ep, 0, 0x200, dma, sizeof dma));
  if (memcmp(s->w->guest_mem + 0x200, dma, sizeof dma) != 0)
    return scn_fail(s, "DMA did not reach guest memory");
  scn_say(s, "    device DMA'd %zu bytes into guest memory; the root port checked them",
          sizeof dma);
  bool clear = ot_sim_capture_find(&s->observe.capture, msg, 16, NULL, NULL) ||
               ot_sim_capture_find(&s->observe.capture, dma, 16, NULL, NULL);
  scn_say(s, "    %zu bytes crossed the link; plaintext found in them: %s", s->observe.capture.len,
          clear ? "YES" : "none");
  if (clear) return scn_fail(s, "plaintext on the link");
  scn_say(s, "[5] attack: an interposer on link '%s' tampers with the guest's next write",
          ep->node->uplink->name);
  return scn_demo_attack(s);
}
