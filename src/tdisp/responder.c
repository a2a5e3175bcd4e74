/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's TDISP responder: one VDM payload in, one out (PCIe r6.0 §11.3).
 *
 * Order of checks, each answered with TDISP_ERROR (§11.3 TDISP_ERROR):
 *  1. a header that does not fit          INVALID_REQUEST
 *  2. TDISPVersion other than 1.0         VERSION_MISMATCH
 *  3. a code that is not an implemented   UNSUPPORTED_REQUEST, ERROR_DATA = code
 *     request (optional ones included:    (◐ spdm-emu), in every state
 *     P2P, MMIO attribute, VDM)
 *  4. a body of the wrong form or length  INVALID_REQUEST
 *  5. an INTERFACE_ID of no TDI           INVALID_INTERFACE
 *  6. the state table says no             INVALID_INTERFACE_STATE
 *  7. the handler's own checks            its code (nonce, flags, offsets...)
 * Handlers compute the response and the TDI's next contents into a `pending`
 * on the stack; the response is encoded; only when that succeeded is the
 * pending change committed. A failure therefore changes nothing.
 */
#include <string.h>

#include "tdisp_internal.h"

/* The answer being built and the change to commit once it is sent. */
typedef struct pending {
  ot_tdisp_msg rsp;
  uint32_t err_code; /* 0: rsp is the response */
  uint32_t err_data;
  bool lock;  /* take lock/nonce/report/snap below */
  bool scrub; /* STOP: clear the TDI first */
  bool consume_nonce;
  ot_tdisp_lock_params lock_params;
  uint8_t nonce[OT_TDISP_NONCE_SIZE];
  uint8_t report[OT_TDISP_REPORT_MAX];
  uint16_t report_len;
  ot_tdisp_cfg_snapshot snap;
  bool bind, unbind; /* add / remove p2p_id in the TDI's bound P2P streams */
  uint8_t p2p_id;
  bool set_attr; /* range attr_index gets attr */
  uint32_t attr_index;
  uint16_t attr;
} pending;

typedef struct call {
  ot_tdisp_device *dev;
  ot_tdisp_tdi *tdi;
  const ot_tdisp_msg *req;
  size_t rsp_room; /* bytes left for a report portion */
} call;

typedef void (*handler_fn)(const call *c, pending *p);

static void fail(pending *p, uint32_t code, uint32_t data) {
  p->err_code = code;
  p->err_data = data;
}
/* Records a TDISP_ERROR answer and leaves the (void) handler. */
#define FAIL(p, code, data)                                                                        \
  do {                                                                                             \
    fail((p), (code), (data));                                                                     \
    return;                                                                                        \
  } while (0)

static const uint8_t k_versions[] = {OT_TDISP_VERSION_10};

/* §11.3 GET_TDISP_VERSION: the versions this device speaks. */
static void h_version(const call *c, pending *p) {
  (void)c;
  p->rsp.code = OT_TDISP_VERSION;
  p->rsp.u.version.count = (uint8_t)sizeof k_versions;
  p->rsp.u.version.versions = k_versions;
}

/* §11.3 GET_TDISP_CAPABILITIES: TSM_CAPS is reserved in 1.0 and not kept. */
static void h_caps(const call *c, pending *p) {
  ot_tdisp_caps *caps = &p->rsp.u.caps;
  p->rsp.code = OT_TDISP_CAPABILITIES;
  caps->dsm_caps = c->dev->dsm_caps;
  /* REQ_MSGS_SUPPORTED: bit n of byte n/8 is code 0x80 + n (SPEC-FACTS §6.3);
   * only the requests this device implements. */
  for (unsigned q = 0; q < TDISP_REQ_COUNT; q++) {
    if (!tdisp_req_implemented(c->dev, (tdisp_req)q)) continue;
    unsigned n = (OT_TDISP_GET_VERSION + q) - OT_TDISP_REQUEST_BIT;
    caps->req_msgs[n / 8] |= (uint8_t)(1u << (n % 8));
  }
  caps->lock_flags_supported = c->dev->lock_flags_supported;
  caps->dev_addr_width = c->dev->dev_addr_width;
  caps->num_req_this = 0; /* no outstanding-request limits advertised */
  caps->num_req_all = 0;
}

/* §11.3 LOCK_INTERFACE_REQUEST: freeze the configuration, build the report,
 * return a fresh START_INTERFACE_NONCE. */
static void h_lock(const call *c, pending *p) {
  const ot_tdisp_lock_params *lp = &c->req->u.lock;
  ot_tdisp_device *dev = c->dev;
  /* Flags must be ones the device offered in LOCK_INTERFACE_FLAGS_SUPPORTED ✱. */
  if (lp->flags & ~dev->lock_flags_supported) FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
  /* The default stream must be a Secure IDE stream before the TDI can be bound
   * to it (§11.2 ✱): otherwise the device configuration is not lockable. */
  if (!dev->ops->stream_secure(dev->ops, lp->default_stream_id))
    FAIL(p, OT_TDISP_ERR_INVALID_DEVICE_CONFIGURATION, 0);
  if (!ot_ok(tdisp_tdi_build_report(c->tdi, lp, p->report, &p->report_len)))
    FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0); /* offset wraps a range */
  /* A nonce the device cannot draw is INSUFFICIENT_ENTROPY (◐ spdm-emu). */
  if (!ot_ok(ot_rng_fill(dev->rng, p->nonce, sizeof p->nonce)))
    FAIL(p, OT_TDISP_ERR_INSUFFICIENT_ENTROPY, 0);
  tdisp_cfg_snapshot_take(c->tdi, &p->snap);
  p->lock = true;
  p->lock_params = *lp;
  p->rsp.code = OT_TDISP_LOCK_INTERFACE_RESPONSE;
  memcpy(p->rsp.u.nonce, p->nonce, sizeof p->nonce);
}

/* §11.3 GET_DEVICE_INTERFACE_REPORT: one piece of the report built at LOCK.
 * OFFSET past the end or LENGTH 0 is INVALID_REQUEST; the portion is cut to
 * the request, the device's limit and the response buffer; REMAINDER_LENGTH =
 * size - (offset + portion) (SPEC-FACTS §6.5). */
static void h_report(const call *c, pending *p) {
  const ot_tdisp_tdi *t = c->tdi;
  uint16_t off = c->req->u.get_report.offset, want = c->req->u.get_report.length;
  if (want == 0 || off >= t->report_len) FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
  size_t n = t->report_len - off;
  if (n > want) n = want;
  if (n > c->dev->report_portion_max) n = c->dev->report_portion_max;
  if (n > c->rsp_room) n = c->rsp_room;
  if (n == 0) FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0); /* nothing fits */
  p->rsp.code = OT_TDISP_DEVICE_INTERFACE_REPORT;
  p->rsp.u.report.portion_len = (uint16_t)n;
  p->rsp.u.report.remainder_len = (uint16_t)(t->report_len - off - n);
  p->rsp.u.report.portion = t->report + off;
}

/* §11.3 GET_DEVICE_INTERFACE_STATE. */
static void h_state(const call *c, pending *p) {
  p->rsp.code = OT_TDISP_DEVICE_INTERFACE_STATE;
  p->rsp.u.tdi_state = (uint8_t)c->tdi->state;
}

/* §11.3 START_INTERFACE_REQUEST: the nonce must be the one LOCK returned,
 * compared in constant time; a mismatch is INVALID_NONCE (SPEC-FACTS T11). */
static void h_start(const call *c, pending *p) {
  const ot_tdisp_tdi *t = c->tdi;
  if (!t->nonce_valid || !ot_ct_equal(t->nonce, c->req->u.nonce, OT_TDISP_NONCE_SIZE))
    FAIL(p, OT_TDISP_ERR_INVALID_NONCE, 0);
  p->consume_nonce = true; /* one START per LOCK */
  p->rsp.code = OT_TDISP_START_INTERFACE_RESPONSE;
}

/* §11.3 STOP_INTERFACE_REQUEST: back to CONFIG_UNLOCKED with TVM state scrubbed. */
static void h_stop(const call *c, pending *p) {
  (void)c;
  p->scrub = true;
  p->rsp.code = OT_TDISP_STOP_INTERFACE_RESPONSE;
}

static bool p2p_bound(const ot_tdisp_tdi *t, uint8_t id) {
  for (uint8_t i = 0; i < t->p2p_count; i++)
    if (t->p2p[i] == id) return true;
  return false;
}

/* §11.3 BIND_P2P_STREAM_REQUEST (RUN only, state table): binds a Selective
 * IDE stream to a peer device to the TDI. Refused with INVALID_REQUEST ✱
 * when the lock did not set BIND_P2P (§11.3 LOCK_INTERFACE_REQUEST FLAGS
 * bit 3: P2P streams may be bound later only if set), for the default stream
 * (it leads to the root port, not a peer), for a stream already bound, for a
 * stream that is not Secure (TEE traffic crosses only Secure streams, §11.2),
 * and past OT_TDISP_MAX_P2P bound streams. */
static void h_bind_p2p(const call *c, pending *p) {
  const ot_tdisp_tdi *t = c->tdi;
  uint8_t id = c->req->u.p2p_stream_id;
  if (!(t->lock.flags & OT_TDISP_LOCK_BIND_P2P)) FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
  if (id == t->lock.default_stream_id || p2p_bound(t, id)) FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
  if (!c->dev->ops->stream_secure(c->dev->ops, id)) FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
  if (t->p2p_count >= OT_TDISP_MAX_P2P) FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
  p->bind = true;
  p->p2p_id = id;
  p->rsp.code = OT_TDISP_BIND_P2P_STREAM_RESPONSE;
}

/* §11.3 UNBIND_P2P_STREAM_REQUEST (RUN only): a stream that is not bound is
 * INVALID_REQUEST ✱. */
static void h_unbind_p2p(const call *c, pending *p) {
  uint8_t id = c->req->u.p2p_stream_id;
  if (!p2p_bound(c->tdi, id)) FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
  p->unbind = true;
  p->p2p_id = id;
  p->rsp.code = OT_TDISP_UNBIND_P2P_STREAM_RESPONSE;
}

/* §11.3 SET_MMIO_ATTRIBUTE_REQUEST (RUN only): the MMIO_RANGE names a range
 * of the interface report as reported (FIRST_PAGE with MMIO_REPORTING_OFFSET,
 * NUMBER_OF_PAGES, RANGE_ID); that range must have IS_MEM_ATTR_UPDATABLE
 * (§11.3 MMIO_RANGE bit 3), and only IS_NON_TEE_MEM may change (the other
 * attributes describe the hardware) ✱. Anything else is INVALID_REQUEST. */
static void h_set_mmio_attr(const call *c, pending *p) {
  const ot_tdisp_tdi *t = c->tdi;
  const ot_tdisp_mmio_range *m = &c->req->u.mmio;
  const ot_tdisp_tdi_desc *d = t->desc;
  for (uint32_t i = 0; i < d->mmio_count; i++) {
    if (d->mmio[i].first_page > UINT64_MAX - t->lock.mmio_reporting_offset) continue;
    if (d->mmio[i].first_page + t->lock.mmio_reporting_offset != m->first_page ||
        d->mmio[i].num_pages != m->num_pages || d->mmio[i].range_id != m->range_id)
      continue;
    uint16_t cur = t->mmio_attr[i];
    if (!(cur & OT_TDISP_RANGE_MEM_ATTR_UPDATABLE)) FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
    if ((uint16_t)(cur ^ m->attributes) & (uint16_t)~OT_TDISP_RANGE_NON_TEE_MEM)
      FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
    p->set_attr = true;
    p->attr_index = i;
    p->attr = m->attributes;
    p->rsp.code = OT_TDISP_SET_MMIO_ATTRIBUTE_RESPONSE;
    return;
  }
  FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
}

static const handler_fn k_handlers[TDISP_REQ_COUNT] = {
    [TDISP_REQ_GET_VERSION] = h_version,   [TDISP_REQ_GET_CAPABILITIES] = h_caps,
    [TDISP_REQ_LOCK_INTERFACE] = h_lock,   [TDISP_REQ_GET_REPORT] = h_report,
    [TDISP_REQ_GET_STATE] = h_state,       [TDISP_REQ_START_INTERFACE] = h_start,
    [TDISP_REQ_STOP_INTERFACE] = h_stop,   [TDISP_REQ_BIND_P2P] = h_bind_p2p,
    [TDISP_REQ_UNBIND_P2P] = h_unbind_p2p, [TDISP_REQ_SET_MMIO_ATTRIBUTE] = h_set_mmio_attr,
    /* TDISP_REQ_VDM: never implemented (tdisp_req_implemented) */
};

/* Offset of range i's RANGE_ATTRIBUTES in the interface report (SPEC-FACTS §6.4). */
#define REPORT_ATTR_OFF(i) (OT_TDISP_REPORT_FIXED + (i)*OT_TDISP_MMIO_RANGE_SIZE + 12u)

static void commit(ot_tdisp_tdi *t, const pending *p, ot_tdisp_state next) {
  if (p->scrub) tdisp_tdi_scrub(t);
  if (p->lock) {
    t->lock = p->lock_params;
    memcpy(t->nonce, p->nonce, sizeof t->nonce);
    t->nonce_valid = true;
    memcpy(t->report, p->report, p->report_len);
    t->report_len = p->report_len;
    t->snap = p->snap;
    t->error_by_event = false;
    for (uint32_t i = 0; i < t->desc->mmio_count; i++)
      t->mmio_attr[i] = t->desc->mmio[i].attributes;
  }
  if (p->bind) t->p2p[t->p2p_count++] = p->p2p_id;
  if (p->unbind) {
    uint8_t k = 0;
    for (uint8_t i = 0; i < t->p2p_count; i++)
      if (t->p2p[i] != p->p2p_id) t->p2p[k++] = t->p2p[i];
    t->p2p_count = k;
  }
  if (p->set_attr) {
    /* The report shows the range's attributes as they are now. */
    t->mmio_attr[p->attr_index] = p->attr;
    size_t off = REPORT_ATTR_OFF(p->attr_index);
    if (off + 2u <= t->report_len) {
      t->report[off] = (uint8_t)p->attr;
      t->report[off + 1u] = (uint8_t)(p->attr >> 8);
    }
  }
  if (p->consume_nonce) {
    ot_zeroize(t->nonce, sizeof t->nonce);
    t->nonce_valid = false;
  }
  t->state = next;
}

/* Bytes around a report portion: ProtocolID, header, PORTION/REMAINDER_LENGTH. */
#define REPORT_OVERHEAD (1u + OT_TDISP_HEADER_SIZE + OT_TDISP_REPORT_RSP_FIXED)

/* Runs checks 1-7 of the file comment; the answer lands in p (and *tdi_out/
 * *next when a handler succeeded). */
static void dispatch(ot_tdisp_device *dev, const uint8_t *msg, size_t msg_len, size_t rsp_cap,
                     pending *p, ot_tdisp_tdi **tdi_out, ot_tdisp_state *next) {
  ot_reader r;
  ot_tdisp_msg req;
  memset(&req, 0, sizeof req);
  ot_reader_init(&r, msg, msg_len);
  p->rsp.version = OT_TDISP_VERSION_10;
  if (!ot_ok(ot_tdisp_decode_header(&r, &req.version, &req.code, &req.function_id)))
    FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
  /* Responses echo the request's TDISPVersion and FUNCTION_ID (SPEC-FACTS §6.5). */
  p->rsp.version = req.version;
  p->rsp.function_id = req.function_id;
  if (req.version != OT_TDISP_VERSION_10) FAIL(p, OT_TDISP_ERR_VERSION_MISMATCH, 0);
  unsigned q = (unsigned)req.code - OT_TDISP_GET_VERSION;
  if (req.code < OT_TDISP_GET_VERSION || q >= TDISP_REQ_COUNT ||
      !tdisp_req_implemented(dev, (tdisp_req)q))
    FAIL(p, OT_TDISP_ERR_UNSUPPORTED_REQUEST, req.code);
  if (!ot_ok(ot_tdisp_decode_request_body(&r, req.code, &req)))
    FAIL(p, OT_TDISP_ERR_INVALID_REQUEST, 0);
  ot_tdisp_tdi *t = ot_tdisp_device_find(dev, req.function_id);
  if (!t) FAIL(p, OT_TDISP_ERR_INVALID_INTERFACE, 0);
  tdisp_cell cell = tdisp_table_lookup(t->state, (tdisp_req)q);
  if (cell.rule != TDISP_RULE_ALLOW) FAIL(p, OT_TDISP_ERR_INVALID_INTERFACE_STATE, 0);
  call c = {.dev = dev,
            .tdi = t,
            .req = &req,
            .rsp_room = rsp_cap > REPORT_OVERHEAD ? rsp_cap - REPORT_OVERHEAD : 0};
  k_handlers[q](&c, p);
  if (p->err_code != 0) return;
  *tdi_out = t;
  *next = cell.next;
}

ot_status ot_tdisp_responder_handle(ot_tdisp_device *dev, const ot_tdisp_vdm_ctx *ctx,
                                    const uint8_t *req, size_t req_len, uint8_t *rsp,
                                    size_t rsp_cap, size_t *rsp_len) {
  OT_ENSURE(dev && ctx && rsp_len && (rsp || rsp_cap == 0), OT_E_ARG);
  /* TDISP is carried only inside a secured SPDM session (PCIe r6.0 §11.3). */
  OT_ENSURE(ctx->in_session, OT_E_UNEXPECTED);
  const uint8_t *msg;
  size_t msg_len;
  OT_GUARD(ot_tdisp_payload_open(req, req_len, &msg, &msg_len));

  pending p;
  memset(&p, 0, sizeof p);
  ot_tdisp_tdi *tdi = NULL;
  ot_tdisp_state next = OT_TDI_CONFIG_UNLOCKED;
  dispatch(dev, msg, msg_len, rsp_cap, &p, &tdi, &next);
  if (p.err_code != 0) {
    p.rsp.code = OT_TDISP_ERROR;
    memset(&p.rsp.u, 0, sizeof p.rsp.u);
    p.rsp.u.error.code = p.err_code;
    p.rsp.u.error.data = p.err_data;
  }
  ot_writer w;
  ot_writer_init(&w, rsp, rsp_cap);
  /* The VDM payload (ProtocolID, message) with the response-only encoder. */
  ot_status st = ot_write_u8(&w, OT_PCISIG_PROTOCOL_TDISP);
  if (ot_ok(st)) st = ot_tdisp_encode_response(&w, &p.rsp);
  if (ot_ok(st) && tdi) commit(tdi, &p, next);
  if (ot_ok(st)) *rsp_len = ot_writer_len(&w);
  ot_zeroize(&p, sizeof p); /* the nonce, and the report copy */
  return st;
}
