/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DOE Discovery payloads and the requester-side Discovery walk.
 * PCIe r6.0 §6.30.1.1; SPEC-FACTS §1.3. See opentsm/doe.h.
 */
#include <stdbool.h>

#include "opentsm/cursor.h"
#include "opentsm/doe.h"
#include "opentsm/spec/doe.h"

_Static_assert(OT_DOE_DISCOVERY_PAYLOAD_SIZE == 4u, "Discovery payload is one DW");
_Static_assert(OT_DOE_DISCOVERY_MAX_ENTRIES ==
                   OT_FIELD_GET(OT_DOE_DISC_REQ_INDEX, 0xFFFFFFFFu) + 1u,
               "Index is 8 bits");

/* Reads exactly one DW: a Discovery object has Length 3 (PCIe r6.0 §6.30.1.1). */
static ot_status read_one_dw(const uint8_t *payload, size_t len, uint32_t *dw) {
  ot_reader r;
  OT_ENSURE(payload != NULL || len == 0, OT_E_ARG);
  OT_ENSURE(len == OT_DOE_DISCOVERY_PAYLOAD_SIZE, OT_E_MALFORMED);
  ot_reader_init(&r, payload, len);
  OT_GUARD(ot_read_u32le(&r, dw));
  return ot_reader_finish(&r);
}

/* see doe.h */
void ot_doe_discovery_request_build(uint8_t index, uint8_t version,
                                    uint8_t out[static OT_DOE_DISCOVERY_PAYLOAD_SIZE]) {
  ot_store_u32le(out, OT_FIELD_PREP(OT_DOE_DISC_REQ_INDEX, index) |
                          OT_FIELD_PREP(OT_DOE_DISC_REQ_VERSION, version));
}

/* see doe.h */
ot_status ot_doe_discovery_request_decode(const uint8_t *payload, size_t len, uint8_t *index,
                                          uint8_t *version) {
  uint32_t dw;
  OT_GUARD(read_one_dw(payload, len, &dw));
  /* PCIe r6.0 §6.30.1.1: bits 31:16 are reserved. */
  OT_ENSURE((dw & OT_DOE_DISC_REQ_RSVD) == 0, OT_E_RESERVED);
  uint8_t v = (uint8_t)OT_FIELD_GET(OT_DOE_DISC_REQ_VERSION, dw);
  OT_ENSURE(v <= OT_DOE_DISCOVERY_VERSION_MAX, OT_E_VERSION);
  *index = (uint8_t)OT_FIELD_GET(OT_DOE_DISC_REQ_INDEX, dw);
  *version = v;
  return OT_SUCCESS;
}

/* see doe.h */
void ot_doe_discovery_response_build(const ot_doe_discovery_entry *e,
                                     uint8_t out[static OT_DOE_DISCOVERY_PAYLOAD_SIZE]) {
  ot_store_u32le(out, OT_FIELD_PREP(OT_DOE_DISC_RSP_VENDOR, e->feature.vendor) |
                          OT_FIELD_PREP(OT_DOE_DISC_RSP_TYPE, e->feature.type) |
                          OT_FIELD_PREP(OT_DOE_DISC_RSP_NEXT, e->next_index));
}

/* see doe.h */
ot_status ot_doe_discovery_response_decode(const uint8_t *payload, size_t len,
                                           ot_doe_discovery_entry *out) {
  uint32_t dw;
  OT_GUARD(read_one_dw(payload, len, &dw));
  out->feature.vendor = (uint16_t)OT_FIELD_GET(OT_DOE_DISC_RSP_VENDOR, dw);
  out->feature.type = (uint8_t)OT_FIELD_GET(OT_DOE_DISC_RSP_TYPE, dw);
  out->next_index = (uint8_t)OT_FIELD_GET(OT_DOE_DISC_RSP_NEXT, dw);
  return OT_SUCCESS;
}

/* see doe.h */
ot_status ot_doe_discover(ot_doe_transport *t, uint8_t version, ot_doe_feature *out, size_t cap,
                          size_t *count) {
  bool seen[OT_DOE_DISCOVERY_MAX_ENTRIES] = {false};
  uint8_t index = 0;
  size_t n = 0;
  OT_ENSURE(t != NULL && (out != NULL || cap == 0) && count != NULL, OT_E_ARG);
  do {
    uint8_t req[OT_DOE_DISCOVERY_PAYLOAD_SIZE];
    uint8_t rsp[OT_DOE_DISCOVERY_PAYLOAD_SIZE];
    size_t rsp_len = 0;
    ot_doe_discovery_entry e;
    /* A device whose Next Index points back would keep a naive walk forever. */
    OT_ENSURE(!seen[index], OT_E_MALFORMED);
    seen[index] = true;
    ot_doe_discovery_request_build(index, version, req);
    OT_GUARD(ot_doe_exchange(t, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_DISCOVERY, req, sizeof req, rsp,
                             sizeof rsp, &rsp_len));
    OT_GUARD(ot_doe_discovery_response_decode(rsp, rsp_len, &e));
    /* FFFFh is not a vendor: it is the answer to an index with no entry. */
    OT_ENSURE(e.feature.vendor != OT_DOE_DISC_NO_ENTRY_VENDOR, OT_E_MALFORMED);
    /* PCIe r6.0 §6.30.1.1: Index 0 is always Discovery itself. */
    OT_ENSURE(index != 0 || (e.feature.vendor == OT_DOE_VENDOR_PCISIG &&
                             e.feature.type == OT_DOE_TYPE_DISCOVERY),
              OT_E_MALFORMED);
    OT_ENSURE(n < cap, OT_E_NO_SPACE);
    out[n++] = e.feature;
    index = e.next_index;
  } while (index != 0);
  *count = n;
  return OT_SUCCESS;
}
