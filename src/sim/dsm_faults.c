/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DSM's deliberate faults (opentsm/sim_dsm.h): each one breaks one rule
 * of PCIe Base r6.0 §6.33.3 (IDE_KM) or §11.2-§11.3 (TDISP) by rewriting a
 * request before the core sees it, answering in the core's place, or
 * rewriting the core's answer. They exist to show that a validator catches
 * them (docs/conformance.md, "Faults"); a device built with faults = 0 never
 * reaches the rewriting paths. Every request is read with the cursor and the
 * codecs: a fault never acts on a message it cannot parse.
 */
#include <string.h>

#include "dsm_faults.h"
#include "opentsm/cursor.h"
#include "opentsm/spdm_codec.h"

static const ot_sim_dsm_fault_info faults[OT_DSM_FAULT_COUNT] = {
    [OT_DSM_FAULT_KM_CLEAR] = {"km-clear", "answers IDE_KM requests outside a secured session"},
    [OT_DSM_FAULT_TDISP_CLEAR] = {"tdisp-clear",
                                  "answers TDISP requests outside a secured session"},
    [OT_DSM_FAULT_QUERY_RESP_SHORT] = {"query-resp-short",
                                       "QUERY_RESP of PortIndex 1 and up is one byte short"},
    [OT_DSM_FAULT_MAX_PORT_WRONG] = {"max-port-wrong",
                                     "QUERY_RESP reports MaxPortIndex one above the last port"},
    [OT_DSM_FAULT_QUERY_RSVD_REFUSED] = {"query-rsvd-refused",
                                         "refuses a QUERY whose Reserved byte is set"},
    [OT_DSM_FAULT_KP_LENGTH_STATUS] = {"kp-length-status",
                                       "KEY_PROG of the wrong length gets KP_ACK 00h, not 01h"},
    [OT_DSM_FAULT_KP_PORT_ACCEPT] = {"kp-port-accept",
                                     "KEY_PROG past MaxPortIndex gets KP_ACK 00h, not 02h"},
    [OT_DSM_FAULT_KP_SUBSTREAM_ACCEPT] = {"kp-substream-accept",
                                          "KEY_PROG for sub-streams 3..15 gets KP_ACK 00h"},
    [OT_DSM_FAULT_KP_STREAM_ACCEPT] = {"kp-stream-accept",
                                       "KEY_PROG for a Stream ID no block holds gets KP_ACK 00h"},
    [OT_DSM_FAULT_KP_RSVD_REFUSED] = {"kp-rsvd-refused",
                                      "KEY_PROG with Reserved bytes set gets KP_ACK 03h"},
    [OT_DSM_FAULT_KP_STREAM_ECHO] = {"kp-stream-echo", "KP_ACK echoes Stream ID + 1"},
    [OT_DSM_FAULT_KSET_GO_UNPROGRAMMED] =
        {"kset-go-unprogrammed", "K_SET_GO of a key set never programmed is acknowledged"},
    [OT_DSM_FAULT_GOSTOP_PORT_ECHO] = {"gostop-port-echo", "K_GOSTOP_ACK echoes PortIndex + 1"},
    [OT_DSM_FAULT_TDISP_VERSION_ACCEPT] = {"tdisp-version-accept",
                                           "answers requests of any TDISPVersion as 1.0"},
    [OT_DSM_FAULT_CAPS_NO_STOP] = {"caps-no-stop",
                                   "REQ_MSGS_SUPPORTED leaves out STOP_INTERFACE_REQUEST"},
    [OT_DSM_FAULT_ERROR_CODE] =
        {"error-code", "TDISP_ERROR INVALID_REQUEST where INVALID_INTERFACE_STATE is due"},
    [OT_DSM_FAULT_LOCK_TWICE] = {"lock-twice", "a second LOCK in CONFIG_LOCKED is accepted"},
    [OT_DSM_FAULT_VERSION_RESETS] = {"version-resets",
                                     "GET_TDISP_VERSION returns a locked TDI to CONFIG_UNLOCKED"},
    [OT_DSM_FAULT_RUN_AFTER_STOP] = {"run-after-stop",
                                     "STOP in RUN is answered but the TDI stays in RUN"},
    [OT_DSM_FAULT_RUN_ON_STREAM_STOP] = {"run-on-stream-stop",
                                         "the TDI stays in RUN when its bound IDE stream stops"},
    [OT_DSM_FAULT_LOCK_FLAGS_ACCEPT] = {"lock-flags-accept",
                                        "LOCK with a flag not offered is accepted (flag dropped)"},
    [OT_DSM_FAULT_START_ANY_NONCE] = {"start-any-nonce",
                                      "START_INTERFACE with a wrong nonce is accepted"},
    [OT_DSM_FAULT_REPORT_REMAINDER] = {"report-remainder",
                                       "DEVICE_INTERFACE_REPORT REMAINDER_LENGTH is one too high"},
    [OT_DSM_FAULT_REPORT_CHANGES] =
        {"report-changes", "each interface report piece's first byte changes with every read"},
    [OT_DSM_FAULT_IFACE_ACCEPT] = {"iface-accept",
                                   "a request for an unknown INTERFACE_ID acts on the TDI"},
    [OT_DSM_FAULT_UNKNOWN_SUCCESS] = {"unknown-success",
                                      "unknown TDISP request codes get a response, not an error"},
    [OT_DSM_FAULT_LOCK_LENGTH_ACCEPT] = {"lock-length-accept",
                                         "LOCK_INTERFACE_REQUEST of the wrong length is accepted"},
    [OT_DSM_FAULT_RUN_AFTER_SESSION] =
        {"run-after-session", "the TDI stays in RUN when the session that locked it ends"},
    [OT_DSM_FAULT_P2P_ANY_STATE] = {"p2p-any-state",
                                    "BIND_P2P_STREAM_REQUEST outside RUN gets a response"},
    [OT_DSM_FAULT_UNBIND_UNBOUND] =
        {"unbind-unbound", "UNBIND_P2P_STREAM_REQUEST of a stream not bound gets a response"},
    [OT_DSM_FAULT_MMIO_ATTR_ANY] = {"mmio-attr-any",
                                    "SET_MMIO_ATTRIBUTE_REQUEST in RUN is answered unchecked"},
    [OT_DSM_FAULT_VDM_ANSWER] =
        {"vdm-answer", "VDM_REQUEST gets a VDM_RESPONSE though REQ_MSGS_SUPPORTED lacks it"},
};

const ot_sim_dsm_fault_info *ot_sim_dsm_fault_get(unsigned f) {
  return f < OT_DSM_FAULT_COUNT ? &faults[f] : NULL;
}

int ot_sim_dsm_fault_find(const char *name) {
  for (unsigned i = 0; name && i < OT_DSM_FAULT_COUNT; i++)
    if (strcmp(faults[i].name, name) == 0) return (int)i;
  return -1;
}

/* ---- IDE_KM (PCIe r6.0 §6.33.3) ------------------------------------------------------ */

#define KM(o) (OT_IDE_KM_PROTOCOL_ID_SIZE + (o)) /* offset of object byte o in a payload */

/* Rewrites the KP_ACK / K_GOSTOP_ACK answer's echo or status byte. */
static void km_patch(uint8_t *a, size_t n, uint8_t obj, size_t off, uint8_t from, uint8_t to,
                     bool any) {
  if (n != KM(OT_IDE_KM_HDR_SIZE) || a[KM(0)] != obj) return;
  if (any || a[KM(off)] == from) a[KM(off)] = to;
}

ot_status dsm_fault_km_post(ot_sim_dsm *d, const uint8_t hdr[8], size_t req_len, ot_status st,
                            uint8_t *a, size_t cap, size_t *n) {
  uint8_t obj = hdr[KM(0)];
  uint8_t sub = (uint8_t)OT_FIELD_GET(OT_IDE_KM_KSS_SUB, hdr[KM(OT_IDE_KM_OFF_KEY_SUB_STREAM)]);
  /* QUERY: Reserved byte 1 is ignored by the receiver (RsvdP) - refused here. */
  if (dsm_fault_on(d, OT_DSM_FAULT_QUERY_RSVD_REFUSED) && obj == OT_IDE_KM_QUERY &&
      req_len >= KM(2) && hdr[KM(1)] != 0)
    return ot_status_of(OT_E_MALFORMED);
  /* KEY_PROG that failed with a K_SET_GO-style refusal never gets here: the
   * layer answers every KEY_PROG with a KP_ACK (§6.33.3 Status table). */
  if (!ot_ok(st)) {
    /* K_SET_GO of an empty key set must not be acknowledged: there is no key. */
    if (dsm_fault_on(d, OT_DSM_FAULT_KSET_GO_UNPROGRAMMED) && obj == OT_IDE_KM_K_SET_GO &&
        req_len == KM(OT_IDE_KM_HDR_SIZE) && cap >= KM(OT_IDE_KM_HDR_SIZE)) {
      memcpy(a, hdr, KM(OT_IDE_KM_HDR_SIZE));
      a[KM(0)] = OT_IDE_KM_K_GOSTOP_ACK;
      *n = KM(OT_IDE_KM_HDR_SIZE);
      return OT_SUCCESS;
    }
    return st;
  }
  if (obj == OT_IDE_KM_QUERY && *n >= KM(OT_IDE_KM_QUERY_RESP_FIXED)) {
    if (dsm_fault_on(d, OT_DSM_FAULT_MAX_PORT_WRONG)) a[KM(6)]++; /* MaxPortIndex */
    if (dsm_fault_on(d, OT_DSM_FAULT_QUERY_RESP_SHORT) && a[KM(2)] != 0) (*n)--;
  }
  if (obj == OT_IDE_KM_KEY_PROG) {
    const size_t st_off = OT_IDE_KM_OFF_STATUS;
    if (dsm_fault_on(d, OT_DSM_FAULT_KP_LENGTH_STATUS))
      km_patch(a, *n, OT_IDE_KM_KP_ACK, st_off, OT_IDE_KM_KP_INCORRECT_LENGTH, 0, false);
    if (dsm_fault_on(d, OT_DSM_FAULT_KP_PORT_ACCEPT))
      km_patch(a, *n, OT_IDE_KM_KP_ACK, st_off, OT_IDE_KM_KP_UNSUPPORTED_PORT, 0, false);
    if (dsm_fault_on(d, OT_DSM_FAULT_KP_SUBSTREAM_ACCEPT) && sub > OT_IDE_KM_KSS_SUB_MAX)
      km_patch(a, *n, OT_IDE_KM_KP_ACK, st_off, OT_IDE_KM_KP_UNSUPPORTED_VALUE, 0, false);
    if (dsm_fault_on(d, OT_DSM_FAULT_KP_STREAM_ACCEPT) && sub <= OT_IDE_KM_KSS_SUB_MAX)
      km_patch(a, *n, OT_IDE_KM_KP_ACK, st_off, OT_IDE_KM_KP_UNSUPPORTED_VALUE, 0, false);
    bool rsvd = hdr[KM(1)] || hdr[KM(2)] || hdr[KM(OT_IDE_KM_OFF_STATUS)];
    if (dsm_fault_on(d, OT_DSM_FAULT_KP_RSVD_REFUSED) && rsvd)
      km_patch(a, *n, OT_IDE_KM_KP_ACK, st_off, OT_IDE_KM_KP_SUCCESS,
               OT_IDE_KM_KP_UNSUPPORTED_VALUE, false);
    if (dsm_fault_on(d, OT_DSM_FAULT_KP_STREAM_ECHO) && *n == KM(OT_IDE_KM_HDR_SIZE))
      km_patch(a, *n, OT_IDE_KM_KP_ACK, OT_IDE_KM_OFF_STREAM_ID, 0,
               (uint8_t)(a[KM(OT_IDE_KM_OFF_STREAM_ID)] + 1u), true);
  }
  if (dsm_fault_on(d, OT_DSM_FAULT_GOSTOP_PORT_ECHO) && *n == KM(OT_IDE_KM_HDR_SIZE))
    km_patch(a, *n, OT_IDE_KM_K_GOSTOP_ACK, OT_IDE_KM_OFF_PORT_INDEX, 0,
             (uint8_t)(a[KM(OT_IDE_KM_OFF_PORT_INDEX)] + 1u), true);
  return OT_SUCCESS;
}

/* ---- TDISP (PCIe r6.0 §11.2, §11.3) --------------------------------------------------- */

/* Decodes a VDM payload (ProtocolID + message) into m; false if it does not parse. */
static bool td_open(const uint8_t *p, size_t len, ot_tdisp_msg *m) {
  const uint8_t *msg = NULL;
  size_t mlen = 0;
  if (!ot_ok(ot_tdisp_payload_open(p, len, &msg, &mlen))) return false;
  ot_reader r;
  ot_reader_init(&r, msg, mlen);
  return ot_ok(ot_tdisp_decode(&r, m));
}

/* Encodes m as a VDM payload into out (via a scratch copy: m may borrow out). */
static bool td_put(const ot_tdisp_msg *m, uint8_t *out, size_t cap, size_t *n) {
  uint8_t tmp[OT_TDISP_REPORT_MAX + 64];
  ot_writer w;
  ot_writer_init(&w, tmp, sizeof(tmp));
  if (!ot_ok(ot_tdisp_payload_encode(&w, m)) || ot_writer_len(&w) > cap) return false;
  memcpy(out, tmp, ot_writer_len(&w));
  *n = ot_writer_len(&w);
  return true;
}

/* A request's header fields, read byte by byte (any code, any version). */
static bool td_header(const uint8_t *q, size_t len, uint8_t *version, uint8_t *code,
                      uint32_t *fid) {
  const uint8_t *msg = NULL;
  size_t mlen = 0;
  if (!ot_ok(ot_tdisp_payload_open(q, len, &msg, &mlen))) return false;
  ot_reader r;
  ot_reader_init(&r, msg, mlen);
  return ot_ok(ot_tdisp_decode_header(&r, version, code, fid));
}

bool dsm_fault_tdisp_pre(ot_sim_dsm *d, uint8_t *q, size_t *len, size_t cap, uint8_t *a,
                         size_t acap, size_t *n) {
  uint8_t version = 0, code = 0;
  uint32_t fid = 0;
  if (d->faults == 0 || !td_header(q, *len, &version, &code, &fid)) return false;
  const size_t at_version = 1, at_fid = 1 + 4;
  /* §11.3: a request of a version the responder does not support gets
   * VERSION_MISMATCH; this one is read as 1.0. */
  if (dsm_fault_on(d, OT_DSM_FAULT_TDISP_VERSION_ACCEPT) && version != OT_TDISP_VERSION_10)
    q[at_version] = version = OT_TDISP_VERSION_10;
  ot_tdisp_tdi *t = ot_tdisp_device_find(&d->tdisp, fid);
  /* §11.3: an INTERFACE_ID naming no TDI gets INVALID_INTERFACE; this one
   * reaches the first TDI. */
  if (dsm_fault_on(d, OT_DSM_FAULT_IFACE_ACCEPT) && t == NULL && d->tdisp.tdi_count > 0) {
    t = &d->tdisp.tdi[0];
    ot_store_u32le(q + at_fid, t->desc->function_id);
    fid = t->desc->function_id;
  }
  /* §11.3: request codes not defined get UNSUPPORTED_REQUEST; this device
   * answers with a bare header of the matching response code. */
  if (dsm_fault_on(d, OT_DSM_FAULT_UNKNOWN_SUCCESS) && (code & OT_TDISP_REQUEST_BIT) &&
      !ot_tdisp_code_known(code)) {
    ot_writer w;
    ot_writer_init(&w, a, acap);
    OT_IGNORE(ot_write_u8(&w, OT_PCISIG_PROTOCOL_TDISP));
    OT_IGNORE(ot_write_u8(&w, OT_TDISP_VERSION_10));
    OT_IGNORE(ot_write_u8(&w, (uint8_t)(code & ~OT_TDISP_REQUEST_BIT)));
    OT_IGNORE(ot_write_u16le(&w, 0));
    OT_IGNORE(ot_write_u32le(&w, fid));
    for (size_t i = 0; i < OT_TDISP_INTERFACE_ID_RSVD; i++)
      OT_IGNORE(ot_write_u8(&w, 0));
    if (!ot_ok(ot_writer_status(&w))) return false;
    *n = ot_writer_len(&w);
    return true;
  }
  /* §11.3 LOCK_INTERFACE_REQUEST is 20 bytes after the header; this one is
   * cut or zero-padded to 20 and taken. */
  const size_t lock_len = 1 + OT_TDISP_HEADER_SIZE + OT_TDISP_LOCK_BODY;
  if (dsm_fault_on(d, OT_DSM_FAULT_LOCK_LENGTH_ACCEPT) && code == OT_TDISP_LOCK_INTERFACE_REQUEST &&
      *len != lock_len && cap >= lock_len) {
    if (*len < lock_len) memset(q + *len, 0, lock_len - *len);
    *len = lock_len;
  }
  ot_tdisp_msg m;
  if (!td_open(q, *len, &m)) return false;
  if (t == NULL) return false;
  ot_tdisp_msg out = {.version = OT_TDISP_VERSION_10, .function_id = fid};
  switch (code) {
  case OT_TDISP_LOCK_INTERFACE_REQUEST:
    /* §11.3: flags not in LOCK_INTERFACE_FLAGS_SUPPORTED get INVALID_REQUEST. */
    if (dsm_fault_on(d, OT_DSM_FAULT_LOCK_FLAGS_ACCEPT) &&
        (m.u.lock.flags & ~d->tdisp.lock_flags_supported)) {
      m.u.lock.flags &= d->tdisp.lock_flags_supported;
      (void)td_put(&m, q, cap, len);
      return false;
    }
    /* §11.2: LOCK is valid in CONFIG_UNLOCKED only. */
    if (dsm_fault_on(d, OT_DSM_FAULT_LOCK_TWICE) && t->state == OT_TDI_CONFIG_LOCKED &&
        t->nonce_valid) {
      out.code = OT_TDISP_LOCK_INTERFACE_RESPONSE;
      memcpy(out.u.nonce, t->nonce, sizeof(out.u.nonce));
      return td_put(&out, a, acap, n);
    }
    return false;
  case OT_TDISP_START_INTERFACE_REQUEST:
    /* §11.3: START with a nonce other than LOCK's gets INVALID_NONCE. */
    if (dsm_fault_on(d, OT_DSM_FAULT_START_ANY_NONCE) && t->state == OT_TDI_CONFIG_LOCKED &&
        t->nonce_valid) {
      memcpy(m.u.nonce, t->nonce, sizeof(m.u.nonce));
      (void)td_put(&m, q, cap, len);
    }
    return false;
  case OT_TDISP_STOP_INTERFACE_REQUEST:
    /* §11.2: STOP moves RUN to CONFIG_UNLOCKED; this one only answers. */
    if (dsm_fault_on(d, OT_DSM_FAULT_RUN_AFTER_STOP) && t->state == OT_TDI_RUN) {
      out.code = OT_TDISP_STOP_INTERFACE_RESPONSE;
      return td_put(&out, a, acap, n);
    }
    return false;
  case OT_TDISP_GET_VERSION:
    /* §11.3: GET_TDISP_VERSION changes no TDI state; this one runs a STOP
     * through the TDISP core first (answer dropped). */
    if (dsm_fault_on(d, OT_DSM_FAULT_VERSION_RESETS) &&
        (t->state == OT_TDI_CONFIG_LOCKED || t->state == OT_TDI_RUN)) {
      ot_tdisp_msg stop = {.version = OT_TDISP_VERSION_10,
                           .code = OT_TDISP_STOP_INTERFACE_REQUEST,
                           .function_id = fid};
      uint8_t sq[64], sa[64];
      size_t sl = 0, sn = 0;
      ot_tdisp_vdm_ctx ctx = {.in_session = true};
      if (td_put(&stop, sq, sizeof(sq), &sl))
        OT_IGNORE(ot_tdisp_responder_handle(&d->tdisp, &ctx, sq, sl, sa, sizeof(sa), &sn));
    }
    return false;
  case OT_TDISP_BIND_P2P_STREAM_REQUEST:
    /* §11.3 BIND_P2P_STREAM_REQUEST: only in RUN; this one is answered in any state. */
    if (dsm_fault_on(d, OT_DSM_FAULT_P2P_ANY_STATE) && t->state != OT_TDI_RUN) {
      out.code = OT_TDISP_BIND_P2P_STREAM_RESPONSE;
      return td_put(&out, a, acap, n);
    }
    return false;
  case OT_TDISP_UNBIND_P2P_STREAM_REQUEST: {
    /* §11.3 UNBIND_P2P_STREAM_REQUEST: only a bound stream can be unbound. */
    bool bound = false;
    for (uint8_t i = 0; i < t->p2p_count; i++)
      bound |= t->p2p[i] == m.u.p2p_stream_id;
    if (dsm_fault_on(d, OT_DSM_FAULT_UNBIND_UNBOUND) && t->state == OT_TDI_RUN && !bound) {
      out.code = OT_TDISP_UNBIND_P2P_STREAM_RESPONSE;
      return td_put(&out, a, acap, n);
    }
    return false;
  }
  case OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST:
    /* §11.3 SET_MMIO_ATTRIBUTE_REQUEST: a reported, updatable range; this one
     * is acknowledged whatever it names (and nothing changes). */
    if (dsm_fault_on(d, OT_DSM_FAULT_MMIO_ATTR_ANY) && t->state == OT_TDI_RUN) {
      out.code = OT_TDISP_SET_MMIO_ATTRIBUTE_RESPONSE;
      return td_put(&out, a, acap, n);
    }
    return false;
  case OT_TDISP_VDM_REQUEST:
    /* §11.3: a request not in REQ_MSGS_SUPPORTED gets UNSUPPORTED_REQUEST;
     * this one echoes the vendor header in a VDM_RESPONSE. */
    if (dsm_fault_on(d, OT_DSM_FAULT_VDM_ANSWER)) {
      out.code = OT_TDISP_VDM_RESPONSE;
      out.u.vdm = m.u.vdm;
      out.u.vdm.data_len = 0;
      return td_put(&out, a, acap, n);
    }
    return false;
  default: return false;
  }
}

void dsm_fault_tdisp_post(ot_sim_dsm *d, uint8_t *a, size_t cap, size_t *n) {
  ot_tdisp_msg m;
  if (d->faults == 0 || !td_open(a, *n, &m)) return;
  uint8_t portion[OT_TDISP_REPORT_MAX];
  switch (m.code) {
  case OT_TDISP_CAPABILITIES:
    /* §11.3: every responder supports GET_VERSION .. STOP_INTERFACE. */
    if (!dsm_fault_on(d, OT_DSM_FAULT_CAPS_NO_STOP)) return;
    {
      unsigned bit = OT_TDISP_STOP_INTERFACE_REQUEST - OT_TDISP_REQUEST_BIT;
      m.u.caps.req_msgs[bit / 8u] &= (uint8_t) ~(1u << (bit % 8u));
    }
    break;
  case OT_TDISP_ERROR:
    /* §11.3 TDISP_ERROR: a request not valid in the TDI's state gets
     * INVALID_INTERFACE_STATE. */
    if (!dsm_fault_on(d, OT_DSM_FAULT_ERROR_CODE) ||
        m.u.error.code != OT_TDISP_ERR_INVALID_INTERFACE_STATE)
      return;
    m.u.error.code = OT_TDISP_ERR_INVALID_REQUEST;
    break;
  case OT_TDISP_DEVICE_INTERFACE_REPORT:
    /* §11.3: PORTION_LENGTH + REMAINDER_LENGTH = what is left of the report;
     * the report is fixed from LOCK to STOP (§11.2 CONFIG_LOCKED). */
    if (dsm_fault_on(d, OT_DSM_FAULT_REPORT_REMAINDER)) m.u.report.remainder_len++;
    if (dsm_fault_on(d, OT_DSM_FAULT_REPORT_CHANGES) && m.u.report.portion_len > 0 &&
        m.u.report.portion_len <= sizeof(portion)) {
      /* Each read's first byte differs from the last read's (a counter). */
      memcpy(portion, m.u.report.portion, m.u.report.portion_len);
      d->report_reads++;
      portion[0] ^= (uint8_t)(1u + d->report_reads % 255u);
      m.u.report.portion = portion;
    }
    break;
  default: return;
  }
  (void)td_put(&m, a, cap, n);
}

/* ---- in the clear (DSP0274 §10.20 VENDOR_DEFINED_REQUEST; PCIe r6.0 §6.33.3, §11.3) ---- */

bool dsm_fault_clear(ot_sim_dsm *d, const uint8_t *req, size_t req_len, uint8_t *rsp,
                     size_t rsp_cap, size_t *rsp_len) {
  if (!dsm_fault_on(d, OT_DSM_FAULT_KM_CLEAR) && !dsm_fault_on(d, OT_DSM_FAULT_TDISP_CLEAR))
    return false;
  if (req_len < 2 || req[1] != OT_SPDM_VENDOR_DEFINED_REQUEST) return false;
  ot_spdm_sizes sz = {.version = req[0]};
  ot_spdm_vendor_defined v;
  /* A DOE object is whole DWs (PCIe r6.0 §6.30.1): up to 3 bytes of padding
   * may follow the message, which the strict decoder would call trailing. */
  bool parsed = false;
  for (size_t pad = 0; pad < 4 && pad < req_len && !parsed; pad++) {
    ot_reader r;
    ot_reader_init(&r, req, req_len - pad);
    parsed = ot_ok(ot_spdm_decode_vendor_request(&sz, &r, &v));
  }
  if (!parsed) return false;
  if (v.standard_id != OT_PCISIG_STANDARD_ID || v.vendor_id_len != OT_PCISIG_VENDOR_ID_LEN ||
      ot_load_u16le(v.vendor_id) != OT_PCISIG_VENDOR_ID || v.payload_len < 1)
    return false;
  ot_spdm_vdm_handler *h = NULL;
  if (v.payload[0] == OT_IDE_KM_PROTOCOL_ID && dsm_fault_on(d, OT_DSM_FAULT_KM_CLEAR) && d->has_ide)
    h = &d->ide_km_vdm.base;
  else if (v.payload[0] == OT_PCISIG_PROTOCOL_TDISP && dsm_fault_on(d, OT_DSM_FAULT_TDISP_CLEAR))
    h = &d->tdisp_vdm.base;
  if (h == NULL) return false;
  uint8_t a[OT_TDISP_REPORT_MAX + 64];
  size_t n = 0;
  a[0] = v.payload[0];
  if (!ot_ok(h->handle(h, 0, v.payload + 1, v.payload_len - 1u, a + 1, sizeof(a) - 1, &n)))
    return false;
  ot_spdm_vendor_defined out = v;
  out.payload = a;
  out.payload_len = (uint16_t)(n + 1);
  ot_writer w;
  ot_writer_init(&w, rsp, rsp_cap);
  if (!ot_ok(ot_spdm_encode_vendor_response(&sz, &w, &out))) return false;
  *rsp_len = ot_writer_len(&w);
  return true;
}
