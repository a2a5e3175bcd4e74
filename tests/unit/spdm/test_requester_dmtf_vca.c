/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The requester's VCA against DMTF's spdm_responder_emu, replayed: the
 * responder's answers are the bytes it sent live, and every request must be
 * the bytes it accepted. Regressions for docs/interop.md, section "Our
 * requester (opentsm connect) against spdm_responder_emu":
 *  - NEGOTIATE_ALGORITHMS carried an empty ReqBaseAsymAlg AlgStruct
 *    (04 20 00 00), which libspdm answers with ERROR InvalidRequest;
 *  - libspdm's responder selects a SHA-512 MeasurementHashAlgo, which the
 *    requester refused as outside its policy;
 *  - with the responder offering 1.0-1.4 a requester offering 1.2/1.3 must
 *    speak 1.3.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/spdm.h"
#include "testsupport.h"

typedef struct step {
  const uint8_t *req;
  size_t req_len;
  const uint8_t *rsp;
  size_t rsp_len;
} step;

typedef struct script {
  ot_doe_transport base; /* first */
  const step *steps;
  size_t count, at;
} script;

static ot_status script_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                 const uint8_t *req, size_t req_len, uint8_t *rsp, size_t cap,
                                 size_t *rsp_len) {
  script *s = (script *)(void *)t;
  assert_int_equal(vendor, OT_DOE_VENDOR_PCISIG);
  assert_int_equal(type, OT_DOE_TYPE_SPDM);
  assert_true(s->at < s->count);
  const step *st = &s->steps[s->at++];
  if (req_len != st->req_len || memcmp(req, st->req, req_len) != 0) {
    print_message("request %zu (%zu bytes):", s->at - 1, req_len);
    for (size_t i = 0; i < req_len; i++)
      print_message(" %02x", req[i]);
    print_message("\n");
    fail_msg("request %zu differs from what the DMTF responder accepted", s->at - 1);
  }
  assert_true(st->rsp_len <= cap);
  memcpy(rsp, st->rsp, st->rsp_len);
  *rsp_len = st->rsp_len;
  return OT_SUCCESS;
}

#define S(a) a, sizeof(a)

static const uint8_t get_version[] = {0x10, 0x84, 0x00, 0x00};

/* ---- spdm_responder_emu --mut_auth NO --basic_mut_auth NO (no --ver: 1.0-1.4) ---- */

static const uint8_t v14_version[] = {0x10, 0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x10,
                                      0x00, 0x11, 0x00, 0x12, 0x00, 0x13, 0x00, 0x14};
static const uint8_t v13_get_caps[] = {0x13, 0xe1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x62,
                                       0x02, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x80, 0x02, 0x00};
static const uint8_t v13_caps[] = {0x13, 0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf7, 0xfb,
                                   0x9a, 0x39, 0x00, 0x12, 0x00, 0x00, 0x00, 0x80, 0x02, 0x00};
/* Three AlgStructs (DHE, AEAD, KeySchedule), none empty; OtherParamsSupport
 * Fmt1 | MultiKeyConn (the responder has MULTI_KEY_CAP 10b). AEAD 0x0007
 * (AES-128-GCM added to the recorded 0x0006), BaseHashAlgo 0x3f (SHA-512
 * and SHA3 added to the recorded 0x03), BaseAsymAlgo 0xd90 (P-521, Ed25519 and
 * Ed448 added to the recorded 0x90) and DHE 0x38 (secp521r1 added to 0x18); the responder's answer is the same,
 * as the interop cases requester:* check live. MELspecification 01h (byte
 * 31): the responder has MEL_CAP (DSP0274 1.3 §10.4), as libspdm's requester
 * offers it. */
static const uint8_t v13_negotiate[] = {
    0x13, 0xe3, 0x03, 0x00, 0x2c, 0x00, 0x01, 0x12, 0x90, 0x0d, 0x00, 0x00, 0x3f, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x02, 0x20, 0x38, 0x00, 0x03, 0x20, 0x07, 0x00, 0x05, 0x20, 0x01, 0x00};
/* MeasurementHashAlgo 0x08 (SHA-512), P-384, SHA-384, secp384r1, AES-256-GCM. */
static const uint8_t v13_algorithms[] = {
    0x13, 0x63, 0x03, 0x00, 0x30, 0x00, 0x01, 0x02, 0x08, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x10, 0x00, 0x03, 0x20, 0x02, 0x00, 0x05, 0x20, 0x01, 0x00};

/* ---- ... --ver 1.2 --hash SHA_256 --asym ECDSA_P256 --dhe SECP_256_R1
 *          --aead CHACHA20_POLY1305 ---------------------------------------------- */

static const uint8_t v12_version[] = {0x10, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12};
static const uint8_t v12_get_caps[] = {0x12, 0xe1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x62,
                                       0x02, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x80, 0x02, 0x00};
static const uint8_t v12_caps[] = {0x12, 0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf7, 0xfb,
                                   0x1a, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x80, 0x02, 0x00};
static const uint8_t v12_negotiate[] = {
    0x12, 0xe3, 0x03, 0x00, 0x2c, 0x00, 0x01, 0x02, 0x90, 0x0d, 0x00, 0x00, 0x3f, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x02, 0x20, 0x38, 0x00, 0x03, 0x20, 0x07, 0x00, 0x05, 0x20, 0x01, 0x00};
static const uint8_t v12_algorithms[] = {
    0x12, 0x63, 0x03, 0x00, 0x30, 0x00, 0x01, 0x02, 0x08, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x08, 0x00, 0x03, 0x20, 0x04, 0x00, 0x05, 0x20, 0x01, 0x00};

/* What we used to send in 1.3 (ReqBaseAsymAlg 04 20 00 00, Length 0x30), which
 * the DMTF responder answered with ERROR InvalidRequest (13 7f 01 00). */
static const uint8_t v13_negotiate_refused[] = {
    0x13, 0xe3, 0x04, 0x00, 0x30, 0x00, 0x01, 0x12, 0x90, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x20, 0x18, 0x00, 0x03, 0x20, 0x06, 0x00, 0x04, 0x20, 0x00, 0x00, 0x05, 0x20, 0x01, 0x00};

typedef struct fx {
  ot_drbg drbg;
  ot_sim_clock clock;
  ot_spdm_requester_config cfg;
  ot_spdm_requester q;
  script s;
} fx;

static fx *fx_new(const step *steps, size_t count) {
  fx *f = calloc(1, sizeof *f);
  assert_non_null(f);
  uint8_t e[48];
  memset(e, 7, sizeof e);
  assert_ot_ok(ot_drbg_instantiate(&f->drbg, e, 32, e + 32, 16, NULL, 0));
  ot_sim_clock_init(&f->clock, 0);
  ot_spdm_requester_config_default(&f->cfg, &f->drbg.rng, &f->clock.base);
  /* These recordings are of a requester offering 1.2 and 1.3 (the 1.4 VCA is
   * covered by test_requester_versions.c). */
  f->cfg.versions = OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13;
  f->cfg.caps &= ~OT_SPDM_CAP_LARGE_RESP;
  f->s = (script){.base = {.exchange = script_exchange}, .steps = steps, .count = count};
  assert_ot_ok(ot_spdm_requester_init(&f->q, &f->cfg, &f->s.base));
  return f;
}

static void fx_free(fx *f) {
  ot_spdm_requester_free(&f->q);
  ot_drbg_uninstantiate(&f->drbg);
  free(f);
}

static void test_vca_13_from_1_0_to_1_4(void **s) {
  (void)s;
  const step steps[] = {{S(get_version), S(v14_version)},
                        {S(v13_get_caps), S(v13_caps)},
                        {S(v13_negotiate), S(v13_algorithms)}};
  fx *f = fx_new(steps, 3);
  assert_ot_ok(ot_spdm_requester_connect(&f->q));
  assert_int_equal(f->s.at, 3);
  const ot_spdm_negotiated *n = &f->q.neg;
  assert_int_equal(n->version, OT_SPDM_VERSION_13); /* the highest common, not 1.4 */
  assert_int_equal(n->base_asym, OT_SPDM_ASYM_ECDSA_P384);
  assert_int_equal(n->base_hash, OT_SPDM_HASH_SHA_384);
  assert_int_equal(n->meas_hash, OT_SPDM_MEAS_HASH_SHA_512);
  assert_int_equal(n->mhash, OT_HASH_SHA512);
  assert_int_equal(n->dhe, OT_SPDM_DHE_SECP384R1);
  assert_int_equal(n->aead, OT_SPDM_AEAD_AES_256_GCM);
  /* MULTI_KEY_CAP 10b and our MultiKeyConn bit set: multi_key_conn_rsp holds
   * (DSP0274 1.3 §10.4; SPEC-FACTS §2.17), as the live transcripts confirmed. */
  assert_true(n->multi_key_conn);
  fx_free(f);
}

static void test_vca_12_p256_chacha(void **s) {
  (void)s;
  const step steps[] = {{S(get_version), S(v12_version)},
                        {S(v12_get_caps), S(v12_caps)},
                        {S(v12_negotiate), S(v12_algorithms)}};
  fx *f = fx_new(steps, 3);
  assert_ot_ok(ot_spdm_requester_connect(&f->q));
  const ot_spdm_negotiated *n = &f->q.neg;
  assert_int_equal(n->version, OT_SPDM_VERSION_12);
  assert_int_equal(n->base_asym, OT_SPDM_ASYM_ECDSA_P256);
  assert_int_equal(n->base_hash, OT_SPDM_HASH_SHA_256);
  assert_int_equal(n->meas_hash, OT_SPDM_MEAS_HASH_SHA_512);
  assert_int_equal(n->dhe, OT_SPDM_DHE_SECP256R1);
  assert_int_equal(n->aead, OT_SPDM_AEAD_CHACHA20_POLY1305);
  fx_free(f);
}

/* The refused request decodes (it is well-formed) but holds an AlgStruct that
 * offers nothing; the one we send now holds none. */
static void test_no_empty_alg_struct(void **s) {
  (void)s;
  ot_spdm_sizes sz = {.version = OT_SPDM_VERSION_13};
  ot_spdm_alg_offer o;
  ot_reader r;
  ot_reader_init(&r, v13_negotiate_refused, sizeof v13_negotiate_refused);
  assert_ot_ok(ot_spdm_decode_negotiate_algorithms(&sz, &r, &o));
  assert_int_equal(o.alg[2].type, OT_SPDM_ALG_TYPE_REQ_BASE_ASYM);
  assert_int_equal(o.alg[2].supported, 0);
  ot_reader_init(&r, v13_negotiate, sizeof v13_negotiate);
  assert_ot_ok(ot_spdm_decode_negotiate_algorithms(&sz, &r, &o));
  assert_int_equal(o.alg_count, 3);
  for (uint8_t i = 0; i < o.alg_count; i++) {
    assert_int_not_equal(o.alg[i].type, OT_SPDM_ALG_TYPE_REQ_BASE_ASYM);
    assert_int_not_equal(o.alg[i].supported, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vca_13_from_1_0_to_1_4),
      cmocka_unit_test(test_vca_12_p256_chacha),
      cmocka_unit_test(test_no_empty_alg_struct),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
