/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Secured SPDM messages over PCI DOE (DMTF DSP0277 1.2 "Secured Messages using
 * SPDM", §"Secured message format" and the PCI DOE binding, which carries no
 * sequence number on the wire; SPEC-FACTS §3.1-§3.3, T3, T4). See
 * spdm_session.h.
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/secure.h"
#include "session_internal.h"

/*
 * AEAD nonce (DSP0277 1.2 §"Sequence number" / "AEAD"): the salt XORed with
 * the 64-bit sequence number little-endian in bytes 0..7 (T4). DSP0277 1.0/1.1
 * left the byte order to the transport binding; libspdm and the recorded
 * traffic use little-endian there too, so every version does.
 */
static void make_nonce(const ot_spdm_epoch *e, uint64_t seq, uint8_t nonce[OT_AEAD_NONCE_SIZE]) {
  memcpy(nonce, e->iv, OT_AEAD_NONCE_SIZE);
  for (unsigned i = 0; i < 8; i++)
    nonce[i] ^= (uint8_t)(seq >> (8 * i));
}

ot_status ot_spdm_secured_session_id(const uint8_t *rec, size_t len, uint32_t *session_id) {
  OT_ENSURE(session_id != NULL && (rec != NULL || len == 0), OT_E_ARG);
  ot_reader r;
  ot_reader_init(&r, rec, len);
  return ot_read_u32le(&r, session_id);
}

static ot_status usable(const ot_spdm_session *s, ot_spdm_dir d) {
  OT_ENSURE(s != NULL, OT_E_ARG);
  OT_ENSURE(s->state != OT_SPDM_SESSION_FAILED, OT_E_FAILED);
  /* Records use the handshake keys in HANDSHAKE (never in the clear: then
   * they are not derived) and the data keys once ESTABLISHED (§3.1). */
  OT_ENSURE(s->state == OT_SPDM_SESSION_HANDSHAKE || s->state == OT_SPDM_SESSION_ESTABLISHED,
            OT_E_STATE);
  OT_ENSURE(s->sec.cur[d].valid, OT_E_STATE);
  return OT_SUCCESS;
}

ot_status ot_spdm_secured_encode(ot_spdm_session *s, const uint8_t *msg, size_t msg_len,
                                 uint8_t *out, size_t cap, size_t *out_len) {
  OT_ENSURE(s != NULL && out != NULL && out_len != NULL && (msg != NULL || msg_len == 0), OT_E_ARG);
  OT_GUARD(usable(s, ot_spdm_session_tx_dir(s)));
  ot_spdm_epoch *e = &s->sec.cur[ot_spdm_session_tx_dir(s)];
  OT_ENSURE(msg_len <= OT_SPDM_SECURED_MAX_MESSAGE, OT_E_TOO_LARGE);
  /* DSP0277 §"Sequence number": a sequence number must never wrap; the
   * last one is refused (SPEC-FACTS §3.3). */
  OT_ENSURE(e->seq < s->seq_max, OT_E_TOO_LARGE);

  bool enc = !s->p.mac_only;
  size_t body = (enc ? OT_SPDM_SECURED_APP_LEN_SIZE : 0) + msg_len; /* before the MAC */
  size_t length = body + OT_SPDM_SECURED_MAC_SIZE;                  /* the Length field */
  OT_ENSURE(cap >= OT_SPDM_SECURED_HEADER_SIZE + length, OT_E_NO_SPACE);

  uint8_t *p = out + OT_SPDM_SECURED_HEADER_SIZE;
  ot_store_u32le(out, s->session_id);
  ot_store_u16le(out + OT_SPDM_SECURED_SESSION_ID_SIZE, (uint16_t)length);
  if (enc) {
    /* Plaintext = ApplicationDataLength || message (no random padding). */
    memmove(p + OT_SPDM_SECURED_APP_LEN_SIZE, msg, msg_len);
    ot_store_u16le(p, (uint16_t)msg_len);
  } else {
    memmove(p, msg, msg_len);
  }

  uint8_t nonce[OT_AEAD_NONCE_SIZE];
  make_nonce(e, e->seq, nonce);
  ot_status st;
  if (enc) /* AAD = SessionID || Length (T4) */
    st = ot_aead_seal(&e->aead, nonce, out, OT_SPDM_SECURED_HEADER_SIZE, p, body, p, p + body,
                      OT_SPDM_SECURED_MAC_SIZE);
  else /* MAC only: everything before the MAC is AAD, nothing is encrypted */
    st = ot_aead_seal(&e->aead, nonce, out, OT_SPDM_SECURED_HEADER_SIZE + body, NULL, 0, NULL,
                      p + body, OT_SPDM_SECURED_MAC_SIZE);
  ot_zeroize(nonce, sizeof(nonce));
  if (!ot_ok(st)) {
    ot_zeroize(out, OT_SPDM_SECURED_HEADER_SIZE + length);
    return st;
  }
  e->seq++;
  *out_len = OT_SPDM_SECURED_HEADER_SIZE + length;
  return OT_SUCCESS;
}

/* The parts of a record, after the framing checks. */
typedef struct record {
  uint32_t session_id;
  const uint8_t *aad; /* SessionID || Length [|| message, MAC only] */
  size_t aad_len;
  const uint8_t *body; /* ciphertext (or nothing, MAC only) */
  size_t body_len;
  const uint8_t *mac;
  size_t msg_len_mac_only; /* MAC only: the message length */
} record;

static ot_status parse_record(const ot_spdm_session *s, const uint8_t *rec, size_t rec_len,
                              record *out) {
  ot_reader r;
  ot_reader_init(&r, rec, rec_len);
  uint16_t length;
  record x = {0};
  OT_GUARD(ot_read_u32le(&r, &x.session_id));
  OT_GUARD(ot_read_u16le(&r, &length));
  /* Length covers everything after it, within the bytes we have; only the
   * DOE's 0..3 pad bytes may follow (SPEC-FACTS §3.1). */
  OT_ENSURE(length <= ot_reader_remaining(&r), OT_E_TRUNCATED);
  OT_ENSURE(ot_reader_remaining(&r) - length <= OT_SPDM_SECURED_MAX_TRAILING, OT_E_TRAILING);
  size_t min = OT_SPDM_SECURED_MAC_SIZE + (s->p.mac_only ? 0 : OT_SPDM_SECURED_APP_LEN_SIZE);
  OT_ENSURE(length >= min, OT_E_MALFORMED);
  size_t body_len = (size_t)length - OT_SPDM_SECURED_MAC_SIZE;
  const uint8_t *body;
  OT_GUARD(ot_read_borrow(&r, body_len, &body));
  OT_GUARD(ot_read_borrow(&r, OT_SPDM_SECURED_MAC_SIZE, &x.mac));
  if (s->p.mac_only) {
    x.aad = rec;
    x.aad_len = OT_SPDM_SECURED_HEADER_SIZE + body_len;
    x.msg_len_mac_only = body_len;
  } else {
    x.aad = rec;
    x.aad_len = OT_SPDM_SECURED_HEADER_SIZE;
    x.body = body;
    x.body_len = body_len;
  }
  *out = x;
  return OT_SUCCESS;
}

/* Authenticates (and decrypts) x under epoch e at its current sequence number. */
static ot_status open_with(ot_spdm_epoch *e, const record *x, uint8_t *out) {
  uint8_t nonce[OT_AEAD_NONCE_SIZE];
  make_nonce(e, e->seq, nonce);
  ot_status st = ot_aead_open(&e->aead, nonce, x->aad, x->aad_len, x->body, x->body_len, x->mac,
                              OT_SPDM_SECURED_MAC_SIZE, out);
  ot_zeroize(nonce, sizeof(nonce));
  return st;
}

/* Failure path of decode: nothing delivered, the session ends. */
static ot_status reject(ot_spdm_session *s, ot_status why, uint8_t *out, size_t cap) {
  ot_zeroize(out, cap);
  session_fail(s, why);
  return why;
}

ot_status ot_spdm_secured_decode(ot_spdm_session *s, const uint8_t *rec, size_t rec_len,
                                 uint8_t *out, size_t cap, size_t *out_len) {
  OT_ENSURE(s != NULL && out != NULL && out_len != NULL && (rec != NULL || rec_len == 0), OT_E_ARG);
  ot_spdm_dir d = ot_spdm_session_rx_dir(s);
  OT_GUARD(usable(s, d));
  ot_spdm_epoch *cur = &s->sec.cur[d];
  ot_spdm_epoch *bak = &s->sec.backup[d];

  record x;
  ot_status st = parse_record(s, rec, rec_len, &x);
  if (!ot_ok(st)) return reject(s, st, out, cap);
  size_t span = s->p.mac_only ? x.msg_len_mac_only : x.body_len;
  /* The caller's buffer is too small: nothing consumed, try again. */
  if (cap < span) OT_BAIL(OT_E_NO_SPACE);
  if (x.session_id != s->session_id) return reject(s, ot_status_of(OT_E_DECRYPT), out, cap);
  if (cur->seq >= s->seq_max) return reject(s, ot_status_of(OT_E_TOO_LARGE), out, cap);

  uint8_t *pt = s->p.mac_only ? NULL : out;
  st = open_with(cur, &x, pt);
  bool rolled_back = false;
  if (ot_is(st, OT_E_DECRYPT) && bak->valid && bak->seq < s->seq_max) {
    /* KEY_UPDATE window: the peer may still use the old key (SPEC-FACTS §2.12). */
    if (ot_ok(open_with(bak, &x, pt))) {
      st = OT_SUCCESS;
      rolled_back = true;
    }
  }
  if (!ot_ok(st)) return reject(s, st, out, cap);

  size_t msg_len;
  if (s->p.mac_only) {
    memcpy(out, x.aad + OT_SPDM_SECURED_HEADER_SIZE, x.msg_len_mac_only);
    msg_len = x.msg_len_mac_only;
  } else {
    /* Plaintext = ApplicationDataLength || message || random padding. */
    msg_len = ot_load_u16le(out);
    if (msg_len > x.body_len - OT_SPDM_SECURED_APP_LEN_SIZE)
      return reject(s, ot_status_of(OT_E_MALFORMED), out, cap);
    memmove(out, out + OT_SPDM_SECURED_APP_LEN_SIZE, msg_len);
    ot_zeroize(out + msg_len, x.body_len - msg_len);
  }

  if (rolled_back) {
    /* The peer never switched: drop the new rx key, the old one is current again. */
    session_epoch_wipe(cur);
    *cur = *bak;
    memset(bak, 0, sizeof(*bak));
    s->rx_rollbacks++;
  }
  cur->seq++;
  *out_len = msg_len;
  return OT_SUCCESS;
}
