/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The secure platform (opentsm/sim_world.h): every endpoint of the topology
 * becomes a DSM-backed device behind its DOE mailbox, the host boots and
 * relays, the TSM connects through the relays with a policy made for the
 * platform (or loaded), and each endpoint's link carries IDE-protected TLPs.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/log.h"
#include "opentsm/secure.h"
#include "opentsm/sim_world.h"
#include "world_internal.h"

#define WORLD_DAY ((time_t)86400)

void ot_sim_world_opts_default(ot_sim_world_opts *o) {
  memset(o, 0, sizeof(*o));
  o->seed = 2026;
  o->spoof_chain_ep = SIZE_MAX;
  o->spoof_meas_ep = SIZE_MAX;
}

void ot_sim_world_guest_name(size_t ep_index, char out[static OT_TSM_NAME_MAX]) {
  snprintf(out, OT_TSM_NAME_MAX, "guest-%zu", ep_index);
}

static void world_secret(ot_sim_world *w, const char *what, const uint8_t *p, size_t n) {
  if (w->on_secret != NULL) w->on_secret(w->on_secret_ctx, what, p, n);
}

/* A DRBG whose whole seed is derived from (seed, label, index): the same
 * seed gives the same platform, byte for byte. */
static ot_status seed_drbg(ot_drbg *d, uint64_t seed, uint8_t label, size_t index) {
  uint8_t e[48] = {0};
  for (size_t i = 0; i < 8; i++)
    e[i] = (uint8_t)(seed >> (8 * i));
  e[8] = label;
  e[9] = (uint8_t)index;
  static const char pers[] = "opentsm sim world";
  ot_status st = ot_drbg_instantiate(d, e, 32, e + 32, 16, (const uint8_t *)pers, sizeof pers - 1);
  ot_zeroize(e, sizeof e);
  return st;
}

static ot_curve curve_of(ot_sim_key_alg a) {
  return a == OT_SIM_ALG_ECDSA_P256 ? OT_CURVE_P256 : OT_CURVE_P384;
}

/* DSP0274 1.3 Table 54: DMTFSpecMeasurementValueType is the profile's type. */
static ot_status add_profile_meas(ot_sim_endpoint *ep, const ot_sim_node_desc *nd, bool spoof) {
  for (size_t i = 0; i < nd->measurement_count; i++) {
    const ot_sim_measurement_desc *md = &nd->measurements[i];
    ot_spdm_id_meas m = {.index = md->index,
                         .value_type = (uint8_t)md->type,
                         .raw = true,
                         .tcb = md->type == OT_SIM_MEAS_IMMUTABLE_ROM ||
                                md->type == OT_SIM_MEAS_MUTABLE_FIRMWARE,
                         .len = (uint16_t)md->value_len};
    OT_ENSURE(md->value_len <= sizeof m.content, OT_E_TOO_LARGE);
    memcpy(m.content, md->value, md->value_len);
    /* A device running other firmware than the one its vendor published. */
    if (spoof && md->type == OT_SIM_MEAS_MUTABLE_FIRMWARE) m.content[0] ^= 0x01;
    OT_GUARD(ot_spdm_identity_add_meas(&ep->id, &m));
  }
  return OT_SUCCESS;
}

static ot_status install_guard(void *ctx) {
  ot_sim_endpoint *ep = ctx;
  size_t t = ep->guard_pending;
  return ot_tdisp_guard_install(&ep->guards[t], ep->dev_tdi[t]);
}

/* The endpoint's TDIs: function ids and MMIO ranges from the host's view of its BARs. */
static ot_status add_tdis(ot_sim_world *w, ot_sim_endpoint *ep, int bus) {
  const ot_sim_node_desc *nd = ep->node->desc;
  for (size_t t = 0; t < nd->tdi_count && t < OT_SIM_MAX_TDIS; t++) {
    const ot_sim_tdi_desc *td = &nd->tdis[t];
    int fi = ot_sim_enum_find(&w->host->topo, (uint8_t)bus, td->devfn);
    OT_ENSURE(fi >= 0, OT_E_NOT_FOUND);
    const ot_sim_enum_fn *ef = &w->host->topo.fns[fi];
    uint32_t n = 0;
    for (uint8_t b = 0; b < OT_SIM_MAX_BARS; b++) {
      if (!(td->bar_mask & (1u << b)) || ef->bar_size[b] == 0) continue;
      /* PCIe r6.0 §11.3.11: ranges in 4 KiB pages, in report order. */
      ep->ranges[t][n++] = (ot_tdisp_mmio_range){.first_page = ef->bar_addr[b],
                                                 .num_pages = (uint32_t)(ef->bar_size[b] / 4096u),
                                                 .attributes = 0,
                                                 .range_id = b};
    }
    OT_ENSURE(n > 0, OT_E_MALFORMED);
    uint32_t fid = ((uint32_t)bus << 8) | td->devfn; /* FUNCTION_ID: the RID, segment 0 */
    ot_sim_function *fn = NULL;
    for (size_t f = 0; f < ep->node->function_count; f++)
      if (ep->node->functions[f]->desc->devfn == td->devfn) fn = ep->node->functions[f];
    ot_cfg_space *cfg = fn != NULL ? &fn->cfg : NULL;
    ep->tdi_desc[t] = (ot_tdisp_tdi_desc){.function_id = fid,
                                          .interface_info = OT_TDISP_IFINFO_DMA_NO_PASID,
                                          .mmio = ep->ranges[t],
                                          .mmio_count = n,
                                          .cfg = cfg};
    OT_GUARD(ot_sim_dsm_add_tdi(&ep->dsm, &ep->tdi_desc[t], &ep->dev_tdi[t]));
    if (fn != NULL) {
      ep->guard_pending = t;
      OT_GUARD(ot_sim_function_watch_bars(fn, install_guard, ep));
    }
    ep->ttdi_desc[t] = (ot_tsm_tdi_desc){.function_id = fid,
                                         .mmio = ep->ranges[t],
                                         .mmio_count = n,
                                         .default_stream_id = 0}; /* connect's stream */
    ep->tdi_count++;
  }
  return OT_SUCCESS;
}

static ot_sim_function *doe_function(ot_sim_node *n) {
  for (size_t i = 0; i < n->function_count; i++)
    if (n->functions[i]->has_doe) return n->functions[i];
  return NULL;
}

static ot_status make_hierarchy(ot_sim_endpoint *ep, ot_spdm_hierarchy *h) {
  char info[64];
  snprintf(info, sizeof info, "opentsm:sim:%s", ep->name);
  return ot_spdm_hierarchy_generate(h, curve_of(ep->node->desc->identity.algorithm), &ep->drbg.rng,
                                    OT_SIM_WORLD_NOW - WORLD_DAY,
                                    OT_SIM_WORLD_NOW + 3650 * WORLD_DAY, info);
}

/* The hierarchy's root as the vendor publishes it: the first certificate of the chain. */
static ot_status keep_root(ot_sim_endpoint *ep, const ot_spdm_hierarchy *h) {
  ot_spdm_identity *id = calloc(1, sizeof(*id));
  OT_ENSURE(id != NULL, OT_E_NOMEM);
  ot_spdm_identity_init(id);
  ot_x509_cert root;
  ot_status st = ot_spdm_identity_install(id, 0, 0, 1, h);
  if (ot_ok(st)) st = ot_spdm_identity_root(id, 0, &root);
  if (ot_ok(st) && root.len > sizeof ep->vendor_root) st = ot_status_of(OT_E_TOO_LARGE);
  if (ot_ok(st)) {
    memcpy(ep->vendor_root, root.der, root.len);
    ep->vendor_root_len = root.len;
  }
  ot_spdm_identity_clear(id);
  free(id);
  return st;
}

/* The device: identity, measurements, DSM, TDIs, its protocols on the mailbox. */
static ot_status build_device(ot_sim_world *w, ot_sim_endpoint *ep, const ot_sim_world_opts *o) {
  const ot_sim_node_desc *nd = ep->node->desc;
  OT_ENSURE(nd->identity.chain != OT_SIM_SOURCE_FILE && nd->identity.key != OT_SIM_SOURCE_FILE,
            OT_E_UNSUPPORTED);
  OT_ENSURE(nd->identity.algorithm != OT_SIM_ALG_ED25519, OT_E_UNSUPPORTED);
  OT_GUARD(seed_drbg(&ep->drbg, w->seed, 'D', ep->index));
  OT_GUARD(make_hierarchy(ep, &ep->h));
  OT_GUARD(keep_root(ep, &ep->h));
  if (o->spoof_chain_ep == ep->index) {
    /* An impostor: a well-formed chain under a root no vendor published. */
    ot_spdm_hierarchy_clear(&ep->h);
    OT_GUARD(make_hierarchy(ep, &ep->h));
  }
  ot_spdm_identity_init(&ep->id);
  OT_GUARD(ot_spdm_identity_install(&ep->id, 0, 0, 1, &ep->h));
  size_t ks = ot_curve_size(ep->id.keys[0].curve);
  world_secret(w, "device private key", ep->id.keys[0].priv, ks);
  world_secret(w, "device root private key", ep->h.root_priv, ks);
  world_secret(w, "device intermediate private key", ep->h.inter_priv, ks);
  OT_GUARD(add_profile_meas(ep, nd, o->spoof_meas_ep == ep->index));
  ep->doe_fn = doe_function(ep->node);
  OT_ENSURE(ep->doe_fn != NULL, OT_E_NOT_FOUND);
  return OT_SUCCESS;
}

/* The IDE capability a port's profile describes (SPEC-FACTS §5.1). */
static ot_ide_regs_caps ide_caps_of(const ot_sim_ide_desc *d) {
  if (!d->present) return (ot_ide_regs_caps){.sel_streams = 1, .ide_km = true};
  return (ot_ide_regs_caps){.link_tcs = d->link_tcs,
                            .sel_streams =
                                (uint8_t)(d->selective_streams > 255 ? 255 : d->selective_streams),
                            .addr_blocks = d->addr_assoc_blocks,
                            .aggregation = d->aggregation,
                            .pcrc = d->pcrc,
                            .ide_km = d->ide_km,
                            .flow_through = d->flow_through,
                            .sel_cfg = d->sel_cfg,
                            .tee_limited = d->tee_limited};
}

/* A port's IDE side (w->rps), its IDE capability set up on first use. */
static ot_status ide_port(ot_sim_world *w, ot_sim_node *n, ot_sim_rp **out) {
  OT_ENSURE(n != NULL && n->function_count > 0, OT_E_NOT_FOUND);
  for (size_t i = 0; i < w->rp_count; i++)
    if (w->rps[i].node == n) {
      *out = &w->rps[i];
      return OT_SUCCESS;
    }
  OT_ENSURE(w->rp_count < OT_SIM_WORLD_MAX_RPS, OT_E_NO_SPACE);
  ot_sim_rp *rp = &w->rps[w->rp_count++];
  rp->node = n;
  ot_ide_regs_caps caps = ide_caps_of(&n->desc->ide);
  if (caps.sel_streams == 0) caps.sel_streams = 1;
  OT_GUARD(ot_sim_rig_port_init(&rp->port, &n->functions[0]->cfg, &caps));
  int bus = ot_sim_node_bus(w->p, n);
  OT_ENSURE(bus >= 0, OT_E_STATE);
  uint8_t devfn = n->functions[0]->desc->devfn;
  rp->rid = (uint16_t)(((unsigned)bus << 8) | devfn);
  ot_sim_cfg_access_init(&rp->acc, w->p, (uint8_t)bus, devfn);
  *out = rp;
  return OT_SUCCESS;
}

/* The root port above an endpoint. */
static ot_status root_port_of(ot_sim_world *w, ot_sim_endpoint *ep) {
  ot_sim_node *n = ep->node;
  while (n != NULL && n->desc->kind != OT_SIM_ROOT_PORT)
    n = n->parent;
  return ide_port(w, n, &ep->rp);
}

/* Every other port whose profile lists IDE (switch ports, idle root ports) shows its capability
 * as a TSM would find it; no stream is set up on them. */
static ot_status profile_ide_ports(ot_sim_world *w) {
  for (size_t i = 0; i < w->p->node_count; i++) {
    ot_sim_node *n = &w->p->nodes[i];
    if (n->desc->kind == OT_SIM_ROOT_COMPLEX || n->desc->kind == OT_SIM_ENDPOINT) continue;
    if (!n->desc->ide.present) continue;
    ot_sim_rp *rp;
    OT_GUARD(ide_port(w, n, &rp));
  }
  return OT_SUCCESS;
}

/* After the host booted: the relay, the TDIs and the TSM-side handles. */
static ot_status wire_endpoint(ot_sim_world *w, ot_sim_endpoint *ep) {
  int bus = ot_sim_node_bus(w->p, ep->node);
  OT_ENSURE(bus >= 0, OT_E_STATE);
  uint8_t devfn = ep->doe_fn->desc->devfn;
  ep->rid = (uint16_t)(((unsigned)bus << 8) | devfn);
  /* The DSM: its IDE capability on the DOE function, served over IDE_KM. */
  ot_sim_dsm_config dc = {.id = &ep->id,
                          .rng = &ep->drbg.rng,
                          .tdisp = {.lock_flags_supported = 0x0007, .dev_addr_width = 48},
                          .cfg = &ep->doe_fn->cfg,
                          .ide_caps = ide_caps_of(&ep->node->desc->ide),
                          .bus = (uint8_t)bus,
                          .dev_func = devfn};
  if (dc.ide_caps.sel_streams == 0) dc.ide_caps.sel_streams = 1;
  OT_GUARD(ot_sim_dsm_init(&ep->dsm, &dc));
  ep->dsm_ready = true;
  OT_GUARD(ot_sim_function_bind_protocol(ep->doe_fn, &ep->dsm.plain.base));
  OT_GUARD(ot_sim_function_bind_protocol(ep->doe_fn, &ep->dsm.secured.base));
  ot_sim_host_mailbox *mb = ot_sim_host_mailbox_at(w->host, (uint8_t)bus, devfn);
  OT_ENSURE(mb != NULL, OT_E_NOT_FOUND);
  OT_GUARD(ot_sim_relay_init(&ep->relay, ot_doe_driver_transport(&mb->driver),
                             ot_sim_platform_clock(w->p), 0));
  OT_GUARD(add_tdis(w, ep, bus));
  OT_GUARD(root_port_of(w, ep));
  ot_sim_cfg_access_init(&ep->ep_acc, w->p, (uint8_t)bus, devfn);
  ep->link = ot_sim_rig_link(&ep->rp->port, &ep->rp->acc.base, &ep->ep_acc.base);
  ep->rp_block = ep->rp->next_block++;
  return OT_SUCCESS;
}

/* DSP0274 measurement values as the policy writes them (raw: the profile's bytes). */
static ot_status default_policy(ot_sim_world *w) {
  /* A fresh policy: every anchor and reference below is the platform's. */
  ot_tsm_policy *p = &w->policy;
  ot_tsm_policy_init(p);
  for (size_t i = 0; i < w->ep_count; i++) {
    ot_sim_endpoint *ep = w->eps[i];
    /* Anchors: the roots the vendors publish. */
    OT_ENSURE(p->anchor_count < OT_TSM_POLICY_MAX_ANCHORS, OT_E_NO_SPACE);
    memcpy(p->anchor_der[p->anchor_count], ep->vendor_root, ep->vendor_root_len);
    p->anchors[p->anchor_count] =
        (ot_x509_cert){.der = p->anchor_der[p->anchor_count], .len = ep->vendor_root_len};
    snprintf(p->anchor_path[p->anchor_count], OT_TSM_POLICY_PATH_MAX, "<%s root>", ep->name);
    p->anchor_count++;
    OT_ENSURE(p->device_count < OT_TSM_POLICY_MAX_DEVICES, OT_E_NO_SPACE);
    ot_tsm_policy_device *pd = &p->devices[p->device_count++];
    memset(pd, 0, sizeof(*pd));
    snprintf(pd->name, sizeof pd->name, "%s", ep->name);
    const ot_sim_node_desc *nd = ep->node->desc;
    for (size_t m = 0; m < nd->measurement_count && m < OT_TSM_POLICY_MAX_MEAS; m++) {
      pd->meas[m].index = nd->measurements[m].index;
      pd->meas[m].len = (uint8_t)nd->measurements[m].value_len;
      memcpy(pd->meas[m].value, nd->measurements[m].value, nd->measurements[m].value_len);
      pd->meas_count++;
    }
    ot_sim_world_guest_name(i, pd->guests[0]);
    pd->guest_count = 1;
  }
  p->anchors_loaded = true;
  return OT_SUCCESS;
}

/* The TSM's key audit hook, forwarded to the world's (tests only). */
static void audit_ide_key(ot_tsm_key_audit *a, const uint8_t *key, size_t len) {
  ot_sim_world *w = (ot_sim_world *)(void *)((char *)a - offsetof(ot_sim_world, key_audit));
  world_secret(w, "IDE key", key, len);
}

static ot_status start_tsm(ot_sim_world *w) {
  OT_GUARD(seed_drbg(&w->entropy, w->seed, 'T', 0));
  ot_tsm_soft_backend_init(&w->backend);
  w->key_audit.key = audit_ide_key;
  ot_tsm_config c = {.policy = &w->policy,
                     .backend = &w->backend.base,
                     .entropy = &w->entropy.rng,
                     .clock = ot_sim_platform_clock(w->p),
                     .wall_epoch = OT_SIM_WORLD_NOW,
                     .audit = w->on_secret != NULL ? &w->key_audit : NULL,
                     .known = w->known,
                     .known_cap = OT_SIM_WORLD_MAX_EPS};
  OT_GUARD(ot_tsm_init(&w->tsm, &c));
  world_secret(w, "TSM DRBG key", w->tsm.drbg.key, sizeof w->tsm.drbg.key);
  world_secret(w, "TSM DRBG V", w->tsm.drbg.v, sizeof w->tsm.drbg.v);
  for (size_t i = 0; i < w->ep_count; i++) {
    ot_sim_endpoint *ep = w->eps[i];
    ot_tsm_dev_desc dd = {.name = ep->name,
                          .doe = ot_sim_relay_transport(&ep->relay),
                          .link = &ep->link.base,
                          .rp_block = ep->rp_block,
                          .rp_rid = ep->rp->rid};
    OT_GUARD(ot_sim_rig_attach(&w->tsm, &ep->tdev, &dd, ep->ttdi, ep->ttdi_desc, ep->tdi_count));
  }
  return OT_SUCCESS;
}

static ot_status world_build(ot_sim_world *w, const ot_sim_topology *t,
                             const ot_sim_world_opts *o) {
  OT_GUARD(ot_sim_platform_create(t, &w->p));
  for (size_t i = 0; i < w->p->node_count; i++) {
    ot_sim_node *n = &w->p->nodes[i];
    if (n->desc->kind != OT_SIM_ENDPOINT) continue;
    OT_ENSURE(w->ep_count < OT_SIM_WORLD_MAX_EPS, OT_E_NO_SPACE);
    ot_sim_endpoint *ep = calloc(1, sizeof(*ep));
    OT_ENSURE(ep != NULL, OT_E_NOMEM);
    ep->w = w;
    ep->index = w->ep_count;
    ep->node = n;
    snprintf(ep->name, sizeof ep->name, "%s", n->desc->name);
    w->eps[w->ep_count++] = ep;
    OT_GUARD(build_device(w, ep, o));
  }
  w->host = calloc(1, sizeof(*w->host));
  OT_ENSURE(w->host != NULL, OT_E_NOMEM);
  OT_GUARD(ot_sim_host_boot(w->host, w->p));
  for (size_t i = 0; i < w->ep_count; i++) {
    OT_GUARD(wire_endpoint(w, w->eps[i]));
    ot_sim_dp_init(w->eps[i]);
  }
  OT_GUARD(profile_ide_ports(w));
  if (o->policy_path != NULL) {
    ot_tsm_policy_error err;
    ot_status st = ot_tsm_policy_load(&w->policy, o->policy_path, &err);
    if (!ot_ok(st)) {
      OT_LOGE("sim", "policy %s: line %u col %u: %s", o->policy_path, err.line, err.column,
              err.msg);
      return st;
    }
  } else {
    OT_GUARD(default_policy(w));
  }
  return start_tsm(w);
}

ot_status ot_sim_world_create(const ot_sim_topology *t, const ot_sim_world_opts *o,
                              ot_sim_world **out) {
  OT_ENSURE(t != NULL && out != NULL, OT_E_ARG);
  ot_sim_world_opts def;
  if (o == NULL) {
    ot_sim_world_opts_default(&def);
    o = &def;
  }
  ot_sim_world *w = calloc(1, sizeof(*w));
  OT_ENSURE(w != NULL, OT_E_NOMEM);
  w->seed = o->seed;
  w->on_secret = o->on_secret;
  w->on_secret_ctx = o->on_secret_ctx;
  ot_status st = world_build(w, t, o);
  if (!ot_ok(st)) {
    ot_sim_world_destroy(w);
    return st;
  }
  *out = w;
  return OT_SUCCESS;
}

void ot_sim_world_destroy(ot_sim_world *w) {
  if (w == NULL) return;
  for (size_t i = 0; i < w->ep_count; i++) {
    ot_sim_endpoint *ep = w->eps[i];
    if (w->tsm.ready) ot_tsm_dev_free(&ep->tdev);
  }
  if (w->tsm.ready) ot_tsm_free(&w->tsm);
  for (size_t i = 0; i < w->ep_count; i++) {
    ot_sim_endpoint *ep = w->eps[i];
    if (ep->relay.buf != NULL) OT_IGNORE(ot_sim_relay_destroy(&ep->relay));
    if (ep->dsm_ready) ot_sim_dsm_free(&ep->dsm);
    ot_spdm_identity_clear(&ep->id);
    ot_spdm_hierarchy_clear(&ep->h);
    ot_drbg_uninstantiate(&ep->drbg);
    ot_zeroize(ep, sizeof(*ep));
    free(ep);
  }
  for (size_t i = 0; i < w->rp_count; i++) {
    ot_sim_rig_port_free(&w->rps[i].port);
  }
  ot_drbg_uninstantiate(&w->entropy);
  free(w->host);
  ot_sim_platform_destroy(w->p);
  ot_zeroize(w, sizeof(*w));
  free(w);
}

ot_sim_endpoint *ot_sim_world_endpoint(ot_sim_world *w, const char *name) {
  for (size_t i = 0; i < w->ep_count; i++)
    if (strcmp(w->eps[i]->name, name) == 0) return w->eps[i];
  return NULL;
}

static void session_secrets(const ot_spdm_session *s, ot_sim_secret_fn fn, void *ctx) {
  size_t h = s->hash_len;
  fn(ctx, "SPDM handshake secret", s->sec.handshake_secret, h);
  fn(ctx, "SPDM finished key", s->sec.finished_key[0], h);
  fn(ctx, "SPDM finished key", s->sec.finished_key[1], h);
  fn(ctx, "SPDM export master secret", s->sec.export_master_secret, h);
  for (size_t d = 0; d < 2; d++) {
    fn(ctx, "SPDM data secret", s->sec.cur[d].secret, h);
    fn(ctx, "SPDM data IV", s->sec.cur[d].iv, OT_AEAD_NONCE_SIZE);
  }
}

void ot_sim_world_secrets(ot_sim_world *w, ot_sim_secret_fn fn, void *ctx) {
  fn(ctx, "TSM DRBG key", w->tsm.drbg.key, sizeof w->tsm.drbg.key);
  fn(ctx, "TSM DRBG V", w->tsm.drbg.v, sizeof w->tsm.drbg.v);
  for (size_t i = 0; i < w->ep_count; i++) {
    ot_sim_endpoint *ep = w->eps[i];
    for (size_t k = 0; k < OT_SPDM_REQ_MAX_SESSIONS; k++)
      if (ep->tdev.spdm.sessions[k].used) session_secrets(&ep->tdev.spdm.sessions[k].s, fn, ctx);
    for (size_t k = 0; k < OT_SPDM_RSP_MAX_SESSIONS; k++)
      if (ep->dsm.rsp.sessions[k].used) session_secrets(&ep->dsm.rsp.sessions[k].s, fn, ctx);
    fn(ctx, "device private key", ep->id.keys[0].priv, ot_curve_size(ep->id.keys[0].curve));
    fn(ctx, "device DRBG key", ep->drbg.key, sizeof ep->drbg.key);
  }
}
