/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Version and algorithm negotiation (DSP0274 1.3 §10.3 "GET_VERSION request and
 * VERSION response", §10.4 "NEGOTIATE_ALGORITHMS request and ALGORITHMS
 * response"; SPEC-FACTS §2.3, §2.5) and the policy a requester applies to the
 * result. Both engines use these functions, so that what a responder selects
 * and what a requester accepts follow one set of rules.
 */
#include <string.h>

#include "opentsm/spdm.h"

const ot_spdm_alg_prefs ot_spdm_alg_prefs_all = {
    .base_asym = OT_SPDM_ASYM_ECDSA_P256 | OT_SPDM_ASYM_ECDSA_P384 | OT_SPDM_ASYM_ECDSA_P521 |
                 OT_SPDM_ASYM_ED25519 | OT_SPDM_ASYM_ED448,
    .base_hash = OT_SPDM_HASH_SHA_256 | OT_SPDM_HASH_SHA_384 | OT_SPDM_HASH_SHA_512 |
                 OT_SPDM_HASH_SHA3_256 | OT_SPDM_HASH_SHA3_384 | OT_SPDM_HASH_SHA3_512,
    /* MeasurementHashAlgo is the responder's sole choice (DSP0274 1.3 §10.4: the
     * request carries no measurement hash list), and libspdm's responder picks
     * SHA-512 first: a requester must accept it to measure such a device. A
     * responder here never selects it (mhash_order below). */
    .meas_hash = OT_SPDM_MEAS_HASH_SHA_256 | OT_SPDM_MEAS_HASH_SHA_384 | OT_SPDM_MEAS_HASH_SHA_512 |
                 OT_SPDM_MEAS_HASH_SHA3_256 | OT_SPDM_MEAS_HASH_SHA3_384 |
                 OT_SPDM_MEAS_HASH_SHA3_512,
    .dhe = OT_SPDM_DHE_SECP256R1 | OT_SPDM_DHE_SECP384R1 | OT_SPDM_DHE_SECP521R1,
    .aead = OT_SPDM_AEAD_AES_256_GCM | OT_SPDM_AEAD_CHACHA20_POLY1305 | OT_SPDM_AEAD_AES_128_GCM,
};

/* Preference orders: the responder takes the first common one. SHA-384 and
 * SHA-256 come first as before; SHA-512 and SHA3 are taken when the
 * requester offers nothing else. */
static const uint32_t asym_order[] = {
    OT_SPDM_ASYM_ECDSA_P384,  OT_SPDM_ASYM_ECDSA_P256,  OT_SPDM_ASYM_ECDSA_P521,
    OT_SPDM_ASYM_ED25519,     OT_SPDM_ASYM_ED448,       OT_SPDM_ASYM_RSAPSS_3072,
    OT_SPDM_ASYM_RSAPSS_4096, OT_SPDM_ASYM_RSAPSS_2048, OT_SPDM_ASYM_RSASSA_3072,
    OT_SPDM_ASYM_RSASSA_4096, OT_SPDM_ASYM_RSASSA_2048};
static const uint32_t hash_order[] = {OT_SPDM_HASH_SHA_384,  OT_SPDM_HASH_SHA_256,
                                      OT_SPDM_HASH_SHA_512,  OT_SPDM_HASH_SHA3_384,
                                      OT_SPDM_HASH_SHA3_256, OT_SPDM_HASH_SHA3_512};
static const uint32_t mhash_order[] = {OT_SPDM_MEAS_HASH_SHA_384, OT_SPDM_MEAS_HASH_SHA_256};
static const uint32_t dhe_order[] = {OT_SPDM_DHE_SECP384R1,  OT_SPDM_DHE_SECP256R1,
                                     OT_SPDM_DHE_SECP521R1,  OT_SPDM_DHE_FFDHE_3072,
                                     OT_SPDM_DHE_FFDHE_4096, OT_SPDM_DHE_FFDHE_2048};
static const uint32_t aead_order[] = {OT_SPDM_AEAD_AES_256_GCM, OT_SPDM_AEAD_CHACHA20_POLY1305,
                                      OT_SPDM_AEAD_AES_128_GCM};

static uint32_t strongest(const uint32_t *order, size_t n, uint32_t common) {
  for (size_t i = 0; i < n; i++) {
    if (common & order[i]) return order[i];
  }
  return 0;
}
#define STRONGEST(order, common) strongest(order, sizeof(order) / sizeof(order[0]), common)

/* MeasurementHashAlgo bits DSP0274 1.3 defines (raw bit stream .. SM3; SPEC-FACTS §2.5). */
#define MEAS_HASH_DEFINED 0xffu

static bool one_bit(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

uint32_t ot_spdm_asym_for_version(uint32_t base_asym, uint8_t version) {
  /* SM2 and EdDSA (BaseAsymAlgo bits 9..11) are defined from DSP0274 1.2.
   * RSA and ECDSA (bits 0..8) are defined in 1.0/1.1 too, signing Hash(T)
   * without the 1.2 prefix (transcript_sign.c). */
  if (!OT_SPDM_PRE_12(version)) return base_asym;
  return base_asym & OT_SPDM_ASYM_MASK_11;
}

uint8_t ot_spdm_vmask_of(uint8_t version) {
  switch (version) {
  case OT_SPDM_VERSION_10: return OT_SPDM_VMASK_10;
  case OT_SPDM_VERSION_11: return OT_SPDM_VMASK_11;
  case OT_SPDM_VERSION_12: return OT_SPDM_VMASK_12;
  case OT_SPDM_VERSION_13: return OT_SPDM_VMASK_13;
  case OT_SPDM_VERSION_14: return OT_SPDM_VMASK_14;
  default: return 0;
  }
}

uint32_t ot_spdm_caps_for_version(uint32_t caps, uint8_t version, bool responder) {
  uint32_t m;
  switch (version) {
  /* DSP0274 1.0 GET_CAPABILITIES carries no Flags at all (header only). */
  case OT_SPDM_VERSION_10: m = responder ? OT_SPDM_CAP_RSP_MASK_10 : 0; break;
  case OT_SPDM_VERSION_11: m = responder ? OT_SPDM_CAP_RSP_MASK_11 : OT_SPDM_CAP_REQ_MASK_11; break;
  case OT_SPDM_VERSION_12: m = responder ? OT_SPDM_CAP_RSP_MASK_12 : OT_SPDM_CAP_REQ_MASK_12; break;
  case OT_SPDM_VERSION_13: m = responder ? OT_SPDM_CAP_RSP_MASK_13 : OT_SPDM_CAP_REQ_MASK_13; break;
  case OT_SPDM_VERSION_14: m = responder ? OT_SPDM_CAP_RSP_MASK_14 : OT_SPDM_CAP_REQ_MASK_14; break;
  default: m = 0; break;
  }
  return caps & m;
}

OT_RESULT ot_spdm_vmask_parse(const char *list, uint8_t *out) {
  OT_ENSURE(list != NULL && out != NULL, OT_E_ARG);
  uint8_t mask = 0;
  const char *p = list;
  for (unsigned n = 0; n < 16; n++) { /* bounded: at most 16 items */
    /* Each item is "1.X" with X in 0..4. */
    OT_ENSURE(p[0] == '1' && p[1] == '.' && p[2] >= '0' && p[2] <= '4', OT_E_ARG);
    mask |= ot_spdm_vmask_of((uint8_t)(0x10u | (uint8_t)(p[2] - '0')));
    p += 3;
    if (*p == '\0') {
      *out = mask;
      return OT_SUCCESS;
    }
    OT_ENSURE(*p == ',', OT_E_ARG);
    p++;
  }
  OT_BAIL(OT_E_ARG);
}

OT_RESULT ot_spdm_version_pick(uint8_t ours, const ot_spdm_version *v, uint8_t min_version,
                               uint8_t *out) {
  uint8_t best = 0;
  for (size_t i = 0; i < v->entry_count; i++) {
    /* DSP0274 §10.3 "VERSION number entry": compare Major.Minor only. */
    uint8_t ver = (uint8_t)(ot_spdm_version_entry(v, i) >> 8);
    bool mine = (ours & ot_spdm_vmask_of(ver)) != 0;
    if (mine && ver > best) best = ver;
  }
  OT_ENSURE(best != 0, OT_E_NEGOTIATION);
  OT_ENSURE(best >= min_version, OT_E_POLICY);
  *out = best;
  return OT_SUCCESS;
}

/* An AlgStruct offers at least one algorithm: DSP0274 1.3 §10.4 "Algorithm
 * request structure" has AlgSupported list what the requester supports, and a
 * table with nothing in it is refused (libspdm answers ERROR InvalidRequest).
 * A type we cannot use is therefore left out, not sent empty. */
static void add_struct(ot_spdm_alg_offer *o, uint8_t type, uint16_t supported) {
  if (supported == 0) return;
  o->alg[o->alg_count++] = (ot_spdm_alg_struct){.type = type, .supported = supported};
}

void ot_spdm_offer_build(const ot_spdm_alg_prefs *prefs, uint8_t version, bool multi_key,
                         ot_spdm_alg_offer *out) {
  memset(out, 0, sizeof(*out));
  out->meas_spec = OT_SPDM_MEAS_SPEC_DMTF;
  /* DSP0274 1.2+: the general opaque data table (Fmt1). Before 1.2 the byte is
   * reserved and the secured-message opaque data has its DSP0277 1.0 form. */
  if (!OT_SPDM_PRE_12(version)) out->other_params = OT_SPDM_OPAQUE_FMT_1;
  if (multi_key && version >= OT_SPDM_VERSION_13)
    out->other_params |= OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN;
  out->base_asym = ot_spdm_asym_for_version(prefs->base_asym, version);
  out->base_hash = prefs->base_hash;
  /* DSP0274 1.0 has no AlgStruct tables: no session algorithms are offered. */
  if (OT_SPDM_PRE_11(version)) return;
  /* AlgStruct tables in ascending AlgType order (DSP0274 §10.4). ReqBaseAsymAlg
   * is the requester's signing algorithm, used only in mutual authentication
   * (MUT_AUTH_CAP): sent only by a requester that has a key to sign with. */
  add_struct(out, OT_SPDM_ALG_TYPE_DHE, prefs->dhe);
  add_struct(out, OT_SPDM_ALG_TYPE_AEAD, prefs->aead);
  add_struct(out, OT_SPDM_ALG_TYPE_REQ_BASE_ASYM, prefs->req_asym);
  add_struct(out, OT_SPDM_ALG_TYPE_KEY_SCHEDULE, OT_SPDM_KEY_SCHEDULE_SPDM);
}

static uint16_t offered(const ot_spdm_alg_struct *alg, uint8_t count, uint8_t type) {
  for (uint8_t i = 0; i < count; i++) {
    if (alg[i].type == type) return alg[i].supported;
  }
  return 0;
}

/* The selection for one AlgStruct type, per the responder's capabilities. */
/* key_ex: both sides have KEY_EX_CAP; sessions: both have KEY_EX_CAP or both
 * PSK_CAP (DSP0274 1.3 §10.4: DHE serves KEY_EXCHANGE only, AEAD and the key
 * schedule every session, PSK ones too); mut: both have MUT_AUTH_CAP. */
static uint16_t select_struct(const ot_spdm_alg_prefs *p, uint8_t type, uint16_t theirs,
                              bool key_ex, bool sessions, bool mut) {
  switch (type) {
  case OT_SPDM_ALG_TYPE_DHE: return key_ex ? (uint16_t)STRONGEST(dhe_order, theirs & p->dhe) : 0;
  case OT_SPDM_ALG_TYPE_AEAD:
    return sessions ? (uint16_t)STRONGEST(aead_order, theirs & p->aead) : 0;
  case OT_SPDM_ALG_TYPE_KEY_SCHEDULE:
    return sessions ? (uint16_t)(theirs & OT_SPDM_KEY_SCHEDULE_SPDM) : 0;
  /* ReqBaseAsymAlg: where the requester may sign (both sides MUT_AUTH_CAP,
   * or a 1.3 requester with EP_INFO_CAP 10b, DSP0274 1.3 §10.4: its signed
   * ENDPOINT_INFO); the strongest the responder accepts. */
  case OT_SPDM_ALG_TYPE_REQ_BASE_ASYM:
    return mut ? (uint16_t)STRONGEST(asym_order, theirs & p->req_asym) : 0;
  default: return 0;
  }
}

/* A requester MULTI_KEY_CAP the responder turns into RequesterMultiKeyConn:
 * 01b (only multi-key) or 10b (negotiable); 11b is reserved. */
static bool req_multi_key(uint32_t req_caps) {
  uint32_t mk = req_caps & OT_SPDM_CAP_MULTI_KEY_MASK;
  return mk == OT_SPDM_CAP_MULTI_KEY_ONLY || mk == OT_SPDM_CAP_MULTI_KEY_NEG;
}

OT_RESULT ot_spdm_algorithms_select(const ot_spdm_alg_prefs *prefs, uint32_t rsp_caps,
                                    uint32_t req_caps, uint8_t version,
                                    const ot_spdm_alg_offer *offer, ot_spdm_algorithms *out) {
  ot_spdm_algorithms a;
  memset(&a, 0, sizeof(a));
  bool meas = (rsp_caps & OT_SPDM_CAP_MEAS_MASK) != 0;
  bool key_ex = (rsp_caps & OT_SPDM_CAP_KEY_EX) && (req_caps & OT_SPDM_CAP_KEY_EX);
  bool psk = (rsp_caps & OT_SPDM_CAP_PSK_MASK) && (req_caps & OT_SPDM_CAP_PSK_MASK);
  a.base_asym_sel =
      STRONGEST(asym_order, offer->base_asym & ot_spdm_asym_for_version(prefs->base_asym, version));
  a.base_hash_sel = STRONGEST(hash_order, offer->base_hash & prefs->base_hash);
  OT_ENSURE(a.base_asym_sel && a.base_hash_sel, OT_E_NEGOTIATION);
  /* "MeasurementSpecificationSel ... shall be zero if MEAS_CAP is 0" and the
   * measurement hash is the responder's own choice. */
  a.meas_spec_sel = meas ? (uint8_t)(offer->meas_spec & OT_SPDM_MEAS_SPEC_DMTF) : 0;
  a.meas_hash_algo = a.meas_spec_sel ? STRONGEST(mhash_order, prefs->meas_hash) : 0;
  /* 1.2+: exactly one OpaqueDataFmt; we speak Fmt1 only. 1.0/1.1 have no
   * OtherParams (the field is reserved). */
  if (!OT_SPDM_PRE_12(version)) {
    OT_ENSURE(offer->other_params & OT_SPDM_OPAQUE_FMT_1, OT_E_NEGOTIATION);
    a.other_params_sel = OT_SPDM_OPAQUE_FMT_1;
  }
  /* DSP0274 1.3 §10.4 ALGORITHMS OtherParamsSelection bit 4 (MultiKeyConn)
   * is RequesterMultiKeyConn: whether the connection is multi-key for the
   * requester, set for a requester MULTI_KEY_CAP of 01b and, as the
   * responder's choice, 10b (we read a multi-key requester's DIGESTS, so we
   * take it). The request's bit 4 is the other direction (multi_key_conn_rsp)
   * and is not echoed; libspdm's responder decides the same way. */
  if (version >= OT_SPDM_VERSION_13 && req_multi_key(req_caps))
    a.other_params_sel |= OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN;
  /* DSP0274 1.3 §10.4 MELspecificationSel: a MEL format both sides support,
   * and none unless the responder has MEL_CAP. */
  if (version >= OT_SPDM_VERSION_13 && (rsp_caps & OT_SPDM_CAP_MEL))
    a.mel_spec_sel = (uint8_t)(offer->mel_spec & OT_SPDM_MEL_SPEC_DMTF);
  /* The response carries one AlgStruct per requested type, in the same order. */
  bool mut = ((rsp_caps & OT_SPDM_CAP_MUT_AUTH) && (req_caps & OT_SPDM_CAP_MUT_AUTH)) ||
             (version >= OT_SPDM_VERSION_13 &&
              (req_caps & OT_SPDM_CAP_EP_INFO_MASK) == OT_SPDM_CAP_EP_INFO_SIG);
  for (uint8_t i = 0; i < offer->alg_count; i++) {
    uint16_t s = select_struct(prefs, offer->alg[i].type, offer->alg[i].supported, key_ex,
                               key_ex || psk, mut);
    a.alg[a.alg_count++] = (ot_spdm_alg_struct){.type = offer->alg[i].type, .supported = s};
  }
  if (key_ex) {
    OT_ENSURE(offered(a.alg, a.alg_count, OT_SPDM_ALG_TYPE_DHE) &&
                  offered(a.alg, a.alg_count, OT_SPDM_ALG_TYPE_AEAD) &&
                  offered(a.alg, a.alg_count, OT_SPDM_ALG_TYPE_KEY_SCHEDULE),
              OT_E_NEGOTIATION);
  }
  if (psk) {
    OT_ENSURE(offered(a.alg, a.alg_count, OT_SPDM_ALG_TYPE_AEAD) &&
                  offered(a.alg, a.alg_count, OT_SPDM_ALG_TYPE_KEY_SCHEDULE),
              OT_E_NEGOTIATION);
  }
  *out = a;
  return OT_SUCCESS;
}

/* A selection: zero where allowed, else exactly one bit that was offered. */
static ot_status check_sel(uint32_t sel, uint32_t offered_mask, uint32_t allowed,
                           bool may_be_zero) {
  if (sel == 0) return may_be_zero ? OT_SUCCESS : ot_status_of(OT_E_NEGOTIATION);
  OT_ENSURE(one_bit(sel), OT_E_MALFORMED);
  OT_ENSURE(sel & offered_mask, OT_E_MALFORMED);
  OT_ENSURE(sel & allowed, OT_E_POLICY);
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_algorithms_check(const ot_spdm_alg_prefs *prefs, uint8_t version,
                                   uint32_t rsp_caps, uint32_t req_caps,
                                   const ot_spdm_alg_offer *offer, const ot_spdm_algorithms *sel,
                                   ot_spdm_negotiated *neg) {
  ot_spdm_negotiated n;
  memset(&n, 0, sizeof(n));
  bool meas = (rsp_caps & OT_SPDM_CAP_MEAS_MASK) != 0;
  OT_GUARD(check_sel(sel->base_asym_sel, offer->base_asym,
                     ot_spdm_asym_for_version(prefs->base_asym, version), false));
  OT_GUARD(check_sel(sel->base_hash_sel, offer->base_hash, prefs->base_hash, false));
  OT_GUARD(check_sel(sel->meas_spec_sel, offer->meas_spec, OT_SPDM_MEAS_SPEC_DMTF, !meas));
  /* DSP0274 §10.4: MeasurementHashAlgo is the responder's choice (not
   * offered): any one defined bit is well-formed; the policy decides. */
  OT_GUARD(check_sel(sel->meas_hash_algo, MEAS_HASH_DEFINED, prefs->meas_hash, !meas));
  /* 1.2+: the Fmt1 we offered; before 1.2 the codec clears the reserved byte. */
  OT_ENSURE(OT_SPDM_PRE_12(version) ||
                (sel->other_params_sel & OT_SPDM_OPAQUE_FMT_MASK) == OT_SPDM_OPAQUE_FMT_1,
            OT_E_MALFORMED);
  /* RequesterMultiKeyConn (DSP0274 1.3 §10.4 OtherParamsSelection bit 4): 0
   * unless we set MULTI_KEY_CAP, and 1 when ours is 01b (only multi-key
   * connections); with 10b the responder chooses. Reserved before 1.3. */
  bool mk = (sel->other_params_sel & OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN) != 0;
  uint32_t our_mk = req_caps & OT_SPDM_CAP_MULTI_KEY_MASK;
  OT_ENSURE(!mk || (version >= OT_SPDM_VERSION_13 && our_mk != 0), OT_E_MALFORMED);
  OT_ENSURE(mk || version < OT_SPDM_VERSION_13 || our_mk != OT_SPDM_CAP_MULTI_KEY_ONLY,
            OT_E_NEGOTIATION);
  OT_ENSURE(sel->ext_asym_sel.count == 0 && sel->ext_hash_sel.count == 0, OT_E_MALFORMED);
  /* The responder selects DHE/AEAD/key schedule iff both sides have KEY_EX_CAP
   * (as ot_spdm_algorithms_select does); otherwise they must be zero. */
  bool key_ex = (rsp_caps & req_caps & OT_SPDM_CAP_KEY_EX) != 0;
  /* ... and AEAD / key schedule also when both have PSK_CAP (§10.4). */
  bool sess = key_ex || ((rsp_caps & OT_SPDM_CAP_PSK_MASK) && (req_caps & OT_SPDM_CAP_PSK_MASK));
  for (uint8_t i = 0; i < sel->alg_count; i++) {
    const ot_spdm_alg_struct *s = &sel->alg[i];
    uint16_t off = offered(offer->alg, offer->alg_count, s->type);
    OT_ENSURE(s->ext.count == 0, OT_E_MALFORMED);
    switch (s->type) {
    case OT_SPDM_ALG_TYPE_DHE:
      OT_ENSURE(key_ex || s->supported == 0, OT_E_MALFORMED);
      OT_GUARD(check_sel(s->supported, off, prefs->dhe, !key_ex));
      n.dhe = s->supported;
      break;
    case OT_SPDM_ALG_TYPE_AEAD:
      OT_ENSURE(sess || s->supported == 0, OT_E_MALFORMED);
      OT_GUARD(check_sel(s->supported, off, prefs->aead, !sess));
      n.aead = s->supported;
      break;
    case OT_SPDM_ALG_TYPE_KEY_SCHEDULE:
      OT_ENSURE(sess || s->supported == 0, OT_E_MALFORMED);
      OT_GUARD(check_sel(s->supported, off, OT_SPDM_KEY_SCHEDULE_SPDM, !sess));
      n.key_schedule = s->supported;
      break;
    case OT_SPDM_ALG_TYPE_REQ_BASE_ASYM:
      /* Selected (one bit we offered) or 0: the responder may decline to
       * authenticate us (DSP0274 §10.4 ReqBaseAsymAlg). */
      OT_GUARD(check_sel(s->supported, off, prefs->req_asym, true));
      n.req_base_asym = s->supported;
      break;
    default: /* a type we did not offer cannot be selected */
      OT_ENSURE(s->supported == 0, OT_E_MALFORMED);
      break;
    }
  }
  n.version = version;
  n.base_asym = sel->base_asym_sel;
  n.base_hash = sel->base_hash_sel;
  n.meas_hash = sel->meas_hash_algo;
  n.meas_spec = sel->meas_spec_sel;
  n.other_params = sel->other_params_sel;
  /* DSP0274 1.3 §10.4: MELspecificationSel is zero or one format we offered,
   * and zero without MEL_CAP. */
  OT_ENSURE(sel->mel_spec_sel == 0 ||
                ((rsp_caps & OT_SPDM_CAP_MEL) && (sel->mel_spec_sel & offer->mel_spec) &&
                 sel->mel_spec_sel == OT_SPDM_MEL_SPEC_DMTF),
            OT_E_MALFORMED);
  n.mel_spec = sel->mel_spec_sel;
  /* multi_key_conn_rsp (SPEC-FACTS §2.17): MULTI_KEY_CAP 01b, or 10b with our bit4. */
  uint32_t mkc = rsp_caps & OT_SPDM_CAP_MULTI_KEY_MASK;
  n.multi_key_conn = version >= OT_SPDM_VERSION_13 &&
                     (mkc == OT_SPDM_CAP_MULTI_KEY_ONLY ||
                      (mkc == OT_SPDM_CAP_MULTI_KEY_NEG &&
                       (offer->other_params & OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN)));
  n.multi_key_conn_req = version >= OT_SPDM_VERSION_13 && mk;
  OT_GUARD(ot_spdm_negotiated_derive(&n));
  *neg = n;
  return OT_SUCCESS;
}

static ot_status asym_curve(uint32_t sel, ot_curve *out) {
  switch (sel) {
  case OT_SPDM_ASYM_ECDSA_P256: *out = OT_CURVE_P256; break;
  case OT_SPDM_ASYM_ECDSA_P384: *out = OT_CURVE_P384; break;
  case OT_SPDM_ASYM_ECDSA_P521: *out = OT_CURVE_P521; break;
  /* DSP0274 1.3 §10.4 BaseAsymAlgo bit 10: EdDSA Ed25519 (pure, RFC 8032). */
  case OT_SPDM_ASYM_ED25519: *out = OT_CURVE_ED25519; break;
  /* Bit 11: EdDSA Ed448 (RFC 8032 §5.2, empty context), 114-byte signature. */
  case OT_SPDM_ASYM_ED448: *out = OT_CURVE_ED448; break;
  /* Bits 0-6: TPM_ALG_RSASSA/RSAPSS by modulus size; the signature is k bytes. */
  case OT_SPDM_ASYM_RSASSA_2048:
  case OT_SPDM_ASYM_RSAPSS_2048: *out = OT_KEY_RSA2048; break;
  case OT_SPDM_ASYM_RSASSA_3072:
  case OT_SPDM_ASYM_RSAPSS_3072: *out = OT_KEY_RSA3072; break;
  case OT_SPDM_ASYM_RSASSA_4096:
  case OT_SPDM_ASYM_RSAPSS_4096: *out = OT_KEY_RSA4096; break;
  default: OT_BAIL(OT_E_UNSUPPORTED);
  }
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_negotiated_derive(ot_spdm_negotiated *n) {
  OT_GUARD(ot_spdm_hash_from_sel(n->base_hash, &n->hash));
  OT_GUARD(asym_curve(n->base_asym, &n->asym_curve));
  /* ReqBaseAsymAlg uses the BaseAsymAlgo bit values (DSP0274 §10.4). */
  n->req_asym_curve = 0;
  if (n->req_base_asym) OT_GUARD(asym_curve(n->req_base_asym, &n->req_asym_curve));
  switch (n->meas_hash) {
  case 0: n->mhash = n->hash; break;
  case OT_SPDM_MEAS_HASH_SHA_256: n->mhash = OT_HASH_SHA256; break;
  case OT_SPDM_MEAS_HASH_SHA_384: n->mhash = OT_HASH_SHA384; break;
  case OT_SPDM_MEAS_HASH_SHA_512: n->mhash = OT_HASH_SHA512; break;
  case OT_SPDM_MEAS_HASH_SHA3_256: n->mhash = OT_HASH_SHA3_256; break;
  case OT_SPDM_MEAS_HASH_SHA3_384: n->mhash = OT_HASH_SHA3_384; break;
  case OT_SPDM_MEAS_HASH_SHA3_512: n->mhash = OT_HASH_SHA3_512; break;
  default: OT_BAIL(OT_E_UNSUPPORTED);
  }
  switch (n->dhe) {
  case 0: n->dhe_curve = 0; break;
  case OT_SPDM_DHE_SECP256R1: n->dhe_curve = OT_CURVE_P256; break;
  case OT_SPDM_DHE_SECP384R1: n->dhe_curve = OT_CURVE_P384; break;
  /* DSP0274 1.3 §10.4 DHE bit 5: secp521r1, exchange data X || Y, 66 bytes each. */
  case OT_SPDM_DHE_SECP521R1: n->dhe_curve = OT_CURVE_P521; break;
  /* Bits 0-2: the RFC 7919 groups; ExchangeData is Y padded to |p| bytes. */
  case OT_SPDM_DHE_FFDHE_2048: n->dhe_curve = OT_GROUP_FFDHE2048; break;
  case OT_SPDM_DHE_FFDHE_3072: n->dhe_curve = OT_GROUP_FFDHE3072; break;
  case OT_SPDM_DHE_FFDHE_4096: n->dhe_curve = OT_GROUP_FFDHE4096; break;
  default: OT_BAIL(OT_E_UNSUPPORTED);
  }
  if (n->aead) OT_GUARD(ot_spdm_aead_from_sel(n->aead, &n->aead_alg));
  memset(&n->sizes, 0, sizeof(n->sizes));
  n->sizes.version = n->version;
  n->sizes.hash_len = (uint16_t)ot_hash_size(n->hash);
  n->sizes.sig_len = (uint16_t)ot_curve_signature_size(n->asym_curve);
  n->sizes.req_sig_len =
      n->req_base_asym ? (uint16_t)ot_curve_signature_size(n->req_asym_curve) : 0;
  n->sizes.dhe_len = n->dhe_curve ? (uint16_t)ot_dhe_public_size(n->dhe_curve) : 0;
  n->sizes.multi_key_conn = n->multi_key_conn;
  n->sizes.multi_key_conn_req = n->multi_key_conn_req;
  return OT_SUCCESS;
}

ot_status ot_spdm_error_status(uint8_t error_code) {
  switch (error_code) {
  case OT_SPDM_ERR_VERSION_MISMATCH: return ot_status_of(OT_E_VERSION);
  case OT_SPDM_ERR_BUSY: return ot_status_of(OT_E_BUSY);
  case OT_SPDM_ERR_UNEXPECTED_REQUEST:
  case OT_SPDM_ERR_REQUEST_RESYNCH: return ot_status_of(OT_E_UNEXPECTED);
  case OT_SPDM_ERR_UNSUPPORTED_REQUEST: return ot_status_of(OT_E_UNSUPPORTED);
  case OT_SPDM_ERR_DECRYPT_ERROR: return ot_status_of(OT_E_DECRYPT);
  case OT_SPDM_ERR_INVALID_REQUEST: return ot_status_of(OT_E_MALFORMED);
  case OT_SPDM_ERR_SESSION_LIMIT_EXCEEDED: return ot_status_of(OT_E_NO_SPACE);
  case OT_SPDM_ERR_INVALID_POLICY: return ot_status_of(OT_E_POLICY);
  default: return ot_status_of(OT_E_PEER_ERROR);
  }
}
