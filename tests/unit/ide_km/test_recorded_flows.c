/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM against the recorded spdm-emu flows (tests/vectors/spdm-emu/
 * tsm_v12_p384 and tsm_v13_p256), as far as it goes without decrypting the
 * secured records: for every IDE_KM message spdm_dump lists (PCI-SIG vendor,
 * not the CXL ones), the message our codec builds from the listed fields,
 * wrapped in its SPDM VENDOR_DEFINED message, must be exactly as long as the
 * plaintext of the secured record that carried it in flow.pcap
 * (Length - 2-byte ApplicationDataLength - 16-byte MAC, SPEC-FACTS §3.1),
 * and the sequence must be the one of SPEC-FACTS §4.2. Checking the bytes
 * themselves needs the records decrypted (the SPDM session work); that test
 * is still to be wired.
 */
#include <stdio.h>

#include "km_testutil.h"

#define MAX_RECORDS 512

typedef struct flow {
  uint8_t *pcap;
  size_t pcap_len;
  size_t n;
  int32_t plain_len[MAX_RECORDS]; /* secured records: plaintext size; others: -1 */
} flow;

/* Classic pcap (magic a1b2c3d4, LE), one DOE object per record (tests/vectors/README.md). */
static void load_pcap(flow *f, const char *dir) {
  char rel[128];
  snprintf(rel, sizeof rel, "spdm-emu/%s/flow.pcap", dir);
  f->pcap = ts_read_vector(rel, &f->pcap_len);
  ot_reader r;
  ot_reader_init(&r, f->pcap, f->pcap_len);
  uint32_t magic;
  assert_ot_ok(ot_read_u32le(&r, &magic));
  assert_int_equal(magic, 0xa1b2c3d4u);
  assert_ot_ok(ot_read_skip(&r, 20));
  f->n = 0;
  while (ot_reader_remaining(&r) > 0) {
    uint32_t incl;
    assert_ot_ok(ot_read_skip(&r, 8));
    assert_ot_ok(ot_read_u32le(&r, &incl));
    assert_ot_ok(ot_read_skip(&r, 4));
    ot_reader rec;
    assert_ot_ok(ot_read_sub(&r, incl, &rec));
    uint8_t type;
    uint16_t len;
    assert_ot_ok(ot_read_skip(&rec, 2));
    assert_ot_ok(ot_read_u8(&rec, &type));
    assert_ot_ok(ot_read_skip(&rec, 5));
    assert_true(f->n < MAX_RECORDS);
    f->plain_len[f->n] = -1;
    if (type == 2) { /* secured SPDM: SessionID(4) Length(2) ... */
      assert_ot_ok(ot_read_skip(&rec, 4));
      assert_ot_ok(ot_read_u16le(&rec, &len));
      f->plain_len[f->n] = (int32_t)len - 2 - 16;
    }
    f->n++;
  }
}

/* Reads "Name=0xHH" from a dump line. */
static unsigned field(const char *line, const char *name) {
  const char *p = strstr(line, name);
  assert_non_null(p);
  unsigned v;
  assert_int_equal(sscanf(p + strlen(name), "0x%x", &v), 1);
  return v;
}

/* Builds the VDM payload our codec produces for one dump line; returns its length. */
static size_t build(const char *line, unsigned object, uint8_t *out, size_t cap) {
  ot_writer w;
  ot_writer_init(&w, out, cap);
  if (object == OT_IDE_KM_QUERY) {
    assert_ot_ok(ot_ide_km_encode_query(&w, (uint8_t)field(line, "port=")));
  } else if (object == OT_IDE_KM_QUERY_RESP) {
    /* spdm-emu's register block is always 74 zero DWs (SPEC-FACTS T16). */
    static const uint32_t regs[OT_IDE_KM_EMU_REG_DWS];
    ot_ide_km_query_resp m = {.port_index = (uint8_t)field(line, "port="),
                              .dev_func = (uint8_t)field(line, "DevFunc="),
                              .bus = (uint8_t)field(line, "Bus="),
                              .segment = (uint8_t)field(line, "Seg="),
                              .max_port_index = (uint8_t)field(line, "MaxPort="),
                              .reg_count = OT_IDE_KM_EMU_REG_DWS};
    assert_ot_ok(ot_ide_km_encode_query_resp(&w, &m, regs));
  } else if (object == OT_IDE_KM_KEY_PROG) {
    ot_ide_km_key_prog_msg m = {.stream_id = (uint8_t)field(line, "StreamId="),
                                .kss = (uint8_t)field(line, "KeySubStream="),
                                .port_index = (uint8_t)field(line, "PortIndex=")};
    m.km.ifv = 1;
    assert_ot_ok(ot_ide_km_encode_key_prog(&w, &m));
  } else {
    ot_ide_km_ref m = {.stream_id = (uint8_t)field(line, "StreamId="),
                       .kss = (uint8_t)field(line, "KeySubStream="),
                       .port_index = (uint8_t)field(line, "PortIndex=")};
    if (object == OT_IDE_KM_KP_ACK) m.status = (uint8_t)field(line, "Status=");
    assert_ot_ok(ot_ide_km_encode_ref(&w, (uint8_t)object, &m));
  }
  return ot_writer_len(&w);
}

static void check_flow(const char *dir, uint8_t version) {
  flow *f = calloc(1, sizeof *f);
  assert_non_null(f);
  load_pcap(f, dir);
  char rel[128];
  snprintf(rel, sizeof rel, "spdm-emu/%s/spdm_dump.txt", dir);
  size_t dump_len;
  char *dump = (char *)ts_read_vector(rel, &dump_len);
  char *text = calloc(1, dump_len + 1);
  assert_non_null(text);
  memcpy(text, dump, dump_len);

  unsigned seen[7] = {0};
  uint8_t order[64];
  size_t n_order = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    const char *km = strstr(line, " IDE_KM(0x");
    if (!km || !strstr(line, "(vendor_id=0x0001)")) continue; /* CXL IDE_KM is another protocol */
    unsigned num, object;
    assert_int_equal(sscanf(line, "%u", &num), 1);
    assert_int_equal(sscanf(km, " IDE_KM(0x%x)", &object), 1);
    assert_true(object <= OT_IDE_KM_K_GOSTOP_ACK);
    bool request = object == OT_IDE_KM_QUERY || object == OT_IDE_KM_KEY_PROG ||
                   object == OT_IDE_KM_K_SET_GO || object == OT_IDE_KM_K_SET_STOP;
    uint8_t payload[OT_IDE_KM_RSP_MAX], msg[OT_IDE_KM_RSP_MAX + 16];
    size_t plen = build(line, object, payload, sizeof payload);
    ot_writer w;
    ot_writer_init(&w, msg, sizeof msg);
    assert_ot_ok(ot_ide_km_vdm_encode(&w, version, request, payload, plen));
    /* Dump record N is pcap record N - 1. */
    assert_true(num >= 1 && num <= f->n);
    assert_int_equal(f->plain_len[num - 1], (int32_t)ot_writer_len(&w));
    seen[object]++;
    if (object == OT_IDE_KM_KEY_PROG && n_order < sizeof order)
      order[n_order++] = (uint8_t)field(line, "KeySubStream=");
  }
  /* Two sessions: QUERY, six KEY_PROG/KP_ACK/K_SET_GO/ACK; K_SET_STOP x6 after TDISP. */
  assert_int_equal(seen[OT_IDE_KM_QUERY], 2);
  assert_int_equal(seen[OT_IDE_KM_QUERY_RESP], 2);
  assert_int_equal(seen[OT_IDE_KM_KEY_PROG], 12);
  assert_int_equal(seen[OT_IDE_KM_KP_ACK], 12);
  assert_int_equal(seen[OT_IDE_KM_K_SET_GO], 12);
  assert_int_equal(seen[OT_IDE_KM_K_SET_STOP], 12);
  assert_int_equal(seen[OT_IDE_KM_K_GOSTOP_ACK], 24);
  static const uint8_t want[6] = {0x00, 0x10, 0x20, 0x02, 0x12, 0x22};
  for (size_t i = 0; i < n_order; i++)
    assert_int_equal(order[i], want[i % 6]);
  free(text);
  free(dump);
  free(f->pcap);
  free(f);
}

static void test_v12_p384_sizes_and_order(void **state) {
  (void)state;
  check_flow("tsm_v12_p384", 0x12);
}

static void test_v13_p256_sizes_and_order(void **state) {
  (void)state;
  check_flow("tsm_v13_p256", 0x13);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_v12_p384_sizes_and_order),
      cmocka_unit_test(test_v13_p256_sizes_and_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
