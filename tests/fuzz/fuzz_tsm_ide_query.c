/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the TSM's reading of an endpoint's IDE_KM QUERY_RESP (the
 * device and the host relaying it are untrusted): the payload is decoded by
 * the IDE_KM codec, then its register block walked (tsm_parse_ide_query).
 * Checks that a failure leaves the output untouched and a success names a
 * free block the Capability register announces.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/tsm/tsm_internal.h"
#include "opentsm/ide_km.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ot_reader r;
  ot_reader_init(&r, data, size);
  ot_ide_km_query_resp q;
  if (!ot_ok(ot_ide_km_decode_query_resp(&r, &q))) return 0;
  tsm_ep_ide e, before;
  memset(&before, 0x5A, sizeof(before));
  e = before;
  ot_status st = tsm_parse_ide_query(&q, &e);
  if (!ot_ok(st)) {
    if (memcmp(&e, &before, sizeof(e)) != 0 || !ot_is(st, OT_E_MALFORMED)) abort();
    return 0;
  }
  if (e.have_block) {
    uint32_t nsel =
        (e.cap & OT_IDE_CAP_SELECTIVE) ? OT_FIELD_GET(OT_IDE_CAP_SEL_STREAMS, e.cap) + 1u : 0u;
    if (e.free_block >= nsel) abort();
  }
  return 0;
}
