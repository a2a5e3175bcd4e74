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
 * Decodes the 8 header bytes alone, for readers that must learn the object's
 * length before the rest of it arrives (socket, mailbox). Checks reserved bits
 * zero (OT_E_RESERVED) and Length >= 2 DW (OT_E_MALFORMED); *out is written
 * only on success. PCIe r6.0 §6.30.1.
 */
OT_RESULT ot_doe_header_peek(const uint8_t hdr[static OT_DOE_HEADER_SIZE], ot_doe_header *out);

/*
 * Decodes and validates the header of the object obj[0..len): as
 * ot_doe_header_peek(), then length * 4 == len exactly: OT_E_TRUNCATED if the
 * object is shorter than its Length (or shorter than a header), OT_E_TRAILING
 * if bytes follow it.
 */
OT_RESULT ot_doe_header_decode(const uint8_t *obj, size_t len, ot_doe_header *out);

/*
 * Decodes a whole object: header as above, then *payload points into obj at the
 * (padded) payload and *payload_len is its length, a multiple of 4.
 */
OT_RESULT ot_doe_object_decode(const uint8_t *obj, size_t len, ot_doe_header *hdr,
                               const uint8_t **payload, size_t *payload_len);

/*
 * Builds the 8 header bytes of an object whose payload (before padding) is
 * payload_len bytes; *obj_len is the whole object's size, padding included.
 * OT_E_TOO_LARGE if it would exceed 2^18 DW. For writers that send the
 * payload from where it lies (scatter-gather), without copying it.
 */
OT_RESULT ot_doe_header_build(uint16_t vendor, uint8_t type, size_t payload_len,
                              uint8_t out[static OT_DOE_HEADER_SIZE], size_t *obj_len);

/*
 * Encodes header + payload into out[0..cap), zero-padding the payload to a whole
 * DW. OT_E_TOO_LARGE if the object would exceed 2^18 DW, OT_E_NO_SPACE if cap
 * is too small. *out_len is the object size (a multiple of 4). The payload may
 * already sit at out + OT_DOE_HEADER_SIZE (building in place); any other
 * overlap is the caller's bug. payload may be NULL only if payload_len is 0.
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

/* ---- Discovery (PCIe r6.0 §6.30.1.1) ------------------------------------- */

/*
 * Highest Discovery Version this implementation accepts in a request. Linux
 * sends 2 when the DOE capability version is >= 2, else 0 (SPEC-FACTS §1.3);
 * the response layout is the same for both.
 */
#define OT_DOE_DISCOVERY_VERSION_MAX 2u
#define OT_DOE_DISCOVERY_PAYLOAD_SIZE 4u /* one DW, request and response */
/* The number of entries a Discovery walk can return: Index is 8 bits. */
#define OT_DOE_DISCOVERY_MAX_ENTRIES 256u

/* One (vendor, type) pair a mailbox supports. */
typedef struct ot_doe_feature {
  uint16_t vendor;
  uint8_t type;
} ot_doe_feature;

/* A decoded Discovery response: the entry at the requested index and the next index. */
typedef struct ot_doe_discovery_entry {
  ot_doe_feature feature;
  uint8_t next_index; /* 0: this was the last entry */
} ot_doe_discovery_entry;

/* Builds the request payload DW for Index `index` and Discovery Version `version`. */
void ot_doe_discovery_request_build(uint8_t index, uint8_t version,
                                    uint8_t out[static OT_DOE_DISCOVERY_PAYLOAD_SIZE]);
/*
 * Decodes a request payload: exactly one DW (OT_E_MALFORMED otherwise), bits
 * 31:16 zero (OT_E_RESERVED), version <= OT_DOE_DISCOVERY_VERSION_MAX
 * (OT_E_VERSION). Outputs are written only on success.
 */
OT_RESULT ot_doe_discovery_request_decode(const uint8_t *payload, size_t len, uint8_t *index,
                                          uint8_t *version);
/* Builds the response payload DW for an entry. */
void ot_doe_discovery_response_build(const ot_doe_discovery_entry *e,
                                     uint8_t out[static OT_DOE_DISCOVERY_PAYLOAD_SIZE]);
/* Decodes a response payload: exactly one DW (OT_E_MALFORMED otherwise). */
OT_RESULT ot_doe_discovery_response_decode(const uint8_t *payload, size_t len,
                                           ot_doe_discovery_entry *out);

/*
 * Runs the Discovery walk over a transport (SPEC-FACTS §1.3, as Linux
 * pci_doe_cache_features): Index 0, 1, ... following Next Index until it is 0.
 * Stores each entry in out[0..cap) and their number in *count. Errors: any
 * transport error; OT_E_MALFORMED if entry 0 is not Discovery itself, if an
 * entry is the "no entry" answer (FFFFh), or if the walk revisits an index
 * (a loop); OT_E_NO_SPACE if cap is too small. *count is written only on
 * success.
 */
OT_RESULT ot_doe_discover(ot_doe_transport *t, uint8_t version, ot_doe_feature *out, size_t cap,
                          size_t *count);

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

/*
 * The device's protocol table; index 0 of Discovery is always Discovery itself
 * and is not stored here: protocols[i] answers Discovery Index i + 1.
 */
/*
 * Optional observer of a responder: called with each request object it
 * accepts (a valid DOE object, before it is handled) and each response object
 * it produces, whole, header included; for captures (opentsm device --pcap).
 * obj is valid only during the call.
 */
typedef void (*ot_doe_observe_fn)(void *ctx, bool response, const uint8_t *obj, size_t len);

/*
 * Optional handler of a transport's out-of-band commands (spdm-emu's socket
 * commands 8001h..., ot_doe_serve_frame): OT_OK and the command is answered
 * with itself; any failure and it is answered as unknown.
 */
typedef ot_status (*ot_doe_oob_fn)(void *ctx, uint32_t command, const uint8_t *payload,
                                   size_t len);

typedef struct ot_doe_responder {
  ot_doe_protocol *protocols[OT_DOE_MAX_PROTOCOLS];
  size_t count;
  ot_doe_observe_fn observe; /* NULL (ot_doe_responder_init): none */
  void *observe_ctx;
  ot_doe_oob_fn oob; /* NULL (ot_doe_responder_init): none */
  void *oob_ctx;
} ot_doe_responder;

void ot_doe_responder_init(ot_doe_responder *r);
/*
 * Adds a protocol (not owned; it must outlive the responder). OT_E_EXISTS for
 * a duplicate (vendor, type), including Discovery itself; OT_E_NO_SPACE when
 * the table holds OT_DOE_MAX_PROTOCOLS; OT_E_ARG for a protocol without handler.
 */
OT_RESULT ot_doe_responder_add(ot_doe_responder *r, ot_doe_protocol *p);

/*
 * Handles one whole request object and writes one whole response object.
 * Discovery (vendor 0x0001, type 0) is answered from the table: Index i gives
 * entry i and Next Index i + 1, or 0 on the last entry. An Index past the last
 * entry is answered as QEMU's pcie_doe.c does, with Vendor FFFFh / Type FFh,
 * but with Next Index 0 so that a requester's walk ends (QEMU returns i + 1).
 * A malformed object (ot_doe_header_decode errors), a malformed Discovery
 * request (ot_doe_discovery_request_decode errors), an unknown protocol
 * (OT_E_UNSUPPORTED), a failed handler (its status) or a too small rsp_cap
 * (OT_E_NO_SPACE) return an error; *rsp_len is then 0 and rsp_obj holds
 * nothing the caller may use. The handler sees the padded request payload and
 * may write up to the largest whole number of DW that fits rsp_cap. req_obj
 * and rsp_obj must not overlap.
 */
OT_RESULT ot_doe_responder_handle(ot_doe_responder *r, const uint8_t *req_obj, size_t req_len,
                                  uint8_t *rsp_obj, size_t rsp_cap, size_t *rsp_len);

#endif /* OPENTSM_DOE_H */
