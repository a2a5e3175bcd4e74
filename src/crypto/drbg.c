/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HMAC_DRBG with SHA-256 (NIST SP 800-90A Rev. 1 §10.1.2), built on ot_hmac,
 * behind the ot_rng interface. No prediction resistance (no entropy source is
 * attached: reseeding is the caller's call). See opentsm/crypto.h.
 *
 * Every step computes the new (K, V) into locals and commits them only when
 * all HMAC calls succeeded; locals are wiped on every path.
 */
#include <string.h>

#include "crypto_internal.h"
#include "opentsm/secure.h"

/* One piece of provided_data; the HMAC input is their concatenation. */
struct piece {
  const uint8_t *p;
  size_t n;
};

struct kv {
  uint8_t key[OT_DRBG_OUTLEN];
  uint8_t v[OT_DRBG_OUTLEN];
};

_Static_assert(OT_DRBG_OUTLEN == 32, "HMAC_DRBG over SHA-256");

/* out = HMAC(key, v || [sep] || pieces...). sep < 0: no separator byte. */
static ot_status hmac_parts(const uint8_t key[OT_DRBG_OUTLEN], const uint8_t v[OT_DRBG_OUTLEN],
                            int sep, const struct piece *pieces, size_t count,
                            uint8_t out[OT_DRBG_OUTLEN]) {
  ot_hmac_ctx h;
  OT_GUARD(ot_hmac_init(&h, OT_HASH_SHA256, key, OT_DRBG_OUTLEN));
  ot_status st = ot_hmac_update(&h, v, OT_DRBG_OUTLEN);
  if (sep >= 0 && ot_ok(st)) {
    uint8_t b = (uint8_t)sep;
    st = ot_hmac_update(&h, &b, 1);
  }
  for (size_t i = 0; i < count && ot_ok(st); i++) st = ot_hmac_update(&h, pieces[i].p, pieces[i].n);
  if (ot_ok(st)) st = ot_hmac_final(&h, out, OT_DRBG_OUTLEN);
  ot_hmac_free(&h); /* wipes the key copy */
  return st;
}

/* §10.1.2.2 HMAC_DRBG_Update(provided_data, K, V), in place on kv. */
static ot_status drbg_update(struct kv *kv, const struct piece *pieces, size_t count) {
  size_t total = 0;
  for (size_t i = 0; i < count; i++) total += pieces[i].n;
  /* 1. K = HMAC(K, V || 0x00 || provided_data); 2. V = HMAC(K, V) */
  OT_GUARD(hmac_parts(kv->key, kv->v, 0x00, pieces, count, kv->key));
  OT_GUARD(hmac_parts(kv->key, kv->v, -1, NULL, 0, kv->v));
  /* 3. If provided_data is null, return. */
  if (total == 0) return OT_SUCCESS;
  /* 4. K = HMAC(K, V || 0x01 || provided_data); 5. V = HMAC(K, V) */
  OT_GUARD(hmac_parts(kv->key, kv->v, 0x01, pieces, count, kv->key));
  return hmac_parts(kv->key, kv->v, -1, NULL, 0, kv->v);
}

static void commit(ot_drbg *d, struct kv *kv) {
  memcpy(d->key, kv->key, sizeof d->key);
  memcpy(d->v, kv->v, sizeof d->v);
  ot_zeroize(kv, sizeof *kv);
}

static ot_status drbg_fill(ot_rng *rng, uint8_t *out, size_t n) {
  ot_drbg *d = (ot_drbg *)rng; /* rng is d's first member */
  for (size_t done = 0; done < n;) {
    size_t piece = n - done > OT_DRBG_MAX_REQUEST ? OT_DRBG_MAX_REQUEST : n - done;
    if (!ot_ok(ot_drbg_generate(d, out + done, piece, NULL, 0))) {
      ot_zeroize(out, n);
      OT_BAIL(OT_E_RNG);
    }
    done += piece;
  }
  return OT_SUCCESS;
}

static bool input_ok(const uint8_t *p, size_t n) {
  return (p != NULL || n == 0) && n <= OT_DRBG_MAX_INPUT;
}

ot_status ot_drbg_instantiate(ot_drbg *d, const uint8_t *entropy, size_t entropy_len,
                              const uint8_t *nonce, size_t nonce_len, const uint8_t *pers,
                              size_t pers_len) {
  OT_ENSURE(d != NULL, OT_E_ARG);
  ot_drbg_uninstantiate(d);
  /* §8.6.3 / §8.6.7: enough entropy and nonce for security_strength 256. */
  OT_ENSURE(entropy_len >= OT_DRBG_MIN_ENTROPY && nonce_len >= OT_DRBG_MIN_NONCE, OT_E_ARG);
  OT_ENSURE(input_ok(entropy, entropy_len) && input_ok(nonce, nonce_len) &&
                input_ok(pers, pers_len),
            OT_E_ARG);
  /* §10.1.2.3: seed_material = entropy_input || nonce || personalization_string;
   * Key = 0x00 00...00; V = 0x01 01...01; (Key, V) = Update(seed_material). */
  struct kv kv;
  memset(kv.key, 0x00, sizeof kv.key);
  memset(kv.v, 0x01, sizeof kv.v);
  const struct piece seed[] = {{entropy, entropy_len}, {nonce, nonce_len}, {pers, pers_len}};
  ot_status st = drbg_update(&kv, seed, 3);
  if (!ot_ok(st)) {
    ot_zeroize(&kv, sizeof kv);
    return st;
  }
  commit(d, &kv);
  d->reseed_counter = 1;
  d->reseed_interval = OT_DRBG_RESEED_INTERVAL;
  d->instantiated = true;
  return OT_SUCCESS;
}

ot_status ot_drbg_reseed(ot_drbg *d, const uint8_t *entropy, size_t entropy_len,
                         const uint8_t *additional, size_t additional_len) {
  OT_ENSURE(d != NULL, OT_E_ARG);
  OT_ENSURE(d->instantiated, OT_E_STATE);
  OT_ENSURE(entropy_len >= OT_DRBG_MIN_ENTROPY, OT_E_ARG);
  OT_ENSURE(input_ok(entropy, entropy_len) && input_ok(additional, additional_len), OT_E_ARG);
  /* §10.1.2.4: (Key, V) = Update(entropy_input || additional_input); counter = 1. */
  struct kv kv;
  memcpy(kv.key, d->key, sizeof kv.key);
  memcpy(kv.v, d->v, sizeof kv.v);
  const struct piece seed[] = {{entropy, entropy_len}, {additional, additional_len}};
  ot_status st = drbg_update(&kv, seed, 2);
  if (!ot_ok(st)) {
    ot_zeroize(&kv, sizeof kv);
    return st;
  }
  commit(d, &kv);
  d->reseed_counter = 1;
  return OT_SUCCESS;
}

ot_status ot_drbg_generate(ot_drbg *d, uint8_t *out, size_t n, const uint8_t *additional,
                           size_t additional_len) {
  OT_ENSURE(d != NULL && (out != NULL || n == 0), OT_E_ARG);
  ot_status st;
  struct kv kv;
  memcpy(kv.key, d->key, sizeof kv.key);
  memcpy(kv.v, d->v, sizeof kv.v);
  OT_ENSURE_GOTO(st, d->instantiated, OT_E_STATE, fail);
  OT_ENSURE_GOTO(st, input_ok(additional, additional_len), OT_E_ARG, fail);
  OT_ENSURE_GOTO(st, n <= OT_DRBG_MAX_REQUEST, OT_E_TOO_LARGE, fail);
  /* §10.1.2.5 step 1: past the reseed interval, a reseed is required. */
  OT_ENSURE_GOTO(st, d->reseed_counter <= d->reseed_interval, OT_E_FAILED, fail);
  const struct piece add[] = {{additional, additional_len}};
  /* Step 2: if additional_input is not null, (Key, V) = Update(additional_input). */
  if (additional_len) OT_GUARD_GOTO(st, drbg_update(&kv, add, 1), fail);
  /* Steps 3-4: V = HMAC(Key, V), appended until n bytes. */
  for (size_t done = 0; done < n;) {
    OT_GUARD_GOTO(st, hmac_parts(kv.key, kv.v, -1, NULL, 0, kv.v), fail);
    size_t take = n - done < OT_DRBG_OUTLEN ? n - done : OT_DRBG_OUTLEN;
    memcpy(out + done, kv.v, take);
    done += take;
  }
  /* Step 6: (Key, V) = Update(additional_input) — even when it is null. */
  OT_GUARD_GOTO(st, drbg_update(&kv, add, 1), fail);
  commit(d, &kv);
  /* Step 7. */
  d->reseed_counter++;
  return OT_SUCCESS;
fail:
  ot_zeroize(&kv, sizeof kv);
  if (out) ot_zeroize(out, n);
  return st;
}

void ot_drbg_uninstantiate(ot_drbg *d) {
  if (!d) return;
  ot_zeroize(d, sizeof *d);
  /* Keep the interface callable: fill on an uninstantiated DRBG fails cleanly. */
  d->rng.fill = drbg_fill;
}

ot_status ot_drbg_set_reseed_interval(ot_drbg *d, uint64_t interval) {
  OT_ENSURE(d != NULL && interval >= 1 && interval <= OT_DRBG_RESEED_INTERVAL, OT_E_ARG);
  d->reseed_interval = interval;
  return OT_SUCCESS;
}

ot_status ot_drbg_seed_u64(ot_drbg *d, uint64_t seed) {
  /*
   * Reproducibility only: entropy_input is the seed, big-endian, then zeros;
   * the nonce and personalization are fixed labels. Same seed, same stream,
   * on every platform.
   */
  uint8_t entropy[OT_DRBG_MIN_ENTROPY] = {0};
  for (int i = 0; i < 8; i++) entropy[i] = (uint8_t)(seed >> (56 - 8 * i));
  static const uint8_t nonce[OT_DRBG_MIN_NONCE] = "opentsm-u64-seed";
  static const uint8_t pers[] = "opentsm reproducible DRBG (not for real keys)";
  ot_status st =
      ot_drbg_instantiate(d, entropy, sizeof entropy, nonce, sizeof nonce, pers, sizeof pers - 1);
  ot_zeroize(entropy, sizeof entropy);
  return st;
}
