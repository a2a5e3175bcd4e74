/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IDE engine of one port (PCIe r6.0 §6.33 Integrity & Data Encryption):
 * link and selective streams, sub-streams PR/NPR/CPL, two key sets per
 * sub-stream, invocation counters, AES-256-GCM with a 96-bit MAC, the IDE TLP
 * Prefix, PCRC and MAC aggregation. The wire format of a protected TLP is
 * documented in opentsm/spec/ide.h.
 * @layer ide
 *
 * Two caller-owned contexts per port: ot_ide_tx (protects TLPs leaving the
 * port) and ot_ide_rx (checks TLPs arriving). Each embeds an ot_ide_engine,
 * the part IDE_KM and the register model drive through the same calls for
 * both directions:
 *
 *   ot_ide_*_stream_add   (stream configuration, Stream Control register)
 *   ot_ide_key_install    (IDE_KM KEY_PROG: key, IV fixed field, IFV)
 *   ot_ide_key_go         (IDE_KM K_SET_GO)
 *   ot_ide_key_stop       (IDE_KM K_SET_STOP)
 *   ot_ide_stream_enable / _disable   (Stream Control Enable bit)
 *   ot_ide_stream_state   (Stream Status: Insecure / Secure, last error)
 *
 * A stream is Secure when it is enabled, has not failed, and each of its
 * three sub-streams has a key set that went GO (PCIe r6.0 §6.33.1; SPEC-FACTS
 * §5.2). Otherwise it is Insecure and carries no traffic.
 *
 * Keys: install allocates the AES-GCM context of that key set (the only
 * allocation); the data path reuses it and allocates nothing. The engine
 * keeps no copy of the key bytes; the key set's context is marked secret
 * (ot_secret_mark) while installed, and stop, remove, disable, a failure and
 * clear all release and zeroize it.
 *
 * Receive failures are sticky (PCIe r6.0 §6.33.4 IDE Check Failed; SPEC-FACTS
 * §5.3): a TLP that fails any check (MAC, counter, PR_Sent, an unknown key
 * set, T bit not allowed, malformed prefix or header, PCRC, aggregation) is
 * not delivered, its stream goes Insecure with the reason recorded, all of
 * the stream's keys in that context are zeroized, and every later TLP of the
 * stream is refused until software disables the stream and re-keys it. A
 * replayed, dropped or reordered TLP shows up as a MAC failure, because the
 * invocation counter is implicit.
 *
 * Contexts are not thread-safe; use one per thread (or lock around them).
 */
#ifndef OPENTSM_IDE_H
#define OPENTSM_IDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/crypto.h"
#include "opentsm/spec/ide.h"
#include "opentsm/status.h"
#include "opentsm/tlp.h"

/* Streams one context can hold (each stream is ~2.5 KB of context). */
#define OT_IDE_MAX_STREAMS 8u
#define OT_IDE_NUM_SUBSTREAMS 3u
#define OT_IDE_NUM_KEY_SETS 2u

/* Sub-streams (values are the wire Sub-Stream identifiers, §6.33.5). */
typedef enum ot_ide_substream {
  OT_IDE_SUB_PR = OT_IDE_SUB_ID_PR,
  OT_IDE_SUB_NPR = OT_IDE_SUB_ID_NPR,
  OT_IDE_SUB_CPL = OT_IDE_SUB_ID_CPL,
} ot_ide_substream;

typedef enum ot_ide_stream_kind {
  OT_IDE_STREAM_LINK = 1,      /* between link partners, one per TC (§6.33) */
  OT_IDE_STREAM_SELECTIVE = 2, /* end to end, through switches (§6.33) */
} ot_ide_stream_kind;

/* Stream state as the Stream Status register reports it (SPEC-FACTS §5.1). */
typedef enum ot_ide_state {
  OT_IDE_INSECURE = OT_IDE_STATUS_INSECURE,
  OT_IDE_SECURE = OT_IDE_STATUS_SECURE,
} ot_ide_state;

/* Why a received TLP was refused (and its stream, if known, went Insecure). */
typedef enum ot_ide_error {
  OT_IDE_ERR_NONE = 0,
  OT_IDE_ERR_MAC,            /* integrity check failed: tamper, replay, drop, reorder, forgery */
  OT_IDE_ERR_PR_SENT,        /* PR_Sent_Counter disagrees with the posted requests received */
  OT_IDE_ERR_UNKNOWN_STREAM, /* the prefix names a stream this port does not have */
  OT_IDE_ERR_NOT_SECURE,     /* the stream is not Secure (not enabled, not GO, or failed) */
  OT_IDE_ERR_KEY_SET,        /* K names a key set that is not GO */
  OT_IDE_ERR_T_BIT,          /* T=1 on a stream not allowed to carry TEE traffic */
  OT_IDE_ERR_MALFORMED,      /* bad prefix, header, sizes, sub-stream or P bit */
  OT_IDE_ERR_LINK_TC,        /* a link stream TLP with another TC */
  OT_IDE_ERR_PCRC,           /* the MAC verified but the plaintext CRC did not */
  OT_IDE_ERR_AGGREGATION,    /* more than 8 TLPs per MAC, K changed in a group, no room */
  OT_IDE_ERR_COUNTER,        /* the invocation counter of the key set is spent */
  OT_IDE_ERR_NOT_IDE,        /* no IDE prefix (on a link-IDE TC: that stream fails) */
} ot_ide_error;

/* Short name of an error ("mac", "pr_sent", ...). */
const char *ot_ide_error_name(ot_ide_error e);

/*
 * Key material of one key set of one sub-stream and direction, as IDE_KM
 * KEY_PROG delivers it (SPEC-FACTS §4.1): the 256-bit key as the cipher takes
 * it (K[0] first), the IV fixed field (OT_IDE_IV_FIXED_PCIE for PCIe; KEY_PROG
 * does not carry it) and the initial invocation field value.
 */
typedef struct ot_ide_key_material {
  uint8_t key[OT_IDE_KEY_SIZE]; /* secret */
  uint32_t iv_fixed;
  uint64_t ifv;
} ot_ide_key_material;

/*
 * Builds key material from KEY_PROG's DWs as values: key_dw[i] = Key_DWi,
 * ifv_dw[i] = IFV_DWi (i = 0 least significant). K[0] is bits 31:24 of
 * Key_DW7 ... K[31] bits 7:0 of Key_DW0; IFV = IFV_DW1 : IFV_DW0; the fixed
 * field is OT_IDE_IV_FIXED_PCIE (SPEC-FACTS §4.1, ✔/✱). How the DWs are
 * serialized in the IDE_KM byte stream is IDE_KM's business.
 */
void ot_ide_key_material_from_km(ot_ide_key_material *out, const uint32_t key_dw[static 8],
                                 const uint32_t ifv_dw[static 2]);

/* Stream configuration: what the Stream Control register and policy say. */
typedef struct ot_ide_stream_cfg {
  uint8_t stream_id;
  ot_ide_stream_kind kind;
  uint8_t tc;       /* link streams: the Traffic Class they protect (0..7) */
  bool pcrc;        /* PCRC Enable */
  bool tee_allowed; /* T=1 allowed (TEE-IO; TDISP) */
  /* Transmit: most TLPs per MAC for PR, NPR, CPL (1, 2, 4 or 8; Tx Aggregation Mode). */
  uint8_t aggregation[OT_IDE_NUM_SUBSTREAMS];
} ot_ide_stream_cfg;

/* ---- context layout (fields are internal; use the functions) ------------- */

typedef struct ot_ide_key_slot {
  ot_aead_key aead; /* keyed context while installed */
  uint32_t iv_fixed;
  uint64_t next;                    /* invocation field of the next MAC */
  uint8_t nonce[OT_IDE_NONCE_SIZE]; /* iv_fixed || next as the cipher takes it */
  bool installed;                   /* KEY_PROG received */
  bool go;                          /* K_SET_GO received */
  bool spent;                       /* the counter used 2^64 - 1: re-key required */
} ot_ide_key_slot;

/* Receive side: an aggregation group whose MAC has not arrived yet. */
typedef struct ot_ide_pending {
  uint8_t count;                        /* TLPs held (0..7) */
  uint8_t key_set;                      /* K of the group */
  size_t used;                          /* bytes of buf in use */
  uint32_t off[OT_IDE_MAX_AGGREGATION]; /* each TLP's offset in buf */
  uint32_t len[OT_IDE_MAX_AGGREGATION]; /* each TLP's wire length */
  /* What each held TLP's checks found on arrival: it is not parsed again. */
  ot_tlp_decoded hdr[OT_IDE_MAX_AGGREGATION];
  uint8_t pr_sent[OT_IDE_MAX_AGGREGATION];
  uint8_t pcrc; /* bit i: TLP i carries a PCRC (P=1) */
  uint8_t tee;  /* bit i: TLP i has T=1 */
  uint8_t *buf; /* caller's memory, a third of the stream's */
  size_t cap;
} ot_ide_pending;

typedef struct ot_ide_sub_state {
  ot_ide_key_slot slot[OT_IDE_NUM_KEY_SETS];
  uint8_t active;      /* transmit: the key set in use (its K bit) */
  ot_ide_pending pend; /* receive only */
} ot_ide_sub_state;

typedef struct ot_ide_stream {
  ot_ide_stream_cfg cfg;
  bool in_use;
  bool enabled;
  bool failed;
  bool secure; /* Secure right now: kept by every state change, read per TLP */
  ot_ide_error error; /* why it failed */
  /* Posted requests sent (tx) / delivered (rx) since the last NPR and CPL TLP. */
  uint8_t pr_since[OT_IDE_NUM_SUBSTREAMS];
  /*
   * Derived from cfg and the key state whenever either changes, so the data
   * path does not derive them per TLP. Transmit: prefix bytes 0..3 of each
   * sub-stream (stream ID, sub-stream, K of the key set in use), PR_Sent, P,
   * M and T left zero. Receive: the bits of (TD << 11 | TC << 8 | prefix
   * byte 3) that a lone TLP's checks fix (rx_mask), and their value for
   * each TLP kind (rx_want). Kept by src/ide; read-only for everyone else.
   */
  uint8_t tx_prefix[OT_IDE_NUM_SUBSTREAMS][4];
  uint16_t rx_mask;
  uint16_t rx_want[16];
  ot_ide_sub_state sub[OT_IDE_NUM_SUBSTREAMS];
} ot_ide_stream;

typedef enum ot_ide_dir {
  OT_IDE_DIR_TX = 1,
  OT_IDE_DIR_RX = 2,
} ot_ide_dir;

typedef struct ot_ide_engine {
  ot_ide_dir dir;
  uint8_t index[256]; /* stream ID -> slot in streams + 1; 0 = none */
  ot_ide_stream streams[OT_IDE_MAX_STREAMS];
} ot_ide_engine;

typedef struct ot_ide_tx {
  ot_ide_engine engine;
} ot_ide_tx;

typedef struct ot_ide_rx {
  ot_ide_engine engine;
} ot_ide_rx;

/* ---- lifecycle ------------------------------------------------------------ */

/* Empty contexts (no streams). init ignores previous content; clear first. */
void ot_ide_tx_init(ot_ide_tx *tx);
void ot_ide_rx_init(ot_ide_rx *rx);
/* Removes every stream (zeroizing keys and pending data). Safe on a cleared context. */
void ot_ide_tx_clear(ot_ide_tx *tx);
void ot_ide_rx_clear(ot_ide_rx *rx);

static inline ot_ide_engine *ot_ide_tx_engine(ot_ide_tx *tx) { return &tx->engine; }
static inline ot_ide_engine *ot_ide_rx_engine(ot_ide_rx *rx) { return &rx->engine; }

/*
 * Adds a stream (disabled, no keys). OT_E_EXISTS for a stream ID already
 * present, OT_E_NO_SPACE when OT_IDE_MAX_STREAMS are in use, OT_E_ARG for a
 * bad configuration (TC > 7, aggregation not 1/2/4/8).
 * The receive side also takes the memory that holds aggregation groups
 * until their MAC arrives: pending[0..cap), owned by the caller, untouched by
 * anyone else until the stream is removed. OT_IDE_RX_PENDING_SIZE(max_payload)
 * holds 7 TLPs per sub-stream of up to max_payload bytes; a TLP that does not
 * fit fails the stream (OT_IDE_ERR_AGGREGATION). cap may be 0 (pending NULL)
 * when the partner never aggregates.
 */
OT_RESULT ot_ide_tx_stream_add(ot_ide_tx *tx, const ot_ide_stream_cfg *cfg);
OT_RESULT ot_ide_rx_stream_add(ot_ide_rx *rx, const ot_ide_stream_cfg *cfg, uint8_t *pending,
                               size_t cap);
#define OT_IDE_RX_PENDING_SIZE(max_payload)                                                        \
  (OT_IDE_NUM_SUBSTREAMS * (OT_IDE_MAX_AGGREGATION - 1u) *                                         \
   (OT_IDE_PREFIX_SIZE + OT_TLP_HDR_4DW + (size_t)(max_payload) + OT_IDE_PCRC_SIZE))

/* Removes a stream: keys and pending data zeroized. OT_E_NOT_FOUND if absent. */
OT_RESULT ot_ide_stream_remove(ot_ide_engine *e, uint8_t stream_id);

/* ---- key management (IDE_KM) ---------------------------------------------- */

/*
 * KEY_PROG: installs key material into key set key_set (0/1) of sub-stream
 * sub. The invocation counter starts at km->ifv. OT_E_STATE if that key set
 * is GO (stop it first); OT_E_NOT_FOUND, OT_E_ARG; OT_E_LIBRARY / OT_E_NOMEM
 * from the cipher. The caller still owns (and should wipe) km.
 */
OT_RESULT ot_ide_key_install(ot_ide_engine *e, uint8_t stream_id, ot_ide_substream sub,
                             uint8_t key_set, const ot_ide_key_material *km);
/*
 * K_SET_GO: the key set may be used. Receive: TLPs with that K are accepted
 * (both sets may be GO during a key refresh). Transmit: the sub-stream
 * switches to that key set for its next TLP (its K bit flips). OT_E_STATE if
 * nothing is installed there.
 */
OT_RESULT ot_ide_key_go(ot_ide_engine *e, uint8_t stream_id, ot_ide_substream sub, uint8_t key_set);
/*
 * K_SET_STOP: the key set is released and zeroized. Transmit: if it was in
 * use, the sub-stream switches to the other set when that one is GO, else the
 * stream is no longer Secure. Stopping an empty set is OT_E_STATE.
 */
OT_RESULT ot_ide_key_stop(ot_ide_engine *e, uint8_t stream_id, ot_ide_substream sub,
                          uint8_t key_set);

/* Stream Control Enable set: clears a previous failure (keys must be GO to be Secure). */
OT_RESULT ot_ide_stream_enable(ot_ide_engine *e, uint8_t stream_id);
/* Enable cleared: Insecure at once; every key of the stream is released and zeroized. */
OT_RESULT ot_ide_stream_disable(ot_ide_engine *e, uint8_t stream_id);

/* Current state and, after a failure, its reason (OT_IDE_ERR_NONE otherwise). */
OT_RESULT ot_ide_stream_state(const ot_ide_engine *e, uint8_t stream_id, ot_ide_state *state,
                              ot_ide_error *error);

/* The next invocation field value of a key set (diagnostics and tests). */
OT_RESULT ot_ide_key_next_invocation(const ot_ide_engine *e, uint8_t stream_id,
                                     ot_ide_substream sub, uint8_t key_set, uint64_t *next);

/* The sub-stream a TLP travels on (§6.33.5): posted = MWr and messages,
 * non-posted = MRd, completion = Cpl and CplD. */
ot_ide_substream ot_ide_substream_of(ot_tlp_kind kind);

/* ---- transmit ------------------------------------------------------------- */

/*
 * One plaintext TLP to protect: the TLP layer's view of it (ot_tlp_view_encode
 * when it is built, ot_tlp_view_decode when it arrived as bytes, or a TLP
 * ot_ide_rx_receive delivered) and its T bit. The engine takes the header as
 * the TLP layer decoded and validated it and does not decode it again.
 */
typedef struct ot_ide_tx_tlp {
  const ot_tlp_view *tlp;
  bool t;
} ot_ide_tx_tlp;

/*
 * Protects one aggregation group of n TLPs (1 <= n <= the stream's
 * aggregation setting for their sub-stream; all of one sub-stream) under one
 * MAC, writing the n protected TLPs back to back into out[0..cap):
 * lens[i] is the size of the i-th (n entries), *total their sum. A TLP with
 * TD=1 is OT_E_UNSUPPORTED (no ECRC inside IDE TLPs here).
 * Errors, with nothing consumed and out untouched or zeroed:
 *   OT_E_NOT_FOUND (no such stream), OT_E_STATE (stream not Secure, or the
 *   key set's counter is spent: re-key), OT_E_ARG (n, mixed sub-streams, a
 *   link stream TLP on another TC), OT_E_POLICY (T=1 not allowed),
 *   OT_E_NO_SPACE, OT_E_UNSUPPORTED, OT_E_LIBRARY.
 */
OT_RESULT ot_ide_tx_protect(ot_ide_tx *tx, uint8_t stream_id, const ot_ide_tx_tlp *tlps, size_t n,
                            uint8_t *out, size_t cap, size_t *lens, size_t *total);

/* The wire size of the group ot_ide_tx_protect would produce, or 0 if invalid. */
size_t ot_ide_tx_protected_size(const ot_ide_tx *tx, uint8_t stream_id, const ot_ide_tx_tlp *tlps,
                                size_t n);

/* ---- receive -------------------------------------------------------------- */

/*
 * One delivered TLP: out[off..off+len) holds its plaintext wire bytes, and
 * tlp is the TLP layer's view of them (tlp.wire = out + off), from the one
 * decode of its header on arrival: consumers need not decode it again.
 */
typedef struct ot_ide_rx_tlp {
  size_t off;
  size_t len;
  ot_ide_substream sub;
  bool t;
  ot_tlp_view tlp;
} ot_ide_rx_tlp;

typedef struct ot_ide_rx_result {
  uint8_t stream_id;  /* from the prefix, when there was one */
  ot_ide_error error; /* OT_IDE_ERR_NONE on success */
  size_t count;       /* TLPs delivered (0 while a group waits for its MAC) */
  ot_ide_rx_tlp tlps[OT_IDE_MAX_AGGREGATION];
} ot_ide_rx_result;

/*
 * Takes one protected TLP wire[0..len). When it ends an aggregation group
 * (M=1) and the group verifies, the group's plaintext TLPs are written back
 * to back into out[0..cap) and described in res (count >= 1). When it is an
 * earlier member of a group (M=0) it is held and res->count is 0. On any
 * check failure nothing is delivered: out is untouched or zeroed, res->error
 * says why, the stream (if the prefix names a known one) is Insecure and
 * stays so (see the top of this file), and the status is:
 *   OT_E_DECRYPT (MAC, PCRC), OT_E_VERIFY (PR_Sent, counter, K, T,
 *   aggregation), OT_E_MALFORMED (prefix, header, sizes, sub-stream, link TC,
 *   non-IDE TLP), OT_E_NOT_FOUND (unknown stream: no state changes),
 *   OT_E_FAILED (the stream was already Insecure).
 * OT_E_NO_SPACE (out too small for the group) and OT_E_ARG change nothing:
 * the TLP is not consumed.
 */
OT_RESULT ot_ide_rx_receive(ot_ide_rx *rx, const uint8_t *wire, size_t len, uint8_t *out,
                            size_t cap, ot_ide_rx_result *res);

/* ---- the IDE TLP Prefix (opentsm/spec/ide.h) ------------------------------ */

typedef struct ot_ide_prefix {
  uint8_t pr_sent;   /* PR_Sent_Counter */
  uint8_t stream_id; /* Stream ID */
  ot_ide_substream sub;
  bool p; /* PCRC present */
  bool m; /* MAC present */
  bool k; /* key set */
  bool t; /* TEE */
} ot_ide_prefix;

void ot_ide_prefix_encode(const ot_ide_prefix *p, uint8_t out[static OT_IDE_PREFIX_SIZE]);
/* OT_E_MALFORMED: not an IDE prefix, reserved bit set, or reserved sub-stream. */
OT_RESULT ot_ide_prefix_decode(const uint8_t in[static OT_IDE_PREFIX_SIZE], ot_ide_prefix *out);

#endif /* OPENTSM_IDE_H */
