/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device identity: keys and certificate slots (see opentsm/spdm_identity.h).
 * The SPDM cert-chain blob (DSP0274 1.3 "Certificate chain format") is served
 * from its parts: a 4-byte header, the root hash for the negotiated hash, and
 * the DER chain.
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/secure.h"
#include "opentsm/spdm_identity.h"

void ot_spdm_identity_init(ot_spdm_identity *id) { memset(id, 0, sizeof(*id)); }

void ot_spdm_identity_clear(ot_spdm_identity *id) {
  for (size_t i = 0; i < OT_SPDM_ID_MAX_KEYS; i++) {
    if (id->keys[i].present) ot_secret_wipe(id->keys[i].priv, sizeof(id->keys[i].priv));
  }
  ot_zeroize(id, sizeof(*id));
}

OT_RESULT ot_spdm_identity_set_key(ot_spdm_identity *id, size_t index, ot_curve curve,
                                   const uint8_t *priv, size_t priv_len, uint8_t key_pair_id) {
  OT_ENSURE(index < OT_SPDM_ID_MAX_KEYS && key_pair_id != 0 && priv != NULL, OT_E_ARG);
  OT_ENSURE(!id->keys[index].present, OT_E_EXISTS);
  OT_ENSURE(curve == OT_CURVE_P256 || curve == OT_CURVE_P384 || ot_key_is_rsa(curve),
            OT_E_UNSUPPORTED);
  ot_spdm_id_key *k = &id->keys[index];
  if (ot_key_is_rsa(curve)) {
    /* DSP0274 1.2 §10.4: the RSA algorithm names the modulus size; a key of
     * another size cannot sign for it (ot_rsa_public: OT_E_BAD_KEY). */
    OT_ENSURE(priv_len <= sizeof(k->priv), OT_E_BAD_KEY);
    OT_GUARD(ot_rsa_public(curve, priv, priv_len, k->pub, sizeof(k->pub)));
  } else {
    OT_ENSURE(priv_len == ot_curve_size(curve), OT_E_BAD_KEY);
    OT_GUARD(ot_key_public(curve, priv, priv_len, k->pub, sizeof(k->pub)));
  }
  OT_GUARD(ot_secret_mark(k->priv, sizeof(k->priv)));
  memcpy(k->priv, priv, priv_len);
  k->priv_len = priv_len;
  k->curve = curve;
  k->key_pair_id = key_pair_id;
  k->present = true;
  return OT_SUCCESS;
}

/* Hash index in the per-slot tables: the hashes a responder may negotiate. */
static ot_status hash_slot(ot_hash_alg hash, size_t *i) {
  _Static_assert(OT_HASH_SHA256 == 1 && OT_HASH_SHA3_512 == OT_SPDM_ID_HASH_COUNT,
                 "hash enum is dense from 1");
  OT_ENSURE(hash >= OT_HASH_SHA256 && hash <= OT_HASH_SHA3_512, OT_E_UNSUPPORTED);
  *i = (size_t)hash - 1;
  return OT_SUCCESS;
}

/* Hash(blob) where blob = Length | Reserved | RootHash | DER, hashed in parts. */
static ot_status digest_blob(ot_spdm_id_slot *s, ot_hash_alg hash, size_t hi) {
  size_t h = ot_hash_size(hash);
  uint8_t hdr[OT_SPDM_CERT_CHAIN_HEADER_SIZE];
  ot_store_u16le(hdr, (uint16_t)(OT_SPDM_CERT_CHAIN_HEADER_SIZE + h + s->der_len));
  ot_store_u16le(hdr + 2, 0);
  ot_hash_ctx ctx = {0};
  ot_status st;
  OT_GUARD(ot_hash_init(&ctx, hash));
  OT_GUARD_GOTO(st, ot_hash_update(&ctx, hdr, sizeof(hdr)), out);
  OT_GUARD_GOTO(st, ot_hash_update(&ctx, s->root_hash[hi], h), out);
  OT_GUARD_GOTO(st, ot_hash_update(&ctx, s->der, s->der_len), out);
  st = ot_hash_final(&ctx, s->chain_digest[hi], sizeof(s->chain_digest[hi]));
out:
  ot_hash_free(&ctx);
  return st;
}

OT_RESULT ot_spdm_identity_set_slot(ot_spdm_identity *id, uint8_t slot, size_t key,
                                    const uint8_t *der, size_t len) {
  OT_ENSURE(slot < OT_SPDM_MAX_SLOT_COUNT && key < OT_SPDM_ID_MAX_KEYS && der, OT_E_ARG);
  OT_ENSURE(!id->slots[slot].present, OT_E_EXISTS);
  OT_ENSURE(id->keys[key].present, OT_E_NOT_FOUND);
  OT_ENSURE(len <= OT_SPDM_ID_CHAIN_MAX, OT_E_TOO_LARGE);
  ot_x509_chain chain;
  OT_GUARD(ot_x509_chain_parse(der, len, &chain));
  ot_curve curve;
  uint8_t pub[OT_PUBLIC_KEY_MAX];
  size_t pub_len;
  OT_GUARD(ot_x509_public_key(ot_x509_chain_leaf(&chain), &curve, pub, sizeof(pub), &pub_len));
  const ot_spdm_id_key *k = &id->keys[key];
  OT_ENSURE(curve == k->curve && pub_len == ot_curve_public_size(curve) &&
                memcmp(pub, k->pub, pub_len) == 0,
            OT_E_BAD_KEY);

  ot_spdm_id_slot s = {.present = true,
                       .key = (uint8_t)key,
                       .cert_model = OT_SPDM_CERT_MODEL_DEVICE,
                       .key_usage = OT_SPDM_KEY_USAGE_KEY_EX | OT_SPDM_KEY_USAGE_CHALLENGE |
                                    OT_SPDM_KEY_USAGE_MEASUREMENT | OT_SPDM_KEY_USAGE_ENDPOINT_INFO,
                       .der_len = len,
                       .root_len = chain.certs[0].len};
  memcpy(s.der, der, len);
  /* DSP0274 §10.6 "Certificate chain format": RootHash and the DIGESTS value
   * use the negotiated BaseHashAlgo, so every hash we may negotiate is ready. */
  for (size_t i = 0; i < OT_SPDM_ID_HASH_COUNT; i++) {
    ot_hash_alg hash = (ot_hash_alg)(i + 1);
    OT_GUARD(ot_hash(hash, s.der, s.root_len, s.root_hash[i], sizeof(s.root_hash[i])));
    OT_GUARD(digest_blob(&s, hash, i));
  }
  id->slots[slot] = s;
  return OT_SUCCESS;
}

uint8_t ot_spdm_identity_slot_mask(const ot_spdm_identity *id) {
  uint8_t mask = 0;
  for (unsigned i = 0; i < OT_SPDM_MAX_SLOT_COUNT; i++) {
    if (id->slots[i].present) mask |= (uint8_t)(1u << i);
  }
  return mask;
}

static ot_status slot_of(const ot_spdm_identity *id, uint8_t slot, const ot_spdm_id_slot **out) {
  OT_ENSURE(slot < OT_SPDM_MAX_SLOT_COUNT && id->slots[slot].present, OT_E_NOT_FOUND);
  *out = &id->slots[slot];
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_identity_chain_len(const ot_spdm_identity *id, uint8_t slot, ot_hash_alg hash,
                                     size_t *len) {
  const ot_spdm_id_slot *s;
  size_t hi;
  OT_GUARD(slot_of(id, slot, &s));
  OT_GUARD(hash_slot(hash, &hi));
  *len = OT_SPDM_CERT_CHAIN_HEADER_SIZE + ot_hash_size(hash) + s->der_len;
  return OT_SUCCESS;
}

/* Copies the part of [part, part + plen) that overlaps [off, off + n). */
static void copy_part(const uint8_t *part, size_t base, size_t plen, size_t off, size_t n,
                      uint8_t *out) {
  size_t lo = off > base ? off : base;
  size_t hi = (off + n) < (base + plen) ? (off + n) : (base + plen);
  if (lo < hi) memcpy(out + (lo - off), part + (lo - base), hi - lo);
}

OT_RESULT ot_spdm_identity_chain_read(const ot_spdm_identity *id, uint8_t slot, ot_hash_alg hash,
                                      size_t offset, size_t n, uint8_t *out) {
  const ot_spdm_id_slot *s;
  size_t hi;
  OT_GUARD(slot_of(id, slot, &s));
  OT_GUARD(hash_slot(hash, &hi));
  size_t h = ot_hash_size(hash);
  size_t total = OT_SPDM_CERT_CHAIN_HEADER_SIZE + h + s->der_len; /* ot_spdm_identity_chain_len */
  OT_ENSURE(offset <= total && n <= total - offset, OT_E_ARG);
  uint8_t hdr[OT_SPDM_CERT_CHAIN_HEADER_SIZE];
  ot_store_u16le(hdr, (uint16_t)total);
  ot_store_u16le(hdr + 2, 0);
  copy_part(hdr, 0, sizeof(hdr), offset, n, out);
  copy_part(s->root_hash[hi], sizeof(hdr), h, offset, n, out);
  copy_part(s->der, sizeof(hdr) + h, s->der_len, offset, n, out);
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_identity_chain_digest(const ot_spdm_identity *id, uint8_t slot, ot_hash_alg hash,
                                        const uint8_t **digest) {
  const ot_spdm_id_slot *s;
  size_t hi;
  OT_GUARD(slot_of(id, slot, &s));
  OT_GUARD(hash_slot(hash, &hi));
  *digest = s->chain_digest[hi];
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_identity_root(const ot_spdm_identity *id, uint8_t slot, ot_x509_cert *root) {
  const ot_spdm_id_slot *s;
  OT_GUARD(slot_of(id, slot, &s));
  root->der = s->der;
  root->len = s->root_len;
  return OT_SUCCESS;
}
