/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Property fuzzer for the DOE mailbox model: an arbitrary sequence of config
 * space reads and writes (DW and narrower, inside the capability and
 * anywhere), clock steps and fault injections. After every operation the
 * model's invariants must hold (ot_doe_mailbox_invariants_hold); at the end,
 * with the fault cleared, one Abort must bring the mailbox back to idle and a
 * full driver exchange (Abort, Discovery, echo) must succeed.
 *
 * Input: byte 0 = latency in 0.5 ms units, byte 1 = flags (bit 0 interrupt
 * support, bit 1 capability version 2), then 6-byte operations
 * [op, a, v0, v1, v2, v3].
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/doe_driver.h"
#include "opentsm/doe_mailbox.h"
#include "opentsm/spec/doe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ECHO_TYPE 0x7Fu
#define BUF_DW 64u
#define OP_SIZE 6u

static ot_status echo_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                             size_t rsp_cap, size_t *rsp_len) {
  (void)p;
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  if (req_len) memcpy(rsp, req, req_len);
  *rsp_len = req_len;
  return OT_SUCCESS;
}

/* Static: one input at a time, and the config space is 12 KiB. */
static struct {
  ot_cfg_space cfg;
  ot_cfg_inproc acc;
  ot_sim_clock clock;
  ot_doe_responder responder;
  ot_doe_protocol echo;
  ot_doe_mailbox mb;
  ot_doe_driver drv;
  uint8_t req[BUF_DW * 4];
  uint8_t rsp[BUF_DW * 4];
} w;

static void check(bool cond) {
  if (!cond) abort();
}

static void step_invariants(void) { check(ot_doe_mailbox_invariants_hold(&w.mb)); }

static uint16_t reg(uint8_t a) { return (uint16_t)(w.mb.cap + 4u * (a % 6u)); }

static void run_op(const uint8_t *op) {
  uint8_t a = op[1];
  uint32_t v =
      (uint32_t)op[2] | (uint32_t)op[3] << 8 | (uint32_t)op[4] << 16 | (uint32_t)op[5] << 24;
  uint32_t out;
  switch (op[0] % 12u) {
  case 0:
    OT_IGNORE(ot_cfg_write32(&w.acc.base, reg(a), v));
    break;
  case 1:
    OT_IGNORE(ot_cfg_read32(&w.acc.base, reg(a), &out));
    break;
  case 2: { /* narrow or misaligned access inside the capability */
    unsigned width = 1u << (op[5] % 3u);
    OT_IGNORE(ot_cfg_space_write(&w.cfg, (uint16_t)(w.mb.cap + a % 0x18u), width, v));
    break;
  }
  case 3: { /* anywhere in the 4 KiB, any width, possibly invalid */
    unsigned width = 1u << (op[5] % 3u);
    uint16_t off = (uint16_t)((a | (uint16_t)op[4] << 8) & 0x1FFFu);
    if (op[5] & 0x80u) {
      OT_IGNORE(ot_cfg_space_read(&w.cfg, off, width, &out));
    } else {
      OT_IGNORE(ot_cfg_space_write(&w.cfg, off, width, v));
    }
    break;
  }
  case 4:
    ot_sim_clock_advance(&w.clock, (uint64_t)(a + 1u) * 100u * OT_NS_PER_US);
    break;
  case 5:
    ot_doe_mailbox_inject(&w.mb, (ot_doe_mb_fault)(a % 5u), op[2]);
    break;
  case 6:
    OT_IGNORE(ot_cfg_write32(&w.acc.base, reg(2), OT_DOE_CTRL_ABORT));
    break;
  case 7: { /* a header that is likely to be well-formed */
    static const uint8_t types[] = {OT_DOE_TYPE_DISCOVERY, ECHO_TYPE, 0x01};
    uint32_t h0 = OT_FIELD_PREP(OT_DOE_HDR0_VENDOR, OT_DOE_VENDOR_PCISIG) |
                  OT_FIELD_PREP(OT_DOE_HDR0_TYPE, types[op[2] % 3u]);
    uint32_t len = (uint32_t)a | (uint32_t)op[3] << 8 | (uint32_t)(op[4] & 3u) << 16;
    OT_IGNORE(ot_cfg_write32(&w.acc.base, reg(4), h0));
    OT_IGNORE(ot_cfg_write32(&w.acc.base, reg(4), OT_FIELD_PREP(OT_DOE_HDR1_LENGTH, len)));
    break;
  }
  case 8:
    OT_IGNORE(
        ot_cfg_write32(&w.acc.base, reg(2), OT_DOE_CTRL_GO | (a & 1u ? OT_DOE_CTRL_INT_EN : 0)));
    break;
  case 9: /* read and acknowledge one response DW */
    OT_IGNORE(ot_cfg_read32(&w.acc.base, reg(3), &out));
    OT_IGNORE(ot_cfg_read32(&w.acc.base, reg(5), &out));
    OT_IGNORE(ot_cfg_write32(&w.acc.base, reg(5), 0));
    break;
  case 10:
    ot_doe_mailbox_step(&w.mb);
    break;
  default: /* a burst of payload DWs */
    for (unsigned i = 0; i <= a % 8u; i++) OT_IGNORE(ot_cfg_write32(&w.acc.base, reg(4), v + i));
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  memset(&w, 0, sizeof w);
  const ot_cfg_ident id = {.vendor = 0x1AF4, .device = 0x1234, .class_code = 0x120000};
  check(ot_ok(ot_cfg_init(&w.cfg, &id)));
  ot_cfg_inproc_init(&w.acc, &w.cfg);
  ot_sim_clock_init(&w.clock, 0);
  ot_doe_responder_init(&w.responder);
  w.echo = (ot_doe_protocol){OT_DOE_VENDOR_PCISIG, ECHO_TYPE, echo_handle};
  check(ot_ok(ot_doe_responder_add(&w.responder, &w.echo)));
  ot_doe_mailbox_config c = {
      .responder = &w.responder,
      .clock = &w.clock.base,
      .latency_ns = (uint64_t)data[0] * 500u * OT_NS_PER_US,
      .req_buf = w.req,
      .req_cap = sizeof w.req,
      .rsp_buf = w.rsp,
      .rsp_cap = sizeof w.rsp,
      .cap_version = (data[1] & 2u) ? 2u : 1u,
      .int_support = (data[1] & 1u) != 0,
      .int_msg_num = 3,
  };
  check(ot_ok(ot_doe_mailbox_install(&w.mb, &w.cfg, &c, NULL)));
  step_invariants();

  for (size_t off = 2; off + OP_SIZE <= size; off += OP_SIZE) {
    run_op(data + off);
    step_invariants();
  }

  /* Abort always recovers once the device is healthy again. */
  ot_doe_mailbox_inject(&w.mb, OT_DOE_FAULT_NONE, 0);
  check(ot_ok(ot_cfg_write32(&w.acc.base, reg(2), OT_DOE_CTRL_ABORT)));
  uint32_t st;
  check(ot_ok(ot_cfg_read32(&w.acc.base, reg(3), &st)));
  check((st & (OT_DOE_STATUS_BUSY | OT_DOE_STATUS_ERROR | OT_DOE_STATUS_READY)) == 0);
  check(ot_doe_mailbox_state(&w.mb) == OT_DOE_MB_IDLE);
  step_invariants();

  check(ot_ok(ot_doe_driver_init(&w.drv, &w.acc.base, w.mb.cap, &w.clock.base)));
  uint8_t msg[12] = "recovered!!", rsp[12];
  size_t n = 0;
  check(ot_ok(ot_doe_driver_exchange(&w.drv, OT_DOE_VENDOR_PCISIG, ECHO_TYPE, msg, sizeof msg, rsp,
                                     sizeof rsp, &n)));
  check(n == sizeof msg && memcmp(rsp, msg, n) == 0);
  step_invariants();
  return 0;
}
