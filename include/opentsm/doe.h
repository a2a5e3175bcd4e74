/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PCIe Data Object Exchange (PCIe r6.0 §6.30): data objects, the transport
 * interface every DOE user talks through, and the device-side protocol table.
 * @layer doe
 *
 * Three roles meet here:
 *  - data objects: a 2-DW header (vendor, type, length in DW including the
 *    header, 0 meaning 2^18) and a payload zero-padded to a whole DW;
 *  - ot_doe_transport: "send this payload as (vendor, type), give me the
 *    response payload". The host mailbox driver (register level, over an
 *    in-process or sysfs config space) and the spdm-emu socket client both
 *    implement it, so a protocol requester never knows which one it uses;
 *  - ot_doe_responder: the device's table of protocols. It answers DOE
 *    Discovery itself and dispatches the others; the mailbox device model and
 *    the socket server both feed whole objects into it.
 */
#ifndef OPENTSM_DOE_H
#define OPENTSM_DOE_H

#include <stddef.h>
#include <stdint.h>

#include "opentsm/status.h"

/* PCIe r6.0 §6.30.1, SPEC-FACTS §1.2 */
#define OT_DOE_VENDOR_PCISIG 0x0001u
#define OT_DOE_TYPE_DISCOVERY 0x00u
#define OT_DOE_TYPE_SPDM 0x01u         /* CMA/SPDM */
#define OT_DOE_TYPE_SECURED_SPDM 0x02u /* secured CMA/SPDM (DSP0277 record) */

#define OT_DOE_HEADER_SIZE 8u
#define OT_DOE_MAX_OBJECT_DW (UINT32_C(1) << 18) /* encoded as Length 0 */
#define OT_DOE_MAX_OBJECT_BYTES (OT_DOE_MAX_OBJECT_DW * 4u)

/* A decoded data object header. */
typedef struct ot_doe_header {
  uint16_t vendor;
  uint8_t type;
  uint32_t length_dw; /* 2..2^18, header included; wire value 0 decodes to 2^18 */
} ot_doe_header;

/*
 * Decodes and validates the header of the object obj[0..len): reserved bits
 * zero (OT_E_RESERVED), length >= 2 DW (OT_E_MALFORMED), and length * 4 == len
 * exactly (OT_E_MALFORMED / OT_E_TRUNCATED).
 */
OT_RESULT ot_doe_header_decode(const uint8_t *obj, size_t len, ot_doe_header *out);

/*
 * Decodes a whole object: header as above, then *payload points into obj at the
 * (padded) payload and *payload_len is its length, a multiple of 4.
 */
OT_RESULT ot_doe_object_decode(const uint8_t *obj, size_t len, ot_doe_header *hdr,
                               const uint8_t **payload, size_t *payload_len);

/*
 * Encodes header + payload into out[0..cap), zero-padding the payload to a whole
 * DW. OT_E_TOO_LARGE if the object would exceed 2^18 DW, OT_E_NO_SPACE if cap
 * is too small. *out_len is the object size (a multiple of 4).
 */
OT_RESULT ot_doe_object_encode(uint16_t vendor, uint8_t type, const uint8_t *payload,
                               size_t payload_len, uint8_t *out, size_t cap, size_t *out_len);

/* ---- transport (requester side) ------------------------------------------- */

typedef struct ot_doe_transport ot_doe_transport;

/*
 * An implementation embeds ot_doe_transport as its first member.
 * exchange(): sends req[0..req_len) as one object of (vendor, type) and receives
 * the response payload into rsp[0..rsp_cap), *rsp_len its length (padded to a
 * DW: the protocol above recovers its exact length from its own fields).
 */
struct ot_doe_transport {
  ot_status (*exchange)(ot_doe_transport *t, uint16_t vendor, uint8_t type, const uint8_t *req,
                        size_t req_len, uint8_t *rsp, size_t rsp_cap, size_t *rsp_len);
};

static inline OT_RESULT ot_doe_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                        const uint8_t *req, size_t req_len, uint8_t *rsp,
                                        size_t rsp_cap, size_t *rsp_len) {
  return t->exchange(t, vendor, type, req, req_len, rsp, rsp_cap, rsp_len);
}

/* ---- responder (device side) ---------------------------------------------- */

typedef struct ot_doe_protocol ot_doe_protocol;

/*
 * One protocol a device serves. An implementation embeds ot_doe_protocol as
 * its first member. handle() turns a request payload into a response payload
 * (without DOE header); a failure means "no response" and the mailbox reports
 * an error.
 */
struct ot_doe_protocol {
  uint16_t vendor;
  uint8_t type;
  ot_status (*handle)(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                      size_t rsp_cap, size_t *rsp_len);
};

#define OT_DOE_MAX_PROTOCOLS 8u

/* The device's protocol table; index 0 of Discovery is always Discovery itself. */
typedef struct ot_doe_responder {
  ot_doe_protocol *protocols[OT_DOE_MAX_PROTOCOLS];
  size_t count;
} ot_doe_responder;

void ot_doe_responder_init(ot_doe_responder *r);
/* Adds a protocol (not owned). OT_E_EXISTS for a duplicate (vendor, type). */
OT_RESULT ot_doe_responder_add(ot_doe_responder *r, ot_doe_protocol *p);

/*
 * Handles one whole request object and writes one whole response object.
 * Discovery (vendor 0x0001, type 0) is answered from the table. A malformed
 * object, an unknown protocol or a failed handler returns an error and writes
 * nothing the caller may use.
 */
OT_RESULT ot_doe_responder_handle(ot_doe_responder *r, const uint8_t *req_obj, size_t req_len,
                                  uint8_t *rsp_obj, size_t rsp_cap, size_t *rsp_len);

#endif /* OPENTSM_DOE_H */
