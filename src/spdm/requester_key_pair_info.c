/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: SET_KEY_PAIR_INFO (DSP0274 1.3 §10.27 "SET_KEY_PAIR_INFO request
 * and SET_KEY_PAIR_INFO_ACK response messages"), in the clear or in an
 * established session. GET_KEY_PAIR_INFO is in requester_provision.c.
 */
#include "requester_internal.h"

/* 1.4 DesiredPqcAsymAlgo: none, as a 4-byte field (what libspdm writes). */
static const uint8_t no_pqc[4] = {0, 0, 0, 0};

static ot_status set_key_pair(ot_spdm_requester *q, ot_spdm_req_session *s,
                              const ot_spdm_set_key_pair_info *m) {
  uint8_t req[OT_SPDM_SET_KEY_PAIR_INFO_FIXED + 1 + sizeof(no_pqc)];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_set_key_pair_info(&q->neg.sizes, &w, m));
  req_rsp r;
  OT_GUARD(req_exchange(q, s, &q->neg.sizes, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  return ot_spdm_decode_set_key_pair_info_ack(&q->neg.sizes, &rd);
}

OT_RESULT ot_spdm_requester_set_key_pair_info(ot_spdm_requester *q, uint32_t session_id,
                                              const ot_spdm_set_key_pair_info *req) {
  OT_ENSURE(q && req && req->key_pair_id != 0 && req->operation <= OT_SPDM_KEY_PAIR_OP_GENERATE,
            OT_E_ARG);
  OT_GUARD(req_ready(q));
  OT_ENSURE(q->neg.version >= OT_SPDM_VERSION_13 && (q->rsp_caps & OT_SPDM_CAP_SET_KEY_PAIR_INFO),
            OT_E_UNSUPPORTED);
  ot_spdm_req_session *s;
  OT_GUARD(req_channel(q, session_id, &s));
  ot_spdm_set_key_pair_info m = *req;
  bool erase = m.operation == OT_SPDM_KEY_PAIR_OP_ERASE;
  m.short_erase = erase;
  m.desired_pqc_len = 0;
  m.desired_pqc = NULL;
  if (!erase && q->neg.version >= OT_SPDM_VERSION_14) {
    m.desired_pqc_len = sizeof(no_pqc);
    m.desired_pqc = no_pqc;
  }
  ot_status st = set_key_pair(q, s, &m);
  if (s && !ot_ok(st) && ot_spdm_session_failed(&s->s)) req_session_end(s);
  return req_fail(q, st);
}
