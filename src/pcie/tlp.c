/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLP encode/decode, Non-Flit Mode (PCIe r6.0 §2.2). See opentsm/tlp.h.
 *
 * Decoding borrows the header through the cursor, extracts the fields from
 * that span and validates them with the rule functions the encoder uses
 * (check_decoded: only the rules wire bits can break); the public decoders
 * copy the result out only then. Encoding validates first, so a refused TLP
 * writes nothing.
 */
#include "opentsm/tlp.h"

#include <string.h>

#include "opentsm/cursor.h"

bool ot_tlp_kind_has_data(ot_tlp_kind kind) {
  return kind == OT_TLP_MWR || kind == OT_TLP_CPLD || kind == OT_TLP_MSGD;
}

static bool kind_is_mem(ot_tlp_kind kind) { return kind == OT_TLP_MRD || kind == OT_TLP_MWR; }
static bool kind_is_cpl(ot_tlp_kind kind) { return kind == OT_TLP_CPL || kind == OT_TLP_CPLD; }
static bool kind_is_msg(ot_tlp_kind kind) { return kind == OT_TLP_MSG || kind == OT_TLP_MSGD; }

size_t ot_tlp_hdr_size(const ot_tlp_hdr *h) {
  /* §2.2.1.1: memory requests choose by address width; messages are always 4 DW. */
  if (kind_is_cpl(h->kind)) return OT_TLP_HDR_3DW;
  if (kind_is_msg(h->kind)) return OT_TLP_HDR_4DW;
  return h->addr64 ? OT_TLP_HDR_4DW : OT_TLP_HDR_3DW;
}

size_t ot_tlp_payload_size(const ot_tlp_hdr *h) {
  return ot_tlp_kind_has_data(h->kind) ? (size_t)h->length * OT_TLP_DW : 0;
}

size_t ot_tlp_wire_size(const ot_tlp_hdr *h) {
  return ot_tlp_hdr_size(h) + ot_tlp_payload_size(h) + (h->td ? OT_TLP_DIGEST_SIZE : 0);
}

const char *ot_tlp_kind_name(ot_tlp_kind kind) {
  switch (kind) {
  case OT_TLP_MRD: return "MRd";
  case OT_TLP_MWR: return "MWr";
  case OT_TLP_CPL: return "Cpl";
  case OT_TLP_CPLD: return "CplD";
  case OT_TLP_MSG: return "Msg";
  case OT_TLP_MSGD: return "MsgD";
  default: return "?";
  }
}

/*
 * Maps byte 0 to a kind (and for memory requests the header width).
 * §2.2.1.1 Table 2-3 lists the permitted Fmt/Type pairs; every other encoding
 * is Reserved and a TLP using it is Malformed (§2.3). Valid types we do not
 * model are OT_E_UNSUPPORTED.
 */
static ot_status classify_any(uint8_t b0, ot_tlp_kind *kind, bool *addr64) {
  unsigned fmt = b0 >> 5;
  unsigned type = b0 & 0x1Fu;
  *addr64 = false;
  /* Fmt 101b..111b are reserved (Table 2-2); 100b starts a TLP Prefix. */
  OT_ENSURE(fmt <= OT_TLP_FMT_PREFIX, OT_E_MALFORMED);
  OT_ENSURE(fmt != OT_TLP_FMT_PREFIX, OT_E_UNSUPPORTED);
  bool data = (fmt & OT_TLP_FMT_BIT_DATA) != 0;
  bool dw4 = (fmt & OT_TLP_FMT_BIT_4DW) != 0;
  if ((type & OT_TLP_TYPE_MSG_MASK) == OT_TLP_TYPE_MSG_BASE) {
    /* Msg / MsgD use the 4 DW formats only (Fmt 001b / 011b). */
    OT_ENSURE(dw4, OT_E_MALFORMED);
    *kind = data ? OT_TLP_MSGD : OT_TLP_MSG;
    return OT_SUCCESS;
  }
  switch (type) {
  case OT_TLP_TYPE_MEM:
    *kind = data ? OT_TLP_MWR : OT_TLP_MRD;
    *addr64 = dw4;
    return OT_SUCCESS;
  case OT_TLP_TYPE_CPL:
    OT_ENSURE(!dw4, OT_E_MALFORMED); /* completions are 3 DW only */
    *kind = data ? OT_TLP_CPLD : OT_TLP_CPL;
    return OT_SUCCESS;
  case OT_TLP_TYPE_MEM_LOCK:
    OT_ENSURE(!data, OT_E_MALFORMED); /* MRdLk only: Fmt 000b/001b */
    OT_BAIL(OT_E_UNSUPPORTED);
  case OT_TLP_TYPE_IO:
  case OT_TLP_TYPE_CFG0:
  case OT_TLP_TYPE_CFG1:
    OT_ENSURE(!dw4, OT_E_MALFORMED); /* IO and Cfg: Fmt 000b/010b only */
    OT_BAIL(OT_E_UNSUPPORTED);
  case OT_TLP_TYPE_CPL_LOCK: OT_ENSURE(!dw4, OT_E_MALFORMED); OT_BAIL(OT_E_UNSUPPORTED);
  case OT_TLP_TYPE_FETCHADD:
  case OT_TLP_TYPE_SWAP:
  case OT_TLP_TYPE_CAS:
    OT_ENSURE(data, OT_E_MALFORMED); /* AtomicOps: Fmt 010b/011b only */
    OT_BAIL(OT_E_UNSUPPORTED);
  case OT_TLP_TYPE_DMWR:
    /* DMWr with data (010b/011b); 000b is the deprecated TCfgRd (Malformed, note 5). */
    OT_ENSURE(data, OT_E_MALFORMED);
    OT_BAIL(OT_E_UNSUPPORTED);
  default: OT_BAIL(OT_E_MALFORMED);
  }
}

/*
 * Rules run for every TLP received (and every IDE TLP on both sides) are
 * forced inline into the one decoder.
 */
#define TLP_HOT_INLINE inline __attribute__((always_inline))

/*
 * classify_any, with the kinds that make up the data path (memory requests,
 * Fmt 000b..011b Type 0 0000b; completions, Fmt 000b/010b Type 0 1010b)
 * recognised inline by one test each. Every other byte goes to
 * classify_any, which gives the same answer for these too.
 */
static TLP_HOT_INLINE ot_status classify(uint8_t b0, ot_tlp_kind *kind, bool *addr64) {
  unsigned fmt = b0 >> 5;
  unsigned type = b0 & 0x1Fu;
  bool data = (fmt & OT_TLP_FMT_BIT_DATA) != 0;
  if (fmt < OT_TLP_FMT_PREFIX && type == OT_TLP_TYPE_MEM) {
    *kind = data ? OT_TLP_MWR : OT_TLP_MRD;
    *addr64 = (fmt & OT_TLP_FMT_BIT_4DW) != 0;
    return OT_SUCCESS;
  }
  if ((fmt & ~OT_TLP_FMT_BIT_DATA) == 0 && type == OT_TLP_TYPE_CPL) {
    *kind = data ? OT_TLP_CPLD : OT_TLP_CPL;
    *addr64 = false;
    return OT_SUCCESS;
  }
  return classify_any(b0, kind, addr64);
}

/*
 * A byte-enable nibble whose set bits are contiguous and reach bit 3 (first
 * DW): 1111b, 1110b, 1100b, 1000b; as a 16-bit set indexed by the nibble.
 */
static bool be_high_contiguous(uint8_t be) {
  return ((1u << 0xF | 1u << 0xE | 1u << 0xC | 1u << 0x8) >> (be & 0xFu)) & 1u;
}
/* ... and start at bit 0 (last DW): 1111b, 0111b, 0011b, 0001b. */
static bool be_low_contiguous(uint8_t be) {
  return ((1u << 0xF | 1u << 0x7 | 1u << 0x3 | 1u << 0x1) >> (be & 0xFu)) & 1u;
}

/* PCIe r6.0 §2.2.5 First/Last DW Byte Enables rules (the fields are 4 bits). */
static TLP_HOT_INLINE ot_status check_byte_enables(const ot_tlp_hdr *h) {
  if (h->length == 1) {
    /* "If the Length field ... indicates a length of 1 DW, [Last DW BE] must equal 0000b." */
    OT_ENSURE(h->last_be == 0, OT_E_MALFORMED);
    return OT_SUCCESS; /* any First DW BE, non-contiguous and 0000b included */
  }
  /* Length > 1: neither field may be 0000b. */
  OT_ENSURE(h->first_be != 0 && h->last_be != 0, OT_E_MALFORMED);
  bool qw_aligned = (h->address & 0x7u) == 0;
  if (h->length == 2 && qw_aligned) return OT_SUCCESS; /* non-contiguous allowed */
  /* Non-QW-aligned 2 DW and all >= 3 DW requests: contiguous enables only. */
  OT_ENSURE(be_high_contiguous(h->first_be) && be_low_contiguous(h->last_be), OT_E_MALFORMED);
  return OT_SUCCESS;
}

/*
 * The memory request rules a sender can break (every field in range, as a
 * decoded header's are by construction): §2.2.4.1 Address Type and address
 * width, §2.2.7 4 KB boundary, §2.2.5 byte enables.
 */
static TLP_HOT_INLINE ot_status check_mem_rules(const ot_tlp_hdr *h) {
  OT_ENSURE(h->at != 0x3u, OT_E_MALFORMED); /* §2.2.4.1: AT 11b reserved */
  /*
   * §2.2.4.1: "For Addresses below 4 GB, Requesters must use the 32-bit
   * format"; a 64-bit format request with the upper 32 bits zero has
   * unspecified receiver behaviour: we refuse it.
   */
  if (h->addr64) OT_ENSURE((h->address >> 32) != 0, OT_E_MALFORMED);
  /* §2.2.7: a request must not cross a 4 KB boundary. */
  OT_ENSURE((h->address & (OT_TLP_PAGE - 1)) + (uint64_t)h->length * OT_TLP_DW <= OT_TLP_PAGE,
            OT_E_MALFORMED);
  return check_byte_enables(h);
}

/* Encode side: the ranges of the fields, then the rules. */
static ot_status check_mem(const ot_tlp_hdr *h) {
  OT_ENSURE((h->address & 0x3u) == 0, OT_E_ARG); /* DW address; bits 1:0 are not sent */
  OT_ENSURE(h->first_be <= 0xF && h->last_be <= 0xF, OT_E_ARG);
  OT_ENSURE(h->at <= 0x3u, OT_E_ARG);
  OT_ENSURE(h->at != 0x3u, OT_E_MALFORMED);
  OT_ENSURE(h->addr64 || (h->address >> 32) == 0, OT_E_ARG); /* a 3 DW header has 32 bits */
  return check_mem_rules(h);
}

/* §2.2.9 Table 2-34: other Completion Status encodings are reserved. */
static ot_status check_cpl_status(const ot_tlp_hdr *h) {
  OT_ENSURE(h->status == OT_TLP_CPL_SC || h->status == OT_TLP_CPL_UR ||
                h->status == OT_TLP_CPL_RRS || h->status == OT_TLP_CPL_CA,
            OT_E_MALFORMED);
  return OT_SUCCESS;
}

/* §2.2.9: CplD is used only with Successful Completion status. */
static ot_status check_cpl_data(const ot_tlp_hdr *h) {
  OT_ENSURE(h->kind != OT_TLP_CPLD || h->status == OT_TLP_CPL_SC, OT_E_MALFORMED);
  return OT_SUCCESS;
}

/* §2.2.8 Table 2-20: message routing 110b and 111b are reserved. */
static ot_status check_msg_route(const ot_tlp_hdr *h) {
  OT_ENSURE(h->msg_route <= OT_TLP_ROUTE_GATHER, OT_E_MALFORMED);
  return OT_SUCCESS;
}

/*
 * Validates a header (encode side and decode side alike). Fields a kind does
 * not have must be zero, so that decode(encode(h)) == h.
 */
static ot_status check_hdr(const ot_tlp_hdr *h) {
  OT_ENSURE(h->tc <= 7 && h->attr <= 7, OT_E_ARG);
  bool data = ot_tlp_kind_has_data(h->kind);
  bool mem = kind_is_mem(h->kind), cpl = kind_is_cpl(h->kind), msg = kind_is_msg(h->kind);
  OT_ENSURE(mem || cpl || msg, OT_E_ARG);
  /* §2.2.1.1 Table 2-4: 1..1024 DW where Length is meaningful, else it is 0 here. */
  if (data || h->kind == OT_TLP_MRD) {
    OT_ENSURE(h->length >= 1 && h->length <= OT_TLP_MAX_LENGTH_DW, OT_E_ARG);
  } else {
    OT_ENSURE(h->length == 0, OT_E_ARG);
  }
  OT_ENSURE(h->addr64 == false || mem, OT_E_ARG);
  if (mem) {
    OT_ENSURE(h->tag <= OT_TLP_MAX_TAG, OT_E_ARG);
    OT_ENSURE(h->completer_id == 0 && h->status == 0 && !h->bcm && h->byte_count == 0 &&
                  h->lower_addr == 0 && h->msg_code == 0 && h->msg_route == 0,
              OT_E_ARG);
    for (size_t i = 0; i < sizeof h->msg_fields; i++)
      OT_ENSURE(h->msg_fields[i] == 0, OT_E_ARG);
    return check_mem(h);
  }
  OT_ENSURE(h->at == 0 && h->first_be == 0 && h->last_be == 0, OT_E_ARG);
  if (cpl) {
    OT_ENSURE(h->tag <= OT_TLP_MAX_TAG, OT_E_ARG);
    OT_ENSURE(h->address == 0 && h->msg_code == 0 && h->msg_route == 0, OT_E_ARG);
    for (size_t i = 0; i < sizeof h->msg_fields; i++)
      OT_ENSURE(h->msg_fields[i] == 0, OT_E_ARG);
    OT_ENSURE(h->status <= 7 && h->lower_addr <= OT_TLP_CPL_LOWER_ADDR_MASK, OT_E_ARG);
    OT_GUARD(check_cpl_status(h));
    OT_ENSURE(h->byte_count >= 1 && h->byte_count <= OT_TLP_MAX_BYTE_COUNT, OT_E_ARG);
    return check_cpl_data(h);
  }
  /* Messages, §2.2.8. The tag is 8 bits (Tag[9:8] are not defined for messages). */
  OT_ENSURE(h->tag <= 0xFF, OT_E_ARG);
  OT_ENSURE(h->completer_id == 0 && h->status == 0 && !h->bcm && h->byte_count == 0 &&
                h->lower_addr == 0,
            OT_E_ARG);
  OT_ENSURE(h->msg_route <= 7, OT_E_ARG);
  OT_GUARD(check_msg_route(h));
  if (h->msg_route == OT_TLP_ROUTE_BY_ADDR) {
    uint64_t a = ((uint64_t)ot_load_u32be(h->msg_fields) << 32) | ot_load_u32be(h->msg_fields + 4);
    OT_ENSURE((a & 0x3u) == 0 && h->address == a, OT_E_ARG);
  } else {
    OT_ENSURE(h->address == 0, OT_E_ARG);
  }
  return OT_SUCCESS;
}

/*
 * The checks of check_hdr a decoded header can fail. Decoding reads each
 * field from exactly its wire bits and leaves the fields of other kinds
 * zero, so every OT_E_ARG range check of check_hdr holds by construction
 * (TC, Attr and AT fit their bits; Length 1..1024 where it is meaningful;
 * tags fit 10 or 8 bits; address bits 1:0 are cleared; a 3 DW request has
 * no upper address bits). What remains are the rules a sender can break,
 * checked by the same functions in the same order. This runs for every
 * received TLP (and every IDE TLP on both sides), so it does only that.
 */
static TLP_HOT_INLINE ot_status check_decoded(const ot_tlp_hdr *h) {
  if (kind_is_mem(h->kind)) return check_mem_rules(h);
  if (kind_is_cpl(h->kind)) {
    OT_GUARD(check_cpl_status(h));
    return check_cpl_data(h);
  }
  return check_msg_route(h);
}

static bool fields_equal(const uint8_t a[8], const uint8_t b[8]) { return memcmp(a, b, 8) == 0; }

bool ot_tlp_hdr_equal(const ot_tlp_hdr *a, const ot_tlp_hdr *b) {
  return a->kind == b->kind && a->addr64 == b->addr64 && a->tc == b->tc && a->attr == b->attr &&
         a->at == b->at && a->td == b->td && a->ep == b->ep && a->length == b->length &&
         a->requester_id == b->requester_id && a->tag == b->tag && a->first_be == b->first_be &&
         a->last_be == b->last_be && a->address == b->address &&
         a->completer_id == b->completer_id && a->status == b->status && a->bcm == b->bcm &&
         a->byte_count == b->byte_count && a->lower_addr == b->lower_addr &&
         a->msg_code == b->msg_code && a->msg_route == b->msg_route &&
         fields_equal(a->msg_fields, b->msg_fields);
}

ot_status ot_tlp_peek_size(const uint8_t *wire, size_t len, size_t *size) {
  OT_ENSURE(wire != NULL && size != NULL, OT_E_ARG);
  OT_ENSURE(len >= OT_TLP_DW, OT_E_TRUNCATED);
  ot_tlp_kind kind;
  bool addr64;
  OT_GUARD(classify(wire[0], &kind, &addr64));
  ot_tlp_hdr h = {.kind = kind, .addr64 = addr64, .td = (wire[2] & OT_TLP_B2_TD) != 0};
  unsigned length = ((unsigned)(wire[2] & OT_TLP_B2_LEN_HI_MASK) << 8) | wire[3];
  h.length = (uint16_t)(length ? length : OT_TLP_MAX_LENGTH_DW);
  *size = ot_tlp_wire_size(&h);
  return OT_SUCCESS;
}

/* Headers are 12 or 16 bytes: fixed-size copies, which inline. */
static void copy_hdr(uint8_t *dst, const uint8_t *src, size_t hdr_len) {
  if (hdr_len == OT_TLP_HDR_3DW)
    memcpy(dst, src, OT_TLP_HDR_3DW);
  else
    memcpy(dst, src, OT_TLP_HDR_4DW);
}

/*
 * Why a header that is not all there was refused, in the order a decode
 * reads it: fewer than 4 bytes, then Fmt/Type (DW0), then the rest missing.
 * The cold path of decode_header, which borrows the smallest header at once.
 */
__attribute__((cold, noinline)) static ot_status short_header(const uint8_t *wire, size_t len) {
  ot_reader r;
  ot_reader_init(&r, wire, len);
  const uint8_t *dw0 = NULL;
  OT_GUARD(ot_read_borrow(&r, OT_TLP_DW, &dw0));
  ot_tlp_kind kind;
  bool addr64;
  OT_GUARD(classify(dw0[0], &kind, &addr64));
  OT_BAIL(OT_E_TRUNCATED);
}

/*
 * decode_header's fields and checks, for a header of that kind (as classify
 * gave it) in hb[0..len), whose first 3 DW were already borrowed.
 */
static TLP_HOT_INLINE ot_status decode_fields(const uint8_t *hb, size_t len, ot_tlp_kind kind,
                                              bool addr64, ot_tlp_decoded *restrict scratch) {
  uint8_t b0 = hb[0], b1 = hb[1], b2 = hb[2], b3 = hb[3];
  /*
   * §2.2.1.1: Fmt[0] selects the 4 DW header. classify admits it exactly for
   * messages (4 DW only) and 64-bit memory requests, and refuses it for
   * completions (3 DW only), so it is the header size of every kind.
   */
  bool dw4 = ((b0 >> 5) & OT_TLP_FMT_BIT_4DW) != 0;
  size_t hl = dw4 ? OT_TLP_HDR_4DW : OT_TLP_HDR_3DW;
  if (dw4) {
    /* The whole 4 DW header, hb[0..16): the 3 DW borrowed and the DW after them. */
    ot_reader r4;
    const uint8_t *all = NULL;
    OT_GUARD(ot_reader_init_borrow(&r4, hb, len, OT_TLP_HDR_4DW, &all));
  }
  /* TLP Processing Hints change the meaning of the address and BE fields. */
  OT_ENSURE((b1 & OT_TLP_B1_TH) == 0, OT_E_UNSUPPORTED);
  /* Fields of other kinds stay zero (decode(encode(h)) == h). */
  ot_tlp_hdr *h = &scratch->hdr;
  memset(h, 0, sizeof *h);
  h->kind = kind;
  h->addr64 = addr64;
  h->tc = (uint8_t)((b1 & OT_TLP_B1_TC_MASK) >> OT_TLP_B1_TC_SHIFT);
  h->attr = (uint8_t)(((b1 & OT_TLP_B1_ATTR2) ? OT_TLP_ATTR_IDO : 0) |
                      ((b2 & OT_TLP_B2_ATTR_MASK) >> OT_TLP_B2_ATTR_SHIFT));
  h->td = (b2 & OT_TLP_B2_TD) != 0;
  h->ep = (b2 & OT_TLP_B2_EP) != 0;
  unsigned length = ((unsigned)(b2 & OT_TLP_B2_LEN_HI_MASK) << 8) | b3;
  bool data = ot_tlp_kind_has_data(kind);
  if (data || kind == OT_TLP_MRD) h->length = (uint16_t)(length ? length : OT_TLP_MAX_LENGTH_DW);
  /* 10-Bit Tags (§2.2.6.2): Tag[9] byte 1 bit 7, Tag[8] byte 1 bit 3. */
  uint16_t tag_hi =
      (uint16_t)(((b1 & OT_TLP_B1_T9) ? 0x200u : 0) | ((b1 & OT_TLP_B1_T8) ? 0x100u : 0));
  uint16_t id = (uint16_t)(hb[4] << 8 | hb[5]);
  uint8_t b6 = hb[6], b7 = hb[7];
  if (kind_is_mem(kind)) {
    h->at = (uint8_t)((b2 & OT_TLP_B2_AT_MASK) >> OT_TLP_B2_AT_SHIFT);
    h->requester_id = id;
    h->tag = (uint16_t)(tag_hi | b6);
    h->last_be = (uint8_t)(b7 >> 4);
    h->first_be = (uint8_t)(b7 & 0xFu);
    uint32_t hi = addr64 ? ot_load_u32be(hb + 8) : 0;
    uint32_t lo = ot_load_u32be(hb + (addr64 ? 12 : 8));
    h->address = ((uint64_t)hi << 32) | (lo & ~UINT32_C(3)); /* bits 1:0 reserved */
  } else if (kind_is_cpl(kind)) {
    h->completer_id = id;
    h->status = (uint8_t)(b6 >> 5);
    h->bcm = (b6 & OT_TLP_CPL_BCM) != 0;
    unsigned bc = ((unsigned)(b6 & 0x0Fu) << 8) | b7;
    h->byte_count = (uint16_t)(bc ? bc : OT_TLP_MAX_BYTE_COUNT);
    h->requester_id = (uint16_t)(hb[8] << 8 | hb[9]);
    h->tag = (uint16_t)(tag_hi | hb[10]);
    h->lower_addr = (uint8_t)(hb[11] & OT_TLP_CPL_LOWER_ADDR_MASK);
  } else {
    h->requester_id = id;
    h->tag = b6;
    h->msg_code = b7;
    h->msg_route = (uint8_t)(b0 & OT_TLP_TYPE_MSG_ROUTE);
    memcpy(h->msg_fields, hb + 8, sizeof h->msg_fields);
    if (h->msg_route == OT_TLP_ROUTE_BY_ADDR) {
      /* Address-routed messages carry a 64-bit address; bits 1:0 reserved. */
      h->msg_fields[7] &= (uint8_t)~3u;
      h->address =
          ((uint64_t)ot_load_u32be(h->msg_fields) << 32) | ot_load_u32be(h->msg_fields + 4);
    }
  }
  OT_GUARD(check_decoded(h));
  copy_hdr(scratch->raw, hb, hl);
  if (!dw4) memset(scratch->raw + OT_TLP_HDR_3DW, 0, OT_TLP_DW);
  scratch->hdr_len = (uint8_t)hl;
  size_t payload = data ? (size_t)h->length * OT_TLP_DW : 0;
  scratch->payload_len = (uint16_t)payload;
  scratch->wire_len = (uint16_t)(hl + payload + (h->td ? OT_TLP_DIGEST_SIZE : 0));
  return OT_SUCCESS;
}

/*
 * Decodes and validates the header at the start of wire[0..len) into
 * *scratch, with its bytes and sizes: the one place an ot_tlp_decoded is
 * made from wire bytes. *scratch is the caller's own and is written as the
 * decode goes (restrict: it does not overlap wire); after a failure it holds
 * no valid header (the public calls that promise an untouched output pass a
 * local).
 */
static ot_status decode_header(const uint8_t *restrict wire, size_t len,
                               ot_tlp_decoded *restrict scratch) {
  /*
   * One bounds-checked borrow of the smallest header (3 DW), the fields then
   * taken from that span; a 4 DW header borrows its last DW too. A shorter
   * input is reported as a DW-by-DW read would (short_header).
   */
  ot_reader r;
  const uint8_t *hb = NULL;
  if (!ot_ok(ot_reader_init_borrow(&r, wire, len, OT_TLP_HDR_3DW, &hb)))
    return short_header(wire, len);
  ot_tlp_kind kind;
  bool addr64;
  OT_GUARD(classify(hb[0], &kind, &addr64));
  /*
   * The kinds of the data path get their own copy of decode_fields with the
   * kind a constant, so every per-kind choice in it (which fields, Length,
   * payload, which rules) folds away: the same code and checks, without the
   * branches. Every other kind takes the general copy.
   */
  switch (kind) {
  case OT_TLP_MWR: return decode_fields(hb, len, OT_TLP_MWR, addr64, scratch);
  case OT_TLP_MRD: return decode_fields(hb, len, OT_TLP_MRD, addr64, scratch);
  case OT_TLP_CPLD: return decode_fields(hb, len, OT_TLP_CPLD, false, scratch);
  default: return decode_fields(hb, len, kind, addr64, scratch);
  }
}

ot_status ot_tlp_decode_hdr(const uint8_t *wire, size_t len, ot_tlp_hdr *out, size_t *hdr_len) {
  OT_ENSURE(wire != NULL && out != NULL && hdr_len != NULL, OT_E_ARG);
  ot_tlp_decoded d;
  OT_GUARD(decode_header(wire, len, &d));
  *out = d.hdr;
  *hdr_len = d.hdr_len;
  return OT_SUCCESS;
}

/*
 * The encoder's ot_tlp_decoded (decode_header makes the decoder's): from a
 * header check_hdr validated and the bytes written for it (hdr_len of them).
 */
static void decoded_make(const ot_tlp_hdr *h, const uint8_t *raw, size_t hdr_len,
                         ot_tlp_decoded *out) {
  out->hdr = *h;
  copy_hdr(out->raw, raw, hdr_len);
  if (hdr_len == OT_TLP_HDR_3DW) memset(out->raw + OT_TLP_HDR_3DW, 0, OT_TLP_DW);
  out->hdr_len = (uint8_t)hdr_len;
  out->payload_len = (uint16_t)ot_tlp_payload_size(h);
  out->wire_len = (uint16_t)ot_tlp_wire_size(h);
}

ot_status ot_tlp_decode_header(const uint8_t *restrict wire, size_t len,
                               ot_tlp_decoded *restrict out) {
  OT_ENSURE(wire != NULL && out != NULL, OT_E_ARG);
  return decode_header(wire, len, out);
}

ot_status ot_tlp_decode(const uint8_t *wire, size_t len, ot_tlp *out) {
  OT_ENSURE(wire != NULL && out != NULL, OT_E_ARG);
  ot_tlp t = {0};
  ot_tlp_decoded d;
  OT_GUARD(decode_header(wire, len, &d));
  t.hdr = d.hdr;
  size_t hdr_len = d.hdr_len;
  ot_reader r;
  ot_reader_init(&r, wire, len);
  OT_GUARD(ot_read_skip(&r, hdr_len));
  /* §2.2.3: TD must agree with the observed size, else the TLP is Malformed. */
  size_t payload = ot_tlp_payload_size(&t.hdr);
  if (payload) {
    OT_GUARD(ot_read_borrow(&r, payload, &t.payload));
    t.payload_len = payload;
  }
  if (t.hdr.td) OT_GUARD(ot_read_u32be(&r, &t.digest));
  OT_GUARD(ot_reader_finish(&r));
  *out = t;
  return OT_SUCCESS;
}

/* Writes a validated header; the writer has room (checked by the callers). */
static void write_hdr(const ot_tlp_hdr *h, ot_writer *w) {
  bool data = ot_tlp_kind_has_data(h->kind);
  uint8_t fmt, type;
  if (kind_is_msg(h->kind)) {
    fmt = data ? OT_TLP_FMT_4DW_DATA : OT_TLP_FMT_4DW_NODATA;
    type = (uint8_t)(OT_TLP_TYPE_MSG_BASE | h->msg_route);
  } else if (kind_is_cpl(h->kind)) {
    fmt = data ? OT_TLP_FMT_3DW_DATA : OT_TLP_FMT_3DW_NODATA;
    type = OT_TLP_TYPE_CPL;
  } else {
    fmt = (uint8_t)((data ? OT_TLP_FMT_BIT_DATA : 0) | (h->addr64 ? OT_TLP_FMT_BIT_4DW : 0));
    type = OT_TLP_TYPE_MEM;
  }
  bool tag10 = !kind_is_msg(h->kind);
  uint8_t b1 = (uint8_t)((h->tc << OT_TLP_B1_TC_SHIFT) |
                         ((h->attr & OT_TLP_ATTR_IDO) ? OT_TLP_B1_ATTR2 : 0) |
                         ((tag10 && (h->tag & 0x200u)) ? OT_TLP_B1_T9 : 0) |
                         ((tag10 && (h->tag & 0x100u)) ? OT_TLP_B1_T8 : 0));
  unsigned length = (data || h->kind == OT_TLP_MRD) ? (h->length & 0x3FFu) : 0; /* 1024 -> 0 */
  uint8_t b2 = (uint8_t)((h->td ? OT_TLP_B2_TD : 0) | (h->ep ? OT_TLP_B2_EP : 0) |
                         ((h->attr & (OT_TLP_ATTR_RO | OT_TLP_ATTR_NS)) << OT_TLP_B2_ATTR_SHIFT) |
                         (h->at << OT_TLP_B2_AT_SHIFT) | (length >> 8));
  OT_IGNORE(ot_write_u8(w, (uint8_t)(fmt << 5 | type))); /* room checked by the caller */
  OT_IGNORE(ot_write_u8(w, b1));
  OT_IGNORE(ot_write_u8(w, b2));
  OT_IGNORE(ot_write_u8(w, (uint8_t)length));
  if (kind_is_mem(h->kind)) {
    OT_IGNORE(ot_write_u16be(w, h->requester_id));
    OT_IGNORE(ot_write_u8(w, (uint8_t)h->tag));
    OT_IGNORE(ot_write_u8(w, (uint8_t)(h->last_be << 4 | h->first_be)));
    if (h->addr64) OT_IGNORE(ot_write_u32be(w, (uint32_t)(h->address >> 32)));
    OT_IGNORE(ot_write_u32be(w, (uint32_t)h->address));
  } else if (kind_is_cpl(h->kind)) {
    unsigned bc = h->byte_count & 0xFFFu; /* 4096 -> 0 */
    OT_IGNORE(ot_write_u16be(w, h->completer_id));
    OT_IGNORE(ot_write_u8(w, (uint8_t)(h->status << 5 | (h->bcm ? OT_TLP_CPL_BCM : 0) | bc >> 8)));
    OT_IGNORE(ot_write_u8(w, (uint8_t)bc));
    OT_IGNORE(ot_write_u16be(w, h->requester_id));
    OT_IGNORE(ot_write_u8(w, (uint8_t)h->tag));
    OT_IGNORE(ot_write_u8(w, h->lower_addr));
  } else {
    OT_IGNORE(ot_write_u16be(w, h->requester_id));
    OT_IGNORE(ot_write_u8(w, (uint8_t)h->tag));
    OT_IGNORE(ot_write_u8(w, h->msg_code));
    OT_IGNORE(ot_write_bytes(w, h->msg_fields, sizeof h->msg_fields));
  }
}

ot_status ot_tlp_encode_hdr(const ot_tlp_hdr *h, uint8_t *out, size_t cap, size_t *len) {
  OT_ENSURE(h != NULL && out != NULL && len != NULL, OT_E_ARG);
  OT_GUARD(check_hdr(h));
  size_t n = ot_tlp_hdr_size(h);
  OT_ENSURE(cap >= n, OT_E_NO_SPACE);
  ot_writer w;
  ot_writer_init(&w, out, cap);
  write_hdr(h, &w);
  OT_GUARD(ot_writer_status(&w));
  *len = ot_writer_len(&w);
  return OT_SUCCESS;
}

ot_status ot_tlp_encode(const ot_tlp *t, uint8_t *out, size_t cap, size_t *len) {
  OT_ENSURE(t != NULL && out != NULL && len != NULL, OT_E_ARG);
  OT_GUARD(check_hdr(&t->hdr));
  size_t payload = ot_tlp_payload_size(&t->hdr);
  OT_ENSURE(t->payload_len == payload && (payload == 0 || t->payload != NULL), OT_E_ARG);
  OT_ENSURE(t->hdr.td || t->digest == 0, OT_E_ARG);
  size_t n = ot_tlp_wire_size(&t->hdr);
  OT_ENSURE(cap >= n, OT_E_NO_SPACE);
  ot_writer w;
  ot_writer_init(&w, out, cap);
  write_hdr(&t->hdr, &w);
  OT_GUARD(ot_write_bytes(&w, t->payload, payload));
  if (t->hdr.td) OT_GUARD(ot_write_u32be(&w, t->digest));
  *len = ot_writer_len(&w);
  return OT_SUCCESS;
}

ot_status ot_tlp_view_decode(const uint8_t *wire, size_t len, ot_tlp_view *out) {
  OT_ENSURE(wire != NULL && out != NULL, OT_E_ARG);
  ot_tlp_decoded d;
  OT_GUARD(decode_header(wire, len, &d));
  /* §2.2.3: the size must be header + payload + digest exactly (as ot_tlp_decode). */
  OT_ENSURE(len >= d.wire_len, OT_E_TRUNCATED);
  OT_ENSURE(len == d.wire_len, OT_E_TRAILING);
  out->d = d;
  out->wire = wire;
  return OT_SUCCESS;
}

ot_status ot_tlp_view_encode(const ot_tlp *t, uint8_t *out, size_t cap, ot_tlp_view *view) {
  OT_ENSURE(view != NULL, OT_E_ARG);
  size_t len;
  OT_GUARD(ot_tlp_encode(t, out, cap, &len)); /* check_hdr: the header is a valid one */
  decoded_make(&t->hdr, out, ot_tlp_hdr_size(&t->hdr), &view->d);
  view->wire = out;
  return OT_SUCCESS;
}
