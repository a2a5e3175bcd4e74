/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes the IDE receive path on arbitrary bytes with a keyed stream
 * (format in fuzz_ide_common.h). Property: nothing is delivered unless its
 * MAC verifies. Every group the receiver delivers is protected again by a
 * mirror transmitter holding the same keys and counters; the result must be
 * byte for byte what was received (GCM is deterministic, so only a TLP
 * sealed under the key can pass). Also: after any failure the stream stays
 * Insecure and delivers nothing more; failed calls leave output zeroed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ide_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GROUP_CAP                                                                                  \
  (OT_IDE_MAX_AGGREGATION * (OT_IDE_PREFIX_SIZE + OT_TLP_HDR_4DW + OT_TLP_MAX_PAYLOAD +            \
                             OT_IDE_PCRC_SIZE + OT_IDE_MAC_SIZE))

static ot_ide_rx rx;
static ot_ide_tx mirror;
static uint8_t pending[OT_IDE_RX_PENDING_SIZE(OT_TLP_MAX_PAYLOAD)];
static uint8_t out[OT_IDE_MAX_AGGREGATION * (OT_TLP_HDR_4DW + OT_TLP_MAX_PAYLOAD)];
static uint8_t resealed[GROUP_CAP];
/* The received bytes of each sub-stream's group so far. */
static uint8_t held[OT_IDE_NUM_SUBSTREAMS][GROUP_CAP];
static size_t held_len[OT_IDE_NUM_SUBSTREAMS];

static void check_delivery(const ot_ide_rx_result *res, const uint8_t *wire, size_t len) {
  ot_ide_substream sub = res->tlps[0].sub;
  if (held_len[sub] + len > sizeof held[sub]) abort();
  memcpy(held[sub] + held_len[sub], wire, len);
  size_t group_len = held_len[sub] + len;
  ot_ide_tx_tlp in[OT_IDE_MAX_AGGREGATION];
  for (size_t i = 0; i < res->count; i++)
    in[i] = (ot_ide_tx_tlp){&res->tlps[i].tlp, res->tlps[i].t}; /* as delivered: decoded once */
  size_t lens[OT_IDE_MAX_AGGREGATION], total = 0;
  if (!ot_ok(ot_ide_tx_protect(&mirror, FZ_SID, in, res->count, resealed, sizeof resealed, lens,
                               &total)))
    abort();
  if (total != group_len || memcmp(resealed, held[sub], total) != 0) abort();
  held_len[sub] = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t flags = data[0];
  ot_ide_stream_cfg cfg = fz_cfg(flags);
  ot_ide_rx_init(&rx);
  ot_ide_tx_init(&mirror);
  memset(held_len, 0, sizeof held_len);
  if (!ot_ok(ot_ide_rx_stream_add(&rx, &cfg, pending, sizeof pending)) ||
      !ot_ok(ot_ide_tx_stream_add(&mirror, &cfg)) || fz_key(ot_ide_rx_engine(&rx)) != 0 ||
      fz_key(ot_ide_tx_engine(&mirror)) != 0)
    abort();
  bool failed = false;
  size_t at = 1;
  while (size - at >= 2) {
    size_t len = ((size_t)data[at] << 8) | data[at + 1];
    at += 2;
    if (len > size - at) len = size - at;
    const uint8_t *wire = data + at;
    at += len;
    ot_ide_rx_result res;
    memset(out, 0, sizeof out);
    ot_status st = ot_ide_rx_receive(&rx, wire, len, out, sizeof out, &res);
    if (!ot_ok(st)) {
      if (res.count != 0) abort();
      for (size_t i = 0; i < sizeof out; i++)
        if (out[i]) abort(); /* nothing released */
      ot_ide_state state;
      if (!ot_ok(ot_ide_stream_state(ot_ide_rx_engine(&rx), FZ_SID, &state, NULL))) abort();
      /* Every refusal of a TLP of our stream leaves it Insecure. */
      bool ours = !ot_is(st, OT_E_NOT_FOUND) && !ot_is(st, OT_E_NO_SPACE) &&
                  res.error != OT_IDE_ERR_NOT_IDE;
      if (ours && state != OT_IDE_INSECURE) abort();
      if (state == OT_IDE_INSECURE) failed = true;
      continue;
    }
    if (failed) abort(); /* sticky: nothing after a failure */
    if (res.count == 0) {
      ot_ide_prefix px;
      if (!ot_ok(ot_ide_prefix_decode(wire, &px))) abort();
      if (held_len[px.sub] + len > sizeof held[px.sub]) abort();
      memcpy(held[px.sub] + held_len[px.sub], wire, len);
      held_len[px.sub] += len;
      continue;
    }
    check_delivery(&res, wire, len);
  }
  ot_ide_rx_clear(&rx);
  ot_ide_tx_clear(&mirror);
  return 0;
}
