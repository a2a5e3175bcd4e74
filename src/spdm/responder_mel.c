/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responder: GET_MEASUREMENT_EXTENSION_LOG (DSP0274 1.3 §10.24): the DMTF MEL
 * of the configuration, served in portions as CERTIFICATE serves a chain.
 */
#include "responder_internal.h"

ot_status rsp_get_mel(rsp_call *c) {
  ot_spdm_responder *r = c->r;
  const ot_spdm_get_mel *q = &c->msg.u.get_mel;
  /* §10.24: MEL_CAP needs a MEL format agreed in ALGORITHMS. */
  if (r->neg.mel_spec == 0) return rsp_error(c, OT_SPDM_ERR_UNEXPECTED_REQUEST, 0);
  size_t total = r->cfg->mel_len;
  /* §10.24: an Offset past the MEL is an InvalidRequest (libspdm: the same). */
  if (q->offset >= total || q->length == 0) return rsp_error(c, OT_SPDM_ERR_INVALID_REQUEST, 0);
  /* The portion fits the requester's DataTransferSize whole (the response
   * header is 12 bytes), as CERTIFICATE portions do; a requester that asks
   * for more gets less and asks again for the remainder. */
  size_t room = sizeof(r->large) - 12u;
  if (c->limit && c->limit > 12u && c->limit - 12u < room) room = c->limit - 12u;
  size_t n = total - q->offset;
  if (n > q->length) n = q->length;
  if (n > room) n = room;
  ot_spdm_mel m = {.portion_len = (uint32_t)n,
                   .remainder_len = (uint32_t)(total - q->offset - n),
                   .portion = r->cfg->mel + q->offset};
  ot_writer w;
  ot_writer_init(&w, r->large, sizeof(r->large));
  OT_GUARD(ot_spdm_encode_mel(&r->neg.sizes, &w, &m));
  return rsp_emit_large(c, ot_writer_len(&w));
}
