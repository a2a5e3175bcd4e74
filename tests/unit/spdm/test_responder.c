/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder's state table: every request code in every connection state
 * (and inside a session) against the response code or ERROR DSP0274 1.3
 * prescribes; version mismatches; malformed requests; the state is kept
 * after every error.
 */
#include "spdm_rig.h"

enum { S_NOT_STARTED, S_AFTER_VERSION, S_AFTER_CAPS, S_NEGOTIATED, S_COUNT };

/* A well-formed request of each code, for SPDM 1.2. */
typedef struct req_case {
  uint8_t code;
  uint8_t bytes[160];
  size_t len;
} req_case;

static uint8_t dhe_pub[OT_ECC_MAX_PUBLIC];

static size_t build(uint8_t code, uint8_t *b) {
  ot_writer w;
  ot_writer_init(&w, b, 160);
  ot_spdm_sizes sz = {.version = OT_SPDM_VERSION_12, .hash_len = 48, .dhe_len = 96};
  ot_spdm_request m = {.code = code};
  switch (code) {
  case OT_SPDM_GET_CAPABILITIES:
    m.u.get_capabilities = (ot_spdm_capabilities){
        .flags = OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC |
                 OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_HBEAT | OT_SPDM_CAP_KEY_UPD | OT_SPDM_CAP_CHUNK,
        .data_transfer_size = 0x1200,
        .max_msg_size = 0x1200};
    break;
  case OT_SPDM_NEGOTIATE_ALGORITHMS:
    ot_spdm_offer_build(&ot_spdm_alg_prefs_all, OT_SPDM_VERSION_12, false,
                        &m.u.negotiate_algorithms);
    break;
  case OT_SPDM_GET_CERTIFICATE: m.u.get_certificate.length = 0x400; break;
  case OT_SPDM_KEY_EXCHANGE: {
    static uint8_t opaque[20];
    ot_writer ow;
    ot_writer_init(&ow, opaque, sizeof(opaque));
    ot_spdm_sm_versions v = {.data_id = OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS,
                             .count = 1,
                             .version = {OT_SPDM_SM_VERSION_12}};
    assert_ot_ok(ot_spdm_sm_versions_encode(&ow, &v));
    m.u.key_exchange = (ot_spdm_key_exchange){.req_session_id = 0x1234,
                                              .exchange = dhe_pub,
                                              .opaque_len = (uint16_t)ot_writer_len(&ow),
                                              .opaque = opaque};
    break;
  }
  case OT_SPDM_FINISH: {
    static const uint8_t vd[48];
    m.u.finish.verify_data = vd;
    break;
  }
  case OT_SPDM_KEY_UPDATE: m.u.key_update = (ot_spdm_key_update){.operation = 1, .tag = 9}; break;
  case OT_SPDM_VENDOR_DEFINED_REQUEST: {
    static const uint8_t vid[2] = {1, 0}, pl[2] = {0x7f, 0};
    m.u.vendor = (ot_spdm_vendor_defined){
        .standard_id = 3, .vendor_id_len = 2, .vendor_id = vid, .payload_len = 2, .payload = pl};
    break;
  }
  case OT_SPDM_RESPOND_IF_READY:
    m.u.respond_if_ready = (ot_spdm_respond_if_ready){.request_code = OT_SPDM_CHALLENGE};
    break;
  case OT_SPDM_GET_CSR:
  case OT_SPDM_GET_ENCAPSULATED_REQUEST:
  case OT_SPDM_DIGESTS:
  case OT_SPDM_PSK_EXCHANGE:
    /* Codes we do not implement: a bare header is enough to be refused. */
    b[0] = OT_SPDM_VERSION_12;
    b[1] = code;
    b[2] = b[3] = 0;
    return 4;
  default: break;
  }
  assert_ot_ok(ot_spdm_encode_request(&sz, &w, &m));
  return ot_writer_len(&w);
}

/* Expected answer: a response code, or ERROR with this error code (high bit set). */
#define E(code) (0x100 | (code))
#define UNEXP E(OT_SPDM_ERR_UNEXPECTED_REQUEST)
#define UNSUP E(OT_SPDM_ERR_UNSUPPORTED_REQUEST)
#define NEEDS E(OT_SPDM_ERR_SESSION_REQUIRED)
#define INVAL E(OT_SPDM_ERR_INVALID_REQUEST)

typedef struct row {
  uint8_t code;
  int want[S_COUNT];
} row;

/* DSP0274 1.3 §10: VCA in order, everything else after it; session messages
 * need a session, FINISH too unless the handshake is in the clear; a
 * CHUNK_GET with no large response pending is invalid; codes we do not
 * implement are unsupported (ErrorData = the code). */
static const row table[] = {
    {OT_SPDM_GET_VERSION, {OT_SPDM_VERSION, OT_SPDM_VERSION, OT_SPDM_VERSION, OT_SPDM_VERSION}},
    {OT_SPDM_GET_CAPABILITIES, {UNEXP, OT_SPDM_CAPABILITIES, UNEXP, UNEXP}},
    {OT_SPDM_NEGOTIATE_ALGORITHMS, {UNEXP, UNEXP, OT_SPDM_ALGORITHMS, UNEXP}},
    {OT_SPDM_GET_DIGESTS, {UNEXP, UNEXP, UNEXP, OT_SPDM_DIGESTS}},
    {OT_SPDM_GET_CERTIFICATE, {UNEXP, UNEXP, UNEXP, OT_SPDM_CERTIFICATE}},
    {OT_SPDM_CHALLENGE, {UNEXP, UNEXP, UNEXP, OT_SPDM_CHALLENGE_AUTH}},
    {OT_SPDM_GET_MEASUREMENTS, {UNEXP, UNEXP, UNEXP, OT_SPDM_MEASUREMENTS}},
    {OT_SPDM_KEY_EXCHANGE, {UNEXP, UNEXP, UNEXP, OT_SPDM_KEY_EXCHANGE_RSP}},
    {OT_SPDM_FINISH, {UNEXP, UNEXP, UNEXP, NEEDS}}, /* no HANDSHAKE_IN_THE_CLEAR (§10.10) */
    {OT_SPDM_HEARTBEAT, {UNEXP, UNEXP, UNEXP, NEEDS}},
    {OT_SPDM_KEY_UPDATE, {UNEXP, UNEXP, UNEXP, NEEDS}},
    {OT_SPDM_END_SESSION, {UNEXP, UNEXP, UNEXP, NEEDS}},
    {OT_SPDM_VENDOR_DEFINED_REQUEST, {UNEXP, UNEXP, UNEXP, NEEDS}},
    {OT_SPDM_CHUNK_GET, {UNEXP, UNEXP, UNEXP, INVAL}},
    {OT_SPDM_RESPOND_IF_READY, {UNEXP, UNEXP, UNEXP, UNEXP}},
    {OT_SPDM_PSK_EXCHANGE, {UNSUP, UNSUP, UNSUP, UNSUP}},
    {OT_SPDM_GET_CSR, {UNSUP, UNSUP, UNSUP, UNSUP}},
    {OT_SPDM_GET_ENCAPSULATED_REQUEST, {UNSUP, UNSUP, UNSUP, UNSUP}},
    {OT_SPDM_DIGESTS, {UNSUP, UNSUP, UNSUP, UNSUP}}, /* a response code sent as a request */
};

static rig *g;

static int setup(void **s) {
  (void)s;
  g = rig_new(&(rig_opts){OT_CURVE_P384, OT_SPDM_VMASK_12, false, false, 40});
  uint8_t priv[48];
  assert_ot_ok(ot_key_generate(OT_CURVE_P384, &g->drbg_host.rng, priv, sizeof(priv), dhe_pub,
                               sizeof(dhe_pub)));
  return 0;
}

static int teardown(void **s) {
  (void)s;
  rig_free(g);
  return 0;
}

static void send_req(const uint8_t *req, size_t len, uint8_t *out, size_t *n) {
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, req, len, out, 8192, n));
}

/* Drives the responder to `state` with real VCA requests. */
static void drive(int state) {
  static const uint8_t order[] = {OT_SPDM_GET_VERSION, OT_SPDM_GET_CAPABILITIES,
                                  OT_SPDM_NEGOTIATE_ALGORITHMS};
  uint8_t b[160], out[8192];
  size_t n;
  ot_spdm_responder_free(&g->rsp);
  assert_ot_ok(ot_spdm_responder_init(&g->rsp, &g->rcfg));
  for (int i = 0; i < state; i++) {
    size_t len = build(order[i], b);
    send_req(b, len, out, &n);
    assert_int_not_equal(out[1], OT_SPDM_ERROR);
  }
  assert_int_equal(g->rsp.state, state);
}

static void check(uint8_t code, int state, int want) {
  uint8_t b[160], out[8192];
  size_t n, len = build(code, b);
  drive(state);
  send_req(b, len, out, &n);
  if (want & 0x100) {
    if (out[1] != OT_SPDM_ERROR || out[2] != (want & 0xff))
      fail_msg("code 0x%02x state %d: got 0x%02x/0x%02x, want ERROR 0x%02x", code, state, out[1],
               out[2], want & 0xff);
    if ((want & 0xff) == OT_SPDM_ERR_UNSUPPORTED_REQUEST) assert_int_equal(out[3], code);
    /* An error keeps the state (GET_VERSION excepted, which never errs here). */
    assert_int_equal(g->rsp.state, state);
  } else if (out[1] != want) {
    fail_msg("code 0x%02x state %d: got 0x%02x (err 0x%02x), want 0x%02x", code, state, out[1],
             n > 2 ? out[2] : 0, want);
  }
}

static void test_state_table(void **s) {
  (void)s;
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
    for (int st = 0; st < S_COUNT; st++)
      check(table[i].code, st, table[i].want[st]);
}

static void test_version_mismatch(void **s) {
  (void)s;
  uint8_t out[8192];
  size_t n;
  drive(S_NEGOTIATED);
  const uint8_t digests13[4] = {0x13, OT_SPDM_GET_DIGESTS, 0, 0};
  send_req(digests13, 4, out, &n);
  assert_int_equal(out[1], OT_SPDM_ERROR);
  assert_int_equal(out[2], OT_SPDM_ERR_VERSION_MISMATCH);
  const uint8_t version12[4] = {0x12, OT_SPDM_GET_VERSION, 0, 0};
  send_req(version12, 4, out, &n);
  assert_int_equal(out[0], 0x10);
  assert_int_equal(out[2], OT_SPDM_ERR_VERSION_MISMATCH);
  assert_int_equal(g->rsp.state, S_NEGOTIATED);
  /* GET_CAPABILITIES in a version we did not list. */
  drive(S_AFTER_VERSION);
  uint8_t b[160];
  size_t len = build(OT_SPDM_GET_CAPABILITIES, b);
  b[0] = 0x11;
  send_req(b, len, out, &n);
  assert_int_equal(out[2], OT_SPDM_ERR_VERSION_MISMATCH);
}

static void test_malformed(void **s) {
  (void)s;
  uint8_t b[160], out[8192];
  size_t n, len;
  drive(S_NEGOTIATED);
  len = build(OT_SPDM_GET_CERTIFICATE, b);
  send_req(b, len - 1, out, &n); /* truncated */
  assert_int_equal(out[2], OT_SPDM_ERR_INVALID_REQUEST);
  b[len] = 0xAA; /* non-zero "padding" */
  send_req(b, len + 1, out, &n);
  assert_int_equal(out[2], OT_SPDM_ERR_INVALID_REQUEST);
  len = build(OT_SPDM_GET_CERTIFICATE, b);
  b[2] = 5; /* empty slot */
  send_req(b, len, out, &n);
  assert_int_equal(out[2], OT_SPDM_ERR_INVALID_REQUEST);
  len = build(OT_SPDM_GET_MEASUREMENTS, b);
  b[3] = 0x42; /* no such index */
  send_req(b, len, out, &n);
  assert_int_equal(out[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.state, S_NEGOTIATED);
  /* Shorter than a header: no response at all. */
  assert_ot_code(ot_spdm_responder_handle(&g->rsp, b, 3, out, sizeof(out), &n), OT_E_TRUNCATED);
}

/* Capabilities a requester may not combine (§10.4 requester flags). */
static void test_inconsistent_caps(void **s) {
  (void)s;
  uint8_t b[160], out[8192];
  size_t n;
  drive(S_AFTER_VERSION);
  size_t len = build(OT_SPDM_GET_CAPABILITIES, b);
  b[9] &= (uint8_t) ~(OT_SPDM_CAP_KEY_EX >> 8); /* ENCRYPT without KEY_EX */
  send_req(b, len, out, &n);
  assert_int_equal(out[2], OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(g->rsp.state, S_AFTER_VERSION);
}

/* 1.3 Supported Algorithms block in CAPABILITIES: present when asked for and
 * the response fits the requester's DataTransferSize, left out otherwise (a
 * response cannot be chunked before the connection is negotiated). */
static size_t caps_response(uint32_t req_dts, uint8_t *out) {
  rig *h = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_13, false, false, 41});
  uint8_t gv[4] = {OT_SPDM_VERSION_10, OT_SPDM_GET_VERSION, 0, 0}, b[64];
  size_t n;
  assert_ot_ok(ot_spdm_responder_handle(&h->rsp, gv, sizeof(gv), out, 512, &n));
  ot_spdm_sizes sz = {.version = OT_SPDM_VERSION_13};
  ot_spdm_capabilities c = {.flags = OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_CHUNK,
                            .data_transfer_size = req_dts,
                            .max_msg_size = 0x10000,
                            .supported_algs = true};
  ot_writer w;
  ot_writer_init(&w, b, sizeof(b));
  assert_ot_ok(ot_spdm_encode_get_capabilities(&sz, &w, &c));
  assert_ot_ok(ot_spdm_responder_handle(&h->rsp, b, ot_writer_len(&w), out, 512, &n));
  assert_int_equal(out[1], OT_SPDM_CAPABILITIES);
  assert_int_equal(h->rsp.state, S_AFTER_CAPS);
  rig_free(h);
  return n;
}

static void test_capabilities_algorithms_block_fits(void **s) {
  (void)s;
  uint8_t out[512];
  size_t big = caps_response(0x1200, out);
  assert_true(big > 20);
  assert_int_equal(out[2] & 1, 1);
  size_t small = caps_response((uint32_t)big - 1, out);
  assert_int_equal(small, 20);
  assert_int_equal(out[2] & 1, 0);
  assert_int_equal(caps_response((uint32_t)big, out), big);
}

/* Inside an established session: VCA and CHALLENGE are unexpected, HEARTBEAT works. */
static void test_in_session_table(void **s) {
  (void)s;
  rig_authenticate(g, 0);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&g->req, 0, 0, &sid));
  ot_spdm_req_session *rs = &g->req.sessions[0];
  static const struct {
    uint8_t code;
    int want;
  } in[] = {{OT_SPDM_GET_VERSION, UNEXP},
            {OT_SPDM_CHALLENGE, UNEXP},
            {OT_SPDM_KEY_EXCHANGE, UNEXP},
            {OT_SPDM_FINISH, UNEXP},
            {OT_SPDM_HEARTBEAT, OT_SPDM_HEARTBEAT_ACK},
            {OT_SPDM_GET_DIGESTS, OT_SPDM_DIGESTS},
            {OT_SPDM_GET_MEASUREMENTS, OT_SPDM_MEASUREMENTS}, /* DSP0274 1.2 §10.11 */
            {OT_SPDM_PSK_EXCHANGE, UNSUP},
            {OT_SPDM_VENDOR_DEFINED_REQUEST, OT_SPDM_VENDOR_DEFINED_RESPONSE}};
  for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
    uint8_t b[160], rec[8192], out[8192], msg[8192];
    size_t len = build(in[i].code, b), rl, n, m;
    if (in[i].code != OT_SPDM_GET_VERSION) b[0] = g->req.neg.version;
    bool sec;
    assert_ot_ok(ot_spdm_secured_encode(&rs->s, b, len, rec, sizeof(rec), &rl));
    assert_ot_ok(ot_spdm_responder_handle_secured(&g->rsp, rec, rl, out, sizeof(out), &n, &sec));
    assert_true(sec);
    assert_ot_ok(ot_spdm_secured_decode(&rs->s, out, n, msg, sizeof(msg), &m));
    if (in[i].want & 0x100) {
      assert_int_equal(msg[1], OT_SPDM_ERROR);
      assert_int_equal(msg[2], in[i].want & 0xff);
    } else {
      assert_int_equal(msg[1], in[i].want);
    }
  }
  /* A record that does not authenticate ends the session with a plain DecryptError. */
  uint8_t b[4] = {g->req.neg.version, OT_SPDM_HEARTBEAT, 0, 0}, rec[64], out[64];
  size_t rl, n;
  bool sec;
  assert_ot_ok(ot_spdm_secured_encode(&rs->s, b, 4, rec, sizeof(rec), &rl));
  rec[8] ^= 1;
  assert_ot_ok(ot_spdm_responder_handle_secured(&g->rsp, rec, rl, out, sizeof(out), &n, &sec));
  assert_false(sec);
  assert_int_equal(out[1], OT_SPDM_ERROR);
  assert_int_equal(out[2], OT_SPDM_ERR_DECRYPT_ERROR);
  /* The session is gone: its next record gets no answer. */
  assert_ot_ok(ot_spdm_secured_encode(&rs->s, b, 4, rec, sizeof(rec), &rl));
  assert_ot_code(ot_spdm_responder_handle_secured(&g->rsp, rec, rl, out, sizeof(out), &n, &sec),
                 OT_E_NOT_FOUND);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_state_table, setup, teardown),
      cmocka_unit_test_setup_teardown(test_version_mismatch, setup, teardown),
      cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_inconsistent_caps, setup, teardown),
      cmocka_unit_test_setup_teardown(test_in_session_table, setup, teardown),
      cmocka_unit_test(test_capabilities_algorithms_block_fits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
