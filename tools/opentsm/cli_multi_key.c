/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's key pairs as keys it signs with (DSP0274 1.3 multi-key: §10.4
 * MULTI_KEY_CAP / MULTI_KEY_CONN, §10.26 KEY_PAIR_INFO, §10.27
 * SET_KEY_PAIR_INFO, SET_CERTIFICATE KeyPairID): the table of
 * GET/SET_KEY_PAIR_INFO (cli_key_pairs.c) is read before the slots file, its
 * keys put into the identity, and each slot bound to the pair that holds the
 * key its certificate names; SET_CERTIFICATE then binds the slot it writes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli_state.h"
#include "cli_util.h"
#include "opentsm/secure.h"

uint32_t cli_device_multi_key(const cli_device_opts *o) {
  /* Off unless asked; cmd_device sets 10b for the DMTF-sample device, as
   * spdm_responder_emu with no arguments (docs/interop.md "Multi-key device
   * (responder role)"). */
  return o->multi_key_set ? (o->multi_key & OT_SPDM_CAP_MULTI_KEY_MASK) : 0;
}

static void say(char *why, size_t cap, const char *what) {
  if (why && cap) snprintf(why, cap, "%s", what);
}

OT_RESULT cli_device_key_pairs_load(cli_device *d, const cli_device_opts *o, char *why,
                                    size_t cap) {
  unsigned total = o->key_pairs ? o->key_pairs : 1u;
  OT_ENSURE(total <= OT_SPDM_KP_MAX, OT_E_ARG);
  bool settable = o->state_dir != NULL;
  ot_status st = ot_spdm_key_pairs_init(&d->kps, &d->id, (uint8_t)total, settable);
  if (!ot_ok(st)) {
    say(why, cap, "fewer key pairs than the identity has keys");
    return st;
  }
  d->kps_state = (cli_key_pairs){.dir = o->state_dir,
                                 .kp = &d->kps,
                                 .rng = cli_rng_get(&d->rng),
                                 .id = &d->id,
                                 .state = &d->state};
  OT_GUARD(cli_key_pairs_load(&d->kps_state, why, cap));
  st = ot_spdm_key_pairs_to_identity(&d->kps, &d->id);
  if (ot_is(st, OT_E_NO_SPACE)) say(why, cap, "more keys than the device holds at once (4)");
  return st;
}

OT_RESULT cli_device_key_pairs_bind(cli_device *d) {
  /* The slots file decides which chain each slot holds; the slot belongs to
   * the pair whose key that chain certifies (§10.26 AssocCertSlotMask). */
  ot_spdm_key_pairs_bind_identity(&d->kps, &d->id);
  OT_GUARD(ot_spdm_key_pairs_to_identity(&d->kps, &d->id));
  if (d->state.staged) OT_GUARD(ot_spdm_key_pairs_to_identity(&d->kps, d->state.staged));
  return OT_SUCCESS;
}

ot_status cli_key_pairs_set_cert(void *ctx, uint8_t slot, uint8_t key_pair_id, uint8_t cert_model,
                                 const uint8_t *der, size_t len) {
  cli_key_pairs *s = ctx;
  OT_ENSURE(s && s->kp && s->state && slot < OT_SPDM_MAX_SLOT_COUNT, OT_E_ARG);
  OT_GUARD(cli_state_set_cert_model(s->state, slot, key_pair_id, cert_model, der, len));
  /* The pair whose key the new chain names (found by its public key when
   * the connection named no KeyPairID); an erased slot belongs to none. */
  const ot_spdm_identity *st = s->state->staged;
  uint8_t n = der ? st->keys[st->slots[slot].key].key_pair_id : 0;
  ot_spdm_key_pairs_bind_slot(s->kp, slot, n);
  /* The chain is kept (slots.bin); the table is derived from it again at
   * every start, so a table that cannot be written now is no failure. */
  if (s->dir) {
    uint8_t *buf = malloc(OT_SPDM_KP_SAVE_MAX);
    size_t blen = 0;
    if (buf && ot_ok(ot_spdm_key_pairs_save(s->kp, buf, OT_SPDM_KP_SAVE_MAX, &blen)))
      OT_IGNORE(cli_write_atomic(s->dir, CLI_KEY_PAIRS_FILE, buf, blen));
    if (buf) {
      ot_zeroize(buf, OT_SPDM_KP_SAVE_MAX); /* it held private keys */
      free(buf);
    }
  }
  return OT_SUCCESS;
}

OT_RESULT cli_device_key_pairs(cli_device *d, const cli_device_opts *o, char *why, size_t cap) {
  (void)why;
  (void)cap;
  ot_spdm_responder_config *c = &d->dsm.rcfg;
  c->key_pairs = &d->kps;
  c->caps |= OT_SPDM_CAP_GET_KEY_PAIR_INFO;
  if (o->state_dir) {
    c->set_key_pair = cli_key_pairs_set;
    c->set_key_pair_ctx = &d->kps_state;
    c->caps |= OT_SPDM_CAP_SET_KEY_PAIR_INFO;
  }
  /* DSP0274 1.3 CAPABILITIES MULTI_KEY_CAP bits 27:26. */
  c->caps = (c->caps & ~(uint32_t)OT_SPDM_CAP_MULTI_KEY_MASK) | cli_device_multi_key(o);
  return OT_SUCCESS;
}
