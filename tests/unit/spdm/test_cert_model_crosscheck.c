/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The requester's cross-check of CERTIFICATE Param2 (DSP0274 1.3 §10.6
 * CertificateInfo) against the CertModel DIGESTS listed for the slot (§10.5)
 * on a multi-key connection: a different model, None or a reserved model is
 * refused and the slot is left unverified; the listed model is accepted;
 * without MULTI_KEY_CONN Param2 is reserved and not looked at.
 */
#include "spdm_rig.h"

/* A transport that rewrites Param2 of CERTIFICATE responses from the
 * `from`-th one on (1 = the first) and records the Param2 last seen. */
typedef struct param2_rewrite {
  ot_doe_transport base;
  ot_doe_transport *inner;
  bool on;
  uint8_t value;
  unsigned from, seen;
  uint8_t last_param2; /* as the responder sent it */
} param2_rewrite;

static ot_status rewrite_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                  const uint8_t *req, size_t len, uint8_t *rsp, size_t cap,
                                  size_t *rsp_len) {
  param2_rewrite *x = (param2_rewrite *)t;
  OT_GUARD(ot_doe_exchange(x->inner, vendor, type, req, len, rsp, cap, rsp_len));
  if (type != OT_DOE_TYPE_SPDM || *rsp_len < 4 || rsp[1] != OT_SPDM_CERTIFICATE) return OT_SUCCESS;
  x->seen++;
  x->last_param2 = rsp[3];
  if (x->on && x->seen >= x->from) rsp[3] = x->value;
  return OT_SUCCESS;
}

static rig *rewrite_rig(param2_rewrite *x, bool multi_key, uint8_t seed) {
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_13, false, multi_key, seed});
  x->base.exchange = rewrite_exchange;
  x->inner = &g->loop.base;
  g->req.io = &x->base;
  return g;
}

/* Connect and DIGESTS: slot 0 listed with the device's model. */
static void connect_digests(rig *g, bool multi_key) {
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_int_equal(g->req.neg.multi_key_conn, multi_key);
  assert_ot_ok(ot_spdm_requester_get_digests(&g->req, &mask));
  assert_int_equal(mask, 0x01);
  assert_int_equal(g->req.slots[0].cert_info,
                   multi_key ? OT_SPDM_CERT_MODEL_DEVICE : OT_SPDM_CERT_MODEL_NONE);
}

/* Fetches slot 0 with Param2 rewritten to `model` from the `from`-th
 * portion on; expects the refusal, the slot unverified, the connection
 * failed and the refused portion not taken. */
static void expect_refused(rig *g, param2_rewrite *x, size_t portion, unsigned from,
                           uint8_t model) {
  x->on = true;
  x->value = model;
  x->from = x->seen + from;
  size_t len = 12345;
  memset(g->chain, 0xa5, sizeof(g->chain));
  assert_ot_code(ot_spdm_requester_get_certificate(&g->req, 0, portion, g->chain,
                                                   sizeof(g->chain), &len),
                 OT_E_MALFORMED);
  assert_int_equal(len, 12345);
  assert_false(g->req.slots[0].verified);
  assert_true(g->req.failed);
  /* The refused portion is not taken: the buffer past the portions before
   * it was never written. */
  assert_int_equal(g->chain[256 * (from - 1)], 0xa5);
  x->on = false;
}

/* DIGESTS lists DeviceCert; a CERTIFICATE saying AliasCert is refused. */
static void test_mismatch_refused(void **s) {
  (void)s;
  param2_rewrite x = {0};
  rig *g = rewrite_rig(&x, true, 90);
  connect_digests(g, true);
  expect_refused(g, &x, 0, 1, OT_SPDM_CERT_MODEL_ALIAS);
  /* The connection is over: no CHALLENGE with that slot. */
  assert_false(ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL)));
  rig_free(g);
}

/* Every portion repeats the model: a mismatch in the third portion is
 * refused as well. */
static void test_mismatch_in_later_portion_refused(void **s) {
  (void)s;
  param2_rewrite x = {0};
  rig *g = rewrite_rig(&x, true, 91);
  connect_digests(g, true);
  expect_refused(g, &x, 256, 3, OT_SPDM_CERT_MODEL_GENERIC);
  assert_int_equal(x.seen, 3);
  rig_free(g);
}

/* None (no certificate) and the reserved models 4..7 are refused even
 * though DIGESTS cannot be matched by them. */
static void test_none_and_reserved_models_refused(void **s) {
  (void)s;
  param2_rewrite x = {0};
  rig *g = rewrite_rig(&x, true, 92);
  connect_digests(g, true);
  expect_refused(g, &x, 0, 1, OT_SPDM_CERT_MODEL_NONE);
  connect_digests(g, true);
  expect_refused(g, &x, 0, 1, 4);
  connect_digests(g, true);
  expect_refused(g, &x, 0, 1, 7);
  rig_free(g);
}

/* The model DIGESTS listed, in one portion or in several: accepted. */
static void test_match_accepted(void **s) {
  (void)s;
  param2_rewrite x = {0};
  rig *g = rewrite_rig(&x, true, 93);
  rig_authenticate(g, 0);
  assert_true(g->req.neg.multi_key_conn);
  assert_int_equal(g->req.slots[0].cert_info, OT_SPDM_CERT_MODEL_DEVICE);
  assert_int_equal(x.last_param2, OT_SPDM_CERT_MODEL_DEVICE);
  assert_true(g->req.slots[0].verified);
  unsigned before = x.seen;
  assert_ot_ok(ot_spdm_requester_get_certificate(&g->req, 0, 256, g->chain, sizeof(g->chain),
                                                 &g->chain_len));
  assert_true(x.seen - before > 1);
  assert_true(g->req.slots[0].verified);
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL));
  rig_free(g);
}

/* A slot validated earlier in the connection and fetched again with a
 * model of its own is no longer validated (the earlier verdict is not
 * reused for it). */
static void test_refetch_mismatch_drops_slot(void **s) {
  (void)s;
  param2_rewrite x = {0};
  rig *g = rewrite_rig(&x, true, 94);
  connect_digests(g, true);
  assert_ot_ok(ot_spdm_requester_get_certificate(&g->req, 0, 0, g->chain, sizeof(g->chain),
                                                 &g->chain_len));
  assert_true(g->req.slots[0].verified);
  expect_refused(g, &x, 0, 1, OT_SPDM_CERT_MODEL_ALIAS);
  rig_free(g);
}

/* 1.3 without MULTI_KEY_CONN: Param2 is reserved; whatever it holds, the
 * chain is fetched and validated as before (the rewritten bytes then sit
 * in the transcript, so nothing is signed over it here). */
static void test_not_multi_key_unaffected(void **s) {
  (void)s;
  param2_rewrite x = {0};
  rig *g = rewrite_rig(&x, false, 95);
  connect_digests(g, false);
  assert_ot_ok(ot_spdm_requester_get_certificate(&g->req, 0, 0, g->chain, sizeof(g->chain),
                                                 &g->chain_len));
  assert_int_equal(x.last_param2, 0);
  assert_true(g->req.slots[0].verified);
  x.on = true;
  x.value = OT_SPDM_CERT_MODEL_ALIAS;
  x.from = x.seen + 1;
  assert_ot_ok(ot_spdm_requester_get_certificate(&g->req, 0, 256, g->chain, sizeof(g->chain),
                                                 &g->chain_len));
  assert_true(g->req.slots[0].verified);
  assert_false(g->req.failed);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mismatch_refused),
      cmocka_unit_test(test_mismatch_in_later_portion_refused),
      cmocka_unit_test(test_none_and_reserved_models_refused),
      cmocka_unit_test(test_match_accepted),
      cmocka_unit_test(test_refetch_mismatch_drops_slot),
      cmocka_unit_test(test_not_multi_key_unaffected),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
