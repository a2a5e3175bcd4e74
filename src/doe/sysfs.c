/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config space accessor over Linux sysfs: see opentsm/doe_sysfs.h.
 * Every access is one DW pread/pwrite at a DW-aligned offset (PCIe r6.0
 * §7.9.24: DOE mailbox registers take DW accesses only).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "opentsm/cursor.h"
#include "opentsm/doe_sysfs.h"
#include "opentsm/log.h"

#define LOG_COMPONENT "doe-sysfs"

static ot_doe_sysfs *as_sysfs(ot_cfg_access *a) { return (ot_doe_sysfs *)(void *)a; }

/* ---- BDF --------------------------------------------------------------------------- */

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Parses exactly `min`..`max` hex digits at *p, stopping at the first non-digit. */
static bool parse_hex(const char **p, size_t min, size_t max, uint32_t *out) {
  uint32_t v = 0;
  size_t n = 0;
  while (n < max && hex_value((*p)[n]) >= 0) {
    v = (v << 4) | (uint32_t)hex_value((*p)[n]);
    n++;
  }
  if (n < min || hex_value((*p)[n]) >= 0) return false;
  *p += n;
  *out = v;
  return true;
}

static bool expect(const char **p, char c) {
  if (**p != c) return false;
  (*p)++;
  return true;
}

/* see doe_sysfs.h */
ot_status ot_pci_bdf_canonical(const char *in, char out[static OT_PCI_BDF_MAX + 1]) {
  OT_ENSURE(in != NULL, OT_E_ARG);
  uint32_t domain = 0, bus, dev, fn;
  const char *p = in;
  /* With a domain the first field is followed by a second ':'. */
  const char *first_colon = strchr(in, ':');
  bool has_domain = first_colon && strchr(first_colon + 1, ':');
  if (has_domain) OT_ENSURE(parse_hex(&p, 4, 8, &domain) && expect(&p, ':'), OT_E_ARG);
  OT_ENSURE(parse_hex(&p, 2, 2, &bus) && expect(&p, ':'), OT_E_ARG);
  OT_ENSURE(parse_hex(&p, 2, 2, &dev) && expect(&p, '.'), OT_E_ARG);
  OT_ENSURE(parse_hex(&p, 1, 1, &fn) && *p == '\0', OT_E_ARG);
  /* PCIe r6.0 §2.2.4.2 (ID routing): Device Number is 5 bits, Function Number 3 bits. */
  OT_ENSURE(dev <= 0x1Fu && fn <= 7u, OT_E_ARG);
  char buf[OT_PCI_BDF_MAX + 2];
  int n = snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", (unsigned)domain, (unsigned)bus,
                   (unsigned)dev, (unsigned)fn);
  OT_ENSURE(n > 0 && (size_t)n <= OT_PCI_BDF_MAX, OT_E_INTERNAL);
  memcpy(out, buf, (size_t)n + 1u);
  return OT_SUCCESS;
}

/* ---- accessor ------------------------------------------------------------------------ */

static ot_status sysfs_read32(ot_cfg_access *a, uint16_t off, uint32_t *val) {
  ot_doe_sysfs *s = as_sysfs(a);
  OT_ENSURE(ot_cfg_dw_offset_ok(off), OT_E_ARG);
  OT_ENSURE(s->fd >= 0, OT_E_STATE);
  uint8_t b[4];
  ssize_t n;
  do {
    n = pread(s->fd, b, sizeof b, off);
  } while (n < 0 && errno == EINTR);
  if (n == 0) { /* past the end: the function has no register here */
    *val = UINT32_MAX;
    return OT_SUCCESS;
  }
  if (n != (ssize_t)sizeof b) {
    OT_LOGE(LOG_COMPONENT, "%s: read at 0x%03x: %s", s->bdf, off,
            n < 0 ? strerror(errno) : "short read");
    return ot_status_of(OT_E_IO);
  }
  *val = ot_load_u32le(b);
  return OT_SUCCESS;
}

static ot_status sysfs_write32(ot_cfg_access *a, uint16_t off, uint32_t val) {
  ot_doe_sysfs *s = as_sysfs(a);
  OT_ENSURE(ot_cfg_dw_offset_ok(off), OT_E_ARG);
  OT_ENSURE(s->fd >= 0, OT_E_STATE);
  uint8_t b[4];
  ot_store_u32le(b, val);
  ssize_t n;
  do {
    n = pwrite(s->fd, b, sizeof b, off);
  } while (n < 0 && errno == EINTR);
  if (n != (ssize_t)sizeof b) {
    OT_LOGE(LOG_COMPONENT, "%s: write at 0x%03x: %s", s->bdf, off,
            n < 0 ? strerror(errno) : "short write");
    return ot_status_of(OT_E_IO);
  }
  return OT_SUCCESS;
}

/* ---- open / close -------------------------------------------------------------------- */

/* see doe_sysfs.h */
ot_status ot_doe_sysfs_open_at(ot_doe_sysfs *s, const char *root, const char *bdf) {
  OT_ENSURE(s != NULL && root != NULL, OT_E_ARG);
  s->fd = -1; /* closing after a failed open is harmless */
  char canon[OT_PCI_BDF_MAX + 1];
  OT_GUARD(ot_pci_bdf_canonical(bdf, canon));
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/%s/config", root, canon);
  OT_ENSURE(n > 0 && (size_t)n < sizeof path, OT_E_ARG);

  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    OT_LOGE(LOG_COMPONENT, "%s: %s%s", path, strerror(err),
            err == EACCES || err == EPERM ? " (config space writes need root)" : "");
    return ot_status_of(err == ENOENT || err == ENOTDIR ? OT_E_NOT_FOUND : OT_E_IO);
  }
  s->base.read32 = sysfs_read32;
  s->base.write32 = sysfs_write32;
  s->fd = fd;
  memcpy(s->bdf, canon, sizeof canon);
  return OT_SUCCESS;
}

/* see doe_sysfs.h */
ot_status ot_doe_sysfs_open(ot_doe_sysfs *s, const char *bdf) {
  return ot_doe_sysfs_open_at(s, OT_SYSFS_PCI_ROOT, bdf);
}

/* see doe_sysfs.h */
void ot_doe_sysfs_close(ot_doe_sysfs *s) {
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
}
