/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The layouts that differ between SPDM 1.0, 1.1, 1.2, 1.3 and 1.4 (DSP0274
 * 1.0.0 .. 1.4.0 message format tables): exact lengths per version, every
 * message through the codec battery (round trip, truncation, trailing byte,
 * wrong version, DOE padding), and the fields a version does not have refused
 * on encode and ignored or rejected on decode.
 */
#include "codec_check.h"

static ot_spdm_sizes sizes(uint8_t version) {
  ot_spdm_sizes s = cc_sizes12();
  s.version = version;
  s.multi_key_conn = false;
  return s;
}

static size_t enc_len(ot_status st, const ot_writer *w) {
  assert_ot_ok(st);
  return ot_writer_len(w);
}

/* GET_CAPABILITIES: 4 bytes in 1.0 (header only), 12 in 1.1, 20 from 1.2;
 * CAPABILITIES: 12 in 1.0 and 1.1, 20 from 1.2. */
static void test_capabilities_lengths(void **s) {
  (void)s;
  static const struct {
    uint8_t v;
    size_t req, rsp;
  } want[] = {{0x10, 4, 12}, {0x11, 12, 12}, {0x12, 20, 20}, {0x13, 20, 20}, {0x14, 20, 20}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    ot_spdm_sizes sz = sizes(want[i].v);
    ot_spdm_capabilities c = {.ct_exponent = want[i].v >= 0x11 ? 12 : 0,
                              .flags = want[i].v >= 0x11 ? OT_SPDM_CAP_CERT : 0,
                              .data_transfer_size = want[i].v >= 0x12 ? 0x1200 : 0,
                              .max_msg_size = want[i].v >= 0x12 ? 0x1200 : 0};
    CC_WRITER(w, buf);
    assert_int_equal(enc_len(ot_spdm_encode_get_capabilities(&sz, &w, &c), &w), want[i].req);
    cc_check_message(&sz, buf, want[i].req);
    CC_WRITER(w2, buf2);
    c.flags = OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL;
    assert_int_equal(enc_len(ot_spdm_encode_capabilities(&sz, &w2, &c), &w2), want[i].rsp);
    cc_check_message(&sz, buf2, want[i].rsp);
  }
  /* A 1.0 GET_CAPABILITIES with a 1.1 body is 8 bytes too long. */
  ot_spdm_sizes sz10 = sizes(0x10);
  uint8_t body11[12] = {0x10, 0xe1, 0, 0, 0, 12, 0, 0, 2, 0, 0, 0};
  ot_reader r = cc_reader(body11, sizeof body11);
  ot_spdm_capabilities d;
  assert_ot_code(ot_spdm_decode_get_capabilities(&sz10, &r, &d), OT_E_TRAILING);
  /* 1.1 has no DataTransferSize: a 1.1 CAPABILITIES decodes with 0, and the
   * 42-byte minimum is not applied. */
  ot_spdm_sizes sz11 = sizes(0x11);
  uint8_t caps11[12] = {0x11, 0x61, 0, 0, 0, 3, 0, 0, 0x36, 0, 0, 0};
  r = cc_reader(caps11, sizeof caps11);
  assert_ot_ok(ot_spdm_decode_capabilities(&sz11, &r, &d));
  assert_int_equal(d.flags, 0x36);
  assert_int_equal(d.ct_exponent, 3);
  assert_int_equal(d.data_transfer_size, 0);
  /* 1.3's SupportedAlgorithms block cannot be encoded at 1.1. */
  CC_WRITER(w3, buf3);
  ot_spdm_capabilities sa = {.supported_algs = true};
  assert_ot_code(ot_spdm_encode_capabilities(&sz11, &w3, &sa), OT_E_ARG);
}

static ot_spdm_alg_offer offer(uint8_t structs) {
  ot_spdm_alg_offer o = {.meas_spec = OT_SPDM_MEAS_SPEC_DMTF,
                         .base_asym = OT_SPDM_ASYM_ECDSA_P384,
                         .base_hash = OT_SPDM_HASH_SHA_384};
  for (uint8_t i = 0; i < structs; i++)
    o.alg[o.alg_count++] =
        (ot_spdm_alg_struct){.type = (uint8_t)(OT_SPDM_ALG_TYPE_DHE + i), .supported = 0x10};
  return o;
}

/* NEGOTIATE_ALGORITHMS: 1.0 has no AlgStructs (Param1 reserved) and no
 * OtherParamsSupport; 1.1 adds the tables; 1.4 adds AlgType 6 and 7. */
static void test_negotiate_algorithms_versions(void **s) {
  (void)s;
  ot_spdm_sizes sz10 = sizes(0x10), sz11 = sizes(0x11), sz13 = sizes(0x13), sz14 = sizes(0x14);
  ot_spdm_alg_offer o = offer(0);
  CC_WRITER(w, buf);
  assert_int_equal(enc_len(ot_spdm_encode_negotiate_algorithms(&sz10, &w, &o), &w), 32);
  assert_int_equal(ot_load_u16le(buf + 4), 32);
  cc_check_message(&sz10, buf, 32);
  /* 1.0: a table, or OtherParamsSupport, cannot be encoded. */
  ot_spdm_alg_offer t = offer(1);
  CC_WRITER(w2, buf2);
  assert_ot_code(ot_spdm_encode_negotiate_algorithms(&sz10, &w2, &t), OT_E_ARG);
  t = offer(0);
  t.other_params = OT_SPDM_OPAQUE_FMT_1;
  assert_ot_code(ot_spdm_encode_negotiate_algorithms(&sz10, &w2, &t), OT_E_ARG);
  assert_ot_code(ot_spdm_encode_negotiate_algorithms(&sz11, &w2, &t), OT_E_ARG);
  /* 1.1: three tables, 4 bytes each. */
  t = offer(3);
  CC_WRITER(w3, buf3);
  assert_int_equal(enc_len(ot_spdm_encode_negotiate_algorithms(&sz11, &w3, &t), &w3), 44);
  cc_check_message(&sz11, buf3, 44);
  /* Read at 1.0 the same bytes have Param1 reserved: no tables, so the body
   * ends at 32 while Length says 44: MALFORMED. */
  buf3[0] = 0x10;
  ot_reader r = cc_reader(buf3, 44);
  ot_spdm_alg_offer d;
  assert_ot_code(ot_spdm_decode_negotiate_algorithms(&sz10, &r, &d), OT_E_MALFORMED);
  /* 1.0 Length above 64 is refused as too large. */
  uint8_t big[80] = {0x10, 0xe3, 0, 0, 80, 0};
  r = cc_reader(big, sizeof big);
  assert_ot_code(ot_spdm_decode_negotiate_algorithms(&sz10, &r, &d), OT_E_TOO_LARGE);
  /* AlgType 6 (ReqPqcAsymAlg) and 7 (KEMAlg), six tables: 1.4 only. */
  t = offer(6);
  CC_WRITER(w13, buf13);
  assert_ot_code(ot_spdm_encode_negotiate_algorithms(&sz13, &w13, &t), OT_E_ARG);
  CC_WRITER(w4, buf4);
  assert_int_equal(enc_len(ot_spdm_encode_negotiate_algorithms(&sz14, &w4, &t), &w4), 56);
  cc_check_message(&sz14, buf4, 56);
  buf4[0] = 0x13;
  r = cc_reader(buf4, 56);
  assert_ot_code(ot_spdm_decode_negotiate_algorithms(&sz13, &r, &d), OT_E_MALFORMED);
}

/* ALGORITHMS 1.0: 36 bytes, no tables. */
static void test_algorithms_10(void **s) {
  (void)s;
  ot_spdm_sizes sz10 = sizes(0x10);
  ot_spdm_algorithms a = {.meas_spec_sel = OT_SPDM_MEAS_SPEC_DMTF,
                          .meas_hash_algo = OT_SPDM_MEAS_HASH_SHA_384,
                          .base_asym_sel = OT_SPDM_ASYM_ECDSA_P384,
                          .base_hash_sel = OT_SPDM_HASH_SHA_384};
  CC_WRITER(w, buf);
  assert_int_equal(enc_len(ot_spdm_encode_algorithms(&sz10, &w, &a), &w), 36);
  cc_check_message(&sz10, buf, 36);
  a.other_params_sel = OT_SPDM_OPAQUE_FMT_1;
  CC_WRITER(w2, buf2);
  assert_ot_code(ot_spdm_encode_algorithms(&sz10, &w2, &a), OT_E_ARG);
}

/* GET_MEASUREMENTS with a signature: Nonce only in 1.0 (36), SlotIDParam from
 * 1.1 (37), RequesterContext from 1.3 (45). MEASUREMENTS Param2: reserved in
 * 1.0, SlotID from 1.1, content-changed bits from 1.2. */
static void test_measurements_versions(void **s) {
  (void)s;
  static const struct {
    uint8_t v;
    size_t len;
  } want[] = {{0x10, 36}, {0x11, 37}, {0x12, 37}, {0x13, 45}, {0x14, 45}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    ot_spdm_sizes sz = sizes(want[i].v);
    ot_spdm_get_measurements g = {.attributes = OT_SPDM_MEAS_ATTR_SIGNATURE,
                                  .operation = OT_SPDM_MEAS_OP_ALL};
    cc_fill(g.nonce, sizeof g.nonce, 3);
    CC_WRITER(w, buf);
    assert_int_equal(enc_len(ot_spdm_encode_get_measurements(&sz, &w, &g), &w), want[i].len);
    cc_check_message(&sz, buf, want[i].len);
  }
  ot_spdm_sizes sz10 = sizes(0x10), sz11 = sizes(0x11);
  ot_spdm_get_measurements g = {.attributes = OT_SPDM_MEAS_ATTR_SIGNATURE, .slot_id = 1};
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_get_measurements(&sz10, &w, &g), OT_E_ARG); /* no slot in 1.0 */
  g.attributes = OT_SPDM_MEAS_ATTR_RAW_BIT_STREAM;                          /* 1.2+ */
  assert_ot_code(ot_spdm_encode_get_measurements(&sz11, &w, &g), OT_E_ARG);
  /* MEASUREMENTS at 1.0 / 1.1: Param2 bits a version lacks cannot be sent. */
  uint8_t rec[8] = {1, 1, 4, 0, 0x01, 1, 0, 0xaa};
  ot_spdm_measurements m = {
      .block_count = 1, .record_len = sizeof rec, .record = rec, .slot_id = 1};
  ot_spdm_sizes nosig10 = sz10, nosig11 = sz11;
  nosig10.meas_signature = nosig11.meas_signature = false;
  CC_WRITER(w2, buf2);
  assert_ot_code(ot_spdm_encode_measurements(&nosig10, &w2, &m), OT_E_ARG);
  m.content_changed = OT_SPDM_MEAS_CONTENT_UNCHANGED;
  assert_ot_code(ot_spdm_encode_measurements(&nosig11, &w2, &m), OT_E_ARG);
  m.content_changed = 0;
  size_t n = enc_len(ot_spdm_encode_measurements(&nosig11, &w2, &m), &w2);
  assert_int_equal(n, 4 + 4 + sizeof rec + 32 + 2);
  cc_check_message(&nosig11, buf2, n);
  /* Decoded at 1.0, Param2 is reserved: ignored. */
  buf2[0] = 0x10;
  buf2[3] = 0x31;
  ot_reader r = cc_reader(buf2, n);
  ot_spdm_measurements d;
  assert_ot_ok(ot_spdm_decode_measurements(&nosig10, &r, &d));
  assert_int_equal(d.slot_id, 0);
  assert_int_equal(d.content_changed, 0);
}

/* KEY_EXCHANGE 1.1: the SessionPolicy byte is Reserved. */
static void test_key_exchange_11_policy_reserved(void **s) {
  (void)s;
  ot_spdm_sizes sz = sizes(0x11);
  uint8_t dhe[96];
  cc_fill(dhe, sizeof dhe, 9);
  ot_spdm_key_exchange k = {.exchange = dhe, .session_policy = OT_SPDM_SESSION_POLICY_TERMINATION};
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_key_exchange(&sz, &w, &k), OT_E_ARG);
  k.session_policy = 0;
  size_t n = enc_len(ot_spdm_encode_key_exchange(&sz, &w, &k), &w);
  assert_int_equal(n, 4 + 2 + 2 + 32 + 96 + 2);
  cc_check_message(&sz, buf, n);
  buf[6] = 0xff; /* a peer's reserved byte: ignored */
  ot_reader r = cc_reader(buf, n);
  ot_spdm_key_exchange d;
  assert_ot_ok(ot_spdm_decode_key_exchange(&sz, &r, &d));
  assert_int_equal(d.session_policy, 0);
}

/* FINISH / FINISH_RSP 1.4: OpaqueDataLength(2) | OpaqueData after the header. */
static void test_finish_14_opaque(void **s) {
  (void)s;
  ot_spdm_sizes sz13 = sizes(0x13), sz14 = sizes(0x14);
  uint8_t vd[48], op[4] = {1, 2, 3, 4};
  cc_fill(vd, sizeof vd, 1);
  ot_spdm_finish f = {.verify_data = vd};
  CC_WRITER(w, buf);
  assert_int_equal(enc_len(ot_spdm_encode_finish(&sz14, &w, &f), &w), 4 + 2 + 48);
  cc_check_message(&sz14, buf, 54);
  CC_WRITER(w2, buf2);
  assert_int_equal(enc_len(ot_spdm_encode_finish(&sz13, &w2, &f), &w2), 4 + 48);
  f.opaque = op;
  f.opaque_len = sizeof op;
  assert_ot_code(ot_spdm_encode_finish(&sz13, &w2, &f), OT_E_ARG);
  CC_WRITER(w3, buf3);
  assert_int_equal(enc_len(ot_spdm_encode_finish(&sz14, &w3, &f), &w3), 4 + 2 + 4 + 48);
  cc_check_message(&sz14, buf3, 58);
  ot_spdm_finish_rsp a = {0};
  CC_WRITER(w4, buf4);
  assert_int_equal(enc_len(ot_spdm_encode_finish_rsp(&sz14, &w4, &a), &w4), 6);
  cc_check_message(&sz14, buf4, 6);
  ot_spdm_sizes clear14 = sz14;
  clear14.handshake_in_clear = true;
  a.verify_data = vd;
  CC_WRITER(w5, buf5);
  assert_int_equal(enc_len(ot_spdm_encode_finish_rsp(&clear14, &w5, &a), &w5), 6 + 48);
  cc_check_message(&clear14, buf5, 54);
  /* OpaqueDataLength above 1024 is refused. */
  uint8_t over[8] = {0x14, 0x65, 0, 0, 0x01, 0x04, 0, 0};
  ot_reader r = cc_reader(over, sizeof over);
  ot_spdm_finish_rsp d;
  assert_ot_code(ot_spdm_decode_finish_rsp(&sz14, &r, &d), OT_E_TOO_LARGE);
}

/* Chunk messages in 1.4: ChunkSeqNo is a u32 (no Reserved(2)). */
static void test_chunk_14(void **s) {
  (void)s;
  ot_spdm_sizes sz14 = sizes(0x14);
  uint8_t piece[10];
  cc_fill(piece, sizeof piece, 5);
  ot_spdm_chunk c = {.handle = 3, .seq_no = 1, .chunk_size = sizeof piece, .chunk = piece};
  CC_WRITER(w, buf);
  assert_int_equal(enc_len(ot_spdm_encode_chunk_send(&sz14, &w, &c), &w), 12 + 10);
  assert_int_equal(ot_load_u32le(buf + 4), 1);
  cc_check_message(&sz14, buf, 22);
  ot_spdm_chunk_get g = {.handle = 3, .seq_no = 0x1234};
  CC_WRITER(w2, buf2);
  assert_int_equal(enc_len(ot_spdm_encode_chunk_get(&sz14, &w2, &g), &w2), 8);
  cc_check_message(&sz14, buf2, 8);
  assert_int_equal(ot_spdm_chunk_send_ack_fixed(0x14), 8);
  assert_int_equal(ot_spdm_chunk_send_ack_fixed(0x13), 6);
  ot_spdm_chunk_send_ack a = {.handle = 3, .seq_no = 2};
  CC_WRITER(w3, buf3);
  assert_int_equal(enc_len(ot_spdm_encode_chunk_send_ack(&sz14, &w3, &a), &w3), 8);
  cc_check_message_min(&sz14, buf3, 8, 8);
  /* A sequence number beyond 16 bits is refused (no transfer here needs it). */
  buf2[6] = 1;
  ot_reader r = cc_reader(buf2, 8);
  ot_spdm_chunk_get d;
  assert_ot_code(ot_spdm_decode_chunk_get(&sz14, &r, &d), OT_E_TOO_LARGE);
}

/* VENDOR_DEFINED 1.4 large form: Param1 bit7, ReqLength 0, LargeReqLength u32. */
static void test_vendor_defined_large(void **s) {
  (void)s;
  ot_spdm_sizes sz13 = sizes(0x13), sz14 = sizes(0x14);
  uint8_t vid[2] = {1, 0}, pl[5] = {0, 1, 2, 3, 4};
  ot_spdm_vendor_defined v = {.standard_id = OT_SPDM_REGISTRY_PCISIG,
                              .vendor_id_len = 2,
                              .vendor_id = vid,
                              .large = true,
                              .payload_len = sizeof pl,
                              .payload = pl};
  CC_WRITER(w, buf);
  assert_int_equal(enc_len(ot_spdm_encode_vendor_request(&sz14, &w, &v), &w),
                   4 + 2 + 1 + 2 + 2 + 4 + 5);
  assert_int_equal(buf[2], 0x80);
  assert_int_equal(ot_load_u16le(buf + 9), 0);
  assert_int_equal(ot_load_u32le(buf + 11), 5);
  cc_check_message(&sz14, buf, 20);
  CC_WRITER(w2, buf2);
  assert_int_equal(enc_len(ot_spdm_encode_vendor_response(&sz14, &w2, &v), &w2), 20);
  cc_check_message(&sz14, buf2, 20);
  /* Not before 1.4. */
  CC_WRITER(w3, buf3);
  assert_ot_code(ot_spdm_encode_vendor_request(&sz13, &w3, &v), OT_E_ARG);
  /* At 1.3 bit7 is reserved: the large body does not parse as the small one. */
  buf[0] = 0x13;
  ot_reader r = cc_reader(buf, 20);
  ot_spdm_vendor_defined d;
  assert_ot_code(ot_spdm_decode_vendor_request(&sz13, &r, &d), OT_E_TRAILING);
  /* A LargeReqLength past the message. */
  buf[0] = 0x14;
  buf[11] = 6;
  r = cc_reader(buf, 20);
  assert_ot_code(ot_spdm_decode_vendor_request(&sz14, &r, &d), OT_E_TRUNCATED);
  /* The small form keeps a 16-bit length. */
  v.large = false;
  v.payload_len = 0x10000;
  CC_WRITER(w4, buf4);
  assert_ot_code(ot_spdm_encode_vendor_request(&sz14, &w4, &v), OT_E_TOO_LARGE);
}

/* GET_CERTIFICATE / CERTIFICATE 1.4 LargeCertChain. */
static void test_certificate_large(void **s) {
  (void)s;
  ot_spdm_sizes sz13 = sizes(0x13), sz14 = sizes(0x14);
  ot_spdm_get_certificate g = {.slot_id = 1, .large = true, .offset = 0x10000, .length = 0x400};
  CC_WRITER(w, buf);
  assert_int_equal(enc_len(ot_spdm_encode_get_certificate(&sz14, &w, &g), &w), 16);
  assert_int_equal(buf[2], 0x81);
  cc_check_message(&sz14, buf, 16);
  CC_WRITER(w2, buf2);
  assert_ot_code(ot_spdm_encode_get_certificate(&sz13, &w2, &g), OT_E_ARG);
  g.large = false;
  assert_ot_code(ot_spdm_encode_get_certificate(&sz14, &w2, &g), OT_E_ARG); /* offset > u16 */
  uint8_t part[7];
  cc_fill(part, sizeof part, 2);
  ot_spdm_certificate c = {
      .slot_id = 0, .large = true, .portion_len = 7, .remainder_len = 0x20000, .portion = part};
  CC_WRITER(w3, buf3);
  assert_int_equal(enc_len(ot_spdm_encode_certificate(&sz14, &w3, &c), &w3), 16 + 7);
  cc_check_message(&sz14, buf3, 23);
  ot_reader r = cc_reader(buf3, 23);
  ot_spdm_certificate d;
  assert_ot_ok(ot_spdm_decode_certificate(&sz14, &r, &d));
  assert_true(d.large);
  assert_int_equal(d.remainder_len, 0x20000);
}

/* The secured-message version list of an SPDM 1.1 KEY_EXCHANGE: the DSP0277
 * 1.0 table header (SpecID "DMTF", OpaqueVersion 1). */
static void test_opaque_11(void **s) {
  (void)s;
  ot_spdm_sm_versions v = {.data_id = OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS,
                           .count = 2,
                           .version = {OT_SPDM_SM_VERSION_10, OT_SPDM_SM_VERSION_11}};
  CC_WRITER(w, buf);
  assert_ot_ok(ot_spdm_sm_versions_encode_v(0x11, &w, &v));
  static const uint8_t head[] = {0x46, 0x54, 0x4d, 0x44, 0x01, 0x01, 0x00, 0x00,
                                 0x00, 0x00, 0x07, 0x00, 0x01, 0x01, 0x02};
  assert_int_equal(ot_writer_len(&w), 20);
  assert_memory_equal(buf, head, sizeof head);
  ot_spdm_sm_versions d;
  assert_ot_ok(ot_spdm_sm_versions_decode_v(0x11, buf, ot_writer_len(&w), &d));
  assert_int_equal(d.count, 2);
  assert_int_equal(d.version[1], OT_SPDM_SM_VERSION_11);
  /* The 1.2 form read as 1.1 (or a wrong SpecID) is malformed or short. */
  CC_WRITER(w2, buf2);
  assert_ot_ok(ot_spdm_sm_versions_encode_v(0x12, &w2, &v));
  assert_false(ot_ok(ot_spdm_sm_versions_decode_v(0x11, buf2, ot_writer_len(&w2), &d)));
  buf[0] = 0x47;
  assert_ot_code(ot_spdm_sm_versions_decode_v(0x11, buf, 20, &d), OT_E_MALFORMED);
}

/* CHALLENGE (36 bytes before 1.3, 44 from 1.3) and CHALLENGE_AUTH: the
 * BasicMutAuthReq bit exists from 1.1 (reserved in 1.0). */
static void test_challenge_versions(void **s) {
  (void)s;
  static const struct {
    uint8_t v;
    size_t len;
  } want[] = {{0x10, 36}, {0x11, 36}, {0x12, 36}, {0x13, 44}, {0x14, 44}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    ot_spdm_sizes sz = sizes(want[i].v);
    ot_spdm_challenge c = {.slot_id = 0, .meas_summary_type = OT_SPDM_MEAS_SUMMARY_ALL};
    CC_WRITER(w, buf);
    assert_int_equal(enc_len(ot_spdm_encode_challenge(&sz, &w, &c), &w), want[i].len);
    cc_check_message(&sz, buf, want[i].len);
  }
  ot_spdm_sizes sz10 = sizes(0x10), sz11 = sizes(0x11);
  sz10.meas_summary_hash = sz11.meas_summary_hash = false;
  uint8_t h[48], sig[96];
  cc_fill(h, sizeof h, 1);
  cc_fill(sig, sizeof sig, 2);
  ot_spdm_challenge_auth a = {.basic_mut_auth = true, .cert_chain_hash = h, .signature = sig};
  CC_WRITER(w, buf);
  assert_ot_code(ot_spdm_encode_challenge_auth(&sz10, &w, &a), OT_E_ARG);
  CC_WRITER(w2, buf2);
  size_t n = enc_len(ot_spdm_encode_challenge_auth(&sz11, &w2, &a), &w2);
  assert_int_equal(n, 4 + 48 + 32 + 2 + 96);
  cc_check_message(&sz11, buf2, n);
  buf2[0] = 0x10; /* read at 1.0 the bit is reserved: ignored */
  ot_reader r = cc_reader(buf2, n);
  ot_spdm_challenge_auth d;
  assert_ot_ok(ot_spdm_decode_challenge_auth(&sz10, &r, &d));
  assert_false(d.basic_mut_auth);
}

/* The version byte: 1.0 .. 1.4 accepted, anything else refused. */
static void test_version_range(void **s) {
  (void)s;
  for (unsigned v = 0x0f; v <= 0x15; v++) {
    ot_spdm_sizes sz = sizes((uint8_t)v);
    CC_WRITER(w, buf);
    ot_status st = ot_spdm_encode_heartbeat(&sz, &w);
    if (v >= 0x10 && v <= 0x14)
      assert_ot_ok(st);
    else
      assert_ot_code(st, OT_E_ARG);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_capabilities_lengths),
      cmocka_unit_test(test_negotiate_algorithms_versions),
      cmocka_unit_test(test_algorithms_10),
      cmocka_unit_test(test_measurements_versions),
      cmocka_unit_test(test_key_exchange_11_policy_reserved),
      cmocka_unit_test(test_finish_14_opaque),
      cmocka_unit_test(test_chunk_14),
      cmocka_unit_test(test_vendor_defined_large),
      cmocka_unit_test(test_certificate_large),
      cmocka_unit_test(test_opaque_11),
      cmocka_unit_test(test_challenge_versions),
      cmocka_unit_test(test_version_range),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
