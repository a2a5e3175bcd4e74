/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET_CSR and SET_CERTIFICATE (DSP0274 1.2) between the in-process requester
 * and responder: the CSR names the device key and verifies; SET_CERTIFICATE
 * needs a session (or slot 0 in a trusted environment), a chain for a key
 * the device holds, and a consistent RootHash; the device model's store is
 * called with exactly the DER certificates, and refusals change nothing.
 */
#include "opentsm/x509.h"
#include "spdm_rig.h"

typedef struct store {
  ot_spdm_identity *id;
  unsigned calls;
  uint8_t slot, kpid;
  ot_status fail_with; /* OT_OK: store; else answer this */
} store;

static ot_status store_fn(void *ctx, uint8_t slot, uint8_t kpid, const uint8_t *der, size_t len) {
  store *s = ctx;
  s->calls++;
  s->slot = slot;
  s->kpid = kpid;
  if (!ot_ok(s->fail_with)) return s->fail_with;
  return ot_spdm_identity_provision(s->id, slot, kpid, der, len, RIG_NOW, NULL);
}

static rig *prov_rig(store *st, bool trusted) {
  rig_opts o = {.curve = OT_CURVE_P256, .versions = OT_SPDM_VMASK_13, .seed = 21};
  rig *g = rig_new(&o);
  *st = (store){.id = &g->id, .fail_with = OT_SUCCESS};
  g->rcfg.caps |= OT_SPDM_CAP_CSR | OT_SPDM_CAP_SET_CERT;
  g->rcfg.set_cert = store_fn;
  g->rcfg.set_cert_ctx = st;
  g->rcfg.trusted_env = trusted;
  g->rcfg.csr_common_name = "rig device";
  rig_authenticate(g, 0);
  return g;
}

static void test_csr_for_the_device_key(void **state) {
  (void)state;
  store st;
  rig *g = prov_rig(&st, false);
  uint8_t csr[OT_SPDM_CSR_MAX], pub[OT_ECC_MAX_PUBLIC];
  size_t n = 0, pub_len = 0;
  ot_curve curve;
  assert_ot_ok(ot_spdm_requester_get_csr(&g->req, 0, 0, 0, NULL, 0, csr, sizeof csr, &n));
  assert_ot_ok(ot_x509_csr_check(csr, n, &curve, pub, sizeof pub, &pub_len));
  assert_int_equal(curve, OT_CURVE_P256);
  assert_memory_equal(pub, g->id.keys[0].pub, pub_len);
  /* A flipped byte in the signature no longer verifies. */
  csr[n - 3] ^= 0x01;
  assert_false(ot_ok(ot_x509_csr_check(csr, n, NULL, NULL, 0, NULL)));
  rig_free(g);
}

static void test_csr_with_requester_info(void **state) {
  (void)state;
  store st;
  rig *g = prov_rig(&st, false);
  /* A CertificationRequestInfo for the device key: the body of a CSR the
   * device made, with its own subject. */
  uint8_t csr[OT_SPDM_CSR_MAX], again[OT_SPDM_CSR_MAX];
  size_t n = 0, m = 0;
  assert_ot_ok(ot_spdm_requester_get_csr(&g->req, 0, 0, 0, NULL, 0, csr, sizeof csr, &n));
  /* csr = SEQUENCE { info, alg, sig }: info is the first element. */
  assert_int_equal(csr[0], 0x30);
  size_t off = csr[1] == 0x82 ? 4 : csr[1] == 0x81 ? 3 : 2;
  size_t info_len = csr[off + 1] < 0x80    ? 2u + csr[off + 1]
                    : csr[off + 1] == 0x81 ? 3u + csr[off + 2]
                                           : 4u + (((size_t)csr[off + 2] << 8) | csr[off + 3]);
  assert_ot_ok(
      ot_spdm_requester_get_csr(&g->req, 0, 0, 0, csr + off, info_len, again, sizeof again, &m));
  assert_ot_ok(ot_x509_csr_check(again, m, NULL, NULL, 0, NULL));
  /* RequesterInfo that does not parse: InvalidRequest. */
  uint8_t junk[8] = {0x30, 0x06, 1, 2, 3, 4, 5, 6};
  assert_false(ot_ok(
      ot_spdm_requester_get_csr(&g->req, 0, 0, 0, junk, sizeof junk, again, sizeof again, &m)));
  rig_free(g);
}

static void test_set_certificate_needs_a_session(void **state) {
  (void)state;
  store st;
  rig *g = prov_rig(&st, false);
  /* The device's own slot-0 chain, again, into slot 2. */
  const ot_spdm_id_slot *s0 = &g->id.slots[0];
  uint8_t der[OT_SPDM_ID_CHAIN_MAX];
  size_t len = s0->der_len;
  memcpy(der, s0->der, len);
  assert_ot_code(ot_spdm_requester_set_certificate(&g->req, 0, 2, 0, 0, der, len),
                 ot_spdm_error_status(OT_SPDM_ERR_UNEXPECTED_REQUEST).code);
  assert_int_equal(st.calls, 0);
  /* Reconnect (the failure ended the connection), then in a session. */
  rig_authenticate(g, 0);
  uint32_t sid = 0;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, 0, &sid));
  assert_ot_ok(ot_spdm_requester_set_certificate(&g->req, sid, 2, 0, 0, der, len));
  assert_int_equal(st.calls, 1);
  assert_int_equal(st.slot, 2);
  assert_int_equal(ot_spdm_identity_slot_mask(&g->id), 0x05);
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  rig_free(g);
}

static void test_set_certificate_slot0_trusted(void **state) {
  (void)state;
  store st;
  rig *g = prov_rig(&st, true);
  const ot_spdm_id_slot *s0 = &g->id.slots[0];
  uint8_t der[OT_SPDM_ID_CHAIN_MAX];
  size_t len = s0->der_len;
  memcpy(der, s0->der, len);
  assert_ot_ok(ot_spdm_requester_set_certificate(&g->req, 0, 0, 0, 0, der, len));
  assert_int_equal(st.calls, 1);
  /* Slot 1 in the clear: refused even here. */
  assert_false(ot_ok(ot_spdm_requester_set_certificate(&g->req, 0, 1, 0, 0, der, len)));
  assert_int_equal(st.calls, 1);
  rig_free(g);
}

/* One raw request straight to the responder. */
static size_t raw(rig *g, const uint8_t *req, size_t len, uint8_t *rsp) {
  size_t n = 0;
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, req, len, rsp, 4096, &n));
  return n;
}

static void test_set_certificate_refusals(void **state) {
  (void)state;
  store st;
  rig *g = prov_rig(&st, true);
  const ot_spdm_id_slot *s0 = &g->id.slots[0];
  static uint8_t req[8192], rsp[4096];
  /* SET_CERTIFICATE slot 0 | Length | Reserved | RootHash (H) | DER. */
  size_t h = g->req.neg.sizes.hash_len;
  size_t total = 4 + 4 + h + s0->der_len;
  req[0] = 0x13, req[1] = 0xee, req[2] = 0, req[3] = 0;
  ot_store_u16le(req + 4, (uint16_t)(total - 4));
  req[6] = req[7] = 0;
  memset(req + 8, 0xAA, h); /* a RootHash that is not Hash(root) */
  memcpy(req + 8 + h, s0->der, s0->der_len);
  size_t n = raw(g, req, total, rsp);
  assert_int_equal(n, 4);
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(st.calls, 0);
  /* The right RootHash, but the store fails: OperationFailed (1.3). */
  assert_ot_ok(ot_hash(g->req.neg.hash, s0->der, s0->root_len, req + 8, h));
  st.fail_with = ot_status_of(OT_E_IO);
  n = raw(g, req, total, rsp);
  assert_int_equal(rsp[2], OT_SPDM_ERR_OPERATION_FAILED);
  /* A chain for another key: InvalidRequest, the slot as it was. */
  st.fail_with = ot_status_of(OT_E_BAD_KEY);
  n = raw(g, req, total, rsp);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  /* KeyPairID on a connection that is not multi-key: InvalidRequest. */
  st.fail_with = OT_SUCCESS;
  unsigned calls = st.calls;
  req[3] = 1;
  n = raw(g, req, total, rsp);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(st.calls, calls);
  req[3] = 0;
  n = raw(g, req, total, rsp);
  assert_int_equal(n, 4);
  assert_int_equal(rsp[1], OT_SPDM_SET_CERTIFICATE_RSP);
  assert_int_equal(rsp[2], 0);
  rig_free(g);
}

/* ot_spdm_identity_provision: a chain for a key the device does not hold,
 * or one that does not validate, leaves the slot as it was. */
static void test_identity_provision(void **state) {
  (void)state;
  store st;
  rig *g = prov_rig(&st, false);
  ot_spdm_id_slot before = g->id.slots[0];
  ot_spdm_hierarchy other;
  assert_ot_ok(ot_spdm_hierarchy_generate(&other, OT_CURVE_P256, &g->drbg_host.rng,
                                          RIG_NOW - RIG_DAY, RIG_NOW + RIG_DAY, NULL));
  assert_ot_code(ot_spdm_identity_provision(&g->id, 0, 0, other.der, other.der_len, RIG_NOW, NULL),
                 OT_E_BAD_KEY);
  assert_memory_equal(&g->id.slots[0], &before, sizeof(before));
  /* Expired at `now`: OT_E_CERT. */
  ot_x509_verdict v;
  assert_ot_code(ot_spdm_identity_provision(&g->id, 1, 0, before.der, before.der_len,
                                            RIG_NOW + 4000 * RIG_DAY, &v),
                 OT_E_CERT);
  assert_false(g->id.slots[1].present);
  /* Erase, then erase again: the second finds nothing. */
  assert_ot_ok(ot_spdm_identity_provision(&g->id, 0, 0, NULL, 0, RIG_NOW, NULL));
  assert_false(g->id.slots[0].present);
  assert_ot_code(ot_spdm_identity_provision(&g->id, 0, 0, NULL, 0, RIG_NOW, NULL), OT_E_NOT_FOUND);
  ot_spdm_hierarchy_clear(&other);
  rig_free(g);
}

/* CSR_CAP without SET_CERT_CAP is not a configuration (DSP0274 1.2; the
 * validator's libspdm refused the device that advertised it). */
static void test_csr_needs_set_cert(void **state) {
  (void)state;
  store st;
  rig *g = prov_rig(&st, false);
  ot_spdm_responder r;
  ot_spdm_responder_config cfg = g->rcfg;
  cfg.caps &= ~(uint32_t)OT_SPDM_CAP_SET_CERT;
  assert_ot_code(ot_spdm_responder_init(&r, &cfg), OT_E_ARG);
  cfg.caps |= OT_SPDM_CAP_SET_CERT;
  cfg.set_cert = NULL;
  assert_ot_code(ot_spdm_responder_init(&r, &cfg), OT_E_ARG);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csr_for_the_device_key),
      cmocka_unit_test(test_csr_with_requester_info),
      cmocka_unit_test(test_set_certificate_needs_a_session),
      cmocka_unit_test(test_set_certificate_slot0_trusted),
      cmocka_unit_test(test_set_certificate_refusals),
      cmocka_unit_test(test_identity_provision),
      cmocka_unit_test(test_csr_needs_set_cert),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
