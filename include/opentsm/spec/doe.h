/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DOE wire and register constants: the extended capability, its registers and
 * their fields, the data object header and the Discovery protocol.
 * @layer doe
 *
 * Sources: PCIe Base r6.0 §6.30 (Data Object Exchange), §7.9.24 (DOE Extended
 * Capability). Field layouts as summarised in SPEC-FACTS §1.1-§1.3.
 *
 * Every multi-bit field is a contiguous mask in its 32-bit register or DW.
 * Extract with OT_FIELD_GET(mask, v) and build with OT_FIELD_PREP(mask, x)
 * (opentsm/bits.h). Data object DWs are little-endian on the wire (PCIe r6.0
 * §6.30.1); registers are read as u32.
 */
#ifndef OPENTSM_SPEC_DOE_H
#define OPENTSM_SPEC_DOE_H

#include <stdint.h>

#include "opentsm/bits.h"

/* ---- Extended capability (PCIe r6.0 §7.9.24) ------------------------------ */

#define OT_DOE_EXT_CAP_ID 0x002Eu /* PCIe r6.0 §7.9.24.1, Extended Capability ID */
/* Discovery Version 2 is used when the capability version is >= 2 (SPEC-FACTS §1.3, LNX). */
#define OT_DOE_EXT_CAP_VER_DISCOVERY_V2 2u

/* Register offsets from the capability start (PCIe r6.0 §7.9.24, Figure 7-303). */
#define OT_DOE_REG_CAP_HEADER 0x00u /* §7.9.24.1 Extended Capability Header */
#define OT_DOE_REG_CAP 0x04u        /* §7.9.24.2 DOE Capabilities Register (RO) */
#define OT_DOE_REG_CTRL 0x08u       /* §7.9.24.3 DOE Control Register */
#define OT_DOE_REG_STATUS 0x0Cu     /* §7.9.24.4 DOE Status Register */
#define OT_DOE_REG_WRITE 0x10u      /* §7.9.24.5 DOE Write Data Mailbox Register (DW writes) */
#define OT_DOE_REG_READ 0x14u       /* §7.9.24.6 DOE Read Data Mailbox Register */
#define OT_DOE_CAP_SIZEOF 0x18u     /* bytes occupied by the capability */

/* DOE Capabilities Register, PCIe r6.0 §7.9.24.2. */
#define OT_DOE_CAP_INT_SUP 0x00000001u     /* bit 0: DOE Interrupt Support */
#define OT_DOE_CAP_INT_MSG_NUM 0x00000FFEu /* bits 11:1: DOE Interrupt Message Number */
#define OT_DOE_CAP_RSVD 0xFFFFF000u        /* bits 31:12: RsvdP in r6.0 */

/* DOE Control Register, PCIe r6.0 §7.9.24.3. */
#define OT_DOE_CTRL_ABORT 0x00000001u  /* bit 0: DOE Abort (write 1; reads 0) */
#define OT_DOE_CTRL_INT_EN 0x00000002u /* bit 1: DOE Interrupt Enable (RW) */
#define OT_DOE_CTRL_GO 0x80000000u     /* bit 31: DOE Go (write 1; reads 0) */
#define OT_DOE_CTRL_RSVD 0x7FFFFFFCu   /* bits 30:2: RsvdP */

/* DOE Status Register, PCIe r6.0 §7.9.24.4. */
#define OT_DOE_STATUS_BUSY 0x00000001u       /* bit 0: DOE Busy (RO) */
#define OT_DOE_STATUS_INT_STATUS 0x00000002u /* bit 1: DOE Interrupt Status (RW1C) */
#define OT_DOE_STATUS_ERROR 0x00000004u      /* bit 2: DOE Error (RO) */
#define OT_DOE_STATUS_READY 0x80000000u      /* bit 31: Data Object Ready (RO) */
#define OT_DOE_STATUS_RSVD 0x7FFFFFF8u       /* bits 30:3: RsvdZ */

/* ---- Data object header, PCIe r6.0 §6.30.1 Figure 6-46 -------------------- */

/* Header DW 0 */
#define OT_DOE_HDR0_VENDOR 0x0000FFFFu /* bits 15:0: Vendor ID */
#define OT_DOE_HDR0_TYPE 0x00FF0000u   /* bits 23:16: Data Object Type */
#define OT_DOE_HDR0_RSVD 0xFF000000u   /* bits 31:24: Reserved */
/* Header DW 1 */
#define OT_DOE_HDR1_LENGTH 0x0003FFFFu /* bits 17:0: Length in DW incl. header; 0 = 2^18 */
#define OT_DOE_HDR1_RSVD 0xFFFC0000u   /* bits 31:18: Reserved */

#define OT_DOE_HDR_DWS 2u             /* header size in DW; also the minimum Length */
#define OT_DOE_LENGTH_MAX_DW 0x40000u /* 2^18 DW, encoded as Length 0 (§6.30.1) */

/* ---- Discovery, PCIe r6.0 §6.30.1.1 ---------------------------------------- */

/* Request payload DW (object Length 3). */
#define OT_DOE_DISC_REQ_INDEX 0x000000FFu   /* bits 7:0: Index */
#define OT_DOE_DISC_REQ_VERSION 0x0000FF00u /* bits 15:8: Discovery Version (r6.1+; rsvd in r6.0) \
                                             */
#define OT_DOE_DISC_REQ_RSVD 0xFFFF0000u    /* bits 31:16: Reserved */

/* Response payload DW (object Length 3). */
#define OT_DOE_DISC_RSP_VENDOR 0x0000FFFFu /* bits 15:0: Vendor ID of the entry */
#define OT_DOE_DISC_RSP_TYPE 0x00FF0000u   /* bits 23:16: Data Object Type (r6.0 "Protocol") */
#define OT_DOE_DISC_RSP_NEXT 0xFF000000u   /* bits 31:24: Next Index; 0 = last entry */

#define OT_DOE_DISC_OBJECT_DWS 3u /* request and response: header + 1 DW */
/* Vendor ID FFFFh/type FFh: what QEMU answers for an out-of-range index (SPEC-FACTS §1.3). */
#define OT_DOE_DISC_NO_ENTRY_VENDOR 0xFFFFu
#define OT_DOE_DISC_NO_ENTRY_TYPE 0xFFu

_Static_assert(OT_DOE_CAP_SIZEOF == OT_DOE_REG_READ + 4u, "DOE capability ends after Read Mailbox");
_Static_assert((OT_DOE_CAP_INT_SUP | OT_DOE_CAP_INT_MSG_NUM | OT_DOE_CAP_RSVD) == 0xFFFFFFFFu,
               "DOE Capabilities fields cover the register");
_Static_assert((OT_DOE_CTRL_ABORT | OT_DOE_CTRL_INT_EN | OT_DOE_CTRL_GO | OT_DOE_CTRL_RSVD) ==
                   0xFFFFFFFFu,
               "DOE Control fields cover the register");
_Static_assert((OT_DOE_STATUS_BUSY | OT_DOE_STATUS_INT_STATUS | OT_DOE_STATUS_ERROR |
                OT_DOE_STATUS_READY | OT_DOE_STATUS_RSVD) == 0xFFFFFFFFu,
               "DOE Status fields cover the register");
_Static_assert(OT_FIELD_GET(OT_DOE_HDR1_LENGTH, 0xFFFFFFFFu) + 1u == OT_DOE_LENGTH_MAX_DW,
               "Length field is 18 bits");

#endif /* OPENTSM_SPEC_DOE_H */
