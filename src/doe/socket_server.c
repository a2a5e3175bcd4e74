/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spdm-emu socket transport, server side: listen, accept, and serve frames
 * from an ot_doe_responder, answering control commands as the reference
 * responder does (spdm_responder_emu.c platform_server). See doe_socket.h.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "opentsm/cursor.h"
#include "opentsm/doe_socket.h"
#include "opentsm/log.h"
#include "socket_internal.h"

#define LOG_TAG "doe-sock"

/* see doe_socket.h */
ot_status ot_doe_socket_listen(ot_doe_socket_server *srv, const char *host, uint16_t port) {
  struct addrinfo *ai = NULL;
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  ot_status st = OT_SUCCESS;
  int one = 1;
  OT_ENSURE(srv != NULL, OT_E_ARG);
  srv->listen_fd = -1;
  OT_GUARD(ot_sock_resolve(host, port, true, &ai));
  int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
  OT_ENSURE_GOTO(st, fd >= 0, OT_E_IO, out);
  /* As the reference responder: a restart must not wait for TIME_WAIT to pass. */
  OT_ENSURE_GOTO(st, setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0, OT_E_IO, out);
  if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, OT_DOE_SOCKET_BACKLOG) != 0 ||
      getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
    OT_LOGE(LOG_TAG, "listen on port %u: %s", (unsigned)port, strerror(errno));
    st = ot_status_of(OT_E_IO);
    goto out;
  }
  srv->port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                       : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  srv->listen_fd = fd;
  fd = -1;
out:
  if (fd >= 0) close(fd);
  freeaddrinfo(ai);
  return st;
}

/* see doe_socket.h */
ot_status ot_doe_socket_accept(ot_doe_socket_server *srv, int *fd) {
  int one = 1;
  OT_ENSURE(srv != NULL && fd != NULL, OT_E_ARG);
  OT_ENSURE(srv->listen_fd >= 0, OT_E_STATE);
  int c;
  do {
    c = accept(srv->listen_fd, NULL, NULL);
  } while (c < 0 && errno == EINTR);
  /* On a non-blocking listener, a client that left between poll() and
   * accept() (or a reset connection) is nobody to serve: not an error. */
  if (c < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED))
    OT_BAIL(OT_E_CLOSED);
  if (c < 0) {
    OT_LOGE(LOG_TAG, "accept: %s", strerror(errno));
    OT_BAIL(OT_E_IO);
  }
  /* A bounded send buffer: a peer that sends requests and never reads the
   * answers is found out (the answer cannot be queued within the frame
   * limit) after this much, not after the kernel has grown the buffer to
   * megabytes while the peer keeps the device busy. */
  int sndbuf = OT_DOE_SOCKET_SNDBUF;
  if (setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
      setsockopt(c, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) != 0) {
    close(c);
    OT_BAIL(OT_E_IO);
  }
  *fd = c;
  return OT_SUCCESS;
}

/* see doe_socket.h */
void ot_doe_socket_server_close(ot_doe_socket_server *srv) {
  if (srv->listen_fd >= 0) close(srv->listen_fd);
  srv->listen_fd = -1;
}

/* Receives one frame for the serve loop: the header as sent (the rules are
 * ot_doe_serve_frame()'s), the payload into rx when it fits, else read off
 * the stream and dropped (*kept = 0) so that the next frame starts in step.
 * The first byte may take lim->idle_ms; from it, the rest of the frame
 * lim->frame_ms (*started tells which limit a timeout came from). */
static ot_status serve_recv(int fd, uint8_t *rx, size_t rx_cap, const ot_doe_serve_limits *lim,
                            ot_sock_frame_header *h, size_t *kept, bool *started) {
  uint8_t head[OT_SOCK_FRAME_HEADER_SIZE];
  ot_reader rd;
  ot_sock_wait w = {.deadline_ns = ot_sock_deadline_in(lim->idle_ms), .wake_fd = lim->wake_fd};
  *started = false;
  OT_GUARD(ot_sock_read_exact_by(fd, head, 1, false, &w));
  *started = true;
  w.deadline_ns = ot_sock_deadline_in(lim->frame_ms);
  OT_GUARD(ot_sock_read_exact_by(fd, head + 1, sizeof head - 1, true, &w));
  ot_reader_init(&rd, head, sizeof head);
  OT_GUARD(ot_read_u32be(&rd, &h->command));
  OT_GUARD(ot_read_u32be(&rd, &h->transport));
  OT_GUARD(ot_read_u32be(&rd, &h->size));
  if (h->size > rx_cap || h->size > OT_SOCK_MAX_PAYLOAD) {
    *kept = 0;
    return ot_sock_discard_by(fd, h->size, &w);
  }
  OT_GUARD(ot_sock_read_exact_by(fd, rx, h->size, true, &w));
  *kept = h->size;
  return OT_SUCCESS;
}

/* see doe_socket.h */
ot_status ot_doe_socket_serve_limited(int fd, ot_doe_responder *r, uint8_t *rx, size_t rx_cap,
                                      uint8_t *tx, size_t tx_cap, const ot_doe_serve_limits *lim,
                                      ot_doe_serve_end *end) {
  OT_ENSURE(r != NULL && end != NULL && lim != NULL && (rx != NULL || rx_cap == 0) &&
                (tx != NULL || tx_cap == 0),
            OT_E_ARG);
  /* Each pass reads one frame or ends: bounded by the peer's frames, each
   * bounded in time by lim. */
  for (;;) {
    ot_sock_frame_header h;
    size_t kept = 0;
    bool started = false;
    ot_status st = serve_recv(fd, rx, rx_cap, lim, &h, &kept, &started);
    if (ot_is(st, OT_E_CLOSED)) {
      *end = OT_DOE_SERVE_CLOSED;
      return OT_SUCCESS;
    }
    if (ot_is(st, OT_E_CANCELLED)) {
      *end = OT_DOE_SERVE_STOPPED;
      return OT_SUCCESS;
    }
    if (ot_is(st, OT_E_TIMEOUT)) {
      OT_LOGW(LOG_TAG,
              started ? "frame not complete within %u ms: peer dropped"
                      : "peer idle for %u ms: dropped",
              (unsigned)(started ? lim->frame_ms : lim->idle_ms));
      *end = started ? OT_DOE_SERVE_SLOW_FRAME : OT_DOE_SERVE_IDLE;
      return OT_SUCCESS;
    }
    OT_GUARD(st);
    ot_doe_frame_reply reply;
    ot_doe_frame_next next = ot_doe_serve_frame(r, &h, kept ? rx : NULL, kept, tx, tx_cap, &reply);
    if (reply.send) {
      /* A peer that does not read its answers has as long to take one as
       * it had to send a frame. */
      ot_sock_wait w = {.deadline_ns = ot_sock_deadline_in(lim->frame_ms), .wake_fd = lim->wake_fd};
      st = ot_sock_send_frame_by(fd, reply.command, reply.payload, reply.len, &w);
      if (ot_is(st, OT_E_CANCELLED)) {
        *end = OT_DOE_SERVE_STOPPED;
        return OT_SUCCESS;
      }
      if (ot_is(st, OT_E_TIMEOUT)) {
        OT_LOGW(LOG_TAG, "answer not taken within %u ms: peer dropped", (unsigned)lim->frame_ms);
        *end = OT_DOE_SERVE_SLOW_READER;
        return OT_SUCCESS;
      }
      OT_GUARD(st);
    }
    if (next == OT_DOE_FRAME_SHUTDOWN || next == OT_DOE_FRAME_CONTINUE) {
      *end = next == OT_DOE_FRAME_SHUTDOWN ? OT_DOE_SERVE_SHUTDOWN : OT_DOE_SERVE_CONTINUE;
      return OT_SUCCESS;
    }
  }
}

/* see doe_socket.h */
ot_status ot_doe_socket_serve(int fd, ot_doe_responder *r, uint8_t *rx, size_t rx_cap, uint8_t *tx,
                              size_t tx_cap, ot_doe_serve_end *end) {
  static const ot_doe_serve_limits none = {.idle_ms = 0, .frame_ms = 0, .wake_fd = -1};
  return ot_doe_socket_serve_limited(fd, r, rx, rx_cap, tx, tx_cap, &none, end);
}
