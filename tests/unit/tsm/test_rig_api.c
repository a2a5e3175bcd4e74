/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The platform rig's own contract (opentsm/sim_rig.h): a policy's anchor
 * files live only during the parse, a refused policy names its line and
 * column, a failed attach leaves no device registered, and every _free is
 * safe on a context that was never (or already) released.
 */
#include <dirent.h>

#include "tsm_rig.h"

static const char ok_yaml[] = "version: 1\n"
                              "trust_anchors: [root0.der]\n"
                              "devices:\n"
                              "  - name: dev0\n";

/* Entries of dir other than . and .. */
static size_t entries(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  size_t n = 0;
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
    n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(d);
  return n;
}

static void test_policy_files_are_temporary(void **state) {
  (void)state;
  char tmp[] = "/tmp/ot_rig_api_XXXXXX";
  assert_non_null(mkdtemp(tmp));
  assert_int_equal(setenv("TMPDIR", tmp, 1), 0);
  rig *g = rig_new();
  rig_dev *d = rig_add_device(g, &(rig_dev_opts){.name = "dev0"});
  ot_x509_cert root;
  assert_ot_ok(ot_spdm_identity_root(&d->id, 0, &root));
  ot_tsm_policy_error err;
  assert_ot_ok(ot_sim_rig_policy(&g->policy, ok_yaml, strlen(ok_yaml), &root, 1, &err));
  assert_int_equal(g->policy.anchor_count, 1);
  assert_int_equal(g->policy.anchors[0].len, root.len);
  assert_memory_equal(g->policy.anchors[0].der, root.der, root.len);
  assert_int_equal(entries(tmp), 0);
  /* A refused policy: its position, and still nothing left behind. */
  static const char bad[] = "version: 1\ntrust_anchors: [root0.der]\nnope: 1\n";
  assert_ot_code(ot_sim_rig_policy(&g->policy, bad, strlen(bad), &root, 1, &err), OT_E_MALFORMED);
  assert_int_equal(err.line, 3);
  assert_int_equal(err.column, 1);
  assert_int_equal(entries(tmp), 0);
  /* An anchor the policy names but was not given: the parser says which file. */
  assert_ot_code(ot_sim_rig_policy(&g->policy, ok_yaml, strlen(ok_yaml), NULL, 0, &err), OT_E_IO);
  assert_non_null(strstr(err.msg, "root0.der"));
  assert_int_equal(entries(tmp), 0);
  rig_free(g);
  assert_int_equal(unsetenv("TMPDIR"), 0);
  assert_int_equal(rmdir(tmp), 0);
}

/* A TDI that cannot be added (the same FUNCTION_ID twice) undoes the device. */
static void test_attach_failure_unregisters(void **state) {
  (void)state;
  rig *g = rig_new();
  rig_dev *d = rig_add_device(g, &(rig_dev_opts){.name = "dev0"});
  rig_policy(g, d, ok_yaml);
  rig_start_tsm(g);
  ot_tsm_dev dev;
  ot_tsm_tdi tdis[2];
  ot_tsm_tdi_desc td[2] = {{.function_id = RIG_FID}, {.function_id = RIG_FID}};
  ot_tsm_dev_desc dd = {.name = "dev0",
                        .doe = &d->host.base,
                        .link = &d->link.base,
                        .rp_block = RIG_RP_BLOCK,
                        .rp_rid = RIG_RP_RID};
  assert_ot_code(ot_sim_rig_attach(&g->tsm, &dev, &dd, tdis, td, 2), OT_E_EXISTS);
  assert_null(dev.tsm);
  assert_ot_code(ot_sim_rig_attach(&g->tsm, &dev, &dd, NULL, td, 1), OT_E_ARG);
  assert_ot_ok(ot_sim_rig_attach(&g->tsm, &dev, &dd, tdis, td, 1));
  assert_ptr_equal(dev.tsm, &g->tsm);
  ot_tsm_dev_free(&dev);
  rig_free(g);
}

/* The endpoint answers DOE through its driver; every _free is idempotent. */
static void test_free_is_safe(void **state) {
  (void)state;
  rig *g = rig_new();
  rig_dev *d = rig_add_device(g, &(rig_dev_opts){.name = "dev0"});
  assert_true(d->ep.dsm_ready);
  assert_true(d->rp.port.ready);
  assert_non_null(ot_sim_rig_ep_doe(&d->ep));
  rig_free(g);
  ot_sim_rig_ep ep;
  ot_sim_rig_rp rp;
  memset(&ep, 0, sizeof ep);
  memset(&rp, 0, sizeof rp);
  ot_sim_rig_ep_free(&ep);
  ot_sim_rig_ep_free(&ep);
  ot_sim_rig_rp_free(&rp);
  ot_sim_rig_rp_free(&rp);
  ot_sim_rig_ep_free(NULL);
  ot_sim_rig_rp_free(NULL);
  ot_sim_rig_port_free(NULL);
  /* A config the endpoint cannot take: refused, and free still safe. */
  ot_sim_rig_ep_config bad = {.ident = {.vendor = 0x1AF4}};
  assert_false(ot_ok(ot_sim_rig_ep_init(&ep, &bad)));
  ot_sim_rig_ep_free(&ep);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_policy_files_are_temporary),
      cmocka_unit_test(test_attach_failure_unregisters),
      cmocka_unit_test(test_free_is_safe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
