/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPDM over PCI DOE (PCIe r6.0 §6.31 "Component Measurement and Authentication",
 * DSP0277 over DOE; SPEC-FACTS §1.2, §3.1): plain SPDM messages are data objects
 * of type 1, DSP0277 records of type 2, vendor 0x0001 both. The requester side
 * sends through an ot_doe_transport; the responder side is a pair of
 * ot_doe_protocol entries for an ot_doe_responder.
 */
#include <string.h>

#include "opentsm/secure.h"
#include "requester_internal.h"

ot_status ot_spdm_doe_send_plain(ot_doe_transport *t, const uint8_t *req, size_t len, uint8_t *rsp,
                                 size_t cap, size_t *rsp_len) {
  return ot_doe_exchange(t, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, req, len, rsp, cap, rsp_len);
}

ot_status ot_spdm_doe_send_secured(ot_doe_transport *t, ot_spdm_session *s, const uint8_t *req,
                                   size_t len, uint8_t *rsp, size_t cap, size_t *rsp_len) {
  uint8_t rec[OT_SPDM_LARGE_MAX + OT_SPDM_SECURED_OVERHEAD + 64];
  size_t rec_len, n;
  ot_status st;
  OT_GUARD(ot_spdm_secured_encode(s, req, len, rec, sizeof(rec), &rec_len));
  OT_GUARD_GOTO(st,
                ot_doe_exchange(t, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SECURED_SPDM, rec, rec_len,
                                rec, sizeof(rec), &n),
                out);
  st = ot_spdm_secured_decode(s, rec, n, rsp, cap, rsp_len);
out:
  ot_zeroize(rec, sizeof(rec));
  return st;
}

static ot_status handle_plain(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                              size_t rsp_cap, size_t *rsp_len) {
  ot_spdm_doe_protocol *sp = (ot_spdm_doe_protocol *)p;
  return ot_spdm_responder_handle(sp->rsp, req, req_len, rsp, rsp_cap, rsp_len);
}

static ot_status handle_secured(ot_doe_protocol *p, const uint8_t *req, size_t req_len,
                                uint8_t *rsp, size_t rsp_cap, size_t *rsp_len) {
  ot_spdm_doe_protocol *sp = (ot_spdm_doe_protocol *)p;
  bool secured = false;
  OT_GUARD(
      ot_spdm_responder_handle_secured(sp->rsp, req, req_len, rsp, rsp_cap, rsp_len, &secured));
  /* A plain DecryptError cannot be a type-2 object: no response. */
  if (!secured) {
    *rsp_len = 0;
    OT_BAIL(OT_E_DECRYPT);
  }
  return OT_SUCCESS;
}

void ot_spdm_doe_binding_init(ot_spdm_doe_binding *b, ot_spdm_responder *rsp) {
  b->plain = (ot_spdm_doe_protocol){
      .base = {.vendor = OT_DOE_VENDOR_PCISIG, .type = OT_DOE_TYPE_SPDM, .handle = handle_plain},
      .rsp = rsp};
  b->secured = (ot_spdm_doe_protocol){.base = {.vendor = OT_DOE_VENDOR_PCISIG,
                                               .type = OT_DOE_TYPE_SECURED_SPDM,
                                               .handle = handle_secured},
                                      .rsp = rsp};
}

static ot_status loopback_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                   const uint8_t *req, size_t req_len, uint8_t *rsp, size_t rsp_cap,
                                   size_t *rsp_len) {
  ot_spdm_doe_loopback *l = (ot_spdm_doe_loopback *)t;
  size_t obj_len, out_len;
  ot_doe_header h;
  const uint8_t *payload;
  size_t payload_len;
  OT_GUARD(ot_doe_object_encode(vendor, type, req, req_len, l->obj, sizeof(l->obj), &obj_len));
  OT_GUARD(ot_doe_responder_handle(l->device, l->obj, obj_len, l->rsp_obj, sizeof(l->rsp_obj),
                                   &out_len));
  OT_GUARD(ot_doe_object_decode(l->rsp_obj, out_len, &h, &payload, &payload_len));
  OT_ENSURE(h.vendor == vendor && h.type == type, OT_E_UNEXPECTED);
  OT_ENSURE(payload_len <= rsp_cap, OT_E_NO_SPACE);
  memcpy(rsp, payload, payload_len);
  *rsp_len = payload_len;
  l->exchanges++;
  return OT_SUCCESS;
}

void ot_spdm_doe_loopback_init(ot_spdm_doe_loopback *l, ot_doe_responder *device) {
  memset(l, 0, sizeof(*l));
  l->base.exchange = loopback_exchange;
  l->device = device;
}
