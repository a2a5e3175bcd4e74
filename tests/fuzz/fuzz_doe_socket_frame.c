/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes the socket frame codec with whole frames, and the server loop with a
 * byte stream from a peer (through a socketpair). Checks: a decoded frame
 * re-encodes to the same bytes; the header decoder never accepts a size over
 * its limit; the server never crashes, whatever it is fed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "opentsm/doe_socket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ot_status echo(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                      size_t rsp_cap, size_t *rsp_len) {
  (void)p;
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  if (req_len) memcpy(rsp, req, req_len);
  *rsp_len = req_len;
  return OT_SUCCESS;
}

static uint8_t g_buf[12 + 65536];
static uint8_t g_rx[4096], g_tx[4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 60000) return 0;
  ot_sock_frame_header h;
  const uint8_t *payload;
  if (ot_ok(ot_sock_frame_decode(data, size, &h, &payload))) {
    size_t len;
    if (h.size + 12u != size || h.transport != OT_SOCK_TRANSPORT_PCI_DOE) abort();
    if (!ot_ok(ot_sock_frame_encode(h.command, payload, h.size, g_buf, sizeof g_buf, &len)))
      abort();
    if (len != size || memcmp(g_buf, data, size) != 0) abort();
  }
  if (size >= 12 && ot_ok(ot_sock_frame_header_decode(data, 100, &h)) && h.size > 100) abort();

  /* The server over a stream holding the input, then EOF. The socket buffer
   * takes the whole input (<= 60000 bytes) and the server's answers are
   * drained by nobody, so keep them small: its rx/tx are 4 KiB. */
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 0;
  int big = 1 << 20;
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  size_t off = 0;
  while (off < size) {
    ssize_t w = write(sv[0], data + off, size - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  shutdown(sv[0], SHUT_WR);
  if (off == size) {
    ot_doe_protocol spdm = {OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, echo};
    ot_doe_responder r;
    ot_doe_responder_init(&r);
    if (!ot_ok(ot_doe_responder_add(&r, &spdm))) abort();
    ot_doe_serve_end end;
    OT_IGNORE(ot_doe_socket_serve(sv[1], &r, g_rx, sizeof g_rx, g_tx, sizeof g_tx, &end));
  }
  close(sv[0]);
  close(sv[1]);
  return 0;
}
