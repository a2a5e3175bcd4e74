/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device side of DOE: a table of protocols, Discovery answered from it,
 * every other object dispatched to its protocol's handler.
 * PCIe r6.0 §6.30.1, §6.30.1.1. See opentsm/doe.h.
 */
#include <string.h>

#include "opentsm/doe.h"
#include "opentsm/spec/doe.h"

/* Discovery's Index is 8 bits; the table plus Discovery itself must fit. */
_Static_assert(OT_DOE_MAX_PROTOCOLS + 1u <= OT_DOE_DISCOVERY_MAX_ENTRIES, "table fits Index");

static bool is_discovery(uint16_t vendor, uint8_t type) {
  return vendor == OT_DOE_VENDOR_PCISIG && type == OT_DOE_TYPE_DISCOVERY;
}

/* see doe.h */
void ot_doe_responder_init(ot_doe_responder *r) { memset(r, 0, sizeof *r); }

/* see doe.h */
ot_status ot_doe_responder_add(ot_doe_responder *r, ot_doe_protocol *p) {
  OT_ENSURE(r != NULL && p != NULL && p->handle != NULL, OT_E_ARG);
  OT_ENSURE(!is_discovery(p->vendor, p->type), OT_E_EXISTS);
  for (size_t i = 0; i < r->count; i++)
    OT_ENSURE(r->protocols[i]->vendor != p->vendor || r->protocols[i]->type != p->type,
              OT_E_EXISTS);
  OT_ENSURE(r->count < OT_DOE_MAX_PROTOCOLS, OT_E_NO_SPACE);
  r->protocols[r->count++] = p;
  return OT_SUCCESS;
}

/*
 * The Discovery entry at `index`: 0 is Discovery itself, i > 0 is
 * protocols[i - 1]. Past the end: FFFFh/FFh as QEMU answers, Next Index 0.
 */
static ot_doe_discovery_entry discovery_entry(const ot_doe_responder *r, uint8_t index) {
  size_t entries = r->count + 1u;
  ot_doe_discovery_entry e;
  if (index >= entries) {
    e.feature.vendor = OT_DOE_DISC_NO_ENTRY_VENDOR;
    e.feature.type = OT_DOE_DISC_NO_ENTRY_TYPE;
    e.next_index = 0;
    return e;
  }
  if (index == 0) {
    e.feature.vendor = OT_DOE_VENDOR_PCISIG;
    e.feature.type = OT_DOE_TYPE_DISCOVERY;
  } else {
    e.feature.vendor = r->protocols[index - 1u]->vendor;
    e.feature.type = r->protocols[index - 1u]->type;
  }
  /* PCIe r6.0 §6.30.1.1: Next Index 0 marks the last entry. */
  e.next_index = (size_t)index + 1u < entries ? (uint8_t)(index + 1u) : 0u;
  return e;
}

static ot_status answer_discovery(const ot_doe_responder *r, const uint8_t *req, size_t req_len,
                                  uint8_t *rsp_obj, size_t rsp_cap, size_t *rsp_len) {
  uint8_t index, version;
  uint8_t payload[OT_DOE_DISCOVERY_PAYLOAD_SIZE];
  OT_GUARD(ot_doe_discovery_request_decode(req, req_len, &index, &version));
  ot_doe_discovery_entry e = discovery_entry(r, index);
  ot_doe_discovery_response_build(&e, payload);
  return ot_doe_object_encode(OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_DISCOVERY, payload, sizeof payload,
                              rsp_obj, rsp_cap, rsp_len);
}

static ot_doe_protocol *find_protocol(const ot_doe_responder *r, uint16_t vendor, uint8_t type) {
  for (size_t i = 0; i < r->count; i++)
    if (r->protocols[i]->vendor == vendor && r->protocols[i]->type == type) return r->protocols[i];
  return NULL;
}

static ot_status dispatch(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp_obj,
                          size_t rsp_cap, size_t *rsp_len) {
  size_t limit = rsp_cap < OT_DOE_MAX_OBJECT_BYTES ? rsp_cap : OT_DOE_MAX_OBJECT_BYTES;
  OT_ENSURE(limit >= OT_DOE_HEADER_SIZE, OT_E_NO_SPACE);
  /* Whole DW only, so that the padding always fits behind what the handler writes. */
  size_t room = (limit - OT_DOE_HEADER_SIZE) & ~(size_t)3u;
  size_t n = 0;
  OT_GUARD(p->handle(p, req, req_len, rsp_obj + OT_DOE_HEADER_SIZE, room, &n));
  OT_ENSURE(n <= room, OT_E_INTERNAL); /* a handler that overran its buffer */
  /* Builds the header in front of the payload already in place. */
  return ot_doe_object_encode(p->vendor, p->type, rsp_obj + OT_DOE_HEADER_SIZE, n, rsp_obj, rsp_cap,
                              rsp_len);
}

/* see doe.h */
ot_status ot_doe_responder_handle(ot_doe_responder *r, const uint8_t *req_obj, size_t req_len,
                                  uint8_t *rsp_obj, size_t rsp_cap, size_t *rsp_len) {
  ot_doe_header h;
  const uint8_t *payload;
  size_t payload_len;
  ot_status st;
  OT_ENSURE(r != NULL && rsp_len != NULL && (rsp_obj != NULL || rsp_cap == 0), OT_E_ARG);
  *rsp_len = 0;
  OT_GUARD(ot_doe_object_decode(req_obj, req_len, &h, &payload, &payload_len));
  if (r->observe) r->observe(r->observe_ctx, false, req_obj, req_len);
  size_t len = 0;
  if (is_discovery(h.vendor, h.type)) {
    st = answer_discovery(r, payload, payload_len, rsp_obj, rsp_cap, &len);
  } else {
    ot_doe_protocol *p = find_protocol(r, h.vendor, h.type);
    /* PCIe r6.0 §6.30.1: an object of an unsupported type gets no response. */
    OT_ENSURE(p != NULL, OT_E_UNSUPPORTED);
    st = dispatch(p, payload, payload_len, rsp_obj, rsp_cap, &len);
  }
  OT_GUARD(st);
  if (r->observe) r->observe(r->observe_ctx, true, rsp_obj, len);
  *rsp_len = len;
  return OT_SUCCESS;
}
