/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spdm-emu socket transport: frame I/O over a stream socket and the client
 * side (an ot_doe_transport). The server loop is in socket_server.c, the
 * frame codec in socket_frame.c. See opentsm/doe_socket.h.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

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
ot_status ot_sock_read_exact(int fd, uint8_t *buf, size_t n, bool frame_started) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = recv(fd, buf + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
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
ot_status ot_sock_discard(int fd, size_t n) {
  uint8_t sink[256];
  while (n > 0) {
    size_t k = n < sizeof sink ? n : sizeof sink;
    OT_GUARD(ot_sock_read_exact(fd, sink, k, true));
    n -= k;
  }
  return OT_SUCCESS;
}

/* Sends all of iov[0..cnt) with sendmsg(), advancing over partial sends. */
static ot_status send_all(int fd, struct iovec *iov, int cnt) {
  while (cnt > 0) {
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = iov;
    m.msg_iovlen = (size_t)cnt;
    /* MSG_NOSIGNAL: a closed peer is an error to report, not a signal. */
    ssize_t w = sendmsg(fd, &m, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      OT_LOGD(LOG_TAG, "sendmsg: %s", strerror(errno));
      return errno_status(errno);
    }
    size_t done = (size_t)w;
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

/* see doe_socket.h */
ot_status ot_sock_send_frame(int fd, uint32_t command, const uint8_t *payload, size_t len) {
  OT_ENSURE(payload != NULL || len == 0, OT_E_ARG);
  OT_ENSURE(len <= OT_SOCK_MAX_PAYLOAD, OT_E_TOO_LARGE);
  uint8_t head[OT_SOCK_FRAME_HEADER_SIZE];
  ot_sock_frame_header h = {command, OT_SOCK_TRANSPORT_PCI_DOE, (uint32_t)len};
  ot_sock_frame_header_build(&h, head);
  struct iovec iov[2] = {{head, sizeof head}, {(void *)(uintptr_t)payload, len}};
  return send_all(fd, iov, len ? 2 : 1);
}

/* see socket_internal.h */
ot_status ot_sock_recv_header(int fd, size_t max_payload, ot_sock_frame_header *hdr) {
  uint8_t head[OT_SOCK_FRAME_HEADER_SIZE];
  OT_GUARD(ot_sock_read_exact(fd, head, sizeof head, false));
  ot_status st = ot_sock_frame_header_decode(head, max_payload, hdr);
  if (!ot_ok(st))
    OT_LOGW(LOG_TAG, "refused frame header: %s (transport %u, size %u)", ot_status_name(st),
            (unsigned)ot_load_u32be(head + 4), (unsigned)ot_load_u32be(head + 8));
  return st;
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

static ot_status set_timeouts(int fd, uint32_t timeout_ms) {
  struct timeval tv;
  tv.tv_sec = (time_t)(timeout_ms / 1000u);
  tv.tv_usec = (suseconds_t)((timeout_ms % 1000u) * 1000u);
  OT_ENSURE(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, OT_E_IO);
  OT_ENSURE(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0, OT_E_IO);
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
}

/* see doe_socket.h */
ot_status ot_doe_socket_connect(ot_doe_socket_client *c, const char *host, uint16_t port,
                                uint32_t timeout_ms) {
  struct addrinfo *ai = NULL;
  ot_status st = OT_SUCCESS;
  int fd = -1;
  OT_ENSURE(c != NULL, OT_E_ARG);
  OT_GUARD(ot_sock_resolve(host, port, false, &ai));
  fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
  OT_ENSURE_GOTO(st, fd >= 0, OT_E_IO, out);
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    OT_LOGE(LOG_TAG, "connect to %s port %u: %s", host ? host : "127.0.0.1", (unsigned)port,
            strerror(errno));
    st = ot_status_of(OT_E_IO);
    goto out;
  }
  OT_GUARD_GOTO(st, set_nodelay(fd), out);
  if (timeout_ms > 0) OT_GUARD_GOTO(st, set_timeouts(fd, timeout_ms), out);
  ot_doe_socket_client_attach(c, fd);
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
  OT_GUARD(client_fail(c, ot_sock_send_frame(c->fd, command, payload, len)));
  OT_GUARD(client_fail(c, ot_sock_recv_header(c->fd, OT_SOCK_MAX_PAYLOAD, &h)));
  OT_GUARD(client_fail(c, ot_sock_discard(c->fd, h.size)));
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

/* Receives the response object straight into rsp: no intermediate buffer. */
static ot_status client_receive(ot_doe_socket_client *c, uint16_t vendor, uint8_t type,
                                uint8_t *rsp, size_t rsp_cap, size_t *rsp_len) {
  ot_sock_frame_header h;
  uint8_t doe_head[OT_DOE_HEADER_SIZE];
  ot_doe_header dh;
  OT_GUARD(ot_sock_recv_header(c->fd, OT_SOCK_MAX_PAYLOAD, &h));
  OT_ENSURE(h.command == OT_SOCK_CMD_NORMAL, OT_E_UNEXPECTED);
  OT_ENSURE(h.size >= OT_DOE_HEADER_SIZE, OT_E_MALFORMED);
  OT_GUARD(ot_sock_read_exact(c->fd, doe_head, sizeof doe_head, true));
  OT_GUARD(ot_doe_header_peek(doe_head, &dh));
  /* One frame carries exactly one object. */
  OT_ENSURE((size_t)dh.length_dw * 4u == h.size, OT_E_MALFORMED);
  OT_ENSURE(dh.vendor == vendor && dh.type == type, OT_E_UNEXPECTED);
  size_t n = h.size - OT_DOE_HEADER_SIZE;
  if (n > rsp_cap) {
    /* Read it off the stream so the next exchange starts on a frame boundary. */
    OT_GUARD(ot_sock_discard(c->fd, n));
    *rsp_len = 0;
    return ot_status_of(OT_E_NO_SPACE);
  }
  OT_GUARD(ot_sock_read_exact(c->fd, rsp, n, true));
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
  OT_GUARD(client_fail(c, send_all(c->fd, iov, 4)));
  size_t n = 0;
  ot_status st = client_receive(c, vendor, type, rsp, rsp_cap, &n);
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
