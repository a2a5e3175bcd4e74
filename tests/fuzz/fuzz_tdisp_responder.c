/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzer for the device's TDISP responder (ot_tdisp_responder_handle) and the
 * message codec. Input:
 *   byte 0   bits 1:0 the state the TDI is driven to first (CONFIG_UNLOCKED,
 *            CONFIG_LOCKED, RUN, ERROR); bit 2: the requests arrive outside a
 *            session; bit 3: the default stream is not Secure; bit 4: the
 *            device implements BIND/UNBIND_P2P_STREAM and SET_MMIO_ATTRIBUTE
 *   then     records [len(1)][len bytes]: VDM payloads (ProtocolID + TDISP)
 * Properties: nothing crashes; outside a session nothing is answered and
 * nothing changes; every answer is a well-formed TDISP message echoing the
 * request's FUNCTION_ID, either TDISP_ERROR (and then the state did not move)
 * or the request's response code; the state moves only along the table
 * (U->L by LOCK, L->R by START, L/R/E->U by STOP); P2P bindings and changed
 * range attributes exist only in RUN; whatever the codec decodes
 * re-encodes to bytes that decode and re-encode to the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/tdisp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct ops {
  ot_tdisp_device_ops base;
  bool insecure;
} ops;

static bool stream_secure(ot_tdisp_device_ops *o, uint8_t id) {
  (void)id;
  return !((ops *)o)->insecure;
}

typedef struct counter_rng {
  ot_rng base;
  uint8_t n;
} counter_rng;

static ot_status fill(ot_rng *r, uint8_t *out, size_t n) {
  counter_rng *c = (counter_rng *)r;
  for (size_t i = 0; i < n; i++)
    out[i] = (uint8_t)(c->n + i);
  c->n++;
  return OT_SUCCESS;
}

static const ot_tdisp_mmio_range k_ranges[2] = {{0x0, 1, OT_TDISP_RANGE_NON_TEE_MEM, 1},
                                                {0x8000, 4, 0, 2}};

static void codec_round_trip(const uint8_t *msg, size_t n) {
  static uint8_t a[1024], b[1024];
  ot_reader r;
  ot_tdisp_msg m;
  ot_reader_init(&r, msg, n);
  if (!ot_ok(ot_tdisp_decode(&r, &m))) return;
  ot_writer w;
  ot_writer_init(&w, a, sizeof a);
  if (!ot_ok(ot_tdisp_encode(&w, &m))) abort();
  size_t an = ot_writer_len(&w);
  ot_reader_init(&r, a, an);
  if (!ot_ok(ot_tdisp_decode(&r, &m))) abort();
  ot_writer_init(&w, b, sizeof b);
  if (!ot_ok(ot_tdisp_encode(&w, &m)) || ot_writer_len(&w) != an || memcmp(a, b, an) != 0) abort();
}

static ot_tdisp_state allowed_next(ot_tdisp_state from, uint8_t code) {
  if (code == OT_TDISP_LOCK_INTERFACE_REQUEST && from == OT_TDI_CONFIG_UNLOCKED)
    return OT_TDI_CONFIG_LOCKED;
  if (code == OT_TDISP_START_INTERFACE_REQUEST && from == OT_TDI_CONFIG_LOCKED) return OT_TDI_RUN;
  if (code == OT_TDISP_STOP_INTERFACE_REQUEST && from != OT_TDI_CONFIG_UNLOCKED)
    return OT_TDI_CONFIG_UNLOCKED;
  return from;
}

/* Sends one payload in session and returns the decoded answer. */
static void send(ot_tdisp_device *dev, const ot_tdisp_vdm_ctx *ctx, const uint8_t *q, size_t n,
                 ot_tdisp_msg *a) {
  static uint8_t rsp[1024];
  size_t rn = 0;
  if (!ot_ok(ot_tdisp_responder_handle(dev, ctx, q, n, rsp, sizeof rsp, &rn))) abort();
  const uint8_t *m;
  size_t mn;
  ot_reader r;
  if (rn > sizeof rsp || !ot_ok(ot_tdisp_payload_open(rsp, rn, &m, &mn))) abort();
  ot_reader_init(&r, m, mn);
  /* Not ot_tdisp_decode: a VERSION_MISMATCH answer echoes the foreign version. */
  if (!ot_ok(ot_tdisp_decode_header(&r, &a->version, &a->code, &a->function_id))) abort();
  if (!ot_ok(ot_tdisp_decode_body(&r, a->code, a))) abort();
  if (a->version != OT_TDISP_VERSION_10 &&
      !(a->code == OT_TDISP_ERROR && a->u.error.code == OT_TDISP_ERR_VERSION_MISMATCH))
    abort();
}

static void drive(ot_tdisp_device *dev, ot_tdisp_tdi *t, unsigned target) {
  ot_tdisp_vdm_ctx ctx = {.in_session = true};
  uint8_t q[64];
  ot_writer w;
  ot_tdisp_msg m = {.version = OT_TDISP_VERSION_10, .function_id = t->desc->function_id}, a;
  if (target == OT_TDI_CONFIG_UNLOCKED) return;
  m.code = OT_TDISP_LOCK_INTERFACE_REQUEST;
  m.u.lock.flags = OT_TDISP_LOCK_BIND_P2P; /* P2P streams may be bound in RUN */
  ot_writer_init(&w, q, sizeof q);
  if (!ot_ok(ot_tdisp_payload_encode(&w, &m))) abort();
  send(dev, &ctx, q, ot_writer_len(&w), &a);
  if (a.code != OT_TDISP_LOCK_INTERFACE_RESPONSE) return; /* insecure stream: stays unlocked */
  if (target == OT_TDI_ERROR) {
    (void)ot_tdisp_tdi_event(t, OT_TDISP_EV_RESET);
    return;
  }
  if (target != OT_TDI_RUN) return;
  m.code = OT_TDISP_START_INTERFACE_REQUEST;
  memcpy(m.u.nonce, a.u.nonce, OT_TDISP_NONCE_SIZE);
  ot_writer_init(&w, q, sizeof q);
  if (!ot_ok(ot_tdisp_payload_encode(&w, &m))) abort();
  send(dev, &ctx, q, ot_writer_len(&w), &a);
  if (t->state != OT_TDI_RUN) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static ops o;
  static counter_rng rng;
  static ot_tdisp_device dev;
  static const uint8_t info[4] = "fz\0";
  static const ot_tdisp_tdi_desc desc = {.function_id = 0xBEEF,
                                         .interface_info = OT_TDISP_IFINFO_DMA_NO_PASID,
                                         .mmio = k_ranges,
                                         .mmio_count = 2,
                                         .devinfo = info,
                                         .devinfo_len = sizeof info};
  memset(&o, 0, sizeof o);
  o.base.stream_secure = stream_secure;
  o.insecure = (data[0] & 0x08) != 0;
  rng.base.fill = fill;
  rng.n = 0;
  /* The optional requests on or off by the first byte (both paths fuzzed). */
  bool opt = (data[0] & 0x10) != 0;
  ot_tdisp_device_config dc = {.lock_flags_supported = 0x001F,
                               .dev_addr_width = 52,
                               .report_portion_max = 40,
                               .p2p = opt,
                               .mmio_attr = opt};
  ot_tdisp_tdi *t;
  if (!ot_ok(ot_tdisp_device_init(&dev, &dc, &o.base, &rng.base))) abort();
  if (!ot_ok(ot_tdisp_device_add_tdi(&dev, &desc, &t))) abort();
  drive(&dev, t, data[0] & 3u);
  ot_tdisp_vdm_ctx ctx = {.in_session = (data[0] & 0x04) == 0};

  size_t off = 1;
  while (off < size) {
    size_t n = data[off++];
    if (n > size - off) n = size - off;
    const uint8_t *q = data + off;
    off += n;
    if (n > 1) codec_round_trip(q + 1, n - 1);
    ot_tdisp_state before = t->state;
    if (!ctx.in_session) {
      static uint8_t rsp[256];
      size_t rn = 0;
      if (!ot_is(ot_tdisp_responder_handle(&dev, &ctx, q, n, rsp, sizeof rsp, &rn),
                 OT_E_UNEXPECTED) ||
          rn != 0 || t->state != before)
        abort();
      continue;
    }
    if (n == 0 || q[0] != OT_PCISIG_PROTOCOL_TDISP) continue; /* misrouted: tested elsewhere */
    ot_tdisp_msg a;
    send(&dev, &ctx, q, n, &a);
    uint8_t code = n >= 3 ? q[2] : 0;
    if (a.code == OT_TDISP_ERROR) {
      if (t->state != before) abort();
      continue;
    }
    if (a.code != (code & 0x7Fu)) abort();
    if (n >= 1 + OT_TDISP_HEADER_SIZE &&
        a.function_id != (ot_load_u32le(q + 5) & OT_TDISP_FUNCTION_ID_DEFINED))
      abort();
    if (t->state != allowed_next(before, code)) abort();
    if (t->state == OT_TDI_CONFIG_UNLOCKED && (t->report_len != 0 || t->nonce_valid)) abort();
    if (t->state == OT_TDI_CONFIG_UNLOCKED && t->p2p_count != 0) abort();
    if (t->p2p_count > OT_TDISP_MAX_P2P || (!opt && t->p2p_count != 0)) abort();
  }
  return 0;
}
