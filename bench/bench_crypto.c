/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AES-256-GCM seal+open through ot_aead (one keyed context reused for every
 * message) against the same work done with raw OpenSSL EVP calls on a reused
 * EVP_CIPHER_CTX, in the same process. Prints MB/s of payload (each message
 * sealed then opened) and the ratio ours/raw, plus the number of OpenSSL
 * allocations made inside each timed loop, which must be 0 for ours: the
 * IDE hot path allocates nothing per message.
 *
 * A benchmark, not a test: no threshold, it reports numbers.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opentsm/crypto.h"

static unsigned long long allocs;

static void *count_malloc(size_t n, const char *file, int line) {
  (void)file;
  (void)line;
  allocs++;
  return malloc(n);
}

static void *count_realloc(void *p, size_t n, const char *file, int line) {
  (void)file;
  (void)line;
  allocs++;
  return realloc(p, n);
}

static void count_free(void *p, const char *file, int line) {
  (void)file;
  (void)line;
  free(p);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define MIN_SECONDS 0.3
#define MAX_LEN 4096

static const uint8_t key[32] = {0x10, 0x32, 0x54, 0x76};
static const uint8_t aad[16] = {0xaa};
static uint8_t pt[MAX_LEN], ct[MAX_LEN], out[MAX_LEN];

struct result {
  double mbps;
  unsigned long long allocs;
};

/* One message through ot_aead: seal, then open. */
static int ours_once(ot_aead_key *k, uint8_t nonce[12], size_t len) {
  uint8_t tag[16];
  nonce[11]++;
  if (!ot_ok(ot_aead_seal(k, nonce, aad, sizeof aad, pt, len, ct, tag, sizeof tag))) return 0;
  return ot_ok(ot_aead_open(k, nonce, aad, sizeof aad, ct, len, tag, sizeof tag, out));
}

/* The same with raw EVP calls on a reused context. */
static int raw_once(EVP_CIPHER_CTX *c, uint8_t nonce[12], size_t len) {
  uint8_t tag[16], fin[16];
  int n = 0;
  nonce[11]++;
  if (EVP_EncryptInit_ex(c, NULL, NULL, NULL, nonce) != 1 ||
      EVP_EncryptUpdate(c, NULL, &n, aad, sizeof aad) != 1 ||
      EVP_EncryptUpdate(c, ct, &n, pt, (int)len) != 1 || EVP_EncryptFinal_ex(c, fin, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, tag) != 1)
    return 0;
  if (EVP_DecryptInit_ex(c, NULL, NULL, NULL, nonce) != 1 ||
      EVP_DecryptUpdate(c, NULL, &n, aad, sizeof aad) != 1 ||
      EVP_DecryptUpdate(c, out, &n, ct, (int)len) != 1 ||
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, tag) != 1 ||
      EVP_DecryptFinal_ex(c, fin, &n) != 1)
    return 0;
  return 1;
}

static struct result run_ours(size_t len) {
  ot_aead_key k;
  uint8_t nonce[12] = {0};
  struct result r = {0, 0};
  if (!ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key, sizeof key, 16))) return r;
  ours_once(&k, nonce, len); /* warm up */
  unsigned long long before = allocs, iters = 0;
  double t0 = now(), t;
  do {
    for (int i = 0; i < 256; i++) {
      if (!ours_once(&k, nonce, len)) abort();
    }
    iters += 256;
    t = now() - t0;
  } while (t < MIN_SECONDS);
  r.allocs = allocs - before;
  r.mbps = (double)iters * (double)len / t / 1e6;
  ot_aead_key_clear(&k);
  return r;
}

static struct result run_raw(size_t len) {
  struct result r = {0, 0};
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  EVP_CIPHER *gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
  uint8_t nonce[12] = {0};
  if (!c || !gcm || EVP_EncryptInit_ex(c, gcm, NULL, key, NULL) != 1) abort();
  raw_once(c, nonce, len);
  unsigned long long before = allocs, iters = 0;
  double t0 = now(), t;
  do {
    for (int i = 0; i < 256; i++) {
      if (!raw_once(c, nonce, len)) abort();
    }
    iters += 256;
    t = now() - t0;
  } while (t < MIN_SECONDS);
  r.allocs = allocs - before;
  r.mbps = (double)iters * (double)len / t / 1e6;
  EVP_CIPHER_free(gcm);
  EVP_CIPHER_CTX_free(c);
  return r;
}

int main(void) {
  /* Must come before OpenSSL allocates anything. */
  if (CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free) != 1) {
    fprintf(stderr, "cannot install allocation counters\n");
    return 1;
  }
  for (size_t i = 0; i < sizeof pt; i++) pt[i] = (uint8_t)i;
  static const size_t sizes[] = {64, 256, 1024, 4096};
  printf("AES-256-GCM seal+open, 16-byte AAD, 16-byte tag (%s)\n", ot_crypto_backend_version());
  printf("%8s %14s %14s %12s %14s %14s\n", "bytes", "ot_aead MB/s", "raw EVP MB/s", "ours/raw",
         "ot allocs", "raw allocs");
  int bad = 0;
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    struct result ours = run_ours(sizes[i]);
    struct result raw = run_raw(sizes[i]);
    printf("%8zu %14.1f %14.1f %12.3f %14llu %14llu\n", sizes[i], ours.mbps, raw.mbps,
           raw.mbps > 0 ? ours.mbps / raw.mbps : 0.0, ours.allocs, raw.allocs);
    if (ours.allocs != 0) bad = 1;
  }
  /* The counters do see allocations: key setup makes some, once. */
  unsigned long long before = allocs;
  ot_aead_key k;
  if (!ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key, sizeof key, 16))) return 1;
  printf("allocations at ot_aead_key_init (once per key): %llu\n", allocs - before);
  ot_aead_key_clear(&k);
  if (bad) printf("note: ot_aead allocated inside the message loop\n");
  return 0;
}
