/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the IDE_KM tests (header-only, test code): a port with
 * its config space, IDE capability and engines; a loopback transport that
 * stands in for the secured SPDM session between requester and responder.
 */
#ifndef OT_KM_TESTUTIL_H
#define OT_KM_TESTUTIL_H

#include <stdlib.h>
#include <string.h>

#include "opentsm/ide_km.h"
#include "opentsm/secure.h"
#include "testsupport.h"

#define KT_SID 3
#define KT_RSP_CAP OT_IDE_KM_RSP_MAX

typedef struct kt_port {
  ot_cfg_space cfg;
  ot_cfg_inproc acc;
  ot_ide_tx tx;
  ot_ide_rx rx;
  ot_ide_regs regs;
  uint16_t cap;
  uint8_t pending[OT_IDE_RX_PENDING_SIZE(256) * 2];
} kt_port;

static inline kt_port *kt_port_new(uint8_t layout, uint16_t rid) {
  kt_port *p = calloc(1, sizeof *p);
  assert_non_null(p);
  ot_cfg_ident id = {.vendor = 0x8086, .device = rid, .class_code = 0x060400, .layout = layout};
  assert_ot_ok(ot_cfg_init(&p->cfg, &id));
  ot_cfg_inproc_init(&p->acc, &p->cfg);
  ot_ide_tx_init(&p->tx);
  ot_ide_rx_init(&p->rx);
  ot_ide_regs_caps caps = {.link_tcs = 0,
                           .sel_streams = 2,
                           .addr_blocks = 1,
                           .aggregation = true,
                           .pcrc = true,
                           .ide_km = true};
  assert_ot_ok(
      ot_ide_regs_init(&p->regs, &p->cfg, &caps, &p->tx, &p->rx, p->pending, sizeof p->pending));
  assert_ot_ok(ot_ide_host_find(&p->acc.base, &p->cap));
  return p;
}

static inline void kt_port_free(kt_port *p) {
  ot_ide_regs_release(&p->regs);
  ot_ide_tx_clear(&p->tx);
  ot_ide_rx_clear(&p->rx);
  free(p);
}

/* The host programs Selective block 0 with stream sid (Enable clear), Linux's way. */
static inline void kt_setup_stream(kt_port *p, uint8_t sid, uint16_t peer_rid) {
  ot_ide_host_stream s = {
      .block = 0, .stream_id = sid, .rid_base = peer_rid, .rid_limit = peer_rid};
  assert_ot_ok(ot_ide_host_stream_setup(&p->acc.base, p->cap, &s));
}

static inline uint8_t kt_state(kt_port *p) {
  uint8_t s;
  assert_ot_ok(ot_ide_host_stream_state(&p->acc.base, p->cap, 0, &s));
  return s;
}

/* Distinct, reproducible key material per (tag, sub-stream, key set). */
static inline ot_ide_key_material kt_key(uint8_t tag, int sub, uint8_t key_set) {
  ot_ide_key_material km = {.iv_fixed = OT_IDE_IV_FIXED_PCIE, .ifv = 1};
  for (size_t i = 0; i < sizeof km.key; i++)
    km.key[i] = (uint8_t)(0xA5 ^ (i * 13 + tag * 41 + (unsigned)sub * 7 + key_set * 97));
  return km;
}

/* Loopback "secured session": hands the request to the responder in process. */
typedef struct kt_loop {
  ot_ide_km_transport base; /* first */
  ot_ide_km_responder *rsp;
  bool in_session;
  uint32_t session_id; /* the session the requester must name */
  size_t exchanges;
  bool key_req_was_marked; /* a KEY_PROG request was marked secret while in flight */
  uint8_t log[64][2];      /* (Object ID, KeySubStream) of each request, in order */
} kt_loop;

static inline ot_status kt_loop_exchange(ot_ide_km_transport *t, uint32_t session_id,
                                         const uint8_t *req, size_t req_len, uint8_t *rsp,
                                         size_t cap, size_t *rsp_len) {
  kt_loop *l = (kt_loop *)(void *)t;
  OT_ENSURE(session_id == l->session_id, OT_E_STATE);
  if (req_len >= 8 && l->exchanges < 64) {
    l->log[l->exchanges][0] = req[1];
    l->log[l->exchanges][1] = req[6];
  }
  l->exchanges++;
  if (req_len >= 2 && req[1] == OT_IDE_KM_KEY_PROG)
    l->key_req_was_marked = ot_secret_overlaps(req, req_len);
  /* The session layer decrypts into its own buffer, which the responder wipes. */
  uint8_t copy[OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_KEY_PROG_SIZE + 16];
  OT_ENSURE(req_len <= sizeof copy, OT_E_TOO_LARGE);
  memcpy(copy, req, req_len);
  ot_status st = ot_ide_km_respond(l->rsp, l->in_session, copy, req_len, rsp, cap, rsp_len);
  ot_zeroize(copy, sizeof copy);
  return st;
}

static inline void kt_loop_init(kt_loop *l, ot_ide_km_responder *r, uint32_t session_id) {
  memset(l, 0, sizeof *l);
  l->base.exchange = kt_loop_exchange;
  l->rsp = r;
  l->in_session = true;
  l->session_id = session_id;
}

/* True if needle[0..n) occurs anywhere in hay[0..len). */
static inline bool kt_contains(const void *hay, size_t len, const void *needle, size_t n) {
  const uint8_t *h = hay;
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp(h + i, needle, n) == 0) return true;
  return false;
}

#endif /* OT_KM_TESTUTIL_H */
