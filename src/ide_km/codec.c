/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM object codec: see opentsm/ide_km.h. PCIe r6.0 §6.33.3 (IDE_KM
 * objects); SPEC-FACTS §4.1 and T9 (7-byte headers, unaligned QUERY_RESP
 * register block, KeySubStream layout). Every byte goes through the cursor.
 */
#include <string.h>

#include "opentsm/ide_km.h"
#include "opentsm/secure.h"

const char *ot_ide_km_object_name(uint8_t object) {
  switch (object) {
  case OT_IDE_KM_QUERY: return "QUERY";
  case OT_IDE_KM_QUERY_RESP: return "QUERY_RESP";
  case OT_IDE_KM_KEY_PROG: return "KEY_PROG";
  case OT_IDE_KM_KP_ACK: return "KP_ACK";
  case OT_IDE_KM_K_SET_GO: return "K_SET_GO";
  case OT_IDE_KM_K_SET_STOP: return "K_SET_STOP";
  case OT_IDE_KM_K_GOSTOP_ACK: return "K_GOSTOP_ACK";
  default: return "UNKNOWN";
  }
}

ot_status ot_ide_km_object_id(const uint8_t *payload, size_t len, uint8_t *object) {
  OT_ENSURE(payload != NULL || len == 0, OT_E_ARG);
  OT_ENSURE(len >= OT_IDE_KM_PROTOCOL_ID_SIZE + 1u, OT_E_TRUNCATED);
  OT_ENSURE(payload[0] == OT_IDE_KM_PROTOCOL_ID, OT_E_UNSUPPORTED);
  *object = payload[1];
  return OT_SUCCESS;
}

/* Protocol ID and Object ID of the payload in r. */
static ot_status read_head(ot_reader *r, uint8_t object) {
  uint8_t proto, obj;
  OT_GUARD(ot_read_u8(r, &proto));
  OT_ENSURE(proto == OT_IDE_KM_PROTOCOL_ID, OT_E_UNSUPPORTED);
  OT_GUARD(ot_read_u8(r, &obj));
  OT_ENSURE(obj == object, OT_E_UNEXPECTED);
  return OT_SUCCESS;
}

static ot_status write_head(ot_writer *w, uint8_t object) {
  OT_GUARD(ot_write_u8(w, OT_IDE_KM_PROTOCOL_ID));
  return ot_write_u8(w, object);
}

/* ---- QUERY / QUERY_RESP ------------------------------------------------------------- */

ot_status ot_ide_km_encode_query(ot_writer *w, uint8_t port_index) {
  OT_GUARD(write_head(w, OT_IDE_KM_QUERY));
  OT_GUARD(ot_write_zeros(w, 1)); /* Reserved */
  return ot_write_u8(w, port_index);
}

ot_status ot_ide_km_decode_query(ot_reader *r, uint8_t *port_index) {
  uint8_t port;
  OT_GUARD(read_head(r, OT_IDE_KM_QUERY));
  OT_GUARD(ot_read_skip(r, 1)); /* Reserved: ignored on receipt */
  OT_GUARD(ot_read_u8(r, &port));
  OT_GUARD(ot_reader_finish(r));
  *port_index = port;
  return OT_SUCCESS;
}

uint32_t ot_ide_km_query_resp_reg(const ot_ide_km_query_resp *q, size_t i) {
  return ot_load_u32le(q->regs + 4u * i); /* the block is unaligned (SPEC-FACTS T9) */
}

ot_status ot_ide_km_encode_query_resp(ot_writer *w, const ot_ide_km_query_resp *m,
                                      const uint32_t *regs) {
  OT_ENSURE(m != NULL && (regs != NULL || m->reg_count == 0), OT_E_ARG);
  OT_GUARD(write_head(w, OT_IDE_KM_QUERY_RESP));
  OT_GUARD(ot_write_zeros(w, 1));
  OT_GUARD(ot_write_u8(w, m->port_index));
  OT_GUARD(ot_write_u8(w, m->dev_func));
  OT_GUARD(ot_write_u8(w, m->bus));
  OT_GUARD(ot_write_u8(w, m->segment));
  OT_GUARD(ot_write_u8(w, m->max_port_index));
  for (size_t i = 0; i < m->reg_count; i++)
    OT_GUARD(ot_write_u32le(w, regs[i]));
  return OT_SUCCESS;
}

ot_status ot_ide_km_decode_query_resp(ot_reader *r, ot_ide_km_query_resp *out) {
  ot_ide_km_query_resp m = {0};
  OT_GUARD(read_head(r, OT_IDE_KM_QUERY_RESP));
  OT_GUARD(ot_read_skip(r, 1));
  OT_GUARD(ot_read_u8(r, &m.port_index));
  OT_GUARD(ot_read_u8(r, &m.dev_func));
  OT_GUARD(ot_read_u8(r, &m.bus));
  OT_GUARD(ot_read_u8(r, &m.segment));
  OT_GUARD(ot_read_u8(r, &m.max_port_index));
  /* The block's size comes from the length, never from IDE Capability (SPEC-FACTS T16);
   * it holds at least the IDE Capability and IDE Control registers. */
  size_t rest = ot_reader_remaining(r);
  OT_ENSURE(rest % 4u == 0, OT_E_MALFORMED);
  OT_ENSURE(rest >= 8u, rest == 0 ? OT_E_TRUNCATED : OT_E_MALFORMED);
  m.reg_count = rest / 4u;
  OT_GUARD(ot_read_borrow(r, rest, &m.regs));
  *out = m;
  return OT_SUCCESS;
}

/* ---- KEY_PROG ------------------------------------------------------------------------- */

/* The 7-byte header shared by KEY_PROG, KP_ACK and K_SET_* (SPEC-FACTS §4.1). */
static ot_status write_hdr(ot_writer *w, uint8_t object, uint8_t stream_id, uint8_t status,
                           uint8_t kss, uint8_t port) {
  OT_GUARD(write_head(w, object));
  OT_GUARD(ot_write_zeros(w, 2)); /* Reserved */
  OT_GUARD(ot_write_u8(w, stream_id));
  OT_GUARD(ot_write_u8(w, status)); /* Status in KP_ACK, Reserved (0) elsewhere */
  OT_GUARD(ot_write_u8(w, kss));
  return ot_write_u8(w, port);
}

static ot_status read_hdr(ot_reader *r, uint8_t object, ot_ide_km_ref *m) {
  OT_GUARD(read_head(r, object));
  OT_GUARD(ot_read_skip(r, 2));
  OT_GUARD(ot_read_u8(r, &m->stream_id));
  OT_GUARD(ot_read_u8(r, &m->status));
  OT_GUARD(ot_read_u8(r, &m->kss));
  OT_GUARD(ot_read_u8(r, &m->port_index));
  if (object != OT_IDE_KM_KP_ACK) m->status = 0; /* Reserved there: ignored */
  return OT_SUCCESS;
}

/*
 * The key layout, in one place (SPEC-FACTS §4.1 ✔/✱; intel/tee-io-validator
 * doc/key_byte_order.md, aligned with PCIe Base 6.2 Appendix L): the wire
 * carries Key_DW7 ... Key_DW0 then IFV_DW1, IFV_DW0, each little-endian.
 */
static void key_from_wire(const uint8_t wire[static 4u * (OT_IDE_KM_KEY_DWS + OT_IDE_KM_IFV_DWS)],
                          ot_ide_key_material *km) {
  uint32_t key_dw[OT_IDE_KM_KEY_DWS], ifv_dw[OT_IDE_KM_IFV_DWS];
  for (size_t i = 0; i < OT_IDE_KM_KEY_DWS; i++)
    key_dw[OT_IDE_KM_KEY_DWS - 1u - i] = ot_load_u32le(wire + 4u * i);
  const uint8_t *ifv = wire + 4u * OT_IDE_KM_KEY_DWS;
  ifv_dw[1] = ot_load_u32le(ifv);
  ifv_dw[0] = ot_load_u32le(ifv + 4);
  ot_ide_key_material_from_km(km, key_dw, ifv_dw);
  ot_zeroize(key_dw, sizeof key_dw);
  ot_zeroize(ifv_dw, sizeof ifv_dw);
}

static void key_to_wire(const ot_ide_key_material *km,
                        uint8_t wire[static 4u * (OT_IDE_KM_KEY_DWS + OT_IDE_KM_IFV_DWS)]) {
  /* Key_DWj holds K[4(7-j)] in bits 31:24 ... K[4(7-j)+3] in bits 7:0. */
  for (size_t i = 0; i < OT_IDE_KM_KEY_DWS; i++) {
    uint32_t dw = ot_load_u32be(km->key + 4u * i); /* Key_DW(7-i) */
    ot_store_u32le(wire + 4u * i, dw);
  }
  uint8_t *ifv = wire + 4u * OT_IDE_KM_KEY_DWS;
  ot_store_u32le(ifv, (uint32_t)(km->ifv >> 32)); /* IFV_DW1 */
  ot_store_u32le(ifv + 4, (uint32_t)km->ifv);     /* IFV_DW0 */
}

#define KEY_WIRE_SIZE (4u * (OT_IDE_KM_KEY_DWS + OT_IDE_KM_IFV_DWS))

ot_status ot_ide_km_encode_key_prog(ot_writer *w, const ot_ide_km_key_prog_msg *m) {
  OT_ENSURE(m != NULL, OT_E_ARG);
  OT_GUARD(write_hdr(w, OT_IDE_KM_KEY_PROG, m->stream_id, 0, m->kss, m->port_index));
  uint8_t *dst;
  OT_GUARD(ot_write_claim(w, KEY_WIRE_SIZE, &dst)); /* straight into the caller's buffer */
  key_to_wire(&m->km, dst);
  return OT_SUCCESS;
}

ot_status ot_ide_km_decode_key_prog(ot_reader *r, ot_ide_km_key_prog_msg *out) {
  ot_ide_km_ref h = {0};
  const uint8_t *wire;
  OT_GUARD(read_hdr(r, OT_IDE_KM_KEY_PROG, &h));
  OT_GUARD(ot_read_borrow(r, KEY_WIRE_SIZE, &wire));
  OT_GUARD(ot_reader_finish(r));
  out->stream_id = h.stream_id;
  out->kss = h.kss;
  out->port_index = h.port_index;
  key_from_wire(wire, &out->km);
  return OT_SUCCESS;
}

/* ---- KP_ACK, K_SET_GO, K_SET_STOP, K_GOSTOP_ACK -------------------------------------- */

static bool is_ref_object(uint8_t object) {
  return object == OT_IDE_KM_KP_ACK || object == OT_IDE_KM_K_SET_GO ||
         object == OT_IDE_KM_K_SET_STOP || object == OT_IDE_KM_K_GOSTOP_ACK;
}

ot_status ot_ide_km_encode_ref(ot_writer *w, uint8_t object, const ot_ide_km_ref *m) {
  OT_ENSURE(m != NULL && is_ref_object(object), OT_E_ARG);
  uint8_t status = object == OT_IDE_KM_KP_ACK ? m->status : 0u;
  return write_hdr(w, object, m->stream_id, status, m->kss, m->port_index);
}

ot_status ot_ide_km_decode_ref(ot_reader *r, uint8_t object, ot_ide_km_ref *out) {
  OT_ENSURE(is_ref_object(object), OT_E_ARG);
  ot_ide_km_ref m = {0};
  OT_GUARD(read_hdr(r, object, &m));
  OT_GUARD(ot_reader_finish(r));
  *out = m;
  return OT_SUCCESS;
}
