/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE TLP protect + check throughput per core against raw AES-256-GCM
 * seal + open of the same payload, measured in the same run.
 *
 *  - ide: ot_ide_tx_protect of a group of memory writes (3 DW header) on one
 *    stream, then ot_ide_rx_receive of each, with MAC aggregation 1 and 4.
 *  - raw: per TLP, one seal and one open of the same payload, each under
 *    its own reused keyed context (a transmitter's and a receiver's, as the
 *    IDE ports have), with the same AAD length as the IDE TLP (prefix +
 *    header, 16 bytes here) and a 96-bit tag, a fresh nonce each time; two
 *    ways: the one-shot ot_aead_seal / ot_aead_open, and the gather one-shot
 *    (ot_aead_seal_gather / ot_aead_open_gather, one AAD and one text piece)
 *    that the IDE engine itself uses. The ratio is taken against the faster
 *    of the two, so the engine is charged for everything but the cipher.
 *    Every contender reads the same plaintext and writes its payload output
 *    (ciphertext, then plaintext, in a buffer distinct from its input) at
 *    the same offset from a cache line (PAYLOAD_ALIGN).
 *
 * Timing (robust to a shared, noisy machine without changing what is
 * measured): each configuration is warmed up and a batch size is chosen so
 * that one batch of ide takes about BATCH_SECONDS; then ROUNDS rounds, each
 * one batch of every contender (the same number of units, so the same
 * payload bytes) back to back, in an order that rotates from round to round
 * (ide raw rawg, raw rawg ide, rawg ide raw) so no contender always runs
 * first or after a given other. Each batch is timed by the wall clock
 * (CLOCK_MONOTONIC). A round during which this thread was switched out
 * (getrusage(RUSAGE_THREAD): voluntary or involuntary context switches) is
 * discarded and run again, up to ROUND_TRIES_MAX times ROUNDS rounds in all:
 * time the thread did not run, and the caches another process left behind,
 * then count in no kept ratio. Within a kept round the three batches ran
 * within a few tenths of a millisecond, so a drift of the machine
 * (frequency, the other core's load) hits all three alike; batches this
 * short are also seldom hit by a timer interrupt. The rows take their
 * rounds in turns (ROUNDS_PER_TURN at a time), so every row's rounds spread
 * over the whole run. Each round gives a paired ratio
 * ide/raw and ide/rawg (throughput, i.e. the baseline's batch time over
 * ide's). The table shows each contender's median MB/s, the median of each
 * paired ratio, and the quartiles (p25..p75) and the number of kept rounds
 * of the figure that counts: ide/raw against the faster raw form, the lower
 * of the two medians (a median per form, not the faster form of each round:
 * the larger of two noisy samples is biased upward, which charged ide with
 * the noise). `bench_ide --rounds N` keeps N rounds per row instead.
 *
 * Allocations: with glibc, this file replaces malloc, calloc, realloc and
 * free for the whole process (OpenSSL included: it allocates through them by
 * default) with counting wrappers around glibc's own allocator, and counts
 * the calls made while a timed loop runs. The data path must make none; the
 * exit status is 1 if it did.
 *
 * Then two streams on two threads (each its own transmitter and receiver):
 * the scaling factor is their total wall-clock throughput over one thread's
 * (median of a few repetitions), which needs two idle cores; and, robust to
 * other load, how much of its solo rate per CPU-second each thread keeps
 * while both run (1.00: the streams do not slow each other down).
 *
 * Profiling: `bench_ide --profile ide|raw|rawg SIZE AGG GROUPS` runs GROUPS
 * untimed groups (raw, rawg: GROUPS * AGG seal+open pairs) and exits. Under
 * `valgrind --tool=callgrind`, the difference between runs with GROUPS and
 * 2 * GROUPS is the exact instruction cost of GROUPS groups.
 *
 * A benchmark, not a test: no threshold, it reports numbers.
 */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "opentsm/crypto.h"
#include "opentsm/ide.h"

/* ---- allocation counting ------------------------------------------------- */

/*
 * Nonzero while this thread runs a timed loop. Per thread: the data path's
 * allocations are those of the thread running it, not what another thread
 * does meanwhile (starting the second thread of the two-stream run
 * allocates its thread-local storage while the first one is timed).
 */
static _Thread_local int counting;
static atomic_ullong allocs_counted; /* malloc/calloc/realloc calls while counting */

#if defined(__GLIBC__)
#define HAVE_ALLOC_COUNT 1
/* glibc's allocator under its own names (the documented way to wrap it). */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static void note_alloc(void) {
  if (counting) atomic_fetch_add_explicit(&allocs_counted, 1, memory_order_relaxed);
}

void *malloc(size_t n) {
  note_alloc();
  return __libc_malloc(n);
}

void *calloc(size_t n, size_t size) {
  note_alloc();
  return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n) {
  note_alloc();
  return __libc_realloc(p, n);
}

void free(void *p) { __libc_free(p); }
#else
#define HAVE_ALLOC_COUNT 0
#endif

static void count_start(void) { counting = 1; }
static void count_stop(void) { counting = 0; }

/* ---- setup ------------------------------------------------------------------ */

#define SID 1
#define AGG_MAX 4
#define WARM_SECONDS 0.05
/* Per-core table: rounds kept, the retry budget, and the time of one ide batch. */
#define ROUNDS 1001
#define ROUNDS_CAP 2001 /* --rounds N: at most this */
#define ROUNDS_PER_TURN 50
#define ROUND_TRIES_MAX 8
#ifndef BATCH_SECONDS
#define BATCH_SECONDS 0.0001
#endif
/* The two-thread run measures wall-clock time over a whole run. */
#define WIRE_CAP                                                                                   \
  (AGG_MAX * (OT_IDE_PREFIX_SIZE + OT_TLP_HDR_4DW + OT_TLP_MAX_PAYLOAD + OT_IDE_MAC_SIZE))
#define OUT_CAP (AGG_MAX * (OT_TLP_HDR_4DW + OT_TLP_MAX_PAYLOAD))

/* Wall-clock seconds (for the two-thread run) or this thread's CPU seconds (per core). */
static double clock_seconds(clockid_t which) {
  struct timespec ts;
  clock_gettime(which, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One port pair and the raw contenders' state: all the data path touches, set up front. */
typedef struct port_pair {
  ot_ide_tx tx;
  ot_ide_rx rx;
  uint8_t pending[OT_IDE_RX_PENDING_SIZE(OT_TLP_MAX_PAYLOAD)];
  uint8_t tlp[OT_TLP_MAX_WIRE];
  size_t tlp_len;
  ot_tlp_view view; /* of tlp, as the transaction layer formed it (ot_tlp_view_encode) */
  size_t payload;
  size_t agg;
  /*
   * Output buffers: every contender writes its first (or only) payload at the
   * same offset from a cache line, PAYLOAD_ALIGN, so neither is charged or
   * spared split stores the other is not. The IDE wire and delivery buffers
   * are placed so the payload after the prefix + header (wire) or the header
   * (out) lands there; the raw ciphertext and plaintext start there.
   */
  _Alignas(64) uint8_t wire_buf[WIRE_CAP + 64];
  _Alignas(64) uint8_t out_buf[OUT_CAP + 64];
  uint8_t *wire, *out;
  size_t wire_cap, out_cap;
  /* raw: one keyed context per direction, as the IDE transmitter and receiver have */
  ot_aead_key key, key_rx;
  uint8_t nonce[OT_AEAD_NONCE_SIZE];
  uint8_t aad[OT_IDE_PREFIX_SIZE + OT_TLP_HDR_4DW];
  size_t aad_len; /* = the IDE AAD of one TLP: prefix + header */
  _Alignas(64) uint8_t ct_buf[OT_TLP_MAX_PAYLOAD + 64];
  _Alignas(64) uint8_t back_buf[OT_TLP_MAX_PAYLOAD + 64];
  uint8_t *ct, *back;
  uint8_t tag[OT_AEAD_TAG_SIZE];
} port_pair;

/* Offset of each contender's first output payload byte from a 64-byte boundary. */
#ifndef PAYLOAD_ALIGN
#define PAYLOAD_ALIGN 0
#endif

/* The pointer in buf (64-aligned, 64 bytes spare) whose byte `lead` falls at PAYLOAD_ALIGN. */
static uint8_t *place(uint8_t *buf, size_t lead) {
  return buf + (64 + PAYLOAD_ALIGN - lead % 64) % 64;
}

static int pair_setup(port_pair *p, uint8_t agg, size_t payload) {
  ot_ide_stream_cfg cfg = {
      .stream_id = SID, .kind = OT_IDE_STREAM_SELECTIVE, .aggregation = {agg, agg, agg}};
  ot_ide_tx_init(&p->tx);
  ot_ide_rx_init(&p->rx);
  if (!ot_ok(ot_ide_tx_stream_add(&p->tx, &cfg)) ||
      !ot_ok(ot_ide_rx_stream_add(&p->rx, &cfg, p->pending, sizeof p->pending)))
    return -1;
  uint8_t key[OT_IDE_KEY_SIZE];
  for (int sub = 0; sub < 3; sub++) {
    ot_ide_key_material km = {.iv_fixed = OT_IDE_IV_FIXED_PCIE, .ifv = 1};
    for (size_t i = 0; i < sizeof km.key; i++)
      km.key[i] = (uint8_t)(i * 7 + sub);
    memcpy(key, km.key, sizeof key);
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
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (uint8_t)i;
  ot_tlp t = {.hdr = {.kind = OT_TLP_MWR,
                      .length = (uint16_t)(payload / 4),
                      .requester_id = 0x100,
                      .first_be = 0xF,
                      .last_be = payload > 4 ? 0xF : 0,
                      .address = 0x10000000},
              .payload = data,
              .payload_len = payload};
  if (!ot_ok(ot_tlp_view_encode(&t, p->tlp, sizeof p->tlp, &p->view))) return -1;
  p->tlp_len = p->view.d.wire_len;
  p->payload = payload;
  p->agg = agg;
  size_t hdr = p->tlp_len - payload;
  p->wire = place(p->wire_buf, OT_IDE_PREFIX_SIZE + hdr);
  p->wire_cap = WIRE_CAP;
  p->out = place(p->out_buf, hdr);
  p->out_cap = OUT_CAP;
  p->ct = place(p->ct_buf, 0);
  p->back = place(p->back_buf, 0);
  /* Raw: the same key bytes, the TLP's own prefix + header as AAD, a counter nonce. */
  if (!ot_ok(ot_aead_key_init(&p->key, OT_AEAD_AES256_GCM, key, sizeof key, OT_IDE_MAC_SIZE)) ||
      !ot_ok(ot_aead_key_init(&p->key_rx, OT_AEAD_AES256_GCM, key, sizeof key, OT_IDE_MAC_SIZE)))
    return -1;
  p->aad_len = OT_IDE_PREFIX_SIZE + (p->tlp_len - payload);
  p->aad[0] = OT_IDE_PREFIX_BYTE0;
  p->aad[2] = SID;
  memcpy(p->aad + OT_IDE_PREFIX_SIZE, p->tlp, p->aad_len - OT_IDE_PREFIX_SIZE);
  memset(p->nonce, 0, sizeof p->nonce);
  return 0;
}

static void pair_clear(port_pair *p) {
  ot_ide_tx_clear(&p->tx);
  ot_ide_rx_clear(&p->rx);
  ot_aead_key_clear(&p->key);
  ot_aead_key_clear(&p->key_rx);
}

/* ---- the contenders: one unit of work each (agg TLPs' payloads) -------------------- */

static void bump_nonce(uint8_t nonce[static OT_AEAD_NONCE_SIZE]) {
  for (int i = OT_AEAD_NONCE_SIZE - 1; i >= 4 && ++nonce[i] == 0; i--)
    continue;
}

/* One group of agg TLPs: protect, then receive each. */
static int ide_once(port_pair *p) {
  ot_ide_tx_tlp in[AGG_MAX];
  for (size_t i = 0; i < p->agg; i++)
    in[i] = (ot_ide_tx_tlp){&p->view, false};
  size_t lens[AGG_MAX], total, at = 0;
  if (!ot_ok(ot_ide_tx_protect(&p->tx, SID, in, p->agg, p->wire, p->wire_cap, lens, &total)))
    return 0;
  ot_ide_rx_result res;
  for (size_t i = 0; i < p->agg; i++) {
    if (!ot_ok(ot_ide_rx_receive(&p->rx, p->wire + at, lens[i], p->out, p->out_cap, &res)))
      return 0;
    at += lens[i];
  }
  return res.count == p->agg;
}

/* agg seal+open pairs through the one-shot calls. */
static int raw_once(port_pair *p) {
  const uint8_t *pt = p->tlp + (p->tlp_len - p->payload);
  for (size_t i = 0; i < p->agg; i++) {
    bump_nonce(p->nonce);
    if (!ot_ok(ot_aead_seal(&p->key, p->nonce, p->aad, p->aad_len, pt, p->payload, p->ct, p->tag,
                            sizeof p->tag)) ||
        !ot_ok(ot_aead_open(&p->key_rx, p->nonce, p->aad, p->aad_len, p->ct, p->payload, p->tag,
                            OT_IDE_MAC_SIZE, p->back)))
      return 0;
  }
  return 1;
}

/* agg seal+open pairs through the gather calls (one piece each). */
static int raw_gather_once(port_pair *p) {
  const uint8_t *pt = p->tlp + (p->tlp_len - p->payload);
  ot_aead_aad_part a = {p->aad, p->aad_len};
  ot_aead_text_part s = {pt, p->ct, p->payload}, o = {p->ct, p->back, p->payload};
  for (size_t i = 0; i < p->agg; i++) {
    bump_nonce(p->nonce);
    if (!ot_ok(ot_aead_seal_gather(&p->key, p->nonce, &a, 1, &s, 1, p->tag, sizeof p->tag)) ||
        !ot_ok(ot_aead_open_gather(&p->key_rx, p->nonce, &a, 1, &o, 1, p->tag, OT_IDE_MAC_SIZE)))
      return 0;
  }
  return 1;
}

typedef int (*unit_fn)(port_pair *p);

/*
 * Runs fn for at least `seconds` of `which` clock; payload MB/s. Counts
 * allocations if asked. With cpu_mbps, also the MB/s per second of this
 * thread's CPU time.
 */
static double run_for(port_pair *p, unit_fn fn, double seconds, int count, clockid_t which,
                      double *cpu_mbps) {
  unsigned long long units = 0;
  if (count) count_start();
  double c0 = cpu_mbps ? clock_seconds(CLOCK_THREAD_CPUTIME_ID) : 0;
  double t0 = clock_seconds(which), t;
  do {
    for (int i = 0; i < 32; i++)
      if (!fn(p)) abort();
    units += 32;
    t = clock_seconds(which) - t0;
  } while (t < seconds);
  if (count) count_stop();
  double mb = (double)units * (double)p->agg * (double)p->payload / 1e6;
  if (cpu_mbps) *cpu_mbps = mb / (clock_seconds(CLOCK_THREAD_CPUTIME_ID) - c0);
  return mb / t;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Context switches of this thread so far, voluntary and involuntary (-1: not known). */
static long thread_switches(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_THREAD, &ru) != 0) return -1;
  return ru.ru_nvcsw + ru.ru_nivcsw;
}

/* Wall-clock seconds of `units` units of fn; aborts on a failed unit. */
static double batch(port_pair *p, unit_fn fn, unsigned long units) {
  double t0 = clock_seconds(CLOCK_MONOTONIC);
  for (unsigned long i = 0; i < units; i++)
    if (!fn(p)) abort();
  return clock_seconds(CLOCK_MONOTONIC) - t0;
}

/* The q-quantile (0..1) of v[0..n), n >= 1, by the nearest rank; sorts v. */
static double quantile(double *v, size_t n, double q) {
  qsort(v, n, sizeof *v, cmp_double);
  size_t i = (size_t)(q * (double)(n - 1) + 0.5);
  return v[i < n ? i : n - 1];
}

enum { C_IDE, C_RAW, C_RAWG, C_COUNT };

/* One row of the per-core table: its port pair, batch size and the samples of its kept rounds. */
typedef struct table_row {
  port_pair *p;
  unsigned long units; /* per batch, the same for every contender */
  size_t kept, tried;
  double mbps[C_COUNT][ROUNDS_CAP];
  double ratio[2][ROUNDS_CAP]; /* ide/raw, ide/rawg */
} table_row;

/* Sets up a row and sizes its batches: about BATCH_SECONDS of ide at the warm-up's rate. */
static void row_setup(table_row *t, size_t payload, uint8_t agg) {
  static const unit_fn fns[C_COUNT] = {ide_once, raw_once, raw_gather_once};
  t->p = aligned_alloc(64, sizeof *t->p);
  if (!t->p || pair_setup(t->p, agg, payload) != 0) abort();
  double ide_mbps = 0;
  for (int f = 0; f < C_COUNT; f++) {
    double mbps = run_for(t->p, fns[f], WARM_SECONDS, 0, CLOCK_MONOTONIC, NULL);
    if (f == C_IDE) ide_mbps = mbps;
  }
  double unit_mb = (double)agg * (double)payload / 1e6;
  t->units = (unsigned long)(ide_mbps * BATCH_SECONDS / unit_mb);
  if (t->units < 1) t->units = 1;
  t->kept = t->tried = 0;
}

/* One round of a row: a batch of each contender, in the rotating order; kept unless switched out. */
static void row_round(table_row *t) {
  static const unit_fn fns[C_COUNT] = {ide_once, raw_once, raw_gather_once};
  double s[C_COUNT];
  long sw0 = thread_switches();
  for (int k = 0; k < C_COUNT; k++) {
    int f = (int)((t->tried + (size_t)k) % C_COUNT);
    if (f == C_IDE) count_start(); /* the data path's allocations: ide's batches */
    s[f] = batch(t->p, fns[f], t->units);
    count_stop();
  }
  long sw1 = thread_switches();
  t->tried++;
  if (sw0 < 0 || sw1 != sw0) return; /* switched out during the round: not kept */
  double mb = (double)t->units * (double)t->p->agg * (double)t->p->payload / 1e6;
  for (int f = 0; f < C_COUNT; f++)
    t->mbps[f][t->kept] = mb / s[f];
  t->ratio[0][t->kept] = s[C_RAW] / s[C_IDE];
  t->ratio[1][t->kept] = s[C_RAWG] / s[C_IDE];
  t->kept++;
}

static void row_print(table_row *t) {
  port_pair *p = t->p;
  if (t->kept == 0) {
    printf("%6zu %4zu  no round ran without a context switch in %zu tries\n", p->payload, p->agg,
           t->tried);
    return;
  }
  double m[C_COUNT], r[2];
  for (int f = 0; f < C_COUNT; f++)
    m[f] = median(t->mbps[f], t->kept);
  for (int i = 0; i < 2; i++)
    r[i] = median(t->ratio[i], t->kept);
  /* The figure: against the faster raw form, i.e. the lower median ratio. */
  double *lower = r[0] <= r[1] ? t->ratio[0] : t->ratio[1];
  double q1 = quantile(lower, t->kept, 0.25), q3 = quantile(lower, t->kept, 0.75);
  printf("%6zu %4zu %9.1f %9.1f %9.1f %8.3f %8.3f %6.3f..%5.3f %4zu/%zu\n", p->payload, p->agg,
         m[C_IDE], m[C_RAW], m[C_RAWG], r[0], r[1], q1, q3, t->kept, t->tried);
}

/*
 * The per-core table (the method: the comment at the top). The rows take
 * their rounds in turns of ROUNDS_PER_TURN, so each row's rounds spread over
 * the whole run and every row sees the machine's changes alike; within a
 * turn the row's state stays warm (the first round after a switch of rows is
 * the only one that refills the caches, and the medians pass over it).
 */
static void table(const size_t *sizes, size_t n_sizes, const uint8_t *aggs, size_t n_aggs,
                  size_t rounds) {
  enum { ROWS_MAX = 16 };
  static table_row rows[ROWS_MAX];
  size_t n = 0;
  for (size_t s = 0; s < n_sizes; s++)
    for (size_t a = 0; a < n_aggs && n < ROWS_MAX; a++)
      row_setup(&rows[n++], sizes[s], aggs[a]);
  for (bool more = true; more;) {
    more = false;
    for (size_t i = 0; i < n; i++) {
      table_row *t = &rows[i];
      for (size_t k = 0; k < ROUNDS_PER_TURN; k++) {
        if (t->kept >= rounds || t->tried >= rounds * ROUND_TRIES_MAX) break;
        row_round(t);
        more = true;
      }
    }
  }
  for (size_t i = 0; i < n; i++) {
    row_print(&rows[i]);
    pair_clear(rows[i].p);
    free(rows[i].p);
  }
}

/* ---- two streams on two threads ------------------------------------------------------ */

typedef struct thread_job {
  port_pair *pair;
  double seconds;
  double mbps;     /* per wall-clock second */
  double cpu_mbps; /* per second of the thread's CPU time */
} thread_job;

static void *thread_main(void *arg) {
  thread_job *j = arg;
  j->mbps = run_for(j->pair, ide_once, j->seconds, 1, CLOCK_MONOTONIC, &j->cpu_mbps);
  return NULL;
}

static void scaling(size_t payload) {
  port_pair *p[2] = {aligned_alloc(64, sizeof(port_pair)), aligned_alloc(64, sizeof(port_pair))};
  if (!p[0] || !p[1]) abort();
  for (int i = 0; i < 2; i++)
    if (pair_setup(p[i], 1, payload) != 0) abort();
  run_for(p[0], ide_once, WARM_SECONDS, 0, CLOCK_MONOTONIC, NULL);
  enum { SCALE_REPS = 3 };
  double solo[SCALE_REPS], both[SCALE_REPS], f[SCALE_REPS], kept[SCALE_REPS];
  for (int r = 0; r < SCALE_REPS; r++) {
    thread_job one = {p[0], 0.3, 0, 0};
    thread_main(&one);
    thread_job jobs[2] = {{p[0], 0.3, 0, 0}, {p[1], 0.3, 0, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
      if (pthread_create(&th[i], NULL, thread_main, &jobs[i]) != 0) abort();
    for (int i = 0; i < 2; i++)
      pthread_join(th[i], NULL);
    solo[r] = one.mbps;
    both[r] = jobs[0].mbps + jobs[1].mbps;
    f[r] = both[r] / solo[r];
    kept[r] = (jobs[0].cpu_mbps + jobs[1].cpu_mbps) / (2 * one.cpu_mbps);
  }
  printf("%6zu %12.1f %12.1f %9.2fx %9.2f\n", payload, median(solo, SCALE_REPS),
         median(both, SCALE_REPS), median(f, SCALE_REPS), median(kept, SCALE_REPS));
  for (int i = 0; i < 2; i++) {
    pair_clear(p[i]);
    free(p[i]);
  }
}

/* ---- entry -------------------------------------------------------------------------- */

static int profile(int argc, char **argv) {
  if (argc != 6) return 2;
  unit_fn fn = strcmp(argv[2], "ide") == 0    ? ide_once
               : strcmp(argv[2], "raw") == 0  ? raw_once
               : strcmp(argv[2], "rawg") == 0 ? raw_gather_once
                                              : 0;
  size_t payload = strtoul(argv[3], NULL, 10), agg = strtoul(argv[4], NULL, 10);
  unsigned long groups = strtoul(argv[5], NULL, 10);
  if (!fn || payload < 4 || payload > OT_TLP_MAX_PAYLOAD || payload % 4 || agg < 1 || agg > AGG_MAX)
    return 2;
  port_pair *p = aligned_alloc(64, sizeof *p);
  if (!p || pair_setup(p, (uint8_t)agg, payload) != 0) return 1;
  for (unsigned long i = 0; i < groups; i++)
    if (!fn(p)) return 1;
  pair_clear(p);
  free(p);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--profile") == 0) {
    int rc = profile(argc, argv);
    if (rc == 2) fprintf(stderr, "usage: bench_ide --profile ide|raw|rawg SIZE AGG GROUPS\n");
    return rc;
  }
  size_t rounds = ROUNDS;
  if (argc == 3 && strcmp(argv[1], "--rounds") == 0) {
    char *end;
    unsigned long n = strtoul(argv[2], &end, 10);
    if (*end != '\0' || n < 1 || n > ROUNDS_CAP) argc = 0;
    rounds = n;
  }
  if (argc != 1 && argc != 3) {
    fprintf(stderr,
            "usage: bench_ide [--rounds N]   (N kept rounds per row, 1..%d, default %d)\n"
            "       bench_ide --profile ide|raw|rawg SIZE AGG GROUPS\n",
            ROUNDS_CAP, ROUNDS);
    return 2;
  }
  static const size_t sizes[] = {64, 256, 512, 4096};
  static const uint8_t aggs[] = {1, 4};
  printf("IDE protect+check vs raw AES-256-GCM seal+open (%s), payload MB/s per core\n",
         ot_crypto_backend_version());
  printf("wall clock, %zu rounds kept per row, each one batch of every contender in a rotating\n"
         "order, rounds with a context switch run again; raw = ot_aead_seal/open, rawg = the\n"
         "gather calls; medians of MB/s and of the paired ratios; p25..p75 of the lower ratio\n",
         rounds);
  printf("%6s %4s %9s %9s %9s %8s %8s %12s %s\n", "bytes", "agg", "ide", "raw", "rawg", "ide/raw",
         "ide/rawg", "p25..p75", "kept/run");
  table(sizes, sizeof sizes / sizeof sizes[0], aggs, sizeof aggs / sizeof aggs[0], rounds);
  printf("\nTwo streams on two threads, aggregation 1 (MB/s, median of 3)\n");
  printf("(cpu: each thread's MB/s per CPU-second while both run, over one thread's alone;\n"
         " 1.00 = no contention between streams; scaling needs two idle cores)\n");
  printf("%6s %12s %12s %10s %9s\n", "bytes", "one thread", "two threads", "scaling", "cpu");
  scaling(256);
  scaling(4096);
  unsigned long long n = atomic_load(&allocs_counted);
  if (HAVE_ALLOC_COUNT)
    printf("\nallocations during the timed IDE loops: %llu\n", n);
  else
    printf("\nallocations: not counted (needs glibc)\n");
  return n ? 1 : 0;
}
