/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TSM end to end, in one process: DSM-backed devices behind DOE mailbox
 * models, reached through the host's mailbox driver and a host stand-in that
 * keeps every byte it relays. Connect, disconnect, reconnect; bind, start,
 * guest requests, unbind with two guests; every policy refusal with its
 * reason; a device whose key does not match its certificate; and a scan of
 * everything the host relayed for every secret either side derived.
 */
#include "../unit/tsm/tsm_rig.h"

/* A policy for devices "gpu0" (guest-a) and "nvme0" (guest-b), with the
 * reference values of measurements 1 and 2 of `ref`. */
static void std_policy_n(rig *g, rig_dev *const *anchors, size_t nanchors, rig_dev *ref,
                         const char *spdm_extra, const char *meas2_override) {
  char m1[2 * OT_TSM_POLICY_VALUE_MAX + 1], m2[2 * OT_TSM_POLICY_VALUE_MAX + 1];
  rig_ref_hex(ref, 1, m1, sizeof(m1));
  rig_ref_hex(ref, 2, m2, sizeof(m2));
  static char yaml[4096];
  snprintf(yaml, sizeof(yaml),
           "version: 1\n"
           "trust_anchors: [root0.der%s]\n"
           "spdm:\n"
           "%s"
           "devices:\n"
           "  - name: gpu0\n"
           "    measurements:\n"
           "      1: %s\n"
           "      2: %s\n"
           "    guests: [guest-a]\n"
           "  - name: nvme0\n"
           "    measurements: {1: %s}\n"
           "    guests: [guest-b]\n",
           nanchors > 1 ? ", root1.der" : "", spdm_extra ? spdm_extra : "  min_version: \"1.2\"\n",
           m1, meas2_override ? meas2_override : m2, m1);
  rig_policy_n(g, anchors, nanchors, yaml);
}

static void std_policy(rig *g, rig_dev *anchor, rig_dev *ref, const char *spdm_extra,
                       const char *meas2_override) {
  std_policy_n(g, &anchor, 1, ref, spdm_extra, meas2_override);
}

static rig *two_devices(void) {
  rig *g = rig_new();
  rig_dev *a = rig_add_device(g, &(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_dev *b = rig_add_device(g, &(rig_dev_opts){.name = "nvme0", .seed = 1});
  rig_dev *both[2] = {a, b};
  std_policy_n(g, both, 2, a, NULL, NULL);
  rig_start_tsm(g);
  return g;
}

static bool device_has_session(rig_dev *d) {
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++)
    if (d->ep.dsm.rsp.sessions[i].used) return true;
  return false;
}

static void test_connect_disconnect_reconnect(void **s) {
  (void)s;
  rig *g = two_devices();
  ot_tsm_refusal why;
  for (int round = 0; round < 2; round++) {
    for (size_t i = 0; i < g->ndev; i++) {
      rig_dev *d = g->devs[i];
      assert_ot_ok(ot_tsm_connect(&g->tsm, &d->tdev, &why));
      assert_int_equal(d->tdev.state, OT_TSM_DEV_CONNECTED);
      assert_true(device_has_session(d));
      assert_int_equal(d->link.base.probes, 1);
      assert_int_equal(d->link.base.connects, 1);
    }
    assert_int_equal(g->tsm.connected, 2);
    /* Connecting twice is refused and changes nothing. */
    assert_ot_code(ot_tsm_connect(&g->tsm, &g->devs[0]->tdev, &why), OT_E_STATE);
    assert_int_equal(why.reason, OT_TSM_R_STATE);
    for (size_t i = 0; i < g->ndev; i++) {
      rig_dev *d = g->devs[i];
      assert_ot_ok(ot_tsm_disconnect(&g->tsm, &d->tdev));
      assert_int_equal(d->tdev.state, OT_TSM_DEV_IDLE);
      assert_false(device_has_session(d));
      assert_int_equal(d->link.base.probes, 0);
      assert_int_equal(d->link.base.connects, 0);
    }
    assert_ot_code(ot_tsm_disconnect(&g->tsm, &g->devs[0]->tdev), OT_E_STATE);
  }
  print_message("TSM memory per connected device: sizeof(ot_tsm_dev) = %zu bytes (budget %u); "
                "per TDI: %zu bytes\n",
                sizeof(ot_tsm_dev), OT_TSM_DEV_BUDGET, sizeof(ot_tsm_tdi));
  rig_free(g);
}

/* Connect's own signed MEASUREMENTS is the evidence: ot_tsm_connect_evidence
 * asks the device for nothing more than ot_tsm_connect (same DOE exchanges),
 * and what it returns verifies on its own (DSP0274 §10.11: L1 = A ‖ request ‖
 * response under the leaf key); a changed byte does not. A refusal leaves no
 * evidence behind. */
static void test_connect_evidence_is_connects_own_exchange(void **s) {
  (void)s;
  rig *g = two_devices();
  rig_dev *a = g->devs[0], *b = g->devs[1];
  ot_tsm_refusal why;
  ot_tsm_evidence *ev = calloc(1, sizeof(*ev));
  assert_non_null(ev);
  assert_ot_ok(ot_tsm_connect(&g->tsm, &b->tdev, &why));
  size_t plain = b->host.objects;
  assert_ot_ok(ot_tsm_connect_evidence(&g->tsm, &a->tdev, ev, &why));
  assert_int_equal(a->host.objects, plain);
  assert_int_equal(a->tdev.state, OT_TSM_DEV_CONNECTED);
  assert_string_equal(ev->device, "gpu0");
  assert_false(ev->has_report);
  assert_true(ev->chain_len > 0 && ev->vca_len > 0);
  /* The nonce is the one the request carried (after the 4-byte header). */
  assert_true(ev->get_meas_len >= 4 + OT_SPDM_NONCE_SIZE);
  assert_memory_equal(ev->get_meas + 4, ev->nonce, OT_SPDM_NONCE_SIZE);
  ot_x509_cert anchor;
  assert_ot_ok(ot_spdm_identity_root(&a->id, 0, &anchor));
  assert_ot_ok(ot_tsm_evidence_verify(ev, &anchor, 1, RIG_NOW, ev->nonce, &why));
  const uint8_t *v = NULL;
  size_t vlen = 0;
  assert_ot_ok(ot_tsm_evidence_measurement(ev, 1, &v, &vlen));
  char hex[2 * OT_TSM_POLICY_VALUE_MAX + 1], got[2 * OT_TSM_POLICY_VALUE_MAX + 1];
  rig_ref_hex(a, 1, hex, sizeof(hex));
  assert_true(2 * vlen < sizeof(got));
  for (size_t i = 0; i < vlen; i++)
    snprintf(got + 2 * i, 3, "%02x", v[i]);
  assert_string_equal(got, hex);
  ev->meas[ev->meas_len - 1] ^= 1u; /* in the signature */
  assert_false(ot_ok(ot_tsm_evidence_verify(ev, &anchor, 1, RIG_NOW, ev->nonce, &why)));
  ev->meas[ev->meas_len - 1] ^= 1u;
  uint8_t other[OT_SPDM_NONCE_SIZE];
  memcpy(other, ev->nonce, sizeof(other));
  other[0] ^= 1u;
  assert_ot_code(ot_tsm_evidence_verify(ev, &anchor, 1, RIG_NOW, other, &why), OT_E_VERIFY);
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &a->tdev));
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &b->tdev));
  free(ev);
  rig_free(g);

  /* Refused (measurement 2 differs from the policy): nothing is returned. */
  g = rig_new();
  a = rig_add_device(g, &(rig_dev_opts){.name = "gpu0", .seed = 1});
  std_policy(g, a, a, NULL,
             "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
             "00112233445566778899aabbccddeeff");
  rig_start_tsm(g);
  ev = malloc(sizeof(*ev));
  assert_non_null(ev);
  memset(ev, 0xA5, sizeof(*ev));
  assert_ot_code(ot_tsm_connect_evidence(&g->tsm, &a->tdev, ev, &why), OT_E_POLICY);
  assert_int_equal(why.reason, OT_TSM_R_MEAS_MISMATCH);
  assert_int_equal(ev->chain_len, 0);
  assert_int_equal(ev->meas_len, 0);
  assert_int_equal(ev->get_meas_len, 0);
  free(ev);
  rig_free(g);
}

static void test_bind_start_unbind_two_guests(void **s) {
  (void)s;
  rig *g = two_devices();
  rig_dev *a = g->devs[0], *b = g->devs[1];
  ot_tsm_refusal why;
  ot_tsm_evidence *ev = calloc(1, sizeof(*ev));
  assert_non_null(ev);
  assert_ot_ok(ot_tsm_connect(&g->tsm, &a->tdev, &why));
  assert_ot_ok(ot_tsm_connect(&g->tsm, &b->tdev, &why));

  /* The policy gives gpu0 to guest-a only. */
  assert_ot_code(ot_tsm_bind(&g->tsm, &a->ttdi, "guest-b", ev, &why), OT_E_POLICY);
  assert_int_equal(why.reason, OT_TSM_R_GUEST_NOT_ALLOWED);
  assert_non_null(strstr(why.detail, "guest-b"));
  assert_int_equal(a->dev_tdi->state, OT_TDI_CONFIG_UNLOCKED);

  assert_ot_ok(ot_tsm_bind(&g->tsm, &a->ttdi, "guest-a", ev, &why));
  assert_int_equal(a->dev_tdi->state, OT_TDI_CONFIG_LOCKED);
  assert_true(ev->has_report);
  ot_x509_cert anchor;
  assert_ot_ok(ot_spdm_identity_root(&a->id, 0, &anchor));
  assert_ot_ok(ot_tsm_evidence_verify(ev, &anchor, 1, RIG_NOW, ev->nonce, &why));
  assert_ot_ok(ot_tsm_bind(&g->tsm, &b->ttdi, "guest-b", ev, &why));

  /* Only the guest a TDI is bound to may start it or ask about it. */
  assert_ot_code(ot_tsm_start(&g->tsm, &a->ttdi, "guest-b", &why), OT_E_POLICY);
  assert_int_equal(why.reason, OT_TSM_R_WRONG_GUEST);
  assert_ot_ok(ot_tsm_start(&g->tsm, &a->ttdi, "guest-a", &why));
  assert_int_equal(a->dev_tdi->state, OT_TDI_RUN);
  assert_ot_code(ot_tsm_start(&g->tsm, &a->ttdi, "guest-a", &why), OT_E_STATE);

  uint8_t nonce[32], other[32];
  memset(nonce, 0xA5, sizeof(nonce));
  memset(other, 0x5A, sizeof(other));
  assert_ot_code(ot_tsm_guest_request(&g->tsm, "guest-b", &a->ttdi, nonce, ev, &why), OT_E_POLICY);
  assert_int_equal(why.reason, OT_TSM_R_WRONG_GUEST);
  assert_ot_ok(ot_tsm_guest_request(&g->tsm, "guest-a", &a->ttdi, nonce, ev, &why));
  assert_memory_equal(ev->nonce, nonce, 32);
  assert_int_equal(ev->tdi_state, OT_TDISP_STATE_RUN);
  assert_ot_ok(ot_tsm_evidence_verify(ev, &anchor, 1, RIG_NOW, nonce, &why));
  /* Evidence answers only the nonce it was made for: a replay is caught. */
  assert_ot_code(ot_tsm_evidence_verify(ev, &anchor, 1, RIG_NOW, other, &why), OT_E_VERIFY);
  assert_int_equal(why.reason, OT_TSM_R_MEAS_SIGNATURE);
  const uint8_t *v;
  size_t vlen;
  assert_ot_ok(ot_tsm_evidence_measurement(ev, 2, &v, &vlen));
  assert_int_equal(vlen, 48);
  assert_ot_code(ot_tsm_evidence_measurement(ev, 0x77, &v, &vlen), OT_E_NOT_FOUND);
  /* A byte changed by anyone on the way breaks the signature. */
  ev->meas[ev->meas_len / 2] ^= 1;
  assert_false(ot_ok(ot_tsm_evidence_verify(ev, &anchor, 1, RIG_NOW, nonce, &why)));
  ev->meas[ev->meas_len / 2] ^= 1;
  /* Evidence checked against another root is refused. */
  ot_x509_cert wrong = anchor;
  wrong.der = b->h.der + 1;
  wrong.len = anchor.len - 1;
  assert_false(ot_ok(ot_tsm_evidence_verify(ev, &wrong, 1, RIG_NOW, nonce, &why)));

  assert_ot_ok(ot_tsm_guest_request(&g->tsm, "guest-b", &b->ttdi, other, ev, &why));
  assert_int_equal(ev->tdi_state, OT_TDISP_STATE_CONFIG_LOCKED);

  assert_ot_ok(ot_tsm_unbind(&g->tsm, &a->ttdi));
  assert_int_equal(a->dev_tdi->state, OT_TDI_CONFIG_UNLOCKED);
  assert_ot_code(ot_tsm_unbind(&g->tsm, &a->ttdi), OT_E_STATE);
  assert_ot_code(ot_tsm_guest_request(&g->tsm, "guest-a", &a->ttdi, nonce, ev, &why), OT_E_STATE);
  /* Rebinding works after unbind; disconnect unbinds what is still bound. */
  assert_ot_ok(ot_tsm_bind(&g->tsm, &a->ttdi, "guest-a", ev, &why));
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &a->tdev));
  assert_int_equal(a->dev_tdi->state, OT_TDI_CONFIG_UNLOCKED);
  assert_int_equal(a->ttdi.state, OT_TSM_TDI_FREE);
  assert_ot_ok(ot_tsm_disconnect(&g->tsm, &b->tdev));
  assert_int_equal(b->dev_tdi->state, OT_TDI_CONFIG_UNLOCKED);
  free(ev);
  rig_free(g);
}

/* The DSM wiring: the session that locked a TDI ends -> the TDI is in ERROR. */
static void test_session_end_moves_locked_tdi_to_error(void **s) {
  (void)s;
  rig *g = two_devices();
  rig_dev *a = g->devs[0];
  ot_tsm_refusal why;
  ot_tsm_evidence *ev = calloc(1, sizeof(*ev));
  assert_non_null(ev);
  assert_ot_ok(ot_tsm_connect(&g->tsm, &a->tdev, &why));
  assert_ot_ok(ot_tsm_bind(&g->tsm, &a->ttdi, "guest-a", ev, &why));
  assert_ot_ok(ot_tsm_start(&g->tsm, &a->ttdi, "guest-a", &why));
  assert_ot_ok(ot_spdm_requester_end_session(&a->tdev.spdm, a->tdev.session_id));
  assert_int_equal(a->dev_tdi->state, OT_TDI_ERROR);
  assert_int_equal(a->dev_tdi->last_event, OT_TDISP_EV_SESSION_END);
  assert_true(a->ep.dsm.events >= 1);
  free(ev);
  rig_free(g);
}

/* The DSM wiring: the TDI's bound IDE stream leaves Secure -> ERROR. */
static void test_ide_insecure_moves_running_tdi_to_error(void **s) {
  (void)s;
  rig *g = two_devices();
  rig_dev *a = g->devs[0];
  ot_tsm_refusal why;
  ot_tsm_evidence *ev = calloc(1, sizeof(*ev));
  assert_non_null(ev);
  assert_ot_ok(ot_tsm_connect(&g->tsm, &a->tdev, &why));
  assert_ot_ok(ot_tsm_bind(&g->tsm, &a->ttdi, "guest-a", ev, &why));
  assert_ot_ok(ot_tsm_start(&g->tsm, &a->ttdi, "guest-a", &why));
  ot_sim_dsm_poll_ide(&a->ep.dsm);
  assert_int_equal(a->dev_tdi->state, OT_TDI_RUN);
  /* Stream Control Enable cleared at the device: Insecure at once (PCIe r6.0 §6.33.1). */
  assert_ot_ok(
      ot_ide_stream_disable(ot_ide_rx_engine(&a->ep.dsm.ide_rx), a->tdev.stream.stream_id));
  ot_sim_dsm_poll_ide(&a->ep.dsm);
  assert_int_equal(a->dev_tdi->state, OT_TDI_ERROR);
  assert_int_equal(a->dev_tdi->last_event, OT_TDISP_EV_IDE_INSECURE);
  /* The guest asking now learns the TDI is in ERROR. */
  uint8_t nonce[32] = {7};
  assert_ot_ok(ot_tsm_guest_request(&g->tsm, "guest-a", &a->ttdi, nonce, ev, &why));
  assert_int_equal(ev->tdi_state, OT_TDISP_STATE_ERROR);
  assert_false(ev->has_report);
  free(ev);
  rig_free(g);
}

/* ---- refusals -------------------------------------------------------------------------- */

static void expect_refusal(rig *g, rig_dev *d, ot_tsm_reason reason, const char *needle) {
  ot_tsm_refusal why;
  ot_status st = ot_tsm_connect(&g->tsm, &d->tdev, &why);
  assert_false(ot_ok(st));
  assert_int_equal(why.status.code, st.code);
  if (why.reason != reason)
    fail_msg("reason %s (%s), wanted %s", ot_tsm_reason_name(why.reason), why.detail,
             ot_tsm_reason_name(reason));
  assert_true(strlen(why.detail) > 0);
  if (needle && !strstr(why.detail, needle))
    fail_msg("detail \"%s\" lacks \"%s\"", why.detail, needle);
  print_message("  %-26s %s\n", ot_tsm_reason_name(why.reason), why.detail);
  /* Nothing half set up: device idle, backend undone, no session at the device. */
  assert_int_equal(d->tdev.state, OT_TSM_DEV_IDLE);
  assert_int_equal(d->link.base.probes, 0);
  assert_int_equal(d->link.base.connects, 0);
  assert_false(device_has_session(d));
  assert_int_equal(g->tsm.connected, 0);
}

static void test_refuse_untrusted_root(void **s) {
  (void)s;
  rig *g = rig_new();
  rig_dev *a = rig_add_device(g, &(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_dev *other = rig_add_device(g, &(rig_dev_opts){.name = "nvme0", .seed = 9});
  std_policy(g, other, a, NULL, NULL);
  rig_start_tsm(g);
  expect_refusal(g, a, OT_TSM_R_CERT_UNTRUSTED, "root certificate is not a trust anchor");
  rig_free(g);
}

static void test_refuse_wrong_measurement(void **s) {
  (void)s;
  rig *g = rig_new();
  rig_dev *a = rig_add_device(g, &(rig_dev_opts){.name = "gpu0", .seed = 1});
  std_policy(g, a, a, NULL,
             "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
             "00112233445566778899aabbccddeeff");
  rig_start_tsm(g);
  expect_refusal(g, a, OT_TSM_R_MEAS_MISMATCH, "measurement 2");
  rig_free(g);
}

static void test_refuse_missing_measurement(void **s) {
  (void)s;
  rig *g = rig_new();
  rig_dev *a = rig_add_device(g, &(rig_dev_opts){.name = "gpu0", .seed = 1});
  rig_policy(g, a,
             "version: 1\ntrust_anchors: [root0.der]\ndevices:\n  - name: gpu0\n"
             "    measurements: {0x40: 0011}\n");
  rig_start_tsm(g);
  expect_refusal(g, a, OT_TSM_R_MEAS_MISSING, "measurement 64");
  rig_free(g);
}

static void test_refuse_version_below_minimum(void **s) {
  (void)s;
  rig *g = rig_new();
  rig_dev *a =
      rig_add_device(g, &(rig_dev_opts){.name = "gpu0", .seed = 1, .versions = OT_SPDM_VMASK_12});
  std_policy(g, a, a, "  min_version: \"1.3\"\n", NULL);
  rig_start_tsm(g);
  expect_refusal(g, a, OT_TSM_R_SPDM_VERSION, "1.3");
  rig_free(g);
}

static void test_refuse_algorithm_not_allowed(void **s) {
  (void)s;
  rig *g = rig_new();
  rig_dev *a = rig_add_device(g, &(rig_dev_opts){.name = "gpu0",
                                                 .seed = 1,
                                                 .curve = OT_CURVE_P256,
                                                 .base_asym = OT_SPDM_ASYM_ECDSA_P256});
  std_policy(g, a, a, "  base_asym: [ecdsa-p384]\n", NULL);
  rig_start_tsm(g);
  /* The responder has no asym algorithm in common and answers ERROR
   * InvalidRequest (DSP0274 §10.4, §10.12): the refusal names that ERROR and
   * what was offered (P-384 only, BaseAsymAlgo bit 7), not "malformed". */
  expect_refusal(g, a, OT_TSM_R_ALGORITHM,
                 "gpu0: device answered ERROR InvalidRequest (0x01, data 0x00) to "
                 "NEGOTIATE_ALGORITHMS; we offered BaseAsymAlgo 0x00000080, ");
  rig_free(g);
}

static void test_refuse_device_not_in_policy(void **s) {
  (void)s;
  rig *g = rig_new();
  rig_dev *a = rig_add_device(g, &(rig_dev_opts){.name = "mystery", .seed = 1});
  std_policy(g, a, a, NULL, NULL);
  rig_start_tsm(g);
  expect_refusal(g, a, OT_TSM_R_DEVICE_UNKNOWN, "mystery");
  rig_free(g);
}

static void test_refuse_key_not_matching_certificate(void **s) {
  (void)s;
  rig *g = rig_new();
  rig_dev *a = rig_add_device(g, &(rig_dev_opts){.name = "gpu0", .seed = 1, .wrong_key = true});
  std_policy(g, a, a, NULL, NULL);
  rig_start_tsm(g);
  expect_refusal(g, a, OT_TSM_R_KEY_MISMATCH, "CHALLENGE_AUTH");
  rig_free(g);
}

static void test_refuse_backend_without_root_port_ide(void **s) {
  (void)s;
  rig *g = rig_new();
  rig_dev *a = rig_add_device(g, &(rig_dev_opts){.name = "gpu0", .seed = 1});
  std_policy(g, a, a, NULL, NULL);
  rig_start_tsm(g);
  a->link.rp_tx = NULL;
  expect_refusal(g, a, OT_TSM_R_BACKEND, "probe");
  rig_free(g);
}

/* ---- the key-exposure audit -------------------------------------------------------------- */

typedef struct secret_set {
  uint8_t v[64][OT_HASH_MAX_SIZE];
  size_t len[64];
  size_t n;
} secret_set;

static void add_secret(secret_set *s, const uint8_t *p, size_t n) {
  assert_true(s->n < 64 && n <= OT_HASH_MAX_SIZE);
  bool zero = true;
  for (size_t i = 0; i < n; i++)
    zero &= p[i] == 0;
  if (zero) return; /* not derived (e.g. no export secret kept) */
  memcpy(s->v[s->n], p, n);
  s->len[s->n++] = n;
}

static void add_session(secret_set *set, const ot_spdm_session *ss) {
  size_t h = ss->hash_len;
  add_secret(set, ss->sec.handshake_secret, h);
  add_secret(set, ss->sec.finished_key[0], h);
  add_secret(set, ss->sec.finished_key[1], h);
  add_secret(set, ss->sec.export_master_secret, h);
  for (int d = 0; d < 2; d++) {
    add_secret(set, ss->sec.cur[d].secret, h);
    add_secret(set, ss->sec.cur[d].iv, OT_AEAD_NONCE_SIZE);
  }
}

static void test_host_never_sees_a_secret(void **s) {
  (void)s;
  rig *g = two_devices();
  secret_set *set = calloc(1, sizeof(*set));
  ot_tsm_evidence *ev = calloc(1, sizeof(*ev));
  assert_non_null(set);
  assert_non_null(ev);
  ot_tsm_refusal why;
  uint8_t nonce[32] = {1, 2, 3};
  for (int round = 0; round < 2; round++) {
    for (size_t i = 0; i < g->ndev; i++) {
      rig_dev *d = g->devs[i];
      const char *guest = i == 0 ? "guest-a" : "guest-b";
      assert_ot_ok(ot_tsm_connect(&g->tsm, &d->tdev, &why));
      assert_ot_ok(ot_tsm_bind(&g->tsm, &d->ttdi, guest, ev, &why));
      assert_ot_ok(ot_tsm_start(&g->tsm, &d->ttdi, guest, &why));
      assert_ot_ok(ot_tsm_guest_request(&g->tsm, guest, &d->ttdi, nonce, ev, &why));
      /* Both ends' session secrets, while they exist. */
      for (size_t k = 0; k < OT_SPDM_REQ_MAX_SESSIONS; k++)
        if (d->tdev.spdm.sessions[k].used) add_session(set, &d->tdev.spdm.sessions[k].s);
      for (size_t k = 0; k < OT_SPDM_RSP_MAX_SESSIONS; k++)
        if (d->ep.dsm.rsp.sessions[k].used) add_session(set, &d->ep.dsm.rsp.sessions[k].s);
      if (round == 0) add_secret(set, d->id.keys[0].priv, ot_curve_size(d->id.keys[0].curve));
    }
    for (size_t i = 0; i < g->ndev; i++)
      assert_ot_ok(ot_tsm_disconnect(&g->tsm, &g->devs[i]->tdev));
  }
  add_secret(set, g->tsm.drbg.key, sizeof(g->tsm.drbg.key));
  add_secret(set, g->tsm.drbg.v, sizeof(g->tsm.drbg.v));
  assert_true(set->n >= 20);
  assert_true(g->log_len > 10000);
  /* Positive control: the scan does find public material the host relayed. */
  ot_x509_cert root;
  assert_ot_ok(ot_spdm_identity_root(&g->devs[0]->id, 0, &root));
  assert_true(rig_contains(g->log, g->log_len, root.der + root.len - 32, 32));
  size_t found = 0;
  for (size_t i = 0; i < set->n; i++) {
    /* Whole secret, and its first and last 16 bytes on their own. */
    found += rig_contains(g->log, g->log_len, set->v[i], set->len[i]);
    if (set->len[i] > 16) {
      found += rig_contains(g->log, g->log_len, set->v[i], 16);
      found += rig_contains(g->log, g->log_len, set->v[i] + set->len[i] - 16, 16);
    }
  }
  /* Every IDE key the TSM generated (2 rounds x 2 devices x 6), whole and
   * by halves: none crossed the host in any DOE byte (KEY_PROG is inside
   * the session). */
  assert_int_equal(g->keys.n, 24);
  for (size_t i = 0; i < g->keys.n; i++) {
    found += rig_contains(g->log, g->log_len, g->keys.key[i], OT_IDE_KEY_SIZE);
    found += rig_contains(g->log, g->log_len, g->keys.key[i], 16);
    found += rig_contains(g->log, g->log_len, g->keys.key[i] + 16, 16);
  }
  print_message("  scanned %zu relayed bytes (%zu + %zu DOE exchanges) for %zu secrets and %zu "
                "IDE keys: %zu found\n",
                g->log_len, g->devs[0]->host.objects, g->devs[1]->host.objects, set->n, g->keys.n,
                found);
  assert_int_equal(found, 0);
  free(ev);
  free(set);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_connect_disconnect_reconnect),
      cmocka_unit_test(test_connect_evidence_is_connects_own_exchange),
      cmocka_unit_test(test_bind_start_unbind_two_guests),
      cmocka_unit_test(test_session_end_moves_locked_tdi_to_error),
      cmocka_unit_test(test_ide_insecure_moves_running_tdi_to_error),
      cmocka_unit_test(test_refuse_untrusted_root),
      cmocka_unit_test(test_refuse_wrong_measurement),
      cmocka_unit_test(test_refuse_missing_measurement),
      cmocka_unit_test(test_refuse_version_below_minimum),
      cmocka_unit_test(test_refuse_algorithm_not_allowed),
      cmocka_unit_test(test_refuse_device_not_in_policy),
      cmocka_unit_test(test_refuse_key_not_matching_certificate),
      cmocka_unit_test(test_refuse_backend_without_root_port_ide),
      cmocka_unit_test(test_host_never_sees_a_secret),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
