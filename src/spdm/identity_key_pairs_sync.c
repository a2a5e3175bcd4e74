/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key pair table (spdm_key_pairs.h) and the identity the responder signs
 * with (spdm_identity.h), kept in step on a multi-key device (DSP0274 1.3
 * §10.26, §10.27): every pair that holds a key is an identity key with the
 * pair's KeyPairID, so that GET_CSR for KeyPairID N and SET_CERTIFICATE with
 * KeyPairID N find pair N's key, and a slot whose certificate names pair N's
 * key signs with that key; each such slot's KeyUsageMask is pair N's
 * CurrentKeyUsage, the usages the responder then enforces (responder_auth.c
 * rsp_slot_allows).
 */
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/spdm_key_pairs.h"

/* The identity key with this KeyPairID (OT_SPDM_ID_MAX_KEYS if none). */
static size_t id_key_of(const ot_spdm_identity *id, uint8_t kpid) {
  for (size_t i = 0; i < OT_SPDM_ID_MAX_KEYS; i++)
    if (id->keys[i].present && id->keys[i].key_pair_id == kpid) return i;
  return OT_SPDM_ID_MAX_KEYS;
}

static bool key_in_use(const ot_spdm_identity *id, size_t key) {
  for (uint8_t s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++)
    if (id->slots[s].present && id->slots[s].key == key) return true;
  return false;
}

static bool same_key(const ot_spdm_id_key *ik, const ot_spdm_key_pair *k) {
  return ik->curve == k->curve && k->pub_len == ot_curve_public_size(k->curve) &&
         memcmp(ik->pub, k->pub, k->pub_len) == 0;
}

static void drop_key(ot_spdm_id_key *ik) {
  ot_secret_wipe(ik->priv, sizeof(ik->priv));
  ot_zeroize(ik, sizeof(*ik));
}

/* Whether identity key i stays as the key of its pair. */
static bool key_current(const ot_spdm_key_pairs *t, const ot_spdm_id_key *ik) {
  uint8_t n = ik->key_pair_id;
  return n >= 1 && n <= t->total && t->kp[n - 1].present && same_key(ik, &t->kp[n - 1]);
}

/* Pairs with a key the identity does not hold yet. */
static bool pair_missing(const ot_spdm_key_pairs *t, const ot_spdm_identity *id, uint8_t n) {
  size_t i = id_key_of(id, n);
  return t->kp[n - 1].present && (i == OT_SPDM_ID_MAX_KEYS || !key_current(t, &id->keys[i]));
}

OT_RESULT ot_spdm_key_pairs_to_identity(const ot_spdm_key_pairs *t, ot_spdm_identity *id) {
  OT_ENSURE(t && id && t->total >= 1 && t->total <= OT_SPDM_KP_MAX, OT_E_ARG);
  /* Room first (nothing changes when there is none): the entries free now
   * or freed below, against the pairs whose key is not held yet. At most
   * OT_SPDM_ID_MAX_KEYS keys are held at once. */
  size_t room = 0, need = 0;
  for (size_t i = 0; i < OT_SPDM_ID_MAX_KEYS; i++) {
    const ot_spdm_id_key *ik = &id->keys[i];
    room += !ik->present || (ik->key_pair_id != 0 && !key_current(t, ik) && !key_in_use(id, i));
  }
  for (uint8_t n = 1; n <= t->total; n++) need += pair_missing(t, id, n);
  OT_ENSURE(need <= room, OT_E_NO_SPACE);
  /* A key whose pair was erased or regenerated leaves the identity, unless
   * a slot's certificate still certifies it: that slot goes on signing with
   * the key its chain names until it is provisioned again or erased, its
   * key now belonging to no pair (KeyPairID 0). */
  for (size_t i = 0; i < OT_SPDM_ID_MAX_KEYS; i++) {
    ot_spdm_id_key *ik = &id->keys[i];
    if (!ik->present || ik->key_pair_id == 0 || key_current(t, ik)) continue;
    if (key_in_use(id, i))
      ik->key_pair_id = 0;
    else
      drop_key(ik);
  }
  /* Every pair with a key is an identity key (in a free entry if new). */
  for (uint8_t n = 1; n <= t->total; n++) {
    const ot_spdm_key_pair *k = &t->kp[n - 1];
    if (!k->present || id_key_of(id, n) < OT_SPDM_ID_MAX_KEYS) continue;
    size_t at = 0;
    while (at < OT_SPDM_ID_MAX_KEYS && id->keys[at].present) at++;
    OT_ENSURE(at < OT_SPDM_ID_MAX_KEYS, OT_E_INTERNAL); /* counted above */
    OT_GUARD(ot_spdm_identity_set_key(id, at, k->curve, k->priv, k->priv_len, n));
  }
  /* DSP0274 1.3 DIGESTS "KeyUsageMask" of a slot: the usages of the key pair
   * behind it, as KEY_PAIR_INFO CurrentKeyUsage reports them. */
  for (uint8_t s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++) {
    ot_spdm_id_slot *sl = &id->slots[s];
    if (sl->present && key_current(t, &id->keys[sl->key]))
      sl->key_usage = t->kp[id->keys[sl->key].key_pair_id - 1].usage;
  }
  return OT_SUCCESS;
}

void ot_spdm_key_pairs_bind_slot(ot_spdm_key_pairs *t, uint8_t slot, uint8_t key_pair_id) {
  if (t == NULL || slot >= OT_SPDM_MAX_SLOT_COUNT) return;
  /* §10.27: a slot is associated with one key pair at a time. */
  for (uint8_t p = 0; p < t->total; p++) t->kp[p].assoc &= (uint8_t) ~(1u << slot);
  if (key_pair_id >= 1 && key_pair_id <= t->total && t->kp[key_pair_id - 1].present)
    t->kp[key_pair_id - 1].assoc |= (uint8_t)(1u << slot);
}

void ot_spdm_key_pairs_bind_identity(ot_spdm_key_pairs *t, const ot_spdm_identity *id) {
  if (t == NULL || id == NULL) return;
  for (uint8_t s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++) {
    const ot_spdm_id_slot *sl = &id->slots[s];
    if (!sl->present) continue;
    const ot_spdm_id_key *ik = &id->keys[sl->key];
    /* Only a pair that holds the very key the slot's certificate names. */
    ot_spdm_key_pairs_bind_slot(t, s, key_current(t, ik) ? ik->key_pair_id : 0);
  }
}
