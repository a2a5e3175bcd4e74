/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder engine: request bytes in, response bytes out (see
 * opentsm/spdm.h). This file holds the state table and the checks every
 * request passes before its handler runs, in the order DSP0274 1.3 implies:
 *
 *   1. header present (else no response);
 *   2. known, implemented request code (else UnsupportedRequest, ErrorData =
 *      the code; DSP0274 §10.12 "UnsupportedRequest");
 *   3. SPDMVersion: 1.0 for GET_VERSION, a version we listed for
 *      GET_CAPABILITIES, the negotiated one afterwards (else VersionMismatch,
 *      §10.12 "VersionMismatch");
 *   4. capability advertised (else UnsupportedRequest);
 *   5. connection state and channel: the table row (else UnexpectedRequest;
 *      a session-only request outside a session gets SessionRequired, 1.2+);
 *   6. well-formed for the negotiated layout (else InvalidRequest), and once
 *      the requester knows our DataTransferSize no larger than it unless it
 *      came in CHUNK_SEND pieces (else RequestTooLarge, DSP0274 1.2 §10.16);
 *   7. the handler.
 */
#include "measurement_l1.h"
#include "responder_internal.h"

#include "opentsm/log.h"
#include "opentsm/secure.h"

#define LOGC "spdm-rsp"

/* Where a request may arrive. */
enum { W_PLAIN = 1u, W_SECURED = 2u, W_ANY = 3u };

/* One row per implemented request (a dense table: a device build holds only
 * the rows of its features, opentsm/spdm_features.h). */
typedef struct rsp_rule {
  uint8_t code;
  uint8_t state; /* ot_spdm_conn_state needed: exactly it when `exact`, else at least */
  bool exact;
  uint8_t where;
  uint32_t cap; /* responder capability the request needs (0: none) */
  rsp_handler handler;
} rsp_rule;

/* The SPDM version a request code exists from, for codes newer than 1.2 (each
 * term only when its feature is built: a request without a rule never gets here). */
static uint8_t min_version(uint8_t code) {
  return (OT_SPDM_WITH_EP_INFO && code == OT_SPDM_GET_ENDPOINT_INFO) ||
                 (OT_SPDM_WITH_MEL && code == OT_SPDM_GET_MEASUREMENT_EXTENSION_LOG) ||
                 (OT_SPDM_WITH_KEY_PAIR_INFO &&
                  (code == OT_SPDM_GET_KEY_PAIR_INFO || code == OT_SPDM_SET_KEY_PAIR_INFO))
             ? OT_SPDM_VERSION_13
             : 0;
}

/* DSP0274 1.3 §10 message order: VCA strictly in sequence (§10.3-10.4), then
 * any request after NEGOTIATE_ALGORITHMS. Session messages live in
 * responder_session.c's table. */
static const rsp_rule rules[] = {
    {OT_SPDM_GET_VERSION, OT_SPDM_CONN_NOT_STARTED, false, W_PLAIN, 0, rsp_get_version},
    {OT_SPDM_GET_CAPABILITIES, OT_SPDM_CONN_AFTER_VERSION, true, W_PLAIN, 0, rsp_get_capabilities},
    {OT_SPDM_NEGOTIATE_ALGORITHMS, OT_SPDM_CONN_AFTER_CAPS, true, W_PLAIN, 0,
     rsp_negotiate_algorithms},
    {OT_SPDM_GET_DIGESTS, OT_SPDM_CONN_NEGOTIATED, false, W_ANY, OT_SPDM_CAP_CERT, rsp_get_digests},
    {OT_SPDM_GET_CERTIFICATE, OT_SPDM_CONN_NEGOTIATED, false, W_ANY, OT_SPDM_CAP_CERT,
     rsp_get_certificate},
    {OT_SPDM_CHALLENGE, OT_SPDM_CONN_NEGOTIATED, false, W_PLAIN, OT_SPDM_CAP_CHAL, rsp_challenge},
    /* DSP0274 1.2 §10.11: GET_MEASUREMENTS may also travel inside a session. */
    {OT_SPDM_GET_MEASUREMENTS, OT_SPDM_CONN_NEGOTIATED, false, W_ANY, OT_SPDM_CAP_MEAS_MASK,
     rsp_get_measurements},
    OT_SPDM_IF_CHUNK({OT_SPDM_CHUNK_GET, OT_SPDM_CONN_NEGOTIATED, false, W_ANY, OT_SPDM_CAP_CHUNK,
                      rsp_chunk_get}, )
    /* DSP0274 1.2 §10.16: a large request may be sent in chunks as soon as both
     * sides know each other's CHUNK_CAP and DataTransferSize, i.e. from
     * NEGOTIATE_ALGORITHMS on. */
    OT_SPDM_IF_CHUNK({OT_SPDM_CHUNK_SEND, OT_SPDM_CONN_AFTER_CAPS, false, W_ANY, OT_SPDM_CAP_CHUNK,
                      rsp_chunk_send}, )
    {OT_SPDM_RESPOND_IF_READY, OT_SPDM_CONN_NEGOTIATED, false, W_ANY, 0, rsp_respond_if_ready},
    /* DSP0274 1.2 "Encapsulated request flow" (responder_encap.c). */
    OT_SPDM_IF_MUT_AUTH({OT_SPDM_GET_ENCAPSULATED_REQUEST, OT_SPDM_CONN_NEGOTIATED, false, W_ANY,
                         OT_SPDM_CAP_ENCAP, rsp_get_encapsulated_request}, )
    OT_SPDM_IF_MUT_AUTH({OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE, OT_SPDM_CONN_NEGOTIATED, false,
                         W_ANY, OT_SPDM_CAP_ENCAP, rsp_deliver_encapsulated_response}, )
    RSP_SESSION_RULES
    /* DSP0274 1.3 §10.23, §10.24: in the clear or in a session, 1.3 only. */
    OT_SPDM_IF_EP_INFO({OT_SPDM_GET_ENDPOINT_INFO, OT_SPDM_CONN_NEGOTIATED, false, W_ANY,
                        OT_SPDM_CAP_EP_INFO_MASK, rsp_get_endpoint_info}, )
    OT_SPDM_IF_MEL({OT_SPDM_GET_MEASUREMENT_EXTENSION_LOG, OT_SPDM_CONN_NEGOTIATED, false, W_ANY,
                    OT_SPDM_CAP_MEL, rsp_get_mel}, )
    /* DSP0274 1.2 GET_CSR, SET_CERTIFICATE: in the clear or in a session (the
     * handler applies SET_CERTIFICATE's session rule). */
    OT_SPDM_IF_PROVISION({OT_SPDM_GET_CSR, OT_SPDM_CONN_NEGOTIATED, false, W_ANY, OT_SPDM_CAP_CSR,
                          rsp_get_csr}, )
    OT_SPDM_IF_PROVISION({OT_SPDM_SET_CERTIFICATE, OT_SPDM_CONN_NEGOTIATED, false, W_ANY,
                          OT_SPDM_CAP_SET_CERT, rsp_set_certificate}, )
    /* DSP0274 1.3 §10.26, §10.27: in the clear or in a session, 1.3 on. */
    OT_SPDM_IF_KEY_PAIR_INFO({OT_SPDM_GET_KEY_PAIR_INFO, OT_SPDM_CONN_NEGOTIATED, false, W_ANY,
                              OT_SPDM_CAP_GET_KEY_PAIR_INFO, rsp_get_key_pair_info}, )
    OT_SPDM_IF_KEY_PAIR_INFO({OT_SPDM_SET_KEY_PAIR_INFO, OT_SPDM_CONN_NEGOTIATED, false, W_ANY,
                              OT_SPDM_CAP_SET_KEY_PAIR_INFO, rsp_set_key_pair_info}, )
};

void ot_spdm_responder_config_default(ot_spdm_responder_config *cfg, const ot_spdm_identity *id,
                                      ot_rng *rng) {
  memset(cfg, 0, sizeof(*cfg));
  cfg->id = id;
  cfg->rng = rng;
  cfg->versions = OT_SPDM_VMASK_BUILT; /* 1.0 .. 1.4, as built */
  /* Mutual authentication is asked for only on request (cfg->mut_auth). */
  cfg->caps = OT_SPDM_RSP_CAPS_BUILT &
              ~(OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR | OT_SPDM_CAP_MULTI_KEY_MASK |
                OT_SPDM_CAP_PSK_MASK | OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP |
                OT_SPDM_CAP_EP_INFO_MASK | OT_SPDM_CAP_MEL | OT_SPDM_CAP_CSR |
                OT_SPDM_CAP_SET_CERT | OT_SPDM_CAP_CERT_INSTALL_RESET |
                OT_SPDM_CAP_GET_KEY_PAIR_INFO | OT_SPDM_CAP_SET_KEY_PAIR_INFO);
  cfg->data_transfer_size = 0x1200u; /* as the reference emulator (SPEC-FACTS REC) */
  cfg->max_msg_size = 0x28000u;
  cfg->algs = ot_spdm_alg_prefs_all;
  /* A responder also signs with the RSA key it holds (the keys narrow base_asym
   * in NEGOTIATE_ALGORITHMS) and takes FFDHE when the requester offers no
   * elliptic curve (dhe_order puts the curves first). */
  cfg->algs.base_asym |= OT_SPDM_ASYM_RSA_ALL;
  cfg->algs.dhe |= OT_SPDM_DHE_FFDHE_2048 | OT_SPDM_DHE_FFDHE_3072 | OT_SPDM_DHE_FFDHE_4096;
  cfg->heartbeat_period = 0;
}

OT_RESULT ot_spdm_responder_init(ot_spdm_responder *r, const ot_spdm_responder_config *cfg) {
  OT_ENSURE(r && cfg && cfg->id && cfg->rng, OT_E_ARG);
  /* A feature left out of this build (opentsm/spdm_features.h) is never advertised. */
  OT_ENSURE((cfg->caps & ~(uint32_t)OT_SPDM_RSP_CAPS_BUILT) == 0, OT_E_ARG);
  OT_ENSURE((cfg->versions & ~OT_SPDM_VMASK_BUILT) == 0 && (cfg->versions & OT_SPDM_VMASK_ALL) != 0,
            OT_E_ARG);
  /* The MutAuthRequested values of DSP0274 1.2 §10.9 (01h: responder_encap.c),
   * none in a build without mutual authentication. */
  OT_ENSURE(cfg->mut_auth == 0 ||
                (OT_SPDM_WITH_MUT_AUTH && (cfg->mut_auth == OT_SPDM_MUT_AUTH_REQUESTED ||
                                           cfg->mut_auth == OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST ||
                                           cfg->mut_auth == OT_SPDM_MUT_AUTH_WITH_GET_DIGESTS)),
            OT_E_ARG);
  OT_ENSURE(cfg->data_transfer_size >= OT_SPDM_MIN_DATA_TRANSFER_SIZE &&
                cfg->max_msg_size >= cfg->data_transfer_size,
            OT_E_ARG);
  OT_ENSURE(cfg->vdm_count <= OT_SPDM_RSP_MAX_VDM, OT_E_ARG);
  /* cfg->caps is within OT_SPDM_RSP_CAPS_BUILT (above); masking with it again
   * lets a build without a feature drop that feature's checks. */
  uint32_t caps = cfg->caps & (uint32_t)OT_SPDM_RSP_CAPS_BUILT;
  if (caps & OT_SPDM_CAP_PSK_MASK) OT_GUARD(rsp_psk_config_check(cfg));
  /* EP_INFO_CAP and MEL_CAP promise something to answer with. */
  OT_ENSURE(!(caps & OT_SPDM_CAP_EP_INFO_MASK) ||
                (cfg->ep_info && ot_ok(ot_spdm_ep_info_check(cfg->ep_info, cfg->ep_info_len, NULL))),
            OT_E_ARG);
  OT_ENSURE(!(caps & OT_SPDM_CAP_MEL) ||
                (cfg->mel && ot_ok(ot_spdm_mel_check(cfg->mel, cfg->mel_len, NULL))),
            OT_E_ARG);
  OT_ENSURE(!(caps & OT_SPDM_CAP_SET_CERT) || cfg->set_cert ||
                (OT_SPDM_WITH_PROVISION && cfg->set_cert_model),
            OT_E_ARG);
  /* DSP0274 1.2 CAPABILITIES: CSR_CAP only with SET_CERT_CAP (a CSR is for a
   * certificate the device can then take). */
  OT_ENSURE(!(caps & OT_SPDM_CAP_CSR) || (caps & OT_SPDM_CAP_SET_CERT), OT_E_ARG);
  /* CERT_INSTALL_RESET_CAP: the reset this implementation models is GET_CSR's
   * (a CSR finished after a reset, named by its CSRTrackingTag). */
  OT_ENSURE(!(caps & OT_SPDM_CAP_CERT_INSTALL_RESET) ||
                (cfg->csr_tracker && (caps & OT_SPDM_CAP_CSR)),
            OT_E_ARG);
  /* DSP0274 1.3 CAPABILITIES MULTI_KEY_CAP: 01b or 10b, 11b is reserved. */
  OT_ENSURE((caps & OT_SPDM_CAP_MULTI_KEY_MASK) != OT_SPDM_CAP_MULTI_KEY_MASK, OT_E_ARG);
  /* Key pairs to report, and a model to change them (DSP0274 1.3 §10.27). */
  OT_ENSURE(!(caps & OT_SPDM_CAP_GET_KEY_PAIR_INFO) || cfg->key_pairs, OT_E_ARG);
  OT_ENSURE(!(caps & OT_SPDM_CAP_SET_KEY_PAIR_INFO) ||
                (cfg->set_key_pair && (caps & OT_SPDM_CAP_GET_KEY_PAIR_INFO)),
            OT_E_ARG);
  memset(r, 0, sizeof(*r));
  r->cfg = cfg;
  ot_spdm_transcript_init(&r->t);
  return OT_SUCCESS;
}

void rsp_reset_connection(ot_spdm_responder *r) {
  rsp_sessions_clear(r);
  rsp_mut_clear(&r->basic);
  memset(&r->ep_encap, 0, sizeof(r->ep_encap));
  ot_spdm_transcript_free(&r->t);
  ot_spdm_transcript_init(&r->t);
  r->state = OT_SPDM_CONN_NOT_STARTED;
  memset(&r->neg, 0, sizeof(r->neg));
  r->req_caps = 0;
  r->caps = 0;
  r->first_digests_seen = 0;
  r->large_active = r->pending = false;
  r->large_len = r->large_off = 0;
  rsp_chunk_in_reset(r);
}

void ot_spdm_responder_free(ot_spdm_responder *r) {
  rsp_reset_connection(r);
  ot_spdm_transcript_free(&r->t);
  ot_zeroize(r, sizeof(*r));
}

uint8_t rsp_version(const rsp_call *c) {
  const ot_spdm_responder *r = c->r;
  /* DSP0274 §10.3: everything answering GET_VERSION carries SPDMVersion 1.0. */
  if (c->req_len > 1 && c->req[1] == OT_SPDM_GET_VERSION) return OT_SPDM_VERSION_10;
  if (r->state >= OT_SPDM_CONN_AFTER_CAPS) return r->neg.version;
  /* Before a version is agreed, answer in the request's version when it is one
   * we speak, else 1.0. */
  uint8_t v = c->req_len ? c->req[0] : OT_SPDM_VERSION_10;
  if (r->cfg->versions & ot_spdm_vmask_of(v)) return v;
  return OT_SPDM_VERSION_10;
}

ot_status rsp_error_ext(rsp_call *c, uint8_t code, uint8_t data, const uint8_t *ext, size_t n) {
  /* DSP0274 §10.12 "ERROR response message format". Built by hand: ERROR to a
   * request before VCA carries a version the codec does not encode. */
  c->w->len = 0;
  c->w->err = OT_SUCCESS;
  OT_GUARD(ot_write_u8(c->w, rsp_version(c)));
  OT_GUARD(ot_write_u8(c->w, OT_SPDM_ERROR));
  OT_GUARD(ot_write_u8(c->w, code));
  OT_GUARD(ot_write_u8(c->w, data));
  if (n) OT_GUARD(ot_write_bytes(c->w, ext, n));
  OT_LOGD(LOGC, "request 0x%02x -> ERROR 0x%02x/0x%02x", c->req_len > 1 ? c->req[1] : 0, code,
          data);
  return OT_SUCCESS;
}

ot_status rsp_error(rsp_call *c, uint8_t code, uint8_t data) {
  return rsp_error_ext(c, code, data, NULL, 0);
}

/* Steps 3: the version a request must carry in the current state. */
static bool version_ok(const rsp_call *c, uint8_t code) {
  const ot_spdm_responder *r = c->r;
  uint8_t v = c->req[0];
  if (code == OT_SPDM_GET_VERSION) return v == OT_SPDM_VERSION_10;
  if (r->state == OT_SPDM_CONN_AFTER_VERSION || r->state == OT_SPDM_CONN_NOT_STARTED)
    return (r->cfg->versions & ot_spdm_vmask_of(v)) != 0;
  return v == r->neg.version;
}

/* Steps 4 and 5. Returns true when the request may proceed; otherwise the ERROR
 * is written. */
static ot_status check_rule(rsp_call *c, const rsp_rule *rule, uint8_t code, bool *go) {
  ot_spdm_responder *r = c->r;
  *go = false;
  /* The flags advertised at the connection's version once CAPABILITIES went
   * out (a 1.0 connection has no KEY_EX, DSP0274 1.0), the configured ones before. */
  uint32_t caps = r->state >= OT_SPDM_CONN_AFTER_CAPS ? r->caps : r->cfg->caps;
  if (rule->cap && !(caps & rule->cap)) return rsp_error(c, OT_SPDM_ERR_UNSUPPORTED_REQUEST, code);
  /* A request of a later version than the connection's is not one it knows
   * (DSP0274 §10.12 UnsupportedRequest; libspdm answers the same). */
  uint8_t since = min_version(code);
  if (since && r->state >= OT_SPDM_CONN_NEGOTIATED && r->neg.version < since)
    return rsp_error(c, OT_SPDM_ERR_UNSUPPORTED_REQUEST, code);
  bool ok_state = rule->exact ? r->state == rule->state : r->state >= rule->state;
  if (!ok_state) return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  if (c->session == NULL && !(rule->where & W_PLAIN)) {
    /* DSP0274 1.2 §10.12 "SessionRequired": the request is only valid in a session. */
    return rsp_error(c, OT_SPDM_ERR_SESSION_REQUIRED, 0);
  }
  if (c->session != NULL && !(rule->where & W_SECURED))
    return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  /* FINISH inside a session that is already established: UnexpectedRequest
   * before its body is read (DSP0274 §10.10; a 1.4 FINISH body carries
   * OpaqueData that a request built for an earlier layout lacks). */
  if (code == OT_SPDM_FINISH && c->session != NULL &&
      c->session->s.state == OT_SPDM_SESSION_ESTABLISHED)
    return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  /* Until FINISH_RSP only FINISH (PSK_FINISH) may travel under the handshake keys (§10.10),
   * whole or in CHUNK_SEND pieces (the reassembled request is checked again). */
  /* DSP0274 1.2 §10.9: with mutual authentication the encapsulated flow
   * (GET_ENCAPSULATED_REQUEST, DELIVER_ENCAPSULATED_RESPONSE) runs there too. */
  /* (Each exception only when its feature is built: a request without a rule
   * never gets here.) */
  if (c->session != NULL && c->session->s.state != OT_SPDM_SESSION_ESTABLISHED &&
      code != OT_SPDM_FINISH && !(OT_SPDM_WITH_PSK && code == OT_SPDM_PSK_FINISH) &&
      !(OT_SPDM_WITH_CHUNK && code == OT_SPDM_CHUNK_SEND) &&
      !(OT_SPDM_WITH_MUT_AUTH && (code == OT_SPDM_GET_ENCAPSULATED_REQUEST ||
                                  code == OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE)))
    return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  *go = true;
  return OT_SUCCESS;
}

/* Step 6: find the exact length inside DOE padding, then decode strictly. */
static bool decode_request(rsp_call *c, size_t len) {
  ot_spdm_responder *r = c->r;
  c->sz = r->neg.sizes;
  if (r->state < OT_SPDM_CONN_NEGOTIATED) c->sz.version = c->req[0];
  size_t n;
  if (!ot_ok(ot_spdm_request_length(&c->sz, c->req, len, &n))) return false;
  for (size_t i = n; i < len; i++) {
    if (c->req[i] != 0) return false; /* DOE padding is zero (PCIe r6.0 §6.30.1) */
  }
  ot_reader rd;
  ot_reader_init(&rd, c->req, n);
  if (!ot_ok(ot_spdm_decode_request(&c->sz, &rd, &c->msg))) return false;
  c->req_len = n;
  return true;
}

/* DSP0274 1.2 §10.16: no response may exceed the requester's DataTransferSize;
 * a larger one goes out in chunks (or as ResponseTooLarge). */
static ot_status fit_transfer_size(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  size_t len = ot_writer_len(c->w);
  if (c->limit == 0 || len <= c->limit) return OT_SUCCESS;
  OT_ENSURE(len <= sizeof(r->large), OT_E_TOO_LARGE);
  memcpy(r->large, c->w->data, len);
  return rsp_emit_large(c, len);
}

/* Requests that keep the measurement transcript M running (§10.11): the
 * measurement exchange itself and the transport-level requests around it. */
static bool keeps_l1(uint8_t code) {
  return code == OT_SPDM_GET_MEASUREMENTS || code == OT_SPDM_RESPOND_IF_READY ||
         (OT_SPDM_WITH_CHUNK && (code == OT_SPDM_CHUNK_GET || code == OT_SPDM_CHUNK_SEND));
}

static const rsp_rule *find_rule(uint8_t code) {
  for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
    if (rules[i].code == code) return &rules[i];
  return NULL;
}

ot_status rsp_dispatch(rsp_call *c, size_t len) {
  ot_spdm_responder *r = c->r;
  uint8_t code = c->req[1];
  const rsp_rule *rule = find_rule(code);
  bool go;
  if (rule == NULL) return rsp_error(c, OT_SPDM_ERR_UNSUPPORTED_REQUEST, code);
  if (!version_ok(c, code)) return rsp_error(c, OT_SPDM_ERR_VERSION_MISMATCH, 0);
  OT_GUARD(check_rule(c, rule, code, &go));
  if (!go) return OT_SUCCESS;
  if (!decode_request(c, len)) {
    OT_SPDM_IF_MUT_AUTH(if (code == OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE) return
                            rsp_deliver_encapsulated_malformed(c, len);)
    return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  }
  /* DSP0274 1.2 §10.16: "the Requester shall not send a request larger than
   * the Responder's DataTransferSize"; larger ones come by CHUNK_SEND. */
  if (!c->reassembled && r->state >= OT_SPDM_CONN_AFTER_CAPS &&
      c->req_len > r->cfg->data_transfer_size)
    return rsp_error(c, OT_SPDM_ERR_REQUEST_TOO_LARGE, 0);
  /* DSP0274 §10.11: L1/L2 covers consecutive GET_MEASUREMENTS only; any other
   * request in between starts it again — in its own scope: a request in a
   * session restarts that session's M, one in the clear the connection's. */
  if (!keeps_l1(code) && r->state == OT_SPDM_CONN_NEGOTIATED)
    OT_GUARD(spdm_l1_reset(&r->t, c->session ? &c->session->l1 : NULL));
  /* A new request abandons a large response still being fetched, and a large
   * request still being received (§10.16). */
  if (!(OT_SPDM_WITH_CHUNK && code == OT_SPDM_CHUNK_GET) && code != OT_SPDM_RESPOND_IF_READY)
    r->large_active = r->pending = false;
  if (!(OT_SPDM_WITH_CHUNK && code == OT_SPDM_CHUNK_SEND) && !c->reassembled) rsp_chunk_in_reset(r);
  ot_status st = rule->handler(c);
  if (!ot_ok(st)) {
    OT_LOGW(LOGC, "request 0x%02x failed: %s", code, ot_status_name(st));
    return rsp_error(c, OT_SPDM_ERR_UNSPECIFIED, 0);
  }
  OT_GUARD(fit_transfer_size(c));
  return rsp_maybe_not_ready(c, code);
}

ot_status rsp_handle_in(ot_spdm_responder *r, ot_spdm_rsp_session *s, const uint8_t *req,
                        size_t len, uint8_t *out, size_t cap, size_t *out_len) {
  OT_ENSURE(r && req && out && out_len, OT_E_ARG);
  OT_ENSURE(len >= OT_SPDM_HEADER_SIZE, OT_E_TRUNCATED);
  ot_writer w;
  ot_writer_init(&w, out, cap);
  rsp_call c = {.r = r,
                .req = req,
                .req_len = len,
                .w = &w,
                .session = s,
                .limit = r->req_data_transfer_size};
  OT_GUARD(rsp_dispatch(&c, len));
  OT_GUARD(ot_writer_status(&w));
  *out_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_responder_handle(ot_spdm_responder *r, const uint8_t *req, size_t len,
                                   uint8_t *out, size_t cap, size_t *out_len) {
  OT_ENSURE(r != NULL, OT_E_ARG);
  (void)ot_spdm_responder_expire_sessions(r);
  return rsp_handle_in(r, NULL, req, len, out, cap, out_len);
}

ot_status rsp_emit_large(rsp_call *c, size_t len) {
  ot_spdm_responder *r = c->r;
  size_t limit = c->limit;
  /* limit 0: a 1.0/1.1 requester, which announces no DataTransferSize. */
  if ((limit == 0 || len <= limit) && len <= ot_writer_space(c->w))
    return ot_write_bytes(c->w, r->large, len);
  /* (masked with the build's flags: a build without chunking drops the rest) */
  bool chunk = (r->caps & r->req_caps & (uint32_t)OT_SPDM_RSP_CAPS_BUILT & OT_SPDM_CAP_CHUNK) != 0;
  if (!chunk || len > r->req_max_msg_size) {
    uint8_t ext[OT_SPDM_ERR_RESPONSE_TOO_LARGE_EXT_SIZE];
    ot_store_u32le(ext, (uint32_t)len);
    return rsp_error_ext(c, OT_SPDM_ERR_RESPONSE_TOO_LARGE, 0, ext, sizeof(ext));
  }
  /* DSP0274 1.2 §10.16: ERROR(LargeResponse) with a handle; CHUNK_GET fetches it. */
  r->large_len = len;
  r->large_off = 0;
  r->large_handle++;
  r->chunk_seq = 0;
  r->large_active = true;
  return rsp_error_ext(c, OT_SPDM_ERR_LARGE_RESPONSE, 0, &r->large_handle, 1);
}
