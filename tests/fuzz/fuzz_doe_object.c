/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes everything that parses a DOE object from a peer: the header and
 * object decoders, the Discovery request decoder and the responder. Checks:
 * a decoded object re-encodes to the same bytes; a response is itself a valid
 * object; a failure leaves *rsp_len at 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/doe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ot_status echo(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                      size_t rsp_cap, size_t *rsp_len) {
  (void)p;
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  if (req_len) memcpy(rsp, req, req_len);
  *rsp_len = req_len;
  return OT_SUCCESS;
}

static uint8_t g_out[8 + 65536];
static uint8_t g_rsp[8 + 65536];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0;
  ot_doe_header h;
  const uint8_t *payload;
  size_t plen;
  if (ot_ok(ot_doe_object_decode(data, size, &h, &payload, &plen))) {
    if (h.length_dw * 4u != size || plen != size - 8u || (plen & 3u) != 0) abort();
    size_t len;
    if (!ot_ok(ot_doe_object_encode(h.vendor, h.type, payload, plen, g_out, sizeof g_out, &len)))
      abort();
    if (len != size || memcmp(g_out, data, size) != 0) abort();
    uint8_t index, version;
    if (h.vendor == 1 && h.type == 0 &&
        ot_ok(ot_doe_discovery_request_decode(payload, plen, &index, &version)) &&
        (plen != 4 || version > OT_DOE_DISCOVERY_VERSION_MAX))
      abort();
  }

  ot_doe_protocol spdm = {OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, echo};
  ot_doe_responder r;
  ot_doe_responder_init(&r);
  if (!ot_ok(ot_doe_responder_add(&r, &spdm))) abort();
  size_t rsp_len = 12345;
  ot_status st = ot_doe_responder_handle(&r, data, size, g_rsp, sizeof g_rsp, &rsp_len);
  if (!ot_ok(st)) {
    if (rsp_len != 0) abort();
    return 0;
  }
  ot_doe_header rh;
  if (!ot_ok(ot_doe_header_decode(g_rsp, rsp_len, &rh))) abort();
  if (rh.vendor != h.vendor || rh.type != h.type) abort();
  return 0;
}
