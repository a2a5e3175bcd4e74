/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes the pcap reader. Checks: every record returned is one valid DOE
 * object inside the input; a capture that reads to its end re-writes, record
 * by record, to exactly the input when it was little-endian; a failure is
 * sticky and never moves the reader.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/doe_pcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t g_out[1 << 17];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > sizeof g_out) return 0;
  ot_pcap_reader pr;
  if (!ot_ok(ot_pcap_reader_init(&pr, data, size))) return 0;
  /* The reader takes snaplens the writer never writes (spdm_dump's limit). */
  if (pr.snaplen > OT_PCAP_MAX_SNAPLEN) return 0;
  ot_writer w;
  ot_writer_init(&w, g_out, sizeof g_out);
  if (!ot_ok(ot_pcap_write_file_header(&w, pr.snaplen))) abort();
  bool done = false;
  for (;;) {
    ot_pcap_record rec;
    size_t at = ot_reader_offset(&pr.r);
    ot_status st = ot_pcap_reader_next(&pr, &rec, &done);
    if (!ot_ok(st)) {
      if (ot_reader_offset(&pr.r) != at) abort();
      if (ot_pcap_reader_next(&pr, &rec, &done).code != st.code) abort();
      return 0;
    }
    if (done) break;
    if (rec.obj < data || rec.obj + rec.len > data + size || rec.len > pr.snaplen) abort();
    ot_doe_header h;
    if (!ot_ok(ot_doe_header_decode(rec.obj, rec.len, &h))) abort();
    if (!ot_ok(ot_pcap_write_record(&w, pr.snaplen, rec.ts_sec, rec.ts_usec, rec.obj, rec.len)))
      abort();
  }
  bool same_header_fields = pr.thiszone == 0 && pr.sigfigs == 0;
  if (!pr.big_endian && same_header_fields &&
      (ot_writer_len(&w) != size || memcmp(g_out, data, size) != 0))
    abort();
  return 0;
}
