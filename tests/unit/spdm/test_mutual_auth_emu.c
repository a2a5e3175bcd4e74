/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What spdm_requester_emu's default flow needs of the responder, between our
 * requester and our responder in one process: an RSA requester key
 * (ReqBaseAsymAlg RSASSA/RSAPSS, DSP0274 §10.4) verified in FINISH and in
 * basic mutual authentication's CHALLENGE_AUTH, MutAuthRequested 01h
 * (§10.9 bit 0), and the encapsulated GET_ENDPOINT_INFO (1.3 §10.23) armed by
 * ot_spdm_responder_encap_endpoint_info (src/spdm/responder_encap_endpoint_info.c).
 */
#include "mut_rig.h"

/* A rig whose responder asks for `mode` (and basic mutual authentication when
 * `basic`) of a requester whose identity has a `key` leaf. */
static mut *mut_new(uint8_t versions, ot_curve key, uint8_t mode, bool basic, bool in_clear) {
  /* What `opentsm device` offers: every key type the signature layer verifies. */
  mut_opts o = {.rig = {.curve = OT_CURVE_P384, .versions = versions, .seed = 7, .in_clear = in_clear},
                .tsm_seed = 11,
                .key = key,
                .mode = mode,
                .basic = basic,
                .req_asym = OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384 |
                            OT_SPDM_ASYM_RSA_ALL};
  mut *m = mut_new_opts(&o);
  rig *g = m->g;
  if (ot_key_is_rsa(key)) {
    /* As spdm_requester_emu: RSASSA and RSAPSS of the key's size offered. */
    g->qcfg.identity = &m->id;
    g->qcfg.caps |= OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP;
    g->qcfg.algs.req_asym = key == OT_KEY_RSA2048
                                ? OT_SPDM_ASYM_RSASSA_2048 | OT_SPDM_ASYM_RSAPSS_2048
                                : OT_SPDM_ASYM_RSASSA_3072 | OT_SPDM_ASYM_RSAPSS_3072;
  } else {
    assert_ot_ok(ot_spdm_requester_config_identity(&g->qcfg, &m->id));
  }
  return m;
}

/* Replaces the requester's signing key by another of the same type: its
 * signatures no longer match its certificate. */
static void swap_key(mut *m, ot_curve key) {
  ot_spdm_hierarchy other;
  assert_ot_ok(ot_spdm_hierarchy_generate_requester(&other, key, &m->drbg_tsm.rng,
                                                    RIG_NOW - RIG_DAY, RIG_NOW + RIG_DAY));
  memcpy(m->id.keys[0].priv, other.leaf_priv, sizeof(m->id.keys[0].priv));
  m->id.keys[0].priv_len = other.leaf_priv_len;
  ot_spdm_hierarchy_clear(&other);
}

/* RSA-2048 requester: RSAPSS selected (the stronger padding, DSP0274 §10.4
 * ReqBaseAsymAlg), basic mutual authentication and a session with 02h. */
static void rsa_requester_is_authenticated(void **state) {
  (void)state;
  mut *m =
      mut_new(OT_SPDM_VMASK_13, OT_KEY_RSA2048, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, true, false);
  rig *g = m->g;
  rig_authenticate(g, 0);
  assert_int_equal(g->rsp.neg.req_base_asym, OT_SPDM_ASYM_RSAPSS_2048);
  assert_int_equal(g->rsp.neg.sizes.req_sig_len, 256);
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL));
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_DONE);
  assert_int_equal(g->rsp.basic.pub_len, 256 + 4); /* n || e */
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_int_equal(g->rsp.sessions[0].mut.state, OT_SPDM_MUT_DONE);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  mut_free(m);
}

/* RSASSA-3072 alone offered: that one is selected and verified. */
static void rsa3072_rsassa_session(void **state) {
  (void)state;
  mut *m =
      mut_new(OT_SPDM_VMASK_12, OT_KEY_RSA3072, OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS, false, false);
  rig *g = m->g;
  g->qcfg.algs.req_asym = OT_SPDM_ASYM_RSASSA_3072;
  rig_authenticate(g, 0);
  assert_int_equal(g->rsp.neg.req_base_asym, OT_SPDM_ASYM_RSASSA_3072);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  mut_free(m);
}

/* A FINISH signed by another RSA key: DSP0274 1.2 §10.10 FINISH, ERROR
 * DecryptError, and the session is gone on both sides. */
static void rsa_bad_finish_signature_is_refused(void **state) {
  (void)state;
  mut *m =
      mut_new(OT_SPDM_VMASK_13, OT_KEY_RSA2048, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, false, false);
  rig *g = m->g;
  swap_key(m, OT_KEY_RSA2048);
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_code(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid),
                 OT_E_DECRYPT);
  assert_int_equal(g->req.last_error.code, OT_SPDM_ERR_DECRYPT_ERROR);
  assert_false(g->req.sessions[0].used);
  assert_false(g->rsp.sessions[0].used);
  mut_free(m);
}

/* A CHALLENGE_AUTH (basic mutual authentication) signed by another RSA key:
 * the encapsulated flow fails with ERROR InvalidRequest (§10.7). */
static void rsa_bad_challenge_auth_is_refused(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_12, OT_KEY_RSA2048, 0, true, false);
  rig *g = m->g;
  swap_key(m, OT_KEY_RSA2048);
  rig_authenticate(g, 0);
  assert_ot_code(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL),
                 OT_E_MALFORMED);
  assert_int_equal(g->req.last_error.code, OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.basic.state, OT_SPDM_MUT_FAILED);
  mut_free(m);
}

/* MutAuthRequested 01h once basic mutual authentication validated the
 * requester's chain: no encapsulated flow, FINISH signed; in the clear too
 * (HANDSHAKE_IN_THE_CLEAR on both sides). */
static void requested_01h_with(bool in_clear) {
  mut *m = mut_new(OT_SPDM_VMASK_13, OT_CURVE_P256, OT_SPDM_MUT_AUTH_REQUESTED, true, in_clear);
  rig *g = m->g;
  rig_authenticate(g, 0);
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL));
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_int_equal(g->req.sessions[0].mut_auth, OT_SPDM_MUT_AUTH_REQUESTED);
  assert_int_equal(g->rsp.sessions[0].mut.requested, OT_SPDM_MUT_AUTH_REQUESTED);
  assert_int_equal(g->rsp.sessions[0].in_clear, in_clear);
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  mut_free(m);
}
static void requested_01h(void **state) {
  (void)state;
  requested_01h_with(false);
}
static void requested_01h_in_clear(void **state) {
  (void)state;
  requested_01h_with(true);
}

/* 01h before the requester's chain is known: the device learns it with the
 * encapsulated flow instead (02h). */
static void requested_01h_without_key_asks_encap(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_13, OT_CURVE_P256, OT_SPDM_MUT_AUTH_REQUESTED, false, false);
  rig *g = m->g;
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_int_equal(g->rsp.sessions[0].mut.requested, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST);
  assert_int_equal(g->req.sessions[0].mut_auth, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST);
  mut_free(m);
}

/* ---- the encapsulated GET_ENDPOINT_INFO, driven by hand (plain messages) ---- */

/* EPInfo: one identifier element (IdElemLength 7, no vendor ID, one
 * sub-identifier of 3 bytes), as spdm_requester_emu sends it. */
static const uint8_t ep_info[] = {0x01, 0, 0, 0, 0x07, 0x00, 0x00, 0x01, 0x03, 0x12, 0x34, 0x56};

/* Builds DELIVER_ENCAPSULATED_RESPONSE(RequestID id, ENDPOINT_INFO) to `get`
 * (the encapsulated GET_ENDPOINT_INFO); signed with the requester's key over
 * A ‖ get ‖ response when get asked for it; `corrupt` flips a signature bit. */
static size_t deliver_ep_info(mut *m, uint8_t id, const uint8_t *get, size_t get_len, bool corrupt,
                              uint8_t *out, size_t cap) {
  rig *g = m->g;
  const ot_spdm_negotiated *n = &g->req.neg;
  bool sign = (get[4] & OT_SPDM_EP_INFO_ATTR_SIGNATURE) != 0;
  ot_writer w;
  ot_writer_init(&w, out, cap);
  assert_ot_ok(ot_write_u8(&w, n->version));
  assert_ot_ok(ot_write_u8(&w, OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE));
  assert_ot_ok(ot_write_u8(&w, id));
  assert_ot_ok(ot_write_u8(&w, 0));
  size_t at = ot_writer_len(&w);
  ot_spdm_sizes sz = n->sizes;
  sz.ep_info_signature = sign;
  sz.sig_len = sz.req_sig_len;
  uint8_t zero[OT_SPDM_MAX_SIGNATURE_SIZE] = {0};
  ot_spdm_endpoint_info e = {.slot_id = sign ? (uint8_t)(get[3] & 0x0f) : 0,
                             .ep_info_len = sizeof(ep_info),
                             .ep_info = ep_info,
                             .signature = sign ? zero : NULL};
  memset(e.nonce, 0x5a, sizeof(e.nonce));
  assert_ot_ok(ot_spdm_encode_endpoint_info(&sz, &w, &e));
  size_t end = ot_writer_len(&w);
  if (sign) {
    ot_hash_ctx h;
    uint8_t th[OT_HASH_MAX_SIZE];
    assert_ot_ok(ot_spdm_transcript_fork_a(&g->req.t, &h));
    assert_ot_ok(ot_hash_update(&h, get, get_len));
    assert_ot_ok(ot_hash_update(&h, out + at, end - at - sz.sig_len));
    assert_ot_ok(ot_hash_final(&h, th, sizeof(th)));
    ot_hash_free(&h);
    size_t sl = 0;
    const ot_spdm_id_key *k = &m->id.keys[0];
    assert_ot_ok(ot_spdm_signature_sign(n->version, n->req_base_asym, n->hash, k->priv, k->priv_len,
                                        OT_SPDM_SIGN_CTX_ENDPOINT_INFO_REQ, th, sz.hash_len,
                                        out + end - sz.sig_len, sz.sig_len, &sl));
    assert_int_equal(sl, sz.sig_len);
    if (corrupt) out[end - 1] ^= 1;
  }
  return end;
}

/* GET_ENCAPSULATED_REQUEST; returns the encapsulated request's offset in rsp. */
static size_t get_encap(rig *g, uint8_t *rsp, size_t cap, size_t *len) {
  uint8_t q[4] = {g->req.neg.version, OT_SPDM_GET_ENCAPSULATED_REQUEST, 0, 0};
  *len = mut_plain(g, q, sizeof(q), rsp, cap);
  assert_true(*len >= 8);
  assert_int_equal(rsp[1], OT_SPDM_ENCAPSULATED_REQUEST);
  assert_int_equal(rsp[2], 1); /* RequestID */
  return 4;
}

static void encap_endpoint_info_with(ot_curve key, bool basic, bool corrupt) {
  mut *m = mut_new(OT_SPDM_VMASK_13, key, 0, basic, false);
  rig *g = m->g;
  g->qcfg.caps |= OT_SPDM_CAP_EP_INFO_SIG; /* the requester can sign endpoint info */
  rig_authenticate(g, 0);
  if (basic) assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL));
  assert_ot_ok(ot_spdm_responder_encap_endpoint_info(&g->rsp));
  uint8_t rsp[1024], req[1024];
  size_t len;
  size_t at = get_encap(g, rsp, sizeof(rsp), &len);
  const uint8_t *get = rsp + at;
  size_t get_len = len - at;
  /* DSP0274 1.3 §10.23: DeviceClassIdentifier; a signature asked exactly when
   * the requester's key is known (basic mutual authentication ran). */
  assert_int_equal(get[1], OT_SPDM_GET_ENDPOINT_INFO);
  assert_int_equal(get[2], OT_SPDM_EP_INFO_SUBCODE_DEVICE_CLASS_ID);
  assert_int_equal(get[4] & OT_SPDM_EP_INFO_ATTR_SIGNATURE, basic ? 1 : 0);
  assert_int_equal(get_len, basic ? 8u + OT_SPDM_NONCE_SIZE : 8u);
  uint8_t get_copy[64];
  memcpy(get_copy, get, get_len);
  size_t n = deliver_ep_info(m, rsp[2], get_copy, get_len, corrupt, req, sizeof(req));
  len = mut_plain(g, req, n, rsp, sizeof(rsp));
  if (corrupt) {
    assert_int_equal(rsp[1], OT_SPDM_ERROR);
    assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
    assert_int_equal(g->rsp.ep_encap.state, OT_SPDM_MUT_FAILED);
    assert_int_equal(g->rsp.ep_encap.ep_info_len, 0);
  } else {
    /* ENCAPSULATED_RESPONSE_ACK, nothing further, AckRequestID 1. */
    assert_int_equal(len, 8);
    assert_int_equal(rsp[1], OT_SPDM_ENCAPSULATED_RESPONSE_ACK);
    assert_int_equal(rsp[3], OT_SPDM_ENCAP_ACK_ABSENT);
    assert_int_equal(rsp[4], 1);
    assert_int_equal(g->rsp.ep_encap.state, OT_SPDM_MUT_DONE);
    assert_int_equal(g->rsp.ep_encap.ep_info_len, sizeof(ep_info));
    assert_memory_equal(g->rsp.ep_encap.ep_info, ep_info, sizeof(ep_info));
  }
  /* The flow is over: nothing pending (1.3 NoPendingRequests). */
  uint8_t q[4] = {g->req.neg.version, OT_SPDM_GET_ENCAPSULATED_REQUEST, 0, 0};
  len = mut_plain(g, q, sizeof(q), rsp, sizeof(rsp));
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_NO_PENDING_REQUESTS);
  mut_free(m);
}

static void encap_endpoint_info_signed_rsa(void **state) {
  (void)state;
  encap_endpoint_info_with(OT_KEY_RSA2048, true, false);
}
static void encap_endpoint_info_signed_ecdsa(void **state) {
  (void)state;
  encap_endpoint_info_with(OT_CURVE_P256, true, false);
}
static void encap_endpoint_info_unsigned_without_key(void **state) {
  (void)state;
  encap_endpoint_info_with(OT_CURVE_P256, false, false);
}
static void encap_endpoint_info_bad_signature(void **state) {
  (void)state;
  encap_endpoint_info_with(OT_KEY_RSA2048, true, true);
}

/* Answers that do not fit: another RequestID (InvalidRequest, flow kept), an
 * encapsulated ERROR, a truncated ENDPOINT_INFO (flow ends). */
static void encap_endpoint_info_bad_answers(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_13, OT_CURVE_P256, 0, false, false);
  rig *g = m->g;
  g->qcfg.caps |= OT_SPDM_CAP_EP_INFO_NO_SIG;
  rig_authenticate(g, 0);
  assert_ot_ok(ot_spdm_responder_encap_endpoint_info(&g->rsp));
  uint8_t rsp[256], req[256];
  size_t len;
  size_t at = get_encap(g, rsp, sizeof(rsp), &len);
  uint8_t get[16];
  memcpy(get, rsp + at, len - at);
  /* One flow at a time: armed again while the answer is awaited. */
  assert_ot_code(ot_spdm_responder_encap_endpoint_info(&g->rsp), OT_E_STATE);
  size_t n = deliver_ep_info(m, 2, get, len - at, false, req, sizeof(req));
  mut_plain(g, req, n, rsp, sizeof(rsp));
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.ep_encap.state, OT_SPDM_MUT_AWAIT_DELIVER);
  /* The requester's ERROR UnsupportedRequest: the flow fails. */
  uint8_t err[8] = {g->req.neg.version,
                    OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE,
                    1,
                    0,
                    g->req.neg.version,
                    OT_SPDM_ERROR,
                    OT_SPDM_ERR_UNSUPPORTED_REQUEST,
                    OT_SPDM_GET_ENDPOINT_INFO};
  mut_plain(g, err, sizeof(err), rsp, sizeof(rsp));
  assert_int_equal(rsp[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.ep_encap.state, OT_SPDM_MUT_FAILED);
  /* Armed again: an ENDPOINT_INFO cut short of its EPInfo. */
  assert_ot_ok(ot_spdm_responder_encap_endpoint_info(&g->rsp));
  get_encap(g, rsp, sizeof(rsp), &len);
  n = deliver_ep_info(m, 1, get, 8, false, req, sizeof(req));
  mut_plain(g, req, n - 3, rsp, sizeof(rsp));
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(g->rsp.ep_encap.state, OT_SPDM_MUT_FAILED);
  mut_free(m);
}

/* Inside an established, mutually authenticated session: our requester
 * answers GET_ENDPOINT_INFO with an encapsulated ERROR UnsupportedRequest;
 * the flow fails (ERROR InvalidRequest), the device's session goes on. */
static void encap_endpoint_info_in_session(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_13, OT_CURVE_P256, OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST, false,
                   false);
  rig *g = m->g;
  g->qcfg.caps |= OT_SPDM_CAP_EP_INFO_SIG;
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_ot_ok(ot_spdm_responder_encap_endpoint_info(&g->rsp));
  bool served = false;
  assert_false(ot_ok(ot_spdm_requester_encap_poll(&g->req, sid, &served)));
  assert_int_equal(g->req.last_error.code, OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.ep_encap.state, OT_SPDM_MUT_FAILED);
  assert_int_equal(g->rsp.ep_encap.session_id, sid);
  assert_true(g->rsp.ep_encap.sign); /* the session's validated key was at hand */
  /* The device keeps the session (an encapsulated answer it refuses is no
   * reason to end it); our requester gives it up on the failed flow. */
  assert_true(g->rsp.sessions[0].used);
  assert_int_equal(g->rsp.sessions[0].s.state, OT_SPDM_SESSION_ESTABLISHED);
  mut_free(m);
}

/* Arming needs 1.3, ENCAP_CAP on both sides and the requester's EP_INFO_CAP. */
static void encap_endpoint_info_preconditions(void **state) {
  (void)state;
  mut *m = mut_new(OT_SPDM_VMASK_12, OT_CURVE_P256, 0, false, false);
  assert_ot_code(ot_spdm_responder_encap_endpoint_info(&m->g->rsp), OT_E_UNSUPPORTED);
  rig_authenticate(m->g, 0);
  assert_ot_code(ot_spdm_responder_encap_endpoint_info(&m->g->rsp), OT_E_UNSUPPORTED); /* 1.2 */
  mut_free(m);
  m = mut_new(OT_SPDM_VMASK_13, OT_CURVE_P256, 0, false, false);
  rig_authenticate(m->g, 0); /* no EP_INFO_CAP from the requester */
  assert_ot_code(ot_spdm_responder_encap_endpoint_info(&m->g->rsp), OT_E_UNSUPPORTED);
  assert_int_equal(m->g->rsp.ep_encap.state, OT_SPDM_MUT_NONE);
  mut_free(m);
}

/* DSP0274 1.3 §10.4: ReqBaseAsymAlg is selected for a requester that signs
 * its ENDPOINT_INFO (EP_INFO_CAP 10b) even without MUT_AUTH_CAP on either
 * side (libspdm's requester refuses ALGORITHMS without one then). */
static void req_asym_for_signed_endpoint_info(void **state) {
  (void)state;
  rig_opts o = {.curve = OT_CURVE_P384, .versions = OT_SPDM_VMASK_13, .seed = 3};
  rig *g = rig_new(&o);
  g->rcfg.algs.req_asym = OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_RSA_ALL;
  g->qcfg.algs.req_asym = OT_SPDM_ASYM_ECDSA_P256;
  g->qcfg.caps |= OT_SPDM_CAP_EP_INFO_SIG;
  assert_false(g->rcfg.caps & OT_SPDM_CAP_MUT_AUTH);
  rig_authenticate(g, 0);
  assert_int_equal(g->rsp.neg.req_base_asym, OT_SPDM_ASYM_ECDSA_P256);
  rig_free(g);
  /* Neither MUT_AUTH_CAP nor a signing EP_INFO_CAP: none selected. */
  g = rig_new(&o);
  g->rcfg.algs.req_asym = OT_SPDM_ASYM_ECDSA_P256;
  g->qcfg.algs.req_asym = OT_SPDM_ASYM_ECDSA_P256;
  g->qcfg.caps |= OT_SPDM_CAP_EP_INFO_NO_SIG;
  rig_authenticate(g, 0);
  assert_int_equal(g->rsp.neg.req_base_asym, 0);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rsa_requester_is_authenticated),
      cmocka_unit_test(rsa3072_rsassa_session),
      cmocka_unit_test(rsa_bad_finish_signature_is_refused),
      cmocka_unit_test(rsa_bad_challenge_auth_is_refused),
      cmocka_unit_test(requested_01h),
      cmocka_unit_test(requested_01h_in_clear),
      cmocka_unit_test(requested_01h_without_key_asks_encap),
      cmocka_unit_test(encap_endpoint_info_signed_rsa),
      cmocka_unit_test(encap_endpoint_info_signed_ecdsa),
      cmocka_unit_test(encap_endpoint_info_unsigned_without_key),
      cmocka_unit_test(encap_endpoint_info_bad_signature),
      cmocka_unit_test(encap_endpoint_info_bad_answers),
      cmocka_unit_test(encap_endpoint_info_in_session),
      cmocka_unit_test(encap_endpoint_info_preconditions),
      cmocka_unit_test(req_asym_for_signed_endpoint_info),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
