/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPDM sessions: the key schedule (DSP0274 1.2/1.3 "Key schedule", SPEC-FACTS
 * §2.18, §2.19), KEY_UPDATE key switching (DSP0274 "KEY_UPDATE request and
 * KEY_UPDATE_ACK response", SPEC-FACTS §2.12) and secured messages over PCI DOE
 * (DMTF DSP0277 "Secured Messages using SPDM", with the PCI DOE binding of
 * DSP0277 / PCIe r6.0 §6.31.4; SPEC-FACTS §3).
 * @layer spdm
 *
 * One ot_spdm_session per SPDM session, owned by the caller (the requester or
 * responder engine), no allocation except the AEAD contexts keyed when keys
 * are derived. Every secret (handshake secret, direction secrets, finished
 * keys, master and export master secrets, salts) lives in s->sec, which is
 * marked with ot_secret_mark from ot_spdm_session_init until
 * ot_spdm_session_teardown, so the logger can never print it. Temporaries are
 * wiped on every path. teardown zeroizes the whole struct. Do not copy a live
 * session by assignment (the mark covers the original's address and the AEAD
 * contexts would be aliased).
 *
 * Lifecycle (requester and responder alike):
 *
 *   ot_spdm_session_init(s, role, id, params)                 STARTED
 *   ot_spdm_session_derive_handshake(s, dhe, TH1)             HANDSHAKE
 *     (or ot_spdm_session_derive_handshake_psk(s, psk, TH1))
 *     ot_spdm_session_verify_data / _check_verify_data        finished keys
 *     records use the handshake keys (FINISH/FINISH_RSP, PSK_FINISH(_RSP)),
 *     unless handshake_in_clear: then no record may pass until data keys
 *   ot_spdm_session_derive_data(s, TH2)                       ESTABLISHED
 *     records use the data keys; KEY_UPDATE with the update_* primitives
 *   ot_spdm_session_teardown(s)                               NONE (all zero)
 *
 * Any authentication failure (a record that does not decrypt, a wrong
 * VerifyData, a malformed or replayed record) moves the session to FAILED:
 * the keys are wiped at once, every later call fails with OT_E_FAILED, and
 * only teardown leaves that state (sticky failure, DSP0277 "the session shall
 * be terminated"; SPEC-FACTS §3.1). s->failure says why.
 *
 * Directions: OT_SPDM_DIR_REQ carries requester->responder records (request
 * keys), OT_SPDM_DIR_RSP responder->requester. A session's tx direction is
 * REQ for the requester role and RSP for the responder role; rx the other.
 */
#ifndef OPENTSM_SPDM_SESSION_H
#define OPENTSM_SPDM_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/crypto.h"
#include "opentsm/spec/spdm.h"
#include "opentsm/status.h"

/* ---- secured-message record layout over PCI DOE (DSP0277; SPEC-FACTS §3.1) ---- */
#define OT_SPDM_SECURED_SESSION_ID_SIZE 4u /* ReqSessionID (bytes 0-1) || RspSessionID */
#define OT_SPDM_SECURED_LENGTH_SIZE 2u     /* Length: everything after this field */
#define OT_SPDM_SECURED_HEADER_SIZE (OT_SPDM_SECURED_SESSION_ID_SIZE + OT_SPDM_SECURED_LENGTH_SIZE)
#define OT_SPDM_SECURED_APP_LEN_SIZE 2u /* ApplicationDataLength, inside the ciphertext */
#define OT_SPDM_SECURED_MAC_SIZE 16u    /* AEAD tag */
/* Overhead of an encrypted record over the SPDM message, DOE header excluded
 * (SPEC-FACTS §3.4: 32 with the 8-byte DOE header). */
#define OT_SPDM_SECURED_OVERHEAD                                                                   \
  (OT_SPDM_SECURED_HEADER_SIZE + OT_SPDM_SECURED_APP_LEN_SIZE + OT_SPDM_SECURED_MAC_SIZE)
/* Length is a u16: the largest SPDM message one record carries. */
#define OT_SPDM_SECURED_MAX_MESSAGE                                                                \
  (0xffffu - OT_SPDM_SECURED_APP_LEN_SIZE - OT_SPDM_SECURED_MAC_SIZE)
/* PCI DOE pads each object to a DW; at most this many bytes may follow Length. */
#define OT_SPDM_SECURED_MAX_TRAILING 3u
_Static_assert(OT_SPDM_SECURED_MAC_SIZE == OT_AEAD_TAG_SIZE, "DSP0277 uses the full 16-byte tag");

/* Session ID as the 32-bit value of the 4 wire bytes read little-endian:
 * ReqSessionID in bits 15:0, RspSessionID in bits 31:16 (SPEC-FACTS §2.10, T8). */
static inline uint32_t ot_spdm_session_id_make(uint16_t req_session_id, uint16_t rsp_session_id) {
  return ((uint32_t)rsp_session_id << 16) | req_session_id;
}

typedef enum ot_spdm_role {
  OT_SPDM_ROLE_REQUESTER = 1,
  OT_SPDM_ROLE_RESPONDER = 2,
} ot_spdm_role;

typedef enum ot_spdm_dir {
  OT_SPDM_DIR_REQ = 0, /* requester -> responder: request keys */
  OT_SPDM_DIR_RSP = 1, /* responder -> requester: response keys */
} ot_spdm_dir;

typedef enum ot_spdm_session_state {
  OT_SPDM_SESSION_NONE = 0,    /* zeroed or torn down */
  OT_SPDM_SESSION_STARTED,     /* init: parameters only */
  OT_SPDM_SESSION_HANDSHAKE,   /* handshake secrets and finished keys derived */
  OT_SPDM_SESSION_ESTABLISHED, /* data keys active */
  OT_SPDM_SESSION_FAILED,      /* sticky; secrets wiped */
} ot_spdm_session_state;

typedef struct ot_spdm_session_params {
  uint8_t spdm_version;    /* negotiated SPDMVersion: 0x12 or 0x13 ("spdm1.2 " / "spdm1.3 ") */
  ot_hash_alg hash;        /* BaseHashSel (ot_spdm_hash_from_sel) */
  ot_aead_alg aead;        /* AEADCipherSuite (ot_spdm_aead_from_sel) */
  bool mac_only;           /* both sides MAC_CAP without ENCRYPT_CAP: integrity only */
  bool handshake_in_clear; /* both sides HANDSHAKE_IN_THE_CLEAR_CAP (SPEC-FACTS T15) */
  uint16_t sm_version;     /* selected secured-message version, OT_SPDM_SM_VERSION_1x */
  /* DSP0277 1.3 "AEAD limit" (SMDataID 2): at most 2^e records per key and
   * direction; 0 or >= 64 means no limit beyond the 64-bit counter. */
  uint8_t aead_limit_exponent;
} ot_spdm_session_params;

/* One direction in one key epoch. */
typedef struct ot_spdm_epoch {
  uint8_t secret[OT_HASH_MAX_SIZE]; /* the direction secret (handshake or data), H bytes */
  uint8_t iv[OT_AEAD_NONCE_SIZE];   /* the salt (bin_str6 "iv") */
  uint64_t seq;                     /* next implicit sequence number (DSP0277, T3) */
  ot_aead_key aead;                 /* keyed with the bin_str5 "key" */
  bool valid;
} ot_spdm_epoch;

/* Everything secret of a session, in one region covered by one secret mark. */
typedef struct ot_spdm_session_secrets {
  uint8_t handshake_secret[OT_HASH_MAX_SIZE];
  uint8_t finished_key[2][OT_HASH_MAX_SIZE]; /* by ot_spdm_dir */
  uint8_t export_master_secret[OT_HASH_MAX_SIZE];
  ot_spdm_epoch cur[2];    /* active keys, by ot_spdm_dir */
  ot_spdm_epoch next[2];   /* KEY_UPDATE: derived, not yet active */
  ot_spdm_epoch backup[2]; /* KEY_UPDATE: previous rx keys, until VerifyNewKey */
} ot_spdm_session_secrets;

typedef struct ot_spdm_session {
  uint32_t session_id; /* ot_spdm_session_id_make(req, rsp) */
  ot_spdm_role role;
  ot_spdm_session_state state;
  ot_spdm_session_params p;
  size_t hash_len;  /* H */
  uint64_t seq_max; /* first sequence number refused (from the AEAD limit) */
  bool data_keys;   /* cur[] hold data (not handshake) keys */
  bool has_finished_keys;
  bool has_export_master;
  uint32_t rx_rollbacks; /* KEY_UPDATE: records accepted under a backup rx key */
  ot_status failure;     /* why the session failed (OT_OK otherwise) */
  ot_spdm_session_secrets sec;
} ot_spdm_session;

/* ---- lifecycle --------------------------------------------------------------------- */

/*
 * Starts a session: checks params (spdm_version 0x12/0x13: OT_E_VERSION; hash
 * SHA-256/384/512 and aead AES-256-GCM / ChaCha20-Poly1305: OT_E_UNSUPPORTED;
 * role: OT_E_ARG), zeroes *s and marks s->sec secret (OT_E_NO_SPACE if the
 * registry is full). s's previous content is ignored: tear a live session
 * down first.
 */
OT_RESULT ot_spdm_session_init(ot_spdm_session *s, ot_spdm_role role, uint32_t session_id,
                               const ot_spdm_session_params *p);

/* Wipes every secret, releases the AEAD contexts, unmarks, and zeroizes the
 * whole struct (state NONE). Safe on a zeroed or already torn-down session. */
void ot_spdm_session_teardown(ot_spdm_session *s);

/* Ends the session now (sticky FAILED, keys wiped), recording why. For the
 * engines, e.g. on a bad signature or a protocol violation inside the session. */
void ot_spdm_session_fail(ot_spdm_session *s, ot_status why);

static inline bool ot_spdm_session_failed(const ot_spdm_session *s) {
  return s->state == OT_SPDM_SESSION_FAILED;
}
static inline ot_spdm_dir ot_spdm_session_tx_dir(const ot_spdm_session *s) {
  return s->role == OT_SPDM_ROLE_REQUESTER ? OT_SPDM_DIR_REQ : OT_SPDM_DIR_RSP;
}
static inline ot_spdm_dir ot_spdm_session_rx_dir(const ot_spdm_session *s) {
  return s->role == OT_SPDM_ROLE_REQUESTER ? OT_SPDM_DIR_RSP : OT_SPDM_DIR_REQ;
}

/* ---- key schedule (DSP0274 1.2 §"Key schedule"; SPEC-FACTS §2.18) ------------------- */

/*
 * HandshakeSecret = HKDF-Extract(0^H, dhe); request/response handshake
 * secrets from TH1 ("req hs data"/"rsp hs data"), their finished keys
 * ("finished") and, unless handshake_in_clear, their record key and salt
 * ("key"/"iv"), active with sequence numbers 0. th1 is Hash(TH1) (H bytes,
 * OT_E_ARG otherwise). dhe is the ECDHE X coordinate (1..OT_SPDM_MAX_DHE_SIZE
 * bytes); the caller wipes it. STARTED -> HANDSHAKE; OT_E_STATE otherwise.
 * Argument and state errors change nothing; a failed derivation (library
 * error) leaves the session FAILED.
 */
OT_RESULT ot_spdm_session_derive_handshake(ot_spdm_session *s, const uint8_t *dhe, size_t dhe_len,
                                           const uint8_t *th1, size_t th1_len);

/*
 * The PSK variant (SPEC-FACTS §2.19, T14): HandshakeSecret =
 * HKDF-Extract(Salt_0, psk) with Salt_0 = 0^H for SPDM 1.2 and H bytes of
 * 0xFF for 1.3. Everything else as ot_spdm_session_derive_handshake (PSK
 * handshakes are always secured: handshake_in_clear must be false, OT_E_ARG).
 */
OT_RESULT ot_spdm_session_derive_handshake_psk(ot_spdm_session *s, const uint8_t *psk,
                                               size_t psk_len, const uint8_t *th1, size_t th1_len);

/*
 * VerifyData of direction dir: out[0..H) = HMAC(finished_key_dir, th_hash),
 * th_hash being the hash of the transcript up to the VerifyData field
 * (ResponderVerifyData: dir RSP; RequesterVerifyData: dir REQ). OT_E_STATE
 * without finished keys (before derive_handshake or after derive_data).
 */
OT_RESULT ot_spdm_session_verify_data(const ot_spdm_session *s, ot_spdm_dir dir,
                                      const uint8_t *th_hash, size_t hash_len, uint8_t *out,
                                      size_t cap);
/*
 * Checks a received VerifyData in constant time. OT_E_VERIFY on mismatch or a
 * length other than H, and the session is FAILED.
 */
OT_RESULT ot_spdm_session_check_verify_data(ot_spdm_session *s, ot_spdm_dir dir,
                                            const uint8_t *th_hash, size_t hash_len,
                                            const uint8_t *verify_data, size_t vd_len);

/*
 * After FINISH_RSP (PSK_FINISH_RSP): Salt_1 = Expand(HandshakeSecret,
 * "derived"), MasterSecret = Extract(Salt_1, 0^H), request/response data
 * secrets from TH2 ("req app data"/"rsp app data"), their keys and salts
 * (sequence numbers 0), and the export master secret ("exp master"). Wipes
 * the handshake secret, the handshake keys, the finished keys and the master
 * secret. HANDSHAKE -> ESTABLISHED. The responder encodes FINISH_RSP before
 * calling this, the requester decodes FINISH_RSP before it.
 */
OT_RESULT ot_spdm_session_derive_data(ot_spdm_session *s, const uint8_t *th2, size_t th2_len);

/* The export master secret (H bytes, DSP0274 1.2 "exp master"), ESTABLISHED only. */
OT_RESULT ot_spdm_session_export_master_secret(const ot_spdm_session *s, uint8_t *out, size_t cap);

/* Records left before direction dir's key is exhausted (0: only a new key helps). */
uint64_t ot_spdm_session_seq_remaining(const ot_spdm_session *s, ot_spdm_dir dir);

/* ---- KEY_UPDATE (DSP0274 "KEY_UPDATE"; SPEC-FACTS §2.12, §2.18 "traffic upd") ------- */
/*
 * Primitives, in the order each role uses them:
 *
 *   requester, UpdateKey (1):     derive(REQ); send KEY_UPDATE (old key);
 *                                 receive ACK (old rsp key); activate_tx;
 *                                 send VerifyNewKey (new key); receive ACK; commit
 *   requester, UpdateAllKeys (2): derive(REQ); derive(RSP); send KEY_UPDATE (old);
 *                                 activate_rx (ACK comes under the NEW rsp key);
 *                                 receive ACK; activate_tx; VerifyNewKey; ACK; commit
 *   responder, UpdateKey:         receive KEY_UPDATE (old); derive(REQ); activate_rx;
 *                                 send ACK (old rsp key); receive VerifyNewKey
 *                                 (new key); commit; send ACK
 *   responder, UpdateAllKeys:     receive KEY_UPDATE; derive(REQ); derive(RSP);
 *                                 activate_rx; activate_tx; send ACK (new key);
 *                                 receive VerifyNewKey; commit; send ACK
 *
 * While an rx backup exists, a record that fails under the new rx key is
 * tried once under the backup (the peer has not switched yet, e.g. it
 * retries KEY_UPDATE after a lost ACK); if that authenticates, the new rx key
 * is dropped, the backup becomes current again and s->rx_rollbacks counts it.
 * All require ESTABLISHED (OT_E_STATE).
 */

/* next[dir] = keys from Expand(cur[dir].secret, "traffic upd") (OT_E_EXISTS if
 * next[dir] is already derived). */
OT_RESULT ot_spdm_session_update_derive(ot_spdm_session *s, ot_spdm_dir dir);
/* tx: next becomes cur (sequence 0); the old tx key is wiped. OT_E_STATE if
 * nothing was derived for the tx direction. */
OT_RESULT ot_spdm_session_update_activate_tx(ot_spdm_session *s);
/* rx: cur becomes backup, next becomes cur (sequence 0). OT_E_STATE if nothing
 * was derived for the rx direction or a backup is still held. */
OT_RESULT ot_spdm_session_update_activate_rx(ot_spdm_session *s);
/* After VerifyNewKey: the rx backup is wiped. */
OT_RESULT ot_spdm_session_update_commit(ot_spdm_session *s);
/* Gives an update up (e.g. the peer answered with an ERROR): pending next[]
 * keys are wiped and an rx backup, if any, becomes current again. */
OT_RESULT ot_spdm_session_update_abort(ot_spdm_session *s);

/* ---- secured messages (DSP0277 over PCI DOE; SPEC-FACTS §3.1-§3.3) ------------------ */
/*
 * Record (the DOE payload of a type-2 object; the DOE layer adds the header
 * and pads to a DW):
 *   SessionID(4) || Length(2) || AEAD(ApplicationDataLength(2) || message ||
 *   random padding) || MAC(16)
 * Length = 2 + message + padding + 16. No sequence number on the wire: each
 * direction's implicit 64-bit counter starts at 0 with each key and advances
 * per record. Nonce = salt XOR LE64(seq) in bytes 0..7 (DSP0277 1.2+, T4).
 * AAD = SessionID || Length. We send no random padding (as libspdm on DOE);
 * received padding is accepted. MAC-only sessions: SessionID || Length ||
 * message || MAC, Length = message + 16, AAD = everything before the MAC.
 */

/* The session ID of a record, to find its session (OT_E_TRUNCATED under 4 bytes). */
OT_RESULT ot_spdm_secured_session_id(const uint8_t *rec, size_t len, uint32_t *session_id);

/*
 * Seals msg[0..msg_len) into out[0..*out_len) with the tx key and sequence
 * number, then advances it. msg_len <= OT_SPDM_SECURED_MAX_MESSAGE
 * (OT_E_TOO_LARGE); cap >= msg_len + OT_SPDM_SECURED_OVERHEAD (OT_E_NO_SPACE).
 * OT_E_TOO_LARGE when the tx sequence number reached seq_max (the session
 * stays usable for receiving; only a KEY_UPDATE sent earlier would help).
 * OT_E_STATE when no tx key is active (STARTED, or HANDSHAKE in the clear);
 * OT_E_FAILED on a failed session. On error nothing is consumed.
 */
OT_RESULT ot_spdm_secured_encode(ot_spdm_session *s, const uint8_t *msg, size_t msg_len,
                                 uint8_t *out, size_t cap, size_t *out_len);

/*
 * Opens the record rec[0..rec_len) (a DOE payload: up to 3 trailing pad bytes
 * are allowed) with the rx key and sequence number; on success the SPDM
 * message is out[0..*out_len) and the sequence number advances.
 * cap must be >= Length - 16 (the decrypted span), else OT_E_NO_SPACE and
 * nothing changes. OT_E_STATE / OT_E_FAILED as for encode, nothing changes.
 * Every other failure ends the session (FAILED, keys wiped) and out[0..cap)
 * is zeroed, so no unauthenticated byte is ever delivered:
 *   OT_E_TRUNCATED  shorter than the header, or Length past the data
 *   OT_E_TRAILING   more than 3 bytes after Length
 *   OT_E_MALFORMED  Length below the minimum, ApplicationDataLength past the
 *                   plaintext (checked after authentication)
 *   OT_E_DECRYPT    wrong session ID, or the tag does not authenticate
 *                   (tampering, replay, reordering, wrong key)
 *   OT_E_TOO_LARGE  the rx sequence number reached seq_max
 */
OT_RESULT ot_spdm_secured_decode(ot_spdm_session *s, const uint8_t *rec, size_t rec_len,
                                 uint8_t *out, size_t cap, size_t *out_len);

#endif /* OPENTSM_SPDM_SESSION_H */
