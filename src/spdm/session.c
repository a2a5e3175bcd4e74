/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session lifecycle and KEY_UPDATE key switching (DSP0274 1.2/1.3 "KEY_UPDATE
 * request and KEY_UPDATE_ACK response messages"; SPEC-FACTS §2.12, §3.3).
 * See spdm_session.h.
 */
#include <string.h>

#include "opentsm/secure.h"
#include "session_internal.h"

void session_epoch_wipe(ot_spdm_epoch *e) {
  ot_aead_key_clear(&e->aead);
  ot_zeroize(e, sizeof(*e));
}

static void wipe_all_keys(ot_spdm_session *s) {
  for (int d = OT_SPDM_DIR_REQ; d <= OT_SPDM_DIR_RSP; d++) {
    session_epoch_wipe(&s->sec.cur[d]);
    session_epoch_wipe(&s->sec.next[d]);
    session_epoch_wipe(&s->sec.backup[d]);
  }
  ot_zeroize(&s->sec, sizeof(s->sec));
  s->has_finished_keys = false;
  s->has_export_master = false;
  s->data_keys = false;
}

void session_fail(ot_spdm_session *s, ot_status why) {
  if (s->state == OT_SPDM_SESSION_NONE) return;
  if (s->state != OT_SPDM_SESSION_FAILED) s->failure = why; /* the first failure wins */
  wipe_all_keys(s);
  s->state = OT_SPDM_SESSION_FAILED;
}

void ot_spdm_session_fail(ot_spdm_session *s, ot_status why) {
  if (s != NULL) session_fail(s, why);
}

ot_status ot_spdm_session_init(ot_spdm_session *s, ot_spdm_role role, uint32_t session_id,
                               const ot_spdm_session_params *p) {
  OT_ENSURE(s != NULL && p != NULL, OT_E_ARG);
  OT_ENSURE(role == OT_SPDM_ROLE_REQUESTER || role == OT_SPDM_ROLE_RESPONDER, OT_E_ARG);
  /* bin_str carries "spdm1.1 " .. "spdm1.4 ": the negotiated version (DSP0274
   * 1.1+ "Key schedule"); sessions do not exist in 1.0. */
  OT_ENSURE(p->spdm_version >= OT_SPDM_VERSION_11 && p->spdm_version <= OT_SPDM_VERSION_14,
            OT_E_VERSION);
  OT_ENSURE(p->sm_version == OT_SPDM_SM_VERSION_10 || p->sm_version == OT_SPDM_SM_VERSION_11 ||
                p->sm_version == OT_SPDM_SM_VERSION_12 || p->sm_version == OT_SPDM_SM_VERSION_13,
            OT_E_VERSION);
  size_t hl = ot_hash_size(p->hash);
  OT_ENSURE(hl != 0, OT_E_UNSUPPORTED);
  OT_ENSURE(ot_aead_key_size(p->aead) != 0, OT_E_UNSUPPORTED);

  memset(s, 0, sizeof(*s));
  OT_GUARD(ot_secret_mark(&s->sec, sizeof(s->sec)));
  s->session_id = session_id;
  s->role = role;
  s->p = *p;
  s->hash_len = hl;
  /* DSP0277 1.3 "AEAD limit": at most 2^e records per key; otherwise the
   * 64-bit counter's last value is refused, as libspdm does (SPEC-FACTS §3.3). */
  s->seq_max = (p->aead_limit_exponent >= 1 && p->aead_limit_exponent < 64)
                   ? (UINT64_C(1) << p->aead_limit_exponent)
                   : UINT64_MAX;
  s->failure = OT_SUCCESS;
  s->state = OT_SPDM_SESSION_STARTED;
  return OT_SUCCESS;
}

void ot_spdm_session_teardown(ot_spdm_session *s) {
  if (s == NULL) return;
  if (s->state != OT_SPDM_SESSION_NONE) {
    wipe_all_keys(s);
    ot_secret_unmark(&s->sec, sizeof(s->sec));
  }
  ot_zeroize(s, sizeof(*s));
}

uint64_t ot_spdm_session_seq_remaining(const ot_spdm_session *s, ot_spdm_dir dir) {
  if (s == NULL || (dir != OT_SPDM_DIR_REQ && dir != OT_SPDM_DIR_RSP)) return 0;
  const ot_spdm_epoch *e = &s->sec.cur[dir];
  if (!e->valid || e->seq >= s->seq_max) return 0;
  return s->seq_max - e->seq;
}

static ot_status update_ready(const ot_spdm_session *s) {
  OT_ENSURE(s != NULL, OT_E_ARG);
  OT_ENSURE(s->state != OT_SPDM_SESSION_FAILED, OT_E_FAILED);
  OT_ENSURE(s->state == OT_SPDM_SESSION_ESTABLISHED, OT_E_STATE);
  return OT_SUCCESS;
}

ot_status ot_spdm_session_update_activate_tx(ot_spdm_session *s) {
  OT_GUARD(update_ready(s));
  ot_spdm_dir d = ot_spdm_session_tx_dir(s);
  OT_ENSURE(s->sec.next[d].valid, OT_E_STATE);
  /* Our own old tx key is never needed again: the peer switches its rx key
   * when it derives the new one (SPEC-FACTS §2.12). */
  session_epoch_wipe(&s->sec.cur[d]);
  s->sec.cur[d] = s->sec.next[d];
  memset(&s->sec.next[d], 0, sizeof(s->sec.next[d]));
  return OT_SUCCESS;
}

ot_status ot_spdm_session_update_activate_rx(ot_spdm_session *s) {
  OT_GUARD(update_ready(s));
  ot_spdm_dir d = ot_spdm_session_rx_dir(s);
  OT_ENSURE(s->sec.next[d].valid && !s->sec.backup[d].valid, OT_E_STATE);
  /* Keep the old rx key until VerifyNewKey proves the peer switched
   * (DSP0274 "KEY_UPDATE": the old key is retained as a backup). */
  s->sec.backup[d] = s->sec.cur[d];
  s->sec.cur[d] = s->sec.next[d];
  memset(&s->sec.next[d], 0, sizeof(s->sec.next[d]));
  return OT_SUCCESS;
}

ot_status ot_spdm_session_update_commit(ot_spdm_session *s) {
  OT_GUARD(update_ready(s));
  session_epoch_wipe(&s->sec.backup[ot_spdm_session_rx_dir(s)]);
  return OT_SUCCESS;
}

ot_status ot_spdm_session_update_abort(ot_spdm_session *s) {
  OT_GUARD(update_ready(s));
  for (int d = OT_SPDM_DIR_REQ; d <= OT_SPDM_DIR_RSP; d++)
    session_epoch_wipe(&s->sec.next[d]);
  ot_spdm_dir rx = ot_spdm_session_rx_dir(s);
  if (s->sec.backup[rx].valid) {
    session_epoch_wipe(&s->sec.cur[rx]);
    s->sec.cur[rx] = s->sec.backup[rx];
    memset(&s->sec.backup[rx], 0, sizeof(s->sec.backup[rx]));
  }
  return OT_SUCCESS;
}
