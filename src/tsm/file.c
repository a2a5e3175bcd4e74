/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole-file reads for the policy loader (the policy and its anchor files).
 */
#include <stdio.h>

#include "tsm_internal.h"

ot_status tsm_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len) {
  FILE *f = fopen(path, "rb");
  OT_ENSURE(f != NULL, OT_E_IO);
  size_t n = fread(buf, 1, cap, f);
  bool err = ferror(f) != 0;
  int extra = n == cap ? fgetc(f) : EOF;
  fclose(f);
  OT_ENSURE(!err, OT_E_IO);
  OT_ENSURE(extra == EOF, OT_E_TOO_LARGE);
  *len = n;
  return OT_SUCCESS;
}
