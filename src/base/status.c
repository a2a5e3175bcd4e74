/* SPDX-License-Identifier: BSD-3-Clause */
/* Names and messages of status codes, generated from OT_STATUS_TABLE. */
#include "opentsm/status.h"

#include <stddef.h>

struct status_entry {
  ot_code code;
  const char *name;
  const char *message;
};

static const struct status_entry status_entries[] = {
#define OT_X_ENTRY(name, cat, num, msg) {name, #name, msg},
    OT_STATUS_TABLE(OT_X_ENTRY)
#undef OT_X_ENTRY
};

static const struct status_entry *find_entry(ot_status s) {
  for (size_t i = 0; i < sizeof status_entries / sizeof status_entries[0]; i++) {
    if (status_entries[i].code == s.code) return &status_entries[i];
  }
  return NULL;
}

const char *ot_status_name(ot_status s) {
  const struct status_entry *e = find_entry(s);
  return e ? e->name : "OT_E_UNKNOWN";
}

const char *ot_status_message(ot_status s) {
  const struct status_entry *e = find_entry(s);
  return e ? e->message : "unknown status code";
}

const char *ot_status_category_name(ot_status s) {
  switch (ot_status_category(s)) {
  case OT_CAT_OK: return "ok";
  case OT_CAT_USAGE: return "usage";
  case OT_CAT_BOUNDS: return "bounds";
  case OT_CAT_PROTO: return "protocol";
  case OT_CAT_CRYPTO: return "crypto";
  case OT_CAT_IO: return "io";
  case OT_CAT_STATE: return "state";
  case OT_CAT_INTERNAL: return "internal";
  default: return "unknown";
  }
}
