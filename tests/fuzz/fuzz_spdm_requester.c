/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzer for the SPDM requester engine (opentsm/spdm.h): the requester runs
 * its whole flow (VCA, digests, certificate, challenge, measurements,
 * KEY_EXCHANGE/FINISH, heartbeat, VDM, in-session measurements, KEY_UPDATE,
 * END_SESSION) against a scripted "responder" over a DOE transport.
 *
 * Input:
 *   byte 0            prefix: how many exchanges a real responder answers
 *                     before the fuzzer takes over (so that the fuzzer reaches
 *                     the certificate, challenge and session states)
 *   byte 1, bit 0     SPDM 1.3 instead of 1.2
 *   byte 1, bit 1     the responder's DataTransferSize is 64 (CHUNK_SEND and
 *                     CHUNK_GET paths)
 *   byte 1, bit 2     handshake in the clear on both sides
 *   then responses:   length(2, LE) || bytes, one per later exchange; a plain
 *                     exchange returns them as they are, a secured one seals
 *                     them with the real responder's session keys when that
 *                     session exists (so in-session responses are reached),
 *                     else returns them as the record. Out of data: I/O error.
 * Every random source is reseeded per input and the device identity is the
 * DMTF sample one, so real responses replay exactly (the seeds in corpus/ are
 * real responder outputs: each file is a prefix byte, a flags byte, then the
 * exact responses (plaintext for secured exchanges) the real responder gave
 * after that prefix in a run of this very flow, named real_f<flags>_p<prefix>).
 *
 * Properties: nothing crashes; a failure is sticky (after the connection is
 * marked failed, every call fails without touching the transport); no call
 * leaves a half-built session (every live session is established).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/spdm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(void) { abort(); }

static ot_spdm_identity id;
static bool ready;

typedef struct echo {
  ot_spdm_vdm_handler base;
} echo;

static ot_status echo_handle(ot_spdm_vdm_handler *h, uint32_t sid, const uint8_t *req, size_t len,
                             uint8_t *rsp, size_t cap, size_t *rsp_len) {
  (void)h, (void)sid;
  OT_ENSURE(len <= cap, OT_E_NO_SPACE);
  memcpy(rsp, req, len);
  *rsp_len = len;
  return OT_SUCCESS;
}

/* The scripted responder. */
typedef struct script {
  ot_doe_transport base;
  ot_spdm_doe_loopback *live; /* the real responder behind it */
  ot_spdm_responder *rsp;
  size_t prefix, exchanges;
  const uint8_t *data;
  size_t size, off;
} script;

static bool next_chunk(script *s, const uint8_t **p, size_t *n) {
  if (s->size - s->off < 2) return false;
  size_t len = (size_t)s->data[s->off] | ((size_t)s->data[s->off + 1] << 8);
  s->off += 2;
  if (len > s->size - s->off) len = s->size - s->off;
  *p = s->data + s->off;
  *n = len;
  s->off += len;
  return true;
}

static ot_spdm_rsp_session *rsp_session(ot_spdm_responder *r, const uint8_t *rec, size_t len) {
  uint32_t sid;
  if (!ot_ok(ot_spdm_secured_session_id(rec, len, &sid))) return NULL;
  for (size_t i = 0; i < OT_SPDM_RSP_MAX_SESSIONS; i++)
    if (r->sessions[i].used && r->sessions[i].s.session_id == sid) return &r->sessions[i];
  return NULL;
}

static ot_status script_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                 const uint8_t *req, size_t req_len, uint8_t *rsp, size_t cap,
                                 size_t *rsp_len) {
  script *s = (script *)t;
  if (s->exchanges++ < s->prefix)
    return ot_doe_exchange(&s->live->base, vendor, type, req, req_len, rsp, cap, rsp_len);
  const uint8_t *p;
  size_t n;
  OT_ENSURE(next_chunk(s, &p, &n), OT_E_IO);
  ot_spdm_rsp_session *rs =
      type == OT_DOE_TYPE_SECURED_SPDM ? rsp_session(s->rsp, req, req_len) : NULL;
  if (rs && rs->s.state != OT_SPDM_SESSION_FAILED) {
    /* Open the request with the responder's keys (keeps the sequence numbers
     * in step), then seal the fuzzer's bytes as the response. */
    static uint8_t plain[OT_SPDM_LARGE_MAX + 256];
    size_t pn;
    if (ot_ok(ot_spdm_secured_decode(&rs->s, req, req_len, plain, sizeof(plain), &pn)) &&
        ot_ok(ot_spdm_secured_encode(&rs->s, p, n, rsp, cap, rsp_len)))
      return OT_SUCCESS;
  }
  OT_ENSURE(n <= cap, OT_E_NO_SPACE);
  memcpy(rsp, p, n);
  *rsp_len = n;
  return OT_SUCCESS;
}

/* The DMTF sample identity (fixed keys and certificates, unlike a generated
 * hierarchy whose signatures differ per process), so that recorded responder
 * outputs replay. Found beside this file: ../vectors/spdm-emu/sample_key. */
static void sample_key_dir(char *out, size_t cap) {
  const char *me = __FILE__;
  const char *cut = strstr(me, "fuzz/fuzz_spdm_requester.c");
  size_t n = cut ? (size_t)(cut - me) : 0;
  static const char rest[] = "vectors/spdm-emu/sample_key";
  if (n + sizeof(rest) > cap) die();
  memcpy(out, me, n);
  memcpy(out + n, rest, sizeof(rest));
}

static void setup_once(void) {
  if (ready) return;
  char dir[1024];
  sample_key_dir(dir, sizeof(dir));
  ot_spdm_identity_init(&id);
  if (!ot_ok(ot_spdm_identity_load_dmtf_sample(&id, dir, OT_CURVE_P256, false))) die();
  static const uint8_t fw[] = "firmware";
  ot_spdm_device_model dm = {.rom = fw,
                             .rom_len = 3,
                             .firmware = fw,
                             .firmware_len = sizeof(fw),
                             .hw_config = fw,
                             .hw_config_len = 2,
                             .fw_config = fw,
                             .fw_config_len = 2,
                             .version = "1",
                             .svn = 1};
  if (!ot_ok(ot_spdm_identity_add_device_meas(&id, &dm))) die();
  ready = true;
}

/* Everything one run needs; static: several KiB. */
static struct run {
  ot_drbg drbg_dev, drbg_host;
  ot_sim_clock clock;
  ot_spdm_responder_config rcfg;
  ot_spdm_responder rsp;
  ot_spdm_doe_binding bind;
  ot_doe_responder dev;
  ot_spdm_doe_loopback loop;
  ot_x509_cert anchor;
  ot_spdm_requester_config qcfg;
  ot_spdm_requester req;
  echo vdm;
  script sc;
  uint8_t buf[OT_SPDM_LARGE_MAX];
} R;

static void drbg(ot_drbg *d, uint8_t v) {
  uint8_t e[48];
  memset(e, v, sizeof(e));
  if (!ot_ok(ot_drbg_instantiate(d, e, 32, e + 32, 16, NULL, 0))) die();
}

/* After any call: failure is sticky and no session is half-built. */
static void check(ot_status st) {
  ot_spdm_requester *q = &R.req;
  for (size_t i = 0; i < OT_SPDM_REQ_MAX_SESSIONS; i++)
    if (q->sessions[i].used && q->sessions[i].s.state != OT_SPDM_SESSION_ESTABLISHED) die();
  if (!q->failed) return;
  if (ot_ok(st)) die(); /* a call that succeeded cannot have failed the connection */
  size_t before = R.sc.exchanges;
  uint8_t mask;
  if (ot_ok(ot_spdm_requester_get_digests(q, &mask))) die();
  if (ot_ok(ot_spdm_requester_challenge(q, 0, 0, NULL))) die();
  if (R.sc.exchanges != before) die();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  setup_once();
  if (size < 2) return 0;
  uint8_t prefix = data[0], flags = data[1];
  memset(&R, 0, sizeof(R));
  drbg(&R.drbg_dev, 1);
  drbg(&R.drbg_host, 2);
  ot_sim_clock_init(&R.clock, 0);
  uint8_t versions = (flags & 1) ? OT_SPDM_VMASK_13 : OT_SPDM_VMASK_12;
  ot_spdm_responder_config_default(&R.rcfg, &id, &R.drbg_dev.rng);
  R.rcfg.versions = versions;
  if (flags & 2) R.rcfg.data_transfer_size = 64;
  if (flags & 4) R.rcfg.caps |= OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR;
  R.vdm.base = (ot_spdm_vdm_handler){.standard_id = OT_SPDM_REGISTRY_PCISIG,
                                     .vendor_id = 1,
                                     .protocol_id = 0x7f,
                                     .handle = echo_handle};
  R.rcfg.vdm[0] = &R.vdm.base;
  R.rcfg.vdm_count = 1;
  if (!ot_ok(ot_spdm_responder_init(&R.rsp, &R.rcfg))) die();
  ot_spdm_doe_binding_init(&R.bind, &R.rsp);
  ot_doe_responder_init(&R.dev);
  if (!ot_ok(ot_doe_responder_add(&R.dev, &R.bind.plain.base)) ||
      !ot_ok(ot_doe_responder_add(&R.dev, &R.bind.secured.base)))
    die();
  ot_spdm_doe_loopback_init(&R.loop, &R.dev);
  R.sc = (script){.base = {.exchange = script_exchange},
                  .live = &R.loop,
                  .rsp = &R.rsp,
                  .prefix = prefix,
                  .data = data + 2,
                  .size = size - 2};
  if (!ot_ok(ot_spdm_identity_root(&id, 0, &R.anchor))) die();
  ot_spdm_requester_config_default(&R.qcfg, &R.drbg_host.rng, &R.clock.base);
  R.qcfg.versions = versions;
  R.qcfg.anchors = &R.anchor;
  R.qcfg.anchor_count = 1;
  R.qcfg.now = 1700000000;
  if (flags & 2) R.qcfg.data_transfer_size = 64;
  if (flags & 4) R.qcfg.caps |= OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR;
  ot_spdm_requester *q = &R.req;
  if (!ot_ok(ot_spdm_requester_init(q, &R.qcfg, &R.sc.base))) die();

  uint8_t mask;
  size_t n;
  ot_spdm_meas_result res;
  uint32_t sid = 0;
  check(ot_spdm_requester_connect(q));
  check(ot_spdm_requester_get_digests(q, &mask));
  check(ot_spdm_requester_get_certificate(q, 0, 0, R.buf, sizeof(R.buf), &n));
  check(ot_spdm_requester_challenge(q, 0, OT_SPDM_MEAS_SUMMARY_ALL, R.buf));
  check(ot_spdm_requester_get_measurements(q, OT_SPDM_MEAS_OP_COUNT, false, 0, R.buf, sizeof(R.buf),
                                           &res));
  check(ot_spdm_requester_get_measurements(q, OT_SPDM_MEAS_OP_ALL, true, 0, R.buf, sizeof(R.buf),
                                           &res));
  check(ot_spdm_requester_start_session(q, 0, OT_SPDM_MEAS_SUMMARY_TCB, &sid));
  check(ot_spdm_requester_heartbeat(q, sid));
  static const uint8_t ping[200] = {1, 2, 3};
  check(ot_spdm_requester_vdm(q, sid, OT_SPDM_REGISTRY_PCISIG, 1, 0x7f, ping, sizeof(ping), R.buf,
                              sizeof(R.buf), &n));
  check(ot_spdm_requester_session_measurements(q, sid, OT_SPDM_MEAS_OP_ALL, true, 0, R.buf,
                                               sizeof(R.buf), &res));
  check(ot_spdm_requester_key_update(q, sid, true));
  check(ot_spdm_requester_end_session(q, sid));
  ot_spdm_requester_free(q);
  ot_spdm_responder_free(&R.rsp);
  ot_drbg_uninstantiate(&R.drbg_dev);
  ot_drbg_uninstantiate(&R.drbg_host);
  return 0;
}
