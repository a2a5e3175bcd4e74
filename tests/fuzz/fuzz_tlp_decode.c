/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes the TLP decoder (opentsm/tlp.h) on arbitrary bytes. Properties: a
 * decoded TLP re-encodes; the re-encoding decodes to the same header and
 * payload; its size is what ot_tlp_peek_size announced; a failed decode
 * leaves the output untouched; the view decoders (ot_tlp_view_decode,
 * ot_tlp_decode_header) agree with ot_tlp_decode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/tlp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ot_tlp t;
  memset(&t, 0xA5, sizeof t);
  ot_tlp before = t;
  ot_status st = ot_tlp_decode(data, size, &t);
  /* The view decoder accepts exactly what ot_tlp_decode does, with the same header. */
  ot_tlp_view v;
  ot_status vst = ot_tlp_view_decode(data, size, &v);
  if (vst.code != st.code) abort();
  if (!ot_ok(st)) {
    if (memcmp(&t, &before, sizeof t) != 0) abort();
    return 0;
  }
  if (!ot_tlp_hdr_equal(&v.d.hdr, &t.hdr) || v.d.wire_len != size || v.wire != data ||
      v.d.payload_len != t.payload_len || memcmp(v.d.raw, data, v.d.hdr_len) != 0)
    abort();
  /* The header alone decodes to the same (the IDE receiver decodes only the header). */
  ot_tlp_decoded d;
  if (!ot_ok(ot_tlp_decode_header(data, size, &d)) || !ot_tlp_hdr_equal(&d.hdr, &t.hdr) ||
      d.wire_len != size)
    abort();
  size_t peek = 0;
  if (!ot_ok(ot_tlp_peek_size(data, size, &peek)) || peek != size) abort();
  static uint8_t wire[OT_TLP_MAX_WIRE];
  size_t len = 0;
  if (!ot_ok(ot_tlp_encode(&t, wire, sizeof wire, &len)) || len != size) abort();
  ot_tlp back;
  if (!ot_ok(ot_tlp_decode(wire, len, &back))) abort();
  if (!ot_tlp_hdr_equal(&back.hdr, &t.hdr) || back.payload_len != t.payload_len ||
      back.digest != t.digest)
    abort();
  if (t.payload_len && memcmp(back.payload, t.payload, t.payload_len) != 0) abort();
  /* Only reserved bits may differ between the input and its re-encoding. */
  if (memcmp(wire + ot_tlp_hdr_size(&t.hdr), data + ot_tlp_hdr_size(&t.hdr),
             size - ot_tlp_hdr_size(&t.hdr)) != 0)
    abort();
  return 0;
}
