/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key pair table of a responder (spdm_key_pairs.h): what KEY_PAIR_INFO
 * reports, SET_KEY_PAIR_INFO's rules and effect (DSP0274 1.3 §10.26, §10.27),
 * and the table as bytes for a device that keeps it.
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/secure.h"
#include "opentsm/spdm_key_pairs.h"
#include "opentsm/x509.h"

/* The usages a pair offers: the four SPDM signing uses (§10.26 "Key usage
 * bit mask"); standards / vendor uses have no meaning on this device. */
#define KP_USAGES                                                                                  \
  (OT_SPDM_KEY_USAGE_KEY_EX | OT_SPDM_KEY_USAGE_CHALLENGE | OT_SPDM_KEY_USAGE_MEASUREMENT |         \
   OT_SPDM_KEY_USAGE_ENDPOINT_INFO)
/* What Generate can make (ot_key_generate). */
#define KP_GEN_ALGOS (OT_SPDM_KP_ALGO_ECC256 | OT_SPDM_KP_ALGO_ECC384)
#define KP_SETTABLE_CAPS                                                                           \
  (OT_SPDM_KP_CAP_GEN_KEY | OT_SPDM_KP_CAP_ERASABLE | OT_SPDM_KP_CAP_CERT_ASSOC |                  \
   OT_SPDM_KP_CAP_KEY_USAGE | OT_SPDM_KP_CAP_ASYM_ALGO | OT_SPDM_KP_CAP_SHAREABLE)

static const uint8_t kp_magic[8] = {'O', 'T', 'K', 'E', 'Y', 'P', 'R', '1'};

uint32_t ot_spdm_kp_algo_of(ot_curve curve) {
  switch (curve) {
  case OT_KEY_RSA2048: return OT_SPDM_KP_ALGO_RSA2048;
  case OT_KEY_RSA3072: return OT_SPDM_KP_ALGO_RSA3072;
  case OT_KEY_RSA4096: return OT_SPDM_KP_ALGO_RSA4096;
  case OT_CURVE_P256: return OT_SPDM_KP_ALGO_ECC256;
  case OT_CURVE_P384: return OT_SPDM_KP_ALGO_ECC384;
  case OT_CURVE_P521: return OT_SPDM_KP_ALGO_ECC521;
  case OT_CURVE_ED25519: return OT_SPDM_KP_ALGO_ED25519;
  case OT_CURVE_ED448: return OT_SPDM_KP_ALGO_ED448;
  default: return 0;
  }
}

static ot_curve curve_of_algo(uint32_t algo) {
  return algo == OT_SPDM_KP_ALGO_ECC256 ? OT_CURVE_P256 : OT_CURVE_P384;
}

static bool onehot0(uint32_t v) { return (v & (v - 1u)) == 0; }
static bool keyed_curve(ot_curve c) {
  return c == OT_CURVE_P256 || c == OT_CURVE_P384 || ot_key_is_rsa(c);
}

static void kp_wipe(ot_spdm_key_pair *k) {
  ot_zeroize(k->priv, sizeof(k->priv));
  k->priv_len = 0;
  k->pub_len = 0;
  k->present = false;
}

/* Installs a key (copied; its public half derived). */
static ot_status kp_set_key(ot_spdm_key_pair *k, ot_curve curve, const uint8_t *priv,
                            size_t priv_len) {
  OT_ENSURE(keyed_curve(curve) && priv_len <= sizeof(k->priv), OT_E_BAD_KEY);
  if (ot_key_is_rsa(curve)) {
    OT_GUARD(ot_rsa_public(curve, priv, priv_len, k->pub, sizeof(k->pub)));
  } else {
    OT_ENSURE(priv_len == ot_curve_size(curve), OT_E_BAD_KEY);
    OT_GUARD(ot_key_public(curve, priv, priv_len, k->pub, sizeof(k->pub)));
  }
  memcpy(k->priv, priv, priv_len);
  k->priv_len = priv_len;
  k->pub_len = ot_curve_public_size(curve);
  k->curve = curve;
  k->present = true;
  return OT_SUCCESS;
}

/* The identity's keys in KeyPairID order; returns how many. */
static size_t key_order(const ot_spdm_identity *id, size_t order[OT_SPDM_ID_MAX_KEYS]) {
  size_t n = 0;
  if (id->slots[0].present && id->keys[id->slots[0].key].present) order[n++] = id->slots[0].key;
  for (size_t i = 0; i < OT_SPDM_ID_MAX_KEYS; i++)
    if (id->keys[i].present && !(n > 0 && order[0] == i)) order[n++] = i;
  return n;
}

void ot_spdm_identity_number_key_pairs(ot_spdm_identity *id) {
  size_t order[OT_SPDM_ID_MAX_KEYS];
  size_t n = key_order(id, order);
  for (size_t p = 0; p < n; p++) id->keys[order[p]].key_pair_id = (uint8_t)(p + 1);
}

OT_RESULT ot_spdm_key_pairs_init(ot_spdm_key_pairs *t, const ot_spdm_identity *id, uint8_t total,
                                 bool settable) {
  OT_ENSURE(t && id && total >= 1 && total <= OT_SPDM_KP_MAX, OT_E_ARG);
  /* KeyPairID 1 is the key behind slot 0; the other keys follow in order. */
  size_t order[OT_SPDM_ID_MAX_KEYS];
  size_t n = key_order(id, order);
  OT_ENSURE(n <= total, OT_E_ARG);
  ot_spdm_key_pairs_clear(t);
  t->total = total;
  for (size_t p = 0; p < total; p++) {
    ot_spdm_key_pair *k = &t->kp[p];
    k->caps = settable ? KP_SETTABLE_CAPS : 0;
    k->usage_caps = KP_USAGES;
    k->algo_caps = settable ? KP_GEN_ALGOS : 0;
    if (p >= n) continue; /* empty until a Generate */
    const ot_spdm_id_key *ik = &id->keys[order[p]];
    ot_status st = kp_set_key(k, ik->curve, ik->priv, ik->priv_len);
    if (!ot_ok(st)) {
      ot_spdm_key_pairs_clear(t);
      return st;
    }
    k->algo = ot_spdm_kp_algo_of(ik->curve);
    k->algo_caps |= k->algo;
    uint16_t usage = 0;
    for (uint8_t s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++) {
      if (!id->slots[s].present || id->slots[s].key != order[p]) continue;
      k->assoc |= (uint8_t)(1u << s);
      usage |= id->slots[s].key_usage;
    }
    /* A slot that names no usage signs for every one (spdm_identity.h). */
    k->usage = (usage & KP_USAGES) ? (uint16_t)(usage & KP_USAGES) : KP_USAGES;
  }
  return OT_SUCCESS;
}

void ot_spdm_key_pairs_clear(ot_spdm_key_pairs *t) {
  if (t) ot_zeroize(t, sizeof(*t));
}

OT_RESULT ot_spdm_key_pairs_info(const ot_spdm_key_pairs *t, uint8_t id, ot_spdm_key_pair_info *out,
                                 uint8_t *pki, size_t cap) {
  OT_ENSURE(t && out && (pki || cap == 0), OT_E_ARG);
  OT_ENSURE(id >= 1 && id <= t->total, OT_E_NOT_FOUND);
  const ot_spdm_key_pair *k = &t->kp[id - 1];
  size_t n = 0;
  if (k->present) OT_GUARD(ot_x509_spki_encode(k->curve, k->pub, k->pub_len, pki, cap, &n));
  OT_ENSURE(n <= OT_SPDM_PUBLIC_KEY_INFO_MAX, OT_E_TOO_LARGE);
  *out = (ot_spdm_key_pair_info){.total_key_pairs = t->total,
                                 .key_pair_id = id,
                                 .capabilities = k->caps,
                                 .key_usage_caps = k->usage_caps,
                                 .current_key_usage = k->usage,
                                 .asym_algo_caps = k->algo_caps,
                                 .current_asym_algo = k->algo,
                                 .assoc_cert_slot_mask = k->assoc,
                                 .public_key_info_len = (uint16_t)n,
                                 .public_key_info = pki};
  return OT_SUCCESS;
}

/* DSP0274 1.3 §10.27 rules; OT_E_MALFORMED = InvalidRequest. */
static ot_status check(const ot_spdm_key_pairs *t, const ot_spdm_set_key_pair_info *q) {
  OT_ENSURE(q->key_pair_id >= 1 && q->key_pair_id <= t->total, OT_E_MALFORMED);
  OT_ENSURE(q->operation <= OT_SPDM_KEY_PAIR_OP_GENERATE, OT_E_MALFORMED);
  const ot_spdm_key_pair *k = &t->kp[q->key_pair_id - 1];
  uint8_t op = q->operation;
  /* The operation needs its capability (GenKeyCap, ErasableCap). */
  OT_ENSURE(op != OT_SPDM_KEY_PAIR_OP_GENERATE || (k->caps & OT_SPDM_KP_CAP_GEN_KEY),
            OT_E_MALFORMED);
  OT_ENSURE(op != OT_SPDM_KEY_PAIR_OP_ERASE || (k->caps & OT_SPDM_KP_CAP_ERASABLE), OT_E_MALFORMED);
  /* Erase carries no desired values. */
  if (op == OT_SPDM_KEY_PAIR_OP_ERASE)
    OT_ENSURE(q->desired_key_usage == 0 && q->desired_asym_algo == 0 &&
                  q->desired_assoc_cert_slot_mask == 0,
              OT_E_MALFORMED);
  /* DesiredKeyUsage: only with KeyUsageCap, within KeyUsageCapabilities. */
  if (q->desired_key_usage != 0) {
    OT_ENSURE(k->caps & OT_SPDM_KP_CAP_KEY_USAGE, OT_E_MALFORMED);
    OT_ENSURE((q->desired_key_usage & ~k->usage_caps) == 0, OT_E_MALFORMED);
  }
  /* DesiredAsymAlgo: only with AsymAlgoCap, one bit, within the capabilities. */
  if (q->desired_asym_algo != 0) {
    OT_ENSURE(k->caps & OT_SPDM_KP_CAP_ASYM_ALGO, OT_E_MALFORMED);
    OT_ENSURE(onehot0(q->desired_asym_algo), OT_E_MALFORMED);
    OT_ENSURE((q->desired_asym_algo & ~k->algo_caps) == 0, OT_E_MALFORMED);
  }
  /* No PQC algorithm on this device (1.4 DesiredPqcAsymAlgo). */
  for (size_t i = 0; i < q->desired_pqc_len; i++) OT_ENSURE(q->desired_pqc[i] == 0, OT_E_MALFORMED);
  uint8_t mask = q->desired_assoc_cert_slot_mask;
  if (op == OT_SPDM_KEY_PAIR_OP_CHANGE) {
    /* Association changes need CertAssocCap; several slots, ShareableCap. */
    OT_ENSURE((k->caps & OT_SPDM_KP_CAP_CERT_ASSOC) || mask == k->assoc, OT_E_MALFORMED);
    OT_ENSURE((k->caps & OT_SPDM_KP_CAP_SHAREABLE) || onehot0(mask), OT_E_MALFORMED);
    /* A slot belongs to one key pair at a time; a pair without a key
     * cannot take a slot. */
    for (uint8_t p = 0; p < t->total; p++)
      if (p != q->key_pair_id - 1) OT_ENSURE((t->kp[p].assoc & mask) == 0, OT_E_MALFORMED);
    OT_ENSURE(k->present || (mask & ~k->assoc) == 0, OT_E_MALFORMED);
    /* A key's algorithm is the key's: it changes only with a new key. */
    OT_ENSURE(!k->present || q->desired_asym_algo == 0 || q->desired_asym_algo == k->algo,
              OT_E_MALFORMED);
  }
  if (op == OT_SPDM_KEY_PAIR_OP_GENERATE) {
    uint32_t algo = q->desired_asym_algo ? q->desired_asym_algo : k->algo;
    OT_ENSURE((algo & KP_GEN_ALGOS) != 0 && onehot0(algo), OT_E_MALFORMED);
    OT_ENSURE(mask == 0 || mask == k->assoc, OT_E_MALFORMED);
  }
  /* A pair still associated with a slot is neither erased nor replaced
   * (§10.27: OperationFailed; libspdm answers the same). */
  if (op != OT_SPDM_KEY_PAIR_OP_CHANGE) OT_ENSURE(k->assoc == 0, OT_E_STATE);
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_key_pairs_apply(ot_spdm_key_pairs *t, const ot_spdm_set_key_pair_info *req,
                                  ot_rng *rng) {
  OT_ENSURE(t && req && (req->desired_pqc_len == 0 || req->desired_pqc), OT_E_ARG);
  OT_GUARD(check(t, req));
  ot_spdm_key_pair *k = &t->kp[req->key_pair_id - 1];
  switch (req->operation) {
  case OT_SPDM_KEY_PAIR_OP_ERASE:
    kp_wipe(k);
    k->usage = 0;
    k->algo = 0;
    return OT_SUCCESS;
  case OT_SPDM_KEY_PAIR_OP_GENERATE: {
    OT_ENSURE(rng != NULL, OT_E_ARG);
    uint32_t algo = req->desired_asym_algo ? req->desired_asym_algo : k->algo;
    ot_curve c = curve_of_algo(algo);
    uint8_t priv[OT_ECC_MAX_SCALAR], pub[OT_ECC_MAX_PUBLIC];
    ot_status st = ot_key_generate(c, rng, priv, sizeof(priv), pub, sizeof(pub));
    if (ot_ok(st)) {
      kp_wipe(k);
      st = kp_set_key(k, c, priv, ot_curve_size(c));
    }
    ot_zeroize(priv, sizeof(priv));
    OT_GUARD(st);
    k->algo = algo;
    if (req->desired_key_usage) k->usage = req->desired_key_usage;
    if (k->usage == 0) k->usage = k->usage_caps;
    return OT_SUCCESS;
  }
  default: /* Change: 0 keeps usage and algorithm; the mask is taken as is. */
    if (req->desired_key_usage) k->usage = req->desired_key_usage;
    if (req->desired_asym_algo) k->algo = req->desired_asym_algo;
    k->assoc = req->desired_assoc_cert_slot_mask;
    return OT_SUCCESS;
  }
}

OT_RESULT ot_spdm_key_pairs_save(const ot_spdm_key_pairs *t, uint8_t *out, size_t cap,
                                 size_t *out_len) {
  OT_ENSURE(t && out && out_len && t->total >= 1 && t->total <= OT_SPDM_KP_MAX, OT_E_ARG);
  ot_writer w;
  ot_writer_init(&w, out, cap);
  OT_GUARD(ot_write_bytes(&w, kp_magic, sizeof(kp_magic)));
  OT_GUARD(ot_write_u8(&w, t->total));
  for (uint8_t p = 0; p < t->total; p++) {
    const ot_spdm_key_pair *k = &t->kp[p];
    OT_GUARD(ot_write_u8(&w, k->present ? 1 : 0));
    OT_GUARD(ot_write_u8(&w, k->present ? (uint8_t)k->curve : 0));
    OT_GUARD(ot_write_u16le(&w, k->caps));
    OT_GUARD(ot_write_u16le(&w, k->usage_caps));
    OT_GUARD(ot_write_u16le(&w, k->usage));
    OT_GUARD(ot_write_u32le(&w, k->algo_caps));
    OT_GUARD(ot_write_u32le(&w, k->algo));
    OT_GUARD(ot_write_u8(&w, k->assoc));
    OT_GUARD(ot_write_u16le(&w, k->present ? (uint16_t)k->priv_len : 0));
    if (k->present) OT_GUARD(ot_write_bytes(&w, k->priv, k->priv_len));
  }
  OT_GUARD(ot_writer_status(&w));
  uint8_t h[32];
  OT_GUARD(ot_hash(OT_HASH_SHA256, out, ot_writer_len(&w), h, sizeof(h)));
  OT_GUARD(ot_write_bytes(&w, h, sizeof(h)));
  OT_GUARD(ot_writer_status(&w));
  *out_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

/* One entry into k (fully checked); the caller's table is not touched. */
static ot_status load_entry(ot_reader *r, ot_spdm_key_pair *k) {
  uint8_t present, type;
  uint16_t priv_len;
  const uint8_t *priv;
  OT_GUARD(ot_read_u8(r, &present));
  OT_GUARD(ot_read_u8(r, &type));
  OT_GUARD(ot_read_u16le(r, &k->caps));
  OT_GUARD(ot_read_u16le(r, &k->usage_caps));
  OT_GUARD(ot_read_u16le(r, &k->usage));
  OT_GUARD(ot_read_u32le(r, &k->algo_caps));
  OT_GUARD(ot_read_u32le(r, &k->algo));
  OT_GUARD(ot_read_u8(r, &k->assoc));
  OT_GUARD(ot_read_u16le(r, &priv_len));
  OT_GUARD(ot_read_borrow(r, priv_len, &priv));
  /* The same invariants KEY_PAIR_INFO promises (§10.26). */
  OT_ENSURE(present <= 1 && (k->caps & ~OT_SPDM_KP_CAP_MASK) == 0, OT_E_MALFORMED);
  OT_ENSURE((k->usage & ~k->usage_caps) == 0 && (k->algo & ~k->algo_caps) == 0 && onehot0(k->algo),
            OT_E_MALFORMED);
  if (!present) {
    OT_ENSURE(type == 0 && priv_len == 0 && k->assoc == 0, OT_E_MALFORMED);
    return OT_SUCCESS;
  }
  OT_ENSURE(keyed_curve((ot_curve)type) && k->algo == ot_spdm_kp_algo_of((ot_curve)type),
            OT_E_MALFORMED);
  return kp_set_key(k, (ot_curve)type, priv, priv_len);
}

/* Reads every entry of r; with `into` NULL each is checked in a scratch
 * entry only, else written to into->kp[] (total as given). */
static ot_status load_all(ot_reader *r, uint8_t total, ot_spdm_key_pairs *into) {
  ot_spdm_key_pair scratch;
  uint8_t seen = 0;
  ot_status st = OT_SUCCESS;
  for (uint8_t p = 0; ot_ok(st) && p < total; p++) {
    ot_spdm_key_pair *k = into ? &into->kp[p] : &scratch;
    memset(k, 0, sizeof(*k));
    st = load_entry(r, k);
    /* A slot belongs to one pair (§10.27). */
    if (ot_ok(st) && (seen & k->assoc)) st = ot_status_of(OT_E_MALFORMED);
    seen |= k->assoc;
  }
  ot_zeroize(&scratch, sizeof(scratch));
  if (ot_ok(st)) st = ot_reader_finish(r);
  if (ot_is(st, OT_E_TRUNCATED) || ot_is(st, OT_E_TRAILING)) st = ot_status_of(OT_E_MALFORMED);
  return st;
}

OT_RESULT ot_spdm_key_pairs_load(ot_spdm_key_pairs *t, const uint8_t *buf, size_t len) {
  OT_ENSURE(t && buf, OT_E_ARG);
  OT_ENSURE(len >= sizeof(kp_magic) + 1 + 32 && len <= OT_SPDM_KP_SAVE_MAX &&
                memcmp(buf, kp_magic, sizeof(kp_magic)) == 0,
            OT_E_MALFORMED);
  uint8_t h[32];
  OT_GUARD(ot_hash(OT_HASH_SHA256, buf, len - 32, h, sizeof(h)));
  OT_ENSURE(ot_ct_equal(h, buf + len - 32, 32), OT_E_VERIFY);
  ot_reader r;
  ot_reader_init(&r, buf + sizeof(kp_magic), len - sizeof(kp_magic) - 32);
  uint8_t total = 0;
  OT_GUARD(ot_read_u8(&r, &total));
  /* The device's TotalKeyPairs is its configuration; a file for another
   * count is not this device's. */
  OT_ENSURE(total == t->total, OT_E_MALFORMED);
  /* Check it all first, then load: a bad file changes nothing. */
  ot_reader again = r;
  OT_GUARD(load_all(&r, total, NULL));
  ot_status st = load_all(&again, total, t);
  if (!ot_ok(st)) ot_spdm_key_pairs_clear(t); /* cannot happen after the check */
  return st;
}
