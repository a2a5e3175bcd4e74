/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>

#include "commands.h"

int ot_cmd_version(int argc, char **argv) {
  (void)argv;
  if (argc > 1) {
    fprintf(stderr, "usage: opentsm version\n");
    return OT_EXIT_USAGE;
  }
  printf("opentsm %s\n", OT_VERSION);
  return OT_EXIT_OK;
}
