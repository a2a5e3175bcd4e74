/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DELIVER_ENCAPSULATED_RESPONSE carrying the requester's DIGESTS on a
 * connection multi-key for the requester (DSP0274 1.3 §10.4
 * RequesterMultiKeyConn, §10.5): the embedded DIGESTS has the KeyPairID /
 * CertificateInfo / KeyUsageMask arrays whatever the connection is for the
 * responder (src/spdm/codec_encap.c, ot_spdm_sizes.multi_key_conn_req).
 */
#include "codec_check.h"

static uint8_t h0[32];

/* DELIVER(RequestID 1) | DIGESTS of slot 0 (KeyPairID 1, DeviceCert,
 * KeyUsage 0x000f), with the arrays when `arrays`. */
static size_t deliver(uint8_t *buf, size_t cap, bool arrays) {
  ot_spdm_sizes sz = cc_sizes13();
  sz.multi_key_conn = arrays;
  cc_fill(h0, sizeof h0, 0x31);
  ot_spdm_digests d = {.supported_slot_mask = 0x01, .provisioned_slot_mask = 0x01};
  d.digest[0] = h0;
  d.key_pair_id[0] = 1;
  d.cert_info[0] = OT_SPDM_CERT_MODEL_DEVICE;
  d.key_usage[0] = 0x000f;
  ot_writer w;
  ot_writer_init(&w, buf, cap);
  assert_ot_ok(ot_write_u8(&w, 0x13));
  assert_ot_ok(ot_write_u8(&w, OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE));
  assert_ot_ok(ot_write_u8(&w, 1));
  assert_ot_ok(ot_write_u8(&w, 0));
  assert_ot_ok(ot_spdm_encode_digests(&sz, &w, &d));
  return ot_writer_len(&w);
}

/* The arrays are part of the embedded response (4 + 32 + 1 + 1 + 2 bytes),
 * also when the connection is not multi-key for the responder. */
static void multi_key_digests_whole(void **state) {
  (void)state;
  uint8_t buf[128];
  size_t n = deliver(buf, sizeof buf, true);
  ot_spdm_sizes sz = cc_sizes13();
  sz.multi_key_conn = false;
  sz.multi_key_conn_req = true;
  ot_reader r = cc_reader(buf, n);
  ot_spdm_encap e;
  assert_ot_ok(ot_spdm_decode_deliver_encapsulated_response(&sz, &r, &e));
  assert_int_equal(e.msg_len, 4 + 32 + 4);
  static const uint8_t tail[] = {1, OT_SPDM_CERT_MODEL_DEVICE, 0x0f, 0x00};
  assert_memory_equal(e.msg + e.msg_len - 4, tail, 4);
  /* And it decodes as a multi-key DIGESTS. */
  ot_spdm_sizes in = sz;
  in.multi_key_conn = true;
  ot_reader dr = cc_reader(e.msg, e.msg_len);
  ot_spdm_digests d;
  assert_ot_ok(ot_spdm_decode_digests(&in, &dr, &d));
  assert_int_equal(d.key_pair_id[0], 1);
  assert_int_equal(d.key_usage[0], 0x000f);
}

/* Read as single-key, the arrays are 4 bytes the message cannot hold
 * (more than DOE padding): refused, not silently cut off. */
static void multi_key_digests_not_expected(void **state) {
  (void)state;
  uint8_t buf[128];
  size_t n = deliver(buf, sizeof buf, true);
  ot_spdm_sizes sz = cc_sizes13();
  ot_reader r = cc_reader(buf, n);
  ot_spdm_encap e;
  assert_false(ot_ok(ot_spdm_decode_deliver_encapsulated_response(&sz, &r, &e)));
}

/* The arrays missing (a DIGESTS without KeyPairID and the rest) on a
 * connection multi-key for the requester: truncated. */
static void arrays_missing_is_truncated(void **state) {
  (void)state;
  uint8_t buf[128];
  size_t n = deliver(buf, sizeof buf, false);
  ot_spdm_sizes sz = cc_sizes13();
  sz.multi_key_conn_req = true;
  ot_reader r = cc_reader(buf, n);
  ot_spdm_encap e;
  assert_ot_code(ot_spdm_decode_deliver_encapsulated_response(&sz, &r, &e), OT_E_TRUNCATED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(multi_key_digests_whole),
      cmocka_unit_test(multi_key_digests_not_expected),
      cmocka_unit_test(arrays_missing_is_truncated),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
