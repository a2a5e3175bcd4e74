/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE TLP protect + check throughput per core against raw AES-256-GCM
 * seal + open of the same payload sizes through ot_aead (one keyed context
 * reused, 16 bytes of AAD, 96-bit tag), measured in the same run. "ide" is
 * ot_ide_tx_protect + ot_ide_rx_receive of memory writes (3 DW header) on one
 * stream, with MAC aggregation 1 and 4; MB/s counts payload bytes.
 *
 * Then two streams on two threads (each its own transmitter and receiver):
 * the scaling factor is their total throughput over one thread's.
 *
 * The data path allocates nothing: every context is set up before the timed
 * loops. Where glibc provides mallinfo2, the bytes held by malloc are
 * compared before and after each timed loop as a check.
 *
 * A benchmark, not a test: no threshold, it reports numbers.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define HAVE_MALLINFO2 1
static size_t heap_in_use(void) { return mallinfo2().uordblks; }
#else
static size_t heap_in_use(void) { return 0; }
#endif

#include "opentsm/crypto.h"
#include "opentsm/ide.h"

#define MIN_SECONDS 0.3
#define SID 1
#define AGG_MAX 4
#define WIRE_CAP                                                                                   \
  (AGG_MAX * (OT_IDE_PREFIX_SIZE + OT_TLP_HDR_4DW + OT_TLP_MAX_PAYLOAD + OT_IDE_MAC_SIZE))
#define OUT_CAP (AGG_MAX * (OT_TLP_HDR_4DW + OT_TLP_MAX_PAYLOAD))

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One port pair: everything the data path touches, allocated up front. */
typedef struct port_pair {
  ot_ide_tx tx;
  ot_ide_rx rx;
  uint8_t pending[OT_IDE_RX_PENDING_SIZE(OT_TLP_MAX_PAYLOAD)];
  uint8_t tlp[OT_TLP_MAX_WIRE];
  size_t tlp_len;
  uint8_t wire[WIRE_CAP];
  uint8_t out[OUT_CAP];
} port_pair;

static int pair_setup(port_pair *p, uint8_t agg, size_t payload) {
  ot_ide_stream_cfg cfg = {
      .stream_id = SID, .kind = OT_IDE_STREAM_SELECTIVE, .aggregation = {agg, agg, agg}};
  ot_ide_tx_init(&p->tx);
  ot_ide_rx_init(&p->rx);
  if (!ot_ok(ot_ide_tx_stream_add(&p->tx, &cfg)) ||
      !ot_ok(ot_ide_rx_stream_add(&p->rx, &cfg, p->pending, sizeof p->pending)))
    return -1;
  for (int sub = 0; sub < 3; sub++) {
    ot_ide_key_material km = {.iv_fixed = OT_IDE_IV_FIXED_PCIE, .ifv = 1};
    for (size_t i = 0; i < sizeof km.key; i++) km.key[i] = (uint8_t)(i * 7 + sub);
    ot_ide_engine *e[2] = {ot_ide_rx_engine(&p->rx), ot_ide_tx_engine(&p->tx)};
    for (int k = 0; k < 2; k++) {
      if (!ot_ok(ot_ide_key_install(e[k], SID, (ot_ide_substream)sub, 0, &km)) ||
          !ot_ok(ot_ide_key_go(e[k], SID, (ot_ide_substream)sub, 0)))
        return -1;
    }
  }
  if (!ot_ok(ot_ide_stream_enable(ot_ide_rx_engine(&p->rx), SID)) ||
      !ot_ok(ot_ide_stream_enable(ot_ide_tx_engine(&p->tx), SID)))
    return -1;
  static uint8_t data[OT_TLP_MAX_PAYLOAD];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)i;
  ot_tlp t = {.hdr = {.kind = OT_TLP_MWR,
                      .length = (uint16_t)(payload / 4),
                      .requester_id = 0x100,
                      .first_be = 0xF,
                      .last_be = payload > 4 ? 0xF : 0,
                      .address = 0x10000000},
              .payload = data,
              .payload_len = payload};
  return ot_ok(ot_tlp_encode(&t, p->tlp, sizeof p->tlp, &p->tlp_len)) ? 0 : -1;
}

/* One group of agg TLPs: protect, then receive each. */
static int ide_once(port_pair *p, size_t agg) {
  ot_ide_tx_tlp in[AGG_MAX] = {{0}};
  for (size_t i = 0; i < agg; i++) in[i] = (ot_ide_tx_tlp){p->tlp, p->tlp_len, false};
  size_t lens[AGG_MAX], total, at = 0;
  if (!ot_ok(ot_ide_tx_protect(&p->tx, SID, in, agg, p->wire, sizeof p->wire, lens, &total)))
    return 0;
  ot_ide_rx_result res;
  for (size_t i = 0; i < agg; i++) {
    if (!ot_ok(ot_ide_rx_receive(&p->rx, p->wire + at, lens[i], p->out, sizeof p->out, &res)))
      return 0;
    at += lens[i];
  }
  return res.count == agg;
}

typedef struct result {
  double mbps;
  long heap_delta;
} result;

static result run_ide(port_pair *p, size_t agg, size_t payload, double seconds) {
  result r = {0, 0};
  if (!ide_once(p, agg)) abort(); /* warm up */
  size_t heap0 = heap_in_use();
  unsigned long long groups = 0;
  double t0 = now(), t;
  do {
    for (int i = 0; i < 64; i++)
      if (!ide_once(p, agg)) abort();
    groups += 64;
    t = now() - t0;
  } while (t < seconds);
  r.heap_delta = (long)heap_in_use() - (long)heap0;
  r.mbps = (double)groups * (double)agg * (double)payload / t / 1e6;
  return r;
}

/* Raw AES-256-GCM through ot_aead: seal then open, 16 bytes of AAD, 12-byte tag. */
static result run_raw(size_t payload) {
  static uint8_t pt[OT_TLP_MAX_PAYLOAD], ct[OT_TLP_MAX_PAYLOAD], back[OT_TLP_MAX_PAYLOAD];
  static const uint8_t aad[16] = {0x92, 0, 1, 4, 0x40};
  uint8_t key[32], nonce[12] = {0}, tag[12];
  for (size_t i = 0; i < sizeof key; i++) key[i] = (uint8_t)(i * 7);
  ot_aead_key k;
  result r = {0, 0};
  if (!ot_ok(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, key, sizeof key, OT_IDE_MAC_SIZE))) abort();
  size_t heap0 = heap_in_use();
  unsigned long long iters = 0;
  double t0 = now(), t;
  do {
    for (int i = 0; i < 64; i++) {
      nonce[11]++;
      if (!ot_ok(ot_aead_seal(&k, nonce, aad, sizeof aad, pt, payload, ct, tag, sizeof tag)) ||
          !ot_ok(ot_aead_open(&k, nonce, aad, sizeof aad, ct, payload, tag, sizeof tag, back)))
        abort();
    }
    iters += 64;
    t = now() - t0;
  } while (t < MIN_SECONDS);
  r.heap_delta = (long)heap_in_use() - (long)heap0;
  r.mbps = (double)iters * (double)payload / t / 1e6;
  ot_aead_key_clear(&k);
  return r;
}

typedef struct thread_job {
  port_pair *pair;
  size_t payload;
  double seconds;
  result r;
} thread_job;

static void *thread_main(void *arg) {
  thread_job *j = arg;
  j->r = run_ide(j->pair, 1, j->payload, j->seconds);
  return NULL;
}

static double scaling(size_t payload) {
  port_pair *p[2] = {malloc(sizeof(port_pair)), malloc(sizeof(port_pair))};
  if (!p[0] || !p[1]) abort();
  for (int i = 0; i < 2; i++)
    if (pair_setup(p[i], 1, payload) != 0) abort();
  thread_job solo = {p[0], payload, 1.0, {0, 0}};
  thread_main(&solo);
  thread_job jobs[2] = {{p[0], payload, 1.0, {0, 0}}, {p[1], payload, 1.0, {0, 0}}};
  pthread_t th[2];
  for (int i = 0; i < 2; i++)
    if (pthread_create(&th[i], NULL, thread_main, &jobs[i]) != 0) abort();
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  double both = jobs[0].r.mbps + jobs[1].r.mbps;
  printf("%8zu %14.1f %14.1f %14.1f %10.2fx\n", payload, solo.r.mbps, jobs[0].r.mbps,
         jobs[1].r.mbps, both / solo.r.mbps);
  for (int i = 0; i < 2; i++) {
    ot_ide_tx_clear(&p[i]->tx);
    ot_ide_rx_clear(&p[i]->rx);
    free(p[i]);
  }
  return both / solo.r.mbps;
}

int main(void) {
  static const size_t sizes[] = {64, 256, 512, 4096};
  static const size_t aggs[] = {1, 4};
  port_pair *p = malloc(sizeof *p);
  if (!p) return 1;
  printf("IDE protect+check vs raw AES-256-GCM seal+open (ot_aead, %s), payload MB/s per core\n",
         ot_crypto_backend_version());
  printf("%8s %5s %12s %12s %8s %14s\n", "bytes", "agg", "ide MB/s", "raw MB/s", "ide/raw",
         "heap delta B");
  long heap_bad = 0;
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    result raw = run_raw(sizes[s]);
    for (size_t a = 0; a < sizeof aggs / sizeof aggs[0]; a++) {
      if (pair_setup(p, (uint8_t)aggs[a], sizes[s]) != 0) abort();
      result ide = run_ide(p, aggs[a], sizes[s], MIN_SECONDS);
      printf("%8zu %5zu %12.1f %12.1f %8.3f %14ld\n", sizes[s], aggs[a], ide.mbps, raw.mbps,
             ide.mbps / raw.mbps, ide.heap_delta);
      heap_bad |= ide.heap_delta;
      ot_ide_tx_clear(&p->tx);
      ot_ide_rx_clear(&p->rx);
    }
  }
  free(p);
#ifndef HAVE_MALLINFO2
  printf("(heap check unavailable: no mallinfo2)\n");
#endif
  printf("\nTwo streams on two threads, aggregation 1 (MB/s)\n");
  printf("%8s %14s %14s %14s %11s\n", "bytes", "one thread", "thread A", "thread B", "scaling");
  scaling(256);
  scaling(4096);
  return heap_bad ? 1 : 0;
}
