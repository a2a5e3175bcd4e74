/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Time limits of the spdm-emu socket transport (docs/robustness.md): the
 * client's per-exchange limit and overall deadline end a silent or trickling
 * device with OT_E_TIMEOUT; the serve loop drops an idle peer, a slow frame
 * and a peer that does not read, and stops when its wake fd is readable.
 * Over socketpairs, single-threaded: the "peer" is bytes written beforehand
 * or nothing at all. Bounds are checked with a generous margin.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "opentsm/clock.h"
#include "opentsm/doe_socket.h"
#include "testsupport.h"

#define MARGIN_MS 2000u

static uint64_t ms_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void pair(int sv[2]) { assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0); }

static void assert_took(uint64_t t0, unsigned at_least, unsigned bound) {
  uint64_t took = ms_now() - t0;
  assert_true(took + 5 >= at_least); /* poll() rounds to whole ms */
  assert_true(took <= bound + MARGIN_MS);
}

static ot_status echo_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                             size_t rsp_cap, size_t *rsp_len) {
  (void)p;
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  memcpy(rsp, req, req_len);
  *rsp_len = req_len;
  return OT_SUCCESS;
}

typedef struct srv {
  ot_doe_responder r;
  ot_doe_protocol spdm;
  uint8_t rx[1024], tx[1024];
} srv;

static void srv_init(srv *s) {
  memset(s, 0, sizeof *s);
  s->spdm = (ot_doe_protocol){
      .vendor = OT_DOE_VENDOR_PCISIG, .type = OT_DOE_TYPE_SPDM, .handle = echo_handle};
  ot_doe_responder_init(&s->r);
  assert_ot_ok(ot_doe_responder_add(&s->r, &s->spdm));
}

/* A device that never answers: the exchange limit ends the wait. */
static void test_client_silent_device(void **st_) {
  (void)st_;
  int sv[2];
  pair(sv);
  ot_doe_socket_client c;
  ot_doe_socket_client_attach(&c, sv[0]);
  c.io_timeout_ms = 200;
  uint8_t req[4] = {0x12, 0x81, 0, 0}, rsp[64];
  size_t n = 0;
  uint64_t t0 = ms_now();
  assert_ot_code(ot_doe_socket_client_exchange(&c, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, req,
                                               sizeof req, rsp, sizeof rsp, &n),
                 OT_E_TIMEOUT);
  assert_took(t0, 200, 200);
  /* The stream is out of step: the client is failed from now on. */
  assert_true(c.failed);
  assert_ot_code(ot_doe_socket_client_exchange(&c, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, req,
                                               sizeof req, rsp, sizeof rsp, &n),
                 OT_E_FAILED);
  ot_doe_socket_client_close(&c);
  close(sv[1]);
}

/* A frame that starts and never ends (a 1 MiB frame announced, a few bytes
 * sent): the exchange limit, not the frame's end, ends it. */
static void test_client_trickled_frame(void **st_) {
  (void)st_;
  int sv[2];
  pair(sv);
  static const uint8_t part[] = {0,    0,   0, 1, 0, 0, 0, 2, 0, 0x10, 0, 0, /* NORMAL, 1 MiB */
                                 1,    0,   1, 0, 0, 0, 0, 0,                /* DOE header */
                                 0x12, 0x02};
  assert_int_equal(write(sv[1], part, sizeof part), (ssize_t)sizeof part);
  ot_doe_socket_client c;
  ot_doe_socket_client_attach(&c, sv[0]);
  c.io_timeout_ms = 300;
  uint8_t req[4] = {0x12, 0x82, 0, 0}, rsp[64];
  size_t n = 0;
  uint64_t t0 = ms_now();
  assert_ot_code(ot_doe_socket_client_exchange(&c, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, req,
                                               sizeof req, rsp, sizeof rsp, &n),
                 OT_E_TIMEOUT);
  assert_took(t0, 300, 300);
  ot_doe_socket_client_close(&c);
  close(sv[1]);
}

/* The overall deadline wins over a longer exchange limit, and a deadline
 * already past fails at once. */
static void test_client_deadline(void **st_) {
  (void)st_;
  int sv[2];
  pair(sv);
  ot_doe_socket_client c;
  ot_doe_socket_client_attach(&c, sv[0]);
  c.io_timeout_ms = 5000;
  uint64_t now_ns = ot_clock_now(ot_clock_real()); /* the client's time base */
  c.deadline_ns = now_ns + 150 * OT_NS_PER_MS;
  uint64_t t0 = ms_now();
  assert_ot_code(ot_doe_socket_client_hello(&c), OT_E_TIMEOUT);
  assert_took(t0, 150, 150);
  ot_doe_socket_client_close(&c);
  close(sv[1]);

  pair(sv);
  ot_doe_socket_client_attach(&c, sv[0]);
  c.deadline_ns = now_ns; /* in the past */
  t0 = ms_now();
  assert_ot_code(ot_doe_socket_client_hello(&c), OT_E_TIMEOUT);
  assert_took(t0, 0, 0);
  ot_doe_socket_client_close(&c);
  close(sv[1]);
}

static ot_doe_serve_end serve(int fd, srv *s, uint32_t idle, uint32_t frame, int wake) {
  ot_doe_serve_limits lim = {.idle_ms = idle, .frame_ms = frame, .wake_fd = wake};
  ot_doe_serve_end end = (ot_doe_serve_end)-1;
  assert_ot_ok(
      ot_doe_socket_serve_limited(fd, &s->r, s->rx, sizeof s->rx, s->tx, sizeof s->tx, &lim, &end));
  return end;
}

/* A peer that sends nothing is dropped after the idle limit; one that answers
 * a TEST first is dropped the same way after it. */
static void test_serve_idle(void **st_) {
  (void)st_;
  srv *s = calloc(1, sizeof *s);
  srv_init(s);
  int sv[2];
  pair(sv);
  uint64_t t0 = ms_now();
  assert_int_equal(serve(sv[1], s, 200, 5000, -1), OT_DOE_SERVE_IDLE);
  assert_took(t0, 200, 200);
  close(sv[0]);
  close(sv[1]);

  pair(sv);
  uint8_t test[12 + 14];
  size_t n = 0;
  assert_ot_ok(ot_sock_frame_encode(OT_SOCK_CMD_TEST, (const uint8_t *)OT_SOCK_CLIENT_HELLO,
                                    OT_SOCK_HELLO_SIZE, test, sizeof test, &n));
  assert_int_equal(write(sv[0], test, n), (ssize_t)n);
  t0 = ms_now();
  assert_int_equal(serve(sv[1], s, 200, 5000, -1), OT_DOE_SERVE_IDLE);
  assert_took(t0, 200, 200);
  ot_sock_frame_header h;
  uint8_t hello[32];
  assert_ot_ok(ot_sock_recv_frame(sv[0], hello, sizeof hello, &h));
  assert_int_equal(h.command, OT_SOCK_CMD_TEST);
  close(sv[0]);
  close(sv[1]);
  free(s);
}

/* 11 bytes of a header: the frame limit, counted from its first byte. */
static void test_serve_slow_frame(void **st_) {
  (void)st_;
  srv *s = calloc(1, sizeof *s);
  srv_init(s);
  int sv[2];
  pair(sv);
  static const uint8_t part[11] = {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 1};
  assert_int_equal(write(sv[0], part, sizeof part), (ssize_t)sizeof part);
  uint64_t t0 = ms_now();
  assert_int_equal(serve(sv[1], s, 5000, 250, -1), OT_DOE_SERVE_SLOW_FRAME);
  assert_took(t0, 250, 250);
  close(sv[0]);
  close(sv[1]);
  free(s);
}

/* Requests whose answers are never read: the send limit drops the peer. */
static void test_serve_peer_never_reads(void **st_) {
  (void)st_;
  srv *s = calloc(1, sizeof *s);
  srv_init(s);
  int sv[2];
  pair(sv);
  int small = 4096;
  assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  int fl = fcntl(sv[0], F_GETFL);
  assert_int_equal(fcntl(sv[0], F_SETFL, fl | O_NONBLOCK), 0);
  uint8_t test[12 + 14];
  size_t n = 0;
  assert_ot_ok(ot_sock_frame_encode(OT_SOCK_CMD_TEST, (const uint8_t *)OT_SOCK_CLIENT_HELLO,
                                    OT_SOCK_HELLO_SIZE, test, sizeof test, &n));
  /* As many requests as the socket takes, in large writes (an AF_UNIX
   * socket counts each write's overhead against its buffer); bounded. */
  static uint8_t batch[26 * 1024];
  for (size_t i = 0; i < sizeof batch / 26; i++)
    memcpy(batch + 26 * i, test, 26);
  size_t bytes = 0;
  for (int i = 0; i < 1000; i++) {
    ssize_t w = write(sv[0], batch, sizeof batch);
    if (w <= 0) break;
    bytes += (size_t)w;
  }
  assert_true(bytes / 26 > 1000); /* more answers than the server's buffer holds */
  uint64_t t0 = ms_now();
  assert_int_equal(serve(sv[1], s, 5000, 250, -1), OT_DOE_SERVE_SLOW_READER);
  assert_took(t0, 250, 250);
  close(sv[0]);
  close(sv[1]);
  free(s);
}

/* A readable wake fd stops the loop at once, without limits, while idle and
 * inside a frame. */
static void test_serve_wake(void **st_) {
  (void)st_;
  srv *s = calloc(1, sizeof *s);
  srv_init(s);
  int sv[2], wp[2];
  pair(sv);
  assert_int_equal(pipe(wp), 0);
  assert_int_equal(write(wp[1], "s", 1), 1);
  uint64_t t0 = ms_now();
  assert_int_equal(serve(sv[1], s, 0, 0, wp[0]), OT_DOE_SERVE_STOPPED);
  static const uint8_t part[5] = {0, 0, 0, 1, 0};
  assert_int_equal(write(sv[0], part, sizeof part), (ssize_t)sizeof part);
  assert_int_equal(serve(sv[1], s, 0, 0, wp[0]), OT_DOE_SERVE_STOPPED);
  assert_took(t0, 0, 0);
  close(wp[0]);
  close(wp[1]);
  close(sv[0]);
  close(sv[1]);
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_client_silent_device), cmocka_unit_test(test_client_trickled_frame),
      cmocka_unit_test(test_client_deadline),      cmocka_unit_test(test_serve_idle),
      cmocka_unit_test(test_serve_slow_frame),     cmocka_unit_test(test_serve_peer_never_reads),
      cmocka_unit_test(test_serve_wake),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
