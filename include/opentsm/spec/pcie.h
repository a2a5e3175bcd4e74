/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PCIe configuration space constants: sizes, the Type 0 / Type 1 headers,
 * the capability list and the extended capability list.
 * @layer pcie
 *
 * Sources: PCIe Base r6.0 §7.2.2 (ECAM, 4 KiB per function), §7.5.1 (PCI
 * compatible configuration registers: §7.5.1.1 common to Type 0/1, §7.5.1.2
 * Type 0, §7.5.1.3 Type 1), §7.6 (extended capabilities, §7.6.3 the header).
 * Capability IDs: PCI Code and ID Assignment Specification r1.11 §2 (PCI) and
 * §3 (extended). Offsets are bytes from the start of the function's space;
 * fields are masks in the register that holds them (opentsm/bits.h).
 */
#ifndef OPENTSM_SPEC_PCIE_H
#define OPENTSM_SPEC_PCIE_H

#include "opentsm/bits.h"

/* ---- Sizes (PCIe r6.0 §7.2.2, §7.6.1) ------------------------------------- */

#define OT_PCI_CFG_SIZE 0x100u       /* PCI compatible configuration space */
#define OT_PCI_CFG_EXT_SIZE 0x1000u  /* with the PCIe extended space (ECAM) */
#define OT_PCI_CFG_HEADER_SIZE 0x40u /* Type 0 / Type 1 header */
#define OT_PCI_EXT_CAP_START 0x100u  /* the first extended capability is always here (§7.6.1) */

/* ---- Common to Type 0 and Type 1 (PCIe r6.0 §7.5.1.1) ----------------------- */

#define OT_PCI_VENDOR_ID 0x00u      /* 16 bits, §7.5.1.1.1; FFFFh reads mean "no function" */
#define OT_PCI_DEVICE_ID 0x02u      /* 16 bits, §7.5.1.1.2 */
#define OT_PCI_COMMAND 0x04u        /* 16 bits, §7.5.1.1.3 */
#define OT_PCI_STATUS 0x06u         /* 16 bits, §7.5.1.1.4 */
#define OT_PCI_REVISION_ID 0x08u    /* 8 bits, §7.5.1.1.5 */
#define OT_PCI_CLASS_CODE 0x09u     /* 24 bits, §7.5.1.1.6: prog-if, sub-class, base class */
#define OT_PCI_CACHE_LINE 0x0Cu     /* 8 bits, §7.5.1.1.7 */
#define OT_PCI_LATENCY_TIMER 0x0Du  /* 8 bits, §7.5.1.1.8 */
#define OT_PCI_HEADER_TYPE 0x0Eu    /* 8 bits, §7.5.1.1.9 */
#define OT_PCI_BIST 0x0Fu           /* 8 bits, §7.5.1.1.10 */
#define OT_PCI_CAP_PTR 0x34u        /* 8 bits, §7.5.1.1.11 */
#define OT_PCI_INTERRUPT_LINE 0x3Cu /* 8 bits, §7.5.1.1.12 */
#define OT_PCI_INTERRUPT_PIN 0x3Du  /* 8 bits, §7.5.1.1.13 */

#define OT_PCI_VENDOR_NONE 0xFFFFu /* Vendor ID of an absent function */

/* Command register fields (16 bits), PCIe r6.0 §7.5.1.1.3. */
#define OT_PCI_COMMAND_IO 0x0001u           /* I/O Space Enable */
#define OT_PCI_COMMAND_MEMORY 0x0002u       /* Memory Space Enable */
#define OT_PCI_COMMAND_MASTER 0x0004u       /* Bus Master Enable */
#define OT_PCI_COMMAND_PARITY 0x0040u       /* Parity Error Response */
#define OT_PCI_COMMAND_SERR 0x0100u         /* SERR# Enable */
#define OT_PCI_COMMAND_INTX_DISABLE 0x0400u /* Interrupt Disable */
#define OT_PCI_COMMAND_RW                                                                      \
  (OT_PCI_COMMAND_IO | OT_PCI_COMMAND_MEMORY | OT_PCI_COMMAND_MASTER | OT_PCI_COMMAND_PARITY | \
   OT_PCI_COMMAND_SERR | OT_PCI_COMMAND_INTX_DISABLE)

/* Status register fields (16 bits), PCIe r6.0 §7.5.1.1.4. */
#define OT_PCI_STATUS_INTERRUPT 0x0008u        /* Interrupt Status (RO) */
#define OT_PCI_STATUS_CAP_LIST 0x0010u         /* Capabilities List (RO, hardwired 1 in PCIe) */
#define OT_PCI_STATUS_MASTER_PARITY 0x0100u    /* Master Data Parity Error (RW1C) */
#define OT_PCI_STATUS_SIG_TARGET_ABORT 0x0800u /* Signaled Target Abort (RW1C) */
#define OT_PCI_STATUS_RCV_TARGET_ABORT 0x1000u /* Received Target Abort (RW1C) */
#define OT_PCI_STATUS_RCV_MASTER_ABORT 0x2000u /* Received Master Abort (RW1C) */
#define OT_PCI_STATUS_SIG_SYSTEM_ERROR 0x4000u /* Signaled System Error (RW1C) */
#define OT_PCI_STATUS_DETECTED_PARITY 0x8000u  /* Detected Parity Error (RW1C) */
#define OT_PCI_STATUS_RW1C                                                                         \
  (OT_PCI_STATUS_MASTER_PARITY | OT_PCI_STATUS_SIG_TARGET_ABORT | OT_PCI_STATUS_RCV_TARGET_ABORT | \
   OT_PCI_STATUS_RCV_MASTER_ABORT | OT_PCI_STATUS_SIG_SYSTEM_ERROR |                               \
   OT_PCI_STATUS_DETECTED_PARITY)

/* Header Type register fields (8 bits), PCIe r6.0 §7.5.1.1.9. */
#define OT_PCI_HEADER_TYPE_LAYOUT 0x7Fu  /* bits 6:0: header layout */
#define OT_PCI_HEADER_TYPE_MFD 0x80u     /* bit 7: Multi-Function Device */
#define OT_PCI_HEADER_LAYOUT_TYPE0 0x00u /* endpoint (§7.5.1.2) */
#define OT_PCI_HEADER_LAYOUT_TYPE1 0x01u /* bridge / switch port / root port (§7.5.1.3) */

/* Capabilities Pointer and capability "next" pointers: bits 1:0 are reserved (§7.5.1.1.11). */
#define OT_PCI_CAP_PTR_MASK 0xFCu

/* ---- Type 0 header (PCIe r6.0 §7.5.1.2) ------------------------------------- */

#define OT_PCI_BAR0 0x10u /* six BARs, 0x10..0x24, §7.5.1.2.1 */
#define OT_PCI_BAR_COUNT 6u
#define OT_PCI_CARDBUS_CIS 0x28u   /* §7.5.1.2.2 */
#define OT_PCI_SUBSYS_VENDOR 0x2Cu /* 16 bits, §7.5.1.2.3 */
#define OT_PCI_SUBSYS_ID 0x2Eu     /* 16 bits, §7.5.1.2.3 */
#define OT_PCI_ROM_ADDRESS 0x30u   /* Expansion ROM Base Address, §7.5.1.2.4 */
#define OT_PCI_MIN_GNT 0x3Eu       /* 8 bits, §7.5.1.2.5 (RO 0 in PCIe) */
#define OT_PCI_MAX_LAT 0x3Fu       /* 8 bits, §7.5.1.2.6 (RO 0 in PCIe) */

/* ---- Type 1 header (PCIe r6.0 §7.5.1.3) ------------------------------------- */

#define OT_PCI_T1_BAR0 0x10u             /* two BARs, 0x10 and 0x14 */
#define OT_PCI_T1_PRIMARY_BUS 0x18u      /* 8 bits, §7.5.1.3.2 */
#define OT_PCI_T1_SECONDARY_BUS 0x19u    /* 8 bits, §7.5.1.3.3 */
#define OT_PCI_T1_SUBORDINATE_BUS 0x1Au  /* 8 bits, §7.5.1.3.4 */
#define OT_PCI_T1_SEC_LATENCY 0x1Bu      /* 8 bits, §7.5.1.3.5 (RO 0 in PCIe) */
#define OT_PCI_T1_IO_BASE 0x1Cu          /* 8 bits, §7.5.1.3.6 */
#define OT_PCI_T1_IO_LIMIT 0x1Du         /* 8 bits, §7.5.1.3.6 */
#define OT_PCI_T1_SEC_STATUS 0x1Eu       /* 16 bits, §7.5.1.3.7; error bits RW1C */
#define OT_PCI_T1_MEM_BASE 0x20u         /* 16 bits, §7.5.1.3.8 */
#define OT_PCI_T1_MEM_LIMIT 0x22u        /* 16 bits, §7.5.1.3.8 */
#define OT_PCI_T1_PREF_BASE 0x24u        /* 16 bits, §7.5.1.3.9 */
#define OT_PCI_T1_PREF_LIMIT 0x26u       /* 16 bits, §7.5.1.3.9 */
#define OT_PCI_T1_PREF_BASE_UPPER 0x28u  /* 32 bits, §7.5.1.3.10 */
#define OT_PCI_T1_PREF_LIMIT_UPPER 0x2Cu /* 32 bits, §7.5.1.3.10 */
#define OT_PCI_T1_IO_BASE_UPPER 0x30u    /* 16 bits, §7.5.1.3.11 */
#define OT_PCI_T1_IO_LIMIT_UPPER 0x32u   /* 16 bits, §7.5.1.3.11 */
#define OT_PCI_T1_ROM_ADDRESS 0x38u      /* §7.5.1.3.12 */
#define OT_PCI_T1_BRIDGE_CONTROL 0x3Eu   /* 16 bits, §7.5.1.3.13 */

/* Secondary Status error bits (RW1C), §7.5.1.3.7; same positions as in Status. */
#define OT_PCI_T1_SEC_STATUS_RW1C OT_PCI_STATUS_RW1C
/* Bridge Control bits software may change (§7.5.1.3.13): parity, SERR, ISA, VGA, VGA16 (4:0)
 * and Secondary Bus Reset (6); Master Abort Mode (5) is RO 0 in PCIe. */
#define OT_PCI_T1_BRIDGE_CONTROL_RW 0x005Fu

/* ---- Capability list (PCIe r6.0 §7.5.1.1.11) ------------------------- */

/* Capability header: a 16-bit word at the capability's offset. */
#define OT_PCI_CAP_HDR_ID 0x00FFu   /* Capability ID */
#define OT_PCI_CAP_HDR_NEXT 0xFF00u /* Next Capability Pointer (bits 1:0 reserved) */
#define OT_PCI_CAP_HDR_SIZE 2u

/*
 * The list lives in the device-specific part of the PCI space (0x40..0xFF):
 * a pointer below 0x40 ends a (broken) list. Linux bounds the walk at 48
 * entries ((256 - 64) / 4) to survive loops; so do we.
 */
#define OT_PCI_CAP_MIN_OFFSET OT_PCI_CFG_HEADER_SIZE
#define OT_PCI_CAP_MAX_WALK ((OT_PCI_CFG_SIZE - OT_PCI_CFG_HEADER_SIZE) / 4u)

/* Capability IDs, PCI Code and ID Assignment r1.11 §2. */
#define OT_PCI_CAP_ID_PM 0x01u   /* Power Management */
#define OT_PCI_CAP_ID_MSI 0x05u  /* MSI */
#define OT_PCI_CAP_ID_VNDR 0x09u /* Vendor Specific */
#define OT_PCI_CAP_ID_EXP 0x10u  /* PCI Express */
#define OT_PCI_CAP_ID_MSIX 0x11u /* MSI-X */

/* ---- Extended capability list (PCIe r6.0 §7.6.3) ----------------------------- */

/* Extended Capability Header: one DW at the capability's offset. */
#define OT_PCI_EXT_CAP_ID 0x0000FFFFu   /* bits 15:0: PCI Express Extended Capability ID */
#define OT_PCI_EXT_CAP_VER 0x000F0000u  /* bits 19:16: Capability Version */
#define OT_PCI_EXT_CAP_NEXT 0xFFF00000u /* bits 31:20: Next Capability Offset (bits 1:0 rsvd) */
#define OT_PCI_EXT_CAP_HDR_SIZE 4u
/* "software must mask" the two low bits of the next offset (§7.6.3). */
#define OT_PCI_EXT_CAP_NEXT_ALIGN 0xFFCu
/* At most one capability per DW in 0x100..0xFFF; bounds a walk over a looped list. */
#define OT_PCI_EXT_CAP_MAX_WALK ((OT_PCI_CFG_EXT_SIZE - OT_PCI_EXT_CAP_START) / 4u)

/* Extended capability IDs, PCI Code and ID Assignment r1.11 §3. */
#define OT_PCI_EXT_CAP_ID_AER 0x0001u   /* Advanced Error Reporting */
#define OT_PCI_EXT_CAP_ID_VNDR 0x000Bu  /* Vendor-Specific Extended Capability */
#define OT_PCI_EXT_CAP_ID_DVSEC 0x0023u /* Designated Vendor-Specific */
#define OT_PCI_EXT_CAP_ID_DOE 0x002Eu   /* Data Object Exchange (PCIe r6.0 §7.9.24) */
#define OT_PCI_EXT_CAP_ID_IDE 0x0030u   /* Integrity and Data Encryption */

_Static_assert(OT_PCI_CAP_MAX_WALK == 48u, "same walk bound as Linux PCI_FIND_CAP_TTL");
_Static_assert(OT_FIELD_GET(OT_PCI_EXT_CAP_NEXT, 0xFFFFFFFFu) == OT_PCI_CFG_EXT_SIZE - 1u,
               "a next offset addresses the whole 4 KiB space");
_Static_assert((OT_PCI_EXT_CAP_ID | OT_PCI_EXT_CAP_VER | OT_PCI_EXT_CAP_NEXT) == 0xFFFFFFFFu,
               "extended capability header fields cover the DW");

#endif /* OPENTSM_SPEC_PCIE_H */
