/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzer for the SPDM responder engine (opentsm/spdm.h): arbitrary request
 * sequences in each connection state.
 *   byte 0, bits 1:0  state to start from: 0 NOT_STARTED, 1 after VERSION,
 *                     2 after CAPABILITIES, 3 NEGOTIATED (with real requests)
 *   byte 0, bit 2     SPDM 1.3 instead of 1.2
 *   byte 0, bit 3     the responder offers HANDSHAKE_IN_THE_CLEAR
 *   byte 0, bit 4     the responder's DataTransferSize is 42, so that large
 *                     requests come as CHUNK_SEND pieces that fit a message
 *   byte 0, bit 5     the responder serves PSK sessions (PSK_CAP 10b, or 01b
 *                     with bit 6) for the PSKHint "fuzz" (PSK 16 bytes of 0x11)
 *   byte 0, bit 7     the responder offers GET_/SET_KEY_PAIR_INFO_CAP over a
 *                     table of 3 key pairs (KeyPairID 1 the identity's key)
 *   then messages:    length(1, 0 = 256) || bytes
 * Properties: nothing crashes; every request of at least 4 bytes gets exactly
 * one response, which is an SPDM response (code bit 7 clear) in version 1.0,
 * 1.2 or 1.3, no larger than the requester's DataTransferSize; shorter requests
 * get none.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/spdm.h"
#include "opentsm/spdm_key_pairs.h"

#include "fuzz_identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ot_drbg drbg;
static ot_spdm_identity id;
static ot_spdm_responder_config cfg;
static ot_spdm_responder rsp;
static bool ready;
static uint8_t out[OT_SPDM_LARGE_MAX + 256];
static const uint8_t fz_psk_key[16] = {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                       0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11};
static const ot_spdm_psk fz_psk = {
    .hint = (const uint8_t *)"fuzz", .hint_len = 4, .key = fz_psk_key, .key_len = 16};

static void die(void) { abort(); }

/* Key pairs (byte 0 bit 7): rebuilt for each input, changed in place. */
static ot_spdm_key_pairs kps;
static ot_status fz_set_key_pair(void *ctx, const ot_spdm_set_key_pair_info *req) {
  (void)ctx;
  return ot_spdm_key_pairs_apply(&kps, req, &drbg.rng);
}

static void setup_once(void) {
  if (ready) return;
  fz_identity_p256(&id, &drbg, 42);
  ready = true;
}

static void check_response(const uint8_t *req_data, size_t n, ot_status st, size_t olen) {
  if (n < OT_SPDM_HEADER_SIZE) {
    if (ot_ok(st)) die();
    return;
  }
  (void)req_data;
  if (!ot_ok(st) || olen < OT_SPDM_HEADER_SIZE) die();
  if (OT_SPDM_CODE_IS_REQUEST(out[1])) die();
  /* VERSION and ERROR before negotiation are 1.0; after it, the negotiated
   * version, one of 1.0 .. 1.4 (DSP0274 §9 "SPDMVersion"). */
  if (out[0] < OT_SPDM_VERSION_10 || out[0] > OT_SPDM_VERSION_14) die();
  /* A 1.0/1.1 requester announces no DataTransferSize (0: no limit). */
  if (rsp.state >= OT_SPDM_CONN_AFTER_CAPS && rsp.req_data_transfer_size != 0 &&
      olen > rsp.req_data_transfer_size)
    die();
}

/* Sends a whole request, in CHUNK_SEND pieces when it exceeds the responder's
 * DataTransferSize (DSP0274 1.2 §10.16); the last ACK must carry a response. */
static void send_whole(const ot_spdm_sizes *sz, const uint8_t *msg, size_t len) {
  size_t olen, dts = cfg.data_transfer_size;
  if (len <= dts) {
    if (!ot_ok(ot_spdm_responder_handle(&rsp, msg, len, out, sizeof(out), &olen))) die();
    return;
  }
  size_t off = 0;
  for (uint16_t seq = 0; off < len; seq++) {
    size_t room = dts - 12 - (seq == 0 ? 4 : 0), take = len - off < room ? len - off : room;
    ot_spdm_chunk m = {.last = off + take == len,
                       .handle = 1,
                       .seq_no = seq,
                       .large_message_size = seq == 0 ? (uint32_t)len : 0,
                       .chunk_size = (uint32_t)take,
                       .chunk = msg + off};
    uint8_t piece[64];
    ot_writer w;
    ot_writer_init(&w, piece, sizeof(piece));
    if (!ot_ok(ot_spdm_encode_chunk_send(sz, &w, &m))) die();
    if (!ot_ok(ot_spdm_responder_handle(&rsp, piece, ot_writer_len(&w), out, sizeof(out), &olen)))
      die();
    if (out[1] != OT_SPDM_CHUNK_SEND_ACK || (out[2] & OT_SPDM_CHUNK_EARLY_ERROR)) die();
    if (m.last && olen < 6 + OT_SPDM_HEADER_SIZE) die();
    off += take;
  }
}

/* Drives a fresh connection with canned, valid VCA requests. */
static void drive(unsigned state, uint8_t version) {
  ot_spdm_sizes sz = {.version = version};
  uint8_t b[160];
  for (unsigned i = 0; i < state; i++) {
    ot_writer w;
    ot_writer_init(&w, b, sizeof(b));
    ot_spdm_request m = {0};
    if (i == 0) m.code = OT_SPDM_GET_VERSION;
    if (i == 1) {
      m.code = OT_SPDM_GET_CAPABILITIES;
      m.u.get_capabilities = (ot_spdm_capabilities){
          .flags = OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC |
                   OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_HBEAT | OT_SPDM_CAP_KEY_UPD |
                   OT_SPDM_CAP_CHUNK | OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR | OT_SPDM_CAP_PSK,
          .data_transfer_size = 256,
          .max_msg_size = 0x10000};
    }
    if (i == 2) {
      m.code = OT_SPDM_NEGOTIATE_ALGORITHMS;
      ot_spdm_offer_build(&ot_spdm_alg_prefs_all, version, false, &m.u.negotiate_algorithms);
    }
    if (!ot_ok(ot_spdm_encode_request(&sz, &w, &m))) die();
    send_whole(&sz, b, ot_writer_len(&w));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  setup_once();
  if (size < 1) return 0;
  uint8_t sel = data[0];
  uint8_t version = (sel & 4) ? OT_SPDM_VERSION_13 : OT_SPDM_VERSION_12;
  ot_spdm_responder_config_default(&cfg, &id, &drbg.rng);
  if (sel & 8) cfg.caps |= OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR;
  if (sel & 16) cfg.data_transfer_size = OT_SPDM_MIN_DATA_TRANSFER_SIZE;
  if (sel & 32) {
    cfg.caps |= (sel & 64) ? OT_SPDM_CAP_PSK : OT_SPDM_CAP_PSK_WITH_CONTEXT;
    cfg.psk = &fz_psk;
    cfg.psk_count = 1;
  }
  if (sel & 128) {
    if (!ot_ok(ot_spdm_key_pairs_init(&kps, &id, 3, true))) die();
    cfg.key_pairs = &kps;
    cfg.set_key_pair = fz_set_key_pair;
    cfg.caps |= OT_SPDM_CAP_GET_KEY_PAIR_INFO | OT_SPDM_CAP_SET_KEY_PAIR_INFO;
  }
  if (!ot_ok(ot_spdm_responder_init(&rsp, &cfg))) die();
  drive(sel & 3u, version);
  size_t off = 1;
  while (off < size) {
    size_t n = data[off++];
    if (n == 0) n = 256;
    if (n > size - off) n = size - off;
    size_t olen = 0;
    ot_status st = ot_spdm_responder_handle(&rsp, data + off, n, out, sizeof(out), &olen);
    check_response(data + off, n, st, olen);
    /* Also try every message as a secured record: never a crash, never a
     * response for a session that does not exist. */
    bool sec;
    st = ot_spdm_responder_handle_secured(&rsp, data + off, n, out, sizeof(out), &olen, &sec);
    (void)st;
    off += n;
  }
  ot_spdm_responder_free(&rsp);
  ot_spdm_key_pairs_clear(&kps);
  return 0;
}
