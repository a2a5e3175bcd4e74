/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A config space accessor over Linux sysfs: DW reads and writes with
 * pread/pwrite on /sys/bus/pci/devices/<BDF>/config, so the DOE driver
 * (opentsm/doe_driver.h) can talk to a real device's mailbox.
 * @layer doe
 *
 * The config file holds the function's configuration space in register byte
 * order (little-endian). Writing it needs root (CAP_SYS_ADMIN); the kernel
 * must not be using the mailbox at the same time (Linux's own DOE driver owns
 * mailboxes of devices it has bound; use an unbound device or one whose
 * driver leaves DOE alone).
 *
 * A read at or past the end of the file (a conventional PCI function has
 * only 256 bytes) returns FFFFFFFFh, what a config read of a non-existent
 * register returns on PCIe; a short read or write inside the file is OT_E_IO.
 */
#ifndef OPENTSM_DOE_SYSFS_H
#define OPENTSM_DOE_SYSFS_H

#include "opentsm/pcie.h"
#include "opentsm/status.h"

#define OT_SYSFS_PCI_ROOT "/sys/bus/pci/devices"
/* "dddddddd:bb:dd.f": a domain of up to 8 hex digits (VMD domains exceed 16 bits). */
#define OT_PCI_BDF_MAX 16u

typedef struct ot_doe_sysfs {
  ot_cfg_access base;           /* must be first */
  int fd;                       /* -1 when closed */
  char bdf[OT_PCI_BDF_MAX + 1]; /* canonical form */
} ot_doe_sysfs;

/*
 * Validates a PCI address and writes its canonical sysfs form
 * ("%04x:%02x:%02x.%x", lowercase) to out. Accepts "DDDD:BB:DD.F" with a
 * domain of 4 to 8 hex digits, or "BB:DD.F" meaning domain 0; hex digits of
 * either case; device <= 1Fh, function <= 7. Anything else (including any
 * '/' or trailing character) is OT_E_ARG; out is written only on success.
 */
OT_RESULT ot_pci_bdf_canonical(const char *in, char out[static OT_PCI_BDF_MAX + 1]);

/*
 * Opens OT_SYSFS_PCI_ROOT/<bdf>/config for reading and writing. Errors:
 * OT_E_ARG for an invalid BDF, OT_E_NOT_FOUND if no such device, OT_E_IO for
 * any other failure (e.g. permission: the reason is logged). On success the
 * caller must ot_doe_sysfs_close it; after a failure, closing is harmless.
 */
OT_RESULT ot_doe_sysfs_open(ot_doe_sysfs *s, const char *bdf);

/* As ot_doe_sysfs_open, under another root directory (tests, chroots). */
OT_RESULT ot_doe_sysfs_open_at(ot_doe_sysfs *s, const char *root, const char *bdf);

/* Closes the file; safe to call twice. */
void ot_doe_sysfs_close(ot_doe_sysfs *s);

#endif /* OPENTSM_DOE_SYSFS_H */
