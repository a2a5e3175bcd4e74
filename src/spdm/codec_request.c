/* SPDX-License-Identifier: BSD-3-Clause */
/* Decode any SPDM request by its code, and find the exact length of a
 * DOE-padded request: the responder's half of the codec, on its own so that a
 * device build links no response decoder and no request encoder
 * (codec_dispatch.c has the other halves and the names). A dense table with a
 * row per request; the rows of optional features follow
 * opentsm/spdm_features.h, like the responder's rule table. */
#include "codec_internal.h"

/* Adapters from the union to each message's own read body. */
#define READ(fn, member)                                                                           \
  static ot_status read_##fn(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_request *m) {          \
    return spdm_read_##fn(sz, r, &m->u.member);                                                    \
  }
#define READ_EMPTY(fn, code)                                                                       \
  static ot_status read_##fn(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_request *m) {          \
    (void)m;                                                                                       \
    return spdm_hdr_read(sz, r, code, NULL, NULL);                                                 \
  }

READ_EMPTY(get_version, OT_SPDM_GET_VERSION)
READ(get_capabilities, get_capabilities)
READ(negotiate_algorithms, negotiate_algorithms)
READ_EMPTY(get_digests, OT_SPDM_GET_DIGESTS)
READ(get_certificate, get_certificate)
READ(challenge, challenge)
READ(get_measurements, get_measurements)
READ(key_exchange, key_exchange)
READ(finish, finish)
READ_EMPTY(heartbeat, OT_SPDM_HEARTBEAT)
READ(key_update, key_update)
READ(end_session, end_session)
READ(vendor_request, vendor)
READ(respond_if_ready, respond_if_ready)
OT_SPDM_IF_PSK(READ(psk_exchange, psk_exchange))
OT_SPDM_IF_PSK(READ(psk_finish, psk_finish))
OT_SPDM_IF_CHUNK(READ(chunk_send, chunk_send))
OT_SPDM_IF_CHUNK(READ(chunk_get, chunk_get))
OT_SPDM_IF_MUT_AUTH(READ_EMPTY(get_encapsulated_request, OT_SPDM_GET_ENCAPSULATED_REQUEST))
OT_SPDM_IF_MUT_AUTH(READ(deliver_encapsulated_response, encap))
OT_SPDM_IF_EP_INFO(READ(get_endpoint_info, get_endpoint_info))
OT_SPDM_IF_MEL(READ(get_mel, get_mel))
OT_SPDM_IF_PROVISION(READ(get_csr, get_csr))
OT_SPDM_IF_PROVISION(READ(set_certificate, set_certificate))
OT_SPDM_IF_KEY_PAIR_INFO(READ(get_key_pair_info, get_key_pair_info))
OT_SPDM_IF_KEY_PAIR_INFO(READ(set_key_pair_info, set_key_pair_info))

typedef struct req_reader {
  uint8_t code;
  spdm_request_read_fn read;
} req_reader;

static const req_reader readers[] = {
    {OT_SPDM_GET_VERSION, read_get_version},
    {OT_SPDM_GET_CAPABILITIES, read_get_capabilities},
    {OT_SPDM_NEGOTIATE_ALGORITHMS, read_negotiate_algorithms},
    {OT_SPDM_GET_DIGESTS, read_get_digests},
    {OT_SPDM_GET_CERTIFICATE, read_get_certificate},
    {OT_SPDM_CHALLENGE, read_challenge},
    {OT_SPDM_GET_MEASUREMENTS, read_get_measurements},
    {OT_SPDM_KEY_EXCHANGE, read_key_exchange},
    {OT_SPDM_FINISH, read_finish},
    {OT_SPDM_HEARTBEAT, read_heartbeat},
    {OT_SPDM_KEY_UPDATE, read_key_update},
    {OT_SPDM_END_SESSION, read_end_session},
    {OT_SPDM_VENDOR_DEFINED_REQUEST, read_vendor_request},
    {OT_SPDM_RESPOND_IF_READY, read_respond_if_ready},
    OT_SPDM_IF_PSK({OT_SPDM_PSK_EXCHANGE, read_psk_exchange}, )
    OT_SPDM_IF_PSK({OT_SPDM_PSK_FINISH, read_psk_finish}, )
    OT_SPDM_IF_CHUNK({OT_SPDM_CHUNK_SEND, read_chunk_send}, )
    OT_SPDM_IF_CHUNK({OT_SPDM_CHUNK_GET, read_chunk_get}, )
    OT_SPDM_IF_MUT_AUTH({OT_SPDM_GET_ENCAPSULATED_REQUEST, read_get_encapsulated_request}, )
    OT_SPDM_IF_MUT_AUTH({OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE,
                         read_deliver_encapsulated_response}, )
    OT_SPDM_IF_EP_INFO({OT_SPDM_GET_ENDPOINT_INFO, read_get_endpoint_info}, )
    OT_SPDM_IF_MEL({OT_SPDM_GET_MEASUREMENT_EXTENSION_LOG, read_get_mel}, )
    OT_SPDM_IF_PROVISION({OT_SPDM_GET_CSR, read_get_csr}, )
    OT_SPDM_IF_PROVISION({OT_SPDM_SET_CERTIFICATE, read_set_certificate}, )
    OT_SPDM_IF_KEY_PAIR_INFO({OT_SPDM_GET_KEY_PAIR_INFO, read_get_key_pair_info}, )
    OT_SPDM_IF_KEY_PAIR_INFO({OT_SPDM_SET_KEY_PAIR_INFO, read_set_key_pair_info}, )
};

spdm_request_read_fn spdm_request_reader(uint8_t code) {
  for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
    if (readers[i].code == code) return readers[i].read;
  return NULL;
}

/* The code byte of the message at the reader's position, after checking the
 * request bit (DSP0274 "SPDM request codes": bit 7 set). */
static ot_status request_reader(const ot_reader *r, uint8_t *code, spdm_request_read_fn *read) {
  OT_GUARD(ot_reader_status(r));
  OT_ENSURE(ot_reader_remaining(r) >= 2, OT_E_TRUNCATED);
  *code = r->data[r->off + 1];
  *read = OT_SPDM_CODE_IS_REQUEST(*code) ? spdm_request_reader(*code) : NULL;
  OT_ENSURE(*read != NULL, OT_E_UNSUPPORTED);
  return OT_SUCCESS;
}

ot_status ot_spdm_decode_request(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_request *out) {
  uint8_t code;
  spdm_request_read_fn read;
  ot_spdm_request tmp;
  OT_GUARD(request_reader(r, &code, &read));
  memset(&tmp, 0, sizeof tmp);
  tmp.code = code;
  OT_GUARD(read(sz, r, &tmp));
  OT_GUARD(ot_reader_finish(r));
  *out = tmp;
  return OT_SUCCESS;
}

ot_status ot_spdm_request_length(const ot_spdm_sizes *sz, const uint8_t *buf, size_t len,
                                 size_t *out) {
  OT_ENSURE(buf != NULL || len == 0, OT_E_ARG);
  ot_reader r;
  uint8_t code;
  spdm_request_read_fn read;
  ot_spdm_request m;
  ot_reader_init(&r, buf, len);
  OT_GUARD(request_reader(&r, &code, &read));
  memset(&m, 0, sizeof m);
  OT_GUARD(read(sz, &r, &m));
  size_t n = ot_reader_offset(&r);
  /* PCIe r6.0 §6.30.1: a data object is whole DWs, so at most 3 bytes of padding. */
  OT_ENSURE(len - n < 4, OT_E_TRAILING);
  *out = n;
  return OT_SUCCESS;
}
