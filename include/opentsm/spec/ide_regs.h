/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IDE Extended Capability (PCIe r6.0 §7.9.26, Capability ID 0030h):
 * offsets and field masks, shared by the register model (opentsm/ide_regs.h),
 * the host-side programming helpers, IDE_KM's QUERY_RESP and the TSM.
 * @layer ide
 *
 * Sources: SPEC-FACTS §5.1 (Linux include/uapi/linux/pci_regs.h IDE block,
 * drivers/pci/ide.c; Project Cerberus ide_protocol.h for field semantics).
 * Offsets are bytes from the start of the capability (its header DW) or, for
 * the per-block registers, from the start of the block. Fields are masks
 * (opentsm/bits.h).
 *
 * Layout (§7.9.26.1):
 *   +00h  Extended Capability Header
 *   +04h  IDE Capability
 *   +08h  IDE Control
 *   +0Ch  Link IDE Stream register blocks, nLink x 8 bytes (Control, Status),
 *         nLink = Number of TCs Supported + 1 when Link IDE is supported, else 0
 *   then  Selective IDE Stream register blocks, nSel of them, block i being
 *         20 + 12 * nAddr(i) bytes: Capability, Control, Status, RID
 *         Association 1 and 2, then nAddr(i) Address Association blocks of 3 DWs
 */
#ifndef OPENTSM_SPEC_IDE_REGS_H
#define OPENTSM_SPEC_IDE_REGS_H

#include "opentsm/bits.h"

/* Capability version we expose (§7.9.26.1, Capability Version 1h). */
#define OT_IDE_CAP_VERSION 1u

/* ---- Offsets from the capability header (§7.9.26.1) ---------------------- */
#define OT_IDE_REG_CAP 0x04u        /* IDE Capability Register (§7.9.26.2) */
#define OT_IDE_REG_CTL 0x08u        /* IDE Control Register (§7.9.26.3) */
#define OT_IDE_REG_LINK_START 0x0Cu /* first Link IDE Stream register block */

/* Link IDE Stream register block (§7.9.26.4): 2 DWs. */
#define OT_IDE_LINK_BLOCK_SIZE 8u
#define OT_IDE_LINK_CTL 0x00u /* Link IDE Stream Control (§7.9.26.4.1) */
#define OT_IDE_LINK_STS 0x04u /* Link IDE Stream Status (§7.9.26.4.2) */

/* Selective IDE Stream register block (§7.9.26.5): 5 DWs + 3 DWs per address block. */
#define OT_IDE_SEL_BLOCK_FIXED 20u
#define OT_IDE_SEL_ADDR_BLOCK_SIZE 12u
#define OT_IDE_SEL_CAP 0x00u  /* Selective IDE Stream Capability (§7.9.26.5.1) */
#define OT_IDE_SEL_CTL 0x04u  /* Selective IDE Stream Control (§7.9.26.5.2) */
#define OT_IDE_SEL_STS 0x08u  /* Selective IDE Stream Status (§7.9.26.5.3) */
#define OT_IDE_SEL_RID1 0x0Cu /* IDE RID Association Register 1 (§7.9.26.5.4.1) */
#define OT_IDE_SEL_RID2 0x10u /* IDE RID Association Register 2 (§7.9.26.5.4.2) */
#define OT_IDE_SEL_ADDR(j) (0x14u + OT_IDE_SEL_ADDR_BLOCK_SIZE * (j)) /* §7.9.26.5.5 */
#define OT_IDE_ADDR1 0x00u /* IDE Address Association Register 1 */
#define OT_IDE_ADDR2 0x04u /* IDE Address Association Register 2: Memory Limit Upper */
#define OT_IDE_ADDR3 0x08u /* IDE Address Association Register 3: Memory Base Upper */

/* Size of a Selective IDE Stream block with n address association blocks. */
#define OT_IDE_SEL_BLOCK_SIZE(n) (OT_IDE_SEL_BLOCK_FIXED + OT_IDE_SEL_ADDR_BLOCK_SIZE * (n))

/* ---- IDE Capability Register (§7.9.26.2) ---------------------------------- */
#define OT_IDE_CAP_LINK 0x00000001u         /* Link IDE Stream Supported */
#define OT_IDE_CAP_SELECTIVE 0x00000002u    /* Selective IDE Streams Supported */
#define OT_IDE_CAP_FLOW_THROUGH 0x00000004u /* Flow-Through IDE Stream Supported */
#define OT_IDE_CAP_PARTIAL_HDR 0x00000008u  /* Partial Header Encryption Supported */
#define OT_IDE_CAP_AGGREGATION 0x00000010u  /* Aggregation Supported */
#define OT_IDE_CAP_PCRC 0x00000020u         /* PCRC Supported */
#define OT_IDE_CAP_IDE_KM 0x00000040u       /* IDE_KM Protocol Supported (responder) */
#define OT_IDE_CAP_SEL_CFG 0x00000080u      /* Selective IDE for Configuration Requests */
#define OT_IDE_CAP_ALG 0x00001F00u          /* Supported Algorithms (encoded, not a bit map) */
#define OT_IDE_CAP_LINK_TCS 0x0000E000u     /* Number of TCs Supported for Link IDE, minus 1 */
#define OT_IDE_CAP_SEL_STREAMS                                                                     \
  0x00FF0000u                              /* Number of Selective IDE Streams Supported, minus 1   \
                                            */
#define OT_IDE_CAP_TEE_LIMITED 0x01000000u /* TEE-Limited Stream Supported (newer revisions) */

/*
 * Algorithm encoding of the IDE Capability "Supported Algorithms" field and of
 * the Stream Control "Selected Algorithm" field (§7.9.26.2, §7.9.26.4.1,
 * §6.33.3): 00000b is AES-GCM with a 256-bit key and a 96-bit MAC; every other
 * value is reserved. Both fields hold one code, so a port supporting AES-GCM-256
 * reports 0 there (Linux pci_regs.h: PCI_IDE_CAP_ALG mask 0x1f00, value 0).
 */
#define OT_IDE_ALG_AES_GCM_256 0u

/* True if an IDE Capability value advertises AES-GCM-256 (§7.9.26.2 bits 12:8 == 00000b). */
#define OT_IDE_CAP_AES_GCM_256(cap) (OT_FIELD_GET(OT_IDE_CAP_ALG, (cap)) == OT_IDE_ALG_AES_GCM_256)

/* ---- IDE Control Register (§7.9.26.3) ------------------------------------- */
#define OT_IDE_CTL_FLOW_THROUGH 0x00000004u /* Flow-Through IDE Stream Enabled */

/* ---- Link / Selective IDE Stream Control (§7.9.26.4.1, §7.9.26.5.2) -------- */
#define OT_IDE_STREAM_CTL_ENABLE 0x00000001u   /* Enable: clearing it makes the stream Insecure */
#define OT_IDE_STREAM_CTL_XT 0x00000002u       /* XT Enable (newer revisions; not supported) */
#define OT_IDE_STREAM_CTL_AGG_NPR 0x0000000Cu  /* Tx Aggregation Mode NPR */
#define OT_IDE_STREAM_CTL_AGG_PR 0x00000030u   /* Tx Aggregation Mode PR */
#define OT_IDE_STREAM_CTL_AGG_CPL 0x000000C0u  /* Tx Aggregation Mode CPL */
#define OT_IDE_STREAM_CTL_PCRC 0x00000100u     /* PCRC Enable */
#define OT_IDE_STREAM_CTL_CFG 0x00000200u      /* Selective only: IDE for Configuration Requests */
#define OT_IDE_STREAM_CTL_PART_HDR 0x00003C00u /* Partial Header Encryption Mode */
#define OT_IDE_STREAM_CTL_ALG 0x0007C000u      /* Selected Algorithm (encoded): sampled at Enable */
#define OT_IDE_STREAM_CTL_TC 0x00380000u       /* TC */
#define OT_IDE_STREAM_CTL_DEFAULT 0x00400000u  /* Selective only: Default Stream */
#define OT_IDE_STREAM_CTL_TEE_LIMITED 0x00800000u /* Selective only: TEE-Limited Stream */
#define OT_IDE_STREAM_CTL_ID 0xFF000000u          /* Stream ID */

/* Tx Aggregation Mode encodings: 00b none, 01b up to 2, 10b up to 4, 11b up to 8 TLPs per MAC. */
#define OT_IDE_AGG_MODE_TLPS(mode) (1u << (mode))

/* ---- Link / Selective IDE Stream Status (§7.9.26.4.2, §7.9.26.5.3) --------- */
#define OT_IDE_STREAM_STS_STATE 0x0000000Fu /* 0000b Insecure, 0010b Secure (SPEC-FACTS T10) */
#define OT_IDE_STREAM_STS_RX_FAIL_MSG                                                              \
  0x80000000u /* Received Integrity Check Fail Message (RW1C)                                      \
               */

/* ---- Selective IDE Stream Capability (§7.9.26.5.1) ------------------------ */
#define OT_IDE_SEL_CAP_ADDR_BLOCKS 0x0000000Fu /* Number of Address Association blocks (0-15) */

/* ---- IDE RID Association Registers (§7.9.26.5.4) -------------------------- */
#define OT_IDE_RID1_LIMIT 0x00FFFF00u   /* RID Limit */
#define OT_IDE_RID2_VALID 0x00000001u   /* V: the association is valid */
#define OT_IDE_RID2_BASE 0x00FFFF00u    /* RID Base */
#define OT_IDE_RID2_SEGMENT 0xFF000000u /* Segment Base (newer revisions; reserved originally) */

/* ---- IDE Address Association Register 1 (§7.9.26.5.5.1) ------------------- */
/* Base and Limit at 1 MiB granularity: Base's low 20 bits read as 0, Limit's as FFFFFh. */
#define OT_IDE_ADDR1_VALID 0x00000001u
#define OT_IDE_ADDR1_BASE_LOW 0x000FFF00u  /* Memory Base Lower = address[31:20] */
#define OT_IDE_ADDR1_LIMIT_LOW 0xFFF00000u /* Memory Limit Lower = address[31:20] */
#define OT_IDE_ADDR_GRANULE_SHIFT 20u

/* ---- Limits ------------------------------------------------------------------ */
#define OT_IDE_MAX_LINK_BLOCKS 8u  /* Number of TCs field is 3 bits */
#define OT_IDE_MAX_SEL_BLOCKS 256u /* Number of Selective IDE Streams field is 8 bits */
#define OT_IDE_MAX_ADDR_BLOCKS 15u /* Selective IDE Stream Capability field is 4 bits */

_Static_assert(OT_FIELD_GET(OT_IDE_CAP_LINK_TCS, OT_IDE_CAP_LINK_TCS) + 1u ==
                   OT_IDE_MAX_LINK_BLOCKS,
               "Number of TCs field holds up to 8 link blocks");
_Static_assert(OT_FIELD_GET(OT_IDE_SEL_CAP_ADDR_BLOCKS, 0xFFFFFFFFu) == OT_IDE_MAX_ADDR_BLOCKS,
               "address block count field is 4 bits");
_Static_assert(OT_IDE_SEL_ADDR(0) == OT_IDE_SEL_BLOCK_FIXED, "address blocks follow RID 2");

#endif /* OPENTSM_SPEC_IDE_REGS_H */
