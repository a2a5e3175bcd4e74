/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TSM's TDISP requester (PCIe r6.0 §11.3; flow of SPEC-FACTS §6.5): each
 * call builds one request, sends it through the transport inside the SPDM
 * session and checks the answer before it believes anything in it.
 */
#include <string.h>

#include "tdisp_internal.h"

/* The largest request this requester sends: ProtocolID + header + START's nonce. */
#define REQ_MAX (1u + OT_TDISP_HEADER_SIZE + OT_TDISP_NONCE_SIZE)
_Static_assert(OT_TDISP_NONCE_SIZE >= OT_TDISP_LOCK_BODY, "START is the largest request");

ot_status ot_tdisp_req_init(ot_tdisp_requester *r, ot_tdisp_transport *t, uint32_t session_id,
                            uint32_t function_id) {
  OT_ENSURE(r && t && t->exchange, OT_E_ARG);
  OT_ENSURE((function_id & ~OT_TDISP_FUNCTION_ID_DEFINED) == 0, OT_E_ARG);
  memset(r, 0, sizeof *r);
  r->t = t;
  r->session_id = session_id;
  r->function_id = function_id;
  return OT_SUCCESS;
}

void ot_tdisp_req_reset(ot_tdisp_requester *r) { ot_zeroize(r, sizeof *r); }

/* Sends `req` (code and body set by the caller) and decodes the answer into
 * *rsp, which must be `want` from the same TDI at version 1.0. */
static ot_status exchange(ot_tdisp_requester *r, ot_tdisp_msg *req, uint8_t want,
                          ot_tdisp_msg *rsp) {
  uint8_t buf[REQ_MAX];
  ot_status st;
  ot_writer w;
  ot_reader rd;
  const uint8_t *msg;
  size_t msg_len, rsp_len = 0;
  req->version = OT_TDISP_VERSION_10;
  req->function_id = r->function_id;
  ot_writer_init(&w, buf, sizeof buf);
  OT_GUARD_GOTO(st, ot_tdisp_payload_encode(&w, req), out);
  OT_GUARD_GOTO(
      st,
      r->t->exchange(r->t, r->session_id, buf, ot_writer_len(&w), r->rsp, sizeof r->rsp, &rsp_len),
      out);
  OT_ENSURE_GOTO(st, rsp_len <= sizeof r->rsp, OT_E_INTERNAL, out);
  OT_GUARD_GOTO(st, ot_tdisp_payload_open(r->rsp, rsp_len, &msg, &msg_len), out);
  ot_reader_init(&rd, msg, msg_len);
  OT_GUARD_GOTO(st, ot_tdisp_decode(&rd, rsp), out);
  /* Responses echo the FUNCTION_ID they answer (SPEC-FACTS §6.5). */
  OT_ENSURE_GOTO(st, rsp->function_id == r->function_id, OT_E_MALFORMED, out);
  if (rsp->code == OT_TDISP_ERROR) {
    r->last_error = rsp->u.error;
    r->last_error.has_ext = false; /* the bytes behind ext are not kept */
    memset(&r->last_error.ext, 0, sizeof r->last_error.ext);
    OT_ENSURE_GOTO(st, false, OT_E_PEER_ERROR, out);
  }
  OT_ENSURE_GOTO(st, rsp->code == want, OT_E_UNEXPECTED, out);
  st = OT_SUCCESS;
out:
  ot_zeroize(buf, sizeof buf); /* START carries the nonce */
  return st;
}

static ot_tdisp_msg request(uint8_t code) {
  ot_tdisp_msg m;
  memset(&m, 0, sizeof m);
  m.code = code;
  return m;
}

ot_status ot_tdisp_req_get_version(ot_tdisp_requester *r) {
  ot_tdisp_msg q = request(OT_TDISP_GET_VERSION), a;
  OT_GUARD(exchange(r, &q, OT_TDISP_VERSION, &a));
  for (size_t i = 0; i < a.u.version.count; i++)
    if (a.u.version.versions[i] == OT_TDISP_VERSION_10) return OT_SUCCESS;
  OT_BAIL(OT_E_NEGOTIATION);
}

ot_status ot_tdisp_req_get_capabilities(ot_tdisp_requester *r, uint32_t tsm_caps,
                                        ot_tdisp_caps *out) {
  ot_tdisp_msg q = request(OT_TDISP_GET_CAPABILITIES), a;
  q.u.tsm_caps = tsm_caps;
  OT_GUARD(exchange(r, &q, OT_TDISP_CAPABILITIES, &a));
  r->caps = a.u.caps;
  r->have_caps = true;
  if (out) *out = a.u.caps;
  return OT_SUCCESS;
}

ot_status ot_tdisp_req_lock(ot_tdisp_requester *r, const ot_tdisp_lock_params *p) {
  OT_ENSURE(p, OT_E_ARG);
  /* Flags must be a subset of LOCK_INTERFACE_FLAGS_SUPPORTED (SPEC-FACTS §6.5). */
  if (r->have_caps) OT_ENSURE((p->flags & ~r->caps.lock_flags_supported) == 0, OT_E_ARG);
  ot_tdisp_msg q = request(OT_TDISP_LOCK_INTERFACE_REQUEST), a;
  q.u.lock = *p;
  ot_zeroize(r->nonce, sizeof r->nonce);
  r->have_nonce = false;
  OT_GUARD(exchange(r, &q, OT_TDISP_LOCK_INTERFACE_RESPONSE, &a));
  memcpy(r->nonce, a.u.nonce, sizeof r->nonce);
  ot_zeroize(&a, sizeof a);
  r->have_nonce = true;
  return OT_SUCCESS;
}

ot_status ot_tdisp_req_get_report(ot_tdisp_requester *r, uint16_t piece, uint8_t *buf, size_t cap,
                                  size_t *len, ot_tdisp_report *rep) {
  OT_ENSURE(piece != 0 && buf && len && rep, OT_E_ARG);
  size_t have = 0;
  size_t total = 0; /* known after the first answer */
  do {
    OT_ENSURE(have <= 0xFFFFu, OT_E_TOO_LARGE);
    ot_tdisp_msg q = request(OT_TDISP_GET_DEVICE_INTERFACE_REPORT), a;
    q.u.get_report.offset = (uint16_t)have;
    q.u.get_report.length = piece;
    OT_GUARD(exchange(r, &q, OT_TDISP_DEVICE_INTERFACE_REPORT, &a));
    size_t n = a.u.report.portion_len, rest = a.u.report.remainder_len;
    /* A piece is 1..LENGTH bytes; the remainder is what is left after it. */
    OT_ENSURE(n >= 1 && (piece == OT_TDISP_REPORT_LENGTH_ALL || n <= piece), OT_E_MALFORMED);
    if (have == 0) total = n + rest;
    OT_ENSURE(have + n + rest == total, OT_E_MALFORMED);
    OT_ENSURE(total <= cap, OT_E_NO_SPACE);
    memcpy(buf + have, a.u.report.portion, n);
    have += n;
  } while (have < total);
  OT_GUARD(ot_tdisp_report_parse(buf, total, rep));
  *len = total;
  return OT_SUCCESS;
}

ot_status ot_tdisp_req_get_state(ot_tdisp_requester *r, ot_tdisp_state *out) {
  ot_tdisp_msg q = request(OT_TDISP_GET_DEVICE_INTERFACE_STATE), a;
  OT_GUARD(exchange(r, &q, OT_TDISP_DEVICE_INTERFACE_STATE, &a));
  *out = (ot_tdisp_state)a.u.tdi_state;
  return OT_SUCCESS;
}

ot_status ot_tdisp_req_start(ot_tdisp_requester *r) {
  OT_ENSURE(r->have_nonce, OT_E_STATE);
  ot_tdisp_msg q = request(OT_TDISP_START_INTERFACE_REQUEST), a;
  memcpy(q.u.nonce, r->nonce, sizeof q.u.nonce);
  ot_status st = exchange(r, &q, OT_TDISP_START_INTERFACE_RESPONSE, &a);
  /* The nonce is single-use whatever the answer. */
  ot_zeroize(q.u.nonce, sizeof q.u.nonce);
  ot_zeroize(r->nonce, sizeof r->nonce);
  r->have_nonce = false;
  return st;
}

ot_status ot_tdisp_req_stop(ot_tdisp_requester *r) {
  ot_tdisp_msg q = request(OT_TDISP_STOP_INTERFACE_REQUEST), a;
  ot_zeroize(r->nonce, sizeof r->nonce);
  r->have_nonce = false;
  return exchange(r, &q, OT_TDISP_STOP_INTERFACE_RESPONSE, &a);
}
