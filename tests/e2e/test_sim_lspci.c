/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The real lspci (pciutils) reads the simulated platform: the `-xxxx` dump
 * of the default topology (what `opentsm lspci -xxxx` prints) goes through
 * `lspci -F FILE -vvv -nn`, which must find every function the host
 * enumerated, with its IDs, its bridge bus numbers and its capabilities,
 * the IDE capability included (pciutils 3.9 names it by its ID only).
 * Our own -vv decodes that capability: as the world builds it, and after the
 * TSM connected every endpoint (streams Enabled and Secure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opentsm/sim_host.h"
#include "opentsm/sim_print.h"
#include "opentsm/sim_topology.h"
#include "opentsm/sim_world.h"
#include "testsupport.h"

#define LSPCI "/usr/bin/lspci"

static char output[1 << 17];

/* One function's block of lspci output: from its BDF line to the next BDF line. */
static const char *block_of(const char *bdf, char *buf, size_t cap) {
  const char *start = strstr(output, bdf);
  /* A BDF also appears inside other blocks (IDE RID association): take the line that starts with
   * it. */
  while (start != NULL && start != output && start[-1] != '\n')
    start = strstr(start + 1, bdf);
  if (start == NULL) return NULL;
  const char *end = start + 1;
  while ((end = strchr(end, '\n')) != NULL) {
    end++;
    if (end[0] != '\t' && end[0] != '\0' && end[0] != '\n') break;
  }
  size_t n = end ? (size_t)(end - start) : strlen(start);
  if (n >= cap) n = cap - 1;
  memcpy(buf, start, n);
  buf[n] = '\0';
  return buf;
}

static void must(const char *bdf, const char *text) {
  char buf[8192];
  const char *b = block_of(bdf, buf, sizeof buf);
  if (b == NULL) fail_msg("lspci did not list %s:\n%s", bdf, output);
  if (strstr(b, text) == NULL) fail_msg("lspci's %s lacks \"%s\":\n%s", bdf, text, b);
}

/* The default world, built without connecting, or with every endpoint connected. */
static ot_sim_world *make_world(bool connected) {
  ot_sim_topology *topo = calloc(1, sizeof *topo);
  assert_non_null(topo);
  assert_ot_ok(ot_sim_topology_default(topo));
  ot_sim_world *w;
  assert_ot_ok(ot_sim_world_create(topo, NULL, &w));
  free(topo);
  for (size_t i = 0; connected && i < w->ep_count; i++) {
    ot_tsm_refusal why;
    assert_ot_ok(ot_tsm_connect(&w->tsm, &w->eps[i]->tdev, &why));
  }
  return w;
}

static void real_lspci_reads_the_default_platform(void **state) {
  (void)state;
  if (access(LSPCI, X_OK) != 0) fail_msg(LSPCI " is missing: scripts/deps.sh installs pciutils");
  ot_sim_world *w = make_world(false);
  ot_sim_host *host = w->host;

  char path[] = "/tmp/opentsm-sim-lspci-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  assert_ot_ok(ot_sim_lspci(f, host, OT_SIM_LSPCI_HEX));
  fclose(f);

  char cmd[512];
  snprintf(cmd, sizeof cmd, LSPCI " -F %s -vvv -nn 2>&1", path);
  FILE *pipe = popen(cmd, "r");
  assert_non_null(pipe);
  size_t n = fread(output, 1, sizeof output - 1, pipe);
  output[n] = '\0';
  int rc = pclose(pipe);
  unlink(path);
  if (getenv("OT_SHOW_LSPCI")) fputs(output, stdout);
  if (rc != 0) fail_msg("lspci failed (%d):\n%s", rc, output);

  /* Every function the host found is listed with its IDs... */
  assert_int_equal(host->topo.count, 7);
  for (size_t i = 0; i < host->topo.count; i++) {
    const ot_sim_enum_fn *e = &host->topo.fns[i];
    char bdf[9], ids[16];
    ot_sim_bdf_format(e->bus, e->devfn, bdf);
    snprintf(ids, sizeof ids, "[%04x:%04x]", e->vendor, e->device);
    must(bdf, ids);
    snprintf(ids, sizeof ids, "[%04x]", e->class_code >> 8);
    must(bdf, ids);
  }
  /* ...bridges with the bus numbers enumeration gave them... */
  must("00:01.0", "Bus: primary=00, secondary=01, subordinate=04");
  must("01:00.0", "Bus: primary=01, secondary=02, subordinate=04");
  must("02:00.0", "Bus: primary=02, secondary=03, subordinate=03");
  must("02:01.0", "Bus: primary=02, secondary=04, subordinate=04");
  /* ...each with the PCI Express capability of its port type... */
  must("00:01.0", "Capabilities: [40] Express (v2) Root Port (Slot+)");
  must("01:00.0", "Capabilities: [40] Express (v2) Upstream Port");
  must("02:00.0", "Capabilities: [40] Express (v2) Downstream Port (Slot+)");
  must("02:01.0", "Capabilities: [40] Express (v2) Downstream Port (Slot+)");
  must("03:00.0", "Capabilities: [40] Express (v2) Endpoint");
  must("03:00.1", "Capabilities: [40] Express (v2) Endpoint");
  must("04:00.0", "Capabilities: [40] Express (v2) Endpoint");
  /* ...the GPU advertising TEE-IO and its link as trained... */
  must("03:00.0", "LnkSta:\tSpeed 32GT/s");
  /* ...the BARs as assigned... */
  must("03:00.0", "Region 0: Memory at c0000000 (64-bit, non-prefetchable)");
  must("03:00.0", "Region 2: Memory at 4000000000 (64-bit, prefetchable)");
  must("04:00.0", "Region 0: Memory at c1400000 (64-bit, non-prefetchable)");
  /* ...and the DOE mailboxes, idle after the host's Discovery. */
  must("03:00.0", "Capabilities: [100 v2] Data Object Exchange");
  must("04:00.0", "Capabilities: [100 v1] Data Object Exchange");
  must("03:00.0", "DOESta: Busy- IntSta- Error- ObjectReady-");
  char buf[8192];
  assert_null(strstr(block_of("03:00.1", buf, sizeof buf), "Data Object Exchange"));
  /* The IDE capabilities a TSM programs: the root port's and each DSM's (ID 0030h). */
  must("00:01.0", "Capabilities: [100 v1] Extended Capability ID 0x30");
  must("01:00.0", "Capabilities: [100 v1] Extended Capability ID 0x30"); /* profile: sw0-up */
  must("03:00.0", "Capabilities: [118 v1] Extended Capability ID 0x30");
  must("04:00.0", "Capabilities: [118 v1] Extended Capability ID 0x30");
  assert_null(strstr(block_of("03:00.1", buf, sizeof buf), "ID 0x30"));
  assert_null(strstr(block_of("02:00.0", buf, sizeof buf), "ID 0x30"));

  ot_sim_world_destroy(w);
}

/* Our own -vv listing of the world, in output[]. */
static void list_vv(ot_sim_world *w) {
  FILE *f = fmemopen(output, sizeof output - 1, "w");
  assert_non_null(f);
  assert_ot_ok(ot_sim_lspci(f, w->host, OT_SIM_LSPCI_VVERBOSE));
  long n = ftell(f);
  fclose(f);
  assert_true(n > 0 && (size_t)n < sizeof output);
  output[n] = '\0';
  if (getenv("OT_SHOW_LSPCI")) fputs(output, stdout);
}

static void vv_decodes_ide_as_built(void **state) {
  (void)state;
  ot_sim_world *w = make_world(false);
  list_vv(w);
  /* rp0: ide {selective_streams: 4, link_tcs: 1, addr_assoc_blocks: 2} */
  must("00:01.0", "\tCapabilities: [100 v1] Integrity & Data Encryption\n"
                  "\t\tIDECap: Link+ Selective+ FlowThrough- PartialHdr- Aggregation- PCRC- "
                  "IDE_KM- SelCfg- TEE-Limited-\n"
                  "\t\t\tAlgorithms: AES-GCM-256, TCs 1, SelectiveStreams 4\n"
                  "\t\tIDECtl: FlowThroughEn-\n"
                  "\t\tLinkIDE#0 Ctl: Enable- StreamID 0 TC 0 Alg AES-GCM-256");
  must("00:01.0", "\t\tLinkIDE#0 Sta: State Insecure (0) RxIntegrityFailMsg-\n");
  must("00:01.0", "\t\tSelectiveIDE#3 Cap: AddrAssocBlocks 2\n");
  must("00:01.0", "\t\tSelectiveIDE#3 Addr#1: Valid- ");
  /* sw0-up: ide {selective_streams: 2, flow_through: true}, no stream of its own */
  must("01:00.0", "\t\tIDECap: Link- Selective+ FlowThrough+ PartialHdr- Aggregation- PCRC- "
                  "IDE_KM- SelCfg- TEE-Limited-\n"
                  "\t\t\tAlgorithms: AES-GCM-256, TCs 1, SelectiveStreams 2\n");
  must("01:00.0", "\t\tSelectiveIDE#1 Sta: State Insecure (0)");
  /* gpu0: ide {selective_streams: 2, ide_km: true, tee_limited: true, addr_assoc_blocks: 1} */
  must("03:00.0", "\t\tIDECap: Link- Selective+ FlowThrough- PartialHdr- Aggregation- PCRC- "
                  "IDE_KM+ SelCfg- TEE-Limited+\n"
                  "\t\t\tAlgorithms: AES-GCM-256, TCs 1, SelectiveStreams 2\n");
  must("03:00.0", "\t\tSelectiveIDE#1 Cap: AddrAssocBlocks 1\n"
                  "\t\tSelectiveIDE#1 Ctl: Enable- StreamID 0 TC 0 Default- ");
  must("03:00.0", "\t\tSelectiveIDE#0 Sta: State Insecure (0)");
  must("03:00.0", "\t\tSelectiveIDE#0 RID: Valid- Base 00:00.0 Limit 00:00.0 Segment 00\n");
  /* nvme0: one selective stream, no address blocks. */
  must("04:00.0", "SelectiveStreams 1\n");
  must("04:00.0", "\t\tSelectiveIDE#0 Cap: AddrAssocBlocks 0\n");
  char buf[8192];
  assert_null(strstr(block_of("04:00.0", buf, sizeof buf), "SelectiveIDE#1"));
  assert_null(strstr(block_of("04:00.0", buf, sizeof buf), "Addr#0"));
  assert_null(strstr(block_of("03:00.1", buf, sizeof buf), "IDECap"));
  assert_null(strstr(block_of("02:01.0", buf, sizeof buf), "IDECap")); /* no ide: in profile */
  assert_null(strstr(output, "State Secure"));
  assert_null(strstr(output, "Enable+"));
  ot_sim_world_destroy(w);
}

static void vv_shows_connected_streams_secure(void **state) {
  (void)state;
  ot_sim_world *w = make_world(true);
  list_vv(w);
  /* Root port block i for the i-th endpoint below it, the device's block 0. */
  must("00:01.0", "\t\tSelectiveIDE#0 Ctl: Enable+ StreamID 0 TC 0 ");
  must("00:01.0", "\t\tSelectiveIDE#0 Sta: State Secure (2) RxIntegrityFailMsg-\n"
                  "\t\tSelectiveIDE#0 RID: Valid+ Base 03:00.0 Limit 03:00.0 Segment 00\n");
  must("00:01.0", "\t\tSelectiveIDE#1 Ctl: Enable+ StreamID 1 ");
  must("00:01.0", "\t\tSelectiveIDE#1 Sta: State Secure (2)");
  must("00:01.0", "\t\tSelectiveIDE#1 RID: Valid+ Base 04:00.0 Limit 04:00.0");
  must("00:01.0", "\t\tSelectiveIDE#2 Sta: State Insecure (0)");
  must("03:00.0", "\t\tSelectiveIDE#0 Ctl: Enable+ StreamID 0 ");
  must("03:00.0", "\t\tSelectiveIDE#0 Sta: State Secure (2)");
  must("03:00.0", "\t\tSelectiveIDE#0 RID: Valid+ Base 00:01.0 Limit 00:01.0");
  must("03:00.0", "\t\tSelectiveIDE#1 Sta: State Insecure (0)");
  must("04:00.0", "\t\tSelectiveIDE#0 Ctl: Enable+ StreamID 1 ");
  must("04:00.0", "\t\tSelectiveIDE#0 Sta: State Secure (2)");
  ot_sim_world_destroy(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(real_lspci_reads_the_default_platform),
      cmocka_unit_test(vv_decodes_ide_as_built),
      cmocka_unit_test(vv_shows_connected_streams_secure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
