/* SPDX-License-Identifier: BSD-3-Clause */
/* opentsm: dispatches to a subcommand from one table (see commands.h). */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct ot_command commands[] = {
    {"demo", ot_cmd_demo, "run the end-to-end demonstration",
     "usage: opentsm demo [--seed N]\n"
     "Runs the library end to end with a deterministic seed and prints each step.\n"},
    {"connect", ot_cmd_connect, "run the TSM connect flow against a socket device",
     ot_usage_connect},
    {"device", ot_cmd_device, "serve a simulated device on a TCP socket (spdm-emu protocol)",
     ot_usage_device},
    {"certs", ot_cmd_certs, "generate a device certificate hierarchy", ot_usage_certs},
    {"bench", ot_cmd_bench, "time connect against device over loopback", ot_usage_bench},
    {"lspci", ot_cmd_lspci, "list the simulated PCIe topology as lspci does",
     "usage: opentsm lspci [-v|-vv|-xxxx] [--topology FILE]\n"
     "Enumerates the simulated platform (default: the built-in topology) and lists its\n"
     "functions; -v/-vv decode capabilities and DOE; -xxxx prints a dump `lspci -F` reads.\n"},
    {"topology", ot_cmd_topology, "print the simulated platform's tree",
     "usage: opentsm topology [--topology FILE] [--json]\n"},
    {"version", ot_cmd_version, "print the version", "usage: opentsm version\n"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

int ot_wants_help(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
  }
  return 0;
}

static void usage(FILE *out) {
  fprintf(out, "usage: opentsm <command> [options]\n\ncommands:\n");
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\n`opentsm <command> --help` describes one command.\n"
               "exit codes: 0 success, 1 operation failed, 2 usage error, 3 I/O error\n"
               "environment: OPENTSM_LOG=error|warn|info|debug|trace sets the log level\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return OT_EXIT_USAGE;
  }
  if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return OT_EXIT_OK;
  }
  for (size_t i = 0; i < N_COMMANDS; i++) {
    if (strcmp(argv[1], commands[i].name) != 0) continue;
    if (ot_wants_help(argc - 1, argv + 1)) {
      fputs(commands[i].usage, stdout);
      return OT_EXIT_OK;
    }
    return commands[i].run(argc - 1, argv + 1);
  }
  fprintf(stderr, "opentsm: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return OT_EXIT_USAGE;
}
