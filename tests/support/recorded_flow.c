/* SPDX-License-Identifier: BSD-3-Clause */
/* Replay of a recorded spdm-emu flow: see recorded_flow.h. Test code only. */
#include "recorded_flow.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/secure.h"
#include "opentsm/x509.h"
#include "testsupport.h"

/* PSK_EXCHANGE hint naming the first secondary session's PSK (SPEC-FACTS §2.19). */
static const char psk_hint_0[] = "SECONDARY_SESSION_0_PSK"; /* + NUL: 24 bytes */

/* ---- helpers ---------------------------------------------------------------------- */

static void load_dhe(ts_flow *f) {
  char rel[256];
  size_t len;
  snprintf(rel, sizeof rel, "spdm-emu/%s/dhe_secrets.txt", f->dir);
  uint8_t *txt = ts_read_vector(rel, &len);
  char *s = malloc(len + 1);
  assert_non_null(s);
  memcpy(s, txt, len);
  s[len] = 0;
  unsigned i = 0;
  for (char *save = NULL, *line = strtok_r(s, "\r\n", &save); line != NULL;
       line = strtok_r(NULL, "\r\n", &save)) {
    assert_true(i < 2);
    size_t n;
    uint8_t *b = ts_unhex(line, &n);
    assert_non_null(b);
    assert_true(n <= OT_ECC_MAX_SCALAR);
    memcpy(f->dhe[i], b, n);
    f->dhe_len[i++] = n;
    free(b);
  }
  assert_int_equal(i, 2);
  free(s);
  free(txt);
}

/* The leaf public key of the SPDM certificate chain of a slot. */
static void leaf_key(const ts_flow *f, uint8_t slot, uint8_t *pub, size_t cap, size_t *pub_len) {
  ot_spdm_cert_chain cc;
  ot_x509_chain x;
  ot_curve curve;
  assert_ot_ok(ot_spdm_cert_chain_decode(f->sz.hash_len, f->chain[slot], f->chain_len[slot], &cc));
  assert_ot_ok(ot_x509_chain_parse(cc.certs, cc.certs_len, &x));
  assert_ot_ok(ot_x509_public_key(ot_x509_chain_leaf(&x), &curve, pub, cap, pub_len));
}

static void verify_sig(ts_flow *f, uint8_t slot, const char *ctx, const uint8_t *th_hash,
                       const uint8_t *sig) {
  uint8_t pub[OT_ECC_MAX_PUBLIC];
  size_t pub_len;
  leaf_key(f, slot, pub, sizeof pub, &pub_len);
  assert_ot_ok(ot_spdm_signature_verify(f->sz.version, f->asym, f->hash, pub, pub_len, ctx, th_hash,
                                        f->sz.hash_len, sig, f->sz.sig_len));
  /* The same signature under another context must fail: the prefix matters. */
  assert_ot_code(ot_spdm_signature_verify(f->sz.version, f->asym, f->hash, pub, pub_len,
                                          OT_SPDM_SIGN_CTX_FINISH, th_hash, f->sz.hash_len, sig,
                                          f->sz.sig_len),
                 OT_E_VERIFY);
  f->n.signatures++;
}

static ts_flow_pair *find_pair(ts_flow *f, uint32_t id) {
  for (int i = 0; i < TS_FLOW_MAX_PAIRS; i++)
    if (f->pairs[i].live && f->pairs[i].id == id) return &f->pairs[i];
  return NULL;
}

static ts_flow_pair *new_pair(ts_flow *f, uint32_t id, bool psk, uint16_t sm_version) {
  assert_null(find_pair(f, id)); /* an ID is reused only after END_SESSION */
  for (int i = 0; i < TS_FLOW_MAX_PAIRS; i++) {
    ts_flow_pair *p = &f->pairs[i];
    if (p->live) continue;
    memset(p, 0, sizeof(*p));
    ot_spdm_session_params prm = {.spdm_version = f->sz.version,
                                  .hash = f->hash,
                                  .aead = f->aead,
                                  .handshake_in_clear = psk ? false : f->in_clear,
                                  .sm_version = sm_version};
    assert_ot_ok(ot_spdm_session_init(&p->req, OT_SPDM_ROLE_REQUESTER, id, &prm));
    assert_ot_ok(ot_spdm_session_init(&p->rsp, OT_SPDM_ROLE_RESPONDER, id, &prm));
    p->live = true;
    p->psk = psk;
    p->id = id;
    return p;
  }
  fail_msg("too many live sessions");
  return NULL;
}

static uint16_t selected_sm_version(const uint8_t *opaque, size_t len) {
  ot_spdm_sm_versions v;
  assert_ot_ok(ot_spdm_sm_versions_decode(opaque, len, &v));
  assert_int_equal(v.data_id, OT_SPDM_SM_DATA_ID_VERSION_SELECTION);
  assert_int_equal(v.count, 1);
  return v.version[0];
}

/* Both roles check a VerifyData over the transcript so far. */
static void check_vd(ts_flow *f, ot_spdm_dir dir, const uint8_t *vd) {
  uint8_t h[OT_HASH_MAX_SIZE];
  assert_ot_ok(ot_spdm_th_hash(&f->th, h, sizeof h));
  assert_ot_ok(
      ot_spdm_session_check_verify_data(&f->hs->req, dir, h, f->sz.hash_len, vd, f->sz.hash_len));
  assert_ot_ok(
      ot_spdm_session_check_verify_data(&f->hs->rsp, dir, h, f->sz.hash_len, vd, f->sz.hash_len));
  f->n.verify_data++;
}

void ts_flow_th_hash(const ts_flow *f, uint8_t out[static OT_HASH_MAX_SIZE]) {
  assert_ot_ok(ot_spdm_th_hash(&f->th, out, OT_HASH_MAX_SIZE));
}

static void derive_data(ts_flow *f) {
  uint8_t th2[OT_HASH_MAX_SIZE];
  ts_flow_th_hash(f, th2);
  assert_ot_ok(ot_spdm_session_derive_data(&f->hs->req, th2, f->sz.hash_len));
  assert_ot_ok(ot_spdm_session_derive_data(&f->hs->rsp, th2, f->sz.hash_len));
  ot_spdm_th_free(&f->th);
  f->hs = NULL;
}

/* ---- plain SPDM ---------------------------------------------------------------------- */

static void algorithms_selected(ts_flow *f, const ot_spdm_algorithms *a) {
  assert_ot_ok(ot_spdm_hash_from_sel(a->base_hash_sel, &f->hash));
  f->asym = a->base_asym_sel;
  f->sz.hash_len = (uint16_t)ot_hash_size(f->hash);
  for (unsigned i = 0; i < a->alg_count; i++) {
    const ot_spdm_alg_struct *s = &a->alg[i];
    if (s->type == OT_SPDM_ALG_TYPE_DHE)
      f->sz.dhe_len = s->supported == OT_SPDM_DHE_SECP256R1 ? 64 : 96;
    if (s->type == OT_SPDM_ALG_TYPE_AEAD)
      assert_ot_ok(ot_spdm_aead_from_sel(s->supported, &f->aead));
  }
  f->sz.sig_len = f->asym == OT_SPDM_ASYM_ECDSA_P256 ? 64 : 96;
  f->in_clear = (f->req_caps & OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR) &&
                (f->rsp_caps & OT_SPDM_CAP_HANDSHAKE_IN_THE_CLEAR);
  f->sz.handshake_in_clear = f->in_clear;
  /* multi_key_conn_rsp (SPEC-FACTS §2.17): MULTI_KEY_CAP 01b, or 10b with
   * OtherParamsSupport bit4 in NEGOTIATE_ALGORITHMS. */
  uint32_t mk = f->rsp_caps & OT_SPDM_CAP_MULTI_KEY_MASK;
  f->multi_key = mk == OT_SPDM_CAP_MULTI_KEY_ONLY ||
                 (mk == OT_SPDM_CAP_MULTI_KEY_NEG &&
                  (f->neg_other_params & OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN));
  f->sz.multi_key_conn = f->multi_key;
}

static void plain_request(ts_flow *f, const uint8_t *msg, size_t len) {
  ot_spdm_request q;
  ot_reader r;
  ot_reader_init(&r, msg, len);
  assert_ot_ok(ot_spdm_decode_request(&f->sz, &r, &q));
  switch (q.code) {
  case OT_SPDM_GET_VERSION: assert_ot_ok(ot_spdm_transcript_append_vca(&f->t, msg, len)); break;
  case OT_SPDM_GET_CAPABILITIES:
    f->req_caps = q.u.get_capabilities.flags;
    assert_ot_ok(ot_spdm_transcript_append_vca(&f->t, msg, len));
    break;
  case OT_SPDM_NEGOTIATE_ALGORITHMS:
    f->neg_other_params = q.u.negotiate_algorithms.other_params;
    assert_ot_ok(ot_spdm_transcript_append_vca(&f->t, msg, len));
    break;
  case OT_SPDM_GET_DIGESTS: assert_ot_ok(ot_spdm_transcript_append_b(&f->t, msg, len)); break;
  case OT_SPDM_GET_CERTIFICATE:
    f->cert_slot = q.u.get_certificate.slot_id;
    if (q.u.get_certificate.offset == 0) f->chain_len[f->cert_slot] = 0;
    assert_int_equal(q.u.get_certificate.offset, f->chain_len[f->cert_slot]);
    assert_ot_ok(ot_spdm_transcript_append_b(&f->t, msg, len));
    break;
  case OT_SPDM_CHALLENGE:
    f->challenge_slot = q.u.challenge.slot_id;
    f->sz.meas_summary_hash = q.u.challenge.meas_summary_type != OT_SPDM_MEAS_SUMMARY_NONE;
    assert_ot_ok(ot_spdm_transcript_append_c(&f->t, msg, len));
    break;
  case OT_SPDM_GET_MEASUREMENTS:
    f->sz.meas_signature = (q.u.get_measurements.attributes & OT_SPDM_MEAS_ATTR_SIGNATURE) != 0;
    f->meas_slot = q.u.get_measurements.slot_id;
    assert_ot_ok(ot_spdm_transcript_append_l(&f->t, msg, len));
    break;
  case OT_SPDM_KEY_EXCHANGE: {
    const ot_spdm_key_exchange *k = &q.u.key_exchange;
    uint8_t ct_hash[OT_HASH_MAX_SIZE];
    f->ke_slot = k->slot_id;
    f->req_sid = k->req_session_id;
    f->sz.meas_summary_hash = k->meas_summary_type != OT_SPDM_MEAS_SUMMARY_NONE;
    assert_true(f->chain_len[k->slot_id] > 0);
    assert_ot_ok(
        ot_hash(f->hash, f->chain[k->slot_id], f->chain_len[k->slot_id], ct_hash, sizeof ct_hash));
    /* TH = A || [D] || H(Ct) || KEY_EXCHANGE ... */
    assert_ot_ok(ot_spdm_th_begin_dhe(&f->th, &f->t, ct_hash, f->sz.hash_len));
    assert_ot_ok(ot_spdm_th_append(&f->th, msg, len));
    break;
  }
  case OT_SPDM_FINISH: {
    /* In the clear (T15): header || RequesterVerifyData, no signature here. */
    assert_true(f->in_clear && f->hs != NULL);
    assert_false(q.u.finish.sig_included);
    assert_ot_ok(ot_spdm_th_append(&f->th, msg, OT_SPDM_HEADER_SIZE));
    check_vd(f, OT_SPDM_DIR_REQ, q.u.finish.verify_data);
    assert_ot_ok(ot_spdm_th_append(&f->th, q.u.finish.verify_data, f->sz.hash_len));
    break;
  }
  case OT_SPDM_PSK_EXCHANGE: {
    const ot_spdm_psk_exchange *k = &q.u.psk_exchange;
    assert_true(f->has_psk); /* delivered by the CXL TSP message before */
    assert_int_equal(k->hint_len, sizeof psk_hint_0);
    assert_memory_equal(k->hint, psk_hint_0, sizeof psk_hint_0);
    f->req_sid = k->req_session_id;
    f->sz.meas_summary_hash = k->meas_summary_type != OT_SPDM_MEAS_SUMMARY_NONE;
    assert_ot_ok(ot_spdm_th_begin_psk(&f->th, &f->t));
    assert_ot_ok(ot_spdm_th_append(&f->th, msg, len));
    break;
  }
  default: fail_msg("unexpected plain request 0x%02x", q.code);
  }
}

static void plain_response(ts_flow *f, const uint8_t *msg, size_t len) {
  ot_spdm_response m;
  ot_reader r;
  ot_reader_init(&r, msg, len);
  assert_ot_ok(ot_spdm_decode_response(&f->sz, &r, &m));
  uint8_t h[OT_HASH_MAX_SIZE];
  switch (m.code) {
  case OT_SPDM_VERSION: assert_ot_ok(ot_spdm_transcript_append_vca(&f->t, msg, len)); break;
  case OT_SPDM_CAPABILITIES:
    f->rsp_caps = m.u.capabilities.flags;
    assert_ot_ok(ot_spdm_transcript_append_vca(&f->t, msg, len));
    break;
  case OT_SPDM_ALGORITHMS:
    algorithms_selected(f, &m.u.algorithms);
    assert_ot_ok(ot_spdm_transcript_append_vca(&f->t, msg, len));
    assert_ot_ok(ot_spdm_transcript_set_algorithms(&f->t, f->sz.version, f->hash, f->multi_key));
    break;
  case OT_SPDM_DIGESTS:
    assert_ot_ok(ot_spdm_transcript_append_b(&f->t, msg, len));
    assert_ot_ok(ot_spdm_transcript_set_d(&f->t, msg, len));
    break;
  case OT_SPDM_CERTIFICATE: {
    const ot_spdm_certificate *c = &m.u.certificate;
    assert_int_equal(c->slot_id, f->cert_slot);
    assert_true(f->chain_len[c->slot_id] + c->portion_len <= TS_FLOW_MAX_CHAIN);
    memcpy(f->chain[c->slot_id] + f->chain_len[c->slot_id], c->portion, c->portion_len);
    f->chain_len[c->slot_id] += c->portion_len;
    assert_ot_ok(ot_spdm_transcript_append_b(&f->t, msg, len));
    break;
  }
  case OT_SPDM_CHALLENGE_AUTH: {
    /* M1 = A || B || C, C without the Signature (SPEC-FACTS §2.17). */
    size_t sig_off = (size_t)(m.u.challenge_auth.signature - msg);
    assert_int_equal(sig_off + f->sz.sig_len, len);
    assert_ot_ok(ot_spdm_transcript_append_c(&f->t, msg, sig_off));
    assert_ot_ok(ot_spdm_transcript_m1_hash(&f->t, h, sizeof h));
    verify_sig(f, f->challenge_slot, OT_SPDM_SIGN_CTX_CHALLENGE_AUTH_RSP, h,
               m.u.challenge_auth.signature);
    assert_ot_ok(ot_spdm_transcript_reset_m1(&f->t));
    break;
  }
  case OT_SPDM_MEASUREMENTS: {
    /* L1 = A || GET_MEASUREMENTS || MEASUREMENTS without Signature (1.2+). */
    assert_non_null(m.u.measurements.signature);
    size_t sig_off = (size_t)(m.u.measurements.signature - msg);
    assert_ot_ok(ot_spdm_transcript_append_l(&f->t, msg, sig_off));
    assert_ot_ok(ot_spdm_transcript_l1_hash(&f->t, h, sizeof h));
    verify_sig(f, f->meas_slot, OT_SPDM_SIGN_CTX_MEASUREMENTS, h, m.u.measurements.signature);
    assert_ot_ok(ot_spdm_transcript_reset_l1(&f->t));
    break;
  }
  case OT_SPDM_KEY_EXCHANGE_RSP: {
    const ot_spdm_key_exchange_rsp *k = &m.u.key_exchange_rsp;
    size_t sig_off = (size_t)(k->signature - msg);
    /* The signature covers the message up to (excl.) Signature; TH1 adds it (T7). */
    assert_ot_ok(ot_spdm_th_append(&f->th, msg, sig_off));
    ts_flow_th_hash(f, h);
    verify_sig(f, f->ke_slot, OT_SPDM_SIGN_CTX_KEY_EXCHANGE_RSP, h, k->signature);
    assert_ot_ok(ot_spdm_th_append(&f->th, k->signature, f->sz.sig_len));
    ts_flow_th_hash(f, h); /* TH1 */
    assert_true(f->dhe_used < 2);
    f->hs = new_pair(f, ot_spdm_session_id_make(f->req_sid, k->rsp_session_id), false,
                     selected_sm_version(k->opaque, k->opaque_len));
    const uint8_t *dhe = f->dhe[f->dhe_used];
    size_t dhe_len = f->dhe_len[f->dhe_used++];
    assert_ot_ok(ot_spdm_session_derive_handshake(&f->hs->req, dhe, dhe_len, h, f->sz.hash_len));
    assert_ot_ok(ot_spdm_session_derive_handshake(&f->hs->rsp, dhe, dhe_len, h, f->sz.hash_len));
    if (k->verify_data != NULL) {
      check_vd(f, OT_SPDM_DIR_RSP, k->verify_data);
      assert_ot_ok(ot_spdm_th_append(&f->th, k->verify_data, f->sz.hash_len));
    } else {
      assert_true(f->in_clear);
    }
    f->n.dhe_sessions++;
    break;
  }
  case OT_SPDM_FINISH_RSP:
    assert_true(f->in_clear && f->hs != NULL && m.u.finish_rsp.verify_data != NULL);
    assert_ot_ok(ot_spdm_th_append(&f->th, msg, OT_SPDM_HEADER_SIZE));
    check_vd(f, OT_SPDM_DIR_RSP, m.u.finish_rsp.verify_data);
    assert_ot_ok(ot_spdm_th_append(&f->th, m.u.finish_rsp.verify_data, f->sz.hash_len));
    derive_data(f); /* TH2 = TH1 || FINISH || FINISH_RSP */
    break;
  case OT_SPDM_PSK_EXCHANGE_RSP: {
    const ot_spdm_psk_exchange_rsp *k = &m.u.psk_exchange_rsp;
    size_t vd_off = (size_t)(k->verify_data - msg);
    assert_ot_ok(ot_spdm_th_append(&f->th, msg, vd_off));
    ts_flow_th_hash(f, h); /* PSK TH1 = A || PSK_EXCHANGE || PSK_EXCHANGE_RSP excl. VerifyData */
    f->hs = new_pair(f, ot_spdm_session_id_make(f->req_sid, k->rsp_session_id), true,
                     selected_sm_version(k->opaque, k->opaque_len));
    assert_ot_ok(ot_spdm_session_derive_handshake_psk(&f->hs->req, f->psk, sizeof f->psk, h,
                                                      f->sz.hash_len));
    assert_ot_ok(ot_spdm_session_derive_handshake_psk(&f->hs->rsp, f->psk, sizeof f->psk, h,
                                                      f->sz.hash_len));
    check_vd(f, OT_SPDM_DIR_RSP, k->verify_data);
    assert_ot_ok(ot_spdm_th_append(&f->th, k->verify_data, f->sz.hash_len));
    f->n.psk_sessions++;
    break;
  }
  default: fail_msg("unexpected plain response 0x%02x", m.code);
  }
}

/* Hands one message to the sink, if any. */
static void emit(ts_flow *f, const ts_flow_msg *m) {
  if (f->sink != NULL) f->sink->message(f->sink, m);
}

void ts_flow_plain(ts_flow *f, bool is_request, const uint8_t *payload, size_t len) {
  assert_true(len >= OT_SPDM_HEADER_SIZE);
  /* GET_CAPABILITIES is the first message in the negotiated version. */
  if (payload[1] == OT_SPDM_GET_CAPABILITIES) f->sz.version = payload[0];
  size_t exact;
  assert_ot_ok(ot_spdm_message_length(&f->sz, payload, len, &exact));
  assert_int_equal(OT_SPDM_CODE_IS_REQUEST(payload[1]), is_request);
  ot_spdm_sizes at = f->sz; /* the sink decodes with what the replay decodes with */
  emit(f, &(ts_flow_msg){.record = f->n.doe_objects,
                         .is_request = is_request,
                         .sz = &at,
                         .bytes = payload,
                         .len = len});
  if (is_request)
    plain_request(f, payload, exact);
  else
    plain_response(f, payload, exact);
  f->n.plain++;
}

/* ---- secured records ------------------------------------------------------------------ */

/* The PSK of the first secondary session, from a CXL TSP SET_TARGET_CONFIGURATION. */
static void maybe_take_psk(ts_flow *f, const uint8_t *msg, size_t len) {
  ot_spdm_vendor_defined v;
  ot_reader r;
  ot_reader_init(&r, msg, len);
  assert_ot_ok(ot_spdm_decode_vendor_request(&f->sz, &r, &v));
  if (v.standard_id != OT_SPDM_REGISTRY_PCISIG || v.vendor_id_len != 2 ||
      ot_load_u16le(v.vendor_id) != TS_CXL_VENDOR_ID || v.payload_len < 3 ||
      v.payload[0] != TS_CXL_PROTOCOL_TSP || v.payload[2] != TS_CXL_TSP_SET_TARGET_CONFIGURATION)
    return;
  assert_int_equal(v.payload[1], TS_CXL_TSP_VERSION_10);
  assert_int_equal(v.payload_len, 1 + TS_CXL_TSP_SET_CONFIG_SIZE);
  memcpy(f->psk, v.payload + 1 + TS_CXL_TSP_SET_CONFIG_PSK_OFFSET, TS_CXL_TSP_PSK_SIZE);
  f->has_psk = true;
}

/* What each role does after a record it sent or received (spdm_session.h order). */
static void after_request(ts_flow *f, ts_flow_pair *p, const uint8_t *msg, size_t len) {
  switch (msg[1]) {
  case OT_SPDM_PSK_FINISH:
    assert_true(p == f->hs && len == OT_SPDM_HEADER_SIZE + f->sz.hash_len);
    assert_ot_ok(ot_spdm_th_append(&f->th, msg, OT_SPDM_HEADER_SIZE));
    check_vd(f, OT_SPDM_DIR_REQ, msg + OT_SPDM_HEADER_SIZE);
    assert_ot_ok(ot_spdm_th_append(&f->th, msg + OT_SPDM_HEADER_SIZE, f->sz.hash_len));
    break;
  case OT_SPDM_VENDOR_DEFINED_REQUEST: maybe_take_psk(f, msg, len); break;
  case OT_SPDM_KEY_UPDATE: {
    ot_spdm_key_update k;
    ot_reader r;
    ot_reader_init(&r, msg, len);
    assert_ot_ok(ot_spdm_decode_key_update(&f->sz, &r, &k));
    assert_int_equal(p->update_op, 0);
    p->update_op = k.operation;
    p->update_tag = k.tag;
    switch (k.operation) {
    case OT_SPDM_KEY_UPDATE_OP_UPDATE_KEY:
      assert_ot_ok(ot_spdm_session_update_derive(&p->req, OT_SPDM_DIR_REQ));
      assert_ot_ok(ot_spdm_session_update_derive(&p->rsp, OT_SPDM_DIR_REQ));
      assert_ot_ok(ot_spdm_session_update_activate_rx(&p->rsp));
      break;
    case OT_SPDM_KEY_UPDATE_OP_UPDATE_ALL_KEYS:
      assert_ot_ok(ot_spdm_session_update_derive(&p->req, OT_SPDM_DIR_REQ));
      assert_ot_ok(ot_spdm_session_update_derive(&p->req, OT_SPDM_DIR_RSP));
      assert_ot_ok(ot_spdm_session_update_activate_rx(&p->req)); /* ACK under the NEW key */
      assert_ot_ok(ot_spdm_session_update_derive(&p->rsp, OT_SPDM_DIR_REQ));
      assert_ot_ok(ot_spdm_session_update_derive(&p->rsp, OT_SPDM_DIR_RSP));
      assert_ot_ok(ot_spdm_session_update_activate_rx(&p->rsp));
      assert_ot_ok(ot_spdm_session_update_activate_tx(&p->rsp));
      break;
    case OT_SPDM_KEY_UPDATE_OP_VERIFY_NEW_KEY:
      /* It arrived under the new request key: the responder drops its backup. */
      assert_ot_ok(ot_spdm_session_update_commit(&p->rsp));
      break;
    default: fail_msg("bad KEY_UPDATE operation");
    }
    f->n.key_updates++;
    break;
  }
  default: break;
  }
}

static void after_response(ts_flow *f, ts_flow_pair *p, const uint8_t *msg, size_t len) {
  switch (msg[1]) {
  case OT_SPDM_PSK_FINISH_RSP:
    assert_true(p == f->hs && len == OT_SPDM_HEADER_SIZE);
    assert_ot_ok(ot_spdm_th_append(&f->th, msg, len));
    derive_data(f); /* PSK TH2 */
    break;
  case OT_SPDM_KEY_UPDATE_ACK: {
    ot_spdm_key_update k;
    ot_reader r;
    ot_reader_init(&r, msg, len);
    assert_ot_ok(ot_spdm_decode_key_update_ack(&f->sz, &r, &k));
    assert_int_equal(k.operation, p->update_op);
    assert_int_equal(k.tag, p->update_tag);
    if (k.operation == OT_SPDM_KEY_UPDATE_OP_VERIFY_NEW_KEY)
      assert_ot_ok(ot_spdm_session_update_commit(&p->req));
    else
      assert_ot_ok(ot_spdm_session_update_activate_tx(&p->req));
    p->update_op = 0;
    break;
  }
  case OT_SPDM_END_SESSION_ACK: {
    static const ot_spdm_session zero;
    ot_spdm_session_teardown(&p->req);
    ot_spdm_session_teardown(&p->rsp);
    assert_memory_equal(&p->req, &zero, sizeof zero);
    assert_memory_equal(&p->rsp, &zero, sizeof zero);
    p->live = false;
    f->n.teardowns++;
    break;
  }
  default: break;
  }
}

static void secured(ts_flow *f, bool is_request, const uint8_t *payload, size_t len) {
  static uint8_t pt[TS_FLOW_MAX_MSG], again[TS_FLOW_MAX_MSG];
  uint32_t id;
  size_t pt_len, again_len;
  f->n.secured++;
  assert_ot_ok(ot_spdm_secured_session_id(payload, len, &id));
  ts_flow_pair *p = find_pair(f, id);
  if (p == NULL) fail_msg("record %u: no live session 0x%08x", f->n.doe_objects, id);
  ot_spdm_session *rx = is_request ? &p->rsp : &p->req;
  ot_spdm_session *tx = is_request ? &p->req : &p->rsp;
  ot_status st = ot_spdm_secured_decode(rx, payload, len, pt, sizeof pt, &pt_len);
  if (!ot_ok(st))
    fail_msg("record %u (session 0x%08x, %s) does not decrypt: %s", f->n.doe_objects, id,
             is_request ? "request" : "response", ot_status_name(st));
  f->n.decrypted++;
  if (p->psk) f->n.psk_records++;
  p->records++;
  assert_true(pt_len >= OT_SPDM_HEADER_SIZE);
  assert_int_equal(pt[0], f->sz.version);
  assert_int_equal(OT_SPDM_CODE_IS_REQUEST(pt[1]), is_request);

  /* The sender's session seals the same message into the same record. */
  assert_ot_ok(ot_spdm_secured_encode(tx, pt, pt_len, again, sizeof again, &again_len));
  assert_true(again_len <= len && len - again_len <= OT_SPDM_SECURED_MAX_TRAILING);
  assert_memory_equal(again, payload, again_len);
  f->n.reencoded++;

  ot_spdm_sizes at = f->sz;
  emit(f, &(ts_flow_msg){.record = f->n.doe_objects,
                         .is_request = is_request,
                         .secured = true,
                         .psk_session = p->psk,
                         .session_id = id,
                         .sz = &at,
                         .bytes = pt,
                         .len = pt_len});
  if (is_request)
    after_request(f, p, pt, pt_len);
  else
    after_response(f, p, pt, pt_len);
}

/* ---- the replay --------------------------------------------------------------------- */

ts_flow *ts_flow_open(const char *dir) {
  char rel[256];
  ts_flow *f = calloc(1, sizeof *f);
  assert_non_null(f);
  f->dir = dir;
  f->marks_before = ot_secret_mark_count();
  f->sz.version = OT_SPDM_VERSION_10; /* GET_VERSION / VERSION */
  ot_spdm_transcript_init(&f->t);
  load_dhe(f);
  snprintf(rel, sizeof rel, "spdm-emu/%s/flow.pcap", f->dir);
  f->pcap = ts_read_vector(rel, &f->pcap_len);
  assert_ot_ok(ot_pcap_reader_init(&f->pr, f->pcap, f->pcap_len));
  return f;
}

bool ts_flow_next(ts_flow *f, ot_pcap_record *rec, bool *is_request) {
  bool done;
  assert_ot_ok(ot_pcap_reader_next(&f->pr, rec, &done));
  if (done) return false;
  f->n.doe_objects++;
  /* Requester and responder alternate, the requester first (README). */
  *is_request = (f->n.doe_objects % 2) == 1;
  return true;
}

void ts_flow_record(ts_flow *f, const ot_pcap_record *rec, bool is_request) {
  const uint8_t *payload = rec->obj + OT_DOE_HEADER_SIZE;
  size_t plen = rec->len - OT_DOE_HEADER_SIZE;
  switch (rec->hdr.type) {
  case OT_DOE_TYPE_DISCOVERY: break;
  case OT_DOE_TYPE_SPDM: ts_flow_plain(f, is_request, payload, plen); break;
  case OT_DOE_TYPE_SECURED_SPDM: secured(f, is_request, payload, plen); break;
  default: fail_msg("unexpected DOE type %u", rec->hdr.type);
  }
}

void ts_flow_replay(ts_flow *f, ts_flow_sink *sink) {
  ot_pcap_record rec;
  bool is_request;
  f->sink = sink;
  while (ts_flow_next(f, &rec, &is_request))
    ts_flow_record(f, &rec, is_request);
  f->sink = NULL;
  for (int i = 0; i < TS_FLOW_MAX_PAIRS; i++)
    assert_false(f->pairs[i].live);
  assert_null(f->hs);
  ot_spdm_transcript_free(&f->t);
  ot_zeroize(f->dhe, sizeof f->dhe);
  ot_zeroize(f->psk, sizeof f->psk);
  /* Every session's secret mark is gone with its teardown. */
  assert_int_equal(ot_secret_mark_count(), f->marks_before);
}

void ts_flow_close(ts_flow *f) {
  if (f == NULL) return;
  for (int i = 0; i < TS_FLOW_MAX_PAIRS; i++) {
    if (!f->pairs[i].live) continue;
    ot_spdm_session_teardown(&f->pairs[i].req);
    ot_spdm_session_teardown(&f->pairs[i].rsp);
  }
  ot_spdm_th_free(&f->th);
  ot_spdm_transcript_free(&f->t);
  free(f->pcap);
  ot_zeroize(f, sizeof *f);
  free(f);
}

/* ==== spdm_dump.txt ============================================================== */

const char *ts_proto_name(ts_proto p) {
  switch (p) {
  case TS_PROTO_DOE: return "DOE";
  case TS_PROTO_SPDM: return "SPDM";
  case TS_PROTO_IDE_KM: return "IDE_KM";
  case TS_PROTO_TDISP: return "TDISP";
  case TS_PROTO_CXL_IDE_KM: return "CXL_IDE_KM";
  case TS_PROTO_CXL_TSP: return "CXL_TSP";
  default: return "?";
  }
}

/* The VDM protocol names spdm_dump prints, longest first so CXL_IDE_KM is not
 * taken for IDE_KM. */
static const struct {
  const char *name;
  ts_proto proto;
} k_dump_protos[] = {
    {"CXL_IDE_KM(", TS_PROTO_CXL_IDE_KM},
    {"CXL_TSP(", TS_PROTO_CXL_TSP},
    {"IDE_KM(", TS_PROTO_IDE_KM},
    {"TDISP(", TS_PROTO_TDISP},
};

/* Past the next blank-separated token and the blanks after it. */
static const char *skip_token(const char *p) {
  while (*p != '\0' && *p != ' ')
    p++;
  while (*p == ' ')
    p++;
  return p;
}

static void set_args(ts_dump_rec *r, const char *p) {
  size_t n = strlen(p);
  assert_true(n < sizeof r->args);
  memcpy(r->args, p, n + 1);
}

static void parse_vdm(ts_dump_rec *r, const char *p, unsigned line_no) {
  unsigned std, vendor, prot;
  int n = 0;
  if (sscanf(p, "(StandID=0x%x) PCI (vendor_id=0x%x) (ProtID=0x%x) %n", &std, &vendor, &prot, &n) <
          3 ||
      n == 0)
    fail_msg("spdm_dump line %u: unreadable VDM envelope", line_no);
  r->vdm = true;
  r->standard_id = (uint16_t)std;
  r->vendor_id = (uint16_t)vendor;
  r->protocol_id = (uint8_t)prot;
  p += n;
  for (size_t i = 0; i < sizeof k_dump_protos / sizeof k_dump_protos[0]; i++) {
    size_t len = strlen(k_dump_protos[i].name);
    if (strncmp(p, k_dump_protos[i].name, len) != 0) continue;
    unsigned code;
    if (sscanf(p + len, "0x%x)", &code) != 1)
      fail_msg("spdm_dump line %u: unreadable %s code", line_no, k_dump_protos[i].name);
    r->proto = k_dump_protos[i].proto;
    r->code = (uint8_t)code;
    set_args(r, skip_token(skip_token(p))); /* NAME(0xNN) MESSAGE_NAME args */
    return;
  }
  fail_msg("spdm_dump line %u: unknown VDM protocol", line_no);
}

static void parse_record(ts_dump_rec *r, const char *line, unsigned line_no) {
  unsigned idx, vendor, type, ver, code;
  char dir[16];
  int n = 0;
  if (sscanf(line, "%u (%*u) PCI_DOE(%u, %u) %15s %n", &idx, &vendor, &type, dir, &n) < 4 || n == 0)
    fail_msg("spdm_dump line %u: unreadable record", line_no);
  assert_int_equal(vendor, OT_DOE_VENDOR_PCISIG);
  r->index = idx;
  r->doe_type = type;
  if (strcmp(dir, "REQ->RSP") == 0)
    r->is_request = true;
  else if (strcmp(dir, "RSP->REQ") != 0)
    fail_msg("spdm_dump line %u: direction %s", line_no, dir);
  const char *p = line + n;
  if (strncmp(p, "SecuredSPDM(", 12) == 0) {
    char *end;
    r->secured = true;
    r->session_id = (uint32_t)strtoul(p + 12, &end, 16);
    assert_true(*end == ')');
    p = skip_token(p);
  }
  if (strncmp(p, "DOE_DISCOVERY", 13) == 0) {
    r->proto = TS_PROTO_DOE;
    set_args(r, skip_token(p));
    return;
  }
  n = 0;
  if (sscanf(p, "SPDM(%x, 0x%x) %n", &ver, &code, &n) < 2 || n == 0)
    fail_msg("spdm_dump line %u: no SPDM header", line_no);
  r->spdm_version = (uint8_t)ver;
  r->spdm_code = (uint8_t)code;
  r->proto = TS_PROTO_SPDM;
  r->code = r->spdm_code;
  p = skip_token(p + n); /* the SPDM message name */
  if (r->spdm_code == OT_SPDM_VENDOR_DEFINED_REQUEST ||
      r->spdm_code == OT_SPDM_VENDOR_DEFINED_RESPONSE)
    parse_vdm(r, p, line_no);
  else
    set_args(r, p);
}

ts_dump *ts_dump_load(const char *dir) {
  char rel[256];
  size_t len;
  snprintf(rel, sizeof rel, "spdm-emu/%s/spdm_dump.txt", dir);
  uint8_t *txt = ts_read_vector(rel, &len);
  char *s = malloc(len + 1);
  ts_dump *d = calloc(1, sizeof *d);
  assert_non_null(s);
  assert_non_null(d);
  memcpy(s, txt, len);
  s[len] = 0;
  unsigned line_no = 0;
  for (char *save = NULL, *line = strtok_r(s, "\n", &save); line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    line_no++;
    if (line_no <= 2) continue; /* tool version and pcap header */
    if (line[0] == ' ') {       /* continuation of the record before */
      assert_true(d->count > 0);
      ts_dump_rec *r = &d->rec[d->count - 1];
      size_t have = strlen(r->args);
      while (*line == ' ')
        line++;
      assert_true(have + 1 + strlen(line) < sizeof r->args);
      r->args[have] = ' ';
      memcpy(r->args + have + 1, line, strlen(line) + 1);
      continue;
    }
    assert_true(d->count < TS_DUMP_MAX_RECORDS);
    ts_dump_rec *r = &d->rec[d->count];
    parse_record(r, line, line_no);
    if (r->index != d->count + 1)
      fail_msg("spdm_dump line %u: record %u out of sequence", line_no, r->index);
    d->count++;
  }
  free(s);
  free(txt);
  return d;
}

const ts_dump_rec *ts_dump_get(const ts_dump *d, unsigned index) {
  if (index == 0 || index > d->count) fail_msg("spdm_dump has no record %u", index);
  return &d->rec[index - 1];
}

/* Where the n-th "key=" starts its value, or NULL. */
static const char *find_key(const ts_dump_rec *r, const char *key, unsigned n) {
  size_t klen = strlen(key);
  for (const char *p = strstr(r->args, key); p != NULL; p = strstr(p + 1, key)) {
    bool starts = p == r->args || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
    if (!starts || p[klen] != '=') continue;
    if (n-- == 0) return p + klen + 1;
  }
  return NULL;
}

bool ts_dump_u64(const ts_dump_rec *r, const char *key, unsigned n, uint64_t *v) {
  const char *p = find_key(r, key, n);
  if (p == NULL) return false;
  char *end;
  *v = strtoull(p, &end, 16);
  return end != p;
}

uint64_t ts_dump_need(const ts_dump_rec *r, const char *key) {
  uint64_t v = 0;
  if (!ts_dump_u64(r, key, 0, &v)) fail_msg("spdm_dump record %u has no %s", r->index, key);
  return v;
}

size_t ts_dump_bytes(const ts_dump_rec *r, const char *key, uint8_t *out, size_t cap) {
  const char *p = find_key(r, key, 0);
  if (p == NULL) return 0;
  size_t n = 0;
  while (isxdigit((unsigned char)p[2 * n]) && isxdigit((unsigned char)p[2 * n + 1])) {
    assert_true(n < cap);
    char h[3] = {p[2 * n], p[2 * n + 1], 0};
    out[n++] = (uint8_t)strtoul(h, NULL, 16);
  }
  return n;
}

size_t ts_dump_list(const ts_dump_rec *r, const char *key, uint8_t *out, size_t cap) {
  const char *p = find_key(r, key, 0);
  if (p == NULL || *p != '(') return 0;
  size_t n = 0;
  for (p++; *p != ')' && *p != '\0';) {
    char *end;
    unsigned long b = strtoul(p, &end, 16);
    assert_true(end != p && b <= 0xFF && n < cap);
    out[n++] = (uint8_t)b;
    p = end;
    while (*p == ',' || *p == ' ')
      p++;
  }
  return n;
}
