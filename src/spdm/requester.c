/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The requester engine's exchange: one request out, one checked response in
 * (DSP0274 1.3 §9 "Generic SPDM message format", §10.12 "ERROR", §10.13
 * "RESPOND_IF_READY", §10.16 "CHUNK_GET"). Which response answers which
 * request is the table below; everything else about a response is checked by
 * the message's own function.
 */
#include "measurement_l1.h"
#include "requester_internal.h"

#include "opentsm/log.h"
#include "opentsm/secure.h"

#define LOGC "spdm-req"

/* DSP0274 §10 "SPDM request codes" / "SPDM response codes": the response each
 * request expects, and whether ResponseNotReady may answer it (§10.12: not for
 * GET_VERSION, GET_CAPABILITIES, NEGOTIATE_ALGORITHMS, RESPOND_IF_READY). */
typedef struct req_rule {
  uint8_t response;
  bool may_defer;
} req_rule;

static const req_rule rules[256] = {
    [OT_SPDM_GET_VERSION] = {OT_SPDM_VERSION, false},
    [OT_SPDM_GET_CAPABILITIES] = {OT_SPDM_CAPABILITIES, false},
    [OT_SPDM_NEGOTIATE_ALGORITHMS] = {OT_SPDM_ALGORITHMS, false},
    [OT_SPDM_GET_DIGESTS] = {OT_SPDM_DIGESTS, true},
    [OT_SPDM_GET_CERTIFICATE] = {OT_SPDM_CERTIFICATE, true},
    [OT_SPDM_CHALLENGE] = {OT_SPDM_CHALLENGE_AUTH, true},
    [OT_SPDM_GET_MEASUREMENTS] = {OT_SPDM_MEASUREMENTS, true},
    [OT_SPDM_KEY_EXCHANGE] = {OT_SPDM_KEY_EXCHANGE_RSP, true},
    [OT_SPDM_FINISH] = {OT_SPDM_FINISH_RSP, true},
    [OT_SPDM_PSK_EXCHANGE] = {OT_SPDM_PSK_EXCHANGE_RSP, true},
    [OT_SPDM_PSK_FINISH] = {OT_SPDM_PSK_FINISH_RSP, true},
    [OT_SPDM_HEARTBEAT] = {OT_SPDM_HEARTBEAT_ACK, true},
    [OT_SPDM_KEY_UPDATE] = {OT_SPDM_KEY_UPDATE_ACK, true},
    [OT_SPDM_END_SESSION] = {OT_SPDM_END_SESSION_ACK, true},
    [OT_SPDM_VENDOR_DEFINED_REQUEST] = {OT_SPDM_VENDOR_DEFINED_RESPONSE, true},
    [OT_SPDM_CHUNK_GET] = {OT_SPDM_CHUNK_RESPONSE, false},
    [OT_SPDM_GET_ENCAPSULATED_REQUEST] = {OT_SPDM_ENCAPSULATED_REQUEST, true},
    [OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE] = {OT_SPDM_ENCAPSULATED_RESPONSE_ACK, true},
    [OT_SPDM_GET_ENDPOINT_INFO] = {OT_SPDM_ENDPOINT_INFO, true},
    [OT_SPDM_GET_MEASUREMENT_EXTENSION_LOG] = {OT_SPDM_MEASUREMENT_EXTENSION_LOG, true},
    [OT_SPDM_GET_CSR] = {OT_SPDM_CSR, true},
    [OT_SPDM_SET_CERTIFICATE] = {OT_SPDM_SET_CERTIFICATE_RSP, true},
    [OT_SPDM_GET_KEY_PAIR_INFO] = {OT_SPDM_KEY_PAIR_INFO, true},
    [OT_SPDM_SET_KEY_PAIR_INFO] = {OT_SPDM_SET_KEY_PAIR_INFO_ACK, true},
};

void ot_spdm_requester_config_default(ot_spdm_requester_config *cfg, ot_rng *rng, ot_clock *clock) {
  memset(cfg, 0, sizeof(*cfg));
  cfg->rng = rng;
  cfg->clock = clock;
  cfg->versions = OT_SPDM_VMASK_ALL; /* 1.0 .. 1.4; min_version says what is accepted */
  cfg->min_version = OT_SPDM_VERSION_12;
  cfg->caps = OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC |
              OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_HBEAT | OT_SPDM_CAP_KEY_UPD | OT_SPDM_CAP_CHUNK |
              OT_SPDM_CAP_LARGE_RESP;
  cfg->data_transfer_size = 0x1200u;
  cfg->max_msg_size = 0x28000u;
  cfg->algs = ot_spdm_alg_prefs_all;
  cfg->busy_retries = OT_SPDM_BUSY_RETRIES;
  cfg->busy_backoff_ns = OT_SPDM_BUSY_BACKOFF_NS;
  cfg->not_ready_retries = OT_SPDM_NOT_READY_RETRIES;
}

OT_RESULT ot_spdm_requester_init(ot_spdm_requester *q, const ot_spdm_requester_config *cfg,
                                 ot_doe_transport *io) {
  OT_ENSURE(q && cfg && io && cfg->rng && cfg->clock, OT_E_ARG);
  OT_ENSURE(cfg->data_transfer_size >= OT_SPDM_MIN_DATA_TRANSFER_SIZE, OT_E_ARG);
  memset(q, 0, sizeof(*q));
  q->cfg = cfg;
  q->io = io;
  ot_spdm_transcript_init(&q->t);
  return OT_SUCCESS;
}

void req_session_end(ot_spdm_req_session *s) {
  ot_spdm_th_free(&s->th);
  spdm_l1_free(&s->l1);
  ot_spdm_session_teardown(&s->s);
  ot_zeroize(s, sizeof(*s));
}

void ot_spdm_requester_free(ot_spdm_requester *q) {
  for (size_t i = 0; i < OT_SPDM_REQ_MAX_SESSIONS; i++)
    req_session_end(&q->sessions[i]);
  ot_spdm_transcript_free(&q->t);
  ot_zeroize(q, sizeof(*q));
}

const ot_spdm_peer_error *ot_spdm_requester_last_error(const ot_spdm_requester *q) {
  return q != NULL && q->last_error.valid ? &q->last_error : NULL;
}

/* Keeps an ERROR (header at err[0..4)) as the answer to `request`. */
static void req_note_error(ot_spdm_requester *q, uint8_t request, const uint8_t *err) {
  q->last_error =
      (ot_spdm_peer_error){.valid = true, .request = request, .code = err[2], .data = err[3]};
}

ot_status req_peer_error(ot_spdm_requester *q, uint8_t request, const uint8_t *err) {
  req_note_error(q, request, err);
  return ot_spdm_error_status(err[2]);
}

ot_status req_fail(ot_spdm_requester *q, ot_status st) {
  if (!ot_ok(st) && !ot_is(st, OT_E_BUSY)) q->failed = true;
  return st;
}

ot_status req_ready(const ot_spdm_requester *q) {
  OT_ENSURE(!q->failed, OT_E_FAILED);
  OT_ENSURE(q->state == OT_SPDM_CONN_NEGOTIATED, OT_E_STATE);
  return OT_SUCCESS;
}

ot_status req_session(ot_spdm_requester *q, uint32_t id, ot_spdm_req_session **out) {
  for (size_t i = 0; i < OT_SPDM_REQ_MAX_SESSIONS; i++) {
    if (q->sessions[i].used && q->sessions[i].s.session_id == id) {
      *out = &q->sessions[i];
      return OT_SUCCESS;
    }
  }
  OT_BAIL(OT_E_NOT_FOUND);
}

ot_status req_channel(ot_spdm_requester *q, uint32_t session_id, ot_spdm_req_session **s) {
  *s = NULL;
  if (session_id == 0) return OT_SUCCESS;
  OT_GUARD(req_session(q, session_id, s));
  OT_ENSURE((*s)->s.state == OT_SPDM_SESSION_ESTABLISHED, OT_E_STATE);
  return OT_SUCCESS;
}

ot_status req_send_raw(ot_spdm_requester *q, ot_spdm_req_session *s, const uint8_t *req, size_t len,
                       uint8_t *rsp, size_t cap, size_t *rsp_len) {
  if (s) return ot_spdm_doe_send_secured(q->io, &s->s, req, len, rsp, cap, rsp_len);
  return ot_spdm_doe_send_plain(q->io, req, len, rsp, cap, rsp_len);
}

/* Fetches a large response with CHUNK_GET into q->buf (§10.16). */
static ot_status fetch_chunks(ot_spdm_requester *q, ot_spdm_req_session *s, uint8_t version,
                              uint8_t handle, size_t *len) {
  /* ALGORITHMS may come this way too: its version is not in q->neg yet. */
  ot_spdm_sizes cs = {.version = version};
  uint8_t rsp[OT_SPDM_LARGE_MAX / 2];
  size_t got = 0, total = 0;
  for (uint16_t seq = 0;; seq++) {
    uint8_t req[8];
    ot_writer w;
    ot_writer_init(&w, req, sizeof(req));
    ot_spdm_chunk_get g = {.handle = handle, .seq_no = seq};
    OT_GUARD(ot_spdm_encode_chunk_get(&cs, &w, &g));
    size_t n;
    OT_GUARD(req_send_raw(q, s, req, ot_writer_len(&w), rsp, sizeof(rsp), &n));
    /* §10.12: the responder may refuse CHUNK_GET itself with an ERROR. */
    OT_ENSURE(n >= OT_SPDM_HEADER_SIZE, OT_E_TRUNCATED);
    if (rsp[1] == OT_SPDM_ERROR) return req_peer_error(q, OT_SPDM_CHUNK_GET, rsp);
    size_t exact;
    OT_GUARD(ot_spdm_message_length(&cs, rsp, n, &exact));
    ot_reader r;
    ot_reader_init(&r, rsp, exact);
    ot_spdm_chunk c;
    OT_GUARD(ot_spdm_decode_chunk_response(&cs, &r, &c));
    OT_ENSURE(c.handle == handle && c.seq_no == seq, OT_E_UNEXPECTED);
    if (seq == 0) total = c.large_message_size;
    OT_ENSURE(total <= sizeof(q->buf) && c.chunk_size <= total - got, OT_E_TOO_LARGE);
    memcpy(q->buf + got, c.chunk, c.chunk_size);
    got += c.chunk_size;
    if (c.last) break;
    OT_ENSURE(c.chunk_size > 0, OT_E_MALFORMED);
  }
  OT_ENSURE(got == total, OT_E_TRUNCATED);
  *len = got;
  return OT_SUCCESS;
}

/* Sleeps ns on the requester's clock, unless that would end past the
 * deadline: then OT_E_TIMEOUT at once, without sleeping. */
static ot_status req_wait(ot_spdm_requester *q, uint64_t ns) {
  uint64_t dl = q->cfg->deadline_ns;
  if (dl != 0) {
    uint64_t now = ot_clock_now(q->cfg->clock);
    if (now >= dl || ns > dl - now) return ot_status_of(OT_E_TIMEOUT);
  }
  ot_clock_sleep(q->cfg->clock, ns);
  return OT_SUCCESS;
}

/* One request's ResponseNotReady so far (DSP0274 1.3 §10.12, §10.13). */
typedef struct not_ready_state {
  unsigned count;    /* ResponseNotReady received */
  uint64_t first_ns; /* when the first one came */
  uint64_t wt_max_ns;
} not_ready_state;

/* The request failed with `err` (ResponseNotReady or Busy) still in force:
 * kept as the device's answer, with how often we asked again. */
static ot_status req_gave_up(ot_spdm_requester *q, uint8_t request, unsigned retries,
                             ot_status st) {
  q->last_error.retries = (uint8_t)(retries > UINT8_MAX ? UINT8_MAX : retries);
  q->last_error.deadline = ot_is(st, OT_E_TIMEOUT);
  OT_LOGW(LOGC, "request %s: still %s %s after %u retries", ot_spdm_code_name(request),
          ot_spdm_error_name(q->last_error.code),
          q->last_error.deadline ? "at the deadline" : "at the retry limit", retries);
  return st;
}

/*
 * Answers a ResponseNotReady (its 4 extended bytes: RDTExponent, RequestCode,
 * Token, RDTM; DSP0274 1.3 §10.12 table "ResponseNotReady extended error
 * data") with RESPOND_IF_READY (§10.13) after RDT = 2^RDTExponent µs. The
 * Responder is to be ready by WTMax = RDT x RDTM; we ask again while within
 * WTMax, at most cfg->not_ready_retries times, never past the deadline, then
 * refuse naming the request. SPEC-FACTS: ResponseNotReady is no valid answer
 * to RESPOND_IF_READY itself; a device that sends it again is given the
 * benefit of WTMax and the retry count, no more.
 */
static ot_status not_ready(ot_spdm_requester *q, const uint8_t *err, size_t n, uint8_t code,
                           not_ready_state *nr, uint8_t *req, size_t *len) {
  OT_ENSURE(n >= 8, OT_E_TRUNCATED);
  /* The RequestCode must be the request we sent (§10.12 ResponseNotReady). */
  OT_ENSURE(err[5] == code, OT_E_UNEXPECTED);
  req_note_error(q, code, err);
  uint8_t exp = err[4], rdtm = err[7];
  /* 2^63 µs does not fit in ns: any exponent past 40 (12.7 days) is past
   * every deadline we could hold; it is clamped, the deadline refuses it. */
  uint64_t rdt_ns = ((uint64_t)1 << (exp > 40 ? 40 : exp)) * OT_NS_PER_US;
  uint64_t now = ot_clock_now(q->cfg->clock);
  if (nr->count++ == 0) {
    nr->first_ns = now;
    /* RDTM 0 or 1 still allows the one RESPOND_IF_READY after RDT. */
    nr->wt_max_ns = rdt_ns * (rdtm > 1 ? rdtm : 1u);
  }
  unsigned asked = nr->count - 1; /* RESPOND_IF_READY already sent */
  if (asked >= q->cfg->not_ready_retries || now - nr->first_ns + rdt_ns > nr->wt_max_ns)
    return req_gave_up(q, code, asked, ot_spdm_error_status(OT_SPDM_ERR_RESPONSE_NOT_READY));
  ot_status st = req_wait(q, rdt_ns);
  if (!ot_ok(st)) return req_gave_up(q, code, asked, st);
  q->last_error = (ot_spdm_peer_error){0};
  ot_writer w;
  ot_writer_init(&w, req, 8);
  ot_spdm_respond_if_ready rr = {.request_code = code, .token = err[6]};
  OT_GUARD(ot_spdm_encode_respond_if_ready(&q->neg.sizes, &w, &rr));
  *len = ot_writer_len(&w);
  return OT_SUCCESS;
}

/* Busy (§10.12): the same request again after a wait that doubles each time,
 * at most cfg->busy_retries times, never past the deadline. */
static ot_status busy(ot_spdm_requester *q, uint8_t code, unsigned *tries) {
  if (*tries >= q->cfg->busy_retries)
    return req_gave_up(q, code, *tries, ot_spdm_error_status(OT_SPDM_ERR_BUSY));
  uint64_t wait = q->cfg->busy_backoff_ns << (*tries < 16 ? *tries : 16);
  ot_status st = req_wait(q, wait);
  if (!ot_ok(st)) return req_gave_up(q, code, *tries, st);
  (*tries)++;
  q->last_error = (ot_spdm_peer_error){0};
  return OT_SUCCESS;
}

/* One request out, its first answer into q->buf: whole when it fits the
 * responder's DataTransferSize, else in CHUNK_SEND pieces (§10.16). */
static ot_status transact(ot_spdm_requester *q, ot_spdm_req_session *s, const ot_spdm_sizes *sz,
                          const uint8_t *req, size_t len, size_t *n) {
  size_t dts = q->rsp_data_transfer_size;
  if (q->state < OT_SPDM_CONN_AFTER_CAPS || dts == 0 || len <= dts)
    return req_send_raw(q, s, req, len, q->buf, sizeof(q->buf), n);
  OT_ENSURE(q->caps & q->rsp_caps & OT_SPDM_CAP_CHUNK, OT_E_TOO_LARGE);
  return req_chunk_send(q, s, sz, req, len, n);
}

ot_status req_exchange(ot_spdm_requester *q, ot_spdm_req_session *s, const ot_spdm_sizes *sz,
                       const uint8_t *req, size_t len, req_rsp *out) {
  uint8_t code = req[1], ver = req[0], rif[8];
  const req_rule *rule = &rules[code];
  OT_ENSURE(rule->response != 0, OT_E_ARG);
  /* §10.11: any request other than GET_MEASUREMENTS restarts M of its scope
   * (the session's, or the connection's), as the responder does. */
  if (code != OT_SPDM_GET_MEASUREMENTS && q->state == OT_SPDM_CONN_NEGOTIATED)
    OT_GUARD(spdm_l1_reset(&q->t, s ? &s->l1 : NULL));
  const uint8_t *send = req;
  size_t send_len = len, n;
  unsigned busy_tries = 0;
  not_ready_state nr = {0};
  q->last_error = (ot_spdm_peer_error){0};
  /* Bounded: each pass either ends the request or counts one ResponseNotReady
   * (at most not_ready_retries + 1) or one Busy (at most busy_retries + 1). */
  for (;;) {
    OT_GUARD(transact(q, s, sz, send, send_len, &n));
    OT_ENSURE(n >= OT_SPDM_HEADER_SIZE, OT_E_TRUNCATED);
    OT_ENSURE(q->buf[0] == ver, OT_E_VERSION);
    if (q->buf[1] != OT_SPDM_ERROR) break;
    uint8_t err = q->buf[2];
    OT_LOGD(LOGC, "request 0x%02x: ERROR 0x%02x", code, err);
    if (err == OT_SPDM_ERR_RESPONSE_NOT_READY && rule->may_defer) {
      OT_GUARD(not_ready(q, q->buf, n, code, &nr, rif, &send_len));
      send = rif;
    } else if (err == OT_SPDM_ERR_BUSY) {
      /* Before the Busy is overwritten: it is the answer if we give up. */
      req_note_error(q, code, q->buf);
      OT_GUARD(busy(q, code, &busy_tries));
      send = req;
      send_len = len;
    } else if (err == OT_SPDM_ERR_LARGE_RESPONSE && n >= 5 &&
               (q->caps & q->rsp_caps & OT_SPDM_CAP_CHUNK)) {
      OT_GUARD(fetch_chunks(q, s, ver, q->buf[4], &n));
      break;
    } else {
      /* §10.12: any other ERROR ends the request; say which the device sent. */
      return req_peer_error(q, code, q->buf);
    }
  }
  OT_ENSURE(q->buf[1] == rule->response, OT_E_UNEXPECTED);
  size_t exact;
  OT_GUARD(ot_spdm_message_length(sz, q->buf, n, &exact));
  out->msg = q->buf;
  out->len = exact;
  return OT_SUCCESS;
}
