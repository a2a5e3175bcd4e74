/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The keyed IDE stream shared by fuzz_ide_rx and the test that writes and
 * checks its seeds (tests/unit/ide/test_ide_seeds.c). Test code only.
 *
 * fuzz_ide_rx input: one flags byte (bit 0 PCRC enabled, bit 1 TEE traffic
 * allowed, bit 2 link stream on TC 0), then records of a 16-bit big-endian
 * length and that many bytes, each fed to ot_ide_rx_receive as one TLP.
 */
#ifndef OT_FUZZ_IDE_COMMON_H
#define OT_FUZZ_IDE_COMMON_H

#include <string.h>

#include "opentsm/ide.h"

#define FZ_SID 7
#define FZ_FLAG_PCRC 0x1u
#define FZ_FLAG_TEE 0x2u
#define FZ_FLAG_LINK 0x4u

static inline ot_ide_stream_cfg fz_cfg(uint8_t flags) {
  ot_ide_stream_cfg c = {.stream_id = FZ_SID,
                         .kind =
                             (flags & FZ_FLAG_LINK) ? OT_IDE_STREAM_LINK : OT_IDE_STREAM_SELECTIVE,
                         .tc = 0,
                         .pcrc = (flags & FZ_FLAG_PCRC) != 0,
                         .tee_allowed = (flags & FZ_FLAG_TEE) != 0,
                         .aggregation = {8, 8, 8}};
  return c;
}

/* Key set 0 of every sub-stream, IFV 1, GO; the stream enabled. 0 on success. */
static inline int fz_key(ot_ide_engine *e) {
  for (int sub = 0; sub < 3; sub++) {
    ot_ide_key_material km;
    for (size_t i = 0; i < sizeof km.key; i++) km.key[i] = (uint8_t)(0xC0 ^ (i * 29 + sub));
    km.iv_fixed = OT_IDE_IV_FIXED_PCIE;
    km.ifv = 1;
    if (!ot_ok(ot_ide_key_install(e, FZ_SID, (ot_ide_substream)sub, 0, &km))) return -1;
    if (!ot_ok(ot_ide_key_go(e, FZ_SID, (ot_ide_substream)sub, 0))) return -1;
  }
  return ot_ok(ot_ide_stream_enable(e, FZ_SID)) ? 0 : -1;
}

#endif /* OT_FUZZ_IDE_COMMON_H */
