/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Demo steps for DOE: a device's mailbox in its configuration space, driven
 * register by register by the host driver, and the same protocols served over
 * the spdm-emu socket protocol on loopback.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"
#include "opentsm/clock.h"
#include "opentsm/doe.h"
#include "opentsm/doe_driver.h"
#include "opentsm/doe_mailbox.h"
#include "opentsm/doe_socket.h"
#include "opentsm/pcie.h"
#include "opentsm/spec/doe.h"
#include "opentsm/spec/pcie.h"

/* A vendor-defined test protocol (vendor 0x0001 type 0x7F) that echoes its request. */
static ot_status echo_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                             size_t rsp_cap, size_t *rsp_len) {
  (void)p;
  OT_ENSURE(req_len <= rsp_cap, OT_E_NO_SPACE);
  memcpy(rsp, req, req_len);
  *rsp_len = req_len;
  return OT_SUCCESS;
}

static ot_doe_protocol echo = {OT_DOE_VENDOR_PCISIG, 0x7f, echo_handle};

struct demo_device {
  ot_cfg_space cfg;
  ot_doe_mailbox mb;
  ot_doe_responder responder;
  uint8_t req_buf[4096], rsp_buf[4096];
};

static void print_features(const char *via, const ot_doe_feature *f, size_t n) {
  printf("  discovery over %s: %zu protocols:", via, n);
  for (size_t i = 0; i < n; i++)
    printf(" %04x:%02x", f[i].vendor, f[i].type);
  printf("\n");
}

ot_status ot_demo_doe_mailbox(void) {
  static struct demo_device dev;
  ot_cfg_ident id = {.vendor = 0x1234,
                     .device = 0x0001,
                     .class_code = 0x030200,
                     .layout = OT_PCI_HEADER_LAYOUT_TYPE0};
  OT_GUARD(ot_cfg_init(&dev.cfg, &id));
  ot_doe_responder_init(&dev.responder);
  OT_GUARD(ot_doe_responder_add(&dev.responder, &echo));
  ot_sim_clock clock;
  ot_sim_clock_init(&clock, 0);
  ot_doe_mailbox_config conf = {.responder = &dev.responder,
                                .clock = &clock.base,
                                .latency_ns = 20 * OT_NS_PER_MS,
                                .req_buf = dev.req_buf,
                                .req_cap = sizeof dev.req_buf,
                                .rsp_buf = dev.rsp_buf,
                                .rsp_cap = sizeof dev.rsp_buf,
                                .cap_version = 1};
  uint16_t cap;
  OT_GUARD(ot_doe_mailbox_install(&dev.mb, &dev.cfg, &conf, &cap));

  /* The host side sees only config reads and writes. */
  ot_cfg_inproc access;
  ot_cfg_inproc_init(&access, &dev.cfg);
  ot_doe_driver drv;
  uint16_t found;
  OT_GUARD(ot_doe_find_mailbox(&access.base, 0, &found));
  OT_ENSURE(found == cap, OT_E_INTERNAL);
  OT_GUARD(ot_doe_driver_init(&drv, &access.base, found, &clock.base));
  printf("  DOE capability found at 0x%03x by walking the extended capability list\n", found);
  print_features("the mailbox", drv.features, drv.feature_count);

  uint8_t msg[] = "hello through the mailbox", back[64];
  size_t back_len;
  uint64_t t0 = ot_clock_now(&clock.base);
  OT_GUARD(ot_doe_exchange(ot_doe_driver_transport(&drv), OT_DOE_VENDOR_PCISIG, 0x7f, msg,
                           sizeof msg, back, sizeof back, &back_len));
  OT_ENSURE(back_len >= sizeof msg && memcmp(back, msg, sizeof msg) == 0, OT_E_INTERNAL);
  printf("  echo of %zu bytes (padded to %zu) in %llu ms of simulated time, polled as Linux does\n",
         sizeof msg, back_len,
         (unsigned long long)((ot_clock_now(&clock.base) - t0) / OT_NS_PER_MS));

  /* A device that never answers: the driver times out after 1 s, aborts, and recovers. */
  ot_doe_mailbox_inject(&dev.mb, OT_DOE_FAULT_NEVER_READY, 0);
  ot_status st = ot_doe_exchange(ot_doe_driver_transport(&drv), OT_DOE_VENDOR_PCISIG, 0x7f, msg,
                                 sizeof msg, back, sizeof back, &back_len);
  OT_ENSURE(!ot_ok(st), OT_E_INTERNAL);
  ot_doe_mailbox_inject(&dev.mb, OT_DOE_FAULT_NONE, 0);
  printf("  a device that never sets Data Object Ready: %s, mailbox aborted\n",
         ot_status_message(st));
  OT_GUARD(ot_doe_exchange(ot_doe_driver_transport(&drv), OT_DOE_VENDOR_PCISIG, 0x7f, msg,
                           sizeof msg, back, sizeof back, &back_len));
  printf("  after the abort the next exchange succeeds\n");
  return OT_SUCCESS;
}

struct server_ctx {
  ot_doe_socket_server srv;
  ot_doe_responder responder;
  ot_status result;
  uint8_t rx[8192], tx[8192];
};

static void *serve_one(void *arg) {
  struct server_ctx *s = arg;
  int fd;
  s->result = ot_doe_socket_accept(&s->srv, &fd);
  if (!ot_ok(s->result)) return NULL;
  ot_doe_serve_end end;
  s->result =
      ot_doe_socket_serve(fd, &s->responder, s->rx, sizeof s->rx, s->tx, sizeof s->tx, &end);
  close(fd);
  return NULL;
}

ot_status ot_demo_doe_socket(void) {
  static struct server_ctx s;
  ot_doe_responder_init(&s.responder);
  OT_GUARD(ot_doe_responder_add(&s.responder, &echo));
  OT_GUARD(ot_doe_socket_listen(&s.srv, NULL, 0));
  pthread_t th;
  if (pthread_create(&th, NULL, serve_one, &s) != 0) {
    ot_doe_socket_server_close(&s.srv);
    OT_BAIL(OT_E_INTERNAL);
  }
  ot_doe_socket_client c;
  ot_status st = ot_doe_socket_connect(&c, NULL, s.srv.port, 2000);
  if (ot_ok(st)) {
    ot_doe_feature f[8];
    size_t n = 0;
    st = ot_doe_socket_client_hello(&c);
    if (ot_ok(st)) st = ot_doe_discover(&c.base, 0, f, 8, &n);
    if (ot_ok(st)) {
      char via[64];
      snprintf(via, sizeof via, "the spdm-emu socket protocol (127.0.0.1:%u)", s.srv.port);
      print_features(via, f, n);
    }
    OT_IGNORE(ot_doe_socket_client_end(&c, false)); /* the server ends either way */
    ot_doe_socket_client_close(&c);
  }
  pthread_join(th, NULL);
  ot_doe_socket_server_close(&s.srv);
  OT_GUARD(st);
  OT_GUARD(s.result);
  printf("  TEST hello, NORMAL frames, SHUTDOWN: the framing DMTF's emulators and QEMU speak\n");
  return OT_SUCCESS;
}
