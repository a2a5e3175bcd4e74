/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's provisioning state (`opentsm device --state-dir DIR`): the
 * certificate slots written by SET_CERTIFICATE, kept in DIR/slots.bin so that
 * they survive a restart. A slot written while the device runs takes effect
 * at its next start (as in spdm_responder_emu, whose running connections go
 * on with the chains they were given; docs/interop.md): the running identity
 * is left alone, the change goes to a staged copy and to the file. The file is written whole to a
 * temporary name, synced and renamed over the old one (never half written), and read back at start;
 * a file that does not check is refused and left as it is.
 *
 * Format (little-endian): "OTSLOTS2" | Count(1) | Count x { SlotID(1) |
 * KeyPairID(1) | CertModel(1) | Length(2) | DER chain[Length], Length 0 =
 * slot erased (CertModel 0) } | SHA-256 of everything before (32). CertModel
 * is DSP0274 1.3 CertificateInfo's (1 DeviceCert, 2 AliasCert, 3 GenericCert).
 * Version 1 ("OTSLOTS1", no CertModel byte) still loads, as DeviceCert.
 */
#ifndef OPENTSM_TOOL_CLI_STATE_H
#define OPENTSM_TOOL_CLI_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "opentsm/spdm_identity.h"

#define CLI_STATE_FILE "slots.bin"

typedef struct cli_state {
  const char *dir;    /* NULL: nothing is kept */
  uint8_t set_mask;   /* slots written by SET_CERTIFICATE */
  uint8_t erase_mask; /* slots erased by SET_CERTIFICATE */
  uint8_t key_pair_id[8];
  ot_spdm_identity *id;     /* the device's identity (borrowed) */
  ot_spdm_identity *staged; /* id plus the changes since start (owned; cli_state_free) */
} cli_state;

/*
 * Reads DIR/slots.bin if there is one and applies it to s->id (each chain
 * checked as SET_CERTIFICATE checks it, at `now`). A missing file is no
 * error. On a damaged or refused file *why says what (cap bytes) and
 * nothing is applied: OT_E_MALFORMED / OT_E_VERIFY / the identity's errors.
 */
OT_RESULT cli_state_load(cli_state *s, time_t now, char *why, size_t cap);

/* The ot_spdm_set_cert_fn of the device: checks and applies the change to
 * the staged identity, then writes the file; if the file cannot be written
 * the staged slot is put back and OT_E_IO returned. */
ot_status cli_state_set_cert(void *ctx, uint8_t slot, uint8_t key_pair_id, const uint8_t *der,
                             size_t len);
/* The same for a slot of certificate model cert_model (OT_SPDM_CERT_MODEL_*,
 * kept in the file; ot_spdm_identity_provision_model checks it). */
ot_status cli_state_set_cert_model(void *ctx, uint8_t slot, uint8_t key_pair_id,
                                   uint8_t cert_model, const uint8_t *der, size_t len);

/* Releases the staged copy (wiping the private keys it holds). */
void cli_state_free(cli_state *s);

#endif
