/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requester: GET_DIGESTS and GET_CERTIFICATE (DSP0274 1.3 §10.5, §10.6;
 * SPEC-FACTS §2.6, §2.7), and the verification of a retrieved chain: the blob
 * header, RootHash = Hash(root DER), Hash(blob) = the DIGESTS entry, and the
 * X.509 path to a trust anchor (opentsm/x509.h).
 */
#include "requester_internal.h"

#include "opentsm/log.h"
#include "opentsm/secure.h"

/*
 * DSP0274 1.3 §10.5, table "Successful DIGESTS response message format":
 * the checks on what DIGESTS says about the slots, made before anything of
 * it is kept (transcript, digests, slot records). Refusals are
 * OT_E_MALFORMED with the reason logged.
 */
static ot_status digests_refused(unsigned slot, const char *why) {
  OT_LOGW("spdm-req", "DIGESTS slot %u: %s", slot, why);
  return ot_status_of(OT_E_MALFORMED);
}

static ot_status check_digests(const ot_spdm_requester *q, const ot_spdm_digests *d) {
  if (q->neg.version < OT_SPDM_VERSION_13) return OT_SUCCESS;
  /* §10.5 Param2 ProvisionedSlotMask (1.3): a provisioned slot is a
   * supported one, so its bit is set in Param1 SupportedSlotMask too. */
  uint8_t stray = (uint8_t)(d->provisioned_slot_mask & ~d->supported_slot_mask);
  if (stray) {
    OT_LOGW("spdm-req", "DIGESTS: ProvisionedSlotMask 0x%02x not within SupportedSlotMask 0x%02x",
            (unsigned)d->provisioned_slot_mask, (unsigned)d->supported_slot_mask);
    return ot_status_of(OT_E_MALFORMED);
  }
  /* The KeyPairID, CertificateInfo and KeyUsageMask arrays exist only with
   * MULTI_KEY_CONN (multi_key_conn_rsp). */
  if (!q->neg.multi_key_conn) return OT_SUCCESS;
  const size_t h = q->neg.sizes.hash_len;
  for (unsigned s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++) {
    if (!(d->provisioned_slot_mask & (1u << s))) continue;
    uint8_t model = (uint8_t)(d->cert_info[s] & OT_SPDM_CERT_INFO_MODEL_MASK);
    /* CertificateInfo bits 2:0 CertModel: 0 none, 1 DeviceCert, 2 AliasCert,
     * 3 GenericCert; 4..7 reserved. */
    if (model > OT_SPDM_CERT_MODEL_GENERIC) return digests_refused(s, "reserved CertModel");
    /* CertModel: slot 0 holds the device's identity chain (DeviceCert or
     * AliasCert), never a GenericCert chain, and its key is usable for at
     * least one of the SPDM operations KeyUsageMask bits 0..3 name. */
    if (s == 0 && model == OT_SPDM_CERT_MODEL_GENERIC)
      return digests_refused(s, "GenericCert in slot 0");
    if (s == 0 && !(d->key_usage[s] & (OT_SPDM_KEY_USAGE_KEY_EX | OT_SPDM_KEY_USAGE_CHALLENGE |
                                       OT_SPDM_KEY_USAGE_MEASUREMENT |
                                       OT_SPDM_KEY_USAGE_ENDPOINT_INFO)))
      return digests_refused(s, "slot 0 KeyUsageMask names no SPDM operation");
    /* CertModel 0: the slot holds a key pair but no certificate chain, so
     * there is no chain to hash and its Digest is all zeros; and the key
     * pair is what makes it provisioned, so KeyPairID names one (key pairs
     * are numbered from 1, §10.26 GET_KEY_PAIR_INFO; 0 names none). A slot
     * with a chain may report KeyPairID 0: its pair can be dissociated or
     * erased (§10.27 SET_KEY_PAIR_INFO) while the chain stays. */
    if (model == OT_SPDM_CERT_MODEL_NONE) {
      uint8_t acc = 0;
      for (size_t i = 0; i < h; i++) acc |= d->digest[s][i];
      if (acc != 0) return digests_refused(s, "CertModel none with a chain digest");
      if (d->key_pair_id[s] == 0) return digests_refused(s, "neither a chain nor a key pair");
    }
  }
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_requester_get_digests(ot_spdm_requester *q, uint8_t *slot_mask) {
  OT_GUARD(req_ready(q));
  uint8_t req[4];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  OT_GUARD(ot_spdm_encode_get_digests(&q->neg.sizes, &w));
  req_rsp r;
  OT_GUARD(req_fail(q, req_exchange(q, NULL, &q->neg.sizes, req, sizeof(req), &r)));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_digests d;
  memset(&d, 0, sizeof(d));
  OT_GUARD(req_fail(q, ot_spdm_decode_digests(&q->neg.sizes, &rd, &d)));
  OT_GUARD(req_fail(q, check_digests(q, &d)));
  OT_GUARD(ot_spdm_transcript_append_b(&q->t, req, sizeof(req)));
  OT_GUARD(ot_spdm_transcript_append_b(&q->t, r.msg, r.len));
  OT_GUARD(ot_spdm_transcript_set_d(&q->t, r.msg, r.len));
  q->digest_mask = d.provisioned_slot_mask;
  for (unsigned s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++) {
    if (!d.digest[s]) continue;
    memcpy(q->digests[s], d.digest[s], q->neg.sizes.hash_len);
    q->slots[s].key_pair_id = d.key_pair_id[s];
    q->slots[s].cert_info = (uint8_t)(d.cert_info[s] & OT_SPDM_CERT_INFO_MODEL_MASK);
    q->slots[s].key_usage = d.key_usage[s];
  }
  *slot_mask = d.provisioned_slot_mask;
  return OT_SUCCESS;
}

/*
 * DSP0274 1.3 §10.6, CERTIFICATE Param2 CertificateInfo: on a multi-key
 * connection (multi_key_conn_rsp) bits 2:0 are the CertModel of the chain in
 * SlotID, the same model DIGESTS listed for that slot (§10.5 CertificateInfo).
 * A chain is being returned, so the model is not None (a slot with a key but
 * no certificate), and 4..7 are reserved. A model other than the one DIGESTS
 * named would have the chain checked against a leaf profile the device did
 * not declare (verify_chain picks it from DIGESTS): refused. A slot DIGESTS
 * did not list has nothing to compare with (verify_chain refuses its chain).
 * Without MULTI_KEY_CONN, Param2 is reserved and not looked at.
 */
static ot_status check_cert_model(const ot_spdm_requester *q, uint8_t slot, uint8_t model) {
  if (q->neg.version < OT_SPDM_VERSION_13 || !q->neg.multi_key_conn) return OT_SUCCESS;
  uint8_t listed = (uint8_t)(q->slots[slot].cert_info & OT_SPDM_CERT_INFO_MODEL_MASK);
  bool have_listed = (q->digest_mask & (1u << slot)) != 0;
  if (model != OT_SPDM_CERT_MODEL_NONE && model <= OT_SPDM_CERT_MODEL_GENERIC &&
      (!have_listed || model == listed))
    return OT_SUCCESS;
  if (have_listed)
    OT_LOGW("spdm-req", "CERTIFICATE slot %u: CertModel %u, but DIGESTS listed CertModel %u",
            (unsigned)slot, (unsigned)model, (unsigned)listed);
  else
    OT_LOGW("spdm-req", "CERTIFICATE slot %u: CertModel %u is no certificate model",
            (unsigned)slot, (unsigned)model);
  return ot_status_of(OT_E_MALFORMED);
}

/* One GET_CERTIFICATE portion appended at chain[*have..]. */
static ot_status get_portion(ot_spdm_requester *q, uint8_t slot, size_t want, uint8_t *chain,
                             size_t cap, size_t *have, size_t *remainder) {
  uint8_t req[8];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  ot_spdm_get_certificate g = {
      .slot_id = slot, .offset = (uint16_t)*have, .length = (uint16_t)want};
  OT_GUARD(ot_spdm_encode_get_certificate(&q->neg.sizes, &w, &g));
  req_rsp r;
  OT_GUARD(req_exchange(q, NULL, &q->neg.sizes, req, sizeof(req), &r));
  ot_reader rd;
  ot_reader_init(&rd, r.msg, r.len);
  ot_spdm_certificate c;
  OT_GUARD(ot_spdm_decode_certificate(&q->neg.sizes, &rd, &c));
  /* §10.6: the portion answers our slot and never exceeds what we asked for. */
  OT_ENSURE(c.slot_id == slot && c.portion_len <= want && c.portion_len > 0, OT_E_MALFORMED);
  OT_GUARD(check_cert_model(q, slot, c.cert_info));
  OT_ENSURE(*have + c.portion_len + c.remainder_len <= cap, OT_E_TOO_LARGE);
  memcpy(chain + *have, c.portion, c.portion_len);
  *have += c.portion_len;
  *remainder = c.remainder_len;
  OT_GUARD(ot_spdm_transcript_append_b(&q->t, req, sizeof(req)));
  return ot_spdm_transcript_append_b(&q->t, r.msg, r.len);
}

/*
 * True if slot's chain was validated before in this connection as the very
 * blob whose hash is d (a collision-resistant hash, DSP0274 §10.5: the
 * digest identifies the chain), against the same anchors at the same time:
 * the X.509 verdict would be the same, so it is kept. was is the slot's
 * state before this GET_CERTIFICATE.
 */
static bool already_validated(const ot_spdm_requester *q, const ot_spdm_peer_slot *was,
                              const uint8_t *d, size_t h) {
  return was->verified && was->pub_len > 0 && ot_ct_equal(d, was->digest, h) &&
         was->checked_anchors == q->cfg->anchors &&
         was->checked_anchor_count == q->cfg->anchor_count && was->checked_now == q->cfg->now;
}

/* Checks the blob and its X.509 chain; records the leaf key. */
static ot_status verify_chain(ot_spdm_requester *q, uint8_t slot, const ot_spdm_peer_slot *was,
                              const uint8_t *chain, size_t len) {
  size_t h = q->neg.sizes.hash_len;
  ot_spdm_cert_chain cc;
  uint8_t d[OT_HASH_MAX_SIZE];
  OT_GUARD(ot_spdm_cert_chain_decode((uint16_t)h, chain, len, &cc));
  OT_GUARD(ot_hash(q->neg.hash, chain, len, d, sizeof(d)));
  OT_ENSURE((q->digest_mask & (1u << slot)) && ot_ct_equal(d, q->digests[slot], h), OT_E_VERIFY);
  ot_x509_chain x;
  OT_GUARD(ot_x509_chain_parse(cc.certs, cc.certs_len, &x));
  OT_GUARD(ot_hash(q->neg.hash, x.certs[0].der, x.certs[0].len, d, sizeof(d)));
  OT_ENSURE(ot_ct_equal(d, cc.root_hash, h), OT_E_VERIFY); /* RootHash (§10.6 chain format) */
  ot_spdm_peer_slot *ps = &q->slots[slot];
  if (already_validated(q, was, q->digests[slot], h)) {
    ps->verified = true; /* digest, leaf key and the rest are unchanged */
    return OT_SUCCESS;
  }
  ot_x509_policy pol = {.now = q->cfg->now,
                        .role = OT_X509_ROLE_RESPONDER,
                        .model = OT_X509_MODEL_DEVICE,
                        .curve = q->neg.asym_curve,
                        .cache = q->cfg->x509_cache};
  /* DSP0274 1.3 CertificateInfo (multi-key): an AliasCert leaf must not
   * claim the hardware identity; a GenericCert chain has no SPDM leaf EKUs. */
  if (q->neg.multi_key_conn && ps->cert_info == OT_SPDM_CERT_MODEL_ALIAS)
    pol.model = OT_X509_MODEL_ALIAS;
  if (q->neg.multi_key_conn && ps->cert_info == OT_SPDM_CERT_MODEL_GENERIC) {
    pol.model = OT_X509_MODEL_GENERIC;
    pol.role = OT_X509_ROLE_ANY;
  }
  ot_x509_leaf_info info;
  ot_x509_verdict verdict;
  OT_GUARD(ot_x509_chain_verify(&x, q->cfg->anchors, q->cfg->anchor_count, &pol, &info, &verdict));
  memcpy(ps->digest, q->digests[slot], h);
  memcpy(ps->pub, info.public_key, info.public_key_len);
  ps->pub_len = info.public_key_len;
  ps->checked_anchors = q->cfg->anchors;
  ps->checked_anchor_count = q->cfg->anchor_count;
  ps->checked_now = q->cfg->now;
  ps->valid_from = info.valid_from;
  ps->valid_until = info.valid_until;
  ps->verified = true;
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_requester_get_certificate(ot_spdm_requester *q, uint8_t slot, size_t portion,
                                            uint8_t *chain, size_t cap, size_t *chain_len) {
  OT_GUARD(req_ready(q));
  OT_ENSURE(slot < OT_SPDM_MAX_SLOT_COUNT && chain, OT_E_ARG);
  /* Without chunking a portion must fit the responder's buffer (DSP0274 §10.6). */
  size_t max = 0xffffu;
  if (q->rsp_data_transfer_size == 0) {
    /* 1.0/1.1 announce no DataTransferSize: ask in 1 KiB portions, which
     * every responder's buffer holds (libspdm's requester does the same). */
    max = 0x400u;
  } else if (!(q->caps & q->rsp_caps & OT_SPDM_CAP_CHUNK)) {
    max = q->rsp_data_transfer_size - 8u;
  }
  if (portion == 0 || portion > max) portion = max;
  size_t have = 0, remainder = 0;
  ot_spdm_peer_slot was = q->slots[slot];
  q->slots[slot].verified = false;
  /* A refused chain leaves the slot unverified (an earlier verdict is not
   * reused) and *chain_len untouched; the bytes already received stay in
   * the caller's buffer, for a caller that explains the refusal. */
  do {
    size_t want = portion;
    if (have > 0 && remainder < want) want = remainder;
    OT_GUARD(req_fail(q, get_portion(q, slot, want, chain, cap, &have, &remainder)));
  } while (remainder != 0);
  OT_GUARD(req_fail(q, verify_chain(q, slot, &was, chain, have)));
  *chain_len = have;
  return OT_SUCCESS;
}
