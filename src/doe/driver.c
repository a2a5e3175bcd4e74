/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host DOE mailbox driver over a config space accessor: see
 * opentsm/doe_driver.h. PCIe r6.0 §6.30.2 (operation), §7.9.24 (registers);
 * the sequence follows Linux drivers/pci/doe.c as SPEC-FACTS §1.4 gives it.
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/doe_driver.h"
#include "opentsm/log.h"
#include "opentsm/spec/doe.h"

#define LOG_COMPONENT "doe"

static ot_doe_driver *as_driver(ot_doe_transport *t) { return (ot_doe_driver *)(void *)t; }

static bool is_discovery(uint16_t vendor, uint8_t type) {
  return vendor == OT_DOE_VENDOR_PCISIG && type == OT_DOE_TYPE_DISCOVERY;
}

static ot_status rd(ot_doe_driver *d, uint16_t reg, uint32_t *v) {
  return ot_cfg_read32(d->cfg, (uint16_t)(d->cap + reg), v);
}

static ot_status wr(ot_doe_driver *d, uint16_t reg, uint32_t v) {
  return ot_cfg_write32(d->cfg, (uint16_t)(d->cap + reg), v);
}

static uint64_t elapsed(ot_doe_driver *d, uint64_t start) { return ot_clock_now(d->clock) - start; }

/* ---- abort ------------------------------------------------------------------------- */

static ot_status mark_dead(ot_doe_driver *d) {
  d->dead = true;
  OT_LOGE(LOG_COMPONENT, "mailbox at 0x%03x is dead: Abort did not complete", d->cap);
  return ot_status_of(OT_E_DEAD);
}

/* see doe_driver.h */
ot_status ot_doe_driver_abort(ot_doe_driver *d) {
  OT_ENSURE(!d->dead, OT_E_DEAD);
  if (!ot_ok(wr(d, OT_DOE_REG_CTRL, OT_DOE_CTRL_ABORT))) return mark_dead(d);
  uint64_t start = ot_clock_now(d->clock);
  for (;;) {
    uint32_t st;
    if (!ot_ok(rd(d, OT_DOE_REG_STATUS, &st))) return mark_dead(d);
    /* PCIe r6.0 §6.30.2: the Abort is complete when Busy and Error are both clear. */
    if (!(st & (OT_DOE_STATUS_BUSY | OT_DOE_STATUS_ERROR))) return OT_SUCCESS;
    if (elapsed(d, start) >= d->timeout_ns) return mark_dead(d);
    ot_clock_sleep(d->clock, d->poll_ns);
  }
}

/* ---- one exchange ---------------------------------------------------------------------- */

/* Writes header, payload (last DW zero-padded) and Go. */
static ot_status send_request(ot_doe_driver *d, uint16_t vendor, uint8_t type, const uint8_t *req,
                              size_t req_len) {
  uint32_t st;
  OT_GUARD(rd(d, OT_DOE_REG_STATUS, &st));
  /* Linux pci_doe_send_req: Busy means another agent uses the mailbox. */
  OT_ENSURE(!(st & OT_DOE_STATUS_BUSY), OT_E_BUSY);
  OT_ENSURE(!(st & OT_DOE_STATUS_ERROR), OT_E_DEVICE);

  size_t payload_dw = (req_len + 3u) / 4u;
  size_t length = OT_DOE_HDR_DWS + payload_dw;
  /* PCIe r6.0 §6.30.1: Length 2^18 is written as 0. */
  uint32_t length_field = length == OT_DOE_LENGTH_MAX_DW ? 0u : (uint32_t)length;
  OT_GUARD(wr(d, OT_DOE_REG_WRITE,
              OT_FIELD_PREP(OT_DOE_HDR0_VENDOR, vendor) | OT_FIELD_PREP(OT_DOE_HDR0_TYPE, type)));
  OT_GUARD(wr(d, OT_DOE_REG_WRITE, OT_FIELD_PREP(OT_DOE_HDR1_LENGTH, length_field)));
  for (size_t i = 0; i < payload_dw; i++) {
    uint8_t dw[4] = {0};
    size_t n = req_len - 4u * i < 4u ? req_len - 4u * i : 4u;
    memcpy(dw, req + 4u * i, n);
    OT_GUARD(wr(d, OT_DOE_REG_WRITE, ot_load_u32le(dw)));
  }
  /* Linux writes Control with Go alone; this driver does not use interrupts. */
  return wr(d, OT_DOE_REG_CTRL, OT_DOE_CTRL_GO);
}

static ot_status wait_ready(ot_doe_driver *d) {
  uint64_t start = ot_clock_now(d->clock);
  for (;;) {
    uint32_t st;
    OT_GUARD(rd(d, OT_DOE_REG_STATUS, &st));
    OT_ENSURE(!(st & OT_DOE_STATUS_ERROR), OT_E_DEVICE);
    if (st & OT_DOE_STATUS_READY) return OT_SUCCESS;
    OT_ENSURE(elapsed(d, start) < d->timeout_ns, OT_E_TIMEOUT);
    ot_clock_sleep(d->clock, d->poll_ns);
  }
}

/* Checks response header DW0 against the request's (vendor, type). */
static ot_status check_hdr0(uint32_t dw0, uint16_t vendor, uint8_t type) {
  OT_ENSURE(!(dw0 & OT_DOE_HDR0_RSVD), OT_E_RESERVED);
  /* Linux pci_doe_recv_resp: a response of another protocol is an error. */
  OT_ENSURE(OT_FIELD_GET(OT_DOE_HDR0_VENDOR, dw0) == vendor &&
                OT_FIELD_GET(OT_DOE_HDR0_TYPE, dw0) == type,
            OT_E_UNEXPECTED);
  return OT_SUCCESS;
}

/* Decodes response header DW1 into a Length in DW. */
static ot_status decode_hdr1(uint32_t dw1, size_t *length) {
  OT_ENSURE(!(dw1 & OT_DOE_HDR1_RSVD), OT_E_RESERVED);
  uint32_t len = OT_FIELD_GET(OT_DOE_HDR1_LENGTH, dw1);
  if (len == 0) len = OT_DOE_LENGTH_MAX_DW; /* PCIe r6.0 §6.30.1 */
  OT_ENSURE(len >= OT_DOE_HDR_DWS, OT_E_MALFORMED);
  *length = len;
  return OT_SUCCESS;
}

/*
 * Reads the whole response object, DW by DW, each acknowledged by a write to
 * the Read Data Mailbox. Payload DWs beyond rsp_cap are drained (read and
 * acknowledged) so that the mailbox ends idle; the overflow is reported as
 * OT_E_NO_SPACE only after the object was consumed cleanly.
 */
static ot_status receive(ot_doe_driver *d, uint16_t vendor, uint8_t type, uint8_t *rsp,
                         size_t rsp_cap, size_t *rsp_len) {
  size_t length = OT_DOE_HDR_DWS; /* known after DW1 */
  bool overflow = false;
  for (size_t j = 0; j < length; j++) {
    uint32_t v;
    OT_GUARD(rd(d, OT_DOE_REG_READ, &v));
    if (j == 0) {
      OT_GUARD(check_hdr0(v, vendor, type));
    } else if (j == 1) {
      OT_GUARD(decode_hdr1(v, &length));
    } else {
      size_t at = 4u * (j - OT_DOE_HDR_DWS);
      if (at + 4u <= rsp_cap) {
        ot_store_u32le(rsp + at, v);
      } else {
        overflow = true;
      }
    }
    /*
     * Linux: ensure Data Object Ready is still set before the last acknowledge.
     * Also before trusting the Length: a mailbox that failed after DW0 reads 0
     * there, which would otherwise mean "drain 2^18 DW".
     */
    if (j == 1u || j == length - 1u) {
      uint32_t st;
      OT_GUARD(rd(d, OT_DOE_REG_STATUS, &st));
      OT_ENSURE(!(st & OT_DOE_STATUS_ERROR), OT_E_DEVICE);
      OT_ENSURE(st & OT_DOE_STATUS_READY, OT_E_IO);
    }
    OT_GUARD(wr(d, OT_DOE_REG_READ, 0));
  }
  /* A final check picks up an Error raised since Data Object Ready. */
  uint32_t st;
  OT_GUARD(rd(d, OT_DOE_REG_STATUS, &st));
  OT_ENSURE(!(st & OT_DOE_STATUS_ERROR), OT_E_DEVICE);
  OT_ENSURE(!overflow, OT_E_NO_SPACE);
  *rsp_len = 4u * (length - OT_DOE_HDR_DWS);
  return OT_SUCCESS;
}

/* see doe_driver.h */
ot_status ot_doe_driver_exchange(ot_doe_driver *d, uint16_t vendor, uint8_t type,
                                 const uint8_t *req, size_t req_len, uint8_t *rsp, size_t rsp_cap,
                                 size_t *rsp_len) {
  OT_ENSURE(rsp_len != NULL, OT_E_ARG);
  *rsp_len = 0;
  OT_ENSURE((req != NULL || req_len == 0) && (rsp != NULL || rsp_cap == 0), OT_E_ARG);
  OT_ENSURE(!d->dead, OT_E_DEAD);
  if (!is_discovery(vendor, type) && !ot_doe_driver_supports(d, vendor, type)) {
    OT_LOGW(LOG_COMPONENT, "protocol %04x:%02x is not offered by the mailbox at 0x%03x", vendor,
            type, d->cap);
    return ot_status_of(OT_E_UNSUPPORTED);
  }
  OT_ENSURE(req_len <= OT_DOE_MAX_OBJECT_BYTES - OT_DOE_HEADER_SIZE, OT_E_TOO_LARGE);

  size_t got = 0;
  ot_status st = send_request(d, vendor, type, req, req_len);
  if (ot_ok(st)) st = wait_ready(d);
  if (ot_ok(st)) st = receive(d, vendor, type, rsp, rsp_cap, &got);
  if (ot_ok(st)) {
    *rsp_len = got;
    return OT_SUCCESS;
  }
  if (ot_is(st, OT_E_NO_SPACE)) return st; /* drained: the mailbox is idle */
  OT_LOGD(LOG_COMPONENT, "exchange %04x:%02x failed (%s); aborting", vendor, type,
          ot_status_name(st));
  OT_IGNORE(ot_doe_driver_abort(d)); /* a failure marks the driver dead; report the cause */
  return st;
}

static ot_status transport_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                    const uint8_t *req, size_t req_len, uint8_t *rsp,
                                    size_t rsp_cap, size_t *rsp_len) {
  return ot_doe_driver_exchange(as_driver(t), vendor, type, req, req_len, rsp, rsp_cap, rsp_len);
}

/* ---- creation -------------------------------------------------------------------------- */

/* see doe_driver.h */
bool ot_doe_driver_supports(const ot_doe_driver *d, uint16_t vendor, uint8_t type) {
  if (is_discovery(vendor, type)) return true;
  for (size_t i = 0; i < d->feature_count; i++)
    if (d->features[i].vendor == vendor && d->features[i].type == type) return true;
  return false;
}

/* see doe_driver.h */
ot_status ot_doe_find_mailbox(ot_cfg_access *cfg, uint16_t from, uint16_t *cap) {
  return ot_pcie_find_ext_cap(cfg, OT_DOE_EXT_CAP_ID, from, cap, NULL);
}

/* see doe_driver.h */
ot_status ot_doe_driver_init(ot_doe_driver *d, ot_cfg_access *cfg, uint16_t cap, ot_clock *clock) {
  OT_ENSURE(d != NULL && cfg != NULL && clock != NULL, OT_E_ARG);
  OT_ENSURE(cap >= OT_PCI_EXT_CAP_START && ot_cfg_dw_offset_ok(cap) &&
                cap <= OT_PCI_CFG_EXT_SIZE - OT_DOE_CAP_SIZEOF,
            OT_E_ARG);
  uint32_t hdr;
  OT_GUARD(ot_cfg_read32(cfg, cap, &hdr));
  OT_ENSURE(OT_FIELD_GET(OT_PCI_EXT_CAP_ID, hdr) == OT_DOE_EXT_CAP_ID, OT_E_NOT_FOUND);

  memset(d, 0, sizeof *d);
  d->base.exchange = transport_exchange;
  d->cfg = cfg;
  d->clock = clock;
  d->cap = cap;
  d->cap_version = (uint8_t)OT_FIELD_GET(OT_PCI_EXT_CAP_VER, hdr);
  d->timeout_ns = OT_DOE_DRIVER_TIMEOUT_NS;
  d->poll_ns = OT_DOE_DRIVER_POLL_NS;

  /* Linux pci_doe_create_mb: reset the mailbox first, then learn its protocols. */
  OT_GUARD(ot_doe_driver_abort(d));
  uint8_t version = d->cap_version >= OT_DOE_EXT_CAP_VER_DISCOVERY_V2 ? 2u : 0u;
  size_t count = 0;
  OT_GUARD(ot_doe_discover(&d->base, version, d->features, OT_DOE_DISCOVERY_MAX_ENTRIES, &count));
  d->feature_count = count;
  for (size_t i = 0; i < count; i++)
    OT_LOGD(LOG_COMPONENT, "mailbox 0x%03x offers %04x:%02x", cap, d->features[i].vendor,
            d->features[i].type);
  return OT_SUCCESS;
}

/* see doe_driver.h */
ot_status ot_doe_driver_open(ot_doe_driver *d, ot_cfg_access *cfg, ot_clock *clock, uint16_t vendor,
                             uint8_t type) {
  ot_status result = ot_status_of(OT_E_NOT_FOUND);
  uint16_t cap = 0;
  /* Bounded like the walk itself, so a looped list cannot keep us here. */
  for (unsigned ttl = OT_PCI_EXT_CAP_MAX_WALK; ttl > 0; ttl--) {
    ot_status st = ot_doe_find_mailbox(cfg, cap, &cap);
    if (ot_is(st, OT_E_NOT_FOUND)) return result;
    OT_GUARD(st);
    st = ot_doe_driver_init(d, cfg, cap, clock);
    if (ot_ok(st) && ot_doe_driver_supports(d, vendor, type)) return OT_SUCCESS;
    if (!ot_ok(st)) result = st;
  }
  return ot_status_of(OT_E_MALFORMED);
}
