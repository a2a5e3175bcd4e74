/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `opentsm connect --req-slot N:CHAIN:KEY[,usage=LIST]` (tools/opentsm/
 * cli_req_slots.c): the argument's form, and the TSM's further slots in its
 * identity: a new key gets the next KeyPairID, a key already held keeps its
 * own, a slot given twice, a fifth key or a chain for another key is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "cli_req_slots.h"
#include "opentsm/spec/spdm.h"
#include "testsupport.h"

#define K OT_SOURCE_DIR "/tests/vectors/spdm-emu/sample_key/ecp384/"

static bool usage_stub(const char *list, uint16_t *out) {
  if (strcmp(list, "challenge") == 0) {
    *out = OT_SPDM_KEY_USAGE_CHALLENGE;
    return true;
  }
  return false;
}

static void test_parse(void **s) {
  (void)s;
  cli_req_slot r;
  assert_true(cli_req_slot_parse("1:a.der:b.key", usage_stub, &r));
  assert_int_equal(r.slot, 1);
  assert_string_equal(r.chain, "a.der");
  assert_string_equal(r.key, "b.key");
  assert_int_equal(r.key_usage, 0);
  assert_true(cli_req_slot_parse("7:c:d,usage=challenge", usage_stub, &r));
  assert_int_equal(r.slot, 7);
  assert_string_equal(r.key, "d");
  assert_int_equal(r.key_usage, OT_SPDM_KEY_USAGE_CHALLENGE);
  static const char *const bad[] = {"0:a:b", "8:a:b", "1:a", "1::b", "1:a:", "1:a:b:c",
                                    "1:a:b,usage=nope", "1:a:b,use=challenge", "x:a:b", "1a:b"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    r.slot = 99;
    assert_false(cli_req_slot_parse(bad[i], usage_stub, &r));
    assert_int_equal(r.slot, 99); /* untouched */
  }
  char long_arg[2 * CLI_REQ_SLOT_PATH_MAX];
  memset(long_arg, 'a', sizeof long_arg);
  memcpy(long_arg, "1:", 2);
  long_arg[sizeof long_arg - 3] = ':';
  long_arg[sizeof long_arg - 2] = 'k';
  long_arg[sizeof long_arg - 1] = '\0';
  assert_false(cli_req_slot_parse(long_arg, usage_stub, &r));
}

static ot_spdm_identity *slot0(void) {
  ot_spdm_identity *id = calloc(1, sizeof(*id));
  assert_non_null(id);
  ot_spdm_identity_init(id);
  assert_ot_ok(ot_spdm_identity_load_files(id, 0, 0, 1, K "bundle_requester.certchain.der",
                                           K "end_requester.key.der"));
  return id;
}

static void drop(ot_spdm_identity *id) {
  ot_spdm_identity_clear(id);
  free(id);
}

static void test_load(void **s) {
  (void)s;
  ot_spdm_identity *id = slot0();
  cli_req_slot r[2];
  char why[160] = "";
  /* Slot 1: another key (KeyPairID 2), challenge only; slot 2: slot 0's key
   * under another chain (KeyPairID 1, the same key entry). */
  assert_true(cli_req_slot_parse("1:" K "bundle_requester.certchain4.der:" K
                                 "end_requester4.key,usage=challenge",
                                 usage_stub, &r[0]));
  assert_true(cli_req_slot_parse("2:" K "bundle_requester.certchain1.der:" K "end_requester.key",
                                 usage_stub, &r[1]));
  assert_ot_ok(cli_req_slots_load(id, r, 2, why, sizeof why));
  assert_true(id->slots[1].present && id->slots[2].present);
  assert_int_equal(id->keys[id->slots[1].key].key_pair_id, 2);
  assert_int_equal(id->slots[1].key_usage, OT_SPDM_KEY_USAGE_CHALLENGE);
  assert_int_equal(id->slots[2].key, id->slots[0].key);
  assert_int_equal(id->keys[id->slots[2].key].key_pair_id, 1);
  assert_int_equal(id->slots[1].cert_model, OT_SPDM_CERT_MODEL_DEVICE);
  size_t keys = 0;
  for (size_t i = 0; i < OT_SPDM_ID_MAX_KEYS; i++)
    keys += id->keys[i].present;
  assert_int_equal(keys, 2);
  /* The same slot again: refused, named. */
  assert_ot_code(cli_req_slots_load(id, r, 1, why, sizeof why), OT_E_ARG);
  assert_non_null(strstr(why, "slot 1"));
  drop(id);
  /* A chain whose leaf is not the key given: the loader's refusal. */
  id = slot0();
  assert_true(cli_req_slot_parse("3:" K "bundle_requester.certchain4.der:" K "end_requester.key",
                                 usage_stub, &r[0]));
  assert_ot_code(cli_req_slots_load(id, r, 1, why, sizeof why), OT_E_BAD_KEY);
  assert_non_null(strstr(why, "--req-slot 3"));
  drop(id);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_load),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
