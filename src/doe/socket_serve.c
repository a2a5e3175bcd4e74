/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The body of the spdm-emu socket serve loop as a pure function: one received
 * frame in, the answer (if any) and whether to go on out. No I/O, so that it
 * can be fuzzed frame sequence by frame sequence (tests/fuzz/
 * fuzz_device_socket.c). See ot_doe_serve_frame() in doe_socket.h.
 */
#include "opentsm/doe_socket.h"
#include "opentsm/log.h"

#define LOG_TAG "doe-sock"

static ot_doe_frame_next answer(ot_doe_frame_reply *reply, uint32_t command, const uint8_t *payload,
                                size_t len, ot_doe_frame_next next) {
  *reply = (ot_doe_frame_reply){.send = true, .command = command, .payload = payload, .len = len};
  return next;
}

/* see doe_socket.h */
ot_doe_frame_next ot_doe_serve_frame(ot_doe_responder *r, const ot_sock_frame_header *h,
                                     const uint8_t *payload, size_t len, uint8_t *tx, size_t tx_cap,
                                     ot_doe_frame_reply *reply) {
  static const uint8_t server_hello[] = OT_SOCK_SERVER_HELLO;
  *reply = (ot_doe_frame_reply){.send = false};
  /* spdm-emu command.c: a frame of another transport is not ours to answer. */
  if (h->transport != OT_SOCK_TRANSPORT_PCI_DOE) {
    OT_LOGW(LOG_TAG, "frame of transport %u discarded", (unsigned)h->transport);
    return OT_DOE_FRAME_SERVE_NEXT;
  }
  if (len != h->size || (payload == NULL && len != 0)) {
    OT_LOGW(LOG_TAG, "frame of %u bytes discarded (larger than the buffer)", (unsigned)h->size);
    return OT_DOE_FRAME_SERVE_NEXT;
  }
  switch (h->command) {
  case OT_SOCK_CMD_NORMAL: {
    size_t n = 0;
    ot_status st = ot_doe_responder_handle(r, payload, len, tx, tx_cap, &n);
    if (!ot_ok(st)) {
      /* PCIe r6.0 §6.30.1: a request object that cannot be handled gets no
       * response object. The connection stays: the next request is served. */
      OT_LOGW(LOG_TAG, "request object discarded: %s", ot_status_name(st));
      return OT_DOE_FRAME_SERVE_NEXT;
    }
    return answer(reply, OT_SOCK_CMD_NORMAL, tx, n, OT_DOE_FRAME_SERVE_NEXT);
  }
  case OT_SOCK_CMD_TEST:
    return answer(reply, OT_SOCK_CMD_TEST, server_hello, sizeof server_hello,
                  OT_DOE_FRAME_SERVE_NEXT);
  case OT_SOCK_CMD_SHUTDOWN: return answer(reply, h->command, NULL, 0, OT_DOE_FRAME_SHUTDOWN);
  case OT_SOCK_CMD_CONTINUE: return answer(reply, h->command, NULL, 0, OT_DOE_FRAME_CONTINUE);
  default:
    /* An out-of-band command the device acts on is answered with itself
     * (spdm-emu command.c, e.g. 8001h OOB_ENCAP_KEY_UPDATE). */
    if (r->oob != NULL && ot_ok(r->oob(r->oob_ctx, h->command, payload, len)))
      return answer(reply, h->command, NULL, 0, OT_DOE_FRAME_SERVE_NEXT);
    OT_LOGW(LOG_TAG, "unknown command 0x%x answered with UNKNOWN", (unsigned)h->command);
    return answer(reply, OT_SOCK_CMD_UNKNOWN, NULL, 0, OT_DOE_FRAME_SERVE_NEXT);
  }
}
