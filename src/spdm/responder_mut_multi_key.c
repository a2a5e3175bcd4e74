/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: mutual authentication of a requester that is multi-key on this
 * connection (multi_key_conn_req, DSP0274 1.3 §10.4 RequesterMultiKeyConn).
 * Its encapsulated DIGESTS carries, per provisioned slot, the KeyPairID, the
 * CertificateInfo and the KeyUsageMask (§10.5); the slot we authenticate it
 * with must hold a certificate and a key meant for the use at hand (§10.5
 * KeyUsageMask: KeyExUsage for the session's FINISH signature, ChallengeUsage
 * for the CHALLENGE of basic mutual authentication), and the CERTIFICATE it
 * then sends repeats that slot's CertificateInfo (§10.6 Param2).
 */
#include "responder_internal.h"

/* The certificate models of CertificateInfo bits 2:0 (§10.5); 4..7 are reserved. */
#define CERT_MODEL_MASK 0x07u

/* Any of the uses a slot-0 key must have (§10.5: slot 0 is the default
 * slot; libspdm refuses a slot 0 with none of them). */
#define SLOT0_USES                                                                                 \
  (OT_SPDM_KEY_USAGE_KEY_EX | OT_SPDM_KEY_USAGE_CHALLENGE | OT_SPDM_KEY_USAGE_MEASUREMENT |        \
   OT_SPDM_KEY_USAGE_ENDPOINT_INFO)

ot_status rsp_mut_multi_key_pick(const ot_spdm_digests *d, uint16_t use, uint8_t *slot,
                                 uint8_t *cert_info, uint16_t *key_usage) {
  bool found = false;
  for (uint8_t s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++) {
    if (!(d->provisioned_slot_mask & (1u << s))) continue;
    uint8_t model = d->cert_info[s] & CERT_MODEL_MASK;
    /* §10.5 CertificateInfo: bits 7:3 reserved, models 4..7 reserved; slot 0
     * holds a DeviceCert or AliasCert model, never a GenericCert. */
    OT_ENSURE(d->cert_info[s] == model && model <= OT_SPDM_CERT_MODEL_GENERIC, OT_E_MALFORMED);
    OT_ENSURE(s != 0 || model != OT_SPDM_CERT_MODEL_GENERIC, OT_E_MALFORMED);
    /* §10.5 KeyPairID: a key pair is numbered from 1 (0 names none, as in
     * GET_KEY_PAIR_INFO, §10.26); a provisioned slot names its key pair. */
    OT_ENSURE(d->key_pair_id[s] != 0, OT_E_MALFORMED);
    OT_ENSURE(s != 0 || (d->key_usage[s] & SLOT0_USES) != 0, OT_E_MALFORMED);
    /* The lowest slot with a certificate (model other than None: a slot with
     * a key but no certificate cannot be fetched and validated) whose key
     * is meant for `use`. */
    if (!found && model != OT_SPDM_CERT_MODEL_NONE && (d->key_usage[s] & use) != 0) {
      *slot = s;
      *cert_info = model;
      *key_usage = d->key_usage[s];
      found = true;
    }
  }
  /* No slot may serve: the requester cannot be authenticated for this use. */
  OT_ENSURE(found, OT_E_POLICY);
  return OT_SUCCESS;
}
