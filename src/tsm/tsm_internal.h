/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the files of the tsm layer (not part of the API).
 */
#ifndef OT_TSM_INTERNAL_H
#define OT_TSM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/log.h"
#include "opentsm/status.h"

#define TSM_LOG "tsm"

/* Reads a whole file into buf[0..cap): OT_E_IO (open/read), OT_E_TOO_LARGE
 * (the file does not fit). */
ot_status tsm_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len);

/* Decodes the first PEM CERTIFICATE block of text to DER. OT_E_MALFORMED,
 * OT_E_TOO_LARGE. */
ot_status tsm_pem_to_der(const char *text, size_t len, uint8_t *der, size_t cap, size_t *der_len);

/* Fills *why (if not NULL) and returns st: the one way a refusal is made. */
struct ot_tsm_refusal;
ot_status tsm_refuse(struct ot_tsm_refusal *why, int reason, ot_status st, const char *fmt, ...)
    OT_PRINTF(4, 5);

struct ot_tsm;
struct ot_tsm_dev;
struct ot_tsm_tdi;

/* Why an SPDM request to dev failed with st, for a refusal: the ERROR the
 * device answered ("device answered ERROR InvalidRequest (0x01, data 0x00) to
 * GET_DIGESTS", DSP0274 §10.12) when one ended the request, else st's own
 * message. buf (cap bytes) holds the text when it is built. */
const char *tsm_spdm_why(const struct ot_tsm_dev *dev, ot_status st, char *buf, size_t cap);
#define TSM_WHY_MAX 128u

struct ot_tsm_evidence;
/* Collects fresh evidence for dev (and tdi's report/state when tdi is not
 * NULL) with `nonce` in GET_MEASUREMENTS (evidence.c). */
ot_status tsm_collect_evidence(struct ot_tsm *tsm, struct ot_tsm_dev *dev, struct ot_tsm_tdi *tdi,
                               const uint8_t *nonce, struct ot_tsm_evidence *ev,
                               struct ot_tsm_refusal *why);
/* Holds a MeasurementRecord against the device's policy references (connect.c). */
/* Completes ev after the relay captured a signed GET_MEASUREMENTS exchange
 * that the requester verified: the exact MEASUREMENTS length, `nonce` (the
 * one the request carried), the negotiated algorithms and the VCA transcript A
 * (evidence.c). */
ot_status tsm_evidence_seal(struct ot_tsm_dev *dev, const uint8_t *nonce,
                            struct ot_tsm_evidence *ev, struct ot_tsm_refusal *why);
ot_status tsm_check_measurements(struct ot_tsm_dev *dev, const uint8_t *rec, size_t len,
                                 struct ot_tsm_refusal *why);
/* PSK connects (connect_psk.c): whether the certificate steps run first (the
 * device has CERT_CAP and the policy anchors), the PSK session, and for a
 * PSK-only device the policy's measurements over the session. */
bool tsm_psk_certs(const struct ot_tsm *tsm, const struct ot_tsm_dev *dev);
ot_status tsm_psk_session(struct ot_tsm_dev *dev, struct ot_tsm_refusal *why);
ot_status tsm_psk_measure(struct ot_tsm *tsm, struct ot_tsm_dev *dev, struct ot_tsm_refusal *why);
/* What an endpoint's IDE_KM QUERY_RESP says about its selective streams. */
typedef struct tsm_ep_ide {
  uint32_t cap;            /* IDE Capability register */
  bool have_block;         /* a selective block has Enable clear */
  uint8_t free_block;      /* the first such block */
  uint8_t enabled_ids[32]; /* bit map: Stream IDs of enabled selective blocks */
} tsm_ep_ide;

struct ot_ide_km_query_resp;
/* Walks QUERY_RESP's register block (link_ide.c). OT_E_MALFORMED when the
 * blocks the Capability register announces do not fit in it. */
ot_status tsm_parse_ide_query(const struct ot_ide_km_query_resp *q, tsm_ep_ide *out);

/* Brings up the device's selective IDE stream after FINISH, or refuses with
 * everything undone (link_ide.c; ot_tsm_connect's contract). */
ot_status tsm_ide_up(struct ot_tsm *tsm, struct ot_tsm_dev *dev, struct ot_tsm_refusal *why);
/* Stops, disables and tears down the stream, frees its Stream ID; the first
 * failure met (teardown always completes). No-op without a stream. */
ot_status tsm_ide_down(struct ot_tsm *tsm, struct ot_tsm_dev *dev);

/* Known chains (known.c). tsm_known_use: when this connection's DIGESTS
 * entry of slot 0 names a kept chain that still holds, hands its key to the
 * requester (ot_spdm_requester_use_known_chain) and returns true: the caller
 * skips GET_CERTIFICATE. tsm_known_keep: keeps slot 0's chain after it was
 * fetched, validated and proven (CHALLENGE). */
bool tsm_known_use(struct ot_tsm *tsm, struct ot_tsm_dev *dev);
void tsm_known_keep(struct ot_tsm *tsm, const struct ot_tsm_dev *dev);

/* Stops a bound TDI and forgets the binding (bind.c). */
ot_status tsm_tdi_release(struct ot_tsm_tdi *tdi);

#endif
