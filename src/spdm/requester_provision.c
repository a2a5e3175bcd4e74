/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: GET_CSR and SET_CERTIFICATE (DSP0274 1.2, with the 1.3
 * KeyPairID / RequestAttributes / SetCertModel fields), in the clear
 * (session_id 0) or in an established session.
 */
#include "requester_internal.h"

#include "opentsm/x509.h"

static ot_status get_csr(ot_spdm_requester *q, ot_spdm_req_session *s, const ot_spdm_get_csr *g,
                         uint8_t *out, size_t cap, size_t *out_len) {
  uint8_t req[8 + OT_SPDM_CSR_MAX + OT_SPDM_MAX_OPAQUE_DATA_SIZE];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_get_csr(&q->neg.sizes, &w, g));
  req_rsp r;
  OT_GUARD(req_exchange(q, s, &q->neg.sizes, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_csr m;
  OT_GUARD(ot_spdm_decode_csr(&q->neg.sizes, &rd, &m));
  /* The CSR must be a well-formed, self-signed PKCS#10 request (RFC 2986). */
  OT_GUARD(ot_x509_csr_check(m.csr, m.csr_len, NULL, NULL, 0, NULL));
  OT_ENSURE(m.csr_len <= cap, OT_E_NO_SPACE);
  memcpy(out, m.csr, m.csr_len);
  *out_len = m.csr_len;
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_requester_get_csr(ot_spdm_requester *q, uint32_t session_id, uint8_t key_pair_id,
                                    uint8_t attributes, const uint8_t *requester_info,
                                    size_t info_len, uint8_t *out, size_t cap, size_t *out_len) {
  OT_ENSURE(q && out && out_len && (requester_info || info_len == 0), OT_E_ARG);
  OT_ENSURE(info_len <= OT_SPDM_CSR_MAX, OT_E_TOO_LARGE);
  OT_GUARD(req_ready(q));
  OT_ENSURE(q->rsp_caps & OT_SPDM_CAP_CSR, OT_E_UNSUPPORTED);
  ot_spdm_req_session *s;
  OT_GUARD(req_channel(q, session_id, &s));
  ot_spdm_get_csr g = {.key_pair_id = key_pair_id,
                       .attributes = attributes,
                       .requester_info_len = (uint16_t)info_len,
                       .requester_info = requester_info};
  ot_status st = get_csr(q, s, &g, out, cap, out_len);
  if (s && !ot_ok(st) && ot_spdm_session_failed(&s->s)) req_session_end(s);
  return req_fail(q, st);
}

uint8_t ot_spdm_requester_csr_tag(const ot_spdm_requester *q) {
  if (q == NULL) return 0;
  const ot_spdm_peer_error *e = &q->last_error;
  /* DSP0274 1.3 GET_CSR / ERROR ResetRequired: ErrorData is the
   * CSRTrackingTag (1..7) of the CSR the reset finishes; in 1.2 it is
   * reserved (libspdm reads it from 1.3 on). */
  if (!e->valid || e->request != OT_SPDM_GET_CSR || e->code != OT_SPDM_ERR_RESET_REQUIRED ||
      q->neg.version < OT_SPDM_VERSION_13)
    return 0;
  return e->data <= OT_SPDM_CSR_TAG_MAX ? e->data : 0;
}

static ot_status set_cert(ot_spdm_requester *q, ot_spdm_req_session *s,
                          const ot_spdm_set_certificate *m) {
  uint8_t req[OT_SPDM_LARGE_MAX / 2 + 8];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_set_certificate(&q->neg.sizes, &w, m));
  req_rsp r;
  OT_GUARD(req_exchange(q, s, &q->neg.sizes, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_set_certificate_rsp a;
  OT_GUARD(ot_spdm_decode_set_certificate_rsp(&q->neg.sizes, &rd, &a));
  OT_ENSURE(a.slot_id == m->slot_id, OT_E_MALFORMED);
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_requester_set_certificate(ot_spdm_requester *q, uint32_t session_id, uint8_t slot,
                                            uint8_t key_pair_id, uint8_t cert_model,
                                            const uint8_t *der, size_t len) {
  OT_ENSURE(q && slot < OT_SPDM_MAX_SLOT_COUNT && (der || len == 0), OT_E_ARG);
  OT_GUARD(req_ready(q));
  OT_ENSURE(q->rsp_caps & OT_SPDM_CAP_SET_CERT, OT_E_UNSUPPORTED);
  ot_spdm_req_session *s;
  OT_GUARD(req_channel(q, session_id, &s));
  ot_spdm_set_certificate m = {
      .slot_id = slot, .key_pair_id = key_pair_id, .cert_model = cert_model, .erase = der == NULL};
  uint8_t chain[OT_SPDM_LARGE_MAX / 2];
  if (der) {
    /* The SPDM certificate chain: Length | Reserved | RootHash | certificates
     * (DSP0274 "Certificate chain format"), RootHash over the first one. */
    ot_x509_chain x;
    OT_GUARD(ot_x509_chain_parse(der, len, &x));
    uint8_t root_hash[OT_HASH_MAX_SIZE];
    OT_GUARD(ot_hash(q->neg.hash, x.certs[0].der, x.certs[0].len, root_hash, sizeof(root_hash)));
    ot_spdm_cert_chain c = {.root_hash = root_hash, .certs = der, .certs_len = len};
    ot_writer w;
    ot_writer_init(&w, chain, sizeof(chain));
    OT_GUARD(ot_spdm_cert_chain_encode(q->neg.sizes.hash_len, &w, &c));
    m.chain = chain;
    m.chain_len = (uint16_t)ot_writer_len(&w);
  }
  ot_status st = set_cert(q, s, &m);
  /* What we knew of the slot no longer holds (§10.5: its digest changes). */
  q->slots[slot].verified = false;
  if (s && !ot_ok(st) && ot_spdm_session_failed(&s->s)) req_session_end(s);
  return req_fail(q, st);
}

static ot_status key_pair_info(ot_spdm_requester *q, ot_spdm_req_session *s, uint8_t id,
                               ot_spdm_key_pair_info *out, uint8_t *pki, size_t cap) {
  ot_spdm_get_key_pair_info g = {.key_pair_id = id};
  uint8_t req[8];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_get_key_pair_info(&q->neg.sizes, &w, &g));
  req_rsp r;
  OT_GUARD(req_exchange(q, s, &q->neg.sizes, req, ot_writer_len(&w), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_key_pair_info m;
  OT_GUARD(ot_spdm_decode_key_pair_info(&q->neg.sizes, &rd, &m));
  /* DSP0274 1.3 §10.26: the pair asked for; its current usage and algorithm
   * among its capabilities. */
  OT_ENSURE(m.key_pair_id == id, OT_E_MALFORMED);
  OT_ENSURE((m.current_key_usage & ~m.key_usage_caps) == 0, OT_E_MALFORMED);
  OT_ENSURE((m.current_asym_algo & ~m.asym_algo_caps) == 0, OT_E_MALFORMED);
  OT_ENSURE(m.public_key_info_len <= cap, OT_E_NO_SPACE);
  if (m.public_key_info_len) memcpy(pki, m.public_key_info, m.public_key_info_len);
  m.public_key_info = pki;
  *out = m;
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_requester_get_key_pair_info(ot_spdm_requester *q, uint32_t session_id,
                                              uint8_t key_pair_id, ot_spdm_key_pair_info *out,
                                              uint8_t *public_key_info, size_t cap) {
  OT_ENSURE(q && out && key_pair_id != 0 && (public_key_info || cap == 0), OT_E_ARG);
  OT_GUARD(req_ready(q));
  OT_ENSURE(q->neg.version >= OT_SPDM_VERSION_13 && (q->rsp_caps & OT_SPDM_CAP_GET_KEY_PAIR_INFO),
            OT_E_UNSUPPORTED);
  ot_spdm_req_session *s;
  OT_GUARD(req_channel(q, session_id, &s));
  ot_status st = key_pair_info(q, s, key_pair_id, out, public_key_info, cap);
  if (s && !ot_ok(st) && ot_spdm_session_failed(&s->s)) req_session_end(s);
  return req_fail(q, st);
}
