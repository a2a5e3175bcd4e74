/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM responder (the device security manager's side): see
 * opentsm/ide_km.h. PCIe r6.0 §6.33.3 (IDE_KM: QUERY/QUERY_RESP, KEY_PROG/
 * KP_ACK, K_SET_GO/K_SET_STOP/K_GOSTOP_ACK); SPEC-FACTS §4.1-4.2.
 *
 * Each handler validates everything into locals, checks the response fits,
 * and only then changes the engine; a refused request changes nothing.
 */
#include <string.h>

#include "opentsm/ide_km.h"
#include "opentsm/log.h"
#include "opentsm/secure.h"

#define LOG_TAG "ide_km"

ot_status ot_ide_km_responder_init(ot_ide_km_responder *r, ot_ide_km_port *ports, size_t count) {
  OT_ENSURE(r != NULL && ports != NULL, OT_E_ARG);
  /* PortIndex and MaxPortIndex are one byte (SPEC-FACTS §4.1). */
  OT_ENSURE(count >= 1 && count <= 256u, OT_E_ARG);
  for (size_t i = 0; i < count; i++)
    OT_ENSURE(ports[i].regs != NULL, OT_E_ARG);
  r->ports = ports;
  r->count = count;
  return OT_SUCCESS;
}

/* A KeySubStream this device can act on: PR, NPR or CPL, reserved bits clear. */
static bool kss_ok(uint8_t kss) {
  return (kss & OT_IDE_KM_KSS_RSVD) == 0 &&
         OT_FIELD_GET(OT_IDE_KM_KSS_SUB, kss) <= OT_IDE_KM_KSS_SUB_MAX;
}

static ot_ide_substream kss_sub(uint8_t kss) {
  return (ot_ide_substream)OT_FIELD_GET(OT_IDE_KM_KSS_SUB, kss);
}

static uint8_t kss_key_set(uint8_t kss) {
  return (uint8_t)OT_FIELD_GET(OT_IDE_KM_KSS_KEY_SET, kss);
}

/* The engine a key of this direction belongs to (direction from the port's view, §4.1). */
static ot_ide_engine *kss_engine(ot_ide_km_port *p, uint8_t kss) {
  if (OT_FIELD_GET(OT_IDE_KM_KSS_DIR, kss) == OT_IDE_KM_KSS_DIR_TX)
    return ot_ide_tx_engine(ot_ide_regs_tx(p->regs));
  return ot_ide_rx_engine(ot_ide_regs_rx(p->regs));
}

static ot_status write_ref(uint8_t object, const ot_ide_km_ref *m, uint8_t *rsp, size_t cap,
                           size_t *rsp_len) {
  ot_writer w;
  ot_writer_init(&w, rsp, cap);
  OT_GUARD(ot_ide_km_encode_ref(&w, object, m));
  *rsp_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

/* ---- QUERY ------------------------------------------------------------------------------ */

static ot_status respond_query(ot_ide_km_responder *r, uint8_t *req, size_t req_len, uint8_t *rsp,
                               size_t cap, size_t *rsp_len) {
  ot_reader rd;
  ot_reader_init(&rd, req, req_len);
  uint8_t port;
  OT_GUARD(ot_ide_km_decode_query(&rd, &port));
  OT_ENSURE(port < r->count, OT_E_NOT_FOUND); /* QUERY_RESP has no status to carry it */
  ot_ide_km_port *p = &r->ports[port];

  /* The port's real registers, from IDE Capability on (SPEC-FACTS §4.1). */
  uint32_t regs[OT_IDE_KM_REG_DWS(OT_IDE_MAX_STREAMS, OT_IDE_MAX_STREAMS, OT_IDE_MAX_ADDR_BLOCKS)];
  size_t n;
  OT_GUARD(ot_ide_regs_snapshot(p->regs, regs, sizeof regs / sizeof regs[0], &n));
  ot_ide_km_query_resp m = {.port_index = port,
                            .dev_func = p->dev_func,
                            .bus = p->bus,
                            .segment = p->segment,
                            .max_port_index = (uint8_t)(r->count - 1u),
                            .reg_count = n};
  /* Nothing is written unless the whole answer fits. */
  OT_ENSURE(cap >= OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_QUERY_RESP_FIXED + 4u * n, OT_E_NO_SPACE);
  ot_writer w;
  ot_writer_init(&w, rsp, cap);
  OT_GUARD(ot_ide_km_encode_query_resp(&w, &m, regs));
  *rsp_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

/* ---- KEY_PROG --------------------------------------------------------------------------- */

/* The fields KP_ACK echoes, read from however much of the header arrived (0 if missing). */
static ot_ide_km_ref echo_fields(const uint8_t *req, size_t req_len) {
  ot_ide_km_ref e = {0};
  ot_reader rd;
  ot_reader_init(&rd, req, req_len);
  /* Sticky cursor: once a read runs out, every later one fails and leaves 0. */
  OT_IGNORE(ot_read_skip(&rd, OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_OFF_STREAM_ID));
  OT_IGNORE(ot_read_u8(&rd, &e.stream_id));
  OT_IGNORE(ot_read_skip(&rd, 1));
  OT_IGNORE(ot_read_u8(&rd, &e.kss));
  OT_IGNORE(ot_read_u8(&rd, &e.port_index));
  return e;
}

/* The KP_ACK Status for a well-formed KEY_PROG, installing the key on success. */
static uint8_t key_prog_status(ot_ide_km_responder *r, const ot_ide_km_key_prog_msg *m) {
  if (m->port_index >= r->count) return OT_IDE_KM_KP_UNSUPPORTED_PORT;
  ot_ide_km_port *p = &r->ports[m->port_index];
  if (!kss_ok(m->kss)) return OT_IDE_KM_KP_UNSUPPORTED_VALUE;
  if (!ot_ide_regs_has_stream(p->regs, m->stream_id)) return OT_IDE_KM_KP_UNSUPPORTED_VALUE;
  ot_status st = ot_ide_key_install(kss_engine(p, m->kss), m->stream_id, kss_sub(m->kss),
                                    kss_key_set(m->kss), &m->km);
  if (ot_ok(st)) return OT_IDE_KM_KP_SUCCESS;
  /* A key set that is GO must be stopped before it is replaced (ot_ide_key_install). */
  if (ot_is(st, OT_E_STATE) || ot_is(st, OT_E_NOT_FOUND) || ot_is(st, OT_E_ARG))
    return OT_IDE_KM_KP_UNSUPPORTED_VALUE;
  OT_LOGW(LOG_TAG, "KEY_PROG: engine refused the key: %s", ot_status_name(st));
  return OT_IDE_KM_KP_UNSPECIFIED;
}

static ot_status respond_key_prog(ot_ide_km_responder *r, uint8_t *req, size_t req_len,
                                  uint8_t *rsp, size_t cap, size_t *rsp_len) {
  /* Nothing may change unless the acknowledgement can be sent. */
  OT_ENSURE(cap >= OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_ACK_SIZE, OT_E_NO_SPACE);
  ot_ide_km_ref ack = echo_fields(req, req_len);

  if (req_len != OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_KEY_PROG_SIZE) {
    /* PCIe r6.0 §6.33.3: a KEY_PROG of the wrong size is answered "Incorrect Length". */
    ack.status = OT_IDE_KM_KP_INCORRECT_LENGTH;
    return write_ref(OT_IDE_KM_KP_ACK, &ack, rsp, cap, rsp_len);
  }
  ot_ide_km_key_prog_msg m;
  ot_reader rd;
  ot_reader_init(&rd, req, req_len);
  ot_status st = ot_ide_km_decode_key_prog(&rd, &m);
  if (!ot_ok(st)) return st; /* cannot happen at this length; nothing was decoded */
  ack.status = key_prog_status(r, &m);
  ot_zeroize(&m, sizeof m); /* the engine keeps only its keyed cipher context */
  if (ack.status != OT_IDE_KM_KP_SUCCESS)
    OT_LOGD(LOG_TAG, "KEY_PROG stream %u kss %02x port %u refused, status %u", ack.stream_id,
            ack.kss, ack.port_index, ack.status);
  return write_ref(OT_IDE_KM_KP_ACK, &ack, rsp, cap, rsp_len);
}

/* ---- K_SET_GO / K_SET_STOP ------------------------------------------------------------- */

static ot_status respond_key_set(ot_ide_km_responder *r, uint8_t object, uint8_t *req,
                                 size_t req_len, uint8_t *rsp, size_t cap, size_t *rsp_len) {
  ot_reader rd;
  ot_reader_init(&rd, req, req_len);
  ot_ide_km_ref m;
  OT_GUARD(ot_ide_km_decode_ref(&rd, object, &m));
  OT_ENSURE(m.port_index < r->count, OT_E_NOT_FOUND);
  OT_ENSURE(kss_ok(m.kss), OT_E_MALFORMED);
  ot_ide_km_port *p = &r->ports[m.port_index];
  OT_ENSURE(ot_ide_regs_has_stream(p->regs, m.stream_id), OT_E_NOT_FOUND);
  OT_ENSURE(cap >= OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_ACK_SIZE, OT_E_NO_SPACE);

  ot_ide_engine *e = kss_engine(p, m.kss);
  if (object == OT_IDE_KM_K_SET_GO) {
    /* OT_E_STATE: nothing was programmed into that key set. */
    OT_GUARD(ot_ide_key_go(e, m.stream_id, kss_sub(m.kss), kss_key_set(m.kss)));
  } else {
    ot_status st = ot_ide_key_stop(e, m.stream_id, kss_sub(m.kss), kss_key_set(m.kss));
    /* An empty key set is already stopped: acknowledging it keeps teardown idempotent. */
    if (!ot_ok(st) && !ot_is(st, OT_E_STATE)) return st;
  }
  ot_ide_km_ref ack = {.stream_id = m.stream_id, .kss = m.kss, .port_index = m.port_index};
  return write_ref(OT_IDE_KM_K_GOSTOP_ACK, &ack, rsp, cap, rsp_len);
}

static ot_status respond_go(ot_ide_km_responder *r, uint8_t *req, size_t req_len, uint8_t *rsp,
                            size_t cap, size_t *rsp_len) {
  return respond_key_set(r, OT_IDE_KM_K_SET_GO, req, req_len, rsp, cap, rsp_len);
}

static ot_status respond_stop(ot_ide_km_responder *r, uint8_t *req, size_t req_len, uint8_t *rsp,
                              size_t cap, size_t *rsp_len) {
  return respond_key_set(r, OT_IDE_KM_K_SET_STOP, req, req_len, rsp, cap, rsp_len);
}

/* ---- dispatch ---------------------------------------------------------------------------- */

typedef ot_status (*handler_fn)(ot_ide_km_responder *r, uint8_t *req, size_t req_len, uint8_t *rsp,
                                size_t cap, size_t *rsp_len);

/* Requests by Object ID; the response objects are known but never answered. */
static const struct {
  bool known;
  handler_fn handle;
} objects[] = {
    [OT_IDE_KM_QUERY] = {true, respond_query},       [OT_IDE_KM_QUERY_RESP] = {true, NULL},
    [OT_IDE_KM_KEY_PROG] = {true, respond_key_prog}, [OT_IDE_KM_KP_ACK] = {true, NULL},
    [OT_IDE_KM_K_SET_GO] = {true, respond_go},       [OT_IDE_KM_K_SET_STOP] = {true, respond_stop},
    [OT_IDE_KM_K_GOSTOP_ACK] = {true, NULL},
};

static ot_status dispatch(ot_ide_km_responder *r, bool in_session, uint8_t *req, size_t req_len,
                          uint8_t *rsp, size_t cap, size_t *rsp_len) {
  /* IDE_KM is only accepted inside a secured SPDM session (PCIe r6.0 §6.33.3; SPEC-FACTS §4). */
  if (!in_session) {
    OT_LOGW(LOG_TAG, "IDE_KM request outside a secured session refused");
    OT_BAIL(OT_E_POLICY);
  }
  uint8_t object;
  OT_GUARD(ot_ide_km_object_id(req, req_len, &object));
  OT_ENSURE(object < sizeof objects / sizeof objects[0] && objects[object].known, OT_E_UNSUPPORTED);
  OT_ENSURE(objects[object].handle != NULL, OT_E_UNEXPECTED);
  return objects[object].handle(r, req, req_len, rsp, cap, rsp_len);
}

ot_status ot_ide_km_respond(ot_ide_km_responder *r, bool in_session, uint8_t *req, size_t req_len,
                            uint8_t *rsp, size_t cap, size_t *rsp_len) {
  OT_ENSURE(rsp_len != NULL, OT_E_ARG);
  *rsp_len = 0;
  OT_ENSURE(r != NULL && r->ports != NULL, OT_E_ARG);
  OT_ENSURE((req != NULL || req_len == 0) && (rsp != NULL || cap == 0), OT_E_ARG);
  bool carries_key =
      req_len >= 2 && req[0] == OT_IDE_KM_PROTOCOL_ID && req[1] == OT_IDE_KM_KEY_PROG;
  size_t len = 0;
  ot_status st = dispatch(r, in_session, req, req_len, rsp, cap, &len);
  if (carries_key) ot_zeroize(req, req_len); /* the buffer that carried a key is wiped */
  if (ot_ok(st)) *rsp_len = len;
  return st;
}
