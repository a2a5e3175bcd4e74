/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Known-answer tests of the SPDM codec against the plain SPDM messages recorded
 * from DMTF's emulators (tests/vectors/spdm-emu/<flow>/spdm/, extracted by
 * scripts/extract-spdm-vectors.py): every message's exact length is recovered
 * from its DOE padding, it decodes with the flow's negotiated sizes, re-encodes
 * to the same bytes, and is the message spdm_dump.txt says it is.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_check.h"

#define MAX_FILES 64

typedef struct flow {
  const char *dir;
  ot_spdm_sizes sizes; /* the negotiated part; presence flags follow the requests */
  unsigned count;
  char names[MAX_FILES][64];
} flow;

static int cmp_names(const void *a, const void *b) { return strcmp(a, b); }

static void list_flow(flow *f) {
  char path[512];
  snprintf(path, sizeof path, "spdm-emu/%s/spdm", f->dir);
  DIR *d = opendir(ts_vector_path(path));
  if (!d) fail_msg("cannot open %s", ts_vector_path(path));
  f->count = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t n = strlen(e->d_name);
    if (n < 4 || strcmp(e->d_name + n - 4, ".bin") != 0) continue;
    assert_true(f->count < MAX_FILES && n < sizeof f->names[0]);
    memcpy(f->names[f->count++], e->d_name, n + 1);
  }
  closedir(d);
  qsort(f->names, f->count, sizeof f->names[0], cmp_names);
}

static uint8_t *read_msg(const flow *f, unsigned i, size_t *len) {
  char rel[512];
  snprintf(rel, sizeof rel, "spdm-emu/%s/spdm/%s", f->dir, f->names[i]);
  return ts_read_vector(rel, len);
}

/* The message name spdm_dump.txt gives record `num` ("SPDM_KEY_EXCHANGE"). */
static void dump_name(const flow *f, unsigned num, char *out, size_t cap) {
  char rel[512], prefix[16];
  size_t len;
  snprintf(rel, sizeof rel, "spdm-emu/%s/spdm_dump.txt", f->dir);
  uint8_t *txt = ts_read_vector(rel, &len);
  snprintf(prefix, sizeof prefix, "\n%u (", num);
  char *s = malloc(len + 1);
  assert_non_null(s);
  memcpy(s, txt, len);
  s[len] = 0;
  char *line = strstr(s, prefix);
  assert_non_null(line);
  char *name = strstr(line, " SPDM_");
  assert_non_null(name);
  size_t n = strcspn(name + 1, " (\n");
  assert_true(n < cap);
  memcpy(out, name + 1, n);
  out[n] = 0;
  free(s);
  free(txt);
}

/* What a requester knows when the response arrives: presence flags come from
 * the request it sent (DSP0274: MeasurementSummaryHash present iff the
 * request's type is not 0; MEASUREMENTS signature iff requested). */
static void follow_request(ot_spdm_sizes *sz, const uint8_t *req) {
  switch (req[1]) {
  case OT_SPDM_CHALLENGE: sz->meas_summary_hash = req[3] != 0; break;
  case OT_SPDM_KEY_EXCHANGE:
  case OT_SPDM_PSK_EXCHANGE: sz->meas_summary_hash = req[2] != 0; break;
  case OT_SPDM_GET_MEASUREMENTS:
    sz->meas_signature = (req[2] & OT_SPDM_MEAS_ATTR_SIGNATURE) != 0;
    break;
  default: break;
  }
}

/* Records whose DOE payload carries padding, and their exact SPDM length. The
 * lengths agree with SPEC-FACTS: CERTIFICATE = 8 + chain (1591 / 1390 / 1431),
 * GET_MEASUREMENTS signed = 37 (1.2) / 45 (1.3), KEY_EXCHANGE = 40 + D + 2 + 20. */
typedef struct padded_rec {
  unsigned num;
  size_t exact;
} padded_rec;

static const padded_rec v12_padded[] = {{16, 1599}, {18, 1599}, {20, 230}, {24, 1599},
                                        {27, 37},   {28, 586},  {29, 158}, {30, 294},
                                        {155, 158}, {156, 294}, {0, 0}};
static const padded_rec v13_padded[] = {{16, 1398}, {18, 1439}, {20, 174}, {24, 1398},
                                        {27, 45},   {28, 482},  {29, 126}, {30, 214},
                                        {155, 126}, {156, 214}, {0, 0}};

static size_t expected_exact(const padded_rec *p, unsigned num, size_t len) {
  for (; p->num; p++)
    if (p->num == num) return p->exact;
  return len;
}

static void run_flow(flow *f, const padded_rec *pads) {
  ot_spdm_sizes sz = f->sizes;
  unsigned padded = 0, want_padded = 0;
  for (const padded_rec *p = pads; p->num; p++) want_padded++;
  list_flow(f);
  assert_int_equal(f->count, 32);
  for (unsigned i = 0; i < f->count; i++) {
    size_t len, exact;
    uint8_t *buf = read_msg(f, i, &len);
    unsigned num = (unsigned)atoi(f->names[i]);
    if (OT_SPDM_CODE_IS_REQUEST(buf[1])) follow_request(&sz, buf);
    assert_int_equal(len % 4, 0); /* DOE objects are whole DWs */
    assert_ot_ok(ot_spdm_message_length(&sz, buf, len, &exact));
    assert_int_equal(exact, expected_exact(pads, num, len));
    if (exact != len) {
      padded++;
      assert_ot_code(cc_decode_any(&sz, buf, len), OT_E_TRAILING);
    }
    cc_roundtrip_any(&sz, buf, exact);
    char want[64], got[64];
    dump_name(f, num, want, sizeof want);
    snprintf(got, sizeof got, "SPDM_%s", ot_spdm_code_name(buf[1]));
    if (strcmp(want, got) != 0)
      fail_msg("%s: spdm_dump says %s, codec says %s", f->names[i], want, got);
    free(buf);
  }
  assert_int_equal(padded, want_padded);
}

/* How many of each code each recorded flow holds (both flows ran the same steps). */
static void counts_match(const flow *f) {
  static const struct {
    uint8_t code;
    unsigned n;
  } want[] = {{0x84, 1}, {0x04, 1}, {0xe1, 1}, {0x61, 1}, {0xe3, 1}, {0x63, 1}, {0x81, 3},
              {0x01, 3}, {0x82, 3}, {0x02, 3}, {0x83, 1}, {0x03, 1}, {0xe0, 1}, {0x60, 1},
              {0xe4, 2}, {0x64, 2}, {0xe5, 2}, {0x65, 2}, {0xe6, 1}, {0x66, 1}};
  unsigned total = 0;
  for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
    unsigned n = 0;
    char tail[8];
    snprintf(tail, sizeof tail, "-%02x.bin", want[k].code);
    for (unsigned i = 0; i < f->count; i++) n += strstr(f->names[i], tail) != NULL;
    assert_int_equal(n, want[k].n);
    total += n;
  }
  assert_int_equal(total, f->count);
}

/* Decodes record `num` of a flow (exact prefix) as a response. */
static uint8_t *decode_rsp(const flow *f, unsigned num, const ot_spdm_sizes *sz,
                           ot_spdm_response *m) {
  for (unsigned i = 0; i < f->count; i++) {
    if ((unsigned)atoi(f->names[i]) != num) continue;
    size_t len, exact;
    uint8_t *buf = read_msg(f, i, &len);
    ot_reader r;
    assert_ot_ok(ot_spdm_message_length(sz, buf, len, &exact));
    ot_reader_init(&r, buf, exact);
    assert_ot_ok(ot_spdm_decode_response(sz, &r, m));
    return buf;
  }
  fail_msg("record %u not found", num);
  return NULL;
}

static uint8_t *decode_req(const flow *f, unsigned num, const ot_spdm_sizes *sz,
                           ot_spdm_request *m) {
  for (unsigned i = 0; i < f->count; i++) {
    if ((unsigned)atoi(f->names[i]) != num) continue;
    size_t len, exact;
    uint8_t *buf = read_msg(f, i, &len);
    ot_reader r;
    assert_ot_ok(ot_spdm_message_length(sz, buf, len, &exact));
    ot_reader_init(&r, buf, exact);
    assert_ot_ok(ot_spdm_decode_request(sz, &r, m));
    return buf;
  }
  fail_msg("record %u not found", num);
  return NULL;
}

static flow v12 = {.dir = "tsm_v12_p384"};
static flow v13 = {.dir = "tsm_v13_p256"};

static void v12_every_message_decodes_and_reencodes(void **state) {
  (void)state;
  v12.sizes = cc_sizes12();
  v12.sizes.handshake_in_clear = true; /* both sides set HANDSHAKE_IN_THE_CLEAR_CAP */
  v12.sizes.multi_key_conn = false;
  run_flow(&v12, v12_padded);
}

static void v13_every_message_decodes_and_reencodes(void **state) {
  (void)state;
  v13.sizes = cc_sizes13();
  v13.sizes.handshake_in_clear = true;
  run_flow(&v13, v13_padded);
}

/* Field values against spdm_dump.txt and SPEC-FACTS (1.3 P-256 flow). */
static void v13_fields_match_the_dump(void **state) {
  (void)state;
  ot_spdm_sizes sz = cc_sizes13();
  sz.handshake_in_clear = true;
  ot_spdm_response m;
  ot_spdm_request q;
  list_flow(&v13);
  counts_match(&v13);

  uint8_t *b = decode_rsp(&v13, 8, &sz, &m); /* VERSION (1.3.0.0) */
  assert_int_equal(m.u.version.entry_count, 1);
  assert_int_equal(ot_spdm_version_entry(&m.u.version, 0), 0x1300);
  free(b);

  b = decode_rsp(&v13, 10, &sz, &m); /* CAPABILITIES Flags=0x399afbf7 */
  assert_int_equal(m.u.capabilities.flags, 0x399afbf7);
  assert_int_equal(m.u.capabilities.data_transfer_size, 0x1200);
  assert_int_equal(m.u.capabilities.max_msg_size, 0x28000);
  free(b);

  b = decode_rsp(&v13, 12, &sz, &m); /* ALGORITHMS */
  assert_int_equal(m.u.algorithms.other_params_sel, 0x12);
  assert_int_equal(m.u.algorithms.meas_hash_algo, OT_SPDM_MEAS_HASH_SHA_256);
  assert_int_equal(m.u.algorithms.base_asym_sel, OT_SPDM_ASYM_ECDSA_P256);
  assert_int_equal(m.u.algorithms.base_hash_sel, OT_SPDM_HASH_SHA_256);
  assert_int_equal(m.u.algorithms.mel_spec_sel, OT_SPDM_MEL_SPEC_DMTF);
  assert_int_equal(m.u.algorithms.alg_count, 4);
  assert_int_equal(m.u.algorithms.alg[0].supported, OT_SPDM_DHE_SECP256R1);
  assert_int_equal(m.u.algorithms.alg[1].supported, OT_SPDM_AEAD_AES_256_GCM);
  assert_int_equal(m.u.algorithms.alg[2].supported, OT_SPDM_ASYM_RSAPSS_3072);
  assert_int_equal(m.u.algorithms.alg[3].supported, OT_SPDM_KEY_SCHEDULE_SPDM);
  free(b);

  b = decode_rsp(&v13, 14, &sz, &m); /* DIGESTS: slots 0, 1, 4; KeyPairID 04 04 10 */
  assert_int_equal(m.u.digests.supported_slot_mask, 0x13);
  assert_int_equal(m.u.digests.provisioned_slot_mask, 0x13);
  assert_non_null(m.u.digests.digest[4]);
  assert_null(m.u.digests.digest[2]);
  assert_int_equal(m.u.digests.key_pair_id[0], 0x04);
  assert_int_equal(m.u.digests.key_pair_id[4], 0x10);
  assert_int_equal(m.u.digests.cert_info[1], OT_SPDM_CERT_MODEL_DEVICE);
  assert_int_equal(m.u.digests.key_usage[4], 0x000f);
  free(b);

  b = decode_rsp(&v13, 16, &sz, &m); /* CERTIFICATE slot 0: the whole 1390-byte chain */
  ot_spdm_cert_chain chain;
  assert_int_equal(m.u.certificate.portion_len, 0x056e);
  assert_int_equal(m.u.certificate.remainder_len, 0);
  assert_int_equal(m.u.certificate.cert_info, OT_SPDM_CERT_MODEL_DEVICE);
  assert_ot_ok(
      ot_spdm_cert_chain_decode(32, m.u.certificate.portion, m.u.certificate.portion_len, &chain));
  assert_int_equal(chain.length, 1390);
  assert_int_equal(chain.certs_len, 1354);
  assert_int_equal(chain.certs[0], 0x30); /* DER SEQUENCE */
  free(b);

  b = decode_rsp(&v13, 28, &sz, &m); /* MEASUREMENTS: 8 blocks, record 0x170 */
  assert_int_equal(m.u.measurements.block_count, 8);
  assert_int_equal(m.u.measurements.record_len, 0x170);
  assert_int_equal(m.u.measurements.content_changed, OT_SPDM_MEAS_CONTENT_UNCHANGED);
  ot_reader rec;
  ot_reader_init(&rec, m.u.measurements.record, m.u.measurements.record_len);
  for (unsigned i = 0; i < 8; i++) {
    ot_spdm_meas_block blk;
    assert_ot_ok(ot_spdm_meas_block_next(&rec, &blk));
    assert_int_equal(blk.spec, OT_SPDM_MEAS_SPEC_DMTF);
  }
  assert_int_equal(ot_reader_remaining(&rec), 0);
  free(b);

  ot_spdm_sm_versions v;
  b = decode_req(&v13, 29, &sz, &q); /* KEY_EXCHANGE offers 1.0, 1.1, 1.2 */
  assert_int_equal(q.u.key_exchange.req_session_id, 0xffff);
  assert_int_equal(q.u.key_exchange.session_policy, OT_SPDM_SESSION_POLICY_TERMINATION);
  assert_ot_ok(
      ot_spdm_sm_versions_decode(q.u.key_exchange.opaque, q.u.key_exchange.opaque_len, &v));
  assert_int_equal(v.data_id, OT_SPDM_SM_DATA_ID_SUPPORTED_VERSIONS);
  assert_int_equal(v.count, 3);
  assert_int_equal(v.version[2], OT_SPDM_SM_VERSION_12);
  free(b);

  b = decode_rsp(&v13, 30, &sz, &m); /* KEY_EXCHANGE_RSP selects 1.2, Heart=0xf0 */
  assert_int_equal(m.u.key_exchange_rsp.heartbeat_period, 0xf0);
  assert_null(m.u.key_exchange_rsp.verify_data); /* handshake in the clear */
  assert_ot_ok(
      ot_spdm_sm_versions_decode(m.u.key_exchange_rsp.opaque, m.u.key_exchange_rsp.opaque_len, &v));
  assert_int_equal(v.data_id, OT_SPDM_SM_DATA_ID_VERSION_SELECTION);
  assert_int_equal(v.version[0], OT_SPDM_SM_VERSION_12);
  free(b);
}

static void v12_counts_match(void **state) {
  (void)state;
  list_flow(&v12);
  counts_match(&v12);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(v12_every_message_decodes_and_reencodes),
      cmocka_unit_test(v13_every_message_decodes_and_reencodes),
      cmocka_unit_test(v13_fields_match_the_dump),
      cmocka_unit_test(v12_counts_match),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
