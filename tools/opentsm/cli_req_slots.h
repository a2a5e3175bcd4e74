/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `opentsm connect --req-slot N:CHAIN.der:KEY.der[,usage=LIST]` (repeatable):
 * more certificate slots of the TSM's own identity beside slot 0
 * (--req-cert-chain / --req-key), which a device's encapsulated GET_DIGESTS
 * lists and GET_CERTIFICATE fetches (DSP0274 1.3 multi-key requester: each
 * slot with its KeyPairID, CertificateInfo and KeyUsageMask). A key already
 * held (slot 0's, or an earlier --req-slot's) keeps its KeyPairID; a new key
 * gets the next one (2, 3, 4): at most 4 distinct keys.
 */
#ifndef OPENTSM_TOOL_CLI_REQ_SLOTS_H
#define OPENTSM_TOOL_CLI_REQ_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/spdm_identity.h"

#define CLI_REQ_SLOTS_MAX 7u /* slots 1..7 */
#define CLI_REQ_SLOT_PATH_MAX 256u

typedef struct cli_req_slot {
  uint8_t slot;       /* 1..7 */
  uint16_t key_usage; /* OT_SPDM_KEY_USAGE_*, 0: all four uses */
  char chain[CLI_REQ_SLOT_PATH_MAX];
  char key[CLI_REQ_SLOT_PATH_MAX];
} cli_req_slot;

/* A KeyUsageMask from a comma list of use names (false: unknown / empty). */
typedef bool (*cli_usage_parse_fn)(const char *list, uint16_t *out);

/*
 * Parses "N:CHAIN:KEY[,usage=LIST]" (N 1-7; the paths hold no ':' and the
 * key path no ','); false for anything else, *out then untouched.
 */
bool cli_req_slot_parse(const char *arg, cli_usage_parse_fn usage, cli_req_slot *out);

/*
 * Installs each slot in id, which holds slot 0 already. On error *why says
 * which (cap bytes) and the error is the loader's, OT_E_ARG for a slot
 * given twice, OT_E_NO_SPACE for a fifth distinct key.
 */
OT_RESULT cli_req_slots_load(ot_spdm_identity *id, const cli_req_slot *s, size_t n, char *why,
                             size_t cap);

#endif
