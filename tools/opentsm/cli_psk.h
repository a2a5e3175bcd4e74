/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --psk HEX, --psk-file FILE, --psk-hint STRING, --psk-hint-hex HEX of
 * `opentsm connect` and `opentsm device`: a pre-shared key for SPDM PSK
 * sessions (DSP0274 1.3 PSK_EXCHANGE / PSK_FINISH) and the PSKHint that names
 * it. The key is a secret: held in one marked buffer (the logger never prints
 * it), wiped by cli_psk_wipe, and a --psk HEX argument is overwritten in argv
 * as soon as it is read, so that it does not stay visible in the process's
 * command line (ps, /proc/PID/cmdline) longer than the start-up takes;
 * --psk-file keeps it out of argv entirely.
 */
#ifndef OPENTSM_CLI_PSK_H
#define OPENTSM_CLI_PSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/spdm.h"

typedef struct cli_psk {
  uint8_t key[OT_SPDM_PSK_MAX]; /* secret while marked */
  size_t key_len;
  uint8_t hint[OT_SPDM_PSK_HINT_MAX];
  size_t hint_len;
  bool marked, have_key, have_hint;
  ot_spdm_psk psk; /* points into key/hint once cli_psk_ready */
} cli_psk;

/* The options' help lines (shared by both commands). */
#define CLI_PSK_HELP                                                                               \
  "  --psk HEX       a pre-shared key (1-64 bytes, hex) for an SPDM PSK session\n"                 \
  "                  (PSK_EXCHANGE/PSK_FINISH). A SECRET: prefer --psk-file; the\n"                \
  "                  argument is blanked in the command line once read\n"                          \
  "  --psk-file FILE the pre-shared key from FILE, as hex (whitespace ignored)\n"                  \
  "  --psk-hint STRING  the PSKHint naming the key (its bytes, no terminating NUL;\n"              \
  "                  at most 32); default none\n"                                                  \
  "  --psk-hint-hex HEX  the PSKHint as exact bytes, e.g. 546573745073 6b48696e7400\n"             \
  "                  (\"TestPskHint\" and its NUL, as the DMTF emulators send it)\n"

/*
 * If opt is one of the PSK options, consumes val (overwriting a --psk value
 * in place) and returns 1, or prints why it is bad (prefixed with who) and
 * returns -1; returns 0 for any other option. Call cli_psk_wipe in the end
 * whatever happened.
 */
int cli_psk_option(cli_psk *p, const char *opt, char *val, const char *who);

/* True when a key was given; then p->psk is ready to use. A hint without a
 * key is a usage error (printed, returns false with *bad set). */
bool cli_psk_ready(cli_psk *p, bool *bad, const char *who);

/* Loads DMTF's public sample PSK "TestPskData" and hint "TestPskHint" (each
 * with its NUL, as the DMTF emulators send them) unless a key or hint was
 * given; true when loaded. Call cli_psk_ready afterwards. */
bool cli_psk_sample(cli_psk *p);

/* Wipes and unmarks everything. */
void cli_psk_wipe(cli_psk *p);

#endif
