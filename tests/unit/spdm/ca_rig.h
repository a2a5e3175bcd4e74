/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A test CA: a fresh root issues one leaf over a public key it is given, as a
 * CA would for a device key pair's CSR before SET_CERTIFICATE (DSP0274 1.3
 * GET_CSR, SET_CERTIFICATE KeyPairID). Test code only.
 */
#ifndef OT_TEST_CA_RIG_H
#define OT_TEST_CA_RIG_H

#include <time.h>

#include "opentsm/crypto.h"
#include "opentsm/secure.h"
#include "opentsm/x509.h"
#include "testsupport.h"

typedef struct ca_leaf {
  ot_curve curve; /* the root's key and the leaf's subject key */
  const char *ca_name, *leaf_name;
  const uint8_t *pub; /* the leaf's public key (X || Y) */
  unsigned eku;       /* the leaf's SPDM EKUs (OT_X509_EKU_*) */
  time_t not_before, not_after;
} ca_leaf;

/* root | leaf (with the hardware identity) into der[0..cap), *len their
 * length; *anchor is the root, pointing into der. The root's key comes from
 * rng and is wiped. */
static void ca_issue(const ca_leaf *o, ot_rng *rng, uint8_t *der, size_t cap, size_t *len,
                     ot_x509_cert *anchor) {
  uint8_t rpriv[OT_ECC_MAX_SCALAR], rpub[OT_ECC_MAX_PUBLIC];
  assert_ot_ok(ot_key_generate(o->curve, rng, rpriv, sizeof rpriv, rpub, sizeof rpub));
  ot_x509_template rt = {.kind = OT_X509_KIND_ROOT,
                         .common_name = o->ca_name,
                         .serial = 1,
                         .not_before = o->not_before,
                         .not_after = o->not_after,
                         .path_len = -1};
  ot_x509_issuer ri = {.curve = o->curve, .private_key = rpriv};
  size_t rn = 0, ln = 0;
  assert_ot_ok(ot_x509_generate(&rt, &ri, der, cap, &rn));
  ot_x509_chain root;
  assert_ot_ok(ot_x509_chain_parse(der, rn, &root));
  ot_x509_template lt = {.kind = OT_X509_KIND_LEAF,
                         .common_name = o->leaf_name,
                         .serial = 2,
                         .not_before = o->not_before,
                         .not_after = o->not_after,
                         .subject_curve = o->curve,
                         .subject_public = o->pub,
                         .eku = o->eku,
                         .hardware_identity = true};
  ot_x509_issuer li = {.curve = o->curve, .private_key = rpriv, .cert = &root.certs[0]};
  assert_ot_ok(ot_x509_generate(&lt, &li, der + rn, cap - rn, &ln));
  ot_zeroize(rpriv, sizeof rpriv);
  *len = rn + ln;
  *anchor = root.certs[0];
}

#endif
