/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PSK sessions, both engines in one process (src/spdm/requester_psk.c,
 * src/spdm/responder_psk.c; DSP0274 1.3 PSK_EXCHANGE / PSK_FINISH, DSP0277 key
 * schedule): with and without PSK_FINISH (responder PSK_CAP 10b / 01b), the
 * session then carrying HEARTBEAT, KEY_UPDATE, vendor-defined requests and
 * END_SESSION; and every way it must fail: wrong PSK, unknown hint, tampered
 * ResponderVerifyData, tampered RequesterVerifyData, the wrong finish message,
 * no PSK_CAP.
 */
#include "spdm_rig.h"

static const uint8_t psk_key[] = "TestPskData"; /* 12 bytes with the NUL, as libspdm's sample */
static const uint8_t psk_hint[] = "TestPskHint";

/* A transport between the requester and the loopback that can flip one
 * byte of the PSK_EXCHANGE_RSP (in its ResponderVerifyData) or of the
 * PSK_EXCHANGE request (in its RequesterContext) on the way. */
typedef struct tamper {
  ot_doe_transport base; /* must be first */
  ot_doe_transport *inner;
  bool rsp_vd, req_context;
  size_t flipped;
} tamper;

static ot_status tamper_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                 const uint8_t *req, size_t req_len, uint8_t *rsp, size_t cap,
                                 size_t *rsp_len) {
  tamper *x = (tamper *)t;
  uint8_t copy[512];
  if (x->req_context && type == OT_DOE_TYPE_SPDM && req_len > 40 && req_len <= sizeof(copy) &&
      req[1] == OT_SPDM_PSK_EXCHANGE) {
    memcpy(copy, req, req_len);
    uint16_t hint_len = ot_load_u16le(copy + 6);
    copy[12 + hint_len] ^= 0x01; /* first RequesterContext byte */
    req = copy;
    x->flipped++;
  }
  OT_GUARD(x->inner->exchange(x->inner, vendor, type, req, req_len, rsp, cap, rsp_len));
  /* ResponderVerifyData is the last H (>= 32) bytes; DOE adds at most 3 pad bytes. */
  if (x->rsp_vd && type == OT_DOE_TYPE_SPDM && *rsp_len > 40 && rsp[1] == OT_SPDM_PSK_EXCHANGE_RSP) {
    rsp[*rsp_len - 8] ^= 0x80;
    x->flipped++;
  }
  return OT_SUCCESS;
}

/* The rig with PSK on both sides: responder PSK_CAP `rsp_psk` (01b or 10b)
 * holding psk_key under psk_hint, requester PSK_CAP (and KEY_EX_CAP unless
 * psk_only). The requester is connected (VCA only: no certificate needed). */
static rig *psk_rig(uint8_t versions, uint32_t rsp_psk, bool psk_only, ot_spdm_psk *table,
                    tamper *tp) {
  rig *g = rig_new(&(rig_opts){OT_CURVE_P384, versions, false, false, 7});
  table[0] = (ot_spdm_psk){.hint = psk_hint,
                           .hint_len = sizeof(psk_hint),
                           .key = psk_key,
                           .key_len = sizeof(psk_key)};
  ot_spdm_responder_free(&g->rsp);
  g->rcfg.caps |= rsp_psk;
  g->rcfg.psk = table;
  g->rcfg.psk_count = 1;
  g->rcfg.heartbeat_period = 5;
  assert_ot_ok(ot_spdm_responder_init(&g->rsp, &g->rcfg));
  ot_spdm_requester_free(&g->req);
  g->qcfg.caps |= OT_SPDM_CAP_PSK;
  if (psk_only) g->qcfg.caps &= ~(uint32_t)OT_SPDM_CAP_KEY_EX;
  ot_doe_transport *io = &g->loop.base;
  if (tp) {
    tp->base.exchange = tamper_exchange;
    tp->inner = &g->loop.base;
    io = &tp->base;
  }
  assert_ot_ok(ot_spdm_requester_init(&g->req, &g->qcfg, io));
  /* 1.3 runs after the certificate exchange too (as the TSM does). */
  if (versions == OT_SPDM_VMASK_13 && rsp_psk == OT_SPDM_CAP_PSK_WITH_CONTEXT && !tp)
    rig_authenticate(g, 0);
  else
    assert_ot_ok(ot_spdm_requester_connect(&g->req));
  return g;
}

static const ot_spdm_psk good = {.hint = psk_hint,
                                 .hint_len = sizeof(psk_hint),
                                 .key = psk_key,
                                 .key_len = sizeof(psk_key)};

static size_t rsp_sessions(const rig *g) {
  size_t n = 0;
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++)
    n += g->rsp.sessions[i].used;
  return n;
}

/* The session carries everything a DHE session does. */
static void use_session(rig *g, uint32_t sid) {
  uint8_t req[3] = {0x7f, 1, 2}, rsp[8];
  size_t n = 0;
  assert_ot_ok(ot_spdm_requester_heartbeat(&g->req, sid));
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, false));
  assert_ot_ok(ot_spdm_requester_key_update(&g->req, sid, true));
  assert_ot_ok(ot_spdm_requester_vdm(&g->req, sid, OT_SPDM_REGISTRY_PCISIG, 0x0001, 0x7f, req + 1,
                                     2, rsp, sizeof(rsp), &n));
  assert_int_equal(n, 2);
  assert_int_equal(rsp[0], 0xfe);
  assert_int_equal(g->echo.calls, 1);
  assert_ot_ok(ot_spdm_requester_end_session(&g->req, sid));
  assert_int_equal(rsp_sessions(g), 0);
}

static void session_with_finish(uint8_t versions) {
  ot_spdm_psk table[1];
  rig *g = psk_rig(versions, OT_SPDM_CAP_PSK_WITH_CONTEXT, false, table, NULL);
  size_t before = g->loop.exchanges;
  uint32_t sid = 0;
  uint8_t summary[OT_HASH_MAX_SIZE] = {0};
  assert_ot_ok(
      ot_spdm_requester_start_psk_session(&g->req, &good, OT_SPDM_MEAS_SUMMARY_ALL, summary, &sid));
  assert_int_equal(g->loop.exchanges - before, 2); /* PSK_EXCHANGE, PSK_FINISH */
  /* The summary is the device's (DSP0274 1.3 PSK_EXCHANGE_RSP MeasurementSummaryHash). */
  uint8_t want[OT_HASH_MAX_SIZE];
  assert_ot_ok(ot_spdm_identity_meas_summary(&g->id, OT_SPDM_MEAS_SUMMARY_ALL, g->req.neg.hash,
                                             g->req.neg.mhash, want, sizeof(want)));
  assert_memory_equal(summary, want, g->req.neg.sizes.hash_len);
  assert_int_equal(g->req.sessions[0].heartbeat_period, 5);
  assert_int_equal(g->rsp.sessions[0].s.state, OT_SPDM_SESSION_ESTABLISHED);
  use_session(g, sid);
  rig_free(g);
}

static void psk_finish_1_2(void **state) {
  (void)state;
  session_with_finish(OT_SPDM_VMASK_12);
}

/* 1.3 uses Salt_0 = 0xFF..FF for PSK (SPEC-FACTS §2.19): both sides must agree. */
static void psk_finish_1_3(void **state) {
  (void)state;
  session_with_finish(OT_SPDM_VMASK_13);
}

/* 1.4 PSK_FINISH / PSK_FINISH_RSP carry OpaqueDataLength, and the
 * RequesterVerifyData's TH covers it: both sides must agree. */
static void psk_finish_1_4(void **state) {
  (void)state;
  session_with_finish(OT_SPDM_VMASK_14);
}

/* Responder PSK_CAP 01b: no ResponderContext, no PSK_FINISH; the session is
 * established by PSK_EXCHANGE_RSP alone. A requester with PSK_CAP and no
 * KEY_EX_CAP still gets an AEAD and the key schedule (DSP0274 §10.4). */
static void psk_without_finish(void **state) {
  (void)state;
  ot_spdm_psk table[1];
  rig *g = psk_rig(OT_SPDM_VMASK_13, OT_SPDM_CAP_PSK, true, table, NULL);
  assert_int_equal(g->req.neg.dhe, 0);
  assert_int_not_equal(g->req.neg.aead, 0);
  size_t before = g->loop.exchanges;
  uint32_t sid = 0;
  assert_ot_ok(ot_spdm_requester_start_psk_session(&g->req, &good, OT_SPDM_MEAS_SUMMARY_NONE, NULL,
                                                   &sid));
  assert_int_equal(g->loop.exchanges - before, 1);
  use_session(g, sid);
  /* Without KEY_EX_CAP on our side, KEY_EXCHANGE is not available. */
  assert_false(ot_ok(ot_spdm_requester_start_session(&g->req, 0, 0, &sid)));
  rig_free(g);
}

static void wrong_psk_fails_cleanly(void **state) {
  (void)state;
  static const uint8_t other[] = "TestPskDatb";
  for (int ctx = 0; ctx < 2; ctx++) {
    ot_spdm_psk table[1];
    rig *g = psk_rig(OT_SPDM_VMASK_12,
                     ctx ? OT_SPDM_CAP_PSK_WITH_CONTEXT : OT_SPDM_CAP_PSK, false, table, NULL);
    ot_spdm_psk bad = good;
    bad.key = other;
    uint32_t sid = 0;
    assert_ot_code(ot_spdm_requester_start_psk_session(&g->req, &bad, 0, NULL, &sid), OT_E_VERIFY);
    assert_int_equal(sid, 0);
    assert_false(g->req.sessions[0].used);
    assert_true(g->req.failed);
    rig_free(g);
  }
}

static void unknown_hint_is_refused(void **state) {
  (void)state;
  ot_spdm_psk table[1];
  rig *g = psk_rig(OT_SPDM_VMASK_13, OT_SPDM_CAP_PSK_WITH_CONTEXT, false, table, NULL);
  static const uint8_t hint[] = "NoSuchHint";
  ot_spdm_psk p = good;
  p.hint = hint;
  p.hint_len = sizeof(hint);
  uint32_t sid = 0;
  ot_status st = ot_spdm_requester_start_psk_session(&g->req, &p, 0, NULL, &sid);
  assert_ot_code(st, OT_E_MALFORMED);
  const ot_spdm_peer_error *e = ot_spdm_requester_last_error(&g->req);
  assert_non_null(e);
  assert_int_equal(e->code, OT_SPDM_ERR_INVALID_REQUEST);
  assert_int_equal(e->request, OT_SPDM_PSK_EXCHANGE);
  assert_int_equal(rsp_sessions(g), 0); /* nothing kept for the refused request */
  /* An empty hint names no PSK either (none is configured without a hint). */
  p.hint = NULL;
  p.hint_len = 0;
  rig_free(g);
  g = psk_rig(OT_SPDM_VMASK_13, OT_SPDM_CAP_PSK_WITH_CONTEXT, false, table, NULL);
  assert_ot_code(ot_spdm_requester_start_psk_session(&g->req, &p, 0, NULL, &sid), OT_E_MALFORMED);
  rig_free(g);
}

static void tampered_responder_verify_data(void **state) {
  (void)state;
  for (int ctx = 0; ctx < 2; ctx++) {
    ot_spdm_psk table[1];
    tamper tp = {.rsp_vd = true};
    rig *g = psk_rig(OT_SPDM_VMASK_12, ctx ? OT_SPDM_CAP_PSK_WITH_CONTEXT : OT_SPDM_CAP_PSK,
                     false, table, &tp);
    uint32_t sid = 0;
    assert_ot_code(ot_spdm_requester_start_psk_session(&g->req, &good, 0, NULL, &sid), OT_E_VERIFY);
    assert_int_equal(tp.flipped, 1);
    assert_false(g->req.sessions[0].used);
    rig_free(g);
  }
}

/* A request changed in transit: the two transcripts differ, so the
 * responder's VerifyData cannot verify on our side. */
static void tampered_request_context(void **state) {
  (void)state;
  ot_spdm_psk table[1];
  tamper tp = {.req_context = true};
  rig *g = psk_rig(OT_SPDM_VMASK_13, OT_SPDM_CAP_PSK_WITH_CONTEXT, false, table, &tp);
  uint32_t sid = 0;
  assert_ot_code(ot_spdm_requester_start_psk_session(&g->req, &good, 0, NULL, &sid), OT_E_VERIFY);
  assert_int_equal(tp.flipped, 1);
  rig_free(g);
}

/* Drives the responder by hand after VCA: PSK_EXCHANGE, then a finish message
 * of our choosing under the handshake keys; returns the decrypted answer. */
typedef struct manual {
  ot_spdm_session s;
  ot_spdm_th th;
} manual;

static void manual_exchange(rig *g, manual *m) {
  uint8_t ctx[48], opaque[32], req[256], rsp[512];
  memset(ctx, 0x5a, sizeof(ctx));
  ot_writer ow, w;
  ot_writer_init(&ow, opaque, sizeof(opaque));
  ot_spdm_sm_versions v = {.data_id = OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS,
                           .count = 1,
                           .version = {OT_SPDM_SM_VERSION_11}};
  assert_ot_ok(ot_spdm_sm_versions_encode(&ow, &v));
  ot_spdm_psk_exchange q = {.req_session_id = 0x1234,
                            .hint_len = sizeof(psk_hint),
                            .hint = psk_hint,
                            .context_len = sizeof(ctx),
                            .context = ctx,
                            .opaque_len = (uint16_t)ot_writer_len(&ow),
                            .opaque = opaque};
  const ot_spdm_sizes *sz = &g->req.neg.sizes;
  ot_writer_init(&w, req, sizeof(req));
  assert_ot_ok(ot_spdm_encode_psk_exchange(sz, &w, &q));
  size_t n = 0, h = sz->hash_len;
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, req, ot_writer_len(&w), rsp, sizeof(rsp), &n));
  assert_int_equal(rsp[1], OT_SPDM_PSK_EXCHANGE_RSP);
  ot_reader r;
  ot_reader_init(&r, rsp, n);
  ot_spdm_psk_exchange_rsp a;
  assert_ot_ok(ot_spdm_decode_psk_exchange_rsp(sz, &r, &a));
  ot_spdm_session_params p = {.spdm_version = g->req.neg.version,
                              .hash = g->req.neg.hash,
                              .aead = g->req.neg.aead_alg,
                              .sm_version = OT_SPDM_SM_VERSION_11};
  assert_ot_ok(ot_spdm_session_init(&m->s, OT_SPDM_ROLE_REQUESTER,
                                    ot_spdm_session_id_make(0x1234, a.rsp_session_id), &p));
  uint8_t th[OT_HASH_MAX_SIZE];
  assert_ot_ok(ot_spdm_th_begin_psk(&m->th, &g->req.t));
  assert_ot_ok(ot_spdm_th_append(&m->th, req, ot_writer_len(&w)));
  assert_ot_ok(ot_spdm_th_append(&m->th, rsp, n - h));
  assert_ot_ok(ot_spdm_th_hash(&m->th, th, sizeof(th)));
  assert_ot_ok(ot_spdm_session_derive_handshake_psk(&m->s, psk_key, sizeof(psk_key), th, h));
  assert_ot_ok(ot_spdm_session_check_verify_data(&m->s, OT_SPDM_DIR_RSP, th, h, a.verify_data, h));
  assert_ot_ok(ot_spdm_th_append(&m->th, a.verify_data, h));
}

/* Sends msg under the handshake keys; returns the answer's code and ErrorCode. */
static void manual_send(rig *g, manual *m, const uint8_t *msg, size_t len, uint8_t *code,
                        uint8_t *err) {
  uint8_t rec[256], out[256], plain[256];
  size_t rn = 0, on = 0, pn = 0;
  bool sec = false;
  assert_ot_ok(ot_spdm_secured_encode(&m->s, msg, len, rec, sizeof(rec), &rn));
  assert_ot_ok(ot_spdm_responder_handle_secured(&g->rsp, rec, rn, out, sizeof(out), &on, &sec));
  assert_true(sec); /* the answer is sealed under the handshake keys */
  assert_ot_ok(ot_spdm_secured_decode(&m->s, out, on, plain, sizeof(plain), &pn));
  *code = plain[1];
  *err = plain[2];
}

static void tampered_requester_verify_data(void **state) {
  (void)state;
  ot_spdm_psk table[1];
  rig *g = psk_rig(OT_SPDM_VMASK_13, OT_SPDM_CAP_PSK_WITH_CONTEXT, false, table, NULL);
  manual m;
  memset(&m, 0, sizeof(m));
  manual_exchange(g, &m);
  assert_int_equal(rsp_sessions(g), 1);
  size_t h = g->req.neg.sizes.hash_len;
  uint8_t msg[4 + OT_HASH_MAX_SIZE] = {g->req.neg.version, OT_SPDM_PSK_FINISH, 0, 0};
  uint8_t th[OT_HASH_MAX_SIZE], code = 0, err = 0;
  assert_ot_ok(ot_spdm_th_append(&m.th, msg, 4));
  assert_ot_ok(ot_spdm_th_hash(&m.th, th, sizeof(th)));
  assert_ot_ok(ot_spdm_session_verify_data(&m.s, OT_SPDM_DIR_REQ, th, h, msg + 4, h));
  msg[4 + h - 1] ^= 0x01;
  manual_send(g, &m, msg, 4 + h, &code, &err);
  assert_int_equal(code, OT_SPDM_ERROR);
  assert_int_equal(err, OT_SPDM_ERR_DECRYPT_ERROR);
  assert_int_equal(rsp_sessions(g), 0); /* the session ended after the ERROR */
  ot_spdm_th_free(&m.th);
  ot_spdm_session_teardown(&m.s);
  rig_free(g);
}

/* FINISH does not end a PSK handshake (DSP0274 1.3: PSK_FINISH does); the
 * session stays and a correct PSK_FINISH then establishes it. */
static void finish_in_psk_session_is_unexpected(void **state) {
  (void)state;
  ot_spdm_psk table[1];
  rig *g = psk_rig(OT_SPDM_VMASK_12, OT_SPDM_CAP_PSK_WITH_CONTEXT, false, table, NULL);
  manual m;
  memset(&m, 0, sizeof(m));
  manual_exchange(g, &m);
  size_t h = g->req.neg.sizes.hash_len;
  uint8_t fin[4 + OT_HASH_MAX_SIZE] = {g->req.neg.version, OT_SPDM_FINISH, 0, 0};
  uint8_t code = 0, err = 0;
  manual_send(g, &m, fin, 4 + h, &code, &err);
  assert_int_equal(code, OT_SPDM_ERROR);
  assert_int_equal(err, OT_SPDM_ERR_UNEXPECTED_REQUEST);
  uint8_t msg[4 + OT_HASH_MAX_SIZE] = {g->req.neg.version, OT_SPDM_PSK_FINISH, 0, 0};
  uint8_t th[OT_HASH_MAX_SIZE];
  assert_ot_ok(ot_spdm_th_append(&m.th, msg, 4));
  assert_ot_ok(ot_spdm_th_hash(&m.th, th, sizeof(th)));
  assert_ot_ok(ot_spdm_session_verify_data(&m.s, OT_SPDM_DIR_REQ, th, h, msg + 4, h));
  manual_send(g, &m, msg, 4 + h, &code, &err);
  assert_int_equal(code, OT_SPDM_PSK_FINISH_RSP);
  assert_int_equal(g->rsp.sessions[0].s.state, OT_SPDM_SESSION_ESTABLISHED);
  ot_spdm_th_free(&m.th);
  ot_spdm_session_teardown(&m.s);
  rig_free(g);
}

/* Without PSK_CAP on the responder: the requester does not try; a
 * PSK_EXCHANGE sent anyway is UnsupportedRequest. PSK_FINISH at a PSK_CAP
 * 01b responder is unsupported too. */
static void no_psk_cap(void **state) {
  (void)state;
  ot_spdm_psk table[1];
  rig *g = psk_rig(OT_SPDM_VMASK_12, 0, false, table, NULL);
  uint32_t sid = 0;
  assert_ot_code(ot_spdm_requester_start_psk_session(&g->req, &good, 0, NULL, &sid),
                OT_E_UNSUPPORTED);
  uint8_t req[4] = {OT_SPDM_VERSION_12, OT_SPDM_PSK_FINISH, 0, 0}, rsp[16];
  size_t n = 0;
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, req, sizeof(req), rsp, sizeof(rsp), &n));
  assert_int_equal(rsp[1], OT_SPDM_ERROR);
  assert_int_equal(rsp[2], OT_SPDM_ERR_UNSUPPORTED_REQUEST);
  rig_free(g);
}

/* A PSK_CAP without a key, 11b, or a key too long is a configuration error. */
static void responder_config_checked(void **state) {
  (void)state;
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, OT_SPDM_VMASK_12, false, false, 3});
  ot_spdm_responder r;
  ot_spdm_responder_config c = g->rcfg;
  c.caps |= OT_SPDM_CAP_PSK_WITH_CONTEXT;
  assert_ot_code(ot_spdm_responder_init(&r, &c), OT_E_ARG);
  ot_spdm_psk t = good;
  c.psk = &t;
  c.psk_count = 1;
  assert_ot_ok(ot_spdm_responder_init(&r, &c));
  ot_spdm_responder_free(&r);
  c.caps |= OT_SPDM_CAP_PSK_MASK;
  assert_ot_code(ot_spdm_responder_init(&r, &c), OT_E_ARG);
  c.caps &= ~(uint32_t)OT_SPDM_CAP_PSK;
  t.key_len = OT_SPDM_PSK_MAX + 1;
  assert_ot_code(ot_spdm_responder_init(&r, &c), OT_E_ARG);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(psk_finish_1_2),
      cmocka_unit_test(psk_finish_1_3),
      cmocka_unit_test(psk_finish_1_4),
      cmocka_unit_test(psk_without_finish),
      cmocka_unit_test(wrong_psk_fails_cleanly),
      cmocka_unit_test(unknown_hint_is_refused),
      cmocka_unit_test(tampered_responder_verify_data),
      cmocka_unit_test(tampered_request_context),
      cmocka_unit_test(tampered_requester_verify_data),
      cmocka_unit_test(finish_in_psk_session_is_unexpected),
      cmocka_unit_test(no_psk_cap),
      cmocka_unit_test(responder_config_checked),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
