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
  if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 4) != 0 ||
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
  if (c < 0) {
    OT_LOGE(LOG_TAG, "accept: %s", strerror(errno));
    OT_BAIL(OT_E_IO);
  }
  if (setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
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

/* see doe_socket.h */
ot_status ot_doe_socket_serve(int fd, ot_doe_responder *r, uint8_t *rx, size_t rx_cap, uint8_t *tx,
                              size_t tx_cap, ot_doe_serve_end *end) {
  static const uint8_t server_hello[] = OT_SOCK_SERVER_HELLO;
  OT_ENSURE(r != NULL && end != NULL && (rx != NULL || rx_cap == 0) && (tx != NULL || tx_cap == 0),
            OT_E_ARG);
  for (;;) {
    ot_sock_frame_header h;
    ot_status st = ot_sock_recv_frame(fd, rx, rx_cap, &h);
    if (ot_is(st, OT_E_CLOSED)) {
      *end = OT_DOE_SERVE_CLOSED;
      return OT_SUCCESS;
    }
    OT_GUARD(st);
    switch (h.command) {
    case OT_SOCK_CMD_NORMAL: {
      size_t len = 0;
      st = ot_doe_responder_handle(r, rx, h.size, tx, tx_cap, &len);
      if (!ot_ok(st)) {
        /* spdm-emu answers nothing to an object it cannot handle and drops the connection. */
        OT_LOGW(LOG_TAG, "request object refused: %s", ot_status_name(st));
        return st;
      }
      OT_GUARD(ot_sock_send_frame(fd, OT_SOCK_CMD_NORMAL, tx, len));
      break;
    }
    case OT_SOCK_CMD_TEST:
      OT_GUARD(ot_sock_send_frame(fd, OT_SOCK_CMD_TEST, server_hello, sizeof server_hello));
      break;
    case OT_SOCK_CMD_SHUTDOWN:
    case OT_SOCK_CMD_CONTINUE:
      OT_GUARD(ot_sock_send_frame(fd, h.command, NULL, 0));
      *end = h.command == OT_SOCK_CMD_SHUTDOWN ? OT_DOE_SERVE_SHUTDOWN : OT_DOE_SERVE_CONTINUE;
      return OT_SUCCESS;
    default:
      /* E.g. spdm_requester_emu's out-of-band "start an encapsulated
       * KEY_UPDATE" (8001h) with --key_upd RSP, which needs ENCAP_CAP: the
       * answer says the command is unknown, and the connection stays up so
       * the requester can still end its session (spdm_responder_emu closes
       * it after this answer, which left END_SESSION to a dead socket). */
      OT_LOGW(LOG_TAG, "unknown command 0x%x", (unsigned)h.command);
      OT_GUARD(ot_sock_send_frame(fd, OT_SOCK_CMD_UNKNOWN, NULL, 0));
      break;
    }
  }
}
