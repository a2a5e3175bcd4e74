/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM cases (PCIe Base r6.0 §6.33.3, the IDE_KM objects and the KP_ACK
 * Status table; wire layout in opentsm/spec/ide_km.h). Well-formed requests
 * are built with the IDE_KM codec, malformed ones byte by byte; every answer
 * is decoded with the codec's bounds-checked decoders. KEY_PROG carries fresh
 * random keys that never reach a report and are wiped after each send.
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/ide_km.h"
#include "opentsm/rng.h"
#include "opentsm/secure.h"
#include "opentsm/spec/ide_regs.h"
#include "validate_internal.h"

#define KM_CLAUSE "PCIe Base r6.0 §6.33.3"
/* The KP_ACK header is what a report may show of a KEY_PROG: Protocol ID + 7 bytes. */
#define KM_KEEP (OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_HDR_SIZE)
#define KM_KEY_PROG_LEN (OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_KEY_PROG_SIZE)
#define KM_REF_LEN (OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_HDR_SIZE)

static const char *obj_name(uint8_t o) {
  static const char *const n[] = {"QUERY",    "QUERY_RESP", "KEY_PROG",    "KP_ACK",
                                  "K_SET_GO", "K_SET_STOP", "K_GOSTOP_ACK"};
  return o < sizeof(n) / sizeof(n[0]) ? n[o] : "unknown object";
}
static const char *sub_name(uint8_t s) {
  return s == OT_IDE_SUB_PR    ? "PR"
         : s == OT_IDE_SUB_NPR ? "NPR"
         : s == OT_IDE_SUB_CPL ? "CPL"
                               : "?";
}

/* ---- requests ---------------------------------------------------------------------- */

static ot_status send_query(ot_val_ctx *x, bool secured, uint8_t port) {
  uint8_t b[8];
  ot_writer w;
  ot_writer_init(&w, b, sizeof(b));
  OT_GUARD(ot_ide_km_encode_query(&w, port));
  return val_xfer(x, secured, b, ot_writer_len(&w), sizeof(b));
}

/* A well-formed KEY_PROG with a fresh random key into b (KM_KEY_PROG_LEN bytes). */
static ot_status build_key_prog(uint8_t b[static KM_KEY_PROG_LEN], uint8_t port, uint8_t stream,
                                uint8_t kss) {
  ot_ide_km_key_prog_msg m = {.stream_id = stream, .kss = kss, .port_index = port};
  m.km.iv_fixed = OT_IDE_IV_FIXED_PCIE;
  m.km.ifv = 1; /* a fresh key set's first invocation field (§6.33.5) */
  ot_status st = ot_rng_fill(ot_rng_os(), m.km.key, sizeof(m.km.key));
  ot_writer w;
  ot_writer_init(&w, b, KM_KEY_PROG_LEN);
  if (ot_ok(st)) st = ot_ide_km_encode_key_prog(&w, &m);
  if (ot_ok(st) && ot_writer_len(&w) != KM_KEY_PROG_LEN) st = ot_status_of(OT_E_INTERNAL);
  ot_zeroize(&m, sizeof(m));
  return st;
}

/* Sends b[0..len) (a KEY_PROG, maybe altered) and wipes it. */
static ot_status send_key_prog(ot_val_ctx *x, bool secured, uint8_t *b, size_t len) {
  ot_status st = val_xfer(x, secured, b, len, KM_KEEP);
  ot_zeroize(b, len);
  return st;
}

static ot_status send_ref(ot_val_ctx *x, bool secured, uint8_t obj, uint8_t port, uint8_t stream,
                          uint8_t kss) {
  uint8_t b[KM_REF_LEN];
  ot_writer w;
  ot_writer_init(&w, b, sizeof(b));
  ot_ide_km_ref m = {.stream_id = stream, .kss = kss, .port_index = port};
  OT_GUARD(ot_ide_km_encode_ref(&w, obj, &m));
  return val_xfer(x, secured, b, ot_writer_len(&w), sizeof(b));
}

/* ---- answers ----------------------------------------------------------------------- */

/* The last answer decodes as object `obj` echoing port, stream and kss. */
static bool ack_ok(ot_val_ctx *x, uint8_t obj, uint8_t port, uint8_t stream, uint8_t kss,
                   ot_ide_km_ref *out, const char *what) {
  char ans[64];
  if (!ot_ok(x->st)) {
    val_answer_text(x, ans, sizeof(ans));
    return val_check(x, false, "%s: %s expected, got %s", what, obj_name(obj), ans);
  }
  ot_reader r;
  ot_reader_init(&r, x->rsp, x->rsp_len);
  ot_ide_km_ref m;
  ot_status st = ot_ide_km_decode_ref(&r, obj, &m);
  if (!ot_ok(st)) {
    uint8_t got = x->rsp_len > 1 ? x->rsp[1] : 0xFF;
    return val_check(x, false,
                     "%s: %s expected, got a response that does not decode as one "
                     "(%s; Object ID 0x%02x)",
                     what, obj_name(obj), ot_status_message(st), got);
  }
  if (out) *out = m;
  return val_check(x, m.port_index == port && m.stream_id == stream && m.kss == kss,
                   "%s: %s echoes PortIndex %u, StreamID %u, KeySubStream 0x%02x (got %u, %u, "
                   "0x%02x)",
                   what, obj_name(obj), port, stream, kss, m.port_index, m.stream_id, m.kss);
}

/* A KP_ACK for (port, stream, kss) with Status `want` (§6.33.3 KP_ACK Status). */
static bool kp_ack_is(ot_val_ctx *x, uint8_t port, uint8_t stream, uint8_t kss, uint8_t want,
                      const char *what) {
  ot_ide_km_ref m;
  if (!ack_ok(x, OT_IDE_KM_KP_ACK, port, stream, kss, &m, what)) return false;
  return val_check(x, m.status == want, "%s: KP_ACK Status %02xh expected, got %02xh", what, want,
                   m.status);
}

/* The request was refused: an SPDM ERROR, never an IDE_KM answer that acts on it. */
static bool refused(ot_val_ctx *x, const char *what) {
  char ans[64];
  val_answer_text(x, ans, sizeof(ans));
  if (ot_ok(x->st) && x->rsp_len >= 2)
    return val_check(x, false, "%s: must be refused with an SPDM ERROR, got IDE_KM %s", what,
                     obj_name(x->rsp[1]));
  return val_check(x, val_spdm_refused(x), "%s: refused with an SPDM ERROR (%s)", what, ans);
}

/* K_SET_STOP for the key set, to leave the device as found (no assertion). */
static void cleanup_stop(ot_val_ctx *x, uint8_t port, uint8_t stream, uint8_t kss) {
  OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_STOP, port, stream, kss));
}

static uint8_t stream(const ot_val_ctx *x) { return x->dev->stream_id; }

/* A TSM QUERYs a port before it programs keys there (SPEC-FACTS §4.2 step 3);
 * cases that program port 0 start so, which some devices need (docs/
 * conformance.md, IDEKM.QUERY.5). No assertion: QUERY has cases of its own. */
static void prelude(ot_val_ctx *x) { OT_IGNORE(send_query(x, true, 0)); }

/* QUERY for port p in the session, decoded into *q: false (with a failed
 * assertion naming the port) when it is not answered by a QUERY_RESP. */
static bool query_port(ot_val_ctx *x, unsigned p, ot_ide_km_query_resp *q) {
  if (!ot_ok(send_query(x, true, (uint8_t)p))) {
    char ans[64];
    val_answer_text(x, ans, sizeof(ans));
    val_check(x, false, "QUERY PortIndex %u: QUERY_RESP expected, got %s", p, ans);
    return false;
  }
  ot_reader r;
  ot_reader_init(&r, x->rsp, x->rsp_len);
  ot_status st = ot_ide_km_decode_query_resp(&r, q);
  return val_check(x, ot_ok(st), "QUERY PortIndex %u: the answer decodes as QUERY_RESP (%s)", p,
                   ot_status_message(st));
}

/* ---- probe ------------------------------------------------------------------------- */

/* Stream IDs every Selective IDE Stream block of the register image holds
 * (PCIe r6.0 §7.9.26.2, §7.9.26.5); stops quietly at a short image. */
static void note_streams(const ot_ide_km_query_resp *q, ot_val_device *d) {
  uint32_t c = ot_ide_km_query_resp_reg(q, 0);
  d->ide_cap = c;
  size_t i = 2;
  if (c & OT_IDE_CAP_LINK) i += 2u * (OT_FIELD_GET(OT_IDE_CAP_LINK_TCS, c) + 1u);
  size_t nsel = (c & OT_IDE_CAP_SELECTIVE) ? OT_FIELD_GET(OT_IDE_CAP_SEL_STREAMS, c) + 1u : 0;
  for (size_t b = 0; b < nsel; b++) {
    if (i + OT_IDE_SEL_BLOCK_FIXED / 4u > q->reg_count) break;
    uint32_t scap = ot_ide_km_query_resp_reg(q, i + OT_IDE_SEL_CAP / 4u);
    uint32_t ctl = ot_ide_km_query_resp_reg(q, i + OT_IDE_SEL_CTL / 4u);
    uint8_t id = (uint8_t)OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, ctl);
    d->held[id / 8u] |= (uint8_t)(1u << (id % 8u));
    d->n_sel++;
    i += OT_IDE_SEL_BLOCK_SIZE(OT_FIELD_GET(OT_IDE_SEL_CAP_ADDR_BLOCKS, scap)) / 4u;
  }
}

void val_probe_ide_km(ot_val_link *l, ot_val_device *d) {
  uint8_t req[8], rsp[VAL_MSG_MAX];
  ot_writer w;
  ot_writer_init(&w, req, sizeof(req));
  if (!ot_ok(ot_ide_km_encode_query(&w, 0))) return;
  size_t n = 0;
  ot_val_spdm_error err;
  if (!ot_ok(l->vdm(l, true, req, ot_writer_len(&w), rsp, sizeof(rsp), &n, &err))) return;
  ot_reader r;
  ot_reader_init(&r, rsp, n);
  ot_ide_km_query_resp q;
  if (!ot_ok(ot_ide_km_decode_query_resp(&r, &q)) || q.port_index != 0) return;
  d->caps |= OT_VAL_CAP_IDE_KM;
  d->max_port_index = q.max_port_index;
  uint32_t cap = 0;
  bool unreported = true;
  uint8_t sid = 0;
  if (ot_ok(ot_ide_km_query_pick_stream(&q, &cap, &sid, &unreported)) && !unreported) {
    d->caps |= OT_VAL_CAP_IDE_REGS;
    d->stream_id = sid;
    note_streams(&q, d);
  }
}

/* ---- cases ------------------------------------------------------------------------- */

/* QUERY for every PortIndex 0..MaxPortIndex: a QUERY_RESP for that port, the
 * same MaxPortIndex each time, a register block of whole DWs. */
static void query_each_port(ot_val_ctx *x) {
  for (unsigned p = 0; p <= x->dev->max_port_index; p++) {
    char what[32];
    snprintf(what, sizeof(what), "QUERY PortIndex %u", p);
    ot_ide_km_query_resp q;
    if (!query_port(x, p, &q)) continue;
    val_check(x, q.port_index == p && q.max_port_index == x->dev->max_port_index,
              "%s: QUERY_RESP echoes PortIndex %u and MaxPortIndex %u (got %u, %u)", what, p,
              x->dev->max_port_index, q.port_index, q.max_port_index);
  }
}

/* QUERY past MaxPortIndex: there is no port to describe, so no QUERY_RESP. */
static void query_past_max(ot_val_ctx *x) {
  if (x->dev->max_port_index == 0xFF) {
    val_skip(x, "MaxPortIndex is 255: every PortIndex names a port");
    return;
  }
  uint8_t ports[2] = {(uint8_t)(x->dev->max_port_index + 1u), 0xFF};
  for (size_t i = 0; i < (ports[0] == 0xFF ? 1u : 2u); i++) {
    char what[32];
    snprintf(what, sizeof(what), "QUERY PortIndex %u", ports[i]);
    OT_IGNORE(send_query(x, true, ports[i]));
    refused(x, what);
  }
}

/* QUERY of the wrong length (§6.33.3: QUERY is 3 bytes after the Protocol ID). */
static void query_wrong_length(ot_val_ctx *x) {
  uint8_t shorter[] = {OT_IDE_KM_PROTOCOL_ID, OT_IDE_KM_QUERY, 0x00};
  uint8_t longer[] = {OT_IDE_KM_PROTOCOL_ID, OT_IDE_KM_QUERY, 0x00, 0x00, 0x00};
  OT_IGNORE(val_xfer(x, true, shorter, sizeof(shorter), sizeof(shorter)));
  refused(x, "QUERY of 2 bytes");
  OT_IGNORE(val_xfer(x, true, longer, sizeof(longer), sizeof(longer)));
  refused(x, "QUERY of 4 bytes");
}

/* Reserved fields are ignored by the receiver (PCIe r6.0 §2 RsvdP/RsvdZ in
 * messages): a QUERY with its Reserved byte set is answered as usual. */
static void query_reserved(ot_val_ctx *x) {
  uint8_t b[] = {OT_IDE_KM_PROTOCOL_ID, OT_IDE_KM_QUERY, 0xFF, 0x00};
  if (!ot_ok(val_xfer(x, true, b, sizeof(b), sizeof(b)))) {
    char ans[64];
    val_answer_text(x, ans, sizeof(ans));
    val_check(x, false, "QUERY with Reserved = FFh: QUERY_RESP expected, got %s", ans);
    return;
  }
  ot_reader r;
  ot_reader_init(&r, x->rsp, x->rsp_len);
  ot_ide_km_query_resp q;
  ot_status st = ot_ide_km_decode_query_resp(&r, &q);
  val_check(x, ot_ok(st) && q.port_index == 0,
            "QUERY with Reserved = FFh: a QUERY_RESP for PortIndex 0 (%s)", ot_status_message(st));
}

/* QUERY only reads (§6.33.3: it returns the port's identity and registers):
 * a key programmed on port 0 is still there after a QUERY of port 0, and of
 * another port, so K_SET_GO of it is acknowledged. */
static void query_no_side_effect(ot_val_ctx *x) {
  prelude(x);
  uint8_t kss = ot_ide_km_kss(0, OT_IDE_KM_RX, OT_IDE_SUB_PR);
  uint8_t b[KM_KEY_PROG_LEN];
  if (!ot_ok(build_key_prog(b, 0, stream(x), kss))) {
    val_check(x, false, "cannot build the request");
    return;
  }
  OT_IGNORE(send_key_prog(x, true, b, sizeof(b)));
  if (!kp_ack_is(x, 0, stream(x), kss, OT_IDE_KM_KP_SUCCESS, "KEY_PROG K0 RX PR")) return;
  unsigned other = x->dev->max_port_index > 0 ? 1u : 0u;
  OT_IGNORE(send_query(x, true, 0));
  val_check(x, ot_ok(x->st), "QUERY PortIndex 0 answered");
  if (other) {
    OT_IGNORE(send_query(x, true, (uint8_t)other));
    val_check(x, ot_ok(x->st), "QUERY PortIndex %u answered", other);
  }
  OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_GO, 0, stream(x), kss));
  char what[80];
  snprintf(what, sizeof(what), "K_SET_GO K0 RX PR on port 0 after QUERY of port 0%s",
           other ? " and port 1" : "");
  ack_ok(x, OT_IDE_KM_K_GOSTOP_ACK, 0, stream(x), kss, NULL, what);
  prelude(x);
  cleanup_stop(x, 0, stream(x), kss);
}

/* Object IDs no request has (§6.33.3 object table): refused. Response
 * objects sent as requests are refused too. */
static void unknown_objects(ot_val_ctx *x) {
  static const uint8_t ids[] = {
      0x07, 0x08, 0x7F, 0x80, 0xFF, OT_IDE_KM_QUERY_RESP, OT_IDE_KM_KP_ACK, OT_IDE_KM_K_GOSTOP_ACK};
  for (size_t i = 0; i < sizeof(ids); i++) {
    /* Sized as a K_SET_* so that only the Object ID is wrong. */
    uint8_t b[KM_REF_LEN] = {OT_IDE_KM_PROTOCOL_ID, ids[i], 0, 0, stream(x), 0, 0, 0};
    char what[48];
    snprintf(what, sizeof(what), "Object ID 0x%02x (%s)", ids[i], obj_name(ids[i]));
    OT_IGNORE(val_xfer(x, true, b, sizeof(b), sizeof(b)));
    refused(x, what);
  }
}

/* The Stream IDs of the Selective IDE Stream blocks not enabled in a
 * QUERY_RESP's register image (PCIe r6.0 §7.9.26.2, §7.9.26.5), or Stream ID 0
 * alone when the image is all zero (no register image reported). */
static size_t free_streams(const ot_ide_km_query_resp *q, uint8_t *ids, size_t cap) {
  bool zero = true;
  for (size_t i = 0; i < q->reg_count && zero; i++)
    zero = ot_ide_km_query_resp_reg(q, i) == 0;
  if (zero || q->reg_count < 2) {
    ids[0] = 0;
    return 1;
  }
  uint32_t c = ot_ide_km_query_resp_reg(q, 0);
  size_t i = 2, n = 0;
  if (c & OT_IDE_CAP_LINK) i += 2u * (OT_FIELD_GET(OT_IDE_CAP_LINK_TCS, c) + 1u);
  size_t nsel = (c & OT_IDE_CAP_SELECTIVE) ? OT_FIELD_GET(OT_IDE_CAP_SEL_STREAMS, c) + 1u : 0;
  for (size_t b = 0; b < nsel && n < cap; b++) {
    if (i + OT_IDE_SEL_BLOCK_FIXED / 4u > q->reg_count) break;
    uint32_t scap = ot_ide_km_query_resp_reg(q, i + OT_IDE_SEL_CAP / 4u);
    uint32_t ctl = ot_ide_km_query_resp_reg(q, i + OT_IDE_SEL_CTL / 4u);
    if (!(ctl & OT_IDE_STREAM_CTL_ENABLE))
      ids[n++] = (uint8_t)OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, ctl);
    i += OT_IDE_SEL_BLOCK_SIZE(OT_FIELD_GET(OT_IDE_SEL_CAP_ADDR_BLOCKS, scap)) / 4u;
  }
  return n;
}

/* KEY_PROG for each port, each free stream of it, each key set, direction
 * and sub-stream: KP_ACK 00h echoing the request; each then stopped again.
 * One assertion per (port, stream); a failed KEY_PROG is reported alone. */
static void key_prog_each(ot_val_ctx *x) {
  for (unsigned p = 0; p <= x->dev->max_port_index; p++) {
    ot_ide_km_query_resp q;
    if (!query_port(x, p, &q)) continue;
    uint8_t ids[OT_IDE_KM_MAX_SEL_BLOCKS];
    size_t n = free_streams(&q, ids, sizeof(ids));
    if (n == 0) {
      val_check(x, true, "port %u: every Selective IDE Stream block is enabled: nothing to key", p);
      continue;
    }
    for (size_t s = 0; s < n; s++) {
      size_t before = x->fails;
      x->quiet = true;
      for (uint8_t ks = 0; ks < 2; ks++)
        for (uint8_t dir = 0; dir < 2; dir++)
          for (uint8_t sub = 0; sub < OT_IDE_NUM_SUBSTREAMS; sub++) {
            uint8_t kss = ot_ide_km_kss(ks, (ot_ide_km_dir)dir, (ot_ide_substream)sub);
            uint8_t b[KM_KEY_PROG_LEN];
            char what[64];
            snprintf(what, sizeof(what), "KEY_PROG port %u stream %u K%u %s %s", p, ids[s], ks,
                     dir ? "TX" : "RX", sub_name(sub));
            if (!ot_ok(build_key_prog(b, (uint8_t)p, ids[s], kss))) {
              val_check(x, false, "%s: cannot build the request", what);
              continue;
            }
            OT_IGNORE(send_key_prog(x, true, b, sizeof(b)));
            kp_ack_is(x, (uint8_t)p, ids[s], kss, OT_IDE_KM_KP_SUCCESS, what);
            cleanup_stop(x, (uint8_t)p, ids[s], kss);
          }
      x->quiet = false;
      val_check(x, x->fails == before,
                "port %u stream %u: KEY_PROG K0/K1 x RX/TX x PR/NPR/CPL, each KP_ACK 00h echoing "
                "the request",
                p, ids[s]);
    }
  }
}

/* KEY_PROG shorter or longer than 47 bytes: KP_ACK 01h Incorrect Length. */
static void key_prog_length(ot_val_ctx *x) {
  prelude(x);
  uint8_t kss = ot_ide_km_kss(0, OT_IDE_KM_RX, OT_IDE_SUB_PR);
  static const size_t lens[] = {KM_KEY_PROG_LEN - 1u, KM_KEY_PROG_LEN - 4u, KM_KEY_PROG_LEN + 1u,
                                KM_KEY_PROG_LEN + 4u};
  for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
    uint8_t b[KM_KEY_PROG_LEN + 4u] = {0};
    char what[48];
    snprintf(what, sizeof(what), "KEY_PROG of %zu bytes", lens[i] - 1u);
    if (!ot_ok(build_key_prog(b, 0, stream(x), kss))) {
      val_check(x, false, "%s: cannot build the request", what);
      continue;
    }
    OT_IGNORE(send_key_prog(x, true, b, lens[i]));
    ot_zeroize(b, sizeof(b));
    kp_ack_is(x, 0, stream(x), kss, OT_IDE_KM_KP_INCORRECT_LENGTH, what);
    cleanup_stop(x, 0, stream(x), kss);
  }
}

/* KEY_PROG for a PortIndex past MaxPortIndex: KP_ACK 02h Unsupported Port. */
static void key_prog_port(ot_val_ctx *x) {
  prelude(x);
  if (x->dev->max_port_index == 0xFF) {
    val_skip(x, "MaxPortIndex is 255: every PortIndex names a port");
    return;
  }
  uint8_t kss = ot_ide_km_kss(0, OT_IDE_KM_RX, OT_IDE_SUB_PR);
  uint8_t ports[2] = {(uint8_t)(x->dev->max_port_index + 1u), 0xFF};
  for (size_t i = 0; i < (ports[0] == 0xFF ? 1u : 2u); i++) {
    uint8_t b[KM_KEY_PROG_LEN];
    char what[48];
    snprintf(what, sizeof(what), "KEY_PROG PortIndex %u", ports[i]);
    if (!ot_ok(build_key_prog(b, ports[i], stream(x), kss))) {
      val_check(x, false, "%s: cannot build the request", what);
      continue;
    }
    OT_IGNORE(send_key_prog(x, true, b, sizeof(b)));
    kp_ack_is(x, ports[i], stream(x), kss, OT_IDE_KM_KP_UNSUPPORTED_PORT, what);
  }
}

/* KEY_PROG for sub-streams 3..15 (only PR, NPR and CPL exist): KP_ACK 03h
 * Unsupported Value. */
static void key_prog_substream(ot_val_ctx *x) {
  prelude(x);
  for (uint8_t sub = OT_IDE_KM_KSS_SUB_MAX + 1u; sub <= 15u; sub++) {
    uint8_t kss = (uint8_t)OT_FIELD_PREP(OT_IDE_KM_KSS_SUB, sub);
    uint8_t b[KM_KEY_PROG_LEN];
    char what[48];
    snprintf(what, sizeof(what), "KEY_PROG sub-stream %u", sub);
    if (!ot_ok(build_key_prog(b, 0, stream(x), kss))) {
      val_check(x, false, "%s: cannot build the request", what);
      continue;
    }
    OT_IGNORE(send_key_prog(x, true, b, sizeof(b)));
    kp_ack_is(x, 0, stream(x), kss, OT_IDE_KM_KP_UNSUPPORTED_VALUE, what);
    cleanup_stop(x, 0, stream(x), kss);
  }
}

/* KEY_PROG for a Stream ID no Selective IDE Stream block of the port holds
 * (the register image says which): KP_ACK 03h Unsupported Value. */
static void key_prog_stream(ot_val_ctx *x) {
  prelude(x);
  int free_id = -1;
  for (int id = 255; id >= 0 && free_id < 0; id--)
    if (!(x->dev->held[id / 8] & (1u << (id % 8)))) free_id = id;
  if (free_id < 0) {
    val_skip(x, "every Stream ID is held by a block");
    return;
  }
  uint8_t kss = ot_ide_km_kss(0, OT_IDE_KM_RX, OT_IDE_SUB_PR);
  uint8_t b[KM_KEY_PROG_LEN];
  char what[48];
  snprintf(what, sizeof(what), "KEY_PROG Stream ID %d (no block holds it)", free_id);
  if (!ot_ok(build_key_prog(b, 0, (uint8_t)free_id, kss))) {
    val_check(x, false, "%s: cannot build the request", what);
    return;
  }
  OT_IGNORE(send_key_prog(x, true, b, sizeof(b)));
  kp_ack_is(x, 0, (uint8_t)free_id, kss, OT_IDE_KM_KP_UNSUPPORTED_VALUE, what);
  cleanup_stop(x, 0, (uint8_t)free_id, kss);
}

/* KEY_PROG with its Reserved bytes (1, 2 and 4) set: ignored by the receiver
 * (RsvdP/RsvdZ), so the key is taken: KP_ACK 00h. */
static void key_prog_reserved(ot_val_ctx *x) {
  prelude(x);
  uint8_t kss = ot_ide_km_kss(0, OT_IDE_KM_RX, OT_IDE_SUB_PR);
  uint8_t b[KM_KEY_PROG_LEN];
  if (!ot_ok(build_key_prog(b, 0, stream(x), kss))) {
    val_check(x, false, "cannot build the request");
    return;
  }
  b[1 + 1] = 0xFF; /* bytes 1-2 Reserved */
  b[1 + 2] = 0xFF;
  b[1 + OT_IDE_KM_OFF_STATUS] = 0xFF; /* byte 4 Reserved in KEY_PROG */
  OT_IGNORE(send_key_prog(x, true, b, sizeof(b)));
  kp_ack_is(x, 0, stream(x), kss, OT_IDE_KM_KP_SUCCESS, "KEY_PROG with Reserved bytes FFh");
  cleanup_stop(x, 0, stream(x), kss);
}

/* K_SET_GO and K_SET_STOP in each state: GO after KEY_PROG, STOP of a GO set,
 * STOP of a stopped (empty) set: each K_GOSTOP_ACK echoing the request. */
static void kset_states(ot_val_ctx *x) {
  prelude(x);
  for (uint8_t dir = 0; dir < 2; dir++) {
    uint8_t kss = ot_ide_km_kss(0, (ot_ide_km_dir)dir, OT_IDE_SUB_PR);
    const char *d = dir ? "TX" : "RX";
    char what[64];
    uint8_t b[KM_KEY_PROG_LEN];
    if (!ot_ok(build_key_prog(b, 0, stream(x), kss))) {
      val_check(x, false, "cannot build the request");
      return;
    }
    OT_IGNORE(send_key_prog(x, true, b, sizeof(b)));
    snprintf(what, sizeof(what), "KEY_PROG K0 %s PR", d);
    if (!kp_ack_is(x, 0, stream(x), kss, OT_IDE_KM_KP_SUCCESS, what)) continue;
    snprintf(what, sizeof(what), "K_SET_GO K0 %s PR (programmed)", d);
    OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_GO, 0, stream(x), kss));
    ack_ok(x, OT_IDE_KM_K_GOSTOP_ACK, 0, stream(x), kss, NULL, what);
    snprintf(what, sizeof(what), "K_SET_STOP K0 %s PR (GO)", d);
    OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_STOP, 0, stream(x), kss));
    ack_ok(x, OT_IDE_KM_K_GOSTOP_ACK, 0, stream(x), kss, NULL, what);
    snprintf(what, sizeof(what), "K_SET_STOP K0 %s PR (already stopped)", d);
    OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_STOP, 0, stream(x), kss));
    ack_ok(x, OT_IDE_KM_K_GOSTOP_ACK, 0, stream(x), kss, NULL, what);
    /* programmed but never GO, then stopped */
    if (!ot_ok(build_key_prog(b, 0, stream(x), kss))) {
      val_check(x, false, "cannot build the request");
      return;
    }
    OT_IGNORE(send_key_prog(x, true, b, sizeof(b)));
    snprintf(what, sizeof(what), "KEY_PROG K0 %s PR again", d);
    if (!kp_ack_is(x, 0, stream(x), kss, OT_IDE_KM_KP_SUCCESS, what)) continue;
    snprintf(what, sizeof(what), "K_SET_STOP K0 %s PR (programmed, never GO)", d);
    OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_STOP, 0, stream(x), kss));
    ack_ok(x, OT_IDE_KM_K_GOSTOP_ACK, 0, stream(x), kss, NULL, what);
  }
}

/* K_SET_GO for a key set never programmed (or stopped, hence zeroized):
 * there is no key to go with, so it is refused. */
static void kset_go_unprogrammed(ot_val_ctx *x) {
  prelude(x);
  uint8_t kss = ot_ide_km_kss(1, OT_IDE_KM_RX, OT_IDE_SUB_NPR);
  cleanup_stop(x, 0, stream(x), kss); /* make sure it is empty */
  OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_GO, 0, stream(x), kss));
  bool ok = refused(x, "K_SET_GO K1 RX NPR (never programmed)");
  if (!ok) cleanup_stop(x, 0, stream(x), kss);
}

/* Key refresh (§6.33.4): with K0 GO, program K1, K_SET_GO K1 (traffic
 * switches sets), K_SET_STOP K0; then K_SET_STOP K1. All acknowledged. */
static void key_refresh(ot_val_ctx *x) {
  prelude(x);
  uint8_t sid = stream(x);
  for (uint8_t step = 0; step < 2; step++) {
    for (uint8_t dir = 0; dir < 2; dir++)
      for (uint8_t sub = 0; sub < OT_IDE_NUM_SUBSTREAMS; sub++) {
        uint8_t kss = ot_ide_km_kss(step, (ot_ide_km_dir)dir, (ot_ide_substream)sub);
        uint8_t b[KM_KEY_PROG_LEN];
        char what[64];
        snprintf(what, sizeof(what), "K%u %s %s: KEY_PROG", step, dir ? "TX" : "RX", sub_name(sub));
        if (!ot_ok(build_key_prog(b, 0, sid, kss))) {
          val_check(x, false, "%s: cannot build the request", what);
          continue;
        }
        OT_IGNORE(send_key_prog(x, true, b, sizeof(b)));
        kp_ack_is(x, 0, sid, kss, OT_IDE_KM_KP_SUCCESS, what);
      }
    for (uint8_t dir = 0; dir < 2; dir++)
      for (uint8_t sub = 0; sub < OT_IDE_NUM_SUBSTREAMS; sub++) {
        uint8_t kss = ot_ide_km_kss(step, (ot_ide_km_dir)dir, (ot_ide_substream)sub);
        char what[64];
        snprintf(what, sizeof(what), "K%u %s %s: K_SET_GO", step, dir ? "TX" : "RX", sub_name(sub));
        OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_GO, 0, sid, kss));
        ack_ok(x, OT_IDE_KM_K_GOSTOP_ACK, 0, sid, kss, NULL, what);
      }
    if (step == 1)
      for (uint8_t dir = 0; dir < 2; dir++)
        for (uint8_t sub = 0; sub < OT_IDE_NUM_SUBSTREAMS; sub++) {
          uint8_t kss = ot_ide_km_kss(0, (ot_ide_km_dir)dir, (ot_ide_substream)sub);
          char what[64];
          snprintf(what, sizeof(what), "K0 %s %s: K_SET_STOP after the switch", dir ? "TX" : "RX",
                   sub_name(sub));
          OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_STOP, 0, sid, kss));
          ack_ok(x, OT_IDE_KM_K_GOSTOP_ACK, 0, sid, kss, NULL, what);
        }
  }
  for (uint8_t dir = 0; dir < 2; dir++)
    for (uint8_t sub = 0; sub < OT_IDE_NUM_SUBSTREAMS; sub++) {
      uint8_t kss = ot_ide_km_kss(1, (ot_ide_km_dir)dir, (ot_ide_substream)sub);
      char what[64];
      snprintf(what, sizeof(what), "K1 %s %s: K_SET_STOP", dir ? "TX" : "RX", sub_name(sub));
      OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_STOP, 0, sid, kss));
      ack_ok(x, OT_IDE_KM_K_GOSTOP_ACK, 0, sid, kss, NULL, what);
    }
}

/* K_SET_GO / K_SET_STOP for a port past MaxPortIndex, or of the wrong length: refused. */
static void kset_bad(ot_val_ctx *x) {
  prelude(x);
  uint8_t kss = ot_ide_km_kss(0, OT_IDE_KM_RX, OT_IDE_SUB_PR);
  if (x->dev->max_port_index < 0xFF) {
    uint8_t port = (uint8_t)(x->dev->max_port_index + 1u);
    OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_GO, port, stream(x), kss));
    refused(x, "K_SET_GO PortIndex past MaxPortIndex");
    OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_STOP, port, stream(x), kss));
    refused(x, "K_SET_STOP PortIndex past MaxPortIndex");
  }
  uint8_t b[KM_REF_LEN + 1] = {
      OT_IDE_KM_PROTOCOL_ID, OT_IDE_KM_K_SET_STOP, 0, 0, stream(x), 0, kss, 0};
  OT_IGNORE(val_xfer(x, true, b, KM_REF_LEN - 1u, KM_REF_LEN - 1u));
  refused(x, "K_SET_STOP of 6 bytes");
  OT_IGNORE(val_xfer(x, true, b, KM_REF_LEN + 1u, KM_REF_LEN + 1u));
  refused(x, "K_SET_STOP of 8 bytes");
}

/* IDE_KM outside a secured session (§6.33.3: IDE_KM messages travel only
 * inside a secure SPDM session): every request refused, nothing programmed. */
static void outside_session(ot_val_ctx *x) {
  prelude(x);
  uint8_t kss = ot_ide_km_kss(0, OT_IDE_KM_RX, OT_IDE_SUB_PR);
  OT_IGNORE(send_query(x, false, 0));
  refused(x, "QUERY in the clear");
  uint8_t b[KM_KEY_PROG_LEN];
  if (ot_ok(build_key_prog(b, 0, stream(x), kss))) {
    OT_IGNORE(send_key_prog(x, false, b, sizeof(b)));
    bool took = ot_ok(x->st) && x->rsp_len == KM_REF_LEN && x->rsp[1] == OT_IDE_KM_KP_ACK &&
                x->rsp[1 + OT_IDE_KM_OFF_STATUS] == OT_IDE_KM_KP_SUCCESS;
    if (took)
      val_check(x, false, "KEY_PROG in the clear: must be refused, got KP_ACK 00h (key taken)");
    else
      refused(x, "KEY_PROG in the clear");
  }
  OT_IGNORE(send_ref(x, false, OT_IDE_KM_K_SET_GO, 0, stream(x), kss));
  refused(x, "K_SET_GO in the clear");
  OT_IGNORE(send_ref(x, false, OT_IDE_KM_K_SET_STOP, 0, stream(x), kss));
  refused(x, "K_SET_STOP in the clear");
  cleanup_stop(x, 0, stream(x), kss);
}

const ot_val_case ot_val_cases_ide_km[] = {
    {"IDEKM.QUERY.1", "ide_km", KM_CLAUSE, "QUERY for every PortIndex up to MaxPortIndex",
     OT_VAL_CAP_IDE_KM, query_each_port},
    {"IDEKM.QUERY.2", "ide_km", KM_CLAUSE, "QUERY past MaxPortIndex is refused", OT_VAL_CAP_IDE_KM,
     query_past_max},
    {"IDEKM.QUERY.3", "ide_km", KM_CLAUSE, "QUERY of the wrong length is refused",
     OT_VAL_CAP_IDE_KM, query_wrong_length},
    {"IDEKM.QUERY.4", "ide_km", KM_CLAUSE, "QUERY with its Reserved byte set is answered",
     OT_VAL_CAP_IDE_KM, query_reserved},
    {"IDEKM.QUERY.5", "ide_km", KM_CLAUSE,
     "QUERY changes nothing: a programmed key survives QUERY of its port and another",
     OT_VAL_CAP_IDE_KM, query_no_side_effect},
    {"IDEKM.OBJECT.1", "ide_km", KM_CLAUSE, "unknown and response Object IDs are refused",
     OT_VAL_CAP_IDE_KM, unknown_objects},
    {"IDEKM.KEYPROG.1", "ide_km", KM_CLAUSE,
     "KEY_PROG for each port, stream, key set, direction and sub-stream: KP_ACK 00h",
     OT_VAL_CAP_IDE_KM, key_prog_each},
    {"IDEKM.KEYPROG.2", "ide_km", KM_CLAUSE, "KEY_PROG of the wrong length: KP_ACK 01h",
     OT_VAL_CAP_IDE_KM, key_prog_length},
    {"IDEKM.KEYPROG.3", "ide_km", KM_CLAUSE, "KEY_PROG past MaxPortIndex: KP_ACK 02h",
     OT_VAL_CAP_IDE_KM, key_prog_port},
    {"IDEKM.KEYPROG.4", "ide_km", KM_CLAUSE, "KEY_PROG for sub-streams 3..15: KP_ACK 03h",
     OT_VAL_CAP_IDE_KM, key_prog_substream},
    {"IDEKM.KEYPROG.5", "ide_km", KM_CLAUSE, "KEY_PROG for a Stream ID no block holds: KP_ACK 03h",
     OT_VAL_CAP_IDE_KM | OT_VAL_CAP_IDE_REGS, key_prog_stream},
    {"IDEKM.KEYPROG.6", "ide_km", KM_CLAUSE, "KEY_PROG with Reserved bytes set: KP_ACK 00h",
     OT_VAL_CAP_IDE_KM, key_prog_reserved},
    {"IDEKM.KSET.1", "ide_km", KM_CLAUSE, "K_SET_GO and K_SET_STOP in each key set state",
     OT_VAL_CAP_IDE_KM, kset_states},
    {"IDEKM.KSET.2", "ide_km", KM_CLAUSE, "K_SET_GO of a key set never programmed is refused",
     OT_VAL_CAP_IDE_KM, kset_go_unprogrammed},
    {"IDEKM.KSET.3", "ide_km", "PCIe Base r6.0 §6.33.3, §6.33.4",
     "key refresh: program K1, GO K1, STOP K0, STOP K1", OT_VAL_CAP_IDE_KM, key_refresh},
    {"IDEKM.KSET.4", "ide_km", KM_CLAUSE,
     "K_SET_* past MaxPortIndex or of the wrong length is refused", OT_VAL_CAP_IDE_KM, kset_bad},
    {"IDEKM.SESSION.1", "ide_km", KM_CLAUSE, "every IDE_KM request outside a session is refused",
     OT_VAL_CAP_IDE_KM, outside_session},
};
const size_t ot_val_cases_ide_km_count =
    sizeof(ot_val_cases_ide_km) / sizeof(ot_val_cases_ide_km[0]);

/* ---- for the TDISP cases: the stream a TDI binds to ----------------------------------- */

bool val_ide_up(ot_val_ctx *x) {
  prelude(x);
  uint8_t sid = stream(x);
  for (uint8_t dir = 0; dir < 2; dir++)
    for (uint8_t sub = 0; sub < OT_IDE_NUM_SUBSTREAMS; sub++) {
      uint8_t kss = ot_ide_km_kss(0, (ot_ide_km_dir)dir, (ot_ide_substream)sub);
      uint8_t b[KM_KEY_PROG_LEN];
      if (!ot_ok(build_key_prog(b, 0, sid, kss))) return false;
      OT_IGNORE(send_key_prog(x, true, b, sizeof(b)));
      if (!kp_ack_is(x, 0, sid, kss, OT_IDE_KM_KP_SUCCESS, "IDE stream for the TDI: KEY_PROG"))
        return false;
    }
  for (uint8_t dir = 0; dir < 2; dir++)
    for (uint8_t sub = 0; sub < OT_IDE_NUM_SUBSTREAMS; sub++) {
      uint8_t kss = ot_ide_km_kss(0, (ot_ide_km_dir)dir, (ot_ide_substream)sub);
      OT_IGNORE(send_ref(x, true, OT_IDE_KM_K_SET_GO, 0, sid, kss));
      if (!ack_ok(x, OT_IDE_KM_K_GOSTOP_ACK, 0, sid, kss, NULL, "IDE stream for the TDI: K_SET_GO"))
        return false;
    }
  return true;
}

void val_ide_down(ot_val_ctx *x) {
  for (uint8_t dir = 0; dir < 2; dir++)
    for (uint8_t sub = 0; sub < OT_IDE_NUM_SUBSTREAMS; sub++)
      cleanup_stop(x, 0, stream(x), ot_ide_km_kss(0, (ot_ide_km_dir)dir, (ot_ide_substream)sub));
}
