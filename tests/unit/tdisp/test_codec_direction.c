/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one-direction codec entries a device uses (PCIe r6.0 §11.3.1: request
 * codes 81h-8Bh, response codes 01h-0Bh and TDISP_ERROR 7Fh):
 * ot_tdisp_decode_request_body reads exactly what ot_tdisp_decode_body reads
 * for a request and refuses every other code (OT_E_UNSUPPORTED);
 * ot_tdisp_encode_response writes exactly what ot_tdisp_encode writes for a
 * response and refuses every other code (OT_E_ARG) without writing.
 */
#include <stddef.h>
#include <string.h>

#include "opentsm/tdisp.h"
#include "testsupport.h"

/* A valid message of every kind, with fields that are not all zero. */
static ot_tdisp_msg make(uint8_t code) {
  static const uint8_t versions[] = {OT_TDISP_VERSION_10};
  static const uint8_t portion[] = {1, 2, 3, 4};
  static const uint8_t vendor_id[] = {0x86, 0x80};
  static const uint8_t vendor_data[] = {0xde, 0xad};
  ot_tdisp_msg m;
  memset(&m, 0, sizeof m);
  m.version = OT_TDISP_VERSION_10;
  m.code = code;
  m.function_id = 0x0000BEEF;
  switch (code) {
  case OT_TDISP_VERSION:
    m.u.version.count = 1;
    m.u.version.versions = versions;
    break;
  case OT_TDISP_GET_CAPABILITIES: m.u.tsm_caps = 0x11223344u; break;
  case OT_TDISP_CAPABILITIES:
    m.u.caps.dsm_caps = 0x55u;
    m.u.caps.req_msgs[0] = 0xfe;
    m.u.caps.lock_flags_supported = 7;
    m.u.caps.dev_addr_width = 48;
    break;
  case OT_TDISP_LOCK_INTERFACE_REQUEST:
    m.u.lock.flags = 5;
    m.u.lock.default_stream_id = 2;
    m.u.lock.mmio_reporting_offset = 0xd0000000u;
    m.u.lock.bind_p2p_address_mask = 0xfff;
    break;
  case OT_TDISP_LOCK_INTERFACE_RESPONSE:
  case OT_TDISP_START_INTERFACE_REQUEST: memset(m.u.nonce, 0xa5, OT_TDISP_NONCE_SIZE); break;
  case OT_TDISP_GET_DEVICE_INTERFACE_REPORT:
    m.u.get_report.offset = 4;
    m.u.get_report.length = 0x40;
    break;
  case OT_TDISP_DEVICE_INTERFACE_REPORT:
    m.u.report.portion_len = sizeof portion;
    m.u.report.remainder_len = 9;
    m.u.report.portion = portion;
    break;
  case OT_TDISP_DEVICE_INTERFACE_STATE: m.u.tdi_state = OT_TDI_RUN; break;
  case OT_TDISP_BIND_P2P_STREAM_REQUEST:
  case OT_TDISP_UNBIND_P2P_STREAM_REQUEST: m.u.p2p_stream_id = 3; break;
  case OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST:
    m.u.mmio.first_page = 0x1000;
    m.u.mmio.num_pages = 2;
    m.u.mmio.attributes = 1;
    m.u.mmio.range_id = 6;
    break;
  case OT_TDISP_VDM_REQUEST:
  case OT_TDISP_VDM_RESPONSE:
    m.u.vdm.registry_id = 1;
    m.u.vdm.vendor_id_len = sizeof vendor_id;
    m.u.vdm.vendor_id = vendor_id;
    m.u.vdm.data_len = sizeof vendor_data;
    m.u.vdm.data = vendor_data;
    break;
  case OT_TDISP_ERROR:
    m.u.error.code = OT_TDISP_ERR_INVALID_REQUEST;
    m.u.error.data = 7;
    break;
  default: break;
  }
  return m;
}

static bool is_request(uint8_t code) { return (code & OT_TDISP_REQUEST_BIT) != 0; }

/* Encodes m with the generic encoder. */
static size_t encode(const ot_tdisp_msg *m, uint8_t *buf, size_t cap) {
  ot_writer w;
  ot_writer_init(&w, buf, cap);
  assert_ot_ok(ot_tdisp_encode(&w, m));
  return ot_writer_len(&w);
}

static void test_encode_response_only(void **s) {
  (void)s;
  size_t responses = 0;
  for (unsigned c = 0; c < 256; c++) {
    ot_tdisp_msg m = make((uint8_t)c);
    uint8_t a[128], b[128];
    ot_writer w;
    ot_writer_init(&w, b, sizeof b);
    ot_status st = ot_tdisp_encode_response(&w, &m);
    if (!ot_tdisp_code_known((uint8_t)c) || is_request((uint8_t)c)) {
      assert_ot_code(st, OT_E_ARG);
      assert_int_equal(ot_writer_len(&w), 0);
      continue;
    }
    assert_ot_ok(st);
    size_t n = encode(&m, a, sizeof a);
    assert_int_equal(ot_writer_len(&w), n);
    assert_memory_equal(a, b, n);
    responses++;
  }
  assert_int_equal(responses, 12); /* 01h-0Bh and 7Fh */
  /* The generic encoder's argument checks hold here too. */
  ot_tdisp_msg m = make(OT_TDISP_VERSION);
  m.u.version.count = 0;
  uint8_t b[64];
  ot_writer w;
  ot_writer_init(&w, b, sizeof b);
  assert_ot_code(ot_tdisp_encode_response(&w, &m), OT_E_ARG);
}

static void test_decode_request_only(void **s) {
  (void)s;
  size_t requests = 0;
  for (unsigned c = 0; c < 256; c++) {
    uint8_t code = (uint8_t)c;
    ot_tdisp_msg want = make(code);
    uint8_t a[128];
    size_t n = ot_tdisp_code_known(code) ? encode(&want, a, sizeof a) : OT_TDISP_HEADER_SIZE;
    if (!ot_tdisp_code_known(code)) memset(a, 0, n);
    ot_reader r;
    uint8_t version, got_code;
    uint32_t fid;
    ot_reader_init(&r, a, n);
    assert_ot_ok(ot_tdisp_decode_header(&r, &version, &got_code, &fid));
    ot_tdisp_msg m;
    memset(&m, 0, sizeof m);
    ot_status st = ot_tdisp_decode_request_body(&r, code, &m);
    if (!ot_tdisp_code_known(code) || !is_request(code)) {
      assert_ot_code(st, OT_E_UNSUPPORTED);
      continue;
    }
    assert_ot_ok(st);
    /* Same fields as the two-way decoder, checked by encoding them again. */
    m.version = version;
    m.code = code;
    m.function_id = fid;
    uint8_t b[128];
    assert_int_equal(encode(&m, b, sizeof b), n);
    assert_memory_equal(a, b, n);
    requests++;
    /* One byte short and one byte over end as in the two-way decoder: failed,
     * except VDM_REQUEST, whose vendor data is the rest of the message. */
    a[n] = 0;
    for (int d = -1; d <= 1; d += 2) {
      if (d < 0 && n == OT_TDISP_HEADER_SIZE) continue;
      size_t len = n - OT_TDISP_HEADER_SIZE + (size_t)(ptrdiff_t)d;
      ot_tdisp_msg t1, t2;
      ot_reader r1, r2;
      ot_reader_init(&r1, a + OT_TDISP_HEADER_SIZE, len);
      ot_reader_init(&r2, a + OT_TDISP_HEADER_SIZE, len);
      ot_status s1 = ot_tdisp_decode_request_body(&r1, code, &t1);
      assert_int_equal(s1.code, ot_tdisp_decode_body(&r2, code, &t2).code);
      assert_int_equal(ot_ok(s1), code == OT_TDISP_VDM_REQUEST);
    }
  }
  assert_int_equal(requests, 11); /* 81h-8Bh */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_encode_response_only),
      cmocka_unit_test(test_decode_request_only),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
