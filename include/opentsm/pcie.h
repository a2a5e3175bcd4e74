/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PCIe configuration space: the accessor every config-space user talks
 * through, capability list walks over it, and an in-process model of one
 * function's 4 KiB space that device models build on.
 * @layer pcie
 *
 * Sources: PCIe Base r6.0 §7.2.2 (4 KiB per function), §7.5.1 (Type 0/1
 * headers), §7.5.1.1.11 (capability list), §7.6 (extended capabilities).
 * Constants are in opentsm/spec/pcie.h.
 *
 * Three pieces:
 *  - ot_cfg_access: "read/write one DW at a DW-aligned offset". A host-side
 *    user (the DOE driver, the CLI) sees only this; it is implemented over the
 *    in-process model here and over Linux sysfs (opentsm/doe_sysfs.h).
 *  - ot_pcie_find_cap / ot_pcie_find_ext_cap: bounded walks of the two
 *    capability lists through an accessor. A malformed list is an error, never
 *    a hang.
 *  - ot_cfg_space: the model. Each byte has a value, a read-write mask and a
 *    write-1-to-clear mask (every other bit is read-only); a capability model
 *    claims a register range with an ot_cfg_hook to give registers side
 *    effects (the DOE mailbox, opentsm/doe_mailbox.h).
 *
 * Nothing here allocates; every object is caller-owned. The model is not
 * thread-safe: one thread (or the simulator's event loop) drives it.
 */
#ifndef OPENTSM_PCIE_H
#define OPENTSM_PCIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/spec/pcie.h"
#include "opentsm/status.h"

/* ---- accessor --------------------------------------------------------------- */

typedef struct ot_cfg_access ot_cfg_access;

/*
 * An implementation embeds ot_cfg_access as its first member. Both functions
 * take a DW-aligned byte offset below OT_PCI_CFG_EXT_SIZE (OT_E_ARG
 * otherwise) and fail with OT_E_IO when the underlying transport fails. A
 * write may have side effects on the device (that is the point of DOE).
 */
struct ot_cfg_access {
  ot_status (*read32)(ot_cfg_access *a, uint16_t off, uint32_t *val);
  ot_status (*write32)(ot_cfg_access *a, uint16_t off, uint32_t val);
};

/* True if off is a valid accessor offset (DW-aligned, inside 4 KiB). */
static inline bool ot_cfg_dw_offset_ok(uint32_t off) {
  return (off & 3u) == 0 && off < OT_PCI_CFG_EXT_SIZE;
}

static inline OT_RESULT ot_cfg_read32(ot_cfg_access *a, uint16_t off, uint32_t *val) {
  OT_ENSURE(ot_cfg_dw_offset_ok(off), OT_E_ARG);
  return a->read32(a, off, val);
}

static inline OT_RESULT ot_cfg_write32(ot_cfg_access *a, uint16_t off, uint32_t val) {
  OT_ENSURE(ot_cfg_dw_offset_ok(off), OT_E_ARG);
  return a->write32(a, off, val);
}

/* ---- capability walks ----------------------------------------------------------- */

/*
 * Finds a capability with Capability ID `id` in the PCI capability list
 * (PCIe r6.0 §7.5.1.1.11). `from` is 0 to search from the start, or the
 * offset of a capability found earlier to find the next one with that ID.
 * Returns OT_E_NOT_FOUND if the list has none (or Status.Capabilities List is
 * clear), OT_E_MALFORMED if a pointer leaves 0x40..0xFF or the list is longer
 * than OT_PCI_CAP_MAX_WALK entries (a loop), accessor errors as they come.
 */
OT_RESULT ot_pcie_find_cap(ot_cfg_access *a, uint8_t id, uint16_t from, uint16_t *off);

/*
 * Finds an extended capability with ID `id` (PCIe r6.0 §7.6.3), starting at
 * 0x100 (from = 0) or after the capability at `from`. On success *version (if
 * not NULL) receives its Capability Version. An all-zero or all-ones header at
 * 0x100 means "no extended capabilities" (OT_E_NOT_FOUND); a next offset
 * below 0x100 other than 0, or a list longer than OT_PCI_EXT_CAP_MAX_WALK, is
 * OT_E_MALFORMED.
 */
OT_RESULT ot_pcie_find_ext_cap(ot_cfg_access *a, uint16_t id, uint16_t from, uint16_t *off,
                               uint8_t *version);

/* ---- in-process model ----------------------------------------------------------- */

typedef struct ot_cfg_space ot_cfg_space;
typedef struct ot_cfg_hook ot_cfg_hook;

/*
 * Side effects for a DW-aligned register range, supplied by a capability
 * model that embeds ot_cfg_hook as its first member. Both callbacks are
 * optional. They may read and change the stored registers with
 * ot_cfg_peek32/ot_cfg_poke32 but must not call ot_cfg_space_read/write
 * (no re-entry).
 *
 * on_read:  runs before a read touching register `reg` (a DW offset inside the
 *           range) is served from storage, so it can refresh the value.
 * on_write: runs after a write to `reg` went through the masks. `value` holds
 *           the bytes as written, in their DW lanes (other lanes 0), and bit i
 *           of `byte_enable` says whether byte lane i was written.
 */
struct ot_cfg_hook {
  void (*on_read)(ot_cfg_hook *h, ot_cfg_space *cfg, uint16_t reg);
  void (*on_write)(ot_cfg_hook *h, ot_cfg_space *cfg, uint16_t reg, uint32_t value,
                   uint8_t byte_enable);
  uint16_t base; /* set by ot_cfg_add_hook */
  uint16_t len;
};

#define OT_CFG_MAX_HOOKS 8u

/* Identity of the function, written into the header by ot_cfg_init (all RO). */
typedef struct ot_cfg_ident {
  uint16_t vendor;
  uint16_t device;
  uint8_t revision;
  uint32_t class_code; /* 24 bits: base class << 16 | sub-class << 8 | prog-if */
  uint8_t layout;      /* OT_PCI_HEADER_LAYOUT_TYPE0 or _TYPE1 */
  bool multi_function;
  uint16_t subsys_vendor; /* Type 0 only */
  uint16_t subsys_id;     /* Type 0 only */
} ot_cfg_ident;

/* One function's configuration space. Caller-owned; about 12 KiB. */
struct ot_cfg_space {
  uint8_t data[OT_PCI_CFG_EXT_SIZE]; /* register values */
  uint8_t rw[OT_PCI_CFG_EXT_SIZE];   /* per byte: bits software may write */
  uint8_t rw1c[OT_PCI_CFG_EXT_SIZE]; /* per byte: bits a written 1 clears */
  ot_cfg_hook *hooks[OT_CFG_MAX_HOOKS];
  size_t hook_count;
  uint16_t cap_free; /* next free DW for a PCI capability (0x40..0xFF) */
  uint16_t cap_last; /* last PCI capability in the list, 0 if none */
  uint16_t ext_free; /* next free DW for an extended capability (0x100..0xFFF) */
  uint16_t ext_last; /* last extended capability, 0 if none */
};

/*
 * Initialises a function: all registers 0, the header from `id` with the
 * software-writable and RW1C bits of PCIe r6.0 §7.5.1 (Command, Status, cache
 * line size, interrupt line; Type 1: bus numbers, windows, Secondary Status,
 * Bridge Control), no capabilities, and an all-zero extended capability
 * header at 0x100 ("no extended capabilities", §7.6.3). BARs and the
 * expansion ROM read 0 (not implemented). OT_E_ARG for an unknown layout or a
 * class code wider than 24 bits; *cfg is then untouched.
 */
OT_RESULT ot_cfg_init(ot_cfg_space *cfg, const ot_cfg_ident *id);

/*
 * Host-side access of `width` (1, 2 or 4) bytes at a naturally aligned offset:
 * reads run the on_read hook of the DW first; writes go through the masks
 * (RO bits keep their value, RW bits take the written value, RW1C bits clear
 * where a 1 is written) and then run the on_write hook. OT_E_ARG for a bad
 * width, misalignment or an offset outside 4 KiB (nothing happens then).
 */
OT_RESULT ot_cfg_space_read(ot_cfg_space *cfg, uint16_t off, unsigned width, uint32_t *val);
OT_RESULT ot_cfg_space_write(ot_cfg_space *cfg, uint16_t off, unsigned width, uint32_t val);

/*
 * Device-side access to the stored value of the DW at `off & 0xFFC` (the
 * offset is forced into range, so these cannot fail): no masks, no hooks.
 */
uint32_t ot_cfg_peek32(const ot_cfg_space *cfg, uint16_t off);
void ot_cfg_poke32(ot_cfg_space *cfg, uint16_t off, uint32_t val);

/*
 * Declares the access of the register of `width` bytes at `off`: bits in rw
 * are read-write, bits in rw1c write-1-to-clear, all others read-only.
 * OT_E_ARG for a bad width/alignment/offset, overlapping masks, or mask bits
 * outside the width.
 */
OT_RESULT ot_cfg_set_access(ot_cfg_space *cfg, uint16_t off, unsigned width, uint32_t rw,
                            uint32_t rw1c);

/*
 * Adds a PCI capability of `size` bytes (>= 2, rounded up to DW) at the next
 * free DW in 0x40..0xFF, writes its header (ID, next = 0) as read-only, links
 * it at the end of the list and sets Status.Capabilities List. *off receives
 * its offset. OT_E_ARG for size < 2, OT_E_NO_SPACE if it does not fit.
 */
OT_RESULT ot_cfg_add_cap(ot_cfg_space *cfg, uint8_t id, size_t size, uint16_t *off);

/*
 * Adds an extended capability of `size` bytes (>= 4, rounded up to DW) with
 * the given ID and version (4 bits) at the next free DW from 0x100, writes its
 * header read-only and links it at the end of the list. OT_E_ARG for a bad
 * size or version, OT_E_NO_SPACE if it does not fit below 4 KiB.
 */
OT_RESULT ot_cfg_add_ext_cap(ot_cfg_space *cfg, uint16_t id, uint8_t version, size_t size,
                             uint16_t *off);

/*
 * Routes accesses of the DW range [base, base + len) to hook h (not owned; it
 * must outlive cfg's use). OT_E_ARG for an unaligned or out-of-range range,
 * OT_E_EXISTS if it overlaps another hook, OT_E_NO_SPACE past
 * OT_CFG_MAX_HOOKS.
 */
OT_RESULT ot_cfg_add_hook(ot_cfg_space *cfg, ot_cfg_hook *h, uint16_t base, uint16_t len);

/* ---- in-process accessor -------------------------------------------------------- */

/* An ot_cfg_access over a model in the same process (borrows cfg). */
typedef struct ot_cfg_inproc {
  ot_cfg_access base; /* must be first */
  ot_cfg_space *cfg;
} ot_cfg_inproc;

void ot_cfg_inproc_init(ot_cfg_inproc *a, ot_cfg_space *cfg);

/* ---- text dump ------------------------------------------------------------------ */

/* Size of a full lspci -xxxx style dump: 256 lines of "xxx: " + 16 * " hh" + "\n". */
#define OT_CFG_DUMP_MAX (64u + 256u * (5u + 16u * 3u + 1u))

/*
 * Writes the 4 KiB configuration space, as the host would read it (hooks
 * run, so registers with side effects on read are read as a driver would),
 * in the text format of `lspci -xxxx`: a "BB:DD.F" line with `name`, then
 * lines "off: hh hh ..." of 16 bytes. `lspci -F FILE` decodes such a file,
 * which lets the real lspci check the model. NUL-terminated; OT_E_NO_SPACE if
 * out is smaller than OT_CFG_DUMP_MAX.
 */
OT_RESULT ot_cfg_dump_lspci(ot_cfg_space *cfg, const char *bdf, const char *name, char *out,
                            size_t cap);

#endif /* OPENTSM_PCIE_H */
