/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DOE mailbox model at register level: every register rule of
 * opentsm/doe_mailbox.h, the state table, latency and the injected faults.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/doe_mailbox.h"
#include "opentsm/spec/doe.h"
#include "testsupport.h"

#define ECHO_TYPE 0x7Fu
#define FAILING_TYPE 0x7Eu
#define BUF_DW 64u

/* ---- fixture ---------------------------------------------------------------------- */

typedef struct echo_protocol {
  ot_doe_protocol base; /* must be first */
  unsigned calls;
} echo_protocol;

static ot_status echo_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                             size_t rsp_cap, size_t *rsp_len) {
  ((echo_protocol *)(void *)p)->calls++;
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  if (req_len) memcpy(rsp, req, req_len);
  *rsp_len = req_len;
  return OT_SUCCESS;
}

static ot_status failing_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len,
                                uint8_t *rsp, size_t rsp_cap, size_t *rsp_len) {
  (void)p, (void)req, (void)req_len, (void)rsp, (void)rsp_cap, (void)rsp_len;
  return ot_status_of(OT_E_VERIFY);
}

typedef struct fixture {
  ot_cfg_space cfg;
  ot_cfg_inproc acc;
  ot_sim_clock clock;
  ot_doe_responder responder;
  echo_protocol echo;
  ot_doe_protocol failing;
  ot_doe_mailbox mb;
  uint16_t cap;
  unsigned interrupts;
  uint8_t req[BUF_DW * 4];
  uint8_t rsp[BUF_DW * 4];
} fixture;

static fixture *g_fixture; /* for the interrupt callback */

static void count_interrupt(ot_doe_mailbox *mb) {
  assert_ptr_equal(mb, &g_fixture->mb);
  g_fixture->interrupts++;
}

static ot_doe_mailbox_config base_config(fixture *f) {
  ot_doe_mailbox_config c = {
      .responder = &f->responder,
      .clock = &f->clock.base,
      .latency_ns = 0,
      .req_buf = f->req,
      .req_cap = sizeof f->req,
      .rsp_buf = f->rsp,
      .rsp_cap = sizeof f->rsp,
      .cap_version = 1,
      .int_support = true,
      .int_msg_num = 5,
      .on_interrupt = count_interrupt,
  };
  return c;
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  const ot_cfg_ident id = {.vendor = 0x1AF4, .device = 0x1234, .class_code = 0x120000};
  if (!ot_ok(ot_cfg_init(&f->cfg, &id))) return -1;
  ot_cfg_inproc_init(&f->acc, &f->cfg);
  ot_sim_clock_init(&f->clock, 0);
  ot_doe_responder_init(&f->responder);
  f->echo.base = (ot_doe_protocol){OT_DOE_VENDOR_PCISIG, ECHO_TYPE, echo_handle};
  f->failing = (ot_doe_protocol){OT_DOE_VENDOR_PCISIG, FAILING_TYPE, failing_handle};
  if (!ot_ok(ot_doe_responder_add(&f->responder, &f->echo.base))) return -1;
  if (!ot_ok(ot_doe_responder_add(&f->responder, &f->failing))) return -1;
  ot_doe_mailbox_config c = base_config(f);
  if (!ot_ok(ot_doe_mailbox_install(&f->mb, &f->cfg, &c, &f->cap))) return -1;
  g_fixture = f;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  free(*state);
  g_fixture = NULL;
  return 0;
}

/* Register access relative to the capability; checks the invariants after each. */
static uint32_t rd(fixture *f, uint16_t r) {
  uint32_t v;
  assert_ot_ok(ot_cfg_read32(&f->acc.base, (uint16_t)(f->cap + r), &v));
  assert_true(ot_doe_mailbox_invariants_hold(&f->mb));
  return v;
}

static void wr(fixture *f, uint16_t r, uint32_t v) {
  assert_ot_ok(ot_cfg_write32(&f->acc.base, (uint16_t)(f->cap + r), v));
  assert_true(ot_doe_mailbox_invariants_hold(&f->mb));
}

static uint32_t status(fixture *f) { return rd(f, OT_DOE_REG_STATUS); }

static uint32_t hdr0(uint16_t vendor, uint8_t type) {
  return OT_FIELD_PREP(OT_DOE_HDR0_VENDOR, vendor) | OT_FIELD_PREP(OT_DOE_HDR0_TYPE, type);
}

static uint32_t hdr1(uint32_t len_dw) { return OT_FIELD_PREP(OT_DOE_HDR1_LENGTH, len_dw); }

/* Writes an echo request of `payload_dw` DWs (values 0xA0000000 + i), without Go. */
static void write_echo(fixture *f, uint32_t payload_dw) {
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  wr(f, OT_DOE_REG_WRITE, hdr1(payload_dw + 2u));
  for (uint32_t i = 0; i < payload_dw; i++) wr(f, OT_DOE_REG_WRITE, 0xA0000000u + i);
}

static void go(fixture *f) { wr(f, OT_DOE_REG_CTRL, OT_DOE_CTRL_GO); }

/* Reads a whole response object; returns its DW count. */
static uint32_t read_object(fixture *f, uint32_t *out, uint32_t cap) {
  uint32_t n = 0;
  while (status(f) & OT_DOE_STATUS_READY) {
    assert_true(n < cap);
    out[n++] = rd(f, OT_DOE_REG_READ);
    wr(f, OT_DOE_REG_READ, 0);
  }
  return n;
}

static void assert_error(fixture *f, ot_code why) {
  assert_int_equal(status(f) & (OT_DOE_STATUS_ERROR | OT_DOE_STATUS_READY), OT_DOE_STATUS_ERROR);
  assert_int_equal(ot_doe_mailbox_state(&f->mb), OT_DOE_MB_ERROR);
  assert_int_equal(ot_doe_mailbox_last_error(&f->mb).code, why);
}

static void abort_mb(fixture *f) {
  wr(f, OT_DOE_REG_CTRL, OT_DOE_CTRL_ABORT);
  assert_int_equal(status(f) & ~OT_DOE_STATUS_INT_STATUS, 0);
  assert_int_equal(ot_doe_mailbox_state(&f->mb), OT_DOE_MB_IDLE);
}

/* A complete echo exchange that must succeed: the mailbox is healthy. */
static void assert_echo_works(fixture *f, uint32_t payload_dw) {
  uint32_t out[BUF_DW];
  write_echo(f, payload_dw);
  go(f);
  ot_sim_clock_advance(&f->clock, f->mb.conf.latency_ns);
  assert_int_equal(read_object(f, out, BUF_DW), payload_dw + 2u);
  assert_int_equal(out[0], hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  assert_int_equal(out[1], payload_dw + 2u);
  for (uint32_t i = 0; i < payload_dw; i++) assert_int_equal(out[2 + i], 0xA0000000u + i);
  assert_int_equal(ot_doe_mailbox_state(&f->mb), OT_DOE_MB_IDLE);
}

/* ---- capability and register attributes ------------------------------------------ */

static void test_install_capability_header(void **state) {
  fixture *f = *state;
  assert_int_equal(f->cap, OT_PCI_EXT_CAP_START);
  uint32_t h = rd(f, 0);
  assert_int_equal(OT_FIELD_GET(OT_PCI_EXT_CAP_ID, h), OT_DOE_EXT_CAP_ID);
  assert_int_equal(OT_FIELD_GET(OT_PCI_EXT_CAP_VER, h), 1);
  uint32_t caps = rd(f, OT_DOE_REG_CAP);
  assert_int_equal(OT_FIELD_GET(OT_DOE_CAP_INT_SUP, caps), 1);
  assert_int_equal(OT_FIELD_GET(OT_DOE_CAP_INT_MSG_NUM, caps), 5);
  assert_int_equal(status(f), 0);
  uint16_t found;
  uint8_t ver;
  assert_ot_ok(ot_pcie_find_ext_cap(&f->acc.base, OT_DOE_EXT_CAP_ID, 0, &found, &ver));
  assert_int_equal(found, f->cap);
}

static void test_install_rejects_bad_config(void **state) {
  fixture *f = *state;
  ot_doe_mailbox other;
  ot_doe_mailbox_config c = base_config(f);
  c.responder = NULL;
  assert_ot_code(ot_doe_mailbox_install(&other, &f->cfg, &c, NULL), OT_E_ARG);
  c = base_config(f);
  c.req_cap = 10; /* not a whole DW */
  assert_ot_code(ot_doe_mailbox_install(&other, &f->cfg, &c, NULL), OT_E_ARG);
  c = base_config(f);
  c.rsp_cap = 8; /* a Discovery response would not fit */
  assert_ot_code(ot_doe_mailbox_install(&other, &f->cfg, &c, NULL), OT_E_ARG);
  c = base_config(f);
  c.clock = NULL;
  c.latency_ns = 1;
  assert_ot_code(ot_doe_mailbox_install(&other, &f->cfg, &c, NULL), OT_E_ARG);
  c = base_config(f);
  c.cap_version = 3;
  assert_ot_code(ot_doe_mailbox_install(&other, &f->cfg, &c, NULL), OT_E_ARG);
  c = base_config(f);
  c.int_msg_num = 0x800; /* 11-bit field */
  assert_ot_code(ot_doe_mailbox_install(&other, &f->cfg, &c, NULL), OT_E_ARG);
  /* Nothing was added to the config space. */
  uint16_t off;
  assert_ot_code(ot_pcie_find_ext_cap(&f->acc.base, OT_DOE_EXT_CAP_ID, f->cap, &off, NULL),
                 OT_E_NOT_FOUND);
}

static void test_second_mailbox_is_listed(void **state) {
  fixture *f = *state;
  ot_doe_mailbox *second = calloc(1, sizeof *second);
  ot_doe_mailbox_config c = base_config(f);
  c.cap_version = 2;
  uint16_t off, found;
  uint8_t ver;
  assert_ot_ok(ot_doe_mailbox_install(second, &f->cfg, &c, &off));
  assert_ot_ok(ot_pcie_find_ext_cap(&f->acc.base, OT_DOE_EXT_CAP_ID, f->cap, &found, &ver));
  assert_int_equal(found, off);
  assert_int_equal(ver, 2);
  free(second);
}

static void test_read_only_registers(void **state) {
  fixture *f = *state;
  uint32_t caps = rd(f, OT_DOE_REG_CAP);
  wr(f, OT_DOE_REG_CAP, 0);
  assert_int_equal(rd(f, OT_DOE_REG_CAP), caps);
  wr(f, 0, 0); /* capability header */
  assert_int_equal(OT_FIELD_GET(OT_PCI_EXT_CAP_ID, rd(f, 0)), OT_DOE_EXT_CAP_ID);
  wr(f, OT_DOE_REG_STATUS, OT_DOE_STATUS_BUSY | OT_DOE_STATUS_ERROR | OT_DOE_STATUS_READY);
  assert_int_equal(status(f), 0);
  write_echo(f, 1);
  assert_int_equal(rd(f, OT_DOE_REG_WRITE), 0); /* the Write Mailbox reads 0 */
}

static void test_control_abort_and_go_read_zero(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_CTRL, 0xFFFFFFFFu); /* Abort wins over Go; Interrupt Enable sticks */
  assert_int_equal(rd(f, OT_DOE_REG_CTRL), OT_DOE_CTRL_INT_EN);
  assert_int_equal(ot_doe_mailbox_stats_get(&f->mb)->aborts, 1);
  assert_int_equal(ot_doe_mailbox_stats_get(&f->mb)->requests, 0);
  wr(f, OT_DOE_REG_CTRL, 0);
  assert_int_equal(rd(f, OT_DOE_REG_CTRL), 0);
}

/* ---- the normal path --------------------------------------------------------------- */

static void test_echo_object_round_trip(void **state) {
  fixture *f = *state;
  assert_echo_works(f, 5);
  assert_int_equal(f->echo.calls, 1);
  const ot_doe_mailbox_stats *s = ot_doe_mailbox_stats_get(&f->mb);
  assert_int_equal(s->requests, 1);
  assert_int_equal(s->responses, 1);
  assert_int_equal(s->errors, 0);
  assert_echo_works(f, 0); /* back to back, header-only payload */
}

static void test_discovery_at_register_level(void **state) {
  fixture *f = *state;
  uint32_t out[4];
  for (uint32_t idx = 0; idx < 3; idx++) {
    wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_DISCOVERY));
    wr(f, OT_DOE_REG_WRITE, hdr1(3));
    wr(f, OT_DOE_REG_WRITE, OT_FIELD_PREP(OT_DOE_DISC_REQ_INDEX, idx));
    go(f);
    assert_int_equal(read_object(f, out, 4), 3);
    uint32_t want_type = idx == 0 ? OT_DOE_TYPE_DISCOVERY : idx == 1 ? ECHO_TYPE : FAILING_TYPE;
    assert_int_equal(OT_FIELD_GET(OT_DOE_DISC_RSP_VENDOR, out[2]), OT_DOE_VENDOR_PCISIG);
    assert_int_equal(OT_FIELD_GET(OT_DOE_DISC_RSP_TYPE, out[2]), want_type);
    assert_int_equal(OT_FIELD_GET(OT_DOE_DISC_RSP_NEXT, out[2]), idx == 2 ? 0 : idx + 1);
  }
}

static void test_latency_shows_busy_then_ready(void **state) {
  fixture *f = *state;
  f->mb.conf.latency_ns = 5 * OT_NS_PER_MS;
  write_echo(f, 2);
  go(f);
  assert_int_equal(status(f), OT_DOE_STATUS_BUSY);
  assert_int_equal(rd(f, OT_DOE_REG_READ), 0);
  ot_sim_clock_advance(&f->clock, 4 * OT_NS_PER_MS);
  assert_int_equal(status(f), OT_DOE_STATUS_BUSY);
  ot_sim_clock_advance(&f->clock, 1 * OT_NS_PER_MS);
  assert_int_equal(status(f) & (OT_DOE_STATUS_BUSY | OT_DOE_STATUS_READY), OT_DOE_STATUS_READY);
  uint32_t out[8];
  assert_int_equal(read_object(f, out, 8), 4);
}

static void test_step_completes_without_register_access(void **state) {
  fixture *f = *state;
  f->mb.conf.latency_ns = OT_NS_PER_MS;
  write_echo(f, 1);
  go(f);
  ot_sim_clock_advance(&f->clock, OT_NS_PER_MS);
  assert_int_equal(ot_doe_mailbox_state(&f->mb), OT_DOE_MB_BUSY);
  ot_doe_mailbox_step(&f->mb);
  assert_int_equal(ot_doe_mailbox_state(&f->mb), OT_DOE_MB_READY);
  assert_true(ot_doe_mailbox_invariants_hold(&f->mb));
}

/* ---- interrupt status (RW1C) ------------------------------------------------------- */

static void test_interrupt_status_is_rw1c(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_CTRL, OT_DOE_CTRL_INT_EN);
  write_echo(f, 1);
  wr(f, OT_DOE_REG_CTRL, OT_DOE_CTRL_INT_EN | OT_DOE_CTRL_GO);
  assert_int_equal(status(f), OT_DOE_STATUS_READY | OT_DOE_STATUS_INT_STATUS);
  assert_int_equal(f->interrupts, 1);
  wr(f, OT_DOE_REG_STATUS, 0); /* writing 0 leaves it */
  assert_int_equal(status(f), OT_DOE_STATUS_READY | OT_DOE_STATUS_INT_STATUS);
  wr(f, OT_DOE_REG_STATUS, OT_DOE_STATUS_INT_STATUS | OT_DOE_STATUS_READY);
  assert_int_equal(status(f), OT_DOE_STATUS_READY); /* cleared; Ready is RO */
  uint32_t out[4];
  assert_int_equal(read_object(f, out, 4), 3);
  assert_int_equal(f->interrupts, 1); /* one per object, not per DW */
}

static void test_interrupt_on_error(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_CTRL, OT_DOE_CTRL_INT_EN);
  wr(f, OT_DOE_REG_READ, 0); /* advance with nothing ready: Error */
  assert_int_equal(status(f), OT_DOE_STATUS_ERROR | OT_DOE_STATUS_INT_STATUS);
  assert_int_equal(f->interrupts, 1);
}

static void test_no_interrupt_when_disabled_or_unsupported(void **state) {
  fixture *f = *state;
  assert_echo_works(f, 1); /* Interrupt Enable clear */
  assert_int_equal(f->interrupts, 0);
  f->mb.conf.int_support = false;
  wr(f, OT_DOE_REG_CTRL, OT_DOE_CTRL_INT_EN);
  write_echo(f, 1);
  wr(f, OT_DOE_REG_CTRL, OT_DOE_CTRL_INT_EN | OT_DOE_CTRL_GO);
  assert_int_equal(status(f), OT_DOE_STATUS_READY);
  assert_int_equal(f->interrupts, 0);
}

/* ---- protocol violations ------------------------------------------------------------ */

static void test_go_while_busy_sets_error(void **state) {
  fixture *f = *state;
  f->mb.conf.latency_ns = OT_NS_PER_MS;
  write_echo(f, 1);
  go(f);
  assert_int_equal(status(f), OT_DOE_STATUS_BUSY);
  go(f);
  assert_error(f, OT_E_UNEXPECTED);
  assert_int_equal(status(f) & OT_DOE_STATUS_BUSY, 0); /* the response in flight is dropped */
  ot_sim_clock_advance(&f->clock, OT_NS_PER_MS);
  assert_error(f, OT_E_UNEXPECTED); /* and never appears */
  abort_mb(f);
  assert_echo_works(f, 1);
}

static void test_write_while_busy_sets_error(void **state) {
  fixture *f = *state;
  f->mb.conf.latency_ns = OT_NS_PER_MS;
  write_echo(f, 1);
  go(f);
  wr(f, OT_DOE_REG_WRITE, 0x1234);
  assert_error(f, OT_E_UNEXPECTED);
}

static void test_write_while_response_pending_sets_error(void **state) {
  fixture *f = *state;
  write_echo(f, 1);
  go(f);
  assert_true(status(f) & OT_DOE_STATUS_READY);
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  assert_error(f, OT_E_UNEXPECTED);
}

static void test_read_with_no_object_ready(void **state) {
  fixture *f = *state;
  assert_int_equal(rd(f, OT_DOE_REG_READ), 0); /* a read is harmless */
  assert_int_equal(ot_doe_mailbox_state(&f->mb), OT_DOE_MB_IDLE);
  wr(f, OT_DOE_REG_READ, 0); /* advancing past nothing is an error */
  assert_error(f, OT_E_UNEXPECTED);
  assert_int_equal(rd(f, OT_DOE_REG_READ), 0);
}

static void test_read_past_end_sets_error(void **state) {
  fixture *f = *state;
  assert_echo_works(f, 1);
  wr(f, OT_DOE_REG_READ, 0); /* one advance too many */
  assert_error(f, OT_E_UNEXPECTED);
}

static void test_go_on_empty_mailbox_sets_error(void **state) {
  fixture *f = *state;
  go(f);
  assert_error(f, OT_E_TRUNCATED);
  assert_int_equal(f->echo.calls, 0);
}

static void test_error_state_ignores_everything_but_abort(void **state) {
  fixture *f = *state;
  go(f);
  assert_error(f, OT_E_TRUNCATED);
  write_echo(f, 1);
  go(f);
  wr(f, OT_DOE_REG_READ, 0);
  assert_error(f, OT_E_TRUNCATED);
  assert_int_equal(f->echo.calls, 0);
  abort_mb(f);
  assert_int_equal(ot_doe_mailbox_last_error(&f->mb).code, OT_OK);
  assert_echo_works(f, 3);
}

static void test_narrow_write_to_write_mailbox_ignored(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  assert_ot_ok(ot_cfg_space_write(&f->cfg, (uint16_t)(f->cap + OT_DOE_REG_WRITE), 2, 0x3));
  assert_ot_ok(ot_cfg_space_write(&f->cfg, (uint16_t)(f->cap + OT_DOE_REG_WRITE + 2), 1, 0));
  wr(f, OT_DOE_REG_WRITE, hdr1(2));
  go(f);
  uint32_t out[4];
  assert_int_equal(read_object(f, out, 4), 2); /* the narrow writes were not appended */
}

static void test_narrow_write_to_read_mailbox_advances(void **state) {
  fixture *f = *state;
  write_echo(f, 1);
  go(f);
  uint32_t first = rd(f, OT_DOE_REG_READ);
  assert_ot_ok(ot_cfg_space_write(&f->cfg, (uint16_t)(f->cap + OT_DOE_REG_READ + 1), 1, 0));
  assert_int_not_equal(rd(f, OT_DOE_REG_READ), first);
  assert_int_equal(rd(f, OT_DOE_REG_READ), 3u); /* DW1: Length */
}

/* ---- Abort ------------------------------------------------------------------------- */

static void test_abort_mid_write(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  wr(f, OT_DOE_REG_WRITE, hdr1(6));
  wr(f, OT_DOE_REG_WRITE, 0xDEAD);
  assert_int_equal(ot_doe_mailbox_state(&f->mb), OT_DOE_MB_RECEIVING);
  abort_mb(f);
  /* The partial object is gone: a fresh one goes through alone. */
  assert_echo_works(f, 2);
  assert_int_equal(f->echo.calls, 1);
}

static void test_abort_mid_read(void **state) {
  fixture *f = *state;
  write_echo(f, 4);
  go(f);
  (void)rd(f, OT_DOE_REG_READ);
  wr(f, OT_DOE_REG_READ, 0);
  (void)rd(f, OT_DOE_REG_READ);
  wr(f, OT_DOE_REG_READ, 0);
  abort_mb(f);
  assert_int_equal(rd(f, OT_DOE_REG_READ), 0);
  assert_echo_works(f, 4);
  assert_int_equal(ot_doe_mailbox_stats_get(&f->mb)->responses, 1);
}

static void test_abort_while_busy(void **state) {
  fixture *f = *state;
  f->mb.conf.latency_ns = OT_NS_PER_MS;
  write_echo(f, 1);
  go(f);
  abort_mb(f);
  ot_sim_clock_advance(&f->clock, 2 * OT_NS_PER_MS);
  assert_int_equal(status(f), 0); /* the aborted response never shows up */
}

/* ---- malformed objects ------------------------------------------------------------- */

static void test_fewer_dws_than_length(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  wr(f, OT_DOE_REG_WRITE, hdr1(4));
  wr(f, OT_DOE_REG_WRITE, 1);
  go(f);
  assert_error(f, OT_E_TRUNCATED);
  assert_int_equal(f->echo.calls, 0);
}

static void test_more_dws_than_length(void **state) {
  fixture *f = *state;
  write_echo(f, 1);
  wr(f, OT_DOE_REG_WRITE, 0x5A5A5A5Au);
  go(f);
  assert_error(f, OT_E_TRAILING);
}

static void test_length_below_two(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  wr(f, OT_DOE_REG_WRITE, hdr1(1));
  go(f);
  assert_error(f, OT_E_MALFORMED);
}

static void test_reserved_bits_in_header(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE) | 0x01000000u); /* DW0 31:24 */
  wr(f, OT_DOE_REG_WRITE, hdr1(2));
  go(f);
  assert_error(f, OT_E_RESERVED);
  abort_mb(f);
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  wr(f, OT_DOE_REG_WRITE, hdr1(2) | 0x00040000u); /* DW1 bit 18 */
  go(f);
  assert_error(f, OT_E_RESERVED);
  assert_int_equal(f->echo.calls, 0);
}

static void test_length_over_maximum(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  wr(f, OT_DOE_REG_WRITE, hdr1(BUF_DW + 1u)); /* refused as soon as the Length is seen */
  assert_error(f, OT_E_TOO_LARGE);
}

static void test_length_zero_means_2_18_dw(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  wr(f, OT_DOE_REG_WRITE, hdr1(0)); /* 2^18 DW: more than this mailbox's 64 */
  assert_error(f, OT_E_TOO_LARGE);
}

static void test_writes_past_buffer(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  wr(f, OT_DOE_REG_WRITE, hdr1(BUF_DW));
  for (uint32_t i = 2; i < BUF_DW; i++) wr(f, OT_DOE_REG_WRITE, i);
  assert_int_equal(ot_doe_mailbox_state(&f->mb), OT_DOE_MB_RECEIVING);
  wr(f, OT_DOE_REG_WRITE, 0xFFFFFFFFu);
  assert_error(f, OT_E_TOO_LARGE);
}

static void test_unknown_protocol(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_WRITE, hdr0(0x1AF4, 0x01));
  wr(f, OT_DOE_REG_WRITE, hdr1(2));
  go(f);
  assert_error(f, OT_E_UNSUPPORTED);
}

static void test_handler_failure(void **state) {
  fixture *f = *state;
  wr(f, OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, FAILING_TYPE));
  wr(f, OT_DOE_REG_WRITE, hdr1(2));
  go(f);
  assert_error(f, OT_E_VERIFY);
}

static void test_response_too_large_for_mailbox(void **state) {
  fixture *f = *state;
  f->mb.conf.rsp_cap = 4u * 8u; /* smaller than the request's echo */
  write_echo(f, 10);
  go(f);
  assert_error(f, OT_E_NO_SPACE);
}

/* ---- the maximum object ------------------------------------------------------------ */

static void test_max_object_with_length_zero(void **state) {
  fixture *f = *state;
  uint8_t *req = malloc(OT_DOE_MAX_OBJECT_BYTES);
  uint8_t *rsp = malloc(OT_DOE_MAX_OBJECT_BYTES);
  assert_non_null(req);
  assert_non_null(rsp);
  ot_doe_mailbox *big = calloc(1, sizeof *big);
  ot_doe_mailbox_config c = base_config(f);
  c.req_buf = req;
  c.req_cap = OT_DOE_MAX_OBJECT_BYTES;
  c.rsp_buf = rsp;
  c.rsp_cap = OT_DOE_MAX_OBJECT_BYTES;
  uint16_t cap;
  assert_ot_ok(ot_doe_mailbox_install(big, &f->cfg, &c, &cap));
  ot_cfg_access *a = &f->acc.base;
  assert_ot_ok(ot_cfg_write32(a, cap + OT_DOE_REG_WRITE, hdr0(OT_DOE_VENDOR_PCISIG, ECHO_TYPE)));
  assert_ot_ok(ot_cfg_write32(a, cap + OT_DOE_REG_WRITE, hdr1(0)));
  for (uint32_t i = 2; i < OT_DOE_LENGTH_MAX_DW; i++)
    assert_ot_ok(ot_cfg_write32(a, cap + OT_DOE_REG_WRITE, i));
  assert_ot_ok(ot_cfg_write32(a, cap + OT_DOE_REG_CTRL, OT_DOE_CTRL_GO));
  uint32_t v, n = 0;
  for (;;) {
    assert_ot_ok(ot_cfg_read32(a, cap + OT_DOE_REG_STATUS, &v));
    if (!(v & OT_DOE_STATUS_READY)) break;
    assert_ot_ok(ot_cfg_read32(a, cap + OT_DOE_REG_READ, &v));
    if (n == 1) assert_int_equal(v, 0); /* Length 0 on the way back, too */
    if (n >= 2) assert_int_equal(v, n);
    assert_ot_ok(ot_cfg_write32(a, cap + OT_DOE_REG_READ, 0));
    n++;
  }
  assert_int_equal(n, OT_DOE_LENGTH_MAX_DW);
  assert_true(ot_doe_mailbox_invariants_hold(big));
  free(big);
  free(req);
  free(rsp);
}

/* ---- injected faults --------------------------------------------------------------- */

static void test_fault_never_ready(void **state) {
  fixture *f = *state;
  f->mb.conf.latency_ns = OT_NS_PER_MS;
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_NEVER_READY, 0);
  write_echo(f, 1);
  go(f);
  assert_int_equal(status(f), OT_DOE_STATUS_BUSY);
  ot_sim_clock_advance(&f->clock, 10 * OT_NS_PER_S);
  assert_int_equal(status(f), 0); /* not busy, not ready, no error */
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_NONE, 0);
  abort_mb(f);
  assert_echo_works(f, 1);
}

static void test_fault_error_midway(void **state) {
  fixture *f = *state;
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_ERROR_MIDWAY, 3);
  write_echo(f, 4);
  go(f);
  for (int i = 0; i < 3; i++) {
    assert_true(status(f) & OT_DOE_STATUS_READY);
    wr(f, OT_DOE_REG_READ, 0);
  }
  assert_error(f, OT_E_DEVICE);
  assert_int_equal(rd(f, OT_DOE_REG_READ), 0);
  abort_mb(f);
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_ERROR_MIDWAY, 0); /* error instead of Ready */
  write_echo(f, 1);
  go(f);
  assert_error(f, OT_E_DEVICE);
}

static void test_fault_stuck_busy_cleared_by_abort(void **state) {
  fixture *f = *state;
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_STUCK_BUSY, 0);
  assert_int_equal(status(f), OT_DOE_STATUS_BUSY);
  ot_sim_clock_advance(&f->clock, 10 * OT_NS_PER_S);
  assert_int_equal(status(f), OT_DOE_STATUS_BUSY);
  go(f);
  assert_int_equal(status(f), OT_DOE_STATUS_BUSY | OT_DOE_STATUS_ERROR);
  abort_mb(f);
  assert_echo_works(f, 1);
}

static void test_fault_abort_stuck(void **state) {
  fixture *f = *state;
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_ABORT_STUCK, 0);
  assert_echo_works(f, 1); /* the fault shows only on Abort */
  wr(f, OT_DOE_REG_CTRL, OT_DOE_CTRL_ABORT);
  ot_sim_clock_advance(&f->clock, 10 * OT_NS_PER_S);
  assert_int_equal(status(f), OT_DOE_STATUS_BUSY);
  wr(f, OT_DOE_REG_CTRL, OT_DOE_CTRL_ABORT);
  assert_int_equal(status(f), OT_DOE_STATUS_BUSY);
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_NONE, 0);
  abort_mb(f); /* a later Abort without the fault completes */
  assert_echo_works(f, 1);
}

static void test_state_names(void **state) {
  (void)state;
  assert_string_equal(ot_doe_mb_state_name(OT_DOE_MB_IDLE), "IDLE");
  assert_string_equal(ot_doe_mb_state_name(OT_DOE_MB_ERROR), "ERROR");
  assert_string_equal(ot_doe_mb_state_name(OT_DOE_MB_STATE_COUNT), "?");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_install_capability_header),
      T(test_install_rejects_bad_config),
      T(test_second_mailbox_is_listed),
      T(test_read_only_registers),
      T(test_control_abort_and_go_read_zero),
      T(test_echo_object_round_trip),
      T(test_discovery_at_register_level),
      T(test_latency_shows_busy_then_ready),
      T(test_step_completes_without_register_access),
      T(test_interrupt_status_is_rw1c),
      T(test_interrupt_on_error),
      T(test_no_interrupt_when_disabled_or_unsupported),
      T(test_go_while_busy_sets_error),
      T(test_write_while_busy_sets_error),
      T(test_write_while_response_pending_sets_error),
      T(test_read_with_no_object_ready),
      T(test_read_past_end_sets_error),
      T(test_go_on_empty_mailbox_sets_error),
      T(test_error_state_ignores_everything_but_abort),
      T(test_narrow_write_to_write_mailbox_ignored),
      T(test_narrow_write_to_read_mailbox_advances),
      T(test_abort_mid_write),
      T(test_abort_mid_read),
      T(test_abort_while_busy),
      T(test_fewer_dws_than_length),
      T(test_more_dws_than_length),
      T(test_length_below_two),
      T(test_reserved_bits_in_header),
      T(test_length_over_maximum),
      T(test_length_zero_means_2_18_dw),
      T(test_writes_past_buffer),
      T(test_unknown_protocol),
      T(test_handler_failure),
      T(test_response_too_large_for_mailbox),
      T(test_max_object_with_length_zero),
      T(test_fault_never_ready),
      T(test_fault_error_midway),
      T(test_fault_stuck_busy_cleared_by_abort),
      T(test_fault_abort_stuck),
      cmocka_unit_test(test_state_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
