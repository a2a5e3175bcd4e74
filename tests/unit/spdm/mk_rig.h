/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A rig (spdm_rig.h) whose device is a 1.3 multi-key responder with three key
 * pairs (pair 1 = slot 0's key), GET_CSR, SET_CERTIFICATE and
 * GET_KEY_PAIR_INFO (DSP0274 1.3 §10.26, §10.27), and whose requester trusts a
 * second root, the CA that issues a chain for a generated pair (ca_rig.h).
 * How SET_CERTIFICATE reaches the identity varies by test and stays with
 * each test. Test code only.
 */
#ifndef OT_TEST_MK_RIG_H
#define OT_TEST_MK_RIG_H

#include "opentsm/spdm_key_pairs.h"
#include "spdm_rig.h"

typedef struct mk {
  rig *g;
  ot_spdm_key_pairs t;
  ot_x509_cert anchors[2]; /* the device's root, then the CA's */
  uint8_t der[2048];       /* root | leaf for pair 2 */
  size_t der_len;
  unsigned calls;     /* SET_CERTIFICATE hook calls */
  uint8_t last_model; /* and the model of the last one */
} mk;

/* The device and the requester, not yet connected; the test sets
 * rcfg.set_cert or rcfg.set_cert_model (context: the mk). */
static mk *mk_new_device(uint8_t seed) {
  mk *m = calloc(1, sizeof(*m));
  assert_non_null(m);
  m->g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_13, false, true, seed});
  assert_ot_ok(ot_spdm_key_pairs_init(&m->t, &m->g->id, 3, true));
  m->g->rcfg.caps |= OT_SPDM_CAP_CSR | OT_SPDM_CAP_SET_CERT | OT_SPDM_CAP_GET_KEY_PAIR_INFO;
  m->g->rcfg.set_cert_ctx = m;
  m->g->rcfg.key_pairs = &m->t;
  m->anchors[0] = m->g->anchor;
  m->g->qcfg.anchors = m->anchors;
  m->g->qcfg.anchor_count = 2;
  return m;
}

static void mk_free(mk *m) {
  ot_spdm_key_pairs_clear(&m->t);
  rig_free(m->g);
  free(m);
}

#endif
