/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes what `opentsm device` does with each frame of a connection: the body
 * of the socket serve loop (ot_doe_serve_frame) in front of the device's DOE
 * responder (a simulated DSM: SPDM plain and secured, IDE_KM, TDISP), in
 * process, without sockets. Input: byte 0 selects a prelude; then frames as
 * on the wire, command(4 BE) | transport(4 BE) | size(4 BE) | payload; a
 * payload longer than the rest of the input ends the input (the server would
 * see the peer close inside a frame). A payload larger than the server's
 * buffer (RX_CAP) is handed over as drained, as ot_doe_socket_serve does.
 *   byte 0 bit 0   prelude: GET_VERSION, GET_CAPABILITIES and
 *                  NEGOTIATE_ALGORITHMS (SPDM 1.2) first, so that the frames
 *                  reach a negotiated connection
 * Properties ("no request ends a connection"):
 *  - every frame but a PCI_DOE SHUTDOWN or CONTINUE whole in the buffer
 *    returns OT_DOE_FRAME_SERVE_NEXT; those two return their end and are
 *    answered in kind;
 *  - a frame of another transport, or drained, gets no answer;
 *  - an answer to NORMAL is one well-formed DOE object of the request's
 *    vendor and type; TEST gets the server hello; an unknown command UNKNOWN;
 *  - after the whole sequence (unless it ended the connection) the
 *    connection is still served: a hello is answered, and a GET_VERSION
 *    object gets an SPDM VERSION response.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "opentsm/cursor.h"
#include "opentsm/doe_socket.h"
#include "opentsm/pcie.h"
#include "opentsm/sim_dsm.h"
#include "opentsm/spdm.h"
#include "opentsm/spdm_identity.h"
#include "opentsm/spec/pcie.h"
#include "opentsm/spec/tdisp.h"

#include "fuzz_identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RX_CAP 8192u

static ot_drbg drbg;
static ot_spdm_identity id;
static bool ready;
static ot_cfg_space cfg;
static ot_sim_dsm dsm;
static uint8_t tx[OT_SOCK_MAX_PAYLOAD];
static uint8_t obj[512];

static void die(void) { abort(); }

static void setup_once(void) {
  if (ready) return;
  fz_identity_p256(&id, &drbg, 7);
  ready = true;
}

/* A fresh device per input, as `opentsm device` builds it (one Selective IDE
 * Stream block with IDE_KM, one TDI), so that inputs replay alike. */
static void device_new(void) {
  static const ot_cfg_ident ident = {.vendor = 0x1B36,
                                     .device = 0x0010,
                                     .class_code = 0x120000,
                                     .layout = OT_PCI_HEADER_LAYOUT_TYPE0};
  static const ot_tdisp_mmio_range ranges[1] = {{0xFE000000u, 4, 0, 0}};
  static const uint8_t info[] = "fuzz";
  static const ot_tdisp_tdi_desc tdi = {.function_id = 0x100,
                                        .interface_info = OT_TDISP_IFINFO_DMA_NO_PASID,
                                        .mmio = ranges,
                                        .mmio_count = 1,
                                        .devinfo = info,
                                        .devinfo_len = sizeof(info)};
  if (!ot_ok(ot_cfg_init(&cfg, &ident))) die();
  ot_sim_dsm_config dc = {.id = &id,
                          .rng = &drbg.rng,
                          .tdisp = {.lock_flags_supported = 0x0007, .dev_addr_width = 48},
                          .cfg = &cfg,
                          .ide_caps = {.sel_streams = 1, .ide_km = true},
                          .bus = 1,
                          .dev_func = 0};
  if (!ot_ok(ot_sim_dsm_init(&dsm, &dc))) die();
  ot_tdisp_tdi *t;
  if (!ot_ok(ot_sim_dsm_add_tdi(&dsm, &tdi, &t))) die();
}

/* One frame through the loop body, with the checks above. */
static ot_doe_frame_next frame(uint32_t command, uint32_t transport, uint32_t size,
                               const uint8_t *payload, size_t kept) {
  ot_sock_frame_header h = {.command = command, .transport = transport, .size = size};
  ot_doe_frame_reply reply;
  ot_doe_frame_next next =
      ot_doe_serve_frame(ot_sim_dsm_doe(&dsm), &h, payload, kept, tx, sizeof(tx), &reply);
  bool whole = transport == OT_SOCK_TRANSPORT_PCI_DOE && kept == size;
  bool ends = whole && (command == OT_SOCK_CMD_SHUTDOWN || command == OT_SOCK_CMD_CONTINUE);
  if (!ends && next != OT_DOE_FRAME_SERVE_NEXT) die();
  if (ends && (next == OT_DOE_FRAME_SERVE_NEXT || !reply.send || reply.command != command)) die();
  if (!whole) {
    if (reply.send) die();
    return next;
  }
  switch (command) {
  case OT_SOCK_CMD_NORMAL:
    if (reply.send) {
      ot_doe_header rq, rs;
      const uint8_t *p;
      size_t n;
      if (reply.command != OT_SOCK_CMD_NORMAL) die();
      if (!ot_ok(ot_doe_object_decode(reply.payload, reply.len, &rs, &p, &n))) die();
      /* A response exists only for a request object that decoded. */
      if (!ot_ok(ot_doe_header_decode(payload, kept, &rq))) die();
      if (rs.vendor != rq.vendor || rs.type != rq.type) die();
    }
    break;
  case OT_SOCK_CMD_TEST:
    if (!reply.send || reply.command != OT_SOCK_CMD_TEST || reply.len != OT_SOCK_HELLO_SIZE ||
        memcmp(reply.payload, OT_SOCK_SERVER_HELLO, OT_SOCK_HELLO_SIZE) != 0)
      die();
    break;
  case OT_SOCK_CMD_SHUTDOWN:
  case OT_SOCK_CMD_CONTINUE: break;
  default:
    if (!reply.send || reply.command != OT_SOCK_CMD_UNKNOWN || reply.len != 0) die();
  }
  return next;
}

/* Sends one plain SPDM message as a NORMAL frame; returns the reply's SPDM
 * response code (0 if none). */
static uint8_t spdm(const uint8_t *msg, size_t len) {
  size_t n;
  if (!ot_ok(ot_doe_object_encode(OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, msg, len, obj,
                                  sizeof(obj), &n)))
    die();
  ot_sock_frame_header h = {
      .command = OT_SOCK_CMD_NORMAL, .transport = OT_SOCK_TRANSPORT_PCI_DOE, .size = (uint32_t)n};
  ot_doe_frame_reply reply;
  if (ot_doe_serve_frame(ot_sim_dsm_doe(&dsm), &h, obj, n, tx, sizeof(tx), &reply) !=
      OT_DOE_FRAME_SERVE_NEXT)
    die();
  if (!reply.send || reply.len < OT_DOE_HEADER_SIZE + OT_SPDM_HEADER_SIZE) return 0;
  return reply.payload[OT_DOE_HEADER_SIZE + 1];
}

static void prelude(void) {
  uint8_t b[256];
  ot_writer w;
  ot_spdm_sizes sz = {.version = OT_SPDM_VERSION_12};
  static const uint8_t gv[4] = {OT_SPDM_VERSION_10, OT_SPDM_GET_VERSION, 0, 0};
  if (spdm(gv, sizeof(gv)) != OT_SPDM_VERSION) die();
  ot_spdm_request m = {.code = OT_SPDM_GET_CAPABILITIES};
  m.u.get_capabilities = (ot_spdm_capabilities){
      .flags = OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC |
               OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_HBEAT | OT_SPDM_CAP_KEY_UPD | OT_SPDM_CAP_CHUNK,
      .data_transfer_size = 0x1200,
      .max_msg_size = 0x10000};
  ot_writer_init(&w, b, sizeof(b));
  if (!ot_ok(ot_spdm_encode_request(&sz, &w, &m))) die();
  if (spdm(b, ot_writer_len(&w)) != OT_SPDM_CAPABILITIES) die();
  m = (ot_spdm_request){.code = OT_SPDM_NEGOTIATE_ALGORITHMS};
  ot_spdm_offer_build(&ot_spdm_alg_prefs_all, OT_SPDM_VERSION_12, false, &m.u.negotiate_algorithms);
  ot_writer_init(&w, b, sizeof(b));
  if (!ot_ok(ot_spdm_encode_request(&sz, &w, &m))) die();
  if (spdm(b, ot_writer_len(&w)) != OT_SPDM_ALGORITHMS) die();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 65536) return 0;
  setup_once();
  device_new();
  if (data[0] & 1) prelude();
  size_t off = 1;
  bool ended = false;
  for (unsigned frames = 0; frames < 256 && !ended && size - off >= OT_SOCK_FRAME_HEADER_SIZE;
       frames++) {
    uint32_t command = ot_load_u32be(data + off), transport = ot_load_u32be(data + off + 4),
             len = ot_load_u32be(data + off + 8);
    off += OT_SOCK_FRAME_HEADER_SIZE;
    bool fits = len <= RX_CAP;
    /* A drained payload is read off the stream whole; a truncated one ends the input. */
    if (len > size - off) break;
    ot_doe_frame_next next =
        frame(command, transport, len, fits ? data + off : NULL, fits ? len : 0);
    off += len;
    ended = next != OT_DOE_FRAME_SERVE_NEXT;
  }
  if (!ended) {
    /* Still served: the hello and a GET_VERSION (valid in every state,
     * DSP0274 §10.3) are answered. */
    static const uint8_t hello[] = OT_SOCK_CLIENT_HELLO;
    (void)frame(OT_SOCK_CMD_TEST, OT_SOCK_TRANSPORT_PCI_DOE, sizeof(hello), hello, sizeof(hello));
    static const uint8_t gv[4] = {OT_SPDM_VERSION_10, OT_SPDM_GET_VERSION, 0, 0};
    if (spdm(gv, sizeof(gv)) != OT_SPDM_VERSION) die();
  }
  ot_sim_dsm_free(&dsm);
  return 0;
}
