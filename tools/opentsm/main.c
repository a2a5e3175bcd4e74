/* SPDX-License-Identifier: BSD-3-Clause */
/* opentsm: dispatches to a subcommand from one table (see commands.h). */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct ot_command commands[] = {
    {"demo", ot_cmd_demo, "connect, attest, bind and use a device; watch an attack fail",
     "usage: opentsm demo [--seed N] [--pcap FILE] [--quiet]\n"
     "Builds the built-in platform and narrates connect, attestation, bind, secure MMIO\n"
     "and DMA, then an interposer attack that fails. Writes the device link's TLPs to\n"
     "FILE (default opentsm-demo.pcap) and the relayed DOE objects to FILE-doe.pcap.\n"
     "Deterministic with --seed. Exit 0 only if every step behaved.\n"},
    {"sim", ot_cmd_sim, "run a simulated platform: every device connected and used",
     "usage: opentsm sim [--topology FILE] [--scenario NAME] [--policy FILE] [--seed N]\n"
     "Connects every endpoint, lets its guest take its first TDI and move data through it.\n"
     "--scenario applies a topology scenario's taps first, or runs a named attack.\n"},
    {"attack", ot_cmd_attack, "run a named attack on the simulated platform",
     "usage: opentsm attack --list [--json]\n"
     "       opentsm attack NAME|all [--seed N] [--topology FILE] [--pcap FILE] [--json]\n"
     "Runs an attack scenario (docs/scenarios.md) and says whether it was detected or\n"
     "prevented, by what, and what the key-exposure audit found. Exit 0 if it did no harm.\n"},
    {"connect", ot_cmd_connect, "run the TSM connect flow against a socket device",
     ot_usage_connect},
    {"device", ot_cmd_device, "serve a simulated device on a TCP socket (spdm-emu protocol)",
     ot_usage_device},
    {"validate", ot_cmd_validate, "run the IDE_KM and TDISP conformance cases against a device",
     ot_usage_validate},
    {"provision", ot_cmd_provision,
     "SPDM 1.3 endpoint info and measurement extension log from a socket device",
     ot_usage_provision},
    {"certs", ot_cmd_certs, "generate a device certificate hierarchy", ot_usage_certs},
    {"bench", ot_cmd_bench, "time connect against device over loopback", ot_usage_bench},
    {"lspci", ot_cmd_lspci, "list the simulated PCIe topology as lspci does",
     "usage: opentsm lspci [-v|-vv|-xxxx] [--topology FILE] [--connected]\n"
     "Enumerates the simulated platform (default: the built-in topology) and lists its\n"
     "functions; -v/-vv decode capabilities, DOE and IDE; -xxxx prints a dump `lspci -F`\n"
     "reads. --connected connects every endpoint through the TSM first (streams Secure).\n"},
    {"topology", ot_cmd_topology, "print the simulated platform's tree",
     "usage: opentsm topology [--topology FILE] [--json]\n"},
    {"selftest", ot_cmd_selftest, "run the library's building blocks end to end",
     "usage: opentsm selftest [--seed N]\n"
     "Runs the cursor, crypto, certificate and DOE building blocks deterministically.\n"},
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
