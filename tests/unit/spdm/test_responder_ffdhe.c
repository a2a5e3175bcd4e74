/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder's FFDHE key exchange (DSP0274 1.2 §10.4 DHE bits 0-2): with
 * FFDHE3072 negotiated, KEY_EXCHANGE carries 384 bytes of ExchangeData and
 * KEY_EXCHANGE_RSP answers with 384 bytes; a requester value RFC 7919 §5.1
 * refuses (0, 1, at or above p; p - 1 and values outside the order-q
 * subgroup are refused by the crypto layer, unit_crypto_test_ffdhe) is the
 * requester's fault: ERROR InvalidRequest, and no
 * session is left behind.
 */
#include "spdm_rig.h"

#define P_LEN 384u /* |p| of ffdhe3072 (RFC 7919 Appendix A.2) */

static rig *g;
static uint8_t pub[OT_DHE_MAX_PUBLIC], priv[OT_DHE_MAX_PRIVATE];

static int setup(void **s) {
  (void)s;
  g = rig_new(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_12, false, false, 41});
  assert_ot_ok(ot_dhe_generate(OT_GROUP_FFDHE3072, &g->drbg_host.rng, priv, sizeof(priv), pub,
                               sizeof(pub)));
  return 0;
}

static int teardown(void **s) {
  (void)s;
  rig_free(g);
  return 0;
}

static const ot_spdm_sizes sz12 = {
    .version = OT_SPDM_VERSION_12, .hash_len = 48, .sig_len = 96, .dhe_len = P_LEN};

static void send(const ot_spdm_request *m, uint8_t *out, size_t *n) {
  uint8_t b[1024];
  ot_writer w;
  ot_writer_init(&w, b, sizeof(b));
  assert_ot_ok(ot_spdm_encode_request(&sz12, &w, m));
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, b, ot_writer_len(&w), out, 8192, n));
}

/* GET_VERSION, GET_CAPABILITIES, NEGOTIATE_ALGORITHMS offering FFDHE3072 alone. */
static void negotiate(void) {
  ot_spdm_responder_free(&g->rsp);
  assert_ot_ok(ot_spdm_responder_init(&g->rsp, &g->rcfg));
  uint8_t out[8192];
  size_t n;
  ot_spdm_request m = {.code = OT_SPDM_GET_VERSION};
  send(&m, out, &n);
  m = (ot_spdm_request){.code = OT_SPDM_GET_CAPABILITIES};
  m.u.get_capabilities = (ot_spdm_capabilities){
      .flags = OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC |
               OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_HBEAT | OT_SPDM_CAP_KEY_UPD,
      .data_transfer_size = 0x1200,
      .max_msg_size = 0x1200};
  send(&m, out, &n);
  assert_int_equal(out[1], OT_SPDM_CAPABILITIES);
  ot_spdm_alg_prefs p = ot_spdm_alg_prefs_all;
  p.dhe = OT_SPDM_DHE_FFDHE_3072;
  m = (ot_spdm_request){.code = OT_SPDM_NEGOTIATE_ALGORITHMS};
  ot_spdm_offer_build(&p, OT_SPDM_VERSION_12, false, &m.u.negotiate_algorithms);
  send(&m, out, &n);
  assert_int_equal(out[1], OT_SPDM_ALGORITHMS);
  assert_int_equal(g->rsp.neg.dhe, OT_SPDM_DHE_FFDHE_3072);
  assert_int_equal(g->rsp.neg.sizes.dhe_len, P_LEN);
}

static void key_exchange(const uint8_t *exchange, uint8_t *out, size_t *n) {
  static uint8_t opaque[20];
  ot_writer ow;
  ot_writer_init(&ow, opaque, sizeof(opaque));
  ot_spdm_sm_versions v = {.data_id = OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS,
                           .count = 1,
                           .version = {OT_SPDM_SM_VERSION_12}};
  assert_ot_ok(ot_spdm_sm_versions_encode(&ow, &v));
  ot_spdm_request m = {.code = OT_SPDM_KEY_EXCHANGE};
  m.u.key_exchange = (ot_spdm_key_exchange){.req_session_id = 0x1234,
                                            .exchange = exchange,
                                            .opaque_len = (uint16_t)ot_writer_len(&ow),
                                            .opaque = opaque};
  send(&m, out, n);
}

static size_t sessions_used(void) {
  size_t k = 0;
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++)
    k += g->rsp.sessions[i].used;
  return k;
}

static void test_ffdhe3072_key_exchange(void **s) {
  (void)s;
  negotiate();
  uint8_t out[8192];
  size_t n;
  key_exchange(pub, out, &n);
  assert_int_equal(out[1], OT_SPDM_KEY_EXCHANGE_RSP);
  /* Header 4, RspSessionID 2, MutAuth 1, SlotIDParam 1, Random 32, then 384. */
  assert_true(n > 40 + P_LEN + 96);
  uint8_t secret[OT_DHE_MAX_SECRET];
  /* The responder's value is a valid peer value for us: both sides can agree. */
  assert_ot_ok(ot_dhe_shared(OT_GROUP_FFDHE3072, priv, ot_dhe_private_size(OT_GROUP_FFDHE3072),
                             out + 40, P_LEN, secret, sizeof(secret)));
  assert_int_equal(sessions_used(), 1);
}

static void test_bad_public_values(void **s) {
  (void)s;
  uint8_t bad[P_LEN], out[8192];
  size_t n;
  for (int i = 0; i < 3; i++) {
    memset(bad, 0, sizeof(bad));
    if (i == 1) bad[P_LEN - 1] = 1;               /* 1 */
    if (i == 2) memset(bad, 0xff, sizeof(bad));   /* above p */
    negotiate();
    key_exchange(bad, out, &n);
    if (out[1] != OT_SPDM_ERROR || out[2] != OT_SPDM_ERR_INVALID_REQUEST)
      fail_msg("value %d: got 0x%02x/0x%02x, want ERROR InvalidRequest", i, out[1], out[2]);
    assert_int_equal(sessions_used(), 0);
  }
}

/* Our requester offering FFDHE3072 alone keys a session with it. */
static void test_requester_ffdhe3072(void **s) {
  (void)s;
  ot_spdm_requester_free(&g->req);
  g->qcfg.algs.dhe = OT_SPDM_DHE_FFDHE_3072;
  assert_ot_ok(ot_spdm_requester_init(&g->req, &g->qcfg, &g->loop.base));
  ot_spdm_responder_free(&g->rsp);
  assert_ot_ok(ot_spdm_responder_init(&g->rsp, &g->rcfg));
  rig_authenticate(g, 0);
  assert_int_equal(g->req.neg.dhe_curve, OT_GROUP_FFDHE3072);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ffdhe3072_key_exchange),
      cmocka_unit_test(test_bad_public_values),
      cmocka_unit_test(test_requester_ffdhe3072),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
