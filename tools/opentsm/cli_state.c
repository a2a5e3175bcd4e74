/* SPDX-License-Identifier: BSD-3-Clause */
/* The device's provisioning state file; see cli_state.h. */
#define _POSIX_C_SOURCE 200809L
#include "cli_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_util.h"
#include "opentsm/crypto.h"
#include "opentsm/cursor.h"
#include "opentsm/secure.h"

/* Version 2 adds each slot's certificate model; a version 1 file (written
 * when every slot was DeviceCert) still loads, its slots as DeviceCert. */
static const uint8_t magic[8] = {'O', 'T', 'S', 'L', 'O', 'T', 'S', '2'};
static const uint8_t magic_v1[8] = {'O', 'T', 'S', 'L', 'O', 'T', 'S', '1'};
#define STATE_MAX (8u + 1u + 8u * (5u + OT_SPDM_ID_CHAIN_MAX) + 32u)

/* The whole file image of the current state into buf. */
static ot_status encode(const cli_state *s, uint8_t *buf, size_t cap, size_t *len) {
  ot_writer w;
  ot_writer_init(&w, buf, cap);
  uint8_t count = 0;
  for (unsigned i = 0; i < 8; i++)
    count += ((s->set_mask | s->erase_mask) >> i) & 1u;
  OT_GUARD(ot_write_bytes(&w, magic, sizeof(magic)));
  OT_GUARD(ot_write_u8(&w, count));
  for (uint8_t i = 0; i < 8; i++) {
    if (!(((s->set_mask | s->erase_mask) >> i) & 1u)) continue;
    const ot_spdm_id_slot *sl = &s->staged->slots[i];
    bool erased = (s->erase_mask >> i) & 1u;
    OT_GUARD(ot_write_u8(&w, i));
    OT_GUARD(ot_write_u8(&w, s->key_pair_id[i]));
    OT_GUARD(ot_write_u8(&w, erased ? 0 : sl->cert_model));
    OT_GUARD(ot_write_u16le(&w, erased ? 0 : (uint16_t)sl->der_len));
    if (!erased) OT_GUARD(ot_write_bytes(&w, sl->der, sl->der_len));
  }
  uint8_t h[32];
  OT_GUARD(ot_writer_status(&w));
  OT_GUARD(ot_hash(OT_HASH_SHA256, buf, ot_writer_len(&w), h, sizeof(h)));
  OT_GUARD(ot_write_bytes(&w, h, sizeof(h)));
  OT_GUARD(ot_writer_status(&w));
  *len = ot_writer_len(&w);
  return OT_SUCCESS;
}

/* Written atomically (cli_write_atomic): a crash leaves the old file or the new. */
static ot_status save(const cli_state *s) {
  uint8_t *buf = malloc(STATE_MAX);
  OT_ENSURE(buf != NULL, OT_E_NOMEM);
  size_t len = 0;
  ot_status st = encode(s, buf, STATE_MAX, &len);
  if (ot_ok(st)) st = cli_write_atomic(s->dir, CLI_STATE_FILE, buf, len);
  free(buf);
  return st;
}

static void say(char *why, size_t cap, const char *what) {
  if (why && cap) snprintf(why, cap, "%s", what);
}

OT_RESULT cli_state_load(cli_state *s, time_t now, char *why, size_t cap) {
  if (s->dir == NULL) return OT_SUCCESS;
  struct stat sb;
  if (stat(s->dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    say(why, cap, "no such folder");
    OT_BAIL(OT_E_IO);
  }
  if (s->staged == NULL) {
    s->staged = malloc(sizeof(*s->staged));
    OT_ENSURE(s->staged != NULL, OT_E_NOMEM);
    memcpy(s->staged, s->id, sizeof(*s->id));
  }
  uint8_t *buf;
  size_t len;
  OT_GUARD(cli_read_state_file(s->dir, CLI_STATE_FILE, STATE_MAX, &buf, &len, why, cap));
  if (buf == NULL) return OT_SUCCESS; /* nothing provisioned yet */
  ot_status st = OT_SUCCESS;
  /* Check the whole file before anything is applied. */
  uint8_t h[32];
  bool v1 = len >= sizeof(magic_v1) && memcmp(buf, magic_v1, sizeof(magic_v1)) == 0;
  if (len > STATE_MAX || len < sizeof(magic) + 1 + 32 ||
      (!v1 && memcmp(buf, magic, sizeof(magic)) != 0)) {
    say(why, cap, "not a slots file (size or magic)");
    st = ot_status_of(OT_E_MALFORMED);
  } else if (!ot_ok(ot_hash(OT_HASH_SHA256, buf, len - 32, h, sizeof(h))) ||
             !ot_ct_equal(h, buf + len - 32, 32)) {
    say(why, cap, "checksum mismatch (damaged or truncated)");
    st = ot_status_of(OT_E_VERIFY);
  }
  ot_reader r;
  ot_reader_init(&r, buf, ot_ok(st) ? len - 32 : 0);
  uint8_t count = 0, seen = 0;
  if (ot_ok(st)) {
    OT_IGNORE(ot_read_skip(&r, sizeof(magic)));
    st = ot_read_u8(&r, &count);
    if (ot_ok(st) && count > 8) st = ot_status_of(OT_E_MALFORMED);
  }
  /* First pass: structure only. */
  size_t body = ot_reader_offset(&r);
  for (unsigned i = 0; ot_ok(st) && i < count; i++) {
    uint8_t slot, kpid, model = OT_SPDM_CERT_MODEL_DEVICE;
    uint16_t n;
    st = ot_read_u8(&r, &slot);
    if (ot_ok(st)) st = ot_read_u8(&r, &kpid);
    if (ot_ok(st) && !v1) st = ot_read_u8(&r, &model);
    if (ot_ok(st)) st = ot_read_u16le(&r, &n);
    if (ot_ok(st)) st = ot_read_skip(&r, n);
    /* An erased slot has no model; a kept one DeviceCert..GenericCert. */
    if (ot_ok(st) && (slot >= 8 || ((seen >> slot) & 1u) || n > OT_SPDM_ID_CHAIN_MAX ||
                      (n == 0 && !v1 && model != 0) ||
                      (n != 0 && (model == 0 || model > OT_SPDM_CERT_MODEL_GENERIC))))
      st = ot_status_of(OT_E_MALFORMED);
    if (ot_ok(st)) seen |= (uint8_t)(1u << slot);
  }
  if (ot_ok(st) && ot_reader_remaining(&r) != 0) st = ot_status_of(OT_E_MALFORMED);
  if (!ot_ok(st) && ot_is(st, OT_E_TRUNCATED)) st = ot_status_of(OT_E_MALFORMED);
  if (!ot_ok(st) && why && why[0] == '\0') say(why, cap, "bad entry layout");
  /* Second pass: apply to a copy, commit only if every entry is accepted. */
  ot_spdm_identity *copy = ot_ok(st) ? malloc(sizeof(*copy)) : NULL;
  if (ot_ok(st) && copy == NULL) st = ot_status_of(OT_E_NOMEM);
  cli_state next = *s;
  if (ot_ok(st)) {
    memcpy(copy, s->id, sizeof(*copy));
    next.id = copy;
    ot_reader_init(&r, buf + body, len - 32 - body);
  }
  for (unsigned i = 0; ot_ok(st) && i < count; i++) {
    uint8_t slot = 0, kpid = 0, model = OT_SPDM_CERT_MODEL_DEVICE;
    uint16_t n = 0;
    const uint8_t *der = NULL;
    OT_IGNORE(ot_read_u8(&r, &slot));
    OT_IGNORE(ot_read_u8(&r, &kpid));
    if (!v1) OT_IGNORE(ot_read_u8(&r, &model));
    OT_IGNORE(ot_read_u16le(&r, &n));
    OT_IGNORE(ot_read_borrow(&r, n, &der));
    if (n == 0) {
      if (copy->slots[slot].present) ot_zeroize(&copy->slots[slot], sizeof(copy->slots[slot]));
      next.erase_mask |= (uint8_t)(1u << slot);
    } else {
      ot_x509_verdict v;
      st = ot_spdm_identity_provision_model(copy, slot, kpid, model, der, n, now, &v);
      if (!ot_ok(st)) {
        char m[96];
        snprintf(m, sizeof(m), "slot %u refused (%s)", slot, ot_status_message(st));
        say(why, cap, m);
      }
      next.set_mask |= (uint8_t)(1u << slot);
    }
    next.key_pair_id[slot] = kpid;
  }
  if (ot_ok(st)) {
    memcpy(s->id, copy, sizeof(*copy));
    memcpy(s->staged, copy, sizeof(*copy));
    s->set_mask = next.set_mask;
    s->erase_mask = next.erase_mask;
    memcpy(s->key_pair_id, next.key_pair_id, sizeof(s->key_pair_id));
  }
  if (copy) {
    ot_zeroize(copy, sizeof(*copy)); /* it held copies of the private keys */
    free(copy);
  }
  free(buf);
  return st;
}

ot_status cli_state_set_cert(void *ctx, uint8_t slot, uint8_t key_pair_id, const uint8_t *der,
                             size_t len) {
  return cli_state_set_cert_model(ctx, slot, key_pair_id, OT_SPDM_CERT_MODEL_DEVICE, der, len);
}

ot_status cli_state_set_cert_model(void *ctx, uint8_t slot, uint8_t key_pair_id,
                                   uint8_t cert_model, const uint8_t *der, size_t len) {
  cli_state *s = ctx;
  OT_ENSURE(slot < 8 && s->staged != NULL, OT_E_ARG);
  ot_spdm_id_slot *old = malloc(sizeof(*old));
  OT_ENSURE(old != NULL, OT_E_NOMEM);
  *old = s->staged->slots[slot];
  cli_state before = *s;
  ot_status st = ot_spdm_identity_provision_model(s->staged, slot, key_pair_id, cert_model, der,
                                                  len, time(NULL), NULL);
  if (ot_ok(st)) {
    if (der) {
      s->set_mask |= (uint8_t)(1u << slot);
      s->erase_mask &= (uint8_t) ~(1u << slot);
    } else {
      s->erase_mask |= (uint8_t)(1u << slot);
      s->set_mask &= (uint8_t) ~(1u << slot);
    }
    s->key_pair_id[slot] = key_pair_id;
    st = save(s);
    if (!ot_ok(st)) { /* not kept: not done (no data lost either way) */
      s->staged->slots[slot] = *old;
      s->set_mask = before.set_mask;
      s->erase_mask = before.erase_mask;
      s->key_pair_id[slot] = before.key_pair_id[slot];
    }
  }
  ot_zeroize(old, sizeof(*old));
  free(old);
  return st;
}

void cli_state_free(cli_state *s) {
  if (s->staged) {
    ot_spdm_identity_clear(s->staged);
    free(s->staged);
  }
  s->staged = NULL;
}
