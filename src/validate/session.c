/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The link the cases use, over the session a TSM opens (ot_tsm_connect), and
 * VDMs in the clear on the same DOE transport for the "outside a session"
 * cases.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "opentsm/clock.h"
#include "opentsm/cursor.h"
#include "opentsm/rng.h"
#include "opentsm/spdm.h"
#include "opentsm/spdm_codec.h"
#include "opentsm/spec/doe.h"
#include "opentsm/spec/spdm.h"
#include "opentsm/spec/tdisp.h"
#include "opentsm/validate.h"
#include "validate_internal.h"

static void fill_error(const ot_spdm_peer_error *pe, ot_val_spdm_error *err) {
  if (err && pe && pe->valid)
    *err = (ot_val_spdm_error){.valid = true, .code = pe->code, .data = pe->data};
}

/*
 * A VENDOR_DEFINED_REQUEST in the clear (DSP0274 1.3 §10.20), sent as a plain
 * SPDM DOE object. The answer is parsed with the cursor: ERROR or
 * VENDOR_DEFINED_RESPONSE with the PCI-SIG registry and Vendor ID; the DOE
 * transport pads objects to a DW, so up to 3 bytes may follow the payload.
 */
static ot_status plain_vdm(ot_val_session *s, const uint8_t *req, size_t req_len, uint8_t *rsp,
                           size_t cap, size_t *rsp_len, ot_val_spdm_error *err) {
  OT_ENSURE(req_len >= 1 && req_len <= UINT16_MAX, OT_E_ARG);
  uint8_t msg[VAL_MSG_MAX], vid[2], in[VAL_MSG_MAX];
  ot_store_u16le(vid, OT_PCISIG_VENDOR_ID);
  ot_spdm_vendor_defined v = {.standard_id = OT_PCISIG_STANDARD_ID,
                              .vendor_id_len = OT_PCISIG_VENDOR_ID_LEN,
                              .vendor_id = vid,
                              .payload_len = (uint16_t)req_len,
                              .payload = req};
  ot_writer w;
  ot_writer_init(&w, msg, sizeof(msg));
  OT_GUARD(ot_spdm_encode_vendor_request(&s->dev.spdm.neg.sizes, &w, &v));
  size_t n = 0;
  OT_GUARD(ot_doe_exchange(s->doe, OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, msg, ot_writer_len(&w),
                           in, sizeof(in), &n));
  ot_reader r;
  ot_reader_init(&r, in, n);
  uint8_t ver = 0, code = 0, p1 = 0, p2 = 0;
  OT_GUARD(ot_read_u8(&r, &ver));
  OT_GUARD(ot_read_u8(&r, &code));
  OT_GUARD(ot_read_u8(&r, &p1));
  OT_GUARD(ot_read_u8(&r, &p2));
  if (code == OT_SPDM_ERROR) {
    if (err) *err = (ot_val_spdm_error){.valid = true, .code = p1, .data = p2};
    OT_BAIL(OT_E_PEER_ERROR);
  }
  OT_ENSURE(code == OT_SPDM_VENDOR_DEFINED_RESPONSE, OT_E_UNEXPECTED);
  uint16_t std = 0, plen = 0;
  uint8_t vlen = 0;
  const uint8_t *vendor = NULL, *payload = NULL;
  OT_GUARD(ot_read_u16le(&r, &std));
  OT_GUARD(ot_read_u8(&r, &vlen));
  OT_GUARD(ot_read_borrow(&r, vlen, &vendor));
  OT_GUARD(ot_read_u16le(&r, &plen));
  OT_GUARD(ot_read_borrow(&r, plen, &payload));
  OT_ENSURE(ot_reader_remaining(&r) < 4, OT_E_TRAILING);
  OT_ENSURE(std == OT_PCISIG_STANDARD_ID && vlen == OT_PCISIG_VENDOR_ID_LEN &&
                ot_load_u16le(vendor) == OT_PCISIG_VENDOR_ID && plen >= 1 && payload[0] == req[0],
            OT_E_MALFORMED);
  OT_ENSURE(plen <= cap, OT_E_NO_SPACE);
  memcpy(rsp, payload, plen);
  *rsp_len = plen;
  return OT_SUCCESS;
}

static ot_status session_vdm(ot_val_link *l, bool secured, const uint8_t *req, size_t req_len,
                             uint8_t *rsp, size_t cap, size_t *rsp_len, ot_val_spdm_error *err) {
  ot_val_session *s = (ot_val_session *)l;
  if (err) *err = (ot_val_spdm_error){0};
  *rsp_len = 0;
  OT_ENSURE(s->connected && req_len >= 1 && cap >= 1, OT_E_ARG);
  if (!secured) return plain_vdm(s, req, req_len, rsp, cap, rsp_len, err);
  /* In the session (DSP0277): the requester checks registry, vendor and
   * that the Protocol ID is echoed, and hands back what follows it. */
  size_t n = 0;
  s->dev.spdm.last_error = (ot_spdm_peer_error){0}; /* no stale ERROR if nothing is sent */
  ot_status st = ot_spdm_requester_vdm(&s->dev.spdm, s->dev.session_id, OT_PCISIG_STANDARD_ID,
                                       OT_PCISIG_VENDOR_ID, req[0], req + 1, req_len - 1, rsp + 1,
                                       cap - 1, &n);
  if (!ot_ok(st)) {
    /* The requester maps an ERROR to the status its code means (spdm.h
     * "ot_spdm_peer_error"); for the cases any ERROR is the device's refusal. */
    const ot_spdm_peer_error *pe = ot_spdm_requester_last_error(&s->dev.spdm);
    fill_error(pe, err);
    return pe ? ot_status_of(OT_E_PEER_ERROR) : st;
  }
  rsp[0] = req[0];
  *rsp_len = n + 1;
  return OT_SUCCESS;
}

static ot_status session_op(ot_val_link *l, ot_val_session_op op) {
  ot_val_session *s = (ot_val_session *)l;
  OT_ENSURE(s->connected, OT_E_STATE);
  if (op == OT_VAL_KEY_UPDATE)
    return ot_spdm_requester_key_update(&s->dev.spdm, s->dev.session_id, true);
  OT_ENSURE(op == OT_VAL_NEW_SESSION || op == OT_VAL_HEARTBEAT_LAPSE, OT_E_ARG);
  if (op == OT_VAL_HEARTBEAT_LAPSE) {
    uint8_t period = 0;
    for (size_t i = 0; i < OT_SPDM_REQ_MAX_SESSIONS; i++) {
      const ot_spdm_req_session *rs = &s->dev.spdm.sessions[i];
      if (rs->used && rs->s.session_id == s->dev.session_id) period = rs->heartbeat_period;
    }
    OT_ENSURE(period != 0 && period <= OT_VAL_HEARTBEAT_MAX_S, OT_E_UNSUPPORTED);
    /* DSP0274 §10.14: the responder ends a session silent for longer than
     * twice the period; 250 ms more covers the clocks' granularity. */
    struct timespec t = {.tv_sec = 2 * (time_t)period, .tv_nsec = 250000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
  }
  /* The session is gone after END_SESSION whatever the answer (spdm.h). A
   * lapsed session is not ended: the device discards a record of a session
   * it no longer has, unanswered (DSP0277), so END_SESSION would only wait
   * out the timeout. The new session takes the requester's second slot; the
   * lapsed one's keys are wiped when the link closes (ot_tsm_dev_free). */
  ot_status st = OT_SUCCESS;
  if (op == OT_VAL_NEW_SESSION) st = ot_spdm_requester_end_session(&s->dev.spdm, s->dev.session_id);
  ot_status st2 = ot_spdm_requester_start_session(&s->dev.spdm, 0, 0, &s->dev.session_id);
  return ot_ok(st) ? st2 : st;
}

OT_RESULT ot_val_session_open(ot_val_session *s, ot_doe_transport *doe, const ot_tsm_policy *policy,
                              uint64_t wall_epoch, ot_tsm_refusal *why) {
  OT_ENSURE(s && doe && policy && why, OT_E_ARG);
  memset(why, 0, sizeof(*why));
  s->base.vdm = session_vdm;
  s->base.session = session_op;
  s->doe = doe;
  s->connected = false;
  ot_clock *clk = ot_clock_real();
  ot_tsm_config cfg = {.policy = policy,
                       .backend = NULL, /* no link to program: the suite speaks to the DSM only */
                       .entropy = ot_rng_os(),
                       .clock = clk,
                       .wall_epoch =
                           (time_t)wall_epoch - (time_t)(ot_clock_now(clk) / 1000000000u)};
  OT_GUARD(ot_tsm_init(&s->tsm, &cfg));
  const char *name = policy->device_count >= 1 ? policy->devices[0].name : "device";
  ot_tsm_dev_desc desc = {.name = name, .doe = doe, .link = NULL};
  ot_status st = ot_tsm_dev_init(&s->dev, &s->tsm, &desc);
  if (!ot_ok(st)) {
    ot_tsm_free(&s->tsm);
    return st;
  }
  st = ot_tsm_connect(&s->tsm, &s->dev, why);
  if (!ot_ok(st)) {
    ot_tsm_dev_free(&s->dev);
    ot_tsm_free(&s->tsm);
    return st;
  }
  s->connected = true;
  return OT_SUCCESS;
}

void ot_val_session_close(ot_val_session *s) {
  if (s == NULL || !s->connected) return;
  OT_IGNORE(ot_tsm_disconnect(&s->tsm, &s->dev));
  ot_tsm_dev_free(&s->dev);
  ot_tsm_free(&s->tsm);
  s->connected = false;
}
