/* SPDX-License-Identifier: BSD-3-Clause */
/* The responder's pending CSRs (CSRTrackingTag); see opentsm/spdm_csr_track.h. */
#include "opentsm/spdm_csr_track.h"

#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/secure.h"

static const uint8_t magic[8] = {'O', 'T', 'C', 'S', 'R', 'S', '1', 0};

void ot_spdm_csr_track_init(ot_spdm_csr_tracker *t) {
  if (t == NULL) return;
  memset(t->tag, 0, sizeof(t->tag));
}

static ot_status notify(ot_spdm_csr_tracker *t) {
  return t->changed ? t->changed(t->ctx, t) : OT_SUCCESS;
}

OT_RESULT ot_spdm_csr_track_decide(ot_spdm_csr_tracker *t, uint8_t attributes, uint8_t key_pair_id,
                                   ot_spdm_csr_action *action, uint8_t *tag) {
  OT_ENSURE(t && action && tag, OT_E_ARG);
  uint8_t want = (uint8_t)((attributes & OT_SPDM_CSR_ATTR_TAG_MASK) >> OT_SPDM_CSR_TAG_SHIFT);
  bool overwrite = (attributes & OT_SPDM_CSR_ATTR_OVERWRITE) != 0;
  *action = OT_SPDM_CSR_ACT_INVALID;
  *tag = 0;
  /* DSP0274 1.3 GET_CSR RequestAttributes: Overwrite asks for a new CSR; with
   * a CSRTrackingTag it makes no sense (libspdm: InvalidRequest). */
  if (overwrite && want != 0) return OT_SUCCESS;
  if (want != 0) {
    const ot_spdm_csr_pending *p = &t->tag[want];
    /* A tag we did not hand out (or for another key): InvalidRequest. */
    if (!p->used || p->key_pair_id != key_pair_id) return OT_SUCCESS;
    *tag = want;
    *action = p->ready ? OT_SPDM_CSR_ACT_RETURN : OT_SPDM_CSR_ACT_PENDING;
    return OT_SUCCESS;
  }
  if (overwrite) {
    /* "discard all previously generated CSRTrackingTags" (DSP0274 1.3). */
    for (uint8_t i = 1; i <= OT_SPDM_CSR_TAG_MAX; i++)
      ot_zeroize(&t->tag[i], sizeof(t->tag[i]));
    OT_GUARD(notify(t));
  }
  for (uint8_t i = 1; i <= OT_SPDM_CSR_TAG_MAX; i++) {
    if (!t->tag[i].used) {
      *tag = i;
      *action = OT_SPDM_CSR_ACT_NEW;
      return OT_SUCCESS;
    }
  }
  /* Every tag names a pending CSR: libspdm answers Busy (the requester may
   * collect one, or ask with Overwrite). */
  *action = OT_SPDM_CSR_ACT_BUSY;
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_csr_track_store(ot_spdm_csr_tracker *t, uint8_t tag, uint8_t key_pair_id,
                                  const uint8_t *csr, size_t len) {
  OT_ENSURE(t && csr, OT_E_ARG);
  OT_ENSURE(tag >= 1 && tag <= OT_SPDM_CSR_TAG_MAX && !t->tag[tag].used, OT_E_ARG);
  OT_ENSURE(len > 0 && len <= OT_SPDM_CSR_MAX, OT_E_TOO_LARGE);
  ot_spdm_csr_pending *p = &t->tag[tag];
  memcpy(p->csr, csr, len);
  p->csr_len = (uint16_t)len;
  p->key_pair_id = key_pair_id;
  p->ready = false;
  p->used = true;
  return notify(t);
}

OT_RESULT ot_spdm_csr_track_take(ot_spdm_csr_tracker *t, uint8_t tag) {
  OT_ENSURE(t && tag >= 1 && tag <= OT_SPDM_CSR_TAG_MAX && t->tag[tag].used, OT_E_ARG);
  ot_zeroize(&t->tag[tag], sizeof(t->tag[tag]));
  return notify(t);
}

void ot_spdm_csr_track_reset(ot_spdm_csr_tracker *t) {
  if (t == NULL) return;
  for (uint8_t i = 1; i <= OT_SPDM_CSR_TAG_MAX; i++)
    if (t->tag[i].used) t->tag[i].ready = true;
}

OT_RESULT ot_spdm_csr_track_encode(const ot_spdm_csr_tracker *t, uint8_t *out, size_t cap,
                                   size_t *len) {
  OT_ENSURE(t && out && len, OT_E_ARG);
  ot_writer w;
  ot_writer_init(&w, out, cap);
  uint8_t count = 0;
  for (uint8_t i = 1; i <= OT_SPDM_CSR_TAG_MAX; i++)
    count = (uint8_t)(count + (t->tag[i].used ? 1 : 0));
  OT_IGNORE(ot_write_bytes(&w, magic, sizeof(magic)));
  OT_IGNORE(ot_write_u8(&w, count));
  for (uint8_t i = 1; i <= OT_SPDM_CSR_TAG_MAX; i++) {
    const ot_spdm_csr_pending *p = &t->tag[i];
    if (!p->used) continue;
    OT_IGNORE(ot_write_u8(&w, i));
    OT_IGNORE(ot_write_u8(&w, p->key_pair_id));
    OT_IGNORE(ot_write_u8(&w, p->ready ? 1 : 0));
    OT_IGNORE(ot_write_u16le(&w, p->csr_len));
    OT_IGNORE(ot_write_bytes(&w, p->csr, p->csr_len));
  }
  OT_GUARD(ot_writer_status(&w));
  *len = ot_writer_len(&w);
  return OT_SUCCESS;
}

/* One record of the file form: tag, KeyPairID, ready, length, CSR. */
static ot_status read_pending(ot_reader *r, uint8_t *tag, uint8_t *kpid, uint8_t *ready,
                              uint16_t *n, const uint8_t **csr) {
  OT_GUARD(ot_read_u8(r, tag));
  OT_GUARD(ot_read_u8(r, kpid));
  OT_GUARD(ot_read_u8(r, ready));
  OT_GUARD(ot_read_u16le(r, n));
  OT_ENSURE(*tag >= 1 && *tag <= OT_SPDM_CSR_TAG_MAX, OT_E_MALFORMED);
  OT_ENSURE(*ready <= 1 && *n > 0 && *n <= OT_SPDM_CSR_MAX, OT_E_MALFORMED);
  return ot_read_borrow(r, *n, csr);
}

/* Two passes over the input: the first checks all of it, the second copies,
 * so a bad file changes nothing without a second tracker (7 CSRs) on the
 * stack. */
OT_RESULT ot_spdm_csr_track_decode(ot_spdm_csr_tracker *t, const uint8_t *in, size_t len) {
  OT_ENSURE(t && (in || len == 0), OT_E_ARG);
  for (int pass = 0; pass < 2; pass++) {
    ot_reader r;
    ot_reader_init(&r, in, len);
    const uint8_t *m;
    uint8_t count;
    unsigned seen = 0;
    OT_GUARD(ot_read_borrow(&r, sizeof(magic), &m));
    OT_ENSURE(memcmp(m, magic, sizeof(magic)) == 0, OT_E_MALFORMED);
    OT_GUARD(ot_read_u8(&r, &count));
    OT_ENSURE(count <= OT_SPDM_CSR_TAG_MAX, OT_E_MALFORMED);
    if (pass == 1) {
      ot_zeroize(t->tag, sizeof(t->tag));
    }
    for (uint8_t k = 0; k < count; k++) {
      uint8_t tag, kpid, ready;
      uint16_t n;
      const uint8_t *csr;
      OT_GUARD(read_pending(&r, &tag, &kpid, &ready, &n, &csr));
      OT_ENSURE(!(seen & (1u << tag)), OT_E_MALFORMED); /* a tag once */
      seen |= 1u << tag;
      if (pass == 1) {
        t->tag[tag] = (ot_spdm_csr_pending){
            .used = true, .ready = ready == 1, .key_pair_id = kpid, .csr_len = n};
        memcpy(t->tag[tag].csr, csr, n);
      }
    }
    OT_GUARD(ot_reader_finish(&r));
  }
  return OT_SUCCESS;
}
