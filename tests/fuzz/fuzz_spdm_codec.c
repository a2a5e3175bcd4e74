/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzer for the SPDM codec (opentsm/spdm_codec.h). The first input byte selects
 * the decoder and the negotiated sizes; the rest is the untrusted input:
 *   bits 1:0  0 any request, 1 any response (decoded by code), 2 secured-message
 *             version opaque data, 3 SPDM certificate chain
 *   bits 4:2  SPDMVersion: 0 as bit 5 says, 1 1.0, 2 1.1, 3 1.4 (the opaque
 *             data of 1.1 has its own table header), 4-7 as 0
 *   bit 5     1.3 / P-256 sizes (multi-key DIGESTS) instead of 1.2 / P-384
 *   bit 6     MeasurementSummaryHash, MEASUREMENTS and ENDPOINT_INFO signature present
 *   bit 7     handshake in the clear
 * Properties: nothing crashes; whatever decodes re-encodes to bytes that decode
 * again and re-encode to the same bytes; a decoded request or response is
 * exactly as long as the length finder says (a CHUNK_SEND_ACK whose embedded
 * response is followed by 1-3 stray bytes reads as padded: up to 3 shorter).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/spdm_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out1[70000], out2[70000];

static ot_spdm_sizes sizes_for(uint8_t sel) {
  bool v13 = sel & 0x20;
  ot_spdm_sizes s = {.version = v13 ? OT_SPDM_VERSION_13 : OT_SPDM_VERSION_12,
                     .hash_len = v13 ? 32 : 48,
                     .sig_len = v13 ? 64 : 96,
                     .req_sig_len = v13 ? 64 : 96,
                     .dhe_len = v13 ? 64 : 96,
                     .meas_summary_hash = sel & 0x40,
                     .meas_signature = sel & 0x40,
                     .ep_info_signature = sel & 0x40,
                     .handshake_in_clear = sel & 0x80,
                     .multi_key_conn = v13};
  static const uint8_t override[8] = {0, OT_SPDM_VERSION_10, OT_SPDM_VERSION_11,
                                      OT_SPDM_VERSION_14};
  if (override[(sel >> 2) & 7]) s.version = override[(sel >> 2) & 7];
  return s;
}

/* decode -> encode (y) -> decode -> encode (z): y == z. */
static void message(const ot_spdm_sizes *sz, bool request, const uint8_t *in, size_t n) {
  ot_reader r;
  ot_writer w;
  ot_spdm_request q;
  ot_spdm_response p;
  ot_reader_init(&r, in, n);
  ot_status st = request ? ot_spdm_decode_request(sz, &r, &q) : ot_spdm_decode_response(sz, &r, &p);
  size_t exact;
  ot_status lst = ot_spdm_message_length(sz, in, n, &exact);
  if (!ot_ok(st)) return;
  if (!ot_ok(lst) || exact > n) abort(); /* a whole message always has a length */
  ot_writer_init(&w, out1, sizeof out1);
  st = request ? ot_spdm_encode_request(sz, &w, &q) : ot_spdm_encode_response(sz, &w, &p);
  if (!ot_ok(st)) abort();
  size_t y = ot_writer_len(&w);
  ot_reader_init(&r, out1, y);
  st = request ? ot_spdm_decode_request(sz, &r, &q) : ot_spdm_decode_response(sz, &r, &p);
  if (!ot_ok(st)) abort();
  ot_writer_init(&w, out2, sizeof out2);
  st = request ? ot_spdm_encode_request(sz, &w, &q) : ot_spdm_encode_response(sz, &w, &p);
  if (!ot_ok(st) || ot_writer_len(&w) != y || memcmp(out1, out2, y) != 0) abort();
  if (!ot_ok(ot_spdm_message_length(sz, out1, y, &exact)) || exact > y) abort();
  if (exact != y && (out1[1] != OT_SPDM_CHUNK_SEND_ACK || y - exact > 3)) abort();
}

static void opaque(uint8_t version, const uint8_t *in, size_t n) {
  ot_spdm_sm_versions v, v2;
  ot_writer w;
  if (!ot_ok(ot_spdm_sm_versions_decode_v(version, in, n, &v))) return;
  ot_writer_init(&w, out1, sizeof out1);
  if (!ot_ok(ot_spdm_sm_versions_encode_v(version, &w, &v))) abort();
  if (!ot_ok(ot_spdm_sm_versions_decode_v(version, out1, ot_writer_len(&w), &v2))) abort();
  if (v.data_id != v2.data_id || v.count != v2.count ||
      memcmp(v.version, v2.version, sizeof v.version) != 0)
    abort();
}

static void chain(const ot_spdm_sizes *sz, const uint8_t *in, size_t n) {
  ot_spdm_cert_chain c, c2;
  ot_writer w;
  if (!ot_ok(ot_spdm_cert_chain_decode(sz->hash_len, in, n, &c))) return;
  ot_writer_init(&w, out1, sizeof out1);
  if (!ot_ok(ot_spdm_cert_chain_encode(sz->hash_len, &w, &c))) abort();
  if (!ot_ok(ot_spdm_cert_chain_decode(sz->hash_len, out1, ot_writer_len(&w), &c2))) abort();
  if (c2.length != c.length || c2.certs_len != c.certs_len) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  ot_spdm_sizes sz = sizes_for(data[0]);
  const uint8_t *in = data + 1;
  size_t n = size - 1;
  switch (data[0] & 0x03) {
  case 0: message(&sz, true, in, n); break;
  case 1: message(&sz, false, in, n); break;
  case 2: opaque(sz.version, in, n); break;
  default: chain(&sz, in, n); break;
  }
  return 0;
}
