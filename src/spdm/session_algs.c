/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Negotiated algorithm selections to crypto-layer algorithms (DSP0274 1.2
 * "NEGOTIATE_ALGORITHMS": BaseHashAlgo and AEADCipherSuite tables). See
 * spdm_transcript.h.
 */
#include "opentsm/spdm_transcript.h"

ot_status ot_spdm_hash_from_sel(uint32_t base_hash_sel, ot_hash_alg *out) {
  OT_ENSURE(out != NULL, OT_E_ARG);
  switch (base_hash_sel) {
  case OT_SPDM_HASH_SHA_256: *out = OT_HASH_SHA256; return OT_SUCCESS;
  case OT_SPDM_HASH_SHA_384: *out = OT_HASH_SHA384; return OT_SUCCESS;
  case OT_SPDM_HASH_SHA_512: *out = OT_HASH_SHA512; return OT_SUCCESS;
  case OT_SPDM_HASH_SHA3_256: *out = OT_HASH_SHA3_256; return OT_SUCCESS;
  case OT_SPDM_HASH_SHA3_384: *out = OT_HASH_SHA3_384; return OT_SUCCESS;
  case OT_SPDM_HASH_SHA3_512: *out = OT_HASH_SHA3_512; return OT_SUCCESS;
  /* SM3 (OpenSSL 3.0 in Debian 12 builds without it), none or several bits. */
  default: OT_BAIL(OT_E_UNSUPPORTED);
  }
}

ot_status ot_spdm_aead_from_sel(uint16_t aead_sel, ot_aead_alg *out) {
  OT_ENSURE(out != NULL, OT_E_ARG);
  switch (aead_sel) {
  case OT_SPDM_AEAD_AES_128_GCM: *out = OT_AEAD_AES128_GCM; return OT_SUCCESS;
  case OT_SPDM_AEAD_AES_256_GCM: *out = OT_AEAD_AES256_GCM; return OT_SUCCESS;
  case OT_SPDM_AEAD_CHACHA20_POLY1305: *out = OT_AEAD_CHACHA20_POLY1305; return OT_SUCCESS;
  default: OT_BAIL(OT_E_UNSUPPORTED); /* SM4-GCM, none or several bits */
  }
}
