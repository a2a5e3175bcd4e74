/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM codec: byte-exact vectors hand-built from the decrypted messages
 * that spdm_dump lists for the recorded spdm-emu flows (tests/vectors/
 * spdm-emu/ * /spdm_dump.txt: QUERY port 1, QUERY_RESP with DevFunc 0, Bus 0,
 * Seg 0, MaxPort 7 and spdm-emu's 74 zero register DWs, KEY_PROG/KP_ACK/
 * K_SET_GO/K_GOSTOP_ACK on stream 0 with KeySubStream 00h..22h), the key
 * layout example of SPEC-FACTS §4.1, the SPDM VENDOR_DEFINED framing, and
 * the negative cases.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/ide_km.h"
#include "opentsm/secure.h"
#include "testsupport.h"

static uint8_t *unhex(const char *hex, size_t *len) {
  uint8_t *b = ts_unhex(hex, len);
  assert_non_null(b);
  return b;
}

/* SPEC-FACTS §4.1 example key, K[0] first, and its KEY_PROG wire form (52 41 25 df ...). */
static const char example_key[] =
    "df254152056e02e0ef8b7feb9739d4d96a4eb80103241df7cd5e24b49ccd2720";
static const char example_key_wire[] = "524125df"
                                       "e0026e05"
                                       "eb7f8bef"
                                       "d9d43997"
                                       "01b84e6a"
                                       "f71d2403"
                                       "b4245ecd"
                                       "2027cd9c";

/* ---- QUERY / QUERY_RESP --------------------------------------------------------------- */

static void test_query_vector(void **state) {
  (void)state;
  uint8_t buf[8];
  ot_writer w;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_ide_km_encode_query(&w, 1));
  /* ProtocolID 00, QUERY 00, Reserved, PortIndex 01 (spdm_dump: "QUERY (port=0x01)"). */
  static const uint8_t want[] = {0x00, 0x00, 0x00, 0x01};
  assert_int_equal(ot_writer_len(&w), sizeof want);
  assert_memory_equal(buf, want, sizeof want);
  ot_reader r;
  ot_reader_init(&r, want, sizeof want);
  uint8_t port = 0;
  assert_ot_ok(ot_ide_km_decode_query(&r, &port));
  assert_int_equal(port, 1);
}

static void test_query_resp_emu_vector(void **state) {
  (void)state;
  /* spdm_dump: QUERY_RESP (port=0x01, DevFunc=0x00, Bus=0x00, Seg=0x00, MaxPort=0x07),
   * with spdm-emu's fixed 74 zero DWs (SPEC-FACTS T16): 1 + 7 + 296 = 304 payload bytes,
   * which with the 11-byte VDM header is the 315-byte plaintext the recording carries. */
  uint8_t msg[304] = {0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07};
  ot_reader r;
  ot_reader_init(&r, msg, sizeof msg);
  ot_ide_km_query_resp q;
  assert_ot_ok(ot_ide_km_decode_query_resp(&r, &q));
  assert_int_equal(q.port_index, 1);
  assert_int_equal(q.dev_func, 0);
  assert_int_equal(q.bus, 0);
  assert_int_equal(q.segment, 0);
  assert_int_equal(q.max_port_index, 7);
  assert_int_equal(q.reg_count, OT_IDE_KM_EMU_REG_DWS);
  assert_int_equal(ot_ide_km_query_resp_reg(&q, 0), 0); /* IDE Capability reads 0 there */

  uint32_t regs[OT_IDE_KM_EMU_REG_DWS] = {0};
  uint8_t out[304];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_ok(ot_ide_km_encode_query_resp(&w, &q, regs));
  assert_int_equal(ot_writer_len(&w), sizeof msg);
  assert_memory_equal(out, msg, sizeof msg);
}

static void test_query_resp_registers_unaligned_le(void **state) {
  (void)state;
  ot_ide_km_query_resp m = {.port_index = 0,
                            .dev_func = 0x08,
                            .bus = 0x3a,
                            .segment = 1,
                            .max_port_index = 0,
                            .reg_count = 3};
  const uint32_t regs[3] = {0x00010153u, 0x00000000u, 0xAABBCCDDu};
  uint8_t out[32];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_ok(ot_ide_km_encode_query_resp(&w, &m, regs));
  assert_int_equal(ot_writer_len(&w), 8 + 12);
  /* Register DWs start at object byte 7 (payload byte 8), little-endian (T9). */
  static const uint8_t head[] = {0x00, 0x01, 0x00, 0x00, 0x08, 0x3a,
                                 0x01, 0x00, 0x53, 0x01, 0x01, 0x00};
  assert_memory_equal(out, head, sizeof head);
  assert_memory_equal(out + 16, "\xdd\xcc\xbb\xaa", 4);
  ot_reader r;
  ot_reader_init(&r, out, ot_writer_len(&w));
  ot_ide_km_query_resp q;
  assert_ot_ok(ot_ide_km_decode_query_resp(&r, &q));
  assert_int_equal(ot_ide_km_query_resp_reg(&q, 2), 0xAABBCCDDu);
}

static void test_query_resp_bad_blocks(void **state) {
  (void)state;
  uint8_t msg[8 + 9] = {0x00, 0x01, 0x00, 0x00, 0, 0, 0, 0};
  ot_ide_km_query_resp q = {.port_index = 9};
  ot_reader r;
  ot_reader_init(&r, msg, sizeof msg); /* 9 bytes: not whole DWs */
  assert_ot_code(ot_ide_km_decode_query_resp(&r, &q), OT_E_MALFORMED);
  ot_reader_init(&r, msg, 8 + 4); /* only IDE Capability */
  assert_ot_code(ot_ide_km_decode_query_resp(&r, &q), OT_E_MALFORMED);
  ot_reader_init(&r, msg, 8); /* no register block at all */
  assert_ot_code(ot_ide_km_decode_query_resp(&r, &q), OT_E_TRUNCATED);
  ot_reader_init(&r, msg, 6);
  assert_ot_code(ot_ide_km_decode_query_resp(&r, &q), OT_E_TRUNCATED);
  assert_int_equal(q.port_index, 9); /* untouched */
}

static void test_query_wrong_sizes(void **state) {
  (void)state;
  static const uint8_t longer[] = {0x00, 0x00, 0x00, 0x01, 0x00};
  ot_reader r;
  uint8_t port = 0xEE;
  ot_reader_init(&r, longer, sizeof longer);
  assert_ot_code(ot_ide_km_decode_query(&r, &port), OT_E_TRAILING);
  ot_reader_init(&r, longer, 3);
  assert_ot_code(ot_ide_km_decode_query(&r, &port), OT_E_TRUNCATED);
  assert_int_equal(port, 0xEE);
}

/* ---- KEY_PROG ---------------------------------------------------------------------------- */

static void test_key_prog_layout_example_key(void **state) {
  (void)state;
  size_t n;
  uint8_t *key = unhex(example_key, &n);
  assert_int_equal(n, 32);
  ot_ide_km_key_prog_msg m = {.stream_id = 0, .kss = 0x00, .port_index = 1};
  memcpy(m.km.key, key, 32);
  m.km.ifv = 1;
  uint8_t out[64];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_ok(ot_ide_km_encode_key_prog(&w, &m));
  assert_int_equal(ot_writer_len(&w), 48); /* 11 + 48 = the recorded 59-byte plaintext */
  /* spdm_dump: KEY_PROG (StreamId=0x00, KeySubStream=0x00, PortIndex=0x01). */
  static const uint8_t head[] = {0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
  assert_memory_equal(out, head, sizeof head);
  uint8_t *wire = unhex(example_key_wire, &n);
  assert_memory_equal(out + 8, wire, 32);
  /* IFV_DW1 then IFV_DW0: spdm-emu's bytes 00 00 00 00 01 00 00 00 mean IFV = 1. */
  static const uint8_t ifv[] = {0, 0, 0, 0, 1, 0, 0, 0};
  assert_memory_equal(out + 40, ifv, 8);

  ot_reader r;
  ot_reader_init(&r, out, 48);
  ot_ide_km_key_prog_msg d;
  assert_ot_ok(ot_ide_km_decode_key_prog(&r, &d));
  assert_int_equal(d.stream_id, 0);
  assert_int_equal(d.kss, 0);
  assert_int_equal(d.port_index, 1);
  assert_memory_equal(d.km.key, key, 32);
  assert_int_equal(d.km.ifv, 1);
  assert_int_equal(d.km.iv_fixed, OT_IDE_IV_FIXED_PCIE);
  ot_zeroize(&d, sizeof d);
  free(key);
  free(wire);
}

static void test_key_prog_matches_engine_mapping(void **state) {
  (void)state;
  /* The codec's DW order agrees with the engine's ot_ide_key_material_from_km. */
  uint8_t msg[48] = {0x00, 0x02, 0, 0, 7, 0, 0x12, 0};
  for (size_t i = 8; i < 48; i++)
    msg[i] = (uint8_t)(i * 29 + 3);
  uint32_t key_dw[8], ifv_dw[2];
  for (size_t i = 0; i < 8; i++)
    key_dw[7 - i] = ot_load_u32le(msg + 8 + 4 * i);
  ifv_dw[1] = ot_load_u32le(msg + 40);
  ifv_dw[0] = ot_load_u32le(msg + 44);
  ot_ide_key_material want;
  ot_ide_key_material_from_km(&want, key_dw, ifv_dw);
  ot_reader r;
  ot_reader_init(&r, msg, sizeof msg);
  ot_ide_km_key_prog_msg d;
  assert_ot_ok(ot_ide_km_decode_key_prog(&r, &d));
  assert_int_equal(d.stream_id, 7);
  assert_int_equal(d.kss, 0x12);
  assert_memory_equal(d.km.key, want.key, 32);
  assert_int_equal(d.km.ifv, want.ifv);
  uint8_t back[48];
  ot_writer w;
  ot_writer_init(&w, back, sizeof back);
  assert_ot_ok(ot_ide_km_encode_key_prog(&w, &d));
  assert_memory_equal(back, msg, sizeof msg);
}

static void test_key_prog_wrong_sizes(void **state) {
  (void)state;
  uint8_t msg[49] = {0x00, 0x02};
  ot_ide_km_key_prog_msg d = {.stream_id = 0x5A};
  ot_reader r;
  ot_reader_init(&r, msg, 49);
  assert_ot_code(ot_ide_km_decode_key_prog(&r, &d), OT_E_TRAILING);
  ot_reader_init(&r, msg, 47);
  assert_ot_code(ot_ide_km_decode_key_prog(&r, &d), OT_E_TRUNCATED);
  assert_int_equal(d.stream_id, 0x5A);
  uint8_t small[47];
  ot_writer w;
  ot_writer_init(&w, small, sizeof small);
  assert_ot_code(ot_ide_km_encode_key_prog(&w, &d), OT_E_NO_SPACE);
}

/* ---- KP_ACK, K_SET_GO, K_SET_STOP, K_GOSTOP_ACK ---------------------------------------- */

static void test_ref_vectors(void **state) {
  (void)state;
  /* spdm_dump: KP_ACK (StreamId=0x00, Status=0x00, KeySubStream=0x00, PortIndex=0x01),
   * K_SET_GO (0x10), K_SET_STOP (0x22), K_SET_GOSTOP_ACK (0x12). */
  static const struct {
    uint8_t object, kss, status;
    uint8_t wire[8];
  } v[] = {
      {OT_IDE_KM_KP_ACK, 0x00, 0x00, {0x00, 0x03, 0, 0, 0x00, 0x00, 0x00, 0x01}},
      {OT_IDE_KM_KP_ACK, 0x20, 0x03, {0x00, 0x03, 0, 0, 0x00, 0x03, 0x20, 0x01}},
      {OT_IDE_KM_K_SET_GO, 0x10, 0, {0x00, 0x04, 0, 0, 0x00, 0x00, 0x10, 0x01}},
      {OT_IDE_KM_K_SET_STOP, 0x22, 0, {0x00, 0x05, 0, 0, 0x00, 0x00, 0x22, 0x01}},
      {OT_IDE_KM_K_GOSTOP_ACK, 0x12, 0, {0x00, 0x06, 0, 0, 0x00, 0x00, 0x12, 0x01}},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    ot_ide_km_ref m = {.stream_id = 0, .kss = v[i].kss, .port_index = 1, .status = v[i].status};
    uint8_t out[8];
    ot_writer w;
    ot_writer_init(&w, out, sizeof out);
    assert_ot_ok(ot_ide_km_encode_ref(&w, v[i].object, &m));
    assert_int_equal(ot_writer_len(&w), 8); /* 11 + 8 = the recorded 19-byte plaintext */
    assert_memory_equal(out, v[i].wire, 8);
    ot_reader r;
    ot_reader_init(&r, v[i].wire, 8);
    ot_ide_km_ref d;
    assert_ot_ok(ot_ide_km_decode_ref(&r, v[i].object, &d));
    assert_int_equal(d.kss, v[i].kss);
    assert_int_equal(d.status, v[i].status);
    assert_int_equal(d.port_index, 1);
  }
}

static void test_ref_ignores_reserved(void **state) {
  (void)state;
  /* K_SET_GO's byte 4 is reserved: a non-zero value is ignored, not reported as status. */
  static const uint8_t go[] = {0x00, 0x04, 0xAA, 0xBB, 0x03, 0x77, 0x02, 0x00};
  ot_reader r;
  ot_reader_init(&r, go, sizeof go);
  ot_ide_km_ref d;
  assert_ot_ok(ot_ide_km_decode_ref(&r, OT_IDE_KM_K_SET_GO, &d));
  assert_int_equal(d.stream_id, 3);
  assert_int_equal(d.status, 0);
  assert_int_equal(d.kss, 0x02);
}

static void test_ref_negative(void **state) {
  (void)state;
  static const uint8_t ack[] = {0x00, 0x03, 0, 0, 0, 0, 0, 1, 0};
  static const uint8_t tdisp[] = {0x01, 0x03, 0, 0, 0, 0, 0, 1};
  ot_ide_km_ref d = {.stream_id = 0x42};
  ot_reader r;
  ot_reader_init(&r, ack, sizeof ack);
  assert_ot_code(ot_ide_km_decode_ref(&r, OT_IDE_KM_KP_ACK, &d), OT_E_TRAILING);
  ot_reader_init(&r, ack, 7);
  assert_ot_code(ot_ide_km_decode_ref(&r, OT_IDE_KM_KP_ACK, &d), OT_E_TRUNCATED);
  ot_reader_init(&r, ack, 8);
  assert_ot_code(ot_ide_km_decode_ref(&r, OT_IDE_KM_K_GOSTOP_ACK, &d), OT_E_UNEXPECTED);
  ot_reader_init(&r, tdisp, sizeof tdisp);
  assert_ot_code(ot_ide_km_decode_ref(&r, OT_IDE_KM_KP_ACK, &d), OT_E_UNSUPPORTED);
  ot_reader_init(&r, ack, 8);
  assert_ot_code(ot_ide_km_decode_ref(&r, OT_IDE_KM_QUERY, &d), OT_E_ARG);
  assert_int_equal(d.stream_id, 0x42);
  uint8_t out[8];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_code(ot_ide_km_encode_ref(&w, OT_IDE_KM_KEY_PROG, &d), OT_E_ARG);
}

static void test_object_id_and_names(void **state) {
  (void)state;
  uint8_t obj;
  static const uint8_t p[] = {0x00, 0x05};
  assert_ot_ok(ot_ide_km_object_id(p, 2, &obj));
  assert_int_equal(obj, OT_IDE_KM_K_SET_STOP);
  assert_ot_code(ot_ide_km_object_id(p, 1, &obj), OT_E_TRUNCATED);
  static const uint8_t tdisp[] = {0x01, 0x81};
  assert_ot_code(ot_ide_km_object_id(tdisp, 2, &obj), OT_E_UNSUPPORTED);
  assert_string_equal(ot_ide_km_object_name(OT_IDE_KM_KEY_PROG), "KEY_PROG");
  assert_string_equal(ot_ide_km_object_name(OT_IDE_KM_K_GOSTOP_ACK), "K_GOSTOP_ACK");
  assert_string_equal(ot_ide_km_object_name(0x07), "UNKNOWN");
  assert_int_equal(ot_ide_km_kss(1, OT_IDE_KM_TX, OT_IDE_SUB_CPL), 0x23);
  assert_int_equal(ot_ide_km_kss(0, OT_IDE_KM_RX, OT_IDE_SUB_NPR), 0x10);
}

/* ---- SPDM VENDOR_DEFINED framing ------------------------------------------------------- */

static void test_vdm_request_vector(void **state) {
  (void)state;
  static const uint8_t query[] = {0x00, 0x00, 0x00, 0x01};
  uint8_t out[32];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_ok(ot_ide_km_vdm_encode(&w, 0x12, true, query, sizeof query));
  /* SPEC-FACTS §2.14: ver FE 00 00 | 03 00 | 02 | 01 00 | len | protocol 00 ... */
  static const uint8_t want[] = {0x12, 0xFE, 0x00, 0x00, 0x03, 0x00, 0x02, 0x01,
                                 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01};
  assert_int_equal(ot_writer_len(&w), sizeof want); /* the recorded 15-byte plaintext */
  assert_memory_equal(out, want, sizeof want);
  ot_reader r;
  ot_reader_init(&r, want, sizeof want);
  const uint8_t *payload;
  size_t len;
  assert_ot_ok(ot_ide_km_vdm_decode(&r, 0x12, true, &payload, &len));
  assert_int_equal(len, 4);
  assert_memory_equal(payload, query, 4);
}

static void test_vdm_response_roundtrip_and_rejects(void **state) {
  (void)state;
  static const uint8_t ack[] = {0x00, 0x06, 0, 0, 0, 0, 0x22, 0x01};
  uint8_t out[32];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  assert_ot_ok(ot_ide_km_vdm_encode(&w, 0x13, false, ack, sizeof ack));
  size_t n = ot_writer_len(&w);
  assert_int_equal(n, 19);
  assert_int_equal(out[1], 0x7E);
  const uint8_t *payload;
  size_t len;
  ot_reader r;
  ot_reader_init(&r, out, n);
  assert_ot_ok(ot_ide_km_vdm_decode(&r, 0x13, false, &payload, &len));
  assert_int_equal(len, sizeof ack);
  ot_reader_init(&r, out, n);
  assert_ot_code(ot_ide_km_vdm_decode(&r, 0x12, false, &payload, &len), OT_E_VERSION);
  ot_reader_init(&r, out, n);
  assert_ot_code(ot_ide_km_vdm_decode(&r, 0x13, true, &payload, &len), OT_E_UNEXPECTED);

  uint8_t bad[19];
  memcpy(bad, out, n);
  bad[4] = 0x07; /* CXL registry */
  ot_reader_init(&r, bad, n);
  assert_ot_code(ot_ide_km_vdm_decode(&r, 0x13, false, &payload, &len), OT_E_UNSUPPORTED);
  memcpy(bad, out, n);
  bad[7] = 0x98; /* vendor 0x1E98: CXL IDE_KM, as the recordings also carry */
  bad[8] = 0x1E;
  ot_reader_init(&r, bad, n);
  assert_ot_code(ot_ide_km_vdm_decode(&r, 0x13, false, &payload, &len), OT_E_UNSUPPORTED);
  memcpy(bad, out, n);
  bad[11] = 0x01; /* TDISP */
  ot_reader_init(&r, bad, n);
  assert_ot_code(ot_ide_km_vdm_decode(&r, 0x13, false, &payload, &len), OT_E_UNSUPPORTED);
  ot_reader_init(&r, out, n - 1);
  assert_ot_code(ot_ide_km_vdm_decode(&r, 0x13, false, &payload, &len), OT_E_TRUNCATED);
  static uint8_t big[65536];
  ot_writer_init(&w, big, sizeof big);
  assert_ot_code(ot_ide_km_vdm_encode(&w, 0x13, true, big, sizeof big), OT_E_TOO_LARGE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_query_vector),
      cmocka_unit_test(test_query_resp_emu_vector),
      cmocka_unit_test(test_query_resp_registers_unaligned_le),
      cmocka_unit_test(test_query_resp_bad_blocks),
      cmocka_unit_test(test_query_wrong_sizes),
      cmocka_unit_test(test_key_prog_layout_example_key),
      cmocka_unit_test(test_key_prog_matches_engine_mapping),
      cmocka_unit_test(test_key_prog_wrong_sizes),
      cmocka_unit_test(test_ref_vectors),
      cmocka_unit_test(test_ref_ignores_reserved),
      cmocka_unit_test(test_ref_negative),
      cmocka_unit_test(test_object_id_and_names),
      cmocka_unit_test(test_vdm_request_vector),
      cmocka_unit_test(test_vdm_response_roundtrip_and_rejects),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
