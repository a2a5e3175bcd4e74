/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A programmable hostile peer for the spdm-emu socket protocol, loopback only
 * (tests/hostile/test_hostile.sh drives it; docs/robustness.md lists the
 * cases).
 *
 *   hostile_peer device SCENARIO [--at STAGE [--nth N]] [--exp N] [--rdtm N]
 *                                [--delay MS]
 *       A malicious device for `opentsm connect`: a real `opentsm device`
 *       model (cli_device) answers every request except at STAGE (hello,
 *       discovery, secured: a secured SPDM object, or a plain SPDM request
 *       by name such as GET_CERTIFICATE; its Nth occurrence, default the
 *       first), where SCENARIO happens:
 *         trickle    a 1 MiB frame announced, then one byte every 500 ms
 *         silent     no answer at all
 *         truncated  7 bytes of a frame header, then close
 *         notready   ERROR ResponseNotReady (RDTExponent --exp, RDTM
 *                    --rdtm, default 1) to the request and to every
 *                    RESPOND_IF_READY
 *         busy       ERROR Busy to the request, every time
 *         slow       every answer, from STAGE on, after --delay MS
 *       Prints "port N" once listening (a free port in 29000-29999).
 *   hostile_peer client SCENARIO --port N [--hold MS]
 *       A malicious client for `opentsm device`:
 *         silent     connects and sends nothing
 *         header11   11 bytes of a frame header
 *         trickle    a 1000-byte frame, one byte every 200 ms
 *         noread     requests without end, never reading an answer
 *         halfopen   connects and shuts its sending side at once
 *       Waits (at most --hold MS, default 10000) for the device to close the
 *       connection; prints "closed after N ms" and exits 0, or "still open
 *       after N ms" and exits 1.
 *
 * Every loop is bounded in count and in time; alarm() ends the process after
 * 60 s whatever happens.
 */
#define _GNU_SOURCE /* POLLRDHUP */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli_util.h"
#include "opentsm/doe_socket.h"
#include "opentsm/spdm.h"
#include "opentsm/spdm_codec.h"

#define PORT_LO 29000
#define PORT_N 1000
#define LIFETIME_S 60

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms) {
  struct timespec ts = {.tv_sec = ms / 1000u, .tv_nsec = (long)(ms % 1000u) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static void store_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}
static uint32_t load_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool write_all(int fd, const uint8_t *b, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    b += w;
    n -= (size_t)w;
  }
  return true;
}

static bool read_all(int fd, uint8_t *b, size_t n) {
  while (n > 0) {
    ssize_t r = recv(fd, b, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    b += r;
    n -= (size_t)r;
  }
  return true;
}

static bool send_frame(int fd, uint32_t cmd, const uint8_t *p, size_t n) {
  uint8_t h[12];
  store_be32(h, cmd);
  store_be32(h + 4, OT_SOCK_TRANSPORT_PCI_DOE);
  store_be32(h + 8, (uint32_t)n);
  return write_all(fd, h, 12) && (n == 0 || write_all(fd, p, n));
}

/* ---- device role ------------------------------------------------------------------ */

typedef struct dev_plan {
  const char *scenario, *at;
  unsigned exp, rdtm, delay_ms;
  unsigned nth; /* the stage's nth occurrence (1: the first) */
} dev_plan;

/* One byte every 500 ms after a header announcing 1 MiB, until the client
 * goes (at most 120 bytes: 60 s). */
static void trickle(int fd, uint32_t cmd, const uint8_t *doe_head) {
  uint8_t h[20];
  store_be32(h, cmd);
  store_be32(h + 4, OT_SOCK_TRANSPORT_PCI_DOE);
  store_be32(h + 8, OT_SOCK_MAX_PAYLOAD);
  size_t n = 12;
  if (doe_head) {
    memcpy(h + 12, doe_head, 8);
    n = 20;
  }
  if (!write_all(fd, h, n)) return;
  for (int i = 0; i < 120; i++) {
    sleep_ms(500);
    uint8_t b = 0;
    if (!write_all(fd, &b, 1)) return;
  }
}

/* Waits for the client to go (EOF), at most LIFETIME_S. */
static void hold(int fd) {
  uint8_t sink[256];
  uint64_t end = now_ms() + LIFETIME_S * 1000u;
  while (now_ms() < end) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 200) > 0 && recv(fd, sink, sizeof sink, 0) <= 0) return;
  }
}

/* Whether this request is the stage: DOE discovery, "secured" (any secured
 * SPDM object: FINISH, then HEARTBEAT, END_SESSION...), or a plain SPDM
 * request by name; only its --nth occurrence counts. */
static bool stage_is(const dev_plan *pl, uint8_t type, const uint8_t *spdm, size_t n,
                     unsigned *seen) {
  bool match;
  if (strcmp(pl->at, "discovery") == 0)
    match = type == OT_DOE_TYPE_DISCOVERY;
  else if (strcmp(pl->at, "secured") == 0)
    match = type == OT_DOE_TYPE_SECURED_SPDM;
  else
    match = type == OT_DOE_TYPE_SPDM && n >= 2 && strcmp(ot_spdm_code_name(spdm[1]), pl->at) == 0;
  return match && ++*seen >= pl->nth;
}

/* An SPDM ERROR in a DOE object of type SPDM, in a NORMAL frame. */
static bool send_spdm_error(int fd, uint8_t ver, uint8_t code, const uint8_t *ext, size_t ext_len) {
  uint8_t o[16] = {0x01, 0x00, OT_DOE_TYPE_SPDM, 0x00};
  size_t n = 8 + 4 + ext_len;
  o[4] = (uint8_t)(n / 4);
  o[8] = ver;
  o[9] = OT_SPDM_ERROR;
  o[10] = code;
  o[11] = 0;
  if (ext_len > 0) memcpy(o + 12, ext, ext_len);
  return send_frame(fd, OT_SOCK_CMD_NORMAL, o, n);
}

static int serve_hostile(int fd, cli_device *d, const dev_plan *pl) {
  static uint8_t payload[OT_SOCK_MAX_PAYLOAD];
  bool slow = false;
  unsigned seen = 0;
  /* Bounded: the client's frames, each read with alarm() as the last resort. */
  for (unsigned frames = 0; frames < 100000; frames++) {
    uint8_t h[12];
    if (!read_all(fd, h, 12)) return 0;
    uint32_t cmd = load_be32(h), size = load_be32(h + 8);
    if (size > sizeof payload || !read_all(fd, payload, size)) return 0;
    if (cmd == OT_SOCK_CMD_TEST) {
      if (strcmp(pl->at, "hello") == 0) {
        if (strcmp(pl->scenario, "trickle") == 0) trickle(fd, OT_SOCK_CMD_TEST, NULL);
        if (strcmp(pl->scenario, "truncated") == 0) (void)write_all(fd, h, 7);
        if (strcmp(pl->scenario, "silent") == 0) hold(fd);
        return 0;
      }
      static const uint8_t hello[] = OT_SOCK_SERVER_HELLO;
      if (!send_frame(fd, OT_SOCK_CMD_TEST, hello, sizeof hello)) return 0;
      continue;
    }
    if (cmd != OT_SOCK_CMD_NORMAL) {
      (void)send_frame(fd, cmd, NULL, 0);
      return 0;
    }
    uint8_t type = size >= 8 ? payload[2] : 0xff;
    const uint8_t *spdm = payload + 8;
    size_t spdm_len = size >= 8 ? size - 8 : 0;
    bool hit = size >= 8 && stage_is(pl, type, spdm, spdm_len, &seen);
    bool rif = type == OT_DOE_TYPE_SPDM && spdm_len >= 4 && spdm[1] == OT_SPDM_RESPOND_IF_READY;
    if (hit && strcmp(pl->scenario, "trickle") == 0) {
      uint8_t doe_head[8] = {0x01, 0x00, type, 0x00, 0, 0, 0, 0}; /* Length 0: 2^18 DW */
      trickle(fd, OT_SOCK_CMD_NORMAL, doe_head);
      return 0;
    }
    if (hit && strcmp(pl->scenario, "silent") == 0) {
      hold(fd);
      return 0;
    }
    if (hit && strcmp(pl->scenario, "truncated") == 0) {
      (void)write_all(fd, h, 7);
      return 0;
    }
    if ((hit || rif) && strcmp(pl->scenario, "notready") == 0) {
      /* RDTExponent, RequestCode (the original), Token, RDTM */
      uint8_t ext[4] = {(uint8_t)pl->exp, rif ? spdm[2] : spdm[1], 0x01, (uint8_t)pl->rdtm};
      if (!send_spdm_error(fd, spdm[0], OT_SPDM_ERR_RESPONSE_NOT_READY, ext, 4)) return 0;
      continue;
    }
    if (hit && strcmp(pl->scenario, "busy") == 0) {
      if (!send_spdm_error(fd, spdm[0], OT_SPDM_ERR_BUSY, NULL, 0)) return 0;
      continue;
    }
    if (hit && strcmp(pl->scenario, "slow") == 0) slow = true;
    if (slow) sleep_ms(pl->delay_ms);
    size_t n = 0;
    ot_status st =
        ot_doe_responder_handle(cli_device_doe(d), payload, size, d->tx, sizeof d->tx, &n);
    if (ot_ok(st) && !send_frame(fd, OT_SOCK_CMD_NORMAL, d->tx, n)) return 0;
  }
  return 0;
}

static int listen_in_range(uint16_t *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  unsigned start = (unsigned)getpid() % PORT_N;
  for (unsigned i = 0; i < PORT_N; i++) {
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *port = (uint16_t)(PORT_LO + (start + i) % PORT_N);
    a.sin_port = htons(*port);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 4) == 0) return fd;
  }
  close(fd);
  return -1;
}

static int run_device(const dev_plan *pl, const char *keys) {
  cli_device *d = calloc(1, sizeof *d);
  if (d == NULL) return 2;
  cli_device_opts o = {.identity = CLI_ID_SAMPLE_P384, .key_dir = keys, .ports = 1};
  const char *what = "";
  ot_status st = cli_device_init(d, &o, &what);
  if (!ot_ok(st)) {
    fprintf(stderr, "hostile_peer: %s: %s\n", what, ot_status_message(st));
    free(d);
    return 2;
  }
  uint16_t port = 0;
  int lfd = listen_in_range(&port);
  if (lfd < 0) {
    fprintf(stderr, "hostile_peer: no free port in %d-%d\n", PORT_LO, PORT_LO + PORT_N - 1);
    cli_device_free(d);
    free(d);
    return 2;
  }
  printf("port %u\n", (unsigned)port);
  fflush(stdout);
  int fd = accept(lfd, NULL, NULL);
  int rc = 2;
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    rc = serve_hostile(fd, d, pl);
    close(fd);
  }
  close(lfd);
  cli_device_free(d);
  free(d);
  return rc;
}

/* ---- client role ------------------------------------------------------------------ */

/* Requests without end, never reading: TEST frames, sent while the device
 * takes them (at most 64 MiB, 20 s). */
static void flood(int fd) {
  static uint8_t batch[26 * 2048];
  static const uint8_t hello[] = OT_SOCK_CLIENT_HELLO;
  for (size_t i = 0; i < sizeof batch / 26; i++) {
    store_be32(batch + i * 26, OT_SOCK_CMD_TEST);
    store_be32(batch + i * 26 + 4, OT_SOCK_TRANSPORT_PCI_DOE);
    store_be32(batch + i * 26 + 8, sizeof hello);
    memcpy(batch + i * 26 + 12, hello, sizeof hello);
  }
  size_t total = 0;
  uint64_t end = now_ms() + 20000;
  while (total < (64u << 20) && now_ms() < end) {
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    if (poll(&p, 1, 300) <= 0) return; /* the device stopped taking them */
    if (p.revents & (POLLERR | POLLHUP)) return;
    ssize_t w = send(fd, batch, sizeof batch, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (w <= 0) return;
    total += (size_t)w;
  }
}

static int run_client(const char *scenario, uint16_t port, unsigned hold_ms) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 2;
  if (strcmp(scenario, "noread") == 0) {
    int small = 2048; /* so that unread answers fill the window soon */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  }
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    fprintf(stderr, "hostile_peer: connect: %s\n", strerror(errno));
    close(fd);
    return 2;
  }
  uint64_t t0 = now_ms();
  uint8_t head[12];
  store_be32(head, OT_SOCK_CMD_TEST);
  store_be32(head + 4, OT_SOCK_TRANSPORT_PCI_DOE);
  store_be32(head + 8, 1000);
  bool trickling = false;
  unsigned sent = 0;
  if (strcmp(scenario, "header11") == 0) {
    (void)write_all(fd, head, 11);
  } else if (strcmp(scenario, "trickle") == 0) {
    trickling = write_all(fd, head, 12);
  } else if (strcmp(scenario, "noread") == 0) {
    flood(fd);
  } else if (strcmp(scenario, "halfopen") == 0) {
    shutdown(fd, SHUT_WR);
  } else if (strcmp(scenario, "silent") != 0) {
    fprintf(stderr, "hostile_peer: unknown client scenario %s\n", scenario);
    close(fd);
    return 2;
  }
  /* Bounded by hold_ms: until the device closes (FIN or RST). */
  while (now_ms() - t0 < hold_ms) {
    struct pollfd p = {.fd = fd, .events = POLLRDHUP};
    int k = poll(&p, 1, trickling ? 200 : 50);
    if (k > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
      printf("closed after %llu ms\n", (unsigned long long)(now_ms() - t0));
      close(fd);
      return 0;
    }
    if (trickling && sent < 1000) {
      uint8_t b = 0;
      if (write_all(fd, &b, 1)) sent++;
    }
  }
  printf("still open after %llu ms\n", (unsigned long long)(now_ms() - t0));
  close(fd);
  return 1;
}

int main(int argc, char **argv) {
  alarm(LIFETIME_S);
  signal(SIGPIPE, SIG_IGN);
  if (argc < 3) {
    fprintf(stderr, "usage: hostile_peer device|client SCENARIO [options]\n");
    return 2;
  }
  dev_plan pl = {.scenario = argv[2], .at = "hello", .exp = 0, .rdtm = 1, .delay_ms = 0, .nth = 1};
  const char *keys = cli_default_key_dir();
  unsigned port = 0, hold_ms = 10000;
  for (int i = 3; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (strcmp(k, "--at") == 0)
      pl.at = v;
    else if (strcmp(k, "--exp") == 0)
      pl.exp = (unsigned)strtoul(v, NULL, 0);
    else if (strcmp(k, "--nth") == 0)
      pl.nth = (unsigned)strtoul(v, NULL, 0);
    else if (strcmp(k, "--rdtm") == 0)
      pl.rdtm = (unsigned)strtoul(v, NULL, 0);
    else if (strcmp(k, "--delay") == 0)
      pl.delay_ms = (unsigned)strtoul(v, NULL, 0);
    else if (strcmp(k, "--keys") == 0)
      keys = v;
    else if (strcmp(k, "--port") == 0)
      port = (unsigned)strtoul(v, NULL, 0);
    else if (strcmp(k, "--hold") == 0)
      hold_ms = (unsigned)strtoul(v, NULL, 0);
    else {
      fprintf(stderr, "hostile_peer: unknown option %s\n", k);
      return 2;
    }
  }
  if (strcmp(argv[1], "device") == 0) return run_device(&pl, keys);
  if (strcmp(argv[1], "client") == 0 && port > 0 && port < 65536)
    return run_client(argv[2], (uint16_t)port, hold_ms);
  fprintf(stderr, "hostile_peer: bad role or missing --port\n");
  return 2;
}
