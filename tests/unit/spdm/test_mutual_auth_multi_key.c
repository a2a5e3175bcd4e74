/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mutual authentication on a connection that is multi-key for the requester
 * (DSP0274 1.3 §10.4 MULTI_KEY_CAP / RequesterMultiKeyConn), our requester
 * against our responder in one process: the requester's encapsulated DIGESTS
 * lists KeyPairID / CertificateInfo / KeyUsageMask per slot (§10.5), its
 * CERTIFICATE repeats the slot's CertificateInfo (§10.6), the responder picks
 * the slot whose key is meant for the use (KeyExUsage for the session's
 * FINISH, ChallengeUsage for basic mutual authentication), and in a session
 * that DIGESTS enters TH between K and H(CM) (EncapD) on both sides.
 */
#include "spdm_rig.h"

struct mk;
/* A transport between the requester and the device (ot_doe_transport first). */
typedef struct mk_tap {
  ot_doe_transport base;
  struct mk *m;
} mk_tap;

typedef struct mk {
  rig *g;
  ot_drbg drbg_tsm;
  ot_spdm_hierarchy h, h2;
  ot_spdm_identity id;
  ot_x509_cert anchor;
  /* A tap between the requester and the device: sees each plain SPDM
   * exchange (basic mutual authentication runs outside sessions). */
  mk_tap tap;
  void (*on_exchange)(struct mk *m, const uint8_t *req, size_t req_len, const uint8_t *rsp,
                      size_t rsp_len);
  unsigned fired;
} mk;

static ot_status tap_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                              const uint8_t *req, size_t req_len, uint8_t *rsp, size_t rsp_cap,
                              size_t *rsp_len) {
  mk *m = ((mk_tap *)t)->m;
  ot_status st =
      m->g->loop.base.exchange(&m->g->loop.base, vendor, type, req, req_len, rsp, rsp_cap, rsp_len);
  if (ot_ok(st) && m->on_exchange) m->on_exchange(m, req, req_len, rsp, *rsp_len);
  return st;
}

/* Requester MULTI_KEY_CAP `req_mk`; the identity's slot 0 with `usage0`, and
 * when usage1 is not 0 a second key pair (KeyPairID 2) in slot 1 with it. */
static mk *mk_new(uint8_t versions, uint8_t mode, uint32_t req_mk, uint16_t usage0,
                  uint16_t usage1) {
  mk *m = calloc(1, sizeof(*m));
  assert_non_null(m);
  rig_opts o = {.curve = OT_CURVE_P384, .versions = versions, .seed = 21};
  m->g = rig_new(&o);
  rig *g = m->g;
  rig_drbg(&m->drbg_tsm, 23);
  ot_spdm_identity_init(&m->id);
  assert_ot_ok(ot_spdm_hierarchy_generate_requester(&m->h, OT_CURVE_P256, &m->drbg_tsm.rng,
                                                    RIG_NOW - RIG_DAY, RIG_NOW + RIG_DAY));
  assert_ot_ok(ot_spdm_identity_install(&m->id, 0, 0, 1, &m->h));
  m->id.slots[0].key_usage = usage0;
  if (usage1) {
    assert_ot_ok(ot_spdm_hierarchy_generate_requester(&m->h2, OT_CURVE_P256, &m->drbg_tsm.rng,
                                                      RIG_NOW - RIG_DAY, RIG_NOW + RIG_DAY));
    assert_ot_ok(ot_spdm_identity_install(&m->id, 1, 1, 2, &m->h2));
    m->id.slots[1].key_usage = usage1;
  }
  /* Both roots share nothing: the responder trusts the slot-0 root, and the
   * slot-1 chain is trusted through the same anchor only when usage1's
   * test needs it (mk_trust_slot1). */
  assert_ot_ok(ot_spdm_identity_root(&m->id, 0, &m->anchor));
  g->rcfg.caps |= OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP;
  g->rcfg.algs.req_asym = OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384;
  g->rcfg.mut_auth = mode;
  g->rcfg.req_anchors = &m->anchor;
  g->rcfg.req_anchor_count = 1;
  g->rcfg.req_now = RIG_NOW;
  assert_ot_ok(ot_spdm_requester_config_identity(&g->qcfg, &m->id));
  g->qcfg.caps = (g->qcfg.caps & ~OT_SPDM_CAP_MULTI_KEY_MASK) | req_mk;
  m->tap = (mk_tap){.base = {.exchange = tap_exchange}, .m = m};
  g->req.io = &m->tap.base;
  return m;
}

/* The responder trusts slot 1's root instead of slot 0's. */
static void mk_trust_slot1(mk *m) { assert_ot_ok(ot_spdm_identity_root(&m->id, 1, &m->anchor)); }

static void mk_free(mk *m) {
  rig_free(m->g);
  ot_spdm_identity_clear(&m->id);
  ot_spdm_hierarchy_clear(&m->h);
  ot_spdm_hierarchy_clear(&m->h2);
  ot_drbg_uninstantiate(&m->drbg_tsm);
  free(m);
}

#define ALL_USES                                                                                   \
  (OT_SPDM_KEY_USAGE_KEY_EX | OT_SPDM_KEY_USAGE_CHALLENGE | OT_SPDM_KEY_USAGE_MEASUREMENT |        \
   OT_SPDM_KEY_USAGE_ENDPOINT_INFO)

static ot_status start(mk *m, uint32_t *sid) {
  rig_authenticate(m->g, 0);
  return ot_spdm_requester_start_session(&m->g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, sid);
}

/* The session is mutually authenticated on a connection multi-key for the
 * requester, and works (FINISH's signature and both VerifyData values cover
 * EncapD: had one side left it out, FINISH would fail). */
static void session_with(uint8_t versions, uint8_t mode, uint32_t req_mk) {
  mk *m = mk_new(versions, mode, req_mk, ALL_USES, 0);
  rig *g = m->g;
  uint32_t sid;
  assert_ot_ok(start(m, &sid));
  assert_true(g->req.neg.multi_key_conn_req);
  assert_true(g->rsp.neg.multi_key_conn_req);
  assert_int_equal(g->req.neg.sizes.multi_key_conn, g->req.neg.multi_key_conn);
  assert_int_equal(g->rsp.sessions[0].mut.state, OT_SPDM_MUT_DONE);
  assert_int_equal(g->rsp.sessions[0].mut.cert_info, OT_SPDM_CERT_MODEL_DEVICE);
  assert_int_equal(g->rsp.sessions[0].mut.key_usage, ALL_USES);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  mk_free(m);
}

static void session_13_encap_neg(void **s) {
  (void)s;
  session_with(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, OT_SPDM_CAP_MULTI_KEY_NEG);
}
static void session_13_digests_only(void **s) {
  (void)s;
  session_with(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS, OT_SPDM_CAP_MULTI_KEY_ONLY);
}
static void session_14_encap_neg(void **s) {
  (void)s;
  session_with(OT_SPDM_VMASK_14, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, OT_SPDM_CAP_MULTI_KEY_NEG);
}

/* At 1.2 MULTI_KEY_CAP does not exist: the same identity, no multi-key. */
static void session_12_is_not_multi_key(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_12, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, OT_SPDM_CAP_MULTI_KEY_ONLY,
                 ALL_USES, 0);
  uint32_t sid;
  assert_ot_ok(start(m, &sid));
  assert_false(m->g->req.neg.multi_key_conn_req);
  assert_false(m->g->rsp.neg.multi_key_conn_req);
  mk_free(m);
}

/* Slot 0's key is not for key exchange, slot 1's is: the responder fetches
 * slot 1, names it in the ACK (ReqSlotNumber), and the requester signs
 * FINISH with it. */
static void session_picks_key_ex_slot(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, OT_SPDM_CAP_MULTI_KEY_NEG,
                 OT_SPDM_KEY_USAGE_CHALLENGE, OT_SPDM_KEY_USAGE_KEY_EX);
  mk_trust_slot1(m);
  rig *g = m->g;
  uint32_t sid;
  assert_ot_ok(start(m, &sid));
  assert_int_equal(g->rsp.sessions[0].mut.slot, 1);
  assert_int_equal(g->req.sessions[0].req_slot, 1);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  mk_free(m);
}

/* The same identity without multi-key: the responder knows nothing of the
 * usage and takes the lowest slot (0), as before. */
static void session_without_multi_key_takes_slot0(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, 0,
                 OT_SPDM_KEY_USAGE_CHALLENGE, OT_SPDM_KEY_USAGE_KEY_EX);
  rig *g = m->g;
  uint32_t sid;
  assert_ot_ok(start(m, &sid));
  assert_false(g->req.neg.multi_key_conn_req);
  assert_int_equal(g->rsp.sessions[0].mut.slot, 0);
  mk_free(m);
}

/* A refusal of the device (ERROR InvalidRequest to our DELIVER), no session
 * left on either side. */
static void refused(mk *m) {
  uint32_t sid;
  assert_ot_code(start(m, &sid), OT_E_MALFORMED);
  assert_int_equal(m->g->req.last_error.code, OT_SPDM_ERR_INVALID_REQUEST);
  assert_false(m->g->req.sessions[0].used);
  assert_false(m->g->rsp.sessions[0].used);
}

/* No slot whose key may be used for key exchange: not authenticated. */
static void session_no_key_ex_slot_refused(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, OT_SPDM_CAP_MULTI_KEY_NEG,
                 OT_SPDM_KEY_USAGE_CHALLENGE | OT_SPDM_KEY_USAGE_MEASUREMENT, 0);
  refused(m);
  mk_free(m);
}

/* A KeyPairID of 0 (names no key pair, §10.5): refused. */
static void key_pair_id_zero_refused(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, OT_SPDM_CAP_MULTI_KEY_NEG,
                 ALL_USES, 0);
  m->id.keys[0].key_pair_id = 0;
  refused(m);
  mk_free(m);
}

/* Slot 0 with the GenericCert model, or a reserved model: refused. */
static void slot0_generic_cert_refused(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, OT_SPDM_CAP_MULTI_KEY_NEG,
                 ALL_USES, 0);
  m->id.slots[0].cert_model = OT_SPDM_CERT_MODEL_GENERIC;
  refused(m);
  mk_free(m);
  m = mk_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, OT_SPDM_CAP_MULTI_KEY_NEG,
             ALL_USES, 0);
  m->id.slots[0].cert_model = 5;
  refused(m);
  mk_free(m);
}

/* Slot 0 whose key serves none of the SPDM uses (§10.5): refused. */
static void slot0_without_uses_refused(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, OT_SPDM_CAP_MULTI_KEY_NEG,
                 OT_SPDM_KEY_USAGE_VENDOR, OT_SPDM_KEY_USAGE_KEY_EX);
  mk_trust_slot1(m);
  refused(m);
  mk_free(m);
}

/* ---- basic mutual authentication (outside a session, plain messages) ------ */

static ot_status basic(mk *m) {
  m->g->rcfg.basic_mut_auth = true;
  rig_authenticate(m->g, 0);
  return ot_spdm_requester_challenge(&m->g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL);
}

static void basic_13_multi_key(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, 0, OT_SPDM_CAP_MULTI_KEY_NEG, ALL_USES, 0);
  assert_ot_ok(basic(m));
  assert_true(m->g->rsp.neg.multi_key_conn_req);
  assert_int_equal(m->g->rsp.basic.state, OT_SPDM_MUT_DONE);
  assert_int_equal(m->g->rsp.basic.slot, 0);
  mk_free(m);
}

/* Slot 0 is for key exchange only: the device challenges slot 1. */
static void basic_picks_challenge_slot(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, 0, OT_SPDM_CAP_MULTI_KEY_NEG, OT_SPDM_KEY_USAGE_KEY_EX,
                 OT_SPDM_KEY_USAGE_CHALLENGE);
  mk_trust_slot1(m);
  assert_ot_ok(basic(m));
  assert_int_equal(m->g->rsp.basic.state, OT_SPDM_MUT_DONE);
  assert_int_equal(m->g->rsp.basic.slot, 1);
  mk_free(m);
}

/* Our DELIVER_ENCAPSULATED_RESPONSE carrying `code` (its payload's code). */
static bool delivers(const uint8_t *req, size_t len, uint8_t code) {
  return len > OT_SPDM_HEADER_SIZE + 1 && req[1] == OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE &&
         req[OT_SPDM_HEADER_SIZE + 1] == code;
}
/* The device's ENCAPSULATED_RESPONSE_ACK (1.2+ layout) carrying `code`. */
static bool asks(const uint8_t *rsp, size_t len, uint8_t code) {
  return len > OT_SPDM_HEADER_SIZE + 5 && rsp[1] == OT_SPDM_ENCAPSULATED_RESPONSE_ACK &&
         rsp[OT_SPDM_HEADER_SIZE + 5] == code;
}

/* After our DIGESTS listed DeviceCert, our CERTIFICATE says AliasCert. */
static void change_model_after_digests(mk *m, const uint8_t *req, size_t req_len,
                                       const uint8_t *rsp, size_t rsp_len) {
  (void)rsp, (void)rsp_len;
  if (!delivers(req, req_len, OT_SPDM_DIGESTS)) return;
  m->id.slots[0].cert_model = OT_SPDM_CERT_MODEL_ALIAS;
  m->fired++;
}

static void certificate_info_mismatch_refused(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, 0, OT_SPDM_CAP_MULTI_KEY_NEG, ALL_USES, 0);
  m->on_exchange = change_model_after_digests;
  assert_ot_code(basic(m), OT_E_MALFORMED);
  assert_int_equal(m->fired, 1);
  assert_int_equal(m->g->rsp.basic.state, OT_SPDM_MUT_FAILED);
  mk_free(m);
}

/* Once the device asks CHALLENGE, the slot's key loses ChallengeUsage: the
 * requester answers ERROR InvalidRequest (§10.7) instead of signing. */
static void drop_challenge_usage(mk *m, const uint8_t *req, size_t req_len, const uint8_t *rsp,
                                 size_t rsp_len) {
  (void)req, (void)req_len;
  if (!asks(rsp, rsp_len, OT_SPDM_CHALLENGE)) return;
  m->id.slots[0].key_usage = OT_SPDM_KEY_USAGE_KEY_EX;
  m->fired++;
}

static void requester_refuses_challenge_without_usage(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, 0, OT_SPDM_CAP_MULTI_KEY_NEG, ALL_USES, 0);
  m->on_exchange = drop_challenge_usage;
  assert_false(ot_ok(basic(m)));
  assert_int_equal(m->fired, 1);
  assert_int_equal(m->g->rsp.basic.state, OT_SPDM_MUT_FAILED);
  mk_free(m);
}

/* A device that asks the FINISH signature (MutAuthRequested 01h, the key
 * known from basic mutual authentication) with a slot whose key is not for
 * key exchange: our requester refuses to sign (DSP0274 1.3 §10.9). Our own
 * responder does not ask so (it reuses the slot only with KeyExUsage): the
 * test makes it believe the slot had it. */
static void requester_refuses_finish_slot_without_key_ex(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_REQUESTED, OT_SPDM_CAP_MULTI_KEY_NEG,
                 OT_SPDM_KEY_USAGE_CHALLENGE, 0);
  rig *g = m->g;
  assert_ot_ok(basic(m));
  g->rsp.basic.key_usage |= OT_SPDM_KEY_USAGE_KEY_EX;
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid),
                 OT_E_MALFORMED);
  assert_false(g->req.sessions[0].used);
  mk_free(m);
}

/* Without that tampering the device does not reuse a slot lacking
 * KeyExUsage: it runs the encapsulated flow and finds none, so refuses. */
static void responder_does_not_reuse_challenge_only_slot(void **s) {
  (void)s;
  mk *m = mk_new(OT_SPDM_VMASK_13, OT_SPDM_MUT_AUTH_REQUESTED, OT_SPDM_CAP_MULTI_KEY_NEG,
                 OT_SPDM_KEY_USAGE_CHALLENGE, 0);
  assert_ot_ok(basic(m));
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&m->g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid),
                 OT_E_MALFORMED);
  assert_int_equal(m->g->req.last_error.code, OT_SPDM_ERR_INVALID_REQUEST);
  mk_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(session_13_encap_neg),
      cmocka_unit_test(session_13_digests_only),
      cmocka_unit_test(session_14_encap_neg),
      cmocka_unit_test(session_12_is_not_multi_key),
      cmocka_unit_test(session_picks_key_ex_slot),
      cmocka_unit_test(session_without_multi_key_takes_slot0),
      cmocka_unit_test(session_no_key_ex_slot_refused),
      cmocka_unit_test(key_pair_id_zero_refused),
      cmocka_unit_test(slot0_generic_cert_refused),
      cmocka_unit_test(slot0_without_uses_refused),
      cmocka_unit_test(basic_13_multi_key),
      cmocka_unit_test(basic_picks_challenge_slot),
      cmocka_unit_test(certificate_info_mismatch_refused),
      cmocka_unit_test(requester_refuses_challenge_without_usage),
      cmocka_unit_test(requester_refuses_finish_slot_without_key_ex),
      cmocka_unit_test(responder_does_not_reuse_challenge_only_slot),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
