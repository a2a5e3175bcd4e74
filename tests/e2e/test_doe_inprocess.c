/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * End to end over DOE, in one process: host driver -> in-process config
 * space accessor -> DOE mailbox register model -> responder -> test
 * protocols, and back. The device has a PCI capability list, an extended
 * list with AER and two DOE mailboxes; the host finds its mailbox by walking
 * the list, runs Discovery and exchanges objects of every size class while
 * the device takes time to answer, then survives injected faults.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/doe_driver.h"
#include "opentsm/doe_mailbox.h"
#include "opentsm/spec/doe.h"
#include "testsupport.h"

#define ECHO_TYPE 0x7Fu    /* echoes its request */
#define REVERSE_TYPE 0x7Eu /* returns the request's bytes reversed */
#define BUF_BYTES (64u * 1024u)

static ot_status echo_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                             size_t rsp_cap, size_t *rsp_len) {
  (void)p;
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  if (req_len) memcpy(rsp, req, req_len);
  *rsp_len = req_len;
  return OT_SUCCESS;
}

static ot_status reverse_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len,
                                uint8_t *rsp, size_t rsp_cap, size_t *rsp_len) {
  (void)p;
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  for (size_t i = 0; i < req_len; i++) rsp[i] = req[req_len - 1u - i];
  *rsp_len = req_len;
  return OT_SUCCESS;
}

/* The simulated clock drives the device: each driver sleep steps the mailboxes. */
typedef struct platform_clock {
  ot_sim_clock clock; /* must be first */
  ot_doe_mailbox *mailboxes[2];
  unsigned steps;
} platform_clock;

static void on_sleep(ot_sim_clock *c, uint64_t now) {
  (void)now;
  platform_clock *pc = (platform_clock *)(void *)c;
  for (size_t i = 0; i < 2; i++) ot_doe_mailbox_step(pc->mailboxes[i]);
  pc->steps++;
}

typedef struct platform {
  platform_clock clock;
  ot_cfg_space cfg;
  ot_cfg_inproc acc;
  ot_doe_protocol echo, reverse;
  ot_doe_responder resp_a; /* mailbox A: Discovery only */
  ot_doe_responder resp_b; /* mailbox B: echo and reverse */
  ot_doe_mailbox mb_a, mb_b;
  uint16_t cap_a, cap_b;
  uint8_t bufs[4][BUF_BYTES];
  ot_doe_driver drv;
} platform;

static int setup(void **state) {
  platform *p = calloc(1, sizeof *p);
  if (!p) return -1;
  ot_sim_clock_init(&p->clock.clock, 0);
  p->clock.clock.on_sleep = on_sleep;
  p->clock.mailboxes[0] = &p->mb_a;
  p->clock.mailboxes[1] = &p->mb_b;

  const ot_cfg_ident id = {.vendor = 0x1AF4, .device = 0x10F1, .class_code = 0x120000};
  uint16_t off;
  if (!ot_ok(ot_cfg_init(&p->cfg, &id))) return -1;
  if (!ot_ok(ot_cfg_add_cap(&p->cfg, OT_PCI_CAP_ID_PM, 8, &off))) return -1;
  if (!ot_ok(ot_cfg_add_cap(&p->cfg, OT_PCI_CAP_ID_EXP, 0x3C, &off))) return -1;
  if (!ot_ok(ot_cfg_add_ext_cap(&p->cfg, OT_PCI_EXT_CAP_ID_AER, 2, 0x48, &off))) return -1;

  p->echo = (ot_doe_protocol){OT_DOE_VENDOR_PCISIG, ECHO_TYPE, echo_handle};
  p->reverse = (ot_doe_protocol){OT_DOE_VENDOR_PCISIG, REVERSE_TYPE, reverse_handle};
  ot_doe_responder_init(&p->resp_a);
  ot_doe_responder_init(&p->resp_b);
  if (!ot_ok(ot_doe_responder_add(&p->resp_b, &p->echo))) return -1;
  if (!ot_ok(ot_doe_responder_add(&p->resp_b, &p->reverse))) return -1;

  ot_doe_mailbox_config c = {
      .responder = &p->resp_a,
      .clock = &p->clock.clock.base,
      .latency_ns = 2 * OT_NS_PER_MS,
      .req_buf = p->bufs[0],
      .req_cap = BUF_BYTES,
      .rsp_buf = p->bufs[1],
      .rsp_cap = BUF_BYTES,
      .cap_version = 1,
  };
  if (!ot_ok(ot_doe_mailbox_install(&p->mb_a, &p->cfg, &c, &p->cap_a))) return -1;
  c.responder = &p->resp_b;
  c.req_buf = p->bufs[2];
  c.rsp_buf = p->bufs[3];
  c.latency_ns = 30 * OT_NS_PER_MS;
  c.cap_version = 2;
  if (!ot_ok(ot_doe_mailbox_install(&p->mb_b, &p->cfg, &c, &p->cap_b))) return -1;

  ot_cfg_inproc_init(&p->acc, &p->cfg);
  *state = p;
  return 0;
}

static int teardown(void **state) {
  free(*state);
  return 0;
}

static void open_echo_mailbox(platform *p) {
  assert_ot_ok(ot_doe_driver_open(&p->drv, &p->acc.base, &p->clock.clock.base, OT_DOE_VENDOR_PCISIG,
                                  ECHO_TYPE));
  assert_int_equal(p->drv.cap, p->cap_b);
}

static void exchange_ok(platform *p, uint8_t type, const uint8_t *req, size_t len, uint8_t *rsp,
                        size_t cap, size_t *n) {
  assert_ot_ok(ot_doe_exchange(ot_doe_driver_transport(&p->drv), OT_DOE_VENDOR_PCISIG, type, req,
                               len, rsp, cap, n));
}

static void test_find_and_discover(void **state) {
  platform *p = *state;
  /* The host walks the extended list: AER, DOE A, DOE B. */
  uint16_t cap;
  assert_ot_ok(ot_doe_find_mailbox(&p->acc.base, 0, &cap));
  assert_int_equal(cap, p->cap_a);
  assert_ot_ok(ot_doe_find_mailbox(&p->acc.base, cap, &cap));
  assert_int_equal(cap, p->cap_b);

  open_echo_mailbox(p);
  assert_int_equal(p->drv.cap_version, 2);
  const ot_doe_feature want[] = {
      {OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_DISCOVERY},
      {OT_DOE_VENDOR_PCISIG, ECHO_TYPE},
      {OT_DOE_VENDOR_PCISIG, REVERSE_TYPE},
  };
  assert_int_equal(p->drv.feature_count, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(p->drv.features[i].vendor, want[i].vendor);
    assert_int_equal(p->drv.features[i].type, want[i].type);
  }
  /* Discovery over the transport gives the same list as the cached one. */
  ot_doe_feature again[8];
  size_t n;
  assert_ot_ok(ot_doe_discover(ot_doe_driver_transport(&p->drv), 2, again, 8, &n));
  assert_int_equal(n, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(again[i].vendor, want[i].vendor);
    assert_int_equal(again[i].type, want[i].type);
  }
  /* Mailbox A was probed and answered Discovery too, but offers neither protocol. */
  assert_true(ot_doe_mailbox_stats_get(&p->mb_a)->requests >= 1);
  assert_true(p->clock.steps > 0); /* the device progressed while the driver slept */
}

static void test_echo_every_size_class(void **state) {
  platform *p = *state;
  open_echo_mailbox(p);
  static const size_t sizes[] = {
      0, 1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 1024, 4093, 32768, BUF_BYTES - OT_DOE_HEADER_SIZE};
  uint8_t *req = malloc(BUF_BYTES), *rsp = malloc(BUF_BYTES);
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    size_t len = sizes[k], n;
    for (size_t i = 0; i < len; i++) req[i] = (uint8_t)(i * 31u + k);
    uint64_t t0 = ot_clock_now(&p->clock.clock.base);
    exchange_ok(p, ECHO_TYPE, req, len, rsp, BUF_BYTES, &n);
    assert_int_equal(n, (len + 3u) & ~(size_t)3u); /* padded to a DW */
    if (len) assert_memory_equal(rsp, req, len);
    for (size_t i = len; i < n; i++) assert_int_equal(rsp[i], 0);
    /* 30 ms latency at 1/128 s polls: 4 polls (31.25 ms). */
    assert_int_equal(ot_clock_now(&p->clock.clock.base) - t0, 4 * OT_DOE_DRIVER_POLL_NS);
  }
  assert_int_equal(ot_doe_mailbox_stats_get(&p->mb_b)->errors, 0);
  free(req);
  free(rsp);
}

static void test_two_protocols_interleaved(void **state) {
  platform *p = *state;
  open_echo_mailbox(p);
  const uint8_t msg[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const uint8_t rev[8] = {8, 7, 6, 5, 4, 3, 2, 1};
  uint8_t rsp[8];
  size_t n;
  for (int i = 0; i < 4; i++) {
    exchange_ok(p, ECHO_TYPE, msg, 8, rsp, sizeof rsp, &n);
    assert_memory_equal(rsp, msg, 8);
    exchange_ok(p, REVERSE_TYPE, msg, 8, rsp, sizeof rsp, &n);
    assert_memory_equal(rsp, rev, 8);
  }
  /* SPDM is not offered by this device: refused by the driver, never sent. */
  uint64_t before = ot_doe_mailbox_stats_get(&p->mb_b)->requests;
  assert_ot_code(ot_doe_exchange(ot_doe_driver_transport(&p->drv), OT_DOE_VENDOR_PCISIG,
                                 OT_DOE_TYPE_SPDM, msg, 8, rsp, sizeof rsp, &n),
                 OT_E_UNSUPPORTED);
  assert_int_equal(ot_doe_mailbox_stats_get(&p->mb_b)->requests, before);
}

static void test_faults_then_recovery_then_death(void **state) {
  platform *p = *state;
  open_echo_mailbox(p);
  const uint8_t msg[16] = "sixteen bytes!!";
  uint8_t rsp[16];
  size_t n;
  static const struct {
    ot_doe_mb_fault fault;
    uint32_t arg;
    ot_code want;
  } faults[] = {
      {OT_DOE_FAULT_NEVER_READY, 0, OT_E_TIMEOUT},
      {OT_DOE_FAULT_ERROR_MIDWAY, 3, OT_E_DEVICE},
      {OT_DOE_FAULT_ERROR_MIDWAY, 0, OT_E_DEVICE},
      {OT_DOE_FAULT_STUCK_BUSY, 0, OT_E_BUSY},
  };
  for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
    ot_doe_mailbox_inject(&p->mb_b, faults[i].fault, faults[i].arg);
    assert_ot_code(ot_doe_exchange(ot_doe_driver_transport(&p->drv), OT_DOE_VENDOR_PCISIG,
                                   ECHO_TYPE, msg, 16, rsp, sizeof rsp, &n),
                   faults[i].want);
    ot_doe_mailbox_inject(&p->mb_b, OT_DOE_FAULT_NONE, 0);
    exchange_ok(p, ECHO_TYPE, msg, 16, rsp, sizeof rsp, &n); /* recovered */
    assert_memory_equal(rsp, msg, 16);
  }
  /* An Abort that never completes kills the mailbox for good. */
  ot_doe_mailbox_inject(&p->mb_b, OT_DOE_FAULT_ABORT_STUCK, 0);
  p->mb_b.conf.latency_ns = 2 * OT_NS_PER_S; /* too slow: the driver times out, then aborts */
  assert_ot_code(ot_doe_exchange(ot_doe_driver_transport(&p->drv), OT_DOE_VENDOR_PCISIG, ECHO_TYPE,
                                 msg, 16, rsp, sizeof rsp, &n),
                 OT_E_TIMEOUT);
  assert_true(ot_doe_driver_is_dead(&p->drv));
  assert_ot_code(ot_doe_exchange(ot_doe_driver_transport(&p->drv), OT_DOE_VENDOR_PCISIG, ECHO_TYPE,
                                 msg, 16, rsp, sizeof rsp, &n),
                 OT_E_DEAD);
  /* The other mailbox is unaffected. */
  ot_doe_driver other;
  assert_ot_ok(ot_doe_driver_init(&other, &p->acc.base, p->cap_a, &p->clock.clock.base));
  assert_int_equal(other.feature_count, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_find_and_discover),
      T(test_echo_every_size_class),
      T(test_two_protocols_interleaved),
      T(test_faults_then_recovery_then_death),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
