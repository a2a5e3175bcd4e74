/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A strict DER reader over ot_reader (see x509_internal.h): the first line of
 * defence in front of the ASN.1 decoder, which would otherwise accept BER
 * (indefinite and non-minimal lengths) inside a certificate.
 * ITU-T X.690 (02/2021) §8.1.2 identifier, §8.1.3 length, §10.1 DER lengths.
 */
#include "x509_internal.h"

ot_status ot_der_read_tlv(ot_reader *r, uint8_t *tag, ot_reader *content) {
  OT_ENSURE(r != NULL && tag != NULL && content != NULL, OT_E_ARG);
  OT_GUARD(ot_reader_status(r));
  /* Parse on a copy so that a failure leaves r where it was. */
  ot_reader peek = *r;
  uint8_t t, first;
  OT_GUARD(ot_read_u8(&peek, &t));
  /* X.690 §8.1.2.4: tag number 31 announces a multi-byte tag; X.509 uses none. */
  OT_ENSURE((t & 0x1fu) != 0x1fu, OT_E_MALFORMED);
  OT_GUARD(ot_read_u8(&peek, &first));
  size_t len;
  if (first < 0x80u) {
    len = first; /* §8.1.3.4 short form */
  } else {
    size_t n = first & 0x7fu;
    /* §10.1: DER uses the definite form only; 0x80 is the indefinite form. */
    OT_ENSURE(n != 0, OT_E_MALFORMED);
    OT_ENSURE(n <= 4, OT_E_TOO_LARGE);
    uint8_t b;
    len = 0;
    for (size_t i = 0; i < n; i++) {
      OT_GUARD(ot_read_u8(&peek, &b));
      /* §10.1: the minimum number of octets: no leading zero octet. */
      OT_ENSURE(i != 0 || b != 0, OT_E_MALFORMED);
      len = (len << 8) | b;
    }
    /* §10.1: a length below 128 must use the short form. */
    OT_ENSURE(len >= 0x80u, OT_E_MALFORMED);
  }
  ot_reader body;
  OT_GUARD(ot_read_sub(&peek, len, &body));
  *tag = t;
  *content = body;
  *r = peek;
  return OT_SUCCESS;
}

ot_status ot_der_expect(ot_reader *r, uint8_t tag, ot_reader *content) {
  ot_reader peek = *r;
  uint8_t t;
  ot_reader body;
  OT_GUARD(ot_der_read_tlv(&peek, &t, &body));
  OT_ENSURE(t == tag, OT_E_MALFORMED);
  *content = body;
  *r = peek;
  return OT_SUCCESS;
}

static ot_status der_walk_at(ot_reader *r, unsigned depth) {
  OT_ENSURE(depth <= OT_DER_MAX_DEPTH, OT_E_MALFORMED);
  while (ot_reader_remaining(r) > 0) {
    uint8_t tag;
    ot_reader content;
    OT_GUARD(ot_der_read_tlv(r, &tag, &content));
    /* §8.1.2.5: bit 6 marks a constructed encoding, whose contents are TLVs. */
    if (tag & OT_DER_CONSTRUCTED) OT_GUARD(der_walk_at(&content, depth + 1));
  }
  return ot_reader_finish(r);
}

ot_status ot_der_walk(ot_reader *r) {
  OT_ENSURE(r != NULL, OT_E_ARG);
  ot_reader peek = *r;
  OT_GUARD(der_walk_at(&peek, 0));
  *r = peek;
  return OT_SUCCESS;
}
