/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester <-> responder in one process over a DOE loopback: every version,
 * curve and handshake mode, the whole flow (VCA, digests, certificate in
 * portions, challenge, measurements, session, heartbeat, key updates, VDM, end
 * session), and the requester's refusals (policy, trust, tampering).
 */
#include "spdm_rig.h"

static void full_flow(const rig_opts *o) {
  rig *g = rig_new(o);
  rig_authenticate(g, 100);
  uint8_t summary[OT_HASH_MAX_SIZE];
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_ALL, summary));
  uint8_t rec[4096];
  ot_spdm_meas_result res;
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_COUNT, false, 0, rec,
                                                  sizeof(rec), &res));
  assert_int_equal(res.total, 8);
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, 2, false, 0, rec, sizeof(rec), &res));
  assert_int_equal(res.block_count, 1);
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_ALL, true, 0, rec,
                                                  sizeof(rec), &res));
  assert_int_equal(res.block_count, 8);
  assert_true(res.signature_verified);

  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_TCB, &sid));
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, false));
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, true));
  uint8_t body[3] = {1, 2, 3}, back[8];
  size_t n;
  assert_ot_ok(ot_spdm_requester_vdm(&g->req, sid, OT_SPDM_REGISTRY_PCISIG, 1, 0x7f, body,
                                     sizeof(body), back, sizeof(back), &n));
  assert_int_equal(n, 3);
  assert_int_equal(back[0], 0xfe);
  assert_int_equal(g->echo.calls, 1);
  /* A second session alongside the first. */
  uint32_t sid2;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid2));
  assert_int_not_equal(sid, sid2);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid2));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  assert_ot_code(ot_spdm_requester_heartbeat(&g->req, sid), OT_E_NOT_FOUND);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid2));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid2));
  rig_free(g);
}

static void test_flow_12_p256(void **s) {
  (void)s;
  full_flow(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12, false, false, 1});
}
static void test_flow_12_p384(void **s) {
  (void)s;
  full_flow(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_12, false, false, 2});
}
static void test_flow_13_p256(void **s) {
  (void)s;
  full_flow(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_13, false, false, 3});
}
static void test_flow_13_p384(void **s) {
  (void)s;
  full_flow(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_13, false, false, 4});
}
static void test_flow_12_p384_in_clear(void **s) {
  (void)s;
  full_flow(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_12, true, false, 5});
}
static void test_flow_13_p256_in_clear_multi_key(void **s) {
  (void)s;
  full_flow(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_13, true, true, 6});
}
static void test_flow_13_p384_multi_key(void **s) {
  (void)s;
  full_flow(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_13, false, true, 7});
}

/* Highest common version: 1.3 when both speak it, 1.2 when the responder only does. */
static void test_version_highest_common(void **s) {
  (void)s;
  rig *g =
      rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13, false, false, 8});
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_int_equal(g->req.neg.version, OT_SPDM_VERSION_13);
  g->rcfg.versions = OT_SPDM_VMASK_12;
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_int_equal(g->req.neg.version, OT_SPDM_VERSION_12);
  rig_free(g);
}

static void test_version_below_policy(void **s) {
  (void)s;
  rig *g =
      rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13, false, false, 9});
  g->rcfg.versions = OT_SPDM_VMASK_12;
  g->qcfg.min_version = OT_SPDM_VERSION_13;
  assert_ot_code(ot_spdm_requester_connect(&g->req), OT_E_POLICY);
  assert_true(g->req.failed);
  uint8_t mask;
  assert_ot_code(ot_spdm_requester_get_digests(&g->req, &mask), OT_E_FAILED);
  rig_free(g);
}

/* Strongest common set, and a policy that refuses what the responder picks. */
static void test_algorithms_strongest_and_policy(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_12, false, false, 10});
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_int_equal(g->req.neg.base_asym, OT_SPDM_ASYM_ECDSA_P384);
  assert_int_equal(g->req.neg.base_hash, OT_SPDM_HASH_SHA_384);
  assert_int_equal(g->req.neg.dhe, OT_SPDM_DHE_SECP384R1);
  assert_int_equal(g->req.neg.aead, OT_SPDM_AEAD_AES_256_GCM);
  /* The requester allows ChaCha20 only: a responder with only AES has nothing common. */
  g->qcfg.algs.aead = OT_SPDM_AEAD_CHACHA20_POLY1305;
  g->rcfg.algs.aead = OT_SPDM_AEAD_AES_256_GCM;
  assert_ot_code(ot_spdm_requester_connect(&g->req), OT_E_MALFORMED);
  /* Both allow ChaCha20: selected. */
  g->rcfg.algs.aead = OT_SPDM_AEAD_CHACHA20_POLY1305 | OT_SPDM_AEAD_AES_256_GCM;
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_int_equal(g->req.neg.aead, OT_SPDM_AEAD_CHACHA20_POLY1305);
  rig_free(g);
}

/* The requester's check of a selection outside its policy (the responder
 * misbehaves: picks something that was not allowed). */
static void test_algorithms_check_refuses(void **s) {
  (void)s;
  ot_spdm_alg_offer offer;
  ot_spdm_alg_prefs allow = ot_spdm_alg_prefs_all;
  ot_spdm_offer_build(&allow, OT_SPDM_VERSION_12, false, &offer);
  ot_spdm_algorithms sel;
  assert_ot_ok(ot_spdm_algorithms_select(&allow, OT_SPDM_RSP_CAPS_IMPLEMENTED,
                                         OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_ENCRYPT,
                                         OT_SPDM_VERSION_12, &offer, &sel));
  ot_spdm_negotiated n;
  assert_ot_ok(ot_spdm_algorithms_check(&allow, OT_SPDM_VERSION_12, OT_SPDM_RSP_CAPS_IMPLEMENTED,
                                        OT_SPDM_CAP_KEY_EX, &offer, &sel, &n));
  ot_spdm_alg_prefs strict = allow;
  strict.base_asym = OT_SPDM_ASYM_ECDSA_P256;
  assert_ot_code(ot_spdm_algorithms_check(&strict, OT_SPDM_VERSION_12, OT_SPDM_RSP_CAPS_IMPLEMENTED,
                                          OT_SPDM_CAP_KEY_EX, &offer, &sel, &n),
                 OT_E_POLICY);
  ot_spdm_algorithms two = sel;
  two.base_hash_sel = OT_SPDM_HASH_SHA_256 | OT_SPDM_HASH_SHA_384;
  assert_ot_code(ot_spdm_algorithms_check(&allow, OT_SPDM_VERSION_12, OT_SPDM_RSP_CAPS_IMPLEMENTED,
                                          OT_SPDM_CAP_KEY_EX, &offer, &two, &n),
                 OT_E_MALFORMED);
}

/* A chain from another root: refused, nothing trusted. */
static void test_wrong_root(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12, false, false, 11});
  ot_spdm_hierarchy other;
  ot_drbg d;
  rig_drbg(&d, 99);
  assert_ot_ok(ot_spdm_hierarchy_generate(&other, OT_CURVE_P256, &d.rng, RIG_NOW - RIG_DAY,
                                          RIG_NOW + RIG_DAY, NULL));
  ot_x509_chain x;
  assert_ot_ok(ot_x509_chain_parse(other.der, other.der_len, &x));
  g->anchor = x.certs[0];
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_ot_ok(ot_spdm_requester_get_digests(&g->req, &mask));
  assert_ot_code(
      ot_spdm_requester_get_certificate(&g->req, 0, 0, g->chain, sizeof(g->chain), &g->chain_len),
      OT_E_CERT);
  assert_false(g->req.slots[0].verified);
  ot_spdm_hierarchy_clear(&other);
  ot_drbg_uninstantiate(&d);
  rig_free(g);
}

static void test_expired_chain(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12, false, false, 12});
  g->qcfg.now = RIG_NOW + 4000 * RIG_DAY;
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_ot_ok(ot_spdm_requester_get_digests(&g->req, &mask));
  assert_ot_code(
      ot_spdm_requester_get_certificate(&g->req, 0, 0, g->chain, sizeof(g->chain), &g->chain_len),
      OT_E_CERT);
  rig_free(g);
}

/* A transport that flips one byte of the response whose code matches. */
typedef struct tamper {
  ot_doe_transport base;
  ot_doe_transport *inner;
  uint8_t code;
  size_t offset_from_end; /* 1 = last byte */
  size_t truncate;        /* if non-zero: keep only this many bytes */
  uint8_t replace_code;   /* if non-zero: the response code becomes this */
} tamper;

static ot_status tamper_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                 const uint8_t *req, size_t len, uint8_t *rsp, size_t cap,
                                 size_t *rsp_len) {
  tamper *x = (tamper *)t;
  OT_GUARD(ot_doe_exchange(x->inner, vendor, type, req, len, rsp, cap, rsp_len));
  if (type != OT_DOE_TYPE_SPDM || *rsp_len < 4 || rsp[1] != x->code) return OT_SUCCESS;
  if (x->replace_code) rsp[1] = x->replace_code;
  if (x->truncate) *rsp_len = x->truncate;
  if (x->offset_from_end) {
    size_t exact = *rsp_len;
    while (exact > 4 && rsp[exact - 1] == 0 && *rsp_len - exact < 3)
      exact--;
    rsp[exact - x->offset_from_end] ^= 0x01;
  }
  return OT_SUCCESS;
}

static rig *tampered_rig(tamper *x, uint8_t seed) {
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_13, false, false, seed});
  x->base.exchange = tamper_exchange;
  x->inner = &g->loop.base;
  g->req.io = &x->base;
  return g;
}

static void test_tampered_challenge_signature(void **s) {
  (void)s;
  tamper x = {.code = OT_SPDM_CHALLENGE_AUTH, .offset_from_end = 5};
  rig *g = tampered_rig(&x, 13);
  rig_authenticate(g, 0);
  assert_ot_code(ot_spdm_requester_challenge(&g->req, 0, 0, NULL), OT_E_VERIFY);
  assert_true(g->req.failed);
  rig_free(g);
}

static void test_tampered_measurement(void **s) {
  (void)s;
  tamper x = {.code = OT_SPDM_MEASUREMENTS};
  rig *g = tampered_rig(&x, 14);
  rig_authenticate(g, 0);
  /* Flip a byte inside the first block's value: the L1 signature must fail. */
  x.offset_from_end = 64 /* sig */ + 8 /* ctx */ + 2 + 32 /* nonce */ + 1;
  uint8_t rec[4096];
  ot_spdm_meas_result res;
  assert_ot_code(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_ALL, true, 0, rec,
                                                    sizeof(rec), &res),
                 OT_E_VERIFY);
  rig_free(g);
}

static void test_tampered_key_exchange_signature(void **s) {
  (void)s;
  tamper x = {.code = OT_SPDM_KEY_EXCHANGE_RSP};
  rig *g = tampered_rig(&x, 15);
  rig_authenticate(g, 0);
  x.offset_from_end = 32 /* VerifyData */ + 3;
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&g->req, 0, 0, &sid), OT_E_VERIFY);
  for (size_t i = 0; i < OT_SPDM_REQ_MAX_SESSIONS; i++)
    assert_false(g->req.sessions[i].used);
  rig_free(g);
}

static void test_tampered_verify_data(void **s) {
  (void)s;
  tamper x = {.code = OT_SPDM_KEY_EXCHANGE_RSP, .offset_from_end = 1};
  rig *g = tampered_rig(&x, 16);
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&g->req, 0, 0, &sid), OT_E_VERIFY);
  for (size_t i = 0; i < OT_SPDM_REQ_MAX_SESSIONS; i++)
    assert_false(g->req.sessions[i].used);
  rig_free(g);
}

static void test_wrong_response_code(void **s) {
  (void)s;
  tamper x = {.code = OT_SPDM_DIGESTS, .replace_code = OT_SPDM_CERTIFICATE};
  rig *g = tampered_rig(&x, 17);
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_ot_code(ot_spdm_requester_get_digests(&g->req, &mask), OT_E_UNEXPECTED);
  rig_free(g);
}

static void test_truncated_response(void **s) {
  (void)s;
  tamper x = {.code = OT_SPDM_DIGESTS, .truncate = 20};
  rig *g = tampered_rig(&x, 18);
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_ot_code(ot_spdm_requester_get_digests(&g->req, &mask), OT_E_TRUNCATED);
  rig_free(g);
}

/* ResponseNotReady -> RESPOND_IF_READY, transparently. */
static void test_response_not_ready(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_13, false, false, 19});
  g->rcfg.not_ready_code = OT_SPDM_CHALLENGE;
  rig_authenticate(g, 0);
  uint64_t t0 = g->clock.now;
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, 0, NULL));
  assert_true(g->clock.now > t0); /* it waited RDT */
  assert_true(g->rsp.not_ready_done);
  rig_free(g);
}

/* A requester with a tiny DataTransferSize gets the certificate and the
 * measurements through CHUNK_GET. */
static void test_chunked_responses(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_12, false, false, 20});
  g->qcfg.data_transfer_size = 64;
  rig_authenticate(g, 0);
  uint8_t rec[4096];
  ot_spdm_meas_result res;
  assert_ot_ok(ot_spdm_requester_get_measurements(&g->req, OT_SPDM_MEAS_OP_ALL, true, 0, rec,
                                                  sizeof(rec), &res));
  assert_int_equal(res.block_count, 8);
  rig_free(g);
}

/* Without CHUNK_CAP, the requester reads the chain in portions that fit. */
static void test_certificate_small_portions(void **s) {
  (void)s;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12, false, false, 21});
  g->qcfg.caps &= ~OT_SPDM_CAP_CHUNK;
  rig_authenticate(g, 17);
  size_t exp;
  assert_ot_ok(ot_spdm_identity_chain_len(&g->id, 0, g->req.neg.hash, &exp));
  assert_int_equal(g->chain_len, exp);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flow_12_p256),
      cmocka_unit_test(test_flow_12_p384),
      cmocka_unit_test(test_flow_13_p256),
      cmocka_unit_test(test_flow_13_p384),
      cmocka_unit_test(test_flow_12_p384_in_clear),
      cmocka_unit_test(test_flow_13_p256_in_clear_multi_key),
      cmocka_unit_test(test_flow_13_p384_multi_key),
      cmocka_unit_test(test_version_highest_common),
      cmocka_unit_test(test_version_below_policy),
      cmocka_unit_test(test_algorithms_strongest_and_policy),
      cmocka_unit_test(test_algorithms_check_refuses),
      cmocka_unit_test(test_wrong_root),
      cmocka_unit_test(test_expired_chain),
      cmocka_unit_test(test_tampered_challenge_signature),
      cmocka_unit_test(test_tampered_measurement),
      cmocka_unit_test(test_tampered_key_exchange_signature),
      cmocka_unit_test(test_tampered_verify_data),
      cmocka_unit_test(test_wrong_response_code),
      cmocka_unit_test(test_truncated_response),
      cmocka_unit_test(test_response_not_ready),
      cmocka_unit_test(test_chunked_responses),
      cmocka_unit_test(test_certificate_small_portions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
