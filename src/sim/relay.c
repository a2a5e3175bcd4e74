/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host's DOE relay: an ot_doe_transport that logs every object it
 * carries and lets a malicious-host hook alter, drop or answer them. See
 * opentsm/sim_host.h.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/sim_host.h"

#define RELAY_DEFAULT_CAP (64u * 1024u)

/* Logs payload as a whole DOE object (what the host's mailbox accesses carry), and records it. */
static ot_status log_object(ot_sim_relay *r, ot_sim_relay_kind kind, bool to_pcap, uint16_t vendor,
                            uint8_t type, const uint8_t *payload, size_t len) {
  size_t obj_len;
  OT_GUARD(ot_doe_object_encode(vendor, type, payload, len, r->obj, r->cap + OT_DOE_HEADER_SIZE,
                                &obj_len));
  uint64_t now = r->clock != NULL ? ot_clock_now(r->clock) : 0;
  OT_GUARD(ot_sim_capture_append(&r->log, now, (uint8_t)kind, r->obj, obj_len));
  if (!to_pcap || !r->recording) return OT_SUCCESS;
  uint64_t usec = now / 1000u;
  return ot_pcap_file_append(&r->pcap, (uint32_t)(usec / OT_PCAP_USEC_PER_SEC),
                             (uint32_t)(usec % OT_PCAP_USEC_PER_SEC), r->obj, obj_len);
}

static ot_sim_relay_verdict run_hook(ot_sim_relay *r, ot_sim_relay_stage stage, uint16_t vendor,
                                     uint8_t type, uint8_t *buf, size_t *len, size_t cap) {
  if (r->hook == NULL) return OT_SIM_RELAY_PASS;
  ot_sim_relay_verdict v = r->hook(r, stage, vendor, type, buf, len, cap);
  if (*len > cap) *len = cap;
  return v;
}

static ot_status relay_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                const uint8_t *req, size_t req_len, uint8_t *rsp, size_t rsp_cap,
                                size_t *rsp_len) {
  ot_sim_relay *r = (ot_sim_relay *)(void *)t;
  *rsp_len = 0;
  OT_ENSURE(req != NULL || req_len == 0, OT_E_ARG);
  OT_ENSURE(req_len <= r->cap, OT_E_TOO_LARGE);
  r->stats.exchanges++;
  if (req_len > 0) memcpy(r->buf, req, req_len);
  size_t len = req_len;
  ot_sim_relay_verdict v =
      run_hook(r, OT_SIM_RELAY_STAGE_REQUEST, vendor, type, r->buf, &len, r->cap);
  bool altered = v == OT_SIM_RELAY_PASS && (len != req_len || memcmp(r->buf, req, len) != 0);
  /* Recorded: the request as it went on (or as it came, when it went nowhere). */
  OT_GUARD(log_object(r, OT_SIM_RELAY_REQ_IN, !altered, vendor, type, req, req_len));
  if (v == OT_SIM_RELAY_DROP) {
    r->stats.dropped++;
    OT_BAIL(OT_E_IO);
  }
  if (v == OT_SIM_RELAY_ANSWER) {
    r->stats.answered++;
    OT_ENSURE(len <= rsp_cap, OT_E_NO_SPACE);
    OT_GUARD(log_object(r, OT_SIM_RELAY_RSP_OUT, true, vendor, type, r->buf, len));
    memcpy(rsp, r->buf, len);
    *rsp_len = len;
    return OT_SUCCESS;
  }
  if (altered) {
    r->stats.altered++;
    OT_GUARD(log_object(r, OT_SIM_RELAY_REQ_OUT, true, vendor, type, r->buf, len));
  }
  size_t got = 0;
  OT_GUARD(ot_doe_exchange(r->device, vendor, type, r->buf, len, rsp, rsp_cap, &got));
  /* The device's answer, kept aside to see whether the hook changes it. */
  OT_ENSURE(got <= r->cap, OT_E_TOO_LARGE);
  memcpy(r->buf, rsp, got);
  size_t out = got;
  v = run_hook(r, OT_SIM_RELAY_STAGE_RESPONSE, vendor, type, rsp, &out, rsp_cap);
  altered = v == OT_SIM_RELAY_PASS && (out != got || memcmp(rsp, r->buf, out) != 0);
  OT_GUARD(log_object(r, OT_SIM_RELAY_RSP_IN, !altered, vendor, type, r->buf, got));
  if (v != OT_SIM_RELAY_PASS) { /* DROP (ANSWER means nothing after the device answered) */
    r->stats.dropped++;
    OT_BAIL(OT_E_IO);
  }
  if (altered) {
    r->stats.altered++;
    OT_GUARD(log_object(r, OT_SIM_RELAY_RSP_OUT, true, vendor, type, rsp, out));
  }
  *rsp_len = out;
  return OT_SUCCESS;
}

ot_status ot_sim_relay_init(ot_sim_relay *r, ot_doe_transport *device, ot_clock *clock,
                            size_t cap) {
  OT_ENSURE(r != NULL && device != NULL, OT_E_ARG);
  if (cap == 0) cap = RELAY_DEFAULT_CAP;
  OT_ENSURE(cap <= OT_DOE_MAX_OBJECT_BYTES - OT_DOE_HEADER_SIZE, OT_E_ARG);
  uint8_t *buf = malloc(cap);
  uint8_t *obj = malloc(cap + OT_DOE_HEADER_SIZE);
  if (buf == NULL || obj == NULL) {
    free(buf);
    free(obj);
    OT_BAIL(OT_E_NOMEM);
  }
  memset(r, 0, sizeof *r);
  r->base.exchange = relay_exchange;
  r->device = device;
  r->clock = clock;
  r->buf = buf;
  r->obj = obj;
  r->cap = cap;
  ot_sim_capture_init(&r->log);
  return OT_SUCCESS;
}

ot_status ot_sim_relay_destroy(ot_sim_relay *r) {
  ot_status st = OT_SUCCESS;
  if (r->recording) st = ot_pcap_file_close(&r->pcap);
  r->recording = false;
  ot_sim_capture_free(&r->log);
  free(r->buf);
  free(r->obj);
  r->buf = r->obj = NULL;
  return st;
}

ot_status ot_sim_relay_record(ot_sim_relay *r, const char *path) {
  OT_ENSURE(!r->recording, OT_E_STATE);
  /* spdm-emu's snaplen, the most spdm_dump accepts; a larger object is cut
   * (opentsm/doe_pcap.h). */
  OT_GUARD(ot_pcap_file_open(&r->pcap, path, OT_PCAP_DEFAULT_SNAPLEN));
  r->recording = true;
  return OT_SUCCESS;
}

ot_status ot_sim_relay_log_payload(const ot_sim_relay *r, size_t i, ot_sim_relay_kind *kind,
                                   uint16_t *vendor, uint8_t *type, const uint8_t **payload,
                                   size_t *len) {
  OT_ENSURE(i < r->log.count, OT_E_NOT_FOUND);
  const ot_sim_capture_rec *rec = &r->log.recs[i];
  ot_doe_header h;
  OT_GUARD(ot_doe_object_decode(r->log.data + rec->off, rec->len, &h, payload, len));
  *kind = (ot_sim_relay_kind)rec->dir;
  *vendor = h.vendor;
  *type = h.type;
  return OT_SUCCESS;
}
