/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM wire constants: the IDE Key Management protocol of PCIe r6.0
 * §6.33.3 (introduced by the IDE ECN, "IDE_KM"), carried in SPDM
 * VENDOR_DEFINED_REQUEST / RESPONSE messages with the PCI-SIG registry
 * (DSP0274 "VENDOR_DEFINED_REQUEST"; the PCI-SIG Protocol ID byte leads the
 * payload, PCIe r6.0 §6.33.3).
 * @layer ide_km
 *
 * Sources: SPEC-FACTS §2.14 and §4.1 (libspdm pci_idekm.h, pcidoe.h; Project
 * Cerberus ide_protocol.h; spdm-emu; confirmed in recorded spdm-emu traffic).
 * All multi-byte fields are little-endian. Offsets are from the start of the
 * IDE_KM object, i.e. after the one-byte Protocol ID of the VDM payload.
 *
 *   QUERY        0 ObjectID | 1 Rsvd | 2 PortIndex                          (3)
 *   QUERY_RESP   0 ObjectID | 1 Rsvd | 2 PortIndex | 3 DevFuncNum | 4 BusNum |
 *                5 Segment | 6 MaxPortIndex | 7.. IDE register block (4N)  (7 + 4N)
 *   KEY_PROG     0 ObjectID | 1-2 Rsvd | 3 StreamID | 4 Rsvd | 5 KeySubStream |
 *                6 PortIndex | 7..38 Key DWs | 39..46 IFV DWs               (47)
 *   KP_ACK       as KEY_PROG's first 7 bytes, byte 4 = Status               (7)
 *   K_SET_GO, K_SET_STOP, K_GOSTOP_ACK   as KP_ACK with byte 4 reserved     (7)
 */
#ifndef OPENTSM_SPEC_IDE_KM_H
#define OPENTSM_SPEC_IDE_KM_H

/* ---- VDM framing (SPEC-FACTS §2.14) -------------------------------------- */
#define OT_IDE_KM_VENDOR_ID_PCISIG 0x0001u /* PCI-SIG Vendor ID in the VDM */
#define OT_IDE_KM_VENDOR_ID_LEN 2u
#define OT_IDE_KM_PROTOCOL_ID 0x00u /* PCI-SIG protocol: 00h IDE_KM (01h TDISP) */
#define OT_IDE_KM_PROTOCOL_ID_SIZE 1u

/* ---- Object IDs (PCIe r6.0 §6.33.3, IDE_KM object table) ------------------ */
#define OT_IDE_KM_QUERY 0x00u
#define OT_IDE_KM_QUERY_RESP 0x01u
#define OT_IDE_KM_KEY_PROG 0x02u
#define OT_IDE_KM_KP_ACK 0x03u
#define OT_IDE_KM_K_SET_GO 0x04u
#define OT_IDE_KM_K_SET_STOP 0x05u
#define OT_IDE_KM_K_GOSTOP_ACK 0x06u

/* ---- Object sizes, bytes, without the Protocol ID (SPEC-FACTS §4.1, T9) ---- */
#define OT_IDE_KM_QUERY_SIZE 3u
#define OT_IDE_KM_QUERY_RESP_FIXED 7u /* the register block follows, unaligned */
#define OT_IDE_KM_HDR_SIZE 7u         /* KEY_PROG header, KP_ACK, K_SET_*, K_GOSTOP_ACK */
#define OT_IDE_KM_KEY_DWS 8u          /* Key_DW7 .. Key_DW0 */
#define OT_IDE_KM_IFV_DWS 2u          /* IFV_DW1, IFV_DW0 */
#define OT_IDE_KM_KEY_PROG_SIZE (OT_IDE_KM_HDR_SIZE + 4u * (OT_IDE_KM_KEY_DWS + OT_IDE_KM_IFV_DWS))
#define OT_IDE_KM_ACK_SIZE OT_IDE_KM_HDR_SIZE

/* Byte offsets inside the 7-byte header of KEY_PROG / KP_ACK / K_SET_* / K_GOSTOP_ACK. */
#define OT_IDE_KM_OFF_STREAM_ID 3u
#define OT_IDE_KM_OFF_STATUS 4u /* KP_ACK only; reserved elsewhere */
#define OT_IDE_KM_OFF_KEY_SUB_STREAM 5u
#define OT_IDE_KM_OFF_PORT_INDEX 6u
#define OT_IDE_KM_QUERY_OFF_PORT_INDEX 2u

/* ---- KeySubStream byte (SPEC-FACTS §4.1) ----------------------------------- */
#define OT_IDE_KM_KSS_KEY_SET 0x01u /* bit 0: key set K0 / K1 (the K bit of IDE TLPs) */
#define OT_IDE_KM_KSS_DIR 0x02u     /* bit 1: 0 RX, 1 TX, from the receiving port's view */
#define OT_IDE_KM_KSS_RSVD 0x0Cu    /* bits 3:2 reserved */
#define OT_IDE_KM_KSS_SUB 0xF0u     /* bits 7:4: sub-stream 0 PR, 1 NPR, 2 CPL */
#define OT_IDE_KM_KSS_DIR_RX 0u
#define OT_IDE_KM_KSS_DIR_TX 1u
#define OT_IDE_KM_KSS_SUB_MAX 2u /* 3..15 are not defined for PCIe IDE */

/* ---- KP_ACK Status (PCIe r6.0 §6.33.3, KP_ACK Status field) ---------------- */
#define OT_IDE_KM_KP_SUCCESS 0x00u
#define OT_IDE_KM_KP_INCORRECT_LENGTH 0x01u
#define OT_IDE_KM_KP_UNSUPPORTED_PORT 0x02u  /* Unsupported value in PortIndex */
#define OT_IDE_KM_KP_UNSUPPORTED_VALUE 0x03u /* Unsupported value in another field */
#define OT_IDE_KM_KP_UNSPECIFIED 0x04u       /* Unspecified failure */

/* ---- QUERY_RESP register block limits (SPEC-FACTS §4.1, libspdm) ------------ */
#define OT_IDE_KM_MAX_LINK_BLOCKS 8u
#define OT_IDE_KM_MAX_SEL_BLOCKS 255u
#define OT_IDE_KM_MAX_ADDR_BLOCKS 15u
/* DWs of a register block: IDE Capability, IDE Control, 2 per link block, 5 + 3 per address
 * block per selective block (spdm-emu's count formula, SPEC-FACTS §4.1). */
#define OT_IDE_KM_REG_DWS(n_link, n_sel, n_addr)                                                   \
  (2u + 2u * (n_link) + (5u + 3u * (n_addr)) * (n_sel))
/* spdm-emu's QUERY_RESP always carries 74 zero DWs (SPEC-FACTS T16). */
#define OT_IDE_KM_EMU_REG_DWS OT_IDE_KM_REG_DWS(4u, 8u, 1u)

_Static_assert(OT_IDE_KM_KEY_PROG_SIZE == 47u, "KEY_PROG is 47 bytes (SPEC-FACTS §4.1)");
_Static_assert(OT_IDE_KM_EMU_REG_DWS == 74u, "spdm-emu sends 74 register DWs");
_Static_assert((OT_IDE_KM_KSS_KEY_SET | OT_IDE_KM_KSS_DIR | OT_IDE_KM_KSS_RSVD |
                OT_IDE_KM_KSS_SUB) == 0xFFu,
               "KeySubStream fields cover the byte");

#endif /* OPENTSM_SPEC_IDE_KM_H */
