/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: the CLI's reader of a certificate's subject (cli_util.h), fed
 * the bytes a device sent. It must fail cleanly or produce a bounded,
 * NUL-terminated string. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char out[96];
  memset(out, 'x', sizeof(out));
  ot_status st = cli_cert_subject(data, size, out, sizeof(out));
  if (ot_ok(st) && memchr(out, '\0', sizeof(out)) == NULL) abort();
  return 0;
}
