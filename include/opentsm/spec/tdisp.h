/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TDISP (TEE Device Interface Security Protocol) wire constants: the PCI-SIG
 * VDM prefix that carries it, the 16-byte message header, message codes, body
 * sizes, flags, the device interface report and the TDI states. Values only;
 * the codec, the device side and the requester are in opentsm/tdisp.h.
 * @layer tdisp
 *
 * Sources: PCIe Base r6.0 with the TDISP ECN (§11 "TEE Device Interface
 * Security Protocol"): §11.2 TDI states and their transitions, §11.3 message
 * formats. Inside §11.3 citations name the message ("§11.3 LOCK_INTERFACE_REQUEST")
 * rather than a sub-clause number, because the numbering moved when the ECN
 * was folded into r6.1. Where a value comes from a reference implementation
 * rather than the specification text, SPEC-FACTS §6 says so and so does the
 * comment here (◐ = reference behaviour, ✱ = not verified against any source).
 * Every value is also in SPEC-FACTS §6; REC marks values seen in the recorded
 * spdm-emu traffic (the spdm_dump.txt listings under tests/vectors/spdm-emu).
 */
#ifndef OPENTSM_SPEC_TDISP_H
#define OPENTSM_SPEC_TDISP_H

#include <stdint.h>

/* ---- PCI-SIG vendor-defined message prefix (DSP0274 VENDOR_DEFINED; SPEC-FACTS §2.14) ---- */

/* StandardID of the SPDM VENDOR_DEFINED message: the PCI-SIG registry (DSP0274
 * "Registry or standards body ID"; equals OT_SPDM_REGISTRY_PCISIG). REC. */
#define OT_PCISIG_STANDARD_ID 0x0003u
#define OT_PCISIG_VENDOR_ID_LEN 2u      /* Len of VendorID for PCI-SIG. REC */
#define OT_PCISIG_VENDOR_ID 0x0001u     /* PCI-SIG vendor ID, little-endian on the wire. REC */
#define OT_PCISIG_PROTOCOL_IDE_KM 0x00u /* PCIe r6.0 §6.33.3: first payload byte */
#define OT_PCISIG_PROTOCOL_TDISP 0x01u  /* PCIe r6.0 §11.3: first payload byte. REC */
/* SPDM header(4) StandardID(2) Len(1) VendorID(2) ReqLength(2) ProtocolID(1). */
#define OT_PCISIG_VDM_PREFIX_SIZE 12u

/* ---- TDISP message header (PCIe r6.0 §11.3 TDISP message header; SPEC-FACTS §6.1)
 * ------------------------- */

#define OT_TDISP_VERSION_10 0x10u /* TDISPVersion: major 7:4, minor 3:0. REC */
#define OT_TDISP_VERSION_MAJOR 0xF0u
#define OT_TDISP_VERSION_MINOR 0x0Fu
#define OT_TDISP_HEADER_SIZE 16u       /* Version(1) Type(1) Reserved(2) INTERFACE_ID(12) */
#define OT_TDISP_INTERFACE_ID_SIZE 12u /* FUNCTION_ID(4) Reserved(8); SPEC-FACTS T11 */
#define OT_TDISP_INTERFACE_ID_RSVD 8u

/* FUNCTION_ID (u32) inside INTERFACE_ID, PCIe r6.0 §11.3 (SPEC-FACTS §6.1). */
#define OT_TDISP_FUNCTION_ID_RID 0x0000FFFFu       /* Requester ID: bus 15:8, dev 7:3, fn 2:0 */
#define OT_TDISP_FUNCTION_ID_SEGMENT 0x00FF0000u   /* Requester Segment */
#define OT_TDISP_FUNCTION_ID_SEG_VALID 0x01000000u /* Requester Segment Valid */
#define OT_TDISP_FUNCTION_ID_DEFINED 0x01FFFFFFu   /* bits 31:25 are reserved */

/* ---- Request and response codes (PCIe r6.0 §11.3; SPEC-FACTS §6.2) */

#define OT_TDISP_GET_VERSION 0x81u                 /* REC */
#define OT_TDISP_GET_CAPABILITIES 0x82u            /* REC */
#define OT_TDISP_LOCK_INTERFACE_REQUEST 0x83u      /* REC */
#define OT_TDISP_GET_DEVICE_INTERFACE_REPORT 0x84u /* REC */
#define OT_TDISP_GET_DEVICE_INTERFACE_STATE 0x85u  /* REC */
#define OT_TDISP_START_INTERFACE_REQUEST 0x86u     /* REC */
#define OT_TDISP_STOP_INTERFACE_REQUEST 0x87u      /* REC */
#define OT_TDISP_BIND_P2P_STREAM_REQUEST 0x88u
#define OT_TDISP_UNBIND_P2P_STREAM_REQUEST 0x89u
#define OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST 0x8Au
#define OT_TDISP_VDM_REQUEST 0x8Bu

#define OT_TDISP_VERSION 0x01u                  /* REC */
#define OT_TDISP_CAPABILITIES 0x02u             /* REC */
#define OT_TDISP_LOCK_INTERFACE_RESPONSE 0x03u  /* REC */
#define OT_TDISP_DEVICE_INTERFACE_REPORT 0x04u  /* REC */
#define OT_TDISP_DEVICE_INTERFACE_STATE 0x05u   /* REC */
#define OT_TDISP_START_INTERFACE_RESPONSE 0x06u /* REC */
#define OT_TDISP_STOP_INTERFACE_RESPONSE 0x07u  /* REC */
#define OT_TDISP_BIND_P2P_STREAM_RESPONSE 0x08u
#define OT_TDISP_UNBIND_P2P_STREAM_RESPONSE 0x09u
#define OT_TDISP_SET_MMIO_ATTRIBUTE_RESPONSE 0x0Au
#define OT_TDISP_VDM_RESPONSE 0x0Bu
#define OT_TDISP_ERROR 0x7Fu /* §11.3 TDISP_ERROR */

#define OT_TDISP_REQUEST_BIT 0x80u /* requests have bit 7 set; response = request & 0x7F */

/* ---- Body sizes after the 16-byte header (PCIe r6.0 §11.3; SPEC-FACTS §6.3) ----------- */

#define OT_TDISP_NONCE_SIZE 32u      /* START_INTERFACE_NONCE; SPEC-FACTS T11. REC */
#define OT_TDISP_GET_CAPS_BODY 4u    /* TSM_CAPS */
#define OT_TDISP_CAPS_BODY 28u       /* DSM_CAPS .. NUM_REQ_ALL */
#define OT_TDISP_REQ_MSGS_SIZE 16u   /* REQ_MSGS_SUPPORTED bitmap: bit n <-> code 0x80+n */
#define OT_TDISP_LOCK_BODY 20u       /* FLAGS .. BIND_P2P_ADDRESS_MASK */
#define OT_TDISP_GET_REPORT_BODY 4u  /* OFFSET(2) LENGTH(2) */
#define OT_TDISP_REPORT_RSP_FIXED 4u /* PORTION_LENGTH(2) REMAINDER_LENGTH(2) */
#define OT_TDISP_STATE_BODY 1u       /* TDI_STATE */
#define OT_TDISP_P2P_BODY 1u         /* P2P_STREAM_ID (BIND/UNBIND) */
#define OT_TDISP_MMIO_RANGE_SIZE 16u /* one MMIO_RANGE (also SET_MMIO_ATTRIBUTE's body) */
#define OT_TDISP_ERROR_BODY 8u       /* ERROR_CODE(4) ERROR_DATA(4) */
#define OT_TDISP_VDM_FIXED 2u        /* VDM_REQUEST/RESPONSE: RegistryID(1) VendorIDLen(1) */
#define OT_TDISP_REPORT_LENGTH_ALL                                                                 \
  0xFFFFu /* GET_DEVICE_INTERFACE_REPORT LENGTH: "as much as fits" */

/* ---- LOCK_INTERFACE_REQUEST FLAGS (PCIe r6.0 §11.3 LOCK_INTERFACE_REQUEST; SPEC-FACTS §6.3)
 * ----------------- */

#define OT_TDISP_LOCK_NO_FW_UPDATE 0x0001u   /* no firmware update while LOCKED/RUN */
#define OT_TDISP_LOCK_CACHE_LINE_128 0x0002u /* SYSTEM_CACHE_LINE_SIZE: 0 = 64 B, 1 = 128 B */
#define OT_TDISP_LOCK_MSIX 0x0004u           /* lock the MSI-X table and PBA */
#define OT_TDISP_LOCK_BIND_P2P 0x0008u       /* P2P may be bound later; mask valid */
#define OT_TDISP_LOCK_ALL_REQUEST_REDIRECT                                                         \
  0x0010u /* redirect ATS-translated requests to the RC                                            \
           */
#define OT_TDISP_LOCK_FLAGS_DEFINED 0x001Fu

/* ---- Device interface report (PCIe r6.0 §11.3 DEVICE_INTERFACE_REPORT; SPEC-FACTS §6.4) */

#define OT_TDISP_REPORT_FIXED 16u /* INTERFACE_INFO .. MMIO_RANGE_COUNT */
#define OT_TDISP_REPORT_DEVINFO_LEN_SIZE 4u

/* INTERFACE_INFO bits. */
#define OT_TDISP_IFINFO_NO_FW_UPDATE 0x0001u /* no firmware update after lock */
#define OT_TDISP_IFINFO_DMA_NO_PASID 0x0002u /* DMA requests without PASID */
#define OT_TDISP_IFINFO_DMA_PASID 0x0004u    /* DMA requests with PASID */
#define OT_TDISP_IFINFO_ATS 0x0008u          /* ATS supported and enabled */
#define OT_TDISP_IFINFO_PRS 0x0010u          /* PRS supported and enabled */

/* MMIO_RANGE: FIRST_PAGE(8) NUMBER_OF_PAGES(4) RANGE_ATTRIBUTES(2) RANGE_ID(2). */
#define OT_TDISP_PAGE_SIZE 4096u /* NUMBER_OF_PAGES counts 4 KiB pages */
#define OT_TDISP_PAGE_MASK 0xFFFu
#define OT_TDISP_RANGE_MSIX_TABLE 0x0001u
#define OT_TDISP_RANGE_MSIX_PBA 0x0002u
#define OT_TDISP_RANGE_NON_TEE_MEM 0x0004u
#define OT_TDISP_RANGE_MEM_ATTR_UPDATABLE 0x0008u

/* ---- TDI states (PCIe r6.0 §11.2, DEVICE_INTERFACE_STATE TDI_STATE; SPEC-FACTS §6.3) --- */

#define OT_TDISP_STATE_CONFIG_UNLOCKED 0u
#define OT_TDISP_STATE_CONFIG_LOCKED 1u
#define OT_TDISP_STATE_RUN 2u
#define OT_TDISP_STATE_ERROR 3u
#define OT_TDISP_STATE_COUNT 4u

/* ---- TDISP_ERROR codes (PCIe r6.0 §11.3 TDISP_ERROR; SPEC-FACTS §6.3) ------- */

#define OT_TDISP_ERR_INVALID_REQUEST 0x0001u
#define OT_TDISP_ERR_BUSY 0x0003u
#define OT_TDISP_ERR_INVALID_INTERFACE_STATE 0x0004u
#define OT_TDISP_ERR_UNSPECIFIED 0x0005u
#define OT_TDISP_ERR_UNSUPPORTED_REQUEST 0x0007u /* ERROR_DATA = the request code (◐ spdm-emu) */
#define OT_TDISP_ERR_VERSION_MISMATCH 0x0041u
#define OT_TDISP_ERR_VENDOR_SPECIFIC 0x00FFu /* EXTENDED_ERROR_DATA present */
#define OT_TDISP_ERR_INVALID_INTERFACE 0x0101u
#define OT_TDISP_ERR_INVALID_NONCE 0x0102u
#define OT_TDISP_ERR_INSUFFICIENT_ENTROPY 0x0103u
#define OT_TDISP_ERR_INVALID_DEVICE_CONFIGURATION 0x0104u

/* EXTENDED_ERROR_DATA / VDM RegistryID (SPEC-FACTS §6.3). */
#define OT_TDISP_REGISTRY_PCISIG 0x00u
#define OT_TDISP_REGISTRY_CXL 0x01u

_Static_assert(OT_TDISP_HEADER_SIZE == 4u + OT_TDISP_INTERFACE_ID_SIZE, "TDISP header layout");
_Static_assert(OT_TDISP_CAPS_BODY == 4u + OT_TDISP_REQ_MSGS_SIZE + 2u + 3u + 3u, "caps layout");
_Static_assert(OT_TDISP_LOCK_BODY == 2u + 1u + 1u + 8u + 8u, "LOCK_INTERFACE_REQUEST layout");
_Static_assert(OT_TDISP_MMIO_RANGE_SIZE == 8u + 4u + 2u + 2u, "MMIO_RANGE layout");
_Static_assert(OT_PCISIG_VDM_PREFIX_SIZE == 4u + 2u + 1u + OT_PCISIG_VENDOR_ID_LEN + 2u + 1u,
               "PCI-SIG VDM prefix");

#endif /* OPENTSM_SPEC_TDISP_H */
