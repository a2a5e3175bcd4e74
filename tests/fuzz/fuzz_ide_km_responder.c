/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes the IDE_KM responder on arbitrary bytes: a device port with an IDE
 * capability (stream 3 set up by the host) answers a sequence of requests.
 *
 * Input: byte 0 = flags (bit 0: inside a secured session; bit 1: a response
 * buffer of only 8 bytes), then records [len u8][len bytes of VDM payload].
 *
 * Properties checked on every request:
 *  - the response fits the buffer and, on success, decodes as the answer to
 *    the request (QUERY_RESP / KP_ACK / K_GOSTOP_ACK) echoing its fields;
 *    on failure nothing is written;
 *  - outside a session every request is refused and no key state changes;
 *  - a request whose Object ID is KEY_PROG is wiped, whatever happened;
 *  - no key byte string of any KEY_PROG ever shows up in a response;
 *  - after releasing the port, no secret mark is left behind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/ide_km.h"
#include "opentsm/secure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ot_cfg_space cfg;
static ot_ide_tx tx;
static ot_ide_rx rx;
static ot_ide_regs regs;
static uint8_t pending[3 * 2 * 64];
static uint8_t rsp[OT_IDE_KM_RSP_MAX];
static uint8_t req[256];

/* Installed / GO flags of every key slot of stream 3, as a bit map. */
static uint32_t key_state(void) {
  uint32_t bits = 0, i = 0;
  const ot_ide_engine *e[2] = {&tx.engine, &rx.engine};
  for (int d = 0; d < 2; d++)
    for (int s = 0; s < 3; s++)
      for (int k = 0; k < 2; k++, i += 2) {
        uint64_t next;
        if (ot_ok(ot_ide_key_next_invocation(e[d], 3, (ot_ide_substream)s, (uint8_t)k, &next)))
          bits |= 1u << i;
      }
  return bits;
}

/* True if the 16 bytes of key occur in buf[0..n). */
static bool contains(const uint8_t *buf, size_t n, const uint8_t key[16]) {
  for (size_t i = 0; i + 16 <= n; i++)
    if (memcmp(buf + i, key, 16) == 0) return true;
  return false;
}

static void check_answer(const uint8_t *q, size_t qlen, const uint8_t *a, size_t alen) {
  uint8_t object;
  if (!ot_ok(ot_ide_km_object_id(q, qlen, &object))) abort(); /* success implies a valid head */
  ot_reader r;
  ot_reader_init(&r, a, alen);
  if (object == OT_IDE_KM_QUERY) {
    ot_ide_km_query_resp m;
    if (!ot_ok(ot_ide_km_decode_query_resp(&r, &m))) abort();
    if (m.port_index != q[3] || m.reg_count != ot_ide_regs_dw_count(&regs)) abort();
    return;
  }
  uint8_t want = object == OT_IDE_KM_KEY_PROG ? OT_IDE_KM_KP_ACK : OT_IDE_KM_K_GOSTOP_ACK;
  if (object != OT_IDE_KM_KEY_PROG && object != OT_IDE_KM_K_SET_GO &&
      object != OT_IDE_KM_K_SET_STOP)
    abort(); /* only requests are answered */
  ot_ide_km_ref m;
  if (!ot_ok(ot_ide_km_decode_ref(&r, want, &m))) abort();
  if (m.stream_id != q[4] || m.kss != q[6] || m.port_index != q[7]) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  bool in_session = data[0] & 1u;
  size_t cap = (data[0] & 2u) ? 8u : sizeof rsp;
  size_t marks = ot_secret_mark_count();

  ot_cfg_ident id = {.vendor = 0x1AF4, .device = 0x1000, .layout = OT_PCI_HEADER_LAYOUT_TYPE0};
  ot_ide_regs_caps caps = {
      .link_tcs = 1, .sel_streams = 1, .addr_blocks = 1, .aggregation = true, .ide_km = true};
  ot_cfg_inproc acc;
  uint16_t cap_off;
  ot_ide_tx_init(&tx);
  ot_ide_rx_init(&rx);
  if (!ot_ok(ot_cfg_init(&cfg, &id)) ||
      !ot_ok(ot_ide_regs_init(&regs, &cfg, &caps, &tx, &rx, pending, sizeof pending)))
    abort();
  ot_cfg_inproc_init(&acc, &cfg);
  ot_ide_host_stream s = {.block = 0, .stream_id = 3, .rid_base = 0, .rid_limit = 0};
  if (!ot_ok(ot_ide_host_find(&acc.base, &cap_off)) ||
      !ot_ok(ot_ide_host_stream_setup(&acc.base, cap_off, &s)))
    abort();
  ot_ide_km_port port = {.regs = &regs, .bus = 1};
  ot_ide_km_responder r;
  if (!ot_ok(ot_ide_km_responder_init(&r, &port, 1))) abort();

  size_t at = 1;
  while (at < size) {
    size_t len = data[at++];
    if (len > size - at) len = size - at;
    memcpy(req, data + at, len);
    at += len;
    bool key_prog = len >= 2 && req[0] == 0 && req[1] == OT_IDE_KM_KEY_PROG;
    uint8_t key[16] = {0};
    if (key_prog && len >= 8 + 16) memcpy(key, req + 8, 16);
    uint8_t q[8] = {0};
    memcpy(q, req, len < 8 ? len : 8);

    uint32_t before = key_state();
    memset(rsp, 0xEE, sizeof rsp);
    size_t n = 12345;
    ot_status st = ot_ide_km_respond(&r, in_session, req, len, rsp, cap, &n);
    if (ot_ok(st)) {
      if (n == 0 || n > cap) abort();
      check_answer(q, len < 8 ? len : 8, rsp, n);
      if (key_prog && len >= 8 + 16 && contains(rsp, n, key)) abort();
    } else {
      if (n != 0) abort();
      for (size_t i = 0; i < cap; i++)
        if (rsp[i] != 0xEE) abort();
    }
    if (!in_session && (ot_ok(st) || key_state() != before)) abort();
    if (key_prog)
      for (size_t i = 0; i < len; i++)
        if (req[i] != 0) abort();
  }

  ot_ide_regs_release(&regs);
  ot_ide_tx_clear(&tx);
  ot_ide_rx_clear(&rx);
  if (ot_secret_mark_count() != marks) abort();
  return 0;
}
