/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DOE over the DMTF spdm-emu socket protocol (also spoken by QEMU's SPDM
 * socket): a client that implements ot_doe_transport and a server that feeds
 * an ot_doe_responder.
 * @layer doe
 *
 * Wire format (spdm-emu spdm_emu_common/command.h, command.c): every frame, in
 * both directions, is
 *     command (u32 BE) | transport type (u32 BE) | payload size (u32 BE) | payload
 * With transport type 2 (PCI_DOE) the payload of a NORMAL frame is one whole
 * DOE object. The reference requester sends TEST "Client Hello!\0" first,
 * which the responder answers with TEST "Server Hello!\0"; it ends with
 * SHUTDOWN (the responder answers SHUTDOWN and stops serving) or CONTINUE (the
 * responder answers CONTINUE, closes this connection and accepts the next).
 * Any other command is answered with UNKNOWN (0xFFFF) and the connection goes
 * on (spdm-emu's responder closes it there; see ot_doe_socket_serve).
 *
 * Two parts, kept apart so that the codec can be fuzzed without sockets:
 *  - the frame codec: pure functions over caller buffers;
 *  - the socket I/O: partial reads and writes, EINTR, one write per frame
 *    (sendmsg of an iovec) with TCP_NODELAY, a bounded payload size checked
 *    before anything is read or stored.
 * Nothing here allocates: buffers are the caller's.
 */
#ifndef OPENTSM_DOE_SOCKET_H
#define OPENTSM_DOE_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/doe.h"
#include "opentsm/status.h"

/* spdm-emu command.h */
#define OT_DOE_SOCKET_DEFAULT_PORT 2323u
#define OT_SOCK_CMD_NORMAL 0x0001u
#define OT_SOCK_CMD_CONTINUE 0xFFFDu
#define OT_SOCK_CMD_SHUTDOWN 0xFFFEu
#define OT_SOCK_CMD_UNKNOWN 0xFFFFu /* the responder's answer to a command it does not know */
#define OT_SOCK_CMD_TEST 0xDEADu
/* Out-of-band: the responder starts an encapsulated KEY_UPDATE in the session
 * whose 4-byte ID the payload carries (the requester then fetches it with
 * GET_ENCAPSULATED_REQUEST). */
#define OT_SOCK_CMD_OOB_ENCAP_KEY_UPDATE 0x8001u
/* spdm-emu command.h SOCKET_SPDM_COMMAND_OOB_ENCAP_ENDPOINT_INFO: the device
 * is to ask GET_ENDPOINT_INFO through the encapsulated request flow. */
#define OT_SOCK_CMD_OOB_ENCAP_ENDPOINT_INFO 0x8002u
#define OT_SOCK_TRANSPORT_PCI_DOE 0x02u

#define OT_SOCK_FRAME_HEADER_SIZE 12u
/* A NORMAL frame carries one DOE object, so no payload is ever larger. */
#define OT_SOCK_MAX_PAYLOAD OT_DOE_MAX_OBJECT_BYTES
/* The hello payloads of spdm-emu, NUL included. */
#define OT_SOCK_CLIENT_HELLO "Client Hello!"
#define OT_SOCK_SERVER_HELLO "Server Hello!"
#define OT_SOCK_HELLO_SIZE 14u

/* ---- frame codec (pure) ---------------------------------------------------- */

typedef struct ot_sock_frame_header {
  uint32_t command;
  uint32_t transport;
  uint32_t size; /* payload bytes */
} ot_sock_frame_header;

/* True for the commands this implementation acts on (NORMAL, TEST, SHUTDOWN, CONTINUE). */
bool ot_sock_command_known(uint32_t command);

/* Writes the 12 header bytes. */
void ot_sock_frame_header_build(const ot_sock_frame_header *h,
                                uint8_t out[static OT_SOCK_FRAME_HEADER_SIZE]);

/*
 * Decodes and checks 12 header bytes: transport must be PCI_DOE
 * (OT_E_UNSUPPORTED) and size <= max_payload (OT_E_TOO_LARGE), so an oversize
 * size field is refused before any payload is read. The command is not
 * checked (the server answers unknown ones). *out is written only on success.
 */
OT_RESULT ot_sock_frame_header_decode(const uint8_t in[static OT_SOCK_FRAME_HEADER_SIZE],
                                      size_t max_payload, ot_sock_frame_header *out);

/*
 * Decodes one whole frame in buf[0..len): header as above with max_payload
 * OT_SOCK_MAX_PAYLOAD, then exactly size payload bytes (OT_E_TRUNCATED if
 * fewer, OT_E_TRAILING if more). *payload points into buf.
 */
OT_RESULT ot_sock_frame_decode(const uint8_t *buf, size_t len, ot_sock_frame_header *hdr,
                               const uint8_t **payload);

/* Encodes one frame (transport PCI_DOE) into out[0..cap). OT_E_TOO_LARGE, OT_E_NO_SPACE. */
OT_RESULT ot_sock_frame_encode(uint32_t command, const uint8_t *payload, size_t len, uint8_t *out,
                               size_t cap, size_t *out_len);

/* ---- socket I/O --------------------------------------------------------------- */

/*
 * Sends one frame (transport PCI_DOE) with one sendmsg() of header + payload,
 * finishing a partial send. OT_E_TOO_LARGE for a payload over
 * OT_SOCK_MAX_PAYLOAD, OT_E_CLOSED if the peer is gone, OT_E_TIMEOUT if a send
 * timeout set on fd expired, OT_E_IO otherwise.
 */
OT_RESULT ot_sock_send_frame(int fd, uint32_t command, const uint8_t *payload, size_t len);

/*
 * Receives one frame into buf[0..cap): reads the header, refuses a size
 * larger than cap or OT_SOCK_MAX_PAYLOAD (OT_E_TOO_LARGE) or a transport other
 * than PCI_DOE (OT_E_UNSUPPORTED) before reading the payload, then reads it.
 * A peer that closes before the first byte of a frame gives OT_E_CLOSED; one
 * that closes inside a frame gives OT_E_TRUNCATED. OT_E_TIMEOUT if a receive
 * timeout set on fd expired, OT_E_IO for other errors. After any error the
 * stream is out of step: close it.
 */
OT_RESULT ot_sock_recv_frame(int fd, uint8_t *buf, size_t cap, ot_sock_frame_header *hdr);

/* ---- client: an ot_doe_transport --------------------------------------------- */

typedef struct ot_doe_socket_client {
  ot_doe_transport base; /* must be first */
  int fd;                /* owned; -1 when closed */
  bool failed;           /* sticky: set by any error that leaves the stream out of step */
  /* Limits (0: none). io_timeout_ms bounds one exchange: the request going out
   * and the whole response frame coming in, so a silent device and one that
   * trickles a frame byte by byte both fail with OT_E_TIMEOUT. deadline_ns
   * (CLOCK_MONOTONIC, ot_clock_real()) bounds every exchange of the client's
   * life, whatever io_timeout_ms leaves. A timeout leaves the stream out of
   * step: the client is failed. */
  uint32_t io_timeout_ms;
  uint64_t deadline_ns;
} ot_doe_socket_client;

/*
 * Connects to host:port over TCP (host is a numeric IPv4 or IPv6 address;
 * NULL means 127.0.0.1) within timeout_ms (0: no limit) and deadline_ns (0:
 * none), sets TCP_NODELAY, c->io_timeout_ms = timeout_ms and c->deadline_ns =
 * deadline_ns. OT_E_ARG, OT_E_TIMEOUT, OT_E_IO (with errno logged).
 */
OT_RESULT ot_doe_socket_connect_by(ot_doe_socket_client *c, const char *host, uint16_t port,
                                   uint32_t timeout_ms, uint64_t deadline_ns);
/* ot_doe_socket_connect_by() without an overall deadline. */
OT_RESULT ot_doe_socket_connect(ot_doe_socket_client *c, const char *host, uint16_t port,
                                uint32_t timeout_ms);
/* Makes a client over an already connected stream socket; takes ownership of fd. */
void ot_doe_socket_client_attach(ot_doe_socket_client *c, int fd);

/*
 * The reference requester's opening: sends TEST "Client Hello!\0" and expects
 * a TEST frame back (its payload is not checked, as spdm-emu does not).
 * OT_E_UNEXPECTED for another command.
 */
OT_RESULT ot_doe_socket_client_hello(ot_doe_socket_client *c);

/*
 * The exchange of ot_doe_transport: encodes the DOE object of (vendor, type)
 * with req as payload, sends it in a NORMAL frame, receives a NORMAL frame,
 * checks it holds exactly one valid object (ot_doe_header_decode errors,
 * OT_E_MALFORMED if the frame size disagrees with its Length) of the same
 * (vendor, type) (OT_E_UNEXPECTED), and copies its payload to rsp. A payload
 * larger than rsp_cap is read off the socket and refused with OT_E_NO_SPACE;
 * the connection stays usable. Other errors make the client failed
 * (OT_E_FAILED from then on).
 */
OT_RESULT ot_doe_socket_client_exchange(ot_doe_socket_client *c, uint16_t vendor, uint8_t type,
                                        const uint8_t *req, size_t req_len, uint8_t *rsp,
                                        size_t rsp_cap, size_t *rsp_len);

/*
 * Ends the session as the reference requester does: sends SHUTDOWN (or
 * CONTINUE if keep_server) with no payload and waits for the same command.
 * The socket stays open; close it with ot_doe_socket_client_close().
 */
OT_RESULT ot_doe_socket_client_end(ot_doe_socket_client *c, bool keep_server);

/*
 * Sends an out-of-band command of spdm-emu's socket protocol (e.g.
 * OT_SOCK_CMD_OOB_ENCAP_KEY_UPDATE) with its payload and waits for the same
 * command back (OT_E_UNEXPECTED otherwise, e.g. UNKNOWN from a peer that has
 * no such command; the client is then failed).
 */
OT_RESULT ot_doe_socket_client_oob(ot_doe_socket_client *c, uint32_t command,
                                   const uint8_t *payload, size_t len);

/* Closes the socket (idempotent). */
void ot_doe_socket_client_close(ot_doe_socket_client *c);

/* ---- server -------------------------------------------------------------------- */

typedef struct ot_doe_socket_server {
  int listen_fd; /* owned; -1 when closed */
  uint16_t port; /* the bound port (useful after listening on port 0) */
} ot_doe_socket_server;

/* Connections waiting to be accepted while one is served (listen(2) backlog):
 * the device serves one at a time, so the others wait here, each at most as
 * long as the idle and frame limits let one peer hold the device. */
#define OT_DOE_SOCKET_BACKLOG 64
/* SO_SNDBUF of an accepted connection: answers a peer has not read queue up
 * to about this much (the kernel doubles it), then the frame limit applies. */
#define OT_DOE_SOCKET_SNDBUF (64 * 1024)

/*
 * Listens on host:port (NULL host: 127.0.0.1; port 0: any free port, see
 * srv->port). SO_REUSEADDR is set as the reference responder does.
 */
OT_RESULT ot_doe_socket_listen(ot_doe_socket_server *srv, const char *host, uint16_t port);
/* Accepts one connection and sets TCP_NODELAY and OT_DOE_SOCKET_SNDBUF on it;
 * *fd is the caller's to close.
 * OT_E_CLOSED when the listener is non-blocking and the client already left
 * (nothing to serve: poll again); OT_E_IO for other failures. */
OT_RESULT ot_doe_socket_accept(ot_doe_socket_server *srv, int *fd);
void ot_doe_socket_server_close(ot_doe_socket_server *srv);

/* Why ot_doe_socket_serve() returned successfully. */
typedef enum ot_doe_serve_end {
  OT_DOE_SERVE_SHUTDOWN,    /* SHUTDOWN answered: stop serving */
  OT_DOE_SERVE_CONTINUE,    /* CONTINUE answered: close, accept the next connection */
  OT_DOE_SERVE_CLOSED,      /* the peer closed between frames */
  OT_DOE_SERVE_IDLE,        /* no frame started within the idle limit: peer dropped */
  OT_DOE_SERVE_SLOW_FRAME,  /* a frame not complete within the frame limit: dropped */
  OT_DOE_SERVE_SLOW_READER, /* an answer not taken within the frame limit: dropped */
  OT_DOE_SERVE_STOPPED,     /* the wake fd became readable (a stop request) */
} ot_doe_serve_end;

/* How long one peer may hold the serve loop (0: no limit). */
typedef struct ot_doe_serve_limits {
  uint32_t idle_ms;  /* from the end of one frame to the first byte of the next */
  uint32_t frame_ms; /* from a frame's first byte to its last; and to send the answer */
  int wake_fd;       /* readable: stop at once (OT_DOE_SERVE_STOPPED); -1: none */
} ot_doe_serve_limits;

/* What the serve loop does after one frame. */
typedef enum ot_doe_frame_next {
  OT_DOE_FRAME_SERVE_NEXT, /* keep serving this connection: read the next frame */
  OT_DOE_FRAME_SHUTDOWN,   /* SHUTDOWN answered: stop serving */
  OT_DOE_FRAME_CONTINUE,   /* CONTINUE answered: close, accept the next connection */
} ot_doe_frame_next;

/* The frame to send back for one request frame, if any. */
typedef struct ot_doe_frame_reply {
  bool send;              /* false: the request is discarded, nothing goes back */
  uint32_t command;       /* OT_SOCK_CMD_* of the answer */
  const uint8_t *payload; /* into the caller's tx buffer, or a constant */
  size_t len;
} ot_doe_frame_reply;

/*
 * The body of the serve loop, without I/O: what to answer to one received
 * frame and whether to go on. h is the frame's header as read (not checked:
 * this function applies the rules), payload[0..len) the bytes of it that were
 * kept (len < h->size when the server drained a payload too large for its
 * buffer). Rules:
 *  - another transport type than PCI_DOE, or a payload that was not kept
 *    whole: discarded (no answer), serve the next frame;
 *  - NORMAL: the object goes through ot_doe_responder_handle() into
 *    tx[0..tx_cap); its response object is answered in a NORMAL frame. An
 *    object the responder refuses (malformed, unknown protocol, a request its
 *    protocol answers with nothing) gets no answer, as a DOE mailbox gives
 *    none (PCIe r6.0 §6.30.1) and spdm-emu's responder sends none; the
 *    connection is kept;
 *  - TEST: TEST "Server Hello!\0";
 *  - SHUTDOWN / CONTINUE: answered in kind with no payload, and the loop ends;
 *  - any other command: UNKNOWN with no payload, serve the next frame.
 * Returns OT_DOE_FRAME_SERVE_NEXT for every frame but SHUTDOWN and CONTINUE.
 */
ot_doe_frame_next ot_doe_serve_frame(ot_doe_responder *r, const ot_sock_frame_header *h,
                                     const uint8_t *payload, size_t len, uint8_t *tx, size_t tx_cap,
                                     ot_doe_frame_reply *reply);

/*
 * Serves one connection with ot_doe_serve_frame() until SHUTDOWN, CONTINUE or
 * the peer closes. rx[0..rx_cap) holds a request frame's payload (a larger
 * payload is read off the stream and discarded) and tx[0..tx_cap) the
 * response object. Bad requests never end the connection; errors are only
 * those of the stream itself (the caller closes fd): any receive error but an
 * orderly close between frames, and a send that fails.
 */
OT_RESULT ot_doe_socket_serve(int fd, ot_doe_responder *r, uint8_t *rx, size_t rx_cap, uint8_t *tx,
                              size_t tx_cap, ot_doe_serve_end *end);

/*
 * ot_doe_socket_serve() with limits: a peer silent for lim->idle_ms between
 * frames, one whose frame takes longer than lim->frame_ms from its first
 * byte, or one that does not take an answer within lim->frame_ms ends the
 * connection with OT_DOE_SERVE_IDLE / _SLOW_FRAME / _SLOW_READER (logged,
 * success: the caller serves the next peer). lim->wake_fd readable ends it
 * with OT_DOE_SERVE_STOPPED whatever the loop waits on.
 */
OT_RESULT ot_doe_socket_serve_limited(int fd, ot_doe_responder *r, uint8_t *rx, size_t rx_cap,
                                      uint8_t *tx, size_t tx_cap, const ot_doe_serve_limits *lim,
                                      ot_doe_serve_end *end);

#endif /* OPENTSM_DOE_SOCKET_H */
