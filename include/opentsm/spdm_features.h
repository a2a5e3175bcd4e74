/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Optional SPDM responder features, chosen at build time.
 *
 * @layer spdm
 *
 * The host build has every feature (each macro defaults to 1). A firmware
 * build (firmware/CMakeLists.txt, options OT_FW_<FEATURE>) sets the ones its
 * device does not need to 0: their requests leave the responder's rule table
 * (responder.c, responder_internal.h) and the request decoder
 * (codec_request.c), --gc-sections then drops their handlers and codecs, and
 * their capability flags leave OT_SPDM_RSP_CAPS_BUILT, so CAPABILITIES never
 * advertises them and ot_spdm_responder_init refuses a configuration asking
 * for them. A request of a feature left out gets ERROR(UnsupportedRequest)
 * (DSP0274 1.2 §10.12), as one the responder never implemented.
 *
 * What is always in: VCA, DIGESTS/CERTIFICATE, CHALLENGE, MEASUREMENTS,
 * KEY_EXCHANGE/FINISH, HEARTBEAT, KEY_UPDATE, END_SESSION, VENDOR_DEFINED
 * (IDE_KM, TDISP) and RESPOND_IF_READY, SPDM 1.2 to 1.4.
 *
 * A table entry of a feature is wrapped in its OT_SPDM_IF_<FEATURE>(...), one
 * line per request: adding a handler to a feature group is that one line.
 */
#ifndef OPENTSM_SPDM_FEATURES_H
#define OPENTSM_SPDM_FEATURES_H

/* SPDM 1.0 and 1.1 connections (VERSION lists 1.2 and later without it). */
#ifndef OT_SPDM_WITH_V10_11
#define OT_SPDM_WITH_V10_11 1
#endif
/* PSK_EXCHANGE, PSK_FINISH (PSK_CAP). */
#ifndef OT_SPDM_WITH_PSK
#define OT_SPDM_WITH_PSK 1
#endif
/* Mutual authentication and the encapsulated request flow: MUT_AUTH_CAP,
 * ENCAP_CAP, GET_ENCAPSULATED_REQUEST, DELIVER_ENCAPSULATED_RESPONSE. */
#ifndef OT_SPDM_WITH_MUT_AUTH
#define OT_SPDM_WITH_MUT_AUTH 1
#endif
/* Provisioning: GET_CSR, SET_CERTIFICATE (CSR_CAP, SET_CERT_CAP). */
#ifndef OT_SPDM_WITH_PROVISION
#define OT_SPDM_WITH_PROVISION 1
#endif
/* GET_MEASUREMENT_EXTENSION_LOG (MEL_CAP, 1.3). */
#ifndef OT_SPDM_WITH_MEL
#define OT_SPDM_WITH_MEL 1
#endif
/* GET_ENDPOINT_INFO (EP_INFO_CAP, 1.3). */
#ifndef OT_SPDM_WITH_EP_INFO
#define OT_SPDM_WITH_EP_INFO 1
#endif
/* GET_KEY_PAIR_INFO, SET_KEY_PAIR_INFO (GET_KEY_PAIR_INFO_CAP, MULTI_KEY_CAP, 1.3). */
#ifndef OT_SPDM_WITH_KEY_PAIR_INFO
#define OT_SPDM_WITH_KEY_PAIR_INFO 1
#endif
/* CHUNK_SEND, CHUNK_GET (CHUNK_CAP, 1.2): without it a response larger than
 * the requester's DataTransferSize is ERROR(ResponseTooLarge). */
#ifndef OT_SPDM_WITH_CHUNK
#define OT_SPDM_WITH_CHUNK 1
#endif
/* KEY_EXCHANGE/FINISH in the clear (HANDSHAKE_IN_THE_CLEAR_CAP). */
#ifndef OT_SPDM_WITH_HITC
#define OT_SPDM_WITH_HITC 1
#endif

/* True for an SPDM 1.0 or 1.1 version byte (below 0x12). Never true in a
 * build without them: such a connection ends at VERSION/CAPABILITIES
 * (VersionMismatch), so the code of their older layouts and transcripts
 * folds away, and a 1.0/1.1 version reaching a library function takes the
 * 1.2 path, whose own version check then refuses it where it has one. */
#define OT_SPDM_PRE_12(version) (OT_SPDM_WITH_V10_11 && (version) < 0x12u)
/* The same for SPDM 1.0 alone. */
#define OT_SPDM_PRE_11(version) (OT_SPDM_WITH_V10_11 && (version) < 0x11u)

/* OT_SPDM_IF_<FEATURE>(x): x when the feature is built, nothing otherwise. */
#define OT_SPDM_IF_0_(...)
#define OT_SPDM_IF_1_(...) __VA_ARGS__
#define OT_SPDM_IF_(on) OT_SPDM_IF_##on##_
#define OT_SPDM_IF(on) OT_SPDM_IF_(on)
#define OT_SPDM_IF_PSK OT_SPDM_IF(OT_SPDM_WITH_PSK)
#define OT_SPDM_IF_MUT_AUTH OT_SPDM_IF(OT_SPDM_WITH_MUT_AUTH)
#define OT_SPDM_IF_PROVISION OT_SPDM_IF(OT_SPDM_WITH_PROVISION)
#define OT_SPDM_IF_MEL OT_SPDM_IF(OT_SPDM_WITH_MEL)
#define OT_SPDM_IF_EP_INFO OT_SPDM_IF(OT_SPDM_WITH_EP_INFO)
#define OT_SPDM_IF_KEY_PAIR_INFO OT_SPDM_IF(OT_SPDM_WITH_KEY_PAIR_INFO)
#define OT_SPDM_IF_CHUNK OT_SPDM_IF(OT_SPDM_WITH_CHUNK)

/* Responder capability flags of the features left out (the OT_SPDM_CAP_*
 * names expand where this is used, after opentsm/spec/spdm.h). */
#define OT_SPDM_CAPS_LEFT_OUT                                                                      \
  ((OT_SPDM_WITH_PSK ? 0u : OT_SPDM_CAP_PSK_MASK) |                                                \
   (OT_SPDM_WITH_MUT_AUTH ? 0u : (OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP)) |                     \
   (OT_SPDM_WITH_PROVISION ? 0u : (OT_SPDM_CAP_CSR | OT_SPDM_CAP_SET_CERT | OT_SPDM_CAP_CERT_INSTALL_RESET)) |                      \
   (OT_SPDM_WITH_MEL ? 0u : OT_SPDM_CAP_MEL) |                                                     \
   (OT_SPDM_WITH_EP_INFO ? 0u : OT_SPDM_CAP_EP_INFO_MASK) |                                        \
   (OT_SPDM_WITH_KEY_PAIR_INFO ? 0u                                                                \
                               : (OT_SPDM_CAP_GET_KEY_PAIR_INFO | OT_SPDM_CAP_SET_KEY_PAIR_INFO |  \
                                  OT_SPDM_CAP_MULTI_KEY_MASK)) |                                   \
   (OT_SPDM_WITH_CHUNK ? 0u : OT_SPDM_CAP_CHUNK) |                                                 \
   (OT_SPDM_WITH_HITC ? 0u : OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR))

/* Versions of the features left out (OT_SPDM_VMASK_*). */
/* State buffers of optional features: a build without the feature keeps a
 * one-byte placeholder (C11 has no empty arrays). Their handlers are not in
 * such a build, and every copy into them is checked against sizeof, so a
 * placeholder can never be overrun. */
#define OT_SPDM_MUT_PUB_MAX (OT_SPDM_WITH_MUT_AUTH ? OT_PUBLIC_KEY_MAX : 1u)
#define OT_SPDM_MUT_CHAIN_MAX                                                                      \
  (OT_SPDM_WITH_MUT_AUTH ? OT_SPDM_CERT_CHAIN_HEADER_SIZE + OT_HASH_MAX_SIZE + OT_SPDM_ID_CHAIN_MAX \
                         : 1u)
#define OT_SPDM_ENCAP_EP_INFO_MAX                                                                  \
  (OT_SPDM_WITH_MUT_AUTH && OT_SPDM_WITH_EP_INFO ? OT_SPDM_EP_INFO_MAX : 1u)

#define OT_SPDM_VMASK_LEFT_OUT (OT_SPDM_WITH_V10_11 ? 0u : (OT_SPDM_VMASK_10 | OT_SPDM_VMASK_11))

#endif
