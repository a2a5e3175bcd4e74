/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test fixture for the TDISP tests: a device shaped like spdm-emu's sample
 * device (FUNCTION_ID 0x0000BEEF, four MMIO ranges, "tdisp_dev_emu"), a stream
 * model, a nonce source that replays a fixed nonce, and an in-process
 * transport that wires a requester to the responder. Header-only; test code.
 */
#ifndef OT_TDISP_FIXTURE_H
#define OT_TDISP_FIXTURE_H

#include <string.h>

#include "opentsm/tdisp.h"
#include "testsupport.h"

#define FX_FID 0x0000BEEFu
#define FX_STREAM 0u

/* The nonce of the first LOCK_INTERFACE_RESPONSE in tsm_v12_p384 (record 66). */
static const uint8_t fx_rec_nonce[32] = {
    0x41, 0x38, 0xfe, 0x25, 0xfb, 0xbe, 0x3f, 0x04, 0xc9, 0x3f, 0xfd, 0x10, 0x29, 0x0a, 0xd0, 0xc4,
    0x02, 0x2b, 0xef, 0xf8, 0xa0, 0xc1, 0x60, 0xe2, 0x23, 0xe7, 0x0d, 0x01, 0x28, 0x38, 0xdd, 0x89};

/* spdm-emu's sample ranges (SPEC-FACTS §6.4): physical pages, attributes, IDs. */
static const ot_tdisp_mmio_range fx_ranges[4] = {
    {0x0, 1, OT_TDISP_RANGE_NON_TEE_MEM, 1},
    {0x8000, 4, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE, 2},
    {0x10000, 8, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE, 3},
    {0x20000, 8, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE, 4},
};
static const uint8_t fx_devinfo[16] = "tdisp_dev_emu\0\0";

typedef struct fx_ops {
  ot_tdisp_device_ops base;
  bool insecure[256]; /* streams are Secure unless marked */
  int scrubs;
  uint32_t scrubbed_fid;
} fx_ops;

static inline bool fx_stream_secure(ot_tdisp_device_ops *o, uint8_t id) {
  return !((fx_ops *)o)->insecure[id];
}
static inline void fx_scrub(ot_tdisp_device_ops *o, uint32_t fid) {
  ((fx_ops *)o)->scrubs++;
  ((fx_ops *)o)->scrubbed_fid = fid;
}

typedef struct fx_rng {
  ot_rng base;
  uint8_t nonce[32];
  bool fail;
  int draws;
} fx_rng;

static inline ot_status fx_rng_fill(ot_rng *r, uint8_t *out, size_t n) {
  fx_rng *f = (fx_rng *)r;
  if (f->fail) {
    memset(out, 0, n);
    return ot_status_of(OT_E_RNG);
  }
  for (size_t i = 0; i < n; i++)
    out[i] = (uint8_t)(f->nonce[i % 32] + f->draws);
  f->draws++;
  return OT_SUCCESS;
}

typedef struct fx {
  fx_ops ops;
  fx_rng rng;
  ot_tdisp_tdi_desc desc;
  ot_tdisp_device dev;
  ot_tdisp_tdi *tdi;
  ot_tdisp_vdm_ctx ctx;
} fx;

static inline void fx_init_with(fx *f, ot_cfg_space *cfg) {
  memset(f, 0, sizeof *f);
  f->ops.base.stream_secure = fx_stream_secure;
  f->ops.base.scrub = fx_scrub;
  f->rng.base.fill = fx_rng_fill;
  memcpy(f->rng.nonce, fx_rec_nonce, 32);
  f->desc = (ot_tdisp_tdi_desc){.function_id = FX_FID,
                                .interface_info = OT_TDISP_IFINFO_DMA_NO_PASID,
                                .mmio = fx_ranges,
                                .mmio_count = 4,
                                .devinfo = fx_devinfo,
                                .devinfo_len = sizeof fx_devinfo,
                                .cfg = cfg};
  /* spdm-emu's capabilities (REC): lock flags 0x0007, 48-bit addresses. */
  ot_tdisp_device_config dc = {.lock_flags_supported = 0x0007, .dev_addr_width = 0x30};
  assert_ot_ok(ot_tdisp_device_init(&f->dev, &dc, &f->ops.base, &f->rng.base));
  assert_ot_ok(ot_tdisp_device_add_tdi(&f->dev, &f->desc, &f->tdi));
  f->ctx.in_session = true;
  f->ctx.session_id = 0xFFFFFFFFu;
}

static inline void fx_init(fx *f) { fx_init_with(f, NULL); }

/* Sends one message and decodes the answer; returns the decoded response code. */
static inline uint8_t fx_send(fx *f, const ot_tdisp_msg *req, ot_tdisp_msg *rsp, uint8_t *buf,
                              size_t cap) {
  uint8_t q[128];
  ot_writer w;
  ot_writer_init(&w, q, sizeof q);
  assert_ot_ok(ot_tdisp_payload_encode(&w, req));
  size_t n = 0;
  assert_ot_ok(ot_tdisp_responder_handle(&f->dev, &f->ctx, q, ot_writer_len(&w), buf, cap, &n));
  const uint8_t *m;
  size_t mlen;
  assert_ot_ok(ot_tdisp_payload_open(buf, n, &m, &mlen));
  ot_reader r;
  ot_reader_init(&r, m, mlen);
  assert_ot_ok(ot_tdisp_decode(&r, rsp));
  return rsp->code;
}

static inline ot_tdisp_msg fx_req(uint8_t code) {
  ot_tdisp_msg m;
  memset(&m, 0, sizeof m);
  m.version = OT_TDISP_VERSION_10;
  m.code = code;
  m.function_id = FX_FID;
  return m;
}

/* The recorded LOCK parameters: flags 0x0007, stream 0, offset 0xD0000000. */
static inline ot_tdisp_lock_params fx_lock_params(void) {
  ot_tdisp_lock_params p = {
      .flags = 0x0007, .default_stream_id = FX_STREAM, .mmio_reporting_offset = 0xD0000000u};
  return p;
}

/* Drives the TDI into `s` through the protocol (and an event for ERROR). */
static inline void fx_drive(fx *f, ot_tdisp_state s) {
  uint8_t buf[256];
  ot_tdisp_msg rsp;
  if (s == OT_TDI_CONFIG_UNLOCKED) return;
  ot_tdisp_msg lock = fx_req(OT_TDISP_LOCK_INTERFACE_REQUEST);
  lock.u.lock = fx_lock_params();
  assert_int_equal(fx_send(f, &lock, &rsp, buf, sizeof buf), OT_TDISP_LOCK_INTERFACE_RESPONSE);
  if (s == OT_TDI_ERROR) {
    assert_int_equal(ot_tdisp_tdi_event(f->tdi, OT_TDISP_EV_DEVICE_FAULT), OT_TDI_ERROR);
    return;
  }
  if (s == OT_TDI_CONFIG_LOCKED) return;
  ot_tdisp_msg start = fx_req(OT_TDISP_START_INTERFACE_REQUEST);
  memcpy(start.u.nonce, rsp.u.nonce, 32);
  assert_int_equal(fx_send(f, &start, &rsp, buf, sizeof buf), OT_TDISP_START_INTERFACE_RESPONSE);
  assert_int_equal(f->tdi->state, OT_TDI_RUN);
}

/* In-process transport: the requester's payload goes straight to the responder. */
typedef struct fx_link {
  ot_tdisp_transport base;
  fx *f;
  int calls;
  uint32_t last_session;
} fx_link;

static inline ot_status fx_link_exchange(ot_tdisp_transport *t, uint32_t session_id,
                                         const uint8_t *req, size_t req_len, uint8_t *rsp,
                                         size_t rsp_cap, size_t *rsp_len) {
  fx_link *l = (fx_link *)t;
  l->calls++;
  l->last_session = session_id;
  return ot_tdisp_responder_handle(&l->f->dev, &l->f->ctx, req, req_len, rsp, rsp_cap, rsp_len);
}

static inline void fx_link_init(fx_link *l, fx *f) {
  memset(l, 0, sizeof *l);
  l->base.exchange = fx_link_exchange;
  l->f = f;
}

#endif /* OT_TDISP_FIXTURE_H */
