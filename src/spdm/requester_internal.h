/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared pieces of the requester engine (src/spdm/requester*.c); see opentsm/spdm.h. */
#ifndef OT_SPDM_REQUESTER_INTERNAL_H
#define OT_SPDM_REQUESTER_INTERNAL_H

#include <string.h>

#include "opentsm/spdm.h"

/* One exchange's result: the exact response bytes (in q->buf). */
typedef struct req_rsp {
  const uint8_t *msg;
  size_t len;
} req_rsp;

/*
 * Sends req[0..len) (in session s, or plain when s is NULL) and returns the
 * response for `code`'s request: ResponseNotReady answered with
 * RESPOND_IF_READY, Busy retried up to cfg->busy_retries, LargeResponse
 * fetched with CHUNK_GET; any other ERROR mapped by ot_spdm_error_status; a
 * response with another code (OT_E_UNEXPECTED) or version (OT_E_VERSION)
 * refused; the exact length recovered with sz (OT_E_TRUNCATED/_MALFORMED).
 */
ot_status req_exchange(ot_spdm_requester *q, ot_spdm_req_session *s, const ot_spdm_sizes *sz,
                       const uint8_t *req, size_t len, req_rsp *out);

/* Plain / secured DOE exchanges (doe_binding.c). */
ot_status ot_spdm_doe_send_plain(ot_doe_transport *t, const uint8_t *req, size_t len, uint8_t *rsp,
                                 size_t cap, size_t *rsp_len);
ot_status ot_spdm_doe_send_secured(ot_doe_transport *t, ot_spdm_session *s, const uint8_t *req,
                                   size_t len, uint8_t *rsp, size_t cap, size_t *rsp_len);

/*
 * Sends req[0..len), larger than the responder's DataTransferSize, as
 * CHUNK_SEND pieces (DSP0274 1.2 §10.16) in session s (or plain), and leaves
 * the response to the whole request (from the last CHUNK_SEND_ACK) at
 * q->buf[0..*rsp_len). sz gives the layout of that response. An ACK with
 * EarlyErrorDetected fails with its ERROR mapped by ot_spdm_error_status;
 * an ACK that does not match the piece (handle, sequence number) with
 * OT_E_UNEXPECTED; OT_E_TOO_LARGE for a request beyond OT_SPDM_LARGE_MAX or
 * the responder's MaxSPDMmsgSize.
 */
ot_status req_chunk_send(ot_spdm_requester *q, ot_spdm_req_session *s, const ot_spdm_sizes *sz,
                         const uint8_t *req, size_t len, size_t *rsp_len);
/* Plain or secured exchange of one request (no chunking). */
ot_status req_send_raw(ot_spdm_requester *q, ot_spdm_req_session *s, const uint8_t *req, size_t len,
                       uint8_t *rsp, size_t cap, size_t *rsp_len);
/*
 * OT_E_POLICY unless `slot` may serve `usage` (OT_SPDM_KEY_USAGE_*): on a 1.3
 * multi-key connection its KeyUsageMask must have the bit (SPEC-FACTS §2.6).
 */
ot_status req_slot_usage(const ot_spdm_requester *q, uint8_t slot, uint16_t usage);

/*
 * An ERROR response (err[0..4) at least: header with Param1 ErrorCode, Param2
 * ErrorData; DSP0274 §10.12) that ends the request `request`: kept in
 * q->last_error and returned mapped by ot_spdm_error_status.
 */
ot_status req_peer_error(ot_spdm_requester *q, uint8_t request, const uint8_t *err);

/* Marks the connection failed (sticky) and returns st. */
ot_status req_fail(ot_spdm_requester *q, ot_status st);
/* OT_E_STATE unless the connection is NEGOTIATED and not failed. */
ot_status req_ready(const ot_spdm_requester *q);
/* The session with this ID (OT_E_NOT_FOUND). */
ot_status req_session(ot_spdm_requester *q, uint32_t id, ot_spdm_req_session **out);
/* The channel of a request: NULL (in the clear) for session_id 0, else that
 * session, which must be established (OT_E_NOT_FOUND, OT_E_STATE). */
ot_status req_channel(ot_spdm_requester *q, uint32_t session_id, ot_spdm_req_session **s);
void req_session_end(ot_spdm_req_session *s);

/*
 * The encapsulated request flow (requester_encap.c) in session s (its
 * handshake, for mutual authentication) or outside one (s NULL: basic mutual
 * authentication): GET_ENCAPSULATED_REQUEST first, or for mut_auth
 * OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS an implicit GET_DIGESTS answered straight
 * away; every encapsulated request answered from cfg->identity until the
 * responder's ACK ends the flow. *req_slot (may be NULL) takes the ACK's
 * ReqSlotNumber when it names one, and is left alone otherwise.
 */
ot_status req_encap_flow(ot_spdm_requester *q, ot_spdm_req_session *s, uint8_t mut_auth,
                         uint8_t *req_slot);
/* Signs th (H bytes) with our key of `slot` under ReqBaseAsymAlg into sig. */
ot_status req_sign(ot_spdm_requester *q, uint8_t slot, const char *context, const uint8_t *th,
                   uint8_t *sig);

#endif /* OT_SPDM_REQUESTER_INTERNAL_H */
