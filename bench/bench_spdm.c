/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One full SPDM connection, requester <-> responder in this process over the
 * DOE loopback (each object encoded and decoded as on a mailbox): VCA,
 * GET_DIGESTS, GET_CERTIFICATE, CHALLENGE, signed GET_MEASUREMENTS,
 * KEY_EXCHANGE/FINISH, one HEARTBEAT, END_SESSION; fresh engines for every
 * connection. Reported as time per connection and as a ratio to its crypto
 * floor, measured in the same process: the public-key and key-schedule work
 * the flow inherently needs, done by calling the crypto layer directly with
 * the same counts:
 *
 *   signings       3  CHALLENGE_AUTH, MEASUREMENTS, KEY_EXCHANGE_RSP
 *   verifications  5  those three, and the chain: intermediate and leaf
 *                     certificates (the root is the trust anchor)
 *   key pairs      2  one ephemeral ECDHE key per side
 *   ECDH           2  one shared secret per side
 *   per side, the key schedule (SPEC-FACTS §2.18): 2 HKDF-Extract, 16
 *   HKDF-Expand (handshake secrets, finished keys, handshake key/iv, Salt1,
 *   application secrets, data key/iv, export master), 4 AEAD key set-ups,
 *   2 HMACs (VerifyData made and checked)
 *
 * Row "issuers known": a first contact with a device whose intermediate and
 * root certificates the requester has met before (ot_x509_cache: a TSM
 * connecting many devices of one vendor); every signature and constraint of
 * the chain is still checked; same floor. The cache holds OpenSSL's decoded
 * certificates, which only chains outside the fast X.509 path's subset need
 * (src/crypto/x509_parse.h): for this chain the row measures the same work
 * as the first contact.
 *
 * Then the same connection again as the re-connect of a known device (row
 * "known"): GET_CERTIFICATE and the chain's validation are replaced by the
 * slot the first contact validated (ot_spdm_requester_use_known_chain, as a
 * TSM keeping validated chains does); its floor has 3 verifications, the
 * chain's two are gone.
 *
 * Hashing of transcripts, certificate parsing, AEAD records and the codec are
 * what the ratio measures as overhead. Both are timed in this thread's CPU
 * time, in batches of at least a third of a second, alternating connection
 * and floor batches for 5 rounds and keeping the best of each. Also prints the state each side
 * holds per session. A benchmark, not a test: no threshold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opentsm/crypto.h"
#include "opentsm/secure.h"
#include "opentsm/spdm.h"

#define MIN_SECONDS 1.0
#define MIN_ITERS 20

static double now(void) {
  struct timespec ts;
  /* This thread's CPU time: other processes on a shared machine take time
   * from the run without being counted (connection and floor both run on
   * this one thread). */
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void must(ot_status st, const char *what) {
  if (ot_ok(st)) return;
  fprintf(stderr, "bench_spdm: %s: %s\n", what, ot_status_name(st));
  exit(1);
}

typedef struct setup {
  ot_curve curve;
  ot_hash_alg hash;
  const char *name;
  ot_drbg drbg_dev, drbg_host;
  ot_sim_clock clock;
  ot_spdm_hierarchy h;
  ot_spdm_identity id;
  ot_x509_cert anchor;
  ot_spdm_responder_config rcfg;
  ot_spdm_requester_config qcfg;
  /* per connection */
  ot_spdm_responder rsp;
  ot_spdm_doe_binding bind;
  ot_doe_responder dev;
  ot_spdm_doe_loopback loop;
  ot_spdm_requester req;
  uint8_t chain[OT_SPDM_LARGE_MAX], rec[OT_SPDM_LARGE_MAX];
  /* Re-connect of a known device: slot 0 as the first contact left it, handed
   * to the requester instead of GET_CERTIFICATE (what a TSM that keeps
   * validated chains does, tsm.h "Known devices"). */
  bool known;
  ot_spdm_peer_slot kept;
  ot_x509_cache *issuers; /* row "issuers known" */
  unsigned floor_verifies; /* 5 on first contact, 3 when the chain is known */
} setup;

static void drbg(ot_drbg *d, uint8_t v) {
  uint8_t e[48];
  memset(e, v, sizeof(e));
  must(ot_drbg_instantiate(d, e, 32, e + 32, 16, NULL, 0), "drbg");
}

static void setup_init(setup *s, ot_curve curve) {
  bool p384 = curve == OT_CURVE_P384;
  s->curve = curve;
  s->hash = p384 ? OT_HASH_SHA384 : OT_HASH_SHA256;
  s->name = p384 ? "P-384 / SHA-384" : "P-256 / SHA-256";
  drbg(&s->drbg_dev, 1);
  drbg(&s->drbg_host, 2);
  ot_sim_clock_init(&s->clock, 0);
  time_t t0 = 1700000000;
  must(ot_spdm_hierarchy_generate(&s->h, curve, &s->drbg_dev.rng, t0 - 86400, t0 + 86400 * 3650,
                                  "opentsm:bench:0001"),
       "hierarchy");
  ot_spdm_identity_init(&s->id);
  must(ot_spdm_identity_install(&s->id, 0, 0, 1, &s->h), "install");
  static const uint8_t fw[] = "firmware image";
  ot_spdm_device_model dm = {.rom = fw,
                             .rom_len = 4,
                             .firmware = fw,
                             .firmware_len = sizeof(fw),
                             .hw_config = fw,
                             .hw_config_len = 3,
                             .fw_config = fw,
                             .fw_config_len = 2,
                             .version = "1.0.0",
                             .svn = 1};
  must(ot_spdm_identity_add_device_meas(&s->id, &dm), "measurements");
  must(ot_spdm_identity_root(&s->id, 0, &s->anchor), "root");
  /* One algorithm set per run: the curve's hash, ECDHE group and AES-256-GCM. */
  ot_spdm_alg_prefs algs = {.base_asym = p384 ? OT_SPDM_ASYM_ECDSA_P384 : OT_SPDM_ASYM_ECDSA_P256,
                            .base_hash = p384 ? OT_SPDM_HASH_SHA_384 : OT_SPDM_HASH_SHA_256,
                            .meas_hash =
                                p384 ? OT_SPDM_MEAS_HASH_SHA_384 : OT_SPDM_MEAS_HASH_SHA_256,
                            .dhe = p384 ? OT_SPDM_DHE_SECP384R1 : OT_SPDM_DHE_SECP256R1,
                            .aead = OT_SPDM_AEAD_AES_256_GCM};
  ot_spdm_responder_config_default(&s->rcfg, &s->id, &s->drbg_dev.rng);
  s->rcfg.versions = OT_SPDM_VMASK_12;
  s->rcfg.algs = algs;
  ot_spdm_requester_config_default(&s->qcfg, &s->drbg_host.rng, &s->clock.base);
  s->qcfg.versions = OT_SPDM_VMASK_12;
  s->qcfg.algs = algs;
  s->qcfg.anchors = &s->anchor;
  s->qcfg.anchor_count = 1;
  s->qcfg.now = t0;
  must(ot_x509_cache_new(&s->issuers), "x509 cache");
}

static void setup_free(setup *s) {
  ot_x509_cache_free(s->issuers);
  ot_spdm_identity_clear(&s->id);
  ot_spdm_hierarchy_clear(&s->h);
  ot_drbg_uninstantiate(&s->drbg_dev);
  ot_drbg_uninstantiate(&s->drbg_host);
}

/* Where the time of a connection goes, summed over all connections run. */
enum { ST_SETUP, ST_VCA, ST_DIGESTS, ST_CERT, ST_CHALLENGE, ST_MEAS, ST_SESSION, ST_REST, ST_N };
static const char *const step_name[ST_N] = {"engines",
                                            "VCA",
                                            "DIGESTS",
                                            "CERTIFICATE",
                                            "CHALLENGE",
                                            "MEASUREMENTS",
                                            "KEY_EXCHANGE+FINISH",
                                            "HEARTBEAT+END"};
static double step_time[ST_N];
static unsigned long step_runs;

/* One whole connection with fresh engines. */
static void connection(setup *s) {
  double t = now(), t1;
#define STEP(i)                                                                                    \
  do {                                                                                             \
    t1 = now();                                                                                    \
    step_time[i] += t1 - t;                                                                        \
    t = t1;                                                                                        \
  } while (0)
  must(ot_spdm_responder_init(&s->rsp, &s->rcfg), "responder");
  ot_spdm_doe_binding_init(&s->bind, &s->rsp);
  ot_doe_responder_init(&s->dev);
  must(ot_doe_responder_add(&s->dev, &s->bind.plain.base), "doe");
  must(ot_doe_responder_add(&s->dev, &s->bind.secured.base), "doe");
  ot_spdm_doe_loopback_init(&s->loop, &s->dev);
  ot_spdm_requester *q = &s->req;
  must(ot_spdm_requester_init(q, &s->qcfg, &s->loop.base), "requester");
  uint8_t mask;
  size_t n;
  ot_spdm_meas_result res;
  uint32_t sid;
  STEP(ST_SETUP);
  must(ot_spdm_requester_connect(q), "connect");
  STEP(ST_VCA);
  must(ot_spdm_requester_get_digests(q, &mask), "digests");
  STEP(ST_DIGESTS);
  if (s->known) {
    const ot_spdm_peer_slot *k = &s->kept;
    must(ot_spdm_requester_use_known_chain(q, 0, k->digest, ot_hash_size(s->hash), k->pub,
                                           k->pub_len, k->valid_from, k->valid_until),
         "known chain");
  } else {
    must(ot_spdm_requester_get_certificate(q, 0, 0, s->chain, sizeof(s->chain), &n), "certificate");
    s->kept = q->slots[0];
  }
  STEP(ST_CERT);
  must(ot_spdm_requester_challenge(q, 0, OT_SPDM_MEAS_SUMMARY_NONE, NULL), "challenge");
  STEP(ST_CHALLENGE);
  must(ot_spdm_requester_get_measurements(q, OT_SPDM_MEAS_OP_ALL, true, 0, s->rec, sizeof(s->rec),
                                          &res),
       "measurements");
  STEP(ST_MEAS);
  must(ot_spdm_requester_start_session(q, 0, OT_SPDM_MEAS_SUMMARY_NONE, &sid), "session");
  STEP(ST_SESSION);
  must(ot_spdm_requester_heartbeat(q, sid), "heartbeat");
  must(ot_spdm_requester_end_session(q, sid), "end session");
  ot_spdm_requester_free(q);
  ot_spdm_responder_free(&s->rsp);
  STEP(ST_REST);
#undef STEP
  step_runs++;
}

/* The crypto floor of one connection, counts as in the header comment. */
typedef struct floor_keys {
  uint8_t sign_priv[OT_ECC_MAX_SCALAR], sign_pub[OT_ECC_MAX_PUBLIC];
  uint8_t sig[OT_SPDM_MAX_SIGNATURE_SIZE];
  uint8_t msg[OT_SPDM_SIGN_MESSAGE_MAX];
} floor_keys;

static void crypto_floor(setup *s, floor_keys *k) {
  ot_curve cv = s->curve;
  size_t cs = ot_curve_size(cv), ps = ot_curve_public_size(cv), h = ot_hash_size(s->hash);
  size_t msg_len = OT_SPDM_SIGNING_PREFIX_SIZE + h;
  uint8_t sig[OT_SPDM_MAX_SIGNATURE_SIZE];
  for (int i = 0; i < 3; i++)
    must(ot_ecdsa_sign(cv, s->hash, k->sign_priv, cs, k->msg, msg_len, sig, sizeof(sig)), "sign");
  for (unsigned i = 0; i < s->floor_verifies; i++)
    must(ot_ecdsa_verify(cv, s->hash, k->sign_pub, ps, k->msg, msg_len, k->sig,
                         ot_curve_signature_size(cv)),
         "verify");
  uint8_t priv[2][OT_ECC_MAX_SCALAR], pub[2][OT_ECC_MAX_PUBLIC], secret[OT_ECC_MAX_SCALAR];
  for (int i = 0; i < 2; i++)
    must(ot_key_generate(cv, &s->drbg_host.rng, priv[i], sizeof(priv[i]), pub[i], sizeof(pub[i])),
         "keygen");
  for (int i = 0; i < 2; i++)
    must(ot_ecdh(cv, priv[i], cs, pub[1 - i], ps, secret, sizeof(secret)), "ecdh");
  static const uint8_t zeros[OT_HASH_MAX_SIZE];
  uint8_t prk[OT_HASH_MAX_SIZE], okm[OT_HASH_MAX_SIZE], info[100] = {0}, mac[OT_HASH_MAX_SIZE];
  for (int side = 0; side < 2; side++) {
    for (int i = 0; i < 2; i++)
      must(ot_hkdf_extract(s->hash, zeros, h, secret, cs, prk, sizeof(prk)), "extract");
    for (int i = 0; i < 16; i++)
      must(ot_hkdf_expand(s->hash, prk, h, info, 20 + h, okm, h), "expand");
    for (int i = 0; i < 4; i++) {
      ot_aead_key ak;
      must(ot_aead_key_init(&ak, OT_AEAD_AES256_GCM, okm, 32, 16), "aead key");
      ot_aead_key_clear(&ak);
    }
    for (int i = 0; i < 2; i++)
      must(ot_hmac(s->hash, okm, h, prk, h, mac, sizeof(mac)), "hmac");
  }
  ot_zeroize(priv, sizeof(priv));
  ot_zeroize(secret, sizeof(secret));
}

typedef double (*run_fn)(setup *s, floor_keys *k, unsigned iters);

static double run_connections(setup *s, floor_keys *k, unsigned iters) {
  (void)k;
  double t0 = now();
  for (unsigned i = 0; i < iters; i++)
    connection(s);
  return now() - t0;
}

static double run_floor(setup *s, floor_keys *k, unsigned iters) {
  double t0 = now();
  for (unsigned i = 0; i < iters; i++)
    crypto_floor(s, k);
  return now() - t0;
}

/* Iterations for `fn` to take at least MIN_SECONDS / 3. */
static unsigned calibrate(run_fn fn, setup *s, floor_keys *k) {
  unsigned iters = MIN_ITERS;
  while (fn(s, k, iters) < MIN_SECONDS / 3)
    iters *= 2;
  return iters;
}

/* Connection and floor per iteration, best of 5 rounds that alternate them,
 * so that both see the same conditions of the machine. */
static void per_iter(setup *s, floor_keys *k, double *conn, double *fl) {
  unsigned ci = calibrate(run_connections, s, k), fi = calibrate(run_floor, s, k);
  *conn = *fl = 1e9;
  for (int r = 0; r < 5; r++) {
    double c = run_connections(s, k, ci) / ci, f = run_floor(s, k, fi) / fi;
    if (c < *conn) *conn = c;
    if (f < *fl) *fl = f;
  }
}

int main(void) {
  printf("SPDM 1.2 connection: VCA, DIGESTS, CERTIFICATE, CHALLENGE, signed MEASUREMENTS,\n"
         "KEY_EXCHANGE/FINISH, HEARTBEAT, END_SESSION; requester <-> responder in-process\n\n");
  printf("%-30s %12s %16s %8s\n", "algorithms", "connect (us)", "crypto floor (us)", "ratio");
  static const ot_curve curves[] = {OT_CURVE_P256, OT_CURVE_P384};
  for (size_t c = 0; c < 2; c++) {
    static setup s;
    memset(&s, 0, sizeof(s));
    setup_init(&s, curves[c]);
    floor_keys k;
    must(ot_key_generate(s.curve, &s.drbg_host.rng, k.sign_priv, sizeof(k.sign_priv), k.sign_pub,
                         sizeof(k.sign_pub)),
         "signing key");
    memset(k.msg, 0x5a, sizeof(k.msg));
    size_t msg_len = OT_SPDM_SIGNING_PREFIX_SIZE + ot_hash_size(s.hash);
    must(ot_ecdsa_sign(s.curve, s.hash, k.sign_priv, ot_curve_size(s.curve), k.msg, msg_len, k.sig,
                       sizeof(k.sig)),
         "signature");
    static const char *const row[] = {"", " issuers known", " known"};
    for (int mode = 0; mode < 3; mode++) {
      int known = mode == 2;
      s.known = known;
      s.qcfg.x509_cache = mode == 1 ? s.issuers : NULL;
      s.floor_verifies = known ? 3 : 5;
      connection(&s); /* warm up; the first contact keeps slot 0 for the next */
      step_runs = 0;
      memset(step_time, 0, sizeof(step_time));
      double conn, fl;
      per_iter(&s, &k, &conn, &fl);
      char label[40];
      snprintf(label, sizeof(label), "%s%s", s.name, row[mode]);
      printf("%-30s %12.1f %16.1f %7.2fx\n", label, conn * 1e6, fl * 1e6, conn / fl);
      printf("  per step (us):");
      for (int i = 0; i < ST_N; i++)
        printf(" %s %.0f%s", known && i == ST_CERT ? "known chain" : step_name[i],
               step_time[i] / (double)step_runs * 1e6, i + 1 < ST_N ? "," : "\n");
    }
    ot_zeroize(&k, sizeof(k));
    setup_free(&s);
  }
  printf("\nstate per session: responder %zu bytes, requester %zu bytes\n"
         "(connection contexts: responder %zu bytes, requester %zu bytes; certificate chains\n"
         "are held once, by the device identity, not per session)\n",
         sizeof(ot_spdm_rsp_session), sizeof(ot_spdm_req_session), sizeof(ot_spdm_responder),
         sizeof(ot_spdm_requester));
  return 0;
}
