/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzer for the device interface report parser (ot_tdisp_report_parse), the
 * input a TSM receives from the device. Properties: nothing crashes; a report
 * that parses has ranges that each read back, rebuilds from its parsed fields
 * to exactly the input bytes (so no field is dropped or invented), and passes
 * the TSM's check against its own ranges; one byte less never parses.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/tdisp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ot_tdisp_report rep;
  if (!ot_ok(ot_tdisp_report_parse(data, size, &rep))) return 0;
  static ot_tdisp_mmio_range ranges[OT_TDISP_MAX_MMIO_RANGES];
  if (rep.mmio_count > OT_TDISP_MAX_MMIO_RANGES) abort();
  for (uint32_t i = 0; i < rep.mmio_count; i++)
    if (!ot_ok(ot_tdisp_report_range(&rep, i, &ranges[i]))) abort();
  static uint8_t out[OT_TDISP_REPORT_MAX];
  ot_writer w;
  ot_writer_init(&w, out, sizeof out);
  if (!ot_ok(ot_tdisp_report_build(&w, &rep, ranges))) abort();
  /* Bytes 2-3 are reserved: written as zero, ignored on receive. */
  if (ot_writer_len(&w) != size || memcmp(out, data, 2) != 0 ||
      memcmp(out + 4, data + 4, size - 4) != 0)
    abort();
  ot_tdisp_expect exp = {.mmio = ranges, .mmio_count = rep.mmio_count};
  if (!ot_ok(ot_tdisp_report_check(&rep, &exp))) abort();
  ot_tdisp_report shorter;
  if (ot_ok(ot_tdisp_report_parse(data, size - 1, &shorter))) abort();
  return 0;
}
