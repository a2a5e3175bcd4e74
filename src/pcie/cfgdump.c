/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration space as text in the format of `lspci -xxxx`, which
 * `lspci -F FILE` reads back (pciutils' "dump" access method): a line naming
 * the function, then "off: hh hh ..." lines of 16 bytes each.
 */
#include <stdio.h>

#include "opentsm/pcie.h"
#include "opentsm/spec/pcie.h"

ot_status ot_cfg_dump_lspci(ot_cfg_space *cfg, const char *bdf, const char *name, char *out,
                            size_t cap) {
  OT_ENSURE(cfg != NULL && bdf != NULL && out != NULL, OT_E_ARG);
  OT_ENSURE(cap >= OT_CFG_DUMP_MAX, OT_E_NO_SPACE);
  int n = snprintf(out, 64, "%.12s %.40s\n", bdf, name ? name : "device");
  OT_ENSURE(n > 0 && n < 64, OT_E_ARG);
  size_t pos = (size_t)n;
  for (uint16_t off = 0; off < OT_PCI_CFG_EXT_SIZE; off += 4) {
    uint32_t dw;
    OT_GUARD(ot_cfg_space_read(cfg, off, 4, &dw));
    if (off % 16 == 0) pos += (size_t)snprintf(out + pos, cap - pos, "%03x:", off);
    for (int b = 0; b < 4; b++)
      pos += (size_t)snprintf(out + pos, cap - pos, " %02x", (dw >> (8 * b)) & 0xffu);
    if (off % 16 == 12) pos += (size_t)snprintf(out + pos, cap - pos, "\n");
  }
  return OT_SUCCESS;
}
