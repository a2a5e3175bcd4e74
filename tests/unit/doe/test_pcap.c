/* SPDX-License-Identifier: BSD-3-Clause */
/* pcap reader and writer for DOE captures (src/doe/pcap.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opentsm/cursor.h"
#include "opentsm/doe_pcap.h"
#include "testsupport.h"

static const uint8_t k_obj1[12] = {1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t k_obj2[16] = {1, 0, 1, 0, 4, 0, 0, 0, 0x10, 0x84, 0, 0, 0, 0, 0, 0};

/* A two-record capture in buf; returns its length. */
static size_t make_capture(uint8_t *buf, size_t cap) {
  ot_writer w;
  ot_writer_init(&w, buf, cap);
  assert_ot_ok(ot_pcap_write_file_header(&w, OT_PCAP_DEFAULT_SNAPLEN));
  assert_ot_ok(
      ot_pcap_write_record(&w, OT_PCAP_DEFAULT_SNAPLEN, 0x6B07F942, 0, k_obj1, sizeof k_obj1));
  assert_ot_ok(
      ot_pcap_write_record(&w, OT_PCAP_DEFAULT_SNAPLEN, 0x6B07F943, 999999, k_obj2, sizeof k_obj2));
  return ot_writer_len(&w);
}

static void test_layout_matches_spdm_emu(void **state) {
  (void)state;
  uint8_t buf[128];
  size_t len = make_capture(buf, sizeof buf);
  assert_int_equal(len, 24 + 16 + 12 + 16 + 16);
  /* The first 52 bytes of tests/vectors/spdm-emu/tsm_v12_p384/flow.pcap. */
  const uint8_t want[52] = {0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
                            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x24, 0x01,
                            0x00, 0x00, 0x42, 0xf9, 0x07, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x0c,
                            0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                            0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  assert_memory_equal(buf, want, sizeof want);
}

static void test_read_back(void **state) {
  (void)state;
  uint8_t buf[128];
  size_t len = make_capture(buf, sizeof buf);
  ot_pcap_reader pr;
  ot_pcap_record rec;
  bool done = true;
  assert_ot_ok(ot_pcap_reader_init(&pr, buf, len));
  assert_int_equal(pr.snaplen, OT_PCAP_DEFAULT_SNAPLEN);
  assert_false(pr.big_endian);
  assert_ot_ok(ot_pcap_reader_next(&pr, &rec, &done));
  assert_false(done);
  assert_int_equal(rec.ts_sec, 0x6B07F942);
  assert_int_equal(rec.len, 12);
  assert_memory_equal(rec.obj, k_obj1, 12);
  assert_int_equal(rec.hdr.type, 0);
  assert_ot_ok(ot_pcap_reader_next(&pr, &rec, &done));
  assert_int_equal(rec.ts_usec, 999999);
  assert_int_equal(rec.hdr.type, 1);
  assert_int_equal(rec.hdr.length_dw, 4);
  assert_ot_ok(ot_pcap_reader_next(&pr, &rec, &done));
  assert_true(done);
  assert_int_equal(pr.records, 2);
}

static void test_empty_capture(void **state) {
  (void)state;
  uint8_t buf[24];
  ot_writer w;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_pcap_write_file_header(&w, 4096));
  ot_pcap_reader pr;
  ot_pcap_record rec;
  bool done = false;
  assert_ot_ok(ot_pcap_reader_init(&pr, buf, sizeof buf));
  assert_ot_ok(ot_pcap_reader_next(&pr, &rec, &done));
  assert_true(done);
}

/* Rewrites the capture with every field byte-swapped. */
static void swap_capture(uint8_t *buf, size_t len) {
  static const size_t hdr_fields[] = {0, 4, 6, 8, 12, 16, 20};
  static const size_t hdr_sizes[] = {4, 2, 2, 4, 4, 4, 4};
  for (size_t i = 0; i < 7; i++) {
    uint8_t *p = buf + hdr_fields[i];
    for (size_t a = 0, b = hdr_sizes[i] - 1; a < b; a++, b--) {
      uint8_t t = p[a];
      p[a] = p[b];
      p[b] = t;
    }
  }
  size_t off = 24;
  while (off < len) {
    uint32_t incl = ot_load_u32le(buf + off + 8);
    for (size_t f = 0; f < 4; f++)
      ot_store_u32be(buf + off + 4 * f, ot_load_u32le(buf + off + 4 * f));
    off += 16 + incl;
  }
}

static void test_reads_big_endian_file(void **state) {
  (void)state;
  uint8_t buf[128];
  size_t len = make_capture(buf, sizeof buf);
  swap_capture(buf, len);
  assert_int_equal(buf[0], 0xa1);
  ot_pcap_reader pr;
  ot_pcap_record rec;
  bool done;
  assert_ot_ok(ot_pcap_reader_init(&pr, buf, len));
  assert_true(pr.big_endian);
  assert_ot_ok(ot_pcap_reader_next(&pr, &rec, &done));
  assert_int_equal(rec.ts_sec, 0x6B07F942);
  assert_memory_equal(rec.obj, k_obj1, 12);
  assert_ot_ok(ot_pcap_reader_next(&pr, &rec, &done));
  assert_ot_ok(ot_pcap_reader_next(&pr, &rec, &done));
  assert_true(done);
}

/* Runs init on the capture after poking one byte of the global header. */
static ot_status init_with(size_t at, uint8_t value) {
  uint8_t buf[128];
  size_t len = make_capture(buf, sizeof buf);
  buf[at] = value;
  ot_pcap_reader pr;
  memset(&pr, 0x5A, sizeof pr);
  ot_status st = ot_pcap_reader_init(&pr, buf, len);
  if (!ot_ok(st)) assert_int_equal(pr.snaplen, 0x5A5A5A5Au); /* untouched */
  return st;
}

static void test_init_rejects_bad_global_header(void **state) {
  (void)state;
  assert_ot_code(init_with(0, 0xd5), OT_E_MALFORMED);    /* magic */
  assert_ot_code(init_with(4, 0x03), OT_E_VERSION);      /* 3.4 */
  assert_ot_code(init_with(6, 0x03), OT_E_VERSION);      /* 2.3 */
  assert_ot_code(init_with(18, 0x00), OT_E_MALFORMED);   /* snaplen 0 */
  assert_ot_code(init_with(19, 0x01), OT_E_MALFORMED);   /* snaplen 0x01010000 > 1 MiB */
  assert_ot_code(init_with(20, 0x01), OT_E_UNSUPPORTED); /* link type 0x101 */
  assert_ot_code(init_with(23, 0x10), OT_E_UNSUPPORTED); /* FCS flags in the top bits */
  uint8_t buf[128];
  size_t len = make_capture(buf, sizeof buf);
  ot_pcap_reader pr;
  assert_ot_code(ot_pcap_reader_init(&pr, buf, 23), OT_E_TRUNCATED);
  buf[0] = 0x4d; /* magic a1b23c4d: nanosecond timestamps */
  buf[1] = 0x3c;
  assert_ot_code(ot_pcap_reader_init(&pr, buf, len), OT_E_UNSUPPORTED);
  assert_ot_code(ot_pcap_reader_init(&pr, NULL, 24), OT_E_ARG);
}

/* Runs the reader over the capture after poking one byte; returns the first error. */
static ot_status read_all_with(size_t at, uint8_t value, size_t cut, size_t *records) {
  uint8_t buf[128];
  size_t len = make_capture(buf, sizeof buf);
  if (at < len) buf[at] = value;
  if (cut) len = cut;
  ot_pcap_reader pr;
  OT_GUARD(ot_pcap_reader_init(&pr, buf, len));
  bool done = false;
  ot_pcap_record rec;
  ot_status st = OT_SUCCESS;
  while (!done) {
    st = ot_pcap_reader_next(&pr, &rec, &done);
    if (!ot_ok(st)) break;
  }
  *records = pr.records;
  if (!ot_ok(st)) {
    /* Sticky, and the reader does not move. */
    size_t off = ot_reader_offset(&pr.r);
    assert_int_equal(ot_pcap_reader_next(&pr, &rec, &done).code, st.code);
    assert_int_equal(ot_reader_offset(&pr.r), off);
  }
  return st;
}

static void test_next_rejects_bad_records(void **state) {
  (void)state;
  size_t n;
  /* Record 2 starts at 24 + 16 + 12 = 52. */
  assert_ot_code(read_all_with(52 + 7, 0x01, 0, &n), OT_E_MALFORMED); /* ts_usec >= 10^6 */
  assert_int_equal(n, 1);
  assert_ot_code(read_all_with(52 + 8, 0x14, 0, &n), OT_E_MALFORMED);  /* incl 20 != orig 16 */
  assert_ot_code(read_all_with(52 + 12, 0x20, 0, &n), OT_E_MALFORMED); /* orig 32 != incl */
  assert_ot_code(read_all_with(24 + 10, 0x01, 0, &n), OT_E_MALFORMED); /* incl > snaplen */
  assert_int_equal(n, 0);
  assert_ot_code(read_all_with(24 + 16 + 3, 0x01, 0, &n), OT_E_RESERVED); /* DOE reserved bits */
  assert_ot_code(read_all_with(24 + 16 + 4, 0x02, 0, &n), OT_E_TRAILING); /* Length 2 in 12 bytes */
  assert_ot_code(read_all_with(24 + 16 + 4, 0x04, 0, &n),
                 OT_E_TRUNCATED); /* Length 4 in 12 bytes */
}

static void test_next_rejects_truncated_file(void **state) {
  (void)state;
  size_t n;
  assert_ot_code(read_all_with(999, 0, 24 + 15, &n), OT_E_TRUNCATED);      /* record header */
  assert_ot_code(read_all_with(999, 0, 24 + 16 + 11, &n), OT_E_TRUNCATED); /* record data */
  assert_ot_code(read_all_with(999, 0, 84 - 1, &n), OT_E_TRUNCATED);       /* last byte missing */
  assert_int_equal(n, 1);
  assert_ot_ok(read_all_with(999, 0, 52, &n)); /* a clean cut between records */
  assert_int_equal(n, 1);
}

static void test_writer_refuses_bad_records(void **state) {
  (void)state;
  uint8_t buf[128];
  ot_writer w;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_ok(ot_pcap_write_file_header(&w, 12));
  size_t at = ot_writer_len(&w);
  assert_ot_code(ot_pcap_write_record(&w, 12, 0, 1000000, k_obj1, sizeof k_obj1), OT_E_ARG);
  assert_ot_code(ot_pcap_write_record(&w, 12, 0, 0, k_obj1, 8), OT_E_TRUNCATED);
  assert_int_equal(ot_writer_len(&w), at);
  ot_writer_init(&w, buf, 24 + 16 + 11);
  assert_ot_ok(ot_pcap_write_file_header(&w, 12));
  assert_ot_code(ot_pcap_write_record(&w, 12, 0, 0, k_obj1, sizeof k_obj1), OT_E_NO_SPACE);
  assert_int_equal(ot_writer_len(&w), 24);
  assert_ot_code(ot_pcap_write_file_header(&w, 0), OT_E_ARG);
  assert_ot_code(ot_pcap_write_file_header(&w, OT_PCAP_MAX_SNAPLEN + 1), OT_E_ARG);
}

/* spdm_dump refuses a snaplen over 65536 (docs/interop.md "Captures and
 * spdm_dump"): the writer never writes one, and an object larger than the
 * snaplen is cut, with incl_len < orig_len as the savefile format allows. */
static void test_writer_snaplen_fits_spdm_dump_and_truncates(void **state) {
  (void)state;
  assert_true(OT_PCAP_MAX_SNAPLEN <= 65536u);
  uint8_t buf[128];
  ot_writer w;
  ot_writer_init(&w, buf, sizeof buf);
  assert_ot_code(ot_pcap_write_file_header(&w, 65537u), OT_E_ARG);
  assert_ot_ok(ot_pcap_write_file_header(&w, 12));
  assert_ot_code(ot_pcap_write_record(&w, 65537u, 0, 0, k_obj1, sizeof k_obj1), OT_E_ARG);
  /* k_obj2 is 16 bytes: the record keeps 12 of them and says 16. */
  assert_ot_ok(ot_pcap_write_record(&w, 12, 7, 0, k_obj2, sizeof k_obj2));
  assert_int_equal(ot_writer_len(&w), 24 + 16 + 12);
  ot_reader r;
  ot_reader_init(&r, buf + 24, 16);
  uint32_t ts, us, incl, orig;
  assert_ot_ok(ot_read_u32le(&r, &ts));
  assert_ot_ok(ot_read_u32le(&r, &us));
  assert_ot_ok(ot_read_u32le(&r, &incl));
  assert_ot_ok(ot_read_u32le(&r, &orig));
  assert_int_equal(incl, 12);
  assert_int_equal(orig, sizeof k_obj2);
  assert_memory_equal(buf + 40, k_obj2, 12);
  /* Our reader replays whole objects only: it refuses the cut record. */
  ot_pcap_reader pr;
  ot_pcap_record rec;
  bool done;
  assert_ot_ok(ot_pcap_reader_init(&pr, buf, ot_writer_len(&w)));
  assert_ot_code(ot_pcap_reader_next(&pr, &rec, &done), OT_E_MALFORMED);
}

/* A file written with the snaplen of a whole 1 MiB object (other writers) is
 * still read; one byte more is refused. */
static void test_reader_takes_large_snaplen(void **state) {
  (void)state;
  /* Global header with snaplen 0x100000 (offset 16), then one 12-byte record. */
  static const uint8_t head[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4,    0, 0,    0,    0, 0,
                                   0,    0,    0,    0,    0, 0, 0x10, 0, 0x24, 0x01, 0, 0};
  static const uint8_t rec_head[16] = {0, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0, 12, 0, 0, 0};
  uint8_t buf[24 + 16 + 12];
  memcpy(buf, head, 24);
  memcpy(buf + 24, rec_head, 16);
  memcpy(buf + 40, k_obj1, 12);
  ot_pcap_reader pr;
  ot_pcap_record rec;
  bool done;
  assert_int_equal(OT_PCAP_READ_MAX_SNAPLEN, 0x100000u);
  assert_ot_ok(ot_pcap_reader_init(&pr, buf, sizeof buf));
  assert_ot_ok(ot_pcap_reader_next(&pr, &rec, &done));
  assert_false(done);
  assert_int_equal(rec.len, 12);
  buf[16] = 0x01; /* snaplen 0x100001 */
  assert_ot_code(ot_pcap_reader_init(&pr, buf, sizeof buf), OT_E_MALFORMED);
}

static void test_file_writer_matches_buffer_writer(void **state) {
  (void)state;
  char path[] = "/tmp/ot_test_pcap_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  ot_pcap_file pf;
  assert_ot_ok(ot_pcap_file_open(&pf, path, OT_PCAP_DEFAULT_SNAPLEN));
  assert_ot_ok(ot_pcap_file_append(&pf, 0x6B07F942, 0, k_obj1, sizeof k_obj1));
  assert_ot_code(ot_pcap_file_append(&pf, 0, 0, k_obj1, 11), OT_E_TRUNCATED);
  assert_ot_ok(ot_pcap_file_append(&pf, 0x6B07F943, 999999, k_obj2, sizeof k_obj2));
  assert_ot_ok(ot_pcap_file_close(&pf));
  assert_ot_ok(ot_pcap_file_close(&pf)); /* idempotent */
  assert_ot_code(ot_pcap_file_append(&pf, 0, 0, k_obj1, sizeof k_obj1), OT_E_STATE);
  size_t flen;
  uint8_t *file = ts_read_file(path, &flen);
  unlink(path);
  assert_non_null(file);
  uint8_t buf[128];
  size_t len = make_capture(buf, sizeof buf);
  assert_int_equal(flen, len);
  assert_memory_equal(file, buf, len);
  free(file);
  assert_ot_code(ot_pcap_file_open(&pf, "/nonexistent-dir/x.pcap", 4096), OT_E_IO);
}

/* Another link type: the header names it, raw records hold head then body, limits hold. */
static void test_raw_records_of_another_linktype(void **state) {
  (void)state;
  char path[] = "/tmp/opentsm-pcap-raw-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  ot_pcap_file pf;
  assert_ot_ok(ot_pcap_file_open_linktype(&pf, path, 16, 147));
  static const uint8_t head[4] = {1, 0, 0, 7}, body[6] = {0xde, 0xad, 0xbe, 0xef, 0, 1};
  assert_ot_ok(ot_pcap_file_append_raw(&pf, 3, 999999, head, sizeof head, body, sizeof body));
  uint8_t big[13] = {0};
  assert_ot_code(ot_pcap_file_append_raw(&pf, 0, 0, head, sizeof head, big, sizeof big),
                 OT_E_TOO_LARGE);
  assert_ot_code(ot_pcap_file_append_raw(&pf, 0, 1000000, head, 4, body, 6), OT_E_ARG);
  assert_ot_ok(ot_pcap_file_close(&pf));
  assert_ot_code(ot_pcap_file_append_raw(&pf, 0, 0, head, 4, body, 6), OT_E_STATE);
  size_t len;
  uint8_t *data = ts_read_file(path, &len);
  unlink(path);
  assert_non_null(data);
  assert_int_equal(len, 24 + 16 + 10);             /* global header, one record header, 10 bytes */
  assert_int_equal(ot_load_u32le(data + 20), 147); /* link type */
  assert_int_equal(ot_load_u32le(data + 16), 16);  /* snaplen */
  assert_int_equal(ot_load_u32le(data + 24), 3);   /* ts_sec */
  assert_int_equal(ot_load_u32le(data + 28), 999999); /* ts_usec */
  assert_int_equal(ot_load_u32le(data + 32), 10);     /* incl_len */
  assert_int_equal(ot_load_u32le(data + 36), 10);     /* orig_len */
  assert_memory_equal(data + 40, head, 4);
  assert_memory_equal(data + 44, body, 6);
  free(data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_layout_matches_spdm_emu),
      cmocka_unit_test(test_read_back),
      cmocka_unit_test(test_empty_capture),
      cmocka_unit_test(test_reads_big_endian_file),
      cmocka_unit_test(test_init_rejects_bad_global_header),
      cmocka_unit_test(test_next_rejects_bad_records),
      cmocka_unit_test(test_next_rejects_truncated_file),
      cmocka_unit_test(test_writer_refuses_bad_records),
      cmocka_unit_test(test_writer_snaplen_fits_spdm_dump_and_truncates),
      cmocka_unit_test(test_reader_takes_large_snaplen),
      cmocka_unit_test(test_file_writer_matches_buffer_writer),
      cmocka_unit_test(test_raw_records_of_another_linktype),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
