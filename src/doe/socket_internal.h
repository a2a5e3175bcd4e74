/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by socket.c and socket_server.c (private to the doe layer). */
#ifndef OPENTSM_SRC_DOE_SOCKET_INTERNAL_H
#define OPENTSM_SRC_DOE_SOCKET_INTERNAL_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/doe_socket.h"

/*
 * Reads exactly n bytes, retrying partial reads and EINTR. EOF before the
 * first byte gives OT_E_CLOSED unless frame_started (then OT_E_TRUNCATED, as
 * for EOF after some bytes). OT_E_TIMEOUT on a receive timeout, OT_E_IO else.
 */
OT_RESULT ot_sock_read_exact(int fd, uint8_t *buf, size_t n, bool frame_started);
/* Reads and drops n bytes of a frame already started. */
OT_RESULT ot_sock_discard(int fd, size_t n);
/* Reads and checks a frame header (ot_sock_frame_header_decode rules). */
OT_RESULT ot_sock_recv_header(int fd, size_t max_payload, ot_sock_frame_header *hdr);
/* Resolves a numeric host (NULL: 127.0.0.1) and port; free *out with freeaddrinfo(). */
OT_RESULT ot_sock_resolve(const char *host, uint16_t port, bool passive, struct addrinfo **out);

#endif
