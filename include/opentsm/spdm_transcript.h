/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPDM transcripts and the 1.2+ signing rules (DMTF DSP0274 1.2/1.3 "Transcript
 * and transcript hash calculation rules", "Signature generation" and "Signature
 * verification"; SPEC-FACTS §2.16, §2.17, T6, T7, T13).
 * @layer spdm
 *
 * Both engines (requester and responder) feed the same objects with the exact
 * bytes of each message sent or received: never a re-encoding (the codec drops
 * reserved bits), never DOE padding (find the exact length with
 * ot_spdm_message_length(), SPEC-FACTS T1), never secured-message framing.
 *
 * Two objects:
 *
 *  ot_spdm_transcript   one per connection (per VCA). Holds
 *    - A   = GET_VERSION ‖ VERSION ‖ GET_CAPABILITIES ‖ CAPABILITIES ‖
 *            NEGOTIATE_ALGORITHMS ‖ ALGORITHMS, kept raw (bounded by
 *            OT_SPDM_VCA_MAX) because the hash algorithm is only known after
 *            ALGORITHMS, and as a running hash once it is;
 *    - D   = the first DIGESTS response after A (1.3 multi-key connections);
 *    - M1  = running hash of A ‖ B ‖ C (CHALLENGE_AUTH signature);
 *    - L1  = running hash of A ‖ M (MEASUREMENTS signature, 1.2+).
 *  ot_spdm_th           one per session: the running hash of the session
 *    transcript, A ‖ [D] ‖ H(Ct) ‖ K ‖ [H(CM)] ‖ F for KEY_EXCHANGE sessions and
 *    A ‖ PSK_EXCHANGE ‖ ... for PSK sessions (no D, no H(Ct)).
 *
 * Nothing buffers more than A and D: everything else is a running hash
 * (ot_hash_ctx) forked with ot_hash_copy and read with ot_hash_peek. The
 * structs are caller-owned; their hash contexts hold one OpenSSL object each,
 * released by the matching free function (safe on a zeroed struct). Do not
 * copy a live struct by assignment: it would alias the hash contexts.
 *
 * Which bytes go where (DSP0274 1.3 §"Transcript and transcript hash
 * calculation rules"; SPEC-FACTS §2.17):
 *
 *   message                         call
 *   GET_VERSION .. ALGORITHMS       ot_spdm_transcript_append_vca (then
 *                                   ot_spdm_transcript_set_algorithms)
 *   GET_DIGESTS, GET_CERTIFICATE,   ot_spdm_transcript_append_b
 *   CERTIFICATE (every slot read)
 *   DIGESTS                         ot_spdm_transcript_append_b, and the first
 *                                   one after A also ot_spdm_transcript_set_d
 *   CHALLENGE                       ot_spdm_transcript_append_c
 *   CHALLENGE_AUTH                  ot_spdm_transcript_append_c with the bytes
 *                                   before Signature; then
 *                                   ot_spdm_transcript_m1_hash -> sign/verify;
 *                                   then ot_spdm_transcript_reset_m1
 *   GET_MEASUREMENTS, MEASUREMENTS  ot_spdm_transcript_append_l (the signed
 *                                   MEASUREMENTS without its Signature); then
 *                                   ot_spdm_transcript_l1_hash -> sign/verify;
 *                                   then ot_spdm_transcript_reset_l1 (also on
 *                                   any other request, DSP0274 "GET_MEASUREMENTS")
 *
 *   session (ot_spdm_th), KEY_EXCHANGE:
 *   ot_spdm_th_begin_dhe(th, t, H(Ct))     A ‖ [D] ‖ H(Ct)
 *   ot_spdm_th_append(KEY_EXCHANGE)
 *   ot_spdm_th_append(KEY_EXCHANGE_RSP[0..Signature))
 *   ot_spdm_th_hash -> KEY_EXCHANGE_RSP signature ("responder-key_exchange_rsp signing")
 *   ot_spdm_th_append(Signature)
 *   ot_spdm_th_hash -> TH1: ot_spdm_session_derive_handshake, and
 *                     ResponderVerifyData = HMAC(finished_key_rsp, TH1 hash)
 *   ot_spdm_th_append(ResponderVerifyData)      (absent in the clear)
 *   [ot_spdm_th_append(H(CM))]                  (mutual auth)
 *   ot_spdm_th_append(FINISH header, 4 bytes)
 *   [ot_spdm_th_hash -> FINISH signature; ot_spdm_th_append(Signature)]
 *   ot_spdm_th_hash -> RequesterVerifyData = HMAC(finished_key_req, hash)
 *   ot_spdm_th_append(RequesterVerifyData)
 *   ot_spdm_th_append(FINISH_RSP header)
 *   [ot_spdm_th_hash -> FINISH_RSP ResponderVerifyData; append it] (in the clear)
 *   ot_spdm_th_hash -> TH2: ot_spdm_session_derive_data
 *
 *   session, PSK: ot_spdm_th_begin_psk(th, t); append PSK_EXCHANGE,
 *   PSK_EXCHANGE_RSP[0..ResponderVerifyData) -> TH1; append its VerifyData,
 *   PSK_FINISH header -> RequesterVerifyData; append it, PSK_FINISH_RSP -> TH2.
 *
 * Messages carried inside a session (vendor-defined, HEARTBEAT, KEY_UPDATE,
 * END_SESSION) never enter a transcript.
 */
#ifndef OPENTSM_SPDM_TRANSCRIPT_H
#define OPENTSM_SPDM_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/crypto.h"
#include "opentsm/spec/spdm.h"
#include "opentsm/status.h"

/*
 * Bound on A. The largest legal VCA is well below it: VERSION 6 + 2*255,
 * GET_CAPABILITIES/CAPABILITIES 20 each plus a 1.3 Supported Algorithms block
 * (< 200 with the largest ext lists we accept), NEGOTIATE_ALGORITHMS <= 128
 * (DSP0274 1.1+ "Length <= 128"), ALGORITHMS < 200; GET_VERSION 4.
 */
#define OT_SPDM_VCA_MAX 1536u
/* Bound on D: DIGESTS header 4 + 8 digests of 64 + 8 * (KeyPairID, CertificateInfo,
 * KeyUsageMask) = 4 + 512 + 32 (DSP0274 1.3 "Successful DIGESTS response"). */
#define OT_SPDM_DIGESTS_MAX (4u + 8u * OT_SPDM_MAX_HASH_SIZE + 8u * 4u)

/* ---- algorithm helpers (DSP0274 "NEGOTIATE_ALGORITHMS" tables) ---------------- */

/* The ot_hash_alg of a BaseHashSel (exactly one bit); OT_E_UNSUPPORTED otherwise
 * (SHA3 and SM3 are not implemented by the crypto layer). */
OT_RESULT ot_spdm_hash_from_sel(uint32_t base_hash_sel, ot_hash_alg *out);
/* The ot_aead_alg of an AEADCipherSuite selection (AES-256-GCM, ChaCha20-Poly1305);
 * OT_E_UNSUPPORTED for AES-128-GCM, SM4 and anything not exactly one bit. */
OT_RESULT ot_spdm_aead_from_sel(uint16_t aead_sel, ot_aead_alg *out);

/* ---- 1.2+ signatures (DSP0274 1.2 §"Signature generation"; SPEC-FACTS §2.16) ---- */

/* Context strings (ASCII, no NUL on the wire), DSP0274 1.2 Table "Signing contexts". */
#define OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_RSP "responder-challenge_auth signing"
#define OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_REQ "requester-challenge_auth signing"
#define OT_SPDM_SIGN_CTX_MEASUREMENTS "responder-measurements signing"
#define OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP "responder-key_exchange_rsp signing"
#define OT_SPDM_SIGN_CTX_FINISH "requester-finish signing"
#define OT_SPDM_SIGN_CTX_ENDPOINT_INFO_RSP "responder-endpoint_info signing" /* 1.3 */
#define OT_SPDM_SIGN_CTX_ENDPOINT_INFO_REQ "requester-endpoint_info signing" /* 1.3 */

/* combined_spdm_prefix = 4 x "dmtf-spdm-v1.X.*" (16 bytes each) || zero pad || context,
 * 100 bytes in all (DSP0274 1.2 §"Signature generation"). */
#define OT_SPDM_SIGN_VERSION_PREFIX_SIZE 16u
#define OT_SPDM_SIGN_VERSION_PREFIX_COUNT 4u
#define OT_SPDM_SIGN_CONTEXT_FIELD_SIZE 36u /* zero pad + context */
_Static_assert(OT_SPDM_SIGN_VERSION_PREFIX_SIZE *OT_SPDM_SIGN_VERSION_PREFIX_COUNT +
                       OT_SPDM_SIGN_CONTEXT_FIELD_SIZE ==
                   OT_SPDM_SIGNING_PREFIX_SIZE,
               "combined_spdm_prefix is 100 bytes");
/* The message that 1.2+ signs: prefix || Hash(T). */
#define OT_SPDM_SIGN_MESSAGE_MAX (OT_SPDM_SIGNING_PREFIX_SIZE + OT_SPDM_MAX_HASH_SIZE)

/*
 * Builds M' = combined_spdm_prefix || th_hash into out[0..*out_len) for SPDM
 * version 0x12 or 0x13 (the minor digit of "dmtf-spdm-v1.X.*" comes from it).
 * context is one of the OT_SPDM_SIGN_CTX_* strings (1..36 bytes, OT_E_ARG
 * otherwise); hash_len is 32, 48 or 64. OT_E_VERSION for other versions
 * (1.0/1.1 sign Hash(T) itself and are not supported here); OT_E_NO_SPACE if
 * cap < 100 + hash_len.
 */
OT_RESULT ot_spdm_signing_message(uint8_t version, const char *context, const uint8_t *th_hash,
                                  size_t hash_len, uint8_t *out, size_t cap, size_t *out_len);

/*
 * Verifies an SPDM 1.2+ signature over the transcript hash th_hash with the
 * signer's public key, applying the rules of SPEC-FACTS §2.16:
 * ECDSA P-256/P-384 (base_asym_sel OT_SPDM_ASYM_ECDSA_P256/_P384, pub = X||Y,
 * sig = r||s) hash M' again with `hash`; Ed25519 (OT_SPDM_ASYM_ED25519) signs
 * M' directly. OT_E_UNSUPPORTED for any other algorithm (RSA, P-521, Ed448,
 * SM2), OT_E_VERIFY for a wrong signature, OT_E_BAD_KEY for a bad key.
 */
OT_RESULT ot_spdm_signature_verify(uint8_t version, uint32_t base_asym_sel, ot_hash_alg hash,
                                   const uint8_t *pub, size_t pub_len, const char *context,
                                   const uint8_t *th_hash, size_t hash_len, const uint8_t *sig,
                                   size_t sig_len);
/* The signing counterpart: priv is the raw scalar (ECDSA) or seed (Ed25519);
 * writes ot_curve_signature_size bytes to sig. */
OT_RESULT ot_spdm_signature_sign(uint8_t version, uint32_t base_asym_sel, ot_hash_alg hash,
                                 const uint8_t *priv, size_t priv_len, const char *context,
                                 const uint8_t *th_hash, size_t hash_len, uint8_t *sig,
                                 size_t sig_cap, size_t *sig_len);

/* ---- the connection transcript ----------------------------------------------- */

typedef struct ot_spdm_transcript {
  uint8_t vca[OT_SPDM_VCA_MAX]; /* A, raw */
  size_t vca_len;
  uint8_t d[OT_SPDM_DIGESTS_MAX]; /* D, raw (1.3 multi-key only) */
  size_t d_len;
  bool has_d;
  bool multi_key;   /* multi_key_conn_rsp: D goes into session transcripts */
  bool algs_set;    /* set_algorithms done: the hashes below are live */
  uint8_t version;  /* negotiated SPDMVersion (0x12, 0x13) */
  ot_hash_alg hash; /* negotiated BaseHashSel */
  size_t hash_len;  /* H */
  ot_hash_ctx a;    /* Hash state of A (forked for every other transcript) */
  ot_hash_ctx m1;   /* A || B || C */
  ot_hash_ctx l1;   /* A || M */
} ot_spdm_transcript;

/* Starts an empty transcript (before GET_VERSION); allocates nothing. */
void ot_spdm_transcript_init(ot_spdm_transcript *t);
/* Releases the hash contexts and zeroizes the struct (safe on a zeroed one). */
void ot_spdm_transcript_free(ot_spdm_transcript *t);

/*
 * Appends one VCA message to A. OT_E_STATE once set_algorithms was called
 * (A is closed: a new GET_VERSION needs a fresh transcript); OT_E_TOO_LARGE
 * beyond OT_SPDM_VCA_MAX (nothing appended).
 */
OT_RESULT ot_spdm_transcript_append_vca(ot_spdm_transcript *t, const uint8_t *msg, size_t len);

/*
 * Closes A after ALGORITHMS: version is the negotiated SPDMVersion (0x12 or
 * 0x13, OT_E_VERSION otherwise), hash the negotiated hash, multi_key whether
 * the connection is a 1.3 multi-key connection (multi_key_conn_rsp: Responder
 * MULTI_KEY_CAP 01b, or 10b with NEGOTIATE_ALGORITHMS OtherParamsSupport bit4;
 * OT_E_ARG if set for 1.2). Starts the running hashes of A, M1 and L1
 * (OT_E_NOMEM / OT_E_LIBRARY). OT_E_STATE if called twice.
 */
OT_RESULT ot_spdm_transcript_set_algorithms(ot_spdm_transcript *t, uint8_t version,
                                            ot_hash_alg hash, bool multi_key);

/* B and C messages into M1 (A || B || C). OT_E_STATE before set_algorithms. */
OT_RESULT ot_spdm_transcript_append_b(ot_spdm_transcript *t, const uint8_t *msg, size_t len);
OT_RESULT ot_spdm_transcript_append_c(ot_spdm_transcript *t, const uint8_t *msg, size_t len);

/*
 * Records D, the first DIGESTS response after A (exact bytes, without
 * GET_DIGESTS). Only on a multi-key connection and only once: later calls
 * (e.g. DIGESTS inside a session) are accepted and ignored, as the facts
 * say they do not change D. On a connection that is not multi-key it does
 * nothing. OT_E_STATE before set_algorithms; OT_E_TOO_LARGE beyond
 * OT_SPDM_DIGESTS_MAX.
 */
OT_RESULT ot_spdm_transcript_set_d(ot_spdm_transcript *t, const uint8_t *digests, size_t len);

/* digest[0..H) = Hash(A || B || C) (stays running). OT_E_NO_SPACE if cap < H. */
OT_RESULT ot_spdm_transcript_m1_hash(const ot_spdm_transcript *t, uint8_t *digest, size_t cap);
/* Restarts M1 at A (after a CHALLENGE_AUTH, or to drop B and C). */
OT_RESULT ot_spdm_transcript_reset_m1(ot_spdm_transcript *t);

/* GET_MEASUREMENTS / MEASUREMENTS into L1 (A || M). */
OT_RESULT ot_spdm_transcript_append_l(ot_spdm_transcript *t, const uint8_t *msg, size_t len);
/* digest = Hash(A || M). */
OT_RESULT ot_spdm_transcript_l1_hash(const ot_spdm_transcript *t, uint8_t *digest, size_t cap);
/* Restarts L1 at A (after a signed MEASUREMENTS, or any other request). */
OT_RESULT ot_spdm_transcript_reset_l1(ot_spdm_transcript *t);

/*
 * Forks a new running hash that starts with A (e.g. for a session's own
 * L1 of in-session measurements). dst must be empty or freed; the caller
 * frees it with ot_hash_free.
 */
/* A fresh running hash holding what L1/L2 starts with: A for 1.2+, nothing for
 * 1.0/1.1 (DSP0274 1.1 signs the measurement messages alone). */
OT_RESULT ot_spdm_transcript_fork_l1_base(const ot_spdm_transcript *t, ot_hash_ctx *dst);
OT_RESULT ot_spdm_transcript_fork_a(const ot_spdm_transcript *t, ot_hash_ctx *dst);
/* A fresh running hash holding what basic mutual authentication's M2 starts
 * with (the requester's CHALLENGE_AUTH signature): A for 1.2+, nothing for
 * 1.0/1.1 (M2 = B || C of the encapsulated exchanges). */
OT_RESULT ot_spdm_transcript_fork_mut_m2(const ot_spdm_transcript *t, ot_hash_ctx *dst);

/* ---- the session transcript (TH) --------------------------------------------- */

typedef struct ot_spdm_th {
  ot_hash_ctx h; /* the running transcript hash */
  ot_hash_alg alg;
  size_t hash_len; /* H */
  bool live;
} ot_spdm_th;

/*
 * Starts a KEY_EXCHANGE session transcript: A || [D] || H(Ct), where
 * cert_chain_hash (H bytes) is the hash of the SPDM certificate chain of the
 * slot the KEY_EXCHANGE names (or of the provisioned public key for slot
 * 0xFF). D is included iff the connection is multi-key; OT_E_STATE if it is
 * but no D was recorded, or before set_algorithms. Each session has its own
 * th; a second KEY_EXCHANGE on the connection reuses A and D.
 */
OT_RESULT ot_spdm_th_begin_dhe(ot_spdm_th *th, const ot_spdm_transcript *t,
                               const uint8_t *cert_chain_hash, size_t hash_len);
/* Starts a PSK session transcript: A only (SPEC-FACTS §2.19). */
OT_RESULT ot_spdm_th_begin_psk(ot_spdm_th *th, const ot_spdm_transcript *t);
/* Appends exact message bytes (or a part of a message, see the table above). */
OT_RESULT ot_spdm_th_append(ot_spdm_th *th, const uint8_t *bytes, size_t len);
/* digest[0..H) = Hash(transcript so far); th stays running. */
OT_RESULT ot_spdm_th_hash(const ot_spdm_th *th, uint8_t *digest, size_t cap);
/* Releases the hash context and zeroizes th (safe on a zeroed one). */
void ot_spdm_th_free(ot_spdm_th *th);

#endif /* OPENTSM_SPDM_TRANSCRIPT_H */
