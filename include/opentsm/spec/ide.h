/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE TLP wire constants (PCIe r6.0 §6.33.4 IDE TLPs, §6.33.5 IDE TLP
 * Sub-Streams, §6.33.6 IDE TLP Aggregation), Non-Flit Mode, and the format of
 * a protected TLP on our simulator link.
 * @layer ide
 *
 * ------------------------------------------------------------------------
 * UNVERIFIED (SPEC-FACTS §5.3 ✱). The normative text of §6.33.4-6 was not
 * available while this was written. Every constant below marked [U] is our
 * best reading of secondary sources, named beside it; the code that applies
 * them lives in src/ide/ide_tlp_format.c and in the first section of
 * src/ide/ide_internal.h (inline for the data path) and nowhere else, so
 * correcting one is a change to this header and those two places.
 * ------------------------------------------------------------------------
 *
 * Protected TLP on the simulator link (one link-layer unit, no framing):
 *
 *   +--------+-------------------+--------------------+--------+-------+
 *   | prefix | TLP header        | payload            | PCRC   | MAC   |
 *   | 1 DW   | 3 or 4 DW, clear  | Length DW, cipher  | 1 DW   | 3 DW  |
 *   +--------+-------------------+--------------------+--------+-------+
 *                                                       if P=1   if M=1
 *
 *  - prefix: the IDE TLP Prefix below (an End-End TLP Prefix);
 *  - header: the TLP header exactly as ot_tlp_encode_hdr writes it; the
 *    engine refuses TD=1 (no ECRC in protected TLPs on our link);
 *  - payload: AES-256-GCM ciphertext of the data payload (none for MRd, Cpl,
 *    Msg); its length is the header's Length field, unchanged;
 *  - PCRC [U]: present only when P=1, i.e. PCRC is enabled for the stream
 *    and the TLP carries data; CRC-32 of the plaintext payload, encrypted
 *    as if it were one more payload DW;
 *  - MAC: the leftmost 96 bits of the GCM tag, only on the TLP with M=1.
 *
 * One MAC covers an aggregation group of 1, 2, 4 or 8 TLPs of one
 * sub-stream (M=0 on all but the last) [U]: one GCM invocation whose
 *   nonce = IV fixed field (32 bits) || invocation field (64 bits), big-endian,
 *   AAD   = prefix_1 || header_1 || prefix_2 || header_2 || ... || prefix_n || header_n,
 *   text  = payload_1 || PCRC_1 || payload_2 || PCRC_2 || ... (PCRC_i when P_i=1).
 * The invocation field starts at the IFV that IDE_KM's KEY_PROG carried and
 * increases by one per group (per MAC), separately per sub-stream, direction
 * and key set; it is never reused: after 2^64 - 1 the key set is spent.
 */
#ifndef OPENTSM_SPEC_IDE_H
#define OPENTSM_SPEC_IDE_H

/*
 * [U] IDE TLP Prefix byte 0: Fmt 100b (TLP Prefix) and Type 1 0010b, i.e. an
 * End-End TLP Prefix with E[3:0] = 0010b. Sources: a PCIe 5.0 TLP decoder's
 * table of End-End prefix types (0 ExtTPH, 1 PASID, 2 IDE) and a verification
 * IP that emits Fmt 100b, Type 10010b for IDE TLPs. PCIe r6.0 §2.2.10.2
 * Table 2-39 (End-End TLP Prefix types).
 */
#define OT_IDE_PREFIX_BYTE0 0x92u
#define OT_IDE_PREFIX_SIZE 4u

/*
 * [U] The other three bytes of the prefix (PCIe r6.0 §6.33.4, IDE TLP Prefix
 * figure), from the same verification IP's field order {Fmt, Type,
 * PR_Sent_Counter[7:0], Stream ID[7:0], Sub-Stream[3:0], P, M, K, T} and a
 * simulator's decoded field list (T, K, M, P, sub-stream, stream ID, 8-bit
 * PR_Sent_Counter). Bit 7 of byte 3 is reserved since the TDISP ECN made
 * Sub-Stream 3 bits wide (the same change is documented for OHC-C, byte 3
 * bits 7:4).
 *   byte 1: PR_Sent_Counter[7:0] (meaningful in NPR and CPL TLPs, 0 in PR)
 *   byte 2: Stream ID
 *   byte 3: bit 7 reserved | Sub-Stream[2:0] bits 6:4 | P bit 3 | M bit 2 |
 *           K bit 1 | T bit 0
 */
#define OT_IDE_PREFIX_B3_RSVD 0x80u
#define OT_IDE_PREFIX_B3_SUB_SHIFT 4u
#define OT_IDE_PREFIX_B3_SUB_MASK 0x70u
#define OT_IDE_PREFIX_B3_P 0x08u /* PCRC present */
#define OT_IDE_PREFIX_B3_M 0x04u /* MAC present: last TLP of its aggregation group */
#define OT_IDE_PREFIX_B3_K 0x02u /* key set 0/1 */
#define OT_IDE_PREFIX_B3_T 0x01u /* TEE: TLP originates in / targets a TEE (TDISP) */

/*
 * Sub-Stream identifiers, PCIe r6.0 §6.33.5. These match the IDE_KM
 * KeySubStream encodings (SPEC-FACTS §4.1, confirmed in recorded traffic);
 * 011b..110b reserved, 111b means "not an IDE TLP" (Flit Mode OHC-C).
 */
#define OT_IDE_SUB_ID_PR 0x0u  /* Posted Requests: MWr, Msg, MsgD */
#define OT_IDE_SUB_ID_NPR 0x1u /* Non-Posted Requests: MRd (and Cfg, IO, AtomicOps) */
#define OT_IDE_SUB_ID_CPL 0x2u /* Completions */

/* PCIe r6.0 §6.33 (IDE Capability "Supported Algorithms" 00000b): AES-GCM-256, 96-bit MAC. */
#define OT_IDE_KEY_SIZE 32u
#define OT_IDE_MAC_SIZE 12u
#define OT_IDE_NONCE_SIZE 12u
#define OT_IDE_IFV_SIZE 8u

/*
 * IV fixed field for PCIe IDE: 32 zero bits (CXL uses 8000_0000h).
 * SPEC-FACTS §4.1 (intel/tee-io-validator doc/key_byte_order.md, aligned
 * with PCIe Base 6.2 Appendix L).
 */
#define OT_IDE_IV_FIXED_PCIE 0x00000000u

/* [U] PCRC: 32-bit CRC over the plaintext payload, the CRC-32 of LCRC/ECRC
 * (polynomial 04C11DB7h, PCIe r6.0 §2.7.1), computed here in the common
 * reflected form (init FFFFFFFFh, final complement) and sent big-endian. */
#define OT_IDE_PCRC_SIZE 4u
#define OT_IDE_PCRC_POLY_REFLECTED 0xEDB88320u

/* PCIe r6.0 §6.33.6 / IDE Stream Control "Tx Aggregation Mode": none, 2, 4 or 8 TLPs per MAC. */
#define OT_IDE_MAX_AGGREGATION 8u

/* Register-level stream states (IDE Stream Status bits 3:0, SPEC-FACTS §5.1). */
#define OT_IDE_STATUS_INSECURE 0x0u
#define OT_IDE_STATUS_SECURE 0x2u

#endif /* OPENTSM_SPEC_IDE_H */
