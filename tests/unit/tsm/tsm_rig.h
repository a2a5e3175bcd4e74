/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test platform for the TSM: DSM-backed devices behind DOE mailbox models,
 * a minimal host stand-in (the host's mailbox driver wrapped in a relay that
 * keeps a copy of every DOE payload it moves), a policy written as YAML with
 * its trust anchor files in a temporary directory, and the TSM with the
 * software reference backend over a root port modelled by its IDE
 * capability registers and engines. Each device's DSM carries its own IDE
 * capability on its config space, so connect brings the stream up through
 * IDE_KM. Every IDE key the TSM generates is recorded (its key audit) for
 * the secrets scan. The endpoints, root ports, links, TSM registration and
 * policies are the platform rig's (opentsm/sim_rig.h); this header adds the
 * test identities, the logging host and cmocka asserts. Test code only.
 */
#ifndef OT_TEST_TSM_RIG_H
#define OT_TEST_TSM_RIG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opentsm/doe_driver.h"
#include "opentsm/doe_mailbox.h"
#include "opentsm/secure.h"
#include "opentsm/sim_dsm.h"
#include "opentsm/sim_rig.h"
#include "opentsm/tsm.h"
#include "testsupport.h"

#define RIG_NOW ((time_t)1700000000)
#define RIG_DAY ((time_t)86400)
#define RIG_MB_BYTES (32u * 1024u)
#define RIG_MAX_DEV 3
#define RIG_LOG_MAX (1024u * 1024u)

/* What makes one test device differ from a good one. */
typedef struct rig_dev_opts {
  const char *name;
  ot_curve curve;     /* 0: P-384 */
  uint8_t versions;   /* 0: both */
  uint32_t base_asym; /* 0: all */
  bool wrong_key;     /* signs with a key that is not its certificate's */
  bool link_ide_only; /* its IDE capability has Link IDE but no selective stream */
  uint8_t seed;
} rig_dev_opts;

/* The host stand-in: relays DOE objects and keeps a copy of every byte. */
typedef struct rig_host {
  ot_doe_transport base; /* must be first */
  ot_doe_transport *drv;
  uint8_t *log;
  size_t *log_len;
  size_t objects;
  unsigned spdm_req[256]; /* plain SPDM requests relayed, by request code */
} rig_host;

static inline void rig_log(rig_host *h, const uint8_t *p, size_t n) {
  assert_true(*h->log_len + n <= RIG_LOG_MAX);
  memcpy(h->log + *h->log_len, p, n);
  *h->log_len += n;
}

static inline ot_status rig_host_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                          const uint8_t *req, size_t req_len, uint8_t *rsp,
                                          size_t cap, size_t *rsp_len) {
  rig_host *h = (rig_host *)t;
  rig_log(h, req, req_len);
  if (vendor == OT_DOE_VENDOR_PCISIG && type == OT_DOE_TYPE_SPDM && req_len >= 2)
    h->spdm_req[req[1]]++;
  ot_status st = ot_doe_exchange(h->drv, vendor, type, req, req_len, rsp, cap, rsp_len);
  if (ot_ok(st)) rig_log(h, rsp, *rsp_len);
  h->objects++;
  return st;
}

typedef struct rig_dev {
  ot_drbg drbg;
  ot_spdm_hierarchy h;
  ot_spdm_identity id;
  ot_sim_rig_ep ep; /* config space, DSM, mailbox, the host's driver */
  ot_tdisp_tdi_desc tdi_desc;
  ot_tdisp_tdi *dev_tdi;
  uint8_t bufs[2][RIG_MB_BYTES];
  rig_host host;
  /* TSM side: the root port of this device */
  ot_sim_rig_rp rp;
  ot_tsm_soft_link link;
  ot_tsm_dev tdev;
  ot_tsm_tdi ttdi;
  char name[OT_TSM_NAME_MAX];
} rig_dev;

#define RIG_MAX_KEYS 256u
/* The TSM's key audit: every IDE key it generated. */
typedef struct rig_keys {
  ot_tsm_key_audit base; /* must be first */
  uint8_t key[RIG_MAX_KEYS][OT_IDE_KEY_SIZE];
  size_t n;
} rig_keys;

static inline void rig_keys_add(ot_tsm_key_audit *a, const uint8_t *key, size_t len) {
  rig_keys *k = (rig_keys *)a;
  assert_int_equal(len, OT_IDE_KEY_SIZE);
  assert_true(k->n < RIG_MAX_KEYS);
  memcpy(k->key[k->n++], key, len);
}

typedef struct rig {
  ot_sim_clock clock; /* must be first: the hook steps the mailboxes */
  rig_keys keys;
  rig_dev *devs[RIG_MAX_DEV];
  size_t ndev;
  ot_drbg entropy;
  char dir[64];
  ot_tsm_policy policy;
  ot_tsm_soft_backend backend;
  ot_tsm tsm;
  ot_tsm_known_chain *known; /* the TSM's known-chain storage (NULL: none) */
  size_t known_cap;
  uint8_t log[RIG_LOG_MAX];
  size_t log_len;
} rig;

static const ot_tdisp_mmio_range rig_ranges[2] = {
    {0x10000000, 4, 0, 0},
    {0x10010000, 1, OT_TDISP_RANGE_NON_TEE_MEM, 2},
};
static const uint8_t rig_devinfo[8] = "rigdev\0";
#define RIG_FID 0x00000100u

static inline void rig_on_sleep(ot_sim_clock *c, uint64_t now) {
  (void)now;
  rig *g = (rig *)(void *)c;
  for (size_t i = 0; i < g->ndev; i++)
    ot_doe_mailbox_step(&g->devs[i]->ep.mb);
}

static inline void rig_seed(ot_drbg *d, uint8_t seed) {
  uint8_t e[48];
  memset(e, seed, sizeof(e));
  assert_ot_ok(ot_drbg_instantiate(d, e, 32, e + 32, 16, NULL, 0));
}

static inline void rig_meas(ot_spdm_identity *id, uint8_t tweak) {
  static const uint8_t rom[] = "boot rom", hw[] = {1, 2, 3}, cfg[] = {9, 9};
  uint8_t fw[] = "firmware image v1";
  fw[0] = (uint8_t)(fw[0] + tweak);
  ot_spdm_device_model dm = {.rom = rom,
                             .rom_len = sizeof(rom),
                             .firmware = fw,
                             .firmware_len = sizeof(fw),
                             .hw_config = hw,
                             .hw_config_len = sizeof(hw),
                             .fw_config = cfg,
                             .fw_config_len = sizeof(cfg),
                             .version = "1.0.0",
                             .svn = 3};
  assert_ot_ok(ot_spdm_identity_add_device_meas(id, &dm));
}

/* Builds a device: identity, DSM with one TDI, mailbox, host driver and relay. */
static inline rig_dev *rig_add_device(rig *g, const rig_dev_opts *o) {
  rig_dev *d = calloc(1, sizeof(*d));
  assert_non_null(d);
  ot_curve curve = o->curve ? o->curve : OT_CURVE_P384;
  rig_seed(&d->drbg, (uint8_t)(0x40 + o->seed));
  assert_ot_ok(ot_spdm_hierarchy_generate(&d->h, curve, &d->drbg.rng, RIG_NOW - RIG_DAY,
                                          RIG_NOW + 3650 * RIG_DAY, "opentsm:rig:0001"));
  ot_spdm_identity_init(&d->id);
  assert_ot_ok(ot_spdm_identity_install(&d->id, 0, 0, 1, &d->h));
  rig_meas(&d->id, 0);
  if (o->wrong_key) {
    /* A device that presents a chain whose leaf key it does not hold. */
    uint8_t pub[OT_ECC_MAX_PUBLIC];
    assert_ot_ok(ot_key_generate(curve, &d->drbg.rng, d->id.keys[0].priv,
                                 sizeof(d->id.keys[0].priv), pub, sizeof(pub)));
  }
  ot_spdm_alg_prefs algs = ot_spdm_alg_prefs_all;
  if (o->base_asym) algs.base_asym = o->base_asym;
  ot_sim_rig_ep_config ec = {
      .ident = {.vendor = 0x1AF4, .device = 0x10F2, .class_code = 0x120000},
      .dsm = {.id = &d->id,
              .rng = &d->drbg.rng,
              .versions = o->versions,
              .algs = &algs,
              .tdisp = {.lock_flags_supported = 0x0007, .dev_addr_width = 48},
              .ide_caps = {.sel_streams = o->link_ide_only ? 0 : 2,
                           .link_tcs = o->link_ide_only ? 1 : 0,
                           .addr_blocks = 1},
              .bus = (uint8_t)(1 + g->ndev),
              .dev_func = 0},
      .clock = &g->clock.base,
      .latency_ns = OT_NS_PER_US,
      .req_buf = d->bufs[0],
      .rsp_buf = d->bufs[1],
      .buf_cap = RIG_MB_BYTES};
  assert_ot_ok(ot_sim_rig_ep_init(&d->ep, &ec));
  d->tdi_desc = (ot_tdisp_tdi_desc){.function_id = RIG_FID,
                                    .interface_info = OT_TDISP_IFINFO_DMA_NO_PASID,
                                    .mmio = rig_ranges,
                                    .mmio_count = 2,
                                    .devinfo = rig_devinfo,
                                    .devinfo_len = sizeof(rig_devinfo)};
  assert_ot_ok(ot_sim_dsm_add_tdi(&d->ep.dsm, &d->tdi_desc, &d->dev_tdi));
  g->devs[g->ndev++] = d;
  d->host = (rig_host){.base = {.exchange = rig_host_exchange},
                       .drv = ot_sim_rig_ep_doe(&d->ep),
                       .log = g->log,
                       .log_len = &g->log_len};
  /* The root port: a config space with its IDE capability over its engines. */
  ot_ide_regs_caps rp_caps = {.sel_streams = 4, .addr_blocks = 2};
  assert_ot_ok(ot_sim_rig_rp_init(&d->rp, &rp_caps));
  d->link = ot_sim_rig_link(&d->rp.port, &d->rp.acc.base, &d->ep.acc.base);
  snprintf(d->name, sizeof(d->name), "%s", o->name);
  return d;
}

/* The reference value of measurement `index` of a device (SHA-384 digests:
 * the strongest measurement hash, which the responder selects). */
static inline void rig_ref_hex(rig_dev *d, uint8_t index, char *hex, size_t cap) {
  for (size_t i = 0; i < d->id.meas_count; i++) {
    if (d->id.meas[i].index != index) continue;
    uint8_t blk[512];
    size_t n;
    assert_ot_ok(ot_spdm_identity_meas_block(&d->id, i, OT_HASH_SHA384, blk, sizeof(blk), &n));
    /* Index(1) Spec(1) Size(2) | Type(1) ValueSize(2) Value */
    size_t vlen = (size_t)blk[5] | ((size_t)blk[6] << 8);
    assert_true(2 * vlen + 1 <= cap);
    for (size_t k = 0; k < vlen; k++)
      snprintf(hex + 2 * k, 3, "%02x", blk[7 + k]);
    return;
  }
  fail_msg("no measurement %u", index);
}

static inline void rig_write(const char *path, const uint8_t *p, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(p, 1, n, f), n);
  fclose(f);
}

/* Loads `yaml` with the roots of anchors[0..n) as rootI.der. */
static inline void rig_policy_n(rig *g, rig_dev *const *anchors, size_t n, const char *yaml) {
  ot_x509_cert roots[RIG_MAX_DEV];
  assert_true(n <= RIG_MAX_DEV);
  for (size_t i = 0; i < n; i++)
    assert_ot_ok(ot_spdm_identity_root(&anchors[i]->id, 0, &roots[i]));
  ot_tsm_policy_error err;
  ot_status st = ot_sim_rig_policy(&g->policy, yaml, strlen(yaml), roots, n, &err);
  if (!ot_ok(st)) fail_msg("policy: line %u col %u: %s", err.line, err.column, err.msg);
}

/* One anchor (root0.der), the root of `anchor_from`. */
static inline void rig_policy(rig *g, rig_dev *anchor_from, const char *yaml) {
  rig_policy_n(g, &anchor_from, 1, yaml);
}

/* The root port's Requester ID and the block it gives each device. */
#define RIG_RP_RID 0x0008u
#define RIG_RP_BLOCK 1u

static inline rig *rig_new(void) {
  rig *g = calloc(1, sizeof(*g));
  assert_non_null(g);
  ot_sim_clock_init(&g->clock, 0);
  g->clock.on_sleep = rig_on_sleep;
  snprintf(g->dir, sizeof(g->dir), "/tmp/ot_tsm_rig_XXXXXX");
  assert_non_null(mkdtemp(g->dir));
  rig_seed(&g->entropy, 0x11);
  ot_tsm_soft_backend_init(&g->backend);
  g->keys.base.key = rig_keys_add;
  return g;
}

static inline void rig_start_tsm(rig *g) {
  ot_tsm_config c = {.policy = &g->policy,
                     .backend = &g->backend.base,
                     .entropy = &g->entropy.rng,
                     .clock = &g->clock.base,
                     .wall_epoch = RIG_NOW,
                     .audit = &g->keys.base,
                     .known = g->known,
                     .known_cap = g->known_cap};
  assert_ot_ok(ot_tsm_init(&g->tsm, &c));
  for (size_t i = 0; i < g->ndev; i++) {
    rig_dev *d = g->devs[i];
    ot_tsm_dev_desc dd = {.name = d->name,
                          .doe = &d->host.base,
                          .link = &d->link.base,
                          .rp_block = RIG_RP_BLOCK,
                          .rp_rid = RIG_RP_RID};
    ot_tsm_tdi_desc td = {
        .function_id = RIG_FID, .mmio = rig_ranges, .mmio_count = 2, .default_stream_id = 0};
    assert_ot_ok(ot_sim_rig_attach(&g->tsm, &d->tdev, &dd, &d->ttdi, &td, 1));
  }
}

static inline void rig_free(rig *g) {
  for (size_t i = 0; i < g->ndev; i++) {
    rig_dev *d = g->devs[i];
    ot_tsm_dev_free(&d->tdev);
    ot_sim_rig_ep_free(&d->ep);
    ot_spdm_identity_clear(&d->id);
    ot_spdm_hierarchy_clear(&d->h);
    ot_drbg_uninstantiate(&d->drbg);
    ot_sim_rig_rp_free(&d->rp);
    free(d);
  }
  if (g->tsm.ready) ot_tsm_free(&g->tsm);
  ot_zeroize(&g->keys, sizeof(g->keys));
  ot_drbg_uninstantiate(&g->entropy);
  for (size_t i = 0; i < RIG_MAX_DEV; i++) {
    char path[128];
    snprintf(path, sizeof(path), "%s/root%zu.der", g->dir, i);
    unlink(path);
  }
  rmdir(g->dir);
  free(g);
}

/* True if needle[0..n) occurs anywhere in hay[0..len). */
static inline bool rig_contains(const uint8_t *hay, size_t len, const uint8_t *needle, size_t n) {
  if (n == 0 || n > len) return false;
  for (size_t i = 0; i + n <= len; i++)
    if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0) return true;
  return false;
}

#endif
