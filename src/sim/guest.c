/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A confidential guest (opentsm/sim_world.h): it trusts neither the host nor
 * the TSM's word about the device. It asks for evidence with its own nonce,
 * verifies the chain and the signed measurements itself, compares them with
 * the references it was given, and only then starts the TDI and uses it: T=1
 * MMIO through the IDE stream, and DMA into its memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/sim_world.h"

ot_status ot_sim_guest_init(ot_sim_guest *g, ot_sim_world *w, ot_sim_endpoint *ep, size_t tdi_index,
                            const char *name) {
  OT_ENSURE(g != NULL && w != NULL && ep != NULL && name != NULL, OT_E_ARG);
  OT_ENSURE(tdi_index < ep->tdi_count && strlen(name) < OT_TSM_NAME_MAX, OT_E_ARG);
  memset(g, 0, sizeof(*g));
  g->ev = calloc(1, sizeof(*g->ev));
  OT_ENSURE(g->ev != NULL, OT_E_NOMEM);
  memcpy(g->name, name, strlen(name) + 1);
  g->w = w;
  g->ep = ep;
  g->tdi_index = tdi_index;
  g->tdi = &ep->ttdi[tdi_index];
  g->mmio_base = ep->tdi_desc[tdi_index].mmio[0].first_page;
  uint8_t e[48];
  memset(e, 0x6A, sizeof e);
  for (size_t i = 0; i < 8; i++)
    e[i] = (uint8_t)(w->seed >> (8 * i));
  e[8] = (uint8_t)ep->index;
  e[9] = (uint8_t)tdi_index;
  ot_status st =
      ot_drbg_instantiate(&g->drbg, e, 32, e + 32, 16, (const uint8_t *)name, strlen(name));
  ot_zeroize(e, sizeof e);
  if (!ot_ok(st)) {
    free(g->ev);
    g->ev = NULL;
  }
  return st;
}

void ot_sim_guest_free(ot_sim_guest *g) {
  if (g == NULL) return;
  free(g->ev);
  ot_drbg_uninstantiate(&g->drbg);
  memset(g, 0, sizeof(*g));
}

static void refuse(ot_sim_guest *g, ot_tsm_reason r, ot_status st, const char *detail) {
  g->why.reason = r;
  g->why.status = st;
  snprintf(g->why.detail, sizeof g->why.detail, "%s", detail);
}

/* The guest's own appraisal: its nonce, the policy's anchors and references. */
static ot_status appraise(ot_sim_guest *g) {
  uint8_t nonce[OT_SPDM_NONCE_SIZE];
  OT_GUARD(ot_drbg_generate(&g->drbg, nonce, sizeof nonce, NULL, 0));
  ot_sim_world *w = g->w;
  OT_GUARD(ot_tsm_guest_request(&w->tsm, g->name, g->tdi, nonce, g->ev, &g->why));
  OT_GUARD(ot_tsm_evidence_verify(g->ev, w->policy.anchors, w->policy.anchor_count,
                                  OT_SIM_WORLD_NOW, nonce, &g->why));
  /* PCIe r6.0 §11.2: an interface in ERROR is not usable; say so first. */
  if (g->ev->tdi_state == OT_TDISP_STATE_ERROR) {
    refuse(g, OT_TSM_R_TDISP, ot_status_of(OT_E_STATE), "the interface is in ERROR");
    return ot_status_of(OT_E_STATE);
  }
  const ot_tsm_policy_device *pd = g->tdi->dev->pol;
  OT_ENSURE(pd != NULL, OT_E_STATE);
  for (size_t i = 0; i < pd->meas_count; i++) {
    const uint8_t *v;
    size_t n;
    ot_status st = ot_tsm_evidence_measurement(g->ev, pd->meas[i].index, &v, &n);
    if (!ot_ok(st)) {
      refuse(g, OT_TSM_R_MEAS_MISSING, st, "a reference measurement is missing");
      return st;
    }
    if (n != pd->meas[i].len || !ot_ct_equal(v, pd->meas[i].value, n)) {
      refuse(g, OT_TSM_R_MEAS_MISMATCH, ot_status_of(OT_E_POLICY),
             "a measurement differs from its reference");
      return ot_status_of(OT_E_POLICY);
    }
  }
  /* PCIe r6.0 §11.3.11: the report names the function the guest was given. */
  if (!g->ev->has_report || g->ev->function_id != g->ep->tdi_desc[g->tdi_index].function_id) {
    refuse(g, OT_TSM_R_REPORT, ot_status_of(OT_E_VERIFY),
           "interface report is for another function");
    return ot_status_of(OT_E_VERIFY);
  }
  return OT_SUCCESS;
}

ot_status ot_sim_guest_accept(ot_sim_guest *g) {
  OT_ENSURE(g != NULL && g->ev != NULL, OT_E_ARG);
  ot_sim_world *w = g->w;
  memset(&g->why, 0, sizeof g->why);
  g->accepted = false;
  OT_GUARD(ot_tsm_bind(&w->tsm, g->tdi, g->name, g->ev, &g->why));
  ot_status st = appraise(g);
  if (ot_ok(st)) st = ot_tsm_start(&w->tsm, g->tdi, g->name, &g->why);
  if (!ot_ok(st)) {
    OT_IGNORE(ot_tsm_unbind(&w->tsm, g->tdi));
    return st;
  }
  g->accepted = true;
  return OT_SUCCESS;
}

ot_status ot_sim_guest_recheck(ot_sim_guest *g) {
  OT_ENSURE(g != NULL && g->accepted, OT_E_STATE);
  OT_GUARD(appraise(g));
  if (g->ev->tdi_state != OT_TDISP_STATE_RUN) {
    refuse(g, OT_TSM_R_TDISP, ot_status_of(OT_E_STATE), "the interface is no longer in RUN");
    g->accepted = false;
    return ot_status_of(OT_E_STATE);
  }
  return OT_SUCCESS;
}

static ot_status mem_request(ot_sim_guest *g, ot_tlp_kind kind, uint32_t off, const uint8_t *data,
                             size_t n, uint16_t tag) {
  OT_ENSURE(n > 0 && n % 4 == 0 && off % 4 == 0 && off + n <= OT_SIM_DEV_MEM, OT_E_ARG);
  ot_tlp t = {.hdr = {.kind = kind,
                      .addr64 = g->mmio_base + off > UINT32_MAX,
                      .length = (uint16_t)(n / 4),
                      .requester_id = 0x0000, /* the host bridge on the guest's behalf */
                      .tag = tag,
                      .first_be = 0xF,
                      .last_be = n > 4 ? 0xF : 0,
                      .address = g->mmio_base + off}};
  if (kind == OT_TLP_MWR) {
    t.payload = data;
    t.payload_len = n;
  }
  return ot_sim_dp_send(g->ep, OT_SIM_DOWNSTREAM, &t, true);
}

ot_status ot_sim_guest_mmio_write(ot_sim_guest *g, uint32_t off, const uint8_t *data, size_t n) {
  OT_ENSURE(g != NULL && g->accepted, OT_E_STATE);
  OT_GUARD(mem_request(g, OT_TLP_MWR, off, data, n, 0));
  return ot_sim_world_run(g->w);
}

/* A free tag: never one that timed out while its completion may still come. */
static ot_status alloc_tag(ot_sim_endpoint *ep, uint16_t *tag) {
  for (uint16_t i = 0; i < OT_SIM_TAGS; i++) {
    uint16_t t = (uint16_t)((ep->next_tag + i) % OT_SIM_TAGS);
    /* The flawed requester hands out the tag that just timed out again. */
    if (ep->tag_reuse_unsafe && ep->last_timeout_valid) t = ep->last_timeout_tag;
    if (ep->reads[t].active || (ep->tag_retired[t] && !ep->tag_reuse_unsafe)) continue;
    ep->last_timeout_valid = false;
    ep->next_tag = (uint16_t)((t + 1) % OT_SIM_TAGS);
    *tag = t;
    return OT_SUCCESS;
  }
  return ot_status_of(OT_E_BUSY);
}

ot_status ot_sim_guest_mmio_read(ot_sim_guest *g, uint32_t off, uint8_t *out, size_t n) {
  OT_ENSURE(g != NULL && g->accepted, OT_E_STATE);
  ot_sim_endpoint *ep = g->ep;
  uint16_t tag;
  OT_GUARD(alloc_tag(ep, &tag));
  ot_sim_pending_read *r = &ep->reads[tag];
  *r =
      (ot_sim_pending_read){.active = true, .len = n, .issued_ns = ot_sim_loop_now(&g->w->p->loop)};
  ot_status st = mem_request(g, OT_TLP_MRD, off, NULL, n, tag);
  if (ot_ok(st))
    st = ot_sim_loop_run_until(&g->w->p->loop, r->issued_ns + OT_SIM_CPL_TIMEOUT_NS, 0, NULL);
  if (ot_ok(st) && !r->done) {
    /* PCIe r6.0 §2.8 Completion Timeout: the request failed. The tag is
     * retired: a late or forged completion can never answer a later read. */
    r->timed_out = true;
    ep->tag_retired[tag] = true;
    ep->last_timeout_tag = tag;
    ep->last_timeout_valid = true;
    st = ot_status_of(OT_E_TIMEOUT);
  }
  if (ot_ok(st)) memcpy(out, r->data, n);
  r->active = false;
  return st;
}

ot_status ot_sim_device_dma_write(ot_sim_endpoint *ep, size_t tdi_index, uint32_t off,
                                  const uint8_t *data, size_t n) {
  OT_ENSURE(ep != NULL && tdi_index < ep->tdi_count, OT_E_ARG);
  OT_ENSURE(n > 0 && n % 4 == 0 && off % 4 == 0 && off + n <= OT_SIM_GUEST_MEM, OT_E_ARG);
  /* PCIe r6.0 §11.2: a TDI issues T=1 DMA only in RUN on its Secure stream. */
  ot_tdisp_tlp q = {.dir = OT_TDISP_TLP_FROM_TDI,
                    .t_bit = true,
                    .on_stream = true,
                    .stream_id = ot_sim_stream_id(ep)};
  OT_ENSURE(ot_tdisp_tlp_check(ep->dev_tdi[tdi_index], &q) == OT_TDISP_ACCEPT, OT_E_POLICY);
  ot_tlp t = {.hdr = {.kind = OT_TLP_MWR,
                      .addr64 = OT_SIM_GUEST_MEM_BASE + off > UINT32_MAX,
                      .length = (uint16_t)(n / 4),
                      .requester_id = (uint16_t)ep->tdi_desc[tdi_index].function_id,
                      .first_be = 0xF,
                      .last_be = n > 4 ? 0xF : 0,
                      .address = OT_SIM_GUEST_MEM_BASE + off},
              .payload = data,
              .payload_len = n};
  OT_GUARD(ot_sim_dp_send(ep, OT_SIM_UPSTREAM, &t, true));
  return ot_sim_world_run(ep->w);
}
