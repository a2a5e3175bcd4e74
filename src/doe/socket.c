/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spdm-emu socket transport: frame I/O over a stream socket and the client
 * side (an ot_doe_transport). The server loop is in socket_server.c, the
 * frame codec in socket_frame.c. See opentsm/doe_socket.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "opentsm/clock.h"
#include "opentsm/cursor.h"
#include "opentsm/doe_socket.h"
#include "opentsm/log.h"
#include "socket_internal.h"

#define LOG_TAG "doe-sock"

/* ---- byte I/O ------------------------------------------------------------------ */

static ot_status errno_status(int e) {
  if (e == EAGAIN || e == EWOULDBLOCK) return ot_status_of(OT_E_TIMEOUT);
  if (e == EPIPE || e == ECONNRESET) return ot_status_of(OT_E_CLOSED);
  return ot_status_of(OT_E_IO);
}

/* see socket_internal.h */
uint64_t ot_sock_deadline_in(uint32_t ms) {
  return ms == 0 ? 0 : ot_clock_now(ot_clock_real()) + (uint64_t)ms * OT_NS_PER_MS;
}

/* see socket_internal.h */
uint64_t ot_sock_deadline_min(uint64_t a, uint64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return a < b ? a : b;
}

/* Waits until fd is ready for `events` (readiness includes errors and hang-up:
 * the call that follows reports them), within w. */
static ot_status wait_ready(int fd, short events, const ot_sock_wait *w) {
  /* Bounded: each pass either returns or waits at most until the deadline. */
  for (;;) {
    int ms = -1;
    if (w->deadline_ns != 0) {
      uint64_t now = ot_clock_now(ot_clock_real());
      if (now >= w->deadline_ns) return ot_status_of(OT_E_TIMEOUT);
      uint64_t left = (w->deadline_ns - now + OT_NS_PER_MS - 1) / OT_NS_PER_MS;
      ms = left > (uint64_t)INT_MAX ? INT_MAX : (int)left;
    }
    struct pollfd p[2] = {{.fd = fd, .events = events}, {.fd = w->wake_fd, .events = POLLIN}};
    int k = poll(p, w->wake_fd >= 0 ? 2 : 1, ms);
    if (k < 0 && errno == EINTR) continue; /* a signal's wake byte is seen on the next pass */
    if (k < 0) {
      OT_LOGD(LOG_TAG, "poll: %s", strerror(errno));
      return ot_status_of(OT_E_IO);
    }
    if (w->wake_fd >= 0 && (p[1].revents & POLLIN)) return ot_status_of(OT_E_CANCELLED);
    if (k > 0 && p[0].revents != 0) return OT_SUCCESS;
  }
}

/* see socket_internal.h */
ot_status ot_sock_read_exact_by(int fd, uint8_t *buf, size_t n, bool frame_started,
                                const ot_sock_wait *w) {
  size_t got = 0;
  while (got < n) {
    if (w) OT_GUARD(wait_ready(fd, POLLIN, w));
    /* MSG_DONTWAIT with a limit: readiness can be spurious, and a blocking
     * recv there would wait past the deadline. */
    ssize_t r = recv(fd, buf + got, n - got, w ? MSG_DONTWAIT : 0);
    if (r < 0 && (errno == EINTR || (w && (errno == EAGAIN || errno == EWOULDBLOCK)))) continue;
    if (r < 0) {
      OT_LOGD(LOG_TAG, "recv: %s", strerror(errno));
      return errno_status(errno);
    }
    if (r == 0) {
      /* EOF between frames is an orderly close; inside one it loses data. */
      if (!frame_started && got == 0) return ot_status_of(OT_E_CLOSED);
      OT_LOGW(LOG_TAG, "peer closed inside a frame (%zu of %zu bytes)", got, n);
      return ot_status_of(OT_E_TRUNCATED);
    }
    got += (size_t)r;
  }
  return OT_SUCCESS;
}

/* see socket_internal.h */
ot_status ot_sock_read_exact(int fd, uint8_t *buf, size_t n, bool frame_started) {
  return ot_sock_read_exact_by(fd, buf, n, frame_started, NULL);
}

/* see socket_internal.h */
ot_status ot_sock_discard_by(int fd, size_t n, const ot_sock_wait *w) {
  uint8_t sink[256];
  while (n > 0) {
    size_t k = n < sizeof sink ? n : sizeof sink;
    OT_GUARD(ot_sock_read_exact_by(fd, sink, k, true, w));
    n -= k;
  }
  return OT_SUCCESS;
}

/* see socket_internal.h */
ot_status ot_sock_discard(int fd, size_t n) { return ot_sock_discard_by(fd, n, NULL); }

/* see socket_internal.h */
ot_status ot_sock_send_all_by(int fd, struct iovec *iov, int cnt, const ot_sock_wait *w) {
  while (cnt > 0) {
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = iov;
    m.msg_iovlen = (size_t)cnt;
    /* A peer that does not read fills its window: wait for room, within w. */
    if (w) OT_GUARD(wait_ready(fd, POLLOUT, w));
    /* MSG_NOSIGNAL: a closed peer is an error to report, not a signal. */
    ssize_t sent = sendmsg(fd, &m, MSG_NOSIGNAL | (w ? MSG_DONTWAIT : 0));
    if (sent < 0 && (errno == EINTR || (w && (errno == EAGAIN || errno == EWOULDBLOCK)))) continue;
    if (sent < 0) {
      OT_LOGD(LOG_TAG, "sendmsg: %s", strerror(errno));
      return errno_status(errno);
    }
    size_t done = (size_t)sent;
    while (cnt > 0 && done >= iov->iov_len) {
      done -= iov->iov_len;
      iov++;
      cnt--;
    }
    if (cnt > 0) {
      iov->iov_base = (uint8_t *)iov->iov_base + done;
      iov->iov_len -= done;
    }
  }
  return OT_SUCCESS;
}

/* see socket_internal.h */
ot_status ot_sock_send_frame_by(int fd, uint32_t command, const uint8_t *payload, size_t len,
                                const ot_sock_wait *w) {
  OT_ENSURE(payload != NULL || len == 0, OT_E_ARG);
  OT_ENSURE(len <= OT_SOCK_MAX_PAYLOAD, OT_E_TOO_LARGE);
  uint8_t head[OT_SOCK_FRAME_HEADER_SIZE];
  ot_sock_frame_header h = {command, OT_SOCK_TRANSPORT_PCI_DOE, (uint32_t)len};
  ot_sock_frame_header_build(&h, head);
  struct iovec iov[2] = {{head, sizeof head}, {(void *)(uintptr_t)payload, len}};
  return ot_sock_send_all_by(fd, iov, len ? 2 : 1, w);
}

/* see doe_socket.h */
ot_status ot_sock_send_frame(int fd, uint32_t command, const uint8_t *payload, size_t len) {
  return ot_sock_send_frame_by(fd, command, payload, len, NULL);
}

/* see socket_internal.h */
ot_status ot_sock_recv_header_by(int fd, size_t max_payload, ot_sock_frame_header *hdr,
                                 const ot_sock_wait *w) {
  uint8_t head[OT_SOCK_FRAME_HEADER_SIZE];
  OT_GUARD(ot_sock_read_exact_by(fd, head, sizeof head, false, w));
  ot_status st = ot_sock_frame_header_decode(head, max_payload, hdr);
  if (!ot_ok(st))
    OT_LOGW(LOG_TAG, "refused frame header: %s (transport %u, size %u)", ot_status_name(st),
            (unsigned)ot_load_u32be(head + 4), (unsigned)ot_load_u32be(head + 8));
  return st;
}

/* see socket_internal.h */
ot_status ot_sock_recv_header(int fd, size_t max_payload, ot_sock_frame_header *hdr) {
  return ot_sock_recv_header_by(fd, max_payload, hdr, NULL);
}

/* see doe_socket.h */
ot_status ot_sock_recv_frame(int fd, uint8_t *buf, size_t cap, ot_sock_frame_header *hdr) {
  ot_sock_frame_header h;
  OT_ENSURE(buf != NULL || cap == 0, OT_E_ARG);
  OT_GUARD(ot_sock_recv_header(fd, cap, &h));
  OT_GUARD(ot_sock_read_exact(fd, buf, h.size, true));
  *hdr = h;
  return OT_SUCCESS;
}

/* ---- client ---------------------------------------------------------------------- */

static ot_status set_nodelay(int fd) {
  int one = 1;
  /* Each frame is one write and the peer waits for it: do not let Nagle hold it. */
  OT_ENSURE(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0, OT_E_IO);
  return OT_SUCCESS;
}

/* see socket_internal.h */
ot_status ot_sock_resolve(const char *host, uint16_t port, bool passive, struct addrinfo **out) {
  char port_str[8];
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
  snprintf(port_str, sizeof port_str, "%u", (unsigned)port);
  int rc = getaddrinfo(host ? host : "127.0.0.1", port_str, &hints, out);
  if (rc != 0) {
    OT_LOGE(LOG_TAG, "address %s: %s", host ? host : "127.0.0.1", gai_strerror(rc));
    OT_BAIL(OT_E_ARG);
  }
  return OT_SUCCESS;
}

static ot_status client_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                 const uint8_t *req, size_t req_len, uint8_t *rsp, size_t rsp_cap,
                                 size_t *rsp_len) {
  return ot_doe_socket_client_exchange((ot_doe_socket_client *)t, vendor, type, req, req_len, rsp,
                                       rsp_cap, rsp_len);
}

/* see doe_socket.h */
void ot_doe_socket_client_attach(ot_doe_socket_client *c, int fd) {
  c->base.exchange = client_exchange;
  c->fd = fd;
  c->failed = false;
  c->io_timeout_ms = 0;
  c->deadline_ns = 0;
}

/* The limit of one exchange started now: its own timeout, never past the
 * client's deadline. */
static ot_sock_wait client_wait(const ot_doe_socket_client *c) {
  return (ot_sock_wait){
      .deadline_ns = ot_sock_deadline_min(c->deadline_ns, ot_sock_deadline_in(c->io_timeout_ms)),
      .wake_fd = -1};
}

/* connect() without blocking past w's deadline (a host that drops SYNs would
 * otherwise hold us for the kernel's retry time, minutes). */
static ot_status connect_by(int fd, const struct addrinfo *ai, const ot_sock_wait *w) {
  int fl = fcntl(fd, F_GETFL);
  OT_ENSURE(fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0, OT_E_IO);
  int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
  if (rc != 0 && errno != EINPROGRESS) return ot_status_of(OT_E_IO);
  if (rc != 0) {
    OT_GUARD(wait_ready(fd, POLLOUT, w));
    int err = 0;
    socklen_t el = sizeof err;
    OT_ENSURE(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0, OT_E_IO);
    if (err != 0) {
      errno = err;
      return ot_status_of(OT_E_IO);
    }
  }
  /* Back to blocking: every later wait is a poll() bounded by the client's limits. */
  OT_ENSURE(fcntl(fd, F_SETFL, fl) == 0, OT_E_IO);
  return OT_SUCCESS;
}

/* see doe_socket.h */
ot_status ot_doe_socket_connect(ot_doe_socket_client *c, const char *host, uint16_t port,
                                uint32_t timeout_ms) {
  return ot_doe_socket_connect_by(c, host, port, timeout_ms, 0);
}

/* see doe_socket.h */
ot_status ot_doe_socket_connect_by(ot_doe_socket_client *c, const char *host, uint16_t port,
                                   uint32_t timeout_ms, uint64_t deadline_ns) {
  struct addrinfo *ai = NULL;
  ot_status st = OT_SUCCESS;
  int fd = -1;
  OT_ENSURE(c != NULL, OT_E_ARG);
  OT_GUARD(ot_sock_resolve(host, port, false, &ai));
  fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
  OT_ENSURE_GOTO(st, fd >= 0, OT_E_IO, out);
  ot_sock_wait w = {.deadline_ns =
                        ot_sock_deadline_min(deadline_ns, ot_sock_deadline_in(timeout_ms)),
                    .wake_fd = -1};
  st = connect_by(fd, ai, &w);
  if (!ot_ok(st)) {
    OT_LOGE(LOG_TAG, "connect to %s port %u: %s", host ? host : "127.0.0.1", (unsigned)port,
            ot_is(st, OT_E_TIMEOUT) ? "timed out" : strerror(errno));
    goto out;
  }
  OT_GUARD_GOTO(st, set_nodelay(fd), out);
  ot_doe_socket_client_attach(c, fd);
  c->io_timeout_ms = timeout_ms;
  c->deadline_ns = deadline_ns;
  fd = -1;
out:
  if (fd >= 0) close(fd);
  freeaddrinfo(ai);
  return st;
}

/* Marks the client failed when st leaves the stream out of step. */
static ot_status client_fail(ot_doe_socket_client *c, ot_status st) {
  if (!ot_ok(st)) c->failed = true;
  return st;
}

/* Sends `command` with payload and expects a frame with `want` back (payload discarded). */
static ot_status control_exchange(ot_doe_socket_client *c, uint32_t command, const uint8_t *payload,
                                  size_t len, uint32_t want) {
  ot_sock_frame_header h;
  OT_ENSURE(c != NULL && c->fd >= 0, OT_E_STATE);
  OT_ENSURE(!c->failed, OT_E_FAILED);
  ot_sock_wait w = client_wait(c);
  OT_GUARD(client_fail(c, ot_sock_send_frame_by(c->fd, command, payload, len, &w)));
  OT_GUARD(client_fail(c, ot_sock_recv_header_by(c->fd, OT_SOCK_MAX_PAYLOAD, &h, &w)));
  OT_GUARD(client_fail(c, ot_sock_discard_by(c->fd, h.size, &w)));
  if (h.command != want) {
    OT_LOGW(LOG_TAG, "sent command 0x%x, got 0x%x back", (unsigned)command, (unsigned)h.command);
    return client_fail(c, ot_status_of(OT_E_UNEXPECTED));
  }
  return OT_SUCCESS;
}

/* see doe_socket.h */
ot_status ot_doe_socket_client_hello(ot_doe_socket_client *c) {
  static const uint8_t hello[] = OT_SOCK_CLIENT_HELLO;
  return control_exchange(c, OT_SOCK_CMD_TEST, hello, sizeof hello, OT_SOCK_CMD_TEST);
}

/* see doe_socket.h */
ot_status ot_doe_socket_client_end(ot_doe_socket_client *c, bool keep_server) {
  uint32_t cmd = keep_server ? OT_SOCK_CMD_CONTINUE : OT_SOCK_CMD_SHUTDOWN;
  return control_exchange(c, cmd, NULL, 0, cmd);
}

/* see doe_socket.h */
ot_status ot_doe_socket_client_oob(ot_doe_socket_client *c, uint32_t command,
                                   const uint8_t *payload, size_t len) {
  return control_exchange(c, command, payload, len, command);
}

/* Receives the response object straight into rsp: no intermediate buffer. */
static ot_status client_receive(ot_doe_socket_client *c, uint16_t vendor, uint8_t type,
                                uint8_t *rsp, size_t rsp_cap, size_t *rsp_len,
                                const ot_sock_wait *w) {
  ot_sock_frame_header h;
  uint8_t doe_head[OT_DOE_HEADER_SIZE];
  ot_doe_header dh;
  OT_GUARD(ot_sock_recv_header_by(c->fd, OT_SOCK_MAX_PAYLOAD, &h, w));
  OT_ENSURE(h.command == OT_SOCK_CMD_NORMAL, OT_E_UNEXPECTED);
  OT_ENSURE(h.size >= OT_DOE_HEADER_SIZE, OT_E_MALFORMED);
  OT_GUARD(ot_sock_read_exact_by(c->fd, doe_head, sizeof doe_head, true, w));
  OT_GUARD(ot_doe_header_peek(doe_head, &dh));
  /* One frame carries exactly one object. */
  OT_ENSURE((size_t)dh.length_dw * 4u == h.size, OT_E_MALFORMED);
  OT_ENSURE(dh.vendor == vendor && dh.type == type, OT_E_UNEXPECTED);
  size_t n = h.size - OT_DOE_HEADER_SIZE;
  if (n > rsp_cap) {
    /* Read it off the stream so the next exchange starts on a frame boundary. */
    OT_GUARD(ot_sock_discard_by(c->fd, n, w));
    *rsp_len = 0;
    return ot_status_of(OT_E_NO_SPACE);
  }
  OT_GUARD(ot_sock_read_exact_by(c->fd, rsp, n, true, w));
  *rsp_len = n;
  return OT_SUCCESS;
}

/* see doe_socket.h */
ot_status ot_doe_socket_client_exchange(ot_doe_socket_client *c, uint16_t vendor, uint8_t type,
                                        const uint8_t *req, size_t req_len, uint8_t *rsp,
                                        size_t rsp_cap, size_t *rsp_len) {
  uint8_t doe_head[OT_DOE_HEADER_SIZE];
  static const uint8_t zeros[3] = {0, 0, 0};
  OT_ENSURE(c != NULL && rsp_len != NULL && (rsp != NULL || rsp_cap == 0), OT_E_ARG);
  OT_ENSURE(req != NULL || req_len == 0, OT_E_ARG);
  OT_ENSURE(c->fd >= 0, OT_E_STATE);
  OT_ENSURE(!c->failed, OT_E_FAILED);
  size_t total;
  OT_GUARD(ot_doe_header_build(vendor, type, req_len, doe_head, &total));
  size_t pad = total - OT_DOE_HEADER_SIZE - req_len;

  uint8_t head[OT_SOCK_FRAME_HEADER_SIZE];
  ot_sock_frame_header fh = {OT_SOCK_CMD_NORMAL, OT_SOCK_TRANSPORT_PCI_DOE, (uint32_t)total};
  ot_sock_frame_header_build(&fh, head);
  /* One sendmsg: frame header, DOE header, payload from where it lies, padding. */
  struct iovec iov[4] = {{head, sizeof head},
                         {doe_head, sizeof doe_head},
                         {(void *)(uintptr_t)req, req_len},
                         {(void *)(uintptr_t)zeros, pad}};
  /* One limit for the request going out and its whole response coming in. */
  ot_sock_wait w = client_wait(c);
  OT_GUARD(client_fail(c, ot_sock_send_all_by(c->fd, iov, 4, &w)));
  size_t n = 0;
  ot_status st = client_receive(c, vendor, type, rsp, rsp_cap, &n, &w);
  if (ot_is(st, OT_E_NO_SPACE)) return st; /* drained: still in step */
  OT_GUARD(client_fail(c, st));
  *rsp_len = n;
  return OT_SUCCESS;
}

/* see doe_socket.h */
void ot_doe_socket_client_close(ot_doe_socket_client *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
}
