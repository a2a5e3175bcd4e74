/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ed448 verification (RFC 8032 §5.2, pure, empty context), as SPDM's
 * BaseAsymAlgo bit 11 uses it: a signature by the DMTF sample key
 * keys/ed448/end_responder.key over "dmtf-spdm-v1.2.*" (Ed448 is
 * deterministic, so the vector is fixed), then every refusal.
 */
#include <stdlib.h>
#include <string.h>

#include "opentsm/crypto.h"
#include "testsupport.h"

static const char pub_hex[] = "d37b4632016d12576687d4e920fda9e0f23c6c471cc48dca40a22e867975f33f"
                              "5308c7fd52d21d4068193f1c87ca70b84d3147c6df19a6ab80";
static const char sig_hex[] = "df894817db0937f04dee28a49935ab62399ff8afd65d4b13564f2dcc3c24e639"
                              "45ef7556ec627ffc232afa068e2342623eb532fdee1872e480bba4c6a4530501"
                              "8c3322b3d3f014d291543731c3930cc5a879adc3659d81f900b1ed8707dc4c53"
                              "6433c94e161089ceddc7acf4e08c09261d00";
static const uint8_t msg[] = "dmtf-spdm-v1.2.*";

static void test_ed448_verify(void **state) {
  (void)state;
  size_t pub_len = 0, sig_len = 0;
  uint8_t *pub = ts_unhex(pub_hex, &pub_len);
  uint8_t *sig = ts_unhex(sig_hex, &sig_len);
  assert_int_equal(pub_len, OT_ED448_KEY_SIZE);
  assert_int_equal(sig_len, OT_ED448_SIG_SIZE);
  assert_int_equal(ot_curve_public_size(OT_CURVE_ED448), 57);
  assert_int_equal(ot_curve_signature_size(OT_CURVE_ED448), 114);
  size_t m = sizeof msg - 1; /* without the NUL */
  assert_ot_ok(ot_ed448_verify(pub, pub_len, msg, m, sig, sig_len));
  /* Another message, a flipped signature bit, a short signature, a wrong key size. */
  assert_ot_code(ot_ed448_verify(pub, pub_len, msg, m - 1, sig, sig_len), OT_E_VERIFY);
  sig[10] ^= 0x01;
  assert_ot_code(ot_ed448_verify(pub, pub_len, msg, m, sig, sig_len), OT_E_VERIFY);
  sig[10] ^= 0x01;
  assert_ot_code(ot_ed448_verify(pub, pub_len, msg, m, sig, sig_len - 1), OT_E_VERIFY);
  assert_ot_code(ot_ed448_verify(pub, 32, msg, m, sig, sig_len), OT_E_BAD_KEY);
  /* An Ed25519-sized signature check with this key is refused by size too. */
  assert_ot_code(ot_ed25519_verify(pub, pub_len, msg, m, sig, 64), OT_E_BAD_KEY);
  /* S >= L (RFC 8032 §5.2.7 step 1): the last bytes all ones. */
  memset(sig + 57, 0xff, 56);
  assert_ot_code(ot_ed448_verify(pub, pub_len, msg, m, sig, sig_len), OT_E_VERIFY);
  free(pub);
  free(sig);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ed448_verify),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
