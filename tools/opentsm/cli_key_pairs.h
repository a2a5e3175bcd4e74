/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's key pairs across restarts (`opentsm device --state-dir DIR`):
 * what SET_KEY_PAIR_INFO changed (DSP0274 1.3 §10.27), kept in
 * DIR/keypairs.bin beside slots.bin. A change takes effect at once (GET_
 * KEY_PAIR_INFO reports it), and only once it is on disk: the table is
 * changed on a copy, the file written whole to a temporary name, synced and
 * renamed over the old one, and then the copy becomes the table. At start a
 * file that does not check is refused and left as it is.
 * Format: ot_spdm_key_pairs_save (spdm_key_pairs.h); it holds the generated
 * private keys (file mode 0600).
 */
#ifndef OPENTSM_TOOL_CLI_KEY_PAIRS_H
#define OPENTSM_TOOL_CLI_KEY_PAIRS_H

#include <stdbool.h>
#include <stddef.h>

#include "opentsm/rng.h"
#include "opentsm/spdm_key_pairs.h"

struct cli_state;

#define CLI_KEY_PAIRS_FILE "keypairs.bin"

typedef struct cli_key_pairs {
  const char *dir;       /* NULL: changes are kept in memory only */
  ot_spdm_key_pairs *kp; /* the device's table (borrowed) */
  ot_rng *rng;           /* for Generate (borrowed) */
  /* Multi-key device: the identities that sign (the running one and the
   * slots file's staged copy, either NULL), kept in step with the table
   * (ot_spdm_key_pairs_to_identity), and the slots' state for SET_CERTIFICATE. */
  ot_spdm_identity *id;
  struct cli_state *state;
} cli_key_pairs;

/* Reads DIR/keypairs.bin if there is one into s->kp. A missing file is no
 * error. A damaged or foreign file: *why says what, s->kp unchanged,
 * OT_E_MALFORMED / OT_E_VERIFY / OT_E_BAD_KEY / OT_E_IO. */
OT_RESULT cli_key_pairs_load(cli_key_pairs *s, char *why, size_t cap);

/* The ot_spdm_set_key_pair_fn of the device (see the header comment). */
ot_status cli_key_pairs_set(void *ctx, const ot_spdm_set_key_pair_info *req);

/* The ot_spdm_set_cert_model_fn of a device with key pairs: cli_state_set_cert_model,
 * then slot `slot` bound to the pair whose key the new chain names (none when
 * erased), the table kept (DSP0274 1.3 SET_CERTIFICATE KeyPairID; §10.26
 * AssocCertSlotMask). */
ot_status cli_key_pairs_set_cert(void *ctx, uint8_t slot, uint8_t key_pair_id, uint8_t cert_model,
                                 const uint8_t *der, size_t len);

/*
 * `opentsm provision --set-key-pair ID:OP[,usage=HEX][,algo=A][,slots=HEX]`:
 * OP change | erase | generate, A p256 | p384 | rsa2048 | rsa3072 | rsa4096
 * or a hex AsymAlgo bit field (DSP0274 1.3 §10.27 fields). False for
 * anything else (ID 1-255, HEX up to the field's width).
 */
bool cli_parse_set_key_pair(const char *v, ot_spdm_set_key_pair_info *out);

#endif
