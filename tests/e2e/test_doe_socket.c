/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket client and server over loopback TCP, as spdm-emu's requester and
 * responder talk: hello, Discovery, an echo protocol with objects of many
 * sizes, CONTINUE to a second connection, then SHUTDOWN.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opentsm/doe_socket.h"
#include "testsupport.h"

#define ECHO_VENDOR 0x1AB4u /* a vendor-defined protocol beside the PCI-SIG ones */
#define ECHO_TYPE 0x07u

static ot_status echo_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                             size_t rsp_cap, size_t *rsp_len) {
  (void)p;
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  for (size_t i = 0; i < req_len; i++) rsp[i] = (uint8_t)(req[i] ^ 0xFF);
  *rsp_len = req_len;
  return OT_SUCCESS;
}

typedef struct server {
  pthread_t tid;
  ot_doe_socket_server srv;
  ot_doe_responder r;
  ot_doe_protocol echo;
  uint8_t rx[65536], tx[65536];
  ot_status result;
  int connections;
} server;

/* Accepts and serves until SHUTDOWN, as spdm_responder_emu's platform_server_routine. */
static void *server_main(void *arg) {
  server *s = arg;
  for (;;) {
    int fd;
    ot_doe_serve_end end;
    s->result = ot_doe_socket_accept(&s->srv, &fd);
    if (!ot_ok(s->result)) return NULL;
    s->connections++;
    s->result = ot_doe_socket_serve(fd, &s->r, s->rx, sizeof s->rx, s->tx, sizeof s->tx, &end);
    close(fd);
    if (!ot_ok(s->result) || end == OT_DOE_SERVE_SHUTDOWN) return NULL;
  }
}

static server *server_start(void) {
  server *s = calloc(1, sizeof *s);
  assert_non_null(s);
  ot_doe_responder_init(&s->r);
  s->echo.vendor = ECHO_VENDOR;
  s->echo.type = ECHO_TYPE;
  s->echo.handle = echo_handle;
  assert_ot_ok(ot_doe_responder_add(&s->r, &s->echo));
  assert_ot_ok(ot_doe_socket_listen(&s->srv, NULL, 0));
  assert_int_not_equal(s->srv.port, 0);
  assert_int_equal(pthread_create(&s->tid, NULL, server_main, s), 0);
  return s;
}

static void test_session_over_loopback(void **state) {
  (void)state;
  server *s = server_start();
  ot_doe_socket_client c;
  assert_ot_ok(ot_doe_socket_connect(&c, "127.0.0.1", s->srv.port, 5000));
  assert_ot_ok(ot_doe_socket_client_hello(&c));

  ot_doe_feature f[8];
  size_t n = 0;
  assert_ot_ok(ot_doe_discover(&c.base, 0, f, 8, &n));
  assert_int_equal(n, 2);
  assert_int_equal(f[0].vendor, OT_DOE_VENDOR_PCISIG);
  assert_int_equal(f[0].type, OT_DOE_TYPE_DISCOVERY);
  assert_int_equal(f[1].vendor, ECHO_VENDOR);
  assert_int_equal(f[1].type, ECHO_TYPE);

  static uint8_t req[60000], rsp[60000];
  for (size_t i = 0; i < sizeof req; i++) req[i] = (uint8_t)(i * 7u);
  const size_t sizes[] = {0, 1, 3, 4, 5, 1023, 4096, 59999};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    size_t got = 0;
    assert_ot_ok(
        ot_doe_exchange(&c.base, ECHO_VENDOR, ECHO_TYPE, req, sizes[k], rsp, sizeof rsp, &got));
    assert_int_equal(got, (sizes[k] + 3) & ~(size_t)3);
    for (size_t i = 0; i < sizes[k]; i++) assert_int_equal(rsp[i], (uint8_t)(req[i] ^ 0xFF));
    for (size_t i = sizes[k]; i < got; i++) assert_int_equal(rsp[i], 0xFF); /* padding, inverted */
  }

  /* CONTINUE: this connection ends, the server takes the next one. */
  assert_ot_ok(ot_doe_socket_client_end(&c, true));
  ot_doe_socket_client_close(&c);
  assert_ot_ok(ot_doe_socket_connect(&c, NULL, s->srv.port, 5000));
  size_t got;
  assert_ot_ok(ot_doe_exchange(&c.base, ECHO_VENDOR, ECHO_TYPE, req, 8, rsp, sizeof rsp, &got));
  assert_ot_ok(ot_doe_socket_client_end(&c, false));
  ot_doe_socket_client_close(&c);

  assert_int_equal(pthread_join(s->tid, NULL), 0);
  assert_ot_ok(s->result);
  assert_int_equal(s->connections, 2);
  ot_doe_socket_server_close(&s->srv);
  free(s);
}

static void test_unsupported_protocol_keeps_connection(void **state) {
  (void)state;
  server *s = server_start();
  ot_doe_socket_client c;
  assert_ot_ok(ot_doe_socket_connect(&c, "127.0.0.1", s->srv.port, 300));
  uint8_t rsp[16];
  size_t got;
  /* SPDM is not in this device's table: no response object (PCIe r6.0
   * §6.30.1), so the client's wait times out... */
  ot_status st = ot_doe_exchange(&c.base, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM,
                                 (const uint8_t *)"\x10\x84\x00\x00", 4, rsp, sizeof rsp, &got);
  assert_ot_code(st, OT_E_TIMEOUT);
  /* ...but the connection is still served: the stream is in step (nothing was
   * sent), so a known protocol is answered on it and SHUTDOWN ends it. */
  ot_doe_socket_client again;
  ot_doe_socket_client_attach(&again, c.fd);
  assert_ot_ok(ot_doe_exchange(&again.base, ECHO_VENDOR, ECHO_TYPE, (const uint8_t *)"abcd", 4, rsp,
                               sizeof rsp, &got));
  assert_int_equal(got, 4);
  assert_int_equal(rsp[0], 'a' ^ 0xFF);
  assert_ot_ok(ot_doe_socket_client_end(&again, false));
  ot_doe_socket_client_close(&again);
  assert_int_equal(pthread_join(s->tid, NULL), 0);
  assert_ot_ok(s->result);
  assert_int_equal(s->connections, 1);
  ot_doe_socket_server_close(&s->srv);
  free(s);
}

static void test_connect_refused(void **state) {
  (void)state;
  ot_doe_socket_server srv;
  assert_ot_ok(ot_doe_socket_listen(&srv, "127.0.0.1", 0));
  uint16_t port = srv.port;
  ot_doe_socket_server_close(&srv);
  ot_doe_socket_client c;
  assert_ot_code(ot_doe_socket_connect(&c, "127.0.0.1", port, 1000), OT_E_IO);
  assert_ot_code(ot_doe_socket_connect(&c, "not-an-address", port, 1000), OT_E_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_session_over_loopback),
      cmocka_unit_test(test_unsupported_protocol_keeps_connection),
      cmocka_unit_test(test_connect_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
