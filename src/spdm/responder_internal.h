/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared pieces of the responder engine (src/spdm/responder*.c); see
 * opentsm/spdm.h. One handler per request code, each given the decoded
 * request and a writer for the response; the state table in responder.c
 * decides whether a handler may run at all.
 */
#ifndef OT_SPDM_RESPONDER_INTERNAL_H
#define OT_SPDM_RESPONDER_INTERNAL_H

#include <string.h>

#include "opentsm/spdm.h"

/* One request being answered. */
typedef struct rsp_call {
  ot_spdm_responder *r;
  const uint8_t *req; /* exact SPDM bytes (no padding) */
  size_t req_len;
  ot_spdm_request msg;          /* decoded */
  ot_spdm_sizes sz;             /* layout of this connection (or of the request, before VCA) */
  ot_writer *w;                 /* the response */
  ot_spdm_rsp_session *session; /* non-NULL when the request came in a session */
  size_t limit;                 /* largest response that may go out whole (0: no limit yet) */
  bool reassembled;             /* the request was received in CHUNK_SEND pieces */
} rsp_call;

/*
 * A handler writes the whole response (regular or ERROR, via rsp_error) and
 * returns OT_OK; a failed status means "answer ERROR Unspecified" (an internal
 * failure: the crypto library, the identity), never "no response".
 */
typedef ot_status (*rsp_handler)(rsp_call *c);

/* Writes ERROR(code, data) with no extended data (DSP0274 §10.12). */
ot_status rsp_error(rsp_call *c, uint8_t code, uint8_t data);
/* Writes ERROR(code, data) followed by ext[0..n). */
ot_status rsp_error_ext(rsp_call *c, uint8_t code, uint8_t data, const uint8_t *ext, size_t n);
/* The SPDMVersion the responder writes in its responses right now. */
uint8_t rsp_version(const rsp_call *c);

/* Handlers (responder_vca.c, responder_cert.c, responder_auth.c, responder_chunk.c,
 * responder_session.c). */
ot_status rsp_get_version(rsp_call *c);
ot_status rsp_get_capabilities(rsp_call *c);
ot_status rsp_negotiate_algorithms(rsp_call *c);
ot_status rsp_get_digests(rsp_call *c);
ot_status rsp_get_certificate(rsp_call *c);
ot_status rsp_challenge(rsp_call *c);
ot_status rsp_get_measurements(rsp_call *c);
ot_status rsp_chunk_get(rsp_call *c);
ot_status rsp_chunk_send(rsp_call *c);
ot_status rsp_respond_if_ready(rsp_call *c);
ot_status rsp_key_exchange(rsp_call *c);
ot_status rsp_finish(rsp_call *c);
ot_status rsp_heartbeat(rsp_call *c);
ot_status rsp_key_update(rsp_call *c);
ot_status rsp_end_session(rsp_call *c);
ot_status rsp_vendor_defined(rsp_call *c);
/* responder_psk.c */
ot_status rsp_psk_exchange(rsp_call *c);
ot_status rsp_psk_finish(rsp_call *c);
/* OT_E_ARG unless cfg's PSK_CAP and PSK table agree (ot_spdm_responder_config). */
ot_status rsp_psk_config_check(const ot_spdm_responder_config *cfg);
ot_status rsp_get_encapsulated_request(rsp_call *c);
ot_status rsp_deliver_encapsulated_response(rsp_call *c);
/* A DELIVER_ENCAPSULATED_RESPONSE that did not decode (responder_encap.c). */
ot_status rsp_deliver_encapsulated_malformed(rsp_call *c, size_t len);
/* The MutAuthRequested value KEY_EXCHANGE_RSP carries for session s (0: none),
 * with the mutual-authentication state of s set up for it (responder_encap.c). */
uint8_t rsp_mut_auth_start(ot_spdm_responder *r, ot_spdm_rsp_session *s);
/* Basic mutual authentication after CHALLENGE_AUTH: true (and the flow
 * armed) when CHALLENGE_AUTH is to carry BasicMutAuthReq. */
bool rsp_basic_mut_auth_start(ot_spdm_responder *r);
/* Releases and wipes one flow's state. */
void rsp_mut_clear(ot_spdm_rsp_mut *m);
/* A multi-key requester's DIGESTS (DSP0274 1.3 §10.5): checks every listed
 * slot's KeyPairID / CertificateInfo / KeyUsageMask and picks the lowest
 * slot with a certificate whose key is meant for `use` (OT_SPDM_KEY_USAGE_*):
 * *slot, its *cert_info and *key_usage. OT_E_MALFORMED for a field the
 * specification forbids, OT_E_POLICY when no slot serves the use
 * (responder_mut_multi_key.c). */
ot_status rsp_mut_multi_key_pick(const ot_spdm_digests *d, uint16_t use, uint8_t *slot,
                                 uint8_t *cert_info, uint16_t *key_usage);
/* FINISH with mutual authentication: appends H(CM) and the FINISH header
 * to TH and checks the signature (OT_E_VERIFY); the caller answers. */
ot_status rsp_mut_auth_finish(rsp_call *c, ot_spdm_rsp_session *s);
ot_status rsp_get_endpoint_info(rsp_call *c); /* responder_endpoint_info.c */
/* responder_encap_endpoint_info.c: the encapsulated GET_ENDPOINT_INFO flow.
 * pending: armed, awaiting GET_ENCAPSULATED_REQUEST; delivering: awaiting
 * DELIVER_ENCAPSULATED_RESPONSE on the channel of session s (NULL: plain). */
bool rsp_ep_encap_pending(const ot_spdm_responder *r);
bool rsp_ep_encap_delivering(const ot_spdm_responder *r, const ot_spdm_rsp_session *s);
ot_status rsp_ep_encap_get(rsp_call *c);
ot_status rsp_ep_encap_deliver(rsp_call *c);
ot_status rsp_get_mel(rsp_call *c);           /* responder_mel.c */
ot_status rsp_get_csr(rsp_call *c);           /* responder_provision.c */
ot_status rsp_set_certificate(rsp_call *c);   /* responder_provision.c */
ot_status rsp_get_key_pair_info(rsp_call *c); /* responder_key_pair_info.c */
ot_status rsp_set_key_pair_info(rsp_call *c); /* responder_key_pair_info.c */

/* Session rows of the state table (responder.c): KEY_EXCHANGE in the clear,
 * FINISH in the clear or under the handshake keys, the rest inside a session
 * (DSP0274 §10.9-10.20). */
#define RSP_SESSION_RULES                                                                          \
  {OT_SPDM_KEY_EXCHANGE, OT_SPDM_CONN_NEGOTIATED, false, W_PLAIN, OT_SPDM_CAP_KEY_EX,              \
   rsp_key_exchange},                                                                              \
  {OT_SPDM_FINISH, OT_SPDM_CONN_NEGOTIATED, false, W_ANY, OT_SPDM_CAP_KEY_EX, rsp_finish},         \
  {OT_SPDM_HEARTBEAT, OT_SPDM_CONN_NEGOTIATED, false, W_SECURED, OT_SPDM_CAP_HBEAT, rsp_heartbeat}, \
  {OT_SPDM_KEY_UPDATE, OT_SPDM_CONN_NEGOTIATED, false, W_SECURED, OT_SPDM_CAP_KEY_UPD,             \
   rsp_key_update},                                                                                \
  {OT_SPDM_END_SESSION, OT_SPDM_CONN_NEGOTIATED, false, W_SECURED, 0, rsp_end_session},            \
  {OT_SPDM_VENDOR_DEFINED_REQUEST, OT_SPDM_CONN_NEGOTIATED, false, W_SECURED, 0,                   \
   rsp_vendor_defined},                                                                            \
  OT_SPDM_IF_PSK({OT_SPDM_PSK_EXCHANGE, OT_SPDM_CONN_NEGOTIATED, false, W_PLAIN,                   \
                  OT_SPDM_CAP_PSK_MASK, rsp_psk_exchange}, )                                       \
  OT_SPDM_IF_PSK({OT_SPDM_PSK_FINISH, OT_SPDM_CONN_NEGOTIATED, false, W_SECURED,                   \
                  OT_SPDM_CAP_PSK_WITH_CONTEXT, rsp_psk_finish}, )

/* A provisioned slot whose key may serve `usage` (OT_SPDM_KEY_USAGE_*). */
bool rsp_slot_allows(const ot_spdm_responder *r, uint8_t slot, uint16_t usage);
/* Signs th_hash with the key of `slot` under the negotiated algorithms (S bytes). */
ot_status rsp_sign(ot_spdm_responder *r, uint8_t slot, const char *context, const uint8_t *th_hash,
                   uint8_t *sig);
/* After a handler: answers ResponseNotReady instead, once, for cfg->not_ready_code. */
ot_status rsp_maybe_not_ready(rsp_call *c, uint8_t code);
/*
 * Runs one request (c->req, len bytes, may carry DOE padding) through the
 * checks of responder.c and its handler, writing the response to c->w. Used
 * for every request, and again by CHUNK_SEND for the reassembled one.
 */
ot_status rsp_dispatch(rsp_call *c, size_t len);
/* Forgets a CHUNK_SEND transfer in progress, wiping what was received. */
void rsp_chunk_in_reset(ot_spdm_responder *r);
/* Now on cfg->clock (0 without one). */
uint64_t rsp_now(const ot_spdm_responder *r);
/* The common entry of plain and secured requests (session NULL when plain). */
ot_status rsp_handle_in(ot_spdm_responder *r, ot_spdm_rsp_session *s, const uint8_t *req,
                        size_t len, uint8_t *out, size_t cap, size_t *out_len);
/* Ends a session (keys wiped) / every session. */
void rsp_session_end(ot_spdm_rsp_session *s);
void rsp_sessions_clear(ot_spdm_responder *r);

/*
 * Hands out a response built in r->large[0..len): directly when it fits
 * c->limit (the requester's DataTransferSize, less the CHUNK_SEND_ACK header
 * for a request that came in chunks) and out, else as a large response served by
 * CHUNK_GET (ERROR LargeResponse) when both sides have CHUNK_CAP, else ERROR
 * ResponseTooLarge (DSP0274 1.2 §10.16 "Large SPDM message transfer").
 */
ot_status rsp_emit_large(rsp_call *c, size_t len);

/* Resets the connection to NOT_STARTED: transcripts, sessions, chunks. */
void rsp_reset_connection(ot_spdm_responder *r);

#endif /* OT_SPDM_RESPONDER_INTERNAL_H */
