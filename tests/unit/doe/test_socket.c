/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spdm-emu socket transport: frame codec, frame I/O (partial reads, oversize
 * sizes, unknown commands, wrong transport, peers closing mid-frame), client
 * and server over a socketpair. Loopback TCP is in tests/e2e/test_doe_socket.c.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "opentsm/doe_socket.h"
#include "testsupport.h"

/* ---- helpers ------------------------------------------------------------------ */

static void pair(int sv[2]) {
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  /* No test may hang: a read that should not happen times out instead. */
  struct timeval tv = {5, 0};
  for (int i = 0; i < 2; i++) {
    assert_int_equal(setsockopt(sv[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    assert_int_equal(setsockopt(sv[i], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), 0);
  }
}

static void write_all(int fd, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    assert_true(w > 0);
    p += w;
    n -= (size_t)w;
  }
}

static void head(uint8_t out[12], uint32_t cmd, uint32_t transport, uint32_t size) {
  ot_sock_frame_header h = {cmd, transport, size};
  ot_sock_frame_header_build(&h, out);
}

/* Reverses the payload (so an answer never equals its request). */
static ot_status rev_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                            size_t rsp_cap, size_t *rsp_len) {
  (void)p;
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  for (size_t i = 0; i < req_len; i++) rsp[i] = req[req_len - 1 - i];
  *rsp_len = req_len;
  return OT_SUCCESS;
}

typedef struct server_thread {
  pthread_t tid;
  int fd;
  ot_doe_responder r;
  ot_doe_protocol spdm;
  uint8_t rx[4096], tx[4096];
  ot_status result;
  ot_doe_serve_end end;
} server_thread;

static void *serve_main(void *arg) {
  server_thread *s = arg;
  s->result = ot_doe_socket_serve(s->fd, &s->r, s->rx, sizeof s->rx, s->tx, sizeof s->tx, &s->end);
  return NULL;
}

static void server_start(server_thread *s, int fd) {
  memset(s, 0, sizeof *s);
  s->fd = fd;
  s->spdm.vendor = OT_DOE_VENDOR_PCISIG;
  s->spdm.type = OT_DOE_TYPE_SPDM;
  s->spdm.handle = rev_handle;
  ot_doe_responder_init(&s->r);
  assert_ot_ok(ot_doe_responder_add(&s->r, &s->spdm));
  s->end = (ot_doe_serve_end)-1;
  assert_int_equal(pthread_create(&s->tid, NULL, serve_main, s), 0);
}

static void server_join(server_thread *s) { assert_int_equal(pthread_join(s->tid, NULL), 0); }

/* ---- codec ---------------------------------------------------------------------- */

static void test_header_is_big_endian(void **state) {
  (void)state;
  uint8_t h[12];
  head(h, OT_SOCK_CMD_TEST, OT_SOCK_TRANSPORT_PCI_DOE, 0x0102);
  const uint8_t want[12] = {0, 0, 0xDE, 0xAD, 0, 0, 0, 2, 0, 0, 1, 2};
  assert_memory_equal(h, want, 12);
  ot_sock_frame_header d;
  assert_ot_ok(ot_sock_frame_header_decode(h, 0x0102, &d));
  assert_int_equal(d.command, 0xDEAD);
  assert_int_equal(d.size, 0x0102);
}

static void test_header_rejects_oversize(void **state) {
  (void)state;
  uint8_t h[12];
  ot_sock_frame_header d = {7, 7, 7};
  head(h, 1, 2, 101);
  assert_ot_code(ot_sock_frame_header_decode(h, 100, &d), OT_E_TOO_LARGE);
  head(h, 1, 2, 0xFFFFFFFFu);
  assert_ot_code(ot_sock_frame_header_decode(h, SIZE_MAX, &d), OT_E_TOO_LARGE);
  head(h, 1, 2, OT_SOCK_MAX_PAYLOAD + 1);
  assert_ot_code(ot_sock_frame_header_decode(h, SIZE_MAX, &d), OT_E_TOO_LARGE);
  assert_int_equal(d.command, 7); /* untouched */
}

static void test_header_rejects_other_transport(void **state) {
  (void)state;
  uint8_t h[12];
  ot_sock_frame_header d;
  head(h, 1, 1 /* MCTP */, 4);
  assert_ot_code(ot_sock_frame_header_decode(h, 100, &d), OT_E_UNSUPPORTED);
  head(h, 1, 0 /* NONE */, 4);
  assert_ot_code(ot_sock_frame_header_decode(h, 100, &d), OT_E_UNSUPPORTED);
}

static void test_frame_roundtrip(void **state) {
  (void)state;
  const uint8_t payload[5] = {1, 2, 3, 4, 5};
  uint8_t buf[32];
  size_t len;
  assert_ot_ok(ot_sock_frame_encode(OT_SOCK_CMD_NORMAL, payload, 5, buf, sizeof buf, &len));
  assert_int_equal(len, 17);
  ot_sock_frame_header h;
  const uint8_t *p;
  assert_ot_ok(ot_sock_frame_decode(buf, len, &h, &p));
  assert_int_equal(h.command, OT_SOCK_CMD_NORMAL);
  assert_int_equal(h.transport, OT_SOCK_TRANSPORT_PCI_DOE);
  assert_int_equal(h.size, 5);
  assert_memory_equal(p, payload, 5);
}

static void test_frame_decode_rejects_bad_lengths(void **state) {
  (void)state;
  const uint8_t payload[4] = {9, 9, 9, 9};
  uint8_t buf[32];
  size_t len;
  assert_ot_ok(ot_sock_frame_encode(OT_SOCK_CMD_NORMAL, payload, 4, buf, sizeof buf, &len));
  ot_sock_frame_header h;
  const uint8_t *p;
  assert_ot_code(ot_sock_frame_decode(buf, len - 1, &h, &p), OT_E_TRUNCATED);
  assert_ot_code(ot_sock_frame_decode(buf, 11, &h, &p), OT_E_TRUNCATED);
  assert_ot_code(ot_sock_frame_decode(buf, len + 1, &h, &p), OT_E_TRAILING);
  assert_ot_code(ot_sock_frame_encode(1, payload, 4, buf, 15, &len), OT_E_NO_SPACE);
}

static void test_command_known(void **state) {
  (void)state;
  assert_true(ot_sock_command_known(0x0001));
  assert_true(ot_sock_command_known(0xDEAD));
  assert_true(ot_sock_command_known(0xFFFE));
  assert_true(ot_sock_command_known(0xFFFD));
  assert_false(ot_sock_command_known(0xFFFF));
  assert_false(ot_sock_command_known(0x0002));
  assert_false(ot_sock_command_known(0x00010001));
}

/* ---- frame I/O ------------------------------------------------------------------ */

typedef struct trickle {
  pthread_t tid;
  int fd;
  const uint8_t *data;
  size_t len;
  bool close_after;
} trickle;

/* Feeds the bytes one write() at a time, with a pause, so the reader sees partial reads. */
static void *trickle_main(void *arg) {
  trickle *t = arg;
  struct timespec pause = {0, 200000};
  for (size_t i = 0; i < t->len; i++) {
    if (write(t->fd, t->data + i, 1) != 1) break;
    nanosleep(&pause, NULL);
  }
  if (t->close_after) shutdown(t->fd, SHUT_WR);
  return NULL;
}

static void test_recv_frame_byte_by_byte(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  uint8_t frames[2 * 12 + 7 + 3];
  size_t a, b;
  assert_ot_ok(ot_sock_frame_encode(OT_SOCK_CMD_NORMAL, (const uint8_t *)"abcdefg", 7, frames,
                                    sizeof frames, &a));
  assert_ot_ok(
      ot_sock_frame_encode(0x4242, (const uint8_t *)"xyz", 3, frames + a, sizeof frames - a, &b));
  trickle t = {0, sv[1], frames, a + b, true};
  assert_int_equal(pthread_create(&t.tid, NULL, trickle_main, &t), 0);
  uint8_t buf[16];
  ot_sock_frame_header h;
  assert_ot_ok(ot_sock_recv_frame(sv[0], buf, sizeof buf, &h));
  assert_int_equal(h.size, 7);
  assert_memory_equal(buf, "abcdefg", 7);
  assert_ot_ok(ot_sock_recv_frame(sv[0], buf, sizeof buf, &h));
  assert_int_equal(h.command, 0x4242);
  assert_memory_equal(buf, "xyz", 3);
  /* Orderly close between frames. */
  assert_ot_code(ot_sock_recv_frame(sv[0], buf, sizeof buf, &h), OT_E_CLOSED);
  pthread_join(t.tid, NULL);
  close(sv[0]);
  close(sv[1]);
}

static void test_recv_frame_refuses_oversize_before_reading(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  uint8_t h[12];
  /* Announces 17 bytes to a 16-byte buffer and sends none: a reader that tried
   * to read them would block until the 5 s timeout and report OT_E_TIMEOUT. */
  head(h, OT_SOCK_CMD_NORMAL, OT_SOCK_TRANSPORT_PCI_DOE, 17);
  write_all(sv[1], h, sizeof h);
  uint8_t buf[16];
  ot_sock_frame_header fh;
  assert_ot_code(ot_sock_recv_frame(sv[0], buf, sizeof buf, &fh), OT_E_TOO_LARGE);
  head(h, OT_SOCK_CMD_NORMAL, OT_SOCK_TRANSPORT_PCI_DOE, 0xFFFFFFF0u);
  write_all(sv[1], h, sizeof h);
  assert_ot_code(ot_sock_recv_frame(sv[0], buf, sizeof buf, &fh), OT_E_TOO_LARGE);
  close(sv[0]);
  close(sv[1]);
}

static void test_recv_frame_peer_closes_in_header(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  const uint8_t part[5] = {0, 0, 0, 1, 0};
  write_all(sv[1], part, sizeof part);
  close(sv[1]);
  uint8_t buf[16];
  ot_sock_frame_header h;
  assert_ot_code(ot_sock_recv_frame(sv[0], buf, sizeof buf, &h), OT_E_TRUNCATED);
  close(sv[0]);
}

static void test_recv_frame_peer_closes_in_payload(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  uint8_t h[12];
  head(h, OT_SOCK_CMD_NORMAL, OT_SOCK_TRANSPORT_PCI_DOE, 12);
  write_all(sv[1], h, sizeof h);
  write_all(sv[1], (const uint8_t *)"12345", 5);
  close(sv[1]);
  uint8_t buf[16];
  ot_sock_frame_header fh;
  assert_ot_code(ot_sock_recv_frame(sv[0], buf, sizeof buf, &fh), OT_E_TRUNCATED);
  close(sv[0]);
}

static void test_send_frame_is_one_write(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  uint8_t payload[300];
  for (size_t i = 0; i < sizeof payload; i++) payload[i] = (uint8_t)i;
  assert_ot_ok(ot_sock_send_frame(sv[0], OT_SOCK_CMD_NORMAL, payload, sizeof payload));
  /* One sendmsg lands as one unit: a single read sees the whole frame. */
  uint8_t got[512];
  ssize_t n = recv(sv[1], got, sizeof got, 0);
  assert_int_equal(n, 12 + 300);
  ot_sock_frame_header h;
  const uint8_t *p;
  assert_ot_ok(ot_sock_frame_decode(got, (size_t)n, &h, &p));
  assert_memory_equal(p, payload, sizeof payload);
  close(sv[0]);
  close(sv[1]);
}

static void test_send_frame_to_closed_peer(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  close(sv[1]);
  /* No SIGPIPE: an error. */
  assert_ot_code(ot_sock_send_frame(sv[0], OT_SOCK_CMD_TEST, (const uint8_t *)"x", 1), OT_E_CLOSED);
  close(sv[0]);
}

/* ---- server ------------------------------------------------------------------------ */

static void expect_frame(int fd, uint32_t cmd, const uint8_t *payload, size_t len) {
  uint8_t buf[64];
  ot_sock_frame_header h;
  assert_ot_ok(ot_sock_recv_frame(fd, buf, sizeof buf, &h));
  assert_int_equal(h.command, cmd);
  assert_int_equal(h.size, len);
  if (len) assert_memory_equal(buf, payload, len);
}

static void test_server_answers_test_and_shutdown(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  server_thread s;
  server_start(&s, sv[1]);
  assert_ot_ok(ot_sock_send_frame(sv[0], OT_SOCK_CMD_TEST, (const uint8_t *)"Client Hello!", 14));
  expect_frame(sv[0], OT_SOCK_CMD_TEST, (const uint8_t *)"Server Hello!", 14);
  assert_ot_ok(ot_sock_send_frame(sv[0], OT_SOCK_CMD_SHUTDOWN, NULL, 0));
  expect_frame(sv[0], OT_SOCK_CMD_SHUTDOWN, NULL, 0);
  server_join(&s);
  assert_ot_ok(s.result);
  assert_int_equal(s.end, OT_DOE_SERVE_SHUTDOWN);
  close(sv[0]);
  close(sv[1]);
}

static void test_server_answers_continue(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  server_thread s;
  server_start(&s, sv[1]);
  assert_ot_ok(ot_sock_send_frame(sv[0], OT_SOCK_CMD_CONTINUE, NULL, 0));
  expect_frame(sv[0], OT_SOCK_CMD_CONTINUE, NULL, 0);
  server_join(&s);
  assert_ot_ok(s.result);
  assert_int_equal(s.end, OT_DOE_SERVE_CONTINUE);
  close(sv[0]);
  close(sv[1]);
}

static void test_server_unknown_command(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  server_thread s;
  server_start(&s, sv[1]);
  /* spdm_requester_emu's OOB_ENCAP_KEY_UPDATE: answered UNKNOWN, and the
   * connection goes on (docs/interop.md). */
  assert_ot_ok(ot_sock_send_frame(sv[0], 0x8001, (const uint8_t *)"??", 2));
  expect_frame(sv[0], OT_SOCK_CMD_UNKNOWN, NULL, 0);
  assert_ot_ok(ot_sock_send_frame(sv[0], OT_SOCK_CMD_TEST, (const uint8_t *)"Client Hello!", 14));
  expect_frame(sv[0], OT_SOCK_CMD_TEST, (const uint8_t *)"Server Hello!", 14);
  assert_ot_ok(ot_sock_send_frame(sv[0], OT_SOCK_CMD_SHUTDOWN, NULL, 0));
  expect_frame(sv[0], OT_SOCK_CMD_SHUTDOWN, NULL, 0);
  server_join(&s);
  assert_ot_ok(s.result);
  assert_int_equal(s.end, OT_DOE_SERVE_SHUTDOWN);
  close(sv[0]);
  close(sv[1]);
}

/* After a bad frame the connection is still served: a hello is answered and
 * SHUTDOWN ends the loop normally (no request ends a connection). */
static void expect_still_served(int fd, server_thread *s) {
  static const uint8_t hello[] = OT_SOCK_CLIENT_HELLO, server_hello[] = OT_SOCK_SERVER_HELLO;
  assert_ot_ok(ot_sock_send_frame(fd, OT_SOCK_CMD_TEST, hello, sizeof hello));
  expect_frame(fd, OT_SOCK_CMD_TEST, server_hello, sizeof server_hello);
  assert_ot_ok(ot_sock_send_frame(fd, OT_SOCK_CMD_SHUTDOWN, NULL, 0));
  expect_frame(fd, OT_SOCK_CMD_SHUTDOWN, NULL, 0);
  server_join(s);
  assert_ot_ok(s->result);
  assert_int_equal(s->end, OT_DOE_SERVE_SHUTDOWN);
}

static void test_server_wrong_transport(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  server_thread s;
  server_start(&s, sv[1]);
  uint8_t h[12];
  head(h, OT_SOCK_CMD_NORMAL, 1 /* MCTP */, 2);
  write_all(sv[0], h, sizeof h);
  write_all(sv[0], (const uint8_t *)"\x01\x02", 2);
  /* Discarded without an answer; the next frame is read in step. */
  expect_still_served(sv[0], &s);
  close(sv[0]);
  close(sv[1]);
}

static void test_server_peer_closes_mid_frame(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  server_thread s;
  server_start(&s, sv[1]);
  uint8_t h[12];
  head(h, OT_SOCK_CMD_NORMAL, OT_SOCK_TRANSPORT_PCI_DOE, 12);
  write_all(sv[0], h, sizeof h);
  write_all(sv[0], (const uint8_t *)"\x01\x00", 2);
  shutdown(sv[0], SHUT_WR);
  server_join(&s);
  assert_ot_code(s.result, OT_E_TRUNCATED);
  close(sv[0]);
  close(sv[1]);
}

static void test_server_peer_closes_between_frames(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  server_thread s;
  server_start(&s, sv[1]);
  shutdown(sv[0], SHUT_WR);
  server_join(&s);
  assert_ot_ok(s.result);
  assert_int_equal(s.end, OT_DOE_SERVE_CLOSED);
  close(sv[0]);
  close(sv[1]);
}

static void test_server_refuses_oversize_frame(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  server_thread s;
  server_start(&s, sv[1]);
  uint8_t h[12];
  size_t big = sizeof s.rx + 1;
  head(h, OT_SOCK_CMD_NORMAL, OT_SOCK_TRANSPORT_PCI_DOE, (uint32_t)big);
  write_all(sv[0], h, sizeof h);
  /* The payload is read off the stream and dropped, with no answer. */
  uint8_t *junk = calloc(1, big);
  assert_non_null(junk);
  write_all(sv[0], junk, big);
  free(junk);
  expect_still_served(sv[0], &s);
  close(sv[0]);
  close(sv[1]);
}

static void test_server_refuses_malformed_object(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  server_thread s;
  server_start(&s, sv[1]);
  const uint8_t obj[12] = {1, 0, 1, 0, 4 /* says 4 DW */, 0, 0, 0, 1, 2, 3, 4};
  assert_ot_ok(ot_sock_send_frame(sv[0], OT_SOCK_CMD_NORMAL, obj, sizeof obj));
  /* No response object (PCIe r6.0 §6.30.1), and the connection stays. */
  expect_still_served(sv[0], &s);
  close(sv[0]);
  close(sv[1]);
}

/* ---- client -------------------------------------------------------------------------- */

static void test_client_exchange_and_discovery(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  server_thread s;
  server_start(&s, sv[1]);
  ot_doe_socket_client c;
  ot_doe_socket_client_attach(&c, sv[0]);
  assert_ot_ok(ot_doe_socket_client_hello(&c));
  const uint8_t req[6] = {0x12, 0x84, 0, 0, 0xA, 0xB};
  uint8_t rsp[16];
  size_t n = 0;
  assert_ot_ok(ot_doe_exchange(&c.base, 1, 1, req, sizeof req, rsp, sizeof rsp, &n));
  /* The server saw the padded payload {12 84 00 00 0A 0B 00 00} and reversed it. */
  const uint8_t want[8] = {0, 0, 0xB, 0xA, 0, 0, 0x84, 0x12};
  assert_int_equal(n, 8);
  assert_memory_equal(rsp, want, 8);
  ot_doe_feature f[4];
  size_t count = 0;
  assert_ot_ok(ot_doe_discover(&c.base, 0, f, 4, &count));
  assert_int_equal(count, 2);
  assert_int_equal(f[1].type, OT_DOE_TYPE_SPDM);
  assert_ot_ok(ot_doe_socket_client_end(&c, false));
  server_join(&s);
  assert_int_equal(s.end, OT_DOE_SERVE_SHUTDOWN);
  ot_doe_socket_client_close(&c);
  close(sv[1]);
}

static void test_client_response_too_large_is_drained(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  server_thread s;
  server_start(&s, sv[1]);
  ot_doe_socket_client c;
  ot_doe_socket_client_attach(&c, sv[0]);
  uint8_t req[64] = {0};
  uint8_t rsp[64];
  size_t n = 99;
  assert_ot_code(ot_doe_exchange(&c.base, 1, 1, req, sizeof req, rsp, 60, &n), OT_E_NO_SPACE);
  assert_false(c.failed);
  /* Still in step: the next exchange works. */
  assert_ot_ok(ot_doe_exchange(&c.base, 1, 1, req, 4, rsp, sizeof rsp, &n));
  assert_int_equal(n, 4);
  assert_ot_ok(ot_doe_socket_client_end(&c, true));
  server_join(&s);
  assert_int_equal(s.end, OT_DOE_SERVE_CONTINUE);
  ot_doe_socket_client_close(&c);
  close(sv[1]);
}

/* A fake server that answers every NORMAL frame with a fixed frame. */
typedef struct fake_server {
  pthread_t tid;
  int fd;
  uint32_t cmd;
  const uint8_t *answer;
  size_t len;
} fake_server;

static void *fake_main(void *arg) {
  fake_server *f = arg;
  uint8_t buf[256];
  ot_sock_frame_header h;
  if (ot_ok(ot_sock_recv_frame(f->fd, buf, sizeof buf, &h)))
    OT_IGNORE(
        ot_sock_send_frame(f->fd, f->cmd, f->answer, f->len)); /* the test checks the client */
  return NULL;
}

static ot_status client_against(uint32_t cmd, const uint8_t *answer, size_t len, bool *failed) {
  int sv[2];
  pair(sv);
  fake_server f = {0, sv[1], cmd, answer, len};
  assert_int_equal(pthread_create(&f.tid, NULL, fake_main, &f), 0);
  ot_doe_socket_client c;
  ot_doe_socket_client_attach(&c, sv[0]);
  uint8_t rsp[64];
  size_t n;
  const uint8_t req[4] = {0x12, 0x84, 0, 0};
  ot_status st = ot_doe_exchange(&c.base, 1, 1, req, sizeof req, rsp, sizeof rsp, &n);
  pthread_join(f.tid, NULL);
  *failed = c.failed;
  if (c.failed) {
    /* Sticky. */
    assert_ot_code(ot_doe_exchange(&c.base, 1, 1, req, sizeof req, rsp, sizeof rsp, &n),
                   OT_E_FAILED);
  }
  ot_doe_socket_client_close(&c);
  close(sv[1]);
  return st;
}

static void test_client_rejects_wrong_type(void **state) {
  (void)state;
  const uint8_t obj[12] = {1, 0, 2, 0, 3, 0, 0, 0, 1, 2, 3, 4}; /* secured, not SPDM */
  bool failed;
  assert_ot_code(client_against(OT_SOCK_CMD_NORMAL, obj, sizeof obj, &failed), OT_E_UNEXPECTED);
  assert_true(failed);
}

static void test_client_rejects_length_mismatch(void **state) {
  (void)state;
  const uint8_t obj[16] = {1, 0, 1, 0, 3, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}; /* 3 DW in 16 bytes */
  bool failed;
  assert_ot_code(client_against(OT_SOCK_CMD_NORMAL, obj, sizeof obj, &failed), OT_E_MALFORMED);
  assert_true(failed);
}

static void test_client_rejects_reserved_bits(void **state) {
  (void)state;
  const uint8_t obj[12] = {1, 0, 1, 0x01, 3, 0, 0, 0, 1, 2, 3, 4};
  bool failed;
  assert_ot_code(client_against(OT_SOCK_CMD_NORMAL, obj, sizeof obj, &failed), OT_E_RESERVED);
  assert_true(failed);
}

static void test_client_rejects_unknown_answer(void **state) {
  (void)state;
  bool failed;
  assert_ot_code(client_against(OT_SOCK_CMD_UNKNOWN, NULL, 0, &failed), OT_E_UNEXPECTED);
  assert_true(failed);
}

static void test_client_peer_closes(void **state) {
  (void)state;
  int sv[2];
  pair(sv);
  ot_doe_socket_client c;
  ot_doe_socket_client_attach(&c, sv[0]);
  close(sv[1]);
  uint8_t rsp[8];
  size_t n;
  ot_status st = ot_doe_exchange(&c.base, 1, 1, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, &n);
  assert_int_equal(ot_status_category(st), OT_CAT_IO); /* closed, on send or on receive */
  assert_true(c.failed);
  ot_doe_socket_client_close(&c);
  ot_doe_socket_client_close(&c); /* idempotent */
  assert_ot_code(ot_doe_exchange(&c.base, 1, 1, NULL, 0, rsp, sizeof rsp, &n), OT_E_STATE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_header_is_big_endian),
      cmocka_unit_test(test_header_rejects_oversize),
      cmocka_unit_test(test_header_rejects_other_transport),
      cmocka_unit_test(test_frame_roundtrip),
      cmocka_unit_test(test_frame_decode_rejects_bad_lengths),
      cmocka_unit_test(test_command_known),
      cmocka_unit_test(test_recv_frame_byte_by_byte),
      cmocka_unit_test(test_recv_frame_refuses_oversize_before_reading),
      cmocka_unit_test(test_recv_frame_peer_closes_in_header),
      cmocka_unit_test(test_recv_frame_peer_closes_in_payload),
      cmocka_unit_test(test_send_frame_is_one_write),
      cmocka_unit_test(test_send_frame_to_closed_peer),
      cmocka_unit_test(test_server_answers_test_and_shutdown),
      cmocka_unit_test(test_server_answers_continue),
      cmocka_unit_test(test_server_unknown_command),
      cmocka_unit_test(test_server_wrong_transport),
      cmocka_unit_test(test_server_peer_closes_mid_frame),
      cmocka_unit_test(test_server_peer_closes_between_frames),
      cmocka_unit_test(test_server_refuses_oversize_frame),
      cmocka_unit_test(test_server_refuses_malformed_object),
      cmocka_unit_test(test_client_exchange_and_discovery),
      cmocka_unit_test(test_client_response_too_large_is_drained),
      cmocka_unit_test(test_client_rejects_wrong_type),
      cmocka_unit_test(test_client_rejects_length_mismatch),
      cmocka_unit_test(test_client_rejects_reserved_bits),
      cmocka_unit_test(test_client_rejects_unknown_answer),
      cmocka_unit_test(test_client_peer_closes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
