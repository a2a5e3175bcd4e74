/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A dispatcher for the connect/device/certs/bench subcommands with the same
 * rules as tools/opentsm/main.c (help, usage errors, exit codes), so that
 * the CLI smoke tests run these commands whether or not the main table
 * lists them yet. The tests run the real opentsm instead when it does.
 */
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"

static const struct ot_command commands[] = {
    {"connect", ot_cmd_connect, "", ot_usage_connect},
    {"device", ot_cmd_device, "", ot_usage_device},
    {"certs", ot_cmd_certs, "", ot_usage_certs},
    {"bench", ot_cmd_bench, "", ot_usage_bench},
};

int ot_wants_help(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) return OT_EXIT_USAGE;
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
    if (strcmp(argv[1], commands[i].name) != 0) continue;
    if (ot_wants_help(argc - 1, argv + 1)) {
      fputs(commands[i].usage, stdout);
      return OT_EXIT_OK;
    }
    return commands[i].run(argc - 1, argv + 1);
  }
  fprintf(stderr, "unknown command '%s'\n", argv[1]);
  return OT_EXIT_USAGE;
}
