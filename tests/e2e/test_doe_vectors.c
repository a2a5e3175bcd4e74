/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The recorded spdm-emu flows (tests/vectors/spdm-emu/<flow>/flow.pcap) through
 * our pcap reader, object codec, responder and pcap writer: every object
 * parses, re-encodes to the same bytes, our Discovery answers equal the
 * reference responder's, and re-writing the capture gives the file back.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/doe.h"
#include "opentsm/doe_pcap.h"
#include "testsupport.h"

typedef struct flow_counts {
  const char *path;
  size_t total, discovery, spdm, secured;
} flow_counts;

/* Counted from the captures and from their spdm_dump.txt listings (246 lines each). */
static const flow_counts k_flows[] = {
    {"spdm-emu/tsm_v12_p384/flow.pcap", 246, 6, 32, 208},
    {"spdm-emu/tsm_v13_p256/flow.pcap", 246, 6, 32, 208},
};

static ot_status never_called(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                              size_t rsp_cap, size_t *rsp_len) {
  (void)p, (void)req, (void)req_len, (void)rsp, (void)rsp_cap, (void)rsp_len;
  return ot_status_of(OT_E_INTERNAL);
}

static void check_flow(const flow_counts *fc) {
  size_t len;
  uint8_t *file = ts_read_vector(fc->path, &len);
  ot_pcap_reader pr;
  assert_ot_ok(ot_pcap_reader_init(&pr, file, len));
  assert_int_equal(pr.snaplen, OT_PCAP_DEFAULT_SNAPLEN);

  /* A device with the reference responder's table: SPDM and secured SPDM. */
  ot_doe_protocol spdm = {OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, never_called};
  ot_doe_protocol secured = {OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SECURED_SPDM, never_called};
  ot_doe_responder r;
  ot_doe_responder_init(&r);
  assert_ot_ok(ot_doe_responder_add(&r, &spdm));
  assert_ot_ok(ot_doe_responder_add(&r, &secured));

  uint8_t *rewritten = malloc(len);
  uint8_t *obj = malloc(OT_PCAP_DEFAULT_SNAPLEN);
  assert_non_null(rewritten);
  assert_non_null(obj);
  ot_writer w;
  ot_writer_init(&w, rewritten, len);
  assert_ot_ok(ot_pcap_write_file_header(&w, pr.snaplen));

  size_t counts[3] = {0, 0, 0}, total = 0;
  uint8_t our_answer[12];
  size_t our_answer_len = 0;
  bool done = false;
  while (true) {
    ot_pcap_record rec;
    assert_ot_ok(ot_pcap_reader_next(&pr, &rec, &done));
    if (done) break;
    total++;
    assert_int_equal(rec.hdr.vendor, OT_DOE_VENDOR_PCISIG);
    assert_in_range(rec.hdr.type, 0, 2);
    counts[rec.hdr.type]++;

    /* Decode, then encode the decoded payload: the same bytes. */
    ot_doe_header h;
    const uint8_t *payload;
    size_t plen, elen;
    assert_ot_ok(ot_doe_object_decode(rec.obj, rec.len, &h, &payload, &plen));
    assert_ot_ok(
        ot_doe_object_encode(h.vendor, h.type, payload, plen, obj, OT_PCAP_DEFAULT_SNAPLEN, &elen));
    assert_int_equal(elen, rec.len);
    assert_memory_equal(obj, rec.obj, rec.len);

    /* Records alternate request, response; Discovery comes first. */
    if (rec.hdr.type == OT_DOE_TYPE_DISCOVERY) {
      if (total % 2 == 1) {
        uint8_t index, version;
        assert_ot_ok(ot_doe_discovery_request_decode(payload, plen, &index, &version));
        assert_int_equal(index, total / 2);
        assert_int_equal(version, 0);
        assert_ot_ok(ot_doe_responder_handle(&r, rec.obj, rec.len, our_answer, sizeof our_answer,
                                             &our_answer_len));
      } else {
        /* Our responder answers exactly as the reference one did. */
        assert_int_equal(our_answer_len, rec.len);
        assert_memory_equal(our_answer, rec.obj, rec.len);
      }
    }
    assert_ot_ok(ot_pcap_write_record(&w, pr.snaplen, rec.ts_sec, rec.ts_usec, rec.obj, rec.len));
  }
  assert_int_equal(total, fc->total);
  assert_int_equal(counts[0], fc->discovery);
  assert_int_equal(counts[1], fc->spdm);
  assert_int_equal(counts[2], fc->secured);

  /* Written back, the capture is the file byte for byte. */
  assert_int_equal(ot_writer_len(&w), len);
  assert_memory_equal(rewritten, file, len);
  free(obj);
  free(rewritten);
  free(file);
}

static void test_flow_v12_p384(void **state) {
  (void)state;
  check_flow(&k_flows[0]);
}

static void test_flow_v13_p256(void **state) {
  (void)state;
  check_flow(&k_flows[1]);
}

static void test_truncated_flow_is_refused(void **state) {
  (void)state;
  size_t len;
  uint8_t *file = ts_read_vector(k_flows[0].path, &len);
  ot_pcap_reader pr;
  assert_ot_ok(ot_pcap_reader_init(&pr, file, len - 1));
  ot_pcap_record rec;
  bool done = false;
  ot_status st = OT_SUCCESS;
  size_t n = 0;
  while (!done && ot_ok(st = ot_pcap_reader_next(&pr, &rec, &done))) n += !done;
  assert_ot_code(st, OT_E_TRUNCATED);
  assert_int_equal(n, k_flows[0].total - 1);
  free(file);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flow_v12_p384),
      cmocka_unit_test(test_flow_v13_p256),
      cmocka_unit_test(test_truncated_flow_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
