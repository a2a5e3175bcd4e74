/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the TSM policy loader (YAML text from a file the operator
 * controls, but parsed strictly as untrusted input). No anchor files are
 * opened (base directory NULL). Checks that a failure leaves the policy
 * unchanged and carries a message, and that a success is within bounds.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/tsm_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static ot_tsm_policy p, before;
  ot_tsm_policy_init(&p);
  p.device_count = 0;
  before = p;
  ot_tsm_policy_error err;
  ot_status st = ot_tsm_policy_parse(&p, (const char *)data, size, NULL, &err);
  if (!ot_ok(st)) {
    if (memcmp(&p, &before, sizeof(p)) != 0 || err.msg[0] == '\0') abort();
    return 0;
  }
  if (p.device_count > OT_TSM_POLICY_MAX_DEVICES || p.anchor_count > OT_TSM_POLICY_MAX_ANCHORS ||
      p.anchors_loaded)
    abort();
  for (size_t i = 0; i < p.device_count; i++) {
    const ot_tsm_policy_device *d = &p.devices[i];
    if (d->meas_count > OT_TSM_POLICY_MAX_MEAS || d->guest_count > OT_TSM_POLICY_MAX_GUESTS ||
        d->name[0] == '\0' || ot_tsm_policy_find_device(&p, d->name) != d)
      abort();
    for (size_t k = 1; k < d->meas_count; k++)
      if (d->meas[k - 1].index >= d->meas[k].index) abort();
  }
  return 0;
}
