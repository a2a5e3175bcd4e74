/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The known-answer test of transcripts, signatures, the key schedule and
 * secured messages: both recorded spdm-emu flows (tests/vectors/README.md)
 * are replayed record by record, in order, through the DOE pcap reader.
 *
 *  - Plain SPDM messages rebuild the transcripts (A, B, C, M, D, TH) from
 *    their exact bytes (ot_spdm_message_length strips the DOE padding), and
 *    every signature in the flow is verified: CHALLENGE_AUTH (M1), signed
 *    MEASUREMENTS (L1) and each KEY_EXCHANGE_RSP, with the leaf key of the
 *    certificate chain the flow itself carried.
 *  - Each KEY_EXCHANGE session is run by two ot_spdm_session objects, one per
 *    role, keyed from TH1 / TH2 with the ECDHE secret of dhe_secrets.txt.
 *    FINISH and FINISH_RSP VerifyData are checked by both.
 *  - Every secured record is decrypted by the receiving role and encrypted
 *    again by the sending role, which must reproduce the recorded record bit
 *    for bit (no random padding on DOE). KEY_UPDATE is followed with the
 *    primitives of spdm_session.h in each role's own switch order.
 *  - The PSK session nested in the first session (0xFFFEFFFE) is keyed with
 *    the PSK that the CXL TSP SET_CONFIGURATION inside the first session
 *    carries, and decrypted too.
 * The counts of everything decrypted and verified are asserted at the end.
 * The replay itself lives in tests/support/recorded_flow.c.
 */
#include "opentsm/doe_pcap.h"
#include "opentsm/spdm_codec.h"
#include "opentsm/spdm_session.h"
#include "opentsm/spdm_transcript.h"
#include "recorded_flow.h"
#include "testsupport.h"

static void check_counts(const ts_flow *f) {
  assert_int_equal(f->n.doe_objects, 246);
  assert_int_equal(f->n.plain, 32);
  assert_int_equal(f->n.secured, 208);    /* every secured record of the flow ... */
  assert_int_equal(f->n.decrypted, 208);  /* ... decrypts, */
  assert_int_equal(f->n.reencoded, 208);  /* and re-encrypts to the recorded bytes */
  assert_int_equal(f->n.psk_records, 18); /* 0xFFFEFFFE: PSK_FINISH .. END_SESSION_ACK */
  assert_int_equal(f->n.dhe_sessions, 2);
  assert_int_equal(f->n.psk_sessions, 1);
  /* CHALLENGE_AUTH, MEASUREMENTS, two KEY_EXCHANGE_RSP. */
  assert_int_equal(f->n.signatures, 4);
  /* Per DHE session FINISH + FINISH_RSP; PSK: PSK_EXCHANGE_RSP + PSK_FINISH. */
  assert_int_equal(f->n.verify_data, 6);
  /* Per DHE session UpdateAllKeys then VerifyNewKey. */
  assert_int_equal(f->n.key_updates, 4);
  assert_int_equal(f->n.teardowns, 3);
}

static void v12_p384_every_secured_record_decrypts(void **state) {
  (void)state;
  ts_flow *f = ts_flow_open("tsm_v12_p384");
  ts_flow_replay(f, NULL);
  assert_int_equal(f->sz.version, OT_SPDM_VERSION_12);
  assert_false(f->multi_key);
  assert_true(f->in_clear);
  check_counts(f);
  ts_flow_close(f);
}

static void v13_p256_every_secured_record_decrypts(void **state) {
  (void)state;
  ts_flow *f = ts_flow_open("tsm_v13_p256");
  ts_flow_replay(f, NULL);
  assert_int_equal(f->sz.version, OT_SPDM_VERSION_13);
  assert_true(f->multi_key); /* D in every session transcript (T13) */
  assert_true(f->in_clear);
  check_counts(f);
  ts_flow_close(f);
}

/* A wrong ECDHE secret: the first record of the session fails and ends it. */
static void v12_wrong_dhe_secret_fails_first_record(void **state) {
  (void)state;
  ts_flow *f = ts_flow_open("tsm_v12_p384");
  f->dhe[0][0] ^= 0x01;
  bool seen = false;
  while (!seen) {
    ot_pcap_record rec;
    bool is_request;
    assert_true(ts_flow_next(f, &rec, &is_request));
    const uint8_t *payload = rec.obj + OT_DOE_HEADER_SIZE;
    size_t plen = rec.len - OT_DOE_HEADER_SIZE;
    if (rec.hdr.type == OT_DOE_TYPE_SPDM && payload[1] == OT_SPDM_FINISH) {
      /* The FINISH VerifyData already disagrees with the wrong finished key. */
      size_t exact;
      ot_spdm_request q;
      ot_reader r;
      uint8_t h[OT_HASH_MAX_SIZE];
      assert_ot_ok(ot_spdm_message_length(&f->sz, payload, plen, &exact));
      ot_reader_init(&r, payload, exact);
      assert_ot_ok(ot_spdm_decode_request(&f->sz, &r, &q));
      assert_ot_ok(ot_spdm_th_append(&f->th, payload, OT_SPDM_HEADER_SIZE));
      ts_flow_th_hash(f, h);
      assert_ot_code(ot_spdm_session_check_verify_data(&f->hs->req, OT_SPDM_DIR_REQ, h,
                                                       f->sz.hash_len, q.u.finish.verify_data,
                                                       f->sz.hash_len),
                     OT_E_VERIFY);
      assert_true(ot_spdm_session_failed(&f->hs->req));
      assert_ot_code(ot_spdm_session_derive_data(&f->hs->req, h, f->sz.hash_len), OT_E_FAILED);
      seen = true;
    } else if (rec.hdr.type == OT_DOE_TYPE_SPDM) {
      ts_flow_plain(f, is_request, payload, plen);
    }
  }
  ts_flow_close(f); /* tears the failed handshake's sessions down */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(v12_p384_every_secured_record_decrypts),
      cmocka_unit_test(v13_p256_every_secured_record_decrypts),
      cmocka_unit_test(v12_wrong_dhe_secret_fails_first_record),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
