/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM requester (the TSM's side): see opentsm/ide_km.h. PCIe r6.0
 * §6.33.3; SPEC-FACTS §4.2 (flow, and "the requester must check the echo").
 */
#include "opentsm/ide_km.h"
#include "opentsm/secure.h"

/* Room for any acknowledgement; a longer answer is malformed anyway. */
#define ACK_CAP (OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_ACK_SIZE + 8u)
#define KEY_PROG_LEN (OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_KEY_PROG_SIZE)

void ot_ide_km_requester_init(ot_ide_km_requester *q, ot_ide_km_transport *t, uint32_t session_id) {
  q->transport = t;
  q->session_id = session_id;
}

static ot_status exchange(ot_ide_km_requester *q, const uint8_t *req, size_t req_len, uint8_t *rsp,
                          size_t cap, size_t *rsp_len) {
  OT_ENSURE(q != NULL && q->transport != NULL && q->transport->exchange != NULL, OT_E_ARG);
  size_t n = 0;
  OT_GUARD(q->transport->exchange(q->transport, q->session_id, req, req_len, rsp, cap, &n));
  OT_ENSURE(n <= cap, OT_E_INTERNAL); /* a transport that overran our buffer */
  *rsp_len = n;
  return OT_SUCCESS;
}

/* Decodes an acknowledgement and checks it echoes the request (SPEC-FACTS §4.2 step 4). */
static ot_status check_ack(const uint8_t *rsp, size_t len, uint8_t object,
                           const ot_ide_km_ref *want, ot_ide_km_ref *got) {
  ot_reader r;
  ot_reader_init(&r, rsp, len);
  OT_GUARD(ot_ide_km_decode_ref(&r, object, got));
  OT_ENSURE(got->stream_id == want->stream_id && got->kss == want->kss &&
                got->port_index == want->port_index,
            OT_E_UNEXPECTED);
  return OT_SUCCESS;
}

ot_status ot_ide_km_query(ot_ide_km_requester *q, uint8_t port_index, uint8_t *buf, size_t cap,
                          ot_ide_km_query_resp *out) {
  OT_ENSURE(buf != NULL && out != NULL, OT_E_ARG);
  uint8_t req[OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_QUERY_SIZE];
  ot_writer w;
  ot_writer_init(&w, req, sizeof req);
  OT_GUARD(ot_ide_km_encode_query(&w, port_index));
  size_t n;
  OT_GUARD(exchange(q, req, ot_writer_len(&w), buf, cap, &n));
  ot_reader r;
  ot_reader_init(&r, buf, n);
  ot_ide_km_query_resp m;
  OT_GUARD(ot_ide_km_decode_query_resp(&r, &m));
  OT_ENSURE(m.port_index == port_index, OT_E_UNEXPECTED);
  OT_ENSURE(m.max_port_index >= m.port_index, OT_E_MALFORMED);
  *out = m;
  return OT_SUCCESS;
}

ot_status ot_ide_km_query_pick_stream(const ot_ide_km_query_resp *q, uint32_t *cap,
                                      uint8_t *stream_id, bool *unreported) {
  OT_ENSURE(q != NULL && cap != NULL && stream_id != NULL && unreported != NULL, OT_E_ARG);
  OT_ENSURE(q->reg_count >= 2, OT_E_MALFORMED); /* Capability, Control */
  /* A port that answers IDE_KM has IDE_KM Protocol Supported set in its IDE
   * Capability (PCIe r6.0 §7.9.26.2), so a block of zeros is no register
   * image: DMTF's sample device sends 74 zero DWs whatever it supports
   * (SPEC-FACTS T16). With no config space to read instead (a device over a
   * socket), the caller gets Stream ID 0, what a zero Selective IDE Stream
   * Control holds. */
  bool zero = true;
  for (size_t i = 0; i < q->reg_count && zero; i++)
    zero = ot_ide_km_query_resp_reg(q, i) == 0;
  *unreported = zero;
  if (zero) {
    *cap = 0;
    *stream_id = 0;
    return OT_SUCCESS;
  }
  uint32_t c = ot_ide_km_query_resp_reg(q, 0);
  /* §7.9.26.2: Supported Algorithms (bits 12:8) is one code, 00000b being
   * AES-GCM-256; any other value is reserved, so no algorithm we know. */
  OT_ENSURE((c & OT_IDE_CAP_IDE_KM) && (c & OT_IDE_CAP_SELECTIVE) && OT_IDE_CAP_AES_GCM_256(c),
            OT_E_UNSUPPORTED);
  size_t i = 2; /* Capability, Control */
  if (c & OT_IDE_CAP_LINK) i += 2u * (OT_FIELD_GET(OT_IDE_CAP_LINK_TCS, c) + 1u);
  size_t nsel = OT_FIELD_GET(OT_IDE_CAP_SEL_STREAMS, c) + 1u;
  for (size_t b = 0; b < nsel; b++) {
    OT_ENSURE(i + OT_IDE_SEL_BLOCK_FIXED / 4u <= q->reg_count, OT_E_MALFORMED);
    uint32_t scap = ot_ide_km_query_resp_reg(q, i + OT_IDE_SEL_CAP / 4u);
    uint32_t ctl = ot_ide_km_query_resp_reg(q, i + OT_IDE_SEL_CTL / 4u);
    if (!(ctl & OT_IDE_STREAM_CTL_ENABLE)) {
      *cap = c;
      *stream_id = (uint8_t)OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, ctl);
      return OT_SUCCESS;
    }
    i += OT_IDE_SEL_BLOCK_SIZE(OT_FIELD_GET(OT_IDE_SEL_CAP_ADDR_BLOCKS, scap)) / 4u;
  }
  return ot_status_of(OT_E_NO_SPACE);
}

ot_status ot_ide_km_key_prog(ot_ide_km_requester *q, uint8_t port_index, uint8_t stream_id,
                             uint8_t kss, const ot_ide_key_material *km, uint8_t *status) {
  OT_ENSURE(km != NULL, OT_E_ARG);
  ot_ide_km_key_prog_msg m = {
      .stream_id = stream_id, .kss = kss, .port_index = port_index, .km = *km};
  uint8_t req[KEY_PROG_LEN] = {0};
  ot_status st = ot_secret_mark(req, sizeof req); /* never logged while it holds the key */
  if (!ot_ok(st)) {
    ot_zeroize(&m, sizeof m);
    return st;
  }
  ot_writer w;
  ot_writer_init(&w, req, sizeof req);
  OT_GUARD_GOTO(st, ot_ide_km_encode_key_prog(&w, &m), out);
  uint8_t rsp[ACK_CAP];
  size_t n;
  OT_GUARD_GOTO(st, exchange(q, req, ot_writer_len(&w), rsp, sizeof rsp, &n), out);
  ot_ide_km_ref want = {.stream_id = stream_id, .kss = kss, .port_index = port_index}, got;
  OT_GUARD_GOTO(st, check_ack(rsp, n, OT_IDE_KM_KP_ACK, &want, &got), out);
  if (status) *status = got.status;
  OT_ENSURE_GOTO(st, got.status == OT_IDE_KM_KP_SUCCESS, OT_E_PEER_ERROR, out);
out:
  ot_secret_wipe(req, sizeof req);
  ot_zeroize(&m, sizeof m);
  return st;
}

static ot_status key_set(ot_ide_km_requester *q, uint8_t object, uint8_t port_index,
                         uint8_t stream_id, uint8_t kss) {
  ot_ide_km_ref m = {.stream_id = stream_id, .kss = kss, .port_index = port_index}, got;
  uint8_t req[OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_ACK_SIZE];
  ot_writer w;
  ot_writer_init(&w, req, sizeof req);
  OT_GUARD(ot_ide_km_encode_ref(&w, object, &m));
  uint8_t rsp[ACK_CAP];
  size_t n;
  OT_GUARD(exchange(q, req, ot_writer_len(&w), rsp, sizeof rsp, &n));
  return check_ack(rsp, n, OT_IDE_KM_K_GOSTOP_ACK, &m, &got);
}

ot_status ot_ide_km_key_set_go(ot_ide_km_requester *q, uint8_t port_index, uint8_t stream_id,
                               uint8_t kss) {
  return key_set(q, OT_IDE_KM_K_SET_GO, port_index, stream_id, kss);
}

ot_status ot_ide_km_key_set_stop(ot_ide_km_requester *q, uint8_t port_index, uint8_t stream_id,
                                 uint8_t kss) {
  return key_set(q, OT_IDE_KM_K_SET_STOP, port_index, stream_id, kss);
}

/* RX then TX, PR, NPR, CPL: the order of the recorded flows (SPEC-FACTS §4.2). */
static uint8_t order_kss(size_t i, uint8_t key_set) {
  ot_ide_km_dir dir = i < OT_IDE_NUM_SUBSTREAMS ? OT_IDE_KM_RX : OT_IDE_KM_TX;
  return ot_ide_km_kss(key_set, dir, (ot_ide_substream)(i % OT_IDE_NUM_SUBSTREAMS));
}

ot_status ot_ide_km_program_stream(ot_ide_km_requester *q, uint8_t port_index, uint8_t stream_id,
                                   uint8_t key_set,
                                   const ot_ide_key_material rx[static OT_IDE_NUM_SUBSTREAMS],
                                   const ot_ide_key_material tx[static OT_IDE_NUM_SUBSTREAMS]) {
  OT_ENSURE(key_set < OT_IDE_NUM_KEY_SETS, OT_E_ARG);
  for (size_t i = 0; i < 2u * OT_IDE_NUM_SUBSTREAMS; i++) {
    const ot_ide_key_material *km =
        i < OT_IDE_NUM_SUBSTREAMS ? &rx[i] : &tx[i - OT_IDE_NUM_SUBSTREAMS];
    OT_GUARD(ot_ide_km_key_prog(q, port_index, stream_id, order_kss(i, key_set), km, NULL));
  }
  /* Receivers first, so the device accepts before its partner starts sending (§4.2 step 6). */
  for (size_t i = 0; i < 2u * OT_IDE_NUM_SUBSTREAMS; i++)
    OT_GUARD(ot_ide_km_key_set_go(q, port_index, stream_id, order_kss(i, key_set)));
  return OT_SUCCESS;
}

ot_status ot_ide_km_stop_stream(ot_ide_km_requester *q, uint8_t port_index, uint8_t stream_id,
                                uint8_t key_set) {
  OT_ENSURE(key_set < OT_IDE_NUM_KEY_SETS, OT_E_ARG);
  ot_status first = OT_SUCCESS;
  for (size_t i = 0; i < 2u * OT_IDE_NUM_SUBSTREAMS; i++) {
    ot_status st = ot_ide_km_key_set_stop(q, port_index, stream_id, order_kss(i, key_set));
    if (!ot_ok(st) && ot_ok(first)) first = st;
  }
  return first;
}
