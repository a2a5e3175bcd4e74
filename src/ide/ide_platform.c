/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a device platform does with its IDE capability and engines when no
 * host drives them (opentsm/ide_regs.h): the Enable policy that follows the
 * keys IDE_KM installs, and the Secure test TDISP asks of a stream. Shared
 * by `opentsm device` (tools/opentsm/cmd_device.c, src/sim/dsm.c) and the
 * firmware profile's host platform (firmware/fw_main.c).
 */
#include "opentsm/bits.h"
#include "opentsm/ide_regs.h"

bool ot_ide_engines_secure(const ot_ide_engine *tx, const ot_ide_engine *rx, uint8_t id) {
  ot_ide_state a = OT_IDE_INSECURE, b = OT_IDE_INSECURE;
  ot_ide_error e;
  return ot_ok(ot_ide_stream_state(tx, id, &a, &e)) && ot_ok(ot_ide_stream_state(rx, id, &b, &e)) &&
         a == OT_IDE_SECURE && b == OT_IDE_SECURE;
}

/* True if every sub-stream of stream id has a key installed in e (all), or
 * if none has (!all); either key set counts. */
static bool keys_installed(const ot_ide_engine *e, uint8_t id, bool all) {
  for (unsigned sub = 0; sub < OT_IDE_NUM_SUBSTREAMS; sub++) {
    bool any = false;
    for (uint8_t k = 0; k < OT_IDE_NUM_KEY_SETS; k++) {
      uint64_t next;
      any = any || ot_ok(ot_ide_key_next_invocation(e, id, (ot_ide_substream)sub, k, &next));
    }
    if (any != all) return false;
  }
  return true;
}

void ot_ide_host_enable_on_keys(ot_cfg_access *a, uint16_t cap_off, uint8_t blocks,
                                const ot_ide_engine *tx, const ot_ide_engine *rx) {
  for (uint8_t b = 0; b < blocks; b++) {
    uint16_t off = 0;
    uint8_t n_addr = 0;
    uint32_t ctl = 0;
    if (!ot_ok(ot_ide_host_sel_block(a, cap_off, b, &off, &n_addr))) return;
    if (!ot_ok(a->read32(a, (uint16_t)(off + OT_IDE_SEL_CTL), &ctl))) return;
    uint8_t id = (uint8_t)OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, ctl);
    bool on = (ctl & OT_IDE_STREAM_CTL_ENABLE) != 0;
    /* PCIe r6.0 §7.9.26.5.2 Enable: set with all six keys in, cleared when
     * all are gone (KEY_STOP); a partial key set leaves it as it is. */
    if (!on && keys_installed(tx, id, true) && keys_installed(rx, id, true))
      OT_IGNORE(a->write32(a, (uint16_t)(off + OT_IDE_SEL_CTL), ctl | OT_IDE_STREAM_CTL_ENABLE));
    else if (on && keys_installed(tx, id, false) && keys_installed(rx, id, false))
      OT_IGNORE(a->write32(a, (uint16_t)(off + OT_IDE_SEL_CTL), ctl & ~OT_IDE_STREAM_CTL_ENABLE));
  }
}
