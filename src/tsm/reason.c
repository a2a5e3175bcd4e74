/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Refusal reasons: names and texts from the one table in opentsm/tsm.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "opentsm/tsm.h"
#include "tsm_internal.h"

static const char *const names[] = {
#define OT_X_NAME(name, text) #name,
    OT_TSM_REASON_TABLE(OT_X_NAME)
#undef OT_X_NAME
};
static const char *const texts[] = {
#define OT_X_TEXT(name, text) text,
    OT_TSM_REASON_TABLE(OT_X_TEXT)
#undef OT_X_TEXT
};
_Static_assert(sizeof(names) / sizeof(names[0]) == OT_TSM_R_COUNT, "one name per reason");

const char *ot_tsm_reason_name(ot_tsm_reason r) {
  return (unsigned)r < OT_TSM_R_COUNT ? names[r] : "OT_TSM_R_UNKNOWN";
}

const char *ot_tsm_reason_text(ot_tsm_reason r) {
  return (unsigned)r < OT_TSM_R_COUNT ? texts[r] : "unknown reason";
}

const char *tsm_spdm_why(const struct ot_tsm_dev *dev, ot_status st, char *buf, size_t cap) {
  return ot_spdm_requester_why(&dev->spdm, st, buf, cap);
}

ot_status tsm_refuse(struct ot_tsm_refusal *why, int reason, ot_status st, const char *fmt, ...) {
  if (why != NULL) {
    why->reason = (ot_tsm_reason)reason;
    why->status = st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->detail, sizeof(why->detail), fmt, ap);
    va_end(ap);
    OT_LOGI(TSM_LOG, "refused (%s): %s", names[reason], why->detail);
  }
  return st;
}
