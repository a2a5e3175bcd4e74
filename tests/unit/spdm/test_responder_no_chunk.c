/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A responder without CHUNK_CAP (a firmware profile without chunking, or a
 * configuration that clears it) advertises MaxSPDMmsgSize = DataTransferSize
 * (DSP0274 1.2 CAPABILITIES): a message can then never be larger than one
 * transfer. The libspdm requester refuses CAPABILITIES that break this.
 */
#include "spdm_rig.h"

/* GET_VERSION then GET_CAPABILITIES at `version`; the CAPABILITIES response. */
static ot_spdm_capabilities capabilities(rig *g, uint8_t version) {
  uint8_t out[512], q[64];
  size_t n = 0;
  const uint8_t gv[4] = {OT_SPDM_VERSION_10, OT_SPDM_GET_VERSION, 0, 0};
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, gv, sizeof(gv), out, sizeof(out), &n));
  ot_spdm_sizes sz = {.version = version};
  ot_spdm_request m = {.code = OT_SPDM_GET_CAPABILITIES};
  m.u.get_capabilities = (ot_spdm_capabilities){
      .flags = OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC |
               OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_HBEAT | OT_SPDM_CAP_KEY_UPD,
      .data_transfer_size = 0x1200,
      .max_msg_size = 0x1200};
  ot_writer w;
  ot_writer_init(&w, q, sizeof(q));
  assert_ot_ok(ot_spdm_encode_request(&sz, &w, &m));
  assert_ot_ok(ot_spdm_responder_handle(&g->rsp, q, ot_writer_len(&w), out, sizeof(out), &n));
  ot_reader r;
  ot_reader_init(&r, out, n);
  ot_spdm_capabilities a;
  assert_ot_ok(ot_spdm_decode_capabilities(&sz, &r, &a));
  return a;
}

static rig *rig_with_caps(uint32_t clear) {
  rig_opts o = {.curve = OT_CURVE_P256, .versions = OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13};
  rig *g = rig_new(&o);
  ot_spdm_responder_free(&g->rsp);
  g->rcfg.caps &= ~clear;
  assert_ot_ok(ot_spdm_responder_init(&g->rsp, &g->rcfg));
  return g;
}

static void test_without_chunk_max_equals_transfer_size(void **s) {
  (void)s;
  rig *g = rig_with_caps(OT_SPDM_CAP_CHUNK);
  assert_true(g->rcfg.max_msg_size > g->rcfg.data_transfer_size); /* configured larger */
  for (uint8_t v = OT_SPDM_VERSION_12; v <= OT_SPDM_VERSION_13; v++) {
    ot_spdm_responder_free(&g->rsp);
    assert_ot_ok(ot_spdm_responder_init(&g->rsp, &g->rcfg));
    ot_spdm_capabilities a = capabilities(g, v);
    assert_int_equal(a.flags & OT_SPDM_CAP_CHUNK, 0);
    assert_int_equal(a.max_msg_size, a.data_transfer_size);
    assert_int_equal(a.data_transfer_size, g->rcfg.data_transfer_size);
  }
  rig_free(g);
}

static void test_with_chunk_max_as_configured(void **s) {
  (void)s;
  rig *g = rig_with_caps(0);
  ot_spdm_capabilities a = capabilities(g, OT_SPDM_VERSION_12);
  assert_int_not_equal(a.flags & OT_SPDM_CAP_CHUNK, 0);
  assert_int_equal(a.max_msg_size, g->rcfg.max_msg_size);
  assert_int_equal(a.data_transfer_size, g->rcfg.data_transfer_size);
  rig_free(g);
}

/* Our requester connects to it and fetches the whole chain in portions. */
static void test_without_chunk_connects(void **s) {
  (void)s;
  rig *g = rig_with_caps(OT_SPDM_CAP_CHUNK);
  rig_authenticate(g, 0x200);
  rig_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_without_chunk_max_equals_transfer_size),
      cmocka_unit_test(test_with_chunk_max_as_configured),
      cmocka_unit_test(test_without_chunk_connects),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
