/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PCIe Transaction Layer Packet wire constants, Non-Flit Mode (PCIe r6.0 §2.2).
 * Byte offsets count from the first header byte ("byte 0"); the header is
 * sent big-endian, most significant address byte first (§2.1.2).
 * @layer pcie
 */
#ifndef OPENTSM_SPEC_TLP_H
#define OPENTSM_SPEC_TLP_H

/* §2.2.1.1 Table 2-2: Fmt[2:0], bits 7:5 of byte 0. */
#define OT_TLP_FMT_3DW_NODATA 0x0u
#define OT_TLP_FMT_4DW_NODATA 0x1u
#define OT_TLP_FMT_3DW_DATA 0x2u
#define OT_TLP_FMT_4DW_DATA 0x3u
#define OT_TLP_FMT_PREFIX 0x4u
#define OT_TLP_FMT_BIT_4DW 0x1u  /* Fmt[0]: 4 DW header */
#define OT_TLP_FMT_BIT_DATA 0x2u /* Fmt[1]: data payload follows */

/* §2.2.1.1 Table 2-3: Type[4:0], bits 4:0 of byte 0. */
#define OT_TLP_TYPE_MEM 0x00u      /* MRd (no data) / MWr (data) */
#define OT_TLP_TYPE_MEM_LOCK 0x01u /* MRdLk */
#define OT_TLP_TYPE_IO 0x02u
#define OT_TLP_TYPE_CFG0 0x04u
#define OT_TLP_TYPE_CFG1 0x05u
#define OT_TLP_TYPE_CPL 0x0Au      /* Cpl (no data) / CplD (data) */
#define OT_TLP_TYPE_CPL_LOCK 0x0Bu /* CplLk / CplDLk */
#define OT_TLP_TYPE_FETCHADD 0x0Cu
#define OT_TLP_TYPE_SWAP 0x0Du
#define OT_TLP_TYPE_CAS 0x0Eu
#define OT_TLP_TYPE_DMWR 0x1Bu     /* DMWr with data; deprecated TCfgRd without */
#define OT_TLP_TYPE_MSG_MASK 0x18u /* Msg/MsgD: Type = 1 0 r2 r1 r0 */
#define OT_TLP_TYPE_MSG_BASE 0x10u
#define OT_TLP_TYPE_MSG_ROUTE 0x07u /* r[2:0], Table 2-20 */

/* §2.2.8 Table 2-20: Message routing r[2:0]. */
#define OT_TLP_ROUTE_TO_RC 0x0u
#define OT_TLP_ROUTE_BY_ADDR 0x1u
#define OT_TLP_ROUTE_BY_ID 0x2u
#define OT_TLP_ROUTE_BROADCAST 0x3u /* broadcast from the Root Complex */
#define OT_TLP_ROUTE_LOCAL 0x4u     /* local, terminate at receiver */
#define OT_TLP_ROUTE_GATHER 0x5u    /* gathered and routed to the Root Complex */
/* 110b and 111b are reserved: Malformed (§2.2.8). */

/* §2.2.1.1 Figure 2-4, byte 1. */
#define OT_TLP_B1_T9 0x80u    /* Tag[9] (10-Bit Tags, §2.2.6.2) */
#define OT_TLP_B1_TC_SHIFT 4u /* TC[2:0] bits 6:4 */
#define OT_TLP_B1_TC_MASK 0x70u
#define OT_TLP_B1_T8 0x08u    /* Tag[8] */
#define OT_TLP_B1_ATTR2 0x04u /* Attr[2] (ID-Based Ordering) */
#define OT_TLP_B1_RSVD 0x02u  /* formerly LN */
#define OT_TLP_B1_TH 0x01u    /* TLP Processing Hints present */

/* Byte 2. */
#define OT_TLP_B2_TD 0x80u      /* TLP Digest (ECRC) present, §2.2.3 */
#define OT_TLP_B2_EP 0x40u      /* poisoned, §2.7 */
#define OT_TLP_B2_ATTR_SHIFT 4u /* Attr[1:0] bits 5:4 */
#define OT_TLP_B2_ATTR_MASK 0x30u
#define OT_TLP_B2_AT_SHIFT 2u /* Address Type bits 3:2, §2.2.4.1 */
#define OT_TLP_B2_AT_MASK 0x0Cu
#define OT_TLP_B2_LEN_HI_MASK 0x03u /* Length[9:8] */

/* §2.2.6.3 Attr[2:0] = {IDO, RO, NS}. */
#define OT_TLP_ATTR_NS 0x1u
#define OT_TLP_ATTR_RO 0x2u
#define OT_TLP_ATTR_IDO 0x4u

/* §2.2.4.1 Address Type. */
#define OT_TLP_AT_UNTRANSLATED 0x0u
#define OT_TLP_AT_TRANSLATION_REQ 0x1u
#define OT_TLP_AT_TRANSLATED 0x2u
/* 11b is reserved: Malformed. */

/* §2.2.9 Table 2-34: Completion Status, bits 7:5 of byte 6. */
#define OT_TLP_CPL_SC 0x0u               /* Successful Completion */
#define OT_TLP_CPL_UR 0x1u               /* Unsupported Request */
#define OT_TLP_CPL_RRS 0x2u              /* Request Retry Status (formerly CRS) */
#define OT_TLP_CPL_CA 0x4u               /* Completer Abort */
#define OT_TLP_CPL_BCM 0x10u             /* byte 6 bit 4 */
#define OT_TLP_CPL_LOWER_ADDR_MASK 0x7Fu /* byte 11 bits 6:0 */

/* Sizes (§2.2.1.1 Table 2-4, §2.2.2). */
#define OT_TLP_DW 4u
#define OT_TLP_HDR_3DW 12u
#define OT_TLP_HDR_4DW 16u
#define OT_TLP_MAX_LENGTH_DW 1024u /* Length field 0 encodes 1024 DW */
#define OT_TLP_MAX_PAYLOAD (OT_TLP_MAX_LENGTH_DW * OT_TLP_DW)
#define OT_TLP_DIGEST_SIZE 4u       /* ECRC, §2.2.3 */
#define OT_TLP_MAX_TAG 0x3FFu       /* 10-Bit Tags, §2.2.6.2 */
#define OT_TLP_MAX_BYTE_COUNT 4096u /* Byte Count field 0 encodes 4096, §2.2.9 */
#define OT_TLP_PAGE 4096u           /* requests must not cross a 4 KB boundary, §2.2.7 */
#define OT_TLP_MAX_WIRE (OT_TLP_HDR_4DW + OT_TLP_MAX_PAYLOAD + OT_TLP_DIGEST_SIZE) /* 4116 bytes   \
                                                                                    */

#endif /* OPENTSM_SPEC_TLP_H */
