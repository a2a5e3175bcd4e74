/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generation of a device's certificate hierarchy (root -> intermediate ->
 * device leaf with the DMTF SPDM OIDs, DSP0274 1.3 Annex "X.509 certificate
 * requirements"), and its installation as a certificate slot.
 */
#include <string.h>

#include "opentsm/secure.h"
#include "opentsm/spdm_identity.h"

void ot_spdm_hierarchy_clear(ot_spdm_hierarchy *h) {
  ot_secret_wipe(h->root_priv, sizeof(h->root_priv));
  ot_secret_wipe(h->inter_priv, sizeof(h->inter_priv));
  ot_secret_wipe(h->leaf_priv, sizeof(h->leaf_priv));
  ot_zeroize(h, sizeof(*h));
}

static ot_status gen_key(ot_curve curve, ot_rng *rng, uint8_t *priv, size_t *priv_len) {
  uint8_t pub[OT_PUBLIC_KEY_MAX];
  OT_GUARD(ot_secret_mark(priv, OT_PRIVATE_KEY_MAX));
  if (ot_key_is_rsa(curve)) return ot_rsa_generate(curve, priv, OT_PRIVATE_KEY_MAX, priv_len, pub, sizeof(pub));
  *priv_len = ot_curve_size(curve);
  return ot_key_generate(curve, rng, priv, OT_PRIVATE_KEY_MAX, pub, sizeof(pub));
}

static ot_status generate(ot_spdm_hierarchy *h, ot_curve curve, ot_rng *rng, time_t not_before,
                          time_t not_after, const char *device_info, bool requester) {
  OT_ENSURE(h && rng, OT_E_ARG);
  OT_ENSURE(curve == OT_CURVE_P256 || curve == OT_CURVE_P384 || ot_key_is_rsa(curve),
            OT_E_UNSUPPORTED);
  memset(h, 0, sizeof(*h));
  h->curve = curve;
  ot_status st;
  OT_GUARD_GOTO(st, gen_key(curve, rng, h->root_priv, &h->root_priv_len), fail);
  OT_GUARD_GOTO(st, gen_key(curve, rng, h->inter_priv, &h->inter_priv_len), fail);
  OT_GUARD_GOTO(st, gen_key(curve, rng, h->leaf_priv, &h->leaf_priv_len), fail);
  ot_x509_chain_template t = {
      .curve = curve,
      .root_private = h->root_priv,
      .intermediate_private = h->inter_priv,
      .leaf_private = h->leaf_priv,
      .not_before = not_before,
      .not_after = not_after,
      /* DSP0274 Annex "Leaf certificate": the SPDM EKU of the leaf's role. */
      .leaf_eku = requester ? OT_X509_EKU_REQUESTER : OT_X509_EKU_RESPONDER,
      .device_info = device_info,
      .leaf_name = requester ? "opentsm requester" : "opentsm device",
  };
  OT_GUARD_GOTO(st, ot_x509_generate_chain(&t, h->der, sizeof(h->der), &h->der_len), fail);
  return OT_SUCCESS;
fail:
  ot_spdm_hierarchy_clear(h);
  return st;
}

OT_RESULT ot_spdm_hierarchy_generate(ot_spdm_hierarchy *h, ot_curve curve, ot_rng *rng,
                                     time_t not_before, time_t not_after, const char *device_info) {
  return generate(h, curve, rng, not_before, not_after, device_info, false);
}

OT_RESULT ot_spdm_hierarchy_generate_requester(ot_spdm_hierarchy *h, ot_curve curve, ot_rng *rng,
                                               time_t not_before, time_t not_after) {
  return generate(h, curve, rng, not_before, not_after, NULL, true);
}

OT_RESULT ot_spdm_identity_install(ot_spdm_identity *id, uint8_t slot, size_t key,
                                   uint8_t key_pair_id, const ot_spdm_hierarchy *h) {
  OT_ENSURE(key < OT_SPDM_ID_MAX_KEYS, OT_E_ARG);
  size_t n = h->leaf_priv_len;
  if (!id->keys[key].present) {
    OT_GUARD(ot_spdm_identity_set_key(id, key, h->curve, h->leaf_priv, n, key_pair_id));
  } else {
    OT_ENSURE(id->keys[key].curve == h->curve && id->keys[key].priv_len == n &&
                  ot_ct_equal(id->keys[key].priv, h->leaf_priv, n),
              OT_E_BAD_KEY);
  }
  return ot_spdm_identity_set_slot(id, slot, key, h->der, h->der_len);
}
