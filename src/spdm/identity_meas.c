/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Measurement blocks of a device identity (DSP0274 1.3 "Measurement block
 * format", "DMTF measurement specification format"; SPEC-FACTS §2.9) and the
 * MeasurementSummaryHash (SPEC-FACTS §2.8).
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/spdm_codec.h"
#include "opentsm/spdm_identity.h"

OT_RESULT ot_spdm_identity_add_meas(ot_spdm_identity *id, const ot_spdm_id_meas *m) {
  /* Index 0 is "count" and 0xFF "all" in GET_MEASUREMENTS: never a block. */
  OT_ENSURE(m->index != 0 && m->index != OT_SPDM_MEAS_OP_ALL, OT_E_ARG);
  OT_ENSURE(m->value_type <= OT_SPDM_DMTF_MEAS_TYPE_MASK, OT_E_ARG);
  OT_ENSURE(m->len <= OT_SPDM_ID_MEAS_MAX, OT_E_TOO_LARGE);
  OT_ENSURE(id->meas_count < OT_SPDM_ID_MAX_MEAS, OT_E_NO_SPACE);
  size_t at = id->meas_count;
  for (size_t i = 0; i < id->meas_count; i++) {
    OT_ENSURE(id->meas[i].index != m->index, OT_E_EXISTS);
    if (id->meas[i].index > m->index && at == id->meas_count) at = i;
  }
  memmove(&id->meas[at + 1], &id->meas[at], (id->meas_count - at) * sizeof(id->meas[0]));
  id->meas[at] = *m;
  id->meas_count++;
  return OT_SUCCESS;
}

OT_RESULT ot_spdm_identity_meas_block(const ot_spdm_identity *id, size_t i, ot_hash_alg meas_hash,
                                      uint8_t *out, size_t cap, size_t *out_len) {
  OT_ENSURE(i < id->meas_count, OT_E_NOT_FOUND);
  const ot_spdm_id_meas *m = &id->meas[i];
  uint8_t digest[OT_HASH_MAX_SIZE];
  ot_spdm_dmtf_meas v = {.value_type = m->value_type};
  if (m->raw) {
    v.value_type |= OT_SPDM_DMTF_MEAS_RAW_BIT_STREAM;
    v.value = m->content;
    v.value_size = m->len;
  } else {
    OT_GUARD(ot_hash(meas_hash, m->content, m->len, digest, sizeof(digest)));
    v.value = digest;
    v.value_size = (uint16_t)ot_hash_size(meas_hash);
  }
  uint8_t value[OT_SPDM_DMTF_MEAS_HEADER_SIZE + OT_SPDM_ID_MEAS_MAX];
  ot_writer vw;
  ot_writer_init(&vw, value, sizeof(value));
  OT_GUARD(ot_spdm_dmtf_meas_encode(&vw, &v));
  ot_spdm_meas_block b = {.index = m->index,
                          .spec = OT_SPDM_MEAS_SPEC_DMTF,
                          .size = (uint16_t)ot_writer_len(&vw),
                          .measurement = value};
  ot_writer w;
  ot_writer_init(&w, out, cap);
  OT_GUARD(ot_spdm_meas_block_encode(&w, &b));
  *out_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

/* TCB components are the immutable and mutable code and configuration of the
 * device, the blocks flagged tcb when the identity was built. */
static bool selected(const ot_spdm_id_meas *m, uint8_t type) {
  return type == OT_SPDM_MEAS_SUMMARY_ALL || (type == OT_SPDM_MEAS_SUMMARY_TCB && m->tcb);
}

OT_RESULT ot_spdm_identity_meas_summary(const ot_spdm_identity *id, uint8_t type, ot_hash_alg hash,
                                        ot_hash_alg meas_hash, uint8_t *out, size_t cap) {
  OT_ENSURE(type == OT_SPDM_MEAS_SUMMARY_ALL || type == OT_SPDM_MEAS_SUMMARY_TCB, OT_E_ARG);
  ot_hash_ctx ctx = {0};
  ot_status st;
  OT_GUARD(ot_hash_init(&ctx, hash));
  for (size_t i = 0; i < id->meas_count; i++) {
    if (!selected(&id->meas[i], type)) continue;
    uint8_t
        block[OT_SPDM_MEAS_BLOCK_HEADER_SIZE + OT_SPDM_DMTF_MEAS_HEADER_SIZE + OT_SPDM_ID_MEAS_MAX];
    size_t n;
    OT_GUARD_GOTO(st, ot_spdm_identity_meas_block(id, i, meas_hash, block, sizeof(block), &n), out);
    OT_GUARD_GOTO(st, ot_hash_update(&ctx, block, n), out);
  }
  st = ot_hash_final(&ctx, out, cap);
out:
  ot_hash_free(&ctx);
  return st;
}

/* One block from its content: a digest of a TCB component, or a raw bit stream. */
static ot_status add_block(ot_spdm_identity *id, uint8_t index, uint8_t type, bool raw,
                           const uint8_t *content, size_t len) {
  ot_spdm_id_meas m = {
      .index = index, .value_type = type, .raw = raw, .tcb = !raw, .len = (uint16_t)len};
  OT_ENSURE(len <= sizeof(m.content), OT_E_TOO_LARGE);
  if (len) memcpy(m.content, content, len);
  return ot_spdm_identity_add_meas(id, &m);
}

/* One digest block; an image larger than a block's content is digested first. */
static ot_status add_image(ot_spdm_identity *id, uint8_t index, uint8_t type, const uint8_t *img,
                           size_t len) {
  uint8_t digest[OT_HASH_MAX_SIZE];
  if (len > OT_SPDM_ID_MEAS_MAX) {
    OT_GUARD(ot_hash(OT_HASH_SHA384, img, len, digest, sizeof(digest)));
    img = digest;
    len = ot_hash_size(OT_HASH_SHA384);
  }
  return add_block(id, index, type, false, img, len);
}

OT_RESULT ot_spdm_identity_add_device_meas(ot_spdm_identity *id, const ot_spdm_device_model *dm) {
  OT_ENSURE(dm->version != NULL, OT_E_ARG);
  OT_GUARD(add_image(id, 1, OT_SPDM_DMTF_MEAS_IMMUTABLE_ROM, dm->rom, dm->rom_len));
  OT_GUARD(add_image(id, 2, OT_SPDM_DMTF_MEAS_MUTABLE_FIRMWARE, dm->firmware, dm->firmware_len));
  OT_GUARD(add_image(id, 3, OT_SPDM_DMTF_MEAS_HARDWARE_CONFIG, dm->hw_config, dm->hw_config_len));
  OT_GUARD(add_image(id, 4, OT_SPDM_DMTF_MEAS_FIRMWARE_CONFIG, dm->fw_config, dm->fw_config_len));
  /* The manifest lists (index, type) of the blocks above: a raw bit stream. */
  uint8_t man[OT_SPDM_ID_MEAS_MAX];
  size_t n = 0;
  for (size_t i = 0; i < id->meas_count && n + 2u <= sizeof(man); i++) {
    man[n++] = id->meas[i].index;
    man[n++] = id->meas[i].value_type;
  }
  OT_GUARD(add_block(id, 5, OT_SPDM_DMTF_MEAS_MANIFEST, true, man, n));
  OT_GUARD(add_block(id, 6, OT_SPDM_DMTF_MEAS_VERSION, true, (const uint8_t *)dm->version,
                     strlen(dm->version)));
  /* DSP0274 "DMTF measurement specification format": SVN is an 8-byte value. */
  uint8_t svn[8];
  ot_store_u64le(svn, dm->svn);
  OT_GUARD(add_block(id, 7, OT_SPDM_DMTF_MEAS_SVN, true, svn, sizeof(svn)));
  /* DSP0274 1.2 "Device mode field": what a verifier checks before trusting
   * the other blocks (no debug mode active, normal operation). */
  bool unset = (dm->op_mode_caps | dm->op_mode_state | dm->debug_mode_caps |
                dm->debug_mode_state) == 0;
  uint8_t mode[OT_SPDM_DEVICE_MODE_FIELD_SIZE];
  ot_store_u32le(mode, unset ? OT_SPDM_DEVICE_OPMODE_NORMAL : dm->op_mode_caps);
  ot_store_u32le(mode + 4, unset ? OT_SPDM_DEVICE_OPMODE_NORMAL : dm->op_mode_state);
  ot_store_u32le(mode + 8, dm->debug_mode_caps);
  ot_store_u32le(mode + 12, dm->debug_mode_state);
  return add_block(id, 8, OT_SPDM_DMTF_MEAS_DEVICE_MODE, true, mode, sizeof(mode));
}
