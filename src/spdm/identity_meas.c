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

/* One digest block; an image larger than a block's content is digested first. */
static ot_status add_image(ot_spdm_identity *id, uint8_t index, uint8_t type, const uint8_t *img,
                           size_t len) {
  ot_spdm_id_meas m = {.index = index, .value_type = type, .raw = false, .tcb = true};
  if (len <= OT_SPDM_ID_MEAS_MAX) {
    if (len) memcpy(m.content, img, len);
    m.len = (uint16_t)len;
  } else {
    OT_GUARD(ot_hash(OT_HASH_SHA384, img, len, m.content, sizeof(m.content)));
    m.len = (uint16_t)ot_hash_size(OT_HASH_SHA384);
  }
  return ot_spdm_identity_add_meas(id, &m);
}

OT_RESULT ot_spdm_identity_add_device_meas(ot_spdm_identity *id, const ot_spdm_device_model *dm) {
  OT_ENSURE(dm->version != NULL, OT_E_ARG);
  OT_GUARD(add_image(id, 1, OT_SPDM_DMTF_MEAS_IMMUTABLE_ROM, dm->rom, dm->rom_len));
  OT_GUARD(add_image(id, 2, OT_SPDM_DMTF_MEAS_MUTABLE_FIRMWARE, dm->firmware, dm->firmware_len));
  OT_GUARD(add_image(id, 3, OT_SPDM_DMTF_MEAS_HARDWARE_CONFIG, dm->hw_config, dm->hw_config_len));
  OT_GUARD(add_image(id, 4, OT_SPDM_DMTF_MEAS_FIRMWARE_CONFIG, dm->fw_config, dm->fw_config_len));
  /* The manifest lists (index, type) of the blocks above: a raw bit stream. */
  ot_spdm_id_meas man = {.index = 5, .value_type = OT_SPDM_DMTF_MEAS_MANIFEST, .raw = true};
  for (size_t i = 0; i < id->meas_count && man.len + 2u <= sizeof(man.content); i++) {
    man.content[man.len++] = id->meas[i].index;
    man.content[man.len++] = id->meas[i].value_type;
  }
  OT_GUARD(ot_spdm_identity_add_meas(id, &man));
  ot_spdm_id_meas ver = {.index = 6, .value_type = OT_SPDM_DMTF_MEAS_VERSION, .raw = true};
  size_t vlen = strlen(dm->version);
  OT_ENSURE(vlen <= sizeof(ver.content), OT_E_TOO_LARGE);
  memcpy(ver.content, dm->version, vlen);
  ver.len = (uint16_t)vlen;
  OT_GUARD(ot_spdm_identity_add_meas(id, &ver));
  /* DSP0274 "DMTF measurement specification format": SVN is an 8-byte value. */
  ot_spdm_id_meas svn = {.index = 7, .value_type = OT_SPDM_DMTF_MEAS_SVN, .raw = true, .len = 8};
  ot_store_u64le(svn.content, dm->svn);
  OT_GUARD(ot_spdm_identity_add_meas(id, &svn));
  /* DSP0274 1.2 "Device mode field": what a verifier checks before trusting
   * the other blocks (no debug mode active, normal operation). */
  bool unset = (dm->op_mode_caps | dm->op_mode_state | dm->debug_mode_caps |
                dm->debug_mode_state) == 0;
  ot_spdm_id_meas mode = {.index = 8,
                          .value_type = OT_SPDM_DMTF_MEAS_DEVICE_MODE,
                          .raw = true,
                          .len = OT_SPDM_DEVICE_MODE_FIELD_SIZE};
  ot_store_u32le(mode.content, unset ? OT_SPDM_DEVICE_OPMODE_NORMAL : dm->op_mode_caps);
  ot_store_u32le(mode.content + 4, unset ? OT_SPDM_DEVICE_OPMODE_NORMAL : dm->op_mode_state);
  ot_store_u32le(mode.content + 8, dm->debug_mode_caps);
  ot_store_u32le(mode.content + 12, dm->debug_mode_state);
  return ot_spdm_identity_add_meas(id, &mode);
}
