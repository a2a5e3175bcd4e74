/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes the secured-message decoder (DSP0277 over PCI DOE) with a keyed
 * session: arbitrary bytes must never yield plaintext unless the tag
 * verifies. Input: one config byte (bit0 ChaCha20-Poly1305 instead of
 * AES-256-GCM, bit1 MAC-only, bit2 the requester receives instead of the
 * responder), then up to 8 records, each a LE16 length and that many bytes.
 * Checks for every record:
 *  - success only if an independent AEAD open with the same key, the expected
 *    nonce (salt XOR LE64 of the record's index) and AAD accepts it, and the
 *    message returned lies inside the record's authenticated bytes;
 *  - on failure the session is FAILED, the output buffer is all zero, and any
 *    later record is refused with OT_E_FAILED.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/spdm_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECORDS 8

static const uint8_t g_dhe[48] = {0x5e, 0xc2, 0xe7, 0x01, 0x02, 0x03};
static const uint8_t g_th1[48] = {0x01};
static const uint8_t g_th2[48] = {0x02};
static uint8_t g_out[0x10000 + 64];
static uint8_t g_check[0x10000 + 64];

static void keyed(ot_spdm_session *s, ot_spdm_role role, const ot_spdm_session_params *p) {
  if (!ot_ok(ot_spdm_session_init(s, role, 0xfffeffffu, p)) ||
      !ot_ok(ot_spdm_session_derive_handshake(s, g_dhe, sizeof g_dhe, g_th1, sizeof g_th1)) ||
      !ot_ok(ot_spdm_session_derive_data(s, g_th2, sizeof g_th2)))
    abort();
}

/* The oracle: does rec authenticate under the reference key at sequence seq? */
static bool authentic(ot_spdm_epoch *ref, bool mac_only, uint64_t seq, const uint8_t *rec,
                      size_t len) {
  if (len < 6 + 16) return false;
  size_t length = ot_load_u16le(rec + 4);
  if (length < 16 || length > len - 6) return false;
  uint8_t nonce[12];
  memcpy(nonce, ref->iv, 12);
  for (unsigned i = 0; i < 8; i++)
    nonce[i] ^= (uint8_t)(seq >> (8 * i));
  size_t body = length - 16;
  const uint8_t *tag = rec + 6 + body;
  if (mac_only)
    return ot_ok(ot_aead_open(&ref->aead, nonce, rec, 6 + body, NULL, 0, tag, 16, NULL));
  return ot_ok(ot_aead_open(&ref->aead, nonce, rec, 6, rec + 6, body, tag, 16, g_check));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t cfg = data[0];
  ot_spdm_session_params p = {.spdm_version = OT_SPDM_VERSION_12,
                              .hash = OT_HASH_SHA384,
                              .aead = (cfg & 1) ? OT_AEAD_CHACHA20_POLY1305 : OT_AEAD_AES256_GCM,
                              .mac_only = (cfg & 2) != 0,
                              .sm_version = OT_SPDM_SM_VERSION_12};
  bool rx_is_requester = (cfg & 4) != 0;
  ot_spdm_session rx, ref;
  keyed(&rx, rx_is_requester ? OT_SPDM_ROLE_REQUESTER : OT_SPDM_ROLE_RESPONDER, &p);
  keyed(&ref, rx_is_requester ? OT_SPDM_ROLE_RESPONDER : OT_SPDM_ROLE_REQUESTER, &p);
  ot_spdm_epoch *ref_key = &ref.sec.cur[ot_spdm_session_rx_dir(&rx)];

  ot_reader r;
  ot_reader_init(&r, data + 1, size - 1);
  uint64_t seq = 0;
  bool failed = false;
  for (int i = 0; i < MAX_RECORDS; i++) {
    uint16_t len;
    const uint8_t *rec;
    if (!ot_ok(ot_read_u16le(&r, &len)) || !ot_ok(ot_read_borrow(&r, len, &rec))) break;
    memset(g_out, 0xaa, sizeof g_out);
    size_t out_len = 0;
    ot_status st = ot_spdm_secured_decode(&rx, rec, len, g_out, sizeof g_out, &out_len);
    if (failed) {
      if (!ot_is(st, OT_E_FAILED)) abort();
      continue;
    }
    if (ot_ok(st)) {
      if (!authentic(ref_key, p.mac_only, seq, rec, len)) abort();
      if (ot_load_u32le(rec) != rx.session_id) abort();
      if (out_len + 16 + 6 > len) abort();
      if (rx.sec.cur[ot_spdm_session_rx_dir(&rx)].seq != seq + 1) abort();
      seq++;
      continue;
    }
    if (ot_is(st, OT_E_NO_SPACE)) abort(); /* the buffer always fits */
    if (!ot_spdm_session_failed(&rx)) abort();
    for (size_t k = 0; k < sizeof g_out; k++)
      if (g_out[k] != 0) abort();
    failed = true;
  }
  ot_spdm_session_teardown(&rx);
  ot_spdm_session_teardown(&ref);
  return 0;
}
