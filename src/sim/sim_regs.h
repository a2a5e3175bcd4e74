/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PCI Express Capability structure registers (PCIe r6.0 §7.5.3) and BAR
 * fields (§7.5.1.2.1) the simulator builds and the host reads. Offsets are
 * from the capability start; fields are masks (opentsm/bits.h). Private to
 * src/sim until another layer needs them in opentsm/spec/pcie.h.
 */
#ifndef OPENTSM_SIM_REGS_H
#define OPENTSM_SIM_REGS_H

#include "opentsm/bits.h"

#define OT_PCIE_CAP_SIZEOF 0x3Cu /* through Slot Control 2 / Status 2 (§7.5.3) */

#define OT_PCIE_FLAGS 0x02u        /* 16 bits, §7.5.3.2 PCI Express Capabilities Register */
#define OT_PCIE_FLAGS_VERS 0x000Fu /* Capability Version: 2 */
#define OT_PCIE_FLAGS_TYPE 0x00F0u /* Device/Port Type */
#define OT_PCIE_FLAGS_SLOT 0x0100u /* Slot Implemented */
#define OT_PCIE_CAP_VERSION 2u

/* Device/Port Type values, §7.5.3.2. */
#define OT_PCIE_TYPE_ENDPOINT 0x0u
#define OT_PCIE_TYPE_ROOT_PORT 0x4u
#define OT_PCIE_TYPE_UPSTREAM 0x5u
#define OT_PCIE_TYPE_DOWNSTREAM 0x6u

#define OT_PCIE_DEVCAP 0x04u               /* §7.5.3.3 Device Capabilities */
#define OT_PCIE_DEVCAP_MPS 0x00000007u     /* Max_Payload_Size Supported: 000b = 128 B */
#define OT_PCIE_DEVCAP_EXT_TAG 0x00000020u /* Extended Tag Field Supported */
#define OT_PCIE_DEVCAP_RBER 0x00008000u    /* Role-Based Error Reporting (must be 1) */
#define OT_PCIE_DEVCAP_FLR 0x10000000u     /* Function Level Reset Capability */
#define OT_PCIE_DEVCAP_TEE_IO 0x40000000u  /* TEE-IO Supported (SPEC-FACTS §7.1) */
#define OT_PCIE_DEVCTL 0x08u               /* 16 bits, §7.5.3.4 */
#define OT_PCIE_DEVCTL_RW 0x7FFFu          /* bit 15 (Initiate FLR / bridge retry) reads 0 */
#define OT_PCIE_DEVSTA 0x0Au               /* 16 bits, §7.5.3.5 */
#define OT_PCIE_DEVSTA_RW1C 0x000Fu        /* error detected bits */
#define OT_PCIE_LNKCAP 0x0Cu               /* §7.5.3.6 Link Capabilities */
#define OT_PCIE_LNKCAP_SPEED 0x0000000Fu   /* Max Link Speed (index into Supported Link Speeds) */
#define OT_PCIE_LNKCAP_WIDTH 0x000003F0u   /* Maximum Link Width */
#define OT_PCIE_LNKCAP_DLLLA 0x00100000u   /* Data Link Layer Link Active Reporting Capable */
#define OT_PCIE_LNKCAP_PORT 0xFF000000u    /* Port Number */
#define OT_PCIE_LNKCTL 0x10u               /* 16 bits, §7.5.3.7 */
#define OT_PCIE_LNKCTL_RW 0x00C3u          /* ASPM Control, Common Clock, Extended Synch */
#define OT_PCIE_LNKSTA 0x12u               /* 16 bits, §7.5.3.8 */
#define OT_PCIE_LNKSTA_SPEED 0x000Fu       /* Current Link Speed */
#define OT_PCIE_LNKSTA_WIDTH 0x03F0u       /* Negotiated Link Width */
#define OT_PCIE_LNKSTA_DLLLA 0x2000u       /* Data Link Layer Link Active */
#define OT_PCIE_SLTCAP 0x14u               /* §7.5.3.9 Slot Capabilities */
#define OT_PCIE_SLTCAP_PSN 0xFFF80000u     /* Physical Slot Number */
#define OT_PCIE_SLTSTA 0x1Au               /* 16 bits, §7.5.3.11 */
#define OT_PCIE_SLTSTA_PDS 0x0040u         /* Presence Detect State */
#define OT_PCIE_LNKCAP2 0x2Cu              /* §7.5.3.18 Link Capabilities 2 */
#define OT_PCIE_LNKCAP2_SLS 0x000000FEu    /* Supported Link Speeds Vector, bit 1 = 2.5 GT/s */
#define OT_PCIE_LNKCTL2 0x30u              /* 16 bits, §7.5.3.19 */
#define OT_PCIE_LNKCTL2_TLS 0x000Fu        /* Target Link Speed */

/* Memory BAR low bits, §7.5.1.2.1 (read-only). */
#define OT_PCI_BAR_SPACE_IO 0x1u
#define OT_PCI_BAR_MEM_TYPE 0x6u /* 00b 32-bit, 10b 64-bit */
#define OT_PCI_BAR_MEM_TYPE_64 0x4u
#define OT_PCI_BAR_MEM_PREFETCH 0x8u
#define OT_PCI_BAR_MEM_ADDR 0xFFFFFFF0u

/* Type 1 prefetchable window: low nibble 1h = 64-bit addressing (§7.5.1.3.9). */
#define OT_PCI_PREF_RANGE_64 0x0001u
/* Memory windows have 1 MiB granularity (§7.5.1.3.8): bits 15:4 are address bits 31:20. */
#define OT_PCI_WINDOW_ALIGN (UINT64_C(1) << 20)

#endif /* OPENTSM_SIM_REGS_H */
