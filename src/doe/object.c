/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DOE data objects: header decode and validation, object encode with DW
 * padding. PCIe r6.0 §6.30.1 (Figure 6-46, Table 6-29); see opentsm/doe.h.
 */
#include "opentsm/cursor.h"
#include "opentsm/doe.h"
#include "opentsm/spec/doe.h"

_Static_assert(OT_DOE_HEADER_SIZE == OT_DOE_HDR_DWS * 4u, "header is 2 DW");
_Static_assert(OT_DOE_MAX_OBJECT_DW == OT_DOE_LENGTH_MAX_DW, "one maximum");

/* see doe.h */
ot_status ot_doe_header_peek(const uint8_t hdr[static OT_DOE_HEADER_SIZE], ot_doe_header *out) {
  ot_reader r;
  uint32_t dw0, dw1;
  ot_reader_init(&r, hdr, OT_DOE_HEADER_SIZE);
  OT_GUARD(ot_read_u32le(&r, &dw0));
  OT_GUARD(ot_read_u32le(&r, &dw1));
  /* PCIe r6.0 §6.30.1: reserved bits; libspdm also rejects them on receive. */
  OT_ENSURE((dw0 & OT_DOE_HDR0_RSVD) == 0 && (dw1 & OT_DOE_HDR1_RSVD) == 0, OT_E_RESERVED);
  uint32_t length = OT_FIELD_GET(OT_DOE_HDR1_LENGTH, dw1);
  /* PCIe r6.0 Table 6-29: Length 00000h means 2^18 DW. */
  if (length == 0) length = OT_DOE_LENGTH_MAX_DW;
  /* A header alone is 2 DW; Linux doe.c also rejects Length < 2. */
  OT_ENSURE(length >= OT_DOE_HDR_DWS, OT_E_MALFORMED);
  out->vendor = (uint16_t)OT_FIELD_GET(OT_DOE_HDR0_VENDOR, dw0);
  out->type = (uint8_t)OT_FIELD_GET(OT_DOE_HDR0_TYPE, dw0);
  out->length_dw = length;
  return OT_SUCCESS;
}

/* see doe.h */
ot_status ot_doe_header_decode(const uint8_t *obj, size_t len, ot_doe_header *out) {
  ot_doe_header h;
  OT_ENSURE(obj != NULL || len == 0, OT_E_ARG);
  OT_ENSURE(len >= OT_DOE_HEADER_SIZE, OT_E_TRUNCATED);
  OT_GUARD(ot_doe_header_peek(obj, &h));
  /* PCIe r6.0 §6.30.1: the number of DW transferred must match Length. */
  size_t want = (size_t)h.length_dw * 4u;
  OT_ENSURE(len >= want, OT_E_TRUNCATED);
  OT_ENSURE(len == want, OT_E_TRAILING);
  *out = h;
  return OT_SUCCESS;
}

/* see doe.h */
ot_status ot_doe_object_decode(const uint8_t *obj, size_t len, ot_doe_header *hdr,
                               const uint8_t **payload, size_t *payload_len) {
  ot_doe_header h;
  ot_reader r;
  const uint8_t *p;
  OT_GUARD(ot_doe_header_decode(obj, len, &h));
  ot_reader_init(&r, obj, len);
  OT_GUARD(ot_read_skip(&r, OT_DOE_HEADER_SIZE));
  size_t n = ot_reader_remaining(&r);
  OT_GUARD(ot_read_borrow(&r, n, &p));
  OT_GUARD(ot_reader_finish(&r));
  *hdr = h;
  *payload = p;
  *payload_len = n;
  return OT_SUCCESS;
}

/* see doe.h */
ot_status ot_doe_header_build(uint16_t vendor, uint8_t type, size_t payload_len,
                              uint8_t out[static OT_DOE_HEADER_SIZE], size_t *obj_len) {
  OT_ENSURE(payload_len <= OT_DOE_MAX_OBJECT_BYTES - OT_DOE_HEADER_SIZE, OT_E_TOO_LARGE);
  size_t padded = (payload_len + 3u) & ~(size_t)3u;
  size_t total = OT_DOE_HEADER_SIZE + padded;
  OT_ENSURE(total <= OT_DOE_MAX_OBJECT_BYTES, OT_E_TOO_LARGE);
  uint32_t length_dw = (uint32_t)(total / 4u);
  /* PCIe r6.0 Table 6-29: 2^18 DW is encoded as 0. */
  uint32_t length_field = length_dw == OT_DOE_LENGTH_MAX_DW ? 0u : length_dw;
  ot_writer w;
  ot_writer_init(&w, out, OT_DOE_HEADER_SIZE);
  OT_GUARD(ot_write_u32le(
      &w, OT_FIELD_PREP(OT_DOE_HDR0_VENDOR, vendor) | OT_FIELD_PREP(OT_DOE_HDR0_TYPE, type)));
  OT_GUARD(ot_write_u32le(&w, OT_FIELD_PREP(OT_DOE_HDR1_LENGTH, length_field)));
  *obj_len = total;
  return OT_SUCCESS;
}

/* see doe.h */
ot_status ot_doe_object_encode(uint16_t vendor, uint8_t type, const uint8_t *payload,
                               size_t payload_len, uint8_t *out, size_t cap, size_t *out_len) {
  uint8_t head[OT_DOE_HEADER_SIZE];
  size_t total;
  OT_ENSURE(payload != NULL || payload_len == 0, OT_E_ARG);
  OT_ENSURE(out != NULL || cap == 0, OT_E_ARG);
  OT_GUARD(ot_doe_header_build(vendor, type, payload_len, head, &total));
  OT_ENSURE(total <= cap, OT_E_NO_SPACE);
  ot_writer w;
  ot_writer_init(&w, out, cap);
  OT_GUARD(ot_write_bytes(&w, head, sizeof head));
  /* ot_write_bytes moves with memmove, so a payload already at out + 8 is fine. */
  OT_GUARD(ot_write_bytes(&w, payload, payload_len));
  /* PCIe r6.0 §6.30.1 and libspdm's PCI DOE transport: pad with zero bytes. */
  OT_GUARD(ot_write_zeros(&w, total - OT_DOE_HEADER_SIZE - payload_len));
  *out_len = ot_writer_len(&w);
  return OT_SUCCESS;
}
