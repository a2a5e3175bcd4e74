/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fw_features: the SPDM features a firmware profile leaves out
 * (opentsm/spdm_features.h, OT_FW_<GROUP>) are neither advertised nor served.
 * Built from the firmware archives of this tree, it runs VCA against the
 * profile's responder (ot_fw_device, configured as a device vendor would, with
 * ot_spdm_responder_config_default) and checks, for every group left out:
 *  - CAPABILITIES carries none of its flags (DSP0274 1.2 §10.4), nor VERSION
 *    its versions (§10.3), and a request in such a version is refused with
 *    VersionMismatch (§10.12);
 *  - each of its requests gets ERROR(UnsupportedRequest, code) (§10.12), in the
 *    clear after NEGOTIATE_ALGORITHMS, and the connection goes on (a
 *    GET_DIGESTS after them is answered);
 *  - ot_spdm_responder_init refuses a configuration that asks for its flags.
 * For every group built in, its flags are among OT_SPDM_RSP_CAPS_BUILT.
 * Without 1.0/1.1, their transcript and signing paths are not built
 * (OT_SPDM_PRE_12): a 1.1 version reaching them is refused, not served by
 * the 1.2 path.
 * usage: fw_features SAMPLE_KEY_DIR
 */
#include <stdio.h>
#include <string.h>

#include "fw_device.h"
#include "opentsm/crypto.h"
#include "opentsm/spdm_transcript.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      printf("fw_features: FAIL: " __VA_ARGS__);                                                   \
      printf("\n");                                                                                \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

typedef struct group {
  const char *name;
  bool built;
  uint32_t caps;          /* its CAPABILITIES flags */
  uint8_t codes[4];       /* its request codes (0: none further) */
} group;

static const group groups[] = {
    {"PSK", OT_SPDM_WITH_PSK, OT_SPDM_CAP_PSK_MASK, {OT_SPDM_PSK_EXCHANGE, OT_SPDM_PSK_FINISH}},
    {"MUT_AUTH",
     OT_SPDM_WITH_MUT_AUTH,
     OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP,
     {OT_SPDM_GET_ENCAPSULATED_REQUEST, OT_SPDM_DELIVER_ENCAPSULATED_RESPONSE}},
    {"PROVISION",
     OT_SPDM_WITH_PROVISION,
     OT_SPDM_CAP_CSR | OT_SPDM_CAP_SET_CERT,
     {OT_SPDM_GET_CSR, OT_SPDM_SET_CERTIFICATE}},
    {"MEL", OT_SPDM_WITH_MEL, OT_SPDM_CAP_MEL, {OT_SPDM_GET_MEASUREMENT_EXTENSION_LOG}},
    {"EP_INFO", OT_SPDM_WITH_EP_INFO, OT_SPDM_CAP_EP_INFO_MASK, {OT_SPDM_GET_ENDPOINT_INFO}},
    {"KEY_PAIR_INFO",
     OT_SPDM_WITH_KEY_PAIR_INFO,
     OT_SPDM_CAP_GET_KEY_PAIR_INFO | OT_SPDM_CAP_SET_KEY_PAIR_INFO | OT_SPDM_CAP_MULTI_KEY_MASK,
     {OT_SPDM_GET_KEY_PAIR_INFO}},
    {"CHUNK", OT_SPDM_WITH_CHUNK, OT_SPDM_CAP_CHUNK, {OT_SPDM_CHUNK_SEND, OT_SPDM_CHUNK_GET}},
    {"HITC", OT_SPDM_WITH_HITC, OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR, {0}},
};

static ot_spdm_identity id;
static ot_fw_device dev;

static bool never_secure(ot_tdisp_device_ops *o, uint8_t stream) {
  (void)o;
  (void)stream;
  return false;
}

/* One request through the responder; the response in rsp. */
static size_t ask(const uint8_t *req, size_t len, uint8_t *rsp, size_t cap) {
  size_t n = 0;
  ot_status st = ot_spdm_responder_handle(&dev.rsp, req, len, rsp, cap, &n);
  CHECK(ot_ok(st), "request 0x%02X: %s", len > 1 ? req[1] : 0, ot_status_name(st));
  return ot_ok(st) ? n : 0;
}

static bool is_error(const uint8_t *rsp, size_t n, uint8_t code, uint8_t data) {
  return n >= 4 && rsp[1] == OT_SPDM_ERROR && rsp[2] == code && rsp[3] == data;
}

static size_t encode(uint8_t version, const ot_spdm_request *m, uint8_t *buf, size_t cap) {
  ot_writer w;
  ot_writer_init(&w, buf, cap);
  ot_spdm_sizes sz = {.version = version};
  ot_status st = ot_spdm_encode_request(&sz, &w, m);
  CHECK(ot_ok(st), "encoding request 0x%02X: %s", m->code, ot_status_name(st));
  return ot_writer_len(&w);
}

static void check_vca(void) {
  uint8_t q[256], a[1024];
  /* GET_VERSION: 1.0 header (DSP0274 §10.3). */
  const uint8_t get_version[4] = {OT_SPDM_VERSION_10, OT_SPDM_GET_VERSION, 0, 0};
  size_t n = ask(get_version, sizeof(get_version), a, sizeof(a));
  CHECK(n >= 6 && a[1] == OT_SPDM_VERSION, "no VERSION");
  uint8_t listed = 0;
  for (size_t i = 0; n >= 6 && i < a[5] && 6 + 2 * i + 1 < n; i++) {
    listed |= ot_spdm_vmask_of(a[6 + 2 * i + 1]); /* high byte: Major.Minor (§10.3) */
  }
  CHECK(listed != 0 && (listed & ~(uint8_t)OT_SPDM_VMASK_BUILT) == 0,
        "VERSION lists versions this build leaves out (0x%02X)", listed);
  if (!OT_SPDM_WITH_V10_11) {
    /* A 1.1 GET_CAPABILITIES: not a version this build speaks. */
    ot_spdm_request m = {.code = OT_SPDM_GET_CAPABILITIES};
    size_t l = encode(OT_SPDM_VERSION_11, &m, q, sizeof(q));
    n = ask(q, l, a, sizeof(a));
    CHECK(is_error(a, n, OT_SPDM_ERR_VERSION_MISMATCH, 0), "1.1 GET_CAPABILITIES not refused");
  }
  ot_spdm_request caps = {.code = OT_SPDM_GET_CAPABILITIES};
  caps.u.get_capabilities = (ot_spdm_capabilities){
      .flags = OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC |
               OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_HBEAT | OT_SPDM_CAP_KEY_UPD |
               OT_SPDM_CAP_MUT_AUTH | OT_SPDM_CAP_ENCAP | OT_SPDM_CAP_PSK |
               OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR | OT_SPDM_CAP_CHUNK,
      .data_transfer_size = 0x1200,
      .max_msg_size = 0x1200};
  n = ask(q, encode(OT_SPDM_VERSION_12, &caps, q, sizeof(q)), a, sizeof(a));
  CHECK(n >= 12 && a[1] == OT_SPDM_CAPABILITIES, "no CAPABILITIES");
  uint32_t flags = n >= 12 ? ot_load_u32le(a + 8) : 0;
  for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
    if (!groups[g].built)
      CHECK((flags & groups[g].caps) == 0, "CAPABILITIES advertises %s (flags 0x%08X)",
            groups[g].name, flags);
    else
      CHECK((OT_SPDM_RSP_CAPS_BUILT & groups[g].caps) != 0, "%s built, its flags are not",
            groups[g].name);
  }
  ot_spdm_request alg = {.code = OT_SPDM_NEGOTIATE_ALGORITHMS};
  ot_spdm_offer_build(&ot_spdm_alg_prefs_all, OT_SPDM_VERSION_12, false,
                      &alg.u.negotiate_algorithms);
  n = ask(q, encode(OT_SPDM_VERSION_12, &alg, q, sizeof(q)), a, sizeof(a));
  CHECK(n >= 4 && a[1] == OT_SPDM_ALGORITHMS, "no ALGORITHMS (0x%02X 0x%02X)", n ? a[1] : 0,
        n > 2 ? a[2] : 0);
}

static void check_refusals(void) {
  uint8_t a[1024];
  for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
    if (groups[g].built) continue;
    for (size_t i = 0; i < sizeof(groups[g].codes) && groups[g].codes[i]; i++) {
      uint8_t code = groups[g].codes[i];
      const uint8_t q[8] = {OT_SPDM_VERSION_12, code, 0, 0, 0, 0, 0, 0};
      size_t n = ask(q, sizeof(q), a, sizeof(a));
      CHECK(is_error(a, n, OT_SPDM_ERR_UNSUPPORTED_REQUEST, code),
            "%s: request 0x%02X not refused with UnsupportedRequest", groups[g].name, code);
    }
  }
  /* The connection is still there. */
  const uint8_t digests[4] = {OT_SPDM_VERSION_12, OT_SPDM_GET_DIGESTS, 0, 0};
  size_t n = ask(digests, sizeof(digests), a, sizeof(a));
  CHECK(n >= 4 && a[1] == OT_SPDM_DIGESTS, "GET_DIGESTS after the refusals not answered");
}

static void check_config(void) {
  static ot_spdm_responder r;
  for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
    if (groups[g].built) continue;
    ot_spdm_responder_config c = dev.rcfg;
    c.caps |= groups[g].caps;
    CHECK(ot_is(ot_spdm_responder_init(&r, &c), OT_E_ARG),
          "a configuration with %s flags accepted", groups[g].name);
  }
  if (!OT_SPDM_WITH_V10_11) {
    ot_spdm_responder_config c = dev.rcfg;
    c.versions |= OT_SPDM_VMASK_11;
    CHECK(ot_is(ot_spdm_responder_init(&r, &c), OT_E_ARG), "a configuration with 1.1 accepted");
  }
  if (!OT_SPDM_WITH_MUT_AUTH) {
    ot_spdm_responder_config c = dev.rcfg;
    c.mut_auth = OT_SPDM_MUT_AUTH_WITH_ENCAP_REQUEST;
    CHECK(ot_is(ot_spdm_responder_init(&r, &c), OT_E_ARG), "MutAuthRequested accepted");
  }
}

/* DSP0274 1.2 "Transcript and transcript hash calculation" and "Signature
 * generation": L1 = A || M and the signing prefix exist from 1.2; the 1.0/1.1
 * forms are left out with those versions, and their versions refused. */
static void check_pre_12(void) {
  if (OT_SPDM_WITH_V10_11) return;
  ot_spdm_transcript t;
  ot_spdm_transcript_init(&t);
  CHECK(ot_is(ot_spdm_transcript_set_algorithms(&t, OT_SPDM_VERSION_11, OT_HASH_SHA384, false),
              OT_E_VERSION),
        "a 1.1 transcript accepted");
  CHECK(ot_ok(ot_spdm_transcript_set_algorithms(&t, OT_SPDM_VERSION_12, OT_HASH_SHA384, false)),
        "a 1.2 transcript refused");
  ot_spdm_transcript_free(&t);
  const ot_spdm_id_key *k = &id.keys[id.slots[0].key];
  uint8_t th[48] = {0}, sig[96];
  size_t n = 0;
  CHECK(ot_is(ot_spdm_signature_sign(OT_SPDM_VERSION_11, OT_SPDM_ASYM_ECDSA_P384, OT_HASH_SHA384,
                                     k->priv, k->priv_len, OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_RSP, th,
                                     sizeof(th), sig, sizeof(sig), &n),
              OT_E_VERSION),
        "a 1.1 signature (Hash(T) alone) made");
  CHECK(ot_ok(ot_spdm_signature_sign(OT_SPDM_VERSION_12, OT_SPDM_ASYM_ECDSA_P384, OT_HASH_SHA384,
                                     k->priv, k->priv_len, OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_RSP, th,
                                     sizeof(th), sig, sizeof(sig), &n)) &&
            n == sizeof(sig),
        "a 1.2 signature refused");
}

int main(int argc, char **argv) {
  if (argc != 2) {
    printf("usage: fw_features SAMPLE_KEY_DIR\n");
    return 2;
  }
  ot_spdm_identity_init(&id);
  ot_status st = ot_spdm_identity_load_dmtf_sample(&id, argv[1], OT_CURVE_P384, false);
  if (!ot_ok(st)) {
    printf("fw_features: identity: %s\n", ot_status_name(st));
    return 1;
  }
  static ot_tdisp_device_ops ide = {.stream_secure = never_secure};
  ot_fw_device_config c = {.id = &id,
                           .rng = ot_rng_os(),
                           .ide_state = &ide,
                           .tdisp = {.lock_flags_supported = 0x0007, .dev_addr_width = 48}};
  st = ot_fw_device_init(&dev, &c);
  if (!ot_ok(st)) {
    printf("fw_features: device: %s\n", ot_status_name(st));
    return 1;
  }
  check_vca();
  check_refusals();
  check_config();
  check_pre_12();
  ot_fw_device_free(&dev);
  ot_spdm_identity_clear(&id);
  printf("fw_features: %s (left out:", failures ? "FAIL" : "ok");
  for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
    if (!groups[g].built) printf(" %s", groups[g].name);
  printf("%s)\n", OT_SPDM_WITH_V10_11 ? "" : " V10_11");
  return failures ? 1 : 0;
}
