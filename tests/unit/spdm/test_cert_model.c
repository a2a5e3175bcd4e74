/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SET_CERTIFICATE's certificate model (DSP0274 1.3 SetCertModel, Param1 bits
 * 6:4; CertificateInfo in DIGESTS and CERTIFICATE Param2): each slot keeps
 * the model it was written with and its chain is checked by that model
 * (DeviceCert: SPDM responder leaf; AliasCert: an alias leaf without the
 * hardware identity, issued by the device certificate; GenericCert: no SPDM
 * leaf EKUs), GenericCert never in slot 0, and a refusal changes nothing.
 */
#include "ca_rig.h"
#include "mk_rig.h"

#define KEYS OT_SOURCE_DIR "/tests/vectors/spdm-emu/sample_key"
#define SAMPLE_NOW ((time_t)1750000000)

static uint8_t *load(const char *path, size_t *n) {
  uint8_t *p = ts_read_file(path, n);
  assert_non_null(p);
  return p;
}

static ot_spdm_identity *sample_identity(void) {
  ot_spdm_identity *id = calloc(1, sizeof(*id));
  assert_non_null(id);
  ot_spdm_identity_init(id);
  assert_ot_ok(ot_spdm_identity_load_dmtf_sample(id, KEYS, OT_CURVE_P384, false));
  return id;
}

static void free_identity(ot_spdm_identity *id) {
  ot_spdm_identity_clear(id);
  free(id);
}

/* The DMTF device chain (its leaf carries the hardware identity) and alias
 * chain (device certificate as CA, alias leaf over the same key). */
static void test_identity_keeps_each_model(void **s) {
  (void)s;
  ot_spdm_identity *id = sample_identity();
  size_t dn = 0, an = 0;
  uint8_t *dev = load(KEYS "/ecp384/bundle_responder.certchain.der", &dn);
  uint8_t *alias = load(KEYS "/ecp384/bundle_responder.certchain_alias.der", &an);
  ot_x509_verdict v;
  assert_ot_ok(ot_spdm_identity_provision_model(id, 1, 0, OT_SPDM_CERT_MODEL_DEVICE, dev, dn,
                                                SAMPLE_NOW, &v));
  assert_int_equal(id->slots[1].cert_model, OT_SPDM_CERT_MODEL_DEVICE);
  assert_ot_ok(ot_spdm_identity_provision_model(id, 2, 0, OT_SPDM_CERT_MODEL_ALIAS, alias, an,
                                                SAMPLE_NOW, &v));
  assert_int_equal(id->slots[2].cert_model, OT_SPDM_CERT_MODEL_ALIAS);
  assert_int_equal(id->slots[2].der_len, an);
  assert_ot_ok(ot_spdm_identity_provision_model(id, 3, 0, OT_SPDM_CERT_MODEL_GENERIC, dev, dn,
                                                SAMPLE_NOW, &v));
  assert_int_equal(id->slots[3].cert_model, OT_SPDM_CERT_MODEL_GENERIC);
  /* The old entry point is DeviceCert. */
  assert_ot_ok(ot_spdm_identity_provision(id, 4, 0, alias, an, SAMPLE_NOW, &v));
  assert_int_equal(id->slots[4].cert_model, OT_SPDM_CERT_MODEL_DEVICE);
  free(dev);
  free(alias);
  free_identity(id);
}

static void test_identity_refusals_change_nothing(void **s) {
  (void)s;
  ot_spdm_identity *id = sample_identity();
  size_t dn = 0;
  uint8_t *dev = load(KEYS "/ecp384/bundle_responder.certchain.der", &dn);
  ot_spdm_id_slot before = id->slots[0];
  assert_false(id->slots[5].present);
  ot_x509_verdict v;
  /* GenericCert is never slot 0's; model 0 and 4..7 are no model. */
  assert_ot_code(ot_spdm_identity_provision_model(id, 0, 0, OT_SPDM_CERT_MODEL_GENERIC, dev, dn,
                                                  SAMPLE_NOW, &v),
                 OT_E_MALFORMED);
  assert_ot_code(ot_spdm_identity_provision_model(id, 5, 0, 0, dev, dn, SAMPLE_NOW, &v),
                 OT_E_MALFORMED);
  assert_ot_code(ot_spdm_identity_provision_model(id, 5, 0, 4, dev, dn, SAMPLE_NOW, &v),
                 OT_E_MALFORMED);
  assert_false(id->slots[5].present);
  assert_int_equal(id->slots[0].der_len, before.der_len);
  assert_memory_equal(id->slots[0].der, before.der, before.der_len);
  assert_int_equal(id->slots[0].cert_model, OT_SPDM_CERT_MODEL_DEVICE);
  /* An alias leaf alone (no device certificate above it): refused. */
  ot_x509_chain c;
  size_t an = 0;
  uint8_t *alias = load(KEYS "/ecp384/bundle_responder.certchain_alias.der", &an);
  assert_ot_ok(ot_x509_chain_parse(alias, an, &c));
  const ot_x509_cert *leaf = ot_x509_chain_leaf(&c);
  assert_ot_code(ot_spdm_identity_provision_model(id, 5, 0, OT_SPDM_CERT_MODEL_ALIAS, leaf->der,
                                                  leaf->len, SAMPLE_NOW, &v),
                 OT_E_CERT);
  assert_false(id->slots[5].present);
  free(alias);
  free(dev);
  free_identity(id);
}

/* ---- over the wire: a 1.3 multi-key device ---------------------------------- */

static ot_status set_cert(void *ctx, uint8_t slot, uint8_t kpid, uint8_t model, const uint8_t *der,
                          size_t len) {
  mk *m = ctx;
  m->calls++;
  m->last_model = model;
  OT_GUARD(ot_spdm_identity_provision_model(&m->g->id, slot, kpid, model, der, len, RIG_NOW, NULL));
  ot_spdm_key_pairs_bind_identity(&m->t, &m->g->id);
  return OT_SUCCESS;
}

/* Pair 2 generated; a fresh root issues its leaf with the given SPDM EKUs
 * and the hardware identity: root | leaf into m->der (the root is the
 * requester's second anchor). */
static void issue(mk *m, unsigned eku) {
  ot_spdm_set_key_pair_info q = {.key_pair_id = 2,
                                 .operation = OT_SPDM_KEY_PAIR_OP_GENERATE,
                                 .desired_asym_algo = OT_SPDM_KP_ALGO_ECC256};
  assert_ot_ok(ot_spdm_key_pairs_apply(&m->t, &q, &m->g->drbg_dev.rng));
  assert_ot_ok(ot_spdm_key_pairs_to_identity(&m->t, &m->g->id));
  ca_leaf o = {.curve = OT_CURVE_P256,
               .ca_name = "model CA",
               .leaf_name = "key pair 2",
               .pub = m->t.kp[1].pub,
               .eku = eku,
               .not_before = RIG_NOW - RIG_DAY,
               .not_after = RIG_NOW + 365 * RIG_DAY};
  ca_issue(&o, &m->g->drbg_host.rng, m->der, sizeof m->der, &m->der_len, &m->anchors[1]);
}

static mk *mk_new(uint8_t seed, unsigned eku) {
  mk *m = mk_new_device(seed);
  m->g->rcfg.set_cert_model = set_cert;
  issue(m, eku);
  rig_authenticate(m->g, 0);
  assert_true(m->g->req.neg.multi_key_conn);
  return m;
}

/* A new connection and session: the requester gives up on a connection
 * after an ERROR, so each refusal is followed by one. */
static uint32_t fresh(mk *m) {
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_connect(&m->g->req));
  assert_ot_ok(ot_spdm_requester_get_digests(&m->g->req, &mask));
  assert_ot_ok(ot_spdm_requester_get_certificate(&m->g->req, 0, 0, m->g->chain,
                                                 sizeof m->g->chain, &m->g->chain_len));
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&m->g->req, 0, 0, &sid));
  return sid;
}

static ot_status set(mk *m, uint32_t sid, uint8_t slot, uint8_t model) {
  return ot_spdm_requester_set_certificate(&m->g->req, sid, slot, 2, model, m->der, m->der_len);
}

/* A GenericCert chain whose leaf names only the Requester EKU: refused as
 * DeviceCert, kept as GenericCert, refused in slot 0; DIGESTS and the
 * CERTIFICATE response of a new connection report CertModel 3 and the
 * requester fetches and validates it as GenericCert. */
static void test_generic_cert_over_the_wire(void **s) {
  (void)s;
  mk *m = mk_new(70, OT_X509_EKU_REQUESTER);
  uint32_t sid = fresh(m);
  assert_false(ot_ok(set(m, sid, 2, OT_SPDM_CERT_MODEL_DEVICE)));
  assert_false(m->g->id.slots[2].present);
  unsigned calls = m->calls;
  sid = fresh(m);
  assert_false(ot_ok(set(m, sid, 0, OT_SPDM_CERT_MODEL_GENERIC)));
  assert_int_equal(m->calls, calls); /* refused before the device model */
  assert_int_equal(m->g->id.slots[0].cert_model, OT_SPDM_CERT_MODEL_DEVICE);
  sid = fresh(m);
  assert_ot_ok(set(m, sid, 2, OT_SPDM_CERT_MODEL_GENERIC));
  assert_int_equal(m->last_model, OT_SPDM_CERT_MODEL_GENERIC);
  assert_int_equal(m->g->id.slots[2].cert_model, OT_SPDM_CERT_MODEL_GENERIC);
  assert_ot_ok(ot_spdm_requester_end_session(&m->g->req, sid));
  assert_ot_ok(ot_spdm_requester_connect(&m->g->req));
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_get_digests(&m->g->req, &mask));
  assert_int_equal(mask, 0x05);
  assert_int_equal(m->g->req.slots[2].cert_info, OT_SPDM_CERT_MODEL_GENERIC);
  assert_int_equal(m->g->req.slots[0].cert_info, OT_SPDM_CERT_MODEL_DEVICE);
  uint8_t chain[OT_SPDM_LARGE_MAX];
  size_t chain_len;
  assert_ot_ok(
      ot_spdm_requester_get_certificate(&m->g->req, 2, 0, chain, sizeof chain, &chain_len));
  assert_true(m->g->req.slots[2].verified);
  mk_free(m);
}

/* AliasCert: a leaf with the hardware identity is refused; model 0 on a
 * multi-key connection is refused; Erase with a SetCertModel is refused. */
static void test_alias_and_zero_model_refused(void **s) {
  (void)s;
  mk *m = mk_new(71, OT_X509_EKU_RESPONDER);
  uint32_t sid = fresh(m);
  assert_false(ot_ok(set(m, sid, 2, OT_SPDM_CERT_MODEL_ALIAS)));
  assert_false(m->g->id.slots[2].present);
  unsigned calls = m->calls;
  sid = fresh(m);
  assert_false(ot_ok(set(m, sid, 2, OT_SPDM_CERT_MODEL_NONE)));
  assert_int_equal(m->calls, calls);
  sid = fresh(m);
  assert_ot_ok(set(m, sid, 2, OT_SPDM_CERT_MODEL_DEVICE));
  assert_int_equal(m->g->id.slots[2].cert_model, OT_SPDM_CERT_MODEL_DEVICE);
  calls = m->calls;
  assert_false(ot_ok(ot_spdm_requester_set_certificate(&m->g->req, sid, 2, 2,
                                                       OT_SPDM_CERT_MODEL_DEVICE, NULL, 0)));
  assert_int_equal(m->calls, calls);
  assert_true(m->g->id.slots[2].present);
  sid = fresh(m);
  assert_ot_ok(ot_spdm_requester_set_certificate(&m->g->req, sid, 2, 2, 0, NULL, 0));
  assert_false(m->g->id.slots[2].present);
  assert_int_equal(m->last_model, OT_SPDM_CERT_MODEL_NONE);
  assert_ot_ok(ot_spdm_requester_end_session(&m->g->req, sid));
  mk_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_identity_keeps_each_model),
      cmocka_unit_test(test_identity_refusals_change_nothing),
      cmocka_unit_test(test_generic_cert_over_the_wire),
      cmocka_unit_test(test_alias_and_zero_model_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
