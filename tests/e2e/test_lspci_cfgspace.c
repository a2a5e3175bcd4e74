/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The real lspci (pciutils) reads our configuration space model: a dump in
 * `lspci -xxxx` format is decoded with `lspci -F FILE -vvv`, and lspci must
 * find the header fields and the DOE extended capability with the register
 * values the model holds. A peer nobody here wrote checks the layout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opentsm/doe.h"
#include "opentsm/doe_mailbox.h"
#include "opentsm/pcie.h"
#include "opentsm/spec/doe.h"
#include "opentsm/spec/pcie.h"
#include "testsupport.h"

#define LSPCI "/usr/bin/lspci"

static ot_cfg_space cfg;
static ot_doe_mailbox mb;
static ot_doe_responder responder;
static uint8_t req_buf[4096], rsp_buf[4096];
static char dump[OT_CFG_DUMP_MAX];
static char output[65536];

/* An endpoint with a PCI Express capability (needed for extended capabilities) and a DOE mailbox.
 */
static void build_endpoint(uint16_t *doe_off) {
  ot_cfg_ident id = {.vendor = 0x1234,
                     .device = 0xabcd,
                     .revision = 1,
                     .class_code = 0x030200,
                     .layout = OT_PCI_HEADER_LAYOUT_TYPE0,
                     .subsys_vendor = 0x1234,
                     .subsys_id = 0x0001};
  assert_ot_ok(ot_cfg_init(&cfg, &id));
  uint16_t exp;
  assert_ot_ok(ot_cfg_add_cap(&cfg, OT_PCI_CAP_ID_EXP, 0x3c, &exp));
  /* PCIe r6.0 §7.5.3.2: Capability Version 2, Device/Port Type 0 (PCI Express Endpoint). */
  ot_cfg_poke32(&cfg, exp, (ot_cfg_peek32(&cfg, exp) & 0xffffu) | (0x0002u << 16));
  ot_doe_responder_init(&responder);
  ot_doe_mailbox_config conf = {.responder = &responder,
                                .req_buf = req_buf,
                                .req_cap = sizeof req_buf,
                                .rsp_buf = rsp_buf,
                                .rsp_cap = sizeof rsp_buf,
                                .cap_version = 1,
                                .int_support = true,
                                .int_msg_num = 5};
  assert_ot_ok(ot_doe_mailbox_install(&mb, &cfg, &conf, doe_off));
}

static void run_lspci(const char *path) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, LSPCI " -F %s -vvv -nn 2>/dev/null", path);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  size_t n = fread(output, 1, sizeof output - 1, p);
  output[n] = '\0';
  int rc = pclose(p);
  if (getenv("OT_SHOW_LSPCI")) fputs(output, stdout);
  if (rc != 0) fail_msg("lspci failed (%d)", rc);
}

static void lspci_decodes_header_and_doe(void **state) {
  (void)state;
  if (access(LSPCI, X_OK) != 0) fail_msg(LSPCI " is missing: scripts/deps.sh installs pciutils");
  uint16_t doe_off;
  build_endpoint(&doe_off);
  assert_ot_ok(ot_cfg_dump_lspci(&cfg, "01:00.0", "opentsm endpoint", dump, sizeof dump));
  char path[] = "/tmp/opentsm-lspci-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  size_t len = strlen(dump);
  assert_int_equal(write(fd, dump, len), (ssize_t)len);
  close(fd);
  run_lspci(path);
  unlink(path);

  /* Header: vendor/device and class as the model holds them. */
  assert_non_null(strstr(output, "[1234:abcd]"));
  assert_non_null(strstr(output, "[0302]"));
  /* Capability chain: PCI Express endpoint at 0x40, then DOE at 0x100. */
  assert_non_null(strstr(output, "Capabilities: [40] Express (v2) Endpoint"));
  char want[64];
  snprintf(want, sizeof want, "Capabilities: [%x v1] Data Object Exchange", doe_off);
  if (!strstr(output, want)) fail_msg("lspci output lacks \"%s\":\n%s", want, output);
  /* DOE Capabilities register: interrupt support, message number 5; Control: interrupts off. */
  assert_non_null(strstr(output, "DOECap: IntSup+"));
  assert_non_null(strstr(output, "Interrupt Message Number 005"));
  assert_non_null(strstr(output, "DOECtl: IntEn-"));
  /* DOE Status at reset: not busy, no error, nothing ready. */
  assert_non_null(strstr(output, "DOESta: Busy- IntSta- Error- ObjectReady-"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lspci_decodes_header_and_doe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
