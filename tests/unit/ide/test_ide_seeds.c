/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The seed corpora of fuzz_ide_rx and fuzz_tlp_decode are real traffic made
 * by this engine. This test rebuilds every seed (keys, counters and GCM are
 * deterministic) and checks that the checked-in file is byte for byte the
 * same, which pins the protected-TLP wire format; then it replays each
 * fuzz_ide_rx seed through a receiver and checks it delivers. Run with
 * OT_WRITE_FUZZ_SEEDS=1 to (re)write the files after a deliberate format change.
 */
#include <stdio.h>

#include "../../fuzz/fuzz_ide_common.h"
#include "ide_testutil.h"

static uint8_t seed[64 * 1024];
static size_t seed_len;

static void put(const uint8_t *p, size_t n) {
  assert_true(seed_len + n <= sizeof seed);
  memcpy(seed + seed_len, p, n);
  seed_len += n;
}

static void put_record(const uint8_t *p, size_t n) {
  uint8_t l[2] = {(uint8_t)(n >> 8), (uint8_t)n};
  put(l, 2);
  put(p, n);
}

typedef struct step {
  ot_tlp_kind kind;
  size_t payload;
  size_t n; /* TLPs in the group */
  bool t;
  bool flip; /* corrupt the last byte (MAC) of the group's last TLP */
} step;

static void build(uint8_t flags, const step *steps, size_t nsteps) {
  seed_len = 0;
  put(&flags, 1);
  ot_ide_stream_cfg cfg = fz_cfg(flags);
  ot_ide_tx tx;
  ot_ide_tx_init(&tx);
  assert_ot_ok(ot_ide_tx_stream_add(&tx, &cfg));
  assert_int_equal(fz_key(ot_ide_tx_engine(&tx)), 0);
  static uint8_t plain[OT_IDE_MAX_AGGREGATION][OT_TLP_MAX_WIRE];
  static uint8_t wire[TU_WIRE_CAP];
  for (size_t s = 0; s < nsteps; s++) {
    ot_ide_tx_tlp in[OT_IDE_MAX_AGGREGATION];
    ot_tlp_view v[OT_IDE_MAX_AGGREGATION];
    for (size_t i = 0; i < steps[s].n; i++) {
      size_t len = tu_tlp(steps[s].kind, steps[s].payload, (uint8_t)(s * 8 + i), 0, plain[i]);
      v[i] = tu_view(plain[i], len);
      in[i] = (ot_ide_tx_tlp){&v[i], steps[s].t};
    }
    size_t lens[OT_IDE_MAX_AGGREGATION], total, at = 0;
    assert_ot_ok(ot_ide_tx_protect(&tx, FZ_SID, in, steps[s].n, wire, sizeof wire, lens, &total));
    if (steps[s].flip) wire[total - 1] ^= 0x01;
    for (size_t i = 0; i < steps[s].n; i++) {
      put_record(wire + at, lens[i]);
      at += lens[i];
    }
  }
  ot_ide_tx_clear(&tx);
}

/* Writes (OT_WRITE_FUZZ_SEEDS set) or compares the seed with the checked-in file. */
static void check_file(const char *target, const char *name, const uint8_t *p, size_t n) {
  char path[512];
  snprintf(path, sizeof path, "%s/tests/fuzz/corpus/%s/%s", OT_SOURCE_DIR, target, name);
  if (getenv("OT_WRITE_FUZZ_SEEDS")) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
    return;
  }
  size_t len = 0;
  uint8_t *file = ts_read_file(path, &len);
  if (!file) fail_msg("missing seed %s (run with OT_WRITE_FUZZ_SEEDS=1)", path);
  assert_int_equal(len, n);
  assert_memory_equal(file, p, n);
  free(file);
}

/* Replays a fuzz_ide_rx seed; returns the number of TLPs delivered. */
static size_t replay(const uint8_t *p, size_t n) {
  ot_ide_stream_cfg cfg = fz_cfg(p[0]);
  static ot_ide_rx rx;
  static uint8_t pending[OT_IDE_RX_PENDING_SIZE(OT_TLP_MAX_PAYLOAD)];
  static uint8_t out[TU_OUT_CAP];
  ot_ide_rx_init(&rx);
  assert_ot_ok(ot_ide_rx_stream_add(&rx, &cfg, pending, sizeof pending));
  assert_int_equal(fz_key(ot_ide_rx_engine(&rx)), 0);
  size_t at = 1, delivered = 0;
  while (at + 2 <= n) {
    size_t len = ((size_t)p[at] << 8) | p[at + 1];
    at += 2;
    ot_ide_rx_result res;
    if (ot_ok(ot_ide_rx_receive(&rx, p + at, len, out, sizeof out, &res))) delivered += res.count;
    at += len;
  }
  ot_ide_rx_clear(&rx);
  return delivered;
}

static void test_ide_rx_seeds(void **s) {
  (void)s;
  static const step plain_traffic[] = {
      {OT_TLP_MWR, 64, 1, false, false},   {OT_TLP_MRD, 256, 1, false, false},
      {OT_TLP_CPLD, 256, 1, false, false}, {OT_TLP_MSG, 0, 1, false, false},
      {OT_TLP_CPL, 0, 1, false, false},    {OT_TLP_MSGD, 16, 1, false, false},
  };
  static const step aggregated_tee_pcrc[] = {
      {OT_TLP_MWR, 128, 4, true, false},
      {OT_TLP_MRD, 64, 2, true, false},
      {OT_TLP_CPLD, 64, 8, true, false},
  };
  static const step link_stream[] = {
      {OT_TLP_CPLD, 512, 2, false, false},
      {OT_TLP_MWR, 4096, 1, false, false},
  };
  static const step then_tampered[] = {
      {OT_TLP_MWR, 64, 1, false, false},
      {OT_TLP_MWR, 64, 1, false, true},
      {OT_TLP_MWR, 64, 1, false, false},
  };
  static const struct {
    const char *name;
    uint8_t flags;
    const step *steps;
    size_t n;
    size_t want_delivered;
  } seeds[] = {
      {"plain_traffic", 0, plain_traffic, 6, 6},
      {"aggregated_tee_pcrc", FZ_FLAG_PCRC | FZ_FLAG_TEE, aggregated_tee_pcrc, 3, 14},
      {"link_stream", FZ_FLAG_LINK, link_stream, 2, 3},
      {"then_tampered", 0, then_tampered, 3, 1},
  };
  for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
    build(seeds[i].flags, seeds[i].steps, seeds[i].n);
    check_file("fuzz_ide_rx", seeds[i].name, seed, seed_len);
    assert_int_equal(replay(seed, seed_len), seeds[i].want_delivered);
  }
}

static void test_tlp_decode_seeds(void **s) {
  (void)s;
  static const struct {
    const char *name;
    ot_tlp_kind kind;
    size_t payload;
    uint8_t tag;
  } tlps[] = {
      {"mrd32", OT_TLP_MRD, 64, 2}, {"mrd64", OT_TLP_MRD, 64, 3}, {"mwr32", OT_TLP_MWR, 256, 4},
      {"mwr64", OT_TLP_MWR, 16, 5}, {"cpl", OT_TLP_CPL, 0, 6},    {"cpld", OT_TLP_CPLD, 128, 7},
      {"msg", OT_TLP_MSG, 0, 8},    {"msgd", OT_TLP_MSGD, 32, 9},
  };
  uint8_t wire[OT_TLP_MAX_WIRE];
  for (size_t i = 0; i < sizeof tlps / sizeof tlps[0]; i++) {
    size_t n = tu_tlp(tlps[i].kind, tlps[i].payload, tlps[i].tag, 1, wire);
    check_file("fuzz_tlp_decode", tlps[i].name, wire, n);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ide_rx_seeds),
      cmocka_unit_test(test_tlp_decode_seeds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
