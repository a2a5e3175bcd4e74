/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET_CSR with CSRTrackingTag (DSP0274 1.3 "GET_CSR request and CSR response
 * messages", RequestAttributes bits 5:3 CSRTrackingTag and bit 7 Overwrite;
 * ERROR ResetRequired, ErrorData = the tag): a responder with
 * CERT_INSTALL_RESET_CAP may need a reset to finish a CSR. It answers the
 * first GET_CSR with ResetRequired and a tag (1..7) naming the pending CSR;
 * after the reset the requester asks again with that tag and gets the CSR.
 *
 * The tracker is the responder's record of those pending CSRs: what a device
 * keeps across its reset (`opentsm device --state-dir DIR --csr-reset` writes
 * it to DIR/csr.bin). A CSR is made when first asked (so its key and
 * RequesterInfo are those of that request) and handed out only after a reset
 * (ot_spdm_csr_track_reset, at the device's next start).
 *
 * @layer spdm
 */
#ifndef OPENTSM_SPDM_CSR_TRACK_H
#define OPENTSM_SPDM_CSR_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/spdm_codec.h"
#include "opentsm/status.h"

#define OT_SPDM_CSR_TAG_MAX 7u   /* CSRTrackingTag is 3 bits; 0 means "none" */
#define OT_SPDM_CSR_TAG_SHIFT 3u /* RequestAttributes bits 5:3 */

typedef struct ot_spdm_csr_pending {
  bool used;
  bool ready;          /* a reset happened since it was made: it may be handed out */
  uint8_t key_pair_id; /* the GET_CSR's KeyPairID (0 on a connection that is not multi-key) */
  uint16_t csr_len;
  uint8_t csr[OT_SPDM_CSR_MAX];
} ot_spdm_csr_pending;

typedef struct ot_spdm_csr_tracker {
  ot_spdm_csr_pending tag[OT_SPDM_CSR_TAG_MAX + 1]; /* [1..7]; [0] unused */
  /* Called after every change (a CSR stored, handed out, discarded), so the
   * device can keep the tracker across its reset; NULL: nothing kept. */
  ot_status (*changed)(void *ctx, const struct ot_spdm_csr_tracker *t);
  void *ctx;
} ot_spdm_csr_tracker;

/* What the responder does with a GET_CSR (ot_spdm_csr_track_decide). */
typedef enum ot_spdm_csr_action {
  OT_SPDM_CSR_ACT_INVALID = 0, /* ERROR InvalidRequest */
  OT_SPDM_CSR_ACT_NEW,         /* make the CSR, store it under *tag, answer ResetRequired(*tag) */
  OT_SPDM_CSR_ACT_PENDING,     /* *tag names a CSR not yet finished: ResetRequired(*tag) again */
  OT_SPDM_CSR_ACT_RETURN,      /* *tag names a finished CSR: answer CSR with it, then take it */
  OT_SPDM_CSR_ACT_BUSY,        /* all seven tags pending: ERROR Busy */
} ot_spdm_csr_action;

void ot_spdm_csr_track_init(ot_spdm_csr_tracker *t);

/*
 * Decides on a 1.3 GET_CSR's RequestAttributes and KeyPairID. Overwrite with a
 * tag, or a tag naming no pending CSR of this KeyPairID, is INVALID (DSP0274
 * 1.3 GET_CSR: "CSRTrackingTag shall be 0 when Overwrite is set"; libspdm
 * answers InvalidRequest to both). Overwrite discards every pending CSR first
 * (DSP0274 1.3: "discard all previously generated CSRTrackingTags"); that is
 * the only change made here, reported through `changed`.
 */
OT_RESULT ot_spdm_csr_track_decide(ot_spdm_csr_tracker *t, uint8_t attributes, uint8_t key_pair_id,
                                   ot_spdm_csr_action *action, uint8_t *tag);

/* Stores a CSR made for a NEW decision under `tag` (not ready until a reset). */
OT_RESULT ot_spdm_csr_track_store(ot_spdm_csr_tracker *t, uint8_t tag, uint8_t key_pair_id,
                                  const uint8_t *csr, size_t len);

/* Forgets the CSR of `tag` once handed out (RETURN). */
OT_RESULT ot_spdm_csr_track_take(ot_spdm_csr_tracker *t, uint8_t tag);

/* What a reset does: every pending CSR is finished. */
void ot_spdm_csr_track_reset(ot_spdm_csr_tracker *t);

/*
 * The tracker as bytes (a device's file) and back. Format: "OTCSRS1\0" |
 * Count(1) | Count x { Tag(1) | KeyPairID(1) | Ready(1) | Length(2 LE) |
 * CSR[Length] }. decode checks every field (tags 1..7, once each; lengths
 * within OT_SPDM_CSR_MAX and the input) and changes nothing on failure.
 */
OT_RESULT ot_spdm_csr_track_encode(const ot_spdm_csr_tracker *t, uint8_t *out, size_t cap,
                                   size_t *len);
OT_RESULT ot_spdm_csr_track_decode(ot_spdm_csr_tracker *t, const uint8_t *in, size_t len);

#endif
