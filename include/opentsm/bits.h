/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Register and wire field helpers: named masks instead of shifts.
 * @layer base
 *
 * A field is a non-zero contiguous run of bits in a 32-bit value, named by its
 * mask (e.g. OT_PCI_EXT_CAP_NEXT 0xFFF00000). OT_FIELD_GET extracts it shifted
 * down to bit 0, OT_FIELD_PREP shifts a value up into it (bits that do not fit
 * are dropped; check with OT_FIELD_FITS first when the value is untrusted).
 * All are constant expressions for constant arguments, so they work in
 * _Static_assert and case labels. The shift is a division by the lowest set
 * bit of the mask, so no compiler builtin is needed.
 *
 * opentsm/spec/doe.h carries the same definitions for headers that cannot
 * include this one; the #ifndef keeps whichever comes first (they are equal).
 */
#ifndef OPENTSM_BITS_H
#define OPENTSM_BITS_H

#include <stdint.h>

#ifndef OT_FIELD_GET
#define OT_FIELD_LSB(mask) ((uint32_t)(mask) & (~(uint32_t)(mask) + 1u))
#define OT_FIELD_GET(mask, v) ((uint32_t)(((uint32_t)(v) & (uint32_t)(mask)) / OT_FIELD_LSB(mask)))
#define OT_FIELD_PREP(mask, x) ((uint32_t)(((uint32_t)(x)*OT_FIELD_LSB(mask)) & (uint32_t)(mask)))
/* True if x fits the field (no bit would be lost by OT_FIELD_PREP). */
#define OT_FIELD_FITS(mask, x) ((uint32_t)(x) <= OT_FIELD_GET(mask, mask))
#endif

/* Replaces the field `mask` of v by x (x must fit). */
#define OT_FIELD_SET(mask, v, x) (((uint32_t)(v) & ~(uint32_t)(mask)) | OT_FIELD_PREP(mask, x))

_Static_assert(OT_FIELD_GET(0x00F0u, 0x1234u) == 0x3u, "OT_FIELD_GET shifts down");
_Static_assert(OT_FIELD_PREP(0x00F0u, 0x3u) == 0x0030u, "OT_FIELD_PREP shifts up");
_Static_assert(OT_FIELD_GET(0x80000000u, 0x80000000u) == 1u, "top bit field");
_Static_assert(OT_FIELD_FITS(0x0F00u, 15u) && !OT_FIELD_FITS(0x0F00u, 16u), "OT_FIELD_FITS");

#endif /* OPENTSM_BITS_H */
