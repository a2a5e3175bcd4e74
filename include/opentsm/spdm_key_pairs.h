/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key pairs of an SPDM 1.3 responder as GET_KEY_PAIR_INFO reports them and
 * SET_KEY_PAIR_INFO changes them (DSP0274 1.3 §10.26 "GET_KEY_PAIR_INFO
 * request and KEY_PAIR_INFO response messages", §10.27 "SET_KEY_PAIR_INFO
 * request and SET_KEY_PAIR_INFO_ACK response messages").
 * @layer spdm
 *
 * KeyPairID n is kp[n - 1]. The table starts from an identity: KeyPairID 1 is
 * the key behind slot 0, the identity's other keys follow, and the rest up to
 * `total` start empty (no key), ready for a Generate. Each pair has its key
 * (if any), its usage and algorithm, and the slots it is associated with.
 * The table is plain data; ot_spdm_key_pairs_clear() wipes its private keys.
 * ot_spdm_key_pairs_save / _load give the whole table as bytes with a
 * SHA-256 trailer, for a device that keeps it across restarts.
 */
#ifndef OPENTSM_SPDM_KEY_PAIRS_H
#define OPENTSM_SPDM_KEY_PAIRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/crypto.h"
#include "opentsm/rng.h"
#include "opentsm/spdm_codec.h"
#include "opentsm/spdm_identity.h"
#include "opentsm/status.h"

/* Key pairs per device (TotalKeyPairs at most this). */
#define OT_SPDM_KP_MAX 8u

/* KEY_PAIR_INFO Capabilities (DSP0274 1.3 Table "Key pair capabilities"). */
#define OT_SPDM_KP_CAP_GEN_KEY 0x0001u
#define OT_SPDM_KP_CAP_ERASABLE 0x0002u
#define OT_SPDM_KP_CAP_CERT_ASSOC 0x0004u
#define OT_SPDM_KP_CAP_KEY_USAGE 0x0008u
#define OT_SPDM_KP_CAP_ASYM_ALGO 0x0010u
#define OT_SPDM_KP_CAP_SHAREABLE 0x0020u
#define OT_SPDM_KP_CAP_MASK 0x003Fu

/* AsymAlgoCapabilities / CurrentAsymAlgo / DesiredAsymAlgo bits (§10.26). */
#define OT_SPDM_KP_ALGO_RSA2048 0x00000001u
#define OT_SPDM_KP_ALGO_RSA3072 0x00000002u
#define OT_SPDM_KP_ALGO_RSA4096 0x00000004u
#define OT_SPDM_KP_ALGO_ECC256 0x00000008u
#define OT_SPDM_KP_ALGO_ECC384 0x00000010u
#define OT_SPDM_KP_ALGO_ECC521 0x00000020u
#define OT_SPDM_KP_ALGO_SM2 0x00000040u
#define OT_SPDM_KP_ALGO_ED25519 0x00000080u
#define OT_SPDM_KP_ALGO_ED448 0x00000100u
#define OT_SPDM_KP_ALGO_MASK 0x000001FFu

/* The key usages a pair can have (DSP0274 1.3 "Key usage bit mask"). */
#define OT_SPDM_KP_USAGE_MASK                                                                      \
  (OT_SPDM_KEY_USAGE_KEY_EX | OT_SPDM_KEY_USAGE_CHALLENGE | OT_SPDM_KEY_USAGE_MEASUREMENT |         \
   OT_SPDM_KEY_USAGE_ENDPOINT_INFO | OT_SPDM_KEY_USAGE_STANDARDS | OT_SPDM_KEY_USAGE_VENDOR)

typedef struct ot_spdm_key_pair {
  bool present;                     /* holds a key (false: erased or never generated) */
  ot_curve curve;                   /* when present */
  uint8_t priv[OT_PRIVATE_KEY_MAX]; /* secret while present (crypto.h raw formats) */
  size_t priv_len;
  uint8_t pub[OT_PUBLIC_KEY_MAX]; /* X || Y, or RSA n || e */
  size_t pub_len;
  uint16_t caps;       /* OT_SPDM_KP_CAP_* */
  uint16_t usage_caps; /* KeyUsageCapabilities */
  uint16_t usage;      /* CurrentKeyUsage */
  uint32_t algo_caps;  /* AsymAlgoCapabilities */
  uint32_t algo;       /* CurrentAsymAlgo: the key's (present), else the one Generate uses */
  uint8_t assoc;       /* AssocCertSlotMask */
} ot_spdm_key_pair;

typedef struct ot_spdm_key_pairs {
  uint8_t total;                      /* TotalKeyPairs, 1..OT_SPDM_KP_MAX */
  ot_spdm_key_pair kp[OT_SPDM_KP_MAX]; /* kp[n - 1] is KeyPairID n */
} ot_spdm_key_pairs;

/* The CurrentAsymAlgo bit of a key type (0 for one that has none). */
uint32_t ot_spdm_kp_algo_of(ot_curve curve);

/*
 * The table of `total` pairs (1..OT_SPDM_KP_MAX) built from id: KeyPairID 1 is
 * the key of slot 0, then the identity's other keys in order, each
 * associated with the slots that use it and with the usages those slots
 * have (every usage if none says); the remaining pairs start empty. When
 * `settable` (the device offers SET_KEY_PAIR_INFO_CAP) every pair may be
 * generated (P-256 or P-384), erased, re-associated and re-purposed;
 * otherwise Capabilities is 0, as a device without SET_KEY_PAIR_INFO_CAP
 * reports (§10.26). OT_E_ARG for total out of range or fewer than the
 * identity's keys.
 */
OT_RESULT ot_spdm_key_pairs_init(ot_spdm_key_pairs *t, const ot_spdm_identity *id, uint8_t total,
                                 bool settable);
/* Numbers the identity's keys as ot_spdm_key_pairs_init does (KeyPairID 1
 * the key of slot 0, the others in order), so that DIGESTS' KeyPairID and
 * KEY_PAIR_INFO agree. */
void ot_spdm_identity_number_key_pairs(ot_spdm_identity *id);
/* Wipes every private key and empties the table. */
void ot_spdm_key_pairs_clear(ot_spdm_key_pairs *t);

/*
 * KEY_PAIR_INFO of KeyPairID id: out's fields, PublicKeyInfo (the DER
 * SubjectPublicKeyInfo, empty for a pair with no key) written to
 * pki[0..cap). OT_E_NOT_FOUND for an id outside 1..total.
 */
OT_RESULT ot_spdm_key_pairs_info(const ot_spdm_key_pairs *t, uint8_t id, ot_spdm_key_pair_info *out,
                                 uint8_t *pki, size_t cap);

/*
 * SET_KEY_PAIR_INFO's effect on the table, all or nothing (§10.27):
 * OT_E_MALFORMED for a request the rules refuse (the responder answers
 * InvalidRequest): KeyPairID beyond total, an operation the pair's
 * Capabilities lack, a usage or algorithm outside its capabilities or not
 * exactly one algorithm, several slots for a pair that is not shareable, a
 * slot already associated with another pair, an algorithm change of a key
 * that exists; OT_E_STATE (OperationFailed) to erase or regenerate a pair
 * still associated with a slot. Generate draws the key from rng.
 */
OT_RESULT ot_spdm_key_pairs_apply(ot_spdm_key_pairs *t, const ot_spdm_set_key_pair_info *req,
                                  ot_rng *rng);

/*
 * A multi-key device (identity_key_pairs_sync.c): puts the table's keys into
 * the identity the responder signs with, all or nothing. Each pair holding a
 * key becomes (or stays) the identity key with its KeyPairID; the key of an
 * erased or regenerated pair leaves the identity, or, while a slot's
 * certificate still names it, stays for that slot with KeyPairID 0. Each
 * slot whose key is pair N's takes pair N's CurrentKeyUsage as its
 * KeyUsageMask (DSP0274 1.3 DIGESTS), which the responder enforces.
 * OT_E_NO_SPACE when more keys than OT_SPDM_ID_MAX_KEYS would be held.
 */
OT_RESULT ot_spdm_key_pairs_to_identity(const ot_spdm_key_pairs *t, ot_spdm_identity *id);
/* SET_CERTIFICATE with KeyPairID n into `slot`: the slot leaves every other
 * pair's AssocCertSlotMask and joins pair n's (when n holds a key; n 0: no
 * pair, the slot erased). */
void ot_spdm_key_pairs_bind_slot(ot_spdm_key_pairs *t, uint8_t slot, uint8_t key_pair_id);
/* Binds each provisioned slot of id to the pair that holds its certificate's
 * key (ot_spdm_key_pairs_bind_slot), or to none. */
void ot_spdm_key_pairs_bind_identity(ot_spdm_key_pairs *t, const ot_spdm_identity *id);

/* Largest ot_spdm_key_pairs_save output. */
#define OT_SPDM_KP_SAVE_MAX (8u + 1u + OT_SPDM_KP_MAX * (16u + OT_PRIVATE_KEY_MAX) + 32u)

/*
 * The table as bytes (little-endian): "OTKEYPR1" | Total(1) | Total x {
 * Present(1) | KeyType(1) | Caps(2) | UsageCaps(2) | Usage(2) | AlgoCaps(4) |
 * Algo(4) | Assoc(1) | PrivLen(2) | Priv } | SHA-256 of the rest (32). It
 * holds the private keys: the caller keeps it secret and wipes it.
 */
OT_RESULT ot_spdm_key_pairs_save(const ot_spdm_key_pairs *t, uint8_t *out, size_t cap,
                                 size_t *out_len);
/*
 * Replaces *t with the table in buf[0..len), checked whole first (magic,
 * checksum, layout, each key valid, Total as t's): OT_E_MALFORMED /
 * OT_E_VERIFY / OT_E_BAD_KEY and *t unchanged on any failure.
 */
OT_RESULT ot_spdm_key_pairs_load(ot_spdm_key_pairs *t, const uint8_t *buf, size_t len);

#endif /* OPENTSM_SPDM_KEY_PAIRS_H */
