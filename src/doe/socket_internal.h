/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by socket.c and socket_server.c (private to the doe layer). */
#ifndef OPENTSM_SRC_DOE_SOCKET_INTERNAL_H
#define OPENTSM_SRC_DOE_SOCKET_INTERNAL_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "opentsm/doe_socket.h"

/*
 * How long an I/O call may wait: until deadline_ns (CLOCK_MONOTONIC, as
 * ot_clock_real() counts; 0: no limit), and not once wake_fd (-1: none) is
 * readable. Every wait is a poll() on both, so neither a silent peer nor a
 * peer trickling one byte at a time can hold the caller past the deadline,
 * and a stop request (a self-pipe written by a signal handler) is seen
 * whatever the call waits on. Errors: OT_E_TIMEOUT when the deadline passes,
 * OT_E_CANCELLED when wake_fd is readable.
 */
typedef struct ot_sock_wait {
  uint64_t deadline_ns;
  int wake_fd;
} ot_sock_wait;

/* now + ms on ot_clock_real(); 0 (no limit) when ms is 0. */
uint64_t ot_sock_deadline_in(uint32_t ms);
/* The earlier of two deadlines, 0 meaning none. */
uint64_t ot_sock_deadline_min(uint64_t a, uint64_t b);

/* As below, each wait bounded by w (NULL: block without limit). */
OT_RESULT ot_sock_read_exact_by(int fd, uint8_t *buf, size_t n, bool frame_started,
                                const ot_sock_wait *w);
OT_RESULT ot_sock_discard_by(int fd, size_t n, const ot_sock_wait *w);
OT_RESULT ot_sock_recv_header_by(int fd, size_t max_payload, ot_sock_frame_header *hdr,
                                 const ot_sock_wait *w);
/* Sends all of iov[0..cnt), bounded by w (NULL: block without limit). */
OT_RESULT ot_sock_send_all_by(int fd, struct iovec *iov, int cnt, const ot_sock_wait *w);
OT_RESULT ot_sock_send_frame_by(int fd, uint32_t command, const uint8_t *payload, size_t len,
                                const ot_sock_wait *w);

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
