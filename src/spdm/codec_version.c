/* SPDX-License-Identifier: BSD-3-Clause */
/* GET_VERSION / VERSION (DSP0274 1.3 "GET_VERSION request and VERSION response
 * messages": tables "GET_VERSION request message format", "Successful VERSION
 * response message format", "VERSION number entry definition"). */
#include "codec_internal.h"

SPDM_DEFINE_EMPTY(get_version, OT_SPDM_GET_VERSION)

uint16_t ot_spdm_version_entry(const ot_spdm_version *v, size_t i) {
  return ot_load_u16le(v->entries + 2 * i);
}

/* VERSION: header (1.0) | Reserved(1) | VersionNumberEntryCount(1) | entries(2 each) */
ot_status spdm_read_version(const ot_spdm_sizes *sz, ot_reader *r, ot_spdm_version *m) {
  OT_GUARD(spdm_hdr_read(sz, r, OT_SPDM_VERSION, NULL, NULL));
  OT_GUARD(ot_read_skip(r, 1)); /* Reserved */
  OT_GUARD(ot_read_u8(r, &m->entry_count));
  /* "VersionNumberEntryCount: shall be greater than zero". */
  OT_ENSURE(m->entry_count > 0, OT_E_MALFORMED);
  return ot_read_borrow(r, 2u * m->entry_count, &m->entries);
}
SPDM_DEFINE_DECODE(version, ot_spdm_version)

ot_status ot_spdm_encode_version(const ot_spdm_sizes *sz, ot_writer *w, const ot_spdm_version *m) {
  OT_ENSURE(m->entry_count > 0, OT_E_ARG);
  OT_GUARD(spdm_hdr_write(sz, w, OT_SPDM_VERSION, 0, 0));
  OT_GUARD(ot_write_u8(w, 0));
  OT_GUARD(ot_write_u8(w, m->entry_count));
  return spdm_write_span(w, m->entries, 2u * m->entry_count);
}
