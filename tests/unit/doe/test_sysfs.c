/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sysfs config space accessor against a faked sysfs tree: a temporary
 * directory holding <BDF>/config, a 4 KiB config space image with a DOE
 * capability built with the config space model.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opentsm/doe_driver.h"
#include "opentsm/doe_sysfs.h"
#include "opentsm/spec/doe.h"
#include "testsupport.h"

#define BDF "0000:3b:00.1"

typedef struct fixture {
  char root[64];
  char dir[128];
  char config[160];
  uint16_t doe_cap;
  ot_doe_sysfs s;
} fixture;

/* Writes `len` bytes of a config space image with an AER and a DOE capability. */
static void write_image(fixture *f, size_t len) {
  ot_cfg_space *cfg = calloc(1, sizeof *cfg);
  assert_non_null(cfg);
  const ot_cfg_ident id = {.vendor = 0x8086, .device = 0x0B25, .class_code = 0x088000};
  assert_ot_ok(ot_cfg_init(cfg, &id));
  uint16_t aer;
  assert_ot_ok(ot_cfg_add_ext_cap(cfg, OT_PCI_EXT_CAP_ID_AER, 2, 0x48, &aer));
  assert_ot_ok(ot_cfg_add_ext_cap(cfg, OT_DOE_EXT_CAP_ID, 1, OT_DOE_CAP_SIZEOF, &f->doe_cap));
  FILE *fp = fopen(f->config, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(cfg->data, 1, len, fp), len);
  fclose(fp);
  free(cfg);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  snprintf(f->root, sizeof f->root, "/tmp/ot-sysfs-XXXXXX");
  if (!mkdtemp(f->root)) return -1;
  snprintf(f->dir, sizeof f->dir, "%s/%s", f->root, BDF);
  if (mkdir(f->dir, 0700) != 0) return -1;
  snprintf(f->config, sizeof f->config, "%s/config", f->dir);
  f->s.fd = -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  ot_doe_sysfs_close(&f->s);
  unlink(f->config);
  rmdir(f->dir);
  rmdir(f->root);
  free(f);
  return 0;
}

/* Reads the DW at off straight from the file. */
static uint32_t file_dw(fixture *f, uint16_t off) {
  int fd = open(f->config, O_RDONLY);
  assert_true(fd >= 0);
  uint8_t b[4];
  assert_int_equal(pread(fd, b, 4, off), 4);
  close(fd);
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* ---- BDF validation ------------------------------------------------------------------ */

static void test_bdf_canonical_accepts(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } ok[] = {
      {"0000:03:00.0", "0000:03:00.0"},   {"0000:3b:1f.7", "0000:3b:1f.7"},
      {"3b:00.1", "0000:3b:00.1"},        {"ABCD:EF:01.2", "abcd:ef:01.2"},
      {"10000:00:00.0", "10000:00:00.0"}, {"ffffffff:ff:1f.7", "ffffffff:ff:1f.7"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char out[OT_PCI_BDF_MAX + 1];
    assert_ot_ok(ot_pci_bdf_canonical(ok[i].in, out));
    assert_string_equal(out, ok[i].out);
  }
}

static void test_bdf_canonical_rejects(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "0000:03:00",        /* no function */
      "0000:03:20.0",      /* device > 1Fh */
      "0000:03:00.8",      /* function > 7 */
      "0000:3:00.0",       /* one-digit bus */
      "000:03:00.0",       /* three-digit domain */
      "123456789:00:00.0", /* nine-digit domain */
      "0000:03:00.0/../x", /* path injection */
      "../0000:03:00.0",   /* path injection */
      "0000:03:00.0 ",     /* trailing space */
      "0000:03:00.00",     /* two-digit function */
      "g000:03:00.0",      /* not hex */
      "0000-03-00.0",      /* wrong separators */
      "0000:03:00:0",      /* wrong separator */
      "0000:0000:03:00.0", /* extra field */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char out[OT_PCI_BDF_MAX + 1] = "unchanged";
    ot_status st = ot_pci_bdf_canonical(bad[i], out);
    if (!ot_is(st, OT_E_ARG)) fail_msg("accepted \"%s\"", bad[i]);
    assert_string_equal(out, "unchanged");
  }
  char out[OT_PCI_BDF_MAX + 1];
  assert_ot_code(ot_pci_bdf_canonical(NULL, out), OT_E_ARG);
}

/* ---- accessor ---------------------------------------------------------------------- */

static void test_read_header_and_find_doe(void **state) {
  fixture *f = *state;
  write_image(f, OT_PCI_CFG_EXT_SIZE);
  assert_ot_ok(ot_doe_sysfs_open_at(&f->s, f->root, BDF));
  assert_string_equal(f->s.bdf, BDF);
  uint32_t v;
  assert_ot_ok(ot_cfg_read32(&f->s.base, OT_PCI_VENDOR_ID, &v));
  assert_int_equal(v, 0x0B258086u);
  uint16_t cap;
  assert_ot_ok(ot_doe_find_mailbox(&f->s.base, 0, &cap));
  assert_int_equal(cap, f->doe_cap);
  assert_ot_code(ot_doe_find_mailbox(&f->s.base, cap, &cap), OT_E_NOT_FOUND);
}

static void test_open_accepts_short_bdf(void **state) {
  fixture *f = *state;
  write_image(f, OT_PCI_CFG_EXT_SIZE);
  assert_ot_ok(ot_doe_sysfs_open_at(&f->s, f->root, "3B:00.1"));
  assert_string_equal(f->s.bdf, BDF);
}

static void test_writes_land_in_file(void **state) {
  fixture *f = *state;
  write_image(f, OT_PCI_CFG_EXT_SIZE);
  assert_ot_ok(ot_doe_sysfs_open_at(&f->s, f->root, BDF));
  uint16_t ctrl = (uint16_t)(f->doe_cap + OT_DOE_REG_CTRL);
  assert_ot_ok(ot_cfg_write32(&f->s.base, ctrl, 0x80000001u));
  assert_int_equal(file_dw(f, ctrl), 0x80000001u);
  uint32_t v;
  assert_ot_ok(ot_cfg_read32(&f->s.base, ctrl, &v));
  assert_int_equal(v, 0x80000001u);
  assert_ot_ok(ot_cfg_write32(&f->s.base, 0xFFC, 0x01020304u));
  assert_int_equal(file_dw(f, 0xFFC), 0x01020304u);
}

static void test_misaligned_and_out_of_range(void **state) {
  fixture *f = *state;
  write_image(f, OT_PCI_CFG_EXT_SIZE);
  assert_ot_ok(ot_doe_sysfs_open_at(&f->s, f->root, BDF));
  uint32_t v;
  assert_ot_code(f->s.base.read32(&f->s.base, 0x102, &v), OT_E_ARG);
  assert_ot_code(f->s.base.write32(&f->s.base, 0x1000, 0), OT_E_ARG);
  assert_ot_code(ot_cfg_read32(&f->s.base, 0x1001, &v), OT_E_ARG);
}

static void test_conventional_function_has_no_extended_space(void **state) {
  fixture *f = *state;
  write_image(f, OT_PCI_CFG_SIZE); /* 256-byte config file */
  assert_ot_ok(ot_doe_sysfs_open_at(&f->s, f->root, BDF));
  uint32_t v;
  assert_ot_ok(ot_cfg_read32(&f->s.base, 0x100, &v));
  assert_int_equal(v, UINT32_MAX);
  uint16_t cap;
  assert_ot_code(ot_doe_find_mailbox(&f->s.base, 0, &cap), OT_E_NOT_FOUND);
}

static void test_short_read_is_io_error(void **state) {
  fixture *f = *state;
  write_image(f, 6); /* ends inside the Command/Status DW */
  assert_ot_ok(ot_doe_sysfs_open_at(&f->s, f->root, BDF));
  uint32_t v;
  assert_ot_ok(ot_cfg_read32(&f->s.base, 0, &v));
  assert_ot_code(ot_cfg_read32(&f->s.base, 4, &v), OT_E_IO);
}

static void test_open_errors(void **state) {
  fixture *f = *state;
  write_image(f, OT_PCI_CFG_EXT_SIZE);
  assert_ot_code(ot_doe_sysfs_open_at(&f->s, f->root, "0000:3b:00.2"), OT_E_NOT_FOUND);
  ot_doe_sysfs_close(&f->s); /* harmless after a failed open */
  assert_ot_code(ot_doe_sysfs_open_at(&f->s, f->root, "0000:3b:00.1/.."), OT_E_ARG);
  assert_ot_code(ot_doe_sysfs_open_at(&f->s, f->config, BDF), OT_E_NOT_FOUND); /* ENOTDIR */
  assert_ot_code(ot_doe_sysfs_open_at(&f->s, NULL, BDF), OT_E_ARG);
}

static void test_closed_accessor_refuses(void **state) {
  fixture *f = *state;
  write_image(f, OT_PCI_CFG_EXT_SIZE);
  assert_ot_ok(ot_doe_sysfs_open_at(&f->s, f->root, BDF));
  ot_doe_sysfs_close(&f->s);
  ot_doe_sysfs_close(&f->s);
  uint32_t v;
  assert_ot_code(ot_cfg_read32(&f->s.base, 0, &v), OT_E_STATE);
  assert_ot_code(ot_cfg_write32(&f->s.base, 0, 0), OT_E_STATE);
}

/* The driver reaches the registers through sysfs: a static file never answers. */
static void test_driver_over_static_file_times_out(void **state) {
  fixture *f = *state;
  write_image(f, OT_PCI_CFG_EXT_SIZE);
  assert_ot_ok(ot_doe_sysfs_open_at(&f->s, f->root, BDF));
  ot_sim_clock clk;
  ot_sim_clock_init(&clk, 0);
  ot_doe_driver *d = calloc(1, sizeof *d);
  assert_ot_code(ot_doe_driver_init(d, &f->s.base, f->doe_cap, &clk.base), OT_E_TIMEOUT);
  /* After the timeout the driver aborted: the last Control write is Abort. */
  assert_int_equal(file_dw(f, (uint16_t)(f->doe_cap + OT_DOE_REG_CTRL)), OT_DOE_CTRL_ABORT);
  assert_false(ot_doe_driver_is_dead(d)); /* the file reads Busy = Error = 0 */
  free(d);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bdf_canonical_accepts),
      cmocka_unit_test(test_bdf_canonical_rejects),
      T(test_read_header_and_find_doe),
      T(test_open_accepts_short_bdf),
      T(test_writes_land_in_file),
      T(test_misaligned_and_out_of_range),
      T(test_conventional_function_has_no_extended_space),
      T(test_short_read_is_io_error),
      T(test_open_errors),
      T(test_closed_accessor_refuses),
      T(test_driver_over_static_file_times_out),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
