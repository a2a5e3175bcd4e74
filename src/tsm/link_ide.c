/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The selective IDE stream of a connected device (DESIGN.md §4 steps 4-5):
 * IDE_KM to the endpoint inside the SPDM session, the root port and both
 * ends' registers through the backend, keys fresh from the TSM's DRBG and
 * never outside a wiped, secret-marked buffer (SPEC-FACTS §4.2, §7.4).
 */
#include <string.h>

#include "opentsm/bits.h"
#include "opentsm/secure.h"
#include "opentsm/tsm.h"
#include "tsm_internal.h"

/* The one IDE_KM port of an endpoint's DSM (SPEC-FACTS §4.1 PortIndex). */
#define TSM_KM_PORT 0u
/* Initial invocation field value of a fresh key set (PCIe r6.0 §6.33.5: the
 * counter starts at 1 for the first IDE TLP). */
#define TSM_IDE_IFV 1u

static const ot_ide_substream tsm_subs[OT_IDE_NUM_SUBSTREAMS] = {OT_IDE_SUB_PR, OT_IDE_SUB_NPR,
                                                                 OT_IDE_SUB_CPL};

/* IDE_KM rides PCI-SIG VDMs inside the session (DSP0274 §10.20; PCIe r6.0
 * §6.33.3). The layer's payload starts with the Protocol ID; the SPDM
 * requester takes it separately and returns what follows it. */
static ot_status km_exchange(ot_ide_km_transport *t, uint32_t session_id, const uint8_t *req,
                             size_t req_len, uint8_t *rsp, size_t cap, size_t *rsp_len) {
  ot_tsm_dev *dev = ((ot_tsm_km_link *)t)->dev;
  OT_ENSURE(req_len >= 1 && cap >= 1, OT_E_ARG);
  size_t n = 0;
  OT_GUARD(ot_spdm_requester_vdm(&dev->spdm, session_id, OT_PCISIG_STANDARD_ID, OT_PCISIG_VENDOR_ID,
                                 req[0], req + 1, req_len - 1, rsp + 1, cap - 1, &n));
  rsp[0] = req[0];
  *rsp_len = n + 1;
  return OT_SUCCESS;
}

static bool id_taken(const ot_tsm *tsm, unsigned id) {
  return (tsm->streams_used[id / 8u] >> (id % 8u)) & 1u;
}

static void id_set(ot_tsm *tsm, unsigned id, bool on) {
  uint8_t bit = (uint8_t)(1u << (id % 8u));
  tsm->streams_used[id / 8u] =
      (uint8_t)(on ? tsm->streams_used[id / 8u] | bit : tsm->streams_used[id / 8u] & (uint8_t)~bit);
}

/*
 * Walks the register block of QUERY_RESP (the IDE Capability register to
 * the end of the capability, PCIe r6.0 §7.9.26.2-§7.9.26.5): Link blocks
 * (2 DWs each, when Link IDE is supported), then Selective blocks (5 DWs +
 * 3 per address block, sized by their own Capability register). Every DW is
 * read through the codec's bounds (reg_count); *out is written on success.
 */
ot_status tsm_parse_ide_query(const ot_ide_km_query_resp *q, tsm_ep_ide *out) {
  OT_ENSURE(q && out, OT_E_ARG);
  OT_ENSURE(q->reg_count >= 2, OT_E_MALFORMED);
  tsm_ep_ide e;
  memset(&e, 0, sizeof(e));
  e.cap = ot_ide_km_query_resp_reg(q, 0);
  size_t i = 2; /* DW 0 Capability, DW 1 Control */
  if (e.cap & OT_IDE_CAP_LINK) i += 2u * (OT_FIELD_GET(OT_IDE_CAP_LINK_TCS, e.cap) + 1u);
  size_t nsel =
      (e.cap & OT_IDE_CAP_SELECTIVE) ? OT_FIELD_GET(OT_IDE_CAP_SEL_STREAMS, e.cap) + 1u : 0u;
  for (size_t b = 0; b < nsel; b++) {
    OT_ENSURE(i + OT_IDE_SEL_BLOCK_FIXED / 4u <= q->reg_count, OT_E_MALFORMED);
    uint32_t scap = ot_ide_km_query_resp_reg(q, i + OT_IDE_SEL_CAP / 4u);
    uint32_t ctl = ot_ide_km_query_resp_reg(q, i + OT_IDE_SEL_CTL / 4u);
    if (ctl & OT_IDE_STREAM_CTL_ENABLE) {
      uint32_t id = OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, ctl);
      e.enabled_ids[id / 8u] = (uint8_t)(e.enabled_ids[id / 8u] | (1u << (id % 8u)));
    } else if (!e.have_block) {
      e.have_block = true;
      e.free_block = (uint8_t)b;
    }
    i += OT_IDE_SEL_BLOCK_SIZE(OT_FIELD_GET(OT_IDE_SEL_CAP_ADDR_BLOCKS, scap)) / 4u;
  }
  OT_ENSURE(i <= q->reg_count, OT_E_MALFORMED);
  *out = e;
  return OT_SUCCESS;
}

/* Step 3 of SPEC-FACTS §4.2: QUERY, and the capability the TSM needs. */
static ot_status query(ot_tsm_dev *dev, tsm_ep_ide *e, uint16_t *ep_rid, ot_tsm_refusal *why) {
  uint8_t buf[OT_IDE_KM_RSP_MAX];
  char w[TSM_WHY_MAX];
  ot_ide_km_query_resp q;
  ot_status st = ot_ide_km_query(&dev->km, TSM_KM_PORT, buf, sizeof(buf), &q);
  if (ot_ok(st)) st = tsm_parse_ide_query(&q, e);
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_IDE, st, "%s: IDE_KM QUERY failed (%s)", dev->name,
                      tsm_spdm_why(dev, st, w, sizeof(w)));
  /* PCIe r6.0 §7.9.26.2: IDE_KM responder, Selective IDE, AES-GCM-256. */
  const char *missing = NULL;
  if (!(e->cap & OT_IDE_CAP_IDE_KM))
    missing = "IDE_KM Protocol Supported";
  else if (!(e->cap & OT_IDE_CAP_SELECTIVE))
    missing = "Selective IDE Streams Supported";
  else if (!OT_IDE_CAP_AES_GCM_256(e->cap)) /* bits 12:8 encoded: 00000b only */
    missing = "AES-GCM-256 (Supported Algorithms 00000b)";
  else if (!e->have_block)
    missing = "a Selective IDE Stream block that is not enabled";
  if (missing)
    return tsm_refuse(why, OT_TSM_R_IDE, ot_status_of(OT_E_UNSUPPORTED),
                      "%s: IDE capability 0x%08x lacks %s", dev->name, e->cap, missing);
  *ep_rid = (uint16_t)((q.bus << 8) | q.dev_func);
  return OT_SUCCESS;
}

/* SPEC-FACTS §7.4: the lowest Stream ID free at the host bridge (the TSM's
 * pool) and not used by an enabled block of the endpoint; 255 is reserved. */
static ot_status alloc_id(ot_tsm *tsm, ot_tsm_dev *dev, const tsm_ep_ide *e, uint8_t *id,
                          ot_tsm_refusal *why) {
  for (unsigned i = 0; i < OT_TSM_STREAM_IDS; i++) {
    if (id_taken(tsm, i) || ((e->enabled_ids[i / 8u] >> (i % 8u)) & 1u)) continue;
    *id = (uint8_t)i;
    return OT_SUCCESS;
  }
  return tsm_refuse(why, OT_TSM_R_LIMIT, ot_status_of(OT_E_NO_SPACE),
                    "%s: no IDE Stream ID is free", dev->name);
}

/* Six fresh keys of the root port's view (tx[], rx[]) in k, marked secret. */
static ot_status gen_keys(ot_tsm *tsm, ot_tsm_port_keys *k) {
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS; i++) {
    ot_ide_key_material *m[2] = {&k->tx[i], &k->rx[i]};
    for (size_t j = 0; j < 2; j++) {
      OT_GUARD(ot_drbg_generate(&tsm->drbg, m[j]->key, sizeof(m[j]->key), NULL, 0));
      m[j]->iv_fixed = OT_IDE_IV_FIXED_PCIE;
      m[j]->ifv = TSM_IDE_IFV;
      if (tsm->cfg.audit) tsm->cfg.audit->key(tsm->cfg.audit, m[j]->key, sizeof(m[j]->key));
    }
  }
  return OT_SUCCESS;
}

/*
 * KEY_PROG x 6 to the endpoint in the spdm-emu order (RX PR, NPR, CPL, then
 * TX), K_SET_GO of the endpoint's receivers, the root port's keys (its
 * receivers then transmitters GO), then K_SET_GO of the endpoint's
 * transmitters: every receiver holds the key set before its partner sends
 * with it (SPEC-FACTS §4.2 steps 4-6, "RX before TX"). The endpoint's RX key
 * of a sub-stream is the root port's TX key and the reverse (§4.2 step 5).
 */
static const ot_ide_km_dir tsm_dirs[2] = {OT_IDE_KM_RX, OT_IDE_KM_TX};

static ot_status ep_go(ot_tsm_dev *dev, uint8_t set, ot_ide_km_dir dir, ot_tsm_refusal *why) {
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS; i++) {
    uint8_t kss = ot_ide_km_kss(set, dir, tsm_subs[i]);
    ot_status st = ot_ide_km_key_set_go(&dev->km, TSM_KM_PORT, dev->stream.stream_id, kss);
    char w[TSM_WHY_MAX];
    if (!ot_ok(st))
      return tsm_refuse(why, OT_TSM_R_IDE, st,
                        "%s: IDE_KM K_SET_GO (KeySubStream 0x%02x) failed (%s)", dev->name, kss,
                        tsm_spdm_why(dev, st, w, sizeof(w)));
  }
  return OT_SUCCESS;
}

static ot_status program_keys(ot_tsm *tsm, ot_tsm_dev *dev, const ot_tsm_port_keys *k,
                              bool *ep_keys, bool *rp_keys, ot_tsm_refusal *why) {
  ot_tsm_backend *be = tsm->cfg.backend;
  uint8_t id = dev->stream.stream_id, set = k->key_set;
  for (size_t d = 0; d < 2; d++) {
    for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS; i++) {
      const ot_ide_key_material *m = tsm_dirs[d] == OT_IDE_KM_RX ? &k->tx[i] : &k->rx[i];
      uint8_t kss = ot_ide_km_kss(set, tsm_dirs[d], tsm_subs[i]), status = 0;
      *ep_keys = true;
      ot_status st = ot_ide_km_key_prog(&dev->km, TSM_KM_PORT, id, kss, m, &status);
      char w[TSM_WHY_MAX];
      if (!ot_ok(st))
        return tsm_refuse(why, OT_TSM_R_IDE, st,
                          "%s: IDE_KM KEY_PROG (KeySubStream 0x%02x) refused (%s, KP_ACK status "
                          "%u)",
                          dev->name, kss, tsm_spdm_why(dev, st, w, sizeof(w)), status);
    }
  }
  OT_GUARD(ep_go(dev, set, OT_IDE_KM_RX, why));
  ot_status st = be->stream_keys(be, dev->link, &dev->stream, k);
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_BACKEND, st, "%s: root port key programming failed (%s)",
                      dev->name, ot_status_message(st));
  *rp_keys = true;
  return ep_go(dev, set, OT_IDE_KM_TX, why);
}

/* Six fresh keys of key set `set` programmed at both ends; the key buffer
 * is marked secret while it lives and wiped on every path. On failure the
 * key set is stopped at both ends again. */
static ot_status key_set_up(ot_tsm *tsm, ot_tsm_dev *dev, uint8_t set, ot_tsm_refusal *why) {
  ot_tsm_port_keys k;
  bool ep_keys = false, rp_keys = false;
  memset(&k, 0, sizeof(k));
  ot_status st = ot_secret_mark(&k, sizeof(k));
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_INTERNAL, st, "%s: no room to mark IDE keys secret", dev->name);
  k.key_set = set;
  st = gen_keys(tsm, &k);
  if (!ot_ok(st))
    tsm_refuse(why, OT_TSM_R_INTERNAL, st, "%s: IDE key generation failed", dev->name);
  else
    st = program_keys(tsm, dev, &k, &ep_keys, &rp_keys, why);
  ot_secret_wipe(&k, sizeof(k));
  if (!ot_ok(st)) {
    if (ep_keys)
      OT_IGNORE(ot_ide_km_stop_stream(&dev->km, TSM_KM_PORT, dev->stream.stream_id, set));
    if (rp_keys) tsm->cfg.backend->stream_keys_stop(tsm->cfg.backend, dev->link, &dev->stream, set);
  }
  return st;
}

ot_status tsm_ide_up(ot_tsm *tsm, ot_tsm_dev *dev, ot_tsm_refusal *why) {
  ot_tsm_backend *be = tsm->cfg.backend;
  if (be == NULL || dev->link == NULL) return OT_SUCCESS; /* no link to secure */
  dev->km_link = (ot_tsm_km_link){.base = {.exchange = km_exchange}, .dev = dev};
  ot_ide_km_requester_init(&dev->km, &dev->km_link.base, dev->session_id);
  tsm_ep_ide e = {0};
  uint16_t ep_rid = 0;
  uint8_t id = 0;
  OT_GUARD(query(dev, &e, &ep_rid, why));
  OT_GUARD(alloc_id(tsm, dev, &e, &id, why));
  dev->stream = (ot_tsm_stream){.stream_id = id,
                                .rp_block = dev->rp_block,
                                .ep_block = e.free_block,
                                .ep_rid = ep_rid,
                                .rp_rid = dev->rp_rid};
  /* Step 1 of §4.2: registers with Enable = 0 (Stream ID before the keys). */
  ot_status st = be->stream_setup(be, dev->link, &dev->stream);
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_BACKEND, st, "%s: IDE stream %u register setup failed (%s)",
                      dev->name, id, ot_status_message(st));
  st = key_set_up(tsm, dev, 0, why);
  if (ot_ok(st)) {
    /* Step 7: Enable at both ends, each Status read back Secure. */
    st = be->stream_enable(be, dev->link, &dev->stream);
    if (!ot_ok(st)) {
      tsm_refuse(why, OT_TSM_R_IDE, st, "%s: IDE stream %u does not read Secure (%s)", dev->name,
                 id, ot_status_message(st));
      OT_IGNORE(ot_ide_km_stop_stream(&dev->km, TSM_KM_PORT, id, 0));
    }
  }
  if (!ot_ok(st)) {
    be->stream_teardown(be, dev->link, &dev->stream);
    memset(&dev->stream, 0, sizeof(dev->stream));
    return st;
  }
  id_set(tsm, id, true);
  dev->key_set = 0;
  dev->ide_up = true;
  OT_LOGI(TSM_LOG, "%s: IDE stream %u Secure (RP block %u, EP block %u)", dev->name, id,
          dev->stream.rp_block, dev->stream.ep_block);
  return OT_SUCCESS;
}

ot_status tsm_ide_down(ot_tsm *tsm, ot_tsm_dev *dev) {
  if (!dev->ide_up) return OT_SUCCESS;
  ot_tsm_backend *be = tsm->cfg.backend;
  /* SPEC-FACTS §4.2 teardown: K_SET_STOP all six, clear Enable, zero registers. */
  ot_status first =
      ot_ide_km_stop_stream(&dev->km, TSM_KM_PORT, dev->stream.stream_id, dev->key_set);
  be->stream_disable(be, dev->link, &dev->stream);
  be->stream_teardown(be, dev->link, &dev->stream);
  id_set(tsm, dev->stream.stream_id, false);
  memset(&dev->stream, 0, sizeof(dev->stream));
  dev->ide_up = false;
  return first;
}

OT_RESULT ot_tsm_rekey(ot_tsm *tsm, ot_tsm_dev *dev, ot_tsm_refusal *why) {
  OT_ENSURE(tsm && dev && dev->tsm == tsm, OT_E_ARG);
  if (why) memset(why, 0, sizeof(*why));
  if (dev->state != OT_TSM_DEV_CONNECTED || !dev->ide_up)
    return tsm_refuse(why, OT_TSM_R_STATE, ot_status_of(OT_E_STATE), "%s: no IDE stream to re-key",
                      dev->name);
  /* SPEC-FACTS §4.2 key refresh: program and GO the other key set, the
   * transmitters switch to it, then the old set is stopped at both ends. */
  uint8_t old = dev->key_set, set = (uint8_t)(old ^ 1u);
  OT_GUARD(key_set_up(tsm, dev, set, why));
  dev->key_set = set;
  ot_status st = ot_ide_km_stop_stream(&dev->km, TSM_KM_PORT, dev->stream.stream_id, old);
  tsm->cfg.backend->stream_keys_stop(tsm->cfg.backend, dev->link, &dev->stream, old);
  char w[TSM_WHY_MAX];
  if (!ot_ok(st))
    return tsm_refuse(why, OT_TSM_R_IDE, st, "%s: IDE_KM K_SET_STOP of key set %u failed (%s)",
                      dev->name, old, tsm_spdm_why(dev, st, w, sizeof(w)));
  OT_LOGI(TSM_LOG, "%s: IDE stream %u re-keyed to key set %u", dev->name, dev->stream.stream_id,
          set);
  return OT_SUCCESS;
}
