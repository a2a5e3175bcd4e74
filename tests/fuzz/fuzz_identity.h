/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device identity the SPDM fuzz targets serve: a P-256 root/intermediate/
 * leaf hierarchy generated from a fixed DRBG seed (so that inputs replay
 * alike) in slot 0, and the device measurements of a small firmware model.
 * Test code only; aborts on any failure, as a fuzz target's setup must not
 * go on half-built.
 */
#ifndef OT_FUZZ_IDENTITY_H
#define OT_FUZZ_IDENTITY_H

#include <stdlib.h>

#include "opentsm/crypto.h"
#include "opentsm/spdm.h"
#include "opentsm/spdm_identity.h"

static inline void fz_identity_p256(ot_spdm_identity *id, ot_drbg *drbg, uint8_t seed0) {
  uint8_t seed[48] = {seed0};
  if (!ot_ok(ot_drbg_instantiate(drbg, seed, 32, seed + 32, 16, NULL, 0))) abort();
  ot_spdm_hierarchy h;
  if (!ot_ok(ot_spdm_hierarchy_generate(&h, OT_CURVE_P256, &drbg->rng, 0, 4102444800, NULL)))
    abort();
  ot_spdm_identity_init(id);
  if (!ot_ok(ot_spdm_identity_install(id, 0, 0, 1, &h))) abort();
  ot_spdm_hierarchy_clear(&h);
  static const uint8_t fw[] = "fw";
  ot_spdm_device_model dm = {.rom = fw,
                             .rom_len = 2,
                             .firmware = fw,
                             .firmware_len = 2,
                             .hw_config = fw,
                             .hw_config_len = 2,
                             .fw_config = fw,
                             .fw_config_len = 2,
                             .version = "1",
                             .svn = 1};
  if (!ot_ok(ot_spdm_identity_add_device_meas(id, &dm))) abort();
}

#endif
