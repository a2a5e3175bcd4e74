/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Text views of a simulated platform, for the CLI (`opentsm lspci`,
 * `opentsm topology`) and for tests.
 * @layer sim
 *
 * ot_sim_lspci prints what the host found, in the style of pciutils' lspci,
 * reading every register through routed configuration requests (the host's
 * view, never the model's memory):
 *   OT_SIM_LSPCI_BRIEF    "BB:DD.F Class name [cccc]: Device [vvvv:dddd] (rev rr)"
 *   OT_SIM_LSPCI_VERBOSE  + subsystem, the simulator node, BARs, bridge bus
 *                         numbers and windows, the capability lists
 *   OT_SIM_LSPCI_VVERBOSE + decoded PCI Express and DOE registers, the
 *                         protocols the host's DOE Discovery returned, and
 *                         the IDE capability (PCIe r6.0 §7.9.26): IDECap,
 *                         IDECtl, each Link IDE block's Ctl/Sta, each
 *                         Selective IDE block's Cap/Ctl/Sta, RID association
 *                         and address association blocks (walked by the
 *                         blocks' own sizes, bounded by config space)
 *   OT_SIM_LSPCI_HEX      the 4 KiB of each function as `lspci -xxxx` prints
 *                         it; `lspci -F FILE` (pciutils' dump method) reads it
 */
#ifndef OPENTSM_SIM_PRINT_H
#define OPENTSM_SIM_PRINT_H

#include <stdio.h>

#include "opentsm/sim_host.h"
#include "opentsm/sim_platform.h"
#include "opentsm/status.h"

typedef enum ot_sim_lspci_mode {
  OT_SIM_LSPCI_BRIEF = 0,
  OT_SIM_LSPCI_VERBOSE,
  OT_SIM_LSPCI_VVERBOSE,
  OT_SIM_LSPCI_HEX,
} ot_sim_lspci_mode;

/* Prints every function the host enumerated. OT_E_IO if writing fails; routing errors. */
OT_RESULT ot_sim_lspci(FILE *out, ot_sim_host *h, ot_sim_lspci_mode mode);

/* Prints the platform's tree: nodes, kinds, BDFs (after enumeration), IDs, links. OT_E_IO. */
OT_RESULT ot_sim_print_tree(FILE *out, ot_sim_platform *p);

/* "PCI bridge", "3D controller", ...: the PCI Code and ID Assignment name of a class, or NULL. */
const char *ot_sim_class_name(uint32_t class_code);

#endif /* OPENTSM_SIM_PRINT_H */
