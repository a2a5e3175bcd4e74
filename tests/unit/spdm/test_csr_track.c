/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder's pending CSRs (src/spdm/csr_track.c; DSP0274 1.3 GET_CSR
 * CSRTrackingTag / Overwrite, ERROR ResetRequired): the decisions, a reset,
 * and the file form with its refusals. Then the whole exchange in process:
 * our requester against our responder with CERT_INSTALL_RESET_CAP.
 */
#include "spdm_rig.h"

#include "opentsm/spdm_csr_track.h"
#include "opentsm/x509.h"

static ot_status refuse_set_cert(void *ctx, uint8_t slot, uint8_t key_pair_id, const uint8_t *der,
                                 size_t len) {
  (void)ctx, (void)slot, (void)key_pair_id, (void)der, (void)len;
  return ot_status_of(OT_E_UNSUPPORTED);
}

/* A new connection after the device's answer ended the last one. */
static void reconnect(rig *g) {
  ot_spdm_requester_free(&g->req);
  assert_ot_ok(ot_spdm_requester_init(&g->req, &g->qcfg, &g->loop.base));
  rig_authenticate(g, 0);
}

static uint8_t attrs_tag(uint8_t tag) { return (uint8_t)(tag << OT_SPDM_CSR_TAG_SHIFT); }

typedef struct counter {
  unsigned calls;
} counter;

static ot_status count_changes(void *ctx, const ot_spdm_csr_tracker *t) {
  (void)t;
  ((counter *)ctx)->calls++;
  return OT_SUCCESS;
}

static void decide_store_reset_take(void **state) {
  (void)state;
  ot_spdm_csr_tracker *t = calloc(1, sizeof(*t));
  assert_non_null(t);
  counter n = {0};
  ot_spdm_csr_track_init(t);
  t->changed = count_changes;
  t->ctx = &n;
  ot_spdm_csr_action a;
  uint8_t tag;
  static const uint8_t csr[3] = {0x30, 0x01, 0x00};
  /* A first request: a new CSR under tag 1. */
  assert_ot_ok(ot_spdm_csr_track_decide(t, 0, 0, &a, &tag));
  assert_int_equal(a, OT_SPDM_CSR_ACT_NEW);
  assert_int_equal(tag, 1);
  assert_ot_ok(ot_spdm_csr_track_store(t, tag, 0, csr, sizeof csr));
  assert_int_equal(n.calls, 1);
  /* Asked with its tag before a reset: still pending. */
  assert_ot_ok(ot_spdm_csr_track_decide(t, attrs_tag(1), 0, &a, &tag));
  assert_int_equal(a, OT_SPDM_CSR_ACT_PENDING);
  assert_int_equal(tag, 1);
  /* A tag never given, a tag for another KeyPairID, Overwrite with a tag. */
  assert_ot_ok(ot_spdm_csr_track_decide(t, attrs_tag(2), 0, &a, &tag));
  assert_int_equal(a, OT_SPDM_CSR_ACT_INVALID);
  assert_ot_ok(ot_spdm_csr_track_decide(t, attrs_tag(1), 5, &a, &tag));
  assert_int_equal(a, OT_SPDM_CSR_ACT_INVALID);
  assert_ot_ok(
      ot_spdm_csr_track_decide(t, attrs_tag(1) | OT_SPDM_CSR_ATTR_OVERWRITE, 0, &a, &tag));
  assert_int_equal(a, OT_SPDM_CSR_ACT_INVALID);
  assert_true(t->tag[1].used); /* nothing changed by refusals */
  assert_int_equal(n.calls, 1);
  /* The reset finishes it: handed out once, then gone. */
  ot_spdm_csr_track_reset(t);
  assert_ot_ok(ot_spdm_csr_track_decide(t, attrs_tag(1), 0, &a, &tag));
  assert_int_equal(a, OT_SPDM_CSR_ACT_RETURN);
  assert_memory_equal(t->tag[1].csr, csr, sizeof csr);
  assert_ot_ok(ot_spdm_csr_track_take(t, 1));
  assert_ot_code(ot_spdm_csr_track_take(t, 1), OT_E_ARG);
  assert_ot_ok(ot_spdm_csr_track_decide(t, attrs_tag(1), 0, &a, &tag));
  assert_int_equal(a, OT_SPDM_CSR_ACT_INVALID);
  free(t);
}

static void busy_then_overwrite(void **state) {
  (void)state;
  ot_spdm_csr_tracker *t = calloc(1, sizeof(*t));
  assert_non_null(t);
  ot_spdm_csr_track_init(t);
  ot_spdm_csr_action a;
  uint8_t tag;
  static const uint8_t csr[1] = {0x30};
  for (uint8_t i = 1; i <= OT_SPDM_CSR_TAG_MAX; i++) {
    assert_ot_ok(ot_spdm_csr_track_decide(t, 0, 0, &a, &tag));
    assert_int_equal(a, OT_SPDM_CSR_ACT_NEW);
    assert_int_equal(tag, i);
    assert_ot_ok(ot_spdm_csr_track_store(t, tag, 0, csr, 1));
  }
  /* Seven pending: Busy (as libspdm), nothing changed. */
  assert_ot_ok(ot_spdm_csr_track_decide(t, 0, 0, &a, &tag));
  assert_int_equal(a, OT_SPDM_CSR_ACT_BUSY);
  /* A tag already in use cannot be stored over; bad arguments refused. */
  assert_ot_code(ot_spdm_csr_track_store(t, 3, 0, csr, 1), OT_E_ARG);
  assert_ot_code(ot_spdm_csr_track_store(t, 0, 0, csr, 1), OT_E_ARG);
  assert_ot_code(ot_spdm_csr_track_store(t, 8, 0, csr, 1), OT_E_ARG);
  /* Overwrite discards every pending CSR and starts again at tag 1. */
  assert_ot_ok(ot_spdm_csr_track_decide(t, OT_SPDM_CSR_ATTR_OVERWRITE, 0, &a, &tag));
  assert_int_equal(a, OT_SPDM_CSR_ACT_NEW);
  assert_int_equal(tag, 1);
  for (uint8_t i = 1; i <= OT_SPDM_CSR_TAG_MAX; i++) assert_false(t->tag[i].used);
  free(t);
}

static void file_form_round_trip_and_refusals(void **state) {
  (void)state;
  ot_spdm_csr_tracker *t = calloc(1, sizeof(*t)), *u = calloc(1, sizeof(*u));
  uint8_t *buf = calloc(1, 8 + 1 + 2 * (5 + OT_SPDM_CSR_MAX));
  assert_true(t && u && buf);
  ot_spdm_csr_track_init(t);
  ot_spdm_csr_track_init(u);
  uint8_t csr[40];
  for (size_t i = 0; i < sizeof csr; i++) csr[i] = (uint8_t)i;
  assert_ot_ok(ot_spdm_csr_track_store(t, 2, 0, csr, sizeof csr));
  assert_ot_ok(ot_spdm_csr_track_store(t, 6, 9, csr, 10));
  ot_spdm_csr_track_reset(t);
  size_t len = 0, cap = 8 + 1 + 2 * (5 + OT_SPDM_CSR_MAX);
  assert_ot_ok(ot_spdm_csr_track_encode(t, buf, cap, &len));
  assert_int_equal(len, 9 + 5 + 40 + 5 + 10);
  assert_ot_ok(ot_spdm_csr_track_decode(u, buf, len));
  assert_true(u->tag[2].used && u->tag[2].ready && u->tag[2].csr_len == 40);
  assert_true(u->tag[6].used && u->tag[6].key_pair_id == 9);
  assert_memory_equal(u->tag[2].csr, csr, 40);
  /* Refusals leave the tracker as it was. */
  ot_spdm_csr_tracker before;
  memcpy(&before, u, sizeof before);
  for (size_t n = 0; n < len; n++) /* every truncation */
    assert_false(ot_ok(ot_spdm_csr_track_decode(u, buf, n)));
  buf[len] = 0;
  assert_ot_code(ot_spdm_csr_track_decode(u, buf, len + 1), OT_E_TRAILING);
  buf[9] = 0; /* tag 0 */
  assert_ot_code(ot_spdm_csr_track_decode(u, buf, len), OT_E_MALFORMED);
  buf[9] = 6; /* tag 6 twice */
  assert_ot_code(ot_spdm_csr_track_decode(u, buf, len), OT_E_MALFORMED);
  buf[9] = 2;
  buf[11] = 2; /* Ready neither 0 nor 1 */
  assert_ot_code(ot_spdm_csr_track_decode(u, buf, len), OT_E_MALFORMED);
  buf[11] = 1;
  buf[8] = 8; /* Count past seven */
  assert_ot_code(ot_spdm_csr_track_decode(u, buf, len), OT_E_MALFORMED);
  buf[8] = 2;
  buf[0] ^= 1; /* magic */
  assert_ot_code(ot_spdm_csr_track_decode(u, buf, len), OT_E_MALFORMED);
  assert_memory_equal(u, &before, sizeof before);
  assert_ot_code(ot_spdm_csr_track_encode(t, buf, len - 1, &len), OT_E_NO_SPACE);
  free(t);
  free(u);
  free(buf);
}

/* In process at SPDM 1.3: ResetRequired with tag 1, still pending before the
 * reset, the CSR after it (the same bytes the device made), then the tag is
 * gone; a tag without CERT_INSTALL_RESET_CAP is InvalidRequest. */
static void exchange_with_reset(void **state) {
  (void)state;
  rig_opts o = {.curve = OT_CURVE_P256, .versions = OT_SPDM_VMASK_13, .seed = 3};
  rig *g = rig_new(&o);
  ot_spdm_csr_tracker *t = calloc(1, sizeof(*t));
  assert_non_null(t);
  ot_spdm_csr_track_init(t);
  g->rcfg.caps |= OT_SPDM_CAP_CSR | OT_SPDM_CAP_SET_CERT | OT_SPDM_CAP_CERT_INSTALL_RESET;
  g->rcfg.set_cert = refuse_set_cert;
  g->rcfg.csr_tracker = t;
  rig_authenticate(g, 0);
  uint8_t csr[OT_SPDM_CSR_MAX];
  size_t n = 0;
  assert_false(ot_ok(ot_spdm_requester_get_csr(&g->req, 0, 0, 0, NULL, 0, csr, sizeof csr, &n)));
  assert_int_equal(ot_spdm_requester_csr_tag(&g->req), 1);
  assert_true(t->tag[1].used && !t->tag[1].ready);
  ot_spdm_csr_track_reset(t); /* the device's reset */
  reconnect(g);
  assert_ot_ok(ot_spdm_requester_get_csr(&g->req, 0, 0, attrs_tag(1), NULL, 0, csr, sizeof csr,
                                         &n));
  assert_false(t->tag[1].used);
  assert_ot_ok(ot_x509_csr_check(csr, n, NULL, NULL, 0, NULL));
  reconnect(g);
  assert_ot_code(ot_spdm_requester_get_csr(&g->req, 0, 0, attrs_tag(1), NULL, 0, csr, sizeof csr,
                                           &n),
                 OT_E_MALFORMED);
  assert_int_equal(ot_spdm_requester_csr_tag(&g->req), 0);
  rig_free(g);
  free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(decide_store_reset_take),
      cmocka_unit_test(busy_then_overwrite),
      cmocka_unit_test(file_form_round_trip_and_refusals),
      cmocka_unit_test(exchange_with_reset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
