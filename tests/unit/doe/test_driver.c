/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host DOE driver against the mailbox model (with latency and injected
 * faults) and against a scripted misbehaving device, all on a simulated clock.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/doe_driver.h"
#include "opentsm/doe_mailbox.h"
#include "opentsm/spec/doe.h"
#include "testsupport.h"

#define ECHO_TYPE 0x7Fu
#define BUF_BYTES 4096u

/* ---- an echo protocol ---------------------------------------------------------------- */

static ot_status echo_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                             size_t rsp_cap, size_t *rsp_len) {
  (void)p;
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  if (req_len) memcpy(rsp, req, req_len);
  *rsp_len = req_len;
  return OT_SUCCESS;
}

/* ---- an accessor wrapper that counts and can fail ---------------------------------------- */

typedef struct probe_access {
  ot_cfg_access base; /* must be first */
  ot_cfg_access *inner;
  unsigned reads, writes;
  bool fail;                                   /* every access fails with OT_E_IO */
  uint32_t writes_to[OT_PCI_CFG_EXT_SIZE / 4]; /* count per DW offset */
  uint32_t last_written[OT_PCI_CFG_EXT_SIZE / 4];
} probe_access;

static probe_access *as_probe(ot_cfg_access *a) { return (probe_access *)(void *)a; }

static ot_status probe_read(ot_cfg_access *a, uint16_t off, uint32_t *v) {
  probe_access *p = as_probe(a);
  p->reads++;
  if (p->fail) return ot_status_of(OT_E_IO);
  return ot_cfg_read32(p->inner, off, v);
}

static ot_status probe_write(ot_cfg_access *a, uint16_t off, uint32_t v) {
  probe_access *p = as_probe(a);
  p->writes++;
  if (p->fail) return ot_status_of(OT_E_IO);
  p->writes_to[off / 4]++;
  p->last_written[off / 4] = v;
  return ot_cfg_write32(p->inner, off, v);
}

/* ---- fixture: model + driver --------------------------------------------------------------- */

typedef struct fixture {
  ot_cfg_space cfg;
  ot_cfg_inproc inproc;
  probe_access probe;
  ot_sim_clock clock;
  ot_doe_responder responder;
  ot_doe_protocol echo;
  ot_doe_mailbox mb;
  uint16_t cap;
  ot_doe_driver drv;
  uint8_t req_buf[BUF_BYTES];
  uint8_t rsp_buf[BUF_BYTES];
} fixture;

static ot_doe_mailbox_config mb_config(fixture *f) {
  ot_doe_mailbox_config c = {
      .responder = &f->responder,
      .clock = &f->clock.base,
      .req_buf = f->req_buf,
      .req_cap = sizeof f->req_buf,
      .rsp_buf = f->rsp_buf,
      .rsp_cap = sizeof f->rsp_buf,
      .cap_version = 1,
  };
  return c;
}

/* Builds the device (config space + one mailbox) without a driver. */
static fixture *new_device(uint8_t cap_version) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  const ot_cfg_ident id = {.vendor = 0x1AF4, .device = 0x1234, .class_code = 0x120000};
  assert_ot_ok(ot_cfg_init(&f->cfg, &id));
  uint16_t aer;
  assert_ot_ok(ot_cfg_add_ext_cap(&f->cfg, 0x0001, 2, 0x48, &aer)); /* DOE is not first */
  ot_cfg_inproc_init(&f->inproc, &f->cfg);
  f->probe.base.read32 = probe_read;
  f->probe.base.write32 = probe_write;
  f->probe.inner = &f->inproc.base;
  ot_sim_clock_init(&f->clock, 1000);
  ot_doe_responder_init(&f->responder);
  f->echo = (ot_doe_protocol){OT_DOE_VENDOR_PCISIG, ECHO_TYPE, echo_handle};
  assert_ot_ok(ot_doe_responder_add(&f->responder, &f->echo));
  ot_doe_mailbox_config c = mb_config(f);
  c.cap_version = cap_version;
  assert_ot_ok(ot_doe_mailbox_install(&f->mb, &f->cfg, &c, &f->cap));
  return f;
}

static int setup(void **state) {
  fixture *f = new_device(1);
  uint16_t cap;
  assert_ot_ok(ot_doe_find_mailbox(&f->probe.base, 0, &cap));
  assert_int_equal(cap, f->cap);
  assert_ot_ok(ot_doe_driver_init(&f->drv, &f->probe.base, cap, &f->clock.base));
  *state = f;
  return 0;
}

static int teardown(void **state) {
  free(*state);
  return 0;
}

static ot_status echo(fixture *f, const uint8_t *req, size_t len, uint8_t *rsp, size_t cap,
                      size_t *rsp_len) {
  return ot_doe_driver_exchange(&f->drv, OT_DOE_VENDOR_PCISIG, ECHO_TYPE, req, len, rsp, cap,
                                rsp_len);
}

/* A healthy mailbox: an echo of 8 bytes comes back. */
static void assert_echo_works(fixture *f) {
  uint8_t req[8] = {1, 2, 3, 4, 5, 6, 7, 8}, rsp[16];
  size_t n;
  assert_ot_ok(echo(f, req, sizeof req, rsp, sizeof rsp, &n));
  assert_int_equal(n, 8);
  assert_memory_equal(rsp, req, 8);
  assert_int_equal(ot_doe_mailbox_state(&f->mb), OT_DOE_MB_IDLE);
}

static uint64_t now(fixture *f) { return ot_clock_now(&f->clock.base); }

/* ---- creation and discovery ------------------------------------------------------------ */

static void test_init_caches_discovery(void **state) {
  fixture *f = *state;
  assert_int_equal(f->drv.feature_count, 2);
  assert_int_equal(f->drv.features[0].type, OT_DOE_TYPE_DISCOVERY);
  assert_int_equal(f->drv.features[1].vendor, OT_DOE_VENDOR_PCISIG);
  assert_int_equal(f->drv.features[1].type, ECHO_TYPE);
  assert_true(ot_doe_driver_supports(&f->drv, OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  assert_false(ot_doe_driver_supports(&f->drv, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM));
  /* Creation aborted the mailbox first. */
  assert_int_equal(ot_doe_mailbox_stats_get(&f->mb)->aborts, 1);
  assert_int_equal(ot_doe_mailbox_stats_get(&f->mb)->requests, 2);
}

static void test_init_sends_discovery_version_by_cap_version(void **state) {
  (void)state;
  for (uint8_t ver = 1; ver <= 2; ver++) {
    fixture *f = new_device(ver);
    assert_ot_ok(ot_doe_driver_init(&f->drv, &f->probe.base, f->cap, &f->clock.base));
    uint32_t dw = f->probe.last_written[(f->cap + OT_DOE_REG_WRITE) / 4];
    assert_int_equal(OT_FIELD_GET(OT_DOE_DISC_REQ_VERSION, dw), ver == 2 ? 2 : 0);
    assert_int_equal(f->drv.cap_version, ver);
    free(f);
  }
}

static void test_init_rejects_non_doe_offset(void **state) {
  fixture *f = *state;
  ot_doe_driver d;
  assert_ot_code(ot_doe_driver_init(&d, &f->probe.base, 0x100, &f->clock.base), OT_E_NOT_FOUND);
  assert_ot_code(ot_doe_driver_init(&d, &f->probe.base, 0x40, &f->clock.base), OT_E_ARG);
  assert_ot_code(ot_doe_driver_init(&d, &f->probe.base, 0x102, &f->clock.base), OT_E_ARG);
  assert_ot_code(ot_doe_driver_init(&d, &f->probe.base, 0xFF0, &f->clock.base), OT_E_ARG);
  assert_ot_code(ot_doe_driver_init(&d, &f->probe.base, f->cap, NULL), OT_E_ARG);
}

static void test_init_fails_dead_when_abort_stuck(void **state) {
  fixture *f = *state;
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_ABORT_STUCK, 0);
  uint64_t t0 = now(f);
  assert_ot_code(ot_doe_driver_init(&f->drv, &f->probe.base, f->cap, &f->clock.base), OT_E_DEAD);
  assert_true(ot_doe_driver_is_dead(&f->drv));
  assert_true(now(f) - t0 >= OT_DOE_DRIVER_TIMEOUT_NS); /* it waited the full second */
}

static void test_open_finds_mailbox_by_protocol(void **state) {
  fixture *f = *state;
  /* A second mailbox that also serves SPDM. */
  static ot_doe_protocol spdm = {OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, echo_handle};
  ot_doe_responder *r2 = calloc(1, sizeof *r2);
  ot_doe_mailbox *mb2 = calloc(1, sizeof *mb2);
  uint8_t *bufs = calloc(2, BUF_BYTES);
  ot_doe_responder_init(r2);
  assert_ot_ok(ot_doe_responder_add(r2, &spdm));
  ot_doe_mailbox_config c = mb_config(f);
  c.responder = r2;
  c.req_buf = bufs;
  c.rsp_buf = bufs + BUF_BYTES;
  uint16_t cap2;
  assert_ot_ok(ot_doe_mailbox_install(mb2, &f->cfg, &c, &cap2));

  ot_doe_driver d;
  assert_ot_ok(ot_doe_driver_open(&d, &f->probe.base, &f->clock.base, OT_DOE_VENDOR_PCISIG,
                                  OT_DOE_TYPE_SPDM));
  assert_int_equal(d.cap, cap2);
  assert_ot_ok(
      ot_doe_driver_open(&d, &f->probe.base, &f->clock.base, OT_DOE_VENDOR_PCISIG, ECHO_TYPE));
  assert_int_equal(d.cap, f->cap);
  assert_ot_code(ot_doe_driver_open(&d, &f->probe.base, &f->clock.base, OT_DOE_VENDOR_PCISIG,
                                    OT_DOE_TYPE_SECURED_SPDM),
                 OT_E_NOT_FOUND);
  /* A mailbox that cannot be initialised is reported when nothing else matches. */
  ot_doe_mailbox_inject(mb2, OT_DOE_FAULT_ABORT_STUCK, 0);
  assert_ot_code(ot_doe_driver_open(&d, &f->probe.base, &f->clock.base, OT_DOE_VENDOR_PCISIG,
                                    OT_DOE_TYPE_SECURED_SPDM),
                 OT_E_DEAD);
  free(bufs);
  free(mb2);
  free(r2);
}

static void test_open_without_doe(void **state) {
  (void)state;
  ot_cfg_space *cfg = calloc(1, sizeof *cfg);
  const ot_cfg_ident id = {.vendor = 0x1AF4, .device = 1};
  assert_ot_ok(ot_cfg_init(cfg, &id));
  ot_cfg_inproc acc;
  ot_cfg_inproc_init(&acc, cfg);
  ot_sim_clock clk;
  ot_sim_clock_init(&clk, 0);
  ot_doe_driver d;
  uint16_t cap;
  assert_ot_code(ot_doe_find_mailbox(&acc.base, 0, &cap), OT_E_NOT_FOUND);
  assert_ot_code(ot_doe_driver_open(&d, &acc.base, &clk.base, 1, 1), OT_E_NOT_FOUND);
  free(cfg);
}

/* ---- exchanges ---------------------------------------------------------------------- */

static void test_echo_through_transport_interface(void **state) {
  fixture *f = *state;
  ot_doe_transport *t = ot_doe_driver_transport(&f->drv);
  uint8_t req[12] = "hello, doe!", rsp[12];
  size_t n;
  assert_ot_ok(
      ot_doe_exchange(t, OT_DOE_VENDOR_PCISIG, ECHO_TYPE, req, sizeof req, rsp, sizeof rsp, &n));
  assert_int_equal(n, 12);
  assert_memory_equal(rsp, req, 12);
}

static void test_partial_last_dw_is_zero_padded(void **state) {
  fixture *f = *state;
  uint8_t req[5] = {0xA1, 0xA2, 0xA3, 0xA4, 0xA5}, rsp[8];
  memset(rsp, 0xEE, sizeof rsp);
  size_t n;
  assert_ot_ok(echo(f, req, sizeof req, rsp, sizeof rsp, &n));
  assert_int_equal(n, 8);
  const uint8_t want[8] = {0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0, 0, 0};
  assert_memory_equal(rsp, want, 8);
}

static void test_empty_request(void **state) {
  fixture *f = *state;
  size_t n = 99;
  assert_ot_ok(echo(f, NULL, 0, NULL, 0, &n));
  assert_int_equal(n, 0);
}

static void test_unsupported_protocol_refused_untouched(void **state) {
  fixture *f = *state;
  unsigned r = f->probe.reads, w = f->probe.writes;
  uint8_t rsp[8];
  size_t n = 5;
  assert_ot_code(ot_doe_driver_exchange(&f->drv, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM,
                                        (const uint8_t *)"x", 1, rsp, sizeof rsp, &n),
                 OT_E_UNSUPPORTED);
  assert_int_equal(n, 0);
  assert_int_equal(f->probe.reads, r);
  assert_int_equal(f->probe.writes, w);
}

static void test_bad_arguments(void **state) {
  fixture *f = *state;
  uint8_t rsp[8];
  size_t n;
  assert_ot_code(echo(f, NULL, 4, rsp, sizeof rsp, &n), OT_E_ARG);
  assert_ot_code(echo(f, (const uint8_t *)"abcd", 4, NULL, 8, &n), OT_E_ARG);
  assert_ot_code(echo(f, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, NULL), OT_E_ARG);
}

static void test_request_too_large(void **state) {
  fixture *f = *state;
  size_t len = OT_DOE_MAX_OBJECT_BYTES - OT_DOE_HEADER_SIZE + 1u;
  uint8_t *big = calloc(1, len);
  uint8_t rsp[8];
  size_t n;
  unsigned w = f->probe.writes;
  assert_ot_code(echo(f, big, len, rsp, sizeof rsp, &n), OT_E_TOO_LARGE);
  assert_int_equal(f->probe.writes, w);
  free(big);
}

static void test_response_larger_than_buffer_is_drained(void **state) {
  fixture *f = *state;
  uint8_t req[64], rsp[16];
  for (size_t i = 0; i < sizeof req; i++) req[i] = (uint8_t)i;
  size_t n = 7;
  uint64_t aborts = ot_doe_mailbox_stats_get(&f->mb)->aborts;
  assert_ot_code(echo(f, req, sizeof req, rsp, sizeof rsp, &n), OT_E_NO_SPACE);
  assert_int_equal(n, 0);
  assert_int_equal(ot_doe_mailbox_state(&f->mb), OT_DOE_MB_IDLE); /* all 18 DW consumed */
  assert_int_equal(ot_doe_mailbox_stats_get(&f->mb)->aborts, aborts);
  assert_echo_works(f);
}

static void test_latency_is_polled_every_128th_second(void **state) {
  fixture *f = *state;
  f->mb.conf.latency_ns = 3 * OT_DOE_DRIVER_POLL_NS + 1;
  uint64_t t0 = now(f);
  assert_echo_works(f);
  assert_int_equal(now(f) - t0, 4 * OT_DOE_DRIVER_POLL_NS);
}

static void test_latency_just_under_timeout(void **state) {
  fixture *f = *state;
  f->mb.conf.latency_ns = OT_DOE_DRIVER_TIMEOUT_NS - 1;
  assert_echo_works(f);
}

static void test_slow_device_times_out_and_recovers(void **state) {
  fixture *f = *state;
  f->mb.conf.latency_ns = 2 * OT_NS_PER_S;
  uint8_t rsp[8];
  size_t n;
  uint64_t t0 = now(f);
  assert_ot_code(echo(f, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, &n), OT_E_TIMEOUT);
  uint64_t waited = now(f) - t0;
  assert_true(waited >= OT_DOE_DRIVER_TIMEOUT_NS);
  assert_true(waited <= OT_DOE_DRIVER_TIMEOUT_NS + 2 * OT_DOE_DRIVER_POLL_NS);
  assert_false(ot_doe_driver_is_dead(&f->drv));
  f->mb.conf.latency_ns = 0;
  assert_echo_works(f);
}

/* ---- injected faults --------------------------------------------------------------------- */

static void test_never_ready_times_out_then_aborts(void **state) {
  fixture *f = *state;
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_NEVER_READY, 0);
  uint8_t rsp[8];
  size_t n;
  uint64_t aborts = ot_doe_mailbox_stats_get(&f->mb)->aborts;
  assert_ot_code(echo(f, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, &n), OT_E_TIMEOUT);
  assert_int_equal(ot_doe_mailbox_stats_get(&f->mb)->aborts, aborts + 1);
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_NONE, 0);
  assert_echo_works(f);
}

static void test_error_midway_reported_then_recovered(void **state) {
  fixture *f = *state;
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_ERROR_MIDWAY, 5);
  uint8_t req[32] = {0}, rsp[32];
  size_t n;
  assert_ot_code(echo(f, req, sizeof req, rsp, sizeof rsp, &n), OT_E_DEVICE);
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_NONE, 0);
  assert_echo_works(f);
}

static void test_error_after_first_dw_does_not_drain_2_18(void **state) {
  fixture *f = *state;
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_ERROR_MIDWAY, 1); /* Length then reads 0 */
  uint8_t rsp[8];
  size_t n;
  unsigned r = f->probe.reads;
  assert_ot_code(echo(f, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, &n), OT_E_DEVICE);
  assert_true(f->probe.reads - r < 16);
}

static void test_error_before_ready(void **state) {
  fixture *f = *state;
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_ERROR_MIDWAY, 0);
  f->mb.conf.latency_ns = 10 * OT_NS_PER_MS;
  uint8_t rsp[8];
  size_t n;
  assert_ot_code(echo(f, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, &n), OT_E_DEVICE);
  assert_int_equal(ot_doe_mailbox_state(&f->mb), OT_DOE_MB_IDLE); /* aborted */
}

static void test_stuck_busy_refused_then_recovered(void **state) {
  fixture *f = *state;
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_STUCK_BUSY, 0);
  uint8_t rsp[8];
  size_t n;
  unsigned writes_to_mailbox = f->probe.writes_to[(f->cap + OT_DOE_REG_WRITE) / 4];
  assert_ot_code(echo(f, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, &n), OT_E_BUSY);
  /* Nothing was written to the busy mailbox; the Abort cleared it. */
  assert_int_equal(f->probe.writes_to[(f->cap + OT_DOE_REG_WRITE) / 4], writes_to_mailbox);
  assert_echo_works(f);
}

static void test_dead_mailbox_is_sticky(void **state) {
  fixture *f = *state;
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_NEVER_READY, 0);
  uint8_t rsp[8];
  size_t n;
  assert_ot_code(echo(f, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, &n), OT_E_TIMEOUT);
  assert_false(ot_doe_driver_is_dead(&f->drv));

  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_ABORT_STUCK, 0);
  /* Busy is not set yet, so the request goes out; Ready never comes; Abort never completes. */
  f->mb.conf.latency_ns = 2 * OT_NS_PER_S;
  assert_ot_code(echo(f, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, &n), OT_E_TIMEOUT);
  assert_true(ot_doe_driver_is_dead(&f->drv));

  /* Even once the device would work again, the driver refuses without touching it. */
  ot_doe_mailbox_inject(&f->mb, OT_DOE_FAULT_NONE, 0);
  unsigned r = f->probe.reads, w = f->probe.writes;
  assert_ot_code(echo(f, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, &n), OT_E_DEAD);
  assert_ot_code(ot_doe_driver_exchange(&f->drv, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_DISCOVERY,
                                        (const uint8_t *)"\0\0\0\0", 4, rsp, sizeof rsp, &n),
                 OT_E_DEAD);
  assert_ot_code(ot_doe_driver_abort(&f->drv), OT_E_DEAD);
  assert_int_equal(f->probe.reads, r);
  assert_int_equal(f->probe.writes, w);
}

static void test_accessor_failure_kills_mailbox(void **state) {
  fixture *f = *state;
  f->probe.fail = true;
  uint8_t rsp[8];
  size_t n;
  assert_ot_code(echo(f, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, &n), OT_E_IO);
  assert_true(ot_doe_driver_is_dead(&f->drv)); /* the Abort could not be sent either */
}

static void test_explicit_abort(void **state) {
  fixture *f = *state;
  assert_ot_ok(ot_doe_driver_abort(&f->drv));
  assert_echo_works(f);
}

/* ---- the maximum object ------------------------------------------------------------------- */

static void test_max_object_length_zero_both_ways(void **state) {
  (void)state;
  fixture *f = new_device(1);
  uint8_t *mreq = malloc(OT_DOE_MAX_OBJECT_BYTES), *mrsp = malloc(OT_DOE_MAX_OBJECT_BYTES);
  ot_doe_mailbox *big = calloc(1, sizeof *big);
  ot_doe_mailbox_config c = mb_config(f);
  c.req_buf = mreq;
  c.req_cap = OT_DOE_MAX_OBJECT_BYTES;
  c.rsp_buf = mrsp;
  c.rsp_cap = OT_DOE_MAX_OBJECT_BYTES;
  uint16_t cap;
  assert_ot_ok(ot_doe_mailbox_install(big, &f->cfg, &c, &cap));
  assert_ot_ok(ot_doe_driver_init(&f->drv, &f->probe.base, cap, &f->clock.base));

  size_t len = OT_DOE_MAX_OBJECT_BYTES - OT_DOE_HEADER_SIZE;
  uint8_t *req = malloc(len), *rsp = malloc(len);
  for (size_t i = 0; i < len; i++) req[i] = (uint8_t)(i * 7u);
  size_t n;
  assert_ot_ok(echo(f, req, len, rsp, len, &n));
  assert_int_equal(n, len);
  assert_memory_equal(rsp, req, len);
  assert_int_equal(f->probe.writes_to[(cap + OT_DOE_REG_WRITE) / 4],
                   6 + OT_DOE_LENGTH_MAX_DW); /* Discovery: 2 x 3 DW */
  free(req);
  free(rsp);
  free(big);
  free(mreq);
  free(mrsp);
  free(f);
}

/* ---- a scripted misbehaving device ---------------------------------------------------------- */

/* Serves a fixed response object; Ready drops at DW `ready_until`; Abort empties it. */
typedef struct script_dev {
  ot_cfg_access base; /* must be first */
  uint16_t cap;
  const uint32_t *obj;
  size_t n, idx, ready_until;
  unsigned aborts;
} script_dev;

static script_dev *as_script(ot_cfg_access *a) { return (script_dev *)(void *)a; }

static ot_status script_read(ot_cfg_access *a, uint16_t off, uint32_t *v) {
  script_dev *s = as_script(a);
  bool ready = s->idx < s->n && s->idx < s->ready_until;
  if (off == s->cap + OT_DOE_REG_STATUS) {
    *v = ready ? OT_DOE_STATUS_READY : 0;
  } else if (off == s->cap + OT_DOE_REG_READ) {
    *v = s->idx < s->n ? s->obj[s->idx] : 0;
  } else {
    *v = 0;
  }
  return OT_SUCCESS;
}

static ot_status script_write(ot_cfg_access *a, uint16_t off, uint32_t v) {
  script_dev *s = as_script(a);
  if (off == s->cap + OT_DOE_REG_READ) s->idx++;
  if (off == s->cap + OT_DOE_REG_CTRL && (v & OT_DOE_CTRL_ABORT)) {
    s->aborts++;
    s->n = 0;
  }
  return OT_SUCCESS;
}

/* Runs one echo exchange of the fixture's driver against a scripted response. */
static ot_status scripted(fixture *f, script_dev *s, const uint32_t *obj, size_t n) {
  s->base.read32 = script_read;
  s->base.write32 = script_write;
  s->cap = f->cap;
  s->obj = obj;
  s->n = n;
  s->idx = 0;
  if (s->ready_until == 0) s->ready_until = n;
  f->drv.cfg = &s->base; /* the same driver, now facing the scripted device */
  uint8_t rsp[16];
  size_t len;
  return echo(f, (const uint8_t *)"abcd", 4, rsp, sizeof rsp, &len);
}

#define ECHO_HDR0 (OT_DOE_VENDOR_PCISIG | (ECHO_TYPE << 16))

static void test_response_of_other_protocol(void **state) {
  fixture *f = *state;
  script_dev s = {0};
  const uint32_t obj[] = {OT_DOE_VENDOR_PCISIG | (0x01u << 16), 3, 0};
  assert_ot_code(scripted(f, &s, obj, 3), OT_E_UNEXPECTED);
  assert_int_equal(s.aborts, 1);
}

static void test_response_reserved_bits(void **state) {
  fixture *f = *state;
  script_dev s = {0};
  const uint32_t obj0[] = {ECHO_HDR0 | 0x80000000u, 3, 0};
  assert_ot_code(scripted(f, &s, obj0, 3), OT_E_RESERVED);
  script_dev s1 = {0};
  const uint32_t obj1[] = {ECHO_HDR0, 3u | 0x00040000u, 0};
  assert_ot_code(scripted(f, &s1, obj1, 3), OT_E_RESERVED);
}

static void test_response_length_below_two(void **state) {
  fixture *f = *state;
  script_dev s = {0};
  const uint32_t obj[] = {ECHO_HDR0, 1};
  assert_ot_code(scripted(f, &s, obj, 2), OT_E_MALFORMED);
}

static void test_ready_dropped_before_last_dw(void **state) {
  fixture *f = *state;
  script_dev s = {.ready_until = 3};
  const uint32_t obj[] = {ECHO_HDR0, 4, 0x11111111u, 0x22222222u};
  assert_ot_code(scripted(f, &s, obj, 4), OT_E_IO);
  assert_int_equal(s.aborts, 1);
}

static void test_scripted_good_response(void **state) {
  fixture *f = *state;
  script_dev s = {0};
  const uint32_t obj[] = {ECHO_HDR0, 3, 0x64636261u};
  assert_ot_ok(scripted(f, &s, obj, 3));
  assert_int_equal(s.aborts, 0);
  assert_int_equal(s.idx, 3);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_init_caches_discovery),
      cmocka_unit_test(test_init_sends_discovery_version_by_cap_version),
      T(test_init_rejects_non_doe_offset),
      T(test_init_fails_dead_when_abort_stuck),
      T(test_open_finds_mailbox_by_protocol),
      cmocka_unit_test(test_open_without_doe),
      T(test_echo_through_transport_interface),
      T(test_partial_last_dw_is_zero_padded),
      T(test_empty_request),
      T(test_unsupported_protocol_refused_untouched),
      T(test_bad_arguments),
      T(test_request_too_large),
      T(test_response_larger_than_buffer_is_drained),
      T(test_latency_is_polled_every_128th_second),
      T(test_latency_just_under_timeout),
      T(test_slow_device_times_out_and_recovers),
      T(test_never_ready_times_out_then_aborts),
      T(test_error_midway_reported_then_recovered),
      T(test_error_after_first_dw_does_not_drain_2_18),
      T(test_error_before_ready),
      T(test_stuck_busy_refused_then_recovered),
      T(test_dead_mailbox_is_sticky),
      T(test_accessor_failure_kills_mailbox),
      T(test_explicit_abort),
      cmocka_unit_test(test_max_object_length_zero_both_ways),
      T(test_response_of_other_protocol),
      T(test_response_reserved_bits),
      T(test_response_length_below_two),
      T(test_ready_dropped_before_last_dw),
      T(test_scripted_good_response),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
