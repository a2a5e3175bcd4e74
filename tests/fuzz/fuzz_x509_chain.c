/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzer for what a peer controls in GET_CERTIFICATE: the DER certificate
 * chain. Runs the chain parser, the SPDM leaf profile on every certificate,
 * key extraction, and full verification against the chain's own first
 * certificate, and checks the contracts of opentsm/x509.h:
 *  - a parse either fails and leaves the chain untouched, or returns
 *    contiguous certificates that cover the input exactly;
 *  - every refusal is OT_E_CERT with a known reason, or a documented status;
 *  - a verified chain's leaf passes the profile check on its own.
 * The same input is also offered to the key-file parsers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T_2025 ((time_t)1735689600)

static void check_verdict(ot_status st, const ot_x509_verdict *v) {
  if (ot_ok(st) && v->reason != OT_X509_VALID) abort();
  if (ot_is(st, OT_E_CERT) && (v->reason == OT_X509_VALID || v->reason > OT_X509_OTHER)) abort();
  if (!ot_ok(st) && !ot_is(st, OT_E_CERT) && !ot_is(st, OT_E_NOMEM) && !ot_is(st, OT_E_LIBRARY))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ot_x509_chain chain, pristine;
  memset(&chain, 0x5c, sizeof chain);
  pristine = chain;
  ot_status st = ot_x509_chain_parse(data, size, &chain);
  if (!ot_ok(st)) {
    if (memcmp(&chain, &pristine, sizeof chain) != 0) abort();
  } else {
    if (chain.count == 0 || chain.count > OT_X509_MAX_CHAIN) abort();
    const uint8_t *next = data;
    for (size_t i = 0; i < chain.count; i++) {
      if (chain.certs[i].der != next || chain.certs[i].len == 0) abort();
      next += chain.certs[i].len;
    }
    if (next != data + size) abort();

    static const ot_x509_role roles[] = {OT_X509_ROLE_ANY, OT_X509_ROLE_RESPONDER,
                                         OT_X509_ROLE_REQUESTER};
    for (size_t i = 0; i < chain.count; i++) {
      for (size_t r = 0; r < 3; r++) {
        ot_x509_policy p = {.now = T_2025, .role = roles[r], .model = (ot_x509_model)r};
        ot_x509_verdict v;
        ot_x509_leaf_info info;
        check_verdict(ot_x509_leaf_check(&chain.certs[i], &p, &info, &v), &v);
      }
      char subject[96];
      if (ot_ok(ot_x509_subject(&chain.certs[i], subject, sizeof subject)) &&
          memchr(subject, '\0', sizeof subject) == NULL)
        abort();
      uint8_t pub[OT_ECC_MAX_PUBLIC];
      size_t pub_len = 0;
      ot_curve curve;
      if (ot_ok(ot_x509_public_key(&chain.certs[i], &curve, pub, sizeof pub, &pub_len)) &&
          pub_len != 2 * ot_curve_size(curve) && pub_len != 32)
        abort();
    }

    ot_x509_policy p = {.now = T_2025, .role = OT_X509_ROLE_RESPONDER};
    ot_x509_verdict v;
    ot_x509_leaf_info info;
    st = ot_x509_chain_verify(&chain, &chain.certs[0], 1, &p, &info, &v);
    check_verdict(st, &v);
    if (ot_ok(st)) {
      ot_x509_verdict lv;
      if (!ot_ok(ot_x509_leaf_check(ot_x509_chain_leaf(&chain), &p, NULL, &lv))) abort();
      if (info.public_key_len == 0) abort();
    }
  }

  uint8_t key[OT_ECC_MAX_PUBLIC] = {0};
  size_t key_len;
  ot_curve curve;
  OT_IGNORE(ot_x509_spki_public_key(data, size, &curve, key, sizeof key, &key_len));
  if (!ot_ok(ot_x509_private_key_raw(data, size, &curve, key, sizeof key, &key_len))) {
    for (size_t i = 0; i < sizeof key; i++)
      if (key[i] != 0) abort(); /* failures zeroize */
  }
  return 0;
}
