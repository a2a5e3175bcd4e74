/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A rig (spdm_rig.h) whose requester holds an identity of its own and whose
 * responder asks it to authenticate: the fixture of the mutual-authentication
 * tests (DSP0274 §10.7 basic mutual authentication, §10.9 MutAuthRequested and
 * the encapsulated request flow). How the requester is configured with its
 * identity varies by test and stays with each test.
 */
#ifndef OT_TEST_MUT_RIG_H
#define OT_TEST_MUT_RIG_H

#include "spdm_rig.h"

/* The requester's own identity and the responder's trust in it. */
typedef struct mut {
  rig *g;
  ot_drbg drbg_tsm;
  ot_spdm_hierarchy h;
  ot_spdm_identity id;
  ot_x509_cert anchor; /* the requester's root, as the responder's req anchor */
} mut;

typedef struct mut_opts {
  rig_opts rig;       /* the device, the versions, the link */
  uint8_t tsm_seed;   /* the requester identity's DRBG seed */
  ot_curve key;       /* the requester's leaf key */
  bool responder_eku; /* a leaf with the responder EKU only (not a requester's) */
  bool untrusted;     /* the responder trusts the device's own root instead */
  uint8_t mode;       /* MutAuthRequested the responder asks (0: none) */
  bool basic;         /* and basic mutual authentication (CHALLENGE_AUTH) */
  uint32_t req_asym;  /* the responder's ReqBaseAsymAlg offer */
} mut_opts;

static inline mut *mut_new_opts(const mut_opts *o) {
  mut *m = calloc(1, sizeof(*m));
  assert_non_null(m);
  m->g = rig_new(&o->rig);
  rig *g = m->g;
  rig_drbg(&m->drbg_tsm, o->tsm_seed);
  if (o->responder_eku)
    assert_ot_ok(ot_spdm_hierarchy_generate(&m->h, o->key, &m->drbg_tsm.rng, RIG_NOW - RIG_DAY,
                                            RIG_NOW + RIG_DAY, NULL));
  else
    assert_ot_ok(ot_spdm_hierarchy_generate_requester(&m->h, o->key, &m->drbg_tsm.rng,
                                                      RIG_NOW - RIG_DAY, RIG_NOW + RIG_DAY));
  ot_spdm_identity_init(&m->id);
  assert_ot_ok(ot_spdm_identity_install(&m->id, 0, 0, 1, &m->h));
  assert_ot_ok(ot_spdm_identity_root(&m->id, 0, &m->anchor));
  /* Reconfigure the responder (its config is read at each message). */
  g->rcfg.caps |= OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP;
  g->rcfg.algs.req_asym = o->req_asym;
  g->rcfg.mut_auth = o->mode;
  g->rcfg.basic_mut_auth = o->basic;
  g->rcfg.req_anchors = o->untrusted ? &g->anchor : &m->anchor;
  g->rcfg.req_anchor_count = 1;
  g->rcfg.req_now = RIG_NOW;
  return m;
}

static inline void mut_free(mut *m) {
  rig_free(m->g);
  ot_spdm_identity_clear(&m->id);
  ot_spdm_hierarchy_clear(&m->h);
  ot_drbg_uninstantiate(&m->drbg_tsm);
  free(m);
}

/* One plain request straight to the responder; its answer's length. */
static inline size_t mut_plain(rig *g, const uint8_t *req, size_t len, uint8_t *out, size_t cap) {
  size_t n = 0;
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, req, len, out, cap, &n));
  return n;
}

#endif
