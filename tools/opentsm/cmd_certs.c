/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm certs: generates a device certificate hierarchy (root ->
 * intermediate -> SPDM device leaf, opentsm/spdm_identity.h) and writes
 * each certificate as DER, each private key as its raw big-endian scalar
 * (mode 0600), the DER chain, and the SPDM certificate-chain blob that
 * GET_CERTIFICATE carries (DSP0274 1.3 §10.6: Length | Reserved | RootHash |
 * DER chain) with SHA-384 for P-384 and SHA-256 for P-256.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli_util.h"
#include "commands.h"
#include "opentsm/secure.h"
#include "opentsm/spdm_identity.h"
#include "opentsm/x509.h"

#define USAGE                                                                                      \
  "usage: opentsm certs --out DIR [--curve p384|p256|rsa2048|rsa3072|rsa4096] [--seed N]\n"        \
  "                     [--force] [--requester]\n"

const char ot_usage_certs[] =
    USAGE "Generates a device hierarchy into DIR (created if missing):\n"
          "  root.der intermediate.der leaf.der   certificates (DER)\n"
          "  root.key intermediate.key leaf.key   raw private scalars (RSA: DER\n"
          "                                       RSAPrivateKey), mode 0600\n"
          "  chain.der                            root|intermediate|leaf DER\n"
          "  chain.spdm                           the SPDM cert-chain blob (SHA-384 for\n"
          "                                       P-384 and RSA, SHA-256 for P-256)\n"
          "--requester makes a requester's (a TSM's) hierarchy instead: its leaf carries\n"
          "the SPDM requester EKU, for mutual authentication: `opentsm connect\n"
          "--req-cert-chain DIR/chain.der --req-key DIR/leaf.key`, trusted by `opentsm\n"
          "device --mut-auth encap --req-ca DIR/root.der`. --curve rsaNNNN gives an RSA\n"
          "TSM key (ReqBaseAsymAlg RSASSA/RSAPSS of that size: what spdm_responder_emu\n"
          "accepts by default).\n"
          "Existing files are never overwritten unless --force. --seed N makes the EC keys\n"
          "reproducible (for tests only: a seeded key is not secret); RSA keys come from\n"
          "OpenSSL's generator whatever the seed.\n"
          "exit codes: 0 written, 1 generation failed, 2 usage, 3 a file exists or cannot\n"
          "            be written\n";

static int usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "opentsm certs: %s%s%s\n" USAGE, msg, arg ? ": " : "", arg ? arg : "");
  return OT_EXIT_USAGE;
}

typedef struct out_file {
  const char *name;
  const uint8_t *data;
  size_t len;
  unsigned mode;
} out_file;

/* Everything secret or large, on the heap and wiped. */
typedef struct certs_ctx {
  cli_rng rng;
  ot_spdm_hierarchy h;
  ot_spdm_identity id;
  uint8_t blob[OT_SPDM_ID_CHAIN_MAX + 4 + OT_HASH_MAX_SIZE];
} certs_ctx;

static int generate(certs_ctx *c, const char *dir, ot_curve curve, bool has_seed, uint64_t seed,
                    bool force, bool requester) {
  ot_status st = cli_rng_init(&c->rng, has_seed, seed, "opentsm certs");
  time_t now = time(NULL);
  if (ot_ok(st) && requester)
    st = ot_spdm_hierarchy_generate_requester(&c->h, curve, cli_rng_get(&c->rng), now - 3600,
                                              now + 3650L * 86400);
  else if (ot_ok(st))
    st = ot_spdm_hierarchy_generate(&c->h, curve, cli_rng_get(&c->rng), now - 3600,
                                    now + 3650L * 86400, "opentsm:certs:0001");
  ot_spdm_identity_init(&c->id);
  if (ot_ok(st)) st = ot_spdm_identity_install(&c->id, 0, 0, 1, &c->h);
  ot_hash_alg hash = curve == OT_CURVE_P256 ? OT_HASH_SHA256 : OT_HASH_SHA384;
  size_t blob_len = 0;
  if (ot_ok(st)) st = ot_spdm_identity_chain_len(&c->id, 0, hash, &blob_len);
  if (ot_ok(st) && blob_len > sizeof(c->blob)) st = ot_status_of(OT_E_TOO_LARGE);
  if (ot_ok(st)) st = ot_spdm_identity_chain_read(&c->id, 0, hash, 0, blob_len, c->blob);
  ot_x509_chain x;
  if (ot_ok(st)) st = ot_x509_chain_parse(c->h.der, c->h.der_len, &x);
  if (ot_ok(st) && x.count != 3) st = ot_status_of(OT_E_MALFORMED);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm certs: generation failed (%s)\n", ot_status_message(st));
    return OT_EXIT_FAILURE;
  }
  const out_file files[] = {
      {"root.der", x.certs[0].der, x.certs[0].len, 0644},
      {"intermediate.der", x.certs[1].der, x.certs[1].len, 0644},
      {"leaf.der", x.certs[2].der, x.certs[2].len, 0644},
      {"chain.der", c->h.der, c->h.der_len, 0644},
      {"chain.spdm", c->blob, blob_len, 0644},
      {"root.key", c->h.root_priv, c->h.root_priv_len, 0600},
      {"intermediate.key", c->h.inter_priv, c->h.inter_priv_len, 0600},
      {"leaf.key", c->h.leaf_priv, c->h.leaf_priv_len, 0600},
  };
  char path[4096];
  /* Check first, so that a refusal leaves the directory as it was. */
  if (!force) {
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
      snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
      struct stat sb;
      if (stat(path, &sb) == 0) {
        fprintf(stderr, "opentsm certs: %s exists (use --force to overwrite)\n", path);
        return OT_EXIT_IO;
      }
    }
  }
  for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
    st = cli_write_file(path, files[i].data, files[i].len, files[i].mode, force);
    if (!ot_ok(st)) {
      fprintf(stderr, "opentsm certs: cannot write %s (%s)\n", path, ot_status_message(st));
      return OT_EXIT_IO;
    }
    printf("wrote %s (%zu bytes%s)\n", path, files[i].len,
           files[i].mode == 0600 ? ", private key, mode 0600" : "");
  }
  return OT_EXIT_OK;
}

int ot_cmd_certs(int argc, char **argv) {
  const char *dir = NULL;
  ot_curve curve = OT_CURVE_P384;
  bool has_seed = false, force = false, requester = false;
  uint64_t seed = 0;
  int i = 0;
  while (++i < argc) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--force") == 0) {
      force = true;
      continue;
    }
    if (strcmp(a, "--requester") == 0) {
      requester = true;
      continue;
    }
    if (v == NULL) return usage_error("unknown option or missing value", a);
    if (strcmp(a, "--out") == 0) {
      dir = v;
    } else if (strcmp(a, "--curve") == 0) {
      if (strcmp(v, "p384") == 0)
        curve = OT_CURVE_P384;
      else if (strcmp(v, "p256") == 0)
        curve = OT_CURVE_P256;
      else if (strcmp(v, "rsa2048") == 0)
        curve = OT_KEY_RSA2048;
      else if (strcmp(v, "rsa3072") == 0)
        curve = OT_KEY_RSA3072;
      else if (strcmp(v, "rsa4096") == 0)
        curve = OT_KEY_RSA4096;
      else
        return usage_error("unknown curve", v);
    } else if (strcmp(a, "--seed") == 0) {
      if (!cli_parse_u64(v, UINT64_MAX, &seed)) return usage_error("bad seed", v);
      has_seed = true;
    } else {
      return usage_error("unknown option", a);
    }
    i++;
  }
  if (dir == NULL) return usage_error("missing --out DIR", NULL);
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "opentsm certs: cannot create %s (%s)\n", dir, strerror(errno));
    return OT_EXIT_IO;
  }
  certs_ctx *c = calloc(1, sizeof(*c));
  if (c == NULL) {
    fprintf(stderr, "opentsm certs: out of memory\n");
    return OT_EXIT_FAILURE;
  }
  int rc = generate(c, dir, curve, has_seed, seed, force, requester);
  ot_spdm_hierarchy_clear(&c->h);
  ot_spdm_identity_clear(&c->id);
  cli_rng_free(&c->rng);
  ot_zeroize(c, sizeof(*c));
  free(c);
  return rc;
}
