/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The opentsm CLI's subcommands. Each lives in cmd_<name>.c and is listed in
 * the table in main.c. Exit codes (documented in `opentsm --help`):
 */
#ifndef OPENTSM_TOOL_COMMANDS_H
#define OPENTSM_TOOL_COMMANDS_H

#define OT_EXIT_OK 0      /* success */
#define OT_EXIT_FAILURE 1 /* the operation ran and failed (verification, refusal...) */
#define OT_EXIT_USAGE 2   /* bad command line */
#define OT_EXIT_IO 3      /* could not read/write a file or reach a peer */
/* connect: the device was authenticated but cannot be connected (SPDM 1.0/1.1:
 * no IDE_KM, no TDISP). */
#define OT_EXIT_AUTH_ONLY 4

struct ot_command {
  const char *name;
  int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
  const char *summary;
  const char *usage; /* shown by `opentsm NAME --help` */
};

int ot_cmd_demo(int argc, char **argv);
int ot_cmd_version(int argc, char **argv);
int ot_cmd_lspci(int argc, char **argv);
int ot_cmd_topology(int argc, char **argv);
int ot_cmd_connect(int argc, char **argv);
int ot_cmd_device(int argc, char **argv);
int ot_cmd_certs(int argc, char **argv);
int ot_cmd_bench(int argc, char **argv);
int ot_cmd_sim(int argc, char **argv);
int ot_cmd_attack(int argc, char **argv);
int ot_cmd_selftest(int argc, char **argv);
int ot_cmd_validate(int argc, char **argv);
int ot_cmd_provision(int argc, char **argv);
extern const char ot_usage_connect[], ot_usage_device[], ot_usage_certs[], ot_usage_bench[],
    ot_usage_validate[], ot_usage_provision[];

/* True if argv holds -h or --help (after the subcommand name). */
int ot_wants_help(int argc, char **argv);

#endif
