/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host-side DOE mailbox driver: register-level exchanges over any config
 * space accessor (in-process model, Linux sysfs), implementing
 * ot_doe_transport so that SPDM and the other protocols run over it unchanged.
 * @layer doe
 *
 * It follows Linux drivers/pci/doe.c (SPEC-FACTS §1.4) and PCIe r6.0 §6.30.2:
 *  - creation: Abort the mailbox, then cache the (vendor, type) list that
 *    Discovery returns; Discovery Version 2 is requested when the capability
 *    version is >= 2, else 0;
 *  - exchange: Status must show neither Busy nor Error; write the header and
 *    payload DW by DW (a partial last DW is zero-padded), then Go; poll Data
 *    Object Ready every 1/128 s for up to 1 s; read the response DW by DW,
 *    advancing with a write of 0, Length 0 meaning 2^18 DW; re-check Ready
 *    before acknowledging the last DW; a final Status read must show no Error;
 *  - any failure after the mailbox was touched triggers an Abort; an Abort
 *    that does not clear Busy and Error within 1 s marks the mailbox dead, and
 *    a dead mailbox refuses every later call with OT_E_DEAD (sticky, as
 *    Linux's PCI_DOE_FLAG_DEAD).
 *
 * Ownership and context: the driver borrows the accessor and the clock; both
 * must outlive it. One exchange at a time (no locking: the caller serialises,
 * as Linux's per-mailbox ordered workqueue does).
 */
#ifndef OPENTSM_DOE_DRIVER_H
#define OPENTSM_DOE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/clock.h"
#include "opentsm/doe.h"
#include "opentsm/pcie.h"
#include "opentsm/status.h"

/* PCIe r6.0 §6.30.2: a response, and an Abort, must complete within 1 second. */
#define OT_DOE_DRIVER_TIMEOUT_NS OT_NS_PER_S
/* Linux polls 128 times per timeout (PCI_DOE_POLL_INTERVAL = HZ / 128). */
#define OT_DOE_DRIVER_POLL_NS (OT_NS_PER_S / 128u)

typedef struct ot_doe_driver {
  ot_doe_transport base; /* must be first */
  ot_cfg_access *cfg;
  ot_clock *clock;
  uint16_t cap;        /* DOE capability offset */
  uint8_t cap_version; /* its Capability Version */
  bool dead;           /* an Abort failed: sticky */
  uint64_t timeout_ns; /* OT_DOE_DRIVER_TIMEOUT_NS after init; tests may change it */
  uint64_t poll_ns;    /* OT_DOE_DRIVER_POLL_NS after init */
  ot_doe_feature features[OT_DOE_DISCOVERY_MAX_ENTRIES]; /* Discovery result */
  size_t feature_count;
} ot_doe_driver;

/*
 * Finds the next DOE extended capability after `from` (0: the first) by
 * walking the extended capability list; errors as ot_pcie_find_ext_cap.
 */
OT_RESULT ot_doe_find_mailbox(ot_cfg_access *cfg, uint16_t from, uint16_t *cap);

/*
 * Takes over the DOE mailbox at `cap`: checks that a DOE capability is there
 * (OT_E_NOT_FOUND otherwise), aborts it (OT_E_DEAD if the Abort does not
 * complete; the driver is then dead), and runs Discovery (its errors, e.g.
 * OT_E_TIMEOUT, OT_E_MALFORMED for a looping or malformed list). On failure
 * the driver must not be used except to read its state.
 */
OT_RESULT ot_doe_driver_init(ot_doe_driver *d, ot_cfg_access *cfg, uint16_t cap, ot_clock *clock);

/*
 * Finds the first DOE mailbox whose Discovery lists (vendor, type), as Linux
 * pci_find_doe_mailbox, and leaves *d initialised on it. OT_E_NOT_FOUND if no
 * mailbox offers it; if some mailbox failed to initialise and none offers it,
 * that failure is returned instead.
 */
OT_RESULT ot_doe_driver_open(ot_doe_driver *d, ot_cfg_access *cfg, ot_clock *clock, uint16_t vendor,
                             uint8_t type);

/* True if Discovery listed (vendor, type). Discovery itself is always usable. */
bool ot_doe_driver_supports(const ot_doe_driver *d, uint16_t vendor, uint8_t type);

static inline bool ot_doe_driver_is_dead(const ot_doe_driver *d) { return d->dead; }

static inline ot_doe_transport *ot_doe_driver_transport(ot_doe_driver *d) { return &d->base; }

/*
 * One exchange (the transport's exchange function): sends req[0..req_len) as
 * an object of (vendor, type) and receives the response payload (a whole
 * number of DW) into rsp[0..rsp_cap), *rsp_len its length.
 * Errors (*rsp_len is 0 on any error):
 *   OT_E_DEAD         the mailbox is dead (nothing is touched)
 *   OT_E_UNSUPPORTED  Discovery did not list (vendor, type) (nothing is touched)
 *   OT_E_TOO_LARGE    the request exceeds 2^18 DW with its header
 *   OT_E_BUSY         Busy was set before the request (another agent)
 *   OT_E_DEVICE       DOE Error was set
 *   OT_E_TIMEOUT      no Data Object Ready within the timeout
 *   OT_E_IO           Ready dropped before the last DW, or the accessor failed
 *   OT_E_UNEXPECTED   the response has another vendor or type
 *   OT_E_RESERVED / OT_E_MALFORMED  response header reserved bits / Length < 2
 *   OT_E_NO_SPACE     the payload did not fit rsp_cap; it was drained, so the
 *                     mailbox stays usable and no Abort is sent
 * After OT_E_BUSY and every error listed below it except OT_E_NO_SPACE, the
 * mailbox was aborted; if that Abort failed, the driver is now dead (the
 * original error is still returned).
 */
OT_RESULT ot_doe_driver_exchange(ot_doe_driver *d, uint16_t vendor, uint8_t type,
                                 const uint8_t *req, size_t req_len, uint8_t *rsp, size_t rsp_cap,
                                 size_t *rsp_len);

/*
 * Aborts the mailbox (PCIe r6.0 §6.30.2): writes DOE Abort and waits up to the
 * timeout for Busy and Error to clear. OT_E_DEAD (and the driver dead) if
 * they do not or the accessor fails; OT_E_DEAD at once if already dead.
 */
OT_RESULT ot_doe_driver_abort(ot_doe_driver *d);

#endif /* OPENTSM_DOE_DRIVER_H */
