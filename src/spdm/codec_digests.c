/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_DIGESTS / DIGESTS (DSP0274 1.3 "GET_DIGESTS request and DIGESTS response
 * messages": tables "GET_DIGESTS request message format", "Successful DIGESTS
 * response message format"). SPEC-FACTS §2.6. */
#include "codec_internal.h"

SPDM_DEFINE_EMPTY(get_digests, OT_SPDM_GET_DIGESTS)

/* The multi-key arrays exist only on a 1.3 connection with MULTI_KEY_CONN. */
static bool has_multi_key(const ot_spdm_sizes *sz) { return spdm_is_13(sz) && sz->multi_key_conn; }

/* DIGESTS: header (Param1 = SupportedSlotMask in 1.3, reserved in 1.2; Param2 =
 * ProvisionedSlotMask) | Digest[H] per provisioned slot, ascending | 1.3 with
 * MULTI_KEY_CONN: KeyPairID[n] | CertificateInfo[n] | KeyUsageMask[n] (u16). */
ot_status spdm_read_digests(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_digests *m) {
  uint8_t p1;
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_DIGESTS, &p1, &m->provisioned_slot_mask));
  m->supported_slot_mask = spdm_is_13(sz) ? p1 : 0;
  for (unsigned s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++) {
    m->digest[s] = NULL;
    if (m->provisioned_slot_mask & (1u << s))
      OT_GUARD(ot_read_borrow(r, sz->hash_len, &m->digest[s]));
  }
  if (!has_multi_key(sz)) return OT_SUCCESS;
  for (unsigned s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++)
    if (m->provisioned_slot_mask & (1u << s)) OT_GUARD(ot_read_u8(r, &m->key_pair_id[s]));
  for (unsigned s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++)
    if (m->provisioned_slot_mask & (1u << s)) OT_GUARD(ot_read_u8(r, &m->cert_info[s]));
  for (unsigned s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++)
    if (m->provisioned_slot_mask & (1u << s)) OT_GUARD(ot_read_u16le(r, &m->key_usage[s]));
  return OT_SUCCESS;
}
SPDM_DEFINE_DECODE(digests, ot_spdm_digests)

ot_status ot_spdm_encode_digests(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_digests *m) {
  const uint8_t mask = m->provisioned_slot_mask;
  OT_ENSURE(spdm_is_13(sz) || m->supported_slot_mask == 0, OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_DIGESTS, m->supported_slot_mask, mask));
  for (unsigned s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++)
    if (mask & (1u << s)) OT_GUARD(spdm_write_opt(w, true, m->digest[s], sz->hash_len));
  if (!has_multi_key(sz)) return OT_SUCCESS;
  for (unsigned s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++)
    if (mask & (1u << s)) OT_GUARD(ot_write_u8(w, m->key_pair_id[s]));
  for (unsigned s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++)
    if (mask & (1u << s)) OT_GUARD(ot_write_u8(w, m->cert_info[s]));
  for (unsigned s = 0; s < OT_SPDM_MAX_SLOT_COUNT; s++)
    if (mask & (1u << s)) OT_GUARD(ot_write_u16le(w, m->key_usage[s]));
  return OT_SUCCESS;
}
