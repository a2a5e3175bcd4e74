/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TDISP cases (PCIe Base r6.0 §11.2 TDI states, §11.3 messages; constants in
 * opentsm/spec/tdisp.h). Requests are built with the TDISP codec, malformed
 * ones byte by byte; every answer is split and decoded with the codec's
 * bounds-checked decoders (header of any version, then the body of its
 * code). A case that locks the TDI first brings up the IDE stream the lock
 * names (when the device does IDE_KM) and leaves the TDI CONFIG_UNLOCKED and
 * the stream stopped.
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/tdisp.h"
#include "validate_internal.h"

#define TD_CLAUSE "PCIe Base r6.0 §11.3"
#define TD_STATES "PCIe Base r6.0 §11.2, §11.3"
#define TD_KEEP 64u

/* A decoded answer. */
typedef struct td_rsp {
  uint8_t version, code;
  uint32_t function_id;
  ot_tdisp_msg m;
} td_rsp;

static uint32_t fid(const ot_val_ctx *x) { return x->opts->tdi_function_id; }

static ot_status td_send(ot_val_ctx *x, bool secured, ot_tdisp_msg *m) {
  uint8_t b[128];
  ot_writer w;
  ot_writer_init(&w, b, sizeof(b));
  if (m->version == 0) m->version = OT_TDISP_VERSION_10;
  OT_GUARD(ot_tdisp_payload_encode(&w, m));
  return val_xfer(x, secured, b, ot_writer_len(&w), TD_KEEP);
}

/* A message built byte by byte: header (version, code, FUNCTION_ID, its
 * reserved bytes all `rsvd`) then body. */
static ot_status td_raw_rsvd(ot_val_ctx *x, uint8_t version, uint8_t code, uint32_t function_id,
                             uint8_t rsvd, const uint8_t *body, size_t blen) {
  uint8_t b[128];
  ot_writer w;
  ot_writer_init(&w, b, sizeof(b));
  OT_GUARD(ot_write_u8(&w, OT_PCISIG_PROTOCOL_TDISP));
  OT_GUARD(ot_write_u8(&w, version));
  OT_GUARD(ot_write_u8(&w, code));
  OT_GUARD(ot_write_u8(&w, rsvd));
  OT_GUARD(ot_write_u8(&w, rsvd));
  OT_GUARD(ot_write_u32le(&w, function_id));
  for (size_t i = 0; i < OT_TDISP_INTERFACE_ID_RSVD; i++)
    OT_GUARD(ot_write_u8(&w, rsvd));
  if (blen) OT_GUARD(ot_write_bytes(&w, body, blen));
  return val_xfer(x, true, b, ot_writer_len(&w), TD_KEEP);
}
static ot_status td_raw(ot_val_ctx *x, uint8_t version, uint8_t code, uint32_t function_id,
                        const uint8_t *body, size_t blen) {
  return td_raw_rsvd(x, version, code, function_id, 0, body, blen);
}

/* Decodes the last answer; false (with a FAIL naming why) when it cannot. */
static bool td_parse(ot_val_ctx *x, td_rsp *out, const char *what) {
  char ans[64];
  if (!ot_ok(x->st)) {
    val_answer_text(x, ans, sizeof(ans));
    return val_check(x, false, "%s: no TDISP answer (%s)", what, ans);
  }
  const uint8_t *msg = NULL;
  size_t len = 0;
  ot_status st = ot_tdisp_payload_open(x->rsp, x->rsp_len, &msg, &len);
  ot_reader r;
  if (ot_ok(st)) {
    ot_reader_init(&r, msg, len);
    memset(out, 0, sizeof(*out));
    st = ot_tdisp_decode_header(&r, &out->version, &out->code, &out->function_id);
  }
  if (ot_ok(st)) st = ot_tdisp_decode_body(&r, out->code, &out->m);
  if (!ot_ok(st))
    return val_check(x, false, "%s: the answer does not decode (%s)", what, ot_status_message(st));
  return true;
}

/* The answer is response `code` for our TDI, version 1.0. */
static bool td_expect(ot_val_ctx *x, uint8_t code, td_rsp *out, const char *what) {
  td_rsp tmp;
  td_rsp *r = out ? out : &tmp;
  if (!td_parse(x, r, what)) return false;
  if (r->code == OT_TDISP_ERROR)
    return val_check(x, false, "%s: %s expected, got TDISP_ERROR %s (0x%04x)", what,
                     ot_tdisp_code_name(code), ot_tdisp_error_name(r->m.u.error.code),
                     r->m.u.error.code);
  return val_check(
      x, r->code == code && r->version == OT_TDISP_VERSION_10 && r->function_id == fid(x),
      "%s: %s for version 1.0 and FUNCTION_ID 0x%x (got %s, version 0x%02x, 0x%x)", what,
      ot_tdisp_code_name(code), fid(x), ot_tdisp_code_name(r->code), r->version, r->function_id);
}

/* The answer is TDISP_ERROR with ERROR_CODE `err` (§11.3 TDISP_ERROR). */
static bool td_expect_error(ot_val_ctx *x, uint32_t err, const char *what) {
  td_rsp r;
  if (!td_parse(x, &r, what)) return false;
  if (r.code != OT_TDISP_ERROR)
    return val_check(x, false, "%s: TDISP_ERROR %s expected, got %s", what,
                     ot_tdisp_error_name(err), ot_tdisp_code_name(r.code));
  return val_check(x, r.m.u.error.code == err, "%s: TDISP_ERROR %s expected, got %s (0x%04x)", what,
                   ot_tdisp_error_name(err), ot_tdisp_error_name(r.m.u.error.code),
                   r.m.u.error.code);
}

/* GET_DEVICE_INTERFACE_STATE; -1 when there is no valid answer (a FAIL then). */
static int td_state(ot_val_ctx *x, const char *what) {
  ot_tdisp_msg m = {.code = OT_TDISP_GET_DEVICE_INTERFACE_STATE, .function_id = fid(x)};
  OT_IGNORE(td_send(x, true, &m));
  td_rsp r;
  if (!td_expect(x, OT_TDISP_DEVICE_INTERFACE_STATE, &r, what)) return -1;
  return r.m.u.tdi_state;
}

static bool td_state_is(ot_val_ctx *x, int want, const char *what) {
  static const char *const names[] = {"CONFIG_UNLOCKED", "CONFIG_LOCKED", "RUN", "ERROR"};
  int s = td_state(x, what);
  if (s < 0) return false;
  return val_check(x, s == want, "%s: TDI_STATE %s (got %s)", what, names[want & 3],
                   s <= 3 ? names[s] : "?");
}

static ot_status td_send_lock(ot_val_ctx *x, uint16_t flags) {
  ot_tdisp_msg m = {.code = OT_TDISP_LOCK_INTERFACE_REQUEST, .function_id = fid(x)};
  m.u.lock.flags = flags;
  m.u.lock.default_stream_id = x->dev->stream_id;
  return td_send(x, true, &m);
}

/* LOCK with no flags; the nonce into nonce. Asserts the answer. */
static bool td_lock(ot_val_ctx *x, uint8_t nonce[static OT_TDISP_NONCE_SIZE], const char *what) {
  OT_IGNORE(td_send_lock(x, 0));
  td_rsp r;
  if (!td_expect(x, OT_TDISP_LOCK_INTERFACE_RESPONSE, &r, what)) return false;
  memcpy(nonce, r.m.u.nonce, OT_TDISP_NONCE_SIZE);
  return true;
}

static ot_status td_send_start(ot_val_ctx *x, const uint8_t nonce[static OT_TDISP_NONCE_SIZE]) {
  ot_tdisp_msg m = {.code = OT_TDISP_START_INTERFACE_REQUEST, .function_id = fid(x)};
  memcpy(m.u.nonce, nonce, OT_TDISP_NONCE_SIZE);
  return td_send(x, true, &m);
}

static ot_status td_send_simple(ot_val_ctx *x, bool secured, uint8_t code) {
  ot_tdisp_msg m = {.code = code, .function_id = fid(x)};
  if (code == OT_TDISP_GET_DEVICE_INTERFACE_REPORT) m.u.get_report.length = 0x40;
  return td_send(x, secured, &m);
}

/* Back to CONFIG_UNLOCKED and the stream stopped, whatever happened (no assertion). */
static void td_cleanup(ot_val_ctx *x, bool ide) {
  OT_IGNORE(td_send_simple(x, true, OT_TDISP_STOP_INTERFACE_REQUEST));
  if (ide) val_ide_down(x);
}

/* Brings up the stream (IDE_KM devices) and locks; false after a FAIL. */
static bool td_setup_locked(ot_val_ctx *x, uint8_t nonce[static OT_TDISP_NONCE_SIZE], bool *ide) {
  *ide = (x->dev->caps & OT_VAL_CAP_IDE_KM) != 0;
  if (*ide && !val_ide_up(x)) return false;
  return td_lock(x, nonce, "LOCK_INTERFACE_REQUEST (flags 0)");
}

/* ---- probe ------------------------------------------------------------------------- */

void val_probe_tdisp(ot_val_link *l, uint32_t function_id, ot_val_device *d) {
  uint8_t req[64], rsp[VAL_MSG_MAX];
  ot_val_spdm_error err;
  for (int step = 0; step < 2; step++) {
    ot_tdisp_msg m = {.version = OT_TDISP_VERSION_10,
                      .code = step ? OT_TDISP_GET_CAPABILITIES : OT_TDISP_GET_VERSION,
                      .function_id = function_id};
    ot_writer w;
    ot_writer_init(&w, req, sizeof(req));
    if (!ot_ok(ot_tdisp_payload_encode(&w, &m))) return;
    size_t n = 0;
    if (!ot_ok(l->vdm(l, true, req, ot_writer_len(&w), rsp, sizeof(rsp), &n, &err))) return;
    const uint8_t *msg;
    size_t len;
    if (!ot_ok(ot_tdisp_payload_open(rsp, n, &msg, &len))) return;
    ot_reader r;
    ot_reader_init(&r, msg, len);
    ot_tdisp_msg a;
    if (!ot_ok(ot_tdisp_decode(&r, &a))) return;
    if (step == 0) {
      /* A TDISP_ERROR is TDISP spoken too (e.g. INVALID_INTERFACE for a
       * FUNCTION_ID the device does not serve): the cases run and say so. */
      bool has10 = a.code == OT_TDISP_ERROR;
      for (uint8_t i = 0; a.code == OT_TDISP_VERSION && i < a.u.version.count; i++)
        has10 |= a.u.version.versions[i] == OT_TDISP_VERSION_10;
      if (!has10) return;
      d->caps |= OT_VAL_CAP_TDISP;
    } else if (a.code == OT_TDISP_CAPABILITIES) {
      d->tdisp_lock_flags = a.u.caps.lock_flags_supported;
      memcpy(d->tdisp_req_msgs, a.u.caps.req_msgs, sizeof(d->tdisp_req_msgs));
    }
  }
}

/* ---- cases ------------------------------------------------------------------------- */

static void version(ot_val_ctx *x) {
  OT_IGNORE(td_send_simple(x, true, OT_TDISP_GET_VERSION));
  td_rsp r;
  if (!td_expect(x, OT_TDISP_VERSION, &r, "GET_TDISP_VERSION")) return;
  bool has10 = false;
  for (uint8_t i = 0; i < r.m.u.version.count; i++)
    has10 |= r.m.u.version.versions[i] == OT_TDISP_VERSION_10;
  val_check(x, r.m.u.version.count >= 1 && has10, "TDISP_VERSION lists 1.0 among %u entries",
            r.m.u.version.count);
}

/* A request of a version the device does not speak: VERSION_MISMATCH. */
static void version_mismatch(ot_val_ctx *x) {
  static const uint8_t versions[] = {0x20, 0x00, 0xF0};
  uint8_t caps[OT_TDISP_GET_CAPS_BODY] = {0};
  for (size_t i = 0; i < sizeof(versions); i++) {
    char what[64];
    snprintf(what, sizeof(what), "GET_TDISP_CAPABILITIES with TDISPVersion 0x%02x", versions[i]);
    OT_IGNORE(td_raw(x, versions[i], OT_TDISP_GET_CAPABILITIES, fid(x), caps, sizeof(caps)));
    td_expect_error(x, OT_TDISP_ERR_VERSION_MISMATCH, what);
  }
}

static void capabilities(ot_val_ctx *x) {
  ot_tdisp_msg m = {.code = OT_TDISP_GET_CAPABILITIES, .function_id = fid(x)};
  OT_IGNORE(td_send(x, true, &m));
  td_rsp r;
  if (!td_expect(x, OT_TDISP_CAPABILITIES, &r, "GET_TDISP_CAPABILITIES")) return;
  /* The requests every TDISP responder implements (§11.3): 0x81..0x87. */
  bool all = true;
  for (uint8_t c = OT_TDISP_GET_VERSION; c <= OT_TDISP_STOP_INTERFACE_REQUEST; c++) {
    unsigned bit = c - OT_TDISP_REQUEST_BIT;
    all &= (r.m.u.caps.req_msgs[bit / 8u] >> (bit % 8u)) & 1u;
  }
  val_check(x, all, "REQ_MSGS_SUPPORTED lists GET_VERSION .. STOP_INTERFACE (0x81..0x87)");
  val_check(x, (r.m.u.caps.lock_flags_supported & ~OT_TDISP_LOCK_FLAGS_DEFINED) == 0,
            "LOCK_INTERFACE_FLAGS_SUPPORTED 0x%04x has no undefined bit",
            r.m.u.caps.lock_flags_supported);
}

/* CONFIG_UNLOCKED: the report, START and a second STOP have no TDI to act on. */
static void state_unlocked(ot_val_ctx *x) {
  if (!td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "GET_DEVICE_INTERFACE_STATE")) return;
  OT_IGNORE(td_send_simple(x, true, OT_TDISP_GET_DEVICE_INTERFACE_REPORT));
  td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE, "GET_DEVICE_INTERFACE_REPORT unlocked");
  uint8_t zero[OT_TDISP_NONCE_SIZE] = {0};
  OT_IGNORE(td_send_start(x, zero));
  td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE, "START_INTERFACE_REQUEST unlocked");
  td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "state after the refusals");
}

/* CONFIG_LOCKED: GET_VERSION and GET_CAPABILITIES still answered, LOCK
 * refused, STOP returns to CONFIG_UNLOCKED. */
static void state_locked(ot_val_ctx *x) {
  uint8_t nonce[OT_TDISP_NONCE_SIZE];
  bool ide = false;
  if (td_setup_locked(x, nonce, &ide)) {
    td_state_is(x, OT_TDISP_STATE_CONFIG_LOCKED, "after LOCK");
    OT_IGNORE(td_send_simple(x, true, OT_TDISP_GET_VERSION));
    td_expect(x, OT_TDISP_VERSION, NULL, "GET_TDISP_VERSION locked");
    /* Queries change no state (§11.3: valid in every state; state table). */
    td_state_is(x, OT_TDISP_STATE_CONFIG_LOCKED, "after GET_TDISP_VERSION");
    ot_tdisp_msg m = {.code = OT_TDISP_GET_CAPABILITIES, .function_id = fid(x)};
    OT_IGNORE(td_send(x, true, &m));
    td_expect(x, OT_TDISP_CAPABILITIES, NULL, "GET_TDISP_CAPABILITIES locked");
    td_state_is(x, OT_TDISP_STATE_CONFIG_LOCKED, "after GET_TDISP_CAPABILITIES");
    OT_IGNORE(td_send_lock(x, 0));
    td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE, "LOCK_INTERFACE_REQUEST locked");
    OT_IGNORE(td_send_simple(x, true, OT_TDISP_STOP_INTERFACE_REQUEST));
    td_expect(x, OT_TDISP_STOP_INTERFACE_RESPONSE, NULL, "STOP_INTERFACE_REQUEST locked");
    td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "after STOP");
  }
  td_cleanup(x, ide);
}

/* RUN: START with the LOCK nonce; LOCK and START refused; the report still
 * readable; STOP returns to CONFIG_UNLOCKED. */
static void state_run(ot_val_ctx *x) {
  uint8_t nonce[OT_TDISP_NONCE_SIZE];
  bool ide = false;
  if (td_setup_locked(x, nonce, &ide)) {
    OT_IGNORE(td_send_start(x, nonce));
    if (td_expect(x, OT_TDISP_START_INTERFACE_RESPONSE, NULL, "START_INTERFACE_REQUEST")) {
      td_state_is(x, OT_TDISP_STATE_RUN, "after START");
      OT_IGNORE(td_send_lock(x, 0));
      td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE, "LOCK_INTERFACE_REQUEST in RUN");
      OT_IGNORE(td_send_start(x, nonce));
      td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE, "START_INTERFACE_REQUEST in RUN");
      OT_IGNORE(td_send_simple(x, true, OT_TDISP_GET_DEVICE_INTERFACE_REPORT));
      td_expect(x, OT_TDISP_DEVICE_INTERFACE_REPORT, NULL, "GET_DEVICE_INTERFACE_REPORT in RUN");
      OT_IGNORE(td_send_simple(x, true, OT_TDISP_STOP_INTERFACE_REQUEST));
      td_expect(x, OT_TDISP_STOP_INTERFACE_RESPONSE, NULL, "STOP_INTERFACE_REQUEST in RUN");
      td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "after STOP");
    }
  }
  td_cleanup(x, ide);
}

/* ERROR (§11.2): the IDE stream a running TDI is bound to leaving Secure (its
 * key sets stopped) moves the TDI to ERROR; there LOCK, START and the report
 * are refused with INVALID_INTERFACE_STATE, queries answered, and STOP is the
 * way out, to CONFIG_UNLOCKED. */
static void state_error(ot_val_ctx *x) {
  uint8_t nonce[OT_TDISP_NONCE_SIZE];
  bool ide = false;
  if (td_setup_locked(x, nonce, &ide)) {
    OT_IGNORE(td_send_start(x, nonce));
    if (td_expect(x, OT_TDISP_START_INTERFACE_RESPONSE, NULL, "START_INTERFACE_REQUEST")) {
      val_ide_down(x);
      if (td_state_is(x, OT_TDISP_STATE_ERROR, "after K_SET_STOP of the bound stream in RUN")) {
        OT_IGNORE(td_send_simple(x, true, OT_TDISP_GET_VERSION));
        td_expect(x, OT_TDISP_VERSION, NULL, "GET_TDISP_VERSION in ERROR");
        OT_IGNORE(td_send_lock(x, 0));
        td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE, "LOCK_INTERFACE_REQUEST in ERROR");
        OT_IGNORE(td_send_start(x, nonce));
        td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE,
                        "START_INTERFACE_REQUEST in ERROR");
        OT_IGNORE(td_send_simple(x, true, OT_TDISP_GET_DEVICE_INTERFACE_REPORT));
        td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE,
                        "GET_DEVICE_INTERFACE_REPORT in ERROR");
        OT_IGNORE(td_send_simple(x, true, OT_TDISP_STOP_INTERFACE_REQUEST));
        td_expect(x, OT_TDISP_STOP_INTERFACE_RESPONSE, NULL, "STOP_INTERFACE_REQUEST in ERROR");
        td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "after STOP");
      }
    }
  }
  td_cleanup(x, ide);
}

/* LOCK with a flag the device does not offer: refused, TDI still unlocked. */
static void lock_flags(ot_val_ctx *x) {
  uint16_t unsupported = (uint16_t)(~x->dev->tdisp_lock_flags & OT_TDISP_LOCK_FLAGS_DEFINED);
  uint16_t bit = (uint16_t)(unsupported & (~unsupported + 1u));
  if (bit == 0) {
    val_skip(x, "the device offers every defined LOCK flag");
    return;
  }
  char what[64];
  snprintf(what, sizeof(what), "LOCK_INTERFACE_REQUEST with unoffered flag 0x%04x", bit);
  OT_IGNORE(td_send_lock(x, bit));
  bool ok = td_expect_error(x, OT_TDISP_ERR_INVALID_REQUEST, what);
  td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "state after the refused LOCK");
  if (!ok) td_cleanup(x, false);
}

/* The START nonce: not all zero, fresh for each LOCK, and a wrong one refused
 * with INVALID_NONCE without entering RUN. */
static void start_nonce(ot_val_ctx *x) {
  uint8_t n1[OT_TDISP_NONCE_SIZE], n2[OT_TDISP_NONCE_SIZE];
  bool ide = false;
  if (!td_setup_locked(x, n1, &ide)) {
    td_cleanup(x, ide);
    return;
  }
  uint8_t zero[OT_TDISP_NONCE_SIZE] = {0};
  val_check(x, memcmp(n1, zero, sizeof(zero)) != 0, "START_INTERFACE_NONCE is not all zero");
  uint8_t wrong[OT_TDISP_NONCE_SIZE];
  memcpy(wrong, n1, sizeof(wrong));
  wrong[0] ^= 0x01;
  OT_IGNORE(td_send_start(x, wrong));
  td_expect_error(x, OT_TDISP_ERR_INVALID_NONCE, "START_INTERFACE_REQUEST with a wrong nonce");
  int s = td_state(x, "state after the wrong nonce");
  val_check(x, s != OT_TDISP_STATE_RUN, "a wrong nonce does not reach RUN (state %d)", s);
  OT_IGNORE(td_send_simple(x, true, OT_TDISP_STOP_INTERFACE_REQUEST));
  td_expect(x, OT_TDISP_STOP_INTERFACE_RESPONSE, NULL, "STOP_INTERFACE_REQUEST");
  if (td_lock(x, n2, "second LOCK_INTERFACE_REQUEST"))
    val_check(x, memcmp(n1, n2, sizeof(n1)) != 0, "each LOCK gives a fresh nonce");
  td_cleanup(x, ide);
}

static bool td_get_report(ot_val_ctx *x, uint16_t off, uint16_t len, td_rsp *r, const char *what) {
  ot_tdisp_msg m = {.code = OT_TDISP_GET_DEVICE_INTERFACE_REPORT, .function_id = fid(x)};
  m.u.get_report.offset = off;
  m.u.get_report.length = len;
  OT_IGNORE(td_send(x, true, &m));
  return td_expect(x, OT_TDISP_DEVICE_INTERFACE_REPORT, r, what);
}

/* GET_DEVICE_INTERFACE_REPORT at and past the edges: the whole report, the
 * last byte, offset = size and beyond refused, length 0 refused, a second
 * read equal to the first. */
static void report_edges(ot_val_ctx *x) {
  uint8_t nonce[OT_TDISP_NONCE_SIZE];
  bool ide = false;
  if (!td_setup_locked(x, nonce, &ide)) {
    td_cleanup(x, ide);
    return;
  }
  static uint8_t whole[4096], again[4096];
  size_t total = 0;
  td_rsp r;
  /* The first piece tells the size: PORTION_LENGTH + REMAINDER_LENGTH. */
  if (td_get_report(x, 0, 16, &r, "report offset 0 length 16")) {
    total = (size_t)r.m.u.report.portion_len + r.m.u.report.remainder_len;
    val_check(x, r.m.u.report.portion_len >= 1 && r.m.u.report.portion_len <= 16,
              "PORTION_LENGTH %u is 1..16", r.m.u.report.portion_len);
  }
  bool ok = total > 0 && total <= sizeof(whole);
  val_check(x, ok, "the report size (%zu bytes) is at least 1", total);
  for (int pass = 0; ok && pass < 2; pass++) {
    uint8_t *dst = pass ? again : whole;
    size_t got = 0;
    for (unsigned i = 0; got < total && i < 4096u; i++) {
      uint16_t want = (uint16_t)(total - got < 64 ? total - got : 64);
      if (!td_get_report(x, (uint16_t)got, want, &r, "report piece")) {
        ok = false;
        break;
      }
      size_t pl = r.m.u.report.portion_len;
      if (!val_check(x, pl >= 1 && pl <= want && got + pl + r.m.u.report.remainder_len == total,
                     "piece at %zu: PORTION_LENGTH %zu and REMAINDER_LENGTH %u add up to %zu", got,
                     pl, r.m.u.report.remainder_len, total)) {
        ok = false;
        break;
      }
      memcpy(dst + got, r.m.u.report.portion, pl);
      got += pl;
    }
  }
  if (ok) {
    ot_tdisp_report rep;
    ot_status st = ot_tdisp_report_parse(whole, total, &rep);
    val_check(x, ot_ok(st), "the report parses (%s)", ot_status_message(st));
    val_check(x, memcmp(whole, again, total) == 0, "two reads of the report are equal");
    if (td_get_report(x, (uint16_t)(total - 1u), 0xFFFF, &r, "report last byte"))
      val_check(x,
                r.m.u.report.portion_len == 1 && r.m.u.report.remainder_len == 0 &&
                    r.m.u.report.portion[0] == whole[total - 1u],
                "the last byte alone: PORTION_LENGTH 1, REMAINDER_LENGTH 0");
    ot_tdisp_msg m = {.code = OT_TDISP_GET_DEVICE_INTERFACE_REPORT, .function_id = fid(x)};
    m.u.get_report.offset = (uint16_t)total;
    m.u.get_report.length = 16;
    OT_IGNORE(td_send(x, true, &m));
    td_expect_error(x, OT_TDISP_ERR_INVALID_REQUEST, "report at offset = size");
    m.u.get_report.offset = 0xFFFF;
    OT_IGNORE(td_send(x, true, &m));
    td_expect_error(x, OT_TDISP_ERR_INVALID_REQUEST, "report at offset 0xFFFF");
    m.u.get_report.offset = 0;
    m.u.get_report.length = 0;
    OT_IGNORE(td_send(x, true, &m));
    td_expect_error(x, OT_TDISP_ERR_INVALID_REQUEST, "report of length 0");
  }
  td_cleanup(x, ide);
}

/* STOP from RUN, then LOCK again: the TDI can be reused. */
static void stop_relock(ot_val_ctx *x) {
  uint8_t nonce[OT_TDISP_NONCE_SIZE];
  bool ide = false;
  if (td_setup_locked(x, nonce, &ide)) {
    OT_IGNORE(td_send_start(x, nonce));
    td_expect(x, OT_TDISP_START_INTERFACE_RESPONSE, NULL, "START_INTERFACE_REQUEST");
    OT_IGNORE(td_send_simple(x, true, OT_TDISP_STOP_INTERFACE_REQUEST));
    td_expect(x, OT_TDISP_STOP_INTERFACE_RESPONSE, NULL, "STOP_INTERFACE_REQUEST from RUN");
    if (td_lock(x, nonce, "LOCK_INTERFACE_REQUEST after STOP"))
      td_state_is(x, OT_TDISP_STATE_CONFIG_LOCKED, "after the second LOCK");
  }
  td_cleanup(x, ide);
}

/* An INTERFACE_ID naming no TDI of the device: INVALID_INTERFACE. */
static void wrong_interface(ot_val_ctx *x) {
  uint32_t other = (fid(x) ^ 0x00FFu) & OT_TDISP_FUNCTION_ID_DEFINED;
  static const uint8_t codes[] = {OT_TDISP_GET_DEVICE_INTERFACE_STATE,
                                  OT_TDISP_LOCK_INTERFACE_REQUEST};
  for (size_t i = 0; i < sizeof(codes); i++) {
    ot_tdisp_msg m = {.code = codes[i], .function_id = other};
    m.u.lock.default_stream_id = x->dev->stream_id;
    char what[80];
    snprintf(what, sizeof(what), "%s for FUNCTION_ID 0x%x", ot_tdisp_code_name(codes[i]), other);
    OT_IGNORE(td_send(x, true, &m));
    if (!td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE, what)) {
      ot_tdisp_msg s = {.code = OT_TDISP_STOP_INTERFACE_REQUEST, .function_id = other};
      OT_IGNORE(td_send(x, true, &s));
    }
  }
}

/* Request codes no TDISP version defines: UNSUPPORTED_REQUEST. */
static void unknown_codes(ot_val_ctx *x) {
  static const uint8_t codes[] = {0x80, 0x8F, 0xC0, 0xFE};
  for (size_t i = 0; i < sizeof(codes); i++) {
    char what[48];
    snprintf(what, sizeof(what), "request code 0x%02x", codes[i]);
    OT_IGNORE(td_raw(x, OT_TDISP_VERSION_10, codes[i], fid(x), NULL, 0));
    td_expect_error(x, OT_TDISP_ERR_UNSUPPORTED_REQUEST, what);
  }
}

/* Bodies of the wrong length (§11.3 message formats): INVALID_REQUEST, and a
 * LOCK of the wrong length locks nothing. */
static void wrong_lengths(ot_val_ctx *x) {
  uint8_t body[OT_TDISP_LOCK_BODY + 1] = {0};
  body[2] = x->dev->stream_id; /* DEFAULT_STREAM_ID */
  OT_IGNORE(td_raw(x, OT_TDISP_VERSION_10, OT_TDISP_LOCK_INTERFACE_REQUEST, fid(x), body,
                   OT_TDISP_LOCK_BODY - 1u));
  bool a = td_expect_error(x, OT_TDISP_ERR_INVALID_REQUEST, "LOCK_INTERFACE_REQUEST of 19 bytes");
  OT_IGNORE(td_raw(x, OT_TDISP_VERSION_10, OT_TDISP_LOCK_INTERFACE_REQUEST, fid(x), body,
                   OT_TDISP_LOCK_BODY + 1u));
  bool b = td_expect_error(x, OT_TDISP_ERR_INVALID_REQUEST, "LOCK_INTERFACE_REQUEST of 21 bytes");
  td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "state after the refused LOCKs");
  if (!a || !b) td_cleanup(x, false);
  uint8_t rep[OT_TDISP_GET_REPORT_BODY] = {0, 0, 0x10, 0};
  OT_IGNORE(td_raw(x, OT_TDISP_VERSION_10, OT_TDISP_GET_DEVICE_INTERFACE_REPORT, fid(x), rep,
                   sizeof(rep) - 1u));
  td_expect_error(x, OT_TDISP_ERR_INVALID_REQUEST, "GET_DEVICE_INTERFACE_REPORT of 3 bytes");
  OT_IGNORE(td_raw(x, OT_TDISP_VERSION_10, OT_TDISP_GET_DEVICE_INTERFACE_STATE, fid(x), rep, 1));
  td_expect_error(x, OT_TDISP_ERR_INVALID_REQUEST, "GET_DEVICE_INTERFACE_STATE with a body byte");
}

/* Reserved header bytes (2-3) and INTERFACE_ID bytes 4-11 set: ignored by the
 * receiver (PCIe r6.0 RsvdP/RsvdZ), so the request is answered as usual. */
static void reserved_bits(ot_val_ctx *x) {
  OT_IGNORE(td_raw_rsvd(x, OT_TDISP_VERSION_10, OT_TDISP_GET_DEVICE_INTERFACE_STATE, fid(x), 0xFF,
                        NULL, 0));
  td_expect(x, OT_TDISP_DEVICE_INTERFACE_STATE, NULL,
            "GET_DEVICE_INTERFACE_STATE with reserved header bytes FFh");
  OT_IGNORE(td_raw_rsvd(x, OT_TDISP_VERSION_10, OT_TDISP_GET_VERSION, fid(x), 0xA5, NULL, 0));
  td_expect(x, OT_TDISP_VERSION, NULL, "GET_TDISP_VERSION with reserved header bytes A5h");
  /* A device that keeps the whole INTERFACE_ID from GET_VERSION (docs/
   * conformance.md, TDISP.STATE.2) is given the plain one back. */
  OT_IGNORE(td_send_simple(x, true, OT_TDISP_GET_VERSION));
}

/* TDISP outside a secured session (§11.3): refused, the TDI unchanged. */
static void outside_session(ot_val_ctx *x) {
  static const uint8_t codes[] = {OT_TDISP_GET_VERSION, OT_TDISP_GET_DEVICE_INTERFACE_STATE,
                                  OT_TDISP_LOCK_INTERFACE_REQUEST};
  for (size_t i = 0; i < sizeof(codes); i++) {
    ot_tdisp_msg m = {.code = codes[i], .function_id = fid(x)};
    m.u.lock.default_stream_id = x->dev->stream_id;
    OT_IGNORE(td_send(x, false, &m));
    char ans[64], what[64];
    val_answer_text(x, ans, sizeof(ans));
    snprintf(what, sizeof(what), "%s in the clear", ot_tdisp_code_name(codes[i]));
    if (ot_ok(x->st)) {
      td_rsp r;
      bool err = td_parse(x, &r, what) && r.code == OT_TDISP_ERROR;
      val_check(x, false, "%s: must be refused with an SPDM ERROR, got %s", what,
                err ? "a TDISP_ERROR" : "an answer");
    } else {
      val_check(x, val_spdm_refused(x), "%s: refused with an SPDM ERROR (%s)", what, ans);
    }
  }
  td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "state in the session afterwards");
  td_cleanup(x, false);
}

/* One session operation of the link; asserts it worked. */
static bool td_session_op(ot_val_ctx *x, ot_val_session_op op, const char *what) {
  ot_status st = x->link->session(x->link, op);
  x->sent_len = x->sent_keep = x->rsp_len = 0;
  x->st = st;
  return val_check(x, ot_ok(st), "%s (%s)", what, ot_status_message(st));
}

/* END_SESSION in RUN (PCIe Base r6.0 §11.2: a TDI in CONFIG_LOCKED or RUN
 * goes to ERROR when the SPDM session it was locked in ends): in a new
 * session the TDI is in ERROR, not RUN; STOP returns it to CONFIG_UNLOCKED. */
static void session_end_in_run(ot_val_ctx *x) {
  uint8_t nonce[OT_TDISP_NONCE_SIZE];
  bool ide = false;
  if (td_setup_locked(x, nonce, &ide)) {
    OT_IGNORE(td_send_start(x, nonce));
    if (td_expect(x, OT_TDISP_START_INTERFACE_RESPONSE, NULL, "START_INTERFACE_REQUEST") &&
        td_state_is(x, OT_TDISP_STATE_RUN, "after START") &&
        td_session_op(x, OT_VAL_NEW_SESSION, "END_SESSION in RUN, then a new session")) {
      td_state_is(x, OT_TDISP_STATE_ERROR, "in the new session: the TDI left RUN");
      OT_IGNORE(td_send_simple(x, true, OT_TDISP_STOP_INTERFACE_REQUEST));
      td_expect(x, OT_TDISP_STOP_INTERFACE_RESPONSE, NULL, "STOP_INTERFACE_REQUEST in ERROR");
      td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "after STOP");
    }
  }
  td_cleanup(x, ide);
}

/* KEY_UPDATE between LOCK and START (DSP0274 §10.15: the session goes on
 * under new keys; nothing of it ends): the TDI stays CONFIG_LOCKED, START
 * with the LOCK nonce reaches RUN, and IDE_KM still answers afterwards. */
static void key_update_mid_flow(ot_val_ctx *x) {
  uint8_t nonce[OT_TDISP_NONCE_SIZE];
  bool ide = false;
  if (td_setup_locked(x, nonce, &ide) &&
      td_session_op(x, OT_VAL_KEY_UPDATE, "KEY_UPDATE (UpdateAllKeys) in CONFIG_LOCKED")) {
    td_state_is(x, OT_TDISP_STATE_CONFIG_LOCKED, "after KEY_UPDATE");
    OT_IGNORE(td_send_start(x, nonce));
    td_expect(x, OT_TDISP_START_INTERFACE_RESPONSE, NULL,
              "START_INTERFACE_REQUEST after KEY_UPDATE");
    td_state_is(x, OT_TDISP_STATE_RUN, "after START");
    if (td_session_op(x, OT_VAL_KEY_UPDATE, "KEY_UPDATE (UpdateAllKeys) in RUN"))
      td_state_is(x, OT_TDISP_STATE_RUN, "after the second KEY_UPDATE");
  }
  td_cleanup(x, ide);
}

/* The session lapses in RUN (DSP0274 §10.14: a session with a
 * HeartbeatPeriod ends after twice that period without a message), so the
 * TDI goes to ERROR as for END_SESSION (PCIe Base r6.0 §11.2). */
static void heartbeat_lapse_in_run(ot_val_ctx *x) {
  uint8_t nonce[OT_TDISP_NONCE_SIZE];
  bool ide = false;
  if (td_setup_locked(x, nonce, &ide)) {
    OT_IGNORE(td_send_start(x, nonce));
    if (td_expect(x, OT_TDISP_START_INTERFACE_RESPONSE, NULL, "START_INTERFACE_REQUEST") &&
        td_state_is(x, OT_TDISP_STATE_RUN, "after START")) {
      ot_status st = x->link->session(x->link, OT_VAL_HEARTBEAT_LAPSE);
      if (ot_is(st, OT_E_UNSUPPORTED)) {
        val_skip(x, "the session's HeartbeatPeriod is 0 or above %u s", OT_VAL_HEARTBEAT_MAX_S);
      } else {
        x->sent_len = x->sent_keep = x->rsp_len = 0;
        x->st = st;
        if (val_check(x, ot_ok(st), "silence past twice HeartbeatPeriod, then a new session (%s)",
                      ot_status_message(st))) {
          td_state_is(x, OT_TDISP_STATE_ERROR, "in the new session: the TDI left RUN");
          OT_IGNORE(td_send_simple(x, true, OT_TDISP_STOP_INTERFACE_REQUEST));
          td_expect(x, OT_TDISP_STOP_INTERFACE_RESPONSE, NULL, "STOP_INTERFACE_REQUEST in ERROR");
        }
      }
    }
  }
  td_cleanup(x, ide);
}

/* ---- optional requests: BIND/UNBIND_P2P_STREAM, SET_MMIO_ATTRIBUTE, VDM (0x88-0x8B) ---- */

/* REQ_MSGS_SUPPORTED of the probe lists `code` (§11.3 TDISP_CAPABILITIES). */
static bool td_offers(const ot_val_ctx *x, uint8_t code) {
  unsigned n = (unsigned)code - OT_TDISP_REQUEST_BIT;
  return (x->dev->tdisp_req_msgs[n / 8u] >> (n % 8u)) & 1u;
}

/* The answer is a TDISP_ERROR, whatever its code (§11.3 leaves the code of
 * some refusals to the device). */
static bool td_expect_refused(ot_val_ctx *x, const char *what) {
  td_rsp r;
  if (!td_parse(x, &r, what)) return false;
  if (r.code == OT_TDISP_ERROR)
    return val_check(x, true, "%s: refused with TDISP_ERROR %s", what,
                     ot_tdisp_error_name(r.m.u.error.code));
  return val_check(x, false, "%s: must be refused with a TDISP_ERROR, got %s", what,
                   ot_tdisp_code_name(r.code));
}

/* Brings up the stream, LOCKs with `flags` and STARTs: the TDI in RUN; false after a FAIL. */
static bool td_setup_run(ot_val_ctx *x, uint16_t flags, bool *ide) {
  *ide = (x->dev->caps & OT_VAL_CAP_IDE_KM) != 0;
  if (*ide && !val_ide_up(x)) return false;
  OT_IGNORE(td_send_lock(x, flags));
  td_rsp r;
  if (!td_expect(x, OT_TDISP_LOCK_INTERFACE_RESPONSE, &r, "LOCK_INTERFACE_REQUEST")) return false;
  OT_IGNORE(td_send_start(x, r.m.u.nonce));
  return td_expect(x, OT_TDISP_START_INTERFACE_RESPONSE, NULL, "START_INTERFACE_REQUEST") &&
         td_state_is(x, OT_TDISP_STATE_RUN, "after START");
}

/* A request REQ_MSGS_SUPPORTED does not list: UNSUPPORTED_REQUEST in
 * CONFIG_UNLOCKED and in RUN (§11.3 TDISP_ERROR), the TDI state unchanged. */
static void td_unsupported(ot_val_ctx *x, ot_tdisp_msg *m) {
  const char *name = ot_tdisp_code_name(m->code);
  char what[96];
  snprintf(what, sizeof(what), "%s (not in REQ_MSGS_SUPPORTED) in CONFIG_UNLOCKED", name);
  OT_IGNORE(td_send(x, true, m));
  td_expect_error(x, OT_TDISP_ERR_UNSUPPORTED_REQUEST, what);
  td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "state after it");
  bool ide = false;
  if (td_setup_run(x, 0, &ide)) {
    snprintf(what, sizeof(what), "%s (not in REQ_MSGS_SUPPORTED) in RUN", name);
    OT_IGNORE(td_send(x, true, m));
    td_expect_error(x, OT_TDISP_ERR_UNSUPPORTED_REQUEST, what);
    td_state_is(x, OT_TDISP_STATE_RUN, "state after it");
  }
  td_cleanup(x, ide);
}

/* A Stream ID the suite never set up (so not Secure on the device). */
static uint8_t td_other_stream(const ot_val_ctx *x) { return (uint8_t)(x->dev->stream_id + 1u); }

/* BIND_P2P_STREAM_REQUEST: valid in RUN only (§11.2, §11.3), so
 * INVALID_INTERFACE_STATE in CONFIG_UNLOCKED and CONFIG_LOCKED; in RUN, a
 * stream that is not Secure cannot carry TEE traffic (§11.2) and is refused.
 * Not listed: UNSUPPORTED_REQUEST. */
static void p2p_bind(ot_val_ctx *x) {
  ot_tdisp_msg m = {.code = OT_TDISP_BIND_P2P_STREAM_REQUEST, .function_id = fid(x)};
  m.u.p2p_stream_id = td_other_stream(x);
  if (!td_offers(x, OT_TDISP_BIND_P2P_STREAM_REQUEST)) {
    td_unsupported(x, &m);
    return;
  }
  OT_IGNORE(td_send(x, true, &m));
  td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE,
                  "BIND_P2P_STREAM_REQUEST in CONFIG_UNLOCKED");
  td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "state after it");
  /* LOCK with BIND_P2P when offered: the bind is then refused for the stream alone. */
  uint16_t flags = x->dev->tdisp_lock_flags & OT_TDISP_LOCK_BIND_P2P;
  bool ide = (x->dev->caps & OT_VAL_CAP_IDE_KM) != 0;
  if (!ide || val_ide_up(x)) {
    OT_IGNORE(td_send_lock(x, flags));
    td_rsp r;
    if (td_expect(x, OT_TDISP_LOCK_INTERFACE_RESPONSE, &r, "LOCK_INTERFACE_REQUEST")) {
      OT_IGNORE(td_send(x, true, &m));
      td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE,
                      "BIND_P2P_STREAM_REQUEST in CONFIG_LOCKED");
      td_state_is(x, OT_TDISP_STATE_CONFIG_LOCKED, "state after it");
      OT_IGNORE(td_send_start(x, r.m.u.nonce));
      if (td_expect(x, OT_TDISP_START_INTERFACE_RESPONSE, NULL, "START_INTERFACE_REQUEST")) {
        char what[96];
        snprintf(what, sizeof(what), "BIND_P2P_STREAM_REQUEST in RUN of Stream ID %u (not Secure)",
                 m.u.p2p_stream_id);
        OT_IGNORE(td_send(x, true, &m));
        td_expect_refused(x, what);
        td_state_is(x, OT_TDISP_STATE_RUN, "state after it");
      }
    }
  }
  td_cleanup(x, ide);
}

/* UNBIND_P2P_STREAM_REQUEST: RUN only; in RUN, a stream never bound is refused. */
static void p2p_unbind(ot_val_ctx *x) {
  ot_tdisp_msg m = {.code = OT_TDISP_UNBIND_P2P_STREAM_REQUEST, .function_id = fid(x)};
  m.u.p2p_stream_id = td_other_stream(x);
  if (!td_offers(x, OT_TDISP_UNBIND_P2P_STREAM_REQUEST)) {
    td_unsupported(x, &m);
    return;
  }
  OT_IGNORE(td_send(x, true, &m));
  td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE,
                  "UNBIND_P2P_STREAM_REQUEST in CONFIG_UNLOCKED");
  td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "state after it");
  bool ide = false;
  if (td_setup_run(x, x->dev->tdisp_lock_flags & OT_TDISP_LOCK_BIND_P2P, &ide)) {
    OT_IGNORE(td_send(x, true, &m));
    td_expect_refused(x, "UNBIND_P2P_STREAM_REQUEST in RUN of a stream never bound");
    td_state_is(x, OT_TDISP_STATE_RUN, "state after it");
  }
  td_cleanup(x, ide);
}

/* The whole interface report, read in pieces of 64; false after a FAIL. */
static bool td_read_report(ot_val_ctx *x, uint8_t *buf, size_t cap, size_t *total) {
  td_rsp r;
  if (!td_get_report(x, 0, 64, &r, "report offset 0")) return false;
  size_t size = (size_t)r.m.u.report.portion_len + r.m.u.report.remainder_len;
  if (!val_check(x, size > 0 && size <= cap, "the report size (%zu bytes) fits", size))
    return false;
  size_t got = 0;
  for (unsigned i = 0; got < size && i < 4096u; i++) {
    if (i > 0 && !td_get_report(x, (uint16_t)got, 64, &r, "report piece")) return false;
    size_t pl = r.m.u.report.portion_len;
    if (!val_check(x, pl >= 1 && got + pl <= size, "report piece at %zu of %zu bytes", got, pl))
      return false;
    memcpy(buf + got, r.m.u.report.portion, pl);
    got += pl;
  }
  *total = size;
  return got == size;
}

/* SET_MMIO_ATTRIBUTE_REQUEST: RUN only; in RUN a range with
 * IS_MEM_ATTR_UPDATABLE takes IS_NON_TEE_MEM toggled and the report shows it
 * (then toggled back); a range without it, and a range the report does not
 * have, are refused and change nothing. */
static void mmio_attr(ot_val_ctx *x) {
  ot_tdisp_msg m = {.code = OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST, .function_id = fid(x)};
  m.u.mmio = (ot_tdisp_mmio_range){.first_page = 0x1000, .num_pages = 1};
  if (!td_offers(x, OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST)) {
    td_unsupported(x, &m);
    return;
  }
  OT_IGNORE(td_send(x, true, &m));
  td_expect_error(x, OT_TDISP_ERR_INVALID_INTERFACE_STATE,
                  "SET_MMIO_ATTRIBUTE_REQUEST in CONFIG_UNLOCKED");
  td_state_is(x, OT_TDISP_STATE_CONFIG_UNLOCKED, "state after it");
  bool ide = false;
  static uint8_t rep_buf[4096], again[4096];
  size_t total = 0, total2 = 0;
  ot_tdisp_report rep;
  if (!td_setup_run(x, 0, &ide) || !td_read_report(x, rep_buf, sizeof(rep_buf), &total) ||
      !val_check(x, ot_ok(ot_tdisp_report_parse(rep_buf, total, &rep)), "the report parses")) {
    td_cleanup(x, ide);
    return;
  }
  bool any = false;
  for (uint32_t i = 0; i < rep.mmio_count && i < OT_TDISP_MAX_MMIO_RANGES; i++) {
    ot_tdisp_mmio_range rg;
    if (!ot_ok(ot_tdisp_report_range(&rep, i, &rg))) break;
    char what[112];
    m.u.mmio = rg;
    m.u.mmio.attributes = (uint16_t)(rg.attributes ^ OT_TDISP_RANGE_NON_TEE_MEM);
    bool upd = (rg.attributes & OT_TDISP_RANGE_MEM_ATTR_UPDATABLE) != 0;
    snprintf(what, sizeof(what), "SET_MMIO_ATTRIBUTE_REQUEST range %u (RANGE_ID %u, %s) %04xh", i,
             rg.range_id, upd ? "updatable" : "not updatable", m.u.mmio.attributes);
    OT_IGNORE(td_send(x, true, &m));
    if (!upd) {
      td_expect_refused(x, what);
      continue;
    }
    any = true;
    if (!td_expect(x, OT_TDISP_SET_MMIO_ATTRIBUTE_RESPONSE, NULL, what)) continue;
    ot_tdisp_report rep2;
    ot_tdisp_mmio_range now;
    if (td_read_report(x, again, sizeof(again), &total2) &&
        ot_ok(ot_tdisp_report_parse(again, total2, &rep2)) &&
        ot_ok(ot_tdisp_report_range(&rep2, i, &now)))
      val_check(x, now.attributes == m.u.mmio.attributes,
                "the report shows range %u's attributes %04xh (got %04xh)", i, m.u.mmio.attributes,
                now.attributes);
    m.u.mmio.attributes = rg.attributes;
    OT_IGNORE(td_send(x, true, &m));
    td_expect(x, OT_TDISP_SET_MMIO_ATTRIBUTE_RESPONSE, NULL, "SET_MMIO_ATTRIBUTE_REQUEST back");
  }
  if (rep.mmio_count > 0) {
    /* A range the report does not have: the first one a page longer. */
    ot_tdisp_mmio_range rg;
    if (ot_ok(ot_tdisp_report_range(&rep, 0, &rg))) {
      m.u.mmio = rg;
      m.u.mmio.num_pages++;
      m.u.mmio.attributes = (uint16_t)(rg.attributes ^ OT_TDISP_RANGE_NON_TEE_MEM);
      OT_IGNORE(td_send(x, true, &m));
      td_expect_refused(x, "SET_MMIO_ATTRIBUTE_REQUEST of a range the report does not have");
    }
  }
  if (!any) val_skip(x, "no reported range has IS_MEM_ATTR_UPDATABLE: no change to accept");
  td_state_is(x, OT_TDISP_STATE_RUN, "state after the SET_MMIO_ATTRIBUTE requests");
  td_cleanup(x, ide);
}

/* VDM_REQUEST (§11.3): vendor-defined content this suite cannot judge; a
 * device that does not list it answers UNSUPPORTED_REQUEST. */
static void vdm(ot_val_ctx *x) {
  static const uint8_t vid[2] = {0xFF, 0xFF}; /* PCI-SIG Vendor ID FFFFh: no vendor */
  ot_tdisp_msg m = {.code = OT_TDISP_VDM_REQUEST, .function_id = fid(x)};
  m.u.vdm = (ot_tdisp_vendor_data){
      .registry_id = OT_TDISP_REGISTRY_PCISIG, .vendor_id_len = 2, .vendor_id = vid};
  if (td_offers(x, OT_TDISP_VDM_REQUEST)) {
    val_skip(x, "REQ_MSGS_SUPPORTED lists VDM_REQUEST: its answers are the vendor's to define");
    return;
  }
  td_unsupported(x, &m);
}

const ot_val_case ot_val_cases_tdisp[] = {
    {"TDISP.VERSION.1", "tdisp", TD_CLAUSE, "GET_TDISP_VERSION lists 1.0", OT_VAL_CAP_TDISP,
     version},
    {"TDISP.VERSION.2", "tdisp", TD_CLAUSE, "a request of another TDISPVersion: VERSION_MISMATCH",
     OT_VAL_CAP_TDISP, version_mismatch},
    {"TDISP.CAPS.1", "tdisp", TD_CLAUSE,
     "GET_TDISP_CAPABILITIES: mandatory requests and defined lock flags", OT_VAL_CAP_TDISP,
     capabilities},
    {"TDISP.STATE.1", "tdisp", TD_STATES, "CONFIG_UNLOCKED: no report, no START", OT_VAL_CAP_TDISP,
     state_unlocked},
    {"TDISP.STATE.2", "tdisp", TD_STATES, "CONFIG_LOCKED: queries answered, LOCK refused, STOP",
     OT_VAL_CAP_TDISP, state_locked},
    {"TDISP.STATE.3", "tdisp", TD_STATES, "RUN: LOCK and START refused, report readable, STOP",
     OT_VAL_CAP_TDISP, state_run},
    {"TDISP.STATE.4", "tdisp", TD_STATES,
     "ERROR: reached when the bound stream stops in RUN; only STOP leaves it",
     OT_VAL_CAP_TDISP | OT_VAL_CAP_IDE_KM, state_error},
    {"TDISP.LOCK.1", "tdisp", TD_CLAUSE, "LOCK with a flag not offered: INVALID_REQUEST",
     OT_VAL_CAP_TDISP, lock_flags},
    {"TDISP.START.1", "tdisp", TD_CLAUSE,
     "START nonce: fresh per LOCK, a wrong one INVALID_NONCE and no RUN", OT_VAL_CAP_TDISP,
     start_nonce},
    {"TDISP.REPORT.1", "tdisp", TD_CLAUSE,
     "interface report offsets and lengths at and past the edges, reads consistent",
     OT_VAL_CAP_TDISP, report_edges},
    {"TDISP.STOP.1", "tdisp", TD_STATES, "STOP from RUN, then LOCK again", OT_VAL_CAP_TDISP,
     stop_relock},
    {"TDISP.IFACE.1", "tdisp", TD_CLAUSE, "a wrong INTERFACE_ID: INVALID_INTERFACE",
     OT_VAL_CAP_TDISP, wrong_interface},
    {"TDISP.CODE.1", "tdisp", TD_CLAUSE, "unknown request codes: UNSUPPORTED_REQUEST",
     OT_VAL_CAP_TDISP, unknown_codes},
    {"TDISP.LENGTH.1", "tdisp", TD_CLAUSE, "bodies of the wrong length: INVALID_REQUEST",
     OT_VAL_CAP_TDISP, wrong_lengths},
    {"TDISP.RSVD.1", "tdisp", TD_CLAUSE, "reserved header bytes set are ignored", OT_VAL_CAP_TDISP,
     reserved_bits},
    {"TDISP.SESSION.1", "tdisp", TD_CLAUSE, "TDISP outside a session is refused", OT_VAL_CAP_TDISP,
     outside_session},
    {"TDISP.SESSION.2", "tdisp", "PCIe Base r6.0 §11.2",
     "END_SESSION in RUN: the TDI is in ERROR in the next session, STOP leaves it",
     OT_VAL_CAP_TDISP | OT_VAL_CAP_SESSION, session_end_in_run},
    {"TDISP.SESSION.3", "tdisp", "DSP0274 §10.15, PCIe Base r6.0 §11.2",
     "KEY_UPDATE between LOCK and START and in RUN changes no TDI state",
     OT_VAL_CAP_TDISP | OT_VAL_CAP_SESSION, key_update_mid_flow},
    {"TDISP.SESSION.4", "tdisp", "DSP0274 §10.14, PCIe Base r6.0 §11.2",
     "the session lapses (no HEARTBEAT) in RUN: the TDI is in ERROR in the next session",
     OT_VAL_CAP_TDISP | OT_VAL_CAP_SESSION, heartbeat_lapse_in_run},
    {"TDISP.P2P.1", "tdisp", TD_STATES,
     "BIND_P2P_STREAM: RUN only, a stream not Secure refused; UNSUPPORTED_REQUEST if not listed",
     OT_VAL_CAP_TDISP, p2p_bind},
    {"TDISP.P2P.2", "tdisp", TD_STATES,
     "UNBIND_P2P_STREAM: RUN only, a stream never bound refused; UNSUPPORTED_REQUEST if not listed",
     OT_VAL_CAP_TDISP, p2p_unbind},
    {"TDISP.MMIO.1", "tdisp", TD_STATES,
     "SET_MMIO_ATTRIBUTE: RUN only, updatable ranges only, the report follows; "
     "UNSUPPORTED_REQUEST if not listed",
     OT_VAL_CAP_TDISP, mmio_attr},
    {"TDISP.VDM.1", "tdisp", TD_CLAUSE, "VDM_REQUEST not listed: UNSUPPORTED_REQUEST in any state",
     OT_VAL_CAP_TDISP, vdm},
};
const size_t ot_val_cases_tdisp_count = sizeof(ot_val_cases_tdisp) / sizeof(ot_val_cases_tdisp[0]);
