/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PCIe Transaction Layer Packets, Non-Flit Mode (PCIe r6.0 §2.2): encode and
 * decode of the TLPs that carry real traffic between our ports.
 * @layer pcie
 *
 * Modelled: Memory Read and Write with 32-bit (3 DW) and 64-bit (4 DW)
 * addresses, Completions with and without data, Messages with and without
 * data. Other valid types (I/O, Configuration, locked, AtomicOps, DMWr) and
 * TLP Prefixes decode to OT_E_UNSUPPORTED; reserved Fmt/Type encodings are
 * OT_E_MALFORMED (§2.3). TLP Processing Hints (TH=1) are OT_E_UNSUPPORTED.
 *
 * A TLP on the wire: header (12 or 16 bytes, big-endian fields), then
 * Length DW of payload for types that carry data, then one ECRC DW when
 * TD=1. The digest is carried as a value; computing or checking ECRC is
 * not done here.
 *
 * Reserved bits: the encoder writes zeros; the decoder ignores them, as
 * receivers must (§2.2). So encode(decode(b)) equals b with reserved bits
 * cleared, and decode(encode(t)) equals t for every t the encoder accepts.
 *
 * Validation (both directions; the encoder refuses what the decoder rejects):
 *  - Fmt/Type: only the combinations of §2.2.1.1 Table 2-3;
 *  - Length: 1..1024 DW (wire 0 = 1024) for TLPs with data and for memory
 *    reads; the wire size must equal header + payload + digest exactly;
 *  - byte enables (§2.2.5): Last DW BE = 0 iff Length = 1 DW; First DW BE
 *    != 0 when Length > 1; contiguous enables for Length >= 3 DW and for
 *    2 DW requests that are not QW-aligned;
 *  - addresses (§2.2.4.1): DW-aligned; 4 DW headers only for addresses at or
 *    above 4 GB (a 4 DW request with the upper 32 bits zero is refused);
 *    Address Type 11b is reserved; a request must not cross a 4 KB boundary
 *    (§2.2.7);
 *  - completions (§2.2.9): status SC, UR, RRS or CA; CplD carries data;
 *  - messages (§2.2.8): routing r[2:0] not 110b/111b.
 * Errors: OT_E_TRUNCATED (fewer bytes than the header says), OT_E_TRAILING
 * (more), OT_E_MALFORMED (a rule above), OT_E_UNSUPPORTED, OT_E_ARG (NULL or
 * a field out of range when encoding), OT_E_NO_SPACE (encode buffer).
 */
#ifndef OPENTSM_TLP_H
#define OPENTSM_TLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include "opentsm/spec/tlp.h"
#include "opentsm/status.h"

/* The TLPs we model. */
typedef enum ot_tlp_kind {
  OT_TLP_MRD = 1, /* Memory Read Request (Fmt 000b/001b, Type 0 0000b) */
  OT_TLP_MWR,     /* Memory Write Request (Fmt 010b/011b, Type 0 0000b) */
  OT_TLP_CPL,     /* Completion without data (Fmt 000b, Type 0 1010b) */
  OT_TLP_CPLD,    /* Completion with data (Fmt 010b, Type 0 1010b) */
  OT_TLP_MSG,     /* Message without data (Fmt 001b, Type 1 0rrrb) */
  OT_TLP_MSGD,    /* Message with data (Fmt 011b, Type 1 0rrrb) */
} ot_tlp_kind;

/*
 * A decoded header. Fields that do not exist for a kind are zero after
 * decode and must be zero for encode (OT_E_ARG), except where noted.
 */
typedef struct ot_tlp_hdr {
  ot_tlp_kind kind;
  bool addr64;     /* memory requests: 4 DW header, 64-bit address */
  uint8_t tc;      /* Traffic Class 0..7 */
  uint8_t attr;    /* Attr[2:0] = IDO, RO, NS (OT_TLP_ATTR_*) */
  uint8_t at;      /* memory requests: Address Type (OT_TLP_AT_*) */
  bool td;         /* a 1-DW digest follows the payload */
  bool ep;         /* poisoned */
  uint16_t length; /* in DW, 1..1024, for data TLPs and MRd; 0 otherwise */
  uint16_t requester_id;
  uint16_t tag;          /* 10 bits for requests and completions, 8 for messages */
  uint8_t first_be;      /* memory requests */
  uint8_t last_be;       /* memory requests */
  uint64_t address;      /* memory requests and address-routed messages; bits 1:0 zero */
  uint16_t completer_id; /* completions */
  uint8_t status;        /* completions: OT_TLP_CPL_* */
  bool bcm;              /* completions: Byte Count Modified */
  uint16_t byte_count;   /* completions: 1..4096 (wire 0 = 4096) */
  uint8_t lower_addr;    /* completions: Lower Address[6:0] */
  uint8_t msg_code;      /* messages: Message Code (byte 7) */
  uint8_t msg_route;     /* messages: r[2:0] (OT_TLP_ROUTE_*) */
  uint8_t msg_fields[8]; /* messages: header bytes 8..15 as sent (for address routing,
                            the address, which is also in .address) */
} ot_tlp_hdr;

/* A whole TLP. payload points into the decoded buffer (or the caller's data). */
typedef struct ot_tlp {
  ot_tlp_hdr hdr;
  const uint8_t *payload; /* hdr.length * 4 bytes for data TLPs, else NULL */
  size_t payload_len;
  uint32_t digest; /* ECRC value when hdr.td */
} ot_tlp;

/*
 * A header the TLP layer decoded and validated, with what its size rules
 * gave. Only the TLP layer makes one: ot_tlp_decode_header, and inside the
 * views of ot_tlp_view_decode / ot_tlp_view_encode. Everyone else treats it
 * as read-only (it travels by const pointer): a layer handed one, such as
 * the IDE engine, relies on every check of this file having passed and does
 * not decode the header again, so a hand-made or altered one is a bug.
 */
typedef struct ot_tlp_decoded {
  ot_tlp_hdr hdr;
  uint8_t raw[OT_TLP_HDR_4DW]; /* the header bytes as on the wire (hdr_len of them) */
  uint8_t hdr_len;             /* 12 or 16 */
  uint16_t payload_len;        /* data bytes after the header (hdr.length * 4, or 0) */
  uint16_t wire_len;           /* header + payload + digest */
} ot_tlp_decoded;

/*
 * A whole TLP the TLP layer checked: wire[0..d.wire_len) and its decoded
 * header. Only ot_tlp_view_decode (bytes received), ot_tlp_view_encode (a
 * TLP to send) and ot_tlp_view_emit (a decoded header placed before its
 * payload) make one; read-only for everyone else, like ot_tlp_decoded.
 */
typedef struct ot_tlp_view {
  ot_tlp_decoded d;
  const uint8_t *wire;
} ot_tlp_view;

/* The payload of v (d.payload_len bytes; unspecified when there is none). */
static inline const uint8_t *ot_tlp_view_payload(const ot_tlp_view *v) {
  return v->wire + v->d.hdr_len;
}

/* True for kinds whose header is followed by a data payload. */
bool ot_tlp_kind_has_data(ot_tlp_kind kind);
/* Header size in bytes (12 or 16) of h. */
size_t ot_tlp_hdr_size(const ot_tlp_hdr *h);
/* Payload size in bytes of h (0 when the kind carries none). */
size_t ot_tlp_payload_size(const ot_tlp_hdr *h);
/* Wire size of the TLP h describes: header + payload + digest. */
size_t ot_tlp_wire_size(const ot_tlp_hdr *h);

/*
 * Reads only the first header DW of wire[0..len) and reports how many bytes
 * the whole TLP occupies (header + payload + digest). Useful to frame TLPs in
 * a byte stream. Errors: OT_E_TRUNCATED (< 4 bytes), OT_E_MALFORMED /
 * OT_E_UNSUPPORTED for Fmt/Type as in ot_tlp_decode.
 */
OT_RESULT ot_tlp_peek_size(const uint8_t *wire, size_t len, size_t *size);

/*
 * Decodes the header at the start of wire[0..len) (the rest may be payload,
 * not checked here) and validates it. *hdr_len is 12 or 16. On failure *out
 * is unchanged.
 */
OT_RESULT ot_tlp_decode_hdr(const uint8_t *wire, size_t len, ot_tlp_hdr *out, size_t *hdr_len);

/*
 * Decodes a whole TLP from wire[0..len), which must hold exactly one TLP.
 * out->payload points into wire. On failure *out is unchanged.
 */
OT_RESULT ot_tlp_decode(const uint8_t *wire, size_t len, ot_tlp *out);

/*
 * As ot_tlp_decode_hdr, into a decoded header: wire[0..len) starts with the
 * header (the rest may be absent or not yet plaintext; only the header is
 * read). *out is written as the decode goes (it must not overlap wire): on
 * failure it holds no valid header and must not be used.
 */
OT_RESULT ot_tlp_decode_header(const uint8_t *restrict wire, size_t len,
                               ot_tlp_decoded *restrict out);

/*
 * As ot_tlp_decode (exactly one whole TLP in wire[0..len), same checks and
 * errors), into a view of wire. On failure *out is unchanged.
 */
OT_RESULT ot_tlp_view_decode(const uint8_t *wire, size_t len, ot_tlp_view *out);

/*
 * As ot_tlp_encode, and *view describes the encoded TLP in out (its header
 * the one t carries, which decode(encode(t)) gives back). On failure out
 * and *view are untouched.
 */
OT_RESULT ot_tlp_view_encode(const ot_tlp *t, uint8_t *out, size_t cap, ot_tlp_view *view);

/*
 * Writes d's header bytes to dst[0..d->hdr_len) and makes *view the TLP at
 * dst[0..d->wire_len), whose payload (and digest) the caller has placed or
 * will place after the header; cap is the room at dst. Used where the
 * payload arrives apart from its header (IDE decrypts it into place).
 * OT_E_NO_SPACE (nothing written) if cap < d->wire_len. Forced inline: it
 * runs once per delivered TLP and is a copy of 12 or 16 bytes.
 */
static inline __attribute__((always_inline)) OT_RESULT
ot_tlp_view_emit(const ot_tlp_decoded *d, uint8_t *dst, size_t cap, ot_tlp_view *view) {
  OT_ENSURE(d != NULL && dst != NULL && view != NULL, OT_E_ARG);
  OT_ENSURE(cap >= d->wire_len, OT_E_NO_SPACE);
  /* Fixed-size copies (a decoded header is 12 or 16 bytes), which inline. */
  if (d->hdr_len == OT_TLP_HDR_3DW)
    memcpy(dst, d->raw, OT_TLP_HDR_3DW);
  else
    memcpy(dst, d->raw, OT_TLP_HDR_4DW);
  if (&view->d != d) view->d = *d;
  view->wire = dst;
  return OT_SUCCESS;
}

/* Encodes the header of h into out[0..cap) (validating it); *len = 12 or 16. */
OT_RESULT ot_tlp_encode_hdr(const ot_tlp_hdr *h, uint8_t *out, size_t cap, size_t *len);

/*
 * Encodes t (header, payload of exactly hdr.length * 4 bytes for data TLPs,
 * digest when td) into out[0..cap); *len is the wire size. Everything is
 * validated and the size checked before the first byte is written, so out
 * is untouched on any failure.
 */
OT_RESULT ot_tlp_encode(const ot_tlp *t, uint8_t *out, size_t cap, size_t *len);

/* Field-by-field equality of two headers (what decode(encode(h)) == h means). */
bool ot_tlp_hdr_equal(const ot_tlp_hdr *a, const ot_tlp_hdr *b);

/* Short name of a kind ("MRd", "CplD", ...), "?" if unknown. */
const char *ot_tlp_kind_name(ot_tlp_kind kind);

#endif /* OPENTSM_TLP_H */
