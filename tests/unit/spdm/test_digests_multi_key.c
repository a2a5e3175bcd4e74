/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The requester's checks of a DIGESTS response (DSP0274 1.3 §10.5, table
 * "Successful DIGESTS response message format"): ProvisionedSlotMask within
 * SupportedSlotMask (1.3), and on a multi-key connection the per-slot
 * fields: CertModel 4..7 reserved, no GenericCert in slot 0, a slot-0 key
 * usable for some SPDM operation, CertModel None only with an all-zero
 * digest and a KeyPairID (not 0). A refused DIGESTS is OT_E_MALFORMED, fails the
 * connection and leaves nothing of it behind; a normal one is accepted; a
 * connection without MULTI_KEY_CONN is not affected.
 */
#include "spdm_rig.h"

typedef void (*digests_edit)(ot_spdm_digests *d);

/* A transport that decodes each DIGESTS response, lets `edit` change it
 * and encodes it again (unchanged fields give the same bytes). */
typedef struct digests_rewrite {
  ot_doe_transport base;
  ot_doe_transport *inner;
  const ot_spdm_requester *q; /* whose negotiated sizes decode it */
  digests_edit edit;          /* NULL: pass through */
  unsigned seen;
} digests_rewrite;

static const uint8_t zeros[OT_HASH_MAX_SIZE];
static const uint8_t other[OT_HASH_MAX_SIZE] = {0x5a, 0x5a, 0x5a, 0x5a, 1, 2, 3, 4};

static ot_status rewrite_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                  const uint8_t *req, size_t len, uint8_t *rsp, size_t cap,
                                  size_t *rsp_len) {
  digests_rewrite *x = (digests_rewrite *)t;
  OT_GUARD(ot_doe_exchange(x->inner, vendor, type, req, len, rsp, cap, rsp_len));
  if (type != OT_DOE_TYPE_SPDM || *rsp_len < 4 || rsp[1] != OT_SPDM_DIGESTS) return OT_SUCCESS;
  x->seen++;
  if (!x->edit) return OT_SUCCESS;
  uint8_t copy[1024];
  assert_true(*rsp_len <= sizeof(copy));
  memcpy(copy, rsp, *rsp_len);
  ot_reader r;
  ot_reader_init(&r, copy, *rsp_len);
  ot_spdm_digests d;
  memset(&d, 0, sizeof(d));
  assert_ot_ok(ot_spdm_decode_digests(&x->q->neg.sizes, &r, &d));
  x->edit(&d);
  ot_writer w;
  ot_writer_init(&w, rsp, cap);
  assert_ot_ok(ot_spdm_encode_digests(&x->q->neg.sizes, &w, &d));
  *rsp_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

static rig *rewrite_rig(digests_rewrite *x, uint8_t versions, bool multi_key, uint8_t seed) {
  rig *g = rig_new(&(rig_opts){OT_CURVE_P256, versions, false, multi_key, seed});
  x->base.exchange = rewrite_exchange;
  x->inner = &g->loop.base;
  x->q = &g->req;
  g->req.io = &x->base;
  assert_ot_ok(ot_spdm_requester_connect(&g->req));
  assert_int_equal(g->req.neg.multi_key_conn, multi_key);
  return g;
}

/* A second slot (2) next to the device's slot 0. */
static void add_slot2(ot_spdm_digests *d, const uint8_t *digest, uint8_t model, uint8_t kp) {
  d->provisioned_slot_mask |= 0x04;
  d->supported_slot_mask |= 0x04;
  d->digest[2] = digest;
  d->key_pair_id[2] = kp;
  d->cert_info[2] = model;
  d->key_usage[2] = OT_SPDM_KEY_USAGE_CHALLENGE;
}

static void e_model4(ot_spdm_digests *d) { d->cert_info[0] = 4; }
static void e_model7(ot_spdm_digests *d) { d->cert_info[0] = 7; }
static void e_slot2_model5(ot_spdm_digests *d) { add_slot2(d, other, 5, 2); }
static void e_generic_slot0(ot_spdm_digests *d) { d->cert_info[0] = OT_SPDM_CERT_MODEL_GENERIC; }
static void e_generic_slot2(ot_spdm_digests *d) {
  add_slot2(d, other, OT_SPDM_CERT_MODEL_GENERIC, 2);
}
static void e_none_slot0(ot_spdm_digests *d) { d->cert_info[0] = OT_SPDM_CERT_MODEL_NONE; }
static void e_none_slot2_digest(ot_spdm_digests *d) {
  add_slot2(d, other, OT_SPDM_CERT_MODEL_NONE, 2);
}
static void e_none_slot2_zero(ot_spdm_digests *d) {
  add_slot2(d, zeros, OT_SPDM_CERT_MODEL_NONE, 2);
}
static void e_kp0_slot0(ot_spdm_digests *d) { d->key_pair_id[0] = 0; }
static void e_kp0_slot2(ot_spdm_digests *d) { add_slot2(d, other, OT_SPDM_CERT_MODEL_ALIAS, 0); }
static void e_none_kp0_slot2(ot_spdm_digests *d) { add_slot2(d, zeros, OT_SPDM_CERT_MODEL_NONE, 0); }
static void e_slot0_no_use(ot_spdm_digests *d) {
  d->key_usage[0] = OT_SPDM_KEY_USAGE_STANDARDS | OT_SPDM_KEY_USAGE_VENDOR;
}
static void e_slot0_meas_only(ot_spdm_digests *d) {
  d->key_usage[0] = OT_SPDM_KEY_USAGE_MEASUREMENT;
}
static void e_slot2_no_use(ot_spdm_digests *d) {
  add_slot2(d, other, OT_SPDM_CERT_MODEL_ALIAS, 3);
  d->key_usage[2] = 0;
}
static void e_reserved_bits(ot_spdm_digests *d) { d->cert_info[0] |= 0x80; }
static void e_not_supported(ot_spdm_digests *d) { d->supported_slot_mask = 0x02; }

/* One DIGESTS refused: OT_E_MALFORMED, the connection failed and the
 * requester's view of the slots is what it was before. */
static void expect_refused(rig *g, digests_rewrite *x, digests_edit e) {
  ot_spdm_peer_slot before[OT_SPDM_MAX_SLOT_COUNT];
  uint8_t digests_before[sizeof(g->req.digests)];
  memcpy(before, g->req.slots, sizeof(before));
  memcpy(digests_before, g->req.digests, sizeof(digests_before));
  uint8_t mask_before = g->req.digest_mask;
  x->edit = e;
  uint8_t mask = 0xee;
  assert_ot_code(ot_spdm_requester_get_digests(&g->req, &mask), OT_E_MALFORMED);
  x->edit = NULL;
  assert_int_equal(mask, 0xee);
  assert_true(g->req.failed);
  assert_int_equal(g->req.digest_mask, mask_before);
  assert_memory_equal(g->req.slots, before, sizeof(before));
  assert_memory_equal(g->req.digests, digests_before, sizeof(digests_before));
  /* The connection is over: no CHALLENGE after it. */
  assert_false(ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL)));
}

/* A fresh multi-key connection refuses the DIGESTS `e` makes. */
static void refused_fresh(digests_edit e, uint8_t seed) {
  digests_rewrite x = {0};
  rig *g = rewrite_rig(&x, OT_SPDM_VMASK_13, true, seed);
  expect_refused(g, &x, e);
  assert_int_equal(g->req.digest_mask, 0);
  rig_free(g);
}

/* The device's own DIGESTS: slot 0, DeviceCert, KeyPairID not 0, a usable
 * key. Accepted and recorded; the chain then validates and CHALLENGE works. */
static void test_normal_accepted(void **s) {
  (void)s;
  digests_rewrite x = {0};
  rig *g = rewrite_rig(&x, OT_SPDM_VMASK_13, true, 110);
  rig_authenticate(g, 0); /* connects again, DIGESTS (mask 0x01), CERTIFICATE */
  assert_int_equal(x.seen, 1);
  assert_int_equal(g->req.slots[0].cert_info, OT_SPDM_CERT_MODEL_DEVICE);
  assert_int_not_equal(g->req.slots[0].key_pair_id, 0);
  assert_true(g->req.slots[0].verified);
  assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL));
  assert_false(g->req.failed);
  rig_free(g);
}

static void test_reserved_model_refused(void **s) {
  (void)s;
  refused_fresh(e_model4, 111);
  refused_fresh(e_model7, 112);
  refused_fresh(e_slot2_model5, 113);
}

static void test_generic_in_slot0_refused(void **s) {
  (void)s;
  refused_fresh(e_generic_slot0, 114);
}

/* CertModel None with a chain digest: refused in slot 0 and elsewhere. */
static void test_none_with_digest_refused(void **s) {
  (void)s;
  refused_fresh(e_none_slot0, 115);
  refused_fresh(e_none_slot2_digest, 116);
}

/* CertModel None, zero digest and KeyPairID 0: neither a chain nor a key
 * pair, so nothing provisioned. */
static void test_empty_slot_refused(void **s) {
  (void)s;
  refused_fresh(e_none_kp0_slot2, 117);
}

static void test_slot0_without_spdm_use_refused(void **s) {
  (void)s;
  refused_fresh(e_slot0_no_use, 119);
}

/* 1.3: ProvisionedSlotMask outside SupportedSlotMask, with or without
 * MULTI_KEY_CONN. */
static void test_provisioned_not_supported_refused(void **s) {
  (void)s;
  refused_fresh(e_not_supported, 120);
  digests_rewrite x = {0};
  rig *g = rewrite_rig(&x, OT_SPDM_VMASK_13, false, 121);
  expect_refused(g, &x, e_not_supported);
  rig_free(g);
}

/* A refused DIGESTS after an accepted one leaves the accepted one's record. */
static void test_refused_keeps_earlier(void **s) {
  (void)s;
  digests_rewrite x = {0};
  rig *g = rewrite_rig(&x, OT_SPDM_VMASK_13, true, 122);
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_get_digests(&g->req, &mask));
  assert_int_equal(g->req.digest_mask, 0x01);
  expect_refused(g, &x, e_model4);
  assert_int_equal(g->req.digest_mask, 0x01);
  assert_int_equal(g->req.slots[0].cert_info, OT_SPDM_CERT_MODEL_DEVICE);
  rig_free(g);
}

/* What the clause allows: GenericCert outside slot 0, None with a zero
 * digest (a key pair without a chain), a slot-0 key for measurements only,
 * a key without SPDM uses outside slot 0, a chain whose key pair is gone
 * (KeyPairID 0, in slot 0 or another), and CertificateInfo's reserved bits
 * 7:3 (ignored; the model is recorded). Each on its own connection. */
static void accepted_fresh(digests_edit e, uint8_t seed, uint8_t want_mask) {
  digests_rewrite x = {0};
  rig *g = rewrite_rig(&x, OT_SPDM_VMASK_13, true, seed);
  x.edit = e;
  uint8_t mask;
  assert_ot_ok(ot_spdm_requester_get_digests(&g->req, &mask));
  assert_int_equal(mask, want_mask);
  assert_int_equal(g->req.digest_mask, want_mask);
  assert_false(g->req.failed);
  assert_int_equal(g->req.slots[0].cert_info, OT_SPDM_CERT_MODEL_DEVICE);
  rig_free(g);
}

static void test_allowed_variants_accepted(void **s) {
  (void)s;
  accepted_fresh(e_generic_slot2, 123, 0x05);
  accepted_fresh(e_none_slot2_zero, 124, 0x05);
  accepted_fresh(e_slot0_meas_only, 125, 0x01);
  accepted_fresh(e_slot2_no_use, 126, 0x05);
  accepted_fresh(e_reserved_bits, 127, 0x01);
  accepted_fresh(e_kp0_slot0, 130, 0x01);
  accepted_fresh(e_kp0_slot2, 131, 0x05);
}

/* Without MULTI_KEY_CONN the arrays are absent: 1.3 and 1.2 connections
 * accept the device's DIGESTS (no CertModel, so "None") as before, and
 * authenticate. */
static void test_not_multi_key_unaffected(void **s) {
  (void)s;
  const uint8_t versions[] = {OT_SPDM_VMASK_13, OT_SPDM_VMASK_12};
  for (size_t i = 0; i < sizeof(versions); i++) {
    digests_rewrite x = {0};
    rig *g = rewrite_rig(&x, versions[i], false, (uint8_t)(128 + i));
    uint8_t mask;
    assert_ot_ok(ot_spdm_requester_get_digests(&g->req, &mask));
    assert_int_equal(mask, 0x01);
    assert_int_equal(g->req.slots[0].cert_info, OT_SPDM_CERT_MODEL_NONE);
    assert_int_equal(g->req.slots[0].key_pair_id, 0);
    assert_ot_ok(ot_spdm_requester_get_certificate(&g->req, 0, 0, g->chain, sizeof(g->chain),
                                                   &g->chain_len));
    assert_ot_ok(ot_spdm_requester_challenge(&g->req, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL));
    rig_free(g);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_normal_accepted),
      cmocka_unit_test(test_reserved_model_refused),
      cmocka_unit_test(test_generic_in_slot0_refused),
      cmocka_unit_test(test_none_with_digest_refused),
      cmocka_unit_test(test_empty_slot_refused),
      cmocka_unit_test(test_slot0_without_spdm_use_refused),
      cmocka_unit_test(test_provisioned_not_supported_refused),
      cmocka_unit_test(test_refused_keeps_earlier),
      cmocka_unit_test(test_allowed_variants_accepted),
      cmocka_unit_test(test_not_multi_key_unaffected),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
