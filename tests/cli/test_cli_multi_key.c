/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `opentsm device --multi-key neg --state-dir DIR --key-pairs 3` in process
 * against our requester (cli_multi_key.c; DSP0274 1.3 multi-key): generate
 * key pair 2, GET_CSR for KeyPairID 2, a CA issues its certificate,
 * SET_CERTIFICATE into slot 2 with KeyPairID 2; after a restart on the same
 * state DIGESTS names KeyPairID 2 for slot 2 and CHALLENGE / KEY_EXCHANGE
 * with slot 2 verify against the new chain. A usage taken from the pair is
 * refused at once; a chain under the wrong KeyPairID and a damaged key pair
 * file are refused.
 */
#include "../unit/spdm/ca_rig.h"
#include "cli_util.h"
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KEYS OT_SOURCE_DIR "/tests/vectors/spdm-emu/sample_key"

typedef struct bed {
  char dir[64];
  cli_device *d;
  ot_drbg drbg;
  ot_x509_cert anchors[2];
  ot_spdm_doe_loopback loop;
  ot_spdm_requester_config qcfg;
  ot_spdm_requester req;
  uint8_t der[4096]; /* root | leaf of key pair 2 */
  size_t der_len;
} bed;

static cli_device_opts opts(const bed *b) {
  return (cli_device_opts){.identity = CLI_ID_SAMPLE_P384,
                           .key_dir = KEYS,
                           .has_seed = true,
                           .seed = 11,
                           .state_dir = b->dir,
                           .key_pairs = 3,
                           .multi_key_set = true,
                           .multi_key = OT_SPDM_CAP_MULTI_KEY_NEG};
}

/* (Re)starts the device on the state folder and connects a 1.3 requester
 * trusting the sample root and, once issued, the new CA. */
static void start(bed *b) {
  b->d = calloc(1, sizeof(*b->d));
  assert_non_null(b->d);
  cli_device_opts o = opts(b);
  const char *what = "";
  assert_ot_ok(cli_device_init(b->d, &o, &what));
  assert_ot_ok(ot_spdm_identity_root(&b->d->id, 0, &b->anchors[0]));
  ot_spdm_doe_loopback_init(&b->loop, cli_device_doe(b->d));
  ot_spdm_requester_config_default(&b->qcfg, &b->drbg.rng, ot_clock_real());
  b->qcfg.versions = OT_SPDM_VMASK_13;
  b->qcfg.anchors = b->anchors;
  b->qcfg.anchor_count = b->der_len ? 2 : 1;
  b->qcfg.now = time(NULL);
  assert_ot_ok(ot_spdm_requester_init(&b->req, &b->qcfg, &b->loop.base));
  uint8_t mask, chain[OT_SPDM_LARGE_MAX];
  size_t chain_len;
  assert_ot_ok(ot_spdm_requester_connect(&b->req));
  assert_true(b->req.neg.multi_key_conn);
  assert_ot_ok(ot_spdm_requester_get_digests(&b->req, &mask));
  assert_ot_ok(
      ot_spdm_requester_get_certificate(&b->req, 0, 0, chain, sizeof(chain), &chain_len));
}

static void stop(bed *b) {
  ot_spdm_requester_free(&b->req);
  cli_device_free(b->d);
  free(b->d);
  b->d = NULL;
}

static void remove_state(bed *b) {
  static const char *const files[] = {CLI_STATE_FILE, CLI_KEY_PAIRS_FILE};
  char p[128];
  for (size_t i = 0; i < 2; i++) {
    snprintf(p, sizeof p, "%s/%s", b->dir, files[i]);
    unlink(p);
  }
  rmdir(b->dir);
}

/* A CA (fresh P-384 root) issues a responder leaf over pub: root | leaf. */
static void issue(bed *b, const uint8_t *pub) {
  time_t now = time(NULL);
  ca_leaf o = {.curve = OT_CURVE_P384,
               .ca_name = "provisioning CA",
               .leaf_name = "device key pair 2",
               .pub = pub,
               .eku = OT_X509_EKU_RESPONDER,
               .not_before = now - 3600,
               .not_after = now + 86400};
  ca_issue(&o, &b->drbg.rng, b->der, sizeof b->der, &b->der_len, &b->anchors[1]);
}

static void test_generate_csr_set_certificate_restart(void **s) {
  (void)s;
  bed *b = calloc(1, sizeof(*b));
  assert_non_null(b);
  snprintf(b->dir, sizeof b->dir, "/tmp/opentsm-mk-XXXXXX");
  assert_non_null(mkdtemp(b->dir));
  uint8_t e[48];
  memset(e, 0x5d, sizeof e);
  assert_ot_ok(ot_drbg_instantiate(&b->drbg, e, 32, e + 32, 16, NULL, 0));
  start(b);
  uint32_t sid;
  assert_ot_ok(ot_spdm_requester_start_session(&b->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  ot_spdm_set_key_pair_info gen = {.key_pair_id = 2,
                                   .operation = OT_SPDM_KEY_PAIR_OP_GENERATE,
                                   .desired_asym_algo = OT_SPDM_KP_ALGO_ECC384};
  assert_ot_ok(ot_spdm_requester_set_key_pair_info(&b->req, sid, &gen));
  /* GET_CSR KeyPairID 2: pair 2's public key, signed by it. */
  uint8_t csr[OT_SPDM_CSR_MAX], pub[OT_ECC_MAX_PUBLIC];
  size_t n = 0, pub_len = 0;
  ot_curve c;
  assert_ot_ok(ot_spdm_requester_get_csr(&b->req, sid, 2, OT_SPDM_CERT_MODEL_DEVICE, NULL, 0, csr,
                                         sizeof csr, &n));
  assert_ot_ok(ot_x509_csr_check(csr, n, &c, pub, sizeof pub, &pub_len));
  assert_int_equal(c, OT_CURVE_P384);
  assert_memory_equal(pub, b->d->kps.kp[1].pub, pub_len);
  issue(b, pub);
  assert_ot_ok(ot_spdm_requester_set_certificate(&b->req, sid, 2, 2, OT_SPDM_CERT_MODEL_DEVICE,
                                                 b->der, b->der_len));
  assert_int_equal(b->d->kps.kp[1].assoc, 0x04);
  assert_ot_ok(ot_spdm_requester_end_session(&b->req, sid));
  stop(b);

  /* Restart: slot 2 holds the chain and signs with pair 2's key. */
  start(b);
  assert_int_equal(b->req.digest_mask, 0x07); /* the sample's slots 0, 1 and slot 2 */
  assert_int_equal(b->req.slots[2].key_pair_id, 2);
  assert_int_equal(b->req.slots[0].key_pair_id, 1);
  uint8_t chain[OT_SPDM_LARGE_MAX];
  size_t chain_len;
  assert_ot_ok(ot_spdm_requester_get_certificate(&b->req, 2, 0, chain, sizeof chain, &chain_len));
  assert_memory_equal(b->req.slots[2].pub, pub, pub_len);
  assert_ot_ok(ot_spdm_requester_challenge(&b->req, 2, OT_SPDM_MEAS_SUMMARY_NONE, NULL));
  assert_ot_ok(ot_spdm_requester_start_session(&b->req, 2, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  /* Pair 2 to CHALLENGE only: at once a KEY_EXCHANGE with slot 2 is
   * InvalidRequest (DSP0274 1.3 KEY_EXCHANGE with multi-key; libspdm alike). */
  ot_spdm_set_key_pair_info chg = {.key_pair_id = 2,
                                   .operation = OT_SPDM_KEY_PAIR_OP_CHANGE,
                                   .desired_key_usage = OT_SPDM_KEY_USAGE_CHALLENGE,
                                   .desired_assoc_cert_slot_mask = 0x04};
  assert_ot_ok(ot_spdm_requester_set_key_pair_info(&b->req, sid, &chg));
  assert_int_equal(b->d->id.slots[2].key_usage, OT_SPDM_KEY_USAGE_CHALLENGE);
  uint32_t sid2;
  assert_ot_code(ot_spdm_requester_start_session(&b->req, 2, OT_SPDM_MEAS_SUMMARY_NONE, &sid2),
                 OT_E_MALFORMED);
  stop(b);

  /* Pair 2's chain under KeyPairID 1 (slot 3): InvalidRequest, nothing kept. */
  start(b);
  assert_int_equal(b->req.slots[2].key_usage, OT_SPDM_KEY_USAGE_CHALLENGE);
  assert_ot_ok(ot_spdm_requester_start_session(&b->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid));
  assert_ot_code(ot_spdm_requester_set_certificate(&b->req, sid, 3, 1, OT_SPDM_CERT_MODEL_DEVICE,
                                                   b->der, b->der_len),
                 OT_E_MALFORMED);
  assert_false(b->d->state.staged->slots[3].present);
  stop(b);

  /* A damaged key pair file: the device does not start, the file stays. */
  char p[128];
  snprintf(p, sizeof p, "%s/%s", b->dir, CLI_KEY_PAIRS_FILE);
  FILE *f = fopen(p, "r+b");
  assert_non_null(f);
  assert_int_equal(fseek(f, 20, SEEK_SET), 0);
  int byte = fgetc(f);
  assert_int_equal(fseek(f, 20, SEEK_SET), 0);
  assert_int_not_equal(fputc(byte ^ 0x40, f), EOF);
  assert_int_equal(fclose(f), 0);
  b->d = calloc(1, sizeof(*b->d));
  assert_non_null(b->d);
  cli_device_opts o = opts(b);
  const char *what = "";
  assert_ot_code(cli_device_init(b->d, &o, &what), OT_E_VERIFY);
  assert_string_equal(what, "reading the key pairs");
  free(b->d);
  remove_state(b);
  ot_drbg_uninstantiate(&b->drbg);
  free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generate_csr_set_certificate_restart),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
