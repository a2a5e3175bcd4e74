/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Provisioning a certificate slot of a running identity (DSP0274 1.2
 * SET_CERTIFICATE): the new chain is checked as a whole before the slot
 * changes, and a slot is replaced or erased all at once.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/spdm_identity.h"

/* The key whose public half is the chain's leaf key (and, when given, whose
 * KeyPairID is key_pair_id). */
static ot_status find_key(const ot_spdm_identity *id, const ot_x509_chain *chain,
                          uint8_t key_pair_id, size_t *key) {
  ot_curve curve;
  uint8_t pub[OT_ECC_MAX_PUBLIC];
  size_t pub_len;
  OT_GUARD(ot_x509_public_key(ot_x509_chain_leaf(chain), &curve, pub, sizeof(pub), &pub_len));
  for (size_t i = 0; i < OT_SPDM_ID_MAX_KEYS; i++) {
    const ot_spdm_id_key *k = &id->keys[i];
    if (!k->present || k->curve != curve || pub_len != ot_curve_public_size(curve) ||
        memcmp(pub, k->pub, pub_len) != 0)
      continue;
    OT_ENSURE(key_pair_id == 0 || k->key_pair_id == key_pair_id, OT_E_BAD_KEY);
    *key = i;
    return OT_SUCCESS;
  }
  OT_BAIL(OT_E_BAD_KEY); /* a certificate for a key the device does not hold */
}

OT_RESULT ot_spdm_identity_provision(ot_spdm_identity *id, uint8_t slot, uint8_t key_pair_id,
                                     const uint8_t *der, size_t len, time_t now,
                                     ot_x509_verdict *verdict) {
  return ot_spdm_identity_provision_model(id, slot, key_pair_id, OT_SPDM_CERT_MODEL_DEVICE, der,
                                          len, now, verdict);
}

/* The leaf policy of each certificate model (DSP0274 1.3 "Certificate
 * models"; SET_CERTIFICATE SetCertModel). */
static ot_status model_policy(uint8_t model, ot_x509_policy *pol) {
  switch (model) {
  case OT_SPDM_CERT_MODEL_DEVICE: /* the leaf is the device certificate */
    pol->role = OT_X509_ROLE_RESPONDER;
    pol->model = OT_X509_MODEL_DEVICE;
    return OT_SUCCESS;
  case OT_SPDM_CERT_MODEL_ALIAS: /* an alias leaf: no hardware identity */
    pol->role = OT_X509_ROLE_RESPONDER;
    pol->model = OT_X509_MODEL_ALIAS;
    return OT_SUCCESS;
  case OT_SPDM_CERT_MODEL_GENERIC: /* not an SPDM identity: no SPDM EKU check */
    pol->role = OT_X509_ROLE_ANY;
    pol->model = OT_X509_MODEL_GENERIC;
    return OT_SUCCESS;
  default:
    OT_BAIL(OT_E_MALFORMED);
  }
}

OT_RESULT ot_spdm_identity_provision_model(ot_spdm_identity *id, uint8_t slot,
                                           uint8_t key_pair_id, uint8_t cert_model,
                                           const uint8_t *der, size_t len, time_t now,
                                           ot_x509_verdict *verdict) {
  OT_ENSURE(id && slot < OT_SPDM_MAX_SLOT_COUNT, OT_E_ARG);
  if (der == NULL) { /* erase (DSP0274 1.3 SET_CERTIFICATE Erase) */
    OT_ENSURE(len == 0 && id->slots[slot].present, OT_E_NOT_FOUND);
    ot_zeroize(&id->slots[slot], sizeof(id->slots[slot]));
    return OT_SUCCESS;
  }
  OT_ENSURE(len <= OT_SPDM_ID_CHAIN_MAX, OT_E_TOO_LARGE);
  ot_x509_policy pol = {.now = now};
  OT_GUARD(model_policy(cert_model, &pol));
  /* DSP0274 1.3 CertificateInfo: slot 0 holds the device's identity, never
   * a GenericCert chain (libspdm's requester refuses such DIGESTS too). */
  OT_ENSURE(slot != 0 || cert_model != OT_SPDM_CERT_MODEL_GENERIC, OT_E_MALFORMED);
  ot_x509_chain chain;
  OT_GUARD(ot_x509_chain_parse(der, len, &chain));
  /* DSP0274 1.3 "Alias certificate model": the alias leaf is issued by the
   * device certificate (a CA) of the same chain, so it is never alone. */
  if (cert_model == OT_SPDM_CERT_MODEL_ALIAS && chain.count < 2) {
    if (verdict) *verdict = (ot_x509_verdict){.reason = OT_X509_UNKNOWN_ISSUER};
    OT_BAIL(OT_E_CERT);
  }
  /* The chain must hold together from its own root to the leaf, now, and
   * the leaf must fit a responder (DSP0274 1.3 Annex "X.509 certificate
   * requirements"): the root is not trusted here, only consistent. */
  size_t key = 0;
  OT_GUARD(find_key(id, &chain, key_pair_id, &key));
  pol.curve = id->keys[key].curve;
  ot_x509_verdict v;
  ot_status st = ot_x509_chain_verify(&chain, &chain.certs[0], 1, &pol, NULL, &v);
  if (verdict) *verdict = v;
  OT_GUARD(st);
  /* Build the new slot on the side, then swap: a failure leaves the old one. */
  ot_spdm_identity *tmp = malloc(sizeof(*tmp));
  OT_ENSURE(tmp != NULL, OT_E_NOMEM);
  ot_spdm_identity_init(tmp);
  tmp->keys[key] = id->keys[key];
  st = ot_spdm_identity_set_slot(tmp, slot, key, der, len);
  tmp->slots[slot].cert_model = cert_model;
  if (ot_ok(st)) id->slots[slot] = tmp->slots[slot];
  ot_zeroize(tmp, sizeof(*tmp)); /* it held a copy of the private key */
  free(tmp);
  return st;
}
