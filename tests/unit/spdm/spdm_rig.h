/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test rig for the SPDM engines: a generated device identity, a responder on an
 * in-process DOE responder, a requester over a loopback transport. Test code only.
 */
#ifndef OT_TEST_SPDM_RIG_H
#define OT_TEST_SPDM_RIG_H

#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/spdm.h"
#include "testsupport.h"

#define RIG_NOW ((time_t)1700000000)
#define RIG_DAY ((time_t)86400)

typedef struct rig_opts {
  ot_curve curve;
  uint8_t versions; /* both sides */
  bool in_clear;
  bool multi_key;
  uint8_t seed;
} rig_opts;

/* An echo protocol (PCI-SIG, vendor 1, protocol 0x7F) for the VDM hook. */
typedef struct rig_echo {
  ot_spdm_vdm_handler base;
  size_t calls;
} rig_echo;

typedef struct rig {
  ot_drbg drbg_dev, drbg_host;
  ot_sim_clock clock;
  ot_spdm_hierarchy h;
  ot_spdm_identity id;
  ot_spdm_responder_config rcfg;
  ot_spdm_responder rsp;
  ot_spdm_doe_binding bind;
  ot_doe_responder dev;
  ot_spdm_doe_loopback loop;
  ot_x509_cert anchor;
  ot_spdm_requester_config qcfg;
  ot_spdm_requester req;
  rig_echo echo;
  uint8_t chain[OT_SPDM_LARGE_MAX];
  size_t chain_len;
} rig;

static ot_status rig_echo_handle(ot_spdm_vdm_handler *h, uint32_t sid, const uint8_t *req,
                                 size_t len, uint8_t *rsp, size_t cap, size_t *rsp_len) {
  (void)sid;
  rig_echo *e = (rig_echo *)h;
  OT_ENSURE(len <= cap, OT_E_NO_SPACE);
  for (size_t i = 0; i < len; i++)
    rsp[i] = (uint8_t)(req[i] ^ 0xff);
  *rsp_len = len;
  e->calls++;
  return OT_SUCCESS;
}

static void rig_drbg(ot_drbg *d, uint8_t seed) {
  uint8_t e[48];
  memset(e, seed, sizeof(e));
  assert_ot_ok(ot_drbg_instantiate(d, e, 32, e + 32, 16, NULL, 0));
}

static void rig_device_meas(ot_spdm_identity *id) {
  static const uint8_t rom[] = "boot rom image", fw[] = "firmware image v1", hw[] = {1, 2, 3},
                       cfg[] = {9, 9};
  ot_spdm_device_model dm = {.rom = rom,
                             .rom_len = sizeof(rom),
                             .firmware = fw,
                             .firmware_len = sizeof(fw),
                             .hw_config = hw,
                             .hw_config_len = sizeof(hw),
                             .fw_config = cfg,
                             .fw_config_len = sizeof(cfg),
                             .version = "1.0.0",
                             .svn = 7};
  assert_ot_ok(ot_spdm_identity_add_device_meas(id, &dm));
}

/* Builds everything; the requester is not yet connected. */
static rig *rig_new(const rig_opts *o) {
  rig *g = calloc(1, sizeof(*g));
  assert_non_null(g);
  rig_drbg(&g->drbg_dev, (uint8_t)(o->seed + 1));
  rig_drbg(&g->drbg_host, (uint8_t)(o->seed + 2));
  ot_sim_clock_init(&g->clock, 0);
  assert_ot_ok(ot_spdm_hierarchy_generate(&g->h, o->curve, &g->drbg_dev.rng, RIG_NOW - RIG_DAY,
                                          RIG_NOW + 3650 * RIG_DAY, "opentsm:test:0001"));
  ot_spdm_identity_init(&g->id);
  assert_ot_ok(ot_spdm_identity_install(&g->id, 0, 0, 1, &g->h));
  rig_device_meas(&g->id);
  ot_spdm_responder_config_default(&g->rcfg, &g->id, &g->drbg_dev.rng);
  g->rcfg.versions = o->versions;
  if (o->in_clear) g->rcfg.caps |= OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR;
  if (o->multi_key) g->rcfg.caps |= OT_SPDM_CAP_MULTI_KEY_NEG;
  g->echo.base = (ot_spdm_vdm_handler){.standard_id = OT_SPDM_REGISTRY_PCISIG,
                                       .vendor_id = 0x0001,
                                       .protocol_id = 0x7f,
                                       .handle = rig_echo_handle};
  g->rcfg.vdm[0] = &g->echo.base;
  g->rcfg.vdm_count = 1;
  assert_ot_ok(ot_spdm_responder_init(&g->rsp, &g->rcfg));
  ot_spdm_doe_binding_init(&g->bind, &g->rsp);
  ot_doe_responder_init(&g->dev);
  assert_ot_ok(ot_doe_responder_add(&g->dev, &g->bind.plain.base));
  assert_ot_ok(ot_doe_responder_add(&g->dev, &g->bind.secured.base));
  ot_spdm_doe_loopback_init(&g->loop, &g->dev);
  assert_ot_ok(ot_spdm_identity_root(&g->id, 0, &g->anchor));
  ot_spdm_requester_config_default(&g->qcfg, &g->drbg_host.rng, &g->clock.base);
  g->qcfg.versions = o->versions;
  g->qcfg.anchors = &g->anchor;
  g->qcfg.anchor_count = 1;
  g->qcfg.now = RIG_NOW;
  if (o->in_clear) g->qcfg.caps |= OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR;
  assert_ot_ok(ot_spdm_requester_init(&g->req, &g->qcfg, &g->loop.base));
  return g;
}

static void rig_free(rig *g) {
  ot_spdm_requester_free(&g->req);
  ot_spdm_responder_free(&g->rsp);
  ot_spdm_identity_clear(&g->id);
  ot_spdm_hierarchy_clear(&g->h);
  ot_drbg_uninstantiate(&g->drbg_dev);
  ot_drbg_uninstantiate(&g->drbg_host);
  free(g);
}

/* Connect, digests, certificate of slot 0 (in portions of `portion` bytes). */
static void rig_authenticate(rig *g, size_t portion) {
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_ot_ok(ot_spdm_requester_get_digests(&g->req, &mask));
  assert_int_equal(mask, 0x01);
  assert_ot_ok(ot_spdm_requester_get_certificate(&g->req, 0, portion, g->chain, sizeof(g->chain),
                                                 &g->chain_len));
}

#endif
