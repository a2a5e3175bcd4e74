/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --pcap FILE and --keylog FILE of `opentsm connect` and `opentsm device`:
 * a capture of every DOE object exchanged, in the layout DMTF's emulators
 * write and spdm_dump reads (opentsm/doe_pcap.h, link type 292), and a key
 * log with one line `DHE_SECRET <hex>` per SPDM session, the value
 * `spdm_dump --dhe_secret` takes, and one line `PSK <hex>` per PSK session,
 * the value `spdm_dump --psk` takes, so that spdm_dump decrypts every secured
 * message. The key log exposes the sessions' keys: a debugging aid, written
 * only when asked (mode 0600).
 */
#ifndef OPENTSM_CLI_CAPTURE_H
#define OPENTSM_CLI_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "opentsm/doe.h"
#include "opentsm/doe_pcap.h"

typedef struct cli_capture {
  ot_doe_transport base; /* must be first: the capturing transport of a requester */
  ot_doe_transport *inner;
  ot_pcap_file pcap; /* pcap.f == NULL: no capture */
  int keylog_fd;     /* -1: no key log */
  uint8_t *obj;      /* an object rebuilt for the capture (requester side) */
  size_t objects, sessions;
  ot_status err; /* first write error; reported at close */
} cli_capture;

/*
 * Opens what is asked (either path may be NULL). Prints the error prefixed
 * with `who` and returns false if a file cannot be created.
 */
bool cli_capture_open(cli_capture *c, const char *pcap_path, const char *keylog_path,
                      const char *who);

/* The requester side: a transport that records each request and response
 * object it carries over inner (returns inner itself when no pcap is asked). */
ot_doe_transport *cli_capture_transport(cli_capture *c, ot_doe_transport *inner);

/* The responder side: an ot_doe_observe_fn (ctx = the capture). */
void cli_capture_observe(void *ctx, bool response, const uint8_t *obj, size_t len);

/* An ot_spdm_keylog_fn (ctx = the capture). */
void cli_capture_keylog(void *ctx, uint32_t session_id, const uint8_t *secret, size_t len);
/* The same for PSK sessions (ot_spdm_*_config.keylog_psk): a `PSK <hex>` line. */
void cli_capture_keylog_psk(void *ctx, uint32_t session_id, const uint8_t *psk, size_t len);

/* Closes the files; false (the error printed with `who`) if a write failed. */
bool cli_capture_close(cli_capture *c, const char *who);

#endif /* OPENTSM_CLI_CAPTURE_H */
