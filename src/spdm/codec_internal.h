/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared pieces of the SPDM codec (src/spdm/codec_*.c); see opentsm/spdm_codec.h.
 * Each message has a "read" body that consumes exactly its bytes and leaves
 * anything after it alone (so the same code finds the exact length of a padded
 * message) and public encode/decode functions; SPDM_DEFINE_DECODE turns a read
 * body into the strict public decoder.
 */
#ifndef OT_SPDM_CODEC_INTERNAL_H
#define OT_SPDM_CODEC_INTERNAL_H

#include <string.h>

#include "opentsm/spdm_codec.h"
#include "opentsm/spdm_features.h"

/* Reads the 4-byte header: SPDMVersion must be the expected one, the code must
 * be `code`. GET_VERSION and VERSION expect 0x10, everything else sz->version,
 * which must be 1.0 .. 1.4. Param1/Param2 go to p1/p2 (either may be NULL when
 * the parameter is reserved: it is then ignored). */
ot_status spdm_hdr_read(const ot_spdm_sizes *sz, ot_reader *r, uint8_t code, uint8_t *p1,
                        uint8_t *p2);
/* Writes the header for `code` with the version rules above. */
ot_status spdm_hdr_write(const ot_spdm_sizes *sz, ot_writer *w, uint8_t code, uint8_t p1,
                         uint8_t p2);
/* True for a 1.3 (or later) connection. */
static inline bool spdm_is_13(const ot_spdm_sizes *sz) { return sz->version >= OT_SPDM_VERSION_13; }
/* True when the connection's version is v or later (v one of OT_SPDM_VERSION_*).
 * A build without SPDM 1.0/1.1 (opentsm/spdm_features.h) meets no connection
 * older than 1.2, so their layouts fold away. */
static inline bool spdm_ver_ge(const ot_spdm_sizes *sz, uint8_t v) {
  return (!OT_SPDM_WITH_V10_11 && v <= OT_SPDM_VERSION_12) || sz->version >= v;
}

/* Borrows n bytes when `present`, else sets *out to NULL and reads nothing. */
ot_status spdm_read_opt(ot_reader *r, bool present, size_t n, const uint8_t **out);
/* Writes n bytes from p when `present` (p must then be non-NULL: OT_E_ARG). */
ot_status spdm_write_opt(ot_writer *w, bool present, const uint8_t *p, size_t n);
/* OpaqueDataLength(2) + OpaqueData, at most 1024 bytes (OT_E_TOO_LARGE). */
ot_status spdm_read_opaque(ot_reader *r, uint16_t *len, const uint8_t **data);
ot_status spdm_write_opaque(ot_writer *w, uint16_t len, const uint8_t *data);
/* Bytes from p, which must be non-NULL unless n is 0 (OT_E_ARG). */
ot_status spdm_write_span(ot_writer *w, const uint8_t *p, size_t n);
/* MeasurementSummaryHashType: 0, 1 or 0xFF (OT_E_MALFORMED otherwise). */
ot_status spdm_check_summary_type(uint8_t t);
/* SlotID 0..7, or 0xFF where the provisioned public key is allowed. */
ot_status spdm_check_slot(uint8_t slot, bool allow_provisioned);

/* Read bodies, one per message (see the header comment). */
#define SPDM_READ(name, type)                                                                      \
  ot_status spdm_read_##name(const ot_spdm_sizes *sz, ot_reader *r, type *m);
SPDM_READ(version, ot_spdm_version)
SPDM_READ(get_capabilities, ot_spdm_capabilities)
SPDM_READ(capabilities, ot_spdm_capabilities)
SPDM_READ(negotiate_algorithms, ot_spdm_alg_offer)
SPDM_READ(algorithms, ot_spdm_algorithms)
SPDM_READ(digests, ot_spdm_digests)
SPDM_READ(get_certificate, ot_spdm_get_certificate)
SPDM_READ(certificate, ot_spdm_certificate)
SPDM_READ(challenge, ot_spdm_challenge)
SPDM_READ(challenge_auth, ot_spdm_challenge_auth)
SPDM_READ(get_measurements, ot_spdm_get_measurements)
SPDM_READ(measurements, ot_spdm_measurements)
SPDM_READ(key_exchange, ot_spdm_key_exchange)
SPDM_READ(key_exchange_rsp, ot_spdm_key_exchange_rsp)
SPDM_READ(finish, ot_spdm_finish)
SPDM_READ(finish_rsp, ot_spdm_finish_rsp)
SPDM_READ(psk_exchange, ot_spdm_psk_exchange)
SPDM_READ(psk_exchange_rsp, ot_spdm_psk_exchange_rsp)
SPDM_READ(psk_finish, ot_spdm_psk_finish)
SPDM_READ(key_update, ot_spdm_key_update)
SPDM_READ(key_update_ack, ot_spdm_key_update)
SPDM_READ(end_session, ot_spdm_end_session)
SPDM_READ(vendor_request, ot_spdm_vendor_defined)
SPDM_READ(vendor_response, ot_spdm_vendor_defined)
SPDM_READ(respond_if_ready, ot_spdm_respond_if_ready)
SPDM_READ(error, ot_spdm_error)
SPDM_READ(chunk_send, ot_spdm_chunk)
SPDM_READ(chunk_send_ack, ot_spdm_chunk_send_ack)
SPDM_READ(chunk_get, ot_spdm_chunk_get)
SPDM_READ(chunk_response, ot_spdm_chunk)
SPDM_READ(encapsulated_request, ot_spdm_encap)
SPDM_READ(deliver_encapsulated_response, ot_spdm_encap)
SPDM_READ(encapsulated_response_ack, ot_spdm_encap)
SPDM_READ(get_endpoint_info, ot_spdm_get_endpoint_info)
SPDM_READ(endpoint_info, ot_spdm_endpoint_info)
SPDM_READ(get_mel, ot_spdm_get_mel)
SPDM_READ(mel, ot_spdm_mel)
SPDM_READ(get_csr, ot_spdm_get_csr)
SPDM_READ(csr, ot_spdm_csr)
SPDM_READ(set_certificate, ot_spdm_set_certificate)
SPDM_READ(set_certificate_rsp, ot_spdm_set_certificate_rsp)
SPDM_READ(get_key_pair_info, ot_spdm_get_key_pair_info)
SPDM_READ(key_pair_info, ot_spdm_key_pair_info)
SPDM_READ(set_key_pair_info, ot_spdm_set_key_pair_info)
#undef SPDM_READ

/* The public decoder of a message: read into a local, reject trailing bytes,
 * then commit. */
#define SPDM_DEFINE_DECODE(name, type)                                                             \
  ot_status ot_spdm_decode_##name(const ot_spdm_sizes *sz, ot_reader *r, type *m) {                \
    type tmp;                                                                                      \
    memset(&tmp, 0, sizeof tmp);                                                                   \
    OT_GUARD(spdm_read_##name(sz, r, &tmp));                                                       \
    OT_GUARD(ot_reader_finish(r));                                                                 \
    *m = tmp;                                                                                      \
    return OT_SUCCESS;                                                                             \
  }

/* A header-only message whose parameters are reserved. */
#define SPDM_DEFINE_EMPTY(name, code)                                                              \
  ot_status ot_spdm_encode_##name(const ot_spdm_sizes *sz, ot_writer *w) {                         \
    return spdm_hdr_write(sz, w, code, 0, 0);                                                      \
  }                                                                                                \
  ot_status ot_spdm_decode_##name(const ot_spdm_sizes *sz, ot_reader *r) {                         \
    OT_GUARD(spdm_hdr_read(sz, r, code, NULL, NULL));                                              \
    return ot_reader_finish(r);                                                                    \
  }

/* The read body of request `code` (codec_request.c), NULL when this build
 * decodes no such request (opentsm/spdm_features.h). */
typedef ot_status (*spdm_request_read_fn)(const ot_spdm_sizes *, ot_reader *, ot_spdm_request *);
spdm_request_read_fn spdm_request_reader(uint8_t code);

/* Algorithm fields shared by NEGOTIATE_ALGORITHMS, ALGORITHMS and the 1.3
 * CAPABILITIES Supported Algorithms block (codec_algorithms.c). The offer body
 * starts at MeasurementSpecification (after Length). */
ot_status spdm_read_alg_offer_body(uint8_t version, ot_reader *r, uint8_t alg_count,
                                   ot_spdm_alg_offer *m);
ot_status spdm_write_alg_offer_body(uint8_t version, ot_writer *w, const ot_spdm_alg_offer *m);
ot_status spdm_read_alg_structs(uint8_t version, ot_reader *r, uint8_t count,
                                ot_spdm_alg_struct *alg);
ot_status spdm_write_alg_structs(uint8_t version, ot_writer *w, uint8_t count,
                                 const ot_spdm_alg_struct *alg);
ot_status spdm_read_ext_algs(ot_reader *r, uint8_t count, ot_spdm_ext_algs *out);

#endif
