/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TSM scale: connect N simulated devices (default N = 1, 64, 1024) and
 * report what each connect costs against the crypto it cannot avoid.
 *
 * Each device is a config space with a DOE mailbox and an IDE capability, a
 * DSM of its own (SPDM responder, TDISP, IDE_KM, IDE engines, its own DRBG)
 * and a host DOE driver; each has its own root port (IDE capability over its
 * own engines, the software backend). All devices present the same
 * generated identity (one hierarchy per curve, borrowed by every DSM), so
 * setup does not dominate. ot_tsm_connect runs the full flow: DOE
 * discovery, SPDM VCA, GET_DIGESTS/GET_CERTIFICATE with chain validation,
 * CHALLENGE, signed GET_MEASUREMENTS against the policy's reference,
 * KEY_EXCHANGE/FINISH, IDE_KM QUERY/KEY_PROG/K_SET_GO and both stream ends
 * Secure.
 *
 * Limits of the TSM this works around, on purpose and visibly:
 *  - IDE Stream IDs are unique per host bridge and an ot_tsm holds one pool
 *    of 255 (SPEC-FACTS §7.4), so devices are spread over host bridges of at
 *    most --per-bridge devices, one ot_tsm each, sharing one policy;
 *  - a policy lists at most OT_TSM_POLICY_MAX_DEVICES names, so every
 *    device carries the one policy name "scale-ep" (same model, same
 *    firmware, same reference measurement).
 *
 * Measured, all in this process:
 *  - wall time of connecting all N; mean, median, min and max per-device
 *    connect in thread CPU time (refused connects left out);
 *  - the crypto floor of one connect: the crypto operations one connect
 *    performs (counted from the flow, table `floor_ops`), each timed by
 *    calling the crypto layer directly (thread CPU time, median of 7),
 *    summed with its count; measured before and after each run, the table
 *    uses their mean;
 *  - the ratios per-device median / floor and mean / floor;
 *  - peak RSS (getrusage ru_maxrss, the whole process: devices included);
 *  - TSM memory per connected device: sizeof(ot_tsm_dev) plus the heap the
 *    TSM side still holds after connect, per device. Heap is attributed by
 *    side: with glibc this file wraps malloc/calloc/realloc/free and tracks
 *    every live block; a block allocated while one of a DSM's DOE protocol
 *    handlers runs (each device's protocols are wrapped) is the device's,
 *    one allocated inside a backend op (the backend is wrapped) the root
 *    port model's, every other one the TSM's (the host DOE driver allocates
 *    nothing). Live secret marks are attributed the same way. Shared
 *    per-bridge state (sizeof(ot_tsm)) is reported apart.
 * Each TSM keeps KNOWN_CAP validated chains (tsm.h "Known devices"). As
 * every device presents the same chain, the cache is emptied before each
 * connect of the first pass, which is then a first contact for every
 * device. After all are disconnected, a second pass connects every device
 * again with its chain known (no GET_CERTIFICATE, no path validation),
 * timed the same way against the floor without the X.509 chain verify, and
 * disconnects them. Then ot_secret_mark_count() must be back at its
 * baseline.
 *
 * Exit status 1 if any connect or disconnect fails or secrets stay marked;
 * never a timing threshold (ratios only).
 *
 *   bench_tsm_scale [--devices 1,64,1024] [--curve p256|p384] [--per-bridge 255]
 *                   [--no-floor]   (profiling: connects only, ratios 0)
 *                   [--no-heap]    (no heap attribution: its cost stays out of the times)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "opentsm/crypto.h"
#include "opentsm/doe_driver.h"
#include "opentsm/doe_mailbox.h"
#include "opentsm/secure.h"
#include "opentsm/sim_dsm.h"
#include "opentsm/sim_rig.h"
#include "opentsm/tsm.h"
#include "opentsm/x509.h"

/* ---- heap attribution ------------------------------------------------------- */

/* Who a heap block belongs to: the TSM, a device (its DSM answering a DOE
 * object) or a root port model (the backend programming its engines). */
enum { SIDE_TSM = 0, SIDE_DEV = 1, SIDE_RP = 2, SIDES = 3 };
/* --no-floor (profiling the connects alone): the floor is not measured, ratios are 0. */
static int skip_floor;
/* --no-heap: connects timed without heap tracking (which costs a few percent). */
static int skip_heap;
static int tracking;       /* nonzero: record blocks */
static int side_now;       /* whose code runs now */
static size_t live[SIDES]; /* bytes in tracked live blocks, per side */
static size_t peak_tsm;    /* highest live[SIDE_TSM] seen */

#if defined(__GLIBC__)
#define HAVE_HEAP_TRACK 1
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

/* Open addressing over live blocks; a full table stops tracking (reported). */
#define TRACK_SLOTS (1u << 20)
typedef struct block {
  uintptr_t p; /* 0: empty */
  uint32_t size;
  uint8_t side;
} block;
static block *table;
static int table_full;

static size_t slot_of(uintptr_t p) {
  uint64_t h = (uint64_t)p * UINT64_C(0x9E3779B97F4A7C15);
  return (size_t)(h >> 42) & (TRACK_SLOTS - 1u);
}

/* Linear probing without tombstones (deletion shifts the chain back), so
 * lookups stay short however many blocks come and go. */
static void track_add(void *ptr, size_t n) {
  if (!tracking || ptr == NULL || table == NULL) return;
  uintptr_t p = (uintptr_t)ptr;
  for (size_t i = slot_of(p), k = 0; k < TRACK_SLOTS; i = (i + 1) & (TRACK_SLOTS - 1u), k++) {
    if (table[i].p != 0) continue;
    table[i] = (block){.p = p, .size = (uint32_t)n, .side = (uint8_t)side_now};
    live[side_now] += n;
    if (live[SIDE_TSM] > peak_tsm) peak_tsm = live[SIDE_TSM];
    return;
  }
  table_full = 1;
}

static void track_del(void *ptr) {
  /* Not tracking: the table is empty (track_end clears it), and probing its
   * untouched pages would fault them in one by one inside timed connects. */
  if (!tracking || ptr == NULL || table == NULL) return;
  const size_t mask = TRACK_SLOTS - 1u;
  uintptr_t p = (uintptr_t)ptr;
  size_t i = slot_of(p);
  for (;; i = (i + 1) & mask) {
    if (table[i].p == 0) return; /* not tracked */
    if (table[i].p == p) break;
  }
  live[table[i].side] -= table[i].size;
  table[i].p = 0;
  /* Knuth 6.4 Algorithm R: move back every later entry whose home slot is
   * not cyclically in (i, j]. */
  for (size_t j = (i + 1) & mask; table[j].p != 0; j = (j + 1) & mask) {
    size_t h = slot_of(table[j].p);
    bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
    if (stays) continue;
    table[i] = table[j];
    table[j].p = 0;
    i = j;
  }
}

void *malloc(size_t n) {
  void *p = __libc_malloc(n);
  track_add(p, n);
  return p;
}

void *calloc(size_t n, size_t size) {
  void *p = __libc_calloc(n, size);
  track_add(p, n * size);
  return p;
}

void *realloc(void *old, size_t n) {
  track_del(old);
  void *p = __libc_realloc(old, n);
  track_add(p, n);
  return p;
}

void free(void *p) {
  track_del(p);
  __libc_free(p);
}

static void track_begin(void) {
  if (table == NULL) {
    /* Written through once here, so its 16 MiB are resident before any timed
     * connect: blocks hash to random slots, and a table left to fault in page
     * by page charged the connects with the page faults of this bench's own
     * bookkeeping (measured: P-256 64 devices 2.2x floor with it, 1.1-1.3x
     * without, on a machine where faults were slow). */
    table = __libc_malloc((size_t)TRACK_SLOTS * sizeof(block));
    if (table) memset(table, 0, (size_t)TRACK_SLOTS * sizeof(block));
  }
  memset(live, 0, sizeof(live));
  peak_tsm = 0;
  tracking = table != NULL && !skip_heap;
}
static void track_end(void) {
  tracking = 0;
  if (table) memset(table, 0, TRACK_SLOTS * sizeof(block));
}
#else
#define HAVE_HEAP_TRACK 0
static void track_begin(void) {}
static void track_end(void) {}
static int table_full;
#endif

/* ---- timing ----------------------------------------------------------------- */

static double clock_s(clockid_t which) {
  struct timespec ts;
  clock_gettime(which, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall time, for the total only. */
static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }
/* This thread's CPU time: connects and the floor are timed with it, so that
 * other load on a shared machine takes time from them without being counted
 * (everything runs on this one thread: the devices answer inside the
 * TSM's calls). */
static double cpu_s(void) { return clock_s(CLOCK_THREAD_CPUTIME_ID); }

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, size_t n) {
  qsort(v, n, sizeof(*v), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

#define CHECK(expr)                                                                                \
  do {                                                                                             \
    ot_status st_ = (expr);                                                                        \
    if (!ot_ok(st_)) {                                                                             \
      fprintf(stderr, "bench_tsm_scale: %s: %s\n", #expr, ot_status_message(st_));                 \
      exit(2);                                                                                     \
    }                                                                                              \
  } while (0)

/* ---- the platform ------------------------------------------------------------ */

#define NOW ((time_t)1700000000)
#define DAY ((time_t)86400)
#define MB_BYTES (16u * 1024u) /* largest DOE object either way (certificate chunks fit) */
#define POLICY_NAME "scale-ep"
#define FID 0x00000100u
#define RP_BLOCK 1u

/* The identity every device presents (one per curve). */
typedef struct model {
  ot_curve curve;
  ot_hash_alg hash;
  ot_spdm_hierarchy h;
  ot_spdm_identity id;
  ot_spdm_alg_prefs algs;
} model;

/* ---- side attribution wrappers ------------------------------------------------ */

/* Live secret marks (opentsm/secure.h) gained by each side, counted at every
 * switch of side while tracking. */
static long marks_by[SIDES];
static size_t marks_last;

static void side_switch(int side) {
  if (tracking) {
    size_t m = ot_secret_mark_count();
    marks_by[side_now] += (long)m - (long)marks_last;
    marks_last = m;
  }
  side_now = side;
}

static int side_enter(int side) {
  int was = side_now;
  side_switch(side);
  return was;
}

/* One of a DSM's DOE protocols, run as the device. */
typedef struct side_proto {
  ot_doe_protocol base; /* must be first */
  ot_doe_protocol *inner;
} side_proto;

static ot_status side_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                             size_t rsp_cap, size_t *rsp_len) {
  side_proto *w = (side_proto *)p;
  int was = side_enter(SIDE_DEV);
  ot_status st = w->inner->handle(w->inner, req, req_len, rsp, rsp_cap, rsp_len);
  side_switch(was);
  return st;
}

/* The software backend, run as the root port model. */
typedef struct side_backend {
  ot_tsm_backend base; /* must be first */
  ot_tsm_backend *inner;
} side_backend;

#define INNER(b) (((side_backend *)(b))->inner)
#define SIDE_CALL(b, op, ...)                                                                      \
  int was = side_enter(SIDE_RP);                                                                   \
  ot_status st = INNER(b)->op(INNER(b), __VA_ARGS__);                                              \
  side_switch(was);                                                                                \
  return st
#define SIDE_VOID(b, op, ...)                                                                      \
  int was = side_enter(SIDE_RP);                                                                   \
  INNER(b)->op(INNER(b), __VA_ARGS__);                                                             \
  side_switch(was)

static ot_status sb_probe(ot_tsm_backend *b, ot_tsm_link *l) { SIDE_CALL(b, probe, l); }
static void sb_remove(ot_tsm_backend *b, ot_tsm_link *l) { SIDE_VOID(b, remove, l); }
static ot_status sb_connect(ot_tsm_backend *b, ot_tsm_link *l) { SIDE_CALL(b, connect, l); }
static void sb_disconnect(ot_tsm_backend *b, ot_tsm_link *l) { SIDE_VOID(b, disconnect, l); }
static ot_status sb_setup(ot_tsm_backend *b, ot_tsm_link *l, const ot_tsm_stream *s) {
  SIDE_CALL(b, stream_setup, l, s);
}
static ot_status sb_keys(ot_tsm_backend *b, ot_tsm_link *l, const ot_tsm_stream *s,
                         const ot_tsm_port_keys *k) {
  SIDE_CALL(b, stream_keys, l, s, k);
}
static void sb_keys_stop(ot_tsm_backend *b, ot_tsm_link *l, const ot_tsm_stream *s, uint8_t ks) {
  SIDE_VOID(b, stream_keys_stop, l, s, ks);
}
static ot_status sb_enable(ot_tsm_backend *b, ot_tsm_link *l, const ot_tsm_stream *s) {
  SIDE_CALL(b, stream_enable, l, s);
}
static void sb_disable(ot_tsm_backend *b, ot_tsm_link *l, const ot_tsm_stream *s) {
  SIDE_VOID(b, stream_disable, l, s);
}
static void sb_teardown(ot_tsm_backend *b, ot_tsm_link *l, const ot_tsm_stream *s) {
  SIDE_VOID(b, stream_teardown, l, s);
}

static void side_backend_init(side_backend *w, ot_tsm_backend *inner) {
  *w = (side_backend){.base = {.probe = sb_probe,
                               .remove = sb_remove,
                               .connect = sb_connect,
                               .disconnect = sb_disconnect,
                               .stream_setup = sb_setup,
                               .stream_keys = sb_keys,
                               .stream_keys_stop = sb_keys_stop,
                               .stream_enable = sb_enable,
                               .stream_disable = sb_disable,
                               .stream_teardown = sb_teardown},
                      .inner = inner};
}

typedef struct dev {
  ot_drbg drbg;
  ot_sim_rig_ep ep;      /* config space, DSM, mailbox, the host's driver */
  ot_doe_responder resp; /* the DSM's protocols, each wrapped by a side_proto */
  side_proto protos[OT_DOE_MAX_PROTOCOLS];
  uint8_t bufs[2][MB_BYTES];
  ot_sim_rig_rp rp; /* its root port */
  ot_tsm_soft_link link;
  /* TSM side */
  ot_tsm_dev tdev;
} dev;

/* Known chains each TSM keeps (tsm.h "Known devices"). */
#define KNOWN_CAP 16u

typedef struct platform {
  ot_sim_clock clock; /* must be first: the hook steps the active mailbox */
  dev *active;        /* the device whose mailbox answers now */
  size_t n, bridges, per_bridge;
  dev **devs;
  ot_tsm *tsms; /* one per host bridge */
  ot_drbg entropy;
  ot_tsm_soft_backend soft;
  side_backend backend; /* soft, run as the root port model */
  ot_tsm_policy *policy;
  ot_tsm_known_chain (*known)[KNOWN_CAP]; /* each TSM's known chains */
} platform;

static void on_sleep(ot_sim_clock *c, uint64_t now) {
  (void)now;
  platform *p = (platform *)(void *)c;
  if (p->active != NULL) ot_doe_mailbox_step(&p->active->ep.mb);
}

static void seed(ot_drbg *d, uint64_t s) { CHECK(ot_drbg_seed_u64(d, s)); }

static void model_init(model *m, ot_curve curve) {
  memset(m, 0, sizeof(*m));
  m->curve = curve;
  bool p256 = curve == OT_CURVE_P256;
  m->hash = p256 ? OT_HASH_SHA256 : OT_HASH_SHA384;
  /* One curve and hash throughout, so the floor below is well defined. */
  m->algs =
      (ot_spdm_alg_prefs){.base_asym = p256 ? OT_SPDM_ASYM_ECDSA_P256 : OT_SPDM_ASYM_ECDSA_P384,
                          .base_hash = p256 ? OT_SPDM_HASH_SHA_256 : OT_SPDM_HASH_SHA_384,
                          .meas_hash = p256 ? OT_SPDM_MEAS_HASH_SHA_256 : OT_SPDM_MEAS_HASH_SHA_384,
                          .dhe = p256 ? OT_SPDM_DHE_SECP256R1 : OT_SPDM_DHE_SECP384R1,
                          .aead = OT_SPDM_AEAD_AES_256_GCM};
  ot_drbg d;
  seed(&d, 0x5CA1E);
  CHECK(ot_spdm_hierarchy_generate(&m->h, curve, &d.rng, NOW - DAY, NOW + 3650 * DAY,
                                   "opentsm:scale:0001"));
  ot_drbg_uninstantiate(&d);
  ot_spdm_identity_init(&m->id);
  CHECK(ot_spdm_identity_install(&m->id, 0, 0, 1, &m->h));
  static const uint8_t rom[] = "boot rom", fw[] = "firmware image v1", hw[] = {1, 2, 3},
                       cfg[] = {9, 9};
  ot_spdm_device_model dm = {.rom = rom,
                             .rom_len = sizeof(rom),
                             .firmware = fw,
                             .firmware_len = sizeof(fw),
                             .hw_config = hw,
                             .hw_config_len = sizeof(hw),
                             .fw_config = cfg,
                             .fw_config_len = sizeof(cfg),
                             .version = "1.0.0",
                             .svn = 3};
  CHECK(ot_spdm_identity_add_device_meas(&m->id, &dm));
}

static void model_free(model *m) {
  ot_spdm_identity_clear(&m->id);
  ot_spdm_hierarchy_clear(&m->h);
}

/* The policy: the model's root, its curve's algorithms, measurement 1. */
static ot_tsm_policy *policy_new(const model *m) {
  ot_x509_cert root;
  CHECK(ot_spdm_identity_root(&m->id, 0, &root));
  char ref[2 * OT_HASH_MAX_SIZE + 1] = "";
  for (size_t i = 0; i < m->id.meas_count; i++) {
    if (m->id.meas[i].index != 1) continue;
    uint8_t blk[512];
    size_t n;
    CHECK(ot_spdm_identity_meas_block(&m->id, i, m->hash, blk, sizeof(blk), &n));
    /* DSP0274 §10.11: Index(1) Spec(1) Size(2) | Type(1) ValueSize(2) Value */
    size_t vlen = (size_t)blk[5] | ((size_t)blk[6] << 8);
    for (size_t k = 0; k < vlen && k < OT_HASH_MAX_SIZE; k++)
      snprintf(ref + 2 * k, 3, "%02x", blk[7 + k]);
  }
  bool p256 = m->curve == OT_CURVE_P256;
  char yaml[1024];
  snprintf(yaml, sizeof(yaml),
           "version: 1\n"
           "trust_anchors: [root0.der]\n"
           "spdm:\n"
           "  base_asym: [%s]\n"
           "  base_hash: [%s]\n"
           "  measurement_hash: [%s]\n"
           "  dhe: [%s]\n"
           "  aead: [aes-256-gcm]\n"
           "devices:\n"
           "  - name: " POLICY_NAME "\n"
           "    measurements: {1: %s}\n",
           p256 ? "ecdsa-p256" : "ecdsa-p384", p256 ? "sha-256" : "sha-384",
           p256 ? "sha-256" : "sha-384", p256 ? "secp256r1" : "secp384r1", ref);
  ot_tsm_policy *pol = malloc(sizeof(*pol));
  if (pol == NULL) exit(2);
  ot_tsm_policy_error err;
  ot_status st = ot_sim_rig_policy(pol, yaml, strlen(yaml), &root, 1, &err);
  if (!ot_ok(st)) {
    fprintf(stderr, "bench_tsm_scale: policy %u:%u: %s\n", err.line, err.column, err.msg);
    exit(2);
  }
  return pol;
}

/* The mailbox serves the DSM's protocols, each run as the device (side_proto). */
static ot_doe_responder *wrap_sides(void *ctx, ot_doe_responder *inner) {
  dev *d = ctx;
  ot_doe_responder_init(&d->resp);
  for (size_t k = 0; k < inner->count; k++) {
    ot_doe_protocol *ip = inner->protocols[k];
    d->protos[k] = (side_proto){
        .base = {.vendor = ip->vendor, .type = ip->type, .handle = side_handle}, .inner = ip};
    if (!ot_ok(ot_doe_responder_add(&d->resp, &d->protos[k].base))) return NULL;
  }
  return &d->resp;
}

static void dev_build(platform *p, dev *d, const model *m, size_t i) {
  seed(&d->drbg, 0xD000u + i);
  /* A distinct Requester ID per endpoint: bus 1..250, device number above. */
  ot_sim_rig_ep_config ec = {
      .ident = {.vendor = 0x1AF4, .device = 0x10F2, .class_code = 0x120000},
      .dsm = {.id = &m->id,
              .rng = &d->drbg.rng,
              .algs = &m->algs,
              .tdisp = {.lock_flags_supported = 0x0007, .dev_addr_width = 48},
              .ide_caps = {.sel_streams = 2, .addr_blocks = 1},
              .bus = (uint8_t)(1u + i % 250u),
              .dev_func = (uint8_t)((i / 250u) << 3)},
      .clock = &p->clock.base,
      .latency_ns = OT_NS_PER_US,
      .req_buf = d->bufs[0],
      .rsp_buf = d->bufs[1],
      .buf_cap = MB_BYTES,
      .wrap = wrap_sides,
      .wrap_ctx = d};
  CHECK(ot_sim_rig_ep_init(&d->ep, &ec));
  ot_ide_regs_caps rp_caps = {.sel_streams = 2, .addr_blocks = 2};
  CHECK(ot_sim_rig_rp_init(&d->rp, &rp_caps));
  d->link = ot_sim_rig_link(&d->rp.port, &d->rp.acc.base, &d->ep.acc.base);
}

static void dev_free(dev *d) {
  ot_tsm_dev_free(&d->tdev);
  ot_sim_rig_ep_free(&d->ep);
  ot_drbg_uninstantiate(&d->drbg);
  ot_sim_rig_rp_free(&d->rp);
}

static void platform_build(platform *p, const model *m, size_t n, size_t per_bridge) {
  memset(p, 0, sizeof(*p));
  ot_sim_clock_init(&p->clock, 0);
  p->clock.on_sleep = on_sleep;
  p->n = n;
  p->per_bridge = per_bridge;
  p->bridges = (n + per_bridge - 1) / per_bridge;
  p->devs = calloc(n, sizeof(*p->devs));
  p->tsms = calloc(p->bridges, sizeof(*p->tsms));
  p->known = calloc(p->bridges, sizeof(*p->known));
  if (p->devs == NULL || p->tsms == NULL || p->known == NULL) exit(2);
  seed(&p->entropy, 0xE17);
  ot_tsm_soft_backend_init(&p->soft);
  side_backend_init(&p->backend, &p->soft.base);
  p->policy = policy_new(m);
  for (size_t b = 0; b < p->bridges; b++) {
    ot_tsm_config c = {.policy = p->policy,
                       .backend = &p->backend.base,
                       .entropy = &p->entropy.rng,
                       .clock = &p->clock.base,
                       .wall_epoch = NOW,
                       .known = p->known[b],
                       .known_cap = KNOWN_CAP};
    CHECK(ot_tsm_init(&p->tsms[b], &c));
  }
  for (size_t i = 0; i < n; i++) {
    dev *d = calloc(1, sizeof(*d));
    if (d == NULL) exit(2);
    p->devs[i] = d;
    dev_build(p, d, m, i);
    ot_tsm_dev_desc dd = {.name = POLICY_NAME,
                          .doe = ot_sim_rig_ep_doe(&d->ep),
                          .link = &d->link.base,
                          .rp_block = RP_BLOCK,
                          .rp_rid = 0x0008};
    CHECK(ot_sim_rig_attach(&p->tsms[i / per_bridge], &d->tdev, &dd, NULL, NULL, 0));
  }
}

static void platform_free(platform *p) {
  for (size_t i = 0; i < p->n; i++) {
    dev_free(p->devs[i]);
    free(p->devs[i]);
  }
  for (size_t b = 0; b < p->bridges; b++)
    ot_tsm_free(&p->tsms[b]);
  ot_drbg_uninstantiate(&p->entropy);
  free(p->policy);
  free(p->tsms);
  free(p->known);
  free(p->devs);
}

/* ---- the crypto floor of one connect ------------------------------------------ */

/*
 * The crypto one connect performs, counted from the flow (src/tsm/connect.c,
 * src/spdm/key_schedule.c; device and TSM both run in this process):
 *  - X.509: the TSM validates the 3-certificate chain once (two signature
 *    checks inside, plus parsing);
 *  - ECDSA: the device signs CHALLENGE_AUTH, MEASUREMENTS and
 *    KEY_EXCHANGE_RSP (3); the TSM verifies the same three;
 *  - ECDHE: each side generates a key pair (2) and derives the shared
 *    secret (2);
 *  - key schedule, each side: handshake secret (1 extract, 8 expands),
 *    master and data secrets (1 extract, 8 expands) -> 4 extracts and 32
 *    expands in all; 4 HMACs (the two FINISH verify_data, each computed
 *    once and checked once);
 *  - AEAD: 4 session key schedules per side (handshake and data, both
 *    directions) and 12 IDE key schedules (6 per port) = 20 key inits; FINISH
 *    and 13 IDE_KM exchanges (QUERY, 6 KEY_PROG, 6 K_SET_GO) inside the
 *    session = 28 messages, each sealed once and opened once.
 * Checked with callgrind: call counts of --devices 3 minus --devices 1
 * (docs/benchmarks.md). Not counted: transcript hashing, DRBG output, the
 * second decoding of the chain by ot_x509_chain_parse.
 */
typedef enum op {
  OP_X509_CHAIN,
  OP_SIGN,
  OP_VERIFY,
  OP_KEYGEN,
  OP_ECDH,
  OP_HKDF_EXTRACT,
  OP_HKDF_EXPAND,
  OP_HMAC,
  OP_AEAD_KEY,
  OP_AEAD_MSG,
  OP_COUNT
} op;

static const struct {
  const char *name;
  unsigned count;
} floor_ops[OP_COUNT] = {
    [OP_X509_CHAIN] = {"x509 chain verify", 1},
    [OP_SIGN] = {"ecdsa sign", 3},
    [OP_VERIFY] = {"ecdsa verify", 3},
    [OP_KEYGEN] = {"ecdhe keygen", 2},
    [OP_ECDH] = {"ecdh derive", 2},
    [OP_HKDF_EXTRACT] = {"hkdf extract", 4},
    [OP_HKDF_EXPAND] = {"hkdf expand", 32},
    [OP_HMAC] = {"hmac", 4},
    [OP_AEAD_KEY] = {"aead key init", 20},
    [OP_AEAD_MSG] = {"aead seal+open 64B", 28},
};

typedef struct floor_ctx {
  const model *m;
  ot_x509_chain chain;
  ot_x509_cert anchor;
  uint8_t pub[OT_ECC_MAX_PUBLIC], sig[OT_ECC_MAX_SIGNATURE];
  uint8_t priv2[OT_ECC_MAX_SCALAR], pub2[OT_ECC_MAX_PUBLIC];
  ot_drbg drbg;
} floor_ctx;

static void run_op(floor_ctx *f, op o) {
  const model *m = f->m;
  size_t ks = ot_curve_size(m->curve), ps = ot_curve_public_size(m->curve);
  size_t hs = ot_hash_size(m->hash);
  static const uint8_t msg[256] = {1};
  uint8_t out[OT_HASH_MAX_SIZE * 2], priv[OT_ECC_MAX_SCALAR], pub[OT_ECC_MAX_PUBLIC];
  switch (o) {
  case OP_X509_CHAIN: {
    ot_x509_policy pol = {.now = NOW, .role = OT_X509_ROLE_RESPONDER, .curve = m->curve};
    ot_x509_verdict v;
    CHECK(ot_x509_chain_verify(&f->chain, &f->anchor, 1, &pol, NULL, &v));
    break;
  }
  case OP_SIGN:
    CHECK(ot_ecdsa_sign(m->curve, m->hash, m->h.leaf_priv, ks, msg, sizeof(msg), f->sig,
                        sizeof(f->sig)));
    break;
  case OP_VERIFY:
    CHECK(ot_ecdsa_verify(m->curve, m->hash, f->pub, ps, msg, sizeof(msg), f->sig,
                          ot_curve_signature_size(m->curve)));
    break;
  case OP_KEYGEN:
    CHECK(ot_key_generate(m->curve, &f->drbg.rng, priv, sizeof(priv), pub, sizeof(pub)));
    ot_zeroize(priv, sizeof(priv));
    break;
  case OP_ECDH: CHECK(ot_ecdh(m->curve, f->priv2, ks, f->pub, ps, out, sizeof(out))); break;
  case OP_HKDF_EXTRACT:
    CHECK(ot_hkdf_extract(m->hash, msg, hs, msg + 64, ks, out, sizeof(out)));
    break;
  case OP_HKDF_EXPAND: CHECK(ot_hkdf_expand(m->hash, msg, hs, msg + 64, 40, out, hs)); break;
  case OP_HMAC: CHECK(ot_hmac(m->hash, msg, hs, msg + 64, hs, out, sizeof(out))); break;
  case OP_AEAD_KEY: {
    ot_aead_key k;
    CHECK(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, msg, OT_AEAD_KEY_SIZE, OT_AEAD_TAG_SIZE));
    ot_aead_key_clear(&k);
    break;
  }
  case OP_AEAD_MSG: {
    static ot_aead_key k;
    if (k.evp == NULL)
      CHECK(ot_aead_key_init(&k, OT_AEAD_AES256_GCM, msg, OT_AEAD_KEY_SIZE, OT_AEAD_TAG_SIZE));
    uint8_t ct[64], pt[64], tag[OT_AEAD_TAG_SIZE];
    CHECK(ot_aead_seal(&k, msg, msg, 16, msg, sizeof(ct), ct, tag, sizeof(tag)));
    CHECK(ot_aead_open(&k, msg, msg, 16, ct, sizeof(ct), tag, sizeof(tag), pt));
    break;
  }
  case OP_COUNT: break;
  }
}

/* Seconds per operation: median of 7 runs of a batch sized to ~20 ms. */
static double time_op(floor_ctx *f, op o) {
  run_op(f, o); /* warm */
  unsigned batch = 1;
  for (;;) {
    double t0 = cpu_s();
    for (unsigned i = 0; i < batch; i++)
      run_op(f, o);
    if (cpu_s() - t0 > 0.02 || batch >= (1u << 20)) break;
    batch *= 2;
  }
  double r[7];
  for (size_t k = 0; k < 7; k++) {
    double t0 = cpu_s();
    for (unsigned i = 0; i < batch; i++)
      run_op(f, o);
    r[k] = (cpu_s() - t0) / batch;
  }
  return median(r, 7);
}

/* The floor of a first contact; *chain (may be NULL) gets its X.509 part,
 * which a re-connect of a known device does not perform. */
static double crypto_floor(const model *m, int verbose, double *chain) {
  if (chain) *chain = 0;
  if (skip_floor) return 0;
  floor_ctx f = {.m = m};
  seed(&f.drbg, 0xF1002);
  CHECK(ot_x509_chain_parse(m->h.der, m->h.der_len, &f.chain));
  f.anchor = f.chain.certs[0];
  CHECK(ot_key_public(m->curve, m->h.leaf_priv, ot_curve_size(m->curve), f.pub, sizeof(f.pub)));
  CHECK(ot_key_generate(m->curve, &f.drbg.rng, f.priv2, sizeof(f.priv2), f.pub2, sizeof(f.pub2)));
  double total = 0;
  if (verbose)
    printf("crypto floor of one connect (%s):\n", m->curve == OT_CURVE_P256 ? "P-256" : "P-384");
  for (op o = 0; o < OP_COUNT; o++) {
    double t = time_op(&f, o);
    total += t * floor_ops[o].count;
    if (o == OP_X509_CHAIN && chain) *chain = t * floor_ops[o].count;
    if (verbose)
      printf("  %-20s %3u x %9.1f us = %9.1f us\n", floor_ops[o].name, floor_ops[o].count, t * 1e6,
             t * 1e6 * floor_ops[o].count);
  }
  if (verbose) printf("  %-20s %31.1f us\n", "floor", total * 1e6);
  ot_zeroize(f.priv2, sizeof(f.priv2));
  ot_drbg_uninstantiate(&f.drbg);
  return total;
}

/* ---- one run ------------------------------------------------------------------- */

typedef struct result {
  size_t n, bridges, failed, connected;
  double wall, mean, med, min, max, floor_before, floor_after;
  double chain_before, chain_after; /* the X.509 part of each floor */
  /* The re-connect of every device, its chain known (tsm.h "Known devices"). */
  size_t k_connected, k_hits;
  double k_wall, k_mean, k_med, k_min, k_max;
  size_t tsm_heap, dev_heap, rp_heap, peak_tsm, peak_rss_kib;
  long marks[SIDES]; /* live secret marks gained while connecting, by owner */
} result;

static long peak_rss_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss; /* KiB on Linux */
}

static int disconnect_all(platform *p) {
  int bad = 0;
  for (size_t i = 0; i < p->n; i++) {
    dev *d = p->devs[i];
    if (d->tdev.state != OT_TSM_DEV_CONNECTED) continue;
    p->active = d;
    ot_status st = ot_tsm_disconnect(d->tdev.tsm, &d->tdev);
    if (!ot_ok(st)) {
      fprintf(stderr, "bench_tsm_scale: device %zu: disconnect: %s\n", i, ot_status_message(st));
      bad = 1;
    }
  }
  p->active = NULL;
  return bad;
}

/* Every device connected again, its chain now known to its TSM: no
 * GET_CERTIFICATE, no path validation (the first connect kept it). */
static int reconnect(platform *p, result *r) {
  uint64_t hits0 = 0;
  for (size_t b = 0; b < p->bridges; b++)
    hits0 += p->tsms[b].known_stats.hits;
  double *t = calloc(p->n, sizeof(double));
  if (t == NULL) exit(2);
  int bad = 0;
  size_t ok = 0;
  double t0 = now_s();
  for (size_t i = 0; i < p->n; i++) {
    dev *d = p->devs[i];
    p->active = d;
    ot_tsm_refusal why;
    double a = cpu_s();
    ot_status st = ot_tsm_connect(d->tdev.tsm, &d->tdev, &why);
    double dt = cpu_s() - a;
    if (ot_ok(st))
      t[ok++] = dt;
    else if (bad++ < 5)
      fprintf(stderr, "bench_tsm_scale: device %zu: re-connect: %s: %s\n", i,
              ot_tsm_reason_name(why.reason), why.detail);
  }
  r->k_wall = now_s() - t0;
  bad |= disconnect_all(p);
  uint64_t hits = 0;
  for (size_t b = 0; b < p->bridges; b++)
    hits += p->tsms[b].known_stats.hits;
  r->k_hits = (size_t)(hits - hits0);
  r->k_connected = ok;
  double sum = 0;
  for (size_t i = 0; i < ok; i++)
    sum += t[i];
  if (ok > 0) {
    r->k_mean = sum / (double)ok;
    r->k_med = median(t, ok);
    r->k_min = t[0];
    r->k_max = t[ok - 1];
  }
  free(t);
  return bad != 0;
}

static int run(const model *m, size_t n, size_t per_bridge, result *r) {
  memset(r, 0, sizeof(*r));
  r->n = n;
  r->floor_before = crypto_floor(m, 0, &r->chain_before);
  platform *p = malloc(sizeof(*p));
  if (p == NULL) exit(2);
  platform_build(p, m, n, per_bridge);
  r->bridges = p->bridges;
  size_t marks0 = ot_secret_mark_count();
  double *t = calloc(n, sizeof(double));
  if (t == NULL) exit(2);
  track_begin();
  memset(marks_by, 0, sizeof(marks_by));
  marks_last = ot_secret_mark_count();
  double t0 = now_s();
  size_t ok = 0;
  for (size_t i = 0; i < n; i++) {
    dev *d = p->devs[i];
    p->active = d;
    ot_tsm_refusal why;
    /* First contact: every device shares one chain, so the cache is emptied
     * before each connect (the flush itself is not timed). */
    ot_tsm_known_flush(d->tdev.tsm);
    double a = cpu_s();
    ot_status st = ot_tsm_connect(d->tdev.tsm, &d->tdev, &why);
    double dt = cpu_s() - a;
    if (ot_ok(st)) t[ok++] = dt; /* refusals are fast: keep them out of the statistics */
    if (!ot_ok(st)) {
      if (r->failed++ < 5)
        fprintf(stderr, "bench_tsm_scale: device %zu: %s: %s\n", i, ot_tsm_reason_name(why.reason),
                why.detail);
    }
  }
  r->wall = now_s() - t0;
  r->connected = ok;
  side_switch(side_now); /* counts the last marks */
  for (int k = 0; k < SIDES; k++)
    r->marks[k] = marks_by[k];
  r->tsm_heap = live[SIDE_TSM];
  r->dev_heap = live[SIDE_DEV];
  r->rp_heap = live[SIDE_RP];
  r->peak_tsm = peak_tsm;
  track_end();
  r->peak_rss_kib = (size_t)peak_rss_kib();
  double sum = 0;
  for (size_t i = 0; i < ok; i++)
    sum += t[i];
  if (ok > 0) {
    r->mean = sum / (double)ok;
    r->med = median(t, ok);
    r->min = t[0];
    r->max = t[ok - 1];
  }
  int bad = r->failed != 0;
  bad |= disconnect_all(p);
  if (!bad) bad = reconnect(p, r);
  size_t marks1 = ot_secret_mark_count();
  if (marks1 != marks0) {
    fprintf(stderr, "bench_tsm_scale: %zu secret marks after disconnect, %zu before\n", marks1,
            marks0);
    bad = 1;
  }
  p->active = NULL;
  platform_free(p);
  free(p);
  free(t);
  r->floor_after = crypto_floor(m, 0, &r->chain_after);
  return bad;
}

/* Devices the per-device figures are divided by: those connected. */
static size_t per_dev(const result *r) { return r->connected ? r->connected : 1; }

/* ---- main ------------------------------------------------------------------------ */

static void usage(void) {
  fprintf(stderr, "usage: bench_tsm_scale [--devices 1,64,1024] [--curve p256|p384] "
                  "[--per-bridge 1..255] [--no-floor] [--no-heap]\n");
  exit(2);
}

int main(int argc, char **argv) {
  size_t counts[16] = {1, 64, 1024}, ncounts = 3, per_bridge = OT_TSM_STREAM_IDS;
  ot_curve curve = OT_CURVE_P384;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--devices") == 0 && i + 1 < argc) {
      ncounts = 0;
      for (char *s = argv[++i], *e; *s && ncounts < 16; s = *e ? e + 1 : e) {
        unsigned long v = strtoul(s, &e, 10);
        if (e == s || v == 0 || v > 65536 || (*e && *e != ',')) usage();
        counts[ncounts++] = v;
      }
    } else if (strcmp(argv[i], "--curve") == 0 && i + 1 < argc) {
      i++;
      if (strcmp(argv[i], "p256") == 0)
        curve = OT_CURVE_P256;
      else if (strcmp(argv[i], "p384") == 0)
        curve = OT_CURVE_P384;
      else
        usage();
    } else if (strcmp(argv[i], "--no-heap") == 0) {
      skip_heap = 1;
    } else if (strcmp(argv[i], "--no-floor") == 0) {
      skip_floor = 1;
    } else if (strcmp(argv[i], "--per-bridge") == 0 && i + 1 < argc) {
      unsigned long v = strtoul(argv[++i], NULL, 10);
      if (v == 0 || v > OT_TSM_STREAM_IDS) usage();
      per_bridge = v;
    } else {
      usage();
    }
  }
  if (ncounts == 0) usage();
  model m;
  model_init(&m, curve);
  double floor0 = crypto_floor(&m, 1, NULL);
  printf("TSM memory: sizeof(ot_tsm_dev) = %zu B (budget %u), sizeof(ot_tsm) = %zu B per host "
         "bridge; heap tracking %s\n",
         sizeof(ot_tsm_dev), OT_TSM_DEV_BUDGET, sizeof(ot_tsm),
         !HAVE_HEAP_TRACK ? "unavailable"
         : skip_heap      ? "off (--no-heap)"
                          : "on (glibc)");
  printf("\n%6s %3s %8s %8s %8s %8s %8s %8s %6s %6s %9s %8s %6s\n", "N", "hb", "wall s", "mean ms",
         "med ms", "min ms", "max ms", "floor ms", "med/fl", "mean/fl", "TSM B/dev", "RSS MiB",
         "failed");
  result r[16];
  int bad = 0;
  for (size_t k = 0; k < ncounts; k++) {
    bad |= run(&m, counts[k], per_bridge, &r[k]);
    double fl = (r[k].floor_before + r[k].floor_after) / 2.0;
    printf("%6zu %3zu %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %6.2f %6.2f %9zu %8zu %6zu\n", r[k].n,
           r[k].bridges, r[k].wall, r[k].mean * 1e3, r[k].med * 1e3, r[k].min * 1e3, r[k].max * 1e3,
           fl * 1e3, fl > 0 ? r[k].med / fl : 0.0, fl > 0 ? r[k].mean / fl : 0.0,
           sizeof(ot_tsm_dev) + r[k].tsm_heap / per_dev(&r[k]), r[k].peak_rss_kib / 1024,
           r[k].failed);
    fflush(stdout);
  }
  printf("\nre-connect of the same devices, chain known (no GET_CERTIFICATE, no path "
         "validation);\nfloor without the x509 chain verify:\n");
  printf("%6s %3s %8s %8s %8s %8s %8s %8s %6s %6s %6s %8s\n", "N", "hb", "wall s", "mean ms",
         "med ms", "min ms", "max ms", "floor ms", "med/fl", "mean/fl", "hits", "vs first");
  for (size_t k = 0; k < ncounts; k++) {
    double fl = (r[k].floor_before + r[k].floor_after - r[k].chain_before - r[k].chain_after) / 2.0;
    printf("%6zu %3zu %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %6.2f %6.2f %6zu %7.2fx\n", r[k].n,
           r[k].bridges, r[k].k_wall, r[k].k_mean * 1e3, r[k].k_med * 1e3, r[k].k_min * 1e3,
           r[k].k_max * 1e3, fl * 1e3, fl > 0 ? r[k].k_med / fl : 0.0,
           fl > 0 ? r[k].k_mean / fl : 0.0, r[k].k_hits,
           r[k].k_med > 0 ? r[k].med / r[k].k_med : 0.0);
  }
  if (skip_heap || !HAVE_HEAP_TRACK) {
    printf("(TSM B/dev is sizeof(ot_tsm_dev) alone: heap not tracked)\n");
    model_free(&m);
    return bad;
  }
  printf("\nheap held after connecting all N, per connected device, by owner (bytes):\n");
  printf("%6s %10s %10s %10s %12s %14s %14s\n", "N", "TSM", "device", "root port", "TSM peak/N",
         "floor before", "floor after");
  for (size_t k = 0; k < ncounts; k++)
    printf("%6zu %10zu %10zu %10zu %12zu %11.3f ms %11.3f ms\n", r[k].n,
           r[k].tsm_heap / per_dev(&r[k]), r[k].dev_heap / per_dev(&r[k]),
           r[k].rp_heap / per_dev(&r[k]), r[k].peak_tsm / per_dev(&r[k]), r[k].floor_before * 1e3,
           r[k].floor_after * 1e3);
  printf("\nlive secret marks after connecting all N (registry holds %d), per connected device:\n",
         OT_SECRET_MAX_MARKS);
  printf("%6s %8s %8s %10s\n", "N", "TSM", "device", "root port");
  for (size_t k = 0; k < ncounts; k++) {
    double c = (double)per_dev(&r[k]);
    printf("%6zu %8.1f %8.1f %10.1f\n", r[k].n, (double)r[k].marks[SIDE_TSM] / c,
           (double)r[k].marks[SIDE_DEV] / c, (double)r[k].marks[SIDE_RP] / c);
  }
  printf("(TSM B/dev = sizeof(ot_tsm_dev) + TSM heap per device; first floor %.3f ms)\n",
         floor0 * 1e3);
  if (table_full) printf("note: heap tracking table overflowed; heap numbers are low\n");
  model_free(&m);
  return bad;
}
