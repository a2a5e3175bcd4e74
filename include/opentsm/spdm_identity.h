/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The identity of an SPDM responder (a device security manager): certificate
 * slots, the private keys behind them, and the measurement blocks it reports.
 * @layer spdm
 *
 * One ot_spdm_identity is built once per device and shared, read-only, by every
 * connection the responder serves (certificate chains are stored once per
 * device, never per session). It is caller-owned, plain data, and needs no
 * teardown except ot_spdm_identity_clear(), which wipes the private keys.
 *
 * Certificate slots (DSP0274 1.3 "Certificate chain format", SPEC-FACTS §2.7):
 * a slot holds the DER chain (root first, leaf last). The SPDM cert-chain blob
 * that GET_CERTIFICATE transfers is Length(2) | Reserved(2) | RootHash(H) | DER,
 * where RootHash and the digest DIGESTS reports depend on the negotiated hash;
 * both are computed when the slot is installed, for SHA-256 and SHA-384, and the
 * blob is served from its parts (ot_spdm_identity_chain_read), never rebuilt.
 *
 * Keys: raw private scalars (big-endian, curve size), marked secret with
 * ot_secret_mark() while installed. A slot names the key that signs for it;
 * several slots may share one key (SPDM 1.3 multi-key: KeyPairID).
 *
 * Measurements (DSP0274 "Measurement block format", "DMTF measurement
 * specification format"): each block is a DMTF value of a given type, either a
 * raw bit stream (reported as is) or content whose digest is reported under
 * the negotiated MeasurementHashAlgo.
 */
#ifndef OPENTSM_SPDM_IDENTITY_H
#define OPENTSM_SPDM_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "opentsm/crypto.h"
#include "opentsm/rng.h"
#include "opentsm/spec/spdm.h"
#include "opentsm/status.h"
#include "opentsm/x509.h"

/* Largest DER chain a slot holds; the DMTF P-384 sample chain is 1539 bytes. */
#define OT_SPDM_ID_CHAIN_MAX 4096u
/* Distinct key pairs per device. */
#define OT_SPDM_ID_MAX_KEYS 4u
/* Measurement blocks per device (indices 1..0xFE). */
#define OT_SPDM_ID_MAX_MEAS 16u
/* Largest measurement content (raw bit stream or the input of a digest). */
#define OT_SPDM_ID_MEAS_MAX 256u

_Static_assert(OT_SPDM_ID_CHAIN_MAX + OT_SPDM_CERT_CHAIN_HEADER_SIZE + OT_SPDM_MAX_HASH_SIZE <=
                   OT_SPDM_MAX_CERT_CHAIN_SIZE,
               "an SPDM cert chain Length is a u16");

typedef struct ot_spdm_id_key {
  bool present;
  ot_curve curve;                  /* P-256, P-384 or RSA-2048/3072/4096 */
  uint8_t priv[OT_PRIVATE_KEY_MAX]; /* secret while present (crypto.h raw formats) */
  size_t priv_len;                  /* the curve size, or the RSA key's DER length */
  uint8_t pub[OT_PUBLIC_KEY_MAX];   /* X || Y, or RSA n || e */
  uint8_t key_pair_id;              /* 1.3 KeyPairID (1..255) */
} ot_spdm_id_key;

#define OT_SPDM_ID_HASH_COUNT 6u /* OT_HASH_SHA256 .. OT_HASH_SHA3_512 */

typedef struct ot_spdm_id_slot {
  bool present;
  uint8_t key;        /* index into keys[] */
  uint8_t cert_model; /* OT_SPDM_CERT_MODEL_* (1.3 CertificateInfo) */
  uint16_t key_usage; /* OT_SPDM_KEY_USAGE_* (1.3 KeyUsageMask) */
  uint8_t der[OT_SPDM_ID_CHAIN_MAX];
  size_t der_len;
  size_t root_len; /* length of the first (root) certificate */
  /* Per hash (index ot_hash_alg - 1: SHA-256, SHA-384, SHA-512, SHA3-256,
   * SHA3-384, SHA3-512): RootHash and Hash(blob), for any BaseHashAlgo. */
  uint8_t root_hash[OT_SPDM_ID_HASH_COUNT][OT_HASH_MAX_SIZE];
  uint8_t chain_digest[OT_SPDM_ID_HASH_COUNT][OT_HASH_MAX_SIZE];
} ot_spdm_id_slot;

typedef struct ot_spdm_id_meas {
  uint8_t index;      /* 1..0xFE (0xFD manifest, 0xFE device mode reserved by DSP0274) */
  uint8_t value_type; /* OT_SPDM_DMTF_MEAS_* type, bits 6:0 */
  bool raw;           /* report content as a raw bit stream, else its digest */
  bool tcb;           /* part of the TCB summary (MeasurementSummaryHashType 1) */
  uint16_t len;
  uint8_t content[OT_SPDM_ID_MEAS_MAX];
} ot_spdm_id_meas;

typedef struct ot_spdm_identity {
  ot_spdm_id_key keys[OT_SPDM_ID_MAX_KEYS];
  ot_spdm_id_slot slots[OT_SPDM_MAX_SLOT_COUNT];
  ot_spdm_id_meas meas[OT_SPDM_ID_MAX_MEAS]; /* ascending index */
  size_t meas_count;
} ot_spdm_identity;

/* An empty identity (no keys, slots or measurements). */
void ot_spdm_identity_init(ot_spdm_identity *id);
/* Wipes every private key (ot_secret_wipe) and empties the identity. */
void ot_spdm_identity_clear(ot_spdm_identity *id);

/*
 * Installs a private key as keys[index] and derives its public key; the key is
 * copied and marked secret. OT_E_ARG (index, key_pair_id 0), OT_E_EXISTS (slot
 * taken), OT_E_UNSUPPORTED (a key other than P-256/P-384/RSA-2048/3072/4096),
 * OT_E_BAD_KEY.
 */
OT_RESULT ot_spdm_identity_set_key(ot_spdm_identity *id, size_t index, ot_curve curve,
                                   const uint8_t *priv, size_t priv_len, uint8_t key_pair_id);

/*
 * Installs the DER chain der[0..len) (root first) in slot `slot`, signed for by
 * keys[key]: the chain must parse (ot_x509_chain_parse errors) and its leaf
 * public key must be keys[key]'s (OT_E_BAD_KEY). Computes the root hashes and
 * chain digests. OT_E_TOO_LARGE above OT_SPDM_ID_CHAIN_MAX; OT_E_EXISTS if the
 * slot is taken; OT_E_NOT_FOUND if the key is absent.
 */
OT_RESULT ot_spdm_identity_set_slot(ot_spdm_identity *id, uint8_t slot, size_t key,
                                    const uint8_t *der, size_t len);

/* Appends a measurement block (copied). OT_E_ARG for index 0 / 0xFF or a
 * type above 0x7F, OT_E_EXISTS for a repeated index, OT_E_TOO_LARGE, OT_E_NO_SPACE. */
OT_RESULT ot_spdm_identity_add_meas(ot_spdm_identity *id, const ot_spdm_id_meas *m);

/* Bitmask of provisioned slots (bit n = slot n). */
uint8_t ot_spdm_identity_slot_mask(const ot_spdm_identity *id);

/* ---- the SPDM cert-chain blob of a slot, for a negotiated hash ------------- */

/* Total blob length: 4 + H + DER. OT_E_NOT_FOUND (empty slot), OT_E_UNSUPPORTED (hash). */
OT_RESULT ot_spdm_identity_chain_len(const ot_spdm_identity *id, uint8_t slot, ot_hash_alg hash,
                                     size_t *len);
/* Copies blob[offset .. offset + n) into out. OT_E_ARG if it runs past the blob. */
OT_RESULT ot_spdm_identity_chain_read(const ot_spdm_identity *id, uint8_t slot, ot_hash_alg hash,
                                      size_t offset, size_t n, uint8_t *out);
/* Hash(blob) (the DIGESTS entry and CertChainHash); *digest points into id. */
OT_RESULT ot_spdm_identity_chain_digest(const ot_spdm_identity *id, uint8_t slot, ot_hash_alg hash,
                                        const uint8_t **digest);
/* The root certificate of a slot (to use as a requester's trust anchor). */
OT_RESULT ot_spdm_identity_root(const ot_spdm_identity *id, uint8_t slot, ot_x509_cert *root);

/* ---- measurement blocks ----------------------------------------------------- */

/*
 * Appends measurement block `i` (position in meas[], not its index) in wire
 * form: Index | Spec (DMTF) | Size | DMTF type | ValueSize | value, the value
 * being the content (raw) or its meas_hash digest (the content of a digest
 * block is never revealed, whatever RawBitStreamRequested says).
 */
OT_RESULT ot_spdm_identity_meas_block(const ot_spdm_identity *id, size_t i, ot_hash_alg meas_hash,
                                      uint8_t *out, size_t cap, size_t *out_len);

/*
 * The MeasurementSummaryHash (SPEC-FACTS §2.8): Hash over the concatenated
 * blocks selected by `type` (OT_SPDM_MEAS_SUMMARY_ALL: all; _TCB: those marked
 * tcb), in index order, with the connection hash `hash`.
 */
OT_RESULT ot_spdm_identity_meas_summary(const ot_spdm_identity *id, uint8_t type, ot_hash_alg hash,
                                        ot_hash_alg meas_hash, uint8_t *out, size_t cap);

/* ---- device-model description ----------------------------------------------- */

/*
 * A device model's firmware facts, from which the standard measurement set is
 * made: 1 immutable ROM, 2 mutable firmware, 3 hardware configuration,
 * 4 firmware configuration (digests of the given images), 5 the measurement
 * manifest (raw: the list of index/type pairs), 6 firmware version (raw string)
 * 7 the SVN (raw, 8 bytes LE) and 8 the device mode (raw, 16 bytes). Images
 * longer than OT_SPDM_ID_MEAS_MAX are
 * digested (SHA-384) first, so the content stays bounded.
 */
typedef struct ot_spdm_device_model {
  const uint8_t *rom, *firmware, *hw_config, *fw_config;
  size_t rom_len, firmware_len, hw_config_len, fw_config_len;
  const char *version; /* e.g. "1.0.0" */
  uint64_t svn;
  /* The device mode block (index 8, DSP0274 1.2 "Device mode field"):
   * OT_SPDM_DEVICE_OPMODE_* capabilities and the one in force, and the
   * OT_SPDM_DEVICE_DEBUG_* debug modes it has and their state. A model that
   * leaves all four zero is a device in normal operation only, without
   * debug modes (both *_caps and op_mode_state then read NORMAL / 0). */
  uint32_t op_mode_caps, op_mode_state, debug_mode_caps, debug_mode_state;
} ot_spdm_device_model;

OT_RESULT ot_spdm_identity_add_device_meas(ot_spdm_identity *id, const ot_spdm_device_model *dm);

/*
 * SET_CERTIFICATE's effect (DSP0274 1.2): installs the DER chain der[0..len)
 * (root first) in `slot`, replacing what was there. The leaf key must be one
 * of the identity's keys (with KeyPairID key_pair_id when it is not 0:
 * OT_E_BAD_KEY), and the chain must validate from its own root at `now`
 * with a responder-fit leaf (OT_E_CERT, *verdict says why). der NULL, len 0
 * erases the slot (OT_E_NOT_FOUND if empty). On failure the slot is as before.
 */
OT_RESULT ot_spdm_identity_provision(ot_spdm_identity *id, uint8_t slot, uint8_t key_pair_id,
                                     const uint8_t *der, size_t len, time_t now,
                                     ot_x509_verdict *verdict);

/*
 * ot_spdm_identity_provision for a slot of certificate model cert_model
 * (OT_SPDM_CERT_MODEL_DEVICE / _ALIAS / _GENERIC, DSP0274 1.3 SetCertModel),
 * which the slot keeps (CertificateInfo). DeviceCert: the leaf is checked
 * against the SPDM responder leaf profile. AliasCert: the leaf is an alias
 * certificate (no hardware-identity OID) issued by a CA, the device
 * certificate, in the same chain. GenericCert: no SPDM leaf profile (EKUs),
 * and not in slot 0. Another model, or GenericCert in slot 0: OT_E_MALFORMED.
 * ot_spdm_identity_provision is this with DeviceCert.
 */
OT_RESULT ot_spdm_identity_provision_model(ot_spdm_identity *id, uint8_t slot,
                                           uint8_t key_pair_id, uint8_t cert_model,
                                           const uint8_t *der, size_t len, time_t now,
                                           ot_x509_verdict *verdict);

/* ---- SPDM 1.3 endpoint information and measurement extension log ---------- */

/*
 * The DMTF MEL of the identity (spdm_codec.h ot_spdm_mel_check form): one
 * entry per measurement block, MELIndex 1.., each the block's content as a
 * raw DMTF value of its type. OT_E_NO_SPACE when cap is too small.
 */
OT_RESULT ot_spdm_identity_mel(const ot_spdm_identity *id, uint8_t *out, size_t cap,
                               size_t *out_len);
/* A DeviceClassIdentifier EPInfo naming a PCI function: one element,
 * registry PCI-SIG with the Vendor ID, subordinate IDs the Device ID and the
 * Subsystem ID (little-endian), 16 bytes (a DW multiple, see the .c file). */
OT_RESULT ot_spdm_ep_info_pci(uint16_t vendor, uint16_t device, uint16_t subsystem, uint8_t *out,
                              size_t cap, size_t *out_len);

/* ---- generation and loading --------------------------------------------------- */

/* A freshly generated root -> intermediate -> device-leaf hierarchy. */
typedef struct ot_spdm_hierarchy {
  ot_curve curve;                        /* the key type of all three keys */
  uint8_t root_priv[OT_PRIVATE_KEY_MAX]; /* secret */
  uint8_t inter_priv[OT_PRIVATE_KEY_MAX];
  uint8_t leaf_priv[OT_PRIVATE_KEY_MAX];
  size_t root_priv_len, inter_priv_len, leaf_priv_len; /* the raw keys' lengths */
  uint8_t der[OT_SPDM_ID_CHAIN_MAX]; /* root | intermediate | leaf */
  size_t der_len;
} ot_spdm_hierarchy;

/*
 * Generates three key pairs from rng and the certificates over them with
 * x509.h's generator: the leaf carries the DMTF SPDM OIDs (responder EKU,
 * hardware identity) and device_info (may be NULL). Validity
 * [not_before, not_after]. On failure every key in *h is wiped. RSA keys come
 * from OpenSSL's generator, not rng (crypto.h ot_rsa_generate).
 */
OT_RESULT ot_spdm_hierarchy_generate(ot_spdm_hierarchy *h, ot_curve curve, ot_rng *rng,
                                     time_t not_before, time_t not_after, const char *device_info);
/* The same for a requester (a TSM's identity for mutual authentication): the
 * leaf carries the requester EKU (id-DMTF-eku-requester-auth) instead. */
OT_RESULT ot_spdm_hierarchy_generate_requester(ot_spdm_hierarchy *h, ot_curve curve, ot_rng *rng,
                                               time_t not_before, time_t not_after);
/* Wipes the keys of a hierarchy. */
void ot_spdm_hierarchy_clear(ot_spdm_hierarchy *h);

/*
 * Installs a generated hierarchy as slot `slot` with its leaf key as
 * keys[key] (installed when absent, checked to be the same key otherwise).
 */
OT_RESULT ot_spdm_identity_install(ot_spdm_identity *id, uint8_t slot, size_t key,
                                   uint8_t key_pair_id, const ot_spdm_hierarchy *h);

/*
 * Loads the DMTF sample identity that libspdm's emulator presents, from the
 * sample_key directory `dir` (tests/vectors/spdm-emu/sample_key):
 * <dir>/<ecp256|ecp384|rsa2048|rsa3072|rsa4096>/bundle_responder.certchain.der
 * with end_responder.key.der
 * in slot 0 (KeyPairID 4), bundle_responder.certchain1.der in slot 1 (same key),
 * and when `with_slot4`, bundle_responder.certchain4.der in slot 4 with the
 * PEM key end_responder4.key (KeyPairID 0x10), as the SPDM 1.3 recording does.
 * OT_E_IO / OT_E_NOT_FOUND for missing files, the loaders' errors otherwise.
 */
OT_RESULT ot_spdm_identity_load_dmtf_sample(ot_spdm_identity *id, const char *dir, ot_curve curve,
                                            bool with_slot4);

/*
 * Installs a chain and its key from files: chain_path holds the DER
 * certificates root first (DMTF bundle_*.certchain.der, `opentsm certs`
 * chain.der), key_path the leaf's private key as DER, PEM or a raw scalar
 * (`opentsm certs` leaf.key). The key goes to keys[key] with key_pair_id and
 * the chain to `slot`; the chain's leaf must carry that key (OT_E_BAD_KEY).
 * OT_E_NOT_FOUND / OT_E_IO for unreadable files, OT_E_MALFORMED for a key in
 * no known form, the installers' errors otherwise.
 */
OT_RESULT ot_spdm_identity_load_files(ot_spdm_identity *id, uint8_t slot, size_t key,
                                      uint8_t key_pair_id, const char *chain_path,
                                      const char *key_path);

#endif /* OPENTSM_SPDM_IDENTITY_H */
