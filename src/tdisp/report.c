/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device interface report (PCIe r6.0 §11.3 DEVICE_INTERFACE_REPORT, the
 * TDI report structure; SPEC-FACTS §6.4): strict parser, builder, and the
 * TSM's check of a report against what it knows of the device.
 */
#include <string.h>

#include "tdisp_internal.h"

ot_status ot_tdisp_report_parse(const uint8_t *buf, size_t len, ot_tdisp_report *rep) {
  ot_reader r;
  ot_tdisp_report v;
  memset(&v, 0, sizeof v);
  ot_reader_init(&r, buf, len);
  OT_GUARD(ot_read_u16le(&r, &v.interface_info));
  OT_GUARD(ot_read_skip(&r, 2)); /* Reserved */
  OT_GUARD(ot_read_u16le(&r, &v.msix_message_control));
  OT_GUARD(ot_read_u16le(&r, &v.lnr_control));
  OT_GUARD(ot_read_u32le(&r, &v.tph_control));
  OT_GUARD(ot_read_u32le(&r, &v.mmio_count));
  /* Check the count against what is left before multiplying (no overflow). */
  OT_ENSURE(v.mmio_count <= ot_reader_remaining(&r) / OT_TDISP_MMIO_RANGE_SIZE, OT_E_TRUNCATED);
  OT_ENSURE(v.mmio_count <= OT_TDISP_MAX_MMIO_RANGES, OT_E_TOO_LARGE);
  ot_reader ranges;
  OT_GUARD(ot_read_sub(&r, (size_t)v.mmio_count * OT_TDISP_MMIO_RANGE_SIZE, &ranges));
  v.mmio_raw = ranges.data;
  for (uint32_t i = 0; i < v.mmio_count; i++) {
    ot_tdisp_mmio_range m;
    OT_GUARD(tdisp_read_range(&ranges, &m));
  }
  OT_GUARD(ot_read_u32le(&r, &v.devinfo_len));
  OT_ENSURE(v.devinfo_len <= ot_reader_remaining(&r), OT_E_TRUNCATED);
  OT_ENSURE(v.devinfo_len <= OT_TDISP_MAX_DEVINFO, OT_E_TOO_LARGE);
  OT_GUARD(ot_read_borrow(&r, v.devinfo_len, &v.devinfo));
  OT_GUARD(ot_reader_finish(&r));
  *rep = v;
  return OT_SUCCESS;
}

ot_status ot_tdisp_report_range(const ot_tdisp_report *rep, uint32_t i, ot_tdisp_mmio_range *out) {
  OT_ENSURE(i < rep->mmio_count && rep->mmio_raw, OT_E_ARG);
  ot_reader r;
  ot_reader_init(&r, rep->mmio_raw + (size_t)i * OT_TDISP_MMIO_RANGE_SIZE,
                 OT_TDISP_MMIO_RANGE_SIZE);
  return tdisp_read_range(&r, out);
}

ot_status ot_tdisp_report_build(ot_writer *w, const ot_tdisp_report *rep,
                                const ot_tdisp_mmio_range *ranges) {
  OT_ENSURE(rep->mmio_count <= OT_TDISP_MAX_MMIO_RANGES, OT_E_TOO_LARGE);
  OT_ENSURE(rep->devinfo_len <= OT_TDISP_MAX_DEVINFO, OT_E_TOO_LARGE);
  OT_ENSURE(rep->mmio_count == 0 || ranges, OT_E_ARG);
  OT_ENSURE(rep->devinfo_len == 0 || rep->devinfo, OT_E_ARG);
  OT_GUARD(ot_write_u16le(w, rep->interface_info));
  OT_GUARD(ot_write_zeros(w, 2));
  OT_GUARD(ot_write_u16le(w, rep->msix_message_control));
  OT_GUARD(ot_write_u16le(w, rep->lnr_control));
  OT_GUARD(ot_write_u32le(w, rep->tph_control));
  OT_GUARD(ot_write_u32le(w, rep->mmio_count));
  for (uint32_t i = 0; i < rep->mmio_count; i++)
    OT_GUARD(tdisp_write_range(w, &ranges[i]));
  OT_GUARD(ot_write_u32le(w, rep->devinfo_len));
  return ot_write_bytes(w, rep->devinfo, rep->devinfo_len);
}

ot_status ot_tdisp_report_check(const ot_tdisp_report *rep, const ot_tdisp_expect *exp) {
  OT_ENSURE(rep->mmio_count == exp->mmio_count, OT_E_POLICY);
  for (uint32_t i = 0; i < exp->mmio_count; i++) {
    ot_tdisp_mmio_range got;
    const ot_tdisp_mmio_range *want = &exp->mmio[i];
    OT_GUARD(ot_tdisp_report_range(rep, i, &got));
    /* MMIO_REPORTING_OFFSET is added to every reported FIRST_PAGE (PCIe r6.0
     * §11.3 LOCK_INTERFACE_REQUEST; SPEC-FACTS T11); a sum past 2^64 matches nothing. */
    OT_ENSURE(want->first_page <= UINT64_MAX - exp->mmio_reporting_offset, OT_E_POLICY);
    OT_ENSURE(got.first_page == want->first_page + exp->mmio_reporting_offset, OT_E_POLICY);
    OT_ENSURE(got.num_pages == want->num_pages, OT_E_POLICY);
    OT_ENSURE(got.attributes == want->attributes, OT_E_POLICY);
    OT_ENSURE(got.range_id == want->range_id, OT_E_POLICY);
  }
  /* NO_FW_UPDATE locked: INTERFACE_INFO bit 0 reports it (SPEC-FACTS §6.4). */
  if (exp->lock_flags & OT_TDISP_LOCK_NO_FW_UPDATE)
    OT_ENSURE(rep->interface_info & OT_TDISP_IFINFO_NO_FW_UPDATE, OT_E_POLICY);
  return OT_SUCCESS;
}
